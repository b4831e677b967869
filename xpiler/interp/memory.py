"""Memory of the interpreter: byte buffers with typed, vectorised, checked access.

A `Buffer` is a flat byte array with a name and a memory space; it remembers which bytes were
ever written (reads of never-written bytes are reported) and, while race checking is on, which
lane touched which byte since the last barrier. A pointer value (`Ptr`) is a buffer plus one
byte offset per lane. Every load and store is bounds-checked for the active lanes only.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from xpiler.types import DType, Space

BF16 = DType.BF16


class MemoryFault(Exception):
    """An access outside a buffer, a misaligned access, or similar; the machine adds the position."""

    def __init__(self, message: str, lane: int | None = None):
        super().__init__(message)
        self.message = message
        self.lane = lane


@dataclass(eq=False)
class Buffer:
    name: str
    space: Space
    data: np.ndarray                      # uint8
    init: np.ndarray | None = None        # bool per byte: ever written (None: all initialised)
    lane_stride: int = 0                  # private memory: bytes per lane (for messages)
    log: list | None = None               # race checking: [(byte offsets, lanes, is_write)]
    atomic_log: bool = False
    high: int = 0                         # one past the highest byte ever accessed
    requested: int | None = None          # bytes a (padded) device allocation asked for
    owner: np.ndarray | None = None       # sampling: per byte, 1 + the block that wrote it
    # `init` was seen not all set and nothing was written since (spares loads the full scan)
    init_partial: bool = False

    @classmethod
    def zeros(cls, name: str, space: Space, nbytes: int, initialised: bool = False) -> "Buffer":
        data = np.zeros(nbytes, np.uint8)
        return cls(name, space, data, None if initialised else np.zeros(nbytes, bool))

    @classmethod
    def from_array(cls, name: str, space: Space, array: np.ndarray) -> "Buffer":
        data = np.frombuffer(np.ascontiguousarray(array).tobytes(), np.uint8).copy()
        return cls(name, space, data, None)

    @property
    def nbytes(self) -> int:
        return self.data.size

    def as_array(self, dtype: np.dtype) -> np.ndarray:
        """The whole elements of `dtype` the buffer holds (an allocation of 7 bytes holds one
        float; accesses beyond it are refused by the bounds checks before they get here)."""
        size = np.dtype(dtype).itemsize
        usable = self.data.size - self.data.size % size
        return (self.data if usable == self.data.size else self.data[:usable]).view(dtype)


@dataclass(eq=False)
class Ptr:
    """A pointer value: `buffer` + per-lane byte offsets (`offsets` is 0-d or shape (L,))."""
    buffer: Buffer | None
    offsets: np.ndarray
    elem_size: int = 1

    def add_bytes(self, delta) -> "Ptr":
        return Ptr(self.buffer, self.offsets + np.asarray(delta, np.int64), self.elem_size)


# keyed by member name: hashing an Enum member runs Python code, hashing its name does not
_SIZES = {d._name_: d.size for d in DType}
_STORAGE = {d._name_: (np.dtype(np.uint16) if d is BF16 else d.np) for d in DType}
_REGISTER = {d._name_: (np.dtype(np.float32) if d is BF16 else d.np) for d in DType}


def storage_dtype(d: DType) -> np.dtype:
    return _STORAGE[d._name_]


def register_dtype(d: DType) -> np.dtype:
    """How values of `d` are held in registers (bfloat16 is computed in float32)."""
    return _REGISTER[d._name_]


def bf16_to_f32(bits: np.ndarray) -> np.ndarray:
    return (bits.astype(np.uint32) << 16).view(np.float32)


def f32_to_bf16(values: np.ndarray) -> np.ndarray:
    """Round to nearest even; NaN stays NaN."""
    u = np.asarray(values, np.float32).view(np.uint32)
    rounded = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)
    nan = np.isnan(np.asarray(values, np.float32))
    return np.where(nan, np.uint16(0x7FC0), rounded)


def _lanes(mask: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Indices of the active lanes."""
    if offsets.ndim == 0:
        return np.flatnonzero(mask) if mask.ndim else np.zeros(1, np.int64)
    return np.flatnonzero(np.broadcast_to(mask, offsets.shape))


