import os

import flint
import pytest
from hypothesis import HealthCheck, settings

import strategies

# Hypothesis profiles (docs/usage.md, "Running the tests"). "ci", the default, is what
# `python -m pytest -q` and .ci/run use: the example counts below and, for the tests whose cost grows
# with their examples, strategies.examples(N) = N // 2. "thorough" (nightly, or with -m slow) restores
# every examples(N) to N and raises the count of tests that name none:
#     CERTIFY_HYPOTHESIS_PROFILE=thorough python -m pytest -q -m "slow or not slow"
# Both drop the per-example deadline and the too_slow health check: a busy machine is no failure.
_COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.register_profile("ci", max_examples=100, **_COMMON)
settings.register_profile("thorough", max_examples=1000, **_COMMON)
strategies.PROFILE = os.environ.get("CERTIFY_HYPOTHESIS_PROFILE", "ci")
settings.load_profile(strategies.PROFILE)


@pytest.fixture(autouse=True)
def _reset_flint_precision():
    """No test may leak flint's global working precision into another."""
    prec = flint.ctx.prec
    yield
    flint.ctx.prec = prec
