"""modules.azure.workspace_access and modules.azure.failure_alerts under Pulumi mocks."""

from __future__ import annotations

import pytest

from modules.azure.failure_alerts import FailureAlerts, FailureAlertsArgs
from modules.azure.workspace_access import WorkspaceAccess, WorkspaceAccessArgs
from tests.modules.azure.conftest import ACTION_GROUP, SUBSCRIPTION, WORKSPACE_ID

FACTORY_ID = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.DataFactory/factories/adf"
)
PRINCIPAL = "33333333-3333-4333-8333-333333333333"


def access(**kwargs):
    def program() -> None:
        WorkspaceAccess(
            "adf-access",
            WorkspaceAccessArgs(principal_id=PRINCIPAL, workspace_id=WORKSPACE_ID, **kwargs),
        )

    return program


def test_factory_identity_gets_azureml_data_scientist_on_the_workspace_only(run) -> None:
    assignment = run(access()).named("adf-access-data-scientist")
    assert assignment.inputs["scope"] == WORKSPACE_ID, assignment.urn
    assert assignment.inputs["roleDefinitionId"] == (
        f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/"
        "f6c7c914-8db3-469d-8ca1-694a8f32e121"
    ), assignment.urn
    assert assignment.inputs["principalId"] == PRINCIPAL


def test_role_assignment_names_the_principal_type_so_a_new_identity_is_not_refused(run) -> None:
    assignment = run(access()).named("adf-access-data-scientist")
    assert assignment.inputs["principalType"] == "ServicePrincipal", assignment.urn


def test_access_to_something_other_than_a_workspace_is_refused(run) -> None:
    with pytest.raises(Exception, match=r"not a Microsoft.MachineLearningServices/workspaces"):
        run(
            lambda: WorkspaceAccess(
                "adf-access", WorkspaceAccessArgs(principal_id=PRINCIPAL, workspace_id=FACTORY_ID)
            )
        )


def alerts(**kwargs):
    def program() -> None:
        FailureAlerts(
            "churn-alerts",
            FailureAlertsArgs(
                factory_id=FACTORY_ID,
                resource_group_name="rg",
                pipeline_name="churn-scoring",
                trigger_name="churn-scoring-schedule",
                **kwargs,
            ),
        )

    return program


@pytest.mark.parametrize(
    ("child", "metric", "dimension"),
    [
        ("churn-alerts-pipeline-failed", "PipelineFailedRuns", "churn-scoring"),
        ("churn-alerts-trigger-failed", "TriggerFailedRuns", "churn-scoring-schedule"),
    ],
)
def test_alert_fires_on_the_first_failed_run_of_this_pipeline_or_trigger(
    run, child: str, metric: str, dimension: str
) -> None:
    alert = run(alerts(action_group_ids=(ACTION_GROUP,))).named(child)
    criterion = alert.inputs["criteria"]["allOf"][0]
    assert alert.inputs["scopes"] == [FACTORY_ID], alert.urn
    assert (criterion["metricName"], criterion["operator"], criterion["threshold"]) == (
        metric,
        "GreaterThan",
        0,
    ), alert.urn
    assert criterion["dimensions"] == [
        {"name": "Name", "operator": "Include", "values": [dimension]}
    ], alert.urn
    assert alert.inputs["actions"] == [{"actionGroupId": ACTION_GROUP}], alert.urn


def test_alerts_without_action_groups_notify_no_one_but_still_exist(run) -> None:
    result = run(alerts())
    assert len(result.of_type("azure-native:monitor:MetricAlert")) == 2
    assert "actions" not in result.named("churn-alerts-pipeline-failed").inputs
