"""Every class of invalid input gets a ScheduleError naming the field, the value and the fix."""

import pytest

from modules.schedule import ScheduleError, parse_schedule


def _error(expression: str, timezone: str | None = None) -> ScheduleError:
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(expression, timezone)
    return caught.value


def test_five_field_unix_cron_is_rejected_with_a_six_field_suggestion():
    error = _error("cron(0 12 * * *)")
    assert "5 fields" in str(error), str(error)
    assert "try cron(0 12 * * ? *)" in str(error), str(error)


def test_five_field_unix_cron_with_weekdays_is_translated_to_sunday_equals_one():
    error = _error("cron(0 9 * * 1-5)")
    assert "try cron(0 9 ? * 2-6 *)" in str(error), str(error)


def test_five_field_cron_with_question_mark_day_keeps_the_weekdays_in_the_suggestion():
    error = _error("cron(0 12 ? * MON-FRI)")
    assert "try cron(0 12 ? * MON-FRI *)" in str(error), str(error)


def test_five_field_unix_cron_weekday_step_is_written_out_as_aws_days():
    # AWS day-of-week takes no '/': unix 1-5/2 (MON, WED, FRI) is AWS 2,4,6.
    error = _error("cron(0 9 * * 1-5/2)")
    assert "try cron(0 9 ? * 2,4,6 *)" in str(error), str(error)


def test_five_field_unix_cron_with_both_day_fields_suggests_two_aws_schedules():
    # Vixie: two restricted day fields match either; AWS takes one day field per schedule.
    error = _error("cron(0 9 1 * 1)")
    assert "two AWS schedules: cron(0 9 1 * ? *) and cron(0 9 ? * 2 *)" in str(error), str(error)


def test_five_field_unix_cron_that_needs_both_day_fields_to_match_gets_no_aws_suggestion():
    # '*/2' with Monday: odd days that are Mondays; no AWS cron says that.
    error = _error("cron(0 9 */2 * 1)")
    assert "try" not in str(error), str(error)


def test_seven_field_quartz_cron_is_rejected_with_a_no_seconds_hint():
    assert "no seconds field" in str(_error("cron(0 0 12 * * ? *)"))


def test_wrong_field_count_names_the_six_fields():
    error = _error("cron(0 12)")
    assert "exactly 6" in str(error), str(error)
    assert "minutes hours day-of-month" in str(error), str(error)


def test_star_in_both_day_fields_is_rejected_with_question_mark_hint():
    error = _error("cron(0 12 * * * *)")
    assert "'*' in both day fields" in str(error), str(error)
    assert "'?'" in str(error)
    assert error.field == "day-of-month/day-of-week"


def test_values_in_both_day_fields_are_rejected():
    error = _error("cron(0 12 1 * MON *)")
    assert "both set" in str(error), str(error)


def test_question_mark_in_both_day_fields_is_rejected():
    assert "both '?'" in str(_error("cron(0 12 ? * ? *)"))


def test_day_of_week_zero_is_rejected_with_sun_equals_one_hint():
    error = _error("cron(0 12 ? * 0 *)")
    assert str(error).startswith("day-of-week '0' is out of range 1-7 (SUN=1)"), str(error)
    assert error.field == "day-of-week"
    assert error.value == "0"


def test_step_of_sixty_minutes_is_rejected_with_once_an_hour_hint():
    error = _error("cron(*/60 * * * ? *)")
    assert "minutes '*/60'" in str(error), str(error)
    assert "outside 1-59" in str(error), str(error)
    assert "once an hour" in str(error), str(error)


def test_step_of_twenty_four_hours_is_rejected_with_once_a_day_hint():
    assert "once a day" in str(_error("cron(0 */24 * * ? *)"))


def test_two_hash_expressions_are_rejected():
    error = _error("cron(0 12 ? * 3#1,6#3 *)")
    assert "more than one '#'" in str(error), str(error)
    assert error.field == "day-of-week"


def test_hash_mixed_with_a_list_is_rejected():
    assert "only value" in str(_error("cron(0 12 ? * 3#1,5 *)"))


def test_hash_occurrence_six_is_rejected():
    assert "#1-#5" in str(_error("cron(0 12 ? * 3#6 *)"))


