"""The `certify` command: parse, call, print. Exit codes: 0 proved/refuted or check passed,
1 check failed, 2 bad input (one line on stderr), 3 undecided."""

from __future__ import annotations

import argparse
import json
import re
import sys

from certify import __version__
from certify.errors import CertifyError

EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_UNDECIDED = 0, 1, 2, 3


# Imported on first use, so that `certify --version` and `certify --help` load no flint, sympy or
# numpy (tests/test_startup.py); each stands for the function of the same name.
def Budget(**kw):
    """certify.arith.Budget(**kw)."""
    from certify.arith import Budget

    return Budget(**kw)


def dumps(cert: dict) -> str:
    """certify.certificates.dumps(cert)."""
    from certify.certificates import dumps

    return dumps(cert)


def read(path: str) -> dict:
    """certify.certificates.read(path)."""
    from certify.certificates import read

    return read(path)


def write_atomic(path: str, text: str) -> None:
    """certify.certificates.write_atomic(path, text)."""
    from certify.certificates import write_atomic

    write_atomic(path, text)


class _Parser(argparse.ArgumentParser):
    """One-line errors; a map such as "-2*tanh(x)" or "-hardtanh(x)" is a positional argument, not an
    option: an argument with one leading dash is an option only when it is one of the parser's
    options exactly, or a short option with digits attached ("-p3", "-p=3"). Long options are never
    abbreviated (so no map can be read as one)."""

    def __init__(self, *a, **kw):
        kw["allow_abbrev"] = False
        super().__init__(*a, **kw)

    def _parse_optional(self, arg_string):
        if arg_string.startswith("-") and not arg_string.startswith("--") and len(arg_string) > 1 \
                and arg_string not in self._option_string_actions \
                and not (arg_string[:2] in self._option_string_actions and _ATTACHED.fullmatch(arg_string[2:])):
            return None  # a map (or a negative number): positional
        return super()._parse_optional(arg_string)

    def error(self, message):
        raise CertifyError(message)


_ATTACHED = re.compile(r"=?[0-9]+")


def _one_line(text: str, limit: int = 500) -> str:
    """A message as one bounded line: whitespace runs (newlines included) become one space, characters
    the terminal may not take are escaped, and the tail beyond `limit` characters is cut."""
    text = " ".join(str(text).split())
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= limit else text[:limit] + " [...]"


def _period(text: str) -> int:
    from certify.certificates.limits import MAX_PERIOD

    text = text.strip()
    if not re.fullmatch(r"-?[0-9]{1,12}", text):  # ASCII digits: int() would take '٣' and '1_000' too
        raise CertifyError(f"--period must be a whole number >= 1, got {_one_line(repr(text), 40)}")
    p = int(text)
    if p < 1:
        raise CertifyError(f"--period must be >= 1, got {p}")
    if p > MAX_PERIOD:
        raise CertifyError(f"--period {p} is beyond the limit {MAX_PERIOD}")
    return p


def _domain(text: str, option: str = "--domain"):
    from flint import fmpq

    from certify.maps.formulas import parse_number

    parts = text.split(",")
    if len(parts) != 2:
        raise CertifyError(f"{option} takes LO,HI (two numbers), got {text!r}")
    lo, hi = (parse_number(s.strip(), f"{option} bound") for s in parts)
    if not (lo.is_Rational and hi.is_Rational):
        raise CertifyError(f"{option} bounds must be rational numbers")
    lo, hi = fmpq(int(lo.p), int(lo.q)), fmpq(int(hi.p), int(hi.q))
    if not lo < hi:
        raise CertifyError(f"{option} needs LO < HI, got {text!r}")
    return lo, hi


def _budget(args, **kw) -> Budget:
    """The work budget of a command from its options (--max-cells, ...), with the progress line on a
    terminal. Work budgets make verdicts machine-independent; --timeout (see _timeout) does not."""
    if getattr(args, "max_cells", None) is not None:
        if args.max_cells < 1:
            raise CertifyError(f"--max-cells must be at least 1, got {args.max_cells}")
        kw["max_cells"] = kw["max_pl_cells"] = args.max_cells
    return Budget(progress=_progress if sys.stderr.isatty() else None, **kw)


def _timeout(args):
    """--timeout SECONDS: the outer guard (None: none); on firing the verdict is undecided, reason
    "time limit (machine-dependent)" (certify.limits)."""
    t = args.timeout
    if t is not None and not (0 < t < float("inf")):
        raise CertifyError("--timeout must be a positive number of seconds")
    return t


def _clear_progress() -> None:
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K")


def _figure_file(path, option: str):
    """path when it names a figure file (.png, .pdf or .svg), checked before any work; None stays None."""
    if path is not None:
        from certify.reporting.figures import check_extension
        try:
            check_extension(path)
        except CertifyError as e:
            raise CertifyError(f"{option}: {e}") from None
    return path


def _write_figure(fig, path: str) -> None:
    from certify.reporting.figures import save
    save(fig, path)


def _threshold(args, p: int) -> int:
    from certify.maps import parse_family
    from certify.reporting.text import render_onset, render_windows
    from certify.thresholds import certify_onset, certify_windows

    rng = _domain(args.range, "--range")
    fam = parse_family(args.map, args.param, args.group, args.activation)
    run, render = ((certify_onset, render_onset) if args.cmd == "threshold"
                   else (certify_windows, render_windows))
    cert = run(fam, p, rng, digits=args.digits, budget=_budget(args), timeout=_timeout(args))
    _clear_progress()
    return _emit(args, cert, render)


