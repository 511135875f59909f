"""Schedule policies, judged from args shaped exactly as pulumi-policy builds them."""

from __future__ import annotations

import pytest
from pulumi_policy.proxy import UnknownValueError

from policies import schedules
from policies.settings import PACK_STARTED_AT, PolicyConfigError, reference_time
from tools.policy_client import UNKNOWN as UNKNOWN_VALUE

SCHEDULER = "aws:scheduler/schedule:Schedule"
NATIVE_SCHEDULER = "aws-native:scheduler:Schedule"
RULE = "aws:cloudwatch/eventRule:EventRule"
NATIVE_RULE = "aws-native:events:Rule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
PINNED = {"referenceTime": "2026-01-01T00:00:00Z"}


def scheduler(expression: str, **extra) -> dict:
    props = {
        "scheduleExpression": expression,
        "flexibleTimeWindow": {"mode": "OFF"},
        "target": {"arn": "arn:aws:sagemaker:us-east-1:1:pipeline/p", "roleArn": "arn:r"},
    }
    props.update(extra)
    return props


# --- schedule-expression-valid ---------------------------------------------------------------
@pytest.mark.parametrize("type_", [SCHEDULER, NATIVE_SCHEDULER, RULE, NATIVE_RULE])
def test_invalid_expression_is_reported_with_the_engines_message(run, type_: str) -> None:
    found = run(schedules.EXPRESSION_VALID, type_, scheduler("cron(0 12 * * * *)"))
    assert len(found) == 1, f"{type_}: {found}"
    assert "AWS does not allow '*' in both day fields" in found[0]
    assert "Fix scheduleExpression of r" in found[0]


def test_valid_expression_passes(run) -> None:
    assert run(schedules.EXPRESSION_VALID, SCHEDULER, scheduler("rate(1 hour)")) == []


def test_unknown_time_zone_name_is_reported(run) -> None:
    props = scheduler("cron(0 8 * * ? *)", scheduleExpressionTimezone="Mars/Olympus")
    (message,) = run(schedules.EXPRESSION_VALID, SCHEDULER, props)
    assert "Mars/Olympus" in message


def test_at_expression_on_an_eventbridge_rule_points_to_scheduler(run) -> None:
    (message,) = run(
        schedules.EXPRESSION_VALID, RULE, {"scheduleExpression": "at(2030-01-01T00:00:00)"}
    )
    assert "EventBridge rules accept only cron() and rate()" in message


def test_event_pattern_rule_without_schedule_is_not_judged(run) -> None:
    assert run(schedules.EXPRESSION_VALID, RULE, {"eventPattern": "{}"}) == []


def test_non_schedule_resource_is_ignored(run) -> None:
    found = run(schedules.EXPRESSION_VALID, "aws:sqs/queue:Queue", {"name": "q"})
    assert found == []


def test_non_string_expression_is_reported(run) -> None:
    (message,) = run(schedules.EXPRESSION_VALID, SCHEDULER, scheduler(5))
    assert "must be a string" in message


def test_unknown_expression_is_reported_as_unknown_not_passed(run) -> None:
    with pytest.raises(UnknownValueError) as e:
        run(schedules.EXPRESSION_VALID, SCHEDULER, scheduler(UNKNOWN_VALUE))
    assert "scheduleExpression" in e.value.message


def test_unknown_time_zone_is_reported_as_unknown_not_passed(run) -> None:
    props = scheduler("cron(0 8 * * ? *)", scheduleExpressionTimezone=UNKNOWN_VALUE)
    with pytest.raises(UnknownValueError) as e:
        run(schedules.EXPRESSION_VALID, SCHEDULER, props)
    assert "scheduleExpressionTimezone" in e.value.message


# --- schedule-frequency ----------------------------------------------------------------------
def test_every_five_minutes_is_too_often_with_measured_figures(run) -> None:
    (message,) = run(schedules.FREQUENCY, SCHEDULER, scheduler("rate(5 minutes)"), PINNED)
    expected = "runs every 5 min (288 runs in 24 h); this stack allows at least 60 min between runs"
    assert expected in message
    assert "policies/config/<stack>.json" in message


def test_hourly_schedule_meets_the_default_thresholds(run) -> None:
    assert run(schedules.FREQUENCY, SCHEDULER, scheduler("rate(1 hour)"), PINNED) == []


