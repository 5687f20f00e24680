"""One verifier per kind of atomic fact. Each returns what the fact establishes or raises Failure.

Part of the trusted kernel. Ball tests here are "certainly true" tests: a fact holds only if arb
proves it at the certificate's precision; anything undecidable is a failure of the fact.
"""

from __future__ import annotations

from bisect import bisect_right

from flint import arb, arb_mat, fmpq, fmpq_poly

from certify.certificates import interval_parse, q_parse, q_str
from certify.checker.limits import MAX_KRAWCZYK_PERIOD, MAX_ROUNDS, MAX_STEPS
from certify.checker.regions import (expanding_radius_ok, half_bounded_ok, pl_region, polynomial_escape_radius,
                                     tail_radius_ok)
from certify.checker.statement import Failure, whole
from certify.checker.taylor import MAX_ORDER, exact_value, isolated_root
from certify.checker.semantics import NotExact, Program, ball_of, eval_ball, eval_exact, eval_range




def divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


# ----------------------------------------------------------------------------- ball primitives

def below(a: arb, q) -> bool:
    """a < q certainly, q exact rational."""
    return a < arb(q)


def above(a: arb, q) -> bool:
    return a > arb(q)


def image(prog: Program, X: arb, n: int = 1) -> arb:
    for _ in range(n):
        X = eval_ball(prog, X)
    return X


def krawczyk_cycle_operator(prog: Program, boxes):
    """Krawczyk operator K(X) (a list of balls) for F(x)_i = f(x_i) - x_{i+1 mod p}; None if undefined."""
    p = len(boxes)
    X = [ball_of(lo, hi) for lo, hi in boxes]
    M = [arb((lo + hi) / 2) for lo, hi in boxes]
    F = [eval_ball(prog, M[i]) - M[(i + 1) % p] for i in range(p)]
    dX = [eval_ball(prog, Xi, deriv=True)[1] for Xi in X]
    dM = [eval_ball(prog, Mi, deriv=True)[1] for Mi in M]
    if not all(d.is_finite() for d in dX + dM):
        return None
    J = [[arb(0)] * p for _ in range(p)]
    for i in range(p):
        J[i][i] += dM[i].mid()
        J[i][(i + 1) % p] -= 1
    try:
        inv = arb_mat(J).inv()
    except ZeroDivisionError:
        return None
    C = [[inv[i, j].mid() for j in range(p)] for i in range(p)]
    K = []
    for i in range(p):
        s1 = sum((C[i][k] * F[k] for k in range(p)), arb(0))
        s2 = arb(0)
        for j in range(p):
            cj = C[i][j] * dX[j] - C[i][(j - 1) % p]  # (C J(X))_{ij}
            s2 += ((1 if i == j else 0) - cj) * (X[j] - M[j])
        K.append(M[i] - s1 + s2)
    return K


def inside(K, boxes) -> bool:
    """Each ball K_i lies in the interior of box i."""
    return K is not None and all(k is not None and above(k, lo) and below(k, hi) for k, (lo, hi) in zip(K, boxes))


def krawczyk_cycle(prog: Program, boxes) -> bool:
    """K(X) in int(X) for the cyclic system: exactly one p-cycle with x_i in box i."""
    return inside(krawczyk_cycle_operator(prog, boxes), boxes)


def krawczyk_iterate(prog: Program, lo, hi, q: int):
    """Krawczyk operator K(X) for g = f^q - id on X = [lo, hi] (1D); None if undefined."""
    X = ball_of(lo, hi)
    M = arb((lo + hi) / 2)
    gm = image(prog, M, q) - M
    Y, d = X, arb(1)
    for _ in range(q):
        Y, dy = eval_ball(prog, Y, deriv=True)
        d = d * dy
    gX = d - 1
    if not gX.is_finite() or gX.mid() == 0:
        return None
    C = 1 / gX.mid()
    C = C.mid()
    return M - C * gm + (1 - C * gX) * (X - M)


def unique_root(prog: Program, lo, hi, q: int) -> bool:
    """K(X) in int(X): f^q(x) = x has exactly one solution in [lo, hi]."""
    return inside([krawczyk_iterate(prog, lo, hi, q)], [(lo, hi)])


