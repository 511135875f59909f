"""tools.stack_clouds: which clouds a stack deploys to, for the workflows' sign-in steps."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.stack_clouds import clouds, main


def stack(tmp_path: Path, pipelines: str) -> Path:
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "Pulumi.yaml").write_text("name: mlsched\nruntime: python\n")
    (folder / "Pulumi.demo.yaml").write_text(f"config:\n  mlsched:pipelines:\n{pipelines}")
    return tmp_path


def test_entries_without_cloud_are_aws(tmp_path: Path) -> None:
    root = stack(tmp_path, "    - name: a\n")
    assert clouds("demo", root) == {"aws": True, "azure": False, "gcp": False}


def test_azure_entries_turn_azure_on(tmp_path: Path) -> None:
    root = stack(tmp_path, "    - name: a\n    - name: b\n      cloud: azure\n")
    assert clouds("demo", root) == {"aws": True, "azure": True, "gcp": False}


def test_every_shipped_stack_has_an_answer_for_every_cloud() -> None:
    for name in ("dev", "staging", "prod"):
        assert set(clouds(name)) == {"aws", "azure", "gcp"}, name


def test_main_prints_github_outputs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prod"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("=")[0] for line in lines] == ["aws", "azure", "gcp"]
    assert all(line.split("=")[1] in ("true", "false") for line in lines)


def test_main_without_a_stack_is_a_usage_error() -> None:
    assert main([]) == 2
