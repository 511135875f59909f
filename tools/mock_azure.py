"""Azure answers for tools/mockrun.py: invokes, and provider outputs shaped the way ARM returns
them (resource IDs, the factory's managed identity, trigger runtime state)."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from pulumi.runtime.mocks import MockCallArgs, MockResourceArgs

MOCK_SUBSCRIPTION = "00000000-0000-4000-8000-000000000000"
MOCK_TENANT = "11111111-1111-4111-8111-111111111111"
PREFIXES = ("azure-native:", "azure:")


def handles(token: str) -> bool:
    return token.startswith(PREFIXES)


def _guid(text: str) -> str:
    return str(uuid.UUID(hashlib.sha256(text.encode()).hexdigest()[:32]))


def _group_id(group: str) -> str:
    return f"/subscriptions/{MOCK_SUBSCRIPTION}/resourceGroups/{group}"


def call(args: MockCallArgs) -> dict:
    inputs = dict(args.args)
    if args.token == "azure-native:datafactory:getFactory":
        group, name = inputs["resourceGroupName"], inputs["factoryName"]
        factory_id = f"{_group_id(group)}/providers/Microsoft.DataFactory/factories/{name}"
        return {
            "id": factory_id,
            "name": name,
            "location": "westeurope",
            "identity": {
                "type": "SystemAssigned",
                "principalId": _guid(factory_id),
                "tenantId": MOCK_TENANT,
            },
            "publicNetworkAccess": "Disabled",
        }
    raise NotImplementedError(f"mockrun has no answer for invoke {args.token}; add one")


def new_resource(args: MockResourceArgs, autoname: str) -> tuple[str, dict[str, Any]]:
    inputs = dict(args.inputs)
    typ = args.typ
    if typ == "azure-native:datafactory:Factory":
        name = inputs.get("factoryName") or autoname
        factory_id = (
            f"{_group_id(inputs['resourceGroupName'])}/providers/Microsoft.DataFactory/"
            f"factories/{name}"
        )
        identity = dict(inputs.get("identity") or {})
        if identity.get("type") == "SystemAssigned":
            identity.update(principalId=_guid(factory_id), tenantId=MOCK_TENANT)
        inputs.update(name=name, identity=identity or None)
        return factory_id, inputs
    if typ in ("azure-native:datafactory:Pipeline", "azure-native:datafactory:LinkedService"):
        key = "pipelineName" if typ.endswith("Pipeline") else "linkedServiceName"
        kind = "pipelines" if typ.endswith("Pipeline") else "linkedservices"
        name = inputs.get(key) or autoname
        resource_id = (
            f"{_group_id(inputs['resourceGroupName'])}/providers/Microsoft.DataFactory/"
            f"factories/{inputs['factoryName']}/{kind}/{name}"
        )
        inputs["name"] = name
        return resource_id, inputs
    if typ == "azure:datafactory/triggerSchedule:TriggerSchedule":
        name = inputs.get("name") or autoname
        # The provider reads `activated` back from the trigger's runtimeState.
        inputs.update(name=name, activated=inputs.get("activated", True))
        return f"{inputs['dataFactoryId']}/triggers/{name}", inputs
    if typ == "azure-native:machinelearningservices:Schedule":
        name = inputs.get("name") or autoname
        inputs["name"] = name
        return (
            f"{_group_id(inputs['resourceGroupName'])}/providers/"
            f"Microsoft.MachineLearningServices/workspaces/{inputs['workspaceName']}/"
            f"schedules/{name}"
        ), inputs
    if typ == "azure-native:authorization:RoleAssignment":
        name = inputs.get("roleAssignmentName") or _guid(
            f"{inputs.get('scope')}{inputs.get('roleDefinitionId')}{inputs.get('principalId')}"
        )
        inputs["name"] = name
        return f"{inputs['scope']}/providers/Microsoft.Authorization/roleAssignments/{name}", inputs
    if typ == "azure-native:monitor:MetricAlert":
        name = inputs.get("ruleName") or autoname
        inputs["name"] = name
        return (
            f"{_group_id(inputs['resourceGroupName'])}/providers/Microsoft.Insights/"
            f"metricAlerts/{name}"
        ), inputs
    return f"{args.name}-id", inputs
