import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tools.plan import cli


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository layout with three stacks and a policy pack, nothing inside them."""
    for stack in ("prod", "dev", "staging", "qa"):
        (tmp_path / "stacks" / stack).mkdir(parents=True)
        (tmp_path / "stacks" / stack / f"Pulumi.{stack}.yaml").write_text("config: {}\n")
        (tmp_path / "policies" / "config").mkdir(parents=True, exist_ok=True)
        (tmp_path / "policies" / "config" / f"{stack}.json").write_text("{}")
    (tmp_path / "stacks" / "README.md").write_text("not a stack")
    (tmp_path / "stacks" / "no-config").mkdir()
    (tmp_path / "policies" / "PulumiPolicy.yaml").write_text("runtime: python\n")
    return tmp_path


def run(repo: Path, *argv: str, planner=None, now=None):
    out, err = io.StringIO(), io.StringIO()
    seen: list[cli.Request] = []

    def default_planner(request):
        seen.append(request)
        return tuple(planner_result for planner_result in RESULTS.get("plans", ()))

    code = cli.main(
        [
            "--stacks-dir",
            str(repo / "stacks"),
            "--policy-pack",
            str(repo / "policies"),
            *argv,
        ],
        planner=planner or default_planner,
        stdout=out,
        stderr=err,
        now=now or (lambda: datetime(2026, 5, 17, 8, 30, 59, 123, tzinfo=UTC)),
    )
    return code, out.getvalue(), err.getvalue(), seen


RESULTS: dict = {}


@pytest.fixture(autouse=True)
def _reset_results():
    RESULTS.clear()
    yield
    RESULTS.clear()


def test_default_plans_every_stack_in_promotion_order(repo):
    code, _, _, seen = run(repo, "--format", "none")
    assert code == 0
    assert seen[0].stacks == ("dev", "staging", "prod", "qa")


def test_stack_option_selects_stacks_and_accepts_commas_without_duplicates(repo):
    _, _, _, seen = run(repo, "--stack", "prod", "--stack", "dev,prod", "--format", "none")
    assert seen[0].stacks == ("prod", "dev")


def test_unknown_stack_is_a_usage_error_listing_known_stacks(repo):
    code, _, err, seen = run(repo, "--stack", "prd")
    assert code == 2
    assert "unknown stack 'prd': there is no folder" in err
    assert "known stacks: dev, staging, prod, qa" in err
    assert "Traceback" not in err
    assert seen == []


def test_stack_folder_without_its_config_file_is_named_in_the_error(repo):
    code, _, err, _ = run(repo, "--stack", "no-config")
    assert code == 2
    assert "no-config/Pulumi.no-config.yaml is missing" in err


def test_missing_stacks_folder_is_a_usage_error(tmp_path):
    code, _, err, _ = run(tmp_path)
    assert code == 2
    assert "stacks folder" in err
    assert "does not exist" in err


def test_empty_stacks_folder_is_a_usage_error(tmp_path):
    (tmp_path / "stacks").mkdir()
    code, _, err, _ = run(tmp_path)
    assert code == 2
    assert "no stack found under" in err


def test_malformed_reference_time_is_a_usage_error_with_an_example(repo):
    code, _, err, seen = run(repo, "--at", "tomorrow")
    assert code == 2
    assert "--at/AT 'tomorrow' is not an ISO 8601 time; use e.g. 2026-01-01T00:00:00Z" in err
    assert seen == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("9999-12-31T23:59:59-01:00", "outside the calendar the plan covers"),
        ("0001-01-01T00:00:00+01:00", "outside the calendar the plan covers"),
        ("2300-01-01T00:00:00Z", "outside the calendar the plan covers (1970-01-01 to 2199-12-31"),
        ("\uff12\uff10\uff12\uff16-01-01T00:00:00Z", "(ASCII digits)"),
    ],
)
def test_reference_times_at_the_calendar_edges_are_usage_errors_not_tracebacks(repo, text, message):
    code, _, err, seen = run(repo, "--at", text)
    assert code == 2, err
    assert message in err
    assert seen == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-01T00:00:00Z", datetime(2026, 1, 1, tzinfo=UTC)),
        ("2026-01-01T02:00:00+02:00", datetime(2026, 1, 1, tzinfo=UTC)),
        ("2026-01-01T00:00", datetime(2026, 1, 1, tzinfo=UTC)),
    ],
)
def test_reference_time_is_converted_to_utc_and_naive_means_utc(repo, text, expected):
    _, _, _, seen = run(repo, "--at", text, "--format", "none")
    assert seen[0].reference == expected
    assert seen[0].reference.tzinfo == UTC


def test_default_reference_time_is_now_truncated_to_the_minute(repo):
    _, _, _, seen = run(repo, "--format", "none")
    assert seen[0].reference == datetime(2026, 5, 17, 8, 30, tzinfo=UTC)


def test_argparse_errors_exit_2_with_usage(repo, capsys):
    code, _, _, _ = run(repo, "--format", "yaml")
    err = capsys.readouterr().err
    assert code == 2
    assert "usage: python -m tools.plan" in err
    assert "plan: error: argument --format" in err


def test_missing_policy_pack_is_a_usage_error_unless_policies_are_skipped(repo):
    (repo / "policies" / "PulumiPolicy.yaml").unlink()
    code, _, err, _ = run(repo)
    assert code == 2
    assert "no policy pack at" in err
    code, _, err, seen = run(repo, "--no-policies", "--format", "none")
    assert code == 0
    assert seen[0].policies is False
    assert "policies skipped" in err


def test_stack_without_policy_config_is_a_usage_error(repo):
    (repo / "policies" / "config" / "qa.json").unlink()
    code, _, err, _ = run(repo, "--stack", "qa")
    assert code == 2
    assert "stack 'qa' has no policy config: expected" in err
    assert "qa.json" in err


def test_policy_config_dir_defaults_to_the_pack_config_folder(repo):
    _, _, _, seen = run(repo, "--format", "none")
    assert seen[0].policy_config_dir == repo / "policies" / "config"


def test_ok_plans_exit_0_and_write_markdown_and_json_per_stack(repo, ok_plan, tmp_path):
    RESULTS["plans"] = (ok_plan,)
    out = tmp_path / "build" / "plan"
    code, stdout, _, _ = run(repo, "--stack", "prod", "--out", str(out))
    assert code == 0
    assert json.loads((out / "prod.json").read_text())["ok"] is True
    assert (out / "prod.md").read_text().startswith("## ✅ Offline plan of `prod`")
    assert "plan OK" in stdout


def test_mandatory_violation_exits_1(repo, failing_plan):
    RESULTS["plans"] = (failing_plan,)
    code, stdout, _, _ = run(repo, "--stack", "prod")
    assert code == 1
    assert "plan FAILED: prod" in stdout


def test_configuration_error_exits_2_and_is_repeated_on_stderr(repo, ok_plan, error_plan):
    RESULTS["plans"] = (ok_plan, error_plan)
    code, _, err, _ = run(repo)
    assert code == 2
    assert f"plan: error: {error_plan.error}" in err, "the message names the stack already"


def test_configuration_error_not_naming_its_stack_gets_the_stack_prefix(repo, error_plan):
    from dataclasses import replace

    RESULTS["plans"] = (replace(error_plan, error="pack exploded"),)
    _, _, err, _ = run(repo)
    assert "plan: error: stack staging: pack exploded" in err


def test_markdown_format_prints_markdown(repo, ok_plan):
    RESULTS["plans"] = (ok_plan,)
    _, stdout, _, _ = run(repo, "--format", "markdown")
    assert stdout.startswith("## ✅ Offline plan of `prod`")


def test_json_format_prints_one_document_for_all_stacks(repo, ok_plan, failing_plan):
    RESULTS["plans"] = (ok_plan, failing_plan)
    code, stdout, _, _ = run(repo, "--format", "json")
    document = json.loads(stdout)
    assert code == 1
    assert document["ok"] is False
    assert len(document["stacks"]) == 2


def test_color_never_and_always(repo, ok_plan):
    RESULTS["plans"] = (ok_plan,)
    _, plain, _, _ = run(repo, "--color", "never")
    _, coloured, _, _ = run(repo, "--color", "always")
    assert "\x1b[" not in plain
    assert "\x1b[" in coloured


def test_usage_error_raised_by_the_planner_exits_2(repo):
    def planner(request):
        raise cli.UsageError("the policy pack could not judge stack dev: boom")

    code, _, err, _ = run(repo, planner=planner)
    assert code == 2
    assert err == "plan: error: the policy pack could not judge stack dev: boom\n"


def test_help_exits_0(repo, capsys):
    code, _, _, _ = run(repo, "--help")
    assert code == 0
    assert "Exit status: 0 no mandatory violation" in capsys.readouterr().out


def test_module_entry_point_runs_main(monkeypatch, capsys):
    import runpy
    import sys

    monkeypatch.setattr(sys, "argv", ["python -m tools.plan", "--help"])
    with pytest.raises(SystemExit) as exit_:
        runpy.run_module("tools.plan", run_name="__main__")
    assert exit_.value.code == 0
    assert "offline plan" in capsys.readouterr().out.lower()


def test_the_policy_pack_starts_before_the_heavy_imports_and_dies_if_planning_fails(
    repo, monkeypatch
):
    import subprocess
    import sys

    from tools import pack_process
    from tools.plan import runner

    started = []

    def fake_spawn(pack_dir, *, stack):
        proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        started.append((pack_dir, stack, proc))
        return proc

    def failing_planner(request):
        assert request.pack_process is started[0][2], "the runner adopts the early process"
        raise cli.UsageError("the policy pack could not judge stack dev: boom")

    monkeypatch.setattr(pack_process, "spawn", fake_spawn)
    monkeypatch.setattr(runner, "plan_stacks", failing_planner)
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(
        ["--stacks-dir", str(repo / "stacks"), "--policy-pack", str(repo / "policies")],
        stdout=out,
        stderr=err,
    )
    assert code == 2
    ((pack_dir, stack, proc),) = started
    assert (pack_dir, stack) == (repo / "policies", "dev")
    assert proc.poll() is not None, "an early pack the runner never adopted is killed"


def test_without_policies_no_pack_is_started(repo, monkeypatch):
    from tools import pack_process
    from tools.plan import runner

    monkeypatch.setattr(pack_process, "spawn", lambda *a, **k: pytest.fail("spawned a pack"))
    monkeypatch.setattr(runner, "plan_stacks", lambda request: ())
    code = cli.main(
        ["--stacks-dir", str(repo / "stacks"), "--no-policies", "--format", "none"],
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert code == 0


def test_a_plan_called_with_arguments_leaves_the_garbage_collector_alone(repo, monkeypatch):
    import gc

    monkeypatch.setattr(gc, "freeze", lambda: pytest.fail("froze the caller's heap"))
    code, _, _, seen = run(repo, "--format", "none")
    assert code == 0
    assert [r.owns_process for r in seen] == [False]


def test_the_command_freezes_its_heap_last_so_exit_skips_the_final_collection(repo, monkeypatch):
    import gc

    events: list[str] = []
    monkeypatch.setattr(gc, "freeze", lambda: events.append("freeze"))

    def planner(request):
        events.append(f"plan owns_process={request.owns_process}")
        return ()

    code = cli.main(
        ["--stacks-dir", str(repo / "stacks"), "--no-policies", "--format", "none"],
        planner=planner,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
        owns_process=True,
    )
    assert code == 0
    assert events == ["plan owns_process=True", "freeze"]
