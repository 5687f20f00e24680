"""Mutation harness: every mutant of a genuine certificate whose statement changed is rejected.

Each committed certificate in tests/certificates/ (bash tests/certificates/make.sh regenerates
them) is mutated field by field: numbers nudged both ways, booleans flipped, strings changed,
intervals swapped, keys dropped and added, list items dropped, duplicated and reordered, the
claim, verdict and map changed. A mutant that `certify check` (kernel and bindings) accepts must
leave the statement the kernel derives unchanged (the kernel prints that statement, and binds every
field it displays to it), except that dropping an optional field may remove lines of it.
"""

import copy
import json
import pathlib
import re

import pytest

from certify.errors import CertifyError

from certify.verify import verify

HERE = pathlib.Path(__file__).resolve().parent / "certificates"
FIXTURES = sorted(HERE.glob("*.json"))
# claim kinds whose derivation binds every displayed field; the others are being converted (issue 9)
BOUND = {"period", "orbits", "phase", "plrnn_cycles", "onset", "windows", "chaos_onset", "entropy",
         "oscillations", "scrambling", "robustness", "gradients", "polymap_orbits", "polymap_cycles"}
RATIONAL = re.compile(r"^-?\d+(/\d+)?$")
VERDICTS = ("proved", "refuted", "undecided")


def _leaf_variants(value):
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int):
        return [value + 1, value - 1]
    if value is None:
        return ["0", 1]
    if isinstance(value, str):
        if RATIONAL.match(value):
            num, _, den = value.partition("/")
            return [f"{int(num) + d}" + (f"/{den}" if den else "") for d in (1, -1)]
        out = [value + "x"]
        if value in VERDICTS:
            out = [v for v in VERDICTS if v != value]
        m = re.search(r"\d", value)
        if m:
            out.append(value[:m.start()] + str((int(m.group()) + 1) % 10) + value[m.end():])
        return out
    return []


