"""Plain text of a horseshoe certificate (`certify chaos MAP`)."""

from __future__ import annotations


def render_horseshoe(cert: dict) -> str:
    """The map, the graph of h-sets, the entropy bound and what it rests on."""
    from certify.checker.hsets import map_text, parse_map
    from certify.checker.polymap import parse_polymap, polymap_text
    from certify.checker.statement import fixed
    from certify.certificates import q_parse

    m = cert["map"]
    poly = m["canonical"].get("kind") == "polymap"
    text = polymap_text(parse_polymap(m["canonical"])) if poly else map_text(parse_map(m["canonical"]))[4:]
    out = [f"map      {m['given']}", f"         {text}   [{m['class']}]"]
    if cert["verdict"] != "proved":
        out.append(f"verdict  UNDECIDED: {cert.get('reason', '')}")
        return "\n".join(out)
    sets, covs = cert["evidence"][0]["sets"], cert["evidence"][1:]
    e = cert["entropy"]
    lower = fixed(q_parse(e["lower"]), 6, up=False)
    out.append(f"verdict  PROVED: a topological horseshoe, h_top(f) >= {lower}")
    k = cert["claim"]["iterate"]
    under, per = ("", "") if k == 1 else (f" under f^{k}", f" / {k}")
    u = cert["evidence"][0].get("unstable", 1)
    dirs = "one unstable direction" if u == 1 else f"{u} unstable directions"
    out.append(f"graph    {len(sets)} pairwise disjoint h-sets ({dirs}), "
               f"{len(covs)} covering relations N_i => N_j{under}")
    if "minpoly" in e:
        out.append(f"entropy  h_top >= log rho(A){per}, rho(A) the largest root of {e['minpoly']} (exact)")
    else:
        out.append(f"entropy  h_top >= log rho(A){per} >= log({e['rho_lower']}){per} (Collatz-Wielandt vector)")
    g = "f" if k == 1 else f"f^{k}"
    out.append(f"rests on Zgliczynski-Gidea covering relations (2004) and the semi-conjugacy of {g} on the h-sets' "
               "invariant set to the graph's subshift of finite type" + ("" if k == 1 else f"; h_top(f) = h_top({g}) / {k}")
               + ("" if poly or all("pieces" in c for c in covs) else
                  "; images by the mean-value inclusion for Lipschitz maps (activation slopes in the hull of its "
                  "derivative, [0, 1] across a kink)")
               + ("" if not any("pieces" in c for c in covs) else
                  f"; {g} exactly affine on each piece of an exact split of the h-sets (relu signs fixed; box bounds "
                  "and weak LP duality)"))
    out.append(f"checked  {len(cert['evidence'])} fact(s) re-verified by the independent checker at "
               f"{cert['precision']} bits")
    return "\n".join(out)
