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

import math
from itertools import product

from flint import acb, fmpq, fmpq_mat

from certify.certificates import interval_parse, q_parse, q_str
from certify.checker.statement import Failure
from certify.checker.limits import MAX_PLRNN_DIM
from certify.checker.plrnn_box import box_shape, fact_plrnn_cycle_box
from certify.checker.plrnn_tree import (MAX_FARKAS_ENTRIES, MAX_TREE_NODES, fact_search_plrnn, new_budget,
                                        not_requested_reason, search_shape)
from certify.checker.statement import Statement, num
from certify.errors import CertifyError

__all__ = ["Model", "parse_plrnn", "step", "pattern", "jacobian", "enumerate_cycles", "cycle_of", "follow_itinerary",
           "canonical_cycle", "cycle_stability", "plrnn_cycles", "singular_itinerary", "not_enumerated_reason",
           "singular_reason", "MAX_CHECK_BITS", "MAX_PERIOD"]

MAX_PERIOD = 1024           # the claim's largest period P
MAX_CYCLE = 4096            # n p for one cycle fact (p points of n coordinates)
MAX_CHECK_BITS = 20         # the checker re-enumerates at most 2^20 itineraries for one period
MAX_ITINERARIES = 1 << 21   # ... and at most 2^21 over all enumeration facts of a certificate
MAX_MATRIX_WORK = 1 << 32   # sum of cycle_work over the cycles and singular itineraries checked (~30 s)
EXPONENT_SLACK = fmpq(1, 1 << 40)  # a stated exponent interval lies within this of the kernel's ball


class Model:
    """The exact PLRNN: A (diagonal entries), W (n x n), h (n), all fmpq."""

    def __init__(self, A, W, h):
        self.n = len(A)
        self.A, self.W, self.h = A, W, h
        self.hvec = fmpq_mat(self.n, 1, h)
        self._jac = {}
        self._step_bits = None

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


def parse_plrnn(canon, max_dim: int | None = None) -> Model:
    """{"kind": "plrnn", "A": [n], "W": [n][n], "h": [n]} with exact rational strings -> Model
    (refused when n > max_dim, before any entry is read)."""
    if not isinstance(canon, dict) or canon.get("kind") != "plrnn" or set(canon) != {"kind", "A", "W", "h"}:
        raise CertifyError("canonical PLRNN must be {'kind': 'plrnn', 'A': [...], 'W': [[...]], 'h': [...]}")
    A, W, h = canon["A"], canon["W"], canon["h"]
    if not (isinstance(A, list) and isinstance(W, list) and isinstance(h, list)) or not A:
        raise CertifyError("PLRNN A, W, h must be non-empty lists")
    n = len(A)
    if max_dim is not None and n > max_dim:
        raise CertifyError(f"a PLRNN of dimension {n} is beyond the checker's limit {max_dim}")
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
    pts, z = [], list(z0)
    for D in itinerary:
        if pattern(z) != tuple(D):
            return None
        pts.append(z)
        z = _column(m.jacobian(tuple(D)) * fmpq_mat(m.n, 1, z) + m.hvec, m.n)  # f(z) = (A + W D) z + h in orthant D
    return pts if z == list(z0) else None


def canonical_cycle(pts) -> tuple:
    """The cycle as a tuple of point tuples, rotated to start at its lexicographically least point."""
    pts = [tuple(z) for z in pts]
    k = min(range(len(pts)), key=lambda i: pts[i])
    return tuple(pts[k:] + pts[:k])


def enumerate_cycles(m: Model, p: int, patterns: list | None = None):
    """Every cycle of minimal period p, by all 2^(n p) itineraries (or those over `patterns`, when every periodic
    point's orthant is known to be one of them).

    Returns (cycles, singular): the set of canonical cycles, and the itineraries whose cycle
    system is singular but consistent (there the enumeration proves nothing). Every p-cycle has
    the itinerary of its own points' orthants; when that system is non-singular its unique
    solution is the cycle's start, so it is found.
    """
    n = m.n
    pats = list(product((0, 1), repeat=n)) if patterns is None else patterns
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




# ----------------------------------------------------------------------------- the claim

