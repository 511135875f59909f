"""Unit tests of tools/affected_stacks.py: path rules, git input, CLI contract."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tools import affected_stacks as af
from tools.affected_stacks import STACKS, AffectedStacksError, affected_stacks, classify, main

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("stacks/dev/Pulumi.dev.yaml", ("dev",)),
        ("stacks/staging/__main__.py", ("staging",)),
        ("stacks/prod/nested/deep/file.py", ("prod",)),
        ("policies/config/prod.json", ("prod",)),
        ("policies/config/dev.json", ("dev",)),
    ],
)
def test_stack_scoped_path_affects_only_its_stack(path, expected):
    assert classify(path).stacks == expected, path


@pytest.mark.parametrize(
    "path",
    [
        "modules/schedule/cron.py",
        "policies/__main__.py",
        "policies/config/README.md",
        "pipelines/train.json",
        "pyproject.toml",
        "uv.lock",
        "Makefile",
        "stacks/conftest.py",
        ".github/workflows/preview.yml",
        ".github/actions/setup/action.yml",
    ],
)
def test_shared_path_affects_every_stack(path):
    assert classify(path).stacks == STACKS, path


@pytest.mark.parametrize(
    "path",
    [
        "tools/plan/render.py",
        "tools/affected_stacks.py",
        "tests/tools/test_affected_stacks.py",
        "docs/guide.md",
        ".ci/run",
        ".github/dependabot.yml",
        ".github/CODEOWNERS",
        "README.md",
        ".gitignore",
    ],
)
def test_path_that_never_runs_in_preview_affects_no_stack(path):
    assert classify(path).stacks == (), path


def test_unknown_top_level_path_previews_every_stack_to_be_safe():
    decision = classify("lib/helpers.py")
    assert decision.stacks == STACKS
    assert "unrecognised" in decision.reason


def test_unknown_stack_directory_is_an_error_naming_the_stack_and_the_fix():
    with pytest.raises(AffectedStacksError) as info:
        classify("stacks/qa/Pulumi.qa.yaml")
    message = str(info.value)
    assert "'qa'" in message
    assert "STACKS" in message
    assert "deploy.yml" in message


def test_policy_config_for_an_unknown_stack_is_an_error():
    with pytest.raises(AffectedStacksError, match="'qa'"):
        classify("policies/config/qa.json")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("./stacks/dev/x.py", "stacks/dev/x.py"), ("stacks//dev/x.py", "stacks/dev/x.py")],
)
def test_paths_are_normalized_before_matching(raw, clean):
    decision = classify(raw)
    assert decision.path == clean
    assert decision.stacks == ("dev",)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("", "empty path"),
        ("   ", "empty path"),
        ("/etc/passwd", "repository-relative"),
        ("stacks\\dev\\x.py", "repository-relative"),
        ("stacks/../../x", "'..'"),
        ("./", "repository root"),
    ],
)
def test_invalid_path_is_rejected_with_a_reason(raw, fragment):
    with pytest.raises(AffectedStacksError, match=fragment):
        classify(raw)


def test_union_is_returned_in_promotion_order_whatever_the_input_order():
    result = affected_stacks(["stacks/prod/a.py", "stacks/dev/b.py", "stacks/prod/c.py"])
    assert result.stacks == ("dev", "prod")
    assert [d.path for d in result.decisions] == [
        "stacks/prod/a.py",
        "stacks/dev/b.py",
        "stacks/prod/c.py",
    ]


def test_empty_input_affects_no_stack():
    assert affected_stacks([]).stacks == ()


def test_stacks_constant_matches_the_stack_folders_in_the_repository():
    stacks_dir = REPO_ROOT / "stacks"
    folders = {p.name for p in stacks_dir.iterdir() if p.is_dir()} if stacks_dir.is_dir() else set()
    unknown = folders - set(STACKS) - {"__pycache__"}
    assert not unknown, f"stack folders unknown to tools/affected_stacks.py: {sorted(unknown)}"


# --- git input ---------------------------------------------------------------------------------


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    _git(tmp_path, "init", "-q", "-b", "main")
    for stack in STACKS:
        d = tmp_path / "stacks" / stack
        d.mkdir(parents=True)
        (d / f"Pulumi.{stack}.yaml").write_text(
            f"config:\n  mlsched:stack: {stack}\n  mlsched:pipelines: []\n  a: 1\n  b: 2\n"
        )
    (tmp_path / "README.md").write_text("# readme\n")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "base")
    return tmp_path


def _commit_all(repo: Path) -> None:
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "change")


def test_git_diff_of_a_modified_stack_file_affects_that_stack(repo):
    (repo / "stacks/staging/Pulumi.staging.yaml").write_text("config: {}\n")
    _commit_all(repo)
    paths = af.changed_paths("HEAD^1", "HEAD", repo)
    assert paths == ["stacks/staging/Pulumi.staging.yaml"]
    assert affected_stacks(paths).stacks == ("staging",)


def test_deleted_stack_file_still_affects_its_stack(repo):
    (repo / "stacks/prod/Pulumi.prod.yaml").unlink()
    _commit_all(repo)
    paths = af.changed_paths("HEAD^1", "HEAD", repo)
    assert paths == ["stacks/prod/Pulumi.prod.yaml"]
    assert affected_stacks(paths).stacks == ("prod",)


def test_file_moved_between_stacks_affects_both_the_old_and_the_new_stack(repo):
    (repo / "stacks/dev/Pulumi.dev.yaml").rename(repo / "stacks/prod/Pulumi.copy.yaml")
    _commit_all(repo)
    paths = af.changed_paths("HEAD^1", "HEAD", repo)
    assert paths == ["stacks/dev/Pulumi.dev.yaml", "stacks/prod/Pulumi.copy.yaml"]
    assert affected_stacks(paths).stacks == ("dev", "prod")


def test_renamed_stack_directory_is_an_error_not_a_silent_skip(repo, capsys):
    (repo / "stacks/staging").rename(repo / "stacks/stage")
    _commit_all(repo)
    assert main(["--base", "HEAD^1", "--head", "HEAD", "--repo", str(repo)]) == 2
    err = capsys.readouterr().err
    assert "stacks/stage/Pulumi.staging.yaml" in err
    assert "'stage'" in err


def test_git_failure_is_reported_with_a_fetch_depth_hint(repo, capsys):
    assert main(["--base", "no-such-ref", "--head", "HEAD", "--repo", str(repo)]) == 2
    err = capsys.readouterr().err
    assert "git diff no-such-ref HEAD failed" in err
    assert "fetch-depth" in err


def test_missing_git_binary_is_reported_not_raised(repo, monkeypatch):
    monkeypatch.setenv("PATH", "")
    with pytest.raises(AffectedStacksError, match="git is not installed"):
        af.changed_paths("HEAD", "HEAD", repo)


def test_identical_commits_affect_no_stack(repo):
    assert af.changed_paths("HEAD", "HEAD", repo) == []


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("M\0a\0", ["a"]),
        ("D\0a\0A\0b\0", ["a", "b"]),
        ("R087\0old\0new\0", ["old", "new"]),
        ("C100\0src\0dst\0", ["src", "dst"]),
        ("M\0no-trailing-nul", ["no-trailing-nul"]),
        ("", []),
    ],
)
def test_name_status_output_is_parsed_with_both_sides_of_renames(output, expected):
    assert af.parse_name_status_z(output) == expected


@pytest.mark.parametrize(
    ("output", "fragment"), [("R100\0old\0", "truncated"), ("\0a\0", "unexpected")]
)
def test_malformed_git_output_is_rejected(output, fragment):
    with pytest.raises(AffectedStacksError, match=fragment):
        af.parse_name_status_z(output)


# --- command line ------------------------------------------------------------------------------


def test_cli_writes_the_matrix_to_github_output_and_an_explanation_to_the_summary(tmp_path, capsys):
    out = tmp_path / "out"
    summary = tmp_path / "summary.md"
    out.write_text("earlier=1\n")
    code = main(
        [
            "stacks/prod/Pulumi.prod.yaml",
            "tools/plan/x.py",
            "--github-output",
            str(out),
            "--summary",
            str(summary),
        ]
    )
    assert code == 0
    assert out.read_text() == 'earlier=1\nstacks=["prod"]\n'
    text = summary.read_text()
    assert "Previewing: `prod`" in text
    assert "| `tools/plan/x.py` | none |" in text
    assert json.loads(capsys.readouterr().out) == ["prod"]


def test_cli_with_nothing_affected_says_so_and_emits_an_empty_matrix(tmp_path, capsys):
    summary = tmp_path / "summary.md"
    assert main(["README.md", "--summary", str(summary)]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert "No stack is affected" in summary.read_text()


def test_cli_reads_paths_from_stdin(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("stacks/dev/a.py\n\nuv.lock\n"))
    assert main(["-"]) == 0
    assert json.loads(capsys.readouterr().out) == list(STACKS)


def test_cli_with_empty_stdin_affects_no_stack(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["-"]) == 0
    assert json.loads(capsys.readouterr().out) == []


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--base", "HEAD"], "--base and --head go together"),
        (["--base", "A", "--head", "B", "x"], "not both"),
        (["stacks/qa/x"], "'qa'"),
    ],
)
def test_cli_usage_errors_exit_2_with_a_message_and_no_traceback(argv, fragment, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert fragment in err
    assert "Traceback" not in err


def test_module_runs_as_a_script():
    proc = subprocess.run(
        [sys.executable, "-m", "tools.affected_stacks", "modules/x.py"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == list(STACKS)


def test_script_needs_only_the_standard_library_so_ci_runs_it_without_the_venv():
    # -S: no site-packages, as on a runner's bare python3 before `make setup`.
    proc = subprocess.run(
        [sys.executable, "-S", "-m", "tools.affected_stacks", "stacks/prod/x.py"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == ["prod"]


def test_cli_without_any_path_writes_a_summary_without_a_table(tmp_path, capsys):
    summary = tmp_path / "summary.md"
    assert main(["--summary", str(summary)]) == 0
    assert json.loads(capsys.readouterr().out) == []
    text = summary.read_text()
    assert "No stack is affected" in text
    assert "| path |" not in text
