"""Adversarial IAM resources through the real pack over the analyzer protocol (shipped prod
config): each class of hole a reviewer found, with a violating and a compliant case."""

from __future__ import annotations

import json

import pytest

from tests.policies.conftest import by_policy, doc
from tests.policies.conftest import prod_resource as res
from tools.policy_client import Resource

OWN = "123456789012"
FOREIGN = "999999999999"
PROVIDER = "urn:pulumi:prod::mlsched::pulumi:providers:aws::default::id-1"
SAGEMAKER_TRUST = {
    "Effect": "Allow",
    "Principal": {"Service": "sagemaker.amazonaws.com"},
    "Action": "sts:AssumeRole",
}


def own_provider() -> dict:
    """A resource whose AWS provider names the stack's account (aws:allowedAccountIds), as the
    engine sends provider config: JSON text."""
    return {"provider": PROVIDER, "provider_inputs": {"allowedAccountIds": json.dumps([OWN])}}


def show(found) -> str:
    return "\n".join(f"[{v.enforcement}] {v.policy} {v.urn}: {v.message}" for v in found)


# --- documents: what IAM or the provider would read differently ------------------------------
@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('{"Statement":[{"Effect":"Allow","Action":"iam:PutRolePolicy","Resource":"*",'
         '"Effect":"Deny"}]}', "Effect"),
        ('{"Statement":[{"Effect":"Allow","Action":"iam:PutRolePolicy","Resource":"*",'
         '"Resource":"arn:aws:iam::123456789012:role/x"}]}', "Resource"),
        ('{"Statement":[],"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
         "Statement"),
    ],
)  # fmt: skip
def test_a_document_repeating_a_json_key_is_rejected_whichever_value_would_win(
    prod, text, key
) -> None:
    r = res("aws:iam/policy:Policy", {"policy": text})
    found = by_policy(prod.analyze(r))
    (v,) = found.get("iam-no-wildcard-action", [None])
    assert v is not None, f"{r.urn}: {show(prod.analyze(r))}"
    assert v.enforcement == "mandatory", f"{r.urn}: {show(prod.analyze(r))}"
    assert f"repeats the key '{key}'" in v.message, f"{r.urn}: {v.message}"


def test_condition_keys_differing_only_in_case_are_rejected(prod) -> None:
    condition = {"StringEquals": {"aws:SourceAccount": OWN, "aws:sourceaccount": FOREIGN}}
    st = {**SAGEMAKER_TRUST, "Condition": condition}
    r = res("aws:iam/role:Role", {"assumeRolePolicy": doc(st)})
    found = by_policy(prod.analyze(r))
    (v,) = found["iam-trust-no-wildcard-principal"]
    assert "one condition key (keys ignore case)" in v.message, f"{r.urn}: {v.message}"


@pytest.mark.parametrize(("version", "valid"), [("2020-01-01", False), ("2008-10-17", True)])
def test_only_the_two_iam_policy_versions_are_accepted(prod, version, valid) -> None:
    st = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/x"}
    r = res("aws:iam/policy:Policy", {"policy": doc(st, version=version)})
    found = prod.analyze(r)
    rejected = [v for v in found if "IAM accepts only 2012-10-17 or 2008-10-17" in v.message]
    assert bool(rejected) != valid, f"{r.urn}: {show(found)}"


# --- resource-based policies of more types ---------------------------------------------------
PUBLIC = {"Effect": "Allow", "Principal": "*", "Action": "secretsmanager:GetSecretValue"}


