"""Google Cloud IAM policies: who is granted which role where, and no user-managed keys.

Each policy names the checkov rule it mirrors. Grants are read from every IAM resource pulumi-gcp
has for the scopes a pipeline touches (organization, folder, project, service account, bucket):
the non-authoritative `IAMMember`, the authoritative `IAMBinding` and `IAMPolicy` (whose
`policyData` is a JSON policy). The type tokens are spelled as the provider registers them
(`gcp:projects/iAMMember:IAMMember`, note the casing); tests check every one against the SDK.

Unknown values during preview: a role is always written in the program, so an unknown role blocks
a verdict ("can't be known during preview"). A member that is unknown is an email computed from a
resource created in the same stack (a service account), never `allUsers`, a basic-role holder or
a default service account: those are literals or come from invokes, which resolve during preview.
So an unknown member passes the member checks and blocks only the one check that needs to know
whether it is a service account (CKV_GCP_42), which then reports unknown, never a silent pass.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import (
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

from policies import gcp_roles, settings
from policies.values import UNKNOWN, as_list, is_unknown, plain, show, unknown

ORGANIZATION = "organization"
FOLDER = "folder"
PROJECT = "project"
SERVICE_ACCOUNT = "service account"
BUCKET = "bucket"
# Scopes where a role reaches every resource (and every service account) below it.
HIERARCHY = frozenset({ORGANIZATION, FOLDER, PROJECT})

MEMBER = "member"
BINDING = "binding"
POLICY = "policy"

# type token -> (scope, shape, the property naming the resource the grant is on)
IAM_TYPES: dict[str, tuple[str, str, str]] = {
    "gcp:organizations/iAMMember:IAMMember": (ORGANIZATION, MEMBER, "orgId"),
    "gcp:organizations/iAMBinding:IAMBinding": (ORGANIZATION, BINDING, "orgId"),
    "gcp:organizations/iAMPolicy:IAMPolicy": (ORGANIZATION, POLICY, "orgId"),
    "gcp:folder/iAMMember:IAMMember": (FOLDER, MEMBER, "folder"),
    "gcp:folder/iAMBinding:IAMBinding": (FOLDER, BINDING, "folder"),
    "gcp:folder/iAMPolicy:IAMPolicy": (FOLDER, POLICY, "folder"),
    "gcp:projects/iAMMember:IAMMember": (PROJECT, MEMBER, "project"),
    "gcp:projects/iAMBinding:IAMBinding": (PROJECT, BINDING, "project"),
    "gcp:projects/iAMPolicy:IAMPolicy": (PROJECT, POLICY, "project"),
    "gcp:serviceaccount/iAMMember:IAMMember": (SERVICE_ACCOUNT, MEMBER, "serviceAccountId"),
    "gcp:serviceaccount/iAMBinding:IAMBinding": (SERVICE_ACCOUNT, BINDING, "serviceAccountId"),
    "gcp:serviceaccount/iAMPolicy:IAMPolicy": (SERVICE_ACCOUNT, POLICY, "serviceAccountId"),
    "gcp:storage/bucketIAMMember:BucketIAMMember": (BUCKET, MEMBER, "bucket"),
    "gcp:storage/bucketIAMBinding:BucketIAMBinding": (BUCKET, BINDING, "bucket"),
    "gcp:storage/bucketIAMPolicy:BucketIAMPolicy": (BUCKET, POLICY, "bucket"),
}
SERVICE_ACCOUNT_KEY = "gcp:serviceaccount/key:Key"

BASIC_ROLES = ("roles/owner", "roles/editor", "roles/viewer")
PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")
# Google's default service accounts: Compute Engine's `<number>-compute@developer...` and App
# Engine's `<project>@appspot...` (https://cloud.google.com/iam/docs/service-account-types#default).
DEFAULT_ACCOUNT = re.compile(
    r"^(?:serviceAccount:)?(?:[0-9]+-compute@developer\.gserviceaccount\.com"
    r"|[a-z][-a-z0-9.:]*@appspot\.gserviceaccount\.com)$",
    re.IGNORECASE,
)
# checkov CKV_GCP_42: a user-managed service account (`...@<project>.iam.gserviceaccount.com`).
USER_MANAGED_ACCOUNT = re.compile(
    r"^serviceAccount:[^@\s]+@[^@\s]+\.iam\.gserviceaccount\.com$", re.IGNORECASE
)
# Google names its administrative predefined roles `...Admin` / `...admin`; with owner and
# editor these are the roles CKV_GCP_42 refuses to a service account.
ADMIN_ROLE = re.compile(r"^roles/(?:owner|editor|.*[Aa]dmin)$")
# checkov's IMPERSONATION_ROLES (CKV_GCP_44/45/49): roles that can act as, mint tokens or keys
# for, or rewrite the IAM of, every service account beneath the scope they are granted at.
IMPERSONATION_ROLES = (
    "roles/owner",
    "roles/editor",
    "roles/iam.securityAdmin",
    "roles/iam.serviceAccountAdmin",
    "roles/iam.serviceAccountKeyAdmin",
    "roles/iam.serviceAccountUser",
    "roles/iam.serviceAccountTokenCreator",
    "roles/iam.workloadIdentityUser",
    "roles/dataproc.editor",
    "roles/dataproc.admin",
    "roles/dataflow.developer",
    "roles/resourcemanager.folderAdmin",
    "roles/resourcemanager.folderIamAdmin",
    "roles/resourcemanager.projectIamAdmin",
    "roles/resourcemanager.organizationAdmin",
    "roles/serverless.serviceAgent",
    "roles/dataproc.serviceAgent",
)
ACT_AS_ROLES = ("roles/iam.serviceAccountUser", "roles/iam.serviceAccountTokenCreator")
# Permissions that act as, or mint credentials of, every service account of the scope a role is
# granted at (CKV_GCP_41's meaning), and those that also let the member grant itself anything
# there (CKV_GCP_49's): judged on Google's published permissions of each predefined role.
ACT_AS_PERMISSIONS = frozenset(gcp_roles.IMPERSONATE) - {"iam.serviceAccountKeys.create"}
ESCALATION_PERMISSIONS = frozenset(gcp_roles.IMPERSONATE) | {
    "iam.serviceAccounts.setIamPolicy",
    "resourcemanager.projects.setIamPolicy",
    "resourcemanager.folders.setIamPolicy",
    "resourcemanager.organizations.setIamPolicy",
    "iam.roles.update",
}


def canonical_role(role: str) -> str:
    """The role as IAM names it: a predefined role in Google's own spelling, else stripped."""
    return gcp_roles.predefined_name(role) or role.strip()