def _bifurcation(args) -> int:
    """The certified windows of each period (onsets for families neither polynomial nor piecewise
    linear), printed and drawn over the float orbit diagram; --out PREFIX writes PREFIX-pP.json."""
    from certify.checker.plfamily import pl_family
    from certify.maps import parse_family
    from certify.reporting.figures import bifurcation
    from certify.reporting.text import render_onset, render_windows
    from certify.thresholds import certify_onset, certify_windows

    _figure_file(args.plot, "--plot")
    periods = [_period(v) for v in args.period.split(",")]
    if len(set(periods)) != len(periods):
        raise CertifyError(f"--period lists a period twice: {args.period!r}")
    rng = _domain(args.range, "--range")
    fam = parse_family(args.map, args.param, args.group, args.activation)
    exact = fam.is_polynomial() or pl_family(fam.program, *rng) is not None
    run, render = (certify_windows, render_windows) if exact else (certify_onset, render_onset)
    certs = []
    for p in periods:
        certs.append(run(fam, p, rng, digits=args.digits, budget=_budget(args), timeout=_timeout(args)))
        _clear_progress()
    _write_figure(bifurcation(fam, rng, certs), args.plot)
    written = []
    if args.out:
        prefix = args.out[:-5] if args.out.lower().endswith(".json") else args.out
        for p, cert in zip(periods, certs):
            written.append(f"{prefix}-p{p}.json")
            write_atomic(written[-1], dumps(cert))
    if args.json:
        sys.stdout.write(json.dumps(certs, sort_keys=True, indent=1, ensure_ascii=False) + "\n")
    else:
        print("\n\n".join(render(cert) for cert in certs))
        for path in written:
            print(f"written  {path}  (re-check with: certify check {path})")
        print(f"plot     {args.plot}")
    return EXIT_UNDECIDED if any(c["verdict"] == "undecided" for c in certs) else EXIT_OK


def _chaos_onset(args) -> int:
    from certify.maps import parse_family
    from certify.reporting.text import render_chaos_onset
    from certify.thresholds.chaos import PERIODS, certify_chaos_onset

    periods = PERIODS if args.periods is None else tuple(_period(v) for v in args.periods.split(","))
    cert = certify_chaos_onset(parse_family(args.map, args.param, args.group, args.activation), _domain(args.range, "--range"), periods,
                               budget=_budget(args), timeout=_timeout(args))
    _clear_progress()
    return _emit(args, cert, render_chaos_onset)


def _phase(args) -> int:
    from flint import fmpq

    from certify.maps import parse_family2
    from certify.maps.formulas import parse_number
    from certify.reporting.figures import phase as phase_figure
    from certify.reporting.phase import render_phase
    from certify.thresholds.phase import certify_phase

    parts = args.range.split(",")
    if len(parts) != 4:
        raise CertifyError(f"--range takes X0,X1,Y0,Y1 (four numbers), got {args.range!r}")
    vals = [parse_number(s.strip(), "--range bound") for s in parts]
    if not all(v.is_Rational for v in vals):
        raise CertifyError("--range bounds must be rational numbers")
    x0, x1, y0, y1 = (fmpq(int(v.p), int(v.q)) for v in vals)
    _figure_file(args.out, "--out (the diagram; the certificate goes to --cert)")
    fam = parse_family2(args.map, args.x, args.y)
    cert = certify_phase(fam, ((x0, x1), (y0, y1)), grid=args.grid, depth=args.depth, budget=_budget(args),
                         timeout=_timeout(args))
    _clear_progress()
    text = dumps(cert)
    if args.cert:
        write_atomic(args.cert, text)
    if args.out and cert["evidence"]:
        _write_figure(phase_figure(cert), args.out)
    if args.json:
        sys.stdout.write(text)
    else:
        print(render_phase(cert))
        if args.out and cert["evidence"]:
            print(f"plot     {args.out}")
        if args.cert:
            print(f"written  {args.cert}  (re-check with: certify check {args.cert})")
    return EXIT_UNDECIDED if cert["verdict"] == "undecided" else EXIT_OK


def _emit(args, cert: dict, render) -> int:
    """Write --out, print the JSON (--json) or the rendered text, and give the verdict's exit code."""
    text = dumps(cert)
    if args.out:
        write_atomic(args.out, text)
    if args.json:
        sys.stdout.write(text)
    else:
        print(render(cert))
        if args.out:
            print(f"written  {args.out}  (re-check with: certify check {args.out})")
    return EXIT_UNDECIDED if cert["verdict"] == "undecided" else EXIT_OK


def _gains(text: str):
    parts = text.split(":")
    try:
        vals = [float(v) for v in parts]
    except ValueError:
        raise CertifyError(f"--gain takes a number or START:STOP:STEP, got {text!r}") from None
    if len(vals) == 1:
        return vals
    if len(vals) != 3 or vals[2] <= 0 or vals[1] < vals[0]:
        raise CertifyError(f"--gain START:STOP:STEP needs STEP > 0 and STOP >= START, got {text!r}")
    n = int(round((vals[1] - vals[0]) / vals[2]))
    return [round(vals[0] + i * vals[2], 12) for i in range(n + 1)]


def _levels(text: str):
    try:
        levels = [float(v) for v in text.split(",")]
    except ValueError:
        levels = []
    if not levels or not all(0 < v < 1 for v in levels):
        raise CertifyError(f"--levels takes comma-separated probabilities strictly between 0 and 1, got {text!r}")
    return levels


def _audit(args) -> int:
    from certify.ensembles.audit import Audit, run_audit
    from certify.reporting.text import render_audit

    from certify.ensembles.presets import AUDIT_KEYS, preset

    opts = dict(activation="relu", init="he", bias="pytorch", first_layer="random", output_activation=None,
                output_bias=True, widths=[2, 4, 8, 16, 32, 64], samples=1000, protocol=None)
    notes = None
    if args.preset:  # a named configuration; options given explicitly still win
        p = preset(args.preset)
        opts.update({k: p[k] for k in AUDIT_KEYS if k in p})
        notes = {"name": args.preset, **{k: p[k] for k in ("reported_percent", "table_row", "source")}}
    if args.widths is not None:
        try:
            opts["widths"] = [int(w) for w in args.widths.split(",")]
        except ValueError:
            raise CertifyError(f"--widths takes comma-separated whole numbers, got {args.widths!r}") from None
    if args.output_bias is not None:
        opts["output_bias"] = args.output_bias == "added"
    for k in ("activation", "init", "bias", "first_layer", "output_activation", "samples", "protocol"):
        if getattr(args, k) is not None:
            opts[k] = getattr(args, k)
    audit = Audit(opts["activation"], opts["init"], opts["widths"], _gains(args.gain), opts["samples"], args.seed,
                  period=_period(args.period), protocol=opts["protocol"], bias=opts["bias"],
                  first_layer=opts["first_layer"], output_activation=opts["output_activation"],
                  budget=Budget(self_check=not args.no_self_check), output_bias=opts["output_bias"],
                  preset=notes)
    summary = run_audit(audit, args.out, workers=args.workers, scheduler=args.scheduler, levels=_levels(args.levels))
    print(render_audit(summary))
    return EXIT_OK


