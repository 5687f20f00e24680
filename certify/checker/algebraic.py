"""Maps over a real number field: exact arithmetic in Q(theta) (trusted kernel).

A map whose x-free subterms are built from rationals by +, *, integer powers and square roots has
real algebraic coefficients. The kernel computes with them exactly in a number field
L = Q(theta): theta is the one real root of an irreducible integer polynomial m in a rational
isolating interval [lo, hi] (checked: flint's factorisation gives m irreducible, and an exact
root count gives one root in [lo, hi]). An element is a rational polynomial in theta reduced
mod m; it is 0 iff its representative is the zero polynomial (m is irreducible), and a non-zero
element's sign is decided by ball evaluation at an enclosure of theta refined by exact bisection
(each step an exact sign of m at a rational), which terminates because the value is not 0.

Square roots are not computed: each x-free `sqrt` of the program (in program order) is given as an
element y of L (the "radicals"), and the kernel checks y * y = u exactly and y >= 0, which makes
y the square root of u. So what L is, or how it was found, does not matter for soundness.

`cycle_algebraic` (docs/certificates.md): P points of L with f(x_i) = x_{i+1 mod P} exactly, the
points distinct, each inside its stated box; with P = 3 the Li-Yorke inequalities are checked
exactly at a point of the cycle. `escape_radius`: the Cauchy bound of f(x)^2 - x^2 for a
polynomial with algebraic coefficients (its exact degree decided exactly). sympy is used only to
*find* a field holding the map's radicals (its primitive element); the kernel verifies it as above.
"""

from __future__ import annotations

from flint import arb, ctx, fmpq, fmpq_poly, fmpz_poly

from certify.certificates import interval_parse, q_parse
from certify.checker.polynomials import count_real_roots, shrink_root
from certify.checker.semantics import ROOT_VAR, Program, root_of
from certify.checker.statement import Failure

MAX_FIELD_DEGREE = 64        # degree of a number field's minimal polynomial
MAX_SIGN_PREC = 1 << 15      # bits of the enclosure of theta before a sign is given up (never for a true field)
XFREE_OPS = ("const", "add", "mul", "pow", "sqrt", "root")
RADICAL_OPS = ("sqrt", "root")
MAX_ORBIT_BITS = 1 << 16     # size of an orbit point followed exactly (a periodic orbit's are far smaller)  # x-free slots given as field elements, checked to be what they are


class NotAlgebraic(Exception):
    """The program is not a polynomial in x with real algebraic coefficients."""


class NumberField:
    """Q(theta), theta the only real root of the irreducible m in [lo, hi]."""

    def __init__(self, coeffs, lo, hi):
        if not isinstance(coeffs, list) or not 2 <= len(coeffs) <= MAX_FIELD_DEGREE + 1:
            raise Failure(f"a number field's minimal polynomial has degree 1..{MAX_FIELD_DEGREE}")
        ints = [q_parse(c) for c in coeffs]
        if any(c.q != 1 for c in ints) or ints[-1] == 0:
            raise Failure("a minimal polynomial has integer coefficients and a non-zero leading one")
        self.m = fmpq_poly(ints)
        zm = fmpz_poly([int(c.p) for c in ints])
        _, factors = zm.factor()
        if len(factors) != 1 or factors[0][1] != 1 or factors[0][0].degree() != zm.degree():
            raise Failure("the minimal polynomial is not irreducible over Q")
        self.lo, self.hi = fmpq(lo), fmpq(hi)
        if not self.lo < self.hi or count_real_roots(self.m, self.lo, self.hi) != 1:
            raise Failure("the isolating interval does not hold exactly one real root of the minimal polynomial")
        self.degree = self.m.degree()
        self._a, self._b = self.lo, self.hi  # a shrinking interval holding theta (bisection)
        self._sa = self.m(self.lo) > 0

    def theta(self, bits: int) -> arb:
        """A ball holding theta of radius at most 2^-bits (exact bisection of the isolating interval)."""
        if self.degree == 1:
            return arb(-self.m.coeffs()[0] / self.m.coeffs()[1])
        eps = fmpq(1, 2 ** bits)
        self._a, self._b = shrink_root(self.m, self._a, self._b, bits)
        while self._b - self._a > eps:
            c = (self._a + self._b) / 2
            v = self.m(c)  # never 0: an irreducible m of degree >= 2 has no rational root
            if (v > 0) == self._sa:
                self._a = c
            else:
                self._b = c
        with ctx.workprec(bits + 16):  # arb(fmpq) rounds to the working precision
            return arb(self._a).union(arb(self._b))

    def __call__(self, v) -> "Alg":
        """The element of this field represented by v (an Alg of this field, rational, or poly in theta)."""
        if isinstance(v, Alg):
            if v.field is not self:
                raise Failure("elements of two different number fields mixed")
            return v
        if isinstance(v, fmpq_poly):
            return Alg(self, v % self.m)
        return Alg(self, fmpq_poly([fmpq(v)]))

    def element(self, coeffs) -> "Alg":
        """A certificate's element: rationals c_0..c_{d-1} of c_0 + c_1 theta + ... (ascending)."""
        if not isinstance(coeffs, list) or len(coeffs) > self.degree:
            raise Failure(f"an element of a degree-{self.degree} field has at most {self.degree} coefficients")
        return Alg(self, fmpq_poly([q_parse(c) for c in coeffs]))


