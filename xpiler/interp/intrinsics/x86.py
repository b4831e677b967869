"""x86 SIMD intrinsics of <immintrin.h>: SSE/AVX2/FMA, AVX-512F/BW, AVX512_VNNI, AVX-VNNI (vnni.md §3-§5).

A register value is raw bytes, (1|L, nbytes) uint8; each intrinsic views it as the element type its
name says (`_ps` float32, `_epi32` int32, `_epu8` uint8 ...; lane j = bytes j*size.., x86 is
little-endian). Names are registered from small tables: the prefix gives the width (`_mm` 16 B,
`_mm256` 32 B, `_mm512` 64 B); `_mask_` forms keep the lanes of `src` where bit j of the mask is 0,
`_maskz_` forms zero them. Masked loads and stores touch only the selected elements (no fault
outside them). Aligned forms (`load`/`store` without `u`) fault unless the address is a multiple
of the register width; buffers are taken to start 64-byte aligned (alignas(64), aligned_alloc).
Floats are IEEE float32 with round-to-nearest-even (the MXCSR default); FMA rounds once.
"""
from __future__ import annotations

import numpy as np

from xpiler.types import DType, Scalar

from ..memory import Ptr
from ..values import convert
from . import semantics
from .math import fma32

WIDTH = {"_mm": 16, "_mm256": 32, "_mm512": 64}
ELEM = {"epi8": np.int8, "epu8": np.uint8, "epi16": np.int16, "epu16": np.uint16, "epi32": np.int32,
        "epu32": np.uint32, "epi64": np.int64, "epu64": np.uint64, "ps": np.float32, "pd": np.float64}
I8, U8, I16, I32, U32, F32 = np.int8, np.uint8, np.int16, np.int32, np.uint32, np.float32


# ---- register values ---------------------------------------------------------------------------
def view(v, dtype) -> np.ndarray:
    """A register's bytes as elements: (R, nbytes) uint8 -> (R, nbytes / size) dtype."""
    if v.__class__ is np.ndarray and v.ndim == 2 and v.dtype == U8 and v.flags.c_contiguous:
        return v.view(dtype)                 # (what the general form gives such a value)
    return np.ascontiguousarray(np.atleast_2d(v), np.uint8).view(dtype)


def raw(x: np.ndarray) -> np.ndarray:
    """Typed elements (R, n) -> register bytes (R, n * size) uint8."""
    if x.__class__ is np.ndarray and x.ndim == 2 and x.flags.c_contiguous:
        return x.view(np.uint8)
    return np.ascontiguousarray(np.atleast_2d(x)).view(np.uint8)


def mask_bits(k, n: int) -> np.ndarray:
    """Bits 0..n-1 of a __mmask value (scalar or per lane) -> (R, n) bool."""
    k = np.asarray(k).astype(np.uint64).reshape(-1, 1)
    return ((k >> np.arange(n, dtype=np.uint64)) & np.uint64(1)).astype(bool)


def scalar_arg(call, args, i, d: DType) -> np.ndarray:
    """Argument i converted as C converts it to the parameter type `d` -> (R, 1)."""
    t = call.args[i].type
    return convert(np.asarray(args[i]), t.dtype if isinstance(t, Scalar) else None, d).reshape(-1, 1)


def saturate(x: np.ndarray, dtype) -> np.ndarray:
    info = np.iinfo(dtype)
    return np.clip(x, info.min, info.max).astype(dtype)


def wrap(x: np.ndarray, dtype) -> np.ndarray:
    return x.astype(dtype)          # numpy integer casts keep the low bits


def _scalar(r: np.ndarray) -> np.ndarray:
    """(R,) result of a reduction -> a uniform () scalar when there is one row."""
    return r.reshape(()) if r.size == 1 else r


# ---- whole-register operations, plain / mask / maskz ----------------------------------------------
def register_op(names, fn, ins, out, masked=()):
    """Register `fn(*typed operands) -> typed result` under `names`; `masked` lists mask/maskz names.

    A `_mask_` form takes (src, k, operands...) or, when src is itself the first operand (fmadd,
    dpbusd), (src, k, other operands...); a `_maskz_` form takes (k, operands...)."""
    arity = len(ins)

    def core(args):
        with np.errstate(all="ignore"):
            r = fn(*(view(a, t) for a, t in zip(args, ins)))
        return np.asarray(r).astype(out, copy=False)

    def plain(m, call, args, mask):
        return raw(core(args))

    def with_mask(m, call, args, mask):
        if call.callee.split("_")[2] == "maskz":
            k, keep, operands = args[0], None, args[1:]
        else:
            k, keep = args[1], args[0]
            operands = args[2:] if len(args) == arity + 2 else [args[0], *args[2:]]
        r = core(operands)
        old = view(keep, out) if keep is not None else out(0)
        return raw(np.where(mask_bits(k, r.shape[-1]), r, old))

    semantics(*names)(plain)
    if masked:
        semantics(*masked)(with_mask)


def forms(prefix: str, op: str, suffix: str, masks: bool):
    """(plain names, mask/maskz names) of `prefix_op_suffix`."""
    name = f"{prefix}_{op}_{suffix}"
    return [name], ([f"{prefix}_mask_{op}_{suffix}", f"{prefix}_maskz_{op}_{suffix}"] if masks else [])


