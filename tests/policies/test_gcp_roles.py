"""Google Cloud roles judged by meaning: Google's published permissions of predefined roles,
custom roles and their grants in the same stack, members that are everyone or a whole set, and
role and member spellings that must not hide either."""

from __future__ import annotations

import importlib
import json

import pytest

from policies import gcp_iam, gcp_roles
from tests.policies.conftest import urn
from tools.policy_client import UNKNOWN

PROJECT_MEMBER = "gcp:projects/iAMMember:IAMMember"
PROJECT_BINDING = "gcp:projects/iAMBinding:IAMBinding"
PROJECT_POLICY = "gcp:projects/iAMPolicy:IAMPolicy"
FOLDER_MEMBER = "gcp:folder/iAMMember:IAMMember"
ORG_POLICY = "gcp:organizations/iAMPolicy:IAMPolicy"
ACCOUNT_MEMBER = "gcp:serviceaccount/iAMMember:IAMMember"
BUCKET_BINDING = "gcp:storage/bucketIAMBinding:BucketIAMBinding"
PROJECT_ROLE = "gcp:projects/iAMCustomRole:IAMCustomRole"
ORG_ROLE = "gcp:organizations/iAMCustomRole:IAMCustomRole"
RUN_ACCOUNT = "serviceAccount:churn-run@ml-platform-dev.iam.gserviceaccount.com"


def member(role: str, who: str = RUN_ACCOUNT) -> dict:
    return {"project": "ml-platform-dev", "role": role, "member": who}


def where(type_: str) -> str:
    return urn(type_, "r")


def test_custom_role_type_tokens_are_the_ones_pulumi_gcp_registers() -> None:
    for token in gcp_iam.CUSTOM_ROLE_TYPES:
        _package, module, class_name = token.split(":")
        sdk = importlib.import_module(f"pulumi_gcp.{module.split('/')[0]}")
        assert getattr(sdk, class_name).pulumi_type == token, token


def test_predefined_roles_come_from_googles_published_permissions() -> None:
    roles = gcp_roles.predefined()
    assert len(roles) > 2000, len(roles)
    assert "iam.serviceAccounts.actAs" in roles["roles/iam.serviceAccountUser"]
    assert gcp_roles.role_privileges("roles/aiplatform.user") == ()
    assert gcp_roles.role_privileges("projects/p/roles/x") is None


# --- predefined roles by meaning ---------------------------------------------------------------
@pytest.mark.parametrize(
    "role",
    [
        "roles/dataflow.serviceAgent",
        "roles/iam.serviceAccountOpenIdTokenCreator",
        "roles/iam.devOps",
    ],
)
def test_a_predefined_role_that_acts_as_service_accounts_is_refused_on_the_project(
    run, role
) -> None:
    messages = run(gcp_iam.NO_PROJECT_ACT_AS, PROJECT_MEMBER, member(role))
    assert len(messages) == 1, (where(PROJECT_MEMBER), role, messages)
    assert "Google's definition of it includes iam.serviceAccounts." in messages[0], where(
        PROJECT_MEMBER
    )


def test_a_role_that_can_rewrite_the_project_policy_is_impersonation_capable(run) -> None:
    messages = run(
        gcp_iam.NO_PROJECT_IMPERSONATION,
        FOLDER_MEMBER,
        {
            "folder": "folders/1",
            "role": "roles/resourcemanager.projectIamAdmin",
            "member": RUN_ACCOUNT,
        },
        {"roles": []},
    )
    assert len(messages) == 1, (where(FOLDER_MEMBER), messages)
    assert "resourcemanager.projects.setIamPolicy" in messages[0], where(FOLDER_MEMBER)


