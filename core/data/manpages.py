"""The offline English source: this machine's manual pages and Python's help topics, as text.

A newcomer with no network still has English to learn from: every Linux machine carries manual
pages, and Python carries its `help()` topics wherever it runs. Pages are found here, each real
file once and breadth first across commands, and converted by `core.data.roff`.
"""
from __future__ import annotations

import gzip
import itertools
import os
import re
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

from core.data.files import read_text_file
from core.data.folders import sorted_entries
from core.data.roff import man_to_text
from core.errors import UserError

DEFAULT_MAN_ROOT = "/usr/share/man"
_MIN_DOC_CHARS = 200
# `.so` pulls in another file (the page is then a redirect or incomplete); `.Dd` starts an mdoc
# page, whose BSD macro set `core.data.roff` does not read. Both are rare and skipped whole.
_UNREADABLE_PAGE = re.compile(r"^\.\s*(?:so|Dd)\s", re.MULTILINE)


def read_man_page(path: str, max_bytes: int) -> str | None:
    """The roff source of a plain or .gz page, or None when it is unreadable or not UTF-8 text."""
    if not path.endswith(".gz"):
        return read_text_file(path, max_bytes)
    try:
        with gzip.open(path, "rb") as handle:
            raw = handle.read(max_bytes + 1)  # bounded, whatever the page claims to unpack to
    except (OSError, EOFError, zlib.error):
        return None
    if len(raw) > max_bytes or b"\x00" in raw:
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _family(name: str) -> str:
    """The command a page belongs to: `gcloud-alpha-compute-ssh.1.gz` → `gcloud`."""
    return re.split(r"[-_.]", name, maxsplit=1)[0]


def breadth_first(entries: list[os.DirEntry[str]], max_per_family: int | None) -> list[os.DirEntry[str]]:
    """Every family's first page, then every family's second, and so on, at most
    `max_per_family` each (names sorted within a round).

    Some packages install thousands of generated pages (here 16,631 `gcloud-*` of 17,905 in man1);
    in name order a document limit would fill with them and never reach sections 5, 7 and 8."""
    rank: dict[str, int] = {}
    keyed = []
    for entry in entries:
        family = _family(entry.name)
        rank[family] = rank.get(family, -1) + 1
        if max_per_family is None or rank[family] < max_per_family:
            keyed.append((rank[family], entry.name, entry))
    return [entry for _, _, entry in sorted(keyed, key=lambda item: item[:2])]


def _manual_pages(folders: list[Path], max_bytes: int, max_per_family: int | None) -> Iterator[str]:
    seen: set[str] = set()
    entries = [entry for folder in folders for entry in sorted_entries(str(folder))]
    for entry in breadth_first(entries, max_per_family):
        real = os.path.realpath(entry.path)
        if real in seen or not os.path.isfile(real):
            continue
        seen.add(real)
        roff = read_man_page(real, max_bytes)
        if roff is None or _UNREADABLE_PAGE.search(roff):
            continue
        text = man_to_text(roff)
        if len(text) >= _MIN_DOC_CHARS:
            yield text


def _python_help_topics() -> dict[str, str]:
    """Python's `help()` topics (pydoc_data), or nothing where a slimmed Python left them out."""
    try:
        from pydoc_data.topics import topics
    except ImportError:
        return {}
    return topics


def _help_documents(topics: dict[str, str], max_bytes: int) -> Iterator[str]:
    for name in sorted(topics):
        text = topics[name].strip() + "\n"
        if len(text.encode("utf-8")) <= max_bytes:
            yield text


def installed_english_docs(max_docs: int | None = None,
                           man_sections: Sequence[str] = ("1", "5", "7", "8"),
                           include_pydoc: bool = True, max_doc_bytes: int = 200_000,
                           man_root: str | Path = DEFAULT_MAN_ROOT,
                           max_per_family: int | None = 50) -> Iterator[str]:
    """Python's help topics (few, long, well written), then the English manual pages of
    `man_root`/man<section> as plain text; translations in `man_root`/<lang>/ are left alone."""
    man_root = Path(man_root)
    folders = [man_root / f"man{s}" for s in man_sections if (man_root / f"man{s}").is_dir()]
    topics = _python_help_topics() if include_pydoc else {}
    if not folders and not topics:
        raise UserError(f"no manual pages under {man_root}/man{{{','.join(man_sections)}}} and no "
                        "Python help topics; install man pages (apt-get install man-db manpages) "
                        "or choose another English source")
    documents = itertools.chain(_help_documents(topics, max_doc_bytes),
                                _manual_pages(folders, max_doc_bytes, max_per_family))
    return itertools.islice(documents, max_docs)