def no_root_newton(prog: Program, lo, hi, q: int) -> bool:
    """K(X) misses X: f^q(x) = x has no solution in [lo, hi]."""
    K = krawczyk_iterate(prog, lo, hi, q)
    return K is not None and K.is_finite() and (below(K, lo) or above(K, hi))


def leaves_or_misses(prog: Program, lo, hi, q: int, R) -> bool:
    """No x in [lo, hi] has f^j(x) in R for j = 1..q and f^q(x) in [lo, hi]."""
    RL, RU = arb(R[0]).lower(), arb(R[1]).upper()
    Y = ball_of(lo, hi)
    for _ in range(q):
        Y = eval_ball(prog, Y)
        if Y < RL or Y > RU:
            return True
        lo_y = Y.lower() if Y.lower() > RL else RL
        hi_y = Y.upper() if Y.upper() < RU else RU
        Y = lo_y.union(hi_y)
    return below(Y, lo) or above(Y, hi)


def disjoint_image(prog: Program, lo, hi, d: int) -> bool:
    """f^d([lo, hi]) is disjoint from [lo, hi]: no point of the box is fixed by f^d."""
    Y = image(prog, ball_of(lo, hi), d)
    return below(Y, lo) or above(Y, hi)


# ----------------------------------------------------------------------------- facts

def fact_region(prog: Program, fact: dict, claim_domain, p: int = 1):
    """Per (the periodic points relevant to the claim) lies in the returned (lo, hi), or "empty"."""
    method = fact.get("method")
    region = fact.get("region")
    if method == "invariant_domain":
        lo, hi = interval_parse(region)
        if claim_domain != (lo, hi):
            raise Failure("invariant_domain region differs from the claim's domain")
        if not domain_invariant(prog, lo, hi):
            raise Failure(f"f([{q_str(lo)}, {q_str(hi)}]) is not proved to lie in the domain")
        return lo, hi
    if claim_domain is not None:
        raise Failure("the claim is restricted to a domain but the region is not the invariant domain")
    if method == "piecewise_linear":
        pl = prog.pl()
        if pl is None:
            raise Failure("region method piecewise_linear on a map that is not piecewise linear")
        nonfixed = bool(fact.get("nonfixed", False))
        if nonfixed and p < 2:
            raise Failure("a region without fixed tails holds periodic points of minimal period >= 2 only")
        S = pl_region(pl, whole(fact["rounds"], "rounds", 0, MAX_ROUNDS), nonfixed)
        if S == "empty":
            if region != "empty":
                raise Failure("rules give an empty region but the certificate names one")
            return "empty"
        if region == "empty":
            raise Failure("region claimed empty but the rules do not show it")
        lo, hi = interval_parse(region)
        if S[0] is None or S[1] is None or S[0] < lo or S[1] > hi:
            raise Failure("the region rules do not confine periodic points to the stated region")
        return lo, hi
    if method == "bounded_image":
        lo, hi = interval_parse(region)
        rng = eval_range(prog)
        if rng is None or not (rng[0] >= arb(lo) and rng[1] <= arb(hi)):
            raise Failure("f(R) is not proved to lie in the stated region")
        return lo, hi
    if method == "polynomial_escape":
        lo, hi = interval_parse(region)
        M = polynomial_escape_radius(prog)
        if M is None or not (lo <= -M and hi >= M):
            raise Failure("|f(x)| > |x| beyond the region is not established by the Cauchy bound")
        return lo, hi
    if method == "contracting_tails":  # (R7) of certify.checker.regions
        lo, hi = interval_parse(region)
        R = q_parse(fact["radius"])
        if not tail_radius_ok(prog, R):
            raise Failure(f"f = s x + h with |s| < 1 and (1 - |s|) R >= sup |h| is not established for "
                          f"R = {q_str(R)}, so |f(x)| < |x| for |x| > R is not proved")
        if not pieces_within(prog, -R, R, lo, hi):
            raise Failure(f"f([-R, R]) is not proved to lie in the stated region (R = {q_str(R)})")
        return lo, hi
    if method == "expanding_tails":  # (R8) of certify.checker.regions
        lo, hi = interval_parse(region)
        R = q_parse(fact["radius"])
        if not expanding_radius_ok(prog, R):
            raise Failure(f"f = s x + h with |s| > 1 and (|s| - 1) R >= sup |h| is not established for "
                          f"R = {q_str(R)}, so |f(x)| > |x| for |x| > R is not proved")
        if not (lo <= -R and hi >= R):
            raise Failure(f"the stated region does not contain [-R, R] (R = {q_str(R)})")
        return lo, hi
    if method == "half_bounded":  # (R9) of certify.checker.regions
        lo, hi = interval_parse(region)
        side = fact.get("side")
        if not half_bounded_ok(prog, side, lo, hi):
            raise Failure(f"f is not proved bounded {side!r} with the stated region holding f's values on the "
                          "half-line it maps into (R9)")
        return lo, hi
    raise Failure(f"unknown region method {method!r}")


