"""A run folder's records: run.json, metrics.jsonl and log.txt — written by one trainer, read by all.

    run.json        config, status, step and final figures (replaced whole, fsynced)
    metrics.jsonl   one record per log step; an eval step's record also has the val_* figures
    log.txt         the human-readable lines the console shows

Readers (the Runs tab, the charts, the CLI) import this module without torch or the trainer. The
trainer reports through `RunObserver`, which both the run store and the job system implement, so
one loop feeds the files and the live status alike.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, Protocol

from core.atomic import write_text
from core.errors import UserError
from core.faults import fault_point
from core.runlock import run_is_live
from core.workspace import is_shipped_run

RUN_FILE, METRICS_FILE, LOG_FILE = "run.json", "metrics.jsonl", "log.txt"


class RunObserver(Protocol):
    """What a training loop tells the world; every method is called on the main rank only."""

    def on_start(self, run_name: str, stage: str, total_steps: int) -> None: ...

    def on_message(self, line: str) -> None: ...

    def on_metrics(self, record: dict[str, Any]) -> None: ...

    def on_done(self, status: str, step: int) -> None: ...


def read_metrics(run_dir: Path) -> list[dict[str, Any]]:
    """Every readable record (a mapping with a step); damaged lines are skipped, not fatal."""
    path = Path(run_dir) / METRICS_FILE
    if not path.exists():
        return []
    records = []
    for line in path.read_bytes().splitlines():
        try:
            record = json.loads(line)
        except ValueError:  # a line cut short by a crash, or not UTF-8; the rest is still good
            continue
        if isinstance(record, dict) and isinstance(record.get("step"), int):
            records.append(record)
    return records


def refuse_shipped(run_dir: Path) -> None:
    """Training never touches a shipped demo checkpoint, not even to tidy it up before a resume."""
    if is_shipped_run(run_dir):
        raise UserError(f"run {Path(run_dir).name!r} is the shipped demo checkpoint at {run_dir}, which training "
                        "never writes over (`recipe --ship --replace` remakes it); pick another run name")


def check_run_dir(run_dir: Path, resume: bool, overwrite: bool) -> bool:
    """Refuse to clobber a run by accident; return whether an old run must be cleared. The trainer
    asks before it builds anything, and the app before it starts a job, so a taken name is refused
    at once rather than in a failed job's log."""
    run_dir = Path(run_dir)
    refuse_shipped(run_dir)
    if resume and not (run_dir / "last").exists():
        raise UserError(f"nothing to resume: {run_dir / 'last'} does not exist")
    occupied = not resume and run_dir.exists() and any(run_dir.iterdir())
    if occupied and not overwrite:
        raise UserError(f"run {run_dir.name!r} already exists at {run_dir}; "
                        "resume it, pick another run name, or overwrite it explicitly")
    if occupied and not (run_dir / RUN_FILE).exists():  # overwrite deletes only runs it wrote
        raise UserError(f"{run_dir} is not a run (it has no run.json), so it is not overwritten; "
                        "move it away or pick another run name")
    return occupied


def read_progress(run_dir: Path, total_steps: int, since: float | None = None) -> dict[str, Any]:
    """How far a run is, from its metrics records alone: the one account of progress that the
    app's console, the API's job status and a console watching another process all read. Records
    last written before `since` (a job's start) are an earlier run's: a job that failed before its
    first step has made no progress, whatever the run of that name did before."""
    path = Path(run_dir) / METRICS_FILE
    written = path.stat().st_mtime if path.exists() else None
    records = read_metrics(run_dir) if written is not None and (since is None or written >= since) else []
    if not records:
        return {"step": 0, "tokens_per_s": 0.0, "elapsed": 0.0, "eta_s": None}
    last = records[-1]
    rates = [r["tokens_per_s"] for r in records if isinstance(r.get("tokens_per_s"), (int, float))]
    step, elapsed = last["step"], float(last.get("elapsed") or 0.0)
    return {"step": step, "tokens_per_s": rates[-1] if rates else 0.0, "elapsed": elapsed,
            "eta_s": elapsed / step * max(total_steps - step, 0) if step else None}


def read_run(run_dir: Path) -> dict[str, Any]:
    """run.json, with status "crashed" for a run that says running but that no live process
    holds. A damaged run.json gives status "unreadable" and an error instead of raising, so the
    app still starts and lists the run."""
    path = Path(run_dir) / RUN_FILE
    if not path.exists():
        raise UserError(f"no run at {run_dir}")
    try:
        record = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:  # ValueError: not JSON, or not UTF-8
        record, error = None, f"{path} is unreadable: {exc}"
    else:
        error = f"{path} holds a {type(record).__name__}, not a mapping"
    if not isinstance(record, dict):
        return {"run_name": Path(run_dir).name, "status": "unreadable", "error": error}
    if record.get("status") == "running" and not run_is_live(run_dir):
        record["status"] = "crashed"
    return record


class RunStore:
    """The writer of one run folder's records (the trainer's main rank holds the only one)."""

    def __init__(self, run_dir: Path):
        self.run_dir = Path(run_dir)

    def write_run(self, record: dict[str, Any]) -> None:
        write_text(self.run_dir / RUN_FILE, json.dumps(record, indent=2))

    def keep_metrics_through(self, step: int) -> None:
        """Drop records past `step` (a resumed run writes them again from its checkpoint)."""
        records = [r for r in read_metrics(self.run_dir) if r["step"] <= step]
        write_text(self.run_dir / METRICS_FILE, "".join(json.dumps(r) + "\n" for r in records))

    # ----- RunObserver -------------------------------------------------------------------------
    def on_start(self, run_name: str, stage: str, total_steps: int) -> None:
        """Nothing to add: the trainer has just written run.json."""

    def on_message(self, line: str) -> None:
        with (self.run_dir / LOG_FILE).open("a", encoding="utf-8") as log:
            log.write(line + "\n")

    def on_metrics(self, record: dict[str, Any]) -> None:
        """Append durably: an eval step's record is on disk before its checkpoint is saved."""
        with (self.run_dir / METRICS_FILE).open("a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")
            out.flush()
            os.fsync(out.fileno())
        fault_point("metrics-appended")

    def on_done(self, status: str, step: int) -> None:
        """Nothing to add: run.json already says how the run ended."""


def log_line(text: str) -> str:
    """A console line as the log and the app show it: the wall-clock time, then the text."""
    return f"{time.strftime('%H:%M:%S')} {text}"
