"""Exact topological entropy: Markov partitions and constant slope (trusted kernel).

Markov partition. Let f be continuous on J = [p_0, p_m], strictly monotone on every cell
A_i = [p_i, p_(i+1)], with f(p_i) in P = {p_0, ..., p_m} for every i. Then f(A_i) is the interval
between f(p_i) and f(p_(i+1)), a union of cells, so f(J) is inside J, and the 0-1 matrix
M (M_ij = 1 iff A_j is inside f(A_i)) is both the transition graph (f(A_i) meets A_j in more than a
point) and the f-covering graph of the partition. For a partition into cells of strict monotonicity,
h(f|J) <= log rho(transition graph) (the laps of f^n are at most the paths of length n) and
h(f|J) >= log rho(f-covering graph) (Block-Coppel, Alseda-Llibre-Misiurewicz Thm 4.4.5), so
h(f|J) = log rho(M) exactly (rho(M) >= 1: every row has a 1). rho(M) is the largest real root of the
characteristic polynomial of M (Perron-Frobenius: the spectral radius of a non-negative matrix is an
eigenvalue, and every real eigenvalue is at most it); its minimal polynomial is the irreducible factor
of that polynomial vanishing at it.
When f^k(I) is inside J (J inside I, I invariant), h(f|I) = h(f|J): every f-invariant measure on I
gives full measure to f^k(I), so by the variational principle the entropy lives on f^k(I) and on J.

Constant slope. If f is piecewise linear with |f'| = s >= 1 on every piece meeting I (lo < hi) and
f(I) in I, then h(f|I) = log s: h <= log Lip(f|I) = log s, and Var(f^n|I) = s^n |I| while each lap
of f^n maps into I, so laps(f^n) >= s^n and h = lim (1/n) log laps(f^n) >= log s (Misiurewicz-
Szlenk). For s < 1, h = 0 (h <= max(0, log s)).
"""

from __future__ import annotations

from flint import fmpq, fmpq_poly, fmpz_mat, fmpz_poly

from certify.certificates import interval_parse, q_parse, q_str
from certify.checker.polynomials import count_real_roots
from certify.checker.statement import Failure, whole

__all__ = ["MAX_MARKOV", "poly_text", "transition_rows", "spectral_radius", "check_markov", "check_slope",
           "monotone_test", "pl_iterate_image"]

MAX_MARKOV = 256  # cells of a Markov partition (the characteristic polynomial has this degree)


def poly_text(g: fmpz_poly) -> str:
    """x^2 - x - 1: a primitive integer polynomial with positive leading coefficient, as text."""
    cs = [int(c) for c in g.coeffs()]
    terms = []
    for k in range(len(cs) - 1, -1, -1):
        c = cs[k]
        if c == 0:
            continue
        mag = abs(c)
        mono = "" if k == 0 else ("x" if k == 1 else f"x^{k}")
        body = str(mag) if not mono else (mono if mag == 1 else f"{mag}*{mono}")
        sign = "-" if c < 0 else "+"
        terms.append((sign, body))
    if not terms:
        return "0"
    first = ("-" if terms[0][0] == "-" else "") + terms[0][1]
    return " ".join([first] + [f"{s} {b}" for s, b in terms[1:]])


def transition_rows(values, points) -> list:
    """Row i: the cells j inside f(A_i), given f at the points (each a point of the partition);
    Failure when a value is not a point or f is constant on a cell."""
    index = {p: j for j, p in enumerate(points)}
    rows = []
    for i in range(len(points) - 1):
        u, w = values[i], values[i + 1]
        if u not in index or w not in index:
            raise Failure(f"f({q_str(points[i] if u not in index else points[i + 1])}) is not a point of the "
                          "partition (not Markov)")
        a, b = sorted((index[u], index[w]))
        if a == b:
            raise Failure(f"f is constant on cell {i}")
        rows.append(range(a, b))
    return rows


def spectral_radius(rows, m: int):
    """(chi, factors): the characteristic polynomial of the 0-1 matrix with these rows, factored."""
    mat = fmpz_mat(m, m, [1 if j in r else 0 for r in rows for j in range(m)])
    chi = mat.charpoly()
    return chi, [g for g, _ in chi.factor()[1]]


