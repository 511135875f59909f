"""Reading resource properties the way policies need them: plain values, unknowns made explicit.

pulumi-policy hands a validator its properties wrapped in a proxy that raises `UnknownValueError`
on any read of a value unknown during preview; the SDK turns that exception into an *advisory*
"can't run policy during preview" diagnostic. We instead copy the properties into plain Python
values where every unknown becomes the `UNKNOWN` marker, so a policy can judge what is known and
decide itself when an unknown really blocks a verdict (then it calls `unknown()`, which raises the
SDK's own exception so the engine still shows that advisory diagnostic: never a silent pass).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
)

_SENTINELS = frozenset(
    {
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_STRING_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_ARCHIVE_VALUE,
        UNKNOWN_OBJECT_VALUE,
    }
)


class _Unknown:
    """A value that is computed from another resource's outputs and not known during preview."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<unknown>"

    def __bool__(self) -> bool:
        return False


UNKNOWN: Any = _Unknown()


def is_unknown(value: Any) -> bool:
    return value is UNKNOWN


# Deeper than this no provider schema goes; a deeper value is malformed input (and would exhaust
# the interpreter's stack if walked recursively).
MAX_DEPTH = 64


class _TooDeep:
    """Stands in for a value nested deeper than MAX_DEPTH levels."""

    def __repr__(self) -> str:
        return f"<nested deeper than {MAX_DEPTH} levels>"


TOO_DEEP: Any = _TooDeep()


def plain(value: Any, _depth: int = 0) -> Any:
    """Deep copy of `value` (proxies included) with every unknown replaced by `UNKNOWN` and
    anything nested deeper than MAX_DEPTH replaced by `TOO_DEEP`."""
    if isinstance(value, str):
        return UNKNOWN if value in _SENTINELS else value
    if _depth >= MAX_DEPTH and isinstance(value, Mapping | Sequence):
        return TOO_DEEP
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key in value:
            try:
                out[key] = plain(value[key], _depth + 1)
            except UnknownValueError:
                out[key] = UNKNOWN
        return out
    if isinstance(value, Sequence):
        items = []
        for i in range(len(value)):
            try:
                items.append(plain(value[i], _depth + 1))
            except UnknownValueError:
                items.append(UNKNOWN)
        return items
    return value


def show(value: Any, limit: int = 80) -> str:
    """A bad value as a message quotes it: repr, cut to `limit` characters."""
    try:
        text = repr(value)
    except ValueError:  # an int too long for str() (sys.int_info.str_digits_check_threshold)
        text = f"<a number of about {value.bit_length() * 0.30103:.0f} digits>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def dig(obj: Any, path: str) -> Any:
    """`obj["a"]["b"]` for path "a.b"; None when absent, UNKNOWN when any step is unknown."""
    for key in path.split("."):
        if obj is UNKNOWN:
            return UNKNOWN
        if not isinstance(obj, Mapping):
            return None
        obj = obj.get(key)
    return obj


def unknown(path: str) -> None:
    """Give up on a verdict because `path` is unknown: the engine reports it as advisory."""
    raise UnknownValueError(UNKNOWN_STRING_VALUE, path.split("."))


def as_list(value: Any) -> list[Any]:
    """IAM lets most fields be one value or a list of them."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def guarded(props_read, validate):
    """`validate`, but a bug or a shape nobody foresaw becomes one diagnostic of this policy
    naming the properties it judges, never a failed Analyze call (which loses every verdict of
    the resource). Unknowns still reach the SDK, which reports them as advisory.

    `props_read`: the property names judged, or a function of the resource type giving them."""

    def run(args, report) -> None:
        try:
            validate(args, report)
        except UnknownValueError:
            raise
        except Exception as e:  # the one place that may: see the docstring
            names = (
                props_read(getattr(args, "resource_type", ""))
                if callable(props_read)
                else props_read
            )
            detail = str(e)
            detail = detail if len(detail) <= 160 else detail[:157] + "..."
            report(
                f"could not judge {', '.join(names) or 'the properties'}: "
                f"{type(e).__name__}: {detail}. Check these properties' shape against the "
                "provider's schema.",
                None,
            )

    return run
