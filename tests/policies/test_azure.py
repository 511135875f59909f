"""policies.azure: Azure identity and exposure policies, on the shapes Pulumi sends (camelCase,
floats, unknowns during preview, malformed values)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pulumi_policy import ResourceValidationPolicy
from pulumi_policy.proxy import UnknownValueError

from policies import azure
from tools.policy_client import UNKNOWN

SUB = "/subscriptions/22222222-2222-4222-8222-222222222222"
WORKSPACE = f"{SUB}/resourceGroups/ml/providers/Microsoft.MachineLearningServices/workspaces/ws"
ASSIGNMENT = "azure-native:authorization:RoleAssignment"
CLASSIC_ASSIGNMENT = "azure:authorization/assignment:Assignment"
DEFINITION = "azure-native:authorization:RoleDefinition"


def role_id(guid: str) -> str:
    return f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/{guid}"


DATA_SCIENTIST = role_id("f6c7c914-8db3-469d-8ca1-694a8f32e121")
OWNER = role_id("8e3af657-a8ff-443c-a75c-2fe8c4bcb635")
CONTRIBUTOR = role_id("b24988ac-6180-42a0-ab88-20f7382dd24c")
UAA = role_id("18d7d88d-d35e-4fb5-a5c3-7773c20a72d9")


def assignment(role: object = DATA_SCIENTIST, scope: object = WORKSPACE) -> dict:
    return {"principalId": "p", "roleDefinitionId": role, "scope": scope}


# --- azure-role-assignment-least-privilege ------------------------------------------------------
def test_data_scientist_on_the_workspace_passes(run) -> None:
    assert run(azure.ROLE_ASSIGNMENT_LEAST_PRIVILEGE, ASSIGNMENT, assignment()) == []


@pytest.mark.parametrize(
    ("role", "name", "power"),
    [
        (OWNER, "Owner", "write resources of every provider"),
        (CONTRIBUTOR, "Contributor", "write resources of every provider"),
        (UAA, "User Access Administrator", "grant access"),
    ],
)
def test_privileged_built_in_roles_are_reported_by_what_they_allow(run, role, name, power) -> None:
    (message,) = run(azure.ROLE_ASSIGNMENT_LEAST_PRIVILEGE, ASSIGNMENT, assignment(role))
    assert f"assigns {name}" in message
    assert power in message
    assert "AzureML Data Scientist" in message


def test_role_id_case_and_tenant_level_form_do_not_hide_a_privileged_role(run) -> None:
    tenant_form = (
        "/providers/Microsoft.Authorization/roleDefinitions/8E3AF657-A8FF-443C-A75C-2FE8C4BCB635"
    )
    (message,) = run(azure.ROLE_ASSIGNMENT_LEAST_PRIVILEGE, ASSIGNMENT, assignment(tenant_form))
    assert "assigns Owner" in message


def test_classic_assignment_by_role_name_is_judged_too(run) -> None:
    props = {"principalId": "p", "roleDefinitionName": "Contributor", "scope": WORKSPACE}
    (message,) = run(azure.ROLE_ASSIGNMENT_LEAST_PRIVILEGE, CLASSIC_ASSIGNMENT, props)
    assert "assigns Contributor (roleDefinitionName 'Contributor')" in message


def test_custom_role_assignments_are_left_to_the_custom_role_policy(run) -> None:
    custom = role_id("0b7d2f33-0000-4000-8000-000000000001")
    assert run(azure.ROLE_ASSIGNMENT_LEAST_PRIVILEGE, ASSIGNMENT, assignment(custom)) == []


def test_unknown_role_definition_is_reported_as_unknown(run) -> None:
    with pytest.raises(UnknownValueError) as caught:
        run(azure.ROLE_ASSIGNMENT_LEAST_PRIVILEGE, ASSIGNMENT, assignment(UNKNOWN))
    assert "roleDefinitionId" in caught.value.message


@pytest.mark.parametrize("bad", ["Owner", 42, ["x"]])
def test_malformed_role_definition_gets_one_message_naming_property_value_and_fix(run, bad) -> None:
    (message,) = run(azure.ROLE_ASSIGNMENT_LEAST_PRIVILEGE, ASSIGNMENT, assignment(bad))
    assert "roleDefinitionId" in message
    assert repr(bad) in message


# --- azure-role-assignment-scope ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("scope", "breadth"),
    [
        (SUB, "a subscription"),
        (SUB + "/", "a subscription"),
        ("/providers/Microsoft.Management/managementGroups/root-mg", "a management group"),
        ("/", "the tenant root"),
    ],
)
def test_wide_scopes_are_reported(run, scope, breadth) -> None:
    (message,) = run(azure.ROLE_ASSIGNMENT_SCOPE, ASSIGNMENT, assignment(scope=scope))
    assert f"is {breadth}" in message


def test_resource_scope_passes(run) -> None:
    assert run(azure.ROLE_ASSIGNMENT_SCOPE, ASSIGNMENT, assignment()) == []


def test_unknown_scope_is_reported_as_unknown(run) -> None:
    with pytest.raises(UnknownValueError):
        run(azure.ROLE_ASSIGNMENT_SCOPE, ASSIGNMENT, assignment(scope=UNKNOWN))


def test_malformed_scope_is_one_message(run) -> None:
    (message,) = run(azure.ROLE_ASSIGNMENT_SCOPE, ASSIGNMENT, assignment(scope="ws"))
    assert "scope 'ws' is not a resource ID" in message


# --- azure-custom-role-no-wildcard-action -------------------------------------------------------
def role_definition(actions: object, not_actions: object = ()) -> dict:
    return {
        "roleName": "ml-runner",
        "permissions": [{"actions": actions, "notActions": list(not_actions)}],
        "assignableScopes": [WORKSPACE],
    }


@pytest.mark.parametrize(
    "actions",
    [
        ["*"],
        ["Microsoft.Authorization/*"],
        ["*/write"],
        ["microsoft.authorization/roleassignments/*"],
    ],
)
def test_custom_roles_that_write_everything_or_grant_access_are_reported(run, actions) -> None:
    (message,) = run(azure.CUSTOM_ROLE_NO_WILDCARD, DEFINITION, role_definition(actions))
    assert "permissions[0] allows" in message


def test_not_actions_that_remove_the_dangerous_part_are_honoured(run) -> None:
    scoped = role_definition(["Microsoft.MachineLearningServices/*"])
    assert run(azure.CUSTOM_ROLE_NO_WILDCARD, DEFINITION, scoped) == []
    contributor_like = role_definition(["*"], ["Microsoft.Authorization/*/Write"])
    (message,) = run(azure.CUSTOM_ROLE_NO_WILDCARD, DEFINITION, contributor_like)
    assert "write resources of every provider" in message
    assert "grant access" not in message


def test_unknown_action_entry_is_reported_as_unknown(run) -> None:
    with pytest.raises(UnknownValueError) as caught:
        run(azure.CUSTOM_ROLE_NO_WILDCARD, DEFINITION, role_definition(["a/read", UNKNOWN]))
    assert "permissions[0].actions" in caught.value.message


def test_malformed_permissions_are_one_message(run) -> None:
    (message,) = run(azure.CUSTOM_ROLE_NO_WILDCARD, DEFINITION, {"permissions": "everything"})
    assert "permissions must be a list" in message
    (message,) = run(azure.CUSTOM_ROLE_NO_WILDCARD, DEFINITION, role_definition([3.0]))
    assert "actions must be a list of operation strings" in message


# --- azure-linked-service-no-inline-secret ------------------------------------------------------
LINKED = "azure-native:datafactory:LinkedService"


def test_managed_identity_linked_service_passes(run) -> None:
    props = {
        "properties": {
            "type": "AzureMLService",
            "subscriptionId": "s",
            "resourceGroupName": "g",
            "mlWorkspaceName": "ws",
            "authentication": "MSI",
        }
    }
    assert run(azure.LINKED_SERVICE_NO_INLINE_SECRET, LINKED, props) == []


def test_inline_secure_string_is_reported_with_its_path(run) -> None:
    props = {
        "properties": {
            "type": "AzureMLService",
            "servicePrincipalId": "app",
            "servicePrincipalKey": {"type": "SecureString", "value": "hunter2"},
        }
    }
    (message,) = run(azure.LINKED_SERVICE_NO_INLINE_SECRET, LINKED, props)
    assert "properties.servicePrincipalKey" in message
    assert "Key Vault" in message


def test_account_key_in_a_connection_string_is_reported(run) -> None:
    props = {
        "properties": {
            "type": "AzureBlobStorage",
            "connectionString": "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abc==",
        }
    }
    (message,) = run(azure.LINKED_SERVICE_NO_INLINE_SECRET, LINKED, props)
    assert "properties.connectionString" in message


def test_sas_token_in_a_connection_string_is_reported(run) -> None:
    props = {
        "properties": {
            "type": "AzureBlobStorage",
            "connectionString": "BlobEndpoint=https://a.blob.core.windows.net/;"
            "SharedAccessSignature=sv=2022-11-02&ss=b&sig=abc",
        }
    }
    (message,) = run(azure.LINKED_SERVICE_NO_INLINE_SECRET, LINKED, props)
    assert "properties.connectionString" in message
    assert "Key Vault" in message


def test_connection_string_without_a_credential_passes(run) -> None:
    props = {
        "properties": {
            "type": "AzureBlobStorage",
            "connectionString": "BlobEndpoint=https://a.blob.core.windows.net/;"
            "SharedAccessKeyName=reader",
        }
    }
    assert run(azure.LINKED_SERVICE_NO_INLINE_SECRET, LINKED, props) == []


@pytest.mark.parametrize(
    ("type_", "props", "path"),
    [
        ("azure:datafactory/linkedServiceAzureBlobStorage:LinkedServiceAzureBlobStorage",
         {"dataFactoryId": "f", "connectionString": "AccountName=a;AccountKey=abc=="},
         "connectionString"),
        ("azure:datafactory/linkedServiceAzureBlobStorage:LinkedServiceAzureBlobStorage",
         {"dataFactoryId": "f", "connectionStringInsecure": "AccountName=a;AccountKey=abc=="},
         "connectionStringInsecure"),
        ("azure:datafactory/linkedServiceAzureBlobStorage:LinkedServiceAzureBlobStorage",
         {"dataFactoryId": "f", "sasUri": "https://a.blob.core.windows.net/?sv=1&sig=abc"},
         "sasUri"),
        ("azure:datafactory/linkedServiceWeb:LinkedServiceWeb",
         {"dataFactoryId": "f", "url": "https://x", "authenticationType": "Basic",
          "username": "u", "password": "p"},
         "password"),
    ],
)  # fmt: skip
def test_classic_linked_service_with_an_inline_secret_is_reported(run, type_, props, path) -> None:
    (message,) = run(azure.LINKED_SERVICE_NO_INLINE_SECRET, type_, props)
    assert message.startswith(f"{path} hold a key or secret"), message
    assert "Key Vault" in message


def test_classic_linked_service_with_managed_identity_and_key_vault_passes(run) -> None:
    props = {
        "dataFactoryId": "f",
        "serviceEndpoint": "https://a.blob.core.windows.net/",
        "useManagedIdentity": True,
        "keyVaultSasToken": {"linkedServiceName": "kv", "secretName": "sas"},
    }
    type_ = "azure:datafactory/linkedServiceAzureBlobStorage:LinkedServiceAzureBlobStorage"
    assert run(azure.LINKED_SERVICE_NO_INLINE_SECRET, type_, props) == []


def test_key_vault_reference_passes(run) -> None:
    props = {
        "properties": {
            "type": "AzureBlobStorage",
            "accountKey": {"type": "AzureKeyVaultSecret", "secretName": "k", "store": {}},
        }
    }
    assert run(azure.LINKED_SERVICE_NO_INLINE_SECRET, LINKED, props) == []


def test_unknown_linked_service_is_reported_as_unknown(run) -> None:
    with pytest.raises(UnknownValueError):
        run(azure.LINKED_SERVICE_NO_INLINE_SECRET, LINKED, {"properties": UNKNOWN})


# --- public network access ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("policy", "type_", "props"),
    [
        (azure.FACTORY_PUBLIC_NETWORK, "azure-native:datafactory:Factory", {}),
        (
            azure.FACTORY_PUBLIC_NETWORK,
            "azure-native:datafactory:Factory",
            {"publicNetworkAccess": "Enabled"},
        ),
        (azure.FACTORY_PUBLIC_NETWORK, "azure:datafactory/factory:Factory", {}),
        (
            azure.WORKSPACE_PUBLIC_NETWORK,
            "azure-native:machinelearningservices:Workspace",
            {"publicNetworkAccess": "Enabled"},
        ),
        (
            azure.WORKSPACE_PUBLIC_NETWORK,
            "azure:machinelearning/workspace:Workspace",
            {"publicNetworkAccessEnabled": True},
        ),
    ],
)
def test_public_factories_and_workspaces_are_reported(run, policy, type_, props) -> None:
    (message,) = run(policy, type_, props)
    assert "reachable from the internet" in message


def test_disabled_public_access_passes(run) -> None:
    factory = {"publicNetworkAccess": "Disabled"}
    assert run(azure.FACTORY_PUBLIC_NETWORK, "azure-native:datafactory:Factory", factory) == []
    classic = {"publicNetworkEnabled": False}
    assert run(azure.FACTORY_PUBLIC_NETWORK, "azure:datafactory/factory:Factory", classic) == []


def test_unknown_and_malformed_public_access(run) -> None:
    with pytest.raises(UnknownValueError):
        run(
            azure.FACTORY_PUBLIC_NETWORK,
            "azure-native:datafactory:Factory",
            {"publicNetworkAccess": UNKNOWN},
        )
    (message,) = run(
        azure.FACTORY_PUBLIC_NETWORK,
        "azure-native:datafactory:Factory",
        {"publicNetworkAccess": "Off"},
    )
    assert "publicNetworkAccess 'Off' is not a valid value; use 'Disabled'" in message


# --- azure-trigger-started ----------------------------------------------------------------------
def test_azure_native_schedule_trigger_never_starts(run) -> None:
    props = {
        "properties": {
            "type": "ScheduleTrigger",
            "recurrence": {"frequency": "Day", "interval": 1.0},
        }
    }
    (message,) = run(azure.TRIGGER_STARTED, "azure-native:datafactory:Trigger", props)
    assert "pulumi-azure-native#3540" in message


def test_stopped_classic_trigger_and_disabled_ml_schedule_are_reported(run) -> None:
    (message,) = run(
        azure.TRIGGER_STARTED,
        "azure:datafactory/triggerSchedule:TriggerSchedule",
        {"activated": False},
    )
    assert "activated is false" in message
    (message,) = run(
        azure.TRIGGER_STARTED,
        "azure-native:machinelearningservices:Schedule",
        {"properties": {"isEnabled": False}},
    )
    assert "isEnabled is false" in message


def test_started_triggers_pass(run) -> None:
    classic = "azure:datafactory/triggerSchedule:TriggerSchedule"
    assert run(azure.TRIGGER_STARTED, classic, {"activated": True}) == []
    assert run(azure.TRIGGER_STARTED, classic, {}) == []  # the provider's default is true


def test_unknown_activation_is_reported_as_unknown(run) -> None:
    with pytest.raises(UnknownValueError):
        run(
            azure.TRIGGER_STARTED,
            "azure:datafactory/triggerSchedule:TriggerSchedule",
            {"activated": UNKNOWN},
        )


# --- every policy takes any shape ---------------------------------------------------------------
json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
TYPES = (
    ASSIGNMENT,
    CLASSIC_ASSIGNMENT,
    DEFINITION,
    LINKED,
    "azure-native:datafactory:Factory",
    "azure-native:machinelearningservices:Workspace",
    "azure-native:datafactory:Trigger",
    "azure:datafactory/triggerSchedule:TriggerSchedule",
    "azure-native:machinelearningservices:Schedule",
)


@given(
    st.sampled_from(TYPES),
    st.dictionaries(
        st.sampled_from(
            [
                "roleDefinitionId",
                "roleDefinitionName",
                "scope",
                "permissions",
                "properties",
                "publicNetworkAccess",
                "activated",
                "assignableScopes",
            ]
        ),
        json_values,
        max_size=4,
    ),
)
def test_no_policy_crashes_on_any_shape(type_, props) -> None:
    from tests.policies.conftest import run_resource

    for policy in azure.POLICIES:
        if not isinstance(policy, ResourceValidationPolicy):
            continue
        for message in run_resource(policy, type_, props):
            assert isinstance(message, str)
            assert message
