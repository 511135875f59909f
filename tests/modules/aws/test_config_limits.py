"""`cloud: aws` entries judged the way AWS will judge them (issue 14): limits from the service
models, permissions by what they grant, Scheduler's date rules, and the stack-level keys."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from modules.config import ConfigError, ConfigIssue, load_stack, load_stack_config

REFERENCE = datetime(2026, 1, 1, tzinfo=UTC)


def entry(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "churn-training",
        "definition": "pipeline.json",
        "schedule": "cron(0 12 * * ? *)",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def load(folder: Path, *entries: dict[str, Any], **kwargs: Any):
    return load_stack_config(
        list(entries), stack="prod", base_dir=folder, reference=REFERENCE, **kwargs
    )


def issues(folder: Path, *entries: dict[str, Any], **kwargs: Any) -> dict[str, str]:
    with pytest.raises(ConfigError) as caught:
        load(folder, *entries, **kwargs)
    return {issue.key: issue.problem for issue in caught.value.issues}


def statement(**overrides: Any) -> dict[str, Any]:
    return {"actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::bucket/*"], **overrides}


# --- strings AWS would reject --------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("scheduleGroup", "team\u0663", "Scheduler CreateSchedule GroupName"),
        ("scheduleGroup", "team\n", "Scheduler CreateSchedule GroupName"),
        ("displayName", "x" * 257, "SageMaker CreatePipeline PipelineDisplayName"),
        ("description", "two\nlines", "SageMaker CreatePipeline PipelineDescription"),
        ("description", "x" * 513, "Scheduler CreateSchedule Description"),
        (
            "schedule",
            "cron(" + "0," * 130 + "0 * * ? *)",
            "Scheduler CreateSchedule ScheduleExpression",
        ),
        (
            "executionRoleArn",
            "arn:aws:iam::12345678901\u0663:role/r",
            "SageMaker CreatePipeline RoleArn",
        ),
    ],
)
def test_values_outside_the_api_models_are_refused_naming_the_field(
    definition_dir: Path, key: str, value: Any, field: str
) -> None:
    found = issues(definition_dir, entry(**{key: value}))
    assert field in found[key], found


def test_a_name_with_non_ascii_digits_is_refused(definition_dir: Path) -> None:
    found = issues(definition_dir, entry(name="churn\u0663"))
    assert "SageMaker CreatePipeline PipelineName's pattern" in found["name"]
    assert "'٣' is not allowed" in found["name"]


def test_more_than_five_alarm_actions_are_refused(definition_dir: Path) -> None:
    topics = [f"arn:aws:sns:us-east-1:123456789012:t{i}" for i in range(6)]
    found = issues(definition_dir, entry(alarmActions=topics))
    assert "CloudWatch PutMetricAlarm AlarmActions accepts at most 5" in found["alarmActions"]
    assert load(definition_dir, entry(alarmActions=topics[:5])).pipelines


@pytest.mark.parametrize(
    ("arn", "problem"),
    [
        ("arn:aws:sns:mars-1:123456789012:t", "'mars-1' is not an AWS region"),
        ("arn:aws-moon:sns:us-east-1:123456789012:t", "names partition 'aws-moon'"),
        ("arn:aws:sns:us-east-1:12345678901\u0663:t", "is not an ARN"),
        ("arn:aws:sns:us-east-1:123456789012:t\n", "is not an ARN"),
    ],
)
def test_alarm_actions_must_be_arns_in_real_partitions_and_regions(
    definition_dir: Path, arn: str, problem: str
) -> None:
    assert problem in issues(definition_dir, entry(alarmActions=[arn]))["alarmActions"]


def test_more_tags_than_any_tagged_resource_accepts_are_refused(definition_dir: Path) -> None:
    tags = {f"k{i}": "v" for i in range(50)}
    found = issues(definition_dir, entry(tags=tags))
    assert "51 tags with mlsched's own (`mlsched:pipeline`" in found["tags"]
    assert "accepts at most 50" in found["tags"]
    assert load(definition_dir, entry(tags=dict(list(tags.items())[:49]))).pipelines


@pytest.mark.parametrize("key", ["cost\tcenter", "team\n", "a" * 129])
def test_tag_keys_every_tagged_service_refuses_are_refused(definition_dir: Path, key: str) -> None:
    found = issues(definition_dir, entry(tags={key: "v"}))
    assert any(k.startswith("tags.") for k in found), found


def test_unicode_letters_in_tags_are_accepted_as_aws_does(definition_dir: Path) -> None:
    (pipeline,) = load(definition_dir, entry(tags={"Kostenstelle": "Müller"})).pipelines
    assert ("Kostenstelle", "Müller") in pipeline.tags


@pytest.mark.parametrize(
    ("uri", "problem"),
    [
        ("S3://bucket/def.json", "write the scheme in lower case"),
        ("s3://my..bucket/def.json", "two adjacent periods"),
        ("s3://10.0.0.1/def.json", "formatted as an IP address"),
    ],
)
def test_s3_definitions_follow_the_bucket_rules(
    definition_dir: Path, uri: str, problem: str
) -> None:
    assert problem in issues(definition_dir, entry(definition=uri))["definition"]


def test_an_s3_definition_is_accepted_with_a_warning_that_it_was_not_checked(
    definition_dir: Path,
) -> None:
    stack = load(definition_dir, entry(definition="s3://bucket/defs/p.json"))
    (pipeline,) = stack.pipelines
    assert pipeline.definition.checked is False
    (warning,) = stack.warnings
    assert warning.key == "definition"
    assert "lives in S3 and was not checked" in warning.problem


# --- run parameters against the API fields they land in ---------------------------------------


def test_a_run_parameter_value_is_checked_against_the_field_it_lands_in(tmp_path: Path) -> None:
    definition = {
        "Version": "2020-12-01",
        "Parameters": [{"Name": "InstanceType", "Type": "String", "DefaultValue": "ml.m5.large"}],
        "Steps": [
            {
                "Name": "Prepare",
                "Type": "Processing",
                "Arguments": {
                    "RoleArn": "${ExecutionRoleArn}",
                    "ProcessingResources": {
                        "ClusterConfig": {
                            "InstanceType": {"Get": "Parameters.InstanceType"},
                            "InstanceCount": 1,
                            "VolumeSizeInGB": 30,
                        }
                    },
                    "AppSpecification": {"ImageUri": "img"},
                },
            }
        ],
    }
    (tmp_path / "pipeline.json").write_text(json.dumps(definition))
    found = issues(tmp_path, entry(parameters={"InstanceType": "ml.m5.huge"}))
    assert "'ml.m5.huge' is not one of" in found["parameters.InstanceType"]
    assert "ProcessingResources.ClusterConfig.InstanceType" in found["parameters.InstanceType"]
    assert load(tmp_path, entry(parameters={"InstanceType": "ml.m5.2xlarge"})).pipelines


# --- permissions judged by what they grant ----------------------------------------------------


@pytest.mark.parametrize(
    ("actions", "problem"),
    [
        (["s3:**"], "grants every action of s3"),
        (["s3:*Object*", "sagemaker:*"], "grants every action of sagemaker"),
        (["iam:Pass*"], "grants iam:PassRole; grant it through `passRoles`"),
        (["iam:P?ssRole"], "grants iam:PassRole"),
        (["s3:GetObjects"], "grants no action AWS documents; did you mean 's3:GetObject'?"),
        (["s3 GetObject"], "is not an IAM action"),
    ],
)
def test_actions_are_judged_by_what_they_grant(
    definition_dir: Path, actions: list[str], problem: str
) -> None:
    found = issues(definition_dir, entry(permissions=[statement(actions=actions)]))
    assert problem in found["permissions[0].actions"], found


def test_narrow_wildcards_that_grant_known_actions_are_accepted(definition_dir: Path) -> None:
    (pipeline,) = load(
        definition_dir, entry(permissions=[statement(actions=["s3:Get*", "s3:ListBucket"])])
    ).pipelines
    assert pipeline.execution_role.statements[0].actions == ("s3:Get*", "s3:ListBucket")


@pytest.mark.parametrize(
    ("resource", "problem"),
    [
        ("*", "is not an ARN"),
        ("bucket/key", "is not an ARN"),
        ("arn:aws:s3:::bucket\u2028", "is not an ARN"),
        ("arn:aws:sagemaker:mars-1:123456789012:x", "'mars-1' is not an AWS region"),
    ],
)
def test_resources_must_be_arns(definition_dir: Path, resource: str, problem: str) -> None:
    found = issues(definition_dir, entry(permissions=[statement(resources=[resource])]))
    assert problem in found["permissions[0].resources"], found


@pytest.mark.parametrize("sid", ["Read-Data", "Lesen\u00e4", "Read\u0663", ""])
def test_sids_are_ascii_alphanumeric(definition_dir: Path, sid: str) -> None:
    found = issues(definition_dir, entry(permissions=[statement(sid=sid)]))
    assert "IAM allows ASCII letters and digits only" in found["permissions[0].sid"]


def test_duplicate_sids_are_refused_including_the_generated_ones(definition_dir: Path) -> None:
    found = issues(
        definition_dir,
        entry(permissions=[statement(sid="ReadData"), statement(sid="readdata"), statement()]),
    )
    assert "'readdata' is already used by permissions[0]" in found["permissions[1].sid"]
    found = issues(definition_dir, entry(permissions=[statement(), statement(sid="Config0")]))
    assert "'Config0' is already used by permissions[0]" in found["permissions[1].sid"]


def test_an_inline_policy_over_iams_quota_is_refused(definition_dir: Path) -> None:
    resources = [f"arn:aws:s3:::bucket/{'p' * 90}{i}" for i in range(110)]
    found = issues(definition_dir, entry(permissions=[statement(resources=resources)]))
    assert "inline policy would be up to" in found["permissions"]
    assert "IAM allows 10240 per role" in found["permissions"]
    assert "reference_iam-quotas.html" in found["permissions"]
    assert load(definition_dir, entry(permissions=[statement(resources=resources[:50])])).pipelines


# --- Scheduler dates -------------------------------------------------------------------------


def test_a_past_start_date_of_a_cron_schedule_is_not_sent(definition_dir: Path) -> None:
    stack = load(definition_dir, entry(startDate="2025-06-01T00:00:00Z"))
    (pipeline,) = stack.pipelines
    assert pipeline.start_date is None
    (warning,) = stack.warnings
    assert "2025-06-01T00:00:00Z has passed; Scheduler refuses a StartDate in the past" in (
        warning.problem
    )


def test_a_past_start_date_of_a_rate_schedule_moves_to_the_next_run_on_its_anchor(
    definition_dir: Path,
) -> None:
    stack = load(definition_dir, entry(schedule="rate(6 hours)", startDate="2025-12-30T03:00:00Z"))
    (pipeline,) = stack.pipelines
    assert pipeline.start_date == datetime(2026, 1, 1, 3, tzinfo=UTC)
    assert "sends 2026-01-01T03:00:00Z" in stack.warnings[0].problem


def test_a_future_start_date_is_sent_as_written(definition_dir: Path) -> None:
    stack = load(definition_dir, entry(startDate="2026-02-01T00:00:00Z"))
    assert stack.pipelines[0].start_date == datetime(2026, 2, 1, tzinfo=UTC)
    assert stack.warnings == ()


def test_at_with_start_and_end_dates_warns_and_sends_neither(definition_dir: Path) -> None:
    stack = load(
        definition_dir,
        entry(
            schedule="at(2026-03-01T12:00:00)",
            startDate="2026-04-01T00:00:00Z",
            endDate="2026-05-01T00:00:00Z",
        ),
    )
    (pipeline,) = stack.pipelines
    assert (pipeline.start_date, pipeline.end_date) == (None, None)
    assert {w.key for w in stack.warnings} == {"startDate", "endDate"}
    assert all("ignored by EventBridge Scheduler for one-time" in w.problem for w in stack.warnings)


def test_the_clis_text_for_an_unquoted_yaml_timestamp_is_a_date(definition_dir: Path) -> None:
    (pipeline,) = load(definition_dir, entry(endDate="2026-06-01 00:00:00 +0000 UTC")).pipelines
    assert pipeline.end_date == datetime(2026, 6, 1, tzinfo=UTC)


def test_dates_with_non_ascii_digits_are_refused(definition_dir: Path) -> None:
    found = issues(definition_dir, entry(endDate="2026-06-0\u0661T00:00:00Z"))
    assert "is not an ISO 8601 date-time" in found["endDate"]


# --- stack-level keys, as the CLI hands them over ---------------------------------------------


def stack_from(folder: Path, config: dict[str, str]):
    return load_stack(config, project="mlsched", stack="prod", base_dir=folder, reference=REFERENCE)


def test_unknown_stack_keys_get_the_closest_key(definition_dir: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        stack_from(definition_dir, {"mlsched:pipeline": "[]", "aws:region": "us-east-1"})
    (issue,) = caught.value.issues
    assert issue == ConfigIssue(
        "prod",
        None,
        "mlsched:pipeline",
        "unknown stack config key; did you mean 'mlsched:pipelines'? Known keys: "
        "mlsched:pipelines, mlsched:tags, mlsched:aws, mlsched:azure, mlsched:gcp",
    )


@pytest.mark.parametrize("config", [{}, {"mlsched:pipelines": ""}, {"mlsched:pipelines": "[]"}])
def test_missing_or_empty_pipelines_mean_none(definition_dir: Path, config: dict) -> None:
    assert stack_from(definition_dir, config).pipelines == ()


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("churn", "must be a list of pipeline entries, got the text 'churn'"),
        ('{"a": 1}', "got dict"),
    ],
)
def test_pipelines_that_are_not_a_list_are_refused(
    definition_dir: Path, value: str, problem: str
) -> None:
    with pytest.raises(ConfigError, match=problem):
        stack_from(definition_dir, {"mlsched:pipelines": value})


def test_the_stack_map_is_validated_like_the_entries(definition_dir: Path) -> None:
    config = {"mlsched:pipelines": json.dumps([entry()]), "mlsched:tags": '{"team": "ml"}'}
    (pipeline,) = stack_from(definition_dir, config).pipelines
    assert ("team", "ml") in pipeline.tags


@pytest.mark.parametrize(("region", "hint"), [("mars-1", ""), ("us-est-1", "did you mean")])
def test_a_region_that_does_not_exist_is_refused(
    definition_dir: Path, region: str, hint: str
) -> None:
    config = {"aws:region": region, "mlsched:pipelines": json.dumps([entry()])}
    with pytest.raises(ConfigError) as caught:
        stack_from(definition_dir, config)
    (issue,) = caught.value.issues
    assert issue.key == "aws:region"
    assert f"{region!r} is not an AWS region (botocore's partitions data)" in issue.problem
    assert hint in issue.problem
    config["aws:region"] = "eu-central-1"
    assert stack_from(definition_dir, config).pipelines


def test_stack_and_entry_problems_are_reported_together(definition_dir: Path) -> None:
    config = {"aws:region": "mars-1", "mlsched:pipelines": json.dumps([entry(retryAttempts=999)])}
    with pytest.raises(ConfigError) as caught:
        stack_from(definition_dir, config)
    assert {issue.key for issue in caught.value.issues} == {"aws:region", "retryAttempts"}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("executionRoleArn", "arn:aws-cn:iam::123456789012:role/run"),
        ("alarmActions", ["arn:aws-us-gov:sns:us-gov-west-1:123456789012:oncall"]),
    ],
)
def test_an_arn_in_another_partition_than_the_region_is_refused(
    definition_dir: Path, key: str, value: object
) -> None:
    config = {"aws:region": "us-east-1", "mlsched:pipelines": json.dumps([entry(**{key: value})])}
    with pytest.raises(ConfigError) as caught:
        stack_from(definition_dir, config)
    (issue,) = caught.value.issues
    assert (issue.pipeline, issue.key) == ("churn-training", key), str(issue)
    assert "but aws:region us-east-1 is in 'aws'; name the aws resource" in issue.problem
    config["aws:region"] = "cn-north-1" if key == "executionRoleArn" else "us-gov-west-1"
    assert stack_from(definition_dir, config).pipelines


def test_the_expected_duration_tag_counts_against_sagemakers_tag_limit(
    definition_dir: Path,
) -> None:
    # 49 + mlsched:pipeline fit IAM's 50; the SageMaker pipeline also gets the duration tag.
    tags = {f"k{i}": "v" for i in range(49)}
    found = issues(definition_dir, entry(tags=tags, expectedDuration="90m"))
    assert "SageMaker CreatePipeline Tags accepts at most 50" in found["tags"]


def test_the_partition_check_reads_the_pipelines_of_any_project_name(
    definition_dir: Path,
) -> None:
    from modules.aws.config import check_stack
    from modules.config import IssueContext

    arn = "arn:aws-cn:iam::123456789012:role/run"
    config = {"aws:region": "us-east-1", "ml:pipelines": json.dumps([entry(executionRoleArn=arn)])}
    ctx = IssueContext("prod", None, [])
    check_stack(config, ctx)
    assert [i.key for i in ctx.issues] == ["executionRoleArn"]
