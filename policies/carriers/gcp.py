"""Google Cloud schedule carriers: Vertex AI schedules (pulumi-gcp 10's `gcp.colab.Schedule`),
Dataflow Data Pipelines and Cloud Scheduler jobs. All three read unix-cron.

Where the zone lives differs: Vertex AI reads a `TZ=<zone>` / `CRON_TZ=<zone>` prefix inside the
cron (no prefix: UTC), which the engine's unix-cron dialect parses; Data Pipelines has
`scheduleInfo.timeZone` (empty: UTC); Cloud Scheduler `timeZone` (default Etc/UTC). Google
documents neither how day-of-month and day-of-week combine nor what happens to wall times that
daylight saving skips or repeats, so the engine reports a worst case for all three.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from policies.schedule_registry import Carrier, Target, register
from policies.values import UNKNOWN, dig, is_unknown

# The label the runs carry with the pipeline's expected duration (modules/gcp/scheduled_pipeline):
# each of these carriers defines the job it starts inline, so each is its own pipeline.
EXPECTED_DURATION = "mlsched-expected-duration"
DURATION_LABEL = f"label {EXPECTED_DURATION}"


def _label(labels: Any) -> Any:
    if is_unknown(labels):
        return UNKNOWN
    return labels.get(EXPECTED_DURATION) if isinstance(labels, Mapping) else None


def _zone(path: str):
    """Google's schedules treat an empty time zone as unset (proto3: "" is the default), which
    is UTC for Cloud Scheduler and Data Pipelines."""

    def read(props: Mapping[str, Any]) -> Any:
        value = dig(props, path)
        return None if isinstance(value, str) and not value.strip() else value

    return read


def _vertex_enabled(props: Mapping[str, Any]) -> Any:
    state = props.get("desiredState")
    if is_unknown(state):
        return UNKNOWN
    return not (isinstance(state, str) and state.upper() == "PAUSED")


def _vertex_targets(props: Mapping[str, Any]) -> tuple[Target, ...]:
    job = dig(props, "createPipelineJobRequest.pipelineJob")
    if not isinstance(job, Mapping):
        return ()
    ref = job.get("templateUri") or job.get("displayName")
    return (Target(ref=ref, role_arn=job.get("serviceAccount")),)


def _pipeline_schedule(props: Mapping[str, Any]) -> Any:
    info = props.get("scheduleInfo")
    if info is None or is_unknown(info):
        return info
    if not isinstance(info, Mapping):
        return info  # a list or text where one block belongs: the engine reports its shape
    return info.get("schedule")


def _pipeline_duration(props: Mapping[str, Any]) -> Any:
    for path in (
        "workload.dataflowFlexTemplateRequest.launchParameter.environment.additionalUserLabels",
        "workload.dataflowLaunchTemplateRequest.launchParameters.environment.additionalUserLabels",
    ):
        found = _label(dig(props, path))
        if found is not None:
            return found
    return None


def _job_duration(props: Mapping[str, Any]) -> Any:
    # The job's HTTP body is the PipelineJob it creates, base64-encoded as the provider sends it.
    body = dig(props, "httpTarget.body")
    if is_unknown(body):
        return UNKNOWN
    if not isinstance(body, str):
        return None
    try:
        job = json.loads(base64.b64decode(body, validate=True))
    except (binascii.Error, ValueError, RecursionError):
        return None
    return _label(job.get("labels")) if isinstance(job, Mapping) else None


def _pipeline_enabled(props: Mapping[str, Any]) -> Any:
    state = props.get("state")
    if is_unknown(state):
        return UNKNOWN
    return not (isinstance(state, str) and state in ("STATE_PAUSED", "STATE_ARCHIVED"))


def _pipeline_targets(props: Mapping[str, Any]) -> tuple[Target, ...]:
    return (Target(ref=props.get("name"), role_arn=props.get("schedulerServiceAccountEmail")),)


def _job_enabled(props: Mapping[str, Any]) -> Any:
    paused = props.get("paused")
    if is_unknown(paused):
        return UNKNOWN
    return paused is not True


def _job_targets(props: Mapping[str, Any]) -> tuple[Target, ...]:
    target = props.get("httpTarget")
    if not isinstance(target, Mapping):
        return ()
    token = target.get("oauthToken") or target.get("oidcToken")
    account = token.get("serviceAccountEmail") if isinstance(token, Mapping) else None
    return (Target(ref=target.get("uri"), role_arn=account),)


register(
    Carrier(
        resource_type="gcp:colab/schedule:Schedule",
        cloud="gcp",
        dialect="unix-cron",
        label="Vertex AI schedule",
        expression="cron",
        # The zone is the cron's own TZ= prefix, read by the engine.
        default_timezone=None,
        start="startTime",
        end="endTime",
        enabled=_vertex_enabled,
        targets=_vertex_targets,
        expected_duration=lambda props: _label(
            dig(props, "createPipelineJobRequest.pipelineJob.labels")
        ),
        duration_label=DURATION_LABEL,
        # https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.schedules
        overlap=(
            "Vertex AI starts it only below the schedule's max_concurrent_run_count and "
            "otherwise skips it (queues it with allow_queueing)"
        ),
    )
)
register(
    Carrier(
        resource_type="gcp:dataflow/pipeline:Pipeline",
        cloud="gcp",
        dialect="unix-cron",
        label="Data Pipelines schedule",
        expression="scheduleInfo.schedule",
        reader=_pipeline_schedule,
        timezone="scheduleInfo.timeZone",
        timezone_reader=_zone("scheduleInfo.timeZone"),
        default_timezone="UTC",
        enabled=_pipeline_enabled,
        targets=_pipeline_targets,
        expected_duration=_pipeline_duration,
        duration_label=DURATION_LABEL,
        # https://cloud.google.com/dataflow/docs/guides/data-pipelines: each scheduled run
        # launches a new Dataflow job.
        overlap="Data Pipelines launches another Dataflow job; jobs do not wait for each other",
    )
)
register(
    Carrier(
        resource_type="gcp:cloudscheduler/job:Job",
        cloud="gcp",
        dialect="unix-cron",
        label="Cloud Scheduler job",
        expression="schedule",
        timezone="timeZone",
        timezone_reader=_zone("timeZone"),
        default_timezone="Etc/UTC",
        enabled=_job_enabled,
        targets=_job_targets,
        expected_duration=_job_duration,
        duration_label=DURATION_LABEL,
        overlap="Cloud Scheduler creates another PipelineJob; Vertex AI runs both at once",
    )
)
