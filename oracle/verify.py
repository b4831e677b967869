"""Verification of a translation, check by check (each recorded in the output's header).

  1. the output parses with xpiler's own front end for the target;
  2. differential test on the interpreter: source and output run on the same inputs and agree.
     Sizes: random draws (from `--size` or a small default range), or, when every draw faults in
     the source (a fixed-shape kernel), the sizes the kernel was written for and sizes around
     them (oracle/sizes.py); plus one point that crosses two tiles of every tiled loop. Array
     lengths are what the source touches (`measured_run`), lengthened to the extents a device
     output assumes. Where this machine can run the output natively (4.), an example whose
     interpreted run of the output passes OUTPUT_INTERP_S runs the output natively instead, its
     arrays guarded by random filler (a write outside them fails the check; a read outside them
     brings random values into the results; BANG buffers have red zones, the SIMT emulation its
     own): generated kernels of thousands of lines and serial per-thread loops cost the
     interpreter minutes. The source always runs in the interpreter (the reference);
  3. the target's real compiler accepts it (g++; nvcc; hipcc; g++ with the BANG emulation header);
  4. where this machine can run the target (vnni natively; bang through the emulation header;
     cuda/hip through the SIMT CPU emulation), the compiled output agrees with the interpreter;
  5. a GPU/MLU output of a source with parallel work has device code (a kernel that runs).
A check whose tool is missing is reported as not done (skip).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from xpiler import ir
from xpiler.diagnostics import XpilerError
from xpiler.interp.machine import TooSlow
from xpiler.irutil import walk

from . import native
from .differential import (DEFAULT_SIZE_RANGE, Program, UsageError, check_compatible, compare, copy_arrays,
                           device_footprint, entry_of, measured_points, measured_run, random_array, run_program,
                           size_params)
from .sizes import crossing, device_allocations, shape_literals, tile_sizes, written_for

EXTENSIONS = {ir.Platform.CUDA: ".cu", ir.Platform.HIP: ".hip", ir.Platform.BANG: ".mlu",
              ir.Platform.VNNI: ".cpp"}
NATIVE = {ir.Platform.VNNI: "vnni", ir.Platform.BANG: "bang", ir.Platform.CUDA: "cuda-cpu",
          ir.Platform.HIP: "hip-cpu"}
COMPILER = {ir.Platform.VNNI: "g++", ir.Platform.BANG: "g++ with the BANG emulation header",
            ir.Platform.CUDA: "nvcc", ir.Platform.HIP: "hipcc"}
DIFFERENTIAL = "interpreter differential test"
PROBE_MIN_S = 1.0      # the least time a probe of a larger size gets once an example ran
OUTPUT_INTERP_S = 2.0  # an interpreted run of the output longer than this runs natively instead
NATIVE_GUARD_BYTES = 1 << 16   # random filler before and after each array of a native run


class NativeUnavailable(Exception):
    """The output's native library could not be built: the differential test stays in the interpreter."""


@dataclass
class Check:
    name: str
    status: str            # pass, fail, skip
    detail: str = ""

    def line(self) -> str:
        return f"[{self.status}] {self.name}{': ' + self.detail if self.detail else ''}"


