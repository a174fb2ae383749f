"""The whole offline path in one call, for newcomers and the app's Quick start button.

Data that is already on the machine (manual pages and Python help as English; as bash, the
(request, command) pairs of the manual pages' EXAMPLES and NAME lines, the project's curated
scripts, tldr pages when a folder or the network gives them, and the installed shell scripts;
of the pairs, only those whose utility this machine can run, as in the recipe) → tokenizer →
stage 1 → stage 2. Nothing else is downloaded, so it works on a fresh machine with no network.
Its runs have names of their own, so it never touches the shipped demo checkpoints.
Corpora and a tokenizer already in the workspace under its names are used as they are (a person who
downloaded them expects them kept); `overwrite` rebuilds them along with the runs.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator

from core.config import CONFIG_DIR, TrainConfig, load_train_config, model_preset
from core.data.corpus import Manifest
from core.data.sources import download
from core.errors import UserError
from core.names import QUICKSTART_RUNS
from core.runstore import RunObserver
from core.tokenizer import load_tokenizer, train_tokenizer
from core.training import metrics_line, train
from core.workspace import Workspace

ENGLISH_CORPUS, CODE_CORPUS, TOKENIZER = "installed", "installed", "default"
LANGUAGE_RUN, BILINGUAL_RUN = QUICKSTART_RUNS
OPTIONAL_CODE_SOURCES = ("tldr", "man-examples", "man-names")  # used where this machine has them
CODE_SOURCES = "curated,installed"


def code_sources(workspace: Workspace) -> tuple[str, str]:
    """The bash sources this machine has (tldr pages where a folder or the network gives them,
    manual pages where they are installed), and a line saying which optional ones were left out."""
    from core.data.sources import resolve_source, source_records

    found, missing = [], []
    for name in OPTIONAL_CODE_SOURCES:
        try:
            next(iter(source_records(resolve_source("code", name), workspace, max_files=1)), None)
            found.append(name)
        except UserError as exc:
            missing.append(f"{name} ({exc})")
    note = f"not available here: {'; '.join(missing)}" if missing else "tldr pages and manual pages found"
    return ",".join([*found, CODE_SOURCES]), note


def _tokenizer(workspace: Workspace, overwrite: bool, show_progress: bool) -> str:
    """Train the quick start's tokenizer, or keep the one already there; a line saying which."""
    path = workspace.tokenizer_path(TOKENIZER)
    if path.exists() and not overwrite:
        return f"{load_tokenizer(path).get_vocab_size():,} tokens (kept: {path})"
    tokenizer = train_tokenizer([workspace.corpus_dir("english", ENGLISH_CORPUS),
                                 workspace.corpus_dir("code", CODE_CORPUS)],
                                path, show_progress=show_progress, replace=overwrite)
    return f"{tokenizer.get_vocab_size():,} tokens"


def check_quickstart(workspace: Workspace, overwrite: bool) -> None:
    """Refuse up front (before any thread or download starts) to replace runs unasked."""
    taken = [run for run in (LANGUAGE_RUN, BILINGUAL_RUN) if (workspace.run_dir(run) / "run.json").exists()]
    if taken and not overwrite:
        raise UserError(f"runs {', '.join(taken)} already exist in {workspace.root}; replace them "
                        "explicitly (overwrite) or use another workspace")


def quickstart_configs(workspace: Workspace, model: str, language_steps: int,
                       code_steps: int) -> tuple[TrainConfig, TrainConfig]:
    """Both stages' configs, built (and so checked: the size, the step counts) before any data is
    read, so a mistyped value fails at once rather than after minutes of downloading."""
    model_preset(model)
    common = {"model": model, "english_corpus": ENGLISH_CORPUS, "code_corpus": CODE_CORPUS,
              "tokenizer": TOKENIZER}
    language = load_train_config(CONFIG_DIR / "language.yaml",
                                 {**common, "num_steps": language_steps, "run_name": LANGUAGE_RUN})
    bilingual = load_train_config(CONFIG_DIR / "code.yaml", {
        **common, "num_steps": code_steps, "init_from": str(workspace.run_dir(LANGUAGE_RUN) / "best"),
        "run_name": BILINGUAL_RUN})
    return language, bilingual


def _kept_corpus(workspace: Workspace, domain: str, overwrite: bool) -> Manifest | None:
    """The quick start's corpus of `domain` when one is there and is to be kept, else None."""
    folder = workspace.corpus_dir(domain, ENGLISH_CORPUS if domain == "english" else CODE_CORPUS)
    return Manifest.read(folder) if (folder / "manifest.json").exists() and not overwrite else None


def _summary(manifest: Manifest, kept: bool) -> str:
    figures = f"{manifest.documents:,} documents, {manifest.bytes / 1e6:.1f} MB"
    return f"{figures} (kept from before: {manifest.source})" if kept else figures


def run_quickstart(workspace: Workspace, model: str = "cpu", language_steps: int = 600,
                   code_steps: int = 400, max_english_docs: int = 4000, max_code_files: int = 4000,
                   stop: threading.Event | None = None, observer: RunObserver | None = None,
                   show_progress: bool = True, overwrite: bool = False) -> Iterator[str]:
    """Run each step in order, yielding a line as each finishes.

    Existing corpora and tokenizer of the quick start's names are kept; with `overwrite` they are
    rebuilt and the two runs replaced. Runs are checked before anything is touched, so a refused
    quick start changes nothing."""
    check_quickstart(workspace, overwrite)
    language, bilingual = quickstart_configs(workspace, model, language_steps, code_steps)
    kept = _kept_corpus(workspace, "english", overwrite)
    english = kept or download(workspace, "english", "installed", name=ENGLISH_CORPUS, max_docs=max_english_docs,
                               replace=overwrite, show_progress=show_progress)
    yield f"English corpus: {_summary(english, kept is not None)}"
    kept = _kept_corpus(workspace, "code", overwrite)
    if kept:
        yield f"bash corpus: {_summary(kept, True)}"
    else:
        sources, tldr_note = code_sources(workspace)
        yield tldr_note
        code = download(workspace, "code", sources, name=CODE_CORPUS, max_files=max_code_files,
                        runnable_only=True, replace=overwrite, show_progress=show_progress)
        yield f"bash corpus ({sources}): {_summary(code, False)}"
    yield f"tokenizer: {_tokenizer(workspace, overwrite, show_progress)}"
    result = train(language, workspace, overwrite=True, stop=stop, observer=observer,
                   show_progress=show_progress)
    yield f"stage 1 {result.status} at step {result.step}: {metrics_line(result.metrics)}"
    if result.status != "finished":
        return
    result = train(bilingual, workspace, overwrite=True, stop=stop, observer=observer,
                   show_progress=show_progress)
    yield f"stage 2 {result.status} at step {result.step}: {metrics_line(result.metrics)}"
