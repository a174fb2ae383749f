"""The app driven through its API with gradio_client, as a script or another program would."""
import time

import pytest
import torch
from gradio_client import Client
from web_app import micro_fields, running_app

from webapp.training_tab import FIELD_ORDER


@pytest.fixture(scope="module")
def app(template_workspace, tmp_path_factory):
    with running_app(template_workspace, tmp_path_factory.mktemp("web") / "ws") as served:
        yield served


@pytest.fixture(scope="module")
def client(app):
    return Client(app[0], verbose=False)


def wait_for(client, predicate, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        status = client.predict(api_name="/job_status")
        if predicate(status):
            return status
        time.sleep(0.5)
    raise AssertionError(f"job did not reach the expected state: {status}")


def trained(client, workspace, run_name: str, fields: list) -> str:
    """The run's best/ checkpoint, trained through the API unless an earlier test left it."""
    if not (workspace.run_dir(run_name) / "best").exists():
        assert "Started" in client.predict(*fields, False, api_name="/start_training")
        assert wait_for(client, lambda s: s["state"] in ("finished", "failed"))["state"] == "finished"
    return str(workspace.run_dir(run_name) / "best")


@pytest.fixture(scope="module")
def pair(client, app):
    """A language-only and a bilingual micro checkpoint, so each test that needs them runs alone too."""
    workspace = app[1]
    language = trained(client, workspace, "web-language", micro_fields("web-language", 30))
    bilingual = trained(client, workspace, "web-code", micro_fields(
        "web-code", 20, stage="code", init_from="checkpoints/web-language/best", model="micro"))
    return language, bilingual


def test_stage_one_job_runs_to_the_end_and_feeds_the_chart(client):
    message = client.predict(*micro_fields("web-first", 30), False, api_name="/start_training")
    assert "Started" in message
    second = client.predict(*micro_fields("web-other", 30), False, api_name="/start_training")
    assert "already running" in second  # one job at a time, whoever asks
    status = wait_for(client, lambda s: s["state"] in ("finished", "failed"))
    assert status["state"] == "finished", status
    assert status["step"] == 30 and status["run_name"] == "web-first"
    metrics = client.predict("web-first", api_name="/run_metrics")
    evals = [m for m in metrics if "val_loss" in m]
    assert [m["step"] for m in evals] == [0, 10, 20, 30]
    assert evals[-1]["val_loss_english"] < evals[0]["val_loss_english"]
    assert all("val_loss_code" in m for m in evals)


def test_stop_ends_a_running_job_with_a_checkpoint(client, app):
    client.predict(*micro_fields("web-stop", 100_000), False, api_name="/start_training")
    wait_for(client, lambda s: s["step"] >= 10)
    assert "Stopping" in client.predict(api_name="/stop_job")
    started = time.time()
    status = wait_for(client, lambda s: s["state"] in ("stopped", "failed"), timeout=30)
    assert status["state"] == "stopped" and time.time() - started < 15
    workspace = app[1]
    assert (workspace.run_dir("web-stop") / "last" / "model.safetensors").exists()
    assert "Nothing to stop" in client.predict(api_name="/stop_job")
    from webapp.training_tab import resume_changes

    # Stopped short, it resumes to its own steps, whatever the form's steps field holds (after a reload:
    # the stage's default); only a run that trained all its steps is extended by it.
    assert resume_changes(workspace, "web-stop", 200_000) == {"run_name": "web-stop"}


def test_stage_two_from_the_app_takes_its_parents_size(client, app, pair):
    fields = micro_fields("web-parent-size", 5, stage="code", init_from="checkpoints/web-language/best", model="")
    assert "(stage code, micro, 5 steps)" in client.predict(*fields, False, api_name="/start_training")
    assert wait_for(client, lambda s: s["state"] in ("finished", "failed"))["state"] == "finished"


def test_playground_compares_two_checkpoints(client, pair):
    language, bilingual = pair
    result = client.predict("list all large files", "bash script", "free text (sampled, streamed)", 32, 0.8, 50,
                            0.95, 0, True, language, bilingual, None, api_name="/compare")
    first, second, third, check_first, check_second, _ = result
    assert first.startswith("#!/bin/bash\n# list all large files\n")
    assert second.startswith("#!/bin/bash\n# list all large files\n") and third == ""
    assert "bash -n" in check_first and "bash -n" in check_second
    answered = client.predict("list all large files", "bash script", "answer (best of 8 samples, reranked)", 32,
                              0.8, 50, 0.95, 0, True, language, bilingual, "checkpoints/nowhere/best",
                              api_name="/compare")
    # the prompt and one answer line at most (a micro model's answer may be empty)
    assert answered[1].startswith("#!/bin/bash\n# list all large files") and answered[1].rstrip("\n").count("\n") <= 2
    # a micro model's samples may all be dropped (none a known command): then it says the greedy line stands
    assert ("candidates the model weighed" in answered[4] or "so the greedy line stands" in answered[4]) \
        and answered[2].startswith("error: checkpoint not found")
    # a run trained in the app carries its training pairs, so it is judged too, and the
    # language-only column (which carries none) is judged on the same proposals
    judged = client.predict("list all the text files", "bash script",
                            "answer (similar known requests propose the command, the model judges)", 32, 0.8, 50,
                            0.95, 0, True, language, bilingual, None, api_name="/compare")
    assert all(text.startswith("#!/bin/bash\n# list all the text files\n") for text in judged[:2])
    assert all("utilities the model judged" in note and "(proposed, " in note for note in judged[3:5])
    rows = client.predict(api_name="/list_runs")
    assert {"web-language", "web-code"} <= {row[0] for row in rows[0]["data"]}
    # A request refused before any checkpoint reads it is refused in every column, as an empty one is,
    # so none keeps the previous request's answer.
    for request in ("x" * 5000, ""):
        refused = client.predict(request, "bash script", "answer (greedy)", 32, 0.8, 50, 0.95,
                                 0, True, language, bilingual, None, api_name="/compare")
        assert all(text.startswith("error: ") for text in refused[:2]) and not any(refused[3:]), refused


def test_report_tab_evaluates_checkpoints(client, pair):
    paths = list(pair)
    table, pairs, comparisons, _, measured = client.predict(paths, "installed", "installed", 1, ["curated"],
                                                            ["greedy"], 3, True, api_name="/evaluate")
    assert "English loss and bits-per-byte: on the validation split of `installed`" in measured
    from webapp.report_tab import measured_on

    unmeasured = measured_on({"english_corpus": None, "code_corpus": "installed"})
    assert "**no English corpus** to measure them on" in unmeasured and "of `installed`" in unmeasured
    several = measured_on({"english_corpus": "installed", "code_corpus": "installed", "pair_sets": {"curated": 3},
                           "strategies": ["greedy", "judge"],
                           "checkpoints": [{"checkpoint": "/w/checkpoints/web-language/best", "stage": "language"},
                                           {"checkpoint": "/w/checkpoints/web-code/best", "stage": "code"}]})
    assert "`web-language/best` (stage 1, never shown a request answered) is scored by the first strategy" in several
    assert [row[:3] for row in pairs["data"]] == [["retrieval baseline (TF-IDF)", "curated", 3],
                                                  ["web-language · greedy", "curated", 3],
                                                  ["web-code · greedy", "curated", 3]]
    # the fine-tuned checkpoint against the lookup (no from-scratch checkpoint was chosen)
    assert [row[:3] for row in comparisons["data"]] == [["web-code · greedy", "retrieval baseline (TF-IDF)", "curated"]]
    assert 0 <= comparisons["data"][0][5] <= 1
    rows = table["data"]
    assert [row[1] for row in rows] == ["language", "code"]
    headers = table["headers"]
    bilingual = dict(zip(headers, rows[1]))
    assert bilingual["forgetting_bpb_english"] is not None and 0 <= bilingual["bash_valid_share"] <= 1


def test_training_tab_says_what_is_missing_first(tmp_path, workspace):
    from core.workspace import Workspace
    from webapp.training_tab import missing_inputs

    empty = Workspace.resolve(tmp_path / "empty")
    assert "Data" in missing_inputs(empty, "language", "default", "installed", "installed")
    assert missing_inputs(workspace, "language", "default", "installed", "installed") == ""
    assert "the tokenizer named **other**, and there is none yet" in missing_inputs(
        workspace, "language", "other", "installed", "installed")
    assert "needs a language checkpoint" in missing_inputs(workspace, "code", "default", "installed", "installed")


def test_a_run_that_has_trained_all_its_steps_is_not_offered_for_resuming(client, app, pair):
    from core.runconfig import resolve_run_config
    from webapp.training_tab import resumable, resume_changes

    workspace = app[1]
    can, why = resumable(workspace, "web-language")
    assert not can and "has already trained 30 steps" in why and "**steps** field" in why
    assert resumable(workspace, "no-such-run") == (False, "")
    # More steps in the form than the run's own: Resume trains on to them, as --resume --num-steps does.
    assert resumable(workspace, "web-language", 40) == (True, "")
    assert resolve_run_config(workspace, resume_changes(workspace, "web-language", 40), resume=True).num_steps == 40
    assert resume_changes(workspace, "web-language", 20) == {"run_name": "web-language"}  # fewer: its own
    message = client.predict(*micro_fields("web-language", 30), api_name="/resume_training")
    assert message.startswith("**Not resumed:**") and "would train nothing" in message


def test_a_run_whose_inputs_are_missing_is_not_started(client, app, pair):
    """Refused at once with the reason, not "Started" and a failed job (and an empty run folder) later."""
    workspace = app[1]
    cases = [(micro_fields("web-no-corpus", 5, stage="code", init_from="checkpoints/web-language/best",
                            code_corpus="nosuch"), "code corpus 'nosuch' not found"),
             (micro_fields("web-no-parent", 5, stage="code", init_from="checkpoints/absent/best"),
              "checkpoint not found"),
             (micro_fields("web-no-tokenizer", 5, tokenizer="nosuch"), "tokenizer not found")]
    if not torch.cuda.is_available():
        cases.append((micro_fields("web-no-gpu", 5, device="cuda"), "sees no CUDA GPU"))
    for fields, reason in cases:
        message = client.predict(*fields, False, api_name="/start_training")
        assert message.startswith("**Not started:**") and reason in message, message
        assert not workspace.run_dir(fields[FIELD_ORDER.index("run_name")]).exists()
    assert client.predict(api_name="/job_status")["state"] != "running"


def test_corpora_and_tokenizers_are_built_as_the_workspaces_job(client):
    started = client.predict("curated", "", "web-curated", 0, 0, 0, False, api_name="/download_code")
    assert started.startswith("**Building code/web-curated**")
    status = wait_for(client, lambda s: s["kind"] == "download" and s["state"] in ("finished", "failed"))
    assert status["state"] == "finished" and "code/web-curated:" in status["log"][-1]
    manifest, samples = client.predict("code/web-curated", api_name="/describe_corpus")
    assert manifest["documents"] > 0 and "```bash" in samples
    again = client.predict("curated", "", "web-curated", 0, 0, 0, False, api_name="/download_code")
    assert again.startswith("**Not started:**") and "already exists" in again  # refused at once, no job
    client.predict("curated", "", "web-runnable", 0, 0, 0, False, True, api_name="/download_code")
    status = wait_for(client, lambda s: s["kind"] == "download" and s["state"] in ("finished", "failed")
                      and "web-runnable" in s["log"][-1])
    manifest, _ = client.predict("code/web-runnable", api_name="/describe_corpus")
    assert status["state"] == "finished" and manifest["source"].endswith("only pairs whose utility runs here")
    assert client.predict(["installed"], ["web-curated"], 300, "web-tok", False,
                          api_name="/train_tokenizer").startswith("**Training tokenizer web-tok**")
    status = wait_for(client, lambda s: s["kind"] == "tokenizer" and s["state"] in ("finished", "failed"))
    assert status["state"] == "finished" and "tokenizer web-tok: 300 tokens" in status["log"][-1]


def test_tabs_list_again_what_was_made_after_the_app_started(tmp_path, template_workspace):
    """Opening a tab or loading the page reads the corpora, runs and checkpoints from disk again
    (they were listed once, when the app started), keeps what is still chosen, and draws the chart
    of the chosen runs without waiting for a click."""
    import shutil

    import gradio as gr
    from conftest import copy_of, micro_config

    from core.training import train
    from webapp.data_tab import build_data_tab
    from webapp.report_tab import build_report_tab
    from webapp.runs_tab import build_runs_tab

    workspace = copy_of(template_workspace, tmp_path / "ws")
    with gr.Blocks():
        data, runs, report = build_data_tab(workspace), build_runs_tab(workspace), build_report_tab(workspace)
    shutil.copytree(workspace.corpus_dir("english", "installed"), workspace.corpus_dir("english", "later"))
    train(micro_config(run_name="later", num_steps=10), workspace, show_progress=False)

    shown, english, code = data.function("code/installed", ["installed", "gone"], [])
    assert ("english/later", "english/later") in shown.choices and shown.value == "code/installed"
    assert ("later", "later") in english.choices and english.value == ["installed"]
    assert code.value == ["installed"]  # nothing chosen: the first corpus
    table, chosen, chart, details = runs.function([], "val_loss_english", False)
    assert [row[0] for row in table] == ["later"] and chosen.value == ["later"] and details["run_name"] == "later"
    assert [trace.name for trace in chart.data] == ["later"]
    best = str(workspace.run_dir("later") / "best")
    picker = report.function([best, "/no/longer/there"])
    assert best in [value for _, value in picker.choices] and picker.value == [best]


def test_the_sampling_sliders_act_on_free_text_only():
    """An answer is one line decoded its own way, so the playground greys the sliders out for it."""
    from webapp.playground_tab import DECODINGS, samples_freely

    answers = [label for label, strategy in DECODINGS.items() if strategy]
    assert answers and not any(samples_freely("bash script", label) for label in answers)
    assert samples_freely("bash script", "free text (sampled, streamed)") and samples_freely("raw text", answers[0])


def test_the_playground_keeps_its_columns_when_opened_again(tmp_path):
    """Opening the tab lists the checkpoints again without undoing the visitor's choice; columns
    left empty when nothing was trained yet get the demo pair."""
    import gradio as gr

    from core.workspace import Workspace
    from webapp.playground_tab import build_playground_tab, default_pair

    workspace = Workspace.resolve(tmp_path / "ws")
    with gr.Blocks():
        playground = build_playground_tab(workspace)
    mine = str(tmp_path / "elsewhere" / "best")
    *_, first, second, third = playground.function(mine, None, None)
    assert (first.value, second.value, third.value) == (mine, None, None)
    *_, first, second, third = playground.function(None, None, None)
    assert (first.value, second.value, third.value) == (*default_pair(workspace), None)


def test_a_number_field_left_empty_is_named_not_typed():
    from core.errors import UserError
    from webapp import inputs

    with pytest.raises(UserError, match="^stage 1 steps is empty: give a number$"):
        inputs.whole_number(None, "stage 1 steps")
    with pytest.raises(UserError, match="^stage 1 steps must be a number, got list$"):
        inputs.whole_number([3], "stage 1 steps")
