"""Plain text of an n-dimensional RNN cycle certificate (`certify period RNN.json -p P`)."""

from __future__ import annotations

from certify.certificates import interval_parse


def _mid(iv) -> float:
    lo, hi = interval_parse(iv)
    return float((lo + hi) / 2)


def _width(z) -> float:
    return max(float(hi - lo) for lo, hi in map(interval_parse, z))


def render_rnn_cycle(cert: dict, shown: int = 4, coords: int = 4) -> str:
    """The map, the certified cycle's boxes (midpoints, widths), its stability and the verdict."""
    m, p = cert["map"], cert["claim"]["p"]
    can = m["canonical"]
    n = len(can["b"])
    out = [f"map      {m['given']}",
           f"         h -> {can['activation']}(W h + b), dimension {n}   [{m['class']}]"]
    if cert["verdict"] != "proved":
        out.append(f"verdict  UNDECIDED: {cert.get('reason', '')}")
        return "\n".join(out)
    fact = cert["evidence"][0]
    noun = "fixed point" if p == 1 else f"cycle of minimal period {p}"
    out.append(f"cycle    a {noun}, unique in {p} box(es) of width <= {max(map(_width, fact['boxes'])):.1e} "
               f"(Krawczyk, cyclic system)")
    for t, z in enumerate(fact["boxes"][:shown]):
        vals = ", ".join(f"{_mid(v):.6g}" for v in z[:coords]) + (", ..." if n > coords else "")
        out.append(f"         z_{t} ~ ({vals})")
    if p > shown:
        out.append(f"         ... {p - shown} more (--json lists all)")
    how = {"attracting": "attracting (||M^k|| < 1 for the Jacobian product M over the boxes)",
           "repelling": "repelling (||M^-k|| < 1 for the Jacobian product M over the boxes)",
           "undetermined": "undetermined (no norm bound on the Jacobian product's powers or inverse's powers < 1)"}
    out.append(f"stable   {how[fact['stability']]}")
    out.append(f"verdict  PROVED: 1 fact re-verified by the independent checker at {cert['precision']} bits")
    return "\n".join(out)
