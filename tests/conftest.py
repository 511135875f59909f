"""Suite-wide hypothesis settings.

`make test` runs on shared 2-core machines next to other work: a property test must give the same
verdict on every run (derandomized) and must not fail because input generation was slow there
(`too_slow` is about the machine, not the code under test). `make proof` selects the `thorough`
profile through HYPOTHESIS_PROFILE, which draws fresh random examples.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile("default", derandomize=True, deadline=None, suppress_health_check=_QUIET)
settings.register_profile("thorough", deadline=None, suppress_health_check=_QUIET)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
