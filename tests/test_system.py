"""The offline sources: shell scripts and English documentation harvested from the machine itself.

Every test but the two marked `this_machine` builds its own fake /usr in tmp_path, so the suite
means the same thing everywhere; those two skip where the machine has nothing to harvest.
"""
from __future__ import annotations

import gzip
import os
import re
from pathlib import Path

import pytest

import core.data.manpages as system  # the module whose `_python_help_topics` a test replaces
from core.data.manpages import installed_english_docs
from core.data.roff import man_to_text
from core.data.scripts import DEFAULT_SCRIPT_PREFIXES, installed_shell_scripts
from core.errors import UserError

BODY = "echo 'hello from a script that is long enough to count as one'\n"


@pytest.fixture
def prefix(tmp_path: Path) -> Path:
    root = tmp_path / "usr"
    (root / "bin").mkdir(parents=True)
    (root / "bin" / "a-bash").write_text("#!/bin/bash\n" + BODY)
    (root / "bin" / "b-sh").write_text("#!/bin/sh\n" + BODY + "# sh\n")
    (root / "bin" / "c.sh").write_text(BODY + "# no shebang but named .sh\n")
    (root / "bin" / "d-python").write_text("#!/usr/bin/python3\nprint('no')\n" + BODY)
    (root / "bin" / "e-binary").write_bytes(b"#!/bin/sh\n\x00\x01" + BODY.encode())
    (root / "bin" / "f-latin1").write_bytes(b"#!/bin/sh\n# caf\xe9\n" + BODY.encode())
    (root / "bin" / "g-huge").write_text("#!/bin/sh\n" + BODY * 2000)
    (root / "bin" / "h-tiny").write_text("#!/bin/sh\nls\n")
    (root / "bin" / "i-link").symlink_to(root / "bin" / "a-bash")
    (root / "bin" / "j-dangling").symlink_to(root / "bin" / "missing")
    (root / "lib" / "tool").mkdir(parents=True)
    (root / "lib" / "tool" / "hook").write_text("#!/usr/bin/env bash\r\n" + BODY + "  \n")
    return root


def test_only_real_shell_scripts_are_harvested_once_in_name_order(prefix):
    texts = list(installed_shell_scripts([prefix]))
    assert texts == [(prefix / "bin" / name).read_text() for name in ("a-bash", "b-sh", "c.sh")] + [
        (prefix / "lib" / "tool" / "hook").read_bytes().decode()]  # text unchanged, \r included
    assert list(installed_shell_scripts([prefix])) == texts


def test_max_files_and_size_limits(prefix):
    assert list(installed_shell_scripts([prefix], max_files=2)) == list(installed_shell_scripts([prefix]))[:2]
    assert list(installed_shell_scripts([prefix], max_files=0)) == []
    huge = (prefix / "bin" / "g-huge").read_text()
    assert huge in installed_shell_scripts([prefix], max_file_bytes=len(huge))
    tiny = (prefix / "bin" / "h-tiny").read_text()
    assert tiny in installed_shell_scripts([prefix], min_file_bytes=1)


@pytest.mark.parametrize("first_line, is_script", [
    ("#!/bin/bash", True), ("#!/bin/sh -e", True), ("#! /bin/dash", True), ("#!/usr/bin/bash -eu", True),
    ("#!/usr/bin/env bash", True), ("#!/usr/bin/env -S bash -e", True), ("#!/usr/bin/env sh", True),
    ("#!/usr/local/bin/bash", True), ("#!/bin/zsh", False), ("#!/bin/bashful", False),
    ("#!/usr/bin/env python3", False), ("# !/bin/sh", False), ("echo #!/bin/sh", False)])
def test_shebangs(tmp_path, first_line, is_script):
    (tmp_path / "tool").write_text(first_line + "\n" + BODY)
    assert len(list(installed_shell_scripts([tmp_path]))) == int(is_script)


def test_symlinked_folders_are_not_entered_and_prefixes_overlap_safely(tmp_path, prefix):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "outside.sh").write_text(BODY * 2)
    (prefix / "lib" / "linked").symlink_to(elsewhere, target_is_directory=True)
    texts = list(installed_shell_scripts([prefix, prefix / "bin", tmp_path / "missing"]))
    assert len(texts) == 4 and texts == list(installed_shell_scripts([prefix]))


def test_no_prefix_at_all_is_explained_at_once(tmp_path):
    with pytest.raises(UserError, match="none of the script folders exist"):
        installed_shell_scripts([tmp_path / "nowhere", tmp_path / "neither"])


