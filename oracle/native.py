"""Native execution: compile a kernel file into a shared library and call its C-linkage entry.

The entry is a host function with C linkage that takes host pointers and scalars in a fixed
order (the output contract of architecture.md: `<kernel>_kernel`, or a ported launcher, or for
vnni the kernel function itself). Arrays are passed as pointers to numpy buffers, which the call
updates in place; scalars are passed by value with the C type of their numpy dtype.

Platforms:
  vnni  g++ on this CPU (needs AVX-512 VNNI to run).
  bang  g++ with the BANG-on-CPU emulation header (`oracle/include/bang.h`); launches
        `k<<<dim, ktype, queue>>>(args)` are rewritten to `XPILER_BANG_LAUNCH(k, dim, ktype, queue, args)`
        before compiling, since `<<<` is not C++.
  cuda  nvcc (runs only where a GPU exists).
  cuda-cpu, hip-cpu
        g++ with the SIMT-on-CPU emulation headers (`oracle/include/simt_cpu/`: `cuda_runtime.h`,
        `mma.h`, `cuda_fp16.h`, `hip/hip_runtime.h`, `hip/hip_fp16.h` over `simt_cpu.h`): every
        GPU thread is a fiber, deterministic schedule, 32- or 64-lane warps, poisoned memory,
        red zones. The source is rewritten first (`prepare_source`, `_simt_rewrite`), and the
        call runs in a forked child (`call(..., isolate=True)`), so that a crash, a deadlock
        the emulator cannot see (spin loop) or an error it reports becomes a NativeError.
"""
from __future__ import annotations

import ctypes
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

INCLUDE_DIR = Path(__file__).resolve().parent / "include"
CACHE_DIR = Path(os.environ.get("XPILER_CACHE", Path(tempfile.gettempdir()) / "xpiler-native"))

COMPILERS = {
    "vnni": ["g++", "-O2", "-std=c++17", "-march=native", "-mavx512f", "-mavx512vnni", "-mavx512vl",
             "-mavx512bw", "-ffp-contract=off", "-fopenmp", "-shared", "-fPIC", "-x", "c++"],
    "bang": ["g++", "-O2", "-std=c++20", "-ffp-contract=off", "-pthread", "-shared", "-fPIC",
             "-I", str(INCLUDE_DIR), "-x", "c++"],
    "cuda": ["nvcc", "-O2", "-arch=sm_80", "-shared", "-Xcompiler", "-fPIC", "-x", "cu"],
    # -fno-strict-aliasing: `extern __shared__` arrays are views of one byte arena;
    # -Wno-narrowing: nvcc/hipcc accept `dim3 b{n, 1}` with an int n, g++ would not.
    # -include: the runtime header comes first, as with nvcc (implicit) and hip-clang.
    "cuda-cpu": ["g++", "-O1", "-std=c++17", "-ffp-contract=off", "-fno-strict-aliasing",
                 "-Wno-narrowing", "-shared", "-fPIC", "-I", str(INCLUDE_DIR / "simt_cpu"),
                 "-include", "cuda_runtime.h", "-x", "c++"],
    "hip-cpu": ["g++", "-O1", "-std=c++17", "-ffp-contract=off", "-fno-strict-aliasing",
                "-Wno-narrowing", "-shared", "-fPIC", "-I", str(INCLUDE_DIR / "simt_cpu"),
                "-include", "hip/hip_runtime.h", "-x", "c++"],
}
SIMT_PLATFORMS = ("cuda-cpu", "hip-cpu")
# calls that run in a forked child (`call(..., isolate=True)`): the emulations stop a faulty run
# by aborting (or, SIMT, by recording an error), which must not take the caller down
FORKED = SIMT_PLATFORMS + ("bang",)
SIMT_TIMEOUT_S = float(os.environ.get("XPILER_SIMT_TIMEOUT", "120"))

