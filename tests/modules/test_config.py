"""modules.config, the shared core: the `cloud` key, shared keys and the cloud plug-in contract."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from modules import config as core
from modules.config import ConfigError, ConfigIssue, load_stack_config

REFERENCE = datetime(2026, 1, 1, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


def entry(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "churn-training",
        "definition": "pipeline.json",
        "schedule": "cron(0 12 * * ? *)",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def problems(definition_dir: Path, *entries: Any, **kwargs: Any) -> list[ConfigIssue]:
    with pytest.raises(ConfigError) as caught:
        load_stack_config(
            list(entries), stack="prod", base_dir=definition_dir, reference=REFERENCE, **kwargs
        )
    return list(caught.value.issues)


def only(definition_dir: Path, *entries: Any, **kwargs: Any) -> ConfigIssue:
    found = problems(definition_dir, *entries, **kwargs)
    assert len(found) == 1, [str(i) for i in found]
    return found[0]


@pytest.fixture
def cloud_not_built(monkeypatch: pytest.MonkeyPatch) -> str:
    """A cloud whose plug-in module is absent: None in sys.modules makes its import fail."""
    monkeypatch.setitem(sys.modules, "modules.azure.config", None)
    monkeypatch.setattr(core, "_validators", {})
    return "azure"


def test_cloud_defaults_to_aws(definition_dir: Path) -> None:
    stack = load_stack_config([entry()], stack="p", base_dir=definition_dir, reference=REFERENCE)
    assert [p.cloud for p in stack.pipelines] == ["aws"]
    assert stack.clouds == ("aws",)


def test_an_unbuilt_cloud_is_not_supported_yet_naming_stack_pipeline_and_key(
    definition_dir: Path, cloud_not_built: str
) -> None:
    issue = only(definition_dir, {"name": "scoring", "cloud": cloud_not_built, "x": 1})
    assert (issue.stack, issue.pipeline, issue.key) == ("prod", "scoring", "cloud")
    assert "azure pipelines are not supported yet" in issue.problem


def test_an_unknown_cloud_gets_a_did_you_mean(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(cloud="gpc"))
    assert issue.key == "cloud"
    assert "'gpc' is not a cloud; did you mean 'gcp'?" in issue.problem


def test_a_cloud_that_is_not_a_string_is_rejected(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(cloud=["aws"]))
    assert issue.key == "cloud"
    assert "use one of aws, azure, gcp" in issue.problem


def test_misspelled_shared_key_is_suggested(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(expectedDuraton="90m"))
    assert "did you mean 'expectedDuration'?" in issue.problem, issue


def test_misspelled_cloud_key_is_suggested_from_that_clouds_keys(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(retryAtempts=2))
    assert "did you mean 'retryAttempts'?" in issue.problem, issue
    assert "Known keys: name, cloud," in issue.problem


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90m", timedelta(minutes=90)),
        ("2h", timedelta(hours=2)),
        ("1h30m", timedelta(minutes=90)),
        ("1d12h", timedelta(hours=36)),
    ],
)
def test_expected_duration_is_read(definition_dir: Path, text: str, expected: timedelta) -> None:
    stack = load_stack_config(
        [entry(expectedDuration=text)], stack="p", base_dir=definition_dir, reference=REFERENCE
    )
    assert stack.pipelines[0].expected_duration == expected


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("90", "is not a duration; write e.g. 90m"),
        ("ninety minutes", "is not a duration"),
        (90, "is not a duration"),
        ("", "is not a duration"),
        ("0m", "outside 1m-31d"),
        ("32d", "outside 1m-31d"),
    ],
)
def test_bad_expected_durations_are_rejected(
    definition_dir: Path, value: Any, fragment: str
) -> None:
    issue = only(definition_dir, entry(expectedDuration=value))
    assert issue.key == "expectedDuration"
    assert fragment in issue.problem


def test_a_name_that_is_not_a_string_is_rejected_before_the_cloud_sees_it(
    definition_dir: Path,
) -> None:
    issue = only(definition_dir, entry(name=7))
    assert (issue.pipeline, issue.key) == ("#1", "name")
    assert "is not a pipeline name; use a non-empty string" in issue.problem


def test_a_bad_parameter_value_is_reported_once_by_the_core(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(parameters={"InputPath": {"nested": 1}}))
    assert issue.key == "parameters.InputPath"
    assert "must be a string, number or boolean" in issue.problem


def test_stack_tags_are_checked_against_every_cloud_the_stack_uses(
    definition_dir: Path,
) -> None:
    issue = only(definition_dir, entry(), stack_tags={"aws:owner": "x"})
    assert (issue.pipeline, issue.key) == (None, "mlsched:tags.aws:owner")
    assert "may not start with aws: (reserved for AWS) (aws)" in issue.problem


def test_a_missing_schedule_shows_the_clouds_example(definition_dir: Path) -> None:
    issue = only(definition_dir, entry(schedule=None))
    assert issue.problem == "is required; add e.g. `schedule: cron(0 12 * * ? *)`"


def test_a_broken_plug_in_import_is_not_mistaken_for_an_unbuilt_cloud(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(core, "_validators", {})

    def broken(name: str) -> Any:
        raise ModuleNotFoundError("No module named 'yaml_typo'", name="yaml_typo")

    monkeypatch.setattr(core.importlib, "import_module", broken)
    with pytest.raises(ModuleNotFoundError, match="yaml_typo"):
        core.validator_for("gcp")


def test_the_core_and_the_aws_validator_import_no_pulumi_sdk() -> None:
    code = (
        "import sys, modules.config, modules.aws.config; "
        "print(sorted(m for m in sys.modules if m.split('.')[0].startswith('pulumi')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout


@pytest.mark.parametrize("cloud", [["azure"], {"name": "azure"}])
def test_a_cloud_of_any_yaml_shape_is_a_config_error_not_a_crash(
    definition_dir: Path, cloud: Any
) -> None:
    config = {"mlsched:pipelines": json.dumps([entry(cloud=cloud)])}
    with pytest.raises(ConfigError) as caught:
        core.load_stack(
            config, project="mlsched", stack="prod", base_dir=definition_dir, reference=REFERENCE
        )
    (issue,) = caught.value.issues
    assert (issue.pipeline, issue.key) == ("churn-training", "cloud"), str(issue)
    assert "is not a cloud" in issue.problem
    assert "use one of aws, azure, gcp" in issue.problem


@pytest.mark.parametrize("value", ["90m\n", "\uff190m", "\u0669\u0660m"])
def test_a_duration_with_a_trailing_newline_or_non_ascii_digits_is_rejected(
    definition_dir: Path, value: str
) -> None:
    issue = only(definition_dir, entry(expectedDuration=value))
    assert issue.key == "expectedDuration"
    assert "is not a duration; write e.g. 90m" in issue.problem


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_a_cloud_stack_settings_key_no_cloud_reads_is_refused_not_ignored(
    definition_dir: Path, cloud: str
) -> None:
    config = {"mlsched:pipelines": json.dumps([entry()]), f"mlsched:{cloud}": '{"x": 1}'}
    with pytest.raises(ConfigError) as caught:
        core.load_stack(
            config, project="mlsched", stack="prod", base_dir=definition_dir, reference=REFERENCE
        )
    (issue,) = caught.value.issues
    assert issue.key == f"mlsched:{cloud}", str(issue)
    assert f"{cloud} has no stack settings in this version; remove the key" in issue.problem


def test_a_stack_without_cloud_settings_keys_loads(definition_dir: Path) -> None:
    config = {"mlsched:pipelines": json.dumps([entry()]), "mlsched:tags": '{"team": "ml"}'}
    stack = core.load_stack(
        config, project="mlsched", stack="prod", base_dir=definition_dir, reference=REFERENCE
    )
    assert [p.name for p in stack.pipelines] == ["churn-training"]


def stack_config(config: dict[str, Any]) -> list[ConfigIssue]:
    with pytest.raises(ConfigError) as caught:
        core.load_stack(config, project="mlsched", stack="prod", base_dir=ROOT, reference=REFERENCE)
    return list(caught.value.issues)


@pytest.mark.parametrize(
    "value",
    [
        '{"secure":"v1:abc"}',
        '[{"name":"a","parameters":{"Token":{"secure":"v1:abc"}}}]',
    ],
)
def test_a_secret_in_an_mlsched_key_is_refused_without_echoing_it(value: str) -> None:
    (issue,) = stack_config({"mlsched:pipelines": value})
    assert issue.key == "mlsched:pipelines"
    assert "holds a secret" in issue.problem
    assert "v1:abc" not in str(issue)


def test_a_secret_provider_key_is_not_checked_nor_printed() -> None:
    config = {
        "azure-native:subscriptionId": '{"secure":"v1:abc"}',
        "mlsched:pipelines": json.dumps([{"name": 1, "cloud": "azure"}]),
    }
    keys = {issue.key for issue in stack_config(config)}
    assert "azure-native:subscriptionId" not in keys, keys


@pytest.mark.parametrize("key", ["MLSCHED:pipelines", "mlshced:pipelines", "other:pipelines"])
def test_a_key_in_a_namespace_the_program_never_reads_is_refused(key: str) -> None:
    (issue,) = stack_config({key: "[]"})
    assert issue.key == key
    assert "write mlsched:pipelines" in issue.problem


def test_provider_namespaces_are_left_to_their_providers() -> None:
    config = {"aws:region": "us-east-1", "pulumi:tags": '{"a":"b"}', "random:x": "1"}
    assert (
        core.load_stack(
            config, project="mlsched", stack="prod", base_dir=ROOT, reference=REFERENCE
        ).pipelines
        == ()
    )


def test_the_program_hands_its_secret_keys_to_validation_as_ciphertext(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from modules import runtime_config

    monkeypatch.setenv(
        "PULUMI_CONFIG", json.dumps({"mlsched:tags": '{"a":"b"}', "aws:region": "x"})
    )
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", json.dumps(["mlsched:tags"]))
    handed = runtime_config.cli_config()
    assert core.holds_secret(handed["mlsched:tags"])
    assert handed["aws:region"] == "x"


@pytest.mark.parametrize("value", [0, "", [], False])
@pytest.mark.parametrize("key", ["tags", "parameters"])
def test_an_empty_value_of_the_wrong_type_is_refused_not_read_as_absent(
    tmp_path: Path, key: str, value: object
) -> None:
    (issue,) = [i for i in problems(tmp_path, entry(**{key: value})) if i.key == key]
    assert "must be a map" in issue.problem, issue


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("true", "the text 'true' (quoted); write true without quotes"),
        ("yes", "only true and false are booleans"),
        ("3", "write 3 without quotes"),
        ([], "a list"),
    ],
)
def test_a_value_of_the_wrong_type_says_how_it_was_read_and_how_to_write_it(
    value: object, hint: str
) -> None:
    ctx = core.IssueContext("prod", "p", [])
    core.get_bool({"enabled": value}, "enabled", ctx, True)
    core.get_int({"retry": value}, "retry", ctx, 1, (0, 5), provider="x")
    assert [hint in issue.problem for issue in ctx.issues] == [True, True], ctx.issues


def test_a_number_key_with_no_value_takes_its_default() -> None:
    ctx = core.IssueContext("prod", "p", [])
    assert core.get_int({"retry": None}, "retry", ctx, 2, (0, 5), provider="x") == 2
    assert ctx.issues == []


@pytest.mark.parametrize(
    ("cloud", "key"),
    [("aws", "mlsched:pipeline"), ("azure", "MLSCHED:Pipeline"), ("gcp", "mlsched-pipeline")],
)
def test_a_user_tag_that_mlsched_sets_itself_is_refused(cloud: str, key: str) -> None:
    validator = core.validator_for(cloud)
    assert validator is not None
    ctx = core.IssueContext("prod", "p", [])
    core._check_own_tags({"tags": {key: "x"}}, {key: "x"}, validator, ctx)
    assert [i.key for i in ctx.issues] == [f"tags.{key}"]


@pytest.mark.parametrize(("cloud", "limit"), [("azure", 50), ("gcp", 64)])
def test_more_tags_than_the_cloud_accepts_per_resource_are_refused(cloud: str, limit: int) -> None:
    validator = core.validator_for(cloud)
    assert validator is not None
    ctx = core.IssueContext("prod", "p", [])
    tags = {f"k{i}": "v" for i in range(limit - 1)}  # plus mlsched's own: one too many
    core._check_own_tags({"tags": tags, "expectedDuration": "1h"}, tags, validator, ctx)
    (issue,) = ctx.issues
    assert f"{limit + 1} tags" in issue.problem
    assert f"at most {limit}" in issue.problem


def test_an_unknown_stack_key_gets_no_far_fetched_suggestion() -> None:
    (issue,) = stack_config({"mlsched:owner": "x"})
    assert "did you mean" not in issue.problem
    (issue,) = stack_config({"mlsched:pipeline": "[]"})
    assert "did you mean 'mlsched:pipelines'?" in issue.problem
