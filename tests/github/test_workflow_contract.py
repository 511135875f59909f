"""Behavioural contract of the workflows: who runs when, on which stacks, with which inputs."""

from __future__ import annotations

import pytest

from tools.affected_stacks import STACKS

WORKSPACE = "${{ github.workspace }}"
PREVIEW_PERMISSIONS = {"contents": "read", "id-token": "write", "pull-requests": "write"}
DEPLOY_PERMISSIONS = {"contents": "read", "id-token": "write"}


def _truthy(value) -> bool:
    return str(value).lower() == "true"


def _only(steps: list[dict], what: str) -> dict:
    assert len(steps) == 1, f"expected exactly one {what} step, found {len(steps)}"
    return steps[0]


def _step_index(job: dict, predicate) -> int:
    for i, step in enumerate(job["steps"]):
        if predicate(step):
            return i
    raise AssertionError("step not found")


# --- checks ------------------------------------------------------------------------------------


def test_checks_run_on_every_pull_request_and_are_callable_by_deploy(workflows, gh):
    on = gh.triggers(workflows["checks.yml"])
    assert "pull_request" in on
    assert "workflow_call" in on
    assert on["pull_request"] is None, "checks must not be path-filtered: they gate every PR"


PLAN_IN_CI = ".venv/bin/mlsched plan --out build/plan"


def test_checks_run_make_lint_the_readme_test_command_and_mlsched_plan(workflows, gh):
    runs = [s.get("run", "") for _, s in gh.iter_steps(workflows["checks.yml"])]
    readme = (gh.REPO_ROOT / "README.md").read_text()
    assert "make test" in readme, "README no longer documents `make test`"
    # `make plan` would turn a mandatory violation's exit status 1 into make's 2.
    for command in ("make lint", "make test", PLAN_IN_CI):
        assert command in runs, f"checks.yml does not run `{command}`"


def test_plan_reports_reach_the_job_summary_even_when_the_plan_fails(workflows):
    plan = workflows["checks.yml"]["jobs"]["plan"]
    i_plan = _step_index(plan, lambda s: s.get("run") == PLAN_IN_CI)
    summary = plan["steps"][i_plan + 1]
    assert summary["if"] == "${{ !cancelled() }}"
    assert "plan-summary.sh dev staging prod" in summary["run"]
    assert (
        summary["env"]["PLAN_OUTCOME"] == f"${{{{ steps.{plan['steps'][i_plan]['id']}.outcome }}}}"
    )


# --- preview -----------------------------------------------------------------------------------


def test_preview_runs_on_pull_requests_only(workflows, gh):
    assert set(gh.triggers(workflows["preview.yml"])) == {"pull_request"}


def test_preview_matrix_is_the_output_of_the_affected_stacks_script(workflows):
    jobs = workflows["preview.yml"]["jobs"]
    (step,) = [s for s in jobs["affected"]["steps"] if "run" in s]
    assert "python3 -m tools.affected_stacks --base HEAD^1 --head HEAD" in step["run"]
    assert jobs["affected"]["outputs"]["stacks"] == f"${{{{ steps.{step['id']}.outputs.stacks }}}}"
    checkout = jobs["affected"]["steps"][0]
    assert checkout["with"]["fetch-depth"] == 2, "HEAD^1 needs the merge commit's parent"
    for job_id in ("preview", "offline-plan"):
        job = jobs[job_id]
        assert job["needs"] == "affected"
        assert (
            job["strategy"]["matrix"]["stack"] == "${{ fromJSON(needs.affected.outputs.stacks) }}"
        )
        assert "needs.affected.outputs.stacks != '[]'" in job["if"], f"{job_id}: empty matrix"
        assert job["strategy"]["fail-fast"] is False


