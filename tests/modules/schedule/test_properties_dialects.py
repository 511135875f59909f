"""Property tests for unix-cron and ADF, and for max_runs_per_24h in every dialect.

unix-cron is checked twice: against cronsim (a dev dependency that implements Debian cron's
day-of-month/day-of-week rule and its DST handling) for the next runs, and against a
minute-by-minute brute force over UTC minutes with ``zoneinfo`` for every figure, nominal and
worst case. ADF is checked against a day-by-day reference built from Microsoft's rules. Neither
reference shares code with ``modules.schedule``. ``HYPOTHESIS_PROFILE=thorough`` runs thousands.
"""

from __future__ import annotations

import calendar
import itertools
import json
import os
import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from cronsim import CronSim
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modules.schedule import ScheduleError, analyze, parse_schedule

from .test_properties import TRANSITION_DAYS, brute_force, cron_case

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
EXAMPLES = 1500 if THOROUGH else 25
MAX_WINDOW_DAYS = 20 if THOROUGH else 3
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not THOROUGH,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Australia/Lord_Howe",
    "America/Santiago",
    "Pacific/Chatham",
]
MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)


def max_in_24h(runs: list[datetime]) -> int:
    """Most runs in [r, r + 24 h) over all runs r (two pointers)."""
    best = 0
    for i, run in enumerate(runs):
        best = max(best, bisect_left(runs, run + DAY) - i)
    return best


def metrics(zone: str, runs: list[datetime]) -> tuple[int, int, float | None]:
    tz = ZoneInfo(zone)
    per_day: dict = {}
    for run in runs:
        day = run.astimezone(tz).date()
        per_day[day] = per_day.get(day, 0) + 1
    gaps = [(b - a).total_seconds() / 60 for a, b in itertools.pairwise(runs)]
    return max(per_day.values(), default=0), max_in_24h(runs), (min(gaps) if gaps else None)


def assert_figures(figures, zone, runs, context, count):
    per_day, per_24h, gap = metrics(zone, runs)
    assert list(figures.next_runs) == runs[:count], context
    assert figures.max_runs_per_day == per_day, context
    assert figures.max_runs_per_24h == per_24h, context
    assert figures.min_interval_minutes == gap, context
    assert figures.never_fires == (not runs), context


# -- AWS: max_runs_per_24h against the existing brute force ------------------------------------


@SETTINGS
@given(cron_case())
def test_aws_cron_most_runs_in_24_hours_matches_brute_force(case):
    expression, zone, reference, end, fires = case
    result = analyze(parse_schedule(expression, zone), reference=reference, end=end)
    runs = brute_force(zone, reference, end, fires)
    assert result.max_runs_per_24h == max_in_24h(runs), f"{expression} {zone} {reference}"


# -- unix-cron ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    text: str
    values: frozenset[int]


def unix_field(lo: int, hi: int, names: list[str] | None = None) -> st.SearchStrategy[Field]:
    """A unix-cron field by meaning: '*', values, ranges, '*/n', 'a-b/n' and lists of them."""

    def label(value: int, use_name: bool) -> str:
        return names[value - lo] if names and use_name else str(value)

    @st.composite
    def item(draw):
        kind = draw(st.sampled_from(["value", "range", "star-step", "range-step"]))
        use_name = draw(st.booleans())
        a = draw(st.integers(lo, hi))
        b = draw(st.integers(a, hi))
        step = draw(st.integers(1, hi - lo))
        if kind == "value":
            return Field(label(a, use_name), frozenset({a}))
        if kind == "range":
            return Field(f"{label(a, use_name)}-{label(b, use_name)}", frozenset(range(a, b + 1)))
        if kind == "star-step":
            return Field(f"*/{step}", frozenset(range(lo, hi + 1, step)))
        if a == b:  # cronsim reads 'a-a/n' as 'a/n' (a to the end); Vixie cron as just a
            b = hi if a < hi else a - 1
            a, b = min(a, b), max(a, b)
        return Field(
            f"{label(a, use_name)}-{label(b, use_name)}/{step}", frozenset(range(a, b + 1, step))
        )

    @st.composite
    def listed(draw):
        parts = draw(st.lists(item(), min_size=1, max_size=3))
        return Field(",".join(p.text for p in parts), frozenset().union(*(p.values for p in parts)))

    return st.one_of(st.just(Field("*", frozenset(range(lo, hi + 1)))), listed())


