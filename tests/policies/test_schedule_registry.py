"""policies.schedule_registry: where each carrier type keeps its schedule, and new carriers."""

from __future__ import annotations

import pytest

from policies import schedule_registry as registry
from policies import schedules
from policies.schedule_registry import Carrier, Target
from policies.values import UNKNOWN

AWS_TYPES = {
    "aws:scheduler/schedule:Schedule",
    "aws-native:scheduler:Schedule",
    "aws:cloudwatch/eventRule:EventRule",
    "aws-native:events:Rule",
}


def test_every_aws_schedule_type_is_registered_with_the_aws_dialect() -> None:
    found = {t: c for t, c in registry.carriers().items() if c.cloud == "aws"}
    assert set(found) == AWS_TYPES
    assert {c.dialect for c in found.values()} == {"aws"}


def test_a_scheduler_schedule_is_read_with_zone_dates_state_and_target() -> None:
    spec = registry.read(
        "aws:scheduler/schedule:Schedule",
        {
            "scheduleExpression": "cron(0 8 * * ? *)",
            "scheduleExpressionTimezone": "Europe/Berlin",
            "startDate": "2026-01-01T00:00:00Z",
            "endDate": "2027-01-01T00:00:00Z",
            "state": "DISABLED",
            "flexibleTimeWindow": {"mode": "OFF"},
            "target": {"arn": "arn:p", "roleArn": "arn:r", "deadLetterConfig": {"arn": "arn:q"}},
        },
    )
    assert spec is not None
    assert (spec.expression, spec.timezone, spec.start, spec.end) == (
        "cron(0 8 * * ? *)",
        "Europe/Berlin",
        "2026-01-01T00:00:00Z",
        "2027-01-01T00:00:00Z",
    )
    assert spec.enabled is False
    assert spec.flexible_mode == "OFF"
    assert spec.targets == (Target(ref="arn:p", role_arn="arn:r", dead_letter_arn="arn:q"),)


@pytest.mark.parametrize(
    ("props", "enabled"),
    [
        ({}, True),
        ({"state": "ENABLED"}, True),
        ({"state": "DISABLED"}, False),
        ({"isEnabled": False}, False),
        ({"state": UNKNOWN}, UNKNOWN),
    ],
)
def test_a_rules_enabled_state_is_read_from_state_or_is_enabled(props: dict, enabled) -> None:
    spec = registry.read(
        "aws:cloudwatch/eventRule:EventRule", {"scheduleExpression": "rate(1 hour)", **props}
    )
    assert spec is not None, props
    assert spec.enabled is enabled, props


def test_an_event_pattern_rule_carries_no_schedule() -> None:
    assert registry.read("aws-native:events:Rule", {"eventPattern": "{}"}) is None


def test_a_type_that_carries_no_schedule_is_not_read() -> None:
    assert registry.read("aws:sqs/queue:Queue", {"scheduleExpression": "rate(1 hour)"}) is None


def test_a_type_cannot_be_registered_twice() -> None:
    carrier = registry.carrier_for("aws-native:events:Rule")
    assert carrier is not None
    with pytest.raises(ValueError, match="already a registered schedule carrier"):
        registry.register(carrier)


def test_a_newly_registered_carrier_is_judged_by_the_existing_policies(
    run, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_type = "example:jobs/timer:Timer"
    registry.carriers()  # load the shipped carriers first
    monkeypatch.setitem(
        registry._REGISTRY,
        new_type,
        Carrier(
            resource_type=new_type,
            cloud="aws",
            dialect="aws",
            label="timer",
            expression="spec.when",
            timezone="spec.zone",
        ),
    )
    (message,) = run(schedules.EXPRESSION_VALID, new_type, {"spec": {"when": "rate(0 minutes)"}})
    assert "Fix spec.when of r" in message
    (message,) = run(
        schedules.EXPRESSION_VALID,
        new_type,
        {"spec": {"when": "rate(1 hour)", "zone": "Mars/Olympus"}},
    )
    assert "Fix spec.zone of r" in message, message
