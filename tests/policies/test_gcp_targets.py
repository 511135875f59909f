"""Google Cloud schedule targets: run-as identities and Cloud Scheduler HTTP tokens."""

from __future__ import annotations

import importlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pulumi_policy.proxy import UnknownValueError

from policies import gcp_targets
from tools.policy_client import UNKNOWN

SCHEDULE = gcp_targets.VERTEX_SCHEDULE
PIPELINE = gcp_targets.DATA_PIPELINE
JOB = gcp_targets.SCHEDULER_JOB
RUN = "churn-run@ml-platform-dev.iam.gserviceaccount.com"
SCHED = "churn-sched@ml-platform-dev.iam.gserviceaccount.com"
COMPUTE_DEFAULT = "123456789012-compute@developer.gserviceaccount.com"
VERTEX_URI = "https://europe-west1-aiplatform.googleapis.com/v1/projects/p/locations/europe-west1/pipelineJobs"


def schedule(service_account=RUN) -> dict:
    job = {"displayName": "churn", "runtimeConfig": {"gcsOutputDirectory": "gs://b/r"}}
    if service_account is not None:
        job["serviceAccount"] = service_account
    return {"cron": "TZ=Etc/UTC 0 6 * * 1", "createPipelineJobRequest": {"pipelineJob": job}}


def data_pipeline(scheduler=SCHED, worker=RUN) -> dict:
    environment = {} if worker is None else {"serviceAccountEmail": worker}
    props = {
        "scheduleInfo": {"schedule": "0 2 * * *"},
        "workload": {
            "dataflowFlexTemplateRequest": {
                "launchParameter": {"jobName": "j", "environment": environment}
            }
        },
    }
    if scheduler is not None:
        props["schedulerServiceAccountEmail"] = scheduler
    return props


def job(**target) -> dict:
    return {"schedule": "0 6 * * 1", "httpTarget": {"uri": VERTEX_URI, **target}}


def test_the_target_type_tokens_are_the_ones_pulumi_gcp_registers() -> None:
    for token in (SCHEDULE, PIPELINE, JOB):
        _, module, class_name = token.split(":")
        sdk = importlib.import_module(f"pulumi_gcp.{module.split('/')[0]}")
        assert getattr(sdk, class_name).pulumi_type == token, token


# --- gcp-workload-not-default-service-account ------------------------------------------------
def test_a_vertex_schedule_without_a_run_account_runs_as_the_default_compute_account(run) -> None:
    (message,) = run(gcp_targets.NOT_DEFAULT_ACCOUNT, SCHEDULE, schedule(None))
    assert "createPipelineJobRequest.pipelineJob.serviceAccount is unset" in message
    assert "Compute Engine default service account" in message


def test_a_vertex_schedule_naming_the_default_account_is_refused(run) -> None:
    (message,) = run(gcp_targets.NOT_DEFAULT_ACCOUNT, SCHEDULE, schedule(COMPUTE_DEFAULT))
    assert f"is the default service account {COMPUTE_DEFAULT}" in message


def test_dedicated_and_unknown_run_accounts_pass(run) -> None:
    assert run(gcp_targets.NOT_DEFAULT_ACCOUNT, SCHEDULE, schedule(RUN)) == []
    assert run(gcp_targets.NOT_DEFAULT_ACCOUNT, SCHEDULE, schedule(UNKNOWN)) == []


def test_a_notebook_schedule_has_no_pipeline_identity_to_judge(run) -> None:
    props = {"cron": "0 6 * * 1", "createNotebookExecutionJobRequest": {}}
    assert run(gcp_targets.NOT_DEFAULT_ACCOUNT, SCHEDULE, props) == []


def test_a_data_pipeline_without_a_scheduler_account_is_refused(run) -> None:
    (message,) = run(gcp_targets.NOT_DEFAULT_ACCOUNT, PIPELINE, data_pipeline(scheduler=None))
    assert "schedulerServiceAccountEmail is unset" in message
    assert "Cloud Scheduler job runs as the Compute Engine default" in message


