"""Differential testing on the interpreter: run two ports of a kernel on the same inputs.

Parameters are matched by position and must agree in kind and element type. Integer scalar
parameters are treated as sizes and drawn by hypothesis (which shrinks a failing case to a
small one); arrays get random, dtype-appropriate contents of a length derived from the sizes.
Outputs (every array argument after the run) are compared exactly for integers, and for floats
with a tolerance that allows reassociated sums:

    |a - b| <= rtol * |b| + atol * max(1, max |b| over that output)

with (rtol, atol) = (1e-4, 1e-5) for float32/float64 and (1e-2, 1e-3) for half/bfloat16.
"""
from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from xpiler import ir
from xpiler.diagnostics import XpilerError
from xpiler.interp import Interpreter
from xpiler.types import DType, Pointer, Scalar, Space

DEFAULT_SIZE_RANGE = (1, 24)
MAX_ARRAY = 1 << 22
TOLERANCE = {DType.F16: (1e-2, 1e-3), DType.BF16: (2e-2, 2e-3)}
FLOAT_TOLERANCE = (1e-4, 1e-5)


class UsageError(XpilerError):
    """The two programs cannot be compared (exit status 2)."""


@dataclass
class Program:
    module: ir.Module
    entry: ir.Function
    label: str
    # measured_run's results by size point (on whatever random inputs): the extent inference and
    # the differential test of one translation draw many of the same small points
    runs: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def params(self) -> tuple[ir.Param, ...]:
        return self.entry.params


def entry_of(module: ir.Module, name: str | None = None) -> ir.Function:
    """The function a run calls: `name`, else the one host launcher (or vnni kernel)."""
    if name:
        fn = module.function(name)
        if fn is None or fn.body is None:
            raise UsageError(None, f"{module.filename}: no function '{name}'")
        return fn
    if module.platform is ir.Platform.VNNI:
        candidates = module.kernels
    else:
        candidates = [f for f in module.host_functions if _launches(f.body)]
    if len(candidates) == 1:
        return candidates[0]
    extern = [f for f in candidates if f.extern_c]
    if len(extern) == 1:
        return extern[0]
    names = ", ".join(f.name for f in candidates) or "none"
    raise UsageError(None, f"{module.filename}: cannot tell which function to run "
                           f"(candidates: {names}); name one with --entry")


def _launches(stmt) -> bool:
    if isinstance(stmt, ir.Launch):
        return True
    for value in _fields(stmt):
        if isinstance(value, ir.Stmt) and _launches(value):
            return True
        if isinstance(value, tuple) and any(isinstance(v, ir.Stmt) and _launches(v) for v in value):
            return True
    return False


def _fields(node):
    return [getattr(node, f.name) for f in dataclasses.fields(node)]


def size_params(fn: ir.Function) -> list[str]:
    return [p.name for p in fn.params if isinstance(p.type, Scalar) and p.type.dtype.is_int]


def array_length(fn: ir.Function, sizes: dict[str, int]) -> int:
    """Elements per array: the product of the size parameters (>= what a kernel can index)."""
    n = 1
    for name in size_params(fn):
        n *= max(1, int(sizes.get(name, 1)))
    return int(min(max(n, 64), MAX_ARRAY)) if size_params(fn) else 1 << 14


def synthesize(fn: ir.Function, sizes: dict, rng: np.random.Generator, lengths: dict | None = None) -> dict:
    """Random inputs for `fn`: sizes as given, arrays of derived length, other scalars random."""
    out = {}
    n = array_length(fn, sizes)
    for p in fn.params:
        if isinstance(p.type, Pointer):
            d = p.type.to.dtype if isinstance(p.type.to, Scalar) else DType.U8
            length = (lengths or {}).get(p.name, n)
            out[p.name] = random_array(d, length, rng)
        elif isinstance(p.type, Scalar):
            d = p.type.dtype
            if p.name in sizes:
                out[p.name] = np.asarray(sizes[p.name]).astype(d.np)[()]
            elif d.is_float:
                out[p.name] = np.asarray(rng.uniform(0.01, 1.0)).astype(d.np)[()]
            else:
                out[p.name] = np.asarray(rng.integers(*DEFAULT_SIZE_RANGE)).astype(d.np)[()]
        else:
            raise UsageError(p.span, f"not supported: parameter '{p.name}' of type {p.type.c()}")
    return out


def random_array(d: DType, n: int, rng: np.random.Generator) -> np.ndarray:
    if d.is_float:
        values = rng.standard_normal(n).astype(np.float32)
        if d is DType.BF16:
            return (values.view(np.uint32) >> 16).astype(np.uint16)
        return values.astype(d.np)
    if d is DType.BOOL:
        return rng.integers(0, 2, n).astype(np.bool_)
    info = np.iinfo(d.np)
    lo, hi = max(info.min, -1000), min(info.max, 1000)
    return rng.integers(lo, hi, n, endpoint=True).astype(d.np)