def _published(role: str, wanted: frozenset[str]) -> list[str]:
    name = gcp_roles.predefined_name(role)
    if name is None:
        return []
    return sorted(gcp_roles.predefined()[name] & wanted)


# Members that are everyone, and member sets that are a whole domain, customer, identity pool
# or every service account of a scope (https://cloud.google.com/iam/docs/principal-identifiers).
_PUBLIC = frozenset(m.casefold() for m in PUBLIC_MEMBERS)
_BROAD_SETS = (
    (re.compile(r"^domain:", re.I), "every account of the domain"),
    (
        re.compile(r"^principalSet://goog/cloudIdentityCustomerId/", re.I),
        "every account of the customer",
    ),
    (re.compile(r"^principalSet://[^\s]*/\*$", re.I), "every identity of the pool"),
    (
        re.compile(
            r"^principalSet://cloudresourcemanager\.googleapis\.com/.*/type/ServiceAccount$", re.I
        ),
        "every service account of the scope",
    ),
)


def member_reach(member: Any) -> str | None:
    """'anyone on the internet (or any Google account)' or a broad set's words, else None."""
    if not isinstance(member, str):
        return None
    text = member.strip()
    if text.casefold() in _PUBLIC or text.casefold().startswith("principalset://goog/public:"):
        return "anyone on the internet (or any Google account)"
    return next((words for pattern, words in _BROAD_SETS if pattern.match(text)), None)