@pytest.mark.parametrize(
    ("type_", "inputs"),
    [
        ("aws:secretsmanager/secret:Secret", {"policy": doc({**PUBLIC, "Resource": "*"})}),
        ("aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy",
         {"modelPackageGroupName": "g", "resourcePolicy": doc(
             {**PUBLIC, "Action": "sagemaker:DescribeModelPackage", "Resource": "*"})}),
        ("aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
         {"policyName": "p", "policyDocument": doc({**PUBLIC, "Action": "logs:PutLogEvents",
                                                     "Resource": "*"})}),
        ("aws:s3/bucketV2:BucketV2", {"policy": doc(
            {**PUBLIC, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})}),
        ("aws-native:dynamodb:Table", {"resourcePolicy": {"policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{**PUBLIC, "Action": "dynamodb:GetItem", "Resource": "*"}]}}}),
        ("aws-native:sagemaker:ModelPackageGroup", {"modelPackageGroupPolicy": {
            "Statement": [{**PUBLIC, "Action": "sagemaker:DescribeModelPackage",
                           "Resource": "*"}]}}),
    ],
)  # fmt: skip
def test_public_resource_policies_of_every_registered_type_are_rejected(prod, type_, inputs):
    r = res(type_, inputs)
    found = by_policy(prod.analyze(r))
    assert "iam-trust-no-wildcard-principal" in found, f"{r.urn}: {show(prod.analyze(r))}"


# --- wildcard principals limited by conditions -----------------------------------------------
def _queue_policy(condition: dict, **kw) -> Resource:
    st = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "sqs:SendMessage",
        "Resource": f"arn:aws:sqs:us-east-1:{OWN}:q",
        "Condition": condition,
    }
    return res("aws:sqs/queuePolicy:QueuePolicy", {"queueUrl": "q", "policy": doc(st)}, **kw)


@pytest.mark.parametrize("key", ["aws:PrincipalAccount", "aws:SourceAccount"])
def test_a_public_policy_limited_to_a_foreign_account_is_cross_account_access(prod, key) -> None:
    r = _queue_policy({"StringEquals": {key: FOREIGN}}, **own_provider())
    found = by_policy(prod.analyze(r))
    assert "iam-trust-no-wildcard-principal" not in found, f"{r.urn}: {show(prod.analyze(r))}"
    (v,) = found["iam-trust-cross-account"]
    assert v.enforcement == "mandatory"
    assert f"any principal with {key} {FOREIGN}" in v.message, f"{r.urn}: {v.message}"


def test_a_public_policy_limited_to_the_stacks_own_account_passes(prod) -> None:
    r = _queue_policy({"StringEquals": {"aws:PrincipalAccount": OWN}}, **own_provider())
    found = by_policy(prod.analyze(r))
    assert not found.keys() & {"iam-trust-no-wildcard-principal", "iam-trust-cross-account"}, (
        f"{r.urn}: {show(prod.analyze(r))}"
    )


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {"aws:PrincipalAccount": OWN}},
        {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
        {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{OWN}:role/ci-*"}},
    ],
)
def test_a_role_trust_for_any_principal_limited_to_an_account_or_org_passes(prod, condition):
    st = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
    r = res(
        "aws:iam/role:Role",
        {"assumeRolePolicy": doc({**st, "Condition": condition})},
        **own_provider(),
    )
    found = by_policy(prod.analyze(r))
    assert not found.keys() & {"iam-trust-no-wildcard-principal", "iam-trust-cross-account"}, (
        f"{r.urn}: {show(prod.analyze(r))}"
    )


@pytest.mark.parametrize(
    "condition",
    [
        {"StringLike": {"aws:PrincipalAccount": "*"}},
        {"StringEqualsIfExists": {"aws:PrincipalAccount": OWN}},
        {"StringEquals": {"aws:SourceAccount": OWN}},  # absent when a principal assumes a role
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/ci"}},
    ],
)
def test_a_role_trust_for_any_principal_with_a_condition_that_limits_no_caller_is_rejected(
    prod, condition
) -> None:
    st = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
    r = res("aws:iam/role:Role", {"assumeRolePolicy": doc({**st, "Condition": condition})})
    found = by_policy(prod.analyze(r))
    (v,) = found["iam-trust-no-wildcard-principal"]
    assert v.enforcement == "mandatory", f"{r.urn}: {v.message}"


# --- whose account: provider, resource, stack ------------------------------------------------
def _root_trust(account: str, name: str = "r", **kw) -> Resource:
    st = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
        "Action": "sts:AssumeRole",
    }
    return res("aws:iam/role:Role", {"assumeRolePolicy": doc(st)}, name, **kw)