class Alg:
    """An element of a NumberField: a rational polynomial in theta of degree < deg m."""

    __slots__ = ("field", "poly")

    def __init__(self, field: NumberField, poly: fmpq_poly):
        self.field, self.poly = field, poly

    def _other(self, o):
        return self.field(o)

    def __add__(self, o):
        if isinstance(o, APoly):
            return o + self
        return Alg(self.field, self.poly + self._other(o).poly)

    __radd__ = __add__

    def __neg__(self):
        return Alg(self.field, -self.poly)

    def __sub__(self, o):
        return self + (-o if isinstance(o, APoly) else -self._other(o))

    def __rsub__(self, o):
        return -self + o

    def __mul__(self, o):
        if isinstance(o, APoly):
            return o * self
        return Alg(self.field, (self.poly * self._other(o).poly) % self.field.m)

    __rmul__ = __mul__

    def inverse(self) -> "Alg":
        if self.poly.is_zero():
            raise ZeroDivisionError("inverse of 0 in a number field")
        g, s, _ = self.poly.xgcd(self.field.m)  # s * poly + t * m = g, a non-zero constant (m irreducible)
        return Alg(self.field, (s / g.coeffs()[0]) % self.field.m)

    def __pow__(self, n: int):
        if n < 0:
            return self.inverse() ** (-n)
        r, b = self.field(1), self
        while n:
            if n & 1:
                r = r * b
            b = b * b
            n >>= 1
        return r

    def __eq__(self, o):
        return isinstance(o, (Alg, int, fmpq)) and (self - o).poly.is_zero()

    def __hash__(self):
        return hash(tuple(self.poly.coeffs()))

    def is_zero(self) -> bool:
        return self.poly.is_zero()

    def ball(self, bits: int) -> arb:
        """An enclosure of the value, from theta's enclosure at `bits` (Horner in ball arithmetic)."""
        t = self.field.theta(bits)
        v = arb(0)
        with ctx.workprec(bits + 64):
            for c in reversed(self.poly.coeffs()):
                v = v * t + arb(c)
        return v

    def sign(self) -> int:
        """-1, 0 or 1, exactly."""
        if self.poly.is_zero():
            return 0
        bits = 64
        while bits <= MAX_SIGN_PREC:
            v = self.ball(bits)
            if v > 0:
                return 1
            if v < 0:
                return -1
            bits *= 2
        raise Failure("the sign of a non-zero field element could not be decided within the precision limit")

    def __lt__(self, o):
        return (self - o).sign() < 0

    def __le__(self, o):
        return (self - o).sign() <= 0

    def __gt__(self, o):
        return (self - o).sign() > 0

    def __ge__(self, o):
        return (self - o).sign() >= 0

    def coeff_strings(self) -> list:
        from certify.certificates import q_str
        return [q_str(c) for c in self.poly.coeffs()]


