"""Who may act: principals of role trust policies and of resource-based policies.

Principals are judged by what they let in, conditions by what they really pin (see
`modules.aws.iam_semantics`: `StringNotEquals`, `Null`, `...IfExists`, `ForAllValues:` and a
wildcard in a value's account part pin nothing). Accounts are this stack's own (`accountIds`) or a
configured allow-list (`trustedAccounts`), both in policies/config/<stack>.json.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from pulumi_policy import ResourceValidationPolicy

from modules.aws import iam_semantics as sem
from policies import settings
from policies.documents import RESOURCE, TRUST, Statement
from policies.iam import Context, document_validator
from policies.values import as_list, is_unknown, show

ACCOUNTS_SCHEMA = {
    "accountIds": {
        "type": "array",
        "items": {"type": "string", "pattern": r"^\d{12}$"},
        "default": [],
        "description": "this stack's own AWS account ids; empty: any one literal account pins",
    },
    "trustedAccounts": {
        "type": "array",
        "items": {"type": "string", "pattern": r"^\d{12}$"},
        "default": [],
        "description": "other AWS accounts that may be trusted or named in conditions",
    },
}


# Properties that name the resource's own account: a resource policy may always name that one.
_OWN_ARN_KEYS = ("arn", "queueArn", "topicArn", "secretArn", "keyArn")
_SQS_URL = re.compile(r"^https://sqs\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?/(\d{12})/")
_ACCOUNT_ID = re.compile(r"\d{12}", re.ASCII)


def _own_accounts(props: Mapping[str, Any]) -> set[str]:
    out = set()
    for key in _OWN_ARN_KEYS:
        account = sem.arn_account(props.get(key)) if isinstance(props.get(key), str) else None
        if account:
            out.add(account)
    url = props.get("queueUrl")
    m = _SQS_URL.match(url) if isinstance(url, str) else None
    if m:
        out.add(m[1])
    return out


def _decoded(value: Any) -> Any:
    """A provider input as sent: engines send structured provider config as JSON text."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except (ValueError, RecursionError):
            return None
    return value


def provider_accounts(provider: Any) -> set[str]:
    """The accounts an AWS provider can only act in: `allowedAccountIds` (the provider refuses
    to run with credentials of any other account) and the account of the role it assumes
    (`assumeRole`/`assumeRoles` `roleArn`: every call is made there)."""
    if not isinstance(provider, Mapping):
        return set()
    out: set[str] = set()
    for account in as_list(_decoded(provider.get("allowedAccountIds"))):
        if isinstance(account, str) and _ACCOUNT_ID.fullmatch(account):
            out.add(account)
    for key in ("assumeRole", "assumeRoles"):
        for item in as_list(_decoded(provider.get(key))):
            arn = item.get("roleArn") if isinstance(item, Mapping) else None
            account = sem.arn_account(arn) if isinstance(arn, str) else None
            if account and _ACCOUNT_ID.fullmatch(account):
                out.add(account)
    return out


def own_accounts(ctx: Context) -> set[str]:
    """This stack's accounts as far as this resource shows them: `accountIds` (config), the
    provider's accounts, and the account its own ARN or queue URL names."""
    return {
        *(str(a) for a in ctx.config["accountIds"]),
        *provider_accounts(ctx.provider),
        *_own_accounts(ctx.props),
    }


def _accounts(ctx: Context) -> set[str]:
    """This stack's accounts and the trusted ones (config)."""
    return {*own_accounts(ctx), *(str(a) for a in ctx.config["trustedAccounts"])}


def _principal_values(st: Statement, ctx: Context, *keys: str) -> list[Any]:
    if is_unknown(st.principals):
        ctx.unknown(st, "Principal")
    out: list[Any] = []
    for key in (*keys, "*"):
        out.extend(st.principals.get(key, ()))
    return out


def _condition(st: Statement, ctx: Context) -> Mapping[str, Any]:
    if is_unknown(st.condition):
        ctx.unknown(st, "Condition")
    return st.condition or {}


def _pins(st: Statement, ctx: Context, key: str, accept) -> tuple[bool, str | None]:
    """(whether some entry pins `key` to values `accept` takes, why not otherwise)."""
    entries = sem.pinning_entries(_condition(st, ctx), key)
    why = None
    for entry in entries:
        if any(is_unknown(v) for v in entry.values):
            ctx.unknown(st, f"Condition.{entry.operator}.{entry.key}")
        bad = [v for v in entry.values if accept(entry, v) is not True]
        if entry.values and not bad:
            return True, None
        if bad:
            reason = accept(entry, bad[0])
            why = why or f"{entry.operator} {entry.key} {show(bad[0])} {reason}"
    return False, why


