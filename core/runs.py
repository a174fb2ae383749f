"""Past runs and their checkpoints, read from disk for the CLI and the app's lists.

Everything here is derived from the run folders (run.json, metrics.jsonl, best/, last/), so a
restarted app lists exactly what exists, with nothing cached that could go stale.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.names import DOMAINS, SHIPPED_RUNS, val_loss_key
from core.runstore import read_metrics, read_run
from core.workspace import PROJECT_ROOT, Workspace


@dataclass(frozen=True)
class CheckpointEntry:
    run_name: str
    stage: str
    kind: str  # best | last | shipped
    path: Path

    @property
    def label(self) -> str:
        return f"{self.run_name}/{self.kind} ({self.stage})"


def _mapping(value: Any) -> dict[str, Any]:
    """A field of run.json that should be a mapping; a damaged one reads as empty, not as a crash."""
    return value if isinstance(value, dict) else {}


def run_summaries(workspace: Workspace) -> list[dict[str, Any]]:
    """One row per run: its status, size and final figures, newest first. A run whose run.json is
    damaged is listed as "unreadable" rather than breaking the list."""
    rows = []
    for name in workspace.runs():
        info = read_run(workspace.run_dir(name))
        final = _mapping(info.get("final"))
        rows.append({"run": name, "stage": info.get("stage"), "status": info.get("status"),
                     "step": info.get("step"), "parameters": info.get("parameters"),
                     "model": _mapping(info.get("config")).get("model"),
                     **{val_loss_key(domain): final.get(val_loss_key(domain)) for domain in DOMAINS},
                     "elapsed_s": info.get("elapsed"), "updated": str(info.get("updated", ""))})
    return sorted(rows, key=lambda row: row["updated"], reverse=True)


def list_checkpoints(workspace: Workspace, stage: str | None = None) -> list[CheckpointEntry]:
    """Loadable checkpoints (best before last), optionally of one stage."""
    entries = []
    for name in workspace.runs():
        run_dir = workspace.run_dir(name)
        run_stage = str(read_run(run_dir).get("stage") or "")
        if stage and run_stage != stage:
            continue
        for kind in ("best", "last"):
            if (run_dir / kind / "model.safetensors").exists():
                entries.append(CheckpointEntry(name, run_stage, kind, run_dir / kind))
    return entries


def shipped_checkpoints(root: Path = PROJECT_ROOT) -> list[CheckpointEntry]:
    """The demo checkpoints that ship with the project (`checkpoints/language`, `checkpoints/bilingual`),
    wherever the workspace is, so a fresh clone or a Space with its own volume shows them at once."""
    entries = []
    for name, stage in SHIPPED_RUNS.items():
        path = root / "checkpoints" / name / "best"
        if (path / "model.safetensors").exists():
            entries.append(CheckpointEntry(f"demo {name}", stage, "shipped", path))
    return entries


def run_metrics(workspace: Workspace, run_name: str) -> list[dict[str, Any]]:
    return read_metrics(workspace.run_dir(run_name))
