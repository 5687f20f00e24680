"""Thresholds in one-parameter families: the onset of a period, its windows (certifiers).

The kernel's lemmas (certify/checker/dynatomic.py, plfamily.py) say where existence of a point of
minimal period p can change: at the real roots of B(r) = disc * lc of the dynatomic polynomial
(families polynomial in x and r) or at the critical parameters (families piecewise linear in x
with fixed breakpoints): the critical polynomials. Both certifiers isolate their real roots in the
range, decide one parameter in each gap between them exactly (a real-root count of Phi_p, or an
exact period verdict of the PL map), and read off
- the onset: the first gap with period-p points, or critical parameter with them (PL families: the
  kernel decides each critical parameter before the first such gap exactly); its left end r* (or
  the range's start), with a cycle proved just past it and absence proved before it;
- the windows: the maximal runs of gaps with period-p points.
Families of neither class get an onset enclosure by a parameter cover (certify/thresholds/cover.py).
Nothing here is trusted: every certificate goes through the kernel before it is returned.
"""

from __future__ import annotations

import math

import sympy
from flint import ctx, fmpq, fmpq_poly, fmpz_poly

from certify import limits
from certify.arith import Budget, dyadic
from certify.certificates import SCHEMA, interval, q_str
from certify.verify import self_checked
from certify.checker.dynatomic import (NotPolynomialFamily, bifurcation_poly, count_real_roots, dynatomic, mobius,
                                       real_roots_at)
from certify.checker.plfamily import MAX_ITINERARIES, AlgebraicParameter, count_itineraries, period_at, pl_critical, pl_family
from certify.checker.thresholds import first_presence, windows_from_counts
from certify.errors import CertifyError
from certify.maps import Family
from certify.periodic.period import certify_period, versions

__all__ = ["certify_onset", "certify_windows"]


MAX_DEGREE = 64  # x-degree of Phi_p beyond which the discriminant takes minutes (p = 7: 126)
MAX_SAMPLES = 64  # gaps decided in search of the onset before giving up


