"""Thresholds in one-parameter families: onsets, windows and chaos onsets (trusted kernel).

Three claim kinds, each verified and put into words by one function:
- `onset`: r* = inf{r in [A, B] : f_r has a point of minimal period P}, proved from both sides, or
  refuted (no such r);
- `windows`: the parameters of [A, B] where f_r has points of minimal period P, as runs of the
  intervals between the critical parameters (and, for polynomial families, the number of orbits);
- `chaos_onset`: bounds on inf{r in [A, B] : h_top(f_r) > 0}.

The lemmas they rest on: for families polynomial in x and r, the real roots of the dynatomic
polynomial change only at roots of B(r) = disc * lc (certify.checker.dynatomic); for families
piecewise linear in x with fixed breakpoints, existence of a point of minimal period P changes only
at the critical parameters (certify.checker.plfamily); for any family, a parameter cover proves
absence for every r of a parameter ball at once (`fact_param_cover`). Every statement is about the
family on the claim's range, where check() has proved the map continuous for every parameter.
"""

from __future__ import annotations

import re

from flint import arb, fmpq, fmpq_poly

from certify.certificates import interval, interval_parse, q_parse, q_str
from certify.checker import facts as F
from certify.checker import feigenbaum as FG
from certify.checker.dynatomic import (NotPolynomialFamily, at_param, bifurcation_poly, count_real_roots, dynatomic,
                                       minpoly_of, mobius, real_roots_at, to_sympy)
from certify.checker.limits import MAX_DYNATOMIC_DEGREE
from certify.checker.plfamily import (MAX_ITINERARIES, AlgebraicParameter, count_itineraries, critical_root_count,
                                      itineraries, period_at, pl_critical, pl_family, transitions)
from certify.checker.semantics import Program, parse_canonical_expr
from certify.checker.statement import Statement, iv, num

__all__ = ["onset", "windows", "chaos_onset", "windows_from_counts", "fact_param_cover", "first_presence",
           # re-exported for the certifiers
           "at_param", "bifurcation_poly", "count_real_roots", "dynatomic", "mobius", "to_sympy", "pl_family",
           "pl_critical", "transitions", "itineraries", "count_itineraries", "critical_root_count", "MAX_ITINERARIES"]

MAX_SHOWN = 8  # windows listed in a statement; the certificate binds all of them


# ----------------------------------------------------------------------------- claims and shared facts

def _range_claim(prog: Program, cert: dict, what: str, with_p: bool = True):
    """(canonical map, P or None, A, B, parameter name) of a claim about a one-parameter family."""
    claim, canon = cert["claim"], cert["map"]["canonical"]
    p = None
    if with_p:
        p = claim.get("p")
        if isinstance(p, bool) or not isinstance(p, int) or not 1 <= p <= 4096:
            raise F.Failure(f"the claim's period must be an integer in 1..4096, got {p!r}")
    if claim.get("param") != canon.get("param") or not prog.has_param():
        raise F.Failure(f"{what} claim needs a family whose parameter the claim names")
    A, B = interval_parse(claim["range"])
    if not A < B:
        raise F.Failure("empty parameter range")
    return canon, p, A, B, claim["param"]


def _facts(cert: dict, allowed) -> dict:
    """The certificate's facts by kind (each kind at most once, all of them in `allowed`)."""
    evidence = cert.get("evidence")
    if not isinstance(evidence, list) or not all(isinstance(f, dict) for f in evidence):
        raise F.Failure("evidence must be a list of facts")
    kinds = [f.get("fact") for f in evidence]
    if len(set(kinds)) != len(kinds) or set(kinds) - set(allowed):
        raise F.Failure(f"the facts must be among {sorted(allowed)}, each at most once; got {kinds}")
    return dict(zip(kinds, evidence))


def _absent(cert: dict, *names) -> None:
    for name in names:
        if cert.get(name) is not None:
            raise F.Failure(f"field {name!r} does not belong to a {cert['verdict']} {cert['claim']['kind']} "
                            "certificate")


def _undecided(cert: dict, *fields) -> None:
    """An undecided certificate claims nothing: no facts and no bound field."""
    if cert["evidence"]:
        raise F.Failure("an undecided certificate claims nothing and carries no facts")
    _absent(cert, *fields)


def cycle_at(canon: dict, fact: dict, p: int, A, B) -> fmpq:
    """Fact `cycle_at` (value v, cycle): v in [A, B] and f_v has the embedded cycle of minimal
    period p (cycle_exact: exact images; cycle_krawczyk: Krawczyk's theorem, disjoint boxes).
    Returns v."""
    v = q_parse(fact["value"])
    if not A <= v <= B:
        raise F.Failure("fact cycle_at: the parameter lies outside the claim's range")
    inner = fact["cycle"]
    prog_v = Program.from_canonical(canon, value=v)
    if inner.get("fact") == "cycle_exact":
        F.fact_cycle_exact(prog_v, inner, p)
    elif inner.get("fact") == "cycle_krawczyk":
        F.fact_cycle_krawczyk(prog_v, inner, p)
    else:
        raise F.Failure("fact cycle_at: the cycle must be cycle_exact or cycle_krawczyk")
    return v


def refuted_at(canon: dict, sample: dict, p: int) -> fmpq:
    """An embedded refutation {value v, evidence}: f_v has no point of minimal period p on R (region
    and complete cover facts, re-checked in full by checker.orbits). Returns v."""
    from certify.checker.orbits import refutes

    v = q_parse(sample["value"])
    try:
        refutes(Program.from_canonical(canon, value=v), sample["evidence"], p)
    except F.Failure as e:
        raise F.Failure(f"refutation at {canon['param']} = {q_str(v)}: {e}") from None
    return v


