"""The offline bash source: the shell scripts already installed on this machine.

Every Linux machine carries shell scripts (package hooks, wrappers, init scripts), so a newcomer
with no network still has bash to learn from. They are found by name or shebang, without running
anything, and returned unchanged.
"""
from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from core.data.files import read_text_file
from core.data.folders import sorted_entries
from core.errors import UserError

DEFAULT_SCRIPT_PREFIXES: tuple[str, ...] = ("/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/lib",
                                            "/usr/libexec", "/usr/share", "/etc", "/opt")
# Folders that hold many files and never a shell script worth learning from; not entering them
# keeps a scan of a whole /usr to a few seconds.
_SKIP_DIRS = frozenset({".git", "__pycache__", "node_modules", "site-packages", "dist-packages",
                        "man", "locale", "icons", "zoneinfo", "fonts"})
_SHEBANG = re.compile(rb"#!\s*(?:/usr)?(?:/local)?/bin/(?:env\s+(?:-\S+\s+)*)?(?:ba|da)?sh(?:\s|$)")
_SHEBANG_BYTES = 128
_SCRIPT_SUFFIXES = (".sh", ".bash")
# Source and data formats that are never shell scripts; not opening them at all is most of the
# speed of a scan whose files are not yet in the page cache.
_OTHER_SUFFIXES = (".py", ".pyc", ".pl", ".pm", ".rb", ".js", ".json", ".yaml", ".xml", ".html",
                   ".rst", ".md", ".txt", ".vim", ".cmake", ".h", ".c", ".so", ".a", ".o", ".bc",
                   ".gz", ".xz", ".zst", ".whl", ".jar", ".mo", ".png", ".svg", ".debug")


def _files_under(folder: str) -> Iterator[os.DirEntry[str]]:
    """Files below `folder` (symlinks to files included), depth first in name order; symlinked
    folders are not entered, so nothing is visited twice through a link and no loop is possible."""
    for entry in sorted_entries(folder):
        try:
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in _SKIP_DIRS:
                    yield from _files_under(entry.path)
            elif entry.is_file():
                yield entry
        except OSError:
            continue


def _has_shell_shebang(path: str) -> bool:
    """Whether the first line names bash, sh or dash, read from the first bytes only."""
    try:
        with open(path, "rb") as handle:
            return _SHEBANG.match(handle.read(_SHEBANG_BYTES)) is not None
    except OSError:
        return False


def _shell_scripts(folders: list[str], max_file_bytes: int, min_file_bytes: int) -> Iterator[str]:
    seen: set[str] = set()
    for folder in folders:
        for entry in _files_under(folder):
            real = os.path.realpath(entry.path) if entry.is_symlink() else entry.path
            if real in seen or entry.name.endswith(_OTHER_SUFFIXES):
                continue
            seen.add(real)
            try:
                size = entry.stat().st_size
            except OSError:
                continue
            if not min_file_bytes <= size <= max_file_bytes:
                continue
            if not entry.name.endswith(_SCRIPT_SUFFIXES) and not _has_shell_shebang(real):
                continue
            text = read_text_file(real, max_file_bytes)
            if text is not None:
                yield text


def installed_shell_scripts(prefixes: Sequence[str | Path] = DEFAULT_SCRIPT_PREFIXES,
                            max_files: int | None = None, max_file_bytes: int = 64_000,
                            min_file_bytes: int = 64) -> Iterator[str]:
    """Texts, unchanged, of the shell scripts under `prefixes`: files whose first line is a
    bash/sh/dash shebang or whose name ends in .sh/.bash, each real file once, in a fixed order."""
    folders = [os.path.realpath(prefix) for prefix in prefixes if os.path.isdir(prefix)]
    if not folders:
        raise UserError(f"none of the script folders exist: {', '.join(map(str, prefixes))}; "
                        "pass folders that hold shell scripts, or use another bash source")
    return itertools.islice(_shell_scripts(folders, max_file_bytes, min_file_bytes), max_files)
