"""The plan benchmark's pieces (the benchmark itself runs in `make bench-plan`, not here)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from types import SimpleNamespace

from modules.stackfile import read_stack
from tools import bench_plan


def test_synthetic_stack_has_n_pipelines_with_unique_names_and_times(tmp_path):
    stack_dir = bench_plan.synthetic_stack(tmp_path, 61)
    pipelines = read_stack(stack_dir, "bench", "mlsched").config["mlsched:pipelines"]
    assert len(pipelines) == 61
    assert len({p["name"] for p in pipelines}) == 61
    assert pipelines[60]["schedule"] == "cron(0 1 * * ? *)"
    assert (stack_dir / "__main__.py").is_file()
    assert (tmp_path / "pipelines").is_dir(), "definitions sit where ../../pipelines points"


def test_synthetic_stack_passes_the_modules_validation(tmp_path):
    from datetime import UTC, datetime

    from modules.config import load_stack_config

    stack_dir = bench_plan.synthetic_stack(tmp_path, 3)
    config = read_stack(stack_dir, "bench", "mlsched").config
    stack = load_stack_config(
        config["mlsched:pipelines"],
        stack="bench",
        base_dir=stack_dir,
        reference=datetime(2026, 1, 1, tzinfo=UTC),
    )
    assert [p.name for p in stack.pipelines] == ["bench-00000", "bench-00001", "bench-00002"]


def test_wall_is_the_median_of_fresh_processes():
    assert bench_plan.wall([sys.executable, "-c", "pass"], 3) > 0


def test_child_mode_prints_one_json_line(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(bench_plan, "measure", lambda root, n, config: {"pipelines": n})
    assert bench_plan.main(["--measure", "7", "--root", str(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out) == {"pipelines": 7}


def test_report_shows_ratio_to_the_floor_and_growth(monkeypatch, capsys):
    medians = iter(
        [
            [(2.0, 1.9), (3.0, 4.0), (1.5, 1.2)],
            [(0, 0), (0, 0)],
            [(1.0, 0.9), (2.0, 2.7), (0.8, 0.7)],
        ]
    )
    seen_floors = []

    def fake_timings(argvs, repeat, env=None):
        seen_floors.append([argv[-1] for argv in argvs])
        return next(medians)

    monkeypatch.setattr(bench_plan, "timings", fake_timings)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.delenv("PYTHONPYCACHEPREFIX", raising=False)

    def fake_run(argv, **kwargs):
        if "--probe" in argv:
            return SimpleNamespace(stdout=json.dumps(["pulumi_aws.iam"]) + "\n")
        n = int(argv[argv.index("--measure") + 1])
        row = {
            "pipelines": n,
            "resources": 15 * n,
            "register_s": 0.02 * n,
            "schedules_s": 0.001 * n,
            "pack_start_s": 1.0,
            "policy_s": 0.005 * n,
            "analyze_s": 0.004 * n,
            "analyze_stack_s": 0.001 * n,
            "render_s": 0.001 * n,
            "peak_mib": 100 + n,
            "pack_peak_mib": 90,
        }
        return SimpleNamespace(stdout=json.dumps(row) + "\n")

    monkeypatch.setattr(subprocess, "run", fake_run)
    assert bench_plan.main(["--sizes", "10,100", "--repeat", "1", "--diff-size", "0"]) == 0
    out = capsys.readouterr().out
    assert "floor: a process importing pulumi and loading pulumi_aws.iam" in out
    assert "'pulumi_aws.iam'" in seen_floors[0][0], "the floor loads what the probe found"
    assert "gc.freeze" not in seen_floors[0][0], "the floor the goal is measured against"
    assert "gc.freeze" in seen_floors[0][2], "the stricter floor ends like the plan"
    assert "mlsched plan, all stacks 3.00 s = 1.50x the floor (goal: <= 1.5x" in out
    assert "CPU (user+sys, process tree): floor 1.90 s, plan 4.00 s = 2.11x" in out
    assert "(heap frozen at exit): 1.50 s, CPU 1.20 s, plan = 2.00x of it" in out
    assert "with bytecode cached: floor 1.00 s; mlsched plan, all stacks 2.00 s" in out
    assert "growth 10 -> 100 pipelines (x10): register x10, policy x10, Analyze x10" in out
    assert "0.25" in out, "policy/registration ratio"


def test_timings_count_the_cpu_of_grandchildren_too():
    code = "import subprocess, sys; subprocess.run([sys.executable, '-c', 'sum(range(10**7))'])"
    ((wall, cpu),) = bench_plan.timings([[sys.executable, "-c", code]], 1)
    assert cpu > 0.1, "the grandchild's loop is CPU of the tree"
    assert wall > 0


def test_walls_alternate_the_commands_and_take_medians(monkeypatch):
    order = []
    monkeypatch.setattr(
        subprocess, "run", lambda argv, **kw: order.append(argv[0]) or SimpleNamespace()
    )
    medians = bench_plan.walls([["a"], ["b"]], 3)
    assert order == ["a", "b", "a", "b", "a", "b"]
    assert len(medians) == 2


def test_the_floor_really_loads_the_lazily_imported_provider_modules():
    code = bench_plan.floor_code(["pulumi_aws.sqs"]) + (
        "import sys\nprint(type(sys.modules['pulumi_aws.sqs']).__name__)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "module", "a _LazyModule would mean the floor skipped the load"


def test_the_probe_finds_the_provider_modules_the_shipped_stacks_load():
    proc = subprocess.run(
        [sys.executable, "-m", "tools.bench_plan", "--probe"],
        cwd=bench_plan.REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    modules = json.loads(proc.stdout.strip().splitlines()[-1])
    assert {"pulumi_aws.iam", "pulumi_aws_native.sagemaker", "pulumi_aws.scheduler"} <= set(
        modules
    ), modules
    assert "pulumi_aws.ec2" not in modules, "only what the stacks load, not the whole provider"


def test_diff_repo_commits_the_stack_and_changes_one_schedule(tmp_path):
    repo = bench_plan.diff_repo(tmp_path, 3)
    status = subprocess.run(
        ["git", "-C", str(repo), "status", "--porcelain"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert status.strip() == "M stacks/bench/Pulumi.bench.yaml"
    config = read_stack(repo / "stacks" / "bench", "bench", "mlsched").config
    assert config["mlsched:pipelines"][0]["schedule"] == "rate(1 hour)"
    assert (repo / "policies" / "config" / "bench.json").is_file()


def test_tree_peak_rss_counts_a_process_and_its_children():
    import threading

    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import subprocess, sys, time; "
            "c = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(1)']); "
            "time.sleep(1); c.wait()",
        ]
    )
    stop = threading.Event()
    threading.Timer(0.6, stop.set).start()
    peak = bench_plan.tree_peak_rss_mib(proc.pid, stop, interval=0.05)
    proc.wait()
    assert peak > 10, "two Python interpreters take more than 10 MiB"


def test_bytecode_note_names_the_cache_prefix(monkeypatch):
    monkeypatch.setenv("PYTHONPYCACHEPREFIX", "/tmp/pyc")
    assert "/tmp/pyc" in bench_plan._bytecode_note()
    monkeypatch.delenv("PYTHONPYCACHEPREFIX")
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert "PYTHONDONTWRITEBYTECODE" in bench_plan._bytecode_note()
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    assert "next to the sources" in bench_plan._bytecode_note()


def test_cached_bytecode_env_writes_to_the_prefix(monkeypatch):
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    env = bench_plan.cached_bytecode_env("/tmp/x")
    assert "PYTHONDONTWRITEBYTECODE" not in env
    assert env["PYTHONPYCACHEPREFIX"] == "/tmp/x"


def test_children_peak_rss_sees_a_running_child():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
    try:
        deadline = time.monotonic() + 5
        peak = 0.0
        while peak == 0.0 and time.monotonic() < deadline:
            peak = bench_plan.children_peak_rss_mib()
        assert peak > 1, "a Python child uses more than 1 MiB"
    finally:
        child.kill()
        child.wait()


def test_diff_report_shows_wall_and_cpu_ratios_and_memory(monkeypatch, capsys):
    row = {
        "pipelines": 1000,
        "plan_s": 40.0,
        "diff_s": 50.0,
        "plan_cpu_s": 60.0,
        "diff_cpu_s": 123.0,
        "peak_mib": 2500.0,
        "changed": ["bench-00000"],
    }
    monkeypatch.setattr(bench_plan, "timings", lambda argvs, repeat, env=None: [(1, 1)] * 3)
    monkeypatch.setattr(bench_plan, "measure_diff", lambda count, repeat: row)
    monkeypatch.setattr(
        subprocess, "run", lambda argv, **kw: SimpleNamespace(stdout=json.dumps([]) + "\n")
    )
    assert bench_plan.main(["--sizes", "", "--repeat", "1", "--diff-size", "1000"]) == 0
    out = capsys.readouterr().out
    assert "plan 40.0 s, diff 50.0 s = 1.25x one plan (goal: <= 2.2x)" in out
    assert "peak memory of the diff's process tree 2500 MiB" in out
    assert "plan 60.0 s, diff 123.0 s = 2.05x" in out
