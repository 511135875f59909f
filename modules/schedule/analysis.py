"""``analyze``: next runs, busiest day, shortest gap and "never fires" for a Schedule.

Horizon. Every figure is exact over the whole future the schedule can have, not a sample:

* cron: AWS's year field only goes up to 2199, so the runs of any cron expression are a finite set
  ending on 2199-12-31. The analysis covers ``[max(reference, start), end)`` clipped to that date,
  i.e. *every* remaining run. It does so without visiting every day: the set of matching days of a
  year depends only on the year's type (leap or not, weekday of 1 January: 14 types, which is why
  the 400-year Gregorian cycle needs no special casing) and on the zone's offset transitions
  inside it, so each distinct year shape is computed once and reused; days next to an offset
  transition, and the first and last (clipped) days, are evaluated exactly, everything else uses
  wall-clock arithmetic that is provably equal to real elapsed time there (no offset change
  between the two runs). A year-limited or leap-day expression is therefore handled like any
  other: its years are simply the ones listed.
* rate: runs are ``anchor + k * rate`` in real (UTC) time, anchored at ``start`` if given, else at
  ``reference``. The shortest interval is the rate itself. Between offset transitions every local
  day lasts 24 h and its run count depends only on its phase, so the busiest day of a stretch is
  found with modular arithmetic (phases repeat every ``rate / gcd(rate, 24 h)`` days); days
  touched by a transition are counted one by one. The horizon ends with 2199 like cron.
* at: one run.
"""

from __future__ import annotations

import calendar
import itertools
import operator
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .adf import AdfSpec
from .cron import CronSpec
from .describe import describe
from .errors import ScheduleError
from .expression import AtSpec, RateSpec, Schedule
from .unix_engine import UnixPolicyEngine, UnixWindow
from .zones import ZoneTable, zone_info, zone_table

DAY = 86400
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = _EPOCH.date().toordinal()
_MONTH_LENGTHS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# Walls of the last AWS year end here; no run can be at or after it in any zone.
_HORIZON = (datetime(2200, 1, 1).toordinal() - _EPOCH_ORDINAL + 2) * DAY
# Per year of the AWS range: (first day since the epoch, leap, weekday of 1 January, 1=SUN).
_YEARS = {
    year: (
        datetime(year, 1, 1).toordinal() - _EPOCH_ORDINAL,
        calendar.isleap(year),
        (datetime(year, 1, 1).toordinal() - _EPOCH_ORDINAL + 4) % 7 + 1,
    )
    for year in range(1970, 2201)
}
_YEAR_STARTS = [_YEARS[year][0] for year in range(1970, 2201)]
_LAYOUTS: dict[tuple[str, int], tuple[int, int, int]] = {}
_SHAPES: dict[tuple, int] = {}  # interned layout shapes: cheap to hash in the year loop


def _layout(table: ZoneTable, year: int) -> tuple[int, int, int]:
    """Transitions that can touch the wall-clock days of ``year`` (index range into the table)
    and their shape relative to 1 January, which with the calendar type identifies years that
    behave identically. Zone data, so cached per zone like the table itself."""
    key = (table.name, year)
    hit = _LAYOUTS.get(key)
    if hit is None:
        start, leap, _ = _YEARS[year]
        y0 = start * DAY
        y1 = y0 + (366 if leap else 365) * DAY
        i0 = bisect_left(table.wall_before, y0 - 2 * DAY)
        i1 = bisect_right(table.wall_before, y1 + 2 * DAY)
        shape = (
            table.after[i0 - 1] if i0 else table.initial,
            tuple(
                (table.wall_before[i] - y0, table.tau[i] - y0, table.before[i], table.after[i])
                for i in range(i0, i1)
            ),
        )
        hit = _LAYOUTS[key] = (i0, i1, _SHAPES.setdefault(shape, len(_SHAPES)))
    return hit


def _stats(runs: list[int]) -> tuple[int, int, int, int | None]:
    """(count, first, last, shortest gap) of ascending instants."""
    if not runs:
        return 0, 0, 0, None
    best = min(map(operator.sub, runs[1:], runs)) if len(runs) > 1 else None
    return len(runs), runs[0], runs[-1], best


def _next_bit(mask: int, position: int) -> int | None:
    """Lowest set bit at or above ``position``."""
    position = max(position, 0)
    rest = mask >> position
    return None if not rest else position + (rest & -rest).bit_length() - 1


def _prev_bit(mask: int, position: int) -> int | None:
    """Highest set bit at or below ``position``."""
    if position < 0:
        return None
    rest = mask & ((2 << position) - 1)
    return rest.bit_length() - 1 if rest else None


def _bits(mask: int):
    """Set bits of ``mask``, ascending."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


@dataclass(frozen=True)
class ScheduleFigures:
    """The frequency figures of a schedule under one reading of its provider's rules."""

    next_runs: tuple[datetime, ...]  # tz-aware UTC, at most `count`
    max_runs_per_day: int  # busiest local calendar day; 0 when it never fires
    max_runs_per_24h: int  # most runs in any 24 real hours; 0 when it never fires
    min_interval_minutes: float | None  # None when it fires fewer than twice
    never_fires: bool