def test_default_prefixes_are_the_system_folders():
    assert {"/usr/bin", "/usr/sbin", "/usr/share", "/etc"} <= set(DEFAULT_SCRIPT_PREFIXES)


ROFF = r""".\" a comment that must vanish
'\" a second comment style
.TH DEMO 1 "2024" "demo 1.0"
.de XX
.  secret macro body
..
.ds Qq " carefully
.nr Qn 5
.if n \{\
secret text for terminals only
.\}
.ie t .sp 2
.el secret text in a one-line conditional
.SH NAME
demo \- show what roff \fBlooks\fR like
.SH SYNOPSIS
.B demo
[\fI\,OPTION\/\fR]... \fB\-\-all\fP
.SH DESCRIPTION
.PP
Demo lists \fIfiles\fR, don\(aqt worry \(em it is \(dqsafe\(dq.
Pages 1\(en9 are read\*(Qq\*[Qx] \" a trailing comment
word\ by\ word, \%hyphen\&less.
.LP
.BR \-a , " \-\-all"
.TP
.B \-v
be verbose;
see
.IR demo (5).
.IP \(bu 2
first item
.P
Use \e to escape; C\-style \(lqquotes\(rq.
.sp
.nf
  line one
  line two
.fi
.SS "Exit status"
Zero on success.
"""

EXPECTED = """NAME
demo - show what roff looks like

SYNOPSIS
demo [OPTION]... --all

DESCRIPTION
Demo lists files, don't worry — it is "safe". Pages 1–9 are read carefully word by word, hyphenless.

-a, --all

-v
be verbose; see demo(5).

• first item

Use \\ to escape; C-style "quotes".

  line one
  line two

Exit status
Zero on success.
"""


def test_man_to_text_reads_a_man_page_as_plain_text():
    assert man_to_text(ROFF) == EXPECTED


@pytest.mark.parametrize("roff, text", [
    (r"caf\(aqs \[u00E9]t\('e na\(:ive \(co 2024 \[rg]", "caf's été naïve © 2024 ®"),
    (r"a\ b\~c\0d \(bu e\:f\|g\^h\/i\,j", "a b c d • efghij"),
    (r'\*(L"quoted\*(R" \*(C+ \*[unknown]x\*Yy', '"quoted" C++ xy'),
    (".ds ex \\fIexpr\\fR\n.ds qq \"two  words\nIf \\*(ex is \\*[qq].", "If expr is two  words."),
    (r"\s-1SMALL\s0 \s+2big\s0 \m[red]red\m[] \h'3n'moved \(zz\[nosuchglyph]", "SMALL big red moved"),
    (r"keep \\fB two backslashes then fB", "keep \\fB two backslashes then fB"),
    (".B \"quoted \"\"arg\"\"\" after", 'quoted "arg" after'),
])
def test_man_to_text_escapes(roff, text):
    assert man_to_text(roff) == text + "\n"


def test_man_to_text_tables_keep_cells_and_drop_the_format():
    roff = ".TS\nallbox tab(;);\nl l.\nName;Meaning\n_\na;first\nT{\nlong cell\nT};last\n.TE\nAfter."
    assert man_to_text(roff) == "Name  Meaning\na  first\nlong cell\nlast\nAfter.\n"


def _page(name: str) -> str:
    return f".TH {name.upper()} 1\n.SH NAME\n{name} \\- a demo page\n.SH DESCRIPTION\n" + "Some words. " * 30


@pytest.fixture
def man_root(tmp_path: Path) -> Path:
    root = tmp_path / "man"
    for folder in ("man1", "man3", "man8", "de/man1"):
        (root / folder).mkdir(parents=True)
    (root / "man1" / "ls.1.gz").write_bytes(gzip.compress(_page("ls").encode()))
    (root / "man1" / "cat.1").write_text(_page("cat"))
    (root / "man1" / "dir.1.gz").write_bytes(gzip.compress(b".so man1/ls.1\n"))
    (root / "man1" / "vdir.1.gz").symlink_to(root / "man1" / "ls.1.gz")
    (root / "man1" / "short.1").write_text(".TH SHORT 1\n.SH NAME\nshort \\- too short\n")
    (root / "man1" / "bsd.1").write_text(".Dd March 1, 2024\n.Dt BSD 1\n.Sh NAME\n.Nm bsd\n" + "word " * 60)
    (root / "man1" / "bad.1.gz").write_bytes(b"not gzip at all")
    (root / "man1" / "latin1.1").write_bytes(_page("caf\xe9").encode("latin-1"))
    (root / "man3" / "printf.3").write_text(_page("printf"))
    (root / "man8" / "mount.8.gz").write_bytes(gzip.compress(_page("mount").encode()))
    (root / "de" / "man1" / "ls.1.gz").write_bytes(gzip.compress(_page("ls-auf-deutsch").encode()))
    return root


