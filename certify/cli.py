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


def _api():
    import certify.api
    return certify.api


_STATUS = []  # the open status line of this command (certify.progress.StatusLine), if any


def _progress_fn():
    """The status-line callback (a tqdm line with the elapsed time) on a terminal, None otherwise."""
    from certify.progress import status_line

    line = status_line()
    if line is not None:
        _STATUS.append(line)
    return line


def _clear_progress() -> None:
    while _STATUS:
        _STATUS.pop().close()


def _figure_file(path, option: str):
    """path when it names a figure file (.png, .pdf or .svg), checked before any work; None stays None."""
    if path is not None:
        from certify.reporting.figures import check_extension
        try:
            check_extension(path)
        except CertifyError as e:
            raise CertifyError(f"{option}: {e}") from None
    return path


def _map(args):
    """The command's MAP; --activation names a weights file's hidden activation when the file does not."""
    return _api().parse(args.map, activation=args.activation)


def _family(args):
    return _api().family(args.map, args.param, args.group, args.activation)


def _budget_options(args) -> dict:
    """The work budget and outer guard options every long command shares, as API keywords."""
    return dict(max_cells=args.max_cells, timeout=args.timeout, progress=_progress_fn())


def _emit(args, res, plot: str | None = None) -> int:
    """Write --out (the certificate) and --plot (the figure), print the JSON (--json) or the text, and
    give the verdict's exit code."""
    from certify.certificates import write_atomic

    _clear_progress()
    if args.out:
        write_atomic(args.out, res.certificate_json)
    if plot:
        res.save(plot)
    if args.json:
        sys.stdout.write(res.certificate_json)
    else:
        print(res.text)
        if args.out:
            print(f"written  {args.out}  (re-check with: certify check {args.out})")
        if plot:
            print(f"plot     {plot}")
    return EXIT_UNDECIDED if res.undecided else EXIT_OK


def _periodic(args) -> int:
    _figure_file(args.plot, "--plot")
    coq = getattr(args, "coq", None)
    if coq:
        _api()._coq_file_name(coq)
    run = _api().period if args.cmd == "period" else _api().orbits
    from certify.maps.plrnn import is_plrnn_file
    from certify.maps.rnn import is_rnn_file
    if is_plrnn_file(args.map) and not is_rnn_file(args.map):  # every cycle of a PLRNN, periods A..B (period: P..P)
        if args.activation is not None or args.domain is not None or args.plot or args.max_cells is not None \
                or getattr(args, "input", None) is not None:
            raise CertifyError(f"a PLRNN file takes certify {args.cmd} without --activation, --domain, --plot, "
                               "--max-cells, --input")
        if args.cmd == "orbits":
            res = _api().orbits(args.map, args.period, max_nodes=args.max_nodes, cap=args.cap, progress=_progress_fn())
        else:
            res = _api().period(args.map, args.period, progress=_progress_fn())
        return _emit(args, res)
    from certify.maps.rnn import is_rnn_file
    rnn_input = {"input": args.input} if getattr(args, "input", None) is not None else {}
    if is_rnn_file(args.map):  # an n-dimensional RNN: its own certifier (certify.periodic.rnn)
        if args.activation is not None:
            raise CertifyError("--activation applies to weights files of 1D networks; an RNN file names its own")
        f = args.map
    elif _api()._is_polymap(args.map):  # a polynomial map of the plane (certify.periodic.polymap_orbits)
        f = args.map
    else:
        if rnn_input:
            raise CertifyError("--input is the constant input of an nn.RNN state_dict (.safetensors, .pt)")
        f = _map(args)
    res = run(f, args.period, domain=args.domain, max_prec=args.max_prec, **rnn_input, **_budget_options(args))
    code = _emit(args, res, args.plot)
    if coq:
        _api().export(res, coq=coq)
        print(f"coq      {coq}  (check with: coqc -R formal Certify {coq})")
    return code


