"""`certify chaos` and certify.chaos(): certified horseshoes of planar polynomial maps, end to end."""

import json
import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import certify
from certify.cli import main
from certify.errors import CertifyError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def henon8():
    """certify.chaos on the Hénon map with h-sets around periodic orbits up to period 8 (the fast method)."""
    return certify.chaos("henon(a=1.4, b=0.3)", max_period=8, method="orbits")


def test_api_returns_proved_result(henon8):
    """certify.chaos returns a proved Result whose certificate the kernel re-verifies."""
    assert henon8.proved and henon8.command == "chaos"
    assert henon8.check().ok
    assert henon8.certificate["claim"]["kind"] == "horseshoe"


def test_text_states_bound_and_theorem(henon8):
    """The printed verdict states the entropy bound and the theorems it rests on."""
    text = henon8.text
    assert "PROVED: a topological horseshoe, h_top(f) >= 0." in text
    assert "Zgliczynski-Gidea" in text and "subshift of finite type" in text


def test_bound_is_log_rho(henon8):
    """The stated lower bound is positive and below log 2 / 1 (the graph is a real subshift)."""
    from fractions import Fraction
    lower = Fraction(henon8.certificate["entropy"]["lower"])
    assert 0 < lower < Fraction(7, 10)


def test_tuple_formula_same_certificate_map(henon8):
    """The tuple formula of the Hénon map gives the same canonical map as henon(a, b)."""
    res = certify.chaos("(1 - 1.4*x^2 + y, 0.3*x)", max_period=8, method="orbits")
    assert res.certificate["map"]["canonical"] == henon8.certificate["map"]["canonical"]
    assert res.proved


def test_eigenvalue_one_linear_map_is_undecided():
    """(x, y) -> (x, y/2) has no hyperbolic periodic orbit: no horseshoe is claimed."""
    res = certify.chaos("(x, 0.5*y)", max_period=3)
    assert res.undecided and "no hyperbolic periodic orbit" in res.reason


def test_three_dimensional_map_is_undecided():
    """The finder handles the plane: a map of R^3 gives an undecided verdict naming why."""
    res = certify.chaos("(y, z, 1 - 1.4*x^2)", max_period=2)
    assert res.undecided and "n = 2" in res.reason


def test_not_a_polynomial_map_is_an_input_error():
    """A 1D formula is refused with CertifyError."""
    with pytest.raises(CertifyError):
        certify.chaos("4*x*(1 - x)")


def test_henon_b0_claims_nothing_false():
    """b = 0 (Df singular at every point): the finder runs, and its verdict passes the kernel (today it
    is undecided: the periodic points lie on one line and their h-sets cannot be both disjoint and large)."""
    res = certify.chaos("henon(a=1.4, b=0)", max_period=8)
    assert res.check().ok and (res.proved or "no graph of h-sets" in res.reason)


def test_cli_writes_certificate_and_check_passes(tmp_path, capsys):
    """certify chaos -o writes the certificate; certify check re-verifies every covering."""
    out = tmp_path / "cert.json"
    assert main(["chaos", "henon(a=1.4, b=0.3)", "--max-period", "8", "--method", "orbits", "-o", str(out)]) == 0
    assert "PROVED" in capsys.readouterr().out
    assert main(["check", str(out)]) == 0
    text = capsys.readouterr().out
    assert "OK: all" in text and "covering relations" in text


def test_check_does_not_import_finder(tmp_path, henon8):
    """certify check of a Hénon horseshoe certificate imports neither the finder nor numpy, scipy or sympy
    (map.given is re-read by the family's sympy-free path)."""
    path = tmp_path / "cert.json"
    path.write_text(json.dumps(henon8.certificate))
    code = ("import sys; from certify.cli import main; rc = main(['check', sys.argv[1]]); "
            "bad = [m for m in ('certify.horseshoes', 'numpy', 'scipy', 'sympy') if m in sys.modules]; "
            "print(rc, bad); sys.exit(1 if rc or bad else 0)")
    r = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": ROOT})
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.slow
def test_orbits_method_henon_bound():
    """With h-sets around periodic points of period up to 10 the Hénon bound is at least 0.19 (under f^2)."""
    from fractions import Fraction
    res = certify.chaos("henon(a=1.4, b=0.3)", method="orbits")
    assert res.proved and Fraction(res.certificate["entropy"]["lower"]) >= Fraction(19, 100)
    assert res.certificate["claim"]["iterate"] == 2


def test_unknown_method_is_an_input_error():
    """A method other than net or orbits is refused with CertifyError."""
    with pytest.raises(CertifyError):
        certify.chaos("henon(a=1.4, b=0.3)", method="grid")


