"""One writer per run, across processes: the CLI, the app and torchrun may all point at one run.

The lock is an flock on `<workspace>/checkpoints/.<run>.lock` (the `filelock` package): the kernel
drops it when its holder exits or is killed, so it is never stale, and it lives outside the run
folder so that overwriting a run (which deletes the folder) never deletes a held lock. Beside it,
`.<run>.owner` names the holder, so a refused writer can say who to wait for.
"""
from __future__ import annotations

import json
from pathlib import Path

from filelock import FileLock

from core.atomic import write_text
from core.errors import UserError
from core.flock import holder_record, is_held, try_hold


def lock_path(run_dir: Path) -> Path:
    return Path(run_dir).parent / f".{Path(run_dir).name}.lock"


def _owner_path(run_dir: Path) -> Path:
    return Path(run_dir).parent / f".{Path(run_dir).name}.owner"


def _holder(run_dir: Path) -> str:
    try:
        owner = json.loads(_owner_path(run_dir).read_text(encoding="utf-8"))
        return f"process {owner['pid']} on {owner['host']}"
    except (OSError, ValueError, KeyError, TypeError):  # written an instant after the lock is taken
        return "another process"


def hold_run(run_dir: Path) -> FileLock:
    """Take the run's lock or refuse in one line; the caller releases it (`.release()`)."""
    run_dir = Path(run_dir)
    lock = try_hold(lock_path(run_dir))
    if lock is None:
        raise UserError(f"run {run_dir.name!r} is being written by {_holder(run_dir)}; wait for it "
                        "or stop it")
    write_text(_owner_path(run_dir), json.dumps(holder_record()))
    return lock


def run_is_live(run_dir: Path) -> bool:
    """Whether a live process holds the run's lock (this one included, through another Trainer)."""
    return is_held(lock_path(run_dir))
