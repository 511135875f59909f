"""Benchmark of the schedule engine: full analysis versus a brute-force scan of one year.

``make bench-schedule`` (or ``python -m tools.bench_schedule``). For each expression of each
dialect it reports the median wall time of ``parse_schedule`` + ``analyze`` (next 5 runs,
busiest day, most runs in 24 real hours, shortest interval over the whole horizon up to 2199,
worst case where the provider leaves DST undefined, description), next to one minute-by-minute
scan of a single year, which is what a naive implementation would need just to *estimate* the
same figures. For unix-cron it also times cronsim computing the next 100 runs of the same
expression in the same run. Figures, not pass/fail: the goals are printed.

Nothing that depends on the expression is cached between analyses: every call parses and
analyses from scratch. What is kept is zone data, built once per process like ``zoneinfo``
loads its files (cronsim's ``ZoneInfo`` is cached the same way): each zone's transition table
and, for unix-cron, the days its offset changes touch and their clusters; their first-use
cost is reported separately. Times are medians of CPU time (``time.thread_time``) next to wall
time, because the machine is shared; the cronsim comparison uses CPU time on both sides.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from cronsim import CronSim

from modules.schedule import analyze, parse_schedule
from modules.schedule.adf import AdfSpec
from modules.schedule.adf_engine import ADF_NOMINAL, _AdfEngine
from modules.schedule.analysis import _CronEngine
from modules.schedule.cron import CronSpec
from modules.schedule.expression import RateSpec
from modules.schedule.unix_engine import clear_zone_caches, prepare_zone
from modules.schedule.zones import zone_table

REFERENCE = datetime(2026, 11, 30, 9, 42, tzinfo=UTC)
UNIX_CASES: tuple[tuple[str, str | None], ...] = (
    ("0 12 * * *", None),
    ("*/5 8-17 * * MON-FRI", "Europe/Berlin"),
    ("* * * * *", "America/New_York"),
    ("30 1 * * *", "America/New_York"),
    ("15 2 * * SUN", "America/Santiago"),
    ("0 9 1,15 * MON", "Europe/London"),
    ("0 */2 * * *", "Australia/Lord_Howe"),
    ("0 0 29 2 *", "Europe/Berlin"),
)
_W = "W. Europe Standard Time"
_P = "Pacific Standard Time"
ADF_CASES: tuple[dict, ...] = (
    {"frequency": "Minute", "interval": 15, "startTime": "2026-01-01T00:00:00", "timeZone": _W},
    {"frequency": "Hour", "interval": 1, "startTime": "2026-01-01T00:30:00", "timeZone": _P},
    {"frequency": "Day", "interval": 1, "startTime": "2026-01-01T06:00:00", "timeZone": _W},
    {"frequency": "Day", "startTime": "2026-01-01T01:30:00", "timeZone": _P},
    {
        "frequency": "Week",
        "interval": 2,
        "startTime": "2026-01-05T00:00:00",
        "timeZone": _W,
        "schedule": {"hours": [9, 17], "minutes": [0, 30], "weekDays": ["Monday", "Friday"]},
    },
    {
        "frequency": "Day",
        "startTime": "2026-01-01T00:00:00",
        "timeZone": _P,
        "schedule": {"minutes": [0, 15, 30, 45], "hours": list(range(24))},
    },
    {
        "frequency": "Month",
        "interval": 1,
        "startTime": "2026-01-01T00:00:00Z",
        "timeZone": "UTC",
        "schedule": {
            "hours": [5],
            "minutes": [15],
            "monthlyOccurrences": [{"day": "Friday", "occurrence": -1}],
        },
    },
    {
        "frequency": "Month",
        "interval": 3,
        "startTime": "2026-01-31T06:00:00",
        "timeZone": _W,
        "schedule": {"monthDays": [1, -1]},
    },
)
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


def _parse(expression: str | dict, zone: str | None, dialect: str):
    return parse_schedule(expression, zone, dialect=dialect)


def _brute_force_year(
    expression: str | dict, zone: str | None, days: int = 365, dialect: str = "aws"
) -> int:
    """Minute-by-minute scan of ``days`` days from REFERENCE, counting runs (DST included)."""
    schedule = _parse(expression, zone, dialect)
    tz = ZoneInfo(schedule.timezone)
    spec = schedule.spec
    matcher = None
    if isinstance(spec, AdfSpec) and spec.fixed_interval is not None:
        spec = RateSpec(value=spec.fixed_interval // 60, unit="minute")
    elif isinstance(spec, AdfSpec):
        adf = _AdfEngine(spec, zone_table(schedule.timezone), ADF_NOMINAL)
        times = {t // 60 for t in spec.times_of_day}
        epoch = datetime(1970, 1, 1).date()

        def matcher(local: datetime) -> bool:
            minute_of_day = local.hour * 60 + local.minute
            return minute_of_day in times and adf.matches((local.date() - epoch).days)

    elif isinstance(spec, CronSpec):
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


def _analysis_ms(
    expression: str | dict, zone: str | None, repeat: int, dialect: str = "aws"
) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of parse + analyze, ``repeat`` times."""
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.thread_time()
        analyze(_parse(expression, zone, dialect), reference=REFERENCE, count=5)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return wall, cpu


