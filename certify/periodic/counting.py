"""Completeness by counting, for polynomial maps: f^p(x) - x has degree deg(f)^p.

If that many distinct real solutions are certified (each orbit: one box with a unique solution
of f^d(x) = x, d | p, plus its images, all enclosures pairwise disjoint), there is no other
solution, real or complex. This proves `orbits` lists complete without covering the line, which
is what makes high periods of the logistic map at r = 4 affordable.
"""

from __future__ import annotations

from flint import fmpq_poly

from certify.arith import Budget, to_fmpq, workprec
from certify.certificates import interval
from certify.checker import facts as K
from certify.checker.semantics import Program, eval_exact
from certify.limits import checkpoint
from certify.periodic.balls import root_box_near
from certify.periodic.finder import group_orbits, periodic_points


def polynomial_degree(prog: Program) -> int:
    f = eval_exact(prog, fmpq_poly([0, 1]))
    return f.degree() if isinstance(f, fmpq_poly) else 0


def count_certificate(prog: Program, window, p: int, budget: Budget):
    """(roots_count fact, orbits of minimal period p as enclosures, precision) or None.

    None when the float search does not find deg^p real solutions (some are complex or were
    missed) or when the enclosures cannot be separated within the precision budget.
    """
    deg = polynomial_degree(prog)
    if deg < 2:
        return None
    roots, f = periodic_points(prog, window, p)
    groups = group_orbits(roots, f, p)
    if sum(d * len(v) for d, v in groups.items()) != deg ** p:
        return None
    start = max(budget.start_prec, 64 * ((p * deg.bit_length() + 63) // 64 + 1) - 64)
    for prec in budget.precisions():
        if prec < start:
            continue
        total = sum(len(v) for v in groups.values())
        with workprec(prec):
            entries, encl, ok = [], [], True
            for d in sorted(groups):
                for x0 in groups[d]:
                    checkpoint()  # the outer time guard (certify.limits) where signals cannot interrupt
                    if len(entries) % 250 == 0:
                        budget.report(f"period {p}: {len(entries)}/{total} orbits certified ({prec} bits)")
                    box = root_box_near(prog, to_fmpq(x0), d, prec)
                    if box is None:
                        ok = False
                        break
                    e = K.orbit_enclosures(prog, box, d)
                    if min(e) != e[0]:
                        ok = False
                        break
                    entries.append({"period": d, "box": interval(*box)})
                    encl.append((d, e))
                if not ok:
                    break
            if not ok:
                continue
            flat = sorted(b for _, e in encl for b in e)
            if all(a[1] < b[0] for a, b in zip(flat, flat[1:])):
                fact = {"fact": "roots_count", "p": p, "orbits": entries}
                return fact, [e for d, e in encl if d == p], prec
    return None
