"""Google Cloud IAM roles by what they allow: Google's published permissions of its predefined
roles, and the permissions that let a principal become someone else or rewrite access.

The predefined roles are Google's own data (the IAM API's `roles.get`, `includedPermissions`;
snapshot in `gcp_roles_data.json`, date and source in the file). Every predefined role is listed
by name; of its permissions only the ones `privileges` looks for are kept (the catalogue below
and every `*.setIamPolicy`), which keeps the file small without changing any verdict.

Which permissions are privileged, and why (Google's "Service account impersonation" and
"Roles for service account authentication" pages; Rhino Security Labs' GCP privilege escalation
catalogue): each one lets the holder act as a service account, mint its credentials, or change
who may do what.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("gcp_roles_data.json")

IMPERSONATE = {
    "iam.serviceAccounts.actAs": "run resources as any service account there (actAs)",
    "iam.serviceAccounts.getAccessToken": "mint access tokens of its service accounts",
    "iam.serviceAccounts.getOpenIdToken": "mint ID tokens of its service accounts",
    "iam.serviceAccounts.signBlob": "sign as its service accounts (signBlob)",
    "iam.serviceAccounts.signJwt": "sign JWTs as its service accounts",
    "iam.serviceAccounts.implicitDelegation": "impersonate through delegation chains",
    "iam.serviceAccountKeys.create": "create keys for its service accounts",
}
REWRITE = {
    "iam.roles.update": "widen custom roles (iam.roles.update)",
    "iam.roles.create": "create custom roles (iam.roles.create)",
}
_SET_IAM = "setIamPolicy"
KEPT = frozenset(IMPERSONATE) | frozenset(REWRITE)


def kept(permission: str) -> bool:
    return permission in KEPT or permission.endswith("." + _SET_IAM)


@functools.cache
def predefined() -> Mapping[str, frozenset[str]]:
    """Predefined role name -> its kept permissions."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    return {name: frozenset(perms) for name, perms in data["roles"].items()}


@functools.cache
def _folded() -> Mapping[str, str]:
    return {name.casefold(): name for name in predefined()}


def predefined_name(role: str) -> str | None:
    """The predefined role a role ID names (`roles/...`; case and spaces around it do not hide
    one), or None (custom roles, unknown names)."""
    return _folded().get(role.strip().casefold())


_CUSTOM = re.compile(r"^(projects|organizations)/([^/]+)/roles/([^/]+)$")


def custom_role_key(role: str) -> tuple[str, str, str] | None:
    """('projects'|'organizations', parent, role ID) of a custom role name, else None."""
    match = _CUSTOM.match(role.strip())
    return (match.group(1), match.group(2), match.group(3)) if match else None


def privileges(permissions: Iterable[str]) -> tuple[str, ...]:
    """What a permission set allows that makes it privileged, in words (empty when nothing)."""
    perms = set(permissions)
    found = [words for p, words in IMPERSONATE.items() if p in perms]
    found += [words for p, words in REWRITE.items() if p in perms]
    setters = sorted(p for p in perms if p.endswith("." + _SET_IAM))
    if setters:
        shown = ", ".join(setters[:3]) + (
            f" and {len(setters) - 3} more" if len(setters) > 3 else ""
        )
        found.append(f"change who has access ({shown})")
    return tuple(found)


def role_privileges(role: str) -> tuple[str, ...] | None:
    """`privileges` of a predefined role by Google's data; None when it is not one."""
    name = predefined_name(role)
    return None if name is None else privileges(predefined()[name])


# --- refreshing the data -------------------------------------------------------------------
def snapshot(roles: Sequence[Mapping[str, Any]], retrieved: str, source: str) -> str:
    """The data file's text from `roles.get` responses (name, includedPermissions)."""
    table = {
        str(r["name"]): sorted(p for p in r.get("includedPermissions") or [] if kept(p))
        for r in roles
        if str(r.get("name", "")).startswith("roles/")
    }
    lines = [f"{json.dumps(n)}: {json.dumps(table[n])}" for n in sorted(table)]
    head = json.dumps({"source": source, "retrieved": retrieved})[:-1]
    return head + ', "roles": {\n' + ",\n".join(lines) + "\n}}\n"


if __name__ == "__main__":  # pragma: no cover - run by hand when Google adds roles
    # python -m policies.gcp_roles roles.json YYYY-MM-DD "where it came from"
    _file, _date, _source = sys.argv[1:4]
    DATA.write_text(
        snapshot(json.loads(Path(_file).read_text(encoding="utf-8")), _date, _source),
        encoding="utf-8",
    )
