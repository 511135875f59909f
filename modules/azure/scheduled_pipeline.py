"""`AzureScheduledPipeline`: one validated `cloud: azure` entry, deployed end to end."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azure_native.datafactory as adf

from modules.azure.config import AzurePipelineConfig
from modules.azure.data_factory import DataFactory
from modules.azure.failure_alerts import FailureAlerts, FailureAlertsArgs
from modules.azure.pipeline import AdfPipeline, AdfPipelineArgs
from modules.azure.trigger import AdfScheduleTrigger, AdfScheduleTriggerArgs
from modules.config import format_duration

TYPE_TOKEN = "mlsched:azure:ScheduledPipeline"
ML_LINKED_SERVICE = "azureml-workspace"


# Where the pack's schedule-overlap reads the expected duration (policies/carriers/azure.py): a
# tag on an Azure ML schedule, an annotation `<it>=<duration>` on an ADF pipeline.
EXPECTED_DURATION = "mlsched:expectedDuration"


@dataclass(frozen=True)
class AzureScheduledPipelineArgs:
    config: AzurePipelineConfig
    """The validated entry; its fields carry their own defaults (modules.azure.config)."""
    factory: DataFactory | None = None
    """The stack's data factory; required for `trigger: adf`."""
    access: pulumi.Resource | None = None
    """The factory's role assignment on the workspace: the trigger waits for it so the first run
    is not refused."""


