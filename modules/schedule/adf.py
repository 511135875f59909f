"""Dialect ``adf-recurrence``: the recurrence of an Azure Data Factory ScheduleTrigger (and Azure
ML's recurrence), with ADF's own key names.

Semantics from Microsoft's "Create a trigger that runs a pipeline on a schedule"
(https://learn.microsoft.com/azure/data-factory/how-to-create-schedule-trigger):

* occurrences are anchored at ``startTime`` + k * ``interval`` (minutes, hours, days, weeks or
  months); occurrences in the past are dropped, the first future one runs; ``endTime`` is
  exclusive (the quickstart's 00:00-01:00 every 15 minutes runs at :15, :30 and :45);
* ``schedule`` refines or expands the recurrence: hours and minutes default to ``startTime``'s,
  ``weekDays`` only with ``Week``, ``monthDays`` (1..31, -1..-31 counting from the month's end)
  and ``monthlyOccurrences`` (``day`` + ``occurrence`` 1..5 / -1..-5, omitted = every such day)
  only with ``Month``; a day the month lacks (31, a 5th Friday) means no run that month; with a
  schedule the trigger starts "no sooner than" ``startTime``;
* time zones are Windows IDs; Day and longer keep the wall clock across daylight saving, Minute
  and Hour fire at a fixed interval; UTC timestamps end in ``Z``, others carry no offset.

Not documented, so rejected: a schedule with Minute or Hour frequency, ``Year`` and
``NotSpecified`` frequencies, a ``startTime`` that does not exist or is ambiguous (DST) for
Minute/Hour. Analysed with a stated worst case (see analysis.py): wall times inside a DST gap or
a repeated hour for Day and longer; where a week starts for ``Week`` with an interval above 1.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from .errors import ScheduleError
from .zones import _suggest, validate_timezone, windows_to_iana, zone_table

FREQUENCIES = ("Minute", "Hour", "Day", "Week", "Month")
WEEK_DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_KEYS = ("frequency", "interval", "startTime", "endTime", "timeZone", "schedule")
_SCHEDULE_KEYS = ("minutes", "hours", "weekDays", "monthDays", "monthlyOccurrences")
_TIMESTAMP = re.compile(
    r"^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.0{1,7})?(Z|[+-][0-9]{2}:?[0-9]{2})?$"
)
_EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class AdfSpec:
    """A validated ADF recurrence. Week days use 1=Sunday .. 7=Saturday (as AWS cron does)."""

    frequency: str
    interval: int
    start: datetime  # naive wall time in the zone
    start_utc: int  # seconds since the epoch
    end: datetime | None
    end_utc: int | None
    windows_zone: str
    minutes: tuple[int, ...] | None  # None: unset (defaults to startTime's)
    hours: tuple[int, ...] | None
    week_days: tuple[int, ...]
    month_days: tuple[int, ...]
    occurrences: tuple[tuple[int, int], ...]  # (weekday 1-7, occurrence; 0 = every)
    has_schedule: bool
    canonical: str

    @property
    def fixed_interval(self) -> int | None:
        """Seconds between runs for Minute/Hour (no schedule), else None."""
        if self.frequency == "Minute":
            return 60 * self.interval
        if self.frequency == "Hour":
            return 3600 * self.interval
        return None

    @property
    def times_of_day(self) -> tuple[int, ...]:
        """Seconds after local midnight of the runs on a matching day (Day and longer)."""
        hours = self.hours if self.hours is not None else (self.start.hour,)
        minutes = self.minutes if self.minutes is not None else (self.start.minute,)
        second = self.start.second if self.hours is None and self.minutes is None else 0
        return tuple(sorted(h * 3600 + m * 60 + second for h in hours for m in minutes))


def _err(field: str, value: object, message: str) -> ScheduleError:
    # Text is quoted (JSON, as the recurrence is JSON), so "5" is told apart from 5, an empty
    # value stays visible and a pasted newline shows as \n.
    shown = json.dumps(value, default=repr, ensure_ascii=False)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return ScheduleError(f"{field} {shown!s} {message}", field=field, value=shown)


def _unknown_keys(where: str, mapping: Mapping, allowed: tuple[str, ...]) -> None:
    for key in mapping:
        if key not in allowed:
            name = key if isinstance(key, str) else repr(key)
            close = _suggest(name, allowed) if isinstance(key, str) and len(key) < 60 else ""
            hint = f"; did you mean '{close}'?" if close else ""
            raise ScheduleError(
                f"{where} has the unknown key '{name[:60]}'{hint} (ADF's keys: "
                f"{', '.join(allowed)})",
                field=f"{where}.{name[:60]}",
                value=name[:60],
            )


def _integer(field: str, value: object, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        hint = ""
        if isinstance(value, str) and re.fullmatch(r"[0-9]{1,4}", value):
            hint = f"; write the number without quotes: {int(value)}"
        raise _err(field, value, f"must be a whole number {lo}..{hi}{hint}")
    if not lo <= value <= hi:
        raise _err(field, value, f"is outside {lo}..{hi}")
    return value


def _int_list(field: str, value: object, lo: int, hi: int, *, signed: bool = False) -> list[int]:
    items = value if isinstance(value, list) else [value]
    if not items:
        raise _err(field, value, "is an empty list; omit the key to use startTime's value")
    out = []
    for item in items:
        if signed:
            number = _integer(field, item, -hi, hi)
            if number == 0 or abs(number) < lo:
                raise _err(field, item, f"is not a day: use 1..{hi} or -1..-{hi} (-1 = last day)")
        else:
            number = _integer(field, item, lo, hi)
        out.append(number)
    return sorted(set(out))


def _weekday(field: str, value: object) -> int:
    if isinstance(value, str):
        for index, name in enumerate(WEEK_DAYS):
            if value.strip().lower() == name.lower():
                return index + 1
    close = _suggest(value, WEEK_DAYS) if isinstance(value, str) and len(value) < 40 else ""
    hint = f"; did you mean '{close}'?" if close else ""
    raise _err(field, value, f"is not a day of the week (Monday .. Sunday, any case){hint}")


def _timestamp(field: str, value: object, utc: bool) -> datetime:
    if not isinstance(value, str):
        raise _err(field, value, "must be a string yyyy-MM-ddTHH:mm:ss")
    match = _TIMESTAMP.match(value.strip())
    if not match:
        raise _err(field, value, "is not a timestamp: write yyyy-MM-ddTHH:mm:ss")
    suffix = match.group(8)
    if utc and suffix != "Z":
        raise _err(
            field,
            value,
            "must end in 'Z' when timeZone is UTC (ADF expects yyyy-MM-ddTHH:mm:ssZ for UTC)",
        )
    if not utc and suffix:
        raise _err(
            field,
            value,
            "must not carry 'Z' or an offset when timeZone is not UTC (ADF expects "
            "yyyy-MM-ddTHH:mm:ss in the trigger's time zone); drop the suffix",
        )
    try:
        return datetime(*(int(match.group(i)) for i in range(1, 7)))  # type: ignore[misc]
    except ValueError as exc:
        raise _err(field, value, f"is not a real date-time ({exc})") from None


def _wall_seconds(moment: datetime) -> int:
    return int((moment - _EPOCH).total_seconds())


def _to_utc(field: str, raw: object, moment: datetime, zone: str, *, strict: bool) -> int:
    """UTC seconds of a wall time; ambiguous/nonexistent ones are errors when ``strict``."""
    table = zone_table(zone)
    wall = _wall_seconds(moment)
    occurrences = table.occurrences(wall)
    if not occurrences:
        if strict:
            raise _err(
                field,
                raw,
                f"does not exist in {zone}: clocks jump over it (daylight saving); pick a time "
                "outside the change",
            )
        return table.gap_end(wall)
    if len(occurrences) > 1 and strict:
        raise _err(
            field,
            raw,
            f"happens twice in {zone} (clocks fall back); ADF does not say which one it means, "
            "pick a time outside the repeated hour",
        )
    return occurrences[0]


def _load(expression: object) -> Mapping:
    if isinstance(expression, str):
        try:
            expression = json.loads(expression)
        except (ValueError, RecursionError):
            raise ScheduleError(
                "recurrence is a string but not JSON; pass the recurrence mapping "
                '(e.g. {"frequency": "Day", "interval": 1, "startTime": ...})',
                field="recurrence",
                value=expression[:80],
            ) from None
    if not isinstance(expression, Mapping):
        raise ScheduleError(
            f"recurrence must be a mapping with ADF's keys ({', '.join(_KEYS)}), got "
            f"{type(expression).__name__}",
            field="recurrence",
            value=repr(expression)[:80],
        )
    return expression


def parse_recurrence(expression: object, timezone: str | None = None) -> tuple[AdfSpec, str]:
    """Validate an ADF recurrence; returns the spec and the IANA zone it runs in.

    ``timezone`` (optional) may be a Windows ID or an IANA name; when the recurrence also has
    ``timeZone`` both must name the same zone.
    """
    recurrence = _load(expression)
    _unknown_keys("recurrence", recurrence, _KEYS)
    frequency_raw = recurrence.get("frequency")
    if frequency_raw is None:
        raise ScheduleError(
            f"recurrence.frequency is missing; ADF needs one of {', '.join(FREQUENCIES)}",
            field="recurrence.frequency",
            value="",
        )
    frequency = next(
        (
            f
            for f in FREQUENCIES
            if isinstance(frequency_raw, str) and f.lower() == frequency_raw.lower()
        ),
        None,
    )
    if frequency is None:
        extra = ""
        if isinstance(frequency_raw, str) and frequency_raw.lower() in ("year", "notspecified"):
            extra = (
                f"; '{frequency_raw}' is in ADF's API enum but Microsoft does not document how a "
                "schedule trigger runs with it"
            )
        raise _err(
            "recurrence.frequency",
            frequency_raw,
            f"is not allowed; use {', '.join(FREQUENCIES)}{extra}",
        )
    interval = _integer("recurrence.interval", recurrence.get("interval", 1), 1, 1000)

    zone_raw = recurrence.get("timeZone")
    windows = "UTC" if zone_raw is None else zone_raw
    iana = windows_to_iana(windows, field="recurrence.timeZone")
    if timezone is not None:
        from .zones import _windows_map

        other = _windows_map().get(timezone) if isinstance(timezone, str) else None
        other = other or validate_timezone(timezone)
        if zone_raw is None:
            iana, windows = other, _windows_name(timezone, other)
        elif other != iana:
            raise ScheduleError(
                f"time zone '{timezone}' and recurrence.timeZone '{windows}' ({iana}) disagree; "
                "set one of them",
                field="recurrence.timeZone",
                value=str(windows),
            )
    utc = windows == "UTC"
    start_raw = recurrence.get("startTime")
    if start_raw is None:
        raise ScheduleError(
            "recurrence.startTime is missing; ADF needs it (yyyy-MM-ddTHH:mm:ss"
            + ("Z" if utc else "")
            + ")",
            field="recurrence.startTime",
            value="",
        )
    start = _timestamp("recurrence.startTime", start_raw, utc)
    fixed = frequency in ("Minute", "Hour")
    start_utc = _to_utc("recurrence.startTime", start_raw, start, iana, strict=fixed)
    end = end_utc = None
    if recurrence.get("endTime") is not None:
        end_raw = recurrence["endTime"]
        end = _timestamp("recurrence.endTime", end_raw, utc)
        end_utc = _to_utc("recurrence.endTime", end_raw, end, iana, strict=False)
        if end_utc <= start_utc:
            raise _err("recurrence.endTime", end_raw, f"is not after startTime {start_raw}")

    minutes, hours, week_days, month_days, occurrences, canonical_schedule = _parse_schedule(
        recurrence.get("schedule"), frequency
    )
    canonical: dict = {"frequency": frequency, "interval": interval, "startTime": _fmt(start, utc)}
    if end is not None:
        canonical["endTime"] = _fmt(end, utc)
    canonical["timeZone"] = windows
    if canonical_schedule:
        canonical["schedule"] = canonical_schedule
    spec = AdfSpec(
        frequency=frequency,
        interval=interval,
        start=start,
        start_utc=start_utc,
        end=end,
        end_utc=end_utc,
        windows_zone=windows,
        minutes=minutes,
        hours=hours,
        week_days=tuple(week_days),
        month_days=tuple(month_days),
        occurrences=tuple(occurrences),
        has_schedule=bool(canonical_schedule),
        canonical=json.dumps(canonical, sort_keys=True, separators=(",", ":")),
    )
    return spec, iana


def _parse_schedule(schedule: object, frequency: str) -> tuple:
    """The ``schedule`` block: (minutes, hours, weekDays, monthDays, monthlyOccurrences,
    canonical form)."""
    fixed = frequency in ("Minute", "Hour")
    minutes = hours = None
    week_days: list[int] = []
    month_days: list[int] = []
    occurrences: list[tuple[int, int]] = []
    canonical_schedule: dict = {}
    if schedule is not None:
        if not isinstance(schedule, Mapping):
            raise _err(
                "recurrence.schedule", schedule, "must be a mapping of " + ", ".join(_SCHEDULE_KEYS)
            )
        _unknown_keys("recurrence.schedule", schedule, _SCHEDULE_KEYS)
        if schedule and fixed:
            raise ScheduleError(
                f"recurrence.schedule is set with frequency {frequency}; Microsoft documents "
                "schedules only with Day, Week and Month. Use frequency Day with schedule hours/"
                "minutes, or drop the schedule",
                field="recurrence.schedule",
                value=json.dumps(schedule, default=repr)[:80],
            )
        if "minutes" in schedule:
            minutes = tuple(_int_list("recurrence.schedule.minutes", schedule["minutes"], 0, 59))
            canonical_schedule["minutes"] = list(minutes)
        if "hours" in schedule:
            hours = tuple(_int_list("recurrence.schedule.hours", schedule["hours"], 0, 23))
            canonical_schedule["hours"] = list(hours)
        if "weekDays" in schedule:
            if frequency != "Week":
                raise _only("weekDays", "Week", frequency)
            raw = schedule["weekDays"]
            items = raw if isinstance(raw, list) else [raw]
            if not items or len(items) > 7:
                raise _err("recurrence.schedule.weekDays", raw, "must list 1 to 7 days")
            week_days = sorted({_weekday("recurrence.schedule.weekDays", d) for d in items})
            canonical_schedule["weekDays"] = [WEEK_DAYS[d - 1] for d in week_days]
        if "monthDays" in schedule:
            if frequency != "Month":
                raise _only("monthDays", "Month", frequency)
            month_days = _int_list(
                "recurrence.schedule.monthDays", schedule["monthDays"], 1, 31, signed=True
            )
            canonical_schedule["monthDays"] = month_days
        if "monthlyOccurrences" in schedule:
            if frequency != "Month":
                raise _only("monthlyOccurrences", "Month", frequency)
            occurrences = _occurrences(schedule["monthlyOccurrences"])
            canonical_schedule["monthlyOccurrences"] = [
                {"day": WEEK_DAYS[d - 1], **({"occurrence": o} if o else {})}
                for d, o in occurrences
            ]
    return minutes, hours, week_days, month_days, occurrences, canonical_schedule


def _occurrences(raw: object) -> list[tuple[int, int]]:
    """``monthlyOccurrences``: [(weekday 1-7, occurrence; 0 = every such day)]."""
    if not isinstance(raw, list) or not raw:
        raise _err(
            "recurrence.schedule.monthlyOccurrences",
            raw,
            'must be a list of {"day": "Friday", "occurrence": 1}',
        )
    found = set()
    for item in raw:
        where = "recurrence.schedule.monthlyOccurrences"
        if not isinstance(item, Mapping):
            raise _err(
                where,
                item,
                'must be {"day": <Monday..Sunday>, "occurrence": <1..5 or -1..-5>}',
            )
        _unknown_keys(where, item, ("day", "occurrence"))
        if "day" not in item:
            raise _err(where, item, "needs 'day' (Monday .. Sunday)")
        day = _weekday(f"{where}.day", item["day"])
        occurrence = 0
        if item.get("occurrence") is not None:
            occurrence = _integer(f"{where}.occurrence", item["occurrence"], -5, 5)
            if occurrence == 0:
                raise _err(f"{where}.occurrence", 0, "must be 1..5 or -1..-5 (-1 = last)")
        found.add((day, occurrence))
    return sorted(found)


def _windows_name(given: str, iana: str) -> str:
    from .zones import _windows_map, iana_to_windows

    if given in _windows_map():
        return given
    return iana_to_windows(iana) or given


def _only(key: str, frequency: str, actual: str) -> ScheduleError:
    return ScheduleError(
        f"recurrence.schedule.{key} is only allowed with frequency {frequency} (Microsoft's "
        f"schedule table), not {actual}",
        field=f"recurrence.schedule.{key}",
        value=actual,
    )


def _fmt(moment: datetime, utc: bool) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + ("Z" if utc else "")
