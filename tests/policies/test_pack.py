"""policies/__main__.py only assembles the pack: each domain's policies once, advisory default."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import pulumi_policy
import pytest

from policies import (
    azure,
    gcp,
    iam,
    iam_lambda,
    iam_stack,
    iam_trust,
    schedules,
    targets,
    timing,
)

MAIN = Path(__file__).resolve().parents[2] / "policies" / "__main__.py"


def test_pack_assembles_every_domain_policy_once_with_advisory_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: dict = {}
    monkeypatch.setattr(pulumi_policy, "PolicyPack", lambda **kw: built.update(kw))
    runpy.run_path(str(MAIN), run_name="__main__")
    names = [p.name for p in built["policies"]]
    expected = [
        p.name
        for p in (
            *schedules.POLICIES,
            *timing.POLICIES,
            *iam_trust.POLICIES,
            *iam.POLICIES,
            *iam_stack.POLICIES,
            *iam_lambda.POLICIES,
            *targets.POLICIES,
            *azure.POLICIES,
            *gcp.POLICIES,
        )
    ]
    assert names == expected
    assert len(set(names)) == len(names), "policy names must be unique within the pack"
    assert built["enforcement_level"] == pulumi_policy.EnforcementLevel.ADVISORY
    assert built["name"] == "mlsched"


def test_every_policy_has_a_kebab_case_name_and_a_one_line_description() -> None:
    for policy in (
        *schedules.POLICIES,
        *timing.POLICIES,
        *iam_trust.POLICIES,
        *iam.POLICIES,
        *iam_stack.POLICIES,
        *iam_lambda.POLICIES,
        *targets.POLICIES,
        *azure.POLICIES,
        *gcp.POLICIES,
    ):
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", policy.name), policy.name
        assert "\n" not in policy.description, policy.name


def test_pulumipolicy_yaml_runs_the_pack_in_the_repository_uv_environment() -> None:
    import yaml

    spec = yaml.safe_load((MAIN.parent / "PulumiPolicy.yaml").read_text())
    assert spec["runtime"] == {"name": "python", "options": {"toolchain": "uv"}}, spec
    assert re.fullmatch(r"\d+\.\d+\.\d+", spec["version"]), "PulumiPolicy.yaml version"
    # The uv toolchain searches up from the pack for uv.lock and uses the .venv beside it.
    assert (MAIN.parents[1] / "uv.lock").is_file()
    assert not (MAIN.parent / "uv.lock").exists()
    assert not (MAIN.parent / "pyproject.toml").exists()
