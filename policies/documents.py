"""IAM policy documents in every shape the providers send them, normalised to statements.

A document arrives as a JSON string (pulumi-aws) or an object (aws-native); `Statement` as a list
or a single object; `Action`/`Resource`/`Principal` entries as a string or a list. Values computed
from other resources' outputs are `UNKNOWN` during preview (see policies.values).
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from policies.values import UNKNOWN, as_list, is_unknown, plain


class DocumentError(ValueError):
    """The document is not a valid IAM policy document; the message says why."""


@dataclass(frozen=True)
class Statement:
    index: int
    sid: str | None
    effect: Any  # "Allow", "Deny" or UNKNOWN
    actions: tuple[Any, ...]  # from Action; entries may be UNKNOWN
    not_actions: tuple[Any, ...] | None  # None when the statement has no NotAction
    resources: tuple[Any, ...]
    not_resources: tuple[Any, ...] | None
    principals: (
        Mapping[str, tuple[Any, ...]] | Any
    )  # {"AWS": (...), "Service": (...)}; "*" -> {"*": ("*",)}
    not_principal: bool
    condition: Any  # dict, None or UNKNOWN

    @property
    def allows(self) -> bool:
        return isinstance(self.effect, str) and self.effect.lower() == "allow"

    def label(self) -> str:
        return f"statement {self.index}" + (f" ({self.sid})" if self.sid else "")

    def condition_keys(self) -> set[str]:
        """Lower-cased condition keys under any operator, e.g. {"aws:sourceaccount"}."""
        keys: set[str] = set()
        if isinstance(self.condition, Mapping):
            for block in self.condition.values():
                if isinstance(block, Mapping):
                    keys.update(str(k).lower() for k in block)
        return keys


def _entries(value: Any) -> tuple[Any, ...]:
    if is_unknown(value):
        return (UNKNOWN,)
    return tuple(as_list(value))


def _principals(value: Any) -> Mapping[str, tuple[Any, ...]] | Any:
    if value is None:
        return {}
    if is_unknown(value):
        return UNKNOWN
    if value == "*":
        return {"*": ("*",)}
    if isinstance(value, Mapping):
        return {str(k): _entries(v) for k, v in value.items()}
    raise DocumentError(f'Principal must be "*" or an object, got {value!r}')


def parse_document(document: Any) -> tuple[Statement, ...] | Any:
    """Statements of a document (JSON string or object); UNKNOWN if the document is unknown."""
    document = plain(document)
    if is_unknown(document):
        return UNKNOWN
    if isinstance(document, str):
        try:
            document = plain(json.loads(document))
        except json.JSONDecodeError as e:
            raise DocumentError(
                f"not valid JSON ({e.msg} at line {e.lineno} column {e.colno})"
            ) from None
    if not isinstance(document, Mapping):
        raise DocumentError(
            f"must be a JSON object with a Statement, got {type(document).__name__}"
        )
    raw = document.get("Statement")
    if is_unknown(raw):
        return UNKNOWN
    if raw is None:
        raise DocumentError("has no Statement")
    out = []
    for i, st in enumerate(as_list(raw)):
        if is_unknown(st):
            return UNKNOWN
        if not isinstance(st, Mapping):
            raise DocumentError(f"statement {i} must be an object, got {st!r}")
        out.append(
            Statement(
                index=i,
                sid=st.get("Sid") if isinstance(st.get("Sid"), str) else None,
                effect=st.get("Effect"),
                actions=_entries(st.get("Action")),
                not_actions=_entries(st["NotAction"]) if "NotAction" in st else None,
                resources=_entries(st.get("Resource")),
                not_resources=_entries(st["NotResource"]) if "NotResource" in st else None,
                principals=_principals(st.get("Principal")),
                not_principal="NotPrincipal" in st,
                condition=st.get("Condition"),
            )
        )
    return tuple(out)


def glob_match(pattern: Any, value: str) -> bool:
    """IAM action/ARN wildcard match (`*`, `?`), case-insensitive as IAM actions are."""
    if not isinstance(pattern, str):
        return False
    return fnmatch.fnmatchcase(value.lower(), pattern.lower())


def overlaps(pattern: Any, other: str) -> bool:
    """Whether two action patterns can name the same action (either one matches the other)."""
    return isinstance(pattern, str) and (glob_match(pattern, other) or glob_match(other, pattern))


def grants(statement: Statement, action: str) -> bool:
    """Whether an Allow statement's Action (not NotAction) can cover `action`."""
    return statement.allows and any(overlaps(a, action) for a in statement.actions)
