"""Run-time values of the interpreter and C's arithmetic on them, vectorised over lanes.

A scalar is a numpy array of shape () (uniform) or (L,) (one value per lane), with the numpy
dtype of its C type (bfloat16 is held as float32). A vector (float4, ext vectors) has shape
(1, n) or (L, n); an x86 SIMD register is raw bytes, (1, nbytes) or (L, nbytes), viewed by each
intrinsic as it needs. Pointers are `memory.Ptr`; wmma fragments are `FragmentValue`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from xpiler.types import DType, Pointer, Scalar, Type, VecKind, Vector

from .memory import register_dtype


@dataclass(eq=False)
class FragmentValue:
    """A wmma fragment: one (rows, cols) tile per warp in flight -> data shape (W, rows, cols)."""
    data: np.ndarray


@dataclass(eq=False)
class VarRef:
    """`&variable` of a register variable (host code: cudaMalloc(&d_a, ...))."""
    name: str
    frame: object


def np_dtype(t: Type) -> np.dtype:
    if isinstance(t, Scalar):
        return register_dtype(t.dtype)
    if isinstance(t, Vector):
        return np.dtype(np.uint8) if t.kind is VecKind.SIMD else register_dtype(t.of)
    if isinstance(t, Pointer):
        return np.dtype(np.int64)
    raise TypeError(t)


def vector_width(t: Vector) -> int:
    """Elements per vector value (bytes for SIMD registers)."""
    return t.lanes * t.of.size if t.kind is VecKind.SIMD else t.lanes


def convert(value: np.ndarray, src: DType | None, dst: DType) -> np.ndarray:
    """C conversion of a scalar value to `dst` (float->int truncates; int->narrow int wraps)."""
    target = register_dtype(dst)
    v = np.asarray(value)
    if v.dtype == target:
        return v
    if dst is DType.BOOL:
        return v != 0
    if dst.is_int and v.dtype.kind == "f":
        with np.errstate(invalid="ignore", over="ignore"):
            t = np.trunc(v)
            # out-of-range float->int is undefined in C; x86 gives the "integer indefinite" value
            info = np.iinfo(target)
            wide = np.where(np.isfinite(t) & (t >= info.min) & (t <= info.max), t, info.min)
            return wide.astype(target)
    if dst is DType.BF16:
        from .memory import bf16_to_f32, f32_to_bf16
        return bf16_to_f32(f32_to_bf16(v.astype(np.float32)))
    with np.errstate(over="ignore", invalid="ignore"):
        return v.astype(target)


def c_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Integer division truncating toward zero (C), for non-zero b."""
    q = np.floor_divide(a, b)
    fix = (np.remainder(a, b) != 0) & ((a < 0) != (b < 0))
    return q + fix.astype(q.dtype)


def c_mod(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a - b * c_div(a, b)


def broadcast_mask(mask: np.ndarray, value: np.ndarray, vector: bool) -> np.ndarray:
    if vector and mask.ndim == 1:
        return mask[:, None]
    return mask


def select(mask: np.ndarray, new, old, vector: bool = False):
    """Per-lane choice: `new` where mask is set, `old` elsewhere."""
    if mask.ndim == 0:
        return new if bool(mask) else old
    if isinstance(new, np.ndarray) or isinstance(old, np.ndarray):
        m = broadcast_mask(mask, new, vector)
        return np.where(m, new, old)
    return new


_ESCAPE = re.compile(r"""\\(x[0-9a-fA-F]+|[0-7]{1,3}|.)""", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
                   "\\": "\\", "'": "'", '"': '"', "?": "?"}


def c_string(text: str) -> str:
    """The characters of a C string literal's text as written between its quotes (escapes such
    as \\n, \\x41 and \\101 decoded; C11 6.4.4.4)."""
    if "\\" not in text:
        return text

    def one(match):
        s = match.group(1)
        if s[0] == "x":
            return chr(int(s[1:], 16) & 0xFF)
        if s[0] in "01234567":
            return chr(int(s, 8) & 0xFF)
        return _SIMPLE_ESCAPES.get(s, s)
    return _ESCAPE.sub(one, text)