def _int(v, what: str, lo: int, hi: int) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise Failure(f"{what} must be an integer in {lo}..{hi}, got {v!r}")
    return v


def _itinerary(strs, n: int, p: int) -> list:
    if not (isinstance(strs, list) and len(strs) == p
            and all(isinstance(s, str) and len(s) == n and set(s) <= {"0", "1"} for s in strs)):
        raise Failure(f"an itinerary of period {p} is {p} strings of {n} bits, got {strs!r}")
    return [tuple(int(c) for c in s) for s in strs]


def singular_itinerary(m: Model, itinerary) -> bool:
    """Whether the cycle system (I - M) z_0 = c of an itinerary is singular and consistent (then the
    itinerary may carry a continuum of periodic points, and enumeration proves nothing)."""
    return cycle_of(m, itinerary)[0] == "singular"


def singular_reason(itinerary: list) -> str:
    """Why a period's list is not complete: an itinerary (strings of bits) with a singular system."""
    return (f"the cycle system of itinerary {','.join(itinerary)} is singular and consistent: a continuum of "
            f"periodic points is possible")


def not_enumerated_reason(n: int, p: int) -> str:
    """Why a period's list is not complete: its itineraries were not enumerated."""
    return f"the 2^{n * p} itineraries were not all solved: cycles found by float search only"


def step_bits(m: Model) -> int:
    """g: the bits by which numerators and denominators of a Jacobian product (or a point followed along an
    itinerary) can grow per step. With L the lcm of all denominators of A, W, h, the integer matrices L J and
    L h have entries of at most maxnum + bits(L) bits, so after t steps the entries have at most t g bits,
    g = bits(L) + maxnum + bits(n); a cycle's derived points (Cramer) at most n p g. L is computed exactly
    while it has at most 2^16 bits, then bounded by the product of the remaining distinct denominators."""
    if m._step_bits is None:
        ents = m.A + [w for r in m.W for w in r] + m.h
        L, extra = 1, 0
        for q in sorted({int(e.q) for e in ents}):
            if extra or L.bit_length() > 1 << 16:
                extra += q.bit_length()
            else:
                L = math.lcm(L, q)
        m._step_bits = (L.bit_length() + extra + max(int(abs(e.p)).bit_length() for e in ents)
                        + m.n.bit_length())
    return m._step_bits


def cycle_work(m: Model, p: int) -> int:
    """The cost of one cycle (or singular itinerary) of period p: p products of n x n matrices whose entries grow
    to S = p g bits (step_bits), each entry multiplied (n per entry) and reduced by a gcd (quasi-linear, a log
    factor): n^2 (n + 32) p S log2(S) / 16. (review-cycles: the former n^3 p^2 ignored the growth; a 1-D cycle
    of period 1024 with a 4000-digit slope, charged 2^20 of 2^32, ran for hours; measured 1 to 7 ns per unit.)"""
    S = p * step_bits(m)
    return m.n * m.n * (m.n + 32) * p * S * S.bit_length() // 16


def _exponents_match(exps, stated) -> None:
    """The stated exponents are the kernel's, in its order (decreasing, then one "-inf" per zero
    eigenvalue), each interval containing the kernel's ball and within EXPONENT_SLACK of it."""
    if exps is None:
        if stated is not None:
            raise Failure("exponents are stated but the cycle's exponents are not defined or not enclosed")
        return
    if not isinstance(stated, list) or len(stated) != len(exps):
        raise Failure(f"the cycle has {len(exps)} exponents (one per dimension)")
    for b, e in zip(exps, stated):
        if b == "-inf" or e == "-inf":
            if b != e:
                raise Failure("the number of -inf exponents (zero eigenvalues) differs, or they are not listed last")
            continue
        lo, hi = interval_parse(e)
        blo, bhi = b.lower().fmpq(), b.upper().fmpq()
        if not (lo <= blo and bhi <= hi):
            raise Failure(f"an exponent is not proved to lie in [{q_str(lo)}, {q_str(hi)}] (or is out of order)")
        if blo - lo > EXPONENT_SLACK or hi - bhi > EXPONENT_SLACK:
            raise Failure(f"the exponent interval [{q_str(lo)}, {q_str(hi)}] is wider than the kernel's enclosure "
                          f"by more than 2^-40")