@pytest.mark.parametrize(
    "inputs",
    [
        {"allowedAccountIds": json.dumps([OWN])},
        {"allowedAccountIds": [OWN]},
        {"assumeRoles": json.dumps([{"roleArn": f"arn:aws:iam::{OWN}:role/deploy"}])},
    ],
)
def test_the_providers_account_is_the_stacks_own(prod, inputs) -> None:
    own = _root_trust(OWN, provider=PROVIDER, provider_inputs=inputs)
    assert "iam-trust-cross-account" not in by_policy(prod.analyze(own)), own.urn
    other = _root_trust(FOREIGN, provider=PROVIDER, provider_inputs=inputs)
    (v,) = by_policy(prod.analyze(other))["iam-trust-cross-account"]
    assert f"account {FOREIGN}" in v.message, f"{other.urn}: {v.message}"


def test_an_arn_aws_assigned_in_the_stack_names_its_own_account(prod) -> None:
    queue = res("aws:sqs/queue:Queue", {}, "q", outputs={"arn": f"arn:aws:sqs:us-east-1:{OWN}:q"})
    own, other = _root_trust(OWN, "own"), _root_trust(FOREIGN, "other")
    found = prod.analyze_stack([queue, own, other])
    stack = [v for v in found if v.policy == "iam-trust-cross-account-stack"]
    assert [v.urn for v in stack] == [other.urn], show(found)
    assert f"not one of this stack's accounts ({OWN})" in stack[0].message, stack[0].message


def test_an_arn_the_program_sets_is_no_evidence_of_the_stacks_account(prod) -> None:
    # aws:sns/topicPolicy's `arn` is an input: any account can be written there.
    topic = res("aws:sns/topicPolicy:TopicPolicy", {"arn": f"arn:aws:sns:us-east-1:{FOREIGN}:t"})
    other = _root_trust(FOREIGN, "other")
    found = [v for v in prod.analyze_stack([topic, other]) if v.urn == other.urn]
    (v,) = [v for v in found if v.policy == "iam-trust-cross-account-stack"]
    assert "this stack's own account is not known" in v.message, v.message


def test_an_account_principal_is_reported_when_no_account_of_the_stack_is_known(prod) -> None:
    own = _root_trust(OWN)
    assert "iam-trust-cross-account" not in by_policy(prod.analyze(own)), own.urn
    (v,) = by_policy(prod.analyze_stack([own]))["iam-trust-cross-account-stack"]
    assert v.enforcement == "mandatory", show([v])
    assert v.urn == own.urn, show([v])
    assert "aws:allowedAccountIds" in v.message, v.message
    assert "accountIds" in v.message, v.message


def test_the_default_kms_key_policy_passes_once_the_keys_account_is_known(prod) -> None:
    # The key policy AWS writes when none is given: the account's own root may do kms:*, which
    # hands access control to the account's IAM policies.
    # https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
    policy = doc(
        {
            "Sid": "Enable IAM User Permissions",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{OWN}:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    )
    key = res(
        "aws:kms/key:Key",
        {"policy": policy},
        "key",
        outputs={"policy": policy, "arn": f"arn:aws:kms:us-east-1:{OWN}:key/1"},
    )
    found = [*prod.analyze(key), *prod.analyze_stack([key])]
    assert not [v for v in found if v.mandatory], show(found)


def test_a_service_wildcard_granted_to_a_foreign_account_root_is_still_reported(prod) -> None:
    policy = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{FOREIGN}:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    )
    key = res("aws:kms/key:Key", {"policy": policy}, "key", **own_provider())
    (v,) = by_policy(prod.analyze(key))["iam-trust-cross-account"]
    assert f"account {FOREIGN}" in v.message, f"{key.urn}: {v.message}"


# --- escalation split over the policies one principal holds ----------------------------------
def _passrole(service: str = "lambda.amazonaws.com") -> str:
    return doc(
        {
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": "*",
            "Condition": {"StringEquals": {"iam:PassedToService": service}},
        }
    )


LAMBDA = doc({"Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:InvokeFunction"],
              "Resource": "*"})  # fmt: skip
