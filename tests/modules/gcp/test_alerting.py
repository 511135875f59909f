"""modules.gcp.alerting.PipelineAlerting under mocks: Cloud Monitoring policies per trigger."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from modules.gcp.alerting import PipelineAlerting, PipelineAlertingArgs
from tools.mockrun import run_program

CHANNEL = "projects/ml-platform-dev/notificationChannels/123"
POLICY = "gcp:monitoring/alertPolicy:AlertPolicy"


def build(trigger: str, **kwargs: Any) -> Callable[[], None]:
    def program() -> None:
        args = PipelineAlertingArgs(
            project="ml-platform-dev",
            region="europe-west1",
            trigger=trigger,  # type: ignore[arg-type]
            label="churn-training",
            notification_channels=(CHANNEL,),
            **kwargs,
        )
        PipelineAlerting("churn-alerting", args)

    return program


def test_a_vertex_schedule_alerts_on_failed_pipeline_jobs_in_its_region(run) -> None:
    policies = run(build("vertex-schedule")).of_type(POLICY)
    assert [p.name for p in policies] == ["churn-alerting-run-failed"]
    condition = policies[0].inputs["conditions"][0]["conditionMatchedLog"]
    assert 'resource.type="aiplatform.googleapis.com/PipelineJob"' in condition["filter"]
    assert 'resource.labels.location="europe-west1"' in condition["filter"]
    assert 'jsonPayload.state="PIPELINE_STATE_FAILED"' in condition["filter"]


def test_cloud_scheduler_also_alerts_on_failed_attempts_of_its_job(run) -> None:
    result = run(build("cloud-scheduler", scheduler_job="churn-job-abc1234"))
    attempt = result.named("churn-alerting-attempt-failed")
    log_filter = attempt.inputs["conditions"][0]["conditionMatchedLog"]["filter"]
    assert 'resource.type="cloud_scheduler_job"' in log_filter, attempt.urn
    assert 'resource.labels.job_id="churn-job-abc1234"' in log_filter, attempt.urn
    assert "severity>=ERROR" in log_filter, attempt.urn
    assert {p.name for p in result.of_type(POLICY)} == {
        "churn-alerting-run-failed",
        "churn-alerting-attempt-failed",
    }


def test_data_pipelines_alert_on_failed_dataflow_jobs_by_name_prefix(run) -> None:
    policy = run(build("data-pipelines", dataflow_job_name="feature-refresh")).named(
        "churn-alerting-job-failed"
    )
    threshold = policy.inputs["conditions"][0]["conditionThreshold"]
    assert 'metric.type="dataflow.googleapis.com/job/is_failed"' in threshold["filter"]
    assert 'resource.labels.job_name=starts_with("feature-refresh")' in threshold["filter"]
    assert threshold["comparison"] == "COMPARISON_GT", policy.urn
    assert "notificationRateLimit" not in policy.inputs["alertStrategy"], policy.urn


def test_every_policy_notifies_the_configured_channels(run) -> None:
    for policy in run(build("cloud-scheduler", scheduler_job="j")).of_type(POLICY):
        assert policy.inputs["notificationChannels"] == [CHANNEL], policy.urn


def test_log_based_policies_hold_one_condition_and_a_rate_limit(run) -> None:
    for policy in run(build("cloud-scheduler", scheduler_job="j")).of_type(POLICY):
        assert len(policy.inputs["conditions"]) == 1, policy.urn
        assert policy.inputs["alertStrategy"]["notificationRateLimit"] == {"period": "300s"}


@pytest.mark.parametrize(
    ("trigger", "missing"),
    [("cloud-scheduler", "scheduler_job"), ("data-pipelines", "dataflow_job_name")],
)
def test_a_trigger_without_what_its_conditions_watch_is_refused(trigger, missing) -> None:
    with pytest.raises(Exception, match=missing):
        run_program(build(trigger))


def test_outputs_list_every_policy_name(run) -> None:
    result = run(build("cloud-scheduler", scheduler_job="j"))
    component = result.named("churn-alerting")
    assert sorted(component.outputs["policy_names"]) == sorted(
        p.outputs["name"] for p in result.of_type(POLICY)
    ), component.urn
