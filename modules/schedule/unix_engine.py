"""Day-kind analysis of a unix-cron schedule: exact figures without visiting every run.

A local day that no offset change touches ("regular") runs at ``W - offset + T`` where ``T`` is
the hour-set x minute-set of the expression, so its count (``n``), its shortest gap and its span
are properties of ``T`` alone, and two matching regular days ``k`` days apart with no change in
between are ``k`` days minus the span apart. Only days next to an offset change, and the clipped
days at the window's ends, need their runs worked out ("X days"). Every pair of consecutive
matching days that has an X day between them is at most ``Kmax`` days apart (``Kmax``: the
longest stretch between matching days any calendar year allows), so it lies inside the cluster of
``R > Kmax`` days around that X day; clusters that look the same (same offset changes relative
to their first day and same calendar position, hence the same matching days) give the same
figures, so each kind is evaluated once. Runs inside a day are kept as index ranges of ``T``
("pieces"), so even the 24-hour windows across a change are computed from ``T``'s structure,
not run by run. Schedules whose matching days can be more than ``_R_MAX`` days apart (a single
month, 29 February) return ``None`` and are analysed by the general engine in ``analysis.py``.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from datetime import datetime

from .cron import CronSpec
from .zones import ZoneTable

DAY = 86400
_R_MAX = 40
_FIRST_DAY = datetime(1970, 1, 1).toordinal()
_YEAR_LO, _YEAR_HI = 1970, 2199
_CALENDAR_FROM = 1960  # zone tables start in 1969; clusters reach a few days earlier
_YEAR_START = {
    y: datetime(y, 1, 1).toordinal() - _FIRST_DAY for y in range(_CALENDAR_FROM, _YEAR_HI + 12)
}
_STARTS = [_YEAR_START[y] for y in range(_CALENDAR_FROM, _YEAR_HI + 12)]
_MONTH_LENGTHS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_TYPE_OF = [
    (7 if _y % 4 == 0 and (_y % 100 != 0 or _y % 400 == 0) else 0)
    + (datetime(_y, 1, 1).toordinal() - _FIRST_DAY + 4) % 7
    for _y in range(_YEAR_LO, _YEAR_HI + 1)
]
# _TYPE_PREFIX[kind][i]: years of that kind (leap * 7 + weekday of 1 January) among the first i.
_TYPE_PREFIX = [[0, *itertools.accumulate(int(t == kind) for t in _TYPE_OF)] for kind in range(14)]
_REPEAT_WEEK = sum(1 << (7 * k) for k in range(53))
_ZONE_DAYS: dict[str, tuple] = {}  # zone data, like the transition table itself
_ZONE_CLUSTERS: dict[tuple[str, int], tuple] = {}


def clear_zone_caches() -> None:
    """Forget the per-zone day tables (the benchmark measures their first-use cost)."""
    _ZONE_DAYS.clear()
    _ZONE_CLUSTERS.clear()


def prepare_zone(table: ZoneTable) -> None:
    """Build a zone's day tables now (the benchmark reports this first-use cost)."""
    _zone_clusters(table, 2)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _year_of(day: int) -> int:
    return _CALENDAR_FROM + bisect_right(_STARTS, day) - 1


def _times(minutes: tuple[int, ...], hours: tuple[int, ...]):
    """The run times of a day (seconds after midnight), ascending: a ``range`` when they are
    evenly spaced (``* * * * *``, ``*/5 * * * *``, ``0 */2 * * *``), which bisects like a tuple
    without building 1,440 numbers."""
    step_m = minutes[1] - minutes[0] if len(minutes) > 1 else 60
    even_m = minutes == tuple(range(minutes[0], minutes[-1] + 1, step_m))
    if even_m and minutes[-1] + step_m == minutes[0] + 60:  # the minutes tile the hour
        step_h = hours[1] - hours[0] if len(hours) > 1 else 1
        even_h = hours == tuple(range(hours[0], hours[-1] + 1, step_h))
        if even_h and (len(minutes) == 1 or step_h == 1):
            first = hours[0] * 3600 + minutes[0] * 60
            step = step_m * 60 if len(minutes) > 1 else step_h * 3600
            return range(first, hours[-1] * 3600 + minutes[-1] * 60 + 1, step)
    seconds = [m * 60 for m in minutes]
    times: list[int] = []
    for h in hours:
        times += map((h * 3600).__add__, seconds)
    return tuple(times)


