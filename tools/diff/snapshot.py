"""One side of the diff: a stack as its plan JSON document describes it.

The reader is lenient on purpose: the base may predate fields (no `cloud`/`dialect` before the
multi-cloud layout, no `max_runs_per_24h` before the engine reported it, an older
`schema_version`). A missing field takes the value it implicitly had then (`aws`, UTC, enabled),
and a missing figure is computed by this engine from the expression, so both sides are compared on
the same terms.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# Component types that stand for one scheduled pipeline. A pipeline of another cloud registers
# its own component; any type token ending in this name counts.
PIPELINE_COMPONENT_SUFFIX = ":ScheduledPipeline"


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _expression_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class Schedule:
    """A schedule or trigger, with the figures the diff compares."""

    pipeline: str
    urn: str
    resource_type: str
    cloud: str
    dialect: str
    expression: str
    timezone: str
    enabled: bool
    description: str
    next_runs: tuple[datetime, ...]
    max_runs_per_day: int | None
    max_runs_per_24h: int | None
    min_interval_minutes: float | None
    never_fires: bool
    start: datetime | None = None
    end: datetime | None = None
    # The same figures where the provider leaves behaviour undefined (None where documented).
    worst: dict[str, Any] | None = None
    warnings: tuple[str, ...] = ()

    @property
    def timing(self) -> tuple[Any, ...]:
        """What decides when it runs: a change here is a changed schedule (a reworded
        description alone is not)."""
        return (
            self.dialect,
            self.expression,
            self.timezone,
            self.enabled,
            self.start,
            self.end,
        )


@dataclass(frozen=True)
class Verdict:
    policy: str
    enforcement: str
    message: str
    urn: str | None

    @property
    def key(self) -> tuple[str, str, str, str]:
        """Identity across the two sides: the same policy on the same resource at the same
        level is the same finding even when its numbers moved; a stack-level finding is
        told apart by its message."""
        return (self.policy, self.urn or "", self.enforcement, "" if self.urn else self.message)

    @property
    def blocking(self) -> bool:
        return self.enforcement in ("mandatory", "remediate")


@dataclass(frozen=True)
class Snapshot:
    stack: str
    ok: bool
    error: str | None
    schema_version: int
    resources: dict[str, str] = field(default_factory=dict)  # urn -> type
    parents: dict[str, str | None] = field(default_factory=dict)
    schedules: tuple[Schedule, ...] = ()
    verdicts: tuple[Verdict, ...] = ()

    @property
    def mandatory(self) -> int:
        return sum(1 for v in self.verdicts if v.blocking)

    def pipelines(self) -> dict[str, str]:
        """Pipeline name -> its cloud, from the pipeline components and the schedules."""
        found: dict[str, str] = {}
        for urn, type_ in self.resources.items():
            if type_.endswith(PIPELINE_COMPONENT_SUFFIX):
                cloud = type_.split(":")[1] if type_.count(":") >= 2 else "aws"
                found[urn.rsplit("::", 1)[-1]] = "aws" if cloud == "ml" else cloud
        for s in self.schedules:
            found[s.pipeline] = s.cloud  # the plan's own word, where it has one
        return found

    def pipeline_resources(self) -> dict[str, set[str]]:
        """Pipeline name -> URNs of its component and everything under it."""
        roots = {
            urn: urn.rsplit("::", 1)[-1]
            for urn, type_ in self.resources.items()
            if type_.endswith(PIPELINE_COMPONENT_SUFFIX)
        }
        owned: dict[str, set[str]] = {name: set() for name in roots.values()}
        for urn in self.resources:
            node: str | None = urn
            seen: set[str] = set()
            while node is not None and node not in seen:
                seen.add(node)
                if node in roots:
                    owned[roots[node]].add(urn)
                    break
                node = self.parents.get(node)
        return owned

    def counts(self) -> Counter[str]:
        return Counter(self.resources.values())


def _figure_from_engine(entry: dict[str, Any], name: str, reference: datetime) -> Any:
    """A figure an older plan did not report, computed by this engine from the expression."""
    from modules.schedule import ScheduleError, analyze, parse_schedule

    dialect = entry.get("dialect") or "aws"
    expression = entry.get("expression")
    try:
        if dialect == "aws":
            schedule = parse_schedule(expression, entry.get("timezone"))
        else:
            value = json.loads(expression) if dialect == "adf-recurrence" else expression
            schedule = parse_schedule(value, entry.get("timezone"), dialect=dialect)  # type: ignore[call-arg]
        analysis = analyze(
            schedule,
            reference=reference,
            count=1,
            start=_time(entry.get("start")),
            end=_time(entry.get("end")),
        )
    except (ScheduleError, TypeError, ValueError):
        return None
    return getattr(analysis, name, None)


def _schedule(entry: dict[str, Any], reference: datetime) -> Schedule:
    def figure(name: str) -> Any:
        if name in entry:
            return entry[name]
        return _figure_from_engine(entry, name, reference)

    return Schedule(
        pipeline=str(entry.get("pipeline", "")),
        urn=str(entry.get("urn", "")),
        resource_type=str(entry.get("resource_type", "")),
        cloud=str(entry.get("cloud") or "aws"),
        dialect=str(entry.get("dialect") or "aws"),
        expression=_expression_text(entry.get("expression", "")),
        timezone=str(entry.get("timezone") or "UTC"),
        enabled=bool(entry.get("enabled", True)),
        description=str(entry.get("description", "")),
        next_runs=tuple(t for t in map(_time, entry.get("next_runs") or ()) if t is not None),
        max_runs_per_day=figure("max_runs_per_day"),
        max_runs_per_24h=figure("max_runs_per_24h"),
        min_interval_minutes=figure("min_interval_minutes"),
        never_fires=bool(entry.get("never_fires", False)),
        start=_time(entry.get("start")),
        end=_time(entry.get("end")),
        worst=_worst(entry.get("worst")),
        warnings=tuple(str(w) for w in entry.get("warnings") or ()),
    )


def _worst(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        return None
    keys = ("max_runs_per_day", "max_runs_per_24h", "min_interval_minutes")
    return {k: value.get(k) for k in keys}


def from_document(doc: dict[str, Any], reference: datetime) -> Snapshot:
    """A stack document of `python -m tools.plan --format json` (any schema version so far)."""
    resources = doc.get("resources") or []
    return Snapshot(
        stack=str(doc.get("stack", "")),
        ok=bool(doc.get("ok", False)),
        error=doc.get("error"),
        schema_version=int(doc.get("schema_version", 1)),
        resources={str(r["urn"]): str(r.get("type", "")) for r in resources if "urn" in r},
        parents={str(r["urn"]): r.get("parent") for r in resources if "urn" in r},
        schedules=tuple(_schedule(s, reference) for s in doc.get("schedules") or ()),
        verdicts=tuple(
            Verdict(
                policy=str(v.get("policy", "")),
                enforcement=str(v.get("enforcement", "")),
                message=str(v.get("message", "")),
                urn=v.get("urn") or None,
            )
            for v in doc.get("verdicts") or ()
        ),
    )


def stacks_of(document: dict[str, Any], reference: datetime) -> dict[str, Snapshot]:
    """Every stack of a multi-stack plan document (`{schema_version, ok, stacks: [...]}`)."""
    return {
        snap.stack: snap
        for snap in (from_document(d, reference) for d in document.get("stacks") or ())
    }
