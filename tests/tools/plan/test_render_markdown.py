from dataclasses import replace

from tools.plan import render_markdown


def test_heading_puts_the_verdict_first(failing_plan, ok_plan):
    assert render_markdown.render_stack(failing_plan).startswith(
        "## ❌ Offline plan of `prod`: 1 mandatory violation"
    )
    assert render_markdown.render_stack(ok_plan).startswith("## ✅ Offline plan of `prod`")


def test_verdicts_come_before_schedules_and_resources(failing_plan):
    text = render_markdown.render_stack(failing_plan)
    assert (
        text.index("### Policy verdicts") < text.index("### Schedules") < text.index("Resources (")
    )


def test_mandatory_verdict_row_has_bold_level_policy_message_and_urn(failing_plan):
    text = render_markdown.render_stack(failing_plan)
    row = next(line for line in text.splitlines() if "schedule-min-interval" in line)
    assert row.startswith("| **mandatory** | `schedule-min-interval` |")
    assert "288 runs/day" in row
    assert failing_plan.verdicts[0].urn in row


def test_pipe_in_a_message_does_not_break_the_table(ok_plan):
    text = render_markdown.render_stack(ok_plan)
    row = next(line for line in text.splitlines() if "schedule-time-zone" in line)
    assert "set a time zone \\| or use UTC" in row
    assert row.count(" | ") + 2 == 5  # four columns: the escaped pipe is not a separator


def test_schedule_row_and_next_runs_in_utc_and_local_time(ok_plan):
    text = render_markdown.render_stack(ok_plan)
    row = next(line for line in text.splitlines() if line.startswith("| `churn-training`"))
    assert "`cron(0 13 * * ? *)`" in row
    assert "| 1 | 1 d | 2026-01-01T12:00:00Z |" in row
    assert "| 1 | 2026-01-01 12:00 Thu | 2026-01-01 13:00 Thu Europe/Berlin |" in text


def test_details_are_collapsible(ok_plan):
    text = render_markdown.render_stack(ok_plan)
    assert text.count("<details>") == text.count("</details>") == 2


def test_component_tree_is_a_nested_list_marking_components_and_protection(ok_plan):
    text = render_markdown.render_stack(ok_plan)
    assert "- `churn-training` `mlsched:ml:ScheduledPipeline` *(component)*" in text
    assert "  - `churn-training-pipeline` `aws-native:sagemaker:Pipeline` 🔒 protected" in text


def test_footer_says_what_the_plan_does_not_do_and_how_to_preview(ok_plan):
    text = render_markdown.render_stack(ok_plan)
    assert "no diff against deployed state" in text
    assert "no provider-side validation" in text
    assert "`make preview STACK=prod`" in text


def test_error_plan_shows_the_configuration_message(error_plan):
    text = render_markdown.render_stack(error_plan)
    assert "**Configuration error**" in text
    assert error_plan.error in text
    assert "### Schedules" not in text


def test_plan_without_verdicts_or_schedules_says_so(ok_plan):
    text = render_markdown.render_stack(replace(ok_plan, verdicts=(), schedules=()))
    assert "No policy violations." in text
    assert "No schedules." in text


def test_disabled_and_never_firing_schedules_are_labelled(ok_plan, make_schedule):
    schedule = make_schedule(
        enabled=False, next_runs=(), next_runs_local=(), never_fires=True, min_interval_minutes=None
    )
    text = render_markdown.render_stack(replace(ok_plan, schedules=(schedule,)))
    assert "| scheduler (disabled) |" in text
    assert "never fires again |" in text
    assert "Never fires again." in text
    assert "| - |" in text


def test_cell_escapes_markdown_and_newlines():
    assert render_markdown.cell("a*b_c|d\ne") == "a\\*b\\_c\\|d<br>e"


def test_code_survives_backticks():
    assert render_markdown.code("a`b") == "`` a`b ``"


def test_render_joins_every_stack(ok_plan, error_plan):
    text = render_markdown.render((ok_plan, error_plan))
    assert "Offline plan of `prod`" in text
    assert "Offline plan of `staging`" in text


def test_report_above_the_comment_limit_leaves_out_details_but_keeps_verdicts(failing_plan):
    full = render_markdown.render_stack(failing_plan, limit=None)
    short = render_markdown.render_stack(failing_plan, limit=len(full) - 1)
    assert "<details>" not in short
    assert "schedule-min-interval" in short
    assert "| `churn-training` | scheduler |" in short
    assert "`prod.json` has them all" in short
    assert "no diff against deployed state" in short
    assert render_markdown.render_stack(failing_plan, limit=len(full)) == full


def test_markdown_draws_the_week_at_a_glance_as_a_mermaid_gantt_chart(ok_plan):
    from tools.plan import render_markdown

    text = render_markdown.render_stack(ok_plan)
    assert "### A week at a glance (UTC)" in text
    chart = text[text.index("```mermaid") :]
    assert "section aws - churn-training" in chart
    assert chart.count(":milestone, ") == 7


def test_a_thousand_schedules_keep_the_stack_report_under_the_comment_limit(ok_plan, make_schedule):
    from dataclasses import replace

    from tools.plan import render_markdown

    schedules = tuple(
        make_schedule(f"bench-{i:05d}", expression=f"cron({i % 60} {(i // 60) % 24} * * ? *)")
        for i in range(1000)
    )
    text = render_markdown.render_stack(replace(ok_plan, schedules=schedules))
    assert len(text) <= render_markdown.COMMENT_LIMIT
    assert "more schedules, left out to fit a comment" in text
    assert "```mermaid" in text
