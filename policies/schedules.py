"""Schedule policies: every EventBridge schedule is judged by the one schedule engine.

Covers EventBridge Scheduler schedules (`aws:scheduler/schedule:Schedule`,
`aws-native:scheduler:Schedule`) and scheduled EventBridge rules
(`aws:cloudwatch/eventRule:EventRule`, `aws-native:events:Rule`, with
`aws:cloudwatch/eventTarget:EventTarget` for their targets).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pulumi_policy import (
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from modules.schedule import Schedule, ScheduleAnalysis, ScheduleError, analyze, parse_schedule
from policies import settings
from policies.values import UNKNOWN, as_list, dig, is_unknown, plain, unknown

SCHEDULER_TYPES = frozenset({"aws:scheduler/schedule:Schedule", "aws-native:scheduler:Schedule"})
RULE_TYPES = frozenset({"aws:cloudwatch/eventRule:EventRule", "aws-native:events:Rule"})
SCHEDULE_TYPES = SCHEDULER_TYPES | RULE_TYPES
EVENT_TARGET_TYPE = "aws:cloudwatch/eventTarget:EventTarget"
CONFIG_FILE = "policies/config/<stack>.json"


@dataclass(frozen=True)
class Target:
    """Where a schedule delivers: the fields every target type shares (camelCase as sent)."""

    arn: Any
    role_arn: Any
    retry_policy: Any
    dead_letter_arn: Any


@dataclass(frozen=True)
class ScheduleSpec:
    kind: str  # "scheduler" or "rule"
    expression: Any  # str, None (not a scheduled rule) or UNKNOWN
    timezone: Any  # None when not set (rules never have one)
    start: Any
    end: Any
    flexible_mode: Any  # "OFF", "FLEXIBLE", None or UNKNOWN
    targets: tuple[Target, ...]


def _target(props: Mapping[str, Any]) -> Target:
    return Target(
        arn=props.get("arn"),
        role_arn=props.get("roleArn"),
        retry_policy=props.get("retryPolicy"),
        dead_letter_arn=dig(props, "deadLetterConfig.arn"),
    )


def schedule_spec(resource_type: str, props: Mapping[str, Any]) -> ScheduleSpec | None:
    """The schedule a resource declares (props already `plain`), or None if it declares none."""
    if resource_type not in SCHEDULE_TYPES:
        return None
    expression = props.get("scheduleExpression")
    if expression is None:
        return None  # an event-pattern rule, not a schedule
    if resource_type in SCHEDULER_TYPES:
        target = props.get("target")
        targets: tuple[Target, ...] = () if not isinstance(target, Mapping) else (_target(target),)
        return ScheduleSpec(
            kind="scheduler",
            expression=expression,
            timezone=props.get("scheduleExpressionTimezone"),
            start=props.get("startDate"),
            end=props.get("endDate"),
            flexible_mode=dig(props, "flexibleTimeWindow.mode"),
            targets=targets,
        )
    rule_targets = props.get("targets")
    return ScheduleSpec(
        kind="rule",
        expression=expression,
        timezone=None,
        start=None,
        end=None,
        flexible_mode=None,
        targets=tuple(_target(t) for t in as_list(rule_targets) if isinstance(t, Mapping)),
    )


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


@functools.lru_cache(maxsize=512)
def _parse(expression: str, timezone: str | None) -> Schedule:
    return parse_schedule(expression, timezone)


@functools.lru_cache(maxsize=512)
def _analyze(
    schedule: Schedule,
    reference: datetime,
    start: datetime | None,
    end: datetime | None,
) -> ScheduleAnalysis:
    # Policies judge frequency and liveness, never the calendar: one next run is enough.
    return analyze(schedule, reference=reference, count=1, start=start, end=end)


def _known_schedule(spec: ScheduleSpec) -> Schedule | None:
    """Parse the spec's expression; None when invalid (another policy reports that)."""
    if is_unknown(spec.expression):
        unknown("scheduleExpression")
    if is_unknown(spec.timezone):
        unknown("scheduleExpressionTimezone")
    try:
        return _parse(spec.expression, spec.timezone)
    except ScheduleError:
        return None


