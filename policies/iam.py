"""IAM permission policies: what identity and resource policies grant, judged by meaning.

Each policy names the checkov / cfn-nag / cdk-nag / IAM Access Analyzer rule it mirrors. Action
and resource patterns are read through `modules.aws.iam_semantics` (AWS's own action and ARN
data): `iam:**` is `iam:*`, `arn:aws:sagemaker:*:*:pipeline/*` is every pipeline, a typo is an
unknown action. Trust and principal rules live in `policies.iam_trust`.

Unknowns during preview: a wildcard is written in the program and so always known; an unknown
Resource *entry* is an ARN computed from another resource, never a wildcard, so it does not stop
the resource checks. Anything else a verdict depends on (the document, Effect, Action entries,
Condition, Principal) makes the verdict "can't be known during preview" (advisory), never a pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs, ResourceValidationPolicy
from pulumi_policy.proxy import UnknownValueError

from modules.aws import iam_semantics as sem
from policies import settings
from policies.documents import (
    ATTACHMENTS,
    PERMISSIONS,
    RESOURCE,
    SOURCES,
    TRUST,
    DocumentError,
    Statement,
    attached_arns,
    documents,
    parse_document,
)
from policies.values import guarded, is_unknown, plain, show, unknown

ALL_KINDS = (TRUST, PERMISSIONS, RESOURCE)


@dataclass(frozen=True)
class Context:
    """What a statement check may know besides the statement."""

    config: Mapping[str, Any]
    kind: str
    label: str  # the document's property path, e.g. "inlinePolicies[0].policy"
    props: Mapping[str, Any] = field(default_factory=dict)  # the resource's (plain) properties
    provider: Mapping[str, Any] = field(default_factory=dict)  # its provider's (plain) inputs

    def unknown(self, st: Statement, field: str) -> None:
        unknown(f"{self.label}.{st.path(field)}")


StatementCheck = Callable[[Statement, Context], "str | None"]
DocumentCheck = Callable[[tuple[Statement, ...], Context], "list[str]"]


def _props_read(kinds: tuple[str, ...]):
    def of(resource_type: str) -> tuple[str, ...]:
        paths = {p.split("[")[0] for p, k in SOURCES.get(resource_type, ()) if k in kinds}
        return tuple(sorted(paths))

    return of


def document_validator(
    kinds: tuple[str, ...],
    check: StatementCheck | None = None,
    schema: Mapping[str, Any] | None = None,
    *,
    whole: DocumentCheck | None = None,
):
    """A validator running `check` on every statement (or `whole` on every document) of the
    resource's documents of `kinds`; malformed documents are one diagnostic naming the property."""
    schema = schema or {}

    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.resource_type not in SOURCES:
            return
        config = settings.merged(args, schema)
        props = plain(args.props)
        provider = getattr(args, "provider", None)
        provider_props = plain(provider.props) if provider is not None else {}
        pending: str | None = None
        for source in documents(args.resource_type, props):
            if source.kind not in kinds:
                continue
            if source.error:
                report(f"{source.error}. Fix {source.label}.", None)
                continue
            try:
                statements = parse_document(source.raw, source.kind)
            except DocumentError as e:
                report(
                    f"{source.label} is not a valid IAM policy document: {e}. Fix the document "
                    "(IAM would reject it at deploy time).",
                    None,
                )
                continue
            if is_unknown(statements):
                pending = pending or source.label
                continue
            ctx = Context(config, source.kind, source.label, props, provider_props or {})
            try:
                if whole is not None:
                    for problem in whole(statements, ctx):
                        report(f"{source.label}: {problem}", None)
                    continue
                assert check is not None
                for st in statements:
                    if st.denies:
                        continue
                    try:
                        problem = check(st, ctx)
                    except UnknownValueError as e:
                        pending = pending or ".".join(e.props)
                        continue
                    if problem and is_unknown(st.effect):
                        pending = pending or f"{source.label}.{st.path('Effect')}"
                    elif problem:
                        report(f"{source.label} {st.label()}: {problem}", None)
            except UnknownValueError as e:
                pending = pending or ".".join(e.props)
        if pending:
            # Judge the known documents first, then say which one could not be judged.
            unknown(pending)

    return guarded(_props_read(kinds), validate)


