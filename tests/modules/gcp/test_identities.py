"""modules.gcp.identities.PipelineIdentities under mocks: dedicated accounts, per-member IAM."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from modules.gcp.identities import PipelineIdentities, PipelineIdentitiesArgs, role_suffix
from modules.gcp.model import BucketGrant
from tools.mockrun import StackRun

AUTHORITATIVE = (
    "gcp:projects/iAMBinding:IAMBinding",
    "gcp:projects/iAMPolicy:IAMPolicy",
    "gcp:serviceaccount/iAMBinding:IAMBinding",
    "gcp:serviceaccount/iAMPolicy:IAMPolicy",
    "gcp:storage/bucketIAMBinding:BucketIAMBinding",
    "gcp:storage/bucketIAMPolicy:BucketIAMPolicy",
)


PROJECT = "ml-platform-dev"


def member_of(result: StackRun, account_name: str) -> str:
    return "serviceAccount:" + result.named(account_name).outputs["email"]


def build(**kwargs: Any) -> Callable[[], None]:
    def program() -> None:
        args = {
            "project": PROJECT,
            "account_prefix": "churn",
            "run_project_roles": ("roles/aiplatform.user",),
            "scheduler_project_roles": ("roles/aiplatform.user",),
            **kwargs,
        }
        PipelineIdentities("churn-identities", PipelineIdentitiesArgs(**args))

    return program


def test_two_dedicated_accounts_are_created_in_the_project(run) -> None:
    result = run(build())
    run_account = result.named("churn-identities-run")
    scheduler = result.named("churn-identities-scheduler")
    assert run_account.inputs["accountId"] == "churn-run", run_account.urn
    assert scheduler.inputs["accountId"] == "churn-sched", scheduler.urn
    assert {run_account.inputs["project"], scheduler.inputs["project"]} == {PROJECT}


def test_no_scheduler_account_without_scheduler_roles(run) -> None:
    result = run(build(scheduler_project_roles=None))
    names = [r.name for r in result.of_type("gcp:serviceaccount/account:Account")]
    assert names == ["churn-identities-run"]
    assert not [r for r in result.resources if r.name == "churn-identities-scheduler-act-as"]


def test_no_service_account_key_is_ever_created(run) -> None:
    result = run(build())
    assert not result.of_type("gcp:serviceaccount/key:Key")


def test_project_roles_are_granted_member_by_member_never_authoritatively(run) -> None:
    result = run(build())
    grants = result.of_type("gcp:projects/iAMMember:IAMMember")
    assert {(g.inputs["role"], g.inputs["member"]) for g in grants} == {
        ("roles/aiplatform.user", member_of(result, "churn-identities-run")),
        ("roles/aiplatform.user", member_of(result, "churn-identities-scheduler")),
    }
    assert not [r for r in result.resources if r.type in AUTHORITATIVE]


def test_storage_roles_are_granted_on_the_named_buckets_only(run) -> None:
    buckets = (BucketGrant("artifacts", "write"), BucketGrant("data", "read"))
    result = run(build(buckets=buckets))
    grants = result.of_type("gcp:storage/bucketIAMMember:BucketIAMMember")
    member = member_of(result, "churn-identities-run")
    assert {(g.inputs["bucket"], g.inputs["role"], g.inputs["member"]) for g in grants} == {
        ("artifacts", "roles/storage.objectViewer", member),
        ("artifacts", "roles/storage.objectCreator", member),
        ("data", "roles/storage.objectViewer", member),
    }
    project_roles = {g.inputs["role"] for g in result.of_type("gcp:projects/iAMMember:IAMMember")}
    assert not any(role.startswith("roles/storage.") for role in project_roles)


def test_scheduler_may_act_as_the_run_account_on_that_account_only(run) -> None:
    result = run(build())
    act_as = result.named("churn-identities-scheduler-act-as")
    assert act_as.type == "gcp:serviceaccount/iAMMember:IAMMember", act_as.urn
    assert act_as.inputs["serviceAccountId"] == result.named("churn-identities-run").outputs["name"]
    assert act_as.inputs["role"] == "roles/iam.serviceAccountUser", act_as.urn
    assert act_as.inputs["member"] == member_of(result, "churn-identities-scheduler"), act_as.urn
    project_roles = {g.inputs["role"] for g in result.of_type("gcp:projects/iAMMember:IAMMember")}
    assert "roles/iam.serviceAccountUser" not in project_roles


def test_extra_run_account_users_are_granted_on_the_run_account(run) -> None:
    deployer = "serviceAccount:deploy@ml-platform-dev.iam.gserviceaccount.com"
    result = run(build(scheduler_project_roles=None, run_account_users=(deployer,)))
    grant = result.named("churn-identities-user-0-act-as")
    assert grant.inputs["member"] == deployer, grant.urn
    assert grant.inputs["serviceAccountId"] == result.named("churn-identities-run").outputs["name"]


def test_grant_names_follow_the_role_so_adding_one_renames_none(run) -> None:
    one = run(build(run_project_roles=("roles/aiplatform.user",)))
    two = run(build(run_project_roles=("roles/aiplatform.viewer", "roles/aiplatform.user")))
    before = {r.urn for r in one.of_type("gcp:projects/iAMMember:IAMMember")}
    after = {r.urn for r in two.of_type("gcp:projects/iAMMember:IAMMember")}
    assert before < after


def test_role_suffix_names_a_role_without_its_prefix() -> None:
    assert role_suffix("roles/iam.serviceAccountUser") == "iam-serviceaccountuser"


def test_outputs_are_the_account_emails(run: Callable[..., StackRun]) -> None:
    result = run(build())
    component = result.named("churn-identities")
    assert component.outputs == {
        "run_email": result.named("churn-identities-run").outputs["email"],
        "scheduler_email": result.named("churn-identities-scheduler").outputs["email"],
    }, component.urn
