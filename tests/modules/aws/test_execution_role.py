"""modules.aws.execution_role.PipelineExecutionRole under Pulumi mocks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi

from modules.aws.config import PermissionStatement
from modules.aws.execution_role import PipelineExecutionRole, PipelineExecutionRoleArgs
from tools.mockrun import StackRun

STEP_ROLE = "arn:aws:iam::${AccountId}:role/step"


def build(**kwargs: Any) -> Callable[[], None]:
    def program() -> None:
        role = PipelineExecutionRole("churn-execution", PipelineExecutionRoleArgs(**kwargs))
        pulumi.export("arn", role.arn)

    return program


def test_role_trusts_only_sagemaker(run: Callable[..., StackRun], document) -> None:
    result = run(build())
    role = result.named("churn-execution-role")
    assert role.type == "aws:iam/role:Role", role.urn
    assert role.parent == result.named("churn-execution").urn, role.urn
    assert document(role, "assumeRolePolicy")["Statement"] == [
        {
            "Sid": "SageMakerAssumesRole",
            "Effect": "Allow",
            "Principal": {"Service": "sagemaker.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ], role.urn


def test_role_with_nothing_to_grant_has_no_policy(run: Callable[..., StackRun]) -> None:
    result = run(build())
    assert not result.of_type("aws:iam/rolePolicy:RolePolicy"), [r.urn for r in result.resources]
    assert result.outputs["arn"] == result.named("churn-execution-role").outputs["arn"]


def test_configured_statements_have_placeholders_filled(
    run: Callable[..., StackRun], document
) -> None:
    statements = (
        PermissionStatement(
            actions=("s3:PutObject", "s3:GetObject"),
            resources=("arn:${Partition}:s3:::data/*",),
            sid="Data",
        ),
        PermissionStatement(
            actions=("logs:PutLogEvents",),
            resources=("arn:${Partition}:logs:${Region}:${AccountId}:log-group:/aws/sagemaker/*",),
        ),
    )
    result = run(build(statements=statements), region="us-gov-west-1")
    policy = result.named("churn-execution-policy")
    assert policy.inputs["role"] == result.named("churn-execution-role").outputs["name"]
    assert document(policy)["Statement"] == [
        {
            "Sid": "Data",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": ["arn:aws-us-gov:s3:::data/*"],
        },
        {
            "Sid": "Config1",
            "Effect": "Allow",
            "Action": ["logs:PutLogEvents"],
            "Resource": [
                "arn:aws-us-gov:logs:us-gov-west-1:123456789012:log-group:/aws/sagemaker/*"
            ],
        },
    ], policy.urn


def test_pass_role_is_limited_to_named_roles_and_to_sagemaker(
    run: Callable[..., StackRun], document
) -> None:
    result = run(build(pass_role_arns=(STEP_ROLE,), pass_self=True))
    policy = result.named("churn-execution-policy")
    own_arn = result.named("churn-execution-role").outputs["arn"]
    assert document(policy)["Statement"] == [
        {
            "Sid": "PassRoleToSageMakerOnly",
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": sorted(["arn:aws:iam::123456789012:role/step", own_arn]),
            "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
        }
    ], policy.urn


def test_existing_role_creates_nothing_and_outputs_its_arn(run: Callable[..., StackRun]) -> None:
    arn = "arn:aws:iam::123456789012:role/existing"
    result = run(build(existing_role_arn=arn))
    component = result.named("churn-execution")
    assert component.type == "mlsched:iam:PipelineExecutionRole", component.urn
    assert [r.name for r in result.resources if r.parent == component.urn] == []
    assert result.outputs["arn"] == arn
    assert component.outputs == {"arn": arn, "created": False}
