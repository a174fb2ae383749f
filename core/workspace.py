"""Where a workspace keeps its corpora, tokenizers and runs.

One root folder holds everything a user produces, so that the app on a Space can point it at a
mounted volume and the CLI and the app see the same files. The root comes from an explicit argument,
else `PCM_WORKSPACE`, else the project folder itself (so `checkpoints/` is the top-level folder).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from core.errors import UserError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DOMAINS = ("english", "code")


@dataclass(frozen=True)
class Workspace:
    root: Path

    @classmethod
    def resolve(cls, root: str | Path | None = None) -> "Workspace":
        chosen = root or os.environ.get("PCM_WORKSPACE") or PROJECT_ROOT
        return cls(Path(chosen).expanduser().resolve())

    def corpus_dir(self, domain: str, name: str) -> Path:
        if domain not in DOMAINS:
            raise UserError(f"domain must be one of {', '.join(DOMAINS)}, got {domain!r}")
        return self.root / "data" / domain / name

    def tokenizer_path(self, name: str) -> Path:
        return self.root / "tokenizers" / name / "tokenizer.json"

    def run_dir(self, name: str) -> Path:
        return self.root / "checkpoints" / name

    def path(self, relative: str | Path) -> Path:
        """A user-given path: absolute as is, relative to the workspace root otherwise."""
        relative = Path(relative).expanduser()
        return relative if relative.is_absolute() else self.root / relative

    def corpora(self, domain: str) -> list[str]:
        folder = self.root / "data" / domain
        return sorted(p.parent.name for p in folder.glob("*/manifest.json")) if folder.is_dir() else []

    def runs(self) -> list[str]:
        folder = self.root / "checkpoints"
        return sorted(p.parent.name for p in folder.glob("*/run.json")) if folder.is_dir() else []
