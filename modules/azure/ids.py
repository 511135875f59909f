"""Azure Resource Manager resource IDs, parsed without any SDK (config, components and policies
share it)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# /subscriptions/<sub>/resourceGroups/<rg>/providers/<Namespace>/<type>/<name>[/<type>/<name>...]
# The subscription is a GUID (8-4-4-4-12 hex digits); no segment holds a control character
# (a pasted newline) or is empty (ARM splits on `/`).
_ID = re.compile(
    r"/subscriptions/(?P<subscription>[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12})"
    r"/resourceGroups/(?P<group>[-\w.()]{1,90})"
    r"/providers/(?P<namespace>[A-Za-z][\w.]*)"
    r"/(?P<rest>[^?#/\x00-\x1f\x7f]+(?:/[^?#/\x00-\x1f\x7f]+)*)/?"
)


@dataclass(frozen=True)
class ResourceId:
    subscription_id: str
    resource_group: str
    namespace: str
    types: tuple[str, ...]
    names: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.names[-1]

    @property
    def type(self) -> str:
        """`Microsoft.MachineLearningServices/workspaces` (child types joined with `/`)."""
        return "/".join((self.namespace, *self.types))

    def __str__(self) -> str:
        pairs = "/".join(f"{t}/{n}" for t, n in zip(self.types, self.names, strict=True))
        return (
            f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}"
            f"/providers/{self.namespace}/{pairs}"
        )


def parse_resource_id(value: str, expected_type: str | None = None) -> ResourceId:
    """Parse an ARM resource ID; ValueError says what is wrong (type compared case-insensitively,
    as ARM does)."""
    match = _ID.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ValueError(
            "is not an Azure resource ID; expected /subscriptions/<subscription GUID>/"
            "resourceGroups/<group>/providers/<Namespace>/<type>/<name>"
        )
    parts = match.group("rest").strip("/").split("/")
    if len(parts) % 2:
        raise ValueError("has a resource type without a name at its end")
    parsed = ResourceId(
        subscription_id=match.group("subscription").lower(),
        resource_group=match.group("group"),
        namespace=match.group("namespace"),
        types=tuple(parts[0::2]),
        names=tuple(parts[1::2]),
    )
    if expected_type is not None and parsed.type.lower() != expected_type.lower():
        raise ValueError(f"names a {parsed.type}, not a {expected_type}")
    return parsed
