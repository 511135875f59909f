"""The one registry of resource types that carry a schedule ("carriers"), like checkov's
supported resources: schedule policies ask it, never a resource type by name.

Each `Carrier` says, for one resource type, where its schedule is: the expression and its
dialect (`aws`, `unix-cron`, `adf-recurrence`), the time zone (and its default), start/end, the
enabled state, the targets, and what the carrier supports (one-time `at()`, a flexible window,
EventBridge-style retry/dead-letter settings). `read(resource_type, props)` turns a resource's
plain properties (`policies.values.plain`: unknowns are `UNKNOWN`) into a `ScheduleSpec`, or None
when the resource declares no schedule. Pure data and functions: no pulumi-policy objects, so the
offline plan can read schedules through it too.

Pipeline resources (`PipelineResource`, `register_pipeline`) say which types are the pipelines
schedules start, their name, and where their expected duration is declared (the timing policies
read it there: AWS tags the SageMaker pipeline `mlsched:expectedDuration`, since EventBridge
Scheduler schedules cannot carry tags).

Adding a cloud: add a module `policies/carriers/<cloud>.py` that calls `register(Carrier(...))`
for each of its resource types and `register_pipeline(...)` for its pipeline types (property
paths are camelCase as Pulumi sends them, dotted for nesting; give a `reader` instead when the
expression needs assembling). Every module in `policies/carriers/` is imported on first use of
the registry; a type registered twice is an error. The schedule policies then judge the new
types without any change.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from policies.values import UNKNOWN, dig

Reader = Callable[[Mapping[str, Any]], Any]


@dataclass(frozen=True)
class Target:
    """What a schedule starts: the fields a target may have (None where the carrier has none)."""

    ref: Any
    """What is started: an ARN (AWS), a pipeline reference name (ADF), a resource name (GCP)."""
    role_arn: Any = None
    retry_policy: Any = None
    dead_letter_arn: Any = None


@dataclass(frozen=True)
class TargetResources:
    """Targets declared as separate resources that point at their carrier by name."""

    resource_type: str
    link: str
    """Property naming the carrier (a dependency on it is preferred when present)."""
    read: Callable[[Mapping[str, Any]], Target]
    target_keys: tuple[str, ...] = ()
    """Properties whose dependencies lead to the pipeline the target starts."""


@dataclass(frozen=True)
class Carrier:
    """Where one resource type keeps its schedule (see the module docstring)."""

    resource_type: str
    cloud: str
    dialect: str
    label: str
    """Short name used in messages, e.g. `EventBridge Scheduler schedule`."""
    expression: str
    """Property path of the expression; an absent expression means "not a schedule"."""
    timezone: str | None = None
    """Property path of the time zone; None: the carrier always runs in `default_timezone`."""
    default_timezone: str | None = None
    """The zone the carrier uses when `timezone` is unset (None: the engine's default, UTC)."""
    start: str | None = None
    end: str | None = None
    enabled: Reader | None = None
    """props -> True/False/UNKNOWN; None: the carrier cannot be disabled."""
    targets: Callable[[Mapping[str, Any]], Any] | None = None
    """props -> tuple of Target (an entry may be UNKNOWN), or UNKNOWN when the list is."""
    reader: Reader | None = None
    """props -> the expression, when it is not one property (e.g. a recurrence object)."""
    one_time: bool = False
    """Accepts one-time schedules (AWS at())."""
    flexible_mode: str | None = None
    """Property path of an EventBridge Scheduler-style flexible window mode."""
    delivery_settings: bool = False
    """Targets carry EventBridge retryPolicy / deadLetterConfig (schedule-delivery-safety)."""
    target_resources: TargetResources | None = None
    target_keys: tuple[str, ...] = ()
    """Properties whose dependencies lead to the pipeline resource the schedule starts (in a
    preview the target's ARN is often unknown, its dependencies are not)."""
    overlap: str = ""
    """What the cloud does when a run is due while the previous one still runs (messages)."""
    dialect_reader: Reader | None = None
    """props -> the dialect of this resource's expression, when one type carries two (an Azure
    ML schedule's Recurrence or Cron trigger); None: always `dialect`."""
    timezone_reader: Reader | None = None
    """props -> the time zone, when it is not one property; None: read `timezone`."""
    expected_duration: Reader | None = None
    """props -> the expected duration text, for carriers that are their own pipeline (the job
    they start is defined inline: a Vertex AI schedule, an Azure ML schedule)."""
    duration_label: str = ""


@dataclass(frozen=True)
class PipelineResource:
    """A resource type that is a pipeline a schedule starts, and where its metadata is."""

    resource_type: str
    cloud: str
    name: str
    """Property path of the pipeline's name (matched against a target's ARN or reference)."""
    expected_duration: Reader
    """props -> the declared expected duration text (e.g. "90m"), None, or UNKNOWN."""
    duration_label: str = ""
    """Where `expected_duration` reads it, for messages (e.g. `tag mlsched:expectedDuration`)."""


@dataclass(frozen=True)
class ScheduleSpec:
    """One resource's schedule, read through its carrier; values are plain or `UNKNOWN`."""

    carrier: Carrier
    expression: Any
    timezone: Any
    start: Any
    end: Any
    enabled: Any
    flexible_mode: Any
    targets: Any
    """tuple of Target (entries may be UNKNOWN), or UNKNOWN during preview."""
    dialect_override: str | None = None

    @property
    def dialect(self) -> str:
        """The dialect this resource's expression is written in."""
        return self.dialect_override or self.carrier.dialect

    @property
    def expression_key(self) -> str:
        return self.carrier.expression

    @property
    def timezone_key(self) -> str | None:
        return self.carrier.timezone


_REGISTRY: dict[str, Carrier] = {}
_PIPELINES: dict[str, PipelineResource] = {}
_ALIASES: list[Callable[[str], str]] = []


def register_aliases(canonical: Callable[[str], str]) -> None:
    """A cloud's rule from the other tokens its resources reach the engine under (API-version
    or deprecated modules) to the registered one; lookups of unknown types try every rule."""
    _ALIASES.append(canonical)


def _lookup(table: Mapping[str, Any], resource_type: str) -> Any:
    found = table.get(resource_type)
    if found is None:
        for rule in _ALIASES:
            found = table.get(rule(resource_type))
            if found is not None:
                break
    return found


def register(carrier: Carrier) -> Carrier:
    if carrier.resource_type in _REGISTRY:
        raise ValueError(f"{carrier.resource_type} is already a registered schedule carrier")
    _REGISTRY[carrier.resource_type] = carrier
    return carrier


def register_pipeline(pipeline: PipelineResource) -> PipelineResource:
    if pipeline.resource_type in _PIPELINES:
        raise ValueError(f"{pipeline.resource_type} is already a registered pipeline resource")
    _PIPELINES[pipeline.resource_type] = pipeline
    return pipeline


def pipeline_for(resource_type: str) -> PipelineResource | None:
    _load()
    return _lookup(_PIPELINES, resource_type)


@functools.cache
def _load() -> None:
    import policies.carriers as package

    for module in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        importlib.import_module(f"{package.__name__}.{module.name}")


def carriers() -> Mapping[str, Carrier]:
    """Every registered carrier by resource type."""
    _load()
    return dict(_REGISTRY)


def carrier_for(resource_type: str) -> Carrier | None:
    _load()
    return _lookup(_REGISTRY, resource_type)


def target_resource_types() -> Mapping[str, Carrier]:
    """Target resource type -> the carrier its resources point at."""
    return {
        c.target_resources.resource_type: c
        for c in carriers().values()
        if c.target_resources is not None
    }


def read(resource_type: str, props: Mapping[str, Any]) -> ScheduleSpec | None:
    """The schedule a resource declares (props already plain), or None if it declares none."""
    carrier = carrier_for(resource_type)
    if carrier is None:
        return None
    if props is UNKNOWN:
        expression = UNKNOWN
    elif carrier.reader is not None:
        expression = carrier.reader(props)
    else:
        expression = dig(props, carrier.expression)
    if expression is None:
        return None  # e.g. an event-pattern rule: not a schedule
    path = _path_reader(props)
    dialect = carrier.dialect_reader(props) if carrier.dialect_reader is not None else None
    return ScheduleSpec(
        carrier=carrier,
        expression=expression,
        timezone=(
            carrier.timezone_reader(props)
            if carrier.timezone_reader is not None
            else path(carrier.timezone)
        ),
        start=path(carrier.start),
        end=path(carrier.end),
        enabled=True if carrier.enabled is None else carrier.enabled(props),
        flexible_mode=path(carrier.flexible_mode),
        targets=carrier.targets(props) if carrier.targets is not None else (),
        dialect_override=dialect if isinstance(dialect, str) else None,
    )


def _path_reader(props: Mapping[str, Any]) -> Callable[[str | None], Any]:
    def get(path: str | None) -> Any:
        return None if path is None else dig(props, path)

    return get
