"""Kernel for n-dimensional PLRNN certificates: z -> A z + W relu(z) + h, A diagonal.

On the orthant with sign pattern D (D_ii = 1 iff z_i > 0) the map is affine,
z -> (A + W D) z + h, so a cycle with itinerary (D_0, ..., D_{p-1}) solves a linear system
exactly. The verifiers here re-evaluate the map in exact rationals (fmpq), re-derive stability
from the roots of the characteristic polynomial of the cycle's Jacobian product (certified acb
enclosures at the certificate's precision), and re-run the exhaustive itinerary enumeration
behind a completeness claim. Imports only flint, certify.certificates, certify.errors and the
kernel's Failure.
"""

from __future__ import annotations

from itertools import product

from flint import acb, fmpq, fmpq_mat

from certify.certificates import interval_parse, q_parse, q_str
from certify.checker.facts import Failure
from certify.errors import CertifyError

__all__ = ["Model", "parse_plrnn", "step", "pattern", "jacobian", "enumerate_cycles", "cycle_of", "follow_itinerary",
           "canonical_cycle", "cycle_stability", "check_plrnn", "MAX_CHECK_BITS"]

MAX_CHECK_BITS = 20  # the checker re-enumerates at most 2^20 itineraries for one period


class Model:
    """The exact PLRNN: A (diagonal entries), W (n x n), h (n), all fmpq."""

    def __init__(self, A, W, h):
        self.n = len(A)
        self.A, self.W, self.h = A, W, h
        self.hvec = fmpq_mat(self.n, 1, h)
        self._jac = {}

    def jacobian(self, D) -> fmpq_mat:
        """A + W D for a sign pattern D (a tuple of 0/1)."""
        J = self._jac.get(D)
        if J is None:
            n = self.n
            J = fmpq_mat(n, n, [(self.A[i] if i == j else 0) + (self.W[i][j] if D[j] else 0)
                                for i in range(n) for j in range(n)])
            self._jac[D] = J
        return J

    def kink_free(self, i: int) -> bool:
        """Column i of W is zero: relu(z_i) does not enter the map, so z_i = 0 is no kink."""
        return all(self.W[r][i] == 0 for r in range(self.n))


def parse_plrnn(canon) -> Model:
    """{"kind": "plrnn", "A": [n], "W": [n][n], "h": [n]} with exact rational strings -> Model."""
    if not isinstance(canon, dict) or canon.get("kind") != "plrnn" or set(canon) != {"kind", "A", "W", "h"}:
        raise CertifyError("canonical PLRNN must be {'kind': 'plrnn', 'A': [...], 'W': [[...]], 'h': [...]}")
    A, W, h = canon["A"], canon["W"], canon["h"]
    if not (isinstance(A, list) and isinstance(W, list) and isinstance(h, list)) or not A:
        raise CertifyError("PLRNN A, W, h must be non-empty lists")
    n = len(A)
    if len(h) != n or len(W) != n or any(not isinstance(r, list) or len(r) != n for r in W):
        raise CertifyError(f"PLRNN shapes differ: A has {n} entries, so W must be {n} x {n} and h have {n}")
    return Model([q_parse(a) for a in A], [[q_parse(w) for w in r] for r in W], [q_parse(v) for v in h])


def step(m: Model, z) -> list:
    """f(z) = A z + W relu(z) + h, exactly."""
    r = [zi if zi > 0 else fmpq(0) for zi in z]
    return [m.A[i] * z[i] + sum((m.W[i][j] * r[j] for j in range(m.n) if r[j] != 0), fmpq(0)) + m.h[i]
            for i in range(m.n)]


def pattern(z) -> tuple:
    """The orthant of z: D_ii = 1 iff z_i > 0 (a point with z_i = 0 gets D_ii = 0; relu is continuous,
    so f(z) is the same for both choices there)."""
    return tuple(1 if zi > 0 else 0 for zi in z)


def jacobian(m: Model, z) -> fmpq_mat:
    return m.jacobian(pattern(z))


def _column(M: fmpq_mat, n: int) -> list:
    return [M[i, 0] for i in range(n)]


def cycle_of(m: Model, itinerary) -> tuple:
    """Solve the cycle equation of an itinerary exactly.

    z_{t+1} = (A + W D_t) z_t + h for t < p and z_p = z_0, i.e. (I - M) z_0 = c with
    M = J_{p-1} ... J_0. Returns ("point", z_0), ("none", None) when the system is inconsistent,
    or ("singular", None) when I - M is singular and the system consistent (a possible continuum).
    """
    n = m.n
    P, c = fmpq_mat(n, n, [1 if i == j else 0 for i in range(n) for j in range(n)]), fmpq_mat(n, 1, [0] * n)
    for D in itinerary:
        J = m.jacobian(tuple(D))
        P, c = J * P, J * c + m.hvec
    return _solve_cycle(n, P, c)


