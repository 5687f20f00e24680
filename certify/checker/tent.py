"""Windows of the tent family s min(x, 1 - x) for every period, exactly (trusted kernel).

Fact `tent_window` of a windows claim of period p = 2^j m (m odd) on [A, B] inside [1, 2], for the
family T_s(x) = s min(x, 1 - x) exactly. Theorems it rests on:
- (C) h_top(T_s) = log s for s in [1, 2]: T_s maps [0, 1] into itself with |slope| = s
  (Misiurewicz-Szlenk; h <= max(0, log Lip)); every periodic orbit of period >= 2 lies in [0, 1]
  (x < 0 gives s x <= x, x > 1 gives T_s(x) < 0).
- (BGMY) Block, Guckenheimer, Misiurewicz, Young (1980): an interval map with a periodic orbit of
  period 2^j m, m >= 3 odd, has h_top >= 2^-j log lambda_m, lambda_m the largest root of
  x^m - 2 x^(m-2) - 1 (Stefan orbits). With (C): no point of period p for s < sigma_p =
  lambda_m^(1/2^j), the largest real root of q_p(x) = x^(2^j m) - 2 x^(2^j (m-2)) - 1.
- (Mon) the set of periods of T_s is non-decreasing in s on [1, 2] (the kneading sequence of the
  tent family is monotone in s: Milnor-Thurston 1988; de Melo-van Strien 1993, ch. II). With the
  orbit of 1/2 of minimal period p at sigma_p (checked exactly in Q(sigma_p)): period p for every
  s in [sigma_p, 2].
- p = 2^j >= 2: for s > 1, h_top > 0 (C), so T_s has a period that is not a power of 2
  (Misiurewicz) and hence every power of 2 (Sharkovskii); T_1 has only fixed points (it is the
  identity on (-inf, 1/2] and maps (1/2, inf) into it). No monotonicity is used there.
Checked: sigma_p's minimal polynomial g (an irreducible factor of q_p, factored by flint) has
exactly one real root in the stated interval [a, b], q_p none in (b, 4] (so it is the largest:
every real root of q_p is below 1 + max |coefficient| = 4), and the orbit of 1/2 under T_sigma,
computed exactly modulo g (each side of 1/2 decided from the sign of a polynomial at the
isolated root), returns to 1/2 first at step p.
"""

from __future__ import annotations

from flint import arb, fmpq, fmpq_poly, fmpz_poly

from certify.certificates import interval_parse
from certify.checker import facts as F
from certify.checker.polynomials import count_real_roots

__all__ = ["is_tent", "split", "stefan_poly", "tent_window", "THEOREMS"]

THEOREMS = ("h_top(T_s) = log s (constant slope, Misiurewicz-Szlenk); Block-Guckenheimer-Misiurewicz-Young minimal "
            "entropy of period 2^j m: 2^-j log lambda_m; periods non-decreasing in s for the tent family "
            "(Milnor-Thurston kneading theory)")


def is_tent(canon: dict) -> bool:
    """The canonical family is s min(x, 1 - x) in its parameter, exactly (sympy)."""
    import sympy

    from certify.checker.semantics import family_expr
    got = family_expr(canon)
    if got is None:
        return False
    expr, x, s = got
    return expr == s * sympy.Min(x, 1 - x)  # structurally: exactly this family


def split(p: int) -> tuple:
    """(j, m) with p = 2^j m, m odd."""
    j = 0
    while p % 2 == 0:
        p, j = p // 2, j + 1
    return j, p


def stefan_poly(p: int) -> fmpz_poly:
    """q_p(x) = x^(2^j m) - 2 x^(2^j (m - 2)) - 1 for p = 2^j m, m >= 3 odd."""
    j, m = split(p)
    c = [0] * (p + 1)
    c[p], c[0] = 1, -1
    c[(2 ** j) * (m - 2)] -= 2
    return fmpz_poly(c)


def _sign_at(y: fmpq_poly, g: fmpz_poly, a: fmpq, b: fmpq):
    """The sign of y(sigma), sigma the root of g in [a, b] (y not divisible by g): narrow [a, b] by
    exact bisection on the sign of g until a ball evaluation decides. Returns (sign, a, b)."""
    from certify.checker.semantics import workprec

    ga = g(a)
    for _ in range(400):
        with workprec(256):
            ball, v = arb(a).union(arb(b)), arb(0)
            for c in reversed(y.coeffs()):
                v = v * ball + arb(c)
        if v > 0 or v < 0:
            return (1 if v > 0 else -1), a, b
        mid = (a + b) / 2
        gm = g(mid)
        if gm == 0:
            raise F.Failure("fact tent_window: the root is rational")
        if (gm > 0) == (ga > 0):
            a, ga = mid, gm
        else:
            b = mid
    raise F.Failure("fact tent_window: a sign along the orbit of 1/2 was not decided")


