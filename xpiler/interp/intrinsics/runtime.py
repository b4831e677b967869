"""Host runtime APIs: device allocation and copies for CUDA, HIP and CNRT; C library memory calls."""
from __future__ import annotations

import numpy as np

from xpiler import ir
from xpiler.types import Pointer, Space, sizeof

from ..memory import Buffer, Ptr
from ..values import VarRef
from . import semantics

SUCCESS = np.asarray(0, np.int32)


def _target_pointee_size(expr: ir.Expr) -> int:
    """Element size of the pointer variable behind `(void**)&d_x`."""
    while isinstance(expr, (ir.Cast, ir.AddressOf)):
        expr = expr.operand
    t = expr.type
    return (sizeof(t.to) or 1) if isinstance(t, Pointer) else 1


MAX_ALLOCATION = 1 << 32           # bytes the interpreter will allocate at once


def _scalar(v) -> int:
    return int(np.asarray(v).reshape(-1)[0])


def _size(m, call, nbytes: int) -> int:
    if nbytes < 0 or nbytes > MAX_ALLOCATION:
        raise m.error(call.span, f"{call.callee} of {nbytes} bytes: not a valid size for the "
                                 f"interpreter (at most {MAX_ALLOCATION})")
    return nbytes


@semantics("cudaMalloc", "hipMalloc", "cnrtMalloc")
def device_malloc(m, call, args, mask):
    ref, nbytes = args[0], _size(m, call, _scalar(args[1]))
    if not isinstance(ref, VarRef):
        m.error(call.span, f"{call.callee} needs the address of a pointer variable")
    name = call.args[0]
    while isinstance(name, (ir.Cast, ir.AddressOf)):
        name = name.operand
    # padded allocations (`Interpreter(pad_device=...)`) measure what a kernel touches whatever
    # the launcher allocates: oracle/sizes.py derives a fixed-shape kernel's sizes from them
    pad = getattr(m.runtime, "pad_device", 0)
    buf = Buffer.zeros(getattr(name, "name", "device buffer"), Space.GLOBAL, max(nbytes, pad))
    buf.requested = nbytes
    if m.runtime.sample_blocks is not None:
        buf.owner = np.zeros(nbytes, np.int32)
    if m.memory.check_races:
        buf.log = []
    m.runtime.device_buffers.append(buf)
    ref.frame[ref.name] = Ptr(buf, np.zeros((), np.int64), _target_pointee_size(call.args[0]))
    return SUCCESS


@semantics("cudaFree", "hipFree", "cnrtFree", "free")
def device_free(m, call, args, mask):
    return SUCCESS


def _materialise(m, call, value):
    """A host register variable used as memory (`cudaMemcpy(d, &x, ...)`): a temporary buffer."""
    if not isinstance(value, VarRef):
        return value, None
    current = np.asarray(value.frame[value.name])
    lanes = m.L
    if current.ndim == 0 or current.shape[0] != lanes:
        current = np.broadcast_to(current, (lanes,) + current.shape[1:] if current.ndim else (lanes,)).copy()
    buf = Buffer.from_array(value.name, Space.HOST, current.reshape(-1))
    per_lane = current.dtype.itemsize * (int(np.prod(current.shape[1:])) if current.ndim > 1 else 1)
    offsets = np.arange(lanes, dtype=np.int64) * per_lane if lanes > 1 else np.zeros((), np.int64)
    return Ptr(buf, offsets, current.dtype.itemsize), (value, current)


def _copy(m, call, dst, src, nbytes, mask=None):
    dst, back = _materialise(m, call, dst)
    src, _ = _materialise(m, call, src)
    if not isinstance(dst, Ptr) or not isinstance(src, Ptr):
        raise m.error(call.span, f"{call.callee}: both arguments must be pointers")
    if np.any(np.asarray(nbytes) < 0):
        raise m.error(call.span, f"{call.callee}: negative size {int(np.min(nbytes))}")
    try:
        m.memory.copy_bytes(dst, src, np.asarray(nbytes, np.int64), mask if mask is not None and np.ndim(mask) else np.ones(1, bool))
    except Exception as e:          # MemoryFault: name the call
        from ..memory import MemoryFault
        if isinstance(e, MemoryFault):
            raise m.error(call.span, f"{call.callee}: {e.message}") from None
        raise
    if back is not None:
        ref, current = back
        ref.frame[ref.name] = dst.buffer.as_array(current.dtype).reshape(current.shape).copy()
    return SUCCESS


@semantics("cudaMemcpy", "hipMemcpy", "cnrtMemcpy", "memcpy", "std::memcpy")
def memcpy(m, call, args, mask):
    nbytes = np.asarray(args[2]).astype(np.int64)
    return _copy(m, call, args[0], args[1], int(nbytes.reshape(-1)[0]) if nbytes.ndim == 0 or m.L == 1
                 else nbytes, mask)


