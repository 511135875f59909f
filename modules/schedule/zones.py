"""Time zones as explicit UTC-offset transition tables, and wall-clock to UTC conversion.

All arithmetic is in integer seconds since the Unix epoch: ``u`` is a UTC instant, ``w`` a local
wall-clock reading expressed as if it were UTC (``w = u + offset``).

EventBridge Scheduler's daylight-saving rules
(https://repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst and the "Daylight saving
time" section of https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html):
a wall time that does not exist because clocks jump forward is skipped, and a wall time that occurs
twice because clocks fall back runs only once. AWS does not say which of the two; we take the
first occurrence (the earlier instant, ``fold=0``), which is what a scheduler walking forward in
wall-clock time does.
"""

from __future__ import annotations

import difflib
import zoneinfo
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import _zoneinfo as _pyzoneinfo  # pure-Python twin: exposes the transition data

from .errors import ScheduleError

# Tables cover 1969-2201 so that every wall time of the AWS year range 1970-2199 is convertible.
_TABLE_START = -366 * 86400
_YEAR_END = 2201


@dataclass(frozen=True)
class ZoneTable:
    """UTC-offset transitions of one zone: ``tau[i]`` is the instant where the offset changes from
    ``before[i]`` to ``after[i]``; ``wall_before[i] = tau[i] + before[i]``."""

    name: str
    initial: int
    tau: tuple[int, ...]
    before: tuple[int, ...]
    after: tuple[int, ...]
    wall_before: tuple[int, ...]

    def to_utc(self, wall: int) -> int | None:
        """UTC instant of a wall time under the Scheduler rules, or None when skipped."""
        idx = bisect_right(self.wall_before, wall)
        if idx == 0:
            return wall - self.initial
        after = self.after[idx - 1]
        if after > self.before[idx - 1] and wall - after < self.tau[idx - 1]:
            return None  # inside a spring-forward gap
        return wall - after

    def offset_at(self, utc: int) -> int:
        """UTC offset (seconds) in effect at a UTC instant."""
        idx = bisect_right(self.tau, utc)
        return self.initial if idx == 0 else self.after[idx - 1]


def _validate_name(name: str) -> None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        close = difflib.get_close_matches(name, _known_zones(), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ScheduleError(
            f"time zone '{name}' is not a known IANA time zone (e.g. 'UTC', 'Europe/Berlin', "
            f"'America/New_York'){hint}",
            field="timezone",
            value=name,
        ) from None


@lru_cache(maxsize=1)
def _known_zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def validate_timezone(name: str) -> str:
    """Return ``name`` if it is an IANA time zone, else raise :class:`ScheduleError`."""
    if not isinstance(name, str) or not name.strip():
        raise ScheduleError(
            f"time zone {name!r} is empty; use an IANA name such as 'UTC' or 'Europe/Berlin'",
            field="timezone",
            value=str(name),
        )
    _validate_name(name)
    return name


@lru_cache(maxsize=256)
def zone_table(name: str) -> ZoneTable:
    """Transition table of an IANA zone over 1969-2201 (built once per zone and process)."""
    zone = _pyzoneinfo.ZoneInfo.no_cache(name)
    events: list[tuple[int, int]] = []  # (instant, offset from then on)
    before = zone._tti_before or (zone._ttinfos[0] if zone._ttinfos else zone._tz_after)
    if not hasattr(before, "utcoff"):  # a zone described only by a POSIX TZ rule
        before = before.std
    current = int(before.utcoff.total_seconds())
    initial = current
    for instant, info in zip(zone._trans_utc, zone._ttinfos, strict=True):
        events.append((instant, int(info.utcoff.total_seconds())))
    last = zone._trans_utc[-1] if zone._trans_utc else None
    rule = zone._tz_after
    if hasattr(rule, "transitions"):
        std = int(rule.std.utcoff.total_seconds())
        dst = int(rule.dst.utcoff.total_seconds())
        first_year = 1969 if last is None else 1970 + last // (365 * 86400) - 1
        for year in range(max(first_year, 1969), _YEAR_END + 1):
            start, end = rule.transitions(year)
            for instant, offset in ((start - std, dst), (end - dst, std)):
                if last is None or instant > last:
                    events.append((instant, offset))
    events.sort()
    taus, befores, afters = [], [], []
    for instant, offset in events:
        if instant < _TABLE_START:
            initial = current = offset
            continue
        if offset != current:
            taus.append(instant)
            befores.append(current)
            afters.append(offset)
            current = offset
    if not taus:
        initial = current
    return ZoneTable(
        name=name,
        initial=initial,
        tau=tuple(taus),
        before=tuple(befores),
        after=tuple(afters),
        wall_before=tuple(t + b for t, b in zip(taus, befores, strict=True)),
    )
