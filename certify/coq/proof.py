"""Coq proof files for certificates: the claim re-proved by Coq's kernel with the library formal/.

What is exported (everything else raises NoCoqExport, naming what is missing):
  - a proved period-3 claim: a Li-Yorke point a, f^3(a) <= a < f(a) < f^2(a) or all reversed,
    checked by exact computation over Q (check_li_yorke_sound) when the map has only rational
    constants, +, *, max and min, or else by three enclosures of f(a), f^2(a), f^3(a) each proved
    by the `interval` tactic (li_yorke_enclosures); the library's li_yorke theorem concludes;
  - a proved period-p claim (p != 3) with an exact rational cycle of an exact map: the cycle is
    checked over Q and its points are distinct (check_cycle_sound);
  - a refuted period-p claim of a piecewise-linear map: the line is cut into segments on which
    f^p is affine and f^p(x) = x is solved on each over Q (check_no_period_sound). The Coq theorem
    holds on the whole line; a certificate refuting only on a domain exports only when the whole
    line has no point of minimal period p either.
The certificate is first re-checked by certify's kernel; the Coq file does not depend on it.
"""

from __future__ import annotations

from flint import arb, ctx, fmpq

from certify.arith import dyadic
from certify.certificates import q_parse
from certify.coq import affine
from certify.coq.terms import NoCoqExport, eval_exact, from_program, is_exact, q_coq, r_coq, to_coq

HEADER = """\
(* Exported by certify {version} from a certificate; check with:  coqc -R formal Certify FILE.v
   map:    {given}
   f(x) =  {formula}
   claim:  {claim}
   The term f below is certify's translation of the map (what this proof still trusts);
   everything after it is checked by Coq. *)
From Coq Require Import Reals QArith Qreals Lra List.
From Certify Require Import Expr Period PL Tactics Table.
{interval}Import ListNotations.
Open Scope R_scope.

Definition f : expr :=
  {term}.
"""

PRECISIONS = (64, 128, 256, 512, 1024, 2048)  # bits tried for the interval route, in order


def proof(cert: dict) -> str:
    """The Coq source proving the certificate's claim (after the kernel has re-checked it)."""
    from certify.checker import check
    from certify.checker.semantics import Program

    claim = cert.get("claim") if isinstance(cert.get("claim"), dict) else {}
    if claim.get("kind") != "period":
        raise NoCoqExport(f"no Coq export exists yet for {claim.get('kind')} claims (only period claims)")
    res = check(cert)
    if not res.ok:
        raise NoCoqExport(f"the certificate does not pass certify check: {res.message}")
    verdict = cert["verdict"]
    p = claim["p"]
    term = from_program(Program.from_canonical(cert["map"]["canonical"]).code)
    if verdict == "proved":
        body, statement = _proved(cert, term, p)
    elif verdict == "refuted":
        body, statement = _refuted(term, p)
    else:
        raise NoCoqExport("an undecided certificate proves nothing to export")
    from certify import __version__

    head = HEADER.format(version=__version__, given=_comment(str(cert["map"].get("given", ""))),
                         formula=_comment(_formula(cert["map"]["canonical"])),
                         claim=_comment(statement), term=to_coq(term),
                         interval="From Interval Require Import Tactic.\n" if "interval" in body else "")
    return head + body


def _comment(s: str) -> str:
    """Text safe inside a Coq comment: no comment delimiters, and no '"' (Coq lexes strings in comments)."""
    return s.replace("(*", "( *").replace("*)", "* )").replace('"', "'").replace("\n", " ")


def _formula(canon: dict) -> str:
    if canon.get("kind") == "expr":
        return canon["expr"]
    act, units = canon["activation"], zip(canon["w"], canon["b"], canon["a"])
    return " + ".join(f"({a})*{act}(({w})*x + ({b}))" for w, b, a in units) + f" + ({canon['c']})"


# --------------------------------------------------------------------------- proved

