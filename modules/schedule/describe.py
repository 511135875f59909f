"""One line of English for a parsed schedule.

Written here rather than with cron-descriptor: that library reads a 6-field expression as
seconds-first Quartz (AWS's first field is minutes), knows nothing of time zones, rate() or at(),
and would be a second parser of the same text, which this repository forbids (one parser, in
``modules/schedule``). We describe the already-validated model instead.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from .cron import DAY_NAMES, YEAR_MAX, YEAR_MIN, CronSpec

if TYPE_CHECKING:
    from .expression import Schedule

_DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_ORDINALS = ("first", "second", "third", "fourth", "fifth")


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _runs(values: tuple[int, ...]) -> list[tuple[int, int]]:
    """Consecutive runs of sorted integers: (1,2,3,5) -> [(1,3),(5,5)]."""
    runs: list[tuple[int, int]] = []
    for value in values:
        if runs and value == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], value)
        else:
            runs.append((value, value))
    return runs


def _names(values: tuple[int, ...], names: tuple[str, ...], base: int) -> str:
    """Weekdays and months are cyclic: a run through the last name into the first reads as one
    range, ``Friday to Monday`` (AWS's wrapping ``FRI-MON``), ``November to February``."""
    parts = []
    runs = _runs(values)
    top = base + len(names) - 1
    if len(runs) > 1 and runs[0][0] == base and runs[-1][1] == top:
        runs = [(runs[-1][0], runs[0][1]), *runs[1:-1]]
    for a, b in runs:
        if a == b:
            parts.append(names[a - base])
        elif b == a + 1 or (a > b and a == top and b == base):
            parts += [names[a - base], names[b - base]]
        else:
            parts.append(f"{names[a - base]} to {names[b - base]}")
    return _join(parts)


def _step(values: tuple[int, ...]) -> int | None:
    if len(values) < 3:
        return None
    step = values[1] - values[0]
    ok = all(b - a == step for a, b in itertools.pairwise(values))
    return step if ok else None


def _times(spec: CronSpec, zone: str) -> tuple[str, bool]:
    """The time-of-day part, and whether it already names the time zone."""
    return _clock(spec.minutes, spec.hours, zone)


def _clock(minutes: tuple[int, ...], hours: tuple[int, ...], zone: str) -> tuple[str, bool]:
    """Runs at every minute of ``minutes`` in every hour of ``hours`` (both ascending)."""
    if len(minutes) * len(hours) <= 4:
        clock = [f"{h:02d}:{m:02d}" for h in hours for m in minutes]
        return f"At {_join(clock)} {zone}", True
    hour_step = _step(hours)
    if len(minutes) == 1:
        minute = minutes[0]
        if len(hours) == 24:
            return f"Every hour at minute {minute}", False
        if hour_step:
            window = f"{hours[0]:02d}:{minute:02d}-{hours[-1]:02d}:{minute:02d}"
            every = "Every hour" if hour_step == 1 else f"Every {hour_step} hours"
            return f"{every} at minute {minute}, {window} {zone}", True
    minute_step = _step(minutes)
    if len(minutes) == 60:
        every = "Every minute"
    elif minute_step and minutes[0] + 60 - minutes[-1] == minute_step:
        # Evenly spaced across the hour boundary too (the step divides 60).
        every = f"Every {minute_step} minutes"
        if minutes[0]:
            every += f" from minute {minutes[0]}"
    elif minute_step and len(hours) == 1:
        # The window below bounds it to one hour.
        every = "Every minute" if minute_step == 1 else f"Every {minute_step} minutes"
    elif minute_step:
        # 0/7: minutes 0, 7, ..., 56, then 0 again four minutes later.
        unit = "minute" if minute_step == 1 else f"{minute_step} minutes"
        every = f"Every {unit} from minute {minutes[0]} to {minutes[-1]} of each hour"
    else:
        label = "minute" if len(minutes) == 1 else "minutes"
        every = f"At {label} {_join([str(m) for m in minutes])}"
    if len(hours) == 24:
        return (every if every.startswith("Every") else f"{every} of every hour"), False
    if len(_runs(hours)) == 1:
        window = f"{hours[0]:02d}:{minutes[0]:02d}-{hours[-1]:02d}:{minutes[-1]:02d}"
        return f"{every}, {window} {zone}", True
    return f"{every}, during hours {_join([f'{h:02d}' for h in hours])} {zone}", True


def _unix_days(spec: CronSpec) -> str:
    dom, dow = sorted(spec.day_of_month.days), tuple(sorted(spec.day_of_week.days))
    month_part = f"on day{'s' if len(dom) > 1 else ''} {_join([str(d) for d in dom])} of the month"
    week_part = _names(dow, _DAYS, 1)
    if spec.day_rule == "either":
        return f"{month_part} and every {week_part}"
    if len(dom) == 31 and len(dow) == 7:
        return "every day"
    if len(dom) == 31:
        return week_part
    if len(dow) == 7:
        return month_part
    return f"{month_part} when it is a {week_part}"


def _days(spec: CronSpec) -> str:
    if spec.day_rule != "aws":
        return _unix_days(spec)
    dom, dow = spec.day_of_month, spec.day_of_week
    if dom.kind == "set":
        if len(dom.days) == 31:
            return "every day"
        label = "day" if len(dom.days) == 1 else "days"
        return f"on {label} {_join([str(d) for d in sorted(dom.days)])} of the month"
    if dom.kind == "last":
        return (
            "on the last day of the month"
            if not dom.n
            else (f"{dom.n} day{'s' if dom.n > 1 else ''} before the last day of the month")
        )
    if dom.kind == "last_weekday":
        return "on the last weekday (Mon-Fri) of the month"
    if dom.kind == "nearest_weekday":
        return f"on the weekday (Mon-Fri) nearest day {dom.n} of the month"
    if dow.kind == "set":
        if len(dow.days) == 7:
            return "every day"
        return _names(tuple(sorted(dow.days)), _DAYS, 1)
    if dow.kind == "last":
        return f"on the last {_DAYS[dow.n - 1]} of the month"
    return f"on the {_ORDINALS[dow.k - 1]} {_DAYS[dow.n - 1]} of the month"


def describe(schedule: Schedule) -> str:
    """E.g. "At 12:00 UTC, every day" or "Every 5 minutes, 08:00-17:55 UTC, Monday to Friday"."""
    spec = schedule.spec
    zone = schedule.timezone
    if schedule.kind == "rate":
        value, unit = spec.value, spec.unit  # type: ignore[union-attr]
        return f"Every {unit}" if value == 1 else f"Every {value} {unit}s"
    if schedule.kind == "at":
        local = spec.local  # type: ignore[union-attr]
        return f"Once, at {local:%Y-%m-%d %H:%M:%S} {zone}"
    if schedule.dialect == "adf-recurrence":
        return _describe_adf(spec, zone)  # type: ignore[arg-type]
    assert isinstance(spec, CronSpec)
    times, zone_named = _times(spec, zone)
    parts = [times, _days(spec)]
    if len(spec.months) < 12:
        parts.append(f"in {_names(spec.months, _MONTHS, 1)}")
    if len(spec.years) < YEAR_MAX - YEAR_MIN + 1:
        runs = _runs(spec.years)
        text = _join([str(a) if a == b else f"{a}-{b}" for a, b in runs])
        parts.append(f"in {text}")
    return ", ".join(parts) + ("" if zone_named else f" ({zone})")


def _describe_adf(spec, zone: str) -> str:
    """E.g. "At 06:00 W. Europe Standard Time (Europe/Berlin), every Monday"."""
    label = spec.windows_zone if spec.windows_zone == zone else f"{spec.windows_zone} ({zone})"
    every = "" if spec.interval == 1 else f"{spec.interval} "
    unit = spec.frequency.lower() + ("s" if spec.interval > 1 else "")
    if spec.fixed_interval is not None:
        text = f"Every {every}{unit} from {spec.start:%Y-%m-%d %H:%M:%S} {label}"
        if spec.end is not None:
            text += f", before {spec.end:%Y-%m-%d %H:%M:%S}"
        return text
    times = spec.times_of_day
    named = True
    if times[0] % 60:  # startTime's seconds (no schedule hours/minutes): a single time
        head = f"At {times[0] // 3600:02d}:{times[0] // 60 % 60:02d}:{times[0] % 60:02d} {label}"
    else:
        # hours x minutes, like a cron's fields: the same wording says exactly which times.
        hours = tuple(sorted({t // 3600 for t in times}))
        minutes = tuple(sorted({t // 60 % 60 for t in times}))
        head, named = _clock(minutes, hours, label)
    if spec.frequency == "Day":
        days = "every day" if spec.interval == 1 else f"every {spec.interval} days"
    elif spec.frequency == "Week":
        names = spec.week_days or ((spec.start.isoweekday() % 7) + 1,)
        days = "every " + _names(tuple(names), _DAYS, 1)
        if spec.interval > 1:
            days += f", every {spec.interval} weeks"
    else:
        parts = []
        positive = sorted(n for n in spec.month_days if n > 0)
        if positive:
            parts.append(
                f"day{'s' if len(positive) > 1 else ''} {_join([str(n) for n in positive])}"
            )
        for n in sorted((n for n in spec.month_days if n < 0), reverse=True):
            # -1 is the last day, -2 the day before it (Microsoft: "-1 = last day").
            parts.append(
                "the last day"
                if n == -1
                else f"{-n - 1} day{'s' if n < -2 else ''} before the last day"
            )
        for weekday, occurrence in spec.occurrences:
            if occurrence == 0:
                parts.append(f"every {_DAYS[weekday - 1]}")
            elif occurrence > 0:
                parts.append(f"the {_ORDINALS[occurrence - 1]} {_DAYS[weekday - 1]}")
            else:
                which = "last" if occurrence == -1 else f"{_ORDINALS[-occurrence - 1]} from last"
                parts.append(f"the {which} {_DAYS[weekday - 1]}")
        if not parts:
            parts.append(f"day {spec.start.day}")
        days = f"on {_join(parts)} of " + (
            "every month" if spec.interval == 1 else f"every {spec.interval} months"
        )
    text = f"{head}, {days}" + ("" if named else f", in {label}")
    if spec.end is not None:  # endTime is exclusive: nothing at or after it runs
        text += f", before {spec.end:%Y-%m-%d %H:%M:%S}"
    return text


__all__ = ["DAY_NAMES", "describe"]
