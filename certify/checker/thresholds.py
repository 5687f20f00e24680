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
from flint import arb, fmpq, fmpq_mpoly_ctx, fmpq_poly

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


def _family_claim(prog: Program, cert: dict, what: str):
    """(canonical map, p, A, B) of a claim about a one-parameter family, validated."""
    from certify.certificates import interval_parse
    from certify.checker import facts as F

    claim, canon = cert["claim"], cert["map"]["canonical"]
    p = int(claim["p"])
    if claim.get("param") != canon.get("param") or not prog.has_param() or p < 1:
        raise F.Failure(f"{what} claim needs a family whose parameter the claim names")
    A, Bend = interval_parse(claim["range"])
    if not A < Bend:
        raise F.Failure("empty parameter range")
    return canon, p, A, Bend


def check_onset(prog: Program, cert: dict) -> int:
    """Verify an onset certificate: its facts, and that they imply the stated onset. Returns #facts."""
    from certify.certificates import interval_parse, q_parse
    from certify.checker import facts as F

    canon, p, A, Bend = _family_claim(prog, cert, "an onset")
    facts = {f.get("fact"): f for f in cert.get("evidence", [])}
    if set(facts) - {"onset_algebraic", "onset_pl", "cycle_at", "no_onset", "param_cover"} \
            or len(facts) != len(cert.get("evidence", [])):
        raise F.Failure("onset evidence must be onset_algebraic / onset_pl / cycle_at / no_onset / param_cover, "
                        "each at most once")
    if cert["verdict"] == "undecided":
        return 0
    if "param_cover" in facts:
        return check_onset_cover(prog, cert, facts, p, A, Bend)
    if "onset_pl" in facts:
        if cert["verdict"] != "proved":
            raise F.Failure("onset_pl supports proved onsets only")
        return check_onset_pl(prog, cert, facts, p, A, Bend)
    if "no_onset" in facts and "refuted_at" in facts["no_onset"]:  # PL family: none in the whole range
        if cert["verdict"] != "refuted":
            raise F.Failure("fact no_onset implies the verdict refuted")
        fam = pl_family(prog, A, Bend)
        if fam is None:
            raise F.Failure("the family is not PL with fixed breakpoints")
        crit = pl_critical(fam, p, A, Bend)
        if critical_root_count(crit, A, Bend) - sum(1 for g in crit if g(A) == 0) != 0:
            raise F.Failure("fact no_onset: a critical parameter lies in (A, B]")
        (sample,) = facts["no_onset"]["refuted_at"]
        if q_parse(sample["value"]) != A:
            raise F.Failure("fact no_onset: the refutation must be at A")
        _refuted_at(canon, A, p, sample["evidence"])
        return 1
    verdict = cert["verdict"]
    if verdict == "proved" and "onset_algebraic" not in facts:
        return _onset_at_start(prog, cert, facts, p, A)
    if not prog.is_polynomial():
        raise F.Failure("algebraic onset facts need a polynomial family")
    phi = dynatomic(prog, p)
    bif = bifurcation_poly(phi)
    if bif.is_zero():
        raise F.Failure("the bifurcation polynomial vanishes identically")
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
    _check_exact(cert, m, lo, hi)
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

    canon, p, A, Bend = _family_claim(prog, cert, "a windows")
    if cert["verdict"] == "undecided":
        return 0
    (fact,) = cert["evidence"]
    if fact.get("fact") == "critical_partition":
        return _check_windows_pl(prog, cert, fact, canon, p, A, Bend)
    if fact.get("fact") != "parameter_partition":
        raise F.Failure("a windows certificate rests on one parameter_partition (or critical_partition) fact")
    phi = dynatomic(prog, p)
    bif = bifurcation_poly(phi)
    roots = _root_intervals(fact, [bif], A, Bend, "B(r)")
    counts = []
    for s, (_, n) in _gap_samples(roots, fact["samples"], A, Bend, lambda smp: smp[0]):
        if s is None:
            if int(n) != 0:
                raise F.Failure("an empty gap cannot hold period-p points")
            counts.append(0)
            continue
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



