"""What the Pulumi runtime hands a stack program: its config map and the instant to judge against.

The only module (besides the stack entry points and the components) that touches the Pulumi
runtime, so `modules.config` stays pure. `pulumi.Config` reads one key at a time and cannot list
the keys a stack sets, so a misspelt key would go unnoticed; the whole map is what the language
host passed: the `PULUMI_CONFIG` environment variable under `pulumi preview/up`, or the runtime's
config set by the automation API and by `tools.mockrun`.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import UTC, datetime

# Set by tools.mockrun for one run when the offline plan is pinned with --at, so "never fires"
# and start dates are judged against the plan's instant, not the wall clock.
PINNED_REFERENCE: ContextVar[datetime | None] = ContextVar("mlsched_reference", default=None)


def cli_config() -> dict[str, str]:
    """Every config key the CLI handed to this program (all namespaces), as text."""
    from pulumi.runtime import config as runtime

    merged = dict(runtime.get_config_env())
    merged.update(runtime.CONFIG.get())
    secret = {*runtime.get_config_secret_keys_env(), *runtime._SECRET_KEYS.get()}
    # The CLI decrypts secrets before the program starts; hand them to validation in the shape
    # the offline plan sees (`{"secure": ...}`), so both refuse a secret mlsched key alike and
    # no check reads or prints the plaintext.
    return {str(key): (SECRET_STANDIN if key in secret else value) for key, value in merged.items()}


SECRET_STANDIN = '{"secure":"[secret]"}'


def reference_time() -> datetime:
    """The plan's pinned instant, or now."""
    pinned = PINNED_REFERENCE.get()
    return pinned if pinned is not None else datetime.now(UTC)