class GrantShapeError(ValueError):
    """An IAM resource whose role, members or policy data is not what the provider accepts."""


@dataclass(frozen=True)
class Grant:
    """One role granted to some members at one scope (a policy yields one per binding)."""

    scope: str
    on: Any
    role: Any
    members: tuple[Any, ...]
    label: str

    def where(self) -> str:
        target = "" if is_unknown(self.on) or self.on is None else f" {self.on}"
        return f"{self.scope}{target}"


def _role(value: Any, label: str) -> Any:
    if is_unknown(value) or (isinstance(value, str) and value):
        return value
    raise GrantShapeError(
        f"{label}role is {show(value)}; set it to a role ID such as roles/aiplatform.user"
    )


def _members(value: Any, label: str) -> tuple[Any, ...]:
    if is_unknown(value):
        return (UNKNOWN,)
    items = as_list(value)
    for item in items:
        if not (is_unknown(item) or (isinstance(item, str) and item)):
            raise GrantShapeError(
                f"{label}members has {show(item)}; each member is a string such as "
                "serviceAccount:NAME@PROJECT.iam.gserviceaccount.com"
            )
    return tuple(items)


def grants(resource_type: str, props: Mapping[str, Any]) -> Iterator[Grant]:
    """Every grant an IAM resource declares; GrantShapeError for shapes the provider refuses."""
    scope, shape, on_key = IAM_TYPES[resource_type]
    on = props.get(on_key)
    if shape == MEMBER:
        member = props.get("member")
        if not (is_unknown(member) or (isinstance(member, str) and member)):
            raise GrantShapeError(
                f"member is {show(member)}; set it to one principal such as "
                "serviceAccount:NAME@PROJECT.iam.gserviceaccount.com"
            )
        yield Grant(scope, on, _role(props.get("role"), ""), (member,), "")
        return
    if shape == BINDING:
        yield Grant(scope, on, _role(props.get("role"), ""), _members(props.get("members"), ""), "")
        return
    data = props.get("policyData")
    if is_unknown(data):
        unknown("policyData")
    try:
        policy = json.loads(data) if isinstance(data, str) else data
    except (ValueError, RecursionError) as error:  # also 5,000-digit numbers, absurd nesting
        reason = getattr(error, "msg", None) or str(error)[:100]
        raise GrantShapeError(
            f"policyData is not JSON ({reason}); pass the policyData of "
            "gcp.organizations.get_iam_policy(bindings=[...])"
        ) from None
    bindings = policy.get("bindings") if isinstance(policy, Mapping) else None
    if not isinstance(bindings, list):
        raise GrantShapeError(
            f"policyData is {show(data)}; it must be a JSON object with a `bindings` list "
            "(gcp.organizations.get_iam_policy builds one)"
        )
    for index, binding in enumerate(bindings):
        label = f"policyData.bindings[{index}]."
        if not isinstance(binding, Mapping):
            raise GrantShapeError(
                f"{label[:-1]} is {show(binding)}; each binding has role and members"
            )
        yield Grant(
            scope,
            on,
            _role(binding.get("role"), label),
            _members(binding.get("members"), label),
            label,
        )


GrantCheck = Callable[[Grant, Mapping[str, Any]], "Iterator[str]"]


def _grant_validator(check: GrantCheck, schema: Mapping[str, Any]):
    """A validator running `check` on every grant of the resource; unknown roles last."""

    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.resource_type not in IAM_TYPES:
            return
        config = settings.merged(args, schema)
        props = plain(args.props)
        try:
            found = list(grants(args.resource_type, props))
        except GrantShapeError as error:
            report(f"{args.name}: {error}.", None)
            return
        pending = None
        for grant in found:
            if is_unknown(grant.role):
                pending = pending or f"{grant.label}role"
                continue
            for problem in check(grant, config):
                report(f"{args.name}: {grant.label}{problem}", None)
        if pending:
            unknown(pending)

    return validate


