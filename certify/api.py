"""certify's Python API: one function per command of the `certify` CLI, with the same options as
keyword arguments, returning `Result` objects (certify.results).

Wherever a map is expected, a `Map` or a spec string works ("logistic(r=383/100)", a formula in
x, a weights file path); wherever a family is expected, a `Family` or a spec string with the
parameter's name. Numbers are exact: ints, `Fraction`, flint `fmpq`, decimal strings ("3.83" is
383/100) and floats (the exact binary number a float stores; pass "0.3" or Fraction(3, 10) for
the decimal). Budgets count work, never seconds, so a call gives the same verdict and the same
certificate bytes on every machine; `timeout=` (seconds) is only an outer guard.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from numbers import Integral

from certify.errors import CertifyError
from certify.results import CheckResult, Estimate, Result, _TextViews

__all__ = ["parse", "family", "load", "rnn1d", "rnn", "rnn_feedback", "from_torch", "check", "period", "orbits", "threshold", "windows", "chaos_onset", "phase",
           "lyapunov", "entropy", "gradients", "robustness", "oscillations", "scrambling", "forcing_interval",
           "flow_lyapunov", "audit", "audit_rnn", "contraction", "AuditResult", "report", "bifurcation",
           "Bifurcation", "exact", "interval", "whole_period"]


# ---------------------------------------------------------------------------- inputs

def exact(v, what: str = "a number"):
    """An exact rational (flint fmpq) from an int, Fraction, fmpq, a decimal or fraction string
    ("3.83", "1/3", "1e-12"), or a finite float (its exact binary value), as weights are read
    (certify.maps.weights.exact)."""
    from flint import fmpq

    from certify.maps.weights import exact as exact_pq

    return fmpq(*exact_pq(v, what))


def interval(v, what: str = "the interval"):
    """(lo, hi) exact with lo < hi, from a pair of numbers or a "LO,HI" string."""
    if isinstance(v, str):
        parts = v.split(",")
        if len(parts) != 2:
            raise CertifyError(f"{what} takes LO,HI (two numbers), got {v!r}")
    else:
        try:
            parts = list(v)
        except TypeError:
            raise CertifyError(f"{what} takes two numbers (lo, hi), got {v!r}") from None
        if len(parts) != 2:
            raise CertifyError(f"{what} takes two numbers (lo, hi), got {len(parts)}")
    lo, hi = (exact(x, f"{what} bound") for x in parts)
    if not lo < hi:
        raise CertifyError(f"{what} needs LO < HI, got {v!r}")
    return lo, hi


def whole_period(p, what: str = "p (--period)") -> int:
    """A period 1..MAX_PERIOD from an int or a string of ASCII digits."""
    import re

    from certify.certificates.limits import MAX_PERIOD

    if isinstance(p, str):
        text = p.strip()
        if not re.fullmatch(r"-?[0-9]{1,12}", text):  # ASCII digits: int() takes '٣' and '1_000' too
            raise CertifyError(f"{what} must be a whole number >= 1, got {text[:40]!r}")
        p = int(text)
    if isinstance(p, bool) or not isinstance(p, Integral):
        raise CertifyError(f"{what} must be a whole number >= 1, got {p!r}")
    p = int(p)
    if p < 1:
        raise CertifyError(f"{what} must be >= 1, got {p}")
    if p > MAX_PERIOD:
        raise CertifyError(f"{what} {p} is beyond the limit {MAX_PERIOD}")
    return p


def _count(v, what: str, lo: int, hi: int | None = None) -> int:
    if isinstance(v, bool) or not isinstance(v, Integral) or v < lo or (hi is not None and v > hi):
        bound = f"between {lo} and {hi}" if hi is not None else f"at least {lo}"
        raise CertifyError(f"{what} must be a whole number {bound}, got {v!r}")
    return int(v)


def _budget(max_cells=None, progress=None, **kw):
    """The work budget of a call (certify.arith.Budget): counts, never seconds."""
    from certify.arith import Budget

    if max_cells is not None:
        kw["max_cells"] = kw["max_pl_cells"] = _count(max_cells, "max_cells", 1)
    return Budget(progress=progress, **kw)


def _timeout(t):
    if t is not None and not (isinstance(t, (int, float)) and 0 < t < float("inf")):
        raise CertifyError("timeout must be a positive number of seconds")
    return t


def parse(spec: str, activation: str | None = None):
    """The Map a spec denotes: a family call ("logistic(r=3.83)"), a formula in x, rnn1d(...), or a
    weights file; `activation` names the hidden activation of a weights file that does not."""
    from certify.maps import Map, parse_map

    if isinstance(spec, Map):
        if activation is not None:
            raise CertifyError("activation= applies to a weights file, not to a Map")
        return spec
    return parse_map(spec, activation=activation)


def load(path, activation: str | None = None):
    """The 1D RNN map stored in a weights file (.json, .npz, .safetensors, .pt/.pth): the flat keys
    w, b, a, c or the state_dict of nn.Sequential(Linear(1, k), act, Linear(k, 1)); `activation`
    names the hidden activation when the file does not. Floats are the exact binary numbers stored."""
    from certify.maps import load as _load
    return _load(path, activation)


def rnn1d(w, b, a, c=0, activation: str = "relu", output_activation: str | None = None, slope=None):
    """The Map f(x) = sum_i a_i act(w_i x + b_i) + c from numpy arrays of any float dtype (shapes (k,),
    (k, 1) or (1, k)), torch tensors, lists or exact numbers; floats are the binary numbers they store."""
    from certify.maps import rnn1d as _rnn1d
    return _rnn1d(w, b, a, c, activation=activation, output_activation=output_activation, slope=slope)


def from_torch(module, activation: str | None = None, x0=None):
    """The Map of a live nn.Sequential(nn.Linear(1, k), act, nn.Linear(k, 1)[, out_act]) (PyTorch
    needed: pip install certify[torch]); the activation is read from the module. A one-layer nn.RNN
    gives its autonomous n-dimensional map h -> act(W_hh h + b_hh + b_ih [+ W_ih x0])."""
    if type(module).__name__ == "RNN" and type(module).__module__.startswith("torch.nn"):
        from certify.maps.rnn import from_torch_rnn
        if activation is not None:
            raise CertifyError("from_torch: an nn.RNN names its nonlinearity; activation= is for a state_dict")
        return from_torch_rnn(module, x0)
    if x0 is not None:
        raise CertifyError("from_torch: x0 (a constant input) applies to an nn.RNN")
    from certify.maps import from_torch as _from_torch
    return _from_torch(module, activation)


def rnn_feedback(W, U, V, b, c, activation: str = "tanh"):
    """The output-feedback RNN h -> act(W h + U y + b) with output y = V h + c fed back as input,
    as its exact reduced map h -> act((W + U V) h + (U c + b)) (an RNNMap)."""
    from certify.maps.rnn import rnn_feedback as _fb
    return _fb(W, U, V, b, c, activation)


def rnn(W, b, activation: str = "tanh"):
    """The n-dimensional map h -> act(W h + b) (act: tanh, sigmoid, relu, hardtanh) from lists, numpy
    arrays or torch tensors; floats are the binary numbers they store. `certify.period(net, p)`
    certifies a cycle of minimal period p."""
    from certify.maps.rnn import rnn as _rnn
    return _rnn(W, b, activation)


def family(spec, param: str, group: str | None = None, activation: str | None = None):
    """A one-parameter family f_r from a spec with `param` left free ("logistic(r)", "x^2 - c"); for
    a network, `param` is a gain multiplying the weight groups `group` ("w,b,a,c", default all)."""
    from certify.maps import Family, parse_family

    if isinstance(spec, Family):
        if spec.param != param:
            raise CertifyError(f"the family's parameter is {spec.param!r}, not {param!r}")
        return spec
    return parse_family(spec, param, group, activation)


def _is_rnn(f) -> bool:
    from certify.maps.rnn import RNNMap, is_rnn_file
    return isinstance(f, RNNMap) or (isinstance(f, str) and is_rnn_file(f))


def _rnn_net(f, input=None):
    """The RNNMap of f (an RNNMap, or an RNN file); `input` (a list, or text "0.1,0.2") holds an
    nn.RNN state_dict's input at that constant vector, exactly."""
    from certify.maps.rnn import RNNMap, load_rnn, parse_input

    if isinstance(f, RNNMap):
        if input is not None:
            raise CertifyError("input (--input) applies when an nn.RNN state_dict is read; build the map with "
                               "certify.from_torch(module, x0=...) instead")
        return f
    return load_rnn(f, parse_input(input) if isinstance(input, str) else input)


