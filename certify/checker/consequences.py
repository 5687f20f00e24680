"""What a proved period implies for a continuous map of an interval (the real line included).

Part of the trusted kernel: the consequences a certificate displays are derived here from its
claim and verdict, and a certificate whose `consequences` differ is rejected.

Sharkovsky (1964): a point of minimal period p forces every period after p in the order
3 > 5 > 7 > ... > 2*3 > 2*5 > ... > 4*3 > ... > 2^k > ... > 4 > 2 > 1.
Li-Yorke (1975): period 3 gives an uncountable scrambled set. Block-Guckenheimer-Misiurewicz-Young
(1980): a period 2^k m with m odd >= 3 gives h_top >= log(rho_m) / 2^k, rho_m the largest root of
z^m - 2 z^(m-2) - 1 (rho_3 is the golden ratio); positive entropy implies Li-Yorke chaos.
Hypotheses: f continuous on an interval J with f(J) in J (the kernel checks continuity and, for a
claim on a domain, invariance, before any of these is stated).
"""

from __future__ import annotations

from flint import arb, fmpq

from certify.checker.semantics import workprec

__all__ = ["split_power_of_two", "sharkovsky_key", "forces", "rho", "consequences", "NO_PERIODIC_POINTS",
           "NO_NONFIXED_POINTS"]

NO_PERIODIC_POINTS = "f has no periodic points at all (every orbit is monotone and escapes to infinity)"
NO_NONFIXED_POINTS = ("f has no periodic points of minimal period >= 2 (the tails where f is the identity "
                      "hold only fixed points)")


def split_power_of_two(p: int):
    """(k, m) with p = 2^k m, m odd."""
    k = 0
    while p % 2 == 0:
        p //= 2
        k += 1
    return k, p


def sharkovsky_key(p: int):
    """A sort key of Sharkovsky's order: key(q) < key(p) iff q comes before p (q forces p)."""
    k, m = split_power_of_two(p)
    return (0, k, m) if m > 1 else (1, -k, 0)


def forces(q: int, p: int) -> bool:
    """A point of minimal period q forces one of minimal period p (q = p included)."""
    return sharkovsky_key(q) <= sharkovsky_key(p)


def rho(m: int) -> arb:
    """Enclosure of rho_m, the largest real root of z^m - 2 z^(m-2) - 1 (m odd >= 3).

    By Descartes' rule of signs (+, -, -) it is the only positive root; the polynomial is -2 at
    z = 1 and 2^(m-1) - 1 > 0 at z = 2, so exact-sign bisection of [1, 2] encloses it."""
    lo, hi = fmpq(1), fmpq(2)
    with workprec(64 + 2 * m.bit_length()):
        for _ in range(60):
            mid = (lo + hi) / 2
            z = arb(mid)
            v = z ** m - 2 * z ** (m - 2) - 1
            if v < 0:
                lo = mid
            elif v > 0:
                hi = mid
            else:
                break
    return arb(lo).union(arb(hi))


def consequences(p: int) -> list[str]:
    """Theorems that turn a proved point of minimal period p of a continuous interval map into
    further facts about f (display decimals are rounded enclosures, marked ~=)."""
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
        h = r.log() / 2 ** k
        out.append(f"topological entropy h_top >= {scale}log(rho_{m}) ~= {float(h.mid()):.6f}, "
                   f"rho_{m} ~= {float(r.mid()):.6f} the largest root of {poly}")
    else:
        out.append("no positive-entropy consequence: periods that are powers of 2 allow zero entropy")
    return out
