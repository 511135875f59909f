"""Benchmark of the offline plan: wall time against the import floor, scaling to 1,000 pipelines.

``make bench-plan`` (or ``python -m tools.bench_plan``). Figures, not pass/fail; the goals are
printed next to them:

- `make plan` of the shipped stacks (a fresh `python -m tools.plan` process, all stacks) against
  the floor: a bare Python process that imports pulumi, pulumi_aws and pulumi_aws_native.
  Goal: within 3x.
- a synthetic stack of N scheduled pipelines (N = 10, 100, 1,000), generated in a temporary
  folder from prod's first pipeline: time of each phase and peak memory, each size in a fresh
  process so peaks do not mix. Goals: close to linear in N; policy evaluation (Analyze per
  resource + AnalyzeStack) takes less than the mock registration of the same resources.

Python start-up depends heavily on whether bytecode caches exist; with PYTHONDONTWRITEBYTECODE
set and no `__pycache__` in the environment every import compiles from source. The floor and the
plan are measured under the same conditions (this process's environment), and the header says
which.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
REFERENCE = "2026-01-01T00:00:00Z"
FLOOR = "import pulumi, pulumi_aws, pulumi_aws_native"
TEMPLATE_STACK = "prod"
BENCH_STACK = "bench"


def synthetic_stack(root: Path, count: int, template: str = TEMPLATE_STACK) -> Path:
    """`root/stacks/bench` with `count` pipelines cloned from the template stack's first one
    (each with its own daily time), next to a copy of `pipelines/`; returns the stack folder."""
    source = REPO / "stacks" / template
    stack_dir = root / "stacks" / BENCH_STACK
    stack_dir.mkdir(parents=True, exist_ok=True)
    if not (root / "pipelines").exists():
        shutil.copytree(REPO / "pipelines", root / "pipelines")
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy2(source / name, stack_dir / name)
    from modules.stackfile import load_yaml, plain

    template_path = source / f"Pulumi.{template}.yaml"
    config = plain(load_yaml(template_path.read_text(encoding="utf-8"), template_path))
    first = config["config"]["mlsched:pipelines"][0]
    pipelines = []
    for i in range(count):
        clone = dict(first)
        clone["name"] = f"bench-{i:05d}"
        clone["schedule"] = f"cron({i % 60} {(i // 60) % 24} * * ? *)"
        pipelines.append(clone)
    config["config"]["mlsched:pipelines"] = pipelines
    (stack_dir / f"Pulumi.{BENCH_STACK}.yaml").write_text(
        yaml.safe_dump(config, sort_keys=False), encoding="utf-8"
    )
    return stack_dir


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def children_peak_rss_mib() -> float:
    """Largest peak RSS (VmHWM) of this process's running children, e.g. the policy pack.

    RUSAGE_CHILDREN cannot be used: a child's ru_maxrss starts at the parent's size at fork."""
    peak = 0.0
    me = str(os.getpid())
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if fields[1] != me:  # fields after the command name: state, ppid, ...
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, IndexError):
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]) / 1024)
    return peak


def measure(root: Path, count: int, policy_config: Path) -> dict[str, Any]:
    """Every phase of one plan of the synthetic stack, in this process (imports warmed first)."""
    from tools.mockrun import run_stack
    from tools.plan import render_json, render_markdown
    from tools.plan.build import schedule_entries, stack_plan
    from tools.plan.runner import CALL_TIMEOUT, pack_config
    from tools.policy_client import PolicyClient

    reference = datetime(2026, 1, 1, tzinfo=UTC)
    warm = synthetic_stack(root / "warm", 1)
    run_stack(warm, BENCH_STACK)  # imports and first-use costs, not part of the scaling
    stack_dir = synthetic_stack(root, count)

    started = time.perf_counter()
    run = run_stack(stack_dir, BENCH_STACK)
    registered = time.perf_counter()
    schedule_entries(run.resources, reference=reference)
    analysed = time.perf_counter()
    client = PolicyClient(REPO / "policies", stack=BENCH_STACK, call_timeout=CALL_TIMEOUT)
    client.start()
    pack_started = time.perf_counter()
    client.configure(pack_config(policy_config, client.policies, reference))
    violations = []
    for resource_ in run.resources:  # what PolicyClient.check does, timed in its two halves
        if resource_.custom:
            violations.extend(client.analyze(resource_))
    analysed_each = time.perf_counter()
    violations.extend(client.analyze_stack(run.resources))
    judged = time.perf_counter()
    plan = stack_plan(
        project=run.project,
        stack=BENCH_STACK,
        reference=reference,
        resources=run.resources,
        violations=violations,
    )
    render_markdown.render_stack(plan)
    render_json.dumps(render_json.stack_document(plan))
    rendered = time.perf_counter()
    pack_peak = children_peak_rss_mib()
    client.close()
    return {
        "pipelines": count,
        "resources": len(run.resources),
        "mandatory": plan.mandatory_count,
        "register_s": registered - started,
        "schedules_s": analysed - registered,
        "pack_start_s": pack_started - analysed,
        "policy_s": judged - pack_started,
        "analyze_s": analysed_each - pack_started,
        "analyze_stack_s": judged - analysed_each,
        "render_s": rendered - judged,
        "peak_mib": peak_rss_mib(),
        "pack_peak_mib": pack_peak,
    }


def wall(argv: Sequence[str], repeat: int, env: dict[str, str] | None = None) -> float:
    """Median wall time of a fresh process (its output discarded)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(argv, cwd=REPO, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def cached_bytecode_env(prefix: str) -> dict[str, str]:
    """This environment with bytecode written to (and read from) `prefix`: a normal machine's
    second run, without touching the shared environment's site-packages."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = prefix
    return env


def _bytecode_note() -> str:
    if os.environ.get("PYTHONPYCACHEPREFIX"):
        return f"bytecode cached in {os.environ['PYTHONPYCACHEPREFIX']}"
    if sys.dont_write_bytecode:
        return "PYTHONDONTWRITEBYTECODE set: imports compile from source unless .pyc files exist"
    return "bytecode cached next to the sources"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench_plan", description=__doc__)
    parser.add_argument("--sizes", default="10,100,1000", help="synthetic pipeline counts")
    parser.add_argument("--repeat", type=int, default=3, help="runs per wall-time figure")
    parser.add_argument("--measure", type=int, metavar="N", help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    policy_config = REPO / "policies" / "config" / f"{TEMPLATE_STACK}.json"

    if args.measure is not None:  # child mode: one size, one fresh process, JSON on stdout
        print(json.dumps(measure(args.root, args.measure, policy_config)))
        return 0

    python = sys.executable
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"bench-plan ({os.cpu_count()} cores, load average {load}; {_bytecode_note()})")
    with tempfile.TemporaryDirectory() as out, tempfile.TemporaryDirectory() as pycache:
        plan_cmd = [python, "-m", "tools.plan", "--format", "none", "--at", REFERENCE, "--out", out]
        conditions = [("as this environment runs it", None)]
        if sys.dont_write_bytecode and not os.environ.get("PYTHONPYCACHEPREFIX"):
            conditions.append(("with bytecode cached", cached_bytecode_env(pycache)))
        for label, env in conditions:
            if env is not None:  # warm the cache once, as a first run would
                wall([python, "-c", FLOOR], 1, env)
                wall(plan_cmd, 1, env)
            floor = wall([python, "-c", FLOOR], args.repeat, env)
            plan = wall(plan_cmd, args.repeat, env)
            print(
                f"  {label}: floor ({FLOOR}) {floor:.2f} s; make plan, all stacks "
                f"{plan:.2f} s = {plan / floor:.1f}x the floor (goal: <= 3x; median of "
                f"{args.repeat})"
            )

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    print("  synthetic stack (prod's first pipeline cloned N times, each with its own daily time):")
    header = (
        f"  {'N':>6} {'resources':>9} {'register':>9} {'schedules':>9} {'policy':>8} "
        f"{'(each':>8} {'stack)':>8} "
        f"{'pack start':>10} {'render':>7} {'policy/reg':>10} {'peak MiB':>8} {'pack MiB':>8}"
    )
    print(header)
    rows = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as root:
            child = [python, "-m", "tools.bench_plan", "--measure", str(size), "--root", root]
            result = subprocess.run(child, cwd=REPO, check=True, capture_output=True, text=True)
        row = json.loads(result.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(
            f"  {row['pipelines']:>6} {row['resources']:>9} {row['register_s']:>8.2f}s "
            f"{row['schedules_s']:>8.2f}s {row['policy_s']:>7.2f}s {row['analyze_s']:>7.2f}s "
            f"{row['analyze_stack_s']:>7.2f}s {row['pack_start_s']:>9.2f}s "
            f"{row['render_s']:>6.2f}s {row['policy_s'] / row['register_s']:>10.2f} "
            f"{row['peak_mib']:>8.0f} {row['pack_peak_mib']:>8.0f}"
        )
    if len(rows) >= 2:
        first, last = rows[0], rows[-1]
        factor = last["pipelines"] / first["pipelines"]
        per = [
            f"{name} x{last[key] / first[key]:.0f}"
            for name, key in (
                ("register", "register_s"),
                ("policy", "policy_s"),
                ("Analyze", "analyze_s"),
                ("AnalyzeStack", "analyze_stack_s"),
            )
            if first[key] > 0
        ]
        print(
            f"  growth {first['pipelines']} -> {last['pipelines']} pipelines (x{factor:.0f}): "
            + ", ".join(per)
            + " (linear = the same factor)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