def check_compatible(a: Program, b: Program) -> None:
    if len(a.params) != len(b.params):
        raise UsageError(None, f"{a.label} takes {len(a.params)} parameters, {b.label} takes {len(b.params)}")
    for pa, pb in zip(a.params, b.params):
        ka, kb = _kind(pa.type), _kind(pb.type)
        if ka != kb:
            raise UsageError(pb.span, f"parameter '{pa.name}' of {a.label} is {ka}, but '{pb.name}' "
                                      f"of {b.label} is {kb}")


def _kind(t) -> str:
    if isinstance(t, Pointer):
        return f"pointer to {t.to.c()}"
    return t.c()


@dataclass
class Mismatch:
    output: str
    index: int
    got: object
    expected: object
    count: int
    inputs: dict = field(default_factory=dict)

    def render(self, a_label: str, b_label: str) -> str:
        scalars = {k: (v.item() if hasattr(v, "item") else v) for k, v in self.inputs.items()
                   if not isinstance(v, np.ndarray)}
        arrays = {k: v for k, v in self.inputs.items() if isinstance(v, np.ndarray)}
        lines = [f"counterexample: output '{self.output}' differs at index {self.index} "
                 f"({self.count} element(s) differ)",
                 f"  {a_label}: {self.got!r}",
                 f"  {b_label}: {self.expected!r}",
                 f"  scalar inputs: {scalars}"]
        for k, v in arrays.items():
            head = np.array2string(v.ravel()[:8], precision=4, separator=", ")
            lines.append(f"  {k}: {v.dtype}[{v.size}] {head}{' ...' if v.size > 8 else ''}")
        return "\n".join(lines)


def run_program(p: Program, inputs: dict, deadline: float | None = None) -> dict[str, np.ndarray]:
    """The program's results in the interpreter; machine.TooSlow past `deadline` (a
    time.perf_counter() value)."""
    interp = Interpreter(p.module)
    interp.deadline = deadline
    return interp.run(p.entry.name, inputs)


PROBE_LENGTH = 1 << 20


def copy_arrays(values: dict) -> dict:
    """`values` with every array copied (scalars as they are): inputs a run may write."""
    return {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in values.items()}


@dataclass
class MeasuredRun:
    """One run of a program at a size point, arrays cut to the part it touched."""
    inputs: dict
    outputs: dict
    extents: dict[str, int]          # elements touched per pointer parameter (0: untouched)
    seconds: float                   # what the run took
    report: object = None            # the interpreter's Report (launches, ...)


def measured_run(p: Program, sizes: dict, rng: np.random.Generator, length: int = PROBE_LENGTH,
                 deadline: float | None = None):
    """`touched_extents`' run as a MeasuredRun (arrays cut to at least one element), remembered
    per size point in `p.runs` (a run stopped at its deadline is not: it may finish another
    time); None as there."""
    key = (tuple(sorted((k, int(v)) for k, v in sizes.items())), length)
    if key in p.runs:
        return p.runs[key]
    start = time.perf_counter()
    probe = touched_extents(p, sizes, rng, length, deadline)
    if probe is None:
        if deadline is None:
            p.runs[key] = None
        return None
    inputs, buffers, extents, report = probe
    cut_in, cut_out = {}, {}
    for q in p.params:
        value = inputs[q.name]
        if isinstance(q.type, Pointer):
            n = max(1, extents[q.name])
            cut_in[q.name] = value[:n].copy()
            cut_out[q.name] = buffers[q.name].as_array(value.dtype)[:n].copy()
        else:
            cut_in[q.name] = value
    p.runs[key] = MeasuredRun(cut_in, cut_out, extents, time.perf_counter() - start, report)
    return p.runs[key]


def measured_points(p: Program, length: int = PROBE_LENGTH) -> list[dict]:
    """The size points where `p` ran without fault so far (measured_run)."""
    return [dict(k) for (k, n), run in p.runs.items() if n == length and run is not None]


