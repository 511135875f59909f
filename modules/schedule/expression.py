"""``parse_schedule``: the single entry point that turns user text into a validated Schedule."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from .cron import CronSpec, parse_cron
from .errors import ScheduleError
from .zones import validate_timezone

_EXPRESSION = re.compile(r"^(cron|rate|at)\((.*)\)$", re.DOTALL)
_RATE_UNITS = {"minute": 60, "hour": 3600, "day": 86400}
_AT = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$")


@dataclass(frozen=True)
class RateSpec:
    value: int
    unit: str  # singular: minute, hour, day

    @property
    def seconds(self) -> int:
        return self.value * _RATE_UNITS[self.unit]


@dataclass(frozen=True)
class AtSpec:
    local: datetime  # naive wall-clock time in the schedule's time zone


@dataclass(frozen=True)
class Schedule:
    """A validated AWS schedule expression and the time zone it is evaluated in."""

    expression: str
    kind: Literal["cron", "rate", "at"]
    timezone: str  # "UTC" if none was given
    spec: CronSpec | RateSpec | AtSpec | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Built by hand (e.g. Schedule("rate(1 hour)", "rate", "UTC")): validate and parse here so
        # every Schedule carries its parsed form; parse_schedule passes it in.
        if self.spec is None:
            parsed = parse_schedule(self.expression, self.timezone)
            if parsed.kind != self.kind:
                raise ScheduleError(
                    f"schedule kind '{self.kind}' does not match expression '{self.expression}' "
                    f"(it is a {parsed.kind} expression)",
                    field="kind",
                    value=self.kind,
                )
            object.__setattr__(self, "spec", parsed.spec)

    @property
    def pins_hours(self) -> bool:
        """True when the run times name wall-clock hours (a cron whose hours field is not every
        hour, or an ``at()``): then the time zone decides the real instant, so a policy can
        demand an explicit time zone."""
        if isinstance(self.spec, CronSpec):
            return len(self.spec.hours) < 24
        return isinstance(self.spec, AtSpec)

    @property
    def requires_scheduler(self) -> bool:
        """True when only EventBridge Scheduler can run it: ``at()`` and non-UTC time zones are
        not available on EventBridge rules, which always evaluate in UTC."""
        return self.kind == "at" or self.timezone != "UTC"


def _parse_rate(body: str) -> RateSpec:
    parts = body.split()
    if len(parts) != 2:
        raise ScheduleError(
            f"rate expression 'rate({body})' must be 'rate(value unit)', e.g. rate(5 minutes) "
            "or rate(1 hour)",
            field="rate",
            value=body,
        )
    raw_value, raw_unit = parts
    unit = raw_unit.lower()
    singular = unit[:-1] if unit.endswith("s") else unit
    if singular not in _RATE_UNITS:
        hint = ""
        if singular in ("second", "sec", "secs", "s"):
            hint = "; the shortest rate is rate(1 minute)"
        raise ScheduleError(
            f"rate unit '{raw_unit}' is not allowed; use minute(s), hour(s) or day(s){hint}",
            field="rate.unit",
            value=raw_unit,
        )
    if not raw_value.isdigit():
        raise ScheduleError(
            f"rate value '{raw_value}' must be a whole number of at least 1, e.g. "
            f"rate(5 {singular}s)",
            field="rate.value",
            value=raw_value,
        )
    value = int(raw_value)
    if value < 1:
        raise ScheduleError(
            f"rate value '{raw_value}' is below the minimum: AWS rates start at rate(1 minute)",
            field="rate.value",
            value=raw_value,
        )
    if value == 1 and unit != singular:
        raise ScheduleError(
            f"rate unit '{raw_unit}' must be singular for a value of 1: use rate(1 {singular})",
            field="rate.unit",
            value=raw_unit,
        )
    if value > 1 and unit == singular:
        raise ScheduleError(
            f"rate unit '{raw_unit}' must be plural for a value above 1: use "
            f"rate({value} {singular}s)",
            field="rate.unit",
            value=raw_unit,
        )
    return RateSpec(value=value, unit=singular)


def _parse_at(body: str) -> AtSpec:
    hint = (
        "expected at(yyyy-mm-ddThh:mm:ss) in the schedule's time zone, e.g. at(2026-12-01T09:00:00)"
    )
    match = _AT.match(body)
    if not match:
        extra = ""
        if re.search(r"(Z|[+-]\d{2}:?\d{2})$", body):
            extra = "; drop the 'Z'/offset and set the time zone separately"
        raise ScheduleError(
            f"at() value '{body}' is not valid: {hint}{extra}", field="at", value=body
        )
    try:
        local = datetime(*(int(part) for part in match.groups()))  # type: ignore[misc]
    except ValueError as exc:
        raise ScheduleError(
            f"at() value '{body}' is not a real date-time ({exc}); {hint}",
            field="at",
            value=body,
        ) from None
    return AtSpec(local=local)


def parse_schedule(expression: str, timezone: str | None = None) -> Schedule:
    """Validate an AWS schedule expression (and optional IANA time zone) into a Schedule.

    Raises :class:`ScheduleError` naming the field, quoting the bad value and saying what is
    allowed. Accepts ``cron(...)`` (6-field AWS cron), ``rate(N unit)`` and ``at(...)``.
    """
    if not isinstance(expression, str):
        raise ScheduleError(
            f"schedule expression must be a string, got {type(expression).__name__}",
            field="expression",
            value=repr(expression),
        )
    text = expression.strip()
    match = _EXPRESSION.match(text)
    if not match:
        raise ScheduleError(
            f"schedule expression '{expression}' is not valid; write cron(minutes hours "
            "day-of-month month day-of-week year), rate(value unit) or at(yyyy-mm-ddThh:mm:ss), "
            "e.g. cron(0 12 * * ? *)",
            field="expression",
            value=expression,
        )
    kind, body = match.group(1), match.group(2).strip()
    zone = "UTC" if timezone is None else validate_timezone(timezone)
    spec: CronSpec | RateSpec | AtSpec
    if kind == "cron":
        spec = parse_cron(body)
    elif kind == "rate":
        spec = _parse_rate(body)
    else:
        spec = _parse_at(body)
    return Schedule(expression=text, kind=kind, timezone=zone, spec=spec)  # type: ignore[arg-type]
