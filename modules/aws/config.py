"""AWS pipeline entries (`cloud: aws`, the default): SageMaker pipelines started by EventBridge.

The AWS half of the config contract (the shared half and the plug-in contract are in
`modules.config`). Pure validation: no Pulumi SDK, no AWS call. Exports `VALIDATOR`.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from modules.config import (
    CloudValidator,
    IssueContext,
    PipelineBase,
    PipelineEntry,
    get_bool,
    get_date,
    get_int,
    get_str,
    get_string_list,
    is_str_list,
    iso,
    parse_schedule_key,
)

DEFINITION_VERSION = "2020-12-01"
# https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreatePipeline.html
PIPELINE_NAME_PATTERN = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$")
# SageMaker allows 256 characters, but child resources are auto-named
# `<name>-trigger-schedule-<7 hex>` (EventBridge Scheduler, 64 characters at most) and
# `<name>-execution-role-<7 hex>` (IAM, 64 characters at most).
MAX_PIPELINE_NAME_LENGTH = 39
MAX_DEFINITION_BODY_CHARS = 1_048_576
MAX_DESCRIPTION_CHARS = 3_072
# EventBridge Scheduler: https://docs.aws.amazon.com/scheduler/latest/APIReference/API_SageMakerPipelineParameter.html
SCHEDULER_PARAMETER_NAME = re.compile(r"^[A-Za-z0-9\-_]{1,256}$")
# EventBridge rules are stricter (no underscores, must start and end alphanumeric):
# https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_SageMakerPipelineParameter.html
RULE_PARAMETER_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9])*$")
MAX_PARAMETER_NAME_LENGTH = 256
MAX_PARAMETER_VALUE_LENGTH = 1024
MAX_PARAMETERS = 200
# Ranges shared by Scheduler's and EventBridge rules' RetryPolicy.
RETRY_ATTEMPTS_RANGE = (0, 185)
EVENT_AGE_RANGE = (60, 86_400)
FLEXIBLE_WINDOW_RANGE = (1, 1_440)
SCHEDULE_GROUP_PATTERN = re.compile(r"^[0-9a-zA-Z\-_.]{1,64}$")
ROLE_ARN_PATTERN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
ALARM_ACTION_PATTERN = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:\S+$")
IAM_ACTION_PATTERN = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9*]+$")
S3_URI_PATTERN = re.compile(r"^s3://(?P<bucket>[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/(?P<key>\S+)$")
PLACEHOLDER_PATTERN = re.compile(r"\$\{([^}]*)\}")
# Values the SageMakerPipeline component substitutes into a definition body, so one definition
# file serves every account and region.
SUBSTITUTIONS = ("ExecutionRoleArn", "AccountId", "Region", "Partition")
# Placeholders allowed in `permissions` resources and `passRoles`, so one config line serves
# every account; the PipelineExecutionRole component fills them in.
ARN_SUBSTITUTIONS = ("AccountId", "Region", "Partition")
_SAMPLE_VALUES = {"AccountId": "123456789012", "Region": "us-east-1", "Partition": "aws"}
PARAMETER_TYPES = ("String", "Integer", "Float", "Boolean")

TriggerKind = Literal["scheduler", "rule"]

# The AWS keys; the shared ones (name, schedule, timezone, ...) are modules.config.SHARED_KEYS.
PIPELINE_KEYS: dict[str, str] = {
    "definition": "path to the definition JSON, relative to the stack folder, or s3://bucket/key",
    "trigger": "scheduler (default) or rule",
    "flexibleWindowMinutes": "Scheduler flexible time window, default off",
    "startDate": "first instant the schedule may fire (Scheduler only)",
    "endDate": "last instant the schedule may fire (Scheduler only)",
    "scheduleGroup": "EventBridge Scheduler schedule group, default `default`",
    "retryAttempts": "retries of a failed start, default 3",
    "maxEventAgeSeconds": "give up retrying after this many seconds, default 3600",
    "deadLetterQueue": "SQS dead-letter queue for failed starts, default true",
    "alarm": "CloudWatch alarms on failed starts, default true",
    "alarmActions": "ARNs notified when an alarm fires, default none",
    "parallelism": "max parallel steps per execution, default SageMaker's",
    "displayName": "pipeline display name, default the name",
    "executionRoleArn": "existing SageMaker execution role to use instead of creating one",
    "permissions": "Allow statements of the created execution role",
    "passRoles": "role ARNs the execution role may pass to SageMaker",
}
STATEMENT_KEYS = ("sid", "actions", "resources")
SCHEDULER_ONLY_KEYS = ("timezone", "flexibleWindowMinutes", "startDate", "endDate", "scheduleGroup")


@dataclass(frozen=True)
class S3Location:
    bucket: str
    key: str


@dataclass(frozen=True)
class PipelineDefinition:
    """Where the definition comes from; `body` is the JSON text when it is a file in the repo."""

    source: str
    body: str | None = None
    s3: S3Location | None = None
    # (Name, Type) of each declared parameter; None when the body is not readable here (S3).
    declared_parameters: tuple[tuple[str, str], ...] | None = None
    placeholders: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PermissionStatement:
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    sid: str | None = None


@dataclass(frozen=True)
class ExecutionRoleConfig:
    """`arn` set: use that role, create nothing. Otherwise create a role with `statements`."""

    arn: str | None = None
    statements: tuple[PermissionStatement, ...] = ()
    pass_roles: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class PipelineConfig(PipelineBase):
    """One `cloud: aws` entry: the shared fields (PipelineBase) and the AWS ones."""

    definition: PipelineDefinition
    trigger: TriggerKind = "scheduler"
    """EventBridge Scheduler (time zones, windows, dates, at()) or a classic rule (UTC only)."""
    flexible_window_minutes: int | None = None
    """None: flexible time window off."""
    start_date: datetime | None = None
    end_date: datetime | None = None
    schedule_group: str = "default"
    retry_attempts: int = 3
    max_event_age_seconds: int = 3_600
    dead_letter_queue: bool = True
    alarm: bool = True
    alarm_actions: tuple[str, ...] = ()
    parallelism: int | None = None
    """None: SageMaker's default parallelism."""
    display_name: str | None = None
    execution_role: ExecutionRoleConfig = field(default_factory=ExecutionRoleConfig)


