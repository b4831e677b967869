"""`xpiler translate`: parse -> lift -> emit -> verify -> write (with a verification header).

Verification of an output (recorded, check by check, in the header of the file):
  1. the output parses with xpiler's own front end for the target;
  2. differential test on the interpreter: source and output run on the same hypothesis-drawn
     inputs (sizes from `--size` or 1..48, array lengths probed from the source) agree;
  3. the target's real compiler accepts it (g++; nvcc; hipcc; g++ with the BANG emulation header);
  4. where this machine can run the target (vnni natively; bang through the emulation header;
     cuda/hip through the SIMT CPU emulation), the compiled output agrees with the interpreter.
A check whose tool is missing is reported as not done; `--strict` refuses to write unless every
check that could run passed and the differential test ran at least once.
"""
from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from xpiler import __version__, ir
from xpiler.diagnostics import XpilerError
from xpiler.irutil import walk

EXTENSIONS = {ir.Platform.CUDA: ".cu", ir.Platform.HIP: ".hip", ir.Platform.BANG: ".mlu",
              ir.Platform.VNNI: ".cpp"}
NATIVE = {ir.Platform.VNNI: "vnni", ir.Platform.BANG: "bang", ir.Platform.CUDA: "cuda-cpu",
          ir.Platform.HIP: "hip-cpu"}


@dataclass
class Check:
    name: str
    status: str            # pass, fail, skip
    detail: str = ""

    def line(self) -> str:
        return f"[{self.status}] {self.name}{': ' + self.detail if self.detail else ''}"


@dataclass
class Translation:
    source: str
    source_platform: ir.Platform
    target: ir.Platform
    text: str
    checks: list[Check] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def verified(self) -> bool:
        ran_diff = any(c.name.startswith("interpreter") and c.status == "pass" for c in self.checks)
        return ran_diff and not any(c.status == "fail" for c in self.checks)

    def header(self) -> str:
        lines = [f"Translated by xpiler {__version__} from {self.source_platform.value} "
                 f"({Path(self.source).name}) to {self.target.value}.",
                 "Verification:" if self.verified else "NOT VERIFIED. Checks:"]
        lines += ["  " + c.line() for c in self.checks]
        return "\n".join(("// " + line).rstrip() for line in lines) + "\n"

    def output(self) -> str:
        return self.header() + self.text


def translate(src: str | Path, to: str, source_platform: str | None = None, examples: int = 5,
              sizes: dict | None = None, seed: int = 0, verify: bool = True,
              extents: dict[str, str] | None = None) -> Translation:
    """`extents`: parameter name -> C expression of the integer parameters giving how many
    elements the caller passes (`--extent`); others are derived by probing where needed."""
    from xpiler.emit import emit
    from xpiler.grammar import parse_file, platform_of
    from xpiler.lift import lift
    start = time.perf_counter()
    target = ir.PLATFORM_ALIASES.get(to.lower())
    if target is None:
        raise XpilerError(None, f"unknown target '{to}' (use cuda, hip, bang or vnni)")
    module = parse_file(src, source_platform)
    canonical = lift(module)
    used_extents: dict[str, ir.Expr] = {}
    if target is not ir.Platform.VNNI:
        given = parse_extents(extents or {}, entry_of_module(module), str(src))
        canonical = stage_for_device(module, canonical, target, seed, used_extents, given)
    text = emit(canonical, target)
    result = Translation(str(src), module.platform, target, text)
    if verify:
        result.checks = verify_translation(module, text, target, str(src), examples, sizes, seed, used_extents)
    result.seconds = time.perf_counter() - start
    return result


def entry_of_module(module: ir.Module) -> ir.Function:
    from xpiler.oracle.differential import entry_of
    return entry_of(module)


def parse_extents(given: dict[str, str], entry: ir.Function, src: str) -> dict[str, ir.Expr]:
    """`--extent NAME=EXPR` texts -> expressions over the entry's integer parameters."""
    from xpiler.grammar import parse
    from xpiler.types import Pointer, Scalar
    pointers = [p.name for p in entry.params if isinstance(p.type, Pointer)]
    ints = [p for p in entry.params if isinstance(p.type, Scalar) and p.type.dtype.is_int]
    out = {}
    for name, text in given.items():
        if name not in pointers:
            raise XpilerError(None, f"--extent {name}={text}: '{entry.name}' has no pointer parameter '{name}' "
                                    f"(pointer parameters: {', '.join(pointers) or 'none'})")
        params = ", ".join(f"{p.type.c()} {p.name}" for p in ints)
        snippet = f"long long __extent({params}) {{ return (long long)({text}); }}\n"
        try:
            fn = parse(snippet, f"--extent {name}", "vnni").functions[0]
        except XpilerError as e:
            raise XpilerError(None, f"--extent {name}={text}: {e.message} (use the integer parameters: "
                                    f"{', '.join(p.name for p in ints) or 'none'})") from None
        ret = fn.body.stmts[-1]
        if not isinstance(ret, ir.Return) or any(isinstance(n, (ir.Call, ir.Index, ir.Deref)) for n in walk(ret)):
            raise XpilerError(None, f"--extent {name}={text}: not an arithmetic expression of the integer parameters")
        out[name] = ret.value
    return out