def test_the_run_accounts_predefined_roles_pass_the_meaning_checks(run) -> None:
    for role in ("roles/aiplatform.user", "roles/dataflow.worker", "roles/storage.objectAdmin"):
        for policy in (gcp_iam.NO_PROJECT_ACT_AS, gcp_iam.NO_PROJECT_IMPERSONATION):
            messages = run(policy, PROJECT_MEMBER, member(role))
            assert messages == [], (where(PROJECT_MEMBER), policy.name, role, messages)


@pytest.mark.parametrize("role", ["roles/Owner", " roles/editor", "ROLES/VIEWER"])
def test_a_basic_role_in_another_case_or_with_spaces_is_still_a_basic_role(run, role) -> None:
    messages = run(gcp_iam.NO_BASIC_ROLES, PROJECT_MEMBER, member(role))
    assert len(messages) == 1, (where(PROJECT_MEMBER), role, messages)


def test_an_admin_role_in_another_case_is_still_refused_to_a_service_account(run) -> None:
    props = member(
        "roles/IAM.securityAdmin", RUN_ACCOUNT.replace("serviceAccount", "serviceaccount")
    )
    messages = run(gcp_iam.SERVICE_ACCOUNT_NO_ADMIN, PROJECT_MEMBER, props)
    assert len(messages) == 1, (where(PROJECT_MEMBER), messages)


# --- members -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "reach"),
    [
        ("allusers", "anyone on the internet"),
        (" allAuthenticatedUsers ", "anyone on the internet"),
        ("principalSet://goog/public:all", "anyone on the internet"),
        ("domain:example.com", "every account of the domain"),
        ("principalSet://goog/cloudIdentityCustomerId/C01Abc35", "every account of the customer"),
        (
            "principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/*",
            "every identity of the pool",
        ),
        (
            "principalSet://cloudresourcemanager.googleapis.com/projects/1/type/ServiceAccount",
            "every service account of the scope",
        ),
    ],
)
def test_members_that_are_everyone_or_a_whole_set_are_refused(run, who, reach) -> None:
    for type_, props in (
        (PROJECT_MEMBER, member("roles/aiplatform.viewer", who)),
        (BUCKET_BINDING, {"bucket": "b", "role": "roles/storage.objectViewer", "members": [who]}),
        (
            PROJECT_POLICY,
            {
                "project": "p",
                "policyData": json.dumps(
                    {"bindings": [{"role": "roles/aiplatform.viewer", "members": [who]}]}
                ),
            },
        ),
    ):
        messages = run(gcp_iam.NO_PUBLIC_MEMBERS, type_, props)
        assert len(messages) == 1, (where(type_), who, messages)
        assert reach in messages[0], (where(type_), who, messages)


def test_a_workload_identity_attribute_set_and_a_group_pass_the_member_check(run) -> None:
    for who in (
        "group:ml@example.com",
        "principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/"
        "p/attribute.repository/org/repo",
    ):
        messages = run(
            gcp_iam.NO_PUBLIC_MEMBERS, PROJECT_MEMBER, member("roles/aiplatform.user", who)
        )
        assert messages == [], (where(PROJECT_MEMBER), who, messages)


def test_a_default_account_in_another_case_is_still_the_default_account(run) -> None:
    who = "serviceAccount:123456789012-COMPUTE@developer.gserviceaccount.com"
    messages = run(
        gcp_iam.NO_DEFAULT_ACCOUNT_GRANTS, PROJECT_MEMBER, member("roles/aiplatform.user", who)
    )
    assert len(messages) == 1, (where(PROJECT_MEMBER), messages)


# --- custom roles --------------------------------------------------------------------------
def custom(permissions: object, **extra) -> dict:
    return {
        "project": "ml-platform-dev",
        "roleId": "mlRunner",
        "title": "ML runner",
        "permissions": permissions,
        **extra,
    }


