"""modules.azure.deploy and AzureScheduledPipeline under Pulumi mocks: the resource graph,
protect, the ML schedule alternative and the outputs."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from modules.azure.config import AzurePipelineConfig, FactoryConfig
from modules.azure.program import deploy
from tests.modules.azure.conftest import WORKSPACE_ID, pipeline_config


def build(*pipelines: AzurePipelineConfig):
    def program() -> None:
        pulumi.export("pipelines", deploy(pipelines))

    return program


def names(result) -> set[tuple[str, str]]:
    return {(r.type, r.name) for r in result.resources if r.type != "pulumi:pulumi:Stack"}


def test_adf_pipeline_graph_is_factory_access_pipeline_trigger_and_alerts(run) -> None:
    assert names(run(build(pipeline_config()))) == {
        ("mlsched:azure:DataFactory", "mlsched-test-adf"),
        ("azure-native:datafactory:Factory", "mlsched-test-adf-factory"),
        ("mlsched:azure:WorkspaceAccess", "mlsched-test-adf-ml-ws-access"),
        (
            "azure-native:authorization:RoleAssignment",
            "mlsched-test-adf-ml-ws-access-data-scientist",
        ),
        ("mlsched:azure:ScheduledPipeline", "churn-scoring"),
        ("mlsched:azure:Pipeline", "churn-scoring-adf"),
        ("azure-native:datafactory:Pipeline", "churn-scoring-adf-pipeline"),
        ("mlsched:azure:ScheduleTrigger", "churn-scoring-trigger"),
        ("azure:datafactory/triggerSchedule:TriggerSchedule", "churn-scoring-trigger-schedule"),
        ("mlsched:azure:FailureAlerts", "churn-scoring-alerts"),
        ("azure-native:monitor:MetricAlert", "churn-scoring-alerts-pipeline-failed"),
        ("azure-native:monitor:MetricAlert", "churn-scoring-alerts-trigger-failed"),
    }


def test_children_are_parented_to_their_component(run) -> None:
    result = run(build(pipeline_config()))
    by_urn = result.by_urn()
    trigger = result.named("churn-scoring-trigger-schedule")
    assert by_urn[trigger.parent].name == "churn-scoring-trigger", trigger.urn
    assert by_urn[by_urn[trigger.parent].parent].name == "churn-scoring", trigger.urn


def test_two_pipelines_on_one_workspace_share_one_role_assignment(run) -> None:
    result = run(build(pipeline_config(), pipeline_config(name="churn-training")))
    assert len(result.of_type("azure-native:authorization:RoleAssignment")) == 1
    assert len(result.of_type("azure-native:datafactory:Factory")) == 1


def test_trigger_waits_for_the_role_assignment(run) -> None:
    result = run(build(pipeline_config()))
    assignment = result.named("mlsched-test-adf-ml-ws-access-data-scientist")
    component = result.named("churn-scoring-trigger")
    assert assignment.urn in component.dependencies, component.urn


def test_trigger_runs_the_pipeline_with_the_configured_values(run) -> None:
    trigger = run(build(pipeline_config())).named("churn-scoring-trigger-schedule")
    assert trigger.inputs["pipelineName"] == "churn-scoring"
    assert trigger.inputs["pipelineParameters"]["region"] == "eu-west"


def test_protect_reaches_the_pipeline_and_the_factory(run) -> None:
    result = run(build(pipeline_config(protect=True)))
    assert result.named("churn-scoring-adf").protect
    assert result.named("mlsched-test-adf").protect
    assert not run(build(pipeline_config())).named("churn-scoring-adf").protect


def test_alert_off_creates_no_alerts(run) -> None:
    result = run(build(pipeline_config(alert=False)))
    assert result.of_type("azure-native:monitor:MetricAlert") == ()


def test_outputs_name_factory_pipeline_trigger_principal_and_runtime_state(run) -> None:
    result = run(build(pipeline_config(enabled=False)))
    exported = result.outputs["pipelines"]["churn-scoring"]
    factory = result.named("mlsched-test-adf-factory")
    assert exported == {
        "cloud": "azure",
        "trigger": "adf",
        "factoryId": factory.outputs["id"] if "id" in factory.outputs else exported["factoryId"],
        "pipelineName": "churn-scoring",
        "triggerName": "churn-scoring-schedule",
        "principalId": factory.outputs["identity"]["principalId"],
        "triggerRuntimeState": "Stopped",
    }
    assert exported["factoryId"].endswith("/factories/" + factory.outputs["name"])


def test_legacy_activity_adds_a_managed_identity_linked_service(run) -> None:
    result = run(build(pipeline_config(activity="ml-pipeline-v1", ml_pipeline_id="abc")))
    linked = result.named("churn-scoring-ml-linked-service")
    assert linked.inputs["properties"]["type"] == "AzureMLService"
    assert linked.inputs["properties"]["authentication"] == "MSI"
    assert linked.inputs["properties"]["mlWorkspaceName"] == "ml-ws"


def ml_schedule(**overrides: Any) -> AzurePipelineConfig:
    return pipeline_config(
        trigger="ml-schedule",
        component_id=WORKSPACE_ID + "/components/train/versions/4",
        **overrides,
    )


def test_ml_schedule_needs_no_data_factory(run) -> None:
    result = run(build(ml_schedule()))
    assert result.of_type("azure-native:datafactory:Factory") == ()
    assert result.of_type("azure-native:authorization:RoleAssignment") == ()
    schedule = result.named("churn-scoring-ml-schedule-schedule")
    assert (schedule.inputs["workspaceName"], schedule.inputs["resourceGroupName"]) == (
        "ml-ws",
        "ml-rg",
    )


def test_ml_schedule_submits_the_pipeline_component_with_its_inputs(run) -> None:
    properties = (
        run(build(ml_schedule())).named("churn-scoring-ml-schedule-schedule").inputs["properties"]
    )
    job = properties["action"]["jobDefinition"]
    assert properties["action"]["actionType"] == "CreateJob"
    assert job["componentId"].endswith("/components/train/versions/4")
    assert job["inputs"] == {
        "region": {"jobInputType": "literal", "value": "eu-west"},
        "epochs": {"jobInputType": "literal", "value": "3"},
    }


def test_ml_schedule_recurrence_and_enabled_flag(run) -> None:
    properties = (
        run(build(ml_schedule(enabled=False)))
        .named("churn-scoring-ml-schedule-schedule")
        .inputs["properties"]
    )
    assert properties["isEnabled"] is False
    assert properties["trigger"]["triggerType"] == "Recurrence"
    assert properties["trigger"]["timeZone"] == "W. Europe Standard Time"
    assert properties["trigger"]["schedule"] == {"hours": [6], "minutes": [0]}


def test_trigger_gets_the_start_as_a_utc_instant_and_the_windows_zone(run) -> None:
    trigger = run(build(pipeline_config())).named("churn-scoring-trigger-schedule")
    assert trigger.inputs["startTime"] == "2026-01-01T06:00:00Z", trigger.urn
    assert trigger.inputs["timeZone"] == "W. Europe Standard Time", trigger.urn


def test_ml_schedule_gets_the_local_start_time_azure_ml_expects(run) -> None:
    schedule = run(build(ml_schedule())).named("churn-scoring-ml-schedule-schedule")
    assert schedule.inputs["properties"]["trigger"]["startTime"] == "2026-01-01T07:00:00"


def test_one_factory_described_two_ways_is_refused(run) -> None:
    other = pipeline_config(
        name="churn-training", factory=FactoryConfig("mlsched-test-adf", "other-rg")
    )
    with pytest.raises(Exception, match="factory 'mlsched-test-adf' is also used by another"):
        run(build(pipeline_config(), other))


def test_pipelines_on_two_factories_get_one_factory_and_assignment_each(run) -> None:
    other = pipeline_config(name="churn-training", factory=FactoryConfig("mlsched-test-adf2", "rg"))
    result = run(build(pipeline_config(), other))
    assert len(result.of_type("azure-native:datafactory:Factory")) == 2
    assert len(result.of_type("azure-native:authorization:RoleAssignment")) == 2
