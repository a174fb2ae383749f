"""The project's own English-described bash scripts (`--use-existing`, source `curated`).

A small, clean set shipped with the project, so that even with no network a user has examples of
exactly what the product is about — an English request on the comment line, an idiomatic script
below it — covering what people ask a shell for. Every script is a file in `curated/`, kept
parseable by `bash -n` and free of duplicates by the tests.
"""
from __future__ import annotations

from pathlib import Path

CURATED_DIR = Path(__file__).resolve().parent / "curated"


def curated_scripts() -> list[str]:
    """Every script's text, sorted by file name."""
    return [path.read_text(encoding="utf-8").rstrip("\n") + "\n"
            for path in sorted(CURATED_DIR.glob("*.sh"))]


def describe(script: str) -> str | None:
    """The English request on line 2 (`# ...`), which pair evaluation uses as the prompt."""
    lines = script.splitlines()
    if len(lines) > 1 and lines[1].startswith("# "):
        return lines[1][2:].strip()
    return None
