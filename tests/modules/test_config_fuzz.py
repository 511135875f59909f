"""Random stack files through the config loader: the project's clear error, never a traceback.

Stack files are untrusted input (any PR can change one). Whatever YAML shape or string arrives,
reading it the CLI's way (modules.stackfile) and validating it (modules.config.load_stack) must
end in a StackConfig or a ConfigError that names the stack, and, for a problem in a value, the
pipeline and the key; through the plan's command line, in exit status 2 with no traceback.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modules.config import ConfigError, load_stack
from tools.mockrun import read_project_name, read_stack_config

REPO = Path(__file__).resolve().parents[2]
REFERENCE = datetime(2026, 1, 1, tzinfo=UTC)
STACK = "fuzz"
# `make proof` (HYPOTHESIS_PROFILE=thorough) runs many more fresh examples than `make test`.
THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"

KEYS = [
    "name", "definition", "schedule", "timezone", "trigger", "enabled", "parameters",
    "startDate", "endDate", "scheduleGroup", "retryAttempts", "alarmActions", "tags",
    "permissions", "passRoles", "executionRoleArn", "description", "cloud", "sid", "actions",
    "resources", "nmae", "schedul", "<<", "1", "mlsched:pipelines", "mlsched:tags",
    "mlsched:pipeline", "aws:region", "pipelines", "a:b:c", "", "secure", "MLSCHED:pipelines",
    "mlshced:tags", "azure-native:subscriptionId", "alert", "alertChannels", "pulumi:tags",
    "environment", "type", "items", "default", "value", "secret",
]  # fmt: skip
# Scalars whose meaning differs between YAML 1.1, YAML 1.2 and yaml.v3, or that AWS refuses.
TOKENS = [
    "yes", "no", "on", "~", "null", "true", "False", "1:30", "0777", "0o17", "0x1F", "1_000",
    "09", "1e400", ".nan", "-.inf", "3.0", "2026-02-30", "2026-02-01T00:00:00Z", "2026-02-01",
    "!!binary aGk=", "!!binary '***'", "!!set {a, b}", "!!int abc", "!foo bar", "'quoted'",
    '"tab\\there"', "cron(0 12 * * ? *)", "rate(6 hours)", "at(2026-03-01T12:00:00)",
    "../../pipelines/churn-training.json", "/etc/passwd", "s3://b..x/k", "S3://bucket/k",
    "arn:aws:sns:mars-1:123456789012:t", "s3:**", "iam:Pass*", "\u0663\u0663", "\u2028",
    "99999999999999999999999", "-", "?", "[", "{", "*", "&", "|", ">", "%", "@", "`",
]  # fmt: skip

text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


def scalar() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(TOKENS),
        text.map(json.dumps),  # any string, safely quoted
        text,  # any string, raw: often not YAML at all
        st.integers(-(2**70), 2**70).map(str),
    )


def node() -> st.SearchStrategy[str]:
    def extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        pair = st.tuples(st.sampled_from(KEYS) | text.map(json.dumps), children)
        return st.one_of(
            st.lists(children, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
            st.lists(pair, max_size=5).map(
                lambda pairs: "{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in pairs) + "}"
            ),
        )

    return st.recursive(scalar(), extend, max_leaves=12)


def entry() -> st.SearchStrategy[str]:
    good = {
        "name": '"churn"',
        "definition": '"../../pipelines/churn-training.json"',
        "schedule": '"cron(0 12 * * ? *)"',
    }
    return st.dictionaries(st.sampled_from(KEYS), node(), max_size=6).map(
        lambda extra: (
            "{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in {**good, **extra}.items()) + "}"
        )
    )


def stack_file() -> st.SearchStrategy[str]:
    config = st.dictionaries(
        st.sampled_from(KEYS),
        st.one_of(node(), st.lists(entry(), max_size=3).map(lambda e: "[" + ", ".join(e) + "]")),
        max_size=4,
    )
    structured = config.map(
        lambda c: "config:\n" + "".join(f"  {json.dumps(k)}: {v}\n" for k, v in c.items())
    )
    # Whole documents that are not what they seem: anchors, merges, bombs, more documents.
    odd = st.sampled_from(
        [
            "config: &a\n  mlsched:pipelines: *a\n",
            "config:\n  mlsched:pipelines: [&e {name: a}, *e]\n",
            "config:\n  mlsched:tags: {a: 1}\n  mlsched:tags: {b: 2}\n",
            "config:\n  mlsched:pipelines: []\n---\nconfig: {}\n",
            "- config\n",
            "config: 3\n",
            "\ufeffconfig: {}\n",
            "config:\n  mlsched:pipelines:\n    secure: v1:AAAA\n",
            "config:\n  mlsched:tags: {team: {secure: v1:AAAA}}\n",
            "config:\n  aws:region: {secure: v1:AAAA}\n  mlsched:pipelines: [{name: a}]\n",
            "environment: [ml/dev]\nconfig: {}\n",
            "environment: {imports: [a], values: {pulumiConfig: {x: 1}}}\nconfig: {}\n",
            "environment: 3\nconfig: {}\n",
            "config:\n  1: a\n  pipelines: []\n",
            "encryptionsalt: [a]\nconfig: {}\n",
            'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
            + "".join(
                f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n"
                for p, c in zip("abcdefg", "bcdefgh", strict=True)
            ),
        ]
    )
    mutated = st.tuples(structured, st.integers(0, 200), text).map(
        lambda t: t[0][: t[1]] + t[2] + t[0][t[1] :]
    )
    return st.one_of(structured, odd, mutated, text)


def project_file() -> st.SearchStrategy[str]:
    """Pulumi.yaml with random `config:` declarations (the CLI applies them to every stack)."""
    declaration = st.dictionaries(st.sampled_from(KEYS), node(), max_size=4).map(
        lambda d: "{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in d.items()) + "}"
    )
    config = st.dictionaries(
        st.sampled_from(KEYS) | text.map(json.dumps), st.one_of(node(), declaration), max_size=4
    ).map(lambda c: "config:\n" + "".join(f"  {json.dumps(k)}: {v}\n" for k, v in c.items()))
    extra = st.sampled_from(
        ["", "main: src/\n", "stackConfigDir: x\n", "requiredPulumiVersion: '>=3'\n", "config: x\n"]
    )
    runtime = st.sampled_from(
        ["python", "{name: python, options: {toolchain: uv}}", "nodejs", "{}"]
    )
    return st.tuples(runtime, extra, config).map(
        lambda t: f"name: mlsched\nruntime: {t[0]}\n{t[1]}{t[2]}"
    )


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    (root / "pyproject.toml").write_text("")
    shutil.copytree(REPO / "pipelines", root / "pipelines")
    folder = root / "stacks" / STACK
    folder.mkdir(parents=True)
    shutil.copy(REPO / "stacks" / "prod" / "Pulumi.yaml", folder / "Pulumi.yaml")
    shutil.copy(REPO / "stacks" / "prod" / "__main__.py", folder / "__main__.py")
    return folder


def load(folder: Path, document: str):
    (folder / f"Pulumi.{STACK}.yaml").write_text(document, encoding="utf-8")
    project = read_project_name(folder)
    wire = read_stack_config(folder, STACK, project)
    return load_stack(wire, project=project, stack=STACK, base_dir=folder, reference=REFERENCE)


@settings(max_examples=3_000 if THOROUGH else 100)
@given(document=stack_file())
def test_any_stack_file_ends_in_a_config_or_the_projects_clear_error(
    repo: Path, document: str
) -> None:
    try:
        load(repo, document)
    except ConfigError as error:
        message = str(error)
        assert f"stack '{STACK}'" in message, message
        for issue in error.issues:
            assert issue.stack == STACK
            assert issue.key, message
            assert issue.problem.strip(), message
        if not error.issues:  # a file-level problem: the file, and where in it
            assert f"Pulumi.{STACK}.yaml" in message, message


@settings(max_examples=200 if THOROUGH else 8)
@given(document=stack_file())
def test_the_plan_exits_2_with_a_message_never_a_traceback(repo: Path, document: str) -> None:
    from tools.plan.cli import main

    (repo / f"Pulumi.{STACK}.yaml").write_text(document, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["--stacks-dir", str(repo.parent), "--stack", STACK, "--no-policies", "--format", "none",
         "--at", "2026-01-01T00:00:00Z"],
        stdout=out,
        stderr=err,
    )  # fmt: skip
    assert code in (0, 2), err.getvalue()
    assert "Traceback" not in err.getvalue() + out.getvalue()
    if code == 2:
        assert "plan: error:" in err.getvalue()


@settings(max_examples=1_000 if THOROUGH else 60)
@given(project=project_file(), document=stack_file())
def test_any_project_config_ends_in_a_config_or_the_projects_clear_error(
    repo: Path, project: str, document: str
) -> None:
    (repo / "Pulumi.yaml").write_text(project, encoding="utf-8")
    try:
        load(repo, document)
    except ConfigError as error:
        message = str(error)
        assert "Pulumi." in message or f"stack '{STACK}'" in message, message
    finally:
        shutil.copy(REPO / "stacks" / "prod" / "Pulumi.yaml", repo / "Pulumi.yaml")


def policy_config() -> st.SearchStrategy[str]:
    names = st.sampled_from(["p", "q", "all", "environments", "P", "enforcementLevel", ""])
    levels = st.sampled_from(["advisory", "mandatory", "Mandatory", "disabled", "", "remediate"])
    value = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | levels | st.text(max_size=5),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(st.sampled_from(["enforcementLevel", "limit", "limt", "x"]), inner)
        ),
        max_leaves=8,
    )
    document = st.dictionaries(names, value, max_size=4).map(json.dumps)
    return document | text | document.map(lambda d: d[: len(d) // 2])


@settings(max_examples=1_000 if THOROUGH else 80)
@given(document=policy_config())
def test_any_policy_config_file_ends_in_a_config_or_a_clear_error(
    tmp_path_factory: pytest.TempPathFactory, document: str
) -> None:
    from tools.policy_client import (
        PolicyConfigError,
        PolicyInfo,
        load_pack_config,
        reconcile_config,
    )

    schema = {"properties": {"limit": {"type": "integer", "default": 3}}}
    policies = {
        "p": PolicyInfo("p", "a rule", "advisory", schema),
        "q": PolicyInfo("q", "another", "mandatory"),
    }
    path = tmp_path_factory.mktemp("policy") / "dev.json"
    path.write_text(document, encoding="utf-8")
    try:
        reconcile_config(policies, load_pack_config(path, expected=policies), where=str(path))
    except PolicyConfigError as error:
        message = str(error)
        assert str(path) in message, message