def _report(args) -> int:
    """certify report PATH...: re-check, then write the pages; exit 1 if anything failed its check."""
    import os

    from certify.reporting.page import build_report, write_report

    html, markdown = args.html, args.markdown
    if html is None and markdown is None:
        if len(args.paths) != 1 or not os.path.isdir(args.paths[0]):
            raise CertifyError("give --html FILE and/or --markdown FILE (only a single audit folder gets "
                               "FOLDER/report.html and FOLDER/report.md by default)")
        html, markdown = (os.path.join(args.paths[0], name) for name in ("report.html", "report.md"))
    if args.recheck == "all":
        recheck = "all"
    else:
        try:
            recheck = int(args.recheck)
        except ValueError:
            recheck = -1
        if recheck < 0:
            raise CertifyError(f"--recheck takes a whole number >= 0 or 'all', got {args.recheck!r}")
    if args.workers is not None and args.workers < 1:
        raise CertifyError(f"--workers must be at least 1, got {args.workers}")
    report = build_report(args.paths, recheck=recheck, workers=args.workers)
    for line in report.lines():
        print(line)
    for path in write_report(report, html=html, markdown=markdown):
        print(f"written     {path}")
    return EXIT_OK if report.ok else EXIT_FAILED


def _gradients(args) -> int:
    from flint import fmpq

    from certify.dynamics.gradients import gradients
    from certify.maps.formulas import parse_number
    from certify.reporting.text import render_gradients

    x0 = parse_number(args.x0, "--x0")
    if not x0.is_Rational:
        raise CertifyError("--x0 must be a rational number")
    _figure_file(args.plot, "--plot")
    family, value, y0, m = None, None, None, None
    if args.param is None:
        if args.at or args.loss or args.target_x0:
            raise CertifyError("--at, --loss and --target-x0 need --param NAME")
        m = _map(args)
    else:
        family, value = _gradient_family(args)
        if args.target_x0:
            if not args.loss:
                raise CertifyError("--target-x0 sets the loss's targets: it needs --loss")
            y0 = _rational(args.target_x0, "--target-x0")
    cert = gradients(m, fmpq(int(x0.p), int(x0.q)), args.horizon, family=family, value=value, loss=args.loss, y0=y0)
    if args.plot and cert["verdict"] == "proved":
        from certify.reporting.figures import gradient
        _write_figure(gradient(cert), args.plot)
    return _emit(args, cert, render_gradients)


def _gradient_family(args):
    """(family, value) for `gradients --param`: a weight of an rnn1d network (its own value unless --at),
    or a family's free parameter at --at."""
    from certify.maps import parse_family, weight_family

    name = args.param
    if re.fullmatch(r"[wba][0-9]+|c", name) and _map_kind(args.map, args.activation) == "rnn1d":
        fam, value = weight_family(args.map, name, args.activation)
        return fam, _rational(args.at, "--at") if args.at else value
    if not args.at:
        raise CertifyError(f"--param {name} needs --at VALUE (the parameter value of the orbit)")
    return parse_family(args.map, name, activation=args.activation), _rational(args.at, "--at")


def _map(args):
    """The command's MAP; --activation names a weights file's hidden activation when the file does not."""
    from certify.maps import parse_map
    return parse_map(args.map, activation=args.activation)


def _map_kind(spec: str, activation=None):
    """'rnn1d' when the spec is a network (weights file or rnn1d(...)), else None, without failing."""
    from certify.maps import parse_map
    try:
        return parse_map(spec, activation).canonical["kind"]
    except CertifyError:
        return None


def _flow_or_map(args, flow_only: tuple) -> bool:
    """True for a flow (--flow), False for a map; refuses both, neither, or flow options on a map."""
    if args.flow is not None and args.map is not None:
        raise CertifyError("give a MAP or --flow NAME, not both")
    if args.flow is None and args.map is None:
        raise CertifyError("give a MAP, or --flow NAME for a continuous-time system (lorenz, rossler, duffing)")
    if args.flow is not None and args.activation is not None:
        raise CertifyError("--activation applies to a weights file, not to --flow")
    if args.flow is None:
        given = [o for o in flow_only if getattr(args, o.lstrip("-").replace("-", "_")) not in (None, False)]
        if given:
            raise CertifyError(f"{given[0]} applies to --flow only")
    return args.flow is not None


def _flow_estimate(args) -> dict:
    from certify.dynamics.flows import get_flow, lyapunov_spectrum

    orbits = 32 if args.orbits is None else args.orbits
    if orbits < 1:
        raise CertifyError(f"--orbits must be >= 1, got {orbits}")
    return lyapunov_spectrum(get_flow(args.flow), args.params, dt=args.dt, horizon=args.horizon,
                             transient=args.transient, orbits=orbits, seed=args.seed or 0,
                             step_check=not args.no_step_check)


def _flow_forcing(args) -> int:
    """tau_pred of a flow: an estimate, in time units and in steps of --dt-sample; --reported audited."""
    from certify.dynamics.flows import predictability, reported_audit
    from certify.reporting.text import render_flow

    if args.dt_sample is None:
        raise CertifyError("--flow needs --dt-sample DT, the sampling step of the data (tau in steps = "
                           "tau in time / DT; the paper's step is not stated, so there is no default)")
    if not args.dt_sample > 0:
        raise CertifyError(f"--dt-sample must be positive, got {args.dt_sample:g}")
    if args.reported is not None and not args.reported > 0:
        raise CertifyError(f"--reported must be a positive number of steps, got {args.reported:g}")
    res = _flow_estimate(args)
    res["tau_pred"] = predictability(res["lambda_max"], args.dt_sample)
    if args.reported is not None:
        res["reported"] = reported_audit(args.reported, args.dt_sample, res["lambda_max"])
    print(json.dumps(res, sort_keys=True, indent=1) if args.json else render_flow(res))
    return EXIT_OK


_FLOW_OPTIONS = ("--params", "--horizon", "--dt", "--transient", "--orbits", "--seed", "--no-step-check")


