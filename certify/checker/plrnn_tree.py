"""Kernel: the pruned itinerary tree behind a complete list of PLRNN cycles (search_plrnn facts).

The tree (certify.periodic.plrnn_search) fixes a cycle's sign patterns s_0, ..., s_{p-1} one bit
at a time, in the order (t, i) = (0, 0), (0, 1), ..., bit 0 before bit 1. At a node, z_t =
P_t z_0 + c_t for the fixed patterns (P_0 = I, c_0 = 0, P_{t+1} = (A + W D_{s_t}) P_t,
c_{t+1} = (A + W D_{s_t}) c_t + h), and each fixed bit (t, i) is the closed constraint a z_0 <= b:
bit 1: -(P_t)_i z_0 <= (c_t)_i (z_{t,i} >= 0); bit 0: (P_t)_i z_0 <= -(c_t)_i (z_{t,i} <= 0).
Closed constraints contain the sign convention's half-open orthants (bit 1 iff z_i > 0).

The kernel walks the tree itself; the certificate gives only its shape (one character per node
in walk order: '1' expanded, '0' pruned) and one Farkas certificate per pruned node: rows (t, i)
of that node and multipliers y > 0 with sum y a = 0 and sum y b < 0, which proves the node's
polyhedron empty (0 = (y^T A) z <= y^T b < 0 for any point z of it). Rotation: for t > 0 a node
whose bits of s_t are already below the same bits of s_0 (as tuples) is skipped, no character:
a cycle is reached through its rotation that starts at its least pattern. At a node with all p
patterns fixed the cycle system (I - M) z_0 = c is solved exactly as in the enumeration
(certify.checker.plrnn). Hence every cycle of minimal period p is found unless its itinerary
lies below a pruned node (impossible: its polyhedron holds the cycle's rotated start) or a leaf
is singular. With a proved cycle box (certify.checker.plrnn_box, fact "box": true) a Farkas entry
[t, n + i, y] is the row z_{t,i} <= u_i and [t, 2 n + i, y] the row z_{t,i} >= l_i, for t <= k (and
t = k + 1 at a node completing s_k, k + 1 < p): every cycle point lies in the box, so these rows hold
at a cycle's rotated start too. Work is bounded by the shape's length (nodes) and the certificates' entries, checked
before the walk, and by the exact matrix work of the walks (MAX_SEARCH_WORK for all search facts of a
certificate: n^3 (t + 1) per product, 3 n^3 p per leaf, 2 n (k + 1) per Farkas entry, all weighted by the
entries' sizes, plus NODE_UNITS per node and LEAF_UNITS p per leaf for the interpreter's own work, which
dominates for small n, plus 4 m ((n + 1) excess(y) + excess(box values used)) per Farkas certificate of m entries,
excess being the lcm bits of the denominators beyond FREE_BITS: the certificate chooses those sizes), counted
as the walk goes. Calibration (hostile all-expanded trees, n = 1..10,
p up to 40, entries of 2 to 100 digits, CPU time on a loaded shared machine): at most ~15 s for the
walks of one certificate (without the node and leaf terms: ~20 min for n = 1; without the lcm term, multipliers
or box values of distinct 4000-digit denominators: minutes at under 0.1% of the budget, now refused within ~5 s);
the heaviest legitimate certificate of the bench (n = 10, periods 1..10, seed 9) uses about 64% of the budget
(57% before the lcm term).
"""

from __future__ import annotations

import sys

from flint import fmpq_mat

from certify.certificates import q_parse
from certify.checker.plrnn_box import box_rows
from certify.checker.statement import Failure

__all__ = ["not_requested_reason", "farkas_holds", "walk_tree", "fact_search_plrnn", "search_shape", "MAX_TREE_NODES", "MAX_FARKAS_ENTRIES",
           "MAX_SEARCH_BITS", "MAX_SEARCH_WORK", "new_budget"]

MAX_TREE_NODES = 1 << 22       # characters of all search_plrnn shapes of one certificate
MAX_FARKAS_ENTRIES = 1 << 23   # multipliers over all Farkas certificates of one certificate
MAX_SEARCH_BITS = 400          # n p of one search (the walk's depth)
MAX_SEARCH_WORK = 1 << 32      # work units of all walks of all walks of one certificate (n^3 (t + 1) per product)
NODE_UNITS = 4000              # per node visited: the walk's own work (tens of µs for small n)
FREE_BITS = 256               # lcm bits of a Farkas certificate's multipliers (or box values) covered by its entries' units
LEAF_UNITS = 2000              # per leaf and period: following the itinerary, p steps (~10 µs each)
KEPT_NODES = 1 << 17           # pruned nodes remembered per certificate (memory: a hit only saves time)
KEPT_PRODUCTS = 1 << 12        # prefix products remembered per certificate (n = 10, 3-decimal weights: ~25 kB each)