def _polynomial_family(prog: Program, p: int, what: str):
    """(Phi_p, B) of a family polynomial in x and r; refuses any other family, and a dynatomic
    polynomial of x-degree above MAX_DYNATOMIC_DEGREE before computing it."""
    deg = _x_degree(prog)
    if deg is not None and deg ** p > MAX_DYNATOMIC_DEGREE:
        raise F.Failure(f"f^{p} has x-degree {deg}^{p}: beyond the checker's limit {MAX_DYNATOMIC_DEGREE}")
    try:
        phi = dynatomic(prog, p)
    except NotPolynomialFamily as e:
        raise F.Failure(f"{what} needs a family polynomial in x and its parameter: {e}") from None
    bif = bifurcation_poly(phi)
    if bif.is_zero():
        raise F.Failure("the bifurcation polynomial vanishes identically")
    return phi, bif


def _x_degree(prog: Program):
    """The degree in x of a family polynomial in x and r (None when it is not one)."""
    if not prog.is_polynomial():
        return None
    from flint import fmpq_mpoly_ctx

    from certify.checker.dynatomic import x_degree
    from certify.checker.semantics import NotExact, eval_exact
    x, r = fmpq_mpoly_ctx.get(("x", "r"), "lex").gens()
    try:
        return x_degree(eval_exact(prog, x, param=r) + 0 * x)
    except NotExact:
        return None


def _pl_critical(prog: Program, p: int, A, B, what: str) -> list:
    """The critical factors of a family PL in x with fixed breakpoints on [A, B]; refuses others."""
    fam = pl_family(prog, A, B)
    if fam is None:
        raise F.Failure(f"{what} needs a family piecewise linear in x with breakpoints independent of the parameter")
    n = count_itineraries(fam, p, A, B)
    if n > MAX_ITINERARIES:
        raise F.Failure(f"{n} feasible itineraries: more than the kernel enumerates ({MAX_ITINERARIES})")
    return pl_critical(fam, p, A, B)


def _roots_in(polys, lo, hi) -> int:
    """Distinct real roots in [lo, hi] of pairwise coprime polynomials (one, or distinct irreducibles)."""
    return sum(count_real_roots(g, lo, hi) for g in polys)


def _vanishes(polys, v) -> bool:
    return any(g(v) == 0 for g in polys)


# ----------------------------------------------------------------------------- parameter covers

def fact_param_cover(prog: Program, fact: dict, p: int, A, E) -> None:
    """For every parameter r in [A, E], f_r has no point of minimal period p.

    The region encloses f_r(R) for all r in [A, E] at once (range evaluation with the parameter
    as an interval), so it holds every periodic point of every f_r. The pieces tile [A, E]; on
    each, a ball cover evaluated with the parameter as a ball (every test then holds for each r in
    the piece simultaneously) excludes every cell or finds in it a unique solution of f^p(x) = x
    of a smaller period; tag "m" excludes a cell by the mean-value form in (x, r) (see
    facts.excluded_in_piece). Each piece states its own working precision.
    """
    from certify.checker.semantics import eval_range, workprec

    if fact.get("p") != p:
        raise F.Failure("fact param_cover: its period differs from the claim's")
    region = interval_parse(fact["region"])
    rng = eval_range(prog.at_ball(A, E))
    if rng is None or not (rng[0] >= arb(region[0]) and rng[1] <= arb(region[1])):
        raise F.Failure("fact param_cover: f_r(R) is not proved to lie in the region for every r of the range")
    pieces = fact["pieces"]
    spans = [interval_parse(pc["param"]) for pc in pieces]
    F._check_tiling(spans, (A, E))
    for pc, (a, b) in zip(pieces, spans):
        prec = pc["prec"]
        if isinstance(prec, bool) or not isinstance(prec, int) or not 16 <= prec <= 16384:
            raise F.Failure(f"fact param_cover: precision {prec!r} out of range")
        with workprec(prec):
            mean_value = {"m": lambda lo, hi, a=a, b=b: F.excluded_in_piece(prog, a, b, lo, hi, p)}
            roots = F.fact_cover_ball(prog.at_ball(a, b), {"cells": pc["cells"]}, region, p, mean_value)
        if roots:
            raise F.Failure(f"fact param_cover: the piece [{pc['param']['lo']}, {pc['param']['hi']}] "
                            f"holds points of minimal period {p}")


# ----------------------------------------------------------------------------- onset

MAX_MINPOLY_DEGREE = 4096  # a root's minimal polynomial divides B(r) or a critical factor: degree far below
_RADICAL_FORM = re.compile(r"[0-9+\-*/() ]*")  # once "sqrt" is removed
MAX_EXACT_RADICALS = 4  # the certifier writes closed forms of degree <= 4 roots, at most 60 characters

ONSET_FACTS = ("cycle_at", "onset_algebraic", "no_onset", "critical_partition", "onset_at_start", "param_cover")



def _root_lines(cert: dict, m, name: str, lo, hi, head: str) -> list:
    """The statement's first lines for an onset at a root of m in [lo, hi]: the root (checking the
    certificate's minpoly field), then its closed form when the certificate's `exact` is bound."""
    _minpoly_field(cert, m, name)
    exact = _exact_field(cert, m, lo, hi)
    lines = [head + (f"{name}* = {num(lo)}, the root of {_poly_text(cert, m)}" if lo == hi else
                     f"{name}* is the root of {_poly_text(cert, m)} {iv(cert['onset'])}")]
    if exact is not None:
        lines.append(f"{name}* = {exact}")
    return lines