def verify_translation(module: ir.Module, text: str, target: ir.Platform, src: str,
                       examples: int, sizes: dict | None, seed: int,
                       extents: dict[str, ir.Expr] | None = None, source: Program | None = None) -> list[Check]:
    from xpiler.grammar import parse
    checks: list[Check] = []
    out_name = Path(src).stem + EXTENSIONS[target]
    try:
        out_module = parse(text, out_name, target)
        checks.append(Check("parses with xpiler's front end", "pass"))
    except XpilerError as e:
        checks.append(Check("parses with xpiler's front end", "fail", e.message))
        return checks
    a = source if source is not None else Program(module, entry_of(module), src)
    b = Program(out_module, entry_of(out_module, a.entry.name), out_name)
    device = device_code_check(module, out_module, target)
    if device is not None:
        checks.append(device)
    tool = NATIVE[target]
    compiler = COMPILER[target]
    real = {ir.Platform.CUDA: "cuda", ir.Platform.HIP: "hip"}.get(target)
    # the compilers run (as subprocesses, from worker threads) while the interpreter runs the examples
    with ThreadPoolExecutor(max_workers=2) as pool:
        real_check = pool.submit(real_compile, text, real) if real is not None else None
        library = pool.submit(native.compile_shared, text, tool) if native.available(tool) is None else None
        runner = None
        if library is not None and (target is not ir.Platform.VNNI or native.cpu_runs_vnni()):
            runner = NativeOutput(library, b, tool, seed)
        example_inputs = differential(a, b, examples, sizes, seed, checks, extents=extents, native_output=runner)
        if real_check is not None:
            checks.append(real_check.result())
        elif native.available(tool):
            checks.append(Check(f"compiles with {compiler}", "skip", native.available(tool)))
        if library is None:
            checks.append(Check(f"native run ({tool})", "skip", native.available(tool)))
            return checks
        try:
            lib = library.result()
        except native.NativeError as e:
            checks.append(Check(f"compiles with {compiler}" if real is None else f"compiles for {tool}", "fail",
                                str(e).splitlines()[-1][:200]))
            return checks
    if real is None:
        checks.append(Check(f"compiles with {compiler}", "pass"))
    if target is ir.Platform.VNNI and not native.cpu_runs_vnni():
        checks.append(Check("native run", "skip", "this CPU lacks AVX-512 VNNI"))
        return checks
    if example_inputs is None:
        checks.append(Check(f"native run ({tool})", "skip", "no valid example inputs"))
        return checks
    inputs, expected, got = example_inputs
    if got is None:                          # (else: the differential test's last example ran natively)
        try:
            got = native.call(lib, b.entry.name, [p.name for p in b.params], inputs,
                              isolate=tool in native.FORKED)
        except native.NativeError as e:
            checks.append(Check(f"native run ({tool})", "fail", str(e)[:200]))
            return checks
    mismatch = compare(got, expected, b, b, inputs)
    checks.append(Check(f"native run ({tool}) agrees with the interpreter", "pass" if mismatch is None else "fail",
                        "" if mismatch is None else mismatch.render("native", "interpreter").splitlines()[0]))
    return checks


def device_code_check(source: ir.Module, output: ir.Module, target: ir.Platform) -> Check | None:
    """A GPU/MLU output must run its work on the device: fail when the source has parallel work
    (kernels, or parallel loops) and the output launches no kernel."""
    if target is ir.Platform.VNNI:
        return None
    launches = any(isinstance(n, ir.Launch) for f in output.functions if f.body is not None for n in walk(f.body))
    if source.platform is ir.Platform.VNNI:        # C: loops the user or the analysis made parallel
        from xpiler.dependence import parallelize
        source = parallelize(source)[0]
    parallel = bool(source.kernels) if source.platform is not ir.Platform.VNNI else any(
        isinstance(n, ir.For) and any(p.startswith("omp parallel for") for p in n.pragmas)
        for f in source.functions if f.body is not None for n in walk(f.body))
    if launches:
        return Check("device code", "pass", "the output launches its work as kernels")
    if parallel:
        return Check("device code", "fail", f"the source has parallel work but the {target.value} output "
                                            f"launches no kernel (it would run on the host)")
    return None


class NativeOutput:
    """Runs the output natively (the library being compiled in `library`, a future), its arrays
    guarded (native.Guarded); OpenMP (vnni) in this process, the emulations in a forked child."""

    def __init__(self, library, b: Program, tool: str, seed: int):
        self.library, self.b, self.tool, self.seed = library, b, tool, seed

    def __call__(self, inputs: dict) -> dict:
        try:
            lib = self.library.result()
        except native.NativeError as e:
            raise NativeUnavailable(str(e)) from None
        return native.call(lib, self.b.entry.name, [p.name for p in self.b.params], inputs,
                           isolate=self.tool in native.FORKED, guard=NATIVE_GUARD_BYTES,
                           guard_seed=self.seed)


