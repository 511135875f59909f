"""The real pack over the analyzer gRPC protocol with Azure resources, shaped as Pulumi sends
them: camelCase, numbers as floats, ARM's typeProperties flattened, unknowns during preview."""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.conftest import by_policy
from tools.policy_client import UNKNOWN, PolicyClient, Resource

SUB = "/subscriptions/22222222-2222-4222-8222-222222222222"
WORKSPACE = f"{SUB}/resourceGroups/ml/providers/Microsoft.MachineLearningServices/workspaces/ws"
FACTORY_ID = f"{SUB}/resourceGroups/ml/providers/Microsoft.DataFactory/factories/adf"
CLASSIC = "azure:datafactory/triggerSchedule:TriggerSchedule"
NATIVE = "azure-native:datafactory:Trigger"
ML_SCHEDULE = "azure-native:machinelearningservices:Schedule"
ROLES = f"{SUB}/providers/Microsoft.Authorization/roleDefinitions"
OWNER = f"{ROLES}/8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
DATA_SCIENTIST = f"{ROLES}/f6c7c914-8db3-469d-8ca1-694a8f32e121"


def _show(violations) -> str:
    return "\n".join(f"[{v.enforcement}] {v.policy} {v.urn}: {v.message}" for v in violations)


def _resource(type_: str, inputs: dict[str, Any], stack: str = "prod", name: str = "r") -> Resource:
    return Resource(
        urn=f"urn:pulumi:{stack}::mlsched::{type_}::{name}", type=type_, name=name, inputs=inputs
    )


def classic(**overrides: Any) -> dict[str, Any]:
    values = {
        "name": "forecast-schedule",
        "dataFactoryId": FACTORY_ID,
        "pipelineName": "forecast",
        "pipelineParameters": {"scheduledTime": "@trigger().scheduledTime"},
        "frequency": "Day",
        "interval": 1.0,
        "startTime": "2026-01-02T04:00:00Z",
        "timeZone": "W. Europe Standard Time",
        "schedule": {"hours": [5.0], "minutes": [0.0]},
        "activated": True,
    }
    values.update(overrides)
    return values


def native(recurrence: dict[str, Any]) -> dict[str, Any]:
    # ARM's typeProperties level is flattened away: recurrence sits directly under properties.
    return {
        "factoryName": "adf",
        "resourceGroupName": "ml",
        "triggerName": "t",
        "properties": {
            "type": "ScheduleTrigger",
            "recurrence": recurrence,
            "pipelines": [
                {"pipelineReference": {"referenceName": "forecast", "type": "PipelineReference"}}
            ],
        },
    }


def test_the_components_daily_trigger_passes_prod(pack_clients: dict[str, PolicyClient]) -> None:
    found = pack_clients["prod"].analyze(_resource(CLASSIC, classic()))
    assert found == (), _show(found)


def test_every_minute_trigger_is_too_frequent_in_prod(
    pack_clients: dict[str, PolicyClient],
) -> None:
    fast = classic(frequency="Minute", interval=5.0, schedule=None)
    found = by_policy(pack_clients["prod"].analyze(_resource(CLASSIC, fast)))
    assert found["schedule-frequency"][0].enforcement == "mandatory", found


def test_a_stopped_trigger_is_mandatory_in_prod_and_advisory_in_dev(
    pack_clients: dict[str, PolicyClient],
) -> None:
    stopped = _resource(CLASSIC, classic(activated=False))
    prod = by_policy(pack_clients["prod"].analyze(stopped))
    dev = by_policy(pack_clients["dev"].analyze(stopped))
    assert prod["azure-trigger-started"][0].enforcement == "mandatory"
    assert dev["azure-trigger-started"][0].enforcement == "advisory"


def test_an_azure_native_trigger_with_float_recurrence_is_judged_and_never_starts(
    pack_clients: dict[str, PolicyClient],
) -> None:
    recurrence = {
        "frequency": "Hour",
        "interval": 1.0,
        "startTime": "2026-01-01T00:00:00Z",
        "timeZone": "UTC",
    }
    found = by_policy(pack_clients["prod"].analyze(_resource(NATIVE, native(recurrence))))
    assert "azure-trigger-started" in found, found
    assert "schedule-expression-valid" not in found, _show(
        found.get("schedule-expression-valid", [])
    )