@dataclass(frozen=True)
class ScheduleAnalysis:
    """What a schedule does from ``reference`` on (within ``start``/``end``)."""

    schedule: Schedule
    next_runs: tuple[datetime, ...]  # tz-aware UTC, at most `count`
    next_runs_local: tuple[datetime, ...]  # same instants in schedule.timezone
    max_runs_per_day: int  # 0 when it never fires
    min_interval_minutes: float | None  # None when it fires fewer than twice
    never_fires: bool  # never fires at or after `reference` (within start/end)
    description: str  # one line of English
    max_runs_per_24h: int = 0  # most runs in any 24 real hours (any window, exact)
    warnings: tuple[str, ...] = ()  # what the provider leaves undefined that this schedule hits
    # The same figures under the worst case where the provider leaves behaviour undefined
    # (unix-cron and ADF wall times skipped or repeated by DST); None where it is documented.
    worst: ScheduleFigures | None = None

    @property
    def judged(self) -> ScheduleFigures:
        """The figures a policy should judge: the worst case when there is one."""
        return self.worst or ScheduleFigures(
            next_runs=self.next_runs,
            max_runs_per_day=self.max_runs_per_day,
            max_runs_per_24h=self.max_runs_per_24h,
            min_interval_minutes=self.min_interval_minutes,
            never_fires=self.never_fires,
        )


def _seconds(value: datetime, name: str) -> int:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ScheduleError(
            f"{name} must be a timezone-aware datetime, got {value!r}", field=name, value=str(value)
        )
    delta = value - _EPOCH
    whole = delta // timedelta(seconds=1)
    return whole + (1 if delta - timedelta(seconds=whole) else 0)  # round up sub-second parts


def _to_datetime(seconds: int) -> datetime:
    return _EPOCH + timedelta(seconds=seconds)


def _aws_weekday(day_number: int) -> int:
    """1=SUN .. 7=SAT for a day counted from 1970-01-01 (a Thursday)."""
    return (day_number + 4) % 7 + 1


# Daylight-saving policies: what a wall time that occurs twice (fall back) or not at all (spring
# forward) does. (occurrences, gap): "first" runs at the first instant only, "all" at both;
# "skip" drops a wall time inside a gap, "shift" runs it once at the end of the gap.
AWS_POLICY = ("first", "skip")  # EventBridge Scheduler (documented)
DEBIAN_FIXED = ("first", "shift")  # Debian cron / cronsim, fixed-time jobs
DEBIAN_WILDCARD = ("all", "skip")  # Debian cron / cronsim, '*' in minute or hour
WORST = ("all", "shift")  # every reading of a wall time runs


