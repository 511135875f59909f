"""``suggest_schedule``: a schedule in the same dialect that runs at most N times in any 24 real
hours, for policy messages whose "fix" must itself pass the policy.

Every candidate is checked with ``analyze`` (worst case included) before it is returned, so a
suggestion can never fail the limit it was made for.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from .adf import WEEK_DAYS, AdfSpec
from .analysis import analyze
from .cron import CronSpec
from .errors import ScheduleError
from .expression import RateSpec, Schedule, parse_schedule

_HOUR_STEPS = (1, 2, 3, 4, 6, 8, 12)
_MINUTE_STEPS = (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30)


def _passes(schedule: Schedule, limit: int, reference: datetime) -> bool:
    figures = analyze(schedule, reference=reference, count=0).judged
    return figures.max_runs_per_24h <= limit


def _cron_candidates(schedule: Schedule) -> Iterator[tuple[str, str]]:
    """(minute field, hour field) from most to fewest runs a day."""
    spec = schedule.spec
    assert isinstance(spec, CronSpec)
    every = "*/" if schedule.dialect == "unix-cron" else "0/"
    minute, hour = str(spec.minutes[0]), str(spec.hours[0])
    for step in _MINUTE_STEPS[1:]:
        yield f"{every}{step}", "*"
    for step in _HOUR_STEPS:
        yield minute, "*" if step == 1 else f"{every}{step}"
    yield minute, hour


def _aws_cron_text(spec: CronSpec, minute: str, hour: str, dom: str | None = None) -> str:
    fields = list(spec.fields)
    fields[0], fields[1] = minute, hour
    if dom is not None:
        fields[2] = dom
    return f"cron({' '.join(fields)})"


def _unix_text(schedule: Schedule, minute: str, hour: str, dom: str | None = None) -> str:
    spec = schedule.spec
    assert isinstance(spec, CronSpec)
    fields = list(spec.fields)
    fields[0], fields[1] = minute, hour
    if dom is not None:
        fields[2] = dom
    text = " ".join(fields)
    expression = schedule.expression
    prefix = expression[: len(expression) - len(expression.lstrip())]
    head = expression.split(None, 1)[0]
    if head.startswith(("TZ=", "CRON_TZ=")):
        return f"{prefix}{head} {text}".strip()
    return text


def _candidates(schedule: Schedule) -> Iterator[Schedule]:
    spec = schedule.spec
    zone = schedule.timezone
    if isinstance(spec, RateSpec) or schedule.kind == "at":
        for minutes in (*range(2, 60), *range(60, 1441, 60), 2880):
            if minutes % 1440 == 0:
                text = f"rate({minutes // 1440} day{'s' if minutes > 1440 else ''})"
            elif minutes % 60 == 0:
                text = f"rate({minutes // 60} hour{'s' if minutes > 60 else ''})"
            else:
                text = f"rate({minutes} minutes)"
            yield parse_schedule(text, zone)
        return
    if isinstance(spec, CronSpec):
        for minute, hour in _cron_candidates(schedule):
            if schedule.dialect == "unix-cron":
                text = _unix_text(schedule, minute, hour)
                prefixed = text.startswith(("TZ=", "CRON_TZ="))
                yield parse_schedule(text, None if prefixed else zone, dialect="unix-cron")
            else:
                yield parse_schedule(_aws_cron_text(spec, minute, hour), zone)
        # Once a day is still twice in the 23 real hours of a spring-forward day: every other
        # day is the next step down.
        # Noon is outside every DST change of the tz database, so the worst case can't repeat it.
        minute = str(spec.minutes[0])
        for hour in dict.fromkeys((str(spec.hours[0]), "12")):
            if schedule.dialect == "unix-cron" and spec.fields[2] == "*":
                text = _unix_text(schedule, minute, hour, "*/2")
                prefixed = text.startswith(("TZ=", "CRON_TZ="))
                yield parse_schedule(text, None if prefixed else zone, dialect="unix-cron")
            elif schedule.dialect == "aws" and spec.fields[2] == "*":
                yield parse_schedule(_aws_cron_text(spec, minute, hour, "1/2"), zone)
        return
    assert isinstance(spec, AdfSpec)
    import json

    recurrence = json.loads(schedule.expression)
    if spec.fixed_interval is not None:
        unit = spec.fixed_interval // spec.interval
        for interval in range(spec.interval + 1, 1001):
            if interval * unit > 86400 * 7:
                break
            yield parse_schedule({**recurrence, "interval": interval}, dialect="adf-recurrence")
        return
    times = spec.times_of_day
    hours = sorted({t // 3600 for t in times})
    minutes = sorted({t // 60 % 60 for t in times})
    for keep_minutes in range(len(minutes), 0, -1):
        for keep_hours in range(len(hours), 0, -1):
            picked_m = minutes[:: max(1, len(minutes) // keep_minutes)][:keep_minutes]
            picked_h = hours[:: max(1, len(hours) // keep_hours)][:keep_hours]
            sched = dict(recurrence.get("schedule", {}))
            sched["minutes"], sched["hours"] = picked_m, picked_h
            yield parse_schedule({**recurrence, "schedule": sched}, dialect="adf-recurrence")
    if spec.frequency == "Week" and spec.week_days:
        sched = {**recurrence.get("schedule", {}), "weekDays": [WEEK_DAYS[spec.week_days[0] - 1]]}
        yield parse_schedule({**recurrence, "schedule": sched}, dialect="adf-recurrence")


def suggest_schedule(
    schedule: Schedule, *, max_runs_per_24h: int, reference: datetime
) -> Schedule | None:
    """A schedule in ``schedule``'s dialect and time zone that runs at most
    ``max_runs_per_24h`` times in any 24 real hours (worst case included), as close to the
    original as the candidates allow; ``schedule`` itself if it already passes; None if no
    candidate does (a limit below 1)."""
    if isinstance(max_runs_per_24h, bool) or not isinstance(max_runs_per_24h, int):
        raise ScheduleError(
            f"max_runs_per_24h must be a whole number, got {max_runs_per_24h!r}"[:120],
            field="max_runs_per_24h",
            value=str(max_runs_per_24h)[:40],
        )
    if max_runs_per_24h < 1:
        return None
    if _passes(schedule, max_runs_per_24h, reference):
        return schedule
    for candidate in _candidates(schedule):
        if _passes(candidate, max_runs_per_24h, reference):
            return candidate
    return None