def _picks(n: int, full: bool):
    return range(n) if full or n <= 3 else sorted({0, n // 2, n - 1})


def mutants(node, path=(), full=False):
    """(path, description, replacement) for every mutation of `node` and of what it contains."""
    if isinstance(node, dict):
        for k in sorted(node):
            yield path, f"drop {k}", {kk: v for kk, v in node.items() if kk != k}
        yield path, "add a key", {**node, "zz_extra": "1"}
        if set(node) == {"lo", "hi"} and node["lo"] != node["hi"]:
            yield path, "swap lo and hi", {"lo": node["hi"], "hi": node["lo"]}
        for k in sorted(node):
            yield from mutants(node[k], path + (k,), full)
    elif isinstance(node, list):
        if node:
            yield path, "empty the list", []
            yield path, "duplicate item 0", [node[0]] + node
        for i in _picks(len(node), full):
            yield path, f"drop item {i}", node[:i] + node[i + 1:]
        if len(node) > 1:
            yield path, "reverse", node[::-1]
            yield path, "swap items 0 and 1", [node[1], node[0]] + node[2:]
        for i in _picks(len(node), full):
            yield from mutants(node[i], path + (i,), full)
    else:
        for v in _leaf_variants(node):
            yield path, f"{node!r} -> {v!r}", v


def _replace(cert, path, value):
    out = copy.deepcopy(cert)
    if not path:
        return value
    node = out
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value
    return out


def run_harness(fixture, full=False):
    """The mutants `certify check` accepts although the statement the kernel derives changed (a
    dropped optional field may only remove lines of the statement)."""
    cert = json.loads(fixture.read_text())
    original = verify(cert)
    assert original.ok, original.result.message
    before = original.result.statement.splitlines()
    accepted = []
    for path, what, value in mutants(cert, (), full):
        mutant = _replace(cert, path, value)
        if mutant == cert:
            continue
        res = verify(mutant)
        if not res.ok or res.result.verdict == "undecided":  # an undecided certificate claims nothing
            continue
        after = res.result.statement.splitlines()
        weaker = what.startswith("drop ") and set(after) <= set(before)
        changed = after != before or res.result.verdict != original.result.verdict
        if changed and not weaker and not (path[:1] == ("claim",) and _true_elsewhere(mutant)):
            accepted.append(f"{'/'.join(map(str, path)) or '(top)'}: {what}")
    return accepted


def _true_elsewhere(mutant) -> bool:
    """A mutant claim that is still a genuine certificate: certify, run afresh on the mutated claim,
    reaches the same verdict and count (e.g. "no periodic points at all" refutes every period)."""
    from certify.certificates import interval_parse
    from certify.checker.semantics import Program
    from certify.maps import Map
    from certify.periodic.period import certify_orbits, certify_period

    claim = mutant["claim"]
    if claim["kind"] == "phase":
        return _phase_elsewhere(mutant)
    if claim["kind"] in ("onset", "windows", "chaos_onset"):
        return _threshold_true_elsewhere(mutant)
    if claim["kind"] in ("scrambling", "entropy"):
        return _dynamics_elsewhere(mutant)
    if claim["kind"] == "polymap_cycles":
        return _polymap_elsewhere(mutant)
    if claim["kind"] not in ("period", "orbits"):
        return False
    canon = mutant["map"]["canonical"]
    m = Map("", canon, Program.from_canonical(canon))
    domain = interval_parse(claim["domain"]) if claim.get("domain") else None
    run = certify_period if claim["kind"] == "period" else certify_orbits
    try:
        out = run(m, claim["p"], domain=domain)
    except CertifyError:
        return False
    return out["verdict"] == mutant["verdict"] and out.get("count") == mutant.get("count")


def _polymap_elsewhere(mutant) -> bool:
    """A polymap_cycles claim on a mutated region (a larger square, still holding every periodic point): the
    search run afresh on it (certify's search is the kernel's derivation) finds the mutant's orbit count."""
    from certify.checker import nd_orbits
    from certify.checker.polymap import parse_polymap
    from certify.checker.semantics import workprec
    from certify.checker.statement import Failure

    try:
        with workprec(mutant["precision"]):
            found = nd_orbits.search_cycles(parse_polymap(mutant["map"]["canonical"]), mutant["claim"])
    except (Failure, CertifyError):
        return False
    return len(found["orbits"]) == mutant.get("count")


def _threshold_true_elsewhere(mutant) -> bool:
    """A threshold claim on a mutated range or period that certify, run afresh, also decides: same
    verdict; an onset enclosure, windows with ends or a chaos lower bound that agree with the mutant's."""
    from certify.certificates import interval_parse
    from certify.checker.semantics import Program, parse_canonical_expr
    from certify.maps import Family
    from certify.thresholds import certify_onset, certify_windows
    from certify.thresholds.chaos import certify_chaos_onset

    claim, canon = mutant["claim"], mutant["map"]["canonical"]
    try:
        fam = Family("", claim["param"], canon, parse_canonical_expr(canon["expr"], canon["param"]),
                     Program.from_canonical(canon))
        rng = interval_parse(claim["range"])
        if claim["kind"] == "chaos_onset":
            periods = (mutant["period"],) if mutant.get("period") else (3,)
            out = certify_chaos_onset(fam, rng, periods)
            return out["verdict"] == mutant["verdict"] and out.get("lower") == mutant.get("lower")
        run = certify_onset if claim["kind"] == "onset" else certify_windows
        out = run(fam, claim["p"], rng, digits=12)
    except CertifyError:
        return False
    if out["verdict"] != mutant["verdict"]:
        return False

    def meet(a, b):
        (a0, a1), (b0, b1) = interval_parse(a), interval_parse(b)
        return a0 <= b1 and b0 <= a1
    if claim["kind"] == "onset":
        return out["verdict"] != "proved" or meet(out["onset"], mutant["onset"])
    ws, wm = out.get("windows", []), mutant.get("windows", [])
    return len(ws) == len(wm) and all(meet(a["from"], b["from"]) and meet(a["to"], b["to"]) and
                                      a["orbits"] == b["orbits"] for a, b in zip(ws, wm))


HEAVY = {"phase", "phase_chaos", "windows_pl", "onset_cover", "entropy_smooth", "entropy_kneading", "entropy_kneading_poly",
         "entropy_kneading_tanh", "oscillations", "oscillations_odd5",
         "polymap_orbits"}  # 263 re-searches of the Henon box graph; polymap_cycles_domain stays, tamper tests in test_nd_orbits


def _params():
    out = []
    for f in FIXTURES:
        kind = json.loads(f.read_text())["claim"]["kind"]
        marks = [] if kind in BOUND else [pytest.mark.skip(reason=f"{kind}: statement not yet derived from the facts (issue 9)")]
        if f.stem in HEAVY:  # 5-9 s each on a busy machine; their tamper tests also run in their own modules
            marks.append(pytest.mark.slow)
        out.append(pytest.param(f, id=f.stem, marks=marks))
    return out


@pytest.mark.parametrize("fixture", _params())
def test_every_mutant_that_changes_the_statement_is_rejected(fixture):
    """A mutant the checker accepts changed only proof or informational fields, and states the same."""
    accepted = run_harness(fixture)
    assert not accepted, f"{len(accepted)} mutant(s) accepted:\n" + "\n".join(accepted[:20])


@pytest.mark.slow
@pytest.mark.parametrize("fixture", _params())
def test_every_mutant_full(fixture):
    """The same, mutating every item of every list (not only the first, middle and last)."""
    accepted = run_harness(fixture, full=True)
    assert not accepted, f"{len(accepted)} mutant(s) accepted:\n" + "\n".join(accepted[:20])


def _phase_elsewhere(mutant) -> bool:
    """A phase mutant whose claim (rectangle, grid, depth) changed: certify, run afresh on that claim,
    draws the same diagram (the cells of a rectangle's part can stay proved on a smaller one)."""
    from certify.certificates import interval_parse
    from certify.maps import Family2
    from certify.thresholds.phase import certify_phase

    claim = mutant["claim"]
    fam = Family2(mutant["map"]["given"], tuple(claim["params"]), mutant["map"]["canonical"], None)
    try:
        out = certify_phase(fam, (interval_parse(claim["range"]["x"]), interval_parse(claim["range"]["y"])),
                            grid=claim["grid"], depth=claim["depth"])
    except CertifyError:
        return False
    return out["claim"]["depth"] == claim["depth"] and all(
        out.get(k) == mutant.get(k) for k in ("verdict", "evidence", "areas", "boundary_near"))


def _dynamics_elsewhere(mutant) -> bool:
    """A scrambling or entropy mutant whose claim changed (eps, delta, the interval I): certify, run afresh
    on that claim, lists the same times (scrambling), or proves bounds meeting the mutant's (entropy:
    f(I) in I and the laps may hold on a larger interval too)."""
    from certify.certificates import interval_parse, q_parse
    from certify.checker.semantics import Program
    from certify.dynamics.entropy import entropy_bounds
    from certify.dynamics.scrambling import scrambling
    from certify.maps import Map

    claim, canon = mutant["claim"], mutant["map"]["canonical"]
    m = Map("", canon, Program.from_canonical(canon))
    try:
        if claim["kind"] == "scrambling":
            out = scrambling(m, *(q_parse(claim[k]) for k in ("x", "y", "eps", "delta")), claim["horizon"])
            return all(out.get(k) == mutant.get(k) for k in ("verdict", "evidence", "statement"))
        out = entropy_bounds(m, interval_parse(claim["interval"]))
    except CertifyError:
        return False
    if out["verdict"] != mutant["verdict"]:
        return False
    (a, b), (c, d) = ((q_parse(x["bounds"]["lo"]), q_parse(x["bounds"]["hi"])) for x in (out, mutant))
    return a <= d and c <= b
