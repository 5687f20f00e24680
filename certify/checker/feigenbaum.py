"""The Feigenbaum point of the logistic family, from both sides (trusted kernel).

Facts of a `chaos_onset` claim for the family f_r(x) = r x (1 - x) exactly, on a range [A, B] with
1 <= A < B <= 4. Both rest on one check: `superstable_at` (n, r = [a, b], prec): S_n(r) =
f_r^n(1/2) - 1/2 has a unique zero r* in [a, b] (one-dimensional Krawczyk, S and S' in outward
rounded ball arithmetic, the orbit in the centred form u' = r (1/4 - u^2) - 1/2 of u = x - 1/2),
and S_j has no zero on [a, b] for 1 <= j < n: the critical point 1/2 of f_(r*) is periodic of
minimal period n, and f_(r*)^j(1/2) lies on the side of 1/2 given by the sign of S_j (its kneading
sequence, R for > 1/2, L for < 1/2).

Theorems the facts rely on (named in the statement the kernel prints):
- (M) Misiurewicz (1979); Block, Guckenheimer, Misiurewicz, Young (1980): a continuous interval
  map has positive topological entropy iff it has a periodic point whose period is not a power of
  2. Upper side: `superstable_at` with n not a power of 2 gives h_top(f_(r*)) > 0, so the onset
  r_c = inf{r >= A : h_top(f_r) > 0} is at most r* <= b. No monotonicity is used on this side.
- (K) Kneading theory of the period-doubling cascade (Metropolis-Stein-Stein 1973; Milnor-Thurston
  1988; Collet-Eckmann 1980): the kneading sequence W_k C of the superstable map of period 2^k in
  the cascade is the k-fold period doubling of C (W_0 = empty word; W_(k+1) = W_k x W_k with x in
  {L, R} making the number of R in W_k x odd: RC, RLRC, RLRRRLRC, ...). A unimodal map with this
  kneading sequence has exactly the periods 1, 2, 4, ..., 2^k, so h_top = 0 by (M).
- (T) Monotonicity of the real quadratic family (Milnor-Thurston 1988 with Douady-Hubbard 1985 and
  Sullivan; a real proof: Tsujii 2000): h_top(f_r) is non-decreasing in r on [1, 4].
  Lower side: `cascade_center` (k, r = [a, b], prec) is `superstable_at` with n = 2^k whose
  kneading sequence is W_k, so h_top(f_(r*)) = 0 by (K) and h_top(f_r) = 0 for every r in
  [1, r*] by (T): the onset is at least r* >= a.
  A `cascade_center` at or past B alone refutes chaos on the whole range (verdict refuted, lower = B).
Entropy is Bowen's, on the whole line: for r in [1, 4] every compact invariant set of f_r lies in
[0, 1] (points outside tend to -infinity).
"""

from __future__ import annotations

from flint import arb, fmpq

from certify.certificates import interval_parse, q_parse
from certify.checker import facts as F
from certify.checker.statement import Statement, num

__all__ = ["FACTS", "cascade_word", "critical_orbit", "superstable_at", "chaos_onset"]

FACTS = ("cascade_center", "superstable_at")
MAX_N = 1 << 16
QUARTER, HALF = fmpq(1, 4), fmpq(1, 2)


def cascade_word(k: int) -> str:
    """W_k: the kneading letters f^j(1/2), j = 1..2^k - 1, of the period-2^k superstable map of the
    period-doubling cascade (W_(k+1) = W_k x W_k, x making the count of R in W_k x odd)."""
    w = ""
    for _ in range(k):
        x = "L" if (w.count("R") + 1) % 2 == 0 else "R"
        w = w + x + w
    return w


def critical_orbit(r, n: int):
    """[(u_j, du_j/dr) for j = 1..n], u_j = f_r^j(1/2) - 1/2, in the centred form (balls)."""
    u, du, out = 0 * r, 0 * r, []
    for _ in range(n):
        q = QUARTER - u * u
        u, du = r * q - HALF, q - 2 * r * u * du
        out.append((u, du))
    return out


def superstable_at(fact: dict, A: fmpq, B: fmpq, n: int):  # B: the largest parameter allowed
    """Fact `superstable_at` / `cascade_center`: ((a, b), kneading word of length n - 1); Failure
    unless S_n has a unique zero in [a, b] inside [A, B] and S_j has none for 0 < j < n."""
    from certify.checker.semantics import workprec

    name = fact.get("fact")
    prec = fact.get("prec")
    if isinstance(prec, bool) or not isinstance(prec, int) or not 64 <= prec <= 8192:
        raise F.Failure(f"fact {name}: precision {prec!r} out of range")
    if isinstance(n, bool) or not isinstance(n, int) or not 2 <= n <= MAX_N:
        raise F.Failure(f"fact {name}: the period must be an integer in 2..{MAX_N}")
    a, b = interval_parse(fact.get("r"))
    if not (A <= a < b <= B):
        raise F.Failure(f"fact {name}: the parameter interval must lie in the claim's range, lo < hi")
    m = (a + b) / 2
    with workprec(prec):
        at_m = critical_orbit(arb(m), n)
        box = critical_orbit(arb(a).union(arb(b)), n)
        rad = arb(a - m).union(arb(b - m))
        s_m, d_box = at_m[-1][0], box[-1][1]
        dm = d_box.mid()
        if dm == 0 or not d_box.is_finite():
            raise F.Failure(f"fact {name}: S_{n} has no invertible derivative on the interval")
        y = (1 / dm).mid()
        K = arb(m) - y * s_m + (1 - y * d_box) * rad
        if not (K > arb(a) and K < arb(b)):
            raise F.Failure(f"fact {name}: no unique zero of S_{n} proved in r = [{a}, {b}] (Krawczyk)")
        word = []
        for j, ((sm, _), (sb, db)) in enumerate(zip(at_m[:-1], box[:-1]), start=1):
            mv = sm + db * rad
            e = mv.intersection(sb) if mv.overlaps(sb) else mv
            if e > 0:
                word.append("R")
            elif e < 0:
                word.append("L")
            else:
                raise F.Failure(f"fact {name}: f^{j}(1/2) - 1/2 is not proved non-zero on the interval "
                                f"(minimal period {n})")
    return (a, b), "".join(word)


