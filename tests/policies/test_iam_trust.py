"""Trust and principal policies (policies/iam_trust.py): conditions judged by what they pin,
principals by whom they let in. A violating and a compliant case per class of issue 9."""

from __future__ import annotations

import json

import pytest
from pulumi_policy.proxy import UnknownValueError

from policies import iam_trust
from tools.policy_client import UNKNOWN

ROLE = "aws:iam/role:Role"
NATIVE_ROLE = "aws-native:iam:Role"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
OWN = "123456789012"
FOREIGN = "999988887777"
ACCOUNTS = {"accountIds": [OWN]}
GITHUB = f"arn:aws:iam::{OWN}:oidc-provider/token.actions.githubusercontent.com"


def trust(principal, condition=None, action="sts:AssumeRole", **extra) -> dict:
    st = {"Effect": "Allow", "Principal": principal, "Action": action, **extra}
    if condition is not None:
        st["Condition"] = condition
    return {"assumeRolePolicy": json.dumps({"Statement": [st]})}


def scheduler(condition=None) -> dict:
    return trust({"Service": "scheduler.amazonaws.com"}, condition)


# --- iam-trust-no-wildcard-principal ---------------------------------------------------------
@pytest.mark.parametrize(
    ("principal", "shown"),
    [
        ("*", "*: *"),
        ({"AWS": "*"}, "AWS: *"),
        ({"AWS": [f"arn:aws:iam::{OWN}:root", "arn:aws:iam::*:root"]}, "AWS: arn:aws:iam::*:root"),
        ({"Service": "*.amazonaws.com"}, "Service: *.amazonaws.com"),
        ({"AWS": f"arn:aws:iam::{OWN}:role/*"}, f"AWS: arn:aws:iam::{OWN}:role/*"),
    ],
)
def test_a_wildcard_anywhere_in_a_principal_is_reported(run, principal, shown) -> None:
    (found,) = run(iam_trust.TRUST_NO_WILDCARD, ROLE, trust(principal))
    assert f"lets in {shown}: a wildcard in a principal matches anyone" in found


def test_allow_with_not_principal_is_reported(run) -> None:
    props = {
        "assumeRolePolicyDocument": {
            "Statement": [
                {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:x"}, "Action": "sts:AssumeRole"}
            ]
        }
    }
    (found,) = run(iam_trust.TRUST_NO_WILDCARD, NATIVE_ROLE, props)
    assert "allows every principal except those in NotPrincipal" in found


def test_named_principals_and_deny_pass(run) -> None:
    assert run(iam_trust.TRUST_NO_WILDCARD, ROLE, scheduler()) == []
    deny = {"assumeRolePolicy": json.dumps({"Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"}
    ]})}  # fmt: skip
    assert run(iam_trust.TRUST_NO_WILDCARD, ROLE, deny) == []


def test_public_resource_policy_limited_to_one_source_passes(run) -> None:
    st = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "sqs:SendMessage",
        "Resource": "arn:aws:sqs:us-east-1:123456789012:q",
    }
    open_ = {"queueUrl": "u", "policy": json.dumps({"Statement": [st]})}
    (found,) = run(iam_trust.TRUST_NO_WILDCARD, QUEUE_POLICY, open_)
    assert "or limit it with a condition on aws:SourceArn" in found
    guarded = {**st, "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:1:t"}}}
    pinned = {"queueUrl": "u", "policy": json.dumps({"Statement": [guarded]})}
    assert run(iam_trust.TRUST_NO_WILDCARD, QUEUE_POLICY, pinned) == []


def test_unknown_principal_is_undecided(run) -> None:
    with pytest.raises(UnknownValueError) as e:
        run(iam_trust.TRUST_NO_WILDCARD, ROLE, trust(UNKNOWN))
    assert "assumeRolePolicy.Statement[0].Principal" in e.value.message


