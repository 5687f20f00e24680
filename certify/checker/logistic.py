"""Every window of the logistic family r x (1 - x) without elimination (trusted kernel).

Fact `logistic_births` of a windows claim, for the family f_r(x) = r x (1 - x) exactly, on a
range [A, B] with 1 <= A < B <= 4. Theorems it rests on (the real quadratic family; r in [1, 4] is
x^2 + c with c = r/2 - r^2/4 decreasing from 1/4 to -2, after an affine change of x):
- (T1) Douady-Hubbard: each hyperbolic component of period p has exactly one center (a
  superstable parameter: f_r^p(1/2) = 1/2, minimal period p) and one root (a parabolic parameter:
  a p-cycle of multiplier 1, primitive component, or a p/2-cycle of multiplier -1, satellite);
  distinct components have distinct roots; a real parabolic parameter is the root of a real
  component, whose center is real and lies past it (r larger).
- (T2) Monotonicity (Milnor-Thurston 1988; Douady-Hubbard; Sullivan; a real proof: Tsujii 2000):
  a real periodic orbit of f_r persists for every larger r in [1, 4]. With Morton-Vivaldi (the
  real roots of Phi_p change only at multiple roots: p-cycles of multiplier 1, p/2-cycles of
  multiplier -1), the number N_p(r) of real p-orbits is constant between the real roots of the
  period-p components and grows by 2 at a primitive root, by 1 at a satellite root.
- (T3) f_4 is semi-conjugate to the doubling map (f_4(sin^2 t) = sin^2 2t): it has 2^n real points
  of period dividing n, so N_p(4) = (1/p) sum_{d | p} mu(p/d) 2^d.
Checked here, each exactly or in outward-rounded ball arithmetic:
- a cover of [A, 4] by cells on which S_p(r) = f_r^p(1/2) - 1/2 has no zero ("x"), or exactly one
  (Krawczyk) which has minimal period p (S_d excluded for every proper divisor d: "c") or is a zero
  of some S_d (Krawczyk for S_d: "l"): n centers of minimal period p in (A, 4];
- n births: disjoint boxes X x R with R in (A, 4], each holding (Krawczyk in two dimensions) a
  unique solution of g(x) = x, g'(x) = s with g = f_r^p, s = 1 (saddle-node; x of minimal period p)
  or g = f_r^(p/2), s = -1 (period doubling; x of minimal period p/2).
By T1 the births are roots of n distinct real components, with centers in (A, 4]; there are n such
centers, so these are all the real roots in (A, 4]. By T2 and T3 the number of p-orbits between
consecutive births follows from N_p(4) down; it must stay >= 0.
"""

from __future__ import annotations

from flint import arb, fmpq

from certify.certificates import interval_parse, q_parse
from certify.checker import facts as F

__all__ = ["is_logistic", "jet", "critical_orbit", "lyndon", "verify_births", "birth_factors", "birth_minpolys"]

MAX_MINPOLY_N = 5  # exact minimal polynomials of births from resultants in x of degree <= 2^5

HALF = fmpq(1, 2)
MAX_CELLS = 200_000
MAX_BIRTHS = 4096


def is_logistic(canon: dict) -> bool:
    """The canonical family is r x (1 - x) in its parameter, exactly (sympy identity of polynomials)."""
    import sympy

    from certify.checker.semantics import family_expr
    got = family_expr(canon)
    if got is None:
        return False
    expr, x, r = got
    if expr.free_symbols - {x, r}:
        return False
    return sympy.expand(expr - r * x * (1 - x)) == 0


def mobius(n: int) -> int:
    from certify.checker.dynatomic import mobius as mu
    return mu(n)