class APoly:
    """A polynomial in x over a NumberField: a list of Alg coefficients (ascending), no trailing zero."""

    __slots__ = ("field", "c")

    def __init__(self, field: NumberField, coeffs):
        c = [field(a) for a in coeffs]
        while c and c[-1].is_zero():
            c.pop()
        self.field, self.c = field, c

    def _other(self, o):
        return o if isinstance(o, APoly) else APoly(self.field, [o])

    def __add__(self, o):
        o = self._other(o)
        n = max(len(self.c), len(o.c))
        z = self.field(0)
        return APoly(self.field, [(self.c[i] if i < len(self.c) else z) + (o.c[i] if i < len(o.c) else z)
                                  for i in range(n)])

    __radd__ = __add__

    def __neg__(self):
        return APoly(self.field, [-a for a in self.c])

    def __sub__(self, o):
        return self + (-self._other(o))

    def __rsub__(self, o):
        return -self + o

    def __mul__(self, o):
        o = self._other(o)
        if not self.c or not o.c:
            return APoly(self.field, [])
        out = [self.field(0)] * (len(self.c) + len(o.c) - 1)
        for i, a in enumerate(self.c):
            for j, b in enumerate(o.c):
                out[i + j] = out[i + j] + a * b
        return APoly(self.field, out)

    __rmul__ = __mul__

    def __pow__(self, n: int):
        if n < 0:
            raise NotAlgebraic("a negative power of a non-constant")
        r = APoly(self.field, [1])
        for _ in range(n):
            r = r * self
        return r

    def degree(self) -> int:
        return len(self.c) - 1


# ----------------------------------------------------------------------------- programs over a field

def _xfree(prog: Program) -> list[bool]:
    """Per slot: the slot is a constant built from rationals by +, *, integer powers and square roots."""
    out: list[bool] = []
    for ins in prog.code:
        op = ins[0]
        args = [] if op in ("const", "root") else [ins[1]] if op in ("pow", "sqrt") else list(ins[1:])
        out.append(op in XFREE_OPS and all(out[k] for k in args))
    return out


def is_algebraic_polynomial(prog: Program) -> bool:
    """f is a polynomial in x whose coefficients are real algebraic numbers written with square
    roots, with at least one square root (a rational polynomial is `Program.is_polynomial`)."""
    if prog.has_param():
        return False
    free = _xfree(prog)
    if not any(ins[0] in RADICAL_OPS for ins in prog.code):
        return False
    for ins, xf in zip(prog.code, free):
        op = ins[0]
        if xf or op in ("x", "add", "mul"):
            continue
        if op == "pow" and ins[2] >= 0:
            continue
        return False
    return True


def radical_slots(prog: Program) -> list[int]:
    """The slots of the program's x-free square roots and root constants, in program order."""
    free = _xfree(prog)
    return [k for k, ins in enumerate(prog.code) if ins[0] in RADICAL_OPS and free[k]]


def eval_field(prog: Program, x, field: NumberField, radicals: list):
    """f(x) over the field: x an Alg or APoly; the k-th x-free square root is radicals[k], checked to
    be one (y * y = u and y >= 0). Raises NotAlgebraic for any other operation."""
    free = _xfree(prog)
    s: list = []
    roots = iter(radicals)
    for ins, xf in zip(prog.code, free):
        op = ins[0]
        if op == "x":
            r = x
        elif op == "const":
            r = field(ins[1])
        elif op == "add":
            r = s[ins[1]]
            for k in ins[2:]:
                r = r + s[k]
        elif op == "mul":
            r = s[ins[1]]
            for k in ins[2:]:
                r = r * s[k]
        elif op == "pow":
            if ins[2] < 0 and not xf:
                raise NotAlgebraic("a negative power of a non-constant")
            r = s[ins[1]] ** ins[2]
        elif op == "sqrt" and xf:
            y = next(roots, None)
            if y is None:
                raise Failure("fewer radicals than square roots in the map")
            y, u = field(y), s[ins[1]]
            if not (y * y == u) or y.sign() < 0:
                raise Failure("a stated radical is not the square root of its argument")
            r = y
        elif op == "root":
            y = next(roots, None)
            if y is None:
                raise Failure("fewer radicals than square roots and root constants in the map")
            y = field(y)
            if not _is_root(y, ins):
                raise Failure("a stated radical is not the root constant it stands for")
            r = y
        else:
            raise NotAlgebraic(op)
        s.append(r)
    if next(roots, None) is not None:
        raise Failure("more radicals than square roots and root constants in the map")
    return s[-1]


