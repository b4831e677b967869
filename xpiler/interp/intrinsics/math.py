"""C/CUDA/HIP math library functions and half/bfloat16 conversions (float32 in, float32 out).

Results are numpy's float32 functions (within a few ulp of correctly rounded); the platform
libraries differ by their own documented ulp bounds (cuda.md §7, hip.md §5), so comparisons use
tolerances.
"""
from __future__ import annotations

import math

import numpy as np

from xpiler.ir import Platform
from xpiler.types import DType, Scalar

from ..memory import bf16_to_f32, f32_to_bf16
from ..values import convert
from . import semantics

_erf = np.vectorize(math.erf, otypes=[np.float64])
_erfc = np.vectorize(math.erfc, otypes=[np.float64])


def _float_arg(call, value, i=0):
    """Argument `i` converted to the parameter type of the overload the call selected. The front
    end resolves overloads (grammar/overloads.py) and every overload of these functions takes
    parameters of its result type, so that type is the call's type."""
    t = call.args[i].type
    src = t.dtype if isinstance(t, Scalar) else None
    if isinstance(call.type, Scalar):
        return convert(value, src, call.type.dtype)
    return np.asarray(value) if src is None else convert(value, src, src)


def _as(call, result):
    """Round a float64/float32 result to the call's result type."""
    if isinstance(call.type, Scalar):
        return convert(np.asarray(result), None, call.type.dtype)
    return result


UNARY = {
    "exp": np.exp, "log": np.log, "log2": np.log2, "log10": np.log10, "sqrt": np.sqrt,
    "tanh": np.tanh, "sin": np.sin, "cos": np.cos, "tan": np.tan, "fabs": np.abs, "floor": np.floor,
    "ceil": np.ceil, "trunc": np.trunc, "rint": np.rint, "exp2": np.exp2, "expm1": np.expm1,
    "log1p": np.log1p, "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan, "sinh": np.sinh,
    "cosh": np.cosh, "cbrt": np.cbrt, "erf": _erf, "erfc": _erfc,
    "round": lambda x: np.where(x >= 0, np.floor(x + 0.5), np.ceil(x - 0.5)),
    "rsqrt": lambda x: 1.0 / np.sqrt(x), "__frcp_rn": lambda x: 1.0 / x,
    "__saturatef": lambda x: np.clip(x, 0.0, 1.0),
}
ALIASES = {"__expf": "exp", "__logf": "log", "__sinf": "sin", "__cosf": "cos", "__fsqrt_rn": "sqrt",
           "abs": "fabs"}


def _unary(fn):
    def impl(m, call, args, mask):
        x = _float_arg(call, args[0])
        with np.errstate(all="ignore"):
            if x.dtype.kind in "iu":
                return np.abs(x) if fn is np.abs else _as(call, fn(x.astype(np.float64)))
            if fn in (_erf, _erfc):
                return _as(call, fn(x.astype(np.float64)))
            return _as(call, fn(x))
    return impl


for _name, _fn in UNARY.items():
    if _name.startswith("__"):
        semantics(_name)(_unary(_fn))
    else:
        semantics(_name, _name + "f", "std::" + _name)(_unary(_fn))
for _alias, _target in ALIASES.items():
    semantics(_alias, "std::" + _alias)(_unary(UNARY[_target]))


def _binary(fn):
    def impl(m, call, args, mask):
        x = _float_arg(call, args[0], 0)
        y = _float_arg(call, args[1], 1)
        with np.errstate(all="ignore"):
            return _as(call, fn(x, y))
    return impl


semantics("fmaxf", "fmax", "std::fmax")(_binary(np.fmax))
semantics("fminf", "fmin", "std::fmin")(_binary(np.fmin))
semantics("powf", "pow", "__powf", "std::pow")(_binary(np.power))
semantics("fmodf", "fmod")(_binary(np.fmod))
semantics("atan2f", "atan2")(_binary(np.arctan2))
semantics("__fdividef")(_binary(np.divide))
semantics("copysignf", "copysign")(_binary(np.copysign))
# std::max(a, b) = (a < b) ? b : a ; std::min(a, b) = (b < a) ? b : a   (vnni.md §8). CUDA's and
# HIP's max(float, float)/max(double, double) are fmaxf/fmax (a NaN argument loses; cuda.md §7);
# HIP's template max<T> (for half) is (a > b) ? a : b, its min<T> (a < b) ? a : b.
_std_max = _binary(lambda a, b: np.where(a < b, b, a))
_std_min = _binary(lambda a, b: np.where(b < a, b, a))
_hip_max = _binary(lambda a, b: np.where(a > b, a, b))
_hip_min = _binary(lambda a, b: np.where(a < b, a, b))
_fmax, _fmin = _binary(np.fmax), _binary(np.fmin)


def _device_minmax(std, fmaxmin, hip_template):
    def impl(m, call, args, mask):
        d = call.type.dtype if isinstance(call.type, Scalar) else None
        if m.platform in (Platform.CUDA, Platform.HIP) and d in (DType.F32, DType.F64):
            return fmaxmin(m, call, args, mask)
        if m.platform is Platform.HIP and d is not None and d.is_float:
            return hip_template(m, call, args, mask)
        return std(m, call, args, mask)
    return impl


semantics("max")(_device_minmax(_std_max, _fmax, _hip_max))
semantics("min")(_device_minmax(_std_min, _fmin, _hip_min))
semantics("std::max")(_std_max)
semantics("std::min")(_std_min)


# FMA: the product of two float32 is exact in float64; the float64 sum is rounded to odd (using
# its exact error, TwoSum), after which rounding to float32 is a single rounding.
def fma32(a, b, c):
    with np.errstate(all="ignore"):
        return _fma32(a, b, c)


