"""Names the platforms' headers provide: index variables, named constants, enumerators, type names.

Data only; the front end resolves identifiers against these tables.
"""
from __future__ import annotations

import math

from .types import (DIM3, DType, F32, F64, I32, U32, Opaque, Pointer, Scalar, Stream, Type, VecKind,
                    Vector, Void, scalar)

# CUDA/HIP built-in structs (member access gives U32) and their legacy HIP spellings.
INDEX_STRUCTS = ("threadIdx", "blockIdx", "blockDim", "gridDim")
HIP_LEGACY_INDEX = {f"hip{a}_{c}": f"{b}.{c}" for a, b in
                    (("ThreadIdx", "threadIdx"), ("BlockIdx", "blockIdx"),
                     ("BlockDim", "blockDim"), ("GridDim", "gridDim")) for c in "xyz"}

# BANG task built-ins, and warpSize; all int-like.
SCALAR_BUILTINS = {name: I32 for name in (
    "taskId", "taskIdX", "taskIdY", "taskIdZ", "taskDim", "taskDimX", "taskDimY", "taskDimZ",
    "coreId", "coreDim", "clusterId", "clusterDim", "warpSize")}

NAMED_CONSTANTS: dict[str, tuple[float | int, Type]] = {
    "INFINITY": (math.inf, F32), "HUGE_VALF": (math.inf, F32), "CUDART_INF_F": (math.inf, F32),
    "NAN": (math.nan, F32), "CUDART_NAN_F": (math.nan, F32),
    "FLT_MAX": (3.4028234663852886e38, F32), "__FLT_MAX__": (3.4028234663852886e38, F32),
    "FLT_MIN": (1.1754943508222875e-38, F32), "FLT_EPSILON": (1.1920928955078125e-07, F32),
    "DBL_MAX": (1.7976931348623157e308, F64), "M_PI": (math.pi, F64), "M_SQRT2": (math.sqrt(2), F64),
    "M_SQRT1_2": (math.sqrt(0.5), F64), "M_E": (math.e, F64), "M_LOG2E": (math.log2(math.e), F64),
    "M_2_SQRTPI": (2 / math.sqrt(math.pi), F64), "M_1_PI": (1 / math.pi, F64),
    "INT_MAX": (2**31 - 1, I32), "INT_MIN": (-2**31, I32), "UINT_MAX": (2**32 - 1, U32),
    "true": (1, scalar(DType.BOOL)), "false": (0, scalar(DType.BOOL)),
    "NULL": (0, I32), "nullptr": (0, I32),
    "CHAR_BIT": (8, I32), "SCHAR_MAX": (127, I32), "SCHAR_MIN": (-128, I32),
    "SHRT_MAX": (32767, I32), "SHRT_MIN": (-32768, I32), "UCHAR_MAX": (255, I32),
    "USHRT_MAX": (65535, I32), "FLT_TRUE_MIN": (2.0**-149, F32), "DBL_MIN": (2.0**-1022, F64),
    "DBL_EPSILON": (2.0**-52, F64), "DBL_TRUE_MIN": (2.0**-1074, F64), "HUGE_VAL": (math.inf, F64),
    "LLONG_MAX": (2**63 - 1, scalar(DType.I64)), "LLONG_MIN": (-2**63, scalar(DType.I64)),
    "ULLONG_MAX": (2**64 - 1, scalar(DType.U64)), "LONG_MAX": (2**63 - 1, scalar(DType.I64)),
    "LONG_MIN": (-2**63, scalar(DType.I64)), "ULONG_MAX": (2**64 - 1, scalar(DType.U64)),
    "EXIT_SUCCESS": (0, I32), "EXIT_FAILURE": (1, I32),
}