# --- iam-trust-no-wildcard-principal ---------------------------------------------------------
# Keys that limit who the caller is, and (resource policies only) which resource or network the
# request comes from: with one pinned, a wildcard principal is one account, organization, role,
# source or endpoint. Which account is then judged by iam-trust-cross-account.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
# kms:CallerAccount is KMS's own name for the caller's account, used by the key policies of AWS
# managed keys (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html).
_PRINCIPAL_GUARDS = (
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalOrgID",
    "kms:CallerAccount",
)
_PUBLIC_GUARDS = (
    *_PRINCIPAL_GUARDS,
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:SourceOwner",
    "aws:SourceVpce",
    "aws:SourceOrgID",
)
# Guards whose values name an account (an id, or an ARN with an account field).
_ACCOUNT_GUARDS = (
    "aws:PrincipalAccount",
    "aws:SourceAccount",
    "aws:SourceOwner",
    "kms:CallerAccount",
)
_ARN_GUARDS = ("aws:PrincipalArn", "aws:SourceArn")
_SOURCE_ACCOUNT_KEYS = ("aws:SourceAccount", "aws:SourceOwner", "aws:SourceArn")


def _literal(entry: sem.ConditionEntry, value: Any) -> bool | str:
    return True if sem.value_is_literal(entry, value) else "is a wildcard or empty"


def _guard_value(entry: sem.ConditionEntry, value: Any) -> bool | str:
    """A literal value, or an ARN pattern whose account part is one account
    (`ArnLike aws:PrincipalArn arn:aws:iam::111122223333:role/ci-*` is that account)."""
    if sem.value_is_literal(entry, value):
        return True
    if entry.key.lower() in {k.lower() for k in _ARN_GUARDS} and sem.account_of_value(entry, value):
        return True
    return "is a wildcard or empty"


def _wildcards(st: Statement) -> list[str]:
    return [
        f"{key}: {v}"
        for key, values in ({} if is_unknown(st.principals) else st.principals).items()
        for v in values
        if isinstance(v, str) and sem.has_wildcard(v)
    ]


def check_wildcard_principal(st: Statement, ctx: Context) -> str | None:
    if st.not_principal:
        return (
            "allows every principal except those in NotPrincipal. List the principals that may "
            "act in Principal instead."
        )
    if is_unknown(st.principals):
        ctx.unknown(st, "Principal")
    wild = _wildcards(st)
    if not wild:
        return None
    # A role trust is assumed by principals, so only keys about the principal limit it;
    # a resource policy may also be limited to a source resource, account or endpoint.
    guards = _PUBLIC_GUARDS if ctx.kind == RESOURCE else _PRINCIPAL_GUARDS
    if any(_pins(st, ctx, k, _guard_value)[0] for k in guards):
        return None
    guard = (
        "aws:SourceArn / aws:PrincipalOrgID / aws:PrincipalAccount"
        if ctx.kind == RESOURCE
        else "aws:PrincipalOrgID / aws:PrincipalAccount / aws:PrincipalArn"
    )
    return (
        f"lets in {', '.join(wild)}: a wildcard in a principal matches anyone. Name the service, "
        f"account or role ARN, e.g. Principal {{Service: scheduler.amazonaws.com}}, or limit it "
        f"with a condition on {guard} (StringEquals, one value)."
    )


TRUST_NO_WILDCARD = ResourceValidationPolicy(
    name="iam-trust-no-wildcard-principal",
    description="Trust and resource policies must not let in a wildcard principal or use "
    "Allow+NotPrincipal (checkov CKV_AWS_60, cfn-nag F6/F16/F18/F20/F21).",
    validate=document_validator((TRUST, RESOURCE), check_wildcard_principal),
)

# --- iam-trust-confused-deputy ---------------------------------------------------------------
DEPUTY_SCHEMA = {
    "services": {
        "type": "array",
        "items": {"type": "string"},
        "default": ["events.amazonaws.com", "scheduler.amazonaws.com"],
        "description": "service principals that must be pinned to a source account or ARN",
    },
    "resourcePolicyServices": {
        "type": "array",
        "items": {"type": "string"},
        "default": ["*.amazonaws.com"],
        "description": "service principals (wildcards allowed) that must be pinned to a source "
        "account or ARN when a resource policy (queue, topic, bucket, key...) names them",
    },
    **ACCOUNTS_SCHEMA,
}


