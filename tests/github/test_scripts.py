"""The shell scripts the workflows call, run for real with bash; external CLIs are PATH stubs."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / ".github" / "scripts"


def _stub(bin_dir: Path, name: str, body: str) -> None:
    path = bin_dir / name
    path.write_text(f"#!/usr/bin/env bash\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def _run(script: str, cwd: Path, env: dict[str, str], *args: str):
    full_env = {"PATH": f"{cwd / 'bin'}{os.pathsep}{os.environ['PATH']}", **env}
    return subprocess.run(
        ["bash", str(SCRIPTS / script), *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "bin").mkdir()
    (tmp_path / "summary.md").write_text("")
    return tmp_path


def test_plan_summary_appends_reports_in_promotion_order(work):
    plan = work / "build" / "plan"
    plan.mkdir(parents=True)
    for stack in ("prod", "dev", "staging"):
        (plan / f"{stack}.md").write_text(f"# plan {stack}\n")
    env = {"GITHUB_STEP_SUMMARY": str(work / "summary.md"), "PLAN_OUTCOME": "success"}
    proc = _run("plan-summary.sh", work, env, "dev", "staging", "prod")
    assert proc.returncode == 0, proc.stderr
    text = (work / "summary.md").read_text()
    assert text.index("plan dev") < text.index("plan staging") < text.index("plan prod")


def test_plan_summary_fails_when_a_successful_plan_wrote_no_report(work):
    env = {"GITHUB_STEP_SUMMARY": str(work / "summary.md"), "PLAN_OUTCOME": "success"}
    proc = _run("plan-summary.sh", work, env, "prod")
    assert proc.returncode == 1
    assert "wrote no report for: prod" in proc.stdout
    assert "No plan report for: prod" in (work / "summary.md").read_text()


def test_plan_summary_names_missing_reports_without_failing_again_after_a_failed_plan(work):
    env = {"GITHUB_STEP_SUMMARY": str(work / "summary.md"), "PLAN_OUTCOME": "failure"}
    proc = _run("plan-summary.sh", work, env, "dev")
    assert proc.returncode == 0, proc.stderr
    assert "plan outcome: failure" in (work / "summary.md").read_text()


def test_stack_outputs_summary_writes_the_cli_json_into_the_summary(work):
    _stub(
        work / "bin",
        "pulumi",
        'echo "$*" > args.txt; echo \'{"pipelineArn": "arn:x", "token": "[secret]"}\'',
    )
    env = {
        "GITHUB_STEP_SUMMARY": str(work / "summary.md"),
        "PULUMI_STACK_NAME": "acme/prod",
        "STACK_DIR": "stacks/prod",
    }
    proc = _run("stack-outputs-summary.sh", work, env)
    assert proc.returncode == 0, proc.stderr
    assert (work / "args.txt").read_text().split() == [
        "stack",
        "output",
        "--json",
        "--stack",
        "acme/prod",
        "--cwd",
        "stacks/prod",
    ]
    text = (work / "summary.md").read_text()
    assert "### Stack outputs: `acme/prod`" in text
    assert '"token": "[secret]"' in text


def test_stack_outputs_summary_fails_when_the_cli_fails(work):
    _stub(work / "bin", "pulumi", "echo 'error: no stack named prod' >&2; exit 255")
    env = {
        "GITHUB_STEP_SUMMARY": str(work / "summary.md"),
        "PULUMI_STACK_NAME": "prod",
        "STACK_DIR": "stacks/prod",
    }
    proc = _run("stack-outputs-summary.sh", work, env)
    assert proc.returncode != 0
    assert (work / "summary.md").read_text() == ""


def _comment_env(work: Path) -> dict[str, str]:
    return {
        "GH_TOKEN": "t",
        "PR_NUMBER": "42",
        "STACK": "prod",
        "RUN_URL": "https://github.example/run/1",
        "GITHUB_REPOSITORY": "acme/mlsched",
    }


def test_failed_preview_comment_posts_the_offline_plan_of_the_stack(work):
    # `make plan` exits 1 on mandatory violations but still writes the report.
    _stub(
        work / "bin",
        "make",
        'mkdir -p build/plan; echo "| prod | mandatory | schedule-too-frequent |" > '
        'build/plan/prod.md; echo "$*" > make-args.txt; exit 1',
    )
    _stub(work / "bin", "gh", 'echo "$*" > gh-args.txt; cp "${@: -1}" comment.md')
    proc = _run("preview-failure-comment.sh", work, _comment_env(work))
    assert proc.returncode == 0, proc.stderr
    assert (work / "make-args.txt").read_text().strip() == "plan STACK=prod"
    gh_args = (work / "gh-args.txt").read_text().split()
    assert gh_args[:5] == ["pr", "comment", "42", "--repo", "acme/mlsched"]
    body = (work / "comment.md").read_text()
    assert "`preview` on mlsched/prod failed" in body
    assert "schedule-too-frequent" in body
    assert "https://github.example/run/1" in body


def test_failed_preview_comment_says_so_when_the_plan_wrote_nothing(work):
    _stub(work / "bin", "make", "exit 2")
    _stub(work / "bin", "gh", 'cp "${@: -1}" comment.md')
    proc = _run("preview-failure-comment.sh", work, _comment_env(work))
    assert proc.returncode == 0, proc.stderr
    assert "offline plan wrote no report" in (work / "comment.md").read_text()


def test_failed_preview_comment_refuses_to_run_without_its_inputs(work):
    env = _comment_env(work)
    del env["PR_NUMBER"]
    proc = _run("preview-failure-comment.sh", work, env)
    assert proc.returncode != 0
    assert "PR_NUMBER" in proc.stderr


def _diff_env(work: Path, **extra: str) -> dict[str, str]:
    return {
        "GITHUB_STEP_SUMMARY": str(work / "summary.md"),
        "MLSCHED": str(work / "bin" / "mlsched"),
        **extra,
    }


def _mlsched_stub(work: Path, status: int, report: str = "## diff of prod\n") -> None:
    body = (
        'echo "$*" > mlsched-args.txt; out="${@: -1}"; mkdir -p "$out"; '
        f"printf '%s' '{report}' > \"$out/diff.md\"; exit {status}"
    )
    _stub(work / "bin", "mlsched", body)


def test_schedule_diff_puts_the_report_in_the_summary_and_keeps_the_exit_status(work):
    _mlsched_stub(work, 1)
    proc = _run("schedule-diff.sh", work, _diff_env(work), "prod")
    assert proc.returncode == 1, "a mandatory violation in the head keeps exit status 1"
    args = (work / "mlsched-args.txt").read_text().split()
    assert args == [
        "diff",
        "--base",
        "HEAD^1",
        "--stack",
        "prod",
        "--format",
        "none",
        "--out",
        "build/diff",
    ]
    assert "## diff of prod" in (work / "summary.md").read_text()


def test_schedule_diff_without_a_token_never_calls_gh(work):
    _mlsched_stub(work, 0)
    _stub(work / "bin", "gh", "echo called > gh-called.txt")
    proc = _run("schedule-diff.sh", work, _diff_env(work), "prod")
    assert proc.returncode == 0, proc.stderr
    assert not (work / "gh-called.txt").exists()


def test_schedule_diff_posts_a_new_comment_with_its_marker(work):
    _mlsched_stub(work, 0)
    _stub(
        work / "bin",
        "gh",
        'if [[ "$1" == api ]]; then exit 0; fi; echo "$*" > gh-args.txt; cp "${@: -1}" comment.md',
    )
    env = _diff_env(work, GH_TOKEN="t", PR_NUMBER="7", GITHUB_REPOSITORY="acme/mlsched")
    proc = _run("schedule-diff.sh", work, env, "prod")
    assert proc.returncode == 0, proc.stderr
    assert (work / "gh-args.txt").read_text().split()[:3] == ["pr", "comment", "7"]
    body = (work / "comment.md").read_text()
    assert body.startswith("<!-- mlsched-diff:prod -->\n## diff of prod")


def test_schedule_diff_edits_its_earlier_comment_in_place(work):
    _mlsched_stub(work, 0)
    _stub(
        work / "bin",
        "gh",
        'echo "$*" >> gh-calls.txt; if [[ "$*" == *"--method PATCH"* ]]; then exit 0; fi; '
        'if [[ "$1" == api ]]; then echo 4242; exit 0; fi; exit 9',
    )
    env = _diff_env(work, GH_TOKEN="t", PR_NUMBER="7", GITHUB_REPOSITORY="acme/mlsched")
    proc = _run("schedule-diff.sh", work, env, "prod")
    assert proc.returncode == 0, proc.stderr
    calls = (work / "gh-calls.txt").read_text()
    assert "issues/comments/4242" in calls
    assert "pr comment" not in calls


def test_schedule_diff_fails_and_says_so_when_no_report_was_written(work):
    _stub(work / "bin", "mlsched", "exit 2")
    proc = _run("schedule-diff.sh", work, _diff_env(work), "prod")
    assert proc.returncode == 2
    assert "No schedule diff for prod" in (work / "summary.md").read_text()