def _proved(cert: dict, term, p: int):
    if p == 3:
        a = _li_yorke_point(cert, term)
        statement = "f has a point of minimal period 3 (Li-Yorke: covering intervals and the IVT)"
        if is_exact(term):
            return (f"\n(* Li-Yorke point a = {a}: f^3(a) <= a < f(a) < f^2(a) or all reversed, over Q. *)\n"
                    "Theorem certify_claim : exists x : R, has_minimal_period (evalR f) 3 x.\n"
                    f"Proof. apply (check_li_yorke_sound f {q_coq(a)}). vm_compute. reflexivity. Qed.\n"
                    "\nPrint Assumptions certify_claim.\n"), statement
        return _li_yorke_interval(term, a), statement
    cycle = _exact_cycle(cert)
    if cycle is None or not is_exact(term):
        raise NoCoqExport(f"no Coq export exists yet for period {p} without an exact rational cycle of a map "
                          "with rational data (period 3 exports by Li-Yorke)")
    statement = f"the point {cycle[0]} has minimal period {p} (its exact cycle, checked over Q)"
    xs = "; ".join(q_coq(x) for x in cycle)
    return ("\nDefinition cycle : list Q := [" + xs + "].\n\n"
            f"Theorem certify_claim : has_minimal_period (evalR f) {p} (Q2R {q_coq(cycle[0])}).\n"
            "Proof. apply (check_cycle_sound f _ (tl cycle)). vm_compute. reflexivity. Qed.\n"
            "\nPrint Assumptions certify_claim.\n"), statement


def _exact_cycle(cert: dict):
    for fact in cert.get("evidence", []):
        if fact.get("fact") == "cycle_exact":
            return [q_parse(x) for x in fact["points"]]
    orbit = cert.get("orbit") or []
    if orbit and all(b["lo"] == b["hi"] for b in orbit):
        return [q_parse(b["lo"]) for b in orbit]
    return None


def _candidates(cert: dict):
    """Li-Yorke point candidates: the certificate's own witness first, then cycle points and the
    ends of its cycle boxes."""
    out = []
    for fact in cert.get("evidence", []):
        if fact.get("fact") == "li_yorke":
            out.append(q_parse(fact["a"]))
    out += _exact_cycle(cert) or []
    for fact in cert.get("evidence", []):
        for box in fact.get("boxes", []) if isinstance(fact.get("boxes"), list) else []:
            out += [q_parse(box["lo"]), q_parse(box["hi"])]
    for box in cert.get("orbit") or []:
        out += [q_parse(box["lo"]), q_parse(box["hi"])]
    seen, uniq = set(), []
    for q in out:
        if q not in seen:
            seen.add(q)
            uniq.append(q)
    return uniq


def _li_yorke_point(cert: dict, term) -> fmpq:
    for a in _candidates(cert):
        if is_exact(term):
            b = eval_exact(term, a)
            c = eval_exact(term, b)
            d = eval_exact(term, c)
            if (d <= a < b < c) or (c < b < a <= d):
                return a
        elif _enclosures(term, a) is not None:
            return a
    raise NoCoqExport("no Li-Yorke point f^3(a) <= a < f(a) < f^2(a) (or reversed) was found among the "
                      "certificate's witnesses and cycle points")


# --------------------------------------------------------------------------- interval route

def ball(t, X: arb) -> arb:
    """An arb enclosure of the term on X, computed as the interval tactic reads it."""
    op = t[0]
    if op == "var":
        return X
    if op == "const":
        return arb(t[1])
    if op in ("add", "mul", "max", "min"):
        u, v = ball(t[1], X), ball(t[2], X)
        if op == "add":
            return u + v
        if op == "mul":
            return u * v
        return (u + v + abs(u - v)) / 2 if op == "max" else (u + v - abs(u - v)) / 2
    u = ball(t[1], X)
    if op == "tanh":
        return 1 - 2 / ((2 * u).exp() + 1)
    if op == "sigmoid":
        return 1 / (1 + (-u).exp())
    return u.exp()


