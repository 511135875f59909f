"""Run a stack program under Pulumi's mock runtime, the way `pulumi preview` would run it.

The real program (`stacks/<stack>/__main__.py`) runs with the real `Pulumi.<stack>.yaml` config,
inside `pulumi.runtime.run_in_stack` like the Python language host does, against a mock resource
monitor that records every RegisterResource request in full (parent, protect, dependencies,
property dependencies, custom flag, provider), component resources and the stack included. The
result carries everything the policy analyzer protocol and the offline plan need.

Each run gets a fresh `contextvars.Context` (all Pulumi runtime settings, the config and the root
stack resource are context variables) and its own event loop, so runs do not leak into each other
and can be repeated many times in one process.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import json
import logging
import runpy
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from google.protobuf import empty_pb2
from pulumi import RunError
from pulumi.runtime import resource as sdk_resource
from pulumi.runtime import rpc, run_in_stack, set_all_config
from pulumi.runtime.mocks import MockCallArgs, MockEngine, MockMonitor, MockResourceArgs, Mocks
from pulumi.runtime.proto import engine_pb2, resource_pb2, source_pb2
from pulumi.runtime.settings import Settings, configure
from pulumi.runtime.sync_await import _sync_await

from modules.runtime_config import PINNED_REFERENCE
from modules.stackfile import StackFile, StackFileError, read_project, read_stack
from tools import mock_azure

STACK_TYPE = "pulumi:pulumi:Stack"
MOCK_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"

_LOG = logging.getLogger("mlsched.mockrun")


@dataclass(frozen=True)
class CapturedResource:
    """One RegisterResource request (and the mock's answer), as the engine would have seen it."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str | None
    inputs: dict
    outputs: dict
    protect: bool
    provider: str | None
    dependencies: tuple[str, ...]
    property_dependencies: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class StackRun:
    project: str
    stack: str
    resources: tuple[CapturedResource, ...]
    outputs: dict
    warnings: tuple[str, ...] = ()
    """What the program logged with pulumi.log.warn (the CLI shows these in the preview)."""

    def by_urn(self) -> dict[str, CapturedResource]:
        return {r.urn: r for r in self.resources}

    def of_type(self, type_: str) -> tuple[CapturedResource, ...]:
        return tuple(r for r in self.resources if r.type == type_)

    def named(self, name: str) -> CapturedResource:
        """The one resource with this logical name; KeyError naming the known names otherwise."""
        found = [r for r in self.resources if r.name == name]
        if len(found) != 1:
            known = sorted(r.name for r in self.resources)
            raise KeyError(f"{len(found)} resources named {name!r}; known names: {known}")
        return found[0]


def partition_for(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


class StackMocks(Mocks):
    """Answers invokes and fabricates provider outputs the way AWS would shape them.

    Physical names follow Pulumi's auto-naming (`<logical name>-<7 hex>`), derived from the
    logical name so that repeated runs produce identical plans.
    """

    def __init__(self, region: str, account: str = MOCK_ACCOUNT) -> None:
        self.region = region
        self.account = account
        self.partition = partition_for(region)

    def call(self, args: MockCallArgs) -> dict:
        if args.token == "aws:index/getPartition:getPartition":
            suffix = "amazonaws.com.cn" if self.partition == "aws-cn" else "amazonaws.com"
            return {
                "id": self.partition,
                "partition": self.partition,
                "dnsSuffix": suffix,
                "reverseDnsPrefix": ".".join(reversed(suffix.split("."))),
            }
        if args.token == "aws:index/getRegion:getRegion":
            return {
                "id": self.region,
                "name": self.region,
                "region": self.region,
                "description": self.region,
                "endpoint": f"ec2.{self.region}.amazonaws.com",
            }
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "id": self.account,
                "accountId": self.account,
                "arn": f"arn:{self.partition}:iam::{self.account}:user/mockrun",
                "userId": "AIDAMOCKRUN",
            }
        if mock_azure.handles(args.token):
            return mock_azure.call(args)
        raise NotImplementedError(f"mockrun has no answer for invoke {args.token}; add one")

    def new_resource(self, args: MockResourceArgs) -> tuple[str, dict]:
        inputs = dict(args.inputs)
        if not args.custom:
            return "", {}
        if mock_azure.handles(args.typ):
            return mock_azure.new_resource(args, _autoname(args.name))
        name = inputs.get("name") or _autoname(args.name)
        arn_prefix = f"arn:{self.partition}"
        where = f"{self.region}:{self.account}"
        typ = args.typ
        if typ == "aws:iam/role:Role":
            inputs.update(name=name, arn=f"{arn_prefix}:iam::{self.account}:role/{name}")
            inputs.setdefault("uniqueId", "AROAMOCK" + _digest(name, 12).upper())
            return name, inputs
        if typ == "aws:iam/rolePolicy:RolePolicy":
            inputs["name"] = name
            return f"{inputs.get('role', '')}:{name}", inputs
        if typ == "aws:sqs/queue:Queue":
            url = f"https://sqs.{self.region}.amazonaws.com/{self.account}/{name}"
            inputs.update(name=name, arn=f"{arn_prefix}:sqs:{where}:{name}", url=url)
            return url, inputs
        if typ == "aws:sqs/queuePolicy:QueuePolicy":
            return str(inputs.get("queueUrl", name)), inputs
        if typ == "aws:scheduler/schedule:Schedule":
            group = inputs.get("groupName") or "default"
            inputs.update(
                name=name,
                groupName=group,
                arn=f"{arn_prefix}:scheduler:{where}:schedule/{group}/{name}",
            )
            return f"{group}/{name}", inputs
        if typ == "aws:cloudwatch/eventRule:EventRule":
            inputs.update(name=name, arn=f"{arn_prefix}:events:{where}:rule/{name}")
            return name, inputs
        if typ == "aws:cloudwatch/eventTarget:EventTarget":
            target_id = inputs.get("targetId") or _autoname(args.name)
            inputs["targetId"] = target_id
            return f"{inputs.get('rule', '')}-{target_id}", inputs
        if typ == "aws:cloudwatch/metricAlarm:MetricAlarm":
            inputs.update(name=name, arn=f"{arn_prefix}:cloudwatch:{where}:alarm:{name}")
            return name, inputs
        if typ == "aws-native:sagemaker:Pipeline":
            # The CloudFormation resource's primary identifier is the pipeline name; it has no
            # ARN attribute, which is why the component builds the ARN itself.
            return str(inputs.get("pipelineName") or name), inputs
        if typ.startswith("gcp:"):
            return _gcp_resource(typ, args.name, inputs)
        return f"{args.name}-id", inputs


def _gcp_resource(typ: str, logical_name: str, inputs: dict) -> tuple[str, dict]:
    """Shape provider outputs the way the Google provider returns them (resource names, emails)."""
    project = str(inputs.get("project") or "mock-project")
    if typ == "gcp:serviceaccount/account:Account":
        email = f"{inputs.get('accountId')}@{project}.iam.gserviceaccount.com"
        name = f"projects/{project}/serviceAccounts/{email}"
        inputs.update(
            email=email, name=name, member=f"serviceAccount:{email}", uniqueId=_digest(email, 21)
        )
        return name, inputs
    if typ == "gcp:projects/service:Service":
        return f"{project}/{inputs.get('service')}", inputs
    if typ == "gcp:colab/schedule:Schedule":
        schedule_id = _digest(logical_name, 19)
        name = f"projects/{project}/locations/{inputs.get('location')}/schedules/{schedule_id}"
        inputs.update(name=name, state=inputs.get("desiredState") or "ACTIVE")
        return name, inputs
    if typ == "gcp:dataflow/pipeline:Pipeline":
        return (
            f"projects/{project}/locations/{inputs.get('region')}/pipelines/{inputs['name']}",
            inputs,
        )
    if typ == "gcp:cloudscheduler/job:Job":
        job = inputs.get("name") or _autoname(logical_name)
        inputs["name"] = job
        return f"projects/{project}/locations/{inputs.get('region')}/jobs/{job}", inputs
    if typ == "gcp:monitoring/alertPolicy:AlertPolicy":
        name = f"projects/{project}/alertPolicies/{int(_digest(logical_name, 12), 16)}"
        inputs["name"] = name
        return name, inputs
    inputs.setdefault("etag", "BwY" + _digest(logical_name, 9))
    return f"{logical_name}-id", inputs


def _digest(text: str, length: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def _autoname(logical_name: str) -> str:
    return f"{logical_name}-{_digest(logical_name, 7)}"


def _from_request(urn: str, request: Any, inputs: dict, outputs: dict) -> CapturedResource:
    # Extract the fields right away so the (large) protobuf request is not kept alive.
    return CapturedResource(
        urn=urn,
        type=request.type,
        name=request.name,
        custom=bool(request.custom),
        parent=request.parent or None,
        inputs=inputs,
        outputs=outputs,
        protect=bool(request.protect) if request.HasField("protect") else False,
        provider=request.provider or None,
        dependencies=tuple(request.dependencies),
        property_dependencies={
            key: tuple(deps.urns) for key, deps in request.propertyDependencies.items()
        },
    )


class CapturingMonitor(MockMonitor):
    """A MockMonitor that keeps every RegisterResource request and the stack's outputs."""

    def __init__(self, mocks: Mocks) -> None:
        super().__init__(mocks)
        self._lock = threading.Lock()
        self.registrations: list[CapturedResource] = []
        self.component_outputs: dict[str, dict] = {}
        self.stack_urn: str | None = None

    def RegisterResource(self, request: Any) -> Any:
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == STACK_TYPE:
            with self._lock:
                self.stack_urn = urn
                self.registrations.append(_from_request(urn, request, {}, {}))
            return resource_pb2.RegisterResourceResponse(urn=urn)
        inputs = rpc.deserialize_properties(request.object)
        args = MockResourceArgs(
            typ=request.type,
            name=request.name,
            inputs=inputs,
            provider=request.provider,
            resource_id=request.importId,
            custom=request.custom or False,
        )
        id_, state = self.mocks.new_resource(args)
        obj_proto = _sync_await(rpc.serialize_properties(state, {}))
        with self._lock:
            self.resources[urn] = MockMonitor.ResourceRegistration(urn, id_, state)
            self.registrations.append(_from_request(urn, request, inputs, state))
        return resource_pb2.RegisterResourceResponse(urn=urn, id=id_, object=obj_proto)

    def RegisterResourceOutputs(self, request: Any) -> Any:
        outputs = rpc.deserialize_properties(request.outputs)
        with self._lock:
            self.component_outputs[request.urn] = outputs
        return empty_pb2.Empty()

    def captured(self) -> tuple[CapturedResource, ...]:
        """Every registration, parents before children and siblings by URN.

        Registrations arrive from a thread pool in no fixed order; a stable order keeps plans
        and reports identical from run to run.
        """
        result = [self._capture(reg) for reg in self.registrations]
        known = {resource.urn for resource in result}
        children: dict[str | None, list[CapturedResource]] = {}
        for resource in result:
            parent = resource.parent if resource.parent in known else None
            children.setdefault(parent, []).append(resource)
        ordered: list[CapturedResource] = []
        stack = sorted(children.get(None, []), key=lambda r: r.urn, reverse=True)
        while stack:
            resource = stack.pop()
            ordered.append(resource)
            stack.extend(sorted(children.get(resource.urn, []), key=lambda r: r.urn, reverse=True))
        return tuple(ordered)

    def _capture(self, resource: CapturedResource) -> CapturedResource:
        if resource.custom:
            return resource
        # Components (and the stack) get their outputs from RegisterResourceOutputs.
        return replace(resource, outputs=dict(self.component_outputs.get(resource.urn, {})))


def read_project_name(stack_dir: Path) -> str:
    """`name:` of Pulumi.yaml, read and checked the way the Pulumi CLI reads it."""
    from modules.config import ConfigError

    try:
        return read_project(stack_dir).name
    except StackFileError as error:
        raise ConfigError(f"project file {error}") from None


def read_stack_config(stack_dir: Path, stack: str, project: str) -> dict[str, str]:
    """`config:` of Pulumi.<stack>.yaml as the CLI hands it to the program: namespaced keys,
    each value the text the CLI would pass (structured values as JSON)."""

    return _read_stack_file(stack_dir, stack, project).wire()


def _read_stack_file(stack_dir: Path, stack: str, project: str) -> StackFile:
    from modules.config import ConfigError

    path = stack_dir / f"Pulumi.{stack}.yaml"
    if not path.exists():
        raise ConfigError(f"stack {stack!r}: {path} does not exist; create it with a `config:` map")
    try:
        return read_stack(stack_dir, stack, project)
    except StackFileError as error:
        raise ConfigError(f"stack {stack!r}: {error}") from None


def _namespaced(config: dict[str, Any], project: str) -> dict[str, Any]:
    return {(key if ":" in key else f"{project}:{key}"): value for key, value in config.items()}


def _wire_value(value: Any) -> str:
    # The CLI hands every config value to the program as a string; structured values as JSON.
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime, date)):
        return _json_default(value)
    return json.dumps(value, default=_json_default)