def _actions_known(st: Statement, ctx: Context) -> list[str]:
    """The statement's action patterns; unknown entries make the verdict unknown."""
    entries = st.action_entries()
    if any(is_unknown(a) for a in entries):
        ctx.unknown(st, "Action" if st.actions is not None else "NotAction")
    return [a for a in entries if isinstance(a, str)]


# --- iam-actions-known -----------------------------------------------------------------------
def check_actions_known(st: Statement, ctx: Context) -> str | None:
    problems = []
    for action in _actions_known(st, ctx):
        try:
            service, _name = sem.parse_action(action)
        except ValueError as e:
            problems.append(str(e))
            continue
        if service == "*" or sem.expand_actions(action):
            continue
        hint = sem.suggest_action(action)
        if "*" in action or "?" in action:
            what = f"{action!r} matches no AWS action"
        elif not sem.is_known_service(service):
            what = f"{action!r} names no AWS service ({service!r})"
        else:
            what = f"{action!r} is not an action of {service}"
        problems.append(what + (f"; did you mean {hint}?" if hint else ""))
    if not problems:
        return None
    return (
        "; ".join(problems)
        + f". IAM ignores unknown actions, so the statement does not do what it says "
        f"(dataset {sem.DATASET} {sem.DATASET_VERSION}). Fix the spelling."
    )


def _actions_known_everywhere(statements: tuple[Statement, ...], ctx: Context) -> list[str]:
    # Deny statements too: a misspelt Deny denies nothing.
    out = []
    pending = None
    for st in statements:
        try:
            problem = check_actions_known(st, ctx)
        except UnknownValueError as e:
            pending = pending or ".".join(e.props)
            continue
        if problem:
            out.append(f"{st.label()}: {problem}")
    if pending and not out:
        unknown(pending)
    return out


ACTIONS_KNOWN = ResourceValidationPolicy(
    name="iam-actions-known",
    description="Every action in an IAM document must exist in AWS's Service Authorization "
    "Reference (IAM Access Analyzer policy validation: undefined action).",
    validate=document_validator(ALL_KINDS, whole=_actions_known_everywhere),
)

# --- iam-no-wildcard-action ------------------------------------------------------------------
ACTION_SCHEMA = {
    "allowedServiceWildcards": {
        "type": "array",
        "items": {"type": "string"},
        "default": [],
        "description": 'services whose every action may be granted ("logs" tolerates logs:*)',
    }
}


_ROOT = re.compile(r"^(?:\d{12}|arn:[a-z-]+:iam::\d{12}:root)$", re.ASCII)


def _delegates_to_accounts(st: Statement) -> bool:
    """A resource policy statement whose every principal is an account as a whole (its root or
    bare id): it lets nobody in by itself, it hands the decision to that account's IAM policies,
    which must still grant each action. The default KMS key policy is such a statement
    (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html);
    whose account it names is iam-trust-cross-account's judgement."""
    if is_unknown(st.principals) or st.not_principal or set(st.principals) != {"AWS"}:
        return False
    values = st.principals["AWS"]
    return bool(values) and all(isinstance(v, str) and _ROOT.match(v) for v in values)


def check_wildcard_action(st: Statement, ctx: Context) -> str | None:
    if st.actions is None:
        return None  # Allow+NotAction: iam-no-allow-not-action-or-resource
    if ctx.kind == RESOURCE and _delegates_to_accounts(st):
        return None
    tolerated = {s.lower() for s in ctx.config["allowedServiceWildcards"]}
    wild = []
    for action in _actions_known(st, ctx):
        service = sem.covers_whole_service(action)
        if service and (service == "*" or service not in tolerated):
            wild.append((action, service))
    if not wild:
        return None
    shown = ", ".join(
        f"{a} (every action of {'every service' if s == '*' else s})" for a, s in wild
    )
    return (
        f"allows {shown}, including actions AWS adds later. List the actions the workload "
        "calls, e.g. sagemaker:StartPipelineExecution."
    )


NO_WILDCARD_ACTION = ResourceValidationPolicy(
    name="iam-no-wildcard-action",
    description="IAM documents must not allow every action of AWS or of a service, however the "
    "pattern is spelt (checkov CKV_AWS_62/63, cfn-nag F2-F5, cdk-nag AwsSolutions-IAM5).",
    validate=document_validator(ALL_KINDS, check_wildcard_action, ACTION_SCHEMA),
    config_schema=settings.schema(ACTION_SCHEMA),
)


