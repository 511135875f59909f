"""modules.schedule.windows: the busiest start window and merged frequency, against brute force."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modules.schedule.windows import busiest_window, merged_figures

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_three_pipelines_starting_within_five_minutes_are_the_busiest_window() -> None:
    found = busiest_window(
        {"a": [at(0), at(60)], "b": [at(62)], "c": [at(64)], "d": [at(65)]},
        timedelta(minutes=5),
    )
    assert found is not None
    assert (found.start, found.end, found.members) == (at(60), at(65), ("a", "b", "c"))


def test_one_pipeline_running_often_is_one_member_not_many() -> None:
    found = busiest_window({"a": [at(m) for m in range(5)]}, timedelta(minutes=5))
    assert found is not None
    assert found.members == ("a",)


def test_no_runs_have_no_busiest_window() -> None:
    assert busiest_window({"a": []}, timedelta(minutes=5)) is None


def test_a_window_must_have_a_width() -> None:
    with pytest.raises(ValueError, match="must be positive"):
        busiest_window({"a": [at(0)]}, timedelta(0))


def test_two_hourly_schedules_half_an_hour_apart_start_every_30_minutes() -> None:
    hourly = [at(60 * h) for h in range(48)]
    half_past = [at(60 * h + 30) for h in range(48)]
    found = merged_figures([hourly, half_past])
    assert (found.runs, found.min_interval_minutes, found.max_runs_per_24h) == (96, 30.0, 48)


def test_merging_nothing_has_no_interval() -> None:
    assert merged_figures([[], []]).min_interval_minutes is None


runs = st.dictionaries(
    st.sampled_from("abcdef"),
    st.lists(st.integers(min_value=0, max_value=600).map(at), max_size=8),
    max_size=6,
)


@given(runs, st.integers(min_value=1, max_value=30))
def test_busiest_window_holds_as_many_keys_as_the_best_window_found_by_brute_force(
    series: dict, width_minutes: int
) -> None:
    width = timedelta(minutes=width_minutes)
    found = busiest_window(series, width)
    starts = sorted({t for ts in series.values() for t in ts})
    if not starts:
        assert found is None
        return
    best = max(
        len({k for k, ts in series.items() if any(s <= t < s + width for t in ts)}) for s in starts
    )
    assert found is not None
    assert len(found.members) == best
    assert {k for k, ts in series.items() if any(found.start <= t < found.end for t in ts)} == set(
        found.members
    )


@given(
    st.lists(st.lists(st.integers(min_value=0, max_value=5000).map(at), max_size=10), max_size=4)
)
def test_merged_runs_in_24_hours_match_brute_force(series: list) -> None:
    found = merged_figures(series)
    moments = sorted(t for s in series for t in s)
    best = max(
        (sum(1 for u in moments if t <= u < t + timedelta(hours=24)) for t in moments), default=0
    )
    assert found.max_runs_per_24h == best
    assert found.runs == len(moments)
