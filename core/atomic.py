"""Folders that are complete or absent: write under a temporary name, then swap into place.

Corpora and checkpoints are folders of several files; a crash or a stop request in the middle of
writing one must never leave a half folder that a later load mistakes for a whole one.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path


def temporary_sibling(target: Path, tag: str = "tmp") -> Path:
    """A fresh, empty folder beside `target` to build its replacement in."""
    tmp = target.with_name(f".{target.name}.{tag}-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    return tmp


def replace_dir(new: Path, target: Path) -> None:
    """Swap a finished folder into place so readers see the old one or the new one, never half."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)
