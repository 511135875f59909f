"""Pulumi.yaml's `config:` declarations applied to a stack the way the Pulumi CLI applies them.

Expected behaviour is the CLI's: pkg/workspace/config.go (mergeConfig, validateStackConfigValue)
and sdk/go/common/workspace/project.go (RewriteShorthandConfigValues, Project.Validate,
ValidateConfigValue), read from pulumi/pulumi at 1b59498.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from modules.project_config import value_matches
from modules.stackfile import StackFileError, read_project, read_stack

PROJECT = "name: mlsched\nruntime: python\n"


def stack(folder: Path, project_config: str, stack_config: str = "config: {}\n"):
    (folder / "Pulumi.yaml").write_text(PROJECT + project_config, encoding="utf-8")
    (folder / "Pulumi.s.yaml").write_text(stack_config, encoding="utf-8")
    return read_stack(folder, "s", "mlsched")


def refused(folder: Path, project_config: str, stack_config: str = "config: {}\n") -> str:
    with pytest.raises(StackFileError) as caught:
        stack(folder, project_config, stack_config)
    return str(caught.value)


def test_a_shorthand_project_value_is_a_default_the_plan_deploys(tmp_path: Path) -> None:
    entry = "{name: churn, definition: p.json, schedule: 'rate(1 day)'}"
    wire = stack(tmp_path, f"config:\n  pipelines: [{entry}]\n").wire()
    assert wire["mlsched:pipelines"].startswith('[{"definition":"p.json"'), wire


def test_a_declared_default_fills_a_key_the_stack_does_not_set(tmp_path: Path) -> None:
    wire = stack(tmp_path, "config:\n  tags:\n    default: {team: ml}\n").wire()
    assert wire["mlsched:tags"] == '{"team":"ml"}'


def test_the_stack_value_wins_over_the_project_default(tmp_path: Path) -> None:
    found = stack(
        tmp_path, "config:\n  tags:\n    default: {team: ml}\n", "config:\n  mlsched:tags: {a: b}\n"
    )
    assert found.config["mlsched:tags"] == {"a": "b"}


def test_another_namespace_takes_the_shorthand_as_a_value(tmp_path: Path) -> None:
    assert stack(tmp_path, "config:\n  aws:region: eu-west-1\n").config["aws:region"] == "eu-west-1"


def test_a_required_key_the_stack_does_not_set_is_the_clis_missing_value_error(
    tmp_path: Path,
) -> None:
    message = refused(tmp_path, "config:\n  owner:\n    type: string\n")
    assert "Stack 's' is missing configuration value 'owner'" in message
    assert "mlsched:owner" in message


@pytest.mark.parametrize(
    ("declared", "value"),
    [
        ("type: string", "mlsched:pipelines: []"),
        ("type: boolean", "mlsched:pipelines: yes"),
        ("type: integer", "mlsched:pipelines: 1.5"),
        ("type: array\n    items: {type: string}", "mlsched:pipelines: [1]"),
        ("type: object", "mlsched:pipelines: [a]"),
    ],
)
def test_a_stack_value_of_another_type_than_declared_is_refused(
    tmp_path: Path, declared: str, value: str
) -> None:
    message = refused(tmp_path, f"config:\n  pipelines:\n    {declared}\n", f"config:\n  {value}\n")
    assert "key 'mlsched:pipelines'" in message
    assert "as Pulumi.yaml declares" in message


@pytest.mark.parametrize(
    ("type_name", "items", "value", "accepted"),
    [
        ("integer", None, "3", True),  # scalars arrive as text; Atoi accepts them
        ("integer", None, "+3", True),
        ("integer", None, "3.0", False),
        ("integer", None, 3.0, True),  # a whole JSON number inside an object
        ("boolean", None, "true", True),
        ("boolean", None, "True", False),
        ("string", None, "3", True),
        ("array", {"type": "integer"}, [1, 2.0], True),
        ("array", {"type": "array", "items": {"type": "string"}}, [["a"], [1]], False),
        ("object", None, {"a": 1}, True),
    ],
)
def test_values_are_judged_like_validate_config_value(
    type_name: str, items: object, value: object, accepted: bool
) -> None:
    assert value_matches(type_name, items, value) is accepted


def test_a_secret_declaration_requires_an_encrypted_stack_value(tmp_path: Path) -> None:
    message = refused(
        tmp_path,
        "config:\n  token:\n    type: string\n    secret: true\n",
        "config:\n  mlsched:token: plain\n",
    )
    assert "key 'mlsched:token'" in message
    assert "pulumi config set --secret token" in message


@pytest.mark.parametrize(
    ("declaration", "message"),
    [
        ("owner:\n    default: a\n    value: b", "both a 'default' and a 'value'"),
        ("owner:\n    defualt: a", "did you mean 'default'"),
        ("owner:\n    type: number", "type 'number' is not a config type"),
        ("owner:\n    type: array", "declares an array but not the type of its items"),
        ("owner:\n    type: integer\n    default: abc", "not of the declared type 'integer'"),
        ("aws:region:\n    type: string\n    value: x", "cannot declare a type"),
        ("aws:region:\n    default: x", "use `value:` instead"),
        ("owner: 1.5", "write a string, integer, boolean or list"),
        ("owner:", "got nothing"),
        ("a:b:c: 1", "is not a config key"),
    ],
)
def test_declarations_the_cli_refuses_name_the_key(
    tmp_path: Path, declaration: str, message: str
) -> None:
    (tmp_path / "Pulumi.yaml").write_text(PROJECT + f"config:\n  {declaration}\n")
    with pytest.raises(StackFileError, match=message) as caught:
        read_project(tmp_path)
    assert "Pulumi.yaml" in str(caught.value)
    assert "key 'config." in str(caught.value)


def test_config_as_text_is_the_deprecated_stack_config_dir_and_refused(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text(PROJECT + "config: settings\n")
    with pytest.raises(StackFileError, match="deprecated spelling of `stackConfigDir`"):
        read_project(tmp_path)
