"""The whole offline path in one call, for newcomers and the app's Quick start button.

Data that is already on the machine (manual pages and Python help as English; as bash, the
(request, command) pairs of the manual pages' EXAMPLES and NAME lines, the project's curated
scripts, tldr pages when a folder or the network gives them, and the installed shell scripts)
→ tokenizer → stage 1 → stage 2. Nothing else is downloaded, so it works on a fresh machine with
no network. Its runs have names of their own, so it never touches the shipped demo checkpoints.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator

from core.config import CONFIG_DIR, load_train_config
from core.data.sources import download
from core.errors import UserError
from core.tokenizer import train_tokenizer
from core.training import EventCallback, train
from core.workspace import Workspace

ENGLISH_CORPUS, CODE_CORPUS, TOKENIZER = "installed", "installed", "default"
LANGUAGE_RUN, BILINGUAL_RUN = "quickstart-language", "quickstart-bilingual"
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


def check_quickstart(workspace: Workspace, overwrite: bool) -> None:
    """Refuse up front (before any thread or download starts) to replace runs unasked."""
    taken = [run for run in (LANGUAGE_RUN, BILINGUAL_RUN) if (workspace.run_dir(run) / "run.json").exists()]
    if taken and not overwrite:
        raise UserError(f"runs {', '.join(taken)} already exist in {workspace.root}; replace them "
                        "explicitly (overwrite) or use another workspace")


def run_quickstart(workspace: Workspace, model: str = "cpu", language_steps: int = 600,
                   code_steps: int = 400, max_english_docs: int = 4000, max_code_files: int = 4000,
                   stop: threading.Event | None = None, on_event: EventCallback | None = None,
                   show_progress: bool = True, overwrite: bool = False) -> Iterator[str]:
    """Run each step in order, yielding a line as each finishes.

    The corpora and tokenizer are rebuilt; the two runs are replaced only with `overwrite`, and
    that is checked before anything is touched, so a refused quick start changes nothing."""
    check_quickstart(workspace, overwrite)
    english = download(workspace, "english", "installed", name=ENGLISH_CORPUS,
                       max_docs=max_english_docs, show_progress=show_progress)
    yield f"English corpus: {english.documents:,} documents, {english.bytes / 1e6:.1f} MB"
    sources, tldr_note = code_sources(workspace)
    yield tldr_note
    code = download(workspace, "code", sources, name=CODE_CORPUS, max_files=max_code_files,
                    show_progress=show_progress)
    yield f"bash corpus ({sources}): {code.documents:,} documents, {code.bytes / 1e6:.1f} MB"
    tokenizer = train_tokenizer([workspace.corpus_dir("english", ENGLISH_CORPUS),
                                 workspace.corpus_dir("code", CODE_CORPUS)],
                                workspace.tokenizer_path(TOKENIZER), show_progress=show_progress)
    yield f"tokenizer: {tokenizer.get_vocab_size():,} tokens"
    common = {"model": model, "english_corpus": ENGLISH_CORPUS, "code_corpus": CODE_CORPUS,
              "tokenizer": TOKENIZER}
    language = load_train_config(CONFIG_DIR / "language.yaml",
                                 {**common, "num_steps": language_steps, "run_name": LANGUAGE_RUN})
    result = train(language, workspace, overwrite=True, stop=stop, on_event=on_event,
                   show_progress=show_progress)
    yield f"stage 1 {result.status} at step {result.step}: {result.metrics}"
    if result.status != "finished":
        return
    bilingual = load_train_config(CONFIG_DIR / "code.yaml", {
        **common, "num_steps": code_steps, "init_from": str(result.run_dir / "best"),
        "run_name": BILINGUAL_RUN})
    result = train(bilingual, workspace, overwrite=True, stop=stop, on_event=on_event,
                   show_progress=show_progress)
    yield f"stage 2 {result.status} at step {result.step}: {result.metrics}"
