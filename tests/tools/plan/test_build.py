from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from tools.plan import build

REFERENCE = datetime(2026, 1, 1, tzinfo=UTC)
ROOT = "urn:pulumi:prod::mlsched::"


@dataclass(frozen=True)
class Res:
    urn: str
    type: str
    name: str
    custom: bool = True
    parent: str | None = None
    inputs: dict = field(default_factory=dict)
    protect: bool = False


@dataclass(frozen=True)
class Viol:
    policy: str
    enforcement: str
    message: str
    urn: str
    description: str = ""


COMPONENT = Res(
    ROOT + "mlsched:ml:ScheduledPipeline::churn", "mlsched:ml:ScheduledPipeline", "churn", False
)
TRIGGER = Res(
    ROOT + "mlsched:ml:ScheduledPipeline$mlsched:events:ScheduleTrigger::churn-trigger",
    "mlsched:events:ScheduleTrigger",
    "churn-trigger",
    False,
    COMPONENT.urn,
)


def scheduler(name="churn-trigger-schedule", parent=TRIGGER.urn, **inputs) -> Res:
    return Res(
        ROOT + f"mlsched:events:ScheduleTrigger$aws:scheduler/schedule:Schedule::{name}",
        "aws:scheduler/schedule:Schedule",
        name,
        True,
        parent,
        {"scheduleExpression": "cron(0 12 * * ? *)", **inputs},
    )


def test_schedule_is_named_after_its_scheduled_pipeline_ancestor():
    entries = build.schedule_entries([COMPONENT, TRIGGER, scheduler()], reference=REFERENCE)
    assert [e.pipeline for e in entries] == ["churn"]


def test_schedule_without_pipeline_ancestor_is_named_after_itself():
    entries = build.schedule_entries([scheduler(name="lonely", parent=None)], reference=REFERENCE)
    assert entries[0].pipeline == "lonely"


def test_scheduler_schedule_is_analysed_in_its_time_zone():
    res = scheduler(scheduleExpressionTimezone="Europe/Berlin")
    (entry,) = build.schedule_entries([COMPONENT, TRIGGER, res], reference=REFERENCE)
    assert entry.timezone == "Europe/Berlin", entry.urn
    assert entry.trigger == "scheduler"
    assert entry.next_runs[0] == datetime(2026, 1, 1, 11, 0, tzinfo=UTC)
    assert entry.next_runs_local[0].hour == 12
    assert len(entry.next_runs) == 5
    assert entry.max_runs_per_day == 1
    assert entry.min_interval_minutes == 23 * 60, "the spring DST change shortens one day"
    assert entry.enabled
    assert entry.description


def test_rule_is_utc_and_disabled_state_is_reported():
    rule = Res(
        ROOT + "aws:cloudwatch/eventRule:EventRule::nightly",
        "aws:cloudwatch/eventRule:EventRule",
        "nightly",
        inputs={"scheduleExpression": "rate(1 hour)", "state": "DISABLED"},
    )
    (entry,) = build.schedule_entries([rule], reference=REFERENCE)
    assert (entry.trigger, entry.timezone, entry.enabled) == ("rule", "UTC", False)
    assert entry.max_runs_per_day == 24
    assert entry.min_interval_minutes == 60


def test_is_enabled_false_disables_a_rule():
    rule = Res(
        "urn:r",
        "aws:cloudwatch/eventRule:EventRule",
        "r",
        inputs={"scheduleExpression": "rate(1 day)", "isEnabled": False},
    )
    assert build.schedule_entries([rule], reference=REFERENCE)[0].enabled is False


def test_event_pattern_rules_and_unrelated_resources_are_not_schedules():
    rule = Res("urn:r", "aws:cloudwatch/eventRule:EventRule", "r", inputs={"eventPattern": "{}"})
    queue = Res("urn:q", "aws:sqs/queue:Queue", "q", inputs={"scheduleExpression": "rate(1 day)"})
    assert build.schedule_entries([rule, queue], reference=REFERENCE) == ()


def test_start_and_end_dates_bound_the_calendar():
    res = scheduler(startDate="2026-02-01T00:00:00Z", endDate="2026-02-03T00:00:00+00:00")
    (entry,) = build.schedule_entries([res], reference=REFERENCE)
    assert entry.start == datetime(2026, 2, 1, tzinfo=UTC)
    assert entry.end == datetime(2026, 2, 3, tzinfo=UTC)
    assert entry.next_runs[0] == datetime(2026, 2, 1, 12, tzinfo=UTC)
    assert len(entry.next_runs) == 2


@pytest.mark.parametrize("value", [None, "", "not a date", 42])
def test_unusable_start_dates_are_ignored(value):
    (entry,) = build.schedule_entries([scheduler(startDate=value)], reference=REFERENCE)
    assert entry.start is None


def test_naive_start_date_is_utc():
    (entry,) = build.schedule_entries(
        [scheduler(startDate="2026-02-01T00:00:00")], reference=REFERENCE
    )
    assert entry.start == datetime(2026, 2, 1, tzinfo=UTC)


def test_past_at_schedule_never_fires():
    (entry,) = build.schedule_entries(
        [scheduler(scheduleExpression="at(2025-06-01T00:00:00)")], reference=REFERENCE
    )
    assert entry.never_fires
    assert entry.next_runs == ()


def test_invalid_expression_is_kept_with_the_engine_message():
    (entry,) = build.schedule_entries(
        [scheduler(scheduleExpression="cron(0 12 * * *)")], reference=REFERENCE
    )
    assert entry.description.startswith("invalid schedule: ")
    assert entry.next_runs == ()
    assert entry.max_runs_per_day == 0


def test_verdicts_are_deduplicated_and_mandatory_first():
    violations = [
        Viol("b-policy", "advisory", "m1", "urn:1"),
        Viol("z-policy", "mandatory", "m2", "urn:2", "desc"),
        Viol("b-policy", "advisory", "m1", "urn:1"),
        Viol("a-policy", "remediate", "m3", ""),
    ]
    verdicts = build.verdicts(violations)
    assert [(v.policy, v.enforcement) for v in verdicts] == [
        ("z-policy", "mandatory"),
        ("a-policy", "remediate"),
        ("b-policy", "advisory"),
    ]
    assert verdicts[1].urn is None, "an empty URN is a stack-wide verdict"
    assert verdicts[0].description == "desc"


def test_stack_plan_carries_resources_schedules_and_verdicts():
    plan = build.stack_plan(
        project="mlsched",
        stack="prod",
        reference=REFERENCE,
        resources=[COMPONENT, TRIGGER, scheduler(protect=True)],
        violations=[Viol("p", "mandatory", "m", "urn:x")],
        outputs={"a": 1},
        policy_config="policies/config/prod.json",
    )
    assert [r.name for r in plan.resources] == ["churn", "churn-trigger", "churn-trigger-schedule"]
    assert plan.resources[0].custom is False
    assert len(plan.schedules) == 1
    assert not plan.ok
    assert plan.outputs == {"a": 1}