def _json_default(value: Any) -> str:
    # Overrides given as Python values (tests): hand datetimes over as ISO text.
    if isinstance(value, (datetime, date)):
        return value.isoformat().replace("+00:00", "Z")
    raise TypeError(f"config value {value!r} cannot be passed to a Pulumi program")


def run_stack(
    stack_dir: Path,
    stack: str,
    *,
    config: dict | None = None,
    reference: datetime | None = None,
) -> StackRun:
    """Run `stack_dir/__main__.py` under mocks with `Pulumi.<stack>.yaml` config.

    `config` entries (namespaced `mlsched:key` or bare `key`) override the file's entries.
    `reference` pins the instant the program judges schedules against (the plan's --at).
    Raises `modules.config.ConfigError` when the program rejects its config.
    """
    stack_dir = Path(stack_dir).resolve()
    project = read_project_name(stack_dir)
    stack_file = _read_stack_file(stack_dir, stack, project)
    merged = stack_file.wire()
    merged.update(_namespaced(config or {}, project))
    program = str(stack_dir / "__main__.py")
    run = run_program(
        lambda: runpy.run_path(program, run_name="__main__"),
        project=project,
        stack=stack,
        config=merged,
        root_directory=stack_dir,
        reference=reference,
    )
    # What the stack file sets that the offline run cannot read (ESC environments).
    return replace(run, warnings=(*stack_file.notes, *run.warnings)) if stack_file.notes else run