def _account_value(allowed: set[str]):
    def accept(entry: sem.ConditionEntry, value: Any) -> bool | str:
        account = sem.account_of_value(entry, value)
        if account is None:
            return "names no single account (a wildcard, or nothing, in its account part)"
        if allowed and account not in allowed:
            return f"names account {account}, not this stack's (accountIds/trustedAccounts)"
        return True

    return accept


def check_confused_deputy(st: Statement, ctx: Context) -> str | None:
    services = {s.lower() for s in ctx.config["services"]}
    # A resource policy naming a service lets that service act on the resource for any
    # account's request unless aws:SourceArn / aws:SourceAccount say whose; AWS gives this advice
    # for every service it documents: https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
    patterns = ctx.config["resourcePolicyServices"] if ctx.kind == RESOURCE else []
    trusted = sorted(
        s
        for s in _principal_values(st, ctx, "Service")
        if isinstance(s, str)
        and (
            s.lower() in services
            or any(isinstance(p, str) and sem.glob_match(p, s) for p in patterns)
        )
    )
    if not trusted:
        return None
    accept = _account_value(_accounts(ctx))
    why = None
    for key in ("aws:SourceAccount", "aws:SourceArn"):
        ok, reason = _pins(st, ctx, key, accept)
        if ok:
            return None
        why = why or reason
    detail = (
        f"its condition does not pin the source ({why})"
        if why
        else "no condition pins aws:SourceAccount or aws:SourceArn (StringNotEquals, Null, "
        "...IfExists and ForAllValues do not)"
    )
    return (
        f"trusts {', '.join(trusted)} but {detail}, so another account's resource (schedule, "
        "rule, bucket, topic...) could make the service use it (confused deputy). Add Condition "
        '{StringEquals: {"aws:SourceAccount": "<this account id>"}} or an ArnEquals on '
        "aws:SourceArn naming this account's schedule group or rule."
    )


TRUST_CONFUSED_DEPUTY = ResourceValidationPolicy(
    name="iam-trust-confused-deputy",
    description="Trust for EventBridge and Scheduler, and service principals in resource "
    "policies, must pin aws:SourceAccount or aws:SourceArn to this stack's accounts (AWS "
    "cross-service confused deputy prevention, checkov CKV_AWS_364).",
    validate=document_validator((TRUST, RESOURCE), check_confused_deputy, DEPUTY_SCHEMA),
    config_schema=settings.schema(DEPUTY_SCHEMA),
)

# --- iam-trust-allowed-services --------------------------------------------------------------
SERVICES_SCHEMA = {
    "allowedServices": {
        "type": "array",
        "items": {"type": "string"},
        "default": ["scheduler.amazonaws.com", "events.amazonaws.com", "sagemaker.amazonaws.com"],
        "description": "service principals roles may trust",
    }
}


def check_allowed_services(st: Statement, ctx: Context) -> str | None:
    allowed = {s.lower() for s in ctx.config["allowedServices"]}
    others = sorted(
        s
        for s in _principal_values(st, ctx, "Service")
        if isinstance(s, str) and s != "*" and s.lower() not in allowed
    )
    if not others:
        return None
    return (
        f"trusts service {', '.join(others)}, which is not in this stack's allow-list "
        f"({', '.join(sorted(allowed))}). Trust only the services that run the workload, or add it "
        "to iam-trust-allowed-services.allowedServices in policies/config/<stack>.json."
    )


TRUST_ALLOWED_SERVICES = ResourceValidationPolicy(
    name="iam-trust-allowed-services",
    description="Role trust policies may only trust service principals on the stack's allow-list "
    "(complements checkov CKV_AWS_60/CKV_AWS_61).",
    validate=document_validator((TRUST,), check_allowed_services, SERVICES_SCHEMA),
    config_schema=settings.schema(SERVICES_SCHEMA),
)

# --- iam-trust-cross-account -----------------------------------------------------------------
_UNIQUE_ID = re.compile(r"^A[A-Z]{3}[A-Z0-9]{12,}$")


