"""Phase diagrams: text summary and plain SVG (no plotting dependency).

The cell colours are the certificate's proved classes; the curves are the zero sets of its exact
boundary polynomials, traced in floats (display only).
"""

from __future__ import annotations

import numpy as np
import sympy

from certify.certificates import interval_parse, q_parse
from certify.report.plot import _esc

_COLOURS = {"P": "#e4572e", "N": "#a6cee3", "U": "#9a9a9a"}
_LABELS = {"P": "period 3 proved", "N": "no period 3 proved", "U": "undecided", "C": "robust chaos proved"}
_S, _PAD, _LEGEND = 480, 56, 210


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


def _zero_segments(text: str, names, xr, yr, n: int = 240):
    """Segments of the zero set of a polynomial over the rectangle (marching squares, floats)."""
    syms = sympy.symbols(names)
    fn = sympy.lambdify(syms, sympy.sympify(text, locals=dict(zip(names, syms))), "numpy")
    xs, ys = np.linspace(xr[0], xr[1], n + 1), np.linspace(yr[0], yr[1], n + 1)
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    v = np.broadcast_to(np.asarray(fn(gx, gy), dtype=float), gx.shape)
    segs = []
    for i in range(n):
        for j in range(n):
            c = [(xs[i], ys[j], v[i, j]), (xs[i + 1], ys[j], v[i + 1, j]),
                 (xs[i + 1], ys[j + 1], v[i + 1, j + 1]), (xs[i], ys[j + 1], v[i, j + 1])]
            pts = []
            for k in range(4):
                (ax, ay, av), (bx, by, bv) = c[k], c[(k + 1) % 4]
                if (av < 0) != (bv < 0):
                    s = av / (av - bv)
                    pts.append((ax + s * (bx - ax), ay + s * (by - ay)))
            if len(pts) >= 2:
                segs.append((pts[0], pts[1]))
            if len(pts) == 4:
                segs.append((pts[2], pts[3]))
    return segs


def _column_runs(marked):
    """Runs of vertically adjacent cells of one level and column: (level, i, j_first, j_last)."""
    runs = []
    for lv, i, j in sorted(marked):
        if runs and runs[-1][:2] == (lv, i) and runs[-1][3] == j - 1:
            runs[-1] = (lv, i, runs[-1][2], j)
        else:
            runs.append((lv, i, j, j))
    return runs


def _masks(cells, grid: int, depth: int):
    """Boolean rasters (finest cells, at most 1024 per side) of the undecided cells and of the
    neighbourhood of the robust-chaos cells: where each kind of curve is drawn."""
    n = min(grid << depth, 1024)
    und, cha = np.zeros((n, n), bool), np.zeros((n, n), bool)
    for level, i, j, cls in cells:
        k = n / (grid << level)
        a, b = int(i * k), max(int((i + 1) * k), int(i * k) + 1)
        c, d = int(j * k), max(int((j + 1) * k), int(j * k) + 1)
        if cls[0] == "U":
            und[a:b, c:d] = True
        if cls.endswith("C"):
            cha[max(a - 1, 0):b + 1, max(c - 1, 0):d + 1] = True
    return und, cha


def _on(mask, seg, fx, fy) -> bool:
    """Whether a segment's midpoint falls on a marked raster cell."""
    n = mask.shape[0]
    mx, my = (seg[0][0] + seg[1][0]) / 2, (seg[0][1] + seg[1][1]) / 2
    i = min(max(int((mx - fx[0]) / (fx[1] - fx[0]) * n), 0), n - 1)
    j = min(max(int((my - fy[0]) / (fy[1] - fy[0]) * n), 0), n - 1)
    return bool(mask[i, j])


