"""Dialect adf-recurrence: Microsoft's examples table, the worked start-time example, zones."""

from datetime import UTC, datetime

import pytest

from modules.schedule import ScheduleError, analyze, parse_schedule

START = "2026-01-05T12:25:00Z"  # a Monday; examples without hours/minutes run at 12:25
REF = datetime(2026, 1, 5, 12, 25, tzinfo=UTC)


def _adf(recurrence, **kwargs):
    kwargs.setdefault("reference", REF)
    kwargs.setdefault("count", 8)
    return analyze(parse_schedule(recurrence, dialect="adf-recurrence"), **kwargs)


def _times(result):
    return sorted({(r.hour, r.minute) for r in result.next_runs_local})


# Every row of the "Examples of trigger recurrence schedules" table, with the frequency the
# table assumes ("the frequency value is correct according to the schedule definition").
@pytest.mark.parametrize(
    ("frequency", "schedule", "check"),
    [
        ("Day", {"hours": [5]}, lambda r: _times(r) == [(5, 25)]),
        ("Day", {"minutes": [15], "hours": [5]}, lambda r: _times(r) == [(5, 15)]),
        ("Day", {"minutes": [15], "hours": [5, 17]}, lambda r: _times(r) == [(5, 15), (17, 15)]),
        (
            "Day",
            {"minutes": [15, 45], "hours": [5, 17]},
            lambda r: r.max_runs_per_day == 4 and _times(r)[:2] == [(5, 15), (5, 45)],
        ),
        ("Day", {"minutes": [0, 15, 30, 45]}, lambda r: r.max_runs_per_day == 4),
        ("Day", {"hours": list(range(24))}, lambda r: {m for _, m in _times(r)} == {25}),
        ("Day", {"minutes": [0]}, lambda r: r.max_runs_per_day == 1),
        ("Day", {"minutes": [15]}, lambda r: _times(r) == [(12, 15)]),
        ("Week", {"hours": [17], "weekDays": ["saturday"]}, lambda r: _weekdays(r) == {5}),
        (
            "Week",
            {"hours": [17], "weekDays": ["monday", "wednesday", "friday"]},
            lambda r: _weekdays(r) == {0, 2, 4} and _times(r) == [(17, 25)],
        ),
        (
            "Week",
            {"minutes": [15, 45], "hours": [17], "weekDays": ["monday", "wednesday", "friday"]},
            lambda r: _times(r) == [(17, 15), (17, 45)],
        ),
        (
            "Week",
            {
                "minutes": [0, 15, 30, 45],
                "weekDays": ["monday", "tuesday", "wednesday", "thursday", "friday"],
            },
            lambda r: r.max_runs_per_day == 4 and _weekdays(r) <= {0, 1, 2, 3, 4},
        ),
        (
            "Week",
            {
                "minutes": [0, 15, 30, 45],
                "hours": [9, 10, 11, 12, 13, 14, 15, 16],
                "weekDays": ["monday", "tuesday", "wednesday", "thursday", "friday"],
            },
            lambda r: r.max_runs_per_day == 32 and min(_times(r)) >= (9, 0),
        ),
        ("Week", {"weekDays": ["tuesday", "thursday"]}, lambda r: _weekdays(r) == {1, 3}),
        ("Month", {"minutes": [0], "hours": [6], "monthDays": [28]}, lambda r: _days(r) == {28}),
        (
            "Month",
            {"minutes": [0], "hours": [6], "monthDays": [-1]},
            lambda r: [x.day for x in r.next_runs_local[:3]] == [31, 28, 31],
        ),
        (
            "Month",
            {"minutes": [0], "hours": [6], "monthDays": [1, -1]},
            lambda r: 1 in _days(r) and 31 in _days(r),
        ),
        ("Month", {"monthDays": [1, 14]}, lambda r: _days(r) == {1, 14}),
        (
            "Month",
            {
                "minutes": [0],
                "hours": [5],
                "monthlyOccurrences": [{"day": "friday", "occurrence": 1}],
            },
            lambda r: all(x.weekday() == 4 and x.day <= 7 for x in r.next_runs_local),
        ),
        (
            "Month",
            {"monthlyOccurrences": [{"day": "friday", "occurrence": 1}]},
            lambda r: all(x.weekday() == 4 and x.day <= 7 for x in r.next_runs_local),
        ),
        (
            "Month",
            {"monthlyOccurrences": [{"day": "friday", "occurrence": -3}]},
            lambda r: [x.day for x in r.next_runs_local[:2]] == [16, 13],  # Jan 16, Feb 13 2026
        ),
        (
            "Month",
            {
                "minutes": [15],
                "hours": [5],
                "monthlyOccurrences": [
                    {"day": "friday", "occurrence": 1},
                    {"day": "friday", "occurrence": -1},
                ],
            },
            lambda r: [x.day for x in r.next_runs_local[:2]] == [30, 6],
        ),
        (
            "Month",
            {
                "monthlyOccurrences": [
                    {"day": "friday", "occurrence": 1},
                    {"day": "friday", "occurrence": -1},
                ]
            },
            lambda r: [x.day for x in r.next_runs_local[:2]] == [30, 6],
        ),
        (
            "Month",
            {"monthlyOccurrences": [{"day": "friday", "occurrence": 5}]},
            lambda r: [(x.month, x.day) for x in r.next_runs_local[:2]] == [(1, 30), (5, 29)],
        ),
        (
            "Month",
            {
                "minutes": [0, 15, 30, 45],
                "monthlyOccurrences": [{"day": "friday", "occurrence": -1}],
            },
            lambda r: r.max_runs_per_day == 4 and r.next_runs_local[0].day == 30,
        ),
        (
            "Month",
            {
                "minutes": [15, 45],
                "hours": [5, 17],
                "monthlyOccurrences": [{"day": "wednesday", "occurrence": 3}],
            },
            lambda r: r.next_runs_local[0].day == 21 and r.max_runs_per_day == 4,
        ),
    ],
)
def test_every_row_of_microsofts_examples_table(frequency, schedule, check):
    result = _adf({"frequency": frequency, "interval": 1, "startTime": START, "schedule": schedule})
    assert check(result), (frequency, schedule, result.next_runs_local)


