"""`python -m core …`: every step of the pipeline, scriptable, with the same YAML configs as the app.

The original project's command names (download_language_data, download_code_data, train_language,
train_code, generate, test_bilingual) are kept as subcommands beside the general ones, so old
habits and scripts keep working. Every mistake — a `UserError`, a usage error, a file the system
refuses (permissions, a full disk) or text that is not UTF-8 — prints as one line and exits with
status 2, so a script or a person reads why at once and no traceback shows the program's insides.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import re
import shutil
import signal
import sys
import threading
import typing
from collections.abc import Callable, Sequence
from pathlib import Path

from core.config import CONFIG_DIR, TrainConfig, check_device, data_sources, model_presets
from core.errors import UserError
from core.jobslot import job_slot
from core.names import DOMAINS, PRECISIONS, QUICKSTART_RUNS
from core.workspace import PROJECT_ROOT, Workspace

if typing.TYPE_CHECKING:  # imported where used: most commands never need torch
    from core.answering import AnswerSettings
    from core.checkpoint import Checkpoint
    from core.generation import GenerationSettings
    from core.retrieval import RetrievalIndex

Handler = Callable[[argparse.Namespace, Workspace], None]
DEFAULT_SOURCE = "installed"  # what the download commands read without --source: offline, on any machine
SAMPLING_ONLY = ("template", "temperature", "top_k", "top_p", "stop")  # what --strategy's answers never read


# ----- data ------------------------------------------------------------------------------------
def _download(args: argparse.Namespace, workspace: Workspace) -> None:
    from core.data.sources import download

    manifest = download(workspace, args.domain, args.source or DEFAULT_SOURCE, name=args.name, path=args.path,
                        max_docs=args.max_docs, max_mb=args.max_mb, max_files=args.max_files,
                        val_fraction=args.val_fraction, examples=args.examples,
                        runnable_only=args.runnable_only, replace=args.replace)
    where = workspace.corpus_dir(args.domain, manifest.name)
    print(f"{args.domain}/{manifest.name}: {manifest.documents:,} documents, {manifest.bytes / 1e6:.2f} MB "
          f"(train {manifest.train.documents:,}, val {manifest.val.documents:,}; rejected "
          f"{sum(manifest.rejected.values()):,}) -> {where}")


def _source_named_by(args: argparse.Namespace, flag: str, source: str) -> None:
    """A shorthand flag for a source, checked against `--source`: both naming different sources
    is a contradiction, not a choice one of them should silently win."""
    if args.source not in (None, source):
        raise UserError(f"{flag} means --source {source}, but --source {args.source} was given too; choose one")
    args.source = source


def _download_language_data(args: argparse.Namespace, workspace: Workspace) -> None:
    if args.tinystories:
        _source_named_by(args, "--tinystories", "tinystories")
    args.domain = "english"
    _download(args, workspace)


def _download_code_data(args: argparse.Namespace, workspace: Workspace) -> None:
    if args.use_existing:
        _source_named_by(args, "--use-existing", "curated")
    args.domain = "code"
    _download(args, workspace)


def _sources(args: argparse.Namespace, workspace: Workspace) -> None:
    for domain, named in data_sources().items():
        print(f"{domain}:")
        for name, spec in named.items():
            print(f"  {name:15} {spec.kind:17} {spec.description} [{spec.license}]")
        print(f"  {'local':15} {'local':17} your own .txt/.jsonl/.parquet files (--path)")


def _tokenizer(args: argparse.Namespace, workspace: Workspace) -> None:
    from core.tokenizer import train_tokenizer

    corpora = [workspace.corpus_dir("english", name) for name in args.english]
    corpora += [workspace.corpus_dir("code", name) for name in args.code]
    for corpus in corpora:
        if not (corpus / "manifest.json").exists():
            raise UserError(f"no corpus at {corpus}; download it first")
    out = workspace.tokenizer_path(args.name)
    tokenizer = train_tokenizer(corpora, out, vocab_size=args.vocab_size, replace=args.replace)
    print(f"tokenizer {args.name}: {tokenizer.get_vocab_size():,} tokens -> {out}")


# ----- training --------------------------------------------------------------------------------
def _train(args: argparse.Namespace, workspace: Workspace) -> None:
    from core.runconfig import resolve_run_config
    from core.training import metrics_line, train

    if args.resume and args.overwrite:
        raise UserError("--resume goes on with a run and --overwrite replaces it; choose one")
    overrides = {field.name: getattr(args, field.name) for field in dataclasses.fields(TrainConfig)}
    config = resolve_run_config(workspace, overrides, config_file=args.config, resume=args.resume)
    stop = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        print("\nstopping after this step and saving last/ (Ctrl-C again to abort)", file=sys.stderr)
        stop.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    previous = signal.signal(signal.SIGINT, request_stop)
    try:
        result = train(config, workspace, resume=args.resume, overwrite=args.overwrite, stop=stop)
    finally:
        signal.signal(signal.SIGINT, previous)
    print(f"{config.run_name}: {result.status} at step {result.step}; {metrics_line(result.metrics)}")
    print(f"checkpoints: {result.run_dir / 'best'} and {result.run_dir / 'last'}")
    if stop.is_set():  # saved, but not what was asked: a `train && next` chain must not go on
        raise KeyboardInterrupt


def _for_stage(args: argparse.Namespace, stage: str) -> None:
    """A stage command's own stage: `--stage` naming another is a contradiction, not a choice."""
    if args.stage not in (None, stage):
        raise UserError(f"--stage {args.stage} contradicts this command, which trains stage {stage}; "
                        "leave --stage out, or use `train --stage`")
    args.stage = stage


