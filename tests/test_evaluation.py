"""Each metric of the report on cases whose answer is known."""
import json
import math
import shutil

import pytest
import torch
from conftest import micro_config, write_tldr_tools

from core.data.bashdoc import Pair, pair_document
from core.data.corpus import read_documents
from core.data.shards import tokenize_split
from core.data.sources import download, source_pairs
from core.errors import UserError
from core.evaluation import (
    bash_syntax_ok,
    distinct_n,
    evaluate_shard,
    first_command_word,
    repetition_rate,
    shellcheck_warnings,
    token_overlap,
)
from core.pairs import distinct_matches, paired_comparison, read_pairs, score_answers, score_pairs
from core.report import POOLED, RETRIEVAL_BASELINE, bilingual_report, report_markdown, write_report
from core.retrieval import RetrievalIndex
from core.tokenizer import load_tokenizer, token_byte_lengths
from core.training import Trainer, train


def test_bash_syntax_check_parses_without_running(tmp_path):
    marker = tmp_path / "ran"
    assert bash_syntax_ok(f"#!/bin/bash\ntouch {marker}\nfor f in *; do echo \"$f\"; done\n")
    assert not marker.exists()  # parsed, never executed
    assert not bash_syntax_ok("#!/bin/bash\nif [ -f x ]; then\n  echo missing fi\n")
    assert not bash_syntax_ok("for x in; do")


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_shellcheck_counts_warnings():
    assert shellcheck_warnings('#!/bin/bash\nset -euo pipefail\necho "hello"\n') == 0
    assert shellcheck_warnings("#!/bin/bash\nrm -rf $1/*\ncd $dir\n") >= 1


def test_a_perfect_model_scores_one_and_a_wrong_one_zero():
    pairs = [Pair("extract an archive", "tar --extract --file path/to/file.tar"),
             Pair("list files", "ls -la"), Pair("show disk usage", "sudo df -h")]
    perfect, _ = score_answers(pairs, [p.command for p in pairs])
    assert perfect == {"pairs": 3, "utility_accuracy": 1.0, "token_overlap": 1.0}
    wrong, results = score_answers(pairs, ["echo hi", "", "python x.py"])
    assert wrong["utility_accuracy"] == 0.0 and wrong["token_overlap"] == 0.0
    assert results[1].output == "" and not results[1].utility_match
    # a reference that runs nothing is matched by nothing, not even by an empty answer
    assert score_answers([Pair("note", "# only a comment")], [""])[0]["utility_accuracy"] == 0.0


def test_a_request_too_long_for_the_model_is_a_miss_and_any_other_refusal_stops_the_score():
    pairs = [Pair("list files", "ls -la"), Pair("a request far longer than the context " * 9, "ls -la")]
    asked = []

    def answer_all(requests: list[str]) -> list[str | None]:
        asked.append(requests)
        return ["ls" if len(request) <= 100 else None for request in requests]  # None: it did not fit

    summary, results = score_pairs(answer_all, pairs)
    assert summary["utility_accuracy"] == 0.5 and results[1].output == ""
    assert asked == [[p.request for p in pairs]]  # one call for all: a model answers them together

    def misconfigured(requests: list[str]) -> list[str]:
        raise UserError("no retrieval examples")

    with pytest.raises(UserError, match="no retrieval examples"):
        score_pairs(misconfigured, pairs)


def test_command_words_and_overlap():
    assert first_command_word("#!/bin/bash\n# note\nset -e\nLC_ALL=C sudo sort -u x") == "sort"
    assert first_command_word("# only a comment\n") is None
    assert first_command_word('set -e\nparent="${1:-.}"\n\nfind "$parent" -size +1G\n') == "find"
    # quoted spaces stay in their word, as the shell splits it; broken quotes still name the utility
    assert first_command_word('dest="$HOME/b-$(date +%F).tgz"\ntar -czf "$dest" src') == "tar"
    assert first_command_word('job="0 2 * * * ~/backup.sh"\ncrontab -l') == "crontab"
    assert first_command_word('find . -name "*.py -mtime +5') == "find"
    # a wrapper's option values are not the utility; a wrapper alone is one; groups are looked into
    assert first_command_word("sudo -u postgres psql -c 'select 1'") == "psql"
    assert first_command_word("sudo --user=www-data -H php artisan") == "php"
    assert first_command_word("env -u HOME bash") == "bash"
    assert first_command_word("env") == "env" and first_command_word("sudo -v") == "sudo"
    assert first_command_word("{ ls; }") == "ls" and first_command_word("( cd src && make )") == "cd"
    assert first_command_word("(") is None
    assert score_answers([Pair("print the environment", "env")], ["env"])[0]["utility_accuracy"] == 1.0
    assert score_answers([Pair("group it", "( ls )")], ["{ rm -rf /; }"])[0]["utility_accuracy"] == 0.0
    assert token_overlap("ls -la", "ls -la") == 1.0
    # "ls -la" is three tokens (ls, -, la); "ls" matches one: precision 1, recall 1/3, F1 1/2.
    assert token_overlap("ls", "ls -la") == pytest.approx(0.5)