class _Runs:
    """Runs of the source and the output at size points, within a time budget; remembers what was
    tested and keeps one (inputs, expected outputs, native outputs or None) triple for the native
    check."""

    def __init__(self, a: Program, b: Program, extents, seed: int, budget_s: float,
                 native_output: NativeOutput | None = None):
        self.a, self.b, self.extents, self.seed = a, b, extents, seed
        self.native = native_output
        self.native_runs = 0
        self.interpreter_too_slow = False
        self.budget_s, self.start = budget_s, time.perf_counter()
        self.rng = np.random.default_rng(seed)
        self.ran, self.rejected, self.tested = 0, 0, []
        self.failure: str | None = None
        self.last = None
        self.cost: tuple[float, float] | None = None       # (seconds, volume) of the last example
        self.probes: dict[tuple, object] = {}
        self.count = 0
        self.times: list[tuple[float, float]] = []        # (volume, seconds) of each example

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def predicted(self, point: dict) -> float:
        """Seconds an example at `point` should take: a power law in the product of the sizes,
        fitted to the examples run so far (the interpreter runs threads and parallel loops as
        lanes, so time grows more slowly than the volume; exponent between 0.3 and 1)."""
        seconds, volume = self.cost
        obs = [(v, s) for v, s in self.times if v > 1 and s > 0]
        alpha = 1.0
        if len({v for v, _ in obs}) >= 2:
            x = np.log([v for v, _ in obs])
            y = np.log([s for _, s in obs])
            alpha = float(np.clip(np.polyfit(x, y, 1)[0], 0.3, 1.0))
        return seconds * (_volume(point) / volume) ** alpha

    def affordable(self, point: dict, budget_s: float | None = None) -> bool:
        if self.cost is None:
            return True
        left = (budget_s if budget_s is not None else self.budget_s) - self.elapsed()
        return self.predicted(point) <= max(left, 0.0)

    def probe(self, point: dict):
        key = tuple(sorted(point.items()))
        if key not in self.probes:
            self.count += 1
            # once an example ran, a probe may not take more than half the budget left (the
            # output runs there too): the cost prediction from small sizes can be far too low
            left = self.budget_s - self.elapsed()
            deadline = None if self.cost is None else time.perf_counter() + max(left / 2, PROBE_MIN_S)
            measured = measured_run(self.a, point, np.random.default_rng(self.seed + self.count), deadline=deadline)
            run = None if measured is None else (copy_arrays(measured.inputs), copy_arrays(measured.outputs), measured.seconds)
            if run is not None and self.extents and not _lengthen(run[0], run[1], self.extents, point, self.rng):
                run = None                 # the source touches more than the caller passes here
            self.probes[key] = run
        return self.probes[key]

    def valid(self, point: dict) -> bool:
        return self.affordable(point) and self.probe(point) is not None

    def example(self, point: dict) -> bool:
        """Run one example at `point`; False when the source faults there (a rejected point)."""
        run = self.probe(point)
        if run is None:
            self.rejected += 1
            return False
        inputs, out_a, source_seconds = run
        t0 = time.perf_counter()
        in_b = {pb.name: inputs[pa.name] for pa, pb in zip(self.a.params, self.b.params)}
        try:
            out_b, natively = self.run_output(in_b)
        except XpilerError as e:
            self.failure = f"sizes {point}: the output faults: {e.message}"
            return True
        except native.NativeError as e:
            self.failure = f"sizes {point}: the output, run natively ({self.native.tool}), fails: {str(e)[:200]}"
            return True
        mismatch = compare(out_b, out_a, self.b, self.a, in_b)
        if mismatch is not None:
            detail = mismatch.render(self.b.label, self.a.label).replace("\n", "; ")
            self.failure = f"sizes {point}: {detail[:300]}"
            return True
        self.ran += 1
        self.native_runs += natively
        self.tested.append(dict(point))
        self.last = (copy_arrays(in_b), out_a, out_b if natively else None)
        self.cost = (source_seconds + time.perf_counter() - t0, _volume(point))
        self.times.append((self.cost[1], self.cost[0]))
        return True

    def run_output(self, in_b: dict) -> tuple[dict, bool]:
        """The output's results on `in_b`, and whether it ran natively: in the interpreter, up to
        OUTPUT_INTERP_S where it can run natively (then natively, and so for the later examples)."""
        if self.native is not None and not self.interpreter_too_slow:
            try:
                return run_program(self.b, copy_arrays(in_b), deadline=time.perf_counter() + OUTPUT_INTERP_S), False
            except TooSlow:
                self.interpreter_too_slow = True
        if self.native is not None:
            try:
                return self.native(in_b), True
            except NativeUnavailable:
                self.native = None
        return run_program(self.b, copy_arrays(in_b)), False