class AzureScheduledPipeline(pulumi.ComponentResource):
    """`trigger: adf`: children `<name>-adf` (AdfPipeline, `protect` from config),
    `<name>-trigger` (AdfScheduleTrigger) and `<name>-alerts` (FailureAlerts, when `alert`);
    `ml-pipeline-v1` adds `<name>-ml-linked-service`. `trigger: ml-schedule`: child
    `<name>-ml-schedule` (MlSchedule, `protect` from config)."""

    factory_id: pulumi.Output[str | None]
    pipeline_name: pulumi.Output[str]
    trigger_name: pulumi.Output[str]
    trigger_kind: str
    principal_id: pulumi.Output[str | None]
    trigger_runtime_state: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        args: AzureScheduledPipelineArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        config = args.config
        self.trigger_kind = config.trigger
        tags = tuple(sorted({**dict(config.tags), "mlsched:pipeline": config.name}.items()))
        duration = (
            format_duration(config.expected_duration)
            if config.expected_duration is not None
            else None
        )
        values = dict(config.parameters)
        workspace = config.workspace
        none: pulumi.Output[str | None] = pulumi.Output.from_input(None)

        if config.trigger == "ml-schedule":
            # Only stacks with ML schedules pay for importing machinelearningservices (~0.2 s).
            from modules.azure.ml_schedule import MlSchedule, MlScheduleArgs

            assert config.component_id is not None
            schedule = MlSchedule(
                f"{name}-ml-schedule",
                MlScheduleArgs(
                    workspace_name=workspace.name,
                    resource_group_name=workspace.resource_group,
                    schedule_name=config.name,
                    component_id=config.component_id,
                    recurrence={k: v for k, v in config.recurrence.items() if k != "timeZone"},
                    time_zone=config.time_zone,
                    enabled=config.enabled,
                    parameters=_with_defaults(config, values),
                    compute_id=config.compute_id,
                    description=config.description,
                    # The schedule defines its pipeline job inline, so it carries the duration.
                    tags=tuple(sorted({**dict(tags), EXPECTED_DURATION: duration}.items()))
                    if duration
                    else tags,
                ),
                opts=pulumi.ResourceOptions(parent=self, protect=config.protect),
            )
            self.factory_id = none
            self.principal_id = none
            self.pipeline_name = pulumi.Output.from_input(config.component_id)
            self.trigger_name = schedule.schedule_name
            self.trigger_runtime_state = schedule.runtime_state
            self.register_outputs(self.exports())
            return

        factory = args.factory
        if factory is None:
            raise ValueError(f"{name}: an ADF-triggered pipeline needs the stack's data factory")
        child = pulumi.ResourceOptions(parent=self)
        linked_service = None
        if config.activity == "ml-pipeline-v1":
            linked_service = adf.LinkedService(
                f"{name}-ml-linked-service",
                factory_name=factory.factory_name,
                resource_group_name=factory.resource_group_name,
                linked_service_name=f"{config.name}-{ML_LINKED_SERVICE}",
                properties=adf.AzureMLServiceLinkedServiceArgs(
                    type="AzureMLService",
                    subscription_id=workspace.subscription_id,
                    resource_group_name=workspace.resource_group,
                    ml_workspace_name=workspace.name,
                    # The factory's own identity: no key or secret stored in the factory.
                    authentication="MSI",
                ),
                opts=child,
            )
        pipeline = AdfPipeline(
            f"{name}-adf",
            AdfPipelineArgs(
                factory_name=factory.factory_name,
                resource_group_name=factory.resource_group_name,
                pipeline_name=config.name,
                parameters=config.pipeline_parameters,
                activity=config.activity,
                endpoint_uri=config.endpoint_uri,
                deployment=config.deployment,
                wait_for_completion=config.wait_for_completion,
                poll_interval_seconds=config.poll_interval_seconds,
                timeout=config.timeout,
                retry=config.retry,
                retry_interval_seconds=config.retry_interval_seconds,
                concurrency=config.concurrency,
                scheduled_time_input=config.scheduled_time_input,
                ml_linked_service=f"{config.name}-{ML_LINKED_SERVICE}"
                if linked_service is not None
                else None,
                ml_pipeline_id=config.ml_pipeline_id,
                description=config.description,
                expected_duration=duration,
            ),
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=config.protect,
                depends_on=[linked_service] if linked_service is not None else None,
            ),
        )
        trigger = AdfScheduleTrigger(
            f"{name}-trigger",
            AdfScheduleTriggerArgs(
                factory_id=factory.factory_id,
                pipeline_name=pipeline.pipeline_name,
                trigger_name=f"{config.name}-schedule",
                recurrence=config.provider_recurrence(),
                time_zone=config.time_zone,
                activated=config.enabled,
                parameters=tuple(values.items()),
                description=config.description,
            ),
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[args.access] if args.access is not None else None
            ),
        )
        if config.alert:
            FailureAlerts(
                f"{name}-alerts",
                FailureAlertsArgs(
                    factory_id=factory.factory_id,
                    resource_group_name=factory.resource_group_name,
                    pipeline_name=pipeline.pipeline_name,
                    trigger_name=trigger.trigger_name,
                    action_group_ids=config.alert_actions,
                    severity=config.alert_severity,
                    label=config.name,
                    tags=tags,
                ),
                opts=child,
            )
        self.factory_id = factory.factory_id
        self.principal_id = factory.principal_id
        self.pipeline_name = pipeline.pipeline_name
        self.trigger_name = trigger.trigger_name
        self.trigger_runtime_state = trigger.runtime_state
        self.register_outputs(self.exports())

    def exports(self) -> dict[str, pulumi.Input]:
        """What a stack exports per Azure pipeline (camelCase, like stack outputs)."""
        return {
            "cloud": "azure",
            "trigger": self.trigger_kind,
            "factoryId": self.factory_id,
            "pipelineName": self.pipeline_name,
            "triggerName": self.trigger_name,
            "principalId": self.principal_id,
            "triggerRuntimeState": self.trigger_runtime_state,
        }


def _with_defaults(
    config: AzurePipelineConfig, values: dict[str, str]
) -> tuple[tuple[str, str], ...]:
    # Azure ML schedules pass only what they are given; fill the declared defaults in, as the
    # ADF pipeline does for its own parameters.
    merged = {
        p.name: str(p.default).lower() if isinstance(p.default, bool) else str(p.default)
        for p in config.pipeline_parameters
        if p.default is not None
    }
    merged.update(values)
    return tuple(merged.items())
