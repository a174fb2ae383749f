"""From a source's name to a corpus folder, and to (request, command) pairs: one registry of kinds.

Sources differ in where documents come from; everything after that (cleaning, de-duplication, the
split, the manifest) is `build_corpus`, shared by all of them. Each kind of source is one entry of
`SOURCE_KINDS`: the options it reads, and one function that yields *records* — a document, and the
(request, command) pair it teaches where it teaches one. Documents train the model; the pairs of
the documents that fall on the validation side of the corpus split are held out, so any pair
source can be scored (`evaluate --pairs-source NAME`) on pairs no run trained on.
"""
from __future__ import annotations

import dataclasses
import hashlib
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.atomic import check_replaceable
from core.config import SourceSpec, check_range, data_sources
from core.data.bashdoc import Pair, pair_document
from core.data.corpus import (
    Manifest,
    ProgressCallback,
    Rejected,
    build_corpus,
    check_corpus_limits,
    clean_document,
    is_validation,
)
from core.errors import UserError, shown
from core.workspace import PROJECT_ROOT, Workspace

Record = tuple[str | Rejected, Pair | None]
RecordReader = Callable[[SourceSpec, Workspace, int | None], Iterator[Record]]
_COMMON_FIELDS = {"kind", "description", "license"}
DEFAULT_VAL_FRACTION = 0.05
MAX_EXAMPLES = 10  # retrieved examples per pair (the recipe shows 3); each one lengthens every prompt
UNREADABLE_FILE = Rejected("unreadable_file")


@dataclass(frozen=True)
class SourceKind:
    """What a kind of source reads (`options`: the SourceSpec fields it uses) and how."""

    records: RecordReader
    options: frozenset[str] = frozenset()
    required: frozenset[str] = frozenset()
    has_pairs: Callable[[SourceSpec], bool] = lambda spec: False


def _without_pairs(documents: Iterator[str]) -> Iterator[Record]:
    return ((document, None) for document in documents)


def _streamed(spec: SourceSpec, workspace: Workspace, max_files: int | None) -> Iterator[Record]:
    from core.data.bashdoc import parse_bash_document
    from core.data.streaming import stream_documents

    for document in stream_documents(spec):
        yield document, parse_bash_document(document) if spec.format == "tiny_codes" else None


def _local(spec: SourceSpec, workspace: Workspace, max_files: int | None) -> Iterator[Record]:
    """Each file read on its own, so one that is binary, not UTF-8 or not the format its name says
    is skipped and counted in the manifest (as `unreadable_file`) instead of ending the download."""
    from core.data.streaming import local_files_by_builder

    files = [file for group in local_files_by_builder(Path(spec.path)).values() for file in group]
    for file in files[:max_files]:
        try:
            yield from _streamed(dataclasses.replace(spec, path=str(file)), workspace, None)
        except UserError as exc:
            if exc.__cause__ is None:  # a mistake in the options (a missing column), not the file's
                raise
            yield UNREADABLE_FILE, None


def _installed_docs(spec: SourceSpec, workspace: Workspace, max_files: int | None) -> Iterator[Record]:
    from core.data.manpages import installed_english_docs
    return _without_pairs(installed_english_docs(max_docs=max_files))


def _command_manuals(spec: SourceSpec, workspace: Workspace, max_files: int | None) -> Iterator[Record]:
    from core.data.manpairs import command_manuals
    return _without_pairs(command_manuals(max_pages=max_files))


def _installed_scripts(spec: SourceSpec, workspace: Workspace, max_files: int | None) -> Iterator[Record]:
    from core.data.scripts import installed_shell_scripts
    return _without_pairs(installed_shell_scripts(max_files=max_files))


