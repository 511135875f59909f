"""Analysis of ADF recurrences on the calendar engine of analysis.py.

Minute and Hour recurrences are a fixed interval in real time from ``startTime`` (like AWS
``rate()``). Day, Week and Month recurrences are matching local days times times of day, like a
cron; only which days match differs, and with an ``interval`` above 1 that depends on the phase
of the year against ``startTime`` (every 2nd day/week/month), so the phase joins the year
cache key.
"""

from __future__ import annotations

import calendar as _calendar

from .adf import AdfSpec
from .analysis import (
    _YEARS,
    DAY,
    WORST,
    ScheduleFigures,
    _affected_by_dst,
    _cron_figures,
    _CronEngine,
    _rate_figures,
)
from .cron import YEAR_MAX, YEAR_MIN, CronSpec, DayOfMonth, DayOfWeek
from .zones import ZoneTable

# Nominal reading of wall times that DST skips or repeats, which Microsoft does not document:
# a repeated time runs once (first), a skipped one at the transition. WORST is the worst case.
ADF_NOMINAL = ("first", "shift")
_DUMMY = CronSpec(
    fields=("*",) * 6,
    minutes=(0,),
    hours=(0,),
    day_of_month=DayOfMonth("set", days=frozenset(range(1, 32))),
    months=tuple(range(1, 13)),
    day_of_week=DayOfWeek("any"),
    years=tuple(range(YEAR_MIN, YEAR_MAX + 1)),
)


def _weekday(day: int) -> int:
    """1=Sunday .. 7=Saturday for a day number (1970-01-01 was a Thursday)."""
    return (day + 4) % 7 + 1


class _AdfEngine(_CronEngine):
    def __init__(self, spec: AdfSpec, table: ZoneTable, policy: tuple[str, str]):
        first_year = max(spec.start.year, YEAR_MIN)
        super().__init__(
            CronSpec(
                fields=_DUMMY.fields,
                minutes=_DUMMY.minutes,
                hours=_DUMMY.hours,
                day_of_month=_DUMMY.day_of_month,
                months=_DUMMY.months,
                day_of_week=_DUMMY.day_of_week,
                years=tuple(range(first_year, YEAR_MAX + 1)),
            ),
            table,
            policy,
            times=spec.times_of_day,
        )
        self.adf = spec
        self.start_day = spec.start.toordinal() - 719163  # days since 1970-01-01
        self.weekday_free = False

    def _phase(self, year: int) -> int:
        spec = self.adf
        k = spec.interval
        if k == 1:
            return 0
        y0 = _YEARS[year][0]
        if spec.frequency == "Day":
            return (y0 - self.start_day) % k
        if spec.frequency == "Week":
            return ((y0 - 3) // 7 - (self.start_day - 3) // 7) % k
        return (12 * (year - spec.start.year) - (spec.start.month - 1)) % k

    def calendar_key(self, year: int) -> tuple:
        _, leap, weekday = _YEARS[year]
        return (leap, weekday, self._phase(year))

    def year_mask(self, year: int) -> int:
        key = self.calendar_key(year)
        mask = self._year_masks.get(key)
        if mask is not None:
            return mask
        spec = self.adf
        y0, leap, _ = _YEARS[year]
        length = 366 if leap else 365
        mask = 0
        k = spec.interval
        if spec.frequency == "Day":
            for d in range((self.start_day - y0) % k, length, k):
                mask |= 1 << d
        elif spec.frequency == "Week":
            days = set(spec.week_days) or {_weekday(self.start_day)}
            start_week = (self.start_day - 3) // 7
            for d in range(length):
                day = y0 + d
                if _weekday(day) in days and ((day - 3) // 7 - start_week) % k == 0:
                    mask |= 1 << d
        else:
            offset = 0
            for month in range(1, 13):
                days_in = _calendar.monthrange(2000 if leap else 2001, month)[1]
                index = 12 * (year - spec.start.year) + month - spec.start.month
                if index % k == 0:
                    for day in self._adf_month_days(days_in, _weekday(y0 + offset)):
                        mask |= 1 << (offset + day - 1)
                offset += days_in
        self._year_masks[key] = mask
        return mask

    def _adf_month_days(self, length: int, first_weekday: int) -> set[int]:
        spec = self.adf
        days: set[int] = set()
        for n in spec.month_days:
            day = n if n > 0 else length + 1 + n
            if 1 <= day <= length:
                days.add(day)
        for weekday, occurrence in spec.occurrences:
            first = 1 + (weekday - first_weekday) % 7
            hits = list(range(first, length + 1, 7))
            if occurrence == 0:
                days.update(hits)
            elif occurrence > 0 and occurrence <= len(hits):
                days.add(hits[occurrence - 1])
            elif occurrence < 0 and -occurrence <= len(hits):
                days.add(hits[occurrence])
        if not spec.month_days and not spec.occurrences and spec.start.day <= length:
            days.add(spec.start.day)
        return days


def adf_analysis(
    spec: AdfSpec, table: ZoneTable, lo: int, hi: int, count: int
) -> tuple[ScheduleFigures, tuple[str, ...], ScheduleFigures | None]:
    lo = max(lo, spec.start_utc)
    if spec.end_utc is not None:
        hi = min(hi, spec.end_utc)
    step = spec.fixed_interval
    if step is not None:
        return _rate_figures(spec.start_utc, step, lo, hi, count=count, table=table), (), None
    warnings = []
    engine = _AdfEngine(spec, table, ADF_NOMINAL)
    nominal = _cron_figures(engine, lo, hi, count)
    if spec.frequency == "Week" and spec.interval > 1:
        days = set(spec.week_days) or {1}
        if 1 in days and len(days) > 1:
            warnings.append(
                "Microsoft does not say on which day a week starts for 'every "
                f"{spec.interval} weeks'; analysed with weeks from Sunday (.NET's DayOfWeek order)"
            )
    if spec.frequency == "Month" and not spec.has_schedule and spec.start.day > 28:
        warnings.append(
            f"startTime is on day {spec.start.day}: months without that day get no run (as "
            "Microsoft documents for monthDays); use monthDays [-1] for the last day"
        )
    worst = None
    touched, differs = _affected_by_dst(engine, lo, hi) if lo < hi else (False, False)
    if touched:
        warnings.append(
            f"in {spec.windows_zone} some run times fall in an hour that daylight saving skips "
            "or repeats; Microsoft does not document what the trigger does then: figures run a "
            "repeated time once and a skipped time at the transition, the worst case runs a "
            "repeated time twice"
        )
        worst = _cron_figures(_AdfEngine(spec, table, WORST), lo, hi, count) if differs else nominal
    return nominal, tuple(warnings), worst


__all__ = ["ADF_NOMINAL", "DAY", "adf_analysis"]