# --- gcp-iam-no-basic-roles ------------------------------------------------------------------
def check_basic_roles(grant: Grant, _config: Mapping[str, Any]) -> Iterator[str]:
    if canonical_role(grant.role) in BASIC_ROLES:
        yield (
            f"grants the basic role {grant.role} on {grant.where()}. Basic roles carry thousands "
            "of permissions across every service; grant the predefined role the member needs "
            "(e.g. roles/aiplatform.user) instead."
        )


NO_BASIC_ROLES = ResourceValidationPolicy(
    name="gcp-iam-no-basic-roles",
    description="No basic roles (owner, editor, viewer) in IAM grants (checkov CKV_GCP_117).",
    validate=_grant_validator(check_basic_roles, {}),
)


# --- gcp-iam-service-account-no-admin-roles --------------------------------------------------
def check_admin_service_account(grant: Grant, _config: Mapping[str, Any]) -> Iterator[str]:
    if grant.scope not in HIERARCHY or not ADMIN_ROLE.match(canonical_role(grant.role)):
        return
    for member in grant.members:
        if is_unknown(member):
            unknown(f"{grant.label}member")
        if USER_MANAGED_ACCOUNT.match(member.strip()):
            yield (
                f"grants {grant.role} to the service account {member} on {grant.where()}. A "
                "workload's account must not administer the project; grant the narrow role it "
                "uses (e.g. roles/aiplatform.user, roles/dataflow.worker)."
            )


SERVICE_ACCOUNT_NO_ADMIN = ResourceValidationPolicy(
    name="gcp-iam-service-account-no-admin-roles",
    description="Service accounts get no admin, editor or owner roles on the organization, "
    "folders or projects (checkov CKV_GCP_42).",
    validate=_grant_validator(check_admin_service_account, {}),
)


# --- gcp-iam-no-project-level-service-account-user -------------------------------------------
def check_act_as_at_project(grant: Grant, _config: Mapping[str, Any]) -> Iterator[str]:
    if grant.scope not in HIERARCHY:
        return
    published = _published(grant.role, ACT_AS_PERMISSIONS)
    if canonical_role(grant.role) in ACT_AS_ROLES or published:
        why = f" (Google's definition of it includes {', '.join(published)})" if published else ""
        yield (
            f"grants {grant.role} on {grant.where()}, which lets the member act as every "
            f"service account there{why}. Grant it on the one service account instead "
            "(gcp.serviceaccount.IAMMember with service_account_id)."
        )


NO_PROJECT_ACT_AS = ResourceValidationPolicy(
    name="gcp-iam-no-project-level-service-account-user",
    description="Service Account User, Token Creator and any role whose published permissions "
    "act as or mint credentials of service accounts are granted on one service account, never "
    "on a project, folder or organization (checkov CKV_GCP_41).",
    validate=_grant_validator(check_act_as_at_project, {}),
)


# --- gcp-iam-no-project-level-impersonation --------------------------------------------------
IMPERSONATION_SCHEMA = {
    "roles": {
        "type": "array",
        "items": {"type": "string"},
        "default": list(IMPERSONATION_ROLES),
        "description": "Roles that can impersonate or manage every service account of a scope",
    }
}


def check_impersonation(grant: Grant, config: Mapping[str, Any]) -> Iterator[str]:
    roles = config.get("roles")
    if not isinstance(roles, list):
        raise settings.PolicyConfigError(
            f"roles is {show(roles)}; list role IDs in policies/config/<stack>.json or remove "
            "the key"
        )
    if grant.scope not in HIERARCHY:
        return
    published = _published(grant.role, ESCALATION_PERMISSIONS)
    named = canonical_role(grant.role) in {canonical_role(r) for r in roles if isinstance(r, str)}
    if named or published:
        why = f" (Google's definition of it includes {', '.join(published)})" if published else ""
        yield (
            f"grants {grant.role} on {grant.where()}, which can impersonate or manage every "
            f"service account there{why}. Grant what the member needs on the specific service "
            "account or resource instead."
        )