def _rnn_undecided(net, claim: dict, reason: str) -> dict:
    """The undecided certificate of an RNN claim (the --timeout guard's answer)."""
    from certify.certificates import SCHEMA
    return {"schema": SCHEMA, "map": {"given": net.given, "canonical": net.canonical, "class": net.map_class},
            "claim": claim, "verdict": "undecided", "precision": 64, "evidence": [], "reason": reason}


def _rnn_period(f, p, max_prec, timeout, progress, input=None) -> Result:
    """period for an n-dimensional RNN map: a certified cycle of minimal period p (claim rnn_cycle); when the float
    search proves none, the complete list (claim rnn_cycles, question period): refuted when it is empty."""
    from certify import limits
    from certify.periodic.rnn import certify_rnn_cycle
    from certify.periodic.rnn_orbits import certify_rnn_cycles

    net = _rnn_net(f, input)
    budget = _budget(None, progress, max_prec=max_prec)
    def run():
        cert = certify_rnn_cycle(net, p, budget)
        if cert["verdict"] != "undecided":
            return cert
        # no float cycle proved: the complete list decides (refuted when it is empty), when it closes
        listed = certify_rnn_cycles(net, p, budget, question="period")
        return listed if listed["verdict"] != "undecided" else cert
    cert = limits.guard(_timeout(timeout), run, lambda reason: _rnn_undecided(net, {"kind": "rnn_cycle", "p": p}, reason))
    return Result.of("period", cert, net)


def _rnn_orbits(f, p, max_prec, timeout, progress, input=None) -> Result:
    """orbits for an n-dimensional RNN map: every cycle of minimal period p (complete when the kernel's
    subdivision of the image box closes), else the cycles found, each proved (claim rnn_cycles)."""
    from certify import limits
    from certify.periodic.rnn_orbits import certify_rnn_cycles, listed_claim

    net = _rnn_net(f, input)
    budget = _budget(None, progress, max_prec=max_prec)
    claim = listed_claim(p, "found")
    cert = limits.guard(_timeout(timeout), lambda: certify_rnn_cycles(net, p, budget),
                        lambda reason: _rnn_undecided(net, claim, reason))
    return Result.of("orbits", cert, net)


def _fmpq_exact(v, what: str):
    from flint import fmpq
    from certify.maps.weights import exact as _ex
    return fmpq(*_ex(v, what))


def _float_vector(v, n: int, what: str) -> list:
    """n finite floats from "a,b,..." or a sequence (a start for a float orbit: floats only find)."""
    import math as _m
    try:
        z = [float(t) for t in (v.split(",") if isinstance(v, str) else v)]
    except (TypeError, ValueError):
        z = []
    if len(z) != n or not all(_m.isfinite(t) for t in z):
        raise CertifyError(f"{what} for this RNN takes {n} comma-separated finite numbers, got {v!r}")
    return z


def _is_polymap(f) -> bool:
    from certify.maps.polymap import PolyMapSpec, is_polymap_spec
    return isinstance(f, PolyMapSpec) or is_polymap_spec(f)


def polymap_box(domain, n: int) -> list:
    """A box of R^n from "LO,HI;LO,HI;..." (one interval per variable; one interval alone stands for every
    variable) or a sequence of n (lo, hi) pairs: n exact (lo, hi) with lo < hi."""
    if isinstance(domain, str):
        parts = [v for v in domain.replace(" x ", ";").split(";") if v.strip()]
    else:
        parts = list(domain)
    if len(parts) == 1:
        parts = parts * n
    if len(parts) != n:
        raise CertifyError(f"the map has {n} variables: --domain takes {n} intervals LO,HI separated by ';', "
                           f"got {len(parts)}")
    return [interval(v, "domain") for v in parts]