def _forcing(args) -> int:
    """tau_pred = ln 2 / lambda: proved when lambda is (constant-slope PL maps), else an estimate."""
    import math

    from certify.certificates import q_parse
    from certify.dynamics import lyapunov, typical_estimate

    if _flow_or_map(args, _FLOW_OPTIONS + ("--dt-sample", "--reported")):
        return _flow_forcing(args)
    m = _map(args)
    typical = lyapunov(m, 1, steps=args.steps or 100_000)["typical"] if m.program.pl() is not None else {}
    if typical.get("status") == "proved":  # value "log(s)"
        slope = q_parse(typical["value"][4:-1])
        lam = {"status": "proved", "value": math.log(float(slope)), "exact": typical["value"],
               "method": typical["method"]}
        tau = ({"status": "proved", "value": math.log(2) / lam["value"], "exact": f"log(2)/{lam['exact']}"}
               if slope > 1 else {"status": "proved", "value": None,
                                  "method": "lambda <= 0 (proved): no finite predictability horizon"})
    else:
        x0 = float(args.x0) if args.x0 else 0.2718281828
        lam = typical_estimate(m, x0, steps=args.steps or 100_000)
        v, se = lam.get("value"), lam.get("stderr")
        if v is None or v <= 0:
            tau = {"status": "estimate", "value": None,
                   "method": "lambda <= 0 (or no estimate): no finite predictability horizon"}
        else:
            tau = {"status": "estimate", "value": math.log(2) / v, "stderr": math.log(2) * se / v ** 2,
                   "method": "ln 2 / lambda with lambda a typical-orbit estimate; stderr by the delta method"}
    out = {"map": m.given, "lambda": lam, "tau_pred": tau}
    if args.json:
        print(json.dumps(out, sort_keys=True, indent=1))
    else:
        lv = lam.get("value")
        if lam["status"] == "proved":
            lam_txt = f"{lam['exact']} (PROVED: {lam['method']})"
        elif lv is None:
            lam_txt = "n/a (ESTIMATE failed)"
        else:
            lam_txt = f"{lv:.6g} +/- {lam['stderr']:.1e} (ESTIMATE)"
        print(f"map      {m.given}   [{m.kind}]")
        print(f"lambda   {lam_txt}")
        if tau.get("value") is None:
            print(f"tau_pred none: {tau['method']}")
        else:
            err = f" +/- {tau['stderr']:.2g}" if tau.get("stderr") is not None else ""
            print(f"tau_pred {tau['value']:.4g}{err} steps ({tau['status'].upper()}): the sparse teacher-forcing "
                  f"interval of Mikhaeil et al.")
    return EXIT_OK


def _entropy(args) -> int:
    from certify.dynamics.entropy import entropy_bounds
    from certify.reporting.text import render_entropy

    from certify.checker.entropy import MAX_DEPTH

    if not 1 <= args.depth <= MAX_DEPTH:
        raise CertifyError(f"--depth must be between 1 and {MAX_DEPTH} (the checker's limit), got {args.depth}")
    m = _map(args)
    cert = entropy_bounds(m, _domain(args.domain) if args.domain else None, budget=_budget(args, lap_depth=args.depth),
                          timeout=_timeout(args))
    _clear_progress()
    return _emit(args, cert, render_entropy)


def _lyapunov(args) -> int:
    from certify.dynamics import lyapunov
    from certify.reporting.text import render_lyapunov

    if _flow_or_map(args, _FLOW_OPTIONS):
        from certify.reporting.text import render_flow

        if args.out or args.x0 is not None or args.steps is not None or args.orbit_period != "1":
            raise CertifyError("--out, --x0, --steps and --orbit-period apply to maps; a flow's exponents "
                               "are estimates (no certificate): use --json")
        res = _flow_estimate(args)
        print(json.dumps(res, sort_keys=True, indent=1) if args.json else render_flow(res))
        return EXIT_OK
    args.steps = 100_000 if args.steps is None else args.steps
    p = _period(args.orbit_period)
    if args.steps < 100:
        raise CertifyError("--steps must be at least 100")
    from certify.maps.plrnn import is_plrnn_file
    if is_plrnn_file(args.map):
        if args.activation is not None:
            raise CertifyError("--activation applies to weights files of 1D networks, not to a PLRNN file")
        return _lyapunov_plrnn(args, p)
    x0 = None
    if args.x0 is not None:
        try:
            x0 = float(args.x0)
        except ValueError:
            raise CertifyError(f"--x0 must be a number, got {args.x0!r}") from None
    m = _map(args)
    cert = lyapunov(m, p, x0=x0, steps=args.steps,
                    budget=Budget(progress=_progress if sys.stderr.isatty() else None))
    return _emit(args, cert, render_lyapunov)


def _flow_arguments(p) -> None:
    p.add_argument("--flow", help="a continuous-time system instead of a map: lorenz, rossler or duffing "
                                  "(Lyapunov exponents by Benettin's QR method, an estimate)")
    p.add_argument("--params", help="with --flow: NAME=VALUE,... overriding the defaults (e.g. rho=28,beta=8/3)")
    p.add_argument("--horizon", type=float, help="with --flow: time units per orbit after the transient")
    p.add_argument("--dt", type=float, help="with --flow: the RK4 integration step")
    p.add_argument("--transient", type=float, help="with --flow: time units discarded first")
    p.add_argument("--orbits", type=int, help="with --flow: initial conditions run together (default 32)")
    p.add_argument("--seed", type=int, help="with --flow: seed of the initial conditions (default 0)")
    p.add_argument("--no-step-check", action="store_true", help="with --flow: skip the dt/2 re-run")


def _rational(text: str, option: str):
    """An exact rational command-line number (decimals are exact: 1e-12 is 10^-12)."""
    from flint import fmpq

    from certify.maps.formulas import parse_number

    v = parse_number(text, option)
    if not v.is_Rational:
        raise CertifyError(f"{option} must be a rational number, got {text!r}")
    return fmpq(int(v.p), int(v.q))


