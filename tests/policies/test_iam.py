"""IAM permission policies (policies/iam.py): each failure class of issue 9 with a violating and a
compliant case, from args shaped as pulumi-policy builds them."""

from __future__ import annotations

import json

import pytest
from pulumi_policy.proxy import UnknownValueError

from policies import iam
from tools.policy_client import UNKNOWN

ROLE = "aws:iam/role:Role"
NATIVE_ROLE = "aws-native:iam:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
POLICY = "aws:iam/policy:Policy"
PIPELINE_ARN = "arn:aws:sagemaker:us-east-1:123456789012:pipeline/churn"
TRUST = json.dumps(
    {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "scheduler.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}},
            }
        ]
    }
)


def doc(*statements: dict, as_string: bool = True):
    body = {"Version": "2012-10-17", "Statement": list(statements)}
    return json.dumps(body) if as_string else body


def allow(action, resource=PIPELINE_ARN, **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def policy(*statements: dict) -> dict:
    return {"policy": doc(*statements)}


# --- malformed documents and containers: one diagnostic naming the property ------------------
@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{oops", "not valid JSON"),
        ("[]", "must be a JSON object with a Statement, got list"),
        ("{}", "has no Statement"),
        (doc(3), "Statement[0] is 3: each statement must be an object"),
        (doc(allow(["s3:GetObject", ["nested"]])), "Statement[0].Action[1] is ['nested']"),
        (doc(allow("s3:GetObject", Effect="allow")), "Statement[0].Effect is 'allow'"),
        (doc({"Effect": "Allow", "Resource": "*"}), "Statement[0] has no Action"),
        ('{"Statement": [{"Effect": "Allow", "Action": ' + "1" * 5000 + "}]}", "not a usable JSON"),
        ("[" * 5000 + "]" * 5000, "not a usable JSON"),
    ],
)
def test_malformed_document_is_one_diagnostic_naming_property_value_and_fix(
    run, document: str, message: str
) -> None:
    (found,) = run(iam.NO_WILDCARD_ACTION, ROLE_POLICY, {"role": "r", "policy": document})
    assert found.startswith("policy is not a valid IAM policy document"), found
    assert message in found
    assert "Fix the document" in found


def test_inline_policies_that_are_not_a_list_are_reported_with_the_fix(run) -> None:
    (found,) = run(iam.NO_WILDCARD_ACTION, ROLE, {"assumeRolePolicy": TRUST, "inlinePolicies": "x"})
    assert found == (
        "inlinePolicies must be a list of {policy: ...} objects, got 'x'. Fix inlinePolicies."
    )


def test_inline_policies_of_one_empty_object_remove_inline_policies_and_pass(run) -> None:
    # pulumi-aws's documented idiom: `inline_policies=[{}]` removes every inline policy.
    props = {"assumeRolePolicy": TRUST, "inlinePolicies": [{}]}
    for p in iam.POLICIES:
        assert run(p, ROLE, props) == [], p.name


# --- iam-actions-known -----------------------------------------------------------------------
def test_misspelt_action_is_a_violation_with_a_did_you_mean(run) -> None:
    (found,) = run(iam.ACTIONS_KNOWN, POLICY, policy(allow("sagemaker:StartPipelineExecutions")))
    assert "'sagemaker:StartPipelineExecutions' is not an action of sagemaker" in found
    assert "did you mean sagemaker:StartPipelineExecution?" in found


def test_misspelt_action_in_a_deny_is_reported_too(run) -> None:
    deny = {"Effect": "Deny", "Action": "s3:DeleteObjekt", "Resource": "*"}
    (found,) = run(iam.ACTIONS_KNOWN, POLICY, policy(deny))
    assert "did you mean s3:DeleteObject?" in found


def test_known_actions_and_matching_patterns_pass(run) -> None:
    found = run(iam.ACTIONS_KNOWN, POLICY, policy(allow(["sagemaker:Describe*", "s3:GetObject"])))
    assert found == []


def test_pattern_matching_no_action_is_reported(run) -> None:
    (found,) = run(iam.ACTIONS_KNOWN, POLICY, policy(allow("sagemaker:Zzz*")))
    assert "'sagemaker:Zzz*' matches no AWS action" in found


def test_unknown_action_entry_is_undecided_not_passed(run) -> None:
    with pytest.raises(UnknownValueError) as e:
        run(iam.ACTIONS_KNOWN, POLICY, policy(allow(["s3:GetObject", UNKNOWN])))
    assert "policy.Statement[0].Action" in e.value.message


