"""One long task at a time per workspace, whoever starts it: the CLI, the app, or both at once.

Building a corpus, training a tokenizer, training, evaluating, the quick start and the recipe all
read and write the same folders, so two of them at once could rebuild a corpus under a running
trainer. Each holds the workspace's job slot while it runs: an flock on `jobs/.lock` (released by
the kernel when its holder dies, so never stale) and `jobs/current.json`, which says what runs,
where and since when. The app's console reads that file, so it shows a job the CLI started too.
"""
from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from filelock import FileLock

from core.atomic import write_text
from core.errors import UserError
from core.flock import holder_record, is_held, try_hold
from core.workspace import Workspace

JOB_FILE = "current.json"


def _folder(workspace: Workspace) -> Path:
    return workspace.root / "jobs"


def current_job(workspace: Workspace) -> dict[str, Any] | None:
    """The task holding the slot now (kind, description, run_name, pid, host, started), or None."""
    path = _folder(workspace) / JOB_FILE
    if not path.exists() or not slot_taken(workspace):
        return None
    try:
        record = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {"kind": "unknown", "description": "a job whose record is unreadable"}
    return record if isinstance(record, dict) else None


def slot_taken(workspace: Workspace) -> bool:
    return is_held(_folder(workspace) / ".lock")


def held_where(holder: dict[str, Any]) -> str:
    """Which process holds the slot ("process P on HOST"), or "" where it is the one asking: a
    visitor of the app is not told the server's process ids and host name for a job of the app itself."""
    if holder.get("pid") == os.getpid() and holder.get("host") == holder_record().get("host"):
        return ""
    return f"process {holder.get('pid', '?')} on {holder.get('host', '?')}"


def take_slot(workspace: Workspace, kind: str, description: str, run_name: str | None = None) -> FileLock:
    """Take the workspace's job slot or refuse in one line naming the task that has it; the
    caller gives it back with the lock's `release()`."""
    lock = try_hold(_folder(workspace) / ".lock")
    if lock is None:
        holder = current_job(workspace) or {}
        what = ", ".join(part for part in (holder.get("description", "?"), held_where(holder)) if part)
        raise UserError(f"a {holder.get('kind', 'other')} job ({what}) is running in this workspace; wait for it "
                        "or stop it before starting another")
    write_text(_folder(workspace) / JOB_FILE, json.dumps(
        {"kind": kind, "description": description, "run_name": run_name, **holder_record(), "started": time.time()}))
    return lock


def note_run(workspace: Workspace, run_name: str) -> None:
    """Record which run the job holding the slot is training now, when this process holds it
    (a quick start trains two runs in turn), so a console elsewhere can chart it."""
    path = _folder(workspace) / JOB_FILE
    try:
        record = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return
    if isinstance(record, dict) and record.get("pid") == os.getpid() and slot_taken(workspace):
        write_text(path, json.dumps({**record, "run_name": run_name}))


@contextlib.contextmanager
def job_slot(workspace: Workspace, kind: str, description: str, run_name: str | None = None) -> Iterator[None]:
    """Hold the workspace's job slot for the duration of a block. Under torchrun only rank 0 holds
    it: the other ranks are the same job."""
    if os.environ.get("RANK", "0") != "0":
        yield
        return
    lock = take_slot(workspace, kind, description, run_name)
    try:
        yield
    finally:
        lock.release()
