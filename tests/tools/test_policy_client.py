"""tools.policy_client against small throwaway policy packs started like the engine starts them.

The real pack, its shipped configs and the stacks are exercised in tests/policies/test_protocol.py.
"""

from __future__ import annotations

import json
import socket
import textwrap
from pathlib import Path

import pytest

from tools.policy_client import (
    UNKNOWN,
    PolicyClient,
    PolicyClientError,
    PolicyConfigError,
    PolicyReport,
    Resource,
    Violation,
    _main,
    _provider,
    load_pack_config,
    reconcile_config,
)

PACK = """
import time
from pulumi_policy import (EnforcementLevel, PolicyConfigSchema, PolicyPack,
                           ResourceValidationPolicy, StackValidationPolicy)


def no_public(args, report):
    if args.props.get("public"):
        # Config numbers cross the protocol as protobuf doubles, as with the real engine.
        report(f"public, limit {args.get_config()['limit']:g}")


def sleepy(args, report):
    if "sleep" in args.props:
        time.sleep(args.props["sleep"])


def unknowable(args, report):
    if "value" in args.props and args.props["value"] == "bad":
        report("bad value")


def deps(args, report):
    for r in args.resources:
        for key, on in sorted(r.property_dependencies.items()):
            names = ",".join(d.name for d in on)
            report(f"{r.name}.{key} <- {names} ({r.props.get('out')})", r.urn)


PolicyPack(
    name="fixture",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=[
        ResourceValidationPolicy(
            name="no-public", description="Nothing public.", validate=no_public,
            config_schema=PolicyConfigSchema(
                properties={"limit": {"type": "integer", "default": 3}}
            ),
        ),
        ResourceValidationPolicy(name="sleepy", description="Sleeps.", validate=sleepy),
        ResourceValidationPolicy(
            name="unknowable", description="Reads value.", validate=unknowable
        ),
        StackValidationPolicy(name="deps", description="Lists dependencies.", validate=deps),
    ],
)
"""


def _pack(root: Path, main: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "PulumiPolicy.yaml").write_text("runtime: python\nversion: 0.0.1\n")
    (root / "__main__.py").write_text(textwrap.dedent(main))
    return root


@pytest.fixture(scope="module")
def pack_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _pack(tmp_path_factory.mktemp("fixture-pack"), PACK)


@pytest.fixture(scope="module")
def client(pack_dir: Path):
    with PolicyClient(pack_dir, stack="test", call_timeout=10) as c:
        yield c


def _res(name: str, **inputs) -> Resource:
    return Resource(
        urn=f"urn:pulumi:test::mlsched::fix:index:Thing::{name}",
        type="fix:index:Thing",
        name=name,
        inputs=inputs,
    )


def test_pack_describes_its_policies_levels_and_schemas(client: PolicyClient) -> None:
    assert client.pack_name == "fixture"
    info = client.policies["no-public"]
    assert info.enforcement == "advisory"
    assert info.config_schema["properties"]["limit"]["default"] == 3
    assert client.policies["deps"].kind == "stack"
    assert info.kind == "resource"


def test_configure_fills_schema_defaults_and_applies_file_levels(
    client: PolicyClient, tmp_path: Path
) -> None:
    path = tmp_path / "test.json"
    path.write_text(json.dumps({"no-public": "mandatory", "all": "advisory"}))
    effective = client.configure(path)
    assert effective["no-public"] == ("mandatory", {"limit": 3}), effective
    assert effective["sleepy"] == ("advisory", {})
    found = client.analyze(_res("pub", public=True))
    assert [(v.policy, v.enforcement, v.message) for v in found] == [
        ("no-public", "mandatory", "public, limit 3")
    ]


def test_violation_is_attributed_to_the_analyzed_resource(client: PolicyClient) -> None:
    client.configure({"no-public": {"enforcementLevel": "advisory", "limit": 7}})
    (v,) = client.analyze(_res("pub2", public=True))
    assert v.urn.endswith("::pub2"), v
    assert v.description == "Nothing public."
    assert v.message == "public, limit 7"
    assert not v.mandatory


def test_disabled_policy_does_not_run(client: PolicyClient) -> None:
    client.configure({"no-public": "disabled"})
    assert client.analyze(_res("pub3", public=True)) == ()


