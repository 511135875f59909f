"""Benchmark of the offline plan: wall time against the import floor, scaling to 1,000 pipelines.

``make bench-plan`` (or ``python -m tools.bench_plan``). Figures, not pass/fail; the goals are
printed next to them:

- `mlsched plan` of the shipped stacks (a fresh process, all stacks) against the floor: a bare
  Python process that imports pulumi and loads the provider modules the stacks' programs load
  (found by running the stacks under mocks in a probe process, so a stack that starts using
  Azure or Google Cloud moves the floor with it). Pulumi's provider packages import their
  submodules lazily, so `import pulumi_aws.iam` alone costs nearly nothing; the floor touches
  each module so it really loads, as a program using it must. Floor and plan runs alternate, so
  a busy machine slows both alike. Goal: within 1.5x.
- a synthetic stack of N scheduled pipelines (N = 10, 100, 1,000), generated in a temporary
  folder from prod's first pipeline: time of each phase and peak memory, each size in a fresh
  process so peaks do not mix. Goals: close to linear in N; policy evaluation (Analyze per
  resource + AnalyzeStack) takes less than the mock registration of the same resources.
- `mlsched diff` of the synthetic stack (N = --diff-size, default 1,000) in a throw-away git
  repository, one pipeline's schedule changed in the working tree, against one `mlsched plan` of
  the same stack; peak memory of the diff's whole process tree (two plans and two policy packs
  run at once). Goal: within 2.2x one plan.

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
PROBE_STACKS = ("dev", "staging", "prod")
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
    from tools.plan.runner import CALL_TIMEOUT, pack_config, settle_heap
    from tools.policy_client import PolicyClient

    reference = datetime(2026, 1, 1, tzinfo=UTC)
    warm = synthetic_stack(root / "warm", 1)
    run_stack(warm, BENCH_STACK)  # imports and first-use costs, not part of the scaling
    stack_dir = synthetic_stack(root, count)
    settle_heap()  # as `mlsched plan` does before each stack's run

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
    return walls([argv], repeat, env)[0]


def walls(argvs: Sequence[Sequence[str]], repeat: int, env: dict[str, str] | None = None) -> list:
    """Median wall time of each command, the commands run in turn `repeat` times (so load that
    comes and goes on a shared machine falls on all of them)."""
    return [w for w, _ in timings(argvs, repeat, env)]


def children_cpu_s() -> float:
    """User + system CPU of every waited-for descendant so far (a child's own waited-for
    children, e.g. the plan's policy pack, are included)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timings(
    argvs: Sequence[Sequence[str]], repeat: int, env: dict[str, str] | None = None
) -> list[tuple[float, float]]:
    """(median wall, median CPU of the process tree) of each command, run in turn `repeat`
    times. CPU time is what a busy shared machine leaves comparable; wall time is the goal."""
    times: list[list[tuple[float, float]]] = [[] for _ in argvs]
    for _ in range(repeat):
        for i, argv in enumerate(argvs):
            cpu = children_cpu_s()
            started = time.perf_counter()
            subprocess.run(argv, cwd=REPO, check=True, capture_output=True, env=env)
            times[i].append((time.perf_counter() - started, children_cpu_s() - cpu))
    return [(statistics.median(w for w, _ in t), statistics.median(c for _, c in t)) for t in times]


def provider_modules(stacks: Sequence[str] = PROBE_STACKS) -> list[str]:
    """The provider subpackages (`pulumi_aws.iam`, ...) the stacks' programs really load; run in
    a probe process so this process's imports do not count."""
    import contextlib
    import io

    from tools.mockrun import run_stack

    with contextlib.redirect_stdout(io.StringIO()):
        for stack in stacks:
            run_stack(REPO / "stacks" / stack, stack)
    return sorted(
        name
        for name, module in list(sys.modules.items())
        if name.startswith("pulumi_")
        and name.count(".") == 1
        and not name.split(".")[1].startswith("_")
        and hasattr(module, "__path__")
        # Still a placeholder: pulumi's lazy import turns it into a plain module on first use.
        and type(module).__name__ != "_LazyModule"
    )


