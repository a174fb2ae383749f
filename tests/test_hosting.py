"""The public demo mode and the app's start-up flags: bounds, auth, and server folders."""
from __future__ import annotations

import sys

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
    for changes, bound in (({"model": "small"}, "micro and cpu"), ({"num_steps": 2001}, "2,000"),
                           ({"batch_size": 64}, "32"), ({"grad_accum_steps": 8}, "4")):
        with pytest.raises(UserError, match=bound):
            limits.check_training(micro_config(**changes))
    limits.check_quickstart("cpu", 1000, 1000)
    with pytest.raises(UserError, match="2,000 steps in all"):
        limits.check_quickstart("cpu", 1500, 1000)
    assert limits.download_mb(None) == 50 and limits.download_mb(10) == 10
    with pytest.raises(UserError, match="at most 50 MB"):
        limits.download_mb(500)


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
    finally:
        served.close()
