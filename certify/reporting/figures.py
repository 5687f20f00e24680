"""Figures of certificates with matplotlib: cobwebs, lap counts, gradients, phase diagrams and
orbit diagrams with certified windows. Display only: every number is converted to a float to be
drawn, and the labels say which curves are certified, which are estimates, and which are floats.

Each function returns a `matplotlib.figure.Figure` (no pyplot, no global state); `save(fig, path)`
writes PNG, PDF or SVG by the file's extension. matplotlib is imported inside the functions, so
importing this module does not import it.
"""

from __future__ import annotations

import io
import math
import os

import numpy as np

from certify.certificates import interval_parse, q_parse, write_atomic
from certify.errors import CertifyError

FORMATS = {".png": "png", ".pdf": "pdf", ".svg": "svg"}
MAX_ORBITS = 8  # orbits drawn in a cobweb (the title says when there are more)
_COLOURS = ["#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f"]
_METHOD = {"piecewise_linear": "exact tail rules", "polynomial_escape": "|f(x)| > |x| outside",
           "bounded_image": "the image f(R)", "contracting_tails": "f([-R, R]), contracting tails",
           "expanding_tails": "[-R, R], expanding tails", "half_bounded": "f bounded on one side",
           "invariant_domain": "invariant domain"}
_PHASE = {"P": ("#e4572e", "period 3 proved"), "N": ("#a6cee3", "no period 3 proved"),
          "U": ("#ffd92f", "undecided"), "C": ("#3b1f5c", "robust chaos proved")}


def check_extension(path: str) -> str:
    """The matplotlib format of a figure file from its extension, or CertifyError naming the accepted ones."""
    ext = os.path.splitext(str(path))[1].lower()
    if ext not in FORMATS:
        raise CertifyError(f"a figure file must end in .png, .pdf or .svg (the format follows the extension), "
                           f"got {os.path.basename(str(path))!r}")
    return FORMATS[ext]


def save(fig, path: str) -> None:
    """Write the figure to path (PNG, PDF or SVG by its extension) atomically, without timestamps."""
    import matplotlib

    fmt = check_extension(path)
    meta = {"png": {"Software": "certify"}, "pdf": {"CreationDate": None, "Creator": "certify"},
            "svg": {"Date": None, "Creator": "certify"}}[fmt]
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "certify"}):
        fig.savefig(buf, format=fmt, dpi=150, metadata=meta)
    write_atomic(path, buf.getvalue())


def plot(cert: dict, program=None):
    """The figure of a certificate by its claim kind (period, orbits, oscillations, gradients, phase)."""
    kind = cert["claim"]["kind"]
    if kind in ("period", "orbits"):
        return cobweb(program, cert)
    if kind == "oscillations":
        return laps(cert)
    if kind == "gradients":
        return gradient(cert)
    if kind == "phase":
        return phase(cert)
    raise CertifyError(f"no figure for {kind} certificates (figures: period, orbits, oscillations, gradients, "
                       f"phase; bifurcation diagrams from windows and onsets)")


def figure_of(result, **kwargs):
    """The figure of an API Result (certify.results.Result, `res.plot()`): by its claim kind, a
    windows or onset result drawn over the float orbit diagram of its family (`kwargs` go to
    `bifurcation`: points, transient, keep); the map of a cobweb is the certificate's own."""
    cert = result.certificate
    if cert["claim"]["kind"] in ("windows", "onset"):
        if result.map is None:
            raise CertifyError("this result carries no family to draw the orbit diagram of")
        return bifurcation(result.map, interval_parse(cert["claim"]["range"]), [cert], **kwargs)
    if kwargs:
        raise CertifyError(f"plot() takes no options for {cert['claim']['kind']} results, got "
                           f"{', '.join(sorted(kwargs))}")
    return plot(cert)


def map_graph(m, domain=(-1, 2), points: int = 2001):
    """The graph of a Map over `domain` (two numbers) with the diagonal, at equal aspect (floats,
    for looking; `Map.plot()`)."""
    from certify.arith import float_map

    lo, hi = (float(v) for v in domain)
    if not lo < hi:
        raise CertifyError(f"domain must be (lo, hi) with lo < hi, got {domain!r}")
    fig = _figure(6.2, 7.0, "compressed")
    ax = fig.add_subplot()
    _graph(ax, float_map(m.program), lo, hi, points)
    ax.set_title(_title(f"{_name(m.given)}: graph of f"), fontsize=10)
    fig.legend(loc="outside lower center", fontsize=8, frameon=False, ncol=2)
    return fig