def test_data_pipeline_workers_without_an_account_are_refused(run) -> None:
    (message,) = run(gcp_targets.NOT_DEFAULT_ACCOUNT, PIPELINE, data_pipeline(worker=None))
    assert "launchParameter.environment.serviceAccountEmail is unset" in message


def test_a_dedicated_data_pipeline_passes(run) -> None:
    assert run(gcp_targets.NOT_DEFAULT_ACCOUNT, PIPELINE, data_pipeline()) == []


def test_a_scheduler_token_of_the_default_account_is_refused(run) -> None:
    props = job(oauthToken={"serviceAccountEmail": COMPUTE_DEFAULT})
    (message,) = run(gcp_targets.NOT_DEFAULT_ACCOUNT, JOB, props)
    assert "httpTarget.oauthToken.serviceAccountEmail is the default service account" in message


def test_a_non_string_account_is_one_clear_diagnostic(run) -> None:
    (message,) = run(gcp_targets.NOT_DEFAULT_ACCOUNT, SCHEDULE, schedule(["x"]))
    assert "serviceAccount is ['x']; set it to a service account email" in message


# --- gcp-scheduler-http-target-token ---------------------------------------------------------
def test_an_http_target_without_a_token_is_refused(run) -> None:
    (message,) = run(gcp_targets.HTTP_TARGET_TOKEN, JOB, job())
    assert "without a token" in message
    assert "oauthToken" in message


def test_a_google_api_called_with_oidc_must_use_oauth(run) -> None:
    (message,) = run(
        gcp_targets.HTTP_TARGET_TOKEN, JOB, job(oidcToken={"serviceAccountEmail": SCHED})
    )
    assert "take OAuth access tokens" in message


def test_oauth_to_google_and_oidc_to_cloud_run_pass(run) -> None:
    assert (
        run(gcp_targets.HTTP_TARGET_TOKEN, JOB, job(oauthToken={"serviceAccountEmail": SCHED}))
        == []
    )
    cloud_run = {
        "httpTarget": {
            "uri": "https://trainer-abc-ew.a.run.app/start",
            "oidcToken": {"serviceAccountEmail": SCHED},
        }
    }
    assert run(gcp_targets.HTTP_TARGET_TOKEN, JOB, cloud_run) == []


def test_pubsub_jobs_and_unknown_targets_are_not_judged(run) -> None:
    assert run(gcp_targets.HTTP_TARGET_TOKEN, JOB, {"pubsubTarget": {"topicName": "t"}}) == []
    assert run(gcp_targets.HTTP_TARGET_TOKEN, JOB, {"httpTarget": UNKNOWN}) == []


def test_a_malformed_http_target_is_one_clear_diagnostic(run) -> None:
    (message,) = run(gcp_targets.HTTP_TARGET_TOKEN, JOB, {"httpTarget": "https://x"})
    assert "httpTarget is 'https://x'; it must be an object" in message


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8) | st.just(UNKNOWN),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["serviceAccount", "pipelineJob", "oauthToken", "oidcToken", "uri", "environment"]
            ),
            inner,
            max_size=3,
        )
    ),
    max_leaves=10,
)


@given(
    policy=st.sampled_from(gcp_targets.POLICIES),
    type_=st.sampled_from([SCHEDULE, PIPELINE, JOB]),
    props=st.dictionaries(
        st.sampled_from(
            [
                "createPipelineJobRequest",
                "schedulerServiceAccountEmail",
                "scheduleInfo",
                "workload",
                "httpTarget",
            ]
        ),
        JSONISH,
        max_size=4,
    ),
)
def test_no_shape_of_properties_crashes_a_target_policy(run, policy, type_, props) -> None:
    try:
        messages = run(policy, type_, props)
    except UnknownValueError:
        return
    assert all(isinstance(m, str) and m for m in messages)


@pytest.mark.parametrize("uri", ["https://googleapis.com.evil.example/x", "not a url", None])
def test_only_real_googleapis_hosts_count_as_google_apis(uri) -> None:
    assert not gcp_targets._google_api(uri)