def stage_for_device(module: ir.Module, canonical: ir.Module, target: ir.Platform, seed: int,
                     extents: dict[str, ir.Expr], given: dict[str, ir.Expr] | None = None) -> ir.Module:
    """Give the host arrays the canonical kernels use scratch copies (emit/staging.py), with the
    extents of pointer parameters synthesized from interpreter runs of the source (oracle/extents.py);
    the extents used are added to `extents`, keyed by the source's parameter names."""
    from xpiler.emit.staging import stage_host_arrays
    from xpiler.oracle.differential import Program, entry_of
    from xpiler.oracle.extents import infer_extents
    from xpiler.types import Pointer
    cache: dict[str, ir.Expr] | None = None
    module_params = [p.name for p in entry_of(module).params]

    entry = next((f for f in canonical.functions if f.extern_c and f.body is not None), None)

    def extent_of(name: str):
        nonlocal cache
        if given and name in given:
            extents[name] = given[name]
            return given[name]
        if cache is None:
            source = Program(module, entry_of(module), module.filename or "source")
            pointers = [p.name for p in entry.params if isinstance(p.type, Pointer)]
            cache = infer_extents(source, entry, pointers, seed)
        if name in cache:
            position = [p.name for p in entry.params].index(name)
            extents[module_params[position]] = cache[name]
        return cache.get(name)
    return stage_host_arrays(canonical, extent_of, target.value, set(given or ()))


def verify_translation(module: ir.Module, text: str, target: ir.Platform, src: str,
                       examples: int, sizes: dict | None, seed: int,
                       extents: dict[str, ir.Expr] | None = None) -> list[Check]:
    from xpiler.grammar import parse
    from xpiler.oracle import native
    from xpiler.oracle.differential import Program, entry_of
    checks: list[Check] = []
    out_name = Path(src).stem + EXTENSIONS[target]
    try:
        out_module = parse(text, out_name, target)
        checks.append(Check("parses with xpiler's front end", "pass"))
    except XpilerError as e:
        checks.append(Check("parses with xpiler's front end", "fail", e.message))
        return checks
    a = Program(module, entry_of(module), src)
    b = Program(out_module, entry_of(out_module, a.entry.name), out_name)
    example_inputs = differential(a, b, examples, sizes, seed, checks, extents=extents)
    tool = NATIVE[target]
    compiler = {ir.Platform.VNNI: "g++", ir.Platform.BANG: "g++ with the BANG emulation header",
                ir.Platform.CUDA: "nvcc", ir.Platform.HIP: "hipcc"}[target]
    real = {ir.Platform.CUDA: "cuda", ir.Platform.HIP: "hip"}.get(target)
    if real is not None:
        checks.append(real_compile(text, real))
    elif native.available(tool):
        checks.append(Check(f"compiles with {compiler}", "skip", native.available(tool)))
    if native.available(tool) is not None:
        checks.append(Check(f"native run ({tool})", "skip", native.available(tool)))
        return checks
    try:
        lib = native.compile_shared(text, tool)
        if real is None:
            checks.append(Check(f"compiles with {compiler}", "pass"))
    except native.NativeError as e:
        checks.append(Check(f"compiles with {compiler}" if real is None else f"compiles for {tool}", "fail",
                            str(e).splitlines()[-1][:200]))
        return checks
    if target is ir.Platform.VNNI and not native.cpu_runs_vnni():
        checks.append(Check("native run", "skip", "this CPU lacks AVX-512 VNNI"))
        return checks
    if example_inputs is None:
        checks.append(Check(f"native run ({tool})", "skip", "no valid example inputs"))
        return checks
    inputs, expected = example_inputs
    try:
        got = native.call(lib, b.entry.name, [p.name for p in b.params], inputs)
    except native.NativeError as e:
        checks.append(Check(f"native run ({tool})", "fail", str(e)[:200]))
        return checks
    from xpiler.oracle.differential import compare
    mismatch = compare(got, expected, b, b, inputs)
    checks.append(Check(f"native run ({tool}) agrees with the interpreter", "pass" if mismatch is None else "fail",
                        "" if mismatch is None else mismatch.render("native", "interpreter").splitlines()[0]))
    return checks


