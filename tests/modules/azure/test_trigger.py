"""modules.azure.trigger.AdfScheduleTrigger under Pulumi mocks, and its lifecycle.

The lifecycle tests replay what pulumi-azure's TriggerSchedule does with the inputs our component
registers, following azurerm's resource source (the provider pulumi-azure bridges):
hashicorp/terraform-provider-azurerm internal/services/datafactory/
data_factory_trigger_schedule_resource.go -- Create: PUT, then POST start when `activated`;
Update: POST stop, PUT, POST start when `activated`; Delete: POST stop, DELETE; `name` and
`data_factory_id` force a replacement. Data Factory itself refuses a PUT or DELETE of a started
trigger (TriggerEnabledCannotUpdate). `ArmTriggerLifecycle` enforces exactly that rule, so a
component that let the provider update or delete a started trigger would fail here. Running it
against Azure needs the Pulumi CLI and a subscription (README, "Azure").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from modules.azure.trigger import AdfScheduleTrigger, AdfScheduleTriggerArgs
from tests.modules.azure.conftest import DAILY
from tools.mockrun import CapturedResource

FACTORY_ID = (
    "/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg/providers/"
    "Microsoft.DataFactory/factories/adf"
)
TYPE = "azure:datafactory/triggerSchedule:TriggerSchedule"
FORCE_NEW = ("name", "dataFactoryId")


def build(**kwargs: Any):
    values: dict[str, Any] = {
        "factory_id": FACTORY_ID,
        "pipeline_name": "churn-scoring",
        "trigger_name": "churn-scoring-schedule",
        "recurrence": DAILY,
        "time_zone": "W. Europe Standard Time",
        "parameters": (("region", "eu-west"),),
    }
    values.update(kwargs)

    def program() -> None:
        AdfScheduleTrigger("churn-trigger", AdfScheduleTriggerArgs(**values))

    return program


def trigger(run, **kwargs: Any) -> CapturedResource:
    return run(build(**kwargs)).named("churn-trigger-schedule")


def test_trigger_is_created_activated(run) -> None:
    assert trigger(run).inputs["activated"] is True


def test_disabled_trigger_is_created_stopped(run) -> None:
    assert trigger(run, activated=False).inputs["activated"] is False


def test_trigger_carries_the_adf_recurrence_and_windows_time_zone(run) -> None:
    inputs = trigger(run).inputs
    assert (inputs["frequency"], inputs["interval"]) == ("Day", 1)
    assert inputs["startTime"] == "2026-01-01T00:00:00Z"
    assert inputs["timeZone"] == "W. Europe Standard Time"
    assert inputs["schedule"] == {"hours": [6], "minutes": [0]}


def test_monthly_occurrences_and_week_days_map_to_the_provider_blocks(run) -> None:
    recurrence = {
        "frequency": "Month",
        "interval": 1,
        "schedule": {
            "hours": [5],
            "minutes": [30],
            "monthlyOccurrences": [{"day": "Friday", "occurrence": -1}],
        },
    }
    assert trigger(run, recurrence=recurrence).inputs["schedule"] == {
        "hours": [5],
        "minutes": [30],
        "monthlies": [{"weekday": "Friday", "week": -1}],
    }
    weekly = {
        "frequency": "Week",
        "interval": 1,
        "schedule": {"weekDays": ["Monday"], "hours": [6], "minutes": [0]},
    }
    assert trigger(run, recurrence=weekly).inputs["schedule"]["daysOfWeeks"] == ["Monday"]


def test_trigger_passes_parameters_and_the_scheduled_time(run) -> None:
    assert trigger(run).inputs["pipelineParameters"] == {
        "region": "eu-west",
        "scheduledTime": "@trigger().scheduledTime",
    }


def test_trigger_without_parameters_still_passes_an_object(run) -> None:
    parameters = trigger(run, parameters=(), scheduled_time_parameter=None).inputs.get(
        "pipelineParameters"
    )
    assert parameters == {}


def test_runtime_state_output_reads_the_activation(run) -> None:
    result = run(build(activated=False))
    component = result.named("churn-trigger")
    assert component.outputs["runtime_state"] == "Stopped"
    assert run(build()).named("churn-trigger").outputs["runtime_state"] == "Started"


# --- lifecycle ----------------------------------------------------------------------------------


class TriggerEnabledCannotUpdateError(Exception):
    """What Data Factory answers to a PUT or DELETE of a started trigger."""


@dataclass
class ArmTriggerLifecycle:
    """The trigger as Data Factory holds it, driven the way azurerm's resource drives it."""

    state: str | None = None  # None (absent), "Stopped" or "Started"
    definition: dict = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)

    def _put(self, inputs: dict) -> None:
        if self.state == "Started":
            raise TriggerEnabledCannotUpdateError("Cannot update enabled Trigger")
        self.calls.append("PUT")
        self.definition = inputs
        self.state = self.state or "Stopped"

    def _start(self) -> None:
        self.calls.append("start")
        self.state = "Started"

    def _stop(self) -> None:
        self.calls.append("stop")
        self.state = "Stopped"

    def create(self, inputs: dict) -> None:
        self._put(inputs)
        if inputs.get("activated", True):
            self._start()

    def update(self, inputs: dict) -> None:
        self._stop()
        self._put(inputs)
        if inputs.get("activated", True):
            self._start()

    def delete(self) -> None:
        self._stop()
        if self.state == "Started":
            raise TriggerEnabledCannotUpdateError("Cannot delete enabled Trigger")
        self.calls.append("DELETE")
        self.state = None

    def apply(self, old: CapturedResource | None, new: CapturedResource | None) -> None:
        """What `pulumi up` asks the provider to do for one resource between two programs."""
        if old is None and new is not None:
            self.create(new.inputs)
        elif new is None and old is not None:
            self.delete()
        elif old is not None and new is not None and old.inputs != new.inputs:
            assert old.urn == new.urn, "a changed trigger must stay the same resource"
            if any(old.inputs.get(k) != new.inputs.get(k) for k in FORCE_NEW):
                self.delete()
                self.create(new.inputs)
            else:
                self.update(new.inputs)


