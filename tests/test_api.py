"""The Python API (certify/__init__.py, certify/api.py, certify/results.py): the same verdicts and
certificate bytes as the CLI, exact values, frozen results, independent re-checks."""

import dataclasses
import json
import os
import subprocess
import sys
from fractions import Fraction
from html.parser import HTMLParser

import mpmath
import numpy as np
import pytest

import certify
from certify.cli import main
from certify.errors import CertifyError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _cli_json(capsys, *argv) -> str:
    capsys.readouterr()
    main([*argv, "--json"])
    return capsys.readouterr().out


def test_period_certificate_is_the_cli_certificate(capsys):
    """certify.period(spec, 3).certificate_json is byte-identical to `certify period SPEC -p 3 --json`."""
    res = certify.period("logistic(r=383/100)", 3)
    assert res.verdict == "proved"
    assert res.certificate_json == _cli_json(capsys, "period", "logistic(r=383/100)", "-p", "3")


def test_refutation_through_a_map_object(capsys):
    """A Map and its spec string give the same refutation (tent s = 8/5 has no period 3)."""
    f = certify.parse("tent(s=8/5)")
    res = certify.period(f, 3)
    assert res.refuted and res.orbit is None
    assert res.certificate == json.loads(_cli_json(capsys, "period", "tent(s=8/5)", "-p", "3"))


def test_orbit_is_exact_and_floats_lie_inside():
    """The orbit of tent s = 2 of period 3 is exactly {2/9, 4/9, 8/9}; orbit_floats are those numbers."""
    res = certify.period("tent(s=2)", 3)
    assert res.orbit == [(Fraction(2, 9),) * 2, (Fraction(4, 9),) * 2, (Fraction(8, 9),) * 2]
    assert res.orbit_floats == [2 / 9, 4 / 9, 8 / 9]


def test_ball_orbit_encloses_a_true_orbit():
    """Each enclosure of the logistic r = 3.83 3-cycle maps into the next one under f (mpmath, 100 digits)."""
    res = certify.period("logistic(r=383/100)", 3)
    orbit = res.orbit
    with mpmath.workdps(100):
        for (lo, hi), (nlo, nhi) in zip(orbit, orbit[1:] + orbit[:1]):
            for x in (lo, hi):
                fx = mpmath.mpf(383) / 100 * mpmath.mpf(x.numerator) / x.denominator * \
                    (1 - mpmath.mpf(x.numerator) / x.denominator)
                assert nlo - Fraction(1, 10**12) <= Fraction(str(mpmath.nstr(fx, 60))) <= nhi + Fraction(1, 10**12)


