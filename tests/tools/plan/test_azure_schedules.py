"""The offline plan reads other clouds' schedules through the carrier registry."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from tools.plan.build import schedule_entries

REFERENCE = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Fake:
    urn: str
    type: str
    name: str
    inputs: dict = field(default_factory=dict)
    parent: str | None = None
    custom: bool = True
    protect: bool = False


def test_a_resource_no_carrier_knows_is_not_a_schedule() -> None:
    assert (
        schedule_entries(
            [Fake("urn:x", "azure-native:monitor:MetricAlert", "a")], reference=REFERENCE
        )
        == ()
    )


def test_an_azure_native_event_trigger_is_not_a_schedule() -> None:
    trigger = Fake(
        "urn:t",
        "azure-native:datafactory:Trigger",
        "t",
        {"properties": {"type": "BlobEventsTrigger"}},
    )
    assert schedule_entries([trigger], reference=REFERENCE) == ()


def test_an_adf_trigger_is_planned_under_its_pipeline_with_cloud_and_dialect() -> None:
    pytest.importorskip("modules.schedule.adf", reason="needs the adf-recurrence dialect")
    component = Fake("urn:p", "mlsched:azure:ScheduledPipeline", "demand-forecast", custom=False)
    trigger = Fake(
        "urn:t",
        "azure:datafactory/triggerSchedule:TriggerSchedule",
        "demand-forecast-trigger-schedule",
        {
            "frequency": "Day",
            "interval": 1.0,
            "startTime": "2026-01-02T04:00:00Z",
            "timeZone": "W. Europe Standard Time",
            "schedule": {"hours": [5.0], "minutes": [0.0]},
            "activated": True,
        },
        parent="urn:p",
    )
    (entry,) = schedule_entries([component, trigger], reference=REFERENCE)
    assert (entry.pipeline, entry.cloud, entry.dialect) == (
        "demand-forecast",
        "azure",
        "adf-recurrence",
    )
    assert entry.enabled is True
    assert entry.next_runs[0] == datetime(2026, 1, 2, 4, 0, tzinfo=UTC)
    assert entry.max_runs_per_day == 1
