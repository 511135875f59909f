"""modules.gcp.config through modules.config: `cloud: gcp` entries and every error they report."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from modules.config import ConfigError, ConfigIssue, load_stack_config
from modules.gcp.config import VALIDATOR, check_name, check_tag
from modules.gcp.model import BucketGrant, RetryPolicy

REFERENCE = datetime(2026, 1, 1, tzinfo=UTC)
SPEC = {
    "pipelineInfo": {"name": "churn-scoring"},
    "root": {
        "dag": {"tasks": {}},
        "inputDefinitions": {
            "parameters": {"input_table": {"parameterType": "STRING"}, "epochs": {}}
        },
    },
    "schemaVersion": "2.1.0",
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "churn.yaml").write_text(yaml.safe_dump(SPEC))
    (tmp_path / "churn.json").write_text(json.dumps(SPEC))
    return tmp_path


def entry(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "churn-scoring",
        "cloud": "gcp",
        "project": "ml-platform-dev",
        "region": "europe-west1",
        "schedule": "0 6 * * 1",
        "timezone": "Europe/Berlin",
        "pipelineSpec": "churn.yaml",
        "pipelineRoot": "gs://ml-dev-artifacts/churn",
        "buckets": {"ml-dev-artifacts": "write"},
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def data_entry(**overrides: Any) -> dict[str, Any]:
    flex = {
        "containerSpecGcsPath": "gs://ml-dev-templates/export/spec.json",
        "tempLocation": "gs://ml-dev-artifacts/export/tmp",
    }
    base: dict[str, Any] = {
        "name": "feature-export",
        "trigger": "data-pipelines",
        "pipelineSpec": None,
        "pipelineRoot": None,
        "flexTemplate": flex,
        "buckets": {"ml-dev-artifacts": "write", "ml-dev-templates": "read"},
    }
    return entry(**{**base, **overrides})


def load(folder: Path, *entries: dict[str, Any]):
    return load_stack_config(list(entries), stack="prod", base_dir=folder, reference=REFERENCE)


def problems(folder: Path, *entries: dict[str, Any]) -> list[ConfigIssue]:
    with pytest.raises(ConfigError) as caught:
        load(folder, *entries)
    return list(caught.value.issues)


def only(folder: Path, *entries: dict[str, Any]) -> ConfigIssue:
    found = problems(folder, *entries)
    assert len(found) == 1, [str(i) for i in found]
    return found[0]


# --- the happy path and defaults ---------------------------------------------------------------


def test_a_minimal_vertex_entry_gets_the_documented_safe_defaults(folder: Path) -> None:
    (pipeline,) = load(folder, entry()).pipelines
    assert pipeline.cloud == "gcp"
    assert pipeline.trigger == "vertex-schedule"
    assert pipeline.max_concurrent_runs == 1
    assert pipeline.alert is True
    assert pipeline.retry == RetryPolicy()
    assert pipeline.schedule.dialect == "unix-cron"
    assert (pipeline.cron, pipeline.timezone) == ("0 6 * * 1", "Europe/Berlin")
    assert json.loads(pipeline.vertex.spec_json) == SPEC
    assert pipeline.buckets == (BucketGrant("ml-dev-artifacts", "write"),)


def test_a_json_spec_reads_the_same_as_yaml(folder: Path) -> None:
    (yaml_spec,) = load(folder, entry()).pipelines
    (json_spec,) = load(folder, entry(pipelineSpec="churn.json")).pipelines
    assert yaml_spec.vertex.spec_json == json_spec.vertex.spec_json


def test_a_template_uri_replaces_the_spec_file(folder: Path) -> None:
    uri = "https://europe-west1-kfp.pkg.dev/ml-platform-dev/pipelines/churn/v3"
    (pipeline,) = load(folder, entry(pipelineSpec=None, templateUri=uri)).pipelines
    assert pipeline.vertex.template_uri == uri
    assert pipeline.vertex.spec_json is None


def test_a_data_pipelines_entry_builds_its_flex_template(folder: Path) -> None:
    (pipeline,) = load(folder, data_entry()).pipelines
    assert pipeline.flex.job_name == "feature-export"
    assert pipeline.flex.temp_location == "gs://ml-dev-artifacts/export/tmp"
    assert pipeline.vertex is None


def test_cloud_scheduler_takes_retry_and_deadline(folder: Path) -> None:
    (pipeline,) = load(
        folder, entry(trigger="cloud-scheduler", retryCount=5, attemptDeadlineSeconds=300)
    ).pipelines
    assert pipeline.retry.retry_count == 5
    assert pipeline.retry.attempt_deadline_seconds == 300


# --- errors: every one names the key and says how to fix it -------------------------------------


def test_an_aws_cron_pasted_here_gets_its_unix_cron_translation(folder: Path) -> None:
    issue = only(folder, entry(schedule="cron(0 12 ? * MON-FRI *)"))
    assert issue.key == "schedule"
    assert "in unix-cron it is '0 12 * * MON-FRI'" in issue.problem
    assert (issue.stack, issue.pipeline) == ("prod", "churn-scoring")


def test_six_fields_are_refused_naming_what_google_accepts(folder: Path) -> None:
    issue = only(folder, entry(schedule="0 0 6 * * 1"))
    assert issue.key == "schedule"
    assert "unix-cron" in issue.problem or "five" in issue.problem


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("project", "ML_Platform", "is not valid; use a project ID"),
        ("region", "europe", "is not valid; use a region"),
        ("trigger", "cron-job", "is not a trigger; use one of vertex-schedule"),
        ("pipelineRoot", "s3://bucket/x", "is not a Cloud Storage path"),
        ("templateUri", "https://example.com/x", None),
        ("alertChannels", ["channel-1"], "is not a notification channel name"),
        ("scheduleCreator", "deploy@example.com", "is not an IAM member"),
        ("buckets", {"ml-dev-artifacts": "admin"}, "is not an access level; use read or write"),
        ("maxConcurrentRuns", 0, "outside the range"),
        ("retryCount", 6, None),
    ],
)
def test_a_bad_value_is_one_issue_on_its_key(folder: Path, key, value, expected) -> None:
    overrides: dict[str, Any] = {key: value}
    if key == "templateUri":
        overrides["pipelineSpec"] = None
    if key == "retryCount":
        overrides["trigger"] = "cloud-scheduler"
    issues = problems(folder, entry(**overrides))
    mine = [i for i in issues if i.key.split(".")[0] == key]
    assert mine, [str(i) for i in issues]
    if expected:
        assert expected in mine[0].problem, mine[0].problem


def test_the_retry_count_limit_is_cloud_schedulers_five(folder: Path) -> None:
    issue = only(folder, entry(trigger="cloud-scheduler", retryCount=6))
    assert issue.problem == "6 is outside the range Cloud Scheduler accepts, 0-5"


def test_project_and_region_are_required(folder: Path) -> None:
    keys = {i.key for i in problems(folder, entry(project=None, region=None))}
    assert keys == {"project", "region"}


def test_a_missing_spec_file_says_how_to_make_one(folder: Path) -> None:
    issue = only(folder, entry(pipelineSpec="missing.yaml"))
    assert "not found" in issue.problem
    assert "kfp.compiler.Compiler" in issue.problem


def test_a_file_that_is_not_a_compiled_pipeline_is_refused(folder: Path) -> None:
    (folder / "notes.yaml").write_text("hello: world\n")
    issue = only(folder, entry(pipelineSpec="notes.yaml"))
    assert "not a compiled Kubeflow pipeline" in issue.problem


def test_a_kfp_v1_spec_is_refused(folder: Path) -> None:
    (folder / "old.json").write_text(json.dumps({**SPEC, "schemaVersion": "1.0.0"}))
    issue = only(folder, entry(pipelineSpec="old.json"))
    assert "KFP v2" in issue.problem


def test_a_parameter_the_pipeline_does_not_declare_gets_a_did_you_mean(folder: Path) -> None:
    issue = only(folder, entry(parameters={"input_tabel": "bq://x"}))
    assert issue.key == "parameters.input_tabel"
    assert "did you mean 'input_table'?" in issue.problem


def test_spec_and_template_uri_are_exclusive(folder: Path) -> None:
    uri = "https://europe-west1-kfp.pkg.dev/p/r/t/v1"
    assert "exactly one of" in only(folder, entry(templateUri=uri)).problem
    assert "exactly one of" in only(folder, entry(pipelineSpec=None)).problem


def test_the_pipeline_root_bucket_must_be_granted_write(folder: Path) -> None:
    issue = only(folder, entry(buckets={"ml-dev-artifacts": "read"}))
    assert issue.key == "pipelineRoot"
    assert "add `buckets: {ml-dev-artifacts: write}`" in issue.problem


def test_the_flex_template_buckets_must_be_granted(folder: Path) -> None:
    issues = problems(folder, data_entry(buckets={}))
    assert {i.key for i in issues} == {
        "flexTemplate.containerSpecGcsPath",
        "flexTemplate.tempLocation",
    }


def test_data_pipelines_cannot_be_created_paused(folder: Path) -> None:
    issue = only(folder, data_entry(enabled=False))
    assert issue.key == "enabled"
    assert "#23879" in issue.problem
    assert "trigger: vertex-schedule" in issue.problem


@pytest.mark.parametrize(
    ("key", "value", "trigger"),
    [
        ("maxConcurrentRuns", 2, "cloud-scheduler"),
        ("retryCount", 2, "vertex-schedule"),
        ("flexTemplate", {}, "vertex-schedule"),
        ("startTime", "2026-02-01T00:00:00Z", "cloud-scheduler"),
    ],
)
def test_keys_of_another_trigger_are_refused(folder: Path, key, value, trigger) -> None:
    issues = problems(folder, entry(trigger=trigger, **{key: value}))
    mine = [i for i in issues if i.key == key]
    assert mine, [str(i) for i in issues]
    assert "applies to `trigger:" in mine[0].problem


def test_a_flex_template_typo_is_named(folder: Path) -> None:
    flex = {
        "containerSpecGcsPath": "gs://ml-dev-templates/export/spec.json",
        "tempLocation": "gs://ml-dev-artifacts/export/tmp",
        "maxWorker": 3,
    }
    issue = only(folder, data_entry(flexTemplate=flex))
    assert issue.key == "flexTemplate.maxWorker"


def test_nested_numbers_are_reported_under_their_full_path(folder: Path) -> None:
    flex = {
        "containerSpecGcsPath": "gs://ml-dev-templates/export/spec.json",
        "tempLocation": "gs://ml-dev-artifacts/export/tmp",
        "maxWorkers": 0,
    }
    issue = only(folder, data_entry(flexTemplate=flex))
    assert issue.key == "flexTemplate.maxWorkers"


def test_an_end_before_the_start_is_refused(folder: Path) -> None:
    issue = only(folder, entry(startTime="2026-03-01T00:00:00Z", endTime="2026-02-01T00:00:00Z"))
    assert issue.key == "endTime"


def test_an_unknown_key_gets_a_did_you_mean_over_gcp_keys(folder: Path) -> None:
    issue = only(folder, entry(pipelineRot="gs://x/y"))
    assert "did you mean 'pipelineRoot'?" in issue.problem


def test_names_and_labels_follow_googles_rules() -> None:
    assert check_name("churn-scoring") is None
    assert "lowercase" in check_name("Churn_Scoring")
    assert check_tag("team", "ml-platform") is None
    assert "label keys" in check_tag("Team", "x")
    assert "label values" in check_tag("team", "ML Platform")
    assert VALIDATOR.schedule_example == "0 6 * * 1"


@settings(max_examples=40, deadline=None)
@given(
    key=st.sampled_from(sorted(VALIDATOR.keys)),
    value=st.none()
    | st.booleans()
    | st.integers(-10, 10_000)
    | st.text(max_size=12)
    | st.lists(st.text(max_size=6), max_size=3)
    | st.dictionaries(st.text(max_size=6), st.text(max_size=6), max_size=3),
)
def test_no_value_of_any_gcp_key_escapes_as_a_traceback(tmp_path_factory, key, value) -> None:
    folder = tmp_path_factory.mktemp("spec")
    (folder / "churn.yaml").write_text(yaml.safe_dump(SPEC))
    issues: tuple[ConfigIssue, ...] = ()
    try:
        load(folder, entry(**{key: value}))
    except ConfigError as error:
        issues = error.issues
    assert all(isinstance(i, ConfigIssue) and i.problem for i in issues)


# Python's `$` also matches before a final newline and `\d` takes any Unicode digit; Google's
# patterns are ASCII and whole-string.
@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("project", "ml-platform-dev\n", "is not valid; use a project ID"),
        ("region", "europe-west1\n", "is not valid; use a region"),
        ("name", "churn-scoring\n", "is not a valid Google Cloud pipeline name"),
        ("pipelineRoot", "gs://ml-dev-artifacts/churn\n", "is not a Cloud Storage path"),
        ("alertChannels", ["projects/ml-platform-dev/notificationChannels/\uff17"], "notification"),
        ("alertChannels", ["projects/ml-platform-dev/notificationChannels/7\n"], "notification"),
        ("scheduleCreator", "serviceAccount:a@b.com\n", "is not an IAM member"),
    ],
)
def test_a_trailing_newline_or_a_non_ascii_digit_is_refused(
    folder: Path, key: str, value: Any, expected: str
) -> None:
    issues = problems(folder, entry(**{key: value}))
    mine = [i for i in issues if i.key.split(".")[0] == key]
    assert mine, [str(i) for i in issues]
    assert expected in mine[0].problem, mine[0].problem


def test_the_same_values_without_the_newline_are_accepted(folder: Path) -> None:
    (pipeline,) = load(
        folder,
        entry(
            alertChannels=["projects/ml-platform-dev/notificationChannels/7"],
            scheduleCreator="serviceAccount:a@b.com",
        ),
    ).pipelines
    assert pipeline.name == "churn-scoring"


@pytest.mark.parametrize(
    ("bucket", "expected"),
    [
        ("goog-ml-artifacts", "starts with 'goog' or contains 'google'"),
        ("ml-google-artifacts", "starts with 'goog' or contains 'google'"),
        ("192.168.1.1", "is an IP address"),
        ("a" * 64, "is longer than 63 characters"),
        ("ml." + "a" * 64, "has an empty or over-63-character part"),
        ("ml..artifacts", "has an empty or over-63-character part"),
    ],
)
def test_a_bucket_name_cloud_storage_refuses_is_reported(
    folder: Path, bucket: str, expected: str
) -> None:
    issues = problems(folder, entry(buckets={bucket: "read", "ml-dev-artifacts": "write"}))
    mine = [i for i in issues if i.key == f"buckets.{bucket}"]
    assert mine, [str(i) for i in issues]
    assert expected in mine[0].problem, mine[0].problem


def test_a_pipeline_root_in_a_refused_bucket_is_reported(folder: Path) -> None:
    issues = problems(folder, entry(pipelineRoot="gs://goog-artifacts/churn"))
    mine = [i for i in issues if i.key == "pipelineRoot"]
    assert mine, [str(i) for i in issues]
    assert "bucket 'goog-artifacts' of 'gs://goog-artifacts/churn' starts with 'goog'" in (
        mine[0].problem
    )


def test_dotted_bucket_names_up_to_222_characters_are_accepted(folder: Path) -> None:
    dotted = ".".join(["a" * 63, "b" * 63, "c" * 63])
    (pipeline,) = load(
        folder, entry(buckets={dotted: "read", "ml-dev-artifacts": "write"})
    ).pipelines
    assert dotted in {grant.bucket for grant in pipeline.buckets}


def test_a_bad_zone_in_the_crons_tz_prefix_is_reported_on_schedule(folder: Path) -> None:
    issue = only(folder, entry(schedule="TZ=Europe/Berln 0 6 * * 1", timezone=None))
    assert issue.key == "schedule", str(issue)
    assert "the cron's TZ= prefix: timezone 'Europe/Berln' is not a known IANA" in issue.problem
    assert "did you mean 'Europe/Berlin'?" in issue.problem


def test_a_good_zone_in_the_crons_tz_prefix_is_the_schedules_zone(folder: Path) -> None:
    (pipeline,) = load(
        folder, entry(schedule="TZ=Europe/Berlin 0 6 * * 1", timezone=None)
    ).pipelines
    assert pipeline.schedule.timezone == "Europe/Berlin"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("/etc/hostname", "is an absolute path"),
        ("../../../../../outside.yaml", "points outside the repository"),
        ("x" * 300 + ".yaml", "cannot be resolved"),
        ("loop.yaml", "cannot be resolved"),
        ("latin1.yaml", r"is not UTF-8 \(byte 0xe9 on line 1\)"),
    ],
)
def test_a_spec_path_is_read_only_from_inside_the_repository(
    folder: Path, source: str, message: str
) -> None:
    (folder / "pyproject.toml").write_text("")
    (folder / "loop.yaml").symlink_to(folder / "loop.yaml")
    (folder / "latin1.yaml").write_bytes(b"root: caf\xe9\n")
    issue = only(folder, entry(pipelineSpec=source))
    assert issue.key == "pipelineSpec"
    assert re.search(message, issue.problem), issue.problem


def test_alert_channels_with_alerts_off_are_refused_not_ignored(folder: Path) -> None:
    channels = ["projects/ml-platform-dev/notificationChannels/1"]
    issue = only(folder, entry(alert=False, alertChannels=channels))
    assert issue.key == "alertChannels"
    assert "has no effect with alert: false" in issue.problem