def _minpoly_field(cert: dict, m: fmpq_poly, name: str) -> None:
    """The top-level `minpoly` (a polynomial in the parameter, as text) is the fact's m, made monic."""
    text = cert.get("minpoly")
    if not isinstance(text, str):
        raise F.Failure("a proved algebraic onset states its minimal polynomial")
    if any(len(e) > 4 for e in re.findall(r"\*\*\s*(\d+)", text)):
        raise F.Failure("the stated minpoly has an exponent beyond the minimal polynomial's degree")
    import sympy

    expr = parse_canonical_expr(text, name)
    sym = sympy.Symbol(name)
    if expr.free_symbols - {sym} or sympy.Poly(expr, sym).monic() != to_sympy(m, sym).monic():
        raise F.Failure("the stated minpoly differs from the fact's minimal polynomial")


def _isolated_root(fact: dict, A, what: str):
    """(m, lo, hi): m irreducible over Q with exactly one real root in (lo, hi), none at the ends; or,
    for a rational root c, lo = hi = c and m(c) = 0 (m linear)."""
    lo, hi = interval_parse(fact["isolating"])
    if not isinstance(fact["minpoly"], list) or not 2 <= len(fact["minpoly"]) <= MAX_MINPOLY_DEGREE + 1:
        raise F.Failure(f"fact {what}: a minimal polynomial of degree 1..{MAX_MINPOLY_DEGREE} is expected")
    m = fmpq_poly([q_parse(c) for c in fact["minpoly"]])
    if not (A <= lo <= hi) or m.degree() < 1:
        raise F.Failure(f"fact {what}: isolating interval before the range, or a constant minpoly")
    from flint import fmpz_poly
    num = fmpz_poly([int(c) for c in (m * m.denom()).numer().coeffs()])
    if len(num.factor()[1]) != 1 or num.factor()[1][0][1] != 1:
        raise F.Failure(f"fact {what}: the minpoly is not irreducible over Q")
    if lo == hi:
        if m.degree() != 1 or m(lo) != 0:
            raise F.Failure(f"fact {what}: a one-point interval must be the rational root of a linear minpoly")
    elif m(lo) == 0 or m(hi) == 0 or count_real_roots(m, lo, hi) != 1:
        raise F.Failure(f"fact {what}: the minpoly has not exactly one root inside the interval")
    return m, lo, hi


def _exact_field(cert: dict, m: fmpq_poly, lo, hi) -> str | None:
    """An optional closed form of the root: its minimal polynomial is m and its value lies in (lo, hi)."""
    from certify.checker.semantics import ball_of, eval_ball, workprec

    text = cert.get("exact")
    if text is None:
        return None
    if not isinstance(text, str) or len(text) > 200 or m.degree() > 4 \
            or not _RADICAL_FORM.fullmatch(text.replace("sqrt", "")) \
            or text.count("sqrt") + text.count("**(") > MAX_EXACT_RADICALS:
        raise F.Failure(f"an exact form is a root of a minpoly of degree <= 4 written with rationals, + - * / ( ) "
                        f"and at most {MAX_EXACT_RADICALS} radicals (sqrt, ** with a rational exponent)")
    import sympy

    try:
        same = minpoly_of(text).monic() == to_sympy(m).monic()
    except (ValueError, TypeError, NotImplementedError, sympy.polys.polyerrors.PolynomialError) as e:
        raise F.Failure(f"the exact form has no minimal polynomial here ({type(e).__name__})") from None
    if not same:
        raise F.Failure("the exact form's minimal polynomial is not the certificate's minpoly")
    if lo == hi:
        return text  # m is linear: its one root is lo
    bits = 128 + 4 * max(lo.q.bit_length(), hi.q.bit_length(), abs(lo.p).bit_length(), abs(hi.p).bit_length())
    with workprec(bits):
        val = eval_ball(Program.from_sympy(parse_canonical_expr(text)), ball_of(0, 0))
        inside = val > lo and val < hi
    if not inside:
        raise F.Failure("the exact form does not lie in the isolating interval")
    return text


def _poly_text(cert: dict, m: fmpq_poly) -> str:
    mp = cert["minpoly"]
    return mp if len(mp) <= 80 else f"the degree-{m.degree()} minpoly"


