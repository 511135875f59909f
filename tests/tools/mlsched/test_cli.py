"""The `mlsched` dispatcher: subcommands, help and exit statuses end to end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tools.mlsched import cli

REPO = Path(__file__).resolve().parents[3]


def test_no_command_prints_the_usage_and_exits_2(capsys):
    assert cli.main([]) == 2
    assert "usage: mlsched" in capsys.readouterr().err


@pytest.mark.parametrize("flag", ["-h", "--help", "help"])
def test_help_lists_every_subcommand(capsys, flag):
    assert cli.main([flag]) == 0
    out = capsys.readouterr().out
    for name in cli.COMMANDS:
        assert f"  {name} " in out, f"`mlsched --help` does not list {name}"


@pytest.mark.parametrize("name", sorted(cli.COMMANDS))
def test_every_subcommand_has_its_own_help(capsys, name):
    assert cli.main([name, "--help"]) == 0
    assert f"usage: mlsched {name}" in capsys.readouterr().out


def test_an_unknown_command_suggests_the_closest_one(capsys):
    assert cli.main(["explian"]) == 2
    assert "did you mean 'explain'" in capsys.readouterr().err


def test_version_names_the_package(capsys):
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("mlsched ")


def test_the_console_script_keeps_a_usage_error_status_end_to_end():
    script = Path(sys.executable).with_name("mlsched")
    if not script.exists():
        pytest.skip("the environment was built without the console script (run make setup)")
    proc = subprocess.run(
        [str(script), "explain", "rate(5 minute)"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2, proc.stderr
    assert "suggestion: rate(5 minutes)" in proc.stderr


def test_plan_subcommand_passes_its_exit_status_through(monkeypatch):
    from tools.plan import cli as plan_cli

    seen = {}

    def fake_main(argv, prog, owns_process):
        seen.update(argv=list(argv), prog=prog, owns_process=owns_process)
        return 1

    monkeypatch.setattr(plan_cli, "main", fake_main)
    assert cli.main(["plan", "--stack", "prod"]) == 1
    assert seen == {"argv": ["--stack", "prod"], "prog": "mlsched plan", "owns_process": False}


def test_the_console_script_tells_the_plan_it_owns_the_process(monkeypatch):
    from tools.plan import cli as plan_cli

    seen = {}
    monkeypatch.setattr(sys, "argv", ["mlsched", "plan", "--stack", "dev"])
    monkeypatch.setattr(
        plan_cli, "main", lambda argv, prog, owns_process: seen.update(owns=owns_process) or 0
    )
    assert cli.main() == 0
    assert seen == {"owns": True}


def test_python_dash_m_runs_the_same_dispatcher():
    proc = subprocess.run(
        [sys.executable, "-m", "tools.mlsched", "nope"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "unknown command 'nope'" in proc.stderr
