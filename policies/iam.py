"""IAM policies: trust policies, permission policies and attached managed policies.

Each policy names the checkov / cfn-nag / cdk-nag rule it mirrors so findings can be compared with
those tools. Documents are judged where they are known; a document that is wholly unknown during
preview (built inside `.apply()` from outputs) is reported as "can't be known during preview" and
the stack-level `pipeline-target-role-least-privilege` judges it from property dependencies.

A literal wildcard (`"*"`, `"sagemaker:*"`) is always written in the program and so always known;
an unknown list entry is a value computed from another resource's output (an ARN), never a
wildcard. That is why an unknown *entry* does not stop the wildcard checks below, while an unknown
*document* or *condition* does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs, ResourceValidationPolicy
from pulumi_policy.proxy import UnknownValueError

from policies import settings
from policies.documents import DocumentError, Statement, glob_match, overlaps, parse_document
from policies.values import as_list, is_unknown, plain, unknown

TRUST = "trust"
PERMISSIONS = "permissions"

# resource type -> how to find its documents: (property path, kind); "[]" walks a list.
_DOCUMENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "aws:iam/role:Role": (("assumeRolePolicy", TRUST), ("inlinePolicies[].policy", PERMISSIONS)),
    "aws-native:iam:Role": (
        ("assumeRolePolicyDocument", TRUST),
        ("policies[].policyDocument", PERMISSIONS),
    ),
    "aws:iam/rolePolicy:RolePolicy": (("policy", PERMISSIONS),),
    "aws:iam/policy:Policy": (("policy", PERMISSIONS),),
    "aws-native:iam:RolePolicy": (("policyDocument", PERMISSIONS),),
    "aws-native:iam:ManagedPolicy": (("policyDocument", PERMISSIONS),),
}
IAM_DOCUMENT_TYPES = frozenset(_DOCUMENTS)
_ATTACHMENTS: dict[str, str] = {
    "aws:iam/role:Role": "managedPolicyArns",
    "aws-native:iam:Role": "managedPolicyArns",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "policyArn",
}


def documents(resource_type: str, props: Mapping[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """(property label, kind, raw document) for every policy document the resource declares."""
    for path, kind in _DOCUMENTS.get(resource_type, ()):
        if "[]." in path:
            list_key, item_key = path.split("[].")
            items = props.get(list_key)
            if is_unknown(items):
                yield list_key, kind, items
                continue
            for i, item in enumerate(as_list(items)):
                if is_unknown(item) or not isinstance(item, Mapping):
                    yield f"{list_key}[{i}]", kind, item
                else:
                    yield f"{list_key}[{i}].{item_key}", kind, item.get(item_key)
        elif props.get(path) is not None:
            yield path, kind, props.get(path)


StatementCheck = Callable[[Statement, Mapping[str, Any]], "str | None"]


def _document_validator(kinds: tuple[str, ...], check: StatementCheck, schema: Mapping[str, Any]):
    """A validator running `check` on every statement of the resource's documents of `kinds`."""

    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.resource_type not in _DOCUMENTS:
            return
        config = settings.merged(args, schema)
        props = plain(args.props)
        pending_unknown = None
        for label, kind, raw in documents(args.resource_type, props):
            if kind not in kinds:
                continue
            try:
                statements = parse_document(raw)
            except DocumentError as e:
                report(f"{label} is not a valid IAM policy document: {e}. Fix the document.", None)
                continue
            if is_unknown(statements):
                pending_unknown = pending_unknown or label
                continue
            for st in statements:
                try:
                    problem = check(st, config)
                except UnknownValueError as e:
                    pending_unknown = pending_unknown or f"{label}.{'.'.join(e.props)}"
                    continue
                if problem:
                    report(f"{label} {st.label()}: {problem}", None)
        if pending_unknown:
            # Judge the known documents first, then say which one could not be judged.
            unknown(pending_unknown)

    return validate


def _principal_values(st: Statement, key: str) -> tuple[Any, ...]:
    if is_unknown(st.principals):
        return ()
    return tuple(st.principals.get(key, ())) + tuple(st.principals.get("*", ()))


# --- iam-trust-no-wildcard-principal ---------------------------------------------------------
def check_wildcard_principal(st: Statement, _config: Mapping[str, Any]) -> str | None:
    if not st.allows:
        return None
    if st.not_principal:
        return (
            "Allow with NotPrincipal trusts every principal except those listed. "
            "List the principals that may assume the role in Principal instead."
        )
    if "*" in _principal_values(st, "AWS"):
        return (
            'trusts Principal "*" (any AWS account). Name the service or account ARN that may '
            "assume the role, e.g. Principal {Service: scheduler.amazonaws.com}."
        )
    return None


TRUST_NO_WILDCARD = ResourceValidationPolicy(
    name="iam-trust-no-wildcard-principal",
    description='Role trust policies must not allow Principal "*" or Allow+NotPrincipal '
    "(checkov CKV_AWS_60, cfn-nag F6).",
    validate=_document_validator((TRUST,), check_wildcard_principal, {}),
)

