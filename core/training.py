"""The training loop for both stages (what a run starts from is prepared by core/stage.py).

Stage "language" trains a fresh GPT on English; stage "code" starts from a language checkpoint
and fine-tunes on bash, optionally replaying a share of English in every batch. Both evaluate on
English AND code at every eval, so the gain on bash and the forgetting of English are visible on
one chart.

Design choices:
- AdamW with linear warmup then cosine decay (torch's LambdaLR), gradient clipping.
- Batches come from (seed, step)-seeded generators, and the optimizer, schedule and RNG state are
  saved with every checkpoint, so a resumed run continues the very same loss curve.
- Train loss accumulates on the device and is read every `log_interval` steps only: reading it
  every step would make the CPU wait for the GPU each step.
- A run folder holds everything: run.json (config, status, figures), metrics.jsonl, log.txt
  (written through core/runstore.py), best/ and last/ checkpoints. The app only reads these, so a
  page refresh or restart loses nothing; the loop reports to its files and to whoever started it
  through one interface, `RunObserver`.
- A stop request (an Event the caller sets) is honoured between steps, after saving `last/`.
- Crash-safe: a run is written by one process at a time (core/runlock.py); an eval's metrics
  record is appended and fsynced before its checkpoints are saved, and resuming drops records past
  the checkpoint's step, so a kill at any instant neither loses nor repeats a record; resuming
  first restores a checkpoint a kill left mid-swap (core/atomic.py). The train-loss window is part
  of the trainer state, so a resumed run writes the very records an uninterrupted one does.
"""
from __future__ import annotations

import contextlib
import dataclasses
import math
import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from tqdm import tqdm

from core.checkpoint import load_trainer_state, save_checkpoint
from core.config import TrainConfig
from core.data.shards import batch_rng
from core.device import autocast, pick_device
from core.distributed import Distributed
from core.evaluation import evaluate_shard
from core.faults import fault_point
from core.jobslot import note_run
from core.names import DOMAIN_OF_STAGE, val_bpb_key, val_loss_key
from core.runlock import hold_run
from core.runstore import RunObserver, RunStore, log_line
from core.stage import StageSetup
from core.tokenizer import token_byte_lengths
from core.workspace import Workspace

# Streams of the batch generator, so English replay rows never repeat the code rows' randomness.
_STREAM_MAIN, _STREAM_REPLAY = 0, 1


def micro_objective(losses: torch.Tensor, weights: torch.Tensor | None, weight_total: torch.Tensor | None,
                    micro_batches: int, processes: int) -> torch.Tensor:
    """What one micro-batch backpropagates, given its targets' `losses`. Unweighted: its mean over
    the step's micro-batches (each holds as many targets). Weighted: its share of the step's
    weighted sum over `weight_total`, the weights of every micro-batch of every process — each
    micro-batch's own weighted mean, averaged, over-counts the one whose weights sum to less.
    Scaled by the process count because DDP averages the processes' gradients."""
    if weights is None:
        return losses.mean() / micro_batches
    return (losses * weights).sum() * processes / weight_total.clamp_min(1e-8)


def answer_weights(answer: torch.Tensor, request_weight: float, command_weight: float) -> torch.Tensor:
    """Each target's loss weight: a request's tokens `request_weight`, an answer's first token
    (where a request gives way to its answer: the utility asked for) `command_weight`, the rest 1.

    What decides whether an answer is right is mostly that first token, and in a short pair it is
    one target in thirty; weighting it is the cheap way to spend more of a small budget on the
    request-to-utility mapping (measured: benchmarks/README.md)."""
    weights = torch.where(answer, 1.0, request_weight)
    starts = torch.zeros_like(answer)
    starts[:, 1:] = answer[:, 1:] & ~answer[:, :-1]
    return torch.where(starts, command_weight, weights)


def metrics_line(metrics: dict[str, float]) -> str:
    """An evaluation's figures as the console, the CLI and the quick start print them."""
    return ", ".join(f"{name} {value:.4f}" for name, value in metrics.items())


def lr_multiplier(step: int, warmup_steps: int, total_steps: int, min_ratio: float) -> float:
    """Linear warmup to 1, then cosine decay to `min_ratio` at `total_steps`."""
    if step < warmup_steps:
        return (step + 1) / warmup_steps
    progress = min(1.0, (step - warmup_steps) / max(1, total_steps - warmup_steps))
    return min_ratio + (1.0 - min_ratio) * 0.5 * (1.0 + math.cos(math.pi * progress))


