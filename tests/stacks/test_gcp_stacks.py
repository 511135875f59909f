"""The Google Cloud pipelines of the shipped stacks, under mocks: what each environment deploys
and how the environments differ."""

from __future__ import annotations

import pytest

from tools.mockrun import StackRun

GCP_PIPELINES = {
    "dev": {"churn-scoring": "vertex-schedule"},
    "staging": {"churn-scoring": "vertex-schedule", "feature-export": "data-pipelines"},
    "prod": {
        "churn-scoring": "vertex-schedule",
        "feature-export": "data-pipelines",
        "drift-report": "cloud-scheduler",
    },
}


def gcp_exports(run: StackRun) -> dict[str, dict]:
    return {n: o for n, o in run.outputs["pipelines"].items() if o.get("cloud") == "gcp"}


@pytest.mark.parametrize("stack", sorted(GCP_PIPELINES))
def test_each_stack_exports_its_google_pipelines_with_their_triggers(stack_runs, stack) -> None:
    exported = gcp_exports(stack_runs[stack])
    assert {n: o["trigger"] for n, o in exported.items()} == GCP_PIPELINES[stack], stack
    for name, outputs in exported.items():
        project = f"ml-platform-{stack}"
        assert outputs["runServiceAccount"].endswith(f"@{project}.iam.gserviceaccount.com"), name


@pytest.mark.parametrize("stack", sorted(GCP_PIPELINES))
def test_each_google_pipeline_lives_in_its_environments_project(stack_runs, stack) -> None:
    for resource in stack_runs[stack].resources:
        if resource.custom and resource.type.startswith("gcp:") and "project" in resource.inputs:
            assert resource.inputs["project"] == f"ml-platform-{stack}", resource.urn


def test_dev_creates_the_vertex_schedule_paused_and_without_alerts(stack_runs) -> None:
    run = stack_runs["dev"]
    schedule = run.named("churn-scoring-vertex-schedule")
    assert schedule.inputs["desiredState"] == "PAUSED", schedule.urn
    assert not run.of_type("gcp:monitoring/alertPolicy:AlertPolicy")


def test_staging_and_prod_run_active_and_alert_their_channels(stack_runs) -> None:
    for stack in ("staging", "prod"):
        run = stack_runs[stack]
        schedule = run.named("churn-scoring-vertex-schedule")
        assert schedule.inputs["desiredState"] == "ACTIVE", schedule.urn
        policies = run.of_type("gcp:monitoring/alertPolicy:AlertPolicy")
        assert policies, stack
        for policy in policies:
            assert all(
                c.startswith(f"projects/ml-platform-{stack}/notificationChannels/")
                for c in policy.inputs["notificationChannels"]
            ), policy.urn


def test_only_prod_protects_its_schedules_and_lets_the_deployer_act_as_the_run_account(
    stack_runs,
) -> None:
    assert stack_runs["prod"].named("churn-scoring-vertex-schedule").protect is True
    assert stack_runs["prod"].named("feature-export-dataflow-pipeline").protect is True
    assert stack_runs["staging"].named("churn-scoring-vertex-schedule").protect is False
    grant = stack_runs["prod"].named("churn-scoring-identities-user-0-act-as")
    assert grant.inputs["member"].startswith("serviceAccount:mlsched-deploy@"), grant.urn


def test_the_data_pipelines_export_runs_in_utc_with_prods_bigger_workers(stack_runs) -> None:
    sizes = {}
    for stack in ("staging", "prod"):
        pipeline = stack_runs[stack].named("feature-export-dataflow-pipeline")
        assert pipeline.inputs["scheduleInfo"]["timeZone"] == "UTC", pipeline.urn
        launch = pipeline.inputs["workload"]["dataflowFlexTemplateRequest"]["launchParameter"]
        sizes[stack] = launch["environment"]["maxWorkers"]
    assert sizes == {"staging": 4, "prod": 16}
