import gzip
from pathlib import Path

import pytest

from core.data.system import installed_english_docs, installed_shell_scripts, man_to_text
from core.errors import UserError

BODY = "echo 'hello from a script that is long enough to count as one'\n"


@pytest.fixture
def prefix(tmp_path: Path) -> Path:
    root = tmp_path / "usr"
    (root / "bin").mkdir(parents=True)
    (root / "bin" / "a-bash").write_text("#!/bin/bash\n" + BODY)
    (root / "bin" / "b-sh").write_text("#!/usr/bin/env sh\n" + BODY + "# sh\n")
    (root / "bin" / "c.sh").write_text(BODY + "# no shebang but named .sh\n")
    (root / "bin" / "d-python").write_text("#!/usr/bin/python3\nprint('no')\n" + BODY)
    (root / "bin" / "e-binary").write_bytes(b"#!/bin/sh\n\x00\x01" + BODY.encode())
    (root / "bin" / "f-latin1").write_bytes(b"#!/bin/sh\n# caf\xe9\n" + BODY.encode())
    (root / "bin" / "g-huge").write_text("#!/bin/sh\n" + BODY * 2000)
    (root / "bin" / "h-link").symlink_to(root / "bin" / "a-bash")
    return root


def test_only_real_shell_scripts_are_harvested_once(prefix):
    texts = list(installed_shell_scripts([prefix]))
    assert len(texts) == 3
    assert texts[0].startswith("#!/bin/bash") and texts[1].startswith("#!/usr/bin/env sh")
    assert texts[2].endswith("named .sh\n")
    assert list(installed_shell_scripts([prefix], max_files=2)) == texts[:2]


def test_no_prefix_at_all_is_explained(tmp_path):
    with pytest.raises(UserError, match="none of the script folders exist"):
        list(installed_shell_scripts([tmp_path / "nowhere"]))


ROFF = r""".\" a comment that must vanish
.TH LS 1
.SH NAME
ls \- list directory contents
.SH DESCRIPTION
.B ls
lists \fIfiles\fR, don\(aqt worry \(em it is \(dqsafe\(dq.
.PP
.BR \-a , " \-\-all"
.de XX
.  secret macro body
..
Use \e to escape.
"""


def test_man_to_text():
    text = man_to_text(ROFF)
    assert "comment" not in text and "secret" not in text
    assert "NAME\nls - list directory contents" in text
    assert "lists files, don't worry — it is \"safe\"." in text
    assert "-a, --all" in text and "Use \\ to escape." in text
    assert "\\f" not in text and "\\(" not in text


def test_installed_docs_from_a_man_tree_and_python_help(tmp_path):
    (tmp_path / "man1").mkdir()
    (tmp_path / "man1" / "ls.1.gz").write_bytes(gzip.compress((ROFF + "words " * 60).encode()))
    (tmp_path / "man1" / "dir.1.gz").write_bytes(gzip.compress(b".so man1/ls.1\n"))
    only_man = list(installed_english_docs(man_root=tmp_path, include_pydoc=False))
    assert len(only_man) == 1 and only_man[0].startswith("NAME")
    with_help = list(installed_english_docs(man_root=tmp_path))
    assert len(with_help) > 50 and with_help[-1] == only_man[0]
    assert len(list(installed_english_docs(man_root=tmp_path, max_docs=5))) == 5
    with pytest.raises(UserError, match="no manual pages"):
        list(installed_english_docs(man_root=tmp_path / "none", include_pydoc=False))


@pytest.mark.skipif(not Path("/usr/share/man/man1").is_dir(), reason="this machine has no manual pages")
def test_this_machines_manual_pages_read_as_plain_text():
    docs = list(installed_english_docs(max_docs=300, include_pydoc=False))
    assert len(docs) > 50
    font_escapes = ("\\fB", "\\fI", "\\fR", "\\fP", "\\(em", "\\(aq", "\\-")
    assert not [d for d in docs if any(escape in d for escape in font_escapes)]
