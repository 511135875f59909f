"""Project-level `config:` of Pulumi.yaml, applied to a stack's config the way the Pulumi CLI does.

The CLI reads `config:` declarations from Pulumi.yaml (sdk/go/common/workspace/project.go:
ProjectConfigType, RewriteShorthandConfigValues, Project.Validate; the JSON schema project.json)
and, before every preview or update, merges them into the stack's config and checks the stack's
values against them (pkg/workspace/config.go: mergeConfig, validateStackConfigValues):

- a shorthand value (string, integer, boolean or list) is a `default` for a key of the project's
  namespace and a `value` for any other namespace (`aws:region: us-east-1`);
- a key the stack file does not set takes the declaration's `default` or `value`;
- a key of the project's namespace with neither, and not set by the stack, fails the preview
  ("Stack 'dev' is missing configuration value 'owner'");
- a declared `type` is checked against the stack's value with ValidateConfigValue (scalars
  arrive as text: `integer` accepts "3", `boolean` only "true"/"false"), and `secret: true`
  requires the stack's value to be `secure:`.

The offline plan must see the same merged config, or a default in Pulumi.yaml would deploy
pipelines the plan never showed. Pure: no Pulumi import.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TYPES = ("string", "integer", "boolean", "array", "object")
DECLARATION_KEYS = ("type", "items", "description", "secret", "default", "value")
_ABSENT: Any = object()
_ATOI = re.compile(r"[+-]?[0-9]+", re.ASCII)


def contains_secret(value: Any) -> bool:
    """A `secure:` value anywhere in `value` (config.object's isSecureValue: a map whose only
    key is `secure` with a text value)."""
    if isinstance(value, dict):
        if len(value) == 1 and isinstance(value.get("secure"), str):
            return True
        return any(contains_secret(item) for item in value.values())
    if isinstance(value, list):
        return any(contains_secret(item) for item in value)
    return False


class ProjectConfigError(ValueError):
    """A `config:` declaration the CLI refuses; `key` is the declared key as written."""

    def __init__(self, key: str, problem: str) -> None:
        self.key = key
        self.problem = problem
        super().__init__(f"config.{key}: {problem}")


@dataclass(frozen=True)
class Declaration:
    """One `config:` entry of Pulumi.yaml after the CLI's shorthand rewrite."""

    written: str
    """The key as written in Pulumi.yaml (for messages)."""
    key: str
    """The namespaced key, e.g. `mlsched:owner`."""
    type: str | None = None
    items: Any = None
    default: Any = _ABSENT
    value: Any = _ABSENT
    secret: bool = False

    @property
    def fallback(self) -> Any:
        """What the CLI sets when the stack does not (a `default` wins over a `value`)."""
        return self.default if self.default is not _ABSENT else self.value

    def type_name(self) -> str:
        return full_type_name(self.type or "", self.items)


def full_type_name(type_name: str, items: Any) -> str:
    """InferFullTypeName: `array<string>`, `array<array<integer>>`, or the simple type."""
    if isinstance(items, dict):
        return f"array<{full_type_name(str(items.get('type')), items.get('items'))}>"
    return type_name


def _namespaced(project: str, key: str) -> str:
    from modules.stackfile import StackFileError, parse_config_key

    try:
        return parse_config_key(key, project, "Pulumi.yaml", None)
    except StackFileError as error:
        raise ProjectConfigError(key, error.problem) from None


def parse_declarations(project: str, raw: Any) -> tuple[Declaration, ...]:
    """`config:` of Pulumi.yaml (already decoded the CLI's way), checked like the CLI checks it.

    Raises ProjectConfigError naming the key."""
    if raw is None:
        return ()
    if isinstance(raw, str):
        # The CLI reads a text `config:` as the old spelling of stackConfigDir.
        raise ProjectConfigError(
            "",
            f"`config: {raw}` is the deprecated spelling of `stackConfigDir`, which mlsched "
            "does not support (see stackConfigDir)",
        )
    if not isinstance(raw, dict):
        raise ProjectConfigError("", "must be a map of config key to declaration")
    return tuple(_declaration(project, str(key), value) for key, value in raw.items())