def test_too_many_runs_per_day_is_reported_even_with_wide_gaps(run) -> None:
    config = {**PINNED, "minIntervalMinutes": 30, "maxRunsPerDay": 4}
    (message,) = run(schedules.FREQUENCY, RULE, {"scheduleExpression": "rate(2 hours)"}, config)
    assert "runs every 120 min (12 runs in 24 h)" in message
    assert "at least 30 min between runs and at most 4 runs in any 24 hours" in message


def test_burst_cron_is_judged_by_its_shortest_gap(run) -> None:
    config = {**PINNED, "maxRunsPerDay": 24}
    (message,) = run(
        schedules.FREQUENCY, NATIVE_RULE, {"scheduleExpression": "cron(0,10 8 * * ? *)"}, config
    )
    assert "runs every 10 min (2 runs in 24 h)" in message


def test_config_numbers_sent_as_doubles_are_accepted(run) -> None:
    config = {**PINNED, "minIntervalMinutes": 5.0, "maxRunsPerDay": 288.0}
    assert run(schedules.FREQUENCY, SCHEDULER, scheduler("rate(5 minutes)"), config) == []


def test_invalid_expression_is_left_to_the_expression_policy(run) -> None:
    assert run(schedules.FREQUENCY, SCHEDULER, scheduler("rate(0 minutes)"), PINNED) == []


def test_bad_reference_time_in_config_is_reported_with_the_fix(run) -> None:
    (message,) = run(
        schedules.FREQUENCY, SCHEDULER, scheduler("rate(1 hour)"), {"referenceTime": "yesterday"}
    )
    assert "referenceTime 'yesterday' is not an ISO 8601 instant" in message


def test_reference_time_defaults_to_pack_start_and_needs_an_offset() -> None:
    assert reference_time({}) == PACK_STARTED_AT
    assert reference_time({"referenceTime": "2026-01-01T01:00:00+01:00"}).hour == 0
    with pytest.raises(PolicyConfigError):
        reference_time({"referenceTime": "2026-01-01T00:00:00"})


# --- schedule-fires-again --------------------------------------------------------------------
def test_one_time_schedule_in_the_past_never_fires_again(run) -> None:
    (message,) = run(schedules.FIRES_AGAIN, SCHEDULER, scheduler("at(2025-06-01T00:00:00)"), PINNED)
    assert "never fires at or after 2026-01-01T00:00:00Z" in message
    assert "Move the at() time or endDate into the future" in message


def test_schedule_whose_end_date_has_passed_never_fires_again(run) -> None:
    props = scheduler("rate(1 hour)", endDate="2025-12-01T00:00:00Z")
    (message,) = run(schedules.FIRES_AGAIN, SCHEDULER, props, PINNED)
    assert "endDate 2025-12-01T00:00:00Z" in message


def test_future_one_time_schedule_fires_again(run) -> None:
    props = scheduler("at(2026-03-01T00:00:00)", startDate="not a date")
    assert run(schedules.FIRES_AGAIN, NATIVE_SCHEDULER, props, PINNED) == []


def test_fires_again_reports_a_bad_reference_time(run) -> None:
    (message,) = run(
        schedules.FIRES_AGAIN, SCHEDULER, scheduler("rate(1 hour)"), {"referenceTime": "x"}
    )
    assert "referenceTime 'x'" in message


# --- schedule-time-zone-required -------------------------------------------------------------
def test_cron_naming_hours_without_time_zone_is_reported(run) -> None:
    (message,) = run(schedules.TIME_ZONE, SCHEDULER, scheduler("cron(0 8 ? * MON-FRI *)"), PINNED)
    assert "names hours of the day (08)" in message
    assert "Set scheduleExpressionTimezone" in message


def test_cron_with_explicit_time_zone_passes(run) -> None:
    props = scheduler("cron(0 8 ? * MON-FRI *)", scheduleExpressionTimezone="UTC")
    assert run(schedules.TIME_ZONE, SCHEDULER, props, PINNED) == []


def test_cron_firing_every_hour_names_no_hour(run) -> None:
    assert run(schedules.TIME_ZONE, SCHEDULER, scheduler("cron(0 * * * ? *)"), PINNED) == []


def test_cron_firing_every_five_minutes_all_day_names_no_hour(run) -> None:
    assert run(schedules.TIME_ZONE, SCHEDULER, scheduler("cron(0/5 * * * ? *)"), PINNED) == []


def test_frequent_cron_within_office_hours_names_its_hours(run) -> None:
    (message,) = run(
        schedules.TIME_ZONE, SCHEDULER, scheduler("cron(0/5 8-17 ? * MON-FRI *)"), PINNED
    )
    assert "(08, 09, 10, 11, 12, 13 ...)" in message


