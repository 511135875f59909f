"""Known answers: daylight saving, leap days, year limits, rate anchoring, at(), descriptions."""

import os
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modules.schedule import ScheduleError, analyze, parse_schedule

from .test_properties import MINUTE_FIELDS

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"

REF = datetime(2026, 1, 1, tzinfo=UTC)


def _analyze(expression, zone=None, **kwargs):
    kwargs.setdefault("reference", REF)
    return analyze(parse_schedule(expression, zone), **kwargs)


def _utc(*parts):
    return datetime(*parts, tzinfo=UTC)


def test_daily_noon_utc_runs_every_day_once_a_day():
    result = _analyze("cron(0 12 * * ? *)", count=3)
    assert result.next_runs == (_utc(2026, 1, 1, 12), _utc(2026, 1, 2, 12), _utc(2026, 1, 3, 12))
    assert result.max_runs_per_day == 1
    assert result.min_interval_minutes == 1440
    assert result.description == "At 12:00 UTC, every day"


def test_business_hours_every_five_minutes_is_described_like_the_aws_docs():
    result = _analyze("cron(0/5 8-17 ? * MON-FRI *)")
    assert result.description == "Every 5 minutes, 08:00-17:55 UTC, Monday to Friday"
    assert result.max_runs_per_day == 120
    assert result.min_interval_minutes == 5


def test_berlin_spring_forward_skips_the_missing_half_hour():
    # 2026-03-29: Berlin clocks jump from 02:00 to 03:00, so 02:30 does not exist that day.
    result = _analyze("cron(30 2 * * ? *)", "Europe/Berlin", reference=_utc(2026, 3, 27), count=3)
    assert result.next_runs == (
        _utc(2026, 3, 27, 1, 30),
        _utc(2026, 3, 28, 1, 30),
        _utc(2026, 3, 30, 0, 30),
    ), result.next_runs
    assert [r.hour for r in result.next_runs_local] == [2, 2, 2]


def test_berlin_fall_back_runs_the_repeated_half_hour_once_at_its_first_occurrence():
    # 2026-10-25: Berlin clocks fall back from 03:00 to 02:00; 02:30 happens twice.
    result = _analyze(
        "cron(30 2 * * ? *)", "Europe/Berlin", reference=_utc(2026, 10, 24, 12), count=2
    )
    assert result.next_runs == (_utc(2026, 10, 25, 0, 30), _utc(2026, 10, 26, 1, 30))


def test_new_york_spring_forward_shrinks_the_gap_between_one_and_three_am_to_an_hour():
    result = _analyze(
        "cron(0 1,3 * * ? *)",
        "America/New_York",
        reference=_utc(2026, 3, 1),
        end=_utc(2026, 4, 1),
    )
    assert result.min_interval_minutes == 60
    assert result.max_runs_per_day == 2


def test_new_york_every_five_minutes_still_runs_288_times_on_the_25_hour_day():
    result = _analyze(
        "cron(*/5 * * * ? *)",
        "America/New_York",
        reference=_utc(2026, 11, 1),
        end=_utc(2026, 11, 3),
    )
    assert result.max_runs_per_day == 288
    # 01:55 EDT is followed by 02:00 EST, 65 minutes later, but 5 minutes stays the minimum.
    assert result.min_interval_minutes == 5


def test_new_york_hourly_runs_in_the_repeated_hour_only_once():
    result = _analyze(
        "cron(30 * * * ? *)",
        "America/New_York",
        reference=_utc(2026, 11, 1, 4),
        count=4,
    )
    # 00:30 EDT, 01:30 EDT, then 02:30 EST: the second 01:30 (EST) does not run.
    assert result.next_runs == (
        _utc(2026, 11, 1, 4, 30),
        _utc(2026, 11, 1, 5, 30),
        _utc(2026, 11, 1, 7, 30),
        _utc(2026, 11, 1, 8, 30),
    )


def test_leap_day_cron_fires_only_in_leap_years_and_its_gap_is_four_years():
    result = _analyze("cron(0 0 29 2 ? *)", count=2)
    assert result.next_runs == (_utc(2028, 2, 29), _utc(2032, 2, 29))
    assert result.min_interval_minutes == (_utc(2032, 2, 29) - _utc(2028, 2, 29)).days * 1440


def test_leap_day_gap_across_2100_which_is_not_a_leap_year_is_eight_years():
    result = _analyze("cron(0 0 29 2 ? 2096-2104)", reference=_utc(2090, 1, 1))
    assert result.min_interval_minutes == (_utc(2104, 2, 29) - _utc(2096, 2, 29)).days * 1440


