import flint
import pytest


@pytest.fixture(autouse=True)
def _reset_flint_precision():
    """No test may leak flint's global working precision into another."""
    prec = flint.ctx.prec
    yield
    flint.ctx.prec = prec
