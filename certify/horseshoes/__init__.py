"""Certified topological horseshoes of planar polynomial maps (`certify chaos`): find a graph of h-sets
with floats (certify.horseshoes.finder), rationalise it, verify every covering relation and the disjointness
with the kernel (certify.checker.hsets), and return a certificate the kernel accepts.

Two finders: the attractor net (default; long thin h-sets on a trajectory's net, coverings under f^4, the
graph pruned to what the checker can verify in about a second: Henon a = 1.4, b = 0.3 gives h_top >=
0.317358) and h-sets around periodic orbits (the size LP; 0.198215 under f^2, the fallback).
"""

from __future__ import annotations

import math

from certify.checker import hsets as H
from certify.checker.markov import _located, poly_text
from certify.checker.statement import Failure

__all__ = ["horseshoe_certificate", "DEFAULT_PERIOD", "METHODS", "CHECK_BOXES"]

DEFAULT_PERIOD = 10
METHODS = ("net", "orbits")  # h-sets on the attractor net (then periodic orbits if it finds none); periodic orbits only
# (k, A, B, eps): coverings under f^k; caps on the unstable and stable half-sizes and the margin tried by
# the size LP, best first (for the Henon map a = 1.4, b = 0.3 with periods up to 10 the floats predict
# log rho / k ~ 0.198, 0.184, 0.141)
_TRIES = ((2, 0.01, 0.003, 0.02), (2, 0.005, 0.005, 0.02), (1, 0.01, 0.01, 0.02))
# the attractor net (tried first): coverings under f^k of h-sets of half-sizes (alpha, beta) at points of a
# trajectory of `steps` points; the graph is pruned to at most CHECK_BOXES box-steps of the kernel's covering
# checks (boxes of each covering's grid times k; ~65 us each at 64 bits on a loaded machine: ~1 s of `check`)
_NET = {"k": 4, "alpha": 0.004, "beta": 0.004, "steps": 10000, "margin": 0.05}
CHECK_BOXES = 12000
_GRIDS = (1, 2, 4)
_PRE = 0.8  # the first cut, on the floats' graph: this many times the budget at grid 1
_PROPOSE = 1.6  # edges verified by the kernel: this many times the budget (room for the pruning to choose)


def _iterate(f, Df, k):
    """Float f^k and D(f^k) (lists of arrays in and out), for the finder."""
    if k == 1:
        return f, Df

    def fk(p):
        for _ in range(k):
            p = f(p)
        return p

    def Dfk(p):
        J = Df(p)
        for _ in range(k - 1):
            p = f(p)
            D = Df(p)
            J = [[D[i][0] * J[0][j] + D[i][1] * J[1][j] for j in range(2)] for i in range(2)]
        return J
    return fk, Dfk


def _lower_bound(rho_lower, k):
    """The largest multiple of 10^-6 that is below log(rho_lower) / k (checked in balls)."""
    from flint import arb, ctx, fmpq

    with ctx.workprec(128):
        v = arb(rho_lower).log() / k
        k = int(math.floor(float(v.lower()) * 1e6))
        while not arb(fmpq(k, 10 ** 6)) < v:
            k -= 1
    return fmpq(k, 10 ** 6)


def _entropy_field(m, edges, k):
    """Collatz-Wielandt entropy field for the graph on m nodes (and the exact one for small graphs)."""
    import numpy as np
    from flint import fmpq

    from certify.certificates import q_str
    from certify.horseshoes.finder import perron_weights
    from certify.horseshoes.nd import _q

    v = perron_weights(m, edges)
    av = [0] * m
    for i, j in edges:
        av[i] += v[j]
    r = min(fmpq(a, x) for a, x in zip(av, v))
    field = {"weights": v, "rho_lower": q_str(r), "lower": q_str(_lower_bound(r, k))}
    if m <= 32:
        A = np.zeros((m, m))
        for i, j in edges:
            A[i, j] = 1
        ev = np.linalg.eigvals(A)
        rho = max(ev.real)
        others = [e.real for e in ev if abs(e.imag) < 1e-9 and e.real < rho - 1e-6]
        lo = _q(rho - 1e-9)
        if not others or max(others) < rho - 1e-6:
            from flint import fmpz_mat
            mat = fmpz_mat(m, m, [1 if (i, j) in set(edges) else 0 for i in range(m) for j in range(m)])
            chi = mat.charpoly()
            try:
                g = _located(chi, [h for h, _ in chi.factor()[1]], lo, _q(rho + 1e-9))
                a = lo
                field = {"minpoly": poly_text(g), "rho": {"lo": q_str(a), "hi": q_str(_q(rho + 1e-9))},
                         "lower": q_str(_lower_bound(a, k))}
            except Failure:  # the float isolation of rho failed: keep Collatz-Wielandt
                pass
    return field


