"""The offline plan shows Google Cloud schedules (Vertex AI, Data Pipelines, Cloud Scheduler),
nominal and worst case, through the carrier registry; end to end on the shipped prod stack."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

from tools.plan import render_json, render_markdown, render_terminal
from tools.plan.build import schedule_entries, stack_plan

REFERENCE = datetime(2026, 1, 1, tzinfo=UTC)
REPO = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Fake:
    urn: str
    type: str
    name: str
    inputs: dict = field(default_factory=dict)
    parent: str | None = None
    custom: bool = True
    protect: bool = False


def job(cron: str, zone: str) -> Fake:
    return Fake("urn:j", "gcp:cloudscheduler/job:Job", "j", {"schedule": cron, "timeZone": zone})


def test_a_vertex_schedule_reads_its_zone_from_the_tz_prefix_and_its_window() -> None:
    schedule = Fake(
        "urn:v",
        "gcp:colab/schedule:Schedule",
        "v",
        {
            "cron": "TZ=Europe/Berlin 30 4 * * *",
            "desiredState": "PAUSED",
            "startTime": "2026-03-01T00:00:00Z",
        },
    )
    (entry,) = schedule_entries([schedule], reference=REFERENCE)
    assert (entry.cloud, entry.dialect, entry.trigger) == ("gcp", "unix-cron", "Vertex AI schedule")
    assert entry.expression == "TZ=Europe/Berlin 30 4 * * *"
    assert entry.timezone == "Europe/Berlin"
    assert entry.enabled is False
    assert entry.next_runs[0] == datetime(2026, 3, 1, 3, 30, tzinfo=UTC)


def test_a_schedule_in_a_dst_change_shows_its_worst_case_next_to_the_nominal() -> None:
    (entry,) = schedule_entries([job("30 1 * * *", "America/New_York")], reference=REFERENCE)
    assert entry.worst is not None
    assert entry.worst.min_interval_minutes == 60
    assert entry.min_interval_minutes > 60
    assert entry.warnings
    plan = stack_plan(
        project="mlsched", stack="dev", reference=REFERENCE, resources=[], violations=[]
    )
    plan = type(plan)(**{**plan.__dict__, "schedules": (entry,)})
    assert "23 h (worst 1 h)" in render_markdown.render_stack(plan)
    out = io.StringIO()
    render_terminal.render((plan,), render_terminal.make_console(out, color=False))
    assert "23 h (worst 1 h)" in out.getvalue()


def test_pulumi_gcps_data_pipelines_example_shows_720_runs_a_day() -> None:
    pipeline = Fake(
        "urn:p",
        "gcp:dataflow/pipeline:Pipeline",
        "p",
        {"state": "STATE_ACTIVE", "scheduleInfo": {"schedule": "* */2 * * *"}},
    )
    (entry,) = schedule_entries([pipeline], reference=REFERENCE)
    assert (entry.max_runs_per_day, entry.max_runs_per_24h) == (720, 720)
    assert entry.timezone == "UTC"


def test_an_aws_schedule_has_no_worst_case_because_aws_documents_dst() -> None:
    rule = Fake(
        "urn:s",
        "aws:scheduler/schedule:Schedule",
        "s",
        {"scheduleExpression": "cron(30 1 * * ? *)", "scheduleExpressionTimezone": "UTC"},
    )
    (entry,) = schedule_entries([rule], reference=REFERENCE)
    assert entry.worst is None
    assert entry.max_runs_per_24h == 1


@pytest.fixture(scope="module")
def prod_plan():
    from tools.mockrun import run_stack

    run = run_stack(REPO / "stacks" / "prod", "prod")
    return stack_plan(
        project=run.project,
        stack="prod",
        reference=REFERENCE,
        resources=run.resources,
        violations=[],
        outputs=run.outputs,
    )


def test_prods_plan_lists_every_google_schedule_with_its_carrier(prod_plan) -> None:
    google = {s.pipeline: s for s in prod_plan.schedules if s.cloud == "gcp"}
    assert {p: s.trigger for p, s in google.items()} == {
        "churn-scoring": "Vertex AI schedule",
        "feature-export": "Data Pipelines schedule",
        "drift-report": "Cloud Scheduler job",
    }
    assert google["churn-scoring"].expression == "TZ=Europe/Berlin 30 4 * * *"
    assert all(s.dialect == "unix-cron" for s in google.values())
    # None of prod's times falls in a DST change, so none has a worst case of its own.
    assert [s.worst for s in google.values()] == [None, None, None]


def test_prods_json_report_validates_against_the_schema(prod_plan) -> None:
    document = json.loads(render_json.dumps(render_json.plan_document((prod_plan,))))
    jsonschema.validate(document, render_json.load_schema())
    (vertex,) = [s for s in document["stacks"][0]["schedules"] if s["pipeline"] == "churn-scoring"]
    assert (vertex["dialect"], vertex["worst"], vertex["warnings"]) == ("unix-cron", None, [])
    assert vertex["max_runs_per_24h"] == 2  # 04:30 on the 23-hour day and on the next