def lyndon(p: int) -> int:
    """N_p(4): the number of p-orbits of f_4 (T3)."""
    return sum(mobius(p // d) * 2 ** d for d in range(1, p + 1) if p % d == 0) // p


def jet(x, r, n: int):
    """(g, g_x, g_r, g_xx, g_xr) for g = f_r^n at (x, r), balls or numbers (forward mode)."""
    y, yx, yr, yxx, yxr = x, 1, 0, 0, 0
    for _ in range(n):
        fy = r * (1 - 2 * y)
        fyy = -2 * r
        fr = y * (1 - y)
        fyr = 1 - 2 * y
        y, yx, yr, yxx, yxr = (r * y * (1 - y), fy * yx, fy * yr + fr, fyy * yx * yx + fy * yxx,
                               fyy * yx * yr + fyr * yx + fy * yxr)
    return y, yx, yr, yxx, yxr


def critical_orbit(r, n: int):
    """[(S_k, S_k') for k = 1..n]: S_k(r) = f_r^k(1/2) - 1/2 and its r-derivative."""
    y, dy, out = HALF + 0 * r, 0 * r, []
    for _ in range(n):
        y, dy = r * y * (1 - y), y * (1 - y) + r * (1 - 2 * y) * dy
        out.append((y - HALF, dy))
    return out


def _mv(at_mid, on_box, a: fmpq, b: fmpq, m: fmpq):
    """Mean-value enclosures S(m) + S'(box) (box - m), intersected with the naive ones."""
    out = []
    rad = arb(a - m).union(arb(b - m))
    for (s_m, _), (s_box, d_box) in zip(at_mid, on_box):
        mv = s_m + d_box * rad
        out.append(mv.intersection(s_box) if mv.overlaps(s_box) else mv)
    return out


def _krawczyk_1d(s_m, d_box, a: fmpq, b: fmpq, m: fmpq) -> bool:
    """Krawczyk: the zero of S in [a, b] exists and is unique (K strictly inside (a, b))."""
    dm = d_box.mid()
    if dm == 0:
        return False
    y = (1 / dm).mid()
    k = arb(m) - y * s_m + (1 - y * d_box) * arb(a - m).union(arb(b - m))
    return bool(k > arb(a) and k < arb(b))


def cover_centers(p: int, A: fmpq, cuts, tags: str, prec: int) -> int:
    """Verify the superstable cover of [A, 4]; returns the number of centers of minimal period p."""
    from certify.checker.semantics import workprec

    cuts = [q_parse(c) for c in cuts]
    if not isinstance(tags, str) or len(tags) != len(cuts) - 1 or set(tags) - set("xcl"):
        raise F.Failure("fact logistic_births: one tag among x, c, l per cell of the superstable cover")
    if len(tags) > MAX_CELLS:
        raise F.Failure(f"fact logistic_births: more than {MAX_CELLS} cells")
    if cuts[0] != A or cuts[-1] != 4 or any(not u < v for u, v in zip(cuts, cuts[1:])):
        raise F.Failure("fact logistic_births: the cells must tile [A, 4] in order")
    divs = [d for d in range(1, p) if p % d == 0]
    n = 0
    with workprec(prec):
        for a, b, tag in zip(cuts, cuts[1:], tags):
            m = (a + b) / 2
            at_m = critical_orbit(arb(m), p)
            box = critical_orbit(arb(a).union(arb(b)), p)
            enc = _mv(at_m, box, a, b, m)
            if tag == "x":
                if 0 in enc[p - 1]:
                    raise F.Failure(f"fact logistic_births: S_{p} is not proved non-zero on [{a}, {b}]")
                continue
            if not _krawczyk_1d(at_m[p - 1][0], box[p - 1][1], a, b, m):
                raise F.Failure(f"fact logistic_births: no unique zero of S_{p} proved on [{a}, {b}]")
            if tag == "c":
                if any(0 in enc[d - 1] for d in divs):
                    raise F.Failure(f"fact logistic_births: a lower period is not excluded on [{a}, {b}]")
                n += 1
            elif not any(_krawczyk_1d(at_m[d - 1][0], box[d - 1][1], a, b, m) for d in divs):
                raise F.Failure(f"fact logistic_births: the zero on [{a}, {b}] is not proved of a lower period")
    return n


def krawczyk_fold(n: int, sign: int, X, R, prec: int) -> bool:
    """A unique (x, r) in X x R with f_r^n(x) = x and (f_r^n)'(x) = sign (two-dimensional Krawczyk),
    x of minimal period n (f_r^d(x) != x on the box for every proper divisor d of n)."""
    from certify.checker.semantics import workprec

    (x0, x1), (r0, r1) = X, R
    if not (x0 < x1 and r0 < r1):
        return False
    with workprec(prec):
        xm, rm = (x0 + x1) / 2, (r0 + r1) / 2
        bx, br = arb(x0).union(arb(x1)), arb(r0).union(arb(r1))
        g, gx, _, _, _ = jet(arb(xm), arb(rm), n)
        G = (g - arb(xm), gx - sign)
        _, jx, jr, jxx, jxr = jet(bx, br, n)
        J = ((jx - 1, jr), (jxx, jxr))
        # Y: an approximate inverse of J at the midpoint (any matrix will do for Krawczyk)
        _, mx, mr, mxx, mxr = jet(arb(xm), arb(rm), n)
        a, b, c, d = (mx - 1).mid(), mr.mid(), mxx.mid(), mxr.mid()
        det = (a * d - b * c).mid()
        if det == 0 or not det.is_finite():
            return False
        Y = ((d / det).mid(), (-b / det).mid()), ((-c / det).mid(), (a / det).mid())
        dx, dr = bx - arb(xm), br - arb(rm)
        K = []
        for i in range(2):
            yg = Y[i][0] * G[0] + Y[i][1] * G[1]
            row = [(1 if i == j else 0) - (Y[i][0] * J[0][j] + Y[i][1] * J[1][j]) for j in range(2)]
            K.append((arb(xm), arb(rm))[i] - yg + row[0] * dx + row[1] * dr)
        if not (K[0] > arb(x0) and K[0] < arb(x1) and K[1] > arb(r0) and K[1] < arb(r1)):
            return False
        for e in range(1, n):
            if n % e == 0 and 0 in jet(bx, br, e)[0] - bx:
                return False
    return True


def verify_births(canon: dict, fact: dict, p: int, A: fmpq, B: fmpq):
    """Fact `logistic_births`: (sorted birth intervals R_k in (A, 4], orbit jumps j_k, N_p(4)).
    Raises Failure unless every check passes (see the module's docstring)."""
    if not is_logistic(canon):
        raise F.Failure("fact logistic_births: the family is not r*x*(1 - x) in its parameter")
    if not (1 <= A < B <= 4) or p < 2:
        raise F.Failure("fact logistic_births: needs 1 <= A < B <= 4 and p >= 2")
    prec = fact.get("prec")
    if isinstance(prec, bool) or not isinstance(prec, int) or not 64 <= prec <= 4096:
        raise F.Failure(f"fact logistic_births: precision {prec!r} out of range")
    centers = cover_centers(p, A, fact.get("cuts", []), fact.get("tags"), prec)
    births = fact.get("births")
    if not isinstance(births, list) or len(births) > MAX_BIRTHS:
        raise F.Failure("fact logistic_births: births must be a list")
    out, jumps = [], []
    for bt in births:
        if not isinstance(bt, dict) or set(bt) - {"minpoly"} != {"kind", "x", "r"} or \
                bt["kind"] not in ("saddle-node", "period-doubling"):
            raise F.Failure("fact logistic_births: a birth is {kind: saddle-node | period-doubling, x, r}")
        X, R = interval_parse(bt["x"]), interval_parse(bt["r"])
        sn = bt["kind"] == "saddle-node"
        if not sn and p % 2:
            raise F.Failure("fact logistic_births: a period doubling gives an even period")
        if not krawczyk_fold(p if sn else p // 2, 1 if sn else -1, X, R, prec):
            raise F.Failure(f"fact logistic_births: the {bt['kind']} in r {bt['r']} is not proved (Krawczyk)")
        out.append(R)
        jumps.append(2 if sn else 1)
    if any(not u[1] < v[0] for u, v in zip(out, out[1:])) or (out and not (A < out[0][0] and out[-1][1] <= 4)):
        raise F.Failure("fact logistic_births: the birth intervals must be sorted, disjoint and in (A, 4]")
    if len(out) != centers:
        raise F.Failure(f"fact logistic_births: {len(out)} births for {centers} centers of period {p} in (A, 4]")
    if any(lo <= B < hi for lo, hi in out):
        raise F.Failure("fact logistic_births: a birth interval straddles the range's end")
    top = lyndon(p)
    if sum(jumps) > top:
        raise F.Failure(f"fact logistic_births: the births add {sum(jumps)} orbits, more than the {top} of f_4")
    return out, jumps, top, centers


# ----------------------------------------------------------------------------- exact births
# A birth (x*, r*) proved by krawczyk_fold solves g(x) = x, g'(x) = s with g = f_r^n, x* of minimal
# period n. Write f_r^n(x) - x = Q(x, r) H(x, r), H a product of f_r^d(x) - x over proper divisors d
# of n (exact division), so H(x*, r*) != 0 and Q(x*, r*) = 0; with D = (f_r^n)'(x), the resultant
# Res_x(Q, D - s)(r) vanishes at r* (a common root x*; both leading coefficients in x are powers
# of r times integers, non-zero for r >= 1). r* is a root of exactly one irreducible factor of it;
# when that factor m is the only one with a real root in the birth interval R (and it has one
# there), r* is the root of m in R: m is r*'s minimal polynomial.

_FACTORS: dict = {}


def birth_factors(n: int, sign: int) -> list:
    """The distinct irreducible factors (fmpz_poly in r) of Res_x(Q_n, (f_r^n)' - sign), n <= MAX_MINPOLY_N."""
    from flint import fmpz_mpoly_ctx, fmpz_poly

    if not 1 <= n <= MAX_MINPOLY_N:
        raise F.Failure(f"fact logistic_births: minimal polynomials are checked for n <= {MAX_MINPOLY_N}")
    if (n, sign) in _FACTORS:
        return _FACTORS[(n, sign)]
    ctx = fmpz_mpoly_ctx.get(("x", "r"), "lex")
    x, r = ctx.gens()

    def orbit(k):
        y, d = x, ctx.from_dict({(0, 0): 1})
        for _ in range(k):
            y, d = r * y * (1 - y), d * (r * (1 - 2 * y))
        return y, d
    y, d = orbit(n)
    Q = y - x
    for e in range(n - 1, 0, -1):
        if n % e == 0:
            q, rem = divmod(Q, orbit(e)[0] - x)
            if rem == 0:
                Q = q
    res = Q.resultant(d - sign, "x")
    coeffs = [0] * (max(k[1] for k in res.to_dict()) + 1)
    for k, v in res.to_dict().items():
        coeffs[k[1]] += int(v)
    _FACTORS[(n, sign)] = [g for g, _ in fmpz_poly(coeffs).factor()[1]]
    return _FACTORS[(n, sign)]


def birth_minpolys(fact: dict, p: int) -> list:
    """Per birth of a verified logistic_births fact: its minimal polynomial (fmpz_poly) when the
    birth states one, checked as above, else None."""
    from flint import fmpq_poly, fmpz_poly

    from certify.checker.polynomials import count_real_roots

    out = []
    for bt in fact["births"]:
        if "minpoly" not in bt:
            out.append(None)
            continue
        cs = bt["minpoly"]
        if not isinstance(cs, list) or not 2 <= len(cs) <= 2000 or not all(isinstance(c, str) and
                                                                           c.lstrip("-").isdigit() for c in cs):
            raise F.Failure("fact logistic_births: a minpoly is a list of integer coefficients (strings), constant first")
        m = fmpz_poly([int(c) for c in cs])
        n, sign = (p, 1) if bt["kind"] == "saddle-node" else (p // 2, -1)
        lo, hi = interval_parse(bt["r"])
        owners = [g for g in birth_factors(n, sign) if count_real_roots(fmpq_poly(g.coeffs()), lo, hi) > 0]
        if len(owners) != 1 or owners[0] != m or count_real_roots(fmpq_poly(m.coeffs()), lo, hi) != 1:
            raise F.Failure(f"fact logistic_births: the birth in r {bt['r']} is not the root of the stated minpoly "
                            "(one irreducible factor of the resultant, one root in the interval)")
        out.append(m)
    return out