def _volume(point: dict) -> float:
    return float(np.prod([max(1.0, float(v)) for v in point.values()])) if point else 1.0


def differential(a: Program, b: Program, examples: int, sizes: dict | None, seed: int, checks: list[Check],
                 budget_s: float = 8.0, extents: dict[str, ir.Expr] | None = None,
                 native_output: NativeOutput | None = None):
    """Run source and output on up to `examples` size points (see the module docstring); returns
    one (inputs, expected outputs, the output's native results or None) triple for the native
    check, or None. `extents` (source parameter
    -> element count over the sizes) are the array lengths the output's host entry assumes the
    caller passes: arrays shorter than that are lengthened with random values."""
    try:
        check_compatible(a, b)
    except UsageError as e:
        checks.append(Check(DIFFERENTIAL, "fail", e.message))
        return None
    names = size_params(a.entry)
    runs = _Runs(a, b, extents, seed, budget_s, native_output)
    user = sizes or {}
    fixed = {n: v for n, v in user.items() if not isinstance(v, tuple)}
    how = "sizes from --size" if user else "random sizes"

    def within(n: str, v: int) -> bool:
        lo, hi = _range(user.get(n, DEFAULT_SIZE_RANGE))
        return lo <= v <= hi
    # 0. points the source ran at already (the extent inference's random draws), largest first
    for point in sorted(measured_points(a), key=_volume, reverse=True):
        if runs.ran >= examples or runs.failure:
            break
        point = {n: point[n] for n in names if n in point}          # (in parameter order)
        if set(point) == set(names) and all(within(n, v) for n, v in point.items()):
            runs.example(point)
    # 1. random draws; the first ones small (cheap, and where tails show up)
    for attempt in range(examples * 4):
        if runs.ran >= examples or runs.failure or (runs.ran and runs.elapsed() > budget_s):
            break
        if attempt >= 6 and runs.ran == 0 and len(fixed) < len(names):
            break                                 # every draw faults: a fixed-shape kernel
        point = {}
        for n in names:
            lo, hi = _range(user.get(n, DEFAULT_SIZE_RANGE))
            if n not in user:
                hi = min(hi, max(lo, 4 * (attempt + 1)))
            point[n] = int(runs.rng.integers(lo, hi + 1))
        if (runs.ran and not runs.affordable(point)) or point in runs.tested:
            continue                              # (a point tested already: same inputs, probes are cached)
        runs.example(point)
    # 2. a fixed-shape kernel: the sizes it was written for, then around them
    pool = []
    if runs.ran == 0 and not runs.failure and names and len(fixed) < len(names) and examples > 0:
        pool, point = sizes_written_for(a, fixed, runs.valid, seed)
        if point is not None:
            how = f"sizes the kernel was written for ({_show(point)}: its literals and device allocations) and around them"
            runs.example(point)
            for _ in range(examples * 3):
                if runs.ran >= examples or runs.failure or runs.elapsed() > budget_s:
                    break
                near = {n: v if n in fixed else int(runs.rng.integers(v, v + max(2, v // 2) + 1))
                        for n, v in point.items()}
                if runs.affordable(near):
                    runs.example(near)
    # 3. at least one example beyond two tiles of every tiled loop (the source's and the output's)
    crossed = ""
    free = [n for n in names if n not in fixed]
    if runs.ran and not runs.failure and free and not pool and examples > 0:      # (pool: a fixed shape)
        extra = lambda p: runs.affordable(p, budget_s * 1.5) and runs.probe(p) is not None
        for t in tile_sizes(a.module, b.module):
            if any(all(int(p[n]) >= 2 * t for n in free) for p in runs.tested):
                crossed += f"; crossing tiles of {t}"
                continue
            points = crossing(free, [t], runs.tested[-1], extra)
            for p in points:
                if not runs.failure:
                    runs.example(p)
            crossed += (f"; crossing tiles of {t}: {' / '.join(_show(p) for p in points)}" if points else
                        f"; no example reaches two tiles of {t} (the source faults or is too slow there)")
    if runs.failure:
        checks.append(Check(DIFFERENTIAL, "fail", runs.failure))
        return None
    if runs.ran == 0:
        checks.append(Check(DIFFERENTIAL, "skip", _no_valid_inputs(names, runs.rejected, pool)))
        return None
    shown = "; ".join(_show(p) for p in runs.tested[:6]) + ("; ..." if len(runs.tested) > 6 else "")
    detail = f"{runs.ran} example(s)" + (f", {how}: {shown}" if names else "") + crossed
    if runs.native_runs:
        detail += (f"; the output ran natively ({native_output.tool}, arrays guarded) in {runs.native_runs} of them: "
                   f"its interpreted run took over {OUTPUT_INTERP_S:g} s")
    checks.append(Check(DIFFERENTIAL, "pass", detail))
    return runs.last


def sizes_written_for(a: Program, fixed: dict, valid, seed: int = 0) -> tuple[list[int], dict | None]:
    """(the literal pool, a size point of it where `a` runs) for a fixed-shape kernel
    (oracle/sizes.py); `fixed` are sizes the user gave."""
    names = size_params(a.entry)
    pool = sorted(set(shape_literals(a.module)) | set(fixed.values()))
    footprint = lambda point: device_footprint(a, point, np.random.default_rng(seed))
    return pool, written_for(names, pool, valid, fixed, footprint, device_allocations(a.entry))


def _range(spec) -> tuple[int, int]:
    return spec if isinstance(spec, tuple) else (spec, spec)


def _show(point: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in point.items()) if point else "no sizes"


def _no_valid_inputs(names: list[str], rejected: int, pool: list[int]) -> str:
    if not names:
        return f"no valid inputs found: the source faults ({rejected} run(s))"
    guess = max(pool) if pool else 64
    return (f"no valid inputs found: {rejected} size point(s) fault in the source, including points made of "
            f"its literals {pool[:12]}; give the sizes it was written for, e.g. "
            + " ".join(f"--size {n}={guess}" for n in names))


LENGTHEN_LIMIT = 1 << 26            # elements: 256 MiB of float32


def _lengthen(inputs: dict, outputs: dict, extents: dict[str, ir.Expr], sizes: dict, rng) -> bool:
    """Lengthen the arrays of a probed run to the extents the output assumes; False when the
    source touched more than that (these sizes break the kernel's precondition)."""
    from xpiler.types import DType
    from .extents import evaluate
    values = {k: int(v) for k, v in inputs.items() if not isinstance(v, np.ndarray)}
    values.update(sizes)
    for name, e in extents.items():
        n = evaluate(e, values)
        have = inputs.get(name)
        if n is None or not isinstance(have, np.ndarray) or n == have.size:
            continue
        if n < have.size:
            if have.size > 1:                  # (1: an untouched array's placeholder)
                return False
            continue
        if n > LENGTHEN_LIMIT:                 # a point far too large to run anyway
            return False
        dtype = next(d for d in DType if d.np == have.dtype)
        tail = random_array(dtype, n - have.size, rng).astype(have.dtype)
        inputs[name] = np.concatenate([have, tail])
        if name in outputs:
            outputs[name] = np.concatenate([outputs[name], tail])
    return True


def real_compile(text: str, platform: str) -> Check:
    """Compile-only check with nvcc or hipcc. hipcc at -O1: the check is whether the compiler
    accepts the code for the target (parsing, semantic analysis, code generation); at its default
    -O3, unrolling constant-trip loop nests can take clang half a minute on one kernel."""
    tool = {"cuda": "nvcc", "hip": "hipcc"}[platform]
    if shutil.which(tool) is None:
        return Check(f"compiles with {tool}", "skip", f"{tool} not found")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / ("k.cu" if platform == "cuda" else "k.hip")
        src.write_text(text)
        cmd = ["nvcc", "-arch=sm_80", "-c", str(src), "-o", str(Path(tmp) / "k.o")] if platform == "cuda" else \
            ["hipcc", "-O1", "--offload-arch=gfx90a", "-c", str(src), "-o", str(Path(tmp) / "k.o")]
        env = dict(os.environ, HIP_PLATFORM="amd")
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        err = [line for line in proc.stderr.splitlines() if "error" in line][:1]
        return Check(f"compiles with {tool}", "fail", (err[0] if err else proc.stderr[-200:]).strip()[:200])
    return Check(f"compiles with {tool}", "pass")
