"""Property tests: the engine against a brute-force minute-by-minute reference.

The reference below shares no code with ``modules.schedule``: hypothesis draws the *meaning* of
each cron field (sets of minutes, hours, a day rule ...; ranges may run backwards and wrap, as
in AWS's ``20-2`` hours example), renders it to AWS text, and the
reference decides minute by minute, with ``zoneinfo`` and ``calendar``, whether the schedule fires.
Daylight saving follows EventBridge Scheduler: a wall time that does not exist is skipped, a wall
time that occurs twice fires at its first occurrence only.

Default run: a modest number of examples (fast). ``HYPOTHESIS_PROFILE=thorough`` runs thousands.
"""

from __future__ import annotations

import calendar
import itertools
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modules.schedule import analyze, parse_schedule

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
EXAMPLES = 1500 if THOROUGH else 30
MAX_WINDOW_DAYS = 40 if THOROUGH else 4
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
    "Australia/Lord_Howe",  # 30-minute DST shift
    "America/Santiago",  # transitions at midnight
    "Asia/Kolkata",
    "Pacific/Chatham",  # +12:45 / +13:45
    "Europe/Dublin",  # "negative" DST in tzdata: winter is the DST period
]
# Reference instants are drawn near DST transitions so that windows often straddle one.
TRANSITION_DAYS = [
    datetime(2026, 3, 8, tzinfo=UTC),
    datetime(2026, 3, 29, tzinfo=UTC),
    datetime(2026, 4, 5, tzinfo=UTC),
    datetime(2026, 9, 6, tzinfo=UTC),
    datetime(2026, 9, 27, tzinfo=UTC),
    datetime(2026, 10, 4, tzinfo=UTC),
    datetime(2026, 10, 25, tzinfo=UTC),
    datetime(2026, 11, 1, tzinfo=UTC),
    datetime(2028, 2, 27, tzinfo=UTC),
    datetime(2027, 12, 30, tzinfo=UTC),
]
NAMES_DOW = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
NAMES_MON = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]


@dataclass(frozen=True)
class Field:
    text: str
    values: frozenset[int]


def numeric_field(
    lo: int, hi: int, names: list[str] | None = None, *, steps: bool = True
) -> st.SearchStrategy[Field]:
    """Draw a list/range/step/star field over [lo, hi] with its exact value set."""
    full = frozenset(range(lo, hi + 1))

    def label(value: int, use_name: bool) -> str:
        return names[value - lo] if names and use_name else str(value)

    star = st.just(Field("*", full))
    single = st.builds(
        lambda v, n: Field(label(v, n), frozenset({v})), st.integers(lo, hi), st.booleans()
    )

    def cycle(a: int, b: int, step: int = 1) -> frozenset[int]:
        """a, a+step, ... up to b, going past hi back to lo when b < a (AWS's documented
        `20-2` hours: 20..23 then 0..2); the step keeps counting across the wrap."""
        span = hi - lo + 1
        return frozenset(lo + (a - lo + k) % span for k in range(0, (b - a) % span + 1, step))

    @st.composite
    def ranged(draw):
        a = draw(st.integers(lo, hi))
        b = draw(st.integers(lo, hi) if draw(st.booleans()) else st.integers(a, hi))
        use_name = draw(st.booleans())
        return Field(f"{label(a, use_name)}-{label(b, use_name)}", cycle(a, b))

    @st.composite
    def stepped(draw):
        step = draw(st.integers(1, hi - lo))
        form = draw(st.sampled_from(["star", "start", "range"]))
        if form == "star":
            return Field(f"*/{step}", frozenset(range(lo, hi + 1, step)))
        a = draw(st.integers(lo, hi))
        if form == "start":
            return Field(f"{a}/{step}", frozenset(range(a, hi + 1, step)))
        b = draw(st.integers(lo, hi) if draw(st.booleans()) else st.integers(a, hi))
        return Field(f"{a}-{b}/{step}", cycle(a, b, step))

    @st.composite
    def listed(draw):
        items = st.one_of(single, ranged(), stepped()) if steps else st.one_of(single, ranged())
        parts = draw(st.lists(items, min_size=2, max_size=4))
        return Field(",".join(p.text for p in parts), frozenset().union(*(p.values for p in parts)))

    if not steps:  # AWS day-of-week takes no '/'
        return st.one_of(star, single, ranged(), listed())
    return st.one_of(star, single, ranged(), stepped(), listed())