def check_name(name: str) -> str | None:
    if not PIPELINE_NAME_PATTERN.match(name):
        return (
            f"{name!r} is not a valid SageMaker pipeline name; use letters, digits and hyphens, "
            "starting and ending with a letter or digit"
        )
    if len(name) > MAX_PIPELINE_NAME_LENGTH:
        return (
            f"is {len(name)} characters; mlsched allows {MAX_PIPELINE_NAME_LENGTH} so the "
            "auto-named schedule and IAM roles stay within AWS's 64-character limit. Shorten it"
        )
    return None


def check_tag(key: str, value: str) -> str | None:
    # https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html
    if not 1 <= len(key) <= 128 or key.lower().startswith("aws:"):
        return "tag keys are 1-128 characters and may not start with aws:"
    if len(value) > 256:
        return "tag values are at most 256 characters"
    return None


def validate(entry: PipelineEntry, ctx: IssueContext) -> PipelineConfig | None:
    raw = entry.raw
    trigger = raw.get("trigger", "scheduler")
    if trigger not in ("scheduler", "rule"):
        ctx.add("trigger", f"{trigger!r} is not a trigger; use `scheduler` (default) or `rule`")
        trigger = "scheduler"
    if trigger == "rule":
        for key in SCHEDULER_ONLY_KEYS:
            if raw.get(key) is not None:
                ctx.add(
                    key,
                    "is only supported by EventBridge Scheduler; EventBridge rules run in UTC "
                    "with no window or dates. Remove it, or drop `trigger: rule` to use Scheduler",
                )

    start = get_date(raw, "startDate", ctx)
    end = get_date(raw, "endDate", ctx)
    if start and end and end <= start:
        ctx.add("endDate", f"{iso(end)} is not after startDate {iso(start)}; swap or fix them")
        start = end = None
    schedule = _schedule(entry, ctx, trigger, start=start, end=end)
    definition = _definition(entry, ctx)
    parameters = _parameters(entry, ctx, trigger, definition)
    window = get_int(raw, "flexibleWindowMinutes", ctx, None, FLEXIBLE_WINDOW_RANGE, provider="AWS")
    group = raw.get("scheduleGroup", "default")
    if not isinstance(group, str) or not SCHEDULE_GROUP_PATTERN.match(group):
        ctx.add("scheduleGroup", "must be 1-64 letters, digits, `-`, `_` or `.`")
    role = _execution_role(raw, ctx)
    alarm_actions = get_string_list(raw, "alarmActions", ctx)
    for arn in alarm_actions:
        if not ALARM_ACTION_PATTERN.match(arn):
            ctx.add("alarmActions", f"{arn!r} is not an ARN; use e.g. an SNS topic ARN")
    description = entry.shared.description
    if description is not None and len(description) > MAX_DESCRIPTION_CHARS:
        ctx.add("description", f"must be a string of at most {MAX_DESCRIPTION_CHARS} characters")

    fields = {
        "retry_attempts": get_int(
            raw, "retryAttempts", ctx, 3, RETRY_ATTEMPTS_RANGE, provider="AWS"
        ),
        "max_event_age_seconds": get_int(
            raw, "maxEventAgeSeconds", ctx, 3_600, EVENT_AGE_RANGE, provider="AWS"
        ),
        "dead_letter_queue": get_bool(raw, "deadLetterQueue", ctx, True),
        "alarm": get_bool(raw, "alarm", ctx, True),
        # SageMaker documents only the minimum; the API field is a 32-bit integer.
        "parallelism": get_int(raw, "parallelism", ctx, None, (1, 2**31 - 1), provider="AWS"),
        "display_name": get_str(raw, "displayName", ctx, 256),
    }
    if schedule is None or definition is None:
        return None
    return PipelineConfig(
        **{**entry.shared.fields(), "parameters": parameters},
        schedule=schedule,
        definition=definition,
        trigger=trigger,
        flexible_window_minutes=window,
        start_date=start,
        end_date=end,
        schedule_group=group if isinstance(group, str) else "default",
        alarm_actions=alarm_actions,
        execution_role=role,
        **fields,
    )