def horseshoe_certificate(spec, max_period: int = DEFAULT_PERIOD, precision: int = 64, method: str = "net") -> dict:
    """A horseshoe certificate for a planar polynomial map (proved), or an undecided one naming why.

    method "net": h-sets on a net of the attractor (finder.net_sets), coverings under f^4, the graph pruned
    to CHECK_BOXES boxes of checking; if that finds no graph, the periodic orbits. "orbits": h-sets around
    the periodic points of period <= max_period only (the size LP; faster, lower bounds)."""
    from flint import ctx

    from certify.certificates import SCHEMA
    from certify.checker import check

    undecided = {"schema": SCHEMA, "map": {"given": spec.given, "canonical": spec.canonical, "class": "polynomial"},
                 "claim": {"kind": "horseshoe", "iterate": 1}, "verdict": "undecided", "precision": precision, "evidence": []}
    if spec.n != 2:
        return {**undecided, "reason": "the horseshoe finder handles maps of the plane (n = 2)"}
    f, Df = spec.floats()
    best = None
    if method == "net":
        with ctx.workprec(precision):
            best = _net_graph(spec, f, Df, **_NET)
    if best is None:
        best = _orbit_graph(spec, f, Df, max_period, precision)
    if not isinstance(best, tuple):
        where = ("on the attractor net or " if method == "net" else "") + f"from periodic orbits up to period {max_period}"
        why = "; no hyperbolic periodic orbit found" if best == "no orbit" else ""
        return {**undecided, "reason": f"no graph of h-sets with verified coverings and positive entropy {where}{why}"}
    _, sets, covs, edges, k = best
    cert = {"schema": SCHEMA, "map": undecided["map"], "claim": {"kind": "horseshoe", "iterate": k},
            "verdict": "proved",
            "precision": precision,
            "evidence": [{"fact": "hsets", "sets": sets}] +
                        [{"fact": "covering", "from": i, "to": j, "degree": d, "grid": g} for i, j, d, g in covs],
            "entropy": _entropy_field(len(sets), edges, k)}
    res = check(cert)
    if not res.ok:
        raise AssertionError(f"internal: the kernel rejects the horseshoe certificate: {res.message}")
    return cert


def _orbit_graph(spec, f, Df, max_period, precision):
    """The best graph of h-sets around periodic points of period <= max_period (size LP); None if there
    is none, "no orbit" if no hyperbolic periodic orbit was found."""
    from flint import ctx

    from certify.horseshoes import finder as F

    orbs = F.periodic_orbits(f, Df, range(1, max_period + 1))
    pts = []
    for p in sorted(orbs):
        for orb in orbs[p]:
            d = F._directions(Df, orb)
            if d is not None:
                us, ss, _ = d
                pts.extend((z, us[k], ss[k]) for k, z in enumerate(orb))
    if not pts:
        return "no orbit"
    best = None
    with ctx.workprec(precision):
        for k, A, B, eps in _TRIES:
            fk, Dfk = _iterate(f, Df, k)
            sizes, kept = F.lp_sizes(fk, Dfk, pts, A=A, B=B, eps=eps)
            if sizes is None:
                continue
            nodes, rho = F.best_component(len(pts), kept)
            if rho <= 1 + 1e-9 or (best is not None and math.log(rho) / k <= best[0] + 1e-9):
                continue
            graph = _certified(spec, pts, sizes, nodes, kept, k)
            if graph is not None and (best is None or graph[0] > best[0]):
                best = graph
    return best


