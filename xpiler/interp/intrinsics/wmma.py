"""WMMA (nvcuda::wmma) as warp-collective tile operations (cuda.md §9).

A fragment holds one (rows, cols) tile per warp; load/store use the pointer and `ldm` of the
warp (all its lanes must be active and pass the same arguments); mma_sync computes
D = A·B + C per warp in float64 (integers exactly) and rounds to the accumulator type.
"""
from __future__ import annotations

import numpy as np

from xpiler.types import Fragment, Pointer

from ..memory import Ptr
from ..values import FragmentValue
from . import semantics


def _warps(m, call, mask):
    """Indices of the warps executing the call; each must be fully active."""
    warp = m.groups.get("warp")
    if warp is None:
        raise m.error(call.span, f"{call.callee} outside a kernel launch")
    active = np.unique(warp[mask])
    counts = np.bincount(warp[mask], minlength=m.groups["warps"])
    full = np.bincount(warp, minlength=m.groups["warps"])
    partial = active[counts[active] != full[active]]
    if partial.size or (full[active] != m.runtime.warp_size).any():
        lane = int(np.flatnonzero(mask & np.isin(warp, partial if partial.size else active))[0])
        raise m.error(call.span, f"{call.callee} must be called by all 32 lanes of a warp "
                                 f"(divergent or partial warp)", lane)
    return active


def _first_lane(m, warps):
    warp = m.groups["warp"]
    first = np.full(m.groups["warps"], -1, np.int64)
    lanes = np.arange(m.L)
    first[warp[::-1]] = lanes[::-1]          # smallest lane of each warp
    return first[warps]


def _layout_of(frag_t: Fragment, explicit) -> bool:
    """True when the memory layout is row-major."""
    if explicit is not None:
        return int(np.asarray(explicit).reshape(-1)[0]) == 0        # wmma::mem_row_major == 0
    return frag_t.layout != "col_major"


def _offsets(m, ptr: Ptr, lanes, rows, cols, ldm, row_major, elem):
    base = np.broadcast_to(ptr.offsets, (m.L,))[lanes]
    ld = np.broadcast_to(np.asarray(ldm).astype(np.int64), (m.L,))[lanes]
    i = np.arange(rows)[None, :, None]
    j = np.arange(cols)[None, None, :]
    idx = i * ld[:, None, None] + j if row_major else j * ld[:, None, None] + i
    return base[:, None, None] + idx * elem


@semantics("wmma::fill_fragment")
def fill_fragment(m, call, args, mask):
    frag: FragmentValue = args[0]
    warps = _warps(m, call, mask)
    lanes = _first_lane(m, warps)
    v = np.broadcast_to(np.asarray(args[1], np.float64), (m.L,))[lanes]
    t: Fragment = call.args[0].type
    if t.of.is_float:
        v = v.astype(t.of.np).astype(np.float64)        # (T)v in the fragment's element type
    frag.data[warps] = v[:, None, None]


@semantics("wmma::load_matrix_sync")
def load_matrix_sync(m, call, args, mask):
    frag: FragmentValue = args[0]
    t: Fragment = call.args[0].type
    ptr: Ptr = args[1]
    warps = _warps(m, call, mask)
    lanes = _first_lane(m, warps)
    rows, cols = t.shape
    pt = call.args[1].type
    elem_t = pt.to.dtype if isinstance(pt, Pointer) and hasattr(pt.to, "dtype") else t.of
    row_major = _layout_of(t, args[3] if len(args) > 3 else None)
    offs = _offsets(m, ptr, lanes, rows, cols, args[2], row_major, elem_t.size)
    if (np.broadcast_to(ptr.offsets, (m.L,))[lanes] % 32).any():
        raise m.error(call.span, "wmma::load_matrix_sync pointer is not 32-byte aligned")
    flat = offs.reshape(-1)
    values = m.memory.load(Ptr(ptr.buffer, flat, elem_t.size), elem_t, np.ones(flat.size, bool))
    frag.data[warps] = values.reshape(offs.shape).astype(np.float64 if t.of.is_float else np.int64)


@semantics("wmma::store_matrix_sync")
def store_matrix_sync(m, call, args, mask):
    ptr: Ptr = args[0]
    frag: FragmentValue = args[1]
    t: Fragment = call.args[1].type
    warps = _warps(m, call, mask)
    lanes = _first_lane(m, warps)
    rows, cols = t.shape
    row_major = _layout_of(t, args[3])
    elem_t = call.args[0].type.to.dtype
    offs = _offsets(m, ptr, lanes, rows, cols, args[2], row_major, elem_t.size)
    flat = offs.reshape(-1)
    m.memory.store(Ptr(ptr.buffer, flat, elem_t.size), elem_t, frag.data[warps].reshape(-1),
                   np.ones(flat.size, bool))


@semantics("wmma::mma_sync")
def mma_sync(m, call, args, mask):
    d, a, b, c = args[:4]
    warps = _warps(m, call, mask)
    acc_t: Fragment = call.args[0].type
    result = np.matmul(a.data[warps], b.data[warps]) + c.data[warps]
    if m.runtime is not None:
        m.runtime.report.scalar_ops += 2 * acc_t.m * acc_t.n * acc_t.k * warps.size
    if acc_t.of.is_float:
        result = result.astype(acc_t.of.np).astype(np.float64)
    else:
        satf = len(args) > 4 and bool(np.asarray(args[4]).reshape(-1)[0])
        result = np.clip(result, -2**31, 2**31 - 1) if satf else ((result + 2**31) % 2**32 - 2**31)
    d.data[warps] = result