_SCALAR_CTYPES = {
    np.dtype(np.int8): ctypes.c_int8, np.dtype(np.uint8): ctypes.c_uint8,
    np.dtype(np.int16): ctypes.c_int16, np.dtype(np.uint16): ctypes.c_uint16,
    np.dtype(np.int32): ctypes.c_int32, np.dtype(np.uint32): ctypes.c_uint32,
    np.dtype(np.int64): ctypes.c_int64, np.dtype(np.uint64): ctypes.c_uint64,
    np.dtype(np.float32): ctypes.c_float, np.dtype(np.float64): ctypes.c_double,
}

# `static` written before or after an on-chip qualifier (the header's qualifier is `static` already)
_BANG_STATIC = re.compile(r"\bstatic\s+(__nram__|__wram__|__ldram__)\b|\b(__nram__|__wram__|__ldram__)\s+static\b")
_BANG_LAUNCH = re.compile(r"(\b[A-Za-z_]\w*)\s*<<<\s*([^,>]+?)\s*,\s*([^,>]+?)\s*,\s*([^>]+?)\s*>>>\s*\(")


class NativeError(Exception):
    """Compilation or loading failed; the message holds the compiler's output."""


def available(platform: str) -> str | None:
    """None when `platform` can be compiled here, else the reason it cannot."""
    tool = COMPILERS[platform][0]
    if shutil.which(tool) is None:
        return f"{tool} not found"
    return None


def cpu_runs_vnni() -> bool:
    try:
        return "avx512_vnni" in Path("/proc/cpuinfo").read_text()
    except OSError:
        return False


def prepare_source(text: str, platform: str) -> str:
    """The source as the native compiler sees it.

    bang: launches `k<<<dim, ktype, queue>>>(` become `XPILER_BANG_LAUNCH(k, dim, ktype, queue, `;
          `static __nram__` loses its `static` (the header's `__nram__` is `static thread_local`).
    cuda-cpu / hip-cpu: see `_simt_rewrite`.
    """
    if platform == "bang":
        text = _BANG_STATIC.sub(lambda m: m.group(1) or m.group(2), text)
        return _BANG_LAUNCH.sub(r"XPILER_BANG_LAUNCH(\1, \2, \3, \4, ", text)
    if platform in SIMT_PLATFORMS:
        return _simt_rewrite(text, platform)
    return text


# ---- CUDA / HIP source rewriting for the CPU emulation ------------------------------------------
# What C++ cannot express with macros alone is rewritten textually; everything else is a macro or
# function in oracle/include/simt_cpu. Matches are searched in a copy of the text whose comments
# and string literals are blanked (same offsets), and every replacement keeps the number of lines,
# so compiler messages point at the original lines. (The runtime header itself is not written
# into the source: the compiler gets `-include cuda_runtime.h` / `-include hip/hip_runtime.h`,
# as nvcc includes it implicitly.)
#
#  1. launches  `k<T>?<<<grid, block[, shmem[, stream]]>>>(args)`  ->
#     `simt::launch("k", simt::LaunchConfig(grid, block, ...), k, args)`.
#  2. `__launch_bounds__(N, ...)` is removed from the kernel head and, in a definition, becomes
#     the first statement of the body: `simt::check_launch_bounds(N, ...);` (a block larger than
#     N makes the launch fail, as on a GPU).
#  3. `[static] __shared__ [align] T name[dims], ...;`  ->
#     `auto& name = *simt::shared_var<T[dims], ID, align>();` — storage from the emulator's
#     shared arena, re-allocated and re-poisoned for every block, with a red zone behind it;
#     `extern __shared__ T name[];`  ->  `T (&name)[] = *reinterpret_cast<T(*)[]>(
#     simt::dynamic_shared_base());` (all dynamic arrays alias one base, as on a GPU).
#  4. hip-cpu only: clang's `__attribute__((ext_vector_type(N)))` on a typedef/alias of element
#     type T -> GCC's `__attribute__((vector_size(N * sizeof(T))))` (subscripting, arithmetic and
#     brace initialisation behave alike; `.x`-style swizzles are clang-only and do not compile).
# `__global__`, `__device__`, `__host__`, `__forceinline__`, `__align__` are macros of the header.
# Inside preprocessor directives `__shared__` and `__launch_bounds__` are not rewritten (a
# `__shared__` hidden in a macro fails to compile with a message naming it).