# --- iam-trust-confused-deputy ---------------------------------------------------------------
DEPUTY_SCHEMA = {
    "services": {
        "type": "array",
        "items": {"type": "string"},
        "default": ["events.amazonaws.com", "scheduler.amazonaws.com"],
        "description": "service principals whose trust needs aws:SourceAccount or aws:SourceArn",
    }
}
_DEPUTY_KEYS = {"aws:sourceaccount", "aws:sourcearn"}


def check_confused_deputy(st: Statement, config: Mapping[str, Any]) -> str | None:
    if not st.allows:
        return None
    services = {s.lower() for s in config["services"]}
    trusted = sorted(
        s for s in _principal_values(st, "Service") if isinstance(s, str) and s.lower() in services
    )
    if not trusted:
        return None
    if is_unknown(st.condition):
        unknown(f"Statement[{st.index}].Condition")
    if st.condition_keys() & _DEPUTY_KEYS:
        return None
    return (
        f"trusts {', '.join(trusted)} without an aws:SourceAccount or aws:SourceArn condition, so "
        "any account's schedule or rule could use this role (confused deputy). Add Condition "
        '{StringEquals: {"aws:SourceAccount": "<account id>"}} or an ArnLike on aws:SourceArn.'
    )


TRUST_CONFUSED_DEPUTY = ResourceValidationPolicy(
    name="iam-trust-confused-deputy",
    description="Trust for EventBridge and Scheduler must be pinned with aws:SourceAccount or "
    "aws:SourceArn (AWS cross-service confused deputy prevention).",
    validate=_document_validator((TRUST,), check_confused_deputy, DEPUTY_SCHEMA),
    config_schema=settings.schema(DEPUTY_SCHEMA),
)

# --- iam-trust-allowed-services --------------------------------------------------------------
SERVICES_SCHEMA = {
    "allowedServices": {
        "type": "array",
        "items": {"type": "string"},
        "default": ["scheduler.amazonaws.com", "events.amazonaws.com", "sagemaker.amazonaws.com"],
        "description": "service principals roles may trust",
    }
}


def check_allowed_services(st: Statement, config: Mapping[str, Any]) -> str | None:
    if not st.allows:
        return None
    allowed = {s.lower() for s in config["allowedServices"]}
    others = sorted(
        s
        for s in _principal_values(st, "Service")
        if isinstance(s, str) and s.lower() not in allowed
    )
    if not others:
        return None
    return (
        f"trusts service {', '.join(others)}, which is not in this stack's allow-list "
        f"({', '.join(sorted(allowed))}). Trust only the services that run the workload, or add it "
        "to iam-trust-allowed-services.allowedServices in policies/config/<stack>.json."
    )


TRUST_ALLOWED_SERVICES = ResourceValidationPolicy(
    name="iam-trust-allowed-services",
    description="Role trust policies may only trust service principals on the stack's allow-list "
    "(complements checkov CKV_AWS_60/CKV_AWS_61).",
    validate=_document_validator((TRUST,), check_allowed_services, SERVICES_SCHEMA),
    config_schema=settings.schema(SERVICES_SCHEMA),
)

# --- iam-no-wildcard-action ------------------------------------------------------------------
ACTION_SCHEMA = {
    "allowedServiceWildcards": {
        "type": "array",
        "items": {"type": "string"},
        "default": [],
        "description": 'services whose "<service>:*" is tolerated, e.g. ["logs"]',
    }
}


def check_wildcard_action(st: Statement, config: Mapping[str, Any]) -> str | None:
    if not st.allows:
        return None
    tolerated = {s.lower() for s in config["allowedServiceWildcards"]}
    wild = []
    for action in st.actions:
        if not isinstance(action, str):
            continue
        service = action.split(":", 1)[0].lower()
        if action == "*" or (action.endswith(":*") and service not in tolerated):
            wild.append(action)
    if not wild:
        return None
    return (
        f"allows {', '.join(wild)}, every action of {'AWS' if '*' in wild else 'the service'}. "
        "List the actions the workload calls, e.g. sagemaker:StartPipelineExecution."
    )


NO_WILDCARD_ACTION = ResourceValidationPolicy(
    name="iam-no-wildcard-action",
    description='IAM policies must not allow Action "*" or "<service>:*" '
    "(checkov CKV_AWS_63/CKV_AWS_62, cfn-nag F2/F3/F4/F5, cdk-nag AwsSolutions-IAM5).",
    validate=_document_validator((TRUST, PERMISSIONS), check_wildcard_action, ACTION_SCHEMA),
    config_schema=settings.schema(ACTION_SCHEMA),
)

# --- iam-no-wildcard-resource ----------------------------------------------------------------
RESOURCE_SCHEMA = {
    "scopableActions": {
        "type": "array",
        "items": {"type": "string"},
        "default": [
            "sagemaker:StartPipelineExecution",
            "sagemaker:StopPipelineExecution",
            "sagemaker:RetryPipelineExecution",
            "sagemaker:SendPipelineExecutionStep*",
            "sagemaker:UpdatePipeline*",
            "sagemaker:DeletePipeline",
            "sagemaker:DescribePipeline*",
            "sqs:SendMessage",
            "sns:Publish",
            "s3:GetObject",
            "s3:PutObject",
            "s3:DeleteObject",
            "kms:Decrypt",
            "kms:GenerateDataKey*",
            "lambda:InvokeFunction",
            "states:StartExecution",
        ],
        "description": 'actions that accept resource ARNs and so must not be granted on "*"',
    }
}


