"""Google Cloud schedules through the carrier registry: the schedule policies judge Vertex AI
schedules, Data Pipelines and Cloud Scheduler jobs, worst case included, and
gcp-schedule-dst-undefined advises UTC where Google leaves DST undefined."""

from __future__ import annotations

import importlib

import pytest
from pulumi_policy.proxy import UnknownValueError

from policies import gcp_schedules, schedule_registry, schedules
from policies.values import UNKNOWN as PLAIN_UNKNOWN
from tools.policy_client import UNKNOWN

VERTEX = "gcp:colab/schedule:Schedule"
PIPELINE = "gcp:dataflow/pipeline:Pipeline"
JOB = "gcp:cloudscheduler/job:Job"
CONFIG = {"referenceTime": "2026-01-01T00:00:00Z"}


def vertex(cron: str, **extra) -> dict:
    return {
        "cron": cron,
        "createPipelineJobRequest": {"pipelineJob": {"displayName": "x"}},
        **extra,
    }


def pipeline(cron: str, zone: str | None = "UTC") -> dict:
    info = {"schedule": cron} | ({"timeZone": zone} if zone is not None else {})
    return {"name": "export", "state": "STATE_ACTIVE", "scheduleInfo": info}


def job(cron: str, zone: str = "Etc/UTC", **extra) -> dict:
    return {"schedule": cron, "timeZone": zone, **extra}


def test_the_carriers_are_registered_under_pulumi_gcps_own_type_tokens() -> None:
    for token in (VERTEX, PIPELINE, JOB):
        carrier = schedule_registry.carrier_for(token)
        assert carrier is not None, token
        assert (carrier.cloud, carrier.dialect) == ("gcp", "unix-cron"), token
        _, module, class_name = token.split(":")
        sdk = importlib.import_module(f"pulumi_gcp.{module.split('/')[0]}")
        assert getattr(sdk, class_name).pulumi_type == token


def test_pulumi_gcps_own_data_pipelines_example_runs_720_times_a_day(run) -> None:
    # `* */2 * * *` is every minute of every other hour, from pulumi-gcp's Pipeline example.
    (message,) = run(schedules.FREQUENCY, PIPELINE, pipeline("* */2 * * *"), CONFIG)
    assert "(720 runs in 24 h)" in message
    assert "runs every 1 min" in message


def test_the_vertex_tz_prefix_is_the_schedules_time_zone(run) -> None:
    spec = schedule_registry.read(VERTEX, vertex("TZ=America/New_York 30 1 * * *"))
    assert spec is not None
    assert run(schedules.EXPRESSION_VALID, VERTEX, vertex("TZ=America/New_York 30 1 * * *")) == []
    (message,) = run(schedules.EXPRESSION_VALID, VERTEX, vertex("TZ=Mars/Olympus 30 1 * * *"))
    assert "Mars/Olympus" in message


def test_an_aws_cron_on_a_google_carrier_is_invalid_with_its_translation(run) -> None:
    (message,) = run(schedules.EXPRESSION_VALID, JOB, job("cron(0 12 ? * MON-FRI *)"))
    assert "in unix-cron it is '0 12 * * MON-FRI'" in message


def test_frequency_is_judged_by_the_worst_case_where_google_leaves_dst_undefined(run) -> None:
    # 01:30 in New York is repeated when clocks fall back: at worst two runs an hour apart.
    props = job("30 1 * * *", "America/New_York")
    config = {**CONFIG, "minIntervalMinutes": 120}
    (message,) = run(schedules.FREQUENCY, JOB, props, config)
    assert "runs every 60 min" in message
    assert "at worst, where the provider leaves daylight-saving changes undefined" in message


def test_a_schedule_in_a_dst_transition_is_advised_to_run_in_utc(run) -> None:
    (message,) = run(
        gcp_schedules.DST_UNDEFINED, JOB, job("30 1 * * *", "America/New_York"), CONFIG
    )
    assert "Run it in UTC" in message
    assert "At worst: runs 60 min apart, 2 in 24 hours; nominally: runs 23 h apart" in message


@pytest.mark.parametrize(
    ("type_", "props"),
    [
        (JOB, job("30 4 * * *", "Europe/Berlin")),
        (JOB, job("30 2 * * *", "UTC")),
        (PIPELINE, pipeline("0 3 * * *")),
        (VERTEX, vertex("TZ=Europe/Berlin 30 4 * * *")),
    ],
)
def test_schedules_clear_of_transitions_get_no_dst_advice(run, type_, props) -> None:
    assert run(gcp_schedules.DST_UNDEFINED, type_, props, CONFIG) == []


def test_the_dst_advice_is_only_for_google_carriers(run) -> None:
    aws = {
        "scheduleExpression": "cron(30 1 * * ? *)",
        "scheduleExpressionTimezone": "America/New_York",
    }
    assert run(gcp_schedules.DST_UNDEFINED, "aws:scheduler/schedule:Schedule", aws, CONFIG) == []


def test_an_unknown_cron_is_reported_as_unknown(run) -> None:
    with pytest.raises(UnknownValueError):
        run(gcp_schedules.DST_UNDEFINED, VERTEX, vertex(UNKNOWN), CONFIG)


def test_a_bad_reference_time_is_one_clear_diagnostic(run) -> None:
    (message,) = run(
        gcp_schedules.DST_UNDEFINED, JOB, job("0 6 * * *"), {"referenceTime": "yesterday"}
    )
    assert "referenceTime 'yesterday'" in message


@pytest.mark.parametrize(
    ("type_", "props", "enabled"),
    [
        (VERTEX, vertex("0 6 * * *", desiredState="PAUSED"), False),
        (VERTEX, vertex("0 6 * * *", desiredState="ACTIVE"), True),
        (PIPELINE, pipeline("0 6 * * *") | {"state": "STATE_PAUSED"}, False),
        (JOB, job("0 6 * * *", paused=True), False),
        (JOB, job("0 6 * * *", paused=PLAIN_UNKNOWN), PLAIN_UNKNOWN),
    ],
)
def test_the_enabled_state_is_read_from_each_carrier(type_, props, enabled) -> None:
    spec = schedule_registry.read(type_, props)
    assert spec is not None
    assert spec.enabled == enabled


def test_targets_name_what_runs_and_as_whom() -> None:
    props = job(
        "0 6 * * *",
        httpTarget={
            "uri": "https://x.googleapis.com/v1/y",
            "oauthToken": {"serviceAccountEmail": "a@b"},
        },
    )
    (target,) = schedule_registry.read(JOB, props).targets
    assert (target.ref, target.role_arn) == ("https://x.googleapis.com/v1/y", "a@b")
    (vt,) = schedule_registry.read(VERTEX, vertex("0 6 * * *")).targets
    assert vt.ref == "x"
    (pt,) = schedule_registry.read(PIPELINE, pipeline("0 6 * * *")).targets
    assert pt.ref == "export"
