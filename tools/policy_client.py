"""Drive the CrossGuard policy pack over its real analyzer gRPC protocol, without the Pulumi CLI.

The client starts the pack exactly as the Pulumi engine does through the Python language host
(`python -u -m pulumi.policy <engine-address> <pack-dir>`, working directory = the pack, with
`PULUMI_PROJECT`/`PULUMI_STACK`/`PULUMI_DRY_RUN`/`PULUMI_ORGANIZATION` in the environment),
reads the port the pack prints on its first stdout line, then speaks the `pulumirpc.Analyzer`
service from `pulumi.runtime.proto`: `ConfigureStack`, `GetAnalyzerInfo`, `Configure` (the config
file reconciled against each policy's `config_schema` as `pulumi preview --policy-pack-config`
does), `Analyze` once per resource (its inputs) and `AnalyzeStack` once for the set (outputs).

Usage::

    from pathlib import Path
    from tools.policy_client import PolicyClient, Resource

    with PolicyClient(config=Path("policies/config/prod.json")) as client:
        report = client.check(resources)       # Analyze each resource, then AnalyzeStack
        for v in report.mandatory:
            print(v.policy, v.urn, v.message)
        client.configure(Path("policies/config/dev.json"))   # same process, another stack's config

`resources` is any iterable of objects shaped like `tools.mockrun.CapturedResource` (or
`Resource` below): `urn`, `type`, `name`, `inputs`, `outputs`, `parent`, `dependencies`,
`property_dependencies`, `protect`, `provider`. Start-up (one Python interpreter importing the pack)
dominates the cost, so keep one client per process and reuse it: `configure()` may be called again
to switch to another stack's config.

Facts this relies on (read from pulumi/pulumi and pulumi/pulumi-policy):
- The Python policy SDK never dials the engine address it is given: `pulumi.policy.__main__`
  only configures the runtime from environment variables, so no Engine service is needed and the
  address passed is a placeholder.
- The pack answers `Handshake` with UNIMPLEMENTED, which the engine treats as an old plugin.
- A policy that touches an unknown preview value makes the SDK emit an *advisory* diagnostic
  "can't run policy ... during preview" instead of the policy's own verdict.
"""

from __future__ import annotations

import atexit
import contextlib
import difflib
import json
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.output import Unknown
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PACK_DIR = REPO_ROOT / "policies"
CONFIG_DIR = DEFAULT_PACK_DIR / "config"
ENFORCEMENT_LEVELS = ("advisory", "mandatory", "remediate", "disabled")
# The value the engine sends for any property that is unknown during preview.
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
# Placeholder engine address: the Python policy SDK never dials it (see module docstring).
_ENGINE_ADDRESS = "127.0.0.1:0"
_STDERR_TAIL_LINES = 40


class PolicyClientError(RuntimeError):
    """The pack could not be started, configured or called; the message says what and how to fix."""


class PolicyConfigError(PolicyClientError):
    """A policy pack config file (or dict) is not valid for this pack."""


@dataclass(frozen=True)
class Violation:
    policy: str
    enforcement: str  # one of ENFORCEMENT_LEVELS
    message: str  # what the policy said (the pack's description line stripped off)
    urn: str  # the resource's URN; "" for a stack-wide violation
    description: str  # the policy's one-line description
    pack: str = ""
    severity: str = ""

    @property
    def mandatory(self) -> bool:
        return self.enforcement in ("mandatory", "remediate")


@dataclass(frozen=True)
class PolicyReport:
    violations: tuple[Violation, ...]

    @property
    def mandatory(self) -> tuple[Violation, ...]:
        return tuple(v for v in self.violations if v.mandatory)

    @property
    def advisory(self) -> tuple[Violation, ...]:
        return tuple(v for v in self.violations if not v.mandatory)

    @property
    def passed(self) -> bool:
        return not self.mandatory


@dataclass(frozen=True)
class PolicyInfo:
    name: str
    description: str
    enforcement: str
    config_schema: dict = field(default_factory=dict)  # {"properties": {...}, "required": [...]}
    kind: str = "resource"  # "resource" or "stack"


@dataclass(frozen=True)
class Resource:
    """A resource as the engine describes it to an analyzer (same fields as mockrun's)."""

    urn: str
    type: str
    name: str
    inputs: Mapping[str, Any] = field(default_factory=dict)
    outputs: Mapping[str, Any] | None = None  # None: same as inputs (a preview of a new resource)
    parent: str | None = None
    dependencies: tuple[str, ...] = ()
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    protect: bool = False
    provider: str | None = None
    custom: bool = True
    provider_inputs: Mapping[str, Any] | None = None  # the provider's inputs (aws:region, ...)


