"""tldr pages: parsing, placeholder resolution, folder layouts, and the real snapshot in shared/data."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.data.tldr import (
    TldrExample,
    find_pages,
    parse_page,
    resolve_placeholders,
    tldr_documents,
    tldr_examples,
    to_bash_document,
)
from core.errors import UserError

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
REAL_TLDR = SHARED_DATA / "tldr"

PAGE = """# tar

> Archiving utility.
> More information: <https://www.gnu.org/software/tar>.

- [c]reate an archive from files:

`tar {{[-c|--create]}} {{[-f|--file]}} {{path/to/target.tar}} {{path/to/file1 path/to/file2 ...}}`

- E[x]tract an archive in a target directory:

`tar {{[-x|--extract]}} {{[-f|--file]}} {{path/to/source.tar}} {{[-C|--directory]}} {{path/to/directory}}`

- An example whose command is empty is dropped:

``

- List the contents of an archive: with a colon inside:

`tar tvf {{path/to/source.tar}}`
"""


def test_parse_page_pairs_descriptions_with_commands():
    assert parse_page(PAGE, "tar") == [
        TldrExample("tar", "create an archive from files",
                    "tar --create --file path/to/target.tar path/to/file1 path/to/file2 ..."),
        TldrExample("tar", "Extract an archive in a target directory",
                    "tar --extract --file path/to/source.tar --directory path/to/directory"),
        TldrExample("tar", "List the contents of an archive: with a colon inside",
                    "tar tvf path/to/source.tar")]


def test_parse_page_ignores_title_and_summary_lines():
    page = "# ls\n\n> List directory contents.\n> `ls -l` is common.\n\n- List files:\n\n`ls`\n"
    assert parse_page(page, "ls") == [TldrExample("ls", "List files", "ls")]
    assert parse_page("# nothing\n\n> Only a summary.\n", "nothing") == []


def test_examples_that_only_point_at_another_page_are_dropped():
    alias = ("# vi\n\n> This command is an alias of `vim`.\n\n"
             "- View documentation for the original command:\n\n`tldr vim`\n")
    assert parse_page(alias, "vi") == []
    own = "# tldr\n\n> Show tldr pages.\n\n- Show the page of a command:\n\n`tldr {{command}}`\n"
    assert parse_page(own, "tldr") == [TldrExample("tldr", "Show the page of a command", "tldr command")]


@pytest.mark.parametrize(("command", "expected"), [
    # Alternatives in brackets: the long option when there is one, else the first choice.
    ("tar {{[-x|--extract]}} {{[-f|--file]}} {{path/to/file.tar}}", "tar --extract --file path/to/file.tar"),
    ("tar czf {{path/to/target.tar.gz}} {{[-C|--directory]}} {{path/to/directory}} .",
     "tar czf path/to/target.tar.gz --directory path/to/directory ."),
    ("ls {{[-a|--all]}}", "ls --all"),
    ("cmd {{[a|b]}}", "cmd a"),
    ("cmd {{[-v|-q]}}", "cmd -v"),
    ("docker {{[ps|container ls]}} {{[-a|--all]}}", "docker ps --all"),
    ("docker {{[exec|container exec]}} {{[-it|--interactive --tty]}} {{name}} sh",
     "docker exec --interactive --tty name sh"),
    # Placeholders lose only their braces.
    ("cat {{path/to/file}}", "cat path/to/file"),
    ("rm {{path/to/file1 path/to/file2 ...}}", "rm path/to/file1 path/to/file2 ..."),
    ('grep "{{pattern}}" {{path/to/file}}', 'grep "pattern" path/to/file'),
    ("echo {{}}", "echo "),
    # Bare choices would read as a pipe in bash: one spelling is kept.
    ("nmcli radio wifi {{on|off}}", "nmcli radio wifi on"),
    ("pip install {{--global|--user|--site}} pkg", "pip install --global pkg"),
    ("tar xf {{path/to/source.tar[.gz|.bz2|.xz]}}", "tar xf path/to/source.tar.gz"),
    # A `|` that is shell or regex syntax inside a placeholder is kept.
    ("watch {{make | sed 10q}}", "watch make | sed 10q"),
    ("grep {{^ca(t|r)$}}", "grep ^ca(t|r)$"),
    ("cmd {{a || b}}", "cmd a || b"),
    # Escaped braces are literal braces, also inside a placeholder.
    ("echo \\{\\{name\\}\\}", "echo {{name}}"),
    ("docker inspect {{[-f|--format]}} '\\{\\{.LogPath\\}\\}' {{container}}",
     "docker inspect --format '{{.LogPath}}' container"),
    ('playerctl metadata {{[-f|--format]}} "{{Now playing: \\{\\{artist\\}\\} - \\{\\{title\\}\\}}}"',
     'playerctl metadata --format "Now playing: {{artist}} - {{title}}"'),
    ("aws dynamodb get-item --key '{{{\"ID\": {\"N\": \"1\"\\}\\}}}'",
     "aws dynamodb get-item --key '{\"ID\": {\"N\": \"1\"}}'"),
    # Text that is not a placeholder is never dropped.
    ("echo {{ unbalanced", "echo {{ unbalanced"),
    ("echo }} stray", "echo }} stray"),
    ("plain command | grep x", "plain command | grep x"),
    ("awk '{print $1}' file", "awk '{print $1}' file"),
])
def test_resolve_placeholders(command, expected):
    assert resolve_placeholders(command) == expected


@pytest.mark.parametrize("command", [
    "{{", "}}", "{{{{}}}}", "{{[}}", "{{]}}", "{{[|]}}", "{{|}}", "{{[-a|--b]", "{{a|}}", "{{|a}}",
    "{{[[-a|--b]]}}", "{{(|)}}", "{{)|(}}", "{{'|'}}", '{{"}}', "\\{\\{{{x}}\\}\\}", "{{x[a|b]y[c|d]}}",
    "{{[{{a|b}}]}}", "\\{\\{", "{{\\}\\}}}", "{{a}}}}{{b",
])
def test_resolve_placeholders_never_crashes_on_odd_input(command):
    assert isinstance(resolve_placeholders(command), str)


def test_document_format():
    assert to_bash_document(TldrExample("ls", "List files", "ls --all")) == "#!/bin/bash\n# List files\nls --all\n"


def _write_pages(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tar.md").write_text(PAGE)
    (folder / "ls.md").write_text("# ls\n\n- List:\n\n`ls`\n")


@pytest.mark.parametrize("layout", ["checkout", "pages", "flat"])
def test_find_pages_in_three_layouts(tmp_path, layout):
    folder = {"checkout": tmp_path / "pages" / "common", "pages": tmp_path / "common", "flat": tmp_path}[layout]
    _write_pages(folder)
    assert find_pages(tmp_path) == [folder / "ls.md", folder / "tar.md"]
    documents = list(tldr_documents(tmp_path))
    tar_documents = [to_bash_document(e) for e in parse_page(PAGE, "tar")]
    assert documents == ["#!/bin/bash\n# List\nls\n"] + tar_documents + ["#!/bin/bash\n# Archiving utility\ntar\n"]
    assert list(tldr_examples(tmp_path, max_pages=1)) == [TldrExample("ls", "List", "ls")]


def test_find_pages_reads_the_platforms_asked_for_and_ignores_translations(tmp_path):
    _write_pages(tmp_path / "pages" / "common")
    (tmp_path / "pages" / "linux").mkdir()
    (tmp_path / "pages" / "linux" / "apt.md").write_text("# apt\n\n- Update:\n\n`apt update`\n")
    (tmp_path / "pages" / "osx").mkdir()
    (tmp_path / "pages" / "osx" / "brew.md").write_text("# brew\n\n- Update:\n\n`brew update`\n")
    _write_pages(tmp_path / "pages.de" / "common")
    (tmp_path / "pages.de" / "common" / "nur-deutsch.md").write_text("# x\n\n- Auflisten:\n\n`ls`\n")
    (tmp_path / "pages" / "common" / "folder.md").mkdir()  # a directory named like a page is not one
    names = [p.relative_to(tmp_path).as_posix() for p in find_pages(tmp_path)]
    assert names == ["pages/common/ls.md", "pages/common/tar.md", "pages/linux/apt.md"]
    assert [p.name for p in find_pages(tmp_path, platforms=("osx",))] == ["brew.md"]
    assert [p.name for p in find_pages(tmp_path / "pages.de")] == ["ls.md", "nur-deutsch.md", "tar.md"]


def test_unreadable_pages_are_skipped(tmp_path):
    _write_pages(tmp_path)
    latin1 = "# caf\xe9\n\n- Caf\xe9:\n\n`echo caf\xe9`\n".encode("latin-1")
    (tmp_path / "latin1.md").write_bytes(latin1)
    assert [e.page for e in tldr_examples(tmp_path)] == ["ls", "tar", "tar", "tar"]


def test_missing_or_empty_folders_are_explained(tmp_path):
    with pytest.raises(UserError, match="tldr folder not found"):
        find_pages(tmp_path / "absent")
    with pytest.raises(UserError, match="no tldr pages"):
        find_pages(tmp_path)
    (tmp_path / "pages" / "osx").mkdir(parents=True)
    (tmp_path / "pages" / "osx" / "brew.md").write_text("# brew\n")
    with pytest.raises(UserError, match="no tldr pages"):
        find_pages(tmp_path)  # only common/linux are asked for
    with pytest.raises(UserError, match="max_pages"):
        list(tldr_examples(tmp_path, platforms=("osx",), max_pages=-1))


@pytest.mark.skipif(not (REAL_TLDR / "pages").is_dir(),
                    reason=f"real tldr pages absent: {REAL_TLDR / 'pages'} (see shared/data/SOURCES.md)")
def test_real_pages_parse_without_page_syntax():
    pages = find_pages(REAL_TLDR)
    assert len(pages) > 6_000
    examples = list(tldr_examples(REAL_TLDR))
    assert len(examples) > 25_000  # SOURCES.md: 21,035 + 8,460
    assert examples == list(tldr_examples(REAL_TLDR))  # deterministic
    assert all(e.description and not e.description.endswith(":") and e.command for e in examples)
    assert not [e.command for e in examples if "{{[" in e.command or re.search(r"\[-\w+\|--", e.command)]
    # The only `{{` left are the pages' escaped braces: literal template syntax (docker --format ...).
    raw: dict[str, str] = {}
    for path in pages:  # common/ and linux/ may both have a page of one name
        raw[path.stem] = raw.get(path.stem, "") + path.read_text(encoding="utf-8")
    leftovers = [e for e in examples if "{{" in e.command]
    assert len(leftovers) < 20
    assert all("\\{\\{" in raw[e.page] for e in leftovers), [e.command for e in leftovers]
    tar = [e for e in examples if e.page == "tar"]
    assert any(e.command.startswith("tar czf path/to/target.tar.gz --directory path/to/directory")
               for e in tar)