def differential(a, b, examples: int, sizes: dict | None, seed: int, checks: list[Check],
                 budget_s: float = 8.0, extents: dict[str, ir.Expr] | None = None):
    """Run source and output on up to `examples` input sets (within `budget_s` seconds once one
    example ran); returns one (inputs, expected outputs) pair for the native check. `extents`
    (source parameter -> element count over the sizes) are the array lengths the output's host
    entry assumes the caller passes: arrays shorter than that (the source left their end
    untouched) are lengthened with random values, unchanged in the expected outputs."""
    from xpiler.oracle.differential import (DEFAULT_SIZE_RANGE, UsageError, check_compatible,
                                            compare, probe_run, run_program, size_params)
    try:
        check_compatible(a, b)
    except UsageError as e:
        checks.append(Check("interpreter differential test", "fail", e.message))
        return None
    rng = np.random.default_rng(seed)
    names = size_params(a.entry)
    ran, rejected, last = 0, 0, None
    last_cost, last_volume = None, 1.0
    start = time.perf_counter()
    for attempt in range(examples * 4):
        if ran >= examples or (ran and time.perf_counter() - start > budget_s):
            break
        drawn = {}
        for n in names:
            spec = (sizes or {}).get(n, DEFAULT_SIZE_RANGE)
            lo, hi = spec if isinstance(spec, tuple) else (spec, spec)
            # the first examples use small sizes: cheap, and where tails show up
            hi = min(hi, max(lo, 4 * (attempt + 1))) if not (sizes and n in sizes) else hi
            drawn[n] = int(rng.integers(lo, hi + 1))
        volume = float(np.prod([max(1, v) for v in drawn.values()])) if drawn else 1.0
        if ran and last_cost is not None and \
                time.perf_counter() - start + last_cost * volume / last_volume > budget_s:
            continue                       # this draw would overrun the budget (cost ~ sizes)
        t0 = time.perf_counter()
        run = probe_run(a, drawn, np.random.default_rng(seed + attempt))
        if run is None:
            rejected += 1
            continue
        inputs, out_a = run
        if extents and not _lengthen(inputs, out_a, extents, drawn, rng):
            rejected += 1                  # the source touches more than the caller passes here
            continue
        copy = lambda d: {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in d.items()}
        in_b = {pb.name: inputs[pa.name] for pa, pb in zip(a.params, b.params)}
        try:
            out_b = run_program(b, copy(in_b))
        except XpilerError as e:
            checks.append(Check("interpreter differential test", "fail", f"sizes {drawn}: the output faults: "
                                                                          f"{e.message}"))
            return None
        mismatch = compare(out_b, out_a, b, a, in_b)
        if mismatch is not None:
            detail = mismatch.render(b.label, a.label).replace("\n", "; ")
            checks.append(Check("interpreter differential test", "fail", f"sizes {drawn}: {detail[:300]}"))
            return None
        ran += 1
        last = (copy(in_b), out_a)
        last_cost, last_volume = time.perf_counter() - t0, volume
    if ran == 0:
        checks.append(Check("interpreter differential test", "skip",
                            f"no valid inputs found ({rejected} size draws fault in the source; give --size)"))
        return None
    checks.append(Check("interpreter differential test", "pass",
                        f"{ran} example(s), sizes from {sizes or 'the default range'}"))
    return last


def _lengthen(inputs: dict, outputs: dict, extents: dict[str, ir.Expr], sizes: dict, rng) -> bool:
    """Lengthen the arrays of a probed run to the extents the output assumes; False when the
    source touched more than that (these sizes break the kernel's precondition)."""
    from xpiler.oracle.differential import random_array
    from xpiler.oracle.extents import evaluate
    from xpiler.types import DType
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
        dtype = next(d for d in DType if d.np == have.dtype)
        tail = random_array(dtype, n - have.size, rng).astype(have.dtype)
        inputs[name] = np.concatenate([have, tail])
        if name in outputs:
            outputs[name] = np.concatenate([outputs[name], tail])
    return True


def real_compile(text: str, platform: str) -> Check:
    """Compile-only check with nvcc or hipcc."""
    import shutil
    import subprocess
    tool = {"cuda": "nvcc", "hip": "hipcc"}[platform]
    if shutil.which(tool) is None:
        return Check(f"compiles with {tool}", "skip", f"{tool} not found")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / ("k.cu" if platform == "cuda" else "k.hip")
        src.write_text(text)
        cmd = ["nvcc", "-arch=sm_80", "-c", str(src), "-o", str(Path(tmp) / "k.o")] if platform == "cuda" else \
            ["hipcc", "--offload-arch=gfx90a", "-c", str(src), "-o", str(Path(tmp) / "k.o")]
        env = dict(os.environ, HIP_PLATFORM="amd")
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        err = [line for line in proc.stderr.splitlines() if "error" in line][:1]
        return Check(f"compiles with {tool}", "fail", (err[0] if err else proc.stderr[-200:]).strip()[:200])
    return Check(f"compiles with {tool}", "pass")


def write_atomically(path: str | Path, text: str) -> None:
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
