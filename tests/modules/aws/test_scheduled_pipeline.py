"""modules.aws.scheduled_pipeline.ScheduledPipeline: the composed resource graph under mocks."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pulumi

from modules.aws.scheduled_pipeline import ScheduledPipeline, ScheduledPipelineArgs
from modules.config import load_stack_config
from tools.mockrun import StackRun

REFERENCE = datetime(2026, 1, 1, tzinfo=UTC)
PIPELINE_ARN = "arn:aws:sagemaker:us-east-1:123456789012:pipeline/churn-training"


def build(definition_dir: Path, component: str = "churn", **raw: Any) -> Callable[[], None]:
    entry = {
        "name": "Churn-Training",
        "definition": "pipeline.json",
        "schedule": "cron(0 12 * * ? *)",
        "parameters": {"InputPath": "s3://bucket/in"},
    }
    entry.update(raw)
    (config,) = load_stack_config(
        [entry], stack="test", base_dir=definition_dir, reference=REFERENCE
    ).pipelines

    def program() -> None:
        pipeline = ScheduledPipeline(component, ScheduledPipelineArgs(config))
        pulumi.export("churn", pipeline.exports())

    return program


def test_resource_graph_follows_the_naming_and_type_contract(
    run: Callable[..., StackRun], definition_dir: Path
) -> None:
    result = run(build(definition_dir))
    tree = {
        (r.name, r.type, result.by_urn()[r.parent].name if r.parent else None)
        for r in result.resources
    }
    assert tree == {
        ("mlsched-test", "pulumi:pulumi:Stack", None),
        ("churn", "mlsched:ml:ScheduledPipeline", "mlsched-test"),
        ("churn-execution", "mlsched:iam:PipelineExecutionRole", "churn"),
        ("churn-execution-role", "aws:iam/role:Role", "churn-execution"),
        ("churn-execution-policy", "aws:iam/rolePolicy:RolePolicy", "churn-execution"),
        ("churn-sagemaker", "mlsched:sagemaker:Pipeline", "churn"),
        ("churn-sagemaker-pipeline", "aws-native:sagemaker:Pipeline", "churn-sagemaker"),
        ("churn-trigger", "mlsched:events:ScheduleTrigger", "churn"),
        ("churn-trigger-role", "aws:iam/role:Role", "churn-trigger"),
        ("churn-trigger-policy", "aws:iam/rolePolicy:RolePolicy", "churn-trigger"),
        ("churn-trigger-schedule", "aws:scheduler/schedule:Schedule", "churn-trigger"),
        ("churn-trigger-delivery", "mlsched:events:DeliverySafety", "churn-trigger"),
        ("churn-trigger-delivery-dlq", "aws:sqs/queue:Queue", "churn-trigger-delivery"),
        (
            "churn-trigger-delivery-dlq-policy",
            "aws:sqs/queuePolicy:QueuePolicy",
            "churn-trigger-delivery",
        ),
        (
            "churn-trigger-delivery-failed-alarm",
            "aws:cloudwatch/metricAlarm:MetricAlarm",
            "churn-trigger-delivery",
        ),
        (
            "churn-trigger-delivery-dlq-alarm",
            "aws:cloudwatch/metricAlarm:MetricAlarm",
            "churn-trigger-delivery",
        ),
    }


def test_trigger_starts_the_lowercase_pipeline_arn(
    run: Callable[..., StackRun], definition_dir: Path, document
) -> None:
    result = run(build(definition_dir))
    schedule = result.named("churn-trigger-schedule")
    policy = result.named("churn-trigger-policy")
    assert schedule.inputs["target"]["arn"] == PIPELINE_ARN, schedule.urn
    assert document(policy)["Statement"][0]["Resource"] == PIPELINE_ARN, policy.urn
    assert result.named("churn-sagemaker-pipeline").inputs["pipelineName"] == "Churn-Training"


def test_protect_applies_to_the_sagemaker_pipeline_only(
    run: Callable[..., StackRun], definition_dir: Path
) -> None:
    result = run(build(definition_dir, protect=True))
    protected = sorted(r.name for r in result.resources if r.protect)
    assert protected == ["churn-sagemaker", "churn-sagemaker-pipeline"]


def test_nothing_is_protected_by_default(
    run: Callable[..., StackRun], definition_dir: Path
) -> None:
    assert not [r.urn for r in run(build(definition_dir)).resources if r.protect]


def test_pipeline_runs_as_the_created_role_which_may_pass_itself(
    run: Callable[..., StackRun], definition_dir: Path, document
) -> None:
    result = run(build(definition_dir))
    role_arn = result.named("churn-execution-role").outputs["arn"]
    pipeline = result.named("churn-sagemaker-pipeline")
    assert pipeline.inputs["roleArn"] == role_arn, pipeline.urn
    body = json.loads(pipeline.inputs["pipelineDefinition"]["pipelineDefinitionBody"])
    assert body["Steps"][0]["Arguments"]["RoleArn"] == role_arn, pipeline.urn
    statements = document(result.named("churn-execution-policy"))["Statement"]
    assert statements[-1]["Resource"] == [role_arn]


def test_definition_without_the_role_placeholder_does_not_pass_the_role(
    run: Callable[..., StackRun], definition_dir: Path
) -> None:
    (definition_dir / "plain.json").write_text(
        json.dumps(
            {
                "Version": "2020-12-01",
                "Parameters": [],
                "Steps": [{"Name": "A", "Type": "Fail", "Arguments": {}}],
            }
        )
    )
    result = run(build(definition_dir, definition="plain.json", parameters={}))
    assert [r.name for r in result.of_type("aws:iam/rolePolicy:RolePolicy")] == [
        "churn-trigger-policy"
    ]


def test_existing_execution_role_is_used_without_creating_one(
    run: Callable[..., StackRun], definition_dir: Path
) -> None:
    arn = "arn:aws:iam::123456789012:role/shared"
    result = run(build(definition_dir, executionRoleArn=arn))
    assert result.named("churn-sagemaker-pipeline").inputs["roleArn"] == arn
    assert [r.name for r in result.of_type("aws:iam/role:Role")] == ["churn-trigger-role"]
    assert result.outputs["churn"]["executionRoleArn"] == arn


def test_every_resource_is_tagged_with_the_pipeline_name(
    run: Callable[..., StackRun], definition_dir: Path
) -> None:
    result = run(build(definition_dir, tags={"env": "prod"}))
    role = result.named("churn-execution-role")
    assert role.inputs["tags"] == {"env": "prod", "mlsched:pipeline": "Churn-Training"}, role.urn
    pipeline = result.named("churn-sagemaker-pipeline")
    assert {"key": "mlsched:pipeline", "value": "Churn-Training"} in pipeline.inputs["tags"]


def test_exports_name_the_schedule_arn_for_scheduler(
    run: Callable[..., StackRun], definition_dir: Path
) -> None:
    result = run(build(definition_dir))
    exported = result.outputs["churn"]
    assert exported == {
        "pipelineName": "Churn-Training",
        "pipelineArn": PIPELINE_ARN,
        "trigger": "scheduler",
        "scheduleArn": result.named("churn-trigger-schedule").outputs["arn"],
        "executionRoleArn": result.named("churn-execution-role").outputs["arn"],
        "triggerRoleArn": result.named("churn-trigger-role").outputs["arn"],
        "deadLetterQueueUrl": result.named("churn-trigger-delivery-dlq").outputs["url"],
    }


def test_exports_name_the_rule_arn_for_rules(
    run: Callable[..., StackRun], definition_dir: Path
) -> None:
    result = run(build(definition_dir, trigger="rule", schedule="rate(1 day)"))
    exported = result.outputs["churn"]
    assert exported["ruleArn"] == result.named("churn-trigger-rule").outputs["arn"]
    assert exported["trigger"] == "rule"
    assert "scheduleArn" not in exported


def test_longest_allowed_name_keeps_auto_named_resources_within_aws_limits(
    run: Callable[..., StackRun], definition_dir: Path
) -> None:
    # IAM roles, Scheduler schedules and EventBridge rules: 64 characters; SQS queues: 80.
    limits = {
        "aws:iam/role:Role": 64,
        "aws:scheduler/schedule:Schedule": 64,
        "aws:cloudwatch/eventRule:EventRule": 64,
        "aws:sqs/queue:Queue": 80,
    }
    name = "p" * 39
    for trigger, schedule in (("scheduler", "rate(1 day)"), ("rule", "rate(1 day)")):
        program = build(definition_dir, name, name=name, trigger=trigger, schedule=schedule)
        result = run(program)
        assert result.named(f"{name}-trigger-role"), trigger
        for resource in result.resources:
            if resource.type in limits:
                physical = resource.outputs["name"]
                assert len(physical) <= limits[resource.type], f"{resource.urn}: {physical}"


def test_trigger_is_created_after_the_pipeline_it_starts(
    run: Callable[..., StackRun], definition_dir: Path
) -> None:
    result = run(build(definition_dir))
    pipeline_urn = result.named("churn-sagemaker-pipeline").urn
    schedule = result.named("churn-trigger-schedule")
    policy = result.named("churn-trigger-policy")
    assert pipeline_urn in schedule.property_dependencies["target"], schedule.urn
    assert pipeline_urn in policy.property_dependencies["policy"], policy.urn


def test_expected_duration_is_tagged_on_the_sagemaker_pipeline_only(
    run: Callable[..., StackRun], definition_dir: Path
) -> None:
    result = run(build(definition_dir, expectedDuration="1h30m"))
    pipeline = result.named("churn-sagemaker-pipeline")
    tags = {t["key"]: t["value"] for t in pipeline.inputs["tags"]}
    assert tags["mlsched:expectedDuration"] == "90m", pipeline.urn
    for other in ("churn-trigger-role", "churn-execution-role"):
        resource = result.named(other)
        assert "mlsched:expectedDuration" not in (resource.inputs.get("tags") or {}), resource.urn


def test_no_expected_duration_means_no_tag(
    run: Callable[..., StackRun], definition_dir: Path
) -> None:
    pipeline = run(build(definition_dir)).named("churn-sagemaker-pipeline")
    assert "mlsched:expectedDuration" not in {t["key"] for t in pipeline.inputs["tags"]}
