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
import re
import zoneinfo
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
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

    def occurrences(self, wall: int) -> tuple[int, ...]:
        """Every UTC instant whose local reading is ``wall``: none in a gap, two in a repeated
        hour, ascending."""
        idx = bisect_right(self.wall_before, wall)
        candidates = {self.initial if idx == 0 else self.after[idx - 1]}
        for i in range(max(idx - 2, 0), min(idx + 2, len(self.tau))):
            candidates.update((self.before[i], self.after[i]))
        return tuple(sorted(wall - o for o in candidates if self.offset_at(wall - o) == o))

    def gap_end(self, wall: int) -> int:
        """For a wall time inside a spring-forward gap: the instant the gap ends (the
        transition), i.e. the first instant after it."""
        idx = bisect_right(self.wall_before, wall)
        return self.tau[idx - 1] if idx else wall - self.initial

    def offset_at(self, utc: int) -> int:
        """UTC offset (seconds) in effect at a UTC instant."""
        idx = bisect_right(self.tau, utc)
        return self.initial if idx == 0 else self.after[idx - 1]

    def day_shape(self, wall: int) -> tuple[int, int, tuple]:
        """The changes that can touch the local day starting at wall-clock `wall` (indices
        [i0, i1), from the day before to the day after) and a key equal for every day whose
        offsets and changes sit at the same places relative to its midnight, so a day's runs
        can be worked out once per shape."""
        day = 86400
        i0 = bisect_left(self.wall_before, wall - day)
        i1 = bisect_right(self.wall_before, wall + 2 * day)
        key = (
            self.after[i0 - 1] if i0 else self.initial,
            tuple(
                (self.wall_before[i] - wall, self.tau[i] - wall, self.after[i])
                for i in range(i0, i1)
            ),
        )
        return i0, i1, key

    def day_points(self, wall: int, i0: int, i1: int) -> list[int]:
        """The local day [wall, wall + 1 day) cut where changes i0..i1 begin or end on the
        wall clock: ascending distinct points, the day's two ends included."""
        end = wall + 86400
        points = {wall, end}
        for i in range(i0, i1):
            for point in (self.wall_before[i], self.tau[i] + self.after[i]):
                if wall < point < end:
                    points.add(point)
        return sorted(points)


def _suggest(name: str, candidates: tuple[str, ...]) -> str:
    """Closest candidate: token-prefix matches first (``Australian`` ~ ``AUS``), then difflib."""
    words = [w for w in re.split(r"[\s._/-]+", name.lower()) if w]

    def score(candidate: str) -> tuple[int, float]:
        theirs = [w for w in re.split(r"[\s._/-]+", candidate.lower()) if w]
        hits = sum(any(a.startswith(b) or b.startswith(a) for b in theirs) for a in words)
        return hits, difflib.SequenceMatcher(None, name.lower(), candidate.lower()).ratio()

    best = max(candidates, key=score, default=None)
    if best is None:
        return ""
    hits, ratio = score(best)
    if ratio < 0.6 and hits < max(2, len(words) - 1):
        return ""
    return best


@lru_cache(maxsize=1)
def tz_database_names() -> frozenset[str]:
    """The zone names of the tz database as the ``tzdata`` package lists them (its ``zones``
    file), minus ``Factory``. ``ZoneInfo()`` alone would accept any file under the system's
    zoneinfo folder (``localtime``, ``posix/...``, ``right/...``), which differs per machine;
    this list is the same everywhere and is what the clouds' own zone lists derive from.
    ``Factory`` is a tz database placeholder ("-00", "local time zone must be set"), not a
    place."""
    text = resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip()) - {"Factory"}


@lru_cache(maxsize=1)
def _known_zones() -> tuple[str, ...]:
    return tuple(sorted(tz_database_names()))