# §3: VNNI dot products. Each 32-bit lane: src + the sum of 4 u8*s8 (or 2 s16*s16) products, formed
# exactly and then wrapped or saturated once.
def _dot(group, saturating):
    def fn(src, a, b):
        p = a.astype(np.int64) * b.astype(np.int64)
        prods = p.reshape(p.shape[0], -1, group).sum(axis=2)
        s = src.astype(np.int64) + prods
        return saturate(s, I32) if saturating else wrap(s, I32)
    return fn


DOT = {"dpbusd": (U8, I8, 4, False), "dpbusds": (U8, I8, 4, True),
       "dpwssd": (I16, I16, 2, False), "dpwssds": (I16, I16, 2, True)}
for _op, (_ta, _tb, _group, _sat) in DOT.items():
    for _p in WIDTH:
        _plain, _masked = forms(_p, _op, "epi32", _p == "_mm512")
        if _p != "_mm512":
            _plain.append(f"{_p}_{_op}_avx_epi32")            # AVX-VNNI (VEX): identical results
        register_op(_plain, _dot(_group, _sat), (I32, _ta, _tb), I32, masked=_masked)


# §5: float arithmetic. max/min are `a > b ? a : b` / `a < b ? a : b`: NaN in either operand or a
# ±0 tie gives b. FMA: the product of two float32 is exact in float64; the float64 sum is rounded
# to odd (using its exact error, TwoSum), after which rounding to float32 is a single rounding.
def max_ps(a, b):
    return np.where(a > b, a, b)


def min_ps(a, b):
    return np.where(a < b, a, b)


FLOAT_OPS = {
    "add": (2, np.add), "sub": (2, np.subtract), "mul": (2, np.multiply), "div": (2, np.divide),
    "max": (2, max_ps), "min": (2, min_ps), "sqrt": (1, np.sqrt),
    "fmadd": (3, fma32), "fmsub": (3, lambda a, b, c: fma32(a, b, -c)),
    "fnmadd": (3, lambda a, b, c: fma32(-a, b, c)), "fnmsub": (3, lambda a, b, c: fma32(-a, b, -c)),
}
for _op, (_n, _fn) in FLOAT_OPS.items():
    for _p in WIDTH:
        _plain, _masked = forms(_p, _op, "ps", _p == "_mm512")
        register_op(_plain, _fn, (F32,) * _n, F32, masked=_masked)

INT_OPS = {  # name: (element suffixes, arity, fn); the epi32 forms of _mm512 also have mask/maskz
    "add": (("epi8", "epi16", "epi32", "epi64"), 2, np.add),
    "sub": (("epi8", "epi16", "epi32", "epi64"), 2, np.subtract),
    "mullo": (("epi16", "epi32"), 2, np.multiply),
    "max": (("epi32", "epu32"), 2, np.maximum), "min": (("epi32", "epu32"), 2, np.minimum),
    "abs": (("epi32",), 1, np.abs),
}
for _op, (_suffixes, _n, _fn) in INT_OPS.items():
    for _s in _suffixes:
        for _p in WIDTH:
            _plain, _masked = forms(_p, _op, _s, _p == "_mm512" and _s == "epi32")
            register_op(_plain, _fn, (ELEM[_s],) * _n, ELEM[_s], masked=_masked)
for _s in ("ps", "epi32"):                  # masked moves (blends with src or zero)
    register_op([], lambda a: a, (ELEM[_s],), ELEM[_s], masked=forms("_mm512", "mov", _s, True)[1])

BITWISE = {"and": np.bitwise_and, "or": np.bitwise_or, "xor": np.bitwise_xor,
           "andnot": lambda a, b: ~a & b}
for _op, _fn in BITWISE.items():
    register_op([f"_mm_{_op}_si128", f"_mm256_{_op}_si256", f"_mm512_{_op}_si512",
                 f"_mm512_{_op}_epi32", f"_mm512_{_op}_epi64"], _fn, (U8, U8), U8)


@semantics(*(f"{_p}_mask_blend_{_s}" for _p in WIDTH for _s in ("ps", "epi8", "epi16", "epi32", "epi64")))
def blend(m, call, args, mask):
    """k ? b : a per lane."""
    t = ELEM[call.callee.rsplit("_", 1)[1]]
    b = view(args[2], t)
    return raw(np.where(mask_bits(args[0], b.shape[-1]), b, view(args[1], t)))


# ---- data movement: lane j of the result is a lane of the operands (or 0) -------------------------
# Each family computes, per row, the index of the source lane of every result lane in its operands
# laid end to end; immediates are per row too ((R, 1): uniform in practice).
def immediate(call, args, i) -> np.ndarray:
    """Immediate operand i -> (R, 1) int64."""
    return scalar_arg(call, args, i, DType.I32).astype(np.int64)


def take(sources, idx, zero=None) -> np.ndarray:
    """Lane idx[r, j] of row r of the sources laid end to end (R, n); `zero`: lanes that become 0."""
    idx = np.atleast_2d(idx)
    rows = max(x.shape[0] for x in (*sources, idx))
    flat = np.concatenate([np.broadcast_to(x, (rows, x.shape[1])) for x in sources], axis=1)
    r = np.take_along_axis(flat, np.broadcast_to(idx, (rows, idx.shape[1])), axis=1)
    return r if zero is None else np.where(zero, r.dtype.type(0), r)


def move_op(names, kinds, fn):
    """Register `fn(*operands) -> typed result` under `names`; `kinds` gives, per argument, the
    element type a register is viewed as, or `int` for an immediate."""
    def impl(m, call, args, mask):
        ops = [immediate(call, args, i) if k is int else view(a, k)
               for i, (a, k) in enumerate(zip(args, kinds))]
        return raw(fn(*ops))
    semantics(*names)(impl)


