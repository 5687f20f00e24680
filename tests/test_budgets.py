"""Work budgets and the outer time guard: the same call gives the same verdict and certificate on
any machine; a budget that runs out says which and how much; `timeout=` only ever gives undecided.

No test here reads the clock or asserts on elapsed time: the time limits used are far below what
the heavy tasks need, and only the verdict and reason are checked."""

import pathlib
import re
import threading

import pytest

from certify import limits
from certify.arith import Budget, OverBudget
from certify.certificates import dumps, q_parse
from certify.checker import check
from certify.cli import main
from certify.dynamics.entropy import entropy_bounds
from certify.errors import CertifyError
from certify.maps import parse_map
from certify.periodic import pl as plmod
from certify.periodic.period import certify_orbits, certify_period

TANH = "3*tanh(3*x) - 4*tanh(x-1/2) + 1/3"
UNBOUNDED = Budget(max_pl_cells=10 ** 12, max_cells=10 ** 12)  # heavy tasks that only the time guard stops


def test_verdict_code_never_reads_the_clock():
    """Only certify/limits.py (the outer guard) and the dask engine's connection timeouts read the clock."""
    root = pathlib.Path(__file__).resolve().parent.parent / "certify"
    allowed = {root / "limits.py", root / "ensembles" / "engines.py"}
    clock = re.compile(r"\btime\.(monotonic|time|perf_counter|process_time)\b|^\s*import time\b|^\s*from time\b",
                       re.M)
    readers = [str(f.relative_to(root)) for f in sorted(root.rglob("*.py"))
               if f not in allowed and clock.search(f.read_text())]
    assert readers == []


@pytest.mark.parametrize("run, spec, p", [(certify_period, TANH, 3), (certify_orbits, TANH, 3),
                                          (certify_orbits, "tent(s=2)", 5), (certify_period, "logistic(3.8)", 3)])
def test_same_call_same_certificate(run, spec, p):
    """Two runs of one call give byte-identical certificates (no budget depends on time)."""
    assert dumps(run(parse_map(spec), p)) == dumps(run(parse_map(spec), p))


def test_cell_budget_makes_tent_p40_undecided_deterministically():
    """tent(s=2) has 2^40 solutions of f^40(x) = x: the exact enumeration stops at the cell budget, the
    same way every time, and says so."""
    runs = [certify_orbits(parse_map("tent(s=2)"), 40, budget=Budget(max_pl_cells=5000)) for _ in range(2)]
    assert runs[0]["verdict"] == "undecided" and runs[0]["complete"] is False
    assert runs[0]["reason"].startswith("budget: more than 5,000 cells")
    assert dumps(runs[0]) == dumps(runs[1])


def test_enumeration_budget_bounds_live_cells():
    """enumerate_cover raises OverBudget (naming the count) rather than holding more cells than allowed."""
    m = parse_map("tent(s=2)")
    with pytest.raises(OverBudget, match="more than 1,000 cells"):
        plmod.enumerate_cover(m.program.pl(), (q_parse("0"), q_parse("1")), 30, max_cells=1000)


def test_period_over_budget_still_proved_by_search():
    """Over the enumeration budget a period is still proved by an exact cycle found by search."""
    m = parse_map("tent(s=2)")
    with pytest.raises(OverBudget):
        plmod.enumerate_cover(m.program.pl(), (q_parse("0"), q_parse("1")), 10, max_cells=200)
    cert = certify_period(m, 10, budget=Budget(max_pl_cells=200))
    assert cert["verdict"] == "proved" and check(cert).ok


def test_polynomial_listing_refused_up_front_with_its_count():
    """logistic(r=4), p = 40: 2^40 solutions, (1/40) sum mu(40/e) 2^e = 27,487,764,474 orbits; refused at once."""
    cert = certify_orbits(parse_map("logistic(r=4)"), 40)
    assert cert["verdict"] == "undecided" and cert["complete"] is False
    assert cert["reason"].startswith("budget: more than 400,000 cells")
    assert "27,487,764,474 orbits" in cert["reason"]


def test_ball_cover_budget_names_its_count():
    """A ball cover that runs out of cells is undecided with "budget: more than N cells", deterministically."""
    runs = [certify_orbits(parse_map(TANH), 12, budget=Budget(max_cells=1000)) for _ in range(2)]
    assert runs[0]["verdict"] == "undecided"
    assert "budget: more than 1,000 cells" in runs[0]["reason"]
    assert dumps(runs[0]) == dumps(runs[1])


ASYM = "min(2*x, 7*(1-x)/5)"  # neither constant slope nor a finite turning orbit: lap graphs


@pytest.fixture
def no_kneading(monkeypatch):
    """The lap-graph path (the kneading determinant would answer ASYM first)."""
    from certify.dynamics import entropy as entropy_mod
    monkeypatch.setattr(entropy_mod, "_kneading", lambda *a: (None, None))


def test_entropy_of_an_asymmetric_tent_is_the_same_on_every_machine(no_kneading):
    """min(2x, 7(1-x)/5): the default budget gives the same bounds (lap graphs) whatever the speed."""
    cert = entropy_bounds(parse_map(ASYM))
    assert cert["bounds"]["lo"] == "455211818811/1099511627776" and cert["bounds"]["hi"] == "230352210787/549755813888"
    assert dumps(cert) == dumps(entropy_bounds(parse_map(ASYM)))