_LAUNCH_HEAD = re.compile(r"(?<![\w:])(?P<name>[A-Za-z_][\w:]*(?:\s*<[^<>;{}]*(?:<[^<>;{}]*>[^<>;{}]*)*>)?)\s*<<<")
_SHARED = re.compile(r"(?<![\w])(?P<static>static\s+)?(?P<extern>extern\s+)?__shared__(?![\w])")
_ALIGN = re.compile(r"__align__\s*\(([^()]*)\)|alignas\s*\(([^()]*)\)"
                    r"|__attribute__\s*\(\(\s*(?:__)?aligned(?:__)?\s*\(([^()]*)\)\s*\)\)")
_DECLARATOR = re.compile(r"^(?P<head>.*?)(?P<name>[A-Za-z_]\w*)\s*(?P<dims>(?:\[[^\[\]]*\]\s*)*)$", re.S)
_EXT_VECTOR = re.compile(r"__attribute__\s*\(\(\s*(?:__)?ext_vector_type(?:__)?\s*\(([^()]*)\)\s*\)\)")


def _blank_comments_and_strings(text: str) -> str:
    """`text` with comments and string/char literals replaced by spaces (newlines kept)."""
    out = list(text)
    i, n = 0, len(text)

    def blank(a: int, b: int) -> None:
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            blank(i, j)
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            blank(i, j)
            i = j
        elif c == '"' or (c == "'" and not (i and (text[i - 1].isalnum() or text[i - 1] == "_"))):
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            blank(i + 1, min(j, n))
            i = j + 1
        else:
            i += 1
    return "".join(out)


def _directive_spans(code: str) -> list[tuple[int, int]]:
    """(start, end) of every preprocessor directive, continuation lines included."""
    return [(m.start(), m.end()) for m in re.finditer(r"(?m)^[ \t]*#(?:[^\n]*\\\n)*[^\n]*", code)]


def _in_spans(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _match_bracket(text: str, i: int, open_: str = "(", close: str = ")") -> int:
    """Index just past the bracket that closes the one at text[i]."""
    depth = 0
    for j in range(i, len(text)):
        if text[j] == open_:
            depth += 1
        elif text[j] == close:
            depth -= 1
            if depth == 0:
                return j + 1
    raise NativeError(f"unbalanced {open_!r} at offset {i}")


def _keep_lines(old: str, new: str) -> str:
    """`new` followed by as many newlines as `old` had (keeps line numbers)."""
    return new + "\n" * (old.count("\n") - new.count("\n"))


def _split_top_level(text: str, sep: str = ",") -> list[str]:
    parts, depth, start = [], 0, 0
    for k, ch in enumerate(text):
        if ch in "([<{":
            depth += 1
        elif ch in ")]>}":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:k])
            start = k + 1
    parts.append(text[start:])
    return parts


def _simt_launch_edits(code: str, edits: list) -> None:
    for m in _LAUNCH_HEAD.finditer(code):
        name = re.sub(r"\s+", " ", m.group("name")).strip()
        cfg_start = m.end()
        cfg_end = code.find(">>>", cfg_start)
        if cfg_end < 0:
            raise NativeError(f"unterminated <<< launch of {name}")
        k = cfg_end + 3
        while k < len(code) and code[k].isspace():
            k += 1
        if k >= len(code) or code[k] != "(":
            raise NativeError(f"launch of {name}: '(' expected after >>>")
        k += 1
        j = k
        while j < len(code) and code[j].isspace():
            j += 1
        cfg = " ".join(code[cfg_start:cfg_end].split())
        head = f'simt::launch("{name}", simt::LaunchConfig({cfg}), {name}'
        if j < len(code) and code[j] == ")":
            edits.append((m.start(), j + 1, head + ")"))
        else:
            edits.append((m.start(), k, head + ", "))


