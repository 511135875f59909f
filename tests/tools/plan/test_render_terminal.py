import io
from dataclasses import replace

import pytest

from tools.plan import render_terminal
from tools.plan.model import format_interval, short_urn


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _render(plans, stream, **kwargs) -> str:
    render_terminal.render(plans, render_terminal.make_console(stream, **kwargs))
    return stream.getvalue()


def test_non_tty_output_is_plain_text_without_escape_codes(failing_plan):
    text = _render((failing_plan,), io.StringIO())
    assert "\x1b[" not in text
    assert "schedule-min-interval" in text
    assert "mandatory" in text
    assert "plan FAILED: prod" in text


def test_tty_output_has_colour(failing_plan, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    text = _render((failing_plan,), _Tty())
    assert "\x1b[" in text


def test_no_color_env_makes_tty_output_plain(failing_plan, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    text = _render((failing_plan,), _Tty())
    assert "\x1b[" not in text
    assert "schedule-min-interval" in text


def test_explicit_colour_overrides_the_tty_check(ok_plan):
    assert "\x1b[" in _render((ok_plan,), io.StringIO(), color=True)


def test_plain_output_shows_schedule_next_runs_in_utc_and_local(ok_plan):
    text = _render((ok_plan,), io.StringIO())
    assert "cron(0 13 * * ? *)" in text
    assert "At 13:00 Europe/Berlin, every day" in text
    assert "2026-01-01 12:00 Thu   2026-01-01 13:00 Thu (+01:00)" in text
    assert "Europe/Berlin" in text
    assert "1 d" in text  # 1440 minutes shown as a day


def test_plain_output_shows_resources_by_type_and_the_tree(ok_plan):
    text = _render((ok_plan,), io.StringIO())
    assert "Resources (3)" in text
    assert "mlsched:ml:ScheduledPipeline" in text
    assert "churn-training-pipeline  aws-native:sagemaker:Pipeline  [protected]" in text


def test_output_states_what_the_offline_plan_does_not_do(ok_plan):
    text = _render((ok_plan,), io.StringIO())
    assert "no diff against deployed state" in text
    assert "no provider-side validation" in text
    assert "make preview STACK=<stack>" in text
    assert "plan OK: 1 stack(s)" in text


def test_error_plan_prints_the_configuration_error(error_plan):
    text = _render((error_plan,), io.StringIO())
    assert "configuration error: " + error_plan.error in text.replace("\n", " ") or (
        "configuration error" in text and "*/60" in text
    )


def test_empty_plan_says_no_verdicts_and_no_schedules(ok_plan):
    text = _render((replace(ok_plan, verdicts=(), schedules=()),), io.StringIO())
    assert "Policy verdicts: none" in text
    assert "Schedules: none" in text


def test_disabled_never_firing_schedule_is_labelled(ok_plan, make_schedule):
    schedule = make_schedule(
        enabled=False, next_runs=(), next_runs_local=(), never_fires=True, min_interval_minutes=None
    )
    text = _render((replace(ok_plan, schedules=(schedule,)),), io.StringIO())
    assert "(disabled) At 13:00 Europe/Berlin, every day (never fires again)" in text
    assert "never fires again" in text


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [(None, "-"), (5.0, "5 min"), (90.0, "90 min"), (120.0, "2 h"), (2880.0, "2 d")],
)
def test_intervals_are_shown_in_the_largest_whole_unit(minutes, shown):
    assert format_interval(minutes) == shown


def test_columns_env_sets_the_plain_width(monkeypatch):
    monkeypatch.setenv("COLUMNS", "99")
    assert render_terminal.make_console(io.StringIO()).width == 99


def test_verdict_resource_is_shown_as_name_and_type_in_the_terminal(failing_plan):
    text = _render((failing_plan,), io.StringIO())
    assert "churn-training-schedule (aws:scheduler/schedule:Schedule)" in text


@pytest.mark.parametrize(
    ("urn", "shown"),
    [
        (None, "(stack)"),
        ("", "(stack)"),
        ("not-a-urn", "not-a-urn"),
        ("urn:pulumi:dev::mlsched::a$b:c:D::x", "x (b:c:D)"),
    ],
)
def test_short_urn_names_the_resource_and_its_own_type(urn, shown):
    assert short_urn(urn) == shown


def test_resources_without_a_single_root_hang_under_the_stack_name(ok_plan):
    from tools.plan.model import ResourceEntry

    extra = ResourceEntry("urn:other", "aws:sqs/queue:Queue", "loose-queue", None, True)
    text = _render((replace(ok_plan, resources=(*ok_plan.resources, extra)),), io.StringIO())
    assert "mlsched-prod\n" in text
    assert "loose-queue  aws:sqs/queue:Queue" in text


def test_several_stacks_end_with_a_summary_line_each(ok_plan, failing_plan, error_plan):
    from dataclasses import replace as swap

    plans = (swap(ok_plan, stack="dev"), failing_plan, error_plan)
    text = _render(plans, io.StringIO())
    summary = text[text.index("Summary") :]
    rows = [
        line.split()
        for line in summary.splitlines()
        if line.split()[:1] in (["dev"], ["prod"], ["staging"])
    ]
    lines = {row[0]: row[1:] for row in rows}
    assert lines["dev"] == ["OK", "3", "1", "0", "1"]
    assert lines["prod"] == ["FAIL", "3", "1", "1", "1"]
    assert lines["staging"][:2] == ["FAIL", "-"]
    assert "configuration error" in summary


def test_terminal_view_draws_the_week_as_a_weekday_by_hour_heatmap(ok_plan):
    import io

    from tools.plan import render_terminal

    buffer = io.StringIO()
    render_terminal.render((ok_plan,), render_terminal.make_console(buffer, color=False))
    text = buffer.getvalue()
    assert "Runs in the next 7 days by weekday x hour (UTC)" in text
    thursday = next(line for line in text.splitlines() if line.startswith("Thu "))
    # 13:00 Berlin is 12:00 UTC in winter: the thirteenth 3-character cell is shaded.
    assert thursday[4 + 12 * 3 : 4 + 13 * 3] == "███", thursday
    assert "7 runs in the week" in text
