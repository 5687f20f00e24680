"""Onset of chaos (positive topological entropy) in a one-parameter family of interval maps.

An interval map has positive entropy iff it has a periodic point whose period is not a power of
2 (Misiurewicz 1979; Block, Guckenheimer, Misiurewicz, Young 1980). So a certified cycle of such a
period at a parameter U proves h_top(f_U) > 0, hence the onset inf{r : h_top(f_r) > 0} is <= U (no
monotonicity needed). Floats look for the earliest birth of periods 3·2^k, 5·2^k, ... in the range;
certify_period proves one just past it. The lower side: for families PL in x, |slope| <= 1 below L
(h <= max(0, log Lip)); for the logistic family, both sides at once from superstable parameters
(thresholds/feigenbaum.py, checker/feigenbaum.py: kneading theory and Milnor-Thurston monotonicity
below, a period 3·2^k above).
"""

from __future__ import annotations

import sympy
from flint import fmpq, fmpq_poly

from certify import limits
from certify.arith import Budget, dyadic, to_fmpq
from certify.certificates import SCHEMA, interval, q_str
from certify.checker import check
from certify.verify import self_checked
from certify.errors import CertifyError
from certify.maps import Family
from certify.periodic.period import certify_period, versions
from certify.thresholds import cover as C

PERIODS = (3, 5, 6, 10, 12, 20, 24, 48)  # not powers of 2; later 3*2^k are born nearer the cascade's end
FEIGENBAUM_POINT = "3.56994567187094490184"  # logistic family, literature value (not certified here)


def not_power_of_two(p: int) -> bool:
    return p >= 3 and p & (p - 1) != 0


def lipschitz_end(fam: Family, A: fmpq, B: fmpq):
    """For a family PL in x with fixed breakpoints: the largest L in [A, B] with |slope| <= 1 on
    every piece for all parameters in [A, L] (an exact root of some slope^2 - 1, or B), or None."""
    from certify.checker.dynatomic import to_sympy
    from certify.checker.plfamily import pl_family

    fam_pl = pl_family(fam.program, A, B)
    if fam_pl is None or any(s(A) ** 2 > 1 for s in fam_pl[1]):
        return None
    ends = [B]
    sA, sB = (sympy.Rational(int(v.p), int(v.q)) for v in (A, B))
    for s in fam_pl[1]:
        g = fmpq_poly([1]) - s * s
        if g.degree() >= 1:
            for (a, b), _ in to_sympy(g).intervals(inf=sA, sup=sB):
                if a == b and fmpq(int(sympy.Rational(a).p), int(sympy.Rational(a).q)) >= A:  # a root at A: L = A
                    ends.append(fmpq(int(sympy.Rational(a).p), int(sympy.Rational(a).q)))
                elif a != b:
                    ends.append(fmpq(int(sympy.Rational(a).p), int(sympy.Rational(a).q)))  # a rational below the root
    L = min(ends)
    return L if L > A else None


def certify_chaos_onset(fam: Family, rng, periods=PERIODS, budget: Budget = Budget(),
                        timeout: float | None = None) -> dict:
    """Bounds on the chaos onset in rng: an upper bound U with h_top(f_U) > 0 (a certified cycle of a
    period that is not a power of 2), a lower bound L where |slope| <= 1 below it (PL families), or
    a refutation (|slope| <= 1 on the whole range); for the logistic family the literature estimate
    of the Feigenbaum point, labelled as such. `timeout` (seconds, None: none) is the outer guard:
    when it fires the result is undecided, "time limit (machine-dependent)"."""
    logistic = fam.canonical.get("expr") == f"{fam.param}*x*(1 - x)"
    if rng is None and not logistic:
        raise CertifyError("--range A,B is needed (the default, [1, 4], is for the logistic family only)")
    A, B = rng if rng is not None else (fmpq(1), fmpq(4))
    if not A < B:
        raise CertifyError("--range needs A < B")
    if not periods or not all(isinstance(p, int) and not_power_of_two(p) for p in periods):
        raise CertifyError("--periods must be integers >= 3 that are not powers of 2")
    fam.at(A), fam.at(B)
    from certify.thresholds import _class
    cert = {"schema": SCHEMA, "map": {"given": fam.given, "canonical": fam.canonical, "class": _class(fam, (A, B))},
            "claim": {"kind": "chaos_onset", "param": fam.param, "range": interval(A, B)},
            "versions": versions()}
    return limits.guard(timeout, lambda: _chaos_onset(fam, (A, B), periods, budget, cert),
                        lambda why: dict(cert, verdict="undecided", precision=64, evidence=[], reason=why))


