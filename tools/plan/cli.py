"""`python -m tools.plan`: the offline plan of one or more stacks.

Exit status: 0 when no stack has a mandatory policy violation, 1 when any has, 2 on a usage or
configuration error (a message, never a traceback).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from tools.plan import render_json, render_markdown
from tools.plan.model import StackPlan

EXIT_OK, EXIT_VIOLATION, EXIT_USAGE = 0, 1, 2
# Promotion order; any other stack folder follows alphabetically.
PROMOTION_ORDER = ("dev", "staging", "prod")


class UsageError(Exception):
    """A bad command line or repository layout; the message says what to fix."""


@dataclass(frozen=True)
class Request:
    stacks: tuple[str, ...]
    reference: datetime
    stacks_dir: Path
    policy_pack: Path
    policy_config_dir: Path
    out: Path | None
    fmt: str
    color: bool | None
    policies: bool
    # The pack's process, started before the heavy imports (tools.pack_process.spawn).
    pack_process: Any = field(default=None, compare=False, repr=False)
    # This process is the command's own (not a test calling main()): its heap may be frozen.
    owns_process: bool = field(default=False, compare=False)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse exits 2 too; keep its usage line, add our prefix
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"plan: error: {message}\n")


def build_parser(prog: str = "python -m tools.plan") -> argparse.ArgumentParser:
    p = _Parser(
        prog=prog,
        description=(
            "Offline plan: run each stack's program under Pulumi mocks, judge the resources with "
            "the policy pack over its analyzer protocol, and report resources, schedules and "
            "verdicts. No Pulumi CLI, no AWS account, nothing deployed or read from the cloud."
        ),
        epilog="Exit status: 0 no mandatory violation, 1 a mandatory violation, 2 usage or "
        "configuration error.",
    )
    p.add_argument(
        "--stack",
        action="append",
        default=[],
        metavar="NAME",
        help="stack to plan (repeatable; default: every folder under --stacks-dir)",
    )
    p.add_argument(
        "--at",
        metavar="TIME",
        help="reference time for next runs, ISO 8601, e.g. 2026-01-01T00:00:00Z "
        "(default: now; a time without offset is UTC)",
    )
    p.add_argument(
        "--out",
        metavar="DIR",
        type=Path,
        help="write <stack>.md and <stack>.json into DIR",
    )
    p.add_argument(
        "--format",
        choices=("terminal", "markdown", "json", "none"),
        default="terminal",
        help="what to print on stdout (default: terminal)",
    )
    p.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour in the terminal view (auto: only on a TTY and without NO_COLOR)",
    )
    p.add_argument("--stacks-dir", type=Path, default=Path("stacks"), metavar="DIR")
    p.add_argument("--policy-pack", type=Path, default=Path("policies"), metavar="DIR")
    p.add_argument(
        "--policy-config-dir",
        type=Path,
        metavar="DIR",
        help="folder of <stack>.json policy configs (default: <policy-pack>/config)",
    )
    p.add_argument(
        "--no-policies",
        action="store_true",
        help="skip the policy pack (resources and schedules only; the plan is then not a verdict)",
    )
    return p


# The schedule engine's calendar (AWS cron years end with 2199; runs are counted from 1970).
REFERENCE_RANGE = (datetime(1970, 1, 1, tzinfo=UTC), datetime(2199, 12, 31, 23, 59, tzinfo=UTC))


def parse_reference(text: str | None, now: Callable[[], datetime]) -> datetime:
    if text is None or text == "":
        return now().astimezone(UTC).replace(second=0, microsecond=0)
    example = "use e.g. 2026-01-01T00:00:00Z"
    if not text.strip().isascii():
        raise UsageError(f"--at/AT {text!r} is not an ISO 8601 time (ASCII digits); {example}")
    try:
        moment = datetime.fromisoformat(text.strip())
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except ValueError:
        raise UsageError(f"--at/AT {text!r} is not an ISO 8601 time; {example}") from None
    except OverflowError:
        moment = None
    low, high = REFERENCE_RANGE
    if moment is None or not low <= moment <= high:
        raise UsageError(
            f"--at/AT {text!r} is outside the calendar the plan covers "
            f"({low:%Y-%m-%d} to {high:%Y-%m-%d} UTC); {example}"
        )
    return moment


def available_stacks(stacks_dir: Path) -> tuple[str, ...]:
    if not stacks_dir.is_dir():
        raise UsageError(f"stacks folder {stacks_dir} does not exist; run from the repository root")
    names = [
        d.name
        for d in stacks_dir.iterdir()
        if d.is_dir() and (d / f"Pulumi.{d.name}.yaml").is_file()
    ]
    rank = {name: i for i, name in enumerate(PROMOTION_ORDER)}
    return tuple(sorted(names, key=lambda n: (rank.get(n, len(rank)), n)))


def resolve_stacks(requested: Sequence[str], stacks_dir: Path) -> tuple[str, ...]:
    found = available_stacks(stacks_dir)
    if not requested:
        if not found:
            raise UsageError(
                f"no stack found under {stacks_dir}: expected <name>/Pulumi.<name>.yaml folders"
            )
        return found
    chosen: list[str] = []
    for name in requested:
        for single in filter(None, (s.strip() for s in name.split(","))):
            if single not in found:
                folder = stacks_dir / single
                detail = (
                    f"{folder}/Pulumi.{single}.yaml is missing"
                    if folder.is_dir()
                    else f"there is no folder {folder}"
                )
                raise UsageError(
                    f"unknown stack {single!r}: {detail}; "
                    f"known stacks: {', '.join(found) or 'none'}"
                )
            if single not in chosen:
                chosen.append(single)
    return tuple(chosen)


def make_request(args: argparse.Namespace, now: Callable[[], datetime]) -> Request:
    reference = parse_reference(args.at, now)
    stacks = resolve_stacks(args.stack, args.stacks_dir)
    config_dir = args.policy_config_dir or args.policy_pack / "config"
    if not args.no_policies:
        if not (args.policy_pack / "PulumiPolicy.yaml").is_file():
            raise UsageError(
                f"no policy pack at {args.policy_pack} (PulumiPolicy.yaml missing); "
                "pass --policy-pack DIR or --no-policies"
            )
        for stack in stacks:
            if not (config_dir / f"{stack}.json").is_file():
                expected = config_dir / f"{stack}.json"
                raise UsageError(f"stack {stack!r} has no policy config: expected {expected}")
    color = {"auto": None, "always": True, "never": False}[args.color]
    return Request(
        stacks=stacks,
        reference=reference,
        stacks_dir=args.stacks_dir,
        policy_pack=args.policy_pack,
        policy_config_dir=config_dir,
        out=args.out,
        fmt=args.format,
        color=color,
        policies=not args.no_policies,
    )


def write_reports(plans: Sequence[StackPlan], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for plan in plans:
        (out / f"{plan.stack}.md").write_text(render_markdown.render_stack(plan), encoding="utf-8")
        document = render_json.dumps(render_json.stack_document(plan))
        (out / f"{plan.stack}.json").write_text(document, encoding="utf-8")


def emit(plans: tuple[StackPlan, ...], fmt: str, color: bool | None, stdout: IO[str]) -> None:
    if fmt == "terminal":
        from tools.plan import render_terminal  # rich costs a noticeable share of start-up

        render_terminal.render(plans, render_terminal.make_console(stdout, color=color))
    elif fmt == "markdown":
        stdout.write(render_markdown.render(plans))
    elif fmt == "json":
        stdout.write(render_json.dumps(render_json.plan_document(plans)))


def exit_status(plans: Sequence[StackPlan]) -> int:
    if any(p.error is not None for p in plans):
        return EXIT_USAGE
    return EXIT_OK if all(p.ok for p in plans) else EXIT_VIOLATION


Planner = Callable[[Request], tuple[StackPlan, ...]]


def main(
    argv: Sequence[str] | None = None,
    *,
    planner: Planner | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    prog: str = "python -m tools.plan",
    owns_process: bool | None = None,
) -> int:
    """`owns_process` (default: `argv is None`, i.e. run as the command) lets the plan freeze
    the heap at exit, see `finish`."""
    owns = argv is None if owns_process is None else owns_process
    code = _main(
        argv,
        planner=planner,
        stdout=stdout or sys.stdout,
        stderr=stderr or sys.stderr,
        now=now,
        prog=prog,
        owns=owns,
    )
    if owns:
        finish()
    return code


def finish() -> None:
    """Called last by a process that ends with the command.

    At exit the interpreter collects the whole heap, and pulumi's provider modules make it about
    a million objects: 0.6 s of CPU at the end of every plan (the floor of `make bench-plan`
    pays it too), for garbage no one waits for. Frozen objects are skipped by that collection;
    they are still released as the interpreter tears its modules down.
    """
    sys.stdout.flush()
    gc.freeze()


def _main(
    argv: Sequence[str] | None,
    *,
    planner: Planner | None,
    stdout: IO[str],
    stderr: IO[str],
    now: Callable[[], datetime],
    prog: str,
    owns: bool,
) -> int:
    try:
        args = build_parser(prog).parse_args(argv)
    except SystemExit as exit_:  # --help (0) or a usage error (2), already printed by argparse
        return int(exit_.code or 0)
    early = None
    try:
        request = replace(make_request(args, now), owns_process=owns)
        if planner is None:
            if request.policies:
                # Start the pack first: its interpreter boots on the other core while this one
                # imports pulumi and the providers (the runner adopts the process).
                from tools.pack_process import spawn

                early = spawn(request.policy_pack, stack=request.stacks[0])
                request = replace(request, pack_process=early)
            from tools.plan.runner import plan_stacks as planner
        plans = planner(request)
    except UsageError as error:
        stderr.write(f"plan: error: {error}\n")
        return EXIT_USAGE
    finally:
        if early is not None and early.poll() is None:
            # Adopted and closed by the runner unless planning failed before it could.
            with contextlib.suppress(ProcessLookupError):
                early.kill()
            early.wait()
    if request.out is not None:
        write_reports(plans, request.out)
    emit(plans, request.fmt, request.color, stdout)
    for plan in plans:
        if plan.error is not None:
            # The modules' messages already name the stack; say it only when they do not.
            named = f"'{plan.stack}'" in plan.error or f"stack {plan.stack}" in plan.error
            where = "" if named else f"stack {plan.stack}: "
            stderr.write(f"plan: error: {where}{plan.error}\n")
    if not request.policies:
        stderr.write("plan: policies skipped (--no-policies): no verdict was computed\n")
    return exit_status(plans)