# The standard output streams: name -> (file descriptor, type, header). `<<` on a std::ostream
# writes; `std::endl` and friends are manipulators, `MANIPULATORS` says what `<<` of each writes.
FILE = Stream("FILE")
OSTREAM = Stream("std::ostream")
MANIPULATOR = Stream("manipulator")
STREAMS: dict[str, tuple[int, Type, str]] = {
    "stdout": (1, Pointer(FILE), "<stdio.h>"), "stderr": (2, Pointer(FILE), "<stdio.h>"),
    "std::cout": (1, OSTREAM, "<iostream>"), "std::cerr": (2, OSTREAM, "<iostream>"),
    "std::clog": (2, OSTREAM, "<iostream>"),
}
MANIPULATORS: dict[str, str] = {"std::endl": "\n", "std::flush": "", "std::ends": "\0"}
# the function-local names C99 and GCC predefine as the enclosing function's name
FUNCTION_NAMES = frozenset({"__func__", "__FUNCTION__"})
# AVX-512 compare predicates (immintrin.h / avxintrin.h values)
NAMED_CONSTANTS.update({f"_CMP_{name}": (value, I32) for value, name in enumerate(
    "EQ_OQ LT_OS LE_OS UNORD_Q NEQ_UQ NLT_US NLE_US ORD_Q EQ_UQ NGE_US NGT_US FALSE_OQ NEQ_OQ GE_OS "
    "GT_OS TRUE_UQ EQ_OS LT_OQ LE_OQ UNORD_S NEQ_US NLT_UQ NLE_UQ ORD_S EQ_US NGE_UQ NGT_UQ FALSE_OS "
    "NEQ_OS GE_OQ GT_OQ TRUE_US".split())})
NAMED_CONSTANTS.update({f"_MM_CMPINT_{name}": (value, I32) for value, name in enumerate(
    "EQ LT LE FALSE NE NLT NLE TRUE".split())})

_ENUMS: dict[str, list[str]] = {
    "cudaMemcpyKind": ["cudaMemcpyHostToHost", "cudaMemcpyHostToDevice", "cudaMemcpyDeviceToHost",
                       "cudaMemcpyDeviceToDevice", "cudaMemcpyDefault"],
    "hipMemcpyKind": ["hipMemcpyHostToHost", "hipMemcpyHostToDevice", "hipMemcpyDeviceToHost",
                      "hipMemcpyDeviceToDevice", "hipMemcpyDefault"],
    "cnrtMemTransDir_t": ["cnrtMemcpyHostToDev", "cnrtMemcpyDevToDev", "cnrtMemcpyDevToHost",
                          "cnrtMemcpyHostToHost"],
    "mluMemcpyDirection_t": ["GDRAM2NRAM", "NRAM2GDRAM", "LDRAM2NRAM", "NRAM2LDRAM", "GDRAM2WRAM",
                             "WRAM2GDRAM", "LDRAM2WRAM", "WRAM2LDRAM", "NRAM2NRAM", "NRAM2WRAM",
                             "WRAM2NRAM", "GDRAM2SRAM", "SRAM2GDRAM", "LDRAM2SRAM", "SRAM2LDRAM",
                             "SRAM2NRAM", "NRAM2SRAM", "SRAM2WRAM", "WRAM2SRAM", "GDRAM2GDRAM",
                             "GDRAM2LDRAM", "LDRAM2GDRAM", "LDRAM2LDRAM", "SRAM2SRAM"],
    "wmma::layout_t": ["wmma::mem_row_major", "wmma::mem_col_major"],
    "wmma::use": ["wmma::matrix_a", "wmma::matrix_b", "wmma::accumulator"],
    "wmma::layout": ["wmma::row_major", "wmma::col_major"],
    "cudaError_t": ["cudaSuccess"],
    "hipError_t": ["hipSuccess"],
    "cnrtRet_t": ["cnrtSuccess", "CNRT_RET_SUCCESS"],
    "_MM_HINT": ["_MM_HINT_T0", "_MM_HINT_T1", "_MM_HINT_T2", "_MM_HINT_NTA"],
}
ENUM_CONSTANTS: dict[str, tuple[int, Type]] = {
    name: (value, Opaque(enum)) for enum, names in _ENUMS.items() for value, name in enumerate(names)
}
# cnrtFunctionType_t values are core counts (bang.md §2.2)
for _name, _value in (("cnrtFuncTypeBlock", 1), ("cnrtFuncTypeUnion1", 4), ("cnrtFuncTypeUnion2", 8),
                      ("cnrtFuncTypeUnion4", 16), ("cnrtFuncTypeUnion8", 32),
                      ("cnrtFuncTypeUnion16", 64), ("CNRT_FUNC_TYPE_BLOCK", 1),
                      ("CNRT_FUNC_TYPE_UNION1", 4), ("CNRT_FUNC_TYPE_UNION2", 8),
                      ("CNRT_FUNC_TYPE_UNION4", 16), ("CNRT_FUNC_TYPE_UNION8", 32)):
    ENUM_CONSTANTS[_name] = (_value, Opaque("cnrtFunctionType_t"))