def _cronsim_ms(expression: str, zone: str | None, repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds for cronsim to compute the next 100 runs (what a scheduler
    library gives)."""
    start = REFERENCE.astimezone(ZoneInfo(zone or "UTC"))
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.thread_time()
        iterator = CronSim(expression, start)
        for _ in range(100):
            next(iterator)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return wall, cpu


def _all_cases() -> list[tuple[str, str | dict, str | None]]:
    rows: list[tuple[str, str | dict, str | None]] = [("aws", e, z) for e, z in CASES]
    rows += [("unix-cron", e, z) for e, z in UNIX_CASES]
    rows += [("adf-recurrence", r, None) for r in ADF_CASES]
    return rows


def _label(expression: str | dict) -> str:
    if isinstance(expression, str):
        return expression
    text = json.dumps(expression, separators=(",", ":"))
    text = text.replace('"timeZone":"W. Europe Standard Time"', "W").replace(
        '"timeZone":"Pacific Standard Time"', "P"
    )
    return text if len(text) <= 34 else text[:31] + "..."


def _first_use(rows) -> tuple[dict[str, float], dict[str, float]]:
    """Milliseconds to build each zone's transition table and, for the zones unix-cron rows
    use, its day tables: what the first analysis in a zone pays once per process."""
    zone_ms = {}
    for dialect, expression, zone in rows:
        name = _parse(expression, zone, dialect).timezone
        if name not in zone_ms:
            started = time.perf_counter()
            zone_table.__wrapped__(name)  # the uncached build, what a first use costs
            zone_ms[name] = (time.perf_counter() - started) * 1000
    day_tables_ms = {}
    clear_zone_caches()
    for dialect, expression, zone in rows:
        name = _parse(expression, zone, dialect).timezone
        if dialect == "unix-cron" and name not in day_tables_ms:
            started = time.perf_counter()
            prepare_zone(zone_table(name))  # the unix-cron day tables of the zone
            day_tables_ms[name] = (time.perf_counter() - started) * 1000
    return zone_ms, day_tables_ms


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=51, help="analyses per expression")
    parser.add_argument("--quick", action="store_true", help="skip the brute-force scans")
    args = parser.parse_args(argv)

    rows = _all_cases()
    zone_ms, day_tables_ms = _first_use(rows)
    print(f"{len(rows)} expressions, {args.repeat} analyses each; load average {_load()}")
    header = (
        f"{'dialect':9} {'expression':34} {'time zone':19} {'median':>8} {'cpu':>8} "
        f"{'brute cpu':>11} {'speed-up':>8} {'cronsim 100':>11} {'cpu':>8}"
    )
    print(header)
    print("-" * len(header))
    medians, cpus, ratios, versus = [], [], [], []
    per_dialect: dict[str, list[float]] = {}
    for dialect, expression, zone in rows:
        _analysis_ms(expression, zone, 3, dialect)  # warm-up: imports, zone table
        wall, cpu = _analysis_ms(expression, zone, args.repeat, dialect)
        median, median_cpu = statistics.median(wall), statistics.median(cpu)
        medians.append(median)
        cpus.append(median_cpu)
        per_dialect.setdefault(dialect, []).append(median_cpu)
        brute = ratio = sim = sim_cpu = ""
        if not args.quick:
            started = time.thread_time()
            _brute_force_year(expression, zone, dialect=dialect)
            brute_ms = (time.thread_time() - started) * 1000
            ratios.append(brute_ms / median_cpu)
            brute, ratio = f"{brute_ms:9.0f}ms", f"{brute_ms / median_cpu:7.0f}x"
        if dialect == "unix-cron":
            sim_wall, sim_cpus = _cronsim_ms(expression, zone, max(3, args.repeat // 2))
            sim_ms, sim_cpu_ms = statistics.median(sim_wall), statistics.median(sim_cpus)
            versus.append((expression, zone, median_cpu, sim_cpu_ms))
            sim, sim_cpu = f"{sim_ms:9.2f}ms", f"{sim_cpu_ms:6.2f}ms"
        zone_name = _parse(expression, zone, dialect).timezone
        print(
            f"{dialect[:9]:9} {_label(expression):34} {zone_name[:19]:19} {median:6.2f}ms "
            f"{median_cpu:6.2f}ms {brute:>11} {ratio:>8} {sim:>11} {sim_cpu:>8}"
        )
    print("-" * len(header))
    _summary(medians, cpus, ratios, per_dialect, versus)
    first_use = ", ".join(f"{name} {ms:.1f} ms" for name, ms in zone_ms.items())
    print(f"first use of a zone (transition table, built once per process): {first_use}")
    first_use = ", ".join(f"{name} {ms:.1f} ms" for name, ms in day_tables_ms.items())
    print(f"first use of a zone by unix-cron (changed days and their clusters): {first_use}")
    print("each analysis is cold: nothing derived from the expression is kept between calls")
    return 0


def _summary(medians, cpus, ratios, per_dialect, versus) -> None:
    worst, worst_cpu = max(medians), max(cpus)
    print(
        f"median of medians {statistics.median(medians):.2f} ms (cpu "
        f"{statistics.median(cpus):.2f} ms); worst median {worst:.2f} ms (cpu {worst_cpu:.2f} ms)"
    )
    for dialect, values in per_dialect.items():
        print(f"  {dialect}: worst median cpu {max(values):.2f} ms")
    print(f"goal: every median < 5 ms (cpu) -> {'met' if worst_cpu < 5 else 'NOT met'}")
    if ratios:
        verdict = "met" if min(ratios) >= 20 else "NOT met"
        print(
            f"speed-up vs one brute-force year (cpu): min {min(ratios):.0f}x, median "
            f"{statistics.median(ratios):.0f}x -> goal >= 20x {verdict}"
        )
    faster = sum(ours < theirs for _, _, ours, theirs in versus)
    print(
        f"unix-cron full analysis faster than cronsim's next 100 runs (CPU medians, same run): "
        f"{faster} of {len(versus)} -> goal {'met' if faster == len(versus) else 'NOT met'}"
    )
    for expression, zone, ours, theirs in versus:
        print(
            f"  {expression:24} {zone or 'UTC':20} {ours:6.3f} ms vs {theirs:6.3f} ms "
            f"({theirs / ours:4.1f}x)"
        )


def _load() -> str:
    try:
        with open("/proc/loadavg", encoding="ascii") as handle:
            return handle.read().split()[0]
    except OSError:  # pragma: no cover - not Linux
        return "n/a"


if __name__ == "__main__":
    raise SystemExit(main())