def test_english_manual_pages_in_order_each_once(man_root):
    docs = list(installed_english_docs(man_root=man_root, include_pydoc=False))
    assert [d.splitlines()[1] for d in docs] == ["cat - a demo page", "ls - a demo page", "mount - a demo page"]
    assert all(d.startswith("NAME\n") and "\\" not in d for d in docs)
    assert list(installed_english_docs(man_root=man_root, include_pydoc=False, man_sections=["3"]))[0] \
        .startswith("NAME\nprintf")
    assert list(installed_english_docs(man_root=man_root, include_pydoc=False, max_doc_bytes=100)) == []


def test_python_help_topics_come_first_and_can_be_left_out(man_root):
    topics = pytest.importorskip("pydoc_data.topics").topics
    manual = list(installed_english_docs(man_root=man_root, include_pydoc=False))
    docs = list(installed_english_docs(man_root=man_root))
    assert len(docs) == len(topics) + len(manual) and docs[len(topics):] == manual
    assert docs[0] == topics[sorted(topics)[0]].strip() + "\n"
    assert len(list(installed_english_docs(man_root=man_root, max_docs=5))) == 5
    assert len(list(installed_english_docs(man_root=man_root / "none"))) == len(topics)


def test_no_documentation_at_all_is_explained(tmp_path, monkeypatch):
    with pytest.raises(UserError, match="no manual pages"):
        installed_english_docs(man_root=tmp_path / "none", include_pydoc=False)
    monkeypatch.setattr(system, "_python_help_topics", dict)
    with pytest.raises(UserError, match="no manual pages"):
        installed_english_docs(man_root=tmp_path / "none")


# ----- this_machine: what is really installed here; skipped where it is absent -------------------
MAN1 = Path("/usr/share/man/man1")


@pytest.mark.skipif(not MAN1.is_dir() or not any(MAN1.iterdir()), reason="this machine has no manual pages")
def test_this_machines_manual_pages_read_as_plain_text():
    docs = list(installed_english_docs(max_docs=50, include_pydoc=False))
    assert len(docs) == 50
    roff_left = re.compile(r"\\f(?:[BIRP]|\([A-Z]{2})|\\\((?:aq|dq|em|en|bu)|\\\*(?:\([A-Za-z]{2}|\[[A-Za-z])"
                           r"|^[.'](?:SH|TP|PP|IP|B|I|BR|de|if)\b", re.MULTILINE)
    assert [d[:40] for d in docs if roff_left.search(d)] == []
    assert all(len(d) >= 200 for d in docs)


@pytest.mark.skipif(not any(os.path.isdir(p) for p in DEFAULT_SCRIPT_PREFIXES), reason="no system folders")
def test_this_machines_shell_scripts():
    scripts = list(installed_shell_scripts(max_files=20))
    if not scripts:
        pytest.skip("this machine has no shell scripts in the usual places")
    assert all(s.startswith("#!") or "\n" in s for s in scripts) and len(set(scripts)) == len(scripts)


def test_generated_page_families_do_not_crowd_out_the_rest(tmp_path):
    """Breadth first across sections, and at most `max_per_family` pages of one command."""
    body = ".TH X 1\n.SH DESCRIPTION\n" + "Some words about this command. " * 10 + "\n"
    (tmp_path / "man1").mkdir()
    (tmp_path / "man5").mkdir()
    for i in range(6):
        (tmp_path / "man1" / f"gen-sub{i}.1").write_text(body.replace("Some", f"Generated{i}"))
    (tmp_path / "man1" / "zip.1").write_text(body.replace("Some", "Zip"))
    (tmp_path / "man5" / "crontab.5").write_text(body.replace("Some", "Crontab"))
    docs = list(installed_english_docs(man_root=tmp_path, include_pydoc=False, max_per_family=2))
    firsts = [d.split("DESCRIPTION\n")[1].split()[0] for d in docs]
    assert firsts == ["Crontab", "Generated0", "Zip", "Generated1"]
    assert len(list(installed_english_docs(man_root=tmp_path, include_pydoc=False, max_per_family=None))) == 8