def _weekday(day: datetime | tuple[int, int, int]) -> int:
    """1=SUN .. 7=SAT via the calendar module."""
    y, m, d = day
    return (calendar.weekday(y, m, d) + 1) % 7 + 1


def _nearest_weekday(y: int, m: int, n: int) -> int | None:
    length = calendar.monthrange(y, m)[1]
    if n > length:
        return None
    candidates = sorted(
        (abs(d - n), d) for d in range(1, length + 1) if _weekday((y, m, d)) not in (1, 7)
    )
    return candidates[0][1]  # a weekday exists within 2 days of n inside the month


MINUTE_FIELDS = numeric_field(0, 59)
HOUR_FIELDS = numeric_field(0, 23)
DOM_FIELDS = numeric_field(1, 31)
MONTH_FIELDS = numeric_field(1, 12, NAMES_MON)
DOW_FIELDS = numeric_field(1, 7, NAMES_DOW, steps=False)


@st.composite
def day_rule(draw):
    """(day-of-month text, day-of-week text, predicate over (y, m, d))."""
    if draw(st.booleans()):
        kind = draw(st.sampled_from(["field", "field", "L", "L-n", "LW", "nW"]))
        if kind == "field":
            field = draw(DOM_FIELDS)
            return field.text, "?", lambda y, m, d, v=field.values: d in v
        if kind == "L":
            return "L", "?", lambda y, m, d: d == calendar.monthrange(y, m)[1]
        if kind == "L-n":
            n = draw(st.integers(1, 30))
            return f"L-{n}", "?", lambda y, m, d, n=n: d == calendar.monthrange(y, m)[1] - n
        if kind == "LW":
            return (
                "LW",
                "?",
                lambda y, m, d: (
                    d
                    == max(
                        x
                        for x in range(1, calendar.monthrange(y, m)[1] + 1)
                        if _weekday((y, m, x)) not in (1, 7)
                    )
                ),
            )
        n = draw(st.integers(1, 31))
        return f"{n}W", "?", lambda y, m, d, n=n: d == _nearest_weekday(y, m, n)
    kind = draw(st.sampled_from(["field", "field", "nL", "n#k", "L"]))
    if kind == "field":
        field = draw(DOW_FIELDS)
        return "?", field.text, lambda y, m, d, v=field.values: _weekday((y, m, d)) in v
    if kind == "L":
        return "?", "L", lambda y, m, d: _weekday((y, m, d)) == 7
    n = draw(st.integers(1, 7))
    label = draw(st.sampled_from([str(n), NAMES_DOW[n - 1]]))
    if kind == "nL":
        return (
            "?",
            f"{label}L",
            lambda y, m, d, n=n: _weekday((y, m, d)) == n and d + 7 > calendar.monthrange(y, m)[1],
        )
    k = draw(st.integers(1, 5))
    return (
        "?",
        f"{label}#{k}",
        lambda y, m, d, n=n, k=k: _weekday((y, m, d)) == n and (d - 1) // 7 + 1 == k,
    )


@st.composite
def cron_case(draw):
    minutes = draw(MINUTE_FIELDS)
    hours = draw(HOUR_FIELDS)
    dom, dow, day_ok = draw(day_rule())
    month = draw(MONTH_FIELDS)
    year = draw(
        st.sampled_from(["*", "2026", "2026-2027", "2027", "2025,2028", "2020/2", "2024-2030/3"])
    )
    years = {
        "*": set(range(1970, 2200)),
        "2026": {2026},
        "2026-2027": {2026, 2027},
        "2027": {2027},
        "2025,2028": {2025, 2028},
        "2020/2": set(range(2020, 2200, 2)),
        "2024-2030/3": {2024, 2027, 2030},
    }[year]
    expression = f"cron({minutes.text} {hours.text} {dom} {month.text} {dow} {year})"
    zone = draw(st.sampled_from(ZONES))
    base = draw(st.sampled_from(TRANSITION_DAYS))
    reference = base + timedelta(minutes=draw(st.integers(-3 * 1440, 3 * 1440)))
    reference += timedelta(seconds=draw(st.sampled_from([0, 0, 30])))
    window = timedelta(minutes=draw(st.integers(60, MAX_WINDOW_DAYS * 1440)))

    def fires(local: datetime) -> bool:
        return (
            local.minute in minutes.values
            and local.hour in hours.values
            and local.month in month.values
            and local.year in years
            and day_ok(local.year, local.month, local.day)
        )

    return expression, zone, reference, reference + window, fires