def _graph(ax, f, lo: float, hi: float, points: int = 2001) -> None:
    """The diagonal and the float graph of f on [lo, hi] in a square window at equal aspect."""
    xs = np.linspace(lo, hi, points)
    with np.errstate(all="ignore"):
        ys = np.asarray(f(xs), dtype=float)
    ys = np.where(np.isfinite(ys), ys, np.nan)
    ax.plot([lo, hi], [lo, hi], color="#888888", ls="--", lw=1.0, label="y = x")
    ax.plot(xs, ys, color="#1f4e9c", lw=1.6, label="f (floats)")
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_aspect("equal")
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    ax.grid(True, lw=0.3, alpha=0.5)


def _figure(w: float, h: float, layout: str = "constrained"):
    from matplotlib.figure import Figure

    return Figure(figsize=(w, h), layout=layout)


def _name(text: str, limit: int = 90) -> str:
    """A user's spec for a title: one line, at most `limit` characters, no mathtext."""
    from certify.checker.statement import one_line

    return one_line(text, limit).replace("$", r"\$")


def _title(text: str, width: int = 80) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def _num(text: str) -> str:
    """An exact rational of a certificate for a label: itself when short, else ~ and 12 digits."""
    from certify.checker.statement import num

    return num(q_parse(text))


def _f(q) -> float:
    """An exact rational as a float, for drawing only (+-inf beyond the float range)."""
    try:
        return float(q)
    except OverflowError:
        return math.inf if q > 0 else -math.inf


def _show(q, up: bool, places: int = 6) -> str:
    """A bound for a label, rounded outward (down for a lower bound, up for an upper one)."""
    from certify.checker.statement import fixed

    text = fixed(q, places, up)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _interval_text(lo, hi) -> str:
    return f"[{_show(lo, False, 4)}, {_show(hi, True, 4)}]"


# ---------------------------------------------------------------------------------------- cobweb

def _orbits(cert: dict) -> list:
    """(label, [(lo, hi) exact]) for each certified orbit drawn: the orbit of a proved period, the
    forcing cycle of a period proved by Sharkovsky's theorem, or the orbits of a complete list."""
    p = cert["claim"]["p"]
    if cert["verdict"] != "proved":
        return []
    if cert.get("orbit"):
        return [(f"period-{p} orbit", [interval_parse(b) for b in cert["orbit"]])]
    if cert["claim"]["kind"] == "orbits":
        return [(f"orbit {k + 1}", [interval_parse(b) for b in orb])
                for k, orb in enumerate((cert.get("orbits") or [])[:MAX_ORBITS])]
    for fact in cert["evidence"]:
        if fact["fact"] == "forcing":
            cyc = fact["cycle"]
            pts = ([(q_parse(v), q_parse(v)) for v in cyc["points"]] if "points" in cyc
                   else [interval_parse(b) for b in cyc["boxes"]])
            return [(f"period-{fact['p']} orbit (forces period {p}, Sharkovsky)", pts)]
    return []


def _refuted_region(cert: dict):
    """Where the refutation's cover (or monotonicity, or count) proved no point of minimal period p:
    (lo, hi) exact, None for the whole line (or the whole domain), "empty" when f has no periodic
    point there at all."""
    region = next((f for f in cert["evidence"] if f["fact"] == "region"), None)
    if region is None:
        return None
    if region["region"] == "empty":
        return "empty"
    return interval_parse(region["region"])


def _float_range(f, lo: float = -2.0, hi: float = 2.0):
    """The range of bounded float orbits from a few starts (display window only), or None."""
    x = np.linspace(lo, hi, 17) + 0.0123
    seen = []
    with np.errstate(all="ignore"):
        for t in range(400):
            x = f(x)
            x = np.where(np.isfinite(x) & (np.abs(x) < 1e6), x, np.nan)
            if t >= 200:
                seen.append(x)
    v = np.concatenate(seen)
    v = v[np.isfinite(v)]
    return (float(v.min()), float(v.max())) if v.size else None


