"""modules.gcp.vertex_schedule.VertexPipelineSchedule under mocks: the Vertex AI Schedule API."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from modules.gcp.model import VertexTemplate
from modules.gcp.vertex_schedule import (
    VertexPipelineSchedule,
    VertexPipelineScheduleArgs,
    rfc3339,
    vertex_cron,
)

RUN_ACCOUNT = "churn-run@ml-platform-dev.iam.gserviceaccount.com"


def build(template: VertexTemplate, **kwargs: Any) -> Callable[[], None]:
    def program() -> None:
        args = VertexPipelineScheduleArgs(
            project="ml-platform-dev",
            region="europe-west1",
            cron="0 6 * * 1",
            template=template,
            service_account=RUN_ACCOUNT,
            **kwargs,
        )
        VertexPipelineSchedule("churn-vertex", args)

    return program


def test_the_schedule_is_the_colab_schedule_resource_of_pulumi_gcp_10(run, gcp) -> None:
    schedule = run(build(gcp.VERTEX)).named("churn-vertex-schedule")
    assert schedule.type == "gcp:colab/schedule:Schedule", schedule.urn
    assert schedule.inputs["location"] == "europe-west1", schedule.urn


def test_the_time_zone_travels_as_a_tz_prefix_of_the_cron(run, gcp) -> None:
    schedule = run(build(gcp.VERTEX, time_zone="Europe/Berlin")).named("churn-vertex-schedule")
    assert schedule.inputs["cron"] == "TZ=Europe/Berlin 0 6 * * 1", schedule.urn


def test_runs_never_overlap_by_default(run, gcp) -> None:
    inputs = run(build(gcp.VERTEX)).named("churn-vertex-schedule").inputs
    assert inputs["maxConcurrentRunCount"] == "1"
    assert inputs["maxConcurrentActiveRunCount"] == "1"
    assert inputs["allowQueueing"] is False


def test_enabled_maps_to_desired_state_active_and_paused(run, gcp) -> None:
    active = run(build(gcp.VERTEX)).named("churn-vertex-schedule")
    paused = run(build(gcp.VERTEX, enabled=False)).named("churn-vertex-schedule")
    assert active.inputs["desiredState"] == "ACTIVE", active.urn
    assert paused.inputs["desiredState"] == "PAUSED", paused.urn


def test_window_and_run_count_are_passed_in_rfc3339_and_as_text(run, gcp) -> None:
    berlin = timezone(timedelta(hours=1))
    program = build(
        gcp.VERTEX,
        start_time=datetime(2026, 2, 1, 7, 0, tzinfo=berlin),
        end_time=datetime(2026, 12, 31, tzinfo=UTC),
        max_run_count=40,
    )
    inputs = run(program).named("churn-vertex-schedule").inputs
    assert inputs["startTime"] == "2026-02-01T06:00:00Z"
    assert inputs["endTime"] == "2026-12-31T00:00:00Z"
    assert inputs["maxRunCount"] == "40"


def test_unset_window_and_run_count_are_left_to_vertex(run, gcp) -> None:
    inputs = run(build(gcp.VERTEX)).named("churn-vertex-schedule").inputs
    assert not {"startTime", "endTime", "maxRunCount"} & inputs.keys()


def test_the_pipeline_job_request_runs_as_the_dedicated_account(run, gcp) -> None:
    program = build(gcp.VERTEX, parameter_values=(("epochs", "3"),), labels=(("team", "ml"),))
    schedule = run(program).named("churn-vertex-schedule")
    request = schedule.inputs["createPipelineJobRequest"]
    assert request["parent"] == "projects/ml-platform-dev/locations/europe-west1", schedule.urn
    job = request["pipelineJob"]
    assert job["serviceAccount"] == RUN_ACCOUNT, schedule.urn
    assert json.loads(job["pipelineSpec"]) == json.loads(gcp.SPEC)
    assert job["runtimeConfig"] == {
        "gcsOutputDirectory": "gs://ml-dev-artifacts/churn/root",
        "parameterValues": {"epochs": "3"},
    }
    assert job["labels"] == {"team": "ml"}


def test_a_template_registry_uri_replaces_the_inline_spec(run) -> None:
    uri = "https://europe-west1-kfp.pkg.dev/ml-platform-dev/pipelines/churn/v3"
    template = VertexTemplate(pipeline_root="gs://b/root", template_uri=uri)
    job = run(build(template)).named("churn-vertex-schedule").inputs["createPipelineJobRequest"]
    assert job["pipelineJob"]["templateUri"] == uri
    assert "pipelineSpec" not in job["pipelineJob"]


def test_outputs_are_the_schedule_resource_name(run, gcp) -> None:
    result = run(build(gcp.VERTEX))
    component = result.named("churn-vertex")
    assert component.outputs == {
        "schedule_name": result.named("churn-vertex-schedule").outputs["name"]
    }, component.urn


def test_helpers_format_the_cron_and_an_absent_time() -> None:
    assert vertex_cron("*/15 * * * *", "Etc/UTC") == "TZ=Etc/UTC */15 * * * *"
    assert rfc3339(None) is None