def check_wildcard_resource(st: Statement, config: Mapping[str, Any]) -> str | None:
    if not st.allows or "*" not in st.resources:
        return None
    hits = sorted({s for s in config["scopableActions"] for a in st.actions if overlaps(a, s)})
    if not hits:
        return None
    shown = ", ".join(hits[:4]) + (" ..." if len(hits) > 4 else "")
    return (
        f'grants {shown} on Resource "*". These actions take resource ARNs: grant them only on '
        "the ARNs used, e.g. the pipeline's arn:aws:sagemaker:<region>:<account>:pipeline/<name>."
    )


NO_WILDCARD_RESOURCE = ResourceValidationPolicy(
    name="iam-no-wildcard-resource",
    description='Resource-scopable actions must not be granted on Resource "*" '
    "(checkov CKV_AWS_355, cfn-nag W11/W12/W13, cdk-nag AwsSolutions-IAM5).",
    validate=_document_validator((PERMISSIONS,), check_wildcard_resource, RESOURCE_SCHEMA),
    config_schema=settings.schema(RESOURCE_SCHEMA),
)

# --- iam-passrole-scoped ---------------------------------------------------------------------


def check_passrole(st: Statement, _config: Mapping[str, Any]) -> str | None:
    if not st.allows or not any(overlaps(a, "iam:PassRole") for a in st.actions):
        return None
    problems = []
    if any(r == "*" for r in st.resources):
        problems.append('on Resource "*"')
    if is_unknown(st.condition):
        unknown(f"Statement[{st.index}].Condition")
    if "iam:passedtoservice" not in st.condition_keys():
        problems.append("without an iam:PassedToService condition")
    if not problems:
        return None
    return (
        f"allows iam:PassRole {' and '.join(problems)}, which lets the holder hand any role to any "
        "service (privilege escalation). Grant it on the role ARNs it passes with Condition "
        '{StringEquals: {"iam:PassedToService": "sagemaker.amazonaws.com"}}.'
    )


PASSROLE_SCOPED = ResourceValidationPolicy(
    name="iam-passrole-scoped",
    description="iam:PassRole must name role ARNs and carry an iam:PassedToService condition "
    "(cfn-nag F38/F39/F40, checkov CKV_AWS_110/CKV_AWS_286).",
    validate=_document_validator((PERMISSIONS,), check_passrole, {}),
)

# --- iam-no-allow-not-action-or-resource -----------------------------------------------------


def check_not_action(st: Statement, _config: Mapping[str, Any]) -> str | None:
    if not st.allows:
        return None
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
    validate=_document_validator((TRUST, PERMISSIONS), check_not_action, {}),
)

# --- iam-managed-policy-deny-list ------------------------------------------------------------
MANAGED_SCHEMA = {
    "deniedPolicies": {
        "type": "array",
        "items": {"type": "string"},
        "default": ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess", "*FullAccess"],
        "description": "managed policy names (wildcards allowed) that must not be attached",
    },
}


def validate_managed_policies(args: ResourceValidationArgs, report: ReportViolation) -> None:
    key = _ATTACHMENTS.get(args.resource_type)
    if key is None:
        return
    config = settings.merged(args, MANAGED_SCHEMA)
    props = plain(args.props)
    for arn in as_list(props.get(key)):
        # A computed ARN is a customer-managed policy of this program; its document is judged by
        # the document policies on the aws:iam/policy:Policy or aws-native:iam:ManagedPolicy itself.
        if not isinstance(arn, str):
            continue
        name = arn.rsplit("/", 1)[-1]
        denied = [p for p in config["deniedPolicies"] if glob_match(p, name)]
        if denied:
            report(
                f"attaches managed policy {name} ({arn}), denied by {denied[0]!r} in this stack. "
                "Attach a policy that grants only the actions the role needs, on its resources.",
                None,
            )


MANAGED_DENY_LIST = ResourceValidationPolicy(
    name="iam-managed-policy-deny-list",
    description="Roles must not attach deny-listed managed policies such as AdministratorAccess or "
    "*FullAccess (cdk-nag AwsSolutions-IAM4, cfn-nag W43/W44, checkov CKV_AWS_274).",
    validate=validate_managed_policies,
    config_schema=settings.schema(MANAGED_SCHEMA),
)

POLICIES = [
    TRUST_NO_WILDCARD,
    TRUST_CONFUSED_DEPUTY,
    TRUST_ALLOWED_SERVICES,
    NO_WILDCARD_ACTION,
    NO_WILDCARD_RESOURCE,
    PASSROLE_SCOPED,
    NO_NOT_ACTION,
    MANAGED_DENY_LIST,
]
