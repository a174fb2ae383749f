"""The public demo mode and the app's start-up flags: bounds, auth, and server folders."""
from __future__ import annotations

import sys
import urllib.request

import pytest
from conftest import micro_config
from gradio_client import Client
from web_app import free_port, micro_fields

import app as app_module
from core.errors import UserError
from core.hosting import DemoLimits, demo_requested, parse_auth


def test_demo_limits_refuse_big_jobs_and_allow_presets():
    limits = DemoLimits()
    limits.check_training(micro_config(num_steps=200))
    for changes, bound in (({"model": "small"}, "micro and cpu"), ({"num_steps": 2001}, "allows steps up to 2,000"),
                           ({"batch_size": 64}, "allows batch size up to 32"),
                           ({"grad_accum_steps": 8}, "allows gradient accumulation up to 4")):
        with pytest.raises(UserError, match=bound):
            limits.check_training(micro_config(**changes))
    limits.check_quickstart("cpu", 1000, 1000)
    with pytest.raises(UserError, match="2,000 steps in all"):
        limits.check_quickstart("cpu", 1500, 1000)
    assert limits.download_mb(None) == 50 and limits.download_mb(10) == 10
    with pytest.raises(UserError, match="at most 50 MB"):
        limits.download_mb(500)


def test_a_workspace_counts_what_it_produced_and_nothing_it_links_to(tmp_path):
    from core.workspace import Workspace

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "big.bin").write_bytes(b"x" * 100_000)
    root = tmp_path / "ws"
    for folder, size in (("data/code/c", 1000), ("tokenizers/t", 200), ("checkpoints/r/best", 30)):
        (root / folder).mkdir(parents=True)
        (root / folder / "file").write_bytes(b"x" * size)
    (root / "checkpoints" / "linked").symlink_to(outside)  # a folder link is not walked into
    (root / "elsewhere").mkdir()
    (root / "elsewhere" / "file").write_bytes(b"x" * 5000)  # not a workspace folder (the code, .git)
    assert Workspace.resolve(root).bytes_used() == 1230


def test_a_full_demo_workspace_takes_no_new_job(workspace):
    """Each job is bounded; together they are too, so a stranger's jobs one after another cannot
    fill the disk: past the bound no job starts, whoever asks, and nothing is lost."""
    from core.jobs import JobManager

    used = workspace.bytes_used()
    DemoLimits(max_workspace_gb=used / 1e9 * 1.01).check_room(workspace)
    limits = DemoLimits(max_workspace_gb=used / 1e9 * 0.99)
    with pytest.raises(UserError, match=r"workspace already holds 0\.0 GB, its bound is .* new jobs wait"):
        limits.check_room(workspace)
    manager = JobManager(workspace, limits)
    with pytest.raises(UserError, match="new jobs wait until its owner clears space"):
        manager.start_task("download", "a corpus", lambda log: "built")
    with pytest.raises(UserError, match="new jobs wait"):
        manager.start_training(micro_config(run_name="more"))
    assert manager.status().state == "idle" and not workspace.run_dir("more").exists()
    assert workspace.bytes_used() == used


def test_a_shipped_run_is_refused_as_shipped_before_any_bound():
    """Resuming the shipped bilingual run (4,400 steps) in demo mode used to be refused for its
    steps; the reason is that it is the demo, whatever its steps."""
    from core.config import CONFIG_DIR, load_train_config
    from core.jobs import JobManager
    from core.workspace import PROJECT_ROOT, Workspace

    config = load_train_config(CONFIG_DIR / "code.yaml", {"run_name": "bilingual", "num_steps": 4400, "model": "cpu"})
    manager = JobManager(Workspace.resolve(PROJECT_ROOT), DemoLimits())
    with pytest.raises(UserError, match="shipped"):
        manager.start_training(config, resume=True)


def test_demo_mode_is_on_for_a_space(monkeypatch):
    monkeypatch.delenv("SPACE_ID", raising=False)
    assert not demo_requested(False) and demo_requested(True)
    monkeypatch.setenv("SPACE_ID", "someone/pretrained-code-model")
    assert demo_requested(False)


def test_auth_comes_from_the_flag_or_the_environment(monkeypatch):
    monkeypatch.delenv("PCM_AUTH", raising=False)
    assert parse_auth(None) is None
    assert parse_auth("ada:s3cret:x") == ("ada", "s3cret:x")
    monkeypatch.setenv("PCM_AUTH", "bob:pw")
    assert parse_auth(None) == ("bob", "pw")
    for bad in ("nopassword", ":pw", "user:"):
        with pytest.raises(UserError, match="user:password"):
            parse_auth(bad)


@pytest.mark.parametrize("argv, message", [
    (["--demo", "--allow-local", "/srv"], "--allow-local cannot be combined"),
    (["--auth", "nocolon"], "user:password"),
    (["--allow-local", "/no/such/folder"], "--allow-local /no/such/folder: no such folder"),
])
def test_app_refuses_bad_start_flags_in_one_line(monkeypatch, capsys, tmp_path, argv, message):
    monkeypatch.setattr(sys, "argv", ["app.py", "--workspace", str(tmp_path), *argv])
    assert app_module.main() == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and message in err and "\n" not in err


def test_the_demo_app_refuses_what_a_demo_must_not_do(template_workspace, tmp_path):
    import shutil

    from core.workspace import Workspace
    from webapp import build_app

    shutil.copytree(template_workspace, tmp_path / "ws")
    served = build_app(Workspace.resolve(tmp_path / "ws").confine(local_roots=(tmp_path,)), limits=DemoLimits())
    port = free_port()
    served.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        fields = micro_fields("demo-run", 5, model="small")
        assert "micro and cpu" in client.predict(*fields, False, api_name="/start_training")
        fields = micro_fields("demo-run", 50_000)
        assert "up to 2,000" in client.predict(*fields, False, api_name="/start_training")
        assert "2,000 steps in all" in client.predict("cpu", 5000, 5000, False, api_name="/quickstart")
        # the starter's --allow-local does not survive demo mode
        summary = client.predict("installed", str(tmp_path), "mine", 0, 0, 0, False, api_name="/download_english")
        assert "--allow-local" in summary
        with pytest.raises(Exception, match="not in the list of choices"):  # not even offered
            client.predict("local", str(tmp_path), "mine", 0, 0, 0, False, api_name="/download_english")
        assert "at most 50 MB" in client.predict("curated", "", "big", 0, 500, 0, False, api_name="/download_code")
        assert client.predict(api_name="/job_status")["state"] == "idle"
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/config", timeout=30).read().decode()
        assert "Public demo" in page and str(tmp_path) not in page  # where its files live is not shown
    finally:
        served.close()