ENUM_CONSTANTS["CNRT_RET_SUCCESS"] = (0, Opaque("cnrtRet_t"))      # the older name of cnrtSuccess
for _name, _value in (("CNRT_MEM_TRANS_DIR_HOST2DEV", 0), ("CNRT_MEM_TRANS_DIR_DEV2DEV", 1),
                      ("CNRT_MEM_TRANS_DIR_DEV2HOST", 2)):
    ENUM_CONSTANTS[_name] = (_value, Opaque("cnrtMemTransDir_t"))
# wmma names may be spelled with the full namespace
for _name in list(ENUM_CONSTANTS):
    if _name.startswith("wmma::"):
        ENUM_CONSTANTS["nvcuda::" + _name] = ENUM_CONSTANTS[_name]


def _v(d: DType, n: int, kind: VecKind, name: str) -> Vector:
    return Vector(d, n, kind, name)


NAMED_TYPES: dict[str, Type] = {
    "float": F32, "double": F64, "int": I32, "char": scalar(DType.I8), "bool": scalar(DType.BOOL),
    "size_t": scalar(DType.U64), "ptrdiff_t": scalar(DType.I64), "intptr_t": scalar(DType.I64),
    "uintptr_t": scalar(DType.U64),
    "int8_t": scalar(DType.I8), "int16_t": scalar(DType.I16), "int32_t": I32,
    "int64_t": scalar(DType.I64), "uint8_t": scalar(DType.U8), "uint16_t": scalar(DType.U16),
    "uint32_t": U32, "uint64_t": scalar(DType.U64), "int8": scalar(DType.I8), "fix8": scalar(DType.I8),
    "int16": scalar(DType.I16), "int32": I32,
    "half": scalar(DType.F16), "__half": scalar(DType.F16), "_Float16": scalar(DType.F16),
    "__fp16": scalar(DType.F16), "__nv_bfloat16": scalar(DType.BF16), "bfloat16": scalar(DType.BF16),
    "bfloat16_t": scalar(DType.BF16), "__bf16": scalar(DType.BF16),
    "half2": _v(DType.F16, 2, VecKind.STRUCT, "half2"), "__half2": _v(DType.F16, 2, VecKind.STRUCT, "__half2"),
    "dim3": DIM3, "uint3": _v(DType.U32, 3, VecKind.STRUCT, "uint3"),
    "__m128": _v(DType.F32, 4, VecKind.SIMD, "__m128"), "__m128i": _v(DType.I64, 2, VecKind.SIMD, "__m128i"),
    "__m128d": _v(DType.F64, 2, VecKind.SIMD, "__m128d"), "__m256": _v(DType.F32, 8, VecKind.SIMD, "__m256"),
    "__m256i": _v(DType.I64, 4, VecKind.SIMD, "__m256i"), "__m256d": _v(DType.F64, 4, VecKind.SIMD, "__m256d"),
    "__m512": _v(DType.F32, 16, VecKind.SIMD, "__m512"), "__m512i": _v(DType.I64, 8, VecKind.SIMD, "__m512i"),
    "__m512d": _v(DType.F64, 8, VecKind.SIMD, "__m512d"),
    "__mmask8": scalar(DType.U8), "__mmask16": scalar(DType.U16), "__mmask32": U32,
    "__mmask64": scalar(DType.U64),
}
for _base, _d in (("char", DType.I8), ("uchar", DType.U8), ("short", DType.I16), ("ushort", DType.U16),
                  ("int", DType.I32), ("uint", DType.U32), ("long", DType.I64), ("float", DType.F32),
                  ("double", DType.F64)):
    for _n in (1, 2, 3, 4):
        NAMED_TYPES[f"{_base}{_n}"] = _v(_d, _n, VecKind.STRUCT, f"{_base}{_n}")
for _name in ("cudaError_t", "hipError_t", "cudaStream_t", "hipStream_t", "cudaEvent_t", "hipEvent_t",
              "cnrtQueue_t", "cnrtRet_t", "cnrtNotifier_t", "cnrtFunctionType_t",
              "mluMemcpyDirection_t"):
    NAMED_TYPES.setdefault(_name, Opaque(_name))
NAMED_TYPES["void"] = Void()
NAMED_TYPES["FILE"] = FILE
NAMED_TYPES["cnrtDim3_t"] = _v(DType.U32, 3, VecKind.STRUCT, "cnrtDim3_t")