def test_paired_comparison_counts_disagreements_and_tests_them():
    # Five requests only the first got right, none the other way: 2 × 0.5**5 by the sign test.
    first = [True] * 5 + [True, False, False]
    second = [False] * 5 + [True, False, False]
    assert paired_comparison(first, second) == {"first_only": 5, "second_only": 0, "p_value": 0.0625}
    assert paired_comparison(second, first)["second_only"] == 5
    assert paired_comparison([True, False], [True, False])["p_value"] == 1.0  # no disagreement: no evidence
    with pytest.raises(ValueError):
        paired_comparison([True], [True, False])


def test_pooled_matches_count_a_pair_in_two_sets_once():
    a, b, c = Pair("list files", "ls"), Pair("disk usage", "df -h"), Pair("who am I", "whoami")
    pair_sets = {"all": [a, b, c], "part": [c, a], "other": [Pair("list files", "ls -la")]}
    matches = {"all": [True, False, True], "part": [True, True], "other": [False]}
    assert distinct_matches(pair_sets, matches) == [True, False, True, False]  # a, b, c, then the other ls
    with pytest.raises(ValueError):
        distinct_matches({"all": [a, b]}, {"all": [True]})


def test_english_quality_measures():
    assert distinct_n(["the cat sat", "the cat ran"], 2) == pytest.approx(3 / 4)
    assert repetition_rate("a b c d e f") == 0.0
    assert repetition_rate("go go go go go go") == pytest.approx(2 / 3)


def test_bits_per_byte_of_a_uniform_model(workspace):
    """All-zero weights give equal logits for every token: bpb = log2(vocab) · tokens / bytes."""
    trainer = Trainer(micro_config(), workspace, show_progress=False)
    with torch.no_grad():
        for parameter in trainer.model.parameters():
            parameter.zero_()
    tokenizer = load_tokenizer(workspace.tokenizer_path("default"))
    shard = tokenize_split(workspace.corpus_dir("english", "installed"), tokenizer, "val")
    token_bytes = torch.tensor(token_byte_lengths(tokenizer), dtype=torch.float64)
    report = evaluate_shard(trainer.model, shard, token_bytes, num_batches=2, batch_size=4)
    context = trainer.model.config.context_length
    targets = torch.cat([batch.targets for batch in shard.eval_batches(2, 4, context)])
    expected = math.log2(512) * targets.numel() / token_bytes[targets].sum().item()
    assert report.loss == pytest.approx(math.log(512), rel=1e-6)
    assert report.bits_per_byte == pytest.approx(expected, rel=1e-6)


def test_pairs_file_errors(tmp_path):
    good = tmp_path / "pairs.jsonl"
    good.write_text(json.dumps({"nl": "list files", "cmd": "ls"}) + "\n\n")
    assert read_pairs(good) == [Pair("list files", "ls")]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"nl": "x", "cmd": "y"}) + "\n{\"request\": 1}\n")
    with pytest.raises(UserError, match="bad.jsonl:2"):
        read_pairs(bad)
    for record in ({"nl": None, "cmd": "ls"}, {"nl": "list", "cmd": " "}, {"nl": 3, "cmd": "ls"}):
        bad.write_text(json.dumps(record) + "\n")
        with pytest.raises(UserError, match="non-empty strings"):
            read_pairs(bad)
    latin1 = tmp_path / "latin1.jsonl"
    latin1.write_bytes('{"nl": "caf\u00e9", "cmd": "ls"}\n'.encode("latin-1"))
    with pytest.raises(UserError, match="cannot read pairs file"):
        read_pairs(latin1)


def test_heldout_tldr_pairs_never_come_from_the_training_split(tmp_path, workspace):
    folder = write_tldr_tools(tmp_path / "tldr", tools=60, examples=5)
    heldout = source_pairs(workspace, "tldr", "val", path=folder)
    trained = source_pairs(workspace, "tldr", "train", path=folder)
    assert 3 <= len(heldout) <= 40 and len(heldout) + len(trained) == 360  # about 5% of 300 + 60 summaries
    download(workspace, "code", "tldr", name="tldr", path=folder, show_progress=False)
    train_documents = set(read_documents(workspace.corpus_dir("code", "tldr"), "train"))
    val_documents = set(read_documents(workspace.corpus_dir("code", "tldr"), "val"))
    for pair in heldout:
        assert pair_document(pair) in val_documents and pair_document(pair) not in train_documents
    assert {pair_document(pair) for pair in trained} == train_documents


