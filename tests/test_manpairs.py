"""(request, command) pairs from manual pages: NAME lines and EXAMPLES sections; and the pages'
prose, an English source that must never hold those pairs.

Every test writes its own small roff pages (plain and gzipped) under tmp_path, in the shapes the
real pages of a Debian machine take (man-db's find, git's asciidoc output, pod2man, gcloud), and
checks the exact pairs; one last test reads this machine's own pages when it has them.
"""
from __future__ import annotations

import gzip
import time
from pathlib import Path

import pytest

from core.data.bashdoc import Pair
from core.data.manpairs import command_manuals, man_example_pairs, man_name_pairs
from core.errors import UserError


def _write(root: Path, file_name: str, roff: str | bytes) -> Path:
    """A page at root/man<section>/file_name, gzipped when the name ends in .gz."""
    section = file_name.removesuffix(".gz").rsplit(".", 1)[1][0]
    path = root / f"man{section}" / file_name
    path.parent.mkdir(parents=True, exist_ok=True)
    data = roff.encode() if isinstance(roff, str) else roff
    path.write_bytes(gzip.compress(data) if file_name.endswith(".gz") else data)
    return path


def _page(name_line: str, examples: str = "", synopsis: str = "") -> str:
    page = f".TH X 1\n.SH NAME\n{name_line}\n.SH SYNOPSIS\n{synopsis or 'x'}\n"
    page += ".SH DESCRIPTION\nWords.\n"
    return page + (f".SH EXAMPLES\n{examples}\n" if examples else "") + ".SH SEE ALSO\nnothing\n"


# ----- NAME ------------------------------------------------------------------------------------
def test_a_name_line_with_one_name(tmp_path):
    _write(tmp_path, "find.1.gz", _page(r"find \- search for files in a directory hierarchy"))
    assert list(man_name_pairs(tmp_path)) == [
        Pair(request="search for files in a directory hierarchy", command="find")]


def test_a_name_line_with_several_names_gives_one_pair_per_installed_name(tmp_path):
    _write(tmp_path, "gzip.1.gz", _page(r"gzip, gunzip, zcat, gzexe \- compress or expand files"))
    _write(tmp_path, "gunzip.1.gz", ".so man1/gzip.1\n")  # a redirect: no pair, but installed
    (tmp_path / "man1" / "zcat.1.gz").symlink_to(tmp_path / "man1" / "gzip.1.gz")
    assert list(man_name_pairs(tmp_path)) == [  # no gzexe page: gzexe is not taken as installed
        Pair("compress or expand files", "gunzip"), Pair("compress or expand files", "gzip"),
        Pair("compress or expand files", "zcat")]


def test_roff_escapes_are_read_and_a_trailing_period_dropped(tmp_path):
    _write(tmp_path, "ls.1", _page(r"\fBls\fR \- list \fIdirectory\fP contents\(emsorted\&."))
    _write(tmp_path, "cut.1", '.TH CUT 1\n.SH "NAME"\n.B cut\n\\- remove sections from each line\n'
                              "of files, v9.1\n.SH SYNOPSIS\ncut\n")
    assert list(man_name_pairs(tmp_path)) == [
        Pair("remove sections from each line of files", "cut"),
        Pair("list directory contents—sorted", "ls")]


def test_redirects_unreadable_pages_and_names_that_are_no_commands_are_skipped(tmp_path):
    _write(tmp_path, "dir.1.gz", ".so man1/common.1\n" + _page(r"dir \- list directory contents"))
    _write(tmp_path, "cafe.1", _page("cafe \\- a caf\xe9 page").encode("latin-1"))
    (tmp_path / "man1" / "broken.1.gz").write_bytes(b"not gzip at all")
    _write(tmp_path, "tc-pie.8", _page(r"PIE \- Proportional Integral controller"))  # no PIE page
    _write(tmp_path, "empty.1", _page(r"empty \- "))
    _write(tmp_path, "weird.1", _page(r"we/ird \- a name with a slash"))
    _write(tmp_path, "pam_env.8", _page(r"pam_env \- PAM module to set environment variables"))
    _write(tmp_path, "systemd-tmp.8", _page(r"systemd-tmp, systemd-tmp.service \- Clean up",
                                            synopsis="systemd-tmp [OPTIONS]"))
    assert list(man_name_pairs(tmp_path)) == [Pair("Clean up", "systemd-tmp")]


