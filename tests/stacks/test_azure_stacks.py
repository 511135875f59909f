"""The Azure pipelines of the shipped stacks, under mocks: what each environment deploys and how
the environments differ (dev weekly and stopped, staging daily, prod daily with paging alerts and
protect)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from modules.schedule import analyze, parse_schedule
from policies import schedule_registry
from tools.mockrun import StackRun

STACKS = ("dev", "staging", "prod")
TRIGGER = "demand-forecast-trigger-schedule"


def azure_exports(run: StackRun) -> dict[str, dict]:
    return {n: o for n, o in run.outputs["pipelines"].items() if o.get("cloud") == "azure"}


def trigger_schedule(run: StackRun):
    """The trigger's schedule as the policy pack and the plan read it (floats and all)."""
    inputs = run.named(TRIGGER).inputs
    spec = schedule_registry.read(run.named(TRIGGER).type, inputs)
    return parse_schedule(spec.expression, spec.timezone, dialect="adf-recurrence"), inputs


@pytest.mark.parametrize("stack", STACKS)
def test_each_stack_exports_its_azure_pipeline(stack_runs, stack) -> None:
    exported = azure_exports(stack_runs[stack])
    assert list(exported) == ["demand-forecast"], stack
    outputs = exported["demand-forecast"]
    assert outputs["factoryId"].endswith(f"/factories/mlsched-{stack}-adf"), stack
    assert outputs["triggerName"] == "demand-forecast-schedule"
    assert len(outputs["principalId"]) == 36


@pytest.mark.parametrize("stack", STACKS)
def test_each_factory_identity_is_granted_only_its_environments_workspace(
    stack_runs, stack
) -> None:
    run = stack_runs[stack]
    (assignment,) = run.of_type("azure-native:authorization:RoleAssignment")
    assert assignment.inputs["scope"].endswith(f"/workspaces/mlw-{stack}"), assignment.urn
    assert assignment.inputs["roleDefinitionId"].endswith("f6c7c914-8db3-469d-8ca1-694a8f32e121")


def test_dev_runs_weekly_and_is_deployed_stopped_without_alerts(stack_runs) -> None:
    run = stack_runs["dev"]
    trigger = run.named(TRIGGER)
    assert trigger.inputs["activated"] is False, trigger.urn
    assert (trigger.inputs["frequency"], trigger.inputs["schedule"]["daysOfWeeks"]) == (
        "Week",
        ["Monday"],
    )
    assert run.of_type("azure-native:monitor:MetricAlert") == ()
    assert azure_exports(run)["demand-forecast"]["triggerRuntimeState"] == "Stopped"


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_staging_and_prod_run_daily_and_are_started(stack_runs, stack) -> None:
    run = stack_runs[stack]
    schedule, inputs = trigger_schedule(run)
    analysis = analyze(schedule, reference=datetime(2026, 1, 10, tzinfo=UTC), count=3)
    assert inputs["activated"] is True, stack
    assert inputs["timeZone"] == "W. Europe Standard Time", stack
    assert analysis.max_runs_per_day == 1, stack
    assert azure_exports(run)["demand-forecast"]["triggerRuntimeState"] == "Started"


def test_staging_maps_its_iana_time_zone_to_the_windows_id_adf_needs(stack_runs) -> None:
    trigger = stack_runs["staging"].named(TRIGGER)
    # 05:30 in Berlin (UTC+1 in January) is 04:30 UTC.
    assert trigger.inputs["startTime"] == "2026-01-02T04:30:00Z", trigger.urn


def test_only_prod_pages_someone_and_protects_the_pipeline_and_factory(stack_runs) -> None:
    prod = stack_runs["prod"]
    for alert in prod.of_type("azure-native:monitor:MetricAlert"):
        assert alert.inputs["actions"][0]["actionGroupId"].endswith(
            "/actionGroups/ml-platform-oncall"
        )
    assert prod.named("demand-forecast-adf").protect
    assert prod.named("mlsched-prod-adf").protect
    staging = stack_runs["staging"]
    assert len(staging.of_type("azure-native:monitor:MetricAlert")) == 2
    assert all(
        "actions" not in a.inputs for a in staging.of_type("azure-native:monitor:MetricAlert")
    )
    assert not staging.named("demand-forecast-adf").protect


def test_prod_runs_the_blue_deployment_and_passes_the_scheduled_time(stack_runs) -> None:
    pipeline = stack_runs["prod"].named("demand-forecast-adf-pipeline")
    submit = pipeline.inputs["activities"][0]
    assert submit["headers"]["azureml-model-deployment"] == "blue"
    assert submit["body"]["properties"]["InputData"]["as_of"]["Value"] == (
        "@pipeline().parameters.scheduledTime"
    )
    trigger = stack_runs["prod"].named(TRIGGER)
    assert trigger.inputs["pipelineParameters"]["scheduledTime"] == "@trigger().scheduledTime"