ROLE_TRUST = doc(SAGEMAKER_TRUST)


def _split(found, urn: str) -> list:
    return [
        v for v in found if v.policy == "iam-principal-no-privilege-escalation" and v.urn == urn
    ]


def test_an_escalation_split_over_an_inline_and_a_role_policy_is_rejected(prod) -> None:
    role = res(
        "aws:iam/role:Role",
        {"name": "r1", "assumeRolePolicy": ROLE_TRUST,
         "inlinePolicies": [{"name": "pass", "policy": _passrole()}]},
        "r1",
    )  # fmt: skip
    extra = res("aws:iam/rolePolicy:RolePolicy", {"role": "r1", "policy": LAMBDA}, "rp")
    found = prod.analyze_stack([role, extra])
    (v,) = _split(found, role.urn)
    assert v.enforcement == "mandatory"
    assert "PassRoleToLambda" in v.message, v.message
    assert "rp.policy" in v.message, v.message
    assert "r1.inlinePolicies[0].policy" in v.message, v.message


def test_an_escalation_split_over_an_attached_managed_policy_is_rejected(prod) -> None:
    arn = f"arn:aws:iam::{OWN}:policy/versions"
    managed = res(
        "aws:iam/policy:Policy",
        {"policy": doc({"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"})},
        "mp",
    )
    managed = Resource(**{**managed.__dict__, "outputs": {**managed.inputs, "arn": arn}})
    role = res("aws:iam/role:Role", {"name": "r2", "assumeRolePolicy": ROLE_TRUST}, "r2")
    attach = res(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment", {"role": "r2", "policyArn": arn}, "a"
    )
    inline = res("aws:iam/rolePolicy:RolePolicy", {"role": "r2", "policy": _passrole()}, "p")
    (v,) = _split(prod.analyze_stack([managed, role, attach, inline]), role.urn)
    assert "PassRoleToEC2" in v.message, v.message
    assert "mp.policy" in v.message, v.message


def test_an_escalation_split_between_a_user_and_its_group_is_rejected(prod) -> None:
    resources = [
        res("aws:iam/user:User", {"name": "u"}, "u"),
        res("aws:iam/group:Group", {"name": "g"}, "g"),
        res("aws:iam/groupMembership:GroupMembership", {"group": "g", "users": ["u"]}, "m"),
        res("aws:iam/userPolicy:UserPolicy", {"user": "u", "policy": LAMBDA}, "up"),
        res("aws:iam/groupPolicy:GroupPolicy", {"group": "g", "policy": _passrole()}, "gp"),
    ]
    (v,) = _split(prod.analyze_stack(resources), resources[0].urn)
    assert "with groups g" in v.message, v.message
    assert "PassRoleToLambda" in v.message, v.message


def test_an_escalation_split_over_aws_native_role_and_managed_policy_is_rejected(prod) -> None:
    role = res(
        "aws-native:iam:Role",
        {"roleName": "n1", "assumeRolePolicyDocument": json.loads(ROLE_TRUST),
         "policies": [{"policyName": "p", "policyDocument": json.loads(_passrole())}]},
        "n1",
    )  # fmt: skip
    managed = res(
        "aws-native:iam:ManagedPolicy",
        {"roles": ["n1"], "policyDocument": json.loads(LAMBDA)},
        "mp",
    )
    (v,) = _split(prod.analyze_stack([role, managed]), role.urn)
    assert "PassRoleToLambda" in v.message, v.message


def test_a_role_whose_policies_complete_no_path_together_passes(prod) -> None:
    scoped = doc(
        {
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": f"arn:aws:iam::{OWN}:role/fn",
            "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}},
        }
    )
    role = res("aws:iam/role:Role", {"name": "r3", "assumeRolePolicy": ROLE_TRUST}, "r3")
    extra = [
        res("aws:iam/rolePolicy:RolePolicy", {"role": "r3", "policy": scoped}, "a"),
        res("aws:iam/rolePolicy:RolePolicy", {"role": "r3", "policy": LAMBDA}, "b"),
    ]
    assert _split(prod.analyze_stack([role, *extra]), role.urn) == []


