"""modules.deploy: each cloud's program is imported only when the stack uses that cloud."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OTHER_CLOUD_SDKS = ("pulumi_azure_native", "pulumi_azure", "pulumi_gcp")


def run_python(code: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_an_aws_only_stack_imports_no_azure_or_google_cloud_sdk() -> None:
    found = run_python(
        "import json, sys\n"
        "from pathlib import Path\n"
        "import yaml\n"
        "from tools.mockrun import run_stack\n"
        "raw = yaml.safe_load(Path('stacks/prod/Pulumi.prod.yaml').read_text())['config']\n"
        "aws = [p for p in raw['mlsched:pipelines'] if p.get('cloud', 'aws') == 'aws']\n"
        "run = run_stack(Path('stacks/prod'), 'prod', config={'mlsched:pipelines': aws})\n"
        f"sdks = {OTHER_CLOUD_SDKS!r}\n"
        "print(json.dumps({'pipelines': sorted(run.outputs['pipelines']),\n"
        "  'loaded': sorted(m for m in sys.modules if m.split('.')[0] in sdks),\n"
        "  'aws': 'pulumi_aws' in sys.modules}))\n"
    )
    # The run must really have deployed AWS pipelines, or the absence below proves nothing.
    assert found["pipelines"] == ["churn-training", "feature-refresh"], found
    assert found["aws"] is True, found
    assert found["loaded"] == [], f"stacks/prod's AWS pipelines imported {found['loaded']}"


def test_a_stack_without_pipelines_imports_no_cloud_program() -> None:
    found = run_python(
        "import json, sys\n"
        "from modules.config import StackConfig\n"
        "from modules.deploy import deploy\n"
        "exports = deploy(StackConfig(stack='empty', pipelines=()))\n"
        "print(json.dumps({'exports': exports,\n"
        "  'loaded': sorted(m for m in sys.modules if m.endswith('.program')\n"
        "                   or m.split('.')[0].startswith('pulumi'))}))\n"
    )
    assert found == {"exports": {}, "loaded": []}, found
