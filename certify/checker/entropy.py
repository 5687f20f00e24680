"""Topological entropy bounds on an invariant interval I (kernel).

Upper: h(f|I) <= (1/n) log laps(f^n|I) for every n, since lap numbers are submultiplicative and
h = lim (1/n) log laps(f^n) (Misiurewicz-Szlenk). Lower: if J_1..J_k are intervals with pairwise
disjoint interiors on each of which f^n is monotone and f^n(J_i) contains every J_j, then
h(f|I) >= (1/n) log k (a k-horseshoe of f^n). Graphs of a partition of I into cells on which f is
strictly monotone: h <= log rho(transition graph) and h >= log rho(f-covering graph), rho bounded
by Collatz-Wielandt ratios of a stated vector. Smooth maps: h >= log rho_p from a point of odd
period p in I (Block-Guckenheimer-Misiurewicz-Young), h <= (1/n) log sup|(f^n)'| (Lipschitz).
See docs/mathematics.md section 6.
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


def graph_edges(pl: PL, points, cover: bool):
    """Edges i -> j of the interval graph of the cells A_i = [points[i], points[i+1]] under f.

    f must be strictly monotone on every cell (else ValueError). cover=False: f(A_i) and A_j overlap in
    more than a point (the transition graph, for upper bounds); cover=True: f(A_i) contains A_j (the
    f-covering graph, for lower bounds). Exact rational arithmetic on the PL table.
    """
    edges = []
    m = len(points) - 1
    for i in range(m):
        a, b = points[i], points[i + 1]
        signs = {(A > 0) - (A < 0) for _, _, A, _ in affine_cells(pl, a, b, 1)}
        if len(signs) != 1 or 0 in signs:
            raise ValueError(f"f is not strictly monotone on cell {i}")
        ya, yb = pl(a), pl(b)
        u, w = min(ya, yb), max(ya, yb)
        for j in range(max(bisect_right(points, u) - 1, 0), min(bisect_left(points, w), m)):
            lo, hi = points[j], points[j + 1]
            if (u <= lo and hi <= w) if cover else (max(lo, u) < min(hi, w)):
                edges.append((i, j))
    return edges


def perron_bound(edges, v, upper: bool):
    """Collatz-Wielandt: max_i (Tv)_i / v_i (upper; v > 0) or min over v_i > 0 (lower; v >= 0, v != 0),
    an exact rational bound on the spectral radius of the 0-1 matrix T with the given edges."""
    if upper and any(x <= 0 for x in v) or not upper and (any(x < 0 for x in v) or not any(v)):
        raise ValueError("the vector must be positive (upper) or non-negative and non-zero (lower)")
    tv = [0] * len(v)
    for i, j in edges:
        tv[i] += v[j]
    ratios = [fmpq(t, x) for t, x in zip(tv, v) if x > 0]
    return max(ratios) if upper else min(ratios)


def rho_odd_below(p: int, a) -> bool:
    """a < rho_p, the largest root of z^p - 2 z^(p-2) - 1 (its only positive root; g < 0 on (0, rho_p))."""
    return a > 0 and a ** p - 2 * a ** (p - 2) - 1 < 0


def _lipschitz_log(prog, lo, hi, fact):
    """(1/n) log s, after checking |(f^n)'| <= s on every listed cell tiling [lo, hi] (ball chain rule)."""
    from flint import arb

    from certify.certificates import interval_parse, q_parse
    from certify.checker import facts as F
    from certify.checker.semantics import ball_of, eval_ball

    n, s = int(fact["n"]), q_parse(fact["s"])
    cells = [interval_parse(c) for c in fact["cells"]]
    if not 1 <= n <= 16 or s < 1 or not cells or cells[0][0] != lo or cells[-1][1] != hi or any(
            cells[k][1] != cells[k + 1][0] for k in range(len(cells) - 1)):
        raise F.Failure("fact lipschitz: cells must tile I, 1 <= n <= 16 and s >= 1")
    for a, b in cells:
        X, D = ball_of(a, b), arb(1)
        for _ in range(n):
            X, d = eval_ball(prog, X, deriv=True)
            D = D * d
        if not abs(D) <= arb(s):
            raise F.Failure(f"fact lipschitz: |(f^{n})'| <= {fact['s']} is not proved on [{a}, {b}]")
    return arb(s).log() / n, f"log({fact['s']})/{n}"