# --- iam-no-wildcard-resource ----------------------------------------------------------------
RESOURCE_SCHEMA = {
    "allowedActions": {
        "type": "array",
        "items": {"type": "string"},
        "default": [],
        "description": "action patterns tolerated on every resource of their type",
    }
}


def _describe(coverage: sem.ArnCoverage) -> str:
    where = f"account {coverage.account}" if coverage.account else "every account"
    return f"every resource of type {coverage.resource_type!r} in {where}"


def _wide_grants(st: Statement, actions: Iterable[str]) -> list[tuple[str, str, str]]:
    """(action, resource entry, what it covers) for each concrete action granted on every
    resource of one of its types. An unknown Resource entry is a computed ARN: never wide."""
    resources = st.resources or ()
    if st.resources is not None and all(is_unknown(r) for r in resources) and resources:
        return []
    out = []
    for action in actions:
        for entry in resources:
            if not isinstance(entry, str):
                continue
            coverage = sem.covers_every_resource(action, entry)
            if coverage:
                out.append((action, entry, _describe(coverage)))
                break
    return out


def _granted_actions(patterns: Iterable[str]) -> tuple[set[str], bool]:
    """(concrete actions the patterns grant, whether they grant every action of AWS)."""
    granted: set[str] = set()
    for p in patterns:
        if sem.covers_whole_service(p) == "*":
            return granted, True
        granted |= sem.expand_actions(p)
    return granted, False


def check_wildcard_resource(st: Statement, ctx: Context) -> str | None:
    if st.resources is None or st.actions is None:
        return None  # NotResource/NotAction: iam-no-allow-not-action-or-resource
    tolerated = [p for p in ctx.config["allowedActions"] if isinstance(p, str)]
    granted, everything = _granted_actions(_actions_known(st, ctx))
    if everything:
        if "*" in st.resources:
            return (
                'grants every action on Resource "*" (administrator access). Grant the '
                "actions the workload calls on the ARNs it uses."
            )
        granted = set()
    actions = sorted(a for a in granted if not any(sem.glob_match(t, a) for t in tolerated))
    hits = _wide_grants(st, actions)
    if not hits:
        return None
    shown = "; ".join(f'{a} on "{r}" ({what})' for a, r, what in hits[:4])
    more = f" and {len(hits) - 4} more" if len(hits) > 4 else ""
    return (
        f"grants {shown}{more}. These actions take resource ARNs: grant them only on the ARNs "
        "used, e.g. arn:aws:sagemaker:<region>:<account>:pipeline/<name>."
    )


NO_WILDCARD_RESOURCE = ResourceValidationPolicy(
    name="iam-no-wildcard-resource",
    description="Actions that take resource ARNs must not be granted on every resource of their "
    "type, whether spelt * or arn:aws:s3:::*/* (checkov CKV_AWS_355, cfn-nag W11-W13).",
    validate=document_validator((PERMISSIONS,), check_wildcard_resource, RESOURCE_SCHEMA),
    config_schema=settings.schema(RESOURCE_SCHEMA),
)

# --- iam-passrole-scoped ---------------------------------------------------------------------
PASSROLE = "iam:PassRole"


def check_passrole(st: Statement, ctx: Context) -> str | None:
    grants = st.grants(PASSROLE)
    if is_unknown(grants):
        ctx.unknown(st, "Action")
    if not grants:
        return None
    problems = []
    if st.not_resources is not None:
        problems.append("with NotResource")
    for entry in st.resources or ():
        if isinstance(entry, str) and sem.covers_every_resource(PASSROLE, entry):
            problems.append(f'on "{entry}" (every role)')
            break
    if is_unknown(st.condition):
        ctx.unknown(st, "Condition")
    try:
        pins = sem.pinning_entries(st.condition or {}, "iam:PassedToService")
    except ValueError:
        pins = []
    good = False
    for entry in pins:
        if any(is_unknown(v) for v in entry.values):
            ctx.unknown(st, f"Condition.{entry.operator}")
        if entry.values and all(sem.value_is_literal(entry, v) for v in entry.values):
            good = True
    if not good:
        if pins:
            problems.append(
                f"with {pins[0].operator} iam:PassedToService {show(list(pins[0].values))}, "
                "which does not name the service"
            )
        else:
            problems.append(
                "without a condition that pins iam:PassedToService (StringNotEquals, Null, "
                "...IfExists and ForAllValues do not)"
            )
    if not problems:
        return None
    return (
        f"allows {PASSROLE} {' and '.join(problems)}, which lets the holder hand roles to any "
        "service (privilege escalation). Grant it on the role ARNs it passes with Condition "
        '{StringEquals: {"iam:PassedToService": "sagemaker.amazonaws.com"}}.'
    )