def _is_root(y: "Alg", ins: tuple) -> bool:
    """y is the k-th real root of m for ("root", m, k): m(y) = 0 exactly in the field and y lies
    strictly inside the root's rational isolating interval (which holds no other root of m)."""
    acc = y.field(0)
    for c in reversed(ins[1]):
        acc = acc * y + c
    if not acc.is_zero():
        return False
    lo, hi = root_of(ins).interval()
    return bool(y > lo and y < hi)


def _xfree_balls(prog: Program, bits: int) -> list:
    """Ball values of the x-free slots (None elsewhere), at `bits` of working precision."""
    free = _xfree(prog)
    vs: list = []
    with ctx.workprec(bits):
        for ins, xf in zip(prog.code, free):
            op = ins[0]
            if not xf:
                vs.append(None)
                continue
            if op == "const":
                v = arb(ins[1])
            elif op == "add":
                v = sum((vs[k] for k in ins[2:]), vs[ins[1]])
            elif op == "mul":
                v = vs[ins[1]]
                for k in ins[2:]:
                    v = v * vs[k]
            elif op == "pow":
                v = vs[ins[1]] ** ins[2]
            elif op == "root":
                v = root_of(ins).ball(bits + 8)
            else:
                v = vs[ins[1]].sqrt()
            vs.append(v)
    return vs


def map_field(prog: Program):
    """(L, radicals): a number field holding every x-free square root of the program and their
    values in it (checked by eval_field), or None. sympy's primitive element *finds* L; its
    isolating interval comes from flint's root isolation and the ball value of theta."""
    import sympy
    from sympy.polys.numberfields.subfield import primitive_element

    slots = radical_slots(prog)
    if not slots:
        return None
    # [L : Q] is at most the product of 2 per square root and deg p per root constant: bound it before
    # sympy's primitive element, which ran for minutes at degree 19 * 23 or 2^9 (nine square roots)
    bound = 1
    for k in slots:
        bound *= len(prog.code[k][1]) - 1 if prog.code[k][0] == "root" else 2
        if bound > MAX_FIELD_DEGREE:
            return None
    exprs: list = []
    for ins in prog.code:
        op = ins[0]
        if op == "const":
            e = sympy.Rational(int(ins[1].p), int(ins[1].q))
        elif op in ("add", "mul") and all(exprs[k] is not None for k in ins[1:]):
            e = (sympy.Add if op == "add" else sympy.Mul)(*(exprs[k] for k in ins[1:]))
        elif op == "pow" and exprs[ins[1]] is not None:
            e = exprs[ins[1]] ** ins[2]
        elif op == "sqrt" and exprs[ins[1]] is not None:
            e = sympy.sqrt(exprs[ins[1]])
        elif op == "root":
            e = sympy.CRootOf(sympy.Poly(list(reversed(ins[1])), sympy.Symbol(ROOT_VAR)), ins[2])
        else:
            e = None
        exprs.append(e)
    gens = [exprs[k] for k in slots]
    t = sympy.Symbol("t")
    minpoly, coeffs, reps = primitive_element(gens, t, ex=True)
    mp = sympy.Poly(minpoly, t)
    den = sympy.ilcm(*[sympy.Rational(c).q for c in mp.all_coeffs()])
    ints = [int(c * den) for c in reversed(mp.all_coeffs())]
    for bits in (64, 128, 256, 512, 1024):
        vals = _xfree_balls(prog, bits)
        theta = sum((int(c) * vals[k] for c, k in zip(coeffs, slots)), arb(0))
        iv = _isolate(ints, theta, bits)
        if iv is not None:
            field = NumberField([str(c) for c in ints], *iv)
            radicals = [field(fmpq_poly([fmpq(int(sympy.Rational(c).p), int(sympy.Rational(c).q))
                                         for c in reversed(rep)])) for rep in reps]
            return field, radicals
    return None