def _polymap_cycles(command, f, p, domain, timeout, progress) -> Result:
    """orbits / period of a polynomial map of R^n by the subdivision of the cyclic system (claim
    polymap_cycles): in the region lemma's square (Hénon type) or in the box `domain`."""
    from certify import limits
    from certify.certificates import SCHEMA, q_str
    from certify.maps.polymap import PolyMapSpec, parse_polymap_spec
    from certify.periodic.polymap_orbits import certify_polymap_cycles, certify_polymap_period

    f = f if isinstance(f, PolyMapSpec) else parse_polymap_spec(f)
    box = None
    if domain is not None:
        box = [{"lo": q_str(lo), "hi": q_str(hi)} for lo, hi in polymap_box(domain, f.n)]

    def undecided(reason):
        claim = {"kind": "polymap_cycles", "p": p, "region": box or [{"lo": "-1", "hi": "1"}] * f.n,
                 "basis": "domain", "trap": 0}
        if command == "period":
            claim["question"] = "period"
        return {"schema": SCHEMA, "map": {"given": f.given, "canonical": f.canonical, "class": "polynomial"},
                "claim": claim, "verdict": "undecided", "precision": 64, "evidence": [], "reason": reason}
    budget = _budget(None, progress)
    if command == "period":
        run = lambda: certify_polymap_period(f, p, budget, domain=box)  # noqa: E731
    else:
        run = lambda: certify_polymap_cycles(f, p, budget, domain=box)  # noqa: E731
    cert = limits.guard(_timeout(timeout), run, undecided)
    return Result.of(command, cert, f)


def _is_plrnn(f) -> bool:
    from certify.maps.plrnn import PLRNN, is_plrnn_file
    return isinstance(f, PLRNN) or (isinstance(f, str) and is_plrnn_file(f))


# ---------------------------------------------------------------------------- commands

def check(cert, expect_map: str | None = None, expect_claim: str | None = None) -> CheckResult:
    """Re-verify a certificate (a dict, or a file path) in the independent kernel and bind it to
    `expect_map` (a spec) and `expect_claim` ("period:3", "entropy") when given."""
    from certify.certificates import read
    from certify.verify import verify

    source = "(in memory)"
    if not isinstance(cert, dict):
        source = str(cert)
        cert = read(source)
    return CheckResult.of(verify(cert, expect_map=expect_map, expect_claim=expect_claim), source)


def export(cert, coq: str | None = None) -> str:
    """The Coq proof of a certificate's claim (a Result, a certificate dict, or a file path): a
    self-contained .v file that `coqc -R formal Certify FILE.v` checks with the library formal/.
    Written to `coq` when given. Period claims export (proved: Li-Yorke for p = 3, an exact cycle
    otherwise; refuted: piecewise-linear maps); anything else raises NoCoqExport saying why."""
    from certify.certificates import read, write_atomic
    from certify.coq import coq_proof

    if coq is not None:
        _coq_file_name(coq)
    if isinstance(cert, Result):
        cert = cert.certificate
    elif not isinstance(cert, dict):
        cert = read(str(cert))
    text = coq_proof(cert)
    if coq is not None:
        write_atomic(coq, text)
    return text


def _coq_file_name(path) -> None:
    import os
    import re

    name = os.path.basename(str(path))
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*\.v", name):
        raise CertifyError(f"coq (--coq) must name a .v file whose name is a Coq identifier (letters, digits, "
                           f"_; e.g. proof.v), not {name!r}")


def period(f, p, *, domain=None, max_cells=None, max_prec: int = 1024, timeout=None, progress=None,
           input=None) -> Result:
    """Prove or refute: f has a point of minimal period p (on `domain`, an interval f maps into
    itself, if given; else on all of R). For an nn.RNN state_dict, `input` holds the input at a
    constant vector (a list of numbers, or "0.1,0.2"). For a polynomial map of R^n, `domain` is a box
    ("LO,HI;LO,HI" or n pairs): refuted then means no such point in the box. For a PLRNN (a file or a
    certify.maps.plrnn.PLRNN): every certified cycle of period p, as `orbits` with the range p..p (the list and
    whether it is proved complete)."""
    if _is_plrnn(f) and not _is_rnn(f):
        if domain is not None or max_cells is not None or input is not None:
            raise CertifyError("a PLRNN takes `period` without --domain, --max-cells and --input")
        q = whole_period(p)
        return orbits(f, (q, q), progress=progress)
    return _periodic("period", f, p, domain, max_cells, max_prec, timeout, progress, input)


def orbits(f, p, *, domain=None, max_cells=None, max_prec: int = 1024, timeout=None, progress=None,
           max_nodes: int = 50_000, cap: int = 12) -> Result:
    """Every orbit of minimal period p, with a proof that the list is complete. For a PLRNN (a file
    or a certify.maps.plrnn.PLRNN) p may be a range "1..8": every cycle of each period in it, with
    stability; completeness per period by enumeration (n p <= cap) or the pruned itinerary search
    (at most max_nodes nodes per period), else "found, not proved complete". For a polynomial map of R^n
    (Hénon type, or any with `domain` a box "LO,HI;LO,HI"): Galias' subdivision of the cyclic system. For an
    n-dimensional RNN (tanh, sigmoid): the same subdivision in the image box, complete, when n p <= 16 and it
    closes; else the cycles found, each proved, "found, not proved complete"."""
    if _is_plrnn(f) and not _is_rnn(f):
        if domain is not None or max_cells is not None:
            raise CertifyError("a PLRNN takes `orbits` without --domain and --max-cells")
        return _plrnn_orbits(f, p, max_nodes, cap, progress)
    return _periodic("orbits", f, p, domain, max_cells, max_prec, timeout, progress)