def _gap_samples(roots, samples, A, Bend, value_of):
    """(sample value or None, sample) for each gap between the root intervals, checked: one sample
    per gap, strictly inside it (or at a range end no root interval touches); None only for an
    empty gap (a root interval touching the range's end)."""
    from certify.certificates import q_parse
    from certify.checker import facts as F

    ends = [A] + [x for r in roots for x in r] + [Bend]
    gaps = [(ends[2 * i], ends[2 * i + 1]) for i in range(len(roots) + 1)]
    if len(samples) != len(gaps):
        raise F.Failure("one sample per gap between root intervals is required")
    out = []
    for (g0, g1), smp in zip(gaps, samples):
        text = value_of(smp)
        if text is None:
            if g0 != g1:
                raise F.Failure("a non-empty gap has no sample")
            out.append((None, smp))
            continue
        v = q_parse(text)
        if not (g0 < v < g1 or (g0 == v == A and (not roots or A < roots[0][0])) or
                (g1 == v == Bend and (not roots or roots[-1][1] < Bend))):
            raise F.Failure("a sample lies outside its gap")
        out.append((v, smp))
    return out


def _root_intervals(fact: dict, polys, A, Bend, name: str):
    """The fact's sorted disjoint root intervals, checked to hold each exactly one of the distinct
    real roots of the polys (pairwise coprime) in [A, B], and all of them."""
    from certify.certificates import interval_parse
    from certify.checker import facts as F

    roots = [interval_parse(r) for r in fact["roots"]]
    for (a, b), (c, d) in zip(roots, roots[1:]):
        if not b < c:
            raise F.Failure("root intervals must be sorted and disjoint")
    if roots and not (A <= roots[0][0] and roots[-1][1] <= Bend):
        raise F.Failure("a root interval leaves the range")
    total = sum(count_real_roots(g, A, Bend) for g in polys)
    if total != len(roots):
        raise F.Failure(f"{name} has {total} real roots in the range, not {len(roots)}")
    owners = fact.get("factors")
    if owners is not None:
        # each interval holds a root of its stated factor; the intervals are disjoint and as many as
        # all the roots in the range, so each holds exactly one root of the whole product
        if len(owners) != len(roots):
            raise F.Failure("one factor index per root interval is required")
        for (a, b), k in zip(roots, owners):
            if not 0 <= int(k) < len(polys) or count_real_roots(polys[int(k)], a, b) < 1:
                raise F.Failure(f"a root interval holds no root of its factor of {name}")
        return roots
    for a, b in roots:
        if sum(count_real_roots(g, a, b) for g in polys) != 1:
            raise F.Failure(f"a root interval does not hold exactly one root of {name}")
    return roots


def _check_windows_pl(prog, cert, fact, canon, p, A, Bend) -> int:
    """Windows of a PL family: existence of period p is constant between critical parameters; one
    exact verdict per gap (an embedded cycle or refutation) decides it."""
    from certify.certificates import interval_parse, q_parse
    from certify.checker import facts as F

    fam = pl_family(prog, A, Bend)
    if fam is None:
        raise F.Failure("the family is neither polynomial nor PL with fixed breakpoints")
    roots = _root_intervals(fact, pl_critical(fam, p, A, Bend), A, Bend, "the critical polynomial")
    present = []
    for v, smp in _gap_samples(roots, fact["samples"], A, Bend, lambda smp: smp and smp["value"]):
        if v is None:
            present.append(0)
            continue
        if smp["verdict"] == "proved":
            _cycle_at(canon, {"value": smp["value"], "cycle": smp["evidence"][0]}, p)
            present.append(1)
        elif smp["verdict"] == "refuted":
            _refuted_at(canon, v, p, smp["evidence"])
            present.append(0)
        else:
            raise F.Failure("each sample needs a proved or refuted verdict")
    want = [(a, b) for a, b, _ in windows_from_counts(roots, present, A, Bend, 1)]
    got = [(interval_parse(w["from"]), interval_parse(w["to"])) for w in cert["windows"]]
    if got != want:
        raise F.Failure("the stated windows are not the runs of gaps with period-p points")
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


# ----------------------------------------------------------------------------- piecewise-linear families

