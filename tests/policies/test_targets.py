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


# --- issue 9: universal targets, accounts, every attachment type, unknowns -------------------
UNIVERSAL = "arn:aws:scheduler:::aws-sdk:sagemaker:startPipelineExecution"


INVOKE_ARN = ROLE_ARN.format("invoke")


def universal(stack, pipeline_input, role_arn=INVOKE_ARN) -> None:
    stack.add(
        SCHEDULE,
        "sched",
        {
            "scheduleExpression": "rate(1 day)",
            "target": {"arn": UNIVERSAL, "roleArn": role_arn, "input": pipeline_input},
        },
    )


def invoke_role(stack, policy_doc=None, trust_doc=None):
    role = stack.add(
        ROLE,
        "invoke",
        {
            "name": "invoke",
            "arn": ROLE_ARN.format("invoke"),
            "assumeRolePolicy": trust_doc or trust(),
        },
    )
    if policy_doc is not None:
        stack.add(ROLE_POLICY, "invoke-policy", {"role": "invoke", "policy": policy_doc})
    return role


def test_universal_target_is_judged_by_the_pipeline_its_input_names(stack) -> None:
    stack.add(CLASSIC_PIPELINE, "train", {"pipelineName": "train", "arn": ARN.format("train")})
    stack.add(CLASSIC_PIPELINE, "other", {"pipelineName": "other", "arn": ARN.format("other")})
    invoke_role(stack, grant(ARN.format("other")))
    universal(stack, json.dumps({"PipelineName": "train"}))
    (found,) = stack.run(POLICY)
    assert (
        f"grants sagemaker:StartPipelineExecution on {ARN.format('other')}, not the targeted"
        in (found[0])
    )


def test_universal_target_granted_on_its_pipeline_passes(stack) -> None:
    stack.add(CLASSIC_PIPELINE, "train", {"pipelineName": "train", "arn": ARN.format("train")})
    invoke_role(stack, grant(ARN.format("train")))
    universal(stack, json.dumps({"PipelineName": ARN.format("train")}))
    assert stack.run(POLICY) == []


def test_universal_target_without_pipeline_name_is_reported(stack) -> None:
    invoke_role(stack, grant(ARN.format("train")))
    universal(stack, json.dumps({"ClientRequestToken": "x"}))
    (found,) = stack.run(POLICY)
    assert "names no PipelineName" in found[0]


def test_same_named_pipeline_in_another_account_is_not_the_target(stack) -> None:
    stack.add(PIPELINE, "train", {"pipelineName": "train"})  # ARN unknown: matched by name
    invoke_role(stack, grant("arn:aws:sagemaker:us-east-1:999988887777:pipeline/train"))
    stack.add(
        SCHEDULE,
        "sched",
        {"target": {"arn": ARN.format("train"), "roleArn": ROLE_ARN.format("invoke")}},
    )
    (found,) = stack.run(POLICY)
    assert "999988887777:pipeline/train, not the targeted pipeline" in found[0]


@pytest.mark.parametrize(
    ("type_", "props"),
    [
        (
            "aws:iam/policyAttachment:PolicyAttachment",
            {"roles": ["invoke"], "policyArn": "arn:aws:iam::123456789012:policy/p"},
        ),
        (
            "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
            {"roleName": "invoke", "policyArns": ["arn:aws:iam::123456789012:policy/p"]},
        ),
    ],
)
def test_grants_through_every_attachment_type_are_seen(stack, type_, props) -> None:
    stack.add(CLASSIC_PIPELINE, "train", {"pipelineName": "train", "arn": ARN.format("train")})
    invoke_role(stack)
    stack.add(
        "aws:iam/policy:Policy",
        "p",
        {"arn": "arn:aws:iam::123456789012:policy/p", "policy": grant("*")},
    )
    stack.add(type_, "attach", props)
    stack.add(
        SCHEDULE,
        "sched",
        {"target": {"arn": ARN.format("train"), "roleArn": ROLE_ARN.format("invoke")}},
    )
    (found,) = stack.run(POLICY)
    assert 'p.policy grants sagemaker:StartPipelineExecution on "*"' in found[0]


def test_managed_policy_from_outside_the_stack_is_reported_like_a_role(stack) -> None:
    stack.add(CLASSIC_PIPELINE, "train", {"pipelineName": "train", "arn": ARN.format("train")})
    invoke_role(stack, grant(ARN.format("train")))
    stack.add(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "attach",
        {"role": "invoke", "policyArn": "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"},
    )
    stack.add(
        SCHEDULE,
        "sched",
        {"target": {"arn": ARN.format("train"), "roleArn": ROLE_ARN.format("invoke")}},
    )
    (found,) = stack.run(POLICY)
    assert (
        "attaches AWS-managed policy 'arn:aws:iam::aws:policy/AmazonSageMakerFullAccess'"
        in (found[0])
    )
    assert "so its grants cannot be checked" in found[0]


def test_trust_pinned_to_another_account_is_reported(stack) -> None:
    stack.add(CLASSIC_PIPELINE, "train", {"pipelineName": "train", "arn": ARN.format("train")})
    foreign = json.dumps(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "scheduler.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"aws:SourceAccount": "999988887777"}},
                }
            ]
        }
    )
    invoke_role(stack, grant(ARN.format("train")), trust_doc=foreign)
    stack.add(
        SCHEDULE,
        "sched",
        {"target": {"arn": ARN.format("train"), "roleArn": ROLE_ARN.format("invoke")}},
    )
    (found,) = stack.run(POLICY)
    assert "trust pins aws:SourceAccount 999988887777" in found[0]
    assert stack.run(POLICY, {"trustedAccounts": ["999988887777"]}) == []


def test_unknown_rule_targets_are_undecided_not_passed(stack) -> None:
    stack.add(
        "aws-native:events:Rule", "rule", {"scheduleExpression": "rate(1 day)", "targets": UNKNOWN}
    )
    with pytest.raises(UnknownValueError) as e:
        stack.run(POLICY)
    assert "rule.targets.arn" in e.value.message
