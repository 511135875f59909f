"""Map the paths a pull request changes to the stacks whose cloud preview those changes can alter.

The preview workflow turns the result into its job matrix, so a pull request that only edits
`stacks/prod/Pulumi.prod.yaml` previews prod alone, while a change to shared code previews all.

Rules, first match wins (a rename counts both its old and its new path):

| path | stacks |
| --- | --- |
| `stacks/<stack>/**`, `policies/config/<stack>.json` | that stack |
| `stacks/<other>/**`, `policies/config/<other>.json` | error: the workflows do not know the stack |
| `modules/**`, `policies/**`, `pipelines/**`, `stacks/<file>` | all |
| `pyproject.toml`, `uv.lock`, `Makefile`, `.python-version` | all |
| `.github/workflows/**`, `.github/actions/**` | all: a changed workflow proves itself everywhere |
| `tools/**`, `tests/**`, `docs/**`, `.ci/**`, other `.github/**`, top-level docs | none |
| anything else | all, because an unknown path may be imported by a stack program |

`tools/**` maps to no stack: nothing under it runs inside `pulumi preview` (the offline plan, the
mock runner and this script are exercised by the checks workflow instead).

Usage:
    python -m tools.affected_stacks --base HEAD^1 --head HEAD   # diff two commits with git
    python -m tools.affected_stacks PATH...                     # classify the given paths
    git diff --name-only A B | python -m tools.affected_stacks -

Exit status: 0 on success, 2 when an input cannot be classified or git fails (message on stderr).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

# The workflows name these stacks explicitly (deploy jobs, drift matrix); keep them in step.
STACKS: tuple[str, ...] = ("dev", "staging", "prod")

ALL_PREFIXES: tuple[str, ...] = (
    "modules/",
    "policies/",
    "pipelines/",
    ".github/workflows/",
    ".github/actions/",
)
ALL_FILES: frozenset[str] = frozenset({"pyproject.toml", "uv.lock", "Makefile", ".python-version"})
NO_STACK_PREFIXES: tuple[str, ...] = ("tools/", "tests/", "docs/", ".ci/", ".github/")
NO_STACK_FILES: frozenset[str] = frozenset(
    {"README.md", "LICENSE", "CONTRIBUTING.md", "CHANGELOG.md", "SECURITY.md", ".gitignore"}
)


class AffectedStacksError(ValueError):
    """An input the script refuses to guess about; the message says how to fix it."""


@dataclass(frozen=True)
class Decision:
    path: str
    stacks: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Result:
    stacks: tuple[str, ...]  # in promotion order, dev first
    decisions: tuple[Decision, ...]


def normalize(path: str) -> str:
    """Return `path` as a clean repository-relative POSIX path, or raise for anything else."""
    raw = path.strip()
    if not raw:
        raise AffectedStacksError("an empty path was given; pass repository-relative file paths")
    if raw.startswith("/") or "\\" in raw:
        raise AffectedStacksError(
            f"path {raw!r} is not a repository-relative POSIX path (like 'stacks/dev/__main__.py')"
        )
    parts = [p for p in PurePosixPath(raw).parts if p != "."]
    if ".." in parts:
        raise AffectedStacksError(f"path {raw!r} leaves the repository ('..' is not allowed)")
    if not parts:
        raise AffectedStacksError(f"path {raw!r} names the repository root, not a file")
    return "/".join(parts)


def _unknown_stack(path: str, stack: str) -> AffectedStacksError:
    return AffectedStacksError(
        f"{path} belongs to stack {stack!r}, which the workflows do not know "
        f"(known: {', '.join(STACKS)}). A new or renamed stack also needs its name in "
        "tools/affected_stacks.py STACKS and its jobs in .github/workflows/deploy.yml and "
        "drift.yml, plus its GitHub environment and AWS roles (see README, section CI)."
    )


def classify(path: str) -> Decision:
    """Decide which stacks one changed path can affect."""
    clean = normalize(path)
    parts = clean.split("/")
    if parts[0] == "stacks":
        if len(parts) <= 2:
            return Decision(clean, STACKS, "shared file under stacks/")
        if parts[1] in STACKS:
            return Decision(clean, (parts[1],), f"program or config of stack {parts[1]}")
        raise _unknown_stack(clean, parts[1])
    if len(parts) == 3 and parts[:2] == ["policies", "config"] and clean.endswith(".json"):
        stack = parts[2].removesuffix(".json")
        if stack in STACKS:
            return Decision(clean, (stack,), f"policy config of stack {stack}")
        raise _unknown_stack(clean, stack)
    if clean in ALL_FILES:
        return Decision(clean, STACKS, "dependency lock or build definition")
    for prefix in ALL_PREFIXES:
        if clean.startswith(prefix):
            return Decision(clean, STACKS, f"shared code under {prefix}")
    if clean in NO_STACK_FILES:
        return Decision(clean, (), "documentation")
    for prefix in NO_STACK_PREFIXES:
        if clean.startswith(prefix):
            return Decision(clean, (), f"{prefix} never runs inside pulumi preview")
    return Decision(clean, STACKS, "unrecognised path: previewing every stack to be safe")


def affected_stacks(paths: Iterable[str]) -> Result:
    """Classify every path; the union of their stacks, in promotion order."""
    decisions = tuple(classify(p) for p in paths)
    hit = {s for d in decisions for s in d.stacks}
    return Result(tuple(s for s in STACKS if s in hit), decisions)


def parse_name_status_z(output: str) -> list[str]:
    """Paths from `git diff --name-status -z`: renames and copies yield both old and new path."""
    fields = output.split("\0")
    if fields[-1] == "":
        fields.pop()
    paths: list[str] = []
    i = 0
    while i < len(fields):
        status = fields[i]
        if not status or not status[0].isalpha():
            raise AffectedStacksError(f"unexpected git diff output near {status!r}")
        width = 2 if status[0] in "RC" else 1
        names = fields[i + 1 : i + 1 + width]
        if len(names) != width:
            raise AffectedStacksError(f"truncated git diff output after status {status!r}")
        paths.extend(names)
        i += 1 + width
    return paths


def changed_paths(base: str, head: str, repo: Path) -> list[str]:
    """Every path git reports between two commits, with rename detection."""
    cmd = ["git", "-C", str(repo), "diff", "--name-status", "-z", "-M", base, head, "--"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise AffectedStacksError("git is not installed or not on PATH") from exc
    if proc.returncode != 0:
        raise AffectedStacksError(
            f"git diff {base} {head} failed: {proc.stderr.strip() or 'no message'}. "
            "Check out enough history for both commits (actions/checkout fetch-depth)."
        )
    return parse_name_status_z(proc.stdout)


def render_markdown(result: Result) -> str:
    lines = ["### Stacks affected by this change", ""]
    if result.stacks:
        lines.append("Previewing: " + ", ".join(f"`{s}`" for s in result.stacks))
    else:
        lines.append("No stack is affected: nothing to preview.")
    if result.decisions:
        lines += ["", "| path | stacks | why |", "| --- | --- | --- |"]
        for d in result.decisions:
            stacks = ", ".join(d.stacks) or "none"
            lines.append(f"| `{d.path}` | {stacks} | {d.reason} |")
    return "\n".join(lines) + "\n"


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.affected_stacks",
        description="Map changed paths to the stacks whose preview they can change.",
    )
    parser.add_argument("paths", nargs="*", help="changed paths; '-' reads them from stdin")
    parser.add_argument("--base", help="base commit for git diff (with --head)")
    parser.add_argument("--head", help="head commit for git diff (with --base)")
    parser.add_argument("--repo", type=Path, default=Path(), help="git work tree (default: .)")
    parser.add_argument("--github-output", type=Path, help="append stacks=<json> to this file")
    parser.add_argument("--summary", type=Path, help="append a Markdown explanation to this file")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        if (args.base is None) != (args.head is None):
            raise AffectedStacksError("--base and --head go together")
        if args.base is not None:
            if args.paths:
                raise AffectedStacksError("give either --base/--head or paths, not both")
            paths = changed_paths(args.base, args.head, args.repo)
        elif args.paths == ["-"]:
            paths = [line for line in sys.stdin.read().splitlines() if line.strip()]
        else:
            paths = list(args.paths)
        result = affected_stacks(paths)
    except AffectedStacksError as exc:
        print(f"affected-stacks: error: {exc}", file=sys.stderr)
        return 2
    stacks_json = json.dumps(list(result.stacks), separators=(",", ":"))
    if args.github_output is not None:
        with args.github_output.open("a", encoding="utf-8") as fh:
            fh.write(f"stacks={stacks_json}\n")
    if args.summary is not None:
        with args.summary.open("a", encoding="utf-8") as fh:
            fh.write(render_markdown(result))
    print(stacks_json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