def test_rate_and_rules_need_no_time_zone(run) -> None:
    assert run(schedules.TIME_ZONE, SCHEDULER, scheduler("rate(1 day)"), PINNED) == []
    rule = {"scheduleExpression": "cron(0 8 * * ? *)"}
    assert run(schedules.TIME_ZONE, RULE, rule, PINNED) == []


def test_many_named_hours_are_abbreviated(run) -> None:
    (message,) = run(schedules.TIME_ZONE, SCHEDULER, scheduler("cron(0 0-11 * * ? *)"), PINNED)
    assert "(00, 01, 02, 03, 04, 05 ...)" in message


def test_never_firing_cron_that_names_hours_still_needs_a_time_zone(run) -> None:
    (message,) = run(schedules.TIME_ZONE, SCHEDULER, scheduler("cron(0 9 30 2 ? *)"), PINNED)
    assert "names hours of the day (09)" in message


# --- schedule-flexible-window ----------------------------------------------------------------
def test_frequent_schedule_without_flexible_window_is_reported(run) -> None:
    config = {**PINNED, "aboveRunsPerDay": 12}
    (message,) = run(schedules.FLEXIBLE_WINDOW, SCHEDULER, scheduler("rate(1 hour)"), config)
    expected = "runs 24 times in 24 h with flexibleTimeWindow.mode OFF; above 12 runs in 24 h"
    assert expected in message


def test_flexible_window_satisfies_the_rule(run) -> None:
    props = scheduler(
        "rate(1 hour)", flexibleTimeWindow={"mode": "FLEXIBLE", "maximumWindowInMinutes": 15}
    )
    config = {**PINNED, "aboveRunsPerDay": 12}
    assert run(schedules.FLEXIBLE_WINDOW, NATIVE_SCHEDULER, props, config) == []


def test_infrequent_schedule_needs_no_flexible_window(run) -> None:
    assert run(schedules.FLEXIBLE_WINDOW, SCHEDULER, scheduler("rate(1 day)"), PINNED) == []


def test_rules_have_no_flexible_window_to_require(run) -> None:
    rule = {"scheduleExpression": "rate(5 minutes)"}
    assert run(schedules.FLEXIBLE_WINDOW, RULE, rule, PINNED) == []


def test_unknown_flexible_window_mode_is_reported_as_unknown(run) -> None:
    props = scheduler("rate(5 minutes)", flexibleTimeWindow={"mode": UNKNOWN_VALUE})
    with pytest.raises(UnknownValueError) as e:
        run(schedules.FLEXIBLE_WINDOW, SCHEDULER, props, PINNED)
    assert "flexibleTimeWindow" in e.value.message


def test_flexible_window_policy_reports_a_bad_reference_time(run) -> None:
    (message,) = run(
        schedules.FLEXIBLE_WINDOW, SCHEDULER, scheduler("rate(5 minutes)"), {"referenceTime": "x"}
    )
    assert "referenceTime 'x'" in message


# --- schedule-delivery-safety (stack) --------------------------------------------------------
SAFE_TARGET = {
    "arn": "arn:aws:sagemaker:us-east-1:1:pipeline/p",
    "roleArn": "arn:r",
    "retryPolicy": {"maximumRetryAttempts": 3},
    "deadLetterConfig": {"arn": "arn:aws:sqs:us-east-1:1:dlq"},
}


def test_scheduler_target_without_retry_and_dlq_is_reported(stack) -> None:
    stack.add(SCHEDULER, "s", scheduler("rate(1 hour)"))
    (found,) = stack.run(schedules.DELIVERY_SAFETY)
    assert found == (
        "s: its target has no retryPolicy or deadLetterConfig.arn. Set them so a "
        "failed start is retried, then kept in a queue to inspect.",
        "s",
    )


def test_scheduler_target_with_retry_and_dlq_passes(stack) -> None:
    stack.add(NATIVE_SCHEDULER, "s", scheduler("rate(1 hour)", target=SAFE_TARGET))
    assert stack.run(schedules.DELIVERY_SAFETY) == []


def test_requirements_can_be_switched_off_per_stack(stack) -> None:
    stack.add(SCHEDULER, "s", scheduler("rate(1 hour)"))
    config = {"requireRetryPolicy": False, "requireDeadLetterQueue": False}
    assert stack.run(schedules.DELIVERY_SAFETY, config) == []


