"""Shared hypothesis strategies: exact rationals, points, PL and smooth rnn1d weight dicts."""

from fractions import Fraction

from hypothesis import strategies as st


def rationals(max_num=2000, max_den=64):
    return st.builds(lambda n, d: Fraction(n, d), st.integers(-max_num, max_num), st.integers(1, max_den))


def rational_strings(max_num=2000, max_den=64):
    return rationals(max_num, max_den).map(lambda q: f"{q.numerator}/{q.denominator}")


def rnn1d_weights(activations=("relu", "leaky_relu", "hardtanh", "identity"), width=(1, 6)):
    """Weight dicts for from_weights with exact rational strings."""
    return st.integers(*width).flatmap(lambda k: st.fixed_dictionaries({
        "activation": st.sampled_from(activations),
        "w": st.lists(rational_strings(40, 8), min_size=k, max_size=k),
        "b": st.lists(rational_strings(40, 8), min_size=k, max_size=k),
        "a": st.lists(rational_strings(40, 8), min_size=k, max_size=k),
        "c": rational_strings(20, 8),
    }))
