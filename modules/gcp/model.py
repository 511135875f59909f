"""Validated shapes of a `cloud: gcp` pipeline entry, shared by the validator and the components.

Pure Python: no Pulumi SDK, no cloud calls. `modules.gcp.config` builds these from raw stack
config (the `cloud: gcp` half of the config contract); the components read them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from modules.config import PipelineBase
from modules.schedule.unixcron import split_cron_timezone

GcpTrigger = Literal["vertex-schedule", "data-pipelines", "cloud-scheduler"]
TRIGGERS: tuple[GcpTrigger, ...] = ("vertex-schedule", "data-pipelines", "cloud-scheduler")
BucketAccess = Literal["read", "write"]

# Storage roles per access level, granted on each named bucket only (never on the project).
# `write` is read plus create: a pipeline root needs storage.objects.get and .create
# (https://cloud.google.com/vertex-ai/docs/pipelines/configure-project#service-account), not
# delete or overwrite, which roles/storage.objectUser would add.
BUCKET_ROLES: dict[BucketAccess, tuple[str, ...]] = {
    "read": ("roles/storage.objectViewer",),
    "write": ("roles/storage.objectViewer", "roles/storage.objectCreator"),
}


@dataclass(frozen=True)
class BucketGrant:
    bucket: str
    """Bucket name (no gs://)."""
    access: BucketAccess = "read"
    """`read` (objectViewer) or `write` (objectViewer + objectCreator)."""


@dataclass(frozen=True)
class VertexTemplate:
    """A compiled Kubeflow Pipelines template for Vertex AI: exactly one of the two sources."""

    pipeline_root: str
    """gs:// directory the run writes its artifacts under (runtimeConfig.gcsOutputDirectory)."""
    spec_json: str | None = None
    """The compiled pipeline spec as JSON text (read from the repo at validation time)."""
    template_uri: str | None = None
    """An Artifact Registry template (https://<region>-kfp.pkg.dev/...), fetched by Vertex AI."""
    source: str = ""
    """Where the spec came from (path or URI), for messages and the plan."""


@dataclass(frozen=True)
class FlexTemplate:
    """A Dataflow Flex Template launched by Data Pipelines on each run."""

    container_spec_gcs_path: str
    """gs:// path of the template's container spec JSON."""
    temp_location: str
    """gs:// path for the job's temporary files."""
    job_name: str
    """Base name of each launched Dataflow job."""
    max_workers: int | None = None
    """Autoscaling ceiling; None keeps Dataflow's default."""
    machine_type: str | None = None
    """Worker machine type; None keeps Dataflow's default."""


@dataclass(frozen=True)
class RetryPolicy:
    """Cloud Scheduler's retry config (https://cloud.google.com/scheduler/docs/reference/rest/v1/projects.locations.jobs#RetryConfig)."""

    retry_count: int = 3
    """0-5 retries of a failed attempt (Google's maximum is 5)."""
    min_backoff_seconds: int = 30
    """Wait before the first retry."""
    max_backoff_seconds: int = 600
    """Longest wait between retries."""
    max_doublings: int = 3
    """How often the wait doubles before it grows linearly."""
    attempt_deadline_seconds: int = 180
    """How long one attempt may take (HTTP targets: 15 s to 30 min)."""


@dataclass(frozen=True, kw_only=True)
class GcpPipelineConfig(PipelineBase):
    """One `cloud: gcp` entry: the shared fields (PipelineBase; `schedule` is unix-cron, its
    time zone IANA, `tags` become labels on the runs) and the Google Cloud ones."""

    project: str
    """Project ID that holds every resource of the pipeline."""
    region: str
    """Region of the schedule, the runs and (Data Pipelines) the hidden Cloud Scheduler job."""
    trigger: GcpTrigger = "vertex-schedule"
    """Which Google service fires the schedule."""
    vertex: VertexTemplate | None = None
    """The Vertex AI pipeline template (vertex-schedule, cloud-scheduler)."""
    flex: FlexTemplate | None = None
    """The Flex Template workload (data-pipelines)."""
    buckets: tuple[BucketGrant, ...] = ()
    """Buckets the workload may use; storage roles are granted on these buckets only."""
    max_concurrent_runs: int = 1
    """Vertex schedules: runs started or active at once; 1 means never overlapping runs."""
    start_time: datetime | None = None
    """Vertex schedules: first instant a run may start; None means from creation."""
    end_time: datetime | None = None
    """Vertex schedules: no runs after this instant; None means no end."""
    max_run_count: int | None = None
    """Vertex schedules: complete after this many runs; None means unlimited."""
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    """cloud-scheduler: retries of a failed attempt to create the run."""
    alert: bool = True
    """Cloud Monitoring alert policies on failed runs / failed scheduler attempts."""
    alert_channels: tuple[str, ...] = ()
    """Notification channel resource names the alerts notify; none only opens incidents."""
    schedule_creator: str | None = None
    """vertex-schedule: IAM member that creates the schedule (the deploy account); granted
    roles/iam.serviceAccountUser on the run account only. None grants nothing."""

    @property
    def cron(self) -> str:
        """The five cron fields without any `TZ=` prefix (the components add what they need)."""
        return split_cron_timezone(self.schedule.expression)[1]

    @property
    def timezone(self) -> str:
        return self.schedule.timezone or "UTC"


# Service account IDs: 6-30 characters, a lowercase letter first, no trailing hyphen
# (https://cloud.google.com/iam/docs/service-accounts-create#creating). The longest suffix the
# components add is `-sched`.
ACCOUNT_ID_LIMIT = 30
ACCOUNT_SUFFIX_LIMIT = len("-sched")


def account_prefix(name: str) -> str:
    """A service account ID prefix for pipeline `name`: the name itself when it fits, else a
    cut of it plus a stable hash, so two long names never collide."""
    room = ACCOUNT_ID_LIMIT - ACCOUNT_SUFFIX_LIMIT
    if len(name) <= room:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:6]
    return f"{name[: room - 7].rstrip('-')}-{digest}"


def project_roles(trigger: GcpTrigger) -> tuple[tuple[str, ...], tuple[str, ...] | None]:
    """(run account roles, scheduler account roles or None) on the project, per trigger.

    Vertex AI pipeline steps create Vertex AI jobs as the run account (roles/aiplatform.user);
    Dataflow workers need roles/dataflow.worker. Cloud Scheduler's caller creates PipelineJobs
    (roles/aiplatform.user); Data Pipelines' hidden scheduler job only calls
    pipelines.run (roles/datapipelines.invoker). A Vertex AI schedule has no caller identity.
    """
    if trigger == "data-pipelines":
        return ("roles/dataflow.worker",), ("roles/datapipelines.invoker",)
    if trigger == "cloud-scheduler":
        return ("roles/aiplatform.user",), ("roles/aiplatform.user",)
    return ("roles/aiplatform.user",), None


def required_services(trigger: GcpTrigger, alert: bool) -> tuple[str, ...]:
    """The APIs a pipeline with this trigger calls (enabled before anything uses them)."""
    services = {"iam.googleapis.com"}
    if alert:
        services.add("monitoring.googleapis.com")
    if trigger == "data-pipelines":
        services |= {
            "datapipelines.googleapis.com",
            "dataflow.googleapis.com",
            "cloudscheduler.googleapis.com",
            "compute.googleapis.com",
        }
    else:
        services.add("aiplatform.googleapis.com")
    if trigger == "cloud-scheduler":
        services.add("cloudscheduler.googleapis.com")
    return tuple(sorted(services))