def test_entropy_lap_depth_budget_is_noted(no_kneading):
    """A lap depth too small for the tolerance still gives proved bounds, with a note naming the budget."""
    cert = entropy_bounds(parse_map(ASYM), budget=Budget(lap_depth=3))
    assert cert["verdict"] == "proved" and check(cert).ok
    assert "budget: lap depth 3 reached" in cert["note"]


@pytest.mark.parametrize("task", ["pl_orbits", "pl_period", "ball_orbits", "entropy"])
def test_tiny_timeout_gives_time_limit_undecided(task, no_kneading):
    """A heavy task under a tiny timeout ends undecided, reason "time limit (machine-dependent)"."""
    if task == "pl_orbits":
        cert = certify_orbits(parse_map("tent(s=2)"), 40, budget=UNBOUNDED, timeout=0.05)
    elif task == "pl_period":
        cert = certify_period(parse_map("tent(s=8/5)"), 41, budget=UNBOUNDED, timeout=0.05)
    elif task == "ball_orbits":
        cert = certify_orbits(parse_map(TANH), 12, budget=UNBOUNDED, timeout=0.05)
    else:
        cert = entropy_bounds(parse_map(ASYM), budget=UNBOUNDED, tolerance=1e-30, timeout=0.05)
    assert cert["verdict"] == "undecided" and cert["evidence"] == []
    assert cert["reason"].startswith(limits.REASON)


def test_timeout_in_a_thread_uses_cooperative_checks():
    """Outside the main thread (no signals) the long loops' checkpoints end the task: undecided, time limit."""
    out = {}
    t = threading.Thread(target=lambda: out.update(
        cert=certify_orbits(parse_map("tent(s=2)"), 40, budget=UNBOUNDED, timeout=0.05)))
    t.start()
    t.join()
    assert out["cert"]["verdict"] == "undecided" and out["cert"]["reason"].startswith(limits.REASON)


def test_generous_timeout_changes_nothing():
    """A timeout that does not fire leaves the certificate byte-identical to the run without one."""
    m = parse_map("tent(s=2)")
    assert dumps(certify_orbits(m, 5, timeout=3600)) == dumps(certify_orbits(m, 5))


def test_nested_guards_outer_fires_through_inner():
    """An inner guard with no limit does not swallow the outer guard's time limit."""
    def inner():
        return limits.guard(None, lambda: certify_orbits(parse_map("tent(s=2)"), 40, budget=UNBOUNDED),
                            lambda why: "inner")
    assert limits.guard(0.05, inner, lambda why: why).startswith(limits.REASON)


def test_timeout_must_be_positive():
    """timeout= takes a positive number of seconds or None (else CertifyError, the user-error type)."""
    with pytest.raises(CertifyError):
        certify_period(parse_map("tent(s=2)"), 3, timeout=0)


def test_cli_max_cells_and_timeout(capsys):
    """--max-cells gives the budget's undecided reason (exit 3); --timeout 0 is bad input (exit 2)."""
    assert main(["orbits", "tent(s=2)", "-p", "40", "--max-cells", "5000"]) == 3
    assert "budget: more than 5,000 cells" in capsys.readouterr().out
    assert main(["orbits", "tent(s=2)", "-p", "3", "--timeout", "0"]) == 2


def test_phase_refinement_budget_is_deterministic_and_noted():
    """A phase diagram stops splitting at its cell budget, the same way every time, and says so; it still checks."""
    from flint import fmpq

    from certify.maps import parse_family2
    from certify.thresholds.phase import certify_phase

    fam = parse_family2("skew_tent(aL, aR, 1)", "aL", "aR")
    rng = ((fmpq(-3), fmpq(3)), (fmpq(-3), fmpq(3)))
    runs = [certify_phase(fam, rng, grid=8, depth=4, budget=Budget(max_cells=200)) for _ in range(2)]
    assert "budget: more than 200 cells classified" in runs[0]["note"] and check(runs[0]).ok
    assert dumps(runs[0]) == dumps(runs[1])
    late = certify_phase(fam, rng, grid=256, depth=10, budget=Budget(max_cells=10 ** 12), timeout=0.05)
    assert late["verdict"] == "undecided" and late["reason"].startswith(limits.REASON)


def test_parameter_cover_budget_names_its_count():
    """A parameter cover (smooth family onset) that runs out of cells is undecided, naming the budget."""
    from flint import fmpq

    from certify.maps import parse_family
    from certify.thresholds import certify_onset

    fam = parse_family("3*tanh(3*x) - g*tanh(x-1/2) + 1/3", "g")
    runs = [certify_onset(fam, 3, (fmpq(3), fmpq(7, 2)), budget=Budget(max_cells=500)) for _ in range(2)]
    assert runs[0]["verdict"] == "undecided"
    assert "parameter cover: budget: more than 500 cells" in runs[0]["reason"]
    assert dumps(runs[0]) == dumps(runs[1])
