"""The AWS part of a stack program (the `modules.deploy` dispatch contract)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi

from modules.aws import context as aws_context
from modules.aws.config import PipelineConfig
from modules.aws.scheduled_pipeline import ScheduledPipeline, ScheduledPipelineArgs


def deploy(pipelines: Sequence[PipelineConfig]) -> dict[str, Mapping[str, pulumi.Input]]:
    """One `ScheduledPipeline` per entry, at the stack's top level (their URNs have no parent)."""
    # Partition, region and account are looked up once for all pipelines, not per component.
    aws = aws_context.lookup()
    return {
        p.name: ScheduledPipeline(p.name, ScheduledPipelineArgs(p, aws)).exports()
        for p in pipelines
    }