def test_dashed_names_are_typed_as_their_synopsis_shows(tmp_path):
    _write(tmp_path, "git.1", _page(r"git \- the stupid content tracker"))
    _write(tmp_path, "git-log.1", _page(r"git-log \- Show commit logs",
                                        synopsis=r"\fIgit log\fR [<options>]"))
    _write(tmp_path, "git-shell.1", _page(r"git-shell \- Restricted login shell",
                                          synopsis=r"chsh \-s $(command \-v git\-shell) <user>"))
    _write(tmp_path, "ip.8", _page(r"ip \- show / manipulate routing"))
    _write(tmp_path, "ip-route.8", _page(r"ip-route \- routing table management",
                                         synopsis=r"\fBip\fR [ \fIip-OPTIONS\fR ] \fBroute\fR"))
    _write(tmp_path, "apt-get.8", _page(r"apt-get \- APT package handling utility"))
    assert list(man_name_pairs(tmp_path)) == [
        Pair("APT package handling utility", "apt-get"),  # no `apt` page: the name stands
        Pair("the stupid content tracker", "git"), Pair("Show commit logs", "git log"),
        Pair("Restricted login shell", "git-shell"), Pair("show / manipulate routing", "ip")]


def test_mdoc_pages_give_their_name(tmp_path):
    _write(tmp_path, "ssh-add.1", ".Dd $Mdocdate$\n.Dt SSH-ADD 1\n.Os\n.Sh NAME\n.Nm ssh-add\n"
                                  ".Nd adds private key identities to the agent\n"
                                  ".Sh SYNOPSIS\n.Nm\n")
    _write(tmp_path, "ssh.1", _page(r"ssh \- remote login client"))
    assert Pair("adds private key identities to the agent", "ssh-add") in man_name_pairs(tmp_path)


def test_name_pairs_are_distinct_and_sorted_and_max_pages_is_honoured(tmp_path):
    _write(tmp_path, "xzgrep.1", _page(r"xzgrep \- search compressed files"))
    _write(tmp_path, "xzegrep.1", _page(r"xzgrep \- search compressed files"))  # same NAME line
    _write(tmp_path, "awk.1.gz", _page(r"awk \- pattern scanning and processing language"))
    _write(tmp_path, "cat.1", _page(r"cat \- concatenate files"))
    assert list(man_name_pairs(tmp_path)) == [
        Pair("pattern scanning and processing language", "awk"), Pair("concatenate files", "cat"),
        Pair("search compressed files", "xzgrep")]
    assert list(man_name_pairs(tmp_path, max_pages=2)) == [  # awk.1.gz and cat.1 come first
        Pair("pattern scanning and processing language", "awk"), Pair("concatenate files", "cat")]
    assert list(man_name_pairs(tmp_path, max_pages=0)) == []


def test_no_manual_pages_is_explained(tmp_path):
    with pytest.raises(UserError, match="no manual pages"):
        man_name_pairs(tmp_path / "none")
    with pytest.raises(UserError, match="no manual pages"):
        man_example_pairs(tmp_path / "none")


# ----- EXAMPLES --------------------------------------------------------------------------------
_COMMANDS = ("find", "xargs", "grep", "date", "git", "tar", "sort", "ls", "ps", "openssl", "rm")


def _examples(root: Path, page: str, examples: str, heading: str = "EXAMPLES") -> list[Pair]:
    """The example pairs of one page `page` (section 1) beside stub pages of common commands."""
    for command in _COMMANDS:
        _write(root, f"{command}.1", _page(rf"{command} \- a command"))
    roff = _page(rf"{page} \- a command")
    roff = roff.replace(".SH SEE ALSO", f".SH {heading}\n{examples}\n.SH SEE ALSO")
    _write(root, f"{page}.1.gz", roff)
    return list(man_example_pairs(root))


FIND_STYLE = r""".SS Simple approach
.IP \[bu]
Find files named
.I core
in or below the directory
.I /tmp
and delete them.
.nf
\&
.in +4m
.B $ find /tmp \-name core \-type f \-print | xargs /bin/rm \-f
.in
\&
.fi
Note that this will work incorrectly if there are spaces.
.
.SS Executing a command for each file
.IP \[bu]
Run
.I file
on every file in or below the current directory.
.nf
\&
.in +4m
.B $ find . \-type f \-exec file \(aq{}\(aq \e;
.in
\&
.fi
"""


