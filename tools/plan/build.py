"""Build a `StackPlan` from a mock run, the schedule engine and the policy pack's verdicts."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

from modules.schedule import ScheduleError, analyze, parse_schedule
from policies import schedule_registry
from tools.plan.model import ResourceEntry, ScheduleEntry, StackPlan, Verdict, WorstCase

# Resource types that carry a time-based trigger, and whether their expression may have a time
# zone (EventBridge rules always evaluate in UTC).
SCHEDULE_TYPES = {
    "aws:scheduler/schedule:Schedule": "scheduler",
    "aws-native:scheduler:Schedule": "scheduler",
    "aws:cloudwatch/eventRule:EventRule": "rule",
    "aws-native:events:Rule": "rule",
}
# The component standing for one scheduled pipeline: `mlsched:ml:ScheduledPipeline` (AWS) and
# every other cloud's `mlsched:<cloud>:ScheduledPipeline`.
PIPELINE_COMPONENT_SUFFIX = ":ScheduledPipeline"
NEXT_RUNS = 5


class Captured(Protocol):  # the fields of tools.mockrun.CapturedResource the plan reads
    urn: str
    type: str
    name: str
    custom: bool
    parent: str | None
    inputs: dict
    protect: bool


class ViolationLike(Protocol):  # tools.policy_client's violation
    policy: str
    enforcement: str
    message: str
    urn: str | None


def resource_entries(captured: Iterable[Captured]) -> tuple[ResourceEntry, ...]:
    return tuple(
        ResourceEntry(
            urn=c.urn,
            type=c.type,
            name=c.name,
            parent=c.parent or None,
            custom=bool(c.custom),
            protect=bool(c.protect),
        )
        for c in captured
    )


def _parse_time(value: Any) -> datetime | None:
    """Scheduler start/end dates are RFC 3339 strings; anything else (unknown under mocks) is
    treated as absent rather than guessed."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _enabled(inputs: Mapping[str, Any]) -> bool:
    if inputs.get("isEnabled") is False:
        return False
    state = inputs.get("state")
    return not (isinstance(state, str) and state.upper() == "DISABLED")


def _pipeline_name(resource: Captured, by_urn: Mapping[str, Captured]) -> str:
    """The nearest ScheduledPipeline ancestor names the pipeline; a bare schedule names itself."""
    seen: set[str] = set()
    parent = resource.parent
    while parent and parent in by_urn and parent not in seen:
        seen.add(parent)
        node = by_urn[parent]
        if node.type.startswith("mlsched:") and node.type.endswith(PIPELINE_COMPONENT_SUFFIX):
            return node.name
        parent = node.parent
    return resource.name


def schedule_entries(
    captured: Iterable[Captured], *, reference: datetime
) -> tuple[ScheduleEntry, ...]:
    captured = tuple(captured)
    by_urn = {c.urn: c for c in captured}
    entries = []
    for c in captured:
        trigger = SCHEDULE_TYPES.get(c.type)
        if trigger is None:
            entry = _carrier_entry(c, by_urn, reference)
            if entry is not None:
                entries.append(entry)
            continue
        expression = (c.inputs or {}).get("scheduleExpression")
        if not isinstance(expression, str):
            continue  # an event-pattern rule, or an expression unknown until deployment
        inputs = c.inputs
        timezone = inputs.get("scheduleExpressionTimezone") if trigger == "scheduler" else None
        timezone = timezone if isinstance(timezone, str) and timezone else None
        start, end = _parse_time(inputs.get("startDate")), _parse_time(inputs.get("endDate"))
        common = {
            "pipeline": _pipeline_name(c, by_urn),
            "urn": c.urn,
            "resource_type": c.type,
            "trigger": trigger,
            "expression": expression,
            "enabled": _enabled(inputs),
            "start": start,
            "end": end,
        }
        try:
            schedule = parse_schedule(expression, timezone)
        except ScheduleError as error:
            # The stack's own validation rejects this before registration; a foreign program can
            # still carry one, and the schedule policy reports it as a verdict.
            entries.append(
                ScheduleEntry(
                    **common,
                    timezone=timezone or "UTC",
                    description=f"invalid schedule: {error}",
                    next_runs=(),
                    next_runs_local=(),
                    max_runs_per_day=0,
                    min_interval_minutes=None,
                    never_fires=False,
                )
            )
            continue
        analysis = analyze(schedule, reference=reference, count=NEXT_RUNS, start=start, end=end)
        entries.append(
            ScheduleEntry(
                **common,
                timezone=schedule.timezone,
                description=analysis.description,
                next_runs=tuple(analysis.next_runs),
                next_runs_local=tuple(analysis.next_runs_local),
                max_runs_per_day=analysis.max_runs_per_day,
                min_interval_minutes=analysis.min_interval_minutes,
                never_fires=analysis.never_fires,
                **_figures(analysis),
            )
        )
    return tuple(entries)


