"""Cobweb plots as plain SVG (no plotting dependency). Display only: floats, no proof."""

from __future__ import annotations

import numpy as np

from certify.arith import float_map
from certify.certificates import interval_parse
from certify.checker.semantics import Program

_W, _H, _PAD = 560, 560, 48


def cobweb_svg(prog: Program, cert: dict, title: str) -> str:
    """The graph of f, the diagonal and the cobweb of the certificate's orbit(s), as SVG text."""
    orbits = []
    if cert.get("orbit"):
        orbits.append(cert["orbit"])
    orbits += cert.get("orbits", [])[:6]
    pts = [float(sum(interval_parse(b)) / 2) for orb in orbits for b in orb]
    if cert["claim"].get("domain"):
        lo, hi = (float(v) for v in interval_parse(cert["claim"]["domain"]))
    elif pts:
        lo, hi = min(pts), max(pts)
        pad = 0.25 * (hi - lo) + 0.1
        lo, hi = lo - pad, hi + pad
    else:
        lo, hi = -2.0, 2.0
    xs = np.linspace(lo, hi, 801)
    ys = float_map(prog)(xs)
    finite = ys[np.isfinite(ys)]
    ylo = min(lo, float(finite.min()) if finite.size else lo)
    yhi = max(hi, float(finite.max()) if finite.size else hi)

    def sx(x):
        return _PAD + (x - lo) / (hi - lo) * (_W - 2 * _PAD)

    def sy(y):
        return _H - _PAD - (y - ylo) / (yhi - ylo) * (_H - 2 * _PAD)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{_H}" font-family="sans-serif" '
           f'font-size="12">', f'<rect width="{_W}" height="{_H}" fill="white"/>',
           f'<text x="{_PAD}" y="24" font-size="14">{_esc(title)}</text>',
           f'<rect x="{_PAD}" y="{_PAD}" width="{_W - 2 * _PAD}" height="{_H - 2 * _PAD}" fill="none" '
           f'stroke="#999"/>']
    diag = [(max(lo, ylo), max(lo, ylo)), (min(hi, yhi), min(hi, yhi))]
    out.append(f'<line x1="{sx(diag[0][0]):.1f}" y1="{sy(diag[0][1]):.1f}" x2="{sx(diag[1][0]):.1f}" '
               f'y2="{sy(diag[1][1]):.1f}" stroke="#bbb" stroke-dasharray="4 3"/>')
    path = " ".join(f"{'M' if i == 0 else 'L'}{sx(x):.1f},{sy(y):.1f}" for i, (x, y) in enumerate(zip(xs, ys))
                    if np.isfinite(y))
    out.append(f'<path d="{path}" fill="none" stroke="#1f4e9c" stroke-width="1.6"/>')
    colours = ["#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b"]
    for k, orb in enumerate(orbits[:6]):
        c = colours[k % len(colours)]
        o = [float(sum(interval_parse(b)) / 2) for b in orb]
        seg = []
        for i, x in enumerate(o):
            y = o[(i + 1) % len(o)]
            seg.append(f"M{sx(x):.1f},{sy(x):.1f} L{sx(x):.1f},{sy(y):.1f} L{sx(y):.1f},{sy(y):.1f}")
        out.append(f'<path d="{" ".join(seg)}" fill="none" stroke="{c}" stroke-width="1.2"/>')
        out += [f'<circle cx="{sx(x):.1f}" cy="{sy(o[(i + 1) % len(o)]):.1f}" r="3" fill="{c}"/>'
                for i, x in enumerate(o)]
    out.append(f'<text x="{_PAD}" y="{_H - 16}">x from {lo:.4g} to {hi:.4g}; orbit points at the '
               f'centres of their certified enclosures</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
