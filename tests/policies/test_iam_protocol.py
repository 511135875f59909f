"""The IAM policies through the real pack over the analyzer protocol, under the shipped prod
config: the resource types issue 9 found left out, and preview unknowns (never a silent pass)."""

from __future__ import annotations

import json

import pytest

from tests.policies.conftest import by_policy, doc
from tests.policies.conftest import prod_resource as res
from tools.policy_client import UNKNOWN

GITHUB = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"


@pytest.mark.parametrize(
    ("type_", "inputs"),
    [
        ("aws:iam/userPolicy:UserPolicy", {"user": "u", "policy": doc(
            {"Effect": "Allow", "Action": "iam:PutRolePolicy", "Resource": "*"})}),
        ("aws:iam/groupPolicy:GroupPolicy", {"group": "g", "policy": doc(
            {"Effect": "Allow", "Action": "iam:PutRolePolicy", "Resource": "*"})}),
    ],
)  # fmt: skip
def test_user_and_group_policies_are_judged_for_escalation(prod, type_, inputs) -> None:
    found = by_policy(prod.analyze(res(type_, inputs)))
    (v,) = found["iam-no-privilege-escalation"]
    assert v.enforcement == "mandatory"
    assert "PutRolePolicy" in v.message


def test_public_queue_policy_is_rejected(prod) -> None:
    policy = doc(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "sqs:SendMessage",
            "Resource": "arn:aws:sqs:us-east-1:123456789012:q",
        }
    )
    found = by_policy(
        prod.analyze(res("aws:sqs/queuePolicy:QueuePolicy", {"queueUrl": "u", "policy": policy}))
    )
    (v,) = found["iam-trust-no-wildcard-principal"]
    assert v.enforcement == "mandatory"


@pytest.mark.parametrize(
    ("type_", "inputs"),
    [
        ("aws:iam/policyAttachment:PolicyAttachment",
         {"roles": ["r"], "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess-Amplify"}),
        ("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
         {"roleName": "r", "policyArns": ["arn:aws:iam::aws:policy/AdministratorAccess"]}),
    ],
)  # fmt: skip
def test_every_attachment_type_meets_the_deny_list(prod, type_, inputs) -> None:
    (v,) = by_policy(prod.analyze(res(type_, inputs)))["iam-managed-policy-deny-list"]
    assert v.enforcement == "mandatory"
    assert "AdministratorAccess" in v.message


def test_github_trust_for_any_repository_is_rejected(prod) -> None:
    trust = doc(
        {
            "Effect": "Allow",
            "Principal": {"Federated": GITHUB},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}},
        }
    )
    found = by_policy(prod.analyze(res("aws:iam/role:Role", {"assumeRolePolicy": trust})))
    (v,) = found["iam-trust-federated-pinned"]
    assert v.enforcement == "mandatory"
    assert "CKV_AWS_358" in v.message


@pytest.mark.parametrize(
    ("statement", "path"),
    [
        ({"Effect": UNKNOWN, "Action": "iam:*", "Resource": "*"}, ".policy.Statement[0].Effect"),
        ({"Effect": "Allow", "Action": UNKNOWN, "Resource": "*"}, ".policy.Statement[0].Action"),
    ],
)
def test_unknown_effect_or_action_is_advisory_not_silent(prod, statement, path) -> None:
    found = by_policy(
        prod.analyze(
            res("aws:iam/policy:Policy", {"policy": json.dumps({"Statement": [statement]})})
        )
    )
    (v,) = found["iam-no-wildcard-action"]
    assert v.enforcement == "advisory"
    assert "can't be known during preview" in v.message
    assert path in v.message


@pytest.mark.parametrize(
    ("statement", "policy", "path"),
    [
        (
            {"Effect": "Allow", "Principal": UNKNOWN, "Action": "sts:AssumeRole"},
            "iam-trust-no-wildcard-principal",
            "Statement[0].Principal",
        ),
        (
            {
                "Effect": "Allow",
                "Principal": {"Service": "scheduler.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": UNKNOWN,
            },
            "iam-trust-confused-deputy",
            "Statement[0].Condition",
        ),
    ],
)
def test_unknown_principal_or_condition_is_advisory_not_silent(prod, statement, policy, path):
    trust = {"Statement": [statement]}
    found = by_policy(prod.analyze(res("aws-native:iam:Role", {"assumeRolePolicyDocument": trust})))
    (v,) = found[policy]
    assert v.enforcement == "advisory"
    assert f"{path} can't be known during preview" in v.message


def test_unknown_rule_targets_are_advisory_not_silent(prod) -> None:
    rule = res("aws-native:events:Rule", {"scheduleExpression": "rate(1 day)", "targets": UNKNOWN})
    found = by_policy(prod.analyze_stack([rule]))
    (v,) = found["pipeline-target-role-least-privilege"]
    assert v.enforcement == "advisory"
    assert "can't be known during preview" in v.message


def test_universal_scheduler_target_is_judged_by_the_stack_policy(prod) -> None:
    arn = "arn:aws:sagemaker:us-east-1:123456789012:pipeline/{}"
    trust = doc(
        {
            "Effect": "Allow",
            "Principal": {"Service": "scheduler.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}},
        }
    )
    grant = doc(
        {
            "Effect": "Allow",
            "Action": "sagemaker:StartPipelineExecution",
            "Resource": arn.format("other"),
        }
    )
    role = {
        "name": "invoke",
        "arn": "arn:aws:iam::123456789012:role/invoke",
        "assumeRolePolicy": trust,
        "inlinePolicies": [{"name": "p", "policy": grant}],
    }
    target = {
        "arn": "arn:aws:scheduler:::aws-sdk:sagemaker:startPipelineExecution",
        "roleArn": "arn:aws:iam::123456789012:role/invoke",
        "input": json.dumps({"PipelineName": "train"}),
    }
    pipeline = {"pipelineName": "train", "arn": arn.format("train")}
    resources = [
        res("aws:sagemaker/pipeline:Pipeline", pipeline, "train"),
        res("aws:iam/role:Role", role, "invoke"),
        res("aws:scheduler/schedule:Schedule", {"target": target}, "sched"),
    ]
    (v,) = by_policy(prod.analyze_stack(resources))["pipeline-target-role-least-privilege"]
    assert v.enforcement == "mandatory"
    assert "pipeline/other, not the targeted pipeline" in v.message


@pytest.mark.parametrize(
    "resource",
    ["arn:aws:iam::????????????:role/*", "arn:aws:iam::*?:role/*", "arn:*:iam::??*:*"],
)
def test_passrole_on_every_role_spelled_with_account_wildcards_is_rejected(prod, resource) -> None:
    policy = doc({"Effect": "Allow", "Action": "iam:PassRole", "Resource": resource})
    found = by_policy(prod.analyze(res("aws:iam/policy:Policy", {"policy": policy})))
    (v,) = found["iam-passrole-scoped"]
    assert v.enforcement == "mandatory", v.message
    assert "(every role)" in v.message
    assert resource in v.message
    assert "iam-no-wildcard-resource" in found, resource


def test_passrole_on_one_named_role_of_the_account_passes(prod) -> None:
    policy = doc(
        {
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": "arn:aws:iam::123456789012:role/sm-exec",
            "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
        }
    )
    found = by_policy(prod.analyze(res("aws:iam/policy:Policy", {"policy": policy})))
    assert "iam-passrole-scoped" not in found, found
    assert "iam-no-wildcard-resource" not in found, found
