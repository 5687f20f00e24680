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
        out += _spectrum_lines(cert)
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
    out += _spectrum_lines(cert)
    k = len(cert["evidence"])
    out.append(f"verdict  PROVED: {k} fact{'s' if k > 1 else ''} re-verified by the independent checker "
               f"at {cert['precision']} bits")
    return "\n".join(out)


def _disc_line(d) -> str:
    """`|z - c| <= r` with c shown to 12 digits (a part below the disc's radius as 0) and r rounded up
    to cover both the disc's radius and the shown centre's distance from the exact one (so the shown
    disc contains the kernel's)."""
    from decimal import Decimal
    from fractions import Fraction

    from flint import acb, fmpq

    from certify.checker.statement import _decimal

    rad = d.radius.upper().fmpq()

    def short(q):  # a part smaller than the radius is shown as 0 (the radius below absorbs it)
        return _decimal(q, False, 12) if abs(q) > rad else "0"

    def exact(text):
        q = Fraction(Decimal(text))
        return fmpq(q.numerator, q.denominator)
    re, im = (short(x.mid().fmpq()) for x in (d.centre.real, d.centre.imag))
    shown = acb(exact(re), exact(im))
    r = (abs(d.centre - shown) + d.radius).upper().fmpq()
    c = re if im == "0" else f"{re} {'-' if im.startswith('-') else '+'} {im.lstrip('-')}i"
    return f"|z - ({c})| <= {_decimal(r, True, 2)}"


def render_multipliers(cert: dict) -> str:
    """The multiplier enclosures of a certificate's cycle_multipliers fact: one line per group of
    Gershgorin discs (a group apart from the others holds as many multipliers as discs)."""
    from certify.checker import multipliers as MU
    from certify.checker.rnn import _range_text

    if cert["verdict"] != "proved" or len(cert["evidence"]) < 2:
        return "discs    none: the multipliers were not separated from the unit circle (no cycle_multipliers fact)"
    ds = multiplier_discs(cert)
    out = [f"discs    the {len(ds)} multipliers (with multiplicity) lie in the Gershgorin discs of V^-1 M V; "
           "a group of discs apart from the others holds as many as it has discs"]
    for g in MU.groups(ds):
        kind = "unstable" if ds[g[0]].outside() else "stable"
        where = _disc_line(ds[g[0]]) if len(g) == 1 else f"a union of {len(g)} discs"
        out.append(f"         {len(g)} in {where}   {_range_text([ds[i] for i in g])}   {kind}")
    return "\n".join(out)


def _spectrum_lines(cert: dict) -> list:
    """certify lyapunov RNN: the cycle's proved exponents (from the kernel's discs) and the spectrum
    estimate, when the certificate carries one (nothing otherwise)."""
    s = cert.get("spectrum")
    if s is None:
        return []
    from certify.dynamics.rnn import cycle_exponents

    out = []
    if cert["verdict"] == "proved":
        p = cert["claim"]["p"]
        ex = cycle_exponents(cert)
        if ex is None:
            out.append("exponents not enclosed: the multipliers were not separated from the unit circle")
        else:
            from certify.checker.statement import _decimal

            def end(x, up):  # an arb endpoint, rounded outward to 4 digits
                return _decimal(x.fmpq(), up, 4) if x.is_finite() else "-inf"
            parts = [f"{k} in [{end(lo, False)}, {end(hi, True)}]" for k, lo, hi in ex]
            out.append(f"exponents (1/{p}) log|lambda| of the cycle (PROVED, from the multiplier discs): " + ", ".join(parts))
    if s.get("values") is None:
        out.append(f"spectrum no estimate: {s['method']}")
        return out
    vals = ", ".join(v if se is None else f"{float(v):.4g} +/- {float(se):.1e}" for v, se in zip(s["values"], s["stderr"]))
    out.append(f"spectrum {vals}")
    out.append(f"         (ESTIMATE; QR method, {s['starts']} orbits x {s['steps']} steps after {s['transient']}; "
               f"max drift between halves {max(float(d) for d in s['drift']) if s.get('drift') else float('nan'):.1e})")
    lmax = float(s["values"][0])
    if lmax > 0:
        out.append(f"         tau_pred = ln 2 / lambda_max ~= {0.6931471805599453 / lmax:.2f} steps (estimate)")
    return out


def render_rnn_gradients(cert: dict) -> str:
    """certify gradients RNN: the certified log ||dz_T/dz_0||_inf at the horizon, growth vs lambda_max."""
    m, c = cert["map"], cert["claim"]
    can = m["canonical"]
    z0 = ", ".join(c["z0"][:4]) + (", ..." if len(c["z0"]) > 4 else "")
    out = [f"map      {m['given']}",
           (f"         z -> A z + W relu(z) + h, dimension {len(can['h'])}   [{m['class']}]" if can.get("kind") == "plrnn"
            else f"         h -> {can['activation']}(W h + b), dimension {len(can['b'])}   [{m['class']}]"),
           f"orbit    z0 = ({z0}), horizon T = {c['horizon']}"]
    if cert["verdict"] != "proved":
        out.append(f"verdict  UNDECIDED: {cert.get('reason', '')}")
        return "\n".join(out)
    fact = cert["evidence"][0]
    lo, hi = interval_parse(fact["log_norm"][-1])
    out.append(f"gradient log ||dz_T/dz_0||_inf certified at {len(fact['T'])} checkpoints ({cert['precision']} bits); "
               f"at T = {fact['T'][-1]}: {float((lo + hi) / 2):.6g} (width {float(hi - lo):.1e})")
    lam, g = cert["lambda_max"], cert["growth_rate"]
    lam_txt = f"{float(lam['value']):.4g} +/- {float(lam['stderr']):.1e}" if lam.get("value") is not None else "n/a"
    out.append(f"growth   {float(g['value']):.4g} +/- {float(g['stderr']):.1e} per step (fit, ESTIMATE) vs lambda_max "
               f"{lam_txt} (QR along the same orbit, ESTIMATE)")
    out.append(f"regime   {cert['regime']} (ESTIMATE: read off the fitted rate)")
    k = len(cert["evidence"])
    if k == 2:
        from certify.checker import check

        bound = check(cert).statement.split("\n")[-1]
        out.append(f"all T    PROVED {bound}")
    out.append(f"verdict  PROVED: {k} fact{'s' if k > 1 else ''} re-verified by the independent checker at "
               f"{cert['precision']} bits")
    return "\n".join(out)