def _window(cert: dict, f, pts, region):
    """The square window [lo, hi]^2 of a cobweb."""
    dom = cert["claim"].get("domain")
    if dom:
        lo, hi = (_f(v) for v in interval_parse(dom))
        return lo, hi
    vals = list(pts)
    if isinstance(region, tuple):
        vals += [_f(region[0]), _f(region[1])]
    if not vals:
        rng = _float_range(f) if cert["verdict"] == "undecided" else None
        vals = [-2.0, 2.0] + (list(rng) if rng else [])
    lo, hi = min(vals), max(vals)
    pad = 0.15 * (hi - lo) if hi > lo else 0.5 + 0.1 * abs(lo)
    return lo - pad, hi + pad


def cobweb(program, cert: dict):
    """The graph of f over the certificate's domain, the diagonal, and the cobweb of each certified
    orbit drawn through the centres of its enclosures (the enclosures marked); a refutation shades
    the region on which no point of minimal period p was proved; equal aspect."""
    from matplotlib.patches import Rectangle

    from certify.arith import float_map
    from certify.checker.semantics import Program

    if program is None:
        program = Program.from_canonical(cert["map"]["canonical"])
    claim, verdict = cert["claim"], cert["verdict"]
    p, given = claim["p"], _name(cert["map"]["given"])
    f = float_map(program)
    orbits = _orbits(cert)
    region = _refuted_region(cert) if verdict == "refuted" else None
    reg_fact = next((f for f in cert["evidence"] if f["fact"] == "region"), None)
    lo, hi = _window(cert, f, [_f(v) for _, orb in orbits for b in orb for v in b], region)
    entries = 2 + len(orbits) + (2 if verdict == "refuted" else 0) + (1 if orbits else 0)
    ncol = 1 if entries <= 5 else 2
    # a fixed-aspect axes: "compressed" fits the box around it; the legend's rows set the height
    fig = _figure(6.2, 6.8 + 0.16 * math.ceil(entries / ncol), "compressed")
    ax = fig.add_subplot()
    where = "on R" if not claim.get("domain") else "on D = " + _interval_text(*interval_parse(claim["domain"]))
    if verdict == "refuted":
        if region == "empty":
            text, (a, b) = "proved: no periodic point of minimal period >= 2" if any(
                f.get("nonfixed") for f in cert["evidence"] if f["fact"] == "region") else \
                "proved: no periodic point at all", (lo, hi)
        elif region is None:
            text, (a, b) = f"proved: no point of minimal period {p} {where}", (lo, hi)
        else:
            text = f"proved: no point of minimal period {p} in {_interval_text(*region)}"
            if not claim.get("domain"):
                text += f"\n(every periodic point lies there: {_METHOD.get(reg_fact['method'], reg_fact['method'])})"
            a, b = _f(region[0]), _f(region[1])
            if b - a < 1e-3 * (hi - lo):  # a degenerate region stays visible
                a, b = a - 5e-3 * (hi - lo), b + 5e-3 * (hi - lo)
        ax.axvspan(a, b, color="#9ecae1", alpha=0.35, lw=0, label=text, gid="refuted-region")
    _graph(ax, f, lo, hi)
    for k, (name, orb) in enumerate(orbits):
        c = _COLOURS[k % len(_COLOURS)]
        m = [_f((a + b) / 2) for a, b in orb]
        n = len(m)
        path_x, path_y = [m[0]], [m[0]]
        for i in range(n):
            nxt = m[(i + 1) % n]
            path_x += [m[i], nxt]
            path_y += [nxt, nxt]
        ax.plot(path_x, path_y, color=c, lw=1.1, alpha=0.9)
        width = max(_f(b - a) for a, b in orb)
        ax.plot(m, [m[(i + 1) % n] for i in range(n)], "o", color=c, ms=5, gid=f"orbit-{k}",
                label=f"{name}: enclosures of width <= {width:.1e}" if width > 0 else f"{name}: exact points")
        for i, (a, b) in enumerate(orb):  # the enclosure boxes X_i x X_i+1 (visible when wide)
            a2, b2 = orb[(i + 1) % n]
            ax.add_patch(Rectangle((_f(a), _f(a2)), _f(b - a), _f(b2 - a2), fill=False, ec=c, lw=0.8))
    extra = ""
    if claim["kind"] == "orbits" and verdict == "proved":
        count = cert.get("count")
        extra = (f": a continuum of period-{p} points" if count == "continuum" else
                 f": {count} orbit(s)" + (f", first {MAX_ORBITS} drawn" if count > MAX_ORBITS else ""))
    what = "period" if claim["kind"] == "period" else "orbits of period"
    ax.set_title(_title(f"{given}: {what} {p} {verdict.upper()} {where}{extra}"), fontsize=10)
    note = None
    if orbits:
        exact = all(a == b for _, orb in orbits for a, b in orb)
        note = ("marked: the points (x_i, f(x_i)) of the certified orbits (exact rationals)" if exact else
                "marked: (x_i, f(x_i)) at the centres of the certified enclosures X_i x X_i+1 (boxes drawn)")
    fig.legend(loc="outside lower center", fontsize=8, frameon=False, ncol=ncol, title=note, title_fontsize=8)
    return fig


