"""`WorkspaceAccess`: the one role the factory's identity needs, on the one workspace it uses."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import authorization

from modules.azure.ids import parse_resource_id

TYPE_TOKEN = "mlsched:azure:WorkspaceAccess"
WORKSPACE_TYPE = "Microsoft.MachineLearningServices/workspaces"
# "AzureML Data Scientist": every action inside a workspace except changing the workspace itself
# and creating or deleting compute; the least built-in role that can submit batch endpoint jobs
# and read their status. ID from Microsoft's built-in roles list:
# https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/ai-machine-learning#azureml-data-scientist
AZUREML_DATA_SCIENTIST = "f6c7c914-8db3-469d-8ca1-694a8f32e121"


def role_definition_id(subscription_id: str, role_guid: str) -> str:
    return (
        f"/subscriptions/{subscription_id}/providers/Microsoft.Authorization/"
        f"roleDefinitions/{role_guid}"
    )


@dataclass(frozen=True)
class WorkspaceAccessArgs:
    principal_id: pulumi.Input[str]
    """Object ID of the factory's system-assigned identity."""
    workspace_id: str
    """Resource ID of the Azure ML workspace: the only scope granted."""
    role: str = AZUREML_DATA_SCIENTIST
    """Built-in role definition GUID; AzureML Data Scientist by default."""
    description: str | None = None


class WorkspaceAccess(pulumi.ComponentResource):
    """Child `azure-native:authorization:RoleAssignment` `<name>-data-scientist`."""

    role_assignment_id: pulumi.Output[str]

    def __init__(
        self, name: str, args: WorkspaceAccessArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        workspace = parse_resource_id(args.workspace_id, WORKSPACE_TYPE)
        assignment = authorization.RoleAssignment(
            f"{name}-data-scientist",
            principal_id=args.principal_id,
            # A just-created identity may not have replicated in Entra ID yet; naming the type
            # lets ARM skip the lookup that fails with PrincipalNotFound:
            # https://learn.microsoft.com/azure/role-based-access-control/role-assignments-template#new-service-principal
            principal_type="ServicePrincipal",
            role_definition_id=role_definition_id(workspace.subscription_id, args.role),
            scope=str(workspace),
            description=args.description or "mlsched: the data factory runs Azure ML jobs",
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.role_assignment_id = assignment.id
        self.register_outputs({"role_assignment_id": self.role_assignment_id})
