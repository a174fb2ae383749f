"""The workspace's names and its fence: what the CLI may reach, and what the app may not."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import UserError
from core.workspace import Workspace, check_name


@pytest.mark.parametrize("name", ["default", "quickstart-bilingual", "curated+installed", "run_2.b", "A" * 100])
def test_plain_names_are_accepted(name):
    assert check_name("run", name) == name


@pytest.mark.parametrize("name", ["", ".", "..", ".hidden", "a/b", "../x", "/etc", "a\\b", "a\x00b", "a b",
                                  "evil\n", "\u202eevil", "ｒｕｎ", "A" * 101, None, 7, ["a"]])
def test_anything_else_is_refused_in_one_line(name):
    with pytest.raises(UserError, match="name must be") as refused:
        check_name("corpus", name)
    assert "\n" not in str(refused.value)


def test_the_cli_workspace_takes_any_path(tmp_path):
    workspace = Workspace.resolve(tmp_path / "ws")
    assert workspace.path("/etc") == Path("/etc")
    assert workspace.path("../elsewhere") == workspace.root / "../elsewhere"
    assert workspace.source_path(str(tmp_path)) == tmp_path


def test_a_confined_workspace_keeps_paths_inside(tmp_path):
    (tmp_path / "ws" / "checkpoints").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (tmp_path / "ws" / "checkpoints" / "link").symlink_to(tmp_path / "outside")
    workspace = Workspace.resolve(tmp_path / "ws").confine(readable=(tmp_path / "shipped",))
    assert workspace.path("checkpoints/run/best") == workspace.root / "checkpoints" / "run" / "best"
    assert workspace.path(str(tmp_path / "shipped" / "best")) == tmp_path / "shipped" / "best"
    for outside in ("/etc/passwd", "../outside", str(tmp_path / "outside"), "checkpoints/link/best",
                    "checkpoints/../../outside", "a\x00b", " "):
        with pytest.raises(UserError):
            workspace.path(outside)
    with pytest.raises(UserError, match="outside the workspace"):
        workspace.run_dir("link")
    assert workspace.path("~") == workspace.root / "~"  # no home folder: a name like any other


def test_listings_leave_out_what_leaves_the_workspace(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "run.json").write_text("{}")
    runs = tmp_path / "ws" / "checkpoints"
    (runs / "mine").mkdir(parents=True)
    (runs / "mine" / "run.json").write_text("{}")
    (runs / "link").symlink_to(outside)
    assert Workspace.resolve(tmp_path / "ws").runs() == ["link", "mine"]
    assert Workspace.resolve(tmp_path / "ws").confine().runs() == ["mine"]


def test_server_folders_are_read_only_where_allowed(tmp_path):
    allowed, other = tmp_path / "allowed", tmp_path / "other"
    allowed.mkdir()
    other.mkdir()
    (allowed / "escape").symlink_to(other)
    closed = Workspace.resolve(tmp_path / "ws").confine()
    with pytest.raises(UserError, match="--allow-local"):
        closed.source_path(str(allowed))
    opened = Workspace.resolve(tmp_path / "ws").confine(local_roots=(allowed,))
    assert opened.source_path(str(allowed / "notes.txt")) == allowed / "notes.txt"
    for refused in (str(other), str(allowed / "escape"), str(allowed / ".." / "other")):
        with pytest.raises(UserError, match="outside the folders"):
            opened.source_path(refused)


def test_a_workspace_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(UserError, match="is a file"):
        Workspace.resolve(tmp_path / "file")


def test_no_writer_writes_in_over_or_around_what_the_project_ships(tmp_path, monkeypatch):
    """An export into a shipped checkpoint, a report over the shipped one, a folder holding them:
    refused even when asked to replace; a run of one's own beside them is not. A stand-in project,
    so a broken guard writes over nothing real."""
    from core.atomic import check_replaceable

    monkeypatch.setattr("core.workspace.PROJECT_ROOT", tmp_path)
    shipped = tmp_path / "checkpoints" / "bilingual" / "best"
    shipped.mkdir(parents=True)
    for target in (shipped / "sub", shipped, tmp_path / "checkpoints", tmp_path / "checkpoints" / "report.json",
                   tmp_path):
        with pytest.raises(UserError, match="the project ships"):
            check_replaceable(target, replace=True)
    check_replaceable(tmp_path / "checkpoints" / "mine" / "best", replace=True)
