"""Topological entropy bounds for piecewise-linear maps on an invariant interval I (kernel).

Upper: h(f|I) <= (1/n) log laps(f^n|I) for every n, since lap numbers are submultiplicative and
h = lim (1/n) log laps(f^n) (Misiurewicz-Szlenk). Lower: if J_1..J_k are intervals with pairwise
disjoint interiors on each of which f^n is monotone and f^n(J_i) contains every J_j, then
h(f|I) >= (1/n) log k (a k-horseshoe of f^n).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from flint import fmpq

from certify.checker.semantics import PL


def affine_cells(pl: PL, lo: fmpq, hi: fmpq, n: int, max_cells: int = 2_000_000):
    """Cells (a, b, A, B) tiling [lo, hi] on which f^n(x) = A x + B, by exact composition.

    `pl` may also be a list of n tables f_1, ..., f_n: the cells are then those of f_n o ... o f_1.
    """
    cells = [(lo, hi, fmpq(1), fmpq(0))]
    for pl in (pl if isinstance(pl, list) else [pl] * n):
        breaks = pl.breaks
        nxt = []
        for a, b, A, B in cells:
            u, v = A * a + B, A * b + B
            ilo, ihi = (u, v) if u <= v else (v, u)
            marks = breaks[bisect_right(breaks, ilo):bisect_left(breaks, ihi)]
            pts = [(t - B) / A for t in marks] if A != 0 else []
            if A < 0:
                pts.reverse()
            ends = [a, *pts, b]
            for x, y in zip(ends, ends[1:]):
                ux, uy = A * x + B, A * y + B
                k = pl.affine_on(min(ux, uy), max(ux, uy))
                s, c = pl.slopes[k], pl.icepts[k]
                nxt.append((x, y, s * A, s * B + c))
        cells = nxt
        if len(cells) > max_cells:
            raise ValueError(f"more than {max_cells} cells")
    return cells


def laps(cells) -> list:
    """Maximal intervals of monotonicity (a, b, +1 | -1 | 0) from consecutive affine cells."""
    out = []
    for a, b, A, _ in cells:
        sign = (A > 0) - (A < 0)
        if out and (out[-1][2] == sign or sign == 0 or out[-1][2] == 0):
            la, _, ls = out[-1]
            out[-1] = (la, b, ls if ls != 0 else sign)
        else:
            out.append((a, b, sign))
    return out


def image(cells, a, b):
    """f^n([a, b]) as (min, max), for [a, b] a union of whole cells."""
    vals = [A * x + B for x0, x1, A, B in cells if a <= x0 and x1 <= b for x in (x0, x1)]
    return min(vals), max(vals)


def check_entropy(prog, cert) -> int:
    """Verify an entropy certificate: invariance of I, the lap count, the horseshoe, the bounds."""
    from flint import arb, ctx

    from certify.certificates import interval_parse, q_parse
    from certify.checker import facts as F

    if cert["verdict"] == "undecided":
        return 0
    pl = prog.pl()
    if pl is None:
        raise F.Failure("entropy bounds are certified for piecewise-linear maps")
    lo, hi = interval_parse(cert["claim"]["interval"])
    img = F.pl_image(pl, lo, hi)
    if not (lo <= hi and lo <= img[0] and img[1] <= hi):
        raise F.Failure("f(I) is not inside I")
    facts = {f["fact"]: f for f in cert["evidence"]}
    lap = facts.get("laps")
    shoe = facts.get("horseshoe") or {"n": 1, "intervals": None}  # absent: the trivial lower bound 0
    if lap is None:
        raise F.Failure("an entropy certificate needs a laps fact")
    n = int(lap["n"])
    count = len(laps(affine_cells(pl, lo, hi, n)))
    if count != int(lap["count"]):
        raise F.Failure(f"fact laps: f^{n} has {count} laps on I, not {lap['count']}")
    m = int(shoe["n"])
    js = sorted(interval_parse(j) for j in shoe["intervals"] or [])
    if shoe["intervals"] is None:
        pass
    elif not js or any(not (a < b) for a, b in js) or any(js[i][1] > js[i + 1][0] for i in range(len(js) - 1)):
        raise F.Failure("fact horseshoe: the intervals must be non-empty with disjoint interiors")
    if js and (js[0][0] < lo or js[-1][1] > hi):
        raise F.Failure("fact horseshoe: an interval leaves I")
    u, v = (js[0][0], js[-1][1]) if js else (lo, hi)
    for a, b in js:
        sub = affine_cells(pl, a, b, m)
        signs = {(A > 0) - (A < 0) for _, _, A, _ in sub}
        if len(signs) != 1 or 0 in signs:
            raise F.Failure(f"fact horseshoe: f^{m} is not strictly monotone on an interval")
        ya, yb = sub[0][2] * a + sub[0][3], sub[-1][2] * b + sub[-1][3]
        if not (min(ya, yb) <= u and max(ya, yb) >= v):
            raise F.Failure("fact horseshoe: an interval's image does not cover all of them")
    k = max(len(js), 1)
    b = cert["bounds"]
    with ctx.workprec(128):
        up = arb(count).log() / n
        low = arb(k).log() / m
        if not (up <= arb(q_parse(b["hi"])) and low >= arb(q_parse(b["lo"]))):
            raise F.Failure("the stated bounds do not contain log(laps)/n and log(k)/m")
    if b.get("hi_exact") != f"log({count})/{n}" or b.get("lo_exact") != f"log({k})/{m}":
        raise F.Failure("the exact forms of the bounds differ from the verified counts")
    return len(facts)


def _embedded(cert: dict, sub: dict, what: str) -> None:
    """An embedded certificate about the same map passes the whole kernel check."""
    from certify.checker import check
    from certify.checker import facts as F

    if sub.get("map", {}).get("canonical") != cert["map"]["canonical"]:
        raise F.Failure(f"the embedded {what} certificate is about another map")
    res = check(sub)
    if not res.ok or sub.get("verdict") != "proved":
        raise F.Failure(f"embedded {what} certificate: {res.message if not res.ok else 'not proved'}")


def check_oscillations(prog, cert) -> int:
    """Verify an oscillations certificate: f(I) in I, the exact lap count of f^t on I for every listed t,
    and the embedded odd-period and entropy certificates (re-checked in full)."""
    from certify.certificates import interval_parse
    from certify.checker import facts as F

    pl = prog.pl()
    if pl is None:
        raise F.Failure("lap counts are certified for piecewise-linear maps")
    I = interval_parse(cert["claim"]["interval"])
    img = F.pl_image(pl, *I)
    if not (I[0] <= img[0] and img[1] <= I[1]):
        raise F.Failure("f(I) is not inside I")
    ts = []
    for fact in cert["evidence"]:
        kind = fact["fact"]
        if kind == "laps":
            n = int(fact["n"])
            if not 1 <= n <= 64:
                raise F.Failure("lap counts are checked for 1 <= t <= 64")
            count = len(laps(affine_cells(pl, *I, n)))
            if count != int(fact["count"]):
                raise F.Failure(f"fact laps: f^{n} has {count} laps on I, not {fact['count']}")
            ts.append(n)
        elif kind == "odd_period":
            sub = fact["certificate"]
            p = int(fact["p"])
            if p < 3 or p % 2 == 0 or sub["claim"].get("kind") != "period" or int(sub["claim"]["p"]) != p:
                raise F.Failure("odd_period needs a period certificate for an odd p >= 3")
            _embedded(cert, sub, f"period-{p}")
        elif kind == "entropy":
            sub = fact["certificate"]
            if sub["claim"].get("kind") != "entropy" or sub["claim"]["interval"] != cert["claim"]["interval"]:
                raise F.Failure("the embedded entropy certificate is not about I")
            _embedded(cert, sub, "entropy")
        else:
            raise F.Failure(f"unknown fact kind {kind!r}")
    if cert["verdict"] == "proved" and ts != list(range(1, int(cert["claim"]["upto"]) + 1)):
        raise F.Failure("a laps fact is needed for every t = 1..upto, in order")
    return len(cert["evidence"])