def test_a_path_inside_one_document_is_left_to_the_resource_policy(prod) -> None:
    both = doc(json.loads(_passrole())["Statement"][0], json.loads(LAMBDA)["Statement"][0])
    role = res("aws:iam/role:Role", {"name": "r4", "assumeRolePolicy": ROLE_TRUST}, "r4")
    extra = [
        res("aws:iam/rolePolicy:RolePolicy", {"role": "r4", "policy": both}, "a"),
        res("aws:iam/rolePolicy:RolePolicy", {"role": "r4", "policy": LAMBDA}, "b"),
    ]
    assert _split(prod.analyze_stack([role, *extra]), role.urn) == []
    found = by_policy(prod.analyze(extra[0]))
    assert "iam-no-privilege-escalation" in found, extra[0].urn


# --- federated trusts ------------------------------------------------------------------------
def _web_identity(provider: str, condition: dict | None) -> Resource:
    st = {
        "Effect": "Allow",
        "Principal": {"Federated": f"arn:aws:iam::{OWN}:oidc-provider/{provider}"},
        "Action": "sts:AssumeRoleWithWebIdentity",
    }
    if condition:
        st["Condition"] = condition
    return res("aws:iam/role:Role", {"assumeRolePolicy": doc(st)})


ENTERPRISE = "token.actions.githubusercontent.com/acme"
EKS = "oidc.eks.us-east-1.amazonaws.com/id/ABC"


@pytest.mark.parametrize(
    ("provider", "condition"),
    [
        (ENTERPRISE, {"StringEquals": {f"{ENTERPRISE}:aud": "sts.amazonaws.com"}}),
        (ENTERPRISE, {"StringLike": {f"{ENTERPRISE}:sub": "repo:*/app:*"}}),
        (EKS, {"StringEquals": {f"{EKS}:aud": "sts.amazonaws.com"}}),
        (EKS, {"StringLike": {f"{EKS}:sub": "*"}}),
    ],
)
def test_an_oidc_trust_pinning_only_a_shared_audience_is_rejected(prod, provider, condition):
    r = _web_identity(provider, condition)
    found = by_policy(prod.analyze(r))
    (v,) = found["iam-trust-federated-pinned"]
    assert v.enforcement == "mandatory", f"{r.urn}: {v.message}"
    assert f"{provider}:sub" in v.message, f"{r.urn}: {v.message}"


@pytest.mark.parametrize(
    ("provider", "condition"),
    [
        (ENTERPRISE, {"StringLike": {f"{ENTERPRISE}:sub": "repo:acme/app:ref:refs/heads/main"}}),
        (EKS, {"StringEquals": {f"{EKS}:sub": "system:serviceaccount:ml:trainer"}}),
        ("cognito-identity.amazonaws.com",
         {"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:1234-abcd"}}),
    ],
)  # fmt: skip
def test_an_oidc_trust_pinning_who_may_assume_passes(prod, provider, condition) -> None:
    if not provider.startswith(("token.", "oidc.")):
        st = {
            "Effect": "Allow",
            "Principal": {"Federated": provider},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": condition,
        }
        r = res("aws:iam/role:Role", {"assumeRolePolicy": doc(st)})
    else:
        r = _web_identity(provider, condition)
    assert "iam-trust-federated-pinned" not in by_policy(prod.analyze(r)), r.urn