def pl_family(prog: Program, A, B):
    """(breaks, slopes, icepts) of a family that is PL in x with breakpoints independent of the
    parameter r in [A, B]; slopes and intercepts are fmpq_polys in r. None if not of that form."""
    X1 = fmpq_poly([0, 1])

    def const(q):
        return fmpq_poly([q])

    def sign_on_range(poly):
        """+1 / -1 when poly keeps a strict sign on [A, B], else 0."""
        if poly.is_zero():
            return 0
        if poly.degree() > 0 and count_real_roots(poly, A, B) > 0:
            return 0
        v = poly(A)
        return 1 if v > 0 else -1

    def relu(f):
        alpha, beta, kinks = f
        if kinks:
            return None  # relu of a kinked function: not handled for families
        if beta.is_zero():
            sg = sign_on_range(alpha)
            if sg == 0 and not alpha.is_zero():
                return None
            return (alpha if sg > 0 else const(0), const(0), [])
        sg = sign_on_range(beta)
        if sg == 0:
            return None
        # the kink t = -alpha/beta must be a constant rational
        r0 = A
        t = -alpha(r0) / beta(r0)
        if not (alpha + beta * const(t)).is_zero():
            return None
        if sg > 0:
            return (const(0), const(0), [(t, beta)])
        return (alpha, beta, [(t, -beta)])

    vals = []
    for ins in prog.code:
        op = ins[0]
        if op == "x":
            r = (const(0), const(1), [])
        elif op == "param":
            r = (X1, const(0), [])
        elif op == "const":
            r = (const(ins[1]), const(0), [])
        elif op == "add":
            alpha, beta, kinks = const(0), const(0), []
            for k in ins[1:]:
                a, b, ks = vals[k]
                alpha, beta, kinks = alpha + a, beta + b, kinks + ks
            r = (alpha, beta, kinks)
        elif op == "mul":
            factor, f = const(1), None
            for k in ins[1:]:
                a, b, ks = vals[k]
                if b.is_zero() and not ks:
                    factor = factor * a
                elif f is None:
                    f = vals[k]
                else:
                    return None
            r = (factor, const(0), []) if f is None else (factor * f[0], factor * f[1], [(t, factor * g) for t, g in f[2]])
        elif op in ("max", "min"):
            u, v = vals[ins[1]], vals[ins[2]]
            rd = relu((u[0] - v[0], u[1] - v[1], u[2] + [(t, -g) for t, g in v[2]]))
            if rd is None:
                return None
            if op == "max":
                r = (v[0] + rd[0], v[1] + rd[1], v[2] + rd[2])
            else:
                r = (u[0] - rd[0], u[1] - rd[1], u[2] + [(t, -g) for t, g in rd[2]])
        elif op == "pow" and ins[2] == 1:
            r = vals[ins[1]]
        else:
            return None
        vals.append(r)
    alpha, beta, kinks = vals[-1]
    merged = {}
    order = []
    for t, g in kinks:
        if t not in merged:
            order.append(t)
            merged[t] = const(0)
        merged[t] = merged[t] + g
    breaks, slopes, icepts = [], [beta], [alpha]
    for t in sorted(order):
        g = merged[t]
        if g.is_zero():
            continue
        breaks.append(t)
        slopes.append(slopes[-1] + g)
        icepts.append(icepts[-1] - g * const(t))
    return breaks, slopes, icepts


MAX_ITINERARIES = 60000


def transitions(fam, A, B) -> list:
    """succ[k]: the pieces j that f_r maps some point of piece k into, for some r in [A, B] (a ball
    enclosure of the image of each piece over x and r, so a superset). An itinerary that uses a
    missing transition is never followed by any orbit of any f_r, r in [A, B]."""
    from certify.checker.semantics import ball_of, workprec

    breaks, slopes, icepts = fam
    n = len(slopes)
    with workprec(128):
        R = ball_of(A, B)

        def at(poly):
            return sum((arb(c) * R ** i for i, c in enumerate(poly.coeffs())), arb(0))

        succ = []
        for k in range(n):
            lo = breaks[k - 1] if k > 0 else None
            hi = breaks[k] if k < n - 1 else None
            s, c = at(slopes[k]), at(icepts[k])
            ends = [v for v in (lo, hi) if v is not None]
            vals = [s * arb(t) + c for t in ends]
            ylo = min((v.lower() for v in vals), default=None, key=lambda b: b.mid()) if vals else None
            yhi = max((v.upper() for v in vals), default=None, key=lambda b: b.mid()) if vals else None
            if lo is None or hi is None:  # a tail: unbounded image unless the slope is certainly 0
                if not (s.is_exact() and s == 0):
                    grows_up = (s > 0 and hi is None) or (s < 0 and lo is None)
                    grows_down = (s > 0 and lo is None) or (s < 0 and hi is None)
                    if not (s > 0 or s < 0):
                        grows_up = grows_down = True
                    if lo is None and hi is None:
                        grows_up = grows_down = True
                    ylo = None if grows_down else ylo
                    yhi = None if grows_up else yhi
                else:
                    ylo, yhi = c.lower(), c.upper()
            row = []
            for j in range(n):
                jlo = breaks[j - 1] if j > 0 else None
                jhi = breaks[j] if j < n - 1 else None
                # dropped only when the image is certainly below or certainly above piece j
                if not ((yhi is not None and jlo is not None and yhi < arb(jlo)) or
                        (ylo is not None and jhi is not None and ylo > arb(jhi))):
                    row.append(j)
            succ.append(row)
    return succ


