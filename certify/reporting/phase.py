"""Phase diagrams: the text summary (the figure is certify.reporting.figures.phase)."""

from __future__ import annotations

import sympy

from certify.certificates import interval_parse, q_parse

_LABELS = {"P": "period 3 proved", "N": "no period 3 proved", "U": "undecided", "C": "robust chaos proved"}


def _pct(cert: dict, k: str) -> str:
    v = q_parse(cert["areas"][k])
    return f"{100 * float(v):6.2f} %"


def _shown_chaos(cert: dict):
    """The chaos cases with constant-true conditions dropped and constant-false cases omitted."""
    cases = next(f for f in cert["evidence"] if f["fact"] == "chaos_conditions")["cases"] or []
    out = []
    for case in cases:
        consts = [sympy.sympify(g) for g in case if sympy.sympify(g).is_number]
        if any(c <= 0 for c in consts):
            continue
        out.append([g for g in case if not sympy.sympify(g).is_number])
    return out


def render_phase(cert: dict) -> str:
    """Human-readable summary of a phase certificate."""
    claim = cert["claim"]
    px, py = claim["params"]
    (x0, x1), (y0, y1) = interval_parse(claim["range"]["x"]), interval_parse(claim["range"]["y"])
    itin = next((f for f in cert["evidence"] if f["fact"] == "itinerary_conditions"), None)
    if itin is None:  # undecided: no cell was decided (or the self-check failed)
        return "\n".join([f"family   {cert['map']['given']}", f"plane    {px} in [{x0}, {x1}], {py} in [{y0}, {y1}]",
                          f"verdict  UNDECIDED: {cert.get('reason', '')}"]
                         + ([f"note     {cert['note']}"] if cert.get("note") else []))
    pieces = itin["pieces"]
    out = [f"family   {cert['map']['given']}: {len(pieces['slopes'])} affine pieces, breaks at "
           f"{', '.join(pieces['breaks']) or 'none'}; slopes {' | '.join(pieces['slopes'])}",
           f"plane    {px} in [{x0}, {x1}], {py} in [{y0}, {y1}]",
           "period 3 by itinerary (x0 = C/D; a 3-cycle with itinerary w exists where D != 0 and D*P >= 0 "
           "for each P):"]
    for w in itin["words"]:
        out.append(f"  {w['name']:4s} D = {w['D']};  P = {', '.join(w['P'])}")
    near = cert.get("boundary_near") or []
    out.append("boundary the boundary of the period-3 region in the rectangle lies on (proved):")
    out += [f"  {itin['boundary'][k]} = 0" for k in near] or ["  (no curve: no undecided cell)"]
    others = [g for k, g in enumerate(itin["boundary"]) if k not in near]
    if others:
        out.append(f"         other critical curves, away from every undecided cell: {'; '.join(others)}")
    for case in _shown_chaos(cert):
        out.append(f"chaos    {', '.join(g + ' > 0' for g in case)}: invariant interval with |slope| > 1, "
                   f"h_top > 0")
    cells = next(f for f in cert["evidence"] if f["fact"] == "phase_cells")["cells"]
    out.append(f"cells    {len(cells)} (grid {claim['grid']}x{claim['grid']}, depth {claim['depth']}); "
               f"exact area fractions:")
    for k in ("P", "N", "U", "C"):
        out.append(f"  {_LABELS[k]:22s}{_pct(cert, k)}  ({cert['areas'][k]})")
    if cert["verdict"] == "proved":
        out.append("verdict  PROVED cell by cell; every class re-verified by the independent checker")
    else:
        out.append(f"verdict  UNDECIDED: {cert.get('reason', '')}")
    if cert.get("note"):
        out.append(f"note     {cert['note']}")
    return "\n".join(out)
