"""Azure RBAC built-in roles the identity policies judge, as Microsoft publishes them (role
definition GUID, name, Actions, NotActions), and what an action list means.

Source: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles (Privileged
and General categories; AI + machine learning for AzureML Data Scientist). Only the definitions'
control-plane Actions/NotActions are kept: that is what decides whether a role can write every
resource type or grant access.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    name: str
    actions: tuple[str, ...]
    not_actions: tuple[str, ...] = ()


BUILT_IN: dict[str, Role] = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": Role("Owner", ("*",)),
    "b24988ac-6180-42a0-ab88-20f7382dd24c": Role(
        "Contributor",
        ("*",),
        (
            "Microsoft.Authorization/*/Delete",
            "Microsoft.Authorization/*/Write",
            "Microsoft.Authorization/elevateAccess/Action",
            "Microsoft.Blueprint/blueprintAssignments/write",
            "Microsoft.Blueprint/blueprintAssignments/delete",
            "Microsoft.Compute/galleries/share/action",
            "Microsoft.Purview/consents/write",
            "Microsoft.Purview/consents/delete",
            "Microsoft.Resources/deploymentStacks/manageDenySetting/action",
        ),
    ),
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": Role(
        "User Access Administrator", ("*/read", "Microsoft.Authorization/*", "Microsoft.Support/*")
    ),
    "f58310d9-a9f6-439a-9e8d-f62e7b41a168": Role(
        "Role Based Access Control Administrator",
        (
            "Microsoft.Authorization/roleAssignments/write",
            "Microsoft.Authorization/roleAssignments/delete",
            "*/read",
            "Microsoft.Support/*",
        ),
    ),
    "acdd72a7-3385-48ef-bd42-f606fba81ae7": Role("Reader", ("*/read",)),
    "f6c7c914-8db3-469d-8ca1-694a8f32e121": Role(
        "AzureML Data Scientist",
        (
            "Microsoft.MachineLearningServices/workspaces/*/read",
            "Microsoft.MachineLearningServices/workspaces/*/action",
            "Microsoft.MachineLearningServices/workspaces/*/delete",
            "Microsoft.MachineLearningServices/workspaces/*/write",
        ),
        (
            "Microsoft.MachineLearningServices/workspaces/delete",
            "Microsoft.MachineLearningServices/workspaces/write",
            "Microsoft.MachineLearningServices/workspaces/computes/*/write",
            "Microsoft.MachineLearningServices/workspaces/computes/*/delete",
            "Microsoft.MachineLearningServices/workspaces/computes/listKeys/action",
            "Microsoft.MachineLearningServices/workspaces/listKeys/action",
            "Microsoft.MachineLearningServices/workspaces/hubs/write",
            "Microsoft.MachineLearningServices/workspaces/hubs/delete",
            "Microsoft.MachineLearningServices/workspaces/featurestores/write",
            "Microsoft.MachineLearningServices/workspaces/featurestores/delete",
        ),
    ),
}
BY_NAME = {role.name.lower(): guid for guid, role in BUILT_IN.items()}

# What a role can do is probed with operations it would need to be dangerous: granting access,
# and writing a resource type of a provider no role names (so only a provider-wide `*` covers it).
GRANT_ACCESS = "Microsoft.Authorization/roleAssignments/write"
WRITE_ANYTHING = "Microsoft.Mlschedprobe/anything/write"

_GUID = re.compile(
    r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$", re.IGNORECASE
)


def role_guid(role_definition_id: str) -> str | None:
    """The GUID at the end of `/.../providers/Microsoft.Authorization/roleDefinitions/<guid>`."""
    match = _GUID.search(role_definition_id.strip())
    if match is None or "roledefinitions/" not in role_definition_id.lower():
        return None
    return match.group(1).lower()


def _matches(pattern: str, operation: str) -> bool:
    # Azure RBAC operation strings are case-insensitive; `*` spans `/`.
    return fnmatch.fnmatchcase(operation.lower(), pattern.lower())


def allows(actions: Iterable[str], not_actions: Iterable[str], operation: str) -> bool:
    """Whether Actions minus NotActions cover `operation` (RBAC's own subtraction)."""
    actions, not_actions = list(actions), list(not_actions)
    return any(_matches(a, operation) for a in actions) and not any(
        _matches(n, operation) for n in not_actions
    )


def powers(actions: Iterable[str], not_actions: Iterable[str] = ()) -> tuple[str, ...]:
    """What makes a permission set privileged, in words (empty when it is not)."""
    actions, not_actions = list(actions), list(not_actions)
    found = []
    if allows(actions, not_actions, WRITE_ANYTHING):
        found.append("write every resource type")
    if allows(actions, not_actions, GRANT_ACCESS):
        found.append("grant access (Microsoft.Authorization/roleAssignments/write)")
    return tuple(found)