@pytest.mark.parametrize(
    ("expression", "field", "fragment"),
    [
        ("cron(60 12 * * ? *)", "minutes", "out of range 0-59"),
        ("cron(0 24 * * ? *)", "hours", "out of range 0-23"),
        ("cron(0 12 32 * ? *)", "day-of-month", "out of range 1-31"),
        ("cron(0 12 * 13 ? *)", "month", "out of range 1-12"),
        ("cron(0 12 ? * 8 *)", "day-of-week", "out of range 1-7"),
        ("cron(0 12 * * ? 2200)", "year", "1970-2199"),
        ("cron(0 12 * * ? 1969)", "year", "1970-2199"),
        ("cron(0 12 * FOO ? *)", "month", "unknown value 'FOO'"),
        ("cron(0 12 ? * MON/2 *)", "day-of-week", "does not allow"),
        ("cron(0 12 * * ? 2030-2026)", "year", "years do not wrap around, write 2026-2030"),
        ("cron(0 1,,2 * * ? *)", "hours", "empty list item"),
        ("cron(0 ? * * ? *)", "hours", "only allowed in day-of-month or day-of-week"),
        ("cron(0 12 L * ? 2030#1)", "year", "only allowed in day-of-week"),
        ("cron(0 12 ? * 5W *)", "day-of-week", "only allowed in day-of-month"),
        ("cron(0 12 1# * ? *)", "day-of-month", "only allowed in day-of-week"),
        ("cron(0 12 L-31 * ? *)", "day-of-month", "outside 1-30"),
        ("cron(0 12 32W * ? *)", "day-of-month", "outside 1-31"),
        ("cron(0 12 L,5 * ? *)", "day-of-month", "must stand alone"),
        ("cron(0 12 ? * 5L,6 *)", "day-of-week", "must stand alone"),
        ("cron(0 12 ? * 6#x *)", "day-of-week", "only value"),
        ("cron(0 1-2-3 * * ? *)", "hours", "is not valid"),
    ],
)
def test_invalid_cron_field_names_field_and_value(expression, field, fragment):
    error = _error(expression)
    assert error.field == field, f"{expression}: field {error.field!r} in {error}"
    assert fragment in str(error), f"{expression}: {error}"
    assert error.value is not None, expression
    assert error.value in str(error), f"{expression}: {error}"


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        ("rate(1 minutes)", "must be singular for a value of 1: use rate(1 minute)"),
        ("rate(5 minute)", "must be plural for a value above 1: use rate(5 minutes)"),
        ("rate(2 day)", "use rate(2 days)"),
        ("rate(0 minutes)", "below the minimum"),
        ("rate(30 seconds)", "the shortest rate is rate(1 minute)"),
        ("rate(1 week)", "use minute(s), hour(s) or day(s)"),
        ("rate(1.5 hours)", "whole number"),
        ("rate(5)", "rate(value unit)"),
    ],
)
def test_invalid_rate_says_what_is_allowed(expression, fragment):
    assert fragment in str(_error(expression)), expression


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        ("at(2026-13-01T00:00:00)", "not a real date-time"),
        ("at(2026-02-30T00:00:00)", "not a real date-time"),
        ("at(2026-12-01 09:00)", "at(yyyy-mm-ddThh:mm:ss)"),
        ("at(2026-12-01T09:00:00Z)", "set the time zone separately"),
    ],
)
def test_invalid_at_says_the_format(expression, fragment):
    error = _error(expression)
    assert fragment in str(error), str(error)
    assert error.field == "at"


def test_unknown_time_zone_is_rejected_with_a_close_match():
    error = _error("cron(0 12 * * ? *)", "Europe/Berlim")
    assert "'Europe/Berlim' is not a known IANA time zone" in str(error), str(error)
    assert "did you mean 'Europe/Berlin'" in str(error), str(error)
    assert error.field == "timezone"


@pytest.mark.parametrize("zone", ["", "../etc/passwd", "Not/AZone"])
def test_malformed_time_zone_is_rejected(zone):
    assert _error("cron(0 12 * * ? *)", zone).field == "timezone"


@pytest.mark.parametrize("expression", ["every 5 minutes", "cron 0 12 * * ? *", "rate(5 minutes"])
def test_unknown_expression_form_lists_the_three_forms(expression):
    error = _error(expression)
    for form in ("cron(", "rate(", "at("):
        assert form in str(error), str(error)


def test_non_string_expression_is_rejected():
    with pytest.raises(ScheduleError, match="must be a string"):
        parse_schedule(5)  # type: ignore[arg-type]


def test_a_backwards_year_range_is_refused_with_the_range_the_other_way_round():
    error = _error("cron(0 9 * * ? 2199-1970)")
    assert error.field == "year", str(error)
    assert "write 1970-2199" in str(error), str(error)
