"""Onset of a period in a one-parameter family: the least parameter in a range with a point of
minimal period p, certified and, for polynomial families, exact.

Method (polynomial families; see certify/checker/thresholds.py for the lemma it rests on): the
real roots of B(r) = disc_x(Phi_p) * lc_x(Phi_p) in the range cut it into intervals on which the
number of points of minimal period p is constant; an exact real-root count at one rational point
per interval finds the first interval where they exist. Its left end r* is a root of an
irreducible factor m of B: the certificate gives m, an isolating interval of width 10^-digits,
the closed form when m has degree <= 4, and a certified p-cycle at a parameter v > r* with no
other root of B in (r*, v].
"""

from __future__ import annotations

import math

import sympy
from flint import ctx, fmpq, fmpq_poly

from certify import limits
from certify.arith import Budget, dyadic
from certify.certificates import SCHEMA, interval, q_str
from certify.checker import check
from certify.checker.thresholds import (at_param, bifurcation_poly, count_real_roots, dynatomic, to_sympy,
                                        windows_from_counts)
from certify.errors import CertifyError
from certify.maps import Family
from certify.orbits.period import certify_period, versions

__all__ = ["certify_onset", "certify_windows"]


MAX_DEGREE = 64  # x-degree of Phi_p beyond which the discriminant takes minutes (p = 7: 126)


