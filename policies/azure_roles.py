"""Azure RBAC: Microsoft's built-in role definitions and what a permission set really allows.

The built-in roles are Microsoft's own published definitions (`az role definition list`, the
`Microsoft.Authorization/roleDefinitions` API; snapshot in `azure_roles_data.json`, date and
source in the file). Every built-in role is listed by GUID and name; of its permissions only the
operations that can match what `powers` tests are kept (those with a `*` and those of
Microsoft.Authorization), which keeps the file small without changing any verdict.

Matching follows Azure RBAC: operation strings are case-insensitive, `*` is the only wildcard and
spans `/`, `?` and `[` are literal characters, and each permission block allows its Actions minus
its NotActions (NotActions subtract, they do not deny; DataActions likewise).
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("azure_roles_data.json")
_GUID = re.compile(r"^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$", re.I)


@dataclass(frozen=True)
class Permission:
    """One block of a role definition's `permissions`."""

    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()
    data_actions: tuple[str, ...] = ()
    not_data_actions: tuple[str, ...] = ()
    condition: bool = False
    """The block carries a condition (built-in roles use one to limit which roles they assign)."""


@dataclass(frozen=True)
class Role:
    name: str
    permissions: tuple[Permission, ...]


@functools.cache
def built_in() -> Mapping[str, Role]:
    """Every built-in role by lower-case GUID."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    return {
        guid: Role(name, tuple(Permission(*map(tuple, b[:4]), bool(b[4])) for b in blocks))
        for guid, (name, blocks) in data["roles"].items()
    }


@functools.cache
def by_name() -> Mapping[str, str]:
    """Built-in role name (case-folded, spaces collapsed) -> GUID."""
    return {name_key(role.name): guid for guid, role in built_in().items()}


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def role_guid(role_definition_id: str) -> str | None:
    """The GUID a role definition ID names, in every form ARM and the providers take: the bare
    GUID, `/providers/Microsoft.Authorization/roleDefinitions/<guid>` at any scope, any case, a
    trailing slash or braces. None when it names no role definition."""
    text = role_definition_id.strip()
    match = _GUID.match(text)
    if match:
        return match.group(1).lower()
    parts = [p for p in text.split("/") if p]
    if len(parts) >= 2 and parts[-2].lower() == "roledefinitions":
        match = _GUID.match(parts[-1].strip())
        if match:
            return match.group(1).lower()
    return None


@functools.lru_cache(maxsize=4096)
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(map(re.escape, pattern.split("*"))), re.IGNORECASE | re.DOTALL)


def matches(pattern: str, operation: str, *, strip: bool = True) -> bool:
    return _pattern(pattern.strip() if strip else pattern).fullmatch(operation) is not None


def _allowed_by(
    allow: Iterable[str], deny: Iterable[str], operation: str, spanning: bool
) -> str | None:
    """The pattern of `allow` that grants `operation` after `deny` subtracts, else None.
    With `spanning`, only patterns whose provider part has a `*` count (they reach providers
    they do not name)."""
    # Spaces around an allowed operation are read away, around a NotAction they are not: where
    # Azure's own reading is not documented, the pack takes the one that allows more.
    deny = list(deny)
    if any(matches(n, operation, strip=False) for n in deny):
        return None
    for pattern in allow:
        if spanning and "*" not in pattern.split("/", 1)[0]:
            continue
        if matches(pattern, operation):
            return pattern
    return None


# Operations of providers no pattern names by accident, plus real ones: a NotActions entry that
# subtracts one provider leaves the others. A match must come from a provider-spanning pattern.
_EVERY_WRITE = (
    "Microsoft.Mlschedprobe/anything/write",
    "Microsoft.Compute/virtualMachines/write",
    "Microsoft.Storage/storageAccounts/write",
    "Microsoft.KeyVault/vaults/write",
    "Microsoft.Network/virtualNetworks/write",
    "Microsoft.MachineLearningServices/workspaces/write",
    "Microsoft.DataFactory/factories/write",
    "Microsoft.Resources/deployments/write",
)
_EVERY_ACTION = (
    "Microsoft.Mlschedprobe/anything/action",
    "Microsoft.Storage/storageAccounts/listKeys/action",
    "Microsoft.Compute/virtualMachines/runCommand/action",
    "Microsoft.MachineLearningServices/workspaces/listKeys/action",
)
_EVERY_DATA = (
    "Microsoft.Mlschedprobe/anything/read",
    "Microsoft.Mlschedprobe/anything/write",
    "Microsoft.Mlschedprobe/anything/action",
    "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
    "Microsoft.KeyVault/vaults/secrets/getSecret/action",
)
GRANT_ACCESS = "Microsoft.Authorization/roleAssignments/write"
DEFINE_ROLES = "Microsoft.Authorization/roleDefinitions/write"
ELEVATE = "Microsoft.Authorization/elevateAccess/Action"


def block_powers(block: Permission) -> tuple[str, ...]:
    """What makes one permission block privileged, in words (empty when it is not)."""
    found = []
    act, nact = block.actions, block.not_actions
    if any(_allowed_by(act, nact, op, True) for op in _EVERY_WRITE):
        found.append("write resources of every provider")
    if any(_allowed_by(act, nact, op, True) for op in _EVERY_ACTION):
        found.append("run actions of every provider (listKeys, runCommand)")
    if _allowed_by(act, nact, GRANT_ACCESS, False):
        found.append(f"grant access ({GRANT_ACCESS})")
    if _allowed_by(act, nact, DEFINE_ROLES, False):
        found.append(f"define and widen roles ({DEFINE_ROLES})")
    if _allowed_by(act, nact, ELEVATE, False):
        found.append(f"elevate to the tenant root ({ELEVATE})")
    if any(_allowed_by(block.data_actions, block.not_data_actions, op, True) for op in _EVERY_DATA):
        found.append("read and change the data of every service (DataActions)")
    return tuple(found)


def powers(blocks: Sequence[Permission]) -> tuple[str, ...]:
    """The union over a role's permission blocks (each is Actions minus its own NotActions)."""
    found: list[str] = []
    for block in blocks:
        found += [p for p in block_powers(block) if p not in found]
    return tuple(found)


