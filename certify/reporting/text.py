"""Plain-text rendering of certificates and check results (the CLI prints these)."""

from __future__ import annotations

import math

from certify.certificates import interval, interval_parse, q_parse, q_str

_REGION_METHOD = {
    "piecewise_linear": "exact tail rules for piecewise-linear maps ({rounds} rounds)",
    "polynomial_escape": "|f(x)| > |x| outside it (Cauchy bound of f(x)^2 - x^2)",
    "bounded_image": "it contains f(R), the image of the whole line",
    "contracting_tails": "|f(x)| < |x| for |x| > R = {radius} (f = s x + bounded, |s| < 1), and it contains f([-R, R])",
    "expanding_tails": "|f(x)| > |x| for |x| > R = {radius} (f = s x + bounded, |s| > 1), so it contains [-R, R]",
    "half_bounded": "f is bounded {side}, and it contains f's values on the half-line f maps into",
    "invariant_domain": "the given domain, proved invariant: f(D) in D",
}


def _float(v) -> float:
    """float(v), or +-inf when v is beyond the float range (an exact map may have huge values)."""
    try:
        return float(v)
    except OverflowError:
        return math.inf if v > 0 else -math.inf


def _dec(lo, hi) -> str:
    if lo == hi:
        s = f"{_float(lo):.17g}"
        return s + ("" if lo.q == 1 else f"  (= {lo.p}/{lo.q})" if lo.q < 10 ** 6 else "  (exact)")
    return f"{_float((lo + hi) / 2):.17g}  (width {_float(hi - lo):.1e})"


def _where(claim) -> str:
    dom = claim.get("domain")
    if not dom:
        return "on R"
    lo, hi = interval_parse(dom)
    return f"in [{_float(lo):.6g}, {_float(hi):.6g}]"


def _header(cert) -> list[str]:
    m = cert["map"]
    can = m["canonical"]
    if can["kind"] == "expr":
        formula = can["expr"]
    else:
        formula = f"rnn1d width {len(can['w'])}, activation {can['activation']}" + (
            f", output {can['output_activation']}" if can.get("output_activation") else "")
    return [f"map      {m['given']}", f"         f(x) = {formula}   [{m['class']}]"]


def _proof(cert) -> list[str]:
    lines = []
    for fact in cert.get("evidence", []):
        kind = fact["fact"]
        if kind == "region":
            reg = fact["region"]
            if reg == "empty":
                lines.append("region   f has no periodic points of minimal period >= 2 (exact tail rules; "
                             "f is the identity on a tail)" if fact.get("nonfixed") else
                             "region   f has no periodic points at all (exact tail rules)")
                continue
            lo, hi = interval_parse(reg)
            how = _REGION_METHOD[fact["method"]].format(rounds=fact.get("rounds"), side=fact.get("side"), radius=(
                f"{_float(q_parse(fact['radius'])):.6g}" if "radius" in fact else None))
            lines.append(f"region   [{_float(lo):.6g}, {_float(hi):.6g}] holds every periodic point: {how}")
        elif kind == "cover_pl" and fact.get("region") is None:
            lines.append(f"cover    {len(fact['cells'])} cells tiling R on which f^{fact['p']} is affine: every "
                         "solution of f^p(x) = x on the whole line, exactly")
        elif kind == "cover_pl":
            lines.append(f"cover    {len(fact['cells'])} cells on which f^{fact['p']} is affine or the orbit "
                         "leaves the region: every solution of f^p(x) = x, exactly")
        elif kind == "cover_ball":
            tags = [c[2] for c in fact["cells"]]
            lines.append(f"cover    {len(tags)} cells: {tags.count('x') + tags.count('n')} excluded, "
                         f"{tags.count('r')} with one certified solution (Krawczyk)" + (
                             f", {tags.count('t')} with an exact multiple root alone in it (Taylor)"
                             if "t" in tags else "") + (
                             f", {tags.count('a')} with an exact algebraic multiple root alone in it (Taylor "
                             "over a number field)" if "a" in tags else ""))
        elif kind == "monotone":
            lines.append(f"monotone f is {fact['direction']} on the region ({len(fact['cells'])} cells with "
                         f"f' of one sign): only periods {'1' if fact['direction'] == 'increasing' else '1 and 2'}")
        elif kind == "roots_count":
            n = sum(int(e["period"]) for e in fact["orbits"])
            lines.append(f"complete {n} distinct solutions certified = degree of f^{fact['p']}(x) - x: "
                         "no other solution, real or complex")
        elif kind == "cycle_exact":
            lines.append("cycle    f(x_i) = x_(i+1) exactly in rational arithmetic; points distinct")
        elif kind == "cycle_krawczyk":
            lines.append("cycle    Krawczyk K(X) in int(X) for the cyclic system; boxes disjoint")
        elif kind == "cycle_algebraic":
            lines.append(f"cycle    f(x_i) = x_(i+1) exactly in Q(theta), theta a root of a degree-"
                         f"{len(fact['field']['minpoly']) - 1} polynomial; points distinct")
        elif kind == "forcing":
            lines.append(f"forcing  a proved orbit of minimal period {fact['p']} forces period "
                         f"{cert['claim']['p']} (Sharkovsky's theorem; f is continuous)")
        elif kind == "li_yorke":
            a = q_parse(fact["a"])
            lines.append(f"witness  a = {_float(a):.17g}: f^3(a) <= a < f(a) < f^2(a) (or reversed), "
                         "the Li-Yorke condition")
    return lines


def render(cert: dict, checked: str | None = None) -> str:
    """Human-readable summary of a period or orbits certificate."""
    claim = cert["claim"]
    p = claim["p"]
    out = _header(cert)
    verdict = cert["verdict"]
    if claim["kind"] == "period":
        what = f"a point of minimal period {p} exists {_where(claim)}"
        if verdict == "proved":
            out.append(f"verdict  PROVED: {what}")
        elif verdict == "refuted":
            out.append(f"verdict  REFUTED: no point of minimal period {p} exists {_where(claim)}")
        else:
            out.append(f"verdict  UNDECIDED whether {what}")
        for i, b in enumerate(cert.get("orbit", [])):
            lo, hi = interval_parse(b)
            out.append(f"{'orbit' if i == 0 else '':8} x{i} = {_dec(lo, hi)}")
    else:
        if verdict == "proved":
            count = cert["count"]
            if count == "continuum":
                out.append(f"verdict  PROVED: a continuum of points of minimal period {p} {_where(claim)}")
            else:
                out.append(f"verdict  PROVED: exactly {count} orbit(s) of minimal period {p} {_where(claim)}"
                           " (list complete)")
            for orb in cert.get("orbits", [])[:5]:
                pts = ", ".join(f"{_float(sum(interval_parse(b)) / 2):.10g}" for b in orb[:6])
                out.append(f"         {{{pts}{', ...' if len(orb) > 6 else ''}}}")
            if len(cert.get("orbits", [])) > 5:
                out.append(f"         ... {len(cert['orbits']) - 5} more (use --json for all)")
        else:
            out.append(f"verdict  UNDECIDED: the orbits of minimal period {p} {_where(claim)}")
    if verdict == "undecided":
        out.append(f"reason   {cert.get('reason', '')}")
    out += _proof(cert)
    for i, c in enumerate(cert.get("consequences", [])):
        out.append(f"{'implies' if i == 0 else '':8} - {c}")
    if checked:
        out.append(f"check    {checked}")
    return "\n".join(out)