def test_an_owner_wide_github_trust_passes_only_for_configured_owners(run) -> None:
    from policies import iam_trust

    r = _web_identity(
        "token.actions.githubusercontent.com",
        {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/*"}},
    )
    assert run(iam_trust.TRUST_FEDERATED, r.type, r.inputs, {"githubOwners": ["Acme"]}) == []
    (found,) = run(iam_trust.TRUST_FEDERATED, r.type, r.inputs, {"githubOwners": ["other"]})
    assert "pinned to one repository" in found, found


# --- service principals in resource policies -------------------------------------------------
def _topic_policy(condition: dict | None) -> Resource:
    st = {
        "Effect": "Allow",
        "Principal": {"Service": "s3.amazonaws.com"},
        "Action": "sns:Publish",
        "Resource": f"arn:aws:sns:us-east-1:{OWN}:t",
    }
    if condition:
        st["Condition"] = condition
    return res(
        "aws:sns/topicPolicy:TopicPolicy",
        {"arn": f"arn:aws:sns:us-east-1:{OWN}:t", "policy": doc(st)},
    )


@pytest.mark.parametrize(
    "condition",
    [
        None,
        {"StringLike": {"aws:SourceAccount": "*"}},
        {"StringEquals": {"aws:SourceAccount": FOREIGN}},
        {"ArnLike": {"aws:SourceArn": "arn:aws:s3:*:*:*"}},
    ],
)
def test_a_resource_policy_trusting_a_service_without_its_source_is_rejected(prod, condition):
    r = _topic_policy(condition)
    (v,) = by_policy(prod.analyze(r))["iam-trust-confused-deputy"]
    assert v.enforcement == "mandatory", f"{r.urn}: {v.message}"
    assert "s3.amazonaws.com" in v.message, f"{r.urn}: {v.message}"


def test_a_resource_policy_trusting_a_service_from_its_own_account_passes(prod) -> None:
    r = _topic_policy({"StringEquals": {"aws:SourceAccount": OWN}})
    assert "iam-trust-confused-deputy" not in by_policy(prod.analyze(r)), r.urn


# --- conditions that name nothing, and KMS's caller account ----------------------------------
@pytest.mark.parametrize(
    "condition",
    [
        {"Bool": {"aws:SecureTransport": "true"}},
        {"StringLike": {"aws:ResourceTag/team": "*"}},
        {"StringEqualsIfExists": {"iam:PermissionsBoundary": f"arn:aws:iam::{OWN}:policy/b"}},
        {"ForAllValues:StringEquals": {"aws:TagKeys": "team"}},
    ],
)
def test_permissions_management_with_a_condition_that_names_nothing_is_rejected(prod, condition):
    st = {"Effect": "Allow", "Action": "iam:CreatePolicy", "Resource": "*", "Condition": condition}
    r = res("aws:iam/policy:Policy", {"policy": doc(st)})
    (v,) = by_policy(prod.analyze(r))["iam-permissions-management-scoped"]
    assert v.enforcement == "mandatory", f"{r.urn}: {v.message}"
    assert "iam:CreatePolicy" in v.message, f"{r.urn}: {v.message}"


def test_permissions_management_with_a_condition_naming_the_boundary_passes(prod) -> None:
    condition = {"StringEquals": {"iam:PermissionsBoundary": f"arn:aws:iam::{OWN}:policy/b"}}
    st = {"Effect": "Allow", "Action": "iam:CreatePolicy", "Resource": "*", "Condition": condition}
    r = res("aws:iam/policy:Policy", {"policy": doc(st)})
    assert "iam-permissions-management-scoped" not in by_policy(prod.analyze(r)), r.urn


def _key_for_callers(account: str) -> Resource:
    # The shape of an AWS managed key's policy: any principal, through one service, of one account.
    st = {
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": ["kms:Decrypt", "kms:Encrypt"],
        "Resource": "*",
        "Condition": {
            "StringEquals": {
                "kms:CallerAccount": account,
                "kms:ViaService": "s3.us-east-1.amazonaws.com",
            }
        },
    }
    return res("aws:kms/key:Key", {"policy": doc(st)}, **own_provider())


def test_a_key_policy_for_any_caller_of_the_stacks_account_passes(prod) -> None:
    r = _key_for_callers(OWN)
    found = by_policy(prod.analyze(r))
    assert not found.keys() & {"iam-trust-no-wildcard-principal", "iam-trust-cross-account"}, (
        f"{r.urn}: {show(prod.analyze(r))}"
    )


def test_a_key_policy_for_any_caller_of_another_account_is_cross_account(prod) -> None:
    r = _key_for_callers(FOREIGN)
    (v,) = by_policy(prod.analyze(r))["iam-trust-cross-account"]
    assert f"kms:CallerAccount {FOREIGN}" in v.message, f"{r.urn}: {v.message}"


def _events_trust(account: str, **kw) -> Resource:
    st = {
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": account}},
    }
    return res("aws:iam/role:Role", {"assumeRolePolicy": doc(st)}, **kw)


def test_a_service_trust_on_behalf_of_another_account_is_cross_account(prod) -> None:
    r = _events_trust(FOREIGN, **own_provider())
    (v,) = by_policy(prod.analyze(r))["iam-trust-cross-account"]
    assert f"events.amazonaws.com on behalf of aws:SourceAccount {FOREIGN}" in v.message, (
        f"{r.urn}: {v.message}"
    )
    assert "iam-trust-cross-account" not in by_policy(
        prod.analyze(_events_trust(OWN, **own_provider()))
    )


def test_a_service_trusts_source_account_is_judged_at_stack_level_once_the_account_is_known(prod):
    queue = res("aws:sqs/queue:Queue", {}, "q", outputs={"arn": f"arn:aws:sqs:us-east-1:{OWN}:q"})
    other = _events_trust(FOREIGN, name="other")
    found = [
        v for v in prod.analyze_stack([queue, other]) if v.policy == "iam-trust-cross-account-stack"
    ]
    assert [v.urn for v in found] == [other.urn], show(found)
    # Without any evidence of the stack's account the source is not failed closed: the shipped
    # components pin the account they look up at deploy time.
    alone = [v for v in prod.analyze_stack([other]) if v.policy == "iam-trust-cross-account-stack"]
    assert alone == [], show(alone)


@pytest.mark.parametrize(
    "resource", ["arn:aws:iam::*:role/?*", f"arn:aws:iam::{OWN}:role/*?", "arn:aws:iam::*:role/??*"]
)
def test_question_marks_before_a_star_still_name_every_role(prod, resource) -> None:
    st = {"Effect": "Allow", "Action": "iam:PassRole", "Resource": resource}
    r = res("aws:iam/policy:Policy", {"policy": doc(st)})
    (v,) = by_policy(prod.analyze(r))["iam-passrole-scoped"]
    assert "(every role)" in v.message, f"{r.urn}: {v.message}"


@pytest.mark.parametrize(
    ("actions", "path"),
    [
        (["iam:PassRole", "sagemaker:CreateTrainingJob"], "PassRoleToSageMakerTraining"),
        (["iam:PassRole", "sagemaker:CreatePipeline", "sagemaker:StartPipelineExecution"],
         "PassRoleToSageMakerPipeline"),
        (["ssm:SendCommand"], "SSMSendCommand"),
    ],
)  # fmt: skip
def test_services_that_run_code_as_a_passed_role_are_escalation_paths(prod, actions, path):
    r = res("aws:iam/policy:Policy", {"policy": doc({"Effect": "Allow", "Action": actions,
                                                      "Resource": "*"})})  # fmt: skip
    (v,) = by_policy(prod.analyze(r))["iam-no-privilege-escalation"]
    assert path in v.message, f"{r.urn}: {v.message}"


def test_a_source_account_written_as_a_json_number_pins_like_the_string(prod) -> None:
    st = {
        "Effect": "Allow",
        "Principal": {"Service": "scheduler.amazonaws.com"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": int(OWN)}},
    }
    r = res("aws:iam/role:Role", {"assumeRolePolicy": doc(st)}, **own_provider())
    assert "iam-trust-confused-deputy" not in by_policy(prod.analyze(r)), r.urn


def test_a_trust_naming_many_foreign_accounts_gets_one_short_message(prod) -> None:
    accounts = [f"{n:012d}" for n in range(100000000000, 100000000040)]
    st = {"Effect": "Allow", "Principal": {"AWS": accounts}, "Action": "sts:AssumeRole"}
    r = res("aws:iam/role:Role", {"assumeRolePolicy": doc(st)}, **own_provider())
    (v,) = by_policy(prod.analyze(r))["iam-trust-cross-account"]
    assert "and 35 more" in v.message, f"{r.urn}: {v.message}"
    assert len(v.message) < 2000, r.urn