def _tldr(spec: SourceSpec, workspace: Workspace, max_files: int | None) -> Iterator[Record]:
    """A folder when there is one (offline); otherwise the archive the official clients fetch."""
    from core.data.tldr import ARCHIVE_URL, download_archive, tldr_records

    if spec.path and Path(spec.path).expanduser().is_dir():
        folder = Path(spec.path).expanduser()
    elif spec.url:
        folder = download_archive(workspace.root / "cache" / "tldr", spec.url)
    else:
        raise UserError(f"tldr folder not found: {spec.path}; give a checkout or pages folder with "
                        f"--path, or set url (the client archive is {ARCHIVE_URL})")
    return tldr_records(folder, max_pages=max_files)


def _curated(spec: SourceSpec, workspace: Workspace, max_files: int | None) -> Iterator[Record]:
    from core.data.curated import curated_records
    return curated_records(max_files)


def _man_pairs(read: str) -> RecordReader:
    def records(spec: SourceSpec, workspace: Workspace, max_files: int | None) -> Iterator[Record]:
        from core.data import manpairs
        from core.data.bashdoc import pair_document

        root = spec.path or manpairs.DEFAULT_MAN_ROOT
        return ((pair_document(pair), pair) for pair in getattr(manpairs, read)(root, max_pages=max_files))
    return records


_STREAM_OPTIONS = frozenset({"path", "config_name", "data_dir", "split", "column", "filter", "format",
                             "group_rows", "gated"})
SOURCE_KINDS: dict[str, SourceKind] = {
    "hub": SourceKind(_streamed, _STREAM_OPTIONS, frozenset({"path"}),
                      has_pairs=lambda spec: spec.format == "tiny_codes"),
    "local": SourceKind(_local, _STREAM_OPTIONS - {"gated", "config_name", "data_dir"}, frozenset({"path"}),
                        has_pairs=lambda spec: spec.format == "tiny_codes"),
    "installed_docs": SourceKind(_installed_docs),
    "command_manuals": SourceKind(_command_manuals),
    "installed_scripts": SourceKind(_installed_scripts),
    "tldr": SourceKind(_tldr, frozenset({"path", "url"}), has_pairs=lambda spec: True),
    "curated": SourceKind(_curated, has_pairs=lambda spec: True),
    "man_examples": SourceKind(_man_pairs("man_example_pairs"), frozenset({"path"}),
                               has_pairs=lambda spec: True),
    "man_names": SourceKind(_man_pairs("man_name_pairs"), frozenset({"path"}), has_pairs=lambda spec: True),
}


def validate_source(spec: SourceSpec, where: str) -> None:
    """An unknown kind, an option the kind does not read, or a missing required one: one line each."""
    kind = SOURCE_KINDS.get(spec.kind)
    if kind is None:
        raise UserError(f"{where}: kind must be one of {', '.join(SOURCE_KINDS)}, got {shown(spec.kind)}")
    defaults = SourceSpec(kind=spec.kind)
    for option in dataclasses.fields(SourceSpec):
        name = option.name
        if name not in _COMMON_FIELDS | kind.options and getattr(spec, name) != getattr(defaults, name):
            raise UserError(f"{where}: option {name!r} does not apply to a {spec.kind} source "
                            f"(it reads {', '.join(sorted(kind.options)) or 'no options'})")
    for name in kind.required:
        if not getattr(spec, name):
            raise UserError(f"{where}: a {spec.kind} source needs {name}")


def resolve_source(domain: str, source: str, path: str | None = None) -> SourceSpec:
    """A named source from configs/datasets.yaml, or `local` for the files at `path`."""
    if source == "local":
        if not path:
            raise UserError("the local source needs --path: a file or folder of .txt/.jsonl/.parquet")
        return SourceSpec(kind="local", path=path, description=f"local files at {path}",
                          license="as given by the files' owner")
    named = data_sources().get(domain, {})
    if source not in named:
        raise UserError(f"unknown {domain} source {source!r}; choose local or one of {', '.join(named)}")
    spec = named[source]
    if path and "path" in SOURCE_KINDS[spec.kind].options:  # joined sources: the ones that read a path
        spec = dataclasses.replace(spec, path=path)
    if spec.kind == "tldr" and spec.path and not Path(spec.path).expanduser().is_absolute():
        spec = dataclasses.replace(spec, path=str(PROJECT_ROOT / spec.path))
    if spec.kind == "tldr" and path and not Path(spec.path or "").expanduser().is_dir():
        # the configured folder may be absent (the archive is fetched then); a folder the user named may not
        raise UserError(f"tldr folder not found: {shown(path)}; give a tldr-pages checkout or its pages/ folder")
    return spec