def test_a_description_then_an_nf_block(tmp_path):
    assert _examples(tmp_path, "findutils", FIND_STYLE) == [
        Pair("Find files named core in or below the directory /tmp and delete them",
             "find /tmp -name core -type f -print | xargs /bin/rm -f"),
        Pair("Run file on every file in or below the current directory",
             "find . -type f -exec file '{}' \\;")]


def test_a_to_task_introduction_then_an_ex_block_with_output(tmp_path):
    examples = r""".PP
To count the lines that match in a file, run:
.PP
.in +2n
.EX
$ \fBgrep\fP \-c \(aqf.*\e.c$\(aq notes.txt
3
.EE
.in
.PP
For example, to list the matches with their line numbers, use:
.EX
$ grep \-n \(aqmain\(aq *.c
.EE
"""
    assert _examples(tmp_path, "grepdoc", examples) == [
        Pair("count the lines that match in a file", "grep -c 'f.*\\.c$' notes.txt"),
        Pair("list the matches with their line numbers", "grep -n 'main' *.c")]


def test_a_description_then_an_ip_item_in_monospace(tmp_path):
    examples = r"""Convert seconds since the Epoch (1970\-01\-01 UTC) to a date
.IP
\f(CW$ date --date='@2147483647'\fR
.PP
Show the time on the west coast of the US (use \fBtzselect\fP(1) to find TZ)
.IP
\f(CW$ TZ='America/Los_Angeles' date\fR
"""
    assert _examples(tmp_path, "datedoc", examples, heading='"USAGE EXAMPLES"') == [
        Pair("Convert seconds since the Epoch (1970-01-01 UTC) to a date",
             "date --date='@2147483647'"),
        Pair("Show the time on the west coast of the US (use tzselect to find TZ)",
             "TZ='America/Los_Angeles' date")]


def test_a_command_then_its_explanation(tmp_path):
    examples = r""".PP
\fBgit log \-\-no\-merges\fR
.RS 4
Show the whole commit history, but skip any merges\&.
.RE
.PP
\fBgit log \-\-since="2 weeks ago" \-\- gitk\fR
.RS 4
Show the changes during the last two weeks to the file
\fIgitk\fR\&. The
\fB\-\-\fR
is necessary to avoid confusion with the
\fBbranch\fR
named
\fIgitk\fR
.RE
.PP
\fBgit log \-\-follow builtin/rev\-list\&.c\fR
.RS 4
This shows the commits that changed the file\&.
.RE
"""
    assert _examples(tmp_path, "gitdoc", examples) == [
        Pair("Show the whole commit history, but skip any merges", "git log --no-merges"),
        Pair("Show the changes during the last two weeks to the file gitk",
             'git log --since="2 weeks ago" -- gitk')]


def test_pod2man_verbatim_blocks_and_tp_items(tmp_path):
    examples = r"""Just base64 encode a binary file:
.PP
.Vb 1
\& openssl base64 \-in file.bin \-out file.b64
.Ve
.TP 3
To see every process on the system using BSD syntax:
.B ps\ ax
.TP
Print only the process IDs of syslogd:
.B ps\ \-C\ syslogd\ \-o\ pid=
"""
    assert _examples(tmp_path, "tools", examples) == [
        Pair("Just base64 encode a binary file", "openssl base64 -in file.bin -out file.b64"),
        Pair("see every process on the system using BSD syntax", "ps ax"),
        Pair("Print only the process IDs of syslogd", "ps -C syslogd -o pid=")]


def test_a_backslash_continued_command_is_one_line(tmp_path):
    examples = r"""To archive the sources without object files, run:

.RS 2m
$ tar \-czf backup.tar.gz \e
    \-\-exclude=\(aq*.o\(aq \e
    src/project/\e
tree
.RE
"""
    assert _examples(tmp_path, "tardoc", examples) == [
        Pair("archive the sources without object files",
             "tar -czf backup.tar.gz --exclude='*.o' src/project/tree")]