def _robustness(args) -> int:
    from certify.dynamics.robustness import persistence, robustness
    from certify.reporting.text import render_robustness
    from certify.certificates import q_parse

    if args.searches < 1:
        raise CertifyError(f"--searches must be at least 1, got {args.searches}")
    if args.persistence is not None and args.persistence < 1:
        raise CertifyError("--persistence needs a positive number of samples")
    deltas = [_rational(d.strip(), "--delta") for d in args.delta.split(",")] if args.delta else None
    if deltas and any(d < 0 for d in deltas):
        raise CertifyError("--delta values must be >= 0")
    m = _map(args)
    if m.canonical.get("kind") != "rnn1d":
        raise CertifyError("the robustness radius is defined for networks: give a weights file or rnn1d(...)")
    if args.persistence and m.program.pl() is None:
        raise CertifyError("the persistence experiment needs a piecewise-linear network (exact verdicts)")
    cert = robustness(m, seed=args.seed, budget=_budget(args, searches=args.searches), timeout=_timeout(args))
    _clear_progress()
    if args.persistence:
        if deltas is None:
            r = cert.get("radius") or {}
            lo = q_parse(r["lo"]) if r.get("lo") not in (None, "0") else None
            deltas = [lo, 4 * lo, 16 * lo] if lo else []
            if r.get("hi") not in (None, "0"):
                deltas.append(q_parse(r["hi"]))
        if deltas:
            cert["experiment"] = persistence(m, sorted(set(deltas)), args.persistence, args.seed)
    return _emit(args, cert, render_robustness)


def _oscillations(args) -> int:
    from certify.dynamics.oscillations import oscillations
    from certify.reporting.text import render_oscillations

    _figure_file(args.plot, "--plot")
    m = _map(args)
    cert = oscillations(m, args.upto, max_odd=args.max_odd, budget=_budget(args), timeout=_timeout(args))
    _clear_progress()
    if args.plot and cert["verdict"] == "proved":
        from certify.reporting.figures import laps
        _write_figure(laps(cert), args.plot)
    return _emit(args, cert, render_oscillations)


def _scrambling(args) -> int:
    from certify.dynamics.scrambling import scrambling
    from certify.reporting.text import render_scrambling

    x, y = _rational(args.x, "--x"), _rational(args.y, "--y")
    eps, delta = _rational(args.eps, "--eps"), _rational(args.delta, "--delta")
    m = _map(args)
    cert = scrambling(m, x, y, eps, delta, args.horizon)
    return _emit(args, cert, render_scrambling)


def _lyapunov_plrnn(args, p: int) -> int:
    """An n-dimensional PLRNN file: certified cycles of period 1..P, and a spectrum estimate (--spectrum)."""
    import math

    from certify.dynamics.plrnn import lyapunov_plrnn
    from certify.maps.plrnn import load_plrnn
    from certify.reporting.text import render_plrnn

    net = load_plrnn(args.map)
    z0 = None
    if args.x0 is not None:
        try:
            z0 = [float(v) for v in args.x0.split(",")]
        except ValueError:
            raise CertifyError(f"--x0 for a PLRNN takes {net.n} comma-separated numbers, got {args.x0!r}") from None
        if len(z0) != net.n or not all(math.isfinite(v) for v in z0):
            raise CertifyError(f"--x0 for a PLRNN takes {net.n} comma-separated finite numbers, got {args.x0!r}")
    cert = lyapunov_plrnn(net, p, spectrum=args.spectrum, z0=z0, steps=args.steps, cap=args.cap,
                          budget=Budget(progress=_progress if sys.stderr.isatty() else None))
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K")
    return _emit(args, cert, render_plrnn)