def _impersonation(args: ResourceValidationArgs, report: ReportViolation) -> None:
    try:
        _grant_validator(check_impersonation, IMPERSONATION_SCHEMA)(args, report)
    except settings.PolicyConfigError as error:
        report(
            f"cannot judge {args.name}: {error} (policy gcp-iam-no-project-level-impersonation).",
            None,
        )


NO_PROJECT_IMPERSONATION = ResourceValidationPolicy(
    name="gcp-iam-no-project-level-impersonation",
    description="No roles that impersonate or manage service accounts, or rewrite the scope's "
    "IAM, on a project, folder or organization, by checkov's list and Google's published "
    "permissions (checkov CKV_GCP_49, CKV_GCP_44, CKV_GCP_45).",
    validate=_impersonation,
    config_schema=settings.schema(IMPERSONATION_SCHEMA),
)


# --- gcp-iam-no-default-service-account-grants -----------------------------------------------
def check_default_accounts(grant: Grant, _config: Mapping[str, Any]) -> Iterator[str]:
    for member in grant.members:
        if isinstance(member, str) and DEFAULT_ACCOUNT.match(member.strip()):
            yield (
                f"grants {grant.role} on {grant.where()} to the default service account "
                f"{member.removeprefix('serviceAccount:')}, which every VM, App Engine app and "
                "unconfigured Google service runs as. Create a dedicated service account and "
                "grant the role to it."
            )


NO_DEFAULT_ACCOUNT_GRANTS = ResourceValidationPolicy(
    name="gcp-iam-no-default-service-account-grants",
    description="Default Compute Engine and App Engine service accounts are granted no roles "
    "(checkov CKV_GCP_46).",
    validate=_grant_validator(check_default_accounts, {}),
)


# --- gcp-iam-no-public-members ---------------------------------------------------------------
def check_public_members(grant: Grant, _config: Mapping[str, Any]) -> Iterator[str]:
    for member in grant.members:
        reach = member_reach(member)
        if reach is not None:
            yield (
                f"grants {grant.role} on {grant.where()} to {member}, that is {reach}. Grant it "
                "to the service accounts or groups that need it."
            )


# Cloud Storage's legacy ACLs grant to entities, not IAM members: `allUsers`,
# `allAuthenticatedUsers`, `domain-<domain>` (https://cloud.google.com/storage/docs/access-control/lists),
# singly (`entity`) or as `ROLE:entity` pairs (`roleEntities`), or through a canned ACL.
ACL_ENTITY = {
    "gcp:storage/bucketAccessControl:BucketAccessControl": "entity",
    "gcp:storage/defaultObjectAccessControl:DefaultObjectAccessControl": "entity",
    "gcp:storage/objectAccessControl:ObjectAccessControl": "entity",
}
ACL_LISTS = (
    "gcp:storage/bucketACL:BucketACL",
    "gcp:storage/defaultObjectACL:DefaultObjectACL",
    "gcp:storage/objectACL:ObjectACL",
)
PUBLIC_CANNED_ACLS = frozenset({"publicread", "publicreadwrite", "authenticatedread"})


def _acl_entity_reach(entity: Any) -> str | None:
    if not isinstance(entity, str):
        return None
    text = entity.strip()
    if text.casefold() in _PUBLIC:
        return "anyone on the internet (or any Google account)"
    if text.casefold().startswith("domain-"):
        return "every account of the domain"
    return None


