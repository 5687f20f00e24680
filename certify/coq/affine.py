"""Affine pieces of a piecewise-linear term and of its iterates: the Python side of formal/PL.v.

`form` mirrors the library's `aff` (the affine form of a term on a segment) and `iterate_form` its
`aff_iter`; where the Coq function would answer None because a max or min switches sides inside
the segment, these raise `Split` with the switching point instead. `partition` cuts the line at
such points until every segment passes, so that the Coq check `check_no_period` computes on
exactly the segments it is given. A segment is (lo, hi) with None for an infinite end.
"""

from __future__ import annotations

from bisect import bisect_right

from flint import fmpq

from certify.coq.terms import NoCoqExport, eval_exact

ONE, ZERO = fmpq(1), fmpq(0)


class Split(Exception):
    """The form is not affine on the segment: it switches at the point `t`, inside the segment."""

    def __init__(self, t: fmpq):
        super().__init__(t)
        self.t = t


def nonneg_on(a, b, s) -> bool:
    """a x + b >= 0 on all of the segment s (the library's nonneg_on)."""
    lo, hi = s
    if lo is None and hi is None:  # the whole line: a constant, and it is >= 0
        return a == 0 and b >= 0
    return (a * lo + b >= 0 if lo is not None else a <= 0) and (a * hi + b >= 0 if hi is not None else a >= 0)


def form(t, s):
    """(a, b) with t(x) = a x + b on the segment s; Split where a max or min switches inside s."""
    op = t[0]
    if op == "var":
        return ONE, ZERO
    if op == "const":
        return ZERO, t[1]
    if op not in ("add", "mul", "max", "min"):
        raise NoCoqExport(f"it uses {op}")
    (a, b), (c, d) = form(t[1], s), form(t[2], s)
    if op == "add":
        return a + c, b + d
    if op == "mul":
        if a == 0:
            return b * c, b * d
        if c == 0:
            return a * d, b * d
        raise NoCoqExport("it multiplies two non-constant terms")
    first, second = ((a - c, b - d), (c - a, d - b)) if op == "max" else ((c - a, d - b), (a - c, b - d))
    if nonneg_on(*first, s):
        return a, b
    if nonneg_on(*second, s):
        return c, d
    raise Split(-(b - d) / (a - c))  # a != c: an affine difference with constant sign would have passed


def image(a, b, s):
    """The image of the segment s under x -> a x + b (the library's image)."""
    lo, hi = s
    m = (lambda q: None if q is None else a * q + b)
    if a == 0:
        return b, b
    return (m(lo), m(hi)) if a > 0 else (m(hi), m(lo))


def iterate_form(t, n: int, s):
    """(a, b) with f^n(x) = a x + b on s (the library's aff_iter); Split at a point inside s."""
    if n == 0:
        return ONE, ZERO
    a, b = form(t, s)
    try:
        c, d = iterate_form(t, n - 1, image(a, b, s))
    except Split as e:  # inside the image's interior, so a != 0: pull it back
        raise Split((e.t - b) / a) from None
    return c * a, c * b + d


def partition(t, n: int, max_segments: int = 200_000) -> list:
    """The breaks t_1 < ... < t_m cutting the line into segments on each of which f^n is affine
    in the library's sense (iterate_form passes)."""
    todo, breaks = [(None, None)], []
    while todo:
        s = todo.pop()
        try:
            iterate_form(t, n, s)
        except Split as e:
            todo += [(e.t, s[1]), (s[0], e.t)]
            breaks.append(e.t)
            if len(breaks) > max_segments:
                raise NoCoqExport(f"f^{n} has more than {max_segments} affine pieces") from None
    return sorted(breaks)


def segments(breaks) -> list:
    """(-oo, t_1], [t_1, t_2], ..., [t_m, +oo) (the library's segments)."""
    ends = [None, *breaks, None]
    return list(zip(ends, ends[1:]))


def _iterate(t, k: int, x):
    for _ in range(k):
        x = eval_exact(t, x)
    return x


def periodic_points(t, p: int, breaks) -> list:
    """The points of minimal period p the library's piece_ok would find, segment by segment: a
    point of a segment where f^p(x) = x and no 0 < k < p returns, or the first point of a segment
    where f^p = id but no f^k (0 < k < p) is. Empty exactly when check_no_period passes."""
    found = []
    for s in segments(breaks):
        a, b = iterate_form(t, p, s)
        if a == 1:
            if b == 0 and not any(iterate_form(t, k, s) == (ONE, ZERO) for k in range(1, p)):
                found.append(s[0] if s[0] is not None else s[1] if s[1] is not None else ZERO)
            continue
        x = b / (1 - a)
        inside = (s[0] is None or s[0] <= x) and (s[1] is None or x <= s[1])
        if inside and not any(_iterate(t, k, x) == x for k in range(1, p)):
            found.append(x)
    return found


def table(t) -> tuple:
    """f as a table: its breaks and the form (a, b) on each segment (the library's table_ok)."""
    breaks = partition(t, 1)
    return breaks, [form(t, s) for s in segments(breaks)]


def _within(s, P) -> bool:
    (lo, hi), (L, H) = s, P
    return (L is None or (lo is not None and L <= lo)) and (H is None or (hi is not None and hi <= H))


def itinerary(breaks, forms, n: int, s) -> list:
    """The table pieces holding s, f(s), ..., f^(n-1)(s) (the library's iter_table follows them)."""
    segs, out = segments(breaks), []
    for _ in range(n):
        k = 0 if s[0] is None else bisect_right(breaks, s[0])
        if s[0] is not None and s[0] == s[1] and k > 0 and not _within(s, segs[k]):
            k -= 1
        if not _within(s, segs[k]):
            raise AssertionError(f"segment {s} is not inside one piece of the table")
        out.append(k)
        s = image(*forms[k], s)
    return out