def _parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="certify", description="Rigorous verdicts on periodic orbits and chaos of 1D maps, "
                                             "with certificates an independent checker re-verifies.")
    ap.add_argument("--version", action="version", version=f"certify {__version__}")
    sub = ap.add_subparsers(dest="cmd", required=True, parser_class=_Parser)
    for name, help_ in (("period", "prove or refute: a point of minimal period P exists"),
                        ("orbits", "every orbit of minimal period P, proven complete")):
        sp = sub.add_parser(name, help=help_)
        sp.add_argument("map", help="a family like 'logistic(r=3.83)', a formula in x, or a weights file")
        _activation_argument(sp)
        sp.add_argument("--period", "-p", required=True, help="the period P >= 1")
        sp.add_argument("--domain", help="LO,HI: work on an interval f maps into itself (default: all of R)")
        sp.add_argument("--json", action="store_true", help="print the certificate (JSON) on stdout")
        sp.add_argument("--out", help="write the certificate to this file (atomically)")
        sp.add_argument("--plot", help="write a cobweb plot of the orbit(s) to this .png, .pdf or .svg file")
        sp.add_argument("--max-prec", type=int, default=1024, help="largest precision in bits (default 1024)")
        _limit_arguments(sp, "cells of the cover of the region: a ball cover over all its precisions, or the "
                             "exact enumeration of f^P for piecewise-linear maps")
    for name, help_ in (("threshold", "the least parameter in a range with a point of minimal period P"),
                        ("windows", "the parameters in a range with points of minimal period P")):
        tp = sub.add_parser(name, help=help_)
        tp.add_argument("map", help="a family with one free parameter, e.g. 'logistic(r)' or 'x^2 - c'")
        _activation_argument(tp)
        tp.add_argument("--param", "--scale", dest="param", required=True,
                        help="the parameter's name, e.g. r; for a weights file, the name of a gain multiplying "
                             "every weight and bias")
        tp.add_argument("--group", help="with a weights file: the weight groups the gain multiplies, a comma "
                                        "list of w, b, a, c (input weights, hidden biases, output weights, "
                                        "output bias; default all)")
        tp.add_argument("--period", "-p", default="3", help="the period P >= 1 (default 3)")
        tp.add_argument("--range", required=True, help="A,B: the parameter range")
        tp.add_argument("--digits", type=int, default=30, help="enclosure width 10^-digits (default 30)")
        _limit_arguments(tp, "cells of a cover of the region (each period verdict), and of a parameter cover "
                             "(smooth families) over all its pieces")
        tp.add_argument("--json", action="store_true", help="print the certificate (JSON) on stdout")
        tp.add_argument("--out", help="write the certificate to this file (atomically)")
    co = sub.add_parser("chaos-onset", help="certified upper bound on where topological entropy becomes positive")
    co.add_argument("map", help="a family with one free parameter, e.g. 'logistic(r)'")
    _activation_argument(co)
    co.add_argument("--param", "--scale", dest="param", required=True, help="the parameter's name")
    co.add_argument("--range", required=True, help="A,B: the parameter range")
    co.add_argument("--group", help="with a weights file: the weight groups the gain multiplies (w, b, a, c)")
    co.add_argument("--periods", default=None,
                    help="periods (not powers of 2) whose birth to look for (default 3,5,6,10,12,20,24,48)")
    _limit_arguments(co, "cells of the cover of the region of each period verdict")
    co.add_argument("--json", action="store_true", help="print the certificate (JSON) on stdout")
    co.add_argument("--out", help="write the certificate to this file (atomically)")
    bp = sub.add_parser("bifurcation", help="orbit diagram (floats) of a one-parameter family with the certified "
                                            "windows of chosen periods overlaid")
    bp.add_argument("map", help="a family with one free parameter, e.g. 'logistic(r)'")
    _activation_argument(bp)
    bp.add_argument("--param", "--scale", dest="param", required=True, help="the parameter's name")
    bp.add_argument("--range", required=True, help="A,B: the parameter range")
    bp.add_argument("--plot", required=True, help="write the diagram to this .png, .pdf or .svg file")
    bp.add_argument("--period", "-p", default="3", help="comma-separated periods whose windows are certified "
                                                         "(default 3)")
    bp.add_argument("--group", help="with a weights file: the weight groups the gain multiplies (w, b, a, c)")
    bp.add_argument("--digits", type=int, default=30, help="enclosure width 10^-digits (default 30)")
    _limit_arguments(bp, "as for `certify windows`, for each period")
    bp.add_argument("--json", action="store_true", help="print the certificates (a JSON list) on stdout")
    bp.add_argument("--out", metavar="PREFIX", help="write each period's certificate to PREFIX-pP.json")


    ph = sub.add_parser("phase", help="phase diagram of a two-parameter PL family: period 3, robust chaos, "
                                      "exact boundary curves")
    ph.add_argument("map", help="a family with two free parameters, e.g. 'skew_tent(aL, aR, 1)'")
    ph.add_argument("--x", required=True, help="the horizontal parameter's name")
    ph.add_argument("--y", required=True, help="the vertical parameter's name")
    ph.add_argument("--range", required=True, help="X0,X1,Y0,Y1: the parameter rectangle")
    ph.add_argument("--grid", type=int, default=16, help="cells per side before refinement (default 16)")
    ph.add_argument("--depth", type=int, default=5, help="times an undecided cell may be split (default 5)")
    _limit_arguments(ph, "cells classified; past it undecided cells are no longer split (a note says so)",
                     "400,000")
    ph.add_argument("--out", help="write the phase diagram to this .png, .pdf or .svg file")
    ph.add_argument("--cert", help="write the certificate to this file (atomically)")
    ph.add_argument("--json", action="store_true", help="print the certificate (JSON) on stdout")
    ap2 = sub.add_parser("audit", help="decide period P for many randomly initialised RNN maps (resumable)")
    ap2.add_argument("--preset", help="a named configuration (sets the options below; explicit ones win): "
                                      "notebook-ones-he, notebook-he, notebook-he-uniform, "
                                      "notebook-normal-k-truncnormal, notebook-glorot, each also with -depth2")
    ap2.add_argument("--activation", help="hidden activation (default relu)")
    ap2.add_argument("--init", help="he (default), he_uniform, xavier, xavier_uniform, lecun, pytorch, "
                                    "notebook-glorot, notebook-normal-k")
    ap2.add_argument("--bias", help="pytorch (default; U(+-1/sqrt(fan_in))), zero, scheme, normal:STD, uniform:A, "
                                    "uniform:LO:HI, truncnormal:STD:A")
    ap2.add_argument("--widths", help="comma-separated widths (default 2,4,8,16,32,64)")
    ap2.add_argument("--gain", default="1", help="a gain, or START:STOP:STEP (inclusive)")
    ap2.add_argument("--samples", type=int, help="networks per width and gain (default 1000)")
    ap2.add_argument("--seed", type=int, default=0)
    ap2.add_argument("--period", "-p", default="3")
    ap2.add_argument("--protocol", help="also run a published grid detector: grid163 or grid163-unit")
    ap2.add_argument("--first-layer", choices=("random", "ones"), help="random (default) or ones (w_i = 1)")
    ap2.add_argument("--output-activation")
    ap2.add_argument("--output-bias", choices=("added", "dropped"),
                     help="dropped: the output bias is drawn but not added (c = 0); default added")
    ap2.add_argument("--workers", type=int, help="processes (default: all cores)")
    ap2.add_argument("--scheduler", help="run on a dask cluster: tcp://HOST:PORT of a running scheduler, or "
                                         "local-cluster[:N] (N local dask workers); default: local processes")
    ap2.add_argument("--no-self-check", action="store_true",
                     help="skip the kernel re-check of each verdict (faster; re-check any network later)")
    ap2.add_argument("--levels", default="0.1,0.5,0.9",
                     help="with a gain sweep: fit the gains where the certified probability crosses these levels "
                          "(an estimate; default 0.1,0.5,0.9)")
    ap2.add_argument("--out", required=True, help="folder for audit.json, results.jsonl, summary.json")
    gp = sub.add_parser("gradients", help="certified BPTT factors d x_T / d x_0 along an orbit, growth vs lambda")
    gp.add_argument("map")
    _activation_argument(gp)
    gp.add_argument("--x0", required=True, help="the orbit's start (an exact number, e.g. 0.3 or 3/10)")
    gp.add_argument("--horizon", type=int, default=2000, help="the largest T (default 2000)")
    gp.add_argument("--plot", help="write log|dx_T/dx_0| against T (and the parameter gradients) to this .png, "
                                   ".pdf or .svg file")
    gp.add_argument("--param", help="also d x_T/d NAME: a family's free parameter (with --at), or a weight "
                                    "w<i>, b<i>, a<i> (i from 0, as in numpy) or c of an rnn1d network")
    gp.add_argument("--at", help="with --param: the parameter's exact value (a network weight: default its own)")
    gp.add_argument("--loss", action="store_true", help="with --param: the gradient of L_T = (1/T) sum (x_t - y_t)^2")
    gp.add_argument("--target-x0", help="with --loss: start y0 of the target orbit y_t (default x0 + 1/1000)")
    gp.add_argument("--json", action="store_true")
    gp.add_argument("--out")
    fp = sub.add_parser("forcing-interval", help="predictability time ln 2 / lambda_max and its status")
    fp.add_argument("map", nargs="?", help="a 1D map (or use --flow)")
    _activation_argument(fp)
    fp.add_argument("--x0", help="start of the typical orbit (default: a generic point)")
    fp.add_argument("--steps", type=int, help="length of the typical orbit (default 100000)")
    fp.add_argument("--json", action="store_true")
    _flow_arguments(fp)
    fp.add_argument("--dt-sample", type=float, help="with --flow (required): the sampling step of the data; "
                                                    "tau in steps = tau in time / DT")
    fp.add_argument("--reported", type=float, help="with --flow: a reported tau_pred in steps, audited against "
                                                   "the estimate")
    ep = sub.add_parser("entropy", help="certified bounds [lo, hi] on the topological entropy of f on an invariant interval")
    ep.add_argument("map")
    _activation_argument(ep)
    ep.add_argument("--domain", help="LO,HI: an invariant interval (default: found from the map)")
    ep.add_argument("--depth", type=int, default=60,
                    help="PL maps: the largest n whose laps of f^n sharpen the bounds (default 60, at most 256)")
    _limit_arguments(ep, "PL maps: affine cells of f^n; smooth maps: cells of each odd-period search (1/16 of it)",
                     "100,000 for PL maps, 400,000 for smooth maps")
    ep.add_argument("--json", action="store_true")
    ep.add_argument("--out")
    rp = sub.add_parser("report", help="HTML + Markdown report of audit folders and certificate files, every "
                                       "certified number re-checked by the kernel")
    rp.add_argument("paths", nargs="+", metavar="PATH",
                    help="an audit folder (certify audit --out) or a certificate file (--out of any command)")
    rp.add_argument("--html", metavar="FILE", help="write the self-contained HTML page here")
    rp.add_argument("--markdown", metavar="FILE", help="write the Markdown report here (figures as FILE-stem-*.png)")
    rp.add_argument("--recheck", default="all", metavar="N|all",
                    help="audits: re-create and re-check every network (all, the default) or, per cell, the first N "
                         "of each verdict")
    rp.add_argument("--workers", type=int, default=None, help="audits: local processes for the re-check "
                                                               "(default every core)")
    lp = sub.add_parser("lyapunov", help="exponents of every certified orbit of period P, and of a typical orbit")
    lp.add_argument("map", nargs="?", help="a 1D map or a PLRNN file (or use --flow)")
    _activation_argument(lp)
    lp.add_argument("--orbit-period", "-p", default="1",
                    help="period of the certified orbits (default 1); for a PLRNN file, every period 1..P")
    lp.add_argument("--x0", help="start of the typical orbit (default: a generic point of the region); "
                                   "for a PLRNN file, n comma-separated numbers")
    lp.add_argument("--steps", type=int, help="length of the typical orbit (default 100000)")
    lp.add_argument("--spectrum", action="store_true",
                    help="PLRNN file: also estimate the Lyapunov spectrum of a typical orbit (QR method)")
    lp.add_argument("--cap", type=int, default=16,
                    help="PLRNN file: solve all 2^(n p) itineraries of period p when n p <= CAP (default 16, at "
                         "most 20); other periods are searched in floats and not claimed complete")
    _flow_arguments(lp)
    lp.add_argument("--json", action="store_true", help="print the certificate (JSON) on stdout")
    lp.add_argument("--out", help="write the certificate to this file (atomically)")
    rb = sub.add_parser("robustness", help="certified radius [lo, hi] of period 3 under weight perturbations")
    rb.add_argument("map", help="a weights file or rnn1d(...)")
    _activation_argument(rb)
    rb.add_argument("--searches", type=int, default=500,
                    help="neighbours the upper-bound search tries to refute (default 500)")
    rb.add_argument("--max-cells", type=int, default=None,
                    help="work budget: cells of each period decision (default 400,000 in balls, 100,000 exact)")
    rb.add_argument("--timeout", type=float, default=None, help=_TIMEOUT_HELP)
    rb.add_argument("--seed", type=int, default=0)
    rb.add_argument("--persistence", type=int, help="also run the persistence experiment with N samples per delta")
    rb.add_argument("--delta", help="comma-separated perturbation sizes for the experiment (default: lo, 4 lo, "
                                    "16 lo, hi)")
    rb.add_argument("--json", action="store_true")
    rb.add_argument("--out")
    op = sub.add_parser("oscillations", help="exact lap counts of f^t (PL maps), growth vs rho_p and entropy")
    op.add_argument("map")
    _activation_argument(op)
    op.add_argument("--upto", type=int, default=12, help="largest t (default 12)")
    op.add_argument("--max-odd", type=int, default=15, help="largest odd period tried for rho_p (default 15)")
    _limit_arguments(op, "affine cells of f^t, and cells of each period search and of the entropy bounds")
    op.add_argument("--plot", help="write log laps against t to this .png, .pdf or .svg file")
    op.add_argument("--json", action="store_true")
    op.add_argument("--out")
    sc = sub.add_parser("scrambling", help="times t <= H at which two orbits are eps-close and delta-apart")
    sc.add_argument("map")
    _activation_argument(sc)
    sc.add_argument("--x", required=True, help="first start (exact: 1/3, 0.3)")
    sc.add_argument("--y", required=True, help="second start (e.g. 1/3+1e-12)")
    sc.add_argument("--eps", required=True)
    sc.add_argument("--delta", required=True)
    sc.add_argument("--horizon", type=int, default=200)
    sc.add_argument("--json", action="store_true")
    sc.add_argument("--out")
    cp = sub.add_parser("check", help="re-verify certificate files independently and say what they prove")
    cp.add_argument("files", nargs="+", metavar="FILE")
    cp.add_argument("--expect-map", metavar="SPEC",
                    help="fail unless the certificate is about this map (a spec as for the other commands)")
    cp.add_argument("--expect-claim", metavar="KIND[:P]",
                    help="fail unless the claim is of this kind (and period), e.g. period:3, orbits:10, entropy")
    cp.add_argument("--json", action="store_true", help="print the results as JSON (one object per line)")
    return ap


