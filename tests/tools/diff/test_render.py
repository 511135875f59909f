"""The diff's Markdown (the pull-request comment) and JSON (its schema)."""

from __future__ import annotations

import jsonschema
import pytest

from tools.diff import render_json, render_markdown
from tools.diff.compare import compare
from tools.diff.snapshot import from_document

from .conftest import REFERENCE, document, schedule_urn, verdict

BASE = render_markdown.Base("origin/main", "a" * 40)
VALIDATOR = jsonschema.Draft202012Validator(render_json.load_schema())


def _diff(base, head, stack="prod"):
    snap = lambda d: None if d is None else from_document(d, REFERENCE)  # noqa: E731
    return compare(stack, snap(base), snap(head))


def _markdown(*diffs, limit=render_markdown.DEFAULT_LIMIT):
    return render_markdown.render(diffs, BASE, REFERENCE, limit=limit)


def test_an_unchanged_stack_is_one_line():
    text = _markdown(_diff(document("churn"), document("churn"), "dev"))
    lines = [line for line in text.splitlines() if "`dev`" in line]
    assert len(lines) == 1, text
    assert "no change against `origin/main`" in lines[0]


def test_a_changed_schedule_shows_expression_description_runs_and_figures_before_and_after():
    text = _markdown(_diff(document("churn"), document("churn", churn="rate(5 minutes)")))
    assert "| expression | `cron(0 12 * * ? *)` | `rate(5 minutes)` |" in text
    assert (
        "| description | described cron(0 12 \\* \\* ? \\*) | described rate(5 minutes) |" in text
    )
    assert "| next runs (UTC) | 2026-01-01 12:00 Thu |" in text
    assert "| most runs in a day | 1 | 1 |" in text
    assert "| shortest interval | 1 d | 1 d |" in text


def test_the_week_chart_draws_the_base_row_above_the_highlighted_head_row():
    text = _markdown(_diff(document("churn"), document("churn", churn="rate(5 minutes)")))
    chart = text[text.index("```mermaid") :]
    base_row = chart.index("section base - aws - churn")
    head_row = chart.index("section head - aws - churn")
    assert base_row < head_row
    assert "every 5 min :crit, 2026-01-01 00:00, 2026-01-08 00:00" in chart


def test_new_and_resolved_verdicts_get_their_own_tables():
    urn = schedule_urn("churn")
    text = _markdown(
        _diff(
            document("churn", verdicts=[verdict("old-rule", urn)]),
            document("churn", verdicts=[verdict("new-rule", urn)]),
        )
    )
    assert text.index("**New** (1)") < text.index("`new-rule`") < text.index("**Resolved** (1)")
    assert "❌ head: 1 mandatory violation" in text


def test_a_thousand_new_pipelines_stay_under_the_comment_limit():
    names = [f"bench-{i:05d}" for i in range(1000)]
    head = document(*names, stack="bench")
    for i, entry in enumerate(head["schedules"]):
        entry["expression"] = f"cron({i % 60} {(i // 60) % 24} * * ? *)"
    text = _markdown(_diff(None, head, "bench"), _diff(document("a"), document("a"), "dev"))
    assert len(text) <= render_markdown.DEFAULT_LIMIT
    assert "```mermaid" in text, "the week chart is drawn, coarser, rather than dropped"
    assert "more; `diff.json` has them all" in text


@pytest.mark.parametrize("limit", [4_000, 20_000])
def test_the_report_always_fits_the_limit_it_is_given(limit):
    names = [f"p{i}" for i in range(300)]
    text = _markdown(_diff(None, document(*names)), limit=limit)
    assert len(text) <= limit


def test_the_json_document_follows_its_schema_for_every_status():
    diffs = [
        _diff(document("churn"), document("churn", churn="rate(5 minutes)"), "prod"),
        _diff(document("a"), document("a"), "dev"),
        _diff(None, document("b"), "new"),
        _diff(document("c"), None, "gone"),
    ]
    doc = render_json.document(diffs, BASE, REFERENCE)
    VALIDATOR.validate(doc)
    assert [s["status"] for s in doc["stacks"]] == ["changed", "unchanged", "added", "removed"]
    assert doc["ok"] is True


def test_the_json_document_is_not_ok_when_a_head_blocks():
    head = document("churn", verdicts=[verdict("schedule-frequency", schedule_urn("churn"))])
    doc = render_json.document([_diff(document("churn"), head)], BASE, REFERENCE)
    VALIDATOR.validate(doc)
    assert doc["ok"] is False
    assert doc["stacks"][0]["head_mandatory"] == 1


def test_a_worst_case_is_shown_next_to_the_nominal_figure_with_the_warning():
    head = document("churn", churn="cron(30 1 * * ? *)")
    head["schedules"][0].update(
        dialect="unix-cron",
        expression="30 1 * * *",
        max_runs_per_24h=2,
        worst={"max_runs_per_day": 2, "max_runs_per_24h": 2, "min_interval_minutes": 60.0},
        warnings=["Google does not document DST"],
    )
    result = _diff(document("churn"), head)
    text = _markdown(result)
    assert "| shortest interval | 1 d | 1 d (worst 1 h) |" in text
    assert "| most runs in a day | 1 | 1 (worst 2) |" in text
    assert "Google does not document DST" in text
    doc = render_json.document([result], BASE, REFERENCE)
    VALIDATOR.validate(doc)
    after = doc["stacks"][0]["pipelines"][0]["schedules"][0]["after"]
    assert after["worst"]["min_interval_minutes"] == 60.0


def test_the_terminal_view_shows_the_report_and_base_and_head_heatmaps(monkeypatch):
    import io

    from tools.diff import cli

    monkeypatch.delenv("COLUMNS", raising=False)
    result = _diff(document("churn"), document("churn", churn="rate(6 hours)"))
    buffer = io.StringIO()
    cli._terminal([result], BASE, REFERENCE, buffer, color=False)
    text = buffer.getvalue()
    assert "rate(6 hours)" in text
    assert "prod base: runs in the next 7 days by weekday x hour (UTC)" in text
    assert "prod head: runs in the next 7 days by weekday x hour (UTC)" in text
    assert "```mermaid" not in text, "a terminal cannot draw Mermaid"


def test_exit_status_is_2_when_a_head_cannot_be_planned_and_1_when_it_blocks():
    from tools.diff import cli

    broken = document()
    broken["error"] = "stack prod: bad"
    assert cli.exit_status([_diff(document("a"), broken)], None) == 2
    head = document("churn", verdicts=[verdict("schedule-frequency", schedule_urn("churn"))])
    assert cli.exit_status([_diff(document("churn"), head)], None) == 1
    assert cli.exit_status([_diff(document("churn"), document("churn"))], None) == 0