def tent_window(canon: dict, fact: dict, p: int, A: fmpq, B: fmpq):
    """Fact `tent_window`: (the window's left end: ("open", 1) for a power of 2, ("root", g, a, b)
    or ("start", A)); raises Failure unless every check of the module's docstring passes."""
    if not is_tent(canon):
        raise F.Failure("fact tent_window: the family is not s*min(x, 1 - x) in its parameter")
    if not (1 <= A < B <= 2) or not 2 <= p <= 64:
        raise F.Failure("fact tent_window: needs 1 <= A < B <= 2 and a period 2..64")
    j, m = split(p)
    if m == 1:
        if "root" in fact:
            raise F.Failure("fact tent_window: a power of 2 has no root")
        return ("open", fmpq(1)) if A == 1 else ("start", A)
    a, b = interval_parse(fact.get("root"))
    if not (1 < a < b <= 2):
        raise F.Failure("fact tent_window: the root interval must lie in (1, 2]")
    q = stefan_poly(p)
    if count_real_roots(fmpq_poly(q.coeffs()), b, fmpq(4)) != 0:
        raise F.Failure("fact tent_window: q_p has a real root past the interval: it is not the largest")
    _, factors = q.factor()
    owners = [g for g, _ in factors if count_real_roots(fmpq_poly(g.coeffs()), a, b) > 0]
    if len(owners) != 1 or count_real_roots(fmpq_poly(owners[0].coeffs()), a, b) != 1:
        raise F.Failure("fact tent_window: the interval does not isolate one root of q_p")
    g = owners[0]
    gq = fmpq_poly(g.coeffs())
    # the orbit of 1/2 under T_sigma, exactly modulo g
    y, lo, hi = fmpq_poly([fmpq(1, 2)]), a, b
    sigma = fmpq_poly([0, 1])
    for k in range(1, p + 1):
        d = y - fmpq(1, 2)
        if k > 1 and (d % gq).is_zero():
            raise F.Failure(f"fact tent_window: 1/2 returns at step {k - 1} < {p}")
        if k == 1:
            y = sigma * fmpq(1, 2)
        else:
            sgn, lo, hi = _sign_at(d % gq, gq, lo, hi)
            y = (sigma * y if sgn < 0 else sigma * (1 - y)) % gq
    if not ((y - fmpq(1, 2)) % gq).is_zero():
        raise F.Failure(f"fact tent_window: the orbit of 1/2 does not return at step {p}")
    return "root", g, a, b


def windows(canon: dict, cert: dict, fact: dict, p: int, A: fmpq, B: fmpq, name: str):
    """The windows statement of a `tent_window` fact: one window [sigma_p, B] (or (1, B], [A, B]) or none."""
    from certify.certificates import interval
    from certify.checker.markov import poly_text
    from certify.checker.statement import Statement, iv, num

    got = tent_window(canon, fact, p, A, B)
    head = f"for {name} in [{num(A)}, {num(B)}], f_{name} has points of minimal period {p} exactly "
    if got[0] == "root":
        _, g, a, b = got
        if b < A:
            want, text = [(A, A)], f"for every {name} in [{num(A)}, {num(B)}] ({name}_{p} < {num(A)})"
        elif a > B:
            want, text = [], f"for no {name} ({name}_{p} > {num(B)})"
        elif A <= a and b <= B:
            want = [(a, b)]
            text = (f"for {name} in [{name}_{p}, {num(B)}], {name}_{p} {iv(interval(a, b))} the largest root of "
                    f"{poly_text(g).replace('x', name)} (minimal polynomial; {name}_{p}^{2 ** split(p)[0]} = "
                    f"lambda_{split(p)[1]})")
        else:
            raise F.Failure("fact tent_window: the root interval straddles an end of the range")
    else:
        want = [(A, A)]
        text = (f"for every {name} in (1, {num(B)}]" if got[0] == "open" else
                f"for every {name} in [{num(A)}, {num(B)}]") + " (a power of 2: Misiurewicz, Sharkovskii)"
    stated = cert.get("windows")
    if not isinstance(stated, list) or any(not isinstance(w, dict) or set(w) != {"from", "to", "orbits"}
                                           for w in stated):
        raise F.Failure("windows is a list of {from, to, orbits}")
    if [(interval_parse(w["from"]), interval_parse(w["to"]), w["orbits"]) for w in stated] != \
            [(lo_hi, (B, B), None) for lo_hi in want]:
        raise F.Failure("the stated windows are not the tent_window fact's")
    return Statement(head + text + f" ({THEOREMS})", len(cert["evidence"]))
