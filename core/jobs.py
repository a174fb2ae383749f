"""The app's background job: one at a time per workspace, shared by every caller (every browser tab).

The web app must not run training inside a request handler: a handler dies with its browser tab,
and two tabs would start two jobs. Instead a `JobManager` owns one thread; the app only asks it to
start, stop and report. What the charts draw is read from the run folder on disk
(metrics.jsonl), so a reloaded page, a second tab or a restarted app sees the same curves. The job
holds the workspace's job slot (core/jobslot.py), so no task from the CLI runs beside it either.

A job is a thread of the app's process, not a `python -m core` subprocess: it starts at once
where a subprocess first spends seconds importing torch, gradio-free as it is, and it shares the
process's loaded checkpoints and tokenizers; what a subprocess would add — surviving an app restart
— the run folder already gives (a killed job's run shows as crashed and resumes from last/).
"""
from __future__ import annotations

import collections
import dataclasses
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from filelock import FileLock

from core.config import TrainConfig
from core.errors import UserError
from core.hosting import DemoLimits
from core.jobslot import take_slot
from core.runstore import check_run_dir, read_progress
from core.workspace import Workspace

LOG_LINES = 200


@dataclass
class JobStatus:
    kind: str = ""  # training | quickstart | download | tokenizer
    description: str = ""
    state: str = "idle"  # idle | running | stopping | finished | stopped | failed
    run_name: str | None = None
    stage: str | None = None
    step: int = 0
    total_steps: int = 0
    tokens_per_s: float = 0.0
    elapsed: float = 0.0
    eta_s: float | None = None
    error: str | None = None
    started: float | None = None
    ended_at: int | None = None  # the step the run's trainer ended at (a stop may come between records)
    log: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return self.state in ("running", "stopping")