def _solve_cycle(n, P, c):
    I = fmpq_mat(n, n, [1 if i == j else 0 for i in range(n) for j in range(n)])
    try:
        return "point", _column((I - P).solve(c), n)
    except ZeroDivisionError:
        aug = fmpq_mat(n, n + 1, [(I - P)[i, j] if j < n else c[i, 0] for i in range(n) for j in range(n + 1)])
        return ("singular", None) if aug.rank() == (I - P).rank() else ("none", None)


def follow_itinerary(m: Model, z0, itinerary):
    """The exact orbit of z0 if it follows the itinerary (orthant by orthant) and closes, else None."""
    pts, z = [], z0
    for D in itinerary:
        if pattern(z) != tuple(D):
            return None
        pts.append(z)
        z = step(m, z)
    return pts if z == z0 else None


def canonical_cycle(pts) -> tuple:
    """The cycle as a tuple of point tuples, rotated to start at its lexicographically least point."""
    pts = [tuple(z) for z in pts]
    k = min(range(len(pts)), key=lambda i: pts[i])
    return tuple(pts[k:] + pts[:k])


def enumerate_cycles(m: Model, p: int):
    """Every cycle of minimal period p, by all 2^(n p) itineraries.

    Returns (cycles, singular): the set of canonical cycles, and the itineraries whose cycle
    system is singular but consistent (there the enumeration proves nothing). Every p-cycle has
    the itinerary of its own points' orthants; when that system is non-singular its unique
    solution is the cycle's start, so it is found.
    """
    n = m.n
    pats = list(product((0, 1), repeat=n))
    jacs = [m.jacobian(D) for D in pats]
    found, singular = set(), []
    I = fmpq_mat(n, n, [1 if i == j else 0 for i in range(n) for j in range(n)])

    def walk(prefix, P, c):
        if len(prefix) == p:
            kind, z0 = _solve_cycle(n, P, c)
            if kind == "singular":
                singular.append(["".join(map(str, D)) for D in prefix])
            elif kind == "point":
                pts = follow_itinerary(m, z0, prefix)
                if pts is not None and len(set(tuple(z) for z in pts)) == p:
                    found.add(canonical_cycle(pts))
            return
        for D, J in zip(pats, jacs):
            walk(prefix + [D], J * P, J * c + m.hvec)

    walk([], I, fmpq_mat(n, 1, [0] * n))
    return found, singular


def cycle_stability(m: Model, pts):
    """(stable, exponents, reason) of a cycle from the roots of charpoly(M), M = prod (A + W D_t).

    Valid when f is affine near every point (no z_i = 0 with W[:, i] != 0): then f^p is affine near
    z_0 with linear part M, so all |lambda| < 1 certainly gives an attracting cycle (stable True) and
    some |lambda| > 1 certainly a repelling direction (stable False). exponents: the balls
    (1/p) log|lambda_i| with multiplicity, "-inf" for lambda = 0, sorted by midpoint (largest first);
    None when undefined. Uses the current working precision.
    """
    p, n = len(pts), m.n
    kinks = sorted({i for z in pts for i in range(n) if z[i] == 0 and not m.kink_free(i)})
    if kinks:
        return None, None, (f"a cycle point lies on the switching boundary z_{kinks[0] + 1} = 0, where the map "
                            f"is not differentiable: stability undecided")
    M = fmpq_mat(n, n, [1 if i == j else 0 for i in range(n) for j in range(n)])
    for z in pts:
        M = jacobian(m, z) * M
    poly = M.charpoly()
    coeffs = poly.coeffs()
    zeros = next(k for k, a in enumerate(coeffs) if a != 0)
    rest = type(poly)(coeffs[zeros:])
    roots = [(r, mult) for r, mult in rest.complex_roots()] if rest.degree() > 0 else []
    mods = [(abs(acb(r)), mult) for r, mult in roots]
    exps, ok = [], True
    for a, mult in mods:
        lg = a.log() / p if a > 0 else None
        if lg is None or not lg.is_finite():
            ok = False
        exps += [lg] * mult
    if not ok:
        exps = None
    else:
        exps = sorted(exps, key=lambda b: -float(b.mid())) + ["-inf"] * zeros
    if all(a < 1 for a, _ in mods):
        return True, exps, None
    if any(a > 1 for a, _ in mods):
        return False, exps, None
    unit = [s for s in (1, -1) if poly(s) == 0]
    why = (f"the cycle's Jacobian product has the eigenvalue {unit[0]} (non-hyperbolic)" if unit else
           "an eigenvalue of the cycle's Jacobian product could not be separated from the unit circle")
    return None, exps, why + ": stability undecided"


def _points(fact, n: int, p: int):
    pts = [[q_parse(v) for v in z] for z in fact["points"]]
    if len(pts) != p or any(len(z) != n for z in pts):
        raise Failure(f"a {p}-cycle needs {p} points of dimension {n}")
    return pts


