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


def plain(value: Any) -> Any:
    """Deep copy of `value` (proxies included) with every unknown replaced by `UNKNOWN`."""
    if isinstance(value, str):
        return UNKNOWN if value in _SENTINELS else value
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key in value:
            try:
                out[key] = plain(value[key])
            except UnknownValueError:
                out[key] = UNKNOWN
        return out
    if isinstance(value, Sequence):
        items = []
        for i in range(len(value)):
            try:
                items.append(plain(value[i]))
            except UnknownValueError:
                items.append(UNKNOWN)
        return items
    return value


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
