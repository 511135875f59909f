"""`mlsched diff --base REF`: plan the base and the working tree, and say what changes in time.

Exit status like `mlsched plan`: 0 the head has no mandatory violation, 1 it has one, 2 bad input
(an unknown ref, an unknown stack, a head that cannot be planned), always with a message.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from tools.diff import compare, render_json, render_markdown, snapshot, worktree
from tools.diff.run import PlanResult, run_plans
from tools.plan.cli import UsageError, available_stacks, parse_reference
from tools.plan.week import iso

EXIT_OK, EXIT_VIOLATION, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"diff: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="mlsched diff",
        description=(
            "Plan the base ref (a temporary git worktree, removed afterwards) and the working "
            "tree, and report per stack: pipelines added, removed and changed; each changed "
            "schedule before and after (expression, description, next runs, runs per day and "
            "per 24 h, shortest interval); new and resolved policy verdicts; resources added "
            "and removed by type; and the next 7 days of runs of both as a Mermaid chart."
        ),
        epilog="Exit status: 0 the head has no mandatory violation, 1 it has one, 2 bad input.",
    )
    p.add_argument(
        "--base", required=True, metavar="REF", help="git ref to compare with, e.g. origin/main"
    )
    p.add_argument(
        "--stack",
        action="append",
        default=[],
        metavar="NAME",
        help="stack to compare (repeatable or comma-separated; default: every stack of "
        "either side)",
    )
    p.add_argument("--at", metavar="TIME", help="reference time, ISO 8601 (default: now)")
    p.add_argument(
        "--format",
        choices=("terminal", "markdown", "json", "none"),
        default="terminal",
        help="what to print on stdout (default: terminal)",
    )
    p.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="write diff.md, diff.json and the head's plan reports (plan/<stack>.md, .json)",
    )
    p.add_argument(
        "--limit",
        type=int,
        default=render_markdown.DEFAULT_LIMIT,
        metavar="CHARS",
        help=f"most characters of Markdown (default {render_markdown.DEFAULT_LIMIT}: a "
        "GitHub comment holds 65,536)",
    )
    p.add_argument("--no-policies", action="store_true", help="skip the policy pack on both sides")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    return p


def _stacks(requested: Sequence[str], head_root: Path, base_root: Path) -> tuple[list, list, list]:
    head = list(available_stacks(head_root / "stacks")) if (head_root / "stacks").is_dir() else []
    base = list(available_stacks(base_root / "stacks")) if (base_root / "stacks").is_dir() else []
    names = [s.strip() for item in requested for s in item.split(",") if s.strip()]
    if not names:
        names = [*head, *(s for s in base if s not in head)]
    unknown = [n for n in names if n not in head and n not in base]
    if unknown:
        known = ", ".join(dict.fromkeys([*head, *base])) or "none"
        raise UsageError(
            f"unknown stack {unknown[0]!r}: neither the working tree nor the base has "
            f"stacks/{unknown[0]}/Pulumi.{unknown[0]}.yaml; known stacks: {known}"
        )
    names = list(dict.fromkeys(names))
    return names, [n for n in names if n in head], [n for n in names if n in base]


def _base_error(result: PlanResult | None, stacks: Sequence[str]) -> dict[str, str]:
    """Why the base produced no document, per stack (a base too old for this plan, say)."""
    if result is None or result.document is not None:
        return {}
    tail = " ".join(result.stderr.strip().splitlines()[-3:]) or f"exit status {result.code}"
    return dict.fromkeys(stacks, f"the base's plan failed: {tail}")


def _snapshots(result: PlanResult | None, reference: datetime) -> dict[str, snapshot.Snapshot]:
    if result is None or result.document is None:
        return {}
    return snapshot.stacks_of(result.document, reference)


def _terminal(diffs, base, reference, stdout: IO[str], color: bool | None) -> None:
    from rich.markdown import Markdown

    from tools.plan.render_terminal import heat_group, make_console
    from tools.plan.week import lanes_of

    console = make_console(stdout, color=color)
    detail = render_markdown.Detail(charts=False)
    text = render_markdown._render(diffs, base, reference, detail)
    console.print(Markdown(text))
    plain = console.no_color
    for d in diffs:
        if d.status in ("unchanged", "error"):
            continue
        for side, snap in (("base", d.base), ("head", d.head)):
            if snap is not None:
                title = f"{d.stack} {side}: runs in the next 7 days by weekday x hour (UTC)"
                console.print(heat_group(lanes_of(snap.schedules, reference), plain, title))


def diff(
    args: argparse.Namespace, cwd: Path, now: Callable[[], datetime]
) -> tuple[list[compare.StackDiff], render_markdown.Base, datetime, PlanResult | None]:
    reference = parse_reference(args.at, now)
    repo = worktree.repo_root(cwd)
    commit = worktree.resolve(repo, args.base)
    with worktree.checkout(repo, commit) as base_root:
        if not (base_root / "tools" / "plan").is_dir():
            raise UsageError(
                f"the base {args.base} ({commit[:12]}) predates the offline plan "
                "(no tools/plan); compare with a newer base"
            )
        names, head_stacks, base_stacks = _stacks(args.stack, repo, base_root)
        head_out = args.out / "plan" if args.out is not None else None
        base_result, head_result = run_plans(
            [(base_root, base_stacks, None), (repo, head_stacks, head_out)],
            iso(reference),
            policies=not args.no_policies,
        )
    if head_result is not None and head_result.document is None:
        raise UsageError(
            "the working tree could not be planned: "
            + (head_result.stderr.strip() or f"exit status {head_result.code}")
        )
    base_snaps = _snapshots(base_result, reference)
    for stack, message in _base_error(base_result, base_stacks).items():
        base_snaps[stack] = snapshot.Snapshot(stack, False, message, 0)
    head_snaps = _snapshots(head_result, reference)
    diffs = [compare.compare(s, base_snaps.get(s), head_snaps.get(s)) for s in names]
    return diffs, render_markdown.Base(args.base, commit), reference, head_result


def exit_status(diffs: Sequence[compare.StackDiff], head: PlanResult | None) -> int:
    if head is not None and head.code == EXIT_USAGE:
        return EXIT_USAGE
    if any(d.head is not None and d.head.error is not None for d in diffs):
        return EXIT_USAGE
    return EXIT_VIOLATION if any(d.head_blocks for d in diffs) else EXIT_OK


def _interrupt(signum: int, _frame: Any) -> None:
    # SIGTERM (a cancelled CI job) unwinds like Ctrl-C, so the worktree is removed.
    raise KeyboardInterrupt(f"signal {signum}")


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    cwd: Path | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    previous = None
    try:
        previous = signal.signal(signal.SIGTERM, _interrupt)
    except ValueError:  # not the main thread (tests); Ctrl-C still unwinds
        previous = None
    try:
        diffs, base, reference, head = diff(args, cwd or Path.cwd(), now)
    except (UsageError, worktree.WorktreeError) as error:
        stderr.write(f"diff: error: {error}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        stderr.write("diff: interrupted; the base worktree was removed\n")
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    markdown = render_markdown.render(diffs, base, reference, limit=args.limit)
    document = render_json.document(diffs, base, reference)
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "diff.md").write_text(markdown, encoding="utf-8")
        (args.out / "diff.json").write_text(render_json.dumps(document), encoding="utf-8")
    if args.format == "markdown":
        stdout.write(markdown)
    elif args.format == "json":
        stdout.write(render_json.dumps(document))
    elif args.format == "terminal":
        color = {"auto": None, "always": True, "never": False}[args.color]
        _terminal(diffs, base, reference, stdout, color)
    for d in diffs:
        if d.head is not None and d.head.error is not None:
            stderr.write(f"diff: error: stack {d.stack}: {d.head.error}\n")
    return exit_status(diffs, head)
