"""AWS pipeline entries (`cloud: aws`, the default): SageMaker pipelines started by EventBridge.

The AWS half of the config contract (the shared half and the plug-in contract are in
`modules.config`). Pure validation: no Pulumi SDK, no AWS call. Exports `VALIDATOR`.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from modules.aws import iam_semantics as iam
from modules.aws import limits
from modules.aws.definition import (
    DefinitionReadError,
    check_definition,
    parameter_value_problem,
    read_definition,
)
from modules.aws.role_policy import PASS_ROLE_SID, default_sid, permissions_policy
from modules.config import (
    CloudValidator,
    IssueContext,
    PipelineBase,
    PipelineEntry,
    get_bool,
    get_date,
    get_string_list,
    is_str_list,
    iso,
    parse_schedule_key,
    refuse_when_off,
)

# SageMaker allows 256 characters, but child resources are auto-named
# `<name>-trigger-schedule-<7 hex>` (EventBridge Scheduler, 64 characters at most) and
# `<name>-execution-role-<7 hex>` (IAM, 64 characters at most).
MAX_PIPELINE_NAME_LENGTH = 39
PLACEHOLDER_PATTERN = re.compile(r"\$\{([^}]*)\}")
# Values the SageMakerPipeline component substitutes into a definition body, so one definition
# file serves every account and region.
SUBSTITUTIONS = ("ExecutionRoleArn", "AccountId", "Region", "Partition")
# Placeholders allowed in `permissions` resources and `passRoles`, so one config line serves
# every account; the PipelineExecutionRole component fills them in.
ARN_SUBSTITUTIONS = ("AccountId", "Region", "Partition")
_SAMPLE_VALUES = {"AccountId": "123456789012", "Region": "us-east-1", "Partition": "aws"}
# mlsched adds `mlsched:pipeline` to every resource's tags (modules/aws/scheduled_pipeline.py).
MLSCHED_TAGS = 1
# `arn:partition:service:region:account:resource`
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html); ASCII only.
ARN_SYNTAX = re.compile(
    r"arn:(?P<partition>[a-z0-9-]+):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):"
    r"(?P<account>[0-9]{12}|aws|)?:(?P<resource>[\x21-\x7e]+)",
    re.ASCII,
)

TriggerKind = Literal["scheduler", "rule"]
# Tag on the SageMaker pipeline carrying `expectedDuration` (canonical minutes, e.g. `90m`), the
# contract with policies/carriers/aws.py: the timing policies read it there.
EXPECTED_DURATION_TAG = "mlsched:expectedDuration"

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
    checked: bool = True
    """False: the definition lives in S3 and could not be checked offline."""
    parameter_uses: Mapping[str, tuple[limits.Limit, ...]] = field(default_factory=dict)
    """Parameter name -> the SageMaker API fields its run value lands in."""


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
    problem = limits.limit("sagemaker", "CreatePipeline", "PipelineName").problem(name)
    if problem is not None:
        return (
            f"{problem}; a SageMaker pipeline name is letters, digits and hyphens, starting and "
            "ending with a letter or digit"
        )
    if len(name) > MAX_PIPELINE_NAME_LENGTH:
        return (
            f"is {len(name)} characters; mlsched allows {MAX_PIPELINE_NAME_LENGTH} so the "
            "auto-named schedule and IAM roles stay within AWS's 64-character limit. Shorten it"
        )
    return None


# Every resource of a pipeline carries its tags: the IAM roles, the SageMaker pipeline, the
# EventBridge rule, the SQS queue and the CloudWatch alarms; a tag must pass all of them.
_TAGGED = (
    ("iam", "CreateRole", "Tags"),
    ("sagemaker", "CreatePipeline", "Tags"),
    ("events", "PutRule", "Tags"),
    ("cloudwatch", "PutMetricAlarm", "Tags"),
)


def check_tag(key: str, value: str) -> str | None:
    # https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html
    if key.lower().startswith("aws:"):
        return "tag keys may not start with aws: (reserved for AWS)"
    for service, operation, member in _TAGGED:
        for part, text in (("Key", key), ("Value", value)):
            problem = limits.limit(service, operation, f"{member}[].{part}").problem(text)
            if problem is not None:
                return problem
    return None


def _check_tag_count(entry: PipelineEntry, ctx: IssueContext) -> None:
    # The SageMaker pipeline also carries the expected-duration tag when one is set.
    base = len(entry.shared.tags) + MLSCHED_TAGS
    for service, operation, member in _TAGGED:
        count = base + (service == "sagemaker" and entry.shared.expected_duration is not None)
        found = limits.limit(service, operation, member)
        if found.max is not None and count > found.max:
            ctx.add(
                "tags",
                f"{count} tags with mlsched's own (`mlsched:pipeline`, and the expected "
                f"duration when set); {found.field} accepts at "
                f"most {found.max}. Drop {count - int(found.max)}",
            )
            return


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
    if schedule is not None:
        start, end = _dates_to_send(schedule, start, end, entry.reference, ctx)
    definition = _definition(entry, ctx)
    parameters = _parameters(entry, ctx, trigger, definition)
    create = "CreateSchedule"
    window = _model_int(
        raw,
        "flexibleWindowMinutes",
        ctx,
        None,
        ("scheduler", create, "FlexibleTimeWindow.MaximumWindowInMinutes"),
    )
    group = raw.get("scheduleGroup", "default")
    problem = limits.limit("scheduler", create, "GroupName").problem(group)
    if problem is not None:
        ctx.add("scheduleGroup", problem)
    role = _execution_role(raw, ctx, definition)
    alarm_actions = _alarm_actions(raw, ctx)
    refuse_when_off(raw, ctx, "alarm", ("alarmActions",))
    _description(entry, ctx, trigger)
    _check_tag_count(entry, ctx)
    display_name = raw.get("displayName")
    if display_name is not None:
        problem = limits.limit("sagemaker", "CreatePipeline", "PipelineDisplayName").problem(
            display_name
        )
        if problem is not None:
            ctx.add("displayName", problem)
            display_name = None

    retry = (
        ("scheduler", create, "Target.RetryPolicy")
        if trigger == "scheduler"
        else ("events", "PutTargets", "Targets[].RetryPolicy")
    )
    fields = {
        "retry_attempts": _model_int(
            raw, "retryAttempts", ctx, 3, (*retry[:2], f"{retry[2]}.MaximumRetryAttempts")
        ),
        "max_event_age_seconds": _model_int(
            raw,
            "maxEventAgeSeconds",
            ctx,
            3_600,
            (*retry[:2], f"{retry[2]}.MaximumEventAgeInSeconds"),
        ),
        "dead_letter_queue": get_bool(raw, "deadLetterQueue", ctx, True),
        "alarm": get_bool(raw, "alarm", ctx, True),
        "parallelism": _model_int(
            raw,
            "parallelism",
            ctx,
            None,
            ("sagemaker", "CreatePipeline", "ParallelismConfiguration.MaxParallelExecutionSteps"),
        ),
        "display_name": display_name,
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


def _model_int(
    raw: Any, key: str, ctx: IssueContext, default: int | None, where: tuple[str, str, str]
) -> int | None:
    value = raw.get(key, default)
    if value is None:
        return None
    found = limits.limit(*where)
    problem = found.problem(value)
    if problem is None and found.type == "integer" and not -(2**31) <= value < 2**31:
        problem = f"{value} does not fit {found.field}, a 32-bit integer"
    if problem is not None:
        ctx.add(key, problem)
        return default
    return value


def _description(entry: PipelineEntry, ctx: IssueContext, trigger: str) -> None:
    description = entry.shared.description
    if description is None:
        return
    # The description goes to the pipeline and to the schedule or rule.
    checks = [limits.limit("sagemaker", "CreatePipeline", "PipelineDescription")]
    if trigger == "scheduler":
        checks.append(limits.limit("scheduler", "CreateSchedule", "Description"))
    else:
        checks.append(limits.limit("events", "PutRule", "Description"))
    problem = limits.strictest(checks)(description)
    if problem is None and any(not c.isprintable() for c in description):
        problem = "holds control characters or line breaks; write it on one line"
    if problem is not None:
        ctx.add("description", problem)


def _alarm_actions(raw: Any, ctx: IssueContext) -> tuple[str, ...]:
    actions = get_string_list(raw, "alarmActions", ctx)
    problem = limits.limit("cloudwatch", "PutMetricAlarm", "AlarmActions").problem(list(actions))
    if problem is not None:
        ctx.add("alarmActions", problem)
    member = limits.limit("cloudwatch", "PutMetricAlarm", "AlarmActions[]")
    for arn in actions:
        problem = member.problem(arn) or _arn_problem(arn)
        if problem is not None:
            ctx.add("alarmActions", f"{problem}; use e.g. an SNS topic ARN")
    return actions


def _arn_problem(text: str) -> str | None:
    match = ARN_SYNTAX.fullmatch(text)
    if not match:
        return f"{text!r} is not an ARN (arn:partition:service:region:account:resource)"
    if match["partition"] not in limits.partitions():
        return (
            f"{text!r} names partition {match['partition']!r}; AWS has "
            f"{', '.join(limits.partitions())}"
        )
    region = match["region"]
    if region and limits.partition_of(region) is None:
        return f"{text!r}: {limits.region_problem(region)}"
    return None


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
    api = (
        ("scheduler", "CreateSchedule", "ScheduleExpression")
        if trigger == "scheduler"
        else ("events", "PutRule", "ScheduleExpression")
    )
    problem = limits.limit(*api).problem(expression)
    if problem is not None:
        ctx.add("schedule", problem)
        return None
    timezone = entry.raw.get("timezone")
    if isinstance(timezone, str):
        problem = limits.limit("scheduler", "CreateSchedule", "ScheduleExpressionTimezone").problem(
            timezone
        )
        if problem is not None:
            ctx.add("timezone", problem)
            return None
    is_at = expression.strip().startswith("at(")
    schedule = parse_schedule_key(
        entry,
        ctx,
        dialect="aws",
        timezone=timezone if trigger == "scheduler" else None,
        # Scheduler ignores StartDate and EndDate for one-time schedules.
        start=None if is_at else start,
        end=None if is_at else end,
    )
    if schedule is not None and trigger == "rule" and schedule.kind == "at":
        ctx.add(
            "schedule",
            "one-time at() schedules need EventBridge Scheduler; drop `trigger: rule`",
        )
        return None
    return schedule


def _dates_to_send(
    schedule: Any,
    start: datetime | None,
    end: datetime | None,
    reference: datetime,
    ctx: IssueContext,
) -> tuple[datetime | None, datetime | None]:
    """The StartDate/EndDate the component sends.

    Scheduler ignores both for one-time at() schedules: warn and send neither. Scheduler refuses
    a StartDate earlier than five minutes ago on create *and on every update*
    (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html,
    API_UpdateSchedule.html), so a start date that has passed is not sent as written: a cron()
    schedule needs none any more (the past start no longer limits it); a rate() schedule is
    anchored at its start, so the next run instant on that anchor after `reference` is sent
    instead, which keeps the phase (it moves forward on each deploy; previews show it).
    """
    if schedule.kind == "at":
        for key, value in (("startDate", start), ("endDate", end)):
            if value is not None:
                ctx.warn(
                    key,
                    "is ignored by EventBridge Scheduler for one-time at() schedules; mlsched "
                    "does not send it. Remove it",
                )
        return None, None
    if start is None or start > reference:
        return start, end
    if schedule.kind == "rate":
        period = timedelta(seconds=schedule.spec.seconds)
        steps = -((start - reference) // period)
        anchored = start + steps * period
        ctx.warn(
            "startDate",
            f"{iso(start)} has passed; Scheduler refuses a StartDate in the past, so mlsched "
            f"sends {iso(anchored)}, the next run on the same rate anchor",
        )
        return anchored, end
    ctx.warn(
        "startDate",
        f"{iso(start)} has passed; Scheduler refuses a StartDate in the past, so mlsched sends "
        "none (the schedule is unchanged: it fires from now on). Remove it",
    )
    return None, end


def _definition(entry: PipelineEntry, ctx: IssueContext) -> PipelineDefinition | None:
    source = entry.raw.get("definition")
    if not isinstance(source, str) or not source.strip():
        ctx.add(
            "definition",
            "is required; give a JSON file path relative to the stack folder "
            "(e.g. ../../pipelines/churn-training.json) or s3://bucket/key",
        )
        return None
    if "://" in source:
        found = limits.s3_uri_problem(source)
        if isinstance(found, str):
            ctx.add("definition", found)
            return None
        ctx.warn(
            "definition",
            f"{source} lives in S3 and was not checked (steps, references and API arguments "
            "are only checked for definition files in the repository)",
        )
        return PipelineDefinition(source=source, s3=S3Location(*found), checked=False)
    try:
        body = read_definition(source, entry.base_dir)
    except DefinitionReadError as error:
        ctx.add("definition", str(error))
        return None
    report = check_definition(body)
    for problem in report.problems:
        joined = f"{source}: {problem}" if problem.step or problem.path else f"{source} {problem}"
        ctx.add("definition", joined)
    if report.problems:
        return None
    return PipelineDefinition(
        source=source,
        body=body,
        declared_parameters=report.parameters,
        placeholders=report.placeholders,
        parameter_uses=report.parameter_uses,
    )


def _parameters(
    entry: PipelineEntry, ctx: IssueContext, trigger: str, definition: PipelineDefinition | None
) -> tuple[tuple[str, str], ...]:
    values = entry.shared.parameters
    if trigger == "scheduler":
        where = (
            "scheduler",
            "CreateSchedule",
            "Target.SageMakerPipelineParameters.PipelineParameterList",
        )
    else:
        where = (
            "events",
            "PutTargets",
            "Targets[].SageMakerPipelineParameters.PipelineParameterList",
        )
    problem = limits.limit(*where).problem(list(values))
    if problem is not None:
        ctx.add("parameters", problem)
    name_limit = limits.limit(*where[:2], f"{where[2]}[].Name")
    value_limit = limits.limit(*where[:2], f"{where[2]}[].Value")
    declared: dict[str, str] | None = None
    if definition is not None and definition.declared_parameters is not None:
        declared = dict(definition.declared_parameters)
    for name, text in values:
        key = f"parameters.{name}"
        for found in (name_limit.problem(name), value_limit.problem(text)):
            if found is not None:
                ctx.add(key, found)
        if declared is None:
            continue
        if name not in declared:
            close = difflib.get_close_matches(name, list(declared), n=1, cutoff=0.6)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            ctx.add(
                key,
                "is not declared in the definition's Parameters, so SageMaker would reject every "
                f"execution.{hint} Declared: {', '.join(declared) or 'none'}",
            )
            continue
        found = parameter_value_problem(text, declared[name])
        if found is None and declared[name] == "String":
            # The value lands in these API fields at run time: check it against them now.
            for use in (definition.parameter_uses if definition else {}).get(name, ()):
                found = use.problem(text)
                if found is not None:
                    break
        if found is not None:
            ctx.add(key, found)
    return values


def _execution_role(
    raw: Any, ctx: IssueContext, definition: PipelineDefinition | None
) -> ExecutionRoleConfig:
    arn = raw.get("executionRoleArn")
    statements = raw.get("permissions")
    pass_roles = get_string_list(raw, "passRoles", ctx)
    role_arn = limits.limit("sagemaker", "CreatePipeline", "RoleArn")
    for role in pass_roles:
        if _arn_placeholders_ok(role, "passRoles", ctx):
            problem = role_arn.problem(_with_samples(role))
            if problem is not None or "*" in role or "?" in role:
                ctx.add(
                    "passRoles",
                    f"{role!r} is not an IAM role ARN (no wildcards); name the role"
                    + (f" ({problem})" if problem else ""),
                )
    if arn is not None:
        problem = role_arn.problem(arn)
        if problem is not None:
            ctx.add(
                "executionRoleArn",
                f"{problem}; give an IAM role ARN like arn:aws:iam::123456789012:role/name",
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
    good = tuple(s for s in parsed if s is not None)
    _check_sids(statements, ctx)
    if len(good) == len(parsed):
        _check_policy_size(good, pass_roles, definition, ctx)
    return ExecutionRoleConfig(statements=good, pass_roles=pass_roles)


def _check_sids(statements: list[Any], ctx: IssueContext) -> None:
    # IAM requires unique Sids in a policy; unnamed statements get Config<index>.
    taken: dict[str, str] = {PASS_ROLE_SID.lower(): "the PassRole statement mlsched adds"}
    for index, raw in enumerate(statements):
        sid = raw.get("sid") if isinstance(raw, dict) else None
        name = sid if isinstance(sid, str) and sid else default_sid(index)
        where = taken.get(name.lower())
        if where is not None:
            ctx.add(
                f"permissions[{index}].sid",
                f"{name!r} is already used by {where}; sids are unique in a policy",
            )
        taken[name.lower()] = f"permissions[{index}]"


def _check_policy_size(
    statements: tuple[PermissionStatement, ...],
    pass_roles: tuple[str, ...],
    definition: PipelineDefinition | None,
    ctx: IssueContext,
) -> None:
    longest = {
        "AccountId": "123456789012",
        "Region": max(limits.regions(), key=len),
        "Partition": max(limits.partitions(), key=len),
    }
    extra = []
    if definition is not None and "ExecutionRoleArn" in definition.placeholders:
        # The role may pass itself: its own ARN joins the PassRole statement.
        extra = [f"arn:{longest['Partition']}:iam::123456789012:role/{'n' * 64}"]
    document = permissions_policy(statements, [*pass_roles, *extra], longest)
    # IAM does not count white space toward the quota.
    size = len(re.sub(r"\s", "", document))
    if size > limits.IAM_INLINE_ROLE_POLICY_CHARS:
        ctx.add(
            "permissions",
            f"the execution role's inline policy would be up to {size} characters; IAM allows "
            f"{limits.IAM_INLINE_ROLE_POLICY_CHARS} per role ({limits.IAM_QUOTAS_PAGE}). Use "
            "wildcards in resource paths or fewer statements",
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
            problem = _action_problem(action)
            if problem is not None:
                ctx.add(f"{key}.actions", problem)
                good = False
    if not is_str_list(resources) or not resources:
        ctx.add(f"{key}.resources", "must be a non-empty list of ARNs")
        good = False
    else:
        for resource in resources:
            if not _arn_placeholders_ok(resource, f"{key}.resources", ctx):
                good = False
                continue
            problem = _arn_problem(_with_samples(resource))
            if problem is not None:
                ctx.add(f"{key}.resources", f"{problem}; name the resources by ARN")
                good = False
    sid = raw.get("sid")
    if sid is not None and (
        not isinstance(sid, str) or not sid or not limits.SID_PATTERN.fullmatch(sid)
    ):
        ctx.add(
            f"{key}.sid",
            f"{sid!r} is not a Sid: IAM allows ASCII letters and digits only ({limits.SID_PAGE})",
        )
        good = False
    if not good:
        return None
    return PermissionStatement(actions=tuple(actions), resources=tuple(resources), sid=sid)


def _action_problem(action: str) -> str | None:
    """What IAM (or the passRoles rule) says about one action pattern, judged by what it
    grants on AWS's published action list, not by its spelling."""
    try:
        iam.parse_action(action)
    except ValueError as error:
        return str(error)
    if "*" not in action and "?" not in action:
        # One concrete action: look it up instead of matching the whole service's list.
        if not iam.is_known_action(action):
            suggestion = iam.suggest_action(action)
            hint = f"did you mean {suggestion!r}?" if suggestion else "check the action list"
            return f"{action!r} grants no action AWS documents; {hint}"
        if action.lower() == "iam:passrole":
            return (
                f"{action!r} grants iam:PassRole; grant it through `passRoles` so it is "
                "limited to SageMaker"
            )
        return None
    granted = iam.expand_actions(action)
    if not granted:
        suggestion = iam.suggest_action(action)
        hint = f"did you mean {suggestion!r}?" if suggestion else "check the service's action list"
        return f"{action!r} grants no action AWS documents; {hint}"
    whole = iam.covers_whole_service(action)
    if whole is not None or (len(granted) > 1 and "*" in action.split(":", 1)[0]):
        return (
            f"{action!r} grants every action of {whole or 'several services'}; name the "
            "actions (service:Action) instead of a whole service or `*`"
        )
    if "iam:PassRole" in granted:
        return (
            f"{action!r} grants iam:PassRole; grant it through `passRoles` so it is limited "
            "to SageMaker"
        )
    return None


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


