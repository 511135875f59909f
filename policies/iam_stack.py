"""Stack-level IAM: what a principal holds through everything attached to it, and whose account
a trust names when only the whole stack shows the account.

A resource policy sees one document. A role may hold `iam:CreatePolicyVersion` in its inline
policy and `iam:SetDefaultPolicyVersion` in an attached managed policy, or `iam:PassRole` in one
and `lambda:CreateFunction` + `lambda:InvokeFunction` in another: each document alone completes no
escalation path, the role holds all of it. IAM grants an identity the union of its identity-based
policies (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html),
and a user also holds its groups' policies, so that union is judged here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import ReportViolation, StackValidationArgs, StackValidationPolicy
from pulumi_policy.proxy import UnknownValueError

from modules.aws import iam_semantics as sem
from policies import settings
from policies.documents import (
    PERMISSIONS,
    RESOURCE,
    SOURCES,
    TRUST,
    DocumentError,
    Statement,
    documents,
    parse_document,
)
from policies.iam import Context, _wide_catalogue
from policies.iam_trust import (
    ACCOUNTS_SCHEMA,
    cross_account_message,
    foreign,
    named_accounts,
    provider_accounts,
    service_source_accounts,
)
from policies.iam_trust import _own_accounts as resource_own_accounts
from policies.targets import Node, _Referrers, _Refs
from policies.values import as_list, guarded, is_unknown, plain, unknown

# --- who holds what --------------------------------------------------------------------------
ROLE = ("aws:iam/role:Role", "aws-native:iam:Role")
USER = ("aws:iam/user:User", "aws-native:iam:User")
GROUP = ("aws:iam/group:Group", "aws-native:iam:Group")
_KEYS = {
    "role": ("name", "id", "roleName", "arn"),
    "user": ("name", "id", "userName", "arn"),
    "group": ("name", "id", "groupName", "arn"),
}
# (kind, document-bearing type naming its principal in `prop`, the document property)
_INLINE = (
    ("role", "aws:iam/rolePolicy:RolePolicy", "role", "policy"),
    ("user", "aws:iam/userPolicy:UserPolicy", "user", "policy"),
    ("group", "aws:iam/groupPolicy:GroupPolicy", "group", "policy"),
    ("role", "aws-native:iam:RolePolicy", "roleName", "policyDocument"),
    ("user", "aws-native:iam:UserPolicy", "userName", "policyDocument"),
    ("group", "aws-native:iam:GroupPolicy", "groupName", "policyDocument"),
)
# (kind, attachment type, property naming the principal(s), property with the policy ARN(s))
_ATTACH = (
    ("role", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "role", "policyArn"),
    ("user", "aws:iam/userPolicyAttachment:UserPolicyAttachment", "user", "policyArn"),
    ("group", "aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "group", "policyArn"),
    ("role", "aws:iam/policyAttachment:PolicyAttachment", "roles", "policyArn"),
    ("user", "aws:iam/policyAttachment:PolicyAttachment", "users", "policyArn"),
    ("group", "aws:iam/policyAttachment:PolicyAttachment", "groups", "policyArn"),
    (
        "role",
        "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
        "roleName",
        "policyArns",
    ),
    (
        "user",
        "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive",
        "userName",
        "policyArns",
    ),
    (
        "group",
        "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive",
        "groupName",
        "policyArns",
    ),
)
_MANAGED = {"aws:iam/policy:Policy": "policy", "aws-native:iam:ManagedPolicy": "policyDocument"}
# (user-side type, property naming groups) and (group-side type, property naming users)
_MEMBERSHIP_BY_USER = (("aws:iam/userGroupMembership:UserGroupMembership", "user", "groups"),)
_MEMBERSHIP_BY_GROUP = (("aws:iam/groupMembership:GroupMembership", "group", "users"),)


@dataclass(frozen=True)
class Held:
    """One permission document a principal holds, and where it is written."""

    where: str  # "<resource name>.<property>"
    raw: Any


@dataclass
class Principal:
    node: Node
    kind: str  # role, user, group
    held: list[Held] = field(default_factory=list)


class _Holdings:
    def __init__(self, nodes: list[Node]) -> None:
        by_type: dict[str, list[Node]] = {}
        for n in nodes:
            by_type.setdefault(n.res.resource_type, []).append(n)

        def of(*types: str) -> list[Node]:
            return [n for t in types for n in by_type.get(t, ())]

        self.principals = [
            Principal(n, kind)
            for kind, types in (("role", ROLE), ("user", USER), ("group", GROUP))
            for n in of(*types)
        ]
        self._inline = [(kind, _Referrers(of(t), prop), doc) for kind, t, prop, doc in _INLINE]
        self._attach = [(kind, _Referrers(of(t), prop), arns) for kind, t, prop, arns in _ATTACH]
        managed = of(*_MANAGED)
        self._managed = _Refs(managed, ("arn", "policyArn", "id"))
        self._managed_by = {
            kind: _Referrers(managed, f"{kind}s") for kind in ("role", "user", "group")
        }
        self._groups = [p for p in self.principals if p.kind == "group"]
        self._users = [p for p in self.principals if p.kind == "user"]
        self._by_user = [(_Referrers(of(t), u), g) for t, u, g in _MEMBERSHIP_BY_USER]
        self._by_group = [(_Referrers(of(t), g), u) for t, g, u in _MEMBERSHIP_BY_GROUP]
        self._group_refs = _Refs([g.node for g in self._groups], _KEYS["group"])
        for p in self.principals:
            p.held = self._own(p)

    def _own(self, p: Principal) -> list[Held]:
        node, keys = p.node, _KEYS[p.kind]
        out = [
            Held(f"{node.res.name}.{s.label}", s.raw)
            for s in documents(node.res.resource_type, node.props)
            if s.kind == PERMISSIONS and not s.error
        ]
        for kind, referrers, prop in self._inline:
            if kind == p.kind:
                out += [
                    Held(f"{n.res.name}.{prop}", n.props.get(prop))
                    for n in referrers.of(node, keys)
                ]
        attached: list[Node] = list(self._managed.resolve(node, "managedPolicyArns"))
        for kind, referrers, prop in self._attach:
            if kind == p.kind:
                for n in referrers.of(node, keys):
                    attached += self._managed.resolve(n, prop)
        attached += self._managed_by[p.kind].of(node, keys)
        for m in dict.fromkeys(attached):
            prop = _MANAGED[m.res.resource_type]
            out.append(Held(f"{m.res.name}.{prop}", m.props.get(prop)))
        return out

    def groups_of(self, user: Principal) -> list[Principal]:
        """The groups a user belongs to: aws-native `groups`, memberships by user or group."""
        names: list[Node] = list(self._group_refs.resolve(user.node, "groups"))
        for referrers, groups_prop in self._by_user:
            for n in referrers.of(user.node, _KEYS["user"]):
                names += self._group_refs.resolve(n, groups_prop)
        found = {n.urn for n in names}
        for referrers, _users_prop in self._by_group:
            for group in self._groups:
                for n in referrers.of(group.node, _KEYS["group"]):
                    members = self._referenced(n, _users_prop, user)
                    if members:
                        found.add(group.node.urn)
        return [g for g in self._groups if g.node.urn in found]

    @staticmethod
    def _referenced(n: Node, prop: str, target: Principal) -> bool:
        if target.node.urn in n.deps(prop):
            return True
        values = {target.node.props.get(k) for k in _KEYS[target.kind]}
        return any(isinstance(v, str) and v in values for v in as_list(n.props.get(prop)))


# --- iam-principal-no-privilege-escalation ---------------------------------------------------
def _statements(held: Iterable[Held]) -> tuple[list[tuple[Held, Statement]], str | None]:
    out: list[tuple[Held, Statement]] = []
    pending = None
    for h in held:
        try:
            parsed = parse_document(h.raw)
        except DocumentError:
            continue  # reported on the resource by the IAM document policies
        if is_unknown(parsed):
            pending = pending or h.where
            continue
        out += [(h, st) for st in parsed]
    return out, pending


_CATALOGUE = {a for e in sem.ESCALATIONS for a in e.actions}


def _wide_by_document(
    pairs: list[tuple[Held, Statement]], ctx: Context
) -> tuple[dict[str, set[str]], str | None]:
    """(catalogue action -> the documents granting it on every resource of its type, the first
    document with a statement whose Effect or Action is unknown)."""
    out: dict[str, set[str]] = {}
    pending = None
    for h, st in pairs:
        try:
            wide = _wide_catalogue((st,), ctx, set(_CATALOGUE))
        except UnknownValueError:
            pending = pending or h.where
            continue
        for action in wide:
            out.setdefault(action, set()).add(h.where)
    return out, pending


def validate_escalation(args: StackValidationArgs, report: ReportViolation) -> None:
    nodes = [Node(r, plain(r.props)) for r in args.resources]
    holdings = _Holdings(nodes)
    ctx = Context({}, PERMISSIONS, "")
    pending = None
    for p in holdings.principals:
        held = list(p.held)
        via = ""
        if p.kind == "user":
            groups = holdings.groups_of(p)
            for g in groups:
                held += g.held
            via = f" (with groups {', '.join(g.node.res.name for g in groups)})" if groups else ""
        if len(held) < 2:
            continue  # one document: the resource policy iam-no-privilege-escalation judges it
        pairs, unknown_doc = _statements(held)
        wide, unknown_statement = _wide_by_document(pairs, ctx)
        unknown_doc = unknown_doc or unknown_statement
        new_paths = []
        partial = False
        for esc in sem.ESCALATIONS:
            if not esc.actions & wide.keys():
                continue
            if not esc.actions <= wide.keys():
                partial = True
                continue
            # A path granted inside one document is that document's finding already.
            common = set.intersection(*(wide[a] for a in esc.actions))
            if common:
                continue
            new_paths.append(esc)
        if new_paths:
            shown = "; ".join(
                f"{e.name} ("
                + ", ".join(f"{a} in {' / '.join(sorted(wide[a]))}" for a in sorted(e.actions))
                + f": {e.how})"
                for e in new_paths[:3]
            )
            more = f"; and {len(new_paths) - 3} more" if len(new_paths) > 3 else ""
            report(
                f"{p.kind} {p.node.res.name}{via} holds a privilege-escalation path split over "
                f"several policies, each granted on every resource: {shown}{more}. IAM grants "
                "the union of all attached policies; scope these actions to the ARNs the "
                "workload needs, or remove one of them.",
                p.node.urn,
            )
        elif partial and unknown_doc:
            pending = pending or unknown_doc
    if pending:
        unknown(pending)


NO_SPLIT_ESCALATION = StackValidationPolicy(
    name="iam-principal-no-privilege-escalation",
    description="A role, user or group must not hold a privilege-escalation path through the "
    "union of its inline, attached and group policies (checkov CKV_AWS_286 across documents, "
    "cloudsplaining).",
    validate=guarded(
        ("policy", "policyDocument", "inlinePolicies", "policies"), validate_escalation
    ),
)


# --- iam-trust-cross-account-stack -----------------------------------------------------------
# Types whose `arn` is assigned by AWS (an output, never an input): it names the account the
# stack's provider created the resource in, so it is evidence of the stack's own account.
# A type whose `arn` is an input (`aws:sns/topicPolicy` names the topic) is not evidence.
_OWN_ARN_TYPES = frozenset(
    {
        *ROLE,
        *USER,
        *GROUP,
        "aws:iam/policy:Policy",
        "aws:sagemaker/pipeline:Pipeline",
        "aws:sqs/queue:Queue",
        "aws:sns/topic:Topic",
        "aws:kms/key:Key",
        "aws:scheduler/schedule:Schedule",
        "aws:scheduler/scheduleGroup:ScheduleGroup",
        "aws:cloudwatch/eventRule:EventRule",
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "aws:lambda/function:Function",
    }
)


def _provider_props(node: Node) -> Mapping[str, Any]:
    provider = getattr(node.res, "provider", None)
    props = plain(provider.props) if provider is not None else {}
    return props if isinstance(props, Mapping) else {}


def stack_accounts(nodes: Iterable[Node], config: Mapping[str, Any]) -> set[str]:
    """Every account this stack shows as its own: `accountIds`, each provider's accounts, and
    the accounts of ARNs AWS assigned to resources the stack created."""
    out = {str(a) for a in config.get("accountIds", ())}
    for n in nodes:
        out |= provider_accounts(_provider_props(n))
        arn = n.props.get("arn") if n.res.resource_type in _OWN_ARN_TYPES else None
        account = sem.arn_account(arn) if isinstance(arn, str) else None
        if account:
            out.add(account)
    return out


def validate_cross_account(args: StackValidationArgs, report: ReportViolation) -> None:
    config = settings.merged(args, ACCOUNTS_SCHEMA)
    nodes = [Node(r, plain(r.props)) for r in args.resources]
    config_own = {str(a) for a in config["accountIds"]}
    trusted = {str(a) for a in config["trustedAccounts"]}
    shown: set[str] | None = None
    pending = None
    for n in nodes:
        if n.res.resource_type not in SOURCES:
            continue
        local = config_own | provider_accounts(_provider_props(n)) | resource_own_accounts(n.props)
        if local:
            continue  # judged per resource by iam-trust-cross-account
        for source in documents(n.res.resource_type, n.props):
            if source.kind not in (TRUST, RESOURCE) or source.error:
                continue
            try:
                statements = parse_document(source.raw, source.kind)
            except DocumentError:
                continue
            if is_unknown(statements):
                continue  # iam-trust-cross-account already says it can't be known in preview
            ctx = Context(config, source.kind, source.label, n.props)
            for st in statements:
                if not st.allows:
                    continue
                try:
                    named = named_accounts(st, ctx)
                except UnknownValueError:
                    pending = pending or f"{n.res.name}.{source.label}.{st.path()}"
                    continue
                sources = service_source_accounts(st, ctx)
                if not (named or sources):
                    continue
                if shown is None:
                    shown = stack_accounts(nodes, config)
                if shown:
                    named = [*named, *sources]
                problems = foreign(named, shown | trusted)
                if not problems:
                    continue
                why = (
                    "which is not one of this stack's accounts "
                    f"({', '.join(sorted(shown))}) or trusted accounts"
                    if shown
                    else "and this stack's own account is not known: set accountIds of "
                    "iam-trust-cross-account in policies/config/<stack>.json, or the AWS "
                    "provider's allowedAccountIds (aws:allowedAccountIds), so that the pack "
                    "can tell your account from another's"
                )
                report(
                    f"{n.res.name}.{source.label} {st.label()}: "
                    + cross_account_message(problems, why),
                    n.urn,
                )
    if pending:
        unknown(pending)


CROSS_ACCOUNT_STACK = StackValidationPolicy(
    name="iam-trust-cross-account-stack",
    description="Trust and resource policies whose own account only the stack shows may name "
    "AWS principals only of the stack's accounts or a configured allow-list (IAM Access "
    "Analyzer external access).",
    validate=guarded(("assumeRolePolicy", "policy"), validate_cross_account),
    config_schema=settings.schema(ACCOUNTS_SCHEMA),
)

POLICIES = [NO_SPLIT_ESCALATION, CROSS_ACCOUNT_STACK]