@pytest.mark.parametrize(
    ("permission", "words"),
    [
        ("iam.serviceAccounts.actAs", "actAs"),
        ("iam.serviceAccounts.getAccessToken", "mint access tokens"),
        ("iam.serviceAccounts.signBlob", "signBlob"),
        ("iam.serviceAccounts.implicitDelegation", "delegation"),
        ("iam.serviceAccountKeys.create", "create keys"),
        ("resourcemanager.projects.setIamPolicy", "resourcemanager.projects.setIamPolicy"),
        ("storage.buckets.setIamPolicy", "storage.buckets.setIamPolicy"),
        ("iam.roles.update", "iam.roles.update"),
    ],
)
def test_a_custom_role_with_a_privileged_permission_is_refused(run, permission, words) -> None:
    for type_ in (PROJECT_ROLE, ORG_ROLE):
        messages = run(
            gcp_iam.CUSTOM_ROLE_NO_PRIVILEGED,
            type_,
            custom(["aiplatform.pipelineJobs.create", f" {permission}"]),
        )
        assert len(messages) == 1, (where(type_), permission, messages)
        assert words in messages[0], (where(type_), permission, messages)


def test_a_custom_role_with_workload_permissions_passes(run) -> None:
    props = custom(["aiplatform.pipelineJobs.create", "aiplatform.pipelineJobs.get"])
    assert run(gcp_iam.CUSTOM_ROLE_NO_PRIVILEGED, PROJECT_ROLE, props) == [], where(PROJECT_ROLE)


@pytest.mark.parametrize("bad", [[], [""], [3.0], None])
def test_a_custom_role_with_malformed_permissions_is_one_message(run, bad) -> None:
    (message,) = run(gcp_iam.CUSTOM_ROLE_NO_PRIVILEGED, PROJECT_ROLE, custom(bad))
    assert "permissions is" in message, (where(PROJECT_ROLE), bad)


WIDE = ["iam.serviceAccounts.actAs", "aiplatform.pipelineJobs.create"]
NARROW = ["aiplatform.pipelineJobs.create"]


def test_a_same_stack_custom_role_granted_on_the_project_by_dependency_is_refused(stack) -> None:
    role = stack.add(PROJECT_ROLE, "role", custom(WIDE))
    target = stack.add(PROJECT_MEMBER, "grant", member(UNKNOWN), role=[role])
    found = stack.run(gcp_iam.CUSTOM_ROLE_GRANTS)
    assert [u for _, u in found] == ["grant"], (target, found)
    assert "actAs" in found[0][0], (target, found)


@pytest.mark.parametrize(
    "role", ["projects/ml-platform-dev/roles/mlRunner", "organizations/42/roles/mlRunner"]
)
def test_a_same_stack_custom_role_named_in_full_is_linked_to_its_definition(stack, role) -> None:
    kind = PROJECT_ROLE if role.startswith("projects/") else ORG_ROLE
    props = custom(WIDE) if kind == PROJECT_ROLE else {**custom(WIDE), "orgId": "42"}
    stack.add(kind, "role", props)
    target = stack.add(
        PROJECT_BINDING,
        "grant",
        {"project": "ml-platform-dev", "role": role, "members": [RUN_ACCOUNT]},
    )
    found = stack.run(gcp_iam.CUSTOM_ROLE_GRANTS)
    assert [u for _, u in found] == ["grant"], (target, found)


def test_a_same_stack_custom_role_in_an_authoritative_policy_is_refused(stack) -> None:
    stack.add(
        ORG_ROLE, "role", {**custom(["resourcemanager.organizations.setIamPolicy"]), "orgId": "42"}
    )
    data = {"bindings": [{"role": "organizations/42/roles/mlRunner", "members": [RUN_ACCOUNT]}]}
    target = stack.add(ORG_POLICY, "grant", {"orgId": "42", "policyData": json.dumps(data)})
    found = stack.run(gcp_iam.CUSTOM_ROLE_GRANTS)
    assert [u for _, u in found] == ["grant"], (target, found)