# ------------------------------------------------------------------------------------------- laps

def _anchored_fit(ts, ys, slope: float):
    """The line of a least-squares slope fitted over the second half of the points, drawn there,
    through their mean point (where a least-squares line passes): (ts, ys) of that half."""
    ts, ys = np.asarray(ts, dtype=float), np.asarray(ys, dtype=float)
    half = ts >= ts[len(ts) // 2]
    tb, yb = ts[half].mean(), ys[half].mean()
    return ts[half], yb + slope * (ts[half] - tb)


def laps(cert: dict):
    """log laps(f^t) against t (exact counts), the lines t log rho_p and t h (entropy bounds) the
    certificate proves, and the fitted growth (an estimate)."""
    from matplotlib.ticker import MaxNLocator

    given = _name(cert["map"]["given"])
    fig = _figure(7.0, 4.8)
    ax = fig.add_subplot()
    ax.set_xlabel("t")
    ax.set_ylabel("log laps($f^t$)  (natural log)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(True, lw=0.3, alpha=0.5)
    if cert["verdict"] != "proved":
        ax.set_title(f"{given}: lap counts UNDECIDED", fontsize=10)
        ax.text(0.5, 0.5, "undecided: no lap counts", ha="center", va="center", transform=ax.transAxes)
        return fig
    facts = [f for f in cert["evidence"] if f["fact"] == "laps"]
    ts = np.array([f["n"] for f in facts], dtype=float)
    ys = np.array([math.log(f["count"]) for f in facts])
    ax.plot(ts, ys, "o-", color="#1f4e9c", lw=1.6, ms=4, label="log laps($f^t$): exact counts (proved)")
    t0 = np.array([0.0, ts[-1]])
    op = cert["odd_period"]
    if op.get("log_rho") is not None:
        lr = float(op["log_rho"])
        rho = f"\\rho_{{{op['p']}}}"
        ax.plot(t0, lr * t0, "--", color="#d62728",
                label=f"$t\\,\\log {rho}$, $\\log {rho} \\geq$ {op['log_rho']} (proved: laps $\\geq {rho}^t$)")
    ent = next((f["certificate"] for f in cert["evidence"] if f["fact"] == "entropy"), None)
    if ent is not None:
        lo, hi = q_parse(ent["bounds"]["lo"]), q_parse(ent["bounds"]["hi"])
        ax.plot(t0, _f(lo) * t0, ":", color="#2ca02c", lw=1.6,
                label=f"$t\\,h_{{lo}}$, $h_{{top}} \\geq$ {_show(lo, False)} (proved)")
        ax.plot(t0, _f(hi) * t0, "-.", color="#2ca02c", lw=1.2,
                label=f"$t\\,h_{{hi}}$, $h_{{top}} \\leq$ {_show(hi, True)} (proved)")
    g = cert.get("growth") or {}
    if g.get("rate") is not None and len(ts) >= 4:
        rate = float(g["rate"])
        ax.plot(*_anchored_fit(ts, ys, rate), color="#7f7f7f", lw=5, alpha=0.4, zorder=1,
                label=f"fitted slope {rate:.4g} over the second half (estimate)")
    a, b = interval_parse(cert["claim"]["interval"])
    ax.set_title(_title(f"{given}: lap counts of $f^t$ on I = {_interval_text(a, b)}"), fontsize=10)
    ax.set_xlim(0, ts[-1] + 0.5)
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", fontsize=8)
    return fig


# ------------------------------------------------------------------------------------- gradients

def _series(ax, ts, ivs, colour: str, label: str):
    """Certified enclosures against T: a band [lo, hi] and the line of the centres."""
    lo = np.array([_f(interval_parse(v)[0]) for v in ivs])
    hi = np.array([_f(interval_parse(v)[1]) for v in ivs])
    width = float(np.max(hi - lo)) if len(lo) else 0.0
    ax.fill_between(ts, lo, hi, color=colour, alpha=0.3, lw=0)
    ax.plot(ts, (lo + hi) / 2, "-", color=colour, lw=1.4,
            label=f"{label}: certified enclosures (width <= {width:.1e})")
    return (lo + hi) / 2


def gradient(cert: dict):
    """log|dx_T/dx_0| enclosures against T, lambda T and the fitted slope (estimates); with a parameter
    gradient (`--param`, `--loss`) a second axes with log|dx_T/dtheta| and log|dL_T/dtheta|."""
    given, claim = _name(cert["map"]["given"]), cert["claim"]
    pf = next((f for f in cert["evidence"] if f["fact"] == "param_gradient_values"), None)
    fig = _figure(7.0, 8.0 if pf is not None else 4.8)
    axes = fig.subplots(2, 1, sharex=True) if pf is not None else [fig.add_subplot()]
    ax = axes[0]
    ax.set_ylabel("log|dx_T/dx_0|")
    ax.grid(True, lw=0.3, alpha=0.5)
    axes[-1].set_xlabel("T (steps)")
    if cert["verdict"] != "proved":
        ax.set_title(f"{given}: gradient factors UNDECIDED", fontsize=10)
        ax.text(0.5, 0.5, "undecided: no enclosures", ha="center", va="center", transform=ax.transAxes)
        return fig
    fact = cert["evidence"][0]
    ts = np.array(fact["T"], dtype=float)
    mids = _series(ax, ts, fact["log_abs"], "#1f4e9c", "log|dx_T/dx_0|")
    lam = cert.get("lambda") or {}
    if lam.get("value") is not None:
        v = float(lam["value"])
        ax.plot([0, ts[-1]], [0, v * ts[-1]], "--", color="#d62728", lw=1.0,
                label=f"lambda T, lambda ~ {v:.4g} (estimate, typical float orbit)")
    if cert.get("growth_rate") is not None and len(ts) >= 4:
        g = float(cert["growth_rate"])
        ax.plot(*_anchored_fit(ts, mids, g), ":", color="#444444", lw=1.6,
                label=f"fitted slope {g:.4g} per step over the second half (estimate)")
    ax.set_title(_title(f"{given}: gradient factor along the orbit of x0 = {_num(claim['x0'])}"), fontsize=10)
    ax.legend(loc="best", fontsize=8)
    if pf is not None:
        ax2 = axes[1]
        name = claim["param"]
        pts = np.array(pf["T"], dtype=float)
        pmid = _series(ax2, pts, pf["log_abs_dx"], "#9467bd", f"log|dx_T/d{name}|")
        series = pmid
        if pf.get("log_abs_dL") is not None:
            series = _series(ax2, pts, pf["log_abs_dL"], "#ff7f0e", f"log|dL_T/d{name}| (loss)")
        pg = cert.get("param_gradient") or {}
        if pg.get("growth_rate") is not None and len(pts) >= 4 and math.isfinite(float(pg["growth_rate"])):
            g = float(pg["growth_rate"])
            ax2.plot(*_anchored_fit(pts, series, g), ":", color="#444444", lw=1.6,
                     label=f"fitted slope of log|{pg['series']}| {g:.4g} (estimate)")
        ax2.set_ylabel(f"log|gradient w.r.t. {name}|")
        ax2.set_title(_title(f"parameter gradients at {name} = {_num(claim['value'])}" + (
            f" (loss against the orbit of y0 = {_num(pf['y0'])})" if pf.get("log_abs_dL") is not None else "")),
            fontsize=10)
        ax2.grid(True, lw=0.3, alpha=0.5)
        ax2.legend(loc="best", fontsize=8)
    return fig


# ----------------------------------------------------------------------------------------- phase

def _column_runs(marked):
    """Runs of vertically adjacent cells of one level and column: (level, i, j_first, j_last)."""
    runs = []
    for lv, i, j in sorted(marked):
        if runs and runs[-1][:2] == (lv, i) and runs[-1][3] == j - 1:
            runs[-1] = (lv, i, runs[-1][2], j)
        else:
            runs.append((lv, i, j, j))
    return runs


def _masks(cells, grid: int, depth: int):
    """Boolean rasters (finest cells, at most 1024 per side) of the undecided cells and of the
    neighbourhood of the robust-chaos cells: where each kind of curve is drawn."""
    n = min(grid << depth, 1024)
    und, cha = np.zeros((n, n), bool), np.zeros((n, n), bool)
    for level, i, j, cls in cells:
        k = n / (grid << level)
        a, b = int(i * k), max(int((i + 1) * k), int(i * k) + 1)
        c, d = int(j * k), max(int((j + 1) * k), int(j * k) + 1)
        if cls[0] == "U":
            und[a:b, c:d] = True
        if cls.endswith("C"):
            cha[max(a - 1, 0):b + 1, max(c - 1, 0):d + 1] = True
    return und, cha


def _zero_runs(text: str, names, fx, fy, mask, n: int = 400):
    """The pieces of the zero set of a polynomial (contourpy, floats) whose points fall on the mask,
    as polylines (consecutive points kept together, so that dashes run along them)."""
    import contourpy
    import sympy

    syms = sympy.symbols(names)
    fn = sympy.lambdify(syms, sympy.sympify(text, locals=dict(zip(names, syms))), "numpy")
    xs, ys = np.linspace(fx[0], fx[1], n + 1), np.linspace(fy[0], fy[1], n + 1)
    gx, gy = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        v = np.broadcast_to(np.asarray(fn(gx, gy), dtype=float), gx.shape)
    m = mask.shape[0]
    runs = []
    for line in contourpy.contour_generator(xs, ys, v).lines(0.0):
        i = np.clip(((line[:, 0] - fx[0]) / (fx[1] - fx[0]) * m).astype(int), 0, m - 1)
        j = np.clip(((line[:, 1] - fy[0]) / (fy[1] - fy[0]) * m).astype(int), 0, m - 1)
        on = mask[i, j]
        start = None
        for k, flag in enumerate(list(on) + [False]):
            if flag and start is None:
                start = k
            elif not flag and start is not None:
                if k - start >= 2:
                    runs.append(line[start:k])
                start = None
    return runs


def phase(cert: dict):
    """The certified cells of a phase diagram coloured by class (undecided cells in their own colour,
    robust chaos hatched), the exact boundary curves near the undecided cells dashed, axes named by
    the two parameters."""
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, Rectangle

    from certify.reporting.phase import _shown_chaos

    claim = cert["claim"]
    names = claim["params"]
    (x0, x1), (y0, y1) = interval_parse(claim["range"]["x"]), interval_parse(claim["range"]["y"])
    fx, fy = (_f(x0), _f(x1)), (_f(y0), _f(y1))
    fig = _figure(9.2, 6.4)
    ax = fig.add_subplot()
    ax.set_xlim(*fx)
    ax.set_ylim(*fy)
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    if not cert["evidence"]:
        ax.set_title(_title(f"{_name(cert['map']['given'])}: phase diagram UNDECIDED"), fontsize=10)
        ax.text(0.5, 0.5, "undecided: no cell was decided", ha="center", va="center", transform=ax.transAxes)
        return fig
    grid = int(claim["grid"])
    cells = next(f for f in cert["evidence"] if f["fact"] == "phase_cells")["cells"]
    ax.add_patch(Rectangle((fx[0], fy[0]), fx[1] - fx[0], fy[1] - fy[0], color=_PHASE["N"][0], lw=0, zorder=0))

    def rects(key):
        marked = [(lv, i, j) for lv, i, j, cls in cells if (cls.endswith("C") if key == "C" else cls[0] == key)]
        out = []
        for lv, i, j0, j1 in _column_runs(marked):
            wx, wy = (fx[1] - fx[0]) / (grid << lv), (fy[1] - fy[0]) / (grid << lv)
            a, b = fx[0] + i * wx, fx[0] + (i + 1) * wx
            c, d = fy[0] + j0 * wy, fy[0] + (j1 + 1) * wy
            out.append([(a, c), (b, c), (b, d), (a, d)])
        return out

    for key, z in (("P", 1), ("U", 2)):
        colour = _PHASE[key][0]  # an edge of the cell's own colour keeps thin cells visible
        ax.add_collection(PolyCollection(rects(key), facecolors=colour, edgecolors=colour, linewidths=z * 0.5,
                                         zorder=z, gid=f"cells-{key}"))
    ax.add_collection(PolyCollection(rects("C"), facecolors="none", edgecolors=_PHASE["C"][0], linewidths=0,
                                     hatch="////", zorder=3, gid="cells-C"))
    itin = next(f for f in cert["evidence"] if f["fact"] == "itinerary_conditions")
    undecided, chaotic = _masks(cells, grid, int(claim["depth"]))
    curves = [(itin["boundary"][k], "#000000", (0, (5, 3)), undecided) for k in cert.get("boundary_near") or []]
    curves += [(g, "#c51b7d", (0, (2, 2)), chaotic) for case in _shown_chaos(cert) for g in case]
    for text, colour, dash, mask in curves:
        runs = _zero_runs(text, names, fx, fy, mask)
        if runs:
            ax.add_collection(LineCollection(runs, colors=colour, linestyles=[dash], linewidths=1.6, zorder=4))
    pct = {k: 100 * _f(q_parse(cert["areas"][k])) for k in ("P", "N", "U", "C")}
    handles = [Patch(facecolor=_PHASE["P"][0], label=f"{_PHASE['P'][1]} ({pct['P']:.2f} % of the area)"),
               Patch(facecolor=_PHASE["N"][0], label=f"{_PHASE['N'][1]} ({pct['N']:.2f} %)"),
               Patch(facecolor=_PHASE["U"][0], label=f"{_PHASE['U'][1]} ({pct['U']:.2f} %)"),
               Patch(facecolor="white", edgecolor=_PHASE["C"][0], hatch="////",
                     label=f"{_PHASE['C'][1]} ({pct['C']:.2f} %)"),
               Line2D([], [], color="#000000", ls=(0, (5, 3)), lw=1.6,
                      label="period-3 boundary (exact curve,\ntraced in floats)"),
               Line2D([], [], color="#c51b7d", ls=(0, (2, 2)), lw=1.6, label="robust-chaos boundary (exact curve)")]
    fig.legend(handles=handles, loc="outside right upper", fontsize=8, frameon=False,
               title="cells: exact sign tests", title_fontsize=8)
    ax.set_title(_title(f"{_name(cert['map']['given'])}: period 3 and robust chaos, certified cell by cell "
                        f"({cert['verdict'].upper()})"), fontsize=10)
    ax.set_aspect("equal" if 0.2 < (fy[1] - fy[0]) / (fx[1] - fx[0]) < 5 else "auto")
    return fig


# ----------------------------------------------------------------------------------- bifurcation

def orbit_diagram(family, rng, points: int = 800, transient: int = 500, keep: int = 200, starts: int = 9):
    """Float orbit points (params, xs) of a one-parameter family over rng: `starts` orbits per
    parameter value, `keep` points each after a transient; orbits that leave |x| < 1e6 or are still
    growing (escaping, or moving out monotonically) are dropped. Floats only: nothing here is proved."""
    from certify.arith import float_map

    A, B = (_f(v) for v in rng)
    r = np.repeat(np.linspace(A, B, points), starts)
    x = np.tile(np.linspace(-1.0, 1.0, starts) * 0.987 + 0.5, points)
    f = float_map(family.program, param=r)
    seen = np.empty((keep, r.size))
    with np.errstate(all="ignore"):
        for t in range(transient + keep):
            x = f(x)
            x = np.where(np.isfinite(x) & (np.abs(x) < 1e6), x, np.nan)
            if t >= transient:
                seen[t - transient] = x
        first = np.abs(seen[:keep // 2]).max(axis=0)
        last = np.abs(seen[keep // 2:]).max(axis=0)
        moving_out = (np.diff(np.abs(seen), axis=0) > 0).all(axis=0)  # on a tail, escaping slowly
    ok = np.isfinite(seen).all(axis=0) & (last <= 1.5 * first + 1e-9) & ~moving_out
    return np.broadcast_to(r[ok], (keep, int(ok.sum()))).ravel(), seen[:, ok].ravel()


def bands(cert: dict) -> list:
    """The certified parameter intervals of a windows certificate, as float pairs (the outer ends of
    the enclosures: each window lies inside its band), or of an onset certificate (its enclosure)."""
    if cert["verdict"] != "proved":
        return []
    if cert["claim"]["kind"] == "windows":
        return [(_f(interval_parse(w["from"])[0]), _f(interval_parse(w["to"])[1])) for w in cert["windows"]]
    if cert["claim"]["kind"] == "onset":
        lo, hi = interval_parse(cert["onset"])
        return [(_f(lo), _f(hi))]
    return []


def bifurcation(family, rng, certs=(), points: int = 800, transient: int = 500, keep: int = 200):
    """The float orbit diagram of a one-parameter family over rng = (A, B), labelled as floats, with
    the certified windows of each windows certificate overlaid as shaded bands "certified period p"
    (each period also gets its own bar above the diagram, where nested windows stay apart) and each
    onset certificate as a vertical line."""
    from matplotlib import colormaps
    from matplotlib.patches import Patch

    fig = _figure(8.0, 6.2)
    ax = fig.add_subplot()
    rs, xs = orbit_diagram(family, rng, points=points, transient=transient, keep=keep)
    A, B = (_f(v) for v in rng)
    if xs.size:  # slowly escaping orbits may survive the filter: the window is the bulk of the points
        lo, hi = (float(v) for v in np.quantile(xs, [0.001, 0.999]))
    else:
        lo, hi = -1.0, 1.0
    span = hi - lo if hi > lo else 1.0
    lo, hi = lo - 0.02 * span, hi + 0.02 * span
    # the orbit points as a density image: one column per parameter value, log-scaled counts
    counts, _, _ = np.histogram2d(rs, xs, bins=(points, 600), range=[[A, B], [lo, hi]])
    dens = np.ma.masked_equal(np.log1p(counts.T), 0)
    vmax = float(np.percentile(dens.compressed(), 99)) if dens.count() else 1.0
    ax.imshow(dens, origin="lower", extent=(A, B, lo, hi), aspect="auto", cmap=colormaps["Greys"].resampled(6),
              vmin=0, vmax=vmax, interpolation="nearest", zorder=2, gid="orbit-diagram", rasterized=True)
    handles = [Patch(facecolor="#505050", label="orbit diagram (floats, not certified)")]
    lane = 0.07 * span  # one bar per period above the orbit points
    top = hi + 0.04 * span
    colours = ["#e4572e", "#2c7fb8", "#31a354", "#9467bd", "#ff7f0e", "#17becf"]
    lanes = 0
    for k, cert in enumerate(certs):
        p, c = cert["claim"]["p"], colours[k % len(colours)]
        if cert["verdict"] != "proved":  # an onset refuted: no point of period p anywhere in the range
            text = f"certified: no period {p} in the range" if cert["verdict"] == "refuted" else \
                f"period {p}: undecided"
            handles.append(Patch(facecolor="none", edgecolor="none", label=text))
            continue
        if cert["claim"]["kind"] == "onset":
            (a, b), = bands(cert)
            ax.axvline((a + b) / 2, color=c, lw=1.6, zorder=3, gid=f"onset-{p}",
                       label=f"certified onset of period {p}: {family.param} in "
                             f"{_interval_text(*interval_parse(cert['onset']))}")
            continue
        y0 = top + lanes * lane
        lanes += 1
        for i, (a, b) in enumerate(bands(cert)):
            ax.axvspan(a, b, color=c, alpha=0.14, lw=0, zorder=3, gid=f"window-{p}-{i}")
            ax.fill_between([a, b], y0 + 0.1 * lane, y0 + 0.9 * lane, color=c, lw=0, zorder=4,
                            gid=f"bar-{p}-{i}", label=f"certified period {p}" if i == 0 else None)
            for e in (a, b):
                if A < e < B:
                    ax.axvline(e, color=c, lw=0.8, ls="--", zorder=3)
        ax.text(A + 0.005 * (B - A), y0 + 0.5 * lane, f"period {p}", va="center", ha="left", fontsize=7, zorder=4)
        if not cert["windows"]:
            handles.append(Patch(facecolor="none", edgecolor="none", label=f"certified: no period {p} in the range"))
    h, _ = ax.get_legend_handles_labels()
    fig.legend(handles=handles[:1] + h + handles[1:], loc="outside lower center", fontsize=8, frameon=False, ncol=2)
    ps = ", ".join(str(c["claim"]["p"]) for c in certs)
    ax.set_title(_title(f"{_name(family.given)}: orbit diagram in {family.param}"
                        + (f", certified period(s) {ps}" if ps else "")), fontsize=10)
    ax.set_xlim(A, B)
    ax.set_ylim(lo, top + lanes * lane + 0.02 * span)
    ax.set_xlabel(family.param)
    ax.set_ylabel("x (orbit points after a transient)")
    return fig


__all__ = ["FORMATS", "bands", "bifurcation", "check_extension", "cobweb", "figure_of", "gradient", "laps",
           "map_graph", "orbit_diagram", "phase", "plot", "save"]