def _located(chi: fmpz_poly, factors, a: fmpq, b: fmpq) -> fmpz_poly:
    """The irreducible factor vanishing at rho, the largest real root of chi, once rho is shown to lie in
    [a, b]: chi has exactly one distinct real root in [a, +inf) and it lies in [a, b]."""
    q = fmpq_poly(chi)
    if count_real_roots(q, a, None) != 1 or count_real_roots(q, a, b) != 1:
        raise Failure(f"the spectral radius is not the only real eigenvalue in [{q_str(a)}, {q_str(b)}] and above")
    hits = [g for g in factors if count_real_roots(fmpq_poly(g), a, b) >= 1]
    if len(hits) != 1:
        raise Failure("no single irreducible factor vanishes at the spectral radius")
    g = hits[0]
    return -g if g.coeffs()[-1] < 0 else g


def monotone_test(prog, pl):
    """strict(a, b): f strictly monotone on [a, b] (exactly: PL slopes of one non-zero sign; a
    polynomial's derivative without a root in the open interval), or None for other maps."""
    if pl is not None:
        from certify.checker.entropy import affine_cells

        def strict(a, b):
            signs = {(A > 0) - (A < 0) for _, _, A, _ in affine_cells(pl, a, b, 1)}
            return len(signs) == 1 and 0 not in signs
        return strict
    if not prog.is_polynomial() or prog.has_param():
        return None
    from certify.checker.semantics import eval_exact

    d = eval_exact(prog, fmpq_poly([0, 1])).derivative()

    def strict(a, b):
        if d.is_zero():
            return False
        if d.degree() < 1:
            return True
        return count_real_roots(d, a, b) - (d(a) == 0) - (d(b) == 0) == 0
    return strict


def pl_iterate_image(pl, lo, hi, k: int):
    """f^k([lo, hi]) exactly (an interval: images of intervals by continuous maps)."""
    from certify.checker.facts import pl_image

    for _ in range(k):
        lo, hi = pl_image(pl, lo, hi)
    return lo, hi


def check_markov(prog, pl, lo, hi, fact: dict, max_k: int):
    """Verify a `markov` fact on I = [lo, hi]; returns (m, J)."""
    from certify.checker.semantics import eval_exact

    strict = monotone_test(prog, pl)
    if strict is None:
        raise Failure("Markov partitions are checked for piecewise-linear and polynomial maps")
    k = whole(fact["k"], "k", 0, max_k)
    pts = fact["points"]
    if not isinstance(pts, list) or not 2 <= len(pts) <= MAX_MARKOV + 1:
        raise Failure(f"between 2 and {MAX_MARKOV + 1} points")
    pts = [q_parse(t) for t in pts]
    if any(x >= y for x, y in zip(pts, pts[1:])) or pts[0] < lo or pts[-1] > hi:
        raise Failure("the points must increase, inside I")
    J = (pts[0], pts[-1])
    if J != (lo, hi):
        if pl is None:
            raise Failure("for a map that is not piecewise linear the partition covers I")
        u, w = pl_iterate_image(pl, lo, hi, k)
        if not (J[0] <= u and w <= J[1]):
            raise Failure(f"f^{k}(I) is not inside J = [{q_str(J[0])}, {q_str(J[1])}]")
    elif k != 0:
        raise Failure("k is 0 when the partition covers I")
    values = [pl(p) if pl is not None else eval_exact(prog, p) for p in pts]
    rows = transition_rows(values, pts)
    for i in range(len(pts) - 1):
        if not strict(pts[i], pts[i + 1]):
            raise Failure(f"f is not strictly monotone on cell {i}")
    chi, factors = spectral_radius(rows, len(rows))
    a, b = interval_parse(fact["rho"])
    g = _located(chi, factors, a, b)
    if poly_text(g) != fact["minpoly"]:
        raise Failure(f"the minimal polynomial of the spectral radius is {poly_text(g)}, not {fact['minpoly']!r}")
    if g.degree() == 1 and a != b:
        raise Failure("a rational spectral radius is stated exactly (rho.lo = rho.hi)")
    return len(rows), J


def check_slope(pl, lo, hi, fact: dict) -> None:
    """|slope| = s on every piece of the PL table meeting I in more than a point (lo < hi)."""
    s = q_parse(fact["s"])
    if not lo < hi:
        raise Failure("constant slope is used on an interval I with lo < hi")
    for plo, phi, A, _ in pl.pieces():
        if (plo is None or plo < hi) and (phi is None or phi > lo) and abs(A) != s:
            raise Failure(f"f has slope {q_str(A)} on I, not +-{q_str(s)}")