def load_pack_config(
    source: Path | Mapping[str, Any], *, expected: Iterable[str] | None = None
) -> dict[str, dict[str, Any]]:
    """Parse a `--policy-pack-config` file (or dict) into {policy: {"enforcementLevel"?, **props}}.

    Same rules as the engine: a value is an enforcement level string or an object whose optional
    `enforcementLevel` is one; the `environments` key (Pulumi ESC references) is not policy config.

    Stricter than the engine where it would fail open: an empty file, a key given twice, and
    (with `expected`, the pack's policy names) a policy the file does not mention are errors, so
    emptying or trimming the file cannot turn mandatory policies advisory without a word.
    """
    where = str(source) if isinstance(source, Path) else "policy pack config"
    raw = _read_config_file(source) if isinstance(source, Path) else dict(source)
    if not isinstance(raw, dict):
        raise PolicyConfigError(f"{where}: top level must be a JSON object of policy names")
    result: dict[str, dict[str, Any]] = {}
    for name, value in raw.items():
        if name == "environments":
            _check_environments(where, value)
            continue
        if isinstance(value, str):
            entry: dict[str, Any] = {"enforcementLevel": value}
        elif isinstance(value, dict):
            entry = dict(value)
        else:
            raise PolicyConfigError(
                f"{where}: {name!r} must be an enforcement level string or an object, got "
                f"{json.dumps(value)}"
            )
        level = entry.get("enforcementLevel")
        if level is not None and level not in ENFORCEMENT_LEVELS:
            close = difflib.get_close_matches(str(level).lower(), ENFORCEMENT_LEVELS, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise PolicyConfigError(
                f"{where}: {name}.enforcementLevel is {level!r}, not an enforcement "
                f"level; {hint}use one of {', '.join(ENFORCEMENT_LEVELS)}"
            )
        if name == "all" and set(entry) - {"enforcementLevel"}:
            raise PolicyConfigError(
                f'{where}: "all" takes only enforcementLevel (the engine ignores its other '
                f"keys: {', '.join(sorted(set(entry) - {'enforcementLevel'}))}); set them on "
                "the policies they belong to"
            )
        result[name] = entry
    if expected is not None and "enforcementLevel" not in result.get("all", {}):
        # The engine drops an entry without a level ({} or only properties): that policy runs
        # at the pack's default, which is what trimming the file must not do silently.
        missing = sorted(p for p in expected if "enforcementLevel" not in result.get(p, {}))
        if missing:
            raise PolicyConfigError(
                f"{where}: sets no enforcement level for {', '.join(missing)}; a policy without "
                "one would silently fall back to the pack's default. Give every policy of the "
                'pack an "enforcementLevel" (or set "all")'
            )
    return result


def _check_environments(where: str, value: Any) -> None:
    # parsePolicyPackConfig (pkg/resource/analyzer/config.go) takes a list of ESC names; the
    # engine turns them into environment variables of the pack process, not policy config.
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PolicyConfigError(
            f'{where}: "environments" must be an array of strings (ESC environment names), '
            f"got {json.dumps(value)}"
        )


def _not_json_constant(source: Path) -> Any:
    def refuse(name: str) -> Any:
        # Go's encoding/json (the Pulumi CLI reads this file) has no NaN or Infinity.
        raise PolicyConfigError(f"{source}: {name} is not JSON; write a number")

    return refuse


def _read_config_file(source: Path) -> Any:
    try:
        text = source.read_bytes().decode("utf-8")
    except FileNotFoundError:
        shipped = sorted(p.name for p in CONFIG_DIR.glob("*.json"))
        raise PolicyConfigError(f"{source}: file not found; shipped configs: {shipped}") from None
    except UnicodeDecodeError as e:
        raise PolicyConfigError(
            f"{source}: is not UTF-8 (byte offset {e.start}); save it as UTF-8 JSON"
        ) from None
    except OSError as e:
        raise PolicyConfigError(f"{source}: cannot be read ({e.strerror or e})") from None
    if not text.strip():
        raise PolicyConfigError(
            f"{source}: is empty; an empty config would leave every policy at the pack's "
            "default enforcement. Restore it (git checkout) or name each policy's level"
        )

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for key, value in pairs:
            if key in seen:
                raise PolicyConfigError(f"{source}: key {key!r} appears twice; keep one")
            seen[key] = value
        return seen

    try:
        return json.loads(
            text, object_pairs_hook=no_duplicates, parse_constant=_not_json_constant(source)
        )
    except json.JSONDecodeError as e:
        raise PolicyConfigError(f"{source}: not valid JSON ({e}); fix the file") from None


def reconcile_config(
    policies: Mapping[str, PolicyInfo], config: Mapping[str, Mapping[str, Any]], *, where: str = ""
) -> dict[str, tuple[str, dict[str, Any]]]:
    """Defaults from each schema, then `all`, then per-policy config, validated like the engine.

    Unlike the engine we also reject policy names the pack does not have: a typo in a config file
    would otherwise silently leave the policy at its default.
    """
    prefix = f"{where}: " if where else ""
    unknown = sorted(set(config) - set(policies) - {"all"})
    if unknown:
        hints = [
            f"{name} (did you mean {close[0]}?)" if close else name
            for name in unknown
            for close in [difflib.get_close_matches(name, list(policies), n=1)]
        ]
        raise PolicyConfigError(
            f"{prefix}no policy named {', '.join(hints)} in the pack; "
            f"known: {', '.join(sorted(policies))}"
        )
    strays = []
    for name, given in config.items():
        known = (policies[name].config_schema.get("properties") or {}) if name in policies else {}
        for key in sorted(set(given) - set(known) - {"enforcementLevel"}):
            if name == "all":
                continue
            close = difflib.get_close_matches(key, list(known), n=1)
            hint = (
                f"did you mean {close[0]!r}?"
                if close
                else (f"{name} takes {', '.join(sorted(known))}" if known else f"{name} takes none")
            )
            strays.append(f"{name}.{key} is not a setting of the policy; {hint}")
    if strays:
        # The engine ignores unknown keys; a misspelt threshold would silently keep the default.
        raise PolicyConfigError(f"{prefix}" + "; ".join(strays))
    result: dict[str, tuple[str, dict[str, Any]]] = {}
    all_level = config.get("all", {}).get("enforcementLevel")
    errors: list[str] = []
    for name, info in policies.items():
        schema_props = info.config_schema.get("properties", {})
        props = {k: v["default"] for k, v in schema_props.items() if "default" in v}
        level = all_level or info.enforcement
        given = dict(config.get(name, {}))
        level = given.pop("enforcementLevel", None) or level
        props.update(given)
        schema = {"type": "object", "properties": schema_props}
        if info.config_schema.get("required"):
            schema["required"] = list(info.config_schema["required"])
        validator = _draft7_validator(schema)
        for err in sorted(validator.iter_errors(props), key=lambda e: list(e.absolute_path)):
            key = ".".join(str(p) for p in err.absolute_path)
            hint = ""
            if err.validator == "type" and isinstance(err.instance, str):
                from modules.config import shown

                hint = f" ({shown(err.instance)})"
            errors.append(f"{name}{'.' + key if key else ''}: {err.message}{hint}")
        result[name] = (level, props)
    if errors:
        raise PolicyConfigError(f"{prefix}invalid policy config: " + "; ".join(errors))
    return result


def _wire(value: Any) -> Any:
    """Python values as the engine marshals them: unknowns become the unknown sentinel."""
    if isinstance(value, Mapping):
        return {str(k): _wire(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_wire(v) for v in value]
    if isinstance(value, Unknown):  # how the SDK deserializes unknowns during preview
        return UNKNOWN
    return value


def _struct(values: Mapping[str, Any], what: str) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    try:
        s.update(_wire(values))
    except (ValueError, TypeError) as e:
        raise PolicyClientError(f"{what}: properties are not JSON-like ({e})") from None
    return s


def _provider(
    ref: str | None, inputs: Mapping[str, Any] | None = None
) -> analyzer_pb2.AnalyzerProviderResource | None:
    # Provider references are "<provider urn>::<id>"; a URN's last "::" part is the name and the
    # one before it the (possibly parent-qualified) type.
    if not ref:
        return None
    urn = ref.rsplit("::", 1)[0] if ref.count("::") > 3 else ref
    parts = urn.split("::")
    return analyzer_pb2.AnalyzerProviderResource(
        type=parts[-2].split("$")[-1] if len(parts) >= 2 else "",
        urn=urn,
        name=parts[-1],
        properties=_struct(inputs or {}, urn),
    )


def _options(res: Any) -> analyzer_pb2.AnalyzerResourceOptions:
    return analyzer_pb2.AnalyzerResourceOptions(
        protect=bool(getattr(res, "protect", False)), parent=getattr(res, "parent", None) or ""
    )


class PolicyClient:
    """One running policy pack process; a context manager. See the module docstring."""

    def __init__(
        self,
        pack_dir: Path = DEFAULT_PACK_DIR,
        *,
        config: Path | Mapping[str, Any] | None = None,
        stack: str | None = None,
        project: str = "mlsched",
        organization: str = "organization",
        dry_run: bool = True,
        python: str = sys.executable,
        env: Mapping[str, str] | None = None,
        start_timeout: float = 60.0,
        call_timeout: float = 60.0,
    ) -> None:
        self.pack_dir = Path(pack_dir).resolve()
        if stack is None and isinstance(config, Path):
            stack = config.stem
        self.stack = stack or "dev"
        self.project = project
        self.organization = organization
        self.dry_run = dry_run
        self.python = python
        self.extra_env = dict(env or {})
        self.start_timeout = start_timeout
        self.call_timeout = call_timeout
        self._initial_config = config
        self._proc: subprocess.Popen[bytes] | None = None
        self._channel: grpc.Channel | None = None
        self._stub: analyzer_pb2_grpc.AnalyzerStub | None = None
        self._stderr: deque[str] = deque(maxlen=_STDERR_TAIL_LINES)
        self._threads: list[threading.Thread] = []
        self.policies: dict[str, PolicyInfo] = {}
        self.pack_name = ""
        self.pack_version = ""
        self.effective_config: dict[str, tuple[str, dict[str, Any]]] = {}

    # lifecycle -------------------------------------------------------------------------------
    def __enter__(self) -> PolicyClient:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self, process: subprocess.Popen[bytes] | None = None) -> PolicyClient:
        """Start the pack, or adopt `process`, one `tools.pack_process.spawn` started earlier
        for this pack (so its start-up overlapped the caller's imports)."""
        if self._proc is not None:
            return self
        if not (self.pack_dir / "PulumiPolicy.yaml").is_file():
            if process is not None:
                process.kill()
            raise PolicyClientError(f"{self.pack_dir} is not a policy pack (no PulumiPolicy.yaml)")
        from tools.pack_process import spawn

        self._proc = process or spawn(
            self.pack_dir,
            stack=self.stack,
            project=self.project,
            organization=self.organization,
            dry_run=self.dry_run,
            python=self.python,
            env=self.extra_env,
        )
        # Outside its own process group the pack no longer dies with the terminal: make sure it
        # dies with us whatever way the caller exits (exception, Ctrl-C, forgotten close()).
        atexit.register(self.close)
        try:
            port = self._read_port()
            self._channel = grpc.insecure_channel(
                f"127.0.0.1:{port}", options=[("grpc.max_receive_message_length", 400 << 20)]
            )
            grpc.channel_ready_future(self._channel).result(timeout=self.start_timeout)
            self._stub = analyzer_pb2_grpc.AnalyzerStub(self._channel)
            self._handshake()
            self._configure_stack()
            self._load_info()
            if self._initial_config is not None:
                self.configure(self._initial_config)
        except BaseException:
            self.close()
            raise
        return self

    def _read_port(self) -> int:
        proc = self._proc
        assert proc is not None
        stdout, stderr = proc.stdout, proc.stderr
        assert stdout is not None
        assert stderr is not None
        first: list[str] = []
        got_line = threading.Event()

        def pump_stdout() -> None:
            for i, raw in enumerate(iter(stdout.readline, b"")):
                line = raw.decode(errors="replace").rstrip("\n")
                if i == 0:
                    first.append(line)
                    got_line.set()
                else:
                    self._stderr.append(line)
            got_line.set()

        def pump_stderr() -> None:
            for raw in iter(stderr.readline, b""):
                self._stderr.append(raw.decode(errors="replace").rstrip("\n"))

        for fn in (pump_stdout, pump_stderr):
            t = threading.Thread(target=fn, daemon=True, name=f"policy-pack-{fn.__name__}")
            t.start()
            self._threads.append(t)
        if not got_line.wait(self.start_timeout):
            raise PolicyClientError(
                f"policy pack {self.pack_dir} printed no port within {self.start_timeout:g}s"
                + self._tail()
            )
        if not first or not first[0].strip().isdigit():
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(2)
            self._join_pumps()
            raise PolicyClientError(
                f"policy pack {self.pack_dir} failed to start (exit code {self._proc.poll()}, "
                f"first stdout line {first[0] if first else ''!r})" + self._tail()
            )
        return int(first[0].strip())

    def _join_pumps(self) -> None:
        for t in self._threads:
            t.join(timeout=2)
        self._threads = [t for t in self._threads if t.is_alive()]

    def _tail(self) -> str:
        lines = [line for line in self._stderr if line.strip()]
        return ("; pack output:\n" + "\n".join(lines)) if lines else ""

    def close(self) -> None:
        """Stop the pack: SIGINT (the SDK stops its server on KeyboardInterrupt), then SIGKILL."""
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        proc, self._proc = self._proc, None
        self._stub = None
        if proc is None:
            return
        atexit.unregister(self.close)
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                proc.wait(timeout=5)
        self._join_pumps()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()

    # protocol --------------------------------------------------------------------------------
    def _call(self, method: str, request: Any, what: str) -> Any:
        if self._stub is None:
            raise PolicyClientError(
                f"{what}: the policy pack is not running; use `with PolicyClient(...)`"
            )
        try:
            return getattr(self._stub, method)(request, timeout=self.call_timeout)
        except grpc.RpcError as e:
            code = e.code() if hasattr(e, "code") else None
            if code == grpc.StatusCode.DEADLINE_EXCEEDED:
                msg = f"{what}: the policy pack did not answer within {self.call_timeout:g}s"
            elif self._proc is not None and self._proc.poll() is not None:
                msg = f"{what}: the policy pack exited with code {self._proc.returncode}"
            else:
                detail = e.details() if hasattr(e, "details") else str(e)
                msg = f"{what}: the policy pack failed ({code}: {detail})"
            raise PolicyClientError(msg + self._tail()) from None

    def _handshake(self) -> None:
        # The engine's first call; packs built on pulumi-policy answer UNIMPLEMENTED, which the
        # engine (and we) take as "an older plugin" and carry on.
        request = analyzer_pb2.AnalyzerHandshakeRequest(
            engine_address=_ENGINE_ADDRESS,
            root_directory=str(self.pack_dir),
            program_directory=str(self.pack_dir),
        )
        assert self._stub is not None
        try:
            self._stub.Handshake(request, timeout=self.call_timeout)
        except grpc.RpcError as e:
            if e.code() != grpc.StatusCode.UNIMPLEMENTED:  # type: ignore[attr-defined]
                raise PolicyClientError(f"Handshake: the policy pack failed ({e})") from None

    def _configure_stack(self) -> None:
        self._call(
            "ConfigureStack",
            analyzer_pb2.AnalyzerStackConfigureRequest(
                stack=self.stack,
                project=self.project,
                organization=self.organization,
                dry_run=self.dry_run,
            ),
            "ConfigureStack",
        )

    def _load_info(self) -> None:
        info = self._call("GetAnalyzerInfo", empty_pb2.Empty(), "GetAnalyzerInfo")
        self.pack_name, self.pack_version = info.name, info.version
        self.policies = {}
        for p in info.policies:
            schema = json_format.MessageToDict(p.configSchema) if p.HasField("configSchema") else {}
            self.policies[p.name] = PolicyInfo(
                name=p.name,
                description=p.description,
                enforcement=analyzer_pb2.EnforcementLevel.Name(p.enforcementLevel).lower(),
                config_schema=schema,
                kind="stack" if p.policy_type == analyzer_pb2.POLICY_TYPE_STACK else "resource",
            )

    def configure(self, config: Path | Mapping[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
        """Send `Configure` with this config reconciled against the pack's schemas; returns it."""
        where = str(config) if isinstance(config, Path) else "policy pack config"
        expected = self.policies if isinstance(config, Path) else None
        reconciled = reconcile_config(
            self.policies, load_pack_config(config, expected=expected), where=where
        )
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, (level, props) in reconciled.items():
            entry = request.policyConfig[name]
            entry.enforcementLevel = analyzer_pb2.EnforcementLevel.Value(level.upper())
            entry.properties.CopyFrom(_struct(props, f"config of {name}"))
        self._call("Configure", request, f"Configure({where})")
        self.effective_config = reconciled
        return reconciled

    def _violations(self, response: Any, default_urn: str) -> tuple[Violation, ...]:
        out = []
        for d in response.diagnostics:
            message = d.message
            if d.description and message.startswith(d.description):
                message = message[len(d.description) :].lstrip("\n")
            out.append(
                Violation(
                    policy=d.policyName,
                    enforcement=analyzer_pb2.EnforcementLevel.Name(d.enforcementLevel).lower(),
                    message=message,
                    urn=d.urn or default_urn,
                    description=d.description,
                    pack=d.policyPackName,
                    severity=analyzer_pb2.PolicySeverity.Name(d.severity)
                    .removeprefix("POLICY_SEVERITY_")
                    .lower()
                    .replace("unspecified", ""),
                )
            )
        return tuple(out)

    def analyze(self, res: Any) -> tuple[Violation, ...]:
        """`Analyze` one resource (its inputs), as the engine does before each step."""
        request = analyzer_pb2.AnalyzeRequest(
            urn=res.urn,
            type=res.type,
            name=res.name,
            properties=_struct(res.inputs or {}, res.urn),
            options=_options(res),
            provider=_provider(
                getattr(res, "provider", None), getattr(res, "provider_inputs", None)
            ),
        )
        return self._violations(self._call("Analyze", request, f"Analyze({res.urn})"), res.urn)

    def analyze_stack(self, resources: Iterable[Any]) -> tuple[Violation, ...]:
        """`AnalyzeStack` over the set (each resource's outputs), as the engine does at the end."""
        request = analyzer_pb2.AnalyzeStackRequest()
        for res in resources:
            outputs = getattr(res, "outputs", None)
            props = outputs if outputs else (res.inputs or {})
            item = request.resources.add(
                urn=res.urn,
                type=res.type,
                name=res.name,
                properties=_struct(props, res.urn),
                options=_options(res),
                parent=getattr(res, "parent", None) or "",
                dependencies=list(getattr(res, "dependencies", ()) or ()),
            )
            provider = _provider(
                getattr(res, "provider", None), getattr(res, "provider_inputs", None)
            )
            if provider is not None:
                item.provider.CopyFrom(provider)
            for key, urns in (getattr(res, "property_dependencies", None) or {}).items():
                if urns:
                    item.propertyDependencies[key].urns.extend(urns)
        return self._violations(self._call("AnalyzeStack", request, "AnalyzeStack"), "")

    def check(self, resources: Iterable[Any]) -> PolicyReport:
        """Analyze every resource (components too, as the step generator does), then
        AnalyzeStack over all of them."""
        resources = list(resources)
        found: list[Violation] = []
        for res in resources:
            found.extend(self.analyze(res))
        found.extend(self.analyze_stack(resources))
        return PolicyReport(tuple(found))


def _main(argv: list[str] | None = None) -> int:
    """`python -m tools.policy_client STACK RESOURCES.json`: print violations, 1 if mandatory."""
    import argparse

    parser = argparse.ArgumentParser(description=_main.__doc__)
    parser.add_argument("stack", help="stack whose policies/config/<stack>.json to use")
    parser.add_argument("resources", type=Path, help="JSON list of resources (Resource fields)")
    parser.add_argument("--pack", type=Path, default=DEFAULT_PACK_DIR, help="policy pack folder")
    args = parser.parse_args(argv)
    try:
        items = json.loads(args.resources.read_text(encoding="utf-8"))
        resources = [
            Resource(**{**r, "dependencies": tuple(r.get("dependencies", ()))}) for r in items
        ]
        start = time.monotonic()
        config = args.pack / "config" / f"{args.stack}.json"
        with PolicyClient(args.pack, config=config) as client:
            report = client.check(resources)
    except (OSError, ValueError, TypeError, PolicyClientError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for v in report.violations:
        print(f"[{v.enforcement}] {v.policy} {v.urn or '(stack)'}\n    {v.message}")
    print(
        f"{len(report.mandatory)} mandatory, {len(report.advisory)} advisory "
        f"({time.monotonic() - start:.2f}s)"
    )
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(_main())


def _draft7_validator(schema: dict[str, Any]) -> Any:
    # Imported on first use: jsonschema costs about 0.1 s, on the offline plan's critical path.
    import jsonschema

    return jsonschema.Draft7Validator(schema)
