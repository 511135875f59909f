"""Scheduled SageMaker pipelines; everything environment-specific is in Pulumi.<stack>.yaml."""

from datetime import UTC, datetime
from pathlib import Path

import pulumi

from modules.aws import context as aws_context
from modules.aws.scheduled_pipeline import ScheduledPipeline, ScheduledPipelineArgs
from modules.config import ConfigError, load_stack_config

config = pulumi.Config()
try:
    stack = load_stack_config(
        config.require_object("pipelines"),
        stack=pulumi.get_stack(),
        base_dir=Path(__file__).parent,
        reference=datetime.now(UTC),
        stack_tags=config.get_object("tags"),
    )
except ConfigError as error:
    # RunError: the CLI shows the message without a Python traceback.
    raise pulumi.RunError(str(error)) from error

aws = aws_context.lookup()
deployed = {
    p.name: ScheduledPipeline(p.name, ScheduledPipelineArgs(p, aws)) for p in stack.pipelines
}
pulumi.export("pipelines", {name: pipeline.exports() for name, pipeline in deployed.items()})