def _dynatomic_degree(fam: Family, p: int) -> int:
    """deg_x Phi_p = sum_{d | p} mu(p/d) deg(f)^d, for deg(f) the x-degree of the family."""
    d = sympy.Poly(fam.expr, sympy.Symbol("x")).degree()
    return sum(mobius(p // k) * d ** k for k in range(1, p + 1) if p % k == 0)


def _class(fam: Family, rng) -> str:
    return "polynomial family" if fam.is_polynomial() else \
        "piecewise-linear family" if pl_family(fam.program, *rng) is not None else "other family"


def _cert(fam: Family, p: int, rng, verdict: str, evidence, prec: int = 64, kind: str = "onset", **extra) -> dict:
    cert = {"schema": SCHEMA, "map": {"given": fam.given, "canonical": fam.canonical, "class": _class(fam, rng)},
            "claim": {"kind": kind, "p": p, "param": fam.param, "range": interval(*rng)},
            "verdict": verdict, "precision": prec, "evidence": evidence, "versions": versions()}
    cert.update({k: v for k, v in extra.items() if v is not None})
    return cert


def _undecided(fam, p, rng, reason: str, kind: str = "onset") -> dict:
    return _cert(fam, p, rng, "undecided", [], kind=kind, reason=reason)


def _gate(cert: dict, budget: Budget) -> dict:
    """The kernel's verdict on the certificate before it is returned: a disagreement makes it undecided."""
    return self_checked(cert, budget.self_check, keep=("schema", "map", "claim", "versions", "note"), precision=64)


def _period_fact(fam: Family, value: fmpq, p: int, budget: Budget):
    """(verdict, evidence) of `certify period` for the map at `value`, or None if undecided."""
    c = certify_period(fam.at(value), p, budget=budget)
    if c["verdict"] == "undecided":
        return None
    if c["verdict"] == "proved":
        cyc = [f for f in c["evidence"] if f["fact"] in ("cycle_exact", "cycle_krawczyk")]
        # a cycle_algebraic proof (a non-hyperbolic cycle) is not a cycle_at fact: undecided here
        return ("proved", cyc, c["precision"]) if cyc else None
    return "refuted", c["evidence"], c["precision"]


def _cycle_at(value: fmpq, cycle: dict) -> dict:
    return {"fact": "cycle_at", "value": q_str(value), "cycle": cycle}


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


def _closed_form(m_sym: sympy.Poly, lo: fmpq, hi: fmpq):
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


def _factors(poly: fmpq_poly) -> list:
    """The distinct monic irreducible factors of a non-zero rational polynomial, sorted."""
    num = fmpz_poly([int(c) for c in (poly * poly.denom()).numer().coeffs()])
    out = {}
    for f, _ in num.factor()[1]:
        if f.degree() >= 1:
            g = fmpq_poly([fmpq(int(c)) for c in f.coeffs()])
            g = g / g.coeffs()[-1]
            out[tuple(g.coeffs())] = g
    return [out[k] for k in sorted(out)]


def critical_intervals(polys, A, B) -> list:
    """[(lo, hi, g)]: sorted disjoint intervals, each holding exactly one real root in [A, B] of the
    distinct irreducible polys (its factor g), and all of them; (r, r) for a rational root r,
    otherwise g(lo), g(hi) != 0. Untrusted here: the kernel recounts the real roots exactly."""
    roots = [iv + (g,) for g in polys for iv in _real_roots_in(g, A, B)]
    return _separate(sorted(roots, key=lambda t: (t[0], t[1])))


def simplest_between(a: fmpq, b: fmpq) -> fmpq:
    """The rational with the least denominator strictly between a < b, by continued fractions (short
    numbers keep exact root counts and embedded certificates cheap)."""
    def simplest(lo, hi):  # in (lo, hi); hi None is +inf
        n = lo.floor() + 1
        if hi is None or n < hi:
            return fmpq(n)
        f = lo.floor()  # lo and hi in [f, f + 1]: recurse on the reciprocals of the fractional parts
        inner = simplest(1 / (hi - f), None if lo == f else 1 / (lo - f))
        return f + 1 / inner
    return simplest(a, b)


def gap_samples(roots, A, B) -> list:
    """One rational per gap (gap k between root intervals k-1 and k): the range's end when it is not
    a root but a root interval touches it, the midpoint otherwise; None for a gap emptied by a root
    exactly at the range's end (the kernel's rules, thresholds._gap_samples)."""
    ends = [A] + [x for r in roots for x in r[:2]] + [B]
    out = []
    for k in range(len(roots) + 1):
        g0, g1 = ends[2 * k], ends[2 * k + 1]
        if g0 < g1:
            out.append(simplest_between(g0, g1))
        elif k == 0 and roots[0][0] < roots[0][1]:
            out.append(A)  # [A, hi] holds a root in (A, hi]: A itself is not a root
        elif k == len(roots) and roots[-1][0] < roots[-1][1]:
            out.append(B)
        else:
            out.append(None)
    return out


def _shrink(roots, width: fmpq) -> list:
    return [(a, b, g) if a == b else _isolate(g, a, b, width) + (g,) for a, b, g in roots]


def _real_roots_in(g: fmpq_poly, A, B) -> list:
    """Disjoint rational intervals (a, b), each with exactly one real root of the irreducible g, for
    its roots in [A, B] (certified enclosures from flint's complex_roots, clipped at A and B by exact
    signs; a == b for a rational root). Untrusted here: the checker recounts the real roots exactly."""
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


class _Algebraic:
    """Decides gaps of a polynomial family: the number of real roots of Phi_p at a parameter."""

    fact = "onset_algebraic"

    def __init__(self, fam, p, phi, bif, budget):
        self.fam, self.p, self.phi, self.budget = fam, p, phi, budget
        self.crit = _factors(bif)

    def present(self, v):
        return real_roots_at(self.phi, v) > 0, None

    def refutation(self, v):
        return None

    def cycle(self, v):
        c = certify_period(self.fam.at(v), self.p, budget=self.budget)
        if c["verdict"] != "proved":
            return None
        cyc = next((f for f in c["evidence"] if f["fact"] in ("cycle_exact", "cycle_krawczyk")), None)
        return (cyc, c["precision"]) if cyc is not None else None  # cycle_algebraic: not a cycle_at fact

    def narrowed(self, A, B):
        return self

    def at_root(self, c) -> bool:
        """A cycle is proved at the rational critical parameter c (tried only where Phi_p(., c) has
        real roots or vanishes: a tangency there is not hyperbolic, so with a small budget)."""
        try:
            if real_roots_at(self.phi, c) == 0:
                return False
        except ValueError:
            pass
        import dataclasses
        small = dataclasses.replace(self.budget, max_prec=min(self.budget.max_prec, 256),
                                    max_cells=min(self.budget.max_cells, 50_000))
        c_cert = certify_period(self.fam.at(c), self.p, budget=small)
        return c_cert["verdict"] == "proved" and any(  # a cycle_algebraic proof is not a cycle_at fact
            f["fact"] in ("cycle_exact", "cycle_krawczyk") for f in c_cert["evidence"])


def _request(fam: Family, p: int, rng, digits: int) -> None:
    """Refuse a bad onset or windows request: the period, the range A < B, the digits, and a range
    where the map is not defined at an end."""
    A, B = rng
    if not isinstance(p, int) or p < 1:
        raise CertifyError(f"the period must be an integer >= 1, got {p!r}")
    if not A < B:
        raise CertifyError("--range needs A < B")
    if not 1 <= digits <= 2000:
        raise CertifyError("--digits must be between 1 and 2000")
    fam.at(A), fam.at(B)


def certify_onset(fam: Family, p: int, rng, digits: int = 30, budget: Budget = Budget(),
                  timeout: float | None = None) -> dict:
    """r* = inf{r in rng : f_r has a point of minimal period p}, certified (or refuted: none).

    `timeout` (seconds, None: none) is the outer guard: when it fires the result is undecided,
    "time limit (machine-dependent)"; the work itself is bounded by `budget`."""
    _request(fam, p, rng, digits)
    return limits.guard(timeout, lambda: _onset(fam, p, rng, digits, budget),
                        lambda why: _undecided(fam, p, rng, why))


def _onset(fam: Family, p: int, rng, digits: int, budget: Budget) -> dict:
    A, B = rng
    if fam.is_polynomial():
        degree = _dynatomic_degree(fam, p)
        if degree > MAX_DEGREE:
            return _undecided(fam, p, rng, f"exact elimination would need the discriminant of a degree-{degree} "
                                           f"polynomial (this version stops above {MAX_DEGREE}: p = 6 for quadratic maps)")
        try:
            phi = dynatomic(fam.program, p)
        except NotPolynomialFamily as e:
            return _undecided(fam, p, rng, f"no exact elimination: {e}")
        bif = bifurcation_poly(phi)
        if bif.is_zero():
            return _undecided(fam, p, rng, "the bifurcation polynomial vanishes identically")
    else:
        fam_pl = pl_family(fam.program, A, B)
        if fam_pl is None:
            return _onset_cover(fam, p, rng, digits, budget)
        words = count_itineraries(fam_pl, p, A, B)
        if words > MAX_ITINERARIES:
            return _undecided(fam, p, rng, f"{len(fam_pl[1])} pieces give {words} feasible itineraries of length {p}: "
                                           f"too many for the exact critical polynomial (this version stops at "
                                           f"{MAX_ITINERARIES}); certify period decides single parameters exactly")
        return _onset_pl(fam, p, rng, digits, budget)
    return _onset_by_gaps(fam, p, rng, digits, budget, _Algebraic(fam, p, phi, bif, budget))


def _onset_by_gaps(fam, p, rng, digits, budget, method) -> dict:
    """The first gap between critical parameters, or rational critical parameter, with period-p
    points, and the certificate for it."""
    A, B = rng
    roots = critical_intervals(method.crit, A, B)
    if any(r[1] >= s[0] for r, s in zip(roots, roots[1:])):
        return _undecided(fam, p, rng, "the critical parameters could not be separated")
    samples = gap_samples(roots, A, B)
    start = 0
    found = None  # ("gap", k, v) or ("root", k, c): the first place with period p
    for k in range(start, min(len(samples), start + MAX_SAMPLES)):
        if samples[k] is not None:
            present, _ = method.present(samples[k])
            if present is None:
                return _undecided(fam, p, rng, f"no verdict for the map at {fam.param} = {float(samples[k]):.12g}")
            if present:
                found = ("gap", k, samples[k])
                break
        if k < len(roots) and roots[k][0] == roots[k][1] and method.at_root(roots[k][0]):
            found = ("root", k, roots[k][0])  # a rational critical parameter with a cycle on it
            break
    at_A = 1 if roots and roots[0][:2] == (A, A) else 0  # a critical parameter exactly at A
    if found is None:
        if start == 0 and len(samples) <= MAX_SAMPLES and len(roots) == at_A:
            return _refuted(fam, p, rng, method, at_A, samples, budget)
        return _undecided(fam, p, rng, f"period {p} was not found in the {min(len(samples), MAX_SAMPLES)} intervals "
                                       f"between critical parameters tried, nor at a rational one")
    kind, k, v = found
    j = k - 1 if kind == "gap" else k  # the root interval of r*
    if v == A:
        return _onset_at_start(fam, p, rng, method, A, budget)
    if j < at_A:  # no critical parameter in (A, v]: the onset is A
        return _onset_at_start(fam, p, rng, method, v, budget)
    if j > at_A:  # other critical parameters lie between A and r*: start the claim in the gap before r*
        A2 = samples[j]
        if A2 is None or A2 == A:
            return _undecided(fam, p, rng, "no rational start just before the onset")
        rng2 = (A2, B)
        unclaimed = {"from": q_str(A), "reason": f"period {p} is not decided at the {j - at_A} critical parameter(s) "
                                                 f"(roots of disc * lc of Phi_{p}) between {float(A):.6g} and "
                                                 f"{float(A2):.6g}"}
        narrowed = method.narrowed(A2, B)
        roots2 = critical_intervals(narrowed.crit, A2, B)
        samples2 = gap_samples(roots2, A2, B)
        j2 = next((i for i, r in enumerate(roots2) if r[0] > A2), None)
        if j2 is None or roots2[j2][:2] != roots[j][:2] and not (roots2[j2][1] < v or v == roots2[j2][0]) \
                or (j2 + 1 < len(roots2) and not v < roots2[j2 + 1][0]):
            return _undecided(fam, p, rng, "the onset's critical parameter changed with the narrowed range")
        cert = _onset_at_root(fam, p, rng2, digits, budget, narrowed, roots2, samples2, j2, v)
        if cert["verdict"] == "proved":
            cert["unclaimed"] = unclaimed
            cert = _gate(cert, budget)
        return cert
    return _onset_at_root(fam, p, rng, digits, budget, method, roots, samples, j, v)


def _refuted(fam, p, rng, method, at_A, samples, budget) -> dict:
    """No critical parameter in (A, B] and none of the gaps has period-p points: refuted."""
    A, B = rng
    fact = {"fact": "no_onset"}
    if at_A:  # B(A) = 0: Phi_p(., A) decides A itself, a sample the rest of the range
        try:
            if real_roots_at(method.phi, A) != 0:
                return _undecided(fam, p, rng, f"period {p} may exist at the range's start only")
        except ValueError:
            return _undecided(fam, p, rng, f"Phi_{p} vanishes identically at the range's start: every x solves "
                                           f"it there, and whether some has minimal period {p} is not decided")
        fact["sample"] = q_str(samples[1])
    return _gate(_cert(fam, p, rng, "refuted", [fact]), budget)


def _onset_at_start(fam, p, rng, method, v, budget) -> dict:
    """Period p at every parameter of (A, v] (no critical parameter there) and at v: the onset is A;
    with a cycle at A itself the certificate needs nothing else."""
    A = rng[0]
    for value, facts in ((A, []), (v, [{"fact": "onset_at_start"}])):
        if value == A and isinstance(method, _Algebraic):
            try:
                if real_roots_at(method.phi, A) == 0:
                    continue  # no period p at A: only the cycle at v
            except ValueError:
                pass  # Phi_p vanishes identically at A: try a cycle there
        got = method.cycle(value)
        if got is not None:
            cyc, prec = got
            return _gate(_cert(fam, p, rng, "proved", [_cycle_at(value, cyc)] + facts, prec, onset=interval(A, A),
                               exact=q_str(A)), budget)
    return _undecided(fam, p, rng, f"period {p} seems present from the range's start, but no cycle was proved")


def _onset_at_root(fam, p, rng, digits, budget, method, roots, samples, j, v) -> dict:
    """The onset r* is the root of root interval j: absent in gap j (and at A), present at v, in gap
    j + 1 or (a rational critical parameter) at r* itself."""
    A, B = rng
    a, b, m = roots[j]
    before = samples[j]  # in gap j, so below r* (None, or A itself, when that gap starts at A)
    left = max(x for x in (A, before, roots[j - 1][1] if j >= 1 else None) if x is not None)
    after_hi = roots[j + 1][0] if j + 1 < len(roots) else B
    if v == a == b:  # the cycle is at the rational critical parameter itself: a one-point enclosure
        lo = hi = a
    else:
        if a == b:  # a rational critical parameter: an interval strictly around it, inside its gaps
            eps = min(fmpq(1, 10 ** digits), (a - left) / 2, (v - a) / 2)
            a, b = a - eps, a + eps
        lo, hi = _isolate(m, a, b, fmpq(1, 10 ** digits))
    if before is None:
        return _undecided(fam, p, rng, "could not isolate the onset away from the range's start")
    # a cycle past the onset: at the gap's sample (PL: already proved), else nearer the onset
    got = method.cycle(v)
    if got is None and v != lo:
        for frac in (fmpq(1, 2), fmpq(1, 8), fmpq(1, 64), fmpq(1, 1024)):
            w = dyadic(hi + (after_hi - hi) * frac, 64, up=True)
            if hi <= w < after_hi or w == after_hi == B:
                got = method.cycle(w)
                if got is not None:
                    v = w
                    break
    if got is None:
        return _undecided(fam, p, rng, f"the onset is isolated but no period-{p} cycle was proved past it")
    cyc, prec = got
    fact = {"fact": method.fact, "minpoly": [q_str(c) for c in m.coeffs()], "isolating": interval(lo, hi)}
    r = sympy.Symbol(fam.param)
    m_sym = sympy.Poly([sympy.Rational(int(c.p), int(c.q)) for c in reversed(m.coeffs())], r)
    exact = q_str(lo) if lo == hi else _closed_form(m_sym, lo, hi)
    return _gate(_cert(fam, p, rng, "proved", [fact, _cycle_at(v, cyc)], prec, onset=interval(lo, hi),
                       exact=exact, minpoly=sympy.sstr(m_sym.monic().as_expr())), budget)


def certify_windows(fam: Family, p: int, rng, digits: int = 30, budget: Budget = Budget(),
                    timeout: float | None = None) -> dict:
    """The parameters in rng = (A, B) with points of minimal period p, as windows with certified ends.

    The critical parameters are isolated to 10^-digits; in each gap between them existence is
    decided at one rational sample: the exact number of real roots of Phi_p (polynomial families;
    the orbit count is that number / p) or an exact period verdict (PL families). `timeout`
    (seconds, None: none) is the outer guard: when it fires the result is undecided.
    """
    _request(fam, p, rng, digits)
    return limits.guard(timeout, lambda: _windows(fam, p, rng, digits, budget),
                        lambda why: _undecided(fam, p, rng, why, "windows"))


def _windows(fam: Family, p: int, rng, digits: int, budget: Budget) -> dict:
    A, B = rng
    width = fmpq(1, 10 ** digits)
    if fam.is_polynomial():
        degree = _dynatomic_degree(fam, p)
        if degree > MAX_DEGREE and _logistic_range(fam, rng):
            return _windows_logistic(fam, p, rng, digits, budget)
        if degree > MAX_DEGREE:
            return _undecided(fam, p, rng, f"exact elimination would need the discriminant of a degree-{degree} "
                                           f"polynomial (this version stops above {MAX_DEGREE})", "windows")
        try:
            phi = dynatomic(fam.program, p)
        except NotPolynomialFamily as e:
            return _undecided(fam, p, rng, f"no exact elimination: {e}", "windows")
        bif = bifurcation_poly(phi)
        if bif.is_zero():
            return _undecided(fam, p, rng, "the bifurcation polynomial vanishes identically", "windows")
        roots = _shrink(critical_intervals(_factors(bif), A, B), width)
        samples, counts = [], []
        for s in gap_samples(roots, A, B):
            n = 0 if s is None else real_roots_at(phi, s)
            samples.append([None if s is None else q_str(s), n])
            counts.append(n)
        windows = [{"from": interval(*left), "to": interval(*right), "orbits": orbits}
                   for left, right, orbits in windows_from_counts([r[:2] for r in roots], counts, A, B, p)]
        fact = {"fact": "parameter_partition", "roots": [interval(a, b) for a, b, _ in roots], "samples": samples}
        return _gate(_cert(fam, p, rng, "proved", [fact], kind="windows", windows=windows), budget)
    from certify.checker.tent import is_tent
    if is_tent(fam.canonical) and 1 <= A and B <= 2 and p >= 2:  # every period at once (thresholds/tent.py)
        from certify.thresholds.tent import tent_windows
        got = tent_windows(p, A, B, digits)
        if got is not None:
            out = _gate(_cert(fam, p, rng, "proved", [got[0]], kind="windows", windows=got[1]), budget)
            if out["verdict"] == "proved":
                return out
    fam_pl = pl_family(fam.program, A, B)
    if fam_pl is None:
        raise CertifyError("windows are computed for polynomial families and for families piecewise linear in x "
                           "with breakpoints independent of the parameter; this is neither")
    if count_itineraries(fam_pl, p, A, B) > MAX_ITINERARIES:
        return _undecided(fam, p, rng, f"more than {MAX_ITINERARIES} feasible itineraries of length {p}: too many "
                                       f"for this version", "windows")
    got = _pl_partition(fam, p, A, B, budget, {}, fmpq(1, 10 ** digits))
    if isinstance(got, str):
        return _undecided(fam, p, rng, got, "windows")
    fact, roots, present = got
    windows = [{"from": interval(*left), "to": interval(*right), "orbits": None}
               for left, right, _ in windows_from_counts([r[:2] for r in roots], present, A, B, 1)]
    return _gate(_cert(fam, p, rng, "proved", [fact], kind="windows", windows=windows), budget)


def _logistic_range(fam: Family, rng) -> bool:
    """The family is r x (1 - x) and the range lies in [1, 4]: windows by births (certify/thresholds/births.py)."""
    from certify.checker.logistic import is_logistic
    return is_logistic(fam.canonical) and 1 <= rng[0] and rng[1] <= 4


def _windows_logistic(fam: Family, p: int, rng, digits: int, budget: Budget) -> dict:
    """Windows of the logistic family without elimination: every birth in (A, 4] enclosed by a
    two-dimensional Krawczyk test, as many as the superstable parameters of period p there."""
    from certify.checker.thresholds import _logistic_partition
    from certify.thresholds.births import births_fact

    A, B = rng
    fact = births_fact(p, A, digits, budget.report)
    if isinstance(fact, str):
        return _undecided(fam, p, rng, fact, "windows")
    try:
        roots, counts, _ = _logistic_partition(fam.canonical, fact, p, A, B)
    except Exception as e:  # the kernel refuses it: no claim
        return _undecided(fam, p, rng, f"the births do not pass the kernel's checks ({e})", "windows")
    windows = [{"from": interval(*left), "to": interval(*right), "orbits": orbits}
               for left, right, orbits in windows_from_counts(roots, counts, A, B, p)]
    return _gate(_cert(fam, p, rng, "proved", [fact], fact["prec"], kind="windows", windows=windows), budget)


def _pl_verdict(fam: Family, p: int, v, budget: Budget, seen: dict):
    """The exact period verdict of the map at v (cached in `seen`), as `_period_fact`."""
    if v not in seen:
        seen[v] = _period_fact(fam, v, p, budget)
    return seen[v]


def _pl_partition(fam: Family, p: int, A, E, budget: Budget, seen: dict, width=None, last=None):
    """The critical_partition fact of a PL family on [A, E] (the kernel's lemma: existence is constant
    between critical parameters), with an exact verdict at one sample per gap (`last`: the last
    gap's sample, when given and not critical): (fact, root intervals, 0/1 per gap), or a reason."""
    crit = pl_critical(pl_family(fam.program, A, E), p, A, E)
    roots = critical_intervals(crit, A, E)
    if any(r[1] >= s[0] for r, s in zip(roots, roots[1:])):
        return "the critical parameters could not be separated"
    if width is not None:
        roots = _shrink(roots, width)
    index = {tuple(g.coeffs()): k for k, g in enumerate(crit)}
    values = gap_samples(roots, A, E)
    if last is not None and values[-1] is not None and all(g(last) != 0 for g in crit):
        values[-1] = last
    samples, present = [], []
    for v in values:
        if v is None:
            samples.append(None)
            present.append(0)
            continue
        got = _pl_verdict(fam, p, v, budget, seen)
        if got is None:
            return f"no verdict for the map at {fam.param} = {float(v):.12g}"
        samples.append({"value": q_str(v), "verdict": got[0], "evidence": got[1]})
        present.append(1 if got[0] == "proved" else 0)
    fact = {"fact": "critical_partition", "roots": [interval(a, b) for a, b, _ in roots], "samples": samples,
            "factors": [index[tuple(g.coeffs())] for _, _, g in roots]}
    return fact, roots, present


def _onset_pl(fam: Family, p: int, rng, digits: int, budget: Budget) -> dict:
    """Onset in a PL family with fixed breakpoints: gaps between critical parameters decided in order
    (an exact verdict at one parameter each) and each critical parameter before the first presence
    decided exactly by the kernel (plfamily.period_at), up to the first place with period p; the
    certificate is the critical partition of [A, E], E a parameter just past that place (B if none)."""
    A, B = rng
    fam_pl = pl_family(fam.program, A, B)
    crit = pl_critical(fam_pl, p, A, B)
    roots = critical_intervals(crit, A, B)
    if any(r[1] >= s[0] for r, s in zip(roots, roots[1:])):
        return _undecided(fam, p, rng, "the critical parameters could not be separated")
    samples, seen, failed = gap_samples(roots, A, B), {}, []
    budget.report(f"period {p}: {len(roots)} critical parameters in the range; deciding the gaps in order")

    def in_gap(k):
        if samples[k] is None:
            return False
        got = _pl_verdict(fam, p, samples[k], budget, seen)
        if got is None:
            failed.append(samples[k])
            return True  # stop here: nothing after it is decided
        return got[0] == "proved"

    def at_root(k):
        a, b, g = roots[k]
        return period_at(fam_pl, p, A, B, AlgebraicParameter(g, a, b))

    found = first_presence(len(roots), in_gap, at_root)
    if failed:
        return _undecided(fam, p, rng, f"no verdict for the map at {fam.param} = {float(failed[0]):.12g}")
    E = B
    if found is not None:
        kind, k = found
        nxt = k if kind == "gap" else k + 1  # the gap holding E
        E = samples[nxt] if nxt < len(samples) and samples[nxt] is not None and samples[nxt] > A else B
        if kind == "gap" and k == 0 and E == A:
            E = simplest_between(A, roots[0][0]) if roots else B
    got = _pl_partition(fam, p, A, E, budget, seen, fmpq(1, 10 ** digits), last=E)
    if isinstance(got, str):
        return _undecided(fam, p, rng, got)
    fact, roots_E, present = got
    if E != B:
        fact["to"] = q_str(E)
    fam_E = pl_family(fam.program, A, E)
    crit_E = pl_critical(fam_E, p, A, E)
    found = first_presence(len(roots_E), lambda k: present[k] > 0,
                           lambda k: period_at(fam_E, p, A, E, AlgebraicParameter(roots_E[k][2], *roots_E[k][:2])))
    if found is None:
        if E != B:
            return _undecided(fam, p, rng, "internal: the period vanished from the shorter partition; please report")
        return _gate(_cert(fam, p, rng, "refuted", [fact]), budget)
    kind, k = found
    if kind == "gap" and k == 0:
        return _gate(_cert(fam, p, rng, "proved", [fact], onset=interval(A, A), exact=q_str(A)), budget)
    j = k if kind == "root" else k - 1
    lo, hi, m = roots_E[j]
    del crit_E
    r = sympy.Symbol(fam.param)
    m_sym = sympy.Poly([sympy.Rational(int(c.p), int(c.q)) for c in reversed(m.coeffs())], r)
    exact = q_str(lo) if lo == hi else _closed_form(m_sym, lo, hi)
    return _gate(_cert(fam, p, rng, "proved", [fact], onset=interval(lo, hi), exact=exact,
                       minpoly=sympy.sstr(m_sym.monic().as_expr())), budget)


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
        return _gate(_cert(fam, p, rng, "proved", [_cycle_at(A, at_A[1][0])], at_A[2], onset=interval(A, A),
                           exact=q_str(A)), budget)
    budget.report(f"period {p}: scanning {fam.param} in [{float(A):.6g}, {float(B):.6g}] in floats")
    found = C.first_cycle(fam, p, A, B, region)
    if found is None:
        fact, why = C.refute_on(fam, p, A, B, region, lambda a, b: fmpq(0), budget)
        if fact is None:
            return _cert(fam, p, rng, "undecided", [], reason=f"no period-{p} cycle was found in the range; {why}")
        return _gate(_cert(fam, p, rng, "refuted", [fact]), budget)
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
    return _gate(_cert(fam, p, rng, "proved", [fact, cyc], prec, onset=interval(lo, hi),
                       method="parameter cover (balls) + Krawczyk cycle past the fold"), budget)