def _simt_launch_bounds_edits(code: str, edits: list) -> None:
    directives = _directive_spans(code)
    for m in re.finditer(r"(?<![\w])__launch_bounds__\s*\(", code):
        if _in_spans(m.start(), directives):
            continue  # in a macro: left to the header (no check)
        args_end = _match_bracket(code, m.end() - 1)
        args = " ".join(code[m.end():args_end - 1].split())
        edits.append((m.start(), args_end, ""))
        # kernel name, parameter list, then '{' (definition) or ';' (declaration)
        p = re.compile(r"\s*(?:[A-Za-z_][\w:]*\s*)+\(").match(code, args_end)
        if not p:
            continue
        params_end = _match_bracket(code, p.end() - 1)
        q = re.compile(r"\s*\{").match(code, params_end)
        if q:
            edits.append((q.end(), q.end(), f" simt::check_launch_bounds({args});"))


def _simt_shared_edits(code: str, edits: list) -> None:
    directives = _directive_spans(code)
    for ident, m in enumerate(_SHARED.finditer(code)):
        if _in_spans(m.start(), directives):
            continue  # in a macro: not rewritten (the header turns it into a compile error)
        end = code.find(";", m.end())
        if end < 0:
            raise NativeError("__shared__ declaration without ';'")
        decl = code[m.end():end]
        align = None
        for a in _ALIGN.finditer(decl):
            align = next(g for g in a.groups() if g is not None).strip()
        decl = " ".join(_ALIGN.sub(" ", decl).split())
        parts = [p.strip() for p in _split_top_level(decl)]
        first = _DECLARATOR.match(parts[0])
        if not first or not first.group("head").strip() or "=" in decl or "(" in first.group("head"):
            raise NativeError(f"__shared__ declaration the CPU emulation cannot rewrite: "
                              f"__shared__ {decl};")
        base = first.group("head").strip()
        base_type = base.rstrip("*& ").strip()
        out = []
        for n, part in enumerate(parts):
            d = first if n == 0 else re.match(r"^(?P<ptr>[*\s]*)(?P<name>[A-Za-z_]\w*)\s*"
                                              r"(?P<dims>(?:\[[^\[\]]*\]\s*)*)$", part)
            if d is None:
                raise NativeError(f"__shared__ declarator the CPU emulation cannot rewrite: {part}")
            ty = base if n == 0 else f"{base_type}{d.group('ptr').replace(' ', '')}"
            name, dims = d.group("name"), d.group("dims").strip()
            if m.group("extern"):
                if not dims.startswith("[]"):
                    raise NativeError(f"extern __shared__ {name} must be an array of unknown bound")
                out.append(f"{ty} (&{name}){dims} = *reinterpret_cast<{ty} (*){dims}>"
                           f"(simt::dynamic_shared_base());")
            else:
                targs = f"{ty} {dims}, {ident * 16 + n}" + (f", {align}" if align else "")
                out.append(f"auto& {name} = *simt::shared_var<{targs}>();")
        edits.append((m.start(), end + 1, " ".join(out)))


def _simt_ext_vector_edits(code: str, edits: list) -> None:
    for m in _EXT_VECTOR.finditer(code):
        start = max(code.rfind(ch, 0, m.start()) for ch in ";{}") + 1
        end = code.find(";", m.end())
        stmt = code[start:m.start()] + " " + code[m.end():end]
        words = stmt.split()
        if words and words[0] == "typedef":
            elem = " ".join(words[1:-1])
        elif words and words[0] == "using" and "=" in stmt:
            elem = stmt.split("=", 1)[1].strip()
        else:
            raise NativeError("ext_vector_type outside a typedef/using the CPU emulation can rewrite")
        edits.append((m.start(), m.end(),
                      f"__attribute__((vector_size(({m.group(1).strip()}) * sizeof({elem}))))"))


