"""Folders and files that are complete or absent: write under a temporary name, then swap in.

Corpora and checkpoints are folders of several files; a crash, a kill or a full disk in the middle
of writing one must never leave a half folder that a later load mistakes for a whole one, nor lose
the previous one. A folder `target` is rebuilt through three siblings, each named after the
writer's process id so that a sweep never touches a live writer's work:

    .target.tmp-PID     being written: incomplete, thrown away after a crash
    .target.ready-PID   written and fsynced, then renamed in one step: complete by construction
    .target.old-PID     the previous target, moved aside for the instant of the swap

The swap renames target to old and ready to target; a crash between the two leaves no target, and
`recover_dir` puts the newest complete sibling (ready, else old) back in its place.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from core.faults import fault_point

_KINDS = ("tmp", "ready", "old")


def _sibling(target: Path, kind: str, pid: int | None = None) -> Path:
    return target.with_name(f".{target.name}.{kind}-{os.getpid() if pid is None else pid}")


def _fsync_dir(folder: Path) -> None:
    """Make a rename or a new entry in `folder` durable (POSIX; other systems have no such call)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    """Flush every file under `root`, then every folder bottom-up, so a rename publishes data that
    is on disk (without it a power cut can leave a renamed folder of empty files)."""
    for folder, _, files in os.walk(root, topdown=False):
        for name in files:
            with open(os.path.join(folder, name), "rb") as file:
                os.fsync(file.fileno())
        _fsync_dir(Path(folder))


def write_text(path: Path, text: str) -> None:
    """Replace a small file (run.json, metrics.jsonl) in one step, durably: whole or absent."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    tmp.replace(path)
    _fsync_dir(path.parent)


def temporary_sibling(target: Path, tag: str = "tmp") -> Path:
    """A fresh, empty folder beside `target` to build its replacement in."""
    tmp = _sibling(Path(target), tag)
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    return tmp


def replace_dir(new: Path, target: Path) -> None:
    """Swap a finished folder into place so readers see the old one or the new one, never half,
    and a crash at any instant leaves something `recover_dir` can restore."""
    new, target = Path(new), Path(target)
    _fsync_tree(new)
    fault_point("swap-before-ready")
    ready, old = _sibling(target, "ready"), _sibling(target, "old")
    for stale in (ready, old):
        shutil.rmtree(stale, ignore_errors=True)
    new.rename(ready)
    _fsync_dir(target.parent)
    if target.exists():
        target.rename(old)
    fault_point("swap-between-renames")
    ready.rename(target)
    _fsync_dir(target.parent)
    fault_point("swap-before-delete-old")
    shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def rebuilt(target: Path) -> Iterator[Path]:
    """Build `target`'s replacement in the folder this yields; swap it in if the block succeeds,
    and if it fails keep the previous target and leave no temporary folder behind."""
    tmp = temporary_sibling(target)
    try:
        yield tmp
        replace_dir(tmp, target)
    except BaseException:
        recover_dir(target)
        raise


def _process_alive(pid: int) -> bool:
    if os.name != "posix":  # Windows has no harmless probe (os.kill would end the process)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def _leftovers(target: Path) -> dict[str, list[Path]]:
    """The siblings of `target` that no live process but this one can still be writing, by kind,
    newest first."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.({'|'.join(_KINDS)})-(\d+)")
    found: dict[str, list[Path]] = {kind: [] for kind in _KINDS}
    for path in target.parent.iterdir():
        match = pattern.fullmatch(path.name)
        if match and (int(match[2]) == os.getpid() or not _process_alive(int(match[2]))):
            found[match[1]].append(path)
    for paths in found.values():
        paths.sort(key=lambda path: path.lstat().st_mtime_ns, reverse=True)
    return found


def recover_dir(target: Path) -> None:
    """After a crash: if `target` is missing, promote the newest complete leftover (a ready one,
    else an old one) into its place; then delete the leftovers of dead writers and of this
    process. Another live process's leftovers are its work in progress and stay."""
    target = Path(target)
    if not target.parent.is_dir():
        return
    leftovers = _leftovers(target)
    if not target.exists():
        complete = leftovers["ready"] or leftovers["old"]
        if complete:
            complete.pop(0).rename(target)
            _fsync_dir(target.parent)
    for paths in leftovers.values():
        for path in paths:
            shutil.rmtree(path, ignore_errors=True)


def check_replaceable(target: Path, *, replace: bool, protected: tuple[Path, ...] = ()) -> None:
    """Refuse to write over something a person did not ask to lose.

    A writer calls this before it builds `target`: an existing non-empty target needs `replace`,
    and no writer may ever replace a protected folder (its own source, the workspace) or a folder
    that contains one, whatever it was told, nor write in, over or around what the project ships
    (`core.workspace.shipped_paths`)."""
    from core.errors import UserError
    from core.workspace import shipped_paths

    target = Path(target).expanduser().resolve()
    for shipped in shipped_paths():
        shipped = shipped.resolve()
        if target == shipped or shipped in target.parents or target in shipped.parents:
            raise UserError(f"refusing to write over {target}: the project ships {shipped}, which only "
                            "`recipe --ship` remakes")
    for guarded in protected:
        guarded = Path(guarded).expanduser().resolve()
        if target == guarded or target in guarded.parents:
            raise UserError(f"refusing to write over {target}: it is or contains {guarded}")
    if target.is_symlink() or target.is_file():
        taken = "already exists" + (" and is not empty" if target.is_file() and target.stat().st_size else "")
    else:
        taken = "already exists and is not empty" if target.is_dir() and any(target.iterdir()) else ""
    if taken and not replace:
        raise UserError(f"{target} {taken}; choose another target or ask to replace it (--replace)")