def test_results_are_frozen_and_certificates_are_copies():
    """Editing a Result's certificate dict changes neither the Result nor its re-check."""
    res = certify.period("tent(s=2)", 3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.command = "orbits"
    cert = res.certificate
    cert["verdict"] = "refuted"
    assert res.verdict == "proved" and res.check().ok


def test_check_rejects_an_edited_certificate():
    """certify.check on a dict whose orbit was moved fails, with the kernel's message."""
    cert = certify.period("tent(s=2)", 3).certificate
    cert["orbit"][0] = {"lo": "1/4", "hi": "1/4"}
    chk = certify.check(cert)
    assert not chk.ok and not chk and "FAILED" in chk.text


def test_check_of_a_file_names_the_statement():
    """certify.check(path) re-derives the statement of a committed certificate."""
    chk = certify.check("tests/certificates/period_pl_proved.json", expect_claim="period:3")
    assert chk.ok and chk.statement.startswith("f has a point of minimal period 3") and chk.verdict == "proved"


def test_threshold_exact_onset_encloses_one_plus_two_sqrt2():
    """The logistic period-3 onset is 1 + 2 sqrt 2, and its enclosure contains that number (mpmath)."""
    res = certify.threshold("logistic(r)", "r", 3, (Fraction(7, 2), 4))
    lo, hi = res.enclosure
    assert res.exact == "1 + 2*sqrt(2)"
    with mpmath.workdps(60):
        v = 1 + 2 * mpmath.sqrt(2)
        assert mpmath.mpf(lo.numerator) / lo.denominator <= v <= mpmath.mpf(hi.numerator) / hi.denominator


def test_entropy_of_a_tent_brackets_log_slope():
    """entropy(tent s = 17/10) gives lo <= log(17/10) <= hi."""
    lo, hi = certify.entropy("tent(s=17/10)").enclosure
    assert float(lo) <= float(mpmath.log(mpmath.mpf(17) / 10)) <= float(hi)


def test_exact_numbers():
    """Floats are their exact binary values, strings exact decimals; booleans and NaN are refused."""
    from certify.api import exact

    def frac(q):
        return Fraction(int(q.p), int(q.q))

    assert frac(exact(0.5)) == Fraction(1, 2) and frac(exact("0.3")) == Fraction(3, 10)
    assert frac(exact(0.3)) == Fraction(0.3) != Fraction(3, 10)
    assert frac(exact(np.float32(0.1))) == Fraction(float(np.float32(0.1)))
    for bad in (True, float("nan"), float("inf"), "abc", None):
        with pytest.raises(CertifyError):
            exact(bad)


def test_period_option_checks():
    """A period of 0, a boolean, or a float is refused with one message; so is a reversed domain."""
    for bad in (0, True, 2.5, "x"):
        with pytest.raises(CertifyError, match="period"):
            certify.period("tent(s=2)", bad)
    with pytest.raises(CertifyError, match="LO < HI"):
        certify.period("tent(s=2)", 3, domain=(1, 0))


def test_map_evaluates_exactly_and_in_floats():
    """tent(s=2) at 1/3 is exactly 2/3; at 0.3 the float 0.6; elementwise on arrays; smooth maps refuse
    exact evaluation and give an enclosing ball instead."""
    f = certify.parse("tent(s=2)")
    assert f(Fraction(1, 3)) == Fraction(2, 3) and f(0.3) == pytest.approx(0.6, abs=1e-15)
    assert list(f(np.array([0.1, 0.75]))) == pytest.approx([0.2, 0.5])
    g = certify.parse("3*tanh(x)")
    with pytest.raises(CertifyError, match="ball"):
        g(Fraction(1, 2))
    with mpmath.workdps(40):
        assert g.ball("1/2").contains(g.ball("1/2", prec=256)) and \
            abs(float(g.ball("1/2").mid()) - float(3 * mpmath.tanh(0.5))) < 1e-15


def test_gradient_weight_names_are_zero_based():
    """param="a0" is the first output weight (2 in relu_tent_net), as numpy counts."""
    res = certify.gradients("proofs/relu_tent_net.json", "0.3", horizon=20, param="a0")
    assert res.claim["param"] == "a0" and res.claim["value"] == "2"


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_notebook_views_name_the_verdict():
    """_repr_html_ parses as HTML and names the verdict and the map; _repr_markdown_ leads with the verdict."""
    res = certify.period("2*Min(x, 1 - x)", 3)
    p = _Text()
    p.feed(res._repr_html_())
    text = "".join(p.text)
    assert "PROVED" in text and "2*Min(x, 1 - x)" in text and "pre" in p.tags
    assert res._repr_markdown_().startswith("**certify period**: **PROVED**")


def test_import_certify_is_lazy():
    """`import certify` imports neither sympy, numpy nor flint (the public names load on first use)."""
    code = "import sys, certify; print(sorted(m for m in ('sympy', 'numpy', 'flint') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_every_public_name_resolves():
    """Every name in certify.__all__ is importable and documented."""
    for name in certify.__all__:
        obj = getattr(certify, name)
        assert name == "__version__" or obj.__doc__, name


def test_public_names_are_not_shadowed_by_subpackages():
    """After every certify submodule is imported, each public name is still the function or class
    (a subpackage called like a public function would replace it on import)."""
    import importlib
    import pkgutil
    import types

    for info in pkgutil.walk_packages(certify.__path__, "certify."):
        if not info.name.endswith(("__main__", "torch")):
            importlib.import_module(info.name)
    for name in certify.__all__:
        assert not isinstance(getattr(certify, name), types.ModuleType), name


@pytest.mark.slow  # ~17 s (torch, figures); each step is also tested on its own in the default suite
def test_the_library_tour(tmp_path, monkeypatch):
    """The tour of issue 10 runs: build maps every way, certify, read exact values, re-check, plot,
    save, the notebook views, the other commands, and Map evaluation."""
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(281)
    W, B, A = rng.normal(0, 1.4, (8, 1)).astype(np.float16), rng.uniform(-1, 1, (1, 8)), rng.normal(0, .5, 8)
    f = certify.rnn1d(w=W, b=B, a=A, c=0.0, activation="relu")
    assert f.canonical["w"][0] == str(Fraction(float(W[0, 0]))).replace(" ", "")
    f = certify.load(f"{ROOT}/examples/he_relu8.json")
    assert f.canonical == certify.load(f"{ROOT}/examples/he_relu8.safetensors").canonical
    res = certify.period(f, 3)
    assert res.verdict == "proved" and all(isinstance(v, Fraction) for iv in res.orbit for v in iv)
    assert res.certificate["verdict"] == "proved" and res.check().ok
    fig = res.plot()
    assert fig.axes[0].get_aspect() == 1.0
    res.save("c.pdf")
    res.save("c.json")
    assert open("c.pdf", "rb").read(5) == b"%PDF-" and certify.check("c.json").ok
    assert "PROVED" in res._repr_html_() and res._repr_markdown_()
    h = certify.parse("logistic(r=3.83)")
    assert certify.orbits(h, 5).verdict == "proved"
    assert certify.windows("logistic(r)", "r", 3, (3.5, 4)).windows
    assert certify.lyapunov(h).verdict == "proved" and certify.entropy(h).verdict == "proved"
    assert 0 <= h(0.3) <= 1 and h.plot().axes
    try:
        import torch
    except ImportError:
        return
    model = torch.nn.Sequential(torch.nn.Linear(1, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))
    from safetensors.numpy import load_file
    model.load_state_dict({k: torch.from_numpy(v) for k, v in load_file(f"{ROOT}/examples/he_relu8.safetensors").items()})
    assert certify.from_torch(model).canonical == f.canonical