def named_accounts(st: Statement, ctx: Context) -> list[tuple[str, str | None]]:
    """(what, account) for every AWS principal of the statement, and for every account a
    condition limits a wildcard principal to (`Principal: "*"` with `aws:PrincipalAccount`
    999999999999 lets that account in); account None: the value names no account."""
    out: list[tuple[str, str | None]] = []
    for value in _principal_values(st, ctx, "AWS"):
        if is_unknown(value):
            ctx.unknown(st, "Principal.AWS")
        if not isinstance(value, str) or sem.has_wildcard(value):
            continue  # wildcards: iam-trust-no-wildcard-principal
        account = sem.principal_account(value)
        if account is None:
            kind = "a unique id of a deleted principal" if _UNIQUE_ID.match(value) else "no account"
            out.append((f"{value} ({kind})", None))
        else:
            out.append((f"{value} (account {account})", account))
    if _wildcards(st):
        out += _condition_accounts(st, ctx, (*_ACCOUNT_GUARDS, *_ARN_GUARDS), "any principal with")
    return out


def service_source_accounts(st: Statement, ctx: Context) -> list[tuple[str, str | None]]:
    """(what, account) for the accounts on whose behalf a trusted service may act: a role
    trusting events.amazonaws.com with aws:SourceAccount 999999999999 is assumed for that
    account's rules. Judged only where the stack's account is known: the shipped components pin
    the account they look up at deploy time, which no document shows the pack."""
    principals = {} if is_unknown(st.principals) else st.principals
    services = [
        s for s in principals.get("Service", ()) if isinstance(s, str) and not sem.has_wildcard(s)
    ]
    if not services or _wildcards(st):
        return []
    return _condition_accounts(st, ctx, _SOURCE_ACCOUNT_KEYS, f"{', '.join(services)} on behalf of")


def _condition_accounts(
    st: Statement, ctx: Context, keys: tuple[str, ...], who: str
) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for key in keys:
        for entry in sem.pinning_entries(_condition(st, ctx), key):
            for v in entry.values:
                if is_unknown(v):
                    ctx.unknown(st, f"Condition.{entry.operator}.{entry.key}")
                account = sem.account_of_value(entry, v) if isinstance(v, str) else None
                if account:
                    out.append((f"{who} {entry.key} {v}", account))
    return out


def foreign(named: list[tuple[str, str | None]], allowed: set[str]) -> list[str]:
    return [what for what, account in named if account is None or account not in allowed]


def cross_account_message(problems: list[str], why: str) -> str:
    shown = ", ".join(show(p, 200) if len(p) > 200 else p for p in problems[:5])
    more = f" and {len(problems) - 5} more" if len(problems) > 5 else ""
    return (
        f"trusts {shown}{more}, {why}. Trust a principal of an account "
        "you own, or add the account to trustedAccounts of iam-trust-cross-account in "
        "policies/config/<stack>.json."
    )


def check_cross_account(st: Statement, ctx: Context) -> str | None:
    if not own_accounts(ctx):
        # Which account is this stack's is not known from this resource alone (no accountIds,
        # no provider allowedAccountIds or assumed role, no ARN of its own): the stack policy
        # iam-trust-cross-account-stack judges it with every account the stack shows.
        return None
    named = [*named_accounts(st, ctx), *service_source_accounts(st, ctx)]
    problems = foreign(named, _accounts(ctx))
    if not problems:
        return None
    return cross_account_message(
        problems, "which is not one of this stack's accounts or trusted accounts"
    )


TRUST_CROSS_ACCOUNT = ResourceValidationPolicy(
    name="iam-trust-cross-account",
    description="Trust and resource policies may name AWS principals only of this stack's "
    "accounts or a configured allow-list (IAM Access Analyzer external access).",
    validate=document_validator((TRUST, RESOURCE), check_cross_account, ACCOUNTS_SCHEMA),
    config_schema=settings.schema(ACCOUNTS_SCHEMA),
)

# --- iam-trust-federated-pinned --------------------------------------------------------------
# GitHub's subject is repo:<owner>/<repo>:<context>; owner and repo must be literal.
_GITHUB_SUB = re.compile(r"^repo:[^*?/:]+/[^*?/:]+(:.*)?$")
_GITHUB_OWNER = re.compile(r"^repo:(?P<owner>[^*?/:]+)/")
# Web identity providers whose tokens name your application as the audience: pinning it limits
# the role to your application's users. Every other OIDC provider (CI systems, Kubernetes/EKS,
# GitHub) issues tokens for a shared audience such as sts.amazonaws.com, so who the caller is
# lives in `sub` only; the audience itself is checked by IAM against the OIDC provider's client
# id list (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html).
_APP_AUDIENCE = {
    "cognito-identity.amazonaws.com": "aud",
    "accounts.google.com": "aud",
    "graph.facebook.com": "app_id",
    "www.amazon.com": "app_id",
}
FEDERATED_SCHEMA = {
    "githubOwners": {
        "type": "array",
        "items": {"type": "string"},
        "default": [],
        "description": "GitHub owners (organizations) whose every repository may assume a role "
        "(a trust of repo:<owner>/* is then accepted); empty: one repository per trust",
    }
}


