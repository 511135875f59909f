"""Google Cloud IAM policies, from args shaped as pulumi-policy builds them."""

from __future__ import annotations

import importlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pulumi_policy import ResourceValidationPolicy
from pulumi_policy.proxy import UnknownValueError

from policies import gcp_iam
from tools.policy_client import UNKNOWN

PROJECT_MEMBER = "gcp:projects/iAMMember:IAMMember"
PROJECT_BINDING = "gcp:projects/iAMBinding:IAMBinding"
PROJECT_POLICY = "gcp:projects/iAMPolicy:IAMPolicy"
ACCOUNT_MEMBER = "gcp:serviceaccount/iAMMember:IAMMember"
BUCKET_MEMBER = "gcp:storage/bucketIAMMember:BucketIAMMember"
RUN_ACCOUNT = "serviceAccount:churn-run@ml-platform-dev.iam.gserviceaccount.com"
COMPUTE_DEFAULT = "serviceAccount:123456789012-compute@developer.gserviceaccount.com"
APPSPOT = "serviceAccount:ml-platform-dev@appspot.gserviceaccount.com"


def member(role: str, who: str = RUN_ACCOUNT, **extra) -> dict:
    return {"project": "ml-platform-dev", "role": role, "member": who, **extra}


def policy_data(*bindings: tuple[str, list[str]]) -> dict:
    data = {"bindings": [{"role": r, "members": m} for r, m in bindings]}
    return {"project": "ml-platform-dev", "policyData": json.dumps(data)}


def test_every_type_token_is_the_one_pulumi_gcp_registers() -> None:
    for token in [*gcp_iam.IAM_TYPES, gcp_iam.SERVICE_ACCOUNT_KEY]:
        package, module, class_name = token.split(":")
        sdk = importlib.import_module(f"pulumi_gcp.{module.split('/')[0]}")
        assert package == "gcp"
        assert getattr(sdk, class_name).pulumi_type == token, token


# --- gcp-iam-no-basic-roles (CKV_GCP_117) ----------------------------------------------------
@pytest.mark.parametrize("role", ["roles/owner", "roles/editor", "roles/viewer"])
def test_a_basic_role_on_the_project_is_refused(run, role) -> None:
    (message,) = run(gcp_iam.NO_BASIC_ROLES, PROJECT_MEMBER, member(role))
    assert f"basic role {role} on project ml-platform-dev" in message
    assert "predefined role" in message


def test_a_predefined_role_passes_the_basic_role_check(run) -> None:
    assert run(gcp_iam.NO_BASIC_ROLES, PROJECT_MEMBER, member("roles/aiplatform.user")) == []


def test_basic_roles_are_found_in_every_binding_of_a_policy(run) -> None:
    props = policy_data(("roles/aiplatform.user", [RUN_ACCOUNT]), ("roles/editor", ["group:x@y"]))
    (message,) = run(gcp_iam.NO_BASIC_ROLES, PROJECT_POLICY, props)
    assert message.startswith("r: policyData.bindings[1].grants the basic role roles/editor")


def test_an_unknown_role_is_reported_as_unknown(run) -> None:
    with pytest.raises(UnknownValueError) as error:
        run(gcp_iam.NO_BASIC_ROLES, PROJECT_MEMBER, member(UNKNOWN))
    assert "role" in error.value.message


# --- gcp-iam-service-account-no-admin-roles (CKV_GCP_42) -------------------------------------
@pytest.mark.parametrize("role", ["roles/storage.admin", "roles/iam.securityAdmin", "roles/owner"])
def test_a_service_account_with_an_admin_role_on_the_project_is_refused(run, role) -> None:
    (message,) = run(gcp_iam.SERVICE_ACCOUNT_NO_ADMIN, PROJECT_MEMBER, member(role))
    assert f"grants {role} to the service account {RUN_ACCOUNT}" in message


def test_an_admin_role_for_a_group_or_on_a_bucket_is_not_ckv_gcp_42(run) -> None:
    group = member("roles/storage.admin", "group:ml-admins@example.com")
    assert run(gcp_iam.SERVICE_ACCOUNT_NO_ADMIN, PROJECT_MEMBER, group) == []
    bucket = {"bucket": "b", "role": "roles/storage.admin", "member": RUN_ACCOUNT}
    assert run(gcp_iam.SERVICE_ACCOUNT_NO_ADMIN, BUCKET_MEMBER, bucket) == []


def test_an_admin_role_for_an_unknown_member_is_reported_as_unknown(run) -> None:
    with pytest.raises(UnknownValueError):
        run(
            gcp_iam.SERVICE_ACCOUNT_NO_ADMIN,
            PROJECT_MEMBER,
            member("roles/aiplatform.admin", UNKNOWN),
        )


def test_a_narrow_role_for_an_unknown_member_is_judged_without_it(run) -> None:
    props = member("roles/aiplatform.user", UNKNOWN)
    assert run(gcp_iam.SERVICE_ACCOUNT_NO_ADMIN, PROJECT_MEMBER, props) == []


# --- gcp-iam-no-project-level-service-account-user (CKV_GCP_41) ------------------------------
@pytest.mark.parametrize(
    "role", ["roles/iam.serviceAccountUser", "roles/iam.serviceAccountTokenCreator"]
)
def test_acting_as_every_account_of_the_project_is_refused(run, role) -> None:
    (message,) = run(gcp_iam.NO_PROJECT_ACT_AS, PROJECT_MEMBER, member(role))
    assert "act as every service account" in message
    assert "gcp.serviceaccount.IAMMember" in message