def _dynatomic_degree(fam: Family, p: int) -> int:
    """deg_x Phi_p = sum_{d | p} mu(p/d) deg(f)^d, for deg(f) the x-degree of the family."""
    from certify.checker.thresholds import mobius
    d = sympy.Poly(fam.expr, sympy.Symbol("x")).degree()
    return sum(mobius(p // k) * d ** k for k in range(1, p + 1) if p % k == 0)


def _q(v) -> fmpq:
    v = sympy.Rational(v)
    return fmpq(int(v.p), int(v.q))


def _class(fam: Family, rng) -> str:
    from certify.checker.thresholds import pl_family
    return "polynomial family" if fam.is_polynomial() else \
        "piecewise-linear family" if pl_family(fam.program, *rng) is not None else "other family"


def _at_start(fam: Family, p: int, rng, digits: int, at_A, budget: Budget) -> dict:
    """The onset is the range's start A itself: a cycle is proved there (at_A from _period_fact)."""
    A = rng[0]
    fact = {"fact": "cycle_at", "value": q_str(A), "cycle": at_A[1][0]}
    return _gate(_cert(fam, p, rng, "proved", [fact], onset=interval(A, A), exact=q_str(A), minpoly=None,
                       digits=digits), budget)


def _cert(fam: Family, p: int, rng, verdict: str, evidence, prec: int = 64, **extra) -> dict:
    cert = {"schema": SCHEMA, "map": {"given": fam.given, "canonical": fam.canonical, "class": _class(fam, rng)},
            "claim": {"kind": "onset", "p": p, "param": fam.param, "range": interval(*rng)},
            "verdict": verdict, "precision": prec, "evidence": evidence, "versions": versions()}
    cert.update(extra)
    return cert


def _gate(cert: dict, budget: Budget) -> dict:
    if cert["verdict"] == "undecided" or not budget.self_check:
        return cert
    res = check(cert)
    if res.ok:
        return cert
    bad = {k: v for k, v in cert.items() if k not in ("onset", "exact", "minpoly", "windows")}
    bad.update(verdict="undecided", evidence=[], reason=f"internal self-check failed ({res.message}); please report")
    return bad


def _cycle_fact(fam: Family, value: fmpq, p: int, budget: Budget):
    """(cycle fact, precision) for the map at `value`, or None if no p-cycle is proved there."""
    c = certify_period(fam.at(value), p, budget=budget)
    if c["verdict"] != "proved":
        return None
    cyc = next(f for f in c["evidence"] if f["fact"] in ("cycle_exact", "cycle_krawczyk"))
    return {"fact": "cycle_at", "value": q_str(value), "cycle": cyc}, c["precision"]


def _isolate(m: fmpq_poly, lo: fmpq, hi: fmpq, width: fmpq):
    """Shrink [lo, hi] (one root of m inside, m(lo), m(hi) != 0) by bisection to width <= `width`."""
    slo = m(lo) > 0
    while hi - lo > width:
        mid = (lo + hi) / 2
        vm = m(mid)
        if vm == 0:  # a rational root: keep it strictly inside
            eps = min(width, hi - lo) / 4
            return mid - eps, mid + eps
        if (vm > 0) == slo:
            lo = mid
        else:
            hi = mid
    return lo, hi


def _closed_form(m_sym: sympy.Poly, lo: fmpq, hi: fmpq, param: str):
    """A radical expression for the root of m in (lo, hi) (degree <= 4), as a canonical string."""
    if m_sym.degree() > 4:
        return None
    mid = float((lo + hi) / 2)
    for root in sympy.roots(m_sym, filter=None).keys():
        val = complex(sympy.N(root, 50))
        if abs(val.imag) < 1e-30 and abs(val.real - mid) <= float(hi - lo) + 1e-30:
            text = sympy.sstr(sympy.nsimplify(sympy.radsimp(root)))
            # only short radicals: a user reads them, and the kernel re-derives their minimal polynomial
            return text if "I" not in text and len(text) <= 60 else None
    return None


def certify_onset(fam: Family, p: int, rng, digits: int = 30, budget: Budget = Budget(),
                  timeout: float | None = None) -> dict:
    """The least parameter in rng = (A, B) at which f has a point of minimal period p, certified.

    `timeout` (seconds, None: none) is the outer guard: when it fires the result is undecided,
    "time limit (machine-dependent)"; the work itself is bounded by `budget`."""
    A, B = rng
    if not isinstance(p, int) or p < 1:
        raise CertifyError(f"the period must be an integer >= 1, got {p!r}")
    if not A < B:
        raise CertifyError("--range needs A < B")
    if not 1 <= digits <= 2000:
        raise CertifyError("--digits must be between 1 and 2000")
    fam.at(A), fam.at(B)  # refuses a range where the map is not defined at an end
    return limits.guard(timeout, lambda: _onset(fam, p, rng, digits, budget),
                        lambda why: _cert(fam, p, rng, "undecided", [], reason=why))


def _onset(fam: Family, p: int, rng, digits: int, budget: Budget) -> dict:
    A, B = rng
    if not fam.is_polynomial():
        return _onset_pl(fam, p, rng, digits, budget)
    degree = _dynatomic_degree(fam, p)
    if degree > MAX_DEGREE:
        return _cert(fam, p, rng, "undecided", [],
                     reason=f"exact elimination would need the discriminant of a degree-{degree} polynomial "
                            f"(this version stops above {MAX_DEGREE}: p = 6 for quadratic maps)")
    phi = dynatomic(fam.program, p)
    bif = bifurcation_poly(phi)
    if count_real_roots(at_param(phi, A)) != 0:
        got = _cycle_fact(fam, A, p, budget)
        if got is None:
            return _cert(fam, p, rng, "undecided", [],
                         reason=f"period {p} seems present at the range's start but no cycle was proved there")
        fact, prec = got
        return _gate(_cert(fam, p, rng, "proved", [fact], prec, onset=interval(A, A), exact=q_str(A),
                           minpoly=None, digits=digits), budget)
    P = to_sympy(bif).sqf_part()
    cuts = sorted(((_q(a), _q(b)) for (a, b), _ in P.intervals(inf=sympy.Rational(int(A.p), int(A.q)),
                                                                 sup=sympy.Rational(int(B.p), int(B.q)))))
    for j, (a, b) in enumerate(cuts):
        nxt = cuts[j + 1][0] if j + 1 < len(cuts) else B
        sample = (b + nxt) / 2 if nxt > b else b
        if count_real_roots(at_param(phi, sample)) == 0:
            continue
        return _proved(fam, p, rng, phi, bif, (max(a, A), b), nxt, digits, budget)
    if not cuts:
        fact = {"fact": "no_onset"}
        return _gate(_cert(fam, p, rng, "refuted", [fact]), budget)
    return _cert(fam, p, rng, "undecided", [],
                 reason=f"no parameter interval of the range has period {p} points; whether isolated "
                        f"bifurcation values do is not decided")


def _proved(fam, p, rng, phi, bif, iso, nxt, digits, budget):
    A, B = rng
    a, b = iso
    r = sympy.Symbol(fam.param)
    factors = sympy.factor_list(to_sympy(bif, r))[1]
    lo, hi = a, b
    if lo == hi:  # rational root: open the interval slightly, inside the gap to its neighbours
        eps = min(fmpq(1, 10 ** digits), (nxt - hi) / 4, (lo - A) / 4)
        lo, hi = lo - eps, hi + eps
    m = None
    for fac, _ in factors:
        fp = fmpq_poly([_q(c) for c in reversed(sympy.Poly(fac, r).all_coeffs())])
        if fp.degree() >= 1 and count_real_roots(fp, lo, hi) >= 1:
            m = fp
            break
    if m is None or m(lo) == 0 or m(hi) == 0:
        return _cert(fam, p, rng, "undecided", [], reason="could not isolate the onset root of B(r) (is it "
                                                           "the range's start?)")
    lo, hi = _isolate(m, lo, hi, fmpq(1, 10 ** digits))
    # existence at a parameter comfortably past the onset but before the next root of B
    got = None
    for frac in (fmpq(1, 2), fmpq(1, 8), fmpq(1, 64), fmpq(1, 1024)):
        v = dyadic(hi + (nxt - hi) * frac, 64, up=True)
        if not hi <= v <= min(nxt, B) or (v == nxt and nxt != B):
            continue
        got = _cycle_fact(fam, v, p, budget)
        if got is not None:
            break
    if got is None:
        return _cert(fam, p, rng, "undecided", [],
                     reason=f"the onset is isolated but no period-{p} cycle was proved past it")
    cyc, prec = got
    m_sym = sympy.Poly([sympy.Rational(int(c.p), int(c.q)) for c in reversed(m.coeffs())], r)
    alg = {"fact": "onset_algebraic", "minpoly": [q_str(c) for c in m.coeffs()], "isolating": interval(lo, hi)}
    exact = _closed_form(m_sym, lo, hi, fam.param)
    return _gate(_cert(fam, p, rng, "proved", [alg, cyc], prec, onset=interval(lo, hi), exact=exact,
                       minpoly=sympy.sstr(m_sym.monic().as_expr()), digits=digits), budget)


def certify_windows(fam: Family, p: int, rng, digits: int = 30, budget: Budget = Budget(),
                    timeout: float | None = None) -> dict:
    """The parameters in rng = (A, B) with points of minimal period p, as windows with certified ends.

    The real roots of B(r) are isolated to 10^-digits; in each gap between them the number of
    real roots of Phi_p (points of minimal period p) is counted exactly at one rational sample.
    `timeout` (seconds, None: none) is the outer guard: when it fires the result is undecided.
    """
    A, B = rng
    if not isinstance(p, int) or p < 1:
        raise CertifyError(f"the period must be an integer >= 1, got {p!r}")
    if not A < B:
        raise CertifyError("--range needs A < B")
    claim = {"kind": "windows", "p": p, "param": fam.param, "range": interval(A, B)}

    def cert_of(verdict, evidence, **extra):
        c = {"schema": SCHEMA, "map": {"given": fam.given, "canonical": fam.canonical,
                                       "class": _class(fam, rng)},
             "claim": claim, "verdict": verdict, "precision": 64, "evidence": evidence, "versions": versions()}
        c.update(extra)
        return c

    return limits.guard(timeout, lambda: _windows(fam, p, rng, digits, budget, cert_of),
                        lambda why: cert_of("undecided", [], reason=why))


def _windows(fam: Family, p: int, rng, digits: int, budget: Budget, cert_of) -> dict:
    A, B = rng
    if not fam.is_polynomial():
        return _windows_pl(fam, p, rng, digits, budget, cert_of)
    degree = _dynatomic_degree(fam, p)
    if degree > MAX_DEGREE:
        return cert_of("undecided", [], reason=f"exact elimination would need the discriminant of a degree-"
                                               f"{degree} polynomial (this version stops above {MAX_DEGREE})")
    phi = dynatomic(fam.program, p)
    bif = bifurcation_poly(phi)
    eps = sympy.Rational(1, 10 ** digits)
    P = to_sympy(bif).sqf_part()
    roots = sorted((_q(a), _q(b)) for (a, b), _ in P.intervals(eps=eps, inf=sympy.Rational(int(A.p), int(A.q)),
                                                             sup=sympy.Rational(int(B.p), int(B.q))))
    roots = [(max(a, A), min(b, B)) for a, b in roots]
    ends = [A] + [x for r in roots for x in r] + [B]
    samples, counts = [], []
    for i in range(len(roots) + 1):
        g0, g1 = ends[2 * i], ends[2 * i + 1]
        if g1 > g0:
            s = (g0 + g1) / 2
            n = count_real_roots(at_param(phi, s))
            samples.append([q_str(s), n])
        else:  # a root at an end of the range leaves an empty gap
            n = 0
            samples.append([None, 0])
        counts.append(n)
    windows = [{"from": interval(*left), "to": interval(*right), "orbits": orbits}
               for left, right, orbits in windows_from_counts(roots, counts, A, B, p)]
    fact = {"fact": "parameter_partition", "roots": [interval(*r) for r in roots], "samples": samples}
    return _gate(cert_of("proved", [fact], windows=windows, digits=digits), budget)


def _onset_pl(fam: Family, p: int, rng, digits: int, budget: Budget) -> dict:
    """Onset in a family PL in x with parameter-independent breakpoints (tent(s), skew tents, ...)."""
    from certify.checker.thresholds import MAX_ITINERARIES, count_itineraries, pl_critical, pl_family

    A, B = rng
    fam_pl = pl_family(fam.program, A, B)
    if fam_pl is None:
        return _onset_cover(fam, p, rng, digits, budget)
    words = count_itineraries(fam_pl, p, A, B)
    if words > MAX_ITINERARIES:
        return _cert(fam, p, rng, "undecided", [], reason=f"{len(fam_pl[1])} pieces give {words} feasible "
                                                           f"itineraries of length {p}: too many for the exact "
                                                           f"critical polynomial (this version stops at "
                                                           f"{MAX_ITINERARIES}); certify period decides single "
                                                           f"parameters exactly")
    at_A = _period_fact(fam, A, p, budget)
    if at_A is None:
        return _cert(fam, p, rng, "undecided", [], reason="no verdict for the map at the start of the range")
    if at_A[0] == "proved":
        return _at_start(fam, p, rng, digits, at_A, budget)
    crit, roots = _critical_roots(fam_pl, p, A, B)
    if not roots:  # existence is constant on the range, and refuted at A
        if any(g(B) == 0 for g in crit):
            return _cert(fam, p, rng, "undecided", [], reason="the only critical parameter is the range's end")
        fact = {"fact": "no_onset", "refuted_at": [{"value": q_str(A), "evidence": at_A[1]}]}
        return _gate(_cert(fam, p, rng, "refuted", [fact]), budget)
    # gaps between critical parameters: the first one (after root j-1) where period p exists,
    # starting where floats see the birth (many pieces give many critical parameters)
    after, j = None, 0
    for j in range(_first_gap_near_birth(fam, p, A, B, roots), len(roots)):
        b_j = roots[j][1]
        nxt = roots[j + 1][0] if j + 1 < len(roots) else B
        v = (b_j + nxt) / 2 if nxt > b_j else b_j
        after = _period_fact(fam, v, p, budget)
        if after is not None and after[0] == "proved":
            break
        after = None
        if j >= 63:
            break
    if after is None:
        return _cert(fam, p, rng, "undecided", [], reason=f"period {p} was not found after any of the first "
                                                           f"{min(len(roots), 64)} critical parameters of the range")
    note = None
    if j > 0:  # the claim starts inside the gap before the onset (refuted there by an exact verdict)
        g0, g1 = roots[j - 1][1], roots[j][0]
        A = dyadic((g0 + g1) / 2, 64, up=False) if g1 > g0 else g0
        rng = (A, B)
        at_A = _period_fact(fam, A, p, budget)
        if at_A is None or at_A[0] != "refuted":
            return _cert(fam, p, rng, "undecided", [], reason="no refutation just before the onset")
        note = (f"the claim starts at {float(A):.6g}: before it, period {p} was not decided on every interval "
                f"between critical parameters (use certify windows on the range to see them all)")
        fam_pl = pl_family(fam.program, A, B)
        crit, roots = _critical_roots(fam_pl, p, A, B)  # over the narrowed range, as the checker will
        j = 0
        if not roots or not roots[0][1] < v or (len(roots) > 1 and not v < roots[1][0]):
            return _cert(fam, p, rng, "undecided", [], reason="the onset's critical parameter changed with the range")
        nxt = roots[1][0] if len(roots) > 1 else B
    a, b, m = roots[j]
    r = sympy.Symbol(fam.param)
    lo, hi = (a, b) if a < b else (a - (a - A) / 4, a + (nxt - a) / 4)
    if m is None or m(lo) == 0 or m(hi) == 0:
        return _cert(fam, p, rng, "undecided", [], reason="could not isolate the onset among the critical parameters")
    lo, hi = _isolate(m, lo, hi, fmpq(1, 10 ** digits))
    inside = _period_fact(fam, (A + lo) / 2, p, budget)
    if inside is None or inside[0] != "refuted":
        return _cert(fam, p, rng, "undecided", [], reason="no refutation before the onset")
    cyc = {"fact": "cycle_at", "value": q_str(v), "cycle": after[1][0]}
    alg = {"fact": "onset_pl", "minpoly": [q_str(c) for c in m.coeffs()], "isolating": interval(lo, hi),
           "refuted_at": [{"value": q_str(A), "evidence": at_A[1]}, {"value": q_str((A + lo) / 2), "evidence": inside[1]}]}
    m_sym = sympy.Poly([sympy.Rational(int(c.p), int(c.q)) for c in reversed(m.coeffs())], r)
    exact = _closed_form(m_sym, lo, hi, fam.param)
    cert = _gate(_cert(fam, p, rng, "proved", [alg, cyc], 64, onset=interval(lo, hi), exact=exact,
                       minpoly=sympy.sstr(m_sym.monic().as_expr()), digits=digits), budget)
    if note:
        cert["note"] = note
    return cert


def _critical_roots(fam_pl, p: int, A, B, keep_start: bool = False):
    """(critical factors, [(lo, hi, factor)]): disjoint isolating intervals of their roots in (A, B]
    (in [A, B] with keep_start)."""
    from certify.checker.thresholds import pl_critical

    crit = pl_critical(fam_pl, p, A, B)
    roots = [iv + (g,) for g in crit for iv in _real_roots_in(g, A, B)]
    roots = _separate(sorted(roots, key=lambda t: (t[0], t[1])))
    return crit, [(max(a, A), b, g) for a, b, g in roots if keep_start or not (a == b == A)]


def _real_roots_in(g: fmpq_poly, A, B) -> list:
    """Disjoint rational intervals (a, b), each with exactly one real root of the irreducible g, for
    its roots in [A, B] (certified enclosures from flint's complex_roots, clipped at A and B by exact
    signs; a == b for a rational root). Untrusted here: the checker recounts with Sturm sequences."""
    if g.degree() == 1:
        r = -g.coeffs()[0] / g.coeffs()[1]
        return [(r, r)] if A <= r <= B else []
    out = []
    with ctx.workprec(128):
        for z, _ in g.complex_roots():
            if not z.imag.is_zero():
                continue
            a, b = z.real.lower().fmpq(), z.real.upper().fmpq()
            if b < A or a > B:
                continue
            if a < A:  # the root is in (A, b] iff g changes sign there (it is simple: g irreducible)
                if g(A) == 0 or (g(A) > 0) == (g(b) > 0):
                    continue
                a = A
            if b > B:
                if g(B) == 0:
                    a = b = B
                elif (g(a) > 0) == (g(B) > 0):
                    continue
                else:
                    b = B
            out.append((a, b))
    return out


def _first_gap_near_birth(fam: Family, p: int, A, B, roots) -> int:
    """Index of the gap (after root j-1) just before where floats see a p-cycle born; 0 if unseen."""
    from certify.orbits import pl as plmod
    from certify.thresholds import cover as C

    if len(roots) < 8:
        return 0
    region, _ = plmod.find_region(fam.at(B).program.pl())
    window = region if region not in (None, "empty") else (fmpq(-10), fmpq(10))
    found = C.first_cycle(fam, p, A, B, window)
    if found is None:
        return 0
    r1 = found[0]
    j = next((i for i, (a, b, _) in enumerate(roots) if float(b) >= r1), len(roots))
    return max(0, j - 1)


def _separate(roots):
    """Refine isolating intervals of roots of distinct factors until they are pairwise disjoint."""
    out = list(roots)
    for _ in range(200 + 50 * len(out)):
        clash = next((i for i in range(len(out) - 1) if out[i][1] >= out[i + 1][0]), None)
        if clash is None:
            return out
        for i in (clash, clash + 1):
            a, b, g = out[i]
            if a < b:
                mid = (a + b) / 2
                if g(mid) == 0:
                    out[i] = (mid, mid, g)
                elif count_real_roots(g, a, mid) == 1:
                    out[i] = (a, mid, g)
                else:
                    out[i] = (mid, b, g)
        out.sort(key=lambda t: (t[0], t[1]))
    return out


def _period_fact(fam: Family, value: fmpq, p: int, budget: Budget):
    """(verdict, evidence) of `certify period` for the map at `value`, or None if undecided."""
    c = certify_period(fam.at(value), p, budget=budget)
    if c["verdict"] == "undecided":
        return None
    if c["verdict"] == "proved":
        return "proved", [f for f in c["evidence"] if f["fact"] in ("cycle_exact", "cycle_krawczyk")]
    return "refuted", c["evidence"]


def _onset_cover(fam: Family, p: int, rng, digits: int, budget: Budget) -> dict:
    """Onset in a family with no exact route (smooth maps): an enclosure by a parameter cover."""
    from certify.thresholds import cover as C

    A, B = rng
    region = C.region_of(fam, A, B)
    if region is None:
        return _cert(fam, p, rng, "undecided", [], reason="f_r(R) is not proved bounded for every r of the range, "
                                                           "so no region holds all periodic points")
    at_A = _period_fact(fam, A, p, budget)
    if at_A is not None and at_A[0] == "proved":
        return _at_start(fam, p, rng, digits, at_A, budget)
    budget.report(f"period {p}: scanning {fam.param} in [{float(A):.6g}, {float(B):.6g}] in floats")
    found = C.first_cycle(fam, p, A, B, region)
    if found is None:
        fact, why = C.refute_on(fam, p, A, B, region, lambda a, b: fmpq(0), budget)
        if fact is None:
            return _cert(fam, p, rng, "undecided", [], reason=f"no period-{p} cycle was found in the range; {why}")
        return _gate(_cert(fam, p, rng, "refuted", [fact], digits=digits), budget)
    fold = C.fold_point(fam, p, found[1][0], found[0], digits)
    if fold is None or not A < fold.r < B:
        return _cert(fam, p, rng, "undecided", [], reason=f"the period-{p} cycle near {fam.param} = {found[0]:.12g} is "
                                                           f"not born in a saddle-node this version can locate")
    bits = math.ceil((digits + 1) * math.log2(10)) + 4
    w = fmpq(1, 10 ** digits)
    lo, hi = dyadic(fold.r - w / 4, bits, up=False), dyadic(fold.r + w / 4, bits, up=True)
    prec = 2 * bits + 64
    budget.report(f"period {p}: fold at {fam.param} ~ {float(fold.r):.15g}; proving the cycle just past it")
    boxes = C.cycle_past_fold(fam, fold, hi, p, prec)
    if boxes is None or not A < lo:
        return _cert(fam, p, rng, "undecided", [], reason=f"no period-{p} cycle was proved just past the located "
                                                           f"fold {fam.param} ~ {float(fold.r):.15g}")
    cyc = {"fact": "cycle_at", "value": q_str(hi), "cycle": {"fact": "cycle_krawczyk",
                                                             "boxes": [interval(*b) for b in boxes]}}
    fact, why = C.refute_on(fam, p, A, lo, region, lambda a, b: fold.r - b, budget)
    if fact is None:
        return _cert(fam, p, rng, "undecided", [], reason=f"period {p} appears near {fam.param} ~ {float(fold.r):.15g} "
                                                           f"but its absence before that was not proved: {why}")
    return _gate(_cert(fam, p, rng, "proved", [fact, cyc], prec, onset=interval(lo, hi), exact=None, minpoly=None,
                       digits=digits, method="parameter cover (balls) + Krawczyk cycle past the fold"), budget)


def _windows_pl(fam: Family, p: int, rng, digits: int, budget: Budget, cert_of) -> dict:
    """Windows of a family PL in x with fixed breakpoints: the critical parameters isolated to
    10^-digits, and one exact period verdict in each gap between them."""
    from certify.checker.thresholds import MAX_ITINERARIES, count_itineraries, pl_family

    A, B = rng
    fam_pl = pl_family(fam.program, A, B)
    if fam_pl is None:
        raise CertifyError("windows are computed for polynomial families and for families piecewise linear in x "
                           "with breakpoints independent of the parameter; this is neither")
    if count_itineraries(fam_pl, p, A, B) > MAX_ITINERARIES:
        return cert_of("undecided", [], reason=f"more than {MAX_ITINERARIES} feasible itineraries of length {p}: "
                                               f"too many for this version")
    crit, roots = _critical_roots(fam_pl, p, A, B, keep_start=True)
    if any(r[1] >= s[0] for r, s in zip(roots, roots[1:])):
        return cert_of("undecided", [], reason="the critical parameters could not be separated")
    index = {tuple(g.coeffs()): k for k, g in enumerate(crit)}
    width = fmpq(1, 10 ** digits)
    iso = []
    for a, b, g in roots:
        if a == b:  # a rational critical value: an exact point enclosure
            iso.append((a, b))
        else:
            iso.append(_isolate(g, a, b, width))
    ends = [A] + [x for r in iso for x in r] + [B]
    samples, present = [], []
    for i in range(len(iso) + 1):
        g0, g1 = ends[2 * i], ends[2 * i + 1]
        if g1 == g0:
            samples.append(None)
            present.append(0)
            continue
        v = (g0 + g1) / 2
        got = _period_fact(fam, v, p, budget)
        if got is None:
            return cert_of("undecided", [], reason=f"no verdict for the map at {fam.param} = {float(v):.12g}")
        samples.append({"value": q_str(v), "verdict": got[0], "evidence": got[1]})
        present.append(1 if got[0] == "proved" else 0)
    windows = [{"from": interval(*left), "to": interval(*right), "orbits": None}
               for left, right, _ in windows_from_counts(iso, present, A, B, 1)]
    fact = {"fact": "critical_partition", "roots": [interval(*r) for r in iso], "samples": samples,
            "factors": [index[tuple(g.coeffs())] for _, _, g in roots]}
    return _gate(cert_of("proved", [fact], windows=windows, digits=digits), budget)
