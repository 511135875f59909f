"""Azure schedule carriers: Data Factory schedule triggers (pulumi-azure's TriggerSchedule and
azure-native's Trigger) and Azure Machine Learning schedules.

Their schedules are ADF recurrences (`adf-recurrence`). Properties arrive as Pulumi sends them:
camelCase, numbers as floats (`interval: 1.0`), ARM's `typeProperties` level flattened away
(azure-native puts `recurrence` straight under `properties`), and pulumi-azure with Terraform's
block names (`daysOfWeeks`, `monthlies[].weekday`); the readers rebuild ADF's own key names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from modules.schedule import ScheduleError
from policies import azure_types
from policies.schedule_registry import (
    Carrier,
    PipelineResource,
    Target,
    register,
    register_aliases,
    register_pipeline,
)
from policies.values import UNKNOWN, as_list, dig, is_unknown

RECURRENCE_KEYS = ("frequency", "interval", "startTime", "endTime")
register_aliases(azure_types.canonical)
# A pipeline's `concurrency` caps its concurrent runs; runs beyond it wait in a queue.
# https://learn.microsoft.com/en-us/azure/data-factory/concepts-pipelines-activities
ADF_OVERLAP = (
    "Data Factory queues the run behind the pipeline's `concurrency` limit (no limit by "
    "default, so both run at once)"
)
# The ADF pipeline declares its expected duration as an annotation (ADF annotations are free
# text; the pipeline has no tags): `mlsched:expectedDuration=90m`, written by AdfPipeline.
EXPECTED_DURATION = "mlsched:expectedDuration"
# pulumi-azure's TriggerSchedule and TriggerTumblingWindow default startTime to the time of
# creation; the schedule is then judged from this anchor, which keeps its frequency and shape.
CREATION_ANCHOR = "2026-01-01T00:00:00Z"
# No carrier here sets `start`/`end`: an ADF recurrence keeps startTime/endTime inside itself, in
# ADF's format (wall time unless UTC), and the engine reads them there.


def _number(value: Any) -> Any:
    # Pulumi's wire format has only doubles; whole numbers go back to ints for the engine.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _numbers(value: Any) -> Any:
    if isinstance(value, list):
        return [_number(v) for v in value]
    return _number(value)


def _present(mapping: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if v is not None}


def adf_recurrence(recurrence: Any) -> Any:
    """An ARM/azure-native recurrence (ADF key names) with floats normalised; other shapes pass
    through so the engine reports them."""
    if is_unknown(recurrence) or not isinstance(recurrence, Mapping):
        return recurrence
    # timeZone stays in the mapping: the engine then reads it as the Windows ID it is (with a
    # Windows did-you-mean), the carrier's `timezone` path only marks where it lives.
    out = {k: _numbers(v) for k, v in recurrence.items() if v is not None}
    schedule = recurrence.get("schedule")
    if isinstance(schedule, Mapping):
        out["schedule"] = {
            k: (
                [
                    {kk: _number(vv) for kk, vv in o.items()} if isinstance(o, Mapping) else o
                    for o in as_list(v)
                ]
                if k == "monthlyOccurrences"
                else _numbers(v)
            )
            for k, v in schedule.items()
            if v is not None
        }
    return out


def _local(value: Any, zone: Any) -> Any:
    """pulumi-azure's start/end are RFC 3339 instants (sent to ADF in UTC); ADF's own format, what
    the engine reads, is wall time without offset in a non-UTC trigger zone. Anything that does
    not convert passes through for the engine to report."""
    if not isinstance(value, str) or not isinstance(zone, str) or zone == "UTC":
        return value
    try:
        from zoneinfo import ZoneInfo

        from modules.schedule.zones import windows_to_iana

        instant = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if instant.tzinfo is None:
            return value
        local = instant.astimezone(ZoneInfo(windows_to_iana(zone)))
    except (ValueError, KeyError, ScheduleError):
        return value
    return local.strftime("%Y-%m-%dT%H:%M:%S")


def _classic_recurrence(props: Mapping[str, Any]) -> Any:
    if props.get("frequency") is None:
        return None
    recurrence = _present({k: _numbers(props.get(k)) for k in RECURRENCE_KEYS})
    recurrence.setdefault("startTime", CREATION_ANCHOR)
    for key in ("startTime", "endTime"):
        if key in recurrence:
            recurrence[key] = _local(recurrence[key], props.get("timeZone"))
    if props.get("timeZone") is not None:
        recurrence["timeZone"] = props.get("timeZone")
    block = props.get("schedule")
    if is_unknown(block):
        recurrence["schedule"] = UNKNOWN
    elif isinstance(block, Mapping):
        monthly = [
            _present({"day": m.get("weekday"), "occurrence": _number(m.get("week"))})
            if isinstance(m, Mapping)
            else m
            for m in as_list(block.get("monthlies"))
        ]
        recurrence["schedule"] = _present(
            {
                "minutes": _numbers(block.get("minutes")),
                "hours": _numbers(block.get("hours")),
                "weekDays": block.get("daysOfWeeks"),
                "monthDays": _numbers(block.get("daysOfMonths")),
                "monthlyOccurrences": monthly or None,
            }
        )
    elif block is not None:
        recurrence["schedule"] = block
    return recurrence


def _classic_targets(props: Mapping[str, Any]) -> tuple[Target, ...]:
    names = [props.get("pipelineName")] if props.get("pipelineName") else []
    names += [p.get("name") for p in as_list(props.get("pipelines")) if isinstance(p, Mapping)]
    return tuple(Target(ref=name) for name in names)


def _activated(props: Mapping[str, Any]) -> Any:
    value = props.get("activated")
    return True if value is None else value


register(
    Carrier(
        resource_type="azure:datafactory/triggerSchedule:TriggerSchedule",
        cloud="azure",
        dialect="adf-recurrence",
        label="Data Factory schedule trigger",
        expression="frequency",
        reader=_classic_recurrence,
        timezone="timeZone",
        default_timezone="UTC",
        enabled=_activated,
        targets=_classic_targets,
        target_keys=("pipelineName", "pipelines"),
        overlap=ADF_OVERLAP,
    )
)


def _classic_tumbling(props: Mapping[str, Any]) -> Any:
    # A tumbling window trigger fires every `interval` `frequency` (Minute, Hour, Month) from
    # startTime, in UTC: the ADF recurrence with those keys and no schedule is that series.
    # https://learn.microsoft.com/azure/data-factory/how-to-create-tumbling-window-trigger
    if props.get("frequency") is None:
        return None
    recurrence = _present({k: _numbers(props.get(k)) for k in RECURRENCE_KEYS})
    recurrence.setdefault("startTime", CREATION_ANCHOR)
    return recurrence


def _classic_tumbling_targets(props: Mapping[str, Any]) -> tuple[Target, ...]:
    pipeline = props.get("pipeline")
    return (Target(ref=pipeline.get("name")),) if isinstance(pipeline, Mapping) else ()


register(
    Carrier(
        resource_type="azure:datafactory/triggerTumblingWindow:TriggerTumblingWindow",
        cloud="azure",
        dialect="adf-recurrence",
        label="Data Factory tumbling window trigger",
        expression="frequency",
        reader=_classic_tumbling,
        default_timezone="UTC",
        enabled=_activated,
        targets=_classic_tumbling_targets,
        target_keys=("pipeline",),
        overlap=ADF_OVERLAP,
    )
)


def _native_recurrence(props: Mapping[str, Any]) -> Any:
    properties = props.get("properties")
    if is_unknown(properties):
        return UNKNOWN
    if not isinstance(properties, Mapping):
        return None
    kind = properties.get("type")
    if is_unknown(kind):
        return UNKNOWN
    # ARM reads the discriminator without regard to case; a typeProperties level written by
    # hand (as in ARM templates) is read like the flattened one.
    kind = kind.casefold() if isinstance(kind, str) else kind
    body = properties.get("typeProperties")
    body = body if isinstance(body, Mapping) else properties
    if kind == "scheduletrigger":
        return adf_recurrence(body.get("recurrence"))
    if kind == "tumblingwindowtrigger":
        if body.get("frequency") is None:
            return None
        return adf_recurrence(_present({k: body.get(k) for k in RECURRENCE_KEYS}))
    return None  # event and rerun triggers: not a time schedule


def _native_targets(props: Mapping[str, Any]) -> tuple[Target, ...]:
    single = dig(props, "properties.pipeline")  # a tumbling window trigger starts one pipeline
    return tuple(
        Target(ref=dig(p, "pipelineReference.referenceName"))
        for p in [*as_list(dig(props, "properties.pipelines")), single]
        if isinstance(p, Mapping)
    )


def _native_started(_props: Mapping[str, Any]) -> Any:
    # azure-native creates triggers Stopped and cannot start them (pulumi-azure-native#3540).
    return False


register(
    Carrier(
        resource_type="azure-native:datafactory:Trigger",
        cloud="azure",
        dialect="adf-recurrence",
        label="Data Factory trigger",
        expression="properties.recurrence",
        reader=_native_recurrence,
        timezone="properties.recurrence.timeZone",
        default_timezone="UTC",
        enabled=_native_started,
        targets=_native_targets,
        target_keys=("properties",),
        overlap=ADF_OVERLAP,
    )
)


def _ml_is_cron(props: Mapping[str, Any]) -> bool:
    kind = dig(props, "properties.trigger.triggerType")
    return isinstance(kind, str) and kind.casefold() == "cron"


def _ml_dialect(props: Mapping[str, Any]) -> str | None:
    # A CronTrigger's expression is a five-field crontab (minute hour day month weekday) in the
    # trigger's timeZone (CronTrigger, Microsoft.MachineLearningServices REST API).
    return "unix-cron" if _ml_is_cron(props) else None


def _ml_timezone(props: Mapping[str, Any]) -> Any:
    zone = dig(props, "properties.trigger.timeZone")
    if not _ml_is_cron(props) or not isinstance(zone, str):
        return zone
    from modules.schedule.zones import windows_to_iana

    try:
        return windows_to_iana(zone)  # unix-cron reads IANA names; Azure ML writes Windows IDs
    except (KeyError, ValueError, ScheduleError):
        return zone  # the engine then says what is wrong with it, on properties.trigger.timeZone


def _ml_recurrence(props: Mapping[str, Any]) -> Any:
    trigger = dig(props, "properties.trigger")
    if is_unknown(trigger) or not isinstance(trigger, Mapping):
        return trigger
    if _ml_is_cron(props):
        return trigger.get("expression")
    recurrence = {k: v for k, v in trigger.items() if k != "triggerType"}
    zone = recurrence.get("timeZone", "UTC")
    # Azure ML's startTime is optional (the schedule then starts when it is created).
    recurrence.setdefault("startTime", CREATION_ANCHOR.removesuffix("Z"))
    for key in ("startTime", "endTime"):
        recurrence[key] = _ml_time(recurrence.get(key), zone)
    return adf_recurrence(recurrence)


# Azure ML writes startTime/endTime "in ISO 8601 format, but without a UTC offset", in the
# trigger's timeZone (RecurrenceTrigger, Microsoft.MachineLearningServices REST API; recommended
# form "2022-06-01T00:00:01"). The engine reads ADF's form, where a UTC wall time ends in 'Z'.
_WALL_TIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.0{1,7})?$")


def _ml_time(value: Any, zone: Any) -> Any:
    if isinstance(value, str) and zone == "UTC" and _WALL_TIME.match(value.strip()):
        return value.strip() + "Z"
    return value


def _ml_enabled(props: Mapping[str, Any]) -> Any:
    value = dig(props, "properties.isEnabled")
    return True if value is None else value


register(
    Carrier(
        resource_type="azure-native:machinelearningservices:Schedule",
        cloud="azure",
        dialect="adf-recurrence",
        label="Azure ML schedule",
        expression="properties.trigger",
        reader=_ml_recurrence,
        timezone="properties.trigger.timeZone",
        timezone_reader=_ml_timezone,
        dialect_reader=_ml_dialect,
        default_timezone="UTC",
        enabled=_ml_enabled,
        # The schedule defines the pipeline job it creates inline: it is its own pipeline.
        expected_duration=lambda props: _tag(dig(props, "properties.tags")),
        duration_label=f"tag {EXPECTED_DURATION}",
        overlap="Azure ML creates another pipeline job; runs do not wait for each other",
    )
)


def _tag(tags: Any) -> Any:
    if is_unknown(tags):
        return UNKNOWN
    return tags.get(EXPECTED_DURATION) if isinstance(tags, Mapping) else None


def _annotation(props: Mapping[str, Any]) -> Any:
    annotations = props.get("annotations")
    if is_unknown(annotations):
        return UNKNOWN
    for item in as_list(annotations):
        if is_unknown(item):
            return UNKNOWN
        if isinstance(item, str) and item.strip().startswith(EXPECTED_DURATION + "="):
            return item.strip().split("=", 1)[1].strip()
    return None


for _type, _name in (
    ("azure-native:datafactory:Pipeline", "pipelineName"),
    ("azure:datafactory/pipeline:Pipeline", "name"),
):
    register_pipeline(
        PipelineResource(
            resource_type=_type,
            cloud="azure",
            name=_name,
            expected_duration=_annotation,
            duration_label=f"annotation {EXPECTED_DURATION}=<duration>",
        )
    )