def domain_invariant(prog: Program, lo, hi) -> bool:
    """f([lo, hi]) in [lo, hi]: exactly for PL maps, else by image bounds on 64 subintervals."""
    pl = prog.pl()
    if pl is not None:
        img = pl_image(pl, lo, hi)
        return img[0] >= lo and img[1] <= hi
    return pieces_invariant(prog, lo, hi)


def image_bounds(prog: Program, lo, hi):
    """Exact-endpoint enclosure (lower, upper) of f([lo, hi]).

    Where f' has a certain sign on [lo, hi], f is monotone there and f([lo, hi]) is spanned by the
    values at the two exact endpoints, which is tighter than the ball image (a ball of [0, d]
    cannot keep its lower end exactly at 0). Elsewhere both the ball image and the mean-value form
    enclose f([lo, hi]), so their intersection does.
    """
    Y, d = eval_ball(prog, ball_of(lo, hi), deriv=True)
    if d >= 0 or d <= 0:
        a, b = eval_ball(prog, arb(lo)), eval_ball(prog, arb(hi))
        return min(a.lower(), b.lower()), max(a.upper(), b.upper())
    # mean-value form f(m) + f'(X)(X - m), m the exact midpoint: its overestimate is quadratic in the width
    mid = (lo + hi) / 2
    Z = eval_ball(prog, arb(mid)) + d * (ball_of(lo, hi) - arb(mid))
    if Z.is_finite() and Y.is_finite():
        return max(Y.lower(), Z.lower()), min(Y.upper(), Z.upper())
    return Y.lower(), Y.upper()


def pieces_invariant(prog: Program, lo, hi, pieces: int = 64) -> bool:
    """f([lo, hi]) in [lo, hi], by image bounds on a fixed uniform subdivision."""
    return pieces_within(prog, lo, hi, lo, hi, pieces)


def pieces_within(prog: Program, a, b, lo, hi, pieces: int = 64) -> bool:
    """f([a, b]) in [lo, hi], by image bounds on a fixed uniform subdivision of [a, b]."""
    L, U = arb(lo), arb(hi)
    step = (b - a) / pieces
    for k in range(pieces):
        ylo, yhi = image_bounds(prog, a + k * step, a + (k + 1) * step)
        if not (ylo >= L and yhi <= U):
            return False
    return True


def pl_image(pl, lo, hi):
    """Exact (min, max) of a PL map over [lo, hi]: at the ends and the breaks inside."""
    pts = [lo, hi] + [t for t in pl.breaks if lo < t < hi]
    vals = [pl(t) for t in pts]
    return min(vals), max(vals)


def fact_cycle_exact(prog: Program, fact: dict, p: int):
    """f(x_i) = x_{i+1 mod p} exactly and the x_i are distinct: an orbit of minimal period p."""
    pts = [q_parse(s) for s in fact["points"]]
    if len(pts) != p:
        raise Failure(f"cycle has {len(pts)} points, expected {p}")
    if len(set(pts)) != p:
        raise Failure("cycle points are not distinct")
    try:
        for i, xi in enumerate(pts):
            if _exact(prog, xi) != pts[(i + 1) % p]:
                raise Failure(f"f({q_str(xi)}) != {q_str(pts[(i + 1) % p])}")
    except NotExact:
        raise Failure("exact cycle on a map that cannot be evaluated exactly at its points") from None
    return [(x, x) for x in pts]


def _exact(prog: Program, x):
    """f(x) exactly: by the program's algebra, or, for a transcendental map, where each function
    meets a point with a rational value (tanh(0) = 0, exp(0) = 1, ...: certify.checker.taylor)."""
    try:
        return eval_exact(prog, x)
    except NotExact:
        return exact_value(prog, x)