def onset(prog: Program, cert: dict) -> Statement:
    """The onset of minimal period P in a one-parameter family on the range [A, B]:
    r* = inf{r in [A, B] : f_r has a point of minimal period P}.

    Hypotheses checked: f_r is continuous for every r of the range (check()); the evidence is one of
    - cycle_at A: f_A has a P-cycle, so r* = A;
    - onset_at_start + cycle_at v: no root of B(r) (polynomial family; dynatomic.py) or of the
      critical polynomial (PL family; plfamily.py) in (A, v], so existence is constant on (A, v]
      and holds at v: r* = A;
    - onset_algebraic + cycle_at v (polynomial family): m | B irreducible, its one root r* in
      (lo, hi), no other root of B in (A, v], Phi_P(., A) and (if B(A) = 0) Phi_P(., lo) without real
      roots: no period P on [A, r*) (no real root of Phi_P), one on (r*, v] (constant, and at v);
    - critical_partition on [A, E], E <= B (PL family; the fact of `windows`, checked by the same
      code): existence is constant on each gap between the critical parameters, decided there by
      the embedded verdicts; at each critical parameter up to the first presence the kernel decides
      the map itself exactly (plfamily.period_at). r* is the first place with period P: A (the
      first gap), or a critical parameter (period P at it, or on the gap after it);
    - param_cover on [A, lo] + cycle_at hi: no period P for r in [A, lo], one at hi: r* in (lo, hi].
    Refuted: no_onset (polynomial: B has no root in (A, B], Phi_P(., A) no real root),
    critical_partition on [A, B] with period P in no gap and at no critical parameter, or param_cover
    on [A, B]. Fields bound: onset, minpoly, exact. The informational `unclaimed` ({from, reason}:
    the user asked from `from` < A, and [from, A) is not decided) is checked to lie before the claim.
    """
    canon, p, A, B, name = _range_claim(prog, cert, "an onset")
    facts = _facts(cert, ONSET_FACTS)
    verdict, n = cert["verdict"], len(cert["evidence"])
    where = f"{name} in [{num(A)}, {num(B)}]"
    if verdict == "undecided":
        _undecided(cert, "onset", "exact", "minpoly")
        return Statement(f"undecided: nothing is claimed about period {p} for {where}", n)
    kinds = set(facts)
    unclaimed = _unclaimed(cert, A, name)
    if kinds == {"critical_partition"}:
        st = _onset_by_partition(prog, cert, canon, p, A, B, name, facts["critical_partition"])
        return Statement(st + unclaimed, n)
    if verdict == "refuted":
        _absent(cert, "onset", "exact", "minpoly")
        if kinds == {"no_onset"}:
            phi, bif = _polynomial_family(prog, p, "fact no_onset")
            at_A = bif(A) == 0
            if count_real_roots(bif, A, B) - at_A != 0 or real_roots_at(phi, A) != 0:
                raise F.Failure("fact no_onset: B(r) has a real root in (A, B], or Phi_P(., A) has real roots")
            sample = facts["no_onset"].get("sample")
            if at_A != (sample is not None) or (at_A and not (A < q_parse(sample) <= B
                                                               and real_roots_at(phi, q_parse(sample)) == 0)):
                raise F.Failure("fact no_onset: with B(A) = 0 a sample in (A, B] without real roots of Phi_P is needed "
                                "(and only then)")
            how = (f"Phi_{p}(., {name}) has no real root at {name} = {num(A)}" + (" and inside" if at_A else "")
                   + f", and B = disc * lc has no root in ({num(A)}, {num(B)}]")
        elif kinds == {"param_cover"}:
            fact_param_cover(prog, facts["param_cover"], p, A, B)
            how = f"a parameter cover of {len(facts['param_cover']['pieces'])} pieces"
        else:
            raise F.Failure("a refuted onset rests on no_onset, critical_partition or param_cover alone")
        return Statement(f"no f_{name} with {where} has a point of minimal period {p}: {how}" + unclaimed, n)
    if verdict != "proved" or "cycle_at" not in facts:
        raise F.Failure("a proved onset needs a cycle_at fact")
    v = cycle_at(canon, facts["cycle_at"], p, A, B)
    rest = kinds - {"cycle_at"}
    got = interval_parse(cert["onset"])
    if rest <= {"onset_at_start"}:
        if not rest and v != A:
            raise F.Failure("an onset at the range's start needs the cycle at A, or fact onset_at_start")
        if rest:
            polys = [_polynomial_family(prog, p, "fact onset_at_start")[1]]
            if _roots_in(polys, A, v) - _vanishes(polys, A) != 0:
                raise F.Failure("fact onset_at_start: a critical parameter lies in (A, v]")
        _absent(cert, "minpoly")
        if got != (A, A) or (cert.get("exact") is not None and q_parse(cert["exact"]) != A):
            raise F.Failure("an onset at the range's start is [A, A] (and its exact value A)")
        if v == A:
            text = f"f_{name} has a point of minimal period {p} at {name} = {num(A)} ({p}-cycle proved there)"
        else:
            text = (f"f_{name} has a point of minimal period {p} for every {name} in ({num(A)}, {num(v)}] (no critical "
                    f"parameter there; {p}-cycle proved at {name} = {num(v)})")
        return Statement(f"onset of minimal period {p} from {name} = {num(A)} on: {name}* = {num(A)}, the start: {text}"
                         + unclaimed, n)
    if rest == {"param_cover"}:
        _absent(cert, "minpoly", "exact")
        lo, hi = got
        if not (A < lo < hi == v):
            raise F.Failure("a parameter-cover onset is [lo, hi] with A < lo < hi and the cycle at hi")
        fact_param_cover(prog, facts["param_cover"], p, A, lo)
        return Statement(f"onset of minimal period {p} from {name} = {num(A)} on: {name}* {iv(cert['onset'])} "
                         f"(width {num(hi - lo)})\nno f_{name} with {name} in [{num(A)}, {num(lo)}] has a point of "
                         f"minimal period {p} (parameter cover), f_{name} at {name} = {num(hi)} has one "
                         f"({p}-cycle proved)" + unclaimed, n)
    if rest == {"onset_algebraic"}:
        phi, bif = _polynomial_family(prog, p, "fact onset_algebraic")
        m, lo, hi = _isolated_root(facts["onset_algebraic"], A, "onset_algebraic")
        if not hi <= v or not (bif % m).is_zero():
            raise F.Failure("fact onset_algebraic: the minpoly does not divide B(r), or the cycle precedes the interval")
        at_A = bif(A) == 0
        if count_real_roots(bif, A, v) - at_A != 1:
            raise F.Failure("fact onset_algebraic: B(r) has another real root in (A, the cycle's parameter]")
        inside = lo if lo < hi else (A + lo) / 2  # a parameter of (A, r*) when B(A) = 0
        if real_roots_at(phi, A) != 0 or (at_A and not (A < inside and real_roots_at(phi, inside) == 0)):
            raise F.Failure(f"fact onset_algebraic: period {p} is present at the start of the range")
        how = f"the real roots of Phi_{p}(., {name}) change only at roots of B = disc * lc"
    else:
        raise F.Failure(f"a proved onset cannot rest on the facts {sorted(kinds)}")
    if got != (lo, hi):
        raise F.Failure("the stated onset differs from the isolating interval")
    lines = _root_lines(cert, m, name, lo, hi, f"onset of minimal period {p} from {name} = {num(A)} on: ")
    has = f"at {name} = {name}*" if v == lo == hi else f"for every {name} in ({name}*, {num(v)}]"
    lines.append(f"f_{name} has no point of minimal period {p} for {name} in [{num(A)}, {name}*) and has one {has} "
                 f"({how}; {p}-cycle proved at {name} = {num(v)})")
    return Statement("\n".join(lines) + unclaimed, n)


