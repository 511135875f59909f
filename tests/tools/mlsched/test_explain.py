"""`mlsched explain`: what one expression does, and what to write instead of a bad one."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.mlsched import explain

AT = "2026-03-28T00:00:00Z"


def run(*argv: str):
    out, err = io.StringIO(), io.StringIO()
    code = explain.main(
        list(argv), stdout=out, stderr=err, now=lambda: datetime(2026, 1, 1, 8, 30, 5, tzinfo=UTC)
    )
    return code, out.getvalue(), err.getvalue()


def test_a_daily_cron_lists_next_runs_in_utc_and_local_time_across_the_dst_change():
    code, out, _ = run("cron(0 12 * * ? *)", "--timezone", "Europe/Berlin", "--at", AT)
    assert code == 0
    assert "At 12:00 Europe/Berlin, every day" in out
    assert "2026-03-28 11:00 Sat UTC   2026-03-28 12:00 Sat Europe/Berlin (+01:00)" in out
    assert "2026-03-29 10:00 Sun UTC   2026-03-29 12:00 Sun Europe/Berlin (+02:00)" in out
    assert "Shortest interval: 23 h" in out, "the DST night makes one interval 23 hours"


def test_n_sets_how_many_runs_are_listed():
    _, out, _ = run("rate(1 hour)", "-n", "3", "--at", AT, "--format", "json")
    assert len(json.loads(out)["next_runs"]) == 3


@pytest.mark.parametrize("n", ["0", "1001"])
def test_n_outside_1_to_1000_is_a_usage_error(n):
    code, _, err = run("rate(1 hour)", "-n", n)
    assert code == 2
    assert "out of range" in err


def test_json_carries_every_figure_of_the_text_view():
    code, out, _ = run("rate(5 minutes)", "--at", AT, "--format", "json")
    doc = json.loads(out)
    assert code == 0
    assert doc["ok"] is True
    assert doc["description"] == "Every 5 minutes"
    assert doc["next_runs"][:2] == ["2026-03-28T00:00:00Z", "2026-03-28T00:05:00Z"]
    assert doc["max_runs_per_day"] == 288
    assert doc["min_interval_minutes"] == 5
    assert doc["reference_time"] == AT


def test_without_at_the_reference_is_now_to_the_minute():
    _, out, _ = run("rate(1 day)", "--format", "json")
    assert json.loads(out)["reference_time"] == "2026-01-01T08:30:00Z"


def test_a_bad_at_is_a_usage_error_naming_the_option():
    code, _, err = run("rate(1 day)", "--at", "tomorrow")
    assert code == 2
    assert "--at 'tomorrow' is not an ISO 8601 time" in err


def test_a_bad_expression_shows_the_engine_message_and_its_suggested_fix():
    code, _, err = run("rate(5 minute)")
    assert code == 2
    assert "explain: error: rate unit 'minute' must be plural" in err
    assert "explain: suggestion: rate(5 minutes)  (Every 5 minutes)" in err


def test_a_unix_cron_pasted_as_aws_gets_its_six_field_translation():
    code, _, err = run("0 12 * * 1-5")
    assert code == 2
    assert "suggestion: cron(0 12 ? * 2-6 *)  (At 12:00 UTC, Monday to Friday)" in err


def test_a_bad_expression_in_json_format_is_a_document_with_the_suggestion():
    code, out, _ = run("cron(0 12 * * 1-5)", "--format", "json")
    doc = json.loads(out)
    assert code == 2
    assert doc["ok"] is False
    assert "5 fields" in doc["error"]
    assert doc["suggestion"] == "cron(0 12 ? * 2-6 *)"


def test_an_example_in_the_message_is_not_offered_as_the_fix():
    code, _, err = run("cron(0 12 * *)")
    assert code == 2
    assert "suggestion" not in err, "'e.g. cron(0 12 * * ? *)' is an example, not a fix"


def test_an_unknown_time_zone_is_a_usage_error():
    code, _, err = run("cron(0 12 * * ? *)", "--timezone", "Mars/Olympus")
    assert code == 2
    assert "Mars/Olympus" in err


def test_adf_recurrence_must_be_a_json_object():
    code, _, err = run("not json", "--dialect", "adf-recurrence")
    assert code == 2
    assert "recurrence object as JSON" in err
    code, _, err = run("[1, 2]", "--dialect", "adf-recurrence")
    assert code == 2
    assert "JSON object" in err


def test_an_unknown_dialect_is_refused_by_the_parser(capsys):
    code, _, _ = run("x", "--dialect", "quartz")
    assert code == 2
    assert "invalid choice: 'quartz'" in capsys.readouterr().err


def test_suggestion_is_never_one_the_engine_rejects():
    message = "bad value; try cron(99 99 * * ? *) instead"
    assert explain.suggestion_for(message, None, "aws") is None


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_explained_or_refused_with_status_2_never_a_traceback(text):
    code, out, err = run(text, "--at", AT)
    assert code in (0, 2), err
    assert "Traceback" not in err
    if code == 0:
        assert "Most runs in one calendar day" in out


def test_a_unix_cron_with_dst_shows_the_24_hour_maximum_the_worst_case_and_the_warning():
    code, out, _ = run(
        "30 1 * * *", "--dialect", "unix-cron", "--timezone", "America/New_York", "--at", AT
    )
    assert code == 0
    assert "Most runs in any 24 real hours: 2" in out
    assert "Worst case (behaviour the provider leaves undefined)" in out
    assert "shortest interval 1 h" in out
    assert "Warnings:" in out


def test_an_aws_cron_given_as_unix_cron_gets_its_unix_cron_translation():
    code, _, err = run("cron(30 1 * * ? *)", "--dialect", "unix-cron")
    assert code == 2
    assert "explain: suggestion: 30 1 * * *  (At 01:30 UTC, every day)" in err


def test_a_misspelt_time_zone_gets_the_corrected_option():
    code, _, err = run("cron(0 12 * * ? *)", "--timezone", "Europe/Berln")
    assert code == 2
    assert "suggestion: --timezone Europe/Berlin  (At 12:00 Europe/Berlin, every day)" in err


def test_a_near_miss_windows_zone_gets_the_corrected_recurrence():
    recurrence = {
        "frequency": "Day",
        "interval": 1,
        "startTime": "2026-01-01T06:00:00",
        "timeZone": "Australian Eastern Standard Time",
    }
    code, out, _ = run(json.dumps(recurrence), "--dialect", "adf-recurrence", "--format", "json")
    doc = json.loads(out)
    assert code == 2
    assert json.loads(doc["suggestion"])["timeZone"] == "AUS Eastern Standard Time"
    assert "Australia/Sydney" in doc["suggestion_description"]


def test_an_adf_recurrence_is_explained_in_its_windows_zone():
    recurrence = {
        "frequency": "Day",
        "interval": 1,
        "startTime": "2026-01-01T06:00:00",
        "timeZone": "W. Europe Standard Time",
    }
    code, out, _ = run(json.dumps(recurrence), "--dialect", "adf-recurrence", "--at", AT)
    assert code == 0
    assert "At 06:00 W. Europe Standard Time (Europe/Berlin), every day" in out
    assert "2026-03-29 04:00 Sun UTC   2026-03-29 06:00 Sun Europe/Berlin (+02:00)" in out