def fact_cycle_krawczyk(prog: Program, fact: dict, p: int):
    """Krawczyk on the cyclic system: exactly one p-cycle with x_i in box i; disjoint boxes."""
    if p > MAX_KRAWCZYK_PERIOD or len(fact["boxes"]) != p:
        raise Failure(f"a Krawczyk cycle has p boxes, p at most {MAX_KRAWCZYK_PERIOD} (a p x p ball matrix is "
                      "inverted)")
    boxes = [interval_parse(b) for b in fact["boxes"]]
    if len(boxes) != p:
        raise Failure(f"cycle has {len(boxes)} boxes, expected {p}")
    order = sorted(boxes)
    for a, b in zip(order, order[1:]):
        if not a[1] < b[0]:
            raise Failure("cycle boxes are not pairwise disjoint, so the period is not proved minimal")
    if not krawczyk_cycle(prog, boxes):
        raise Failure("Krawczyk test K(X) in int(X) fails for the cycle boxes")
    return boxes


def fact_li_yorke(prog: Program, fact: dict):
    """f^3(a) <= a < f(a) < f^2(a), or the reverse: Li-Yorke's condition at the rational a."""
    a = q_parse(fact["a"])
    try:
        y1 = eval_exact(prog, a)
        y2 = eval_exact(prog, y1)
        y3 = eval_exact(prog, y2)
        up = y3 <= a < y1 < y2
        down = y3 >= a > y1 > y2
    except NotExact:
        A = arb(a)
        y1 = eval_ball(prog, A)
        y2 = eval_ball(prog, y1)
        y3 = eval_ball(prog, y2)
        up = (y3 <= A) and (A < y1) and (y1 < y2)
        down = (y3 >= A) and (A > y1) and (y1 > y2)
    if not (up or down):
        raise Failure(f"Li-Yorke inequalities do not hold at a = {fact['a']}")
    return "increasing" if up else "decreasing"


def _steps(cells, p: int) -> None:
    """A cover of len(cells) cells followed for p steps each stays within the kernel's work limit."""
    if not isinstance(cells, list) or len(cells) * p > MAX_STEPS:
        raise Failure(f"cells x period must be at most {MAX_STEPS} (the checker's work limit)")


def _end(v):
    """A cell end: an exact rational, or None (an infinite end of the whole line's outer cells)."""
    return None if v is None else q_parse(v)


def _inside(x, lo, hi) -> bool:
    """lo <= x <= hi, a None end being infinite."""
    return (lo is None or lo <= x) and (hi is None or x <= hi)


def _piece_over(pl, lo, hi):
    """Index of the piece of f containing the interval [lo, hi] (None ends infinite), or None when a
    break lies strictly inside it (f is then not affine on it)."""
    k = 0 if lo is None else bisect_right(pl.breaks, lo)
    if k < len(pl.breaks) and (hi is None or pl.breaks[k] < hi):
        return None
    return k


def _image(s, c, lo, hi):
    """The image of the interval [lo, hi] (None ends infinite) under x -> s x + c."""
    if s == 0:
        return c, c
    a = None if lo is None else s * lo + c
    b = None if hi is None else s * hi + c
    return (a, b) if s > 0 else (b, a)


def fact_cover_pl(prog: Program, fact: dict, region, p: int):
    """Every solution of f^p(x) = x in the region, exactly; with region None, on the whole line.

    The cells tile the region (or R: the first cell is (-inf, u_1], the last [u_k, +inf)). Along
    each cell every iterate f^j, j <= p, is affine: the image of the cell under f^(j-1) lies in one
    piece of f (no break strictly inside). With a region, a cell may stop early when its image
    lies outside the region (every point of a periodic orbit lies in the region). On a surviving
    cell f^p = A x + B: A != 1 gives one candidate, A = 1 and B = 0 a continuum of points fixed by
    f^p, which has points of minimal period p unless f^d = id on the cell for a proper divisor d.
    Returns (orbits of minimal period p as exact points, continuum flag).
    """
    pl = prog.pl()
    if pl is None:
        raise Failure("cover_pl on a map that is not piecewise linear")
    _steps(fact["cells"], p)
    cells = [(_end(c[0]), _end(c[1])) for c in fact["cells"]]
    _check_tiling(cells, region)
    points, continuum = set(), []
    for lo, hi in cells:
        coeffs = [(fmpq(1), fmpq(0))]  # f^j(x) = A x + B on the cell, j = 0..p
        u, v = lo, hi
        left = False
        for _ in range(p):
            k = _piece_over(pl, u, v)
            if k is None:
                raise Failure(f"f^j is not affine on the cell [{_show(lo)}, {_show(hi)}]")
            s, c = pl.slopes[k], pl.icepts[k]
            A, B = coeffs[-1]
            coeffs.append((s * A, s * B + c))
            u, v = _image(s, c, u, v)
            if region is not None and ((v is not None and v < region[0]) or (u is not None and u > region[1])):
                left = True
                break
        if left:
            continue
        A, B = coeffs[p]
        point = lo is not None and lo == hi  # a one-point cell (of a one-point region)
        if A == 1 and not point:  # f^p = id on the cell (B = 0) or no solution there
            if B == 0 and all(coeffs[d] != (1, 0) for d in divisors(p)[:-1]):
                continuum.append((lo, hi))
            continue
        x = lo if point else B / (1 - A)
        if _inside(x, lo, hi) and A * x + B == x and min_period(pl, x, p) == p:
            points.add(x)
    return orbits_from_points(pl, points, p, continuum), bool(continuum)


