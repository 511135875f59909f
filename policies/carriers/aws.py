"""AWS schedule carriers: EventBridge Scheduler schedules and scheduled EventBridge rules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from policies.schedule_registry import (
    Carrier,
    PipelineResource,
    Target,
    TargetResources,
    register,
    register_pipeline,
)
from policies.values import UNKNOWN, as_list, dig, is_unknown

EVENT_TARGET_TYPE = "aws:cloudwatch/eventTarget:EventTarget"
EXPECTED_DURATION_TAG = "mlsched:expectedDuration"
# A SageMaker pipeline has no "skip if running" setting: every start is a new execution, and
# ParallelismConfiguration limits the steps running at once inside one execution only.
# https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ParallelismConfiguration.html
OVERLAP = (
    "SageMaker starts a second execution while the previous one still runs (the pipeline's "
    "parallelism limits steps inside one execution, not executions)"
)


def event_target(props: Mapping[str, Any]) -> Target:
    """A Scheduler `target`, a rule's `targets` entry or an EventTarget resource (same names)."""
    return Target(
        ref=props.get("arn"),
        role_arn=props.get("roleArn"),
        retry_policy=props.get("retryPolicy"),
        dead_letter_arn=dig(props, "deadLetterConfig.arn"),
    )


def _scheduler_targets(props: Mapping[str, Any]) -> Any:
    target = props.get("target")
    if is_unknown(target):
        return UNKNOWN
    return (event_target(target),) if isinstance(target, Mapping) else ()


def _rule_targets(props: Mapping[str, Any]) -> Any:
    targets = props.get("targets")
    if is_unknown(targets):
        return UNKNOWN
    return tuple(
        UNKNOWN if is_unknown(t) else event_target(t)
        for t in as_list(targets)
        if isinstance(t, Mapping) or is_unknown(t)
    )


def _state(props: Mapping[str, Any]) -> Any:
    # Scheduler and rules: `state` ENABLED / DISABLED (rules also ENABLED_WITH_ALL_CLOUDTRAIL_
    # MANAGEMENT_EVENTS); pulumi-aws's classic EventRule also has the deprecated `isEnabled`.
    state = props.get("state")
    if is_unknown(state):
        return UNKNOWN
    if isinstance(state, str):
        return state.upper() != "DISABLED"
    enabled = props.get("isEnabled")
    return enabled if isinstance(enabled, bool) or is_unknown(enabled) else True


for _type in ("aws:scheduler/schedule:Schedule", "aws-native:scheduler:Schedule"):
    register(
        Carrier(
            resource_type=_type,
            cloud="aws",
            dialect="aws",
            label="EventBridge Scheduler schedule",
            expression="scheduleExpression",
            timezone="scheduleExpressionTimezone",
            default_timezone="UTC",
            start="startDate",
            end="endDate",
            enabled=_state,
            targets=_scheduler_targets,
            one_time=True,
            flexible_mode="flexibleTimeWindow.mode",
            delivery_settings=True,
            target_keys=("target",),
            overlap=OVERLAP,
        )
    )

register(
    Carrier(
        resource_type="aws:cloudwatch/eventRule:EventRule",
        cloud="aws",
        dialect="aws",
        label="EventBridge rule",
        expression="scheduleExpression",
        default_timezone="UTC",
        enabled=_state,
        # pulumi-aws declares a classic rule's targets as separate EventTarget resources.
        targets=None,
        delivery_settings=True,
        target_resources=TargetResources(
            EVENT_TARGET_TYPE, link="rule", read=event_target, target_keys=("arn",)
        ),
        overlap=OVERLAP,
    )
)
register(
    Carrier(
        resource_type="aws-native:events:Rule",
        cloud="aws",
        dialect="aws",
        label="EventBridge rule",
        expression="scheduleExpression",
        default_timezone="UTC",
        enabled=_state,
        targets=_rule_targets,
        delivery_settings=True,
        target_keys=("targets",),
        overlap=OVERLAP,
    )
)


def _tag(props: Mapping[str, Any]) -> Any:
    """aws-native sends tags as [{key, value}], pulumi-aws as a map."""
    tags = props.get("tags")
    if is_unknown(tags):
        return UNKNOWN
    if isinstance(tags, Mapping):
        return tags.get(EXPECTED_DURATION_TAG)
    for tag in as_list(tags):
        if is_unknown(tag):
            return UNKNOWN
        if isinstance(tag, Mapping) and tag.get("key") == EXPECTED_DURATION_TAG:
            return tag.get("value")
    return None


for _type in ("aws-native:sagemaker:Pipeline", "aws:sagemaker/pipeline:Pipeline"):
    register_pipeline(
        PipelineResource(
            resource_type=_type,
            cloud="aws",
            name="pipelineName",
            expected_duration=_tag,
            duration_label=f"tag {EXPECTED_DURATION_TAG}",
        )
    )
