"""Builders for policy unit tests (args shaped as pulumi-policy builds them) and shared packs."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from pulumi_policy import (
    Policy,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
)
from pulumi_policy.proxy import unknown_checking_proxy

from tools.policy_client import PolicyClient, Resource

REPO = Path(__file__).resolve().parents[2]
STACKS = ("dev", "staging", "prod")
REFERENCE = "2026-01-01T00:00:00Z"


def urn(type_: str, name: str, stack: str = "dev") -> str:
    return f"urn:pulumi:{stack}::mlsched::{type_}::{name}"


def _opts() -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])


def resource_args(
    type_: str, props: Mapping[str, Any], config: Mapping[str, Any] | None = None, name: str = "r"
) -> ResourceValidationArgs:
    """What the SDK's Analyze hands a resource policy: proxied props (unknowns raise on read)."""
    proxied = unknown_checking_proxy(json.loads(json.dumps(props)))
    return ResourceValidationArgs(
        type_, proxied, urn(type_, name), name, _opts(), None, dict(config or {})
    )


def run_resource(
    policy: Policy, type_: str, props: Mapping[str, Any], config: Mapping[str, Any] | None = None
) -> list[str]:
    messages: list[str] = []
    policy.validate(  # type: ignore[attr-defined]
        resource_args(type_, props, config), lambda m, u=None: messages.append(m)
    )
    return messages


class Stack:
    """A stack under construction: add resources, then judge it with a stack policy."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, dict, dict[str, list[str]]]] = []

    def add(self, type_: str, name: str, props: Mapping[str, Any], **deps: list[str]) -> str:
        self.items.append((type_, name, dict(props), deps))
        return urn(type_, name)

    def args(self, config: Mapping[str, Any] | None = None) -> StackValidationArgs:
        resources = {}
        for type_, name, props, _deps in self.items:
            proxied = unknown_checking_proxy(json.loads(json.dumps(props)))
            resources[urn(type_, name)] = PolicyResource(
                type_, proxied, urn(type_, name), name, _opts(), None, None, [], {}
            )
        for type_, name, _props, deps in self.items:
            res = resources[urn(type_, name)]
            for key, on in deps.items():
                res.property_dependencies[key] = [resources[u] for u in on]
        return StackValidationArgs(list(resources.values()), dict(config or {}))

    def run(self, policy: Policy, config: Mapping[str, Any] | None = None) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        policy.validate(  # type: ignore[attr-defined]
            self.args(config), lambda m, u=None: found.append((m, (u or "").rsplit("::", 1)[-1]))
        )
        return found


@pytest.fixture
def stack() -> Stack:
    return Stack()


@pytest.fixture(scope="session")
def run() -> Callable[..., list[str]]:
    """run(policy, type, props, config=None) -> the violation messages of one resource policy."""
    return run_resource


# --- shared pack processes, one per shipped config (protocol tests) --------------------------
@pytest.fixture(scope="session")
def pack_clients() -> Iterator[dict[str, PolicyClient]]:
    clients = {s: PolicyClient(config=REPO / "policies" / "config" / f"{s}.json") for s in STACKS}
    # Starting is mostly waiting for three interpreters to import the pack: do it side by side.
    try:
        with ThreadPoolExecutor(len(clients)) as pool:
            list(pool.map(lambda c: c.start(), clients.values()))
        yield clients
    finally:
        with ThreadPoolExecutor(len(clients)) as pool:
            list(pool.map(lambda c: c.close(), clients.values()))


@pytest.fixture(scope="module")
def prod(pack_clients: dict[str, PolicyClient]) -> PolicyClient:
    """The pack under prod's config, where every identity policy is mandatory."""
    return pack_clients["prod"]


def prod_resource(type_: str, inputs: dict, name: str = "r", **kw: Any) -> Resource:
    """A resource of stack prod as the engine sends it to Analyze."""
    return Resource(
        urn=f"urn:pulumi:prod::mlsched::{type_}::{name}", type=type_, name=name, inputs=inputs, **kw
    )


def doc(*statements: dict, version: str = "2012-10-17") -> str:
    """An IAM policy document as the JSON text a program writes."""
    return json.dumps({"Version": version, "Statement": list(statements)})


def by_policy(violations) -> dict[str, list]:
    found: dict[str, list] = {}
    for v in violations:
        found.setdefault(v.policy, []).append(v)
    return found


@pytest.fixture(scope="session")
def stack_runs() -> dict[str, Any]:
    from tools.mockrun import run_stack

    return {s: run_stack(REPO / "stacks" / s, s) for s in STACKS}
