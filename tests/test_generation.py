import pytest
from conftest import micro_config

from core.checkpoint import load_checkpoint
from core.errors import UserError
from core.generation import GenerationSettings, compare, generate, render_prompt
from core.training import train


@pytest.fixture
def checkpoint(workspace):
    train(micro_config(num_steps=20), workspace, show_progress=False)
    return load_checkpoint(workspace.run_dir("language") / "best")


def test_templates():
    assert render_prompt("list  all\nlarge files", "bash") == "#!/bin/bash\n# list all large files\n"
    assert render_prompt("Once upon", "raw") == "Once upon"
    with pytest.raises(UserError, match="template must be one of"):
        render_prompt("x", "python")


def test_streamed_pieces_add_up_to_the_completion(checkpoint):
    pieces = []
    result = generate(checkpoint, "count lines", GenerationSettings(max_new_tokens=40, seed=1),
                      on_text=pieces.append)
    assert "".join(pieces) == result.completion
    assert result.text.startswith("#!/bin/bash\n# count lines\n")
    assert result.new_tokens <= 40 and result.stopped_by in {"end_of_text", "stop_string", "max_new_tokens"}


def test_same_seed_same_text_and_stop_strings_cut(checkpoint):
    settings = GenerationSettings(max_new_tokens=30, seed=5, template="raw")
    first = generate(checkpoint, "Once upon a time", settings)
    assert first.completion == generate(checkpoint, "Once upon a time", settings).completion
    assert first.completion.strip(), "the model should say something"
    stop = first.completion.strip()[0]
    cut = generate(checkpoint, "Once upon a time",
                   GenerationSettings(max_new_tokens=30, seed=5, template="raw", stop=[stop]))
    assert stop not in cut.completion and cut.stopped_by == "stop_string"


def test_prompt_limits(checkpoint):
    with pytest.raises(UserError, match="this model reads at most 63"):
        generate(checkpoint, "word " * 200, GenerationSettings(template="raw"))
    with pytest.raises(UserError, match="characters; the limit is"):
        generate(checkpoint, "x" * 30_000)


def test_compare_runs_each_checkpoint_with_the_same_settings(checkpoint, workspace):
    results = compare([checkpoint, workspace.run_dir("language") / "last"], "backup a folder",
                      GenerationSettings(max_new_tokens=20, seed=2), device="cpu")
    assert len(results) == 2 and all(r.prompt_text == "#!/bin/bash\n# backup a folder\n" for r in results)
    with pytest.raises(UserError, match="at least one"):
        compare([], "x")


def test_compare_loads_paths_in_the_precision_asked(workspace, checkpoint):
    path = workspace.run_dir("language") / "best"
    greedy = GenerationSettings(max_new_tokens=12, temperature=0.0)
    for precision in ("auto", "fp32", "int8"):
        [result] = compare([path], "backup a folder", greedy, device="cpu", precision=precision)
        assert result.new_tokens > 0 or result.stopped_by == "end_of_text"
    with pytest.raises(UserError, match="precision must be one of"):  # refused before loading
        compare([workspace.root / "missing"], "x", greedy, device="cpu", precision="int4")


@pytest.mark.parametrize("options, message", [
    ({"max_new_tokens": -5}, "max_new_tokens must be between 1 and 4,096"),
    ({"max_new_tokens": 4097}, "max_new_tokens must be between 1 and 4,096"),
    ({"temperature": float("nan")}, "temperature must be between"),
    ({"temperature": float("inf")}, "temperature must be between"),
    ({"temperature": -1.0}, "temperature must be between"),
    ({"top_k": -3}, "top_k must be between 0 and"),
    ({"top_p": 0.0}, r"top_p must be in \(0, 1\]"),
    ({"top_p": float("nan")}, r"top_p must be in \(0, 1\]"),
    ({"seed": -1}, "seed must be between 0 and 4,294,967,295"),
    ({"seed": 2**64}, "seed must be between 0 and 4,294,967,295"),
    ({"template": "python"}, "template must be one of"),
])
def test_sampling_options_are_checked_before_any_checkpoint_is_loaded(options, message):
    with pytest.raises(UserError, match=message):
        compare(["/nowhere/checkpoint"], "list files", GenerationSettings(**options))


def test_a_prompt_that_is_not_utf8_is_refused_in_one_line(checkpoint):
    import os

    from core.answering import answer_request

    prompt = os.fsdecode(b"list \xff files")  # a command-line argument of undecodable bytes
    with pytest.raises(UserError, match="not valid UTF-8"):
        generate(checkpoint, prompt)
    with pytest.raises(UserError, match="not valid UTF-8"):
        answer_request(checkpoint, prompt)
