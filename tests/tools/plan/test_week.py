"""A week at a glance: runs of the next 7 days, drawn as milestones, bands or hourly load."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from tools.plan import week

REF = datetime(2026, 1, 1, tzinfo=UTC)


def test_a_daily_schedule_has_seven_runs_in_the_week():
    runs = week.runs_in_week("cron(0 12 * * ? *)", "Europe/Berlin", reference=REF)
    assert len(runs) == 7
    assert runs[0] == datetime(2026, 1, 1, 11, tzinfo=UTC)


def test_a_disabled_or_invalid_schedule_has_no_runs():
    assert week.runs_in_week("rate(1 hour)", None, reference=REF, enabled=False) == ()
    assert week.runs_in_week("cron(bad)", None, reference=REF) == ()


def test_the_end_date_cuts_the_week_short():
    end = REF + timedelta(days=2)
    assert len(week.runs_in_week("rate(1 day)", None, reference=REF, end=end)) == 2


def test_runs_every_five_minutes_are_one_band_not_two_thousand_bars():
    runs = week.runs_in_week("rate(5 minutes)", None, reference=REF)
    assert len(runs) == 2016
    (band,) = week.bars(runs)
    assert (band.start, band.end, band.runs, band.label) == (
        REF,
        REF + week.WEEK,
        2016,
        "every 5 min",
    )


def test_business_hours_become_one_band_per_weekday():
    runs = week.runs_in_week("cron(0 9-17 ? * MON-FRI *)", None, reference=REF)
    bands = week.bars(runs)
    assert len(bands) == 5
    assert bands[0].start == datetime(2026, 1, 1, 9, tzinfo=UTC)
    assert bands[0].end == datetime(2026, 1, 1, 18, tzinfo=UTC)


def test_runs_far_apart_stay_single_milestones():
    runs = week.runs_in_week("rate(6 hours)", None, reference=REF)
    assert all(b.end is None for b in week.bars(runs))
    assert len(week.bars(runs)) == 28


def test_hourly_load_merges_neighbouring_hours_with_the_same_count():
    runs = [REF + timedelta(minutes=m) for m in range(0, 180, 10)]  # 6 an hour for 3 hours
    (bar,) = week.load_bars(runs, REF, 1)
    assert (bar.start, bar.end, bar.runs, bar.label) == (
        REF,
        REF + timedelta(hours=3),
        18,
        "6 runs per h",
    )


def test_mermaid_specials_in_a_pipeline_name_cannot_break_the_chart():
    lane = week.Lane("a:b#c;d", "aws", (REF,))
    chart = week.gantt("t", week.lane_rows([lane]))
    assert "section aws - a b c d" in chart


def test_a_thousand_pipelines_fit_the_budget_as_runs_per_hour():
    lanes = [
        week.Lane(
            f"p{i}",
            "aws",
            week.runs_in_week(f"cron({i % 60} {(i // 60) % 24} * * ? *)", None, reference=REF),
        )
        for i in range(1000)
    ]
    chart, note = week.week_chart("bench", lanes, REF)
    assert len(chart) <= week.CHART_BUDGET
    assert "runs are counted per 1 h" in note
    assert "60 runs per h :2026-01-01 00:00, 2026-01-01 16:00" in chart


def test_every_task_line_is_one_mermaid_accepts():
    lanes = [
        week.Lane("a", "aws", week.runs_in_week("rate(5 minutes)", None, reference=REF)),
        week.Lane("b", "gcp", week.runs_in_week("cron(30 1 * * ? *)", None, reference=REF)),
    ]
    chart, _ = week.week_chart("t", lanes, REF)
    task = re.compile(
        r"^    [^:#;]+ :(crit, )?(milestone, \d{4}-\d\d-\d\d \d\d:\d\d, 0m|"
        r"\d{4}-\d\d-\d\d \d\d:\d\d, \d{4}-\d\d-\d\d \d\d:\d\d)$"
    )
    body = chart.split("todayMarker off\n", 1)[1].splitlines()[:-1]
    for line in body:
        assert line.startswith("    section ") or task.match(line), line


def test_the_heat_grid_counts_runs_by_utc_weekday_and_hour():
    lane = week.Lane("a", "aws", week.runs_in_week("cron(0 12 * * ? *)", None, reference=REF))
    grid = week.heat([lane])
    assert all(grid[day][12] == 1 for day in range(7))
    assert sum(map(sum, grid)) == 7


def test_the_busiest_start_window_names_the_pipelines_that_start_together():
    lanes = [
        week.Lane("a", "aws", week.runs_in_week("cron(0 12 * * ? *)", None, reference=REF)),
        week.Lane("b", "gcp", week.runs_in_week("cron(3 12 * * ? *)", None, reference=REF)),
        week.Lane("c", "aws", week.runs_in_week("cron(30 12 * * ? *)", None, reference=REF)),
    ]
    line = week.busiest_line(week.busiest(lanes, 5))
    assert line == (
        "Busiest 5-minute start window of the week: Thu 2026-01-01 12:00 to 12:05 UTC, "
        "2 pipelines: a, b"
    )
    assert week.busiest([week.Lane("x", "aws", ())], 5) is None
    assert week.busiest_line(None) == ""


def test_the_window_width_comes_from_the_stacks_schedule_collision_config(tmp_path):
    config = tmp_path / "prod.json"
    config.write_text('{"schedule-collision": {"windowMinutes": 15}}')
    assert week.window_minutes(str(config)) == 15
    assert week.window_minutes(None) == 5
    assert week.window_minutes(str(tmp_path / "missing.json")) == 5
    config.write_text('{"schedule-collision": {"windowMinutes": "x"}}')
    assert week.window_minutes(str(config)) == 5
