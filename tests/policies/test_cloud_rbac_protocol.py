"""Azure RBAC and Google Cloud IAM holes, over the real analyzer gRPC protocol with the shipped
prod config: each resource is shaped as Pulumi sends it and must end in a mandatory violation of
the policy that judges its meaning (or pass, for the narrow twin)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tools.policy_client import UNKNOWN, PolicyClient, Resource

SUB = "/subscriptions/22222222-2222-4222-8222-222222222222"
WORKSPACE = f"{SUB}/resourceGroups/ml/providers/Microsoft.MachineLearningServices/workspaces/ws"
RUN_ACCOUNT = "serviceAccount:churn-run@ml-platform-prod.iam.gserviceaccount.com"


def _resource(type_: str, name: str, inputs: dict[str, Any], **deps: tuple[str, ...]) -> Resource:
    return Resource(
        urn=f"urn:pulumi:prod::mlsched::{type_}::{name}",
        type=type_,
        name=name,
        inputs=inputs,
        property_dependencies=deps,
    )


def _mandatory(violations, policy: str) -> list:
    return [v for v in violations if v.policy == policy and v.enforcement == "mandatory"]


@pytest.mark.parametrize(
    ("type_", "inputs", "policy"),
    [
        (
            "azure-native:authorization:RoleAssignment",
            {
                "principalId": "p",
                "principalType": "Group",
                "scope": WORKSPACE,
                "roleDefinitionId": "8E3AF657-A8FF-443C-A75C-2FE8C4BCB635",
            },
            "azure-role-assignment-least-privilege",
        ),
        (
            "azure:authorization/assignment:Assignment",
            {
                "principalId": "p",
                "scope": WORKSPACE,
                "roleDefinitionName": "key vault data access administrator",
            },
            "azure-role-assignment-least-privilege",
        ),
        (
            "azure-native:authorization:RoleAssignment",
            {
                "principalId": "p",
                "scope": SUB.upper() + "//",
                "roleDefinitionId": f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/"
                "acdd72a7-3385-48ef-bd42-f606fba81ae7",
            },
            "azure-role-assignment-scope",
        ),
        (
            "azure-native:authorization:RoleDefinition",
            {
                "scope": SUB,
                "roleName": "x",
                "assignableScopes": [SUB],
                "permissions": [
                    {
                        "actions": ["Microsoft.Authorization/*"],
                        "notActions": ["Microsoft.Authorization/roleAssignments/writ?"],
                    }
                ],
            },
            "azure-custom-role-no-wildcard-action",
        ),
        (
            "gcp:projects/iAMMember:IAMMember",
            {
                "project": "p",
                "role": "roles/iam.serviceAccountOpenIdTokenCreator",
                "member": RUN_ACCOUNT,
            },
            "gcp-iam-no-project-level-service-account-user",
        ),
        (
            "gcp:storage/bucketIAMBinding:BucketIAMBinding",
            {
                "bucket": "b",
                "role": "roles/storage.objectViewer",
                "members": ["domain:example.com"],
            },
            "gcp-iam-no-public-members",
        ),
        (
            "gcp:projects/iAMPolicy:IAMPolicy",
            {
                "project": "p",
                "policyData": json.dumps(
                    {"bindings": [{"role": "roles/Editor", "members": [RUN_ACCOUNT]}]}
                ),
            },
            "gcp-iam-no-basic-roles",
        ),
        (
            "gcp:organizations/iAMCustomRole:IAMCustomRole",
            {
                "orgId": "42",
                "roleId": "r",
                "title": "r",
                "permissions": ["resourcemanager.projects.setIamPolicy"],
            },
            "gcp-custom-role-no-privileged-permissions",
        ),
    ],
)
def test_a_privilege_in_another_spelling_is_mandatory_in_prod(
    pack_clients: dict[str, PolicyClient], type_, inputs, policy
) -> None:
    resource = _resource(type_, "r", inputs)
    found = pack_clients["prod"].analyze(resource)
    assert _mandatory(found, policy), (resource.urn, policy, found)


def test_a_same_stack_azure_custom_role_assignment_is_mandatory_over_the_protocol(
    pack_clients: dict[str, PolicyClient],
) -> None:
    role = _resource(
        "azure-native:authorization:RoleDefinition",
        "role",
        {
            "scope": SUB,
            "roleName": "runner",
            "assignableScopes": [WORKSPACE],
            "permissions": [{"actions": ["*"]}],
        },
    )
    grant = _resource(
        "azure-native:authorization:RoleAssignment",
        "grant",
        {"principalId": "p", "scope": WORKSPACE, "roleDefinitionId": UNKNOWN},
        roleDefinitionId=(role.urn,),
    )
    found = _mandatory(
        pack_clients["prod"].analyze_stack([role, grant]), "azure-role-assignment-custom-role"
    )
    assert [v.urn for v in found] == [grant.urn], (grant.urn, found)


def test_a_same_stack_gcp_custom_role_grant_is_mandatory_over_the_protocol(
    pack_clients: dict[str, PolicyClient],
) -> None:
    role = _resource(
        "gcp:projects/iAMCustomRole:IAMCustomRole",
        "role",
        {
            "project": "p",
            "roleId": "runner",
            "title": "r",
            "permissions": ["iam.serviceAccounts.getAccessToken"],
        },
    )
    grant = _resource(
        "gcp:projects/iAMMember:IAMMember",
        "grant",
        {"project": "p", "role": "projects/p/roles/runner", "member": RUN_ACCOUNT},
    )
    found = _mandatory(
        pack_clients["prod"].analyze_stack([role, grant]), "gcp-iam-custom-role-grants"
    )
    assert [v.urn for v in found] == [grant.urn], (grant.urn, found)