def _analysis(spec: ScheduleSpec, config: Mapping[str, Any]) -> ScheduleAnalysis | None:
    schedule = _known_schedule(spec)
    if schedule is None:
        return None
    reference = settings.reference_time(config)
    return _analyze(schedule, reference, _instant(spec.start), _instant(spec.end))


def _spec_of(args: ResourceValidationArgs) -> ScheduleSpec | None:
    if args.resource_type not in SCHEDULE_TYPES:
        return None
    return schedule_spec(args.resource_type, plain(args.props))


def _config_error(report: ReportViolation, policy: str, error: Exception) -> None:
    report(f"cannot judge schedules: {error} (policy {policy}).", None)


def _judged(
    spec: ScheduleSpec, config: Mapping[str, Any], report: ReportViolation, policy: str
) -> ScheduleAnalysis | None:
    """The analysis; None when the expression is invalid (schedule-expression-valid reports it)
    or this policy's own config cannot be used (reported here)."""
    try:
        return _analysis(spec, config)
    except settings.PolicyConfigError as e:
        _config_error(report, policy, e)
        return None


# --- schedule-expression-valid ---------------------------------------------------------------
def validate_expression(args: ResourceValidationArgs, report: ReportViolation) -> None:
    spec = _spec_of(args)
    if spec is None:
        return
    if is_unknown(spec.expression):
        unknown("scheduleExpression")
    if is_unknown(spec.timezone):
        unknown("scheduleExpressionTimezone")
    if not isinstance(spec.expression, str):
        report(f"scheduleExpression must be a string, got {spec.expression!r}.", None)
        return
    try:
        schedule = _parse(spec.expression, spec.timezone)
    except ScheduleError as e:
        report(f"{e} Fix scheduleExpression of {args.name}.", None)
        return
    if spec.kind == "rule" and schedule.kind == "at":
        # EventBridge rules only accept cron() and rate(); one-time at() exists only in Scheduler.
        report(
            f"{spec.expression!r}: EventBridge rules accept only cron() and rate(); use an "
            "EventBridge Scheduler schedule (aws:scheduler/schedule:Schedule) for a one-time run.",
            None,
        )


EXPRESSION_VALID = ResourceValidationPolicy(
    name="schedule-expression-valid",
    description="Schedule expressions must be valid EventBridge cron(), rate() or at() schedules.",
    validate=validate_expression,
)

# --- schedule-frequency ----------------------------------------------------------------------
FREQUENCY_SCHEMA = {
    "minIntervalMinutes": {
        "type": "number",
        "minimum": 1,
        "default": 60,
        "description": "shortest allowed gap between two runs, in minutes",
    },
    "maxRunsPerDay": {
        "type": "integer",
        "minimum": 1,
        "default": 24,
        "description": "most runs allowed in any one day",
    },
    "referenceTime": settings.REFERENCE_TIME_SCHEMA,
}


def _minutes(value: float) -> str:
    return f"{value:g} min"


def validate_frequency(args: ResourceValidationArgs, report: ReportViolation) -> None:
    spec = _spec_of(args)
    if spec is None:
        return
    config = settings.merged(args, FREQUENCY_SCHEMA)
    analysis = _judged(spec, config, report, FREQUENCY.name)
    if analysis is None or analysis.never_fires:
        return
    min_interval = float(config["minIntervalMinutes"])
    max_runs = int(config["maxRunsPerDay"])
    interval = analysis.min_interval_minutes
    too_close = interval is not None and interval < min_interval
    too_many = analysis.max_runs_per_day > max_runs
    if not (too_close or too_many):
        return
    measured = (
        f"runs every {_minutes(interval)}" if interval is not None else "runs once"
    ) + f" ({analysis.max_runs_per_day} runs/day)"
    report(
        f"{spec.expression} {measured}; this stack allows at least {_minutes(min_interval)} and "
        f"at most {max_runs} runs/day. Run it less often (e.g. rate(1 hour) or a cron with fewer "
        f"hours), or change schedule-frequency in {CONFIG_FILE} if this stack may run that often.",
        None,
    )


