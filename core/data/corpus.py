"""A corpus on disk: cleaned, de-duplicated documents split into train/val, with a manifest.

Every source (hub, local files, this machine, tldr, curated) ends here, so cleaning and splitting
happen once and the same way for all. The split is decided by a hash of each document's text, not
by its position, so it is deterministic, independent of download order, and a document never moves
between train and val when a corpus is rebuilt with a larger limit.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tqdm import tqdm

from core.atomic import check_replaceable, recover_dir, replace_dir, temporary_sibling
from core.config import check_range
from core.data.streaming import END_OF_TEXT
from core.errors import UserError

ProgressCallback = Callable[[int, int | None], None]
MAX_VAL_FRACTION = 0.5  # more held out than trained on is a typo (0.5 for 0.05), not a choice


@dataclass(frozen=True)
class Rejected:
    """What a source yields in place of a document it could not read (a binary or non-UTF-8 file),
    so the corpus counts it in its manifest instead of the whole download failing."""

    reason: str


@dataclass
class SplitStats:
    documents: int = 0
    bytes: int = 0


@dataclass
class Manifest:
    name: str
    domain: str
    source: str
    license: str
    created: str
    documents: int
    bytes: int
    train: SplitStats
    val: SplitStats
    val_fraction: float
    rejected: dict[str, int] = field(default_factory=dict)
    limits: dict[str, int | None] = field(default_factory=dict)

    @classmethod
    def read(cls, corpus_dir: Path) -> Manifest:
        path = Path(corpus_dir) / "manifest.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            data["train"], data["val"] = SplitStats(**data["train"]), SplitStats(**data["val"])
            return cls(**data)
        except FileNotFoundError:
            raise UserError(f"no corpus at {corpus_dir}: download or build it first "
                            f"(`python -m core download ...`)") from None
        except (ValueError, TypeError, KeyError) as exc:
            raise UserError(f"{path} is corrupt ({exc}); rebuild the corpus") from None


def clean_document(text: str) -> str:
    """Normalise line endings and trim blank edges — nothing that changes what a script means."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip("\n").rstrip() + "\n"


def is_validation(text: str, val_fraction: float) -> bool:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < val_fraction


def read_documents(corpus_dir: Path, split: str) -> Iterator[str]:
    """The documents of one split, in file order."""
    path = Path(corpus_dir) / f"{split}.jsonl"
    if not path.exists():
        raise UserError(f"corpus split missing: {path}; rebuild the corpus")
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)["text"]


def _write_jsonl(handle, text: str) -> int:
    handle.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
    return len(text.encode("utf-8"))


# Past every source's size (a billion documents, a terabyte): a larger limit is a typo, and one of
# 1e30 would be stored in the manifest and printed as a 31-digit count.
MAX_CORPUS_LIMIT = 10**12


def check_corpus_limits(max_docs: int | None, max_bytes: int | None, max_doc_bytes: int,
                        val_fraction: float) -> None:
    """A limit of 0 or less would mean nothing (or stop after one document), so it is refused, and so
    is one past `MAX_CORPUS_LIMIT`."""
    if not 0.0 < val_fraction <= MAX_VAL_FRACTION:
        raise UserError(f"val_fraction must be in (0, {MAX_VAL_FRACTION}], got {val_fraction}")
    for name, value in (("max_docs", max_docs), ("max_bytes", max_bytes), ("max_doc_bytes", max_doc_bytes)):
        if value is not None:
            check_range(name, value, 1, MAX_CORPUS_LIMIT)