_CYCLE_KEYS = {"fact", "p", "points", "itinerary", "stable", "exponents"}
_STABILITY = {True: "true", False: "false", None: "null"}


def fact_cycle_plrnn(m: Model, fact: dict, P: int) -> tuple:
    """The points form a cycle of minimal period p <= P with the stated orthants, and the stated
    stability, reason and exponents are the kernel's. Returns (cycle, stable, exponent balls).
    `points` null (long cycles, whose exact points exceed the certificate's digit limit): the points are the
    unique solution of the itinerary's cycle system (I - M) z_0 = c, followed exactly through the itinerary's
    orthants (on orthant D, f(z) = (A + W D) z + h exactly), so again f(z_t) = z_(t+1)."""
    if not _CYCLE_KEYS <= set(fact) <= _CYCLE_KEYS | {"reason"}:
        raise Failure(f"a cycle_plrnn fact has the keys {sorted(_CYCLE_KEYS)} and 'reason' (stability undecided)")
    p = _int(fact["p"], "the cycle's period", 1, P)
    pts = fact["points"]
    if pts is None:  # derived: the unique solution of the itinerary's cycle system, followed exactly
        itin = _itinerary(fact["itinerary"], m.n, p)
        kind, z0 = cycle_of(m, itin)
        if kind != "point":
            raise Failure(f"the cycle system of the itinerary has {'no' if kind == 'none' else 'no unique'} solution")
        pts = follow_itinerary(m, z0, itin)
        if pts is None:
            raise Failure("the solution of the itinerary's cycle system leaves the itinerary's orthants")
    else:
        if not (isinstance(pts, list) and len(pts) == p and all(isinstance(z, list) and len(z) == m.n for z in pts)):
            raise Failure(f"a {p}-cycle needs {p} points of dimension {m.n} (or null: derived from the itinerary)")
        pts = [[q_parse(v) for v in z] for z in pts]
        for t, z in enumerate(pts):
            if step(m, z) != pts[(t + 1) % p]:
                raise Failure(f"f(z_{t}) != z_{(t + 1) % p}: the points do not form a cycle")
        if _itinerary(fact["itinerary"], m.n, p) != [pattern(z) for z in pts]:
            raise Failure("the itinerary differs from the points' orthants (D_ii = 1 iff z_i > 0)")
    if len({tuple(z) for z in pts}) != p:
        raise Failure(f"the points are not distinct: the minimal period is not {p}")
    cyc = canonical_cycle(pts)
    if cyc != tuple(tuple(z) for z in pts):
        raise Failure("the cycle must start at its lexicographically least point")
    stable, exps, reason = cycle_stability(m, pts)
    claim = fact["stable"]
    if claim is True and stable is not True:
        raise Failure("stable: true, but all |eigenvalues| < 1 is not proved")
    if claim is False and stable is not False:
        raise Failure("stable: false, but some |eigenvalue| > 1 is not proved")
    if claim is not stable:
        raise Failure(f"stable must be {_STABILITY[stable]}, what the kernel derives at this precision")
    if fact.get("reason") != reason:
        raise Failure("reason must be the kernel's reason why the stability is undecided (absent when decided)")
    _exponents_match(exps, fact["exponents"])
    return cyc, stable, exps


def fact_enumeration_plrnn(m: Model, p: int, listed: set) -> None:
    """All 2^(n p) itineraries solved exactly: the cycles of minimal period p are exactly `listed`."""
    found, singular = enumerate_cycles(m, p)
    if singular:
        raise Failure(f"itinerary {','.join(singular[0])} has a singular, consistent cycle system")
    if found != listed:
        raise Failure(f"the enumeration finds {len(found)} cycles of period {p}, {len(listed)} are listed")