def _show(v) -> str:
    return "inf" if v is None else q_str(v)


def min_period(f, x, p):
    """The least n <= p with f^n(x) = x, or None when there is none (x need not be periodic)."""
    y = x
    for n in range(1, p + 1):
        y = f(y)
        if y == x:
            return n
    return None


def orbits_from_points(f, points, p, continuum=()):
    """The orbits of the isolated solutions `points` of minimal period p, each from its leftmost point.

    The solutions of minimal period p form an f-invariant set, so every orbit point must be one
    of `points` or lie in a `continuum` cell (f^p = id there); anything else means the cover
    missed a solution.
    """
    orbits, seen = [], set()
    for x in sorted(points):
        if x in seen:
            continue
        orb = [x]
        for _ in range(p - 1):
            orb.append(f(orb[-1]))
        if any(y not in points and not any(_inside(y, lo, hi) for lo, hi in continuum) for y in orb):
            raise Failure("an orbit leaves the set of solutions (inconsistent cover)")
        i = orb.index(min(orb))
        orb = orb[i:] + orb[:i]
        seen.update(orb)
        orbits.append(orb)
    return orbits


def _check_tiling(cells, region):
    """The cells (consecutive, positive length) tile the region; region None: the whole line, the
    outer cells unbounded (None ends)."""
    if not cells:
        raise Failure("empty cover")
    want = (None, None) if region is None else region
    if cells[0][0] != want[0] or cells[-1][1] != want[1] or (region is not None and None in (want[0], want[1])):
        raise Failure("cover does not span the region")
    for (a, b), (c, _) in zip(cells, cells[1:]):
        if b is None or b != c:
            raise Failure(f"cover has a gap or overlap at {_show(b)}")
    if region is not None and region[0] == region[1] and len(cells) == 1:
        return  # a one-point region is covered by the one-point cell
    for a, b in cells:
        if a is not None and b is not None and not a < b:
            raise Failure(f"empty cell [{q_str(a)}, {q_str(b)}]")


def excluded_in_piece(fam: Program, a, b, lo, hi, p: int) -> bool:
    """f_r^p(x) != x for all x in [lo, hi] and r in [a, b], by the mean-value form centred at
    (c, m), the midpoints: F(x, r) = F(c, m) + F_x(xi, m) (x - c) + F_r(x, eta) (r - m), with
    F = f^p - id. Centring in both variables keeps first-order effects exact, so a piece of
    parameters may be much wider than its distance to a tangency."""
    c, m = (lo + hi) / 2, (a + b) / 2
    at_m, at_R = fam.at_ball(m, m), fam.at_ball(a, b)
    X, one = ball_of(lo, hi), arb(1)
    Fc = image(at_m, arb(c), p) - arb(c)
    Y, dY = X, one
    Z, dZ = X, arb(0)
    for _ in range(p):
        Y, dy = eval_ball(at_m, Y, deriv=True)
        dY = dY * dy
        Z, dZ = eval_ball(at_R, Z, deriv=True, seed=(dZ, one))
    val = Fc + (dY - 1) * (X - arb(c)) + dZ * (ball_of(a, b) - arb(m))
    return val.is_finite() and (val > 0 or val < 0)


