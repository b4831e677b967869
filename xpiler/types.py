"""Element types, memory spaces and the type terms of the Kernel IR, with C's conversion rules."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np


class DType(Enum):
    """Scalar element types: (C spelling, numpy dtype name, bits, kind: b/i/u/f)."""
    BOOL = ("bool", "bool", 8, "b")
    I8 = ("int8_t", "int8", 8, "i")
    U8 = ("uint8_t", "uint8", 8, "u")
    I16 = ("int16_t", "int16", 16, "i")
    U16 = ("uint16_t", "uint16", 16, "u")
    I32 = ("int", "int32", 32, "i")
    U32 = ("unsigned int", "uint32", 32, "u")
    I64 = ("long long", "int64", 64, "i")
    U64 = ("unsigned long long", "uint64", 64, "u")
    F16 = ("half", "float16", 16, "f")
    BF16 = ("bfloat16", "uint16", 16, "f")      # stored as raw bits in numpy
    F32 = ("float", "float32", 32, "f")
    F64 = ("double", "float64", 64, "f")

    @property
    def c_name(self) -> str:
        return self.value[0]

    @property
    def np(self) -> np.dtype:
        return np.dtype(self.value[1])

    @property
    def bits(self) -> int:
        return self.value[2]

    @property
    def size(self) -> int:
        return self.value[2] // 8

    @property
    def is_float(self) -> bool:
        return self.value[3] == "f"

    @property
    def is_int(self) -> bool:
        return self.value[3] in "iub"

    @property
    def is_signed(self) -> bool:
        return self.value[3] in "if"


class Space(Enum):
    """Where a buffer lives. GENERIC: a pointer whose space the code does not say."""
    GENERIC = "generic"
    GLOBAL = "global"
    SHARED = "shared"
    LOCAL = "local"
    CONSTANT = "constant"
    NRAM = "nram"
    WRAM = "wram"
    SRAM = "sram"
    LDRAM = "ldram"
    HOST = "host"


SPACE_QUALIFIERS = {
    "__shared__": Space.SHARED, "__constant__": Space.CONSTANT, "__nram__": Space.NRAM,
    "__wram__": Space.WRAM, "__mlu_shared__": Space.SRAM, "__ldram__": Space.LDRAM,
    "__mlu_const__": Space.CONSTANT,
}


class Type:
    """Base of the type terms."""

    def c(self) -> str:
        raise NotImplementedError(type(self).__name__)

    @property
    def elem(self) -> DType | None:
        """The element type this type is made of (None for void, opaque)."""
        return None


@dataclass(frozen=True, slots=True)
class Void(Type):
    def c(self) -> str:
        return "void"


@dataclass(frozen=True, slots=True)
class Unknown(Type):
    """The type of a call to a function xpiler has no signature for."""
    def c(self) -> str:
        return "<unknown>"


@dataclass(frozen=True, slots=True)
class Scalar(Type):
    dtype: DType

    def c(self) -> str:
        return self.dtype.c_name

    @property
    def elem(self) -> DType:
        return self.dtype


@dataclass(frozen=True, slots=True)
class Pointer(Type):
    to: Type
    space: Space = Space.GENERIC
    const: bool = False
    restrict: bool = False

    def c(self) -> str:
        return ("const " if self.const else "") + self.to.c() + "*" + (" __restrict__" if self.restrict else "")

    @property
    def elem(self) -> DType | None:
        return self.to.elem


@dataclass(frozen=True, slots=True)
class Array(Type):
    of: Type
    size: int | None        # None: unsized (extern __shared__ T a[])
    space: Space = Space.LOCAL

    def c(self) -> str:
        dims, t = "", self
        while isinstance(t, Array):              # outermost dimension first: float[25][2]
            dims += f"[{'' if t.size is None else t.size}]"
            t = t.of
        return t.c() + dims

    @property
    def elem(self) -> DType | None:
        return self.of.elem

    @property
    def count(self) -> int:
        """Total number of scalar elements (all dimensions)."""
        inner = self.of.count if isinstance(self.of, Array) else 1
        return (self.size or 0) * inner


class VecKind(Enum):
    STRUCT = "struct"       # CUDA/HIP float4: members .x .y .z .w
    EXT = "ext"             # GCC/clang vector extension: v[i], element-wise operators
    SIMD = "simd"           # x86 __m512/__m512i: only through intrinsics


@dataclass(frozen=True, slots=True)
class Vector(Type):
    of: DType
    lanes: int
    kind: VecKind = VecKind.EXT
    name: str | None = None     # the spelling the user wrote (float4, __m512i, floatx4)

    def c(self) -> str:
        return self.name or f"{self.of.c_name}x{self.lanes}"

    @property
    def elem(self) -> DType:
        return self.of


@dataclass(frozen=True, slots=True)
class Fragment(Type):
    """A wmma fragment: a warp-collective m×n, m×k or k×n tile (layout per lane unspecified)."""
    use: str                # matrix_a, matrix_b, accumulator
    m: int
    n: int
    k: int
    of: DType
    layout: str | None      # row_major, col_major, None for accumulators

    @property
    def shape(self) -> tuple[int, int]:
        return {"matrix_a": (self.m, self.k), "matrix_b": (self.k, self.n)}.get(self.use, (self.m, self.n))

    def c(self) -> str:
        lay = f", wmma::{self.layout}" if self.layout else ""
        return f"wmma::fragment<wmma::{self.use}, {self.m}, {self.n}, {self.k}, {self.of.c_name}{lay}>"

    @property
    def elem(self) -> DType:
        return self.of


@dataclass(frozen=True, slots=True)
class Opaque(Type):
    """Runtime handles and enums: cudaStream_t, cnrtQueue_t, cudaMemcpyKind, ..."""
    name: str

    def c(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class Stream(Type):
    """An output stream of the C or C++ library, or what `<<` writes to one: `FILE` (stdout and
    stderr are `FILE*`), `std::ostream` (std::cout, std::cerr; `<<` with one on its left writes
    its right operand, it is not a shift) and `manipulator` (std::endl)."""
    name: str

    def c(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class Struct(Type):
    """A C struct (a C++ class with public data members only): its fields in declaration order.
    The layout is C's (xpiler.types.layout): each field at the next multiple of its alignment,
    the size a multiple of the largest alignment, as every target's ABI lays out plain structs."""
    name: str
    fields: tuple[tuple[str, Type], ...]

    def c(self) -> str:
        return self.name

    def field(self, name: str) -> Type | None:
        for n, t in self.fields:
            if n == name:
                return t
        return None

    def offset(self, name: str) -> int:
        """Byte offset of field `name`."""
        return layout(self)[0][name]