def run_program(
    program: Callable[[], object],
    *,
    project: str = "mlsched",
    stack: str = "test",
    config: dict[str, Any] | None = None,
    root_directory: Path | None = None,
    reference: datetime | None = None,
) -> StackRun:
    """Run `program` (any callable that declares resources) the way `run_stack` runs a file.

    `config` is keyed like the CLI's (`aws:region`, `mlsched:pipelines`); values may be
    structured, they are handed over as the CLI would (JSON text).
    """
    merged = _namespaced(config or {}, project)
    region = str(merged.get("aws:region") or DEFAULT_REGION)
    wire = {key: _wire_value(value) for key, value in merged.items()}
    context = contextvars.Context()
    if reference is not None:
        context.run(PINNED_REFERENCE.set, reference)
    return context.run(
        _run_isolated,
        program,
        project=project,
        stack=stack,
        config=wire,
        mocks=StackMocks(region),
        root_directory=root_directory or Path.cwd(),
    )


def _run_isolated(
    program: Callable[[], object],
    *,
    project: str,
    stack: str,
    config: dict[str, str],
    mocks: StackMocks,
    root_directory: Path,
) -> StackRun:
    monitor = CapturingMonitor(mocks)
    engine = CapturingEngine(_LOG)
    settings = Settings(
        project=project,
        stack=stack,
        monitor=monitor,
        engine=engine,
        dry_run=True,
        organization="organization",
        root_directory=str(root_directory),
    )
    settings.monitor_features = set(monitor.GetDeploymentInfo(empty_pb2.Empty()).supportedFeatures)
    configure(settings)
    set_all_config(config, [])

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    # Pulumi's mock monitor answers RPCs on the default executor's threads and calls _sync_await
    # there, which creates an event loop per thread and never closes it; such loops, finalised
    # at interpreter exit, printed "Exception ignored ... Invalid file descriptor" after a plan.
    # Give each thread its loop up front and close them all when the run ends.
    thread_loops: list[asyncio.AbstractEventLoop] = []
    loop.set_default_executor(
        ThreadPoolExecutor(
            thread_name_prefix="mockrun", initializer=_thread_loop, initargs=(thread_loops,)
        )
    )
    try:
        with _fast_stack_traces():
            loop.run_until_complete(run_in_stack(lambda: _settled(program)))
    except RunError as error:
        # Stack programs turn a ConfigError into a RunError (the CLI prints those without a
        # traceback); callers of run_stack get the ConfigError with its issues back.
        cause = error.__cause__
        if cause is not None:
            from modules.config import ConfigError

            if isinstance(cause, ConfigError):
                raise cause from None
        raise
    finally:
        loop.run_until_complete(loop.shutdown_default_executor())
        for thread_loop in thread_loops:
            thread_loop.close()
        loop.close()
        # As asyncio.run does. Restoring the caller's loop needed get_event_loop(), which creates
        # a loop in the main thread when none is set, and that loop was never closed either.
        asyncio.set_event_loop(None)

    stack_outputs = monitor.component_outputs.get(monitor.stack_urn or "", {})
    return StackRun(
        project=project,
        stack=stack,
        resources=monitor.captured(),
        outputs=dict(stack_outputs),
        warnings=tuple(engine.warnings),
    )


