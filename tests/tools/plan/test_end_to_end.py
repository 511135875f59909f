"""The plan on real stack programs and the real policy pack: the shipped stacks, and copies of
them broken the ways users break them. Each scenario runs the plan once (module-scoped) and the
tests read its three reports."""

from __future__ import annotations

import functools
import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest

from tools.plan import cli, render_json, runner
from tools.policy_client import PolicyClient

REPO = Path(__file__).resolve().parents[3]
AT = "2026-01-01T00:00:00Z"
PROD_CHURN = "schedule: cron(0 12 * * ? *)"
SCHEDULE_URN_END = "aws:scheduler/schedule:Schedule::churn-training-trigger-schedule"
VALIDATOR = jsonschema.Draft202012Validator(
    render_json.load_schema(), format_checker=jsonschema.FormatChecker()
)


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str
    out: Path

    def json(self, stack: str) -> dict:
        return json.loads((self.out / f"{stack}.json").read_text(encoding="utf-8"))

    def markdown(self, stack: str) -> str:
        return (self.out / f"{stack}.md").read_text(encoding="utf-8")


def plan(root: Path, out: Path, *argv: str, at: str = AT, client=None) -> Outcome:
    stdout, stderr = io.StringIO(), io.StringIO()
    planner = None if client is None else functools.partial(runner.plan_stacks, client=client)
    code = cli.main(
        [
            "--stacks-dir",
            str(root / "stacks"),
            "--policy-pack",
            str(REPO / "policies"),
            "--at",
            at,
            "--out",
            str(out),
            *argv,
        ],
        planner=planner,
        stdout=stdout,
        stderr=stderr,
    )
    return Outcome(code, stdout.getvalue(), stderr.getvalue(), out)


def copy_repo(tmp: Path) -> Path:
    """stacks/ and pipelines/ side by side, as the stacks' relative definition paths expect."""
    for folder in ("stacks", "pipelines"):
        shutil.copytree(REPO / folder, tmp / folder)
    return tmp


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path} no longer contains {old!r}; update this test's edit"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def assert_no_traceback(outcome: Outcome) -> None:
    assert "Traceback" not in outcome.stdout + outcome.stderr, outcome.stderr


@pytest.fixture(scope="module")
def pack():
    """One policy pack process for the broken-copy scenarios (start-up is most of a plan's cost);
    the shipped scenario starts its own, as `make plan` does."""
    with PolicyClient(REPO / "policies") as client:
        yield client


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> Outcome:
    return plan(REPO, tmp_path_factory.mktemp("shipped"))


@pytest.fixture(scope="module")
def too_frequent(tmp_path_factory, pack) -> Outcome:
    root = copy_repo(tmp_path_factory.mktemp("frequent"))
    edit(root / "stacks/prod/Pulumi.prod.yaml", PROD_CHURN, "schedule: rate(5 minutes)")
    return plan(root, root / "out", "--stack", "prod", client=pack)


@pytest.fixture(scope="module")
def broken(tmp_path_factory, pack) -> Outcome:
    """prod: a 5-field Unix cron; staging: a definition file that is not JSON."""
    root = copy_repo(tmp_path_factory.mktemp("broken"))
    edit(root / "stacks/prod/Pulumi.prod.yaml", PROD_CHURN, "schedule: cron(0 12 * * *)")
    (root / "pipelines/broken.json").write_text('{"Version": "2020-12-01", "Steps": [', "utf-8")
    edit(
        root / "stacks/staging/Pulumi.staging.yaml",
        "definition: ../../pipelines/churn-training.json",
        "definition: ../../pipelines/broken.json",
    )
    return plan(root, root / "out", "--stack", "prod,staging", client=pack)


@pytest.fixture(scope="module")
def ended(tmp_path_factory, pack) -> Outcome:
    """prod's schedule ends in 2030 and the plan looks from 2031: only AT makes it dead."""
    root = copy_repo(tmp_path_factory.mktemp("ended"))
    edit(
        root / "stacks/prod/Pulumi.prod.yaml",
        PROD_CHURN,
        PROD_CHURN + '\n      endDate: "2030-01-01T00:00:00Z"',
    )
    return plan(root, root / "out", "--stack", "prod", at="2031-01-01T00:00:00Z", client=pack)


def mandatory(document: dict) -> list[dict]:
    return [v for v in document["verdicts"] if v["enforcement"] == "mandatory"]


# --- the shipped stacks ------------------------------------------------------------------------


def test_shipped_stacks_plan_ok_with_exit_0(shipped):
    assert shipped.code == 0, shipped.stdout + shipped.stderr
    assert "plan OK: 3 stack(s)" in shipped.stdout
    assert_no_traceback(shipped)


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_shipped_stack_reports_validate_against_the_schema(shipped, stack):
    document = shipped.json(stack)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(document)]
    assert errors == [], f"build/plan/{stack}.json: {errors}"
    assert document["ok"] is True, [v["urn"] for v in mandatory(document)]
    assert document["reference_time"] == AT


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_shipped_stack_lists_every_schedule_with_five_next_runs(shipped, stack):
    schedules = shipped.json(stack)["schedules"]
    assert schedules, f"stack {stack}: no schedule found"
    for s in schedules:
        assert len(s["next_runs"]) == 5, s["urn"]
        assert s["next_runs"][0] >= AT, s["urn"]
        assert s["max_runs_per_day"] >= 1, s["urn"]
        assert s["description"], s["urn"]


