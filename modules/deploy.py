"""Deploy a validated stack: each cloud the stack uses deploys its own pipelines.

Dispatch contract: for every cloud in `StackConfig.clouds` (in `modules.config.CLOUDS` order)
this imports `modules.<cloud>.program` and calls its
`deploy(pipelines: Sequence[<cloud's PipelineConfig>]) -> dict[str, Mapping[str, Input]]`
(pipeline name -> what the stack exports for it). The import happens only for clouds the stack
uses, so an AWS-only stack never loads the Azure or Google Cloud SDKs (tests/modules/test_deploy.py
checks `sys.modules` in a subprocess). This module imports no Pulumi SDK itself.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from modules.config import StackConfig


def deploy(stack: StackConfig) -> dict[str, Mapping[str, Any]]:
    """Create every pipeline of `stack`; returns pipeline name -> its exports."""
    exports: dict[str, Mapping[str, Any]] = {}
    for cloud in stack.clouds:
        program = importlib.import_module(f"modules.{cloud}.program")
        exports.update(program.deploy([p for p in stack.pipelines if p.cloud == cloud]))
    return exports
