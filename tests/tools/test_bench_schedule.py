"""The schedule benchmark runs end to end and its brute-force scan counts runs correctly."""

from tools import bench_schedule


def test_brute_force_scan_counts_a_daily_cron_once_per_day():
    assert bench_schedule._brute_force_year("cron(0 12 * * ? *)", None, days=3) == 3


def test_brute_force_scan_counts_rate_runs_from_the_reference():
    # Anchored at REFERENCE (09:42); the scan covers 09:43 to 09:43 the next day: 10:42 .. 09:42.
    assert bench_schedule._brute_force_year("rate(1 hour)", "Europe/Berlin", days=1) == 24


def test_brute_force_scan_of_an_at_schedule_finds_nothing_to_match():
    assert bench_schedule._brute_force_year("at(2027-01-01T00:00:00)", None, days=1) == 0


def test_quick_benchmark_prints_every_expression_and_the_goal(capsys):
    assert bench_schedule.main(["--quick", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    for expression, _ in bench_schedule.CASES:
        assert expression in out, expression
    assert "goal: every median < 5 ms" in out


def test_brute_force_scan_counts_a_unix_cron_and_an_adf_recurrence():
    assert bench_schedule._brute_force_year("0 12 * * *", None, days=3, dialect="unix-cron") == 3
    daily = {"frequency": "Day", "startTime": "2026-01-01T06:00:00Z"}
    assert bench_schedule._brute_force_year(daily, None, days=3, dialect="adf-recurrence") == 3


def test_quick_benchmark_compares_every_unix_cron_with_cronsim(capsys):
    assert bench_schedule.main(["--quick", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    for expression, _ in bench_schedule.UNIX_CASES:
        assert expression in out, expression
    assert "faster than cronsim's next 100 runs" in out
