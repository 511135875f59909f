"""A throw-away `git worktree` of the base ref, removed whatever happens."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class WorktreeError(Exception):
    """The base cannot be checked out; the message says what to do."""


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=False
    )


def repo_root(start: Path) -> Path:
    proc = _git(start, "rev-parse", "--show-toplevel")
    if proc.returncode != 0:
        raise WorktreeError(
            f"{start} is not inside a git repository; run mlsched diff from a clone of the "
            "repository"
        )
    return Path(proc.stdout.strip())


def resolve(repo: Path, ref: str) -> str:
    """The commit `ref` names; a clear error for a ref that is unknown here."""
    if not ref or ref.startswith("-"):
        raise WorktreeError(f"--base {ref!r} is not a git ref; give e.g. --base origin/main")
    proc = _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    if proc.returncode != 0:
        raise WorktreeError(
            f"--base {ref!r} names no commit in {repo}; fetch it first "
            "(e.g. git fetch origin main, or actions/checkout with fetch-depth: 0)"
        )
    return proc.stdout.strip()


@contextmanager
def checkout(repo: Path, commit: str) -> Iterator[Path]:
    """A detached worktree of `commit` in a fresh temporary folder, removed on exit (also on
    an exception or Ctrl-C), and its administrative entry pruned, so nothing is left behind."""
    holder = Path(tempfile.mkdtemp(prefix="mlsched-diff-"))
    path = holder / "base"
    proc = _git(repo, "worktree", "add", "--detach", "--quiet", str(path), commit)
    try:
        if proc.returncode != 0:
            raise WorktreeError(f"git worktree add of {commit[:12]} failed: {proc.stderr.strip()}")
        yield path
    finally:
        if path.exists():
            _git(repo, "worktree", "remove", "--force", str(path))
        shutil.rmtree(holder, ignore_errors=True)
        _git(repo, "worktree", "prune")
