"""The real pack over the analyzer gRPC protocol: shipped configs, the stacks under mocks, bad sets.

One pack process per shipped config for the whole session (tests/policies/conftest.py).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from tools.policy_client import UNKNOWN, PolicyClient, Resource

STACKS = ("dev", "staging", "prod")
ALL_POLICIES = {
    "schedule-expression-valid",
    "schedule-frequency",
    "schedule-fires-again",
    "schedule-time-zone-required",
    "schedule-flexible-window",
    "schedule-delivery-safety",
    "schedule-overlap",
    "schedule-collision",
    "schedule-pipeline-frequency",
    "iam-trust-no-wildcard-principal",
    "iam-trust-confused-deputy",
    "iam-trust-allowed-services",
    "iam-trust-cross-account",
    "iam-trust-federated-pinned",
    "iam-actions-known",
    "iam-no-wildcard-action",
    "iam-no-wildcard-resource",
    "iam-passrole-scoped",
    "iam-no-privilege-escalation",
    "iam-permissions-management-scoped",
    "iam-no-allow-not-action-or-resource",
    "iam-managed-policy-deny-list",
    "iam-principal-no-privilege-escalation",
    "iam-trust-cross-account-stack",
    "iam-lambda-access-scoped",
    "pipeline-target-role-least-privilege",
    "azure-role-assignment-least-privilege",
    "azure-role-assignment-scope",
    "azure-role-assignment-custom-role",
    "azure-custom-role-no-wildcard-action",
    "azure-linked-service-no-inline-secret",
    "azure-data-factory-public-network",
    "azure-ml-workspace-public-network",
    "azure-trigger-started",
    "gcp-iam-no-basic-roles",
    "gcp-iam-service-account-no-admin-roles",
    "gcp-iam-no-project-level-service-account-user",
    "gcp-iam-no-project-level-impersonation",
    "gcp-iam-no-default-service-account-grants",
    "gcp-iam-no-public-members",
    "gcp-iam-no-service-account-keys",
    "gcp-custom-role-no-privileged-permissions",
    "gcp-iam-custom-role-grants",
    "gcp-workload-not-default-service-account",
    "gcp-scheduler-http-target-token",
    "gcp-schedule-dst-undefined",
}


def _show(violations) -> str:
    return "\n".join(f"[{v.enforcement}] {v.policy} {v.urn}: {v.message}" for v in violations)


def _schedule(stack: str, expression: str, name: str = "fast") -> Resource:
    type_ = "aws:scheduler/schedule:Schedule"
    return Resource(
        urn=f"urn:pulumi:{stack}::mlsched::{type_}::{name}",
        type=type_,
        name=name,
        inputs={
            "scheduleExpression": expression,
            "scheduleExpressionTimezone": "UTC",
            "flexibleTimeWindow": {"mode": "OFF"},
            "target": {"arn": "arn:aws:sqs:us-east-1:1:q", "roleArn": "arn:r"},
        },
    )


def _preview(resources) -> list[Any]:
    """The captured stack as a first `pulumi preview` sees it: what depends on other resources'
    outputs is unknown (strings wholly, objects in their ARN-valued leaves)."""

    def blank(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: blank(v) for k, v in value.items()}
        if isinstance(value, list):
            return [blank(v) for v in value]
        return UNKNOWN if isinstance(value, str) and "arn:" in value else value

    out = []
    for r in resources:
        inputs = dict(r.inputs)
        for key, deps in r.property_dependencies.items():
            if deps and key in inputs:
                value = inputs[key]
                inputs[key] = UNKNOWN if isinstance(value, str) else blank(value)
        out.append(dataclasses.replace(r, inputs=inputs, outputs=inputs))
    return out


def test_pack_advertises_every_policy_with_description_and_schema(
    pack_clients: dict[str, PolicyClient],
) -> None:
    client = pack_clients["prod"]
    assert client.pack_name == "mlsched"
    assert set(client.policies) == ALL_POLICIES
    for info in client.policies.values():
        assert info.description.endswith("."), info
    schema = client.policies["schedule-frequency"].config_schema["properties"]
    assert schema["minIntervalMinutes"]["default"] == 60
    assert client.policies["pipeline-target-role-least-privilege"].kind == "stack"


@pytest.mark.parametrize("stack", STACKS)
def test_shipped_config_sets_every_policy_and_frequency_levels(
    pack_clients: dict[str, PolicyClient], stack: str
) -> None:
    client = pack_clients[stack]
    with open(client.pack_dir / "config" / f"{stack}.json") as f:
        assert set(json.load(f)) == ALL_POLICIES, f"policies/config/{stack}.json"
    level, props = client.effective_config["schedule-frequency"]
    expected = "advisory" if stack == "dev" else "mandatory"
    assert (level, props["minIntervalMinutes"], props["maxRunsPerDay"]) == (expected, 60, 24)


@pytest.mark.parametrize("stack", STACKS)
def test_shipped_stack_passes_its_own_config_without_mandatory_violations(
    pack_clients: dict[str, PolicyClient], stack_runs: dict[str, Any], stack: str
) -> None:
    report = pack_clients[stack].check(stack_runs[stack].resources)
    assert report.mandatory == (), f"stacks/{stack}:\n{_show(report.mandatory)}"


@pytest.mark.parametrize("stack", STACKS)
def test_shipped_stack_passes_in_preview_with_unknown_arns(
    pack_clients: dict[str, PolicyClient], stack_runs: dict[str, Any], stack: str
) -> None:
    preview = _preview(stack_runs[stack].resources)
    assert any(UNKNOWN in json.dumps(r.inputs) for r in preview), "preview made nothing unknown"
    report = pack_clients[stack].check(preview)
    assert report.mandatory == (), f"stacks/{stack} preview:\n{_show(report.mandatory)}"


@pytest.mark.parametrize(
    ("stack", "level"), [("dev", "advisory"), ("staging", "mandatory"), ("prod", "mandatory")]
)
def test_five_minute_schedule_is_rejected_per_environment(
    pack_clients: dict[str, PolicyClient], stack: str, level: str
) -> None:
    found = pack_clients[stack].analyze(_schedule(stack, "rate(5 minutes)"))
    (v,) = [v for v in found if v.policy == "schedule-frequency"]
    assert v.enforcement == level, f"policies/config/{stack}.json schedule-frequency"
    expected = "runs every 5 min (288 runs in 24 h); this stack allows at least 60 min between runs"
    assert expected in v.message
    assert v.urn.endswith("::fast")


def test_invalid_and_past_schedules_are_mandatory_in_prod(
    pack_clients: dict[str, PolicyClient],
) -> None:
    client = pack_clients["prod"]
    invalid = {v.policy: v for v in client.analyze(_schedule("prod", "cron(0 12 * * * *)"))}
    assert invalid["schedule-expression-valid"].enforcement == "mandatory"
    assert (
        "AWS does not allow '*' in both day fields" in invalid["schedule-expression-valid"].message
    )
    past = {v.policy: v for v in client.analyze(_schedule("prod", "at(2020-01-01T00:00:00)"))}
    assert past["schedule-fires-again"].enforcement == "mandatory"


def test_crafted_bad_role_gets_every_iam_verdict_in_prod(
    pack_clients: dict[str, PolicyClient],
) -> None:
    type_ = "aws:iam/role:Role"
    bad = Resource(
        urn=f"urn:pulumi:prod::mlsched::{type_}::bad",
        type=type_,
        name="bad",
        # The provider names the stack's account, so cross-account access is judged per resource.
        provider="urn:pulumi:prod::mlsched::pulumi:providers:aws::default::1",
        provider_inputs={"allowedAccountIds": '["123456789012"]'},
        inputs={
            "assumeRolePolicy": json.dumps(
                {
                    "Statement": [
                        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"},
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": ["events.amazonaws.com", "ec2.amazonaws.com"]},
                            "Action": "sts:AssumeRole",
                        },
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
                            "Action": "sts:AssumeRole",
                        },
                        {
                            "Effect": "Allow",
                            "Principal": {
                                "Federated": "arn:aws:iam::123456789012:oidc-provider/"
                                "token.actions.githubusercontent.com"
                            },
                            "Action": "sts:AssumeRoleWithWebIdentity",
                            "Condition": {
                                "StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}
                            },
                        },
                    ]
                }
            ),
            "inlinePolicies": [
                {
                    "name": "all",
                    "policy": json.dumps(
                        {
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Action": ["sagemaker:*", "iam:PassRole"],
                                    "Resource": "*",
                                },
                                {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
                                {
                                    "Effect": "Allow",
                                    "Action": [
                                        "iam:AttachRolePolicy",
                                        "sagemaker:StartPipelineExecutions",
                                    ],
                                    "Resource": "*",
                                },
                            ]
                        }
                    ),
                }
            ],
            "managedPolicyArns": ["arn:aws:iam::aws:policy/AdministratorAccess"],
        },
    )
    found = pack_clients["prod"].analyze(bad)
    # Stack policies, and the one for Lambda permissions (which are not documents), aside.
    not_for_a_role = {
        "iam-principal-no-privilege-escalation",
        "iam-trust-cross-account-stack",
        "iam-lambda-access-scoped",
    }
    expected = {p for p in ALL_POLICIES if p.startswith("iam-")} - not_for_a_role
    assert {v.policy for v in found} == expected, _show(found)
    assert all(v.enforcement == "mandatory" for v in found), _show(found)


def test_unknown_document_during_preview_is_advisory_not_silent(
    pack_clients: dict[str, PolicyClient],
) -> None:
    type_ = "aws:iam/rolePolicy:RolePolicy"
    res = Resource(
        urn=f"urn:pulumi:prod::mlsched::{type_}::p",
        type=type_,
        name="p",
        inputs={"role": "r", "policy": UNKNOWN},
    )
    found = pack_clients["prod"].analyze(res)
    assert found, "an unknown policy document passed silently"
    for v in found:
        assert v.enforcement == "advisory"
        assert "string value at .policy can't be known during preview" in v.message


def test_prod_role_widened_to_every_pipeline_is_rejected(
    pack_clients: dict[str, PolicyClient], stack_runs: dict[str, Any]
) -> None:
    resources = list(stack_runs["prod"].resources)
    (i,) = [i for i, r in enumerate(resources) if r.name == "feature-refresh-trigger-policy"]
    widened = json.dumps(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "sagemaker:StartPipelineExecution",
                    "Resource": "arn:aws:sagemaker:*:*:pipeline/*",
                }
            ]
        }
    )
    r = resources[i]
    resources[i] = dataclasses.replace(
        r, inputs={**r.inputs, "policy": widened}, outputs={**r.outputs, "policy": widened}
    )
    report = pack_clients["prod"].check(resources)
    (v,) = [v for v in report.mandatory if v.policy == "pipeline-target-role-least-privilege"]
    # The same document is a wildcard resource by meaning: every pipeline of every account.
    (w,) = [v for v in report.mandatory if v.policy == "iam-no-wildcard-resource"]
    assert "every resource of type 'pipeline' in every account" in w.message
    assert v.urn.endswith("::feature-refresh-trigger-role")
    assert 'on "arn:aws:sagemaker:*:*:pipeline/*"' in v.message


def test_preview_policy_depending_on_another_pipeline_is_rejected(
    pack_clients: dict[str, PolicyClient], stack_runs: dict[str, Any]
) -> None:
    resources = _preview(stack_runs["prod"].resources)
    churn = next(r.urn for r in resources if r.name == "churn-training-sagemaker-pipeline")
    (i,) = [i for i, r in enumerate(resources) if r.name == "feature-refresh-trigger-policy"]
    r = resources[i]
    resources[i] = dataclasses.replace(
        r, property_dependencies={**r.property_dependencies, "policy": (churn,)}
    )
    found = pack_clients["prod"].analyze_stack(resources)
    (v,) = [v for v in found if v.mandatory]
    assert "built from pipeline(s) churn-training-sagemaker-pipeline" in v.message
    # The rule role's trust policy names the rule's ARN, so in preview it is unknown: said so.
    (note,) = [v for v in found if not v.mandatory]
    assert "feature-refresh-trigger-role.assumeRolePolicy can't be known during preview" in (
        note.message
    )
