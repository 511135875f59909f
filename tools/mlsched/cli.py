"""`mlsched SUBCOMMAND ...`: one entry point for the developer tools.

Each subcommand keeps its own parser, help and exit status; this module only dispatches, and
imports a subcommand's code only when it runs (the plan's start-up time is measured against a
floor, and `mlsched explain` must not pay for pulumi).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

EXIT_USAGE = 2


# Each takes the subcommand's arguments and whether this process is the command's own (argv
# read from sys.argv) rather than a test calling main().
def _plan(argv: Sequence[str], owns_process: bool) -> int:
    from tools.plan.cli import main

    return main(argv, prog="mlsched plan", owns_process=owns_process)


def _explain(argv: Sequence[str], _owns_process: bool) -> int:
    from tools.mlsched.explain import main

    return main(argv)


def _diff(argv: Sequence[str], _owns_process: bool) -> int:
    from tools.diff.cli import main

    return main(argv)


COMMANDS: dict[str, tuple[str, Callable[[Sequence[str], bool], int]]] = {
    "plan": ("offline plan of the stacks: resources, calendar, policy verdicts", _plan),
    "explain": ("explain one schedule expression in any dialect", _explain),
    "diff": ("what a change does to the schedules, against a base git ref", _diff),
}


def _version() -> str:
    # importlib.metadata and difflib are imported where used: together they cost 45 ms of the
    # plan's start-up, before it can start the policy pack.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mlsched")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def usage() -> str:
    width = max(len(name) for name in COMMANDS)
    lines = [
        "usage: mlsched [--version] COMMAND [ARGS...]",
        "",
        "Schedules of ML pipelines, reviewed like code. Commands:",
        "",
        *(f"  {name:<{width}}  {text}" for name, (text, _) in COMMANDS.items()),
        "",
        "`mlsched COMMAND --help` describes each one.",
        "Exit status: 0 fine, 1 a mandatory policy violation (plan, diff), 2 bad input.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        sys.stderr.write(usage())
        return EXIT_USAGE
    head, rest = args[0], args[1:]
    if head in ("-h", "--help", "help"):
        sys.stdout.write(usage())
        return 0
    if head == "--version":
        sys.stdout.write(f"mlsched {_version()}\n")
        return 0
    if head not in COMMANDS:
        import difflib

        close = difflib.get_close_matches(head, COMMANDS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        sys.stderr.write(
            f"mlsched: error: unknown command {head!r}{hint} (commands: {', '.join(COMMANDS)})\n"
        )
        return EXIT_USAGE
    return COMMANDS[head][1](rest, argv is None)
