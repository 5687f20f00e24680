"""What a proved period implies for a continuous map of an interval (or of the real line).

Sharkovsky (1964): a point of minimal period p forces every period after p in the order
3 > 5 > 7 > ... > 2*3 > 2*5 > ... > 4*3 > ... > 2^k > ... > 4 > 2 > 1.
Li-Yorke (1975): period 3 gives an uncountable scrambled set. Block-Guckenheimer-Misiurewicz-Young
(1980): a period 2^k m with m odd >= 3 gives h_top >= log(rho_m) / 2^k, rho_m the largest root of
z^m - 2 z^(m-2) - 1 (rho_3 is the golden ratio); positive entropy implies Li-Yorke chaos.
"""

from __future__ import annotations

import mpmath


def split_power_of_two(p: int):
    k = 0
    while p % 2 == 0:
        p //= 2
        k += 1
    return k, p


def rho(m: int) -> float:
    """Largest real root of z^m - 2 z^(m-2) - 1 (display value, not a proof)."""
    coeffs = [1, 0, -2] + [0] * (m - 3) + [-1]
    return float(max(r.real for r in mpmath.polyroots(coeffs, maxsteps=200, extraprec=60)
                     if abs(r.imag) < 1e-20))


def consequences(p: int) -> list[str]:
    """Theorems that turn a proved point of minimal period p into further facts about f."""
    k, m = split_power_of_two(p)
    out = []
    if p == 3:
        out.append("Sharkovsky: f has periodic points of every period 1, 2, 3, 4, ...")
        out.append("Li-Yorke: f is chaotic in the sense of Li and Yorke (an uncountable scrambled set)")
    elif m > 1:
        lead = "" if k == 0 else f"{2 ** k}*"
        out.append(f"Sharkovsky: f has periodic points of every period {lead}q for odd q > {m}, "
                   f"every period 2^j*q (j > {k}, q odd >= 3), and every power of 2")
        out.append("Li-Yorke: positive entropy implies an uncountable scrambled set")
    elif p > 1:
        out.append(f"Sharkovsky: f has periodic points of periods {', '.join(str(2 ** j) for j in range(k + 1))}")
    if m > 1:
        r = rho(m)
        scale = f"(1/{2 ** k}) " if k else ""
        poly = f"z^{m} - 2z{'' if m == 3 else f'^{m - 2}'} - 1"
        out.append(f"topological entropy h_top >= {scale}log(rho_{m}) ~= {float(mpmath.log(r)) / 2 ** k:.6f}, "
                   f"rho_{m} ~= {r:.6f} the largest root of {poly}")
    else:
        out.append("no positive-entropy consequence: periods that are powers of 2 allow zero entropy")
    return out