def _shapes(m: Model, evidence, P: int) -> dict:
    """Bound the work before doing it: fact kinds, periods, sizes; the enumeration facts by period."""
    if not isinstance(evidence, list):
        raise Failure("evidence must be a list of facts")
    enums, work, itineraries = {}, 0, 0
    nodes, entries = 0, 0
    for i, fact in enumerate(evidence):
        kind = fact.get("fact") if isinstance(fact, dict) else None
        try:
            if kind == "cycle_plrnn":
                p = _int(fact.get("p"), "the cycle's period", 1, P)
                if m.n * p > MAX_CYCLE:
                    raise Failure(f"n p = {m.n * p} is beyond the checker's limit {MAX_CYCLE} for one cycle")
                work += cycle_work(m, p)
            elif kind == "enumeration_plrnn":
                if set(fact) != {"fact", "p", "itineraries"}:
                    raise Failure("an enumeration_plrnn fact has the keys fact, p, itineraries")
                p = _int(fact["p"], "the enumeration's period", 1, P)
                if m.n * p > MAX_CHECK_BITS:
                    raise Failure(f"n p = {m.n * p} is beyond the checker's enumeration limit {MAX_CHECK_BITS}")
                if fact["itineraries"] != 2 ** (m.n * p) or isinstance(fact["itineraries"], bool):
                    raise Failure(f"a period-{p} enumeration has 2^{m.n * p} itineraries")
                if p in enums:
                    raise Failure(f"a second enumeration of period {p}")
                enums[p] = i
                itineraries += 2 ** (m.n * p)
            elif kind == "plrnn_cycle_box":
                if "box" in enums:
                    raise Failure("a second plrnn_cycle_box fact")
                box_shape(m, fact)
                enums["box"] = i
            elif kind == "search_plrnn":
                p, k, e = search_shape(fact, m.n, P)
                if p in enums:
                    raise Failure(f"a second enumeration or search of period {p}")
                enums[p] = i
                nodes, entries = nodes + k, entries + e
            else:
                raise Failure(f"unknown fact kind {kind!r}")
        except Failure as e:
            raise Failure(f"fact {i} ({kind}): {e}") from None
    if nodes > MAX_TREE_NODES or entries > MAX_FARKAS_ENTRIES:
        raise Failure(f"the search trees total {nodes} nodes and {entries} Farkas multipliers, beyond the checker's "
                      f"limits {MAX_TREE_NODES} and {MAX_FARKAS_ENTRIES}")
    if itineraries > MAX_ITINERARIES:
        raise Failure(f"the enumerations total {itineraries} itineraries, beyond the checker's limit {MAX_ITINERARIES}")
    if work > MAX_MATRIX_WORK:
        raise Failure("the cycles are beyond the checker's limit for Jacobian products (sum of n^2 (n + 32) p S "
                      f"log2(S) / 16 over the cycles, S = p g the bits of their entries, is {work} > {MAX_MATRIX_WORK})")
    return enums


def _rows(cert: dict, m: Model, P: int, counts: dict, enums: dict, work: int) -> None:
    """The periods rows are the kernel's: 1..P in order, count = the cycles listed, complete iff the
    period was enumerated, and the reason it is not (a verified singular itinerary, or none solved)."""
    rows = cert["periods"]
    if not isinstance(rows, list) or len(rows) != P:
        raise Failure(f"periods must list the periods 1..{P} in order")
    for q, row in enumerate(rows, 1):
        complete = q in enums
        if not isinstance(row, dict) or row.get("p") != q or isinstance(row.get("p"), bool):
            raise Failure(f"periods must list the periods 1..{P} in order")
        if row.get("complete") is not complete:
            raise Failure(f"period {q}: complete must be {str(complete).lower()} (it is iff an enumeration_plrnn "
                          f"or search_plrnn fact solves its itineraries)")
        base = {"p", "count", "complete"} | (set() if complete else {"reason"})
        if not base <= set(row) <= base | (set() if complete else {"singular"}):
            raise Failure(f"period {q}: a row has the keys {sorted(base)}" + ("" if complete else " and 'singular'"))
        if isinstance(row["count"], bool) or row["count"] != counts.get(q, 0):
            raise Failure(f"period {q}: count differs from the number of listed cycles")
        if complete:
            continue
        if "singular" in row:
            work += cycle_work(m, q)
            if m.n * q > MAX_CYCLE or work > MAX_MATRIX_WORK:
                raise Failure(f"period {q}: the singular itinerary is beyond the checker's limits")
            if not singular_itinerary(m, _itinerary(row["singular"], m.n, q)):
                raise Failure(f"period {q}: the cycle system of itinerary {','.join(row['singular'])} is not singular "
                              f"and consistent")
            want = singular_reason(row["singular"])
        else:
            want = not_enumerated_reason(m.n, q)
            if row["reason"] == not_requested_reason(q) and row["count"] == 0:
                want = row["reason"]  # a period below the requested range: nothing listed, nothing claimed
        if row["reason"] != want:
            raise Failure(f"period {q}: the reason must read {want!r}")