def touched_extents(p: Program, sizes: dict, rng: np.random.Generator, length: int = PROBE_LENGTH,
                    deadline: float | None = None):
    """(inputs, buffers, elements touched per pointer parameter: 0 when untouched, the
    interpreter's report) of one run on
    large random arrays, or None when the program faults or returns never-written memory in an
    array (a fixed-shape launcher copying back more than its kernel wrote)."""
    inputs = synthesize(p.entry, sizes, rng, {q.name: length for q in p.params if isinstance(q.type, Pointer)})
    run = _run_probe(p, inputs, deadline)
    if run is None and _integer_arrays(p):
        # integer arrays are often indices into the others (gather, scatter, index_add,
        # embeddings), valid only below a size: draw them again in [0, the smallest size)
        bound = max(1, min((int(v) for v in sizes.values() if int(v) > 0), default=1))
        for name in _integer_arrays(p):
            inputs[name] = rng.integers(0, bound, inputs[name].size).astype(inputs[name].dtype)
        run = _run_probe(p, inputs, deadline)
    if run is None:
        return None
    interp, buffers = run
    extents = {q.name: -(-buffers[q.name].high // inputs[q.name].dtype.itemsize)
               for q in p.params if isinstance(q.type, Pointer)}
    return inputs, buffers, extents, interp.report


def _integer_arrays(p: Program) -> list[str]:
    return [q.name for q in p.params if isinstance(q.type, Pointer) and isinstance(q.type.to, Scalar)
            and q.type.to.dtype.is_int and q.type.to.dtype is not DType.BOOL]


def _run_probe(p: Program, inputs: dict, deadline: float | None = None):
    """(interpreter, buffers) of one run of `p` on `inputs`; None when it faults, returns
    memory nobody wrote or runs past `deadline`."""
    interp = Interpreter(p.module)
    interp.deadline = deadline
    entry = p.entry if interp.module is p.module else interp.module.function(p.entry.name)  # parallelize
    try:
        args, buffers = interp.bind(entry, inputs, Space.HOST)
        from xpiler.interp.machine import Machine
        Machine(interp.module, interp.memory, 1, runtime=interp).run_function(entry, args)
    except XpilerError:
        return None
    if interp.memory.undefined_results:
        return None                        # it returns memory nobody wrote: undefined here
    return interp, buffers


DEVICE_PAD = 1 << 26           # bytes every device allocation gets while measuring a footprint


def device_footprint(p: Program, sizes: dict, rng: np.random.Generator) -> dict[str, tuple[int, int]] | None:
    """Device buffer (the launcher's pointer variable) -> (bytes the launcher allocated, bytes the
    run touched), from one run with every device allocation padded to DEVICE_PAD bytes (so the
    kernels run whatever the sizes), or None when even that run faults."""
    inputs = synthesize(p.entry, sizes, rng, {q.name: PROBE_LENGTH for q in p.params if isinstance(q.type, Pointer)})
    interp = Interpreter(p.module, pad_device=DEVICE_PAD)
    try:
        args, _ = interp.bind(p.entry, inputs, Space.HOST)
        from xpiler.interp.machine import Machine
        Machine(p.module, interp.memory, 1, runtime=interp).run_function(p.entry, args)
    except XpilerError:
        return None
    out: dict[str, tuple[int, int]] = {}
    for buf in interp.device_buffers:
        if buf.name in out:
            return None                    # one variable allocated twice: not a plain launcher
        out[buf.name] = (int(buf.requested or 0), int(buf.high))
    return out


def compare(a_out: dict, b_out: dict, a: Program, b: Program, inputs_b: dict) -> Mismatch | None:
    for pa, pb in zip(a.params, b.params):
        if pa.name not in a_out:
            continue
        x, y = a_out[pa.name].ravel(), b_out[pb.name].ravel()
        d = pa.type.to.dtype if isinstance(pa.type.to, Scalar) else DType.U8
        if d.is_float:
            xf = x.astype(np.float64) if d is not DType.BF16 else (x.astype(np.uint32) << 16).view(np.float32).astype(np.float64)
            yf = y.astype(np.float64) if d is not DType.BF16 else (y.astype(np.uint32) << 16).view(np.float32).astype(np.float64)
            rtol, atol = TOLERANCE.get(d, FLOAT_TOLERANCE)
            finite = np.isfinite(yf)
            scale = max(1.0, float(np.abs(yf[finite]).max()) if finite.any() else 1.0)
            bad = ~((np.abs(xf - yf) <= rtol * np.abs(yf) + atol * scale) | (np.isnan(xf) & np.isnan(yf))
                    | ((xf == yf) & ~finite))
        else:
            bad = x != y
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            return Mismatch(pa.name, i, x[i], y[i], int(bad.sum()), inputs_b)
    return None


def load_program(path: str | Path, platform: str | None = None, entry: str | None = None,
                 launch: str | None = None) -> Program:
    """A file's program: its host entry, or for a device-only kernel the host entry
    `<kernel>_kernel` xpiler adds (xpiler/launch.py), launched as `launch` says or by default."""
    from xpiler.grammar import parse_file
    from xpiler.launch import runnable
    module, entry, _ = runnable(parse_file(path, platform), entry, launch)
    return Program(module, entry_of(module, entry), str(path))