def _schedule(
    entry: PipelineEntry,
    ctx: IssueContext,
    trigger: str,
    *,
    start: datetime | None,
    end: datetime | None,
):
    expression = entry.raw.get("schedule")
    if expression in (None, ""):
        return None  # the core reported it
    if not isinstance(expression, str) or not expression.strip():
        ctx.add("schedule", f"must be a string such as cron(0 12 * * ? *), got {expression!r}")
        return None
    timezone = entry.raw.get("timezone")
    schedule = parse_schedule_key(
        entry,
        ctx,
        dialect="aws",
        timezone=timezone if trigger == "scheduler" else None,
        start=start,
        end=end,
    )
    if schedule is not None and trigger == "rule" and schedule.kind == "at":
        ctx.add(
            "schedule",
            "one-time at() schedules need EventBridge Scheduler; drop `trigger: rule`",
        )
        return None
    return schedule


def _definition(entry: PipelineEntry, ctx: IssueContext) -> PipelineDefinition | None:
    source = entry.raw.get("definition")
    if not isinstance(source, str) or not source.strip():
        ctx.add(
            "definition",
            "is required; give a JSON file path relative to the stack folder "
            "(e.g. ../../pipelines/churn-training.json) or s3://bucket/key",
        )
        return None
    if source.startswith("s3://"):
        match = S3_URI_PATTERN.match(source)
        if not match:
            ctx.add("definition", f"{source!r} is not an s3://bucket/key location")
            return None
        return PipelineDefinition(source=source, s3=S3Location(match["bucket"], match["key"]))
    path = (entry.base_dir / source).resolve()
    if not path.is_file():
        ctx.add(
            "definition",
            f"file {source} not found (looked at {path}); paths are relative to the stack "
            "folder. Fix the path or add the file",
        )
        return None
    body = path.read_text(encoding="utf-8")
    if len(body) > MAX_DEFINITION_BODY_CHARS:
        ctx.add(
            "definition",
            f"{source} is {len(body)} characters; SageMaker accepts at most "
            f"{MAX_DEFINITION_BODY_CHARS} inline. Upload it to S3 and use s3://bucket/key",
        )
        return None
    try:
        document = json.loads(body)
    except json.JSONDecodeError as error:
        ctx.add(
            "definition",
            f"{source} is not valid JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg}); fix the file",
        )
        return None
    return _check_document(document, body, source, ctx)


