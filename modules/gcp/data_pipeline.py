"""`DataflowDataPipeline`: a Dataflow Data Pipelines batch pipeline that launches a Flex Template
job on a schedule (the Data Pipelines service keeps a hidden Cloud Scheduler job for it).

Traps this component closes or leaves documented (README, "Data Pipelines"):
- `scheduler_service_account_email` unset means the project's default compute account, and the
  API echoing that account back caused perma-diffs
  (https://github.com/GoogleCloudPlatform/magic-modules/pull/9639): always set, to a dedicated
  account.
- `state` cannot be changed by pipelines.patch, so pausing through IaC does nothing
  (https://github.com/hashicorp/terraform-provider-google/issues/23879): the config refuses
  `enabled: false` for this trigger instead of pretending.
- Removing `schedule_info` leaves the hidden Cloud Scheduler job running
  (https://github.com/hashicorp/terraform-provider-google/issues/17489): `schedule_info` is
  always set; stopping the schedule means deleting the pipeline.
- Data Pipelines runs only where Cloud Scheduler (an App Engine application) can: App Engine
  regions.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_gcp import dataflow

from modules.gcp.model import FlexTemplate

TYPE_TOKEN = "mlsched:gcp:DataflowDataPipeline"


@dataclass(frozen=True)
class DataflowDataPipelineArgs:
    project: str
    """Project ID of the pipeline and its jobs."""
    region: str
    """Region of the pipeline, its jobs and its Cloud Scheduler job (an App Engine region)."""
    cron: str
    """unix-cron expression (schedule_info.schedule)."""
    template: FlexTemplate
    """The Flex Template each run launches."""
    worker_service_account: pulumi.Input[str]
    """Email the Dataflow workers run as (never the default compute account)."""
    scheduler_service_account: pulumi.Input[str]
    """Email the hidden Cloud Scheduler job calls Data Pipelines with (never left unset)."""
    pipeline_id: str = ""
    """Pipeline ID (the last part of its resource name); defaults to the component name."""
    time_zone: str = "Etc/UTC"
    """IANA zone of the schedule (schedule_info.time_zone; empty would mean UTC)."""
    parameters: tuple[tuple[str, str], ...] = ()
    """Template parameters passed on every run; none uses the template's defaults."""
    labels: tuple[tuple[str, str], ...] = ()
    """Labels on every launched Dataflow job (Data Pipelines themselves take no labels)."""


class DataflowDataPipeline(pulumi.ComponentResource):
    """Child: `gcp:dataflow/pipeline:Pipeline` `<name>-pipeline` (PIPELINE_TYPE_BATCH,
    STATE_ACTIVE, a dataflowFlexTemplateRequest workload and schedule_info)."""

    pipeline_name: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        args: DataflowDataPipelineArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        template = args.template
        pipeline_id = args.pipeline_id or name
        pipeline = dataflow.Pipeline(
            f"{name}-pipeline",
            project=args.project,
            region=args.region,
            name=pipeline_id,
            display_name=pipeline_id,
            type="PIPELINE_TYPE_BATCH",
            state="STATE_ACTIVE",
            scheduler_service_account_email=args.scheduler_service_account,
            schedule_info=dataflow.PipelineScheduleInfoArgs(
                schedule=args.cron, time_zone=args.time_zone
            ),
            workload=dataflow.PipelineWorkloadArgs(
                dataflow_flex_template_request=dataflow.PipelineWorkloadDataflowFlexTemplateRequestArgs(
                    project_id=args.project,
                    location=args.region,
                    launch_parameter=dataflow.PipelineWorkloadDataflowFlexTemplateRequestLaunchParameterArgs(
                        job_name=template.job_name,
                        container_spec_gcs_path=template.container_spec_gcs_path,
                        parameters=dict(args.parameters) or None,
                        environment=dataflow.PipelineWorkloadDataflowFlexTemplateRequestLaunchParameterEnvironmentArgs(
                            service_account_email=args.worker_service_account,
                            temp_location=template.temp_location,
                            max_workers=template.max_workers,
                            machine_type=template.machine_type,
                            additional_user_labels=dict(args.labels) or None,
                        ),
                    ),
                )
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.pipeline_name = pipeline.name
        self.register_outputs({"pipeline_name": self.pipeline_name})
