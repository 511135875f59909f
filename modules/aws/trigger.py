"""`ScheduleTrigger`: starts a SageMaker pipeline on a schedule, with EventBridge Scheduler
(default) or an EventBridge rule, through a role that can start only that pipeline."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import pulumi
import pulumi_aws as aws

from modules.aws import context as aws_context
from modules.aws.config import TriggerKind
from modules.aws.delivery import DeliverySafety, DeliverySafetyArgs
from modules.schedule import Schedule

TYPE_TOKEN = "mlsched:events:ScheduleTrigger"
SCHEDULER_PRINCIPAL = "scheduler.amazonaws.com"
EVENTS_PRINCIPAL = "events.amazonaws.com"


@dataclass(frozen=True)
class ScheduleTriggerArgs:
    pipeline_arn: pulumi.Input[str]
    """ARN of the pipeline to start (lowercase name, as SageMaker writes it)."""
    schedule: Schedule
    """Validated schedule; its time zone is used by Scheduler (rules are UTC only)."""
    kind: TriggerKind = "scheduler"
    """`scheduler` (EventBridge Scheduler) or `rule` (EventBridge rule, UTC, no at())."""
    enabled: bool = True
    """False creates the schedule/rule DISABLED."""
    parameters: tuple[tuple[str, str], ...] = ()
    """Pipeline parameters passed on every run; none uses the definition's defaults."""
    flexible_window_minutes: int | None = None
    """Scheduler flexible time window; None means OFF (fire on time)."""
    start_date: datetime | None = None
    """Scheduler: first instant it may fire; None means from now."""
    end_date: datetime | None = None
    """Scheduler: last instant it may fire; None means no end."""
    schedule_group: str = "default"
    """Scheduler schedule group (also the trust policy's aws:SourceArn)."""
    retry_attempts: int = 3
    """Retries of a failed start before it is dead-lettered (AWS default would be 185)."""
    max_event_age_seconds: int = 3_600
    """Stop retrying after this long (AWS default would be 24 hours)."""
    dead_letter_queue: bool = True
    """SQS dead-letter queue for starts that failed all retries."""
    alarm: bool = True
    """CloudWatch alarms on failed starts and dead-letter queue depth."""
    alarm_actions: tuple[str, ...] = ()
    """ARNs notified by the alarms; none by default."""
    description: str | None = None
    """Schedule/rule description; None writes one naming the pipeline ARN."""
    tags: tuple[tuple[str, str], ...] = ()
    """Tags on the role, rule, queue and alarms (Scheduler schedules take no tags)."""
    aws: aws_context.AwsContext | None = None
    """Partition/region/account; None looks them up with invokes."""


def trust_policy(principal: str, account_id: str, source_arn: str) -> str:
    # aws:SourceAccount / aws:SourceArn stop another account's (or another rule's / schedule
    # group's) EventBridge from using this role (confused deputy):
    # https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "EventBridgeAssumesRole",
                    "Effect": "Allow",
                    "Principal": {"Service": principal},
                    "Action": "sts:AssumeRole",
                    "Condition": {
                        "StringEquals": {
                            "aws:SourceAccount": account_id,
                            "aws:SourceArn": source_arn,
                        }
                    },
                }
            ],
        },
        sort_keys=True,
    )