def test_acting_as_one_service_account_passes(run) -> None:
    props = {
        "serviceAccountId": "projects/p/serviceAccounts/churn-run@p.iam.gserviceaccount.com",
        "role": "roles/iam.serviceAccountUser",
        "member": "serviceAccount:churn-sched@p.iam.gserviceaccount.com",
    }
    assert run(gcp_iam.NO_PROJECT_ACT_AS, ACCOUNT_MEMBER, props) == []
    assert run(gcp_iam.NO_PROJECT_IMPERSONATION, ACCOUNT_MEMBER, props) == []


# --- gcp-iam-no-project-level-impersonation (CKV_GCP_49) -------------------------------------
@pytest.mark.parametrize(
    "role", ["roles/iam.workloadIdentityUser", "roles/dataflow.developer", "roles/editor"]
)
def test_impersonation_capable_roles_on_the_project_are_refused(run, role) -> None:
    (message,) = run(
        gcp_iam.NO_PROJECT_IMPERSONATION,
        PROJECT_BINDING,
        {"project": "p", "role": role, "members": ["group:g@example.com"]},
    )
    assert "impersonate or manage every service account" in message


def test_the_impersonation_role_list_comes_from_config(run) -> None:
    props = member("roles/aiplatform.user")
    assert run(gcp_iam.NO_PROJECT_IMPERSONATION, PROJECT_MEMBER, props) == []
    config = {"roles": ["roles/aiplatform.user"]}
    (message,) = run(gcp_iam.NO_PROJECT_IMPERSONATION, PROJECT_MEMBER, props, config)
    assert "roles/aiplatform.user" in message


def test_a_malformed_impersonation_config_is_one_clear_diagnostic(run) -> None:
    (message,) = run(
        gcp_iam.NO_PROJECT_IMPERSONATION, PROJECT_MEMBER, member("roles/x"), {"roles": "x"}
    )
    assert "roles is 'x'" in message
    assert "policies/config/<stack>.json" in message


# --- gcp-iam-no-default-service-account-grants (CKV_GCP_46) ----------------------------------
@pytest.mark.parametrize("who", [COMPUTE_DEFAULT, APPSPOT])
def test_granting_a_default_service_account_a_role_is_refused(run, who) -> None:
    (message,) = run(
        gcp_iam.NO_DEFAULT_ACCOUNT_GRANTS, PROJECT_MEMBER, member("roles/aiplatform.user", who)
    )
    assert "default service account" in message
    assert "dedicated service account" in message


def test_dedicated_and_unknown_members_are_not_default_accounts(run) -> None:
    props = {"project": "p", "role": "roles/aiplatform.user", "members": [RUN_ACCOUNT, UNKNOWN]}
    assert run(gcp_iam.NO_DEFAULT_ACCOUNT_GRANTS, PROJECT_BINDING, props) == []


# --- gcp-iam-no-public-members ---------------------------------------------------------------
@pytest.mark.parametrize("who", ["allUsers", "allAuthenticatedUsers"])
def test_public_members_are_refused_on_a_bucket(run, who) -> None:
    props = {"bucket": "ml-dev-artifacts", "role": "roles/storage.objectViewer", "member": who}
    (message,) = run(gcp_iam.NO_PUBLIC_MEMBERS, BUCKET_MEMBER, props)
    assert f"bucket ml-dev-artifacts to {who}" in message


# --- gcp-iam-no-service-account-keys ---------------------------------------------------------
def test_a_user_managed_key_is_refused(run) -> None:
    (message,) = run(
        gcp_iam.NO_SERVICE_ACCOUNT_KEYS, gcp_iam.SERVICE_ACCOUNT_KEY, {"serviceAccountId": "x"}
    )
    assert "Workload Identity Federation" in message


def test_other_resources_are_not_keys(run) -> None:
    assert run(gcp_iam.NO_SERVICE_ACCOUNT_KEYS, PROJECT_MEMBER, member("roles/x")) == []


# --- malformed shapes ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("type_", "props", "expected"),
    [
        (PROJECT_MEMBER, {"role": "roles/x", "member": 7}, "member is 7"),
        (PROJECT_MEMBER, {"role": "", "member": RUN_ACCOUNT}, "role is ''"),
        (PROJECT_BINDING, {"role": "roles/x", "members": [None]}, "members has None"),
        (PROJECT_POLICY, {"policyData": "{not json"}, "policyData is not JSON"),
        (PROJECT_POLICY, {"policyData": "[]"}, "`bindings` list"),
        (PROJECT_POLICY, {"policyData": json.dumps({"bindings": [3]})}, "bindings[0] is 3"),
    ],
)
def test_a_malformed_grant_is_one_diagnostic_naming_property_value_and_fix(
    run, type_, props, expected
) -> None:
    (message,) = run(gcp_iam.NO_BASIC_ROLES, type_, props)
    assert expected in message
    assert any(
        fix in message
        for fix in ("set it to", "pass the", "get_iam_policy", "has role", "each member is")
    )


def test_an_unknown_policy_document_is_reported_as_unknown(run) -> None:
    with pytest.raises(UnknownValueError) as error:
        run(gcp_iam.NO_BASIC_ROLES, PROJECT_POLICY, {"policyData": UNKNOWN})
    assert "policyData" in error.value.message


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(
    policy=st.sampled_from(
        [p for p in gcp_iam.POLICIES if isinstance(p, ResourceValidationPolicy)]
    ),
    type_=st.sampled_from(sorted(gcp_iam.IAM_TYPES)),
    props=st.dictionaries(
        st.sampled_from(["role", "member", "members", "policyData", "project", "bucket"]),
        JSONISH | st.just(UNKNOWN),
        max_size=5,
    ),
)
def test_no_shape_of_properties_crashes_a_grant_policy(run, policy, type_, props) -> None:
    try:
        messages = run(policy, type_, props)
    except UnknownValueError:
        return
    assert all(isinstance(m, str) and m for m in messages)