def _check(args) -> int:
    """Check each file; exit 0 if all pass, 1 if any fails or is malformed, 2 if a file cannot be read
    as a certificate at all (missing, too large, not UTF-8, not JSON, not a certificate object).

    A file the readers refuse (duplicate keys, NaN, floats, numbers or nesting beyond the limits,
    wrong top-level types) and a kernel that stops on a certificate both give one FAILED line:
    nothing a file holds can produce a traceback."""
    import dataclasses

    from certify.certificates import Unreadable
    from certify.reporting.text import render_check
    from certify.verify import verify

    codes = []
    for path in args.files:
        try:
            cert = read(path)
        except Unreadable as e:
            if len(args.files) == 1:
                raise
            print(json.dumps({"file": path, "ok": False, "error": _one_line(e)}) if args.json else
                  f"UNREADABLE {path}: {_one_line(e)}")
            codes.append(EXIT_INPUT)
            continue
        except CertifyError as e:  # JSON a certificate may not hold
            codes.append(_malformed(args, path, f"malformed certificate: {e}"))
            continue
        try:
            v = verify(cert, expect_map=args.expect_map, expect_claim=args.expect_claim)
        except CertifyError as e:
            if str(e).startswith("--expect-map"):
                raise  # the user's option is bad input, not the certificate
            codes.append(_malformed(args, path, f"malformed certificate: {e}"))
            continue
        except Exception as e:  # noqa: BLE001 -- the kernel reports defects itself; a crash is still a failure
            codes.append(_malformed(args, path, f"malformed certificate: the checker stopped on it "
                                                f"({type(e).__name__}: {e})"))
            continue
        r = v.result
        if args.json:
            print(json.dumps({"file": path, "ok": r.ok, "verdict": _one_line(r.verdict, 40), "facts": r.facts,
                              "message": _one_line(r.message), "statement": r.statement, "map": v.map_line,
                              "claim": v.claim_line, "given": v.given,
                              "informational": list(r.informational)}, sort_keys=True))
        else:
            if not r.ok:  # each line of the report stays one line, whatever the file holds
                v = dataclasses.replace(v, result=dataclasses.replace(r, message=_one_line(r.message)),
                                        claim_line=_one_line(v.claim_line), map_line=_one_line(v.map_line))
            print(render_check(path, v, brief=len(args.files) > 1))
        codes.append(EXIT_OK if r.ok else EXIT_FAILED)
    return EXIT_FAILED if EXIT_FAILED in codes else EXIT_INPUT if EXIT_INPUT in codes else EXIT_OK


