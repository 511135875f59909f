"""What every dialect shares: most runs in 24 real hours, zones, suggestions, no crashes."""

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modules.schedule import (
    ScheduleError,
    analyze,
    parse_schedule,
    suggest_schedule,
    validate_timezone,
)

REF = datetime(2026, 1, 1, tzinfo=UTC)


def test_hourly_rate_in_a_dst_zone_is_24_runs_in_any_24_real_hours():
    result = analyze(parse_schedule("rate(1 hour)", "Europe/Berlin"), reference=REF)
    assert result.max_runs_per_day == 25  # the 25-hour October day
    assert result.max_runs_per_24h == 24


def test_rate_61_minutes_is_at_most_24_runs_in_24_hours():
    result = analyze(parse_schedule("rate(61 minutes)", "America/New_York"), reference=REF)
    assert result.max_runs_per_24h == 24


def test_two_runs_an_hour_apart_on_spring_forward_make_three_in_24_real_hours():
    result = analyze(parse_schedule("cron(0 1,3 * * ? *)", "America/New_York"), reference=REF)
    assert result.max_runs_per_day == 2
    assert result.max_runs_per_24h == 3


def test_a_window_shorter_than_a_day_counts_only_its_runs():
    result = analyze(
        parse_schedule("cron(0 * * * ? *)"),
        reference=REF,
        end=datetime(2026, 1, 1, 5, tzinfo=UTC),
    )
    assert result.max_runs_per_24h == 5


@pytest.mark.parametrize("zone", ["localtime", "posix/Europe/Berlin", "right/UTC", "Factory"])
def test_only_tz_database_names_are_time_zones(zone):
    with pytest.raises(ScheduleError, match="not a known IANA time zone"):
        validate_timezone(zone)


def test_a_numeric_time_zone_is_named_as_a_number_not_empty():
    with pytest.raises(ScheduleError, match="got int 5"):
        parse_schedule("rate(1 hour)", 5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "expression",
    [
        "rate(\u0663 minutes)",  # Arabic-Indic digit three: str.isdigit() accepts it
        "rate(" + "9" * 5000 + " minutes)",
        "cron(" + "1" * 5000 + " * * * ? *)",
        "cron(0/" + "1" * 200 + " * * * ? *)",
        "at(\u0662\u0660\u0662\u0667-01-01T00:00:00)",
        ["rate(1 hour)"],
        {"cron": "x"},
        None,
    ],
)
def test_hostile_inputs_are_schedule_errors(expression):
    with pytest.raises(ScheduleError):
        parse_schedule(expression)  # type: ignore[arg-type]


_SHAPES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "frequency",
                    "interval",
                    "startTime",
                    "endTime",
                    "timeZone",
                    "schedule",
                    "hours",
                    "minutes",
                    "weekDays",
                    "monthDays",
                    "monthlyOccurrences",
                    "day",
                    "occurrence",
                ]
            )
            | st.text(max_size=8),
            children,
            max_size=6,
        )
    ),
    max_leaves=12,
)


@settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    expression=_SHAPES
    | st.from_regex(r"\A(cron|rate|at)\([0-9a-zA-Z*/?#, \-:\u0660-\u0669]{0,30}\)\Z"),
    zone=st.none() | st.sampled_from(["UTC", "Europe/Berlin", "W. Europe Standard Time", 3, ""]),
    dialect=st.sampled_from(["aws", "unix-cron", "adf-recurrence"]),
)
def test_any_shape_in_any_dialect_parses_or_raises_schedule_error(expression, zone, dialect):
    try:
        schedule = parse_schedule(expression, zone, dialect=dialect)
    except ScheduleError as error:
        message = str(error)
    else:
        message = analyze(schedule, reference=REF, count=2).description
    assert message


@pytest.mark.parametrize(
    ("expression", "zone", "dialect", "limit"),
    [
        ("rate(1 minute)", "Europe/Berlin", "aws", 24),
        ("rate(1 hour)", "Europe/Berlin", "aws", 12),
        ("cron(0/5 8-17 ? * MON-FRI *)", "Europe/Berlin", "aws", 4),
        ("*/5 * * * *", "America/New_York", "unix-cron", 24),
        ("TZ=Europe/Berlin */1 * * * *", None, "unix-cron", 48),
        ("30 1 * * *", "America/New_York", "unix-cron", 1),  # daily is 2 in 23 real hours
        ("cron(30 4 * * ? *)", "America/New_York", "aws", 1),
    ],
)
def test_suggested_fix_passes_the_limit_it_was_made_for(expression, zone, dialect, limit):
    schedule = parse_schedule(expression, zone, dialect=dialect)
    suggestion = suggest_schedule(schedule, max_runs_per_24h=limit, reference=REF)
    assert suggestion is not None
    assert suggestion.dialect == schedule.dialect
    assert suggestion.timezone == schedule.timezone
    assert analyze(suggestion, reference=REF).judged.max_runs_per_24h <= limit


def test_suggestion_for_adf_minutes_raises_the_interval():
    schedule = parse_schedule(
        {"frequency": "Minute", "interval": 5, "startTime": "2026-01-01T00:00:00Z"},
        dialect="adf-recurrence",
    )
    suggestion = suggest_schedule(schedule, max_runs_per_24h=24, reference=REF)
    assert suggestion is not None
    assert suggestion.spec.interval == 60
