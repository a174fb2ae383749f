"""How a run's configuration is decided, for the CLI and the app alike."""
from __future__ import annotations

import threading

import pytest
from conftest import micro_config

from core.errors import UserError
from core.runconfig import resolve_run_config
from core.training import train


@pytest.fixture
def parent(workspace):
    """A finished micro stage-1 run: its size is not the stage YAML's (cpu)."""
    train(micro_config(num_steps=5, eval_interval=5), workspace, show_progress=False)
    return workspace


def test_stage_two_takes_its_parents_size_unless_one_is_named(parent):
    config = resolve_run_config(parent, {"stage": "code", "init_from": "checkpoints/language/best"})
    assert config.model == "micro" and config.run_name == "bilingual" and config.replay_fraction == 0.25
    named = resolve_run_config(parent, {"stage": "code", "init_from": "checkpoints/language/best", "model": "tiny"})
    assert named.model == "tiny"
    baseline = resolve_run_config(parent, {"stage": "code", "from_scratch": True, "init_from": None})
    assert baseline.model == "cpu"


def test_a_resume_continues_with_the_saved_config(workspace):
    stop = threading.Event()
    stop.set()  # stopped after its first step, with 4 of its 5 still to train
    train(micro_config(num_steps=5, eval_interval=5), workspace, show_progress=False, stop=stop)
    config = resolve_run_config(workspace, {"run_name": "language", "learning_rate": None}, resume=True)
    assert config.model == "micro" and config.num_steps == 5 and config.batch_size == 8


def test_a_finished_run_resumes_only_with_more_steps(parent):
    longer = resolve_run_config(parent, {"run_name": "language", "num_steps": 9, "model": "micro"}, resume=True)
    assert longer.num_steps == 9
    for steps in (None, 5, 4):
        with pytest.raises(UserError, match="already trained 5 steps, so resuming it with num_steps "
                                            f"{steps or 5} would train nothing; give num_steps above 5"):
            resolve_run_config(parent, {"run_name": "language", "num_steps": steps}, resume=True)
    with pytest.raises(UserError, match="cannot change batch_size, model"):
        resolve_run_config(parent, {"run_name": "language", "model": "cpu", "batch_size": 4}, resume=True)
    with pytest.raises(UserError, match="nothing to resume"):
        resolve_run_config(parent, {"run_name": "absent"}, resume=True)


def test_the_stage_yaml_is_found_by_the_run_name_it_names(parent):
    assert resolve_run_config(parent, {"num_steps": 9}, stage="language", resume=True).run_name == "language"