def _point(z) -> str:
    return "(" + ", ".join(num(v) for v in z) + ")"


def _ball(e, places: int = 10) -> str:
    """An exponent ball (or "-inf") for reading: [a, b] with `places` decimals, rounded outward."""
    if e == "-inf":
        return "-inf"
    scale = fmpq(10) ** places
    lo, hi = (e.lower().fmpq() * scale).floor(), -((-e.upper().fmpq() * scale).floor())

    def dec(k) -> str:
        sign, k = ("-" if k < 0 else ""), abs(int(k))
        return f"{sign}{k // 10 ** places}.{k % 10 ** places:0{places}d}"
    return f"[{dec(lo)}, {dec(hi)}]"


def _cycle_text(cyc, stable, exps) -> str:
    pts = ", ".join(_point(z) for z in cyc[:4]) + (f", ... ({len(cyc)} points)" if len(cyc) > 4 else "")
    if stable is True:
        kind = "attracting"
    elif stable is False:
        kind = "repelling" if exps is not None and all(e != "-inf" and e > 0 for e in exps) else "unstable"
    else:
        kind = "stability undecided"
    lam = "" if exps is None else "; Lyapunov exponents " + ", ".join(_ball(e) for e in exps)
    return f"{{{pts}}} {kind}{lam}"


