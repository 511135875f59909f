"""modules.gcp.scheduler_job.SchedulerPipelineJob under mocks: Cloud Scheduler -> Vertex AI."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from modules.gcp.model import RetryPolicy, VertexTemplate
from modules.gcp.scheduler_job import (
    SchedulerPipelineJob,
    SchedulerPipelineJobArgs,
    pipeline_job_body,
)

RUN = "churn-run@ml-platform-dev.iam.gserviceaccount.com"
CALLER = "churn-sched@ml-platform-dev.iam.gserviceaccount.com"


def build(template: VertexTemplate, **kwargs: Any) -> Callable[[], None]:
    def program() -> None:
        args = SchedulerPipelineJobArgs(
            project="ml-platform-dev",
            region="europe-west1",
            cron="0 6 * * 1",
            template=template,
            run_service_account=RUN,
            caller_service_account=CALLER,
            time_zone="Europe/Berlin",
            **kwargs,
        )
        SchedulerPipelineJob("churn-scheduler", args)

    return program


def decoded_body(job) -> dict:
    return json.loads(base64.b64decode(job.inputs["httpTarget"]["body"]))


def test_the_job_posts_to_vertex_ai_pipeline_jobs_in_its_region(run, gcp) -> None:
    job = run(build(gcp.VERTEX)).named("churn-scheduler-job")
    target = job.inputs["httpTarget"]
    assert target["uri"] == (
        "https://europe-west1-aiplatform.googleapis.com/v1/projects/ml-platform-dev"
        "/locations/europe-west1/pipelineJobs"
    ), job.urn
    assert target["httpMethod"] == "POST", job.urn
    assert target["headers"] == {"Content-Type": "application/json"}, job.urn


def test_the_call_uses_an_oauth_token_of_the_caller_not_oidc(run, gcp) -> None:
    job = run(build(gcp.VERTEX)).named("churn-scheduler-job")
    target = job.inputs["httpTarget"]
    assert target["oauthToken"] == {
        "serviceAccountEmail": CALLER,
        "scope": "https://www.googleapis.com/auth/cloud-platform",
    }, job.urn
    assert "oidcToken" not in target, job.urn


def test_the_body_is_a_pipeline_job_that_runs_as_the_run_account(run, gcp) -> None:
    job = run(build(gcp.VERTEX, parameter_values=(("epochs", "3"),))).named("churn-scheduler-job")
    body = decoded_body(job)
    assert body["serviceAccount"] == RUN, job.urn
    assert body["displayName"] == "churn-scheduler", job.urn
    assert body["pipelineSpec"] == json.loads(gcp.SPEC)
    assert body["runtimeConfig"] == {
        "gcsOutputDirectory": "gs://ml-dev-artifacts/churn/root",
        "parameterValues": {"epochs": "3"},
    }


def test_retry_and_attempt_deadline_come_from_the_policy(run, gcp) -> None:
    retry = RetryPolicy(
        retry_count=5,
        min_backoff_seconds=60,
        max_backoff_seconds=900,
        max_doublings=2,
        attempt_deadline_seconds=300,
    )
    job = run(build(gcp.VERTEX, retry=retry)).named("churn-scheduler-job")
    assert job.inputs["retryConfig"] == {
        "retryCount": 5,
        "minBackoffDuration": "60s",
        "maxBackoffDuration": "900s",
        "maxDoublings": 2,
    }, job.urn
    assert job.inputs["attemptDeadline"] == "300s", job.urn


def test_schedule_time_zone_and_paused_state_are_set(run, gcp) -> None:
    job = run(build(gcp.VERTEX, enabled=False)).named("churn-scheduler-job")
    assert job.inputs["schedule"] == "0 6 * * 1", job.urn
    assert job.inputs["timeZone"] == "Europe/Berlin", job.urn
    assert job.inputs["paused"] is True, job.urn


def test_a_template_uri_and_labels_go_into_the_body() -> None:
    template = VertexTemplate(
        pipeline_root="gs://b/r", template_uri="https://x-kfp.pkg.dev/p/r/t/v1"
    )
    body = json.loads(
        base64.b64decode(pipeline_job_body("churn", template, RUN, (), (("team", "ml"),)))
    )
    assert body == {
        "displayName": "churn",
        "serviceAccount": RUN,
        "runtimeConfig": {"gcsOutputDirectory": "gs://b/r"},
        "templateUri": "https://x-kfp.pkg.dev/p/r/t/v1",
        "labels": {"team": "ml"},
    }


def test_outputs_are_the_job_name(run, gcp) -> None:
    result = run(build(gcp.VERTEX))
    component = result.named("churn-scheduler")
    assert component.outputs == {"job_name": result.named("churn-scheduler-job").outputs["name"]}, (
        component.urn
    )