def check_public_acls(args: ResourceValidationArgs, report: ReportViolation) -> None:
    props = plain(args.props)
    entries: list[tuple[str, Any]] = []
    if args.resource_type in ACL_ENTITY:
        key = ACL_ENTITY[args.resource_type]
        entries.append((key, props.get(key)))
    elif args.resource_type in ACL_LISTS:
        for name in ("predefinedAcl", "defaultAcl"):
            canned = props.get(name)
            if isinstance(canned, str) and canned.strip().casefold() in PUBLIC_CANNED_ACLS:
                report(
                    f"{args.name}: {name} {show(canned)} opens the bucket or its objects to every "
                    "Google account or the internet. Use uniform bucket-level access with IAM "
                    "grants to the accounts that need it.",
                    None,
                )
        for index, pair in enumerate(as_list(props.get("roleEntities"))):
            if isinstance(pair, str) and ":" in pair:
                entries.append((f"roleEntities[{index}]", pair.split(":", 1)[1]))
    for key, entity in entries:
        reach = _acl_entity_reach(entity)
        if reach is not None:
            report(
                f"{args.name}: {key} grants access to {entity.strip()}, that is {reach}. Use "
                "uniform bucket-level access with IAM grants to the accounts that need it.",
                None,
            )


def _public_members(args: ResourceValidationArgs, report: ReportViolation) -> None:
    _grant_validator(check_public_members, {})(args, report)
    check_public_acls(args, report)


NO_PUBLIC_MEMBERS = ResourceValidationPolicy(
    name="gcp-iam-no-public-members",
    description="No IAM grant to allUsers or allAuthenticatedUsers, nor to a whole domain, "
    "customer, identity pool or every service account of a scope (checkov CKV_GCP_28, "
    "CKV_GCP_99, CKV_GCP_102), in IAM grants and Cloud Storage ACLs.",
    validate=_public_members,
)


