"""Stack-level: each schedule's invoke role may start exactly the pipeline the schedule targets.

For every EventBridge Scheduler schedule and rule target that starts a SageMaker pipeline, the
role it assumes must (1) trust the service that assumes it (scheduler.amazonaws.com or
events.amazonaws.com) and (2) grant `sagemaker:StartPipelineExecution` only on that pipeline's ARN.

During preview the ARNs are unknown (the pipeline, role and policy are created in the same change),
so links are followed through the engine's property dependencies: a target whose `arn` depends on
pipeline P targets P; a policy document that depends only on P is scoped to P. Known values are
compared directly. What cannot be decided either way is reported as unknown, never passed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import (
    PolicyResource,
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)

from modules.aws import iam_semantics as sem
from policies import settings
from policies.documents import (
    PERMISSIONS,
    TRUST,
    DocumentError,
    Statement,
    documents,
    parse_document,
)
from policies.values import UNKNOWN, as_list, dig, guarded, is_unknown, plain, show, unknown

START = "sagemaker:StartPipelineExecution"
PIPELINE_TYPES = frozenset({"aws:sagemaker/pipeline:Pipeline", "aws-native:sagemaker:Pipeline"})
ROLE_TYPES = frozenset({"aws:iam/role:Role", "aws-native:iam:Role"})
SCHEDULER_SERVICE = "scheduler.amazonaws.com"
EVENTS_SERVICE = "events.amazonaws.com"
# Scheduler's universal target for SageMaker: the pipeline is named in the target's input.
# https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html
_UNIVERSAL_START = re.compile(
    r"^arn:[a-z-]+:scheduler:::aws-sdk:sagemaker:startpipelineexecution$", re.IGNORECASE
)
AWS_MANAGED = re.compile(r"^arn:[a-z-]+:iam::aws:policy/")


@dataclass(eq=False)  # identity: two resources are never "equal"
class Node:
    res: PolicyResource
    props: dict[str, Any]

    @property
    def urn(self) -> str:
        return self.res.urn

    def deps(self, prop: str) -> set[str]:
        return {d.urn for d in self.res.property_dependencies.get(prop, [])}


@dataclass(eq=False)
class Pipeline:
    node: Node

    @property
    def name(self) -> Any:
        return self.node.props.get("pipelineName")

    @property
    def arn(self) -> Any:
        return self.node.props.get("arn") or self.node.props.get("pipelineArn")

    def matches_arn(self, value: str, account: str | None = None) -> bool:
        """Whether `value` is this pipeline's ARN. With the ARN unknown (preview) the name must
        match and the ARN's account must be `account` (the invoke role's): a same-named
        pipeline of another account is another pipeline."""
        if isinstance(self.arn, str):
            # SageMaker pipeline ARNs carry the pipeline name lower-cased.
            return self.arn.lower() == value.lower()
        if not (
            isinstance(self.name, str) and value.lower().endswith(f":pipeline/{self.name.lower()}")
        ):
            return False
        return account is None or sem.arn_account(value) == account


@dataclass
class Delivery:
    """One schedule target: who is started, with which role, assumed by which service."""

    node: Node
    label: str
    service: str
    arn: Any
    role_arn: Any
    arn_deps: set[str]
    role_deps: set[str]


@dataclass
class Grant:
    """A permission document attached to a role, with what its value was computed from."""

    owner: Node
    label: str
    raw: Any
    deps: set[str] = field(default_factory=set)


def _deliveries(nodes: Iterable[Node]) -> list[Delivery]:
    out = []
    for n in nodes:
        t = n.res.resource_type
        if t in ("aws:scheduler/schedule:Schedule", "aws-native:scheduler:Schedule"):
            deps = n.deps("target")
            arn = dig(n.props, "target.arn")
            if isinstance(arn, str) and _UNIVERSAL_START.match(arn):
                arn = _universal_pipeline(dig(n.props, "target.input"))
            out.append(
                Delivery(
                    n,
                    "target",
                    SCHEDULER_SERVICE,
                    arn,
                    dig(n.props, "target.roleArn"),
                    deps,
                    deps,
                )
            )
        elif t == "aws:cloudwatch/eventTarget:EventTarget":
            out.append(
                Delivery(
                    n,
                    "target",
                    EVENTS_SERVICE,
                    n.props.get("arn"),
                    n.props.get("roleArn"),
                    n.deps("arn"),
                    n.deps("roleArn"),
                )
            )
        elif t == "aws-native:events:Rule":
            deps = n.deps("targets")
            targets = n.props.get("targets")
            if is_unknown(targets):
                # Which pipelines the rule starts, and as whom, is unknown: said so, never passed.
                out.append(Delivery(n, "targets", EVENTS_SERVICE, UNKNOWN, UNKNOWN, set(), set()))
                continue
            for i, target in enumerate(as_list(targets)):
                if is_unknown(target):
                    out.append(
                        Delivery(n, f"targets[{i}]", EVENTS_SERVICE, UNKNOWN, UNKNOWN, set(), set())
                    )
                elif isinstance(target, Mapping):
                    out.append(
                        Delivery(
                            n,
                            f"targets[{i}]",
                            EVENTS_SERVICE,
                            target.get("arn"),
                            target.get("roleArn"),
                            deps,
                            deps,
                        )
                    )
    return out


def _universal_pipeline(raw: Any) -> Any:
    """The pipeline a universal `startPipelineExecution` target names in its input JSON
    (`PipelineName`: a name or an ARN); UNKNOWN when the input is."""
    if is_unknown(raw):
        return UNKNOWN
    try:
        body = json.loads(raw) if isinstance(raw, str) else raw
    except (ValueError, RecursionError):
        body = None
    name = body.get("PipelineName") if isinstance(body, Mapping) else None
    if is_unknown(name):
        return UNKNOWN
    if not isinstance(name, str) or not name:
        return f"invalid:{show(raw)}"
    return name if name.startswith("arn:") else f"name:{name}"


def _is_pipeline_arn(value: Any) -> bool:
    return isinstance(value, str) and ":sagemaker:" in value and ":pipeline/" in value


class _Refs:
    """Which of `candidates` a node's property refers to: by property dependency, else by value.

    Indexed once per stack so that judging every schedule stays linear in the stack's size;
    a scan per schedule made 1,000-pipeline stacks take minutes.
    """

    def __init__(self, candidates: Iterable[Node], keys: tuple[str, ...]) -> None:
        self.by_urn: dict[str, Node] = {}
        self.by_value: dict[str, list[Node]] = {}
        for c in candidates:
            self.by_urn[c.urn] = c
            for k in keys:
                v = c.props.get(k)
                if isinstance(v, str):
                    self.by_value.setdefault(v, []).append(c)

    def resolve(self, node: Node, prop: str) -> list[Node]:
        deps = node.deps(prop)
        if deps:
            return [self.by_urn[u] for u in sorted(deps) if u in self.by_urn]
        found: list[Node] = []
        for v in as_list(node.props.get(prop)):
            if isinstance(v, str):
                found += self.by_value.get(v, ())
        return list(dict.fromkeys(found))


class _Referrers:
    """The reverse of `_Refs`: which nodes' `prop` refers to a given target."""

    def __init__(self, nodes: Iterable[Node], prop: str) -> None:
        self.by_urn: dict[str, list[Node]] = {}
        self.by_value: dict[str, list[Node]] = {}
        for n in nodes:
            deps = n.deps(prop)
            if deps:
                for u in deps:
                    self.by_urn.setdefault(u, []).append(n)
                continue
            for v in as_list(n.props.get(prop)):
                if isinstance(v, str):
                    self.by_value.setdefault(v, []).append(n)

    def of(self, target: Node, keys: tuple[str, ...]) -> list[Node]:
        found = list(self.by_urn.get(target.urn, ()))
        for k in keys:
            v = target.props.get(k)
            if isinstance(v, str):
                found += self.by_value.get(v, ())
        return list(dict.fromkeys(found))