def test_february_thirtieth_never_fires():
    result = _analyze("cron(0 0 30 2 ? *)")
    assert result.never_fires
    assert result.next_runs == ()
    assert result.max_runs_per_day == 0
    assert result.min_interval_minutes is None


def test_year_in_the_past_never_fires():
    assert _analyze("cron(0 12 * * ? 2020-2025)").never_fires


def test_year_limited_cron_stops_at_its_last_year():
    result = _analyze("cron(0 12 31 12 ? 2026-2027)", count=5)
    assert result.next_runs == (_utc(2026, 12, 31, 12), _utc(2027, 12, 31, 12))
    assert result.min_interval_minutes == 365 * 1440


def test_single_future_run_has_no_interval():
    result = _analyze("cron(0 12 1 JAN ? 2027)")
    assert result.max_runs_per_day == 1
    assert result.min_interval_minutes is None
    assert not result.never_fires


def test_last_run_year_2199_is_inside_the_horizon():
    result = _analyze("cron(0 12 31 12 ? 2199)", count=1)
    assert result.next_runs == (_utc(2199, 12, 31, 12),)


def test_closest_pair_only_in_a_late_year_is_found():
    # Daily at 12:00 in every year, but at 12:00 and 12:01 only in 2150: the 1-minute gap exists
    # only in a year far from the reference, so a short horizon would miss it.
    result = _analyze("cron(0,1 12 1 1 ? 2150)")
    assert result.min_interval_minutes == 1


def test_cron_after_end_never_fires():
    result = _analyze("cron(0 12 * * ? *)", end=_utc(2026, 1, 1, 11))
    assert result.never_fires


def test_start_after_reference_moves_the_first_run():
    result = _analyze("cron(0 12 * * ? *)", start=_utc(2026, 6, 1), count=1)
    assert result.next_runs == (_utc(2026, 6, 1, 12),)


@pytest.mark.parametrize(
    ("expression", "first"),
    [
        ("cron(0 9 L * ? *)", _utc(2026, 1, 31, 9)),
        ("cron(0 9 L-2 * ? *)", _utc(2026, 1, 29, 9)),
        ("cron(0 9 LW * ? *)", _utc(2026, 1, 30, 9)),  # Jan 31 2026 is a Saturday
        ("cron(0 9 3W * ? *)", _utc(2026, 1, 2, 9)),  # Jan 3 2026 is a Saturday -> Friday 2nd
        ("cron(0 9 1W * ? *)", _utc(2026, 2, 2, 9)),  # Jan 1 is Thursday; reference is 00:00
        ("cron(0 9 ? * 6L *)", _utc(2026, 1, 30, 9)),  # last Friday
        ("cron(0 9 ? * MON#2 *)", _utc(2026, 1, 12, 9)),
        ("cron(0 9 ? * L *)", _utc(2026, 1, 3, 9)),  # L alone = Saturday
    ],
)
def test_special_day_of_month_and_day_of_week_forms(expression, first):
    result = _analyze(expression, reference=_utc(2026, 1, 1, 10), count=1)
    assert result.next_runs == (first,), expression


def test_nearest_weekday_of_the_first_on_a_saturday_is_monday_the_third():
    # 2026-08-01 is a Saturday.
    result = _analyze("cron(0 9 1W AUG ? 2026)", count=1)
    assert result.next_runs == (_utc(2026, 8, 3, 9),)


def test_nearest_weekday_of_the_last_day_on_a_sunday_is_the_friday_before():
    # 2026-05-31 is a Sunday.
    result = _analyze("cron(0 9 31W MAY ? 2026)", count=1)
    assert result.next_runs == (_utc(2026, 5, 29, 9),)


def test_rate_without_start_is_anchored_at_the_reference():
    result = _analyze("rate(5 minutes)", reference=_utc(2026, 1, 1, 0, 2), count=2)
    assert result.next_runs == (_utc(2026, 1, 1, 0, 2), _utc(2026, 1, 1, 0, 7))
    assert result.max_runs_per_day == 288
    assert result.min_interval_minutes == 5


def test_rate_with_past_start_keeps_its_phase():
    result = _analyze(
        "rate(1 hour)", reference=_utc(2026, 1, 1, 0, 10), start=_utc(2025, 1, 1, 0, 30), count=1
    )
    assert result.next_runs == (_utc(2026, 1, 1, 0, 30),)


def test_rate_of_one_day_fires_twice_on_the_local_25_hour_day():
    # 24 h after 00:30 EDT on 2026-11-01 is 23:30 EST on the same local date.
    result = _analyze(
        "rate(1 day)",
        "America/New_York",
        reference=_utc(2026, 10, 30, 4, 30),
        end=_utc(2026, 11, 5),
    )
    assert result.max_runs_per_day == 2