def _symbol(m, call, i: int, offset) -> Ptr:
    """The memory of the symbol argument `i` of a symbol copy (a `__constant__`/`__device__`
    array or `__constant__` variable; `HIP_SYMBOL(x)` is `x`), `offset` bytes in."""
    e = call.args[i]
    while isinstance(e, (ir.Cast, ir.AddressOf)):
        e = e.operand
    if not isinstance(e, ir.Var):
        raise m.error(call.span, f"{call.callee}: the symbol must name a device variable")
    ptr = m.address(e, np.ones(m.L, bool))
    return Ptr(ptr.buffer, ptr.offsets + np.asarray(offset, np.int64), 1)


@semantics("cudaMemcpyToSymbol", "hipMemcpyToSymbol")
def memcpy_to_symbol(m, call, args, mask):
    """(symbol, src, bytes[, offset[, kind]]): `bytes` from `src` into the symbol, `offset` bytes in."""
    offset = _scalar(args[3]) if len(args) > 3 else 0
    return _copy(m, call, _symbol(m, call, 0, offset), args[1], _scalar(args[2]), mask)


@semantics("cudaMemcpyFromSymbol", "hipMemcpyFromSymbol")
def memcpy_from_symbol(m, call, args, mask):
    """(dst, symbol, bytes[, offset[, kind]]): `bytes` of the symbol from `offset` on into `dst`."""
    offset = _scalar(args[3]) if len(args) > 3 else 0
    return _copy(m, call, args[0], _symbol(m, call, 1, offset), _scalar(args[2]), mask)


@semantics("cudaMemset", "hipMemset", "cnrtMemset", "memset", "std::memset")
def memset(m, call, args, mask):
    """Per lane (a parallel loop's iterations are lanes): its own value and byte count, only
    for the lanes that run the call."""
    values = np.asarray(args[1]).astype(np.int64) & 0xFF
    counts = np.asarray(args[2]).astype(np.int64)
    if values.ndim == 0 and counts.ndim == 0:
        nbytes = _size(m, call, int(counts))
        src = Buffer.from_array("memset", Space.HOST, np.full(max(nbytes, 0), int(values), np.uint8))
        return _copy(m, call, args[0], Ptr(src, np.zeros((), np.int64)), nbytes, mask)
    lanes = m.L
    values = np.broadcast_to(values, (lanes,))
    counts = np.broadcast_to(counts, (lanes,))
    widest = _size(m, call, int(counts.max()) if counts.size else 0)
    src = Buffer.from_array("memset", Space.HOST, np.repeat(values.astype(np.uint8), max(widest, 1)))
    offsets = np.arange(lanes, dtype=np.int64) * max(widest, 1)
    return _copy(m, call, args[0], Ptr(src, offsets), counts.copy(), mask)


@semantics("malloc", "aligned_alloc", "std::malloc", "_mm_malloc")
def host_malloc(m, call, args, mask):
    """Each lane (a block or task of a canonical program's parallel loop) gets its own block."""
    sizes = np.asarray(args[-1] if call.callee in ("malloc", "std::malloc") else
                       (args[1] if call.callee == "aligned_alloc" else args[0])).astype(np.int64)
    nbytes = _size(m, call, int(sizes.max()) if sizes.size else 0)
    stride = -(-nbytes // 64) * 64                    # keep every lane's block 64-byte aligned
    if m.L == 1:
        return Ptr(Buffer.zeros("heap", Space.HOST, nbytes), np.zeros((), np.int64), 1)
    buf = Buffer.zeros("heap", Space.HOST, _size(m, call, stride * m.L))
    buf.lane_stride = stride
    return Ptr(buf, np.arange(m.L, dtype=np.int64) * stride, 1)


@semantics("_mm_free")
def host_free(m, call, args, mask):
    return None


@semantics("cudaDeviceSynchronize", "hipDeviceSynchronize", "cudaGetLastError", "hipGetLastError",
           "cnrtQueueSync", "cnrtSyncQueue", "cnrtQueueDestroy", "cnrtDestroyQueue", "cnrtSetDevice",
           "cudaSetDevice", "hipSetDevice", "cudaStreamSynchronize", "hipStreamSynchronize",
           "cudaFuncSetAttribute", "hipFuncSetAttribute", "cudaStreamDestroy", "hipStreamDestroy")
def no_op_success(m, call, args, mask):
    return SUCCESS


@semantics("cnrtQueueCreate", "cnrtCreateQueue", "cudaStreamCreate", "hipStreamCreate")
def create_queue(m, call, args, mask):
    ref = args[0]
    if isinstance(ref, VarRef):
        ref.frame[ref.name] = np.asarray(1, np.int64)
    return SUCCESS
