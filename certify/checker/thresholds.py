"""Exact onset of a period in a polynomial family f_r(x): the kernel's elimination facts.

Part of the trusted kernel (python-flint multivariate polynomials; sympy's exact Sturm counts and
minimal polynomials). For the dynatomic polynomial
    Phi_p(x, r) = prod_{d | p} (f_r^d(x) - x)^mu(p/d),
every point of minimal period p of f_r is a real root of Phi_p(., r); a real root of lower period
d | p occurs only where the d-cycle's multiplier is a root of unity, where it is a multiple root
(Morton and Vivaldi, "Bifurcations and discriminants for polynomial maps", 1995). Hence on any
parameter interval where B(r) = disc_x(Phi_p) * lc_x(Phi_p) has no root, the number of real
roots of Phi_p(., r) is constant and all of them have minimal period p.
"""

from __future__ import annotations

import sympy
from flint import fmpq, fmpq_mpoly_ctx, fmpq_poly

from certify.checker.semantics import Program, eval_exact

_R = sympy.Symbol("r")


def mobius(n: int) -> int:
    res, k = 1, 2
    while k * k <= n:
        if n % k == 0:
            n //= k
            if n % k == 0:
                return 0
            res = -res
        k += 1
    return -res if n > 1 else res


def dynatomic(prog: Program, p: int):
    """Phi_p(x, r) as an fmpq_mpoly in (x, r), for a polynomial family with parameter r."""
    ctx = fmpq_mpoly_ctx.get(("x", "r"), "lex")
    x, r = ctx.gens()
    num, den = ctx.from_dict({(0, 0): 1}), ctx.from_dict({(0, 0): 1})
    for d in range(1, p + 1):
        if p % d:
            continue
        y = x
        for _ in range(d):
            y = eval_exact(prog, y, param=r)
        mu = mobius(p // d)
        if mu == 1:
            num = num * (y - x)
        elif mu == -1:
            den = den * (y - x)
    return num / den


def _in_r(mpoly) -> fmpq_poly:
    """An fmpq_mpoly in (x, r) free of x, as a univariate fmpq_poly in r."""
    terms = mpoly.to_dict()
    if any(e[0] for e in terms):
        raise ValueError("polynomial still depends on x")
    deg = max((e[1] for e in terms), default=0)
    coeffs = [fmpq(0)] * (deg + 1)
    for (_, j), c in terms.items():
        coeffs[j] = fmpq(c)
    return fmpq_poly(coeffs)


def bifurcation_poly(phi) -> fmpq_poly:
    """B(r) = disc_x(Phi) * lc_x(Phi): where the real roots of Phi(., r) may change in number."""
    terms = phi.to_dict()
    top = max(e[0] for e in terms)
    ctx = phi.context()
    lc = ctx.from_dict({(0, j): c for (i, j), c in terms.items() if i == top})
    return _in_r(phi.discriminant("x")) * _in_r(lc)


def at_param(phi, value: fmpq) -> fmpq_poly:
    """Phi(x, value) as a univariate fmpq_poly in x."""
    terms = phi.to_dict()
    deg = max(e[0] for e in terms)
    coeffs = [fmpq(0)] * (deg + 1)
    for (i, j), c in terms.items():
        coeffs[i] += fmpq(c) * value ** j
    return fmpq_poly(coeffs)


def to_sympy(poly: fmpq_poly, var=_R) -> sympy.Poly:
    return sympy.Poly([sympy.Rational(int(c.p), int(c.q)) for c in reversed(poly.coeffs())], var,
                      domain="QQ")


def count_real_roots(poly: fmpq_poly, lo=None, hi=None) -> int:
    """Number of distinct real roots in [lo, hi] (the whole line if None), by Sturm sequences."""
    if poly.degree() < 1:
        if poly.is_zero():
            raise ValueError("the zero polynomial")
        return 0
    P = to_sympy(poly).sqf_part()
    lo = None if lo is None else sympy.Rational(int(lo.p), int(lo.q))
    hi = None if hi is None else sympy.Rational(int(hi.p), int(hi.q))
    return int(P.count_roots(lo, hi))


def minpoly_of(text: str) -> sympy.Poly:
    """The minimal polynomial over Q (in r) of an exact real constant given as a canonical string."""
    from certify.checker.semantics import parse_canonical_expr
    expr = parse_canonical_expr(text)
    if expr.free_symbols:
        raise ValueError("an exact value may not contain variables")
    return sympy.Poly(sympy.minimal_polynomial(expr, _R), _R)


def check_onset(prog: Program, cert: dict) -> int:
    """Verify an onset certificate: its facts, and that they imply the stated onset. Returns #facts."""
    from certify.certificates import interval_parse, q_parse
    from certify.checker import facts as F
    from certify.checker.semantics import ball_of, eval_ball

    claim, canon = cert["claim"], cert["map"]["canonical"]
    p = int(claim["p"])
    if claim.get("param") != canon.get("param") or not prog.has_param() or p < 1:
        raise F.Failure("an onset claim needs a family whose parameter the claim names")
    A, Bend = interval_parse(claim["range"])
    if not A < Bend:
        raise F.Failure("empty parameter range")
    facts = {f.get("fact"): f for f in cert.get("evidence", [])}
    if set(facts) - {"onset_algebraic", "cycle_at", "no_onset"} or len(facts) != len(cert.get("evidence", [])):
        raise F.Failure("onset evidence must be onset_algebraic / cycle_at / no_onset, each at most once")
    phi = dynatomic(prog, p)
    bif = bifurcation_poly(phi)
    if bif.is_zero():
        raise F.Failure("the bifurcation polynomial vanishes identically")
    verdict = cert["verdict"]
    if verdict == "proved" and "onset_algebraic" not in facts:
        return _onset_at_start(prog, cert, facts, p, A)
    if count_real_roots(at_param(phi, A)) != 0:
        raise F.Failure(f"Phi_{p}(x, A) has real roots: period {p} is present at the start of the range")
    if verdict == "undecided":
        return len(facts)
    if verdict == "refuted":
        if "no_onset" not in facts:
            raise F.Failure("refuted onset needs a no_onset fact")
        if count_real_roots(bif, A, Bend) != 0:
            raise F.Failure("fact no_onset: B(r) has a real root in the range")
        return len(facts)
    alg, cyc = facts.get("onset_algebraic"), facts.get("cycle_at")
    if alg is None or cyc is None:
        raise F.Failure("a proved onset needs onset_algebraic and cycle_at facts")
    lo, hi = interval_parse(alg["isolating"])
    m = fmpq_poly([q_parse(c) for c in alg["minpoly"]])
    if not (A <= lo < hi <= Bend) or m.degree() < 1:
        raise F.Failure("fact onset_algebraic: isolating interval outside the range, or constant minpoly")
    if not (bif % m).is_zero():
        raise F.Failure("fact onset_algebraic: the minpoly does not divide B(r)")
    if m(lo) == 0 or m(hi) == 0 or count_real_roots(m, lo, hi) != 1:
        raise F.Failure("fact onset_algebraic: the minpoly has not exactly one root inside the interval")
    value = q_parse(cyc["value"])
    if not hi <= value <= Bend:
        raise F.Failure("fact cycle_at: the cycle must be at a parameter in [hi, end of range]")
    if count_real_roots(bif, A, value) != 1:
        raise F.Failure("fact onset_algebraic: B(r) has another real root in [A, the cycle's parameter]")
    _cycle_at(canon, cyc, p)
    if interval_parse(cert["onset"]) != (lo, hi):
        raise F.Failure("the stated onset differs from the isolating interval")
    if cert.get("exact") is not None:
        mp = minpoly_of(cert["exact"])
        if mp.monic() != to_sympy(m).monic():
            raise F.Failure("the exact form's minimal polynomial is not the certificate's minpoly")
        from certify.checker.semantics import workprec
        bits = 128 + 4 * max(lo.q.bit_length(), hi.q.bit_length(), abs(lo.p).bit_length(), abs(hi.p).bit_length())
        with workprec(bits):  # enough bits to separate the value from ends 10^-digits apart
            val = eval_ball(Program.from_sympy(_constant(cert["exact"])), ball_of(0, 0))
            inside = val > lo and val < hi
        if not inside:
            raise F.Failure("the exact form does not lie in the isolating interval")
    return len(facts)


def _cycle_at(canon: dict, cyc: dict, p: int) -> None:
    """The map at the fact's parameter value has the stated cycle of minimal period p."""
    from certify.certificates import q_parse
    from certify.checker import facts as F

    inner = cyc["cycle"]
    prog_v = Program.from_canonical(canon, value=q_parse(cyc["value"]))
    if inner.get("fact") == "cycle_exact":
        F.fact_cycle_exact(prog_v, inner, p)
    elif inner.get("fact") == "cycle_krawczyk":
        F.fact_cycle_krawczyk(prog_v, inner, p)
    else:
        raise F.Failure("fact cycle_at: the cycle must be cycle_exact or cycle_krawczyk")


def _onset_at_start(prog, cert, facts, p, A) -> int:
    """Period p already at the range's start A: the onset is A itself."""
    from certify.certificates import interval_parse, q_parse
    from certify.checker import facts as F

    cyc = facts.get("cycle_at")
    if cyc is None or q_parse(cyc["value"]) != A or interval_parse(cert["onset"]) != (A, A):
        raise F.Failure("an onset at the range's start needs a cycle_at fact at A and onset [A, A]")
    if cert.get("exact") is not None and q_parse(cert["exact"]) != A:
        raise F.Failure("the exact onset must be A")
    _cycle_at(cert["map"]["canonical"], cyc, p)
    return len(facts)


def _constant(text: str):
    from certify.checker.semantics import parse_canonical_expr
    return parse_canonical_expr(text)


def check_windows(prog: Program, cert: dict) -> int:
    """Verify a windows certificate: the real roots of B in the range are isolated in the listed
    intervals, each gap between them has the stated (exact) number of period-p points, and the
    windows are the maximal runs of gaps where that number is positive."""
    from certify.certificates import interval_parse, q_parse, q_str
    from certify.checker import facts as F

    claim, canon = cert["claim"], cert["map"]["canonical"]
    p = int(claim["p"])
    if claim.get("param") != canon.get("param") or not prog.has_param() or p < 1:
        raise F.Failure("a windows claim needs a family whose parameter the claim names")
    A, Bend = interval_parse(claim["range"])
    if not A < Bend:
        raise F.Failure("empty parameter range")
    if cert["verdict"] == "undecided":
        return 0
    (fact,) = cert["evidence"]
    if fact.get("fact") != "parameter_partition":
        raise F.Failure("a windows certificate rests on one parameter_partition fact")
    phi = dynatomic(prog, p)
    bif = bifurcation_poly(phi)
    roots = [interval_parse(r) for r in fact["roots"]]
    for (a, b), (c, d) in zip(roots, roots[1:]):
        if not b < c:
            raise F.Failure("root intervals must be sorted and disjoint")
    if roots and not (A <= roots[0][0] and roots[-1][1] <= Bend):
        raise F.Failure("a root interval leaves the range")
    if count_real_roots(bif, A, Bend) != len(roots):
        raise F.Failure(f"B(r) has {count_real_roots(bif, A, Bend)} real roots in the range, "
                        f"not {len(roots)}")
    for a, b in roots:
        if count_real_roots(bif, a, b) != 1:
            raise F.Failure("a root interval does not hold exactly one root of B(r)")
    ends = [A] + [x for r in roots for x in r] + [Bend]
    gaps = [(ends[2 * i], ends[2 * i + 1]) for i in range(len(roots) + 1)]
    samples = fact["samples"]
    if len(samples) != len(gaps):
        raise F.Failure("one sample per gap between root intervals is required")
    counts = []
    for (g0, g1), (s, n) in zip(gaps, samples):
        if s is None:  # only an empty gap (a root interval touching the range's end) has no sample
            if g0 != g1 or int(n) != 0:
                raise F.Failure("a non-empty gap has no sample")
            counts.append(0)
            continue
        s = q_parse(s)
        if not (g0 < s < g1 or (g0 == s == A and (not roots or A < roots[0][0])) or
                (g1 == s == Bend and (not roots or roots[-1][1] < Bend))):
            raise F.Failure("a sample lies outside its gap")
        if count_real_roots(at_param(phi, s)) != int(n):
            raise F.Failure(f"Phi_{p}(x, {q_str(s)}) has not {n} real roots")
        counts.append(int(n))
    runs = windows_from_counts(roots, counts, A, Bend, p)
    want, want_orbits = [(a, b) for a, b, _ in runs], [o for _, _, o in runs]
    got = [(interval_parse(w["from"]), interval_parse(w["to"])) for w in cert["windows"]]
    orbits = [w.get("orbits") for w in cert["windows"]]
    if got != want:
        raise F.Failure("the stated windows are not the runs of gaps with period-p points")
    if orbits != want_orbits:
        raise F.Failure("the stated orbit counts differ from the exact counts")
    return 1



def windows_from_counts(roots, counts, A, B, p: int):
    """Maximal runs of gaps with a positive count: (left end enclosure, right end enclosure, orbits)."""
    out, i = [], 0
    while i < len(counts):
        if counts[i] > 0:
            j = i
            while j + 1 < len(counts) and counts[j + 1] > 0:
                j += 1
            left = (A, A) if i == 0 else roots[i - 1]
            right = (B, B) if j == len(counts) - 1 else roots[j]
            out.append((left, right, [c // p for c in counts[i:j + 1]]))
            i = j + 1
        else:
            i += 1
    return out