def test_cloud_preview_runs_only_for_branches_of_this_repository(workflows):
    jobs = workflows["preview.yml"]["jobs"]
    same_repo = "github.event.pull_request.head.repo.full_name == github.repository"
    fork = "github.event.pull_request.head.repo.full_name != github.repository"
    assert same_repo in jobs["preview"]["if"]
    assert fork in jobs["offline-plan"]["if"]
    assert jobs["offline-plan"]["permissions"] == {"contents": "read"}
    runs = [s.get("run", "") for s in jobs["offline-plan"]["steps"]]
    assert '.github/scripts/schedule-diff.sh "$STACK"' in runs
    assert not any("secrets." in str(s) for s in jobs["offline-plan"]["steps"])
    assert not any("GH_TOKEN" in s.get("env", {}) for s in jobs["offline-plan"]["steps"]), (
        "a fork's token cannot comment: the diff goes to the job summary only"
    )


def test_the_schedule_diff_runs_before_the_cloud_preview_and_may_comment(workflows, gh):
    job = workflows["preview.yml"]["jobs"]["preview"]
    i_diff = _step_index(job, lambda s: "schedule-diff.sh" in s.get("run", ""))
    i_pulumi = _step_index(job, lambda s: gh.uses_name(s) == "pulumi/actions")
    assert i_diff < i_pulumi, "the diff's comment and summary come first"
    step = job["steps"][i_diff]
    assert step["env"]["GH_TOKEN"] == "${{ github.token }}"
    assert step["env"]["STACK"] == "${{ matrix.stack }}"
    # A mandatory violation is left to pulumi preview to stop on; bad input fails the step.
    assert step["run"].endswith("|| [[ $? -eq 1 ]]")


def test_the_fork_plan_fails_on_a_mandatory_violation_and_still_writes_its_summary(workflows):
    job = workflows["preview.yml"]["jobs"]["offline-plan"]
    i_diff = _step_index(job, lambda s: s.get("id") == "plan")
    assert job["steps"][i_diff]["run"] == '.github/scripts/schedule-diff.sh "$STACK"'
    summary = job["steps"][i_diff + 1]
    assert summary["if"] == "${{ !cancelled() }}"
    assert summary["env"]["PLAN_DIR"] == "build/diff/plan"


@pytest.mark.parametrize("job_id", ["preview", "offline-plan"])
def test_diff_jobs_fetch_the_base_parent_of_the_merge_commit(workflows, job_id):
    checkout = workflows["preview.yml"]["jobs"][job_id]["steps"][0]
    assert checkout["with"]["fetch-depth"] == 2, "mlsched diff --base HEAD^1 needs the parent"


def test_preview_runs_pulumi_preview_with_comments_and_the_policy_pack_of_its_stack(workflows, gh):
    job = workflows["preview.yml"]["jobs"]["preview"]
    assert job["permissions"] == PREVIEW_PERMISSIONS
    pulumi = _only(gh.steps_using(job, "pulumi/actions"), "pulumi/actions")["with"]
    assert pulumi["command"] == "preview"
    assert _truthy(pulumi["comment-on-pr"])
    assert pulumi["work-dir"] == "stacks/${{ matrix.stack }}"
    assert pulumi["policyPacks"] == f"{WORKSPACE}/policies"
    assert (
        pulumi["policyPackConfigs"] == f"{WORKSPACE}/policies/config/${{{{ matrix.stack }}}}.json"
    )


def test_preview_assumes_the_read_only_preview_role_of_each_stack(workflows, gh):
    for wf_name, job_id in (("preview.yml", "preview"), ("drift.yml", "drift")):
        job = workflows[wf_name]["jobs"][job_id]
        aws = _only(gh.steps_using(job, "aws-actions/configure-aws-credentials"), "aws")["with"]
        role = " ".join(aws["role-to-assume"].split())
        for stack in STACKS:
            clause = f"matrix.stack == '{stack}' && vars.AWS_PREVIEW_ROLE_ARN_{stack.upper()}"
            assert clause in role, f"{wf_name}:{job_id}: no preview role for {stack}: {role}"
        assert "DEPLOY" not in role
        assert aws["aws-region"] == "${{ vars.AWS_REGION }}"