class JobManager:
    """Starts, stops and reports the single job of a workspace; safe to call from any thread."""

    def __init__(self, workspace: Workspace, limits: DemoLimits | None = None):
        self.workspace = workspace
        self.limits = limits  # a public demo's bounds on every job; None for the owner's own app
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._status = JobStatus()
        self._log: collections.deque[str] = collections.deque(maxlen=LOG_LINES)

    # ----- what callers use ----------------------------------------------------------------
    def status(self) -> JobStatus:
        """The job's state and log from memory; its progress from the run's metrics file."""
        with self._lock:
            status = dataclasses.replace(self._status, log=list(self._log))
        if status.run_name:
            progress = read_progress(self.workspace.run_dir(status.run_name), status.total_steps, since=status.started)
            if status.ended_at is not None:  # stopped at step 7, say, when the last record is step 0's
                progress["step"] = max(progress["step"], status.ended_at)
            status = dataclasses.replace(status, **progress)
        return status

    def start_training(self, config: TrainConfig, resume: bool = False, overwrite: bool = False) -> JobStatus:
        from core.stage import check_inputs
        from core.training import train

        config.validate("training config")
        self._check_names(config)
        # The run folder first: a shipped run is refused as one, whatever else is wrong with the asking.
        check_run_dir(self.workspace.run_dir(config.run_name), resume, overwrite)
        if self.limits:
            self.limits.check_training(config)
        if not resume:  # a resumed run reads its own last checkpoint, which check_run_dir found
            check_inputs(config, self.workspace)

        def work() -> Iterator[str]:
            result = train(config, self.workspace, resume=resume, overwrite=overwrite, stop=self._stop,
                           observer=self, show_progress=False)
            yield f"{config.run_name}: {result.status} at step {result.step}"

        return self._start("training", work, run_name=config.run_name, stage=config.stage,
                           total_steps=config.num_steps)

    def start_quickstart(self, model: str = "cpu", language_steps: int = 600, code_steps: int = 400,
                         overwrite: bool = False, **options: Any) -> JobStatus:
        from core.quickstart import check_quickstart, quickstart_configs, run_quickstart

        if self.limits:
            self.limits.check_quickstart(model, language_steps, code_steps)
        check_quickstart(self.workspace, overwrite)
        quickstart_configs(self.workspace, model, language_steps, code_steps)

        def work() -> Iterator[str]:
            yield from run_quickstart(self.workspace, model=model, language_steps=language_steps,
                                      code_steps=code_steps, stop=self._stop, observer=self,
                                      show_progress=False, overwrite=overwrite, **options)

        return self._start("quickstart", work, run_name=None, stage=None,
                           total_steps=language_steps + code_steps)

    def start_task(self, kind: str, description: str, work: Callable[[Callable[[str], None]], str]) -> JobStatus:
        """Any other long task (building a corpus, training a tokenizer) as the workspace's job:
        `work(log)` runs in the job's thread, logs to the console and returns its summary line."""
        def lines() -> Iterator[str]:
            yield work(self._append)

        return self._start(kind, lines, description=description, run_name=None, stage=None, total_steps=0)

    def _check_names(self, config: TrainConfig) -> None:
        """Refuse a name or path the workspace would refuse before a thread starts, so the person
        who typed it reads why at once instead of in a failed job's log."""
        self.workspace.run_dir(config.run_name)
        self.workspace.tokenizer_path(config.tokenizer)
        self.workspace.corpus_dir("english", config.english_corpus)
        self.workspace.corpus_dir("code", config.code_corpus)
        if config.init_from:
            self.workspace.path(config.init_from)

    def stop(self) -> JobStatus:
        """Ask the job to stop; the trainer saves `last/` and ends after its current step."""
        with self._lock:
            if not self._status.active:
                raise UserError("no job is running")
            self._stop.set()
            self._status.state = "stopping"
        self._append("stop requested: saving a checkpoint and ending after this step")
        return self.status()

    def wait(self, timeout: float | None = None) -> JobStatus:
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self.status()

    # ----- the thread ------------------------------------------------------------------------
    def _start(self, kind: str, work: Callable[[], Iterator[str]], description: str = "", **status: Any) -> JobStatus:
        with self._lock:
            if self._status.active:
                running = self._status.run_name or self._status.description or self._status.kind
                raise UserError(f"a {self._status.kind} job is already running ({running}); stop it or wait "
                                "for it to finish before starting another")
            if self.limits:
                self.limits.check_room(self.workspace)
            slot = take_slot(self.workspace, kind, description or status.get("run_name") or kind,
                             status.get("run_name"))
            self._stop = threading.Event()
            self._log.clear()
            self._status = JobStatus(kind=kind, description=description, state="running", started=time.time(),
                                     **status)
            self._thread = threading.Thread(target=self._run, args=(work, slot), name=f"{kind}-job", daemon=True)
            self._thread.start()
        return self.status()

    def _run(self, work: Callable[[], Iterator[str]], slot: FileLock) -> None:
        try:
            self._work(work)
        finally:
            slot.release()

    def _work(self, work: Callable[[], Iterator[str]]) -> None:
        try:
            for line in work():
                self._append(line)
            with self._lock:
                self._status.state = "stopped" if self._stop.is_set() else "finished"
        except UserError as exc:
            self._fail(str(exc))
        except Exception as exc:  # the app must survive any failure of a job and show it
            self._append(traceback.format_exc(limit=3))
            self._fail(f"{type(exc).__name__}: {exc}")

    def _fail(self, message: str) -> None:
        self._append(f"error: {message}")
        with self._lock:
            self._status.state = "failed"
            self._status.error = message

    def _append(self, line: str) -> None:
        with self._lock:
            self._log.append(line.rstrip())

    # ----- RunObserver: what the trainer reports ----------------------------------------------
    def on_start(self, run_name: str, stage: str, total_steps: int) -> None:
        with self._lock:
            self._status.run_name, self._status.stage, self._status.total_steps = run_name, stage, total_steps
            self._status.ended_at = None

    def on_message(self, line: str) -> None:
        self._append(line)

    def on_metrics(self, record: dict[str, Any]) -> None:
        """Nothing to keep: progress is read from the run's metrics file (`status`)."""

    def on_done(self, status: str, step: int) -> None:
        """The job's own end (`_run`) sets the final state, after every stage has ended; the step the
        run ended at is kept, as the metrics file holds only the records of log and eval steps."""
        with self._lock:
            self._status.ended_at = step


_MANAGERS: dict[Workspace, JobManager] = {}
_MANAGERS_LOCK = threading.Lock()


def job_manager(workspace: Workspace, limits: DemoLimits | None = None) -> JobManager:
    """The one manager of a workspace, so all tabs and sessions see and guard the same job. The app
    passes its demo limits once, when it is built; later callers get the same manager."""
    with _MANAGERS_LOCK:
        if workspace not in _MANAGERS:
            _MANAGERS[workspace] = JobManager(workspace, limits)
        manager = _MANAGERS[workspace]
        if limits is not None:
            manager.limits = limits
        return manager
