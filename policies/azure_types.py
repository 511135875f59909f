"""Every type token a user's program can send for the Azure resources the pack judges, reduced to
the one the policies and carriers are written for.

Two families reach the engine under other tokens than the SDK default: azure-native's API-version
resources (`azure-native:authorization/v20220401:RoleAssignment`, the v2 SDK's versioned modules,
listed as aliases in the v3 classes; also a local package from `pulumi package add azure-native
<module> <version>`), and pulumi-azure's deprecated `azure.role` module, whose classes still
register their own tokens (`azure:role/assignment:Assignment`). Judging only the default token
would let the same resource through under another name.
"""

from __future__ import annotations

import re

_NATIVE = re.compile(
    r"^azure-native(?:_[A-Za-z0-9_]+)?:([a-z0-9]+)(?:/v[0-9]{8}(?:preview|privatepreview|beta)?)?"
    r":([A-Za-z0-9]+)$"
)
CLASSIC = {
    "azure:role/assignment:Assignment": "azure:authorization/assignment:Assignment",
    "azure:role/definition:Definition": "azure:authorization/roleDefinition:RoleDefinition",
}


def canonical(resource_type: str) -> str:
    """The default token for `resource_type` (unchanged when it is one or is not Azure's)."""
    match = _NATIVE.match(resource_type)
    if match:
        return f"azure-native:{match.group(1)}:{match.group(2)}"
    return CLASSIC.get(resource_type, resource_type)
