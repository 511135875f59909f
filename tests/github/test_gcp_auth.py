"""Google Cloud login in the workflows: Workload Identity Federation, pinned, only for stacks
with Google Cloud pipelines (tools.stack_clouds decides it), before Pulumi runs."""

from __future__ import annotations

import pytest

from tools.stack_clouds import clouds, main

AUTH = "google-github-actions/auth"
# v3.0.0, resolved from google-github-actions/auth's own tags.
AUTH_SHA = "7c6bc770dae815cd3e89ee6cdf493a5fab2cc093"
JOBS = [
    ("deploy.yml", "deploy-dev"),
    ("deploy.yml", "deploy-staging"),
    ("deploy.yml", "deploy-prod"),
    ("preview.yml", "preview"),
    ("drift.yml", "drift"),
]


def _index(job, predicate) -> int:
    (index,) = [i for i, step in enumerate(job["steps"]) if predicate(step)]
    return index


@pytest.mark.parametrize(("workflow", "job_id"), JOBS)
def test_google_login_is_federated_never_a_key_file(workflows, gh, workflow, job_id) -> None:
    job = workflows[workflow]["jobs"][job_id]
    (step,) = gh.steps_using(job, AUTH)
    assert step["uses"] == f"{AUTH}@{AUTH_SHA}", f"{workflow} {job_id}"
    inputs = step["with"]
    assert inputs["workload_identity_provider"] == "${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}"
    assert "credentials_json" not in inputs, f"{workflow} {job_id} must not use a key"
    assert job["permissions"]["id-token"] == "write", f"{workflow} {job_id}"


@pytest.mark.parametrize(("workflow", "job_id"), JOBS)
def test_google_login_runs_only_for_stacks_with_google_pipelines(
    workflows, gh, workflow, job_id
) -> None:
    job = workflows[workflow]["jobs"][job_id]
    (step,) = gh.steps_using(job, AUTH)
    assert step["if"] == "steps.clouds.outputs.gcp == 'true'", f"{workflow} {job_id}"
    i_clouds = _index(job, lambda s: s.get("id") == "clouds")
    assert "tools.stack_clouds" in job["steps"][i_clouds]["run"]
    i_auth = _index(job, lambda s: s is step)
    i_pulumi = _index(job, lambda s: gh.uses_name(s) == "pulumi/actions")
    assert i_clouds < i_auth < i_pulumi, f"{workflow} {job_id}: clouds, login, then Pulumi"


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_deploys_use_the_environments_deploy_account(workflows, gh, stack) -> None:
    job = workflows["deploy.yml"]["jobs"][f"deploy-{stack}"]
    (step,) = gh.steps_using(job, AUTH)
    assert step["with"]["service_account"] == "${{ vars.GCP_DEPLOY_SERVICE_ACCOUNT }}"
    assert job["environment"] == stack


@pytest.mark.parametrize("workflow", ["preview.yml", "drift.yml"])
def test_previews_use_each_stacks_read_only_account_or_fail(workflows, gh, workflow) -> None:
    job_id = "preview" if workflow == "preview.yml" else "drift"
    (step,) = gh.steps_using(workflows[workflow]["jobs"][job_id], AUTH)
    account = step["with"]["service_account"]
    for stack in ("DEV", "STAGING", "PROD"):
        assert f"vars.GCP_PREVIEW_SERVICE_ACCOUNT_{stack}" in account
    assert account.rstrip().endswith("|| '' }}"), "an unknown stack must get no account"


def test_every_shipped_stack_has_google_pipelines_so_logs_in_to_google() -> None:
    for stack in ("dev", "staging", "prod"):
        assert clouds(stack)["gcp"], f"stacks/{stack}/Pulumi.{stack}.yaml"


def test_stack_clouds_prints_step_outputs_and_fails_cleanly(capsys) -> None:
    assert main(["prod"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("=")[0] for line in lines] == ["aws", "azure", "gcp"]
    assert "gcp=true" in lines
    assert main([]) == 2
