"""The `mlsched:*` config contract: raw stack config -> frozen, validated dataclasses.

Pure Python (no Pulumi, no cloud calls), so every mistake is reported before anything is
previewed: all problems of a stack at once, each naming the stack, the pipeline and the key, and
saying how to fix it.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from modules.schedule import Schedule, ScheduleError, analyze, parse_schedule

DEFINITION_VERSION = "2020-12-01"
# https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreatePipeline.html
PIPELINE_NAME_PATTERN = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$")
# SageMaker allows 256 characters, but child resources are auto-named
# `<name>-trigger-schedule-<7 hex>` (EventBridge Scheduler, 64 characters at most) and
# `<name>-execution-role-<7 hex>` (IAM, 64 characters at most).
MAX_PIPELINE_NAME_LENGTH = 39
MAX_DEFINITION_BODY_CHARS = 1_048_576
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

PIPELINE_KEYS: dict[str, str] = {
    "name": "pipeline name (required)",
    "definition": "path to the definition JSON, relative to the stack folder, or s3://bucket/key",
    "schedule": "cron(...), rate(...) or at(...) (required)",
    "timezone": "IANA time zone of the schedule (Scheduler only), default UTC",
    "trigger": "scheduler (default) or rule",
    "enabled": "whether the schedule fires, default true",
    "parameters": "pipeline parameters passed on every run, default none",
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
    "description": "pipeline description, default none",
    "displayName": "pipeline display name, default the name",
    "protect": "Pulumi protect on the pipeline, default false",
    "tags": "tags on every resource of the pipeline, default none",
    "executionRoleArn": "existing SageMaker execution role to use instead of creating one",
    "permissions": "Allow statements of the created execution role",
    "passRoles": "role ARNs the execution role may pass to SageMaker",
}
STATEMENT_KEYS = ("sid", "actions", "resources")


@dataclass(frozen=True)
class ConfigIssue:
    stack: str
    pipeline: str | None
    key: str
    problem: str

    def __str__(self) -> str:
        where = f"stack {self.stack!r}"
        if self.pipeline is not None:
            where += f", pipeline {self.pipeline!r}"
        return f"{where}, key {self.key!r}: {self.problem}"


class ConfigError(ValueError):
    """Invalid stack config; `issues` lists every problem found, the message shows them all."""

    def __init__(self, issues: Sequence[ConfigIssue] | str) -> None:
        if isinstance(issues, str):
            self.issues: tuple[ConfigIssue, ...] = ()
            super().__init__(issues)
            return
        self.issues = tuple(issues)
        count = len(self.issues)
        lines = [f"{count} configuration error{'s' if count != 1 else ''}:"]
        lines += [f"  - {issue}" for issue in self.issues]
        super().__init__("\n".join(lines))


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


@dataclass(frozen=True)
class PipelineConfig:
    name: str
    definition: PipelineDefinition
    schedule: Schedule
    trigger: TriggerKind = "scheduler"
    enabled: bool = True
    parameters: tuple[tuple[str, str], ...] = ()
    flexible_window_minutes: int | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    schedule_group: str = "default"
    retry_attempts: int = 3
    max_event_age_seconds: int = 3_600
    dead_letter_queue: bool = True
    alarm: bool = True
    alarm_actions: tuple[str, ...] = ()
    parallelism: int | None = None
    description: str | None = None
    display_name: str | None = None
    protect: bool = False
    tags: tuple[tuple[str, str], ...] = ()
    execution_role: ExecutionRoleConfig = field(default_factory=ExecutionRoleConfig)


@dataclass(frozen=True)
class StackConfig:
    stack: str
    pipelines: tuple[PipelineConfig, ...]


def load_stack_config(
    raw_pipelines: Any,
    *,
    stack: str,
    base_dir: Path,
    reference: datetime,
    stack_tags: Mapping[str, Any] | None = None,
) -> StackConfig:
    """Validate `mlsched:pipelines` and return it as frozen dataclasses.

    `base_dir` is the stack folder (definition paths are relative to it); `reference` is the
    instant "never fires" is judged against (the stack passes now, tests a fixed time).
    Raises ConfigError listing every problem.
    """
    issues: list[ConfigIssue] = []
    if raw_pipelines is None:
        raw_pipelines = []
    if not isinstance(raw_pipelines, list):
        raise ConfigError(
            [
                ConfigIssue(
                    stack,
                    None,
                    "mlsched:pipelines",
                    f"expected a list of pipeline objects, got {type(raw_pipelines).__name__}; "
                    "write `mlsched:pipelines:` followed by `- name: ...` entries",
                )
            ]
        )
    common_tags = _tags(stack_tags or {}, _Ctx(stack, None, issues), "mlsched:tags")
    pipelines: list[PipelineConfig] = []
    seen: dict[str, str] = {}
    for index, raw in enumerate(raw_pipelines):
        label = raw.get("name") if isinstance(raw, dict) else None
        ctx = _Ctx(stack, label if isinstance(label, str) else f"#{index + 1}", issues)
        if not isinstance(raw, dict):
            ctx.add("mlsched:pipelines", "each entry must be an object with `name`, ...")
            continue
        before = len(issues)
        pipeline = _pipeline(raw, ctx, base_dir, reference, common_tags)
        if pipeline is None or len(issues) != before:
            continue
        folded = pipeline.name.lower()
        if folded in seen:
            ctx.add(
                "name",
                f"duplicates pipeline {seen[folded]!r} (SageMaker ARNs are lowercase, so names "
                "differing only in case collide); give each pipeline a unique name",
            )
            continue
        seen[folded] = pipeline.name
        pipelines.append(pipeline)
    if issues:
        raise ConfigError(issues)
    return StackConfig(stack=stack, pipelines=tuple(pipelines))


@dataclass
class _Ctx:
    stack: str
    pipeline: str | None
    issues: list[ConfigIssue]

    def add(self, key: str, problem: str) -> None:
        self.issues.append(ConfigIssue(self.stack, self.pipeline, key, problem))


def _pipeline(
    raw: dict[str, Any],
    ctx: _Ctx,
    base_dir: Path,
    reference: datetime,
    common_tags: tuple[tuple[str, str], ...],
) -> PipelineConfig | None:
    for key in raw:
        if key not in PIPELINE_KEYS:
            close = difflib.get_close_matches(str(key), list(PIPELINE_KEYS), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else "remove it"
            ctx.add(str(key), f"unknown key; {hint} Known keys: {', '.join(PIPELINE_KEYS)}")

    name = _name(raw, ctx)
    trigger = raw.get("trigger", "scheduler")
    if trigger not in ("scheduler", "rule"):
        ctx.add("trigger", f"{trigger!r} is not a trigger; use `scheduler` (default) or `rule`")
        trigger = "scheduler"
    scheduler_only = [
        k
        for k in ("timezone", "flexibleWindowMinutes", "startDate", "endDate", "scheduleGroup")
        if raw.get(k) is not None
    ]
    if trigger == "rule":
        for key in scheduler_only:
            ctx.add(
                key,
                "is only supported by EventBridge Scheduler; EventBridge rules run in UTC with "
                "no window or dates. Remove it, or drop `trigger: rule` to use Scheduler",
            )

    start = _date(raw, "startDate", ctx)
    end = _date(raw, "endDate", ctx)
    if start and end and end <= start:
        ctx.add("endDate", f"{_iso(end)} is not after startDate {_iso(start)}; swap or fix them")
        start = end = None
    schedule = _schedule(raw, ctx, trigger, reference, start=start, end=end)
    definition = _definition(raw, ctx, base_dir)
    parameters = _parameters(raw, ctx, trigger, definition)
    window = _int(raw, "flexibleWindowMinutes", ctx, None, FLEXIBLE_WINDOW_RANGE)
    group = raw.get("scheduleGroup", "default")
    if not isinstance(group, str) or not SCHEDULE_GROUP_PATTERN.match(group):
        ctx.add("scheduleGroup", "must be 1-64 letters, digits, `-`, `_` or `.`")
    role = _execution_role(raw, ctx)
    alarm_actions = _string_list(raw, "alarmActions", ctx)
    for arn in alarm_actions:
        if not ALARM_ACTION_PATTERN.match(arn):
            ctx.add("alarmActions", f"{arn!r} is not an ARN; use e.g. an SNS topic ARN")
    tags = dict(common_tags)
    tags.update(_tags(raw.get("tags") or {}, ctx, "tags"))

    fields = {
        "enabled": _bool(raw, "enabled", ctx, True),
        "retry_attempts": _int(raw, "retryAttempts", ctx, 3, RETRY_ATTEMPTS_RANGE),
        "max_event_age_seconds": _int(raw, "maxEventAgeSeconds", ctx, 3_600, EVENT_AGE_RANGE),
        "dead_letter_queue": _bool(raw, "deadLetterQueue", ctx, True),
        "alarm": _bool(raw, "alarm", ctx, True),
        # SageMaker documents only the minimum; the API field is a 32-bit integer.
        "parallelism": _int(raw, "parallelism", ctx, None, (1, 2**31 - 1)),
        "description": _optional_str(raw, "description", ctx, 3_072),
        "display_name": _optional_str(raw, "displayName", ctx, 256),
        "protect": _bool(raw, "protect", ctx, False),
    }
    if name is None or schedule is None or definition is None:
        return None
    return PipelineConfig(
        name=name,
        definition=definition,
        schedule=schedule,
        trigger=trigger,
        parameters=parameters,
        flexible_window_minutes=window,
        start_date=start,
        end_date=end,
        schedule_group=group if isinstance(group, str) else "default",
        alarm_actions=alarm_actions,
        tags=tuple(sorted(tags.items())),
        execution_role=role,
        **fields,
    )


def _name(raw: dict[str, Any], ctx: _Ctx) -> str | None:
    name = raw.get("name")
    if name is None:
        ctx.add("name", "is required; add `name: <pipeline-name>`")
        return None
    if not isinstance(name, str) or not PIPELINE_NAME_PATTERN.match(name):
        ctx.add(
            "name",
            f"{name!r} is not a valid SageMaker pipeline name; use letters, digits and hyphens, "
            "starting and ending with a letter or digit",
        )
        return None
    if len(name) > MAX_PIPELINE_NAME_LENGTH:
        ctx.add(
            "name",
            f"is {len(name)} characters; mlsched allows {MAX_PIPELINE_NAME_LENGTH} so the "
            "auto-named schedule and IAM roles stay within AWS's 64-character limit. Shorten it",
        )
        return None
    return name


def _schedule(
    raw: dict[str, Any],
    ctx: _Ctx,
    trigger: str,
    reference: datetime,
    *,
    start: datetime | None,
    end: datetime | None,
) -> Schedule | None:
    expression = raw.get("schedule")
    if not isinstance(expression, str) or not expression.strip():
        ctx.add("schedule", "is required; add e.g. `schedule: cron(0 12 * * ? *)`")
        return None
    timezone = raw.get("timezone")
    if timezone is not None and not isinstance(timezone, str):
        ctx.add("timezone", "must be an IANA time zone name such as Europe/Berlin")
        return None
    try:
        schedule = parse_schedule(expression, timezone if trigger == "scheduler" else None)
    except ScheduleError as error:
        key = "timezone" if error.field == "timezone" else "schedule"
        ctx.add(key, str(error))
        return None
    if trigger == "rule" and schedule.kind == "at":
        ctx.add(
            "schedule",
            "one-time at() schedules need EventBridge Scheduler; drop `trigger: rule`",
        )
        return None
    try:
        analysis = analyze(schedule, reference=reference, count=1, start=start, end=end)
    except ScheduleError as error:
        ctx.add("schedule", str(error))
        return None
    if analysis.never_fires:
        window = ""
        if start or end:
            window = f" between {_iso(start) if start else '-'} and {_iso(end) if end else '-'}"
        ctx.add(
            "schedule",
            f"{expression} never fires after {_iso(reference)}{window}; pick a future time "
            "or widen startDate/endDate",
        )
        return None
    return schedule


def _definition(raw: dict[str, Any], ctx: _Ctx, base_dir: Path) -> PipelineDefinition | None:
    source = raw.get("definition")
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
    path = (base_dir / source).resolve()
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


def _check_document(document: Any, body: str, source: str, ctx: _Ctx) -> PipelineDefinition | None:
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
    raw: dict[str, Any], ctx: _Ctx, trigger: str, definition: PipelineDefinition | None
) -> tuple[tuple[str, str], ...]:
    values = raw.get("parameters") or {}
    if not isinstance(values, dict):
        ctx.add("parameters", "must be a map of parameter name to value")
        return ()
    if len(values) > MAX_PARAMETERS:
        ctx.add(
            "parameters",
            f"has {len(values)} entries; EventBridge passes at most {MAX_PARAMETERS}",
        )
    declared_types: dict[str, str] | None = None
    if definition is not None and definition.declared_parameters is not None:
        declared_types = dict(definition.declared_parameters)
    result: list[tuple[str, str]] = []
    pattern = SCHEDULER_PARAMETER_NAME if trigger == "scheduler" else RULE_PARAMETER_NAME
    for name, value in values.items():
        key = f"parameters.{name}"
        text = _parameter_text(value)
        if text is None:
            ctx.add(key, "must be a string, number or boolean")
            continue
        if len(str(name)) > MAX_PARAMETER_NAME_LENGTH or not pattern.match(str(name)):
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
            _check_declared(str(name), text, declared_types, ctx, key)
        result.append((str(name), text))
    return tuple(result)


def _check_declared(name: str, text: str, declared: dict[str, str], ctx: _Ctx, key: str) -> None:
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


def _parameter_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def _execution_role(raw: dict[str, Any], ctx: _Ctx) -> ExecutionRoleConfig:
    arn = raw.get("executionRoleArn")
    statements = raw.get("permissions")
    pass_roles = _string_list(raw, "passRoles", ctx)
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


def _statement(raw: Any, index: int, ctx: _Ctx) -> PermissionStatement | None:
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
    if not _is_str_list(actions) or not actions:
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
    if not _is_str_list(resources) or not resources:
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


def _arn_placeholders_ok(text: str, key: str, ctx: _Ctx) -> bool:
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


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v for v in value)


def _string_list(raw: dict[str, Any], key: str, ctx: _Ctx) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None:
        return ()
    if not _is_str_list(value):
        ctx.add(key, "must be a list of strings")
        return ()
    return tuple(value)


def _tags(raw: Any, ctx: _Ctx, key: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, dict):
        ctx.add(key, "must be a map of tag key to value")
        return ()
    tags = []
    for tag, value in raw.items():
        if not isinstance(tag, str) or not 1 <= len(tag) <= 128 or tag.lower().startswith("aws:"):
            ctx.add(f"{key}.{tag}", "tag keys are 1-128 characters and may not start with aws:")
            continue
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            ctx.add(f"{key}.{tag}", "tag values must be strings")
            continue
        if len(str(value)) > 256:
            ctx.add(f"{key}.{tag}", "tag values are at most 256 characters")
            continue
        tags.append((tag, str(value)))
    return tuple(tags)


def _bool(raw: dict[str, Any], key: str, ctx: _Ctx, default: bool) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        ctx.add(key, f"must be true or false, got {value!r}")
        return default
    return value


def _int(
    raw: dict[str, Any], key: str, ctx: _Ctx, default: int | None, bounds: tuple[int, int]
) -> int | None:
    value = raw.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        ctx.add(key, f"must be a whole number between {bounds[0]} and {bounds[1]}")
        return default
    if not bounds[0] <= value <= bounds[1]:
        ctx.add(key, f"{value} is outside the range AWS accepts, {bounds[0]}-{bounds[1]}")
        return default
    return value


def _optional_str(raw: dict[str, Any], key: str, ctx: _Ctx, limit: int) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        ctx.add(key, f"must be a string of at most {limit} characters")
        return None
    return value


def _date(raw: dict[str, Any], key: str, ctx: _Ctx) -> datetime | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            ctx.add(key, f"{value!r} is not an ISO 8601 date-time like 2026-01-01T00:00:00Z")
            return None
    else:
        ctx.add(key, "must be an ISO 8601 date-time string like 2026-01-01T00:00:00Z")
        return None
    if parsed.tzinfo is None:
        ctx.add(key, f"{value!r} has no UTC offset; add Z or +hh:mm so the instant is unambiguous")
        return None
    return parsed


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