def check_stack(config: Mapping[str, Any], ctx: IssueContext) -> None:
    """`aws:region` (the AWS provider's region) must be a region AWS has published, and the
    ARNs an AWS entry names (its role, alarm actions, passed roles) must be in that region's
    partition: IAM and SNS do not reach across partitions (aws, aws-cn, aws-us-gov, ...)."""
    region = config.get("aws:region")
    if region is not None:
        problem = limits.region_problem(region)
        if problem is not None:
            ctx.add("aws:region", problem)
    partition = limits.partition_of(region) if isinstance(region, str) else None
    # `<project>:pipelines` (the project need not be called mlsched; another namespace holding
    # `pipelines` is refused by the core).
    pipelines = next(
        (value for key, value in sorted(config.items()) if key.endswith(":pipelines")), None
    )
    if partition is None or not isinstance(pipelines, str):
        return
    try:
        entries = json.loads(pipelines)
    except ValueError:
        return  # the core reports it
    for entry in entries if isinstance(entries, list) else ():
        if not isinstance(entry, dict) or entry.get("cloud", "aws") != "aws":
            continue
        where = IssueContext(ctx.stack, str(entry.get("name")), ctx.issues, ctx.warnings)
        for key in ("executionRoleArn", "alarmActions", "passRoles"):
            values = entry.get(key)
            for arn in values if isinstance(values, list) else [values]:
                match = ARN_SYNTAX.fullmatch(arn) if isinstance(arn, str) else None
                if match and "$" not in match["partition"] and match["partition"] != partition:
                    where.add(
                        key,
                        f"{arn!r} is in partition {match['partition']!r}, but aws:region "
                        f"{region} is in {partition!r}; name the {partition} resource",
                    )


VALIDATOR = CloudValidator(
    keys=PIPELINE_KEYS,
    validate=validate,
    check_name=check_name,
    check_tag=check_tag,
    schedule_example="cron(0 12 * * ? *)",
    check_stack=check_stack,
    # Counted by _check_tag_count against each tagged API's own limit.
    own_tags=("mlsched:pipeline", EXPECTED_DURATION_TAG),
    cloud_name="AWS",
)