def _family_header(cert: dict) -> list[str]:
    """The family, its parameter range and its formula (abridged when long: the certificate has it)."""
    claim = cert["claim"]
    lo, hi = interval_parse(claim["range"])
    if cert.get("unclaimed"):  # the range the user gave; the verdict line says what was decided
        lo = q_parse(cert["unclaimed"]["from"])
    expr = cert["map"]["canonical"]["expr"]
    if len(expr) > 160:
        expr = f"{expr[:120]} ... ({len(expr)} characters in all; the certificate holds the whole formula)"
    return [f"family   {cert['map']['given']}   ({claim['param']} in [{_float(lo):.6g}, {_float(hi):.6g}])",
            f"         f(x) = {expr}"]


def _has(cert: dict, fact: str) -> bool:
    return any(f.get("fact") == fact for f in cert.get("evidence", []))


def _pieces(cert: dict) -> str:
    cover = next(f for f in cert["evidence"] if f["fact"] == "param_cover")
    cells = sum(len(pc["cells"]) for pc in cover["pieces"])
    return (f"{len(cover['pieces'])} parameter intervals, each refuted for all its parameters at once "
            f"by a ball cover of {cells} cells in all")


def _onset_reason(cert: dict, name: str, p: int, lo_r) -> str:
    """Why the period is absent below the onset, by the certificate's method."""
    if _has(cert, "param_cover"):
        return _pieces(cert)
    if _has(cert, "critical_partition"):
        fact = next(f for f in cert["evidence"] if f["fact"] == "critical_partition")
        return (f"{_critical(fact)}; an exact period-{p} verdict at one parameter in each gap between them, and at "
                f"each critical parameter before {name}*")
    return (f"the real roots of Phi_{p}(., {name}) can only change at roots of disc * lc, the only one below "
            f"the cycle's parameter is {name}*, and none exist at {name} = {_float(lo_r):.6g}")


def _critical(fact: dict) -> str:
    n = len(fact["roots"])
    return f"{n} critical parameter{'s' if n != 1 else ''} (border collisions, degeneracies of the itineraries)"


def _scope(cert: dict, name: str) -> str:
    """The verdict line's scope: the whole range given, or the part decided and the part not."""
    lo, hi = interval_parse(cert["claim"]["range"])
    u = cert.get("unclaimed")
    if u is None:
        return ""
    start = _float(q_parse(u["from"]))
    return (f" on [{_float(lo):.6g}, {_float(hi):.6g}]; [{start:.6g}, {_float(lo):.6g}) undecided: {u['reason']}"
            f" (certify windows shows every gap)")


def _digits(lo, hi) -> int:
    """Decimal digits an enclosure [lo, hi] pins down (about -log10 of its width)."""
    import math
    return 17 if hi == lo else max(1, min(2000, int(-math.log10(_float(hi - lo))) if _float(hi - lo) > 0 else
                                          int(((hi - lo).q.bit_length() - (hi - lo).p.bit_length()) * 0.30103)))


def render_onset(cert: dict) -> str:
    """Human-readable summary of an onset (threshold) certificate."""
    claim = cert["claim"]
    lo_r, hi_r = interval_parse(claim["range"])
    name, p = claim["param"], claim["p"]
    out = _family_header(cert)
    v = cert["verdict"]
    if v == "proved":
        lo, hi = interval_parse(cert["onset"])
        cyc = next((f for f in cert["evidence"] if f["fact"] == "cycle_at"), None)
        out.append(f"verdict  PROVED{_scope(cert, name)}: points of minimal period {p} first appear at {name} = "
                   f"{name}* (the least {name} in the range with such points, as an infimum)")
        if _has(cert, "critical_partition"):
            out.extend(_partition_onset(cert, name, p, lo_r, lo, hi))
        elif lo == hi and lo != lo_r:
            out.append(f"onset    {name}* = {cert.get('exact') or q_str(lo)}, a rational critical parameter: period {p} "
                       f"at {name}*, none before it ({_onset_reason(cert, name, p, lo_r)})")
        elif lo == hi:
            at = q_parse(cyc["value"])
            out.append(f"onset    {name}* = {cert.get('exact') or q_str(lo)} (the start of the range)")
            if at != lo:
                out.append(f"proof    no critical parameter in ({_float(lo):.12g}, {_float(at):.12g}] and a {p}-cycle "
                           f"certified at {name} = {_float(at):.12g}: period {p} at every {name} in between")
        else:
            from flint import arb, ctx
            digits = _digits(lo, hi)
            with ctx.workprec(int(digits * 3.33) + 32):
                mid = arb((lo + hi) / 2).str(min(digits, 60), radius=False)
            out.append(f"onset    {name}* in [lo, hi] of width {_float(hi - lo):.1e}: {mid}"
                       + ("..." if digits > 60 else ""))
            if cert.get("exact"):
                out.append(f"exact    {name}* = {cert['exact']}")
            if cert.get("minpoly"):
                mp = cert["minpoly"]
                out.append(f"minpoly  {mp}" if len(mp) <= 160 else
                           f"minpoly  {mp[:100]} ... ({len(mp)} characters; the certificate holds it)")
            out.append(f"proof    no point of minimal period {p} for any {name} in [{_float(lo_r):.6g}, {name}*): "
                       + _onset_reason(cert, name, p, lo_r))
            tail = (f"so {name}* lies in (lo, hi]" if _has(cert, "param_cover")
                    else f"and persists down to {name}*")
            out.append(f"         a {p}-cycle is certified at {name} = {_float(q_parse(cyc['value'])):.12g} "
                       f"({cyc['cycle']['fact']}), {tail}")
        if cert.get("note"):
            out.append(f"note     {cert['note']}")
    elif v == "refuted":
        out.append(f"verdict  REFUTED{_scope(cert, name)}: no point of minimal period {p} for any {name} in the range "
                   f"({_refutation_reason(cert, name, p)})")
    else:
        out.append(f"verdict  UNDECIDED: {cert.get('reason', '')}")
    return "\n".join(out)


