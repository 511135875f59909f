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

from pulumi_policy import ReportViolation, ResourceValidationArgs, ResourceValidationPolicy

from policies import settings
from policies.values import UNKNOWN, as_list, is_unknown, plain, unknown

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
    r"^(?:serviceAccount:)?(?:\d+-compute@developer\.gserviceaccount\.com"
    r"|[a-z][-a-z0-9.:]*@appspot\.gserviceaccount\.com)$"
)
# checkov CKV_GCP_42: a user-managed service account (`...@<project>.iam.gserviceaccount.com`).
USER_MANAGED_ACCOUNT = re.compile(r"^serviceAccount:[^@\s]+@[^@\s]+\.iam\.gserviceaccount\.com$")
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
        f"{label}role is {value!r}; set it to a role ID such as roles/aiplatform.user"
    )


def _members(value: Any, label: str) -> tuple[Any, ...]:
    if is_unknown(value):
        return (UNKNOWN,)
    items = as_list(value)
    for item in items:
        if not (is_unknown(item) or (isinstance(item, str) and item)):
            raise GrantShapeError(
                f"{label}members has {item!r}; each member is a string such as "
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
                f"member is {member!r}; set it to one principal such as "
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
            f"policyData is {data!r}; it must be a JSON object with a `bindings` list "
            "(gcp.organizations.get_iam_policy builds one)"
        )
    for index, binding in enumerate(bindings):
        label = f"policyData.bindings[{index}]."
        if not isinstance(binding, Mapping):
            raise GrantShapeError(f"{label[:-1]} is {binding!r}; each binding has role and members")
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
    if grant.role in BASIC_ROLES:
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
    if grant.scope not in HIERARCHY or not ADMIN_ROLE.match(grant.role):
        return
    for member in grant.members:
        if is_unknown(member):
            unknown(f"{grant.label}member")
        if USER_MANAGED_ACCOUNT.match(member):
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
    if grant.scope in HIERARCHY and grant.role in ACT_AS_ROLES:
        yield (
            f"grants {grant.role} on {grant.where()}, which lets the member act as every "
            "service account there. Grant it on the one service account instead "
            "(gcp.serviceaccount.IAMMember with service_account_id)."
        )


NO_PROJECT_ACT_AS = ResourceValidationPolicy(
    name="gcp-iam-no-project-level-service-account-user",
    description="Service Account User and Token Creator are granted on one service account, "
    "never on a project, folder or organization (checkov CKV_GCP_41).",
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
            f"roles is {roles!r}; list role IDs in policies/config/<stack>.json or remove the key"
        )
    if grant.scope in HIERARCHY and grant.role in roles:
        yield (
            f"grants {grant.role} on {grant.where()}, which can impersonate or manage every "
            "service account there. Grant what the member needs on the specific service "
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
    description="No roles that impersonate or manage service accounts on a project, folder or "
    "organization (checkov CKV_GCP_49, CKV_GCP_44, CKV_GCP_45).",
    validate=_impersonation,
    config_schema=settings.schema(IMPERSONATION_SCHEMA),
)


# --- gcp-iam-no-default-service-account-grants -----------------------------------------------
def check_default_accounts(grant: Grant, _config: Mapping[str, Any]) -> Iterator[str]:
    for member in grant.members:
        if isinstance(member, str) and DEFAULT_ACCOUNT.match(member):
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
        if member in PUBLIC_MEMBERS:
            yield (
                f"grants {grant.role} on {grant.where()} to {member}, that is anyone on the "
                "internet (or any Google account). Grant it to the service accounts or groups "
                "that need it."
            )


NO_PUBLIC_MEMBERS = ResourceValidationPolicy(
    name="gcp-iam-no-public-members",
    description="No IAM grant to allUsers or allAuthenticatedUsers (checkov CKV_GCP_28, "
    "CKV_GCP_99, CKV_GCP_102).",
    validate=_grant_validator(check_public_members, {}),
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

POLICIES = [
    NO_BASIC_ROLES,
    SERVICE_ACCOUNT_NO_ADMIN,
    NO_PROJECT_ACT_AS,
    NO_PROJECT_IMPERSONATION,
    NO_DEFAULT_ACCOUNT_GRANTS,
    NO_PUBLIC_MEMBERS,
    NO_SERVICE_ACCOUNT_KEYS,
]
