"""C++ overload resolution for calls to the overloaded math names (max, abs, exp, fmax, ...).

One rule for every interface: the candidates are what the toolchain's headers declare
(xpiler/builtins.py OVERLOADS, by dialect: gcc, g++, nvcc, hipcc), and the best viable one is
chosen as C++ does ([over.match.best]): implicit conversion sequences ranked exact > promotion >
conversion > user-defined; a non-template beats a template with the same conversions, and the
template `T f(T, T)` beats the mixed-argument `promote` template. CUDA's and HIP's `__half` and
`__nv_bfloat16` are classes with conversion operators, so reaching them is a user-defined
conversion; in C and C++ sources `_Float16`/`__bf16` are arithmetic types.

The selected overload's parameters all have its result type (the tables are written so), which
is why the call's type is all the interpreter needs: it converts every argument to it.
tests/interp/test_overloads.py checks the rule against tables recorded from g++, gcc, nvcc and
hipcc.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from xpiler.builtins import OVERLOADS
from xpiler.types import (EXACT, INTEGRAL, Conversion, DType, Scalar, Type, better_call,
                          implicit_conversion, scalar)

LONG_DOUBLE = "long double"       # in candidate lists only; xpiler models no long double values


_SPELLED = {
    "bool": DType.BOOL, "char": DType.I8, "signed char": DType.I8, "unsigned char": DType.U8,
    "short": DType.I16, "unsigned short": DType.U16, "int": DType.I32, "unsigned int": DType.U32,
    "unsigned": DType.U32, "long": DType.I64, "unsigned long": DType.U64, "long long": DType.I64,
    "unsigned long long": DType.U64, "float": DType.F32, "double": DType.F64, "half": DType.F16,
    LONG_DOUBLE: LONG_DOUBLE,
}
class OverloadError(Exception):
    """No viable function or an ambiguous call (`kind`: "no-match" or "ambiguous")."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Candidate:
    kind: str                  # "function", "same" (T f(T, T)), "promote", "integral"
    ret: object                # DType or LONG_DOUBLE (functions only)
    params: tuple = ()
    text: str = ""


@functools.lru_cache(maxsize=None)
def _parse(text: str) -> Candidate:
    ret, _, rest = text.partition("(")
    ret = ret.strip()
    params = tuple(p.strip() for p in rest.rstrip(")").split(",") if p.strip())
    if ret == "T":
        return Candidate("same", None, params, text)
    if ret == "promote":
        return Candidate("promote", None, params, text)
    if params == ("integral",):
        return Candidate("integral", _SPELLED[ret], params, text)
    return Candidate("function", _SPELLED[ret], tuple(_SPELLED[p] for p in params), text)


def candidates(family: str, dialect: str, qualified_std: bool = False, includes=(),
               using_std: bool = False) -> list[Candidate]:
    """The declarations a call sees: std:: names the std set; a global name the dialect's set
    (in C++ also std's when `using namespace std` or a header in `std_via` brings them in)."""
    table = OVERLOADS[family]
    if qualified_std:
        texts = table["std"]
    elif dialect == "c++":
        visible = using_std or any(_header(h) in table.get("std_via", ()) for h in includes)
        texts = table["c++"] + (table["std"] if visible else [])
    else:
        texts = table.get(dialect, table["std"])
    return [_parse(t) for t in dict.fromkeys(texts)]


def _header(include: str) -> str:
    """`<math.h>` or `"math.h"` -> math.h"""
    return include.strip().strip('<>"').strip()


def _promoted(args: list[DType]):
    """The result of <cmath>'s mixed-argument template: integers count as double."""
    kinds = [DType.F64 if a in INTEGRAL else a for a in args]
    return DType.F64 if DType.F64 in kinds else DType.F32


def _viable(c: Candidate, args: list[DType], dialect: str, explicit):
    """(result, conversions) of candidate `c` for `args`, or None when it is not viable."""
    if len(c.params) != len(args):
        return None
    if c.kind == "same":
        if explicit is not None:
            ret, params = explicit, (explicit,) * len(args)
        elif len(set(args)) == 1:
            return args[0], [Conversion(EXACT)] * len(args)
        else:
            return None             # deduction gives T two different types
    elif c.kind == "promote":
        if explicit is not None or any(a not in INTEGRAL | {DType.F32, DType.F64} for a in args):
            return None
        return _promoted(args), [Conversion(EXACT)] * len(args)
    elif c.kind == "integral":
        if explicit is not None or args[0] not in INTEGRAL:
            return None
        return c.ret, [Conversion(EXACT)]
    else:
        if explicit is not None:
            return None
        ret, params = c.ret, c.params
    convs = [implicit_conversion(a, p, half_class(dialect)) for a, p in zip(args, params)]
    return (ret, convs) if all(x is not None for x in convs) else None


_TEMPLATE_ORDER = {"function": 0, "same": 1, "integral": 1, "promote": 2}


def _better(f1, f2) -> bool:
    (c1, _, conv1), (c2, _, conv2) = f1, f2
    return better_call(conv1, conv2, _TEMPLATE_ORDER[c1.kind], _TEMPLATE_ORDER[c2.kind])


def half_class(dialect: str) -> str | None:
    """CUDA's and HIP's half types are classes (with different conversion operators); C's and
    C++'s _Float16 is arithmetic."""
    return dialect if dialect in ("cuda", "hip") else None


def spell(d) -> str:
    if d == LONG_DOUBLE:
        return LONG_DOUBLE
    return {DType.I8: "char", DType.F16: "half", DType.BF16: "bfloat16"}.get(d, d.c_name)


def resolve(name: str, family: str, args: list[Type], dialect: str, includes=(),
            using_std: bool = False, explicit: Type | None = None) -> Type | None:
    """The result type of the overload of `name` a call with these argument types selects;
    None when an argument is not arithmetic (templates, vectors: left to the caller). Raises
    OverloadError as the compiler would refuse the call."""
    if not all(isinstance(a, Scalar) for a in args):
        return None
    if explicit is not None and not isinstance(explicit, Scalar):
        return None
    dts = [a.dtype for a in args]
    cands = candidates(family, dialect, name.startswith("std::"), includes, using_std)
    shown = f"{name}({', '.join(spell(d) for d in dts)})"
    if not cands:
        # Nothing declares the name here (g++/gcc would say "undeclared"). xpiler reads no headers
        # and accepts the names of its vocabulary anywhere: its own canonical programs, printed as
        # C++, call max/min as the CUDA source did. Select among CUDA's declarations then.
        cands = candidates(family, "cuda")
    ex = explicit.dtype if explicit is not None else None
    viable = []
    for c in cands:
        v = _viable(c, dts, dialect, ex)
        if v is not None:
            viable.append((c, v[0], v[1]))
    if not viable:
        raise OverloadError("no-match", f"no matching function for call to '{shown}'")
    best = [f for f in viable if all(f is g or _better(f, g) for g in viable)]
    if len(best) != 1:
        tied = [f for f in viable if not any(_better(g, f) for g in viable)]
        listed = ", ".join(_show(name, f) for f in tied[:4])
        raise OverloadError("ambiguous", f"call to '{shown}' is ambiguous (candidates: {listed})")
    ret = best[0][1]
    if ret == LONG_DOUBLE:
        raise OverloadError("no-match", f"not supported: '{shown}' selects the long double overload")
    return scalar(ret)


def _show(name: str, f) -> str:
    c, ret, _ = f
    if c.kind == "function":
        return f"{spell(c.ret)} {name}({', '.join(spell(p) for p in c.params)})"
    return f"{name}<{spell(ret)}>"
