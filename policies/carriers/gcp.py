"""Google Cloud schedule carriers: Vertex AI schedules (pulumi-gcp 10's `gcp.colab.Schedule`),
Dataflow Data Pipelines and Cloud Scheduler jobs. All three read unix-cron.

Where the zone lives differs: Vertex AI reads a `TZ=<zone>` / `CRON_TZ=<zone>` prefix inside the
cron (no prefix: UTC), which the engine's unix-cron dialect parses; Data Pipelines has
`scheduleInfo.timeZone` (empty: UTC); Cloud Scheduler `timeZone` (default Etc/UTC). Google
documents neither how day-of-month and day-of-week combine nor what happens to wall times that
daylight saving skips or repeats, so the engine reports a worst case for all three.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from policies.schedule_registry import Carrier, Target, register
from policies.values import UNKNOWN, dig, is_unknown


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
        timezone="scheduleInfo.timeZone",
        default_timezone="UTC",
        enabled=_pipeline_enabled,
        targets=_pipeline_targets,
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
        default_timezone="Etc/UTC",
        enabled=_job_enabled,
        targets=_job_targets,
    )
)