def period_range(p) -> tuple:
    """(first, last) from "A..B", a whole number P (the range P..P), or a pair."""
    if isinstance(p, str) and ".." in p:
        a, _, b = p.partition("..")
        first, last = whole_period(a, "the first period of --period A..B"), whole_period(b, "the last period of "
                                                                                             "--period A..B")
    elif isinstance(p, tuple) and len(p) == 2:
        first, last = whole_period(p[0]), whole_period(p[1])
    else:
        first = last = whole_period(p)
    if first > last:
        raise CertifyError(f"the period range {first}..{last} is empty")
    return first, last


def _plrnn_orbits(f, p, max_nodes, cap, progress) -> Result:
    from certify.dynamics.plrnn import lyapunov_plrnn
    from certify.maps.plrnn import PLRNN, load_plrnn

    first, last = period_range(p)
    net = f if isinstance(f, PLRNN) else load_plrnn(f)
    cert = lyapunov_plrnn(net, last, spectrum=False, cap=_count(cap, "cap (--cap)", 0, 20),
                          budget=_budget(None, progress), max_nodes=_count(max_nodes, "max_nodes (--max-nodes)", 0),
                          first=first)
    return Result.of("orbits", cert, net)


def _periodic(command, f, p, domain, max_cells, max_prec, timeout, progress, input=None) -> Result:
    from certify.periodic.period import certify_orbits, certify_period

    if input is not None and not _is_rnn(f):
        raise CertifyError("input (--input) is the constant input of an nn.RNN state_dict")
    if isinstance(p, str) and ".." in p:
        raise CertifyError(f"--period {p}: a range A..B is for PLRNN files; this map takes one period at a time")
    p = whole_period(p)
    box = domain
    domain = interval(domain, "domain") if domain is not None and not _is_polymap(f) else None
    _count(max_prec, "max_prec (--max-prec, bits)", 64)
    if _is_rnn(f):
        if domain is not None or max_cells is not None:
            raise CertifyError(f"an n-dimensional RNN takes `{command}` without --domain and --max-cells")
        if command == "orbits":
            return _rnn_orbits(f, p, max_prec, timeout, progress, input)
        return _rnn_period(f, p, max_prec, timeout, progress, input)
    if _is_polymap(f):
        if max_cells is not None:
            raise CertifyError("a polynomial map takes --domain (a box, LO,HI for each variable), not --max-cells")
        return _polymap_cycles(command, f, p, box, timeout, progress)
    m = parse(f)
    run = certify_period if command == "period" else certify_orbits
    cert = run(m, p, domain=domain, budget=_budget(max_cells, progress, max_prec=max_prec), timeout=_timeout(timeout))
    return Result.of(command, cert, m)


def threshold(fam, param: str, p=3, range=None, *, group=None, digits: int = 30, max_cells=None, timeout=None,
              progress=None) -> Result:
    """The least parameter in `range` (A, B) at which f has a point of minimal period p: an exact
    onset (a closed form or an enclosure of `digits` digits), or a proof that there is none."""
    return _onset("threshold", fam, param, p, range, group, digits, max_cells, timeout, progress)


def windows(fam, param: str, p=3, range=None, *, group=None, digits: int = 30, max_cells=None, timeout=None,
            progress=None) -> Result:
    """Every parameter window in `range` where f has points of minimal period p, with orbit counts."""
    return _onset("windows", fam, param, p, range, group, digits, max_cells, timeout, progress)


def _onset(command, fam, param, p, rng, group, digits, max_cells, timeout, progress) -> Result:
    from certify.thresholds import certify_onset, certify_windows

    if rng is None:
        raise CertifyError("range=(A, B) is required: the parameter range")
    p, rng = whole_period(p), interval(rng, "range")
    fam = family(fam, param, group)
    run = certify_onset if command == "threshold" else certify_windows
    cert = run(fam, p, rng, digits=_count(digits, "digits", 1), budget=_budget(max_cells, progress),
               timeout=_timeout(timeout))
    return Result.of(command, cert, fam)


def bifurcation(fam, param: str, range, periods=(3,), *, group=None, digits: int = 30, max_cells=None, timeout=None,
                progress=None) -> "Bifurcation":
    """The certified windows of each period in `periods` over `range` (onsets, for families neither
    polynomial nor piecewise linear), for drawing over the float orbit diagram (`plot()`)."""
    from certify.checker.plfamily import pl_family

    periods = [whole_period(p, "a period") for p in periods]
    if len(set(periods)) != len(periods):
        raise CertifyError(f"periods lists a period twice: {periods}")
    rng = interval(range, "range")
    fam = family(fam, param, group)
    exact_family = fam.is_polynomial() or pl_family(fam.program, *rng) is not None
    command = "windows" if exact_family else "threshold"
    results = tuple(_onset(command, fam, param, p, rng, None, digits, max_cells, timeout, progress) for p in periods)
    return Bifurcation(results, fam, rng)


@dataclass(frozen=True)
class Bifurcation:
    """Certified windows (or onsets) of several periods of one family over one parameter range."""

    results: tuple
    family: object = field(repr=False)
    range: tuple = field(repr=False)

    @property
    def undecided(self) -> bool:
        return any(r.undecided for r in self.results)

    @property
    def text(self) -> str:
        return "\n\n".join(r.text for r in self.results)

    def plot(self):
        """The float orbit diagram (labelled: floats, not certified) under the certified bands."""
        from certify.reporting.figures import bifurcation as figure
        return figure(self.family, self.range, [r._cert for r in self.results])

    def save(self, path: str) -> str:
        from certify.reporting.figures import save
        save(self.plot(), path)
        return path


def chaos_onset(fam, param: str, range=None, *, periods=None, group=None, max_cells=None, timeout=None,
                progress=None) -> Result:
    """Certified bounds on the parameter where topological entropy becomes positive: the first birth
    in `range` of a period that is not a power of 2 (`periods`, default 3,5,6,...); for the logistic
    family both sides of the Feigenbaum point (`range` default [1, 4] there)."""
    from certify.thresholds.chaos import PERIODS, certify_chaos_onset

    periods = PERIODS if periods is None else tuple(whole_period(v, "a period") for v in periods)
    rng = None if range is None else interval(range, "range")  # None: [1, 4], the logistic family only
    cert = certify_chaos_onset(family(fam, param, group), rng, periods,
                               budget=_budget(max_cells, progress), timeout=_timeout(timeout))
    return Result.of("chaos_onset", cert, None)