def not_requested_reason(p: int) -> str:
    """Why a period below the requested range claims nothing."""
    return f"period {p} is below the requested range: not searched, nothing claimed"


def new_budget() -> list:
    """The exact matrix work left to the walks of one certificate (shared by its search facts), and the pruned
    nodes those walks have already checked (_checked_nodes)."""
    return [MAX_SEARCH_WORK, {}]


def _checked_nodes(budget: list, m, box) -> tuple:
    """What the walks sharing `budget` have already derived for this model and box: (nodes, products).
    nodes: key (a pruned node's patterns, its bits, its last box time, its Farkas entries) -> the work units its
    check spent. A node's rows are a function of m, box and the first two (z_t = P_t z_0 + c_t), so an identical
    certificate for an identical node (the same node of the trees of several periods) holds again; a hit spends
    the same units without redoing the products. products: patterns s_0..s_k -> (P_{k+1}, c_{k+1}, their lists),
    the same exact matrices whichever walk computes them. Each table stops growing at its cap (KEPT_NODES,
    KEPT_PRODUCTS: the memory of a hostile tree stays bounded; a node or product not kept is derived again).
    A budget list without the tables (a caller's own [units]) gets tables for this walk only."""
    if len(budget) < 2:
        return {}, {}
    for model, b, tables in budget[1].values():   # at most a few: one model and box per certificate
        if model is m and b is box:
            return tables
    tables = {}, {}
    budget[1][len(budget[1])] = (m, box, tables)   # holds m and box: their identities stay theirs
    return tables


def _entries_key(cert):
    """The Farkas entries as a hashable key, or None unless every entry is [int, int, str or int] by exact type (a
    bool or float equal to an int must not meet that int's entry)."""
    out = []
    for e in cert:
        if not (type(e) is list and len(e) == 3 and type(e[0]) is int and type(e[1]) is int
                and (type(e[2]) is str or type(e[2]) is int)):
            return None
        out.append((e[0], e[1], e[2]))
    return tuple(out)


def _spend(budget: list, units: int) -> None:
    budget[0] -= units
    if budget[0] < 0:
        raise Failure(f"re-walking the search trees needs more than {MAX_SEARCH_WORK} units of exact matrix work, "
                      "beyond the checker's limit")


def lcm_bits(qs) -> int:
    """An upper bound on the bits of the lcm of the denominators of qs: the largest power of two plus the
    bits of the distinct odd parts."""
    two, odd = 0, set()
    for q in qs:
        d = int(q.q)
        e = (d & -d).bit_length() - 1
        two = max(two, e)
        odd.add(d >> e)
    return two + sum(o.bit_length() for o in odd)


def farkas_holds(entries, n: int) -> bool:
    """entries (a, b, y) with a a list of n fmpq: every y > 0, sum y a = 0 and sum y b < 0."""
    if not entries or any(y <= 0 for _, _, y in entries):
        return False
    m = len(entries)
    Y = fmpq_mat(1, m, [y for _, _, y in entries])
    if any(v != 0 for v in (Y * fmpq_mat(m, n, [v for a, _, _ in entries for v in a])).entries()):
        return False
    return (Y * fmpq_mat(m, 1, [b for _, b, _ in entries]))[0, 0] < 0


def _lists(P, c):
    """z_t = P z_0 + c as Python lists: the rows of P, the entries of c."""
    return P.tolist(), [x for (x,) in c.tolist()]


def _row(rows, i: int, bit: int):
    """The sign row of bit (t, i) as (a, b) with a z_0 <= b: bit 1 is z_{t,i} >= 0, bit 0 is z_{t,i} <= 0."""
    a, c = rows[0][i], rows[1][i]
    return ([-v for v in a], c) if bit else (list(a), -c)