def _is_github(provider: str) -> bool:
    # GitHub Enterprise Cloud with a unique issuer: token.actions.githubusercontent.com/<slug>
    # https://docs.github.com/en/enterprise-cloud@latest/actions/reference/security/oidc
    return provider == sem.GITHUB_OIDC or provider.startswith(sem.GITHUB_OIDC + "/")


def _github_sub(owners: set[str]):
    def accept(_entry: sem.ConditionEntry, value: Any) -> bool | str:
        if not isinstance(value, str):
            return "is not a string"
        if _GITHUB_SUB.match(value):
            return True
        m = _GITHUB_OWNER.match(value)
        if m and m["owner"].lower() in owners:
            return True  # a deliberate owner-wide trust, named in githubOwners
        return "does not name one repository (repo:<owner>/<repo>:...)"

    return accept


def _some_literal(entry: sem.ConditionEntry, value: Any) -> bool | str:
    if not isinstance(value, str) or not value.replace("*", "").replace("?", ""):
        return "is only wildcards"
    if entry.wildcards and value[0] in "*?":
        return "starts with a wildcard"
    return True


def check_federated(st: Statement, ctx: Context) -> str | None:
    owners = {str(o).lower() for o in ctx.config["githubOwners"]}
    problems = []
    for value in _principal_values(st, ctx, "Federated"):
        if is_unknown(value):
            ctx.unknown(st, "Principal.Federated")
        provider = sem.federated_provider(value) if isinstance(value, str) else None
        if provider is None or sem.has_wildcard(value):
            continue
        if provider == "saml":
            ok, why = _pins(st, ctx, "SAML:aud", _literal)
            if not ok:
                problems.append(f"{value} without a pinned SAML:aud ({why or 'no condition'})")
            continue
        if _is_github(provider):
            ok, why = _pins(st, ctx, f"{provider}:sub", _github_sub(owners))
            if not ok:
                problems.append(
                    f"{value} without {provider}:sub pinned to one repository "
                    f"({why or 'no condition'}); any GitHub repository could assume it "
                    "(checkov CKV_AWS_358)"
                )
            continue
        if provider in _APP_AUDIENCE:
            key = f"{provider}:{_APP_AUDIENCE[provider]}"
            ok, why = _pins(st, ctx, key, _literal)
            if not ok:
                problems.append(
                    f"{value} without a pinned {key} ({why or 'no condition'}): any "
                    "application's users could assume it"
                )
            continue
        ok, why = _pins(st, ctx, f"{provider}:sub", _some_literal)
        if not ok:
            problems.append(
                f"{value} without a pinned {provider}:sub ({why or 'no condition'}): its "
                "audience is shared by every workload of that issuer, so only the subject says "
                "who (e.g. system:serviceaccount:<namespace>:<name> on EKS)"
            )
    if not problems:
        return None
    return (
        f"trusts identity provider {'; '.join(problems)}. Add Condition "
        '{StringEquals: {"<provider>:aud": "..."}, StringLike: {"<provider>:sub": '
        '"repo:<owner>/<repo>:ref:refs/heads/main"}} naming exactly who may assume the role.'
    )


TRUST_FEDERATED = ResourceValidationPolicy(
    name="iam-trust-federated-pinned",
    description="OIDC and SAML trusts must pin who may assume the role: the token's subject "
    "(one GitHub repository), or a web identity app's audience (checkov CKV_AWS_358).",
    validate=document_validator((TRUST,), check_federated, FEDERATED_SCHEMA),
    config_schema=settings.schema(FEDERATED_SCHEMA),
)

POLICIES = [
    TRUST_NO_WILDCARD,
    TRUST_CONFUSED_DEPUTY,
    TRUST_ALLOWED_SERVICES,
    TRUST_CROSS_ACCOUNT,
    TRUST_FEDERATED,
]