def plrnn_cycles(prog, cert: dict) -> Statement:
    """The cycles of periods 1..P of the PLRNN z -> A z + W relu(z) + h, their stability and Lyapunov
    exponents, and for which periods the list is complete.

    Theorems: exact arithmetic f(z_t) = z_{t+1} (indices mod p) with p distinct points is a cycle of
    minimal period p. Off the switching hyperplanes z_i = 0 (of units whose column of W is not
    zero) f is affine near each point, so f^p is affine near z_0 with linear part
    M = prod (A + W D_t): all |eigenvalues| < 1 make the cycle attracting, one > 1 unstable, and the
    exponents are (1/p) log|lambda_i| (certified roots of charpoly(M)). Completeness: every p-cycle
    solves the linear cycle system of its own itinerary; when every system of the 2^(n p)
    itineraries is non-singular (or inconsistent) the solutions are all the cycles; a pruned
    itinerary search (certify.checker.plrnn_tree) covers every itinerary but those of nodes proved
    empty, where the node's rows may include those of a proved box holding every cycle point
    (certify.checker.plrnn_box: the cycle-box lemma, hypotheses |a_i| < 1 and an M-matrix
    certificate, checked).
    Checked, not assumed: the map's dimension; every cycle, its orthants, minimal period and
    canonical start; stability, reason and exponents equal to the kernel's at the certificate's
    precision; the enumerations re-run; the periods rows equal to the kernel's; the work bounded
    before it is done.
    """
    canon = cert["map"]["canonical"]
    m = parse_plrnn(canon, MAX_PLRNN_DIM)
    dim = cert["map"].get("dimension")
    if isinstance(dim, bool) or dim != m.n:
        raise Failure(f"map.dimension must be the PLRNN's dimension {m.n}, got {dim!r}")
    P = _int(cert["claim"]["p"], "the claim's period P", 1, MAX_PERIOD)
    spectrum = cert.get("spectrum")
    if spectrum is not None and not (isinstance(spectrum, dict) and spectrum.get("status") == "estimate"):
        raise Failure("spectrum is a float estimate and must say status: estimate")
    head = f"the PLRNN z -> A z + W relu(z) + h (n = {m.n})"
    evidence = cert["evidence"]
    if cert["verdict"] == "undecided":
        if evidence or "periods" in cert:
            raise Failure("an undecided PLRNN cycle list claims nothing: no facts, no periods")
        return Statement(f"undecided: nothing is claimed about the cycles of periods 1..{P} of {head}", 0)
    if cert["verdict"] != "proved":
        raise Failure("a PLRNN cycle list is proved (with at least one fact) or undecided")
    enums = _shapes(m, evidence, P)
    if not evidence:
        raise Failure("a proved PLRNN cycle list carries at least one fact")
    cycles: dict[int, dict] = {}
    work = 0
    for i, fact in enumerate(evidence):
        if fact["fact"] != "cycle_plrnn":
            continue
        try:
            cyc, stable, exps = fact_cycle_plrnn(m, fact, P)
        except Failure as e:
            raise Failure(f"fact {i} (cycle_plrnn): {e}") from None
        work += cycle_work(m, len(cyc))
        if cyc in cycles.setdefault(len(cyc), {}):
            raise Failure(f"fact {i} (cycle_plrnn): this cycle is listed twice")
        cycles[len(cyc)][cyc] = (stable, exps)
    methods, budget, box = {}, new_budget(), None
    if "box" in enums:
        i = enums.pop("box")
        try:
            box = fact_plrnn_cycle_box(m, evidence[i])
        except Failure as e:
            raise Failure(f"fact {i} (plrnn_cycle_box): {e}") from None
    for p, i in sorted(enums.items()):
        kind = evidence[i]["fact"]
        try:
            if kind == "search_plrnn":
                singular = fact_search_plrnn(m, evidence[i], set(cycles.get(p, {})), budget, box)
                if singular:
                    raise Failure(f"the leaf {','.join(singular[0])} has a singular, consistent cycle system")
                methods[p] = (len(evidence[i]["shape"]), len(evidence[i]["farkas"]))
            else:
                fact_enumeration_plrnn(m, p, set(cycles.get(p, {})))
                methods[p] = None
        except Failure as e:
            raise Failure(f"fact {i} ({kind}): {e}") from None
    _rows(cert, m, P, {p: len(c) for p, c in cycles.items()}, enums, work)
    text = _statement(head, m.n, P, cycles, cert["periods"], methods)
    if box is not None:
        text += ("\nevery point of every cycle (any period) lies in the box " +
                 " x ".join(f"[{num(a)}, {num(b)}]" for a, b in zip(*box)) +
                 " (cycle-box lemma: |a_i| < 1, D - K a certified nonsingular M-matrix, refinements checked)")
    return Statement(text, len(evidence))


def _statement(head: str, n: int, P: int, cycles: dict, rows: list, methods: dict, shown: int = 8) -> str:
    lines = [f"{head}, periods 1..{P}:"]
    q = 1
    while q <= P:
        row, mine = rows[q - 1], cycles.get(q, {})
        if row["complete"] and not mine and methods[q] is None:  # a run of periods with no cycle, all enumerated
            r = q
            while r < P and rows[r]["complete"] and not cycles.get(r + 1) and methods[r + 1] is None:
                r += 1
            what = f"period {q}" if r == q else f"periods {q}..{r}"
            lines.append(f"no cycle of {what} (all 2^(n p) itineraries solved exactly)")
            q = r + 1
            continue
        plural = "s" if len(mine) != 1 else ""
        noun = f"fixed point{plural}" if q == 1 else f"cycle{plural} of period {q}"
        if row["complete"] and methods[q] is not None:
            nodes, pruned = methods[q]
            lines.append(f"exactly {len(mine)} {noun} (pruned itinerary search: {nodes} nodes, {pruned} proved empty "
                         f"by Farkas certificates, every leaf solved exactly)")
        elif row["complete"]:
            lines.append(f"exactly {len(mine)} {noun} (all 2^{n * q} itineraries solved exactly)")
        elif mine:
            lines.append(f"at least {len(mine)} {noun} (list not proved complete: {row['reason']})")
        else:
            lines.append(f"no {noun} found (list not proved complete: {row['reason']})")
        for cyc in sorted(mine)[:shown]:
            lines.append(f"  {_cycle_text(cyc, *mine[cyc])}")
        if len(mine) > shown:
            lines.append(f"  ... {len(mine) - shown} more, each verified")
        q += 1
    return "\n".join(lines)
