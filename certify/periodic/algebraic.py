"""Exact cycles of polynomial maps with algebraic coefficients (a finder; the kernel re-checks).

Where ball methods stall (a non-hyperbolic cycle: f^p(x) - x has a multiple root, as at the birth
of the period-3 window of the logistic family at r = 1 + 2 sqrt 2), the cycle's points are found
as algebraic numbers: with the map's coefficients in K = Q(alpha) (alpha a root of m), the norm
N(x) = Res_t(G(x, t), m(t)) of G = f^p(x) - x is a rational polynomial vanishing at every periodic
point; each real root x0 of an irreducible factor q of N gives the field L = Q(x0), alpha is placed
in L as the root of gcd(G(x0, t), m(t)) when that gcd is linear, and the orbit x0, f(x0), ... is
computed in L exactly. The result is a `cycle_algebraic` fact (certify.checker.algebraic).
"""

from __future__ import annotations

from flint import arb, ctx, fmpq, fmpq_mpoly_ctx, fmpq_poly, fmpz_poly

from certify.certificates import interval, q_str
from certify.certificates.limits import MAX_DYNATOMIC_DEGREE
from certify.checker.algebraic import (MAX_FIELD_DEGREE, APoly, NotAlgebraic, NumberField, eval_field,
                                       is_algebraic_polynomial, map_field)
from certify.checker.semantics import Program
from certify.checker.statement import Failure

MAX_NORM_DEGREE = 256  # work budget: degree of the norm N (deg_x G times [K : Q]) the finder eliminates
MAX_EMBED_DEGREE = 96  # work budget: [K : Q] times [L : Q] for placing K's generator in L (a gcd over L)


def _field_poly(prog: Program):
    """(K, radicals, F) with F = f as an APoly over K; K = Q (as the field of t, degree 1) for a
    rational polynomial. None when f is not a polynomial over the algebraic numbers."""
    got = map_field(prog) if is_algebraic_polynomial(prog) else None
    if got is None:
        if not prog.is_polynomial() or prog.has_param():
            return None
        got = NumberField(["0", "1"], -1, 1), []
    K, radicals = got
    try:
        return K, radicals, eval_field(prog, APoly(K, [0, 1]), K, radicals)
    except (NotAlgebraic, Failure):
        return None


def _compose(prog, K, radicals, p: int):
    """f^p(x) - x as an APoly over K (None when its degree exceeds the dynatomic limit)."""
    h = APoly(K, [0, 1])
    for _ in range(p):
        h = eval_field(prog, h, K, radicals)
        if h.degree() > MAX_DYNATOMIC_DEGREE:
            return None
    return h - APoly(K, [0, 1])


def _norm(G: APoly, K: NumberField) -> fmpq_poly:
    """Res_t(G(x, t), m(t)) as a rational polynomial in x."""
    if K.degree == 1:
        return fmpq_poly([c.poly.coeffs()[0] if not c.is_zero() else 0 for c in G.c])
    R = fmpq_mpoly_ctx.get(("x", "t"))
    terms = {}
    for i, c in enumerate(G.c):
        for j, a in enumerate(c.poly.coeffs()):
            if a != 0:
                terms[(i, j)] = a
    g = R.from_dict(terms)
    m = R.from_dict({(0, j): a for j, a in enumerate(K.m.coeffs()) if a != 0})
    n = g.resultant(m, "t")
    out = [fmpq(0)] * (G.degree() * K.degree + 1)
    for (i, _), a in n.to_dict().items():
        out[i] = a
    return fmpq_poly(out)


def _poly_gcd(a: APoly, b: APoly) -> APoly:
    while b.c:
        a, b = b, _rem(a, b)
    return a


def _rem(a: APoly, b: APoly) -> APoly:
    inv = b.c[-1].inverse()
    r = a
    while r.c and r.degree() >= b.degree():
        k = r.degree() - b.degree()
        r = r - APoly(r.field, [0] * k + [r.c[-1] * inv]) * b
    return r


def _embed(K: NumberField, G: APoly, L: NumberField, x0):
    """The image of K's generator in L: the root of gcd(G(x0, t), m(t)) over L, when linear."""
    if K.degree == 1:
        return L(-K.m.coeffs()[0] / K.m.coeffs()[1])
    dt = K.degree
    H = [L(0)] * dt
    pw = L(1)
    for c in G.c:
        for j, a in enumerate(c.poly.coeffs()):
            H[j] = H[j] + pw * a
        pw = pw * x0
    g = _poly_gcd(APoly(L, K.m.coeffs()), APoly(L, H))
    if g.degree() != 1:
        return None
    return -g.c[0] * g.c[1].inverse()


def _at(poly: fmpq_poly, v):
    r = v.field(0)
    for c in reversed(poly.coeffs()):
        r = r * v + c
    return r


def _boxes(xs):
    """Disjoint rational boxes around the points (from ball enclosures), or None."""
    for bits in (64, 128, 256, 512):
        bs = []
        for x in xs:
            b = x.ball(bits)
            bs.append((b.lower().fmpq() - fmpq(1, 2 ** bits), b.upper().fmpq() + fmpq(1, 2 ** bits)))
        order = sorted(bs)
        if all(a[1] < b[0] for a, b in zip(order, order[1:])):
            return bs
    return None