def phase(fam, x: str, y: str, range, *, grid: int = 16, depth: int = 5, max_cells=None, timeout=None,
          progress=None) -> Result:
    """The phase diagram of a two-parameter piecewise-linear family over the rectangle `range`
    (X0, X1, Y0, Y1): cells where period 3 exists, robust chaos, exact boundary curves."""
    from certify.maps import Family2, parse_family2
    from certify.thresholds.phase import certify_phase

    parts = range.split(",") if isinstance(range, str) else list(range)
    if len(parts) != 4:
        raise CertifyError(f"range takes X0,X1,Y0,Y1 (four numbers), got {range!r}")
    x0, x1, y0, y1 = (exact(v, "range bound") for v in parts)
    fam2 = fam if isinstance(fam, Family2) else parse_family2(fam, x, y)
    cert = certify_phase(fam2, ((x0, x1), (y0, y1)), grid=_count(grid, "grid", 1), depth=_count(depth, "depth", 0),
                         budget=_budget(max_cells, progress), timeout=_timeout(timeout))
    return Result.of("phase", cert, fam2)


def lyapunov(f, p=1, *, x0=None, steps: int = 100_000, spectrum: bool = False, cap: int = 16,
             progress=None, input=None) -> Result:
    """Lyapunov exponents of every certified orbit of period p (exact or enclosed), and of a typical
    orbit (an estimate with its error bar, unless |f'| is constant). For a PLRNN (a file or a
    certify.maps.plrnn.PLRNN): every cycle of period 1..p, its stability, and with `spectrum=True`
    a spectrum estimate."""
    p = whole_period(p)
    steps = _count(steps, "steps", 100)
    if _is_rnn(f):  # an n-dimensional RNN: a certified p-cycle with proved exponents, spectrum estimate
        from certify.dynamics.rnn import lyapunov_rnn

        net = _rnn_net(f, input)
        z0 = _float_vector(x0, net.n, "x0 (--x0)") if x0 is not None else None
        cert = lyapunov_rnn(net, p, spectrum=spectrum, z0=z0, steps=steps, budget=_budget(None, progress))
        return Result.of("lyapunov", cert, net)
    if input is not None:
        raise CertifyError("input (--input) is the constant input of an nn.RNN state_dict")
    if _is_plrnn(f):
        import math as _m

        from certify.dynamics.plrnn import lyapunov_plrnn
        from certify.maps.plrnn import PLRNN, load_plrnn

        net = f if isinstance(f, PLRNN) else load_plrnn(f)
        z0 = None
        if x0 is not None:
            try:
                z0 = [float(v) for v in (x0.split(",") if isinstance(x0, str) else x0)]
            except (TypeError, ValueError):
                z0 = []
            if len(z0) != net.n or not all(_m.isfinite(v) for v in z0):
                raise CertifyError(f"x0 (--x0) for a PLRNN takes {net.n} comma-separated finite numbers, got {x0!r}")
        cert = lyapunov_plrnn(net, p, spectrum=spectrum, z0=z0, steps=steps, cap=cap, budget=_budget(None, progress))
        return Result.of("lyapunov", cert, net)
    from certify.dynamics import lyapunov as _lyapunov

    if x0 is not None:
        try:
            x0 = float(x0)
        except (TypeError, ValueError):
            raise CertifyError(f"x0 must be a number, got {x0!r}") from None
    m = parse(f)
    cert = _lyapunov(m, p, x0=x0, steps=steps, budget=_budget(None, progress))
    return Result.of("lyapunov", cert, m)


def chaos(f, *, max_period: int = 10, method: str = "net", timeout=None, progress=None) -> Result:
    """A certified topological horseshoe of a planar polynomial map ("henon(a=1.4, b=0.3)", or a tuple
    formula "(1 - 1.4*x^2 + y, 0.3*x)"), a PLRNN or an n-dimensional RNN map (a weights file, a PLRNN, an
    RNNMap): a graph of pairwise disjoint h-sets whose covering relations the kernel verifies;
    h_top(f) >= log rho(A). Polynomial maps: method "net" (default): h-sets on a net of the attractor,
    coverings under f^4 (periodic orbits if it finds none); "orbits": h-sets around periodic points of
    period <= max_period only. Networks: h-sets around their periodic points of period <= max_period
    (certify.horseshoes.nd; `method` is not used), then, for a PLRNN where that finds nothing, h-sets at saddle
    cycles under a long iterate (certify.horseshoes.pieces). `progress(text)`, if given, hears each stage of a
    network's search."""
    from certify import limits
    from certify.horseshoes import METHODS, horseshoe_certificate
    from certify.maps.polymap import PolyMapSpec, is_polymap_spec, parse_polymap_spec

    if _is_plrnn(f) or _is_rnn(f):
        return _chaos_network(f, max_period, timeout, progress)
    if not isinstance(f, PolyMapSpec):
        if not is_polymap_spec(f):
            raise CertifyError(f"chaos takes a polynomial map of the plane, e.g. 'henon(a=1.4, b=0.3)' or "
                               f"'(1 - 1.4*x^2 + y, 0.3*x)', or a PLRNN or RNN file, got {str(f)[:60]!r}")
        f = parse_polymap_spec(f)
    max_period = _count(max_period, "max_period (--max-period)", 1, 24)
    if method not in METHODS:
        raise CertifyError(f"method (--method) is one of {', '.join(METHODS)}, got {method!r}")

    def undecided(reason):
        from certify.certificates import SCHEMA
        return {"schema": SCHEMA, "map": {"given": f.given, "canonical": f.canonical, "class": "polynomial"},
                "claim": {"kind": "horseshoe", "iterate": 1}, "verdict": "undecided", "precision": 64, "evidence": [],
                "reason": reason}
    cert = limits.guard(_timeout(timeout), lambda: horseshoe_certificate(f, max_period, method=method), undecided)
    return Result.of("chaos", cert, f)