def _unclaimed(cert: dict, A, name: str) -> str:
    """The informational `unclaimed` field ({from, reason}): the part [from, A) of the range the user
    gave that the claim leaves undecided; checked to lie before A. Returns the statement's line."""
    u = cert.get("unclaimed")
    if u is None:
        return ""
    if not isinstance(u, dict) or set(u) != {"from", "reason"} or not isinstance(u["reason"], str):
        raise F.Failure("unclaimed is {from, reason}")
    start = q_parse(u["from"])
    if not start < A:
        raise F.Failure("unclaimed must lie before the claim's range")
    return f"\nnothing is claimed for {name} in [{num(start)}, {num(A)}) (asked for; left undecided: {u['reason']})"


def first_presence(n_roots: int, present_in_gap, present_at_root):
    """The first place, in the order gap 0, root 0, gap 1, ..., root n-1, gap n, with points of
    minimal period P: ("gap", k) or ("root", k); None if there is none. The callables decide gap k
    and critical parameter k (only those before the first presence are asked)."""
    for k in range(n_roots + 1):
        if present_in_gap(k):
            return "gap", k
        if k < n_roots and present_at_root(k):
            return "root", k
    return None


def _onset_by_partition(prog: Program, cert: dict, canon: dict, p: int, A, B, name: str, fact: dict) -> str:
    """Onset (proved or refuted) of a PL family from a critical partition of [A, E] (see `onset`)."""
    E = q_parse(fact["to"]) if "to" in fact else B
    if not A < E <= B:
        raise F.Failure("fact critical_partition: its end must lie in (A, B]")
    crit, roots, counts = _pl_partition(prog, canon, fact, p, A, E)
    owners = fact.get("factors")
    if owners is None:
        raise F.Failure("fact critical_partition: an onset needs the factor of each root interval")
    fam = pl_family(prog, A, E)
    at_root = lambda k: period_at(fam, p, A, E, AlgebraicParameter(crit[owners[k]], *roots[k]))  # noqa: E731
    found = first_presence(len(roots), lambda k: counts[k] > 0, at_root)
    how = ("existence is constant between the critical parameters of the PL family: an exact verdict in each gap "
           "between them, and each critical parameter")
    where = f"{name} in [{num(A)}, {num(B)}]"
    if found is None:
        if cert["verdict"] != "refuted" or E != B:
            raise F.Failure("the critical partition shows no point of minimal period P in the range: refuted "
                            "(and the partition must cover all of it)")
        _absent(cert, "onset", "exact", "minpoly")
        return f"no f_{name} with {where} has a point of minimal period {p}: {how} decided exactly"
    if cert["verdict"] != "proved":
        raise F.Failure("the critical partition shows points of minimal period P: the onset is proved")
    kind, k = found
    got = interval_parse(cert["onset"]) if isinstance(cert.get("onset"), dict) else None
    if kind == "gap" and k == 0:
        _absent(cert, "minpoly")
        if got != (A, A) or (cert.get("exact") is not None and q_parse(cert["exact"]) != A):
            raise F.Failure("an onset at the range's start is [A, A] (and its exact value A)")
        return (f"onset of minimal period {p} on {where}: {name}* = {num(A)}, the start: f_{name} has a point of "
                f"minimal period {p} for every {name} of the first gap [{num(A)}, c1) ({how})")
    j = k if kind == "root" else k - 1
    m, (lo, hi) = crit[owners[j]], roots[j]
    if got != (lo, hi):
        raise F.Failure("the stated onset differs from the critical parameter's interval")
    lines = _root_lines(cert, m, name, lo, hi, f"onset of minimal period {p} on {where}: ")
    has = f"at {name} = {name}*" if kind == "root" else f"for every {name} of the gap after {name}*"
    lines.append(f"f_{name} has no point of minimal period {p} for {name} in [{num(A)}, {name}*) and has one {has} "
                 f"({how} up to {name}*, decided exactly)")
    return "\n".join(lines)


def _pl_partition(prog: Program, canon: dict, fact: dict, p: int, A, E):
    """(critical factors, root intervals, 0/1 per gap) of a critical_partition of [A, E]: the root
    intervals hold every critical parameter, one each; each gap's sample carries an embedded proved
    cycle or refutation at a parameter of the gap."""
    crit = _pl_critical(prog, p, A, E, "fact critical_partition")
    roots = _root_intervals(fact, crit, A, E, "the critical polynomial")
    counts = []
    for v, smp in _gap_samples(roots, fact["samples"], A, E, lambda smp: smp and smp["value"], crit):
        if v is None:
            counts.append(0)
        elif smp["verdict"] == "proved":
            cycle_at(canon, {"value": smp["value"], "cycle": smp["evidence"][0]}, p, A, E)
            counts.append(1)
        elif smp["verdict"] == "refuted":
            refuted_at(canon, smp, p)
            counts.append(0)
        else:
            raise F.Failure("each sample needs a proved or refuted verdict")
    return crit, roots, counts


