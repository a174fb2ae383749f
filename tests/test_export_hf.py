"""`export --format hf` and `import-hf`: transformers runs our model with no code of ours, and a
GPT-2 folder comes back as a checkpoint of ours — same logits, same tokens, same greedy text."""
import json
import shutil
from pathlib import Path

import pytest
import torch
from conftest import micro_config
from safetensors import safe_open

from core.checkpoint import load_checkpoint
from core.cli import main
from core.engine import Sampling, generate_ids
from core.training import train
from core.workspace import Workspace

TEXT = "#!/bin/bash\n# find large files and count lines in a file\nOnce upon a time, Tom had a kite."


@pytest.fixture(scope="module")
def trained(template_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A workspace with a micro checkpoint trained enough that its greedy choices are clear-cut."""
    root = tmp_path_factory.mktemp("export_hf") / "ws"
    shutil.copytree(template_workspace, root)
    train(micro_config(num_steps=40, eval_interval=40), Workspace.resolve(root), show_progress=False)
    return root, root / "checkpoints" / "language" / "best"


@pytest.fixture(scope="module")
def exported(trained: tuple[Path, Path]) -> Path:
    root, checkpoint = trained
    out = root.parent / "hf"
    assert main(["--workspace", str(root), "export", "--checkpoint", str(checkpoint), "--out", str(out),
                 "--format", "hf"]) == 0
    return out


def _token_batch(checkpoint) -> torch.Tensor:
    ids = checkpoint.tokenizer.encode(TEXT).ids[:32]
    return torch.tensor([ids, ids[::-1]])


def test_transformers_gives_our_logits(trained, exported):
    from transformers import AutoModelForCausalLM

    ours = load_checkpoint(trained[1])
    theirs = AutoModelForCausalLM.from_pretrained(exported).eval()
    tokens = _token_batch(ours)
    with torch.no_grad():
        difference = (theirs(tokens).logits - ours.model(tokens)[0]).abs().max().item()
    print(f"max |logit difference| transformers vs ours: {difference:.2e}")
    assert difference < 1e-4


def test_transformers_tokenizer_gives_our_ids(trained, exported):
    from transformers import AutoTokenizer

    ours = load_checkpoint(trained[1]).tokenizer
    theirs = AutoTokenizer.from_pretrained(exported)
    assert theirs(TEXT)["input_ids"] == ours.encode(TEXT).ids
    assert theirs.decode(theirs(TEXT)["input_ids"]) == TEXT
    assert theirs.eos_token == theirs.bos_token == "<|endoftext|>"
    assert theirs.eos_token_id == ours.token_to_id("<|endoftext|>")


def test_greedy_generate_matches_our_engine(trained, exported):
    from transformers import AutoModelForCausalLM

    ours = load_checkpoint(trained[1])
    theirs = AutoModelForCausalLM.from_pretrained(exported).eval()
    prompt = torch.tensor([ours.tokenizer.encode("Once upon a time, Lily had a").ids])
    ours_ids = [int(t) for t in generate_ids(ours.model, prompt, Sampling(max_new_tokens=24, temperature=0))]
    their_ids = theirs.generate(prompt, max_new_tokens=24, do_sample=False)[0, prompt.shape[1]:].tolist()
    end = ours.tokenizer.token_to_id("<|endoftext|>")
    if end in ours_ids:  # transformers stops at <|endoftext|>, our engine does not
        ours_ids = ours_ids[:ours_ids.index(end) + 1]
    assert their_ids == ours_ids and len(their_ids) > 3


def test_folder_describes_a_gpt2_and_its_recipe(trained, exported):
    config = json.loads((exported / "config.json").read_text())
    end = load_checkpoint(trained[1]).tokenizer.token_to_id("<|endoftext|>")
    assert config["model_type"] == "gpt2" and config["architectures"] == ["GPT2LMHeadModel"]
    assert (config["n_layer"], config["n_head"], config["n_embd"], config["n_positions"]) == (2, 2, 64, 64)
    assert config["activation_function"] == "gelu_new" and config["layer_norm_epsilon"] == 1e-5
    assert config["tie_word_embeddings"] is True and config["bos_token_id"] == config["eos_token_id"] == end
    generation = json.loads((exported / "generation_config.json").read_text())
    assert (generation["eos_token_id"], generation["pad_token_id"], generation["max_length"]) == (end, end, 64)
    card = (exported / "README.md").read_text()
    assert "from transformers import AutoModelForCausalLM, AutoTokenizer" in card
    assert "stage 1" in card and "- num_steps: 40" in card
    assert (exported / "tokenizer.json").read_bytes() == (trained[1] / "tokenizer.json").read_bytes()
    assert not (exported / "trainer_state.pt").exists()


def test_half_stores_float16_that_transformers_loads(trained, tmp_path):
    from transformers import AutoModelForCausalLM

    root, checkpoint = trained
    out = tmp_path / "half"
    assert main(["--workspace", str(root), "export", "--checkpoint", str(checkpoint), "--out", str(out),
                 "--format", "hf", "--half"]) == 0
    with safe_open(str(out / "model.safetensors"), framework="pt") as weights:
        assert {weights.get_slice(name).get_dtype() for name in weights.keys()} == {"F16"}
    ours = load_checkpoint(checkpoint)
    theirs = AutoModelForCausalLM.from_pretrained(out, dtype=torch.float32).eval()
    tokens = _token_batch(ours)
    with torch.no_grad():
        assert (theirs(tokens).logits - ours.model(tokens)[0]).abs().max().item() < 5e-2


def test_import_of_an_export_is_the_same_checkpoint(trained, exported, tmp_path, capsys):
    root, checkpoint = trained
    back = tmp_path / "back"
    assert main(["--workspace", str(root), "import-hf", str(exported), "--out", str(back)]) == 0
    assert "size micro" in capsys.readouterr().out
    original, imported = load_checkpoint(checkpoint), load_checkpoint(back)
    for name, tensor in original.model.state_dict().items():
        assert torch.equal(imported.model.state_dict()[name], tensor), name
    tokens = _token_batch(original)
    assert torch.equal(imported.model(tokens)[0], original.model(tokens)[0])
    # what stage 2 reads from its parent
    assert imported.info["tokenizer_fingerprint"] == original.info["tokenizer_fingerprint"]
    assert imported.info["train_config"]["model"] == "micro" and imported.info["stage"] == "language"


def test_stage_2_fine_tunes_an_imported_model(trained, exported, capsys):
    """What stage 2 reads from its parent (size preset, tokenizer fingerprint) survives the trip."""
    root, _ = trained
    assert main(["--workspace", str(root), "import-hf", str(exported), "--out", "imported"]) == 0
    assert main(["--workspace", str(root), "train_code", "--language-checkpoint", "imported", "--run-name",
                 "from-imported", "--num-steps", "2", "--eval-interval", "2", "--eval-batches", "1",
                 "--batch-size", "4", "--device", "cpu"]) == 0
    assert "from-imported: finished at step 2" in capsys.readouterr().out
    assert load_checkpoint(root / "checkpoints" / "from-imported" / "last").info["parent"] == str(root / "imported")


def test_the_command_import_hf_prints_fine_tunes_in_a_workspace_with_another_tokenizer(trained, exported, tmp_path,
                                                                                       capsys):
    """The imported model's tokenizer is registered in the workspace under its run's name, so the
    printed command runs where `default` is another tokenizer (which stage 2 must refuse)."""
    from core.tokenizer import train_tokenizer

    root = tmp_path / "ws"
    shutil.copytree(trained[0], root)
    workspace = Workspace.resolve(root)
    shutil.rmtree(workspace.tokenizer_path("default").parent)
    train_tokenizer([workspace.corpus_dir("code", "installed")], workspace.tokenizer_path("default"), vocab_size=300,
                    show_progress=False)
    capsys.readouterr()
    assert main(["--workspace", str(root), "import-hf", str(exported), "--out", "checkpoints/imported/best"]) == 0
    printed = capsys.readouterr().out
    command = printed.split("fine-tune it on bash with `python -m core ")[1].split("`")[0].split()
    assert command[-2:] == ["--tokenizer", "imported"]
    assert main(["--workspace", str(root), *command, "--run-name", "stage-2", "--num-steps", "2",
                 "--eval-interval", "2", "--eval-batches", "1", "--batch-size", "4", "--device", "cpu"]) == 0
    assert main(["--workspace", str(root), "import-hf", str(exported), "--out", "checkpoints/imported/best",
                 "--replace"]) == 0
    assert "its tokenizer: imported)" in capsys.readouterr().out  # the same one again: no second copy
    assert (root / "tokenizers" / "imported").exists() and not (root / "tokenizers" / "imported-2").exists()
    assert main(["--workspace", str(root), "import-hf", str(exported), "--out", "my export/best"]) == 0
    assert "its tokenizer: my-export)" in capsys.readouterr().out  # a folder name no tokenizer may have


def _foreign_gpt2(folder: Path, tokenizer_path: Path, **config_overrides) -> "torch.nn.Module":
    """A GPT2LMHeadModel made by transformers alone (random weights, a shape no preset has)."""
    from tokenizers import Tokenizer
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    end = tokenizer.token_to_id("<|endoftext|>")
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(vocab_size=tokenizer.get_vocab_size(), n_positions=24, n_embd=48,
                                       n_layer=3, n_head=4, bos_token_id=end, eos_token_id=end,
                                       **config_overrides)).eval()
    model.save_pretrained(folder)
    PreTrainedTokenizerFast(tokenizer_object=tokenizer, eos_token="<|endoftext|>").save_pretrained(folder)
    return model


def test_any_gpt2_of_our_shape_imports_with_its_logits(trained, tmp_path, capsys):
    root, checkpoint = trained
    theirs = _foreign_gpt2(tmp_path / "foreign", checkpoint / "tokenizer.json")
    assert main(["--workspace", str(root), "import-hf", str(tmp_path / "foreign"), "--out",
                 str(tmp_path / "imported")]) == 0
    out = capsys.readouterr().out
    assert "matches no size in configs/models.yaml" in out and "n_layer: 3, n_head: 4, n_embd: 48" in out
    ours = load_checkpoint(tmp_path / "imported")
    assert "train_config" not in ours.info  # no preset to name: the CLI said which to add
    tokens = torch.randint(0, ours.model_config.vocab_size, (2, 24), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        difference = (theirs(tokens).logits - ours.model(tokens)[0]).abs().max().item()
    print(f"max |logit difference| imported vs transformers: {difference:.2e}")
    assert difference < 1e-4


@pytest.mark.parametrize("overrides, message", [
    ({"activation_function": "relu"}, "activation_function is 'relu'"),
    ({"tie_word_embeddings": False}, "untied"),
    ({"layer_norm_epsilon": 1e-6}, "layer_norm_epsilon is 1e-06"),
    ({"n_inner": 100}, "n_inner is 100"),
])
def test_unrepresentable_models_are_refused_in_one_line(trained, tmp_path, capsys, overrides, message):
    root, checkpoint = trained
    _foreign_gpt2(tmp_path / "foreign", checkpoint / "tokenizer.json", **overrides)
    capsys.readouterr()  # transformers' own progress bar
    assert main(["--workspace", str(root), "import-hf", str(tmp_path / "foreign"), "--out",
                 str(tmp_path / "imported")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err
    assert not (tmp_path / "imported").exists()


def test_weights_without_a_bias_are_refused_in_one_line(trained, tmp_path, capsys):
    from safetensors.torch import load_file, save_file

    root, checkpoint = trained
    folder = tmp_path / "foreign"
    _foreign_gpt2(folder, checkpoint / "tokenizer.json")
    weights = load_file(str(folder / "model.safetensors"))
    del weights["transformer.h.1.mlp.c_fc.bias"]
    save_file(weights, str(folder / "model.safetensors"), metadata={"format": "pt"})
    capsys.readouterr()  # transformers' own progress bar
    assert main(["--workspace", str(root), "import-hf", str(folder), "--out", str(tmp_path / "imported")]) == 2
    err = capsys.readouterr().err
    assert "lack transformer.h.1.mlp.c_fc.bias" in err and err.count("\n") == 1, err


def test_nothing_is_overwritten_unasked(trained, exported, tmp_path, capsys):
    root, checkpoint = trained
    out = tmp_path / "occupied"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    for command in (["export", "--checkpoint", str(checkpoint), "--out", str(out), "--format", "hf"],
                    ["import-hf", str(exported), "--out", str(out)],
                    ["export", "--checkpoint", str(checkpoint), "--out", str(root), "--format", "hf", "--replace"],
                    ["import-hf", str(exported), "--out", str(exported), "--replace"]):
        assert main(["--workspace", str(root), *command]) == 2, command
        err = capsys.readouterr().err
        assert ("already exists and is not empty" in err or "refusing to write over" in err), err
        assert err.count("\n") == 1
    assert (out / "keep.txt").read_text() == "mine" and (exported / "config.json").exists()
    assert main(["--workspace", str(root), "export", "--checkpoint", str(checkpoint), "--out", str(out),
                 "--format", "hf", "--replace"]) == 0
    assert not (out / "keep.txt").exists() and (out / "model.safetensors").exists()


def test_the_training_pairs_travel_through_transformers_and_back(trained, tmp_path):
    """A stage-2 checkpoint's pairs are what the judge and retrieval answers read: an export to
    transformers carries them, and import-hf gives them back."""
    from core.data.bashdoc import Pair
    from core.retrieval import load_pairs, save_pairs

    root, checkpoint = trained
    carrying = tmp_path / "carrying"
    shutil.copytree(checkpoint, carrying)
    pairs = [Pair("list files", "ls -l"), Pair("show disk usage", "du -sh .")]
    save_pairs(carrying, pairs)
    out, back = tmp_path / "hf", tmp_path / "back"
    assert main(["--workspace", str(root), "export", "--checkpoint", str(carrying), "--out", str(out),
                 "--format", "hf"]) == 0
    assert load_pairs(out) == pairs
    assert (out / "model.safetensors").stat().st_mode == (out / "config.json").stat().st_mode  # not owner-only
    assert main(["--workspace", str(root), "import-hf", str(out), "--out", str(back)]) == 0
    assert load_pairs(back) == pairs


def test_a_folder_of_the_other_kind_is_named_for_what_it_is(trained, exported, tmp_path, capsys):
    root, checkpoint = trained
    base = ["--workspace", str(root)]
    assert main([*base, "generate", "--checkpoint", str(exported), "--prompt", "x"]) == 2
    assert "is a transformers folder ('gpt2'), not one of this project's checkpoints" in capsys.readouterr().err
    assert main([*base, "import-hf", str(checkpoint), "--out", str(tmp_path / "again")]) == 2
    assert "is already one of this project's checkpoints" in capsys.readouterr().err
    (tmp_path / "empty-file").touch()
    assert main([*base, "export", "--checkpoint", str(checkpoint), "--out", str(tmp_path / "empty-file")]) == 2
    assert f"{tmp_path / 'empty-file'} already exists; choose another target" in capsys.readouterr().err
