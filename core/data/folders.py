"""Listing a folder in a fixed order, for the harvesters that walk the machine's own folders.

The script harvester (`core.data.scripts`) and the manual-page readers (`core.data.manpages`,
`core.data.manpairs`) all walk folders nobody curated; they share one listing so that every corpus
they build comes out in the same order on every run, and an unreadable folder is skipped, never
fatal.
"""
from __future__ import annotations

import os


def sorted_entries(folder: str) -> list[os.DirEntry[str]]:
    """The entries of `folder` sorted by name, or none when it cannot be read."""
    try:
        with os.scandir(folder) as entries:
            return sorted(entries, key=lambda entry: entry.name)
    except OSError:  # unreadable folders are skipped, as `find` would with its errors hidden
        return []
