"""CUDA/HIP thread-level intrinsics: barriers, warp shuffles and votes, atomics, read-only loads.

Shuffles follow cuda.md §5 (segments of `width` lanes; out-of-segment sources return the
caller's own value); HIP's unsuffixed forms are the same with 64-lane wavefronts (hip.md §4).
Atomics apply the lanes' updates in lane order and return each lane's old value.
"""
from __future__ import annotations

import numpy as np

from xpiler.types import Pointer, Scalar, Vector

from ..memory import MemoryFault, Ptr
from ..values import convert
from . import semantics


@semantics("__syncthreads")
def syncthreads(m, call, args, mask):
    m.barrier(call.span, mask)


@semantics("__syncwarp", "__threadfence", "__threadfence_block", "__threadfence_system")
def fence(m, call, args, mask):
    return None


def _lanes(m):
    return m.groups["lane"], m.groups["warp"]


def _shuffle(m, call, mask, value, source_of):
    """Each active lane l reads `value` of lane source_of(l) (lane numbers within the warp)."""
    lane, warp = _lanes(m)
    ws = m.runtime.warp_size
    v = np.broadcast_to(np.asarray(value), (m.L,) + np.shape(value)[1:])
    src_lane = source_of(lane.astype(np.int64))
    src = warp.astype(np.int64) * 0 + (np.arange(m.L) - lane) + src_lane     # lane index of the source
    ok = (src_lane >= 0) & (src_lane < ws) & (src >= 0) & (src < m.L)
    src = np.where(ok, src, np.arange(m.L))
    same_warp = warp[src] == warp
    src = np.where(same_warp, src, np.arange(m.L))
    inactive_src = mask & ~mask[src]
    if np.any(inactive_src):
        l = int(np.flatnonzero(inactive_src)[0])
        raise m.error(call.span, f"{call.callee} reads lane {int(src_lane[l])}, which is not active "
                                 f"(its value is undefined)", l)
    return v[src]


def _width(args, i, ws):
    return int(np.asarray(args[i]).reshape(-1)[0]) if len(args) > i else ws


def _args(call, args, ws):
    """(value, operand, width) with the mask argument of the _sync forms dropped."""
    if call.callee.endswith("_sync"):
        return args[1], args[2], _width(args, 3, ws)
    return args[0], args[1], _width(args, 2, ws)


