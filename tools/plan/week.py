"""A week at a glance: every run of the next 7 days, for the Mermaid chart and the terminal heatmap.

GitHub renders Mermaid in comments and job summaries, so the chart needs no image hosting. A
gantt chart has one bar per task, and a schedule every five minutes has 2,016 runs a week, so runs
closer than `BAND_GAP` are drawn as one band ("every 5 min"), and when a stack has more pipelines
than fit the character budget they are drawn as runs per hour (per cloud) instead of one row each.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tools.plan.model import BusiestWindow, format_interval

WEEK = timedelta(days=7)
# Every minute for a week: the most any dialect can fire (no dialect goes below one minute).
MAX_RUNS = 7 * 24 * 60
BAND_GAP = timedelta(hours=3)
# Mermaid refuses diagrams above its maxTextSize (50,000 characters by default, the setting GitHub
# uses), and a comment holds 65,536 characters in all.
CHART_BUDGET = 20_000
_DATE = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class Bar:
    """A single run (`end` None, drawn as a milestone) or a band of runs closer than BAND_GAP."""

    start: datetime
    end: datetime | None
    runs: int
    label: str


@dataclass(frozen=True)
class Lane:
    """One row of the chart: a pipeline's runs (all its schedules together), or an aggregate."""

    title: str
    cloud: str
    runs: tuple[datetime, ...]


def runs_in_week(
    expression: Any,
    timezone: str | None,
    *,
    reference: datetime,
    dialect: str = "aws",
    start: datetime | None = None,
    end: datetime | None = None,
    enabled: bool = True,
) -> tuple[datetime, ...]:
    """Every run in [reference, reference + 7 days), UTC; () for a disabled or invalid schedule
    (the plan reports those in its table)."""
    from modules.schedule import ScheduleError, analyze, parse_schedule

    if not enabled:
        return ()
    horizon = reference + WEEK
    stop = horizon if end is None else min(end, horizon)
    try:
        if dialect == "aws":
            schedule = parse_schedule(expression, timezone)
        else:
            value = json.loads(expression) if dialect == "adf-recurrence" else expression
            schedule = parse_schedule(value, timezone, dialect=dialect)  # type: ignore[call-arg]
        if start is not None and stop <= start:
            return ()
        analysis = analyze(schedule, reference=reference, count=MAX_RUNS, start=start, end=stop)
    except (ScheduleError, TypeError, ValueError):
        return ()
    return tuple(t for t in analysis.next_runs if t < horizon)


def entry_runs(entry: Any, reference: datetime) -> tuple[datetime, ...]:
    """`runs_in_week` for a plan's ScheduleEntry."""
    return runs_in_week(
        entry.expression,
        entry.timezone,
        reference=reference,
        dialect=getattr(entry, "dialect", "aws") or "aws",
        start=entry.start,
        end=entry.end,
        enabled=entry.enabled,
    )


def lanes_of(schedules: Iterable[Any], reference: datetime) -> tuple[Lane, ...]:
    """One lane per pipeline (its schedules merged), in first-seen order."""
    runs: dict[tuple[str, str], list[datetime]] = {}
    for entry in schedules:
        key = (getattr(entry, "cloud", "aws") or "aws", entry.pipeline)
        runs.setdefault(key, []).extend(entry_runs(entry, reference))
    return tuple(Lane(name, cloud, tuple(sorted(set(r)))) for (cloud, name), r in runs.items())


def bars(runs: Sequence[datetime]) -> tuple[Bar, ...]:
    """Runs closer than BAND_GAP become one band labelled with their shortest interval."""
    out: list[Bar] = []
    i = 0
    while i < len(runs):
        j = i
        while j + 1 < len(runs) and runs[j + 1] - runs[j] < BAND_GAP:
            j += 1
        if j == i:
            out.append(Bar(runs[i], None, 1, runs[i].strftime("%H.%M")))
        else:
            gap = min(runs[k + 1] - runs[k] for k in range(i, j))
            every = format_interval(gap.total_seconds() / 60)
            out.append(Bar(runs[i], runs[j] + gap, j - i + 1, f"every {every}"))
        i = j + 1
    return tuple(out)


