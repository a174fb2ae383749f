"""The project's own English-described bash scripts (`--use-existing`, source `curated`).

A small, clean set shipped with the project, so that even with no network a user has examples of
exactly what the product is about — an English request on the comment line, an idiomatic script
below it — covering what people ask a shell for. Every script is a file in `curated/`, kept
parseable by `bash -n` and free of duplicates by the tests.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from core.data.bashdoc import Pair, parse_bash_document

CURATED_DIR = Path(__file__).resolve().parent / "curated"


def curated_scripts() -> list[str]:
    """Every script's text, sorted by file name."""
    return [path.read_text(encoding="utf-8").rstrip("\n") + "\n"
            for path in sorted(CURATED_DIR.glob("*.sh"))]


def describe(script: str) -> str | None:
    """The English request on line 2 (`# ...`): the script is its answer."""
    pair = parse_bash_document(script)
    return pair.request if pair else None


def curated_records(max_files: int | None = None) -> Iterator[tuple[str, Pair | None]]:
    """(script, its request → script pair) for the first `max_files` scripts."""
    for script in curated_scripts()[:max_files]:
        yield script, parse_bash_document(script)
