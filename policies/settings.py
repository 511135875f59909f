"""Per-policy configuration: defaults in code mirror each `config_schema`, the stack's file wins."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pulumi_policy import PolicyConfigSchema

# Unlike the schedule engine (which never reads the clock) the pack may: "never fires again" and
# the measured frequency are judged from the moment the pack starts unless a stack pins
# `referenceTime` in its policy config (reproducible CI runs, tests).
PACK_STARTED_AT = datetime.now(UTC)

REFERENCE_TIME_SCHEMA = {
    "type": "string",
    "description": "ISO 8601 instant to judge schedules from; default: when the pack started",
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$",
}


class PolicyConfigError(ValueError):
    """A value in the stack's policy config file cannot be used."""


def schema(properties: Mapping[str, Mapping[str, Any]]) -> PolicyConfigSchema:
    return PolicyConfigSchema(properties={k: dict(v) for k, v in properties.items()})


def defaults_of(properties: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    return {k: v["default"] for k, v in properties.items() if "default" in v}


def merged(args: Any, properties: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The policy's config: schema defaults overlaid with what the engine sent."""
    return {**defaults_of(properties), **dict(args.get_config() or {})}


def reference_time(config: Mapping[str, Any]) -> datetime:
    raw = config.get("referenceTime")
    if not raw:
        return PACK_STARTED_AT
    try:
        value = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise PolicyConfigError(
            f"referenceTime {raw!r} is not an ISO 8601 instant with an offset; "
            "use e.g. 2026-01-01T00:00:00Z in policies/config/<stack>.json or remove the key"
        )
    return value.astimezone(UTC)
