"""Compare two snapshots of a stack: pipelines, schedules, verdicts and resources."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from tools.diff.snapshot import Schedule, Snapshot, Verdict

Change = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class ScheduleChange:
    urn: str
    change: Change
    before: Schedule | None
    after: Schedule | None


@dataclass(frozen=True)
class PipelineChange:
    name: str
    cloud: str
    change: Change
    schedules: tuple[ScheduleChange, ...] = ()
    resources_added: tuple[str, ...] = ()
    resources_removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class StackDiff:
    stack: str
    base: Snapshot | None  # None: the stack does not exist in the base
    head: Snapshot | None  # None: the change removes the stack
    pipelines: tuple[PipelineChange, ...] = ()
    new_verdicts: tuple[Verdict, ...] = ()
    resolved_verdicts: tuple[Verdict, ...] = ()
    resources_added: dict[str, int] = field(default_factory=dict)
    resources_removed: dict[str, int] = field(default_factory=dict)

    @property
    def status(self) -> str:
        if self.head is None:
            return "removed"
        if self.base is None:
            return "added"
        if self.head.error is not None or self.base.error is not None:
            return "error"
        changed = (
            self.pipelines
            or self.new_verdicts
            or self.resolved_verdicts
            or self.resources_added
            or self.resources_removed
        )
        return "changed" if changed else "unchanged"

    @property
    def head_blocks(self) -> bool:
        return self.head is not None and (self.head.error is not None or self.head.mandatory > 0)


def _by_type(urns: set[str], types: dict[str, str]) -> dict[str, int]:
    counts = Counter(types[u] for u in urns)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _schedules(base: Snapshot | None, head: Snapshot | None) -> dict[str, list[ScheduleChange]]:
    before = {s.urn: s for s in (base.schedules if base else ())}
    after = {s.urn: s for s in (head.schedules if head else ())}
    out: dict[str, list[ScheduleChange]] = {}
    for urn in [*before, *(u for u in after if u not in before)]:
        b, a = before.get(urn), after.get(urn)
        if b is not None and a is not None:
            if b.timing == a.timing:
                continue
            change: Change = "changed"
        else:
            change = "added" if b is None else "removed"
        owner = (a or b).pipeline  # type: ignore[union-attr]
        out.setdefault(owner, []).append(ScheduleChange(urn, change, b, a))
    return out


def compare(stack: str, base: Snapshot | None, head: Snapshot | None) -> StackDiff:
    if any(side is not None and side.error is not None for side in (base, head)):
        # One side could not be planned: there is nothing reliable to compare, only to report.
        return StackDiff(stack, base, head)
    base_pipes = base.pipelines() if base else {}
    head_pipes = head.pipelines() if head else {}
    base_owned = base.pipeline_resources() if base else {}
    head_owned = head.pipeline_resources() if head else {}
    schedule_changes = _schedules(base, head)
    pipelines: list[PipelineChange] = []
    for name in [*base_pipes, *(n for n in head_pipes if n not in base_pipes)]:
        before, after = base_owned.get(name, set()), head_owned.get(name, set())
        added = tuple(sorted(after - before))
        removed = tuple(sorted(before - after))
        scheds = tuple(schedule_changes.get(name, ()))
        if name not in head_pipes:
            kind: Change = "removed"
        elif name not in base_pipes:
            kind = "added"
        elif scheds or added or removed:
            kind = "changed"
        else:
            continue
        cloud = head_pipes.get(name) or base_pipes.get(name) or "aws"
        pipelines.append(PipelineChange(name, cloud, kind, scheds, added, removed))

    base_verdicts = {v.key: v for v in (base.verdicts if base else ())}
    head_verdicts = {v.key: v for v in (head.verdicts if head else ())}
    base_urns = set(base.resources) if base else set()
    head_urns = set(head.resources) if head else set()
    types = {**(base.resources if base else {}), **(head.resources if head else {})}
    return StackDiff(
        stack=stack,
        base=base,
        head=head,
        pipelines=tuple(pipelines),
        new_verdicts=tuple(v for k, v in head_verdicts.items() if k not in base_verdicts),
        resolved_verdicts=tuple(v for k, v in base_verdicts.items() if k not in head_verdicts),
        resources_added=_by_type(head_urns - base_urns, types),
        resources_removed=_by_type(base_urns - head_urns, types),
    )
