"""Plain text of an n-dimensional RNN cycle certificate (`certify period RNN.json -p P`)."""

from __future__ import annotations

from certify.certificates import interval_parse


def _mid(iv) -> float:
    lo, hi = interval_parse(iv)
    return float((lo + hi) / 2)


def _width(z) -> float:
    return max(float(hi - lo) for lo, hi in map(interval_parse, z))


def multiplier_discs(cert: dict) -> list:
    """The kernel's Gershgorin discs for the certificate's cycle_multipliers fact (re-computed at the
    certificate's precision from its boxes and V; the certificate must pass `check`)."""
    from certify.checker import multipliers as MU
    from certify.checker.rnn import jacobian_product, krawczyk_cycle, parse_rnn
    from certify.checker.semantics import workprec

    m, prec = parse_rnn(cert["map"]["canonical"]), cert["precision"]
    boxes = [[interval_parse(v) for v in z] for z in cert["evidence"][0]["boxes"]]
    with workprec(prec):
        _, A = krawczyk_cycle(m, boxes, prec)
        return MU.discs(jacobian_product(A), MU.parse_similarity(cert["evidence"][1]["V"], m.n))


def multiplier_parts(cert: dict) -> tuple:
    """(classification, multiplier ranges) as the kernel words them."""
    from certify.checker.rnn import multipliers_parts
    return multipliers_parts(multiplier_discs(cert))


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
    if len(cert["evidence"]) > 1:
        head, ranges = multiplier_parts(cert)
        out.append(f"stable   {head} (Gershgorin discs of V^-1 M V, M the Jacobian product over the boxes)")
        out.append(f"         multipliers: {ranges}")
    else:
        out.append(f"stable   {how[fact['stability']]}")
    k = len(cert["evidence"])
    out.append(f"verdict  PROVED: {k} fact{'s' if k > 1 else ''} re-verified by the independent checker "
               f"at {cert['precision']} bits")
    return "\n".join(out)