def _check_document(
    document: Any, body: str, source: str, ctx: IssueContext
) -> PipelineDefinition | None:
    if not isinstance(document, dict):
        ctx.add("definition", f"{source} must hold a JSON object with Version, Parameters, Steps")
        return None
    ok = True
    version = document.get("Version")
    if version != DEFINITION_VERSION:
        ctx.add(
            "definition",
            f"{source} has Version {version!r}; SageMaker pipeline definitions must say "
            f'"Version": "{DEFINITION_VERSION}"',
        )
        ok = False
    declared: list[tuple[str, str]] = []
    parameters = document.get("Parameters")
    if not isinstance(parameters, list):
        ctx.add(
            "definition",
            f'{source} has no "Parameters" list; add "Parameters": [] (or the parameters '
            "the steps use)",
        )
        ok = False
    else:
        for entry in parameters:
            if not isinstance(entry, dict) or not isinstance(entry.get("Name"), str):
                ctx.add("definition", f"{source}: every Parameters entry needs a string Name")
                ok = False
                continue
            if entry.get("Type", "String") not in PARAMETER_TYPES:
                ctx.add(
                    "definition",
                    f"{source}: parameter {entry['Name']!r} has Type {entry.get('Type')!r}; "
                    f"use one of {', '.join(PARAMETER_TYPES)}",
                )
                ok = False
            declared.append((entry["Name"], entry.get("Type", "String")))
    steps = document.get("Steps")
    if not isinstance(steps, list) or not steps:
        ctx.add("definition", f'{source} has no "Steps"; a pipeline needs at least one step')
        ok = False
    placeholders = frozenset(PLACEHOLDER_PATTERN.findall(body))
    unknown = sorted(placeholders - set(SUBSTITUTIONS))
    if unknown:
        ctx.add(
            "definition",
            f"{source} uses unknown placeholder(s) {', '.join('${' + u + '}' for u in unknown)}; "
            f"the available ones are {', '.join('${' + s + '}' for s in SUBSTITUTIONS)}",
        )
        ok = False
    if not ok:
        return None
    return PipelineDefinition(
        source=source,
        body=body,
        declared_parameters=tuple(declared),
        placeholders=placeholders,
    )


def _parameters(
    entry: PipelineEntry, ctx: IssueContext, trigger: str, definition: PipelineDefinition | None
) -> tuple[tuple[str, str], ...]:
    values = entry.shared.parameters
    if len(values) > MAX_PARAMETERS:
        ctx.add(
            "parameters",
            f"has {len(values)} entries; EventBridge passes at most {MAX_PARAMETERS}",
        )
    declared_types: dict[str, str] | None = None
    if definition is not None and definition.declared_parameters is not None:
        declared_types = dict(definition.declared_parameters)
    pattern = SCHEDULER_PARAMETER_NAME if trigger == "scheduler" else RULE_PARAMETER_NAME
    for name, text in values:
        key = f"parameters.{name}"
        if len(name) > MAX_PARAMETER_NAME_LENGTH or not pattern.match(name):
            allowed = (
                "letters, digits, `-` and `_`"
                if trigger == "scheduler"
                else "letters, digits and `-`, starting and ending with a letter or digit"
            )
            ctx.add(
                key,
                f"is not a valid EventBridge {trigger} parameter name; use 1-256 of {allowed}",
            )
        minimum = 1 if trigger == "scheduler" else 0
        if not minimum <= len(text) <= MAX_PARAMETER_VALUE_LENGTH:
            ctx.add(
                key,
                f"value is {len(text)} characters; EventBridge {trigger} accepts "
                f"{minimum}-{MAX_PARAMETER_VALUE_LENGTH}",
            )
        if declared_types is not None:
            _check_declared(name, text, declared_types, ctx, key)
    return values


def _check_declared(
    name: str, text: str, declared: dict[str, str], ctx: IssueContext, key: str
) -> None:
    if name not in declared:
        close = difflib.get_close_matches(name, list(declared), n=1, cutoff=0.6)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        ctx.add(
            key,
            "is not declared in the definition's Parameters, so SageMaker would reject every "
            f"execution.{hint} Declared: {', '.join(declared) or 'none'}",
        )
        return
    kind = declared[name]
    valid = True
    if kind == "Integer":
        valid = re.fullmatch(r"-?\d+", text) is not None
    elif kind == "Float":
        valid = re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", text) is not None
    elif kind == "Boolean":
        valid = text in ("true", "false")
    if not valid:
        ctx.add(key, f"value {text!r} is not a valid {kind}, the type the definition declares")