# --- iam-no-wildcard-action: by meaning ------------------------------------------------------
@pytest.mark.parametrize(
    ("action", "service"),
    [("iam:**", "iam"), ("sagemaker:?*", "sagemaker"), ("IAM:*", "iam"), ("*", "every service")],
)
def test_every_spelling_of_a_whole_service_is_a_wildcard(run, action: str, service: str) -> None:
    (found,) = run(iam.NO_WILDCARD_ACTION, POLICY, policy(allow(action)))
    assert f"allows {action} (every action of {service})" in found


def test_a_partial_pattern_and_tolerated_services_pass(run) -> None:
    assert run(iam.NO_WILDCARD_ACTION, POLICY, policy(allow("sagemaker:Describe*"))) == []
    tolerated = {"allowedServiceWildcards": ["logs"]}
    assert run(iam.NO_WILDCARD_ACTION, POLICY, policy(allow("logs:*")), tolerated) == []


def test_unknown_whole_action_is_undecided_not_passed(run) -> None:
    with pytest.raises(UnknownValueError) as e:
        run(iam.NO_WILDCARD_ACTION, POLICY, policy(allow(UNKNOWN)))
    assert "policy.Statement[0].Action" in e.value.message


def test_unknown_effect_is_undecided_when_the_statement_would_violate(run) -> None:
    with pytest.raises(UnknownValueError) as e:
        run(iam.NO_WILDCARD_ACTION, POLICY, policy(allow("iam:*", Effect=UNKNOWN)))
    assert "policy.Statement[0].Effect" in e.value.message
    assert run(iam.NO_WILDCARD_ACTION, POLICY, policy(allow("s3:GetObject", Effect=UNKNOWN))) == []


# --- iam-no-wildcard-resource: by meaning ----------------------------------------------------
@pytest.mark.parametrize(
    ("action", "resource", "expected"),
    [
        (
            "sagemaker:StartPipelineExecution",
            "arn:aws:sagemaker:*:*:pipeline/*",
            "every resource of type 'pipeline' in every account",
        ),
        ("s3:GetObject", "arn:aws:s3:::*/*", "every resource of type 'object' in every account"),
        ("kms:Generate*Key", "*", 'kms:GenerateDataKey on "*"'),
    ],
)
def test_resource_patterns_covering_every_resource_are_wildcards(
    run, action: str, resource: str, expected: str
) -> None:
    (found,) = run(iam.NO_WILDCARD_RESOURCE, POLICY, policy(allow(action, resource)))
    assert expected in found, found
    assert "grant them only on the ARNs used" in found


def test_scoped_resources_and_actions_without_resource_types_pass(run) -> None:
    scoped = allow("s3:GetObject", "arn:aws:s3:::example-data/churn/*")
    only_star = allow(["s3:ListAllMyBuckets", "sts:GetCallerIdentity"], "*")
    assert run(iam.NO_WILDCARD_RESOURCE, POLICY, policy(scoped, only_star)) == []


def test_computed_resource_entries_are_arns_not_wildcards(run) -> None:
    assert run(iam.NO_WILDCARD_RESOURCE, POLICY, policy(allow("s3:GetObject", [UNKNOWN]))) == []


def test_tolerated_actions_come_from_config(run) -> None:
    config = {"allowedActions": ["s3:GetObject"]}
    assert run(iam.NO_WILDCARD_RESOURCE, POLICY, policy(allow("s3:GetObject", "*")), config) == []


# --- iam-passrole-scoped ---------------------------------------------------------------------
PASSED = {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}
ROLE_ARN = "arn:aws:iam::123456789012:role/churn-execution"