def source_records(spec: SourceSpec, workspace: Workspace, max_files: int | None = None) -> Iterator[Record]:
    """Records of any kind; `max_files` caps the files or pages read where a source reads files."""
    return SOURCE_KINDS[spec.kind].records(spec, workspace, max_files)


def pair_source_names(domain: str = "code") -> list[str]:
    """The named sources that teach (request, command) pairs."""
    return [name for name, spec in data_sources().get(domain, {}).items()
            if SOURCE_KINDS[spec.kind].has_pairs(spec)]


def _pairs_by_split(workspace: Workspace, source: str, path: str | None, val_fraction: float,
                    max_files: int | None) -> dict[str, list[Pair]]:
    """One pass over a pair source: its pairs on each side of the corpus split, in order.

    The split is decided on the document exactly as `build_corpus` decides it, so a corpus built
    from this source with the same `val_fraction` trained on none of the `val` pairs."""
    def refusal() -> UserError:  # built only when refusing: it reads the sources' YAML again
        known = source == "local" or source in data_sources().get("code", {})
        what = f"source {shown(source)} holds no (request, command) pairs" if known else \
            f"unknown pair source {shown(source)}"
        return UserError(f"{what}; pair sources: {', '.join(pair_source_names())}")

    if path is None and source not in pair_source_names():  # checked by name first: `local` would ask for a path
        raise refusal()
    spec = resolve_source("code", source, str(workspace.source_path(path)) if path else None)
    if not SOURCE_KINDS[spec.kind].has_pairs(spec):
        raise refusal()
    splits: dict[str, list[Pair]] = {"train": [], "val": []}
    seen = set()
    for document, pair in source_records(spec, workspace, max_files):
        if pair is None:
            continue
        document = clean_document(document)
        if document in seen:
            continue
        seen.add(document)
        splits["val" if is_validation(document, val_fraction) else "train"].append(pair)
    return splits


def sample_pairs(pairs: Sequence[Pair], limit: int | None) -> list[Pair]:
    """At most `limit` pairs, spread over the whole set: the first in the order of a hash of each
    pair, so a set sorted by page is not scored on its first letters (tldr's first 200 held-out
    pairs are 124 utilities from `%` to `jo`); a set that fits is kept whole, in its own order."""
    if limit is None or len(pairs) <= limit:
        return list(pairs)
    return sorted(pairs, key=lambda pair: hashlib.sha256(f"{pair.request}\n{pair.command}".encode()).digest())[:limit]


def source_pairs(workspace: Workspace, source: str, split: str = "val", *, path: str | None = None,
                 val_fraction: float = DEFAULT_VAL_FRACTION, max_files: int | None = None,
                 max_pairs: int | None = None) -> list[Pair]:
    """The pairs of a source on one side of the corpus split (`val`: never trained on), in order;
    at most `max_pairs` of them, spread over the source (`core.pairs.sample_pairs`)."""
    if split not in ("train", "val"):
        raise UserError(f"split must be train or val, got {shown(split)}")
    return sample_pairs(_pairs_by_split(workspace, source, path, val_fraction, max_files)[split], max_pairs)


def request_key(request: str) -> str:
    """A request as two people would type the same one: case, spacing and a closing full stop aside."""
    return " ".join(request.casefold().split()).rstrip(".")