def _stability(args) -> int:
    """The certified cycle of period P of an RNN file and its multiplier enclosures (Gershgorin discs)."""
    from certify.maps.rnn import is_rnn_file
    from certify.reporting.rnn import render_multipliers

    if _api()._is_polymap(args.map):  # every orbit of period P of a polynomial map, each with its stability
        return _emit(args, _api().orbits(args.map, args.period, domain=args.domain, timeout=args.timeout,
                                         progress=_progress_fn()))
    if args.domain is not None:
        raise CertifyError("--domain applies to polynomial maps; an RNN's stability takes none")
    from certify.maps.plrnn import is_plrnn_file
    if is_plrnn_file(args.map) and not is_rnn_file(args.map):  # every cycle of period P of a PLRNN, with stability
        return _emit(args, _api().period(args.map, args.period, progress=_progress_fn()))
    if not is_rnn_file(args.map):
        raise CertifyError(f"certify stability reads an n-dimensional RNN or PLRNN file (JSON with \"kind\": \"rnn\" "
                           f"or \"plrnn\", or an nn.RNN state_dict), or a polynomial map, not {args.map!r}; for 1D maps "
                           "see certify lyapunov")
    res = _api().period(args.map, args.period, max_prec=args.max_prec, timeout=args.timeout, progress=_progress_fn(),
                        input=args.input)
    code = _emit(args, res)
    if not args.json and not res.undecided:
        print(render_multipliers(res.certificate))
    return code


def _contraction(args) -> int:
    """certify contraction RNN: a certified global contraction (one fixed point attracting every orbit)."""
    extra = {"input": args.input} if args.input is not None else {}
    return _emit(args, _api().contraction(args.map, **extra))


def _export(args) -> int:
    """Write the Coq proof of a certificate; print the theorem it states and how to check it."""
    text = _api().export(args.file, coq=args.coq)
    theorem = next(line for line in text.splitlines() if line.startswith("Theorem certify_claim"))
    claim = next(line for line in text.splitlines() if line.lstrip().startswith("claim:"))
    print(f"certificate  {args.file}  (passes certify check)")
    print(f"coq          {args.coq}")
    print(f"theorem      {theorem[len('Theorem '):]}")
    print(f"proves       {claim.split('claim:', 1)[1].strip()}")
    print(f"check with   coqc -R formal Certify {args.coq}   (formal/: the Coq library, built by make -C formal)")
    return EXIT_OK


def _threshold(args) -> int:
    run = _api().threshold if args.cmd == "threshold" else _api().windows
    res = run(_family(args), args.param, args.period, args.range, digits=args.digits, **_budget_options(args))
    return _emit(args, res)


def _bifurcation(args) -> int:
    """The certified windows of each period (onsets for families neither polynomial nor piecewise
    linear), printed and drawn over the float orbit diagram; --out PREFIX writes PREFIX-pP.json."""
    from certify.certificates import write_atomic

    _figure_file(args.plot, "--plot")
    bif = _api().bifurcation(_family(args), args.param, args.range, args.period.split(","), digits=args.digits,
                             **_budget_options(args))
    _clear_progress()
    bif.save(args.plot)
    written = []
    if args.out:
        prefix = args.out[:-5] if args.out.lower().endswith(".json") else args.out
        for res in bif.results:
            written.append(f"{prefix}-p{res.claim['p']}.json")
            write_atomic(written[-1], res.certificate_json)
    if args.json:
        sys.stdout.write(json.dumps([r.certificate for r in bif.results], sort_keys=True, indent=1,
                                    ensure_ascii=False) + "\n")
    else:
        print(bif.text)
        for path in written:
            print(f"written  {path}  (re-check with: certify check {path})")
        print(f"plot     {args.plot}")
    return EXIT_UNDECIDED if bif.undecided else EXIT_OK


def _chaos_onset(args) -> int:
    periods = None if args.periods is None else args.periods.split(",")
    res = _api().chaos_onset(_family(args), args.param, args.range, periods=periods, **_budget_options(args))
    return _emit(args, res)