def fact_cover_ball(prog: Program, fact: dict, region, p: int, extra=None):
    """Cells tile the region; each is excluded or holds exactly one solution of known minimal period
    (Krawczyk, or for tag "t" an exact rational root of known multiplicity: certify.checker.taylor;
    tag "a" the same at an algebraic point: certify.checker.algebraic).

    `extra` maps further exclusion tags to their tests (lo, hi) -> bool. Returns the root boxes
    of minimal period p, sorted.
    """
    rows = fact["cells"]
    _steps(rows, p)
    cells = [(q_parse(r[0]), q_parse(r[1])) for r in rows]
    _check_tiling(cells, region)
    roots = []
    for (lo, hi), row in zip(cells, rows):
        tag = row[2]
        where = f"cell [{row[0]}, {row[1]}]"
        if tag == "x":
            if not leaves_or_misses(prog, lo, hi, p, region):
                raise Failure(f"{where}: exclusion by iteration not proved")
        elif tag == "n":
            if not no_root_newton(prog, lo, hi, p):
                raise Failure(f"{where}: Newton exclusion not proved")
        elif tag == "r":
            q = whole(row[3], "a root cell's period", 1, p)
            tl, th = interval_parse(row[4])
            if not (lo <= tl < th <= hi) or p % q:
                raise Failure(f"{where}: malformed root cell")
            if not (unique_root(prog, lo, hi, p) and unique_root(prog, tl, th, p)):
                raise Failure(f"{where}: uniqueness of the solution of f^{p}(x) = x not proved")
            if q < p and not unique_root(prog, tl, th, q):
                raise Failure(f"{where}: the solution is not proved fixed by f^{q}")
            for d in divisors(q)[:-1]:
                if not disjoint_image(prog, tl, th, d):
                    raise Failure(f"{where}: the solution is not proved to have minimal period {q}")
            if q == p:
                roots.append((tl, th))
        elif tag == "t":  # an exact rational root of multiplicity k, alone in the cell (taylor (M))
            x0, k = q_parse(row[3]), whole(row[4], "a root's multiplicity", 1, MAX_ORDER)
            if not isolated_root(prog, lo, hi, x0, k, p):
                raise Failure(f"{where}: {row[3]} is not proved the only solution of f^{p}(x) = x "
                              f"(a root of multiplicity {k})")
            try:
                q = min_period(lambda t: _exact(prog, t), x0, p)
            except NotExact:
                raise Failure(f"{where}: the orbit of {row[3]} cannot be followed exactly") from None
            if q == p:
                roots.append((x0, x0))
        elif tag == "a":  # an exact algebraic root of multiplicity k, alone in the cell (taylor (M))
            from certify.checker.algebraic import fact_algebraic_root_cell
            try:
                box, q = fact_algebraic_root_cell(prog, row, lo, hi, p)
            except Failure as e:
                raise Failure(f"{where}: {e}") from None
            if q == p:
                roots.append(box)
        elif extra and tag in extra:
            if not extra[tag](lo, hi):
                raise Failure(f"{where}: exclusion {tag!r} not proved")
        else:
            raise Failure(f"{where}: unknown tag {tag!r}")
    return roots


def successors(prog: Program, roots):
    """For sorted disjoint root boxes: index of the only box f(box_i) meets, or None if not unique."""
    from bisect import bisect_left, bisect_right

    los = [r[0] for r in roots]
    out = []
    for lo, hi in roots:
        Y = eval_ball(prog, ball_of(lo, hi))
        if not Y.is_finite():
            out.append(None)
            continue
        a = max(0, bisect_left(los, Y.lower().fmpq()) - 1)
        b = bisect_right(los, Y.upper().fmpq())
        hits = [j for j in range(a, b) if not (below(Y, roots[j][0]) or above(Y, roots[j][1]))]
        out.append(hits[0] if len(hits) == 1 else None)
    return out


