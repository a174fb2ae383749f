"""Export to a transformers folder: `AutoModelForCausalLM` and `AutoTokenizer` load it with no code
of ours, because the model *is* a GPT2LMHeadModel once its weights are renamed (core.export.gpt2).

    config.json, model.safetensors   GPT2LMHeadModel, written by transformers' own save_pretrained
    generation_config.json           stop and pad at <|endoftext|>, max_length = the context
    tokenizer.json                   our tokenizer, byte for byte (so import-hf gets the same
                                     fingerprint back and stage 2 accepts it)
    tokenizer_config.json            how AutoTokenizer wraps it: a fast tokenizer, special tokens
    README.md                        the model card (core.export.card)
    examples.jsonl.gz                the training pairs a stage-2 checkpoint carries (the judge's and
                                     retrieval's lookup), which import-hf carries back
"""
from __future__ import annotations

import shutil
from pathlib import Path

import torch
from tokenizers import Tokenizer

from core.atomic import check_replaceable, rebuilt
from core.checkpoint import EXAMPLES_FILE, load_checkpoint, read_info
from core.data.streaming import END_OF_TEXT
from core.errors import UserError
from core.export.card import model_card, run_record
from core.export.gpt2 import gpt2_config, to_gpt2
from core.export.quiet import quiet_transformers
from core.tokenizer import end_of_text_id


def export_hf(source: Path, destination: Path, half: bool = False, replace: bool = False,
              protected: tuple[Path, ...] = ()) -> Path:
    """Write `source` (a checkpoint folder) as a transformers folder at `destination`, atomically;
    an existing non-empty destination only with `replace`, never a `protected` one (nor the source)."""
    from transformers import GenerationConfig, GPT2LMHeadModel, PreTrainedTokenizerFast

    source, destination = Path(source), Path(destination)
    read_info(source)
    check_replaceable(destination, replace=replace, protected=(source, *protected))
    checkpoint = load_checkpoint(source)
    end_of_text = end_of_text_id(checkpoint.tokenizer)
    if end_of_text is None:
        raise UserError(f"checkpoint {source} has a tokenizer without {END_OF_TEXT}, which generation stops at")
    shape = checkpoint.model_config
    model = GPT2LMHeadModel(gpt2_config(shape, end_of_text))
    # strict: a tensor the table misses, or one GPT-2 has and we lack, fails here, not in a user's hands
    model.load_state_dict(to_gpt2(checkpoint.model.state_dict(), shape.n_layer), strict=True)
    model.generation_config = GenerationConfig(bos_token_id=end_of_text, eos_token_id=end_of_text,
                                               pad_token_id=end_of_text, max_length=shape.context_length)
    if half:
        model = model.to(torch.float16)
    # The wrapper adds a (no-op) post-processor to the object it is given: give it a copy.
    wrapper = PreTrainedTokenizerFast(tokenizer_object=Tokenizer.from_str(checkpoint.tokenizer.to_str()),
                                      bos_token=END_OF_TEXT, eos_token=END_OF_TEXT, unk_token=END_OF_TEXT,
                                      pad_token=END_OF_TEXT, model_max_length=shape.context_length)
    card = model_card(checkpoint.info, run_record(source), shape, checkpoint.model.num_parameters(), half)
    with rebuilt(destination) as tmp, quiet_transformers():
        model.save_pretrained(tmp)
        wrapper.save_pretrained(tmp)
        checkpoint.tokenizer.save(str(tmp / "tokenizer.json"))
        (tmp / "README.md").write_text(card, encoding="utf-8")
        # transformers writes the weights readable by their owner alone; share them as the rest is.
        shutil.copymode(tmp / "README.md", tmp / "model.safetensors")
        if (source / EXAMPLES_FILE).exists():  # the lookup's pairs: judge and retrieval after import-hf
            shutil.copy2(source / EXAMPLES_FILE, tmp / EXAMPLES_FILE)
    return destination
