"""A brute-force exact oracle for periodic points of piecewise-linear one-hidden-layer networks.

Independent of certify on purpose: it imports nothing from `certify`, only `fractions` and the
standard library, and takes the simplest correct route at every step.

The map is f(x) = out(sum_i a_i act(w_i x + b_i) + c) with act, out in relu, leaky_relu (x for
x >= 0, slope*x below), hardtanh (clip to [-1, 1]), identity; out may be absent. It is evaluated
straight from this formula. f is continuous and affine between its breaks: the x where some
w_i x + b_i is a kink of act (w_i != 0), and, with an output activation, the x where the sum
meets a kink of out.

Breaks of f^p on the whole real line, by induction on j: f^(j+1) = f o f^j is affine wherever f^j
is affine and f^j(x) is not a break of f, so breaks(f^(j+1)) lie in breaks(f^j) together with
the solutions of f^j(x) = t, t a break of f, found on each affine piece of f^j (none on a piece
where f^j is constant). The set may hold superfluous points; that does no harm.

On each closed piece of f^p (the two unbounded ones included) f^p(x) = A x + B, with A, B read off
two exact evaluations of f^p in the piece. f^p(x) = x then has one candidate B / (1 - A) (A != 1),
no solution (A = 1, B != 0), or holds on the whole piece (A = 1, B = 0). Each candidate is kept
if it lies in the piece and, by direct iteration, has minimal period p. A piece where f^p = id
is a *continuum* of points of minimal period p unless f^d = id on it for a proper divisor d of p
(f^d is affine there too, so then f^d fixes at most one point of the piece); its ends are
candidates as well.

`periodic_points(net, p, domain)` returns the isolated points of minimal period p, their orbits
(each from its leftmost point, in orbit order) and the continuum pieces; with a domain [lo, hi]
only points (and continuum pieces of positive length) inside it are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

KINKS = {"identity": (), "relu": (0,), "leaky_relu": (0,), "hardtanh": (-1, 1)}


def activate(name, u, slope):
    if name == "identity":
        return u
    if name == "relu":
        return u if u > 0 else Fraction(0)
    if name == "leaky_relu":
        return u if u >= 0 else slope * u
    if name == "hardtanh":
        return min(max(u, Fraction(-1)), Fraction(1))
    raise ValueError(f"not a piecewise-linear activation: {name}")


@dataclass(frozen=True)
class Net:
    """f(x) = out(sum a act(w x + b) + c); units are (w, b, a) triples of Fractions."""

    units: tuple
    c: Fraction = Fraction(0)
    act: str = "relu"
    out: str | None = None
    slope: Fraction = Fraction(1, 100)

    def hidden_sum(self, x):
        return sum((a * activate(self.act, w * x + b, self.slope) for w, b, a in self.units), self.c)

    def __call__(self, x):
        y = self.hidden_sum(x)
        return y if self.out is None else activate(self.out, y, self.slope)

    def breaks(self):
        hidden = sorted({(k - b) / w for w, b, _ in self.units if w != 0 for k in KINKS[self.act]})
        if self.out is None:
            return hidden
        return sorted(set(hidden) | set(solutions(self.hidden_sum, hidden, KINKS[self.out])))


def iterate(f, x, n):
    for _ in range(n):
        x = f(x)
    return x


def pieces(g, breaks):
    """(lo, hi, A, B): g = A x + B on each closed piece between sorted breaks (None = infinite)."""
    ends = [None, *breaks, None]
    for lo, hi in zip(ends, ends[1:]):
        if lo is None and hi is None:
            u, v = Fraction(0), Fraction(1)
        else:
            u = lo if lo is not None else hi - 1
            v = hi if hi is not None else lo + 1
        A = (g(v) - g(u)) / (v - u)
        yield lo, hi, A, g(u) - A * u


def inside(x, lo, hi):
    return (lo is None or lo <= x) and (hi is None or x <= hi)


def solutions(g, breaks, targets):
    """Every x with g(x) = t for t in targets, g affine between the breaks (none where g is constant)."""
    out = set()
    for lo, hi, A, B in pieces(g, breaks):
        if A != 0:
            out.update(x for x in ((t - B) / A for t in targets) if inside(x, lo, hi))
    return out


def iterate_breaks(f, p):
    """A superset of the breaks of f^p, sorted."""
    base = f.breaks()
    breaks = list(base)
    for j in range(1, p):
        breaks = sorted(set(breaks) | solutions(lambda x, j=j: iterate(f, x, j), breaks, base))
    return breaks


def minimal_period(f, x, p):
    """The least n <= p with f^n(x) = x, or None."""
    y = x
    for n in range(1, p + 1):
        y = f(y)
        if y == x:
            return n
    return None


@dataclass
class Periodic:
    points: set       # isolated points of minimal period p (and any on continuum ends)
    orbits: list      # their orbits, each a tuple from its leftmost point, sorted
    continuum: list   # (lo, hi) pieces of positive length where f^p = id and minimal period p occurs


def periodic_points(f, p, domain=None):
    """Points of minimal period p of f (in the closed domain, if given), exactly."""
    lo_d, hi_d = domain if domain is not None else (None, None)

    def fp(x):
        return iterate(f, x, p)

    candidates, continuum = set(), []
    for lo, hi, A, B in pieces(fp, iterate_breaks(f, p)):
        if A != 1:
            x = B / (1 - A)
            if inside(x, lo, hi):
                candidates.add(x)
        elif B == 0:
            lo_c = lo if lo_d is None or (lo is not None and lo > lo_d) else lo_d
            hi_c = hi if hi_d is None or (hi is not None and hi < hi_d) else hi_d
            if lo_c is not None and hi_c is not None and lo_c > hi_c:
                continue
            candidates.update(e for e in (lo_c, hi_c) if e is not None)
            u = lo if lo is not None else (hi if hi is not None else Fraction(0)) - 1
            v = u + 1 if hi is None else hi
            proper = [d for d in range(1, p) if p % d == 0]
            if (lo_c is None or hi_c is None or lo_c < hi_c) and not any(
                    iterate(f, u, d) == u and iterate(f, v, d) == v for d in proper):
                continuum.append((lo_c, hi_c))
    points = {x for x in candidates if minimal_period(f, x, p) == p and inside(x, lo_d, hi_d)}
    orbits = set()
    for x in points:
        orb = [x]
        for _ in range(p - 1):
            orb.append(f(orb[-1]))
        k = orb.index(min(orb))
        orbits.add(tuple(orb[k:] + orb[:k]))
    return Periodic(points, sorted(orbits), continuum)


def image_hull(f, lo, hi):
    """(min, max) of f over [lo, hi]: attained at the ends or at breaks inside."""
    vals = [f(t) for t in [lo, hi, *[t for t in f.breaks() if lo < t < hi]]]
    return min(vals), max(vals)


def invariant(f, lo, hi):
    """f([lo, hi]) is contained in [lo, hi]."""
    a, b = image_hull(f, lo, hi)
    return lo <= a and b <= hi