def _execution_role(raw: Any, ctx: IssueContext) -> ExecutionRoleConfig:
    arn = raw.get("executionRoleArn")
    statements = raw.get("permissions")
    pass_roles = get_string_list(raw, "passRoles", ctx)
    for role in pass_roles:
        if _arn_placeholders_ok(role, "passRoles", ctx) and (
            not ROLE_ARN_PATTERN.match(_with_samples(role)) or "*" in role
        ):
            ctx.add("passRoles", f"{role!r} is not an IAM role ARN (no wildcards); name the role")
    if arn is not None:
        if not isinstance(arn, str) or not ROLE_ARN_PATTERN.match(arn):
            ctx.add(
                "executionRoleArn",
                f"{arn!r} is not an IAM role ARN like arn:aws:iam::123456789012:role/name",
            )
        if statements is not None or pass_roles:
            ctx.add(
                "executionRoleArn",
                "an existing role cannot be combined with `permissions` or `passRoles`; "
                "manage that role's policies where it is defined, or drop executionRoleArn",
            )
        return ExecutionRoleConfig(arn=arn if isinstance(arn, str) else None)
    if statements is None:
        return ExecutionRoleConfig(pass_roles=pass_roles)
    if not isinstance(statements, list):
        ctx.add("permissions", "must be a list of {actions: [...], resources: [...]} statements")
        return ExecutionRoleConfig(pass_roles=pass_roles)
    parsed = [_statement(s, i, ctx) for i, s in enumerate(statements)]
    return ExecutionRoleConfig(
        statements=tuple(s for s in parsed if s is not None), pass_roles=pass_roles
    )


def _statement(raw: Any, index: int, ctx: IssueContext) -> PermissionStatement | None:
    key = f"permissions[{index}]"
    if not isinstance(raw, dict):
        ctx.add(key, "must be an object with `actions` and `resources`")
        return None
    for extra in raw:
        if extra not in STATEMENT_KEYS:
            close = difflib.get_close_matches(str(extra), STATEMENT_KEYS, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else "remove it"
            ctx.add(f"{key}.{extra}", f"unknown key; {hint}")
    actions = raw.get("actions")
    resources = raw.get("resources")
    good = True
    if not is_str_list(actions) or not actions:
        ctx.add(f"{key}.actions", "must be a non-empty list of actions like s3:GetObject")
        good = False
    else:
        for action in actions:
            if not IAM_ACTION_PATTERN.match(action) or action.split(":")[1] == "*":
                ctx.add(
                    f"{key}.actions",
                    f"{action!r} is not a least-privilege action; name the actions "
                    "(service:Action) instead of a whole service or `*`",
                )
                good = False
            if action.lower() == "iam:passrole":
                ctx.add(
                    f"{key}.actions",
                    "grant iam:PassRole through `passRoles` so it is limited to SageMaker",
                )
                good = False
    if not is_str_list(resources) or not resources:
        ctx.add(f"{key}.resources", "must be a non-empty list of ARNs")
        good = False
    else:
        for resource in resources:
            good = _arn_placeholders_ok(resource, f"{key}.resources", ctx) and good
    sid = raw.get("sid")
    if sid is not None and (not isinstance(sid, str) or not sid.isalnum()):
        ctx.add(f"{key}.sid", "must be alphanumeric")
        good = False
    if not good:
        return None
    return PermissionStatement(actions=tuple(actions), resources=tuple(resources), sid=sid)


def _arn_placeholders_ok(text: str, key: str, ctx: IssueContext) -> bool:
    unknown = sorted(set(PLACEHOLDER_PATTERN.findall(text)) - set(ARN_SUBSTITUTIONS))
    if unknown:
        ctx.add(
            key,
            f"{text!r} uses unknown placeholder(s) {', '.join('${' + u + '}' for u in unknown)}; "
            f"use {', '.join('${' + s + '}' for s in ARN_SUBSTITUTIONS)}",
        )
        return False
    return True


def _with_samples(text: str) -> str:
    return PLACEHOLDER_PATTERN.sub(lambda m: _SAMPLE_VALUES[m.group(1)], text)


VALIDATOR = CloudValidator(
    keys=PIPELINE_KEYS,
    validate=validate,
    check_name=check_name,
    check_tag=check_tag,
    schedule_example="cron(0 12 * * ? *)",
)