PASSROLE_SCOPED = ResourceValidationPolicy(
    name="iam-passrole-scoped",
    description="iam:PassRole must name role ARNs and pin iam:PassedToService to a service "
    "(cfn-nag F38/F39/F40, checkov CKV_AWS_110/CKV_AWS_286).",
    validate=document_validator((PERMISSIONS,), check_passrole),
)


# --- iam-no-privilege-escalation -------------------------------------------------------------
def _wide_catalogue(statements: tuple[Statement, ...], ctx: Context, wanted: set[str]) -> set[str]:
    """Which of `wanted` concrete actions Allow statements grant on every resource of a type."""
    out: set[str] = set()
    for st in statements:
        if not st.allows and not is_unknown(st.effect):
            continue
        hits = []
        for action in wanted:
            grants = st.grants(action)
            if is_unknown(grants):
                ctx.unknown(st, "Action")
            if grants:
                hits.append(action)
        if not hits:
            continue
        if is_unknown(st.effect):
            ctx.unknown(st, "Effect")
        if st.not_resources is not None:
            out.update(hits)
            continue
        out.update(a for a, _r, _w in _wide_grants(st, hits))
        # An action that supports only Resource "*" is granted on all it can touch.
        out.update(
            a for a in hits if not sem.resource_arn_formats(a) and "*" in (st.resources or ())
        )
    return out


_CATALOGUE_ACTIONS = {a for e in sem.ESCALATIONS for a in e.actions}


def check_escalation(statements: tuple[Statement, ...], ctx: Context) -> list[str]:
    wide = _wide_catalogue(statements, ctx, set(_CATALOGUE_ACTIONS))
    paths = [e for e in sem.ESCALATIONS if e.actions <= wide]
    if not paths:
        return []
    shown = "; ".join(f"{e.name} ({' + '.join(sorted(e.actions))}: {e.how})" for e in paths[:5])
    more = f"; and {len(paths) - 5} more" if len(paths) > 5 else ""
    return [
        f"grants privilege escalation on every resource: {shown}{more}. Scope these actions to "
        "the ARNs the workload needs, or remove them."
    ]


NO_PRIVILEGE_ESCALATION = ResourceValidationPolicy(
    name="iam-no-privilege-escalation",
    description="IAM documents must not grant a known privilege-escalation path on every "
    "resource (checkov CKV_AWS_286, cloudsplaining privilege escalation).",
    validate=document_validator((PERMISSIONS,), whole=check_escalation),
)


# --- iam-permissions-management-scoped -------------------------------------------------------
def _constrains(condition: Any) -> bool:
    """Whether a Condition limits the request to named values: some entry with a positive
    operator (not `...IfExists`, not `ForAllValues:`) whose every value names something. A
    `Bool aws:SecureTransport` or `StringLike aws:ResourceTag/team "*"` limits nothing about
    whose permissions change."""
    try:
        entries = sem.condition_entries(condition or {})
    except ValueError:
        return False  # reported by the IAM document policies
    for e in entries:
        if not (e.pins and e.values):
            continue
        if all(
            isinstance(v, str) and (v.replace("*", "").replace("?", "") if e.wildcards else v)
            for v in e.values
        ):
            return True
    return False