def _real_roots(prog: Program, p: int, min_degree: int):
    """(K, radicals, G, ints, r) for each real root r (a ball) of each irreducible factor of degree
    >= min_degree of the norm of G = f^p(x) - x over the coefficient field K (lowest degrees first),
    within the work budgets; nothing when f is not a polynomial over the algebraic numbers."""
    got = _field_poly(prog)
    if got is None:
        return
    K, radicals, _ = got
    try:
        G = _compose(prog, K, radicals, p)
    except (NotAlgebraic, Failure):
        return
    if G is None or not G.c or G.degree() * K.degree > MAX_NORM_DEGREE:
        return
    N = _norm(G, K)
    if N.is_zero():
        return
    _, factors = N.factor()
    for q, _ in sorted(factors, key=lambda f: f[0].degree()):
        d = q.degree()
        if d < min_degree or d > MAX_FIELD_DEGREE or d * K.degree > MAX_EMBED_DEGREE:
            continue
        den = q.denom()
        ints = [int(c * den) for c in q.coeffs()]
        with ctx.workprec(128):
            roots = [r.real for r, _ in fmpz_poly(ints).complex_roots() if r.imag == 0]
        for r in roots:
            yield K, radicals, G, ints, r


def _placed(K, radicals, G, ints, r: arb):
    """(L, x0, radicals in L, isolating interval): the field L = Q(x0) of the root r of the factor
    `ints`, with K's radicals placed in L; None when that cannot be done."""
    lo, hi = r.lower().fmpq() - fmpq(1, 2 ** 100), r.upper().fmpq() + fmpq(1, 2 ** 100)
    try:
        L = NumberField([str(c) for c in ints], lo, hi)
    except Failure:
        return None
    x0 = L.element([0, 1]) if L.degree > 1 else L(-L.m.coeffs()[0] / L.m.coeffs()[1])
    alpha = _embed(K, G, L, x0)
    if alpha is None:
        return None
    return L, x0, [_at(y.poly, alpha) for y in radicals], (lo, hi)


def algebraic_cycle(prog: Program, p: int, window=None):
    """A `cycle_algebraic` fact for an orbit of minimal period p (in the window, if given), or None."""
    for K, radicals, G, ints, r in _real_roots(prog, p, 1):
        fact = _try_root(prog, K, radicals, G, ints, r, p, window)
        if fact is not None:
            return fact
    return None


def _try_root(prog, K, radicals, G, ints, r: arb, p: int, window):
    if window is not None and not (r > arb(window[0]) and r < arb(window[1])):
        return None
    got = _placed(K, radicals, G, ints, r)
    if got is None:
        return None
    L, x0, rads, (lo, hi) = got
    try:
        xs = [x0]
        for _ in range(p - 1):
            xs.append(eval_field(prog, xs[-1], L, rads))
        if not eval_field(prog, xs[-1], L, rads) == x0 or len({tuple(x.poly.coeffs()) for x in xs}) != p:
            return None
    except (NotAlgebraic, Failure):
        return None
    boxes = _boxes(xs)
    if boxes is None:
        return None
    i = boxes.index(min(boxes))
    xs, boxes = xs[i:] + xs[:i], boxes[i:] + boxes[:i]
    return {"fact": "cycle_algebraic",
            "field": {"minpoly": [str(c) for c in ints], "root": interval(lo, hi)},
            "radicals": [y.coeff_strings() for y in rads],
            "points": [x.coeff_strings() for x in xs],
            "boxes": [interval(a, b) for a, b in boxes]}


__all__ = ["algebraic_cycle", "q_str"]


def algebraic_roots(prog: Program, cells, p: int, known=()):
    """Specials for the ball cover (certify.periodic.balls): (x0, k, q, row) for each real algebraic
    root x0 of f^p(x) = x in one of the stuck cells (lo, hi, ...), of multiplicity k >= 1 and minimal
    period q, with row = the "a" cell's data [field, radicals, point, k, box]. A search: the kernel
    re-checks every "a" cell (certify.checker.algebraic.fact_algebraic_root_cell)."""
    from certify.checker.algebraic import truncated_iterate
    from certify.checker.taylor import MAX_ORDER

    if not cells:
        return []
    seen = [s[3][4] for s in known if len(s) == 4]
    out = []
    for K, radicals, G, ints, r in _real_roots(prog, p, 2):  # rational roots are exact_roots' (tag "t")
        cell = next((c for c in cells if r > arb(c[0]) and r < arb(c[1])), None)
        if cell is None:
            continue
        special = _root_special(prog, K, radicals, G, ints, r, p, MAX_ORDER, truncated_iterate)
        if special is not None and special[3][4] not in seen:
            seen.append(special[3][4])
            out.append(special)
    return out


def _root_special(prog, K, radicals, G, ints, r: arb, p: int, max_order: int, truncated_iterate):
    got = _placed(K, radicals, G, ints, r)
    if got is None:
        return None
    L, x0, rads, (lo, hi) = got
    try:
        c = truncated_iterate(prog, x0, L, rads, p, max_order + 1)
        g = [c[0] - x0, c[1] - 1] + c[2:]
        k = next((j for j, v in enumerate(g) if not v.is_zero()), None)
        if not k:  # not a root (k = 0) or of multiplicity beyond max_order
            return None
        q, y = None, x0
        for j in range(1, p + 1):
            y = eval_field(prog, y, L, rads)
            if y == x0:
                q = j
                break
    except (NotAlgebraic, Failure):
        return None
    if q is None:
        return None
    box = _boxes([x0])
    if box is None:
        return None
    row = [{"minpoly": [str(c) for c in ints], "root": interval(lo, hi)}, [y.coeff_strings() for y in rads],
           x0.coeff_strings(), k, interval(*box[0])]
    return x0, k, q, row