MINUTES = unix_field(0, 59)
HOURS = unix_field(0, 23)
DOMS = unix_field(1, 31)
MONTHS = unix_field(
    1, 12, ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
)
UNIX_DOWS = unix_field(0, 6, ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"])


@st.composite
def unix_case(draw):
    minute = draw(MINUTES)
    hour = draw(HOURS)
    dom = draw(st.one_of(st.just(None), DOMS))
    dow = draw(st.one_of(st.just(None), UNIX_DOWS))
    month = draw(MONTHS)
    star_dom = dom is None or dom.text.startswith("*")
    star_dow = dow is None or dow.text.startswith("*")
    dom_values = set(range(1, 32)) if dom is None else set(dom.values)
    dow_values = set(range(7)) if dow is None else set(dow.values)
    if min(dom_values) > max(calendar.monthrange(2000, m)[1] for m in month.values) and (
        star_dom or star_dow
    ):
        dom_values, dom = set(range(1, 32)), None
        star_dom = True
    text = " ".join(
        [
            minute.text,
            hour.text,
            "*" if dom is None else dom.text,
            month.text,
            "*" if dow is None else dow.text,
        ]
    )
    zone = draw(st.sampled_from(ZONES))
    base = draw(st.sampled_from(TRANSITION_DAYS))
    reference = base + timedelta(minutes=draw(st.integers(-3 * 1440, 3 * 1440)))
    window = timedelta(minutes=draw(st.integers(60, MAX_WINDOW_DAYS * 1440)))

    def day_ok(local: datetime) -> bool:
        in_dom = local.day in dom_values
        in_dow = (local.weekday() + 1) % 7 in dow_values
        return (in_dom and in_dow) if (star_dom or star_dow) else (in_dom or in_dow)

    def fires(local: datetime) -> bool:
        return (
            local.minute in minute.values
            and local.hour in hour.values
            and local.month in month.values
            and day_ok(local)
        )

    fixed = not minute.text.startswith("*") and not hour.text.startswith("*")
    return text, zone, reference, reference + window, fires, fixed


def unix_brute_force(zone, lo, hi, fires, *, every: bool, shift: bool) -> list[datetime]:
    """UTC minutes in [lo, hi) whose local wall time matches (only its first reading unless
    ``every``); with ``shift``, a matching wall time that a forward jump skips runs at the
    first minute after the jump."""
    tz = ZoneInfo(zone)
    minute = lo.replace(second=0, microsecond=0)
    if minute < lo:
        minute += MINUTE
    runs = []
    previous = (minute - MINUTE).astimezone(tz).replace(tzinfo=None)
    while minute < hi:
        local = minute.astimezone(tz)
        naive = local.replace(tzinfo=None)
        hit = fires(local) and (every or local.fold == 0)
        if shift and naive - previous > MINUTE:
            skipped = previous + MINUTE
            while skipped < naive:
                if fires(skipped):
                    hit = True
                    break
                skipped += MINUTE
        if hit:
            runs.append(minute)
        previous = naive
        minute += MINUTE
    return runs


@SETTINGS
@given(unix_case(), st.integers(1, 8))
def test_unix_cron_matches_brute_force_nominal_and_worst(case, count):
    text, zone, reference, end, fires, fixed = case
    result = analyze(
        parse_schedule(text, zone, dialect="unix-cron"), reference=reference, count=count, end=end
    )
    context = f"{text} in {zone} from {reference.isoformat()} to {end.isoformat()}"
    nominal = unix_brute_force(zone, reference, end, fires, every=not fixed, shift=fixed)
    assert_figures(result, zone, nominal, context, count)
    worst = unix_brute_force(zone, reference, end, fires, every=True, shift=True)
    if result.worst is None:
        assert worst == nominal, context
    else:
        assert_figures(result.worst, zone, worst, context + " (worst)", count)


@SETTINGS
@given(unix_case())
def test_unix_cron_next_runs_match_cronsim(case):
    text, zone, reference, _, fires, fixed = case
    if zone == "Australia/Lord_Howe":
        # cronsim steps hours by 3600 s from a replaced minute, which skips the first half hour
        # after Lord Howe's 30-minute fall-back ('* 2 * * 0' on 2026-04-05 starts at 02:30);
        # the minute-by-minute brute force covers that zone.
        zone = "Europe/Berlin"
    reference = reference.replace(second=0)
    result = analyze(parse_schedule(text, zone, dialect="unix-cron"), reference=reference, count=6)
    # cronsim returns runs strictly after its start; ours start at the reference itself.
    sim = CronSim(text, (reference - timedelta(seconds=1)).astimezone(ZoneInfo(zone)))
    expected: list[datetime] = []
    tz = ZoneInfo(zone)
    for _ in range(50):
        if len(expected) == len(result.next_runs):
            break
        run = next(sim)
        # cronsim moves a result inside a DST gap to the first minute after it. On its day
        # path (a search that starts on a non-matching day lands on an imaginary midnight) it
        # does so for a '*' job too: '* 0 * * 0' in Santiago, whose Sunday hour 0 is skipped on
        # 2026-09-06, runs at 01:00 when searched from Saturday but not when searched from
        # Sunday 00:00 UTC-4's hour path ('* 0 * * *' from Saturday noon skips it). Debian runs
        # a '*' job only at wall times it matches; the brute force checks that, so here such a
        # moved run of a wildcard job is dropped.
        if fixed or fires(run.astimezone(UTC).astimezone(tz)):  # the real wall time
            expected.append(run.astimezone(UTC))
    assert list(result.next_runs) == expected, f"{text} in {zone} from {reference.isoformat()}"


# -- ADF ---------------------------------------------------------------------------------------

ADF_ZONES = {
    "UTC": "UTC",
    "W. Europe Standard Time": "Europe/Berlin",
    "Pacific Standard Time": "America/Los_Angeles",
    "AUS Eastern Standard Time": "Australia/Sydney",  # southern hemisphere
    "Lord Howe Standard Time": "Australia/Lord_Howe",  # 30-minute DST shift
    "Pacific SA Standard Time": "America/Santiago",  # clocks change at midnight
}
WEEK_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@st.composite
def adf_case(draw):
    windows = draw(st.sampled_from(sorted(ADF_ZONES)))
    zone = ADF_ZONES[windows]
    frequency = draw(st.sampled_from(["Minute", "Hour", "Day", "Week", "Month"]))
    interval = (
        draw(st.integers(1, 3))
        if frequency in ("Day", "Week", "Month")
        else draw(
            st.sampled_from([1, 7, 15, 45, 90, 1000] if frequency == "Minute" else [1, 2, 5, 25])
        )
    )
    base = draw(st.sampled_from(TRANSITION_DAYS))
    start_local = (
        base + timedelta(days=draw(st.integers(-40, 3)), minutes=draw(st.integers(0, 1439)))
    ).replace(tzinfo=None, second=0)
    if frequency in ("Minute", "Hour"):
        tz = ZoneInfo(zone)
        aware = start_local.replace(tzinfo=tz)
        if (
            aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != start_local
            or aware.replace(fold=1).utcoffset() != aware.utcoffset()
        ):
            start_local += timedelta(hours=3)  # keep clear of DST gaps and repeats
    schedule: dict = {}
    if frequency in ("Day", "Week", "Month") and draw(st.booleans()):
        if draw(st.booleans()):
            schedule["hours"] = sorted(draw(st.sets(st.integers(0, 23), min_size=1, max_size=3)))
        if draw(st.booleans()):
            schedule["minutes"] = sorted(
                draw(st.sets(st.sampled_from([0, 15, 30, 45, 59]), min_size=1, max_size=3))
            )
        if frequency == "Week" and draw(st.booleans()):
            schedule["weekDays"] = sorted(
                draw(st.sets(st.sampled_from(WEEK_DAYS), min_size=1, max_size=3))
            )
        if frequency == "Month":
            choice = draw(st.sampled_from(["none", "days", "occ", "both"]))
            if choice in ("days", "both"):
                schedule["monthDays"] = sorted(
                    draw(st.sets(st.integers(-31, 31).filter(bool), min_size=1, max_size=3))
                )
            if choice in ("occ", "both"):
                schedule["monthlyOccurrences"] = [
                    {"day": draw(st.sampled_from(WEEK_DAYS)), **({"occurrence": o} if o else {})}
                    for o in draw(
                        st.lists(
                            st.sampled_from([0, 1, 2, 3, 4, 5, -1, -2, -3, -4, -5]),
                            min_size=1,
                            max_size=3,
                        )
                    )
                ]
    utc = windows == "UTC"
    # ADF reads names in any case; an omitted interval is 1.
    spelled = draw(st.sampled_from([str.title, str.lower, str.upper]))
    if "weekDays" in schedule:
        schedule["weekDays"] = [spelled(d) for d in schedule["weekDays"]]
    recurrence = {
        "frequency": spelled(frequency),
        "interval": interval,
        "startTime": start_local.strftime("%Y-%m-%dT%H:%M:%S") + ("Z" if utc else ""),
        "timeZone": windows,
    }
    if schedule:
        recurrence["schedule"] = schedule
    if interval == 1 and draw(st.booleans()):
        del recurrence["interval"]
    end_local = None
    if draw(st.booleans()):
        end_local = start_local + timedelta(minutes=draw(st.integers(60, 60 * 1440)))
        recurrence["endTime"] = end_local.strftime("%Y-%m-%dT%H:%M:%S") + ("Z" if utc else "")
    reference = base + timedelta(minutes=draw(st.integers(-2 * 1440, 2 * 1440)))
    window = timedelta(minutes=draw(st.integers(60, (MAX_WINDOW_DAYS + 30) * 1440)))
    return recurrence, zone, start_local, end_local, reference, reference + window


def _instants(tz, naive: datetime, *, every: bool) -> list[datetime]:
    """UTC instants of a wall time: both readings of a repeated one when ``every``, the end of
    the jump for a skipped one."""
    first = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    second = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    exists = first.astimezone(tz).replace(tzinfo=None) == naive
    if not exists:
        moment = naive
        while (
            moment.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None) != moment
        ):
            moment += MINUTE
        return [moment.replace(tzinfo=tz).astimezone(UTC)]
    return sorted({first, second}) if every else [min(first, second)]