def _chaos_network(f, max_period, timeout, progress=None) -> Result:
    """chaos for a PLRNN or an n-dimensional RNN map (a file, a PLRNN or an RNNMap): h-sets around hyperbolic
    periodic points of period <= max_period (certify.horseshoes.nd), coverings verified by the kernel's Lipschitz
    enclosures; for a PLRNN where that finds nothing, h-sets at saddle cycles of periods 20-120 with coverings under
    f^k proved by exact piecewise-affine splitting (certify.horseshoes.pieces.saddle_horseshoe)."""
    from certify import limits
    from certify.horseshoes.nd import nd_certificate, undecided_horseshoe
    from certify.maps.plrnn import PLRNN, load_plrnn

    net = f if isinstance(f, PLRNN) else _rnn_net(f) if _is_rnn(f) else load_plrnn(f)
    max_period = _count(max_period, "max_period (--max-period)", 1, 24)

    def run():
        if progress:
            progress(f"h-sets around periodic points of period <= {max_period}")
        cert = nd_certificate(net, max_period)
        if cert["verdict"] == "proved" or not isinstance(net, PLRNN):
            return cert
        # no horseshoe at short periods: h-sets at saddle cycles under a long iterate f^k (pieces coverings)
        from certify.horseshoes.pieces import saddle_horseshoe
        if progress:
            progress("saddle cycles of periods 20-120 (near returns of one orbit) and candidate h-sets")
        long = saddle_horseshoe(net, progress=progress)
        if long["verdict"] == "proved":
            return long
        return {**cert, "reason": f"{cert['reason']}; at saddle cycles of periods 20-120: {long['reason']}"}
    cert = limits.guard(_timeout(timeout), run, lambda reason: undecided_horseshoe(net, reason))
    return Result.of("chaos", cert, net)


def entropy(f, *, domain=None, depth: int = 60, max_cells=None, timeout=None, progress=None) -> Result:
    """Certified bounds [lo, hi] on the topological entropy of f on an invariant interval (`domain`,
    or one found from the map); `depth` is the largest n whose laps of f^n are used (PL maps)."""
    from certify.checker.entropy import MAX_DEPTH
    from certify.dynamics.entropy import entropy_bounds

    depth = _count(depth, "depth", 1, MAX_DEPTH)
    m = parse(f)
    cert = entropy_bounds(m, interval(domain, "domain") if domain is not None else None,
                          budget=_budget(max_cells, progress, lap_depth=depth), timeout=_timeout(timeout))
    return Result.of("entropy", cert, m)


def gradients(f, x0, *, horizon: int = 2000, param: str | None = None, at=None, loss: bool = False,
              target_x0=None, activation: str | None = None, input=None) -> Result:
    """Certified enclosures of the BPTT factors dx_T/dx_0 along the orbit of x0 for T <= horizon,
    and the regime they show (vanishing, bounded, exploding); with `param`, also dx_T/d param (a
    family's parameter at `at`, or a weight w<i>, b<i>, a<i>, c of a network) and with `loss` the
    gradient of L_T = (1/T) sum (x_t - y_t)^2 against the orbit y of `target_x0`."""
    import re

    from certify.dynamics.gradients import gradients as _gradients
    from certify.maps import Map, parse_family, weight_family

    plrnn = not _is_rnn(f) and _is_plrnn(f)
    if plrnn or _is_rnn(f):  # an n-dimensional RNN or PLRNN: x0 is the start z0 (n exact numbers)
        from certify.dynamics.rnn_gradients import rnn_gradients
        from certify.maps.plrnn import PLRNN, load_plrnn
        from certify.maps.rnn import parse_input

        if param is not None or at is not None or loss or target_x0 is not None or activation is not None:
            raise CertifyError("an RNN's gradients take z0 and the horizon only (no param, at, loss, target_x0, "
                               "activation)")
        if plrnn and input is not None:
            raise CertifyError("input (--input) is the constant input of an nn.RNN state_dict, not of a PLRNN")
        net = (f if isinstance(f, PLRNN) else load_plrnn(f)) if plrnn else _rnn_net(f, input)
        z0 = parse_input(x0) if isinstance(x0, str) else [_fmpq_exact(v, "z0") for v in x0]
        return Result.of("gradients", rnn_gradients(net, z0, _count(horizon, "horizon", 1)), net)
    if input is not None:
        raise CertifyError("input (--input) is the constant input of an nn.RNN state_dict")
    x0 = exact(x0, "x0")
    horizon = _count(horizon, "horizon", 1)
    fam, value, y0, m = None, None, None, None
    if param is None:
        if at is not None or loss or target_x0 is not None:
            raise CertifyError("at (--at), loss (--loss) and target_x0 (--target-x0) need param (--param NAME)")
        m = parse(f, activation)
    else:
        spec = f.given if isinstance(f, Map) else f
        network = re.fullmatch(r"[wba][0-9]+|c", param) and _network(f, activation)
        if network:
            fam, value = weight_family(spec, param, activation)
            value = exact(at, "at") if at is not None else value
        else:
            if at is None:
                raise CertifyError(f"param {param} needs at= (--at VALUE, the parameter value of the orbit)")
            fam, value = parse_family(spec, param, activation=activation), exact(at, "at")
        if target_x0 is not None:
            if not loss:
                raise CertifyError("target_x0 sets the loss's targets: it needs loss=True")
            y0 = exact(target_x0, "target_x0")
    cert = _gradients(m, x0, horizon, family=fam, value=value, loss=loss, y0=y0)
    return Result.of("gradients", cert, m if m is not None else fam)


def _network(f, activation) -> bool:
    """Whether f is a 1D network (a weights file, rnn1d(...), or its Map), without failing."""
    try:
        return parse(f, activation).canonical["kind"] == "rnn1d"
    except CertifyError:
        return False