def _weekdays(result):
    return {r.weekday() for r in result.next_runs_local}


def _days(result):
    return {r.day for r in result.next_runs_local}


@pytest.mark.parametrize(
    "start", ["2017-04-07T14:00:00Z", "2017-04-05T14:00:00Z", "2017-04-01T14:00:00Z"]
)
def test_the_worked_start_time_example_drops_past_occurrences(start):
    # Now 2017-04-08 13:00, every 2 days from a past start: 04-09, 04-11, 04-13, 04-15 at 14:00.
    result = _adf(
        {"frequency": "Day", "interval": 2, "startTime": start},
        reference=datetime(2017, 4, 8, 13, tzinfo=UTC),
        count=4,
    )
    assert [r.day for r in result.next_runs] == [9, 11, 13, 15]
    assert {r.hour for r in result.next_runs} == {14}


def test_the_quickstart_runs_at_15_30_and_45_minutes_past_and_end_is_exclusive():
    result = _adf(
        {
            "frequency": "Minute",
            "interval": 15,
            "startTime": "2017-12-08T00:00:00Z",
            "endTime": "2017-12-08T01:00:00Z",
        },
        reference=datetime(2017, 12, 8, 0, 0, 1, tzinfo=UTC),
    )
    assert [r.minute for r in result.next_runs] == [15, 30, 45]


def test_a_future_start_runs_at_the_start_time_itself():
    result = _adf({"frequency": "Hour", "startTime": "2026-02-01T10:00:00Z"}, count=2)
    assert result.next_runs[0] == datetime(2026, 2, 1, 10, tzinfo=UTC)
    assert result.max_runs_per_24h == 24