# --- iam-trust-confused-deputy: conditions by meaning ----------------------------------------
@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (None, "no condition pins aws:SourceAccount or aws:SourceArn"),
        ({"StringLike": {"aws:SourceAccount": "*"}}, "StringLike aws:SourceAccount '*' names no"),
        ({"StringNotEquals": {"aws:SourceAccount": OWN}}, "no condition pins"),
        ({"Null": {"aws:SourceAccount": "false"}}, "no condition pins"),
        ({"StringEqualsIfExists": {"aws:SourceAccount": OWN}}, "no condition pins"),
        (
            {"ArnLike": {"aws:SourceArn": "arn:aws:scheduler:*:*:*"}},
            "ArnLike aws:SourceArn 'arn:aws:scheduler:*:*:*' names no single account",
        ),
        (
            {"StringEquals": {"aws:SourceAccount": FOREIGN}},
            f"names account {FOREIGN}, not this stack's",
        ),
    ],
)
def test_conditions_that_pin_nothing_do_not_protect(run, condition, expected) -> None:
    (found,) = run(iam_trust.TRUST_CONFUSED_DEPUTY, ROLE, scheduler(condition), ACCOUNTS)
    assert expected in found, found
    assert "(confused deputy)" in found


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {"aws:SourceAccount": OWN}},
        {"ArnLike": {"aws:SourceArn": f"arn:aws:scheduler:*:{OWN}:schedule-group/*"}},
        {"ForAnyValue:StringEquals": {"aws:SourceAccount": OWN}},
        {"StringEquals": {"aws:SourceAccount": OWN}, "Null": {"aws:SourceArn": "false"}},
    ],
)
def test_conditions_pinning_this_account_protect(run, condition) -> None:
    assert run(iam_trust.TRUST_CONFUSED_DEPUTY, ROLE, scheduler(condition), ACCOUNTS) == []


def test_without_configured_accounts_any_one_literal_account_pins(run) -> None:
    pinned = scheduler({"StringEquals": {"aws:SourceAccount": FOREIGN}})
    assert run(iam_trust.TRUST_CONFUSED_DEPUTY, ROLE, pinned) == []


def test_trusted_accounts_come_from_config(run) -> None:
    pinned = scheduler({"StringEquals": {"aws:SourceAccount": FOREIGN}})
    config = {"accountIds": [OWN], "trustedAccounts": [FOREIGN]}
    assert run(iam_trust.TRUST_CONFUSED_DEPUTY, ROLE, pinned, config) == []


def test_computed_condition_block_is_undecided_not_missing(run) -> None:
    with pytest.raises(UnknownValueError) as e:
        run(iam_trust.TRUST_CONFUSED_DEPUTY, ROLE, scheduler(UNKNOWN))
    assert "assumeRolePolicy.Statement[0].Condition" in e.value.message


def test_computed_condition_value_is_undecided(run) -> None:
    with pytest.raises(UnknownValueError):
        run(
            iam_trust.TRUST_CONFUSED_DEPUTY,
            ROLE,
            scheduler({"ArnEquals": {"aws:SourceArn": UNKNOWN}}),
        )


def test_malformed_condition_operator_is_one_diagnostic(run) -> None:
    (found,) = run(
        iam_trust.TRUST_CONFUSED_DEPUTY,
        ROLE,
        scheduler({"StringEqualz": {"aws:SourceAccount": OWN}}),
    )
    assert "'StringEqualz' is not an IAM condition operator" in found


def test_other_services_are_not_subject_to_the_deputy_rule(run) -> None:
    props = trust({"Service": "sagemaker.amazonaws.com"})
    assert run(iam_trust.TRUST_CONFUSED_DEPUTY, ROLE, props) == []


def test_queue_policy_for_events_is_pinned_to_the_queue_account(run) -> None:
    st = {
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceAccount": FOREIGN}},
    }
    url = f"https://sqs.us-east-1.amazonaws.com/{OWN}/dlq"
    props = {"queueUrl": url, "policy": json.dumps({"Statement": [st]})}
    (found,) = run(iam_trust.TRUST_CONFUSED_DEPUTY, QUEUE_POLICY, props, ACCOUNTS)
    assert f"names account {FOREIGN}" in found
    st["Condition"] = {"StringEquals": {"aws:SourceAccount": OWN}}
    props = {"queueUrl": url, "policy": json.dumps({"Statement": [st]})}
    assert run(iam_trust.TRUST_CONFUSED_DEPUTY, QUEUE_POLICY, props) == []


