"""Lambda's resource-based access, which Pulumi programs write as properties, not documents.

`aws:lambda/permission` adds one statement to a function's policy from `principal`, `sourceArn`,
`sourceAccount` and `principalOrgId`; a function URL with `authorizationType: NONE` is callable
by anyone who may `lambda:InvokeFunctionUrl`. Judged as IAM would read the statement they write:
https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html and
https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs, ResourceValidationPolicy

from modules.aws import iam_semantics as sem
from policies import settings
from policies.iam_trust import provider_accounts
from policies.values import guarded, is_unknown, plain, show, unknown

# type -> (function property, principal, sourceArn, sourceAccount, principalOrgId, url auth type)
_PERMISSIONS = {
    "aws:lambda/permission:Permission": "function",
    "aws-native:lambda:Permission": "functionName",
}
_URLS = {
    "aws:lambda/functionUrl:FunctionUrl": "authorizationType",
    "aws-native:lambda:Url": "authType",
}
_LAYER = "aws:lambda/layerVersionPermission:LayerVersionPermission"
_SERVICE = re.compile(r"^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$")
PROPS = ("principal", "sourceArn", "sourceAccount", "principalOrgId", "functionUrlAuthType")


def _value(props: Mapping[str, Any], key: str, pending: list[str]) -> Any:
    value = props.get(key)
    if is_unknown(value):
        pending.append(key)
        return None
    return value if isinstance(value, str) and value else None


SCHEMA = {
    "trustedAccounts": {
        "type": "array",
        "items": {"type": "string", "pattern": r"^\d{12}$"},
        "default": [],
        "description": "other AWS accounts that may invoke this stack's functions",
    }
}


def _foreign_account(principal: str, own: set[str], trusted: set[str]) -> str | None:
    """The account an account principal names when it is neither the stack's (known from the
    provider) nor trusted; None when it is one of them or the stack's account is not known."""
    account = sem.principal_account(principal)
    if account is None or not own or account in own | trusted:
        return None
    return account


def _permission_problem(
    props: Mapping[str, Any], pending: list[str], own: set[str], trusted: set[str]
) -> str | None:
    principal = props.get("principal")
    if is_unknown(principal):
        pending.append("principal")
        return None
    if not isinstance(principal, str) or not principal:
        return (
            f"principal is {show(principal)}: name who may invoke the function (a service such "
            "as events.amazonaws.com, an account id or a role ARN)"
        )
    source_arn = _value(props, "sourceArn", pending)
    source_account = _value(props, "sourceAccount", pending)
    org = _value(props, "principalOrgId", pending)
    if source_arn and sem.has_wildcard(
        source_arn.split(":")[4] if source_arn.count(":") >= 5 else ""
    ):
        source_arn = None  # a wildcard in the account part is every account's resource
    if source_account and not re.fullmatch(r"\d{12}", source_account):
        source_account = None
    if sem.has_wildcard(principal):
        if source_arn or source_account or org:
            return None
        auth = props.get("functionUrlAuthType")
        public = "its function URL to anyone" if auth == "NONE" else "the function to anyone"
        return (
            f"principal {principal!r} without sourceArn, sourceAccount or principalOrgId opens "
            f"{public} (checkov CKV_AWS_301). Name the caller, or set principalOrgId / "
            "sourceAccount"
        )
    foreign = _foreign_account(principal, own, trusted)
    if foreign:
        return (
            f"principal {principal} lets account {foreign}, not this stack's "
            f"({', '.join(sorted(own))}), invoke the function (IAM Access Analyzer external "
            "access). Name a principal of this account, or add the account to trustedAccounts "
            "of iam-lambda-access-scoped"
        )
    if _SERVICE.match(principal):
        if source_arn or source_account:
            return None
        return (
            f"principal {principal} without sourceArn or sourceAccount lets that service invoke "
            "the function on behalf of any account's resource (confused deputy, checkov "
            "CKV_AWS_364). Set sourceArn to the rule, bucket or topic that calls it, and "
            "sourceAccount to this account"
        )
    return None


def validate_lambda_access(args: ResourceValidationArgs, report: ReportViolation) -> None:
    t = args.resource_type
    if t not in _PERMISSIONS and t not in _URLS and t != _LAYER:
        return
    props = plain(args.props)
    if not isinstance(props, Mapping):
        return
    pending: list[str] = []
    if t in _PERMISSIONS:
        config = settings.merged(args, SCHEMA)
        provider = getattr(args, "provider", None)
        own = provider_accounts(plain(provider.props) if provider is not None else {})
        trusted = {str(a) for a in config["trustedAccounts"]}
        problem = _permission_problem(props, pending, own, trusted)
        if problem:
            report(f"{problem}.", None)
    elif t in _URLS:
        key = _URLS[t]
        auth = props.get(key)
        if is_unknown(auth):
            pending.append(key)
        elif auth == "NONE":
            report(
                f"{key} NONE makes the function URL callable without AWS credentials "
                "(checkov CKV_AWS_258). Use AWS_IAM and grant lambda:InvokeFunctionUrl to the "
                "callers.",
                None,
            )
    else:
        principal = props.get("principal")
        org = props.get("organizationId")
        if is_unknown(principal) or is_unknown(org):
            pending.append("principal" if is_unknown(principal) else "organizationId")
        elif principal == "*" and not org:
            report(
                "principal * without organizationId shares the layer with every AWS account. "
                "Name the account, or set organizationId.",
                None,
            )
    if pending:
        unknown(pending[0])


LAMBDA_ACCESS = ResourceValidationPolicy(
    name="iam-lambda-access-scoped",
    description="Lambda permissions, function URLs and layer permissions must not open a function "
    "to anyone or to a service without a source (checkov CKV_AWS_301/364/258).",
    validate=guarded((*PROPS, "authorizationType", "authType"), validate_lambda_access),
    config_schema=settings.schema(SCHEMA),
)

POLICIES = [LAMBDA_ACCESS]