def test_report_with_three_columns_and_forgetting(workspace, tmp_path):
    train(micro_config(num_steps=20), workspace, show_progress=False)
    train(micro_config("code", num_steps=10, init_from="checkpoints/language/best"), workspace,
          show_progress=False)
    train(micro_config("code", run_name="code-only", from_scratch=True, num_steps=10), workspace,
          show_progress=False)
    paths = [workspace.run_dir(run) / "best" for run in ("language", "code-only", "bilingual")]
    pairs = [Pair("list all text files", "ls -- *.txt"), Pair("show disk usage", "df -h")]
    index = RetrievalIndex([Pair("list text files", "ls -- *.txt"), Pair("disk usage please", "du -sh")])
    report = bilingual_report(paths, workspace, samples=1, pair_sets={"mine": pairs, "part": pairs[1:]}, index=index,
                              strategies=("greedy", "rerank"), outputs_dir=tmp_path / "outputs")
    language, code_only, bilingual = report["checkpoints"]
    assert code_only["from_scratch"] and "forgetting_bpb_english" not in code_only
    assert bilingual["forgetting_bpb_english"] == pytest.approx(
        bilingual["val_bpb_english"] - language["val_bpb_english"], abs=1e-3)
    for row in report["checkpoints"]:
        assert 0.0 <= row["bash_command_share"] <= row["bash_valid_share"] <= 1.0
        assert 0.0 <= row["utility_accuracy"] <= 1.0
        assert 0.0 <= row["distinct_2"] <= 1.0
    baseline, *model_rows = report["pairs"]
    assert baseline["answerer"] == RETRIEVAL_BASELINE and baseline["mine"]["utility_accuracy"] == 0.5
    # the stage-1 checkpoint, never shown a request answered, by the first strategy only
    assert [row["answerer"] for row in model_rows] == ["language · greedy"] + [
        f"{run} · {strategy}" for run in ("code-only", "bilingual") for strategy in ("greedy", "rerank")]
    outputs = sorted((tmp_path / "outputs").glob("*.jsonl"))
    assert len(outputs) == 12 and sorted(len(path.read_text().splitlines()) for path in outputs) == [1] * 6 + [2] * 6
    comparisons = report["comparisons"]
    assert [(c["first"], c["second"], c["pair_set"]) for c in comparisons] == [
        ("bilingual · greedy", other, pair_set) for other in ("code-only · greedy", RETRIEVAL_BASELINE)
        for pair_set in ("mine", "part", POOLED)] + [  # another strategy: against its like, pooled only
        ("bilingual · rerank", other, POOLED) for other in ("code-only · rerank", RETRIEVAL_BASELINE)]
    greedy = comparisons[:6]
    assert [c["first_only"] for c in greedy[2::3]] == [c["first_only"] for c in greedy[::3]]  # part ⊂ mine
    def matched(slug):
        lines = (tmp_path / "outputs" / f"{slug}.jsonl").read_text().splitlines()
        return [json.loads(line)["utility_match"] for line in lines]
    ours, theirs = matched("bilingual---greedy-mine"), matched("code-only---greedy-mine")
    assert comparisons[0]["first_only"] == sum(a and not b for a, b in zip(ours, theirs))
    assert comparisons[0]["second_only"] == sum(b and not a for a, b in zip(ours, theirs))
    json_path, markdown_path = write_report(report, tmp_path / "report.json")
    assert json.loads(json_path.read_text())["checkpoints"][2]["stage"] == "code"
    assert "| bilingual · greedy | code-only · greedy | mine |" in markdown_path.read_text()
    assert "(from scratch)" in markdown_path.read_text() and "forgetting_bpb_english" in report_markdown(report)
    assert f"| {RETRIEVAL_BASELINE} | 0.500 / " in report_markdown(report)
    assert report["either_case"] and "capitalised first word also read in lower case" in report_markdown(report)

    # Reported alone, the bilingual checkpoint's parent is read from the workspace for the same figure.
    alone = bilingual_report(paths[2:], workspace, samples=1)["checkpoints"][0]
    assert alone["forgetting_bpb_english"] == pytest.approx(bilingual["forgetting_bpb_english"], abs=1e-3)

    # A shipped copy names its parent relative to the project that holds it, not to the workspace
    # reporting on it, whose own run `language` is another model.
    project = tmp_path / "project" / "checkpoints"
    train(micro_config(run_name="other", num_steps=5), workspace, show_progress=False)
    shutil.copytree(workspace.run_dir("other") / "best", project / "language" / "best")
    shutil.copytree(paths[2], project / "bilingual" / "best")
    config = project / "bilingual" / "best" / "config.json"
    config.write_text(json.dumps({**json.loads(config.read_text()), "parent": "checkpoints/language/best"}))
    shipped = bilingual_report([project / "bilingual" / "best"], workspace, samples=1)["checkpoints"][0]
    other = bilingual_report([project / "language" / "best"], workspace, samples=1)["checkpoints"][0]
    assert other["val_bpb_english"] != pytest.approx(language["val_bpb_english"], abs=1e-3)
    assert shipped["forgetting_bpb_english"] == pytest.approx(
        shipped["val_bpb_english"] - other["val_bpb_english"], abs=1e-3)