def _partition_onset(cert: dict, name: str, p: int, lo_r, lo, hi) -> list[str]:
    """The onset and proof lines of a PL onset proved by a critical partition."""
    fact = next(f for f in cert["evidence"] if f["fact"] == "critical_partition")
    out = []
    if lo == hi == lo_r and not cert.get("minpoly"):
        out.append(f"onset    {name}* = {cert.get('exact') or q_str(lo)} (the start of the range)")
        out.append(f"proof    {_critical(fact)}; period {p} proved in the first gap, which starts at the range's "
                   f"start")
        return out
    if lo == hi:
        out.append(f"onset    {name}* = {cert.get('exact') or q_str(lo)}, a rational critical parameter")
    else:
        from flint import arb, ctx
        digits = _digits(lo, hi)
        with ctx.workprec(int(digits * 3.33) + 32):
            mid = arb((lo + hi) / 2).str(min(digits, 60), radius=False)
        out.append(f"onset    {name}* in [lo, hi] of width {_float(hi - lo):.1e}: {mid}" + ("..." if digits > 60 else ""))
        if cert.get("exact"):
            out.append(f"exact    {name}* = {cert['exact']}")
    mp = cert["minpoly"]
    out.append(f"minpoly  {mp}" if len(mp) <= 160 else
               f"minpoly  {mp[:100]} ... ({len(mp)} characters; the certificate holds it)")
    out.append(f"proof    no point of minimal period {p} for any {name} in [{_float(lo_r):.6g}, {name}*): "
               + _onset_reason(cert, name, p, lo_r))
    cyc = next((smp for smp in fact["samples"] if smp and smp["verdict"] == "proved"), None)
    if cyc is None:
        out.append(f"         period {p} at {name}* itself, decided exactly (none in the gaps of the partition)")
        return out
    out.append(f"         a {p}-cycle is certified at {name} = {_float(q_parse(cyc['value'])):.12g} "
               f"({cyc['evidence'][0]['fact']}), in the first gap with period {p}")
    return out


def _refutation_reason(cert: dict, name: str, p: int) -> str:
    fact = cert["evidence"][0]
    if fact["fact"] == "param_cover":
        return _pieces(cert)
    if fact["fact"] == "critical_partition":
        return (f"{_critical(fact)} in the range; an exact period-{p} verdict at one parameter in each gap between "
                f"them, and at each critical parameter")
    return (f"Phi_{p}(., {name}) has no real root at the range's start and disc * lc has no root after it, so it "
            f"has none anywhere in the range")


def render_lyapunov(cert: dict) -> str:
    """Exponents of the certified orbits (proved) and of a typical orbit (estimate or proved)."""
    out = _header(cert)
    p = cert["claim"]["p"]
    if cert["verdict"] == "proved" and "exponents" in cert:
        out.append(f"orbits   {cert['count']} orbit(s) of minimal period {p}, list complete; exponents proved:")
        for orb, e in zip(cert["orbits"], cert["exponents"]):
            lo, hi = interval_parse(e["exponent"])
            x = _float(sum(interval_parse(orb[0])) / 2)
            kind = {True: "attracting", False: "repelling", None: "stability undecided"}[e["stable"]]
            out.append(f"         x0 = {x:<.10g}: lambda = {_float((lo + hi) / 2):.12g} (width {_float(hi - lo):.1e}), {kind}")
    else:
        out.append(f"orbits   {cert['verdict'].upper()}: {cert.get('reason', 'no exponents')}")
    t = cert.get("typical") or {}
    if t.get("status") == "proved":
        out.append(f"typical  lambda = {t['value']} (proved: {t['method']})")
    elif t.get("value") is not None:
        v = _float(t["value"])
        how = (f"drift {_float(t['drift']):.1e}; x0 = {_float(t['x0']):.10g}, {t['steps']} steps" if "x0" in t
               else f"{t['orbits']} random orbits x {t['steps']} steps")
        out.append(f"typical  lambda ~= {v:.6f} +/- {_float(t['stderr']):.1e}  (ESTIMATE; {how})")
        out.append(f"         tau_pred = ln 2 / lambda ~= {0.6931471805599453 / v:.2f} steps (estimate)"
                   if v > 0 else "         lambda <= 0: the orbit is not chaotic (no predictability horizon)")
    else:
        out.append(f"typical  no estimate: {t.get('method', '')}")
    return "\n".join(out)


MAX_BIRTHS_SHOWN = 6


def render_windows(cert: dict) -> str:
    """The parameter windows with points of minimal period p, and the orbit counts inside them."""
    claim = cert["claim"]
    name, p = claim["param"], claim["p"]
    out = _family_header(cert)
    if cert["verdict"] != "proved":
        out.append(f"verdict  UNDECIDED: {cert.get('reason', '')}")
        return "\n".join(out)
    ws = cert["windows"]
    if cert["evidence"][0]["fact"] == "tent_window":
        return "\n".join(out + _tent_lines(cert, p, name))
    out.append(f"verdict  PROVED: points of minimal period {p} exist exactly for {name} in "
               + (" and ".join(f"[{_end(w['from'])}, {_end(w['to'])}]" for w in ws) if ws else "no part of the range")
               + " (up to the finitely many critical parameters themselves)")
    for w in ws:
        if w["orbits"] is not None:
            out.append(f"         from {_end(w['from'])} to {_end(w['to'])}: number of {p}-orbits by sub-interval "
                       f"{w['orbits']}")
    fact = cert["evidence"][0]
    if fact["fact"] == "logistic_births":
        births = [(b["kind"] + (f" (exact: minimal polynomial of degree {len(b['minpoly']) - 1})" if "minpoly" in b
                                else ""), interval_parse(b["r"])) for b in fact["births"]]
        width = max((hi - lo for _, (lo, hi) in births), default=0)
        kinds = [k.split(" (")[0] for k, _ in births]
        out.append(f"births   {len(births)} in ({_float(interval_parse(cert['claim']['range'])[0]):.6g}, 4]: "
                   f"{kinds.count('saddle-node')} saddle-node(s), {kinds.count('period-doubling')} period "
                   f"doubling(s), each enclosed to width {_float(width):.1e}")
        for k, (kind, (lo, hi)) in enumerate(births[:MAX_BIRTHS_SHOWN]):
            out.append(f"         r = {_float((lo + hi) / 2):.15g}  {kind}")
        if len(births) > MAX_BIRTHS_SHOWN:
            out.append(f"         ... {len(births) - MAX_BIRTHS_SHOWN} more (use --json for all)")
        out.append(f"proof    as many births (2D Krawczyk) as superstable parameters of period {p} "
                   f"({fact['tags'].count('c')}, a cover of {len(fact['tags'])} cells); orbit counts from "
                   f"f_4 down (monotonicity: Milnor-Thurston, Douady-Hubbard)")
        return "\n".join(out)
    roots = [interval_parse(r) for r in fact["roots"]]
    width = max((hi - lo for lo, hi in roots), default=0)
    iso = f"isolated to width {_float(width):.1e}" if width else "all rational, exact"
    if fact["fact"] == "critical_partition":
        out.append(f"proof    {len(roots)} critical parameters (border collisions, degeneracies of the "
                   f"period-{p} itineraries) {iso}; an exact period-{p} verdict at one parameter in each gap "
                   f"between them")
    else:
        out.append(f"proof    {len(roots)} real roots of disc * lc {iso}; exact count of period-{p} points at one "
                   f"parameter in each gap between them")
    return "\n".join(out)


