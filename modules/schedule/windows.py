"""Runs of several schedules together: the busiest start window, and merged frequency.

Pure and clock-free like the rest of the engine. Inputs are run instants (tz-aware, as
`analyze(...).next_runs` gives them) keyed by whatever the caller counts (a pipeline); both
functions look only at the instants they are given, so the caller chooses the horizon.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

DAY = timedelta(hours=24)


@dataclass(frozen=True)
class StartWindow:
    """The runs starting in `[start, start + width)`; `members` are the distinct keys, sorted."""

    start: datetime
    end: datetime
    members: tuple[str, ...]


def busiest_window(runs: Mapping[str, Iterable[datetime]], width: timedelta) -> StartWindow | None:
    """The window of `width` beginning at a run that holds the most distinct keys (the earliest
    such window on a tie); None when there are no runs. A two-pointer sweep after sorting."""
    if width <= timedelta(0):
        raise ValueError(f"window width must be positive, got {width}")
    events = sorted((moment, key) for key, moments in runs.items() for moment in moments)
    if not events:
        return None
    inside: Counter[str] = Counter()
    best: tuple[int, int] = (0, 0)  # (distinct keys, index of the window's first event)
    right = 0
    for left, (moment, _key) in enumerate(events):
        limit = moment + width
        while right < len(events) and events[right][0] < limit:
            inside[events[right][1]] += 1
            right += 1
        if len(inside) > best[0]:
            best = (len(inside), left)
        first = events[left][1]
        inside[first] -= 1
        if not inside[first]:
            del inside[first]
    start = events[best[1]][0]
    members = sorted({k for t, k in events[best[1] :] if t < start + width})
    return StartWindow(start=start, end=start + width, members=tuple(members))


@dataclass(frozen=True)
class MergedFigures:
    """Frequency of the union of several schedules' runs (instants counted once per schedule)."""

    runs: int
    min_interval_minutes: float | None
    """Shortest gap between consecutive runs of the union; 0 when two start at the same instant."""
    max_runs_per_24h: int
    """Most runs of the union in any 24 real hours."""


def merged_figures(runs: Iterable[Iterable[datetime]]) -> MergedFigures:
    """Figures of all `runs` together, e.g. every schedule that starts one pipeline."""
    moments = sorted(moment for series in runs for moment in series)
    if not moments:
        return MergedFigures(0, None, 0)
    gaps = [(b - a).total_seconds() / 60 for a, b in pairwise(moments)]
    most, right = 0, 0
    for left, moment in enumerate(moments):
        while right < len(moments) and moments[right] < moment + DAY:
            right += 1
        most = max(most, right - left)
    return MergedFigures(len(moments), min(gaps) if gaps else None, most)