def floor_code(modules: Sequence[str], *, frozen_exit: bool = False) -> str:
    """A program that imports pulumi and loads `modules` (any attribute access loads a lazily
    imported module; `__all__` is one every provider subpackage has).

    `frozen_exit`: end as `mlsched plan` ends (tools.plan.cli.finish freezes the heap, so the
    interpreter's last collection skips it): the stricter floor, for comparison."""
    return (
        "import importlib, pulumi\n"
        f"for name in {list(modules)!r}:\n"
        "    getattr(importlib.import_module(name), '__all__', None)\n"
        + ("import gc\ngc.freeze()\n" if frozen_exit else "")
    )


def tree_peak_rss_mib(pid: int, stop: Any, interval: float = 0.1) -> float:
    """Largest sum of VmRSS over `pid` and its descendants, sampled until `stop` is set."""
    peak = 0.0
    while not stop.is_set():
        parents: dict[int, int] = {}
        rss: dict[int, float] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                child = int(stat.parent.name)
                parents[child] = int(fields[1])
                for line in (stat.parent / "status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        rss[child] = int(line.split()[1]) / 1024
            except (OSError, IndexError, ValueError):
                continue
        tree = {pid}
        grew = True
        while grew:
            grew = False
            for child, parent in parents.items():
                if parent in tree and child not in tree:
                    tree.add(child)
                    grew = True
        peak = max(peak, sum(rss.get(p, 0.0) for p in tree))
        stop.wait(interval)
    return peak


def diff_repo(root: Path, count: int) -> Path:
    """A git repository with the synthetic stack of `count` pipelines committed, and the first
    pipeline's schedule changed in the working tree."""
    for name in ("modules", "policies", "tools"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    stack_dir = synthetic_stack(root, count)
    config_dir = root / "policies" / "config"
    shutil.copy2(config_dir / f"{TEMPLATE_STACK}.json", config_dir / f"{BENCH_STACK}.json")

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)

    git("init", "--quiet", "--initial-branch=main")
    git("add", "-A")
    git("-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-qm", "base")
    config = stack_dir / f"Pulumi.{BENCH_STACK}.yaml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["config"]["mlsched:pipelines"][0]["schedule"] = "rate(1 hour)"
    config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return root


def measure_diff(count: int, repeat: int) -> dict[str, Any]:
    """One `mlsched plan` and one `mlsched diff --base HEAD` of the synthetic stack, alternately."""
    import threading

    python = sys.executable
    with tempfile.TemporaryDirectory() as root, tempfile.TemporaryDirectory() as out:
        repo = diff_repo(Path(root), count)
        common = ["--stack", BENCH_STACK, "--format", "none", "--at", REFERENCE, "--out", out]
        plan = [python, "-m", "tools.mlsched", "plan", *common]
        diff = [python, "-m", "tools.mlsched", "diff", "--base", "HEAD", *common]
        plans, diffs, peaks, plan_cpu, diff_cpu = [], [], [], [], []
        for _ in range(repeat):
            cpu = children_cpu_s()
            started = time.perf_counter()
            subprocess.run(plan, cwd=repo, capture_output=True, check=False)
            plans.append(time.perf_counter() - started)
            plan_cpu.append(children_cpu_s() - cpu)
            stop = threading.Event()
            cpu = children_cpu_s()
            started = time.perf_counter()
            proc = subprocess.Popen(
                diff, cwd=repo, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            sampled: list[float] = []
            sampler = threading.Thread(
                target=lambda p, out, halt: out.append(tree_peak_rss_mib(p.pid, halt)),
                args=(proc, sampled, stop),
            )
            sampler.start()
            code = proc.wait()
            diffs.append(time.perf_counter() - started)
            diff_cpu.append(children_cpu_s() - cpu)
            stop.set()
            sampler.join()
            peaks.append(sampled[0] if sampled else 0.0)
            if code not in (0, 1):
                raise RuntimeError(f"mlsched diff exited {code} on the synthetic stack")
        doc = json.loads((Path(out) / "diff.json").read_text(encoding="utf-8"))
    changed = [p["name"] for s in doc["stacks"] for p in s["pipelines"]]
    return {
        "pipelines": count,
        "plan_s": statistics.median(plans),
        "diff_s": statistics.median(diffs),
        "plan_cpu_s": statistics.median(plan_cpu),
        "diff_cpu_s": statistics.median(diff_cpu),
        "peak_mib": max(peaks),
        "changed": changed,
    }


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
    parser.add_argument("--repeat", type=int, default=5, help="runs per wall-time figure")
    parser.add_argument(
        "--diff-size", type=int, default=1000, help="pipelines of the diff benchmark (0: skip)"
    )
    parser.add_argument("--measure", type=int, metavar="N", help=argparse.SUPPRESS)
    parser.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    policy_config = REPO / "policies" / "config" / f"{TEMPLATE_STACK}.json"

    if args.measure is not None:  # child mode: one size, one fresh process, JSON on stdout
        print(json.dumps(measure(args.root, args.measure, policy_config)))
        return 0
    if args.probe:  # child mode: the provider modules the shipped stacks load
        print(json.dumps(provider_modules()))
        return 0

    python = sys.executable
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"bench-plan ({os.cpu_count()} cores, load average {load}; {_bytecode_note()})")
    probe = subprocess.run(
        [python, "-m", "tools.bench_plan", "--probe"],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    )
    modules = json.loads(probe.stdout.strip().splitlines()[-1])
    floor_cmd = [python, "-c", floor_code(modules)]
    strict_cmd = [python, "-c", floor_code(modules, frozen_exit=True)]
    print(f"  floor: a process importing pulumi and loading {', '.join(modules)}")
    with tempfile.TemporaryDirectory() as out, tempfile.TemporaryDirectory() as pycache:
        plan_cmd = [
            *(python, "-m", "tools.mlsched", "plan"),
            *("--format", "none", "--at", REFERENCE, "--out", out),
        ]
        conditions = [("as this environment runs it", None)]
        if sys.dont_write_bytecode and not os.environ.get("PYTHONPYCACHEPREFIX"):
            conditions.append(("with bytecode cached", cached_bytecode_env(pycache)))
        for label, env in conditions:
            if env is not None:  # warm the cache once, as a first run would
                timings([floor_cmd, plan_cmd], 1, env)
            (floor, floor_cpu), (plan, plan_cpu), (strict, strict_cpu) = timings(
                [floor_cmd, plan_cmd, strict_cmd], args.repeat, env
            )
            print(
                f"  {label}: floor {floor:.2f} s; mlsched plan, all stacks {plan:.2f} s = "
                f"{plan / floor:.2f}x the floor (goal: <= 1.5x; medians of {args.repeat}, "
                "alternating)\n"
                f"    CPU (user+sys, process tree): floor {floor_cpu:.2f} s, plan "
                f"{plan_cpu:.2f} s = {plan_cpu / floor_cpu:.2f}x; the floor ending like the "
                f"plan (heap frozen at exit): {strict:.2f} s, CPU {strict_cpu:.2f} s, "
                f"plan = {plan / strict:.2f}x of it"
            )

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if sizes:
        _synthetic(python, sizes)
    if args.diff_size:
        row = measure_diff(args.diff_size, max(1, min(args.repeat, 2)))
        print(
            f"  mlsched diff of the {row['pipelines']}-pipeline synthetic stack (one schedule "
            f"changed: {', '.join(row['changed']) or 'none found'}): plan {row['plan_s']:.1f} s, "
            f"diff {row['diff_s']:.1f} s = {row['diff_s'] / row['plan_s']:.2f}x one plan (goal: "
            f"<= 2.2x); peak memory of the diff's process tree {row['peak_mib']:.0f} MiB\n"
            f"    CPU (user+sys, process trees): plan {row['plan_cpu_s']:.1f} s, diff "
            f"{row['diff_cpu_s']:.1f} s = {row['diff_cpu_s'] / row['plan_cpu_s']:.2f}x (two "
            "plans are 2x: the wall ratio tends to this on a saturated machine)"
        )
    return 0


def _synthetic(python: str, sizes: Sequence[int]) -> None:
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


if __name__ == "__main__":
    sys.exit(main())