@pytest.mark.parametrize(
    ("resource", "condition", "expected"),
    [
        ("arn:aws:iam::123456789012:role/*", PASSED, 'on "arn:aws:iam::123456789012:role/*"'),
        (ROLE_ARN, {"StringLike": {"iam:PassedToService": "*"}}, "which does not name the service"),
        (
            ROLE_ARN,
            {"StringNotEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
            "without a condition that pins iam:PassedToService",
        ),
        (ROLE_ARN, None, "without a condition that pins iam:PassedToService"),
    ],
)
def test_passrole_must_name_roles_and_pin_the_service(run, resource, condition, expected) -> None:
    extra = {"Condition": condition} if condition else {}
    (found,) = run(iam.PASSROLE_SCOPED, POLICY, policy(allow("iam:Pass*", resource, **extra)))
    assert expected in found, found


def test_scoped_passrole_with_pinned_service_passes(run) -> None:
    scoped = allow("iam:PassRole", ROLE_ARN, Condition=PASSED)
    assert run(iam.PASSROLE_SCOPED, POLICY, policy(scoped)) == []


def test_computed_passrole_condition_is_undecided(run) -> None:
    with pytest.raises(UnknownValueError) as e:
        run(iam.PASSROLE_SCOPED, POLICY, policy(allow("iam:PassRole", ROLE_ARN, Condition=UNKNOWN)))
    assert "policy.Statement[0].Condition" in e.value.message


def test_allow_not_action_still_grants_passrole(run) -> None:
    st = {"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}
    (found,) = run(iam.PASSROLE_SCOPED, POLICY, policy(st))
    assert 'iam:PassRole on "*"' in found


# --- iam-no-privilege-escalation / iam-permissions-management-scoped -------------------------
def test_put_role_policy_on_every_role_is_privilege_escalation(run) -> None:
    (found,) = run(iam.NO_PRIVILEGE_ESCALATION, POLICY, policy(allow("iam:PutRolePolicy", "*")))
    assert "PutRolePolicy (iam:PutRolePolicy: writes an inline policy into a role)" in found


def test_escalation_across_statements_is_seen(run) -> None:
    found = run(
        iam.NO_PRIVILEGE_ESCALATION,
        POLICY,
        policy(allow("iam:PassRole", "*"), allow("ec2:RunInstances", "*")),
    )
    assert len(found) == 1
    assert "PassRoleToEC2" in found[0]


def test_escalation_actions_on_named_resources_pass(run) -> None:
    scoped = allow(["iam:PutRolePolicy", "iam:AttachRolePolicy"], ROLE_ARN)
    assert run(iam.NO_PRIVILEGE_ESCALATION, POLICY, policy(scoped)) == []


def test_permissions_management_on_every_resource_without_condition_is_reported(run) -> None:
    (found,) = run(
        iam.PERMISSIONS_MANAGEMENT_SCOPED, POLICY, policy(allow("iam:CreatePolicyVersion", "*"))
    )
    assert "permissions-management action(s) (iam:CreatePolicyVersion)" in found


def test_permissions_management_with_a_condition_or_named_resource_passes(run) -> None:
    bounded = allow(
        "iam:AttachRolePolicy",
        "*",
        Condition={"StringEquals": {"iam:PermissionsBoundary": "arn:aws:iam::1:policy/b"}},
    )
    named = allow("iam:AttachRolePolicy", ROLE_ARN)
    assert run(iam.PERMISSIONS_MANAGEMENT_SCOPED, POLICY, policy(bounded, named)) == []


# --- iam-no-allow-not-action-or-resource -----------------------------------------------------
def test_allow_with_not_action_is_reported_and_deny_passes(run) -> None:
    st = {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
    (found,) = run(iam.NO_NOT_ACTION, POLICY, policy(st))
    assert "uses Allow with NotAction" in found
    assert run(iam.NO_NOT_ACTION, POLICY, policy({**st, "Effect": "Deny"})) == []


# --- every document-bearing resource type ----------------------------------------------------
WILD = doc(allow("iam:*", "*"))
WILD_OBJECT = doc(allow("iam:*", "*"), as_string=False)


@pytest.mark.parametrize(
    ("type_", "props", "label"),
    [
        ("aws:iam/userPolicy:UserPolicy", {"user": "u", "policy": WILD}, "policy"),
        ("aws:iam/groupPolicy:GroupPolicy", {"group": "g", "policy": WILD}, "policy"),
        ("aws-native:iam:User", {"policies": [{"policyDocument": WILD_OBJECT}]}, "policies[0]"),
        ("aws-native:iam:Group", {"policies": [{"policyDocument": WILD_OBJECT}]}, "policies[0]"),
        ("aws-native:iam:UserPolicy", {"policyDocument": WILD_OBJECT}, "policyDocument"),
        ("aws-native:iam:GroupPolicy", {"policyDocument": WILD_OBJECT}, "policyDocument"),
        ("aws-native:iam:ManagedPolicy", {"policyDocument": WILD_OBJECT}, "policyDocument"),
    ],
)
def test_identity_documents_of_every_type_are_judged(run, type_, props, label) -> None:
    (found,) = run(iam.NO_WILDCARD_ACTION, type_, props)
    assert found.startswith(label), found


QUEUE_POLICY = doc(
    {
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": "sqs:*",
        "Resource": "arn:aws:sqs:us-east-1:123456789012:dlq",
    }
)


@pytest.mark.parametrize(
    ("type_", "props"),
    [
        ("aws:sqs/queuePolicy:QueuePolicy", {"queueUrl": "u", "policy": QUEUE_POLICY}),
        ("aws:sns/topicPolicy:TopicPolicy", {"arn": "a", "policy": QUEUE_POLICY}),
        ("aws:s3/bucketPolicy:BucketPolicy", {"bucket": "b", "policy": QUEUE_POLICY}),
        ("aws-native:sqs:QueueInlinePolicy", {"policyDocument": json.loads(QUEUE_POLICY)}),
        ("aws-native:kms:Key", {"keyPolicy": json.loads(QUEUE_POLICY)}),
    ],
)
def test_resource_policies_are_judged_for_actions(run, type_, props) -> None:
    (found,) = run(iam.NO_WILDCARD_ACTION, type_, props)
    assert "allows sqs:* (every action of sqs)" in found


def test_resource_policy_without_principal_is_malformed(run) -> None:
    (found,) = run(
        iam.NO_WILDCARD_ACTION, "aws:sqs/queuePolicy:QueuePolicy", policy(allow("sqs:SendMessage"))
    )
    assert "Statement[0] has no Principal" in found


def test_identity_policy_with_a_principal_is_malformed(run) -> None:
    (found,) = run(iam.NO_WILDCARD_ACTION, POLICY, policy(allow("s3:GetObject", Principal="*")))
    assert "names a Principal, which an identity policy cannot" in found


def test_unknown_document_is_undecided(run) -> None:
    with pytest.raises(UnknownValueError) as e:
        run(iam.NO_WILDCARD_ACTION, ROLE_POLICY, {"role": "r", "policy": UNKNOWN})
    assert "policy" in e.value.message


# --- iam-managed-policy-deny-list ------------------------------------------------------------
@pytest.mark.parametrize(
    ("type_", "props", "name"),
    [
        (
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            {"role": "r", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
            "AdministratorAccess",
        ),
        (
            ROLE,
            {"managedPolicyArns": ["arn:aws:iam::aws:policy/AdministratorAccess-Amplify"]},
            "AdministratorAccess-Amplify",
        ),
        (
            "aws:iam/policyAttachment:PolicyAttachment",
            {"roles": ["r"], "policyArn": "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"},
            "AmazonSageMakerFullAccess",
        ),
        (
            "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
            {
                "roleName": "r",
                "policyArns": ["arn:aws-cn:iam::aws:policy/job-function/PowerUserAccess"],
            },
            "PowerUserAccess",
        ),
        (
            "aws:iam/userPolicyAttachment:UserPolicyAttachment",
            {"user": "u", "policyArn": "arn:aws:iam::aws:policy/IAMFullAccess"},
            "IAMFullAccess",
        ),
        (
            "aws-native:iam:Group",
            {"managedPolicyArns": ["arn:aws:iam::aws:policy/AdministratorAccess"]},
            "AdministratorAccess",
        ),
    ],
)
def test_deny_listed_aws_managed_policies_are_reported(run, type_, props, name) -> None:
    (found,) = run(iam.MANAGED_DENY_LIST, type_, props)
    assert f"attaches AWS-managed policy {name} (" in found


def test_customer_managed_policy_named_full_access_is_judged_by_its_document(run) -> None:
    props = {"managedPolicyArns": ["arn:aws:iam::123456789012:policy/PipelineFullAccess"]}
    assert run(iam.MANAGED_DENY_LIST, ROLE, props) == []


def test_harmless_aws_managed_policy_passes(run) -> None:
    props = {"managedPolicyArns": ["arn:aws:iam::aws:policy/AmazonSageMakerReadOnly"]}
    assert run(iam.MANAGED_DENY_LIST, ROLE, props) == []


def test_malformed_and_unknown_attachments_are_never_passed_silently(run) -> None:
    (found,) = run(iam.MANAGED_DENY_LIST, ROLE, {"managedPolicyArns": [["x"]]})
    assert found.startswith("managedPolicyArns[0] is [['x']]") or "managedPolicyArns[0]" in found
    with pytest.raises(UnknownValueError) as e:
        run(iam.MANAGED_DENY_LIST, ROLE, {"managedPolicyArns": [UNKNOWN]})
    assert "managedPolicyArns[0]" in e.value.message


def test_deny_list_comes_from_config(run) -> None:
    props = {"managedPolicyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]}
    (found,) = run(iam.MANAGED_DENY_LIST, ROLE, props, {"deniedPolicies": ["ReadOnly*"]})
    assert "denied by 'ReadOnly*'" in found


# --- never crash -----------------------------------------------------------------------------
def test_a_shape_nobody_foresaw_becomes_a_diagnostic_not_a_crash(run, monkeypatch) -> None:
    def boom(*_a, **_k):
        raise TypeError("unhashable type: 'list'")

    monkeypatch.setattr(iam.sem, "covers_whole_service", boom)
    (found,) = run(iam.NO_WILDCARD_ACTION, POLICY, policy(allow("s3:GetObject")))
    assert found.startswith("could not judge ")
    assert "TypeError: unhashable type: 'list'" in found
