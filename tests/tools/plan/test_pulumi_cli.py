import io
import json
import os
import stat
from pathlib import Path

import pytest

from tools.plan import pulumi_cli


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    for stack in ("dev", "prod"):
        (tmp_path / "stacks" / stack).mkdir(parents=True)
        (tmp_path / "stacks" / stack / f"Pulumi.{stack}.yaml").write_text("config: {}\n")
    (tmp_path / "policies" / "config").mkdir(parents=True)
    (tmp_path / "policies" / "config" / "prod.json").write_text("{}")
    return tmp_path


@pytest.fixture
def fake_pulumi(tmp_path: Path, monkeypatch) -> Path:
    """A `pulumi` on PATH that records its argv and working directory, then exits 3."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    record = tmp_path / "pulumi-call.json"
    script = bindir / "pulumi"
    script.write_text(
        "#!/usr/bin/env python3\nimport json, os, sys\n"
        f"json.dump({{'argv': sys.argv[1:], 'cwd': os.getcwd()}}, open({str(record)!r}, 'w'))\n"
        "sys.exit(3)\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    return record


def run(repo: Path, *argv: str) -> tuple[int, str]:
    err = io.StringIO()
    return pulumi_cli.main(list(argv), repo=repo, stderr=err), err.getvalue()


def test_missing_stack_asks_for_stack_and_lists_them(repo):
    code, err = run(repo, "preview", "--stack", "")
    assert code == 2
    assert "set STACK, e.g. `make preview STACK=dev` (stacks: dev, prod)" in err


def test_unknown_stack_is_rejected_before_pulumi_runs(repo, fake_pulumi):
    code, err = run(repo, "up", "--stack", "qa")
    assert code == 2
    assert "unknown stack 'qa'" in err
    assert not fake_pulumi.exists()


def test_stack_without_policy_config_is_rejected(repo, fake_pulumi):
    code, err = run(repo, "preview", "--stack", "dev")
    assert code == 2
    assert "has no policy config" in err


def test_missing_cli_says_how_to_install_it(repo, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    code, err = run(repo, "preview", "--stack", "prod")
    assert code == 2
    assert "Pulumi CLI is not installed" in err
    assert "https://get.pulumi.com" in err
    assert "make plan STACK=prod" in err


@pytest.mark.parametrize("action", ["preview", "up"])
def test_runs_pulumi_in_the_stack_folder_with_the_policy_pack_and_its_config(
    repo, fake_pulumi, action
):
    code, err = run(repo, action, "--stack", "prod", "--", "--diff")
    call = json.loads(fake_pulumi.read_text())
    policies = (repo / "policies").resolve()
    assert code == 3, "the CLI's exit status is passed through"
    assert call["cwd"] == str((repo / "stacks" / "prod").resolve())
    assert call["argv"] == [
        action,
        "--stack",
        "prod",
        "--policy-pack",
        str(policies),
        "--policy-pack-config",
        str(policies / "config" / "prod.json"),
        "--diff",
    ]
    assert f"pulumi {action} --stack prod" in err


def test_extra_arguments_without_separator_are_passed_too(repo, fake_pulumi):
    run(repo, "up", "--stack", "prod", "--yes")
    assert json.loads(fake_pulumi.read_text())["argv"][-1] == "--yes"
