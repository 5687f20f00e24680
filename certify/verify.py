"""`certify check`: the kernel's verdict on a certificate, bound to what the user meant.

The kernel (certify.checker) proves the statement about the certificate's *canonical* map. This
layer adds three bindings outside the kernel, each of which can only turn a pass into a failure:
- `map.given` (the spec as typed): when it parses as a spec (or names an existing weights file),
  its canonical form must be the certificate's; otherwise it stays informational;
- `expect_map`: a spec the user names; its canonical form must be the certificate's;
- `expect_claim`: "KIND" or "KIND:P"; the certificate's claim must be of that kind (and period).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace

from certify.checker import CheckResult, check
from certify.checker.statement import one_line
from certify.errors import CertifyError

__all__ = ["Verification", "verify", "canonical_of", "same_map", "self_checked"]


@dataclass(frozen=True)
class Verification:
    """A kernel CheckResult plus what the bindings found: `given` is "matches", "differs" or
    "not checked" (the spec could not be re-read here)."""

    result: CheckResult
    given: str
    claim_line: str
    map_line: str
    given_spec: str = ""

    @property
    def ok(self) -> bool:
        return self.result.ok


def self_checked(cert: dict, enabled: bool = True, *, keep=None, drop=(), program=None, **extra) -> dict:
    """The certifier's gate: CERT itself when the independent checker accepts it (or it is undecided,
    or `enabled` is False: benchmarks of the certifier alone); otherwise the same claim as undecided
    with no evidence and the checker's message as the reason (an internal error, never a verdict),
    keeping only the fields `keep` when given, else every field but the results `drop` the failed
    proof stated, and setting `extra`."""
    if not enabled or cert["verdict"] == "undecided":
        return cert
    res = check(cert) if program is None else check(cert, program=program)
    if res.ok:
        return cert
    bad = {k: v for k, v in cert.items() if (k in keep if keep is not None else k not in drop)}
    bad.update(verdict="undecided", evidence=[], reason=f"internal self-check failed ({res.message}); please report",
               **extra)
    return bad


def canonical_of(spec: str, template: dict) -> dict:
    """The canonical form of `spec` read as the same kind of map as `template` (a certificate's
    canonical map: a 1D map, a family with `param`, a two-parameter family, or a PLRNN)."""
    from certify.maps import parse_family, parse_family2, parse_map
    from certify.maps.weights import NoActivation

    if template.get("kind") == "polymap":
        from certify.maps.polymap import parse_polymap_spec
        return parse_polymap_spec(spec).canonical
    if template.get("kind") == "plrnn":
        from certify.maps.plrnn import load_plrnn
        return load_plrnn(spec).canonical
    if template.get("kind") == "rnn":
        from certify.maps.rnn import is_rnn_file, load_rnn
        if not is_rnn_file(spec):
            raise CertifyError(f"{spec} is not an RNN file, and the certificate is about an n-dimensional RNN")
        return load_rnn(spec).canonical
    if template.get("params"):
        return parse_family2(spec, *template["params"]).canonical
    if template.get("param"):
        return parse_family(spec, template["param"]).canonical
    try:
        return parse_map(spec).canonical
    except NoActivation:  # a weights file without its activation: the certificate's is the one it was read with
        if template.get("kind") != "rnn1d":
            raise
        return parse_map(spec, activation=template.get("activation")).canonical


def same_map(a: dict, b: dict):
    """Whether two canonical maps (same kind of map) denote the same function: True when the forms
    are equal, when the kernel's exact piecewise-linear tables are equal (PL maps: decided exactly),
    or when sympy proves the difference zero; False when they differ certainly at a sample point
    (ball arithmetic) or their PL tables differ; None when neither could be shown."""
    if a == b:
        return True
    if a.get("kind") == "rnn" or b.get("kind") == "rnn":
        # tanh and sigmoid are injective, so h -> act(W h + b) determines W and b: other exact
        # forms are other maps. relu/hardtanh rows can agree as functions with different weights.
        injective = a.get("activation") == b.get("activation") in ("tanh", "sigmoid")
        return False if injective or a.get("kind") != b.get("kind") else None
    if "polymap" in (a.get("kind"), b.get("kind")):  # canonical forms are normalised by sympy's Poly
        return False
    if a.get("kind") == "plrnn" or b.get("kind") == "plrnn" or a.get("params") != b.get("params") \
            or a.get("param") != b.get("param"):
        return False
    import sympy
    from flint import arb, fmpq

    from certify.checker.semantics import Program, eval_ball, workprec
    from certify.maps import Map

    try:
        pa, pb = Program.from_canonical(a), Program.from_canonical(b)
    except CertifyError:
        return None
    ta, tb = pa.pl(), pb.pl()
    if ta is not None and tb is not None and not (pa.has_param() or pb.has_param()):
        return (ta.breaks, ta.slopes, ta.icepts) == (tb.breaks, tb.slopes, tb.icepts)
    if not (pa.has_param() or pb.has_param() or a.get("params")):
        with workprec(128):
            for t in (fmpq(0), fmpq(1, 3), fmpq(-7, 5), fmpq(13, 4)):
                ya, yb = eval_ball(pa, arb(t)), eval_ball(pb, arb(t))
                if ya.is_finite() and yb.is_finite() and not ya.overlaps(yb):
                    return False
    try:
        ea = Map("", a, pa).expr if a["kind"] == "rnn1d" else None
        eb = Map("", b, pb).expr if b["kind"] == "rnn1d" else None
        from certify.checker.semantics import parse_canonical_expr
        params = a.get("params") or a.get("param")
        ea = ea if ea is not None else parse_canonical_expr(a["expr"], params)
        eb = eb if eb is not None else parse_canonical_expr(b["expr"], params)
        return True if sympy.simplify(ea - eb) == 0 else None
    except (CertifyError, TypeError, ValueError):
        return None


def _given_binding(cert: dict) -> str:
    m = cert.get("map") or {}
    given, canon = m.get("given"), m.get("canonical")
    if not isinstance(given, str) or not isinstance(canon, dict):
        return "not checked"
    looks_like_file = given.lower().endswith((".json", ".npz", ".safetensors", ".pt", ".pth"))
    if looks_like_file and not os.path.isfile(given):
        return "not checked"
    try:
        got = canonical_of(given, canon)
    except CertifyError:
        return "not checked"
    return {True: "matches", False: "differs", None: "not checked"}[same_map(got, canon)]


def _claim_line(cert: dict) -> str:
    claim = cert.get("claim") or {}
    if claim.get("kind") == "polymap_orbits":  # region and grid of a map of the plane, for reading
        try:
            (x, y), g = claim["region"], claim["grid"]
            return (f"polymap_orbits p={claim['p']} region=[{x['lo']}, {x['hi']}] x [{y['lo']}, {y['hi']}] "
                    f"grid={g['start'][0]}x{g['start'][1]} refined {g['levels']} times")
        except (KeyError, TypeError, ValueError, IndexError):
            pass  # a malformed claim: shown as written below
    if claim.get("kind") == "polymap_cycles":  # the region of a polynomial map of R^n, for reading
        try:
            box = " x ".join(f"[{v['lo']}, {v['hi']}]" for v in claim["region"])
            return (f"polymap_cycles p={claim['p']} region={box} basis={claim['basis']}"
                    + (f" question={claim['question']}" if "question" in claim else ""))
        except (KeyError, TypeError, ValueError, IndexError):
            pass  # a malformed claim: shown as written below
    if claim.get("kind") == "rnn_cycles":  # an RNN's region has n long exact intervals: named, not shown
        try:
            return (f"rnn_cycles p={claim['p']} basis={claim['basis']}"
                    + (f" rounds={claim['rounds']}" if claim["basis"] == "image" else "")
                    + (f" region={len(claim['region'])} intervals (in the certificate)" if claim["region"] else ""))
        except (KeyError, TypeError):
            pass  # a malformed claim: shown as written below
    parts = [str(claim.get("kind"))]
    for k in sorted(claim):
        if k != "kind" and claim[k] is not None:
            v = claim[k]
            parts.append(f"{k}={v['lo']}..{v['hi']}" if isinstance(v, dict) and set(v) == {"lo", "hi"} else f"{k}={v}")
    return " ".join(parts)


def _map_line(cert: dict) -> str:
    """The canonical map for reading: a formula, a small network written out, or a wide network's
    width, activation and the digest of its canonical form."""
    import hashlib

    m = cert.get("map") or {}
    c = m.get("canonical") or {}
    if c.get("kind") == "expr":
        name = ", ".join(c.get("params") or ([c["param"]] if c.get("param") else []))
        text = f"f(x) = {c.get('expr')}" + (f"  (parameters: {name})" if name else "")
    elif c.get("kind") == "rnn1d" and len(c.get("w", [])) <= 4:
        import sympy

        from certify.checker.semantics import Program
        from certify.maps import Map
        text = f"f(x) = {sympy.sstr(Map('', c, Program.from_canonical(c)).expr)}"
    elif c.get("kind") == "polymap":
        from certify.checker.polymap import parse_polymap, polymap_text
        text = polymap_text(parse_polymap(c))
    elif c.get("kind") == "plrnn" and isinstance(c.get("A"), list) and len(c["A"]) <= 4:
        text = (f"z -> A z + W relu(z) + h, A = diag({', '.join(map(str, c['A']))}), "
                f"W = [{', '.join('[' + ', '.join(map(str, r)) + ']' for r in c['W'])}], h = ({', '.join(map(str, c['h']))})")
    else:
        digest = hashlib.sha256(json.dumps(c, sort_keys=True).encode()).hexdigest()[:16]
        what = f"rnn1d width {len(c.get('w', []))}, activation {c.get('activation')}" if c.get("kind") == "rnn1d" \
            else f"{c.get('kind')} map"
        text = f"{what}, canonical digest {digest}"
    return text + (f"   [{m['class']}]" if m.get("class") else "")


def verify(cert: dict, expect_map: str | None = None, expect_claim: str | None = None) -> Verification:
    """Check a certificate in the kernel and bind it to the spec it names and to the user's
    expectations (a mismatch fails the check, with the reason)."""
    res = check(cert)
    if not res.ok:
        return Verification(res, "not checked", _readable(_claim_line, cert), _readable(_map_line, cert))
    given = _given_binding(cert) if res.ok else "not checked"
    fail = None
    if res.ok and given == "differs":
        fail = "map.given does not denote the certificate's canonical map"
    if res.ok and fail is None and expect_claim is not None:
        kind, _, p = expect_claim.partition(":")
        claim = cert["claim"]
        if claim.get("kind") != kind.strip() or (p and str(claim.get("p")) != p.strip()):
            fail = f"the certificate's claim is {_claim_line(cert)!r}, not {expect_claim!r}"
    if res.ok and fail is None and expect_map is not None:
        try:
            want = canonical_of(expect_map, cert["map"]["canonical"])
        except CertifyError as e:
            raise CertifyError(f"--expect-map: {e}") from None
        same = same_map(want, cert["map"]["canonical"])
        if same is not True:
            fail = f"the certificate is about another map than {expect_map!r}" if same is False else \
                f"could not prove that the certificate's map is {expect_map!r} (canonical forms differ)"
    if fail is not None:
        res = replace(res, ok=False, message=fail)
    spec = (cert.get("map") or {}).get("given") if isinstance(cert, dict) else None
    return Verification(res, given, _readable(_claim_line, cert), _readable(_map_line, cert),
                        one_line(spec, 200) if isinstance(spec, str) else "")


def _readable(render, cert) -> str:
    """A printable line about a certificate that may be malformed (then the line says so)."""
    try:
        return one_line(render(cert))
    except (CertifyError, KeyError, TypeError, ValueError, AttributeError, IndexError, ArithmeticError):
        return "(malformed)"