_ROLE_KEYS = ("name", "id", "roleName", "arn")
# Resources attaching managed policies to roles: (type, property naming the role(s), ARN property).
_ATTACHMENT_TYPES = (
    ("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "role", "policyArn"),
    ("aws:iam/policyAttachment:PolicyAttachment", "roles", "policyArn"),
    (
        "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
        "roleName",
        "policyArns",
    ),
)
_MANAGED_KEYS = ("arn", "policyArn")


class _Graph:
    def __init__(self, resources: Iterable[PolicyResource]) -> None:
        self.nodes = [Node(r, plain(r.props)) for r in resources]
        by_type: dict[str, list[Node]] = {}
        for n in self.nodes:
            by_type.setdefault(n.res.resource_type, []).append(n)
        self.pipelines = [Pipeline(n) for n in self.nodes if n.res.resource_type in PIPELINE_TYPES]
        self.pipeline_urns = {p.node.urn for p in self.pipelines}
        self._pipelines_by_urn = {p.node.urn: p for p in self.pipelines}
        self._pipelines_by_key: dict[str, list[Pipeline]] = {}
        for p in self.pipelines:
            if isinstance(p.arn, str):
                self._pipelines_by_key.setdefault(p.arn.lower(), []).append(p)
            if isinstance(p.name, str):
                self._pipelines_by_key.setdefault(f"name:{p.name.lower()}", []).append(p)
        self.roles = [n for n in self.nodes if n.res.resource_type in ROLE_TYPES]
        self._roles_by_urn = {r.urn: r for r in self.roles}
        self._roles_by_arn: dict[str, list[Node]] = {}
        for r in self.roles:
            arn = r.props.get("arn")
            if isinstance(arn, str):
                self._roles_by_arn.setdefault(arn, []).append(r)

        def of_type(*types: str) -> list[Node]:
            return [n for t in types for n in by_type.get(t, ())]

        managed = of_type("aws:iam/policy:Policy", "aws-native:iam:ManagedPolicy")
        self._role_policies = _Referrers(of_type("aws:iam/rolePolicy:RolePolicy"), "role")
        self._native_role_policies = _Referrers(of_type("aws-native:iam:RolePolicy"), "roleName")
        # (referrers of a role, the property holding the attached policy ARN(s))
        self._attachments = [
            (_Referrers(of_type(t), role_prop), arn_prop)
            for t, role_prop, arn_prop in _ATTACHMENT_TYPES
        ]
        self._managed = _Refs(managed, _MANAGED_KEYS)
        self._managed_by_roles = _Referrers(managed, "roles")

    def targeted_pipelines(self, d: Delivery) -> tuple[list[Pipeline], str | None]:
        """(pipelines in this stack, external pipeline ARN) the delivery starts."""
        if isinstance(d.arn, str):
            found = self._pipelines_matching(d.arn)
            external = _is_pipeline_arn(d.arn) or d.arn.startswith("name:")
            return found, (d.arn if not found and external else None)
        return [self._pipelines_by_urn[u] for u in sorted(d.arn_deps & self.pipeline_urns)], None

    def _pipelines_matching(self, arn: str) -> list[Pipeline]:
        # Same rule as Pipeline.matches_arn, answered from the index.
        value = arn.lower()
        if value.startswith("name:"):  # a universal target naming the pipeline
            return list(self._pipelines_by_key.get(value, ()))
        found = list(self._pipelines_by_key.get(value, ()))
        if ":pipeline/" in value:
            name = value.rsplit(":pipeline/", 1)[1]
            # By name only where the pipeline's own ARN is not known yet (preview).
            found += [
                p
                for p in self._pipelines_by_key.get(f"name:{name}", ())
                if not isinstance(p.arn, str)
            ]
        return list(dict.fromkeys(found))

    def role_of(self, d: Delivery) -> list[Node]:
        if isinstance(d.role_arn, str):
            return list(self._roles_by_arn.get(d.role_arn, ()))
        roles = [self._roles_by_urn[u] for u in sorted(d.role_deps) if u in self._roles_by_urn]
        # A Scheduler `target` depends on everything inside it (say, a role ARN passed as a
        # pipeline parameter): the invoke role is the one that trusts the delivering service.
        trusting = [r for r in roles if _trusts_known(r, d.service)]
        return trusting or roles

    def grants_of(self, role: Node) -> list[Grant]:
        out = []
        for source in documents(role.res.resource_type, role.props):
            if source.kind == PERMISSIONS and not source.error:
                out.append(
                    Grant(role, source.label, source.raw, role.deps(source.label.split("[")[0]))
                )
        for n in self._role_policies.of(role, _ROLE_KEYS):
            out.append(Grant(n, "policy", n.props.get("policy"), n.deps("policy")))
        for n in self._native_role_policies.of(role, _ROLE_KEYS):
            out.append(
                Grant(n, "policyDocument", n.props.get("policyDocument"), n.deps("policyDocument"))
            )
        attached: list[Node] = []
        for referrers, arn_prop in self._attachments:
            for n in referrers.of(role, _ROLE_KEYS):
                attached += self._attached(n, arn_prop)
        attached += self._attached(role, "managedPolicyArns")
        attached += self._managed_by_roles.of(role, _ROLE_KEYS)
        for m in dict.fromkeys(attached):
            prop = "policy" if m.res.resource_type == "aws:iam/policy:Policy" else "policyDocument"
            out.append(Grant(m, prop, m.props.get(prop), m.deps(prop)))
        return out

    def unresolved_of(self, role: Node) -> list[tuple[Node, str, Any]]:
        """(owner, property, ARN or UNKNOWN) of managed policies attached to the role that are
        not defined in this stack, so their grants cannot be read."""
        out: list[tuple[Node, str, Any]] = []
        owners = [(role, "managedPolicyArns")]
        for referrers, arn_prop in self._attachments:
            owners += [(n, arn_prop) for n in referrers.of(role, _ROLE_KEYS)]
        for owner, prop in owners:
            value = owner.props.get(prop)
            if value is None:
                continue
            via_deps = [u for u in owner.deps(prop) if u in self._managed.by_urn]
            entries = value if isinstance(value, list) else [value]
            for i, v in enumerate(entries):
                label = f"{prop}[{i}]" if isinstance(value, list) else prop
                if isinstance(v, str) and not self._managed.by_value.get(v) and not via_deps:
                    out.append((owner, label, v))
                elif is_unknown(v) and not via_deps:
                    out.append((owner, label, UNKNOWN))
        return out

    def _attached(self, owner: Node, prop: str) -> list[Node]:
        return self._managed.resolve(owner, prop)


def _trust_statements(role: Node) -> tuple[Statement, ...] | Any:
    for source in documents(role.res.resource_type, role.props):
        if source.kind == TRUST and not source.error:
            try:
                return parse_document(source.raw, TRUST)
            except DocumentError:
                return ()  # reported by the IAM document policies
    return ()


def _trusts(statements: tuple[Statement, ...], service: str) -> bool:
    for st in statements:
        services = () if is_unknown(st.principals) else st.principals.get("Service", ())
        if st.allows and service in services and st.grants("sts:AssumeRole") is True:
            return True
    return False


def _trusts_known(role: Node, service: str) -> bool:
    trust = _trust_statements(role)
    return not is_unknown(trust) and _trusts(trust, service)


def _foreign_sources(
    statements: tuple[Statement, ...], service: str, own: str, trusted: set[str]
) -> list[str]:
    """Source accounts a trust for `service` pins that are neither the role's nor trusted."""
    out = []
    for st in statements:
        services = () if is_unknown(st.principals) else st.principals.get("Service", ())
        if not (st.allows and service in services) or not isinstance(st.condition, Mapping):
            continue
        try:
            entries = [
                e
                for key in ("aws:SourceAccount", "aws:SourceArn")
                for e in sem.pinning_entries(st.condition, key)
            ]
        except ValueError:
            continue  # reported by the IAM document policies
        for e in entries:
            for v in e.values:
                account = sem.account_of_value(e, v) if isinstance(v, str) else None
                if account and account != own and account not in trusted:
                    out.append(f"{e.key} {account}")
    return out


@dataclass
class _Verdict:
    """What one role's grants say about the pipelines one delivery targets."""

    targets: list[Pipeline]
    external: str | None  # a pipeline outside this stack: its ARN, or "name:<name>"
    pipeline_urns: set[str]  # every pipeline of the stack
    account: str | None  # the invoke role's account, when known
    problems: list[str] = field(default_factory=list)
    granted: bool = False
    undecided: str | None = None

    def _external_matches(self, entry: str) -> bool:
        if not self.external:
            return False
        if self.external.startswith("name:"):
            name = self.external[len("name:") :].lower()
            return entry.lower().endswith(f":pipeline/{name}") and (
                self.account is None or sem.arn_account(entry) == self.account
            )
        return entry.lower() == self.external.lower()

    def judge(self, entry: Any, grant: Grant) -> None:
        """Judge one Resource entry of a statement granting StartPipelineExecution."""
        where = f"{grant.owner.res.name}.{grant.label}"
        target_urns = {p.node.urn for p in self.targets}
        if is_unknown(entry):
            referenced = grant.deps & self.pipeline_urns
            others = sorted(u.rsplit("::", 1)[-1] for u in referenced - target_urns)
            if others:
                self.problems.append(
                    f"{where} is built from pipeline(s) {', '.join(others)} that this schedule "
                    "does not target"
                )
            elif referenced:
                self.granted = True
            else:
                self.undecided = self.undecided or where
            return
        if not isinstance(entry, str):
            return
        if "*" in entry or "?" in entry:
            self.problems.append(f'{where} grants {START} on "{entry}"')
        elif any(p.matches_arn(entry, self.account) for p in self.targets) or (
            self._external_matches(entry)
        ):
            self.granted = True
        else:
            self.problems.append(f"{where} grants {START} on {entry}, not the targeted pipeline")


def _judge_grants(
    graph: _Graph, role: Node, targets: list[Pipeline], external: str | None
) -> _Verdict:
    account = (
        sem.arn_account(role.props.get("arn")) if isinstance(role.props.get("arn"), str) else None
    )
    verdict = _Verdict(targets, external, graph.pipeline_urns, account)
    for grant in graph.grants_of(role):
        try:
            statements = parse_document(grant.raw)
        except DocumentError:
            continue  # reported by the IAM document policies
        if is_unknown(statements):
            # The document's text is unknown; what it was computed from is not.
            verdict.judge(statements, grant)
            continue
        for st in statements:
            if not st.allows:
                continue
            grants = st.grants(START)
            if is_unknown(grants):
                verdict.undecided = verdict.undecided or f"{grant.owner.res.name}.{grant.label}"
            elif grants and st.not_resources is not None:
                verdict.problems.append(
                    f"{grant.owner.res.name}.{grant.label} grants {START} with NotResource "
                    "(every pipeline but those listed)"
                )
            elif grants:
                for entry in st.resources or ():
                    verdict.judge(entry, grant)
    return verdict


SCHEMA = {
    "trustedAccounts": {
        "type": "array",
        "items": {"type": "string", "pattern": r"^\d{12}$"},
        "default": [],
        "description": "accounts other than the role's own that a trust's source may be",
    }
}


def validate_target_roles(args: StackValidationArgs, report: ReportViolation) -> None:
    config = {**{k: v["default"] for k, v in SCHEMA.items()}, **dict(args.get_config() or {})}
    trusted = {str(a) for a in config["trustedAccounts"]}
    graph = _Graph(args.resources)
    pending: str | None = None
    for d in _deliveries(graph.nodes):
        targets, external = graph.targeted_pipelines(d)
        invalid = isinstance(d.arn, str) and d.arn.startswith("invalid:")
        if not targets and not external and not invalid:
            if is_unknown(d.arn) and not d.arn_deps:
                pending = pending or f"{d.node.res.name}.{d.label}.arn"
            continue
        what = f"{d.node.res.name} ({d.label})"
        if isinstance(d.arn, str) and d.arn.startswith("invalid:"):
            report(
                f"{what} uses Scheduler's universal target sagemaker:startPipelineExecution, but "
                f"its input {d.arn.removeprefix('invalid:')} names no PipelineName. Set input to "
                '{"PipelineName": "<pipeline name or ARN>"}.',
                d.node.urn,
            )
            continue
        pipelines = ", ".join(str(p.name or p.node.res.name) for p in targets) or str(
            external
        ).removeprefix("name:")
        if d.role_arn is None:
            report(
                f"{what} starts pipeline {pipelines} but sets no roleArn. Give it an invoke role.",
                d.node.urn,
            )
            continue
        roles = graph.role_of(d)
        if not roles:
            if is_unknown(d.role_arn) and not d.role_deps:
                pending = pending or f"{d.node.res.name}.{d.label}.roleArn"
            else:
                report(
                    f"{what} uses role {show(d.role_arn)}, which this stack does not define, so "
                    "its grants cannot be checked. Define the invoke role in the same program.",
                    d.node.urn,
                )
            continue
        for role in roles:
            trust = _trust_statements(role)
            own = role.props.get("arn")
            own_account = sem.arn_account(own) if isinstance(own, str) else None
            if is_unknown(trust):
                pending = pending or f"{role.res.name}.assumeRolePolicy"
            elif not _trusts(trust, d.service):
                report(
                    f"{what} runs as role {role.res.name}, whose trust policy does not allow "
                    f"{d.service} to sts:AssumeRole. Trust exactly that service.",
                    role.urn,
                )
            elif own_account:
                foreign = _foreign_sources(trust, d.service, own_account, trusted)
                if foreign:
                    report(
                        f"{what} runs as role {role.res.name} of account {own_account}, whose "
                        f"trust pins {', '.join(foreign)}: that account's schedules could use "
                        f"the role, and this one's could not. Pin aws:SourceAccount to "
                        f"{own_account}.",
                        role.urn,
                    )
            for owner, label, arn in graph.unresolved_of(role):
                if is_unknown(arn):
                    pending = pending or f"{owner.res.name}.{label}"
                    continue
                kind = "AWS-managed policy" if AWS_MANAGED.match(str(arn)) else "managed policy"
                report(
                    f"{what} runs as role {role.res.name}, which attaches {kind} {show(arn)} "
                    f"({owner.res.name}.{label}) that this stack does not define, so its grants "
                    f"cannot be checked. Grant {START} in a policy defined in the same program.",
                    role.urn,
                )
            verdict = _judge_grants(graph, role, targets, external)
            for problem in verdict.problems:
                report(
                    f"{what} targets pipeline {pipelines}, but {problem}. Grant {START} only on "
                    "the ARN of the pipeline this schedule targets.",
                    role.urn,
                )
            if not verdict.granted and not verdict.problems:
                if verdict.undecided:
                    pending = pending or verdict.undecided
                else:
                    report(
                        f"{what} targets pipeline {pipelines}, but role {role.res.name} grants no "
                        f"{START} on it, so every run would fail with AccessDenied. Add the grant.",
                        role.urn,
                    )
    if pending:
        unknown(pending)


PIPELINE_TARGET_ROLES = StackValidationPolicy(
    name="pipeline-target-role-least-privilege",
    description="Each schedule's role must trust its service from its own account and may start "
    "only the pipeline it targets.",
    validate=guarded(("target", "targets", "roleArn", "policy"), validate_target_roles),
    config_schema=settings.schema(SCHEMA),
)

POLICIES = [PIPELINE_TARGET_ROLES]
