"""Validated configuration of the Azure entries (`cloud: azure`): frozen dataclasses the Azure
components consume. Pure Python: no Pulumi SDK import."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from modules.azure.ids import ResourceId, parse_resource_id

AzureTriggerKind = Literal["adf", "ml-schedule"]
ActivityKind = Literal["batch-endpoint", "ml-pipeline-v1"]
ParameterType = Literal["String", "Int", "Float", "Bool"]


@dataclass(frozen=True)
class PipelineParameter:
    name: str
    type: ParameterType = "String"
    default: str | int | float | bool | None = None
    """None declares the parameter without a default (every run must pass it)."""


@dataclass(frozen=True)
class AzureStackConfig:
    """The stack-level `mlsched:azure` block: where the one data factory lives."""

    resource_group: str
    """Resource group of the factory (and of its alerts)."""
    location: str | None = None
    """Region of the factory; None uses the provider's `azure-native:location`."""
    factory_name: str | None = None
    """Physical factory name; None auto-names it."""
    existing_factory_id: str | None = None
    """Use this factory instead of creating one."""
    public_network_access: bool = False
    """Factory public endpoint; off by default (CKV_AZURE_104)."""
    protect: bool = False
    """`protect` on the factory."""


@dataclass(frozen=True)
class AzurePipelineConfig:
    name: str
    """Pipeline (and component) name; the ADF pipeline and trigger names derive from it."""
    workspace_id: str
    """Resource ID of the Azure ML workspace (the only scope the factory is granted)."""
    recurrence: Mapping[str, Any] = field(default_factory=dict)
    """ADF recurrence, ADF key names; `startTime`/`endTime` as UTC `...Z` text."""
    time_zone: str = "UTC"
    """Windows time zone ID."""
    schedule: Any = None
    """The engine's parsed schedule (modules.schedule), for plans and policies."""
    trigger: AzureTriggerKind = "adf"
    """`adf` (Data Factory schedule trigger, default) or `ml-schedule` (Azure ML schedule)."""
    enabled: bool = True
    """False deploys the trigger Stopped (the ML schedule disabled)."""
    activity: ActivityKind = "batch-endpoint"
    endpoint_uri: str | None = None
    deployment: str | None = None
    parameters: tuple[PipelineParameter, ...] = ()
    """Declared pipeline parameters (with defaults)."""
    values: tuple[tuple[str, str], ...] = ()
    """Parameter values the trigger passes on every run (a subset of `parameters`)."""
    scheduled_time_input: str | None = None
    component_id: str | None = None
    """`ml-schedule`: the pipeline component version to run."""
    compute_id: str | None = None
    ml_pipeline_id: str | None = None
    """`ml-pipeline-v1` activity: the published Azure ML v1 pipeline."""
    ml_pipeline_is_endpoint: bool = False
    timeout: str = "0.02:00:00"
    retry: int = 2
    retry_interval_seconds: int = 60
    concurrency: int = 1
    wait_for_completion: bool = True
    poll_interval_seconds: int = 120
    alert: bool = True
    alert_actions: tuple[str, ...] = ()
    """Action group resource IDs."""
    alert_severity: int = 1
    protect: bool = False
    description: str | None = None
    tags: tuple[tuple[str, str], ...] = ()

    @property
    def workspace(self) -> ResourceId:
        return parse_resource_id(self.workspace_id)
