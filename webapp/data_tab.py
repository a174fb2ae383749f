"""Data tab: build English and bash corpora from any source, inspect them, train the tokenizer."""
from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

import gradio as gr

from core.config import data_sources
from core.data.corpus import Manifest, ProgressCallback, read_documents
from core.data.sources import check_download, download
from core.errors import UserError
from core.hosting import DemoLimits
from core.jobs import job_manager
from core.markdown import fenced
from core.names import DOMAINS
from core.tokenizer import DEFAULT_VOCAB_SIZE, check_tokenizer, train_tokenizer
from core.workspace import Workspace
from webapp import inputs
from webapp.monitor import TICK_SECONDS, build_monitor
from webapp.notices import reason_line, warn
from webapp.refresh import TabRefresh, kept

SAMPLES = 3


def _corpus_choices(workspace: Workspace) -> list[str]:
    return [f"{domain}/{name}" for domain in DOMAINS for name in workspace.corpora(domain)]


def describe_corpus(workspace: Workspace, choice: str | None) -> tuple[dict, str]:
    """Manifest and a few sample documents of `domain/name`."""
    if not choice:
        return {}, "No corpus yet: download one above (the `installed` sources need no network)."
    domain, _, name = str(choice).partition("/")
    try:
        corpus = workspace.corpus_dir(domain, name)
        manifest = Manifest.read(corpus)
    except UserError as exc:
        return {}, reason_line("Failed", exc)
    samples = []
    for text in read_documents(corpus, "train"):
        samples.append(text[:800] + ("…" if len(text) > 800 else ""))
        if len(samples) == SAMPLES:
            break
    language = "bash" if domain == "code" else "text"
    shown = "\n\n".join("\n".join([f"**sample {i + 1}**", *fenced(s, language)]) for i, s in enumerate(samples))
    return dataclasses.asdict(manifest), shown


def every_few_seconds(log: Callable[[str], None], seconds: float = 2.0) -> ProgressCallback:
    """A download's progress as a console line now and then, rather than one per document."""
    last = [0.0]

    def report(done: int, total: int | None) -> None:
        if time.monotonic() - last[0] >= seconds:
            last[0] = time.monotonic()
            log(f"{done:,}{f' of {total:,}' if total else ''} documents")
    return report


def _source_section(workspace: Workspace, domain: str, default: str, corpus_list: gr.Dropdown,
                    manifest_view: gr.JSON, samples_view: gr.Markdown, limits: DemoLimits | None) -> gr.Button:
    """The source form of one domain; returns its build button (disabled while a job runs)."""
    names = [*data_sources()[domain], *(["local"] if workspace.local_roots or not workspace.confined else [])]
    if domain == "code":
        names[:0] = ["curated,installed", "tldr,man-examples,man-names,curated"]
    with gr.Row():
        source = gr.Dropdown(names, value=default, label="source",
                             info="see README: hub sources need network; the others do not")
        # A public demo reads no server folder, so it offers no field to name one.
        path = gr.Textbox(label="path (local files, or your tldr checkout)", placeholder="/path/to/folder",
                          visible=limits is None)
        name = gr.Textbox(label="corpus name", value="installed")
    with gr.Row():
        max_docs = gr.Number(label="max documents (0 = all)", value=0, precision=0, minimum=0)
        max_mb = gr.Number(label="max MB (0 = no limit)", value=0, minimum=0)
        max_files = gr.Number(label="max files / pages (0 = all)", value=4000 if domain == "code" else 0,
                              precision=0, minimum=0)
    with gr.Row():
        replace = gr.Checkbox(label="replace an existing corpus of this name", value=False)
        # Pair sources only: the recipe's stage 2 spends its passes on the utilities this machine has.
        runnable = gr.Checkbox(label="only the pairs whose utility is on this machine's PATH", value=False,
                               visible=domain == "code")
    button = gr.Button(f"Download / build {domain} corpus", variant="primary")
    outcome = gr.Markdown()

    manager = job_manager(workspace)

    def build(source_name: str, folder: str, corpus_name: str, docs: float, mb: float, files: float,
              replace_corpus: bool = False, runnable_only: bool = False) -> str:
        """Check the request at once, then build the corpus as the workspace's job (console below)."""
        try:
            size_mb = inputs.real_number(mb or 0, "max MB") or None
            source_text = inputs.text(source_name, "source", 200)
            options = {"name": inputs.text(corpus_name, "corpus name", 200).strip() or None,
                       "path": inputs.text(folder, "path", 1000).strip() or None,
                       "max_docs": inputs.whole_number(docs or 0, "max documents") or None,
                       "max_mb": limits.download_mb(size_mb) if limits else size_mb,
                       "max_files": inputs.whole_number(files or 0, "max files") or None,
                       "replace": replace_corpus is True, "runnable_only": runnable_only is True}
            *_, out_dir = check_download(workspace, domain, source_text, **options)

            def work(log: Callable[[str], None]) -> str:
                manifest = download(workspace, domain, source_text, **options, on_progress=every_few_seconds(log),
                                    show_progress=False)
                return (f"{domain}/{manifest.name}: {manifest.documents:,} documents, {manifest.bytes / 1e6:.2f} MB "
                        f"(train {manifest.train.documents:,} / val {manifest.val.documents:,})")

            manager.start_task("download", f"{domain} corpus {out_dir.name} from {source_text}", work)
        except UserError as exc:
            warn(exc)
            return reason_line("Not started", exc)
        return (f"**Building {domain}/{out_dir.name}** as this workspace's job: follow it in the console below; "
                "it joins the list of corpora when it is done.")

    button.click(build, [source, path, name, max_docs, max_mb, max_files, replace, runnable], outcome,
                 api_name=f"download_{domain}")
    return button