def test_a_failed_preview_still_reaches_the_pull_request(workflows):
    job = workflows["preview.yml"]["jobs"]["preview"]
    i_preview = _step_index(job, lambda s: s.get("id") == "preview")
    fallback = job["steps"][i_preview + 1]
    assert fallback["if"] == "${{ failure() && steps.preview.outcome == 'failure' }}"
    assert fallback["run"] == ".github/scripts/preview-failure-comment.sh"
    assert fallback["env"]["GH_TOKEN"] == "${{ github.token }}"


def test_previews_of_one_pull_request_supersede_each_other(workflows):
    concurrency = workflows["preview.yml"]["concurrency"]
    assert "github.event.pull_request.number" in concurrency["group"]
    assert concurrency["cancel-in-progress"] is True


# --- deploy ------------------------------------------------------------------------------------


def test_deploy_runs_on_push_to_main_only(workflows, gh):
    on = gh.triggers(workflows["deploy.yml"])
    assert set(on) == {"push"}
    assert on["push"] == {"branches": ["main"]}


def test_deploy_runs_the_checks_first_and_then_dev_staging_prod_in_order(workflows):
    jobs = workflows["deploy.yml"]["jobs"]
    assert jobs["checks"]["uses"] == "$/.github/workflows/checks.yml"
    assert jobs["checks"]["permissions"] == {"contents": "read"}
    previous = "checks"
    for stack in STACKS:
        job = jobs[f"deploy-{stack}"]
        assert job["needs"] == previous, f"deploy-{stack} must wait for {previous}"
        previous = f"deploy-{stack}"
    assert set(jobs) == {"checks", *(f"deploy-{s}" for s in STACKS)}


@pytest.mark.parametrize("stack", STACKS)
def test_deploy_job_runs_in_the_environment_named_after_its_stack(workflows, stack):
    job = workflows["deploy.yml"]["jobs"][f"deploy-{stack}"]
    env = job["environment"]
    assert (env["name"] if isinstance(env, dict) else env) == stack


@pytest.mark.parametrize("stack", STACKS)
def test_deploy_of_a_stack_is_never_cancelled_midway(workflows, stack):
    job = workflows["deploy.yml"]["jobs"][f"deploy-{stack}"]
    assert job["concurrency"] == {"group": f"deploy-{stack}", "cancel-in-progress": False}


@pytest.mark.parametrize("stack", STACKS)
def test_deploy_job_runs_up_with_refresh_and_the_policy_pack_of_its_stack(workflows, gh, stack):
    job = workflows["deploy.yml"]["jobs"][f"deploy-{stack}"]
    assert job["permissions"] == DEPLOY_PERMISSIONS
    pulumi = _only(gh.steps_using(job, "pulumi/actions"), "pulumi/actions")["with"]
    assert pulumi["command"] == "up"
    assert _truthy(pulumi["refresh"])
    assert pulumi["work-dir"] == f"stacks/{stack}"
    assert pulumi["policyPacks"] == f"{WORKSPACE}/policies"
    assert pulumi["policyPackConfigs"] == f"{WORKSPACE}/policies/config/{stack}.json"
    assert pulumi["stack-name"] == "${{ env.PULUMI_STACK_NAME }}"
    assert f"'{stack}'" in job["env"]["PULUMI_STACK_NAME"]


@pytest.mark.parametrize("stack", STACKS)
def test_deploy_assumes_the_deploy_role_before_up_and_summarises_outputs_after(
    workflows, gh, stack
):
    job = workflows["deploy.yml"]["jobs"][f"deploy-{stack}"]
    aws = _only(gh.steps_using(job, "aws-actions/configure-aws-credentials"), "aws")
    assert aws["with"]["role-to-assume"] == "${{ vars.AWS_DEPLOY_ROLE_ARN }}"
    i_setup = _step_index(job, lambda s: s.get("uses") == "$/.github/actions/setup")
    i_aws = _step_index(job, lambda s: s is aws)
    i_up = _step_index(job, lambda s: gh.uses_name(s) == "pulumi/actions")
    i_out = _step_index(job, lambda s: "stack-outputs-summary.sh" in s.get("run", ""))
    assert i_setup < i_aws < i_up < i_out, "dependencies, then credentials, then up, then outputs"
    assert job["steps"][i_out]["env"]["STACK_DIR"] == f"stacks/{stack}"


