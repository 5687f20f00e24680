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