def _isolate(ints, theta: arb, bits: int):
    """A rational interval holding theta and exactly one real root of the polynomial, or None."""
    with ctx.workprec(bits):
        m = fmpq_poly(ints)
        if m.degree() == 1:
            r = -m.coeffs()[0] / m.coeffs()[1]
            return r - 1, r + 1
        for root, _ in fmpz_poly(ints).complex_roots():
            if root.imag != 0:
                continue
            x = root.real
            if x.overlaps(theta):
                h = x.union(theta)
                lo, hi = h.lower().fmpq() - fmpq(1, 2 ** bits), h.upper().fmpq() + fmpq(1, 2 ** bits)
                if count_real_roots(m, lo, hi) == 1 and theta > arb(lo) and theta < arb(hi):
                    return lo, hi
    return None


def escape_radius(prog: Program):
    """M (rational) with |f(x)| > |x| for |x| > M, for a polynomial with algebraic coefficients of
    degree >= 2 (decided exactly); None when f is not one. The Cauchy bound of g = f^2 - x^2,
    1 + max |g_i / g_n|, is enclosed in balls at 128 bits (the lead refined until it excludes 0)."""
    if not is_algebraic_polynomial(prog):
        return None
    got = map_field(prog)
    if got is None:
        return None
    field, radicals = got
    try:
        f = eval_field(prog, APoly(field, [0, 1]), field, radicals)
    except (NotAlgebraic, Failure):
        return None
    if not isinstance(f, APoly) or f.degree() < 2:
        return None
    g = f * f - APoly(field, [0, 0, 1])
    bits = 128
    while True:
        lead = g.c[-1].ball(bits)
        if not lead.contains(0):
            break
        bits *= 2
    with ctx.workprec(bits):
        lead = abs(lead)
        bound = max((abs(a.ball(bits)) / lead for a in g.c[:-1]), key=lambda v: v.upper(), default=arb(0))
        M = 1 + bound
        return M.upper().fmpq() + fmpq(1, 2 ** 16)


# ----------------------------------------------------------------------------- multiple roots in a cover

def _bits(a: "Alg") -> int:
    """Bits of the largest numerator coefficient or the denominator of a's representative."""
    num = a.poly.numer()
    return max([a.poly.denom().bit_length()] + [abs(c).bit_length() for c in num.coeffs()])


def truncated_iterate(prog: Program, x0: "Alg", field: NumberField, radicals: list, p: int, n: int) -> list:
    """The first n Taylor coefficients of f^p at x0, exactly in the field: f composed p times with
    x0 + t, truncated after t^(n-1) at each step (a polynomial's low coefficients depend only on the
    low coefficients of its argument). Raises NotAlgebraic unless f is a polynomial over the field."""
    u = APoly(field, [x0, 1])
    for _ in range(p):
        u = eval_field(prog, u, field, radicals)
        u = APoly(field, u.c[:n]) if isinstance(u, APoly) else APoly(field, [u])
    return u.c + [field(0)] * (n - len(u.c))