def test_an_invalid_native_recurrence_is_one_mandatory_diagnostic(
    pack_clients: dict[str, PolicyClient],
) -> None:
    recurrence = {"frequency": "Fortnight", "interval": 1.0, "startTime": "2026-01-01T00:00:00Z"}
    found = by_policy(pack_clients["prod"].analyze(_resource(NATIVE, native(recurrence))))
    (invalid,) = found["schedule-expression-valid"]
    assert invalid.enforcement == "mandatory"
    assert "Fortnight" in invalid.message


def test_a_wrong_windows_zone_is_caught_before_azure_would_at_start(
    pack_clients: dict[str, PolicyClient],
) -> None:
    bad = classic(timeZone="Australian Eastern Standard Time", startTime="2026-01-02T04:00:00Z")
    found = by_policy(pack_clients["prod"].analyze(_resource(CLASSIC, bad)))
    assert "AUS Eastern Standard Time" in found["schedule-expression-valid"][0].message


def test_an_ml_schedule_recurrence_is_judged_like_any_schedule(
    pack_clients: dict[str, PolicyClient],
) -> None:
    props = {
        "workspaceName": "ws",
        "resourceGroupName": "ml",
        "properties": {
            "isEnabled": True,
            "trigger": {
                "triggerType": "Recurrence",
                "frequency": "Minute",
                "interval": 10.0,
                "startTime": "2026-01-01T00:00:00",
                "timeZone": "Pacific Standard Time",
            },
            "action": {"actionType": "CreateJob", "jobDefinition": {"jobType": "Pipeline"}},
        },
    }
    found = by_policy(pack_clients["prod"].analyze(_resource(ML_SCHEDULE, props)))
    assert found["schedule-frequency"][0].enforcement == "mandatory", found


def test_unknown_recurrence_during_preview_is_advisory_not_silent(
    pack_clients: dict[str, PolicyClient],
) -> None:
    found = pack_clients["prod"].analyze(_resource(CLASSIC, classic(frequency=UNKNOWN)))
    assert found, "an unknown recurrence passed silently"
    assert {v.enforcement for v in found} == {"advisory"}, _show(found)
    assert all("can't be known during preview" in v.message for v in found), _show(found)


@pytest.mark.parametrize(
    ("type_", "inputs", "policy"),
    [
        (
            "azure-native:authorization:RoleAssignment",
            {
                "principalId": "p",
                "scope": SUB,
                "roleDefinitionId": OWNER,
            },
            "azure-role-assignment-least-privilege",
        ),
        (
            "azure-native:authorization:RoleAssignment",
            {
                "principalId": "p",
                "scope": SUB,
                "roleDefinitionId": DATA_SCIENTIST,
            },
            "azure-role-assignment-scope",
        ),
        (
            "azure-native:authorization:RoleDefinition",
            {
                "roleName": "x",
                "permissions": [{"actions": ["*"], "notActions": []}],
                "assignableScopes": [SUB],
            },
            "azure-custom-role-no-wildcard-action",
        ),
        (
            "azure-native:datafactory:LinkedService",
            {
                "properties": {
                    "type": "AzureBlobStorage",
                    "accountKey": {"type": "SecureString", "value": "k"},
                }
            },
            "azure-linked-service-no-inline-secret",
        ),
        (
            "azure-native:datafactory:Factory",
            {"resourceGroupName": "ml"},
            "azure-data-factory-public-network",
        ),
        (
            "azure-native:machinelearningservices:Workspace",
            {"resourceGroupName": "ml", "publicNetworkAccess": "Enabled"},
            "azure-ml-workspace-public-network",
        ),
    ],
)
def test_crafted_bad_azure_resources_are_mandatory_in_prod(
    pack_clients: dict[str, PolicyClient], type_: str, inputs: dict, policy: str
) -> None:
    found = by_policy(pack_clients["prod"].analyze(_resource(type_, inputs)))
    assert policy in found, _show([v for vs in found.values() for v in vs])
    assert found[policy][0].enforcement == "mandatory"


def test_the_shipped_azure_resources_pass_every_environment(
    pack_clients: dict[str, PolicyClient], stack_runs: dict[str, Any]
) -> None:
    for stack, run in stack_runs.items():
        azure = [r for r in run.resources if r.type.startswith(("azure-native:", "azure:"))]
        assert azure, stack
        report = pack_clients[stack].check(azure)
        assert report.mandatory == (), f"{stack}:\n{_show(report.mandatory)}"
