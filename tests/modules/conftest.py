"""Shared fixtures for the component and config tests (tests/modules/schedule has its own)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tools.mockrun import CapturedResource, StackRun, run_program

REFERENCE = datetime(2026, 1, 1, tzinfo=UTC)
ACCOUNT = "123456789012"

DEFINITION = {
    "Version": "2020-12-01",
    "Parameters": [
        {"Name": "InputPath", "Type": "String", "DefaultValue": "s3://bucket/in"},
        {"Name": "Epochs", "Type": "Integer", "DefaultValue": 1},
        {"Name": "Rate", "Type": "Float", "DefaultValue": 0.1},
        {"Name": "Debug", "Type": "Boolean", "DefaultValue": False},
        {"Name": "input_prefix", "Type": "String", "DefaultValue": "x"},
    ],
    "Steps": [
        {
            "Name": "Prepare",
            "Type": "Processing",
            "Arguments": {
                "RoleArn": "${ExecutionRoleArn}",
                "ProcessingResources": {
                    "ClusterConfig": {
                        "InstanceType": "ml.m5.large",
                        "InstanceCount": 1,
                        "VolumeSizeInGB": 30,
                    }
                },
                "AppSpecification": {"ImageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/x"},
            },
        }
    ],
}


@pytest.fixture
def reference() -> datetime:
    return REFERENCE


@pytest.fixture
def definition_dir(tmp_path: Path) -> Path:
    """A stack-like folder with `pipeline.json` (valid) next to it."""
    (tmp_path / "pipeline.json").write_text(json.dumps(DEFINITION))
    return tmp_path


@pytest.fixture
def run() -> Callable[..., StackRun]:
    def _run(build: Callable[[], Any], region: str = "us-east-1") -> StackRun:
        return run_program(build, config={"aws:region": region})

    return _run


def policy(resource: CapturedResource, key: str = "policy") -> dict[str, Any]:
    return json.loads(resource.inputs[key])


@pytest.fixture
def document() -> Callable[[CapturedResource, str], dict[str, Any]]:
    """Parse a JSON policy input of a captured resource."""
    return policy
