"""modules.gcp.program through modules.deploy: a stack with Google Cloud pipelines loads
pulumi_gcp and neither the AWS nor the Azure SDK."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
USED = {
    "colab",
    "dataflow",
    "cloudscheduler",
    "projects",
    "serviceaccount",
    "storage",
    "monitoring",
}


def test_a_google_cloud_stack_loads_pulumi_gcp_and_no_azure_sdk() -> None:
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "import yaml\n"
        "from tools.mockrun import run_stack\n"
        "raw = yaml.safe_load(Path('stacks/prod/Pulumi.prod.yaml').read_text())['config']\n"
        "gcp = [p for p in raw['mlsched:pipelines'] if p.get('cloud') == 'gcp']\n"
        "run = run_stack(Path('stacks/prod'), 'prod', config={'mlsched:pipelines': gcp})\n"
        "print(json.dumps({'pipelines': sorted(run.outputs['pipelines']),\n"
        "  'modules': sorted(m for m in sys.modules if m.startswith('pulumi_'))}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["pipelines"] == ["churn-scoring", "drift-report", "feature-export"], found
    top = {m.split(".")[0] for m in found["modules"]}
    assert "pulumi_gcp" in top
    assert not top & {"pulumi_azure", "pulumi_azure_native", "pulumi_aws"}, top
