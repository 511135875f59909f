"""Benchmark of config validation: botocore model loading, definition checks, stack files.

``make bench-config`` (or ``python -m tools.bench_config``). Figures, not pass/fail; goals next
to them. Model loading is timed in fresh processes (botocore reads and un-gzips each service's
JSON on first use, then keeps it), the checks in this process once the models are loaded.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SERVICES = ("scheduler", "events", "sagemaker", "sqs", "cloudwatch", "iam")
DEFINITIONS = ("churn-training.json", "feature-refresh.json")
DEFINITION_GOAL_MS = 50.0

_LOAD_PROBE = """
import json, sys, time
started = time.perf_counter()
from modules.aws import limits
imported = time.perf_counter()
out = {"import": imported - started}
for service in sys.argv[1:]:
    t = time.perf_counter()
    limits.service_model(service)
    out[service] = time.perf_counter() - t
t = time.perf_counter()
limits.regions()
out["partitions"] = time.perf_counter() - t
print(json.dumps(out))
"""


def model_loading(repeat: int) -> dict[str, float]:
    """Median seconds per service (and botocore's import) over `repeat` fresh processes."""
    runs: list[dict[str, float]] = []
    for _ in range(repeat):
        result = subprocess.run(
            [sys.executable, "-c", _LOAD_PROBE, *SERVICES],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(result.stdout))
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench_config")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    from modules.aws import definition
    from modules.stackfile import read_project, read_stack

    loads = model_loading(args.repeat)
    print(f"botocore models, first use in a fresh process (median of {args.repeat}):")
    print(f"  import modules.aws.limits (botocore)  {loads.pop('import') * 1000:7.1f} ms")
    for key, seconds in loads.items():
        print(f"  {key:<36} {seconds * 1000:7.1f} ms")
    print(f"  {'total':<36} {sum(loads.values()) * 1000:7.1f} ms")

    print(f"definition checks, models loaded (median of {args.repeat * 20}; goal < 50 ms):")
    for name in DEFINITIONS:
        body = (REPO / "pipelines" / name).read_text(encoding="utf-8")
        definition.check_definition(body)  # models and caches warm
        ms = median_ms(lambda body=body: definition.check_definition(body), args.repeat * 20)
        verdict = "ok" if ms < DEFINITION_GOAL_MS else "OVER GOAL"
        print(f"  {name:<36} {ms:7.2f} ms  {verdict}")

    print("stack files read the CLI's way (Pulumi.yaml + Pulumi.<stack>.yaml):")
    for stack in ("dev", "staging", "prod"):
        folder = REPO / "stacks" / stack

        def read(folder: Path = folder, stack: str = stack) -> object:
            return read_stack(folder, stack, read_project(folder).name)

        print(f"  {stack:<36} {median_ms(read, args.repeat * 20):7.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
