"""The plan report: frozen dataclasses that every renderer reads, built once per stack."""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

# Enforcement levels that stop `pulumi up`. A `remediate` violation reaches us only when the policy
# could not fix the resource itself, and the engine then fails the update as for `mandatory`.
BLOCKING_ENFORCEMENT = frozenset({"mandatory", "remediate"})

# Said in every report, because a green offline plan is easy to over-trust.
NOT_CHECKED = (
    "no diff against deployed state: the program runs under Pulumi mocks, nothing is read from AWS",
    "no provider-side validation: AWS and the providers never see these inputs",
)


@dataclass(frozen=True)
class ResourceEntry:
    """One registered resource or component, as the engine would see it."""

    urn: str
    type: str
    name: str
    parent: str | None
    custom: bool
    protect: bool = False


@dataclass(frozen=True)
class WorstCase:
    """A schedule's figures under the worst reading of what its provider leaves undefined
    (unix-cron and ADF wall times that daylight saving skips or repeats)."""

    max_runs_per_day: int
    max_runs_per_24h: int
    min_interval_minutes: float | None


@dataclass(frozen=True)
class ScheduleEntry:
    """One time-based trigger of a pipeline, analysed by `modules.schedule`."""

    pipeline: str
    urn: str
    resource_type: str
    trigger: str  # "scheduler", "rule", or another cloud's carrier label
    expression: str
    timezone: str
    enabled: bool
    description: str
    next_runs: tuple[datetime, ...]  # tz-aware UTC
    next_runs_local: tuple[datetime, ...]  # the same instants in `timezone`
    max_runs_per_day: int
    min_interval_minutes: float | None
    never_fires: bool
    start: datetime | None = None
    end: datetime | None = None
    cloud: str = "aws"
    dialect: str = "aws"
    """The engine dialect of `expression` (`aws`, `unix-cron`, `adf-recurrence`)."""
    max_runs_per_24h: int = 0
    """Most runs in any 24 real hours (nominal)."""
    worst: WorstCase | None = None
    """The worst case where the provider leaves behaviour undefined; None where documented."""
    warnings: tuple[str, ...] = ()
    """What the provider leaves undefined that this schedule hits."""


@dataclass(frozen=True)
class BusiestWindow:
    """The start window (schedule-collision's `windowMinutes` wide) with the most pipelines in
    the next 7 days."""

    start: datetime
    end: datetime
    minutes: int
    pipelines: tuple[str, ...]


@dataclass(frozen=True)
class Verdict:
    """One policy violation reported by the pack."""

    policy: str
    enforcement: str
    message: str
    urn: str | None
    description: str = ""

    @property
    def blocking(self) -> bool:
        return self.enforcement in BLOCKING_ENFORCEMENT


@dataclass(frozen=True)
class StackPlan:
    """Everything the offline plan knows about one stack.

    `error` is set instead of the rest when the stack could not be planned (a configuration error
    with the modules' message); such a plan is never ok.
    """

    project: str
    stack: str
    reference_time: datetime
    resources: tuple[ResourceEntry, ...] = ()
    schedules: tuple[ScheduleEntry, ...] = ()
    verdicts: tuple[Verdict, ...] = ()
    outputs: dict = field(default_factory=dict, hash=False, compare=True)
    policy_config: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and not any(v.blocking for v in self.verdicts)

    @functools.cached_property
    def busiest_window(self) -> BusiestWindow | None:
        """Where most pipelines start within the window schedule-collision judges with (all
        clouds, the week the chart draws); None without runs. Computed once: JSON, Markdown and
        the terminal all report this one."""
        from tools.plan import week

        lanes = week.lanes_of(self.schedules, self.reference_time)
        return week.busiest(lanes, week.window_minutes(self.policy_config))

    @property
    def mandatory_count(self) -> int:
        return sum(1 for v in self.verdicts if v.blocking)

    @property
    def resource_counts(self) -> tuple[tuple[str, int], ...]:
        """(type, count), most frequent first, then by type, so output is stable."""
        counts = Counter(r.type for r in self.resources)
        return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    @property
    def preview_command(self) -> str:
        return (
            f"pulumi preview --cwd stacks/{self.stack} --stack {self.stack} "
            f"--policy-pack policies --policy-pack-config policies/config/{self.stack}.json"
        )

    @property
    def verdict_summary(self) -> str:
        if self.error is not None:
            return "configuration error"
        if not self.verdicts:
            return "no policy violations"
        mandatory = self.mandatory_count
        other = len(self.verdicts) - mandatory
        parts = []
        if mandatory:
            parts.append(f"{mandatory} mandatory violation{'s' if mandatory != 1 else ''}")
        if other:
            parts.append(f"{other} non-blocking finding{'s' if other != 1 else ''}")
        return ", ".join(parts)


@dataclass(frozen=True)
class TreeNode:
    """A resource with its children, for the component tree."""

    resource: ResourceEntry
    children: tuple[TreeNode, ...] = ()


def component_tree(resources: tuple[ResourceEntry, ...]) -> tuple[TreeNode, ...]:
    """Roots of the parent/child forest, children in registration order.

    A parent URN that was never registered (e.g. the implicit stack resource) makes its children
    roots, so nothing is dropped.
    """
    known = {r.urn for r in resources}
    children: dict[str | None, list[ResourceEntry]] = {}
    for r in resources:
        key = r.parent if r.parent in known else None
        children.setdefault(key, []).append(r)

    def build(entry: ResourceEntry, seen: frozenset[str]) -> TreeNode:
        if entry.urn in seen:  # a cycle cannot come from the engine; guard anyway
            return TreeNode(entry)
        inner = seen | {entry.urn}
        return TreeNode(entry, tuple(build(c, inner) for c in children.get(entry.urn, ())))

    return tuple(build(r, frozenset()) for r in children.get(None, ()))


def format_interval(minutes: float | None) -> str:
    """Minutes in the largest whole unit a reader expects: 5 min, 90 min, 2 h, 1 d."""
    if minutes is None:
        return "-"
    if minutes >= 1440 and minutes % 1440 == 0:
        return f"{minutes / 1440:g} d"
    if minutes >= 60 and minutes % 60 == 0:
        return f"{minutes / 60:g} h"
    return f"{minutes:g} min"


def with_worst(nominal: str, worst: str | None) -> str:
    """`1` or `1 (worst 2)`: the worst case shown only where the provider leaves behaviour
    undefined and it differs from the nominal figure."""
    return nominal if worst is None or worst == nominal else f"{nominal} (worst {worst})"


def runs_per_day(entry: ScheduleEntry) -> str:
    worst = entry.worst
    return with_worst(
        str(entry.max_runs_per_day), str(worst.max_runs_per_day) if worst is not None else None
    )


def gap(entry: ScheduleEntry) -> str:
    worst = entry.worst
    return with_worst(
        format_interval(entry.min_interval_minutes),
        format_interval(worst.min_interval_minutes) if worst is not None else None,
    )


def short_urn(urn: str | None) -> str:
    """`name (type)` from a URN, for narrow views; the full URN stays in Markdown and JSON."""
    if not urn:
        return "(stack)"
    parts = urn.split("::")
    if len(parts) < 4:
        return urn
    return f"{parts[-1]} ({parts[-2].rsplit('$', 1)[-1]})"
