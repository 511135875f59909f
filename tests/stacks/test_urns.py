"""URNs are a public contract: a refactor that renames, re-parents or re-types a resource of a
shipped stack would make `pulumi up` replace it (a SageMaker pipeline with `protect` would block the
deploy). `urns/<stack>.txt` was written from the stacks before the AWS components moved to
`modules/aws/`; a new resource is added to that file in the same change that adds it, a rename adds
`aliases` first."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.mockrun import StackRun

URNS_DIR = Path(__file__).parent / "urns"


def _recorded(stack: str) -> set[str]:
    return set((URNS_DIR / f"{stack}.txt").read_text().split())


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_every_recorded_urn_of_the_stack_is_still_registered(
    stack_runs: dict[str, StackRun], stack: str
) -> None:
    registered = {r.urn for r in stack_runs[stack].resources}
    missing = sorted(_recorded(stack) - registered)
    assert not missing, f"{stack}: URNs no longer registered (add aliases): {missing}"


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_the_stack_registers_no_urn_that_is_not_recorded(
    stack_runs: dict[str, StackRun], stack: str
) -> None:
    registered = {r.urn for r in stack_runs[stack].resources}
    added = sorted(registered - _recorded(stack))
    assert not added, f"{stack}: new URNs, add them to tests/stacks/urns/{stack}.txt: {added}"