def _train_language(args: argparse.Namespace, workspace: Workspace) -> None:
    _for_stage(args, "language")
    _train(args, workspace)


def _train_code(args: argparse.Namespace, workspace: Workspace) -> None:
    _for_stage(args, "code")
    if args.language_checkpoint and args.init_from and args.language_checkpoint != args.init_from:
        raise UserError("--language-checkpoint and --init-from name two parents; give one")
    if args.from_scratch and (args.language_checkpoint or args.init_from):
        raise UserError("--from-scratch trains without a parent; leave out --language-checkpoint/--init-from")
    args.init_from = args.language_checkpoint or args.init_from
    _train(args, workspace)


def _sizes(args: argparse.Namespace, workspace: Workspace) -> None:
    from core.model import GPT

    shapes = {name: dataclasses.replace(shape, vocab_size=args.vocab_size) for name, shape in model_presets().items()}
    for name, shape in shapes.items():  # all checked before the first is built
        shape.validate(f"size {name}")
    print(f"{'size':8} {'layers':>6} {'width':>6} {'heads':>5} {'context':>7} {'parameters':>13} "
          f"{'non-embedding':>14}")
    for name, shape in shapes.items():
        model = GPT(shape)
        print(f"{name:8} {shape.n_layer:>6} {shape.n_embd:>6} {shape.n_head:>5} {shape.context_length:>7} "
              f"{model.num_parameters():>13,} {model.num_parameters(include_embeddings=False):>14,}")


# ----- using checkpoints -----------------------------------------------------------------------
def _settings(args: argparse.Namespace) -> GenerationSettings:
    """The sampling options, checked with the prompt and the device before any checkpoint loads
    (with `--strategy` too: its answer options are drawn from them)."""
    from core.generation import GenerationSettings, render_prompt

    sampling = {name: getattr(args, name) for name in SAMPLING_ONLY if getattr(args, name) is not None}
    if args.strategy and sampling:
        flags = ", ".join("--" + name.replace("_", "-") for name in sampling)
        raise UserError(f"--strategy {args.strategy} answers with one command line and does not read {flags}; "
                        "leave them out, or leave out --strategy to sample freely")
    if args.as_typed and not args.strategy:
        raise UserError("--as-typed is for --strategy answers: free sampling always reads the prompt as typed")
    settings = GenerationSettings(max_new_tokens=args.max_new_tokens, seed=args.seed, **sampling)
    settings.validate()
    render_prompt(args.prompt, settings.template)
    check_device(args.device)
    if args.strategy:
        _answer_settings(args).validate()
    return settings


