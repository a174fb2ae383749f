"""Reading files that may be binary, not UTF-8 or too large, without failing on them.

Corpora are harvested from folders nobody curated (a machine's /usr, a user's checkout), so a
file that cannot be text is skipped quietly rather than stopping a whole download.
"""
from __future__ import annotations

from pathlib import Path

# A NUL byte never occurs in text a person wrote; its presence marks a binary file.
_BINARY_MARKER = b"\x00"


def read_text_file(path: str | Path, max_bytes: int | None = None) -> str | None:
    """Return the file's text, or None when it is unreadable, binary, not UTF-8 or over `max_bytes`."""
    path = Path(path)
    try:
        if max_bytes is not None and path.stat().st_size > max_bytes:
            return None
        raw = path.read_bytes()
    except OSError:
        return None
    if _BINARY_MARKER in raw:
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