def test_unknown_value_surfaces_as_advisory_cant_run_during_preview(client: PolicyClient) -> None:
    client.configure({"unknowable": "mandatory"})
    (v,) = client.analyze(_res("later", value=UNKNOWN))
    assert v.policy == "unknowable"
    assert v.enforcement == "advisory", "the SDK downgrades unknown-value failures to advisory"
    assert "can't be known during preview" in v.message


def test_analyze_stack_sends_outputs_and_property_dependencies(client: PolicyClient) -> None:
    client.configure({})
    a = _res("a")
    b = Resource(
        urn="urn:pulumi:test::mlsched::fix:index:Thing::b",
        type="fix:index:Thing",
        name="b",
        inputs={"out": "input"},
        outputs={"out": "output"},
        property_dependencies={"ref": (a.urn,), "none": ()},
        dependencies=(a.urn,),
        parent=a.urn,
        provider="urn:pulumi:test::mlsched::pulumi:providers:aws::default::abc",
    )
    (v,) = client.analyze_stack([a, b])
    assert v.message == "b.ref <- a (output)", v
    assert v.urn == b.urn


def test_check_runs_analyze_per_resource_then_analyze_stack(client: PolicyClient) -> None:
    client.configure({"no-public": "mandatory"})
    component = Resource(
        urn="urn:pulumi:test::mlsched::fix:index:Box::c",
        type="fix:index:Box",
        name="c",
        inputs={"public": True},
        custom=False,
    )
    report = client.check([_res("p", public=True), component])
    assert isinstance(report, PolicyReport)
    assert [v.urn.rsplit("::", 1)[-1] for v in report.mandatory] == ["p", "c"]
    assert not report.passed
    assert report.advisory == ()


def test_config_naming_a_policy_the_pack_lacks_is_rejected(client: PolicyClient) -> None:
    with pytest.raises(PolicyConfigError, match="no policy named no-pubic"):
        client.configure({"no-pubic": "mandatory"})


def test_config_value_against_the_schema_names_policy_and_key(client: PolicyClient) -> None:
    with pytest.raises(PolicyConfigError, match=r"no-public\.limit: 'x' is not of type 'integer'"):
        client.configure({"no-public": {"limit": "x"}})


def test_invalid_enforcement_level_names_the_key(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text('{"no-public": {"enforcementLevel": "strict"}}')
    with pytest.raises(PolicyConfigError, match=r"no-public\.enforcementLevel is 'strict'"):
        load_pack_config(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1]", "top level must be a JSON object"),
        ('{"p": 3}', "'p' must be an enforcement level string or an object"),
    ],
)
def test_malformed_config_files_are_rejected_with_the_file_named(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(PolicyConfigError, match=message) as e:
        load_pack_config(path)
    assert str(path) in str(e.value)


def test_missing_config_file_lists_the_shipped_ones(tmp_path: Path) -> None:
    with pytest.raises(PolicyConfigError, match="file not found"):
        load_pack_config(tmp_path / "nope.json")


def test_environments_key_is_not_policy_config(tmp_path: Path) -> None:
    path = tmp_path / "e.json"
    path.write_text('{"environments": ["x/y"], "p": "advisory"}')
    assert load_pack_config(path) == {"p": {"enforcementLevel": "advisory"}}


@pytest.mark.parametrize("text", ["", "  \n"])
def test_an_emptied_config_file_fails_closed(tmp_path: Path, text: str) -> None:
    # An empty file would leave every policy at the pack's default (advisory) without a word.
    path = tmp_path / "e.json"
    path.write_text(text)
    with pytest.raises(PolicyConfigError, match=r"e\.json: is empty; .*Restore it"):
        load_pack_config(path)


def test_a_config_that_leaves_out_a_policy_fails_closed(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text('{"no-public": "mandatory"}')
    with pytest.raises(PolicyConfigError, match="sets no enforcement level for deps, sleepy"):
        load_pack_config(path, expected=["no-public", "sleepy", "deps"])
    assert load_pack_config(path, expected=["no-public"]) == {
        "no-public": {"enforcementLevel": "mandatory"}
    }
    path.write_text('{"all": "mandatory"}')
    assert load_pack_config(path, expected=["no-public", "sleepy"])


def test_a_trimmed_config_file_is_refused_when_configuring_the_pack(
    client: PolicyClient, tmp_path: Path
) -> None:
    path = tmp_path / "c.json"
    path.write_text('{"no-public": "mandatory"}')
    with pytest.raises(PolicyConfigError, match="sets no enforcement level for"):
        client.configure(path)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"p": "advisory"}\xff', r"is not UTF-8 \(byte offset 17\)"),
        (b'{"p": "advisory", "p": "mandatory"}', "key 'p' appears twice"),
        (b'{"p": {"limit": NaN}}', "NaN is not JSON"),
    ],
)
def test_config_files_the_cli_would_refuse_or_read_ambiguously_are_errors(
    tmp_path: Path, data: bytes, message: str
) -> None:
    path = tmp_path / "c.json"
    path.write_bytes(data)
    with pytest.raises(PolicyConfigError, match=message):
        load_pack_config(path)