def _malformed(args, path: str, message: str) -> int:
    """One FAILED line (or JSON object) for a certificate that cannot be checked as written."""
    message = _one_line(message)
    if args.json:
        print(json.dumps({"file": path, "ok": False, "verdict": None, "facts": 0, "message": message},
                         sort_keys=True))
    else:
        print(f"FAILED: {message}" if len(args.files) == 1 else f"FAILED {path}: {message}")
    return EXIT_FAILED


_TIMEOUT_HELP = ("outer guard: stop after SECONDS of wall-clock time with an undecided verdict, reason "
                 "'time limit (machine-dependent)' (default: none; the work budgets bound every run)")


def _activation_argument(p) -> None:
    """--activation NAME on a command that takes a map spec (threaded into parse_map)."""
    p.add_argument("--activation", metavar="NAME",
                   help="a weights file's hidden activation, when the file does not name it: relu, leaky_relu, "
                        "hardtanh, identity, tanh or sigmoid")


def _limit_arguments(p, cells: str, default: str = "400,000 for ball arithmetic, 100,000 for exact "
                                                   "piecewise-linear enumerations") -> None:
    """--max-cells (a work budget: the same verdict on every machine) and --timeout (the outer guard)."""
    p.add_argument("--max-cells", type=int, default=None, help=f"work budget: {cells} (default {default})")
    p.add_argument("--timeout", type=float, default=None, help=_TIMEOUT_HELP)


def _progress(text: str) -> None:
    """A status line on the terminal, overwritten in place (only when stderr is a terminal)."""
    sys.stderr.write("\r\033[K certify: " + text)
    sys.stderr.flush()


def main(argv=None) -> int:
    try:
        return _main(argv)
    except CertifyError as e:
        print(f"certify: error: {_one_line(e)}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("certify: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into e.g. `head`: stop quietly
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _main(argv) -> int:
    args = _parser().parse_args(argv)
    if args.cmd == "check":
        return _check(args)

    from certify.periodic.period import certify_orbits, certify_period
    from certify.reporting.text import render

    if args.cmd == "lyapunov":
        return _lyapunov(args)
    if args.cmd == "audit":
        return _audit(args)
    if args.cmd == "phase":
        return _phase(args)
    if args.cmd == "entropy":
        return _entropy(args)
    if args.cmd == "gradients":
        return _gradients(args)
    if args.cmd == "robustness":
        return _robustness(args)
    if args.cmd == "oscillations":
        return _oscillations(args)
    if args.cmd == "scrambling":
        return _scrambling(args)
    if args.cmd == "forcing-interval":
        return _forcing(args)
    if args.cmd == "chaos-onset":
        return _chaos_onset(args)
    if args.cmd == "bifurcation":
        return _bifurcation(args)
    if args.cmd == "report":
        return _report(args)
    p = _period(args.period)
    if args.cmd in ("threshold", "windows"):
        return _threshold(args, p)
    domain = _domain(args.domain) if args.domain else None
    if args.max_prec < 64:
        raise CertifyError("--max-prec must be at least 64 bits")
    budget = _budget(args, max_prec=args.max_prec)
    timeout = _timeout(args)
    _figure_file(args.plot, "--plot")
    m = _map(args)
    run = certify_period if args.cmd == "period" else certify_orbits
    cert = run(m, p, domain=domain, budget=budget, timeout=timeout)
    _clear_progress()
    text = dumps(cert)
    if args.out:
        write_atomic(args.out, text)
    if args.plot:
        from certify.reporting.figures import cobweb
        _write_figure(cobweb(m.program, cert), args.plot)
    if args.json:
        sys.stdout.write(text)
    else:
        checked = None
        if cert["verdict"] != "undecided":
            checked = f"{len(cert['evidence'])} fact(s) re-verified by the independent checker " \
                      f"at {cert['precision']} bits"
        print(render(cert, checked))
        if args.out:
            print(f"written  {args.out}  (re-check with: certify check {args.out})")
        if args.plot:
            print(f"plot     {args.plot}")
    return EXIT_UNDECIDED if cert["verdict"] == "undecided" else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