def test_rule_target_is_found_through_its_rule_dependency(stack) -> None:
    rule = stack.add(RULE, "rule", {"scheduleExpression": "rate(6 hours)", "name": "rule-1"})
    stack.add(TARGET, "t", {"rule": "rule-1", "arn": "arn:x"}, rule=[rule])
    stack.add(TARGET, "by-name", {"rule": "rule-1", "arn": "arn:x"})
    stack.add(TARGET, "safe", {**SAFE_TARGET, "rule": "rule-1"}, rule=[rule])
    found = stack.run(schedules.DELIVERY_SAFETY)
    assert [urn_name for _m, urn_name in found] == ["t", "by-name"], found
    assert "no retryPolicy or deadLetterConfig.arn" in found[0][0]


def test_targets_of_event_pattern_rules_are_not_schedules(stack) -> None:
    rule = stack.add(RULE, "pattern", {"eventPattern": "{}", "name": "p"})
    stack.add(TARGET, "t", {"rule": "p", "arn": "arn:x"}, rule=[rule])
    stack.add(TARGET, "elsewhere", {"rule": "other-rule", "arn": "arn:x"})
    assert stack.run(schedules.DELIVERY_SAFETY) == []


def test_native_rule_targets_are_each_judged(stack) -> None:
    stack.add(
        NATIVE_RULE,
        "nr",
        {
            "scheduleExpression": "rate(1 hour)",
            "targets": [SAFE_TARGET, {"arn": "a", "id": "2"}, "junk"],
        },
    )
    (found,) = stack.run(schedules.DELIVERY_SAFETY)
    assert found[0].startswith("nr: target 1 has no retryPolicy or deadLetterConfig.arn")


def test_a_scheduler_target_unknown_in_preview_is_the_unknown_advisory_not_a_pass(stack) -> None:
    stack.add(SCHEDULER, "s", {"scheduleExpression": "rate(1 hour)", "target": UNKNOWN_VALUE})
    with pytest.raises(UnknownValueError) as e:
        stack.run(schedules.DELIVERY_SAFETY)
    assert "targets of s" in e.value.message


def test_unknown_rule_targets_are_the_advisory_after_the_known_ones_are_judged(stack) -> None:
    stack.add(NATIVE_RULE, "known", {"scheduleExpression": "rate(1 hour)", "targets": [{}]})
    stack.add(NATIVE_RULE, "nr", {"scheduleExpression": "rate(1 hour)", "targets": UNKNOWN_VALUE})
    found: list = []
    args = stack.args()
    with pytest.raises(UnknownValueError) as e:
        schedules.DELIVERY_SAFETY.validate(args, lambda m, u=None: found.append(m))
    assert "targets of nr" in e.value.message
    assert len(found) == 1
    assert found[0].startswith("known: its target has no retryPolicy")


def test_a_scheduler_target_that_is_not_an_object_has_nothing_to_judge(stack) -> None:
    stack.add(SCHEDULER, "s", {"scheduleExpression": "rate(1 hour)", "target": "arn:x"})
    assert stack.run(schedules.DELIVERY_SAFETY) == []


def test_every_schedule_policy_is_exported_in_order() -> None:
    names = [p.name for p in schedules.POLICIES]
    assert names == [
        "schedule-expression-valid",
        "schedule-frequency",
        "schedule-fires-again",
        "schedule-time-zone-required",
        "schedule-flexible-window",
        "schedule-delivery-safety",
    ]


# --- hostile shapes: one diagnostic naming the property, never a crash ------------------------
@pytest.mark.parametrize(
    ("props", "key", "fragment"),
    [
        ({"scheduleExpression": ["rate(1 hour)"]}, "scheduleExpression", "must be a string"),
        ({"scheduleExpression": {"a": 1}}, "scheduleExpression", "must be a string"),
        (
            {"scheduleExpression": "rate(1 hour)", "scheduleExpressionTimezone": ["UTC"]},
            "scheduleExpressionTimezone",
            "must be a time zone name",
        ),
        (
            {"scheduleExpression": "rate(1 hour)", "scheduleExpressionTimezone": 1},
            "scheduleExpressionTimezone",
            "got 1",
        ),
        (
            {"scheduleExpression": "rate(1 hour)", "startDate": ["2026-01-01T00:00:00Z"]},
            "startDate",
            "must be an ISO 8601 date-time string",
        ),
        (
            {"scheduleExpression": "rate(1 hour)", "endDate": "soon"},
            "endDate",
            "is not an ISO 8601 date-time",
        ),
        (
            {
                "scheduleExpression": "rate(1 hour)",
                "startDate": "2026-03-01T00:00:00Z",
                "endDate": "2026-02-01T00:00:00Z",
            },
            "endDate",
            "is not after startDate",
        ),
        (
            {"scheduleExpression": "rate(" + "9" * 5000 + " minutes)"},
            "scheduleExpression",
            "",
        ),
    ],
)
def test_malformed_schedule_properties_get_one_diagnostic_naming_the_property(
    run, props: dict, key: str, fragment: str
) -> None:
    for policy in schedules.POLICIES[:5]:
        found = run(policy, SCHEDULER, props, PINNED)
        if policy is schedules.EXPRESSION_VALID:
            assert len(found) == 1, found
            assert f"Fix {key} of r." in found[0], found[0]
            assert fragment in found[0], found[0]
            assert "Traceback" not in found[0]
        else:
            assert found == [], f"{policy.name} judged a schedule it cannot read: {found}"