@cache
def _source_uri(filename: str) -> str | None:
    if not filename:
        return None
    try:
        return Path(filename).as_uri()
    except ValueError:  # "<frozen runpy>", "<string>": not a path, no position (as the SDK does)
        return None


def _stack_trace() -> source_pb2.StackTrace:
    """The StackTrace `pulumi.runtime.resource._get_stack_trace` builds for a registration, the
    same frames and positions, without `traceback.extract_stack`.

    The SDK's version looks every frame's source line up through linecache (a stat per file
    per frame) and turns each file name into a URI again, for every resource: about a quarter of
    a mock run's CPU, for text no one reads. Like the SDK, the trace starts at the caller of the
    third `__init__` from the top (Resource, Custom/ComponentResource, the concrete class).
    """
    chain = []  # innermost first, this frame included as the SDK's includes its own
    frame = sys._getframe(0)
    while frame is not None:
        chain.append(frame)
        frame = frame.f_back
    inits, callers = 0, []
    for depth, frame in enumerate(chain):
        if frame.f_code.co_name == "__init__":
            inits += 1
            if inits == 3:
                callers = chain[depth + 1 :]
                break
    frames = []
    for outer in callers:
        uri = _source_uri(outer.f_code.co_filename) if outer.f_lineno is not None else None
        position = None if uri is None else source_pb2.SourcePosition(uri=uri, line=outer.f_lineno)
        frames.append(source_pb2.StackFrame(pc=position))
    return source_pb2.StackTrace(frames=frames) if frames else source_pb2.StackTrace()