def robustness(f, *, searches: int = 500, seed: int = 0, persistence: int | None = None, delta=None,
               max_cells=None, timeout=None, progress=None) -> Result:
    """A certified radius [lo, hi] of period 3 of a network under weight perturbations: every
    network within lo (max norm) has period 3, one at distance hi has none. `persistence=N` also
    runs the sampling experiment at the sizes `delta` (default lo, 4 lo, 16 lo, hi)."""
    from certify.certificates import q_parse
    from certify.dynamics.robustness import persistence as _persistence, robustness as _robustness

    searches = _count(searches, "searches", 1)
    if persistence is not None:
        persistence = _count(persistence, "persistence", 1)
    deltas = None
    if delta is not None:
        deltas = [exact(d, "delta") for d in (delta.split(",") if isinstance(delta, str) else delta)]
        if any(d < 0 for d in deltas):
            raise CertifyError("delta values must be >= 0")
    m = parse(f)
    if m.canonical.get("kind") != "rnn1d":
        raise CertifyError("the robustness radius is defined for networks: give a weights file or rnn1d(...)")
    if persistence and m.program.pl() is None:
        raise CertifyError("the persistence experiment needs a piecewise-linear network (exact verdicts)")
    cert = _robustness(m, seed=seed, budget=_budget(max_cells, progress, searches=searches), timeout=_timeout(timeout))
    if persistence:
        if deltas is None:
            r = cert.get("radius") or {}
            lo = q_parse(r["lo"]) if r.get("lo") not in (None, "0") else None
            deltas = [lo, 4 * lo, 16 * lo] if lo else []
            if r.get("hi") not in (None, "0"):
                deltas.append(q_parse(r["hi"]))
        if deltas:
            cert["experiment"] = _persistence(m, sorted(set(deltas)), persistence, seed)
    return Result.of("robustness", cert, m)


def oscillations(f, *, upto: int = 12, max_odd: int = 15, max_cells=None, timeout=None, progress=None) -> Result:
    """Exact lap counts of f^t for t <= upto (PL maps), their growth against rho_p of the least odd
    period p <= max_odd proved, and entropy bounds (Sanford et al.: oscillations grow exponentially)."""
    from certify.dynamics.oscillations import oscillations as _oscillations

    m = parse(f)
    cert = _oscillations(m, _count(upto, "upto", 1), max_odd=_count(max_odd, "max_odd", 3),
                         budget=_budget(max_cells, progress), timeout=_timeout(timeout))
    return Result.of("oscillations", cert, m)


def scrambling(f, x, y, eps, delta, *, horizon: int = 200) -> Result:
    """The complete list of times t <= horizon at which the orbits of x and y are eps-close and
    delta-apart (exact or ball arithmetic): a finite-time witness of Li-Yorke scrambling."""
    from certify.dynamics.scrambling import scrambling as _scrambling

    m = parse(f)
    cert = _scrambling(m, exact(x, "x"), exact(y, "y"), exact(eps, "eps"), exact(delta, "delta"),
                       _count(horizon, "horizon", 1))
    return Result.of("scrambling", cert, m)


def forcing_interval(f=None, *, flow: str | None = None, x0=None, steps: int = 100_000, dt_sample: float | None = None,
                     reported: float | None = None, **flow_options) -> Estimate:
    """tau_pred = ln 2 / lambda_max, the sparse teacher-forcing interval of Mikhaeil et al.: proved
    when lambda is (constant-slope PL maps), else an estimate with its error bar. For a flow
    (`flow="lorenz"`), tau in steps of `dt_sample`, and a `reported` value audited against it."""
    from certify.certificates import q_parse
    from certify.dynamics import lyapunov as _lyapunov, typical_estimate

    if (f is None) == (flow is None):
        raise CertifyError("give a map or flow=NAME (lorenz, rossler, duffing), not both")
    if flow is not None:
        from certify.dynamics.flows import predictability, reported_audit

        if dt_sample is None:
            raise CertifyError("a flow needs dt_sample (--dt-sample DT), the sampling step of the data (tau in "
                               "steps = tau in time / DT; the paper's step is not stated, so there is no default)")
        if not dt_sample > 0:
            raise CertifyError(f"dt_sample (--dt-sample) must be positive, got {dt_sample:g}")
        if reported is not None and not reported > 0:
            raise CertifyError(f"reported (--reported) must be a positive number of steps, got {reported:g}")
        res = flow_lyapunov(flow, **flow_options)
        res["tau_pred"] = predictability(res["lambda_max"], dt_sample)
        if reported is not None:
            res["reported"] = reported_audit(reported, dt_sample, res["lambda_max"])
        return Estimate("forcing_flow", json.dumps(res))  # key order kept: the text lists parameters as declared
    if dt_sample is not None or reported is not None or flow_options:
        raise CertifyError("dt_sample, reported and the flow options apply to flow= only")
    m = parse(f)
    steps = _count(steps, "steps", 100)
    typical = _lyapunov(m, 1, steps=steps)["typical"] if m.program.pl() is not None else {}
    if typical.get("status") == "proved":  # value "log(s)"
        slope = q_parse(typical["value"][4:-1])
        lam = {"status": "proved", "value": math.log(float(slope)), "exact": typical["value"],
               "method": typical["method"]}
        tau = ({"status": "proved", "value": math.log(2) / lam["value"], "exact": f"log(2)/{lam['exact']}"}
               if slope > 1 else {"status": "proved", "value": None,
                                  "method": "lambda <= 0 (proved): no finite predictability horizon"})
    else:
        lam = typical_estimate(m, float(x0) if x0 is not None else 0.2718281828, steps=steps)
        v, se = lam.get("value"), lam.get("stderr")
        if v is None or v <= 0:
            tau = {"status": "estimate", "value": None,
                   "method": "lambda <= 0 (or no estimate): no finite predictability horizon"}
        else:
            tau = {"status": "estimate", "value": math.log(2) / v, "stderr": math.log(2) * se / v ** 2,
                   "method": "ln 2 / lambda with lambda a typical-orbit estimate; stderr by the delta method"}
    out = {"map": m.given, "kind": m.kind, "lambda": lam, "tau_pred": tau}
    return Estimate("forcing_interval", json.dumps(out))


def flow_lyapunov(flow: str, *, params=None, dt=None, horizon=None, transient=None, orbits: int = 32, seed: int = 0,
                  step_check: bool = True) -> dict:
    """The Lyapunov spectrum of a flow (lorenz, rossler, duffing) by Benettin's QR method: an
    estimate with its error bars (no certificate)."""
    from certify.dynamics.flows import get_flow, lyapunov_spectrum

    return lyapunov_spectrum(get_flow(flow), params, dt=dt, horizon=horizon, transient=transient,
                             orbits=_count(orbits, "orbits", 1), seed=seed or 0, step_check=step_check)