def _tent_lines(cert: dict, p: int, name: str) -> list:
    """The tent family's window of period p (checker/tent.py): its start exactly, with the theorems."""
    from certify.checker.markov import poly_text
    from certify.checker.polynomials import count_real_roots
    from certify.checker.tent import split, stefan_poly
    from flint import fmpq_poly

    A, B = interval_parse(cert["claim"]["range"])
    ws, fact = cert["windows"], cert["evidence"][0]
    j, m = split(p)
    if "root" not in fact:
        where = f"({q_str(A)}, {q_str(B)}]" if A == 1 else f"[{q_str(A)}, {q_str(B)}]"
        return [f"verdict  PROVED: points of minimal period {p} exist exactly for {name} in {where}",
                f"proof    h_top(T_{name}) = log {name} > 0 for {name} > 1, so a period that is not a power of 2 "
                f"(Misiurewicz) and every power of 2 (Sharkovskii); T_1 has only fixed points"]
    a, b = interval_parse(fact["root"])
    g = next(g for g, _ in stefan_poly(p).factor()[1] if count_real_roots(fmpq_poly(g.coeffs()), a, b))
    sig = f"{_float((a + b) / 2):.15g}"
    span = (f"[{name}_{p}, {q_str(B)}]" if ws and ws[0]["from"] != interval(A, A) else
            f"[{q_str(A)}, {q_str(B)}]" if ws else "no part of the range")
    root = "" if j == 0 else f"^(1/{2 ** j})"
    return [f"verdict  PROVED: points of minimal period {p} exist exactly for {name} in {span}; {name}_{p} = {sig} "
            f"= lambda_{m}{root}, the largest root of {poly_text(g).replace('x', name)} (its minimal polynomial)",
            f"proof    none below {name}_{p}: h_top(T_{name}) = log {name} (constant slope) and a period {p} forces "
            f"h_top >= {'' if j == 0 else f'2^-{j} '}log lambda_{m} (Block-Guckenheimer-Misiurewicz-Young; lambda_{m}: "
            f"largest root of x^{m} - 2x{'' if m == 3 else f'^{m - 2}'} - 1); at {name}_{p} the orbit of 1/2 has minimal period {p} "
            f"(exact, in Q({name}_{p})); above it by monotonicity of the tent family's periods (Milnor-Thurston)"]


def _end(iv) -> str:
    lo, hi = interval_parse(iv)
    return f"{_float(lo):.12g}" if lo == hi else f"{_float((lo + hi) / 2):.12g}"


def render_audit(summary: dict) -> str:
    """Per-cell certified chaos probabilities with exact 95% intervals (and the protocol's, if run)."""
    p = summary["period"]
    prot = summary.get("protocol")
    head = f"{'width':>6} {'gain':>6} {'n':>7} {'proved':>7} {'refuted':>8} {'undec':>6} {'p (certified)':>14} {'95% CI':>17}"
    if prot:
        head += f" {prot + ' p':>14} {'disagree':>8}"
    out = [f"certified points of minimal period {p}" + (" (Li-Yorke chaos)" if p == 3 else "") + " per cell", head]
    for r in summary["rows"]:
        line = (f"{r['width']:>6} {r['gain']:>6g} {r['n']:>7} {r['proved']:>7} {r['refuted']:>8} {r['undecided']:>6} "
                f"{r['p']:>14.4f} [{r['ci95'][0]:.4f}, {r['ci95'][1]:.4f}]")
        if prot:
            line += f" {r['protocol_p']:>14.4f} {r['disagreements']:>8}"
        out.append(line)
    for g, t in summary["width_homogeneity"].items():
        out.append(f"gain {g}: same probability at every width? chi2 = {t['chi2']:.3g}, dof {t['dof']}, "
                   f"p-value {t['p_value']:.3g}")
    out += threshold_lines(summary.get("gain_thresholds"))
    if summary.get("preset"):
        pr = summary["preset"]
        out.append(f"preset   {pr['name']}: {pr['table_row']}; reported {pr['reported_percent']:g} % chaos; "
                   f"{pr['source']}")
    if summary["rows"]:
        out.append(f"law      {summary['rows'][0]['law']}")
    if "self_check" in summary:
        out.append("checked  " + {True: "every verdict re-checked by the kernel (self-check on)",
                                   False: "verdicts not re-checked by the kernel (--no-self-check); "
                                          "re-check any network with certify check",
                                   "mixed": "some verdicts re-checked by the kernel, some not (resumed with the "
                                            "other self-check setting)"}[summary["self_check"]])
    reasons = summary.get("disagreement_reasons") or {}
    for why, n in sorted(reasons.items(), key=lambda kv: -kv[1])[:5]:
        out.append(f"disagree {n} x {why}")
    out.append("files    audit.json (laws, seed), results.jsonl (one line per network), summary.json")
    return "\n".join(out)


def _g(v) -> str:
    return "-" if v is None else f"{v:.4g}"


def threshold_lines(thresholds) -> list[str]:
    """The fitted gain thresholds (estimates) as a table, one line per width and level."""
    if not thresholds:
        return []
    out = ["fitted gain where P(certified) crosses each level (ESTIMATE: logistic fit in log gain, maximum "
           "likelihood, 95% profile-likelihood interval; '-' = none / beyond the grid)",
           f"{'width':>6} {'level':>6} {'gain':>8} {'95% CI':>19}  note"]
    for t in thresholds:
        ci = t.get("ci95")
        ci_s = "-" if ci is None else f"[{_g(ci[0])}, {_g(ci[1])}]"
        out.append(f"{t['width']:>6} {t['level']:>6g} {_g(t.get('gain')):>8} {ci_s:>19}  {t.get('note', '')}")
    return out