@dataclass
class RunResult:
    run_dir: Path
    status: str  # finished | stopped
    step: int
    metrics: dict[str, float]


class Trainer:
    """One run: built from a config, driven by `run()`; the app holds it in a background thread."""

    def __init__(self, config: TrainConfig, workspace: Workspace | None = None, *, resume: bool = False,
                 overwrite: bool = False, observer: RunObserver | None = None,
                 show_progress: bool = True):
        config.validate("training config")
        self.config = config
        self.workspace = workspace or Workspace.resolve()
        self.run_dir = self.workspace.run_dir(config.run_name)
        self.store = RunStore(self.run_dir)
        self.observer = observer
        self.show_progress = show_progress
        self.dist = Distributed.from_environment()
        self.device = pick_device(self.dist.device_name(config.device))
        # Held from before the run folder is checked until run() ends: one writer per run.
        self._lock = hold_run(self.run_dir) if self.dist.is_main else None
        try:
            self._set_up(resume, overwrite)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Let other writers have the run (run() does it when it ends)."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    # ----- set-up ---------------------------------------------------------------------------
    def _set_up(self, resume: bool, overwrite: bool) -> None:
        config = self.config
        prepared = StageSetup(config, self.workspace, self.dist, self.device, self._message).prepare(resume, overwrite)
        self.tokenizer, self.model, self.parent, self.data = (prepared.tokenizer, prepared.model, prepared.parent,
                                                              prepared.data)
        # The model we call for training: DDP averages gradients across processes during backward.
        self.forward_model: torch.nn.Module = self.model
        if self.dist.enabled:
            self.forward_model = torch.nn.parallel.DistributedDataParallel(
                self.model, device_ids=[self.device.index] if self.device.type == "cuda" else None)
        self.token_bytes = torch.tensor(token_byte_lengths(self.tokenizer), dtype=torch.float64,
                                        device=self.device)
        self.optimizer = torch.optim.AdamW(
            self.model.optimizer_groups(config.weight_decay), lr=config.learning_rate,
            betas=(config.beta1, config.beta2),
            # One fused kernel per step instead of one op per tensor: 3x faster on CPU (11 vs 33 ms
            # per step for tiny, benchmarks/README.md) and the recommended path on CUDA.
            fused=self.device.type in ("cuda", "cpu"))
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(self.optimizer, lambda step: lr_multiplier(
            step, config.warmup_steps, config.num_steps, config.min_lr_ratio))
        self.step, self.best_val, self.elapsed = 0, math.inf, 0.0
        self.last_eval: dict[str, float] = {}
        # The train-loss window since the last record: summed on the device, read at log steps.
        self._window_loss = torch.zeros((), device=self.device)
        self._window_steps = 0
        self.resumed = resume
        if resume:
            self._restore(load_trainer_state(self.run_dir / "last"))

    def _restore(self, state: dict[str, Any]) -> None:
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        self.step, self.best_val, self.elapsed = state["step"], state["best_val"], state["elapsed"]
        torch.set_rng_state(state["torch_rng"])
        if "window_steps" in state:  # absent from checkpoints written before it was saved
            self._window_loss = state["window_loss"].to(self.device)
            self._window_steps = state["window_steps"]
        if self.dist.is_main:
            self.store.keep_metrics_through(self.step)
        self._message(f"resumed at step {self.step}")

    # ----- bookkeeping -------------------------------------------------------------------------
    def _observers(self) -> list[RunObserver]:
        """Who hears about the run: its files, then whoever started it; only the main rank reports."""
        if not self.dist.is_main:
            return []
        return [self.store, *([self.observer] if self.observer else [])]

    def _message(self, text: str) -> None:
        line = log_line(text)
        for observer in self._observers():
            observer.on_message(line)

    def _write_run(self, status: str, **extra: Any) -> None:
        record = {"run_name": self.config.run_name, "stage": self.config.stage, "status": status,
                  "config": dataclasses.asdict(self.config), "parent": self.parent,
                  "model": dataclasses.asdict(self.model.config),
                  "parameters": self.model.num_parameters(), "device": str(self.device),
                  "step": self.step, "elapsed": round(self.elapsed, 2),
                  "best_val": None if math.isinf(self.best_val) else self.best_val,
                  "world_size": self.dist.world_size,
                  "updated": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **extra}
        if status == "running":  # who to look for when the run is found "running" or "crashed"
            record.update(pid=os.getpid(), host=socket.gethostname())
        if self.dist.is_main:
            self.store.write_run(record)

    def _save(self, name: str) -> None:
        if not self.dist.is_main:
            return
        info = {"stage": self.config.stage, "run_name": self.config.run_name, "step": self.step,
                "parent": self.parent, "train_config": dataclasses.asdict(self.config),
                "best_val": None if math.isinf(self.best_val) else self.best_val}
        state = {"optimizer": self.optimizer.state_dict(), "scheduler": self.scheduler.state_dict(),
                 "step": self.step, "best_val": self.best_val, "elapsed": self.elapsed,
                 "torch_rng": torch.get_rng_state(), "window_loss": self._window_loss.detach().cpu(),
                 "window_steps": self._window_steps}
        save_checkpoint(self.run_dir / name, self.model, self.tokenizer, info, state, pairs=self.data.pairs)

    # ----- the loop -----------------------------------------------------------------------------
    def _batch(self, step: int, micro: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """Inputs, targets and, when requests weigh less than answers, each target's loss weight."""
        config, context = self.config, self.model.config.context_length
        replay_rows = round(config.batch_size * config.replay_fraction) if self.data.replay else 0
        part = {"rank": self.dist.rank, "world_size": self.dist.world_size}
        batch = self.data.train.sample_batch(config.batch_size - replay_rows, context,
                                             batch_rng(config.seed, step, micro, _STREAM_MAIN), **part)
        if replay_rows:
            replay = self.data.replay.sample_batch(
                replay_rows, context, batch_rng(config.seed, step, micro, _STREAM_REPLAY), **part)
            batch = type(batch)(*(torch.cat(pair) for pair in zip(batch, replay)))
        weights = None
        if config.request_loss_weight != 1.0 or config.command_loss_weight != 1.0:
            weights = answer_weights(batch.answer, config.request_loss_weight, config.command_loss_weight)
            weights = weights.to(self.device, non_blocking=True)
        return (batch.inputs.to(self.device, non_blocking=True),
                batch.targets.to(self.device, non_blocking=True), weights)

    def evaluate(self) -> dict[str, float]:
        config = self.config
        figures: dict[str, float] = {}
        for domain, shard in self.data.val.items():
            report = evaluate_shard(self.model, shard, self.token_bytes, config.eval_batches,
                                    config.batch_size, self.dist)
            figures[val_loss_key(domain)] = round(report.loss, 5)
            figures[val_bpb_key(domain)] = round(report.bits_per_byte, 5)
        primary = DOMAIN_OF_STAGE[config.stage]
        figures["val_loss"] = figures[val_loss_key(primary)]
        figures["val_bpb"] = figures[val_bpb_key(primary)]
        self.last_eval = figures
        return figures

    def _log(self, record: dict[str, Any], evaluate: bool) -> None:
        """Append the record, then save the checkpoints of an eval step: a kill in between leaves
        a record past the checkpoint's step, which resuming drops and writes again, never a
        checkpoint whose record is lost."""
        if evaluate:
            record.update(self.evaluate())
        for observer in self._observers():
            observer.on_metrics(record)
        if not evaluate:
            return
        if self.last_eval["val_loss"] < self.best_val:
            self.best_val = self.last_eval["val_loss"]
            self._save("best")
        self._save("last")
        self._message(f"step {self.step}: {metrics_line(self.last_eval)}")

    def _should_stop(self, stop: threading.Event) -> bool:
        """Every step alone; with several processes, agreed at log steps so all stop together."""
        if not self.dist.enabled:
            return stop.is_set()
        return self.step % self.config.log_interval == 0 and self.dist.any_true(stop.is_set(), self.device)

    def run(self, stop: threading.Event | None = None) -> RunResult:
        """Train until `num_steps` or until `stop` is set; either way `last/` holds the end state.
        The run's lock is released when this returns or raises."""
        try:
            return self._run(stop or threading.Event())
        finally:
            self.close()

    def _run(self, stop: threading.Event) -> RunResult:
        config = self.config
        self._write_run("running")
        for observer in self._observers():
            observer.on_start(config.run_name, config.stage, config.num_steps)
        if self.dist.is_main:
            note_run(self.workspace, config.run_name)
        self._message(f"stage {config.stage}: {self.model.num_parameters():,} parameters on "
                      f"{self.device}, {len(self.data.train):,} training tokens")
        tokens_per_step = (config.batch_size * config.grad_accum_steps * self.dist.world_size
                           * self.model.config.context_length)
        elapsed_before, run_start = self.elapsed, time.perf_counter()
        window_start = run_start
        bar = tqdm(total=config.num_steps, initial=self.step, desc=f"stage {config.stage}",
                   unit="step", disable=not self.show_progress)
        status = "finished"
        try:
            if self.step == 0 and not self.resumed:  # a resumed run has its step-0 record
                self._log({"step": 0, "lr": self.scheduler.get_last_lr()[0], "elapsed": 0.0}, evaluate=True)
            self.model.train()
            while self.step < config.num_steps:
                if self._should_stop(stop):
                    status = "stopped"
                    break
                lr = self.scheduler.get_last_lr()[0]
                batches = [self._batch(self.step, micro) for micro in range(config.grad_accum_steps)]
                # The weighted mean is the step's global batch's, as one process would take it.
                weight_total = (None if batches[0][2] is None else self.dist.sum(
                    torch.stack([weights.sum() for _, _, weights in batches]).sum()))
                for micro, (x, y, weights) in enumerate(batches):
                    # Gradients are averaged across processes on the last micro-batch only.
                    last_micro = micro == config.grad_accum_steps - 1
                    with (contextlib.nullcontext() if last_micro or not self.dist.enabled
                          else self.forward_model.no_sync()), autocast(self.device, cpu_bf16=True):
                        _, losses = self.forward_model(x, y, per_target=True)
                    micro_objective(losses, weights, weight_total, config.grad_accum_steps,
                                    self.dist.world_size).backward()
                    # The loss as validation measures it, unweighted, so the two curves compare.
                    self._window_loss += losses.detach().mean() / config.grad_accum_steps
                fault_point("train-step")
                if config.grad_clip:
                    torch.nn.utils.clip_grad_norm_(self.model.parameters(), config.grad_clip)
                self.optimizer.step()
                self.scheduler.step()
                self.optimizer.zero_grad(set_to_none=True)
                self.step += 1
                self._window_steps += 1
                bar.update(1)
                evaluate_now = self.step % config.eval_interval == 0 or self.step == config.num_steps
                if self.step % config.log_interval == 0 or evaluate_now:
                    now = time.perf_counter()
                    self.elapsed = elapsed_before + now - run_start
                    train_loss = self.dist.mean(self._window_loss).item() / self._window_steps
                    record = {"step": self.step, "train_loss": round(train_loss, 5),
                              "lr": lr, "tokens_per_s": round(tokens_per_step * self._window_steps
                                                              / max(now - window_start, 1e-9), 1),
                              "elapsed": round(self.elapsed, 2)}
                    self._window_loss.zero_()  # before the checkpoint: its window starts empty
                    self._window_steps = 0
                    bar.set_postfix(loss=record["train_loss"])
                    self._log(record, evaluate_now)
                    window_start = time.perf_counter()
            self.elapsed = elapsed_before + time.perf_counter() - run_start
            if status == "stopped":
                self._save("last")
                self._message(f"stopped at step {self.step}; saved {self.run_dir / 'last'}")
        except BaseException as exc:
            with contextlib.suppress(OSError):  # a full disk may refuse this too
                self._write_run("failed", error=f"{type(exc).__name__}: {exc}")
            raise
        finally:
            bar.close()
        final = self.evaluate() if status == "stopped" or not self.last_eval else self.last_eval
        self._write_run(status, final=final)
        self.dist.barrier()
        for observer in self._observers():
            observer.on_done(status, self.step)
        return RunResult(run_dir=self.run_dir, status=status, step=self.step, metrics=final)


def train(config: TrainConfig, workspace: Workspace | None = None, *, resume: bool = False,
          overwrite: bool = False, stop: threading.Event | None = None,
          observer: RunObserver | None = None, show_progress: bool = True) -> RunResult:
    """Build a `Trainer` for `config` and run it to the end (or to `stop`); the run is locked
    from before its folder is checked until this returns or raises."""
    trainer = Trainer(config, workspace, resume=resume, overwrite=overwrite, observer=observer,
                      show_progress=show_progress)
    return trainer.run(stop)