def _phase(args) -> int:
    from certify.certificates import write_atomic

    _figure_file(args.out, "--out (the diagram; the certificate goes to --cert)")
    res = _api().phase(args.map, args.x, args.y, args.range, grid=args.grid, depth=args.depth, **_budget_options(args))
    _clear_progress()
    drawn = bool(args.out and res.certificate["evidence"])
    if args.cert:
        write_atomic(args.cert, res.certificate_json)
    if drawn:
        res.save(args.out)
    if args.json:
        sys.stdout.write(res.certificate_json)
    else:
        print(res.text)
        if drawn:
            print(f"plot     {args.out}")
        if args.cert:
            print(f"written  {args.cert}  (re-check with: certify check {args.cert})")
    return EXIT_UNDECIDED if res.undecided else EXIT_OK


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


def _audit_rnn(args) -> int:
    """certify audit --model rnn: n-dimensional nn.RNNs (period-P cycles, contractions, undecided)."""
    other = [o for o in ("preset", "init", "bias", "protocol", "first_layer", "output_activation", "output_bias",
                         "scheduler", "widths") if getattr(args, o) is not None]
    if other:
        raise CertifyError(f"--{other[0].replace('_', '-')} applies to 1D audits; --model rnn takes --hidden, --gain, "
                           "--samples, --seed, --period, --activation, --workers, --no-self-check")
    try:
        widths = [int(w) for w in (args.hidden or "2,4,8,16").split(",")]
    except ValueError:
        raise CertifyError(f"--hidden takes comma-separated whole numbers, got {args.hidden!r}") from None
    res = _api().audit_rnn(args.out, widths=widths, gains=_gains(args.gain), samples=args.samples or 100,
                           seed=args.seed, period=args.period, activation=args.activation or "tanh",
                           self_check=not args.no_self_check, workers=args.workers)
    print(res.text)
    return EXIT_OK


def _audit(args) -> int:
    if args.model == "rnn":
        return _audit_rnn(args)
    if args.hidden is not None:
        raise CertifyError("--hidden is for --model rnn (1D audits take --widths)")
    widths = None
    if args.widths is not None:
        try:
            widths = [int(w) for w in args.widths.split(",")]
        except ValueError:
            raise CertifyError(f"--widths takes comma-separated whole numbers, got {args.widths!r}") from None
    res = _api().audit(args.out, preset=args.preset, activation=args.activation, init=args.init, widths=widths,
                       gains=_gains(args.gain), samples=args.samples, seed=args.seed, period=args.period,
                       protocol=args.protocol, bias=args.bias, first_layer=args.first_layer,
                       output_activation=args.output_activation,
                       output_bias=None if args.output_bias is None else args.output_bias == "added",
                       self_check=not args.no_self_check, workers=args.workers, scheduler=args.scheduler,
                       levels=_levels(args.levels))
    print(res.text)
    return EXIT_OK


def _report(args) -> int:
    """certify report PATH...: re-check, then write the pages; exit 1 if anything failed its check."""
    import os

    html, markdown = args.html, args.markdown
    for path in args.paths:
        if not os.path.exists(path):
            raise CertifyError(f"{path}: no such file or folder (give audit folders and certificate files)")
    if html is None and markdown is None:
        if len(args.paths) != 1 or not os.path.isdir(args.paths[0]):
            raise CertifyError("give --html FILE and/or --markdown FILE (only a single audit folder gets "
                               "FOLDER/report.html and FOLDER/report.md by default)")
        html, markdown = (os.path.join(args.paths[0], name) for name in ("report.html", "report.md"))
    recheck = args.recheck
    if recheck != "all":
        if not re.fullmatch(r"[0-9]{1,12}", recheck):
            raise CertifyError(f"--recheck takes a whole number >= 0 or 'all', got {args.recheck!r}")
        recheck = int(recheck)
    if args.workers is not None and args.workers < 1:
        raise CertifyError(f"--workers must be at least 1, got {args.workers}")
    rep = _api().report(*args.paths, html=html, markdown=markdown, recheck=recheck, workers=args.workers)
    for line in rep.lines():
        print(line)
    for path in rep.written:
        print(f"written     {path}")
    return EXIT_OK if rep.ok else EXIT_FAILED


