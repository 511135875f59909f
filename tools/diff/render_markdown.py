"""The diff as Markdown: the pull-request comment and the job summary.

Verdicts and changed schedules first; an unchanged stack is one line. The whole report is kept
under GitHub's comment limit by drawing less (fewer rows, coarser charts) rather than by cutting
text mid-table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tools.diff.compare import PipelineChange, ScheduleChange, StackDiff
from tools.diff.snapshot import Schedule, Snapshot, Verdict
from tools.plan import week
from tools.plan.model import format_interval
from tools.plan.render_markdown import COMMENT_LIMIT, cell, code

# Room left for what the workflow puts around the report (a heading, the run link).
DEFAULT_LIMIT = COMMENT_LIMIT - 1_536
DASH = "—"


@dataclass(frozen=True)
class Base:
    ref: str
    commit: str


@dataclass(frozen=True)
class Detail:
    """How much to draw; `render` lowers it until the report fits."""

    rows: int | None = None  # per table; None: all
    next_runs: int = 5
    chart_budget: int = week.CHART_BUDGET
    charts: bool = True


LEVELS = (
    Detail(),
    Detail(rows=50, next_runs=3, chart_budget=12_000),
    Detail(rows=20, next_runs=2, chart_budget=6_000),
    Detail(rows=10, next_runs=1, chart_budget=3_000),
    Detail(rows=5, next_runs=1, charts=False),
)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _head_status(head: Snapshot | None) -> str:
    if head is None:
        return "the change removes this stack"
    if head.error is not None:
        return "❌ head: configuration error"
    if head.mandatory:
        return f"❌ head: {_plural(head.mandatory, 'mandatory violation')}"
    return "✅ head: no mandatory violation"


def summary(diff: StackDiff) -> str:
    kinds: dict[str, int] = {}
    for p in diff.pipelines:
        kinds[p.change] = kinds.get(p.change, 0) + 1
    parts = [f"{n} {kind}" for kind, n in kinds.items()]
    pipelines = f"pipelines: {', '.join(parts)}" if parts else "no pipeline changed"
    verdicts = []
    if diff.new_verdicts:
        verdicts.append(_plural(len(diff.new_verdicts), "new verdict"))
    if diff.resolved_verdicts:
        verdicts.append(f"{len(diff.resolved_verdicts)} resolved")
    return "; ".join([pipelines, *verdicts])


def _runs(s: Schedule | None, n: int) -> str:
    if s is None:
        return DASH
    if not s.enabled:
        return "disabled"
    if not s.next_runs:
        return "never fires again"
    shown = [t.strftime("%Y-%m-%d %H:%M %a") for t in s.next_runs[:n]]
    more = " …" if len(s.next_runs) > n else ""
    return "<br>".join(shown) + more


def _figure(value: object) -> str:
    return DASH if value is None else str(value)


def _with_worst(s: Schedule | None, attr: str, fmt) -> str:
    """`2` or `2 (worst 3)`: the worst case only where the provider leaves behaviour undefined."""
    if s is None:
        return DASH
    nominal = fmt(getattr(s, attr))
    if not s.worst or s.worst.get(attr) is None:
        return nominal
    worst = fmt(s.worst[attr])
    return nominal if worst == nominal else f"{nominal} (worst {worst})"


def _schedule_table(change: ScheduleChange, detail: Detail) -> list[str]:
    b, a = change.before, change.after
    name = change.urn.rsplit("::", 1)[-1]
    rows = [
        f"**{cell(name)}** ({change.change})",
        "",
        "| | before | after |",
        "| --- | --- | --- |",
    ]

    def row(label: str, before: str, after: str, *, always: bool = True) -> None:
        if always or before != after:
            rows.append(f"| {label} | {before} | {after} |")

    def get(s: Schedule | None, attr: str, fmt=lambda v: cell(str(v))) -> str:
        return DASH if s is None else fmt(getattr(s, attr))

    row("expression", get(b, "expression", code), get(a, "expression", code))
    row("time zone", get(b, "timezone"), get(a, "timezone"))
    dialect_b, dialect_a = get(b, "dialect"), get(a, "dialect")
    row("dialect", dialect_b, dialect_a, always=dialect_b != "aws" or dialect_a != "aws")
    row("description", get(b, "description"), get(a, "description"))
    row("enabled", get(b, "enabled"), get(a, "enabled"), always=False)
    row("next runs (UTC)", _runs(b, detail.next_runs), _runs(a, detail.next_runs))
    row(
        "most runs in a day",
        _with_worst(b, "max_runs_per_day", _figure),
        _with_worst(a, "max_runs_per_day", _figure),
    )
    if any(s is not None and s.max_runs_per_24h is not None for s in (b, a)):
        row(
            "most runs in 24 h",
            _with_worst(b, "max_runs_per_24h", _figure),
            _with_worst(a, "max_runs_per_24h", _figure),
        )
    row(
        "shortest interval",
        _with_worst(b, "min_interval_minutes", format_interval),
        _with_worst(a, "min_interval_minutes", format_interval),
    )
    warned = a.warnings if a else ()
    if warned:
        row("warnings (after)", "", "<br>".join(cell(w) for w in warned))
    return [*rows, ""]


def _pipeline_detail(p: PipelineChange) -> str:
    parts = []
    scheds = list(p.schedules)
    if scheds:
        kinds = sorted({s.change for s in scheds})
        parts.append(f"{_plural(len(scheds), 'schedule')} {'/'.join(kinds)}")
    if p.resources_added:
        parts.append(f"+{len(p.resources_added)} resources")
    if p.resources_removed:
        parts.append(f"-{len(p.resources_removed)} resources")
    return ", ".join(parts) or DASH


def _capped(items: Sequence, rows: int | None) -> tuple[Sequence, str]:
    if rows is None or len(items) <= rows:
        return items, ""
    return items[:rows], f"*… and {len(items) - rows} more; `diff.json` has them all.*"


def _verdict_table(title: str, verdicts: Sequence[Verdict], rows: int | None) -> list[str]:
    if not verdicts:
        return []
    shown, note = _capped(verdicts, rows)
    out = [f"**{title}** ({len(verdicts)})", "", "| enforcement | policy | message | resource |"]
    out.append("| --- | --- | --- | --- |")
    for v in shown:
        level = f"**{v.enforcement}**" if v.blocking else v.enforcement
        urn = code(v.urn) if v.urn else "*(stack)*"
        out.append(f"| {level} | {code(v.policy)} | {cell(v.message)} | {urn} |")
    return [*out, *([note] if note else []), ""]


def _lanes(
    snapshot: Snapshot | None, names: set[str] | None, reference: datetime
) -> list[week.Lane]:
    if snapshot is None:
        return []
    scheds = [s for s in snapshot.schedules if names is None or s.pipeline in names]
    return list(week.lanes_of(scheds, reference))


def _chart(diff: StackDiff, reference: datetime, budget: int) -> tuple[str, str]:
    """Base and head on one UTC axis: a changed pipeline's two rows next to each other."""
    changed = {p.name for p in diff.pipelines}
    base_changed = {lane.title: lane for lane in _lanes(diff.base, changed, reference)}
    head_changed = {lane.title: lane for lane in _lanes(diff.head, changed, reference)}
    head_all = _lanes(diff.head, None, reference)
    rest = [lane for lane in head_all if lane.title not in changed]
    title = f"{diff.stack} - next 7 days, base and head (UTC)"

    def pair_rows() -> list[week.Row]:
        rows: list[week.Row] = []
        for p in diff.pipelines:
            b, h = base_changed.get(p.name), head_changed.get(p.name)
            label = f"{p.cloud} - {p.name}"
            rows.append(week.Row(f"base - {label}", week.bars(b.runs) if b else ()))
            rows.append(week.Row(f"head - {label}", week.bars(h.runs) if h else (), crit=True))
        return rows

    def candidates():
        yield (
            week.gantt(title, [*pair_rows(), *week.lane_rows(rest, "same - ")]),
            "",
        )
        for hours in (1, 3, 6, 24):
            yield (
                week.gantt(
                    title,
                    [*pair_rows(), *week.aggregate_rows(rest, reference, hours, "same - ")],
                ),
                f"Unchanged pipelines are counted per {hours} h, per cloud.",
            )
        base_all = _lanes(diff.base, None, reference)
        for hours in (1, 3, 6, 24):
            yield (
                week.gantt(
                    title,
                    [
                        *week.aggregate_rows(base_all, reference, hours, "base - "),
                        *week.aggregate_rows(head_all, reference, hours, "head - "),
                    ],
                ),
                f"Too many pipelines changed to draw one row each: runs are counted per "
                f"{hours} h, per cloud, for the base and the head.",
            )

    if not any(lane.runs for lane in [*base_changed.values(), *head_all]):
        return "", "No runs in the next 7 days, before or after."
    return week.fit(candidates(), budget)