def adf_reference(recurrence, zone, lo, hi, *, start_local, end_local, every) -> list[datetime]:
    """Runs in [lo, hi) from Microsoft's rules, day by day."""
    tz = ZoneInfo(zone)
    frequency, k = recurrence["frequency"].title(), recurrence.get("interval", 1)
    start_utc = _instants(tz, start_local, every=False)[0]
    end_utc = _instants(tz, end_local, every=False)[0] if end_local else None
    lo = max(lo, start_utc)
    hi = min(hi, end_utc) if end_utc else hi
    if frequency in ("Minute", "Hour"):
        step = timedelta(minutes=k if frequency == "Minute" else 60 * k)
        run, runs = start_utc, []
        while run < hi:
            if run >= lo:
                runs.append(run)
            run += step
        return runs
    schedule = recurrence.get("schedule", {})
    hours = schedule.get("hours", [start_local.hour])
    minutes = schedule.get("minutes", [start_local.minute])
    second = start_local.second if "hours" not in schedule and "minutes" not in schedule else 0
    start_date = start_local.date()
    runs = set()
    day = (lo - 2 * DAY).astimezone(tz).date()
    last = (hi + 2 * DAY).astimezone(tz).date()
    while day <= last:
        ok = False
        if frequency == "Day":
            ok = (day - start_date).days % k == 0
        elif frequency == "Week":
            days = [WEEK_DAYS.index(d.title()) for d in schedule.get("weekDays", [])] or [
                start_date.weekday()
            ]
            sunday_week = lambda d: d.toordinal() // 7  # noqa: E731 - ordinal 7 is a Sunday
            ok = day.weekday() in days and (sunday_week(day) - sunday_week(start_date)) % k == 0
        else:
            months = (day.year - start_date.year) * 12 + day.month - start_date.month
            length = calendar.monthrange(day.year, day.month)[1]
            if months % k == 0:
                wanted = {n if n > 0 else length + 1 + n for n in schedule.get("monthDays", [])}
                for item in schedule.get("monthlyOccurrences", []):
                    weekday = WEEK_DAYS.index(item["day"])
                    hits = [
                        d
                        for d in range(1, length + 1)
                        if calendar.weekday(day.year, day.month, d) == weekday
                    ]
                    occurrence = item.get("occurrence")
                    if not occurrence:
                        wanted.update(hits)
                    elif abs(occurrence) <= len(hits):
                        wanted.add(hits[occurrence - 1] if occurrence > 0 else hits[occurrence])
                if "monthDays" not in schedule and "monthlyOccurrences" not in schedule:
                    wanted = {start_date.day}
                ok = day.day in wanted
        if ok:
            for hour in hours:
                for minute in minutes:
                    naive = datetime(day.year, day.month, day.day, hour, minute, second)
                    runs.update(u for u in _instants(tz, naive, every=every) if lo <= u < hi)
        day += DAY
    return sorted(runs)


