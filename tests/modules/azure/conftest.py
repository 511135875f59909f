"""Shared fixtures for the Azure component tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from modules.azure.config import AzurePipelineConfig, FactoryConfig, PipelineParameter
from tools.mockrun import StackRun, run_program

SUBSCRIPTION = "22222222-2222-4222-8222-222222222222"
WORKSPACE_ID = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/ml-rg/providers/"
    "Microsoft.MachineLearningServices/workspaces/ml-ws"
)
ENDPOINT = "https://churn.westeurope.inference.ml.azure.com/jobs"
ACTION_GROUP = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/ops/providers/microsoft.insights/"
    "actionGroups/oncall"
)
DAILY = {
    "frequency": "Day",
    "interval": 1,
    "startTime": "2026-01-01T00:00:00Z",
    "schedule": {"hours": [6], "minutes": [0]},
}


def pipeline_config(**overrides: Any) -> AzurePipelineConfig:
    values: dict[str, Any] = {
        "name": "churn-scoring",
        "workspace_id": WORKSPACE_ID,
        "cloud": "azure",
        # The components never read the parsed schedule; config tests build real ones.
        "schedule": None,
        "recurrence": {**DAILY, "startTime": "2026-01-01T07:00:00"},
        "time_zone": "W. Europe Standard Time",
        "start_utc": "2026-01-01T06:00:00Z",
        "factory": FactoryConfig("mlsched-test-adf", "rg"),
        "endpoint_uri": ENDPOINT,
        "pipeline_parameters": (
            PipelineParameter("region", "String", "eu"),
            PipelineParameter("epochs", "Int", 3),
        ),
        "parameters": (("region", "eu-west"),),
        "alert_actions": (ACTION_GROUP,),
    }
    values.update(overrides)
    return AzurePipelineConfig(**values)


@pytest.fixture
def run() -> Callable[..., StackRun]:
    def _run(build: Callable[[], Any]) -> StackRun:
        return run_program(build, config={"azure-native:location": "westeurope"})

    return _run
