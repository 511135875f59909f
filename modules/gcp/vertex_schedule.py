"""`VertexPipelineSchedule`: a Vertex AI schedule (the Schedule API) that creates a PipelineJob
from a compiled pipeline template on every tick.

pulumi-gcp 10 manages that API as `gcp.colab.Schedule` (`create_pipeline_job_request`); the
duplicate `gcp.vertex.AiSchedule` of pulumi-gcp 9 was removed upstream
(https://github.com/hashicorp/terraform-provider-google/issues/28405).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pulumi
from pulumi_gcp import colab

from modules.gcp.model import VertexTemplate
from modules.schedule.unixcron import compose_cron_timezone

TYPE_TOKEN = "mlsched:gcp:VertexPipelineSchedule"


@dataclass(frozen=True)
class VertexPipelineScheduleArgs:
    project: str
    """Project ID of the schedule and its runs."""
    region: str
    """Vertex AI region of the schedule and its runs."""
    cron: str
    """unix-cron expression without prefix; the component adds `TZ=<time_zone>`."""
    template: VertexTemplate
    """Compiled pipeline (spec JSON or Artifact Registry URI) and its pipeline root."""
    service_account: pulumi.Input[str]
    """Email the runs execute as; never left unset (that would be the default compute account)."""
    time_zone: str = "Etc/UTC"
    """IANA zone the cron is read in; Vertex AI reads it from the cron's `TZ=` prefix."""
    display_name: str = ""
    """Schedule and PipelineJob display name; defaults to the component name."""
    parameter_values: tuple[tuple[str, str], ...] = ()
    """runtimeConfig.parameterValues; none uses the template's defaults."""
    labels: tuple[tuple[str, str], ...] = ()
    """Labels on every PipelineJob the schedule creates."""
    enabled: bool = True
    """desired_state ACTIVE (True) or PAUSED (False)."""
    max_concurrent_runs: int = 1
    """max_concurrent_run_count and max_concurrent_active_run_count: 1 never overlaps runs."""
    start_time: datetime | None = None
    """First instant a run may be scheduled; None means from creation."""
    end_time: datetime | None = None
    """No runs after this instant; None means no end."""
    max_run_count: int | None = None
    """Complete the schedule after this many runs; None means unlimited."""


def vertex_cron(cron: str, time_zone: str) -> str:
    """The `cron` field as Vertex AI reads it: the zone travels inside the expression
    (https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.schedules)."""
    return compose_cron_timezone(cron, time_zone)


def rfc3339(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class VertexPipelineSchedule(pulumi.ComponentResource):
    """Child: `gcp:colab/schedule:Schedule` `<name>-schedule` with a CreatePipelineJobRequest."""

    schedule_name: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        args: VertexPipelineScheduleArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        display = args.display_name or name
        template = args.template
        concurrency = str(args.max_concurrent_runs)
        schedule = colab.Schedule(
            f"{name}-schedule",
            project=args.project,
            location=args.region,
            display_name=display,
            cron=vertex_cron(args.cron, args.time_zone),
            desired_state="ACTIVE" if args.enabled else "PAUSED",
            # The API takes int64 counts as strings. Both limits: how many runs may be started
            # at once and how many may be running; with allow_queueing off a tick that finds a
            # run still going is skipped, not stacked.
            max_concurrent_run_count=concurrency,
            max_concurrent_active_run_count=concurrency,
            allow_queueing=False,
            start_time=rfc3339(args.start_time),
            end_time=rfc3339(args.end_time),
            max_run_count=str(args.max_run_count) if args.max_run_count is not None else None,
            create_pipeline_job_request=colab.ScheduleCreatePipelineJobRequestArgs(
                parent=f"projects/{args.project}/locations/{args.region}",
                pipeline_job=colab.ScheduleCreatePipelineJobRequestPipelineJobArgs(
                    display_name=display,
                    pipeline_spec=template.spec_json,
                    template_uri=template.template_uri,
                    service_account=args.service_account,
                    labels=dict(args.labels) or None,
                    runtime_config=colab.ScheduleCreatePipelineJobRequestPipelineJobRuntimeConfigArgs(
                        gcs_output_directory=template.pipeline_root,
                        parameter_values=dict(args.parameter_values) or None,
                    ),
                ),
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.schedule_name = schedule.name
        self.register_outputs({"schedule_name": self.schedule_name})