def fact_cycle_plrnn(m: Model, fact: dict) -> tuple:
    """The points form a cycle of minimal period p with the stated orthants, stability and exponents."""
    p = int(fact["p"])
    if p < 1:
        raise Failure("period must be >= 1")
    pts = _points(fact, m.n, p)
    for t, z in enumerate(pts):
        if step(m, z) != pts[(t + 1) % p]:
            raise Failure(f"f(z_{t}) != z_{(t + 1) % p}: the points do not form a cycle")
    itin = fact["itinerary"]
    if len(itin) != p or any("".join(map(str, pattern(z))) != s for z, s in zip(pts, itin)):
        raise Failure("the itinerary differs from the points' orthants (D_ii = 1 iff z_i > 0)")
    if len({tuple(z) for z in pts}) != p:
        raise Failure(f"the points are not distinct: the minimal period is not {p}")
    cyc = canonical_cycle(pts)
    if cyc != tuple(tuple(z) for z in pts):
        raise Failure("the cycle must start at its lexicographically least point")
    stable, exps, _ = cycle_stability(m, pts)
    claim = fact.get("stable")
    if claim is True and stable is not True:
        raise Failure("stable: true, but all |eigenvalues| < 1 is not proved")
    if claim is False and stable is not False:
        raise Failure("stable: false, but some |eigenvalue| > 1 is not proved")
    stated = fact.get("exponents")
    if stated is not None:
        _exponents_match(exps, stated)
    return cyc


def _exponents_match(exps, stated) -> None:
    if exps is None:
        raise Failure("exponents are stated but the cycle's exponents are not defined or not enclosed")
    if len(stated) != len(exps):
        raise Failure(f"{len(stated)} exponents stated, the map has dimension {len(exps)}")
    ninf = sum(1 for e in exps if e == "-inf")
    if sum(1 for e in stated if e == "-inf") != ninf:
        raise Failure("the number of -inf exponents (zero eigenvalues) differs")
    ivs = sorted((interval_parse(e) for e in stated if e != "-inf"), key=lambda lh: -(lh[0] + lh[1]))
    for b, (lo, hi) in zip([e for e in exps if e != "-inf"], ivs):
        if not (b.lower() >= lo and b.upper() <= hi):
            raise Failure(f"an exponent is not proved to lie in [{q_str(lo)}, {q_str(hi)}]")


def fact_enumeration_plrnn(m: Model, fact: dict, listed: set) -> None:
    """All 2^(n p) itineraries solved exactly: the cycles of minimal period p are exactly `listed`."""
    p = int(fact["p"])
    if p < 1 or m.n * p > MAX_CHECK_BITS:
        raise Failure(f"n p = {m.n * p} is beyond the checker's enumeration limit {MAX_CHECK_BITS}")
    if int(fact["itineraries"]) != 2 ** (m.n * p):
        raise Failure(f"a period-{p} enumeration has 2^{m.n * p} itineraries")
    found, singular = enumerate_cycles(m, p)
    if singular:
        raise Failure(f"itinerary {','.join(singular[0])} has a singular, consistent cycle system")
    if found != listed:
        raise Failure(f"the enumeration finds {len(found)} cycles of period {p}, {len(listed)} are listed")


def check_plrnn(cert: dict) -> int:
    """Re-verify a plrnn_cycles certificate: every fact, then that they imply its verdict."""
    m = parse_plrnn(cert["map"]["canonical"])
    P = int(cert["claim"]["p"])
    evidence = cert.get("evidence", [])
    cycles: dict[int, set] = {}
    enumerated = []
    for i, fact in enumerate(evidence):
        kind = fact.get("fact")
        try:
            if kind == "cycle_plrnn":
                if not 1 <= int(fact["p"]) <= P:
                    raise Failure(f"period {fact['p']} outside the claim's 1..{P}")
                cyc = fact_cycle_plrnn(m, fact)
                if cyc in cycles.setdefault(int(fact["p"]), set()):
                    raise Failure("this cycle is listed twice")
                cycles[int(fact["p"])].add(cyc)
            elif kind == "enumeration_plrnn":
                enumerated.append((i, fact))
            else:
                raise Failure(f"unknown fact kind {kind!r}")
        except Failure as e:
            raise Failure(f"fact {i} ({kind}): {e}") from None
    complete = set()
    for i, fact in enumerated:
        try:
            if not 1 <= int(fact["p"]) <= P:
                raise Failure(f"period {fact['p']} outside the claim's 1..{P}")
            fact_enumeration_plrnn(m, fact, cycles.get(int(fact["p"]), set()))
            complete.add(int(fact["p"]))
        except Failure as e:
            raise Failure(f"fact {i} (enumeration_plrnn): {e}") from None
    if cert["verdict"] == "undecided":
        return len(evidence)
    if cert["verdict"] != "proved" or not evidence:
        raise Failure("a PLRNN cycle list is proved (with at least one fact) or undecided")
    periods = cert["periods"]
    if len(periods) != P or [int(r["p"]) for r in periods] != list(range(1, P + 1)):
        raise Failure(f"periods must list 1..{P} in order")
    for r in periods:
        q = int(r["p"])
        if int(r["count"]) != len(cycles.get(q, ())):
            raise Failure(f"period {q}: count differs from the number of listed cycles")
        if r["complete"] is True and q not in complete:
            raise Failure(f"period {q} is marked complete without an enumeration fact")
    return len(evidence)