def test_lifecycle_created_then_started(run) -> None:
    azure = ArmTriggerLifecycle()
    azure.apply(None, trigger(run))
    assert (azure.calls, azure.state) == (["PUT", "start"], "Started")


def test_lifecycle_changed_schedule_stops_updates_and_starts_again(run) -> None:
    before = trigger(run)
    after = trigger(run, recurrence={**DAILY, "schedule": {"hours": [7], "minutes": [30]}})
    azure = ArmTriggerLifecycle()
    azure.apply(None, before)
    azure.calls.clear()
    azure.apply(before, after)
    assert azure.calls == ["stop", "PUT", "start"]
    assert (azure.state, azure.definition["schedule"]) == (
        "Started",
        {"hours": [7], "minutes": [30]},
    )


def test_lifecycle_a_schedule_change_is_an_update_not_a_replacement(run) -> None:
    before = trigger(run)
    after = trigger(
        run, recurrence={**DAILY, "frequency": "Week", "schedule": {"weekDays": ["Monday"]}}
    )
    assert [before.inputs[k] for k in FORCE_NEW] == [after.inputs[k] for k in FORCE_NEW]


def test_lifecycle_disabling_leaves_the_trigger_stopped(run) -> None:
    azure = ArmTriggerLifecycle()
    before = trigger(run)
    azure.apply(None, before)
    azure.apply(before, trigger(run, activated=False))
    assert (azure.calls[-2:], azure.state) == (["stop", "PUT"], "Stopped")


def test_lifecycle_deleted_trigger_is_stopped_first(run) -> None:
    azure = ArmTriggerLifecycle()
    before = trigger(run)
    azure.apply(None, before)
    azure.calls.clear()
    azure.apply(before, None)
    assert (azure.calls, azure.state) == (["stop", "DELETE"], None)


def test_lifecycle_model_rejects_a_put_on_a_started_trigger() -> None:
    # The model must be able to fail, or the tests above prove nothing.
    azure = ArmTriggerLifecycle(state="Started")
    try:
        azure._put({})
    except TriggerEnabledCannotUpdateError:
        return
    raise AssertionError("a PUT on a started trigger must be refused")