def fact_algebraic_root_cell(prog: Program, row: list, lo: fmpq, hi: fmpq, p: int):
    """A cover cell [lo, hi] with tag "a": [lo, hi, "a", field, radicals, point, k, box]. Checks the
    Taylor theorem (M) of certify.checker.taylor for g = f^p - id at an algebraic x0: g(x0) = ... =
    g^(k-1)(x0) = 0 exactly in the field, and the enclosure of g^(k)/k! over [lo, hi] excludes 0, so
    x0 is the only solution of f^p(x) = x in the cell; x0 lies in the rational box. Returns
    (box, minimal period of x0)."""
    from certify.checker.taylor import MAX_ORDER, NoSeries, iterate_ball

    if len(row) != 8 or not isinstance(row[3], dict):
        raise Failure("an algebraic root cell is [lo, hi, 'a', field, radicals, point, k, box]")
    field = NumberField(row[3].get("minpoly"), *interval_parse(row[3].get("root")))
    if not isinstance(row[4], list):
        raise Failure("an algebraic root cell states its radicals as a list")
    rads = [field.element(r) for r in row[4]]
    x0 = field.element(row[5])
    k = row[6]
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= MAX_ORDER:
        raise Failure(f"a root's multiplicity is an integer in 1..{MAX_ORDER}")
    tl, th = interval_parse(row[7])
    if not (lo <= tl and th <= hi and x0 > tl and x0 < th):
        raise Failure("the algebraic root is not inside its box within the cell")
    try:
        # the orbit first, its size bounded: the iterates of a point that is not periodic grow by a
        # factor deg f per step (p = 12 took minutes); those of a periodic one are its orbit
        q, y = None, x0
        for j in range(1, p + 1):
            y = eval_field(prog, y, field, rads)
            if y == x0:
                q = j
                break
            if _bits(y) > MAX_ORBIT_BITS:
                break
        if q is None or p % q:
            raise Failure("the stated point is not periodic with a period dividing p")
        c = truncated_iterate(prog, x0, field, rads, p, k)
        g = [c[0] - x0] + ([c[1] - 1] if k > 1 else []) + c[2:]
        if any(not v.is_zero() for v in g):
            raise Failure(f"f^{p} - id does not vanish to order {k} at the stated point")
    except NotAlgebraic:
        raise Failure("an algebraic root cell needs a polynomial map over a number field") from None
    try:
        top = iterate_ball(prog, lo, hi, p, k + 1)[k] - (1 if k == 1 else 0)
    except (NoSeries, ZeroDivisionError):
        raise Failure("the Taylor coefficients of f^p cannot be enclosed over the cell") from None
    if not (top.is_finite() and (top > 0 or top < 0)):
        raise Failure(f"the coefficient of order {k} of f^{p} - id is not bounded away from 0 on the cell")
    return (tl, th), q


# ----------------------------------------------------------------------------- the cycle fact

def fact_cycle_algebraic(prog: Program, fact: dict, p: int):
    """P points of a number field with f(x_i) = x_{i+1 mod P} exactly, distinct, inside disjoint
    boxes: an orbit of minimal period P. Returns (boxes, Li-Yorke direction or None)."""
    fld = fact.get("field")
    if not isinstance(fld, dict):
        raise Failure("cycle_algebraic states its field {minpoly, root}")
    field = NumberField(fld.get("minpoly"), *interval_parse(fld.get("root")))
    rads = fact.get("radicals")
    pts = fact.get("points")
    boxes = fact.get("boxes")
    if not isinstance(rads, list) or not isinstance(pts, list) or not isinstance(boxes, list):
        raise Failure("cycle_algebraic states radicals, points and boxes as lists")
    if len(pts) != p or len(boxes) != p:
        raise Failure(f"cycle has {len(pts)} points and {len(boxes)} boxes, expected {p}")
    radicals = [field.element(r) for r in rads]
    xs = [field.element(c) for c in pts]
    boxes = [interval_parse(b) for b in boxes]
    order = sorted(boxes)
    for a, b in zip(order, order[1:]):
        if not a[1] < b[0]:
            raise Failure("cycle boxes are not pairwise disjoint")
    for x, (lo, hi) in zip(xs, boxes):
        if not (x >= lo and x <= hi):
            raise Failure("a cycle point is not inside its box")
    try:
        for i, x in enumerate(xs):
            if not eval_field(prog, x, field, radicals) == xs[(i + 1) % p]:
                raise Failure(f"f(x_{i}) != x_{(i + 1) % p} in the number field")
    except NotAlgebraic as e:
        raise Failure(f"the map is not a polynomial over the algebraic numbers ({e})") from None
    ly = None
    if p == 3:
        for a, b, c in (xs, xs[1:] + xs[:1], xs[2:] + xs[:2]):
            if a < b < c:
                ly = "increasing"
            elif a > b > c:
                ly = "decreasing"
            if ly:
                break
    return boxes, ly
