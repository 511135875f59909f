"""policies/carriers/azure.py: where Azure resources keep their schedule, read from the shapes
Pulumi sends (camelCase, floats, typeProperties flattened, Terraform block names)."""

from __future__ import annotations

import pytest

from policies import schedule_registry as registry
from policies import schedules
from policies.values import UNKNOWN
from tests.policies.conftest import run_resource

CLASSIC = "azure:datafactory/triggerSchedule:TriggerSchedule"
NATIVE = "azure-native:datafactory:Trigger"
ML = "azure-native:machinelearningservices:Schedule"


def test_classic_trigger_blocks_become_adf_key_names_with_whole_numbers() -> None:
    props = {
        "frequency": "Month",
        "interval": 1.0,
        "startTime": "2026-01-01T00:00:00Z",
        "timeZone": "UTC",
        "schedule": {
            "hours": [6.0],
            "minutes": [30.0],
            "daysOfMonths": [-1.0],
            "monthlies": [{"weekday": "Friday", "week": -1.0}],
            "daysOfWeeks": None,
        },
        "pipelineName": "forecast",
    }
    spec = registry.read(CLASSIC, props)
    assert spec.expression == {
        "frequency": "Month",
        "interval": 1,
        "startTime": "2026-01-01T00:00:00Z",
        "timeZone": "UTC",
        "schedule": {
            "hours": [6],
            "minutes": [30],
            "monthDays": [-1],
            "monthlyOccurrences": [{"day": "Friday", "occurrence": -1}],
        },
    }
    assert [t.ref for t in spec.targets] == ["forecast"]
    assert spec.enabled is True


def test_classic_utc_start_is_read_back_as_adf_wall_time_in_the_trigger_zone() -> None:
    props = {
        "frequency": "Day",
        "interval": 1.0,
        "startTime": "2026-07-01T04:00:00Z",
        "timeZone": "W. Europe Standard Time",
    }
    assert registry.read(CLASSIC, props).expression["startTime"] == "2026-07-01T06:00:00"


def test_an_unknown_classic_schedule_block_stays_unknown() -> None:
    spec = registry.read(CLASSIC, {"frequency": "Day", "interval": 1.0, "schedule": UNKNOWN})
    assert spec.expression["schedule"] is UNKNOWN


def test_native_recurrence_sits_right_under_properties() -> None:
    props = {
        "properties": {
            "type": "ScheduleTrigger",
            "recurrence": {"frequency": "Hour", "interval": 2.0},
        }
    }
    spec = registry.read(NATIVE, props)
    assert spec.expression == {"frequency": "Hour", "interval": 2}
    assert spec.enabled is False  # azure-native cannot start a trigger


@pytest.mark.parametrize("kind", ["BlobEventsTrigger", "TumblingWindowTrigger", None])
def test_native_triggers_other_than_schedule_triggers_carry_no_schedule(kind) -> None:
    assert registry.read(NATIVE, {"properties": {"type": kind}}) is None


def test_ml_recurrence_drops_the_trigger_type_and_keeps_adf_names() -> None:
    props = {
        "properties": {
            "trigger": {
                "triggerType": "Recurrence",
                "frequency": "Week",
                "interval": 1.0,
                "schedule": {"weekDays": ["Monday"], "hours": [1.0], "minutes": [0.0]},
            }
        }
    }
    # No startTime: Azure ML starts the schedule when it is created; judged from an anchor.
    assert registry.read(ML, props).expression == {
        "frequency": "Week",
        "interval": 1,
        "startTime": "2026-01-01T00:00:00Z",
        "schedule": {"weekDays": ["Monday"], "hours": [1], "minutes": [0]},
    }


def test_ml_cron_triggers_are_read_as_unix_cron_and_judged() -> None:
    props = {"properties": {"trigger": {"triggerType": "Cron", "expression": "0 6 * * *"}}}
    assert run_resource(schedules.EXPRESSION_VALID, ML, props) == [], ML
    bad = {"properties": {"trigger": {"triggerType": "Cron", "expression": "0 6 * *"}}}
    (message,) = run_resource(schedules.EXPRESSION_VALID, ML, bad)
    assert "has 4 fields" in message, (ML, message)


def test_a_disabled_ml_schedule_is_read_as_disabled() -> None:
    props = {
        "properties": {
            "isEnabled": False,
            "trigger": {"triggerType": "Recurrence", "frequency": "Day", "interval": 1.0},
        }
    }
    assert registry.read(ML, props).enabled is False


def _ml(trigger: dict) -> dict:
    return {"properties": {"trigger": {"triggerType": "Recurrence", **trigger}}}


def test_ml_start_time_without_offset_is_azure_mls_own_form_and_passes() -> None:
    # Azure ML's RecurrenceTrigger takes startTime "in ISO 8601 format, but without a UTC offset".
    props = _ml({"frequency": "Day", "interval": 1.0, "startTime": "2026-01-01T06:00:00"})
    assert run_resource(schedules.EXPRESSION_VALID, ML, props) == []
    assert registry.read(ML, props).expression["startTime"] == "2026-01-01T06:00:00Z"


def test_ml_schedule_every_minute_with_offsetless_start_is_judged_for_frequency() -> None:
    props = _ml({"frequency": "Minute", "interval": 1.0, "startTime": "2026-01-01T00:00:00"})
    config = {"enforcementLevel": "mandatory", "minIntervalMinutes": 60, "maxRunsPerDay": 24}
    (message,) = run_resource(schedules.FREQUENCY, ML, props, config)
    assert "1440 runs in 24 h" in message


def test_ml_start_time_in_another_zone_keeps_its_wall_time() -> None:
    props = _ml(
        {
            "frequency": "Day",
            "interval": 1.0,
            "startTime": "2026-01-01T06:00:00",
            "timeZone": "W. Europe Standard Time",
        }
    )
    assert run_resource(schedules.EXPRESSION_VALID, ML, props) == []
    assert registry.read(ML, props).expression["startTime"] == "2026-01-01T06:00:00"
