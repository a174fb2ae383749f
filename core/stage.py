"""Stage set-up: what a run starts from — its folder, its network and tokenizer, its token data.

Kept apart from the training loop (core/training.py) because it is where a run's inputs are
checked: an occupied run folder, a stage-2 parent of another size or tokenizer, a missing corpus
are all refused here, before any step, with one line. With several processes (torchrun), rank 0
writes the folder and the token files while the others wait at a barrier.
"""
from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
from tokenizers import Tokenizer

from core.atomic import recover_dir
from core.checkpoint import Checkpoint, load_checkpoint, read_info
from core.config import ModelConfig, TrainConfig, model_preset
from core.data.bashdoc import Pair, parse_bash_document
from core.data.corpus import read_documents
from core.data.shards import TokenShard, tokenize_split
from core.device import pick_device
from core.distributed import Distributed
from core.errors import UserError
from core.model import GPT
from core.names import DOMAIN_OF_STAGE
from core.runstore import check_run_dir, refuse_shipped
from core.tokenizer import fingerprint, load_tokenizer
from core.workspace import Workspace

INIT_FROM_NEEDED = ("stage code needs init_from: the language checkpoint to fine-tune "
                    "(or from_scratch for a code-only baseline)")


@dataclass
class RunData:
    train: TokenShard
    replay: TokenShard | None
    val: dict[str, TokenShard]  # domain -> validation tokens
    # The (request, answer) pairs among the training documents: every checkpoint of the run
    # carries them, so the strategies that read similar known requests (judge, retrieval) work
    # wherever the checkpoint goes. Empty for English and for scripts without a request.
    pairs: list[Pair] = dataclasses.field(default_factory=list)


@dataclass
class Prepared:
    tokenizer: Tokenizer
    model: GPT
    parent: str | None  # the stage-2 parent checkpoint's path, if any
    data: RunData


def check_inputs(config: TrainConfig, workspace: Workspace) -> None:
    """Everything a new run will read exists, and its device is there: the app checks this before
    it says "Started", so a missing corpus or an absent GPU is one line at once rather than a job
    that fails a moment later. `StageSetup` refuses the same things again as it loads them."""
    pick_device(config.device)
    domain = DOMAIN_OF_STAGE[config.stage]
    corpora = {"english": config.english_corpus, "code": config.code_corpus}
    needed = [domain] + (["english"] if config.replay_fraction and domain != "english" else [])
    for name in needed:
        recover_dir(workspace.corpus_dir(name, corpora[name]))  # a build killed mid-swap left it beside its place
        _check_corpus(workspace, name, corpora[name])
    if config.stage == "code" and not config.from_scratch:
        if not config.init_from:
            raise UserError(INIT_FROM_NEEDED)
        read_info(workspace.path(config.init_from))
    elif not workspace.tokenizer_path(config.tokenizer).exists():
        load_tokenizer(workspace.tokenizer_path(config.tokenizer))  # its one line, where to get one


def _check_corpus(workspace: Workspace, domain: str, corpus: str) -> None:
    corpus_dir = workspace.corpus_dir(domain, corpus)
    if not (corpus_dir / "manifest.json").exists():
        raise UserError(f"{domain} corpus {corpus!r} not found at {corpus_dir}; "
                        f"download it first (`python -m core download --domain {domain}`)")