def test_prose_blocks_of_several_commands_and_context_bound_sentences_give_nothing(tmp_path):
    examples = r"""Sort the file:
.nf
sort all of the lines in the file
.fi
.PP
List the files in two ways:
.nf
ls \-l
ls \-la
.fi
.PP
The following example shows how to sort numbers.
.nf
sort \-n numbers.txt
.fi
.PP
Print an unknown thing:
.nf
frobnicate \-\-all
.fi
.PP
Decrypt the file with your password:
.nf
openssl enc \-d \-in file.aes \-pass pass:<password>
.fi
.PP
Show processes in a tree:
.nf
ps axjf | grep "unbalanced
.fi
.PP
Compress the sources. Then remove them:
.nf
tar \-czf src.tgz src
.fi
.PP
Archive the sources:
.nf
tar \-czf src.tgz \e

.fi
Then list the archive.
"""
    assert _examples(tmp_path, "prose", examples) == []


def test_example_pairs_are_distinct_and_max_pages_is_honoured(tmp_path):
    examples = "Sort the numbers of a file numerically:\n.nf\nsort \\-n numbers.txt\n.fi\n"
    _write(tmp_path, "sort.1", _page(r"sort \- sort lines", examples))
    _write(tmp_path, "sort-copy.1.gz", _page(r"sort \- sort lines", examples))  # the same pair
    _write(tmp_path, "tar.1", _page(r"tar \- archiver", "List an archive:\n.nf\ntar \\-tf a.tar"))
    pairs = [Pair("Sort the numbers of a file numerically", "sort -n numbers.txt"),
             Pair("List an archive", "tar -tf a.tar")]
    assert list(man_example_pairs(tmp_path)) == pairs  # sort-copy comes last: a second `sort-` page
    assert list(man_example_pairs(tmp_path, max_pages=1)) == pairs[:1]


def test_one_command_gives_at_most_max_per_command_examples(tmp_path):
    examples = "".join(f"Sort the numbers of file {i} numerically:\n.nf\nsort \\-n f{i}.txt\n.fi\n" for i in range(5))
    _write(tmp_path, "sort.1", _page(r"sort \- sort lines", examples))
    _write(tmp_path, "tar.1", _page(r"tar \- archiver", "List an archive:\n.nf\ntar \\-tf a.tar"))
    pairs = list(man_example_pairs(tmp_path, max_per_command=2))
    assert [p.command for p in pairs] == ["sort -n f0.txt", "sort -n f1.txt", "tar -tf a.tar"]


# ----- this machine ----------------------------------------------------------------------------
MAN_ROOT = Path("/usr/share/man")


@pytest.mark.skipif(not (MAN_ROOT / "man1").is_dir() or not any((MAN_ROOT / "man1").iterdir()),
                    reason="this machine has no manual pages under /usr/share/man/man1")
def test_this_machines_manual_pages():
    start = time.perf_counter()
    names = list(man_name_pairs(max_pages=3000))
    examples = list(man_example_pairs(max_pages=3000))
    assert time.perf_counter() - start < 60
    assert {"find", "ls"} & {pair.command for pair in names}
    assert names == sorted(set(names), key=lambda pair: (pair.command, pair.request))
    assert len(examples) == len(set(examples))
    for pair in names + examples:
        assert pair.request and pair.command and "\n" not in pair.command
        assert "\\f" not in pair.request and not pair.request.endswith(".")


# ----- the prose ---------------------------------------------------------------------------------
def test_manuals_are_the_prose_of_commands_on_path_without_their_pairs(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "frob").write_text("#!/bin/sh\n")
    (bin_dir / "frob").chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    paragraph = "Frob reads each file and frobnicates its bytes in place. " * 4
    page = (".TH FROB 1\n.SH NAME\nfrob \\- frobnicate files\n.SH SYNOPSIS\nfrob [file...]\n"
            f".SH DESCRIPTION\n{paragraph}\n.PP\n{paragraph}\n.PP\n{paragraph}\n"
            ".SH EXAMPLES\nFrobnicate a file:\n.PP\nfrob notes.txt\n.SH SEE ALSO\nbar(1)\n")
    _write(tmp_path / "man", "frob.1.gz", page)
    _write(tmp_path / "man", "absent.1", page.replace("frob", "absent"))  # no such command here
    [whole] = command_manuals(tmp_path / "man")
    assert whole.startswith("SYNOPSIS\nfrob [file...]\n") and whole.count(paragraph.strip()) == 3
    assert "frobnicate files" not in whole and "notes.txt" not in whole and "bar(1)" not in whole
    [cut] = command_manuals(tmp_path / "man", max_chars=len(whole) - 10)  # whole paragraphs only
    assert whole.startswith(cut.rstrip("\n")) and cut.count(paragraph.strip()) == 2
