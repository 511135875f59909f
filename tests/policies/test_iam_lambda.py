"""iam-lambda-access-scoped over the analyzer protocol (shipped prod config): Lambda access
written as properties (permissions, function URLs, layer permissions), not documents."""

from __future__ import annotations

import pytest

from tests.policies.conftest import prod_resource as res
from tools.policy_client import UNKNOWN, PolicyClient, Resource

POLICY = "iam-lambda-access-scoped"
PERMISSION = "aws:lambda/permission:Permission"


def verdicts(client: PolicyClient, r: Resource) -> list:
    return [v for v in client.analyze(r) if v.policy == POLICY]


@pytest.mark.parametrize(
    ("type_", "inputs", "says"),
    [
        (PERMISSION, {"action": "lambda:InvokeFunction", "function": "f", "principal": "*"},
         "CKV_AWS_301"),
        ("aws-native:lambda:Permission",
         {"action": "lambda:InvokeFunction", "functionName": "f", "principal": "*"}, "anyone"),
        (PERMISSION, {"action": "lambda:InvokeFunctionUrl", "function": "f", "principal": "*",
                      "functionUrlAuthType": "NONE"}, "its function URL to anyone"),
        (PERMISSION, {"action": "lambda:InvokeFunction", "function": "f",
                      "principal": "s3.amazonaws.com"}, "CKV_AWS_364"),
        (PERMISSION, {"action": "lambda:InvokeFunction", "function": "f",
                      "principal": "events.amazonaws.com",
                      "sourceArn": "arn:aws:events:us-east-1:*:rule/r"}, "confused deputy"),
        ("aws:lambda/functionUrl:FunctionUrl", {"functionName": "f", "authorizationType": "NONE"},
         "CKV_AWS_258"),
        ("aws-native:lambda:Url", {"targetFunctionArn": "f", "authType": "NONE"}, "CKV_AWS_258"),
        ("aws:lambda/layerVersionPermission:LayerVersionPermission",
         {"layerName": "l", "versionNumber": 1, "action": "lambda:GetLayerVersion",
          "principal": "*", "statementId": "s"}, "every AWS account"),
    ],
)  # fmt: skip
def test_lambda_access_open_to_anyone_or_to_a_sourceless_service_is_rejected(
    prod, type_, inputs, says
) -> None:
    r = res(type_, inputs)
    found = verdicts(prod, r)
    assert len(found) == 1, f"{r.urn}: {found}"
    assert found[0].enforcement == "mandatory", f"{r.urn}: {found[0].message}"
    assert says in found[0].message, f"{r.urn}: {found[0].message}"


@pytest.mark.parametrize(
    ("type_", "inputs"),
    [
        (PERMISSION, {"action": "lambda:InvokeFunction", "function": "f",
                      "principal": "events.amazonaws.com", "sourceAccount": "123456789012",
                      "sourceArn": "arn:aws:events:us-east-1:123456789012:rule/r"}),
        (PERMISSION, {"action": "lambda:InvokeFunction", "function": "f", "principal": "*",
                      "principalOrgId": "o-a1b2c3d4e5"}),
        (PERMISSION, {"action": "lambda:InvokeFunction", "function": "f",
                      "principal": "arn:aws:iam::123456789012:role/caller"}),
        ("aws:lambda/functionUrl:FunctionUrl", {"functionName": "f",
                                                "authorizationType": "AWS_IAM"}),
        ("aws:lambda/layerVersionPermission:LayerVersionPermission",
         {"layerName": "l", "versionNumber": 1, "action": "lambda:GetLayerVersion",
          "principal": "*", "organizationId": "o-a1b2c3d4e5", "statementId": "s"}),
    ],
)  # fmt: skip
def test_lambda_access_limited_to_a_caller_or_source_passes(prod, type_, inputs) -> None:
    r = res(type_, inputs)
    assert verdicts(prod, r) == [], r.urn


def test_an_unknown_principal_is_the_preview_advisory_not_a_pass(prod) -> None:
    r = res(PERMISSION, {"action": "lambda:InvokeFunction", "function": "f", "principal": UNKNOWN})
    (v,) = verdicts(prod, r)
    assert v.enforcement == "advisory", f"{r.urn}: {v.message}"
    assert "can't be known during preview" in v.message, f"{r.urn}: {v.message}"


def _invoke_by(principal: str) -> Resource:
    return Resource(
        urn=f"urn:pulumi:prod::mlsched::{PERMISSION}::r",
        type=PERMISSION,
        name="r",
        inputs={"action": "lambda:InvokeFunction", "function": "f", "principal": principal},
        provider="urn:pulumi:prod::mlsched::pulumi:providers:aws::default::id-1",
        provider_inputs={"allowedAccountIds": '["123456789012"]'},
    )


def test_a_permission_for_another_account_is_reported_once_the_stacks_account_is_known(prod):
    r = _invoke_by("999999999999")
    (v,) = verdicts(prod, r)
    assert "lets account 999999999999" in v.message, f"{r.urn}: {v.message}"
    assert verdicts(prod, _invoke_by("arn:aws:iam::123456789012:role/caller")) == [], r.urn
