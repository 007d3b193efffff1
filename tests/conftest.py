"""Shared fixtures and hypothesis profiles.

``HYPOTHESIS_PROFILE=thorough`` runs 100x more examples than the default
``quick`` profile.  Both derive from hypothesis' "default" profile, not from
the built-in "ci" one it loads when the CI variable is set: under "ci"
(derandomize, no database), hypothesis 6.170 nests settings on every run of a
parametrized test until they overflow the stack after ~950 runs.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from oracle.fixtures import cpython_oracle  # noqa: F401

settings.register_profile("quick", settings.get_profile("default"), deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", settings.get_profile("quick"), max_examples=10_000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))
