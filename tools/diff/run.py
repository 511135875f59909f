"""Plan the base and the head at once, each as its own `python -m tools.plan` process.

Each side runs its own code from its own tree (the base worktree's stacks, modules, policy pack
and plan; the working tree's), with the environment's interpreter and packages. Two processes
use both cores, so the diff costs about one plan, not two (see `make bench-plan`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class PlanResult:
    code: int
    document: dict[str, Any] | None
    stderr: str


def plan_argv(stacks: Sequence[str], at: str, out: Path | None, policies: bool) -> list[str]:
    argv = [sys.executable, "-m", "tools.plan", "--format", "json", "--at", at]
    for stack in stacks:
        argv += ["--stack", stack]
    if out is not None:
        argv += ["--out", str(out)]
    if not policies:
        argv.append("--no-policies")
    return argv


def _env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    # `-m` puts the working directory first on sys.path; PYTHONPATH says so again, ahead of the
    # editable install of the working tree, so the base imports its own modules.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(root), env.get("PYTHONPATH"))))
    return env


def run_plans(
    sides: Sequence[tuple[Path, Sequence[str], Path | None]], at: str, policies: bool
) -> list[PlanResult | None]:
    """Plan each (root, stacks, out) side in parallel; None for a side with no stack to plan."""
    with tempfile.TemporaryDirectory(prefix="mlsched-diff-plans-") as scratch:
        procs: list[tuple[subprocess.Popen[bytes], Path, Path] | None] = []
        try:
            for i, (root, stacks, out) in enumerate(sides):
                if not stacks:
                    procs.append(None)
                    continue
                stdout = Path(scratch) / f"{i}.json"
                stderr = Path(scratch) / f"{i}.err"
                with stdout.open("wb") as fo, stderr.open("wb") as fe:
                    proc = subprocess.Popen(
                        plan_argv(stacks, at, out, policies),
                        cwd=root,
                        env=_env(root),
                        stdout=fo,
                        stderr=fe,
                        stdin=subprocess.DEVNULL,
                    )
                procs.append((proc, stdout, stderr))
            results: list[PlanResult | None] = []
            for item in procs:
                if item is None:
                    results.append(None)
                    continue
                proc, stdout, stderr = item
                code = proc.wait()
                results.append(_result(code, stdout, stderr))
            return results
        finally:
            for item in procs:
                if item is not None and item[0].poll() is None:
                    item[0].terminate()
                    try:
                        item[0].wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        item[0].kill()
                        item[0].wait()


def _result(code: int, stdout: Path, stderr: Path) -> PlanResult:
    text = stdout.read_text(encoding="utf-8", errors="replace")
    err = stderr.read_text(encoding="utf-8", errors="replace")
    try:
        document = json.loads(text) if text.strip() else None
    except json.JSONDecodeError:
        document = None
    if document is not None and not isinstance(document, dict):
        document = None
    return PlanResult(code, document, err)