def build_data_tab(workspace: Workspace, limits: DemoLimits | None = None) -> TabRefresh:
    gr.Markdown("Build the corpora both stages read. Each is cleaned, de-duplicated and split "
                "train/val, with a manifest. **Offline?** Keep the `installed` sources.")
    first = (_corpus_choices(workspace) or [None])[0]
    first_manifest, first_samples = describe_corpus(workspace, first)
    corpus_list = gr.Dropdown(_corpus_choices(workspace), value=first, label="corpora in this workspace",
                              allow_custom_value=True, render=False)
    manifest_view = gr.JSON(first_manifest, label="manifest", render=False)
    samples_view = gr.Markdown(first_samples, render=False)
    with gr.Accordion("English", open=True):
        builders = [_source_section(workspace, "english", "installed", corpus_list, manifest_view, samples_view,
                                    limits)]
    with gr.Accordion("Bash", open=True):
        builders.append(_source_section(workspace, "code", "curated,installed", corpus_list, manifest_view,
                                        samples_view, limits))
    gr.Markdown("### Corpora")
    corpus_list.render()
    with gr.Row():
        manifest_view.render()
        samples_view.render()
    corpus_list.change(lambda c: describe_corpus(workspace, c), corpus_list, [manifest_view, samples_view],
                       api_name="describe_corpus")

    gr.Markdown("### Tokenizer\nByte-level BPE trained on English **and** bash together, so both stages "
                "share one vocabulary.")
    with gr.Row():
        english = gr.Dropdown(workspace.corpora("english"), multiselect=True, label="English corpora",
                              allow_custom_value=True, value=workspace.corpora("english")[:1])
        code = gr.Dropdown(workspace.corpora("code"), multiselect=True, label="bash corpora",
                           allow_custom_value=True, value=workspace.corpora("code")[:1])
        vocab = gr.Number(label="vocabulary size", value=DEFAULT_VOCAB_SIZE, precision=0, minimum=258)
        tokenizer_name = gr.Textbox(label="tokenizer name", value="default")
        replace_tokenizer = gr.Checkbox(label="replace an existing tokenizer of this name", value=False)
    tokenizer_button = gr.Button("Train tokenizer")
    tokenizer_result = gr.Markdown()

    manager = job_manager(workspace)

    def tokenizer(english_names: list[str], code_names: list[str], size: float, name: str,
                  replace_existing: bool = False) -> str:
        try:
            corpora = [workspace.corpus_dir("english", n) for n in inputs.names(english_names, "English corpora")]
            corpora += [workspace.corpus_dir("code", n) for n in inputs.names(code_names, "bash corpora")]
            if not corpora:
                return "**Choose at least one corpus** (build them above first)."
            out = workspace.tokenizer_path(inputs.text(name, "tokenizer name", 200) or "default")
            vocab_size = inputs.whole_number(size, "vocabulary size")
            check_tokenizer(corpora, out, vocab_size, replace_existing is True)

            def work(log: Callable[[str], None]) -> str:
                trained = train_tokenizer(corpora, out, vocab_size=vocab_size, replace=replace_existing is True,
                                          show_progress=False)
                return f"tokenizer {out.parent.name}: {trained.get_vocab_size():,} tokens from {len(corpora)} corpora"

            manager.start_task("tokenizer", f"tokenizer {out.parent.name}", work)
        except UserError as exc:
            warn(exc)
            return reason_line("Not started", exc)
        return f"**Training tokenizer {out.parent.name}** as this workspace's job: follow it in the console below."

    tokenizer_button.click(tokenizer, [english, code, vocab, tokenizer_name, replace_tokenizer], tokenizer_result,
                           api_name="train_tokenizer")

    def refresh(shown: str | None, english_names: list[str], code_names: list[str]):
        """The corpora read again; a choice still there is kept, an empty one gets the first."""
        corpora, english_corpora, code_corpora = (_corpus_choices(workspace), workspace.corpora("english"),
                                                  workspace.corpora("code"))
        return (gr.Dropdown(choices=corpora, value=(kept(shown, corpora) or corpora[:1] or [None])[0]),
                gr.Dropdown(choices=english_corpora, value=kept(english_names, english_corpora) or english_corpora[:1],
                            multiselect=True),
                gr.Dropdown(choices=code_corpora, value=kept(code_names, code_corpora) or code_corpora[:1],
                            multiselect=True))

    corpus_list.focus(refresh, [corpus_list, english, code], [corpus_list, english, code], api_visibility="private")

    known = gr.State(_corpus_choices(workspace))

    def when_built(listed: list[str], shown: str | None, english_names: list[str], code_names: list[str]):
        """The lists read again once a corpus appears or goes (a build ended), and left alone
        otherwise, so a list being chosen from is not redrawn under the pointer every tick."""
        corpora = _corpus_choices(workspace)
        if corpora == listed:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        return corpora, *refresh(shown, english_names, code_names)

    gr.Markdown("### Console\nCorpora and tokenizers are built as the workspace's one job, like training.")
    timer = gr.Timer(TICK_SECONDS)
    build_monitor(workspace, timer)
    timer.tick(when_built, [known, corpus_list, english, code], [known, corpus_list, english, code],
               show_progress="hidden", api_visibility="private")
    # One job at a time: while one runs, a build or tokenizer button would only be refused.
    timer.tick(lambda: [gr.Button(interactive=not manager.status().active)] * 3, None,
               [*builders, tokenizer_button], show_progress="hidden", api_visibility="private")
    return TabRefresh(refresh, [corpus_list, english, code], [corpus_list, english, code])