@dataclass(frozen=True, slots=True)
class Reference(Type):
    """`T&` (a parameter or a local bound to an lvalue): uses of the name read and write what it
    is bound to. Expressions naming it have type `to`; only declarations carry the Reference."""
    to: Type
    const: bool = False

    def c(self) -> str:
        return ("const " if self.const else "") + self.to.c() + "&"

    @property
    def elem(self) -> DType | None:
        return self.to.elem


@dataclass(frozen=True, slots=True)
class StdVector(Type):
    """`std::vector<T>`: a heap array of `of` owned by the scope that declares it."""
    of: Type

    def c(self) -> str:
        return f"std::vector<{self.of.c()}>"

    @property
    def elem(self) -> DType | None:
        return self.of.elem


def scalar(d: DType) -> Scalar:
    return _SCALARS[d]


_SCALARS = {d: Scalar(d) for d in DType}
BOOL, I32, U32, I64, U64, F32, F64, F16 = (scalar(DType.BOOL), scalar(DType.I32), scalar(DType.U32),
                                           scalar(DType.I64), scalar(DType.U64), scalar(DType.F32),
                                           scalar(DType.F64), scalar(DType.F16))
DIM3 = Vector(DType.U32, 3, VecKind.STRUCT, "dim3")

# ---- C conversion rules ----------------------------------------------------------------------

_INT_RANK = {DType.BOOL: 0, DType.I8: 1, DType.U8: 1, DType.I16: 2, DType.U16: 2, DType.I32: 3,
             DType.U32: 3, DType.I64: 4, DType.U64: 4}
_FLOAT_RANK = {DType.F16: 1, DType.BF16: 1, DType.F32: 2, DType.F64: 3}


def promote(d: DType) -> DType:
    """Integer promotion: anything narrower than int becomes int."""
    if d.is_int and _INT_RANK[d] < 3:
        return DType.I32
    return d


def common(a: DType, b: DType) -> DType:
    """The usual arithmetic conversions of C (half with half stays half, as in CUDA)."""
    if a.is_float or b.is_float:
        if not a.is_float:
            return b
        if not b.is_float:
            return a
        if a == b:
            return a
        return a if _FLOAT_RANK[a] > _FLOAT_RANK[b] else (b if _FLOAT_RANK[b] > _FLOAT_RANK[a] else DType.F32)
    a, b = promote(a), promote(b)
    if a == b:
        return a
    ra, rb = _INT_RANK[a], _INT_RANK[b]
    if a.is_signed == b.is_signed:
        return a if ra >= rb else b
    unsigned, signed = (a, b) if not a.is_signed else (b, a)
    if _INT_RANK[unsigned] >= _INT_RANK[signed]:
        return unsigned
    return signed


