"""Plan documents built by hand, shaped like `python -m tools.plan --format json` writes them."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest

REFERENCE = datetime(2026, 1, 1, tzinfo=UTC)
STACK = "urn:pulumi:prod::mlsched::"
COMPONENT = "mlsched:ml:ScheduledPipeline"
SCHEDULE_TYPE = "aws:scheduler/schedule:Schedule"


def component_urn(name: str) -> str:
    return f"{STACK}{COMPONENT}::{name}"


def schedule_urn(name: str) -> str:
    return f"{STACK}{COMPONENT}${SCHEDULE_TYPE}::{name}-schedule"


def pipeline_resources(name: str) -> list[dict]:
    return [
        {"urn": component_urn(name), "type": COMPONENT, "name": name, "parent": None},
        {
            "urn": schedule_urn(name),
            "type": SCHEDULE_TYPE,
            "name": f"{name}-schedule",
            "parent": component_urn(name),
        },
        {
            "urn": f"{STACK}{COMPONENT}$aws:iam/role:Role::{name}-role",
            "type": "aws:iam/role:Role",
            "name": f"{name}-role",
            "parent": component_urn(name),
        },
    ]


def schedule(name: str, expression: str = "cron(0 12 * * ? *)", **extra) -> dict:
    entry = {
        "pipeline": name,
        "urn": schedule_urn(name),
        "resource_type": SCHEDULE_TYPE,
        "trigger": "scheduler",
        "expression": expression,
        "timezone": "UTC",
        "enabled": True,
        "description": f"described {expression}",
        "next_runs": ["2026-01-01T12:00:00Z"],
        "max_runs_per_day": 1,
        "min_interval_minutes": 1440.0,
        "never_fires": False,
        "start": None,
        "end": None,
    }
    entry.update(extra)
    return entry


def document(*names: str, stack: str = "prod", verdicts=(), **schedules: str) -> dict:
    """A plan document of `stack` with one pipeline per name; `schedules` overrides expressions."""
    return {
        "schema_version": 1,
        "project": "mlsched",
        "stack": stack,
        "reference_time": "2026-01-01T00:00:00Z",
        "ok": not any(v["enforcement"] == "mandatory" for v in verdicts),
        "error": None,
        "verdicts": list(verdicts),
        "schedules": [
            schedule(n, schedules.get(n.replace("-", "_"), "cron(0 12 * * ? *)")) for n in names
        ],
        "resources": [r for n in names for r in pipeline_resources(n)],
    }


def verdict(policy: str, urn: str | None, enforcement: str = "mandatory", message: str = "m"):
    return {"policy": policy, "enforcement": enforcement, "message": message, "urn": urn}


@pytest.fixture
def docs():
    return {
        "document": document,
        "schedule": schedule,
        "verdict": verdict,
        "schedule_urn": schedule_urn,
        "copy": copy.deepcopy,
    }
