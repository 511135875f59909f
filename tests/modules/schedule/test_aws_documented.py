"""AWS's own examples, run through the engine: every row of the EventBridge cron examples table
(awsdocs/amazon-eventbridge-user-guide, doc_source/eb-create-rule-schedule.md), its CLI examples,
and what follows from AWS cron being Quartz (ranges that wrap around a field's end)."""

from datetime import UTC, datetime, timedelta

import pytest

from modules.schedule import ScheduleError, analyze, aws_to_unix_cron, parse_schedule

# A Monday.
REF = datetime(2026, 11, 30, tzinfo=UTC)


def _local_runs(expression, count=200, zone=None, reference=REF):
    result = analyze(parse_schedule(expression, zone), reference=reference, count=count)
    return [r.replace(tzinfo=None) for r in result.next_runs_local]


def _week(expression):
    """Runs in the 7 days from REF as (weekday 1=SUN..7=SAT, "HH:MM")."""
    return [
        ((r.isoweekday() % 7) + 1, f"{r:%H:%M}")
        for r in _local_runs(expression, count=2000)
        if r < datetime(2026, 12, 7)
    ]


@pytest.mark.parametrize(
    ("expression", "meaning"),
    [
        ("cron(0 10 * * ? *)", lambda d, t: t == "10:00"),
        ("cron(15 12 * * ? *)", lambda d, t: t == "12:15"),
        ("cron(0 18 ? * MON-FRI *)", lambda d, t: 2 <= d <= 6 and t == "18:00"),
        ("cron(0/15 * * * ? *)", lambda d, t: t[3:] in ("00", "15", "30", "45")),
        ("cron(0/10 * ? * MON-FRI *)", lambda d, t: 2 <= d <= 6 and t[4] == "0"),
        (
            "cron(0/5 8-17 ? * MON-FRI *)",
            lambda d, t: 2 <= d <= 6 and "08:00" <= t <= "17:55" and int(t[3:]) % 5 == 0,
        ),
        # "Run every 30 minutes Monday through Friday between 10:00 pm on the starting day to
        # 2:00 am on the following day": hours 20-2 wrap past midnight (20..23 and 0..2); the
        # weekday is the run's own calendar day, as in Quartz.
        (
            "cron(0/30 20-2 ? * MON-FRI *)",
            lambda d, t: 2 <= d <= 6 and (t >= "20:00" or t <= "02:30") and t[3:] in ("00", "30"),
        ),
    ],
)
def test_every_row_of_the_aws_examples_table_runs_as_documented(expression, meaning):
    runs = _week(expression)
    every_minute = [
        ((d % 7) + 1, f"{h:02d}:{m:02d}")
        for d in range(1, 8)  # REF is a Monday: isoweekday 1
        for h in range(24)
        for m in range(60)
    ]
    expected = [(d, t) for d, t in every_minute if meaning(d, t)]
    assert sorted(runs) == sorted(expected), expression


def test_the_first_of_the_month_example_runs_at_eight_on_day_one():
    runs = _local_runs("cron(0 8 1 * ? *)", count=3)
    assert runs == [datetime(2026, 12, 1, 8), datetime(2027, 1, 1, 8), datetime(2027, 2, 1, 8)]


def test_the_last_friday_example_with_years_2019_to_2022_ends_in_2022():
    reference = datetime(2022, 10, 1, tzinfo=UTC)
    runs = _local_runs("cron(15 10 ? * 6L 2019-2022)", reference=reference)
    assert runs == [
        datetime(2022, 10, 28, 10, 15),
        datetime(2022, 11, 25, 10, 15),
        datetime(2022, 12, 30, 10, 15),
    ]


def test_the_two_times_a_day_example_runs_at_14_05_and_14_35():
    assert _local_runs("cron(5,35 14 * * ? *)", count=2) == [
        datetime(2026, 11, 30, 14, 5),
        datetime(2026, 11, 30, 14, 35),
    ]


@pytest.mark.parametrize(
    ("expression", "first_runs"),
    [
        ("cron(0 22-2 * * ? *)", ["00:00", "01:00", "02:00", "22:00", "23:00"]),
        ("cron(0 22-2/3 * * ? *)", ["01:00", "22:00"]),  # the step counts across midnight
        ("cron(50-10/5 9 * * ? *)", ["09:00", "09:05", "09:10", "09:50", "09:55"]),
    ],
)
def test_a_backwards_time_range_wraps_past_the_end_of_the_field(expression, first_runs):
    runs = _local_runs(expression, count=len(first_runs))
    assert [f"{r:%H:%M}" for r in runs] == first_runs, expression


