"""The config benchmark's report (figures are for `make bench-config`, not asserted here)."""

from __future__ import annotations

import pytest

from tools import bench_config


def test_the_benchmark_reports_every_service_definition_and_stack(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert bench_config.main(["--repeat", "1"]) == 0
    out = capsys.readouterr().out
    for name in (*bench_config.SERVICES, *bench_config.DEFINITIONS, "prod"):
        assert name in out, name
    assert "OVER GOAL" not in out, out
