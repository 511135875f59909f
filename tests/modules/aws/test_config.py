"""modules.aws.config through modules.config: `cloud: aws` entries and every error they report."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from modules.aws.config import ExecutionRoleConfig, PermissionStatement, S3Location
from modules.config import ConfigError, ConfigIssue, load_stack_config

REFERENCE = datetime(2026, 1, 1, tzinfo=UTC)


def entry(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "churn-training",
        "definition": "pipeline.json",
        "schedule": "cron(0 12 * * ? *)",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def load(definition_dir: Path, *entries: dict[str, Any], **kwargs: Any):
    return load_stack_config(
        list(entries), stack="prod", base_dir=definition_dir, reference=REFERENCE, **kwargs
    )


def problems(definition_dir: Path, *entries: dict[str, Any]) -> list[ConfigIssue]:
    with pytest.raises(ConfigError) as caught:
        load(definition_dir, *entries)
    return list(caught.value.issues)


def only(definition_dir: Path, *entries: dict[str, Any]) -> ConfigIssue:
    found = problems(definition_dir, *entries)
    assert len(found) == 1, [str(i) for i in found]
    return found[0]


# --- the happy path and defaults ---------------------------------------------------------------


def test_minimal_entry_gets_the_documented_safe_defaults(definition_dir: Path) -> None:
    (pipeline,) = load(definition_dir, entry()).pipelines
    assert pipeline.name == "churn-training"
    assert pipeline.trigger == "scheduler"
    assert pipeline.schedule.timezone == "UTC"
    assert pipeline.enabled is True
    assert (pipeline.retry_attempts, pipeline.max_event_age_seconds) == (3, 3600)
    assert pipeline.dead_letter_queue is True
    assert pipeline.alarm is True
    assert pipeline.protect is False
    assert pipeline.flexible_window_minutes is None
    assert pipeline.schedule_group == "default"
    assert pipeline.execution_role == ExecutionRoleConfig()


def test_definition_file_is_read_with_its_parameters_and_placeholders(
    definition_dir: Path,
) -> None:
    (pipeline,) = load(definition_dir, entry()).pipelines
    definition = pipeline.definition
    assert json.loads(definition.body or "")["Version"] == "2020-12-01"
    assert ("Epochs", "Integer") in (definition.declared_parameters or ())
    assert definition.placeholders == frozenset({"ExecutionRoleArn"})
    assert definition.s3 is None


def test_parameters_of_any_scalar_type_become_strings(definition_dir: Path) -> None:
    params = {"InputPath": "s3://b/k", "Epochs": 3, "Rate": 0.5, "Debug": True}
    (pipeline,) = load(definition_dir, entry(parameters=params)).pipelines
    assert pipeline.parameters == (
        ("InputPath", "s3://b/k"),
        ("Epochs", "3"),
        ("Rate", "0.5"),
        ("Debug", "true"),
    )


def test_s3_definition_is_accepted_without_reading_it(definition_dir: Path) -> None:
    raw = entry(definition="s3://my-bucket/pipelines/churn.json", parameters={"Anything": "x"})
    (pipeline,) = load(definition_dir, raw).pipelines
    assert pipeline.definition.s3 == S3Location("my-bucket", "pipelines/churn.json")
    assert pipeline.definition.declared_parameters is None


def test_stack_tags_merge_under_pipeline_tags(definition_dir: Path) -> None:
    raw = entry(tags={"team": "risk", "cost-center": 42})
    (pipeline,) = load(definition_dir, raw, stack_tags={"team": "ml", "env": "prod"}).pipelines
    assert dict(pipeline.tags) == {"team": "risk", "env": "prod", "cost-center": "42"}


def test_permissions_and_pass_roles_are_parsed(definition_dir: Path) -> None:
    raw = entry(
        permissions=[
            {
                "sid": "Data",
                "actions": ["s3:GetObject"],
                "resources": ["arn:${Partition}:s3:::bucket/*"],
            }
        ],
        passRoles=["arn:aws:iam::${AccountId}:role/step-role"],
    )
    (pipeline,) = load(definition_dir, raw).pipelines
    assert pipeline.execution_role == ExecutionRoleConfig(
        statements=(
            PermissionStatement(("s3:GetObject",), ("arn:${Partition}:s3:::bucket/*",), "Data"),
        ),
        pass_roles=("arn:aws:iam::${AccountId}:role/step-role",),
    )


def test_scheduler_options_are_parsed(definition_dir: Path) -> None:
    raw = entry(
        timezone="Europe/Berlin",
        flexibleWindowMinutes=15,
        startDate="2026-02-01T00:00:00Z",
        endDate="2026-12-31T00:00:00+01:00",
        scheduleGroup="ml-pipelines",
    )
    (pipeline,) = load(definition_dir, raw).pipelines
    assert pipeline.schedule.timezone == "Europe/Berlin"
    assert pipeline.flexible_window_minutes == 15
    assert pipeline.start_date == datetime(2026, 2, 1, tzinfo=UTC)
    assert pipeline.end_date == datetime(2026, 12, 30, 23, tzinfo=UTC)
    assert pipeline.schedule_group == "ml-pipelines"


def test_no_pipelines_is_an_empty_stack(definition_dir: Path) -> None:
    config = load_stack_config(None, stack="dev", base_dir=definition_dir, reference=REFERENCE)
    assert config.pipelines == ()


# --- every message names stack, pipeline and key ----------------------------------------------


def test_message_names_stack_pipeline_and_key_and_counts_errors(definition_dir: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load(definition_dir, entry(schedule="cron(0 25 * * ? *)"))
    message = str(caught.value)
    assert message.startswith("1 configuration error:\n")
    assert "stack 'prod', pipeline 'churn-training', key 'schedule':" in message


def test_all_errors_of_all_pipelines_are_collected(definition_dir: Path) -> None:
    found = problems(
        definition_dir,
        entry(schedule="cron(bad)"),
        entry(name="other", definition="missing.json", enabled="yes"),
    )
    assert {(i.pipeline, i.key) for i in found} == {
        ("churn-training", "schedule"),
        ("other", "definition"),
        ("other", "enabled"),
    }


def test_pipelines_must_be_a_list(definition_dir: Path) -> None:
    with pytest.raises(ConfigError, match="key 'mlsched:pipelines': expected a list"):
        load_stack_config({"name": "x"}, stack="prod", base_dir=definition_dir, reference=REFERENCE)


def test_entry_that_is_not_an_object_is_reported_by_position(definition_dir: Path) -> None:
    issue = only(definition_dir, "churn-training")  # type: ignore[arg-type]
    assert (issue.pipeline, issue.key) == ("#1", "mlsched:pipelines")


# --- schedule ---------------------------------------------------------------------------------


def test_invalid_schedule_reports_the_engine_message(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(schedule="cron(0 12 * * *)"))
    assert issue.key == "schedule"
    assert "cron" in issue.problem


def test_missing_schedule_is_required(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(schedule=None))
    assert issue.key == "schedule"
    assert "is required" in issue.problem


def test_one_time_schedule_in_the_past_never_fires(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(schedule="at(2025-06-01T12:00:00)"))
    assert issue.key == "schedule"
    assert "never fires after 2026-01-01T00:00:00Z" in issue.problem


def test_schedule_whose_end_date_has_passed_never_fires(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(endDate="2025-12-01T00:00:00Z"))
    assert issue.key == "schedule"
    assert "never fires" in issue.problem
    assert "startDate/endDate" in issue.problem


def test_invalid_time_zone_is_reported_on_the_timezone_key(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(timezone="Mars/Olympus"))
    assert issue.key == "timezone"


def test_time_zone_must_be_a_string(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(timezone=1))
    assert issue.key == "timezone"
    assert "IANA" in issue.problem


def test_time_zone_with_a_rule_trigger_is_rejected(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(trigger="rule", timezone="Europe/Berlin"))
    assert issue.key == "timezone"
    assert "only supported by EventBridge Scheduler" in issue.problem
    assert "drop `trigger: rule`" in issue.problem


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("flexibleWindowMinutes", 10),
        ("startDate", "2026-02-01T00:00:00Z"),
        ("endDate", "2027-01-01T00:00:00Z"),
        ("scheduleGroup", "ml"),
    ],
)
def test_scheduler_only_settings_with_a_rule_trigger_are_rejected(
    definition_dir: Path, key: str, value: Any
) -> None:
    issue = only(definition_dir, entry(trigger="rule", **{key: value}))
    assert issue.key == key
    assert "only supported by EventBridge Scheduler" in issue.problem


def test_one_time_schedule_with_a_rule_trigger_is_rejected(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(trigger="rule", schedule="at(2026-06-01T12:00:00)"))
    assert issue.key == "schedule"
    assert "at() schedules need EventBridge Scheduler" in issue.problem


def test_unknown_trigger_is_rejected(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(trigger="cron"))
    assert issue.key == "trigger"
    assert "use `scheduler` (default) or `rule`" in issue.problem


def test_end_date_before_start_date_is_rejected(definition_dir: Path) -> None:
    issue = only(
        definition_dir, entry(startDate="2026-03-01T00:00:00Z", endDate="2026-02-01T00:00:00Z")
    )
    assert issue.key == "endDate"
    assert "is not after startDate" in issue.problem


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("2026-02-01T00:00:00", "no UTC offset"),
        ("next tuesday", "not an ISO 8601"),
        (20260201, "must be an ISO 8601"),
    ],
)
def test_bad_start_dates_are_rejected(definition_dir: Path, value: Any, fragment: str) -> None:
    issue = only(definition_dir, entry(startDate=value))
    assert issue.key == "startDate"
    assert fragment in issue.problem


def test_flexible_window_outside_aws_range_is_rejected(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(flexibleWindowMinutes=1441))
    assert issue.key == "flexibleWindowMinutes"
    assert "1-1440" in issue.problem


def test_invalid_schedule_group_is_rejected(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(scheduleGroup="my group"))
    assert issue.key == "scheduleGroup"


# --- unknown keys -----------------------------------------------------------------------------


def test_misspelled_key_suggests_the_closest_known_key(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(paramters={"InputPath": "s3://b/k"}))
    assert issue.key == "paramters"
    assert "did you mean 'parameters'?" in issue.problem


def test_unrelated_unknown_key_is_told_to_be_removed(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(xyzzy=1))
    assert issue.key == "xyzzy"
    assert "unknown key; remove it" in issue.problem


# --- definition -------------------------------------------------------------------------------


def test_missing_definition_key_is_required(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(definition=None))
    assert issue.key == "definition"
    assert "is required" in issue.problem


def test_missing_definition_file_names_the_resolved_path(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(definition="nope.json"))
    assert issue.key == "definition"
    assert "file nope.json not found" in issue.problem
    assert str(definition_dir / "nope.json") in issue.problem


def test_malformed_definition_json_reports_line_and_column(definition_dir: Path) -> None:
    (definition_dir / "broken.json").write_text('{\n  "Version": "2020-12-01",\n}')
    issue = only(definition_dir, entry(definition="broken.json"))
    assert issue.key == "definition"
    assert "broken.json is not valid JSON (line 3, column 1" in issue.problem


def write(definition_dir: Path, document: Any) -> str:
    (definition_dir / "custom.json").write_text(json.dumps(document))
    return "custom.json"


def test_definition_with_wrong_version_is_rejected(definition_dir: Path) -> None:
    doc = {
        "Version": "2012-10-17",
        "Parameters": [],
        "Steps": [{"Name": "A", "Type": "Fail", "Arguments": {}}],
    }
    issue = only(definition_dir, entry(definition=write(definition_dir, doc)))
    assert "Version: is '2012-10-17'" in issue.problem
    assert '"Version": "2020-12-01"' in issue.problem


def test_empty_object_definition_lists_every_missing_part(definition_dir: Path) -> None:
    found = problems(definition_dir, entry(definition=write(definition_dir, {})))
    text = " | ".join(i.problem for i in found)
    assert "Version: is None" in text
    assert 'Parameters: is missing; add "Parameters": []' in text
    assert "Steps: is missing or empty" in text


def test_definition_that_is_not_an_object_is_rejected(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(definition=write(definition_dir, [1, 2])))
    assert "must hold a JSON object" in issue.problem


def test_parameter_entries_need_a_name_and_a_known_type(definition_dir: Path) -> None:
    doc = {
        "Version": "2020-12-01",
        "Parameters": [{"Type": "String"}, {"Name": "X", "Type": "Date"}],
        "Steps": [{"Name": "A", "Type": "Fail", "Arguments": {}}],
    }
    found = problems(definition_dir, entry(definition=write(definition_dir, doc)))
    text = " | ".join(i.problem for i in found)
    assert "Parameters[0]: needs a string Name" in text
    assert "Parameters[1].Type: 'Date' is not a parameter type" in text


def test_unknown_placeholder_in_definition_is_rejected(definition_dir: Path) -> None:
    doc = {
        "Version": "2020-12-01",
        "Parameters": [],
        "Steps": [{"Name": "A", "Type": "Fail", "Arguments": {"ErrorMessage": "${RoleArn}"}}],
    }
    issue = only(definition_dir, entry(definition=write(definition_dir, doc)))
    assert "unknown placeholder(s) ${RoleArn}" in issue.problem
    assert "${ExecutionRoleArn}" in issue.problem


def test_definition_over_the_inline_limit_must_move_to_s3(definition_dir: Path) -> None:
    doc = {
        "Version": "2020-12-01",
        "Parameters": [],
        "Steps": [{"Name": "x" * 1_048_576, "Type": "Fail", "Arguments": {}}],
    }
    issue = only(definition_dir, entry(definition=write(definition_dir, doc)))
    assert "Upload it to S3" in issue.problem


def test_malformed_s3_location_is_rejected(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(definition="s3://Bad_Bucket"))
    assert issue.key == "definition"
    assert "names no object key; use s3://bucket/key" in issue.problem


# --- run parameters ---------------------------------------------------------------------------


def test_run_parameter_not_declared_in_the_definition_is_rejected(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(parameters={"InputPth": "s3://b/k"}))
    assert issue.key == "parameters.InputPth"
    assert "not declared in the definition's Parameters" in issue.problem
    assert "Did you mean 'InputPath'?" in issue.problem


@pytest.mark.parametrize(
    ("name", "value", "kind"),
    [("Epochs", "three", "Integer"), ("Rate", "fast", "Float"), ("Debug", "yes", "Boolean")],
)
def test_run_parameter_value_must_match_the_declared_type(
    definition_dir: Path, name: str, value: str, kind: str
) -> None:
    issue = only(definition_dir, entry(parameters={name: value}))
    assert issue.key == f"parameters.{name}"
    assert f"is not a{'n' if kind == 'Integer' else ''} {kind}" in issue.problem
    assert "the type the definition declares" in issue.problem


def test_underscore_parameter_names_are_fine_for_scheduler_but_not_rules(
    definition_dir: Path,
) -> None:
    load(definition_dir, entry(parameters={"input_prefix": "x"}))
    issue = only(
        definition_dir,
        entry(trigger="rule", schedule="rate(1 day)", parameters={"input_prefix": "x"}),
    )
    assert issue.key == "parameters.input_prefix"
    assert (
        "EventBridge PutTargets Targets[].SageMakerPipelineParameters"
        ".PipelineParameterList[].Name's pattern" in issue.problem
    )


def test_parameter_value_longer_than_1024_characters_is_rejected(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(parameters={"InputPath": "s" * 1025}))
    assert (
        "is 1025 characters; Scheduler CreateSchedule Target.SageMakerPipelineParameters"
        ".PipelineParameterList[].Value accepts at most 1024"
    ) in issue.problem


def test_empty_parameter_value_is_rejected_by_scheduler(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(parameters={"InputPath": ""}))
    assert "PipelineParameterList[].Value needs at least 1" in issue.problem


def test_more_than_200_parameters_are_rejected(definition_dir: Path) -> None:
    raw = entry(definition="s3://bucket/key.json", parameters={f"P{i}": "v" for i in range(201)})
    issue = only(definition_dir, raw)
    assert issue.key == "parameters"
    assert "at most 200" in issue.problem


def test_structured_parameter_values_are_rejected(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(parameters={"InputPath": ["a"]}))
    assert "must be a string, number or boolean" in issue.problem


def test_parameters_must_be_a_map(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(parameters=["InputPath"]))
    assert issue.key == "parameters"


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["churn_training", "-churn", "churn-", "churn training"])
def test_names_sagemaker_rejects_are_rejected(definition_dir: Path, name: Any) -> None:
    issue = only(definition_dir, entry(name=name))
    assert issue.key == "name"
    assert "does not match SageMaker CreatePipeline PipelineName's pattern" in issue.problem


def test_name_longer_than_derived_resource_names_allow_is_rejected(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(name="a" * 40))
    assert "is 40 characters; mlsched allows 39" in issue.problem


def test_missing_name_is_required(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(name=None))
    assert (issue.pipeline, issue.key) == ("#1", "name")


def test_duplicate_names_are_rejected_case_insensitively(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(), entry(name="Churn-Training"))
    assert (issue.pipeline, issue.key) == ("Churn-Training", "name")
    assert "duplicates pipeline 'churn-training'" in issue.problem


# --- types and ranges -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("enabled", "yes", "must be true or false"),
        (
            "retryAttempts",
            186,
            "186 is outside 0-185, the range of Scheduler CreateSchedule "
            "Target.RetryPolicy.MaximumRetryAttempts",
        ),
        ("retryAttempts", True, "must be a whole number"),
        ("maxEventAgeSeconds", 59, "60-86400"),
        ("parallelism", 0, "0 is outside 1-inf, the range of SageMaker CreatePipeline"),
        ("description", 5, "must be a string"),
        (
            "description",
            "x" * 3073,
            "is 3073 characters; SageMaker CreatePipeline PipelineDescription accepts at most 3072",
        ),
        ("alarmActions", "arn:aws:sns:us-east-1:123456789012:t", "must be a list of strings"),
        ("alarmActions", ["oncall"], "is not an ARN"),
        ("tags", ["a"], "must be a map"),
    ],
)
def test_wrong_types_and_out_of_range_values_are_rejected(
    definition_dir: Path, key: str, value: Any, fragment: str
) -> None:
    issue = only(definition_dir, entry(**{key: value}))
    assert issue.key == key
    assert fragment in issue.problem


@pytest.mark.parametrize(
    ("tags", "fragment"),
    [
        ({"aws:owner": "x"}, "may not start with aws:"),
        ({"owner": ["x"]}, "tag values must be strings"),
        ({"owner": "x" * 257}, "at most 256"),
    ],
)
def test_invalid_tags_are_rejected(definition_dir: Path, tags: dict, fragment: str) -> None:
    issue = only(definition_dir, entry(tags=tags))
    assert issue.key.startswith("tags.")
    assert fragment in issue.problem


# --- execution role ---------------------------------------------------------------------------


def test_existing_role_arn_is_used_as_is(definition_dir: Path) -> None:
    arn = "arn:aws:iam::123456789012:role/existing"
    (pipeline,) = load(definition_dir, entry(executionRoleArn=arn)).pipelines
    assert pipeline.execution_role == ExecutionRoleConfig(arn=arn)


def test_existing_role_arn_must_be_a_role_arn(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(executionRoleArn="arn:aws:iam::123:user/me"))
    assert issue.key == "executionRoleArn"
    assert "does not match SageMaker CreatePipeline RoleArn's pattern" in issue.problem


def test_existing_role_cannot_be_combined_with_permissions(definition_dir: Path) -> None:
    raw = entry(
        executionRoleArn="arn:aws:iam::123456789012:role/existing",
        permissions=[{"actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::b/*"]}],
    )
    issue = only(definition_dir, raw)
    assert "cannot be combined with `permissions` or `passRoles`" in issue.problem


@pytest.mark.parametrize(
    ("statement", "key", "fragment"),
    [
        ({"actions": ["s3:*"], "resources": ["arn:aws:s3:::b"]}, "actions", "name the actions"),
        ({"actions": ["*"], "resources": ["arn:aws:s3:::b"]}, "actions", "name the actions"),
        ({"actions": ["iam:PassRole"], "resources": ["*"]}, "actions", "through `passRoles`"),
        ({"actions": [], "resources": ["arn:aws:s3:::b"]}, "actions", "non-empty list"),
        ({"actions": ["s3:GetObject"], "resources": []}, "resources", "non-empty list of ARNs"),
        (
            {"actions": ["s3:GetObject"], "resources": ["arn:${Bucket}"]},
            "resources",
            "unknown placeholder(s) ${Bucket}",
        ),
        (
            {"actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::b"], "sid": "a-b"},
            "sid",
            "IAM allows ASCII letters and digits only",
        ),
        ({"action": ["s3:GetObject"], "resources": ["x"]}, "action", "did you mean 'actions'?"),
    ],
)
def test_bad_permission_statements_are_rejected(
    definition_dir: Path, statement: dict, key: str, fragment: str
) -> None:
    found = problems(definition_dir, entry(permissions=[statement]))
    matching = [i for i in found if i.key == f"permissions[0].{key}"]
    assert matching, [str(i) for i in found]
    assert fragment in matching[0].problem


def test_permissions_must_be_a_list_of_objects(definition_dir: Path) -> None:
    assert only(definition_dir, entry(permissions={"a": 1})).key == "permissions"
    assert only(definition_dir, entry(permissions=["s3:GetObject"])).key == "permissions[0]"


@pytest.mark.parametrize(
    "role", ["arn:aws:iam::123456789012:role/*", "arn:aws:iam::123456789012:user/u"]
)
def test_pass_roles_must_name_roles(definition_dir: Path, role: str) -> None:
    issue = only(definition_dir, entry(passRoles=[role]))
    assert issue.key == "passRoles"
    assert "is not an IAM role ARN (no wildcards)" in issue.problem


def test_pass_roles_with_unknown_placeholder_are_rejected(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(passRoles=["arn:aws:iam::${Account}:role/r"]))
    assert "unknown placeholder(s) ${Account}" in issue.problem


def test_config_error_from_a_plain_message_has_no_issues() -> None:
    error = ConfigError("stack 'dev': something")
    assert error.issues == ()
    assert str(error) == "stack 'dev': something"


def test_yaml_datetime_values_are_accepted_as_dates(definition_dir: Path) -> None:
    start = datetime(2026, 2, 1, tzinfo=UTC)
    (pipeline,) = load(definition_dir, entry(startDate=start)).pipelines
    assert pipeline.start_date == start


def test_engine_errors_during_analysis_are_reported_on_the_schedule(
    definition_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import modules.config as config_module
    from modules.schedule import ScheduleError

    def refuse(*args: Any, **kwargs: Any):
        raise ScheduleError("reference must be timezone-aware", field="reference")

    monkeypatch.setattr(config_module, "analyze", refuse)
    issue = only(definition_dir, entry())
    assert (issue.key, issue.problem) == ("schedule", "reference must be timezone-aware")


def test_alarm_actions_without_alarms_are_refused_not_ignored(definition_dir: Path) -> None:
    actions = ["arn:aws:sns:us-east-1:123456789012:ml-alerts"]
    issue = only(definition_dir, entry(alarm=False, alarmActions=actions))
    assert issue.key == "alarmActions"
    assert "set alarm: true" in issue.problem
