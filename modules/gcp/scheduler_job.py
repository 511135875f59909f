"""`SchedulerPipelineJob`: a Cloud Scheduler job whose HTTP target creates a Vertex AI
PipelineJob, authenticated with an OAuth token of a dedicated service account."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi_gcp import cloudscheduler

from modules.gcp.model import RetryPolicy, VertexTemplate

TYPE_TOKEN = "mlsched:gcp:SchedulerPipelineJob"
# Google APIs (*.googleapis.com) take OAuth access tokens; OIDC ID tokens are for Cloud Run,
# Cloud Functions and other non-Google endpoints
# (https://cloud.google.com/scheduler/docs/http-target-auth).
CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"


@dataclass(frozen=True)
class SchedulerPipelineJobArgs:
    project: str
    """Project ID of the job and the PipelineJobs it creates."""
    region: str
    """Region of the job and of the Vertex AI endpoint it calls."""
    cron: str
    """unix-cron expression (Cloud Scheduler `schedule`)."""
    template: VertexTemplate
    """Compiled pipeline (spec JSON or Artifact Registry URI) and its pipeline root."""
    run_service_account: pulumi.Input[str]
    """Email the PipelineJob runs as (never the default compute account)."""
    caller_service_account: pulumi.Input[str]
    """Email whose OAuth token authenticates the call (needs aiplatform.pipelineJobs.create and
    actAs on the run account)."""
    time_zone: str = "Etc/UTC"
    """IANA zone of the schedule (Cloud Scheduler's own default is Etc/UTC too)."""
    display_name: str = ""
    """PipelineJob display name; defaults to the component name."""
    parameter_values: tuple[tuple[str, str], ...] = ()
    """runtimeConfig.parameterValues; none uses the template's defaults."""
    labels: tuple[tuple[str, str], ...] = ()
    """Labels on every PipelineJob the job creates."""
    enabled: bool = True
    """False creates the job paused."""
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    """Retries of a failed attempt and the per-attempt deadline."""
    description: str | None = None
    """Job description; None writes one naming the pipeline."""


def pipeline_jobs_uri(project: str, region: str) -> str:
    """Vertex AI's regional endpoint for projects.locations.pipelineJobs.create."""
    return (
        f"https://{region}-aiplatform.googleapis.com/v1/projects/{project}"
        f"/locations/{region}/pipelineJobs"
    )


def pipeline_job_body(
    display_name: str,
    template: VertexTemplate,
    service_account: str,
    parameter_values: tuple[tuple[str, str], ...],
    labels: tuple[tuple[str, str], ...],
) -> str:
    """The PipelineJob JSON, base64-encoded as Cloud Scheduler's `httpTarget.body` requires."""
    job: dict[str, Any] = {
        "displayName": display_name,
        "serviceAccount": service_account,
        "runtimeConfig": {"gcsOutputDirectory": template.pipeline_root},
    }
    if template.spec_json is not None:
        job["pipelineSpec"] = json.loads(template.spec_json)
    if template.template_uri is not None:
        job["templateUri"] = template.template_uri
    if parameter_values:
        job["runtimeConfig"]["parameterValues"] = dict(parameter_values)
    if labels:
        job["labels"] = dict(labels)
    text = json.dumps(job, sort_keys=True, separators=(",", ":"))
    return base64.b64encode(text.encode()).decode()


class SchedulerPipelineJob(pulumi.ComponentResource):
    """Child: `gcp:cloudscheduler/job:Job` `<name>-job` (HTTP POST to Vertex AI's pipelineJobs
    endpoint, OAuth token of the caller account, retry config, attempt deadline)."""

    job_name: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        args: SchedulerPipelineJobArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        display = args.display_name or name
        retry = args.retry
        body = pulumi.Output.from_input(args.run_service_account).apply(
            lambda email: pipeline_job_body(
                display, args.template, email, args.parameter_values, args.labels
            )
        )
        job = cloudscheduler.Job(
            f"{name}-job",
            project=args.project,
            region=args.region,
            schedule=args.cron,
            time_zone=args.time_zone,
            paused=not args.enabled,
            description=args.description or f"Creates a Vertex AI pipeline run of {display}",
            attempt_deadline=f"{retry.attempt_deadline_seconds}s",
            retry_config=cloudscheduler.JobRetryConfigArgs(
                retry_count=retry.retry_count,
                min_backoff_duration=f"{retry.min_backoff_seconds}s",
                max_backoff_duration=f"{retry.max_backoff_seconds}s",
                max_doublings=retry.max_doublings,
            ),
            http_target=cloudscheduler.JobHttpTargetArgs(
                uri=pipeline_jobs_uri(args.project, args.region),
                http_method="POST",
                headers={"Content-Type": "application/json"},
                body=body,
                oauth_token=cloudscheduler.JobHttpTargetOauthTokenArgs(
                    service_account_email=args.caller_service_account,
                    scope=CLOUD_PLATFORM_SCOPE,
                ),
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.job_name = job.name
        self.register_outputs({"job_name": self.job_name})