def _answer_settings(args: argparse.Namespace) -> AnswerSettings:
    from core.answering import MAX_ANSWER_TOKENS, AnswerSettings

    return AnswerSettings(strategy=args.strategy, seed=args.seed, either_case=not args.as_typed,
                          max_new_tokens=min(args.max_new_tokens, MAX_ANSWER_TOKENS))


def _answer(args: argparse.Namespace, checkpoint: Checkpoint, index: RetrievalIndex | None = None) -> str:
    """The request answered by `--strategy` (as the playground and the report answer it), from
    `index`'s similar requests where given, else from the pairs the checkpoint carries."""
    from core.answering import answer_request
    from core.data.bashdoc import request_prompt

    return request_prompt(args.prompt) + answer_request(checkpoint, args.prompt, _answer_settings(args),
                                                        index=index).command


def _checkpoint(workspace: Workspace, given: str) -> Path:
    """A checkpoint named on the command line, in the workspace; a workspace without the shipped
    demo's runs (`PCM_WORKSPACE` elsewhere, as the README sets it) gets the project's copy, said
    on stderr, so `--checkpoint checkpoints/bilingual/best` works before any training there."""
    from core.workspace import shipped_checkpoint

    path = workspace.path(given)
    shipped = None if path.exists() else shipped_checkpoint(given)
    if shipped is None:
        return path
    print(f"note: the workspace {workspace.root} has no {given}; using the shipped demo checkpoint {shipped}",
          file=sys.stderr)
    return shipped


def _generate(args: argparse.Namespace, workspace: Workspace) -> None:
    from core.checkpoint import load_checkpoint
    from core.device import pick_device
    from core.generation import encode_prompt, generate
    from core.quantize import with_precision

    settings = _settings(args)
    checkpoint = with_precision(load_checkpoint(_checkpoint(workspace, args.checkpoint), pick_device(args.device)),
                                args.precision)
    if args.strategy:
        print(_answer(args, checkpoint))
        return
    print(encode_prompt(checkpoint, args.prompt, settings.template)[0], end="", flush=True)  # refused: nothing shown
    result = generate(checkpoint, args.prompt, settings,
                      on_text=lambda piece: print(piece, end="", flush=True))
    print(f"\n[{result.new_tokens} tokens, stopped by {result.stopped_by}]", file=sys.stderr)


def _compare(args: argparse.Namespace, workspace: Workspace) -> None:
    from core.checkpoint import load_checkpoint
    from core.device import pick_device
    from core.generation import compare
    from core.quantize import with_precision
    from core.runs import shipped_checkpoints

    paths = [_checkpoint(workspace, c) for c in args.checkpoints] if args.checkpoints else [
        entry.path for entry in shipped_checkpoints()]
    if not paths:
        raise UserError("no checkpoints to compare: give --checkpoints (the shipped demo ones are missing)")
    settings = _settings(args)
    if args.strategy:
        from core.answering import READS_PAIRS
        from core.retrieval import first_carried_index

        index = first_carried_index(paths) if args.strategy in READS_PAIRS else None
        for path in paths:
            print(f"===== {path} ({args.strategy} answer)")
            print(_answer(args, with_precision(load_checkpoint(path, pick_device(args.device)), args.precision), index))
        return
    for result in compare(paths, args.prompt, settings, device=args.device, precision=args.precision):
        print(f"===== {result.checkpoint} ({result.new_tokens} tokens, {result.stopped_by})")
        print(result.text)