def validate_timezone(name: object, *, field: str = "timezone") -> str:
    """Return ``name`` if it is a tz database (IANA) zone name, else raise
    :class:`ScheduleError`."""
    if not isinstance(name, str):
        raise ScheduleError(
            f"{field} must be a string such as 'UTC' or 'Europe/Berlin', got "
            f"{type(name).__name__} {_short(name)}",
            field=field,
            value=_short(name),
        )
    if not name.strip():
        raise ScheduleError(
            f"{field} is empty; use an IANA name such as 'UTC' or 'Europe/Berlin'",
            field=field,
            value=name,
        )
    if name not in tz_database_names():
        close = _suggest(name, _known_zones()) if len(name) <= 100 else ""
        hint = f"; did you mean '{close}'?" if close else ""
        raise ScheduleError(
            f"{field} '{_short(name)}' is not a known IANA time zone (e.g. 'UTC', "
            f"'Europe/Berlin', 'America/New_York'){hint}",
            field=field,
            value=_short(name),
        )
    return name


def _short(value: object, limit: int = 80) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# -- Windows time zone IDs (Azure Data Factory) ------------------------------------------------


@lru_cache(maxsize=1)
def _windows_map() -> dict[str, str]:
    """Windows time zone ID -> IANA zone, from CLDR's windowsZones (territory 001) as tzlocal
    ships it; regenerated by tzlocal from CLDR, so not a table typed by hand here."""
    from tzlocal.windows_tz import win_tz

    table = {"UTC": "UTC"}
    table.update({k: v for k, v in win_tz.items() if k != "UTC"})
    return table


def windows_zone_ids() -> tuple[str, ...]:
    """Every Windows time zone ID that maps to an IANA zone."""
    return tuple(sorted(_windows_map()))


def windows_to_iana(name: object, *, field: str = "timeZone") -> str:
    """IANA zone of a Windows time zone ID (``W. Europe Standard Time`` -> ``Europe/Berlin``);
    :class:`ScheduleError` with a did-you-mean otherwise (Azure itself only complains when the
    trigger is started)."""
    if not isinstance(name, str) or not name.strip():
        raise ScheduleError(
            f"{field} must be a Windows time zone ID such as 'UTC' or 'W. Europe Standard Time', "
            f"got {_short(name) if isinstance(name, str) else type(name).__name__}",
            field=field,
            value=_short(name),
        )
    table = _windows_map()
    if name in table:
        return table[name]
    iana = iana_to_windows(name) if name in tz_database_names() else None
    if iana:
        hint = f"; '{name}' is an IANA name, its Windows ID is '{iana}'"
    else:
        close = _suggest(name, windows_zone_ids()) if len(name) <= 100 else ""
        hint = f"; did you mean '{close}'?" if close else ""
    raise ScheduleError(
        f"{field} '{_short(name)}' is not a Windows time zone ID (Data Factory takes IDs such as "
        f"'UTC', 'W. Europe Standard Time', 'Pacific Standard Time'){hint}",
        field=field,
        value=_short(name),
    )


def iana_to_windows(name: str) -> str | None:
    """Windows time zone ID for an IANA zone (CLDR's mapping), or None when CLDR has none."""
    from tzlocal.windows_tz import tz_win

    if name in ("UTC", "Etc/UTC"):
        return "UTC"
    return tz_win.get(name)


@lru_cache(maxsize=256)
def zone_info(name: str) -> zoneinfo.ZoneInfo:
    """``ZoneInfo`` for a validated name, read from the ``tzdata`` package like the transition
    tables, so local times shown agree with the figures on every machine."""
    path = resources.files("tzdata.zoneinfo").joinpath(*name.split("/"))
    try:
        with path.open("rb") as handle:
            return zoneinfo.ZoneInfo.from_file(handle, key=name)
    except (OSError, ValueError):
        return zoneinfo.ZoneInfo(name)


def _load(name: str) -> _pyzoneinfo.ZoneInfo:
    """The zone from the ``tzdata`` package (pinned in uv.lock), not the machine's zoneinfo
    folder, so every machine computes the same transitions."""
    path = resources.files("tzdata.zoneinfo").joinpath(*name.split("/"))
    try:
        with path.open("rb") as handle:
            return _pyzoneinfo.ZoneInfo.from_file(handle, key=name)
    except (OSError, ValueError):  # not shipped by tzdata (validated names always are)
        return _pyzoneinfo.ZoneInfo.no_cache(name)


@lru_cache(maxsize=256)
def zone_table(name: str) -> ZoneTable:
    """Transition table of an IANA zone over 1969-2201 (built once per zone and process)."""
    zone = _load(name)
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
