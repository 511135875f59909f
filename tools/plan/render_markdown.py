"""Markdown report for a pull-request comment or a job summary: verdicts first, details folded."""

from __future__ import annotations

import re

from tools.plan import week
from tools.plan.model import NOT_CHECKED, StackPlan, TreeNode, component_tree, gap, runs_per_day
from tools.plan.render_json import iso_utc

# Characters GitHub-flavoured Markdown would interpret inside a table cell.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#~])")


def cell(text: str) -> str:
    """Escape one table cell: Markdown specials escaped, newlines as <br>."""
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\r\n", "\n").replace("\n", "<br>")


def code(text: str) -> str:
    """Inline code that survives backticks and pipes in the value (a table cell ends at `|`)."""
    text = text.replace("|", "\\|").replace("\n", " ")
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _tree_lines(nodes: tuple[TreeNode, ...], depth: int = 0) -> list[str]:
    lines = []
    for node in nodes:
        r = node.resource
        flag = " 🔒 protected" if r.protect else ""
        kind = "" if r.custom else " *(component)*"
        lines.append(f"{'  ' * depth}- {code(r.name)} {code(r.type)}{kind}{flag}")
        lines.extend(_tree_lines(node.children, depth + 1))
    return lines


# GitHub rejects an issue or pull-request comment longer than 65,536 characters.
COMMENT_LIMIT = 65_536


def render_stack(
    plan: StackPlan, *, limit: int | None = COMMENT_LIMIT, chart_budget: int = week.CHART_BUDGET
) -> str:
    """The stack's report; above `limit` characters the folded details (next runs, resource
    tree) are left out, with a note, so the verdicts, the schedule table and the week still fit."""
    lanes = week.lanes_of(plan.schedules, plan.reference_time) if plan.schedules else ()
    full = _render_stack(plan, details=True, lanes=lanes, chart_budget=chart_budget)
    if limit is None or len(full) <= limit:
        return full
    short = _render_stack(plan, details=False, lanes=lanes, chart_budget=chart_budget)
    if len(short) <= limit:
        return short
    # Thousands of schedules: the table keeps its first rows, and says how many it left out.
    rows = max(0, len(plan.schedules) * (limit - 4_000) // len(short))
    return _render_stack(plan, details=False, lanes=lanes, chart_budget=chart_budget, max_rows=rows)


def _render_stack(
    plan: StackPlan,
    *,
    details: bool,
    lanes: tuple[week.Lane, ...] = (),
    chart_budget: int,
    max_rows: int | None = None,
) -> str:
    mark = "✅" if plan.ok else "❌"
    out = [
        f"## {mark} Offline plan of `{plan.stack}`: {plan.verdict_summary}",
        "",
        f"Project `{plan.project}`, reference time `{iso_utc(plan.reference_time)}`.",
        "",
    ]
    if plan.error is not None:
        out += ["**Configuration error**, the stack could not be planned:", "", "```text"]
        out += [plan.error, "```", ""]
        out += _footer(plan)
        return "\n".join(out)

    out += ["### Policy verdicts", ""]
    if plan.verdicts:
        out += ["| enforcement | policy | message | resource |", "| --- | --- | --- | --- |"]
        for v in plan.verdicts:
            level = f"**{v.enforcement}**" if v.blocking else v.enforcement
            urn = code(v.urn) if v.urn else "*(stack)*"
            out.append(f"| {level} | {code(v.policy)} | {cell(v.message)} | {urn} |")
    else:
        out.append("No policy violations.")
    out.append("")

    out += ["### Schedules", ""]
    if plan.schedules:
        out += [
            "| pipeline | trigger | expression | time zone | description "
            "| max runs/day | shortest interval | next run (UTC) |",
            "| --- | --- | --- | --- | --- | ---: | ---: | --- |",
        ]
        shown = plan.schedules if max_rows is None else plan.schedules[:max_rows]
        for s in shown:
            trigger = s.trigger if s.enabled else f"{s.trigger} (disabled)"
            nxt = iso_utc(s.next_runs[0]) if s.next_runs else "never fires again"
            out.append(
                f"| {code(s.pipeline)} | {trigger} | {code(s.expression)} | {cell(s.timezone)} "
                f"| {cell(s.description)} | {runs_per_day(s)} | {gap(s)} | {nxt} |"
            )
        if len(shown) < len(plan.schedules):
            left = len(plan.schedules) - len(shown)
            out += ["", f"*… and {left} more schedules, left out to fit a comment.*"]
        out.append("")
        title = f"{plan.stack} - next 7 days of runs (UTC)"
        out += week.week_section(
            title,
            lanes,
            plan.reference_time,
            chart_budget,
            plan.busiest_window,
        )
    else:
        out += ["No schedules.", ""]
    if plan.schedules and details:
        out += ["<details><summary>Next 5 runs of each schedule</summary>", ""]
        for s in plan.schedules:
            out += [f"**{cell(s.pipeline)}** {code(s.expression)} ({cell(s.timezone)})", ""]
            if not s.next_runs:
                out += ["Never fires again.", ""]
                continue
            out += ["| # | UTC | local |", "| ---: | --- | --- |"]
            for i, (utc, local) in enumerate(zip(s.next_runs, s.next_runs_local, strict=False)):
                out.append(
                    f"| {i + 1} | {utc.strftime('%Y-%m-%d %H:%M %a')} "
                    f"| {local.strftime('%Y-%m-%d %H:%M %a')} {cell(s.timezone)} |"
                )
            out.append("")
        out += ["</details>", ""]

    if not details:
        out += [
            f"*Next runs and the {len(plan.resources)} resources are left out to fit a "
            f"pull-request comment; `{plan.stack}.json` has them all.*",
            "",
        ]
        out += _footer(plan)
        return "\n".join(out)
    out += [f"<details><summary>Resources ({len(plan.resources)})</summary>", ""]
    out += ["| type | count |", "| --- | ---: |"]
    out += [f"| {code(t)} | {n} |" for t, n in plan.resource_counts]
    out += ["", "Component tree:", ""]
    out += _tree_lines(component_tree(plan.resources))
    out += ["", "</details>", ""]
    out += _footer(plan)
    return "\n".join(out)


def _footer(plan: StackPlan) -> list[str]:
    lines = ["> [!NOTE]", "> This offline plan does **not** do everything `pulumi preview` does:"]
    lines += [f"> - {item}" for item in NOT_CHECKED]
    lines += [
        "> ",
        f"> `make preview STACK={plan.stack}` runs the real `{plan.preview_command}` "
        "where the Pulumi CLI and AWS credentials exist.",
        "",
    ]
    return lines


def render(plans: tuple[StackPlan, ...]) -> str:
    return "\n".join(render_stack(p) for p in plans)