def test_a_backwards_weekday_range_wraps_through_the_weekend():
    days = {(r.isoweekday() % 7) + 1 for r in _local_runs("cron(0 9 ? * FRI-MON *)", count=14)}
    assert days == {6, 7, 1, 2}  # FRI SAT SUN MON


def test_a_backwards_day_of_month_range_wraps_into_the_next_month():
    days = sorted({r.day for r in _local_runs("cron(0 9 28-3 * ? *)", count=60)})
    assert days == [1, 2, 3, 28, 29, 30, 31]


def test_a_backwards_month_range_wraps_into_the_next_year():
    months = {r.month for r in _local_runs("cron(0 9 1 NOV-FEB ? *)", count=8)}
    assert months == {11, 12, 1, 2}


def test_a_wrapping_weekday_range_is_described_as_one_range():
    description = analyze(parse_schedule("cron(0 9 ? * FRI-MON *)"), reference=REF).description
    assert description == "At 09:00 UTC, Friday to Monday"


@pytest.mark.parametrize(
    ("aws", "unix"),
    [
        ("cron(0/30 20-2 ? * MON-FRI *)", "0-59/30 0-2,20-23 * * MON-FRI"),
        ("cron(0 9 ? * FRI-MON *)", "0 9 * * 0-1,5-6"),
        ("cron(0 9 28-3 * ? *)", "0 9 1-3,28-31 * *"),
        ("cron(0 9 1 NOV-FEB ? *)", "0 9 1 1-2,11-12 *"),
    ],
)
def test_a_wrapping_aws_field_translates_to_unix_ranges_that_do_not_wrap(aws, unix):
    assert aws_to_unix_cron(aws) == unix
    aws_runs = analyze(parse_schedule(aws), reference=REF, count=50).next_runs
    unix_runs = analyze(parse_schedule(unix, dialect="unix-cron"), reference=REF, count=50)
    assert aws_runs == unix_runs.next_runs, aws


def test_an_aws_cron_google_would_refuse_has_no_translation():
    # Day 31 of February never runs: AWS takes it, Google's parser refuses it.
    assert aws_to_unix_cron("cron(0 12 31 2 ? *)") is None


def test_rate_examples_of_the_aws_guide_are_valid_and_their_plural_twins_are_not():
    for text, minutes in (
        ("rate(1 minute)", 1),
        ("rate(5 minutes)", 5),
        ("rate(1 hour)", 60),
        ("rate(1 day)", 1440),
    ):
        result = analyze(parse_schedule(text), reference=REF, count=2)
        assert result.min_interval_minutes == minutes, text
    for text in ("rate(1 hours)", "rate(5 hour)"):
        with pytest.raises(ScheduleError, match="rate unit"):
            parse_schedule(text)


def test_a_rate_in_days_is_24_real_hours_across_a_dst_change():
    # re:Post eventbridge-scheduler-adjust-dst: "days represents a 24-hour duration".
    start = datetime(2026, 3, 28, 12, tzinfo=UTC)
    result = analyze(parse_schedule("rate(1 day)", "Europe/Berlin"), reference=start, count=3)
    assert [b - a for a, b in zip(result.next_runs, result.next_runs[1:], strict=False)] == [
        timedelta(days=1)
    ] * 2


def test_an_at_time_that_daylight_saving_skips_never_runs_and_says_why():
    result = analyze(
        parse_schedule("at(2027-03-28T02:30:00)", "Europe/Berlin"), reference=REF, count=1
    )
    assert result.never_fires
    assert len(result.warnings) == 1
    assert "does not exist in Europe/Berlin" in result.warnings[0], result.warnings


def test_an_at_time_that_occurs_twice_runs_once_at_the_first_and_says_so():
    result = analyze(
        parse_schedule("at(2027-10-31T02:30:00)", "Europe/Berlin"), reference=REF, count=2
    )
    assert result.next_runs == (datetime(2027, 10, 31, 0, 30, tzinfo=UTC),)
    assert "occurs twice in Europe/Berlin" in result.warnings[0], result.warnings


def test_an_ordinary_at_time_has_no_warning():
    result = analyze(parse_schedule("at(2027-01-05T09:00:00)", "Europe/Berlin"), reference=REF)
    assert result.warnings == ()