def render_stack(diff: StackDiff, base: Base, reference: datetime, detail: Detail) -> str:
    against = f"against {code(base.ref)} ({code(base.commit[:12])})"
    if diff.status == "unchanged":
        head = diff.head
        assert head is not None
        return (
            f"**{code(diff.stack)}**: no change {against}: "
            f"{_plural(len(head.pipelines()), 'pipeline')}, "
            f"{_plural(len(head.resources), 'resource')}; {_head_status(head)}.\n"
        )
    out = [f"## 🕒 {code(diff.stack)}: schedule diff {against}", ""]
    out += [f"{_head_status(diff.head)} · {summary(diff)}", ""]
    for side, snap in (("base", diff.base), ("head", diff.head)):
        if snap is not None and snap.error is not None:
            out += [f"**The {side} could not be planned:**", "", "```text", snap.error, "```", ""]
    if diff.base is None:
        out += [f"*The stack does not exist {against}: everything in it is new.*", ""]
    if diff.head is None:
        out += ["*The change removes this stack: everything in it goes.*", ""]

    if diff.pipelines:
        shown, note = _capped(diff.pipelines, detail.rows)
        out += [
            "### Pipelines",
            "",
            "| pipeline | cloud | change | what |",
            "| --- | --- | --- | --- |",
        ]
        out += [
            f"| {code(p.name)} | {p.cloud} | {p.change} | {_pipeline_detail(p)} |" for p in shown
        ]
        out += [*([note] if note else []), ""]
        changes = [s for p in diff.pipelines for s in p.schedules]
        if changes:
            out += ["### Schedules: before and after", ""]
            shown_s, note_s = _capped(changes, detail.rows)
            for change in shown_s:
                out += _schedule_table(change, detail)
            out += [note_s, ""] if note_s else []

    if diff.new_verdicts or diff.resolved_verdicts:
        out += ["### Policy verdicts", ""]
        out += _verdict_table("New", diff.new_verdicts, detail.rows)
        out += _verdict_table("Resolved", diff.resolved_verdicts, detail.rows)

    if diff.resources_added or diff.resources_removed:
        types = sorted(
            {*diff.resources_added, *diff.resources_removed},
            key=lambda t: (-(diff.resources_added.get(t, 0) + diff.resources_removed.get(t, 0)), t),
        )
        shown_t, note_t = _capped(types, detail.rows)
        out += ["### Resources by type", "", "| type | added | removed |", "| --- | ---: | ---: |"]
        out += [
            f"| {code(t)} | {diff.resources_added.get(t, 0)} | {diff.resources_removed.get(t, 0)} |"
            for t in shown_t
        ]
        out += [*([note_t] if note_t else []), ""]

    if detail.charts and (diff.pipelines or diff.base is None):
        out += [
            "### A week at a glance (UTC)",
            "",
            f"Runs from `{week.iso(reference)}` for 7 days; a changed pipeline's base row sits "
            "above its head row (highlighted), on one axis with every cloud.",
            "",
        ]
        chart, note = _chart(diff, reference, detail.chart_budget)
        out += [chart] if chart else []
        out += [f"*{note}*", ""] if note else []
    return "\n".join(out) + "\n"


def render(
    diffs: Sequence[StackDiff], base: Base, reference: datetime, *, limit: int = DEFAULT_LIMIT
) -> str:
    """The whole report, at the most detail that fits `limit` characters."""
    text = ""
    for detail in LEVELS:
        text = _render(diffs, base, reference, detail)
        if len(text) <= limit:
            return text
    return text[: limit - 80] + "\n\n*(cut to fit a comment; `diff.json` has everything)*\n"


def _render(diffs: Sequence[StackDiff], base: Base, reference: datetime, detail: Detail) -> str:
    head = [
        f"# Schedule diff against {code(base.ref)}",
        "",
        f"Reference time `{week.iso(reference)}`; base commit `{base.commit[:12]}`, head: the "
        "working tree. Both sides are offline plans (Pulumi mocks and the policy pack of each "
        "side), not a diff against deployed state.",
        "",
        "",
    ]
    return "\n".join(head) + "\n".join(render_stack(d, base, reference, detail) for d in diffs)
