import json
from dataclasses import replace

import jsonschema
import pytest

from tools.plan import render_json

VALIDATOR = jsonschema.Draft202012Validator(
    render_json.load_schema(), format_checker=jsonschema.FormatChecker()
)


def test_schema_file_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(render_json.load_schema())


@pytest.mark.parametrize("name", ["ok_plan", "failing_plan", "error_plan"])
def test_stack_document_validates_against_the_schema(name, request):
    document = json.loads(
        render_json.dumps(render_json.stack_document(request.getfixturevalue(name)))
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(document)]
    assert errors == [], f"{name}: {errors}"


def test_multi_stack_document_validates_and_is_ok_only_when_every_stack_is(ok_plan, failing_plan):
    document = json.loads(render_json.dumps(render_json.plan_document((ok_plan, failing_plan))))
    assert list(VALIDATOR.iter_errors(document)) == []
    assert document["ok"] is False
    assert [s["ok"] for s in document["stacks"]] == [True, False]


def test_schedule_has_the_documented_fields_with_utc_next_runs(ok_plan):
    schedule = render_json.stack_document(ok_plan)["schedules"][0]
    assert schedule["pipeline"] == "churn-training"
    assert schedule["expression"] == "cron(0 13 * * ? *)"
    assert schedule["timezone"] == "Europe/Berlin"
    assert schedule["next_runs"][0] == "2026-01-01T12:00:00Z"
    assert schedule["next_runs_local"][0] == "2026-01-01T13:00:00+01:00"
    assert schedule["max_runs_per_day"] == 1
    assert schedule["min_interval_minutes"] == 1440.0
    assert schedule["description"] == "At 13:00 Europe/Berlin, every day"


def test_verdict_has_policy_enforcement_message_and_urn(failing_plan):
    document = render_json.stack_document(failing_plan)
    verdict = document["verdicts"][0]
    assert {k: verdict[k] for k in ("policy", "enforcement", "urn")} == {
        "policy": "schedule-min-interval",
        "enforcement": "mandatory",
        "urn": failing_plan.verdicts[0].urn,
    }
    assert "288 runs/day" in verdict["message"]
    assert document["ok"] is False
    assert document["summary"]["mandatory"] == 1


def test_outputs_that_json_cannot_hold_are_stringified(ok_plan):
    outputs = render_json.stack_document(ok_plan)["outputs"]
    assert outputs["pipelineArns"] == {"churn-training": "arn:aws:sagemaker:::pipeline/x"}
    assert isinstance(outputs["n"], str)


def test_outputs_lists_and_tuples_become_arrays(ok_plan):
    plan = replace(ok_plan, outputs={"a": (1, [2, None])})
    assert render_json.stack_document(plan)["outputs"] == {"a": [1, [2, None]]}


def test_document_states_what_the_offline_plan_does_not_do(ok_plan):
    document = render_json.stack_document(ok_plan)
    text = " ".join(document["not_checked"])
    assert "no diff against deployed state" in text
    assert "no provider-side validation" in text
    assert "--policy-pack-config policies/config/prod.json" in document["preview_command"]


def test_component_tree_names_urns_of_resources(ok_plan):
    tree = render_json.stack_document(ok_plan)["component_tree"]
    assert tree[0]["urn"] == ok_plan.resources[0].urn
    assert [c["urn"] for c in tree[0]["children"]] == [r.urn for r in ok_plan.resources[1:]]


def test_schema_rejects_a_verdict_without_urn_key(failing_plan):
    document = json.loads(render_json.dumps(render_json.stack_document(failing_plan)))
    del document["verdicts"][0]["urn"]
    assert not VALIDATOR.is_valid(document)


def test_iso_utc_converts_offsets_to_z():
    from datetime import datetime, timedelta, timezone

    moment = datetime(2026, 3, 29, 3, 0, tzinfo=timezone(timedelta(hours=2)))
    assert render_json.iso_utc(moment) == "2026-03-29T01:00:00Z"


def test_readme_documents_every_field_of_the_schema():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- section:plan -->")[1].split("<!-- /section:plan -->")[0]
    stack = render_json.load_schema()["$defs"]["stackReport"]["properties"]
    names = set(stack)
    names |= set(stack["verdicts"]["items"]["properties"])
    names |= set(stack["schedules"]["items"]["properties"])
    missing = sorted(n for n in names if f"`{n}`" not in section)
    assert missing == [], f"README section:plan does not document {missing}"


def test_the_busiest_start_window_names_its_pipelines(ok_plan, make_schedule):
    plan = replace(
        ok_plan,
        schedules=(
            make_schedule("churn-training"),
            make_schedule("feature-refresh", expression="cron(2 12 * * ? *)", timezone="UTC"),
            make_schedule("report", expression="cron(30 12 * * ? *)", timezone="UTC"),
        ),
    )
    document = render_json.stack_document(plan)
    assert document["busiest_window"] == {
        "start": "2026-01-01T12:00:00Z",
        "end": "2026-01-01T12:05:00Z",
        "window_minutes": 5,
        "pipelines": ["churn-training", "feature-refresh"],
    }
    assert list(VALIDATOR.iter_errors(json.loads(render_json.dumps(document)))) == []


def test_a_plan_without_runs_has_no_busiest_window(ok_plan):
    assert render_json.stack_document(replace(ok_plan, schedules=()))["busiest_window"] is None