def orbits_from_roots(prog: Program, roots, orbits_claimed, p: int, region):
    """The claimed orbits are exactly the cycles of root boxes (of minimal period p) meeting the region.

    f(box_i) must meet box_{i+1} and no other root box; each orbit lies in the region; every root
    box meeting the region belongs to exactly one claimed orbit.
    """
    roots = sorted(roots)
    index = {r: i for i, r in enumerate(roots)}
    succ = successors(prog, roots)
    used = set()
    for orb in orbits_claimed:
        boxes = [interval_parse(b) for b in orb]
        if len(boxes) != p:
            raise Failure(f"an orbit has {len(boxes)} points, expected {p}")
        for i, b in enumerate(boxes):
            if b not in index or index[b] in used:
                raise Failure(f"orbit box [{q_str(b[0])}, {q_str(b[1])}] is not an unused root box")
            if root_in_region(prog, b, p, region) is not True:
                raise Failure("an orbit point is not proved to lie in the region")
            used.add(index[b])
            if succ[index[b]] != index.get(boxes[(i + 1) % p]):
                raise Failure(f"f does not map orbit box {i} onto its successor alone")
    meeting = {i for i, b in enumerate(roots) if root_in_region(prog, b, p, region) is not False}
    if meeting - used:
        raise Failure(f"{len(meeting - used)} root box(es) of minimal period {p} belong to no listed orbit")


def orbit_enclosures(prog: Program, box, d: int):
    """Exact intervals enclosing x, f(x), ..., f^(d-1)(x) for every x in box (ball images)."""
    out = [tuple(box)]
    Y = ball_of(*box)
    for _ in range(d - 1):
        Y = eval_ball(prog, Y)
        if not Y.is_finite():
            raise Failure("an orbit enclosure is not finite")
        out.append((Y.lower().fmpq(), Y.upper().fmpq()))
    return out


def fact_roots_count(prog: Program, fact: dict, p: int):
    """Disjoint enclosures of deg(f)^p distinct solutions of f^p(x) = x: all of them, all real.

    f^p(x) - x is a polynomial of degree deg(f)^p (deg f >= 2), so it has no other root, real or
    complex. Each listed entry is an orbit of period d | p: a box with a unique solution of
    f^d(x) = x and the images of that box. Returns the orbits of minimal period p (enclosures).
    """
    if not prog.is_polynomial():
        raise Failure("roots_count needs a polynomial map")
    try:
        f = eval_exact(prog, fmpq_poly([0, 1]))
    except NotExact:
        raise Failure("roots_count needs a polynomial map") from None
    if not isinstance(f, fmpq_poly) or f.degree() < 2:
        raise Failure("roots_count needs a polynomial map of degree >= 2")
    if f.degree() ** p > MAX_STEPS:
        raise Failure(f"f^{p}(x) - x has degree {f.degree()}^{p}: beyond the checker's work limit {MAX_STEPS}")
    degree = f.degree() ** p
    periods = [whole(entry["period"], "an orbit's period", 1, p) for entry in fact["orbits"]]
    if any(p % d for d in periods) or sum(periods) != degree:
        raise Failure(f"the orbit periods must divide {p} and add up to the degree {degree} of f^{p}(x) - x")
    allboxes, orbits, total = [], [], 0
    for entry, d in zip(fact["orbits"], periods):
        box = interval_parse(entry["box"])
        if not unique_root(prog, *box, d):
            raise Failure(f"no proved solution of f^{d}(x) = x in [{entry['box']['lo']}, {entry['box']['hi']}]")
        encl = orbit_enclosures(prog, box, d)
        if min(encl) != encl[0]:
            raise Failure("an orbit's box must hold its leftmost point")
        allboxes.extend(encl)
        total += d
        if d == p:
            orbits.append(encl)
    allboxes.sort()
    for a, b in zip(allboxes, allboxes[1:]):
        if not a[1] < b[0]:
            raise Failure(f"enclosures overlap near {q_str(a[1])[:40]}: the solutions are not proved distinct")
    if total != degree:
        raise Failure(f"{total} solutions listed, but f^{p}(x) - x has degree {degree}")
    return orbits