# --- drift -------------------------------------------------------------------------------------


def test_drift_detection_runs_on_a_schedule_and_by_hand(workflows, gh):
    on = gh.triggers(workflows["drift.yml"])
    assert set(on) == {"schedule", "workflow_dispatch"}
    (entry,) = on["schedule"]
    assert len(entry["cron"].split()) == 5


def test_drift_previews_every_stack_expecting_no_changes(workflows, gh):
    job = workflows["drift.yml"]["jobs"]["drift"]
    assert tuple(job["strategy"]["matrix"]["stack"]) == STACKS
    assert job["strategy"]["fail-fast"] is False
    assert job["permissions"] == DEPLOY_PERMISSIONS
    pulumi = _only(gh.steps_using(job, "pulumi/actions"), "pulumi/actions")["with"]
    assert pulumi["command"] == "preview"
    assert _truthy(pulumi["expect-no-changes"])
    assert _truthy(pulumi["refresh"]), "without refresh a preview cannot see drift"
    assert (
        pulumi["policyPackConfigs"] == f"{WORKSPACE}/policies/config/${{{{ matrix.stack }}}}.json"
    )


# --- shared across the cloud jobs --------------------------------------------------------------


def _cloud_jobs(workflows, gh):
    for name, wf in workflows.items():
        for job_id, job in wf["jobs"].items():
            if gh.steps_using(job, "pulumi/actions"):
                yield f"{name}:{job_id}", job


def test_dependencies_are_installed_before_pulumi_runs(workflows, gh):
    for where, job in _cloud_jobs(workflows, gh):
        i_setup = _step_index(job, lambda s: s.get("uses") == "$/.github/actions/setup")
        i_pulumi = _step_index(job, lambda s: gh.uses_name(s) == "pulumi/actions")
        assert i_setup < i_pulumi, f"{where}: make setup must run before pulumi/actions"


def test_pulumi_cli_follows_the_sdk_version_in_the_lock(workflows, gh):
    for where, job in _cloud_jobs(workflows, gh):
        setup = next(s for s in job["steps"] if s.get("uses") == "$/.github/actions/setup")
        pulumi = _only(gh.steps_using(job, "pulumi/actions"), "pulumi/actions")["with"]
        expected = f"${{{{ steps.{setup['id']}.outputs.pulumi-version }}}}"
        assert pulumi["pulumi-version"] == expected, where


def test_state_backend_and_token_come_from_variables_and_secrets(workflows, gh):
    for where, job in _cloud_jobs(workflows, gh):
        step = _only(gh.steps_using(job, "pulumi/actions"), "pulumi/actions")
        assert step["with"]["cloud-url"] == "${{ vars.PULUMI_BACKEND_URL }}", where
        env = dict(step["env"])
        assert env.pop("PULUMI_ACCESS_TOKEN") == "${{ secrets.PULUMI_ACCESS_TOKEN }}", where
        # The only other inputs: the Azure providers' OIDC settings (tests/github/test_azure.py).
        assert set(env) <= {"ARM_USE_OIDC", "ARM_CLIENT_ID", "ARM_TENANT_ID", "ARM_SUBSCRIPTION_ID"}


def test_every_stack_has_the_files_the_workflows_point_at(gh):
    for stack in STACKS:
        stack_dir = gh.REPO_ROOT / "stacks" / stack
        config = gh.REPO_ROOT / "policies" / "config" / f"{stack}.json"
        if not stack_dir.exists() or not config.parent.exists():
            pytest.skip("stacks/ or policies/config/ not built yet")
        assert (stack_dir / "Pulumi.yaml").is_file(), f"stacks/{stack}/Pulumi.yaml missing"
        assert config.is_file(), f"policies/config/{stack}.json missing"