def render_entropy(cert: dict) -> str:
    """Certified entropy bounds with the counts they rest on."""
    out = _header(cert)
    if cert["verdict"] != "proved":
        out.append(f"verdict  UNDECIDED: {cert.get('reason', '')}")
        return "\n".join(out)
    b = cert["bounds"]
    if b["lo_exact"] == b["hi_exact"] and b["lo_method"] == b["hi_method"]:  # an exact fact (slope, markov)
        from certify.checker.statement import iv

        out.append(f"verdict  PROVED: h_top = {b['lo_exact']} {iv({'lo': b['lo'], 'hi': b['hi']})}")
        out.append(f"exact    {b['lo_method']}")
        return "\n".join(out)
    lo, hi = q_parse(b["lo"]), q_parse(b["hi"])
    if hi - lo < q_parse("1/100000"):  # a kneading enclosure: 10 decimals, rounded outward
        from certify.checker.statement import fixed
        out.append(f"verdict  PROVED: {fixed(lo, 10, up=False)} <= h_top <= {fixed(hi, 10, up=True)}")
    else:
        out.append(f"verdict  PROVED: {_float(lo):.6f} <= h_top <= {_float(hi):.6f}")
    out.append(f"lower    {b['lo_exact']}: {b['lo_method']}")
    out.append(f"upper    {b['hi_exact']}: {b['hi_method']}")
    if cert.get("note"):
        out.append(f"note     {cert['note']}")
    return "\n".join(out)


def render_gradients(cert: dict) -> str:
    """Certified gradient factors at the horizon, the fitted growth rate and the regime."""
    out = _header(cert)
    c = cert["claim"]
    out.append(f"orbit    x0 = {c['x0']}, horizon T = {c['horizon']}")
    lam = cert["lambda"]
    if cert["verdict"] != "proved":
        out.append(f"verdict  UNDECIDED: {cert.get('reason', '')}")
        return "\n".join(out)
    fact = cert["evidence"][0]
    lo, hi = interval_parse(fact["log_abs"][-1])
    out.append(f"gradient log|dx_T/dx_0| certified at {len(fact['T'])} checkpoints ({cert['precision']} bits); "
               f"at T = {fact['T'][-1]}: {_float((lo + hi) / 2):.6g} (width {_float(hi - lo):.1e})")
    lam_txt = (f"{_float(lam['value']):.6g} +/- {_float(lam['stderr']):.1e}" if lam.get("value") is not None
               else "n/a")
    out.append(f"growth   {_float(cert['growth_rate']):.6g} +/- {_float(cert['stderr']):.1e} per step (fit, ESTIMATE) "
               f"vs lambda {lam_txt} (typical-orbit ESTIMATE)")
    out.append(f"regime   {cert['regime']} (ESTIMATE: read off the fitted rate)")
    pf = next((f for f in cert["evidence"] if f["fact"] == "param_gradient_values"), None)
    if pf is not None:
        name, key = c["param"], "log_abs_dL" if pf["log_abs_dL"] is not None else "log_abs_dx"
        series = f"dL_T/d{name}" if key == "log_abs_dL" else f"dx_T/d{name}"
        lo, hi = interval_parse(pf[key][-1])
        out.append(f"param    {name} = {c['value']}: log|{series}| certified at {len(pf['T'])} "
                   f"checkpoints; at T = {pf['T'][-1]}: {_float((lo + hi) / 2):.6g} (width {_float(hi - lo):.1e})")
        if key == "log_abs_dL":
            out.append(f"loss     L_T = (1/T) sum_(t=1..T) (x_t - y_t)^2, y_t the orbit of y0 = {pf['y0']} at the "
                       f"same {name}")
        pg = cert.get("param_gradient")
        if pg:
            out.append(f"growth   {_float(pg['growth_rate']):.6g} +/- {_float(pg['stderr']):.1e} per step (fit, "
                       f"ESTIMATE) vs lambda {lam_txt}")
            out.append(f"regime   {pg['regime']} (ESTIMATE: read off the fitted rate)")
    return "\n".join(out)


def render_flow(res: dict) -> str:
    """A flow's Lyapunov spectrum estimate, with tau_pred and a reported-value audit when present."""
    lam, sc, lv = res["lambda_max"], res.get("step_check"), res["liouville"]
    pars = ", ".join(f"{k}={v:.10g}" for k, v in res["params"].items())
    out = [f"flow       {res['flow']}({pars}): {res['equations']}",
           f"lambda_max {lam['value']:.6g} +/- {lam['stderr']:.2g} per time unit (ESTIMATE)",
           "spectrum   " + ", ".join(f"{s['value']:.6g} +/- {s['stderr']:.1g}" for s in res["spectrum"]),
           f"method     {lam['method']}",
           f"liouville  sum {lv['sum']:.6g} vs mean divergence {lv['mean_divergence']:.6g} "
           f"({'exact: div f is constant' if lv['exact'] else 'consistency check'}); "
           f"difference {lv['difference']:.1e}"]
    if sc is not None:
        verdict = "within" if sc["ok"] else "BEYOND (take a smaller --dt or a longer --horizon)"
        out.append(f"step check dt/2 = {sc['dt_half']:g}: lambda_max {sc['lambda_max']:.6g} +/- {sc['stderr']:.2g}; "
                   f"difference {sc['difference']:.1e}, {verdict} 3 combined stderr")
    tau = res.get("tau_pred")
    if tau is not None:
        if tau["time"] is None:
            out.append(f"tau_pred   none: {tau['note']}")
        else:
            steps = (f" = {tau['steps']:.4g} +/- {tau['stderr']:.2g} steps of dt_sample = {tau['dt_sample']:g}"
                     if tau["steps"] is not None else " (give --dt-sample for steps)")
            out.append(f"tau_pred   ln 2 / lambda_max = {tau['time']:.4g} +/- {tau['time_stderr']:.2g} time units"
                       f"{steps} (ESTIMATE)")
            if tau.get("note"):
                out.append(f"           {tau['note']}")
    rep = res.get("reported")
    if rep is not None:
        line = (f"reported   {rep['steps']:g} steps at dt_sample = {rep['dt_sample']:g} implies lambda_max = "
                f"{rep['lambda_time']:.4g} per time unit ({rep['lambda_per_step']:.4g} per step)")
        if rep.get("implied_dt_sample") is not None:
            z = f"{abs(rep['z']):.1f} stderr from" if rep.get("z") is not None else "vs"
            line += (f": {rep['ratio_to_computed']:.3g}x the computed value ({z} it); the computed lambda gives "
                     f"{rep['steps']:g} steps at dt_sample = {rep['implied_dt_sample']:.4g} +/- "
                     f"{rep['implied_dt_sample_stderr']:.1g}")
        out.append(line)
    return "\n".join(out)


