"""Run each stack's program under mocks and judge its resources with the policy pack.

The policy pack is a separate Python process whose start-up (importing pulumi and the pack) costs
about as much as our own imports, so it starts first, on a thread, and is reused for every stack:
its start-up overlaps the mock runs on the other core. Its policies do not read the stack name, so
one process configured per stack with that stack's config file judges each stack as the engine
would.
"""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from tools.plan.build import stack_plan
from tools.plan.cli import Request, UsageError
from tools.plan.model import StackPlan
from tools.plan.render_json import iso_utc

# The pack judges "never fires again" and frequencies from this key when a policy declares it;
# the plan sets it to its own reference time so calendar and verdicts agree.
REFERENCE_TIME_KEY = "referenceTime"
# The client's default (60 s per call) is meant to catch a hung pack; AnalyzeStack over a stack of
# thousands of resources legitimately takes longer (see `make bench-plan`).
CALL_TIMEOUT = 900.0


def pack_config(
    path: Path, policies: Mapping[str, Any], reference: datetime
) -> dict[str, dict[str, Any]]:
    """The stack's policy config file with `referenceTime` pinned for every policy that has it."""
    from tools.policy_client import load_pack_config

    config = load_pack_config(path, expected=policies)
    stamp = iso_utc(reference)
    for name, info in policies.items():
        if REFERENCE_TIME_KEY in (info.config_schema.get("properties") or {}):
            config[name] = {**config.get(name, {}), REFERENCE_TIME_KEY: stamp}
    return config


def _error_plan(request: Request, stack: str, message: str, project: str = "mlsched") -> StackPlan:
    return StackPlan(project=project, stack=stack, reference_time=request.reference, error=message)


# Full collections after this many collections of the middle generation (CPython's default: 10).
FULL_COLLECTION_EVERY = 1000


def settle_heap() -> None:
    """Before a stack's mock run in the command's own process (a test's process, which plans
    many times, keeps its collector untouched).

    What the heap holds now (pulumi and the provider modules an earlier stack loaded, about a
    million objects) lives until the process ends: frozen, the collector no longer walks it (a
    third of a shipped stack's mock run otherwise). A large stack's run then grows the heap by
    millions of live objects (resources, outputs, their futures), and each time the survivors grow
    by a quarter CPython walks all of them again: 14 full passes and half the CPU of a
    200-pipeline run. The young generations still reclaim the run's short-lived cycles (peak
    memory unchanged, measured), so full passes are made rare rather than switched off.
    """
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_EVERY)


def _run(request: Request, stack: str) -> Any:
    """The stack's mock run, or the message that explains why there is none (never a traceback:
    the traceback belongs to `pulumi preview`, not to a plan for reviewers)."""
    from modules.config import ConfigError
    from tools.mockrun import run_stack

    if request.owns_process:
        settle_heap()
    try:
        # A program that prints must not corrupt the report on stdout (`--format json`).
        with contextlib.redirect_stdout(sys.stderr):
            run = run_stack(request.stacks_dir / stack, stack, reference=request.reference)
        for warning in getattr(run, "warnings", ()):
            sys.stderr.write(f"plan: warning: {warning}\n")
        return run
    except ConfigError as error:
        return str(error)
    except Exception as error:
        return f"the program of stack {stack} failed: {type(error).__name__}: {error}"


def plan_stacks(request: Request, *, client: Any = None) -> tuple[StackPlan, ...]:
    """Plan every requested stack. `client` is a started `PolicyClient` to reuse (and leave
    running); without one, a client for `request.policy_pack` is started and closed here.

    One worker thread talks to the pack, stack after stack, while the main thread runs the next
    stack's program: the pack's start-up and judging happen on the other core.
    """
    from tools.policy_client import PolicyClient, PolicyClientError, PolicyConfigError

    owned = client is None
    if not request.policies:
        client = None
    elif owned:
        client = PolicyClient(
            request.policy_pack, stack=request.stacks[0], call_timeout=CALL_TIMEOUT
        )
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="policy") if client else None
    started = pool.submit(client.start, request.pack_process) if pool and owned else None

    def judge(stack: str, run: Any) -> StackPlan:
        config_path = request.policy_config_dir / f"{stack}.json"
        try:
            if started is not None:
                started.result()
            client.configure(pack_config(config_path, client.policies, request.reference))
            violations = client.check(run.resources).violations
        except PolicyConfigError as error:
            message = f"policy config {config_path}: {error}"
            return _error_plan(request, stack, message, run.project)
        except PolicyClientError as error:
            raise UsageError(f"the policy pack could not judge stack {stack}: {error}") from None
        return _plan(request, stack, run, violations, str(config_path))

    pending: list[StackPlan | Future[StackPlan]] = []
    try:
        for stack in request.stacks:
            run = _run(request, stack)
            if isinstance(run, str):
                pending.append(_error_plan(request, stack, run))
            elif pool is None:
                pending.append(_plan(request, stack, run, (), None))
            else:
                pending.append(pool.submit(judge, stack, run))
        return tuple(p.result() if isinstance(p, Future) else p for p in pending)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if owned and client is not None:
            client.close()


def _plan(
    request: Request, stack: str, run: Any, violations: Any, policy_config: str | None
) -> StackPlan:
    return stack_plan(
        project=run.project,
        stack=stack,
        reference=request.reference,
        resources=run.resources,
        violations=violations,
        outputs=run.outputs,
        policy_config=policy_config,
    )