def test_rate_with_a_single_run_in_its_window_has_no_interval():
    result = _analyze(
        "rate(1 day)", reference=_utc(2026, 1, 1), start=_utc(2027, 1, 1), end=_utc(2027, 1, 1, 1)
    )
    assert result.next_runs == (_utc(2027, 1, 1),)
    assert result.min_interval_minutes is None


def test_at_in_the_future_fires_once_in_its_time_zone():
    result = _analyze("at(2026-12-01T09:00:00)", "Europe/Berlin")
    assert result.next_runs == (_utc(2026, 12, 1, 8),)
    assert result.next_runs_local[0].hour == 9
    assert result.max_runs_per_day == 1
    assert result.min_interval_minutes is None
    assert result.description == "Once, at 2026-12-01 09:00:00 Europe/Berlin"


def test_at_in_the_past_never_fires():
    assert _analyze("at(2025-12-01T09:00:00)").never_fires


def test_at_in_a_skipped_spring_forward_hour_never_fires():
    assert _analyze("at(2026-03-29T02:30:00)", "Europe/Berlin").never_fires


def test_zero_count_still_measures_the_schedule():
    result = _analyze("cron(0 12 * * ? *)", count=0)
    assert result.next_runs == ()
    assert result.max_runs_per_day == 1


def test_naive_reference_is_rejected():
    with pytest.raises(ScheduleError, match="timezone-aware"):
        analyze(parse_schedule("rate(1 hour)"), reference=datetime(2026, 1, 1))


def test_end_before_start_is_rejected():
    with pytest.raises(ScheduleError, match="is not after start"):
        _analyze("rate(1 hour)", start=_utc(2026, 2, 1), end=_utc(2026, 1, 1))


def test_reference_in_another_offset_is_the_same_instant():
    tz = timezone(timedelta(hours=2))
    result = _analyze("cron(0 12 * * ? *)", reference=datetime(2026, 1, 1, 14, 0, 1, tzinfo=tz))
    assert result.next_runs[0] == _utc(2026, 1, 2, 12)


@pytest.mark.parametrize(
    ("expression", "zone", "pins"),
    [
        ("cron(0 12 * * ? *)", None, True),
        ("cron(0/5 * * * ? *)", None, False),
        ("rate(1 hour)", None, False),
        ("at(2026-12-01T09:00:00)", None, True),
    ],
)
def test_pins_hours_tells_whether_the_time_zone_decides_the_run_time(expression, zone, pins):
    assert parse_schedule(expression, zone).pins_hours is pins, expression


def test_requires_scheduler_for_time_zones_and_at():
    assert parse_schedule("cron(0 12 * * ? *)", "Europe/Berlin").requires_scheduler
    assert parse_schedule("at(2026-12-01T09:00:00)").requires_scheduler
    assert not parse_schedule("rate(1 hour)").requires_scheduler


def test_schedule_defaults_to_utc_and_keeps_the_expression():
    schedule = parse_schedule("  cron(0 12 * * ? *) ")
    assert schedule.timezone == "UTC"
    assert schedule.expression == "cron(0 12 * * ? *)"
    assert schedule.kind == "cron"


