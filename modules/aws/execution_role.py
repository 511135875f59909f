"""`PipelineExecutionRole`: the role SageMaker assumes to run a pipeline's steps."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from modules.aws import context as aws_context
from modules.aws.config import PLACEHOLDER_PATTERN, PermissionStatement
from modules.aws.role_policy import SAGEMAKER_PRINCIPAL, permissions_policy

TYPE_TOKEN = "mlsched:iam:PipelineExecutionRole"
__all__ = ["SAGEMAKER_PRINCIPAL", "PipelineExecutionRole", "permissions_policy", "trust_policy"]


@dataclass(frozen=True)
class PipelineExecutionRoleArgs:
    existing_role_arn: str | None = None
    """Use this role and create nothing; None creates a least-privilege role."""
    statements: tuple[PermissionStatement, ...] = ()
    """Allow statements of the created role; none grants nothing beyond PassRole below."""
    pass_role_arns: tuple[str, ...] = ()
    """Roles it may pass, only to SageMaker; none (and no `pass_self`) grants no iam:PassRole."""
    pass_self: bool = False
    """Also let it pass itself to SageMaker (steps that run as the pipeline's role)."""
    tags: tuple[tuple[str, str], ...] = ()
    """Tags on the role; none by default."""
    aws: aws_context.AwsContext | None = None
    """Fills `${AccountId}`, `${Region}`, `${Partition}` in statement resources and pass-role
    ARNs; None looks them up with invokes (only when a placeholder is used)."""


def trust_policy() -> str:
    # SageMaker documents no confused-deputy condition keys for pipeline execution roles (the
    # role is also passed to processing/training jobs with their own source ARNs); misuse is
    # prevented by who may iam:PassRole it instead.
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "SageMakerAssumesRole",
                    "Effect": "Allow",
                    "Principal": {"Service": SAGEMAKER_PRINCIPAL},
                    "Action": "sts:AssumeRole",
                }
            ],
        },
        sort_keys=True,
    )


class PipelineExecutionRole(pulumi.ComponentResource):
    """`aws:iam/role:Role` `<name>-role` (trust: sagemaker.amazonaws.com) and, when it grants
    anything, the inline `aws:iam/rolePolicy:RolePolicy` `<name>-policy`. With an existing
    role ARN it creates no children and outputs that ARN."""

    arn: pulumi.Output[str]
    created: bool

    def __init__(
        self,
        name: str,
        args: PipelineExecutionRoleArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        self.created = args.existing_role_arn is None
        if args.existing_role_arn is not None:
            self.arn = pulumi.Output.from_input(args.existing_role_arn)
            self.register_outputs({"arn": self.arn, "created": False})
            return

        role = aws.iam.Role(
            f"{name}-role",
            assume_role_policy=trust_policy(),
            description=f"SageMaker pipeline execution role ({name})",
            tags=dict(args.tags) or None,
            opts=pulumi.ResourceOptions(parent=self),
        )
        if args.statements or args.pass_role_arns or args.pass_self:
            arns = [*args.pass_role_arns, *(r for s in args.statements for r in s.resources)]
            needs_values = any(PLACEHOLDER_PATTERN.search(arn) for arn in arns)
            aws_ctx = (args.aws or aws_context.lookup(self)) if needs_values else None
            values: pulumi.Output[dict[str, str]] = (
                pulumi.Output.all(
                    AccountId=aws_ctx.account_id,
                    Region=aws_ctx.region,
                    Partition=aws_ctx.partition,
                )
                if aws_ctx is not None
                else pulumi.Output.from_input({})
            )
            self_arn = role.arn if args.pass_self else pulumi.Output.from_input(None)
            aws.iam.RolePolicy(
                f"{name}-policy",
                role=role.id,
                policy=pulumi.Output.all(self_arn, values).apply(
                    lambda v: permissions_policy(
                        args.statements,
                        [*args.pass_role_arns, *([v[0]] if v[0] else [])],
                        v[1],
                    )
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.arn = role.arn
        self.register_outputs({"arn": self.arn, "created": True})