def _declaration(project: str, written: str, raw: Any) -> Declaration:
    key = _namespaced(project, written)
    own = key.split(":", 1)[0] == project
    if isinstance(raw, (str, bool, int, list)) and not isinstance(raw, float):
        # RewriteShorthandConfigValues; only Go's string, int, bool and slices are shorthand.
        return Declaration(written, key, **({"default": raw} if own else {"value": raw}))
    if not isinstance(raw, dict):
        what = "nothing" if raw is None else type(raw).__name__
        raise ProjectConfigError(
            written,
            f"got {what}; write a string, integer, boolean or list (a default), or a "
            f"declaration with {', '.join(DECLARATION_KEYS)}",
        )
    for attribute in raw:
        if attribute not in DECLARATION_KEYS:
            close = difflib.get_close_matches(str(attribute), DECLARATION_KEYS, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"use {', '.join(DECLARATION_KEYS)}"
            raise ProjectConfigError(
                written, f"attribute {attribute!r} is not allowed (the CLI refuses it); {hint}"
            )
    type_name = raw.get("type")
    if type_name is not None and type_name not in TYPES:
        raise ProjectConfigError(
            written, f"type {type_name!r} is not a config type; use one of {', '.join(TYPES)}"
        )
    items = raw.get("items")
    if items is not None:
        _check_items(written, items)
    if "description" in raw and not isinstance(raw["description"], str):
        raise ProjectConfigError(written, "`description` must be a string")
    secret = raw.get("secret", False)
    if not isinstance(secret, bool):
        raise ProjectConfigError(written, f"`secret` must be true or false, got {secret!r}")
    declaration = Declaration(
        written,
        key,
        type=type_name,
        items=items,
        default=raw["default"] if raw.get("default") is not None else _ABSENT,
        value=raw["value"] if raw.get("value") is not None else _ABSENT,
        secret=secret,
    )
    _validate(declaration, own)
    return declaration


def _check_items(written: str, items: Any) -> None:
    if not isinstance(items, dict) or "type" not in items:
        raise ProjectConfigError(written, "`items` must be a map with a `type`")
    unknown = [k for k in items if k not in ("type", "items")]
    if unknown:
        raise ProjectConfigError(written, f"`items` allows only type and items, got {unknown[0]!r}")
    if items["type"] not in TYPES:
        raise ProjectConfigError(
            written,
            f"items type {items['type']!r} is not a config type; use one of {', '.join(TYPES)}",
        )
    if items["type"] == "array":
        if items.get("items") is None:
            raise ProjectConfigError(
                written, "an array of arrays needs `items` for the inner array"
            )
        _check_items(written, items["items"])


def _validate(declaration: Declaration, own: bool) -> None:
    """Project.Validate."""
    written = declaration.written
    if declaration.default is not _ABSENT and declaration.value is not _ABSENT:
        raise ProjectConfigError(written, "cannot have both a 'default' and a 'value'; keep one")
    if own:
        if declaration.type == "array" and declaration.items is None:
            raise ProjectConfigError(
                written, "declares an array but not the type of its items; add `items: {type: ...}`"
            )
        if (
            declaration.type is not None
            and declaration.default is not _ABSENT
            and not value_matches(declaration.type, declaration.items, declaration.default)
        ):
            raise ProjectConfigError(
                written, f"the default is not of the declared type {declaration.type_name()!r}"
            )
        return
    namespace = declaration.key.split(":", 1)[0]
    if declaration.type is not None:
        raise ProjectConfigError(
            written, f"belongs to {namespace!r}, not to this project, and cannot declare a type"
        )
    if declaration.default is not _ABSENT:
        raise ProjectConfigError(
            written,
            f"belongs to {namespace!r}, not to this project, and cannot have a default; "
            "use `value:` instead",
        )
    if declaration.value is _ABSENT:
        raise ProjectConfigError(written, f"belongs to {namespace!r} and must give a `value`")


def value_matches(type_name: str, items: Any, value: Any) -> bool:
    """ValidateConfigValue (project.go): what the CLI accepts for a declared type."""
    if type_name == "string":
        return isinstance(value, str)
    if type_name == "integer":
        if isinstance(value, bool):
            return False
        if isinstance(value, int):
            return True
        if isinstance(value, float):
            return math.isfinite(value) and value == int(value)
        # strconv.Atoi: optional sign, ASCII digits, within int64.
        return (
            isinstance(value, str)
            and _ATOI.fullmatch(value) is not None
            and -(2**63) <= int(value) < 2**63
        )
    if type_name == "boolean":
        return isinstance(value, bool) or value in ("true", "false")
    if type_name == "object":
        return isinstance(value, dict)
    if not isinstance(value, list) or not isinstance(items, dict):
        return False
    return all(value_matches(str(items.get("type")), items.get("items"), item) for item in value)


@dataclass(frozen=True)
class MergeProblem:
    key: str
    problem: str


def merge(
    declarations: tuple[Declaration, ...],
    config: dict[str, Any],
    *,
    stack: str,
    project: str,
    stack_file: str,
    content: Mapping[str, Any],
    secret: Mapping[str, bool],
) -> list[MergeProblem]:
    """Apply `declarations` to `config` (namespaced key -> decoded value) in place, as mergeConfig
    does, and return what the CLI would refuse. `content[key]` is the value the CLI type-checks
    (text for scalars, the structure for maps and lists); `secret[key]`: the value is `secure:`."""
    problems: list[MergeProblem] = []
    missing: list[Declaration] = []
    for declaration in sorted(declarations, key=lambda d: d.written):
        key = declaration.key
        if key not in config:
            if declaration.fallback is not _ABSENT:
                config[key] = declaration.fallback
                continue
            if key.split(":", 1)[0] == project:
                missing.append(declaration)
    for declaration in missing:
        problems.append(
            MergeProblem(
                declaration.key,
                f"is required by Pulumi.yaml (config.{declaration.written} has no default); "
                f"the CLI stops with \"Stack '{stack}' is missing configuration value "
                f"'{declaration.written}'\"; set it in {stack_file}",
            )
        )
    if problems:
        return problems
    for declaration in sorted(declarations, key=lambda d: d.written):
        key = declaration.key
        if declaration.type is None or key not in content:
            continue
        if declaration.secret and not secret.get(key, False):
            problems.append(
                MergeProblem(
                    key,
                    "is declared `secret: true` in Pulumi.yaml, so the CLI requires it encrypted; "
                    f"set it with `pulumi config set --secret {declaration.written} ...`",
                )
            )
            continue
        if secret.get(key, False):
            continue  # the offline plan cannot decrypt it; the CLI checks the plaintext
        if not value_matches(declaration.type, declaration.items, content[key]):
            problems.append(
                MergeProblem(
                    key,
                    f"must be of type {declaration.type_name()!r} as Pulumi.yaml declares "
                    f"(config.{declaration.written}); got {_shown(content[key])}",
                )
            )
    return problems


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return f"the text {value[:60]!r}"
    return type(value).__name__
