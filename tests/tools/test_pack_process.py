"""The policy pack's process, started with the standard library only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tools import pack_process

REPO = Path(__file__).resolve().parents[2]


def test_the_pack_is_started_as_the_language_host_starts_it(monkeypatch, tmp_path):
    seen = {}

    def fake_popen(argv, **kwargs):
        seen.update(argv=argv, **kwargs)
        return "proc"

    monkeypatch.setattr(subprocess, "Popen", fake_popen)
    assert pack_process.spawn(tmp_path, stack="prod", env={"EXTRA": "1"}) == "proc"
    assert seen["argv"] == [
        sys.executable,
        "-u",
        "-m",
        "pulumi.policy",
        "127.0.0.1:0",
        str(tmp_path),
    ]
    assert seen["cwd"] == tmp_path
    assert seen["env"]["PULUMI_STACK"] == "prod"
    assert seen["env"]["PULUMI_DRY_RUN"] == "true"
    assert seen["env"]["EXTRA"] == "1"
    assert seen["start_new_session"] is True


def test_importing_it_costs_no_grpc_or_pulumi():
    code = (
        "import sys, tools.pack_process; "
        "print(sorted(m for m in ('grpc', 'pulumi') if m in sys.modules))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert proc.stdout.strip() == "[]"


def test_a_client_adopts_a_pack_started_early():
    from tools.policy_client import PolicyClient

    early = pack_process.spawn(REPO / "policies", stack="prod")
    client = PolicyClient(REPO / "policies", stack="prod")
    try:
        client.start(early)
        assert client.running
        assert client.policies, "the adopted pack answered GetAnalyzerInfo"
    finally:
        client.close()
    assert early.poll() is not None, "closing the client stops the adopted process"