# ----------------------------------------------------------------------------- windows

def windows_from_counts(roots, counts, A, B, p: int):
    """Maximal runs of gaps with a positive count: (left end enclosure, right end enclosure, orbits)."""
    return [(left, right, [c // p for c in counts[i:j + 1]]) for i, j, left, right in _runs(roots, counts, A, B)]


def _runs(roots, counts, A, B):
    out, i = [], 0
    while i < len(counts):
        if counts[i] > 0:
            j = i
            while j + 1 < len(counts) and counts[j + 1] > 0:
                j += 1
            out.append((i, j, (A, A) if i == 0 else roots[i - 1], (B, B) if j == len(counts) - 1 else roots[j]))
            i = j + 1
        else:
            i += 1
    return out


def _gap_samples(roots, samples, A, B, value_of, polys):
    """(sample value or None, sample) per gap between the root intervals, checked. Gap 0 is
    [A, c_1) and the last (c_n, B] (an end that is not a critical parameter belongs to its gap);
    a sample lies strictly between the root intervals, or is A (B) when A (B) is not a root. An
    empty gap (no sample) is allowed only next to a root interval [A, A] or [B, B]: a critical
    parameter exactly at the range's end."""
    ends = [A] + [x for r in roots for x in r] + [B]
    gaps = [(ends[2 * i], ends[2 * i + 1]) for i in range(len(roots) + 1)]
    if not isinstance(samples, list) or len(samples) != len(gaps):
        raise F.Failure("one sample per gap between root intervals is required")
    out = []
    last = len(gaps) - 1
    for i, ((g0, g1), smp) in enumerate(zip(gaps, samples)):
        text = value_of(smp)
        if text is None:
            if not ((i == 0 and roots and roots[0] == (A, A)) or (i == last and roots and roots[-1] == (B, B))):
                raise F.Failure("only a gap emptied by a critical parameter exactly at the range's end may have no sample")
            out.append((None, smp))
            continue
        v = q_parse(text)
        if not (g0 < v < g1 or (i == 0 and v == A and not _vanishes(polys, A))
                or (i == last and v == B and not _vanishes(polys, B))):
            raise F.Failure("a sample lies outside its gap")
        out.append((v, smp))
    return out


def _root_intervals(fact: dict, polys, A, B, name: str):
    """The fact's sorted disjoint root intervals, checked to hold each exactly one of the distinct
    real roots of the polys (pairwise coprime) in [A, B], and all of them."""
    roots = [interval_parse(r) for r in fact["roots"]]
    for (a, b), (c, d) in zip(roots, roots[1:]):
        if not b < c:
            raise F.Failure("root intervals must be sorted and disjoint")
    if roots and not (A <= roots[0][0] and roots[-1][1] <= B):
        raise F.Failure("a root interval leaves the range")
    total = _roots_in(polys, A, B)
    if total != len(roots):
        raise F.Failure(f"{name} has {total} real roots in the range, not {len(roots)}")
    owners = fact.get("factors")
    if owners is not None:
        # each interval holds a root of its stated factor; the intervals are disjoint and as many as
        # all the roots in the range, so each holds exactly one root of the whole product
        if not isinstance(owners, list) or len(owners) != len(roots):
            raise F.Failure("one factor index per root interval is required")
        for (a, b), k in zip(roots, owners):
            if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k < len(polys) \
                    or count_real_roots(polys[k], a, b) < 1:
                raise F.Failure(f"a root interval holds no root of its factor of {name}")
        return roots
    for a, b in roots:
        if _roots_in(polys, a, b) != 1:
            raise F.Failure(f"a root interval does not hold exactly one root of {name}")
    return roots


def _end_text(roots, k: int, A, B, left: bool) -> str:
    """The end of a window: the range's end, or the critical parameter of root interval k."""
    if left:
        return f"[{num(A)}" if k == 0 else f"(c{k} {iv(interval(*roots[k - 1]))}"
    return f"{num(B)}]" if k == len(roots) else f"c{k + 1} {iv(interval(*roots[k]))})"


def windows(prog: Program, cert: dict) -> Statement:
    """The windows of minimal period P of a one-parameter family on the range [A, B].

    Lemma used: existence of a point of minimal period P (and, for a polynomial family, the number
    of real roots of Phi_P, all simple and of minimal period P off the roots of B) is constant
    between consecutive critical parameters: the real roots of B(r) = disc * lc of Phi_P
    (polynomial family; Morton-Vivaldi) or of the critical polynomial (PL family with fixed
    breakpoints). Hypotheses checked: the family is of that class; the root intervals hold each
    exactly one critical parameter in [A, B], and all of them; each gap's sample lies in the gap.
    Facts: parameter_partition (samples [value, number of real roots of Phi_P], exact real-root counts)
    or critical_partition (samples with an embedded proved cycle or refutation). Field bound:
    windows (the maximal runs of gaps with period-P points; their orbit counts per gap for a
    polynomial family, null for a PL family).
    """
    canon, p, A, B, name = _range_claim(prog, cert, "a windows")
    facts = _facts(cert, ("parameter_partition", "critical_partition", "logistic_births", "tent_window"))
    n = len(cert["evidence"])
    if cert["verdict"] == "undecided":
        _undecided(cert, "windows")
        return Statement(f"undecided: nothing is claimed about the windows of period {p} for {name} in "
                         f"[{num(A)}, {num(B)}]", n)
    if cert["verdict"] != "proved" or len(facts) != 1:
        raise F.Failure("windows are proved (by one partition fact) or undecided")
    if "tent_window" in facts:  # the tent family, every period (checker/tent.py)
        from certify.checker import tent
        return tent.windows(canon, cert, facts["tent_window"], p, A, B, name)
    if "parameter_partition" in facts:
        fact = facts["parameter_partition"]
        phi, bif = _polynomial_family(prog, p, "fact parameter_partition")
        roots = _root_intervals(fact, [bif], A, B, "B(r)")
        counts = []
        for s, smp in _gap_samples(roots, fact["samples"], A, B, lambda smp: smp[0], [bif]):
            want = 0 if s is None else real_roots_at(phi, s)
            if isinstance(smp[1], bool) or smp[1] != want or want % p:
                raise F.Failure(f"Phi_{p}(x, {q_str(s) if s is not None else '-'}) has not {smp[1]} real roots "
                                f"(or not a multiple of {p})")
            counts.append(want)
        runs = windows_from_counts(roots, counts, A, B, p)
        kind = f"real roots of B = disc * lc of Phi_{p}"
    elif "logistic_births" in facts:
        roots, counts, births = _logistic_partition(canon, facts["logistic_births"], p, A, B)
        runs = windows_from_counts(roots, counts, A, B, p)
        kind = (f"births of period-{p} windows: Krawczyk-proved saddle-nodes and period doublings, as many as the "
                f"superstable parameters of period {p} in ({num(A)}, 4]")
    else:
        fact = facts["critical_partition"]
        if "to" in fact:
            raise F.Failure("the critical partition of a windows claim covers the whole range")
        _, roots, counts = _pl_partition(prog, canon, fact, p, A, B)
        runs = [(left, right, None) for left, right, _ in windows_from_counts(roots, counts, A, B, 1)]
        kind = "critical parameters of the PL family"
    stated = cert.get("windows")
    if not isinstance(stated, list) or any(not isinstance(w, dict) or set(w) != {"from", "to", "orbits"}
                                           for w in stated):
        raise F.Failure("windows is a list of {from, to, orbits}")
    if [(interval_parse(w["from"]), interval_parse(w["to"]), w["orbits"]) for w in stated] != runs:
        raise F.Failure("the stated windows (or their orbit counts) are not the runs of gaps with period-P points")
    spans = _runs(roots, counts, A, B)
    head = (f"for {name} in [{num(A)}, {num(B)}] off its {len(roots)} critical parameters c1 < ... ({kind}), "
            f"f_{name} has points of minimal period {p} exactly in ")
    if not spans:
        return Statement(head + "no window", n)
    lines = [head + f"{len(spans)} window(s):"]
    if "logistic_births" in facts:
        lines[0] = head + f"{len(spans)} window(s) ({LOGISTIC_THEOREMS}):"
        for k, (kind_k, R) in enumerate(births[:MAX_SHOWN]):
            lines.append(f"  c{k + 1} {iv(interval(*R))}: {kind_k}")
        if len(births) > MAX_SHOWN:
            lines.append(f"  ... {len(births) - MAX_SHOWN} more births (the certificate lists them all)")
    for (i, j, _, _), (_, _, orbits) in list(zip(spans, runs))[:MAX_SHOWN]:
        w = f"  {_end_text(roots, i, A, B, True)}, {_end_text(roots, j, A, B, False)}"
        if orbits is not None:
            w += f": {', '.join(map(str, orbits))} orbit(s) on its {len(orbits)} sub-interval(s)"
        lines.append(w)
    if len(spans) > MAX_SHOWN:
        lines.append(f"  ... {len(spans) - MAX_SHOWN} more (the certificate lists them all)")
    return Statement("\n".join(lines), n)


LOGISTIC_THEOREMS = ("Douady-Hubbard: one center and one root per component; Milnor-Thurston monotonicity: "
                     "orbits persist as r grows; f_4 has 2^n points of period dividing n")


def _logistic_partition(canon: dict, fact: dict, p: int, A, B):
    """(birth intervals in (A, B], points of minimal period p per gap, [(kind, interval)]) from a
    logistic_births fact (certify.checker.logistic): the orbit count is N_p(4) after the last birth
    in (A, 4], and each birth before adds 2 orbits (saddle-node) or 1 (period doubling)."""
    from certify.checker.logistic import verify_births

    intervals, jumps, top, _ = verify_births(canon, fact, p, A, B)
    orbits = [top]
    for j in reversed(jumps):
        orbits.append(orbits[-1] - j)
    orbits.reverse()
    if orbits[0] < 0:
        raise F.Failure("fact logistic_births: the births add more orbits than f_4 has")
    m = sum(1 for _, hi in intervals if hi <= B)
    from certify.checker.logistic import birth_minpolys
    from certify.checker.markov import poly_text
    kinds = [bt["kind"] + ("" if g is None else f", the root of {poly_text(g).replace('x', canon['param'])} "
                           f"(minimal polynomial, degree {g.degree()})" if g.degree() <= 6 else
                           f", the root of its minimal polynomial of degree {g.degree()} (stated in the certificate)")
             for bt, g in zip(fact["births"], birth_minpolys(fact, p))]
    return intervals[:m], [c * p for c in orbits[:m + 1]], list(zip(kinds, intervals))[:m]


# ----------------------------------------------------------------------------- chaos onset

def _nonnegative_on(g: fmpq_poly, A, L) -> bool:
    """g >= 0 on [A, L], exactly: g is checked at A, L, both ends of an isolating interval of each
    real root inside, and one point of every gap between them (where g has no root)."""
    if g.degree() < 1:
        return g(A) >= 0
    import sympy

    to_q = lambda v: fmpq(int(sympy.Rational(v).p), int(sympy.Rational(v).q))  # noqa: E731
    ivs = to_sympy(g).sqf_part().intervals(inf=sympy.Rational(int(A.p), int(A.q)),
                                           sup=sympy.Rational(int(L.p), int(L.q)))
    pts = sorted({A, L} | {to_q(v) for (a, b), _ in ivs for v in (a, b)})
    pts = [t for t in pts if A <= t <= L]
    return all(g(t) >= 0 for t in pts) and all(g((a + b) / 2) >= 0 for a, b in zip(pts, pts[1:]))


def fact_slopes_at_most_one(prog: Program, fact: dict, A, B) -> fmpq:
    """Fact `slopes_at_most_one` (to L): the family is PL in x with fixed breakpoints on [A, B] and
    1 - s_k(r)^2 >= 0 on [A, L] for every piece k (exact); A < L <= B. Returns L."""
    L = q_parse(fact["to"])
    fam = pl_family(prog, A, B)
    if fam is None or not A < L <= B:
        raise F.Failure("fact slopes_at_most_one: needs a PL family with fixed breakpoints and A < L <= B")
    for s in fam[1]:
        if not _nonnegative_on(fmpq_poly([1]) - s * s, A, L):
            raise F.Failure("fact slopes_at_most_one: a slope exceeds 1 in absolute value below L")
    return L


def chaos_onset(prog: Program, cert: dict) -> Statement:
    """Bounds on the chaos onset r_c = inf{r in [A, B] : h_top(f_r) > 0} (entropy in Bowen's sense:
    the supremum over compact invariant sets).

    Theorems: a continuous interval map with a periodic point whose period is not a power of 2 has
    positive topological entropy (Misiurewicz; Block, Guckenheimer, Misiurewicz, Young 1980; the
    orbit's hull carries a horseshoe of an iterate); h_top <= max(0, log Lip f) on compact
    invariant sets (Bowen). Hypotheses checked: f_r continuous on R for every r of the range
    (check()); cycle_at U with a period p >= 3 that is not a power of 2 (fields upper = U,
    period = p); slopes_at_most_one to L (field lower = L): |slope| <= 1 on every piece for r in
    [A, L]. Proved: a cycle (and optionally the lower fact, L <= U); refuted: only the lower fact,
    with L = B (zero entropy on the whole range). `estimate` is informational and must say so.
    Two-sided onsets with their own theorems: the logistic family's Feigenbaum point
    (cascade_center, superstable_at: checker/feigenbaum.py) and constant |slope| (slope_entropy:
    checker/slope_onset.py).
    """
    canon, _, A, B, name = _range_claim(prog, cert, "a chaos-onset", with_p=False)
    facts = _facts(cert, ("cycle_at", "slopes_at_most_one", "slope_entropy") + FG.FACTS)
    n, verdict = len(cert["evidence"]), cert["verdict"]
    est = cert.get("estimate")
    if est is not None and (not isinstance(est, dict) or est.get("status") != "estimate"):
        raise F.Failure("estimate is informational and must be labelled status: estimate")
    if cert["verdict"] != "undecided" and set(facts) & set(FG.FACTS):  # logistic: both sides (checker/feigenbaum.py)
        return FG.chaos_onset(canon, cert, facts, A, B, name)
    if cert["verdict"] != "undecided" and "slope_entropy" in facts:  # constant |slope|: exact (checker/slope_onset.py)
        from certify.checker import slope_onset
        return slope_onset.chaos_onset(prog, cert, facts, A, B, name)
    where = f"[{num(A)}, {num(B)}]"
    if verdict == "undecided":
        _undecided(cert, "upper", "period", "lower")
        return Statement(f"undecided: nothing is claimed about the chaos onset for {name} in {where}", n)
    L = fact_slopes_at_most_one(prog, facts["slopes_at_most_one"], A, B) if "slopes_at_most_one" in facts else None
    lower = cert.get("lower")
    if (L is None) != (lower is None) or (L is not None and q_parse(lower) != L):
        raise F.Failure("the stated lower bound is not the one the slopes_at_most_one fact proves")
    zero = (f"h_top(f_{name}) = 0 for every {name} in [{num(A)}, {num(L)}] (|slope| <= 1 on every piece: "
            f"h <= max(0, log Lip))") if L is not None else ""
    if verdict == "refuted":
        _absent(cert, "upper", "period")
        if L != B or "cycle_at" in facts:
            raise F.Failure("a refuted chaos onset is zero entropy on the whole range (slopes_at_most_one to B)")
        return Statement(f"no chaos for {name} in {where}: {zero}", n)
    if verdict != "proved" or "cycle_at" not in facts:
        raise F.Failure("a proved chaos onset needs a cycle_at fact")
    p = cert.get("period")
    if isinstance(p, bool) or not isinstance(p, int) or p < 3 or p & (p - 1) == 0:
        raise F.Failure(f"period {p!r} is not an integer >= 3 other than a power of 2: it does not imply positive entropy")
    U = cycle_at(canon, facts["cycle_at"], p, A, B)
    if cert.get("upper") is None or q_parse(cert["upper"]) != U:
        raise F.Failure("the stated upper bound is not the cycle's parameter")
    if L is not None and L > U:
        raise F.Failure("the lower bound exceeds the upper bound")
    lines = [f"h_top(f_{name}) > 0 at {name} = {num(U)} (a cycle of minimal period {p}, not a power of 2, proved "
             f"there: Misiurewicz, Block-Guckenheimer-Misiurewicz-Young)"]
    if zero:
        lines.append(zero)
    lines.append(f"hence the chaos onset {name}_c = inf{{{name} >= {num(A)} : h_top(f_{name}) > 0}} lies in "
                 f"[{num(L if L is not None else A)}, {num(U)}]")
    return Statement("\n".join(lines), n)
