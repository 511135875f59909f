"""JSON report: the machine-readable plan, documented by `plan.schema.json`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tools.plan.model import NOT_CHECKED, StackPlan, component_tree

SCHEMA_VERSION = 3
SCHEMA_PATH = Path(__file__).with_name("plan.schema.json")


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with a `Z`, to the second: stable across platforms and easy to diff."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_local(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _jsonable(value: Any) -> Any:
    """Stack outputs under mocks may hold anything; keep what JSON can say, stringify the rest."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)


def _window(plan: StackPlan) -> dict[str, Any] | None:
    window = plan.busiest_window if plan.error is None else None
    if window is None:
        return None
    return {
        "start": iso_utc(window.start),
        "end": iso_utc(window.end),
        "window_minutes": window.minutes,
        "pipelines": list(window.pipelines),
    }


def stack_document(plan: StackPlan) -> dict[str, Any]:
    def tree(nodes):
        return [{"urn": n.resource.urn, "children": tree(n.children)} for n in nodes]

    return {
        "schema_version": SCHEMA_VERSION,
        "project": plan.project,
        "stack": plan.stack,
        "reference_time": iso_utc(plan.reference_time),
        "ok": plan.ok,
        "error": plan.error,
        "summary": {
            "resources": len(plan.resources),
            "schedules": len(plan.schedules),
            "verdicts": len(plan.verdicts),
            "mandatory": plan.mandatory_count,
        },
        "verdicts": [
            {
                "policy": v.policy,
                "enforcement": v.enforcement,
                "message": v.message,
                "urn": v.urn,
                "description": v.description,
            }
            for v in plan.verdicts
        ],
        "schedules": [
            {
                "pipeline": s.pipeline,
                "urn": s.urn,
                "resource_type": s.resource_type,
                "cloud": s.cloud,
                "dialect": s.dialect,
                "trigger": s.trigger,
                "expression": s.expression,
                "timezone": s.timezone,
                "enabled": s.enabled,
                "description": s.description,
                "next_runs": [iso_utc(t) for t in s.next_runs],
                "next_runs_local": [iso_local(t) for t in s.next_runs_local],
                "max_runs_per_day": s.max_runs_per_day,
                "min_interval_minutes": s.min_interval_minutes,
                "max_runs_per_24h": s.max_runs_per_24h,
                "worst": {
                    "max_runs_per_day": s.worst.max_runs_per_day,
                    "max_runs_per_24h": s.worst.max_runs_per_24h,
                    "min_interval_minutes": s.worst.min_interval_minutes,
                }
                if s.worst is not None
                else None,
                "warnings": list(s.warnings),
                "never_fires": s.never_fires,
                "start": iso_utc(s.start) if s.start else None,
                "end": iso_utc(s.end) if s.end else None,
            }
            for s in plan.schedules
        ],
        "busiest_window": _window(plan),
        "resource_counts": dict(plan.resource_counts),
        "resources": [
            {
                "urn": r.urn,
                "type": r.type,
                "name": r.name,
                "parent": r.parent,
                "custom": r.custom,
                "protect": r.protect,
            }
            for r in plan.resources
        ],
        "component_tree": tree(component_tree(plan.resources)),
        "outputs": _jsonable(plan.outputs),
        "policy_config": plan.policy_config,
        "not_checked": list(NOT_CHECKED),
        "preview_command": plan.preview_command,
    }


def plan_document(plans: tuple[StackPlan, ...]) -> dict[str, Any]:
    """Several stacks in one document (stdout with `--format json`)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "ok": all(p.ok for p in plans),
        "stacks": [stack_document(p) for p in plans],
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def load_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
