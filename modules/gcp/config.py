"""Google Cloud pipeline entries (`cloud: gcp`): Vertex AI pipelines and Dataflow Data Pipelines
on a unix-cron schedule.

The Google Cloud half of the config contract (the shared half and the plug-in contract are in
`modules.config`). Pure validation: no Pulumi SDK, no Google call. Exports `VALIDATOR`.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from typing import Any

import yaml

from modules.config import (
    CloudValidator,
    IssueContext,
    PipelineEntry,
    get_bool,
    get_date,
    get_int,
    get_string_list,
    iso,
    parse_schedule_key,
    refuse_when_off,
)
from modules.gcp.model import (
    TRIGGERS,
    BucketGrant,
    FlexTemplate,
    GcpPipelineConfig,
    RetryPolicy,
    VertexTemplate,
)
from modules.repo_files import RepositoryFileError, read_repository_file

# https://cloud.google.com/resource-manager/docs/creating-managing-projects#before_you_begin
PROJECT_ID = re.compile(r"[a-z][a-z0-9-]{4,28}[a-z0-9]", re.ASCII)
REGION = re.compile(r"[a-z]+(?:-[a-z]+)+[0-9]+", re.ASCII)
# The name becomes a Data Pipelines ID, a Vertex display name, a label value (lowercase, 63
# characters) and the prefix of child resource names.
NAME = re.compile(r"[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?", re.ASCII)
# https://cloud.google.com/resource-manager/docs/labels-overview#requirements
LABEL_KEY = re.compile(r"[a-z][a-z0-9_-]{0,62}", re.ASCII)
LABEL_VALUE = re.compile(r"[a-z0-9_-]{0,63}", re.ASCII)
BUCKET = re.compile(r"[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]", re.ASCII)
_IPV4 = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}", re.ASCII)


def bucket_problem(bucket: str) -> str | None:
    """What Cloud Storage refuses in a bucket name beyond its characters
    (https://cloud.google.com/storage/docs/buckets#naming): over 63 characters without dots,
    a dot-separated part over 63, `..`, an IP address, the `goog` prefix, `google`."""
    if not BUCKET.fullmatch(bucket):
        return "is not a bucket name (3-222 lowercase letters, digits, -, _ and .; no gs://)"
    if "." not in bucket and len(bucket) > 63:
        return "is longer than 63 characters (only names with dots may be longer)"
    if any(not part or len(part) > 63 for part in bucket.split(".")):
        return "has an empty or over-63-character part between dots"
    if _IPV4.fullmatch(bucket):
        return "is an IP address, which Cloud Storage refuses as a bucket name"
    if bucket.startswith("goog") or "google" in bucket:
        return "starts with 'goog' or contains 'google', which Cloud Storage reserves"
    return None


GCS_PATH = re.compile(r"gs://(?P<bucket>[a-z0-9][a-z0-9._-]{1,220}[a-z0-9])(?:/\S*)?")
# Vertex AI template registry: https://cloud.google.com/vertex-ai/docs/pipelines/create-pipeline-template
TEMPLATE_URI = re.compile(r"https://[a-z0-9-]+-kfp\.pkg\.dev/[a-z0-9-]+/[^/\s]+/[^/\s]+/\S+")
CHANNEL = re.compile(r"projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/notificationChannels/\d+", re.ASCII)
MEMBER = re.compile(r"(?:user|serviceAccount|group):[^@\s]+@[^@\s]+")
JOB_NAME = re.compile(r"[a-z](?:[-a-z0-9]{0,38}[a-z0-9])?", re.ASCII)
# Cloud Scheduler RetryConfig (https://cloud.google.com/scheduler/docs/reference/rest/v1/projects.locations.jobs#RetryConfig)
RETRY_COUNT_RANGE = (0, 5)
BACKOFF_RANGE = (0, 3_600)
MAX_DOUBLINGS_RANGE = (0, 16)
# HTTP targets: 15 seconds to 30 minutes.
ATTEMPT_DEADLINE_RANGE = (15, 1_800)
MAX_SPEC_CHARS = 1_048_576
VERTEX_TRIGGERS = ("vertex-schedule", "cloud-scheduler")

PIPELINE_KEYS: dict[str, str] = {
    "project": "Google Cloud project ID (required)",
    "region": "region of the schedule and its runs (required), e.g. europe-west1",
    "trigger": "vertex-schedule (default), data-pipelines or cloud-scheduler",
    "pipelineSpec": "compiled Kubeflow pipeline (JSON or YAML), relative to the stack folder",
    "templateUri": "or: a Vertex AI template in Artifact Registry (https://<region>-kfp.pkg.dev/...)",
    "pipelineRoot": "gs:// directory the Vertex AI runs write artifacts to",
    "flexTemplate": "data-pipelines: the Flex Template (containerSpecGcsPath, tempLocation, ...)",
    "buckets": "buckets the workload uses: {bucket: read|write}; storage roles on these only",
    "maxConcurrentRuns": "vertex-schedule: runs at once, default 1 (never overlapping)",
    "startTime": "vertex-schedule: first instant a run may start",
    "endTime": "vertex-schedule: no runs after this instant",
    "maxRunCount": "vertex-schedule: complete after this many runs",
    "retryCount": "cloud-scheduler: retries of a failed attempt, 0-5, default 3",
    "minBackoffSeconds": "cloud-scheduler: first retry after, default 30",
    "maxBackoffSeconds": "cloud-scheduler: longest wait between retries, default 600",
    "maxDoublings": "cloud-scheduler: times the wait doubles, default 3",
    "attemptDeadlineSeconds": "cloud-scheduler: one attempt's deadline, 15-1800, default 180",
    "alert": "Cloud Monitoring alert policies on failed runs, default true",
    "alertChannels": "notification channels alerted: projects/<project>/notificationChannels/<id>",
    "scheduleCreator": "vertex-schedule: member creating the schedule, may act as the run account",
}
VERTEX_ONLY = ("maxConcurrentRuns", "startTime", "endTime", "maxRunCount", "scheduleCreator")
SCHEDULER_ONLY = (
    "retryCount",
    "minBackoffSeconds",
    "maxBackoffSeconds",
    "maxDoublings",
    "attemptDeadlineSeconds",
)
FLEX_KEYS = ("containerSpecGcsPath", "tempLocation", "jobName", "maxWorkers", "machineType")


def check_name(name: str) -> str | None:
    if not NAME.fullmatch(name):
        return (
            f"{name!r} is not a valid Google Cloud pipeline name; use lowercase letters, digits "
            "and hyphens, starting with a letter, at most 63 characters (it becomes a label "
            "value and a Data Pipelines ID)"
        )
    return None


def check_tag(key: str, value: str) -> str | None:
    if not LABEL_KEY.fullmatch(key):
        return (
            "Google Cloud label keys are 1-63 lowercase letters, digits, `_` or `-`, starting "
            "with a letter"
        )
    if not LABEL_VALUE.fullmatch(value):
        return "Google Cloud label values are at most 63 lowercase letters, digits, `_` or `-`"
    return None


def validate(entry: PipelineEntry, ctx: IssueContext) -> GcpPipelineConfig | None:
    raw = entry.raw
    refuse_when_off(raw, ctx, "alert", ("alertChannels",))
    trigger = raw.get("trigger", "vertex-schedule")
    if trigger not in TRIGGERS:
        ctx.add("trigger", f"{trigger!r} is not a trigger; use one of {', '.join(TRIGGERS)}")
        return None
    project = _pattern(raw, "project", ctx, PROJECT_ID, "a project ID such as ml-platform-dev")
    region = _pattern(raw, "region", ctx, REGION, "a region such as europe-west1")
    _only(raw, ctx, trigger, VERTEX_ONLY, ("vertex-schedule",))
    _only(raw, ctx, trigger, SCHEDULER_ONLY, ("cloud-scheduler",))
    _only(raw, ctx, trigger, ("pipelineSpec", "templateUri", "pipelineRoot"), VERTEX_TRIGGERS)
    _only(raw, ctx, trigger, ("flexTemplate",), ("data-pipelines",))
    if trigger == "data-pipelines" and not entry.shared.enabled:
        # https://github.com/hashicorp/terraform-provider-google/issues/23879: the API changes
        # state only through :run/:stop, never a patch, so `enabled: false` would be a lie.
        ctx.add(
            "enabled",
            "Data Pipelines cannot be paused through Pulumi (state changes only via the API's "
            "run/stop calls, terraform-provider-google #23879). Remove the pipeline to stop it, "
            "or use `trigger: vertex-schedule` or `cloud-scheduler`, which can be paused",
        )

    start = get_date(raw, "startTime", ctx)
    end = get_date(raw, "endTime", ctx)
    if start and end and end <= start:
        ctx.add("endTime", f"{iso(end)} is not after startTime {iso(start)}; swap or fix them")
        start = end = None
    schedule = parse_schedule_key(
        entry, ctx, dialect="unix-cron", timezone=raw.get("timezone"), start=start, end=end
    )
    vertex = _vertex(entry, ctx) if trigger in VERTEX_TRIGGERS else None
    flex = _flex(raw, ctx, entry.shared.name) if trigger == "data-pipelines" else None
    buckets = _buckets(raw, ctx)
    channels = get_string_list(raw, "alertChannels", ctx)
    for channel in channels:
        if not CHANNEL.fullmatch(channel):
            ctx.add(
                "alertChannels",
                f"{channel!r} is not a notification channel name; use "
                "projects/<project>/notificationChannels/<id> "
                "(gcloud beta monitoring channels list)",
            )
    creator = raw.get("scheduleCreator")
    if creator is not None and not (isinstance(creator, str) and MEMBER.fullmatch(creator)):
        ctx.add(
            "scheduleCreator",
            f"{creator!r} is not an IAM member; write e.g. "
            "serviceAccount:deploy@PROJECT.iam.gserviceaccount.com",
        )
        creator = None
    retry = RetryPolicy(
        retry_count=_int(raw, "retryCount", ctx, 3, RETRY_COUNT_RANGE),
        min_backoff_seconds=_int(raw, "minBackoffSeconds", ctx, 30, BACKOFF_RANGE),
        max_backoff_seconds=_int(raw, "maxBackoffSeconds", ctx, 600, BACKOFF_RANGE),
        max_doublings=_int(raw, "maxDoublings", ctx, 3, MAX_DOUBLINGS_RANGE),
        attempt_deadline_seconds=_int(
            raw, "attemptDeadlineSeconds", ctx, 180, ATTEMPT_DEADLINE_RANGE
        ),
    )
    if retry.min_backoff_seconds > retry.max_backoff_seconds:
        ctx.add(
            "minBackoffSeconds",
            f"{retry.min_backoff_seconds} is above maxBackoffSeconds "
            f"{retry.max_backoff_seconds}; the first wait cannot exceed the longest",
        )
    concurrency = get_int(
        raw, "maxConcurrentRuns", ctx, 1, (1, 100), provider="mlsched for Vertex AI schedules"
    )
    max_runs = get_int(
        raw, "maxRunCount", ctx, None, (1, 2**31 - 1), provider="Vertex AI (int64, positive)"
    )
    alert = get_bool(raw, "alert", ctx, True)
    _bucket_access(ctx, buckets, vertex, flex)
    if None in (schedule, project, region) or (vertex is None and flex is None):
        return None
    return GcpPipelineConfig(
        **entry.shared.fields(),
        schedule=schedule,
        project=project,
        region=region,
        trigger=trigger,
        vertex=vertex,
        flex=flex,
        buckets=buckets,
        max_concurrent_runs=concurrency or 1,
        start_time=start,
        end_time=end,
        max_run_count=max_runs,
        retry=retry,
        alert=alert,
        alert_channels=channels,
        schedule_creator=creator,
    )


def _pattern(
    raw: Mapping[str, Any], key: str, ctx: IssueContext, pattern: re.Pattern[str], example: str
) -> str | None:
    value = raw.get(key)
    if value is None:
        ctx.add(key, f"is required for Google Cloud pipelines; add `{key}: <{example}>`")
        return None
    if not isinstance(value, str) or not pattern.fullmatch(value):
        ctx.add(key, f"{value!r} is not valid; use {example}")
        return None
    return value


def _only(
    raw: Mapping[str, Any],
    ctx: IssueContext,
    trigger: str,
    keys: tuple[str, ...],
    triggers: tuple[str, ...],
) -> None:
    if trigger in triggers:
        return
    for key in keys:
        if raw.get(key) is not None:
            ctx.add(
                key,
                f"applies to `trigger: {' or '.join(triggers)}` only, not {trigger}; remove it "
                "or change the trigger",
            )


def _int(
    raw: Mapping[str, Any], key: str, ctx: IssueContext, default: int, bounds: tuple[int, int]
) -> int:
    value = get_int(raw, key, ctx, default, bounds, provider="Cloud Scheduler")
    return default if value is None else value


def _gcs(value: Any, key: str, ctx: IssueContext) -> str | None:
    match = GCS_PATH.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        ctx.add(key, f"{value!r} is not a Cloud Storage path; write gs://<bucket>/<path>")
        return None
    problem = bucket_problem(match["bucket"])
    if problem is not None:
        ctx.add(
            key, f"bucket {match['bucket']!r} of {value!r} {problem}; name a bucket that exists"
        )
        return None
    return value


def _vertex(entry: PipelineEntry, ctx: IssueContext) -> VertexTemplate | None:
    raw = entry.raw
    spec_path, uri = raw.get("pipelineSpec"), raw.get("templateUri")
    root = raw.get("pipelineRoot")
    if root is None:
        ctx.add("pipelineRoot", "is required; add `pipelineRoot: gs://<bucket>/<path>`")
    root = _gcs(root, "pipelineRoot", ctx) if root is not None else None
    if (spec_path is None) == (uri is None):
        ctx.add(
            "pipelineSpec",
            "give exactly one of pipelineSpec (a compiled pipeline file in the repo) or "
            "templateUri (a template in Artifact Registry)",
        )
        return None
    if uri is not None:
        if not isinstance(uri, str) or not TEMPLATE_URI.fullmatch(uri):
            ctx.add(
                "templateUri",
                f"{uri!r} is not a Vertex AI template URI; write "
                "https://<region>-kfp.pkg.dev/<project>/<repository>/<template>/"
                "<tag or sha256:...>",
            )
            return None
        return VertexTemplate(pipeline_root=root, template_uri=uri, source=uri) if root else None
    spec = _read_spec(spec_path, entry, ctx)
    if spec is None or root is None:
        return None
    return VertexTemplate(pipeline_root=root, spec_json=spec, source=str(spec_path))


def _read_spec(path: Any, entry: PipelineEntry, ctx: IssueContext) -> str | None:
    if not isinstance(path, str) or not path:
        ctx.add(
            "pipelineSpec", "must be a path to the compiled pipeline, e.g. ../../pipelines/x.yaml"
        )
        return None
    try:
        text = read_repository_file(path, entry.base_dir, reader="Vertex AI")
    except RepositoryFileError as error:
        hint = ""
        if "not found" in str(error):
            hint = "; compile the pipeline with kfp.compiler.Compiler().compile(...) and commit it"
        ctx.add("pipelineSpec", f"{error}{hint}")
        return None
    if len(text) > MAX_SPEC_CHARS:
        ctx.add("pipelineSpec", f"{path} is {len(text)} characters; the limit is {MAX_SPEC_CHARS}")
        return None
    try:
        document = yaml.safe_load(text)  # a JSON document is YAML too
    except yaml.YAMLError as error:
        ctx.add("pipelineSpec", f"{path} is neither JSON nor YAML: {error}")
        return None
    if not isinstance(document, dict) or not isinstance(document.get("root"), dict):
        ctx.add(
            "pipelineSpec",
            f"{path} is not a compiled Kubeflow pipeline (no `root` component); compile it "
            "with kfp.compiler.Compiler",
        )
        return None
    if not str(document.get("schemaVersion", "")).startswith("2."):
        ctx.add(
            "pipelineSpec",
            f"{path} has schemaVersion {document.get('schemaVersion')!r}; Vertex AI runs "
            "KFP v2 specs (schemaVersion 2.x): recompile with the KFP 2 SDK",
        )
        return None
    declared = dig_parameters(document)
    for name, _value in entry.shared.parameters:
        if declared is not None and name not in declared:
            close = difflib.get_close_matches(name, list(declared), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            ctx.add(
                f"parameters.{name}",
                f"{path} declares no input parameter {name!r}; {hint}declared: "
                f"{', '.join(sorted(declared)) or 'none'}",
            )
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def dig_parameters(document: Mapping[str, Any]) -> set[str] | None:
    """The pipeline's input parameters (root.inputDefinitions.parameters); None if unreadable."""
    definitions = document.get("root", {}).get("inputDefinitions", {})
    parameters = definitions.get("parameters") if isinstance(definitions, Mapping) else None
    if parameters is None:
        return set()
    return set(parameters) if isinstance(parameters, Mapping) else None


def _flex(raw: Mapping[str, Any], ctx: IssueContext, name: str) -> FlexTemplate | None:
    value = raw.get("flexTemplate")
    if not isinstance(value, dict):
        ctx.add(
            "flexTemplate",
            "is required for data-pipelines; add `flexTemplate: {containerSpecGcsPath: "
            "gs://..., tempLocation: gs://...}`",
        )
        return None
    ok = True
    for key in value:
        if key not in FLEX_KEYS:
            ctx.add(f"flexTemplate.{key}", f"unknown key; known keys: {', '.join(FLEX_KEYS)}")
            ok = False
    spec = _gcs(value.get("containerSpecGcsPath"), "flexTemplate.containerSpecGcsPath", ctx)
    temp = _gcs(value.get("tempLocation"), "flexTemplate.tempLocation", ctx)
    job_name = value.get("jobName", name)
    if not isinstance(job_name, str) or not JOB_NAME.fullmatch(job_name):
        ctx.add(
            "flexTemplate.jobName",
            f"{job_name!r} is not a Dataflow job name; use 1-40 lowercase letters, digits and "
            "hyphens starting with a letter (Data Pipelines appends a timestamp)",
        )
        ok = False
    nested = _Nested(ctx, "flexTemplate.")
    workers = get_int(value, "maxWorkers", nested, None, (1, 1000), provider="mlsched for Dataflow")
    machine = value.get("machineType")
    if machine is not None and not (
        isinstance(machine, str) and re.fullmatch(r"[a-z][a-z0-9-]*", machine)
    ):
        ctx.add("flexTemplate.machineType", f"{machine!r} is not a machine type like n2-standard-4")
        ok = False
    if not (ok and spec and temp):
        return None
    return FlexTemplate(
        container_spec_gcs_path=spec,
        temp_location=temp,
        job_name=job_name,
        max_workers=workers,
        machine_type=machine,
    )


class _Nested(IssueContext):
    """Reports a nested map's keys under their full path (`flexTemplate.maxWorkers`)."""

    def __init__(self, ctx: IssueContext, prefix: str) -> None:
        super().__init__(ctx.stack, ctx.pipeline, ctx.issues)
        self.prefix = prefix

    def add(self, key: str, problem: str) -> None:
        super().add(self.prefix + key, problem)


def _bucket_access(
    ctx: IssueContext,
    buckets: tuple[BucketGrant, ...],
    vertex: VertexTemplate | None,
    flex: FlexTemplate | None,
) -> None:
    """The buckets the run must use need a grant: storage roles exist on listed buckets only."""
    access = {grant.bucket: grant.access for grant in buckets}
    needed: list[tuple[str, str, str]] = []
    if vertex is not None:
        needed.append(("pipelineRoot", vertex.pipeline_root, "write"))
    if flex is not None:
        needed.append(("flexTemplate.containerSpecGcsPath", flex.container_spec_gcs_path, "read"))
        needed.append(("flexTemplate.tempLocation", flex.temp_location, "write"))
    for key, path, level in needed:
        match = GCS_PATH.fullmatch(path)
        bucket = match["bucket"] if match else None
        if bucket is None or access.get(bucket) == "write" or access.get(bucket) == level:
            continue
        ctx.add(
            key,
            f"the run {'writes to' if level == 'write' else 'reads'} {path}, but bucket "
            f"{bucket!r} is not in `buckets` with {level}; add `buckets: {{{bucket}: {level}}}`",
        )


def _buckets(raw: Mapping[str, Any], ctx: IssueContext) -> tuple[BucketGrant, ...]:
    value = raw.get("buckets")
    if value is None:
        return ()
    if not isinstance(value, dict):
        ctx.add("buckets", "must be a map of bucket name to read or write")
        return ()
    grants = []
    for bucket, access in value.items():
        problem = bucket_problem(bucket) if isinstance(bucket, str) else "is not a bucket name"
        if problem is not None:
            ctx.add(f"buckets.{bucket}", problem)
            continue
        if access not in ("read", "write"):
            ctx.add(f"buckets.{bucket}", f"{access!r} is not an access level; use read or write")
            continue
        grants.append(BucketGrant(bucket, access))
    return tuple(sorted(grants, key=lambda g: g.bucket))


VALIDATOR = CloudValidator(
    keys=PIPELINE_KEYS,
    validate=validate,
    check_name=check_name,
    check_tag=check_tag,
    schedule_example="0 6 * * 1",
    # modules/gcp/scheduled_pipeline.py; "Each resource can have multiple labels, up to a
    # maximum of 64" (https://cloud.google.com/resource-manager/docs/labels-overview#requirements)
    own_tags=("mlsched-pipeline", "mlsched-expected-duration"),
    max_tags=64,
    cloud_name="Google Cloud",
)
