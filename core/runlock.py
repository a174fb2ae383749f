"""One writer per run, across processes: the CLI, the app and torchrun may all point at one run.

The lock is an flock on `<workspace>/checkpoints/.<run>.lock` (the `filelock` package): the kernel
drops it when its holder exits or is killed, so it is never stale, and it lives outside the run
folder so that overwriting a run (which deletes the folder) never deletes a held lock. Beside it,
`.<run>.owner` names the holder, so a refused writer can say who to wait for.
"""
from __future__ import annotations

import json
import os
import socket
from pathlib import Path

from filelock import FileLock, Timeout

from core.atomic import write_text
from core.errors import UserError

WRITER_PATIENCE_S = 1.0


def lock_path(run_dir: Path) -> Path:
    return Path(run_dir).parent / f".{Path(run_dir).name}.lock"


def _owner_path(run_dir: Path) -> Path:
    return Path(run_dir).parent / f".{Path(run_dir).name}.owner"


def _new_lock(run_dir: Path) -> FileLock:
    # Not thread-local: the app may build a run in one thread and finish it in another.
    return FileLock(str(lock_path(run_dir)), timeout=0, thread_local=False)


def _holder(run_dir: Path) -> str:
    try:
        owner = json.loads(_owner_path(run_dir).read_text(encoding="utf-8"))
        return f"process {owner['pid']} on {owner['host']}"
    except (OSError, ValueError, KeyError, TypeError):  # written an instant after the lock is taken
        return "another process"


def hold_run(run_dir: Path) -> FileLock:
    """Take the run's lock or refuse in one line; the caller releases it (`.release()`)."""
    run_dir = Path(run_dir)
    run_dir.parent.mkdir(parents=True, exist_ok=True)
    lock = _new_lock(run_dir)
    try:
        # A moment's patience: `run_is_live` (the app's run list) takes the lock for an instant
        # to probe it, and a writer must not be refused for that.
        lock.acquire(timeout=WRITER_PATIENCE_S)
    except Timeout:
        raise UserError(f"run {run_dir.name!r} is being written by {_holder(run_dir)}; wait for it "
                        "or stop it") from None
    write_text(_owner_path(run_dir), json.dumps({"pid": os.getpid(), "host": socket.gethostname()}))
    return lock


def run_is_live(run_dir: Path) -> bool:
    """Whether a live process holds the run's lock (this one included, through another Trainer)."""
    if not lock_path(run_dir).exists():
        return False
    lock = _new_lock(run_dir)
    try:
        lock.acquire()
    except Timeout:
        return True
    except OSError:  # a read-only folder: nobody can be writing the run there
        return False
    lock.release()
    return False
