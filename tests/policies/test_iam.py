"""IAM policies, from args shaped as pulumi-policy builds them, for every covered resource type."""

from __future__ import annotations

import json

import pytest
from pulumi_policy.proxy import UnknownValueError

from policies import iam
from policies.documents import DocumentError, parse_document
from tools.policy_client import UNKNOWN

ROLE = "aws:iam/role:Role"
NATIVE_ROLE = "aws-native:iam:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
POLICY = "aws:iam/policy:Policy"
NATIVE_ROLE_POLICY = "aws-native:iam:RolePolicy"
MANAGED = "aws-native:iam:ManagedPolicy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
SCHEDULER_TRUST = {
    "Effect": "Allow",
    "Principal": {"Service": "scheduler.amazonaws.com"},
    "Action": "sts:AssumeRole",
    "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}},
}


def doc(*statements: dict, as_string: bool = True, single: bool = False):
    body = {"Version": "2012-10-17", "Statement": statements[0] if single else list(statements)}
    return json.dumps(body) if as_string else body


def role(trust, *inline) -> dict:
    return {
        "assumeRolePolicy": trust,
        "inlinePolicies": [{"name": f"p{i}", "policy": p} for i, p in enumerate(inline)],
    }


def native_role(trust, *inline) -> dict:
    return {
        "assumeRolePolicyDocument": trust,
        "policies": [{"policyName": f"p{i}", "policyDocument": p} for i, p in enumerate(inline)],
    }


def allow(action, resource="arn:aws:sagemaker:us-east-1:1:pipeline/p", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


# --- documents -------------------------------------------------------------------------------
def test_document_as_object_with_single_statement_and_string_fields_is_normalised() -> None:
    (st,) = parse_document(doc(allow("s3:GetObject", "arn:b"), as_string=False, single=True))
    assert st.actions == ("s3:GetObject",)
    assert st.resources == ("arn:b",)
    assert st.allows


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{oops", "not valid JSON"),
        ("[]", "must be a JSON object"),
        ("{}", "has no Statement"),
        (json.dumps({"Statement": [3]}), "statement 0 must be an object"),
        (json.dumps({"Statement": [{"Principal": 5}]}), r'Principal must be "\*" or an object'),
    ],
)
def test_malformed_documents_are_explained(document: str, message: str) -> None:
    with pytest.raises(DocumentError, match=message):
        parse_document(document)


def test_unknown_statement_list_or_entry_makes_the_document_unknown() -> None:
    assert parse_document({"Statement": UNKNOWN}) is parse_document(UNKNOWN)
    assert parse_document({"Statement": [UNKNOWN]}) is parse_document(UNKNOWN)


def test_invalid_document_is_reported_by_document_policies(run) -> None:
    (message,) = run(iam.NO_WILDCARD_ACTION, ROLE_POLICY, {"policy": "{oops"})
    assert message.startswith("policy is not a valid IAM policy document: not valid JSON")


