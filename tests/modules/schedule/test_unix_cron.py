"""Dialect unix-cron: Google's documented syntax, the Vixie/Debian day rule, DST worst case."""

from datetime import UTC, datetime

import pytest

from modules.schedule import (
    ScheduleError,
    analyze,
    aws_to_unix_cron,
    compose_cron_timezone,
    parse_schedule,
    split_cron_timezone,
)

REF = datetime(2026, 1, 1, tzinfo=UTC)


def _unix(expression, zone=None, **kwargs):
    kwargs.setdefault("reference", REF)
    return analyze(parse_schedule(expression, zone, dialect="unix-cron"), **kwargs)


@pytest.mark.parametrize(
    ("expression", "first_local"),
    [
        # Google's sample schedules (cron-job-schedules page).
        ("* * * * *", datetime(2026, 1, 1, 0, 0)),
        ("45 23 * * 6", datetime(2026, 1, 3, 23, 45)),  # every Saturday at 23:45
        ("0 9 * * 1", datetime(2026, 1, 5, 9, 0)),  # every Monday at 09:00
        ("0 9 * * 7", datetime(2026, 1, 4, 9, 0)),  # 7 is also Sunday
        ("0 0-23/2 * * *", datetime(2026, 1, 1, 0, 0)),
        ("0 */2 * * *", datetime(2026, 1, 1, 0, 0)),
        ("0 12 1,2,5,6 * *", datetime(2026, 1, 1, 12, 0)),
        ("0 12 * jan-mar sun", datetime(2026, 1, 4, 12, 0)),
    ],
)
def test_googles_documented_examples_run_when_the_page_says(expression, first_local):
    result = _unix(expression, count=1)
    assert result.next_runs_local[0].replace(tzinfo=None) == first_local, expression


def test_two_restricted_day_fields_run_when_either_matches_and_say_google_leaves_it_open():
    result = _unix("0 0 13 * FRI", count=3)
    assert [r.day for r in result.next_runs] == [2, 9, 13]
    assert any("Vixie/Debian" in w for w in result.warnings)


def test_a_day_field_starting_with_a_star_means_both_must_match():
    result = _unix("0 0 */2 * MON", count=2)
    assert [(r.month, r.day) for r in result.next_runs] == [(1, 5), (1, 19)]
    assert result.warnings == ()


def test_daily_at_one_thirty_in_new_york_has_a_worst_case_gap_of_one_hour():
    result = _unix("30 1 * * *", "America/New_York")
    assert result.min_interval_minutes == 23 * 60  # nominal: spring-forward day to the next
    assert result.worst is not None
    assert result.worst.min_interval_minutes == 60
    assert result.worst.max_runs_per_day == 2
    assert any("does not document" in w for w in result.warnings)


def test_wildcard_minutes_run_the_repeated_hour_twice_like_debian_cron():
    result = _unix("*/15 * * * *", "America/New_York")
    assert result.max_runs_per_day == 100  # the 25-hour day
    assert result.max_runs_per_24h == 96


def test_utc_schedules_have_no_worst_case():
    result = _unix("30 1 * * *")
    assert result.worst is None
    assert result.warnings == ()


def test_skipped_fixed_time_runs_at_the_transition_in_the_nominal_reading():
    # 2026-03-08 02:30 does not exist in New York: Debian runs it at 03:00 EDT (07:00 UTC).
    result = _unix("30 2 * * *", "America/New_York", reference=datetime(2026, 3, 7, tzinfo=UTC))
    assert result.next_runs[1] == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("0 12 ? * MON-FRI *", "in unix-cron it is '0 12 * * MON-FRI'"),
        ("cron(0 12 * * ? *)", "in unix-cron it is '0 12 * * *'"),
        ("@daily", "'0 0 * * *' for @daily"),
        ("5/10 * * * *", "write 5-59/10"),
        ("0 12 * * 8", "outside 0-7"),
        ("0 24 * * *", "outside 0-23"),
        ("0 12 L * *", "'L', 'W' and '#'"),
        ("0 0 0 12 * * *", "exactly 5"),
        ("0 12 31 2 *", "never occurs"),
        ("\u0663 * * * *", "minute"),
        ("0 0 5-1 * *", "runs backwards"),
    ],
)
def test_anything_google_does_not_document_is_a_clear_error(expression, message):
    with pytest.raises(ScheduleError) as error:
        parse_schedule(expression, dialect="unix-cron")
    assert message in str(error.value), str(error.value)


def test_vertex_ai_time_zone_prefix_sets_the_zone_and_stays_in_the_expression():
    schedule = parse_schedule("TZ=Europe/Berlin 0 9 * * 1", dialect="unix-cron")
    assert schedule.timezone == "Europe/Berlin"
    assert schedule.expression == "TZ=Europe/Berlin 0 9 * * 1"
    assert schedule.dialect == "unix-cron"


def test_prefix_helpers_split_and_compose_both_spellings():
    assert split_cron_timezone("CRON_TZ=Asia/Tokyo 0 9 * * *") == ("Asia/Tokyo", "0 9 * * *")
    assert split_cron_timezone("0 9 * * *") == (None, "0 9 * * *")
    assert compose_cron_timezone("0 9 * * *", "Asia/Tokyo") == "TZ=Asia/Tokyo 0 9 * * *"
    assert compose_cron_timezone("TZ=UTC 0 9 * * *", None) == "0 9 * * *"


def test_a_prefix_that_disagrees_with_the_time_zone_is_an_error():
    with pytest.raises(ScheduleError, match="set one of them"):
        parse_schedule("TZ=Europe/Berlin 0 9 * * 1", "Asia/Tokyo", dialect="unix-cron")


@pytest.mark.parametrize(
    ("aws", "unix"),
    [
        ("cron(0 12 ? * MON-FRI *)", "0 12 * * MON-FRI"),
        ("cron(0/5 8-17 ? * 2-6 *)", "0-59/5 8-17 * * 1-5"),
        ("cron(15 10 1 */2 ? *)", "15 10 1 */2 *"),
        ("cron(0 9 L * ? *)", None),
        ("cron(0 9 ? * 2#1 *)", None),
        ("cron(0 12 * * ? 2026)", None),
        ("rate(5 minutes)", None),
    ],
)
def test_aws_crons_translate_to_unix_cron_when_they_can(aws, unix):
    assert aws_to_unix_cron(aws) == unix
