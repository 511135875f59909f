"""AWS's own limits, patterns and enumerations, read from botocore's service models.

The config is checked against what the API will check, not against constants typed in by hand:
each `Limit` is one member of one request shape (`Scheduler CreateSchedule
ScheduleExpression`), and its messages name that field. botocore ships the models as gzipped
JSON; a service is read on first use and kept (`make bench` reports the cost), so a stack that
uses no alarms never reads CloudWatch's model.

AWS validates a whole value against a model pattern (Smithy's patterns are Java regular
expressions matched against the full string), and in Java `\\d` and `\\w` are ASCII; Python's are
Unicode, so every pattern is compiled with re.ASCII and matched in full. `\\p{L}`-style Unicode
classes (tag keys and values) have no `re` equivalent and are checked per character with
unicodedata. Java's `.` does not match line terminators; neither does ours.

Limits that are not in the models (they are quotas, not request shapes) are constants below, each
with the AWS page that states it.
"""

from __future__ import annotations

import functools
import gc
import gzip
import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from modules.config import shown

# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
# ("Role policy size ... cannot exceed 10,240 characters"; IAM does not count white space.)
IAM_INLINE_ROLE_POLICY_CHARS = 10_240
IAM_QUOTAS_PAGE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html
# ("The Sid element supports ASCII uppercase letters (A-Z), lowercase letters (a-z), and numbers")
SID_PATTERN = re.compile(r"[A-Za-z0-9]*", re.ASCII)
SID_PAGE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html"
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
S3_BUCKET_RULES_PAGE = (
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html"
)
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", re.ASCII)
_IPV4 = re.compile(r"[0-9]{1,3}(\.[0-9]{1,3}){3}", re.ASCII)
_BUCKET_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_BUCKET_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html (up to 1,024 bytes)
S3_KEY_MAX_BYTES = 1024

_API_VERSIONS = {
    "scheduler": "2021-06-30",
    "events": "2015-10-07",
    "sagemaker": "2017-07-24",
    "sqs": "2012-11-05",
    "cloudwatch": "2010-08-01",
    "iam": "2010-05-08",
}
_JAVA_LINE_TERMINATORS = "\n\r\u0085\u2028\u2029"


@functools.cache
def _data_dir() -> Path:
    # botocore's own loader (botocore.loaders) imports urllib3 and http.client through
    # botocore.compat, about 0.2 s of start-up that validation does not need: the models are
    # plain gzipped JSON inside the package, read here directly (the version is pinned above, as
    # botocore would pick the newest folder).
    return Path(str(resources.files("botocore") / "data"))


def _load_json(*parts: str) -> Any:
    # A model is tens of thousands of small objects: with a stack program's heap (pulumi_aws is
    # large) the collector's passes over it cost more than the parse itself, so pause it.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _read_json(*parts)
    finally:
        if enabled:
            gc.enable()


def _read_json(*parts: str) -> Any:
    base = _data_dir().joinpath(*parts)
    plain = base.with_name(base.name + ".json")
    if plain.is_file():
        return json.loads(plain.read_text(encoding="utf-8"))
    with gzip.open(base.with_name(base.name + ".json.gz"), "rt", encoding="utf-8") as handle:
        return json.load(handle)


@functools.cache
def service_model(service: str) -> dict[str, Any]:
    """The raw service-2 model of one service, read once per process."""
    version = _API_VERSIONS.get(service)
    if version is None or not (_data_dir() / service / version).is_dir():
        version = max(p.name for p in (_data_dir() / service).iterdir() if p.is_dir())
    return _load_json(service, version, "service-2")


def service_label(service: str) -> str:
    return str(service_model(service)["metadata"].get("serviceId", service))


