"""modules.aws.trigger.ScheduleTrigger under Pulumi mocks: roles, policies and target wiring."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pulumi

from modules.aws.trigger import ScheduleTrigger, ScheduleTriggerArgs
from modules.schedule import parse_schedule
from tools.mockrun import StackRun

PIPELINE_ARN = "arn:aws:sagemaker:us-east-1:123456789012:pipeline/churn-training"
GROUP_ARN = "arn:aws:scheduler:us-east-1:123456789012:schedule-group/ml-jobs"
PARAMETERS = (("InputPath", "s3://bucket/in"), ("Epochs", "3"))


def build(expression: str = "cron(0 12 * * ? *)", tz: str | None = None, **kwargs: Any):
    def program() -> None:
        schedule = parse_schedule(expression, tz)
        args = ScheduleTriggerArgs(pipeline_arn=PIPELINE_ARN, schedule=schedule, **kwargs)
        trigger = ScheduleTrigger("churn-trigger", args)
        pulumi.export("arn", trigger.arn)
        pulumi.export("role", trigger.role_arn)
        pulumi.export("dlq", trigger.dead_letter_queue_url)

    return program


# --- EventBridge Scheduler (default) ----------------------------------------------------------


def test_scheduler_role_trusts_scheduler_from_this_account_and_schedule_group(
    run: Callable[..., StackRun], document
) -> None:
    role = run(build(schedule_group="ml-jobs")).named("churn-trigger-role")
    assert document(role, "assumeRolePolicy")["Statement"] == [
        {
            "Sid": "EventBridgeAssumesRole",
            "Effect": "Allow",
            "Principal": {"Service": "scheduler.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {
                "StringEquals": {
                    "aws:SourceAccount": "123456789012",
                    "aws:SourceArn": GROUP_ARN,
                }
            },
        }
    ], role.urn


def test_scheduler_role_may_only_start_this_pipeline_and_dead_letter(
    run: Callable[..., StackRun], document
) -> None:
    result = run(build())
    policy = result.named("churn-trigger-policy")
    queue = result.named("churn-trigger-delivery-dlq")
    assert policy.inputs["role"] == result.named("churn-trigger-role").outputs["name"]
    assert document(policy)["Statement"] == [
        {
            "Sid": "StartThisPipelineOnly",
            "Effect": "Allow",
            "Action": "sagemaker:StartPipelineExecution",
            "Resource": PIPELINE_ARN,
        },
        {
            "Sid": "DeadLetterFailedStarts",
            "Effect": "Allow",
            "Action": "sqs:SendMessage",
            "Resource": queue.outputs["arn"],
        },
    ], policy.urn


def test_scheduler_without_dead_letter_queue_only_starts_the_pipeline(
    run: Callable[..., StackRun], document
) -> None:
    result = run(build(dead_letter_queue=False))
    policy = result.named("churn-trigger-policy")
    assert [s["Action"] for s in document(policy)["Statement"]] == [
        "sagemaker:StartPipelineExecution"
    ], policy.urn
    assert not result.of_type("aws:sqs/queue:Queue")
    assert "deadLetterConfig" not in result.named("churn-trigger-schedule").inputs["target"]
    assert "dlq" not in result.outputs


def test_schedule_targets_the_pipeline_with_parameters_retry_and_dlq(
    run: Callable[..., StackRun],
) -> None:
    result = run(build(parameters=PARAMETERS, retry_attempts=5, max_event_age_seconds=7200))
    schedule = result.named("churn-trigger-schedule")
    queue = result.named("churn-trigger-delivery-dlq")
    assert schedule.inputs["target"] == {
        "arn": PIPELINE_ARN,
        "roleArn": result.named("churn-trigger-role").outputs["arn"],
        "sagemakerPipelineParameters": {
            "pipelineParameters": [
                {"name": "InputPath", "value": "s3://bucket/in"},
                {"name": "Epochs", "value": "3"},
            ]
        },
        "retryPolicy": {"maximumRetryAttempts": 5, "maximumEventAgeInSeconds": 7200},
        "deadLetterConfig": {"arn": queue.outputs["arn"]},
    }, schedule.urn
    assert result.outputs["arn"] == schedule.outputs["arn"]
    assert result.outputs["dlq"] == queue.outputs["url"]


def test_schedule_carries_expression_time_zone_state_and_group(
    run: Callable[..., StackRun],
) -> None:
    program = build("cron(0 6 ? * MON *)", "Europe/Berlin", enabled=False, schedule_group="ml")
    schedule = run(program).named("churn-trigger-schedule")
    inputs = schedule.inputs
    assert inputs["scheduleExpression"] == "cron(0 6 ? * MON *)", schedule.urn
    assert inputs["scheduleExpressionTimezone"] == "Europe/Berlin", schedule.urn
    assert inputs["state"] == "DISABLED", schedule.urn
    assert inputs["groupName"] == "ml", schedule.urn
    assert inputs["flexibleTimeWindow"] == {"mode": "OFF"}, schedule.urn
    assert "startDate" not in inputs
    assert "endDate" not in inputs
    assert "sagemakerPipelineParameters" not in inputs["target"]
    assert inputs["description"] == f"Starts SageMaker pipeline {PIPELINE_ARN}"


def test_flexible_window_and_dates_are_sent_in_utc(run: Callable[..., StackRun]) -> None:
    berlin = timezone(timedelta(hours=1))
    program = build(
        "rate(1 day)",
        flexible_window_minutes=30,
        start_date=datetime(2026, 2, 1, 1, 0, tzinfo=berlin),
        end_date=datetime(2026, 12, 31, tzinfo=UTC),
        description="Daily churn",
    )
    schedule = run(program).named("churn-trigger-schedule")
    assert schedule.inputs["flexibleTimeWindow"] == {
        "mode": "FLEXIBLE",
        "maximumWindowInMinutes": 30,
    }, schedule.urn
    assert schedule.inputs["startDate"] == "2026-02-01T00:00:00Z", schedule.urn
    assert schedule.inputs["endDate"] == "2026-12-31T00:00:00Z", schedule.urn
    assert schedule.inputs["state"] == "ENABLED", schedule.urn
    assert schedule.inputs["description"] == "Daily churn", schedule.urn


def test_one_time_schedule_is_sent_as_at(run: Callable[..., StackRun]) -> None:
    schedule = run(build("at(2026-06-01T12:00:00)", "Asia/Tokyo")).named("churn-trigger-schedule")
    assert schedule.inputs["scheduleExpression"] == "at(2026-06-01T12:00:00)", schedule.urn
    assert schedule.inputs["scheduleExpressionTimezone"] == "Asia/Tokyo", schedule.urn


def test_schedule_waits_for_the_role_policy(run: Callable[..., StackRun]) -> None:
    result = run(build())
    schedule = result.named("churn-trigger-schedule")
    assert result.named("churn-trigger-policy").urn in schedule.dependencies, schedule.urn


def test_scheduler_children_follow_the_naming_contract(run: Callable[..., StackRun]) -> None:
    result = run(build())
    component = result.named("churn-trigger")
    assert component.type == "mlsched:events:ScheduleTrigger", component.urn
    children = {r.name: r.type for r in result.resources if r.parent == component.urn}
    assert children == {
        "churn-trigger-role": "aws:iam/role:Role",
        "churn-trigger-policy": "aws:iam/rolePolicy:RolePolicy",
        "churn-trigger-schedule": "aws:scheduler/schedule:Schedule",
        "churn-trigger-delivery": "mlsched:events:DeliverySafety",
    }


def test_no_delivery_component_without_dlq_and_alarm(run: Callable[..., StackRun]) -> None:
    result = run(build(dead_letter_queue=False, alarm=False))
    assert not result.of_type("mlsched:events:DeliverySafety")
    assert not result.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")


# --- EventBridge rule -------------------------------------------------------------------------


def test_rule_role_trusts_events_from_exactly_this_rule(
    run: Callable[..., StackRun], document
) -> None:
    result = run(build(kind="rule"))
    role = result.named("churn-trigger-role")
    rule = result.named("churn-trigger-rule")
    statement = document(role, "assumeRolePolicy")["Statement"][0]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}, role.urn
    assert statement["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "123456789012", "aws:SourceArn": rule.outputs["arn"]}
    }, role.urn


def test_rule_role_may_only_start_this_pipeline(run: Callable[..., StackRun], document) -> None:
    # Rules deliver dead letters through the queue's resource policy, not the role.
    policy = run(build(kind="rule")).named("churn-trigger-policy")
    assert document(policy)["Statement"] == [
        {
            "Sid": "StartThisPipelineOnly",
            "Effect": "Allow",
            "Action": "sagemaker:StartPipelineExecution",
            "Resource": PIPELINE_ARN,
        }
    ], policy.urn


def test_rule_runs_the_expression_in_the_requested_state(run: Callable[..., StackRun]) -> None:
    rule = run(build("rate(6 hours)", kind="rule", enabled=False)).named("churn-trigger-rule")
    assert rule.inputs["scheduleExpression"] == "rate(6 hours)", rule.urn
    assert rule.inputs["state"] == "DISABLED", rule.urn


def test_rule_target_wires_pipeline_role_parameters_retry_and_dlq(
    run: Callable[..., StackRun],
) -> None:
    result = run(build(kind="rule", parameters=PARAMETERS, tags=(("env", "prod"),)))
    target = result.named("churn-trigger-target")
    rule = result.named("churn-trigger-rule")
    assert target.type == "aws:cloudwatch/eventTarget:EventTarget", target.urn
    assert target.inputs["rule"] == rule.outputs["name"], target.urn
    assert target.inputs["arn"] == PIPELINE_ARN, target.urn
    assert target.inputs["roleArn"] == result.named("churn-trigger-role").outputs["arn"]
    assert target.inputs["sagemakerPipelineTarget"] == {
        "pipelineParameterLists": [
            {"name": "InputPath", "value": "s3://bucket/in"},
            {"name": "Epochs", "value": "3"},
        ]
    }, target.urn
    assert target.inputs["retryPolicy"] == {
        "maximumRetryAttempts": 3,
        "maximumEventAgeInSeconds": 3600,
    }, target.urn
    assert target.inputs["deadLetterConfig"] == {
        "arn": result.named("churn-trigger-delivery-dlq").outputs["arn"]
    }, target.urn
    assert result.named("churn-trigger-policy").urn in target.dependencies, target.urn
    assert rule.inputs["tags"] == {"env": "prod"}, rule.urn
    assert result.outputs["arn"] == rule.outputs["arn"]


def test_rule_target_without_parameters_or_dlq_omits_them(run: Callable[..., StackRun]) -> None:
    target = run(build(kind="rule", dead_letter_queue=False)).named("churn-trigger-target")
    assert "sagemakerPipelineTarget" not in target.inputs, target.urn
    assert "deadLetterConfig" not in target.inputs, target.urn