def load_bars(runs: Iterable[datetime], reference: datetime, hours: int) -> tuple[Bar, ...]:
    """Runs counted per `hours`-long bucket from the reference hour; equal neighbours merged."""
    origin = reference.replace(minute=0, second=0, microsecond=0)
    size = timedelta(hours=hours)
    counts = Counter((t - origin) // size for t in runs)
    out: list[Bar] = []
    for bucket in sorted(counts):
        start = origin + bucket * size
        n = counts[bucket]
        last = out[-1] if out else None
        if last is not None and last.end == start and last.runs == n * _span(last, size):
            out[-1] = Bar(last.start, start + size, last.runs + n, last.label)
            continue
        unit = "h" if hours == 1 else f"{hours} h"
        out.append(Bar(start, start + size, n, f"{n} runs per {unit}"))
    return tuple(out)


def _span(bar: Bar, size: timedelta) -> int:
    return int(((bar.end or bar.start) - bar.start) / size)


def _section(title: str) -> str:
    # Mermaid ends a task name at ':' and a line at '#' or ';' (comments, entities).
    return "".join(" " if ch in ":#;" else ch for ch in title).strip() or "?"


def _task(bar: Bar, *, crit: bool = False) -> str:
    tags = "crit, " if crit else ""
    if bar.end is None:
        return f"    {_section(bar.label)} :{tags}milestone, {bar.start.strftime(_DATE)}, 0m"
    return (
        f"    {_section(bar.label)} :{tags}{bar.start.strftime(_DATE)}, {bar.end.strftime(_DATE)}"
    )


@dataclass(frozen=True)
class Row:
    """A section of the chart: its title, its bars, and whether to draw them highlighted."""

    title: str
    bars: tuple[Bar, ...]
    crit: bool = False


def gantt(title: str, rows: Sequence[Row]) -> str:
    """The Mermaid source of a gantt chart in compact mode (a section's bars share one row)."""
    titles = [_section(row.title) for row in rows if row.bars]
    # Room on the left for the longest section title (about 7 px a character at the default size).
    padding = min(420, max(75, 16 + 7 * max(map(len, titles), default=0)))
    lines = [
        "```mermaid",
        "---",
        "displayMode: compact",
        "config:",
        "  gantt:",
        "    displayMode: compact",
        f"    leftPadding: {padding}",
        "---",
        "gantt",
        f"    title {_section(title)}",
        "    dateFormat YYYY-MM-DD HH:mm",
        "    axisFormat %a %d %H.%M",
        "    tickInterval 1day",
        "    todayMarker off",
    ]
    for row in rows:
        if not row.bars:
            continue
        lines.append(f"    section {_section(row.title)}")
        lines += [_task(bar, crit=row.crit) for bar in row.bars]
    lines.append("```")
    return "\n".join(lines) + "\n"


def aggregate_rows(
    lanes: Sequence[Lane], reference: datetime, hours: int, prefix: str = ""
) -> list[Row]:
    by_cloud: dict[str, list[Lane]] = {}
    for lane in lanes:
        by_cloud.setdefault(lane.cloud, []).append(lane)
    rows = []
    for cloud, members in by_cloud.items():
        runs = [t for lane in members for t in lane.runs]
        title = f"{prefix}{cloud} - {len(members)} pipelines"
        rows.append(Row(title, load_bars(runs, reference, hours)))
    return rows


def lane_rows(lanes: Sequence[Lane], prefix: str = "", *, crit: bool = False) -> list[Row]:
    return [Row(f"{prefix}{lane.cloud} - {lane.title}", bars(lane.runs), crit) for lane in lanes]


def fit(candidates: Iterable[tuple[str, str]], budget: int) -> tuple[str, str]:
    """The first (chart, note) whose chart fits `budget` characters; the last one otherwise."""
    chosen = ("", "")
    for chart, note in candidates:
        chosen = (chart, note)
        if len(chart) <= budget:
            break
    return chosen


def week_chart(
    title: str, lanes: Sequence[Lane], reference: datetime, budget: int = CHART_BUDGET
) -> tuple[str, str]:
    """(Mermaid source, a note on how it was drawn) for one stack's lanes."""
    if not any(lane.runs for lane in lanes):
        return "", "No runs in the next 7 days."

    def candidates():
        yield gantt(title, lane_rows(lanes)), ""
        for hours in (1, 3, 6, 24):
            note = (
                f"{len(lanes)} pipelines are too many to draw one row each in a comment: "
                f"runs are counted per {hours} h instead, per cloud."
            )
            yield gantt(title, aggregate_rows(lanes, reference, hours)), note

    return fit(candidates(), budget)


DEFAULT_WINDOW_MINUTES = 5


def window_minutes(policy_config: str | None) -> int:
    """The start-window width schedule-collision judges with in this stack's policy config
    (`windowMinutes`), so the plan names the window the policy means; 5 without one."""
    import json
    from pathlib import Path

    try:
        config = (
            json.loads(Path(policy_config).read_text(encoding="utf-8")) if policy_config else {}
        )
        value = int(config["schedule-collision"]["windowMinutes"])
    except (OSError, ValueError, KeyError, TypeError):
        return DEFAULT_WINDOW_MINUTES
    return value if value > 0 else DEFAULT_WINDOW_MINUTES


def busiest(lanes: Sequence[Lane], minutes: int) -> BusiestWindow | None:
    """The `minutes`-wide start window with the most pipelines, from the engine's sweep over the
    week's runs (the same sweep as schedule-collision); None when nothing runs."""
    from modules.schedule.windows import busiest_window

    runs = {f"{lane.cloud}:{lane.title}": lane.runs for lane in lanes if lane.runs}
    window = busiest_window(runs, timedelta(minutes=minutes)) if runs else None
    if window is None:
        return None
    names = tuple(sorted(m.split(":", 1)[1] for m in window.members))
    return BusiestWindow(window.start, window.end, minutes, names)


def busiest_line(window: BusiestWindow | None) -> str:
    """`Busiest 5-minute start window: ... UTC, 3 pipelines: a, b, c`; '' without a window."""
    if window is None:
        return ""
    count = len(window.pipelines)
    return (
        f"Busiest {window.minutes}-minute start window of the week: "
        f"{window.start:%a %Y-%m-%d %H:%M} to {window.end:%H:%M} UTC, "
        f"{count} pipeline{'s' if count != 1 else ''}: {', '.join(window.pipelines)}"
    )


def week_section(
    title: str,
    lanes: Sequence[Lane],
    reference: datetime,
    budget: int,
    busiest_window: BusiestWindow | None = None,
) -> list[str]:
    """The Markdown lines of a stack's 'A week at a glance' section."""
    end = reference + WEEK
    lines = [
        "### A week at a glance (UTC)",
        "",
        f"Every run from `{iso(reference)}` to `{iso(end)}`, all clouds on one UTC axis; runs "
        f"less than {format_interval(BAND_GAP.total_seconds() / 60)} apart are drawn as one band.",
        "",
    ]
    chart, note = week_chart(title, lanes, reference, budget)
    if chart:
        lines.append(chart)
    if note:
        lines += [f"*{note}*", ""]
    busiest = busiest_line(busiest_window)
    if busiest:
        lines += [f"{busiest} (schedule-collision judges this per account).", ""]
    return lines


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


HEAT_LEVELS = " ░▒▓█"


def heat(lanes: Iterable[Lane]) -> list[list[int]]:
    """Runs by UTC weekday (Monday first) x hour over the week."""
    grid = [[0] * 24 for _ in range(7)]
    for lane in lanes:
        for t in lane.runs:
            u = t.astimezone(UTC)
            grid[u.weekday()][u.hour] += 1
    return grid