def render_robustness(cert: dict) -> str:
    """Certified radius [lo, hi] of period 3 under weight perturbations, and the experiment if run."""
    out = _header(cert)
    if cert["verdict"] == "undecided":
        out.append(f"verdict  UNDECIDED: {cert.get('reason', '')}")
    else:
        r = cert["radius"]
        lo = q_parse(r["lo"])
        hi = None if r["hi"] is None else q_parse(r["hi"])
        out.append(f"radius   [{_float(lo):.6g}, {'unknown' if hi is None else f'{_float(hi):.6g}'}]  "
                   f"(max-norm over every w, b, a, c)")
        for fact in cert["evidence"]:
            if fact["fact"] == "li_yorke_box":
                out.append(f"lower    PROVED: every network within {_float(q_parse(fact['delta'])):.6g} satisfies "
                           f"Li-Yorke at a = {fact['a']} (~{_float(q_parse(fact['a'])):.6g}), verified in ball "
                           f"arithmetic over the whole box ({fact['pieces']} pieces): points of every period")
            else:
                d = _float(q_parse(fact["delta"]))
                who = "the network itself has" if d == 0 else f"a network at distance {d:.6g} has"
                out.append(f"upper    PROVED: {who} no point of period 3 (embedded refutation, re-checked)")
        if r["hi"] is None:
            out.append("upper    unknown: no refuted neighbour was found along the directions tried")
    exp = cert.get("experiment")
    if exp:
        out.append(f"experiment ({exp['samples']} samples per delta, seed {exp['seed']}; fixed points searched "
                   f"in J = [{_float(q_parse(exp['J']['lo'])):.4g}, {_float(q_parse(exp['J']['hi'])):.4g}])")
        out.append("  delta        recurrent f: period 3 proved/refuted/undecided   "
                   "composition f3.f2.f1: Li-Yorke-ordered fixed point found")
        for row in exp["rows"]:
            rc, cp = row["recurrent_period3"], row["composition_witness"]
            out.append(f"  {_float(q_parse(row['delta'])):<12.6g} {rc['proved']:>4}/{rc['refuted']}/{rc['undecided']:<40}"
                       f"{cp['found']:>4} of {exp['samples']}")
        out.append(f"  ({exp['status']})")
    return "\n".join(out)


def render_oscillations(cert: dict) -> str:
    """Exact lap counts of f^t, the fitted growth (estimate), rho_p and the entropy bounds."""
    out = _header(cert)
    if cert["verdict"] != "proved":
        out.append(f"verdict  UNDECIDED: {cert.get('reason', '')}")
        return "\n".join(out)
    lo, hi = interval_parse(cert["claim"]["interval"])
    out.append(f"interval I = [{_float(lo):.6g}, {_float(hi):.6g}] (f(I) in I, exact)")
    laps = [(f["n"], f["count"]) for f in cert["evidence"] if f["fact"] == "laps"]
    out.append("laps     PROVED (exact): " + ", ".join(f"t={t}: {c}" for t, c in laps))
    g = cert["growth"]
    if g["rate"] is not None:
        out.append(f"growth   log laps(f^t) ~ {g['rate']} t, stderr {g['stderr']} (ESTIMATE: least-squares fit)")
    op = cert["odd_period"]
    refuted = ", ".join(map(str, op["refuted_before"])) or "none"
    if op["p"] is not None:
        out.append(f"rho_p    PROVED period {op['p']} in I, the least odd period >= 3 (refuted before it: {refuted}) "
                   f"=> h_top >= log rho_{op['p']} >= {op['log_rho']} and laps(f^t) >= rho_{op['p']}^t")
    else:
        out.append(f"rho_p    no odd period >= 3 proved (refuted: {refuted})")
    if cert.get("note"):
        out.append(f"search   {cert['note']}")
    for f in cert["evidence"]:
        if f["fact"] == "entropy":
            b = f["certificate"]["bounds"]
            if b["lo_exact"] == b["hi_exact"]:  # an exact fact (constant slope, Markov partition)
                from certify.checker.statement import iv

                out.append(f"entropy  PROVED: h_top = {b['lo_exact']} {iv({'lo': b['lo'], 'hi': b['hi']})}")
                continue
            out.append(f"entropy  PROVED: {_float(q_parse(b['lo'])):.6f} <= h_top <= {_float(q_parse(b['hi'])):.6f}"
                       f"  ({b['lo_exact']} .. {b['hi_exact']})")
    return "\n".join(out)


def render_scrambling(cert: dict) -> str:
    """First times at which the two orbits are eps-close and delta-apart (finite horizon)."""
    out = _header(cert)
    c = cert["claim"]
    out.append(f"pair     x = {c['x']}, y = {c['y']}; eps = {c['eps']}, delta = {c['delta']}, horizon {c['horizon']}")
    if cert["verdict"] == "undecided":
        out.append(f"verdict  UNDECIDED: {cert.get('reason', '')}")
        return "\n".join(out)
    s, f = cert["statement"], cert["evidence"][0]
    out.append(f"times    |f^t x - f^t y| < eps at {len(f['close'])} times, > delta at {len(f['apart'])} times "
               f"(complete lists, {s['arithmetic']})")
    if cert["verdict"] == "proved":
        out.append(f"verdict  PROVED: close at t = {s['first_close']} (first), apart at t = {s['first_apart_after']} "
                   f"(first after it)")
        again = s["close_again_after"]
        out.append("again    " + (f"close again at t = {again}" if again is not None
                                  else f"not close again by t = {c['horizon']}"))
    else:
        out.append("verdict  REFUTED: no time with distance < eps is followed by one with distance > delta")
    out.append(f"scope    {s['scope']}")
    return "\n".join(out)


def _vec(v, digits: int = 6) -> str:
    return "(" + ", ".join(f"{_float(q_parse(x) if isinstance(x, str) else x):.{digits}g}" for x in v) + ")"


def _first_point(model, fact: dict) -> list:
    """A cycle fact's first point: stated (strings), or (points null: long cycles) the exact solution of its
    itinerary's cycle system (model: the exact PLRNN)."""
    if fact["points"] is not None:
        return fact["points"][0]
    from certify.checker.plrnn import cycle_of
    return cycle_of(model, [tuple(int(c) for c in s) for s in fact["itinerary"]])[1]


