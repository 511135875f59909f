"""Timing policies: overlap with the expected duration, start collisions, one pipeline's schedules
together; unit cases through pulumi-policy's args, and the shipped stack over the protocol."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from pulumi_policy.proxy import UnknownValueError

from policies import timing
from tools.policy_client import UNKNOWN, PolicyClient

SCHEDULER = "aws:scheduler/schedule:Schedule"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
PIPELINE = "aws-native:sagemaker:Pipeline"
PINNED = {"referenceTime": "2026-01-01T00:00:00Z"}
REPO = Path(__file__).resolve().parents[2]


def arn(name: str, account: str = "123456789012") -> str:
    return f"arn:aws:sagemaker:us-east-1:{account}:pipeline/{name}"


def pipeline(stack, name: str, duration: Any = None) -> str:
    tags = [{"key": "mlsched:pipeline", "value": name}]
    if duration is not None:
        tags.append({"key": "mlsched:expectedDuration", "value": duration})
    return stack.add(PIPELINE, f"{name}-pipeline", {"pipelineName": name, "tags": tags})


def schedule(stack, name: str, expression: str, target: str | None, **extra) -> str:
    props = {
        "scheduleExpression": expression,
        "target": {"arn": extra.pop("target_arn", UNKNOWN), "roleArn": "arn:r"},
        **extra,
    }
    deps = {"target": [target]} if target else {}
    return stack.add(SCHEDULER, name, props, **deps)


def messages(found: list[tuple[str, str]]) -> list[str]:
    return [m for m, _urn in found]


# --- schedule-overlap -----------------------------------------------------------------------
def test_an_hourly_schedule_of_a_90_minute_pipeline_overlaps_and_says_what_sagemaker_does(
    stack,
) -> None:
    p = pipeline(stack, "churn", "90m")
    schedule(stack, "churn-schedule", "rate(1 hour)", p)
    ((message, urn),) = stack.run(timing.OVERLAP, PINNED)
    assert urn == "churn-schedule"
    assert "can start pipeline churn 1 h after the previous run" in message
    assert "one run takes about 90 min (tag mlsched:expectedDuration)" in message
    assert "SageMaker starts a second execution" in message
    assert "parallelism limits steps inside one execution, not executions" in message


def test_the_overlap_fix_it_proposes_passes_the_policy(stack) -> None:
    p = pipeline(stack, "churn", "90m")
    schedule(stack, "churn-schedule", "rate(1 hour)", p)
    ((message, _),) = stack.run(timing.OVERLAP, PINNED)
    match = re.search(r"\(e\.g\. (rate\([^)]*\))\)", message)
    assert match, message
    suggestion = match.group(1)
    assert suggestion == "rate(90 minutes)"
    stack.items[-1][2]["scheduleExpression"] = suggestion
    assert stack.run(timing.OVERLAP, PINNED) == []


def test_a_pipeline_shorter_than_its_interval_does_not_overlap(stack) -> None:
    schedule(stack, "s", "rate(1 hour)", pipeline(stack, "churn", "45m"))
    assert stack.run(timing.OVERLAP, PINNED) == []


def test_the_margin_from_config_is_added_to_the_duration(stack) -> None:
    schedule(stack, "s", "rate(1 hour)", pipeline(stack, "churn", "45m"))
    (found,) = stack.run(timing.OVERLAP, {**PINNED, "marginMinutes": 20})
    assert "Start it at most every 65 min (e.g. rate(65 minutes))" in found[0]


def test_a_pipeline_without_an_expected_duration_is_not_judged(stack) -> None:
    schedule(stack, "s", "rate(5 minutes)", pipeline(stack, "churn"))
    assert stack.run(timing.OVERLAP, PINNED) == []


def test_a_disabled_schedule_does_not_overlap(stack) -> None:
    schedule(stack, "s", "rate(1 hour)", pipeline(stack, "churn", "90m"), state="DISABLED")
    assert stack.run(timing.OVERLAP, PINNED) == []


def test_the_pipeline_is_found_by_the_name_in_a_known_target_arn(stack) -> None:
    pipeline(stack, "churn", "2h")
    schedule(stack, "s", "rate(1 hour)", None, target_arn=arn("churn"))
    (found,) = stack.run(timing.OVERLAP, PINNED)
    assert found[1] == "s"


def test_a_classic_rule_is_linked_through_its_event_target(stack) -> None:
    p = pipeline(stack, "churn", "2h")
    rule = stack.add(RULE, "rule", {"scheduleExpression": "rate(1 hour)", "name": "rule-1"})
    stack.add(TARGET, "target", {"rule": "rule-1", "arn": UNKNOWN}, rule=[rule], arn=[p])
    ((message, urn),) = stack.run(timing.OVERLAP, PINNED)
    assert urn == "rule"
    assert "can start pipeline churn 1 h after" in message


def test_an_expected_duration_tag_that_is_not_a_duration_is_reported_on_the_pipeline(
    stack,
) -> None:
    schedule(stack, "s", "rate(1 hour)", pipeline(stack, "churn", "ninety"))
    ((message, urn),) = stack.run(timing.OVERLAP, PINNED)
    assert urn == "churn-pipeline"
    assert "tag mlsched:expectedDuration is 'ninety', not a duration" in message


def test_an_unknown_expression_of_a_timed_pipeline_is_the_unknown_advisory(stack) -> None:
    schedule(stack, "s", UNKNOWN, pipeline(stack, "churn", "90m"))
    with pytest.raises(UnknownValueError) as e:
        stack.run(timing.OVERLAP, PINNED)
    assert "the schedule of s" in e.value.message


def test_unknown_tags_are_the_unknown_advisory(stack) -> None:
    p = stack.add(PIPELINE, "churn-pipeline", {"pipelineName": "churn", "tags": UNKNOWN})
    schedule(stack, "s", "rate(1 hour)", p)
    with pytest.raises(UnknownValueError) as e:
        stack.run(timing.OVERLAP, PINNED)
    assert "tag mlsched:expectedDuration of churn" in e.value.message


# --- schedule-collision ---------------------------------------------------------------------
def test_four_pipelines_starting_in_one_window_collide_naming_window_and_pipelines(
    stack,
) -> None:
    for name, minute in (("a", 0), ("b", 1), ("c", 3), ("d", 4)):
        schedule(stack, f"{name}-s", f"cron({minute} 6 * * ? *)", pipeline(stack, name))
    ((message, urn),) = stack.run(timing.COLLISION, PINNED)
    assert urn == ""
    assert message.startswith(
        "4 pipelines start within 5 min, 2026-01-01 06:00 UTC to 2026-01-01 06:05 UTC: a, b, c, d"
    ), message
    assert "this stack allows 3" in message


def test_pipelines_staggered_by_the_window_do_not_collide(stack) -> None:
    for name, minute in (("a", 0), ("b", 5), ("c", 10), ("d", 15)):
        schedule(stack, f"{name}-s", f"cron({minute} 6 * * ? *)", pipeline(stack, name))
    assert stack.run(timing.COLLISION, PINNED) == []


def test_one_pipeline_with_many_schedules_is_one_pipeline_in_a_window(stack) -> None:
    p = pipeline(stack, "a")
    for i in range(4):
        schedule(stack, f"s{i}", f"cron({i} 6 * * ? *)", p)
    assert stack.run(timing.COLLISION, PINNED) == []


def test_disabled_schedules_do_not_collide(stack) -> None:
    for name in "abcd":
        schedule(stack, f"{name}-s", "cron(0 6 * * ? *)", pipeline(stack, name), state="DISABLED")
    assert stack.run(timing.COLLISION, PINNED) == []


def test_pipelines_of_different_accounts_are_counted_apart(stack) -> None:
    for name, account in (("a", "111111111111"), ("b", "111111111111"), ("c", "222222222222")):
        schedule(stack, f"{name}-s", "cron(0 6 * * ? *)", None, target_arn=arn(name, account))
    assert stack.run(timing.COLLISION, {**PINNED, "maxPipelinesPerWindow": 2}) == []
    (found,) = stack.run(timing.COLLISION, {**PINNED, "maxPipelinesPerWindow": 1})
    assert "in account 111111111111" in found[0]


def test_an_unknown_schedule_is_the_advisory_after_known_collisions_are_reported(stack) -> None:
    for name in "abcd":
        schedule(stack, f"{name}-s", "cron(0 6 * * ? *)", pipeline(stack, name))
    schedule(stack, "e-s", UNKNOWN, pipeline(stack, "e"))
    found: list[str] = []
    with pytest.raises(UnknownValueError) as e:
        timing.COLLISION.validate(stack.args(PINNED), lambda m, u=None: found.append(m))
    assert len(found) == 1
    assert "the schedules of e-s" in e.value.message


# --- schedule-pipeline-frequency --------------------------------------------------------------
def test_two_hourly_schedules_half_an_hour_apart_start_the_pipeline_every_30_minutes(
    stack,
) -> None:
    p = pipeline(stack, "churn")
    schedule(stack, "on-the-hour", "cron(0 * * * ? *)", p)
    schedule(stack, "half-past", "cron(30 * * * ? *)", p)
    ((message, urn),) = stack.run(timing.PIPELINE_FREQUENCY, PINNED)
    assert urn == "churn-pipeline"
    assert "pipeline churn is started by 2 schedules (on-the-hour: cron(0 * * * ? *); " in message
    assert "together start it every 30 min (48 runs in 24 h)" in message


def test_two_schedules_at_the_same_minute_start_the_pipeline_twice(stack) -> None:
    p = pipeline(stack, "churn")
    schedule(stack, "a", "cron(0 6 * * ? *)", p)
    schedule(stack, "b", "cron(0 6 ? * MON *)", p)
    (found,) = stack.run(timing.PIPELINE_FREQUENCY, PINNED)
    assert "together start it twice at the same minute" in found[0]


def test_two_daily_schedules_of_one_pipeline_are_within_the_limits(stack) -> None:
    p = pipeline(stack, "churn")
    schedule(stack, "morning", "cron(0 6 * * ? *)", p)
    schedule(stack, "evening", "cron(0 18 * * ? *)", p)
    assert stack.run(timing.PIPELINE_FREQUENCY, PINNED) == []


def test_a_single_schedule_is_left_to_schedule_frequency(stack) -> None:
    schedule(stack, "s", "rate(5 minutes)", pipeline(stack, "churn"))
    assert stack.run(timing.PIPELINE_FREQUENCY, PINNED) == []


def test_a_bad_reference_time_is_reported_by_each_timing_policy(stack) -> None:
    schedule(stack, "s", "rate(1 hour)", pipeline(stack, "churn", "90m"))
    for policy in timing.POLICIES:
        (found,) = stack.run(policy, {"referenceTime": "soon"})
        assert f"(policy {policy.name})" in found[0]


# --- the shipped stack over the analyzer protocol ---------------------------------------------
def test_expected_duration_in_stack_config_reaches_the_overlap_policy_in_a_preview(
    pack_clients: dict[str, PolicyClient],
) -> None:
    from tests.policies.test_protocol import _preview
    from tools.mockrun import read_project_name, read_stack_config, run_stack

    stack_dir = REPO / "stacks" / "prod"
    raw = read_stack_config(stack_dir, "prod", read_project_name(stack_dir))
    pipelines = [
        {**p, "expectedDuration": "2d"} if p["name"] == "churn-training" else p
        for p in json.loads(raw["mlsched:pipelines"])
    ]
    run = run_stack(stack_dir, "prod", config={"pipelines": pipelines})
    # A first preview: ARNs unknown, so the link is the target's dependency on the pipeline.
    found = pack_clients["prod"].analyze_stack(_preview(run.resources))
    (v,) = [v for v in found if v.policy == "schedule-overlap"]
    assert v.enforcement == "mandatory", "policies/config/prod.json schedule-overlap"
    assert v.urn.endswith("::churn-training-trigger-schedule"), v.urn
    assert "one run takes about 48 h" in v.message