FREQUENCY = ResourceValidationPolicy(
    name="schedule-frequency",
    description="Schedules must not run more often than the stack's minimum interval and "
    "daily maximum allow.",
    validate=validate_frequency,
    config_schema=settings.schema(FREQUENCY_SCHEMA),
)

# --- schedule-fires-again --------------------------------------------------------------------
FIRES_AGAIN_SCHEMA = {"referenceTime": settings.REFERENCE_TIME_SCHEMA}


def validate_fires_again(args: ResourceValidationArgs, report: ReportViolation) -> None:
    spec = _spec_of(args)
    if spec is None:
        return
    config = settings.merged(args, FIRES_AGAIN_SCHEMA)
    analysis = _judged(spec, config, report, FIRES_AGAIN.name)
    if analysis is None or not analysis.never_fires:
        return
    reference = settings.reference_time(config).isoformat().replace("+00:00", "Z")
    window = ""
    if spec.start is not None or spec.end is not None:
        window = f" within startDate {spec.start or '-'} / endDate {spec.end or '-'}"
    report(
        f"{spec.expression} ({analysis.schedule.timezone}) never fires at or after "
        f"{reference}{window}. "
        "Move the at() time or endDate into the future, or delete the schedule.",
        None,
    )


FIRES_AGAIN = ResourceValidationPolicy(
    name="schedule-fires-again",
    description="Schedules must fire at least once more; one that never fires again is dead "
    "configuration.",
    validate=validate_fires_again,
    config_schema=settings.schema(FIRES_AGAIN_SCHEMA),
)

# --- schedule-time-zone-required -------------------------------------------------------------
TIME_ZONE_SCHEMA: dict[str, Any] = {}


def validate_time_zone(args: ResourceValidationArgs, report: ReportViolation) -> None:
    spec = _spec_of(args)
    if spec is None or spec.kind != "scheduler" or spec.timezone is not None:
        return
    schedule = _known_schedule(spec)
    # The engine knows which hours a cron names; every hour of the day names none.
    if schedule is None or schedule.kind != "cron" or not schedule.pins_hours:
        return
    hours = sorted(schedule.spec.hours)
    shown = ", ".join(f"{h:02d}" for h in hours[:6]) + (" ..." if len(hours) > 6 else "")
    report(
        f"{spec.expression} names hours of the day ({shown}) but has no "
        "scheduleExpressionTimezone, "
        "so they are UTC and drift by an hour against local time at each DST change. Set "
        "scheduleExpressionTimezone (e.g. Europe/Berlin), or set it to UTC to say UTC is meant.",
        None,
    )


TIME_ZONE = ResourceValidationPolicy(
    name="schedule-time-zone-required",
    description="Scheduler cron expressions that name hours of the day must set "
    "scheduleExpressionTimezone.",
    validate=validate_time_zone,
    config_schema=settings.schema(TIME_ZONE_SCHEMA),
)

# --- schedule-flexible-window ----------------------------------------------------------------
FLEXIBLE_SCHEMA = {
    "aboveRunsPerDay": {
        "type": "integer",
        "minimum": 0,
        "default": 24,
        "description": "schedules running more often than this per day need a flexible time window",
    },
    "referenceTime": settings.REFERENCE_TIME_SCHEMA,
}


