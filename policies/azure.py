"""Azure identity and exposure policies: role assignments, custom roles, Data Factory linked
services, public network access of factories and Azure ML workspaces, and triggers that never
start.

Each names the checkov / Azure Policy built-in it mirrors. Roles are judged by what their
Actions minus NotActions allow (policies.azure_roles, from Microsoft's published definitions),
not by their names. Unknown values during preview end in the SDK's "can't be known during
preview" advisory (policies.values.unknown); a malformed value gets one message naming the
property, the value and the fix. Never a crash, never a silent pass.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pulumi_policy import (
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from policies import azure_roles, azure_types
from policies.values import as_list, dig, is_unknown, plain, show, unknown

# Every resource that gives a principal a role at a scope: a standing assignment, and Privileged
# Identity Management's active and eligible ones (an eligible principal activates the role itself).
ASSIGNMENTS = {
    "azure-native:authorization:RoleAssignment": "roleDefinitionId",
    "azure:authorization/assignment:Assignment": "roleDefinitionId",
    "azure-native:authorization:PimRoleEligibilitySchedule": "roleDefinitionId",
    "azure:pim/activeRoleAssignment:ActiveRoleAssignment": "roleDefinitionId",
    "azure:pim/eligibleRoleAssignment:EligibleRoleAssignment": "roleDefinitionId",
}
DEFINITIONS = {
    "azure-native:authorization:RoleDefinition": ("permissions", "assignableScopes"),
    "azure:authorization/roleDefinition:RoleDefinition": ("permissions", "assignableScopes"),
}


def _text(props: Mapping[str, Any], key: str) -> Any:
    value = dig(props, key)
    if is_unknown(value):
        unknown(key)
    return value


# --- azure-role-assignment-least-privilege -------------------------------------------------------
def _role_reference(args: ResourceValidationArgs, props: Mapping[str, Any]) -> tuple[Any, Any]:
    """(roleDefinitionId, roleDefinitionName) of an assignment; raises unknown only when the
    one that names the role is unknown."""
    key = ASSIGNMENTS[azure_types.canonical(args.resource_type)]
    role_id, role_name = props.get(key), props.get("roleDefinitionName")
    if is_unknown(role_id) or (role_id is None and is_unknown(role_name)):
        unknown(key if is_unknown(role_id) else "roleDefinitionName")
    return role_id, role_name


def _powers_message(name: str, shown: str, blocks: Any) -> str:
    limited = (
        " (its condition limits which roles it may assign, but it still grants access)"
        if azure_roles.has_condition(blocks)
        else ""
    )
    return (
        f"assigns {name} ({shown}), which can {' and '.join(azure_roles.powers(blocks))}"
        f"{limited}; assign the narrowest role that covers the job (e.g. AzureML Data "
        "Scientist on the workspace) or a custom role that lists the operations it needs."
    )


def check_assignment_role(args: ResourceValidationArgs, report: ReportViolation) -> None:
    key = ASSIGNMENTS.get(azure_types.canonical(args.resource_type))
    if key is None:
        return
    props = plain(args.props)
    role_id, role_name = _role_reference(args, props)
    if role_id is None and isinstance(role_name, str):
        guid = azure_roles.by_name().get(azure_roles.name_key(role_name))
        shown = f"roleDefinitionName {show(role_name)}"
    elif isinstance(role_id, str):
        guid = azure_roles.role_guid(role_id)
        if guid is None:
            report(
                f"{key} {show(role_id)} is not a role definition ID; use "
                "/subscriptions/<id>/providers/Microsoft.Authorization/roleDefinitions/<GUID> "
                "(the GUID from Microsoft's built-in roles list or your custom role).",
                None,
            )
            return
        shown = role_id
    else:
        report(f"{key} must be a role definition ID string, got {show(role_id)}; set it.", None)
        return
    role = azure_roles.built_in().get(guid or "")
    if role is None:
        # A custom role: azure-custom-role-no-wildcard-action judges its definition, and
        # azure-role-assignment-custom-role an assignment of one defined in this stack.
        return
    if azure_roles.powers(role.permissions):
        report(_powers_message(role.name, shown, role.permissions), None)


ROLE_ASSIGNMENT_LEAST_PRIVILEGE = ResourceValidationPolicy(
    name="azure-role-assignment-least-privilege",
    description="Role assignments must not grant Owner, Contributor, User Access Administrator "
    "or any built-in role that writes every provider's resources or grants access, judged on "
    "Microsoft's published definitions (Microsoft cloud security benchmark PA-7, Azure Policy "
    "'A maximum of 3 owners should be designated for your subscription').",
    validate=check_assignment_role,
)


# --- azure-role-assignment-custom-role -------------------------------------------------------
def _definition_blocks(props: Mapping[str, Any], key: str) -> list[azure_roles.Permission] | None:
    """A same-stack definition's permission blocks, None when unknown or malformed (its own
    policy reports those)."""
    permissions = props.get(key)
    if not isinstance(permissions, list):
        return None
    blocks = []
    for block in permissions:
        if not isinstance(block, Mapping):
            return None
        lists = []
        for name in ("actions", "notActions", "dataActions", "notDataActions"):
            items = as_list(block.get(name))
            if not all(isinstance(v, str) for v in items):
                return None
            lists.append(tuple(items))
        blocks.append(azure_roles.Permission(*lists, bool(block.get("condition"))))
    return blocks


def _definition_keys(props: Mapping[str, Any]) -> tuple[set[str], set[str]]:
    """GUIDs and names a same-stack role definition is known by before it exists."""
    guids = {
        g
        for v in (props.get("roleDefinitionId"), props.get("name"))
        if isinstance(v, str) and (g := azure_roles.role_guid(v))
    }
    names = {
        azure_roles.name_key(v)
        for v in (props.get("roleName"), props.get("name"))
        if isinstance(v, str) and azure_roles.role_guid(v) is None
    }
    return guids, names


def check_custom_role_assignments(args: StackValidationArgs, report: ReportViolation) -> None:
    definitions: dict[str, tuple[Any, list[azure_roles.Permission] | None]] = {}
    by_guid: dict[str, str] = {}
    by_name: dict[str, str] = {}
    for r in args.resources:
        keys = DEFINITIONS.get(azure_types.canonical(r.resource_type))
        if keys is None:
            continue
        props = plain(r.props)
        definitions[r.urn] = (r, _definition_blocks(props, keys[0]))
        guids, names = _definition_keys(props)
        for g in guids:
            by_guid.setdefault(g, r.urn)
        for n in names:
            by_name.setdefault(n, r.urn)
    if not definitions:
        return
    for r in args.resources:
        key = ASSIGNMENTS.get(azure_types.canonical(r.resource_type))
        if key is None:
            continue
        props = plain(r.props)
        deps = getattr(r, "property_dependencies", None) or {}
        linked = [
            d.urn
            for k in (key, "roleDefinitionName")
            for d in deps.get(k, []) or []
            if d.urn in definitions
        ]
        role_id, role_name = props.get(key), props.get("roleDefinitionName")
        if not linked and isinstance(role_id, str) and (g := azure_roles.role_guid(role_id)):
            linked = [by_guid[g]] if g in by_guid else []
        if not linked and role_id is None and isinstance(role_name, str):
            n = azure_roles.name_key(role_name)
            linked = [by_name[n]] if n in by_name else []
        for urn in linked[:1]:
            definition, blocks = definitions[urn]
            if blocks is None:
                report(
                    f"{r.urn}: assigns the custom role {definition.urn}, whose permissions are "
                    "unknown or malformed here; the assignment cannot be judged until they are "
                    "plain lists of operations.",
                    r.urn,
                )
            elif azure_roles.powers(blocks):
                report(
                    f"{r.urn}: " + _powers_message(definition.name, definition.urn, blocks), r.urn
                )


ROLE_ASSIGNMENT_CUSTOM_ROLE = StackValidationPolicy(
    name="azure-role-assignment-custom-role",
    description="Role assignments must not grant a custom role defined in the same stack whose "
    "Actions minus NotActions write every provider's resources, grant access or reach every "
    "service's data (checkov CKV_AZURE_39 carried to the assignment; Microsoft cloud security "
    "benchmark PA-7).",
    validate=check_custom_role_assignments,
)

# --- azure-role-assignment-scope --------------------------------------------------------------


def scope_breadth(scope: str) -> str | None:
    """'the tenant root', 'a management group' or 'a subscription' for too-wide scopes, else
    None. ARM IDs are case-insensitive; empty segments (a trailing or doubled slash) do not
    narrow a scope."""
    parts = [p.strip().lower() for p in scope.strip().split("/") if p.strip()]
    if not parts:
        return "the tenant root"
    if len(parts) == 4 and parts[:3] == ["providers", "microsoft.management", "managementgroups"]:
        return "a management group"
    if len(parts) == 2 and parts[0] == "subscriptions":
        return "a subscription"
    return None


def check_assignment_scope(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if azure_types.canonical(args.resource_type) not in ASSIGNMENTS:
        return
    scope = _text(plain(args.props), "scope")
    if not isinstance(scope, str) or not scope.strip().startswith("/"):
        report(
            f"scope {show(scope)} is not a resource ID; set scope to the one resource the "
            "principal needs (e.g. the Azure ML workspace's resource ID).",
            None,
        )
        return
    breadth = scope_breadth(scope)
    if breadth is not None:
        report(
            f"scope {show(scope)} is {breadth}: the role then applies to every resource in it; "
            "scope the assignment to the one resource the principal needs (e.g. the Azure ML "
            "workspace).",
            None,
        )


ROLE_ASSIGNMENT_SCOPE = ResourceValidationPolicy(
    name="azure-role-assignment-scope",
    description="Role assignments must be scoped to a resource, not a subscription, management "
    "group or the tenant root (Microsoft cloud security benchmark PA-7).",
    validate=check_assignment_scope,
)


# --- azure-custom-role-no-wildcard-action -----------------------------------------------------
_OPERATION_LISTS = ("actions", "notActions", "dataActions", "notDataActions")


def check_custom_role(args: ResourceValidationArgs, report: ReportViolation) -> None:
    keys = DEFINITIONS.get(azure_types.canonical(args.resource_type))
    if keys is None:
        return
    props = plain(args.props)
    scopes = props.get(keys[1])
    for index, scope in enumerate(as_list(scopes)):
        if isinstance(scope, str) and scope_breadth(scope) == "the tenant root":
            report(
                f"{keys[1]}[{index}] is {show(scope)}: the role could be assigned anywhere in the "
                "tenant (Azure keeps the root scope for built-in roles); list the subscription "
                "or resource group it is for.",
                None,
            )
    permissions = _text(props, keys[0])
    if not isinstance(permissions, list):
        report(
            f"{keys[0]} must be a list of {{actions, notActions}} blocks, got {show(permissions)}.",
            None,
        )
        return
    for index, block in enumerate(permissions):
        where = f"{keys[0]}[{index}]"
        if is_unknown(block):
            unknown(where)
        if not isinstance(block, Mapping):
            report(
                f"{where} must be an object with actions and notActions, got {show(block)}.", None
            )
            continue
        lists = []
        for name in _OPERATION_LISTS:
            value = block.get(name)
            items = as_list(value)
            if any(is_unknown(v) for v in items) or is_unknown(value):
                unknown(f"{where}.{name}")
            if not all(isinstance(v, str) for v in items):
                report(
                    f"{where}.{name} must be a list of operation strings, got {show(value)}.", None
                )
                return
            lists.append(tuple(items))
        powers = azure_roles.block_powers(azure_roles.Permission(*lists))
        if powers:
            shown = {n: list(v) for n, v in zip(_OPERATION_LISTS, lists, strict=True) if v}
            report(
                f"{where} allows {show(shown, 300)}, which can {' and '.join(powers)} "
                "(NotActions only subtract what they match: Azure's only wildcard is *); list "
                "the operations the role needs (e.g. "
                "Microsoft.MachineLearningServices/workspaces/jobs/write) instead of wildcards.",
                None,
            )


CUSTOM_ROLE_NO_WILDCARD = ResourceValidationPolicy(
    name="azure-custom-role-no-wildcard-action",
    description="Custom role definitions must not allow '*' or actions that write every "
    "provider's resources, grant access or reach every service's data, nor be assignable at "
    "the tenant root (checkov CKV_AZURE_39).",
    validate=check_custom_role,
)

# --- azure-linked-service-no-inline-secret ----------------------------------------------------
# Keys that hold a credential in Data Factory linked service type properties; a SecureString
# object anywhere is an inline secret whatever its key.
_SECRET_KEYS = frozenset(
    {
        "accountKey",
        "password",
        "servicePrincipalKey",
        "servicePrincipalCredential",
        "accessToken",
        "sasToken",
        "sasUri",
        "key",
        "apiKey",
        "clientSecret",
        "encryptedCredential",
    }
)
# SharedAccessSignature= is how a storage connection string carries a SAS token (Azure Storage
# "Configure a connection string"): a credential as much as AccountKey=.
_KEY_IN_CONNECTION = re.compile(
    r"(AccountKey|SharedAccessKey|SharedAccessSignature|Password|pwd)\s*=", re.IGNORECASE
)


_CONNECTION_STRING_KEYS = ("connectionString", "connectionStringInsecure")
_CLASSIC_LINKED_SERVICE = "azure:datafactory/linkedService"


def _inline_secrets(value: Any, path: str) -> list[str]:
    found: list[str] = []
    if isinstance(value, Mapping):
        if value.get("type") == "SecureString":
            return [path]
        if value.get("type") == "AzureKeyVaultSecret":
            return []
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if (
                key in _SECRET_KEYS
                and item is not None
                and not (isinstance(item, Mapping) and item.get("type") == "AzureKeyVaultSecret")
            ):
                found.append(where)
            elif key in _CONNECTION_STRING_KEYS and isinstance(item, str):
                if _KEY_IN_CONNECTION.search(item):
                    found.append(where)
            else:
                found += _inline_secrets(item, where)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _inline_secrets(item, f"{path}[{i}]")
    return found


def check_linked_service(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if azure_types.canonical(args.resource_type).startswith(_CLASSIC_LINKED_SERVICE):
        # pulumi-azure has one type per store, its secrets at the top level (connectionString,
        # connectionStringInsecure, sasUri, servicePrincipalKey, password); Key Vault references
        # are separate keyVault* blocks.
        secrets = _inline_secrets(plain(args.props), "")
    elif azure_types.canonical(args.resource_type) == "azure-native:datafactory:LinkedService":
        properties = _text(plain(args.props), "properties")
        if not isinstance(properties, Mapping):
            report(f"properties must be a linked service object, got {show(properties)}.", None)
            return
        secrets = _inline_secrets(properties, "properties")
    else:
        return
    if secrets:
        report(
            f"{', '.join(secrets)} hold a key or secret in the factory; authenticate with the "
            "factory's managed identity (authentication: MSI) or reference an Azure Key Vault "
            "secret (type: AzureKeyVaultSecret).",
            None,
        )


LINKED_SERVICE_NO_INLINE_SECRET = ResourceValidationPolicy(
    name="azure-linked-service-no-inline-secret",
    description="Data Factory linked services must use managed identity or Key Vault, not keys "
    "or inline SecureString secrets (Azure Policy 'Azure Data Factory linked services should use "
    "Key Vault for storing secrets').",
    validate=check_linked_service,
)

# --- azure-data-factory-public-network / azure-ml-workspace-public-network --------------------
# resource type -> (property, value that means public, default when unset means public)
_EXPOSURE: dict[str, tuple[str, Any]] = {
    "azure-native:datafactory:Factory": ("publicNetworkAccess", "Enabled"),
    "azure:datafactory/factory:Factory": ("publicNetworkEnabled", True),
    "azure-native:machinelearningservices:Workspace": ("publicNetworkAccess", "Enabled"),
    "azure:machinelearning/workspace:Workspace": ("publicNetworkAccessEnabled", True),
}


def _exposure_validator(types: tuple[str, ...], what: str):
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if azure_types.canonical(args.resource_type) not in types:
            return
        key, public = _EXPOSURE[azure_types.canonical(args.resource_type)]
        value = _text(plain(args.props), key)
        disabled = "Disabled" if isinstance(public, str) else False
        if isinstance(value, str) and isinstance(public, str):
            # ARM reads enum values without regard to case or surrounding spaces.
            value = {"enabled": public, "disabled": disabled}.get(value.strip().casefold(), value)
        if value is None or value == public:
            shown = "unset (Azure's default is public)" if value is None else show(value)
            report(
                f"{key} is {shown}: the {what} is reachable from the internet; set {key}: "
                f"{disabled!r} and reach it through a private endpoint.",
                None,
            )
        elif value != disabled:
            report(f"{key} {show(value)} is not a valid value; use {disabled!r}.", None)

    return validate


FACTORY_PUBLIC_NETWORK = ResourceValidationPolicy(
    name="azure-data-factory-public-network",
    description="Data factories must disable public network access (checkov CKV_AZURE_104).",
    validate=_exposure_validator(
        ("azure-native:datafactory:Factory", "azure:datafactory/factory:Factory"), "data factory"
    ),
)
WORKSPACE_PUBLIC_NETWORK = ResourceValidationPolicy(
    name="azure-ml-workspace-public-network",
    description="Azure Machine Learning workspaces must disable public network access "
    "(checkov CKV_AZURE_144).",
    validate=_exposure_validator(
        (
            "azure-native:machinelearningservices:Workspace",
            "azure:machinelearning/workspace:Workspace",
        ),
        "Azure ML workspace",
    ),
)


# --- azure-trigger-started --------------------------------------------------------------------
def check_trigger_started(args: ResourceValidationArgs, report: ReportViolation) -> None:
    props = plain(args.props)
    if azure_types.canonical(args.resource_type) == "azure-native:datafactory:Trigger":
        kind = dig(props, "properties.type")
        if is_unknown(kind):
            unknown("properties.type")
        if isinstance(kind, str) and kind.casefold() in (
            "scheduletrigger",
            "tumblingwindowtrigger",
        ):
            report(
                "azure-native creates Data Factory triggers Stopped and cannot start them "
                "(pulumi/pulumi-azure-native#3540): this schedule never fires. Use pulumi-azure's "
                "datafactory.TriggerSchedule with activated: true (mlsched's ScheduleTrigger).",
                None,
            )
    elif azure_types.canonical(args.resource_type) in (
        "azure:datafactory/triggerSchedule:TriggerSchedule",
        "azure:datafactory/triggerTumblingWindow:TriggerTumblingWindow",
    ):
        activated = _text(props, "activated")
        if activated is False:
            report(
                "activated is false: the trigger is deployed Stopped and never fires; set "
                "enabled: true for this pipeline once it should run on schedule.",
                None,
            )
        elif activated is not None and activated is not True:
            report(f"activated must be true or false, got {show(activated)}.", None)
    elif (
        azure_types.canonical(args.resource_type) == "azure-native:machinelearningservices:Schedule"
    ):
        enabled = _text(props, "properties.isEnabled")
        if enabled is False:
            report(
                "properties.isEnabled is false: the Azure ML schedule never fires; set "
                "enabled: true for this pipeline once it should run on schedule.",
                None,
            )


TRIGGER_STARTED = ResourceValidationPolicy(
    name="azure-trigger-started",
    description="Data Factory schedule triggers and Azure ML schedules must be started "
    "(a stopped trigger is a schedule that never fires; mirrors ADF's 'Start trigger on "
    "creation').",
    validate=check_trigger_started,
)

POLICIES = [
    ROLE_ASSIGNMENT_LEAST_PRIVILEGE,
    ROLE_ASSIGNMENT_CUSTOM_ROLE,
    ROLE_ASSIGNMENT_SCOPE,
    CUSTOM_ROLE_NO_WILDCARD,
    LINKED_SERVICE_NO_INLINE_SECRET,
    FACTORY_PUBLIC_NETWORK,
    WORKSPACE_PUBLIC_NETWORK,
    TRIGGER_STARTED,
]