def _net_graph(spec, f, Df, k, alpha, beta, steps, margin):
    """(log rho / k, sets, coverings, edges, k) from h-sets on the attractor net (finder.net_sets) whose
    coverings under f^k the kernel verifies, pruned to CHECK_BOXES box-steps of checking; or None."""
    from certify.horseshoes import finder as F

    frames = F.attractor_frames(f, Df, steps)
    if frames is None or len(frames[0]) < 2:
        return None
    X, U, S = frames
    idx, a, b = F.net_sets(X, U, S, alpha, beta)
    X, U, S = X[idx], U[idx], S[idx]
    fk, _ = _iterate(f, Df, k)
    degree = {(i, j): d for i, j, d in F.image_edges(fk, X, U, S, a, b, margin)}
    # a first cut on the floats' graph (every edge at grid 1); the kept sets, lengthened into the room their
    # dropped neighbours leave, cover more: their edges again
    nodes, _ = F.prune(len(X), sorted(degree), {e: 3 * k for e in degree}, _PRE * CHECK_BOXES)
    if not nodes:
        return None
    nodes = sorted(nodes)
    X, U, S, b = X[nodes], U[nodes], S[nodes], b[nodes]
    a = F.lengthen(X, U, S, a[nodes], b)
    degree = {(i, j): d for i, j, d in F.image_edges(fk, X, U, S, a, b, margin)}
    nodes, E = F.best_component(len(X), sorted(degree))
    keep = set(nodes)
    E = [e for e in degree if e[0] in keep and e[1] in keep]
    if not E:
        return None
    dicts = {v: _plane_hset(X[v], U[v], S[v], a[v], b[v]) for v in nodes}
    sets = {v: H.parse_hset(dicts[v], 2) for v in nodes}
    while True:  # the finder keeps the sets apart with a margin; the kernel decides
        order = sorted(sets)
        pair = H.disjoint([sets[v] for v in order])
        if pair is None:
            break
        del sets[order[pair[1]]]
    # the kernel verifies the edges in the order of their Perron weight until their work is _PROPOSE times
    # the budget (room for the pruning below to choose)
    index = {v: t for t, v in enumerate(nodes)}
    weight = F.edge_weights(len(nodes), [(index[i], index[j]) for i, j in E])
    grid, cost, spent = {}, {}, 0
    for t in sorted(range(len(E)), key=lambda t: (-weight[t], E[t])):
        i, j = E[t]
        if i not in sets or j not in sets:
            continue
        for g in _GRIDS:
            spent += (g * g + 2 * g) * k
            if H.covers(spec.kernel, sets[i], sets[j], degree[(i, j)], g, k) is None:
                grid[(i, j)], cost[(i, j)] = g, (g * g + 2 * g) * k
                break
        if sum(cost.values()) >= _PROPOSE * CHECK_BOXES:
            break
    nodes, E = F.prune(len(X), sorted(grid), cost, CHECK_BOXES)
    if not E:
        return None
    index = {v: t for t, v in enumerate(sorted(nodes))}
    edges = [(index[i], index[j]) for i, j in E]
    rho = F.spectral_radius(len(index), edges)
    if rho <= 1 + 1e-9:
        return None
    covs = sorted((index[i], index[j], degree[(i, j)], grid[(i, j)]) for i, j in E)
    return (math.log(rho) / k, [dicts[v] for v in sorted(nodes)], covs, [(i, j) for i, j, _, _ in covs], k)


def _plane_hset(z, u, s, a, b) -> dict:
    """The h-set c = z, M = [a u, b s] as certificate text (certify.horseshoes.nd._hset_dict, n = 2)."""
    import numpy as np

    from certify.horseshoes.nd import _hset_dict
    return _hset_dict(z, np.column_stack((u, s)), np.array((a, b)))


def _certified(spec, pts, sizes, nodes, kept, k):
    """(log rho / k, sets, coverings, edges, k) of the strongly connected graph of largest spectral radius whose
    coverings the kernel verifies among the component's h-sets (overlapping ones dropped), or None: the n-dimensional
    search (certify.horseshoes.nd._certified) with one unstable direction and degrees +-1."""
    import numpy as np

    from certify.horseshoes import nd

    planar = [(z, np.column_stack((u, s))) for z, u, s in pts]
    graph = nd._certified(spec.kernel, planar, np.asarray(sizes, float), nodes, kept, k, (1, 2, 4), 1)
    if graph is None:
        return None
    bound, dicts, covs, edges = graph
    return bound, dicts, [(i, j, d[1], g) for i, j, d, g in covs], edges, k