def test_a_policy_computed_from_a_custom_roles_outputs_is_judged_by_its_dependency(stack) -> None:
    role = stack.add(PROJECT_ROLE, "role", custom(WIDE))
    target = stack.add(
        PROJECT_POLICY, "grant", {"project": "p", "policyData": UNKNOWN}, policyData=[role]
    )
    found = stack.run(gcp_iam.CUSTOM_ROLE_GRANTS)
    assert [u for _, u in found] == ["grant"], (target, found)


def test_a_same_stack_custom_role_granted_on_one_service_account_passes(stack) -> None:
    role = stack.add(PROJECT_ROLE, "role", custom(WIDE))
    stack.add(
        ACCOUNT_MEMBER,
        "grant",
        {
            "serviceAccountId": "projects/p/serviceAccounts/a@p.iam.gserviceaccount.com",
            "role": None,
            "member": RUN_ACCOUNT,
        },
        role=[role],
    )
    assert stack.run(gcp_iam.CUSTOM_ROLE_GRANTS) == []


def test_a_narrow_same_stack_custom_role_passes(stack) -> None:
    role = stack.add(PROJECT_ROLE, "role", custom(NARROW))
    stack.add(PROJECT_MEMBER, "grant", member(UNKNOWN), role=[role])
    assert stack.run(gcp_iam.CUSTOM_ROLE_GRANTS) == []


def test_a_custom_role_with_unknown_permissions_is_not_passed(stack) -> None:
    role = stack.add(PROJECT_ROLE, "role", custom(UNKNOWN))
    target = stack.add(PROJECT_MEMBER, "grant", member(UNKNOWN), role=[role])
    found = stack.run(gcp_iam.CUSTOM_ROLE_GRANTS)
    assert [u for _, u in found] == ["grant"], (target, found)
    assert "cannot be judged" in found[0][0], (target, found)


# --- Cloud Storage ACLs ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("type_", "props"),
    [
        (
            "gcp:storage/bucketAccessControl:BucketAccessControl",
            {"bucket": "b", "entity": "allUsers", "role": "READER"},
        ),
        (
            "gcp:storage/objectAccessControl:ObjectAccessControl",
            {"bucket": "b", "object": "o", "entity": " allAuthenticatedUsers", "role": "READER"},
        ),
        (
            "gcp:storage/defaultObjectAccessControl:DefaultObjectAccessControl",
            {"bucket": "b", "entity": "domain-example.com", "role": "READER"},
        ),
        ("gcp:storage/bucketACL:BucketACL", {"bucket": "b", "roleEntities": ["READER:allUsers"]}),
        (
            "gcp:storage/objectACL:ObjectACL",
            {"bucket": "b", "object": "o", "predefinedAcl": "publicRead"},
        ),
        (
            "gcp:storage/defaultObjectACL:DefaultObjectACL",
            {"bucket": "b", "roleEntities": ["OWNER:project-owners-1", "READER:allusers"]},
        ),
    ],
)
def test_a_public_cloud_storage_acl_is_refused(run, type_, props) -> None:
    messages = run(gcp_iam.NO_PUBLIC_MEMBERS, type_, props)
    assert len(messages) == 1, (where(type_), props, messages)


def test_a_private_cloud_storage_acl_passes(run) -> None:
    props = {
        "bucket": "b",
        "roleEntities": ["OWNER:project-owners-1", "READER:group-ml@x.com"],
        "predefinedAcl": "projectPrivate",
    }
    assert run(gcp_iam.NO_PUBLIC_MEMBERS, "gcp:storage/bucketACL:BucketACL", props) == []


def test_acl_type_tokens_are_the_ones_pulumi_gcp_registers() -> None:
    for token in [*gcp_iam.ACL_ENTITY, *gcp_iam.ACL_LISTS]:
        _package, module, class_name = token.split(":")
        sdk = importlib.import_module(f"pulumi_gcp.{module.split('/')[0]}")
        assert getattr(sdk, class_name).pulumi_type == token, token