def _chaos_onset(fam: Family, rng, periods, budget: Budget, cert: dict) -> dict:
    A, B = rng
    if fam.canonical.get("expr") == f"{fam.param}*x*(1 - x)":
        cert["estimate"] = {"value": FEIGENBAUM_POINT, "status": "estimate",
                            "method": "literature value of the Feigenbaum point (end of the period-doubling "
                                      "cascade), for comparison"}
        two_sided = _feigenbaum(fam, A, B, budget, cert)
        if two_sided is not None:
            return two_sided
    L = lipschitz_end(fam, A, B)
    lower = [{"fact": "slopes_at_most_one", "to": q_str(L)}] if L is not None else []
    if L == B:
        cert.update(verdict="refuted", precision=64, evidence=lower, lower=q_str(L))
        return _gate(cert, budget)
    exact = _constant_slope(fam, A, B, L, lower, cert, budget)
    if exact is not None:
        return exact
    region = C.region_of(fam, A, B)
    window = region if region is not None else (fmpq(-10), fmpq(10))
    births = []
    for p in periods:
        budget.report(f"chaos onset: looking for the birth of period {p} in floats")
        found = C.first_cycle(fam, p, L if L is not None else A, B, window)
        if found is not None:
            births.append((found[0], p))
    births.sort()
    for r, p in births[:4]:
        for k in range(12):  # just past the birth, then further in: the cycle must be proved hyperbolic
            v = dyadic(to_fmpq(r) + (B - A) * fmpq(1, 2 ** (40 - 3 * k)), 64, up=True)
            if not A <= v <= B:
                break
            c = certify_period(fam.at(v), p, budget=budget)
            cyc = next((f for f in c["evidence"] if f["fact"] in ("cycle_exact", "cycle_krawczyk")), None)
            if c["verdict"] == "proved" and cyc is not None:  # cycle_algebraic is not a cycle_at fact
                out = dict(cert, verdict="proved", precision=c["precision"], upper=q_str(v), period=p,
                           evidence=[{"fact": "cycle_at", "value": q_str(v), "cycle": cyc}] + lower)
                out["lower"] = q_str(L) if L is not None else None
                out = _gate(out, budget)
                if out["verdict"] == "proved":
                    return out
                break
    reason = f"no cycle of period {', '.join(map(str, periods))} was proved in the range"
    if L is not None:
        reason += f" (|slope| <= 1 on every piece for {fam.param} <= {float(L):.6g}, so there is no chaos there)"
    cert.update(verdict="undecided", precision=64, evidence=[], reason=reason)
    return cert


def _feigenbaum(fam: Family, A: fmpq, B: fmpq, budget: Budget, cert: dict):
    """The logistic family: the onset enclosed from both sides (thresholds/feigenbaum.py), when the
    enclosure lies inside the range and the kernel agrees; else None."""
    from certify.thresholds import feigenbaum as FG

    if not 1 <= A or not B <= 4:
        return None
    facts = FG.cascade_facts(FG.DEPTH, report=budget.report)
    lo, hi = FG.bounds(facts)
    if B < lo:  # the range ends inside the cascade: no chaos there, from the first center past B
        from certify.certificates import interval_parse
        for k in range(1, FG.DEPTH + 1):
            fact = FG.cascade_fact(k)
            if interval_parse(fact["r"])[0] >= B:
                out = _gate(dict(cert, verdict="refuted", precision=fact["prec"], evidence=[fact], lower=q_str(B)),
                            budget)
                return out if out["verdict"] == "refuted" else None
        return None
    if not A <= lo or not hi <= B:
        return None
    out = _gate(dict(cert, verdict="proved", precision=max(f["prec"] for f in facts), evidence=facts,
                     **FG.as_fields(facts)), budget)
    return out if out["verdict"] == "proved" else None


def _constant_slope(fam: Family, A: fmpq, B: fmpq, L, lower: list, cert: dict, budget: Budget):
    """A family of constant |slope| sigma(r) (the tent family): the onset exactly, where sigma^2
    crosses 1, with h_top = log|sigma| above it (checker/slope_onset.py); None if it does not apply."""
    from certify.checker.plfamily import pl_family

    fam_pl = pl_family(fam.program, A, B)
    if fam_pl is None or any(s * s != fam_pl[1][0] ** 2 for s in fam_pl[1]):
        return None
    start = L if L is not None else A
    for I in ((fmpq(0), fmpq(1)), (fmpq(-1), fmpq(1))):
        fact = {"fact": "slope_entropy", "from": q_str(start), "interval": interval(*I)}
        out = dict(cert, verdict="proved", precision=64, evidence=[fact] + lower, lower=q_str(start),
                   upper=q_str(start), period=None)
        if check(out).ok:
            return _gate(out, budget)
    return None


def _gate(cert: dict, budget: Budget) -> dict:
    """The kernel's verdict on the certificate: a disagreement makes it undecided, with the reason."""
    return self_checked(cert, budget.self_check, keep=("schema", "map", "claim", "versions", "estimate"),
                        precision=64)
