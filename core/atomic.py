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


def check_replaceable(target: Path, *, replace: bool, protected: tuple[Path, ...] = ()) -> None:
    """Refuse to write over something a person did not ask to lose.

    A writer calls this before it builds `target`: an existing non-empty target needs `replace`,
    and no writer may ever replace a protected folder (its own source, the workspace) or a folder
    that contains one, whatever it was told."""
    from core.errors import UserError

    target = Path(target).expanduser().resolve()
    for guarded in protected:
        guarded = Path(guarded).expanduser().resolve()
        if target == guarded or target in guarded.parents:
            raise UserError(f"refusing to write over {target}: it is or contains {guarded}")
    if target.is_file() or target.is_symlink():
        occupied = True
    else:
        occupied = target.is_dir() and any(target.iterdir())
    if occupied and not replace:
        raise UserError(f"{target} already exists and is not empty; choose another target or ask to "
                        "replace it (--replace)")