def sizeof(t: Type) -> int | None:
    if isinstance(t, Scalar):
        return t.dtype.size
    if isinstance(t, Pointer):
        return 8
    if isinstance(t, Vector):
        return t.of.size * t.lanes if t.kind is not VecKind.STRUCT or t.lanes != 3 else t.of.size * 3
    if isinstance(t, Array):
        inner = sizeof(t.of)
        return None if inner is None or t.size is None else inner * t.size
    if isinstance(t, Struct):
        return layout(t)[1]
    if isinstance(t, Reference):
        return sizeof(t.to)
    if isinstance(t, StdVector):
        return 24                      # three pointers (libstdc++, libc++)
    return None


def alignof(t: Type) -> int | None:
    """C's alignment of `t`: a scalar's size; CUDA/HIP vector structs and SIMD registers their
    size (3-lane ones their element's); arrays their element's; structs their largest field's."""
    if isinstance(t, Scalar):
        return t.dtype.size
    if isinstance(t, Pointer):
        return 8
    if isinstance(t, Vector):
        return t.of.size if t.kind is VecKind.STRUCT and t.lanes == 3 else sizeof(t)
    if isinstance(t, Array):
        return alignof(t.of)
    if isinstance(t, Struct):
        return layout(t)[2]
    if isinstance(t, Reference):
        return alignof(t.to)
    if isinstance(t, StdVector):
        return 8
    return None


_LAYOUTS: dict = {}