def render_plrnn(cert: dict, shown: int = 8, found_label: bool = False) -> str:
    """Certified cycles of an n-dimensional PLRNN by period, and the spectrum estimate."""
    m = cert["map"]
    out = [f"map      {m['given']}",
           f"         z -> A z + W relu(z) + h, dimension {m['dimension']}   [{m['class']}]"]
    facts = [f for f in cert.get("evidence", []) if f["fact"] == "cycle_plrnn"]
    if any(f["points"] is None for f in facts):  # long cycles: their first points are solved once the map is read
        from certify.checker.plrnn import parse_plrnn
        model = parse_plrnn(m["canonical"])
    else:
        model = None
    if cert["verdict"] == "undecided" and not facts:
        out.append(f"cycles   UNDECIDED: {cert.get('reason', '')}")
    for row in cert.get("periods", []) if cert["verdict"] == "proved" else []:
        p = row["p"]
        if not row["complete"] and "below the requested range" in row.get("reason", ""):
            if p == 1:
                skipped = sum(1 for r in cert["periods"] if "below the requested range" in r.get("reason", ""))
                out.append("period 1  not searched (below the requested range)" if skipped == 1 else
                           f"periods 1..{skipped} not searched (below the requested range)")
            continue
        mine = [f for f in facts if f["p"] == p]
        tree = next((f for f in cert["evidence"] if f["fact"] == "search_plrnn" and f["p"] == p), None)
        how = (f"list complete: all {2 ** (m['dimension'] * p)} itineraries solved exactly" if row["complete"]
               else f"list NOT complete: {row['reason']}")
        if tree is not None:
            how = (f"list complete: pruned itinerary search, {len(tree['shape'])} nodes, {len(tree['farkas'])} "
                   f"proved empty (Farkas)")
        elif found_label and not row["complete"] and row["count"]:
            how = f"found, not proved complete: {row['reason']}"
        out.append(f"period {p:<2} {row['count']} cycle(s); {how}")
        for f in mine[:shown]:
            kind = {True: "attracting", False: "unstable", None: "stability undecided"}[f["stable"]]
            if f["stable"] is False and f.get("exponents") and all(
                    e != "-inf" and interval_parse(e)[0] > 0 for e in f["exponents"]):
                kind = "repelling"  # every exponent positive (the kernel's word too)
            if f.get("exponents") is None:
                lams = f"no exponents ({f.get('reason', 'not enclosed')})"
            else:
                lams = "lambda = " + ", ".join(
                    "-inf" if e == "-inf" else f"{_float(sum(interval_parse(e)) / 2):.6g}" for e in f["exponents"])
            its = f["itinerary"]
            itin = ",".join(its) if len(its) <= 8 else ",".join(its[:4]) + f",... ({len(its)} orthants)"
            out.append(f"         z0 = {_vec(_first_point(model, f))} orthants {itin}: {kind}; {lams}")
        if len(mine) > shown:
            out.append(f"         ... and {len(mine) - shown} more (--json lists all)")
    box = next((f for f in cert.get("evidence", []) if f["fact"] == "plrnn_cycle_box"), None)
    if box is not None and cert["verdict"] == "proved":
        last = box["boxes"][-1]
        out.append("box      every cycle lies in " + " x ".join(   # 3 decimals, rounded outward
            f"[{int((q_parse(a) * 1000).floor()) / 1000:.3f}, {-int((-q_parse(b) * 1000).floor()) / 1000:.3f}]"
            for a, b in zip(last["lo"], last["hi"])) + " (cycle-box lemma; the search's LPs use it)")
    s = cert.get("spectrum")
    if s is not None:
        if s.get("values") is None:
            out.append(f"spectrum no estimate: {s['method']}")
        else:
            vals = ", ".join(v if se is None else f"{_float(v):.4g} +/- {_float(se):.1e}"
                             for v, se in zip(s["values"], s["stderr"]))
            out.append(f"spectrum {vals}  (ESTIMATE; QR method, {s['steps']} steps after {s['transient']}, "
                       f"z0 = ({', '.join(s['z0'])}))")
            lmax = _float(s["values"][0])
            if _float(s.get("final_norm", 0)) > 1e6:
                out.append(f"         the orbit grows without visible bound (max |z_i| = {s['final_norm']} at the end): "
                           f"these are escape rates, not exponents of an attractor")
            elif lmax > 0:
                out.append(f"         tau_pred = ln 2 / lambda_max ~= {0.6931471805599453 / lmax:.2f} steps (estimate)")
    if cert["verdict"] == "proved":
        n = len(cert["evidence"])
        out.append(f"verdict  PROVED: {len(facts)} cycle(s); {n} fact(s) re-verified by the independent checker "
                   f"at {cert['precision']} bits")
    elif facts or cert.get("evidence") == []:
        out.append(f"verdict  UNDECIDED: {cert.get('reason', '')}")
    return "\n".join(out)


def render_chaos_onset(cert: dict) -> str:
    """Bounds on the chaos onset (the proved ones from the facts), an estimate if any (labelled)."""
    name = cert["claim"]["param"]
    out = _family_header(cert)
    lower = cert.get("lower")
    if cert["verdict"] == "proved" and any(f.get("fact") == "cascade_center" for f in cert["evidence"]):
        return "\n".join(out + _feigenbaum_lines(cert, name))
    slope = next((f for f in cert["evidence"] if f.get("fact") == "slope_entropy"), None)
    if cert["verdict"] == "proved" and slope is not None:
        L, B = q_parse(slope["from"]), interval_parse(cert["claim"]["range"])[1]
        lo, hi = (q_str(v) for v in interval_parse(slope["interval"]))
        out.append(f"verdict  PROVED: the chaos onset {name}_c = {q_str(L)} exactly: h_top(f_{name}) = log|f'| > 0 "
                   f"for every {name} in ({q_str(L)}, {q_str(B)}] (constant |slope| on the invariant interval "
                   f"[{lo}, {hi}]: Misiurewicz-Szlenk)")
        if lower is not None and any(f.get("fact") == "slopes_at_most_one" for f in cert["evidence"]):
            A = q_str(interval_parse(cert["claim"]["range"])[0])
            out.append(f"lower    PROVED: h_top = 0 for every {name} in [{A}, {q_str(L)}]: |f'| <= 1 on every piece "
                       "(h <= max(0, log Lip))")
        return "\n".join(out)
    if cert["verdict"] == "proved":
        U = _float(q_parse(cert["upper"]))
        out.append(f"verdict  PROVED: h_top > 0 at {name} = {U:.12g} (a cycle of period {cert['period']}, not a power "
                   f"of 2, is certified there; Misiurewicz): the chaos onset {name}_c = inf{{{name} : "
                   f"h_top > 0}} is <= {U:.12g}")
    elif cert["verdict"] == "refuted" and any(f.get("fact") == "cascade_center" for f in cert["evidence"]):
        k = cert["evidence"][0]["k"]
        a = interval_parse(cert["evidence"][0]["r"])[0]
        out.append(f"verdict  REFUTED: h_top = 0 for every {name} in the range: the cascade's superstable parameter of "
                   f"period 2^{k} lies past it (~{_float(a):.12g}; kneading W_{k}C, periods 1, 2, ..., 2^{k} only; "
                   "h_top non-decreasing in r: Milnor-Thurston)")
    elif cert["verdict"] == "refuted":
        out.append(f"verdict  REFUTED: h_top = 0 for every {name} in the range (|f'| <= 1 on every piece)")
    else:
        out.append(f"verdict  UNDECIDED: {cert.get('reason', '')}")
    if lower is not None and cert["verdict"] == "proved":
        out.append(f"lower    PROVED: {name}_c >= {_float(q_parse(lower)):.12g}: |f'| <= 1 on every piece for every "
                   f"{name} up to it, so h_top = 0 there (h <= max(0, log Lip))")
    elif cert["verdict"] == "proved":
        out.append("lower    not certified: zero entropy below the onset (every period a power of 2) is certified "
                   "only where |f'| <= 1 (piecewise-linear families)")
    est = cert.get("estimate")
    if est:
        out.append(f"estimate {name}_c ~= {est['value']} (ESTIMATE: {est['method']})")
    return "\n".join(out)


