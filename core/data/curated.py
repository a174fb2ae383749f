"""The project's own English-described bash (`--use-existing`, source `curated`).

A small, clean set shipped with the project, so that even with no network a user has examples of
exactly what the product is about — an English request on the comment line, idiomatic bash below
it — covering what people ask a shell for. Two forms, both in `curated/`:

- scripts (`*.sh`): a request on line 2 and a short strict-mode script;
- one-liners (`one_liners.jsonl`, `{"nl": ..., "cmd": ...}` like any pairs file): everyday requests
  written in the styles people type (questions, first person, long and specific, terse), each with
  the one command that answers it. tldr's descriptions are terse capitalised imperatives; a model
  trained on them alone meets "how do I see which processes use the most memory" as a stranger.

The tests keep both parseable by `bash -n` and free of duplicates, and keep every one-liner far from
the dev requests (`benchmarks/dev_requests.jsonl`) so that those measure generalisation.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from core.data.bashdoc import Pair, pair_document, parse_bash_document
from core.pairs import read_pairs

CURATED_DIR = Path(__file__).resolve().parent / "curated"
ONE_LINERS = CURATED_DIR / "one_liners.jsonl"


def curated_scripts() -> list[str]:
    """Every script's text, sorted by file name."""
    return [path.read_text(encoding="utf-8").rstrip("\n") + "\n"
            for path in sorted(CURATED_DIR.glob("*.sh"))]


def describe(script: str) -> str | None:
    """The English request on line 2 (`# ...`): the script is its answer."""
    pair = parse_bash_document(script)
    return pair.request if pair else None


def curated_one_liners() -> list[Pair]:
    return read_pairs(ONE_LINERS)


def curated_records(max_files: int | None = None) -> Iterator[tuple[str, Pair | None]]:
    """(document, its request → answer pair) for the first `max_files` files: the scripts, then the
    one-liners file as one more."""
    scripts = curated_scripts()
    for script in scripts[:max_files]:
        yield script, parse_bash_document(script)
    if max_files is None or max_files > len(scripts):
        for pair in curated_one_liners():
            yield pair_document(pair), pair