def test_daily_in_west_europe_keeps_the_wall_clock_across_dst():
    result = _adf(
        {
            "frequency": "Day",
            "startTime": "2026-03-27T06:00:00",
            "timeZone": "W. Europe Standard Time",
        },
        reference=datetime(2026, 3, 27, tzinfo=UTC),
        count=3,
    )
    assert [r.hour for r in result.next_runs_local] == [6, 6, 6]
    assert [r.hour for r in result.next_runs] == [5, 5, 4]
    assert result.description == "At 06:00 W. Europe Standard Time (Europe/Berlin), every day"


def test_hourly_in_pacific_time_is_a_fixed_interval():
    result = _adf(
        {
            "frequency": "Hour",
            "startTime": "2026-03-07T00:00:00",
            "timeZone": "Pacific Standard Time",
        },
        reference=datetime(2026, 3, 7, tzinfo=UTC),
    )
    assert result.min_interval_minutes == 60
    assert result.max_runs_per_24h == 24
    assert result.max_runs_per_day == 25  # the 25-hour November day
    assert result.worst is None


def test_a_run_inside_the_pacific_repeated_hour_has_a_worst_case():
    result = _adf(
        {
            "frequency": "Day",
            "startTime": "2026-01-01T01:30:00",
            "timeZone": "Pacific Standard Time",
        },
        reference=datetime(2026, 1, 1, 12, tzinfo=UTC),
    )
    assert result.worst is not None
    assert result.worst.min_interval_minutes == 60
    assert any("Microsoft does not document" in w for w in result.warnings)


def test_canonical_expression_is_compact_sorted_json():
    schedule = parse_schedule(
        {
            "interval": 1,
            "frequency": "week",
            "startTime": START,
            "schedule": {"weekDays": ["friday", "Monday"]},
        },
        dialect="adf-recurrence",
    )
    assert schedule.expression == (
        '{"frequency":"Week","interval":1,"schedule":{"weekDays":["Monday","Friday"]},'
        '"startTime":"2026-01-05T12:25:00Z","timeZone":"UTC"}'
    )
    assert schedule.dialect == "adf-recurrence"
    assert parse_schedule(schedule.expression, dialect="adf-recurrence") == schedule


@pytest.mark.parametrize(
    ("recurrence", "message"),
    [
        (
            {"frequency": "Minute", "startTime": START, "schedule": {"minutes": [5]}},
            "only with Day, Week and Month",
        ),
        ({"frequency": "Year", "startTime": START}, "does not document"),
        ({"frequency": "NotSpecified", "startTime": START}, "does not document"),
        (
            {"frequency": "Day", "startTime": START, "schedule": {"weekDays": ["Monday"]}},
            "only allowed with frequency Week",
        ),
        (
            {"frequency": "Week", "startTime": START, "schedule": {"monthDays": [1]}},
            "only allowed with frequency Month",
        ),
        ({"frequency": "Day", "interval": 0, "startTime": START}, "outside 1..1000"),
        ({"frequency": "Day", "interval": "15", "startTime": START}, "without quotes"),
        ({"frequency": "Day", "startTime": "2026-01-05T12:25:00"}, "must end in 'Z'"),
        (
            {"frequency": "Day", "startTime": START, "timeZone": "W. Europe Standard Time"},
            "must not carry 'Z'",
        ),
        (
            {
                "frequency": "Day",
                "startTime": "2026-01-05T12:25:00",
                "timeZone": "Australian Eastern Standard Time",
            },
            "did you mean 'AUS Eastern Standard Time'",
        ),
        (
            {"frequency": "Day", "startTime": "2026-01-05T12:25:00", "timeZone": "Europe/Berlin"},
            "'W. Europe Standard Time'",
        ),
        ({"frequency": "Day", "startTme": START}, "did you mean 'startTime'"),
        (
            {"frequency": "Month", "startTime": START, "schedule": {"monthDays": [0]}},
            "is not a day",
        ),
        (
            {
                "frequency": "Month",
                "startTime": START,
                "schedule": {"monthlyOccurrences": [{"day": "Fri", "occurrence": 6}]},
            },
            "Monday .. Sunday",
        ),
        (
            {
                "frequency": "Hour",
                "startTime": "2026-03-08T02:30:00",
                "timeZone": "Pacific Standard Time",
            },
            "does not exist",
        ),
        (
            {"frequency": "Day", "startTime": START, "endTime": "2026-01-01T00:00:00Z"},
            "is not after startTime",
        ),
        (["frequency"], "must be a mapping"),
    ],
)
def test_undocumented_or_invalid_recurrences_are_clear_errors(recurrence, message):
    with pytest.raises(ScheduleError) as error:
        parse_schedule(recurrence, dialect="adf-recurrence")
    assert message in str(error.value), str(error.value)