def _evaluate(args: argparse.Namespace, workspace: Workspace) -> None:
    from core.answering import AnswerSettings
    from core.data.sources import held_out_and_training, sample_pairs
    from core.pairs import read_pairs
    from core.report import (
        bilingual_report,
        check_report_inputs,
        check_report_target,
        report_files,
        report_markdown,
        write_report,
    )
    from core.retrieval import RetrievalIndex

    settings = AnswerSettings(max_new_tokens=48, seed=args.seed, either_case=not args.as_typed)
    for strategy in args.strategies:  # refuse a typo before minutes of evaluation
        dataclasses.replace(settings, strategy=strategy).validate()
    checkpoints = [_checkpoint(workspace, p) for p in args.checkpoints]
    check_report_inputs(workspace, checkpoints, args.english_corpus, args.code_corpus, args.samples)
    out = workspace.path(args.out)
    check_report_target(out, args.replace, protected=workspace.guarded)
    sources = list(dict.fromkeys(args.pairs_source + (["tldr"] if args.tldr else [])))
    paths = {"tldr": args.tldr} if args.tldr else {}
    pair_sets, training = held_out_and_training(workspace, sources, paths=paths, max_pairs=args.max_pairs)
    for path in args.pairs or []:
        pair_sets[Path(path).stem] = sample_pairs(read_pairs(path), args.max_pairs)
    if args.retrieval_sources or not sources:  # an index over other sources than the scored ones
        _, training = held_out_and_training(workspace, args.retrieval_sources or ["curated"], paths=paths)
    index = RetrievalIndex(training) if pair_sets else None
    outputs = report_files(out)[2]
    report = bilingual_report(checkpoints, workspace, english_corpus=args.english_corpus,
                              code_corpus=args.code_corpus, samples=args.samples, pair_sets=pair_sets,
                              strategies=args.strategies, answer_settings=settings, index=index,
                              outputs_dir=outputs, precision=args.precision)
    print(report_markdown(report))
    json_path, markdown_path = write_report(report, out)
    answers = f"; every answer in {outputs}" if pair_sets else ""  # no request was answered without pairs
    print(f"report written to {json_path} and {markdown_path}{answers}")


def _export(args: argparse.Namespace, workspace: Workspace) -> None:
    source, out = _checkpoint(workspace, args.checkpoint), workspace.path(args.out)
    if args.format == "onnx":
        from core.export.onnx import export_onnx

        if args.half:
            raise UserError("--half is for --format ours and hf; the ONNX graph is float32, which every "
                            "runtime's CPU kernels accept")
        export_onnx(source, out, replace=args.replace, protected=workspace.guarded)
        print(f"exported {args.checkpoint} -> {out / 'model.onnx'} (inputs and outputs in {out / 'model_io.json'})")
    elif args.format == "hf":
        from core.export.hf import export_hf

        export_hf(source, out, half=args.half, replace=args.replace, protected=workspace.guarded)
        print(f"exported {args.checkpoint} -> {out} (load it with transformers' "
              "AutoModelForCausalLM.from_pretrained and AutoTokenizer.from_pretrained)")
    else:
        from core.checkpoint import export_checkpoint

        export_checkpoint(source, out, half=args.half, replace=args.replace, protected=workspace.guarded)
        print(f"exported {args.checkpoint} -> {out} (load it with core.checkpoint.load_checkpoint)")


def _import_hf(args: argparse.Namespace, workspace: Workspace) -> None:
    from core.export.hf_import import import_hf

    result = import_hf(workspace.path(args.folder), workspace.path(args.out), replace=args.replace,
                       protected=workspace.guarded)
    shape = result.shape
    tokenizer = _register_tokenizer(workspace, result.path)
    print(f"imported {args.folder} -> {result.path} ({shape.n_layer} layers × {shape.n_embd}, {shape.n_head} "
          f"heads, context {shape.context_length}, {shape.vocab_size:,} tokens; its tokenizer: {tokenizer})")
    command = f"python -m core train_code --language-checkpoint {args.out} --tokenizer {tokenizer}"
    if result.preset:
        print(f"size {result.preset}; fine-tune it on bash with `{command}`")
    else:
        print(f"its shape matches no size in configs/models.yaml; to fine-tune it on bash, add a line "
              f"`NAME: {{n_layer: {shape.n_layer}, n_head: {shape.n_head}, n_embd: {shape.n_embd}, "
              f"context_length: {shape.context_length}}}` there and run `{command} --model NAME`")