class _CronEngine:
    """Evaluates one cron spec in one zone; caches per month shape and per year shape."""

    def __init__(
        self,
        spec: CronSpec,
        table: ZoneTable,
        policy: tuple[str, str] = AWS_POLICY,
        times: tuple[int, ...] | None = None,
    ):
        self.spec = spec
        self.table = table
        self.policy = policy
        self._runs_cache: dict[tuple, list[int]] = {}
        self._window_cache: dict[tuple, int] = {}
        if times is None:
            times = tuple([60 * (h * 60 + m) for h in spec.hours for m in spec.minutes])
        self.times = times
        self.gaps = tuple([b - a for a, b in itertools.pairwise(times)])
        self.min_gap_in_day = min(self.gaps) if self.gaps else None
        self.span = self.times[-1] - self.times[0]
        self.months = frozenset(spec.months)
        self._month_days: dict[tuple[int, int], tuple[int, ...]] = {}
        self._year_masks: dict[tuple[bool, int], int] = {}
        self._month_masks: dict[tuple[int, int], int] = {}
        dom, dow = spec.day_of_month, spec.day_of_week
        self.weekday_free = (dow.kind == "any" and dom.kind in ("set", "last")) or (
            spec.day_rule == "both" and len(dow.days) == 7
        )
        self._years: dict[tuple, tuple | None] = {}
        self._year_set: frozenset[int] | None = None
        self._days: dict[tuple, tuple[int, int, int, int | None]] = {}

    # -- calendar -----------------------------------------------------------------------------
    def month_days(self, length: int, first_weekday: int) -> tuple[int, ...]:
        """Matching days (1-based) of a month of ``length`` days starting on ``first_weekday``."""
        key = (length, first_weekday)
        hit = self._month_days.get(key)
        if hit is not None:
            return hit

        def weekday(day: int) -> int:
            return (first_weekday - 1 + day - 1) % 7 + 1

        dom, dow = self.spec.day_of_month, self.spec.day_of_week
        days: list[int] = []
        rule = self.spec.day_rule
        if rule in ("both", "either"):  # unix-cron, Vixie/Debian rule
            in_dom = {d for d in dom.days if d <= length}
            in_dow = {d for d in range(1, length + 1) if weekday(d) in dow.days}
            days = sorted(in_dom & in_dow if rule == "both" else in_dom | in_dow)
        elif dom.kind == "set":
            days = [d for d in sorted(dom.days) if d <= length]
        elif dom.kind == "last":
            if length - dom.n >= 1:
                days = [length - dom.n]
        elif dom.kind == "last_weekday":
            day = length
            while weekday(day) in (1, 7):
                day -= 1
            days = [day]
        elif dom.kind == "nearest_weekday":
            day = dom.n
            if day <= length:
                if weekday(day) == 7:  # Saturday: Friday before, or Monday after the 1st
                    day = day - 1 if day > 1 else day + 2
                elif weekday(day) == 1:  # Sunday: Monday after, or Friday before the last day
                    day = day + 1 if day < length else day - 2
                days = [day]
        elif dow.kind == "set":
            days = [d for d in range(1, length + 1) if weekday(d) in dow.days]
        elif dow.kind == "last":
            day = length
            while weekday(day) != dow.n:
                day -= 1
            days = [day]
        else:  # nth
            day = 1 + (dow.n - first_weekday) % 7 + 7 * (dow.k - 1)
            days = [day] if day <= length else []
        result = tuple(days)
        self._month_days[key] = result
        return result

    def calendar_key(self, year: int) -> tuple[bool, int]:
        """What decides the matching days of a year: leap or not and, unless the rule ignores
        weekdays, the weekday of 1 January (14 year types repeat through the Gregorian cycle)."""
        _, leap, weekday = _YEARS[year]
        return (leap, 0 if self.weekday_free else weekday)

    def year_mask(self, year: int) -> int:
        """Matching days of ``year`` as a bit mask (bit d = day d of the year, 0-based)."""
        key = self.calendar_key(year)
        mask = self._year_masks.get(key)
        if mask is None:
            start, leap, _ = _YEARS[year]
            mask = offset = 0
            for month, base_length in enumerate(_MONTH_LENGTHS, start=1):
                length = base_length + (1 if leap and month == 2 else 0)
                if month in self.months:
                    shape = (length, _aws_weekday(start + offset))
                    bits = self._month_masks.get(shape)
                    if bits is None:
                        bits = self._month_masks[shape] = sum(
                            1 << (d - 1) for d in self.month_days(*shape)
                        )
                    mask |= bits << offset
                offset += length
            self._year_masks[key] = mask
        return mask

    # -- one local day ------------------------------------------------------------------------
    def day(self, wall: int, lo: int, hi: int) -> tuple[int, int, int, int | None]:
        """(runs, first, last, shortest gap) of the runs on the local day whose wall-clock
        midnight is ``wall``, restricted to instants in ``[lo, hi)``."""
        table = self.table
        end = wall + DAY
        i0 = bisect_left(table.wall_before, wall - DAY)
        i1 = bisect_right(table.wall_before, end + DAY)
        key = None
        if lo <= wall - DAY and hi >= end + DAY:
            # Not clipped: the result, relative to midnight, depends only on the offsets and
            # transitions around the day, which repeat (every regular day, every year's DST).
            key = (
                table.after[i0 - 1] if i0 else table.initial,
                tuple(
                    (table.wall_before[i] - wall, table.tau[i] - wall, table.after[i])
                    for i in range(i0, i1)
                ),
            )
            hit = self._days.get(key)
            if hit is not None:
                return hit[0], hit[1] + wall, hit[2] + wall, hit[3]
        result = self._day(wall, lo, hi, i0, i1)
        if key is not None:
            self._days[key] = (result[0], result[1] - wall, result[2] - wall, result[3])
        return result

    def day_runs(self, wall: int) -> list[int]:
        """Every run (UTC, ascending) of the matching local day whose wall-clock midnight is
        ``wall``, under this engine's daylight-saving policy."""
        rel, _ = self._day_relative(wall)
        return [u + wall for u in rel]

    def _day_relative(self, wall: int) -> tuple[list[int], tuple[int, int, int, int | None]]:
        """The day's runs relative to its wall-clock midnight and their (count, first, last,
        shortest gap), cached by the day's shape (offsets and changes around it)."""
        table = self.table
        i0, i1, key = table.day_shape(wall)
        hit = self._runs_cache.get(key)
        if hit is None:
            if i0 == i1:
                rel = [t - key[0] for t in self.times]
            else:
                rel = [u - wall for u in self._day_runs(wall, i0, i1)]
            hit = self._runs_cache[key] = (rel, _stats(rel))
        return hit

    def _day_runs(self, wall: int, i0: int, i1: int) -> list[int]:
        table, times = self.table, self.times
        every, shift = self.policy[0] == "all", self.policy[1] == "shift"
        runs: list[int] = []
        merge = False
        for a, b in itertools.pairwise(table.day_points(wall, i0, i1)):
            i = bisect_left(times, a - wall)
            j = bisect_left(times, b - wall)
            if j <= i:
                continue
            instants = table.occurrences(a)
            if not instants:
                if shift:
                    runs.append(table.gap_end(a))
                    merge = True
                continue
            offsets = [a - u for u in instants]
            if not every:
                offsets = offsets[:1]
            elif len(offsets) > 1:
                merge = True
            for offset in offsets:
                base = wall - offset
                runs.extend([t + base for t in times[i:j]])
        return sorted(set(runs)) if merge else runs

    def _day(
        self, wall: int, lo: int, hi: int, i0: int, i1: int
    ) -> tuple[int, int, int, int | None]:
        if self.policy != AWS_POLICY:
            rel, stats = self._day_relative(wall)
            if lo <= wall + (rel[0] if rel else 0) and (not rel or wall + rel[-1] < hi):
                n, first, last, best = stats
                return n, first + wall, last + wall, best
            runs = rel[bisect_left(rel, lo - wall) : bisect_left(rel, hi - wall)]
            n, first, last, best = _stats(runs)
            return n, first + wall, last + wall, best
        table, times, gaps = self.table, self.times, self.gaps
        count, first, last, best = 0, 0, 0, None
        for a, b in itertools.pairwise(table.day_points(wall, i0, i1)):
            utc = table.to_utc(a)
            if utc is None:
                continue  # skipped spring-forward wall times
            offset = a - utc
            i = bisect_left(times, max(a, lo + offset) - wall)
            j = bisect_left(times, min(b, hi + offset) - wall)
            if j <= i:
                continue
            seg_first, seg_last = wall + times[i] - offset, wall + times[j - 1] - offset
            if j - i >= 2:
                inner = self.min_gap_in_day if i == 0 and j == len(times) else min(gaps[i : j - 1])
                best = inner if best is None else min(best, inner)
            if count:
                best = seg_first - last if best is None else min(best, seg_first - last)
            else:
                first = seg_first
            last = seg_last
            count += j - i
        return count, first, last, best

    # -- one year -----------------------------------------------------------------------------
    def year(
        self, year: int, lo: int, hi: int
    ) -> tuple[int, int | None, int, int, int, int, int] | None:
        """(busiest day, shortest gap, first run, last run, runs, regular days, most runs in
        24 h across an offset change) of ``year`` within [lo, hi)."""
        start, leap, _ = _YEARS[year]
        y0 = start * DAY
        y1 = y0 + (366 if leap else 365) * DAY
        i0, i1, shape = _LAYOUTS.get((self.table.name, year)) or _layout(self.table, year)
        if not (lo <= y0 - 2 * DAY and hi >= y1 + 2 * DAY):  # clipped: never cached
            return self._year(year, y0, lo, hi, i0=i0, i1=i1, clipped=True)
        key = (*self.calendar_key(year), shape, self.has_year(year - 1), self.has_year(year + 1))
        if key not in self._years:
            summary = self._year(year, y0, lo, hi, i0=i0, i1=i1, clipped=False)
            self._years[key] = (
                None
                if summary is None
                else (summary[0], summary[1], summary[2] - y0, summary[3] - y0, *summary[4:])
            )
        hit = self._years[key]
        if hit is None:
            return None
        return (hit[0], hit[1], hit[2] + y0, hit[3] + y0, *hit[4:])

    def _special(self, mask: int, y0: int, i0: int, i1: int, special: int) -> tuple[int, int]:
        """Days (bit masks) next to an offset transition, plus the given clipped ones; and those
        together with their nearest regular neighbours and the year's first and last day."""
        table = self.table
        for i in range(i0, i1):
            a, b = table.wall_before[i], table.tau[i] + table.after[i]
            first_touched = max((min(a, b) - y0) // DAY, 0)
            last_touched = (max(a, b) - y0) // DAY
            if last_touched < 0:
                continue
            special |= mask & ((2 << last_touched) - (1 << first_touched))
            before = _prev_bit(mask, first_touched - 1)
            if before is not None:
                special |= 1 << before
            after = _next_bit(mask, last_touched + 1)
            if after is not None:
                special |= 1 << after
        regular = mask & ~special
        explicit = special | (mask & -mask) | (1 << (mask.bit_length() - 1))
        for s in _bits(special):
            before = _prev_bit(regular, s - 1)
            if before is not None:
                explicit |= 1 << before
            after = _next_bit(regular, s + 1)
            if after is not None:
                explicit |= 1 << after
        return special, explicit

    @staticmethod
    def _clip(mask: int, y0: int, lo: int, hi: int) -> tuple[int, int]:
        """Keep days whose runs can fall in [lo, hi) (|offset| < 1 day); those within two days
        of lo or hi are evaluated exactly (special), the others lie wholly inside the window."""
        keep_from = max((lo - y0) // DAY - 1, 0)
        keep_to = min(-((y0 - hi) // DAY), 400)
        if keep_to < keep_from:
            return 0, 0
        mask &= (2 << keep_to) - (1 << keep_from)
        head = min(max(-((y0 - lo - DAY) // DAY), 0), 400)
        tail = min(max((hi - y0 - 2 * DAY) // DAY + 1, 0), 400)
        return mask, (mask & ((1 << head) - 1)) | (mask >> tail << tail)

    def _year(
        self, year: int, y0: int, lo: int, hi: int, *, i0: int, i1: int, clipped: bool
    ) -> tuple[int, int | None, int, int, int, int, int] | None:
        full = self.year_mask(year)
        mask, edges = self._clip(full, y0, lo, hi) if clipped else (full, 0)
        if not mask:
            return None
        special, explicit = self._special(mask, y0, i0, i1, edges)
        count, n_special = mask.bit_count(), special.bit_count()
        clean = count - n_special
        n_times = len(self.times)
        max_per_day = n_times if clean else 0
        runs = clean * n_times
        best: int | None = self.min_gap_in_day if clean and n_times >= 2 else None
        # Consecutive matching days neither of which is special are `k` days apart with no
        # offset change in between: their gap is k days minus the span of the times of day.
        if clean >= 2:
            k, reach, shifted = 1, 0, mask >> 1
            while shifted:
                consecutive = mask & shifted & ~reach
                if consecutive & ~special & ~(special >> k):
                    cross = k * DAY - self.span
                    best = cross if best is None else min(best, cross)
                    break
                reach |= shifted
                k += 1
                shifted >>= 1
        first = last = None
        previous_day, previous_last = None, None
        for d in _bits(explicit):
            n, day_first, day_last, day_best = self.day(y0 + d * DAY, lo, hi)
            if previous_day is not None and (mask >> (previous_day + 1)) & (
                (1 << (d - previous_day - 1)) - 1
            ):
                previous_last = None  # regular days in between: those pairs are counted above
            previous_day = d
            if special >> d & 1:
                max_per_day = max(max_per_day, n)
                runs += n
            if not n:
                continue
            if day_best is not None:
                best = day_best if best is None else min(best, day_best)
            if previous_last is not None:
                gap = day_first - previous_last
                best = gap if best is None else min(best, gap)
            previous_last = day_last
            if first is None:
                first = day_first
            last = day_last
        if first is None or last is None:
            return None
        # Most runs in 24 real hours: a window without an offset change holds at most one day's
        # times (n); only windows that contain a change can hold more, computed exactly here.
        y1 = y0 + (366 if _YEARS[year][1] else 365) * DAY
        far = self._far(mask, edges, y0, i0, i1)
        return (max_per_day, best, first, last, runs, far, self._inner(i0, i1, y0, y1, lo, hi))

    def _far(self, mask: int, edges: int, y0: int, i0: int, i1: int) -> int:
        """Matching days at least a day away from every offset change and from the clipped
        edges: each holds a 24-hour window of exactly n runs."""
        table, near = self.table, edges
        for i in range(i0, i1):
            a, b = table.wall_before[i], table.tau[i] + table.after[i]
            first = max((min(a, b) - y0) // DAY - 1, 0)
            last = (max(a, b) - y0) // DAY + 1
            if last >= 0:
                near |= (2 << min(last, 400)) - (1 << first)
        return (mask & ~near).bit_count()

    def _inner(self, i0: int, i1: int, *bounds: int) -> int:
        """Best unclipped 24-hour window across the offset changes of one year; ``bounds``:
        the year's first and end instant, then the analysis window."""
        y0, y1, lo, hi = bounds
        most = 0
        for i in range(i0, i1):
            tau = self.table.tau[i]
            if y0 <= tau < y1 and lo <= tau - 2 * DAY and tau + 3 * DAY <= hi:
                most = max(most, self.transition_window(i))
        return most

    # -- most runs in any 24 real hours ---------------------------------------------------------
    def has_year(self, year: int) -> bool:
        if self._year_set is None:
            self._year_set = frozenset(self.spec.years)
        return year in self._year_set

    def matches(self, day: int) -> bool:
        """Is the local day ``day`` (days since 1970-01-01) a matching day?"""
        index = bisect_right(_YEAR_STARTS, day) - 1
        if index < 0 or index >= len(_YEAR_STARTS) - 1:
            return False
        year = 1970 + index
        return self.has_year(year) and bool(self.year_mask(year) >> (day - _YEAR_STARTS[index]) & 1)

    def runs_between(self, a: int, b: int) -> list[int]:
        """Every run in [a, b) (UTC, ascending), day by day (a run's local day is within a day
        of its UTC date: offsets stay below 24 hours)."""
        runs: list[int] = []
        for day in range((a - DAY) // DAY, (b + DAY) // DAY + 1):
            if self.matches(day):
                day_runs = self.day_runs(day * DAY)
                runs.extend(day_runs[bisect_left(day_runs, a) : bisect_left(day_runs, b)])
        if self.policy[1] == "shift":
            return sorted(set(runs))  # a jump's end can coincide with the next day's first run
        runs.sort()  # already ascending: linear
        return runs

    def window_max(self, a: int, b: int, lo: int, hi: int) -> int:
        """Most runs in [r, r + 24 h) over runs r in [a, b), counting runs in [lo, hi)."""
        runs = self.runs_between(max(a, lo), min(b + DAY, hi))
        starts = bisect_left(runs, b)
        if not starts:
            return 0
        ends = list(
            map(bisect_left, itertools.repeat(runs, starts), [r + DAY for r in runs[:starts]])
        )
        return max(map(operator.sub, ends, range(starts)))

    def transition_window(self, i: int) -> int:
        """Most runs in 24 real hours among windows that contain offset change ``i``, unclipped;
        cached by what decides it (the changes and matching days around it)."""
        table = self.table
        tau = table.tau[i]
        day = (tau + table.before[i]) // DAY
        base = day * DAY
        j0 = bisect_left(table.tau, tau - 4 * DAY)
        j1 = bisect_right(table.tau, tau + 4 * DAY)
        if self.policy[0] == "first" and table.after[i] < table.before[i] and j1 - j0 == 1:
            # Falling back, 24 real hours cover at most 24 hours of wall readings, each run
            # once: no more than a regular day's n, which the caller already counts.
            return 0
        key = (
            table.before[j0] if j0 < len(table.before) else table.initial,
            tuple((table.tau[j] - base, table.after[j]) for j in range(j0, j1)),
            tuple(self.matches(d) for d in range(day - 3, day + 4)),
        )
        hit = self._window_cache.get(key)
        if hit is None:
            hit = self._window_cache[key] = self.window_max(tau - DAY + 1, tau + 1, 0, _HORIZON * 2)
        return hit

    def max_runs_24h(self, lo: int, hi: int, clean: int, inner: int) -> int:
        """Exact most runs in any 24 real hours within [lo, hi). ``clean``: regular days found
        by ``summary`` (each gives a window of n runs); ``inner``: best unclipped window across
        an offset change."""
        if hi - lo <= 8 * DAY:
            return self.window_max(lo, hi, lo, hi)
        table = self.table
        best = max(inner, len(self.times) if clean else 0)
        if not clean:
            # Every matching day is within a day of a change or an edge, so there are few of
            # them: windows starting on each of them, exactly.
            for i in range(
                bisect_left(table.tau, lo - 4 * DAY), bisect_left(table.tau, hi + 4 * DAY)
            ):
                tau = table.tau[i]
                best = max(best, self.window_max(tau - 4 * DAY, tau + 4 * DAY, lo, hi))
            return max(
                best,
                self.window_max(lo, lo + 5 * DAY, lo, hi),
                self.window_max(hi - 6 * DAY, hi, lo, hi),
            )
        near_lo = bisect_left(table.tau, lo - DAY) < bisect_right(table.tau, lo + 4 * DAY)
        near_hi = bisect_left(table.tau, hi - 5 * DAY) < bisect_right(table.tau, hi + DAY)
        if near_lo:
            best = max(best, self.window_max(lo, lo + 3 * DAY, lo, hi))
        if near_hi:
            best = max(best, self.window_max(hi - 5 * DAY, hi, lo, hi))
        return best

    # -- whole horizon ------------------------------------------------------------------------
    def _years_in(self, lo: int, hi: int) -> list[int]:
        low = (_to_datetime(max(lo - DAY, 0)).year) if lo > DAY else 1970
        high = _to_datetime(min(hi + DAY, _HORIZON)).year
        return [y for y in self.spec.years if low <= y <= high]

    def summary(self, lo: int, hi: int) -> tuple[int, int | None, int, int]:
        """(busiest day, shortest gap, runs, most runs in 24 real hours) within [lo, hi)."""
        max_per_day, best, runs, previous_last = 0, None, 0, None
        clean = inner = 0
        for year in self._years_in(lo, hi):
            summary = self.year(year, lo, hi)
            if summary is None:
                continue
            busiest, gap, first, last, count, regular, most = summary
            clean += regular
            inner = max(inner, most)
            max_per_day = max(max_per_day, busiest)
            runs += count
            if gap is not None:
                best = gap if best is None else min(best, gap)
            if previous_last is not None:
                best = first - previous_last if best is None else min(best, first - previous_last)
            previous_last = last
        most = self.max_runs_24h(lo, hi, clean, inner) if runs else 0
        return max_per_day, best, runs, most

    def next_runs(self, lo: int, hi: int, count: int) -> list[int]:
        found: list[int] = []
        if count <= 0:
            return found
        times, table = self.times, self.table
        # No wall time earlier than lo + (smallest offset around lo) can map to lo or later.
        i0 = bisect_left(table.tau, lo - 2 * DAY)
        i1 = bisect_right(table.tau, lo + 2 * DAY)
        low_offset = min([table.offset_at(lo), *table.before[i0:i1], *table.after[i0:i1]])
        for year in self._years_in(lo, hi):
            y0 = _YEARS[year][0] * DAY
            start_day = max((lo - y0) // DAY - 2, 0)
            for d in _bits(self.year_mask(year) >> start_day << start_day):
                wall = y0 + d * DAY
                if wall - DAY >= hi:
                    return found
                if self.policy != AWS_POLICY:
                    for utc in self.day_runs(wall):
                        if utc < lo or (found and utc <= found[-1]):
                            continue
                        if utc >= hi:
                            return found
                        found.append(utc)
                        if len(found) == count:
                            return found
                    continue
                for t in times[bisect_left(times, lo + low_offset - wall) :]:
                    utc = table.to_utc(wall + t)
                    if utc is None or utc < lo:
                        continue
                    if utc >= hi:
                        return found
                    found.append(utc)
                    if len(found) == count:
                        return found
        return found


def _rate_day_count(table: ZoneTable, day: int, first: int, last: int, step: int) -> int:
    """Runs ``first + k*step <= last`` whose local calendar date is ``day``."""
    wall0, wall1 = day * DAY, (day + 1) * DAY
    total = 0
    i0 = bisect_left(table.tau, wall0 - 2 * DAY)
    i1 = bisect_right(table.tau, wall1 + 2 * DAY)
    # Instants of one local date lie within two days of its wall-clock span (|offset| < 1 day);
    # cut that stretch of UTC time where the offset changes.
    begin, stop = max(first, wall0 - 2 * DAY), min(last + 1, wall1 + 2 * DAY)
    bounds = [begin, *(t for t in table.tau[i0:i1] if begin < t < stop), stop]
    for a, b in itertools.pairwise(bounds):
        offset = table.offset_at(a)
        lo = max(a, wall0 - offset)
        hi = min(b, wall1 - offset)
        if hi > lo:
            total += (hi - 1 - first) // step - (lo - 1 - first) // step
    return total


def _first_multiple_in(a: int, m: int, lo: int, hi: int) -> int | None:
    """Smallest ``x >= 0`` with ``lo <= (a * x) mod m <= hi`` (``0 <= lo <= hi < m``), or None.

    The classic Euclid-like reduction: O(log m) instead of trying x = 0, 1, 2, ...
    """
    a %= m
    if lo == 0:
        return 0
    if a == 0:
        return None
    x = -(-lo // a)
    if a * x <= hi:
        return x
    y = _first_multiple_in(m % a, a, (a - hi % a) % a, (a - lo % a) % a)
    if y is None:
        return None
    return -(-(lo + m * y) // a)


def _best_regular_stretch(first: int, start: int, days: int, step: int) -> int:
    """Most runs on any of ``days`` consecutive 24-hour days, the first starting at instant
    ``start``. A day whose first run comes ``phase`` after its start holds
    ``(DAY - 1 - phase) // step + 1`` runs, so the question is whether some day's phase is
    small enough for the larger count; phases step by ``-DAY mod step`` from day to day."""
    most = (DAY - 1) // step + 1
    threshold = DAY - 1 - (most - 1) * step  # largest phase that still gives `most` runs
    phase0 = (first - start) % step
    # phase_j = (phase0 - j*DAY) mod step; want phase_j in [0, threshold]
    lo = (-phase0) % step
    hi = lo + threshold
    a = (-DAY) % step
    if hi < step:
        hits = [_first_multiple_in(a, step, lo, hi)]
    else:
        hits = [
            _first_multiple_in(a, step, lo, step - 1),
            _first_multiple_in(a, step, 0, hi - step),
        ]
    found = [j for j in hits if j is not None and j < days]
    return most if found else most - 1


def _rate_max_per_day(table: ZoneTable, first: int, last: int, step: int) -> int:
    """Busiest local calendar day of the runs ``first, first+step, ... <= last``.

    The first and last (clipped) days are counted one by one. Between offset changes every day
    lasts 24 h, so the best day of such a stretch follows from modular arithmetic
    (``_best_regular_stretch``). Days touched by an offset change are counted one by one,
    memoised by their shape, and only while they could still beat the best so far: a day
    lengthened by ``extra`` seconds holds at most ``ceil((24 h + extra) / step)`` runs.
    """
    d_first = (first + table.offset_at(first)) // DAY
    d_last = (last + table.offset_at(last)) // DAY
    irregular: set[int] = set()
    extra: dict[int, int] = {}
    i0, i1 = bisect_left(table.tau, first - 2 * DAY), bisect_right(table.tau, last + 2 * DAY)
    for i in range(i0, i1):
        wall_before, wall_after = table.wall_before[i], table.tau[i] + table.after[i]
        irregular.update(
            (
                wall_before // DAY,
                (wall_before - 1) // DAY,
                wall_after // DAY,
                (wall_after - 1) // DAY,
            )
        )
        longer = max(0, table.before[i] - table.after[i])
        for d in {wall_before // DAY, wall_after // DAY}:
            extra[d] = extra.get(d, 0) + longer
    marks = sorted({d_first, d_last} | {d for d in irregular if d_first < d < d_last})
    ceiling = -(-(DAY + max(extra.values(), default=0)) // step)
    best = max(
        _rate_day_count(table, d_first, first, last, step),
        _rate_day_count(table, d_last, first, last, step),
    )
    stretches: dict[tuple[int, int], int] = {}
    regular_most = (DAY - 1) // step + 1  # no 24-hour day holds more
    for a, b in itertools.pairwise(marks):
        if best >= ceiling:
            return best
        if b - a > 1 and best < regular_most:
            start = table.to_utc((a + 1) * DAY)
            if start is None:  # pragma: no cover - a regular day starts outside any gap
                start = (a + 1) * DAY - table.offset_at((a + 1) * DAY)
            key = ((first - start) % step, min(b - a - 1, step))
            if key not in stretches:
                stretches[key] = _best_regular_stretch(first, start, b - a - 1, step)
            best = max(best, stretches[key])
    seen: dict[tuple, int] = {}
    for d in marks[1:-1]:
        if best >= ceiling:
            break
        if -(-(DAY + extra.get(d, 0)) // step) <= best:
            continue
        wall0 = d * DAY
        i0 = bisect_left(table.tau, wall0 - 2 * DAY)
        i1 = bisect_right(table.tau, wall0 + 3 * DAY)
        # Same phase and same transitions relative to midnight: same count (interior days).
        shape = (
            (first - wall0) % step,
            tuple((table.tau[i] - wall0, table.before[i], table.after[i]) for i in range(i0, i1)),
        )
        if shape not in seen:
            seen[shape] = _rate_day_count(table, d, first, last, step)
        best = max(best, seen[shape])
    return best


def _check_count(count: object) -> int:
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 1_000_000:
        raise ScheduleError(
            f"count must be a whole number 0..1000000, got {str(count)[:40]}",
            field="count",
            value=str(count)[:40],
        )
    return count


def _figures(runs: list[int], per_day: int, per_24h: int, gap: int | None, total: int):
    return ScheduleFigures(
        next_runs=tuple(_to_datetime(u) for u in runs),
        max_runs_per_day=per_day if total else 0,
        max_runs_per_24h=per_24h if total else 0,
        min_interval_minutes=(gap / 60) if gap is not None and total >= 2 else None,
        never_fires=total == 0,
    )


def _cron_figures(engine: _CronEngine, lo: int, hi: int, count: int) -> ScheduleFigures:
    if lo >= hi:
        return _figures([], 0, 0, None, 0)
    runs = engine.next_runs(lo, hi, count)
    per_day, gap, total, per_24h = engine.summary(lo, hi)
    return _figures(runs, per_day, per_24h, gap, total)


def _rate_figures(anchor: int, step: int, lo: int, hi: int, *, count: int, table: ZoneTable):
    k0 = max(0, -((anchor - lo) // step))
    first = anchor + k0 * step
    total = max(0, (hi - 1 - first) // step + 1) if first < hi else 0
    runs = [first + i * step for i in range(min(count, total))]
    gap = step if total >= 2 else None
    per_day = _rate_max_per_day(table, first, first + (total - 1) * step, step) if total else 0
    # Runs r, r+step, ... < r + 24 h: as many as fit, unless there are fewer runs in all.
    per_24h = min(total, (DAY - 1) // step + 1)
    return _figures(runs, per_day, per_24h, gap, total)


def _affected_by_dst(engine: _CronEngine, lo: int, hi: int) -> tuple[bool, bool]:
    """(touched, differs): does a matching day in [lo, hi) have a time inside a DST gap or a
    repeated hour, and would the worst case (every reading runs, skipped times at the jump)
    then run differently from the engine's policy?"""
    table, times = engine.table, engine.times
    every, shift = engine.policy[0] == "all", engine.policy[1] == "shift"
    touched = False
    misses: set[tuple[int, int]] = set()  # times of day no run falls in (same every year)
    for i in range(bisect_left(table.tau, lo - DAY), bisect_left(table.tau, hi + DAY)):
        before, after = table.wall_before[i], table.tau[i] + table.after[i]
        a, b = min(before, after), max(before, after)
        for d in {a // DAY, (b - 1) // DAY}:
            x, y = max(a, d * DAY) - d * DAY, min(b, (d + 1) * DAY) - d * DAY
            if (x, y) in misses:
                continue
            if bisect_left(times, x) == bisect_left(times, y):
                misses.add((x, y))
                continue
            if not engine.matches(d):
                continue
            touched = True
            if after < before and not every:
                return True, True  # a repeated time the policy runs once, the worst case twice
            if after > before and not shift:
                # The worst case runs the skipped times at the jump: different unless the
                # jump's end is a run anyway.
                end_day, end_time = divmod(after, DAY)
                position = bisect_left(times, end_time)
                on_time = position < len(times) and times[position] == end_time
                if not (on_time and engine.matches(end_day)):
                    return True, True
    return touched, False


def _unix_figures(window: UnixWindow, engine: UnixPolicyEngine, count: int) -> ScheduleFigures:
    runs, per_day, per_24h, gap, total = window.figures(engine, count)
    return _figures(runs, per_day, per_24h, gap, total)


def _unix_general(spec: CronSpec, table: ZoneTable, lo: int, hi: int, count: int):
    """(nominal, touched, differs, worst or None) by the general cron engine, which visits
    every matching day near a change: for sparse schedules, and as the day-kind engine's
    differential reference in the tests."""
    policy = DEBIAN_FIXED if spec.fixed_time else DEBIAN_WILDCARD
    engine = _CronEngine(spec, table, policy)
    nominal = _cron_figures(engine, lo, hi, count)
    touched, differs = _affected_by_dst(engine, lo, hi) if lo < hi else (False, False)
    worst = None
    if touched and differs:
        worst = _cron_figures(_CronEngine(spec, table, WORST), lo, hi, count)
    return nominal, touched, differs, worst


def _unix_analysis(schedule: Schedule, table: ZoneTable, lo: int, hi: int, count: int):
    spec = schedule.spec
    assert isinstance(spec, CronSpec)
    policy = DEBIAN_FIXED if spec.fixed_time else DEBIAN_WILDCARD
    warnings = []
    if spec.day_rule == "either":
        warnings.append(
            f"day-of-month '{spec.fields[2]}' and day-of-week '{spec.fields[4]}' are both "
            "restricted: Google does not document how they combine; analysed with the "
            "Vixie/Debian cron rule (a day runs when either matches)"
        )
    worst = None
    # The day-kind engine (unix_engine.py) unless the matching days can be far apart.
    window = UnixWindow(spec, table, lo, hi) if lo < hi else None
    if window is not None and window.usable:
        nominal_engine = UnixPolicyEngine(window.cal, policy)
        nominal = _unix_figures(window, nominal_engine, count)
        touched, differs = window.flags(nominal_engine)
        worst_figures = None
        if touched and differs:
            worst_figures = _unix_figures(window, UnixPolicyEngine(window.cal, WORST), count)
    else:
        nominal, touched, differs, worst_figures = _unix_general(spec, table, lo, hi, count)
    if touched:
        warnings.append(
            f"in {schedule.timezone} some run times fall in an hour that daylight saving skips "
            'or repeats; Google does not document what Cloud Scheduler does then ("might '
            'observe execution anomalies"): figures follow Debian cron, the worst case runs '
            "a repeated time twice and a skipped time at the transition"
        )
        worst = worst_figures if differs else nominal
    return nominal, tuple(warnings), worst


def _at_warnings(spec: AtSpec, zone: str, table: ZoneTable, wall: int) -> tuple[str, ...]:
    """AWS documents what daylight saving does to cron runs only (skipped in a gap, once in a
    repeated hour); an at() time inside a change is analysed by the same rule, and said so."""
    instants = table.occurrences(wall)
    if len(instants) == 1:
        return ()
    when = f"{spec.local:%Y-%m-%dT%H:%M:%S}"
    if not instants:
        return (
            f"at({when}) does not exist in {zone}: clocks jump over it (daylight saving); AWS "
            "documents skipping such times for cron schedules only, so it is analysed as never "
            "running: pick a time outside the change",
        )
    return (
        f"at({when}) occurs twice in {zone} (clocks fall back); AWS documents running such "
        "times once for cron schedules only: analysed at the first occurrence",
    )


def analyze(
    schedule: Schedule,
    *,
    reference: datetime,
    count: int = 5,
    start: datetime | None = None,
    end: datetime | None = None,
) -> ScheduleAnalysis:
    """Analyse ``schedule`` from ``reference`` on, within ``[start, end)`` when given.

    ``reference`` is always passed in: the engine never reads the wall clock. Raises
    :class:`ScheduleError` for naive datetimes, ``end <= start`` or a bad ``count``.
    """
    if not isinstance(schedule, Schedule):
        raise ScheduleError(
            f"schedule must be a Schedule from parse_schedule, got {type(schedule).__name__}",
            field="schedule",
            value=repr(schedule)[:80],
        )
    count = _check_count(count)
    ref = _seconds(reference, "reference")
    start_s = _seconds(start, "start") if start is not None else None
    end_s = _seconds(end, "end") if end is not None else None
    if start_s is not None and end_s is not None and end_s <= start_s:
        raise ScheduleError(
            f"end {end.isoformat()} is not after start {start.isoformat()}",  # type: ignore[union-attr]
            field="end",
            value=end.isoformat(),  # type: ignore[union-attr]
        )
    lo = max(ref, start_s) if start_s is not None else ref
    hi = min(end_s, _HORIZON) if end_s is not None else _HORIZON
    table = zone_table(schedule.timezone)
    spec = schedule.spec
    warnings: tuple[str, ...] = ()
    worst: ScheduleFigures | None = None
    if schedule.dialect == "unix-cron":
        figures, warnings, worst = _unix_analysis(schedule, table, lo, hi, count)
    elif isinstance(spec, AdfSpec):
        from .adf_engine import adf_analysis

        figures, warnings, worst = adf_analysis(spec, table, lo, hi, count)
    elif isinstance(spec, CronSpec):
        figures = _cron_figures(_CronEngine(spec, table), lo, hi, count)
    elif isinstance(spec, RateSpec):
        anchor = start_s if start_s is not None else ref
        figures = _rate_figures(anchor, spec.seconds, lo, hi, count=count, table=table)
    else:
        assert isinstance(spec, AtSpec)
        wall = (spec.local.toordinal() - _EPOCH_ORDINAL) * DAY + (
            spec.local.hour * 3600 + spec.local.minute * 60 + spec.local.second
        )
        utc = table.to_utc(wall)
        runs = [utc] if utc is not None and lo <= utc < hi else []
        figures = _figures(runs[:count], 1, 1, None, len(runs))
        warnings = _at_warnings(spec, schedule.timezone, table, wall)
    zone = zone_info(schedule.timezone)
    return ScheduleAnalysis(
        schedule=schedule,
        next_runs=figures.next_runs,
        next_runs_local=tuple(r.astimezone(zone) for r in figures.next_runs),
        max_runs_per_day=figures.max_runs_per_day,
        min_interval_minutes=figures.min_interval_minutes,
        never_fires=figures.never_fires,
        description=describe(schedule),
        max_runs_per_24h=figures.max_runs_per_24h,
        warnings=warnings,
        worst=worst,
    )