def itineraries(succ, p: int):
    """Every word (k_0..k_{p-1}) with k_i -> k_{i+1} and k_{p-1} -> k_0 allowed by succ."""
    allowed = [set(r) for r in succ]
    stack = [(k,) for k in range(len(succ))]
    while stack:
        w = stack.pop()
        if len(w) == p:
            if w[0] in allowed[w[-1]]:
                yield w
            continue
        stack.extend(w + (j,) for j in succ[w[-1]])


def count_itineraries(fam, p: int, A, B) -> int:
    return sum(1 for _ in itineraries(transitions(fam, A, B), p))


def pl_critical(fam, p: int, A, B) -> list:
    """The distinct monic irreducible factors (fmpq_polys in r) of the critical polynomials of
    period p: for every itinerary of pieces that some f_r, r in [A, B], can follow (`transitions`),
    1 - A_w(r), the border-collision numerators (an orbit point at a break) and the coincidence
    numerators (two orbit points equal). Off their roots the set of period-p orbits changes
    continuously, so existence of a point of minimal period p is constant on each gap between
    them. Distinct irreducibles have no common root."""
    from flint import fmpz_poly

    breaks, slopes, icepts = fam
    factors: dict = {}
    for word in itineraries(transitions(fam, A, B), p):
        A, Bc = fmpq_poly([1]), fmpq_poly([0])
        partial = [(A, Bc)]
        for k in word:
            A, Bc = slopes[k] * A, slopes[k] * Bc + icepts[k]
            partial.append((A, Bc))
        D = fmpq_poly([1]) - A
        if D.is_zero():
            continue
        nums = [Aj * Bc + Bj * D for Aj, Bj in partial[:p]]  # x_j = nums[j] / D
        cands = [D]
        for j, k in enumerate(word):
            for t in ([breaks[k - 1]] if k > 0 else []) + ([breaks[k]] if k < len(breaks) else []):
                cands.append(nums[j] - fmpq_poly([t]) * D)
        for i in range(p):
            for j in range(i + 1, p):
                cands.append(nums[i] - nums[j])
        for c in cands:
            if c.is_zero() or c.degree() < 1:
                continue
            num = fmpz_poly([int(v) for v in (c * c.denom()).numer().coeffs()])
            for f, _ in num.factor()[1]:
                if f.degree() >= 1:
                    g = fmpq_poly([fmpq(int(v)) for v in f.coeffs()])
                    g = g / g.coeffs()[-1]
                    factors.setdefault(tuple(g.coeffs()), g)
    return [factors[k] for k in sorted(factors)]


def critical_root_count(factors, lo, hi) -> int:
    """Number of distinct real roots of the critical factors in [lo, hi]."""
    return sum(count_real_roots(f, lo, hi) for f in factors)


def _refuted_at(canon: dict, value, p: int, evidence) -> None:
    """The map at parameter `value` has no point of minimal period p (an embedded refutation)."""
    from certify.checker import facts as F
    from certify.checker.orbits import refutes

    try:
        refutes(Program.from_canonical(canon, value=value), evidence, p)
    except F.Failure as e:
        raise F.Failure(f"refutation at {canon['param']} = {value}: {e}") from None