@dataclass(frozen=True)
class Limit:
    """One member of an AWS request shape: its type and the constraints the API enforces."""

    field: str  # e.g. "Scheduler CreateSchedule ScheduleExpression"
    type: str
    min: int | float | None = None
    max: int | float | None = None
    pattern: str | None = None
    enum: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    required: tuple[str, ...] = ()

    def problem(self, value: Any) -> str | None:
        """What the API would say about `value`, or None when it passes (type, length, range,
        pattern, enum); the text names the API field."""
        if self.type == "string":
            if not isinstance(value, str):
                return f"must be a string ({self.field})"
            if self.min is not None and len(value) < self.min:
                return f"is {len(value)} characters; {self.field} needs at least {self.min}"
            if self.max is not None and len(value) > self.max:
                return f"is {len(value)} characters; {self.field} accepts at most {self.max}"
            if self.enum and value not in self.enum:
                return f"{value!r} is not one of {', '.join(self.enum)} ({self.field})"
            if self.pattern is not None and not matches(self.pattern, value):
                bad = _first_odd_character(value)
                detail = f" (character {bad!r} is not allowed)" if bad else ""
                return f"{value!r} does not match {self.field}'s pattern {self.pattern}{detail}"
            return None
        if self.type in ("integer", "long"):
            if isinstance(value, bool) or not isinstance(value, int):
                return f"must be a whole number ({self.field}), got {shown(value)}"
            return self._range(value)
        if self.type in ("double", "float"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return f"must be a number ({self.field})"
            return self._range(value)
        if self.type in ("list", "map"):
            if not isinstance(value, (list, tuple, dict)):
                return f"must be a {self.type} ({self.field})"
            if self.max is not None and len(value) > self.max:
                return f"has {len(value)} entries; {self.field} accepts at most {self.max}"
            if self.min is not None and len(value) < self.min:
                return f"has {len(value)} entries; {self.field} needs at least {self.min}"
        return None

    def _range(self, value: float) -> str | None:
        low = "-inf" if self.min is None else self.min
        high = "inf" if self.max is None else self.max
        if (self.min is not None and value < self.min) or (
            self.max is not None and value > self.max
        ):
            return f"{value} is outside {low}-{high}, the range of {self.field}"
        return None


def limit(service: str, operation: str, path: str) -> Limit:
    """The member at `path` (dotted member names; `[]` steps into a list's member, `{}` into a
    map's value) of `operation`'s input shape."""
    return _limit(service, operation, path)


@functools.cache
def _limit(service: str, operation: str, path: str) -> Limit:
    model = service_model(service)
    shapes = model["shapes"]
    shape_name = model["operations"][operation]["input"]["shape"]
    for step in filter(None, re.split(r"\.|(?=\[\])|(?=\{\})", path)):
        shape = shapes[shape_name]
        if step == "[]":
            shape_name = shape["member"]["shape"]
        elif step == "{}":
            shape_name = shape["value"]["shape"]
        else:
            shape_name = shape["members"][step]["shape"]
    return _from_shape(shapes, shape_name, f"{service_label(service)} {operation} {path}")


def shape_limit(service: str, shape_name: str, label: str) -> Limit:
    return _from_shape(service_model(service)["shapes"], shape_name, label)


def _from_shape(shapes: dict[str, Any], shape_name: str, label: str) -> Limit:
    shape = shapes[shape_name]
    return Limit(
        field=label,
        type=shape["type"],
        min=shape.get("min"),
        max=shape.get("max"),
        pattern=shape.get("pattern"),
        enum=tuple(shape.get("enum", ())),
        members=tuple(shape.get("members", {})),
        required=tuple(shape.get("required", ())),
    )


def strictest(limits: Sequence[Limit]) -> Callable[[Any], str | None]:
    """A check that passes only values every one of `limits` accepts (a value sent to several
    APIs, like a tag on every resource of a pipeline)."""

    def check(value: Any) -> str | None:
        for item in limits:
            problem = item.problem(value)
            if problem is not None:
                return problem
        return None

    return check


# --------------------------------------------------------------------------------------------
# Patterns


def matches(pattern: str, value: str) -> bool:
    return _compiled(pattern)(value)


@functools.cache
def _compiled(pattern: str) -> Callable[[str], bool]:
    unicode_class = re.fullmatch(r"\(?\^?\[((?:[^\]\\]|\\.)*)\]([*+])\$?\)?", pattern)
    if unicode_class and "\\p{" in unicode_class.group(1):
        return _unicode_class_matcher(unicode_class.group(1), unicode_class.group(2) == "+")
    compiled = re.compile(_java_to_python(pattern), re.ASCII)
    return lambda value: compiled.fullmatch(value) is not None


def _java_to_python(pattern: str) -> str:
    # Java's `.` stops at every line terminator, Python's only at \n.
    out: list[str] = []
    in_class = False
    escaped = False
    for char in pattern:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            out.append(char)
            escaped = True
        elif char == "[":
            in_class = True
            out.append(char)
        elif char == "]":
            in_class = False
            out.append(char)
        elif char == "." and not in_class:
            out.append(f"[^{_JAVA_LINE_TERMINATORS}]")
        else:
            out.append(char)
    return "".join(out)


def _unicode_class_matcher(body: str, non_empty: bool) -> Callable[[str], bool]:
    categories = set(re.findall(r"\\p\{(\w+)\}", body))
    rest = re.sub(r"\\p\{\w+\}", "", body)
    others = re.compile(f"[{rest}]", re.ASCII) if rest else None

    def allowed(char: str) -> bool:
        category = unicodedata.category(char)
        if category in categories or category[0] in categories:
            return True
        return others is not None and others.fullmatch(char) is not None

    return lambda value: (bool(value) or not non_empty) and all(allowed(c) for c in value)


def _first_odd_character(value: str) -> str | None:
    for char in value:
        if not char.isascii() or not char.isprintable():
            return char
    return None


# --------------------------------------------------------------------------------------------
# Regions and partitions (botocore's partitions.json, the data the SDKs resolve endpoints from)


@functools.cache
def _partitions() -> tuple[tuple[str, tuple[str, ...], str], ...]:
    data = _load_json("partitions")
    return tuple(
        (p["id"], tuple(p.get("regions", {})), p.get("regionRegex", "")) for p in data["partitions"]
    )


def partitions() -> tuple[str, ...]:
    return tuple(pid for pid, _, _ in _partitions())


def regions() -> dict[str, str]:
    """Every region AWS has published, mapped to its partition (aws, aws-cn, aws-us-gov, ...)."""
    return {region: pid for pid, names, _ in _partitions() for region in names}


def partition_of(region: str) -> str | None:
    return regions().get(region)


def region_problem(region: Any) -> str | None:
    if not isinstance(region, str) or not region:
        return "must be an AWS region name like us-east-1"
    if region in regions():
        return None
    import difflib

    close = difflib.get_close_matches(region, list(regions()), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"{region!r} is not an AWS region (botocore's partitions data){hint}"


# --------------------------------------------------------------------------------------------
# S3 names (the S3 model has no pattern for bucket names: the rules are on the S3 page)


def bucket_problem(bucket: str) -> str | None:
    if not 3 <= len(bucket) <= 63:
        return f"bucket name {bucket!r} is {len(bucket)} characters; S3 needs 3-63"
    if not _BUCKET.fullmatch(bucket):
        return (
            f"bucket name {bucket!r} may use only lowercase letters, digits, `.` and `-`, "
            "beginning and ending with a letter or digit"
        )
    if ".." in bucket:
        return f"bucket name {bucket!r} has two adjacent periods"
    if _IPV4.fullmatch(bucket):
        return f"bucket name {bucket!r} is formatted as an IP address"
    for prefix in _BUCKET_PREFIXES:
        if bucket.startswith(prefix):
            return f"bucket name {bucket!r} starts with the reserved prefix {prefix!r}"
    for suffix in _BUCKET_SUFFIXES:
        if bucket.endswith(suffix):
            return f"bucket name {bucket!r} ends with the reserved suffix {suffix!r}"
    return None


def s3_uri_problem(uri: str) -> tuple[str, str] | str:
    """`(bucket, key)` of an s3://bucket/key URI, or the problem with it."""
    scheme, sep, rest = uri.partition("://")
    if not sep or scheme.lower() != "s3":
        return f"{uri!r} is not an s3://bucket/key location"
    if scheme != "s3":
        return f"{uri!r}: write the scheme in lower case, s3://"
    bucket, slash, key = rest.partition("/")
    if not slash or not key:
        return f"{uri!r} names no object key; use s3://bucket/key"
    problem = bucket_problem(bucket)
    if problem is not None:
        return f"{problem} ({S3_BUCKET_RULES_PAGE})"
    if len(key.encode("utf-8")) > S3_KEY_MAX_BYTES:
        return f"object key is longer than S3's {S3_KEY_MAX_BYTES} bytes"
    if any(not c.isprintable() for c in key):
        return f"object key {key!r} holds control characters"
    return bucket, key