def has_condition(blocks: Sequence[Permission]) -> bool:
    return any(b.condition for b in blocks)


# --- refreshing the data -------------------------------------------------------------------
def _kept(operations: Any) -> list[str]:
    return sorted(
        {
            op
            for op in operations or []
            if "*" in op or op.lower().startswith("microsoft.authorization/")
        }
    )


def snapshot(definitions: Sequence[Mapping[str, Any]], retrieved: str, source: str) -> str:
    """The data file's text from `az role definition list` output (built-in roles only)."""
    roles = {}
    for item in definitions:
        if item.get("roleType") != "BuiltInRole":
            continue
        blocks = []
        for p in item.get("permissions") or []:
            kept = [
                _kept(p.get(k)) for k in ("actions", "notActions", "dataActions", "notDataActions")
            ]
            blocks.append([*kept, 1 if p.get("condition") else 0])
        roles[str(item["name"]).lower()] = [item["roleName"], blocks]
    lines = [
        f"{json.dumps(g)}: {json.dumps(roles[g], separators=(',', ':'))}" for g in sorted(roles)
    ]
    head = json.dumps({"source": source, "retrieved": retrieved})[:-1]
    return head + ', "roles": {\n' + ",\n".join(lines) + "\n}}\n"


if __name__ == "__main__":  # pragma: no cover - run by hand when Microsoft adds roles
    # python -m policies.azure_roles definitions.json YYYY-MM-DD "where it came from"
    _file, _date, _source = sys.argv[1:4]
    DATA.write_text(
        snapshot(json.loads(Path(_file).read_text(encoding="utf-8")), _date, _source),
        encoding="utf-8",
    )
