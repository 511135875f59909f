"""Hand-built plans for renderer and CLI tests (no Pulumi, no policy pack)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tools.plan.model import ResourceEntry, ScheduleEntry, StackPlan, Verdict

REFERENCE = datetime(2026, 1, 1, tzinfo=UTC)
STACK_URN = "urn:pulumi:prod::mlsched::"
COMPONENT_URN = STACK_URN + "mlsched:ml:ScheduledPipeline::churn-training"
SCHEDULE_URN = (
    STACK_URN
    + "mlsched:ml:ScheduledPipeline$aws:scheduler/schedule:Schedule::churn-training-schedule"
)
PIPELINE_URN = (
    STACK_URN
    + "mlsched:ml:ScheduledPipeline$aws-native:sagemaker:Pipeline::churn-training-pipeline"
)


def _schedule(pipeline: str = "churn-training", **overrides) -> ScheduleEntry:
    runs = tuple(REFERENCE + timedelta(hours=12, days=i) for i in range(5))
    berlin = ZoneInfo("Europe/Berlin")
    values = {
        "pipeline": pipeline,
        "urn": SCHEDULE_URN,
        "resource_type": "aws:scheduler/schedule:Schedule",
        "trigger": "scheduler",
        "expression": "cron(0 13 * * ? *)",
        "timezone": "Europe/Berlin",
        "enabled": True,
        "description": "At 13:00 Europe/Berlin, every day",
        "next_runs": runs,
        "next_runs_local": tuple(r.astimezone(berlin) for r in runs),
        "max_runs_per_day": 1,
        "min_interval_minutes": 1440.0,
        "never_fires": False,
    }
    values.update(overrides)
    return ScheduleEntry(**values)


def _resources() -> tuple[ResourceEntry, ...]:
    return (
        ResourceEntry(COMPONENT_URN, "mlsched:ml:ScheduledPipeline", "churn-training", None, False),
        ResourceEntry(
            PIPELINE_URN,
            "aws-native:sagemaker:Pipeline",
            "churn-training-pipeline",
            COMPONENT_URN,
            True,
            protect=True,
        ),
        ResourceEntry(
            SCHEDULE_URN,
            "aws:scheduler/schedule:Schedule",
            "churn-training-schedule",
            COMPONENT_URN,
            True,
        ),
    )


@pytest.fixture
def make_schedule():
    return _schedule


@pytest.fixture
def ok_plan() -> StackPlan:
    return StackPlan(
        project="mlsched",
        stack="prod",
        reference_time=REFERENCE,
        resources=_resources(),
        schedules=(_schedule(),),
        verdicts=(
            Verdict(
                "schedule-time-zone",
                "advisory",
                "set a time zone | or use UTC",
                SCHEDULE_URN,
                "Schedules name their time zone.",
            ),
        ),
        outputs={
            "pipelineArns": {"churn-training": "arn:aws:sagemaker:::pipeline/x"},
            "n": object(),
        },
        policy_config="policies/config/prod.json",
    )


@pytest.fixture
def failing_plan(ok_plan: StackPlan) -> StackPlan:
    from dataclasses import replace

    return replace(
        ok_plan,
        schedules=(
            _schedule(
                expression="rate(5 minutes)",
                timezone="UTC",
                description="Every 5 minutes",
                max_runs_per_day=288,
                min_interval_minutes=5.0,
            ),
        ),
        verdicts=(
            Verdict(
                "schedule-min-interval",
                "mandatory",
                "runs every 5 min (288 runs/day); this stack allows at least 60 min",
                SCHEDULE_URN,
                "Schedules do not fire too often.",
            ),
            *ok_plan.verdicts,
        ),
    )


@pytest.fixture
def error_plan() -> StackPlan:
    return StackPlan(
        project="mlsched",
        stack="staging",
        reference_time=REFERENCE,
        error=(
            "stack staging, pipeline churn-training, key schedule: minutes '*/60' is out of range"
        ),
    )


@pytest.fixture(autouse=True)
def _plain_width(monkeypatch: pytest.MonkeyPatch) -> None:
    """The plain view takes its width from COLUMNS; test runners and CI set it to anything."""
    monkeypatch.delenv("COLUMNS", raising=False)
