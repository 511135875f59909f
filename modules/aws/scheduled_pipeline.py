"""`ScheduledPipeline`: one validated `mlsched:pipelines` entry, deployed end to end."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from modules.aws import context as aws_context
from modules.aws.config import EXPECTED_DURATION_TAG, PipelineConfig
from modules.aws.execution_role import PipelineExecutionRole, PipelineExecutionRoleArgs
from modules.aws.pipeline import SageMakerPipeline, SageMakerPipelineArgs
from modules.aws.trigger import ScheduleTrigger, ScheduleTriggerArgs
from modules.config import format_duration

TYPE_TOKEN = "mlsched:ml:ScheduledPipeline"


@dataclass(frozen=True)
class ScheduledPipelineArgs:
    config: PipelineConfig
    """The validated pipeline entry; its fields carry their own defaults (modules.aws.config)."""
    aws: aws_context.AwsContext | None = None
    """Partition/region/account shared by all children; None looks them up once here."""


class ScheduledPipeline(pulumi.ComponentResource):
    """Children: `<name>-execution` (PipelineExecutionRole), `<name>-sagemaker`
    (SageMakerPipeline, `protect` from config) and `<name>-trigger` (ScheduleTrigger)."""

    pipeline_name: pulumi.Output[str]
    pipeline_arn: pulumi.Output[str]
    trigger_arn: pulumi.Output[str]
    trigger_kind: str
    execution_role_arn: pulumi.Output[str]
    trigger_role_arn: pulumi.Output[str]
    dead_letter_queue_url: pulumi.Output[str | None]

    def __init__(
        self, name: str, args: ScheduledPipelineArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        config = args.config
        aws = args.aws or aws_context.lookup(self)
        tags = tuple(sorted({**dict(config.tags), "mlsched:pipeline": config.name}.items()))
        pipeline_tags = tags
        if config.expected_duration is not None:
            # The timing policies read the expected duration from the pipeline the schedule
            # starts: EventBridge Scheduler schedules cannot be tagged, only schedule groups
            # (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_TagResource.html).
            duration = format_duration(config.expected_duration)
            pipeline_tags = tuple(sorted({**dict(tags), EXPECTED_DURATION_TAG: duration}.items()))
        definition = config.definition

        role = PipelineExecutionRole(
            f"{name}-execution",
            PipelineExecutionRoleArgs(
                existing_role_arn=config.execution_role.arn,
                statements=config.execution_role.statements,
                pass_role_arns=config.execution_role.pass_roles,
                # Steps that name `${ExecutionRoleArn}` run as this role, so SageMaker must be
                # allowed to receive it.
                pass_self="ExecutionRoleArn" in definition.placeholders,
                tags=tags,
                aws=aws,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        pipeline = SageMakerPipeline(
            f"{name}-sagemaker",
            SageMakerPipelineArgs(
                pipeline_name=config.name,
                role_arn=role.arn,
                definition_body=definition.body,
                definition_s3=definition.s3,
                parallelism=config.parallelism,
                description=config.description,
                display_name=config.display_name,
                tags=pipeline_tags,
                aws=aws,
            ),
            opts=pulumi.ResourceOptions(parent=self, protect=config.protect),
        )
        trigger = ScheduleTrigger(
            f"{name}-trigger",
            ScheduleTriggerArgs(
                pipeline_arn=pipeline.arn,
                schedule=config.schedule,
                kind=config.trigger,
                enabled=config.enabled,
                parameters=config.parameters,
                flexible_window_minutes=config.flexible_window_minutes,
                start_date=config.start_date,
                end_date=config.end_date,
                schedule_group=config.schedule_group,
                retry_attempts=config.retry_attempts,
                max_event_age_seconds=config.max_event_age_seconds,
                dead_letter_queue=config.dead_letter_queue,
                alarm=config.alarm,
                alarm_actions=config.alarm_actions,
                tags=tags,
                aws=aws,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

        self.pipeline_name = pipeline.pipeline_name
        self.pipeline_arn = pipeline.arn
        self.trigger_arn = trigger.arn
        self.trigger_kind = trigger.kind
        self.execution_role_arn = role.arn
        self.trigger_role_arn = trigger.role_arn
        self.dead_letter_queue_url = trigger.dead_letter_queue_url
        self.register_outputs(self.exports())

    def exports(self) -> dict[str, pulumi.Input]:
        """What a stack exports per pipeline (camelCase, like stack outputs usually are)."""
        arn_key = "scheduleArn" if self.trigger_kind == "scheduler" else "ruleArn"
        return {
            "pipelineName": self.pipeline_name,
            "pipelineArn": self.pipeline_arn,
            "trigger": self.trigger_kind,
            arn_key: self.trigger_arn,
            "executionRoleArn": self.execution_role_arn,
            "triggerRoleArn": self.trigger_role_arn,
            "deadLetterQueueUrl": self.dead_letter_queue_url,
        }
