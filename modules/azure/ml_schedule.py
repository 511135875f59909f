"""`MlSchedule`: Azure Machine Learning's own schedule (`trigger: ml-schedule`), which submits a
pipeline job from a registered pipeline component on a recurrence, with no Data Factory.

Unlike an ADF trigger it is enabled on creation and can be updated while enabled:
https://learn.microsoft.com/azure/machine-learning/how-to-schedule-pipeline-job
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_azure_native.machinelearningservices as ml

TYPE_TOKEN = "mlsched:azure:MlSchedule"


@dataclass(frozen=True)
class MlScheduleArgs:
    workspace_name: str
    resource_group_name: str
    schedule_name: str
    """Physical schedule name in the workspace."""
    component_id: str
    """ARM ID of the pipeline component version the job runs
    (`.../workspaces/<ws>/components/<name>/versions/<version>`)."""
    recurrence: Mapping[str, Any] = field(default_factory=dict)
    """ADF-style recurrence (`frequency`, `interval`, `startTime`, `endTime`, `schedule` with
    `hours`, `minutes`, `weekDays`, `monthDays`); Azure ML has no `monthlyOccurrences`."""
    time_zone: str = "UTC"
    """Windows time zone ID (Azure ML schedules use the same IDs as ADF)."""
    enabled: bool = True
    """False creates the schedule disabled."""
    parameters: tuple[tuple[str, str], ...] = ()
    """Literal pipeline job inputs passed on every run."""
    compute_id: str | None = None
    """Default compute for the job; None uses the component's."""
    experiment_name: str | None = None
    """Experiment the jobs are grouped under; None uses the schedule name."""
    description: str | None = None
    tags: tuple[tuple[str, str], ...] = ()


def recurrence_trigger(recurrence: Mapping[str, Any], time_zone: str) -> ml.RecurrenceTriggerArgs:
    schedule = recurrence.get("schedule") or None
    return ml.RecurrenceTriggerArgs(
        trigger_type="Recurrence",
        frequency=str(recurrence.get("frequency", "Day")),
        interval=int(recurrence.get("interval", 1)),
        start_time=recurrence.get("startTime"),
        end_time=recurrence.get("endTime"),
        time_zone=time_zone,
        schedule=ml.RecurrenceScheduleArgs(
            hours=[int(h) for h in schedule.get("hours") or ()],
            minutes=[int(m) for m in schedule.get("minutes") or ()],
            week_days=list(schedule.get("weekDays") or ()) or None,
            month_days=[int(d) for d in schedule.get("monthDays") or ()] or None,
        )
        if schedule
        else None,
    )


class MlSchedule(pulumi.ComponentResource):
    """Child `azure-native:machinelearningservices:Schedule` `<name>-schedule`."""

    schedule_name: pulumi.Output[str]
    schedule_id: pulumi.Output[str]
    runtime_state: pulumi.Output[str]

    def __init__(
        self, name: str, args: MlScheduleArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        job = ml.PipelineJobArgs(
            job_type="Pipeline",
            component_id=args.component_id,
            compute_id=args.compute_id,
            experiment_name=args.experiment_name or args.schedule_name,
            inputs={
                key: ml.LiteralJobInputArgs(job_input_type="literal", value=value)
                for key, value in args.parameters
            }
            or None,
            tags=dict(args.tags) or None,
        )
        schedule = ml.Schedule(
            f"{name}-schedule",
            name=args.schedule_name,
            workspace_name=args.workspace_name,
            resource_group_name=args.resource_group_name,
            properties=ml.SchedulePropertiesArgs(
                action=ml.JobScheduleActionArgs(action_type="CreateJob", job_definition=job),
                trigger=recurrence_trigger(args.recurrence, args.time_zone),
                is_enabled=args.enabled,
                description=args.description,
                display_name=args.schedule_name,
                tags=dict(args.tags) or None,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.schedule_name = schedule.name
        self.schedule_id = schedule.id
        self.runtime_state = schedule.properties.apply(_state)
        self.register_outputs(
            {
                "schedule_name": self.schedule_name,
                "schedule_id": self.schedule_id,
                "runtime_state": self.runtime_state,
            }
        )


def _state(properties: Any) -> str:
    enabled = getattr(properties, "is_enabled", None)
    if enabled is None and isinstance(properties, dict):
        enabled = properties.get("isEnabled", True)
    return "Stopped" if enabled is False else "Started"
