"""IAM policy documents in every shape the providers send them, validated and normalised.

A document arrives as a JSON string (pulumi-aws) or an object (aws-native); `Statement` as a list
or a single object; `Action`/`Resource`/`Principal` entries as a string or a list. Values computed
from other resources' outputs are `UNKNOWN` during preview (see policies.values).

`SOURCES` is the one registry of where documents live, per resource type (like checkov's
supported resources); `ATTACHMENTS` the one registry of managed-policy ARNs attached to identities.
Every policy and the stack least-privilege check read these, so a type added here is judged
everywhere.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from modules.aws import iam_semantics as sem
from policies.values import TOO_DEEP, UNKNOWN, as_list, dig, is_unknown, plain, show

TRUST = "trust"  # a role's trust policy: Principal, no Resource
PERMISSIONS = "permissions"  # an identity policy: Resource, no Principal
RESOURCE = (
    "resource"  # a resource-based policy (queue, topic, bucket, key...): Principal and Resource
)

# resource type -> ((property path, kind), ...); "list[].key" walks a list of objects.
SOURCES: dict[str, tuple[tuple[str, str], ...]] = {
    # pulumi-aws
    "aws:iam/role:Role": (("assumeRolePolicy", TRUST), ("inlinePolicies[].policy", PERMISSIONS)),
    "aws:iam/rolePolicy:RolePolicy": (("policy", PERMISSIONS),),
    "aws:iam/userPolicy:UserPolicy": (("policy", PERMISSIONS),),
    "aws:iam/groupPolicy:GroupPolicy": (("policy", PERMISSIONS),),
    "aws:iam/policy:Policy": (("policy", PERMISSIONS),),
    "aws:sqs/queue:Queue": (("policy", RESOURCE),),
    "aws:sqs/queuePolicy:QueuePolicy": (("policy", RESOURCE),),
    "aws:sns/topic:Topic": (("policy", RESOURCE),),
    "aws:sns/topicPolicy:TopicPolicy": (("policy", RESOURCE),),
    "aws:s3/bucket:Bucket": (("policy", RESOURCE),),
    "aws:s3/bucketPolicy:BucketPolicy": (("policy", RESOURCE),),
    "aws:kms/key:Key": (("policy", RESOURCE),),
    "aws:kms/keyPolicy:KeyPolicy": (("policy", RESOURCE),),
    "aws:ecr/repositoryPolicy:RepositoryPolicy": (("policy", RESOURCE),),
    "aws:secretsmanager/secretPolicy:SecretPolicy": (("policy", RESOURCE),),
    "aws:cloudwatch/eventBusPolicy:EventBusPolicy": (("policy", RESOURCE),),
    "aws:s3/bucketV2:BucketV2": (("policy", RESOURCE),),
    "aws:s3/accessPoint:AccessPoint": (("policy", RESOURCE),),
    "aws:s3control/accessPointPolicy:AccessPointPolicy": (("policy", RESOURCE),),
    "aws:secretsmanager/secret:Secret": (("policy", RESOURCE),),
    "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy": (
        ("resourcePolicy", RESOURCE),
    ),
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": (("policyDocument", RESOURCE),),
    "aws:ecr/registryPolicy:RegistryPolicy": (("policy", RESOURCE),),
    "aws:efs/fileSystemPolicy:FileSystemPolicy": (("policy", RESOURCE),),
    "aws:backup/vaultPolicy:VaultPolicy": (("policy", RESOURCE),),
    "aws:dynamodb/resourcePolicy:ResourcePolicy": (("policy", RESOURCE),),
    "aws:kinesis/resourcePolicy:ResourcePolicy": (("policy", RESOURCE),),
    "aws:apigateway/restApiPolicy:RestApiPolicy": (("policy", RESOURCE),),
    "aws:opensearch/domainPolicy:DomainPolicy": (("accessPolicies", RESOURCE),),
    "aws:glacier/vault:Vault": (("accessPolicy", RESOURCE),),
    # aws-native (CloudFormation's shapes: documents are objects)
    "aws-native:iam:Role": (
        ("assumeRolePolicyDocument", TRUST),
        ("policies[].policyDocument", PERMISSIONS),
    ),
    "aws-native:iam:User": (("policies[].policyDocument", PERMISSIONS),),
    "aws-native:iam:Group": (("policies[].policyDocument", PERMISSIONS),),
    "aws-native:iam:RolePolicy": (("policyDocument", PERMISSIONS),),
    "aws-native:iam:UserPolicy": (("policyDocument", PERMISSIONS),),
    "aws-native:iam:GroupPolicy": (("policyDocument", PERMISSIONS),),
    "aws-native:iam:ManagedPolicy": (("policyDocument", PERMISSIONS),),
    "aws-native:sqs:QueueInlinePolicy": (("policyDocument", RESOURCE),),
    "aws-native:sns:TopicPolicy": (("policyDocument", RESOURCE),),
    "aws-native:sns:TopicInlinePolicy": (("policyDocument", RESOURCE),),
    "aws-native:s3:BucketPolicy": (("policyDocument", RESOURCE),),
    "aws-native:kms:Key": (("keyPolicy", RESOURCE),),
    "aws-native:ecr:Repository": (("repositoryPolicyText", RESOURCE),),
    "aws-native:secretsmanager:ResourcePolicy": (("resourcePolicy", RESOURCE),),
    "aws-native:sagemaker:ModelPackageGroup": (("modelPackageGroupPolicy", RESOURCE),),
    "aws-native:logs:ResourcePolicy": (("policyDocument", RESOURCE),),
    "aws-native:ecr:RegistryPolicy": (("policyText", RESOURCE),),
    "aws-native:s3:AccessPoint": (("policy", RESOURCE),),
    "aws-native:efs:FileSystem": (("fileSystemPolicy", RESOURCE),),
    "aws-native:events:EventBus": (("policy", RESOURCE),),
    "aws-native:kinesis:ResourcePolicy": (("resourcePolicy", RESOURCE),),
    "aws-native:dynamodb:Table": (("resourcePolicy.policyDocument", RESOURCE),),
    "aws-native:backup:BackupVault": (("accessPolicy", RESOURCE),),
    "aws-native:opensearchservice:Domain": (("accessPolicies", RESOURCE),),
}
# Not here on purpose: VPC endpoint policies (`aws:ec2/vpcEndpointPolicy`), whose `Principal: "*"`
# is the documented norm (they limit what passes through the endpoint, they grant nothing), and
# Lambda permissions, which are not documents (policies.iam_lambda judges them).

# resource type -> properties holding managed-policy ARNs (one ARN or a list) it attaches.
ATTACHMENTS: dict[str, tuple[str, ...]] = {
    "aws:iam/role:Role": ("managedPolicyArns",),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ("policyArn",),
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": ("policyArns",),
    "aws:iam/policyAttachment:PolicyAttachment": ("policyArn",),
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": ("policyArn",),
    "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive": ("policyArns",),
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": ("policyArn",),
    "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive": ("policyArns",),
    "aws-native:iam:Role": ("managedPolicyArns",),
    "aws-native:iam:User": ("managedPolicyArns",),
    "aws-native:iam:Group": ("managedPolicyArns",),
}
DOCUMENT_TYPES = frozenset(SOURCES)
PRINCIPAL_KEYS = ("AWS", "Service", "Federated", "CanonicalUser")


class DocumentError(ValueError):
    """The document is not a valid IAM policy document; the message says where and how to fix."""


@dataclass(frozen=True)
class Statement:
    index: int
    sid: str | None
    effect: Any  # "Allow", "Deny" or UNKNOWN
    actions: tuple[Any, ...] | None  # Action entries (entries may be UNKNOWN); None if absent
    not_actions: tuple[Any, ...] | None
    resources: tuple[Any, ...] | None
    not_resources: tuple[Any, ...] | None
    principals: Mapping[str, tuple[Any, ...]] | Any  # {"AWS": (...)}; "*" -> {"*": ("*",)}
    not_principal: bool
    condition: Any  # dict, None or UNKNOWN

    @property
    def allows(self) -> bool:
        return self.effect == "Allow"

    @property
    def denies(self) -> bool:
        return self.effect == "Deny"

    def path(self, field: str = "") -> str:
        return f"Statement[{self.index}]" + (f".{field}" if field else "")

    def label(self) -> str:
        return f"statement {self.index}" + (f" ({self.sid})" if self.sid else "")

    def action_entries(self) -> tuple[Any, ...]:
        return self.actions if self.actions is not None else (self.not_actions or ())

    def grants(self, action: str) -> bool | Any:
        """Whether this statement (Allow or Deny alike) applies to the concrete `action`; UNKNOWN
        when an unknown entry decides it."""
        if self.actions is not None:
            entries, negate = self.actions, False
        else:
            entries, negate = self.not_actions or (), True
        hit = any(isinstance(a, str) and sem.glob_match(a, action) for a in entries)
        if not hit and any(is_unknown(a) for a in entries):
            return UNKNOWN
        return hit != negate


def _bad(path: str, value: Any, why: str) -> DocumentError:
    return DocumentError(f"{path} is {show(value)}: {why}")


def _strings(value: Any, path: str, what: str) -> tuple[Any, ...]:
    """A field that IAM takes as one string or a list of strings; entries may be UNKNOWN."""
    if is_unknown(value):
        return (UNKNOWN,)
    items = value if isinstance(value, list) else [value]
    if not items:
        raise _bad(path, value, f"an empty list names no {what}; list at least one")
    for i, item in enumerate(items):
        if not (isinstance(item, str) or is_unknown(item)):
            where = f"{path}[{i}]" if isinstance(value, list) else path
            raise _bad(where, item, f"each {what} must be a string")
        if isinstance(item, str) and len(item) > sem.MAX_PATTERN:
            raise _bad(path, item, f"longer than any {what} IAM accepts")
    return tuple(items)


def _principals(value: Any, path: str) -> Mapping[str, tuple[Any, ...]] | Any:
    if is_unknown(value):
        return UNKNOWN
    if value == "*":
        return {"*": ("*",)}
    if not isinstance(value, Mapping) or not value:
        raise _bad(path, value, 'must be "*" or an object such as {"Service": "..."}')
    out = {}
    for key, entries in value.items():
        if key not in PRINCIPAL_KEYS:
            raise _bad(f"{path}.{key}", entries, f"principal type must be one of {PRINCIPAL_KEYS}")
        out[key] = _strings(entries, f"{path}.{key}", "principal")
    return out


def _condition(value: Any, path: str) -> Any:
    if value is None or is_unknown(value):
        return value
    if not isinstance(value, Mapping):
        raise _bad(path, value, "must be an object of operators like {StringEquals: {...}}")
    for operator, block in value.items():
        if is_unknown(block):
            return UNKNOWN  # a computed operator block: nothing about it is known
        try:
            sem.parse_operator(operator)
        except ValueError as e:
            raise DocumentError(f"{path}: {e}") from None
        if not isinstance(block, Mapping):
            raise _bad(f"{path}.{operator}", block, "must map condition keys to values")
        seen: dict[str, str] = {}
        for key in block:
            first = seen.setdefault(str(key).lower(), str(key))
            if first != key:
                # Condition keys are case-insensitive: both entries name one key (IAM Access
                # Analyzer: "Duplicate keys with different case").
                raise DocumentError(
                    f"{path}.{operator} names {first!r} and {key!r}, one condition key (keys "
                    "ignore case); keep one"
                )
        for key, entry in block.items():
            for item in entry if isinstance(entry, list) else [entry]:
                if not (is_unknown(item) or isinstance(item, str | bool | int | float)):
                    raise _bad(f"{path}.{operator}.{key}", entry, "values must be strings")
    return value


_FIELDS = {
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
}


def _statement(i: int, st: Any, kind: str) -> Statement:
    path = f"Statement[{i}]"
    if not isinstance(st, Mapping):
        raise _bad(path, st, "each statement must be an object with Effect, Action, ...")
    if st is TOO_DEEP or any(v is TOO_DEEP for v in st.values()):
        raise DocumentError(f"{path} is nested too deeply to be an IAM statement")
    unknown_fields = sorted(str(k) for k in st if k not in _FIELDS)
    if unknown_fields:
        raise _bad(f"{path}.{unknown_fields[0]}", st[unknown_fields[0]], "IAM has no such field")
    effect = st.get("Effect")
    if not (is_unknown(effect) or effect in ("Allow", "Deny")):
        raise _bad(f"{path}.Effect", effect, 'must be "Allow" or "Deny"')
    sid = st.get("Sid")
    if sid is not None and not (isinstance(sid, str) or is_unknown(sid)):
        raise _bad(f"{path}.Sid", sid, "must be a string")
    for a, b in (
        ("Action", "NotAction"),
        ("Resource", "NotResource"),
        ("Principal", "NotPrincipal"),
    ):
        if a in st and b in st:
            raise DocumentError(f"{path} has both {a} and {b}; keep one")
    if "Action" not in st and "NotAction" not in st:
        raise DocumentError(f"{path} has no Action; list the actions it allows or denies")
    has_principal = "Principal" in st or "NotPrincipal" in st
    if kind == PERMISSIONS and has_principal:
        raise DocumentError(f"{path} names a Principal, which an identity policy cannot; remove it")
    if kind != PERMISSIONS and not has_principal:
        raise DocumentError(f"{path} has no Principal; name who the statement applies to")
    if kind == PERMISSIONS and "Resource" not in st and "NotResource" not in st:
        raise DocumentError(f"{path} has no Resource; list the ARNs it applies to")

    def opt(field: str, what: str) -> tuple[Any, ...] | None:
        return _strings(st[field], f"{path}.{field}", what) if field in st else None

    principal_field = "Principal" if "Principal" in st else "NotPrincipal"
    return Statement(
        index=i,
        sid=sid if isinstance(sid, str) else None,
        effect=effect,
        actions=opt("Action", "action"),
        not_actions=opt("NotAction", "action"),
        resources=opt("Resource", "resource"),
        not_resources=opt("NotResource", "resource"),
        principals=(
            _principals(st[principal_field], f"{path}.{principal_field}") if has_principal else {}
        ),
        not_principal="NotPrincipal" in st,
        condition=_condition(st.get("Condition"), f"{path}.Condition"),
    )


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
VERSIONS = ("2012-10-17", "2008-10-17")


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON objects without repeated keys. Which of two `"Effect"`s AWS keeps is documented
    nowhere, and a reader taking the last one (Python's json) may judge a different policy than
    the one deployed; terraform-provider-aws rejects such documents for that reason
    (hashicorp/terraform-provider-aws#33570), and so do we."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _check_version(document: Mapping[str, Any]) -> None:
    version = document.get("Version")
    if version is None or is_unknown(version) or version in VERSIONS:
        return
    raise _bad("Version", version, f"IAM accepts only {' or '.join(VERSIONS)}")


def parse_document(document: Any, kind: str = PERMISSIONS) -> tuple[Statement, ...] | Any:
    """Statements of a document (JSON string or object); UNKNOWN if the document or its
    statement list is unknown; DocumentError saying where and why when IAM would reject it."""
    document = plain(document)
    if is_unknown(document):
        return UNKNOWN
    if isinstance(document, str):
        try:
            document = plain(json.loads(document, object_pairs_hook=_no_duplicates))
        except _DuplicateKey as e:
            raise DocumentError(
                f"repeats the key {show(str(e), 60)} in one JSON object; AWS does not document "
                "which one it keeps, so keep exactly one"
            ) from None
        except json.JSONDecodeError as e:
            raise DocumentError(
                f"not valid JSON ({e.msg} at line {e.lineno} column {e.colno})"
            ) from None
        except (ValueError, RecursionError) as e:  # 5,000-digit numbers; absurd nesting
            raise DocumentError(f"not a usable JSON document ({show(str(e), 100)})") from None
    if not isinstance(document, Mapping):
        raise DocumentError(
            f"must be a JSON object with a Statement, got {type(document).__name__} "
            f"{show(document, 60)}"
        )
    _check_version(document)
    raw = document.get("Statement")
    if is_unknown(raw):
        return UNKNOWN
    if raw is None:
        raise DocumentError("has no Statement")
    if raw is TOO_DEEP:
        raise DocumentError("Statement is nested too deeply")
    out = []
    for i, st in enumerate(as_list(raw)):
        if is_unknown(st):
            return UNKNOWN
        out.append(_statement(i, st, kind))
    return tuple(out)


@dataclass(frozen=True)
class Source:
    """One document of a resource: where it is (a property path) and what kind it is."""

    label: str  # e.g. "inlinePolicies[0].policy"
    kind: str
    raw: Any  # the document, UNKNOWN, or the malformed container value
    error: str | None = None  # the container itself is malformed (not the document)


def documents(resource_type: str, props: Mapping[str, Any]) -> Iterator[Source]:
    """Every policy document the resource declares, by `SOURCES`."""
    for path, kind in SOURCES.get(resource_type, ()):
        if "[]." not in path:
            value = dig(props, path)
            if value is not None and value != "":
                yield Source(path, kind, value)
            continue
        list_key, item_key = path.split("[].")
        items = props.get(list_key)
        if items is None:
            continue
        if is_unknown(items):
            yield Source(list_key, kind, UNKNOWN)
            continue
        if not isinstance(items, list):
            yield Source(
                list_key,
                kind,
                items,
                f"{list_key} must be a list of {{{item_key}: ...}} objects, got {show(items)}",
            )
            continue
        for i, item in enumerate(items):
            label = f"{list_key}[{i}]"
            if is_unknown(item):
                yield Source(label, kind, UNKNOWN)
            elif not isinstance(item, Mapping):
                yield Source(
                    label,
                    kind,
                    item,
                    f"{label} must be an object with {item_key}, got {show(item)}",
                )
            else:
                doc = item.get(item_key)
                # `inline_policies=[{}]` is pulumi-aws's documented way to remove every inline
                # policy: an entry without a document grants nothing.
                if doc is not None and doc != "":
                    yield Source(f"{label}.{item_key}", kind, doc)


def attached_arns(resource_type: str, props: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """(property label, ARN or UNKNOWN or malformed value) of every attached managed policy."""
    for key in ATTACHMENTS.get(resource_type, ()):
        value = props.get(key)
        if value is None:
            continue
        if isinstance(value, list):
            for i, v in enumerate(value):
                yield f"{key}[{i}]", v
        else:
            yield key, value
