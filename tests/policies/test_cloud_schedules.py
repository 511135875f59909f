"""Azure and Google Cloud schedules a user might write, in the shapes Pulumi sends and hostile
ones: every schedule-bearing type is judged (Azure ML cron and recurrence triggers, Data Factory
schedule and tumbling window triggers of both providers, Google's three carriers), and each is
linked to its pipeline's expected duration for schedule-overlap."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from policies import schedule_reading, schedule_registry, timing
from tests.policies.conftest import urn
from tools.policy_client import UNKNOWN, PolicyClient, Resource

PINNED = {"referenceTime": "2026-01-01T00:00:00Z"}
ML = "azure-native:machinelearningservices:Schedule"
NATIVE = "azure-native:datafactory:Trigger"
CLASSIC = "azure:datafactory/triggerSchedule:TriggerSchedule"
TUMBLING = "azure:datafactory/triggerTumblingWindow:TriggerTumblingWindow"
ADF_PIPELINE = "azure-native:datafactory:Pipeline"
CLASSIC_PIPELINE = "azure:datafactory/pipeline:Pipeline"
VERTEX = "gcp:colab/schedule:Schedule"
DATA_PIPELINE = "gcp:dataflow/pipeline:Pipeline"
JOB = "gcp:cloudscheduler/job:Job"


def _runs_per_day(type_: str, props: dict[str, Any]) -> int:
    spec = schedule_registry.read(type_, props)
    assert spec is not None, (urn(type_, "r"), props)
    schedule_reading.require_known(spec)
    reference = datetime(2026, 1, 1, tzinfo=UTC)
    return schedule_reading.figures(schedule_reading.analysis(spec, reference)).max_runs_per_24h


def ml(trigger: dict[str, Any], tags: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "workspaceName": "ws",
        "resourceGroupName": "ml",
        "properties": {"trigger": trigger, "isEnabled": True, "tags": tags or {}},
    }


# --- every schedule-bearing type is judged -------------------------------------------------------
@pytest.mark.parametrize(
    ("type_", "props", "per_day"),
    [
        (
            ML,
            ml(
                {
                    "triggerType": "Cron",
                    "expression": "*/5 * * * *",
                    "timeZone": "W. Europe Standard Time",
                }
            ),
            288,
        ),
        (ML, ml({"triggerType": "cron", "expression": "0 5 * * *"}), 1),
        (ML, ml({"triggerType": "Recurrence", "frequency": "Hour", "interval": 2.0}), 12),
        (
            NATIVE,
            {
                "properties": {
                    "type": "TumblingWindowTrigger",
                    "frequency": "Minute",
                    "interval": 15.0,
                    "startTime": "2026-01-01T00:00:00Z",
                    "maxConcurrency": 50.0,
                    "pipeline": {"pipelineReference": {"referenceName": "p"}},
                }
            },
            96,
        ),
        (
            NATIVE,
            {
                "properties": {
                    "type": "scheduletrigger",
                    "recurrence": {
                        "frequency": "Minute",
                        "interval": 10.0,
                        "startTime": "2026-01-01T00:00:00Z",
                    },
                }
            },
            144,
        ),
        (
            NATIVE,
            {
                "properties": {
                    "type": "ScheduleTrigger",
                    "typeProperties": {
                        "recurrence": {
                            "frequency": "Hour",
                            "interval": 1.0,
                            "startTime": "2026-01-01T00:00:00Z",
                        }
                    },
                }
            },
            24,
        ),
        (
            TUMBLING,
            {
                "frequency": "Minute",
                "interval": 5.0,
                "startTime": "2026-01-01T00:00:00Z",
                "pipeline": {"name": "p"},
            },
            288,
        ),
        (CLASSIC, {"frequency": "Hour", "interval": 1.0, "pipelineName": "p"}, 24),
        (DATA_PIPELINE, {"scheduleInfo": {"schedule": "* */2 * * *", "timeZone": ""}}, 720),
        (JOB, {"schedule": "*/30 * * * *", "timeZone": " "}, 48),
    ],
)
def test_every_azure_and_google_schedule_shape_is_judged_by_its_runs(type_, props, per_day) -> None:
    assert _runs_per_day(type_, props) == per_day, (urn(type_, "r"), props)


def test_an_azure_ml_cron_trigger_reads_its_windows_zone_as_the_iana_zone() -> None:
    props = ml(
        {"triggerType": "Cron", "expression": "0 5 * * *", "timeZone": "W. Europe Standard Time"}
    )
    spec = schedule_registry.read(ML, props)
    assert spec is not None
    assert (spec.dialect, spec.timezone) == ("unix-cron", "Europe/Berlin"), urn(ML, "r")


def test_an_azure_ml_cron_trigger_with_a_bad_zone_is_reported_on_the_zone() -> None:
    props = ml({"triggerType": "Cron", "expression": "0 5 * * *", "timeZone": "Mars Time"})
    spec = schedule_registry.read(ML, props)
    assert spec is not None
    with pytest.raises(schedule_reading.ScheduleProblem) as caught:
        schedule_reading.parse(spec)
    assert caught.value.key == "properties.trigger.timeZone", (urn(ML, "r"), caught.value)


def test_a_data_pipeline_schedule_block_in_the_wrong_shape_is_reported_not_passed() -> None:
    spec = schedule_registry.read(DATA_PIPELINE, {"scheduleInfo": [{"schedule": "* * * * *"}]})
    assert spec is not None, urn(DATA_PIPELINE, "r")
    with pytest.raises(schedule_reading.ScheduleProblem) as caught:
        schedule_reading.parse(spec)
    assert "must be a string" in str(caught.value), urn(DATA_PIPELINE, "r")


def test_event_triggers_are_still_not_schedules() -> None:
    props = {
        "properties": {"type": "BlobEventsTrigger", "events": ["Microsoft.Storage.BlobCreated"]}
    }
    assert schedule_registry.read(NATIVE, props) is None, urn(NATIVE, "r")


# --- schedule-overlap reads every cloud's expected duration --------------------------------------
def _overlap(stack) -> list[tuple[str, str]]:
    return stack.run(timing.OVERLAP, PINNED)


@pytest.mark.parametrize("pipeline_type", [ADF_PIPELINE, CLASSIC_PIPELINE])
def test_an_adf_trigger_overlaps_its_pipeline_by_the_pipelines_annotation(
    stack, pipeline_type
) -> None:
    key = "pipelineName" if pipeline_type == ADF_PIPELINE else "name"
    pipe = stack.add(
        pipeline_type,
        "adf",
        {key: "forecast", "annotations": ["mlsched", "mlsched:expectedDuration=90m"]},
    )
    stack.add(
        CLASSIC,
        "by-dependency",
        {
            "frequency": "Hour",
            "interval": 1.0,
            "startTime": "2026-01-01T00:00:00Z",
            "pipelineName": UNKNOWN,
        },
        pipelineName=[pipe],
    )
    # By name, in another case (ADF pipeline names are case-insensitive); azure-native
    # triggers never start (pulumi-azure-native#3540), so only started ones can overlap.
    stack.add(
        CLASSIC,
        "by-name",
        {
            "frequency": "Minute",
            "interval": 30.0,
            "startTime": "2026-01-01T00:00:00Z",
            "pipelineName": "Forecast",
        },
    )
    stack.add(
        NATIVE,
        "never-started",
        {
            "properties": {
                "type": "ScheduleTrigger",
                "recurrence": {
                    "frequency": "Hour",
                    "interval": 1.0,
                    "startTime": "2026-01-01T00:00:00Z",
                },
                "pipelines": [{"pipelineReference": {"referenceName": "forecast"}}],
            }
        },
    )
    found = _overlap(stack)
    assert sorted(u for _, u in found) == ["by-dependency", "by-name"], (pipe, found)
    assert all("annotation mlsched:expectedDuration" in m for m, _ in found), (pipe, found)
    assert all("Data Factory queues the run" in m for m, _ in found), (pipe, found)


def test_an_adf_trigger_of_a_pipeline_of_the_same_name_in_another_cloud_is_not_linked(
    stack,
) -> None:
    tags = [{"key": "mlsched:expectedDuration", "value": "90m"}]
    stack.add("aws-native:sagemaker:Pipeline", "sm", {"pipelineName": "forecast", "tags": tags})
    stack.add(
        CLASSIC,
        "t",
        {
            "frequency": "Hour",
            "interval": 1.0,
            "startTime": "2026-01-01T00:00:00Z",
            "pipelineName": "forecast",
        },
    )
    assert _overlap(stack) == []


def _body(labels: dict[str, str]) -> str:
    return base64.b64encode(json.dumps({"displayName": "x", "labels": labels}).encode()).decode()


LABEL = {"mlsched-expected-duration": "90m"}


@pytest.mark.parametrize(
    ("type_", "props"),
    [
        (
            ML,
            ml(
                {"triggerType": "Cron", "expression": "0 * * * *"},
                {"mlsched:expectedDuration": "90m"},
            ),
        ),
        (
            VERTEX,
            {
                "cron": "TZ=Europe/Berlin 0 * * * *",
                "desiredState": "ACTIVE",
                "createPipelineJobRequest": {"pipelineJob": {"displayName": "x", "labels": LABEL}},
            },
        ),
        (
            JOB,
            {
                "schedule": "0 * * * *",
                "timeZone": "UTC",
                "httpTarget": {"uri": "https://x", "body": _body(LABEL)},
            },
        ),
        (
            DATA_PIPELINE,
            {
                "name": "x",
                "state": "STATE_ACTIVE",
                "scheduleInfo": {"schedule": "0 * * * *"},
                "workload": {
                    "dataflowFlexTemplateRequest": {
                        "launchParameter": {"environment": {"additionalUserLabels": LABEL}}
                    }
                },
            },
        ),
    ],
)
def test_a_schedule_that_defines_its_job_inline_overlaps_by_its_own_label(
    stack, type_, props
) -> None:
    target = stack.add(type_, "s", props)
    found = _overlap(stack)
    assert [u for _, u in found] == ["s"], (target, found)
    assert "one run takes about 90 min" in found[0][0], (target, found)


def test_a_cloud_scheduler_body_that_is_not_base64_json_declares_no_duration(stack) -> None:
    stack.add(JOB, "s", {"schedule": "0 * * * *", "httpTarget": {"uri": "https://x", "body": "%%"}})
    assert _overlap(stack) == []


# --- over the protocol -----------------------------------------------------------------------
def _resource(type_: str, name: str, inputs: dict[str, Any]) -> Resource:
    return Resource(
        urn=f"urn:pulumi:prod::mlsched::{type_}::{name}", type=type_, name=name, inputs=inputs
    )


def test_a_five_minute_azure_ml_cron_is_too_frequent_in_prod_over_the_protocol(
    pack_clients: dict[str, PolicyClient],
) -> None:
    resource = _resource(
        ML, "ml", ml({"triggerType": "Cron", "expression": "*/5 * * * *", "timeZone": "UTC"})
    )
    found = pack_clients["prod"].analyze(resource)
    policies = {v.policy for v in found if v.enforcement == "mandatory"}
    assert "schedule-frequency" in policies, (resource.urn, found)
    assert "schedule-expression-valid" not in policies, (resource.urn, found)


def test_a_daily_azure_ml_cron_passes_prod_over_the_protocol(
    pack_clients: dict[str, PolicyClient],
) -> None:
    resource = _resource(
        ML, "ml", ml({"triggerType": "Cron", "expression": "0 5 * * *", "timeZone": "UTC"})
    )
    found = [v for v in pack_clients["prod"].analyze(resource) if v.policy.startswith("schedule-")]
    assert found == [], (resource.urn, found)


def test_a_five_minute_tumbling_window_is_too_frequent_in_prod_over_the_protocol(
    pack_clients: dict[str, PolicyClient],
) -> None:
    resource = _resource(
        TUMBLING,
        "tw",
        {
            "frequency": "Minute",
            "interval": 5.0,
            "startTime": "2026-01-01T00:00:00Z",
            "pipeline": {"name": "p"},
            "activated": True,
        },
    )
    found = pack_clients["prod"].analyze(resource)
    assert any(v.policy == "schedule-frequency" and v.enforcement == "mandatory" for v in found), (
        resource.urn,
        found,
    )


def test_expected_duration_of_azure_and_google_pipelines_reaches_the_overlap_policy_in_a_preview(
    pack_clients: dict[str, PolicyClient],
) -> None:
    from pathlib import Path

    from tests.policies.test_protocol import _preview
    from tools.mockrun import read_project_name, read_stack_config, run_stack

    stack_dir = Path(__file__).resolve().parents[2] / "stacks" / "prod"
    raw = read_stack_config(stack_dir, "prod", read_project_name(stack_dir))
    entries = json.loads(raw["mlsched:pipelines"])
    others = [p for p in entries if p.get("cloud") in ("azure", "gcp")]
    assert others, "stacks/prod has Azure and Google Cloud pipelines"
    pipelines = [
        {**p, "expectedDuration": "8d"} if p.get("cloud") in ("azure", "gcp") else p
        for p in entries
    ]
    run = run_stack(stack_dir, "prod", config={"pipelines": pipelines})
    found = pack_clients["prod"].analyze_stack(_preview(run.resources))
    overlaps = {v.urn.rsplit("::", 1)[-1]: v for v in found if v.policy == "schedule-overlap"}
    carriers = {
        r.urn.rsplit("::", 1)[-1]
        for r in run.resources
        if schedule_registry.carrier_for(r.type) is not None and r.type.startswith(("azure", "gcp"))
    }
    assert len(carriers) == len(others), carriers
    assert set(overlaps) == carriers, (
        sorted(carriers),
        {k: v.message for k, v in overlaps.items()},
    )
    for name, violation in overlaps.items():
        assert violation.enforcement == "mandatory", (name, "policies/config/prod.json")
        assert "one run takes about 192 h" in violation.message, (name, violation.message)
