"""From a source's name to a corpus folder: the one function behind every download button.

Sources differ in where documents come from; everything after that (cleaning, de-duplication, the
split, the manifest) is `build_corpus`, shared by all of them.
"""
from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from pathlib import Path

from core.config import SourceSpec, data_sources
from core.data.corpus import Manifest, ProgressCallback, build_corpus
from core.errors import UserError
from core.workspace import PROJECT_ROOT, Workspace


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
    if path:
        spec = dataclasses.replace(spec, path=path)
    if spec.kind == "tldr" and spec.path and not Path(spec.path).is_absolute():
        spec = dataclasses.replace(spec, path=str(PROJECT_ROOT / spec.path))
    return spec


def iter_documents(spec: SourceSpec, max_files: int | None = None) -> Iterator[str]:
    """Documents of any source kind; `max_files` caps the files read where a source reads files."""
    if spec.kind in ("hub", "local"):
        from core.data.streaming import stream_documents
        return stream_documents(spec)
    if spec.kind == "installed_docs":
        from core.data.system import installed_english_docs
        return installed_english_docs(max_docs=max_files)
    if spec.kind == "installed_scripts":
        from core.data.system import installed_shell_scripts
        return installed_shell_scripts(max_files=max_files)
    if spec.kind == "tldr":
        from core.data.tldr import tldr_documents
        return tldr_documents(spec.path, max_pages=max_files)
    from core.data.curated import curated_scripts
    return iter(curated_scripts()[:max_files])


def download(workspace: Workspace, domain: str, source: str, *, name: str | None = None,
             path: str | None = None, max_docs: int | None = None, max_mb: float | None = None,
             max_files: int | None = None, val_fraction: float = 0.05,
             on_progress: ProgressCallback | None = None, show_progress: bool = True) -> Manifest:
    """Fetch or harvest sources into `data/<domain>/<name>/` and return the manifest.

    `source` may name several sources joined by commas ("installed,curated"): their documents
    are chained into one corpus, de-duplicated together."""
    names = [part.strip() for part in source.split(",") if part.strip()]
    specs = [resolve_source(domain, part, path) for part in names]
    out_dir = workspace.corpus_dir(domain, name or "+".join(names))
    documents = itertools.chain.from_iterable(iter_documents(spec, max_files) for spec in specs)
    return build_corpus(
        documents, out_dir, domain=domain,
        source="; ".join(f"{n}: {s.path}" if s.path else n for n, s in zip(names, specs)),
        license="; ".join(dict.fromkeys(spec.license for spec in specs)),
        max_docs=max_docs, max_bytes=int(max_mb * 1_000_000) if max_mb else None,
        val_fraction=val_fraction, on_progress=on_progress, show_progress=show_progress)
