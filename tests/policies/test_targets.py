"""pipeline-target-role-least-privilege over stacks with known values and with preview unknowns."""

from __future__ import annotations

import json

import pytest
from pulumi_policy.proxy import UnknownValueError

from policies.targets import PIPELINE_TARGET_ROLES as POLICY
from tools.policy_client import UNKNOWN

PIPELINE = "aws-native:sagemaker:Pipeline"
CLASSIC_PIPELINE = "aws:sagemaker/pipeline:Pipeline"
SCHEDULE = "aws:scheduler/schedule:Schedule"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ARN = "arn:aws:sagemaker:us-east-1:123456789012:pipeline/{}"
ROLE_ARN = "arn:aws:iam::123456789012:role/{}"


def trust(service: str = "scheduler.amazonaws.com") -> str:
    return json.dumps(
        {
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
            ]
        }
    )


def grant(resource) -> str:
    return json.dumps(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "sagemaker:StartPipelineExecution",
                    "Resource": resource,
                }
            ]
        }
    )


def wire(
    stack,
    *,
    policy=None,
    trust_doc=None,
    role_arn=ROLE_ARN,
    target_arn=ARN,
    preview=False,
):
    """pipeline train (+ other), invoke role + RolePolicy, a Scheduler schedule targeting train."""
    role_arn = role_arn.format("invoke") if role_arn == ROLE_ARN else role_arn
    target_arn = target_arn.format("train") if target_arn == ARN else target_arn
    train = stack.add(PIPELINE, "train", {"pipelineName": "Train"})
    other = stack.add(
        CLASSIC_PIPELINE, "other", {"pipelineName": "other", "arn": ARN.format("other")}
    )
    role = stack.add(
        ROLE,
        "invoke",
        {
            "name": "invoke",
            "arn": ROLE_ARN.format("invoke"),
            "assumeRolePolicy": trust_doc or trust(),
        },
    )
    doc = grant(ARN.format("train")) if policy is None else policy
    stack.add(
        ROLE_POLICY,
        "invoke-policy",
        {"role": "invoke", "policy": UNKNOWN if preview else doc},
        role=[role],
        policy=[train] if preview else [],
    )
    target = {
        "arn": UNKNOWN if preview else target_arn,
        "roleArn": UNKNOWN if preview else role_arn,
    }
    stack.add(
        SCHEDULE,
        "sched",
        {"scheduleExpression": "rate(1 day)", "target": target},
        target=[train, role] if preview else [],
    )
    return train, other, role


def test_role_scoped_to_the_targeted_pipeline_passes(stack) -> None:
    wire(stack)
    assert stack.run(POLICY) == []


def test_grant_on_star_is_reported_against_the_role(stack) -> None:
    wire(stack, policy=grant("*"))
    ((message, where),) = stack.run(POLICY)
    assert where == "invoke"
    assert 'invoke-policy.policy grants sagemaker:StartPipelineExecution on "*"' in message
    assert "sched (target) targets pipeline Train" in message


def test_grant_on_another_pipeline_is_reported(stack) -> None:
    wire(stack, policy=grant([ARN.format("train"), ARN.format("other")]))
    ((message, _),) = stack.run(POLICY)
    assert f"on {ARN.format('other')}, not the targeted pipeline" in message


