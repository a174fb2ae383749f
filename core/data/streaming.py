"""Documents from the Hugging Face hub or local files, both read through `datasets`.

Hub and local sources share one code path — `datasets.load_dataset(..., streaming=True)` — so the
tests, which feed it local parquet/json/text, exercise exactly what a user's download runs, and a
download fetches only the rows the corpus limit asks for instead of whole dataset shards.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from core.config import SourceSpec
from core.data.bashdoc import bash_document
from core.errors import UserError

END_OF_TEXT = "<|endoftext|>"
_OFFLINE_HINT = ("Without network, use a source this machine has (any but the hub kind in "
                 "`python -m core sources`; `installed` is the default) or your own files (the local source).")
# Builders of `datasets` for the local file types we accept.
_LOCAL_BUILDERS = {".txt": "text", ".jsonl": "json", ".json": "json", ".parquet": "parquet"}
_FENCED_CODE = re.compile(r"```(?:bash|sh|shell|zsh)?[ \t]*\n(.*?)```", re.DOTALL | re.IGNORECASE)


def _load_streaming(path: str, **kwargs: Any) -> Iterable[dict[str, Any]]:
    import datasets  # imported here: it takes seconds, and most commands never need it

    datasets.disable_progress_bars()  # our own tqdm counts documents, theirs would count files
    return datasets.load_dataset(path, streaming=True, **kwargs)


def _explain_hub_failure(spec: SourceSpec, exc: Exception) -> UserError:
    """Turn what `datasets`/`huggingface_hub` raise into advice a user can follow."""
    text = f"{type(exc).__name__}: {exc}"
    if spec.gated or "gated" in text.lower() or "authenticat" in text.lower():
        return UserError(
            f"{spec.path} is a gated dataset: accept its terms at https://huggingface.co/datasets/"
            f"{spec.path} and log in (`hf auth login`, or set HF_TOKEN). ({text}) {_OFFLINE_HINT}")
    if isinstance(exc, (ConnectionError, TimeoutError)) or "offline" in text.lower():
        return UserError(f"cannot reach the Hugging Face hub for {spec.path}: {exc}. {_OFFLINE_HINT}")
    return UserError(f"cannot read {spec.path}: {text}")


def _rows(spec: SourceSpec) -> Iterator[dict[str, Any]]:
    if spec.kind == "hub":
        yield from _load_streaming(spec.path, name=spec.config_name, data_dir=spec.data_dir,
                                   split=spec.split)
        return
    for builder, files in local_files_by_builder(Path(spec.path)).items():
        options = {"sample_by": "document"} if builder == "text" else {}
        yield from _load_streaming(builder, data_files=[str(f) for f in files], split="train",
                                   **options)


def local_files_by_builder(path: Path) -> dict[str, list[Path]]:
    """The files at `path` grouped by the `datasets` builder that reads them, so that each format
    is read by its own builder; files of no known format are left out."""
    if not path.exists():
        raise UserError(f"local data path not found: {path}")
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    grouped: dict[str, list[Path]] = {}
    for file in files:
        builder = _LOCAL_BUILDERS.get(file.suffix.lower())
        if builder:
            grouped.setdefault(builder, []).append(file)
    if not grouped:
        raise UserError(f"no .txt, .jsonl or .parquet files under {path}")
    return grouped


def _matches(row: dict[str, Any], wanted: dict[str, str]) -> bool:
    return all(str(row.get(key)) == value for key, value in wanted.items())


def tiny_codes_document(prompt: str, response: str) -> str | None:
    """Turn a tiny-codes row into the product's format: the first sentence of the English prompt
    as the request, the fenced bash of the answer as the body (the prose around it is not bash;
    a shebang of its own gives way to the document's)."""
    blocks = [block.strip("\n") for block in _FENCED_CODE.findall(response or "")]
    code = "\n\n".join(block for block in blocks if block.strip())
    if code.startswith("#!"):
        code = code.partition("\n")[2]
    first_line = (prompt or "").strip().splitlines()[0] if (prompt or "").strip() else ""
    request = re.split(r"(?<=[.!?])\s", first_line, maxsplit=1)[0][:200]
    if not code.strip() or not request:
        return None
    return bash_document(request, code)


def _row_texts(spec: SourceSpec, rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    for row in rows:
        if spec.filter and not _matches(row, spec.filter):
            continue
        if spec.format == "tiny_codes":
            text = tiny_codes_document(row.get("prompt", ""), row.get(spec.column, ""))
        else:
            if spec.column not in row:
                raise UserError(f"{spec.path} has no column {spec.column!r}; its columns are "
                                f"{', '.join(row)}")
            text = row[spec.column]
        if isinstance(text, str):
            yield text


def _split_end_of_text(texts: Iterable[str]) -> Iterator[str]:
    """Text files such as TinyStories' hold many documents separated by `<|endoftext|>`."""
    for text in texts:
        yield from (part for part in text.split(END_OF_TEXT) if part.strip())


def _grouped(texts: Iterable[str], size: int) -> Iterator[str]:
    """Join consecutive rows (BookCorpus stores one sentence per row) into passages."""
    if size == 1:
        yield from texts
        return
    batch: list[str] = []
    for text in texts:
        batch.append(text.strip())
        if len(batch) == size:
            yield " ".join(batch)
            batch = []
    if batch:
        yield " ".join(batch)


def stream_documents(spec: SourceSpec) -> Iterator[str]:
    """Yield documents from a hub or local source lazily; stop iterating to stop downloading."""
    if spec.kind not in ("hub", "local"):
        raise ValueError(f"stream_documents reads hub and local sources, not {spec.kind}")
    try:
        yield from _grouped(_split_end_of_text(_row_texts(spec, _rows(spec))), spec.group_rows)
    except UserError:
        raise
    except Exception as exc:  # datasets/hub raise many types; each becomes one clear message
        raise _explain_hub_failure(spec, exc) from exc
