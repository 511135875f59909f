"""`AdfScheduleTrigger`: the ADF schedule trigger that starts the pipeline, created *started*.

azure-native's `datafactory:Trigger` is always created Stopped and cannot start it
(pulumi/pulumi-azure-native#3540), and a started trigger rejects updates and deletes
(`TriggerEnabledCannotUpdate`). pulumi-azure's `datafactory.TriggerSchedule` (azurerm's
`azurerm_data_factory_trigger_schedule`) owns that lifecycle: create then start when `activated`,
stop -> update -> start on every change, stop before delete, and it reads `runtimeState` back on
refresh so a trigger stopped by hand shows as drift. README "Azure" says why this over an
activation resource of our own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_azure.datafactory as classic_adf

TYPE_TOKEN = "mlsched:azure:ScheduleTrigger"
SCHEDULED_TIME = "@trigger().scheduledTime"


@dataclass(frozen=True)
class AdfScheduleTriggerArgs:
    factory_id: pulumi.Input[str]
    """Resource ID of the data factory."""
    pipeline_name: pulumi.Input[str]
    """Pipeline the trigger starts."""
    trigger_name: str
    """Physical trigger name in the factory."""
    recurrence: Mapping[str, Any] = field(default_factory=dict)
    """ADF recurrence with ADF's key names (`frequency`, `interval`, `startTime`, `endTime`,
    `schedule`), validated by modules.schedule; `startTime`/`endTime` as UTC `...Z` text (the
    provider sends them as UTC: see modules.azure.config)."""
    time_zone: str = "UTC"
    """Windows time zone ID the schedule's hours are read in."""
    activated: bool = True
    """True starts the trigger (and restarts it after each update); False leaves it Stopped."""
    parameters: tuple[tuple[str, str], ...] = ()
    """Pipeline parameters passed on every run (strings; ADF expressions allowed)."""
    scheduled_time_parameter: str | None = "scheduledTime"
    """Pipeline parameter filled with `@trigger().scheduledTime`; None passes none."""
    description: str | None = None
    """Trigger description; None sets none."""
    annotations: tuple[str, ...] = ("mlsched",)
    """ADF annotations (shown and filterable in ADF Studio)."""


def pipeline_parameters(args: AdfScheduleTriggerArgs) -> dict[str, str]:
    """The trigger's pipeline parameters, always an object (ADF requires one)."""
    values = dict(args.parameters)
    if args.scheduled_time_parameter:
        values[args.scheduled_time_parameter] = SCHEDULED_TIME
    return values


def schedule_args(
    schedule: Mapping[str, Any] | None,
) -> classic_adf.TriggerScheduleScheduleArgs | None:
    if not schedule:
        return None
    monthly = [
        classic_adf.TriggerScheduleScheduleMonthlyArgs(
            weekday=str(item["day"]), week=_int_or_none(item.get("occurrence"))
        )
        for item in schedule.get("monthlyOccurrences") or ()
    ]
    return classic_adf.TriggerScheduleScheduleArgs(
        minutes=_ints(schedule.get("minutes")),
        hours=_ints(schedule.get("hours")),
        days_of_weeks=[str(d) for d in schedule.get("weekDays") or ()] or None,
        days_of_months=_ints(schedule.get("monthDays")),
        monthlies=monthly or None,
    )


def _ints(values: Any) -> list[int] | None:
    return [int(v) for v in values] if values else None


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


class AdfScheduleTrigger(pulumi.ComponentResource):
    """Child `azure:datafactory/triggerSchedule:TriggerSchedule` `<name>-schedule`."""

    trigger_name: pulumi.Output[str]
    trigger_id: pulumi.Output[str]
    runtime_state: pulumi.Output[str]

    def __init__(
        self, name: str, args: AdfScheduleTriggerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        recurrence = args.recurrence
        trigger = classic_adf.TriggerSchedule(
            f"{name}-schedule",
            name=args.trigger_name,
            data_factory_id=args.factory_id,
            pipeline_name=args.pipeline_name,
            pipeline_parameters=pipeline_parameters(args),
            frequency=str(recurrence.get("frequency", "Day")),
            interval=int(recurrence.get("interval", 1)),
            start_time=recurrence.get("startTime"),
            end_time=recurrence.get("endTime"),
            time_zone=args.time_zone,
            schedule=schedule_args(recurrence.get("schedule")),
            activated=args.activated,
            description=args.description,
            annotations=list(args.annotations) or None,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.trigger_name = trigger.name
        self.trigger_id = trigger.id
        # `activated` is read back from the trigger's runtimeState on refresh.
        self.runtime_state = pulumi.Output.from_input(trigger.activated).apply(
            lambda started: "Started" if started else "Stopped"
        )
        self.register_outputs(
            {
                "trigger_name": self.trigger_name,
                "trigger_id": self.trigger_id,
                "runtime_state": self.runtime_state,
            }
        )
