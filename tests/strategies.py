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


# junk for hostile-certificate tests: wrong types, huge numbers, bad strings, empty and nested containers
HOSTILE = [None, True, -1, 10 ** 30, "x", "1/0", "", [], {}, [[]], {"lo": "1", "hi": "0"}, "aL**" + "9" * 40]


def _nodes(node, path=()):
    yield path
    if isinstance(node, dict):
        for k in node:
            yield from _nodes(node[k], path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node[:3]):
            yield from _nodes(v, path + (i,))


def junk_sweep(cert, depth: int):
    """check() on the certificate with each field at most `depth` deep (first three items of a list)
    replaced by each junk value: every result is one line (an exception would propagate)."""
    import copy

    from certify.checker import check

    for path in _nodes(cert):
        if not path or len(path) > depth:
            continue
        for junk in HOSTILE:
            bad = copy.deepcopy(cert)
            node = bad
            for k in path[:-1]:
                node = node[k]
            node[path[-1]] = junk
            res = check(bad)
            assert "\n" not in res.message, (path, junk)