def test_reconcile_without_pack_requires_required_keys() -> None:
    from tools.policy_client import PolicyInfo

    info = {
        "p": PolicyInfo(
            "p", "d", "advisory", {"properties": {"k": {"type": "string"}}, "required": ["k"]}
        )
    }
    with pytest.raises(PolicyConfigError, match="'k' is a required property"):
        reconcile_config(info, {})
    assert reconcile_config(info, {"p": {"k": "v"}}) == {"p": ("advisory", {"k": "v"})}


def test_properties_that_are_not_json_like_are_rejected_with_the_urn(client: PolicyClient) -> None:
    with pytest.raises(PolicyClientError, match="::odd: properties are not JSON-like"):
        client.analyze(_res("odd", when=object()))


def test_slow_policy_hits_the_call_timeout_with_a_clear_error(client: PolicyClient) -> None:
    client.call_timeout = 0.2
    try:
        with pytest.raises(PolicyClientError, match=r"::slow\): the policy pack did not answer"):
            client.analyze(_res("slow", sleep=0.6))
    finally:
        client.call_timeout = 10


def _fake_python(tmp_path: Path, script: str) -> str:
    """A stand-in interpreter, so failure paths need no real Python start-up."""
    path = tmp_path / "python"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
    return str(path)


def test_pack_that_fails_to_start_reports_its_stderr(tmp_path: Path, pack_dir: Path) -> None:
    python = _fake_python(
        tmp_path, 'echo "ModuleNotFoundError: No module named no_such_module_here" >&2\nexit 1\n'
    )
    client = PolicyClient(pack_dir, python=python, start_timeout=20)
    with pytest.raises(PolicyClientError, match=r"failed to start \(exit code 1") as e:
        client.start()
    assert "no_such_module_here" in str(e.value)
    assert not client.running


def test_pack_that_prints_no_port_times_out_and_is_killed(tmp_path: Path, pack_dir: Path) -> None:
    client = PolicyClient(
        pack_dir, python=_fake_python(tmp_path, "exec sleep 30\n"), start_timeout=0.5
    )
    with pytest.raises(PolicyClientError, match=r"printed no port within 0\.5s"):
        client.start()
    assert not client.running


def test_directory_without_pulumipolicy_yaml_is_not_a_pack(tmp_path: Path) -> None:
    with pytest.raises(PolicyClientError, match="is not a policy pack"):
        PolicyClient(tmp_path).start()


def test_close_stops_the_process_and_frees_the_port(pack_dir: Path) -> None:
    client = PolicyClient(pack_dir).start()
    proc = client._proc
    assert proc is not None
    assert client.start() is client, "start() on a running client is a no-op"
    port = int(client._channel._channel.target().decode().rsplit(":", 1)[-1])  # type: ignore[union-attr]
    client.close()
    client.close()
    assert proc.poll() is not None, "pack process left running"
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still open"
    with pytest.raises(PolicyClientError, match="not running"):
        client.analyze(_res("late"))


def test_provider_reference_is_split_into_urn_type_and_name() -> None:
    p = _provider("urn:pulumi:dev::mlsched::pulumi:providers:aws::default_7::0f-id")
    assert (p.urn, p.type, p.name) == (
        "urn:pulumi:dev::mlsched::pulumi:providers:aws::default_7",
        "pulumi:providers:aws",
        "default_7",
    )
    assert _provider(None) is None


