"""`SageMakerPipeline`: a SageMaker Model Building Pipeline and its ARN."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws_native as aws_native

from modules.aws import context as aws_context
from modules.aws.config import PLACEHOLDER_PATTERN, SUBSTITUTIONS, S3Location

TYPE_TOKEN = "mlsched:sagemaker:Pipeline"


@dataclass(frozen=True)
class SageMakerPipelineArgs:
    pipeline_name: str
    """Physical pipeline name. The ARN carries it lowercased, as SageMaker does."""
    role_arn: pulumi.Input[str]
    """Execution role SageMaker assumes to run the steps; also `${ExecutionRoleArn}`."""
    definition_body: str | None = None
    """Definition JSON, sent inline. `${ExecutionRoleArn}`, `${AccountId}`, `${Region}` and
    `${Partition}` are replaced. Exactly one of `definition_body` / `definition_s3`."""
    definition_s3: S3Location | None = None
    """Definition stored in S3 (needed above SageMaker's 1 MB inline limit)."""
    parallelism: int | None = None
    """Max steps running in parallel per execution; None leaves SageMaker's default."""
    description: str | None = None
    """Pipeline description; None sets none."""
    display_name: str | None = None
    """Console display name; None shows the pipeline name."""
    tags: tuple[tuple[str, str], ...] = ()
    """Tags on the pipeline; none by default."""
    aws: aws_context.AwsContext | None = None
    """Partition/region/account; None looks them up with invokes."""


class SageMakerPipeline(pulumi.ComponentResource):
    """Wraps `aws-native:sagemaker:Pipeline` (child `<name>-pipeline`).

    The CloudFormation resource has no ARN attribute, so `arn` is built as
    `arn:<partition>:sagemaker:<region>:<account>:pipeline/<lowercased name>`; IAM policies
    scoped to a mixed-case ARN would silently never match.
    """

    pipeline_name: pulumi.Output[str]
    arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: SageMakerPipelineArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        if (args.definition_body is None) == (args.definition_s3 is None):
            raise ValueError(f"{name}: give exactly one of definition_body and definition_s3")
        aws = args.aws or aws_context.lookup(self)

        if args.definition_body is not None:
            definition = aws_native.sagemaker.PipelineDefinition0PropertiesArgs(
                pipeline_definition_body=_substituted(args.definition_body, args.role_arn, aws)
            )
        else:
            location = args.definition_s3
            assert location is not None
            definition = aws_native.sagemaker.PipelineDefinition1PropertiesArgs(
                pipeline_definition_s3_location=aws_native.sagemaker.PipelineS3LocationArgs(
                    bucket=location.bucket, key=location.key
                )
            )
        parallelism = None
        if args.parallelism is not None:
            parallelism = aws_native.sagemaker.ParallelismConfigurationPropertiesArgs(
                max_parallel_execution_steps=args.parallelism
            )
        pipeline = aws_native.sagemaker.Pipeline(
            f"{name}-pipeline",
            pipeline_name=args.pipeline_name,
            pipeline_definition=definition,
            role_arn=args.role_arn,
            parallelism_configuration=parallelism,
            pipeline_description=args.description,
            pipeline_display_name=args.display_name,
            tags=[aws_native.TagArgs(key=k, value=v) for k, v in args.tags] or None,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.pipeline_name = pulumi.Output.from_input(pipeline.pipeline_name).apply(
            lambda value: value or args.pipeline_name
        )
        self.arn = pulumi.Output.concat(
            "arn:",
            aws.partition,
            ":sagemaker:",
            aws.region,
            ":",
            aws.account_id,
            ":pipeline/",
            self.pipeline_name.apply(str.lower),
        )
        self.register_outputs({"pipeline_name": self.pipeline_name, "arn": self.arn})


def _substituted(
    body: str, role_arn: pulumi.Input[str], aws: aws_context.AwsContext
) -> pulumi.Input[str]:
    if not PLACEHOLDER_PATTERN.search(body):
        return body

    def fill(values: list[str]) -> str:
        known = dict(zip(SUBSTITUTIONS, values, strict=True))
        # JSON-escape the value so a substitution can never break the document's syntax.
        return PLACEHOLDER_PATTERN.sub(lambda m: json.dumps(known[m.group(1)])[1:-1], body)

    # Same order as modules.aws.config.SUBSTITUTIONS.
    return pulumi.Output.all(role_arn, aws.account_id, aws.region, aws.partition).apply(fill)