def walk_tree(m, p: int, shape: str, farkas: list, budget: list | None = None, box=None):
    """Re-walk a search tree: (cycles, singular itineraries). Raises Failure on any mismatch, or when the
    walk's exact matrix work (counted as it goes, deterministically) exhausts `budget`. With `box`
    (lo, hi), a proved box holding every cycle point (certify.checker.plrnn_box), the Farkas
    certificates may also use its rows."""
    from certify.checker.plrnn import _solve_cycle, canonical_cycle, follow_itinerary

    n = m.n
    budget = new_budget() if budget is None else budget
    # exact entries grow by about B bits per step (B: the largest numerator plus denominator bits of the
    # model), and fmpq products and gcds cost superlinearly in their size: weight every unit by (1 + B/16)^2
    B = max(int(abs(q.p)).bit_length() + int(q.q).bit_length()
            for q in [*m.A, *m.h, *(w for row in m.W for w in row)])
    scale = (1 + B // 16) ** 2
    I = fmpq_mat(n, n, [1 if i == j else 0 for i in range(n) for j in range(n)])
    Ps, cs, pats = [I], [fmpq_mat(n, 1, [0] * n)], []
    rows = [_lists(Ps[0], cs[0])]   # rows[t]: z_t's rows as lists, for the Farkas checks
    pos = [0, 0]   # next shape character, next certificate
    found, singular = set(), []
    (checked, products), parsed = _checked_nodes(budget, m, box), {}

    def product(key: tuple, k: int):
        """(P_{k+1}, c_{k+1}, their lists) for the patterns key = s_0..s_k, the walk's P_k, c_k being theirs."""
        got = products.get(key)
        if got is None:
            J = m.jacobian(key[-1])
            P, c = J * Ps[k], J * cs[k] + m.hvec
            got = (P, c, _lists(P, c))
            if len(products) < KEPT_PRODUCTS:
                products[key] = got
        return got

    def token():
        if pos[0] >= len(shape):
            raise Failure("the tree's shape ends early: a node has no mark")
        _spend(budget, NODE_UNITS)
        ch = shape[pos[0]]
        pos[0] += 1
        return ch

    def prune(k: int, bits: tuple) -> None:
        if pos[1] >= len(farkas):
            raise Failure("a pruned node has no Farkas certificate")
        cert = farkas[pos[1]]
        pos[1] += 1
        # box rows of z_t for t <= k, and of z_{k+1} once s_k is complete (k + 1 < p)
        top = k + 1 if box is not None and len(bits) == n and k + 1 < p else k
        ents = _entries_key(cert) if type(cert) is list else None
        key = None if ents is None else (tuple(pats), bits, top, ents)
        if key is not None and key in checked:   # this node with this certificate held before: same units, same verdict
            _spend(budget, checked[key])
            return
        where = f"the pruned node at s_{k} bits {''.join(map(str, bits))}"
        if not isinstance(cert, list) or not cert:
            raise Failure(f"{where}: a Farkas certificate is a non-empty list of [t, i, y]")
        before = budget[0]
        entries, seen, nxt = [], set(), None
        for e in cert:
            if not (isinstance(e, list) and len(e) == 3 and all(isinstance(v, int) and not isinstance(v, bool)
                                                                for v in e[:2])):
                raise Failure(f"{where}: a Farkas entry is [t, i, y], got {e!r}")
            t, i, y = e
            _spend(budget, 2 * n * (k + 1) * scale)
            sign = 0 <= t < k and 0 <= i < n or t == k and 0 <= i < len(bits)
            boxed = box is not None and 0 <= t <= top and n <= i < 3 * n
            if not (sign or boxed) or (t, i) in seen:
                raise Failure(f"{where}: row ({t}, {i}) is not a constraint of the node (or repeats)")
            seen.add((t, i))
            if sign:
                bit = pats[t][i] if t < k else bits[i]
                a, b = _row(rows[t], i, bit)
            else:
                if t == k + 1 and nxt is None:
                    _spend(budget, n ** 3 * (k + 1) * scale)
                    nxt = product(tuple(pats) + (bits,), k)[2]
                a, b = box_rows(nxt if t == k + 1 else rows[t], i % n, box[0], box[1])[0 if i < 2 * n else 1]
            q = parsed.get(y) if type(y) is str else None   # a string parsed before (same text, same number)
            if q is None:
                q = q_parse(y)
                if type(y) is str:
                    parsed[y] = q
            entries.append((a, b, q))
        # y^T A and y^T b clear denominators: each of the m entries is scaled to the lcm of the multipliers'
        # denominators (n + 1 products) and to that of the box values'. Neither is bounded by the model's sizes
        # (the certificate chooses them, up to MAX_DIGITS digits each; a box value is written once but used
        # by every box row), and distinct large denominators make the check quadratic in m: 1200 multipliers
        # of distinct 4000-digit denominators took ~150 s, 16k one-digit box rows of a box with 4000-digit
        # entries ~30 s, both well within the budget before. Charge the bits beyond FREE_BITS first
        # (calibrated on such inputs: the whole budget in <= ~10 s).
        used = [box[1 if e[1] < 2 * n else 0][e[1] % n] for e in cert if n <= e[1] < 3 * n]   # hi, then lo
        excess = (n + 1) * max(0, lcm_bits(y for _, _, y in entries) - FREE_BITS) + max(0, lcm_bits(used) - FREE_BITS)
        _spend(budget, 4 * len(entries) * excess)
        if not farkas_holds(entries, n):
            raise Failure(f"{where}: the Farkas certificate does not prove the node empty (y > 0, sum y a = 0, "
                          f"sum y b < 0)")
        if key is not None and len(checked) < KEPT_NODES:
            checked[key] = before - budget[0]

    def leaf() -> None:
        _spend(budget, (3 * n ** 3 * p + n * n * p) * scale + LEAF_UNITS * p)
        J = m.jacobian(pats[-1])
        kind, z0 = _solve_cycle(n, J * Ps[-1], J * cs[-1] + m.hvec)
        if kind == "singular":
            singular.append(["".join(map(str, D)) for D in pats])
        elif kind == "point":
            pts = follow_itinerary(m, z0, pats)
            if pts is not None and len({tuple(z) for z in pts}) == p:
                found.add(canonical_cycle(pts))

    def walk(k: int, bits: tuple) -> None:
        if len(bits) == n:
            pats.append(bits)
            if k == p - 1:
                leaf()
            else:
                _spend(budget, n ** 3 * (k + 1) * scale)
                got = product(tuple(pats), k)
                Ps.append(got[0])
                cs.append(got[1])
                rows.append(got[2])
                walk(k + 1, ())
                Ps.pop()
                cs.pop()
                rows.pop()
            pats.pop()
            return
        j = len(bits)
        for bit in (0, 1):
            child = bits + (bit,)
            if k > 0 and child < pats[0][:j + 1]:
                continue
            if token() == "1":
                walk(k, child)
            else:
                prune(k, child)

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 4 * n * p + 100))
    try:
        walk(0, ())
    finally:
        sys.setrecursionlimit(limit)
    if pos[0] != len(shape) or pos[1] != len(farkas):
        raise Failure("the tree's shape or its Farkas certificates go on after the walk ends")
    return found, singular