def _zone_days(table: ZoneTable) -> tuple:
    """(sorted days some offset change touches, their bit mask from day ``base``, base)."""
    hit = _ZONE_DAYS.get(table.name)
    if hit is None:
        days: set[int] = set()
        for wb, tau, after in zip(table.wall_before, table.tau, table.after, strict=True):
            wa = tau + after
            a, b = min(wb, wa), max(wb, wa)
            days.update(range(a // DAY, (b - 1) // DAY + 1))
        ordered = sorted(days)
        base = (ordered[0] if ordered else 0) - 1
        bits = bytearray((ordered[-1] - base) // 8 + 2 if ordered else 1)
        for d in ordered:
            bits[(d - base) >> 3] |= 1 << ((d - base) & 7)
        hit = _ZONE_DAYS[table.name] = (ordered, int.from_bytes(bits, "little"), base, set(days))
    return hit


def _zone_clusters(table: ZoneTable, radius: int) -> tuple:
    """Clusters of days within ``radius`` of a changed day: (starts, ends, class of each,
    class -> sorted cluster indices, class -> shape). A class is the cluster's offset changes
    relative to its first day plus that day's calendar position, so its matching days are the
    same for every expression."""
    key = (table.name, radius)
    hit = _ZONE_CLUSTERS.get(key)
    if hit is None:
        ordered = _zone_days(table)[0]
        spans: list[list[int]] = []
        for d in ordered:
            if spans and d - radius <= spans[-1][1] + 2:
                spans[-1][1] = d + radius
            else:
                spans.append([d - radius, d + radius])
        starts, ends, classes = [], [], []
        members: dict[tuple, list[int]] = {}
        shapes: dict[tuple, int] = {}
        for index, (c0, c1) in enumerate(spans):
            wall = c0 * DAY
            i0 = bisect_left(table.wall_before, wall - DAY)
            i1 = bisect_right(table.wall_before, (c1 + 2) * DAY)
            shape = (
                table.after[i0 - 1] if i0 else table.initial,
                tuple(
                    (table.tau[i] - wall, table.before[i], table.after[i]) for i in range(i0, i1)
                ),
                c1 - c0,
            )
            year = _year_of(c0)
            kind = 7 * _leap(year) + (_YEAR_START[year] + 4) % 7
            length = 366 if kind >= 7 else 365
            following = 7 * _leap(year + 1) + (kind % 7 + length) % 7
            # Shape as a small number: the same changes relative to the first day.
            shape_id = shapes.setdefault(shape, len(shapes))
            klass = (shape_id, kind, c0 - _YEAR_START[year], following, c1 - c0)
            starts.append(c0)
            ends.append(c1)
            classes.append(klass)
            members.setdefault(klass, []).append(index)
        hit = _ZONE_CLUSTERS[key] = (starts, ends, classes, list(members.items()))
    return hit


class UnixCalendar:
    """What does not depend on the daylight-saving policy: matching days, T, the window."""

    def __init__(self, spec: CronSpec, table: ZoneTable):
        self.spec, self.table = spec, table
        minutes, hours = spec.minutes, spec.hours
        self.M, self.H = minutes, hours
        self.nM = len(minutes)
        self.T = _times(minutes, hours)
        self.n = len(self.T)
        self.span = self.T[-1] - self.T[0]
        self.Mg = [(b - a) * 60 for a, b in itertools.pairwise(minutes)]
        self.Hg = [
            (b - a) * 3600 - (minutes[-1] - minutes[0]) * 60 for a, b in itertools.pairwise(hours)
        ]
        self.min_minute_gap = min(self.Mg) if self.Mg else None
        self.full_gap = self.range_gap(0, self.n)
        self.in_hour = {h: q for q, h in enumerate(hours)}
        self.below_hour = [bisect_left(hours, h) for h in range(25)]
        self.months = frozenset(spec.months)
        self.dom = spec.day_of_month.days
        self.dow = spec.day_of_week.days  # 1=SUN .. 7=SAT
        self.both = spec.day_rule == "both"
        self._parts: dict[bool, tuple[int, int]] = {}
        # Weekday pattern of a year starting on each weekday (0=SUN), 53 weeks long.
        first_week = sum(1 << d for d in range(7) if d + 1 in self.dow)
        self._weeks = []
        for weekday in range(7):
            week = ((first_week >> weekday) | (first_week << (7 - weekday))) & 0x7F
            self._weeks.append(week * _REPEAT_WEEK)
        self._dom_bits = sum(1 << (d - 1) for d in self.dom)
        self.kind_masks = self._kind_masks()
        self._stats: list = [False] * 14
        self._stats_by_mask: dict[int, tuple | None] = {}
        self._strings: dict[tuple[bool, int], str] = {}
        self._dens: dict[int, tuple] = {}

    # -- calendar ---------------------------------------------------------------------------
    def type_mask(self, leap: bool, weekday: int) -> int:
        """Matching days of a year (bit d = day d) that is leap or not and whose 1 January has
        ``weekday`` (0=SUN .. 6=SAT)."""
        return self.kind_masks[7 * leap + weekday]

    def _kind_masks(self) -> list[int]:
        """Per year kind (leap * 7 + weekday of 1 January): the day-of-month days of the listed
        months combined (both/either) with the weekdays repeated over the year."""
        masks = []
        for leap in (False, True):
            in_months, dom_days = self._month_parts(leap)
            for week in self._weeks:
                masks.append(dom_days & week if self.both else (dom_days | week) & in_months)
        return masks

    def _month_parts(self, leap: bool) -> tuple[int, int]:
        parts = self._parts.get(leap)
        if parts is None:
            in_months = dom_days = offset = 0
            for month, base_length in enumerate(_MONTH_LENGTHS, start=1):
                length = base_length + (1 if leap and month == 2 else 0)
                if month in self.months:
                    full = (1 << length) - 1
                    in_months |= full << offset
                    dom_days |= (self._dom_bits & full) << offset
                offset += length
            parts = self._parts[leap] = (in_months, dom_days)
        return parts

    def year_mask(self, year: int) -> int:
        if not _YEAR_LO <= year <= _YEAR_HI:
            return 0
        return self.kind_masks[_TYPE_OF[year - _YEAR_LO]]

    def matches(self, day: int) -> bool:
        year = _year_of(day)
        return bool(self.year_mask(year) >> (day - _YEAR_START[year]) & 1)

    def kind_stats(self, kind: int) -> tuple[int, int, int, int, int | None] | None:
        """(first, last, count, longest wait, shortest wait) of the matching days of a year
        kind, in days; None when it has none."""
        stats = self._stats[kind]
        if stats is False:
            mask = self.kind_masks[kind]
            stats = self._stats_by_mask.get(mask, False)
            if stats is False:
                stats = None
                if mask:
                    text = format(mask, "b").strip("0")
                    if "0" not in text:
                        longest, shortest = 1, (1 if len(text) > 1 else None)
                    else:
                        runs = [len(r) + 1 for r in text.split("1")[1:-1]]
                        longest, shortest = (max(runs), min(runs)) if runs else (1, None)
                    first = (mask & -mask).bit_length() - 1
                    stats = (
                        first,
                        mask.bit_length() - 1,
                        len(text) - len(text.replace("1", "")),
                        longest,
                        shortest,
                    )
                self._stats_by_mask[mask] = stats
            self._stats[kind] = stats
        return stats

    def next_kinds(self, kind: int) -> tuple[int, int]:
        """The two kinds the following year can have (not leap, leap)."""
        length = 366 if kind >= 7 else 365
        weekday = (kind % 7 + length) % 7
        return weekday, 7 + weekday

    def longest_wait(self) -> int | None:
        """Most days between consecutive matching days in any sequence of calendar years
        (None when some year kind has none)."""
        worst = 0
        for kind in range(14):
            stats = self.kind_stats(kind)
            if stats is None:
                return None
            worst = max(worst, stats[3])
            length = 366 if kind >= 7 else 365
            for following in self.next_kinds(kind):
                after = self.kind_stats(following)
                if after is None:
                    return None
                worst = max(worst, length - stats[1] + after[0])
        return worst

    def day_mask(self, d0: int, d1: int) -> int:
        """Matching days d0..d1 as one integer (bit i = day d0 + i)."""
        y0, y1 = _year_of(d0), _year_of(d1)
        parts = []
        for year in range(y1, y0 - 1, -1):
            length = 366 if _leap(year) else 365
            if not _YEAR_LO <= year <= _YEAR_HI:
                parts.append("0" * length)
                continue
            key = (_leap(year), (_YEAR_START[year] + 4) % 7)
            text = self._strings.get(key)
            if text is None:
                text = self._strings[key] = format(self.type_mask(*key), f"0{length}b")
            parts.append(text)
        whole = int("".join(parts), 2) >> (d0 - _YEAR_START[y0])
        return whole & ((1 << (d1 - d0 + 1)) - 1)

    def matching_days(self, d0: int, d1: int):
        """Matching days in [d0, d1], ascending."""
        year = _year_of(d0)
        while year <= _YEAR_HI + 1 and _YEAR_START[year] <= d1:
            start = _YEAR_START[year]
            mask = self.year_mask(year)
            if d0 > start:
                mask = mask >> (d0 - start) << (d0 - start)
            while mask:
                low = mask & -mask
                day = start + low.bit_length() - 1
                if day > d1:
                    return
                yield day
                mask ^= low
            year += 1

    # -- the structure of T ------------------------------------------------------------------
    def range_gap(self, i: int, j: int) -> int | None:
        """Shortest gap between consecutive times T[i..j)."""
        if j - i < 2:
            return None
        if isinstance(self.T, range):
            return self.T.step
        nM, Mg = self.nM, self.Mg
        qa, ra = divmod(i, nM)
        qb, rb = divmod(j - 1, nM)
        if qa == qb:
            return min(Mg[ra:rb])
        best = min(self.Hg[qa:qb])
        if nM > 1:
            if ra < nM - 1:
                best = min(best, *Mg[ra:])
            if rb > 0:
                best = min(best, *Mg[:rb])
            if qb - qa >= 2:
                best = min(best, self.min_minute_gap)
        return best

    def density(self, a: int, b: int, delta: int) -> int:
        """max over i in [a, b) of bisect_left(T, T[i] + delta) - i: how the count of a
        24-hour window changes when its end falls in a piece ``delta`` seconds off the
        regular day's, worked out per hour block of T instead of per run."""
        if delta == 0:
            return 0
        T = self.T
        if isinstance(T, range):
            # Evenly spaced: bisect_left(T, T[i] + delta) = clamp(i + c, 0, n) with
            # c = ceil(delta / step), so the best i is the first one.
            c = -(-delta // T.step) if len(T) > 1 else (1 if delta > 0 else 0)
            return min(c, len(T) - a) if c >= 0 else max(c, -a)
        if b - a <= 24:
            return max([bisect_left(T, T[i] + delta) - i for i in range(a, b)])
        nM = self.nM
        table = self._dens.get(delta)
        if table is None:
            # minute*60 + delta = 3600*hours + rest: the minutes of an hour land in at most two
            # other hours; within each, the count depends only on the minute.
            M = self.M
            shifted = [divmod(m * 60 + delta, 3600) for m in M]
            offs = [h for h, _ in shifted]
            values = [bisect_left(M, -(-rest // 60)) - r for r, (_, rest) in enumerate(shifted)]
            groups = []
            r = 0
            while r < nM:
                hours, start = offs[r], r
                while r < nM and offs[r] == hours:
                    r += 1
                groups.append((hours, start, r, max(values[start:r])))
            full = [
                self._block(q, [(g[0], g[1], g[3]) for g in groups]) for q in range(len(self.H))
            ]
            table = self._dens[delta] = (values, groups, full)
        values, groups, full = table
        qa, qb = a // nM, (b - 1) // nM
        best = self._block(qa, _clip(groups, values, a - qa * nM, min(b - qa * nM, nM)))
        if qb > qa:
            best = max(best, self._block(qb, _clip(groups, values, 0, b - qb * nM)))
            if qb > qa + 1:
                best = max(best, *full[qa + 1 : qb])
        return best

    def _block(self, q: int, groups) -> int:
        """max of bisect_left(T, T[i] + delta) - i over the minutes ``groups`` of hour block q."""
        nM = self.nM
        h = self.H[q]
        best = None
        for hours, s, top in groups:
            hv = h + hours
            if hv < 0:
                value = -q * nM - s
            elif hv >= 24:
                value = self.n - q * nM - s
            elif hv in self.in_hour:
                value = (self.in_hour[hv] - q) * nM + top
            else:
                value = (self.below_hour[hv] - q) * nM - s
            if best is None or value > best:
                best = value
        return best


class UnixPolicyEngine:
    """Figures of one unix-cron schedule under one daylight-saving policy."""

    def __init__(self, calendar: UnixCalendar, policy: tuple[str, str]):
        self.cal = calendar
        self.table = calendar.table
        self.every = policy[0] == "all"
        self.shift = policy[1] == "shift"
        self._rel: dict[tuple, tuple] = {}
        self._irregular = _zone_days(self.table)[3]

    # -- one day --------------------------------------------------------------------------------
    def pieces(self, day: int) -> list[tuple[int, int, int]]:
        """Runs of a matching local day as (base, i, j): instants base + T[i..j), ascending
        and disjoint; a run moved to the end of a gap is (instant - T[0], 0, 1)."""
        wall = day * DAY
        table = self.table
        if day not in self._irregular:
            utc = table.to_utc(wall)
            return [(utc, 0, self.cal.n)]
        i0, i1, key = table.day_shape(wall)
        rel = self._rel.get(key)
        if rel is None:
            rel = self._rel[key] = tuple(self._irregular_pieces(wall, i0, i1))
        return [(b + wall, i, j) for b, i, j in rel]

    def _irregular_pieces(self, wall: int, i0: int, i1: int) -> list[tuple[int, int, int]]:
        table, T = self.table, self.cal.T
        found: list[tuple[int, int, int]] = []
        for a, b in itertools.pairwise(table.day_points(wall, i0, i1)):
            i = bisect_left(T, a - wall)
            j = bisect_left(T, b - wall)
            if j <= i:
                continue
            instants = table.occurrences(a)
            if not instants:
                if self.shift:
                    found.append((table.gap_end(a) - T[0], 0, 1))
                continue
            offsets = [a - u for u in instants]
            for offset in offsets if self.every else offsets[:1]:
                found.append((wall - offset, i, j))
        found.sort(key=lambda p: p[0] + T[p[1]])
        out: list[tuple[int, int, int]] = []
        for base, first_index, j in found:
            i = first_index
            if out and out[-1][0] + T[out[-1][2] - 1] == base + T[i]:
                # A moved run on the instant a regular one has: one run.
                if j - i == 1:
                    continue
                if out[-1][2] - out[-1][1] == 1:
                    out.pop()
                else:  # pragma: no cover - pieces of one day never share an instant otherwise
                    i += 1
            out.append((base, i, j))
        return [(b - wall, i, j) for b, i, j in out]

    # -- a sequence of days -----------------------------------------------------------------------
    def scan(self, days, lo: int, hi: int) -> tuple[int, int, int | None, int, int, int]:
        """(runs, busiest day, shortest gap, most in 24 h, first, last) of the runs in
        [lo, hi) of the given matching days, ascending; windows end at the last of them."""
        T = self.cal.T
        pieces: list[tuple[int, int, int]] = []
        busiest = 0
        for day in days:
            count = 0
            for base, i0, j0 in self.pieces(day):
                i, j = i0, j0
                if base + T[i] < lo:
                    i = bisect_left(T, lo - base, i, j)
                if j > i and base + T[j - 1] >= hi:
                    j = bisect_left(T, hi - base, i, j)
                if j <= i:
                    continue
                if pieces:
                    pb, _pi, pj = pieces[-1]
                    if pb + T[pj - 1] >= base + T[i]:  # same instant from two days
                        i = bisect_right(T, pb + T[pj - 1] - base, i, j)
                        if i >= j:
                            continue
                pieces.append((base, i, j))
                count += j - i
            busiest = max(busiest, count)
        if not pieces:
            return 0, 0, None, 0, 0, 0
        first = [b + T[i] for b, i, _ in pieces]
        last = [b + T[j - 1] for b, _, j in pieces]
        sizes = [j - i for _, i, j in pieces]
        gap = None
        range_gap = self.cal.range_gap
        full = self.cal.n
        full_gap = self.cal.full_gap
        for k, (_, i, j) in enumerate(pieces):
            inner = full_gap if (i == 0 and j == full) else range_gap(i, j)
            if k:
                between = first[k] - last[k - 1]
                inner = between if inner is None else min(inner, between)
            if inner is not None:
                gap = inner if gap is None else min(gap, inner)
        return (
            sum(sizes),
            busiest,
            gap,
            self._windows(pieces, first, last, sizes),
            first[0],
            last[-1],
        )

    def _windows(self, pieces, first, last, sizes) -> int:
        """Most runs in [r, r + 24 h) over runs r of the pieces."""
        T = self.cal.T
        best = 0
        count = len(pieces)
        n = self.cal.n
        for k in range(count):
            bp, ip, jp = pieces[k]
            if jp - ip == n and k + 1 < count and pieces[k + 1] == (bp + DAY, 0, n):
                # A whole day followed by the next whole day at the same offset: every
                # window holds the rest of this day and the same times of the next, n runs.
                best = max(best, n)
                continue
            best = max(best, jp - ip)  # the window from this piece's first run, at least
            before = 0
            q = k + 1
            low = ip
            while q < count and low < jp:
                shift = bp + DAY
                # i with x = bp + T[i] + DAY in (first[q], last[q]]: partial q
                a = max(low, bisect_right(T, first[q] - shift, ip, jp))
                if a > low:  # x at or before q's first run: all of pieces k+1..q-1
                    best = max(best, jp - low + before)
                b = max(a, bisect_right(T, last[q] - shift, ip, jp))
                if b > a:
                    bq, iq, _ = pieces[q]
                    delta = bp + DAY - bq
                    best = max(best, jp + before - iq + self.cal.density(a, b, delta))
                before += sizes[q]
                low = b
                q += 1
            if low < jp:
                best = max(best, jp - low + before)
        return best

    # -- next runs --------------------------------------------------------------------------------
    def next_runs(self, lo: int, hi: int, count: int) -> list[int]:
        found: list[int] = []
        if count <= 0:
            return found
        T = self.cal.T
        for day in self.cal.matching_days(lo // DAY - 2, hi // DAY + 2):
            if day * DAY - 2 * DAY >= hi:
                break
            for base, i0, j in self.pieces(day):
                i = max(i0, bisect_left(T, lo - base, i0, j))
                if found:
                    i = max(i, bisect_right(T, found[-1] - base, i, j))
                for k in range(i, j):
                    utc = base + T[k]
                    if utc >= hi:
                        return found
                    found.append(utc)
                    if len(found) == count:
                        return found
        return found

    # -- daylight saving: which changes a matching day's times touch -------------------------------
    def affected(self, index: int, matches) -> tuple[bool, bool]:
        """(touched, differs) for offset change ``index``: a matching day has a time inside its
        gap or repeated hour; and the worst case would then run differently from this policy."""
        table, T = self.table, self.cal.T
        before, after = table.wall_before[index], table.tau[index] + table.after[index]
        a, b = min(before, after), max(before, after)
        touched = False
        for d in {a // DAY, (b - 1) // DAY}:
            x, y = max(a, d * DAY) - d * DAY, min(b, (d + 1) * DAY) - d * DAY
            if bisect_left(T, x) == bisect_left(T, y) or not matches(d):
                continue
            touched = True
            if after < before and not self.every:
                return True, True
            if after > before and not self.shift:
                end_day, end_time = divmod(after, DAY)
                position = bisect_left(T, end_time)
                on_time = position < len(T) and T[position] == end_time
                if not (on_time and matches(end_day)):
                    return True, True
        return touched, False


class UnixWindow:
    """The policy-independent part of one analysis window: regions, kinds, regular days."""

    def __init__(self, spec: CronSpec, table: ZoneTable, lo: int, hi: int):  # noqa: PLR0915
        self.cal = cal = UnixCalendar(spec, table)
        self.lo, self.hi = lo, hi
        wait = cal.longest_wait()
        self.usable = wait is not None and wait + 1 <= _R_MAX and lo >= 10 * DAY and lo < hi
        if not self.usable:
            return
        self.wait = wait
        radius = max(2, wait + 1)
        self.d0, self.d1 = d0, d1 = lo // DAY - 2, hi // DAY + 2
        self.clip_lo, self.clip_hi = lo // DAY + 2, (hi - 2 * DAY) // DAY  # unclipped days
        starts, ends, _classes, members = _zone_clusters(table, radius)
        # Edge regions: clipped days plus `radius` days, grown over clusters they overlap.
        low_end = self.clip_lo - 1 + radius
        k0 = bisect_left(ends, d0)
        while k0 < len(starts) and starts[k0] <= low_end + 2:
            low_end = max(low_end, ends[k0])
            k0 += 1
        high_start = self.clip_hi + 1 - radius
        k1 = bisect_right(starts, d1)
        while k1 > k0 and ends[k1 - 1] >= high_start - 2:
            high_start = min(high_start, starts[k1 - 1])
            k1 -= 1
        self.short = low_end + 2 >= high_start
        tau = table.tau
        t0, t1 = bisect_left(tau, lo - DAY), bisect_left(tau, hi + DAY)
        if self.short:
            self.regions = [list(cal.matching_days(d0, d1))]
            self.edge_changes = range(t0, t1)
            self.kinds: list[tuple[list[int], range]] = []
            return
        self.regions = [
            list(cal.matching_days(d0, low_end)),
            list(cal.matching_days(high_start, d1)),
        ]
        low_t = bisect_right(tau, (low_end + 2) * DAY)
        high_t = bisect_left(tau, (high_start - 1) * DAY - DAY)
        self.edge_changes = [*range(t0, min(t1, low_t)), *range(max(t0, high_t), t1)]
        seen = set()
        self.kinds = []
        masks = cal.kind_masks
        for (shape_id, kind, doy, following, span), indices in members:
            at = bisect_left(indices, k0)
            if at == len(indices) or indices[at] >= k1:
                continue
            # Matching days of the cluster from its calendar position (same for every one).
            length = 366 if kind >= 7 else 365
            if doy + span >= length + 365:  # a cluster longer than a year: read the days
                c0 = starts[indices[at]]
                pattern = cal.day_mask(c0, c0 + span)
            else:
                pattern = masks[kind] >> doy
                if doy + span >= length:
                    pattern |= masks[following] << (length - doy)
                pattern &= (2 << span) - 1
            key = (shape_id, pattern)
            if key in seen:
                continue
            c0, c1 = starts[indices[at]], ends[indices[at]]
            seen.add(key)
            days = [c0 + d for d in _bit_list(pattern)]
            changes = range(bisect_left(tau, c0 * DAY - DAY), bisect_right(tau, (c1 + 1) * DAY))
            self.kinds.append((days, changes))
        zone_days, zone_bits, zone_base, _ = _zone_days(table)
        x_count = (
            bisect_right(zone_days, self.clip_hi)
            - bisect_left(zone_days, self.clip_lo)
            + (self.clip_lo - d0)
            + (d1 - self.clip_hi)
        )
        if not self._count_regular(x_count):
            width = d1 - d0 + 1
            x_days = zone_bits >> d0 - zone_base if d0 >= zone_base else zone_bits << zone_base - d0
            x_days &= (1 << width) - 1
            x_days |= (1 << (self.clip_lo - d0)) - 1
            cut = self.clip_hi - d0 + 1
            x_days |= ((1 << width) - 1) >> cut << cut
            match = cal.day_mask(d0, d1)
            self.regular = (match & ~x_days).bit_count()
            self.pair_gap = (
                _regular_pair_gap(match, x_days, wait, cal.span) if self.regular else None
            )

    def _count_regular(self, x_count: int) -> bool:
        """Regular matching days and the shortest gap between regular neighbours from counts
        alone, when the whole years inside the window have more of them than the X days could
        spoil (an X day is in at most two pairs of consecutive matching days). False: use the
        day masks."""
        cal = self.cal
        y0, y1 = max(_year_of(self.d0) + 1, _YEAR_LO), min(_year_of(self.d1) - 1, _YEAR_HI)
        if y1 < y0:
            return False
        days = pairs = 0
        closest = None
        present = []
        for kind in range(14):
            years = _TYPE_PREFIX[kind][y1 + 1 - _YEAR_LO] - _TYPE_PREFIX[kind][y0 - _YEAR_LO]
            if years:
                stats = cal.kind_stats(kind)
                if stats is None:
                    return False
                present.append((kind, years, stats))
                days += years * stats[2]
                if stats[4] is not None and (closest is None or stats[4] < closest):
                    closest = stats[4]
        if days - x_count < 2 or closest is None:
            return False
        for kind, years, stats in present:
            mask = cal.kind_masks[kind]
            pairs += years * (mask & (mask >> closest)).bit_count()
            # Across New Year: a pair closer than `closest` would make the counts wrong.
            length = 366 if kind >= 7 else 365
            for following in cal.next_kinds(kind):
                after = cal.kind_stats(following)
                if after is not None and length - stats[1] + after[0] < closest:
                    return False
        if pairs <= 2 * x_count:
            return False
        self.regular = days - x_count
        self.pair_gap = closest * DAY - cal.span
        return True

    def flags(self, engine: UnixPolicyEngine) -> tuple[bool, bool]:
        """(touched, differs) over the changes in [lo - 1 day, hi + 1 day), as
        ``analysis._affected_by_dst`` defines them."""
        flags = [False, False]
        _flag(engine, self.edge_changes, self.cal.matches, flags)
        for _, changes in self.kinds:
            _flag(engine, changes, self.cal.matches, flags)
        return flags[0], flags[1]

    def figures(self, engine: UnixPolicyEngine, count: int):
        """(next runs, busiest day, most in 24 h, shortest gap, runs capped at 2)."""
        lo, hi, cal = self.lo, self.hi, self.cal
        figures = [0, 0, 0, None]
        for days in self.regions:
            _merge(figures, engine.scan(days, lo, hi))
        for days, _ in self.kinds:
            _merge(figures, engine.scan(days, -(1 << 62), 1 << 62))
        if not self.short and self.regular:
            n = cal.n
            gap = cal.full_gap
            if self.pair_gap is not None:
                gap = self.pair_gap if gap is None else min(gap, self.pair_gap)
            figures[0] = min(2, figures[0] + self.regular * n)
            figures[1] = max(figures[1], n)
            figures[2] = max(figures[2], n)
            if gap is not None:
                figures[3] = gap if figures[3] is None else min(figures[3], gap)
        total, busiest, most, gap = figures
        return engine.next_runs(lo, hi, count), busiest, most, gap, total


def _bit_list(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def _clip(groups, values: list[int], r0: int, r1: int) -> list[tuple[int, int, int]]:
    """The minute groups of one hour restricted to minute indices r0..r1."""
    out = []
    for hours, s, e, _ in groups:
        lo, hi = max(s, r0), min(e, r1)
        if lo < hi:
            out.append((hours, lo, max(values[lo:hi])))
    return out


def _merge(figures: list, summary: tuple) -> None:
    total, busiest, gap, most, _, _ = summary
    figures[0] = min(2, figures[0] + total)
    figures[1] = max(figures[1], busiest)
    figures[2] = max(figures[2], most)
    if gap is not None:
        figures[3] = gap if figures[3] is None else min(figures[3], gap)


def _flag(engine: UnixPolicyEngine, changes, matches, flags: list) -> None:
    for i in changes:
        if flags[1]:
            return
        touched, differs = engine.affected(i, matches)
        flags[0] = flags[0] or touched
        flags[1] = flags[1] or differs


def _regular_pair_gap(match: int, x_days: int, wait: int, span: int) -> int | None:
    """Shortest gap between consecutive matching days k apart with no X day from the first to
    the second: k days minus the span of T, for the smallest such k."""
    between = 0  # matching days strictly inside (e, e + k)
    reach = x_days  # an X day in [e, e + k]
    for k in range(1, wait + 1):
        shifted = match >> k
        reach |= x_days >> k
        if match & shifted & ~between & ~reach:
            return k * DAY - span
        between |= shifted
    return None