def render_rnn_contraction(cert: dict) -> str:
    """certify contraction RNN: the kernel's statement (a proved contraction) or the reason it is undecided."""
    m = cert["map"]
    can = m["canonical"]
    out = [f"map      {m['given']}",
           f"         h -> {can['activation']}(W h + b), dimension {len(can['b'])}   [{m['class']}]"]
    if cert["verdict"] != "proved":
        out.append(f"verdict  UNDECIDED: {cert.get('reason', '')}")
        return "\n".join(out)
    from certify.checker import check

    fact = cert["evidence"][0]
    res = check(cert)
    out.append(f"proves   {res.statement}")
    out.append(f"how      trapped box after {fact['steps']} ball image(s) of the activation's range, "
               f"{_NORM_NAMES.get(fact['norm'], fact['norm'])}")
    out.append(f"verdict  PROVED: 1 fact re-verified by the independent checker at {cert['precision']} bits")
    return "\n".join(out)


_NORM_NAMES = {"max": "weighted max-norm", "euclid": "weighted Euclidean norm",
               "quadratic": "quadratic norm sqrt(v^T P v) (P a full symmetric matrix)"}

_IMAGE = "holds every periodic point: f^{k}(R^n) lies in it (the activation's range and {r} ball images)"


def render_rnn_cycles(cert: dict, coords: int = 4) -> str:
    """The map, the verdict with the count (complete, or found and not proved complete), the region and why it
    holds the cycles, the search's size, and each orbit (its first point's box midpoint and stability)."""
    m, claim = cert["map"], cert["claim"]
    can, p = m["canonical"], claim["p"]
    n = len(can["b"])
    out = [f"map      {m['given']}",
           f"         h -> {can['activation']}(W h + b), dimension {n}   [{m['class']}]"]
    if cert["verdict"] == "undecided":
        out.append(f"verdict  UNDECIDED: {cert.get('reason', '')}")
        return "\n".join(out)
    k = cert["count"]
    noun = ("fixed point" if k == 1 else "fixed points") if p == 1 else \
        f"orbit{'' if k == 1 else 's'} of minimal period {p}"
    if cert["verdict"] == "refuted":
        out.append(f"verdict  REFUTED: no point of minimal period {p} (the complete list is empty)")
    if cert["complete"]:
        out.append(f"{'list     ' if cert['verdict'] == 'refuted' else 'verdict  PROVED: '}exactly {k} {noun} (complete)")
        if claim["basis"] == "contraction":
            ev = cert["evidence"][0]
            out.append(f"search   none needed: f is a certified contraction ({ev['norm']}-norm, {ev['steps']} image steps), "
                       f"so its only periodic point is its fixed point (Banach)")
        elif claim["basis"] == "enumeration":
            sub = "z = W h + b" if can["activation"] == "relu" else "z = (W h + b + 1, W h + b - 1)"
            out.append(f"search   every sign itinerary of the PLRNN z -> W' relu(z) + h' ({sub}; the same cycles), "
                       f"{cert['evidence'][0]['itineraries']} solved exactly")
        else:
            shown = " x ".join(f"[{float(interval_parse(v)[0]):.6g}, {float(interval_parse(v)[1]):.6g}]"
                               for v in claim["region"][:coords]) + (" x ..." if n > coords else "")
            out.append(f"region   B ~ {shown} {_IMAGE.format(k=claim['rounds'] + 1, r=claim['rounds'])}")
            ev = cert["evidence"][0]
            out.append(f"search   subdivision of the cyclic system in B^{p}: {ev['nodes']} nodes, {ev['tests']} "
                       f"Krawczyk tests")
    else:
        out.append(f"verdict  PROVED: at least {k} {noun} (found, not proved complete: {cert.get('reason', '')})")
        out.append("search   Newton from seeded starts; each cycle unique in its boxes (Krawczyk), pairwise distinct")
    for i, o in enumerate(cert["orbits"]):
        vals = ", ".join(f"{_mid(v):.6g}" for v in o["box"][:min(n, coords)]) + (", ..." if n > coords else "")
        out.append(f"orbit {i + 1:<3}z_0 ~ ({vals})  {o['stability']}")
    out.append(f"checked  {len(cert['evidence'])} fact(s) re-verified by the independent checker at "
               f"{cert['precision']} bits" + (" (it redoes the whole subdivision)" if claim["basis"] == "image" else
                                              " (it solves every itinerary again)" if claim["basis"] == "enumeration"
                                              else ""))
    return "\n".join(out)
