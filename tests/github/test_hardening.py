"""Hardening contract of .github/: permissions, pins, credentials, injection, caches, tooling."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
GITHUB_DIR = REPO_ROOT / ".github"
VENV_BIN = REPO_ROOT / ".venv" / "bin"
ALLOWED_SCOPES = {"contents", "id-token", "pull-requests"}
FORBIDDEN_TRIGGERS = {"pull_request_target", "workflow_run", "issue_comment"}
CACHE_ACTIONS = {"actions/cache", "actions/cache/restore", "actions/cache/save"}


def _comments_on_prs(job: dict) -> bool:
    """The job posts a PR comment: pulumi/actions comment-on-pr, or our gh fallback script."""
    for step in job.get("steps", []):
        if str(step.get("with", {}).get("comment-on-pr", "")).lower() == "true":
            return True
        if "gh pr comment" in step.get("run", "") or "preview-failure-comment" in step.get(
            "run", ""
        ):
            return True
    return False


def test_every_workflow_starts_from_no_permissions(workflows):
    for name, wf in workflows.items():
        assert wf.get("permissions") == {}, f"{name}: top-level `permissions: {{}}` is missing"


def test_every_job_declares_only_known_scopes_at_read_or_write(workflows):
    for name, wf in workflows.items():
        for job_id, job in wf["jobs"].items():
            perms = job.get("permissions")
            assert isinstance(perms, dict), f"{name}:{job_id} has no job-level permissions block"
            assert set(perms) <= ALLOWED_SCOPES, f"{name}:{job_id} asks for {sorted(perms)}"
            assert set(perms.values()) <= {"read", "write"}, f"{name}:{job_id}: {perms}"


def test_id_token_write_appears_exactly_where_aws_oidc_is_used(workflows, gh):
    for name, wf in workflows.items():
        for job_id, job in wf["jobs"].items():
            uses_oidc = bool(gh.steps_using(job, "aws-actions/configure-aws-credentials"))
            has_id_token = job.get("permissions", {}).get("id-token") == "write"
            assert uses_oidc == has_id_token, (
                f"{name}:{job_id}: id-token: write must be granted iff the job assumes an AWS role"
            )


def test_pull_requests_write_appears_exactly_where_a_comment_is_posted(workflows):
    for name, wf in workflows.items():
        for job_id, job in wf["jobs"].items():
            writes = job.get("permissions", {}).get("pull-requests") == "write"
            assert writes == _comments_on_prs(job), (
                f"{name}:{job_id}: pull-requests: write must be granted iff the job comments"
            )


def test_no_workflow_runs_untrusted_code_with_privileges(workflows, gh):
    for name, wf in workflows.items():
        bad = FORBIDDEN_TRIGGERS & set(gh.triggers(wf))
        assert not bad, f"{name} uses privileged trigger(s) {sorted(bad)}"
    for path in GITHUB_DIR.rglob("*.yml"):
        code = [ln for ln in path.read_text().splitlines() if not ln.lstrip().startswith("#")]
        assert "pull_request_target" not in "\n".join(code), path


def test_no_job_inherits_all_secrets(workflows):
    for name, wf in workflows.items():
        for job_id, job in wf["jobs"].items():
            assert job.get("secrets") != "inherit", f"{name}:{job_id} uses `secrets: inherit`"


def test_every_uses_is_pinned_to_a_commit_sha_with_its_version_in_a_comment(gh):
    files = sorted(GITHUB_DIR.rglob("*.yml"))
    assert any(f.parent.name == "workflows" for f in files)
    for path in files:
        bad = gh.unpinned_uses(path.read_text())
        assert not bad, f"{path.relative_to(REPO_ROOT)}: unpinned uses: {bad}"


def test_each_action_is_pinned_to_the_same_commit_and_tag_everywhere():
    pins: dict[str, set[tuple[str, str]]] = {}
    pattern = re.compile(r"uses:\s+([\w.-]+/[\w.-]+)@([0-9a-f]{40})\s+#\s+(\S+)")
    for path in GITHUB_DIR.rglob("*.yml"):
        for action, sha, tag in pattern.findall(path.read_text()):
            pins.setdefault(action, set()).add((sha, tag))
    assert pins, "no pinned actions found"
    drifted = {a: sorted(p) for a, p in pins.items() if len(p) > 1}
    assert not drifted, f"actions pinned inconsistently: {drifted}"


def test_local_actions_and_workflows_use_the_self_repository_syntax(workflows, setup_action, gh):
    documents = {**workflows, "actions/setup/action.yml": setup_action}
    for name, doc in documents.items():
        refs = [s.get("uses", "") for _, s in gh.iter_steps(doc)]
        refs += [j.get("uses", "") for j in doc.get("jobs", {}).values()]
        refs += [s.get("uses", "") for s in doc.get("runs", {}).get("steps", [])]
        local = [r for r in refs if r.startswith("./")]
        assert not local, f"{name}: use '$/...' (self-repository) instead of {local}"


def test_every_checkout_drops_the_token_from_git_config(workflows, gh):
    checkouts = 0
    for name, wf in workflows.items():
        for job_id, step in gh.iter_steps(wf):
            if gh.uses_name(step) == "actions/checkout":
                checkouts += 1
                persist = step.get("with", {}).get("persist-credentials")
                assert persist is False, (
                    f"{name}:{job_id}: checkout needs persist-credentials: false"
                )
    assert checkouts >= 5


def test_no_expression_is_interpolated_into_a_shell_script(workflows, setup_action, gh):
    for name, doc in {**workflows, "actions/setup/action.yml": setup_action}.items():
        assert not gh.expressions_in_run(doc), f"{name}: pass values through env: instead"


def test_deploy_jobs_restore_no_cache(workflows, setup_action, gh):
    for job_id, job in workflows["deploy.yml"]["jobs"].items():
        for step in job.get("steps", []):
            assert gh.uses_name(step) not in CACHE_ACTIONS, f"deploy.yml:{job_id} restores a cache"
            assert "cache" not in step.get("with", {}), f"deploy.yml:{job_id}: {step}"
    for step in setup_action["runs"]["steps"]:
        if gh.uses_name(step) == "astral-sh/setup-uv":
            assert step["with"]["enable-cache"] is False, "setup-uv must not restore a cache"
        if gh.uses_name(step) == "actions/setup-python":
            assert "cache" not in step.get("with", {}), "setup-python must not restore a cache"


def test_every_job_has_a_timeout(workflows):
    for name, wf in workflows.items():
        for job_id, job in wf["jobs"].items():
            if "uses" in job:
                continue  # a reusable-workflow call; its jobs carry their own timeouts
            assert 0 < job.get("timeout-minutes", 0) <= 60, f"{name}:{job_id} has no timeout"


def test_uv_in_actions_is_the_version_the_makefile_bootstraps(setup_action, gh):
    makefile = (REPO_ROOT / "Makefile").read_text()
    m = re.search(r"^UV_VERSION\s*:=\s*(\S+)", makefile, re.MULTILINE)
    assert m, "Makefile defines no UV_VERSION"
    (uv_step,) = [
        s for s in setup_action["runs"]["steps"] if gh.uses_name(s) == "astral-sh/setup-uv"
    ]
    assert str(uv_step["with"]["version"]) == m.group(1)


def test_make_lint_runs_zizmor_offline_the_schema_checks_and_shellcheck():
    makefile = (REPO_ROOT / "Makefile").read_text()
    recipe = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert re.search(r"zizmor .*--offline", recipe), recipe
    for schema in ("vendor.github-workflows", "vendor.github-actions", "vendor.dependabot"):
        assert f"--builtin-schema {schema}" in recipe, f"make lint does not check {schema}"
    assert "shellcheck --severity=style .github/scripts/" in recipe, "make lint skips shellcheck"


def test_dependabot_updates_actions_and_the_uv_lock_with_a_cooldown(gh):
    config = gh.load_yaml(GITHUB_DIR / "dependabot.yml")
    by_ecosystem = {u["package-ecosystem"]: u for u in config["updates"]}
    assert set(by_ecosystem) == {"github-actions", "uv"}
    assert "/.github/actions/*" in by_ecosystem["github-actions"]["directories"]
    for ecosystem, update in by_ecosystem.items():
        assert update["cooldown"]["default-days"] >= 3, f"{ecosystem}: cooldown too short"


# --- the checkers themselves can fail ----------------------------------------------------------

BAD_WORKFLOW = """\
name: bad
on:
  pull_request_target:
permissions: write-all
jobs:
  greet:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - uses: ./.github/actions/setup
      - uses: actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97
      - run: echo "${{ github.event.pull_request.title }}"
"""


def test_contract_helpers_flag_a_deliberately_bad_workflow(gh):
    wf = yaml.safe_load(BAD_WORKFLOW)
    assert "pull_request_target" in gh.triggers(wf)
    assert gh.unpinned_uses(BAD_WORKFLOW) == [
        "- uses: actions/checkout@v4",
        "- uses: ./.github/actions/setup",
        "- uses: actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97",
    ]
    assert gh.expressions_in_run(wf) == ['greet: echo "${{ github.event.pull_request.title }}"']


def _tool(name: str) -> Path:
    path = VENV_BIN / name
    if not path.exists():
        found = shutil.which(name)
        if found is None:
            pytest.fail(f"{name} is not installed; run `make setup`")
        path = Path(found)
    return path


def test_zizmor_rejects_a_deliberately_bad_workflow(tmp_path):
    target = tmp_path / ".github" / "workflows"
    target.mkdir(parents=True)
    (target / "bad.yml").write_text(BAD_WORKFLOW)
    proc = subprocess.run(
        [str(_tool("zizmor")), "--offline", "--no-progress", "--format", "plain", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode != 0, proc.stdout
    for audit in ("dangerous-triggers", "template-injection", "unpinned-uses", "artipacked"):
        assert audit in proc.stdout, f"zizmor did not report {audit}:\n{proc.stdout}"


def test_workflow_schema_rejects_a_job_without_runs_on(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    steps:\n      - run: true\n")
    proc = subprocess.run(
        [str(_tool("check-jsonschema")), "--builtin-schema", "vendor.github-workflows", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr


def _run_scripts(workflows, setup_action, gh) -> list[tuple[str, str]]:
    scripts = [
        (f"{n}:{j}", s["run"])
        for n, wf in workflows.items()
        for j, s in gh.iter_steps(wf)
        if "run" in s
    ]
    scripts += [
        (f"setup:{s['name']}", s["run"]) for s in setup_action["runs"]["steps"] if "run" in s
    ]
    return [(where, run) for where, run in scripts if run]


def test_every_inline_run_script_passes_shellcheck(workflows, setup_action, gh, tmp_path):
    # Every run step uses bash (workflow `defaults.run.shell`, `shell: bash` in the action).
    for name, wf in workflows.items():
        assert wf["defaults"]["run"]["shell"] == "bash", f"{name}: defaults.run.shell"
    scripts = _run_scripts(workflows, setup_action, gh)
    assert len(scripts) >= 10
    for i, (where, run) in enumerate(scripts):
        path = tmp_path / f"step{i}.sh"
        path.write_text(f"#!/usr/bin/env bash\nset -eo pipefail\n{run}\n")
        proc = subprocess.run(
            [str(_tool("shellcheck")), "--severity=style", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, f"{where}:\n{proc.stdout}"


def test_shellcheck_flags_an_unquoted_expansion(tmp_path):
    bad = tmp_path / "bad.sh"
    bad.write_text("#!/usr/bin/env bash\nrm -rf $DIR/build\n")
    proc = subprocess.run(
        [str(_tool("shellcheck")), str(bad)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 1
    assert "SC2086" in proc.stdout
