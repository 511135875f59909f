"""Start the policy pack's process the way the Pulumi engine does, with the standard library only.

Split from `tools.policy_client` (which needs grpc and pulumi's protobufs) so a caller can start
the pack before importing anything heavy: the pack's own start-up (an interpreter importing
pulumi, pulumi-policy and the pack) then runs on the other core while the caller imports.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

# The Python policy SDK never dials the engine address it is given (see tools/policy_client.py).
ENGINE_ADDRESS = "127.0.0.1:0"


def spawn(
    pack_dir: Path,
    *,
    stack: str,
    project: str = "mlsched",
    organization: str = "organization",
    dry_run: bool = True,
    python: str = sys.executable,
    env: Mapping[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """`python -u -m pulumi.policy <engine> <pack>` in the pack's folder, as the language host
    runs it; its first stdout line is the port it serves on."""
    environment = {
        **os.environ,
        "PULUMI_PROJECT": project,
        "PULUMI_STACK": stack,
        "PULUMI_ORGANIZATION": organization,
        "PULUMI_DRY_RUN": "true" if dry_run else "false",
        **dict(env or {}),
    }
    pack_dir = Path(pack_dir).resolve()
    return subprocess.Popen(
        [python, "-u", "-m", "pulumi.policy", ENGINE_ADDRESS, str(pack_dir)],
        cwd=pack_dir,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # a Ctrl-C in the terminal must not kill it mid-call
    )