def held_out_and_training(workspace: Workspace, sources: Sequence[str], *, paths: dict[str, str] | None = None,
                          max_pairs: int | None = None) -> tuple[dict[str, list[Pair]], list[Pair]]:
    """Each source's held-out pairs (at most `max_pairs`) and all their training pairs — what a
    report scores, and what its retrieval baseline indexes — reading every source once.

    The split is decided per document, so a held-out request may be, word for word, a training
    request of another page or source: tldr's "Display help" of a hundred pages, a manual page's
    NAME line that a tldr page repeats (189 of 1,740 held-out tldr pairs; 157 of them answered
    there by another utility). Such a pair measures recall or a coin toss, not whether an unseen
    request is understood, so it is left out of the held-out side (and stays out of training)."""
    if max_pairs is not None:
        check_range("max_pairs", max_pairs, 1)
    validation: dict[str, list[Pair]] = {}
    training: list[Pair] = []
    for name in sources:
        splits = _pairs_by_split(workspace, name, (paths or {}).get(name), DEFAULT_VAL_FRACTION, None)
        validation[name] = splits["val"]
        training += splits["train"]
    trained = {request_key(pair.request) for pair in training}
    held_out = {name: sample_pairs([pair for pair in pairs if request_key(pair.request) not in trained], max_pairs)
                for name, pairs in validation.items()}
    return held_out, training


def with_examples(records: Iterable[Record], k: int, val_fraction: float
                  ) -> Iterator[tuple[str, str] | Rejected]:
    """Every document, and for each pair a second document whose prompt shows the commands of
    the `k` most similar training requests (never the pair's own); each with the document that
    decides its side of the split, so a held-out pair's variant is held out too."""
    from core.retrieval import RetrievalIndex

    records = [(document, pair) for document, pair in records]
    training = [pair for document, pair in records
                if pair is not None and not is_validation(clean_document(document), val_fraction)]
    if not training:
        raise UserError("retrieved examples need pair sources with training pairs")
    index = RetrievalIndex(training)
    pairs = [pair for _, pair in records if pair is not None]
    examples = index.examples([pair.request for pair in pairs], k, exclude=pairs)
    for document, pair in records:
        if isinstance(document, Rejected):
            yield document
            continue
        yield document, document
        if pair is not None:
            yield pair_document(pair, next(examples)), document


NOT_RUNNABLE = Rejected("not_runnable_here")


def runnable_records(records: Iterable[Record]) -> Iterator[Record]:
    """The records whose pair's command runs a utility on this machine's PATH or an everyday one
    (`core.commands.worth_training`; documents without a pair pass unchanged); the others give
    way as `not_runnable_here`, counted in the manifest.

    A 5 M-parameter model makes a few passes over its pairs in a CPU hour; spent on the 1,000
    utilities a user here can run rather than on 7,000 (most of them tools this machine lacks), it
    answers the requests people actually make (measured: benchmarks/README.md)."""
    from core.commands import worth_training

    for document, pair in records:
        yield (document, pair) if pair is None or worth_training(pair.command) else (NOT_RUNNABLE, None)


def _check_download_limits(max_mb: float | None, max_files: int | None, examples: int) -> None:
    """The limits only `download` reads (`build_corpus` checks its own), refused before anything runs."""
    if max_mb is not None and not (0 < max_mb < math.inf):
        raise UserError(f"max_mb must be more than 0 (and finite), got {max_mb}")
    if max_files is not None:
        check_range("max_files", max_files, 1)
    check_range("examples", examples, 0, MAX_EXAMPLES)