def fact_monotone(prog: Program, fact: dict, region, p: int):
    """f' >= 0 (or <= 0) on every cell of a tiling of the region: no point of minimal period p.

    If f is non-decreasing on a set holding a periodic orbit, the orbit's least point x has
    f(x) >= x and then f^n(x) >= f(x) for all n, so x is fixed: only period 1. If f is
    non-increasing there, f^2 is non-decreasing: only periods 1 and 2.
    """
    direction = fact["direction"]
    if direction not in ("increasing", "decreasing"):
        raise Failure(f"unknown direction {direction!r}")
    if p < (2 if direction == "increasing" else 3):
        raise Failure(f"a {direction} map can have period {p}")
    _steps(fact["cells"], 1)
    cells = [(q_parse(c[0]), q_parse(c[1])) for c in fact["cells"]]
    _check_tiling(cells, region)
    for lo, hi in cells:
        d = eval_ball(prog, ball_of(lo, hi), deriv=True)[1]
        if not (d >= 0 if direction == "increasing" else d <= 0):
            raise Failure(f"f' is not proved {'>= 0' if direction == 'increasing' else '<= 0'} "
                          f"on [{q_str(lo)}, {q_str(hi)}]")


def root_in_region(prog: Program, box, q: int, region):
    """Whether the unique solution of f^q(x) = x in box lies in the region (None: undecided).

    A box across a region end e is decided by g = f^q - id: g(e) exactly 0 means the solution is
    e; otherwise a certain sign change of g between e and one end of the box locates it.
    """
    lo, hi = box
    RL, RU = region
    if RL <= lo and hi <= RU:
        return True
    if hi < RL or lo > RU:
        return False
    if lo < RL and hi > RU:
        return None
    e, inside_above = (RL, True) if lo < RL else (RU, False)

    def g(t):
        return image(prog, arb(t), q) - arb(t)

    ge = g(e)
    if ge.is_exact() and ge == 0:
        return True
    gl, gh = g(lo), g(hi)
    if (ge > 0 and gh < 0) or (ge < 0 and gh > 0):
        return inside_above  # the solution is in (e, hi]
    if (ge > 0 and gl < 0) or (ge < 0 and gl > 0):
        return not inside_above  # the solution is in [lo, e)
    return None


def cycle_exponent(prog: Program, boxes):
    """(lambda, multiplier) balls: (1/p) sum log|f'(X_i)| and prod f'(X_i) over an orbit's boxes."""
    ds = [eval_ball(prog, ball_of(lo, hi), deriv=True)[1] for lo, hi in boxes]
    mult = arb(1)
    for d in ds:
        mult = mult * d
    if not mult.is_finite() or mult.contains(0):
        return None, mult
    return abs(mult).log() / len(boxes), mult


def verify_exponents(prog: Program, orbits, exponents) -> None:
    """Each stated exponent interval contains the orbit's Lyapunov exponent; stated stability holds."""
    if len(exponents) != len(orbits):
        raise Failure("one exponent entry per listed orbit is required")
    for i, (boxes, e) in enumerate(zip(orbits, exponents)):
        lam, mult = cycle_exponent(prog, boxes)
        lo, hi = interval_parse(e["exponent"])
        if lam is None or not (lam >= arb(lo).upper() and lam <= arb(hi).lower()):
            raise Failure(f"orbit {i}: the exponent is not proved to lie in [{e['exponent']['lo']}, "
                          f"{e['exponent']['hi']}]")
        stable = e.get("stable")
        if stable is True and not abs(mult) < 1:
            raise Failure(f"orbit {i}: |multiplier| < 1 (attracting) is not proved")
        if stable is False and not abs(mult) > 1:
            raise Failure(f"orbit {i}: |multiplier| > 1 (repelling) is not proved")


def fact_constant_slope(prog: Program, fact: dict):
    """|f'| = s on every piece of a PL map (or, with "interval" I, on every piece meeting I, where
    f(I) is in I exactly): every orbit (in I) avoiding the breaks has exponent log s."""
    pl = prog.pl()
    s = q_parse(fact["s"])
    if pl is None or s <= 0:
        raise Failure("constant_slope needs a piecewise-linear map and s > 0")
    slopes = pl.slopes
    if fact.get("interval") is not None:
        lo, hi = interval_parse(fact["interval"])
        img = pl_image(pl, lo, hi) if lo < hi else None
        if img is None or img[0] < lo or img[1] > hi:
            raise Failure("constant_slope: f(I) is not inside I")
        ends = [None] + list(pl.breaks) + [None]
        slopes = [t for k, t in enumerate(pl.slopes)
                  if (ends[k] is None or ends[k] < hi) and (ends[k + 1] is None or ends[k + 1] > lo)]
    if any(abs(t) != s for t in slopes):
        raise Failure(f"the map does not have |slope| = {fact['s']} on every piece" +
                      (" meeting I" if fact.get("interval") is not None else ""))
    return s