def _register_tokenizer(workspace: Workspace, checkpoint: Path) -> str:
    """The checkpoint's tokenizer as one of the workspace's, named after its run (`imported-2` when
    another of that name exists), so stage 2 can name the tokenizer its parent was trained with."""
    source = checkpoint / "tokenizer.json"
    folder = next(part for part in reversed(checkpoint.parts) if part not in ("best", "last"))
    base = re.sub(r"[^A-Za-z0-9_.+-]+", "-", folder).strip(".-")[:90] or "imported"  # a valid tokenizer name
    for name in (base, *(f"{base}-{number}" for number in range(2, 100))):
        target = workspace.tokenizer_path(name)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            return name
        if target.read_bytes() == source.read_bytes():
            return name
    raise UserError(f"tokenizers {base} to {base}-99 all exist; copy {source} into tokenizers/NAME/ yourself")


def _recipe(args: argparse.Namespace, workspace: Workspace) -> None:
    from core.recipe import (
        check_ship_targets,
        check_shippable,
        export_and_report,
        load_recipe,
        prepare_data,
        run_recipe,
        ship,
        train_runs,
    )

    if args.workspace is None:  # never the project folder itself: the shipped runs live there
        workspace = Workspace.resolve(PROJECT_ROOT / "runs" / "recipe")
    recipe = load_recipe(args.config, {"code_steps": args.code_steps, "language_steps": args.language_steps,
                                       "model": args.model, "batch_size": args.batch_size,
                                       "english_source": args.english_source,
                                       "english_path": args.english_path, "seed": args.seed})
    if args.resume and args.only not in (None, "train"):
        raise UserError("--resume goes on with an interrupted recipe: alone, or with --train-only")
    if args.ship:
        if args.only in ("data", "train"):
            raise UserError(f"--ship takes the exported copies and the report, which --{args.only}-only does not "
                            "make; ship after `--evaluate-only --ship`, or run the whole recipe with --ship")
        check_shippable(recipe)  # the weights alone, before the data: the rest once it is built
        check_ship_targets(replace=args.replace)  # before the hour of training, not after it
    # Its own workspace's slot, shipping included: a ship beside a recipe still training would copy
    # a half-written run.
    with job_slot(workspace, "recipe", "the demo checkpoints' recipe"):
        if not args.ship_only:
            if args.only in ("data", "evaluate"):
                steps = {"data": prepare_data, "evaluate": export_and_report}[args.only](workspace, recipe)
            else:
                steps = (train_runs if args.only else run_recipe)(workspace, recipe, resume=args.resume,
                                                                  ship=args.ship)
            for line in steps:
                print(line, flush=True)
        if args.ship or args.ship_only:
            for path in ship(workspace, replace=args.replace):
                print(f"shipped {path}")
    print(f"figures: {workspace.root / 'recipe.json'}; report: {workspace.root / 'reports' / 'recipe.md'}")


def _quickstart(args: argparse.Namespace, workspace: Workspace) -> None:
    from core.quickstart import run_quickstart

    for line in run_quickstart(workspace, model=args.model, language_steps=args.language_steps,
                               code_steps=args.code_steps, overwrite=args.overwrite):
        print(line, flush=True)


# ----- parser ----------------------------------------------------------------------------------
def _add_download_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", help=f"a name from configs/datasets.yaml (see `sources`) or local "
                                         f"(default: {DEFAULT_SOURCE})")
    parser.add_argument("--path", help="file or folder for --source local (or a tldr checkout)")
    parser.add_argument("--name", help="corpus name (default: the source name)")
    parser.add_argument("--max-docs", type=int, help="stop after this many documents")
    parser.add_argument("--max-mb", type=float, help="stop after this many megabytes")
    parser.add_argument("--max-files", type=int, help="read at most this many files/pages")
    parser.add_argument("--val-fraction", type=float, default=0.05)
    parser.add_argument("--examples", type=int, default=0,
                        help="also train each pair with the commands of this many similar requests in its prompt")
    parser.add_argument("--runnable-only", action="store_true",
                        help="keep only the pairs whose utility is on this machine's PATH")
    parser.add_argument("--replace", action="store_true", help="replace an existing corpus of that name")


