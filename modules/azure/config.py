"""The `cloud: azure` entries of `mlsched:pipelines`: validation (the config core's plug-in,
`VALIDATOR`) and the frozen dataclasses the Azure components consume.

Pure Python: no Pulumi SDK import. The schedule is the ADF recurrence with ADF's own key names,
parsed by the one engine (`modules.schedule`, dialect `adf-recurrence`); the time zone is a
Windows ID or an IANA name (mapped through CLDR's windowsZones, with did-you-mean).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from modules.azure.ids import ResourceId, parse_resource_id
from modules.config import (
    CloudValidator,
    IssueContext,
    PipelineBase,
    PipelineEntry,
    get_bool,
    get_int,
    get_string_list,
    parse_schedule_key,
    refuse_when_off,
)
from modules.schedule import ScheduleError
from modules.schedule.zones import tz_database_names, windows_to_iana

AzureTriggerKind = Literal["adf", "ml-schedule"]
ActivityKind = Literal["batch-endpoint", "ml-pipeline-v1"]
ParameterType = Literal["String", "Int", "Float", "Bool"]

WORKSPACE_TYPE = "Microsoft.MachineLearningServices/workspaces"
FACTORY_TYPE = "Microsoft.DataFactory/factories"
ACTION_GROUP_TYPE = "Microsoft.Insights/actionGroups"
COMPONENT_VERSION_TYPE = f"{WORKSPACE_TYPE}/components/versions"
# ADF pipeline and trigger names, and Azure ML schedule names, share these characters; the
# trigger adds "-schedule". https://learn.microsoft.com/azure/data-factory/naming-rules
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*", re.ASCII)
MAX_NAME = 120
# https://learn.microsoft.com/rest/api/datafactory/factories/create-or-update (factoryName)
FACTORY_NAME = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*", re.ASCII)
# https://learn.microsoft.com/azure/machine-learning/how-to-use-batch-azure-data-factory
ENDPOINT_URI = re.compile(
    r"^https://[a-z0-9-]+\.[a-z0-9]+\.inference\.ml\.azure\.(com|cn|us)/jobs$"
)
TIMEOUT = re.compile(r"(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?", re.ASCII)
MAX_TIMEOUT_DAYS = 7  # ADF's activity timeout limit
PARAMETER_TYPES: tuple[ParameterType, ...] = ("String", "Int", "Float", "Bool")
SCHEDULE_EXAMPLE = (
    "{frequency: Day, interval: 1, startTime: '2026-01-05T06:00:00', "
    "schedule: {hours: [6], minutes: [0]}}"
)

PIPELINE_KEYS: dict[str, str] = {
    "workspace": "resource ID of the Azure ML workspace (required)",
    "trigger": "adf (Data Factory schedule trigger, default) or ml-schedule (Azure ML schedule)",
    "batchEndpoint": "adf: batch endpoint URI https://<endpoint>.<region>.inference.ml.azure.com/jobs",
    "deployment": "adf: batch deployment to run, default the endpoint's default deployment",
    "activity": "adf: batch-endpoint (Azure ML v2, default) or ml-pipeline-v1 (legacy)",
    "mlPipelineId": "ml-pipeline-v1: ID of the published Azure ML v1 pipeline",
    "component": "ml-schedule: resource ID of the pipeline component version",
    "compute": "ml-schedule: resource ID of the default compute, default the component's",
    "pipelineParameters": "declared parameters: name -> default, or {type, default}",
    "scheduledTimeInput": "Azure ML input that receives @trigger().scheduledTime, default none",
    "factory": "adf: {name, resourceGroup, location} of the data factory, or {id} of one",
    "timeout": "adf: longest run, e.g. 2h (default) or 1d",
    "retry": "adf: retries of a failed submit, default 2",
    "retryIntervalSeconds": "adf: seconds between retries, default 60",
    "concurrency": "adf: runs at once, default 1 (no overlapping runs)",
    "waitForCompletion": "adf: wait for the Azure ML job and fail the run with it, default true",
    "pollIntervalSeconds": "adf: seconds between job status checks, default 120",
    "alert": "adf: Azure Monitor alerts on failed pipeline and trigger runs, default true",
    "alertActions": "adf: action group resource IDs the alerts notify, default none",
    "alertSeverity": "adf: alert severity 0 (critical) - 4, default 1",
}
ADF_ONLY = (
    "batchEndpoint",
    "deployment",
    "activity",
    "mlPipelineId",
    "factory",
    "timeout",
    "retry",
    "retryIntervalSeconds",
    "concurrency",
    "waitForCompletion",
    "pollIntervalSeconds",
    "alert",
    "alertActions",
    "alertSeverity",
)
ML_SCHEDULE_ONLY = ("component", "compute")


@dataclass(frozen=True)
class PipelineParameter:
    name: str
    type: ParameterType = "String"
    default: str | int | float | bool | None = None
    """None declares the parameter without a default (every run must pass it)."""


@dataclass(frozen=True)
class FactoryConfig:
    """The data factory an `adf` entry runs in: created (name, resource group) or existing (id)."""

    name: str
    resource_group: str
    location: str | None = None
    """None uses the provider's `azure-native:location`."""
    existing_id: str | None = None
    """Resource ID of a factory owned elsewhere: nothing is created."""
    public_network_access: bool = False
    """The factory's public endpoint; off by default (CKV_AZURE_104)."""