def layout(s: Struct) -> tuple[dict[str, int], int, int]:
    """(field -> byte offset, size, alignment) of a struct, by C's rules."""
    hit = _LAYOUTS.get(s)
    if hit is not None:
        return hit
    offsets, offset, align = {}, 0, 1
    for name, t in s.fields:
        size, a = sizeof(t), alignof(t)
        if size is None or a is None:
            raise ValueError(f"field '{name}' of struct {s.name} has no size")
        offset = -(-offset // a) * a
        offsets[name] = offset
        offset += size
        align = max(align, a)
    result = (offsets, max(1, -(-offset // align) * align), align)     # C++: an empty struct has size 1
    _LAYOUTS[s] = result
    return result


def pointee(t: Type) -> Type | None:
    """The element type behind a pointer or array (arrays of arrays: the scalar inside)."""
    if isinstance(t, Pointer):
        t = t.to
    elif isinstance(t, Array):
        t = t.of
    else:
        return None
    while isinstance(t, Array):
        t = t.of
    return t


def convert_constant(value: int | float, t: Type) -> int | float:
    """A constant's value after conversion to scalar type `t` (C's rules: float -> int truncates,
    integers wrap modulo 2^bits; out-of-range float -> int stays as the truncated value)."""
    if not isinstance(t, Scalar):
        return value
    d = t.dtype
    if d is DType.BOOL:
        return int(bool(value))
    if d.is_int:
        if isinstance(value, float):
            if value != value or value in (float("inf"), float("-inf")):
                return 0
            value = int(value)
        value %= 1 << d.bits
        return value - (1 << d.bits) if d.is_signed and value >= 1 << (d.bits - 1) else value
    return float(value)


def narrowing(src: DType, dst: DType, value: int | float | None = None) -> bool:
    """Whether converting `src` to `dst` narrows ([dcl.init.list]/7), for a value known at
    compile time (`value`) or not: such a conversion is an error inside braces."""
    if src == dst:
        return False
    if src.is_float and dst.is_int:
        return True
    as_dst = dst.np if dst is not DType.BF16 else np.float32
    if src.is_float and dst.is_float:
        if dst.bits >= src.bits and not (src is DType.BF16 and dst is DType.F16):
            return False
        if value is None:
            return True
        with np.errstate(over="ignore"):
            return value == value and abs(value) != float("inf") and float(np.float64(value).astype(as_dst)) != value
    if src.is_int and dst.is_float:
        if value is None or abs(value) >= 2**64:
            return True
        with np.errstate(over="ignore"):
            return float(np.float64(value).astype(as_dst)) != value
    if value is not None:                        # integer to integer: does the constant fit?
        return convert_constant(value, scalar(dst)) != int(value)
    if dst is DType.BOOL:
        return True
    return dst.bits < src.bits or (src.is_signed and not dst.is_signed) or \
        (not src.is_signed and dst.is_signed and dst.bits <= src.bits)


# ---- C++ overload ranking ([over.ics.rank], [over.match.best]) -------------------------------
# Used by the front end for library overloads (grammar/overloads.py) and for a file's own
# overloaded functions, and by the interpreter to run the overload a call selects.
EXACT, PROMOTION, CONVERSION, USER = 0, 1, 2, 3
INTEGRAL = frozenset({DType.BOOL, DType.I8, DType.U8, DType.I16, DType.U16, DType.I32, DType.U32,
                      DType.I64, DType.U64})
_HALVES = frozenset({DType.F16, DType.BF16})
# CUDA's __half/__nv_bfloat16 convert to float and to every integer type but bool (cuda_fp16.hpp);
# HIP's __half to any arithmetic type (a template operator T()).
_CUDA_HALF_OPERATORS = (INTEGRAL - {DType.BOOL}) | {DType.F32}


@dataclass(frozen=True, slots=True)
class Conversion:
    """An implicit conversion sequence: its rank; for a user-defined one, the conversion
    operator's result (None: several operators fit equally, the ambiguous sequence) and the
    standard conversion after it."""
    rank: int
    via: object = None
    second: int = EXACT


def _standard_rank(src, dst) -> int:
    if src == dst:
        return EXACT
    if dst is DType.I32 and src in (DType.BOOL, DType.I8, DType.U8, DType.I16, DType.U16):
        return PROMOTION
    if src is DType.F32 and dst is DType.F64:
        return PROMOTION
    return CONVERSION


def implicit_conversion(src: DType, dst, half_class: str | None = None) -> Conversion | None:
    """How an argument of type `src` reaches a parameter of type `dst` (a DType, or the string
    "long double", which xpiler has no values of). `half_class`: "cuda" or "hip" where the half
    types are classes; None where they are arithmetic. None: no implicit conversion."""
    if src == dst:
        return Conversion(EXACT)
    if half_class is None or (src not in _HALVES and dst not in _HALVES):
        return Conversion(_standard_rank(src, dst))
    if dst in _HALVES:
        return Conversion(USER, dst)             # a converting constructor of the class
    if half_class == "hip":                      # template <class T> operator T()
        return Conversion(USER, dst)
    if dst in _CUDA_HALF_OPERATORS:
        return Conversion(USER, dst)
    if dst is DType.F64:                         # operator float, then float -> double
        return Conversion(USER, DType.F32, PROMOTION)
    return Conversion(USER, None, CONVERSION)    # several operators, each needing a conversion


def compare_conversions(a: Conversion, b: Conversion) -> int:
    """-1: a is the better conversion, 1: b is, 0: neither."""
    if (a.rank == USER) != (b.rank == USER):
        return -1 if b.rank == USER else 1
    if a.rank == USER:
        if a.via is None or a.via != b.via:
            return 0
        return (a.second > b.second) - (a.second < b.second)
    return (a.rank > b.rank) - (a.rank < b.rank)


def better_call(conv1: list[Conversion], conv2: list[Conversion], order1: int = 0, order2: int = 0) -> bool:
    """Whether a candidate with conversions `conv1` is better than one with `conv2`: no worse
    for any argument and better for one; with the same conversions, the lower `order` (0 for a
    function, more for less specialized templates)."""
    cmp = [compare_conversions(a, b) for a, b in zip(conv1, conv2)]
    if any(x > 0 for x in cmp):
        return False
    return any(x < 0 for x in cmp) or order1 < order2


def select_overload(params: list[tuple[Type, ...]], args: list[Type], half_class: str | None = None) -> int | None:
    """The index of the overload (by parameter types) a call with `args` selects; None when no
    single one is best or the types are outside scalar arithmetic (pointers: exact match only)."""
    viable = []
    for i, ps in enumerate(params):
        if len(ps) != len(args):
            continue
        convs = []
        for p, a in zip(ps, args):
            p = p.to if isinstance(p, Reference) else p       # a reference binds the argument itself
            if isinstance(p, Scalar) and isinstance(a, Scalar):
                c = implicit_conversion(a.dtype, p.dtype, half_class)
            else:
                c = Conversion(EXACT) if _same_shape(p, a) else None
            if c is None:
                break
            convs.append(c)
        else:
            viable.append((i, convs))
    best = [i for i, c in viable if all(i == j or better_call(c, d) for j, d in viable)]
    return best[0] if len(best) == 1 else None


def _same_shape(p: Type, a: Type) -> bool:
    if isinstance(p, Pointer) and isinstance(a, (Pointer, Array)):
        return pointee(p) == pointee(a) or isinstance(pointee(p), Void)
    return p == a
