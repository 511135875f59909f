"""Limits read from botocore's service models, matched the way AWS matches them."""

from __future__ import annotations

import pytest

from modules.aws import limits


def test_a_string_limit_names_the_api_field_it_comes_from() -> None:
    expression = limits.limit("scheduler", "CreateSchedule", "ScheduleExpression")
    assert expression.problem("rate(1 day)") is None
    problem = expression.problem("cron(" + "1," * 130 + "1 * * ? *)")
    assert problem is not None
    assert "Scheduler CreateSchedule ScheduleExpression accepts at most 256" in problem


@pytest.mark.parametrize("name", ["grp\u0663", "grp\n", "gr p", "gr\u00e9"])
def test_model_patterns_are_ascii_and_match_the_whole_value(name: str) -> None:
    group = limits.limit("scheduler", "CreateSchedule", "GroupName")
    problem = group.problem(name)
    assert problem is not None, name
    assert "Scheduler CreateSchedule GroupName's pattern" in problem
    assert group.problem("team.ml-platform_1") is None


def test_unicode_classes_in_tag_patterns_allow_letters_but_not_control_characters() -> None:
    key = limits.limit("iam", "CreateRole", "Tags[].Key")
    assert key.problem("kostenstelle-\u00fc") is None
    problem = key.problem("cost\tcenter")
    assert problem is not None
    assert "'\\t' is not allowed" in problem
    assert key.problem("") is not None, "IAM tag keys need at least one character"


def test_java_dot_does_not_match_line_terminators() -> None:
    description = limits.limit("sagemaker", "CreatePipeline", "PipelineDescription")
    assert description.problem("Daily churn retraining") is None
    assert description.problem("line\u2028break") is not None


def test_list_limits_count_entries() -> None:
    actions = limits.limit("cloudwatch", "PutMetricAlarm", "AlarmActions")
    assert actions.problem(["arn"] * 5) is None
    assert "CloudWatch PutMetricAlarm AlarmActions accepts at most 5" in (
        actions.problem(["arn"] * 6) or ""
    )


def test_integer_limits_check_range_and_type() -> None:
    retries = limits.limit("scheduler", "CreateSchedule", "Target.RetryPolicy.MaximumRetryAttempts")
    assert retries.problem(185) is None
    assert "outside 0-185" in (retries.problem(186) or "")
    assert "whole number" in (retries.problem(True) or "")


def test_strictest_passes_only_what_every_api_accepts() -> None:
    check = limits.strictest(
        [
            limits.limit("sagemaker", "CreatePipeline", "Tags"),
            limits.limit(
                "scheduler",
                "CreateSchedule",
                "Target.SageMakerPipelineParameters.PipelineParameterList",
            ),
        ]
    )
    assert check([1] * 50) is None
    assert "SageMaker CreatePipeline Tags accepts at most 50" in (check([1] * 51) or "")


@pytest.mark.parametrize(
    ("region", "partition"),
    [("us-east-1", "aws"), ("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")],
)
def test_regions_and_partitions_come_from_botocore(region: str, partition: str) -> None:
    assert limits.partition_of(region) == partition
    assert limits.region_problem(region) is None


@pytest.mark.parametrize("region", ["mars-1", "us-east-9", "US-EAST-1", "us-east-\u0661"])
def test_a_region_that_does_not_exist_is_refused(region: str) -> None:
    assert "is not an AWS region" in (limits.region_problem(region) or "")


@pytest.mark.parametrize(
    ("uri", "problem"),
    [
        ("S3://bucket/key", "lower case"),
        ("s3://my..bucket/key", "two adjacent periods"),
        ("s3://192.168.10.1/key", "IP address"),
        ("s3://My-Bucket/key", "lowercase letters"),
        ("s3://ab/key", "3-63"),
        ("s3://xn--bucket/key", "reserved prefix"),
        ("s3://bucket-s3alias/key", "reserved suffix"),
        ("s3://bucket", "names no object key"),
        ("https://bucket/key", "not an s3://bucket/key"),
    ],
)
def test_s3_locations_follow_the_bucket_naming_rules(uri: str, problem: str) -> None:
    result = limits.s3_uri_problem(uri)
    assert isinstance(result, str), uri
    assert problem in result


def test_a_good_s3_location_gives_bucket_and_key() -> None:
    assert limits.s3_uri_problem("s3://example-ml.data/defs/churn.json") == (
        "example-ml.data",
        "defs/churn.json",
    )