def _gradients(args) -> int:
    _figure_file(args.plot, "--plot")
    from certify.maps.rnn import is_rnn_file
    if is_rnn_file(args.map) and args.plot:
        raise CertifyError("--plot draws 1D gradients; for an RNN use --json (the certified log-norms by T)")
    extra = {"input": args.input} if args.input is not None else {}
    res = _api().gradients(args.map, args.x0, horizon=args.horizon, param=args.param, at=args.at, loss=args.loss,
                           target_x0=args.target_x0, activation=args.activation, **extra)
    return _emit(args, res, args.plot if res.proved else None)


_FLOW_OPTIONS = ("params", "horizon", "dt", "transient", "orbits", "seed")


def _flow_options(args) -> dict:
    """The --flow options given on the command line, as keywords of certify.api.flow_lyapunov."""
    opts = {k: getattr(args, k) for k in _FLOW_OPTIONS if getattr(args, k) is not None}
    if args.no_step_check:
        opts["step_check"] = False
    return opts


def _flow_or_map(args) -> bool:
    """True for a flow (--flow), False for a map; refuses both, neither, or flow options on a map."""
    if args.flow is not None and args.map is not None:
        raise CertifyError("give a MAP or --flow NAME, not both")
    if args.flow is None and args.map is None:
        raise CertifyError("give a MAP, or --flow NAME for a continuous-time system (lorenz, rossler, duffing)")
    if args.flow is not None and args.activation is not None:
        raise CertifyError("--activation applies to a weights file, not to --flow")
    if args.flow is None and _flow_options(args):
        raise CertifyError(f"--{next(iter(_flow_options(args))).replace('_', '-')} applies to --flow only")
    return args.flow is not None


def _forcing(args) -> int:
    """tau_pred = ln 2 / lambda: proved when lambda is (constant-slope PL maps), else an estimate."""
    if _flow_or_map(args):
        est = _api().forcing_interval(flow=args.flow, dt_sample=args.dt_sample, reported=args.reported,
                                      **_flow_options(args))
    else:
        for option in ("dt_sample", "reported"):
            if getattr(args, option) is not None:
                raise CertifyError(f"--{option.replace('_', '-')} applies to --flow only")
        est = _api().forcing_interval(_map(args), x0=args.x0, steps=args.steps or 100_000)
    print(json.dumps(est.data, sort_keys=True, indent=1) if args.json else est.text)
    return EXIT_OK


def _chaos(args) -> int:
    res = _api().chaos(args.map, max_period=args.max_period, method=args.method, timeout=args.timeout,
                       progress=_progress_fn())
    return _emit(args, res)


def _entropy(args) -> int:
    res = _api().entropy(_map(args), domain=args.domain, depth=args.depth, **_budget_options(args))
    return _emit(args, res)


def _lyapunov(args) -> int:
    if _flow_or_map(args):
        if args.out or args.x0 is not None or args.steps is not None or args.orbit_period != "1":
            raise CertifyError("--out, --x0, --steps and --period apply to maps; a flow's exponents "
                               "are estimates (no certificate): use --json")
        from certify.reporting.text import render_flow

        res = _api().flow_lyapunov(args.flow, **_flow_options(args))
        print(json.dumps(res, sort_keys=True, indent=1) if args.json else render_flow(res))
        return EXIT_OK
    from certify.maps.plrnn import is_plrnn_file
    from certify.maps.rnn import is_rnn_file

    rnn = is_rnn_file(args.map)
    if is_plrnn_file(args.map) or rnn:
        if args.activation is not None:
            raise CertifyError("--activation applies to weights files of 1D networks, not to a PLRNN or RNN file")
        f = args.map
    else:
        f = _map(args)
    steps = (20_000 if rnn else 100_000) if args.steps is None else args.steps
    extra = {"input": args.input} if args.input is not None else {}
    res = _api().lyapunov(f, args.orbit_period, x0=args.x0, steps=steps, spectrum=args.spectrum, cap=args.cap,
                          progress=_progress_fn(), **extra)
    return _emit(args, res)


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


def _robustness(args) -> int:
    res = _api().robustness(_map(args), searches=args.searches, seed=args.seed, persistence=args.persistence,
                            delta=args.delta, **_budget_options(args))
    return _emit(args, res)


