"""Benchmarks are not tests, but each must stay importable and runnable: a micro-size smoke run."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SHARED_DATA

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def run_benchmark(script: str, *args: str) -> str:
    result = subprocess.run([sys.executable, str(BENCHMARKS / script), *args], cwd=BENCHMARKS,
                            capture_output=True, text=True, timeout=600,
                            env={**os.environ, "HF_HUB_OFFLINE": "1"}, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_train_throughput_prints_a_ratio():
    out = run_benchmark("train_throughput.py", "--sizes", "micro", "--batch-size", "2", "--rounds", "1",
                        "--steps", "1")
    assert "ours/peer" in out and "tokens/s" in out


def test_generation_throughput_prints_a_ratio():
    out = run_benchmark("generation_throughput.py", "--sizes", "micro", "--new-tokens", "8", "--rounds", "1",
                        "--batch-sizes", "1", "2")
    assert "ours/peer" in out and "first token" in out


def test_data_path_prints_sampling_share():
    out = run_benchmark("data_path.py", "--mb", "0.2", "--model", "micro", "--steps", "2")
    assert "MB/s" in out and "% of a step" in out


def test_memory_and_context_prints_a_table():
    out = run_benchmark("memory_context.py", "--sizes", "micro", "--contexts", "32", "64", "--steps", "1")
    assert "peak RSS" in out and "x of" in out


@pytest.mark.skipif(not (SHARED_DATA / "tinystories").is_dir(), reason=f"real data absent at {SHARED_DATA}")
def test_tinystories_benchmark_runs_briefly():
    out = run_benchmark("tinystories_cpu.py", "--minutes", "0.05", "--model", "micro")
    assert "unigram" in out and "ratio final/untrained" in out


@pytest.mark.skipif(not all((SHARED_DATA / name).is_dir() for name in ("tinystories", "tldr")),
                    reason=f"real data absent at {SHARED_DATA}")
def test_int8_quality_benchmark_runs_briefly():
    out = run_benchmark("int8_quality.py", "--max-pairs", "3", "--eval-batches", "1")
    assert "bits-per-byte, English" in out and "greedy answers identical (3 pairs)" in out


def test_request_following_benchmark_runs_briefly(tmp_path, workspace):
    from conftest import micro_config

    from core.training import train

    train(micro_config(num_steps=5), workspace, show_progress=False)
    out = run_benchmark("request_following.py", "--workspace", str(workspace.root), "--english-corpus", "installed",
                        "--code-corpus", "installed", "--pair-sources", "curated", "--steps", "3",
                        "--max-pairs", "3", "--strategies", "greedy", "rerank",
                        "--variant", "plain", "learning_rate=1e-3", "--variant", "weighted", "request_loss_weight=0.1")
    lines = out.strip().splitlines()
    table = lines[next(i for i, line in enumerate(lines) if line.startswith("---|")) + 1:]
    assert [line.split(" | ")[:2] for line in table] == [["retrieval", "-"], ["plain", "greedy"], ["plain", "rerank"],
                                                       ["weighted", "greedy"], ["weighted", "rerank"]]
    assert "(1.00x)" in table[0]


def test_answer_throughput_prints_a_ratio_and_agreement():
    out = run_benchmark("answer_throughput.py", "--max-requests", "3", "--strategies", "greedy", "rerank")
    rows = [line.split(" | ") for line in out.strip().splitlines()[-2:]]
    assert [row[0].strip() for row in rows] == ["greedy", "rerank"]
    assert all(row[3].endswith("x") and row[4].strip() == "3/3" for row in rows)


def test_judge_weights_benchmark_runs_briefly():
    out = run_benchmark("judge_weights.py", "--max-requests", "2", "--candidates", "3", "--weights", "1")
    rows = [[cell.strip() for cell in line.split("|")] for line in out.splitlines() if line.count("|") == 6]
    assert [row[:3] for row in rows[-3:]] == [["lookup alone", "–", "–"], ["greedy", "–", "–"], ["judge", "3", "1"]]
    assert rows[-1][-1].endswith("x") and "mean ratio to greedy" in out


def test_request_case_benchmark_runs_briefly():
    out = run_benchmark("request_case.py", "--max-requests", "2", "--strategies", "greedy")
    rows = [[cell.strip() for cell in line.split("|")] for line in out.splitlines() if line.count("|") == 5]
    assert [row[:2] for row in rows[-3:]] == [["greedy", "as written"], ["greedy", "capitalised"],
                                            ["greedy", "lower case"]]
    assert rows[-3][-1] in ("1.00x", "–") and all(row[-1].endswith("x") or row[-1] == "–" for row in rows[-3:])


def test_compare_checkpoints_counts_a_checkpoint_level_with_itself():
    shipped = str(Path(__file__).resolve().parents[1] / "checkpoints" / "bilingual" / "best")
    out = run_benchmark("compare_checkpoints.py", f"first={shipped}@judge", f"again={shipped}@judge",
                        f"plain={shipped}", "--pair-sources", "curated", "--max-pairs", "2", "--strategies", "greedy",
                        "--as-typed", "plain")
    rows = [[cell.strip() for cell in line.split("|")] for line in out.splitlines() if line.count("|") == 6]
    assert rows[0][:5] == ["checkpoint", "requests", "pairs", "only it right", "only first · judge right"]
    again = [row for row in rows if row[0] == "again · judge"]
    assert [row[1] for row in again] == ["as written", "capitalised"]
    assert all(row[3:6] == ["0", "0", "1.0"] and row[6] in ("1.00x", "–") for row in again)
    assert "curated (2)" in out and "capitalised: dev (other styles) (2)" in out
