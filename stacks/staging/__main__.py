"""Scheduled ML pipelines; everything environment-specific is in Pulumi.<stack>.yaml."""

from pathlib import Path

import pulumi

from modules.config import ConfigError, load_stack
from modules.deploy import deploy
from modules.runtime_config import cli_config, reference_time

try:
    stack = load_stack(
        cli_config(),
        project=pulumi.get_project(),
        stack=pulumi.get_stack(),
        base_dir=Path(__file__).parent,
        reference=reference_time(),
    )
except ConfigError as error:
    # RunError: the CLI shows the message without a Python traceback.
    raise pulumi.RunError(str(error)) from error
for warning in stack.warnings:
    pulumi.log.warn(str(warning))

pulumi.export("pipelines", deploy(stack))
