"""What a public instance of the app allows: the demo mode's bounds, and who may log in.

A Space is reachable by anyone, through the widgets and through the API with any value. Paths are
fenced by the confined `Workspace`; this module bounds the rest — how big and how long a stranger's
training may be, and how much a download may fetch — so one visitor cannot take the machine or its
disk from everyone else. The CLI never applies these bounds: it is run by the machine's owner.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from core.config import TrainConfig
from core.errors import UserError
from core.workspace import Workspace

AUTH_VARIABLE = "PCM_AUTH"  # "user:password" for a private instance


@dataclass(frozen=True)
class DemoLimits:
    """Bounds a public demo puts on every job and download (the presets train in minutes on CPU)."""

    models: tuple[str, ...] = ("micro", "cpu")
    max_steps: int = 2000
    max_batch_size: int = 32
    max_grad_accum_steps: int = 4
    max_download_mb: float = 50.0
    # All visitors' corpora and runs together (a `cpu` run keeps about 85 MB): past this, new jobs
    # wait for the owner to clear space, rather than fill the disk the shipped demo runs from.
    max_workspace_gb: float = 5.0

    def check_training(self, config: TrainConfig) -> None:
        if config.model not in self.models:
            raise UserError(f"this public demo trains only the {' and '.join(self.models)} sizes, "
                            f"not {config.model!r}")
        # named as the Training tab labels them: a public demo's visitor reads these, not the CLI's user
        for name, label, bound in (("num_steps", "steps", self.max_steps),
                                   ("batch_size", "batch size", self.max_batch_size),
                                   ("grad_accum_steps", "gradient accumulation", self.max_grad_accum_steps)):
            if getattr(config, name) > bound:
                raise UserError(f"this public demo allows {label} up to {bound:,}, got {getattr(config, name):,}")

    def check_quickstart(self, model: str, language_steps: int, code_steps: int) -> None:
        if model not in self.models:
            raise UserError(f"this public demo trains only the {' and '.join(self.models)} sizes, not {model!r}")
        if language_steps + code_steps > self.max_steps:
            raise UserError(f"this public demo allows {self.max_steps:,} steps in all, "
                            f"got {language_steps + code_steps:,}")

    def check_room(self, workspace: Workspace) -> None:
        """Refuse a new job once the workspace holds its bound: each job is bounded, but a
        stranger could start them one after another until the disk is full."""
        used = workspace.bytes_used()
        if used > self.max_workspace_gb * 1e9:
            raise UserError(f"this public demo's workspace already holds {used / 1e9:.1f} GB, its bound is "
                            f"{self.max_workspace_gb:g} GB: new jobs wait until its owner clears space "
                            "(the playground still answers)")

    def download_mb(self, asked: float | None) -> float:
        """The size cap of a download: what was asked, within the demo's bound."""
        if asked and asked > self.max_download_mb:
            raise UserError(f"this public demo downloads at most {self.max_download_mb:g} MB per corpus, "
                            f"got {asked:g}")
        return asked or self.max_download_mb


def demo_requested(flag: bool) -> bool:
    """Demo mode when asked for, and always on a Hugging Face Space (which sets SPACE_ID)."""
    return flag or bool(os.environ.get("SPACE_ID"))


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """`user:password` (from --auth or PCM_AUTH) as Gradio's auth pair; None for an open app."""
    value = value if value is not None else os.environ.get(AUTH_VARIABLE)
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise UserError(f"auth must look like user:password (from --auth or ${AUTH_VARIABLE})")
    return user, password
