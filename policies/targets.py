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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import (
    PolicyResource,
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)

from policies.documents import DocumentError, Statement, glob_match, grants, parse_document
from policies.iam import PERMISSIONS, TRUST, documents
from policies.values import as_list, dig, is_unknown, plain, unknown

START = "sagemaker:StartPipelineExecution"
PIPELINE_TYPES = frozenset({"aws:sagemaker/pipeline:Pipeline", "aws-native:sagemaker:Pipeline"})
ROLE_TYPES = frozenset({"aws:iam/role:Role", "aws-native:iam:Role"})
SCHEDULER_SERVICE = "scheduler.amazonaws.com"
EVENTS_SERVICE = "events.amazonaws.com"


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

    def matches_arn(self, value: str) -> bool:
        # SageMaker pipeline ARNs carry the pipeline name lower-cased.
        if isinstance(self.arn, str) and self.arn.lower() == value.lower():
            return True
        return isinstance(self.name, str) and value.lower().endswith(
            f":pipeline/{self.name.lower()}"
        )


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
            out.append(
                Delivery(
                    n,
                    "target",
                    SCHEDULER_SERVICE,
                    dig(n.props, "target.arn"),
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
            for i, target in enumerate(as_list(n.props.get("targets"))):
                if isinstance(target, Mapping):
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
        self._attachments = _Referrers(
            of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment"), "role"
        )
        self._managed = _Refs(managed, _MANAGED_KEYS)
        self._managed_by_roles = _Referrers(managed, "roles")

    def targeted_pipelines(self, d: Delivery) -> tuple[list[Pipeline], str | None]:
        """(pipelines in this stack, external pipeline ARN) the delivery starts."""
        if isinstance(d.arn, str):
            found = self._pipelines_matching(d.arn)
            return found, (d.arn if not found and _is_pipeline_arn(d.arn) else None)
        return [self._pipelines_by_urn[u] for u in sorted(d.arn_deps & self.pipeline_urns)], None

    def _pipelines_matching(self, arn: str) -> list[Pipeline]:
        # Same rule as Pipeline.matches_arn, answered from the index.
        value = arn.lower()
        found = list(self._pipelines_by_key.get(value, ()))
        if ":pipeline/" in value:
            name = value.rsplit(":pipeline/", 1)[1]
            found += self._pipelines_by_key.get(f"name:{name}", ())
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
        for label, kind, raw in documents(role.res.resource_type, role.props):
            if kind == PERMISSIONS:
                out.append(Grant(role, label, raw, role.deps(label.split("[")[0])))
        for n in self._role_policies.of(role, _ROLE_KEYS):
            out.append(Grant(n, "policy", n.props.get("policy"), n.deps("policy")))
        for n in self._native_role_policies.of(role, _ROLE_KEYS):
            out.append(
                Grant(n, "policyDocument", n.props.get("policyDocument"), n.deps("policyDocument"))
            )
        attached: list[Node] = []
        for n in self._attachments.of(role, _ROLE_KEYS):
            attached += self._managed.resolve(n, "policyArn")
        attached += self._managed.resolve(role, "managedPolicyArns")
        attached += self._managed_by_roles.of(role, _ROLE_KEYS)
        for m in dict.fromkeys(attached):
            prop = "policy" if m.res.resource_type == "aws:iam/policy:Policy" else "policyDocument"
            out.append(Grant(m, prop, m.props.get(prop), m.deps(prop)))
        return out


def _trust_statements(role: Node) -> tuple[Statement, ...] | Any:
    for _label, kind, raw in documents(role.res.resource_type, role.props):
        if kind == TRUST:
            try:
                return parse_document(raw)
            except DocumentError:
                return ()  # reported by the IAM document policies
    return ()


def _trusts(statements: tuple[Statement, ...], service: str) -> bool:
    for st in statements:
        services = () if is_unknown(st.principals) else st.principals.get("Service", ())
        if st.allows and service in services and grants(st, "sts:AssumeRole"):
            return True
    return False


def _trusts_known(role: Node, service: str) -> bool:
    trust = _trust_statements(role)
    return not is_unknown(trust) and _trusts(trust, service)


@dataclass
class _Verdict:
    """What one role's grants say about the pipelines one delivery targets."""

    targets: list[Pipeline]
    external: str | None  # a pipeline ARN outside this stack
    pipeline_urns: set[str]  # every pipeline of the stack
    problems: list[str] = field(default_factory=list)
    granted: bool = False
    undecided: str | None = None

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
        elif any(p.matches_arn(entry) for p in self.targets) or (
            self.external and glob_match(self.external, entry)
        ):
            self.granted = True
        else:
            self.problems.append(f"{where} grants {START} on {entry}, not the targeted pipeline")


def _judge_grants(
    graph: _Graph, role: Node, targets: list[Pipeline], external: str | None
) -> _Verdict:
    verdict = _Verdict(targets, external, graph.pipeline_urns)
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
            if grants(st, START):
                for entry in st.resources:
                    verdict.judge(entry, grant)
    return verdict


def validate_target_roles(args: StackValidationArgs, report: ReportViolation) -> None:
    graph = _Graph(args.resources)
    pending: str | None = None
    for d in _deliveries(graph.nodes):
        targets, external = graph.targeted_pipelines(d)
        if not targets and not external:
            if is_unknown(d.arn) and not d.arn_deps:
                pending = pending or f"{d.node.res.name}.{d.label}.arn"
            continue
        what = f"{d.node.res.name} ({d.label})"
        pipelines = ", ".join(str(p.name or p.node.res.name) for p in targets) or external
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
                    f"{what} uses role {d.role_arn}, which this stack does not define, so its "
                    "grants cannot be checked. Define the invoke role in the same program.",
                    d.node.urn,
                )
            continue
        for role in roles:
            trust = _trust_statements(role)
            if is_unknown(trust):
                pending = pending or f"{role.res.name}.assumeRolePolicy"
            elif not _trusts(trust, d.service):
                report(
                    f"{what} runs as role {role.res.name}, whose trust policy does not allow "
                    f"{d.service} to sts:AssumeRole. Trust exactly that service.",
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
    description="Each schedule's role must trust its service and may start only the pipeline "
    "it targets.",
    validate=validate_target_roles,
)

POLICIES = [PIPELINE_TARGET_ROLES]
