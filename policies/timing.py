"""Timing policies: a run that starts before the previous one ends, pipelines that all start at
once, and one pipeline started by several schedules.

Stack policies, because each needs more than one resource: a schedule and the pipeline it starts
(which declares its expected duration), or every schedule of the stack. Schedules and pipelines
are found only through `policies.schedule_registry`, so every cloud's carriers are judged alike.

Where the expected duration comes from, in a real `pulumi preview` as in the offline plan: the
pipeline resource the schedule starts declares it (AWS: the tag `mlsched:expectedDuration` on
the SageMaker pipeline, written by `ScheduledPipeline` from the stack config's
`expectedDuration`; EventBridge Scheduler schedules cannot be tagged). A schedule is linked to
its pipeline by the engine's property dependencies of its target (known in a preview even when
the pipeline's ARN is not), else by the pipeline name in a known target ARN.

Runs over several schedules (collisions, one pipeline's union of schedules) are looked at over
`horizonDays` from the reference time; what happens later is not seen (README says so).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pulumi_policy import ReportViolation, StackValidationArgs, StackValidationPolicy
from pulumi_policy.proxy import UnknownValueError

from modules.config import parse_duration
from modules.schedule.windows import busiest_window, merged_figures
from policies import schedule_reading as reading
from policies import schedule_registry as registry
from policies import settings
from policies.schedule_registry import ScheduleSpec
from policies.values import is_unknown, plain, show, unknown

CONFIG_FILE = "policies/config/<stack>.json"
# Most runs taken from one schedule inside the horizon: enough for a 5-minute schedule over a
# week; a denser one is already in every collision window, and its own frequency is judged by
# schedule-frequency on its whole horizon.
RUN_CAP = 2_100
HORIZON_SCHEMA = {
    "type": "integer",
    "minimum": 1,
    "maximum": 92,
    "default": 7,
    "description": "days from the reference time over which runs of several schedules are compared",
}


@dataclass(frozen=True)
class PipelineLink:
    """The pipeline a schedule starts, as far as the stack shows it."""

    key: str
    """The pipeline resource's URN, else the target's reference (an ARN)."""
    name: str
    urn: str | None
    account: str | None
    duration: Any
    """The declared expected duration text, None (not declared) or UNKNOWN."""
    duration_label: str = ""


@dataclass(frozen=True)
class Scheduled:
    resource: Any
    spec: ScheduleSpec
    pipeline: PipelineLink | None

    @property
    def enabled(self) -> bool:
        # Unknown during preview counts as enabled: a schedule that may fire is judged.
        return self.spec.enabled is not False


def _deps(resource: Any, key: str) -> list[Any]:
    deps = getattr(resource, "property_dependencies", None) or {}
    return list(deps.get(key, []) or [])


def _account(ref: Any) -> str | None:
    if isinstance(ref, str) and ref.startswith("arn:"):
        parts = ref.split(":")
        if len(parts) > 4 and parts[4].isascii() and parts[4].isdigit():
            return parts[4]
    return None


def _ref_name(ref: Any) -> str | None:
    """The pipeline name in a target ARN such as arn:aws:sagemaker:...:pipeline/<name>, or a
    plain pipeline name (a Data Factory trigger's pipeline reference)."""
    if isinstance(ref, str) and ":pipeline/" in ref:
        return ref.rsplit("/", 1)[-1].lower() or None
    if isinstance(ref, str) and ref and ":" not in ref and "/" not in ref:
        return ref.lower()
    return None


def scheduled(args: StackValidationArgs) -> list[Scheduled]:
    """Every resource of the stack that carries a schedule, with the pipeline it starts."""
    pipelines: dict[str, tuple[Any, Mapping[str, Any], registry.PipelineResource]] = {}
    by_name: dict[tuple[str, str], str] = {}  # (cloud, pipeline name) -> urn
    for r in args.resources:
        kind = registry.pipeline_for(r.resource_type)
        if kind is None:
            continue
        props = plain(r.props)
        pipelines[r.urn] = (r, props, kind)
        name = props.get(kind.name)
        if isinstance(name, str):
            by_name.setdefault((kind.cloud, name.lower()), r.urn)

    carrier_names: dict[str, dict[str, str]] = defaultdict(dict)  # carrier type -> name -> urn
    specs: list[tuple[Any, ScheduleSpec]] = []
    props_of: dict[str, Any] = {}
    for r in args.resources:
        if registry.carrier_for(r.resource_type) is None:
            continue
        props = plain(r.props)
        spec = registry.read(r.resource_type, props)
        if spec is None:
            continue
        specs.append((r, spec))
        props_of[r.urn] = props
        if isinstance(props.get("name"), str):
            carrier_names[r.resource_type][props["name"]] = r.urn

    # Targets declared as their own resources (pulumi-aws EventTarget -> EventRule).
    linked: dict[str, list[tuple[Any, Any, tuple[str, ...]]]] = defaultdict(list)
    target_types = registry.target_resource_types()
    for r in args.resources:
        carrier = target_types.get(r.resource_type)
        if carrier is None or carrier.target_resources is None:
            continue
        link = carrier.target_resources
        props = plain(r.props)
        owners = [d.urn for d in _deps(r, link.link)]
        if not owners and isinstance(props.get(link.link), str):
            owner = carrier_names[carrier.resource_type].get(props[link.link])
            owners = [owner] if owner else []
        for owner in owners:
            linked[owner].append((r, link.read(props).ref, link.target_keys))

    out = []
    for r, spec in specs:
        sources = [(r, spec.carrier.target_keys)]
        refs = []
        if not is_unknown(spec.targets):
            refs = [t.ref for t in spec.targets if not is_unknown(t)]
        for target, ref, keys in linked.get(r.urn, []):
            sources.append((target, keys))
            refs.append(ref)
        if spec.carrier.expected_duration is not None:
            out.append(Scheduled(r, spec, _itself(r, props_of[r.urn], spec)))
            continue
        link = _pipeline_of(sources, refs, pipelines, by_name, spec.carrier.cloud)
        out.append(Scheduled(r, spec, link))
    return out


def _itself(resource: Any, props: Mapping[str, Any], spec: ScheduleSpec) -> PipelineLink:
    """A carrier that defines the job it starts inline is its own pipeline."""
    reader = spec.carrier.expected_duration
    assert reader is not None
    return PipelineLink(
        key=resource.urn,
        name=resource.name,
        urn=resource.urn,
        account=None,
        duration=reader(props),
        duration_label=spec.carrier.duration_label,
    )


def _pipeline_of(
    sources: list[tuple[Any, tuple[str, ...]]],
    refs: list[Any],
    pipelines: Mapping[str, tuple[Any, Mapping[str, Any], registry.PipelineResource]],
    by_name: Mapping[tuple[str, str], str],
    cloud: str,
) -> PipelineLink | None:
    urn = None
    for resource, keys in sources:
        for key in keys:
            urn = next((d.urn for d in _deps(resource, key) if d.urn in pipelines), None)
            if urn:
                break
        if urn:
            break
    known_refs = [ref for ref in refs if isinstance(ref, str)]
    if urn is None:
        names = [(cloud, n) for n in map(_ref_name, known_refs) if n]
        urn = next((by_name[n] for n in names if n in by_name), None)
    account = next((a for a in map(_account, known_refs) if a), None)
    if urn is not None:
        resource, props, kind = pipelines[urn]
        name = props.get(kind.name)
        return PipelineLink(
            key=urn,
            name=name if isinstance(name, str) else resource.name,
            urn=urn,
            account=account,
            duration=kind.expected_duration(props),
            duration_label=kind.duration_label,
        )
    if known_refs:
        ref = known_refs[0]
        return PipelineLink(ref, _ref_name(ref) or ref, None, account, None)
    return None


def _reference(config: Mapping[str, Any], report: ReportViolation, policy: str) -> datetime | None:
    try:
        return settings.reference_time(config)
    except settings.PolicyConfigError as e:
        report(f"cannot judge schedules: {e} (policy {policy}).", None)
        return None


def _runs(item: Scheduled, reference: datetime, horizon: timedelta) -> tuple[datetime, ...]:
    """The item's runs within the horizon (raises ScheduleProblem / the unknown advisory)."""
    first = reading.analysis(item.spec, reference)
    per_day = reading.figures(first).max_runs_per_24h
    days = horizon.days + 1
    count = max(1, min(RUN_CAP, per_day * days + 1))
    result = reading.analysis(item.spec, reference, count=count, until=reference + horizon)
    return tuple(t for t in result.next_runs if t < reference + horizon)


def _minutes(value: float) -> str:
    if value >= 60 and value % 60 == 0:
        return f"{value / 60:g} h"
    return f"{value:g} min"


def _names(names: list[str], limit: int = 10) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _expression(spec: ScheduleSpec) -> str:
    text = spec.expression if isinstance(spec.expression, str) else str(spec.expression)
    return text if len(text) <= 80 else text[:77] + "..."


# --- schedule-overlap ---------------------------------------------------------------------
OVERLAP_SCHEMA = {
    "marginMinutes": {
        "type": "number",
        "minimum": 0,
        "default": 0,
        "description": "extra minutes a run must leave after the expected duration",
    },
    "referenceTime": settings.REFERENCE_TIME_SCHEMA,
}


def validate_overlap(args: StackValidationArgs, report: ReportViolation) -> None:
    config = settings.merged(args, OVERLAP_SCHEMA)
    reference = _reference(config, report, OVERLAP.name)
    if reference is None:
        return
    margin = float(config["marginMinutes"])
    unknowns: list[str] = []
    for item in scheduled(args):
        link = item.pipeline
        if not item.enabled or link is None or link.duration is None:
            continue
        if is_unknown(link.duration):
            unknowns.append(f"{link.duration_label} of {link.name}")
            continue
        duration = parse_duration(link.duration)
        if duration is None:
            report(
                f"{link.name}: {link.duration_label} is {show(link.duration)}, not a duration; "
                "write how long one run usually takes, e.g. 90m, 2h or 1h30m.",
                link.urn,
            )
            continue
        try:
            result = reading.analysis(item.spec, reference)
        except reading.ScheduleProblem:
            continue  # schedule-expression-valid reports it
        except UnknownValueError:
            unknowns.append(f"the schedule of {item.resource.name}")
            continue
        figures = reading.figures(result)
        interval = figures.min_interval_minutes
        needed = duration.total_seconds() / 60 + margin
        if interval is None or interval >= needed:
            continue
        suggestion = reading.suggest_slower(item.spec, needed, None, reference)
        then = item.spec.carrier.overlap or "both runs then compete for the same resources"
        fix = f" (e.g. {suggestion})" if suggestion else ""
        worst = " at worst (the provider leaves daylight-saving changes undefined)"
        report(
            f"{item.resource.name}: {_expression(item.spec)} can start pipeline {link.name} "
            f"{_minutes(interval)} after the previous run{worst if figures.worst_case else ''}, "
            f"but one run takes about {_minutes(duration.total_seconds() / 60)} "
            f"({link.duration_label}), so a run is due while the previous one still runs: "
            f"{then}. Start it at most "
            f"every {_minutes(needed)}{fix}, correct expectedDuration if runs are shorter, or "
            f"change schedule-overlap in {CONFIG_FILE}.",
            item.resource.urn,
        )
    if unknowns:
        unknown(", ".join(unknowns))


OVERLAP = StackValidationPolicy(
    name="schedule-overlap",
    description="A schedule must not start its pipeline again before the pipeline's expected "
    "duration has passed (shortest interval, worst case).",
    validate=validate_overlap,
    config_schema=settings.schema(OVERLAP_SCHEMA),
)

# --- schedule-collision -------------------------------------------------------------------
COLLISION_SCHEMA = {
    "windowMinutes": {
        "type": "integer",
        "minimum": 1,
        "maximum": 1440,
        "default": 5,
        "description": "width of the start window in minutes",
    },
    "maxPipelinesPerWindow": {
        "type": "integer",
        "minimum": 1,
        "default": 3,
        "description": "most pipelines of one stack and account that may start in one window",
    },
    "horizonDays": HORIZON_SCHEMA,
    "referenceTime": settings.REFERENCE_TIME_SCHEMA,
}


def validate_collision(args: StackValidationArgs, report: ReportViolation) -> None:
    config = settings.merged(args, COLLISION_SCHEMA)
    reference = _reference(config, report, COLLISION.name)
    if reference is None:
        return
    width = timedelta(minutes=int(config["windowMinutes"]))
    allowed = int(config["maxPipelinesPerWindow"])
    horizon = timedelta(days=int(config["horizonDays"]))
    accounts: dict[str | None, dict[str, list[datetime]]] = defaultdict(lambda: defaultdict(list))
    names: dict[str, str] = {}
    unknowns: list[str] = []
    for item in scheduled(args):
        if not item.enabled:
            continue
        try:
            runs = _runs(item, reference, horizon)
        except reading.ScheduleProblem:
            continue
        except UnknownValueError:
            unknowns.append(item.resource.name)
            continue
        link = item.pipeline
        key = link.key if link else item.resource.urn
        names[key] = link.name if link else item.resource.name
        accounts[link.account if link else None][key].extend(runs)
    for account, runs in sorted(accounts.items(), key=lambda kv: kv[0] or ""):
        window = busiest_window(runs, width)
        if window is None or len(window.members) <= allowed:
            continue
        where = f"account {account}" if account else "this stack's account"
        members = sorted(names[k] for k in window.members)
        report(
            f"{len(members)} pipelines start within {width.seconds // 60} min, "
            f"{_utc(window.start)} to {_utc(window.end)}: {_names(members)} (the busiest "
            f"window of the next {horizon.days} days in {where}; this stack allows "
            f"{allowed}). Starting together they compete for the account's quotas (e.g. "
            "SageMaker's concurrent training and processing jobs). Stagger their start times "
            f"by at least {width.seconds // 60} minutes, or change schedule-collision in "
            f"{CONFIG_FILE}.",
            None,
        )
    if unknowns:
        unknown(f"the schedules of {', '.join(unknowns)}")


COLLISION = StackValidationPolicy(
    name="schedule-collision",
    description="At most N pipelines of one stack and account may start within the same "
    "window (they compete for the same quotas).",
    validate=validate_collision,
    config_schema=settings.schema(COLLISION_SCHEMA),
)

# --- schedule-pipeline-frequency ----------------------------------------------------------
PIPELINE_FREQUENCY_SCHEMA = {
    "minIntervalMinutes": {
        "type": "number",
        "minimum": 1,
        "default": 60,
        "description": "shortest allowed gap between two starts of one pipeline, in minutes",
    },
    "maxRunsPerDay": {
        "type": "integer",
        "minimum": 1,
        "default": 24,
        "description": "most starts of one pipeline in any 24 hours, all its schedules together",
    },
    "horizonDays": HORIZON_SCHEMA,
    "referenceTime": settings.REFERENCE_TIME_SCHEMA,
}


def validate_pipeline_frequency(args: StackValidationArgs, report: ReportViolation) -> None:
    config = settings.merged(args, PIPELINE_FREQUENCY_SCHEMA)
    reference = _reference(config, report, PIPELINE_FREQUENCY.name)
    if reference is None:
        return
    min_interval = float(config["minIntervalMinutes"])
    max_runs = int(config["maxRunsPerDay"])
    horizon = timedelta(days=int(config["horizonDays"]))
    groups: dict[str, list[Scheduled]] = defaultdict(list)
    for item in scheduled(args):
        if item.enabled and item.pipeline is not None:
            groups[item.pipeline.key].append(item)
    unknowns: list[str] = []
    for items in groups.values():
        if len(items) < 2:
            continue
        series = []
        for item in items:
            try:
                series.append(_runs(item, reference, horizon))
            except reading.ScheduleProblem:
                continue
            except UnknownValueError:
                unknowns.append(item.resource.name)
        together = merged_figures(series)
        gap = together.min_interval_minutes
        if not ((gap is not None and gap < min_interval) or together.max_runs_per_24h > max_runs):
            continue
        link = items[0].pipeline
        assert link is not None
        listed = "; ".join(f"{i.resource.name}: {_expression(i.spec)}" for i in items)
        pace = "twice at the same minute" if gap == 0 else f"every {_minutes(gap or 0)}"
        report(
            f"pipeline {link.name} is started by {len(items)} schedules ({listed}) that "
            f"together start it {pace} ({together.max_runs_per_24h} runs in 24 h) in the next "
            f"{horizon.days} days; this stack allows at least {_minutes(min_interval)} between "
            f"runs and at most {max_runs} runs in any 24 hours. Merge them into one schedule or "
            "spread them apart, or change schedule-pipeline-frequency in "
            f"{CONFIG_FILE}.",
            link.urn,
        )
    if unknowns:
        unknown(f"the schedules of {', '.join(unknowns)}")


PIPELINE_FREQUENCY = StackValidationPolicy(
    name="schedule-pipeline-frequency",
    description="All schedules that start one pipeline, together, must keep the stack's "
    "minimum interval and 24-hour maximum.",
    validate=validate_pipeline_frequency,
    config_schema=settings.schema(PIPELINE_FREQUENCY_SCHEMA),
)

POLICIES = [OVERLAP, COLLISION, PIPELINE_FREQUENCY]
