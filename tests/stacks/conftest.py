"""Run each stack program once per test session, exactly as `pulumi preview` would."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.mockrun import StackRun, run_stack

STACKS_DIR = Path(__file__).resolve().parents[2] / "stacks"
STACKS = ("dev", "staging", "prod")


@pytest.fixture(scope="session")
def stack_runs() -> dict[str, StackRun]:
    return {name: run_stack(STACKS_DIR / name, name) for name in STACKS}


@pytest.fixture
def stacks_dir() -> Path:
    return STACKS_DIR