def validate_flexible_window(args: ResourceValidationArgs, report: ReportViolation) -> None:
    spec = _spec_of(args)
    if spec is None or spec.kind != "scheduler":
        return
    config = settings.merged(args, FLEXIBLE_SCHEMA)
    if spec.flexible_mode is UNKNOWN:
        unknown("flexibleTimeWindow.mode")
    if spec.flexible_mode == "FLEXIBLE":
        return
    analysis = _judged(spec, config, report, FLEXIBLE_WINDOW.name)
    limit = int(config["aboveRunsPerDay"])
    if analysis is None or analysis.max_runs_per_day <= limit:
        return
    report(
        f"{spec.expression} runs {analysis.max_runs_per_day} times/day with flexibleTimeWindow "
        f"mode {spec.flexible_mode or 'unset'}; above {limit} runs/day set flexibleTimeWindow "
        '{mode: "FLEXIBLE", maximumWindowInMinutes: ...} so runs spread instead of all starting '
        "on the same second.",
        None,
    )


FLEXIBLE_WINDOW = ResourceValidationPolicy(
    name="schedule-flexible-window",
    description="Frequent Scheduler schedules must use a flexible time window.",
    validate=validate_flexible_window,
    config_schema=settings.schema(FLEXIBLE_SCHEMA),
)

# --- schedule-delivery-safety (stack) --------------------------------------------------------
DELIVERY_SCHEMA = {
    "requireRetryPolicy": {
        "type": "boolean",
        "default": True,
        "description": "each schedule target must set an explicit retryPolicy",
    },
    "requireDeadLetterQueue": {
        "type": "boolean",
        "default": True,
        "description": "each schedule target must set deadLetterConfig.arn",
    },
}


def _missing(target: Target, config: Mapping[str, Any]) -> list[str]:
    missing = []
    if config["requireRetryPolicy"] and target.retry_policy is None:
        missing.append("retryPolicy")
    if config["requireDeadLetterQueue"] and target.dead_letter_arn is None:
        missing.append("deadLetterConfig.arn")
    return missing


def _scheduled_rule_urns(args: StackValidationArgs) -> dict[str, Any]:
    """URN -> rule name (plain) of every scheduled classic EventRule in the stack."""
    out = {}
    for r in args.resources:
        if r.resource_type == "aws:cloudwatch/eventRule:EventRule":
            props = plain(r.props)
            if props.get("scheduleExpression") is not None:
                out[r.urn] = props.get("name")
    return out


def _targets_rule(target: Any, props: Mapping[str, Any], rules: Mapping[str, Any]) -> bool:
    """Whether an EventTarget points at one of `rules`: by dependency first, else by name."""
    deps = target.property_dependencies.get("rule", [])
    if deps:
        return any(d.urn in rules for d in deps)
    name = props.get("rule")
    return isinstance(name, str) and name in rules.values()


def validate_delivery(args: StackValidationArgs, report: ReportViolation) -> None:
    config = settings.merged(args, DELIVERY_SCHEMA)
    rules = _scheduled_rule_urns(args)
    fix = "Set them so a failed start is retried, then kept in a queue to inspect."
    for r in args.resources:
        props = plain(r.props)
        if r.resource_type == EVENT_TARGET_TYPE:
            if not _targets_rule(r, props, rules):
                continue
            targets = [_target(props)]
        else:
            spec = schedule_spec(r.resource_type, props)
            if spec is None:
                continue
            targets = list(spec.targets)
        for i, target in enumerate(targets):
            missing = _missing(target, config)
            if missing:
                where = f"target {i}" if len(targets) > 1 else "its target"
                report(f"{r.name}: {where} has no {' or '.join(missing)}. {fix}", r.urn)


DELIVERY_SAFETY = StackValidationPolicy(
    name="schedule-delivery-safety",
    description="Schedule targets must set a retry policy and a dead-letter queue.",
    validate=validate_delivery,
    config_schema=settings.schema(DELIVERY_SCHEMA),
)

POLICIES = [EXPRESSION_VALID, FREQUENCY, FIRES_AGAIN, TIME_ZONE, FLEXIBLE_WINDOW, DELIVERY_SAFETY]