def lane(x: np.ndarray) -> np.ndarray:
    return np.arange(x.shape[1])


def shuffle_ps(a, b, imm):
    """Per 128-bit lane: lanes 0-1 from a, 2-3 from b; lane i is lane (imm >> 2i) & 3 of the 128 bits."""
    j = lane(a)
    return take([a, b], j // 4 * 4 + ((imm >> 2 * (j % 4)) & 3) + np.where(j % 4 < 2, 0, j.size))


def permute_imm(a, imm):
    """Per group of 4 lanes: lane i is lane (imm >> 2i) & 3 of the group."""
    j = lane(a)
    return take([a], j // 4 * 4 + ((imm >> 2 * (j % 4)) & 3))


def shuffle_half(high):
    """Per 128-bit lane (8 words): words 4-7 (high) or 0-3 permuted by imm, the others kept."""
    def fn(a, imm):
        j = lane(a)
        i = j % 8 - (4 if high else 0)
        moved = (i >= 0) & (i < 4)
        return take([a], np.where(moved, j - i + ((imm >> 2 * np.clip(i, 0, 3)) & 3), j))
    return fn


def shuffle_bytes(a, b):
    """Per 128-bit lane: byte j is byte b[j] & 15 of the lane, 0 where b[j] < 0."""
    return take([a], lane(a) // 16 * 16 + (b & 15).astype(np.int64), zero=b < 0)


def shuffle_chunks(a, b, imm):
    """128-bit chunk c: chunk (imm >> bits*c) of a (lower half of the result) or b (upper half)."""
    j = lane(a)
    chunks = j.size // 4
    c = j // 4
    sel = (imm >> (chunks.bit_length() - 1) * c) & (chunks - 1)
    return take([a, b], sel * 4 + j % 4 + np.where(c < chunks // 2, 0, j.size))


def permutevar_ps(a, c):
    j = lane(a)
    return take([a], j // 4 * 4 + (c & 3))


def permute_halves(a, b, imm):
    """128-bit half h: nibble h of imm; bit 3 zeroes it, bits 1..0 choose a.lo, a.hi, b.lo, b.hi."""
    j = lane(a)
    c = (imm >> 4 * (j // 4)) & 15
    return take([a, b], (c & 1) * 4 + j % 4 + np.where(c & 2, j.size, 0), zero=(c & 8) != 0)


def permute_index(a, idx):
    return take([a], (idx & (a.shape[1] - 1)).astype(np.int64))


def permute_two(a, idx, b):
    return take([a, b], (idx & (2 * a.shape[1] - 1)).astype(np.int64))


def unpack(high):
    """Per 128-bit lane: the lower (upper) halves of a and b, interleaved lane by lane."""
    def fn(a, b):
        j = lane(a)
        per = 16 // a.itemsize
        s = j // per * per + j % per // 2 + (per // 2 if high else 0)
        return take([a, b], s + np.where(j % 2, j.size, 0))
    return fn


MOVES_PS = {  # lane j of the result -> lane of a (or n + lane of b)
    "movehl": lambda j, n: np.where(j < 2, n + j + 2, j), "movelh": lambda j, n: np.where(j < 2, j, n + j - 2),
    "movehdup": lambda j, n: j | 1, "moveldup": lambda j, n: j & ~1}


def insert(a, b, imm):
    """a with its chunk imm & (chunks - 1) (of b's size) replaced by b."""
    j = lane(a)
    w = b.shape[1]
    chunk = imm & (j.size // w - 1)
    return take([a, b], np.where(j // w == chunk, j.size + j % w, j))


def blend_imm(a, b, imm):
    """Bit j of imm selects b (per 128-bit lane, bit j % 8, for 16 lanes)."""
    j = lane(a)
    bit = (imm >> (j % 8 if j.size > 8 else j)) & 1
    return take([a, b], j + bit * j.size)


def blendv(a, b, sign):
    return np.where(sign < 0, b, a)


def scalar_first(op, unary=False):
    """Lane 0 = op of the operands' lanes 0 (sqrt_sd: of b's), the other lanes of the first operand."""
    def fn(a, *rest):
        ops = (a, *rest)
        x = np.array(np.broadcast_to(a, (max(o.shape[0] for o in ops), a.shape[1])))
        with np.errstate(all="ignore"):
            x[:, 0] = op(ops[-1][:, 0]) if unary else op(*(o[:, 0] for o in ops))
        return x
    return fn


def horizontal(op):
    """Per 128-bit lane: op of adjacent lanes of a, then of b (wrapping for integers)."""
    def fn(a, b):
        a, b = np.broadcast_arrays(a, b)
        rows, per = a.shape[0], 16 // a.itemsize

        def pairs(x):
            x = x.reshape(rows, -1, per)
            return op(x[..., 0::2], x[..., 1::2])
        with np.errstate(all="ignore"):
            return np.concatenate([pairs(a), pairs(b)], axis=2).reshape(rows, -1).astype(a.dtype)
    return fn


for _p in WIDTH:
    move_op([f"{_p}_shuffle_ps"], (F32, F32, int), shuffle_ps)
    move_op([f"{_p}_permute_ps"], (F32, int), permute_imm)
    move_op([f"{_p}_shuffle_epi8"], (U8, I8), shuffle_bytes)
    move_op([f"{_p}_shufflehi_epi16"], (I16, int), shuffle_half(True))
    move_op([f"{_p}_shufflelo_epi16"], (I16, int), shuffle_half(False))
    move_op([f"{_p}_permutevar_ps"], (F32, I32), permutevar_ps)
    move_op([f"{_p}_permutex2var_ps"], (F32, I32, F32), permute_two)
    move_op([f"{_p}_permutex2var_epi32"], (I32, I32, I32), permute_two)
    move_op([f"{_p}_permutexvar_epi16"], (I16, I16), lambda idx, a: permute_index(a, idx))
    for _half in ("lo", "hi"):
        for _s in ("ps", "epi8", "epi16", "epi32", "epi64"):
            move_op([f"{_p}_unpack{_half}_{_s}"], (ELEM[_s],) * 2, unpack(_half == "hi"))
    for _op in ("movehdup", "moveldup"):
        move_op([f"{_p}_{_op}_ps"], (F32,), lambda a, f=MOVES_PS[_op]: take([a], f(lane(a), a.shape[1])))
    if _p != "_mm":
        move_op([f"{_p}_shuffle_f32x4"], (F32, F32, int), shuffle_chunks)
        move_op([f"{_p}_shuffle_i32x4"], (I32, I32, int), shuffle_chunks)
        for _s in ("ps", "epi32", "epi64"):
            move_op([f"{_p}_permutexvar_{_s}"], (ELEM["epi32" if _s == "ps" else _s], ELEM[_s]),
                    lambda idx, a: permute_index(a, idx))
    if _p != "_mm512":
        move_op([f"{_p}_shuffle_epi32"], (I32, int), permute_imm)
    for _op, _fn in (("hadd", np.add), ("hsub", np.subtract)):
        for _s in ("ps", "epi16", "epi32"):
            if _p != "_mm512":
                move_op([f"{_p}_{_op}_{_s}"], (ELEM[_s],) * 2, horizontal(_fn))
for _op in ("movehl", "movelh"):
    move_op([f"_mm_{_op}_ps"], (F32, F32), lambda a, b, f=MOVES_PS[_op]: take([a, b], f(lane(a), a.shape[1])))
move_op(["_mm256_permute2f128_ps"], (F32, F32, int), permute_halves)
move_op(["_mm256_permute2f128_si256", "_mm256_permute2x128_si256"], (U32, U32, int), permute_halves)
move_op(["_mm256_permute4x64_epi64", "_mm512_permutex_epi64"], (np.int64, int), permute_imm)
move_op(["_mm256_permutevar8x32_ps"], (F32, I32), permute_index)
move_op(["_mm256_permutevar8x32_epi32"], (I32, I32), permute_index)
move_op(["_mm256_insertf128_ps", "_mm256_insertf32x4", "_mm512_insertf32x4", "_mm512_insertf32x8"],
        (F32, F32, int), insert)
move_op(["_mm256_insertf128_si256", "_mm256_inserti128_si256", "_mm256_inserti32x4", "_mm512_inserti32x4",
         "_mm512_inserti64x4", "_mm512_inserti32x8"], (U32, U32, int), insert)
move_op(["_mm_blend_ps", "_mm256_blend_ps"], (F32, F32, int), blend_imm)
move_op(["_mm_blend_epi16", "_mm256_blend_epi16"], (I16, I16, int), blend_imm)
move_op(["_mm_blend_epi32", "_mm256_blend_epi32"], (I32, I32, int), blend_imm)
move_op(["_mm_blendv_ps", "_mm256_blendv_ps"], (F32, F32, I32), blendv)
move_op(["_mm_blendv_epi8", "_mm256_blendv_epi8"], (U8, U8, I8), blendv)

SCALAR_OPS = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide, "max": max_ps,
              "min": min_ps, "move": lambda a, b: b}
for _s, _t in (("ss", F32), ("sd", np.float64)):
    for _op, _fn in SCALAR_OPS.items():
        move_op([f"_mm_{_op}_{_s}"], (_t, _t), scalar_first(_fn))
    move_op([f"_mm_sqrt_{_s}"], (_t,) * (1 if _s == "ss" else 2), scalar_first(np.sqrt, unary=True))


@semantics("_mm_set_ss", "_mm_set_sd")
def set_scalar(m, call, args, mask):
    d = DType.F32 if call.callee.endswith("ss") else DType.F64
    x = scalar_arg(call, args, 0, d)
    return raw(np.concatenate([x, np.zeros((x.shape[0], 16 // d.size - 1), x.dtype)], axis=1))


# Broadcasts from a register: lane 0 to every lane, or a chunk repeated.
def broadcast(t, chunk: int):
    def impl(m, call, args, mask):
        a = view(args[0], t)
        n = nbytes_of(call.type) // np.dtype(t).itemsize
        return raw(take([a], np.arange(n) % chunk))
    return impl


for _p in WIDTH:
    semantics(f"{_p}_broadcastss_ps")(broadcast(F32, 1))
    for _s, _t in (("b_epi8", I8), ("w_epi16", I16), ("d_epi32", I32), ("q_epi64", np.int64)):
        semantics(f"{_p}_broadcast{_s}")(broadcast(_t, 1))
semantics("_mm256_broadcastsi128_si256", "_mm256_broadcast_i32x4", "_mm512_broadcast_i32x4")(broadcast(U32, 4))
semantics("_mm256_broadcast_f32x4", "_mm512_broadcast_f32x4")(broadcast(F32, 4))
semantics("_mm512_broadcast_f32x8")(broadcast(F32, 8))
semantics("_mm512_broadcast_i32x8", "_mm512_broadcast_i64x4")(broadcast(U32, 8))


# Compares into a mask register: bit j of the __mmask16 = the predicate on lane j. `_mm512_cmp_ps_mask`
# takes the predicate as an immediate (_CMP_EQ_OQ = 0 ... _CMP_TRUE_US = 31; imm and 16 differ only in
# signalling, which does not change the result); the named forms are fixed predicates. Unordered
# (NaN) operands make the ordered predicates false and the unordered ones ("n..", neq) true.
def _unord(a, b):
    return np.isnan(a) | np.isnan(b)


CMP_PS = [lambda a, b: a == b, lambda a, b: a < b, lambda a, b: a <= b, _unord,
          lambda a, b: ~(a == b), lambda a, b: ~(a < b), lambda a, b: ~(a <= b), lambda a, b: ~_unord(a, b),
          lambda a, b: (a == b) | _unord(a, b), lambda a, b: ~(a >= b), lambda a, b: ~(a > b),
          lambda a, b: np.zeros(np.broadcast(a, b).shape, bool), lambda a, b: (a != b) & ~_unord(a, b),
          lambda a, b: a >= b, lambda a, b: a > b, lambda a, b: np.ones(np.broadcast(a, b).shape, bool)]
CMP_NAMED = {"eq": 0, "lt": 1, "le": 2, "unord": 3, "neq": 4, "nlt": 5, "nle": 6, "ord": 7, "nge": 9,
             "ngt": 10, "ge": 13, "gt": 14}
CMP_EPI32 = {"eq": np.equal, "lt": np.less, "le": np.less_equal, "gt": np.greater,
             "ge": np.greater_equal, "neq": np.not_equal}


def to_mask(bits: np.ndarray, dtype) -> np.ndarray:
    """(R, n) bool -> (R,) mask with bit j = lane j (a () scalar for one row)."""
    weights = np.left_shift(np.uint64(1), np.arange(bits.shape[1], dtype=np.uint64))
    return _scalar((bits.astype(np.uint64) * weights).sum(axis=1).astype(dtype))


def compare_ps(call, args) -> np.ndarray:
    """The predicate of a cmp*_ps call on each lane -> (R, n) bool: the one its name says
    (_mm_cmplt_ps), or the immediate's (_mm_cmp_ps)."""
    a, b = np.broadcast_arrays(view(args[0], F32), view(args[1], F32))
    named = call.callee.split("_")[2][3:]
    with np.errstate(all="ignore"):
        if named:
            return CMP_PS[CMP_NAMED[named]](a, b)
        imm = np.broadcast_to(immediate(call, args, 2) & 15, (a.shape[0], 1))
        bits = np.zeros(a.shape, bool)
        for p in np.unique(imm):          # one immediate in practice; per row when it varies
            bits = np.where(imm == p, CMP_PS[int(p)](a, b), bits)
        return bits


@semantics("_mm512_cmp_ps_mask", *(f"_mm512_cmp{_op}_ps_mask" for _op in list(CMP_NAMED)[:8]))
def cmp_ps_mask(m, call, args, mask):
    return to_mask(compare_ps(call, args), np.uint16)


@semantics("_mm_cmp_ps", "_mm256_cmp_ps", *(f"_mm_cmp{_op}_ps" for _op in CMP_NAMED))
def cmp_ps(m, call, args, mask):
    """All ones where the predicate holds, else 0."""
    return raw(np.where(compare_ps(call, args), I32(-1), I32(0)))


def cmp_int(op):
    return lambda a, b: np.where(op(a, b), a.dtype.type(-1), a.dtype.type(0))


for _s in ("epi8", "epi16", "epi32", "epi64"):
    for _p in ("_mm", "_mm256"):
        move_op([f"{_p}_cmpeq_{_s}"], (ELEM[_s],) * 2, cmp_int(np.equal))
        move_op([f"{_p}_cmpgt_{_s}"], (ELEM[_s],) * 2, cmp_int(np.greater))
    if _s != "epi64":
        move_op([f"_mm_cmplt_{_s}"], (ELEM[_s],) * 2, cmp_int(np.less))


@semantics(*(f"_mm512_cmp{_op}_epi32_mask" for _op in CMP_EPI32))
def cmp_epi32_mask(m, call, args, mask):
    a, b = np.broadcast_arrays(view(args[0], I32), view(args[1], I32))
    return to_mask(CMP_EPI32[call.callee.split("_")[2][3:]](a, b), np.uint16)


# §5 conversions. float -> int32: round to nearest even (cvt) or truncate (cvtt); NaN and values
# outside int32 give 0x80000000 ("integer indefinite").
def float_to_int32(rounding):
    def fn(x):
        r = rounding(x.astype(np.float64))
        ok = (r >= -2.0**31) & (r < 2.0**31)
        return np.where(ok, r, -2.0**31).astype(I32)
    return fn


def widen(n):
    return lambda x: x[:, :n]


for _p, _w in WIDTH.items():
    register_op([f"{_p}_cvtepi32_ps"], lambda x: x.astype(F32), (I32,), F32)
    register_op([f"{_p}_cvtps_epi32"], float_to_int32(np.rint), (F32,), I32)
    register_op([f"{_p}_cvttps_epi32"], float_to_int32(np.trunc), (F32,), I32)
    for _src, _dst in (("epi8", "epi32"), ("epu8", "epi32"), ("epi16", "epi32"), ("epu16", "epi32"),
                       ("epi8", "epi16"), ("epu8", "epi16"), ("epi32", "epi64")):
        register_op([f"{_p}_cvt{_src}_{_dst}"], widen(_w // ELEM[_dst]().itemsize), (ELEM[_src],),
                    ELEM[_dst])

NARROW = {"cvtepi32_epi8": (I32, I8, wrap), "cvtsepi32_epi8": (I32, I8, saturate),
          "cvtusepi32_epi8": (U32, U8, saturate), "cvtepi32_epi16": (I32, I16, wrap),
          "cvtsepi32_epi16": (I32, I16, saturate), "cvtusepi32_epi16": (U32, np.uint16, saturate)}
for _op, (_t, _d, _how) in NARROW.items():
    register_op([f"_mm512_{_op}"], lambda x, d=_d, how=_how: how(x, d), (_t,), _d)


# §5.1 pre-VNNI integer dot products and packs.
def maddubs(a, b):
    """int16 lane j = sat16(u8 a[2j]*s8 b[2j] + u8 a[2j+1]*s8 b[2j+1])."""
    p = a.astype(np.int32) * b.astype(np.int32)
    return saturate(p.reshape(p.shape[0], -1, 2).sum(axis=2), I16)


def madd(a, b):
    """int32 lane j = s16 a[2j]*b[2j] + a[2j+1]*b[2j+1], wrapping."""
    p = a.astype(np.int64) * b.astype(np.int64)
    return wrap(p.reshape(p.shape[0], -1, 2).sum(axis=2), I32)


def packs(dst):
    """Narrow a and b with saturation, interleaved per 128-bit lane: [a lane l | b lane l] ..."""
    def fn(a, b):
        per = 16 // a.itemsize
        a, b = np.broadcast_arrays(a, b)
        pairs = np.concatenate([a.reshape(a.shape[0], -1, per), b.reshape(b.shape[0], -1, per)], axis=2)
        return saturate(pairs.reshape(a.shape[0], -1), dst)
    return fn


for _p in WIDTH:
    register_op([f"{_p}_maddubs_epi16"], maddubs, (U8, I8), I16)
    register_op([f"{_p}_madd_epi16"], madd, (I16, I16), I32)
    for _op, (_src, _dst) in {"packs_epi32": (I32, I16), "packus_epi32": (I32, np.uint16),
                              "packs_epi16": (I16, I8), "packus_epi16": (I16, U8)}.items():
        register_op([f"{_p}_{_op}"], packs(_dst), (_src, _src), _dst)


# Shifts by an immediate count (unsigned int): a count past the element width gives 0 for the logical
# shifts and the sign for the arithmetic one.
def shift(kind, t):
    bits = np.dtype(t).itemsize * 8
    unsigned = np.dtype(f"u{np.dtype(t).itemsize}")

    def impl(m, call, args, mask):
        x = view(args[0], t)
        n = scalar_arg(call, args, 1, DType.U32).astype(np.uint64)
        big = n >= bits
        s = np.minimum(n, bits - 1).astype(t)
        if kind == "srai":
            return raw(x >> s)
        u = x.view(unsigned)
        r = (u << s.astype(unsigned)) if kind == "slli" else (u >> s.astype(unsigned))
        return raw(np.where(big, 0, r).astype(unsigned).view(t))
    return impl


for _p in WIDTH:
    for _kind in ("slli", "srli", "srai"):
        for _s in ("epi16", "epi32", "epi64"):
            semantics(f"{_p}_{_kind}_{_s}")(shift(_kind, ELEM[_s]))


# §5 reductions: GCC's halving tree (avx512fintrin.h): op(high half, low half) for 16 -> 8 -> 4,
# then op(lanes 0-1, lanes 2-3) and op(lane 0, lane 1). The order matters for float rounding and
# for the NaN/±0 rule of max/min.
def tree(x, op):
    with np.errstate(all="ignore"):
        x = op(x[:, 8:], x[:, :8])
        x = op(x[:, 4:], x[:, :4])
        x = op(x[:, :2], x[:, 2:])
        return op(x[:, :1], x[:, 1:])[:, 0]


REDUCE = {  # name: (element type, op, identity for the masked form)
    "add_ps": (F32, np.add, 0.0), "mul_ps": (F32, np.multiply, 1.0),
    "max_ps": (F32, max_ps, -np.inf), "min_ps": (F32, min_ps, np.inf),
    "add_epi32": (I32, np.add, 0), "mul_epi32": (I32, np.multiply, 1),
    "max_epi32": (I32, np.maximum, -2**31), "min_epi32": (I32, np.minimum, 2**31 - 1),
    "max_epu32": (U32, np.maximum, 0), "min_epu32": (U32, np.minimum, 2**32 - 1),
    "and_epi32": (I32, np.bitwise_and, -1), "or_epi32": (I32, np.bitwise_or, 0),
}


def reduction(t, op, identity):
    def impl(m, call, args, mask):
        if call.callee.startswith("_mm512_mask_"):
            x = view(args[1], t)
            x = np.where(mask_bits(args[0], 16), x, t(identity))
        else:
            x = view(args[0], t)
        return _scalar(tree(x, op))
    return impl


for _op, (_t, _fn, _id) in REDUCE.items():
    semantics(f"_mm512_reduce_{_op}", f"_mm512_mask_reduce_{_op}")(reduction(_t, _fn, _id))


# §4 constants.
@semantics("_mm_setzero_si128", "_mm256_setzero_si256", "_mm512_setzero_si512", "_mm512_setzero_epi32",
           "_mm_setzero_ps", "_mm256_setzero_ps", "_mm512_setzero_ps")
def setzero(m, call, args, mask):
    return np.zeros((1, call.type.lanes * call.type.of.size), np.uint8)


SET_TYPES = {"epi8": DType.I8, "epi16": DType.I16, "epi32": DType.I32, "epi64": DType.I64,
             "epi64x": DType.I64, "ps": DType.F32, "pd": DType.F64}


def set_values(m, call, args, mask):
    """set1 broadcasts; set lists the lanes highest first, setr lowest first."""
    op, suffix = call.callee.rsplit("_", 2)[1:]
    d = SET_TYPES[suffix]
    nbytes = call.type.lanes * call.type.of.size
    values = np.concatenate(np.broadcast_arrays(*(scalar_arg(call, args, i, d) for i in range(len(args)))),
                            axis=1)
    if op == "set1":
        values = np.repeat(values, nbytes // d.size, axis=1)
    elif op == "set":
        values = values[:, ::-1]
    return raw(values)


for _p in WIDTH:
    for _s in ("epi8", "epi16", "epi32", "ps", "pd", "epi64x" if _p != "_mm512" else "epi64"):
        semantics(f"{_p}_set1_{_s}")(set_values)
    for _s in ("epi32", "ps", "pd", "epi64x" if _p != "_mm512" else "epi64"):
        semantics(*(f"{_p}_{_op}_{_s}" for _op in ("set", "setr") if f"{_p}_{_op}_{_s}" != "_mm_setr_epi64x"))(
            set_values)
for _p in ("_mm", "_mm256"):
    semantics(f"{_p}_set_epi8", f"{_p}_setr_epi8", f"{_p}_set_epi16", f"{_p}_setr_epi16")(set_values)


# Casts and element extraction (bit patterns unchanged).
@semantics("_mm_castps_si128", "_mm_castsi128_ps", "_mm256_castps_si256", "_mm256_castsi256_ps",
           "_mm512_castps_si512", "_mm512_castsi512_ps", "_mm512_castsi512_si256",
           "_mm512_castsi512_si128", "_mm512_castps512_ps256", "_mm512_castps512_ps128",
           "_mm256_castsi256_si128", "_mm256_castps256_ps128")
def cast(m, call, args, mask):
    return view(args[0], np.uint8)[:, :call.type.lanes * call.type.of.size]


@semantics("_mm256_extractf128_ps", "_mm256_extracti128_si256", "_mm512_extracti64x4_epi64",
           "_mm512_extractf32x4_ps", "_mm512_extracti32x4_epi32", "_mm512_extractf64x4_pd",
           "_mm256_extractf128_si256", "_mm256_extractf32x4_ps", "_mm256_extracti32x4_epi32",
           "_mm512_extractf32x8_ps", "_mm512_extracti32x8_epi32")
def extract(m, call, args, mask):
    size = call.type.lanes * call.type.of.size
    x = view(args[0], np.uint8)
    chunk = int(np.asarray(args[1]).reshape(-1)[0]) % (x.shape[1] // size)
    return x[:, chunk * size:(chunk + 1) * size]


@semantics("_mm_cvtss_f32", "_mm256_cvtss_f32", "_mm512_cvtss_f32", "_mm_cvtsd_f64", "_mm_cvtsi128_si32",
           "_mm256_cvtsi256_si32", "_mm512_cvtsi512_si32")
def lane0(m, call, args, mask):
    t = {"f32": F32, "f64": np.float64}.get(call.callee[-3:], I32)
    return _scalar(view(args[0], t)[:, 0])


# §4 loads and stores: raw bytes. Aligned forms fault unless the address is a multiple of the width.
def pointer(m, call, p) -> Ptr:
    if not isinstance(p, Ptr):
        raise m.error(call.span, f"not supported: {call.callee} on an address that is not in memory "
                                 f"(the address of a register variable)")
    return p


def check_aligned(m, call, p: Ptr, mask, align: int) -> None:
    off = np.broadcast_to(p.offsets, mask.shape)
    bad = mask & (off % align != 0)
    if bad.any() and p.buffer is not None:
        lane = int(np.flatnonzero(bad)[0])
        raise m.error(call.span, f"general-protection fault: {call.callee} needs a {align}-byte aligned "
                                 f"address, got '{p.buffer.name}' + {int(off[lane])} bytes (the unaligned "
                                 f"form, with 'u', accepts any address)", lane if m.L > 1 else None)


def nbytes_of(t) -> int:
    return t.lanes * t.of.size


def load(aligned):
    def impl(m, call, args, mask):
        p, nbytes = pointer(m, call, args[0]), nbytes_of(call.type)
        if aligned:
            check_aligned(m, call, p, mask, nbytes)
        return m.memory.load(p, DType.U8, mask, count=nbytes).reshape(-1, nbytes)
    return impl


def store(aligned):
    def impl(m, call, args, mask):
        p, nbytes = pointer(m, call, args[0]), nbytes_of(call.args[1].type)
        if aligned:
            check_aligned(m, call, p, mask, nbytes)
        m.memory.store(p, DType.U8, view(args[1], np.uint8), mask, count=nbytes)
    return impl


def elements(m, call, args, mask, k, p, nbytes, aligned):
    """Per-element pointers and the selected elements of a masked access -> (Ptr, (L, n) bool, esize)."""
    esize = ELEM[call.callee.rsplit("_", 1)[1]]().itemsize
    n = nbytes // esize
    p = pointer(m, call, p)
    if aligned:
        check_aligned(m, call, p, mask, nbytes)
    base = np.broadcast_to(p.offsets, mask.shape)
    each = Ptr(p.buffer, (base[:, None] + esize * np.arange(n)).ravel(), 1)
    return each, np.broadcast_to(mask[:, None] & mask_bits(k, n), (mask.shape[0], n)), esize


def masked_load(aligned):
    def impl(m, call, args, mask):
        zero = call.callee.split("_")[2] == "maskz"
        k, p = (args[0], args[1]) if zero else (args[1], args[2])
        nbytes = nbytes_of(call.type)
        each, sel, esize = elements(m, call, args, mask, k, p, nbytes, aligned)
        data = np.zeros((sel.size, esize), np.uint8)
        if sel.any():
            data = m.memory.load(each, DType.U8, sel.ravel(), count=esize)
        data = data.reshape(sel.shape[0], nbytes)
        if zero:
            return data
        return np.where(np.repeat(sel, esize, axis=1), data, view(args[0], np.uint8))
    return impl


def masked_store(aligned):
    def impl(m, call, args, mask):
        nbytes = nbytes_of(call.args[2].type)
        each, sel, esize = elements(m, call, args, mask, args[1], args[0], nbytes, aligned)
        values = np.broadcast_to(view(args[2], np.uint8), (sel.shape[0], nbytes)).reshape(sel.size, esize)
        m.memory.store(each, DType.U8, values if esize > 1 else values[:, 0], sel.ravel(), count=esize)
    return impl


for _p, _w in WIDTH.items():
    _si = f"si{_w * 8}"
    for _s in (_si, "ps", "pd") + (("epi32", "epi64") if _p == "_mm512" else ()):
        semantics(f"{_p}_loadu_{_s}")(load(False))
        semantics(f"{_p}_load_{_s}")(load(True))
        semantics(f"{_p}_storeu_{_s}")(store(False))
        semantics(f"{_p}_store_{_s}")(store(True))
    for _s in ("ps", "pd", "epi32", "epi64", "epi8", "epi16"):
        semantics(f"{_p}_mask_loadu_{_s}", f"{_p}_maskz_loadu_{_s}")(masked_load(False))
        semantics(f"{_p}_mask_storeu_{_s}")(masked_store(False))
        if _s in ("ps", "pd", "epi32", "epi64"):
            semantics(f"{_p}_mask_load_{_s}", f"{_p}_maskz_load_{_s}")(masked_load(True))
            semantics(f"{_p}_mask_store_{_s}")(masked_store(True))


# Scalar loads and stores (lane 0; a load zeroes the other lanes), broadcasts from memory.
@semantics("_mm_load_ss", "_mm_load_sd")
def load_scalar(m, call, args, mask):
    size = 4 if call.callee.endswith("ss") else 8
    data = m.memory.load(pointer(m, call, args[0]), DType.U8, mask, count=size).reshape(-1, size)
    return np.concatenate([data, np.zeros((data.shape[0], 16 - size), np.uint8)], axis=1)


@semantics("_mm_store_ss", "_mm_store_sd")
def store_scalar(m, call, args, mask):
    size = 4 if call.callee.endswith("ss") else 8
    m.memory.store(pointer(m, call, args[0]), DType.U8, view(args[1], np.uint8)[:, :size], mask, count=size)


@semantics("_mm_broadcast_ss", "_mm256_broadcast_ss", "_mm256_broadcast_ps")
def broadcast_memory(m, call, args, mask):
    size = 16 if call.callee.endswith("_ps") else 4
    data = m.memory.load(pointer(m, call, args[0]), DType.U8, mask, count=size).reshape(-1, size)
    return np.tile(data, (1, nbytes_of(call.type) // size))


# Gathers: lane j is the element at byte address p + index[j] * scale (index signed 32-bit). Masked
# forms read the selected lanes only (no fault elsewhere) and keep src in the others: the AVX2 forms
# select by the sign bit of each lane of a mask register, the AVX-512 forms by the bits of k.
GATHER_ARGS = {  # (src, k, index, p, mask register, scale) argument positions
    "_mm512_i32gather": (None, None, 0, 1, None, 2), "_mm512_mask_i32gather": (0, 1, 2, 3, None, 4),
    "_mm256_i32gather": (None, None, 1, 0, None, 2), "_mm256_mask_i32gather": (0, None, 2, 1, 3, 4),
    "_mm_i32gather": (None, None, 1, 0, None, 2), "_mm_mask_i32gather": (0, None, 2, 1, 3, 4)}


def gather(m, call, args, mask):
    form, suffix = call.callee.rsplit("_", 1)
    src, k, index, p, vmask, scale = GATHER_ARGS[form]
    esize = np.dtype(ELEM[suffix]).itemsize
    idx = view(args[index], I32).astype(np.int64)
    n = idx.shape[1]
    sel = np.ones((1, n), bool)
    if k is not None:
        sel = mask_bits(args[k], n)
    elif vmask is not None:
        sel = view(args[vmask], I32) < 0
    p = pointer(m, call, args[p])
    base = np.broadcast_to(p.offsets, mask.shape)
    offsets = base[:, None] + idx * immediate(call, args, scale)
    sel = np.broadcast_to(mask[:, None] & sel, (mask.shape[0], n))
    each = Ptr(p.buffer, np.broadcast_to(offsets, sel.shape).ravel(), 1)
    data = np.zeros((sel.size, esize), np.uint8)
    if sel.any():
        data = m.memory.load(each, DType.U8, sel.ravel(), count=esize)
    data = data.reshape(sel.shape[0], n * esize)
    if src is None:
        return data
    return np.where(np.repeat(sel, esize, axis=1), data, view(args[src], np.uint8))


for _form in GATHER_ARGS:
    semantics(f"{_form}_ps", f"{_form}_epi32")(gather)
