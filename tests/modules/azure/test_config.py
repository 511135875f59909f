"""modules.azure.config: `cloud: azure` entries through the config core, every bad value a clear
error naming stack, pipeline and key."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modules.azure.config import AzurePipelineConfig, FactoryConfig, PipelineParameter
from modules.config import ConfigError, ConfigIssue, load_stack_config
from tests.modules.azure.conftest import ACTION_GROUP, ENDPOINT, WORKSPACE_ID

REFERENCE = datetime(2026, 1, 1, tzinfo=UTC)
SCHEDULE = {
    "frequency": "Day",
    "interval": 1,
    "startTime": "2026-01-05T06:00:00",
    "schedule": {"hours": [6], "minutes": [0]},
}


def entry(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": "demand-forecast",
        "cloud": "azure",
        "schedule": SCHEDULE,
        "timezone": "W. Europe Standard Time",
        "workspace": WORKSPACE_ID,
        "batchEndpoint": ENDPOINT,
        "factory": {"name": "mlsched-dev-adf", "resourceGroup": "ml-dev"},
        "pipelineParameters": {"region": "eu", "horizon_days": 7},
        "parameters": {"region": "eu-west"},
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def load(*entries: dict[str, Any]) -> tuple[AzurePipelineConfig, ...]:
    stack = load_stack_config(list(entries), stack="dev", base_dir=Path("."), reference=REFERENCE)
    return stack.pipelines  # type: ignore[return-value]


def issues(*entries: dict[str, Any]) -> list[ConfigIssue]:
    with pytest.raises(ConfigError) as caught:
        load(*entries)
    return list(caught.value.issues)


def only(**overrides: Any) -> ConfigIssue:
    found = issues(entry(**overrides))
    assert len(found) == 1, [str(i) for i in found]
    issue = found[0]
    assert (issue.stack, issue.pipeline) == ("dev", "demand-forecast"), str(issue)
    return issue


# --- a valid entry ------------------------------------------------------------------------------
def test_a_valid_entry_becomes_a_frozen_azure_config() -> None:
    (config,) = load(entry())
    assert config.cloud == "azure"
    assert config.trigger == "adf"
    assert config.factory == FactoryConfig("mlsched-dev-adf", "ml-dev")
    assert config.pipeline_parameters == (
        PipelineParameter("region", "String", "eu"),
        PipelineParameter("horizon_days", "Int", 7),
    )
    assert config.parameters == (("region", "eu-west"),)
    assert (config.timeout, config.retry, config.concurrency) == ("0.02:00:00", 2, 1)


def test_the_start_is_kept_in_adf_format_and_given_to_the_provider_in_utc() -> None:
    (config,) = load(entry())
    assert config.recurrence["startTime"] == "2026-01-05T06:00:00"
    assert config.start_utc == "2026-01-05T05:00:00Z"
    assert config.provider_recurrence()["startTime"] == "2026-01-05T05:00:00Z"
    assert "timeZone" not in config.provider_recurrence()


def test_an_iana_zone_is_mapped_to_the_windows_id_adf_needs() -> None:
    (config,) = load(entry(timezone="Europe/Berlin"))
    assert config.time_zone == "W. Europe Standard Time"
    assert config.start_utc == "2026-01-05T05:00:00Z"


def test_the_zone_may_be_written_in_the_recurrence_with_adfs_own_key() -> None:
    schedule = {**SCHEDULE, "timeZone": "Pacific Standard Time"}
    (config,) = load(entry(timezone=None, schedule=schedule))
    assert config.time_zone == "Pacific Standard Time"
    assert config.start_utc == "2026-01-05T14:00:00Z"


def test_utc_schedules_need_no_pinned_hours() -> None:
    utc = {"frequency": "Day", "interval": 1, "startTime": "2026-01-05T06:00:00Z"}
    (config,) = load(entry(timezone="UTC", schedule=utc))
    assert config.start_utc == "2026-01-05T06:00:00Z"


def test_timeout_durations_become_adf_timespans() -> None:
    assert load(entry(timeout="1d12h"))[0].timeout == "1.12:00:00"
    assert load(entry(timeout="90m"))[0].timeout == "0.01:30:00"


def test_an_existing_factory_is_named_by_its_resource_id() -> None:
    factory_id = WORKSPACE_ID.replace(
        "Microsoft.MachineLearningServices/workspaces/ml-ws",
        "Microsoft.DataFactory/factories/shared",
    )
    (config,) = load(entry(factory={"id": factory_id}))
    assert config.factory == FactoryConfig("shared", "ml-rg", existing_id=factory_id)


def test_an_ml_schedule_entry_names_its_component() -> None:
    component = WORKSPACE_ID + "/components/forecast/versions/3"
    ml = entry(trigger="ml-schedule", component=component, batchEndpoint=None, factory=None)
    (config,) = load(ml)
    assert (config.trigger, config.component_id, config.factory) == ("ml-schedule", component, None)


# --- errors -------------------------------------------------------------------------------------
def test_a_wrong_windows_zone_gets_a_did_you_mean() -> None:
    issue = only(timezone="Australian Eastern Standard Time")
    assert issue.key == "timezone"
    assert "did you mean 'AUS Eastern Standard Time'?" in issue.problem


def test_a_wrong_iana_zone_gets_the_iana_did_you_mean() -> None:
    issue = only(timezone="Europe/Berln")
    assert "did you mean 'Europe/Berlin'?" in issue.problem


def test_a_utc_suffix_in_a_local_start_is_refused() -> None:
    issue = only(schedule={**SCHEDULE, "startTime": "2026-01-05T06:00:00Z"})
    assert issue.key == "schedule"
    assert "must not carry 'Z'" in issue.problem


def test_non_utc_daily_schedules_must_pin_their_hours() -> None:
    unpinned = {"frequency": "Day", "interval": 1, "startTime": "2026-01-05T06:00:00"}
    issue = only(schedule=unpinned)
    assert issue.key == "schedule.schedule"
    assert "pulumi-azure sends startTime to Data Factory as a UTC instant" in issue.problem


def test_workspace_is_required_and_must_be_a_workspace_id() -> None:
    assert only(workspace=None).key == "workspace"
    issue = only(workspace=ENDPOINT)
    assert (issue.key, "is not an Azure resource ID" in issue.problem) == ("workspace", True)


def test_a_batch_endpoint_uri_is_required_and_checked() -> None:
    assert "is required" in only(batchEndpoint=None).problem
    assert "not a batch endpoint invocation URI" in only(batchEndpoint="http://x/jobs").problem


def test_values_must_name_declared_parameters_with_a_did_you_mean() -> None:
    issue = only(parameters={"regoin": "x", "region": "eu"})
    assert issue.key == "parameters.regoin"
    assert "did you mean 'region'?" in issue.problem


def test_values_must_fit_the_declared_type() -> None:
    issue = only(parameters={"region": "eu", "horizon_days": "soon"})
    assert (issue.key, "is not an Int" in issue.problem) == ("parameters.horizon_days", True)


def test_a_parameter_without_default_or_value_would_fail_every_run() -> None:
    issue = only(pipelineParameters={"region": {"type": "String"}}, parameters={})
    assert issue.key == "parameters.region"
    assert "every scheduled run would fail" in issue.problem


@pytest.mark.parametrize(
    ("spec", "key"),
    [
        ({"type": "Integer"}, "pipelineParameters.region.type"),
        ({"type": "Int", "default": "x"}, "pipelineParameters.region.default"),
    ],
)
def test_declared_parameter_types_and_defaults_are_checked(spec, key) -> None:
    issue = only(pipelineParameters={"region": spec}, parameters={})
    assert issue.key == key


def test_adf_only_keys_are_refused_on_ml_schedules_and_the_reverse() -> None:
    found = issues(
        entry(trigger="ml-schedule", component=WORKSPACE_ID + "/components/c/versions/1")
    )
    assert {i.key for i in found} == {"batchEndpoint", "factory"}
    assert only(component=WORKSPACE_ID + "/components/c/versions/1").key == "component"


def test_ml_schedules_have_no_monthly_occurrences() -> None:
    monthly = {
        "frequency": "Month",
        "interval": 1,
        "startTime": "2026-01-05T06:00:00",
        "schedule": {
            "hours": [6],
            "minutes": [0],
            "monthlyOccurrences": [{"day": "Monday", "occurrence": 1}],
        },
    }
    ml = entry(
        trigger="ml-schedule",
        component=WORKSPACE_ID + "/components/c/versions/1",
        batchEndpoint=None,
        factory=None,
        schedule=monthly,
    )
    (issue,) = issues(ml)
    assert issue.key == "schedule.schedule.monthlyOccurrences"


@pytest.mark.parametrize(
    ("factory", "key"),
    [
        (None, "factory"),
        ({"name": "a_b", "resourceGroup": "rg"}, "factory.name"),
        ({"name": "mlsched-dev-adf", "resourceGroup": "bad/rg"}, "factory.resourceGroup"),
        ({"name": "mlsched-dev-adf", "resourceGroup": "rg", "region": "x"}, "factory.region"),
    ],
)
def test_factory_blocks_are_checked(factory, key) -> None:
    assert only(factory=factory).key == key


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("retry", 11),
        ("retryIntervalSeconds", 5),
        ("concurrency", 0),
        ("alertSeverity", 5),
        ("timeout", "8d"),
        ("timeout", "soon"),
        ("trigger", "cron"),
        ("activity", "v1"),
        ("deployment", "x"),
        ("alertActions", ["not-an-id"]),
        ("scheduledTimeInput", "as of"),
    ],
)
def test_out_of_range_and_malformed_values_name_their_key(key, value) -> None:
    assert only(**{key: value}).key == key


def test_action_groups_are_accepted_by_resource_id() -> None:
    (config,) = load(entry(alertActions=[ACTION_GROUP]))
    assert config.alert_actions == (ACTION_GROUP,)


def test_names_and_tags_follow_azure_rules() -> None:
    (issue,) = issues(entry(name="demand.forecast"))
    assert issue.key == "name"
    (issue,) = issues(entry(tags={"a/b": "x"}))
    assert issue.key == "tags.a/b"


def test_the_legacy_v1_activity_needs_its_pipeline_id() -> None:
    assert only(activity="ml-pipeline-v1", batchEndpoint=None).key == "mlPipelineId"
    (config,) = load(entry(activity="ml-pipeline-v1", batchEndpoint=None, mlPipelineId="abc"))
    assert config.ml_pipeline_id == "abc"


values = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=20)
    | st.lists(st.text(max_size=5), max_size=3)
)


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "workspace",
                "batchEndpoint",
                "factory",
                "trigger",
                "timeout",
                "retry",
                "timezone",
                "pipelineParameters",
                "parameters",
                "alertActions",
                "component",
                "deployment",
            ]
        ),
        values,
        max_size=4,
    )
)
def test_any_shape_of_azure_keys_is_a_config_or_a_config_error(overrides) -> None:
    try:
        pipelines = load(entry(**overrides))
    except ConfigError as error:
        problems = error.issues
    else:
        problems = ()
        assert pipelines[0].cloud == "azure"
    assert all(issue.key and issue.problem for issue in problems)


# Python's `$` also matches before a final newline and `\d` takes any Unicode digit.
@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("deployment", "blue\n", "deployment"),
        ("scheduledTimeInput", "as_of\n", "scheduledTimeInput"),
        ("timeout", "3h\n", "timeout"),
        ("timeout", "\uff13h", "timeout"),
        ("factory", {"name": "mlsched-dev-adf\n", "resourceGroup": "ml-dev"}, "factory.name"),
    ],
)
def test_a_trailing_newline_or_a_non_ascii_digit_is_refused(key, value, expected) -> None:
    assert only(**{key: value}).key == expected


def test_a_pipeline_name_with_a_trailing_newline_is_refused() -> None:
    (issue,) = issues(entry(name="demand-forecast\n"))
    assert issue.key == "name"
    assert "is not a valid Azure pipeline name" in issue.problem


def test_the_same_values_without_the_newline_are_accepted() -> None:
    (config,) = load(entry(deployment="blue", scheduledTimeInput="as_of", timeout="3h"))
    assert config.timeout == "0.03:00:00"


def _load_stack(extra: dict[str, str]):
    from modules.config import load_stack

    config = {"mlsched:pipelines": json.dumps([entry()]), **extra}
    return load_stack(
        config, project="mlsched", stack="dev", base_dir=Path("."), reference=REFERENCE
    )


@pytest.mark.parametrize("key", ["azure-native:subscriptionId", "azure:subscriptionId"])
@pytest.mark.parametrize(
    "value", ["not-a-guid", "-" * 36, "7f3b4e5c-8d90-41a2-9c3d-4e5f60718293\n"]
)
def test_a_provider_subscription_that_is_not_a_guid_is_refused(key: str, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _load_stack({key: value})
    (issue,) = caught.value.issues
    assert issue.key == key, str(issue)
    assert "is not a subscription ID; give the subscription's GUID" in issue.problem


def test_a_provider_subscription_guid_is_accepted() -> None:
    stack = _load_stack({"azure-native:subscriptionId": "7f3b4e5c-8d90-41a2-9c3d-4e5f60718293"})
    assert [p.name for p in stack.pipelines] == ["demand-forecast"]


def test_a_v1_pipeline_id_without_the_v1_activity_is_refused_not_ignored() -> None:
    issue = only(mlPipelineId="abc")
    assert issue.key == "mlPipelineId"
    assert "applies only to `activity: ml-pipeline-v1`" in issue.problem


@pytest.mark.parametrize("value", ["", " ", "a\nb", 3])
def test_a_v1_pipeline_id_must_be_one_printable_line(value: object) -> None:
    issue = only(activity="ml-pipeline-v1", batchEndpoint=None, mlPipelineId=value)
    assert issue.key == "mlPipelineId"


@pytest.mark.parametrize(
    ("switch", "setting", "value"),
    [
        ("alert", "alertSeverity", 0),
        ("alert", "alertActions", []),
        ("waitForCompletion", "pollIntervalSeconds", 30),
    ],
)
def test_a_setting_of_a_switched_off_feature_is_refused_not_ignored(
    switch: str, setting: str, value: object
) -> None:
    issue = only(**{switch: False, setting: value})
    assert issue.key == setting
    assert f"has no effect with {switch}: false" in issue.problem


def test_two_tags_that_differ_only_in_case_are_one_azure_tag_and_refused() -> None:
    issue = only(tags={"Team": "a", "team": "b"})
    assert issue.key == "tags.team"
    assert "tag names ignore case" in issue.problem


def test_an_entry_tag_replaces_the_stack_tag_of_another_case() -> None:
    stack = load_stack_config(
        [entry(tags={"Team": "forecast"})],
        stack="dev",
        base_dir=Path("."),
        reference=REFERENCE,
        stack_tags={"team": "ml-platform", "env": "dev"},
    )
    tags = dict(stack.pipelines[0].tags)
    assert tags["Team"] == "forecast"
    assert "team" not in tags


def test_stack_tags_that_differ_only_in_case_are_refused_for_azure() -> None:
    with pytest.raises(ConfigError) as caught:
        load_stack_config(
            [entry()],
            stack="dev",
            base_dir=Path("."),
            reference=REFERENCE,
            stack_tags={"team": "a", "TEAM": "b"},
        )
    assert [i.key for i in caught.value.issues] == ["mlsched:tags.TEAM"]