def _doc_commands():
    """(command, shown output lines) for each `$ certify` line of docs/chaos.md."""
    import re
    import shlex
    with open(os.path.join(ROOT, "docs", "chaos.md"), encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    out, cur = [], None
    inside = False
    for line in lines:
        if re.match(r"^```", line):
            inside = not inside
            continue
        if inside and line.startswith("$ certify "):
            cur = (shlex.split(line[len("$ certify "):]), [])
            out.append(cur)
        elif inside and cur is not None:
            cur[1].append(line)
        elif not inside:
            cur = None
    return out


@pytest.mark.slow
def test_docs_chaos_commands_print_what_the_page_shows(tmp_path, capsys, monkeypatch):
    """Every `$ certify` command of docs/chaos.md prints the lines shown under it, in order."""
    monkeypatch.chdir(tmp_path)
    cmds = _doc_commands()
    assert len(cmds) == 2
    for argv, shown in cmds:
        main(argv)
        printed = capsys.readouterr().out.splitlines()
        pos = 0
        for line in shown:
            assert line in printed[pos:], f"{argv}: {line!r} not printed"
            pos = printed.index(line, pos) + 1


# ----------------------------------------------------------------------------- the attractor-net finder

def _henon_net(steps=2500):
    from certify.horseshoes import finder as F
    from certify.maps.polymap import parse_polymap_spec
    f, Df = parse_polymap_spec("henon(a=1.4, b=0.3)").floats()
    X, U, S = F.attractor_frames(f, Df, steps)
    return F, X, U, S


def test_net_sets_are_disjoint_for_the_kernel():
    """The finder's net of h-sets on the Hénon attractor is pairwise disjoint by the kernel's exact test."""
    from certify.checker import hsets as H
    from certify.horseshoes import _plane_hset
    F, X, U, S = _henon_net()
    idx, a, b = F.net_sets(X, U, S, 0.004, 0.004)
    assert len(idx) > 100 and (a >= 0.004).all()
    sets = [H.parse_hset(_plane_hset(X[v], U[v], S[v], a[t], b[t]), 2) for t, v in enumerate(idx)]
    assert H.disjoint(sets) is None


def test_net_sets_on_a_fixed_point_are_one_set():
    """A trajectory sitting on one point gives one h-set (the candidates are thinned to one per cell)."""
    import numpy as np
    from certify.horseshoes import finder as F
    X = np.tile([0.1, 0.2], (500, 1))
    U, S = np.tile([1.0, 0.0], (500, 1)), np.tile([0.0, 1.0], (500, 1))
    idx, a, b = F.net_sets(X, U, S, 0.01, 0.01)
    assert list(idx) == [0]


def _reachable(n, edges, s):
    seen, todo = {s}, [s]
    while todo:
        i = todo.pop()
        for a, b in edges:
            if a == i and b not in seen:
                seen.add(b)
                todo.append(b)
    return seen


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 9).flatmap(lambda n: st.tuples(
    st.just(n), st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), min_size=1, max_size=30),
    st.integers(1, 60))))
def test_prune_fits_the_budget_and_is_strongly_connected(case):
    """prune returns edges of total cost <= budget on a strongly connected node set (reachability oracle)."""
    from certify.horseshoes import finder as F
    n, edges, budget = case
    edges = sorted(edges)
    cost = {e: 1 + (3 * e[0] + e[1]) % 4 for e in edges}
    nodes, E = F.prune(n, edges, cost, budget)
    assert set(E) <= set(edges) and sum(cost[e] for e in E) <= budget or not E
    assert all(i in nodes and j in nodes for i, j in E)
    for v in nodes:
        assert set(nodes) <= _reachable(n, E, v)


def test_spectral_radius_by_power_iteration_matches_eigenvalues():
    """The float spectral radius of graphs above 64 nodes (power iteration) agrees with numpy's eigenvalues."""
    import numpy as np
    from certify.horseshoes import finder as F
    rng = np.random.default_rng(7)
    for n, p in ((80, 0.05), (150, 0.03)):
        A = (rng.random((n, n)) < p).astype(float)
        edges = [(int(i), int(j)) for i, j in zip(*np.nonzero(A))]
        assert abs(F.spectral_radius(n, edges) - max(abs(np.linalg.eigvals(A)))) < 1e-6 * n


def test_escaping_map_is_undecided():
    """(x, y) -> (2x, y/2): every trajectory off the axis escapes; no net, no orbit, an undecided verdict."""
    res = certify.chaos("(2*x, 0.5*y)", max_period=3)
    assert res.undecided and "no graph of h-sets" in res.reason