def byte_indices(ptr: Ptr, lanes: np.ndarray, nbytes_each: int, count: int = 1) -> np.ndarray:
    """Byte offsets of `count` consecutive elements of `nbytes_each` for the given lanes -> (n, count)."""
    off = ptr.offsets if ptr.offsets.ndim == 0 else ptr.offsets[lanes]
    off = np.broadcast_to(off, lanes.shape) if off.ndim == 0 else off
    return off[:, None] + (np.arange(count, dtype=np.int64) * nbytes_each)[None, :]


_or_reduce = np.bitwise_or.reduce

POINTER_SHIFT = 40            # a pointer stored in memory: (buffer number << 40) | byte offset


class Memory:
    """Typed access to buffers, vectorised over lanes; reports faults, uninitialised reads, races."""

    def __init__(self, check_races: bool = False):
        self.check_races = check_races
        self.uninitialised_reads: list[tuple[str, int]] = []
        # copies of never-written bytes into a caller's (host) array: what the run returns there
        # is undefined (a launcher copying back device memory its kernel never wrote)
        self.undefined_results: list[tuple[str, int]] = []
        self.numbered: list[Buffer | None] = [None]          # buffer number 0 is the null pointer
        self.lane_block: np.ndarray | None = None           # sampling: block number of each lane
        self._lanes_mask: np.ndarray | None = None
        self._lanes_of: np.ndarray | None = None

    def encode_pointer(self, ptr: Ptr) -> np.ndarray:
        """A pointer value as the 64-bit integer stored when a program keeps pointers in memory."""
        if ptr.buffer is None:
            number = 0
        else:
            if not hasattr(ptr.buffer, "number"):
                ptr.buffer.number = len(self.numbered)
                self.numbered.append(ptr.buffer)
            number = ptr.buffer.number
        return (np.int64(number) << POINTER_SHIFT) | np.asarray(ptr.offsets, np.int64)

    def decode_pointer(self, bits: np.ndarray, elem_size: int, mask: np.ndarray) -> Ptr:
        bits = np.asarray(bits, np.int64)
        numbers = bits >> POINTER_SHIFT
        active = numbers[mask] if numbers.ndim and mask.ndim else numbers
        uniq = np.unique(active)
        if uniq.size > 1:
            raise MemoryFault("not supported: pointers loaded from memory point into different "
                              "buffers in different threads")
        number = int(uniq[0]) if uniq.size else 0
        buffer = self.numbered[number] if 0 <= number < len(self.numbered) else None
        return Ptr(buffer, bits & ((1 << POINTER_SHIFT) - 1), elem_size)

    def _check(self, ptr: Ptr, starts: np.ndarray, size: int, lanes: np.ndarray, what: str) -> None:
        buf = ptr.buffer
        if buf is None:
            raise MemoryFault(f"{what} through a null or uninitialised pointer",
                              int(lanes[0]) if lanes.size else None)
        if starts.size == 0:
            return
        lo = int(starts.min())
        hi = int(starts.max()) + size
        if hi > buf.high:
            buf.high = hi
        if lo < 0 or hi > buf.nbytes:
            bad = np.flatnonzero((starts < 0) | (starts + size > buf.nbytes))[0]
            row = bad // starts.shape[1] if starts.ndim == 2 else bad
            lane = int(lanes[row]) if lanes.size else None
            offset = int(starts.flat[bad])
            base = buf.lane_stride * lane if buf.lane_stride and lane is not None else 0
            index = (offset - base) // size
            limit = (buf.lane_stride or buf.nbytes) // size
            raise MemoryFault(f"out-of-bounds {what} of '{buf.name}' ({buf.space.value}): element "
                              f"index {index}, valid range [0, {limit})", lane)
        if size in (2, 4, 8):
            first = starts if starts.ndim < 2 else starts[:, 0]
            if int(_or_reduce(first)) & (size - 1) == 0:      # every start aligned
                return
            rem = first & (size - 1)
            if rem.any():
                bad = int(np.ravel(starts[:, 0] if starts.ndim == 2 else starts)[np.flatnonzero(rem)[0]])
                raise MemoryFault(f"misaligned {what} of '{buf.name}': byte offset {bad} is not a "
                                  f"multiple of {size}")

    def active_lanes(self, mask: np.ndarray) -> np.ndarray:
        """Indices of the set lanes of a 1-D mask (remembered for the last mask: masks are not
        changed in place once made)."""
        if mask is self._lanes_mask:
            return self._lanes_of
        lanes = mask.nonzero()[0]
        self._lanes_mask, self._lanes_of = mask, lanes
        return lanes

    def _load1(self, ptr: Ptr, d: DType, mask: np.ndarray) -> np.ndarray:
        """load() of one element per lane with a per-lane mask: the same checks, on 1-D starts."""
        name = d._name_
        size = _SIZES[name]
        L = mask.shape[0]
        lanes = self.active_lanes(mask)
        offsets = ptr.offsets
        if offsets.ndim == 0 and lanes.size == L and self._plain(ptr.buffer):
            value = self._load_uniform(ptr.buffer, int(offsets), size, name)
            if value is not None:
                return value if L == 1 else np.full(L, value[0], value.dtype)
        starts = (offsets[lanes] if offsets.ndim else np.full(lanes.shape, offsets, np.int64)) \
            if lanes.size != L or offsets.ndim == 0 else offsets
        if starts.dtype != np.int64:
            starts = starts.astype(np.int64)
        self._check(ptr, starts, size, lanes, "read")
        buf = ptr.buffer
        values = buf.as_array(_STORAGE[name])[starts // size if size > 1 else starts]
        self._record_read(buf, starts, lanes, size, 1)
        if d is BF16:
            values = bf16_to_f32(values)
        if lanes.size == L:
            return values
        out = np.zeros(L, _REGISTER[name])
        out[lanes] = values
        return out

    def _plain(self, buf: Buffer) -> bool:
        """No race log and no block ownership to keep for `buf` (the fast paths' condition)."""
        return buf.owner is None and not (self.check_races and buf.log is not None)

    def _load_uniform(self, buf: Buffer, off: int, size: int, name: str, count: int = 1) -> np.ndarray | None:
        """`count` elements from byte `off` -> shape (count,), with load()'s checks and records;
        None when the access is out of bounds or misaligned (the general path reports it)."""
        end = off + size * count
        if off < 0 or end > buf.data.size or off & (size - 1):
            return None
        if end > buf.high:
            buf.high = end
        init = buf.init
        if init is not None:
            written = init[off] if count == 1 else init[off:end:size].all()
            if not written:
                bad = off if count == 1 else off + size * int(np.argmin(init[off:end:size]))
                self.uninitialised_reads.append((buf.name, bad // size))
            elif not buf.init_partial:
                if init.all():
                    buf.init = None                   # fully written: stop tracking
                else:
                    buf.init_partial = True
        value = buf.data[off:end].view(_STORAGE[name]).copy()
        return bf16_to_f32(value) if name == "BF16" else value

    def _record_read(self, buf, starts: np.ndarray, lanes: np.ndarray, size: int, count: int) -> None:
        """The checks of a read: never-written bytes, the race log, sampled blocks' ownership."""
        if buf.init is not None and starts.size:
            ok = buf.init[starts]
            if not ok.all():
                bad = int(starts[~ok][0])
                self.uninitialised_reads.append((buf.name, bad // size))
            elif not buf.init_partial:
                if buf.init.all():
                    buf.init = None                   # fully written: stop tracking
                else:
                    buf.init_partial = True
        if self.check_races and buf.log is not None:
            buf.log.append((np.array(starts).ravel(), np.repeat(lanes, count), False, size))
        if buf.owner is not None and self.lane_block is not None and starts.size:
            owners = buf.owner[starts]
            mine = np.repeat(self.lane_block[lanes] + 1, count).reshape(starts.shape)
            if np.any((owners != 0) & (owners != mine)):
                raise MemoryFault("blocks communicate through global memory (a block reads what "
                                  "another wrote): this kernel cannot be run on a sample of blocks")

    def load(self, ptr: Ptr, d: DType, mask: np.ndarray, count: int = 1) -> np.ndarray:
        """Load `count` elements of type `d` per active lane -> (L,) or (L, count); inactive lanes 0."""
        if count == 1 and mask.ndim == 1 and ptr.buffer is not None and \
                (ptr.offsets.ndim == 0 or ptr.offsets.shape == mask.shape):
            return self._load1(ptr, d, mask)
        if mask.shape == (1,) and ptr.offsets.ndim == 0 and ptr.buffer is not None and mask[0] \
                and self._plain(ptr.buffer):           # one lane, e.g. a SIMD register of host code
            values = self._load_uniform(ptr.buffer, int(ptr.offsets), d.size, d._name_, count)
            if values is not None:
                return values.reshape(1, count) if count > 1 else values
        size = d.size
        L = mask.shape[0] if mask.ndim else (ptr.offsets.shape[0] if ptr.offsets.ndim else 1)
        full = mask.ndim == 0 or (ptr.offsets.ndim == 1 and mask.all())
        lanes = np.arange(L) if full and L > 1 else (
            _lanes(mask, ptr.offsets) if mask.ndim or ptr.offsets.ndim else np.zeros(1, np.int64))
        starts = byte_indices(ptr, lanes, size, count)
        self._check(ptr, starts, size, lanes, "read")
        buf = ptr.buffer
        values = buf.as_array(storage_dtype(d))[starts // size if size > 1 else starts]
        self._record_read(buf, starts, lanes, size, count)
        if d is BF16:
            values = bf16_to_f32(values)
        if full and lanes.size == L:
            return values[:, 0] if count == 1 else values
        out = np.zeros((L, count), register_dtype(d))
        out[lanes] = values
        return out[:, 0] if count == 1 else out

    def store(self, ptr: Ptr, d: DType, values: np.ndarray, mask: np.ndarray, count: int = 1) -> None:
        """Store per active lane `values` ((L,) or (L, count), broadcastable) of type `d`."""
        if count == 1 and mask.ndim == 1 and ptr.buffer is not None and values.__class__ is np.ndarray \
                and (values.ndim == 0 or values.shape == mask.shape) \
                and (ptr.offsets.ndim == 0 or ptr.offsets.shape == mask.shape):
            return self._store1(ptr, d, values, mask)
        if count > 1 and mask.shape == (1,) and ptr.offsets.ndim == 0 and ptr.buffer is not None \
                and values.__class__ is np.ndarray and values.shape == (1, count) and mask[0] \
                and self._plain(ptr.buffer) and self._store_uniform(ptr.buffer, int(ptr.offsets), d, values[0]):
            return
        size = d.size
        lanes = _lanes(mask, ptr.offsets) if mask.ndim or ptr.offsets.ndim else np.zeros(1, np.int64)
        if lanes.size == 0:
            return
        starts = byte_indices(ptr, lanes, size, count)
        self._check(ptr, starts, size, lanes, "write")
        buf = ptr.buffer
        vals = np.asarray(values)
        if count == 1:
            vals = vals if vals.ndim == 0 else np.broadcast_to(vals, mask.shape if mask.ndim else vals.shape)
            vals = vals[lanes] if vals.ndim else np.broadcast_to(vals, lanes.shape)
            vals = vals[:, None]
        else:
            vals = np.broadcast_to(vals, (max(mask.shape[0] if mask.ndim else 1, 1), count) if vals.ndim < 2
                                   else vals.shape)
            vals = vals[lanes] if vals.shape[0] > 1 else np.broadcast_to(vals, (lanes.size, count))
        if d is BF16:
            vals = f32_to_bf16(vals)
        else:
            vals = np.asarray(vals).astype(storage_dtype(d), copy=False)
        buf.as_array(storage_dtype(d))[starts // size] = vals
        if buf.init is not None:
            buf.init_partial = False
            for b in range(size):
                buf.init[starts + b] = True
        if buf.owner is not None and self.lane_block is not None:
            self._claim(buf, starts, lanes, count, size)
        if self.check_races and buf.log is not None:
            buf.log.append((starts.ravel(), np.repeat(lanes, count), True, size))

    def _store_uniform(self, buf: Buffer, off: int, d: DType, values: np.ndarray) -> bool:
        """One lane's store of the elements `values` (1-D) from byte `off`, with store()'s checks
        and records; False (nothing done) when out of bounds or misaligned."""
        name = d._name_
        size, storage = _SIZES[name], _STORAGE[name]
        end = off + size * values.shape[0]
        if off < 0 or end > buf.data.size or off & (size - 1):
            return False
        if end > buf.high:
            buf.high = end
        if name == "BF16":
            values = f32_to_bf16(values)
        elif values.dtype != storage:
            values = values.astype(storage)
        buf.data[off:end].view(storage)[:] = values
        if buf.init is not None:
            buf.init_partial = False
            buf.init[off:end] = True
        return True

    def _store1(self, ptr: Ptr, d: DType, values: np.ndarray, mask: np.ndarray) -> None:
        """store() of one element per lane with a per-lane mask: the same checks and records.
        (Lanes storing to one address: the last lane's value stays, as numpy's assignment does.)"""
        name = d._name_
        size = _SIZES[name]
        storage = _STORAGE[name]
        L = mask.shape[0]
        lanes = self.active_lanes(mask)
        if lanes.size == 0:
            return
        buf = ptr.buffer
        offsets = ptr.offsets
        if offsets.ndim == 0 and L == 1 and self._plain(buf) and \
                self._store_uniform(buf, int(offsets), d, values.reshape(1)):
            return
        starts = (offsets[lanes] if offsets.ndim else np.full(lanes.shape, offsets, np.int64)) \
            if lanes.size != L or offsets.ndim == 0 else offsets
        if starts.dtype != np.int64:
            starts = starts.astype(np.int64)
        self._check(ptr, starts, size, lanes, "write")
        vals = values[lanes] if values.ndim and lanes.size != L else values
        if name == "BF16":
            vals = f32_to_bf16(vals)
        elif vals.dtype != storage:
            vals = vals.astype(storage)
        buf.as_array(storage)[starts // size if size > 1 else starts] = vals
        if buf.init is not None:
            buf.init_partial = False
            for b in range(size):
                buf.init[starts + b] = True
        if buf.owner is not None and self.lane_block is not None:
            self._claim(buf, starts, lanes, 1, size)
        if self.check_races and buf.log is not None:
            buf.log.append((np.array(starts), np.repeat(lanes, 1), True, size))

    def _copy_slice(self, dst: Ptr, src: Ptr, n: int) -> None:
        """One contiguous copy (host memcpy, cudaMemcpy): slices instead of index arrays."""
        if n <= 0:
            return
        if src.buffer is None or dst.buffer is None:
            raise MemoryFault("copy through a null or uninitialised pointer")
        s0, t0 = int(src.offsets), int(dst.offsets)
        if s0 < 0 or s0 + n > src.buffer.nbytes:
            raise _slice_fault("read", src.buffer, s0, n)
        if t0 < 0 or t0 + n > dst.buffer.nbytes:
            raise _slice_fault("write", dst.buffer, t0, n)
        sb, db = src.buffer, dst.buffer
        sb.high, db.high = max(sb.high, s0 + n), max(db.high, t0 + n)
        if sb.init is not None and not sb.init[s0:s0 + n].all():
            bad = s0 + int(np.argmin(sb.init[s0:s0 + n]))          # the first unwritten byte
            self.uninitialised_reads.append((sb.name, bad))
            if db.space is Space.HOST:
                self.undefined_results.append((db.name, t0 + bad - s0))
        db.data[t0:t0 + n] = sb.data[s0:s0 + n]
        if db.init is not None:
            db.init_partial = False
            db.init[t0:t0 + n] = True if sb.init is None else sb.init[s0:s0 + n]
            if n == db.nbytes and sb.init is None:
                db.init = None                        # fully written: stop tracking
        if sb.owner is not None and db.owner is not None:
            db.owner[t0:t0 + n] = sb.owner[s0:s0 + n]

    def _claim(self, buf: Buffer, starts: np.ndarray, lanes: np.ndarray, count: int, size: int) -> None:
        """Sampling: record which block wrote each byte; two blocks writing one byte is an error."""
        mine = np.repeat(self.lane_block[lanes] + 1, count).reshape(starts.shape)
        for b in range(size):
            owners = buf.owner[starts + b]
            if np.any((owners != 0) & (owners != mine)):
                raise MemoryFault("two blocks write the same output element: this kernel cannot be "
                                  "run on a sample of blocks")
            buf.owner[starts + b] = mine

    def copy_bytes(self, dst: Ptr, src: Ptr, nbytes: np.ndarray, mask: np.ndarray) -> None:
        """memcpy of `nbytes` (per lane) bytes for the active lanes."""
        if dst.offsets.ndim == 0 and src.offsets.ndim == 0 and np.ndim(nbytes) == 0 and np.all(mask):
            return self._copy_slice(dst, src, int(nbytes))
        lanes = _lanes(mask, dst.offsets if dst.offsets.ndim else src.offsets)
        if lanes.size == 0:
            return
        n = np.broadcast_to(np.asarray(nbytes, np.int64), mask.shape if mask.ndim else ())
        width = int(n.max() if n.ndim else n)
        if width <= 0:
            return
        for lane_chunk in np.array_split(lanes, max(1, lanes.size * width // 50_000_000 + 1)):
            nn = n[lane_chunk] if n.ndim else np.broadcast_to(n, lane_chunk.shape)
            s = byte_indices(src, lane_chunk, 1, width)
            t = byte_indices(dst, lane_chunk, 1, width)
            valid = np.arange(width)[None, :] < nn[:, None]
            s, t = s[valid], t[valid]
            self._check(src, s[None, :] if s.size else s.reshape(0, 1), 1, lane_chunk, "read")
            self._check(dst, t[None, :] if t.size else t.reshape(0, 1), 1, lane_chunk, "write")
            if src.buffer.init is not None and s.size and not src.buffer.init[s].all():
                self.uninitialised_reads.append((src.buffer.name, int(s[~src.buffer.init[s]][0])))
            dst.buffer.data[t] = src.buffer.data[s]
            if src.buffer.owner is not None and dst.buffer.owner is not None:
                dst.buffer.owner[t] = src.buffer.owner[s]
            if dst.buffer.init is not None:
                dst.buffer.init_partial = False
                dst.buffer.init[t] = True if src.buffer.init is None else src.buffer.init[s]


def _slice_fault(what: str, buf: Buffer, start: int, n: int) -> MemoryFault:
    return MemoryFault(f"out-of-bounds {what} of '{buf.name}' ({buf.space.value}): bytes "
                       f"[{start}, {start + n}) of {buf.nbytes}")


def find_races(buf: Buffer) -> tuple[int, int, int] | None:
    """Conflicting accesses in `buf`'s log since the last barrier: (byte offset, lane a, lane b).

    Two accesses conflict when they touch the same byte, come from different lanes and at least
    one is a write. (Shared memory of different blocks never overlaps: each block has its own
    byte range.)"""
    if not buf.log:
        return None
    offs = np.concatenate([e[0] for e in buf.log])
    lanes = np.concatenate([e[1] for e in buf.log])
    writes = np.concatenate([np.full(e[0].size, e[2]) for e in buf.log])
    buf.log.clear()
    if not writes.any():
        return None
    order = np.lexsort((lanes, offs))
    offs, lanes, writes = offs[order], lanes[order], writes[order]
    # for each byte: any two different lanes with at least one write
    same = (offs[1:] == offs[:-1]) & (lanes[1:] != lanes[:-1])
    if not same.any():
        return None
    # bytes touched by >1 lane: check if any write among them
    idx = np.flatnonzero(same)
    for i in idx[:10000]:
        o = offs[i]
        lo = np.searchsorted(offs, o, "left")
        hi = np.searchsorted(offs, o, "right")
        if writes[lo:hi].any():
            w = lo + int(np.flatnonzero(writes[lo:hi])[0])
            other = next(k for k in range(lo, hi) if lanes[k] != lanes[w])
            return int(o), int(lanes[w]), int(lanes[other])
    return None