def phase_svg(cert: dict) -> str:
    """The certified cells (filled by class, robust chaos hatched) and the boundary curves, as SVG."""
    claim = cert["claim"]
    names = claim["params"]
    (x0, x1), (y0, y1) = interval_parse(claim["range"]["x"]), interval_parse(claim["range"]["y"])
    fx, fy = (float(x0), float(x1)), (float(y0), float(y1))
    grid = int(claim["grid"])
    W, H = _S + 2 * _PAD + _LEGEND, _S + 2 * _PAD + 20

    def sx(x):
        return _PAD + (x - fx[0]) / (fx[1] - fx[0]) * _S

    def sy(y):
        return _PAD + _S - (y - fy[0]) / (fy[1] - fy[0]) * _S

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" '
           f'font-size="12">',
           '<defs><pattern id="hatch" width="7" height="7" patternUnits="userSpaceOnUse" '
           'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="7" stroke="#3b1f5c" '
           'stroke-width="1.3"/></pattern></defs>',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{_PAD}" y="24" font-size="14">{_esc(cert["map"]["given"])}: period 3 and robust chaos, '
           f'certified cell by cell</text>']
    cells = next(f for f in cert["evidence"] if f["fact"] == "phase_cells")["cells"]
    out.append(f'<g shape-rendering="crispEdges"><rect x="{_PAD}" y="{_PAD}" width="{_S}" height="{_S}" '
               f'fill="{_COLOURS["N"]}"/>')
    for key, fill in (("P", _COLOURS["P"]), ("U", _COLOURS["U"]), ("C", "url(#hatch)")):
        marked = [(lv, i, j) for lv, i, j, cls in cells if (cls.endswith("C") if key == "C" else cls[0] == key)]
        for lv, i, j0, j1 in _column_runs(marked):
            w = _S / (grid << lv)
            out.append(f'<rect x="{_PAD + i * w:.2f}" y="{_PAD + _S - (j1 + 1) * w:.2f}" width="{w:.2f}" '
                       f'height="{(j1 - j0 + 1) * w:.2f}" fill="{fill}"/>')
    out.append("</g>")
    itin = next(f for f in cert["evidence"] if f["fact"] == "itinerary_conditions")
    undecided, chaotic = _masks(cells, grid, int(claim["depth"]))
    curves = [(itin["boundary"][k], "#000", "", undecided) for k in cert.get("boundary_near") or []]
    curves += [(g, "#5e2a8c", ' stroke-dasharray="5 3"', chaotic) for case in _shown_chaos(cert) for g in case]
    for text, colour, dash, mask in curves:
        segs = [sg for sg in _zero_segments(text, names, fx, fy) if _on(mask, sg, fx, fy)]
        if segs:
            d = " ".join(f"M{sx(a[0]):.1f},{sy(a[1]):.1f}L{sx(b[0]):.1f},{sy(b[1]):.1f}" for a, b in segs)
            out.append(f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="1.4"{dash}/>')
    out.append(f'<rect x="{_PAD}" y="{_PAD}" width="{_S}" height="{_S}" fill="none" stroke="#444"/>')
    out += [f'<text x="{_PAD}" y="{_PAD + _S + 16}">{_esc(str(x0))}</text>',
            f'<text x="{_PAD + _S}" y="{_PAD + _S + 16}" text-anchor="end">{_esc(str(x1))}</text>',
            f'<text x="{_PAD + _S / 2}" y="{_PAD + _S + 32}" text-anchor="middle">{_esc(names[0])}</text>',
            f'<text x="{_PAD - 6}" y="{_PAD + _S}" text-anchor="end">{_esc(str(y0))}</text>',
            f'<text x="{_PAD - 6}" y="{_PAD + 10}" text-anchor="end">{_esc(str(y1))}</text>',
            f'<text x="{_PAD - 20}" y="{_PAD + _S / 2}" text-anchor="end">{_esc(names[1])}</text>']
    lx, ly = _PAD + _S + 20, _PAD + 10
    for k, (key, fill) in enumerate((("P", _COLOURS["P"]), ("N", _COLOURS["N"]), ("U", _COLOURS["U"]),
                                     ("C", "url(#hatch)"))):
        out.append(f'<rect x="{lx}" y="{ly + 24 * k}" width="16" height="16" fill="{fill}" stroke="#444"/>')
        out.append(f'<text x="{lx + 24}" y="{ly + 24 * k + 12}">{_LABELS[key]} {_pct(cert, key).strip()}</text>')
    ly += 24 * 4 + 10
    out.append(f'<line x1="{lx}" y1="{ly}" x2="{lx + 16}" y2="{ly}" stroke="#000" stroke-width="1.4"/>')
    out.append(f'<text x="{lx + 24}" y="{ly + 4}">period-3 boundary (exact)</text>')
    out.append(f'<line x1="{lx}" y1="{ly + 20}" x2="{lx + 16}" y2="{ly + 20}" stroke="#5e2a8c" '
               f'stroke-dasharray="5 3" stroke-width="1.4"/>')
    out.append(f'<text x="{lx + 24}" y="{ly + 24}">robust-chaos boundary</text>')
    out.append(f'<text x="{lx}" y="{ly + 50}" font-size="10">cells: exact sign tests;</text>')
    out.append(f'<text x="{lx}" y="{ly + 63}" font-size="10">curves: traced in floats</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