def _enclosures(term, a: fmpq):
    """(bits, [(l1, u1), (l2, u2), (l3, u3)]): dyadic enclosures of f(a), f([l1, u1]), f([l2, u2])
    satisfying the Li-Yorke inequalities with room to spare, at the first precision that works."""
    for bits in PRECISIONS:
        old = ctx.prec
        try:
            ctx.prec = bits + 32
            X, encl = arb(a), []
            for _ in range(3):
                Y = ball(term, X)
                if not Y.is_finite():
                    break
                slack = Y.rad() + arb(2) ** (8 - bits) * (1 + abs(Y.mid()))
                lo = dyadic((Y.mid() - slack).lower().fmpq(), bits, up=False)
                hi = dyadic((Y.mid() + slack).upper().fmpq(), bits, up=True)
                encl.append((lo, hi))
                X = arb(lo).union(arb(hi))
        finally:
            ctx.prec = old
        if len(encl) < 3:
            continue
        (l1, u1), (l2, u2), (l3, u3) = encl
        if (u3 <= a < l1 and u1 < l2) or (a <= l3 and u1 < a and u2 < l1):
            return bits, encl
    return None


def _li_yorke_interval(term, a: fmpq) -> str:
    bits, ((l1, u1), (l2, u2), (l3, u3)) = _enclosures(term, a)
    forward = u3 <= a < l1 and u1 < l2
    prec = bits + 32
    tac = f"unfold f; unfold_expr; split; interval with (i_prec {prec})."
    A = r_coq(a)
    lemma = "li_yorke_enclosures" if forward else "li_yorke_enclosures_rev"
    ends = " ".join(r_coq(q) for q in (l1, u1, l2, u2, l3, u3))
    return (f"\n(* Li-Yorke point a = {a}; enclosures of f(a), f^2(a), f^3(a) by the interval tactic. *)\n"
            f"Lemma step1 : {r_coq(l1)} <= evalR f {A} <= {r_coq(u1)}.\n"
            f"Proof. {tac} Qed.\n\n"
            f"Lemma step2 : forall y, {r_coq(l1)} <= y <= {r_coq(u1)} -> {r_coq(l2)} <= evalR f y <= {r_coq(u2)}.\n"
            f"Proof. intros y Hy. {tac} Qed.\n\n"
            f"Lemma step3 : forall y, {r_coq(l2)} <= y <= {r_coq(u2)} -> {r_coq(l3)} <= evalR f y <= {r_coq(u3)}.\n"
            f"Proof. intros y Hy. {tac} Qed.\n\n"
            "Theorem certify_claim : exists x : R, has_minimal_period (evalR f) 3 x.\n"
            f"Proof.\n  apply ({lemma} (evalR f) {A} {ends}\n"
            "    (evalR_continuous f) step1 step2 step3); lra.\nQed.\n"
            "\nPrint Assumptions certify_claim.\n")


# --------------------------------------------------------------------------- refuted

def _refuted(term, p: int):
    try:
        ts, forms = affine.table(term)
    except NoCoqExport as e:
        raise NoCoqExport(f"no Coq export exists yet for refutations of maps that are not piecewise linear ({e})") from None
    cuts = affine.partition(term, p)
    found = affine.periodic_points(term, p, cuts)
    if found:
        raise NoCoqExport(f"the Coq theorem is about the whole line, and x = {found[0]} has minimal period {p} "
                          "there (the certificate refutes only on its domain)")
    itins = [affine.itinerary(ts, forms, p, s) for s in affine.segments(cuts)]
    statement = (f"no real x has minimal period {p} (f a table of {len(forms)} pieces; f^{p} affine on "
                 f"{len(cuts) + 1} segments, solved over Q)")
    return ("\nDefinition breaks : list Q := " + _qlist(ts) + ".\n\n"
            "Definition forms : list (Q * Q) := [\n  "
            + ";\n  ".join(f"({q_coq(a)}, {q_coq(b)})" for a, b in forms) + "].\n\n"
            "Definition cuts : list Q := " + _qlist(cuts) + ".\n\n"
            "Definition itineraries : list (list nat) := [\n  "
            + ";\n  ".join("[" + "; ".join(map(str, ks)) + "]" for ks in itins) + "]%nat.\n\n"
            f"Theorem certify_claim : forall x : R, ~ has_minimal_period (evalR f) {p} x.\n"
            f"Proof.\n  apply (check_no_period_table_sound f {p} breaks forms cuts itineraries).\n"
            "  vm_compute. reflexivity.\nQed.\n"
            "\nPrint Assumptions certify_claim.\n"), statement


def _qlist(qs) -> str:
    return "[]" if not qs else "[\n  " + ";\n  ".join(q_coq(q) for q in qs) + "]"
