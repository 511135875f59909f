"""``parse_schedule``: the single entry point that turns user text into a validated Schedule."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from .adf import AdfSpec, parse_recurrence
from .cron import CronSpec, parse_cron
from .errors import ScheduleError
from .unixcron import parse_unix_cron, split_cron_timezone
from .zones import validate_timezone

DIALECTS = ("aws", "unix-cron", "adf-recurrence")
Dialect = Literal["aws", "unix-cron", "adf-recurrence"]
_EXPRESSION = re.compile(r"^(cron|rate|at)\((.*)\)$", re.DOTALL)
_RATE_UNITS = {"minute": 60, "hour": 3600, "day": 86400}
# ASCII digits only: AWS's patterns are ASCII, and str.isdigit()/\d accept other scripts' digits.
_AT = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})$")
_MAX_EXPRESSION = 256  # EventBridge Scheduler's ScheduleExpression limit (botocore model)
_MAX_TEXT = 1000  # longer input is not a schedule in any dialect; keeps messages short


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
    """A validated schedule in one dialect and the (IANA) time zone it is evaluated in.

    ``expression`` is the native form: AWS ``cron(...)``/``rate(...)``/``at(...)``, the unix-cron
    string (with a Vertex AI ``TZ=`` prefix if it had one), or for ADF the canonical compact JSON
    of the recurrence. ``kind``: ``cron``, ``rate``, ``at`` (AWS), ``cron`` (unix-cron) or
    ``recurrence`` (ADF)."""

    expression: str
    kind: Literal["cron", "rate", "at", "recurrence"]
    timezone: str  # IANA; "UTC" if none was given
    spec: CronSpec | RateSpec | AtSpec | AdfSpec | None = field(
        default=None, compare=False, repr=False
    )
    dialect: Dialect = "aws"

    def __post_init__(self) -> None:
        # Built by hand (e.g. Schedule("rate(1 hour)", "rate", "UTC")): validate and parse here so
        # every Schedule carries its parsed form; parse_schedule passes it in.
        if self.spec is None:
            zone = None if self.dialect == "adf-recurrence" else self.timezone
            parsed = parse_schedule(self.expression, zone, dialect=self.dialect)
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
        hour, an ``at()``, an ADF recurrence of a day or longer not at every hour): then the
        time zone decides the real instant, so a policy can demand an explicit time zone."""
        if isinstance(self.spec, CronSpec):
            return len(self.spec.hours) < 24
        if isinstance(self.spec, AdfSpec):
            if self.spec.fixed_interval is not None:
                return False
            return len({t // 3600 for t in self.spec.times_of_day}) < 24
        return isinstance(self.spec, AtSpec)

    @property
    def requires_scheduler(self) -> bool:
        """True when only EventBridge Scheduler can run it: ``at()`` and non-UTC time zones are
        not available on EventBridge rules, which always evaluate in UTC (AWS dialect only)."""
        return self.dialect == "aws" and (self.kind == "at" or self.timezone != "UTC")


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
    if not re.fullmatch(r"[0-9]{1,9}", raw_value):
        shown = raw_value if len(raw_value) <= 12 else raw_value[:9] + "..."
        if re.fullmatch(r"[0-9]+", raw_value):
            raise ScheduleError(
                f"rate value '{shown}' is too large; use a value up to 999999999 or a larger unit",
                field="rate.value",
                value=shown,
            )
        raise ScheduleError(
            f"rate value '{shown}' must be a whole number of at least 1 in ASCII digits, e.g. "
            f"rate(5 {singular}s)",
            field="rate.value",
            value=shown,
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


def parse_schedule(
    expression: object, timezone: str | None = None, *, dialect: str = "aws"
) -> Schedule:
    """Validate a schedule (and optional IANA time zone) into a Schedule.

    ``dialect``: ``"aws"`` (``cron(...)`` 6-field AWS cron, ``rate(N unit)``, ``at(...)``),
    ``"unix-cron"`` (Google's 5-field cron, optionally with Vertex AI's ``TZ=``/``CRON_TZ=``
    prefix) or ``"adf-recurrence"`` (the recurrence mapping with ADF's key names; ``timezone``
    may then be omitted, a Windows ID or an IANA name). Raises :class:`ScheduleError` naming
    the field, quoting the bad value and saying what is allowed; never another exception.
    """
    if dialect not in DIALECTS:
        raise ScheduleError(
            f"dialect {str(dialect)[:40]!r} is not known; use one of {', '.join(DIALECTS)}",
            field="dialect",
            value=str(dialect)[:40],
        )
    if dialect == "adf-recurrence":
        adf, zone = parse_recurrence(expression, timezone)
        return Schedule(
            expression=adf.canonical,
            kind="recurrence",
            timezone=zone,
            spec=adf,
            dialect="adf-recurrence",
        )
    if not isinstance(expression, str):
        raise ScheduleError(
            f"schedule expression must be a string, got {type(expression).__name__}",
            field="expression",
            value=repr(expression)[:80],
        )
    if len(expression) > _MAX_TEXT:
        raise ScheduleError(
            f"schedule expression is {len(expression)} characters long; a schedule is at most "
            f"{_MAX_EXPRESSION} (EventBridge Scheduler's limit)",
            field="expression",
            value=expression[:40] + "...",
        )
    if dialect == "unix-cron":
        prefixed, cron = split_cron_timezone(expression)
        if prefixed is not None:
            try:
                prefixed = validate_timezone(prefixed)
            except ScheduleError as error:
                # The zone is written inside the cron, not in a time zone setting: say so.
                raise ScheduleError(
                    f"the cron's TZ= prefix: {error}", field="cron", value=error.value
                ) from None
            if timezone is not None and validate_timezone(timezone) != prefixed:
                raise ScheduleError(
                    f"the cron's TZ= prefix says '{prefixed}' but the time zone is "
                    f"'{timezone}'; set one of them",
                    field="timezone",
                    value=str(timezone),
                )
        zone = prefixed or ("UTC" if timezone is None else validate_timezone(timezone))
        spec = parse_unix_cron(cron)
        return Schedule(
            expression=expression.strip(),
            kind="cron",
            timezone=zone,
            spec=spec,
            dialect="unix-cron",
        )
    text = expression.strip()
    match = _EXPRESSION.match(text)
    if not match:
        hint = ""
        if re.fullmatch(r"[0-9A-Za-z*/,?#-]+(\s+[0-9A-Za-z*/,?#-]+){4,5}", text):
            hint = f"; did you mean cron({text})?"
        raise ScheduleError(
            f"schedule expression '{expression[:80]}' is not valid; write cron(minutes hours "
            "day-of-month month day-of-week year), rate(value unit) or at(yyyy-mm-ddThh:mm:ss), "
            f"e.g. cron(0 12 * * ? *){hint}",
            field="expression",
            value=expression[:80],
        )
    if len(text) > _MAX_EXPRESSION:
        raise ScheduleError(
            f"schedule expression is {len(text)} characters long; EventBridge Scheduler takes "
            f"at most {_MAX_EXPRESSION}",
            field="expression",
            value=text[:40] + "...",
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