def _is_power_of_two(n: int) -> bool:
    return n >= 1 and n & (n - 1) == 0


def chaos_onset(canon: dict, cert: dict, facts: dict, A: fmpq, B: fmpq, name: str) -> Statement:
    """The two-sided logistic chaos onset: `cascade_center` (field lower = its a) and/or
    `superstable_at` (fields upper = its b, period = n); verdict proved."""
    from certify.checker.logistic import is_logistic

    if not is_logistic(canon):
        raise F.Failure(f"facts {', '.join(FACTS)} are about the family r*x*(1 - x) exactly")
    if not (1 <= A < B <= 4):
        raise F.Failure("the logistic chaos onset needs a range inside [1, 4]")
    if cert["verdict"] not in ("proved", "refuted") or set(facts) - set(FACTS):
        raise F.Failure(f"facts {', '.join(FACTS)} prove a chaos onset on their own (verdict proved or refuted)")
    if cert["verdict"] == "refuted":
        return _no_chaos(cert, facts, A, B, name)
    lines, lo, hi = [], A, None
    if "superstable_at" in facts:
        fact = facts["superstable_at"]
        n = fact.get("n")
        if _is_power_of_two(n) if isinstance(n, int) and not isinstance(n, bool) else True:
            raise F.Failure(f"fact superstable_at: period {n!r} is not an integer other than a power of 2")
        (a, b), _ = superstable_at(fact, A, B, n)
        if cert.get("period") != n or cert.get("upper") is None or q_parse(cert["upper"]) != b:
            raise F.Failure("the stated upper bound and period are not the superstable_at fact's (r.hi, n)")
        hi = b
        lines.append(f"h_top(f_{name}) > 0 at some {name}* in [{num(a)}, {num(b, up=True)}]: there 1/2 is periodic of "
                     f"minimal period {n}, not a power of 2 (Misiurewicz; Block-Guckenheimer-Misiurewicz-Young)")
    elif cert.get("upper") is not None or cert.get("period") is not None:
        raise F.Failure("an upper bound needs the superstable_at fact")
    if "cascade_center" in facts:
        (a, b), line = _cascade_lines(facts["cascade_center"], A, name)
        if cert.get("lower") is None or q_parse(cert["lower"]) != a:
            raise F.Failure("the stated lower bound is not the cascade_center fact's r.lo")
        lo = a
        lines.append(line)
    elif cert.get("lower") is not None:
        raise F.Failure("a lower bound needs the cascade_center fact")
    if hi is not None and lo > hi or lo > B:
        raise F.Failure("the lower bound exceeds the upper bound")
    onset = (f"the chaos onset {name}_c = inf{{{name} >= {num(A)} : h_top(f_{name}) > 0}} (the end of the "
             "period-doubling cascade, the Feigenbaum point)")
    lines.append(f"hence {onset} lies in [{num(lo)}, {num(hi, up=True)}]" if hi is not None else
                 f"hence {onset} is at least {num(lo)} if it lies in the range")
    return Statement("\n".join(lines), len(cert["evidence"]))


def _cascade_lines(fact: dict, A: fmpq, name: str):
    """((a, b), the lower side's statement line) of a cascade_center fact, on [A, 4]."""
    k = fact.get("k")
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= 15:
        raise F.Failure(f"fact cascade_center: k must be an integer in 1..15, got {k!r}")
    (a, b), word = superstable_at(fact, A, fmpq(4), 2 ** k)
    if word != cascade_word(k):
        raise F.Failure(f"fact cascade_center: the kneading sequence is not the cascade's W_{k}")
    return (a, b), (f"h_top(f_{name}) = 0 for every {name} in [{num(A)}, {num(a)}]: some {name}* in [{num(a)}, "
                    f"{num(b, up=True)}] is the superstable parameter of period 2^{k} = {2 ** k} of the period-doubling "
                    f"cascade (kneading sequence W_{k}C: periods 1, 2, ..., 2^{k} only, so h_top = 0 there: "
                    f"Metropolis-Stein-Stein, Milnor-Thurston, Collet-Eckmann, Misiurewicz), and h_top(f_{name}) "
                    f"is non-decreasing in {name} on [1, 4] (Milnor-Thurston, Douady-Hubbard, Sullivan; Tsujii)")


def _no_chaos(cert: dict, facts: dict, A: fmpq, B: fmpq, name: str) -> Statement:
    """Refuted: a cascade_center at or past B, so h_top = 0 on the whole range (field lower = B)."""
    if set(facts) != {"cascade_center"} or cert.get("upper") is not None or cert.get("period") is not None:
        raise F.Failure("a refuted logistic chaos onset rests on one cascade_center fact (no upper bound, no period)")
    (a, _), line = _cascade_lines(facts["cascade_center"], A, name)
    if a < B or cert.get("lower") is None or q_parse(cert["lower"]) != B:
        raise F.Failure("a refuted chaos onset needs the cascade's superstable parameter at or past B (lower = B)")
    return Statement(f"no chaos for {name} in [{num(A)}, {num(B)}]: {line}", len(cert["evidence"]))
