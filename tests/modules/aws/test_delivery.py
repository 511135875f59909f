"""modules.aws.delivery.DeliverySafety under Pulumi mocks: queue, queue policy, alarms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from modules.aws.delivery import DeliverySafety, DeliverySafetyArgs
from tools.mockrun import StackRun

RULE_ARN = "arn:aws:events:us-east-1:123456789012:rule/churn-rule"
ROLE_ARN = "arn:aws:iam::123456789012:role/churn-trigger-role"
TOPIC = "arn:aws:sns:us-east-1:123456789012:oncall"


def build(**kwargs: Any) -> Callable[[], None]:
    defaults: dict[str, Any] = {"trigger": "scheduler", "sender_arn": ROLE_ARN}
    defaults.update(kwargs)

    def program() -> None:
        DeliverySafety("churn-delivery", DeliverySafetyArgs(**defaults))

    return program


def rule_build(**kwargs: Any) -> Callable[[], None]:
    return build(trigger="rule", sender_arn=RULE_ARN, rule_name="churn-rule", **kwargs)


def test_queue_keeps_failed_starts_two_weeks_encrypted(run: Callable[..., StackRun]) -> None:
    queue = run(build()).named("churn-delivery-dlq")
    assert queue.inputs["messageRetentionSeconds"] == 1_209_600, queue.urn
    assert queue.inputs["sqsManagedSseEnabled"] is True, queue.urn


def test_rule_queue_policy_admits_only_that_rule(run: Callable[..., StackRun], document) -> None:
    result = run(rule_build())
    queue = result.named("churn-delivery-dlq")
    policy = result.named("churn-delivery-dlq-policy")
    assert policy.inputs["queueUrl"] == queue.outputs["url"], policy.urn
    assert document(policy)["Statement"] == [
        {
            "Sid": "RuleDeliversDeadLetters",
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": queue.outputs["arn"],
            "Condition": {
                "StringEquals": {"aws:SourceAccount": "123456789012", "aws:SourceArn": RULE_ARN}
            },
        },
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "sqs:*",
            "Resource": queue.outputs["arn"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
    ], policy.urn


def test_scheduler_queue_policy_admits_only_the_schedule_role(
    run: Callable[..., StackRun], document
) -> None:
    result = run(build())
    policy = result.named("churn-delivery-dlq-policy")
    allow = document(policy)["Statement"][0]
    assert allow["Principal"] == {"AWS": ROLE_ARN}, policy.urn
    assert allow["Action"] == "sqs:SendMessage", policy.urn
    assert allow["Resource"] == result.named("churn-delivery-dlq").outputs["arn"], policy.urn


def test_rule_failure_alarm_watches_failed_invocations_of_the_rule(
    run: Callable[..., StackRun],
) -> None:
    alarm = run(rule_build(alarm_actions=(TOPIC,))).named("churn-delivery-failed-alarm")
    inputs = alarm.inputs
    assert (inputs["namespace"], inputs["metricName"]) == ("AWS/Events", "FailedInvocations")
    assert inputs["dimensions"] == {"RuleName": "churn-rule"}, alarm.urn
    assert inputs["comparisonOperator"] == "GreaterThanThreshold", alarm.urn
    assert inputs["threshold"] == 0, alarm.urn
    assert inputs["statistic"] == "Sum", alarm.urn
    assert inputs["treatMissingData"] == "notBreaching", alarm.urn
    assert inputs["alarmActions"] == [TOPIC], alarm.urn
    assert inputs["okActions"] == [TOPIC], alarm.urn


def test_scheduler_failure_alarm_watches_dropped_invocations_of_the_group(
    run: Callable[..., StackRun],
) -> None:
    alarm = run(build(schedule_group="ml")).named("churn-delivery-failed-alarm")
    assert alarm.inputs["namespace"] == "AWS/Scheduler", alarm.urn
    assert alarm.inputs["metricName"] == "InvocationDroppedCount", alarm.urn
    assert alarm.inputs["dimensions"] == {"ScheduleGroup": "ml"}, alarm.urn


def test_dlq_alarm_fires_on_any_visible_message(run: Callable[..., StackRun]) -> None:
    result = run(build())
    alarm = result.named("churn-delivery-dlq-alarm")
    queue = result.named("churn-delivery-dlq")
    assert alarm.inputs["namespace"] == "AWS/SQS", alarm.urn
    assert alarm.inputs["metricName"] == "ApproximateNumberOfMessagesVisible", alarm.urn
    assert alarm.inputs["dimensions"] == {"QueueName": queue.outputs["name"]}, alarm.urn
    assert alarm.inputs["statistic"] == "Maximum", alarm.urn
    assert alarm.inputs["threshold"] == 0, alarm.urn
    assert alarm.inputs.get("alarmActions", []) == [], alarm.urn


def test_without_a_queue_only_the_failure_alarm_remains(run: Callable[..., StackRun]) -> None:
    result = run(build(dead_letter_queue=False))
    assert [r.name for r in result.resources if r.custom] == ["churn-delivery-failed-alarm"]
    assert result.named("churn-delivery").outputs.get("queue_url") is None


def test_without_alarms_only_the_queue_and_policy_remain(run: Callable[..., StackRun]) -> None:
    result = run(build(alarm=False))
    assert sorted(r.name for r in result.resources if r.custom) == [
        "churn-delivery-dlq",
        "churn-delivery-dlq-policy",
    ]


def test_component_outputs_queue_and_alarm_arns(run: Callable[..., StackRun]) -> None:
    result = run(build())
    component = result.named("churn-delivery")
    assert component.type == "mlsched:events:DeliverySafety", component.urn
    assert component.outputs["queue_url"] == result.named("churn-delivery-dlq").outputs["url"]
    assert sorted(component.outputs["alarm_arns"]) == sorted(
        r.outputs["arn"] for r in result.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    )


def test_rule_trigger_needs_the_rule_name(run: Callable[..., StackRun]) -> None:
    with pytest.raises(ValueError, match="rule_name is required"):
        run(build(trigger="rule", sender_arn=RULE_ARN))