_AUDIT_DEFAULTS = dict(activation="relu", init="he", bias="pytorch", first_layer="random", output_activation=None,
                       output_bias=True, widths=(2, 4, 8, 16, 32, 64), samples=1000, protocol=None)


def audit(out: str, *, preset: str | None = None, activation=None, init=None, widths=None, gains=(1,), samples=None,
          seed: int = 0, period=3, protocol=None, bias=None, first_layer=None, output_activation=None,
          output_bias=None, self_check: bool = True, workers: int | None = None, scheduler: str | None = None,
          levels=(0.1, 0.5, 0.9), progress=None) -> "AuditResult":
    """Decide period `period` for `samples` randomly initialised 1D RNN maps per width and gain, into
    the folder `out` (resumable): certified counts, Clopper-Pearson intervals, homogeneity across
    widths, and fitted gain thresholds for a gain sweep (estimates). A `preset` names a published
    configuration; options given explicitly win. Defaults: relu, He init, widths 2..64, 1000 samples."""
    from certify.arith import Budget
    from certify.ensembles.audit import Audit, run_audit
    from certify.ensembles.presets import AUDIT_KEYS, preset as _preset

    opts, notes = dict(_AUDIT_DEFAULTS), None
    if preset:
        p = _preset(preset)
        opts.update({k: p[k] for k in AUDIT_KEYS if k in p})
        notes = {"name": preset, **{k: p[k] for k in ("reported_percent", "table_row", "source")}}
    given = dict(activation=activation, init=init, bias=bias, first_layer=first_layer,
                 output_activation=output_activation, output_bias=output_bias, widths=widths, samples=samples,
                 protocol=protocol)
    opts.update({k: v for k, v in given.items() if v is not None})
    widths = [_count(k, "a width", 1) for k in opts["widths"]]
    gains = [float(g) for g in gains]
    if not levels or not all(0 < float(v) < 1 for v in levels):
        raise CertifyError(f"levels must be probabilities strictly between 0 and 1, got {levels!r}")
    run = Audit(opts["activation"], opts["init"], widths, gains, _count(opts["samples"], "samples", 1), seed,
                period=whole_period(period), protocol=opts["protocol"], bias=opts["bias"],
                first_layer=opts["first_layer"], output_activation=opts["output_activation"],
                budget=Budget(self_check=self_check), output_bias=opts["output_bias"], preset=notes)
    summary = run_audit(run, str(out), workers=workers, scheduler=scheduler, progress=progress,
                        levels=[float(v) for v in levels])
    return AuditResult(str(out), json.dumps(summary, sort_keys=True))


def contraction(f, *, input=None) -> Result:
    """Prove that the n-dimensional RNN f (an RNN file or RNNMap) is a contraction on a box that every
    orbit enters: one fixed point, every orbit converges to it (claim rnn_contraction); or undecided."""
    from certify.dynamics.rnn_contraction import certify_contraction

    if not _is_rnn(f):
        raise CertifyError("contraction reads an n-dimensional RNN (a JSON rnn or rnn_feedback file, an nn.RNN "
                           "state_dict, or certify.rnn(...))")
    net = _rnn_net(f, input)
    return Result.of("contraction", certify_contraction(net), net)


def audit_rnn(out: str, *, widths=(2, 4, 8, 16), gains=(1,), samples: int = 100, seed: int = 0, period=3,
              activation: str = "tanh", self_check: bool = True, workers: int | None = None,
              progress=None) -> "AuditResult":
    """Audit randomly initialised n-dimensional RNNs (nn.RNN(1, width) at PyTorch's default init, weight_hh
    times each gain, input 0) into the folder `out` (resumable): per width and gain the networks with a
    certified cycle of minimal period `period`, those proved non-chaotic (a certified contraction: one
    globally attracting fixed point), and the undecided, with Clopper-Pearson intervals."""
    from certify.arith import Budget
    from certify.ensembles.rnn_audit import RNNAudit, run_rnn_audit

    run = RNNAudit([_count(k, "a width", 1) for k in widths], [float(g) for g in gains],
                   _count(samples, "samples", 1), seed, period=whole_period(period), activation=activation,
                   budget=Budget(self_check=self_check))
    summary = run_rnn_audit(run, str(out), workers=workers, progress=progress)
    return AuditResult(str(out), json.dumps(summary, sort_keys=True))


@dataclass(frozen=True)
class AuditResult(_TextViews):
    """An audit's summary (certified counts per width and gain, intervals, tests, fitted thresholds)
    and the folder holding audit.json, results.jsonl and summary.json."""

    folder: str
    summary_json: str = field(repr=False)

    @property
    def summary(self) -> dict:
        return json.loads(self.summary_json)

    @property
    def rows(self) -> list[dict]:
        """One row per (width, gain): n, proved, refuted, undecided, p = proved/n, ci95 (Clopper-Pearson)."""
        return self.summary["rows"]

    @property
    def text(self) -> str:
        if self.summary.get("model") == "rnn":
            from certify.ensembles.rnn_audit import render_rnn_audit
            return render_rnn_audit(self.summary)
        from certify.reporting.text import render_audit
        return render_audit(self.summary)


def report(*paths, html: str | None = None, markdown: str | None = None, recheck="all", workers: int | None = None,
           progress=None):
    """Re-check certificate files and audit folders with the kernel (an audit's networks re-created
    from its seed: all, or the first `recheck` per verdict and cell) and write a self-contained HTML
    page and/or Markdown. Returns the Report (`ok`, `lines()`, `certificates`, `audits`); nothing is
    shown as certified that did not pass its check."""
    from certify.reporting.page import build_report, write_report

    if recheck != "all":
        recheck = _count(recheck, "recheck", 0)
    rep = build_report([str(p) for p in paths], recheck=recheck, workers=workers, progress=progress)
    if html is not None or markdown is not None:
        rep.written = list(write_report(rep, html=html, markdown=markdown))
    return rep