def check_download(workspace: Workspace, domain: str, source: str, *, name: str | None = None,
                   path: str | None = None, max_docs: int | None = None, max_mb: float | None = None,
                   max_files: int | None = None, val_fraction: float = DEFAULT_VAL_FRACTION, examples: int = 0,
                   runnable_only: bool = False, replace: bool = False) -> tuple[list[str], list[SourceSpec], Path]:
    """Everything about a download that can be refused in a moment — limits, names, the source,
    a server folder, an existing corpus — so the app refuses before it starts a job; `download`
    runs the same checks. Returns the source names, their specs and the corpus folder."""
    _check_download_limits(max_mb, max_files, examples)
    check_corpus_limits(max_docs, math.ceil(max_mb * 1_000_000) if max_mb else None, 1, val_fraction)
    names = [part.strip() for part in source.split(",") if part.strip()]
    if not names:
        raise UserError("give a source: a name from `python -m core sources`, or local with --path")
    folder = str(workspace.source_path(path)) if path else None  # server folders: only where allowed
    specs = [resolve_source(domain, part, folder) for part in names]
    if path and not any("path" in SOURCE_KINDS[spec.kind].options for spec in specs):
        readers = [name for name, spec in data_sources().get(domain, {}).items()
                   if "path" in SOURCE_KINDS[spec.kind].options]
        raise UserError(f"--path is read by no source given ({', '.join(names)}); "
                        f"the {domain} sources that read one: local, {', '.join(readers)}")
    paired = [part for part, spec in zip(names, specs, strict=True) if SOURCE_KINDS[spec.kind].has_pairs(spec)]
    pair_options = [flag for flag, given in (("--runnable-only", runnable_only), ("--examples", examples)) if given]
    if pair_options and not paired:
        raise UserError(f"{' and '.join(pair_options)} {'act' if len(pair_options) > 1 else 'acts'} on "
                        f"(request, command) pairs, and no source given "
                        f"({', '.join(names)}) has any; pair sources: {', '.join(pair_source_names())}")
    if paired and val_fraction < DEFAULT_VAL_FRACTION:
        raise UserError(f"val_fraction {val_fraction:g} would train on pairs of {', '.join(paired)} that the "
                        f"report holds out (it splits pair sources at {DEFAULT_VAL_FRACTION:g}); give "
                        f"{DEFAULT_VAL_FRACTION:g} or more")
    out_dir = workspace.corpus_dir(domain, name or "+".join(names))
    check_replaceable(out_dir, replace=replace, protected=(workspace.root,))
    return names, specs, out_dir


def download(workspace: Workspace, domain: str, source: str, *, name: str | None = None,
             path: str | None = None, max_docs: int | None = None, max_mb: float | None = None,
             max_files: int | None = None, val_fraction: float = DEFAULT_VAL_FRACTION, examples: int = 0,
             runnable_only: bool = False, replace: bool = False, on_progress: ProgressCallback | None = None,
             show_progress: bool = True) -> Manifest:
    """Fetch or harvest sources into `data/<domain>/<name>/` and return the manifest.

    `source` may name several sources joined by commas ("installed,curated"): their documents
    are chained into one corpus, de-duplicated together. `runnable_only` keeps only the pairs whose
    utility this machine can run (`runnable_records`); `examples` > 0 adds, for every pair, a
    retrieval-augmented copy (`with_examples`). An existing corpus of that name is replaced only
    with `replace`, and never by one read from its own folder."""
    names, specs, out_dir = check_download(workspace, domain, source, name=name, path=path, max_docs=max_docs,
                                           max_mb=max_mb, max_files=max_files, val_fraction=val_fraction,
                                           examples=examples, runnable_only=runnable_only, replace=replace)
    records = (record for spec in specs for record in source_records(spec, workspace, max_files))
    if runnable_only:
        records = runnable_records(records)
    documents = (with_examples(records, examples, val_fraction) if examples
                 else (document for document, _ in records))
    return build_corpus(
        documents, out_dir, domain=domain,
        source="; ".join(f"{n}: {s.path}" if s.path else n for n, s in zip(names, specs))
        + ("; only pairs whose utility runs here" if runnable_only else "")
        + (f"; each pair also with {examples} retrieved examples" if examples else ""),
        license="; ".join(dict.fromkeys(spec.license for spec in specs)),
        max_docs=max_docs, max_bytes=math.ceil(max_mb * 1_000_000) if max_mb else None,
        val_fraction=val_fraction, replace=replace,
        protected=(workspace.root, *(Path(spec.path) for spec in specs if spec.kind == "local")),
        on_progress=on_progress, show_progress=show_progress)