def _add_train_args(parser: argparse.ArgumentParser) -> None:
    """A flag for every TrainConfig field (`--learning-rate` for learning_rate), with its help: a
    new setting is a flag with no edit here. A flag not given leaves the YAML's value."""
    parser.add_argument("--config", help="stage YAML to start from (default: configs/<stage>.yaml)")
    types = typing.get_type_hints(TrainConfig)
    for field in dataclasses.fields(TrainConfig):
        flag, help_text = "--" + field.name.replace("_", "-"), field.metadata.get("help")
        kind = types[field.name]
        if kind is bool:
            parser.add_argument(flag, action="store_true", default=None, help=help_text)
        else:
            parser.add_argument(flag, type=next(t for t in (int, float, str) if t is kind or t in
                                                typing.get_args(kind)), help=help_text)
    parser.add_argument("--resume", action="store_true",
                        help="continue the run from its last/ with its saved config (--num-steps may extend it)")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing run")


def _add_precision_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--precision", choices=PRECISIONS, default="auto",
                        help="inference weights: int8 (2-3x faster on CPU, where auto picks it) or fp32 as trained")


def _add_as_typed_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-typed", action="store_true",
                        help="answer a request only as typed: by default one with a capitalised first word is "
                             "also read in lower case and the answer the model finds likelier is kept")