def fact_search_plrnn(m, fact: dict, listed: set, budget: list | None = None, box=None) -> list:
    """The pruned tree is re-walked: its leaves' cycles of period p are exactly `listed`. Returns the
    singular leaves (a period with one is not complete). `budget` (new_budget()) is shared by the
    search facts of one certificate; `box` is the certificate's proved cycle box (lo, hi), required
    when the fact says "box": true."""
    if fact.get("box") and box is None:
        raise Failure("the search uses the cycle box, but the certificate has no plrnn_cycle_box fact")
    found, singular = walk_tree(m, fact["p"], fact["shape"], fact["farkas"], budget, box if fact.get("box") else None)
    if found != listed:
        raise Failure(f"the search tree finds {len(found)} cycles of period {fact['p']}, {len(listed)} are listed")
    return singular


def search_shape(fact: dict, n: int, P: int) -> tuple:
    """Check a search_plrnn fact's keys and sizes before any work: (p, nodes, Farkas entries)."""
    if not {"fact", "p", "shape", "farkas"} <= set(fact) <= {"fact", "p", "shape", "farkas", "box"} \
            or fact.get("box", True) is not True:
        raise Failure("a search_plrnn fact has the keys fact, p, shape, farkas (and box: true when it uses the cycle box)")
    p = fact["p"]
    if isinstance(p, bool) or not isinstance(p, int) or not 1 <= p <= P:
        raise Failure(f"the search's period must be an integer in 1..{P}, got {p!r}")
    if n * p > MAX_SEARCH_BITS:
        raise Failure(f"n p = {n * p} is beyond the checker's search limit {MAX_SEARCH_BITS}")
    shape, farkas = fact["shape"], fact["farkas"]
    if not isinstance(shape, str) or not set(shape) <= {"0", "1"}:
        raise Failure("shape is a string of 0 (pruned) and 1 (expanded)")
    if not isinstance(farkas, list) or len(farkas) != shape.count("0"):
        raise Failure("there is one Farkas certificate per pruned node (per 0 of the shape)")
    entries = sum(len(c) if isinstance(c, list) else 0 for c in farkas)
    return p, len(shape), entries