def _simt_rewrite(text: str, platform: str) -> str:
    """CUDA/HIP source -> C++ for the simt_cpu emulation headers (steps 1-4 above)."""
    code = _blank_comments_and_strings(text)
    edits: list[tuple[int, int, str]] = []
    _simt_launch_edits(code, edits)
    _simt_launch_bounds_edits(code, edits)
    _simt_shared_edits(code, edits)
    if platform == "hip-cpu":
        _simt_ext_vector_edits(code, edits)
    edits.sort(key=lambda e: (e[0], e[1]))
    for (a0, a1, _), (b0, _b1, _s) in zip(edits, edits[1:]):
        if b0 < a1:
            raise NativeError(f"overlapping source rewrites at offsets {a0}-{a1} and {b0}")
    out, pos = [], 0
    for start, end, new in edits:
        out.append(text[pos:start])
        out.append(_keep_lines(text[start:end], new))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _headers_digest() -> str:
    """Digest of every emulation header, so that editing one invalidates cached libraries."""
    h = hashlib.sha256()
    for path in sorted(INCLUDE_DIR.rglob("*.h")):
        h.update(str(path.relative_to(INCLUDE_DIR)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def compile_shared(source: str | Path, platform: str, extra_flags: tuple[str, ...] = ()) -> Path:
    """Compile a kernel file (path or text) to a shared library; cached by content."""
    text = Path(source).read_text() if isinstance(source, Path) else source
    text = prepare_source(text, platform)
    cmd = COMPILERS[platform] + list(extra_flags)
    if platform == "bang":
        cmd = cmd[:1] + _bang_precompiled(cmd) + cmd[1:]
    headers = _headers_digest() if platform != "vnni" else ""
    key = hashlib.sha256((text + "\0" + " ".join(cmd) + headers).encode()).hexdigest()[:24]
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    lib = CACHE_DIR / f"{platform}-{key}.so"
    if lib.exists():
        return lib
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "kernel.src"
        src.write_text(text)
        out = Path(tmp) / "kernel.so"
        proc = subprocess.run(cmd + [str(src), "-o", str(out)], capture_output=True, text=True)
        if proc.returncode != 0:
            raise NativeError(f"{' '.join(cmd)} failed:\n{proc.stderr[-4000:]}")
        shutil.move(str(out), lib)
    return lib


def _bang_precompiled(cmd: list[str]) -> list[str]:
    """Flags that make g++ use a precompiled `bang.h` (built once per header version and flags,
    in the cache): the emulation header is most of the compile time of a BANG output. Empty
    (compile without) when the header cannot be precompiled."""
    key = hashlib.sha256((_headers_digest() + " ".join(cmd)).encode()).hexdigest()[:16]
    folder = CACHE_DIR / f"pch-bang-{key}"
    flags = ["-I", str(folder), "-include", "bang.h", "-Winvalid-pch"]
    if (folder / "bang.h.gch").exists():
        return flags
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent) as tmp:
        shutil.copy(INCLUDE_DIR / "bang.h", Path(tmp) / "bang.h")     # g++ wants the header beside it
        build = [c for c in cmd if c not in ("-shared", "-x", "c++")] + ["-x", "c++-header", "-w",
                                                                          str(Path(tmp) / "bang.h"),
                                                                          "-o", str(Path(tmp) / "bang.h.gch")]
        if subprocess.run(build, capture_output=True).returncode != 0:
            return []
        try:
            os.rename(tmp, folder)                   # atomic: concurrent builders race harmlessly
        except OSError:
            if not (folder / "bang.h.gch").exists():
                return []
        os.makedirs(tmp, exist_ok=True)              # for TemporaryDirectory's cleanup
    return flags


def _ctypes_args(params: list[str], inputs: dict, buffers: dict[str, np.ndarray]) -> list:
    args = []
    for name in params:
        value = inputs[name]
        if name in buffers:
            args.append(ctypes.c_void_p(buffers[name].ctypes.data))
        else:
            scalar = np.asarray(value)
            args.append(_SCALAR_CTYPES[scalar.dtype](scalar.item()))
    return args


def _invoke(lib_path: Path, entry: str, args: list, schedule: int | None) -> str | None:
    """Load, call, and return the error the emulation recorded (libraries with simt_cpu hooks)."""
    lib = ctypes.CDLL(str(lib_path))
    fn = getattr(lib, entry, None)
    if fn is None:
        raise NativeError(f"{lib_path}: no C-linkage symbol {entry!r}")
    hooks = hasattr(lib, "simt_cpu_error")
    if hooks:
        lib.simt_cpu_reset()
        if schedule is not None:
            lib.simt_cpu_set_schedule(ctypes.c_int(schedule))
    fn.restype = None
    fn(*args)
    if hooks:
        lib.simt_cpu_error.restype = ctypes.c_char_p
        err = lib.simt_cpu_error()
        return err.decode(errors="replace") if err else None
    return None


def _schedule_code(schedule: str | int | None) -> int | None:
    if schedule is None or isinstance(schedule, int):
        return schedule
    return {"forward": 0, "reverse": 1}[schedule]


def call(lib_path: Path, entry: str, params: list[str], inputs: dict, *, isolate: bool = False,
         timeout: float | None = None, schedule: str | int | None = None,
         guard: int = 0, guard_seed: int = 0) -> dict[str, np.ndarray]:
    """Call `entry(params...)`; arrays are copied first and the copies, updated, are returned.

    isolate: run the call in a forked child (arrays in shared memory), so a crash, a hang
    (killed after `timeout` seconds) or an error recorded by the simt_cpu emulation is raised as
    NativeError instead of taking the caller down. (Not for OpenMP code once this process ran
    OpenMP: libgomp's threads do not survive a fork, the child hangs.) schedule: simt_cpu
    block/thread order, "forward" (default) or "reverse".
    guard: bytes of random filler placed before and after every array (`Guarded`): a write
    there raises NativeError; a read there brings random values into the results.
    """
    sched = _schedule_code(schedule)
    guarded = Guarded(inputs, params, guard, guard_seed) if guard else None
    if isolate:
        buffers = _call_isolated(lib_path, entry, params, inputs, timeout or SIMT_TIMEOUT_S, sched, guarded)
    else:
        if guarded is not None:
            buffers = guarded.arrays()
        else:
            buffers = {name: np.ascontiguousarray(inputs[name]).copy() for name in params
                       if isinstance(inputs[name], np.ndarray)}
        err = _invoke(lib_path, entry, _ctypes_args(params, inputs, buffers), sched)
        if err:
            raise NativeError(f"{entry}: {err}")
    if guarded is not None:
        return guarded.check(entry, buffers)
    return buffers


class Guarded:
    """Arrays with `guard` bytes of random filler on each side (the arrays are views into the
    middle of larger buffers), for calls of code that may access outside its arrays: `check`
    raises NativeError when a filler byte changed, and returns the arrays."""

    def __init__(self, inputs: dict, params: list[str], guard: int, seed: int):
        self.guard = -(-guard // 64) * 64
        self.names = [n for n in params if isinstance(inputs[n], np.ndarray)]
        self.sources = {n: np.ascontiguousarray(inputs[n]) for n in self.names}
        rng = np.random.default_rng(seed)
        self.fill = {n: rng.integers(0, 256, 2 * self.guard, dtype=np.uint8) for n in self.names}
        self.whole: dict[str, np.ndarray] = {}

    def arrays(self, allocate=None) -> dict[str, np.ndarray]:
        """The arrays (views), their contents copied in; `allocate(nbytes)` gives the buffers
        (default: numpy byte arrays)."""
        out = {}
        for n in self.names:
            a, g = self.sources[n], self.guard
            raw = allocate(a.nbytes + 2 * g) if allocate is not None else np.empty(a.nbytes + 2 * g, np.uint8)
            raw[:g] = self.fill[n][:g]
            raw[g + a.nbytes:] = self.fill[n][g:]
            view = raw[g:g + a.nbytes].view(a.dtype).reshape(a.shape)
            view[...] = a
            self.whole[n] = raw
            out[n] = view
        return out

    def check(self, entry: str, buffers: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        for n in self.names:
            raw, g = self.whole[n], self.guard
            size = self.sources[n].nbytes
            for side, got, want in (("before", raw[:g], self.fill[n][:g]), ("after", raw[g + size:], self.fill[n][g:])):
                changed = np.flatnonzero(np.asarray(got) != want)
                if changed.size:
                    item = self.sources[n].itemsize
                    at = (int(changed[0]) - g) // item if side == "before" else \
                        self.sources[n].size + int(changed[0]) // item
                    raise NativeError(f"{entry}: writes outside the array '{n}' (element {at}, "
                                      f"{'before its start' if side == 'before' else 'past its end'}: "
                                      f"{self.sources[n].size} element(s))")
        return {n: np.array(v) for n, v in buffers.items()}


def _call_isolated(lib_path: Path, entry: str, params: list[str], inputs: dict, timeout: float,
                   schedule: int | None, guarded: Guarded | None = None) -> dict[str, np.ndarray]:
    import faulthandler
    import mmap
    import select
    import signal
    import time

    arrays = {n: np.ascontiguousarray(inputs[n]) for n in params if isinstance(inputs[n], np.ndarray)}
    pad = guarded.guard if guarded is not None else 0
    offsets, total = {}, 0
    for name, a in arrays.items():
        offsets[name] = total
        total += (a.nbytes + 2 * pad + 255) // 256 * 256
    shm = mmap.mmap(-1, max(total, 1))  # shared with the child
    if guarded is not None:
        places = iter(offsets.values())
        buffers = guarded.arrays(lambda nbytes: np.frombuffer(shm, np.uint8, nbytes, next(places)))
    else:
        buffers = {}
        for name, a in arrays.items():
            view = np.frombuffer(shm, dtype=a.dtype, count=a.size, offset=offsets[name]).reshape(a.shape)
            view[...] = a
            buffers[name] = view
    args = _ctypes_args(params, inputs, buffers)
    rfd, wfd = os.pipe()
    errors = tempfile.TemporaryFile()          # the child's stderr: what an emulation says when it aborts
    pid = os.fork()
    if pid == 0:  # child: call, report, exit without running the parent's cleanup
        code = 0
        try:
            os.close(rfd)
            os.dup2(errors.fileno(), 2)
            faulthandler.disable()             # an abort is reported by its own message, not a Python dump
            err = _invoke(lib_path, entry, args, schedule)
            ctypes.CDLL(None).fflush(None)
            os.write(wfd, ("ERR " + err if err else "OK").encode())
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            os.write(wfd, f"EXC {exc}".encode(errors="replace"))
            code = 1
        finally:
            os._exit(code)
    os.close(wfd)
    chunks, deadline, timed_out = [], time.monotonic() + timeout, False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([rfd], [], [], left)[0]:
                timed_out = True
                os.kill(pid, signal.SIGKILL)
                break
            data = os.read(rfd, 65536)
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(rfd)
        _, status = os.waitpid(pid, 0)
    if timed_out:
        raise NativeError(f"{entry}: no result after {timeout:g} s (hang: spin-wait or endless loop?)")
    errors.seek(0)
    said = [line for line in errors.read()[-4000:].decode(errors="replace").splitlines() if line.strip()]
    errors.close()
    if os.WIFSIGNALED(status):
        sig = signal.Signals(os.WTERMSIG(status)).name
        if said:
            raise NativeError(f"{entry}: {said[-1].strip()} (stopped with {sig})")
        raise NativeError(f"{entry}: crashed with {sig} (wild memory access or stack overflow?)")
    msg = b"".join(chunks).decode(errors="replace")
    if msg != "OK":
        raise NativeError(f"{entry}: {msg[4:] if msg.startswith(('ERR ', 'EXC ')) else msg or 'no report'}")
    result = {name: np.array(view) for name, view in buffers.items()}
    del buffers, args
    return result


def run_native(source: str | Path, platform: str, entry: str, params: list[str], inputs: dict, *,
               schedule: str | int | None = None, timeout: float | None = None):
    """Compile (cached) and call; returns the final contents of every array argument.

    cuda-cpu, hip-cpu and bang calls run isolated in a child process (see `call`)."""
    return call(compile_shared(source, platform), entry, params, inputs,
                isolate=platform in FORKED, timeout=timeout, schedule=schedule)