def check_onset_pl(prog: Program, cert: dict, facts: dict, p: int, A, Bend) -> int:
    """Onset in a PL family: r* is the only critical root in (A, v]; refuted at A and inside (A, r*)."""
    from certify.certificates import interval_parse, q_parse
    from certify.checker import facts as F

    canon = cert["map"]["canonical"]
    fam = pl_family(prog, A, Bend)
    if fam is None:
        raise F.Failure("the family is neither polynomial nor PL with fixed breakpoints")
    crit = pl_critical(fam, p, A, Bend)
    f, cyc = facts["onset_pl"], facts.get("cycle_at")
    if cyc is None:
        raise F.Failure("a proved onset needs a cycle_at fact")
    lo, hi = interval_parse(f["isolating"])
    m = fmpq_poly([q_parse(c) for c in f["minpoly"]])
    v = q_parse(cyc["value"])
    monic = m / m.coeffs()[-1] if m.degree() >= 1 else m
    if not (A < lo < hi <= v <= Bend) or m.degree() < 1 or all(monic != g for g in crit):
        raise F.Failure("fact onset_pl: bad interval, or the minpoly is not a critical factor")
    if m(lo) == 0 or m(hi) == 0 or count_real_roots(m, lo, hi) != 1:
        raise F.Failure("fact onset_pl: the minpoly has not exactly one root inside the interval")
    at_A = sum(1 for g in crit if g(A) == 0)
    if critical_root_count(crit, A, v) - at_A != 1:
        raise F.Failure("fact onset_pl: the critical polynomial has other roots in (A, v]")
    samples = [(q_parse(s["value"]), s["evidence"]) for s in f["refuted_at"]]
    if len(samples) != 2 or samples[0][0] != A or not (A < samples[1][0] < lo):
        raise F.Failure("fact onset_pl: refutations are needed at A and at one point of (A, lo)")
    for value, evidence in samples:
        _refuted_at(canon, value, p, evidence)
    _cycle_at(canon, cyc, p)
    if interval_parse(cert["onset"]) != (lo, hi):
        raise F.Failure("the stated onset differs from the isolating interval")
    _check_exact(cert, m, lo, hi)
    return len(facts)


def fact_param_cover(prog: Program, fact: dict, p: int, A, E) -> None:
    """For every parameter r in [A, E], f_r has no point of minimal period p.

    The region encloses f_r(R) for all r in [A, E] at once (range evaluation with the parameter
    as an interval), so it holds every periodic point of every f_r. The pieces tile [A, E]; on
    each, a ball cover evaluated with the parameter as a ball (every test then holds for each r in
    the piece simultaneously) excludes every cell or finds in it a unique solution of f^p(x) = x
    of a smaller period; tag "m" excludes a cell by the mean-value form in (x, r) (see
    facts.excluded_in_piece). Each piece states its own working precision.
    """
    from certify.certificates import interval_parse
    from certify.checker import facts as F
    from certify.checker.semantics import eval_range, workprec

    region = interval_parse(fact["region"])
    rng = eval_range(prog.at_ball(A, E))
    if rng is None or not (rng[0] >= arb(region[0]) and rng[1] <= arb(region[1])):
        raise F.Failure("fact param_cover: f_r(R) is not proved to lie in the region for every r of the range")
    pieces = fact["pieces"]
    spans = [interval_parse(pc["param"]) for pc in pieces]
    F._check_tiling(spans, (A, E))
    for pc, (a, b) in zip(pieces, spans):
        prec = int(pc["prec"])
        if not 16 <= prec <= 16384:
            raise F.Failure(f"fact param_cover: precision {prec} out of range")
        with workprec(prec):
            mean_value = {"m": lambda lo, hi, a=a, b=b: F.excluded_in_piece(prog, a, b, lo, hi, p)}
            roots = F.fact_cover_ball(prog.at_ball(a, b), {"cells": pc["cells"]}, region, p, mean_value)
        if roots:
            raise F.Failure(f"fact param_cover: the piece [{pc['param']['lo']}, {pc['param']['hi']}] "
                            f"holds points of minimal period {p}")


def check_onset_cover(prog: Program, cert: dict, facts: dict, p: int, A, Bend) -> int:
    """Onset by a parameter cover: no period p on [A, lo], a p-cycle at hi (or none on [A, B])."""
    from certify.certificates import interval_parse, q_parse
    from certify.checker import facts as F

    cover = facts["param_cover"]
    if cert.get("exact") is not None or cert.get("minpoly") is not None:
        raise F.Failure("a parameter cover proves an enclosure, not an exact value")
    if cert["verdict"] == "refuted":
        if set(facts) != {"param_cover"}:
            raise F.Failure("a refuted onset by parameter cover holds the cover only")
        fact_param_cover(prog, cover, p, A, Bend)
        return 1
    if cert["verdict"] != "proved" or set(facts) != {"param_cover", "cycle_at"}:
        raise F.Failure("a proved onset by parameter cover needs param_cover and cycle_at")
    lo, hi = interval_parse(cert["onset"])
    if not A < lo < hi <= Bend or q_parse(facts["cycle_at"]["value"]) != hi:
        raise F.Failure("the onset must be [lo, hi] with A < lo < hi <= B and the cycle at hi")
    _check_width(cert, lo, hi)
    fact_param_cover(prog, cover, p, A, lo)
    _cycle_at(cert["map"]["canonical"], facts["cycle_at"], p)
    return 2