def type_modifiers(mods: list[str], base: Scalar | None) -> Scalar:
    """`unsigned`, `long long`, `short` ... combined with an optional base (int, char)."""
    unsigned = "unsigned" in mods
    longs = mods.count("long")
    if "short" in mods:
        d = DType.U16 if unsigned else DType.I16
    elif base is not None and base.dtype in (DType.I8,):
        d = DType.U8 if unsigned else DType.I8
    elif base is not None and base.dtype in (DType.F64,):
        d = DType.F64                                     # long double: modelled as double
    elif longs:
        d = DType.U64 if unsigned else DType.I64
    else:
        d = DType.U32 if unsigned else DType.I32
    return scalar(d)


# ---- overload sets of the math library ------------------------------------------------------
# What each toolchain's headers declare for the overloaded math names, by family (a catalog entry
# names its family with `overloads = "..."`; grammar/overloads.py resolves a call against it).
# Spellings: "R (P, ...)" a function; "T (T, T)" a template deducing one type from every
# argument (std::max, HIP's max); "promote (A, B)" the template <cmath> (and HIP) declare for
# arithmetic arguments of mixed types: integers count as double, the result is the wider of the
# two; "double (integral)" the <cmath> template for one integer argument.
# Dialects: "c" (gcc, <math.h>/<stdlib.h>), "c++" (g++: the C declarations in the global
# namespace), "std" (g++'s std:: overloads), "cuda" (nvcc), "hip" (hipcc); a missing dialect
# means "std". `std_via`: the libstdc++ headers that also declare the std overloads in the global
# namespace (as `using namespace std;` does); with only <cmath>, `abs(1.5f)` is C's int abs.
_CUDA_MINMAX = [
    "int (int, int)", "unsigned int (unsigned int, unsigned int)",
    "unsigned int (int, unsigned int)", "unsigned int (unsigned int, int)",
    "long long (long long, long long)", "unsigned long long (unsigned long long, unsigned long long)",
    "unsigned long long (long long, unsigned long long)", "unsigned long long (unsigned long long, long long)",
    "float (float, float)", "double (double, double)", "double (float, double)", "double (double, float)",
]   # crt/math_functions.hpp (cuda.md §7): max(float, float) is fmaxf
OVERLOADS: dict[str, dict[str, list[str]]] = {
    "minmax": {
        "c": [], "c++": [], "std": ["T (T, T)"], "cuda": _CUDA_MINMAX,
        # clang's __clang_hip_math.h and __clang_hip_cmath.h (__HIP_OVERLOAD2)
        "hip": ["T (T, T)", "int (int, int)", "float (float, float)", "double (double, double)",
                "promote (A, B)"],
    },
    "abs": {
        "c": ["int (int)"], "c++": ["int (int)"],
        "std": ["int (int)", "long long (long long)", "float (float)", "double (double)",
                "long double (long double)"],
        "std_via": ["math.h", "stdlib.h", "immintrin.h", "x86intrin.h", "mm_malloc.h"],
    },
    "cmath_unary": {
        "c": ["double (double)"], "c++": ["double (double)"],
        "std": ["float (float)", "double (double)", "long double (long double)", "double (integral)"],
        "std_via": ["math.h"],
    },
    "cmath_binary": {
        "c": ["double (double, double)"], "c++": ["double (double, double)"],
        "std": ["float (float, float)", "double (double, double)",
                "long double (long double, long double)", "promote (A, B)"],
        "std_via": ["math.h"],
    },
    "cmath_ternary": {
        "c": ["double (double, double, double)"], "c++": ["double (double, double, double)"],
        "std": ["float (float, float, float)", "double (double, double, double)",
                "long double (long double, long double, long double)", "promote (A, B, C)"],
        "std_via": ["math.h"],
    },
    "float_unary": {"c": ["float (float)"], "c++": ["float (float)"], "std": ["float (float)"]},
    "float_binary": {"c": ["float (float, float)"], "c++": ["float (float, float)"],
                     "std": ["float (float, float)"]},
    "float_ternary": {"c": ["float (float, float, float)"], "c++": ["float (float, float, float)"],
                      "std": ["float (float, float, float)"]},
}