def check_entropy(prog, cert) -> int:
    """Verify an entropy certificate: invariance of I, each bound's fact, and that the stated decimal
    bounds lie outside [the best lower value, the best upper value] in the right direction."""
    from flint import arb, ctx

    from certify.certificates import interval_parse, q_parse
    from certify.checker import facts as F

    if cert["verdict"] == "undecided":
        return 0
    pl = prog.pl()
    lo, hi = interval_parse(cert["claim"]["interval"])
    if pl is not None:
        img = F.pl_image(pl, lo, hi)
        if not (lo <= hi and lo <= img[0] and img[1] <= hi):
            raise F.Failure("f(I) is not inside I")
    elif not (lo < hi and F.pieces_invariant(prog, lo, hi, int(cert["claim"].get("pieces", 64)))):
        raise F.Failure("f(I) inside I is not proved (ball images of the claim's pieces)")
    lowers, uppers = [(arb(0), "log(1)/1")], []  # h >= 0 always
    with ctx.workprec(max(ctx.prec, 128)):
        for fact in cert["evidence"]:
            kind = fact["fact"]
            if kind in ("laps", "horseshoe", "graph_upper", "graph_lower") and pl is None:
                raise F.Failure(f"fact {kind} is checked for piecewise-linear maps only")
            if kind == "laps":
                n = int(fact["n"])
                count = len(laps(affine_cells(pl, lo, hi, n)))
                if count != int(fact["count"]):
                    raise F.Failure(f"fact laps: f^{n} has {count} laps on I, not {fact['count']}")
                uppers.append((arb(count).log() / n, f"log({count})/{n}"))
            elif kind == "horseshoe":
                m, k = _horseshoe(pl, lo, hi, fact)
                lowers.append((arb(k).log() / m, f"log({k})/{m}"))
            elif kind in ("graph_upper", "graph_lower"):
                upper = kind == "graph_upper"
                pts = [q_parse(t) for t in fact["points"]]
                if len(pts) < 2 or pts[0] != lo or pts[-1] != hi or any(x >= y for x, y in zip(pts, pts[1:])):
                    raise F.Failure(f"fact {kind}: the points must increase from lo to hi of I")
                v = [int(x) for x in fact["v"]]
                if len(v) != len(pts) - 1:
                    raise F.Failure(f"fact {kind}: one vector entry per cell")
                try:
                    mu = perron_bound(graph_edges(pl, pts, cover=not upper), v, upper)
                except ValueError as e:
                    raise F.Failure(f"fact {kind}: {e}") from None
                if mu != q_parse(fact["mu"]):
                    raise F.Failure(f"fact {kind}: the Collatz-Wielandt ratio is {mu}, not {fact['mu']}")
                if upper or mu > 0:
                    (uppers if upper else lowers).append((arb(mu).log(), f"log({fact['mu']})"))
            elif kind == "odd_period":
                p, a = int(fact["p"]), q_parse(fact["rho_lower"])
                sub = fact["certificate"]
                if p < 3 or p % 2 == 0 or sub["claim"].get("kind") != "period" or int(sub["claim"]["p"]) != p:
                    raise F.Failure("odd_period needs a period certificate for an odd p >= 3")
                if sub["claim"].get("domain") != cert["claim"]["interval"]:
                    raise F.Failure("odd_period: the period certificate must be about the domain I")
                _embedded(cert, sub, f"period-{p}")
                if not rho_odd_below(p, a):
                    raise F.Failure(f"odd_period: {fact['rho_lower']} is not below rho_{p}")
                lowers.append((arb(a).log(), f"log({fact['rho_lower']})"))
            elif kind == "lipschitz":
                uppers.append(_lipschitz_log(prog, lo, hi, fact))
            else:
                raise F.Failure(f"unknown fact kind {kind!r}")
        if not uppers:
            raise F.Failure("an entropy certificate needs an upper-bound fact (laps, graph_upper or lipschitz)")
        b = cert["bounds"]
        low = dict((e, v) for v, e in lowers).get(b.get("lo_exact"))
        up = dict((e, v) for v, e in uppers).get(b.get("hi_exact"))
        if low is None or up is None:
            raise F.Failure("the exact forms of the bounds are not those of a verified fact")
        if not (up <= arb(q_parse(b["hi"])) and low >= arb(q_parse(b["lo"]))):
            raise F.Failure(f"the stated bounds do not contain {b['lo_exact']} and {b['hi_exact']}")
    return len(cert["evidence"])


def _horseshoe(pl, lo, hi, shoe):
    """(n, k) of a verified k-horseshoe of f^n inside I."""
    from certify.certificates import interval_parse
    from certify.checker import facts as F

    m = int(shoe["n"])
    js = sorted(interval_parse(j) for j in shoe["intervals"])
    if not js or any(not (a < b) for a, b in js) or any(js[i][1] > js[i + 1][0] for i in range(len(js) - 1)):
        raise F.Failure("fact horseshoe: the intervals must be non-empty with disjoint interiors")
    if js[0][0] < lo or js[-1][1] > hi:
        raise F.Failure("fact horseshoe: an interval leaves I")
    u, v = js[0][0], js[-1][1]
    for a, b in js:
        sub = affine_cells(pl, a, b, m)
        signs = {(A > 0) - (A < 0) for _, _, A, _ in sub}
        if len(signs) != 1 or 0 in signs:
            raise F.Failure(f"fact horseshoe: f^{m} is not strictly monotone on an interval")
        ya, yb = sub[0][2] * a + sub[0][3], sub[-1][2] * b + sub[-1][3]
        if not (min(ya, yb) <= u and max(ya, yb) >= v):
            raise F.Failure("fact horseshoe: an interval's image does not cover all of them")
    return m, len(js)


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
