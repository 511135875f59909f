"""The diff as JSON, documented by `diff.schema.json`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from tools.diff.compare import StackDiff
from tools.diff.render_markdown import Base
from tools.diff.snapshot import Schedule, Verdict
from tools.plan.week import iso

SCHEMA_VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("diff.schema.json")


def _schedule(s: Schedule | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {
        "pipeline": s.pipeline,
        "resource_type": s.resource_type,
        "cloud": s.cloud,
        "dialect": s.dialect,
        "expression": s.expression,
        "timezone": s.timezone,
        "enabled": s.enabled,
        "description": s.description,
        "next_runs": [iso(t) for t in s.next_runs],
        "max_runs_per_day": s.max_runs_per_day,
        "max_runs_per_24h": s.max_runs_per_24h,
        "min_interval_minutes": s.min_interval_minutes,
        "never_fires": s.never_fires,
        "start": iso(s.start) if s.start else None,
        "end": iso(s.end) if s.end else None,
        "worst": s.worst,
        "warnings": list(s.warnings),
    }


def _verdict(v: Verdict) -> dict[str, Any]:
    return {"policy": v.policy, "enforcement": v.enforcement, "message": v.message, "urn": v.urn}


def stack_document(diff: StackDiff) -> dict[str, Any]:
    head = diff.head
    return {
        "stack": diff.stack,
        "status": diff.status,
        "base_error": diff.base.error if diff.base else None,
        "head_error": head.error if head else None,
        "head_ok": head is None or (head.error is None and head.mandatory == 0),
        "head_mandatory": head.mandatory if head else 0,
        "pipelines": [
            {
                "name": p.name,
                "cloud": p.cloud,
                "change": p.change,
                "schedules": [
                    {
                        "urn": s.urn,
                        "change": s.change,
                        "before": _schedule(s.before),
                        "after": _schedule(s.after),
                    }
                    for s in p.schedules
                ],
                "resources_added": list(p.resources_added),
                "resources_removed": list(p.resources_removed),
            }
            for p in diff.pipelines
        ],
        "verdicts": {
            "new": [_verdict(v) for v in diff.new_verdicts],
            "resolved": [_verdict(v) for v in diff.resolved_verdicts],
        },
        "resources": {"added": diff.resources_added, "removed": diff.resources_removed},
    }


def document(diffs: Sequence[StackDiff], base: Base, reference: datetime) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "base": {"ref": base.ref, "commit": base.commit},
        "reference_time": iso(reference),
        "ok": not any(d.head_blocks for d in diffs),
        "stacks": [stack_document(d) for d in diffs],
    }


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def load_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
