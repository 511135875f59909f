"""`ScheduledGcpPipeline`: one validated `cloud: gcp` pipeline entry, deployed end to end."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from modules.config import format_duration
from modules.gcp.alerting import PipelineAlerting, PipelineAlertingArgs
from modules.gcp.apis import ProjectApis, ProjectApisArgs
from modules.gcp.identities import PipelineIdentities, PipelineIdentitiesArgs
from modules.gcp.model import GcpPipelineConfig, account_prefix, project_roles, required_services

TYPE_TOKEN = "mlsched:gcp:ScheduledPipeline"
PIPELINE_LABEL = "mlsched-pipeline"
# Label on the runs (Vertex PipelineJob, Dataflow job) where the pack's schedule-overlap reads the
# expected duration (policies/carriers/gcp.py). Label values allow `90m` but not `:`, hence the key.
EXPECTED_DURATION_LABEL = "mlsched-expected-duration"


@dataclass(frozen=True)
class ScheduledGcpPipelineArgs:
    config: GcpPipelineConfig
    """The validated pipeline entry; its fields carry their own defaults (modules.gcp.model)."""


class ScheduledGcpPipeline(pulumi.ComponentResource):
    """Children: `<name>-apis` (ProjectApis), `<name>-identities` (PipelineIdentities), the
    trigger (`<name>-vertex` VertexPipelineSchedule, `<name>-dataflow` DataflowDataPipeline or
    `<name>-scheduler` SchedulerPipelineJob; `protect` from config) and, unless `alert: false`,
    `<name>-alerting` (PipelineAlerting). The trigger waits for the APIs and the IAM grants."""

    trigger: str
    schedule_name: pulumi.Output[str]
    pipeline_name: str
    run_service_account: pulumi.Output[str]
    scheduler_service_account: pulumi.Output[str | None]

    def __init__(
        self, name: str, args: ScheduledGcpPipelineArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        config = args.config
        extra = {PIPELINE_LABEL: config.name}
        if config.expected_duration is not None:
            extra[EXPECTED_DURATION_LABEL] = format_duration(config.expected_duration)
        labels = tuple(sorted({**dict(config.tags), **extra}.items()))
        self.trigger = config.trigger
        self.pipeline_name = config.name

        apis = ProjectApis(
            f"{name}-apis",
            ProjectApisArgs(
                project=config.project, services=required_services(config.trigger, config.alert)
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        run_roles, scheduler_roles = project_roles(config.trigger)
        identities = PipelineIdentities(
            f"{name}-identities",
            PipelineIdentitiesArgs(
                project=config.project,
                account_prefix=account_prefix(config.name),
                run_project_roles=run_roles,
                scheduler_project_roles=scheduler_roles,
                buckets=config.buckets,
                run_account_users=(config.schedule_creator,)
                if config.schedule_creator and config.trigger == "vertex-schedule"
                else (),
                label=config.name,
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[apis]),
        )
        # The first run must not race the APIs or the grants it runs with.
        trigger_opts = pulumi.ResourceOptions(
            parent=self, depends_on=[apis, identities], protect=config.protect
        )
        scheduler_job: pulumi.Output[str] | None = None
        if config.trigger == "data-pipelines":
            from modules.gcp.data_pipeline import DataflowDataPipeline, DataflowDataPipelineArgs

            assert config.flex is not None  # the validator requires it for this trigger
            pipeline = DataflowDataPipeline(
                f"{name}-dataflow",
                DataflowDataPipelineArgs(
                    project=config.project,
                    region=config.region,
                    cron=config.cron,
                    template=config.flex,
                    worker_service_account=identities.run_email,
                    scheduler_service_account=identities.scheduler_email.apply(str),
                    pipeline_id=config.name,
                    time_zone=config.timezone,
                    parameters=config.parameters,
                    labels=labels,
                ),
                opts=trigger_opts,
            )
            self.schedule_name = pipeline.pipeline_name
        elif config.trigger == "cloud-scheduler":
            from modules.gcp.scheduler_job import SchedulerPipelineJob, SchedulerPipelineJobArgs

            assert config.vertex is not None
            job = SchedulerPipelineJob(
                f"{name}-scheduler",
                SchedulerPipelineJobArgs(
                    project=config.project,
                    region=config.region,
                    cron=config.cron,
                    template=config.vertex,
                    run_service_account=identities.run_email,
                    caller_service_account=identities.scheduler_email.apply(str),
                    time_zone=config.timezone,
                    display_name=config.name,
                    parameter_values=config.parameters,
                    labels=labels,
                    enabled=config.enabled,
                    retry=config.retry,
                    description=config.description,
                ),
                opts=trigger_opts,
            )
            self.schedule_name = job.job_name
            scheduler_job = job.job_name
        else:
            from modules.gcp.vertex_schedule import (
                VertexPipelineSchedule,
                VertexPipelineScheduleArgs,
            )

            assert config.vertex is not None
            schedule = VertexPipelineSchedule(
                f"{name}-vertex",
                VertexPipelineScheduleArgs(
                    project=config.project,
                    region=config.region,
                    cron=config.cron,
                    template=config.vertex,
                    service_account=identities.run_email,
                    time_zone=config.timezone,
                    display_name=config.name,
                    parameter_values=config.parameters,
                    labels=labels,
                    enabled=config.enabled,
                    max_concurrent_runs=config.max_concurrent_runs,
                    start_time=config.start_time,
                    end_time=config.end_time,
                    max_run_count=config.max_run_count,
                ),
                opts=trigger_opts,
            )
            self.schedule_name = schedule.schedule_name

        if config.alert:
            PipelineAlerting(
                f"{name}-alerting",
                PipelineAlertingArgs(
                    project=config.project,
                    region=config.region,
                    trigger=config.trigger,
                    label=config.name,
                    scheduler_job=scheduler_job,
                    dataflow_job_name=config.flex.job_name if config.flex is not None else None,
                    notification_channels=config.alert_channels,
                ),
                opts=pulumi.ResourceOptions(parent=self, depends_on=[apis]),
            )

        self.run_service_account = identities.run_email
        self.scheduler_service_account = identities.scheduler_email
        self.register_outputs(self.exports())

    def exports(self) -> dict[str, pulumi.Input]:
        """What a stack exports per pipeline (camelCase, like the AWS pipelines' exports)."""
        key = {"data-pipelines": "dataPipeline", "cloud-scheduler": "schedulerJob"}.get(
            self.trigger, "vertexSchedule"
        )
        return {
            "cloud": "gcp",
            "pipelineName": self.pipeline_name,
            "trigger": self.trigger,
            key: self.schedule_name,
            "runServiceAccount": self.run_service_account,
            "schedulerServiceAccount": self.scheduler_service_account,
        }