@semantics("__shfl_sync", "__shfl")
def shfl(m, call, args, mask):
    ws = m.runtime.warp_size
    value, src, width = _args(call, args, ws)
    src = np.broadcast_to(np.asarray(src).astype(np.int64), (m.L,))
    return _shuffle(m, call, mask, value, lambda l: (l // width) * width + (src % width))


@semantics("__shfl_up_sync", "__shfl_up")
def shfl_up(m, call, args, mask):
    ws = m.runtime.warp_size
    value, delta, width = _args(call, args, ws)
    d = np.broadcast_to(np.asarray(delta).astype(np.int64), (m.L,))
    return _shuffle(m, call, mask, value,
                    lambda l: np.where(l - d >= (l // width) * width, l - d, l))


@semantics("__shfl_down_sync", "__shfl_down")
def shfl_down(m, call, args, mask):
    ws = m.runtime.warp_size
    value, delta, width = _args(call, args, ws)
    d = np.broadcast_to(np.asarray(delta).astype(np.int64), (m.L,))
    return _shuffle(m, call, mask, value,
                    lambda l: np.where(l + d < (l // width) * width + width, l + d, l))


@semantics("__shfl_xor_sync", "__shfl_xor")
def shfl_xor(m, call, args, mask):
    ws = m.runtime.warp_size
    value, lane_mask, width = _args(call, args, ws)
    x = np.broadcast_to(np.asarray(lane_mask).astype(np.int64), (m.L,))
    return _shuffle(m, call, mask, value,
                    lambda l: np.where((l ^ x) < (l // width) * width + width, l ^ x, l))


def _vote(m, mask, pred):
    lane, warp = _lanes(m)
    p = np.broadcast_to(np.asarray(pred) != 0, (m.L,)) & mask
    bits = np.zeros(m.groups["warps"], np.uint64)
    np.bitwise_or.at(bits, warp[p], (np.uint64(1) << lane[p].astype(np.uint64)))
    return bits[warp]


@semantics("__ballot_sync", "__ballot")
def ballot(m, call, args, mask):
    bits = _vote(m, mask, args[-1])
    return bits.astype(np.uint32) if m.runtime.warp_size == 32 else bits


@semantics("__any_sync", "__any")
def vote_any(m, call, args, mask):
    return (_vote(m, mask, args[-1]) != 0).astype(np.int32)


@semantics("__all_sync", "__all")
def vote_all(m, call, args, mask):
    lane, warp = _lanes(m)
    active = _vote(m, mask, np.ones(m.L))
    return (_vote(m, mask, args[-1]) == active).astype(np.int32)


@semantics("__activemask")
def activemask(m, call, args, mask):
    return _vote(m, mask, np.ones(m.L))


@semantics("__ldg")
def ldg(m, call, args, mask):
    t = call.args[0].type.to
    if isinstance(t, Vector):                      # float4, half2, ...: all its elements
        return m.memory.load(args[0], t.of, mask, count=t.lanes)
    return m.memory.load(args[0], t.dtype, mask)


@semantics("__popc", "__popcll")
def popc(m, call, args, mask):
    v = np.asarray(args[0]).astype(np.uint64)
    count = np.zeros(v.shape, np.int32)
    for bit in range(64):
        count += ((v >> np.uint64(bit)) & np.uint64(1)).astype(np.int32)
    return count


# ---- atomics ---------------------------------------------------------------------------------

def _atomic(m, call, args, mask, update):
    """Apply `update(old, val)` lane by lane (lane order) at each lane's address; returns old values."""
    ptr: Ptr = args[0]
    t = call.args[0].type
    if not isinstance(t, Pointer) or not isinstance(t.to, Scalar):
        raise m.error(call.span, f"{call.callee} needs a pointer to a scalar")
    d = t.to.dtype
    vals = [convert(np.broadcast_to(np.asarray(a), (m.L,)), call.args[i + 1].type.dtype
                    if isinstance(call.args[i + 1].type, Scalar) else None, d)
            for i, a in enumerate(args[1:])]
    lanes = np.flatnonzero(mask)
    offs = np.broadcast_to(ptr.offsets, (m.L,))[lanes]
    racing, m.memory.check_races = m.memory.check_races, False      # atomics never race
    old = np.zeros(m.L, vals[0].dtype if vals else np.int32)
    try:
        current = m.memory.load(Ptr(ptr.buffer, offs, d.size), d, np.ones(lanes.size, bool))
    except MemoryFault as e:
        raise m.error(call.span, e.message) from None
    # group lanes by address; walk the groups rank by rank (vectorised across addresses)
    order = np.argsort(offs, kind="stable")
    so = offs[order]
    start = np.r_[0, np.flatnonzero(so[1:] != so[:-1]) + 1]
    group = np.repeat(np.arange(start.size), np.diff(np.r_[start, so.size]))
    rank = np.arange(so.size) - start[group]
    value = current[order][start]                                 # per address
    olds = np.empty(so.size, value.dtype)
    for r in range(int(rank.max()) + 1 if so.size else 0):
        sel = rank == r
        g = group[sel]
        lane_ids = lanes[order[sel]]
        olds[sel] = value[g]
        with np.errstate(over="ignore", invalid="ignore"):
            value[g] = update(value[g], *[v[lane_ids] for v in vals]).astype(value.dtype)
    old[lanes[order]] = olds
    final_offsets = so[start]
    m.memory.store(Ptr(ptr.buffer, final_offsets, d.size), d, value, np.ones(final_offsets.size, bool))
    m.memory.check_races = racing
    return old


@semantics("atomicAdd", "atomicAdd_system", "unsafeAtomicAdd")
def atomic_add(m, call, args, mask):
    return _atomic(m, call, args, mask, lambda old, v: old + v)


@semantics("atomicSub")
def atomic_sub(m, call, args, mask):
    return _atomic(m, call, args, mask, lambda old, v: old - v)


@semantics("atomicMax")
def atomic_max(m, call, args, mask):
    return _atomic(m, call, args, mask, lambda old, v: np.maximum(old, v))


@semantics("atomicMin")
def atomic_min(m, call, args, mask):
    return _atomic(m, call, args, mask, lambda old, v: np.minimum(old, v))


@semantics("atomicExch")
def atomic_exch(m, call, args, mask):
    return _atomic(m, call, args, mask, lambda old, v: v)


@semantics("atomicCAS")
def atomic_cas(m, call, args, mask):
    return _atomic(m, call, args, mask, lambda old, cmp, v: np.where(old == cmp, v, old))


@semantics("atomicAnd")
def atomic_and(m, call, args, mask):
    return _atomic(m, call, args, mask, lambda old, v: old & v)


@semantics("atomicOr")
def atomic_or(m, call, args, mask):
    return _atomic(m, call, args, mask, lambda old, v: old | v)


@semantics("atomicXor")
def atomic_xor(m, call, args, mask):
    return _atomic(m, call, args, mask, lambda old, v: old ^ v)


@semantics("make_float2", "make_float3", "make_float4", "make_int2", "make_int4", "make_uint4",
           "make_double2")
def make_vector(m, call, args, mask):
    t = call.type
    vals = [convert(np.asarray(a), call.args[i].type.dtype if isinstance(call.args[i].type, Scalar)
                    else None, t.of) for i, a in enumerate(args)]
    return np.stack(np.broadcast_arrays(*vals), axis=-1).reshape(-1, t.lanes)
