"""Which clouds a stack's pipelines use, as GitHub step outputs (`aws=true`, `azure=false`, ...).

Workflows sign in to a cloud only for stacks that deploy to it: a stack without Azure pipelines
never asks Entra ID for a token. Reads `mlsched:pipelines` the way the CLI would (no Pulumi).

    python -m tools.stack_clouds dev >> "$GITHUB_OUTPUT"
"""

from __future__ import annotations

import sys
from pathlib import Path

from modules.config import CLOUDS, DEFAULT_CLOUD
from modules.stackfile import read_project, read_stack

STACKS_DIR = Path(__file__).resolve().parents[1] / "stacks"


def clouds(stack: str, stacks_dir: Path = STACKS_DIR) -> dict[str, bool]:
    stack_dir = stacks_dir / stack
    project = read_project(stack_dir).name
    entries = read_stack(stack_dir, stack, project).config.get(f"{project}:pipelines") or []
    used = {entry.get("cloud", DEFAULT_CLOUD) for entry in entries if isinstance(entry, dict)}
    return {cloud: cloud in used for cloud in CLOUDS}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m tools.stack_clouds <stack>", file=sys.stderr)
        return 2
    for cloud, used in clouds(args[0]).items():
        print(f"{cloud}={'true' if used else 'false'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