@dataclass(frozen=True, kw_only=True)
class AzurePipelineConfig(PipelineBase):
    """One `cloud: azure` entry: the shared fields (PipelineBase; `parameters` are the values the
    trigger passes on every run) and the Azure ones."""

    workspace_id: str
    """Resource ID of the Azure ML workspace (the only scope the factory is granted)."""
    recurrence: Mapping[str, Any]
    """ADF recurrence, ADF key names and ADF's time format (local time unless UTC)."""
    time_zone: str = "UTC"
    """Windows time zone ID."""
    start_utc: str | None = None
    """`recurrence.startTime` as a UTC instant `...Z` (what pulumi-azure sends ADF)."""
    end_utc: str | None = None
    trigger: AzureTriggerKind = "adf"
    factory: FactoryConfig | None = None
    """`adf` only."""
    activity: ActivityKind = "batch-endpoint"
    endpoint_uri: str | None = None
    deployment: str | None = None
    pipeline_parameters: tuple[PipelineParameter, ...] = ()
    """Declared pipeline parameters (types and defaults)."""
    scheduled_time_input: str | None = None
    component_id: str | None = None
    compute_id: str | None = None
    ml_pipeline_id: str | None = None
    timeout: str = "0.02:00:00"
    """ADF timespan d.hh:mm:ss."""
    retry: int = 2
    retry_interval_seconds: int = 60
    concurrency: int = 1
    wait_for_completion: bool = True
    poll_interval_seconds: int = 120
    alert: bool = True
    alert_actions: tuple[str, ...] = ()
    alert_severity: int = 1

    @property
    def workspace(self) -> ResourceId:
        return parse_resource_id(self.workspace_id)

    def provider_recurrence(self) -> dict[str, Any]:
        """The recurrence as pulumi-azure's TriggerSchedule takes it: start and end as UTC
        instants (its `start_time` is RFC 3339, sent to ADF in UTC)."""
        recurrence = {k: v for k, v in self.recurrence.items() if k != "timeZone"}
        recurrence["startTime"] = self.start_utc
        if self.end_utc is not None:
            recurrence["endTime"] = self.end_utc
        return recurrence


def check_name(name: str) -> str | None:
    if not NAME_PATTERN.fullmatch(name) or len(name) > MAX_NAME:
        return (
            f"{name!r} is not a valid Azure pipeline name; use up to {MAX_NAME} letters, digits, "
            "hyphens and underscores, starting with a letter or digit (ADF and Azure ML names)"
        )
    return None


def check_tag(key: str, value: str) -> str | None:
    # https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations
    if not 1 <= len(key) <= 512 or any(c in key for c in "<>%&\\?/"):
        return "Azure tag names are 1-512 characters without < > % & \\ ? /"
    if len(value) > 256:
        return "Azure tag values are at most 256 characters"
    return None


