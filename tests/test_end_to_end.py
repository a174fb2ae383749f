"""The whole pipeline through the CLI on a micro model: data → tokenizer → stage 1 → stage 2 →
generation → comparison → report, in seconds, on data the test writes itself."""
import json

from conftest import bash_documents, english_documents, write_jsonl

from core.cli import main
from core.runstore import read_metrics


def evals(run_dir):
    return [m for m in read_metrics(run_dir) if "val_loss" in m]


def test_pipeline_end_to_end(tmp_path, capsys):
    ws = ["--workspace", str(tmp_path / "ws")]
    english = write_jsonl(tmp_path / "src" / "en.jsonl", english_documents(400, seed=1))
    code = write_jsonl(tmp_path / "src" / "code.jsonl", bash_documents(300, seed=1))
    assert main([*ws, "download_language_data", "--source", "local", "--path", str(english),
                 "--name", "installed"]) == 0
    assert main([*ws, "download_code_data", "--source", "local", "--path", str(code),
                 "--name", "installed"]) == 0
    assert main([*ws, "tokenizer", "--vocab-size", "512"]) == 0
    fast = ["--model", "micro", "--batch-size", "8", "--eval-interval", "20", "--eval-batches", "2",
            "--warmup-steps", "5", "--device", "cpu"]
    assert main([*ws, "train_language", *fast, "--num-steps", "60", "--learning-rate", "3e-3"]) == 0
    assert main([*ws, "train_code", "--language-checkpoint", "checkpoints/language/best", *fast,
                 "--num-steps", "40", "--learning-rate", "1e-3"]) == 0
    root = tmp_path / "ws" / "checkpoints"
    stage1, stage2 = evals(root / "language"), evals(root / "bilingual")
    assert stage1[-1]["val_loss"] < stage1[0]["val_loss"]
    assert stage2[-1]["val_loss"] < stage2[0]["val_loss"]
    # Stage 2 starts from stage 1's best weights, so its first English score is stage 1's best.
    assert abs(stage2[0]["val_loss_english"] - min(m["val_loss"] for m in stage1)) < 1e-3
    capsys.readouterr()

    assert main([*ws, "generate", "--checkpoint", "checkpoints/bilingual/best", "--prompt",
                 "list all text files", "--max-new-tokens", "30"]) == 0
    generated = capsys.readouterr().out
    prompt = "#!/bin/bash\n# list all text files\n"
    assert generated.startswith(prompt) and len(generated.strip()) > len(prompt.strip())

    assert main([*ws, "compare", "--checkpoints", "checkpoints/language/best", "checkpoints/bilingual/best",
                 "--prompt", "Once upon a time", "--template", "raw", "--max-new-tokens", "20"]) == 0
    compared = capsys.readouterr().out
    assert compared.count("=====") == 2 and compared.count("Once upon a time") == 2

    report_path = tmp_path / "report.json"
    assert main([*ws, "test_bilingual", "--samples", "1", "--out", str(report_path)]) == 0
    report = json.loads(report_path.read_text())
    stages = [row["stage"] for row in report["checkpoints"]]
    assert stages == ["language", "code"]
    bilingual = report["checkpoints"][1]
    assert bilingual["val_loss_code"] < report["checkpoints"][0]["val_loss_code"]
    assert 0.0 <= bilingual["bash_valid_share"] <= 1.0
    printed = capsys.readouterr().out
    assert "| checkpoint |" in printed and "every answer in" not in printed  # no pairs: no answers written

    assert main([*ws, "export", "--checkpoint", "checkpoints/bilingual/best", "--out", "exported"]) == 0
    assert main([*ws, "generate", "--checkpoint", "exported", "--prompt", "hi", "--max-new-tokens", "5"]) == 0