# --- iam-trust-allowed-services --------------------------------------------------------------
def test_service_outside_the_allow_list_is_reported_and_config_widens_it(run) -> None:
    props = trust({"Service": ["scheduler.amazonaws.com", "ec2.amazonaws.com"]})
    (found,) = run(iam_trust.TRUST_ALLOWED_SERVICES, ROLE, props)
    assert "trusts service ec2.amazonaws.com, which is not in this stack's allow-list" in found
    config = {"allowedServices": ["scheduler.amazonaws.com", "ec2.amazonaws.com"]}
    assert run(iam_trust.TRUST_ALLOWED_SERVICES, ROLE, props, config) == []


# --- iam-trust-cross-account -----------------------------------------------------------------
def test_foreign_account_root_is_reported(run) -> None:
    props = trust({"AWS": f"arn:aws:iam::{FOREIGN}:root"})
    (found,) = run(iam_trust.TRUST_CROSS_ACCOUNT, ROLE, props, ACCOUNTS)
    assert f"arn:aws:iam::{FOREIGN}:root (account {FOREIGN})" in found
    assert "add the account to trustedAccounts" in found


def test_own_and_trusted_accounts_pass(run) -> None:
    props = trust({"AWS": [f"arn:aws:iam::{OWN}:role/ci", FOREIGN]})
    config = {"accountIds": [OWN], "trustedAccounts": [FOREIGN]}
    assert run(iam_trust.TRUST_CROSS_ACCOUNT, ROLE, props, config) == []


def test_resource_policy_may_name_its_own_account(run) -> None:
    st = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{OWN}:role/sender"},
        "Action": "sqs:SendMessage",
        "Resource": "*",
    }
    props = {
        "queueUrl": f"https://sqs.us-east-1.amazonaws.com/{OWN}/dlq",
        "policy": json.dumps({"Statement": [st]}),
    }
    assert run(iam_trust.TRUST_CROSS_ACCOUNT, QUEUE_POLICY, props) == []


def test_computed_principal_is_undecided(run) -> None:
    with pytest.raises(UnknownValueError):
        run(iam_trust.TRUST_CROSS_ACCOUNT, ROLE, trust({"AWS": [UNKNOWN]}), ACCOUNTS)


# --- iam-trust-federated-pinned --------------------------------------------------------------
@pytest.mark.parametrize(
    "condition",
    [
        None,
        {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}},
        {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:org/*"}},
        {"StringNotLike": {"token.actions.githubusercontent.com:sub": "repo:org/app:*"}},
    ],
)
def test_github_trust_without_one_repository_is_reported(run, condition) -> None:
    props = trust({"Federated": GITHUB}, condition, "sts:AssumeRoleWithWebIdentity")
    (found,) = run(iam_trust.TRUST_FEDERATED, ROLE, props)
    assert "token.actions.githubusercontent.com:sub pinned to one repository" in found
    assert "CKV_AWS_358" in found


def test_github_trust_pinned_to_one_repository_passes(run) -> None:
    condition = {
        "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
        "StringLike": {"token.actions.githubusercontent.com:sub": "repo:org/app:environment:prod"},
    }
    props = trust({"Federated": GITHUB}, condition, "sts:AssumeRoleWithWebIdentity")
    assert run(iam_trust.TRUST_FEDERATED, ROLE, props) == []


def test_other_oidc_and_saml_providers_need_a_pinned_subject_or_audience(run) -> None:
    eks = f"arn:aws:iam::{OWN}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"
    (found,) = run(iam_trust.TRUST_FEDERATED, ROLE, trust({"Federated": eks}))
    assert "without a pinned oidc.eks.us-east-1.amazonaws.com/id/ABC:sub" in found
    pinned = {"StringEquals": {"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "system:sa:ns:x"}}
    assert run(iam_trust.TRUST_FEDERATED, ROLE, trust({"Federated": eks}, pinned)) == []
    saml = f"arn:aws:iam::{OWN}:saml-provider/corp"
    (found,) = run(iam_trust.TRUST_FEDERATED, ROLE, trust({"Federated": saml}))
    assert "without a pinned SAML:aud" in found