def _feigenbaum_lines(cert: dict, name: str) -> list:
    """The logistic chaos onset from both sides (checker/feigenbaum.py), with its correct digits."""
    lo, hi = q_parse(cert["lower"]), q_parse(cert["upper"])
    k = next(f["k"] for f in cert["evidence"] if f["fact"] == "cascade_center")
    d = max((d for d in range(31) if (lo * 10 ** d).floor() == (hi * 10 ** d).floor()), default=0)

    def dec(q, places, up=False):  # q rounded down (up) to `places` decimals, exactly
        n = int((q * 10 ** places).floor()) if not up else -int((-q * 10 ** places).floor())
        return f"{n // 10 ** places}.{n % 10 ** places:0{places}d}"

    a, b = dec(lo, d + 3), dec(hi, d + 3, up=True)
    shared = dec(lo, d)
    out = [f"verdict  PROVED: the chaos onset {name}_c (the Feigenbaum point, the end of the period-doubling cascade) "
           f"lies in [{a}, {b}]: {name}_c = {shared}... ({sum(c.isdigit() for c in shared)} correct digits)"]
    out.append(f"upper    h_top > 0 at some {name} <= {b}: 1/2 is periodic there of minimal period "
               f"{cert['period']}, not a power of 2 (Misiurewicz; Block-Guckenheimer-Misiurewicz-Young)")
    start = q_str(interval_parse(cert["claim"]["range"])[0])
    out.append(f"lower    h_top = 0 for every {name} in [{start}, {a}]: the cascade's superstable parameter of "
               f"period 2^{k} lies above it (kneading sequence W_{k}C, periods 1, 2, ..., 2^{k} only: "
               f"Milnor-Thurston, Collet-Eckmann), and h_top(f_{name}) is non-decreasing in {name} "
               "(Milnor-Thurston, Douady-Hubbard, Sullivan)")
    est = cert.get("estimate")
    if est:
        out.append(f"estimate {name}_c ~= {est['value']} (ESTIMATE: {est['method']})")
    return out


def render_check(path: str, v, brief: bool = False) -> str:
    """The outcome of `certify check` for one file: the proved statement in words (what the
    kernel derived), the map and claim it is about, and the fields it did not verify."""
    r = v.result
    if brief:
        first = r.statement.splitlines()[0] if r.ok and r.statement else r.message
        return f"{'OK    ' if r.ok else 'FAILED'} {path}: {first}"
    if not r.ok:
        return f"FAILED: {r.message}\nfile     {path}\nclaim    {v.claim_line}\nmap      {v.map_line}"
    given = {"matches": "denotes the canonical map", "not checked": "not re-read here"}.get(v.given, v.given)
    out = [f"OK: {r.message}", f"file     {path}", f"map      {v.map_line}"]
    if "map.given" in r.informational:
        out.append(f"given    {v.given_spec}  ({given})")
    out += [f"claim    {v.claim_line}", f"verdict  {r.verdict.upper()}"]
    lines = r.statement.splitlines()
    out += [f"{'proves' if i == 0 else '':8} {line}" for i, line in enumerate(lines)] if r.verdict != "undecided" \
        else [f"reason   {r.message.split('; ', 1)[-1]}"]
    notes = [f for f in r.informational if f != "map.given"]
    if notes:
        out.append(f"not verified (informational): {', '.join(notes)}")
    return "\n".join(out)


def _checked_line(cert: dict) -> str | None:
    if cert["verdict"] == "undecided":
        return None
    return f"{len(cert['evidence'])} fact(s) re-verified by the independent checker at {cert['precision']} bits"


def render_result(command: str, cert: dict) -> str:
    """The text `certify COMMAND` prints for its certificate (the API's Result.text)."""
    if command == "chaos":
        from certify.reporting.chaos import render_horseshoe
        return render_horseshoe(cert)
    if cert["claim"]["kind"] == "rnn_cycle":
        from certify.reporting.rnn import render_rnn_cycle
        return render_rnn_cycle(cert)
    if cert["claim"]["kind"] == "rnn_cycles":
        from certify.reporting.rnn import render_rnn_cycles
        return render_rnn_cycles(cert)
    if cert["claim"]["kind"] == "rnn_gradients":
        from certify.reporting.rnn import render_rnn_gradients
        return render_rnn_gradients(cert)
    if cert["claim"]["kind"] == "rnn_contraction":
        from certify.reporting.rnn import render_rnn_contraction
        return render_rnn_contraction(cert)
    if command in ("period", "orbits") and cert["claim"]["kind"] == "plrnn_cycles":
        return render_plrnn(cert, found_label=True)
    if cert["claim"]["kind"] == "polymap_orbits":
        from certify.reporting.nd_orbits import render_polymap_orbits
        return render_polymap_orbits(cert)
    if cert["claim"]["kind"] == "polymap_cycles":
        from certify.reporting.nd_orbits import render_polymap_cycles
        return render_polymap_cycles(cert)
    if command in ("period", "orbits"):
        return render(cert, _checked_line(cert))
    if command == "lyapunov":
        return render_plrnn(cert) if cert["claim"]["kind"] == "plrnn_cycles" else render_lyapunov(cert)
    if command == "phase":
        from certify.reporting.phase import render_phase
        return render_phase(cert)
    renderers = {"threshold": render_onset, "windows": render_windows, "chaos_onset": render_chaos_onset,
                 "entropy": render_entropy, "gradients": render_gradients, "robustness": render_robustness,
                 "oscillations": render_oscillations, "scrambling": render_scrambling}
    return renderers[command](cert)


def render_estimate(command: str, data: dict) -> str:
    """The text of an estimate: `forcing-interval` of a map (forcing_interval) or of a flow."""
    if command == "forcing_flow":
        return render_flow(data)
    lam, tau = data["lambda"], data["tau_pred"]
    lv = lam.get("value")
    if lam["status"] == "proved":
        lam_txt = f"{lam['exact']} (PROVED: {lam['method']})"
    elif lv is None:
        lam_txt = "n/a (ESTIMATE failed)"
    else:
        lam_txt = f"{lv:.6g} +/- {lam['stderr']:.1e} (ESTIMATE)"
    out = [f"map      {data['map']}   [{data['kind']}]", f"lambda   {lam_txt}"]
    if tau.get("value") is None:
        out.append(f"tau_pred none: {tau['method']}")
    else:
        err = f" +/- {tau['stderr']:.2g}" if tau.get("stderr") is not None else ""
        out.append(f"tau_pred {tau['value']:.4g}{err} steps ({tau['status'].upper()}): the sparse teacher-forcing "
                   f"interval of Mikhaeil et al.")
    return "\n".join(out)
