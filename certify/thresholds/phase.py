"""Phase diagrams of two-parameter piecewise-linear families: where period 3 (and robust chaos) is
proved, where period 3 is proved absent, and the exact algebraic curves between them.

The conditions come from the kernel (certify/checker/phase.py): for each itinerary of length 3 up
to rotation, polynomial sign conditions in the two parameters; their irreducible factors are the
boundary curves (border collisions: an orbit point on a breakpoint; D = 0: the composed slope 1).
Here the rectangle is cut into a grid of cells, each classified by exact sign tests, and cells that
stay undecided are split in four, down to a depth limit.
"""

from __future__ import annotations

from certify import limits
from certify.arith import Budget, over_budget
from certify.certificates import SCHEMA, interval, q_str
from certify.verify import self_checked
from certify.checker.phase import (MAX_SIGN_TESTS, NotPhaseFamily, areas, boundary_factors, cell_box, cell_chaos,
                                   cell_period3, chaos_conditions, near_boundary, period3_words, piece_names,
                                   pl_family2, poly_str, sign_tests_per_cell)
from certify.errors import CertifyError
from certify.maps import Family2
from certify.periodic.period import versions

__all__ = ["certify_phase", "piece_names"]


def certify_phase(fam: Family2, rng, grid: int = 16, depth: int = 5, budget: Budget = Budget(),
                  timeout: float | None = None) -> dict:
    """Classify the cells of rng = ((X0, X1), (Y0, Y1)) (exact rationals) for the family: 'P' period 3
    proved on the whole cell, 'N' no period 3 on the whole cell, 'U' undecided; suffix 'C' when the
    robust-chaos condition (expanding invariant interval, h_top > 0) holds on the whole cell.

    Undecided cells are split in four down to `depth` levels, until budget.max_cells cells have been
    classified or the number of cells the checker accepts for this family is reached (a `note` says
    so); the certificate's depth is the finest level used. `timeout` (seconds, None: none) is the
    outer guard: the whole result is then undecided."""
    (X0, X1), (Y0, Y1) = rng
    if not (X0 < X1 and Y0 < Y1):
        raise CertifyError("--range needs X0 < X1 and Y0 < Y1")
    if not 1 <= grid <= 256:
        raise CertifyError("--grid must be between 1 and 256")
    if not 0 <= depth <= 10:
        raise CertifyError("--depth must be between 0 and 10")
    try:
        pl = pl_family2(fam.canonical)
    except NotPhaseFamily as e:
        raise CertifyError(f"{fam.given!r}: {e}") from None
    words = period3_words(pl)
    chaos = chaos_conditions(pl)
    bound = boundary_factors(words)
    max_cells = MAX_SIGN_TESTS // sign_tests_per_cell(words, chaos, bound)
    if grid * grid > max_cells:
        raise CertifyError(f"--grid {grid}: {grid * grid} cells are more than the checker accepts for this family "
                           f"({max_cells}); use a coarser grid")
    names = piece_names(len(pl[2]))

    def undecided(why):
        claim = {"kind": "phase", "p": 3, "params": list(fam.params),
                 "range": {"x": interval(X0, X1), "y": interval(Y0, Y1)}, "grid": grid, "depth": 0}
        return {"schema": SCHEMA, "map": {"given": fam.given, "canonical": fam.canonical,
                                          "class": "two-parameter piecewise-linear family"},
                "claim": claim, "verdict": "undecided", "precision": 64, "evidence": [], "versions": versions(),
                "reason": why}

    return limits.guard(timeout, lambda: _phase(fam, rng, grid, depth, budget, pl, words, chaos, bound, max_cells,
                                                names), undecided)


def _phase(fam, rng, grid, depth, budget, pl, words, chaos, bound, max_cells, names):
    (X0, X1), (Y0, Y1) = rng
    cells, todo = [], [(0, i, j) for i in range(grid) for j in range(grid)]
    undecided_boxes, stopped, seen = [], None, 0
    while todo:
        level, i, j = todo.pop()
        box = cell_box(rng, grid, level, i, j)
        p3, ch = cell_period3(words, box), cell_chaos(chaos, box)
        seen += 1
        limits.checkpoint()
        if (p3 == "U" or ch == "?") and level < depth and stopped is None:
            if len(cells) + len(todo) + 4 > max_cells:
                stopped = f"the checker's limit of {max_cells} cells for this family"
            else:
                todo += [(level + 1, 2 * i + a, 2 * j + b) for a in (0, 1) for b in (0, 1)]
                if seen > budget.max_cells:
                    stopped = f"{over_budget(budget.max_cells)} classified"
                continue
        cells.append([level, i, j, p3 + ("C" if ch == "C" else "")])
        if p3 == "U":
            undecided_boxes.append(box)
        if len(cells) % 2000 == 0:
            budget.report(f"phase: {len(cells)} cells classified")
    cells.sort()
    claim = {"kind": "phase", "p": 3, "params": list(fam.params),
             "range": {"x": interval(X0, X1), "y": interval(Y0, Y1)}, "grid": grid,
             "depth": max(c[0] for c in cells)}
    cert = {"schema": SCHEMA, "map": {"given": fam.given, "canonical": fam.canonical,
                                      "class": "two-parameter piecewise-linear family"},
            "claim": claim, "verdict": "undecided", "precision": 64, "evidence": [], "versions": versions()}
    if stopped is not None:
        cert["note"] = f"refinement stopped at {stopped}; some undecided cells are coarser than depth {depth}"
    if all(c[3] == "U" for c in cells):
        cert["reason"] = "no cell of the grid was decided"
        return cert
    cert["evidence"] = [
        {"fact": "itinerary_conditions", "pieces": {"breaks": [q_str(t) for t in pl[1]],
                                                    "slopes": [poly_str(s) for s in pl[2]],
                                                    "icepts": [poly_str(c) for c in pl[3]]},
         "words": [{"word": list(wd.word), "name": "".join(names[k] for k in wd.word), "D": poly_str(wd.D),
                    "Q": poly_str(wd.Q), "a": [poly_str(a) for a, _ in wd.conds],
                    "P": [poly_str(P) for _, P in wd.conds]} for wd in words],
         "boundary": [poly_str(g) for g in bound]},
        {"fact": "chaos_conditions", "cases": None if chaos is None else [[poly_str(g) for g in case]
                                                                           for case in chaos]},
        {"fact": "phase_cells", "cells": cells}]
    cert.update(verdict="proved", areas={k: q_str(v) for k, v in areas(cells, grid).items()},
                boundary_near=near_boundary(bound, undecided_boxes))
    return self_checked(cert, budget.self_check, drop=("areas", "boundary_near"))