def brute_force(zone: str, lo: datetime, hi: datetime, fires) -> list[datetime]:
    """Every UTC minute in [lo, hi) whose first-occurrence local wall time matches."""
    tz = ZoneInfo(zone)
    minute = lo.replace(second=0, microsecond=0)
    if minute < lo:
        minute += timedelta(minutes=1)
    runs = []
    while minute < hi:
        local = minute.astimezone(tz)
        if local.fold == 0 and fires(local):
            runs.append(minute)
        minute += timedelta(minutes=1)
    return runs


def reference_metrics(zone: str, runs: list[datetime]) -> tuple[int, float | None]:
    tz = ZoneInfo(zone)
    per_day: dict = {}
    for run in runs:
        day = run.astimezone(tz).date()
        per_day[day] = per_day.get(day, 0) + 1
    gaps = [(b - a).total_seconds() / 60 for a, b in itertools.pairwise(runs)]
    return max(per_day.values(), default=0), (min(gaps) if gaps else None)


@SETTINGS
@given(cron_case(), st.integers(1, 8))
def test_cron_analysis_matches_minute_by_minute_brute_force(case, count):
    expression, zone, reference, end, fires = case
    schedule = parse_schedule(expression, zone)
    result = analyze(schedule, reference=reference, count=count, end=end)
    runs = brute_force(zone, reference, end, fires)
    context = f"{expression} in {zone} from {reference.isoformat()} to {end.isoformat()}"
    assert list(result.next_runs) == runs[:count], context
    assert [r.astimezone(UTC) for r in result.next_runs_local] == runs[:count], context
    max_per_day, min_interval = reference_metrics(zone, runs)
    assert result.max_runs_per_day == max_per_day, context
    assert result.min_interval_minutes == min_interval, context
    assert result.never_fires == (not runs), context


@st.composite
def rate_case(draw):
    unit, scale = draw(st.sampled_from([("minute", 1), ("hour", 60), ("day", 1440)]))
    value = draw(st.integers(1, {"minute": 1500, "hour": 30, "day": 3}[unit]))
    zone = draw(st.sampled_from(ZONES))
    base = draw(st.sampled_from(TRANSITION_DAYS))
    reference = base + timedelta(seconds=draw(st.integers(-3 * 86400, 3 * 86400)))
    start = None
    if draw(st.booleans()):
        start = reference + timedelta(seconds=draw(st.integers(-5 * 86400, 2 * 86400)))
    end = max(reference, start or reference) + timedelta(
        minutes=draw(st.integers(1, MAX_WINDOW_DAYS * 1440))
    )
    text = f"rate({value} {unit}{'s' if value > 1 else ''})"
    return text, value * scale, zone, reference, start, end


@SETTINGS
@given(rate_case())
def test_rate_analysis_matches_step_by_step_brute_force(case):
    text, minutes, zone, reference, start, end = case
    result = analyze(parse_schedule(text, zone), reference=reference, start=start, end=end)
    anchor = start or reference
    lo = max(reference, start) if start else reference
    step = timedelta(minutes=minutes)
    runs, run = [], anchor
    while run < end:
        if run >= lo:
            runs.append(run)
        run += step
    context = f"{text} in {zone}, reference {reference}, start {start}, end {end}"
    assert list(result.next_runs) == runs[:5], context
    max_per_day, min_interval = reference_metrics(zone, runs)
    assert result.max_runs_per_day == max_per_day, context
    assert result.min_interval_minutes == min_interval, context


