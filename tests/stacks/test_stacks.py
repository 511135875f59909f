"""The dev, staging and prod stack programs with their real Pulumi.<stack>.yaml, under mocks."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from modules.config import ConfigError, load_stack_config
from modules.schedule import analyze
from modules.stackfile import plain, read_project, read_stack
from tools.mockrun import StackRun, run_stack

STACKS = ("dev", "staging", "prod")
PIPELINES = ("churn-training", "feature-refresh")
REFERENCE = datetime(2026, 1, 1, tzinfo=UTC)


def stack_config(stacks_dir: Path, stack: str):
    raw = plain(dict(read_stack(stacks_dir / stack, stack, "mlsched").config))
    return load_stack_config(
        raw["mlsched:pipelines"],
        stack=stack,
        base_dir=stacks_dir / stack,
        reference=REFERENCE,
        stack_tags=raw.get("mlsched:tags"),
    )


@pytest.mark.parametrize("stack", STACKS)
def test_stack_exports_pipeline_and_trigger_arns_for_every_pipeline(
    stack_runs: dict[str, StackRun], stack: str
) -> None:
    exported = {
        name: outputs
        for name, outputs in stack_runs[stack].outputs["pipelines"].items()
        if outputs.get("cloud", "aws") == "aws"
    }
    assert sorted(exported) == sorted(PIPELINES), stack
    for name, outputs in exported.items():
        assert outputs["pipelineArn"] == (
            f"arn:aws:sagemaker:us-east-1:123456789012:pipeline/{name}"
        ), f"{stack}/{name}"
        trigger_key = "scheduleArn" if outputs["trigger"] == "scheduler" else "ruleArn"
        assert outputs[trigger_key].startswith(
            "arn:aws:scheduler:" if trigger_key == "scheduleArn" else "arn:aws:events:"
        ), f"{stack}/{name}"


@pytest.mark.parametrize("stack", STACKS)
def test_every_trigger_role_starts_only_its_own_pipeline(
    stack_runs: dict[str, StackRun], stack: str
) -> None:
    run = stack_runs[stack]
    for name in PIPELINES:
        policy = run.named(f"{name}-trigger-policy")
        statements = json.loads(policy.inputs["policy"])["Statement"]
        starts = [s for s in statements if s["Action"] == "sagemaker:StartPipelineExecution"]
        assert [s["Resource"] for s in starts] == [run.outputs["pipelines"][name]["pipelineArn"]], (
            policy.urn
        )
        assert {s["Action"] for s in statements} <= {
            "sagemaker:StartPipelineExecution",
            "sqs:SendMessage",
        }, policy.urn


@pytest.mark.parametrize("stack", STACKS)
def test_definitions_are_real_pipelines_with_the_role_filled_in(
    stack_runs: dict[str, StackRun], stack: str
) -> None:
    run = stack_runs[stack]
    for name in PIPELINES:
        pipeline = run.named(f"{name}-sagemaker-pipeline")
        body = json.loads(pipeline.inputs["pipelineDefinition"]["pipelineDefinitionBody"])
        assert body["Version"] == "2020-12-01", pipeline.urn
        assert body["Parameters"], pipeline.urn
        assert body["Steps"], pipeline.urn
        roles = {step["Arguments"]["RoleArn"] for step in body["Steps"]}
        assert roles == {pipeline.inputs["roleArn"]}, pipeline.urn


def test_prod_runs_churn_training_daily_at_noon_utc_with_safety_net(
    stack_runs: dict[str, StackRun],
) -> None:
    run = stack_runs["prod"]
    schedule = run.named("churn-training-trigger-schedule")
    assert schedule.inputs["scheduleExpression"] == "cron(0 12 * * ? *)", schedule.urn
    assert schedule.inputs["scheduleExpressionTimezone"] == "UTC", schedule.urn
    assert schedule.inputs["state"] == "ENABLED", schedule.urn
    assert "deadLetterConfig" in schedule.inputs["target"], schedule.urn
    alarms = [
        r
        for r in run.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
        if r.name.startswith("churn-training-")
    ]
    assert sorted(a.inputs["metricName"] for a in alarms) == [
        "ApproximateNumberOfMessagesVisible",
        "InvocationDroppedCount",
    ]
    for alarm in alarms:
        assert alarm.inputs["alarmActions"] == [
            "arn:aws:sns:us-east-1:333333333333:ml-platform-oncall"
        ], alarm.urn


def test_prod_protects_the_churn_pipeline(stack_runs: dict[str, StackRun]) -> None:
    run = stack_runs["prod"]
    assert run.named("churn-training-sagemaker-pipeline").protect
    assert not run.named("churn-training-trigger-schedule").protect


def test_prod_feature_refresh_uses_the_shared_existing_role(
    stack_runs: dict[str, StackRun],
) -> None:
    run = stack_runs["prod"]
    pipeline = run.named("feature-refresh-sagemaker-pipeline")
    assert pipeline.inputs["roleArn"] == (
        "arn:aws:iam::333333333333:role/feature-store-pipeline-execution"
    ), pipeline.urn
    assert not [r.urn for r in run.resources if r.name.startswith("feature-refresh-execution-")]


def test_dev_schedules_are_disabled_small_and_without_alarms(
    stack_runs: dict[str, StackRun],
) -> None:
    run = stack_runs["dev"]
    schedule = run.named("churn-training-trigger-schedule")
    rule = run.named("feature-refresh-trigger-rule")
    assert schedule.inputs["state"] == "DISABLED", schedule.urn
    assert rule.inputs["state"] == "DISABLED", rule.urn
    assert schedule.inputs["scheduleExpression"] == "cron(0 6 ? * MON *)", schedule.urn
    parameters = {
        p["name"]: p["value"]
        for p in schedule.inputs["target"]["sagemakerPipelineParameters"]["pipelineParameters"]
    }
    assert parameters["ProcessingInstanceType"] == "ml.t3.medium", schedule.urn
    assert not run.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    assert not run.of_type("aws:sqs/queue:Queue")
    assert not [r.urn for r in run.resources if r.protect]


def test_staging_runs_daily_in_berlin_with_a_flexible_window(
    stack_runs: dict[str, StackRun],
) -> None:
    schedule = stack_runs["staging"].named("churn-training-trigger-schedule")
    assert schedule.inputs["scheduleExpression"] == "cron(0 4 * * ? *)", schedule.urn
    assert schedule.inputs["scheduleExpressionTimezone"] == "Europe/Berlin", schedule.urn
    assert schedule.inputs["flexibleTimeWindow"] == {
        "mode": "FLEXIBLE",
        "maximumWindowInMinutes": 30,
    }, schedule.urn


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_staging_and_prod_schedules_fire_at_most_hourly_and_24_times_a_day(
    stacks_dir: Path, stack: str
) -> None:
    for pipeline in stack_config(stacks_dir, stack).pipelines:
        analysis = analyze(pipeline.schedule, reference=REFERENCE, count=50)
        assert analysis.max_runs_per_day <= 24, f"{stack}/{pipeline.name}"
        assert (analysis.min_interval_minutes or 1440) >= 60, f"{stack}/{pipeline.name}"


def test_stack_programs_and_projects_are_identical_across_environments(stacks_dir: Path) -> None:
    mains = {s: (stacks_dir / s / "__main__.py").read_text() for s in STACKS}
    assert len(set(mains.values())) == 1, "environments must differ only in Pulumi.<stack>.yaml"
    for stack in STACKS:
        project = read_project(stacks_dir / stack)
        assert project.name == "mlsched", stack
        assert project.data["runtime"] == {"name": "python", "options": {"toolchain": "uv"}}, stack


def test_invalid_config_fails_before_any_resource_with_every_issue(stacks_dir: Path) -> None:
    bad = [
        {
            "name": "churn-training",
            "definition": "../../pipelines/churn-training.json",
            "schedule": "cron(0 12 * * ? *)",
            "trigger": "rule",
            "timezone": "Europe/Berlin",
        },
        {"name": "other", "definition": "missing.json", "schedule": "rate(1 day)"},
    ]
    with pytest.raises(ConfigError) as caught:
        run_stack(stacks_dir / "prod", "prod", config={"mlsched:pipelines": bad})
    assert {(i.stack, i.pipeline, i.key) for i in caught.value.issues} == {
        ("prod", "churn-training", "timezone"),
        ("prod", "other", "definition"),
    }


def test_missing_stack_config_file_is_a_config_error(stacks_dir: Path) -> None:
    with pytest.raises(ConfigError, match=r"Pulumi\.qa\.yaml does not exist"):
        run_stack(stacks_dir / "dev", "qa")


def qa_stack(stacks_dir: Path, tmp_path: Path, config: str) -> Path:
    import shutil

    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(stacks_dir / "prod" / name, tmp_path / name)
    (tmp_path / "Pulumi.qa.yaml").write_text(config)
    return tmp_path


def test_a_misspelt_stack_key_fails_with_the_closest_key_instead_of_deploying_nothing(
    stacks_dir: Path, tmp_path: Path
) -> None:
    # A typo (`pipeline:`) must not silently plan the deletion of every pipeline.
    qa = qa_stack(stacks_dir, tmp_path, "config:\n  mlsched:pipeline: []\n  mlsched:tag: {}\n")
    with pytest.raises(ConfigError) as caught:
        run_stack(qa, "qa")
    problems = {issue.key: issue.problem for issue in caught.value.issues}
    assert "did you mean 'mlsched:pipelines'?" in problems["mlsched:pipeline"]
    assert "did you mean 'mlsched:tags'?" in problems["mlsched:tag"]


@pytest.mark.parametrize("config", ["config: {}\n", "config:\n  mlsched:pipelines:\n"])
def test_a_stack_without_pipelines_deploys_none_as_documented(
    stacks_dir: Path, tmp_path: Path, config: str
) -> None:
    run = run_stack(qa_stack(stacks_dir, tmp_path, config), "qa")
    assert run.outputs == {"pipelines": {}}, "mlsched:pipelines defaults to empty"


def test_the_plan_reference_time_reaches_the_program(stacks_dir: Path, tmp_path: Path) -> None:
    config = (
        "config:\n  mlsched:pipelines:\n    - name: once\n"
        "      definition: ../../pipelines/churn-training.json\n"
        "      schedule: at(2026-03-01T12:00:00)\n"
    )
    root = tmp_path / "repo"
    (root / "stacks" / "qa").mkdir(parents=True)
    import shutil

    shutil.copytree(stacks_dir.parent / "pipelines", root / "pipelines")
    qa = qa_stack(stacks_dir, root / "stacks" / "qa", config)
    assert run_stack(qa, "qa", reference=datetime(2026, 2, 1, tzinfo=UTC)).outputs["pipelines"]
    with pytest.raises(ConfigError, match="never fires after 2026-04-01T00:00:00Z"):
        run_stack(qa, "qa", reference=datetime(2026, 4, 1, tzinfo=UTC))