def test_prod_calendar_matches_the_config(shipped):
    by_pipeline = {s["pipeline"]: s for s in shipped.json("prod")["schedules"]}
    churn = by_pipeline["churn-training"]
    assert churn["expression"] == "cron(0 12 * * ? *)"
    assert churn["next_runs"][:2] == ["2026-01-01T12:00:00Z", "2026-01-02T12:00:00Z"]
    assert churn["min_interval_minutes"] == 1440
    assert churn["trigger"] == "scheduler"


def test_dev_schedule_shows_local_time_and_disabled_state(shipped):
    churn = next(s for s in shipped.json("dev")["schedules"] if s["pipeline"] == "churn-training")
    assert churn["timezone"] == "Europe/Berlin"
    assert churn["enabled"] is False
    assert churn["next_runs_local"][0].startswith("2026-01-05T06:00:00+01:00"), churn


def test_shipped_reports_show_resources_and_the_component_tree(shipped):
    document = shipped.json("prod")
    assert document["resource_counts"]["mlsched:ml:ScheduledPipeline"] >= 1
    assert document["component_tree"][0]["children"], "the stack resource has the components"
    assert any(r["protect"] for r in document["resources"]), "prod protects its pipeline"
    markdown = shipped.markdown("prod")
    assert markdown.startswith("## ✅ Offline plan of `prod`")
    assert "`mlsched:ml:ScheduledPipeline` *(component)*" in markdown


def test_terminal_output_without_tty_is_plain(shipped):
    assert "\x1b[" not in shipped.stdout
    assert "Next runs" in shipped.stdout


# --- a too-frequent prod schedule ----------------------------------------------------------------


def test_too_frequent_prod_schedule_exits_1(too_frequent):
    assert too_frequent.code == 1, too_frequent.stdout + too_frequent.stderr
    assert_no_traceback(too_frequent)


def test_too_frequent_verdict_is_in_the_json_report(too_frequent):
    document = too_frequent.json("prod")
    assert document["ok"] is False
    verdicts = [v for v in mandatory(document) if v["urn"].endswith(SCHEDULE_URN_END)]
    assert verdicts, f"no mandatory verdict on ...{SCHEDULE_URN_END}: {document['verdicts']}"
    assert any("288" in v["message"] for v in verdicts), verdicts
    assert list(VALIDATOR.iter_errors(document)) == []


def test_too_frequent_verdict_is_in_the_markdown_and_terminal_reports(too_frequent):
    verdict = next(v for v in mandatory(too_frequent.json("prod")) if "288" in v["message"])
    markdown = too_frequent.markdown("prod")
    assert markdown.startswith("## ❌ Offline plan of `prod`")
    row = next(line for line in markdown.splitlines() if f"`{verdict['policy']}`" in line)
    assert row.startswith("| **mandatory** |")
    assert verdict["urn"] in row
    assert "MANDATORY  " + verdict["policy"] in too_frequent.stdout
    assert "plan FAILED: prod" in too_frequent.stdout


def test_too_frequent_schedule_calendar_shows_the_measured_figures(too_frequent):
    churn = next(
        s for s in too_frequent.json("prod")["schedules"] if s["pipeline"] == "churn-training"
    )
    assert (churn["max_runs_per_day"], churn["min_interval_minutes"]) == (288, 5)


# --- configuration errors ----------------------------------------------------------------------


def test_configuration_errors_exit_2_without_traceback(broken):
    assert broken.code == 2, broken.stdout + broken.stderr
    assert_no_traceback(broken)


def test_invalid_expression_message_names_stack_pipeline_and_key(broken):
    assert "stack 'prod', pipeline 'churn-training', key 'schedule'" in broken.stderr
    assert "cron(0 12 * * ? *)" in broken.stderr, "the message suggests the AWS form"


def test_broken_definition_file_message_names_the_file(broken):
    assert "stack 'staging', pipeline 'churn-training', key 'definition'" in broken.stderr
    assert "broken.json is not valid JSON" in broken.stderr


def test_stack_with_configuration_error_still_gets_reports_saying_why(broken):
    document = broken.json("prod")
    assert document["ok"] is False
    assert "key 'schedule'" in document["error"]
    assert list(VALIDATOR.iter_errors(document)) == []
    assert "**Configuration error**" in broken.markdown("staging")


# --- the reference time reaches the policy pack --------------------------------------------------


def test_reference_time_reaches_the_program_so_a_pinned_plan_is_reproducible(ended):
    # The program judges "never fires" against --at, not the wall clock: in 2031 the schedule
    # that ended in 2030 is a configuration error (exit 2), whatever day the plan runs.
    assert ended.code == 2, ended.stderr
    assert "pipeline 'churn-training', key 'schedule'" in ended.stderr
    assert "never fires after 2031-01-01T00:00:00Z" in ended.stderr
    assert_no_traceback(ended)