def check_chaos_onset(prog: Program, cert: dict) -> int:
    """h_top(f_U) > 0 at the stated upper bound U: a cycle whose period is not a power of 2 there
    (Misiurewicz; Block, Guckenheimer, Misiurewicz, Young); and, when a lower bound L is stated,
    h_top(f_r) = 0 for r in [A, L] because |slope| <= 1 on every piece (PL families)."""
    from certify.certificates import interval_parse, q_parse
    from certify.checker import facts as F

    claim, canon = cert["claim"], cert["map"]["canonical"]
    if claim.get("param") != canon.get("param") or not prog.has_param():
        raise F.Failure("a chaos-onset claim needs a family whose parameter the claim names")
    A, B = interval_parse(claim["range"])
    if cert.get("lower") is not None:
        _check_lipschitz_one(prog, A, q_parse(cert["lower"]), B)
    if cert["verdict"] == "undecided":
        return 0
    if cert["verdict"] != "proved" or [f.get("fact") for f in cert["evidence"]] != ["cycle_at"]:
        raise F.Failure("a chaos onset is proved by one cycle_at fact")
    p, fact = int(cert["period"]), cert["evidence"][0]
    U = q_parse(cert["upper"])
    if p < 3 or p & (p - 1) == 0:
        raise F.Failure(f"period {p} is a power of 2: it does not imply positive entropy")
    if q_parse(fact["value"]) != U or not A <= U <= B:
        raise F.Failure("the cycle must be at the stated upper bound, inside the range")
    _cycle_at(canon, fact, p)
    return 1


def _check_lipschitz_one(prog: Program, A, L, B) -> None:
    """|slope| <= 1 on every piece of the PL family for every parameter in [A, L] (exact Sturm
    counts): then h_top(f_r) = 0 on every compact invariant set (h <= max(0, log Lip))."""
    from certify.checker import facts as F

    fam = pl_family(prog, A, B)
    if fam is None or not A < L <= B:
        raise F.Failure("a lower bound on the chaos onset needs a PL family with fixed breakpoints and A < L <= B")
    for s in fam[1]:
        if not _nonnegative_on(fmpq_poly([1]) - s * s, A, L):
            raise F.Failure("a slope exceeds 1 in absolute value below the stated lower bound")


def _nonnegative_on(g: fmpq_poly, A, L) -> bool:
    """g >= 0 on [A, L], exactly: g is checked at A, L, both ends of an isolating interval of each
    real root inside, and one point of every gap between them (where g has no root)."""
    if g.degree() < 1:
        return g(A) >= 0
    to_q = lambda v: fmpq(int(sympy.Rational(v).p), int(sympy.Rational(v).q))  # noqa: E731
    ivs = to_sympy(g).sqf_part().intervals(inf=sympy.Rational(int(A.p), int(A.q)),
                                           sup=sympy.Rational(int(L.p), int(L.q)))
    pts = sorted({A, L} | {to_q(v) for (a, b), _ in ivs for v in (a, b)})
    pts = [t for t in pts if A <= t <= L]
    return all(g(t) >= 0 for t in pts) and all(g((a + b) / 2) >= 0 for a, b in zip(pts, pts[1:]))


def _check_width(cert: dict, lo, hi) -> None:
    """The enclosure is as narrow as the stated number of digits promises."""
    from certify.checker import facts as F

    digits = cert.get("digits")
    if digits is not None and hi - lo > fmpq(1, 10 ** int(digits)):
        raise F.Failure(f"the onset enclosure is wider than 10^-{digits}")


def _check_exact(cert: dict, m: fmpq_poly, lo, hi) -> None:
    from certify.checker import facts as F
    from certify.checker.semantics import ball_of, eval_ball, workprec

    if cert.get("exact") is None:
        return
    if minpoly_of(cert["exact"]).monic() != to_sympy(m).monic():
        raise F.Failure("the exact form's minimal polynomial is not the certificate's minpoly")
    bits = 128 + 4 * max(lo.q.bit_length(), hi.q.bit_length(), abs(lo.p).bit_length(), abs(hi.p).bit_length())
    with workprec(bits):
        val = eval_ball(Program.from_sympy(_constant(cert["exact"])), ball_of(0, 0))
        inside = val > lo and val < hi
    if not inside:
        raise F.Failure("the exact form does not lie in the isolating interval")
