"""`make preview STACK=x` / `make up STACK=x`: the real Pulumi CLI with the policy pack.

The offline plan cannot diff against deployed state or let AWS validate inputs; this runs
`pulumi preview|up --stack x --policy-pack policies --policy-pack-config policies/config/x.json`
in `stacks/x`, where the CLI and credentials exist, after checking what it needs locally so a
missing piece gets a sentence instead of a Pulumi stack trace.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from tools.plan.cli import UsageError, available_stacks

EXIT_USAGE = 2
INSTALL_HINT = (
    "the Pulumi CLI is not installed (no `pulumi` on PATH). Install it with\n"
    "    curl -fsSL https://get.pulumi.com | sh      (or: brew install pulumi/tap/pulumi)\n"
    "or see https://www.pulumi.com/docs/install/, then log in to the state backend "
    "(`pulumi login`) and provide AWS credentials. Without the CLI, `make plan STACK={stack}` "
    "checks the same program and policy pack offline."
)


def command(
    action: str, stack: str, repo: Path, extra: Sequence[str] = ()
) -> tuple[list[str], Path]:
    """The argv and working directory of the real run; paths absolute so `cwd` cannot break them."""
    policies = (repo / "policies").resolve()
    argv = [
        "pulumi",
        action,
        "--stack",
        stack,
        "--policy-pack",
        str(policies),
        "--policy-pack-config",
        str(policies / "config" / f"{stack}.json"),
        *extra,
    ]
    return argv, (repo / "stacks" / stack).resolve()


def check(action: str, stack: str, repo: Path) -> None:
    if not stack:
        known = ", ".join(available_stacks(repo / "stacks"))
        raise UsageError(f"set STACK, e.g. `make {action} STACK=dev` (stacks: {known})")
    known_stacks = available_stacks(repo / "stacks")
    if stack not in known_stacks:
        raise UsageError(
            f"unknown stack {stack!r}: stacks/{stack}/Pulumi.{stack}.yaml does not exist "
            f"(stacks: {', '.join(known_stacks)})"
        )
    config = repo / "policies" / "config" / f"{stack}.json"
    if not config.is_file():
        raise UsageError(f"stack {stack!r} has no policy config: expected {config}")
    if shutil.which("pulumi") is None:
        raise UsageError(INSTALL_HINT.format(stack=stack))


def main(
    argv: Sequence[str] | None = None, *, repo: Path = Path("."), stderr: IO[str] | None = None
) -> int:
    stderr = stderr or sys.stderr
    parser = argparse.ArgumentParser(
        prog="python -m tools.plan.pulumi_cli",
        description="Run the real `pulumi preview|up` of a stack with the policy pack.",
    )
    parser.add_argument("action", choices=("preview", "up"))
    parser.add_argument("--stack", default="")
    # Anything else (e.g. `--yes`, `--diff`, after an optional `--`) goes to pulumi unchanged.
    args, extra = parser.parse_known_args(argv)
    extra = [a for a in extra if a != "--"]
    try:
        check(args.action, args.stack.strip(), repo)
    except UsageError as error:
        stderr.write(f"{args.action}: error: {error}\n")
        return EXIT_USAGE
    cmd, cwd = command(args.action, args.stack.strip(), repo, extra)
    stderr.write(f"+ (cd {cwd} && {' '.join(cmd)})\n")
    return subprocess.run(cmd, cwd=cwd, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
