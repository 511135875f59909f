"""Shared loading of the workflow files and the contract helpers the tests apply to them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
GITHUB_DIR = REPO_ROOT / ".github"
WORKFLOWS_DIR = GITHUB_DIR / "workflows"
ACTIONS_DIR = GITHUB_DIR / "actions"

# `uses: owner/repo[/path]@<40 hex> # vX.Y.Z` and nothing looser.
PINNED_USES = re.compile(
    r"^\s*(?:-\s+)?uses:\s+(?P<action>[\w.-]+/[\w.-]+(?:/[\w./-]+)?)@(?P<sha>[0-9a-f]{40})"
    r"\s+#\s+(?P<tag>v\d+\.\d+\.\d+)\s*$"
)
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s+(?P<ref>\S+)")


def load_yaml(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path} is not a YAML mapping"
    return data


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    """The `on:` block; PyYAML (YAML 1.1) reads the bare key `on` as boolean True."""
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    assert isinstance(on, dict), "workflow has no `on:` block"
    return on


def iter_steps(workflow: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for job_id, job in workflow.get("jobs", {}).items():
        for step in job.get("steps", []):
            yield job_id, step


def uses_name(step: dict[str, Any]) -> str:
    """`owner/repo` of a step's action, without ref; '' for run steps."""
    ref = step.get("uses", "")
    return ref.split("@", 1)[0]


def steps_using(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in job.get("steps", []) if uses_name(s) == action]


def unpinned_uses(text: str) -> list[str]:
    """Every `uses:` line that is neither self-repository (`$/`) nor a commented SHA pin."""
    bad = []
    for line in text.splitlines():
        m = USES_LINE.match(line)
        if m and not m.group("ref").startswith("$/") and not PINNED_USES.match(line):
            bad.append(line.strip())
    return bad


def expressions_in_run(document: dict[str, Any]) -> list[str]:
    """`run:` scripts (workflow jobs or composite action steps) that contain `${{`."""
    steps: list[tuple[str, dict[str, Any]]] = list(iter_steps(document))
    steps += [("composite", s) for s in document.get("runs", {}).get("steps", [])]
    return [f"{job}: {s.get('name', s['run'])}" for job, s in steps if "${{" in s.get("run", "")]


@pytest.fixture(scope="session")
def workflow_paths() -> list[Path]:
    paths = sorted(WORKFLOWS_DIR.glob("*.yml")) + sorted(WORKFLOWS_DIR.glob("*.yaml"))
    assert paths, f"no workflows under {WORKFLOWS_DIR}"
    return paths


@pytest.fixture(scope="session")
def workflows(workflow_paths) -> dict[str, dict[str, Any]]:
    return {p.name: load_yaml(p) for p in workflow_paths}


@pytest.fixture(scope="session")
def action_paths() -> list[Path]:
    return sorted(ACTIONS_DIR.glob("*/action.yml"))


@pytest.fixture(scope="session")
def setup_action() -> dict[str, Any]:
    return load_yaml(ACTIONS_DIR / "setup" / "action.yml")


@pytest.fixture(scope="session")
def gh() -> SimpleNamespace:
    """The helpers above, for test modules (importlib mode cannot import conftest by name)."""
    return SimpleNamespace(
        REPO_ROOT=REPO_ROOT,
        GITHUB_DIR=GITHUB_DIR,
        load_yaml=load_yaml,
        triggers=triggers,
        iter_steps=iter_steps,
        uses_name=uses_name,
        steps_using=steps_using,
        unpinned_uses=unpinned_uses,
        expressions_in_run=expressions_in_run,
    )
