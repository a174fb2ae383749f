"""Where a workspace keeps its corpora, tokenizers and runs — and the fence around it.

One root folder holds everything a user produces, so that the app on a Space can point it at a
mounted volume and the CLI and the app see the same files. The root comes from an explicit argument,
else `PCM_WORKSPACE`, else the project folder itself (so `checkpoints/` is the top-level folder).

Corpus, tokenizer and run names are single folder names everywhere, so no name can climb out of
its folder. Paths are another matter: the CLI, run by the machine's owner, takes any path, but the
app is a public service, so it works on a `confined` workspace where every path must resolve
(symlinks followed) inside the root or inside a folder the person who started the app allowed.
"""
from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from core.errors import UserError, shown
from core.names import DOMAINS, SHIPPED_RUNS

PROJECT_ROOT = Path(__file__).resolve().parent.parent
OUTPUT_FOLDERS = ("data", "tokenizers", "checkpoints")  # what a workspace produces, under its root
# Letters, digits and . _ + - ; not starting with a dot, so never "..", a hidden file or a path.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,99}")


def check_name(kind: str, name: str) -> str:
    """A corpus, tokenizer or run name, refused unless it is one plain folder name."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        shown = repr(name)[:80]
        raise UserError(f"{kind} name must be 1-100 letters, digits or . _ + - (not starting with . "
                        f"and without /), got {shown}")
    return name


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


SHIPPED_RECORDS = ("README.md", "report.json", "report.md", "recipe.json")  # beside the runs in checkpoints/


def shipped_paths(names: tuple[str, ...] = (*SHIPPED_RUNS, *SHIPPED_RECORDS)) -> tuple[Path, ...]:
    """What the project ships in `checkpoints/` (by default all of it: the demo runs and their card,
    report and records). Only `recipe --ship` writes there; every other writer refuses to
    (`core.atomic.check_replaceable`)."""
    return tuple(PROJECT_ROOT / "checkpoints" / name for name in names)


def is_shipped_run(run_dir: Path) -> bool:
    """Whether a run folder is a demo checkpoint the project ships (`checkpoints/language`, ...): in
    the default workspace, the project's own folder, a run of that name is the demo every visitor
    of the app sees, which only `recipe --ship --replace` remakes."""
    return Path(run_dir).resolve() in {path.resolve() for path in shipped_paths(tuple(SHIPPED_RUNS))}


def shipped_checkpoint(given: str | Path) -> Path | None:
    """The project's shipped checkpoint a relative path names (`checkpoints/bilingual/best`), if it
    names one: what a command falls back to in a workspace that has no such run of its own."""
    if Path(given).is_absolute():
        return None
    candidate = (PROJECT_ROOT / given).resolve()
    runs = {path.resolve() for path in shipped_paths(tuple(SHIPPED_RUNS))}
    inside = candidate.parent in runs  # a run's best/ or last/, not the run folder itself
    return candidate if inside and candidate.is_dir() else None


def _bytes_under(folder: Path) -> int:
    """The sizes of the files under `folder`, links not followed; a file deleted while it is
    counted (a writer's temporary) counts as nothing."""
    total = 0
    for parent, _, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(FileNotFoundError):
                total += os.lstat(os.path.join(parent, name)).st_size
    return total


@dataclass(frozen=True)
class Workspace:
    root: Path
    # The app's fence: paths must resolve inside `root` or one of `readable` (read only: the shipped
    # demo checkpoints), and the local-files source may read only under `local_roots`.
    confined: bool = False
    readable: tuple[Path, ...] = ()
    local_roots: tuple[Path, ...] = ()

    @classmethod
    def resolve(cls, root: str | Path | None = None) -> Workspace:
        chosen = Path(root or os.environ.get("PCM_WORKSPACE") or PROJECT_ROOT).expanduser()
        if chosen.exists() and not chosen.is_dir():
            raise UserError(f"workspace {chosen} is a file, not a folder")
        return cls(chosen.resolve())

    def confine(self, readable: tuple[Path, ...] = (), local_roots: tuple[Path, ...] = ()) -> Workspace:
        """The same workspace with the app's fence up."""
        return Workspace(self.root, confined=True, readable=tuple(Path(p).resolve() for p in readable),
                         local_roots=tuple(Path(p).expanduser().resolve() for p in local_roots))

    # ----- named folders ---------------------------------------------------------------------
    def corpus_dir(self, domain: str, name: str) -> Path:
        if domain not in DOMAINS:
            raise UserError(f"domain must be one of {', '.join(DOMAINS)}, got {shown(domain)}")
        return self._fenced(self.root / "data" / domain / check_name("corpus", name))

    def tokenizer_path(self, name: str) -> Path:
        return self._fenced(self.root / "tokenizers" / check_name("tokenizer", name) / "tokenizer.json")

    def run_dir(self, name: str) -> Path:
        return self._fenced(self.root / "checkpoints" / check_name("run", name))

    @property
    def guarded(self) -> tuple[Path, ...]:
        """Folders no writer may ever replace, whatever it is told: the workspace and the project."""
        return self.root, PROJECT_ROOT

    # ----- paths a person gives ----------------------------------------------------------------
    def path(self, given: str | Path) -> Path:
        """A user-given path: absolute as is, relative to the workspace root otherwise; in a
        confined workspace it must stay inside the root (or a readable folder)."""
        text = str(given)
        if not text.strip() or "\x00" in text:
            raise UserError(f"not a usable path: {text[:80]!r}")
        candidate = Path(text).expanduser() if not self.confined else Path(text)
        candidate = candidate if candidate.is_absolute() else self.root / candidate
        return self._fenced(candidate, extra=self.readable)

    def source_path(self, given: str) -> Path:
        """A folder or file the local-files source may read: anywhere from the CLI; in the app only
        under the folders its starter allowed (`python app.py --allow-local DIR`)."""
        if not self.confined:
            return self.path(given)
        if not self.local_roots:
            raise UserError("reading server folders is off in this app; its starter can allow folders "
                            "with `python app.py --allow-local DIR`")
        text = str(given)
        if not text.strip() or "\x00" in text:
            raise UserError(f"not a usable path: {text[:80]!r}")
        resolved = Path(text).resolve()
        if not any(_within(resolved, folder) for folder in self.local_roots):
            raise UserError(f"{text[:120]} is outside the folders this app may read: "
                            + ", ".join(str(p) for p in self.local_roots))
        return resolved

    def _fenced(self, path: Path, extra: tuple[Path, ...] = ()) -> Path:
        """`path` itself, after checking (in a confined workspace) that it resolves inside."""
        if not self.confined:
            return path
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError) as exc:  # a symlink loop
            raise UserError(f"cannot resolve {str(path)[:120]}: {exc}") from None
        if not any(_within(resolved, folder) for folder in (self.root, *extra)):
            raise UserError(f"{str(path)[:120]} is outside the workspace; this app reads and writes only "
                            f"inside {self.root}")
        return resolved

    # ----- listings ----------------------------------------------------------------------------
    def bytes_used(self) -> int:
        """The bytes of everything the workspace produced (corpora, tokenizers, runs); links are
        counted as links, so a link to a large file outside costs nothing."""
        return sum(_bytes_under(self.root / folder) for folder in OUTPUT_FOLDERS)

    def corpora(self, domain: str) -> list[str]:
        return self._listed(self.root / "data" / domain, "manifest.json")

    def runs(self) -> list[str]:
        return self._listed(self.root / "checkpoints", "run.json")

    def _listed(self, folder: Path, marker: str) -> list[str]:
        """Names of the sub-folders holding `marker`; in a confined workspace only those that stay
        inside it (a symlink out of the workspace is not listed, as it could not be opened)."""
        if not folder.is_dir():
            return []
        found = []
        for path in folder.glob(f"*/{marker}"):
            name = path.parent.name
            if _NAME.fullmatch(name) and (not self.confined or _within(path.resolve(), self.root)):
                found.append(name)
        return sorted(found)
