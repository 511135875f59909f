"""`mlsched diff` end to end: a real git repository, a real base worktree, real plans."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from tools.diff import cli, render_json, worktree

REPO = Path(__file__).resolve().parents[3]
AT = "2026-01-01T00:00:00Z"
COPIED = ("modules", "policies", "tools", "pipelines", "stacks")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """A copy of the repository as one commit on `main`, with prod's feature-refresh running
    every 5 minutes in the working tree (a mandatory violation in prod's policy config)."""
    root = tmp_path_factory.mktemp("repo")
    for name in COPIED:
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "base")
    config = root / "stacks" / "prod" / "Pulumi.prod.yaml"
    text = config.read_text()
    assert "schedule: rate(6 hours)" in text, "prod's feature-refresh schedule moved; update"
    config.write_text(text.replace("schedule: rate(6 hours)", "schedule: rate(5 minutes)"))
    return root


def run(repo: Path, *argv: str):
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["--at", AT, *argv], stdout=out, stderr=err, cwd=repo)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def outcome(repo: Path, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    code, stdout, stderr = run(
        repo, "--base", "main", "--stack", "prod,dev", "--format", "json", "--out", str(out)
    )
    return code, json.loads(stdout), stderr, out


def test_a_head_with_a_mandatory_violation_exits_1(outcome):
    code, _, stderr, _ = outcome
    assert code == 1, stderr


def test_the_changed_schedule_is_reported_before_and_after(outcome):
    _, doc, _, _ = outcome
    jsonschema.Draft202012Validator(render_json.load_schema()).validate(doc)
    prod = next(s for s in doc["stacks"] if s["stack"] == "prod")
    (pipeline,) = prod["pipelines"]
    assert pipeline["name"] == "feature-refresh", prod
    (change,) = pipeline["schedules"]
    assert (change["before"]["expression"], change["after"]["expression"]) == (
        "rate(6 hours)",
        "rate(5 minutes)",
    )
    assert change["after"]["max_runs_per_day"] == 288
    # Every 5 minutes is too often, and shorter than the pipeline's expectedDuration (45m).
    new = [v["policy"] for v in prod["verdicts"]["new"]]
    assert new == ["schedule-frequency", "schedule-overlap"], new


def test_an_untouched_stack_is_unchanged(outcome):
    _, doc, _, _ = outcome
    dev = next(s for s in doc["stacks"] if s["stack"] == "dev")
    assert dev["status"] == "unchanged", dev


def test_out_holds_the_comment_the_json_and_the_head_plan(outcome):
    *_, out = outcome
    assert "schedule diff against `main`" in (out / "diff.md").read_text()
    assert json.loads((out / "diff.json").read_text())["ok"] is False
    assert (out / "plan" / "prod.md").is_file()


def test_the_base_worktree_is_gone_afterwards(repo, outcome):
    listed = git(repo, "worktree", "list", "--porcelain")
    assert listed.count("worktree ") == 1, listed


def test_an_unknown_ref_is_a_usage_error(repo):
    code, _, err = run(repo, "--base", "no-such-branch")
    assert code == 2
    assert "names no commit" in err


def test_an_option_looking_ref_is_refused(repo):
    code, _, err = run(repo, "--base=--output=x")
    assert code == 2
    assert "is not a git ref" in err


def test_an_unknown_stack_is_a_usage_error(repo):
    code, _, err = run(repo, "--base", "main", "--stack", "qa")
    assert code == 2
    assert "unknown stack 'qa'" in err


def test_outside_a_repository_it_says_so(tmp_path):
    code, _, err = run(tmp_path, "--base", "main")
    assert code == 2
    assert "not inside a git repository" in err


def test_the_worktree_is_removed_even_when_the_work_inside_fails(repo):
    commit = worktree.resolve(repo, "main")
    seen = []

    def fail_inside() -> None:
        with worktree.checkout(repo, commit) as path:
            seen.append(path)
            assert (path / "stacks").is_dir()
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fail_inside()
    assert not seen[0].exists()
    assert not seen[0].parent.exists()
    assert git(repo, "worktree", "list", "--porcelain").count("worktree ") == 1


def test_a_base_that_predates_the_plan_is_a_usage_error(tmp_path):
    root = tmp_path / "old"
    (root / "stacks").mkdir(parents=True)
    (root / "README.md").write_text("before the plan existed\n")
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "old")
    code, _, err = run(root, "--base", "main")
    assert code == 2
    assert "predates the offline plan" in err