@st.composite
def long_cron_case(draw):
    """Few runs a day but windows of years, so whole years (and their caching) are exercised."""
    minutes = draw(st.sets(st.integers(0, 59), min_size=1, max_size=2))
    hours = draw(st.sets(st.integers(0, 23), min_size=1, max_size=2))
    dom, dow, day_ok = draw(day_rule())
    month = draw(MONTH_FIELDS)
    year_text, years = draw(
        st.sampled_from(
            [
                ("2026-2029", set(range(2026, 2030))),
                ("2025,2027,2031", {2025, 2027, 2031}),
                ("2027-2033/2", {2027, 2029, 2031, 2033}),
                ("2096-2101", set(range(2096, 2102))),
                ("2030", {2030}),
            ]
        )
    )
    text = (
        f"cron({','.join(map(str, sorted(minutes)))} {','.join(map(str, sorted(hours)))} "
        f"{dom} {month.text} {dow} {year_text})"
    )
    zone = draw(st.sampled_from(ZONES))
    first_year = min(years)
    reference = datetime(first_year, 1, 1, tzinfo=UTC) + timedelta(
        minutes=draw(st.integers(-400 * 1440, 500 * 1440))
    )
    end = None
    if draw(st.booleans()):
        end = reference + timedelta(days=draw(st.integers(1, 5 * 366)))
    times = sorted((h, m) for h in hours for m in minutes)

    def day_ok_all(y, m, d):
        return y in years and m in month.values and day_ok(y, m, d)

    return text, zone, reference, end, times, day_ok_all, max(years)


def day_by_day(zone, lo, hi, times, day_ok, *, last_year):
    """Independent reference for long windows: each matching local day, each wall time, kept if
    it exists (round trip through zoneinfo) at its first occurrence and lies in [lo, hi)."""
    tz = ZoneInfo(zone)
    runs = []
    day = (lo - timedelta(days=2)).date()
    stop = min((hi + timedelta(days=2)).date(), datetime(last_year, 12, 31).date())
    while day <= stop:
        if day_ok(day.year, day.month, day.day):
            for hour, minute in times:
                naive = datetime(day.year, day.month, day.day, hour, minute)
                instant = naive.replace(tzinfo=tz).astimezone(UTC)
                if instant.astimezone(tz).replace(tzinfo=None) != naive:
                    continue  # skipped by a spring-forward jump
                if lo <= instant < hi:
                    runs.append(instant)
        day += timedelta(days=1)
    return runs


@settings(SETTINGS, max_examples=EXAMPLES if THOROUGH else 15)
@given(long_cron_case())
def test_cron_analysis_over_whole_years_matches_day_by_day_reference(case):
    text, zone, reference, end, times, day_ok, last_year = case
    result = analyze(parse_schedule(text, zone), reference=reference, count=6, end=end)
    hi = end or datetime(2200, 1, 2, tzinfo=UTC)
    runs = day_by_day(zone, reference, hi, times, day_ok, last_year=last_year)
    context = f"{text} in {zone} from {reference.isoformat()} to {end}"
    assert list(result.next_runs) == runs[:6], context
    max_per_day, min_interval = reference_metrics(zone, runs)
    assert result.max_runs_per_day == max_per_day, context
    assert result.min_interval_minutes == min_interval, context
    assert result.never_fires == (not runs), context


@st.composite
def long_rate_case(draw):
    """Rates of 10 hours and more over windows of up to three years (many DST changes)."""
    unit, scale, top = draw(
        st.sampled_from([("minute", 1, 3000), ("hour", 60, 50), ("day", 1440, 3)])
    )
    value = draw(st.integers(1 if unit != "minute" else 600, top))
    if unit == "hour":
        value = max(value, 10)
    zone = draw(st.sampled_from(ZONES))
    reference = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(
        seconds=draw(st.integers(0, 3 * 365 * 86400))
    )
    start = None
    if draw(st.booleans()):
        start = reference - timedelta(seconds=draw(st.integers(0, 400 * 86400)))
    end = reference + timedelta(days=draw(st.integers(30, 3 * 366)))
    text = f"rate({value} {unit}{'s' if value > 1 else ''})"
    return text, value * scale, zone, reference, start, end


