"""Terminal view with rich: tables and colour on a TTY, plain text otherwise or with NO_COLOR."""

from __future__ import annotations

import os
from typing import IO

from rich import box
from rich.console import Console, Group
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from tools.plan import week
from tools.plan.model import (
    NOT_CHECKED,
    StackPlan,
    TreeNode,
    component_tree,
    gap,
    runs_per_day,
    short_urn,
)
from tools.plan.render_json import iso_utc

ENFORCEMENT_STYLE = {"mandatory": "bold red", "advisory": "yellow", "remediate": "cyan"}
# Wide enough for URNs and the next-run tables when output goes to a file or a CI log.
PLAIN_WIDTH = 140


def make_console(file: IO[str], *, color: bool | None = None) -> Console:
    """A console for `file`. `color=None` decides like most CLIs: colour only on a TTY and only
    when NO_COLOR (https://no-color.org) is unset or empty."""
    is_tty = file.isatty()
    if color is None:
        color = is_tty and not os.environ.get("NO_COLOR")
    if color:
        return Console(file=file, force_terminal=True, highlight=False, emoji=False)
    width = int(os.environ.get("COLUMNS", "0") or 0) or PLAIN_WIDTH
    return Console(
        file=file,
        force_terminal=False,
        no_color=True,
        color_system=None,
        highlight=False,
        emoji=False,
        width=width,
        soft_wrap=False,
        legacy_windows=False,
    )


def _tree(plan: StackPlan, plain: bool) -> Tree:
    def label(r) -> Text:
        text = Text(r.name, style="" if plain or r.custom else "bold")
        text.append(f"  {r.type}", style="" if plain else "dim")
        if r.protect:
            text.append("  [protected]", style="" if plain else "magenta")
        return text

    def add(parent: Tree, node: TreeNode) -> None:
        branch = parent.add(label(node.resource))
        for child in node.children:
            add(branch, child)

    roots = component_tree(plan.resources)
    if len(roots) == 1:  # the stack resource: it is the root, no synthetic one above it
        tree = Tree(label(roots[0].resource))
        roots = roots[0].children
    else:
        tree = Tree(Text(f"{plan.project}-{plan.stack}", style="" if plain else "bold"))
    for node in roots:
        add(tree, node)
    return tree


def _verdicts(plan: StackPlan, plain: bool) -> Group | Text:
    """One block per verdict: level, policy and resource on a line, the message indented below
    at full width (a table column would squeeze the how-to-fix sentence into a narrow strip)."""
    if not plan.verdicts:
        return Text("Policy verdicts: none, every policy passed", style="" if plain else "green")
    blocks: list = [Text(f"Policy verdicts ({len(plan.verdicts)})", style="" if plain else "bold")]
    for v in plan.verdicts:
        head = Text("  ")
        head.append(
            v.enforcement.upper(), style="" if plain else ENFORCEMENT_STYLE.get(v.enforcement, "")
        )
        head.append(f"  {v.policy}", style="" if plain else "bold")
        head.append(f"  on {short_urn(v.urn)}")
        blocks += [head, Padding(Text(v.message), (0, 0, 0, 6))]
    return Group(*blocks)


def _schedules(plan: StackPlan, tbox: box.Box, plain: bool) -> Table:
    # Two-line cells keep the table readable in an 80-column terminal: the description column
    # is the one that wraps.
    table = Table(title="Schedules", box=tbox, title_justify="left", pad_edge=False)
    table.add_column("pipeline", no_wrap=True)
    table.add_column("schedule", no_wrap=True)
    table.add_column("description", min_width=12, ratio=1)
    table.add_column("max/day", justify="right", no_wrap=True)
    table.add_column("min gap", justify="right", no_wrap=True)
    dim = "" if plain else "dim"
    for s in plan.schedules:
        who = Text(s.pipeline)
        who.append(f"\n{s.trigger}", style=dim)
        when = Text(s.expression)
        when.append(f"\n{s.timezone}", style=dim)
        what = Text()
        if not s.enabled:
            what.append("(disabled) ", style="" if plain else "yellow")
        what.append(s.description)
        if s.never_fires:
            what.append(" (never fires again)", style="" if plain else "red")
        table.add_row(who, when, what, runs_per_day(s), gap(s))
    return table


def _next_runs(plan: StackPlan, tbox: box.Box, plain: bool) -> Table:
    table = Table(title="Next runs", box=tbox, title_justify="left", pad_edge=False)
    table.add_column("pipeline", no_wrap=True)
    table.add_column("UTC", no_wrap=True)
    table.add_column("local time", no_wrap=True)
    dim = "" if plain else "dim"
    for s in plan.schedules:
        if not s.next_runs:
            table.add_row(s.pipeline, "never fires again", "")
        for i, (utc, local) in enumerate(zip(s.next_runs, s.next_runs_local, strict=False)):
            label = {0: Text(s.pipeline), 1: Text(s.timezone, style=dim)}.get(i, Text(""))
            offset = local.strftime("%z")
            table.add_row(
                label,
                utc.strftime("%Y-%m-%d %H:%M %a"),
                local.strftime("%Y-%m-%d %H:%M %a ") + f"({offset[:3]}:{offset[3:]})",
            )
    return table


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_HEAT_STYLES = ("", "green", "yellow", "dark_orange", "bold red")


