"""Azure sign-in in the workflows: azure/login with OIDC (no client secret), only for stacks that
deploy Azure pipelines, and the same federated token handed to the Pulumi providers."""

from __future__ import annotations

AZURE_LOGIN = "azure/login"
CLOUDS_RUN = '.venv/bin/python -m tools.stack_clouds "$STACK" >> "$GITHUB_OUTPUT"'


def _pulumi_jobs(workflows, gh):
    for name, wf in workflows.items():
        for job_id, job in wf["jobs"].items():
            if gh.steps_using(job, "pulumi/actions"):
                yield f"{name}:{job_id}", job


def test_every_pulumi_job_signs_in_to_azure_only_when_its_stack_has_azure_pipelines(workflows, gh):
    jobs = list(_pulumi_jobs(workflows, gh))
    assert jobs, "no Pulumi jobs found"
    for where, job in jobs:
        steps = job["steps"]
        clouds = [i for i, s in enumerate(steps) if s.get("run") == CLOUDS_RUN]
        logins = [i for i, s in enumerate(steps) if gh.uses_name(s) == AZURE_LOGIN]
        pulumi = [i for i, s in enumerate(steps) if gh.uses_name(s) == "pulumi/actions"]
        assert len(clouds) == 1, where
        assert len(logins) == 1, where
        assert clouds[0] < logins[0] < pulumi[0], f"{where}: clouds, then login, then Pulumi"
        login = steps[logins[0]]
        assert login["if"] == f"steps.{steps[clouds[0]]['id']}.outputs.azure == 'true'", where


def test_azure_login_uses_a_federated_credential_and_no_secret(workflows, gh):
    for where, job in _pulumi_jobs(workflows, gh):
        (login,) = gh.steps_using(job, AZURE_LOGIN)
        inputs = login["with"]
        assert set(inputs) == {"client-id", "tenant-id", "subscription-id"}, where
        assert "creds" not in inputs, f"{where}: a creds JSON carries a client secret"
        assert all("secrets." not in str(v) for v in inputs.values()), where
        assert job["permissions"]["id-token"] == "write", f"{where}: OIDC needs id-token: write"


def test_azure_login_is_pinned_to_v3_0_1_by_commit(workflows, gh):
    for where, job in _pulumi_jobs(workflows, gh):
        (login,) = gh.steps_using(job, AZURE_LOGIN)
        assert login["uses"] == "azure/login@f5d393ae46f8fde4be8b75f32e3fc50e654ad0ca", where


def test_pulumi_providers_get_oidc_from_the_same_clouds_output(workflows, gh):
    for where, job in _pulumi_jobs(workflows, gh):
        (step,) = gh.steps_using(job, "pulumi/actions")
        env = step["env"]
        clouds_id = next(s["id"] for s in job["steps"] if s.get("run") == CLOUDS_RUN)
        assert env["ARM_USE_OIDC"] == f"${{{{ steps.{clouds_id}.outputs.azure }}}}", where
        assert "ARM_CLIENT_SECRET" not in env, where
        for key in ("ARM_CLIENT_ID", "ARM_TENANT_ID", "ARM_SUBSCRIPTION_ID"):
            assert f"steps.{clouds_id}.outputs.azure == 'true'" in env[key], (where, key)


def test_deploy_jobs_use_their_environments_deploy_identity(workflows, gh):
    for job_id, job in workflows["deploy.yml"]["jobs"].items():
        if not gh.steps_using(job, "pulumi/actions"):
            continue
        (login,) = gh.steps_using(job, AZURE_LOGIN)
        # Environment-scoped variables: each environment's own Entra application.
        assert login["with"]["client-id"] == "${{ vars.AZURE_CLIENT_ID }}", job_id
        assert job["environment"] in ("dev", "staging", "prod"), job_id
