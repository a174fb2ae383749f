import pytest
from conftest import SHARED_DATA

from core.data.tldr import (TldrExample, find_pages, parse_page, resolve_placeholders, tldr_documents,
                            tldr_examples, to_bash_document)
from core.errors import UserError

PAGE = """# tar

> Archiving utility.
> More information: <https://www.gnu.org/software/tar>.

- [c]reate an archive from files:

`tar {{[-c|--create]}} {{[-f|--file]}} {{path/to/target.tar}} {{path/to/file1 path/to/file2 ...}}`

- E[x]tract an archive in a target directory:

`tar {{[-x|--extract]}} {{[-f|--file]}} {{path/to/source.tar}} {{[-C|--directory]}} {{path/to/directory}}`
"""


def test_parse_page_pairs_descriptions_with_commands():
    assert parse_page(PAGE, "tar") == [
        TldrExample("tar", "create an archive from files",
                    "tar --create --file path/to/target.tar path/to/file1 path/to/file2 ..."),
        TldrExample("tar", "Extract an archive in a target directory",
                    "tar --extract --file path/to/source.tar --directory path/to/directory")]


@pytest.mark.parametrize(("command", "expected"), [
    ("tar {{[-x|--extract]}} {{[-f|--file]}} {{path/to/file.tar}}", "tar --extract --file path/to/file.tar"),
    ("ls {{[-a|--all]}}", "ls --all"),
    ("cmd {{[a|b]}}", "cmd a"),
    ("cmd {{[-v|-q]}}", "cmd -v"),
    ("echo \\{\\{name\\}\\}", "echo {{name}}"),
    ("echo {{ unbalanced", "echo {{ unbalanced"),
    ("plain command", "plain command"),
])
def test_resolve_placeholders(command, expected):
    assert resolve_placeholders(command) == expected


def test_document_format():
    assert to_bash_document(TldrExample("ls", "List files", "ls --all")) == "#!/bin/bash\n# List files\nls --all\n"


@pytest.mark.parametrize("layout", ["checkout", "pages", "flat"])
def test_find_pages_in_three_layouts(tmp_path, layout):
    folder = {"checkout": tmp_path / "pages" / "common", "pages": tmp_path / "common", "flat": tmp_path}[layout]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tar.md").write_text(PAGE)
    (folder / "ls.md").write_text("# ls\n\n- List:\n\n`ls`\n")
    assert [p.name for p in find_pages(tmp_path)] == ["ls.md", "tar.md"]
    assert len(list(tldr_documents(tmp_path))) == 3
    assert len(list(tldr_examples(tmp_path, max_pages=1))) == 1


def test_missing_or_empty_folders_are_explained(tmp_path):
    with pytest.raises(UserError, match="tldr folder not found"):
        find_pages(tmp_path / "absent")
    with pytest.raises(UserError, match="no tldr pages"):
        find_pages(tmp_path)


@pytest.mark.skipif(not (SHARED_DATA / "tldr").is_dir(), reason=f"real tldr pages absent at {SHARED_DATA}")
def test_real_pages_parse_without_page_syntax():
    examples = list(tldr_examples(SHARED_DATA / "tldr"))
    assert len(examples) > 25_000
    assert not [e for e in examples if "{{[" in e.command]
    # What remains of "{{" is literal template syntax of the commands themselves (docker --format).
    leftovers = [e.command for e in examples if "{{" in e.command]
    assert len(leftovers) < 20 and all("}}" in c for c in leftovers)
    assert all(e.description and not e.description.endswith(":") for e in examples)