def _add_sampling_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--prompt", required=True)
    # The sampling options default to GenerationSettings' own, so an option given can be told apart.
    parser.add_argument("--template", choices=("bash", "raw"), help="bash (a request) or raw (any text)")
    parser.add_argument("--max-new-tokens", type=int, default=200)
    parser.add_argument("--temperature", type=float, help="sampling temperature; 0 is greedy")
    parser.add_argument("--top-k", type=int, help="sample among this many likeliest tokens; 0: all")
    parser.add_argument("--top-p", type=float, help="and among the fewest whose probability reaches this")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--stop", action="append", help="stop string (repeatable)")
    parser.add_argument("--strategy", help="answer the request with one command line instead of sampling: "
                                           "greedy, judge, rerank or retrieval (as the report scores answers)")
    _add_as_typed_arg(parser)
    parser.add_argument("--device", default="auto")
    _add_precision_arg(parser)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line like every other error (its subcommands too)."""

    def error(self, message: str) -> typing.NoReturn:
        _print_error(f"{message} (see {self.prog} --help)")
        self.exit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m core", description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", help="folder for data/, tokenizers/ and checkpoints/ "
                                            "(default: $PCM_WORKSPACE or the project folder)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, handler: Handler, help_text: str, job: str | None = None) -> argparse.ArgumentParser:
        """A subcommand; one with a `job` kind holds the workspace's job slot while it runs. A name
        with a hyphen also answers to its underscored spelling, as the other commands are spelt."""
        aliases = [name.replace("-", "_")] if "-" in name else []
        p = sub.add_parser(name, help=help_text, description=help_text, aliases=aliases)
        p.set_defaults(handler=handler, job=job)
        return p

    p = command("download", _download, "build a corpus from a named or local source", job="download")
    p.add_argument("--domain", choices=DOMAINS, required=True)
    _add_download_args(p)
    p = command("download_language_data", _download_language_data, "build the English corpus", job="download")
    _add_download_args(p)
    p.add_argument("--tinystories", action="store_true", help="same as --source tinystories")
    p = command("download_code_data", _download_code_data, "build the bash corpus", job="download")
    _add_download_args(p)
    p.add_argument("--use-existing", action="store_true", help="the shipped curated examples")
    command("sources", _sources, "list the named data sources")
    p = command("tokenizer", _tokenizer, "train the byte-level BPE on English + code corpora", job="tokenizer")
    p.add_argument("--english", nargs="+", default=["installed"], help="English corpus names")
    p.add_argument("--code", nargs="+", default=["installed"], help="code corpus names")
    p.add_argument("--vocab-size", type=int, default=8000)
    p.add_argument("--name", default="default")
    p.add_argument("--replace", action="store_true", help="replace an existing tokenizer of that name")
    p = command("train", _train, "train a stage from a YAML config", job="training")
    _add_train_args(p)
    p.set_defaults(language_checkpoint=None)
    p = command("train_language", _train_language, "stage 1: train on English", job="training")
    _add_train_args(p)
    p = command("train_code", _train_code, "stage 2: fine-tune a language checkpoint on bash", job="training")
    _add_train_args(p)
    p.add_argument("--language-checkpoint", help="the stage-1 checkpoint folder")
    p = command("sizes", _sizes, "print the true parameter count of every model size")
    p.add_argument("--vocab-size", type=int, default=8000)
    p = command("generate", _generate, "sample from a checkpoint, streaming to stdout")
    p.add_argument("--checkpoint", required=True)
    _add_sampling_args(p)
    p = command("compare", _compare, "one prompt and seed through several checkpoints")
    p.add_argument("--checkpoints", nargs="+", help="default: the shipped demo checkpoints")
    _add_sampling_args(p)
    for name, help_text in (("evaluate", "the bilingual report on any checkpoints (JSON + Markdown)"),
                            ("test_bilingual", "short report on English and bash ability")):
        p = command(name, _evaluate, help_text, job="evaluation")
        p.add_argument("--checkpoints", nargs="+",
                       default=["checkpoints/language/best", "checkpoints/bilingual/best"])
        p.add_argument("--english-corpus", help='English validation corpus (default: "installed" where '
                                                  'present; "" for none)')
        p.add_argument("--code-corpus", help='bash validation corpus (default: "installed" where present; '
                                               '"" for none)')
        p.add_argument("--samples", type=int, default=2, help="bash samples (seeds) per prompt")
        p.add_argument("--pairs", action="append", help='JSONL of {"nl": request, "cmd": reference command} '
                       "(repeatable; each file is a pair set of its own)")
        p.add_argument("--pairs-source", nargs="*", default=[],
                       help="pair sources whose held-out (validation-split) pairs are scored: "
                            "tldr, curated, man-examples, man-names, tiny-codes")
        p.add_argument("--tldr", help="tldr folder: same as --pairs-source tldr, read from this folder")
        p.add_argument("--retrieval-sources", nargs="*",
                       help="pair sources whose training side the retrieval baseline indexes "
                            "(default: the --pairs-source ones, else curated)")
        p.add_argument("--strategies", nargs="+", default=["greedy"],
                       help="decoding strategies to score: greedy (the plain answer), judge, rerank, retrieval")
        _add_as_typed_arg(p)
        p.add_argument("--max-pairs", type=int, default=200, help="at most this many pairs per set")
        p.add_argument("--seed", type=int, default=0, help="pairs: seed of sampled candidates")
        p.add_argument("--out", default="reports/report.json", help="report path (workspace-relative)")
        _add_precision_arg(p)
        p.add_argument("--replace", action="store_true", help="replace an existing report at --out")
    p = command("export", _export, "a checkpoint ready to share: ours (without trainer state), a "
                                    "transformers folder (hf) or an ONNX graph with its KV cache (onnx)")
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--format", choices=("ours", "hf", "onnx"), default="ours",
                   help="ours: our checkpoint folder; hf: GPT-2 for transformers' Auto classes; onnx: "
                        "a decoder-step graph with past/present key-values")
    p.add_argument("--half", action="store_true", help="store the weights in float16 (half the size)")
    p.add_argument("--replace", action="store_true", help="replace an existing folder at --out")
    p = command("import-hf", _import_hf, "a GPT-2-shaped transformers folder (tied head, gelu_new, "
                                         "LayerNorm eps 1e-5) as a checkpoint of ours")
    p.add_argument("folder", help="a local transformers folder (config.json, model.safetensors, tokenizer)")
    p.add_argument("--out", required=True, help="the checkpoint folder to write")
    p.add_argument("--replace", action="store_true", help="replace an existing folder at --out")
    p = command("recipe", _recipe, "train, evaluate and (with --ship) ship the demo checkpoints")
    p.add_argument("--config", default=str(CONFIG_DIR / "recipe.yaml"), help="the recipe's YAML")
    p.add_argument("--model", help="size preset (default: the recipe's)")
    p.add_argument("--language-steps", type=int)
    p.add_argument("--code-steps", type=int)
    p.add_argument("--batch-size", type=int, help="sequences per step in every run (default: the recipe's)")
    p.add_argument("--seed", type=int,
                   help="every run's seed, for its weights and batches (default: the training configs')")
    p.add_argument("--english-source", help="manuals (offline), tinystories (hub), installed (offline) or local; "
                   "several joined by commas")
    p.add_argument("--english-path", help="file or folder for --english-source local")
    p.add_argument("--ship", action="store_true", help="copy the results into the project's checkpoints/")
    p.add_argument("--ship-only", action="store_true", help="ship the last run's results without training")
    only = p.add_mutually_exclusive_group()
    only.add_argument("--data-only", dest="only", action="store_const", const="data",
                      help="build the corpora and the tokenizer, and stop (then --train-only, on a GPU machine say)")
    only.add_argument("--train-only", dest="only", action="store_const", const="train",
                      help="train the three runs on the corpora and tokenizer an earlier run built here")
    only.add_argument("--evaluate-only", dest="only", action="store_const", const="evaluate",
                      help="export and report the last run's checkpoints again, without training")
    p.add_argument("--resume", action="store_true",
                   help="go on with an interrupted recipe: keep the data and the runs it finished, continue "
                        "the run it was in from its last checkpoint")
    p.add_argument("--replace", action="store_true", help="with --ship: replace shipped checkpoints")
    p = command("quickstart", _quickstart,
                "offline path end to end: installed data → tokenizer → stage 1 → stage 2", job="quickstart")
    p.add_argument("--model", default="cpu", help="size preset (see `sizes`; default: %(default)s)")
    p.add_argument("--language-steps", type=int, default=600, help="stage-1 steps (default: %(default)s)")
    p.add_argument("--code-steps", type=int, default=400, help="stage-2 steps (default: %(default)s)")
    p.add_argument("--overwrite", action="store_true",
                   help=f"replace the runs it trains ({' and '.join(QUICKSTART_RUNS)}) and the data it built")
    return parser


def _print_error(message: str) -> None:
    """One line on stderr, whatever the message holds: newlines (YAML's, a library's) are folded and
    undecodable bytes of an argument are shown escaped instead of failing to print."""
    line = " ".join(message.split()).encode("utf-8", "backslashreplace").decode("utf-8")
    print(f"error: {line}", file=sys.stderr)


def _os_error(exc: OSError) -> str:
    """What the system refused and where: `Permission denied: /path`, `No space left on device: …`."""
    names = " -> ".join(str(name) for name in (exc.filename, exc.filename2) if name is not None)
    reason = exc.strerror or str(exc)
    return f"{reason}: {names}" if names else reason


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help (0), or a usage error already printed (2)
        return exc.code if isinstance(exc.code, int) else 2
    try:
        workspace = Workspace.resolve(args.workspace)
        with job_slot(workspace, args.job, f"python -m core {args.command}") if args.job else contextlib.nullcontext():
            args.handler(args, workspace)
    except UserError as exc:
        _print_error(str(exc))
        return 2
    except OSError as exc:  # a read-only or full disk, a folder that is a file: the user's to fix
        _print_error(_os_error(exc))
        return 2
    except UnicodeError as exc:
        _print_error(f"text that is not valid UTF-8: {exc}")
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0
