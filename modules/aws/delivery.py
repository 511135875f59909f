"""`DeliverySafety`: where failed pipeline starts go (SQS dead-letter queue) and who hears of it
(CloudWatch alarms), so no scheduled run is lost in silence."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from modules.aws import context as aws_context
from modules.aws.config import TriggerKind

TYPE_TOKEN = "mlsched:events:DeliverySafety"
EVENTS_PRINCIPAL = "events.amazonaws.com"
# SQS's maximum; a failed start stays inspectable (and replayable) for two weeks.
DLQ_RETENTION_SECONDS = 1_209_600
ALARM_PERIOD_SECONDS = 300


@dataclass(frozen=True)
class DeliverySafetyArgs:
    trigger: TriggerKind
    """`scheduler` or `rule`: decides who may write to the queue and which metrics exist."""
    sender_arn: pulumi.Input[str]
    """Scheduler: the schedule's role (Scheduler delivers dead letters with it).
    Rule: the rule ARN (EventBridge delivers as events.amazonaws.com for that rule)."""
    rule_name: pulumi.Input[str] | None = None
    """Rule name for the AWS/Events alarm dimension; required for `rule`."""
    schedule_group: str = "default"
    """Schedule group for the AWS/Scheduler alarm dimension (Scheduler publishes no
    per-schedule metrics)."""
    dead_letter_queue: bool = True
    """Create the SQS dead-letter queue and its policy; False creates none."""
    alarm: bool = True
    """Create the alarms (permanent start failures, and dead-letter queue depth when there is a
    queue); False creates none."""
    alarm_actions: tuple[str, ...] = ()
    """ARNs (e.g. SNS topics) notified on ALARM and OK; none only changes the alarm state."""
    label: str = ""
    """Human name used in alarm descriptions; defaults to the component name."""
    tags: tuple[tuple[str, str], ...] = ()
    """Tags on the queue and alarms; none by default."""
    aws: aws_context.AwsContext | None = None
    """Partition/region/account; None looks them up with invokes."""


def queue_policy(trigger: TriggerKind, queue_arn: str, sender_arn: str, account_id: str) -> str:
    if trigger == "rule":
        allow = {
            "Sid": "RuleDeliversDeadLetters",
            "Effect": "Allow",
            "Principal": {"Service": EVENTS_PRINCIPAL},
            "Action": "sqs:SendMessage",
            "Resource": queue_arn,
            "Condition": {
                "StringEquals": {"aws:SourceAccount": account_id, "aws:SourceArn": sender_arn}
            },
        }
    else:
        # Scheduler sends dead letters with the schedule's own execution role, so the queue
        # trusts exactly that role:
        # https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html
        allow = {
            "Sid": "ScheduleRoleDeliversDeadLetters",
            "Effect": "Allow",
            "Principal": {"AWS": sender_arn},
            "Action": "sqs:SendMessage",
            "Resource": queue_arn,
        }
    deny_plaintext = {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "sqs:*",
        "Resource": queue_arn,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [allow, deny_plaintext]}, sort_keys=True
    )


class DeliverySafety(pulumi.ComponentResource):
    """Children: `aws:sqs/queue:Queue` `<name>-dlq`, `aws:sqs/queuePolicy:QueuePolicy`
    `<name>-dlq-policy`, `aws:cloudwatch/metricAlarm:MetricAlarm` `<name>-failed-alarm`
    (AWS/Events FailedInvocations per rule, or AWS/Scheduler InvocationDroppedCount per
    schedule group) and `<name>-dlq-alarm` (AWS/SQS ApproximateNumberOfMessagesVisible > 0)."""

    queue_arn: pulumi.Output[str | None]
    queue_url: pulumi.Output[str | None]
    alarm_arns: pulumi.Output[list[str]]

    def __init__(
        self, name: str, args: DeliverySafetyArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        if args.trigger == "rule" and args.rule_name is None:
            raise ValueError(f"{name}: rule_name is required for a rule trigger")
        aws_ctx = args.aws or aws_context.lookup(self)
        label = args.label or name
        tags = dict(args.tags) or None
        child = pulumi.ResourceOptions(parent=self)
        alarms: list[aws.cloudwatch.MetricAlarm] = []
        queue: aws.sqs.Queue | None = None

        if args.dead_letter_queue:
            queue = aws.sqs.Queue(
                f"{name}-dlq",
                message_retention_seconds=DLQ_RETENTION_SECONDS,
                sqs_managed_sse_enabled=True,
                tags=tags,
                opts=child,
            )
            aws.sqs.QueuePolicy(
                f"{name}-dlq-policy",
                queue_url=queue.url,
                policy=pulumi.Output.all(queue.arn, args.sender_arn, aws_ctx.account_id).apply(
                    lambda v: queue_policy(args.trigger, v[0], v[1], v[2])
                ),
                opts=child,
            )

        if args.alarm:
            # Both alarms fire on the first failed start or dead letter in a period.
            any_in_period: dict[str, Any] = {
                "period": ALARM_PERIOD_SECONDS,
                "evaluation_periods": 1,
                "threshold": 0,
                "comparison_operator": "GreaterThanThreshold",
                # No data means nothing was attempted, not that something failed.
                "treat_missing_data": "notBreaching",
                "alarm_actions": list(args.alarm_actions),
                "ok_actions": list(args.alarm_actions),
                "tags": tags,
                "opts": child,
            }
            if args.trigger == "rule":
                namespace, metric = "AWS/Events", "FailedInvocations"
                dimensions: dict[str, pulumi.Input[str]] = {"RuleName": args.rule_name}
            else:
                namespace, metric = "AWS/Scheduler", "InvocationDroppedCount"
                dimensions = {"ScheduleGroup": args.schedule_group}
            alarms.append(
                aws.cloudwatch.MetricAlarm(
                    f"{name}-failed-alarm",
                    alarm_description=(
                        f"{label}: a scheduled start of the SageMaker pipeline failed after all "
                        f"retries ({namespace} {metric})"
                    ),
                    namespace=namespace,
                    metric_name=metric,
                    dimensions=dimensions,
                    statistic="Sum",
                    **any_in_period,
                )
            )
            if queue is not None:
                alarms.append(
                    aws.cloudwatch.MetricAlarm(
                        f"{name}-dlq-alarm",
                        alarm_description=(
                            f"{label}: failed pipeline starts are waiting in the dead-letter "
                            "queue; inspect and replay them"
                        ),
                        namespace="AWS/SQS",
                        metric_name="ApproximateNumberOfMessagesVisible",
                        dimensions={"QueueName": queue.name},
                        statistic="Maximum",
                        **any_in_period,
                    )
                )

        none: pulumi.Output[str | None] = pulumi.Output.from_input(None)
        self.queue_arn = queue.arn if queue is not None else none
        self.queue_url = queue.url if queue is not None else none
        self.alarm_arns = pulumi.Output.all(*[alarm.arn for alarm in alarms])
        self.register_outputs(
            {
                "queue_arn": self.queue_arn,
                "queue_url": self.queue_url,
                "alarm_arns": self.alarm_arns,
            }
        )