def _fma32(a, b, c):
    return _round_odd_fma(a, b, c, np.float32)


def _round_odd_fma(a, b, c, to):
    """a * b + c computed in float64 (the product of two float32 or halves is exact there) with
    the sum rounded to odd (its exact error by TwoSum), so that rounding it to `to` is a single
    rounding of the exact result."""
    a, b, c = (np.asarray(x).astype(to).astype(np.float64) for x in np.broadcast_arrays(a, b, c))
    p = a * b
    s = p + c
    pb = s - c
    err = (p - pb) + (c - (s - pb))
    inexact = (err != 0) & np.isfinite(err) & np.isfinite(s)
    even = (s.view(np.int64) & 1) == 0
    s = np.where(inexact & even, np.nextafter(s, np.where(err > 0, np.inf, -np.inf)), s)
    return s.astype(to)


@semantics("fmaf", "fma", "std::fma")
def fma(m, call, args, mask):
    x, y, z = (np.asarray(_float_arg(call, a, i)) for i, a in enumerate(args))
    if isinstance(call.type, Scalar) and call.type.dtype.is_float and call.type.dtype.size <= 4:
        return _as(call, fma32(x, y, z))
    return _as(call, x.astype(np.float64) * y + z)     # double: not exact (no wider type)


@semantics("__float2half", "__float2half_rn")
def float2half(m, call, args, mask):
    return np.asarray(args[0], np.float32).astype(np.float16)


@semantics("__half2float")
def half2float(m, call, args, mask):
    return np.asarray(args[0]).astype(np.float32)


@semantics("__float2bfloat16", "__float2bfloat16_rn")
def float2bf16(m, call, args, mask):
    return bf16_to_f32(f32_to_bf16(np.asarray(args[0], np.float32)))


@semantics("__bfloat162float")
def bf162float(m, call, args, mask):
    return np.asarray(args[0], np.float32)


@semantics("__hadd", "__hsub", "__hmul", "__hdiv")
def half_arith(m, call, args, mask):
    a = np.asarray(args[0], np.float16)
    b = np.asarray(args[1], np.float16)
    op = {"__hadd": np.add, "__hsub": np.subtract, "__hmul": np.multiply, "__hdiv": np.divide}[call.callee]
    return op(a.astype(np.float32), b.astype(np.float32)).astype(np.float16)


def hfma16(a, b, c):
    """fma of halves rounded once to half (as fma32 does for float)."""
    with np.errstate(all="ignore"):
        return _round_odd_fma(a, b, c, np.float16)


@semantics("__hfma")
def hfma(m, call, args, mask):
    return hfma16(*args)


# ---- half2: a pair (low = .x, high = .y) held as (L, 2) float16 ----------------------------------

def _halves(v):
    v = np.asarray(v)
    return v[..., 0], v[..., 1]


def _pair(x, y, dtype):
    with np.errstate(all="ignore"):
        return np.stack(np.broadcast_arrays(np.asarray(x), np.asarray(y)), axis=-1).reshape(-1, 2).astype(dtype)


@semantics("__low2float", "__high2float", "__low2half", "__high2half")
def half2_part(m, call, args, mask):
    part = _halves(args[0])[0 if "low" in call.callee else 1]
    return part.astype(np.float32 if call.callee.endswith("float") else np.float16)


@semantics("__half22float2")
def half22float2(m, call, args, mask):
    return _pair(*_halves(args[0]), np.float32)


@semantics("__float22half2_rn")
def float22half2(m, call, args, mask):
    x, y = _halves(args[0])
    return _pair(x.astype(np.float32), y.astype(np.float32), np.float16)


@semantics("__floats2half2_rn", "__halves2half2", "make_half2")
def pack_half2(m, call, args, mask):
    x, y = (convert(np.asarray(a), call.args[i].type.dtype if isinstance(call.args[i].type, Scalar) else None,
                    DType.F32) for i, a in enumerate(args))
    return _pair(x, y, np.float16)


@semantics("__float2half2_rn", "__half2half2")
def broadcast_half2(m, call, args, mask):
    x = convert(np.asarray(args[0]), call.args[0].type.dtype if isinstance(call.args[0].type, Scalar) else None,
                DType.F32)
    return _pair(x, x, np.float16)


@semantics("__hadd2", "__hsub2", "__hmul2", "__h2div")
def half2_arith(m, call, args, mask):
    # float32 holds every sum, difference and product of halves exactly enough that rounding it
    # to half is the correctly rounded half result (24 >= 2 * 11 + 2 bits)
    op = {"__hadd2": np.add, "__hsub2": np.subtract, "__hmul2": np.multiply, "__h2div": np.divide}[call.callee]
    (ax, ay), (bx, by) = _halves(args[0]), _halves(args[1])
    with np.errstate(all="ignore"):
        f = lambda a, b: op(a.astype(np.float32), b.astype(np.float32))
        return _pair(f(ax, bx), f(ay, by), np.float16)


@semantics("__hfma2")
def hfma2(m, call, args, mask):
    (ax, ay), (bx, by), (cx, cy) = (_halves(a) for a in args)
    return _pair(hfma16(ax, bx, cx), hfma16(ay, by, cy), np.float16)


@semantics("__int_as_float")
def int_as_float(m, call, args, mask):
    return np.asarray(args[0], np.int32).view(np.float32)


@semantics("__float_as_int")
def float_as_int(m, call, args, mask):
    return np.asarray(args[0], np.float32).view(np.int32)


@semantics("__uint_as_float")
def uint_as_float(m, call, args, mask):
    return np.asarray(args[0], np.uint32).view(np.float32)


@semantics("__float_as_uint")
def float_as_uint(m, call, args, mask):
    return np.asarray(args[0], np.float32).view(np.uint32)