def _oscillations(args) -> int:
    _figure_file(args.plot, "--plot")
    res = _api().oscillations(_map(args), upto=args.upto, max_odd=args.max_odd, **_budget_options(args))
    return _emit(args, res, args.plot if res.proved else None)


def _scrambling(args) -> int:
    res = _api().scrambling(_map(args), args.x, args.y, args.eps, args.delta, horizon=args.horizon)
    return _emit(args, res)


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
        sp.add_argument("--domain", help="LO,HI: work on an interval f maps into itself (default: all of R); for a "
                                         "polynomial map of R^n a box LO,HI;LO,HI (one interval per variable)")
        sp.add_argument("--json", action="store_true", help="print the certificate (JSON) on stdout")
        sp.add_argument("--out", help="write the certificate to this file (atomically)")
        sp.add_argument("--plot", help="write a cobweb plot of the orbit(s) to this .png, .pdf or .svg file")
        sp.add_argument("--max-prec", type=int, default=1024, help="largest precision in bits (default 1024)")
        if name == "period":
            sp.add_argument("--coq", metavar="FILE.v", help="also write a Coq proof of the verdict (see certify export)")
            _input_argument(sp)
        else:
            sp.add_argument("--max-nodes", type=int, default=50_000,
                            help="PLRNN file: nodes of the pruned itinerary search per period (default 50000); "
                                 "after a period meets it, longer periods are not searched")
            sp.add_argument("--cap", type=int, default=12,
                            help="PLRNN file: solve all 2^(n p) itineraries instead when n p <= CAP (default 12)")
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
    co.add_argument("--range", default=None, help="A,B: the parameter range (default 1,4 for the logistic family)")
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
    ap2.add_argument("--model", choices=("rnn1d", "rnn"), default="rnn1d",
                     help="rnn1d (default): 1D maps; rnn: n-dimensional nn.RNN(1, width) at PyTorch's default init, "
                          "weight_hh times the gain, input 0 (certified period-P cycles, contractions, undecided)")
    ap2.add_argument("--hidden", help="with --model rnn: comma-separated hidden widths (default 2,4,8,16)")
    ap2.add_argument("--activation", help="hidden activation (default relu; --model rnn: tanh)")
    ap2.add_argument("--init", help="he (default), he_uniform, xavier, xavier_uniform, lecun, pytorch, "
                                    "notebook-glorot, notebook-normal-k")
    ap2.add_argument("--bias", help="pytorch (default; U(+-1/sqrt(fan_in))), zero, scheme, normal:STD, uniform:A, "
                                    "uniform:LO:HI, truncnormal:STD:A")
    ap2.add_argument("--widths", help="comma-separated widths (default 2,4,8,16,32,64)")
    ap2.add_argument("--gain", default="1", help="a gain, or START:STOP:STEP (inclusive)")
    ap2.add_argument("--samples", type=int, help="networks per width and gain (default 1000; --model rnn: 100)")
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
    gp.add_argument("--x0", "--z0", dest="x0", required=True,
                    help="the orbit's start (an exact number, e.g. 0.3 or 3/10); for an RNN file n comma-separated "
                         "exact numbers (--z0 0.1,0.1,...)")
    _input_argument(gp)
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
    hp = sub.add_parser("chaos", help="a certified topological horseshoe of a planar polynomial map, a PLRNN or an "
                                      "RNN (h-sets, covering relations): h_top >= log rho")
    hp.add_argument("map", help="a polynomial map of the plane ('henon(a=1.4, b=0.3)', '(1 - 1.4*x^2 + y, 0.3*x)'), "
                                "a PLRNN file or an RNN file (JSON, nn.RNN safetensors, output-feedback JSON)")
    hp.add_argument("--max-period", type=int, default=10,
                    help="with --method orbits (or when the net finds nothing): h-sets around periodic points of "
                         "period up to this (default 10, at most 24)")
    hp.add_argument("--method", choices=("net", "orbits"), default="net",
                    help="net (default): h-sets on a net of the attractor, coverings under f^4; orbits: h-sets "
                         "around periodic points only (faster, lower bound)")
    hp.add_argument("--timeout", type=float, default=None, help=_TIMEOUT_HELP)
    hp.add_argument("--json", action="store_true", help="print the certificate (JSON) on stdout")
    hp.add_argument("--out", "-o", help="write the certificate to this file (atomically)")
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
    lp.add_argument("--period", "--orbit-period", "-p", dest="orbit_period", default="1",
                    help="period of the certified orbits (default 1); for a PLRNN file, every period 1..P")
    lp.add_argument("--x0", help="start of the typical orbit (default: a generic point of the region); "
                                   "for a PLRNN file, n comma-separated numbers")
    lp.add_argument("--steps", type=int, help="length of the typical orbit (default 100000)")
    lp.add_argument("--spectrum", action="store_true",
                    help="PLRNN or RNN file: also estimate the Lyapunov spectrum of a typical orbit (QR method; "
                         "an RNN: 4 orbits, --steps default 20000)")
    _input_argument(lp)
    lp.add_argument("--cap", type=int, default=16,
                    help="PLRNN file: solve all 2^(n p) itineraries of period p when n p <= CAP (default 16, at "
                         "most 20); other periods are searched in floats and not claimed complete")
    _flow_arguments(lp)
    lp.add_argument("--json", action="store_true", help="print the certificate (JSON) on stdout")
    lp.add_argument("--out", help="write the certificate to this file (atomically)")
    sb = sub.add_parser("stability", help="an RNN's certified cycle of period P: attracting, repelling or a saddle "
                                           "with its unstable directions, and enclosures of its multipliers")
    sb.add_argument("map", help="an n-dimensional RNN file (JSON with \"kind\": \"rnn\", or an nn.RNN state_dict), "
                                "or a polynomial map (\"henon(a=1.4, b=0.3)\"): every orbit of period P with its stability")
    sb.add_argument("--period", "-p", required=True, help="the period P >= 1")
    sb.add_argument("--domain", help="a polynomial map's box LO,HI;LO,HI (one interval per variable)")
    _input_argument(sb)
    sb.add_argument("--max-prec", type=int, default=1024, help="largest precision in bits (default 1024)")
    sb.add_argument("--timeout", type=float, default=None, help=_TIMEOUT_HELP)
    sb.add_argument("--json", action="store_true", help="print the certificate (JSON) on stdout")
    sb.add_argument("--out", help="write the certificate to this file (atomically)")
    ct = sub.add_parser("contraction", help="an RNN proved to contract a box every orbit enters: one fixed point "
                                            "attracts every orbit (no cycles of period > 1, no chaos)")
    ct.add_argument("map", help="an n-dimensional RNN file (JSON with \"kind\": \"rnn\" or \"rnn_feedback\", or an "
                                "nn.RNN state_dict)")
    _input_argument(ct)
    ct.add_argument("--json", action="store_true", help="print the certificate (JSON) on stdout")
    ct.add_argument("--out", help="write the certificate to this file (atomically)")
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
    xp = sub.add_parser("export", help="a Coq proof of a certificate's claim, checked by coqc with the library formal/")
    xp.add_argument("file", metavar="FILE", help="a certificate (proved or refuted period claim)")
    xp.add_argument("--coq", metavar="FILE.v", required=True, help="the Coq file to write")
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

    from certify.certificates import Unreadable, read
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


def _input_argument(p) -> None:
    p.add_argument("--input", metavar="X1,...,Xm", help="nn.RNN state_dict: hold the input at this constant vector "
                                                        "(exact numbers; b becomes bias_hh + bias_ih + weight_ih x)")


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


_COMMANDS = {"period": _periodic, "orbits": _periodic, "threshold": _threshold, "windows": _threshold,
             "bifurcation": _bifurcation, "chaos-onset": _chaos_onset, "phase": _phase, "audit": _audit,
             "report": _report, "gradients": _gradients, "contraction": _contraction, "forcing-interval": _forcing,
             "entropy": _entropy, "chaos": _chaos,
             "lyapunov": _lyapunov, "robustness": _robustness, "oscillations": _oscillations,
             "scrambling": _scrambling, "export": _export, "stability": _stability}


def _main(argv) -> int:
    args = _parser().parse_args(argv)
    if args.cmd == "check":
        return _check(args)
    return _COMMANDS[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