def check_permissions_management(st: Statement, ctx: Context) -> str | None:
    if st.actions is None:
        return None
    granted, everything = _granted_actions(_actions_known(st, ctx))
    if everything:
        return None  # iam-no-wildcard-action and iam-no-wildcard-resource say it
    if is_unknown(st.condition):
        ctx.unknown(st, "Condition")
    if _constrains(st.condition):
        return None  # a condition is the constraint checkov CKV_AWS_289 asks for
    managing = sorted(a for a in granted if sem.is_permissions_management(a))
    hits = _wide_grants(st, managing)
    if not hits:
        return None
    shown = ", ".join(a for a, _r, _w in hits[:5]) + (" ..." if len(hits) > 5 else "")
    return (
        f"grants {len(hits)} permissions-management action(s) ({shown}) on every resource of "
        "their type without a condition that names what may change (a positive operator with "
        'named values; Bool, ...IfExists, ForAllValues and "*" do not): the holder can change '
        "who may do what. Scope them to the ARNs managed, or add a condition (e.g. StringEquals "
        "iam:PermissionsBoundary)."
    )


PERMISSIONS_MANAGEMENT_SCOPED = ResourceValidationPolicy(
    name="iam-permissions-management-scoped",
    description="Actions of access level 'Permissions management' must not be granted on every "
    "resource without a condition (checkov CKV_AWS_289).",
    validate=document_validator((PERMISSIONS,), check_permissions_management),
)


# --- iam-no-allow-not-action-or-resource -----------------------------------------------------
def check_not_action(st: Statement, _ctx: Context) -> str | None:
    used = [
        k
        for k, v in (("NotAction", st.not_actions), ("NotResource", st.not_resources))
        if v is not None
    ]
    if not used:
        return None
    return (
        f"uses Allow with {' and '.join(used)}, which grants everything not listed, including "
        "actions and resources AWS adds later. Use Action/Resource with explicit lists."
    )


NO_NOT_ACTION = ResourceValidationPolicy(
    name="iam-no-allow-not-action-or-resource",
    description="IAM statements must not combine Allow with NotAction or NotResource "
    "(cfn-nag W14/W15/W16/W17/W21/W22/W23).",
    validate=document_validator(ALL_KINDS, check_not_action),
)

# --- iam-managed-policy-deny-list ------------------------------------------------------------
MANAGED_SCHEMA = {
    "deniedPolicies": {
        "type": "array",
        "items": {"type": "string"},
        "default": ["AdministratorAccess*", "PowerUserAccess*", "IAMFullAccess*", "*FullAccess*"],
        "description": "names of AWS-managed policies (wildcards allowed) that must not be "
        "attached; customer-managed policies are judged by their documents instead",
    },
}
_AWS_MANAGED = re.compile(r"^arn:[a-z-]+:iam::aws:policy/(?:.*/)?(?P<name>[^/]+)$")


def validate_managed_policies(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in ATTACHMENTS:
        return
    config = settings.merged(args, MANAGED_SCHEMA)
    props = plain(args.props)
    pending = None
    for label, arn in attached_arns(args.resource_type, props):
        if is_unknown(arn):
            pending = pending or label
            continue
        if not isinstance(arn, str) or not arn.startswith("arn:"):
            report(
                f"{label} is {show(arn)}, not a managed policy ARN. Use "
                "arn:aws:iam::aws:policy/<name> or your policy's ARN.",
                None,
            )
            continue
        m = _AWS_MANAGED.match(arn)
        if m is None:
            continue  # customer-managed: its document is judged where it is defined
        name = m["name"]
        denied = [p for p in config["deniedPolicies"] if sem.glob_match(p, name)]
        if denied:
            report(
                f"{label} attaches AWS-managed policy {name} ({arn}), denied by {denied[0]!r} in "
                "this stack. Attach a policy that grants only the actions the role needs, on "
                "its resources.",
                None,
            )
    if pending:
        unknown(pending)


MANAGED_DENY_LIST = ResourceValidationPolicy(
    name="iam-managed-policy-deny-list",
    description="Identities must not attach deny-listed AWS-managed policies such as "
    "AdministratorAccess* or *FullAccess* (cdk-nag AwsSolutions-IAM4, checkov CKV_AWS_274).",
    validate=guarded(lambda t: ATTACHMENTS.get(t, ()), validate_managed_policies),
    config_schema=settings.schema(MANAGED_SCHEMA),
)

POLICIES = [
    ACTIONS_KNOWN,
    NO_WILDCARD_ACTION,
    NO_WILDCARD_RESOURCE,
    PASSROLE_SCOPED,
    NO_PRIVILEGE_ESCALATION,
    PERMISSIONS_MANAGEMENT_SCOPED,
    NO_NOT_ACTION,
    MANAGED_DENY_LIST,
]
