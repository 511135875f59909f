"""Schedule policies: every resource that carries a schedule is judged by the one schedule engine.

Which resources carry a schedule, and where in their properties it is, comes only from
`policies.schedule_registry` (AWS: EventBridge Scheduler schedules and scheduled EventBridge
rules, `policies/carriers/aws.py`); a new cloud registers its types there and these policies
judge them unchanged.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
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
from policies import schedule_registry as registry
from policies import settings
from policies.schedule_registry import ScheduleSpec, Target
from policies.values import UNKNOWN, is_unknown, plain, unknown

CONFIG_FILE = "policies/config/<stack>.json"


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


@functools.lru_cache(maxsize=512)
def _parse_text(expression: str, timezone: str | None, dialect: str) -> Schedule:
    if dialect == "aws":
        return parse_schedule(expression, timezone)
    return parse_schedule(expression, timezone, dialect=dialect)  # type: ignore[call-arg]


def _parse(spec: ScheduleSpec) -> Schedule:
    """Parse in the carrier's dialect; the carrier's default zone applies when none is set.
    Raises ScheduleError (TypeError-free: shapes the dialect cannot take are ScheduleErrors)."""
    carrier = spec.carrier
    timezone = spec.timezone if spec.timezone is not None else carrier.default_timezone
    if timezone is not None and not isinstance(timezone, str):
        raise ScheduleError(
            f"time zone must be a string such as 'Europe/Berlin', got {timezone!r}",
            field="timezone",
            value=timezone,
        )
    expression = spec.expression
    if isinstance(expression, Mapping):
        # A recurrence object: cached by its canonical JSON text.
        return _parse_object(json.dumps(expression, sort_keys=True), timezone, carrier.dialect)
    if not isinstance(expression, str):
        raise ScheduleError(
            f"expression must be a string, got {expression!r}", field="expression", value=None
        )
    return _parse_text(expression, timezone, carrier.dialect)


@functools.lru_cache(maxsize=512)
def _parse_object(text: str, timezone: str | None, dialect: str) -> Schedule:
    return parse_schedule(json.loads(text), timezone, dialect=dialect)  # type: ignore[call-arg]


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
    _require_known(spec)
    try:
        return _parse(spec)
    except ScheduleError:
        return None


def _require_known(spec: ScheduleSpec) -> None:
    if _has_unknown(spec.expression):
        unknown(spec.expression_key)
    if is_unknown(spec.timezone):
        unknown(spec.timezone_key or spec.expression_key)


def _has_unknown(value: Any) -> bool:
    if is_unknown(value):
        return True
    if isinstance(value, Mapping):
        return any(_has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_unknown(v) for v in value)
    return False


def _analysis(spec: ScheduleSpec, config: Mapping[str, Any]) -> ScheduleAnalysis | None:
    schedule = _known_schedule(spec)
    if schedule is None:
        return None
    reference = settings.reference_time(config)
    return _analyze(schedule, reference, _instant(spec.start), _instant(spec.end))


def _spec_of(args: ResourceValidationArgs) -> ScheduleSpec | None:
    if registry.carrier_for(args.resource_type) is None:
        return None
    return registry.read(args.resource_type, plain(args.props))


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
    _require_known(spec)
    carrier = spec.carrier
    if carrier.dialect == "adf-recurrence":
        if not isinstance(spec.expression, Mapping):
            report(f"{spec.expression_key} must be an object, got {spec.expression!r}.", None)
            return
    elif not isinstance(spec.expression, str):
        report(f"{spec.expression_key} must be a string, got {spec.expression!r}.", None)
        return
    try:
        schedule = _parse(spec)
    except ScheduleError as e:
        key = spec.timezone_key if e.field == "timezone" and spec.timezone_key else None
        report(f"{e} Fix {key or spec.expression_key} of {args.name}.", None)
        return
    if not carrier.one_time and schedule.kind == "at":
        # EventBridge rules only accept cron() and rate(); one-time at() exists only in Scheduler.
        report(
            f"{spec.expression!r}: {carrier.label}s accept only cron() and rate(); use an "
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
    if spec is None or spec.timezone_key is None or spec.timezone is not None:
        return
    schedule = _known_schedule(spec)
    # The engine knows which hours a cron names; every hour of the day names none.
    if schedule is None or schedule.kind != "cron" or not schedule.pins_hours:
        return
    hours = sorted(schedule.spec.hours)
    shown = ", ".join(f"{h:02d}" for h in hours[:6]) + (" ..." if len(hours) > 6 else "")
    report(
        f"{spec.expression} names hours of the day ({shown}) but has no {spec.timezone_key}, "
        "so they are UTC and drift by an hour against local time at each DST change. Set "
        f"{spec.timezone_key} (e.g. Europe/Berlin), or set it to UTC to say UTC is meant.",
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
    if spec is None or spec.carrier.flexible_mode is None:
        return
    config = settings.merged(args, FLEXIBLE_SCHEMA)
    if spec.flexible_mode is UNKNOWN:
        unknown(spec.carrier.flexible_mode)
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


def _scheduled_carrier_urns(args: StackValidationArgs) -> dict[str, dict[str, Any]]:
    """Carrier type -> {URN: name} of its scheduled resources, for carriers whose targets are
    separate resources (pulumi-aws's EventRule + EventTarget)."""
    wanted = {carrier.resource_type for carrier in registry.target_resource_types().values()}
    out: dict[str, dict[str, Any]] = {t: {} for t in wanted}
    for r in args.resources:
        if r.resource_type in wanted:
            props = plain(r.props)
            if registry.read(r.resource_type, props) is not None:
                out[r.resource_type][r.urn] = props.get("name")
    return out


def _targets_carrier(target: Any, props: Mapping[str, Any], link: str, urns: Mapping) -> bool:
    """Whether a target resource points at one of `urns`: by dependency first, else by name."""
    deps = target.property_dependencies.get(link, [])
    if deps:
        return any(d.urn in urns for d in deps)
    name = props.get(link)
    return isinstance(name, str) and name in urns.values()


def validate_delivery(args: StackValidationArgs, report: ReportViolation) -> None:
    config = settings.merged(args, DELIVERY_SCHEMA)
    target_types = registry.target_resource_types()
    scheduled = _scheduled_carrier_urns(args)
    fix = "Set them so a failed start is retried, then kept in a queue to inspect."
    for r in args.resources:
        props = plain(r.props)
        if r.resource_type in target_types:
            carrier = target_types[r.resource_type]
            linked = carrier.target_resources
            assert linked is not None
            if not carrier.delivery_settings or not _targets_carrier(
                r, props, linked.link, scheduled[carrier.resource_type]
            ):
                continue
            targets = [linked.read(props)]
        else:
            spec = registry.read(r.resource_type, props)
            if spec is None or not spec.carrier.delivery_settings:
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