class StageSetup:
    """Prepares one run: checks and clears its folder, builds or loads the network, tokenizes."""

    def __init__(self, config: TrainConfig, workspace: Workspace, dist: Distributed, device: torch.device,
                 message: Callable[[str], None]):
        self.config, self.workspace, self.dist, self.device, self.message = config, workspace, dist, device, message
        self.run_dir = workspace.run_dir(config.run_name)

    def prepare(self, resume: bool, overwrite: bool) -> Prepared:
        refuse_shipped(self.run_dir)
        if resume:
            self._recover()
        clear = check_run_dir(self.run_dir, resume, overwrite)
        tokenizer, model, parent = self._build_model(resume)
        self._prepare_run_dir(clear)
        data = self._load_data(tokenizer, model.config.context_length)
        return Prepared(tokenizer=tokenizer, model=model, parent=parent, data=data)


    def _recover(self) -> None:
        """Put back a checkpoint a kill left mid-swap, and sweep what dead writers left behind."""
        if self.dist.is_main:
            for name in ("last", "best"):
                recover_dir(self.run_dir / name)
        self.dist.barrier()

    def _prepare_run_dir(self, clear: bool) -> None:
        """Clear an overwritten run only once the new one has loaded (its parent may live there)."""
        if self.dist.is_main:
            if clear:
                shutil.rmtree(self.run_dir)
            self.run_dir.mkdir(parents=True, exist_ok=True)
        self.dist.barrier()

    def _build_model(self, resume: bool) -> tuple[Tokenizer, GPT, str | None]:
        config = self.config
        if resume:
            ckpt = load_checkpoint(self.run_dir / "last", self.device)
            return ckpt.tokenizer, ckpt.model.train(), ckpt.info.get("parent")
        shape = model_preset(config.model)
        if config.stage == "code" and not config.from_scratch:
            if not config.init_from:
                raise UserError(INIT_FROM_NEEDED)
            parent = load_checkpoint(self.workspace.path(config.init_from), self.device)
            self._check_compatible(parent, shape)
            return parent.tokenizer, parent.model.train(), str(parent.path)
        tokenizer = load_tokenizer(self.workspace.tokenizer_path(config.tokenizer))
        shape = dataclasses.replace(shape, vocab_size=tokenizer.get_vocab_size())
        shape.validate(f"model size {config.model}")
        torch.manual_seed(config.seed)
        return tokenizer, GPT(shape).to(self.device), None

    def _check_compatible(self, parent: Checkpoint, shape: ModelConfig) -> None:
        """Stage 2 must continue the same network with the same tokens, or it learns nonsense."""
        wanted = dataclasses.replace(shape, vocab_size=parent.model_config.vocab_size,
                                     dropout=parent.model_config.dropout)
        if wanted != parent.model_config:
            raise UserError(
                f"model size {self.config.model!r} ({shape.n_layer} layers × {shape.n_embd}, context "
                f"{shape.context_length}) does not match the checkpoint {parent.path} "
                f"({parent.model_config.n_layer} layers × {parent.model_config.n_embd}, context "
                f"{parent.model_config.context_length}); use the size it was trained with")
        tokenizer_path = self.workspace.tokenizer_path(self.config.tokenizer)
        if tokenizer_path.exists():
            ours = fingerprint(load_tokenizer(tokenizer_path))
            if ours != parent.info.get("tokenizer_fingerprint"):
                raise UserError(
                    f"tokenizer {self.config.tokenizer!r} ({tokenizer_path}) differs from the one "
                    f"checkpoint {parent.path} was trained with; token ids would change meaning. Use the "
                    f"checkpoint's own: copy {parent.path / 'tokenizer.json'} to tokenizers/NAME/tokenizer.json "
                    "in the workspace and pass --tokenizer NAME")

    def _shard(self, tokenizer: Tokenizer, context: int, domain: str, corpus: str, split: str,
               required: bool) -> TokenShard | None:
        corpus_dir = self.workspace.corpus_dir(domain, corpus)
        if self.dist.is_main:  # one process puts back what a build killed mid-swap left; then all look
            recover_dir(corpus_dir)
        self.dist.barrier()
        if not (corpus_dir / "manifest.json").exists():
            if required:
                _check_corpus(self.workspace, domain, corpus)
            self.message(f"no {domain} corpus {corpus!r}: {domain} is not evaluated in this run")
            return None
        # With several processes, rank 0 writes the token file and the others then open it.
        if not self.dist.is_main:
            self.dist.barrier()
        shard = tokenize_split(corpus_dir, tokenizer, split)
        if self.dist.is_main:
            self.dist.barrier()
        shard.check_fits(context, f"{domain}/{corpus} {split} split")
        return shard

    def _load_data(self, tokenizer: Tokenizer, context: int) -> RunData:
        config = self.config
        corpora = {"english": config.english_corpus, "code": config.code_corpus}
        domain = DOMAIN_OF_STAGE[config.stage]
        train = self._shard(tokenizer, context, domain, corpora[domain], "train", required=True)
        replay = (self._shard(tokenizer, context, "english", config.english_corpus, "train", required=True)
                  if config.replay_fraction else None)
        val = {}
        for name, corpus in corpora.items():
            shard = self._shard(tokenizer, context, name, corpus, "val", required=name == domain)
            if shard is not None:
                val[name] = shard
        pairs = corpus_pairs(self.workspace.corpus_dir(domain, corpora[domain])) if domain == "code" else []
        return RunData(train=train, replay=replay, val=val, pairs=pairs)


def corpus_pairs(corpus_dir: Path) -> list[Pair]:
    """The distinct (request, answer) pairs of a corpus's training documents; a document trained
    with similar requests' commands shown gives the same pair as its plain twin."""
    parsed = (parse_bash_document(text) for text in read_documents(corpus_dir, "train"))
    return list(dict.fromkeys(pair for pair in parsed if pair is not None))