def invoke_policy(pipeline_arn: str, queue_arn: str | None) -> str:
    statements: list[dict] = [
        {
            "Sid": "StartThisPipelineOnly",
            "Effect": "Allow",
            "Action": "sagemaker:StartPipelineExecution",
            "Resource": pipeline_arn,
        }
    ]
    if queue_arn:
        statements.append(
            {
                "Sid": "DeadLetterFailedStarts",
                "Effect": "Allow",
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)


def _scheduler_time(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class ScheduleTrigger(pulumi.ComponentResource):
    """Children, Scheduler: `aws:iam/role:Role` `<name>-role` (trusts scheduler.amazonaws.com
    from this account's schedule group), `mlsched:events:DeliverySafety` `<name>-delivery`,
    `aws:iam/rolePolicy:RolePolicy` `<name>-policy`, `aws:scheduler/schedule:Schedule`
    `<name>-schedule`. Rule: `aws:cloudwatch/eventRule:EventRule` `<name>-rule`, the role
    (trusts events.amazonaws.com from that rule), delivery, policy, and
    `aws:cloudwatch/eventTarget:EventTarget` `<name>-target`."""

    arn: pulumi.Output[str]
    role_arn: pulumi.Output[str]
    dead_letter_queue_url: pulumi.Output[str | None]
    dead_letter_queue_arn: pulumi.Output[str | None]
    kind: str

    def __init__(
        self, name: str, args: ScheduleTriggerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        aws_ctx = args.aws or aws_context.lookup(self)
        self.kind = args.kind
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags) or None
        state = "ENABLED" if args.enabled else "DISABLED"
        description: pulumi.Input[str] = args.description or pulumi.Output.concat(
            "Starts SageMaker pipeline ", args.pipeline_arn
        )

        rule: aws.cloudwatch.EventRule | None = None
        if args.kind == "rule":
            rule = aws.cloudwatch.EventRule(
                f"{name}-rule",
                schedule_expression=args.schedule.expression,
                state=state,
                description=description,
                tags=tags,
                opts=child,
            )
            principal, source_arn = EVENTS_PRINCIPAL, rule.arn
        else:
            principal = SCHEDULER_PRINCIPAL
            source_arn = aws_ctx.arn("scheduler", f"schedule-group/{args.schedule_group}")

        role = aws.iam.Role(
            f"{name}-role",
            assume_role_policy=pulumi.Output.all(aws_ctx.account_id, source_arn).apply(
                lambda v: trust_policy(principal, v[0], v[1])
            ),
            description=f"Lets EventBridge start one SageMaker pipeline ({name})",
            tags=tags,
            opts=child,
        )

        delivery: DeliverySafety | None = None
        if args.dead_letter_queue or args.alarm:
            delivery = DeliverySafety(
                f"{name}-delivery",
                DeliverySafetyArgs(
                    trigger=args.kind,
                    sender_arn=rule.arn if rule is not None else role.arn,
                    rule_name=rule.name if rule is not None else None,
                    schedule_group=args.schedule_group,
                    dead_letter_queue=args.dead_letter_queue,
                    alarm=args.alarm,
                    alarm_actions=args.alarm_actions,
                    label=name,
                    tags=args.tags,
                    aws=aws_ctx,
                ),
                opts=child,
            )
        none: pulumi.Output[str | None] = pulumi.Output.from_input(None)
        queue_arn = delivery.queue_arn if delivery is not None else none
        queue_url = delivery.queue_url if delivery is not None else none

        # Rules deliver dead letters through the queue policy, Scheduler through this role.
        policy_queue = queue_arn if args.kind == "scheduler" else none
        policy = aws.iam.RolePolicy(
            f"{name}-policy",
            role=role.id,
            policy=pulumi.Output.all(args.pipeline_arn, policy_queue).apply(
                lambda v: invoke_policy(v[0], v[1])
            ),
            opts=child,
        )
        # The first start must not race the role's permissions.
        after_policy = pulumi.ResourceOptions(parent=self, depends_on=[policy])
        retry = {
            "maximum_retry_attempts": args.retry_attempts,
            "maximum_event_age_in_seconds": args.max_event_age_seconds,
        }
        parameters = [{"name": key, "value": value} for key, value in args.parameters]

        if rule is not None:
            aws.cloudwatch.EventTarget(
                f"{name}-target",
                rule=rule.name,
                arn=args.pipeline_arn,
                role_arn=role.arn,
                sagemaker_pipeline_target=aws.cloudwatch.EventTargetSagemakerPipelineTargetArgs(
                    pipeline_parameter_lists=[
                        aws.cloudwatch.EventTargetSagemakerPipelineTargetPipelineParameterListArgs(
                            **p
                        )
                        for p in parameters
                    ]
                )
                if parameters
                else None,
                retry_policy=aws.cloudwatch.EventTargetRetryPolicyArgs(**retry),
                dead_letter_config=aws.cloudwatch.EventTargetDeadLetterConfigArgs(arn=queue_arn)
                if args.dead_letter_queue
                else None,
                opts=after_policy,
            )
            self.arn = rule.arn
        else:
            window = (
                aws.scheduler.ScheduleFlexibleTimeWindowArgs(
                    mode="FLEXIBLE", maximum_window_in_minutes=args.flexible_window_minutes
                )
                if args.flexible_window_minutes
                else aws.scheduler.ScheduleFlexibleTimeWindowArgs(mode="OFF")
            )
            schedule = aws.scheduler.Schedule(
                f"{name}-schedule",
                schedule_expression=args.schedule.expression,
                schedule_expression_timezone=args.schedule.timezone,
                flexible_time_window=window,
                start_date=_scheduler_time(args.start_date),
                end_date=_scheduler_time(args.end_date),
                group_name=args.schedule_group,
                state=state,
                description=description,
                target=aws.scheduler.ScheduleTargetArgs(
                    arn=args.pipeline_arn,
                    role_arn=role.arn,
                    sagemaker_pipeline_parameters=aws.scheduler.ScheduleTargetSagemakerPipelineParametersArgs(
                        pipeline_parameters=[
                            aws.scheduler.ScheduleTargetSagemakerPipelineParametersPipelineParameterArgs(
                                **p
                            )
                            for p in parameters
                        ]
                    )
                    if parameters
                    else None,
                    retry_policy=aws.scheduler.ScheduleTargetRetryPolicyArgs(**retry),
                    dead_letter_config=aws.scheduler.ScheduleTargetDeadLetterConfigArgs(
                        arn=queue_arn
                    )
                    if args.dead_letter_queue
                    else None,
                ),
                opts=after_policy,
            )
            self.arn = schedule.arn

        self.role_arn = role.arn
        self.dead_letter_queue_arn = queue_arn
        self.dead_letter_queue_url = queue_url
        self.register_outputs(
            {
                "arn": self.arn,
                "kind": self.kind,
                "role_arn": self.role_arn,
                "dead_letter_queue_arn": self.dead_letter_queue_arn,
                "dead_letter_queue_url": self.dead_letter_queue_url,
            }
        )
