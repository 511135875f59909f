"""tools.mockrun against a small throwaway Pulumi project (the real stacks: tests/stacks)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tools.mockrun import CapturedResource, StackMocks, partition_for, run_stack

PROGRAM = """
import pulumi
import pulumi_aws as aws

config = pulumi.Config()


class Box(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("mini:test:Box", name, None, opts)
        role = aws.iam.Role(
            f"{name}-role", assume_role_policy="{}", opts=pulumi.ResourceOptions(parent=self)
        )
        aws.sqs.Queue(
            f"{name}-queue", tags={"role": role.arn}, opts=pulumi.ResourceOptions(parent=self)
        )
        self.arn = role.arn
        self.register_outputs({"arn": role.arn})


partition = aws.get_partition_output().partition
for item in config.require_object("items"):
    box = Box(item, opts=pulumi.ResourceOptions(protect=item == config.get("protected")))
    pulumi.export(item, box.arn)
pulumi.export("partition", partition)
pulumi.export("flag", config.get_bool("flag"))
if config.get_bool("explode"):
    raise pulumi.RunError("boom")
if config.get_bool("unknown_invoke"):
    aws.get_availability_zones_output().names.apply(print)
"""


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    (tmp_path / "Pulumi.yaml").write_text("name: mini\nruntime: python\n")
    (tmp_path / "Pulumi.test.yaml").write_text(
        textwrap.dedent(
            """\
            config:
              aws:region: eu-west-1
              mini:items: [a, b]
              mini:protected: a
              mini:flag: true
            """
        )
    )
    (tmp_path / "__main__.py").write_text(PROGRAM)
    return tmp_path


def by_name(resources: tuple[CapturedResource, ...], name: str) -> CapturedResource:
    matches = [r for r in resources if r.name == name]
    assert len(matches) == 1, f"{name}: {[r.urn for r in resources]}"
    return matches[0]


def test_stack_outputs_are_returned_resolved(mini: Path) -> None:
    run = run_stack(mini, "test")
    assert run.outputs == {
        "a": "arn:aws:iam::123456789012:role/a-role-" + run.named("a-role").outputs["name"][-7:],
        "b": run.named("b-role").outputs["arn"],
        "partition": "aws",
        "flag": True,
    }
    assert (run.project, run.stack) == ("mini", "test")


def test_every_registration_is_captured_with_stack_and_components(mini: Path) -> None:
    run = run_stack(mini, "test")
    assert run.resources[0].type == "pulumi:pulumi:Stack", run.resources[0].urn
    assert sorted((r.type, r.name, r.custom) for r in run.resources) == [
        ("aws:iam/role:Role", "a-role", True),
        ("aws:iam/role:Role", "b-role", True),
        ("aws:sqs/queue:Queue", "a-queue", True),
        ("aws:sqs/queue:Queue", "b-queue", True),
        ("mini:test:Box", "a", False),
        ("mini:test:Box", "b", False),
        ("pulumi:pulumi:Stack", "mini-test", False),
    ]


def test_parent_urns_follow_the_component_tree(mini: Path) -> None:
    run = run_stack(mini, "test")
    stack = run.named("mini-test")
    box = run.named("a")
    role = run.named("a-role")
    assert stack.parent is None, stack.urn
    assert box.parent == stack.urn, box.urn
    assert role.parent == box.urn, role.urn
    assert role.urn == "urn:pulumi:test::mini::mini:test:Box$aws:iam/role:Role::a-role"


def test_protect_is_captured_and_inherited_from_the_parent(mini: Path) -> None:
    run = run_stack(mini, "test")
    assert run.named("a").protect, run.named("a").urn
    assert run.named("a-role").protect, run.named("a-role").urn
    assert not run.named("b-role").protect, run.named("b-role").urn


def test_dependencies_and_property_dependencies_are_captured(mini: Path) -> None:
    run = run_stack(mini, "test")
    queue = run.named("a-queue")
    role_urn = run.named("a-role").urn
    assert queue.dependencies == (role_urn,), queue.urn
    assert queue.property_dependencies["tags"] == (role_urn,), queue.urn
    assert queue.inputs["tags"] == {"role": run.named("a-role").outputs["arn"]}, queue.urn


def test_component_outputs_come_from_register_outputs(mini: Path) -> None:
    run = run_stack(mini, "test")
    assert run.named("b").outputs == {"arn": run.named("b-role").outputs["arn"]}


def test_mocked_outputs_have_aws_shaped_arns_and_urls(mini: Path) -> None:
    queue = run_stack(mini, "test").named("a-queue")
    name = queue.outputs["name"]
    assert name.startswith("a-queue-"), queue.urn
    assert queue.outputs["arn"] == f"arn:aws:sqs:eu-west-1:123456789012:{name}"
    assert queue.outputs["url"] == f"https://sqs.eu-west-1.amazonaws.com/123456789012/{name}"


def test_config_argument_overrides_file_entries_and_runs_do_not_leak(mini: Path) -> None:
    first = run_stack(mini, "test")
    second = run_stack(mini, "test", config={"items": ["z"], "aws:region": "cn-north-1"})
    third = run_stack(mini, "test")
    assert {r.name for r in second.resources} == {"mini-test", "z", "z-role", "z-queue"}
    assert second.outputs["partition"] == "aws-cn"
    assert second.outputs["z"].startswith("arn:aws-cn:iam::123456789012:role/z-role-")
    assert first == third


def test_program_errors_propagate(mini: Path) -> None:
    import pulumi

    with pytest.raises(pulumi.RunError, match="boom"):
        run_stack(mini, "test", config={"explode": True})
    assert run_stack(mini, "test").outputs["flag"] is True


def test_an_invoke_the_mocks_do_not_know_fails_loudly(mini: Path) -> None:
    with pytest.raises(Exception, match="getAvailabilityZones"):
        run_stack(mini, "test", config={"unknown_invoke": True})


@pytest.mark.parametrize(
    ("region", "partition"),
    [("us-east-1", "aws"), ("cn-northwest-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")],
)
def test_partition_follows_the_region(region: str, partition: str) -> None:
    assert partition_for(region) == partition
    assert StackMocks(region).partition == partition


def test_unparsable_stack_config_is_a_config_error_naming_the_file(mini: Path) -> None:
    from modules.config import ConfigError

    (mini / "Pulumi.test.yaml").write_text("config:\n  mini:items: [a, {b\n")
    with pytest.raises(ConfigError, match=r"Pulumi\.test\.yaml:3: is not valid YAML"):
        run_stack(mini, "test")


def test_stack_config_must_be_a_map(mini: Path) -> None:
    from modules.config import ConfigError

    (mini / "Pulumi.test.yaml").write_text("config: [a, b]\n")
    with pytest.raises(ConfigError, match="must be a map"):
        run_stack(mini, "test")


def test_components_without_registered_outputs_have_empty_outputs(mini: Path) -> None:
    run = run_stack(mini, "test")
    assert run.named("mini-test").inputs == {}
    assert all(r.provider is None for r in run.resources), "default providers only"


def test_unquoted_yaml_timestamps_reach_the_program_as_the_cli_hands_them_over(mini: Path) -> None:
    # yaml.v3 decodes them into Go time.Time values, which the CLI passes as time.String().
    (mini / "Pulumi.test.yaml").write_text(
        "config:\n  mini:items: [a]\n  mini:when: 2026-02-01T00:00:00Z\n"
        "  mini:day: 2026-02-01\n  mini:quoted: '2026-02-01T00:00:00Z'\n"
    )
    (mini / "__main__.py").write_text(
        "import pulumi\nc = pulumi.Config()\n"
        "for key in ('when', 'day', 'quoted'):\n    pulumi.export(key, c.get(key))\n"
    )
    assert run_stack(mini, "test").outputs == {
        "when": "2026-02-01 00:00:00 +0000 UTC",
        "day": "2026-02-01 00:00:00 +0000 UTC",
        "quoted": "2026-02-01T00:00:00Z",
    }


def test_config_values_json_cannot_carry_are_rejected(mini: Path) -> None:
    with pytest.raises(TypeError, match="cannot be passed to a Pulumi program"):
        run_stack(mini, "test", config={"items": [object()]})


def test_named_reports_the_known_names_when_a_name_is_missing(mini: Path) -> None:
    with pytest.raises(KeyError, match="0 resources named 'nope'"):
        run_stack(mini, "test").named("nope")


def test_runs_leave_no_open_event_loop_behind(mini: Path) -> None:
    # An unclosed loop is finalised at interpreter exit and prints a traceback after the plan's
    # own output ("Exception ignored in BaseEventLoop.__del__").
    import asyncio
    import gc

    run_stack(mini, "test")
    run_stack(mini, "test")
    gc.collect()
    open_loops = [
        o
        for o in gc.get_objects()
        if isinstance(o, asyncio.AbstractEventLoop) and not o.is_closed()
    ]
    assert open_loops == [], open_loops


def test_an_output_that_fails_after_the_program_returns_still_fails_the_run() -> None:
    import pulumi_aws as aws

    from tools.mockrun import run_program

    def program() -> None:
        queue = aws.sqs.Queue("q")

        def explode(arn: str) -> str:
            raise ValueError(f"cannot use {arn}")

        queue.arn.apply(explode)

    with pytest.raises(ValueError, match="cannot use arn:aws:sqs"):
        run_program(program)


def test_outputs_chained_on_outputs_all_settle_before_the_run_ends() -> None:
    import pulumi
    import pulumi_aws as aws

    from tools.mockrun import run_program

    def program() -> None:
        previous = aws.sqs.Queue("q0")
        for i in range(1, 40):
            # Each queue's name waits for the previous queue's ARN: 40 waves of outputs.
            previous = aws.sqs.Queue(
                f"q{i}", name=previous.arn.apply(lambda arn, i=i: f"q{i}-{arn[-4:]}")
            )
        pulumi.export("last", previous.name)

    run = run_program(program)
    assert len(run.of_type("aws:sqs/queue:Queue")) == 40
    assert run.outputs["last"].startswith("q39-")


def _stack_traces(monkeypatch: pytest.MonkeyPatch, mini: Path, *, fast: bool) -> dict:
    import contextlib

    from tools import mockrun

    seen: dict[str, object] = {}
    register = mockrun.CapturingMonitor.RegisterResource

    def recording(self, request):
        seen[request.name] = (request.stackTrace.SerializeToString(), request.sourcePosition)
        return register(self, request)

    with monkeypatch.context() as patch:
        patch.setattr(mockrun.CapturingMonitor, "RegisterResource", recording)
        if not fast:
            patch.setattr(mockrun, "_fast_stack_traces", contextlib.nullcontext)
        run_stack(mini, "test")
    return seen


def test_registrations_carry_the_stack_traces_and_source_positions_the_sdk_would_build(
    monkeypatch: pytest.MonkeyPatch, mini: Path
) -> None:
    # From one line: this frame is part of every trace too.
    sdk, ours = (_stack_traces(monkeypatch, mini, fast=fast) for fast in (False, True))
    assert len(sdk) > 3, sorted(sdk)
    assert set(ours) == set(sdk), sorted(sdk)
    for name, trace in sdk.items():
        assert ours[name] == trace, f"resource {name}: stack trace differs from the SDK's"
    assert any(position.uri.endswith("__main__.py") for _, position in sdk.values())


def test_the_sdks_own_stack_trace_function_is_back_after_a_run(mini: Path) -> None:
    from pulumi.runtime import resource as sdk_resource

    before = sdk_resource._get_stack_trace
    run_stack(mini, "test")
    assert sdk_resource._get_stack_trace is before


def test_a_stack_importing_esc_environments_runs_with_a_warning_naming_them(
    tmp_path: Path,
) -> None:
    # The CLI merges the environments' pulumiConfig; offline they cannot be opened, so say so.
    stacks = Path(__file__).resolve().parents[2] / "stacks" / "dev"
    folder = tmp_path / "stacks" / "e"
    folder.mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text("")
    for name in ("Pulumi.yaml", "__main__.py"):
        (folder / name).write_text((stacks / name).read_text())
    (folder / "Pulumi.e.yaml").write_text(
        "environment: [ml/dev]\nconfig:\n  aws:region: us-east-1\n"
    )
    run = run_stack(folder, "e")
    assert any("imports ESC environments (ml/dev)" in w for w in run.warnings), run.warnings
