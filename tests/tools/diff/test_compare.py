"""What the diff reports between two plans of a stack."""

from __future__ import annotations

from tools.diff.compare import compare
from tools.diff.snapshot import from_document

from .conftest import REFERENCE, document, schedule_urn, verdict


def diff(base: dict | None, head: dict | None, stack: str = "prod"):
    snap = lambda d: None if d is None else from_document(d, REFERENCE)  # noqa: E731
    return compare(stack, snap(base), snap(head))


def test_identical_plans_are_an_unchanged_stack():
    result = diff(document("churn", "fraud"), document("churn", "fraud"))
    assert result.status == "unchanged", result


def test_a_changed_expression_is_a_changed_pipeline_with_before_and_after():
    result = diff(document("churn"), document("churn", churn="rate(5 minutes)"))
    (pipeline,) = result.pipelines
    assert (pipeline.name, pipeline.change) == ("churn", "changed")
    (change,) = pipeline.schedules
    assert change.urn == schedule_urn("churn")
    assert change.before.expression == "cron(0 12 * * ? *)"
    assert change.after.expression == "rate(5 minutes)"


def test_a_reworded_description_alone_is_no_change():
    head = document("churn")
    head["schedules"][0]["description"] = "At noon"
    assert diff(document("churn"), head).status == "unchanged"


def test_a_time_zone_change_is_a_schedule_change():
    head = document("churn")
    head["schedules"][0]["timezone"] = "Europe/Berlin"
    (pipeline,) = diff(document("churn"), head).pipelines
    assert pipeline.schedules[0].change == "changed"


def test_pipelines_added_and_removed_are_named_with_their_resources():
    result = diff(document("churn", "old"), document("churn", "new"))
    changes = {p.name: p for p in result.pipelines}
    assert changes["old"].change == "removed"
    assert changes["new"].change == "added"
    assert len(changes["new"].resources_added) == 3
    assert result.resources_added == {
        "aws:iam/role:Role": 1,
        "aws:scheduler/schedule:Schedule": 1,
        "mlsched:ml:ScheduledPipeline": 1,
    }
    assert sum(result.resources_removed.values()) == 3


def test_new_and_resolved_verdicts_are_told_apart():
    fixed = verdict("schedule-frequency", schedule_urn("churn"))
    new = verdict("schedule-time-zone", schedule_urn("churn"), "advisory")
    result = diff(document("churn", verdicts=[fixed]), document("churn", verdicts=[new]))
    assert [v.policy for v in result.new_verdicts] == ["schedule-time-zone"]
    assert [v.policy for v in result.resolved_verdicts] == ["schedule-frequency"]
    assert result.status == "changed"


def test_a_verdict_whose_numbers_moved_is_still_the_same_finding():
    before = verdict("schedule-frequency", schedule_urn("churn"), message="288 runs/day")
    after = verdict("schedule-frequency", schedule_urn("churn"), message="144 runs/day")
    result = diff(document("churn", verdicts=[before]), document("churn", verdicts=[after]))
    assert not result.new_verdicts
    assert not result.resolved_verdicts


def test_a_stack_missing_from_the_base_is_added():
    result = diff(None, document("churn"))
    assert result.status == "added"
    assert [p.change for p in result.pipelines] == ["added"]


def test_a_stack_the_change_removes_is_removed():
    assert diff(document("churn"), None).status == "removed"


def test_a_side_that_could_not_be_planned_is_an_error_not_a_comparison():
    broken = document()
    broken["error"] = "stack prod, pipeline churn, key schedule: bad"
    result = diff(document("churn"), broken)
    assert result.status == "error"
    assert result.head_blocks
    assert not result.pipelines


def test_a_base_from_before_cloud_and_dialect_reads_as_aws():
    base = document("churn")
    for key in ("cloud", "dialect"):
        assert key not in base["schedules"][0]
    snap = from_document(base, REFERENCE)
    assert (snap.schedules[0].cloud, snap.schedules[0].dialect) == ("aws", "aws")
    head = document("churn")
    head["schedules"][0].update(cloud="aws", dialect="aws")
    assert diff(base, head).status == "unchanged"


def test_a_figure_the_base_did_not_report_is_computed_by_this_engine():
    base = document("churn", churn="rate(30 minutes)")
    del base["schedules"][0]["max_runs_per_day"]
    snap = from_document(base, REFERENCE)
    assert snap.schedules[0].max_runs_per_day == 48


def test_a_head_with_a_mandatory_violation_blocks():
    head = document("churn", verdicts=[verdict("schedule-frequency", schedule_urn("churn"))])
    assert diff(document("churn"), head).head_blocks