@SETTINGS
@given(adf_case())
def test_adf_matches_a_day_by_day_reference_nominal_and_worst(case):
    recurrence, zone, start_local, end_local, reference, end = case
    result = analyze(
        parse_schedule(recurrence, dialect="adf-recurrence"), reference=reference, count=6, end=end
    )
    context = f"{recurrence} from {reference.isoformat()} to {end.isoformat()}"
    nominal = adf_reference(
        recurrence, zone, reference, end, start_local=start_local, end_local=end_local, every=False
    )
    assert_figures(result, zone, nominal, context, 6)
    worst = adf_reference(
        recurrence, zone, reference, end, start_local=start_local, end_local=end_local, every=True
    )
    if result.worst is None:
        assert worst == nominal, context
    else:
        assert_figures(result.worst, zone, worst, context + " (worst)", 6)


# -- suggestions: valid in their dialect and within the limit they were made for ---------------


@settings(SETTINGS, max_examples=300 if THOROUGH else 8)
@given(
    st.one_of(
        unix_case().map(lambda c: ("unix-cron", c)), adf_case().map(lambda c: ("adf-recurrence", c))
    ),
    st.integers(1, 30),
)
def test_a_suggested_unix_or_adf_schedule_is_valid_and_keeps_its_limit(drawn, limit):
    from modules.schedule import suggest_schedule

    dialect, case = drawn
    if dialect == "unix-cron":
        text, zone, reference = case[0], case[1], case[2]
        schedule = parse_schedule(text, zone, dialect="unix-cron")
    else:
        recurrence, reference = case[0], case[4]
        schedule = parse_schedule(recurrence, dialect="adf-recurrence")
    suggestion = suggest_schedule(schedule, max_runs_per_24h=limit, reference=reference)
    if suggestion is None:
        return
    if dialect == "unix-cron":
        again = parse_schedule(suggestion.expression, schedule.timezone, dialect=dialect)
    else:
        again = parse_schedule(json.loads(suggestion.expression), dialect=dialect)
    assert again.timezone == schedule.timezone, suggestion.expression
    figures = analyze(again, reference=reference, count=0).judged
    assert figures.max_runs_per_24h <= limit, f"{schedule.expression} -> {suggestion.expression}"


# -- a unix-cron pasted where AWS cron is expected: the suggested AWS crons run the same -------


@SETTINGS
@given(unix_case())
def test_the_aws_suggestion_for_a_pasted_unix_cron_runs_exactly_the_unix_runs(case):
    text, _, reference, end, _, _ = case
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(f"cron({text})")
    message = str(caught.value)
    suggested = re.findall(r"cron\(([^()]*)\)", message.split("Unix cron", 1)[1])
    unix = analyze(
        parse_schedule(text, dialect="unix-cron"), reference=reference, end=end, count=10**5
    )
    if not suggested:
        # Only when AWS has no equivalent: both day fields restricted and one starts with '*'.
        fields = text.upper().split()
        assert fields[2] not in ("*", "?"), message
        assert fields[4] != "*", message
        return
    runs: set = set()
    for body in suggested:
        aws = analyze(parse_schedule(f"cron({body})"), reference=reference, end=end, count=10**5)
        runs.update(aws.next_runs)
    assert sorted(runs) == list(unix.next_runs), f"{text} -> {suggested}"
