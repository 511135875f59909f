"""The day-kind unix-cron engine (modules/schedule/unix_engine.py) against two references.

* The general cron engine (``analysis._unix_general``, which visits every matching day next to
  an offset change and is itself proven against the brute force) over long windows and the
  whole horizon to 2199, where the day-kind engine evaluates each kind of cluster once.
* A minute-by-minute brute force over 30-day windows centred on a DST change, so a cluster
  sits in the window's interior and goes through the kind path, for dense expressions whose
  24-hour windows and per-day counts come from the structure of hours x minutes.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modules.schedule import analyze, parse_schedule
from modules.schedule.analysis import _HORIZON, _seconds, _unix_general
from modules.schedule.unix_engine import UnixWindow
from modules.schedule.zones import tz_database_names, zone_table

from .test_properties_dialects import assert_figures, unix_brute_force, unix_case

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
SETTINGS = settings(
    max_examples=600 if THOROUGH else 30,
    deadline=None,
    derandomize=not THOROUGH,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _expected(text: str, zone: str, reference: datetime, end: datetime | None, count: int):
    schedule = parse_schedule(text, zone, dialect="unix-cron")
    lo = _seconds(reference, "reference")
    hi = _seconds(end, "end") if end is not None else _HORIZON
    nominal, touched, differs, worst = _unix_general(
        schedule.spec, zone_table(schedule.timezone), lo, hi, count
    )
    return nominal, ((worst if differs else nominal) if touched else None)


def _figures(result):
    return (
        result.next_runs,
        result.max_runs_per_day,
        result.max_runs_per_24h,
        result.min_interval_minutes,
        result.never_fires,
    )


@SETTINGS
@given(unix_case(), st.one_of(st.none(), st.integers(4, 900)), st.integers(1, 8))
def test_day_kind_engine_matches_the_general_engine_over_long_windows(case, days, count):
    text, zone, reference, _, _, _ = case
    end = None if days is None else reference + timedelta(days=days)
    result = analyze(
        parse_schedule(text, zone, dialect="unix-cron"), reference=reference, count=count, end=end
    )
    nominal, worst = _expected(text, zone, reference, end, count)
    context = f"{text} in {zone} from {reference.isoformat()} to {end}"
    assert _figures(result) == _figures(nominal), context
    assert result.worst == worst, context + " (worst)"


def test_the_whole_horizon_goes_through_cluster_kinds_not_day_by_day():
    schedule = parse_schedule("* * * * *", "America/New_York", dialect="unix-cron")
    window = UnixWindow(
        schedule.spec,
        zone_table(schedule.timezone),
        _seconds(datetime(2026, 11, 30, tzinfo=UTC), "reference"),
        _HORIZON,
    )
    # 173 springs and 173 autumns fold into a handful of kinds.
    assert window.usable, "'* * * * *' matches every day"
    assert not window.short, "the horizon is not a short window"
    assert 1 <= len(window.kinds) <= 4, window.kinds


def test_a_schedule_whose_days_can_be_years_apart_uses_the_general_engine():
    schedule = parse_schedule("0 0 29 2 *", "Europe/Berlin", dialect="unix-cron")
    window = UnixWindow(schedule.spec, zone_table(schedule.timezone), 400 * 86400, _HORIZON)
    assert not window.usable, "29 February only: matching days 8 years apart around 2100"


DENSE = [  # (expression, (minutes, hours, weekdays or None for every day))
    ("*/7 * * * *", (set(range(0, 60, 7)), set(range(24)), None)),
    ("* 1-3 * * *", (set(range(60)), {1, 2, 3}, None)),
    ("0,30 0-3 * * *", ({0, 30}, {0, 1, 2, 3}, None)),
    ("*/5 8-17 * * MON-FRI", (set(range(0, 60, 5)), set(range(8, 18)), {1, 2, 3, 4, 5})),
    ("15 2 * * *", ({15}, {2}, None)),
]
CHANGES = [
    ("America/New_York", datetime(2027, 3, 14, 7, tzinfo=UTC)),
    ("America/New_York", datetime(2027, 11, 7, 6, tzinfo=UTC)),
    ("Europe/Berlin", datetime(2027, 3, 28, 1, tzinfo=UTC)),
    ("Europe/Berlin", datetime(2027, 10, 31, 1, tzinfo=UTC)),
    ("Australia/Lord_Howe", datetime(2027, 4, 3, 15, tzinfo=UTC)),
    ("Australia/Lord_Howe", datetime(2027, 10, 2, 15, 30, tzinfo=UTC)),
]
if not THOROUGH:  # one spring and one autumn change per run of `make test`
    CHANGES = [CHANGES[0], CHANGES[5]]


@pytest.mark.parametrize(("zone", "change"), CHANGES)
@pytest.mark.parametrize(("text", "sets"), DENSE)
def test_dense_expressions_match_brute_force_with_the_change_inside_the_window(
    text, sets, zone, change
):
    minutes, hours, weekdays = sets
    reference = change - timedelta(days=15, minutes=17)
    end = change + timedelta(days=15)

    def fires(local: datetime) -> bool:
        weekday_ok = weekdays is None or (local.weekday() + 1) % 7 in weekdays
        return local.minute in minutes and local.hour in hours and weekday_ok

    schedule = parse_schedule(text, zone, dialect="unix-cron")
    window = UnixWindow(
        schedule.spec,
        zone_table(zone),
        _seconds(reference, "reference"),
        _seconds(end, "end"),
    )
    assert window.usable, f"{text} {zone}: general engine used"
    assert not window.short, f"{text} {zone}: short-window path used"
    assert window.kinds, f"{text} {zone}: no interior cluster kind"
    result = analyze(schedule, reference=reference, count=8, end=end)
    fixed = not text.split()[0].startswith("*") and not text.split()[1].startswith("*")
    context = f"{text} in {zone} from {reference.isoformat()} to {end.isoformat()}"
    nominal = unix_brute_force(zone, reference, end, fires, every=not fixed, shift=fixed)
    assert_figures(result, zone, nominal, context, 8)
    worst = unix_brute_force(zone, reference, end, fires, every=True, shift=True)
    if result.worst is None:
        assert worst == nominal, context
    else:
        assert_figures(result.worst, zone, worst, context + " (worst)", 8)


ALL_ZONES = sorted(tz_database_names())
ZONE_SAMPLE = ALL_ZONES if THOROUGH else ALL_ZONES[:: max(1, len(ALL_ZONES) // 25)]


@pytest.mark.parametrize("zone", ZONE_SAMPLE)
def test_every_zone_gives_the_general_engine_figures_from_1970_and_to_2199(zone):
    for text in ("0 */2 * * *", "30 1 * * SUN", "*/20 0-3 * * *"):
        for reference, end in (
            (datetime(1970, 2, 1, tzinfo=UTC), datetime(1973, 6, 1, tzinfo=UTC)),
            (datetime(2026, 11, 30, 9, 42, tzinfo=UTC), None),
        ):
            result = analyze(
                parse_schedule(text, zone, dialect="unix-cron"),
                reference=reference,
                count=3,
                end=end,
            )
            nominal, worst = _expected(text, zone, reference, end, 3)
            context = f"{text} in {zone} from {reference.isoformat()} to {end}"
            assert _figures(result) == _figures(nominal), context
            assert result.worst == worst, context + " (worst)"


def test_a_wildcard_job_whose_whole_hour_a_midnight_change_skips_does_not_run_that_day():
    # Santiago skips 2026-09-06 00:00-01:00; '* 0 * * 0' has no wall time left that Sunday.
    reference = datetime(2026, 9, 6, tzinfo=UTC)
    end = datetime(2026, 9, 20, tzinfo=UTC)
    result = analyze(
        parse_schedule("* 0 * * 0", "America/Santiago", dialect="unix-cron"),
        reference=reference,
        count=3,
        end=end,
    )

    def fires(local: datetime) -> bool:
        return local.hour == 0 and local.weekday() == 6

    runs = unix_brute_force("America/Santiago", reference, end, fires, every=True, shift=False)
    assert runs[0] == datetime(2026, 9, 13, 3, tzinfo=UTC), runs[:3]
    assert_figures(result, "America/Santiago", runs, "* 0 * * 0 in America/Santiago", 3)
