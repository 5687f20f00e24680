"""Plain text of an orbit list of a map of the plane (`certify orbits "henon(a=1.4, b=0.3)" --period P`)."""

from __future__ import annotations


def _point(box: list, t: int, n: int) -> str:
    from certify.certificates import q_parse
    from certify.checker.statement import fixed

    parts = []
    for iv in box[t * n:(t + 1) * n]:
        lo, hi = q_parse(iv["lo"]), q_parse(iv["hi"])
        parts.append(f"[{fixed(lo, 6, False)}, {fixed(hi, 6, True)}]")
    return f"({', '.join(parts)})"


def render_polymap_orbits(cert: dict) -> str:
    """The map, the verdict with the count, the region and cover, and each orbit (its first point and
    stability)."""
    from certify.checker.polymap import parse_polymap, polymap_text

    m, claim = cert["map"], cert["claim"]
    kernel = parse_polymap(m["canonical"])
    p = claim["p"]
    out = [f"map      {m['given']}", f"         {polymap_text(kernel)}   [{m['class']}]"]
    if cert["verdict"] != "proved":
        out.append(f"verdict  UNDECIDED: {cert.get('reason', '')}")
        return "\n".join(out)
    k = cert["count"]
    noun = ("fixed point" if k == 1 else "fixed points") if p == 1 else \
        f"orbit{'' if k == 1 else 's'} of minimal period {p}"
    out.append(f"verdict  PROVED: exactly {k} {noun} (complete)")
    (x, y) = claim["region"]
    cov = cert["evidence"][0]
    out.append(f"region   [{x['lo']}, {x['hi']}] x [{y['lo']}, {y['hi']}] holds every periodic point "
               f"(Devaney-Nitecki bound, checked exactly)")
    out.append(f"cover    {cov['grid'][0]} x {cov['grid'][1]} grid: {cov['cells']} cells kept, {cov['edges']} edges, "
               f"{cov['walks']} primitive closed walks of length {p}, {cov['tests']} Krawczyk tests")
    for i, o in enumerate(cert["orbits"]):
        out.append(f"orbit {i + 1:<3}z_0 in {_point(o['box'], 0, kernel.n)}  {o['stability']}")
    out.append(f"checked  {len(cert['evidence'])} fact(s) re-verified by the independent checker at "
               f"{cert['precision']} bits (it rebuilds the cover and redoes every walk)")
    return "\n".join(out)


_BASIS = {"region_lemma": "holds every periodic point (region lemma for (P(x) + s y, b x), checked exactly)",
          "trapping": "is forward-invariant, f(B) in B (checked in balls on {trap}^{n} cells): every cycle meeting B "
                      "lies in B",
          "domain": "the domain: the cycles contained in B are listed (cycles leaving B are not looked at)"}


def render_polymap_cycles(cert: dict) -> str:
    """The map, the verdict with the count, the region and why it holds the cycles, the subdivision's size,
    and each orbit (its first point and stability)."""
    from certify.checker.polymap import parse_polymap, polymap_text

    m, claim = cert["map"], cert["claim"]
    kernel = parse_polymap(m["canonical"])
    p, n = claim["p"], kernel.n
    out = [f"map      {m['given']}", f"         {polymap_text(kernel)}   [{m['class']}]"]
    if cert["verdict"] == "undecided":
        out.append(f"verdict  UNDECIDED: {cert.get('reason', '')}")
        return "\n".join(out)
    k = cert["count"]
    partial = claim["basis"] == "domain" and p > 1  # a cycle with points in and out of B is not counted
    scope = "" if claim["basis"] == "region_lemma" else \
        (" meeting B" if claim["basis"] == "trapping" else (" contained in B" if partial else " in B"))
    noun = ("fixed point" if k == 1 else "fixed points") if p == 1 else \
        f"orbit{'' if k == 1 else 's'} of minimal period {p}"
    if claim.get("question") == "period":
        out.append(f"verdict  PROVED: f has a point of minimal period {p} ({k} {noun}{scope})" if k else
                   f"verdict  REFUTED: no {'orbit' if partial else 'point'} of minimal period {p}{scope} (complete)")
    else:
        out.append(f"verdict  PROVED: exactly {k} {noun}{scope} (complete)")
    box = " x ".join(f"[{v['lo']}, {v['hi']}]" for v in claim["region"])
    out.append(f"region   B = {box} {_BASIS[claim['basis']].format(trap=claim['trap'], n=n)}")
    ev = cert["evidence"][0]
    out.append(f"search   subdivision of the cyclic system in B^{p}: {ev['nodes']} nodes, {ev['tests']} Krawczyk tests")
    for i, o in enumerate(cert["orbits"]):
        out.append(f"orbit {i + 1:<3}z_0 in {_point(o['box'], 0, n)}  {o['stability']}")
    out.append(f"checked  {len(cert['evidence'])} fact(s) re-verified by the independent checker at "
               f"{cert['precision']} bits (it redoes the whole subdivision)")
    return "\n".join(out)