def build_corpus(documents: Iterable[str | tuple[str, str] | Rejected], out_dir: Path, *, domain: str,
                 source: str, license: str, max_docs: int | None = None, max_bytes: int | None = None,
                 max_doc_bytes: int = 1_000_000, val_fraction: float = 0.05, replace: bool = False,
                 protected: tuple[Path, ...] = (), on_progress: ProgressCallback | None = None,
                 show_progress: bool = True) -> Manifest:
    """Clean, de-duplicate and split `documents` into `out_dir`, written atomically.

    Reading stops as soon as `max_docs` documents or `max_bytes` bytes are kept, so a streaming
    source downloads no more than that. A document given as `(text, key)` goes to the side of the
    split that `key` hashes to: a variant of a document (the same pair with retrieved examples in
    its prompt) always lands beside the document it varies. A `Rejected` item is only counted. An
    existing corpus at `out_dir` is replaced only with `replace` (never when it is or holds one of
    `protected`, the folders the documents come from); a corpus that ends up empty raises a
    `UserError` and leaves any earlier corpus untouched."""
    check_corpus_limits(max_docs, max_bytes, max_doc_bytes, val_fraction)
    out_dir = Path(out_dir)
    recover_dir(out_dir)  # what a killed build left: restored, or its leftovers (a whole corpus each) swept
    check_replaceable(out_dir, replace=replace, protected=protected)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp_dir = temporary_sibling(out_dir)
    seen: set[bytes] = set()
    rejected = {"empty": 0, "too_large": 0, "binary": 0, "duplicate": 0, "unreadable_file": 0}
    stats = {"train": SplitStats(), "val": SplitStats()}
    kept_bytes = 0
    # Shown only once reading takes a moment, so a source that fails at once leaves just its error line.
    bar = tqdm(total=max_docs, desc=f"{domain}/{out_dir.name}", unit="doc", disable=not show_progress,
               delay=0.5)
    try:
        with (tmp_dir / "train.jsonl").open("w", encoding="utf-8") as train, \
                (tmp_dir / "val.jsonl").open("w", encoding="utf-8") as val:
            for item in documents:
                if isinstance(item, Rejected):
                    rejected[item.reason] = rejected.get(item.reason, 0) + 1
                    continue
                raw, key = item if isinstance(item, tuple) else (item, None)
                text = clean_document(raw)
                size = len(text.encode("utf-8"))
                if not text.strip():
                    rejected["empty"] += 1
                    continue
                if size > max_doc_bytes:
                    rejected["too_large"] += 1
                    continue
                if "\x00" in text or END_OF_TEXT in text:
                    rejected["binary"] += 1
                    continue
                digest = hashlib.sha256(text.encode("utf-8")).digest()
                if digest in seen:
                    rejected["duplicate"] += 1
                    continue
                seen.add(digest)
                split_text = text if key is None else clean_document(key)
                split = "val" if is_validation(split_text, val_fraction) else "train"
                _write_jsonl(val if split == "val" else train, text)
                stats[split].documents += 1
                stats[split].bytes += size
                kept_bytes += size
                bar.update(1)
                if on_progress:
                    on_progress(len(seen), max_docs)
                if (max_docs and len(seen) >= max_docs) or (max_bytes and kept_bytes >= max_bytes):
                    break
        bar.close()
        if not seen:
            raise UserError(f"the {domain} source {source!r} gave no usable documents "
                            f"(rejected: {rejected}); check the source or its path")
        _ensure_both_splits(tmp_dir, stats)
        manifest = Manifest(
            name=out_dir.name, domain=domain, source=source, license=license,
            created=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            documents=len(seen), bytes=kept_bytes, train=stats["train"], val=stats["val"],
            val_fraction=val_fraction, rejected=rejected,
            limits={"max_docs": max_docs, "max_bytes": max_bytes, "max_doc_bytes": max_doc_bytes})
        (tmp_dir / "manifest.json").write_text(json.dumps(asdict(manifest), indent=2), encoding="utf-8")
        replace_dir(tmp_dir, out_dir)
        return manifest
    finally:
        bar.close()
        shutil.rmtree(tmp_dir, ignore_errors=True)


def _ensure_both_splits(corpus_dir: Path, stats: dict[str, SplitStats]) -> None:
    """A small corpus can hash every document to one side; move one across so both splits exist."""
    for empty, full in (("val", "train"), ("train", "val")):
        if stats[empty].documents or stats[full].documents < 2:
            continue
        lines = (corpus_dir / f"{full}.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
        moved = lines.pop()
        (corpus_dir / f"{full}.jsonl").write_text("".join(lines), encoding="utf-8")
        (corpus_dir / f"{empty}.jsonl").write_text(moved, encoding="utf-8")
        size = len(json.loads(moved)["text"].encode("utf-8"))
        stats[full].documents -= 1
        stats[full].bytes -= size
        stats[empty].documents += 1
        stats[empty].bytes += size

