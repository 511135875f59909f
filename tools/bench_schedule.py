"""Benchmark of the schedule engine: full analysis versus a brute-force scan of one year.

``make bench-schedule`` (or ``python -m tools.bench_schedule``). For each expression it reports
the median wall time of ``parse_schedule`` + ``analyze`` (next 5 runs, busiest day, shortest
interval over the whole horizon up to 2199, description), next to one minute-by-minute scan of a
single year, which is what a naive implementation would need just to *estimate* the same
figures. Figures, not pass/fail: the goals (median < 5 ms, >= 20x faster) are printed.

Nothing is cached between analyses except each zone's transition table, which is built once per
process like ``zoneinfo`` loads its data; the first-use cost of a zone is reported separately.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from modules.schedule import analyze, parse_schedule
from modules.schedule.analysis import _CronEngine
from modules.schedule.cron import CronSpec
from modules.schedule.expression import RateSpec
from modules.schedule.zones import zone_table

REFERENCE = datetime(2026, 11, 30, 9, 42, tzinfo=UTC)
CASES: tuple[tuple[str, str | None], ...] = (
    ("cron(0 12 * * ? *)", None),
    ("cron(0/5 8-17 ? * MON-FRI *)", "Europe/Berlin"),
    ("cron(* * * * ? *)", "America/New_York"),
    ("cron(30 1 * * ? *)", "America/New_York"),
    ("cron(15 2 ? * SUN *)", "America/Santiago"),
    ("cron(0 10 ? * 6L *)", "Australia/Lord_Howe"),
    ("cron(0 9 LW * ? *)", "Asia/Kolkata"),
    ("cron(0 9 15W * ? *)", "Europe/London"),
    ("cron(0 0 ? 2 2#5 *)", None),
    ("cron(0 0 29 2 ? *)", "Europe/Berlin"),
    ("cron(0 0 30 2 ? *)", None),
    ("cron(0,1 12 1 1 ? 2150)", None),
    ("cron(0 6 1 1,4,7,10 ? 2026-2030)", "Asia/Tokyo"),
    ("rate(5 minutes)", "Europe/Berlin"),
    ("rate(7 minutes)", "America/New_York"),
    ("rate(1439 minutes)", "America/New_York"),
    ("rate(1 day)", "Europe/Berlin"),
    ("at(2027-01-01T00:00:00)", "Europe/Berlin"),
)


def _brute_force_year(expression: str, zone: str | None, days: int = 365) -> int:
    """Minute-by-minute scan of ``days`` days from REFERENCE, counting runs (DST included)."""
    schedule = parse_schedule(expression, zone)
    tz = ZoneInfo(schedule.timezone)
    spec = schedule.spec
    matcher = None
    if isinstance(spec, CronSpec):
        engine = _CronEngine(spec, zone_table(schedule.timezone))
        minutes, hours, months, years = (
            set(spec.minutes),
            set(spec.hours),
            set(spec.months),
            set(spec.years),
        )
        day_cache: dict = {}

        def matcher(local: datetime) -> bool:
            day = local.date()
            ok = day_cache.get(day)
            if ok is None:
                first = day.replace(day=1)
                length = ((first + timedelta(days=32)).replace(day=1) - first).days
                weekday = (first.weekday() + 1) % 7 + 1
                ok = day.day in engine.month_days(length, weekday)
                day_cache[day] = ok
            return (
                ok
                and local.minute in minutes
                and local.hour in hours
                and local.month in months
                and local.year in years
            )

    count = 0
    minute = REFERENCE.replace(second=0) + timedelta(minutes=1)
    end = minute + timedelta(days=days)
    if isinstance(spec, RateSpec):
        step = timedelta(seconds=spec.seconds)
        while minute < end:
            count += (minute - REFERENCE) % step == timedelta(0)
            minute += timedelta(minutes=1)
        return count
    while minute < end:
        local = minute.astimezone(tz)
        if local.fold == 0 and matcher is not None and matcher(local):
            count += 1
        minute += timedelta(minutes=1)
    return count


def _analysis_ms(expression: str, zone: str | None, repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of parse + analyze, ``repeat`` times."""
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.thread_time()
        analyze(parse_schedule(expression, zone), reference=REFERENCE, count=5)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return wall, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=51, help="analyses per expression")
    parser.add_argument("--quick", action="store_true", help="skip the brute-force scans")
    args = parser.parse_args(argv)

    zone_ms = {}
    for _, zone in CASES:
        name = zone or "UTC"
        if name not in zone_ms:
            started = time.perf_counter()
            zone_table(name)
            zone_ms[name] = (time.perf_counter() - started) * 1000
    print(f"{len(CASES)} expressions, {args.repeat} analyses each; load average {_load()}")
    header = (
        f"{'expression':34} {'time zone':19} {'median':>8} {'cpu':>8} {'brute year':>11} "
        f"{'speed-up':>8}"
    )
    print(header)
    print("-" * len(header))
    medians, cpus, ratios = [], [], []
    for expression, zone in CASES:
        _analysis_ms(expression, zone, 3)  # warm-up: imports, zone table
        wall, cpu = _analysis_ms(expression, zone, args.repeat)
        median, median_cpu = statistics.median(wall), statistics.median(cpu)
        medians.append(median)
        cpus.append(median_cpu)
        brute = ratio = ""
        if not args.quick:
            started = time.perf_counter()
            _brute_force_year(expression, zone)
            brute_ms = (time.perf_counter() - started) * 1000
            ratios.append(brute_ms / median)
            brute, ratio = f"{brute_ms:9.0f}ms", f"{brute_ms / median:7.0f}x"
        print(
            f"{expression:34} {zone or 'UTC':19} {median:6.2f}ms {median_cpu:6.2f}ms "
            f"{brute:>11} {ratio:>8}"
        )
    print("-" * len(header))
    worst, worst_cpu = max(medians), max(cpus)
    print(
        f"median of medians {statistics.median(medians):.2f} ms (cpu "
        f"{statistics.median(cpus):.2f} ms); worst median {worst:.2f} ms (cpu {worst_cpu:.2f} ms)"
    )
    print(f"goal: every median < 5 ms -> {'met' if worst < 5 else 'NOT met'}")
    if ratios:
        verdict = "met" if min(ratios) >= 20 else "NOT met"
        print(
            f"speed-up vs one brute-force year: min {min(ratios):.0f}x, median "
            f"{statistics.median(ratios):.0f}x -> goal >= 20x {verdict}"
        )
    first_use = ", ".join(f"{name} {ms:.1f} ms" for name, ms in zone_ms.items())
    print(f"first use of a zone (transition table, built once per process): {first_use}")
    return 0


def _load() -> str:
    try:
        with open("/proc/loadavg", encoding="ascii") as handle:
            return handle.read().split()[0]
    except OSError:  # pragma: no cover - not Linux
        return "n/a"


if __name__ == "__main__":
    raise SystemExit(main())