# ---- std::numeric_limits<T> (<limits>) ---------------------------------------------------------
# Values as C++ defines them ([numeric.limits.members]); each is spelled with the <float.h>/
# <limits.h> macro of the same value (above), which every target's compiler accepts in device
# code, where std::numeric_limits needs nvcc's --expt-relaxed-constexpr. The narrow integer types
# (bool aside) give an `int` of the value, as those macros are: it promotes to int in any use.
_FLOAT_LIMITS = {
    DType.F32: dict(min=(2.0**-126, "FLT_MIN"), max=(3.4028234663852886e38, "FLT_MAX"),
                    epsilon=(2.0**-23, "FLT_EPSILON"), denorm_min=(2.0**-149, "FLT_TRUE_MIN"),
                    round_error=(0.5, "0.5f"), infinity=(math.inf, "INFINITY"),
                    quiet_NaN=(math.nan, "NAN"), signaling_NaN=(math.nan, "NAN"),
                    digits=24, digits10=6, max_digits10=9, min_exponent=-125, max_exponent=128),
    DType.F64: dict(min=(2.0**-1022, "DBL_MIN"), max=(1.7976931348623157e308, "DBL_MAX"),
                    epsilon=(2.0**-52, "DBL_EPSILON"), denorm_min=(2.0**-1074, "DBL_TRUE_MIN"),
                    round_error=(0.5, "0.5"), infinity=(math.inf, "HUGE_VAL"),
                    quiet_NaN=(math.nan, "NAN"), signaling_NaN=(math.nan, "NAN"),
                    digits=53, digits10=15, max_digits10=17, min_exponent=-1021, max_exponent=1024),
}
_INT_LIMIT_NAMES = {
    DType.I8: ("SCHAR_MIN", "SCHAR_MAX"), DType.U8: ("0", "UCHAR_MAX"),
    DType.I16: ("SHRT_MIN", "SHRT_MAX"), DType.U16: ("0", "USHRT_MAX"),
    DType.I32: ("INT_MIN", "INT_MAX"), DType.U32: ("0u", "UINT_MAX"),
    DType.I64: ("LLONG_MIN", "LLONG_MAX"), DType.U64: ("0ull", "ULLONG_MAX"),
    DType.BOOL: ("false", "true"),
}
_ZERO = {DType.U32: "0u", DType.I64: "0ll", DType.U64: "0ull", DType.BOOL: "false"}
_FUNCTIONS = {"min", "max", "lowest", "epsilon", "round_error", "infinity", "quiet_NaN",
              "signaling_NaN", "denorm_min"}


def numeric_limit(d: DType, member: str, called: bool) -> tuple[int | float | bool, Type, str]:
    """(value, type, spelling) of `std::numeric_limits<d>::member` (`called`: `member()`);
    KeyError if there is no such member (or a function is used as data, or data called)."""
    if (member in _FUNCTIONS) != called:
        raise KeyError(member)
    if d.is_float:
        table = _FLOAT_LIMITS[d]
        if member == "lowest":
            value, text = table["max"]
            return -value, scalar(d), "-" + text
        if member in _FUNCTIONS:
            value, text = table[member]
            return value, scalar(d), text
        flags = dict(is_signed=True, is_integer=False, is_exact=False, has_infinity=True,
                     has_quiet_NaN=True, radix=2)
        value = flags[member] if member in flags else table[member]
        return _data(value)
    lo_name, hi_name = _INT_LIMIT_NAMES[d]
    t = scalar(d) if d in (DType.I32, DType.U32, DType.I64, DType.U64, DType.BOOL) else I32
    if member in ("min", "lowest", "max"):
        text = hi_name if member == "max" else lo_name
        value = NAMED_CONSTANTS[text][0] if text in NAMED_CONSTANTS else 0
        return value, t, text
    if member in _FUNCTIONS:
        return 0, t, _ZERO.get(d, "0")
    digits = 1 if d is DType.BOOL else d.bits - d.is_signed
    flags = dict(is_signed=d.is_signed and d is not DType.BOOL, is_integer=True, is_exact=True,
                 has_infinity=False, has_quiet_NaN=False, radix=2, digits=digits,
                 digits10=int(digits * math.log10(2)), max_digits10=0, min_exponent=0,
                 max_exponent=0)
    return _data(flags[member])


def _data(value) -> tuple[int | bool, Type, str]:
    if isinstance(value, bool):
        return value, scalar(DType.BOOL), "true" if value else "false"
    return value, I32, str(value)