@settings(SETTINGS, max_examples=EXAMPLES if THOROUGH else 10)
@given(long_rate_case())
def test_rate_analysis_over_years_matches_step_by_step_brute_force(case):
    text, minutes, zone, reference, start, end = case
    result = analyze(parse_schedule(text, zone), reference=reference, start=start, end=end)
    step = timedelta(minutes=minutes)
    run = start or reference
    if run < reference:
        run += step * -(-(reference - run) // step)
    runs = []
    while run < end:
        runs.append(run)
        run += step
    context = f"{text} in {zone}, reference {reference}, start {start}, end {end}"
    assert list(result.next_runs) == runs[:5], context
    max_per_day, min_interval = reference_metrics(zone, runs)
    assert result.max_runs_per_day == max_per_day, context
    assert result.min_interval_minutes == min_interval, context


@SETTINGS
@given(
    st.sampled_from(ZONES),
    st.sampled_from(TRANSITION_DAYS),
    st.integers(-2 * 1440, 2 * 1440),
    st.integers(-3 * 1440, 3 * 1440),
)
def test_at_runs_once_at_the_first_reading_of_its_wall_time_or_never_when_skipped(
    zone, base, offset, reference_offset
):
    local = (base + timedelta(minutes=offset)).replace(tzinfo=None)
    reference = base + timedelta(minutes=reference_offset)
    text = f"at({local:%Y-%m-%dT%H:%M:%S})"
    result = analyze(parse_schedule(text, zone), reference=reference, count=3)
    tz = ZoneInfo(zone)
    first = local.replace(tzinfo=tz, fold=0).astimezone(UTC)
    exists = first.astimezone(tz).replace(tzinfo=None) == local
    expected = [first] if exists and first >= reference else []
    context = f"{text} in {zone} from {reference.isoformat()}"
    assert list(result.next_runs) == expected, context
    assert result.never_fires == (not expected), context


@SETTINGS
@given(
    MINUTE_FIELDS,
    HOUR_FIELDS,
    st.one_of(DOM_FIELDS.map(lambda f: (f.text, "?")), DOW_FIELDS.map(lambda f: ("?", f.text))),
    MONTH_FIELDS,
    st.sampled_from(TRANSITION_DAYS),
)
def test_an_aws_cron_translated_to_unix_cron_is_valid_there_and_runs_the_same(
    minutes, hours, days, month, reference
):
    from modules.schedule import aws_to_unix_cron

    aws = f"cron({minutes.text} {hours.text} {days[0]} {month.text} {days[1]} *)"
    unix = aws_to_unix_cron(aws)
    if unix is None:
        # Only when Google would refuse it: a day the chosen months never have.
        assert analyze(parse_schedule(aws), reference=reference, count=1).never_fires, aws
        return
    expected = analyze(parse_schedule(aws), reference=reference, count=40)
    got = analyze(parse_schedule(unix, dialect="unix-cron"), reference=reference, count=40)
    assert got.next_runs == expected.next_runs, f"{aws} -> {unix}"
    assert got.max_runs_per_day == expected.max_runs_per_day, f"{aws} -> {unix}"


@settings(SETTINGS, max_examples=300 if THOROUGH else 10)
@given(cron_case(), st.integers(1, 30))
def test_a_suggested_aws_schedule_is_valid_and_keeps_the_limit_it_was_made_for(case, limit):
    from modules.schedule import suggest_schedule

    expression, zone, reference, _, _ = case
    schedule = parse_schedule(expression, zone)
    suggestion = suggest_schedule(schedule, max_runs_per_24h=limit, reference=reference)
    if suggestion is None:
        return
    again = parse_schedule(suggestion.expression, suggestion.timezone)  # valid AWS text
    assert (again.dialect, again.timezone) == ("aws", zone), suggestion.expression
    figures = analyze(again, reference=reference, count=0).judged
    assert figures.max_runs_per_24h <= limit, f"{expression} -> {suggestion.expression}"