@contextmanager
def _fast_stack_traces() -> Iterator[None]:
    """Build registrations' stack traces with `_stack_trace` while a mock run runs."""
    original = getattr(sdk_resource, "_get_stack_trace", None)
    if original is None:  # an SDK that no longer has it: nothing to speed up
        yield
        return
    sdk_resource._get_stack_trace = _stack_trace
    try:
        yield
    finally:
        sdk_resource._get_stack_trace = original


class CapturingEngine(MockEngine):
    """Keeps the program's warnings (pulumi.log.warn) besides logging them."""

    def __init__(self, logger: logging.Logger) -> None:
        super().__init__(logger)
        self.warnings: list[str] = []

    def Log(self, request: Any) -> None:
        if request.severity == engine_pb2.WARNING:
            self.warnings.append(request.message)
        super().Log(request)


def _thread_loop(registry: list[asyncio.AbstractEventLoop]) -> None:
    thread_loop = asyncio.new_event_loop()
    asyncio.set_event_loop(thread_loop)
    registry.append(thread_loop)


async def _settled(program: Callable[[], object]) -> None:
    """Run the program (its return value, runpy's module globals, is not awaited), then wait for
    its outputs in one pass per wave.

    Since pulumi/pulumi#22411 the SDK drains outstanding outputs with `asyncio.wait(...,
    FIRST_COMPLETED)` in a loop: every round adds a callback to every pending output and returns
    after one of them, so a stack of n resources costs O(n^2) callbacks (about 370,000 for 1,500
    resources, most of the CPU of a mock run). Waiting for all of them at once costs one callback
    each. Failed or cancelled outputs are left in place, so the SDK still raises them as it would.
    """
    program()
    from pulumi.runtime.settings import SETTINGS

    while True:
        with SETTINGS.lock:
            pending = [task for task in SETTINGS.outputs if not task.done()]
        if not pending:
            return
        await asyncio.wait(pending)
