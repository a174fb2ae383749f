"""The recipe behind the shipped demo checkpoints: every step from data to report, reproducible.

`python -m core recipe` builds the English corpus and the bash corpus from the pair sources a user
can get (tldr when a folder or network is there, this machine's manual pages, the curated
scripts), trains one tokenizer, stage 1 (language), stage 2 (bilingual) and the code-only baseline
with the same size, steps and tokenizer, exports the two demo checkpoints in float16 and evaluates
those exported copies — so the figures are the shipped models' own — against the retrieval
baseline, on the held-out pairs of every pair source and on a dev set written in other styles.
`--ship` then copies them into the project's `checkpoints/` with the report and run records.
Every step's time and figures go to `recipe.json` in the workspace as they happen.
"""
from __future__ import annotations

import dataclasses
import json
import os
import shutil
import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.atomic import rebuilt, write_text
from core.config import (
    CONFIG_DIR,
    TrainConfig,
    check_range,
    check_seed,
    from_dict,
    load_train_config,
    model_preset,
    read_yaml,
)
from core.errors import UserError
from core.names import SHIPPED_RUNS
from core.workspace import PROJECT_ROOT, Workspace

RECIPE_PATH = CONFIG_DIR / "recipe.yaml"
RUNS = {"language": "language", "bilingual": "bilingual", "code_only": "code-only"}

ENGLISH_CORPUS, CODE_CORPUS, TOKENIZER = "recipe-english", "recipe-pairs", "recipe"
SHIP_BUDGET = 30_000_000  # bytes the shipped checkpoints may take together: issue 8 says 30 MB
# What `ship` copies besides the weights, tokenizers and training pairs, allowed for before training:
# configs, weight headers, the report, recipe.json and the model card (0.075 MB for the shipped pair),
# and the two shipped runs' metrics, which grow with their steps (0.069 MB for its 5,600: 12.3 a step).
RECORD_BYTES, RECORD_BYTES_PER_STEP = 120_000, 16


@dataclass
class Recipe:
    """A recipe's fields, with no defaults of their own: every value is `configs/recipe.yaml`'s unless
    a recipe file (or an override) changes it, so each lever's chosen value has one place."""

    model: str
    english_source: str
    english_path: str | None
    english_max_docs: int
    code_sources: list[str]
    runnable_only: bool
    language_steps: int
    code_steps: int
    batch_size: int | None  # sequences per step in every run; None: the training default
    code_learning_rate: float
    request_loss_weight: float
    command_loss_weight: float
    replay_fraction: float
    retrieval_examples: int
    request_sets: dict[str, str]  # held-out requests in other styles: table name -> project-relative JSONL
    max_pairs: int
    strategies: list[str]
    seed: int | None  # every run's seed (weights, batches); None: the training default

    def validate(self, where: str) -> None:
        for name in ("english_max_docs", "language_steps", "code_steps", "max_pairs"):
            if getattr(self, name) < 1:
                raise UserError(f"{where}: {name} must be at least 1, got {getattr(self, name)}")
        for name in ("language_steps", "code_steps"):
            check_range(name, getattr(self, name), 1, TrainConfig.LIMITS["num_steps"][1], where)
        if self.batch_size is not None:
            check_range("batch_size", self.batch_size, *TrainConfig.LIMITS["batch_size"], where)
        model_preset(self.model)
        if self.seed is not None:
            check_seed(self.seed, where)
        if not self.code_sources:
            raise UserError(f"{where}: code_sources needs at least one pair source")
        for name, path in self.request_sets.items():
            file = (PROJECT_ROOT / path).resolve()
            if not file.is_relative_to(PROJECT_ROOT) or not file.is_file():
                raise UserError(f"{where}: request set {name!r} must be a JSONL file in the project, got {path!r}")


def load_recipe(path: str | Path = RECIPE_PATH, overrides: dict[str, Any] | None = None) -> Recipe:
    data = _recipe_values(Path(path))
    merged = {**data, **{k: v for k, v in (overrides or {}).items() if v is not None}}
    return from_dict(Recipe, merged, str(path))


