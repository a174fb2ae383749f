"""Launch the real app in-process on a free port, for the gradio_client and browser tests."""
from __future__ import annotations

import shutil
import socket
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.workspace import Workspace


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_app(template_workspace: Path, root: Path) -> Iterator[tuple[str, Workspace]]:
    """A copy of the test workspace served by the app; yields its URL and workspace."""
    from webapp import build_app

    shutil.copytree(template_workspace, root)
    workspace = Workspace.resolve(root)
    port = free_port()
    app = build_app(workspace)
    app.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "config", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    try:
        yield url, workspace
    finally:
        app.close()


def micro_fields(run_name: str, num_steps: int, stage: str = "language", init_from: str | None = None,
                 **changes) -> list:
    """The Training tab's fields, in the order its endpoints take them, for a micro run that takes
    seconds: the stage's defaults with the micro settings and `changes` on top."""
    import dataclasses

    from webapp.training_tab import FIELD_ORDER, stage_defaults

    values = dataclasses.asdict(stage_defaults(stage))
    values.update(run_name=run_name, model="micro", init_from=init_from, num_steps=num_steps, batch_size=8,
                  warmup_steps=5, eval_interval=10, eval_batches=2, log_interval=5, seed=1,
                  learning_rate=3e-3 if stage == "language" else 1e-3, device="cpu")
    values.update(changes)
    return [values[name] for name in FIELD_ORDER]