def test_a_time_zone_error_names_the_time_zone_property_not_the_expression(run) -> None:
    props = scheduler("cron(0 8 * * ? *)", scheduleExpressionTimezone="Europe/Berlim")
    (message,) = run(schedules.EXPRESSION_VALID, SCHEDULER, props)
    assert "did you mean 'Europe/Berlin'?" in message
    assert message.endswith("Fix scheduleExpressionTimezone of r.")


def test_a_flexible_window_mode_that_is_not_off_or_flexible_is_reported(run) -> None:
    props = scheduler("rate(5 minutes)", flexibleTimeWindow={"mode": {"a": 1}})
    (message,) = run(schedules.FLEXIBLE_WINDOW, SCHEDULER, props, PINNED)
    assert 'flexibleTimeWindow.mode is {\'a\': 1}; set it to "OFF" or "FLEXIBLE"' in message


def test_an_unknown_start_date_is_the_unknown_advisory_for_fires_again(run) -> None:
    props = scheduler("rate(1 hour)", startDate=UNKNOWN_VALUE)
    with pytest.raises(UnknownValueError) as e:
        run(schedules.FIRES_AGAIN, SCHEDULER, props, PINNED)
    assert "startDate" in e.value.message


# --- every fix the frequency message proposes passes the policy -------------------------------
FREQUENCY_CONFIGS = [
    {"minIntervalMinutes": 60, "maxRunsPerDay": 24},
    {"minIntervalMinutes": 5, "maxRunsPerDay": 288},
    {"minIntervalMinutes": 30, "maxRunsPerDay": 4},
    {"minIntervalMinutes": 61, "maxRunsPerDay": 24},
    {"minIntervalMinutes": 90, "maxRunsPerDay": 100},
    {"minIntervalMinutes": 1, "maxRunsPerDay": 1},
    {"minIntervalMinutes": 1500, "maxRunsPerDay": 24},
]


@pytest.mark.parametrize("config", FREQUENCY_CONFIGS, ids=lambda c: "-".join(map(str, c.values())))
@pytest.mark.parametrize("timezone", [None, "America/New_York"])
def test_the_suggested_schedule_itself_passes_the_frequency_policy(
    run, config: dict, timezone: str | None
) -> None:
    zone = {"scheduleExpressionTimezone": timezone} if timezone else {}
    full = {**PINNED, **config}
    (message,) = run(schedules.FREQUENCY, SCHEDULER, scheduler("rate(1 minute)", **zone), full)
    suggestion = message.split("Run it less often (e.g. ", 1)[1].split("), or change", 1)[0]
    assert suggestion.startswith("rate("), message
    found = run(schedules.FREQUENCY, SCHEDULER, scheduler(suggestion, **zone), full)
    assert found == [], f"suggested {suggestion} for {config} in {timezone}: {found}"


def _engine_counts_real_24_hours() -> bool:
    from datetime import UTC, datetime

    from modules.schedule import analyze, parse_schedule

    result = analyze(parse_schedule("rate(1 hour)"), reference=datetime(2026, 1, 1, tzinfo=UTC))
    return getattr(result, "max_runs_per_24h", None) is not None


@pytest.mark.skipif(
    not _engine_counts_real_24_hours(), reason="engine without max_runs_per_24h (issue 10)"
)
@pytest.mark.parametrize("expression", ["rate(1 hour)", "rate(61 minutes)"])
@pytest.mark.parametrize("timezone", ["Europe/Berlin", "America/New_York"])
def test_an_hourly_rate_is_hourly_in_a_dst_zone(run, expression: str, timezone: str) -> None:
    props = scheduler(expression, scheduleExpressionTimezone=timezone)
    assert run(schedules.FREQUENCY, SCHEDULER, props, PINNED) == [], (expression, timezone)