def test_cli_prints_violations_and_exits_1_on_mandatory(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    client: PolicyClient,
) -> None:
    import tools.policy_client as pc

    seen = {}

    class Shared:  # the already running fixture pack, as the CLI would start it
        def __init__(self, pack: Path, config: Path) -> None:
            seen.update(pack=pack, config=config)

        def __enter__(self) -> PolicyClient:
            client.configure(seen["config"])
            return client

        def __exit__(self, *exc: object) -> None:
            client.configure({})

    monkeypatch.setattr(pc, "PolicyClient", Shared)
    pack = tmp_path / "pack"
    (pack / "config").mkdir(parents=True)
    (pack / "config" / "x.json").write_text('{"no-public": "mandatory", "all": "advisory"}')
    resources = tmp_path / "r.json"
    resources.write_text(
        json.dumps([{"urn": "urn:x::a", "type": "t", "name": "a", "inputs": {"public": True}}])
    )
    assert _main(["x", str(resources), "--pack", str(pack)]) == 1
    out = capsys.readouterr().out
    assert "[mandatory] no-public urn:x::a" in out
    assert "1 mandatory, 0 advisory" in out
    assert seen["config"] == pack / "config" / "x.json"
    assert _main(["x", str(tmp_path / "missing.json"), "--pack", str(pack)]) == 2
    assert "error:" in capsys.readouterr().err


def test_violation_mandatory_covers_remediate() -> None:
    v = Violation("p", "remediate", "m", "u", "d")
    assert v.mandatory


def test_handshake_failure_other_than_unimplemented_is_an_error(client: PolicyClient) -> None:
    import grpc

    class Refused(grpc.RpcError):
        def code(self) -> grpc.StatusCode:
            return grpc.StatusCode.INTERNAL

    class Stub:
        def Handshake(self, request, timeout):
            assert request.program_directory == str(client.pack_dir)
            raise Refused()

    real, client._stub = client._stub, Stub()  # type: ignore[assignment]
    try:
        with pytest.raises(PolicyClientError, match="Handshake: the policy pack failed"):
            client._handshake()
    finally:
        client._stub = real


def test_a_misspelt_policy_setting_is_refused_with_the_setting_meant(client: PolicyClient) -> None:
    # The engine ignores keys its schema lacks: a typo would silently keep the default.
    with pytest.raises(PolicyConfigError, match=r"no-public\.limt is not a setting.*'limit'"):
        client.configure({"no-public": {"limt": 3}})


def test_a_misspelt_policy_name_gets_the_policy_meant(client: PolicyClient) -> None:
    with pytest.raises(PolicyConfigError, match=r"no-pubic \(did you mean no-public\?\)"):
        client.configure({"no-pubic": "mandatory"})


def test_an_enforcement_level_in_the_wrong_case_gets_the_level_meant(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text('{"p": "Mandatory"}')
    with pytest.raises(PolicyConfigError, match=r"p\.enforcementLevel is 'Mandatory'.*'mandatory'"):
        load_pack_config(path)


def test_a_policy_entry_without_a_level_fails_closed(tmp_path: Path) -> None:
    # parsePolicyPackConfig drops `{}`: that policy would run at the pack's default.
    path = tmp_path / "c.json"
    path.write_text('{"no-public": "mandatory", "sleepy": {}}')
    with pytest.raises(PolicyConfigError, match="sets no enforcement level for sleepy"):
        load_pack_config(path, expected=["no-public", "sleepy"])


@pytest.mark.parametrize("value", ['"x/y"', "[1]", '{"a": "b"}'])
def test_environments_must_be_a_list_of_names_as_the_engine_requires(
    tmp_path: Path, value: str
) -> None:
    path = tmp_path / "c.json"
    path.write_text(f'{{"environments": {value}, "p": "advisory"}}')
    with pytest.raises(PolicyConfigError, match='"environments" must be an array of strings'):
        load_pack_config(path)


def test_settings_under_all_are_refused_as_the_engine_ignores_them(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text('{"all": {"enforcementLevel": "mandatory", "limit": 3}}')
    with pytest.raises(PolicyConfigError, match='"all" takes only enforcementLevel'):
        load_pack_config(path)


def test_a_quoted_number_in_policy_config_says_to_drop_the_quotes(client: PolicyClient) -> None:
    with pytest.raises(PolicyConfigError, match=r"no-public\.limit: '3' is not of type .*write 3"):
        client.configure({"no-public": {"limit": "3"}})