def _level(count: int, peak: int) -> int:
    """0 for no run; 1..4 in equal steps of the peak, so the busiest hour is always darkest."""
    if count == 0:
        return 0
    shades = len(week.HEAT_LEVELS) - 1
    return max(1, -(-count * shades // peak))


def heatmap(plan: StackPlan, plain: bool) -> Group:
    """Runs of the next 7 days by UTC weekday x hour: where the stack's load falls."""
    lanes = week.lanes_of(plan.schedules, plan.reference_time)
    group = heat_group(lanes, plain)
    busiest = week.busiest_line(plan.busiest_window)
    return Group(group, Text(f"    {busiest}")) if busiest else group


def heat_group(
    lanes, plain: bool, title: str = "Runs in the next 7 days by weekday x hour (UTC)"
) -> Group:
    grid = week.heat(lanes)
    peak = max(max(row) for row in grid)
    heading = Text(title, style="" if plain else "bold")
    if peak == 0:
        return Group(Text(title), Text("  no runs in the next 7 days"))
    header = Text("    ")
    for hour in range(0, 24, 3):
        header.append(f"{hour:02d}".ljust(9))
    lines: list = [heading, header]
    for day, row in enumerate(grid):
        line = Text(f"{_WEEKDAYS[day]} ")
        for count in row:
            level = _level(count, peak)
            line.append(week.HEAT_LEVELS[level] * 3, style="" if plain else _HEAT_STYLES[level])
        lines.append(line)
    ranges: dict[int, list[int]] = {}
    for count in range(1, peak + 1):
        ranges.setdefault(_level(count, peak), []).append(count)
    legend = "  ".join(
        f"{week.HEAT_LEVELS[lv]} {min(c)}" + (f"-{max(c)}" if max(c) > min(c) else "")
        for lv, c in sorted(ranges.items())
    )
    busiest_day, busiest_hour = max(
        ((d, h) for d in range(7) for h in range(24)), key=lambda dh: grid[dh[0]][dh[1]]
    )
    total = sum(map(sum, grid))
    lines.append(Text(f"    runs per hour: {legend}"))
    lines.append(
        Text(
            f"    {total} runs in the week; busiest hour {_WEEKDAYS[busiest_day]} "
            f"{busiest_hour:02d}:00 UTC ({peak} runs)"
        )
    )
    return Group(*lines)


def _resources(plan: StackPlan, tbox: box.Box, plain: bool) -> Group:
    counts = Table(title=f"Resources ({len(plan.resources)})", box=tbox, title_justify="left")
    counts.add_column("type")
    counts.add_column("count", justify="right")
    for type_, n in plan.resource_counts:
        counts.add_row(type_, str(n))
    return Group(counts, _tree(plan, plain))


def render_stack(plan: StackPlan, console: Console) -> None:
    plain = console.no_color
    tbox = box.SIMPLE_HEAD
    header = Text()
    header.append(f"Stack {plan.stack}", style="bold")
    header.append(
        f"  [{'OK' if plan.ok else 'FAIL'}]  ", style="bold green" if plan.ok else "bold red"
    )
    header.append(plan.verdict_summary)
    header.append(f"  (reference time {iso_utc(plan.reference_time)})")
    console.rule(header, style="" if plain else "blue")
    if plan.error is not None:
        console.print(Text("configuration error: ", style="bold red") + Text(plan.error))
        console.print()
        return
    console.print(_verdicts(plan, plain))
    if plan.schedules:
        console.print(_schedules(plan, tbox, plain))
        console.print(_next_runs(plan, tbox, plain))
        console.print(heatmap(plan, plain))
    else:
        console.print("Schedules: none")
    console.print(_resources(plan, tbox, plain))
    console.print()


def _summary(plans: tuple[StackPlan, ...], plain: bool) -> Table:
    """One line per stack at the end, where a long report is read first."""
    table = Table(title="Summary", box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    table.add_column("stack", no_wrap=True)
    table.add_column("status", no_wrap=True)
    for name in ("resources", "schedules", "mandatory", "other verdicts"):
        table.add_column(name, justify="right")
    for p in plans:
        status = Text("OK" if p.ok else "FAIL", style="" if plain else ("green" if p.ok else "red"))
        if p.error is not None:
            table.add_row(p.stack, status, "-", "-", "-", "configuration error")
            continue
        table.add_row(
            p.stack,
            status,
            str(len(p.resources)),
            str(len(p.schedules)),
            str(p.mandatory_count),
            str(len(p.verdicts) - p.mandatory_count),
        )
    return table


def render(plans: tuple[StackPlan, ...], console: Console) -> None:
    for plan in plans:
        render_stack(plan, console)
    plain = console.no_color
    console.print(Text("What this offline plan does not do:", style="" if plain else "bold"))
    for item in NOT_CHECKED:
        console.print(f"  - {escape(item)}")
    console.print(
        "  Run `make preview STACK=<stack>` (or `make up`) for the real pulumi preview/up with "
        "--policy-pack policies --policy-pack-config policies/config/<stack>.json, "
        "where the Pulumi CLI and AWS credentials exist."
    )
    if len(plans) > 1:
        console.print(_summary(plans, plain))
    ok = all(p.ok for p in plans)
    failed = [p.stack for p in plans if not p.ok]
    if ok:
        console.print(
            Text(
                f"plan OK: {len(plans)} stack(s), no mandatory violation",
                style="" if plain else "bold green",
            )
        )
    else:
        console.print(Text(f"plan FAILED: {', '.join(failed)}", style="" if plain else "bold red"))