def _resource_id(raw: Mapping[str, Any], key: str, ctx: IssueContext, kind: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    try:
        return str(parse_resource_id(value, kind)) if isinstance(value, str) else _raise()
    except ValueError as error:
        shown = value if isinstance(value, str) else repr(value)
        ctx.add(key, f"{shown!r} {error}; give the {kind.rsplit('/', 1)[-1][:-1]}'s resource ID")
        return None


def _raise() -> str:
    raise ValueError("is not a string")


def _parameters(raw: Any, ctx: IssueContext) -> tuple[PipelineParameter, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        ctx.add(
            "pipelineParameters", "must be a map of parameter name to default or {type, default}"
        )
        return ()
    declared = []
    for name, spec in raw.items():
        key = f"pipelineParameters.{name}"
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name, re.ASCII):
            ctx.add(key, "parameter names are letters, digits and _ (ADF and Azure ML inputs)")
            continue
        if isinstance(spec, dict):
            kind, default = spec.get("type", "String"), spec.get("default")
            extra = set(spec) - {"type", "default"}
            if extra:
                ctx.add(key, f"unknown keys {sorted(extra)}; use type and default")
        else:
            kind, default = _inferred(spec), spec
        if kind not in PARAMETER_TYPES:
            ctx.add(
                f"{key}.type",
                f"{kind!r} is not an ADF parameter type; use {', '.join(PARAMETER_TYPES)}",
            )
            continue
        if default is not None and not _fits(kind, default):
            ctx.add(f"{key}.default", f"{default!r} is not a {kind}; fix the default or the type")
            continue
        declared.append(PipelineParameter(name, kind, default))
    return tuple(declared)


def _inferred(value: Any) -> ParameterType:
    if isinstance(value, bool):
        return "Bool"
    if isinstance(value, int):
        return "Int"
    if isinstance(value, float):
        return "Float"
    return "String"


def _fits(kind: str, value: Any) -> bool:
    return {
        "String": lambda v: isinstance(v, str),
        "Int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "Float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "Bool": lambda v: isinstance(v, bool),
    }[kind](value)


def _check_values(
    values: tuple[tuple[str, str], ...],
    declared: tuple[PipelineParameter, ...],
    ctx: IssueContext,
) -> None:
    names = {p.name: p for p in declared}
    import difflib

    for name, text in values:
        if name not in names:
            close = difflib.get_close_matches(name, list(names), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            ctx.add(
                f"parameters.{name}",
                f"is not a declared pipeline parameter; {hint}declare it under "
                f"pipelineParameters (declared: {', '.join(names) or 'none'})",
            )
            continue
        kind = names[name].type
        if kind == "Int" and not re.fullmatch(r"-?\d+", text, re.ASCII):
            ctx.add(f"parameters.{name}", f"{text!r} is not an Int (pipelineParameters.{name})")
        elif kind == "Float" and not re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", text, re.ASCII):
            ctx.add(f"parameters.{name}", f"{text!r} is not a Float (pipelineParameters.{name})")
        elif kind == "Bool" and text not in ("true", "false"):
            ctx.add(f"parameters.{name}", f"{text!r} is not a Bool; use true or false")
    given = {n for n, _ in values}
    for parameter in declared:
        if parameter.default is None and parameter.name not in given:
            ctx.add(
                f"parameters.{parameter.name}",
                "has no default and no value; every scheduled run would fail. Give it a value "
                f"under parameters or a default under pipelineParameters.{parameter.name}",
            )


def _factory(raw: Any, ctx: IssueContext) -> FactoryConfig | None:
    if not isinstance(raw, dict):
        ctx.add(
            "factory",
            "is required for `trigger: adf`; add `factory: {name: <globally unique name>, "
            "resourceGroup: <group>}` or `factory: {id: <resource ID of an existing factory>}`",
        )
        return None
    unknown = set(raw) - {"name", "resourceGroup", "location", "id", "publicNetworkAccess"}
    for key in sorted(unknown):
        ctx.add(
            f"factory.{key}",
            "unknown key; use name, resourceGroup, location, id or publicNetworkAccess",
        )
    public = get_bool(raw, "publicNetworkAccess", ctx, False)
    if raw.get("id") is not None:
        existing = _resource_id(raw, "id", ctx, FACTORY_TYPE)
        if existing is None:
            return None
        parsed = parse_resource_id(existing)
        return FactoryConfig(parsed.name, parsed.resource_group, existing_id=existing)
    name, group = raw.get("name"), raw.get("resourceGroup")
    ok = True
    if not isinstance(name, str) or not FACTORY_NAME.fullmatch(name) or not 3 <= len(name) <= 63:
        ctx.add(
            "factory.name",
            f"{name!r} is not a data factory name; use 3-63 letters, digits and inner "
            "hyphens, unique in Azure",
        )
        ok = False
    if (
        not isinstance(group, str)
        or not re.fullmatch(r"[-\w.()]{1,90}", group)
        or group.endswith(".")
    ):
        ctx.add(
            "factory.resourceGroup",
            f"{group!r} is not a resource group name; use 1-90 letters, digits, -_.()",
        )
        ok = False
    location = raw.get("location")
    if location is not None and not (
        isinstance(location, str) and re.fullmatch(r"[a-z0-9]+", location, re.ASCII)
    ):
        ctx.add("factory.location", f"{location!r} is not an Azure region name like westeurope")
        location = None
    if not ok:
        return None
    return FactoryConfig(name, group, location=location, public_network_access=public)


def _timeout(raw: Mapping[str, Any], ctx: IssueContext) -> str:
    value = raw.get("timeout", "2h")
    match = TIMEOUT.fullmatch(value) if isinstance(value, str) and value else None
    if match is None:
        ctx.add("timeout", f"{value!r} is not a duration; write e.g. 90m, 2h or 1d")
        return "0.02:00:00"
    days, hours, minutes = (int(match[k] or 0) for k in "dhm")
    total = days * 1440 + hours * 60 + minutes
    if not 1 <= total <= MAX_TIMEOUT_DAYS * 1440:
        ctx.add("timeout", f"{value!r} is outside 1m-{MAX_TIMEOUT_DAYS}d, what ADF accepts")
        return "0.02:00:00"
    return f"{total // 1440}.{total % 1440 // 60:02d}:{total % 60:02d}:00"


def _utc(seconds: int | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def validate(entry: PipelineEntry, ctx: IssueContext) -> AzurePipelineConfig | None:
    raw = entry.raw
    refuse_when_off(raw, ctx, "alert", ("alertActions", "alertSeverity"))
    refuse_when_off(raw, ctx, "waitForCompletion", ("pollIntervalSeconds",))
    trigger = raw.get("trigger", "adf")
    if trigger not in ("adf", "ml-schedule"):
        ctx.add("trigger", f"{trigger!r} is not an Azure trigger; use adf (default) or ml-schedule")
        trigger = "adf"
    wrong = ML_SCHEDULE_ONLY if trigger == "adf" else ADF_ONLY
    for key in wrong:
        if raw.get(key) is not None:
            other = "ml-schedule" if trigger == "adf" else "adf"
            ctx.add(key, f"applies only to `trigger: {other}`; remove it or set `trigger: {other}`")

    workspace = _resource_id(raw, "workspace", ctx, WORKSPACE_TYPE)
    if raw.get("workspace") is None:
        ctx.add("workspace", "is required; give the Azure ML workspace's resource ID")

    recurrence = raw.get("schedule")
    zone = raw.get("timezone")
    schedule = None
    if _zone_ok(zone, ctx):
        schedule = parse_schedule_key(entry, ctx, dialect="adf-recurrence", timezone=zone)
    spec = getattr(schedule, "spec", None)
    if spec is not None:
        _check_recurrence(spec, trigger, recurrence, ctx)

    declared = _parameters(raw.get("pipelineParameters"), ctx)
    _check_values(entry.shared.parameters, declared, ctx)
    scheduled_input = raw.get("scheduledTimeInput")
    if scheduled_input is not None and not (
        isinstance(scheduled_input, str)
        and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", scheduled_input, re.ASCII)
    ):
        ctx.add(
            "scheduledTimeInput", f"{scheduled_input!r} is not an input name (letters, digits, _)"
        )
        scheduled_input = None

    fields: dict[str, Any] = {}
    if trigger == "adf":
        fields = _adf_fields(raw, ctx)
    else:
        component = _resource_id(raw, "component", ctx, COMPONENT_VERSION_TYPE)
        if raw.get("component") is None:
            ctx.add(
                "component",
                "is required for `trigger: ml-schedule`; give the pipeline component version's "
                "resource ID (.../components/<name>/versions/<version>)",
            )
        fields = {
            "component_id": component,
            "compute_id": _resource_id(raw, "compute", ctx, f"{WORKSPACE_TYPE}/computes"),
        }
    if schedule is None or spec is None or workspace is None:
        return None
    return AzurePipelineConfig(
        **entry.shared.fields(),
        schedule=schedule,
        workspace_id=workspace,
        recurrence=_canonical(spec),
        time_zone=spec.windows_zone,
        start_utc=_utc(spec.start_utc),
        end_utc=_utc(spec.end_utc),
        trigger=trigger,
        pipeline_parameters=declared,
        scheduled_time_input=scheduled_input,
        **fields,
    )


def _zone_ok(zone: Any, ctx: IssueContext) -> bool:
    """`timezone` may be IANA or Windows; a name that is neither and has no `/` was meant as a
    Windows ID, so it gets the Windows did-you-mean (`Australian Eastern Standard Time` -> `AUS
    Eastern Standard Time`) instead of the IANA one."""
    if not isinstance(zone, str) or "/" in zone or zone in tz_database_names():
        return True
    try:
        windows_to_iana(zone, field="timezone")
    except ScheduleError as error:
        ctx.add("timezone", f"{error}; or give an IANA name such as Europe/Berlin")
        return False
    return True


def _check_recurrence(spec: Any, trigger: str, raw: Any, ctx: IssueContext) -> None:
    pinned = spec.hours is not None and spec.minutes is not None
    if (
        trigger == "adf"
        and spec.windows_zone != "UTC"
        and spec.frequency in ("Day", "Week", "Month")
    ) and not pinned:
        ctx.add(
            "schedule.schedule",
            f"needs hours and minutes when the time zone is {spec.windows_zone}: "
            "pulumi-azure sends startTime to Data Factory as a UTC instant, so the wall-clock "
            "time of the runs must come from schedule.hours/minutes, which ADF reads in the "
            "trigger's time zone. Add e.g. `schedule: {hours: [6], minutes: [0]}`",
        )
    if trigger == "ml-schedule":
        schedule = raw.get("schedule") if isinstance(raw, Mapping) else None
        if isinstance(schedule, Mapping) and schedule.get("monthlyOccurrences") is not None:
            ctx.add(
                "schedule.schedule.monthlyOccurrences",
                "Azure ML schedules have no monthlyOccurrences; use monthDays, or `trigger: adf`",
            )
        if spec.has_schedule and not pinned:
            ctx.add(
                "schedule.schedule",
                "Azure ML recurrence schedules need both hours and minutes; add them",
            )


def _canonical(spec: Any) -> dict[str, Any]:
    import json

    canonical = spec.canonical
    return dict(json.loads(canonical) if isinstance(canonical, str) else canonical)


def _adf_fields(raw: Mapping[str, Any], ctx: IssueContext) -> dict[str, Any]:
    activity = raw.get("activity", "batch-endpoint")
    if activity not in ("batch-endpoint", "ml-pipeline-v1"):
        ctx.add(
            "activity",
            f"{activity!r} is not an activity; use batch-endpoint (default) or ml-pipeline-v1",
        )
        activity = "batch-endpoint"
    endpoint = raw.get("batchEndpoint")
    if activity == "batch-endpoint":
        if endpoint is None:
            ctx.add(
                "batchEndpoint",
                "is required; give the batch endpoint's invocation URI "
                "https://<endpoint>.<region>.inference.ml.azure.com/jobs (az ml batch-endpoint "
                "show --query scoring_uri)",
            )
        elif not (isinstance(endpoint, str) and ENDPOINT_URI.fullmatch(endpoint)):
            ctx.add(
                "batchEndpoint",
                f"{endpoint!r} is not a batch endpoint invocation URI; use "
                "https://<endpoint>.<region>.inference.ml.azure.com/jobs",
            )
    elif endpoint is not None:
        ctx.add("batchEndpoint", "applies only to `activity: batch-endpoint`; remove it")
    ml_pipeline = raw.get("mlPipelineId")
    if activity == "ml-pipeline-v1" and not (
        isinstance(ml_pipeline, str) and ml_pipeline.strip() and ml_pipeline.isprintable()
    ):
        ctx.add(
            "mlPipelineId",
            "is required for `activity: ml-pipeline-v1`; give the published pipeline's ID "
            f"(one printable line), got {ml_pipeline!r}",
        )
    elif activity != "ml-pipeline-v1" and ml_pipeline is not None:
        ctx.add("mlPipelineId", "applies only to `activity: ml-pipeline-v1`; remove it")
    deployment = raw.get("deployment")
    if deployment is not None and not (
        isinstance(deployment, str)
        and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]{2,31}", deployment, re.ASCII)
    ):
        ctx.add(
            "deployment", f"{deployment!r} is not a batch deployment name (3-32 letters, digits, -)"
        )
    actions = get_string_list(raw, "alertActions", ctx)
    for action in actions:
        try:
            parse_resource_id(action, ACTION_GROUP_TYPE)
        except ValueError as error:
            ctx.add("alertActions", f"{action!r} {error}; give action group resource IDs")
    factory = _factory(raw.get("factory"), ctx)
    return {
        "factory": factory,
        "activity": activity,
        "endpoint_uri": endpoint if isinstance(endpoint, str) else None,
        "deployment": deployment if isinstance(deployment, str) else None,
        "ml_pipeline_id": ml_pipeline if isinstance(ml_pipeline, str) else None,
        "timeout": _timeout(raw, ctx),
        # Ranges: ADF's activity policy (retry >= 0, retryIntervalInSeconds 30-86400); the retry
        # and concurrency ceilings are mlsched's, to catch typos.
        "retry": get_int(raw, "retry", ctx, 2, (0, 10), provider="mlsched"),
        "retry_interval_seconds": get_int(
            raw, "retryIntervalSeconds", ctx, 60, (30, 86_400), provider="ADF"
        ),
        "concurrency": get_int(raw, "concurrency", ctx, 1, (1, 100), provider="mlsched"),
        "wait_for_completion": get_bool(raw, "waitForCompletion", ctx, True),
        "poll_interval_seconds": get_int(
            raw, "pollIntervalSeconds", ctx, 120, (30, 3_600), provider="mlsched"
        ),
        "alert": get_bool(raw, "alert", ctx, True),
        "alert_actions": actions,
        "alert_severity": get_int(raw, "alertSeverity", ctx, 1, (0, 4), provider="Azure Monitor"),
    }


# The providers' subscription keys: a value that is not a GUID fails only at `pulumi up`.
SUBSCRIPTION_KEYS = ("azure-native:subscriptionId", "azure:subscriptionId")
GUID = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}", re.ASCII)


def check_stack(config: Mapping[str, Any], ctx: IssueContext) -> None:
    """The Azure providers' subscription IDs must be GUIDs."""
    for key in SUBSCRIPTION_KEYS:
        value = config.get(key)
        if value is not None and not (isinstance(value, str) and GUID.fullmatch(value)):
            ctx.add(
                key,
                f"{value!r} is not a subscription ID; give the subscription's GUID "
                "(az account show --query id)",
            )


VALIDATOR = CloudValidator(
    keys=PIPELINE_KEYS,
    validate=validate,
    check_name=check_name,
    check_tag=check_tag,
    schedule_example=SCHEDULE_EXAMPLE,
    check_stack=check_stack,
    # "A tag name ... is case-insensitive" (Azure Resource Manager, Tags operations).
    tag_keys_fold_case=True,
    cloud_name="Azure",
    # modules/azure/scheduled_pipeline.py; "each resource ... can have a maximum of 50 tag
    # name-value pairs" (https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations)
    own_tags=("mlsched:pipeline", "mlsched:expectedDuration"),
    max_tags=50,
)
