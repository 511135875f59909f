"""Shared builders for the Google Cloud component tests (run under tools.mockrun's mocks)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest

from modules.gcp.model import BucketGrant, FlexTemplate, GcpPipelineConfig, VertexTemplate
from modules.schedule import parse_schedule
from tools.mockrun import StackRun, run_program

PROJECT = "ml-platform-dev"
REGION = "europe-west1"
SPEC = json.dumps(
    {
        "pipelineInfo": {"name": "churn-training"},
        "root": {"dag": {"tasks": {}}},
        "schemaVersion": "2.1.0",
        "sdkVersion": "kfp-2.7.0",
    }
)
VERTEX = VertexTemplate(
    pipeline_root="gs://ml-dev-artifacts/churn/root",
    spec_json=SPEC,
    source="pipelines/churn-training.kfp.json",
)
FLEX = FlexTemplate(
    container_spec_gcs_path="gs://ml-dev-templates/features/spec.json",
    temp_location="gs://ml-dev-artifacts/features/tmp",
    job_name="feature-refresh",
    max_workers=4,
)


def gcp_config(**overrides: Any) -> GcpPipelineConfig:
    base = GcpPipelineConfig(
        name="churn-training",
        cloud="gcp",
        project=PROJECT,
        region=REGION,
        schedule=parse_schedule("0 6 * * 1", "Europe/Berlin", dialect="unix-cron"),
        vertex=VERTEX,
        buckets=(BucketGrant("ml-dev-artifacts", "write"), BucketGrant("ml-dev-data", "read")),
        parameters=(("epochs", "3"), ("input_table", "bq://ml.churn")),
        alert_channels=(f"projects/{PROJECT}/notificationChannels/123",),
    )
    if overrides.get("trigger") == "data-pipelines":
        base = replace(base, name="feature-refresh", vertex=None, flex=FLEX)
    return replace(base, **overrides)


@pytest.fixture
def run() -> Callable[[Callable[[], Any]], StackRun]:
    def _run(build: Callable[[], Any]) -> StackRun:
        return run_program(build)

    return _run


def member_of(result: StackRun, account_name: str) -> str:
    return "serviceAccount:" + result.named(account_name).outputs["email"]


@pytest.fixture(scope="session")
def gcp() -> SimpleNamespace:
    """The builders above, for test modules (importlib mode cannot import conftest by name)."""
    return SimpleNamespace(
        PROJECT=PROJECT,
        REGION=REGION,
        SPEC=SPEC,
        VERTEX=VERTEX,
        FLEX=FLEX,
        config=gcp_config,
        member_of=member_of,
    )