def test_role_without_any_grant_would_fail_every_run(stack) -> None:
    wire(
        stack,
        policy=json.dumps(
            {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:b"}]}
        ),
    )
    ((message, _),) = stack.run(POLICY)
    assert "grants no sagemaker:StartPipelineExecution on it" in message


def test_role_trusting_the_wrong_service_is_reported(stack) -> None:
    wire(stack, trust_doc=trust("events.amazonaws.com"))
    ((message, where),) = stack.run(POLICY)
    assert where == "invoke"
    assert "does not allow scheduler.amazonaws.com to sts:AssumeRole" in message


def test_preview_unknowns_are_judged_through_property_dependencies(stack) -> None:
    wire(stack, preview=True)
    assert stack.run(POLICY) == []


def test_preview_policy_built_from_another_pipeline_is_reported(stack) -> None:
    _train, other, _role = wire(stack, preview=True)
    stack.items[3][3]["policy"] = [other]
    ((message, _),) = stack.run(POLICY)
    assert "invoke-policy.policy is built from pipeline(s) other that this schedule does not" in (
        message
    )


def test_preview_policy_built_from_no_pipeline_cannot_be_judged(stack) -> None:
    wire(stack, preview=True)
    stack.items[3][3]["policy"] = []
    with pytest.raises(UnknownValueError) as e:
        stack.run(POLICY)
    assert "invoke-policy.policy" in e.value.message


def test_missing_role_arn_is_reported(stack) -> None:
    wire(stack, role_arn=None)
    ((message, where),) = stack.run(POLICY)
    assert (where, "sets no roleArn" in message) == ("sched", True)


def test_role_defined_outside_the_stack_cannot_be_checked(stack) -> None:
    wire(stack, role_arn=ROLE_ARN.format("elsewhere"))
    ((message, _),) = stack.run(POLICY)
    assert "which this stack does not define" in message


def test_unknown_role_without_dependencies_is_reported_as_unknown(stack) -> None:
    stack.add(SCHEDULE, "s", {"target": {"arn": ARN.format("x"), "roleArn": UNKNOWN}})
    with pytest.raises(UnknownValueError):
        stack.run(POLICY)


def test_unknown_target_without_dependencies_is_reported_as_unknown(stack) -> None:
    stack.add(SCHEDULE, "s", {"target": {"arn": UNKNOWN, "roleArn": "r"}})
    with pytest.raises(UnknownValueError):
        stack.run(POLICY)


def test_unknown_trust_policy_is_reported_as_unknown(stack) -> None:
    wire(stack)
    stack.items[2][2]["assumeRolePolicy"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        stack.run(POLICY)


def test_external_pipeline_arn_must_be_granted_exactly(stack) -> None:
    external = "arn:aws:sagemaker:us-east-1:999999999999:pipeline/shared"
    wire(stack, target_arn=external, policy=grant(external))
    assert stack.run(POLICY) == []


def test_non_pipeline_targets_are_not_judged(stack) -> None:
    stack.add(SCHEDULE, "s", {"target": {"arn": "arn:aws:sqs:us-east-1:1:q", "roleArn": None}})
    assert stack.run(POLICY) == []


def test_rule_targets_need_events_trust_and_see_every_grant_kind(stack) -> None:
    train = stack.add(PIPELINE, "train", {"pipelineName": "train"})
    role = stack.add(
        "aws-native:iam:Role",
        "r",
        {
            "roleName": "r",
            "arn": ROLE_ARN.format("r"),
            "assumeRolePolicyDocument": json.loads(trust("events.amazonaws.com")),
            "policies": [{"policyName": "inline", "policyDocument": json.loads(grant("*"))}],
        },
    )
    stack.add(
        "aws-native:iam:RolePolicy",
        "native-rp",
        {"roleName": "r", "policyDocument": json.loads(grant(ARN.format("train")))},
    )
    stack.add(
        "aws-native:iam:ManagedPolicy",
        "managed",
        {"roles": ["r"], "policyDocument": json.loads(grant(ARN.format("zzz")))},
    )
    policy = stack.add("aws:iam/policy:Policy", "classic", {"arn": "arn:p", "policy": "{bad"})
    stack.add(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "attach",
        {"role": "r", "policyArn": "arn:p"},
        policyArn=[policy],
    )
    stack.add(
        "aws-native:events:Rule",
        "rule",
        {
            "scheduleExpression": "rate(1 day)",
            "targets": [
                {"id": "1", "arn": ARN.format("train"), "roleArn": ROLE_ARN.format("r")},
                "junk",
            ],
        },
    )
    stack.add(
        "aws:cloudwatch/eventTarget:EventTarget",
        "t",
        {"arn": UNKNOWN, "roleArn": UNKNOWN, "rule": "x"},
        arn=[train],
        roleArn=[role],
    )
    found = stack.run(POLICY)
    messages = sorted(m for m, _ in found)
    assert len(messages) == 4, messages
    assert all(
        "r.policies[0].policyDocument grants" in m or "managed.policyDocument grants" in m
        for m in messages
    )


def test_preview_picks_the_role_that_trusts_the_service_among_target_dependencies(stack) -> None:
    train, _other, role = wire(stack, preview=True)
    execution = stack.add(
        ROLE,
        "execution",
        {"name": "execution", "assumeRolePolicy": trust("sagemaker.amazonaws.com")},
    )
    stack.items[-2][3]["target"] = [train, role, execution]
    assert stack.run(POLICY) == []
