"""A `ScheduleSpec` read with the schedule engine, for every schedule policy.

Never lets a malformed property escape as an exception: parsing, the start/end window and the
analysis either succeed or raise `ScheduleProblem` naming the property and what is wrong
(`schedule-expression-valid` reports it; the other policies skip the resource). Anything the
verdict depends on that is unknown during preview raises the SDK's unknown advisory instead
(`policies.values.unknown`), never a silent pass.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from modules.schedule import Schedule, ScheduleAnalysis, ScheduleError, analyze, parse_schedule
from policies.schedule_registry import ScheduleSpec
from policies.values import is_unknown, unknown

# What the engine (or Python under it) raises on hostile shapes: ScheduleError is a ValueError;
# a 5,000-digit number is a ValueError of int(); a huge rate an OverflowError of timedelta.
_ENGINE_ERRORS = (ValueError, OverflowError, ArithmeticError, RecursionError)


class ScheduleProblem(Exception):
    """A property of a schedule that cannot be judged; `str()` says what and how to fix it."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class Figures:
    """Frequency figures a policy judges: the worse of the nominal and the worst case."""

    min_interval_minutes: float | None
    max_runs_per_24h: int
    worst_case: bool
    """True when the worst case (undefined DST behaviour) is what makes these figures."""


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def has_unknown(value: Any) -> bool:
    if is_unknown(value):
        return True
    if isinstance(value, Mapping):
        return any(has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(has_unknown(v) for v in value)
    return False


def require_known(spec: ScheduleSpec) -> None:
    """The expression and time zone decide every schedule verdict."""
    if has_unknown(spec.expression):
        unknown(spec.expression_key)
    if is_unknown(spec.timezone):
        unknown(spec.timezone_key or spec.expression_key)


def timezone_of(spec: ScheduleSpec) -> str | None:
    timezone = spec.timezone if spec.timezone is not None else spec.carrier.default_timezone
    if timezone is not None and not isinstance(timezone, str):
        raise ScheduleProblem(
            spec.timezone_key or spec.expression_key,
            f"{spec.timezone_key} must be a time zone name such as 'Europe/Berlin' or 'UTC', "
            f"got {_shown(timezone)}.",
        )
    return timezone


def parse(spec: ScheduleSpec) -> Schedule:
    """The spec's schedule in its carrier's dialect (call `require_known` first)."""
    timezone = timezone_of(spec)
    expression = spec.expression
    dialect = spec.dialect
    try:
        if dialect == "adf-recurrence":
            if not isinstance(expression, Mapping):
                raise ScheduleProblem(
                    spec.expression_key,
                    f"{spec.expression_key} must be a recurrence object, got {_shown(expression)}.",
                )
            return _parse_object(json.dumps(expression, sort_keys=True), timezone, dialect)
        if not isinstance(expression, str):
            raise ScheduleProblem(
                spec.expression_key,
                f"{spec.expression_key} must be a string, got {_shown(expression)}.",
            )
        return _parse_text(expression, timezone, dialect)
    except ScheduleError as error:
        key = spec.expression_key
        if error.field == "timezone" and spec.timezone_key:
            key = spec.timezone_key
        raise ScheduleProblem(key, _sentence(str(error))) from None
    except _ENGINE_ERRORS as error:
        raise ScheduleProblem(
            spec.expression_key,
            f"{spec.expression_key} cannot be read ({type(error).__name__}: "
            f"{str(error)[:120]}); write a valid schedule.",
        ) from None


@functools.lru_cache(maxsize=1024)
def _parse_text(expression: str, timezone: str | None, dialect: str) -> Schedule:
    if dialect == "aws":
        return parse_schedule(expression, timezone)
    return parse_schedule(expression, timezone, dialect=dialect)  # type: ignore[call-arg]


@functools.lru_cache(maxsize=1024)
def _parse_object(text: str, timezone: str | None, dialect: str) -> Schedule:
    return parse_schedule(json.loads(text), timezone, dialect=dialect)  # type: ignore[call-arg]


def instant(spec: ScheduleSpec, which: str) -> datetime | None:
    """`start` or `end` as an aware datetime; None when unset. Unknown: the caller decides."""
    key = getattr(spec.carrier, which)
    value = getattr(spec, which)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ScheduleProblem(
            key, f"{key} must be an ISO 8601 date-time string, got {_shown(value)}."
        )
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ScheduleProblem(
            key, f"{key} {_shown(value)} is not an ISO 8601 date-time like 2026-01-01T00:00:00Z."
        ) from None
    if parsed.tzinfo is None:
        raise ScheduleProblem(key, f"{key} {_shown(value)} has no offset; add Z or +hh:mm.")
    return parsed


def window(spec: ScheduleSpec) -> tuple[datetime | None, datetime | None]:
    """(start, end), validated; raises the unknown advisory when either is unknown."""
    for which in ("start", "end"):
        if is_unknown(getattr(spec, which)):
            unknown(getattr(spec.carrier, which) or spec.expression_key)
    start, end = instant(spec, "start"), instant(spec, "end")
    if start is not None and end is not None and end <= start:
        raise ScheduleProblem(
            spec.carrier.end or "end",
            f"{spec.carrier.end} {spec.end} is not after {spec.carrier.start} {spec.start}, so "
            "the schedule could never fire; swap them or move the end later.",
        )
    return start, end


def analysis(
    spec: ScheduleSpec, reference: datetime, *, count: int = 1, until: datetime | None = None
) -> ScheduleAnalysis:
    """The engine's analysis of the spec in its window, cut at `until` when given (unknowns
    raise the advisory)."""
    require_known(spec)
    schedule = parse(spec)
    start, end = window(spec)
    if until is not None and (end is None or until < end):
        end = until
    try:
        return _analyze(schedule, reference, start, end, count)
    except TypeError:
        # An unhashable schedule (a recurrence object) is analysed without the cache.
        return analyze(schedule, reference=reference, count=count, start=start, end=end)
    except _ENGINE_ERRORS as error:
        raise ScheduleProblem(spec.expression_key, _sentence(str(error)[:200])) from None


@functools.lru_cache(maxsize=1024)
def _analyze(
    schedule: Schedule,
    reference: datetime,
    start: datetime | None,
    end: datetime | None,
    count: int,
) -> ScheduleAnalysis:
    return analyze(schedule, reference=reference, count=count, start=start, end=end)


def figures(result: ScheduleAnalysis) -> Figures:
    """Most runs in any 24 real hours and the shortest gap, taking the engine's worst case where
    the provider leaves DST behaviour undefined (`analysis.worst`, None when documented)."""
    interval = result.min_interval_minutes
    runs = _runs_per_24h(result)
    worst = getattr(result, "worst", None)
    worst_case = False
    if worst is not None:
        worst_interval = getattr(worst, "min_interval_minutes", None)
        worst_runs = _runs_per_24h(worst)
        if worst_interval is not None and (interval is None or worst_interval < interval):
            interval, worst_case = worst_interval, True
        if worst_runs > runs:
            runs, worst_case = worst_runs, True
    return Figures(interval, runs, worst_case)


def _runs_per_24h(result: Any) -> int:
    # The engine's `max_runs_per_24h` counts real time, so an hourly schedule is 24 in any zone;
    # a result without it (an engine before the three dialects) falls back to the calendar day.
    runs = getattr(result, "max_runs_per_24h", None)
    return int(runs if runs is not None else getattr(result, "max_runs_per_day", 0))


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _rate_candidates(dialect: str, minutes: int) -> list[Any]:
    """Schedules in `dialect` that run every `minutes` or a little less often."""
    if dialect == "aws":
        out = []
        for step in (minutes, -(-minutes // 60) * 60, -(-minutes // 1440) * 1440):
            if step % 1440 == 0:
                n, unit = step // 1440, "day"
            elif step % 60 == 0:
                n, unit = step // 60, "hour"
            else:
                n, unit = step, "minute"
            out.append(f"rate({n} {unit}{'s' if n > 1 else ''})")
        return out
    if dialect == "unix-cron":
        out = [f"*/{m} * * * *" for m in range(minutes, 61) if 60 % m == 0][:1]
        hours = [h for h in range(max(1, -(-minutes // 60)), 25) if 24 % h == 0]
        out += [f"0 */{h} * * *" if h < 24 else "0 0 * * *" for h in hours[:1]]
        return out
    return []


def suggest_slower(
    spec: ScheduleSpec, min_interval: float, max_runs: int | None, reference: datetime
) -> str | None:
    """A schedule in the spec's own dialect and zone that this policy accepts, or None.
    Each candidate is checked with the engine exactly as the policy judges, so the message never
    proposes a schedule the policy would reject."""
    minutes = max(int(-(-min_interval // 1)), -(-1440 // max_runs) if max_runs else 1, 1)
    for candidate in _rate_candidates(spec.dialect, minutes):
        trial = replace(spec, expression=candidate)
        try:
            result = analysis(trial, reference)
        except ScheduleProblem:
            continue
        if not too_frequent(figures(result), min_interval, max_runs):
            return candidate
    return None


def too_frequent(result: Figures, min_interval: float, max_runs: int | None) -> bool:
    """Whether `result` breaks a minimum gap or (when given) a 24-hour maximum."""
    interval = result.min_interval_minutes
    too_close = interval is not None and interval < min_interval
    return too_close or (max_runs is not None and result.max_runs_per_24h > max_runs)
