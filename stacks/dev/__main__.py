"""Scheduled ML pipelines; everything environment-specific is in Pulumi.<stack>.yaml."""

from datetime import UTC, datetime
from pathlib import Path

import pulumi

from modules.config import ConfigError, load_stack_config
from modules.deploy import deploy

config = pulumi.Config()
try:
    stack = load_stack_config(
        config.require_object("pipelines"),
        stack=pulumi.get_stack(),
        base_dir=Path(__file__).parent,
        reference=datetime.now(UTC),
        stack_tags=config.get_object("tags"),
    )
except ConfigError as error:
    # RunError: the CLI shows the message without a Python traceback.
    raise pulumi.RunError(str(error)) from error

pulumi.export("pipelines", deploy(stack))