@pytest.mark.parametrize(
    ("recurrence", "shown"),
    [
        ({"frequency": ""}, 'recurrence.frequency "" is not allowed'),
        (
            {"frequency": "Day", "interval": "1", "startTime": "2026-01-01T00:00:00Z"},
            'recurrence.interval "1" must be a whole number 1..1000; write the number without '
            "quotes: 1",
        ),
        (
            {
                "frequency": "Week",
                "startTime": "2026-01-01T00:00:00Z",
                "schedule": {"weekDays": ["Mon\n"]},
            },
            'recurrence.schedule.weekDays "Mon\\n" is not a day of the week',
        ),
    ],
)
def test_a_bad_text_value_is_quoted_so_quotes_empties_and_newlines_show(
    recurrence: dict, shown: str
) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(recurrence, "UTC", dialect="adf-recurrence")
    assert shown in str(caught.value)


def test_a_bad_number_is_shown_bare() -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(
            {"frequency": "Day", "interval": 0, "startTime": "2026-01-01T00:00:00Z"},
            "UTC",
            dialect="adf-recurrence",
        )
    assert "recurrence.interval 0 is outside 1..1000" in str(caught.value)


_BERLIN = {"startTime": "2026-01-01T06:00:00", "timeZone": "W. Europe Standard Time"}


@pytest.mark.parametrize(
    ("recurrence", "text"),
    [
        (
            {
                "frequency": "Day",
                **_BERLIN,
                "schedule": {"hours": [8, 9, 10, 11, 12], "minutes": [15]},
            },
            "Every hour at minute 15, 08:15-12:15 W. Europe Standard Time (Europe/Berlin), "
            "every day",
        ),
        (
            {
                "frequency": "Day",
                **_BERLIN,
                "schedule": {"hours": list(range(24)), "minutes": [0, 30]},
            },
            "At minutes 0 and 30 of every hour, every day, in W. Europe Standard Time "
            "(Europe/Berlin)",
        ),
        (
            {"frequency": "Month", **_BERLIN, "schedule": {"monthDays": [-2, 1, -1]}},
            "At 06:00 W. Europe Standard Time (Europe/Berlin), on day 1, the last day and "
            "1 day before the last day of every month",
        ),
        (
            {
                "frequency": "Day",
                "startTime": "2026-01-01T06:00:30",
                "timeZone": "W. Europe Standard Time",
            },
            "At 06:00:30 W. Europe Standard Time (Europe/Berlin), every day",
        ),
        (
            {"frequency": "Day", "interval": 2, **_BERLIN, "endTime": "2026-03-01T00:00:00"},
            "At 06:00 W. Europe Standard Time (Europe/Berlin), every 2 days, "
            "before 2026-03-01 00:00:00",
        ),
    ],
)
def test_the_description_says_which_times_which_days_and_until_when(recurrence, text):
    assert _adf(recurrence).description == text
