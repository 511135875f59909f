"""The runner's wiring, with the mock run and the policy client replaced by fakes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

import tools.mockrun
from modules.config import ConfigError
from tools.plan import runner
from tools.plan.cli import Request, UsageError
from tools.policy_client import PolicyClientError, PolicyConfigError, PolicyInfo

REFERENCE = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Res:
    urn: str = "urn:pulumi:dev::mlsched::aws:scheduler/schedule:Schedule::s"
    type: str = "aws:scheduler/schedule:Schedule"
    name: str = "s"
    custom: bool = True
    parent: str | None = None
    inputs: dict = field(default_factory=lambda: {"scheduleExpression": "rate(1 hour)"})
    outputs: dict = field(default_factory=dict)
    protect: bool = False


@dataclass(frozen=True)
class Run:
    project: str = "mlsched"
    stack: str = "dev"
    resources: tuple = (Res(),)
    outputs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Report:
    violations: tuple = ()


class FakeClient:
    def __init__(self, fail_on: str | None = None, error: Exception | None = None):
        self.policies = {
            "schedule-fires-again": PolicyInfo(
                "schedule-fires-again", "d", "mandatory", {"properties": {"referenceTime": {}}}
            ),
            "iam-no-wildcard-action": PolicyInfo("iam-no-wildcard-action", "d", "mandatory", {}),
        }
        self.configured: list[dict] = []
        self.fail_on, self.error = fail_on, error

    def configure(self, config):
        self.configured.append(config)

    def check(self, resources):
        if self.error is not None:
            raise self.error
        return Report()


def request(tmp_path: Path, *stacks: str, policies: bool = True) -> Request:
    config_dir = tmp_path / "config"
    config_dir.mkdir(exist_ok=True)
    for stack in stacks:
        (config_dir / f"{stack}.json").write_text(
            json.dumps({"schedule-fires-again": "advisory", "all": "mandatory"})
        )
    return Request(
        stacks=stacks,
        reference=REFERENCE,
        stacks_dir=tmp_path / "stacks",
        policy_pack=tmp_path / "policies",
        policy_config_dir=config_dir,
        out=None,
        fmt="none",
        color=None,
        policies=policies,
    )


@pytest.fixture
def runs(monkeypatch):
    """stack name -> Run or exception raised by the fake run_stack."""
    outcomes: dict = {}

    def fake_run_stack(stack_dir, stack, *, config=None, reference=None):
        outcome = outcomes.get(stack, Run(stack=stack))
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    monkeypatch.setattr(tools.mockrun, "run_stack", fake_run_stack)
    return outcomes


def test_reference_time_is_pinned_for_every_policy_that_declares_it(tmp_path, runs):
    client = FakeClient()
    (plan,) = runner.plan_stacks(request(tmp_path, "dev"), client=client)
    assert plan.ok
    assert client.configured == [
        {
            "schedule-fires-again": {
                "enforcementLevel": "advisory",
                "referenceTime": "2026-01-01T00:00:00Z",
            },
            "all": {"enforcementLevel": "mandatory"},
        }
    ]


def test_config_error_becomes_an_error_plan_and_other_stacks_are_still_planned(tmp_path, runs):
    runs["dev"] = ConfigError("stack 'dev', pipeline 'p', key 'schedule': bad")
    plans = runner.plan_stacks(request(tmp_path, "dev", "prod"), client=FakeClient())
    assert [p.stack for p in plans] == ["dev", "prod"]
    assert "key 'schedule': bad" in plans[0].error
    assert plans[1].error is None


def test_failing_program_is_reported_in_one_line(tmp_path, runs):
    runs["dev"] = TypeError("Object of type datetime is not JSON serializable")
    (plan,) = runner.plan_stacks(request(tmp_path, "dev"), client=FakeClient())
    assert plan.error == (
        "the program of stack dev failed: "
        "TypeError: Object of type datetime is not JSON serializable"
    )


def test_invalid_policy_config_is_an_error_plan_naming_the_file(tmp_path, runs):
    client = FakeClient(
        error=PolicyConfigError("schedule-frequency.maxRunsPerDay: 'x' is not an integer")
    )
    (plan,) = runner.plan_stacks(request(tmp_path, "dev"), client=client)
    assert plan.error.startswith("policy config ")
    assert "dev.json" in plan.error
    assert "maxRunsPerDay" in plan.error


def test_policy_pack_failure_is_a_usage_error(tmp_path, runs):
    client = FakeClient(error=PolicyClientError("the policy pack exited with code 1"))
    with pytest.raises(UsageError, match="could not judge stack dev: the policy pack exited"):
        runner.plan_stacks(request(tmp_path, "dev"), client=client)


def test_without_policies_no_client_is_started_and_no_config_recorded(tmp_path, runs, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("PolicyClient must not start with --no-policies")

    monkeypatch.setattr("tools.policy_client.PolicyClient", forbidden)
    (plan,) = runner.plan_stacks(request(tmp_path, "dev", policies=False))
    assert plan.policy_config is None
    assert plan.verdicts == ()
    assert len(plan.schedules) == 1


def test_owned_client_is_started_in_the_background_and_closed(tmp_path, runs, monkeypatch):
    events: list[str] = []

    class Owned(FakeClient):
        def __init__(self, pack_dir, *, stack, call_timeout):
            super().__init__()
            events.append(f"new {pack_dir.name} {stack} {call_timeout:.0f}s")

        def start(self, process=None):
            events.append("start")
            return self

        def close(self):
            events.append("close")

    monkeypatch.setattr("tools.policy_client.PolicyClient", Owned)
    runner.plan_stacks(request(tmp_path, "dev", "prod"))
    assert events == ["new policies dev 900s", "start", "close"]


def test_owned_client_that_fails_to_start_is_still_closed(tmp_path, runs, monkeypatch):
    closed: list[bool] = []

    class Broken(FakeClient):
        def __init__(self, pack_dir, *, stack, call_timeout):
            super().__init__()

        def start(self, process=None):
            raise PolicyClientError("printed no port within 60s")

        def close(self):
            closed.append(True)

    monkeypatch.setattr("tools.policy_client.PolicyClient", Broken)
    with pytest.raises(UsageError, match="printed no port"):
        runner.plan_stacks(request(tmp_path, "dev"))
    assert closed == [True]


def test_what_a_program_prints_goes_to_stderr_not_to_the_report(tmp_path, monkeypatch, capsys):
    def chatty_run_stack(stack_dir, stack, *, config=None, reference=None):
        print("hello from the program")
        return Run(stack=stack)

    monkeypatch.setattr(tools.mockrun, "run_stack", chatty_run_stack)
    runner.plan_stacks(request(tmp_path, "dev", policies=False))
    captured = capsys.readouterr()
    assert "hello from the program" not in captured.out
    assert "hello from the program" in captured.err


def test_the_command_freezes_the_heap_before_each_stacks_mock_run(tmp_path, monkeypatch):
    import dataclasses
    import gc

    events: list[str] = []
    monkeypatch.setattr(gc, "freeze", lambda: events.append("freeze"))
    monkeypatch.setattr(gc, "set_threshold", lambda *t: events.append(f"threshold {t[2]}"))

    def recording_run_stack(stack_dir, stack, *, config=None, reference=None):
        events.append(f"run {stack}")
        return Run(stack=stack)

    monkeypatch.setattr(tools.mockrun, "run_stack", recording_run_stack)
    owned = dataclasses.replace(request(tmp_path, "dev", "prod", policies=False), owns_process=True)
    runner.plan_stacks(owned)
    every = runner.FULL_COLLECTION_EVERY
    assert events == [
        "freeze",
        f"threshold {every}",
        "run dev",
        "freeze",
        f"threshold {every}",
        "run prod",
    ]


def test_a_plan_called_from_code_leaves_the_garbage_collector_alone(tmp_path, runs, monkeypatch):
    import gc

    monkeypatch.setattr(gc, "freeze", lambda: pytest.fail("froze a test process's heap"))
    monkeypatch.setattr(gc, "set_threshold", lambda *t: pytest.fail("changed the collector"))
    runner.plan_stacks(request(tmp_path, "dev", policies=False))
