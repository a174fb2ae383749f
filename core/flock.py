"""Process locks on files: the run's one writer (core/runlock.py) and the workspace's one job
(core/jobslot.py) are both an flock taken through `filelock`, which the kernel releases when its
holder exits or is killed, so a lock is never stale.
"""
from __future__ import annotations

import os
import socket
from pathlib import Path

from filelock import FileLock, Timeout

# A moment's patience: `is_held` (a reader's probe) takes a lock for an instant, and a writer
# must not be refused for that, nor for a holder that is just letting go.
PATIENCE_S = 1.0


def _lock(lock_file: Path, timeout: float) -> FileLock:
    # Not thread-local: the app takes a lock in a request and gives it back from a job's thread.
    return FileLock(str(lock_file), timeout=timeout, thread_local=False)


def try_hold(lock_file: Path) -> FileLock | None:
    """The lock, held (the caller releases it), or None when another holder keeps it."""
    Path(lock_file).parent.mkdir(parents=True, exist_ok=True)
    lock = _lock(lock_file, PATIENCE_S)
    try:
        lock.acquire()
    except Timeout:
        return None
    return lock


def is_held(lock_file: Path) -> bool:
    """Whether a live process holds the lock (this one included, through another holder)."""
    if not Path(lock_file).exists():
        return False
    lock = _lock(lock_file, 0)
    try:
        lock.acquire()
    except Timeout:
        return True
    except OSError:  # a read-only folder: nobody can be writing there
        return False
    lock.release()
    return False


def holder_record() -> dict[str, object]:
    """Who holds a lock, for the refusal a second writer reads."""
    return {"pid": os.getpid(), "host": socket.gethostname()}