# --- gcp-iam-no-service-account-keys ---------------------------------------------------------
def validate_no_keys(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != SERVICE_ACCOUNT_KEY:
        return
    report(
        f"{args.name} creates a user-managed service account key, a long-lived credential that "
        "can leak. Let Google services use the account directly and deploy from CI through "
        "Workload Identity Federation; delete the key resource.",
        None,
    )


NO_SERVICE_ACCOUNT_KEYS = ResourceValidationPolicy(
    name="gcp-iam-no-service-account-keys",
    description="No user-managed service account keys (CIS Google Cloud Foundations 1.4, "
    "Google's constraint iam.disableServiceAccountKeyCreation).",
    validate=validate_no_keys,
)


# --- gcp-custom-role-no-privileged-permissions -----------------------------------------------
# type token -> (the parent kind in the role's name, the property naming the parent)
CUSTOM_ROLE_TYPES = {
    "gcp:projects/iAMCustomRole:IAMCustomRole": ("projects", "project"),
    "gcp:organizations/iAMCustomRole:IAMCustomRole": ("organizations", "orgId"),
}


def _custom_permissions(props: Mapping[str, Any]) -> list[str]:
    """A custom role's permissions; GrantShapeError when they are not a list of strings."""
    value = props.get("permissions")
    if is_unknown(value):
        unknown("permissions")
    items = as_list(value)
    if any(is_unknown(v) for v in items):
        unknown("permissions")
    if not items or not all(isinstance(v, str) and v.strip() for v in items):
        raise GrantShapeError(
            f"permissions is {show(value)}; list the permission names the role grants, such as "
            "aiplatform.pipelineJobs.create"
        )
    return [v.strip() for v in items]


def validate_custom_role(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in CUSTOM_ROLE_TYPES:
        return
    try:
        permissions = _custom_permissions(plain(args.props))
    except GrantShapeError as error:
        report(f"{args.name}: {error}.", None)
        return
    found = gcp_roles.privileges(permissions)
    if found:
        report(
            f"{args.name}: the custom role can {'; '.join(found)}. Whoever holds it on a "
            "project, folder or organization can become any service account there or give "
            "itself any role; list only the permissions the workload calls and grant "
            "roles/iam.serviceAccountUser on the one service account it must act as.",
            None,
        )


CUSTOM_ROLE_NO_PRIVILEGED = ResourceValidationPolicy(
    name="gcp-custom-role-no-privileged-permissions",
    description="Custom roles do not carry permissions that act as or mint credentials of "
    "service accounts, change IAM policies (*.setIamPolicy) or edit roles (the permissions "
    "behind checkov CKV_GCP_41/CKV_GCP_49, carried to custom roles).",
    validate=validate_custom_role,
)


# --- gcp-iam-custom-role-grants --------------------------------------------------------------
def _custom_roles(args: StackValidationArgs) -> dict[str, tuple[Any, list[str] | None, Any]]:
    """URN -> (resource, permissions or None when unknown/malformed, (kind, parent, role ID))."""
    out = {}
    for r in args.resources:
        kind = CUSTOM_ROLE_TYPES.get(r.resource_type)
        if kind is None:
            continue
        props = plain(r.props)
        try:
            permissions: list[str] | None = _custom_permissions(props)
        except (GrantShapeError, UnknownValueError):
            permissions = None
        parent, role_id = props.get(kind[1]), props.get("roleId")
        key = (kind[0], parent if isinstance(parent, str) else None, role_id)
        out[r.urn] = (r, permissions, key)
    return out


def _linked_role(
    resource: Any, grant: Grant | None, roles: Mapping[str, tuple[Any, Any, Any]]
) -> str | None:
    deps = getattr(resource, "property_dependencies", None) or {}
    for key in ("role", "policyData"):
        for dep in deps.get(key, []) or []:
            if dep.urn in roles:
                return dep.urn
    if grant is None or not isinstance(grant.role, str):
        return None
    named = gcp_roles.custom_role_key(grant.role)
    if named is None:
        return None
    for urn, (_r, _p, (kind, parent, role_id)) in roles.items():
        if named[0] == kind and named[2] == role_id and parent in (None, named[1]):
            return urn
    return None


def validate_custom_role_grants(args: StackValidationArgs, report: ReportViolation) -> None:
    roles = _custom_roles(args)
    if not roles:
        return
    for r in args.resources:
        info = IAM_TYPES.get(r.resource_type)
        if info is None or info[0] not in HIERARCHY:
            continue
        try:
            found: list[Grant | None] = list(grants(r.resource_type, plain(r.props)))
        except GrantShapeError:
            continue  # every grant policy reports the shape
        except UnknownValueError:
            found = [None]  # policyData computed from outputs: its dependencies still show
        seen = set()
        for grant in found:
            urn = _linked_role(r, grant, roles)
            if urn is None or urn in seen:
                continue
            seen.add(urn)
            role, permissions, _key = roles[urn]
            where = grant.where() if grant is not None else info[0]
            if permissions is None:
                report(
                    f"{r.urn}: grants the custom role {role.urn} on {where}, whose permissions "
                    "are unknown or malformed here; it cannot be judged until they are a plain "
                    "list of permission names.",
                    r.urn,
                )
                continue
            found_privileges = gcp_roles.privileges(permissions)
            if found_privileges:
                report(
                    f"{r.urn}: grants the custom role {role.urn} on {where}, which can "
                    f"{'; '.join(found_privileges)} everywhere there. Grant a role without "
                    "these permissions, or grant it on the one service account or resource.",
                    r.urn,
                )


CUSTOM_ROLE_GRANTS = StackValidationPolicy(
    name="gcp-iam-custom-role-grants",
    description="A custom role defined in the same stack is not granted on a project, folder "
    "or organization when it can act as service accounts or change IAM policies (checkov "
    "CKV_GCP_41/CKV_GCP_49 by the role's permissions).",
    validate=validate_custom_role_grants,
)

POLICIES = [
    NO_BASIC_ROLES,
    SERVICE_ACCOUNT_NO_ADMIN,
    NO_PROJECT_ACT_AS,
    NO_PROJECT_IMPERSONATION,
    NO_DEFAULT_ACCOUNT_GRANTS,
    NO_PUBLIC_MEMBERS,
    NO_SERVICE_ACCOUNT_KEYS,
    CUSTOM_ROLE_NO_PRIVILEGED,
    CUSTOM_ROLE_GRANTS,
]
