"""Azure RBAC judged by meaning: every spelling of a role definition ID, Microsoft's published
built-in roles, Azure's own wildcard rules, wide scopes, and assignments of custom roles defined
in the same stack."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policies import azure, azure_roles, azure_types
from tests.policies.conftest import urn

SUB = "/subscriptions/22222222-2222-4222-8222-222222222222"
WORKSPACE = f"{SUB}/resourceGroups/ml/providers/Microsoft.MachineLearningServices/workspaces/ws"
ASSIGNMENT = "azure-native:authorization:RoleAssignment"
CLASSIC_ASSIGNMENT = "azure:authorization/assignment:Assignment"
DEFINITION = "azure-native:authorization:RoleDefinition"
CLASSIC_DEFINITION = "azure:authorization/roleDefinition:RoleDefinition"
OWNER_GUID = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
CUSTOM_GUID = "0b7d2f33-0000-4000-8000-000000000001"


def assignment(role: object, scope: object = WORKSPACE) -> dict:
    return {
        "principalId": "p",
        "principalType": "ServicePrincipal",
        "roleDefinitionId": role,
        "scope": scope,
    }


def where(type_: str) -> str:
    return urn(type_, "r")


@pytest.mark.parametrize(
    "role",
    [
        OWNER_GUID,
        OWNER_GUID.upper(),
        "{" + OWNER_GUID + "}",
        f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/{OWNER_GUID}",
        f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/{OWNER_GUID}/",
        f"{SUB.upper()}/PROVIDERS/MICROSOFT.AUTHORIZATION/ROLEDEFINITIONS/{OWNER_GUID.upper()}",
        f"/providers/Microsoft.Authorization/roleDefinitions/{OWNER_GUID}",
        f"{WORKSPACE}/providers/Microsoft.Authorization/roleDefinitions/{OWNER_GUID}",
        f"  {SUB}//providers/Microsoft.Authorization/roleDefinitions/{OWNER_GUID} ",
    ],
)
def test_every_spelling_of_the_owner_role_id_is_judged_as_owner(run, role) -> None:
    messages = run(azure.ROLE_ASSIGNMENT_LEAST_PRIVILEGE, ASSIGNMENT, assignment(role))
    assert any("assigns Owner" in m for m in messages), (where(ASSIGNMENT), role, messages)


@pytest.mark.parametrize(
    ("name", "power"),
    [
        ("Key Vault Data Access Administrator", "grant access"),
        ("Role Based Access Control Administrator", "grant access"),
        ("Foundry Account Owner", "grant access"),
        ("user access administrator", "define and widen roles"),
        ("  Contributor ", "write resources of every provider"),
    ],
)
def test_classic_role_names_are_judged_on_microsofts_definitions(run, name, power) -> None:
    props = {"principalId": "p", "roleDefinitionName": name, "scope": WORKSPACE}
    messages = run(azure.ROLE_ASSIGNMENT_LEAST_PRIVILEGE, CLASSIC_ASSIGNMENT, props)
    assert len(messages) == 1, (where(CLASSIC_ASSIGNMENT), name, messages)
    assert power in messages[0], (where(CLASSIC_ASSIGNMENT), name, messages)


def test_a_role_whose_condition_limits_what_it_assigns_still_grants_access(run) -> None:
    props = {
        "principalId": "p",
        "roleDefinitionName": "Key Vault Data Access Administrator",
        "scope": WORKSPACE,
    }
    (message,) = run(azure.ROLE_ASSIGNMENT_LEAST_PRIVILEGE, CLASSIC_ASSIGNMENT, props)
    assert "its condition limits which roles it may assign" in message, where(CLASSIC_ASSIGNMENT)


@pytest.mark.parametrize(
    "name", ["AzureML Data Scientist", "Reader", "Storage Blob Data Contributor", "AcrPull"]
)
def test_narrow_built_in_roles_pass(run, name) -> None:
    props = {"principalId": "p", "roleDefinitionName": name, "scope": WORKSPACE}
    messages = run(azure.ROLE_ASSIGNMENT_LEAST_PRIVILEGE, CLASSIC_ASSIGNMENT, props)
    assert messages == [], (where(CLASSIC_ASSIGNMENT), name, messages)


def test_every_built_in_role_is_in_the_published_data() -> None:
    roles = azure_roles.built_in()
    assert len(roles) > 900, len(roles)
    assert roles[OWNER_GUID].name == "Owner"
    assert azure_roles.by_name()["azureml data scientist"] == "f6c7c914-8db3-469d-8ca1-694a8f32e121"


# --- wide scopes -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("scope", "breadth"),
    [
        ("/", "the tenant root"),
        ("//", "the tenant root"),
        (" / ", "the tenant root"),
        (SUB + "/", "a subscription"),
        (SUB + "//", "a subscription"),
        (SUB.upper(), "a subscription"),
        ("/providers/microsoft.management/MANAGEMENTGROUPS/mg/", "a management group"),
    ],
)
def test_wide_scopes_in_odd_spellings_are_reported(run, scope, breadth) -> None:
    (message,) = run(azure.ROLE_ASSIGNMENT_SCOPE, ASSIGNMENT, assignment(OWNER_GUID, scope))
    assert breadth in message, (where(ASSIGNMENT), scope, message)


# --- custom role definitions --------------------------------------------------------------------
def definition(block: dict, scopes: list[str] | None = None) -> dict:
    return {
        "roleName": "runner",
        "scope": SUB,
        "permissions": [block],
        "assignableScopes": scopes or [WORKSPACE],
    }


@pytest.mark.parametrize(
    ("block", "power"),
    [
        ({"actions": ["*"]}, "write resources of every provider"),
        ({"actions": ["*/write"]}, "write resources of every provider"),
        ({"actions": ["Microsoft.*"]}, "write resources of every provider"),
        ({"actions": ["*/action"]}, "run actions of every provider"),
        ({"actions": ["Microsoft.Authorization/*"]}, "grant access"),
        ({"actions": ["microsoft.authorization/roleassignments/WRITE"]}, "grant access"),
        ({"actions": ["Microsoft.Authorization/roleDefinitions/write"]}, "define and widen roles"),
        # fnmatch would read these NotActions as patterns; Azure's only wildcard is `*`.
        (
            {
                "actions": ["Microsoft.Authorization/*"],
                "notActions": [
                    "Microsoft.Authorization/roleAssignments/[w]rite",
                    "Microsoft.Authorization/roleAssignments/writ?",
                ],
            },
            "grant access",
        ),
        # Subtracting one provider leaves every other one writable.
        (
            {"actions": ["*"], "notActions": ["Microsoft.Compute/*", "Microsoft.M*"]},
            "write resources of every provider",
        ),
        ({"actions": [], "dataActions": ["*"]}, "data of every service"),
        ({"actions": [], "dataActions": ["*/read"]}, "data of every service"),
    ],
)
def test_custom_roles_are_judged_on_what_actions_minus_not_actions_allow(run, block, power) -> None:
    for type_ in (DEFINITION, CLASSIC_DEFINITION):
        messages = run(azure.CUSTOM_ROLE_NO_WILDCARD, type_, definition(block))
        assert any(power in m for m in messages), (where(type_), block, messages)


@pytest.mark.parametrize(
    "block",
    [
        {"actions": ["*"], "notActions": ["*/write", "*/delete", "*/action"]},
        {
            "actions": ["Microsoft.Authorization/*"],
            "notActions": ["Microsoft.Authorization/*/write", "Microsoft.Authorization/*/action"],
        },
        {
            "actions": ["Microsoft.MachineLearningServices/workspaces/jobs/*"],
            "dataActions": ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*"],
        },
    ],
)
def test_not_actions_that_really_subtract_the_danger_pass(run, block) -> None:
    messages = run(azure.CUSTOM_ROLE_NO_WILDCARD, DEFINITION, definition(block))
    assert messages == [], (where(DEFINITION), block, messages)


def test_a_custom_role_assignable_at_the_tenant_root_is_reported(run) -> None:
    props = definition({"actions": ["Microsoft.MachineLearningServices/workspaces/read"]}, ["/"])
    (message,) = run(azure.CUSTOM_ROLE_NO_WILDCARD, CLASSIC_DEFINITION, props)
    assert "assignableScopes[0] is '/'" in message, where(CLASSIC_DEFINITION)


# --- assignments of same-stack custom roles -----------------------------------------------------
WIDE = {"actions": ["*"], "notActions": []}
NARROW = {"actions": ["Microsoft.MachineLearningServices/workspaces/jobs/write"]}


def test_an_assignment_of_a_wide_custom_role_by_dependency_is_reported(stack) -> None:
    role = stack.add(DEFINITION, "role", definition(WIDE))
    target = stack.add(ASSIGNMENT, "grant", assignment(None), roleDefinitionId=[role])
    found = stack.run(azure.ROLE_ASSIGNMENT_CUSTOM_ROLE)
    assert len(found) == 1, (target, found)
    assert found[0][0].startswith(target), (target, found)
    assert "write resources of every provider" in found[0][0], (target, found)


def test_an_assignment_of_a_wide_custom_role_by_guid_is_reported(stack) -> None:
    stack.add(DEFINITION, "role", {**definition(WIDE), "roleDefinitionId": CUSTOM_GUID})
    target = stack.add(
        ASSIGNMENT,
        "grant",
        assignment(
            f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/{CUSTOM_GUID.upper()}"
        ),
    )
    found = stack.run(azure.ROLE_ASSIGNMENT_CUSTOM_ROLE)
    assert [u for _, u in found] == ["grant"], (target, found)


def test_a_classic_assignment_of_a_wide_custom_role_by_name_is_reported(stack) -> None:
    stack.add(CLASSIC_DEFINITION, "role", {**definition(WIDE), "name": "ML Runner"})
    target = stack.add(
        CLASSIC_ASSIGNMENT,
        "grant",
        {"principalId": "p", "roleDefinitionName": "ml  runner", "scope": WORKSPACE},
    )
    found = stack.run(azure.ROLE_ASSIGNMENT_CUSTOM_ROLE)
    assert [u for _, u in found] == ["grant"], (target, found)


def test_an_assignment_of_a_narrow_custom_role_passes(stack) -> None:
    role = stack.add(DEFINITION, "role", definition(NARROW))
    stack.add(ASSIGNMENT, "grant", assignment(None), roleDefinitionId=[role])
    assert stack.run(azure.ROLE_ASSIGNMENT_CUSTOM_ROLE) == []


def test_an_assignment_of_a_custom_role_with_unknown_permissions_is_not_passed(stack) -> None:
    role = stack.add(DEFINITION, "role", {"roleName": "x", "permissions": "everything"})
    target = stack.add(ASSIGNMENT, "grant", assignment(None), roleDefinitionId=[role])
    found = stack.run(azure.ROLE_ASSIGNMENT_CUSTOM_ROLE)
    assert len(found) == 1, (target, found)
    assert "cannot be judged" in found[0][0], (target, found)


# --- the same resources under their other type tokens ------------------------------------------
@pytest.mark.parametrize(
    "type_",
    [
        "azure-native:authorization/v20220401:RoleAssignment",
        "azure-native:authorization/v20200401preview:RoleAssignment",
        "azure-native_authorization_v20220401:authorization:RoleAssignment",
        "azure:role/assignment:Assignment",
    ],
)
def test_an_owner_assignment_under_another_type_token_is_judged(run, type_) -> None:
    messages = run(azure.ROLE_ASSIGNMENT_LEAST_PRIVILEGE, type_, assignment(OWNER_GUID, "/"))
    assert any("assigns Owner" in m for m in messages), (where(type_), messages)
    messages = run(azure.ROLE_ASSIGNMENT_SCOPE, type_, assignment(OWNER_GUID, "/"))
    assert any("tenant root" in m for m in messages), (where(type_), messages)


@pytest.mark.parametrize(
    "type_",
    ["azure:role/definition:Definition", "azure-native:authorization/v20220401:RoleDefinition"],
)
def test_a_wildcard_custom_role_under_another_type_token_is_judged(run, type_) -> None:
    messages = run(azure.CUSTOM_ROLE_NO_WILDCARD, type_, definition({"actions": ["*"]}))
    assert messages, where(type_)


def test_other_providers_tokens_are_not_azure_ones() -> None:
    assert (
        azure_types.canonical("gcp:projects/iAMMember:IAMMember")
        == "gcp:projects/iAMMember:IAMMember"
    )
    assert azure_types.canonical("azure-native:datafactory/v20180601:Trigger") == (
        "azure-native:datafactory:Trigger"
    )


@pytest.mark.parametrize(
    ("type_", "props"),
    [
        (
            "azure-native:datafactory/v20180601:Trigger",
            {
                "properties": {
                    "type": "TumblingWindowTrigger",
                    "frequency": "Hour",
                    "interval": 1.0,
                    "startTime": "2026-01-01T00:00:00Z",
                }
            },
        ),
        (
            "azure:datafactory/triggerTumblingWindow:TriggerTumblingWindow",
            {"frequency": "Hour", "interval": 1.0, "activated": False},
        ),
    ],
)
def test_a_tumbling_window_trigger_that_never_starts_is_reported(run, type_, props) -> None:
    (message,) = run(azure.TRIGGER_STARTED, type_, props)
    assert "never fires" in message, (where(type_), message)


def test_a_versioned_data_factory_trigger_is_a_schedule_carrier() -> None:
    from policies import schedule_registry

    type_ = "azure-native:datafactory/v20180601:Trigger"
    props = {
        "properties": {
            "type": "ScheduleTrigger",
            "recurrence": {
                "frequency": "Minute",
                "interval": 1.0,
                "startTime": "2026-01-01T00:00:00Z",
            },
        }
    }
    spec = schedule_registry.read(type_, props)
    assert spec is not None, where(type_)
    assert spec.carrier.resource_type == "azure-native:datafactory:Trigger", where(type_)


def test_a_not_action_padded_with_spaces_is_not_trusted_to_subtract(run) -> None:
    block = {
        "actions": [" Microsoft.Authorization/* "],
        "notActions": [" Microsoft.Authorization/roleAssignments/write"],
    }
    messages = run(azure.CUSTOM_ROLE_NO_WILDCARD, DEFINITION, definition(block))
    assert any("grant access" in m for m in messages), (where(DEFINITION), messages)


@pytest.mark.parametrize(("value", "public"), [(" enabled", True), ("DISABLED", False)])
def test_public_network_access_is_read_in_any_case(run, value, public) -> None:
    type_ = "azure-native:datafactory/v20180601:Factory"
    messages = run(azure.FACTORY_PUBLIC_NETWORK, type_, {"publicNetworkAccess": value})
    assert bool(messages) is public, (where(type_), value, messages)
    if public:
        assert "reachable from the internet" in messages[0], (where(type_), messages)


# --- properties of the matcher ------------------------------------------------------------------
_OPERATION = st.from_regex(
    r"[A-Za-z][A-Za-z0-9.]{0,12}(/[A-Za-z0-9*?\[\]. ]{1,12}){1,4}", fullmatch=True
)


@given(operation=_OPERATION)
def test_azure_wildcards_are_only_stars_and_case_does_not_matter(operation: str) -> None:
    assert azure_roles.matches("*", operation), operation
    assert azure_roles.matches(operation.swapcase().replace("*", "x"), operation.replace("*", "x"))
    literal = operation.replace("*", "")
    if "?" in literal or "[" in literal:
        # fnmatch would widen these; Azure reads them as the characters they are.
        assert not azure_roles.matches(literal, literal.replace("?", "Q").replace("[", "(")), (
            literal
        )


@given(text=st.text(max_size=200))
def test_any_role_definition_id_text_is_a_guid_or_none_never_an_error(text: str) -> None:
    guid = azure_roles.role_guid(text)
    assert guid is None or (len(guid) == 36 and guid == guid.lower()), (text, guid)


@pytest.mark.parametrize(
    "type_",
    [
        "azure-native:authorization:PimRoleEligibilitySchedule",
        "azure:pim/activeRoleAssignment:ActiveRoleAssignment",
        "azure:pim/eligibleRoleAssignment:EligibleRoleAssignment",
    ],
)
def test_privileged_identity_management_assignments_are_judged_like_standing_ones(
    run, type_
) -> None:
    messages = run(azure.ROLE_ASSIGNMENT_LEAST_PRIVILEGE, type_, assignment(OWNER_GUID, SUB))
    assert any("assigns Owner" in m for m in messages), (where(type_), messages)
    messages = run(azure.ROLE_ASSIGNMENT_SCOPE, type_, assignment(OWNER_GUID, SUB))
    assert any("a subscription" in m for m in messages), (where(type_), messages)


@pytest.mark.filterwarnings("ignore:azure.role:DeprecationWarning")
def test_every_assignment_and_definition_token_is_one_an_sdk_registers() -> None:
    import importlib

    for token in [*azure.ASSIGNMENTS, *azure.DEFINITIONS, *azure_types.CLASSIC]:
        package, module, class_name = token.split(":")
        sdk = "pulumi_azure_native" if package == "azure-native" else "pulumi_azure"
        found = importlib.import_module(f"{sdk}.{module.split('/')[0]}")
        assert getattr(found, class_name).pulumi_type == token, token