def _recipe_values(path: Path, named: tuple[Path, ...] = ()) -> dict[str, Any]:
    """A recipe file's values over those of the recipe it names as its `base` (a file beside it;
    `configs/recipe.yaml` where it names none), so a variant (`configs/recipe-gpu.yaml`) states only
    what it changes and every value it shares has one place."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise UserError(f"{path} must be a mapping of recipe fields")
    named = (*named, path.resolve())
    if "base" in data:
        base_path = (path.parent / str(data.pop("base"))).resolve()
    elif path.resolve() != RECIPE_PATH.resolve():
        base_path = RECIPE_PATH.resolve()  # a recipe file that names no base changes the shipped recipe
    else:
        return data
    if base_path in named:
        raise UserError(f"{path}: its base {base_path.name} is a recipe based on it in turn")
    return {**_recipe_values(base_path, named), **data}


# What only the report reads: `--evaluate-only` may score other sets than the training run did.
EVALUATION_FIELDS = ("request_sets", "max_pairs", "strategies")


# What decides the corpora and the tokenizer: `--train-only` trains on those an earlier run built.
DATA_FIELDS = ("english_source", "english_path", "english_max_docs", "code_sources", "runnable_only",
               "retrieval_examples")
# The steps that built them: the only ones a new training keeps in the record.
ENGLISH_STEP, CODE_STEP, TOKENIZER_STEP = DATA_STEPS = ("english corpus", "bash corpus", "tokenizer")


def _data_part(recipe: dict[str, Any]) -> dict[str, Any]:
    return {key: recipe.get(key) for key in DATA_FIELDS}


def _training_part(recipe: dict[str, Any]) -> dict[str, Any]:
    """The fields that decide what was trained; an unset one (None) reads as absent, so a record
    written before a field existed still matches the recipe that leaves it unset."""
    return {key: value for key, value in recipe.items() if key not in EVALUATION_FIELDS and value is not None}


class _Log:
    """recipe.json: the recipe, and each step's seconds and figures as soon as it ends."""

    def __init__(self, workspace: Workspace, recipe: Recipe, resume: bool = False, data_only: bool = False):
        """`resume` keeps the steps an earlier run of the same training recipe recorded; with
        `data_only`, an earlier run that built the same corpora is enough (its steps after the data
        are forgotten as soon as a run is trained anew: `keep_only`)."""
        self.path = _record_path(workspace)
        self.record: dict[str, Any] = {"recipe": dataclasses.asdict(recipe), "steps": {},
                                       "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        if resume:
            earlier = json.loads(self.path.read_text(encoding="utf-8")) if self.path.exists() else {}
            part = _data_part if data_only else _training_part
            if part(earlier.get("recipe") or {}) != part(self.record["recipe"]):
                raise UserError(f"{self.path} records another recipe (or none); run the whole recipe"
                                + (" or its --data-only step first" if data_only else ""))
            self.record = {**earlier, "recipe": self.record["recipe"]}

    def keep_only(self, names: Collection[str]) -> None:
        """Forget every other step: a run trained anew makes the runs and report after it stale."""
        self.record["steps"] = {name: step for name, step in self.record["steps"].items() if name in names}

    def step(self, name: str, began: float, **figures: Any) -> str:
        seconds = round(time.perf_counter() - began, 1)
        self.record["steps"][name] = {"seconds": seconds, **figures}
        # The sum of the latest run of each step: a report run again replaces the old one's time.
        self.record["total_seconds"] = round(sum(step["seconds"] for step in self.record["steps"].values()), 1)
        write_text(self.path, json.dumps(self.record, indent=2, default=str))  # whole or absent, killed or not
        shown = ", ".join(f"{k} {v}" for k, v in figures.items() if not isinstance(v, (dict, list)))
        return f"{name}: {seconds:.0f} s" + (f" ({shown})" if shown else "")


def _train(workspace: Workspace, config: TrainConfig, resume: bool) -> dict[str, Any]:
    from core.training import train

    result = train(config, workspace, resume=resume, overwrite=not resume)
    return {"status": result.status, "step": result.step, **result.metrics}


def _earlier_run(workspace: Workspace, config: TrainConfig) -> dict[str, Any] | None:
    """The record of an earlier run of this very config that `--resume` can keep (it finished) or
    continue (it left a last checkpoint; its `step` is then that checkpoint's); None when it must
    be trained anew."""
    from core.checkpoint import WEIGHTS, read_info
    from core.runstore import RUN_FILE, read_run
    from core.tokenizer import fingerprint, load_tokenizer

    folder = workspace.run_dir(config.run_name)
    if not (folder / RUN_FILE).exists():
        return None
    record = read_run(folder)
    if record.get("config") != json.loads(json.dumps(dataclasses.asdict(config))):  # as run.json spells it
        return None  # another size, budget or seed: what it holds is not this recipe's run
    checkpoint = folder / ("best" if record.get("status") == "finished" else "last")
    if not (checkpoint / WEIGHTS).exists():
        return None
    tokenizer = workspace.tokenizer_path(TOKENIZER)
    if not tokenizer.exists() or read_info(checkpoint).get("tokenizer_fingerprint") != fingerprint(
            load_tokenizer(tokenizer)):
        return None  # trained on corpora an earlier --data-only built: the names match, the data not
    if record.get("status") == "finished":
        return record
    return {**record, "step": read_info(checkpoint).get("step", 0)}


def _ship_dir(workspace: Workspace) -> Path:
    return workspace.root / "ship" / "checkpoints"


def _record_path(workspace: Workspace) -> Path:
    return workspace.root / "recipe.json"


def _report_files(workspace: Workspace) -> tuple[Path, Path, Path]:
    """The recipe report's JSON, its Markdown and the folder of its answers (`report_files`)."""
    from core.report import report_files

    return report_files(workspace.root / "reports" / "recipe.json")


def run_recipe(workspace: Workspace, recipe: Recipe, resume: bool = False, ship: bool = False) -> Iterator[str]:
    """Run every step, yielding one line as each ends; the figures land in recipe.json. With
    `resume`, the data an earlier run of the same corpora built is kept and its training goes on
    (`train_runs`); with `ship`, training begins only if `ship` could take its results."""
    log = _Log(workspace, recipe, resume=resume and _record_path(workspace).exists(), data_only=True)
    if resume and set(DATA_STEPS) <= log.record["steps"].keys() and workspace.tokenizer_path(TOKENIZER).exists():
        yield "corpora and tokenizer: built earlier, kept"
    else:
        yield from prepare_data(workspace, recipe, log)
    yield from train_runs(workspace, recipe, log, resume=resume, ship=ship)
    yield from export_and_report(workspace, recipe, log)


def prepare_data(workspace: Workspace, recipe: Recipe, log: _Log | None = None) -> Iterator[str]:
    """The corpora and the tokenizer (alone: `--data-only`, where the sources are: this machine's
    manual pages and PATH decide what the bash corpus holds, so a GPU machine can train on them)."""
    from core.data.sources import download
    from core.tokenizer import train_tokenizer

    log = log or _Log(workspace, recipe)
    began = time.perf_counter()
    english = download(workspace, "english", recipe.english_source, name=ENGLISH_CORPUS,
                       path=recipe.english_path, max_docs=recipe.english_max_docs, replace=True)
    yield log.step(ENGLISH_STEP, began, documents=english.documents, bytes=english.bytes)
    began = time.perf_counter()
    code = download(workspace, "code", ",".join(recipe.code_sources), name=CODE_CORPUS,
                    examples=recipe.retrieval_examples, runnable_only=recipe.runnable_only, replace=True)
    yield log.step(CODE_STEP, began, documents=code.documents, bytes=code.bytes)
    began = time.perf_counter()
    tokenizer = train_tokenizer([workspace.corpus_dir("english", ENGLISH_CORPUS),
                                 workspace.corpus_dir("code", CODE_CORPUS)], workspace.tokenizer_path(TOKENIZER),
                                replace=True)
    yield log.step(TOKENIZER_STEP, began, vocabulary=tokenizer.get_vocab_size())


def run_configs(recipe: Recipe) -> dict[str, TrainConfig]:
    """The three runs at equal budget, in the order they train (bilingual reads language's best)."""
    common = {"model": recipe.model, "english_corpus": ENGLISH_CORPUS, "code_corpus": CODE_CORPUS,
              "tokenizer": TOKENIZER, **{name: getattr(recipe, name) for name in ("batch_size", "seed")
                                         if getattr(recipe, name) is not None}}
    stage2 = {**common, "num_steps": recipe.code_steps, "learning_rate": recipe.code_learning_rate,
              "request_loss_weight": recipe.request_loss_weight,
              "command_loss_weight": recipe.command_loss_weight, "eval_interval": 200}
    runs = {"language": ("language", {**common, "run_name": RUNS["language"], "num_steps": recipe.language_steps}),
            "bilingual": ("code", {**stage2, "run_name": RUNS["bilingual"], "replay_fraction": recipe.replay_fraction,
                                   "init_from": f"checkpoints/{RUNS['language']}/best"}),
            "code_only": ("code", {**stage2, "run_name": RUNS["code_only"], "from_scratch": True,
                                   "replay_fraction": 0.0})}  # the baseline sees no English at all
    return {key: load_train_config(CONFIG_DIR / f"{stage}.yaml", overrides) for key, (stage, overrides) in runs.items()}


def train_runs(workspace: Workspace, recipe: Recipe, log: _Log | None = None, resume: bool = False,
               ship: bool = False) -> Iterator[str]:
    """The three runs at equal budget (alone: `--train-only`, on the corpora and tokenizer an
    earlier run built here, whatever its size and steps). With `resume`, an interrupted recipe goes
    on where it stopped: the runs it finished are kept and the one it was in continues from its last
    checkpoint, so a host lost an hour in loses one evaluation interval, not the hour. With `ship`,
    what the data adds to the shipped copies is counted first (`check_shippable`)."""
    if log is None:
        log = _Log(workspace, recipe, resume=True, data_only=True)
        if not workspace.tokenizer_path(TOKENIZER).exists():
            raise UserError(f"{workspace.root} has no recipe tokenizer; run `recipe --data-only` there first")
    if ship:
        check_shippable(recipe, workspace)
    kept: list[str] = []
    trained_anew = False  # once a run is trained here, the runs after it are too (bilingual reads language's best)
    for key, config in run_configs(recipe).items():
        name = f"train {RUNS[key]}"
        earlier = _earlier_run(workspace, config) if resume and not trained_anew else None
        if earlier and earlier["status"] == "finished":
            if name not in log.record["steps"]:  # recorded by another recipe: noted from its run record
                log.step(name, time.perf_counter() - earlier.get("elapsed", 0.0), status="finished",
                         step=earlier["step"], **(earlier.get("final") or {}))  # its seconds: its loop's
            kept.append(name)
            yield f"{name}: finished earlier, kept (step {earlier['step']})"
            continue
        if not trained_anew:
            log.keep_only([*DATA_STEPS, *kept])
        trained_anew, began = True, time.perf_counter()
        # A continued run's seconds are this part's; `resumed_at` says where it went on from.
        yield log.step(name, began, **_train(workspace, config, resume=earlier is not None),
                       **({"resumed_at": earlier["step"]} if earlier else {}))


def export_and_report(workspace: Workspace, recipe: Recipe, log: _Log | None = None) -> Iterator[str]:
    """The last two steps: the float16 copies, and the report on them (alone: `--evaluate-only`)."""
    from core.checkpoint import export_checkpoint
    from core.data.sources import held_out_and_training
    from core.retrieval import save_pairs

    log = log or _Log(workspace, recipe, resume=True)
    for key, config in run_configs(recipe).items():  # a crashed, stale or foreign run is not reported
        earlier = _earlier_run(workspace, config)
        if earlier is None or earlier.get("status") != "finished":
            raise UserError(f"run {RUNS[key]} in {workspace.root} is not a finished run of this recipe on its data; "
                            "train it first (`recipe --train-only`, or `--resume` to go on)")
    began = time.perf_counter()
    held_out, training = held_out_and_training(workspace, recipe.code_sources)
    for name in SHIPPED_RUNS:
        export_checkpoint(workspace.run_dir(name) / "best", _ship_dir(workspace) / name / "best", half=True,
                          replace=True)
    # Every training pair of the sources, not only those stage 2 kept: the index the report scores
    # judge and retrieval with, so the playground answers as the report measured.
    save_pairs(_ship_dir(workspace) / "bilingual" / "best", training)
    yield log.step("export float16", began)
    began = time.perf_counter()
    report = _evaluate(workspace, recipe, held_out, training)
    yield log.step("report", began, pairs=report["pairs"], pair_sets=report["pair_sets"])


def evaluation_sets(recipe: Recipe, held_out: dict[str, list]) -> dict[str, list]:
    """The pair sets the recipe's report scores, at most `max_pairs` each: every source's held-out
    pairs, tldr's runnable part where stage 2 trained on runnable pairs only, and the request sets
    in other styles (benchmarks/compare_checkpoints.py scores other checkpoints on the same)."""
    from core.data.sources import sample_pairs
    from core.pairs import read_pairs

    pair_sets = {name: sample_pairs(pairs, recipe.max_pairs) for name, pairs in held_out.items()}
    if recipe.runnable_only and "tldr" in held_out:  # where stage 2 put its passes
        from core.commands import runnable_pairs
        pair_sets["tldr (runnable here)"] = sample_pairs(runnable_pairs(held_out["tldr"]), recipe.max_pairs)
    for name, path in recipe.request_sets.items():
        pair_sets[name] = sample_pairs(read_pairs(PROJECT_ROOT / path), recipe.max_pairs)
    return pair_sets


def _evaluate(workspace: Workspace, recipe: Recipe, held_out: dict[str, list], training: list) -> dict[str, Any]:
    """The report of the shipped copies and the code-only baseline, beside retrieval over `training`,
    on at most `max_pairs` pairs of each set (a held-out source's, each request set)."""
    from core.answering import AnswerSettings
    from core.report import bilingual_report, write_report
    from core.retrieval import RetrievalIndex

    pair_sets = evaluation_sets(recipe, held_out)
    index = RetrievalIndex(training)
    report_json, _, outputs = _report_files(workspace)
    ship = _ship_dir(workspace)
    checkpoints = [ship / "language" / "best", workspace.run_dir(RUNS["code_only"]) / "best",
                   ship / "bilingual" / "best"]
    report = bilingual_report(checkpoints, workspace, ENGLISH_CORPUS, CODE_CORPUS, samples=4,
                              pair_sets=pair_sets, strategies=recipe.strategies,
                              answer_settings=AnswerSettings(
                                  max_new_tokens=48, neighbours=recipe.retrieval_examples or AnswerSettings.neighbours),
                              index=index,
                              outputs_dir=outputs)
    write_report(report, report_json)
    return report


def _portable_report(text: str, workspace: Workspace, in_json: bool) -> str:
    """The report as it reads beside the shipped copies: its checkpoints named where they now are
    (`checkpoints/bilingual/best`) or by the workspace the model card names (`WORKSPACE/...`,
    the code-only baseline, which is not shipped), rather than by the training machine's paths."""
    def spell(folder: Path) -> str:  # as the text writes a path inside it (a sibling `ws2` is not in `ws`)
        inside = f"{folder}{os.sep}"
        return json.dumps(inside)[1:-1] if in_json else inside

    text = text.replace(spell(_ship_dir(workspace)), "checkpoints/")
    return text.replace(spell(workspace.root), "WORKSPACE/")


def check_shippable(recipe: Recipe, workspace: Workspace | None = None) -> None:
    """Refuse, before an hour of training, a recipe whose copies `ship` would refuse at the end.
    Before the data is built only the float16 weights are known; once it is (`workspace` holds the
    recipe's tokenizer), so are the tokenizers and training pairs the copies carry (2 MB for the
    shipped pair): a size that fits by its weights alone may not fit with them."""
    parts = _shipped_parts(recipe, workspace)
    size = sum(parts.values())
    if size > SHIP_BUDGET:
        spelt = ", ".join(f"{name} {part / 1e6:.1f}" for name, part in parts.items())
        raise UserError(f"--ship: the shipped copies of model {recipe.model!r} would take {size / 1e6:.1f} MB "
                        f"({spelt}), past the {SHIP_BUDGET / 1e6:.0f} MB the shipped pair may take; "
                        "train it without --ship, or a smaller size")


def _half_weights(model_name: str, vocab_size: int) -> int:
    """Bytes of the shipped runs' float16 weights at this size and vocabulary."""
    import torch

    from core.model import GPT

    with torch.device("meta"):  # the shape alone: no memory, no initialisation
        model = GPT(dataclasses.replace(model_preset(model_name), vocab_size=vocab_size))
    return 2 * model.num_parameters() * len(SHIPPED_RUNS)


def _shipped_parts(recipe: Recipe, workspace: Workspace | None) -> dict[str, int]:
    """Bytes `ship` will copy, by what decides them, as far as they are known before training."""
    import tempfile

    from core.data.sources import held_out_and_training
    from core.retrieval import save_pairs
    from core.tokenizer import DEFAULT_VOCAB_SIZE, load_tokenizer

    if workspace is None or not workspace.tokenizer_path(TOKENIZER).exists():  # no data yet: the weights alone
        return {"weights": _half_weights(recipe.model, DEFAULT_VOCAB_SIZE)}
    tokenizer = workspace.tokenizer_path(TOKENIZER)
    parts = {"weights": _half_weights(recipe.model, load_tokenizer(tokenizer).get_vocab_size()),
             "tokenizers": tokenizer.stat().st_size * len(SHIPPED_RUNS)}
    with tempfile.TemporaryDirectory() as scratch:  # written as the export writes them, to be measured
        parts["training pairs"] = save_pairs(Path(scratch), held_out_and_training(
            workspace, recipe.code_sources)[1]).stat().st_size
    parts["records"] = RECORD_BYTES + RECORD_BYTES_PER_STEP * (recipe.language_steps + recipe.code_steps)
    return parts


def check_ship_targets(destination: Path = PROJECT_ROOT, replace: bool = False) -> None:
    """The shipped runs are replaced only when asked: checked before an hour of training too."""
    taken = [target for target in (destination / "checkpoints" / name for name in SHIPPED_RUNS) if target.exists()]
    if taken and not replace:
        raise UserError(f"{', '.join(map(str, taken))} exist; replace them explicitly (--replace)")


def ship(workspace: Workspace, destination: Path = PROJECT_ROOT, replace: bool = False) -> list[Path]:
    """Copy the exported checkpoints, their run records and the report into `destination`'s
    `checkpoints/`; parents and the report's checkpoints are rewritten as project-relative paths so
    the copies point at each other wherever the project lives. Existing runs of those names are
    replaced only when asked. Everything is checked before anything is replaced — each file there,
    each exported copy the one of its run's best checkpoint (an export of an earlier training
    beside this one's records would describe other weights) — and each folder is swapped in whole."""
    from core.checkpoint import read_info
    from core.runstore import read_run

    sources = [_ship_dir(workspace) / name / "best" for name in SHIPPED_RUNS]
    for source in sources:
        if not (source / "model.safetensors").exists():
            raise UserError(f"nothing to ship at {source}: run the recipe first")
    for name, source in zip(SHIPPED_RUNS, sources, strict=True):
        record = read_run(workspace.run_dir(name))
        if record.get("status") != "finished" or read_info(source) != read_info(workspace.run_dir(name) / "best"):
            raise UserError(f"{source} is not the export of run {name}'s finished best checkpoint; "
                            "run `recipe --evaluate-only` first")
    report_json, report_markdown, _ = _report_files(workspace)
    records = [workspace.run_dir(name) / record for name in SHIPPED_RUNS for record in ("run.json", "metrics.jsonl")]
    records += [report_json, report_markdown, _record_path(workspace)]
    missing = [file for file in records if not file.is_file()]
    if missing:
        raise UserError(f"nothing was shipped: {', '.join(map(str, missing))} missing; run the recipe first")
    # Everything `checkpoints/` will hold, as tests/test_shipped.py counts it: the weights, the run
    # records, the report and the model card that stays.
    files = [*(file for source in sources for file in source.iterdir()), *records,
             destination / "checkpoints" / "README.md"]
    size = sum(file.stat().st_size for file in files if file.is_file())
    if size > SHIP_BUDGET:
        raise UserError(f"the checkpoints to ship take {size / 1e6:.1f} MB with their records and report, past the "
                        f"{SHIP_BUDGET / 1e6:.0f} MB the shipped pair may take (every version stays in the git "
                        "history); ship a smaller size")
    check_ship_targets(destination, replace)
    shipped = []
    for name, source in zip(SHIPPED_RUNS, sources, strict=True):
        target = destination / "checkpoints" / name
        with rebuilt(target) as folder:  # swapped in whole: a failure leaves the old run as it was
            shutil.copytree(source, folder / "best")
            run = json.loads((workspace.run_dir(name) / "run.json").read_text(encoding="utf-8"))
            info = json.loads((folder / "best" / "config.json").read_text(encoding="utf-8"))
            for record in (run, info):
                if record.get("parent"):
                    record["parent"] = f"checkpoints/{next(iter(SHIPPED_RUNS))}/best"
            (folder / "run.json").write_text(json.dumps(run, indent=2), encoding="utf-8")
            (folder / "best" / "config.json").write_text(json.dumps(info, indent=2), encoding="utf-8")
            shutil.copy2(workspace.run_dir(name) / "metrics.jsonl", folder / "metrics.jsonl")
        shipped.append(target)
    for source, suffix in ((report_json, ".json"), (report_markdown, ".md")):
        write_text(destination / "checkpoints" / f"report{suffix}",
                   _portable_report(source.read_text(encoding="utf-8"), workspace, in_json=suffix == ".json"))
    write_text(destination / "checkpoints" / "recipe.json", _record_path(workspace).read_text(encoding="utf-8"))
    return shipped
