"""The Google Cloud part of a stack program (the `modules.deploy` dispatch contract)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi

from modules.gcp.model import GcpPipelineConfig
from modules.gcp.scheduled_pipeline import ScheduledGcpPipeline, ScheduledGcpPipelineArgs


def deploy(pipelines: Sequence[GcpPipelineConfig]) -> dict[str, Mapping[str, pulumi.Input]]:
    """One `ScheduledGcpPipeline` per entry, at the stack's top level (their URNs have no
    parent). Every resource names its project explicitly, so no provider default is needed."""
    return {
        p.name: ScheduledGcpPipeline(p.name, ScheduledGcpPipelineArgs(p)).exports()
        for p in pipelines
    }