def test_two_checkpoints_of_one_run_name_keep_their_own_rows_and_sign_tests(tmp_path):
    """The shipped bilingual/best beside a workspace's bilingual/best, or a run's best/ beside its
    last/: named by their run alone, their answers had shared one name, row and sign test."""
    from core.report import answerer_names

    shipped, mine = tmp_path / "project" / "checkpoints" / "bilingual" / "best", tmp_path / "ws" / "checkpoints"
    assert answerer_names([mine / "language" / "best", mine / "bilingual" / "best"]) == ["language", "bilingual"]
    assert answerer_names([shipped, mine / "bilingual" / "last"]) == ["bilingual/best", "bilingual/last"]
    assert answerer_names([shipped, mine / "bilingual" / "best"]) == [str(shipped), str(mine / "bilingual" / "best")]


def test_a_report_of_one_run_twice_is_named_apart(workspace, tmp_path):
    train(micro_config("code", run_name="code-only", from_scratch=True, num_steps=4), workspace, show_progress=False)
    run = workspace.run_dir("code-only")
    pairs = [Pair("list all text files", "ls -- *.txt"), Pair("show disk usage", "df -h")]
    report = bilingual_report([run / "best", run / "last"], workspace, samples=1, pair_sets={"mine": pairs})
    assert [row["answerer"] for row in report["pairs"]] == ["code-only/best · greedy", "code-only/last · greedy"]
    with pytest.raises(UserError, match="the same checkpoint is given twice"):
        bilingual_report([run / "best", run / "best"], workspace, samples=1, pair_sets={"mine": pairs})


def test_report_inputs_are_checked_before_evaluating(workspace, tmp_path):
    from core.report import check_report_inputs, check_report_target, report_corpora
    from core.workspace import Workspace

    assert report_corpora(workspace, None, None) == {"english": "installed", "code": "installed"}
    assert report_corpora(workspace, "", None) == {"code": "installed"}  # "" measures none
    assert report_corpora(Workspace.resolve(tmp_path / "empty"), None, None) == {}
    with pytest.raises(UserError, match=r"no english corpus 'nope' .*\(there: installed\)"):
        report_corpora(workspace, "nope", None)  # a typo is named, never silently skipped
    with pytest.raises(UserError, match="samples must be between 1 and 64"):
        check_report_inputs(workspace, [], None, None, 0)
    with pytest.raises(UserError, match="checkpoint not found"):
        check_report_inputs(workspace, [tmp_path / "absent"], None, None, 2)
    out = tmp_path / "reports" / "report.json"
    check_report_target(out, replace=False)  # nothing there yet
    out.parent.mkdir()
    out.write_text("{}")
    with pytest.raises(UserError, match="already exists and is not empty"):
        check_report_target(out, replace=False)
    check_report_target(out, replace=True)


def test_a_request_in_two_pair_sets_is_answered_once():
    """The recipe scores a set and its subset (the fresh requests and their far part) apart; every
    distinct request is answered in one batch."""
    from core.report import _score_sets

    asked = []
    pairs = [Pair("list files", "ls -l"), Pair("show disk usage", "df -h")]

    def answer_all(requests: list[str]) -> list[str]:
        asked.append(requests)
        return ["ls"] * len(requests)

    row, matches = _score_sets("lookup", answer_all, {"all": pairs, "part": pairs[:1]}, None)
    assert asked == [["list files", "show disk usage"]]
    assert matches == {"all": [True, False], "part": [True]} and row["part"]["utility_accuracy"] == 1.0