def _carrier_entry(
    c: Captured, by_urn: Mapping[str, Captured], reference: datetime
) -> ScheduleEntry | None:
    """A schedule of another cloud, read through the policy pack's carrier registry (the one
    place that knows where each resource type keeps its schedule)."""
    spec = schedule_registry.read(c.type, c.inputs or {})
    if spec is None or isinstance(spec.expression, type(None)):
        return None
    carrier = spec.carrier
    timezone = spec.timezone if isinstance(spec.timezone, str) else carrier.default_timezone
    expression = spec.expression
    shown = (
        json.dumps(expression, sort_keys=True, separators=(",", ":"))
        if isinstance(expression, Mapping)
        else str(expression)
    )
    common = {
        "pipeline": _pipeline_name(c, by_urn),
        "urn": c.urn,
        "resource_type": c.type,
        "trigger": carrier.label,
        "expression": shown,
        "enabled": spec.enabled is True,
        "start": _parse_time(spec.start),
        "end": _parse_time(spec.end),
        "cloud": carrier.cloud,
        "dialect": spec.dialect,
    }
    try:
        schedule = parse_schedule(expression, timezone, dialect=spec.dialect)  # type: ignore[call-arg]
        analysis = analyze(
            schedule,
            reference=reference,
            count=NEXT_RUNS,
            start=common["start"],
            end=common["end"],
        )
    except ScheduleError as error:
        return ScheduleEntry(
            **common,
            timezone=timezone or "UTC",
            description=f"invalid schedule: {error}",
            next_runs=(),
            next_runs_local=(),
            max_runs_per_day=0,
            min_interval_minutes=None,
            never_fires=False,
        )
    canonical = getattr(schedule.spec, "canonical", None)
    return ScheduleEntry(
        **{**common, "expression": canonical if isinstance(canonical, str) else shown},
        timezone=schedule.timezone,
        description=analysis.description,
        next_runs=tuple(analysis.next_runs),
        next_runs_local=tuple(analysis.next_runs_local),
        max_runs_per_day=analysis.max_runs_per_day,
        min_interval_minutes=analysis.min_interval_minutes,
        never_fires=analysis.never_fires,
        **_figures(analysis),
    )


def _figures(analysis: Any) -> dict[str, Any]:
    """The 24-hour maximum, the worst case (where the provider leaves behaviour undefined) and
    what it hits, as ScheduleEntry fields."""
    worst = getattr(analysis, "worst", None)
    return {
        "max_runs_per_24h": getattr(analysis, "max_runs_per_24h", 0),
        "worst": WorstCase(
            worst.max_runs_per_day, worst.max_runs_per_24h, worst.min_interval_minutes
        )
        if worst is not None
        else None,
        "warnings": tuple(getattr(analysis, "warnings", ())),
    }


def verdicts(violations: Iterable[ViolationLike]) -> tuple[Verdict, ...]:
    """Mandatory first, then by policy and resource, so reports diff cleanly between runs."""
    order = {"mandatory": 0, "remediate": 1, "advisory": 2, "disabled": 3}
    items = {
        Verdict(
            policy=v.policy,
            enforcement=v.enforcement,
            message=v.message,
            urn=v.urn or None,
            description=getattr(v, "description", "") or "",
        )
        for v in violations
    }
    return tuple(
        sorted(items, key=lambda v: (order.get(v.enforcement, 9), v.policy, v.urn or "", v.message))
    )


def stack_plan(
    *,
    project: str,
    stack: str,
    reference: datetime,
    resources: Iterable[Captured],
    violations: Iterable[ViolationLike],
    outputs: Mapping[str, Any] | None = None,
    policy_config: str | None = None,
) -> StackPlan:
    resources = tuple(resources)
    return StackPlan(
        project=project,
        stack=stack,
        reference_time=reference,
        resources=resource_entries(resources),
        schedules=schedule_entries(resources, reference=reference),
        verdicts=verdicts(violations),
        outputs=dict(outputs or {}),
        policy_config=policy_config,
    )
