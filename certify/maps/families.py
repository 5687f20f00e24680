"""Classical families: logistic, tent, skew tent (border-collision normal form), 1D PLRNN."""

from __future__ import annotations

from certify.errors import CertifyError
from certify.maps.formulas import parse_number


def _sympy():
    import sympy  # imported when a family is built, not with this module (a fast start)
    return sympy


FAMILIES = {
    # name: (parameter names, builder(sympy, x, *params), description)
    "logistic": (("r",), lambda sp, X, r: r * X * (1 - X), "r x (1 - x)"),
    "tent": (("s",), lambda sp, X, s: s * sp.Min(X, 1 - X), "s min(x, 1 - x)"),
    "skew_tent": (("aL", "aR", "mu"), lambda sp, X, aL, aR, mu: mu + aL * sp.Min(X, 0) + aR * sp.Max(X, 0),
                  "mu + aL x (x <= 0), mu + aR x (x >= 0)"),
    "plrnn1d": (("a", "w", "h"), lambda sp, X, a, w, h: a * X + w * sp.Max(X, 0) + h, "a z + w relu(z) + h"),
}


def split_call(spec: str):
    """'name(arg, k=v)' -> (name, [args]) when the whole spec is one call; else (None, None)."""
    i = spec.find("(")
    name = spec[:i].strip()
    if i <= 0 or not name.isidentifier() or not spec.endswith(")"):
        return None, None
    depth = 0
    for j, ch in enumerate(spec[i:], start=i):
        depth += ch in "([" and 1 or 0
        depth -= ch in ")]" and 1 or 0
        if depth == 0 and j != len(spec) - 1:
            return None, None  # the first parenthesis closes before the end: a formula
    body = spec[i + 1:-1]
    args, depth, cur = [], 0, ""
    for ch in body:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            args.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        args.append(cur.strip())
    return name, args


def bind_arguments(name: str, params, args: list[str], value) -> dict:
    """{parameter: value(parameter, text)} for the arguments of `name(...)`, given by keyword
    (`a=1.4`) or by position in the order of `params`; each parameter at most once."""
    values: dict = {}
    for k, arg in enumerate(args):
        key, eq, val = arg.partition("=")
        if eq:
            key = key.strip()
            if key not in params:
                raise CertifyError(f"{name} has no parameter {key!r}; its parameters are {', '.join(params)}")
        else:
            if k >= len(params):
                raise CertifyError(f"{name} takes {len(params)} parameter(s): {', '.join(params)}")
            key, val = params[k], arg
        if key in values:
            raise CertifyError(f"parameter {key} given twice")
        values[key] = value(key, val.strip())
    return values


def build_family(name: str, args: list[str], free: str | None = None):
    """The family's expression in x with the given exact parameter values (`free`: a parameter
    left symbolic, given by its own name, as in logistic(r); or a tuple of such names)."""
    sympy = _sympy()
    params, builder, desc = FAMILIES[name]
    frees = (free,) if isinstance(free, str) else tuple(free or ())
    def value(key, val):
        if val in frees:
            return sympy.Symbol(val)
        if val.isidentifier() and val not in ("pi", "E"):
            hint = (f"but --param is {free!r}" if isinstance(free, str) else
                    f"but the free parameters are {' and '.join(frees)}" if frees else
                    "give it a value, e.g. " + f"{key}=4")
            raise CertifyError(f"{name}'s parameter {key} is the symbol {val!r}: {hint}")
        return parse_number(val, f"parameter {key}")

    values = bind_arguments(name, params, args, value)
    if isinstance(free, str) and not args:
        values[params[0]] = sympy.Symbol(free)  # logistic() with --param r: r left free
    missing = [p for p in params if p not in values]
    if missing:
        raise CertifyError(f"{name} needs a value for {', '.join(missing)}, e.g. {name}({params[0]}=...)"
                           f" (f(x) = {desc})")
    return sympy.sympify(builder(sympy, sympy.Symbol("x"), *(values[p] for p in params)))