# --- iam-trust-no-wildcard-principal ---------------------------------------------------------
@pytest.mark.parametrize("principal", ["*", {"AWS": "*"}, {"AWS": ["arn:aws:iam::1:root", "*"]}])
def test_wildcard_principal_in_trust_is_reported(run, principal) -> None:
    trust = doc({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"})
    (message,) = run(iam.TRUST_NO_WILDCARD, ROLE, role(trust))
    assert message.startswith('assumeRolePolicy statement 0: trusts Principal "*"'), message


def test_allow_with_not_principal_in_trust_is_reported(run) -> None:
    trust = doc({"Effect": "Allow", "NotPrincipal": {"AWS": "arn:x"}, "Action": "sts:AssumeRole"})
    (message,) = run(iam.TRUST_NO_WILDCARD, NATIVE_ROLE, native_role(json.loads(trust)))
    assert "Allow with NotPrincipal" in message


def test_service_principal_trust_passes_the_wildcard_check(run) -> None:
    assert run(iam.TRUST_NO_WILDCARD, ROLE, role(doc(SCHEDULER_TRUST))) == []
    deny = doc({"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"})
    assert run(iam.TRUST_NO_WILDCARD, ROLE, role(deny)) == []


def test_unknown_trust_document_is_reported_as_unknown(run) -> None:
    with pytest.raises(UnknownValueError) as e:
        run(iam.TRUST_NO_WILDCARD, ROLE, role(UNKNOWN))
    assert "assumeRolePolicy" in e.value.message


# --- iam-trust-confused-deputy ---------------------------------------------------------------
@pytest.mark.parametrize("service", ["scheduler.amazonaws.com", "events.amazonaws.com"])
def test_events_and_scheduler_trust_without_source_condition_is_reported(run, service) -> None:
    trust = doc({"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"})
    (message,) = run(iam.TRUST_CONFUSED_DEPUTY, ROLE, role(trust))
    assert f"trusts {service} without an aws:SourceAccount or aws:SourceArn condition" in message


def test_source_arn_condition_pins_the_trust(run) -> None:
    pinned = {**SCHEDULER_TRUST, "Condition": {"ArnLike": {"aws:SourceArn": "arn:x"}}}
    assert run(iam.TRUST_CONFUSED_DEPUTY, ROLE, role(doc(pinned))) == []
    assert run(iam.TRUST_CONFUSED_DEPUTY, ROLE, role(doc(SCHEDULER_TRUST))) == []


def test_other_services_are_not_subject_to_the_deputy_rule(run) -> None:
    trust = doc(
        {
            "Effect": "Allow",
            "Principal": {"Service": "sagemaker.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    )
    assert run(iam.TRUST_CONFUSED_DEPUTY, ROLE, role(trust)) == []


def test_unknown_condition_is_reported_as_unknown(run) -> None:
    with pytest.raises(UnknownValueError) as e:
        run(
            iam.TRUST_CONFUSED_DEPUTY,
            NATIVE_ROLE,
            native_role({"Statement": [{**SCHEDULER_TRUST, "Condition": UNKNOWN}]}),
        )
    assert "Condition" in e.value.message


# --- iam-trust-allowed-services --------------------------------------------------------------
def test_service_outside_the_allow_list_is_reported(run) -> None:
    trust = doc(
        {
            "Effect": "Allow",
            "Principal": {"Service": ["lambda.amazonaws.com", "scheduler.amazonaws.com"]},
            "Action": "sts:AssumeRole",
        }
    )
    (message,) = run(iam.TRUST_ALLOWED_SERVICES, ROLE, role(trust))
    assert "trusts service lambda.amazonaws.com, which is not in this stack's allow-list" in message


def test_allow_list_comes_from_config(run) -> None:
    trust = doc(
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    )
    assert (
        run(
            iam.TRUST_ALLOWED_SERVICES,
            ROLE,
            role(trust),
            {"allowedServices": ["lambda.amazonaws.com"]},
        )
        == []
    )
    assert (
        run(iam.TRUST_ALLOWED_SERVICES, ROLE, role(doc({**SCHEDULER_TRUST, "Effect": "Deny"})))
        == []
    )


# --- iam-no-wildcard-action ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("type_", "props"),
    [
        (ROLE_POLICY, {"policy": doc(allow("*", "*"))}),
        (POLICY, {"policy": doc(allow(["s3:GetObject", "sagemaker:*"]))}),
        (NATIVE_ROLE_POLICY, {"policyDocument": doc(allow("*"), as_string=False)}),
        (MANAGED, {"policyDocument": doc(allow("iam:*"), as_string=False, single=True)}),
        (ROLE, role(doc(SCHEDULER_TRUST), doc(allow("*")))),
        (NATIVE_ROLE, native_role(doc(SCHEDULER_TRUST, as_string=False), doc(allow("*")))),
    ],
)
def test_wildcard_actions_are_reported_for_every_document_type(run, type_, props) -> None:
    found = run(iam.NO_WILDCARD_ACTION, type_, props)
    assert len(found) == 1, f"{type_}: {found}"
    assert "statement 0: allows " in found[0]
    assert "List the actions the workload calls" in found[0]


def test_explicit_actions_and_tolerated_services_pass(run) -> None:
    props = {"policy": doc(allow(["sagemaker:StartPipelineExecution"]), allow("logs:*"))}
    assert (
        run(iam.NO_WILDCARD_ACTION, ROLE_POLICY, props, {"allowedServiceWildcards": ["logs"]}) == []
    )


def test_known_documents_are_judged_before_an_unknown_one_is_reported(run) -> None:
    messages = []
    with pytest.raises(UnknownValueError) as e:
        messages = run(iam.NO_WILDCARD_ACTION, ROLE, role(doc(SCHEDULER_TRUST), UNKNOWN))
    assert "inlinePolicies[0].policy" in e.value.message
    assert messages == []


def test_unknown_inline_policy_list_is_reported_as_unknown(run) -> None:
    with pytest.raises(UnknownValueError) as e:
        run(iam.NO_WILDCARD_ACTION, NATIVE_ROLE, {"policies": UNKNOWN})
    assert "policies" in e.value.message


def test_unknown_entries_cannot_be_wildcards_and_do_not_block(run) -> None:
    props = {"policy": {"Statement": [allow(["sagemaker:StartPipelineExecution", UNKNOWN])]}}
    assert run(iam.NO_WILDCARD_ACTION, ROLE_POLICY, props) == []


def test_non_document_resources_are_ignored(run) -> None:
    assert run(iam.NO_WILDCARD_ACTION, "aws:sqs/queue:Queue", {"policy": "{}"}) == []


# --- iam-no-wildcard-resource ----------------------------------------------------------------
def test_start_pipeline_execution_on_star_is_reported(run) -> None:
    props = {"policy": doc(allow("sagemaker:StartPipelineExecution", "*"))}
    (message,) = run(iam.NO_WILDCARD_RESOURCE, ROLE_POLICY, props)
    assert message.startswith(
        'policy statement 0: grants sagemaker:StartPipelineExecution on Resource "*"'
    )


def test_service_wildcard_on_star_names_the_scopable_actions_it_covers(run) -> None:
    props = {"policy": doc(allow("sagemaker:*", ["*"]))}
    (message,) = run(iam.NO_WILDCARD_RESOURCE, ROLE_POLICY, props)
    assert "sagemaker:DeletePipeline, sagemaker:DescribePipeline*" in message
    assert " ..." in message


def test_unscopable_action_on_star_and_scoped_grant_pass(run) -> None:
    props = {
        "policy": doc(
            allow("sagemaker:ListPipelines", "*"), allow("sagemaker:StartPipelineExecution")
        )
    }
    assert run(iam.NO_WILDCARD_RESOURCE, ROLE_POLICY, props) == []


# --- iam-passrole-scoped ---------------------------------------------------------------------
def test_passrole_on_star_without_condition_is_reported(run) -> None:
    (message,) = run(iam.PASSROLE_SCOPED, POLICY, {"policy": doc(allow("iam:PassRole", "*"))})
    assert 'allows iam:PassRole on Resource "*" and without an iam:PassedToService' in message


def test_passrole_with_wildcard_action_family_is_caught(run) -> None:
    (message,) = run(iam.PASSROLE_SCOPED, POLICY, {"policy": doc(allow("iam:Pass*", "arn:r"))})
    assert "without an iam:PassedToService condition" in message


def test_scoped_passrole_with_condition_passes(run) -> None:
    st = allow(
        "iam:PassRole",
        "arn:aws:iam::1:role/x",
        Condition={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
    )
    assert run(iam.PASSROLE_SCOPED, POLICY, {"policy": doc(st)}) == []
    assert run(iam.PASSROLE_SCOPED, POLICY, {"policy": doc(allow("s3:GetObject"))}) == []


def test_passrole_with_unknown_condition_is_reported_as_unknown(run) -> None:
    with pytest.raises(UnknownValueError):
        run(
            iam.PASSROLE_SCOPED,
            MANAGED,
            {"policyDocument": {"Statement": [allow("iam:PassRole", Condition=UNKNOWN)]}},
        )


# --- iam-no-allow-not-action-or-resource -----------------------------------------------------
def test_allow_with_not_action_and_not_resource_is_reported(run) -> None:
    st = {"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:x"}
    (message,) = run(iam.NO_NOT_ACTION, ROLE_POLICY, {"policy": doc(st)})
    assert "uses Allow with NotAction and NotResource" in message


def test_deny_with_not_action_passes(run) -> None:
    st = {"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"}
    assert run(iam.NO_NOT_ACTION, ROLE_POLICY, {"policy": doc(st, allow("s3:GetObject"))}) == []


# --- iam-managed-policy-deny-list ------------------------------------------------------------
@pytest.mark.parametrize(
    ("type_", "props", "name"),
    [
        (
            ATTACHMENT,
            {"role": "r", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
            "AdministratorAccess",
        ),
        (
            ROLE,
            {"managedPolicyArns": ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"]},
            "AmazonSageMakerFullAccess",
        ),
        (
            NATIVE_ROLE,
            {"managedPolicyArns": ["arn:aws:iam::aws:policy/IAMFullAccess"]},
            "IAMFullAccess",
        ),
    ],
)
def test_deny_listed_managed_policies_are_reported(run, type_, props, name) -> None:
    (message,) = run(iam.MANAGED_DENY_LIST, type_, props)
    assert message.startswith(f"attaches managed policy {name} ("), message


def test_deny_list_is_configurable_and_computed_arns_are_left_to_document_policies(run) -> None:
    props = {"managedPolicyArns": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", UNKNOWN]}
    assert run(iam.MANAGED_DENY_LIST, ROLE, props) == []
    assert run(iam.MANAGED_DENY_LIST, ROLE, props, {"deniedPolicies": ["*ReadOnly*"]}) != []
    assert run(iam.MANAGED_DENY_LIST, POLICY, {"policy": doc(allow("*"))}) == []