@pytest.mark.parametrize(
    ("expression", "zone", "text"),
    [
        ("cron(0 12 * * ? *)", "Europe/Berlin", "At 12:00 Europe/Berlin, every day"),
        ("cron(0 8,12 1 * ? *)", None, "At 08:00 and 12:00 UTC, on day 1 of the month"),
        ("cron(* * * * ? *)", None, "Every minute, every day (UTC)"),
        (
            "cron(0/15 * ? * MON,WED,FRI *)",
            None,
            "Every 15 minutes, Monday, Wednesday and Friday (UTC)",
        ),
        ("cron(5/20 * * * ? *)", None, "Every 20 minutes from minute 5, every day (UTC)"),
        (
            "cron(0,7,9,13,50 * * * ? *)",
            None,
            "At minutes 0, 7, 9, 13 and 50 of every hour, every day (UTC)",
        ),
        (
            "cron(0/10 6,9,18 * * ? *)",
            None,
            "Every 10 minutes, during hours 06, 09 and 18 UTC, every day",
        ),
        ("cron(0 9 L * ? *)", None, "At 09:00 UTC, on the last day of the month"),
        ("cron(0 9 L-3 * ? *)", None, "At 09:00 UTC, 3 days before the last day of the month"),
        ("cron(0 9 L-1 * ? *)", None, "At 09:00 UTC, 1 day before the last day of the month"),
        ("cron(0 9 LW * ? *)", None, "At 09:00 UTC, on the last weekday (Mon-Fri) of the month"),
        (
            "cron(0 9 15W * ? *)",
            None,
            "At 09:00 UTC, on the weekday (Mon-Fri) nearest day 15 of the month",
        ),
        ("cron(0 9 ? * 6L *)", None, "At 09:00 UTC, on the last Friday of the month"),
        ("cron(0 9 ? * 3#2 *)", None, "At 09:00 UTC, on the second Tuesday of the month"),
        ("cron(0 9 ? * * *)", None, "At 09:00 UTC, every day"),
        (
            "cron(0 9 1 1,JUL ? 2026,2028-2030)",
            None,
            "At 09:00 UTC, on day 1 of the month, in January and July, in 2026 and 2028-2030",
        ),
        (
            "cron(0 9 1 JAN-MAR ? 2027)",
            None,
            "At 09:00 UTC, on day 1 of the month, in January to March, in 2027",
        ),
        ("cron(0 9 1,15 * ? *)", None, "At 09:00 UTC, on days 1 and 15 of the month"),
        ("cron(30 * * * ? *)", None, "Every hour at minute 30, every day (UTC)"),
        (
            "cron(15 8-18/2 ? * MON-FRI *)",
            None,
            "Every 2 hours at minute 15, 08:15-18:15 UTC, Monday to Friday",
        ),
        ("rate(1 hour)", None, "Every hour"),
        ("rate(3 days)", None, "Every 3 days"),
        ("cron(5 8-17 * * ? *)", None, "Every hour at minute 5, 08:05-17:05 UTC, every day"),
        (
            "cron(5 1,2,3,5,7 * * ? *)",
            None,
            "At minute 5, during hours 01, 02, 03, 05 and 07 UTC, every day",
        ),
        # 0/7 is 0, 7, ..., 56 and then 0 again 4 minutes later: not "every 7 minutes".
        (
            "cron(0/7 * * * ? *)",
            None,
            "Every 7 minutes from minute 0 to 56 of each hour, every day (UTC)",
        ),
        ("cron(0/7 9 * * ? *)", None, "Every 7 minutes, 09:00-09:56 UTC, every day"),
        ("cron(0 9 ? * FRI-MON *)", None, "At 09:00 UTC, Friday to Monday"),
        (
            "cron(0 9 1 NOV-FEB ? *)",
            None,
            "At 09:00 UTC, on day 1 of the month, in November to February",
        ),
    ],
)
def test_description_is_one_line_of_english(expression, zone, text):
    assert _analyze(expression, zone).description == text


def test_rate_day_count_uses_the_offset_of_the_day_not_of_the_first_run():
    # Found by the property test: the first run is in Lord Howe summer time (+11:00), the
    # busiest day (five runs of 359 minutes, from 00:00) is after the switch to +10:30.
    result = _analyze(
        "rate(359 minutes)",
        "Australia/Lord_Howe",
        reference=_utc(2026, 3, 8, 15, 30),
        end=_utc(2026, 4, 8, 13, 27),
    )
    assert result.max_runs_per_day == 5


def test_schedule_built_by_hand_is_parsed_and_validated():
    from modules.schedule import Schedule

    built = Schedule("rate(1 hour)", "rate", "Europe/Berlin")
    assert built == parse_schedule("rate(1 hour)", "Europe/Berlin")
    assert analyze(built, reference=REF).min_interval_minutes == 60
    with pytest.raises(ScheduleError, match="does not match"):
        Schedule("rate(1 hour)", "cron", "UTC")
    with pytest.raises(ScheduleError, match="day-of-week '0'"):
        Schedule("cron(0 12 ? * 0 *)", "cron", "UTC")


@settings(max_examples=400 if THOROUGH else 40, deadline=None, derandomize=not THOROUGH)
@given(MINUTE_FIELDS, st.sampled_from(["*", "9", "8-17", "0/6"]))
def test_every_n_minutes_is_only_said_of_evenly_spaced_minutes(minutes, hours):
    expression = f"cron({minutes.text} {hours} * * ? *)"
    description = _analyze(expression).description
    said = re.match(r"Every (\d+ minutes|minute)( from minute (\d+))?", description)
    if said is None or len(minutes.values) == 60:
        return
    step = 1 if said.group(1) == "minute" else int(said.group(1).split()[0])
    values = sorted(minutes.values)
    assert "Every 1 minutes" not in description, (expression, description)
    assert values == list(range(values[0], values[-1] + 1, step)), (expression, description)
    if said.group(2):
        assert values[0] == int(said.group(3)), (expression, description)
    if "of each hour" in description:
        assert f"to {values[-1]} of each hour" in description, (expression, description)
    elif hours != "9":  # several hours: "every N minutes" must hold across the hour boundary
        assert values[0] + 60 - values[-1] == step, (expression, description)
