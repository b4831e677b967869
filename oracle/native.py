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
}

_SCALAR_CTYPES = {
    np.dtype(np.int8): ctypes.c_int8, np.dtype(np.uint8): ctypes.c_uint8,
    np.dtype(np.int16): ctypes.c_int16, np.dtype(np.uint16): ctypes.c_uint16,
    np.dtype(np.int32): ctypes.c_int32, np.dtype(np.uint32): ctypes.c_uint32,
    np.dtype(np.int64): ctypes.c_int64, np.dtype(np.uint64): ctypes.c_uint64,
    np.dtype(np.float32): ctypes.c_float, np.dtype(np.float64): ctypes.c_double,
}

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
    """The source as the native compiler sees it (BANG launches rewritten to a macro call)."""
    if platform == "bang":
        return _BANG_LAUNCH.sub(r"XPILER_BANG_LAUNCH(\1, \2, \3, \4, ", text)
    return text


def compile_shared(source: str | Path, platform: str, extra_flags: tuple[str, ...] = ()) -> Path:
    """Compile a kernel file (path or text) to a shared library; cached by content."""
    text = Path(source).read_text() if isinstance(source, Path) else source
    text = prepare_source(text, platform)
    cmd = COMPILERS[platform] + list(extra_flags)
    key = hashlib.sha256((text + "\0" + " ".join(cmd)).encode()).hexdigest()[:24]
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


def call(lib_path: Path, entry: str, params: list[str], inputs: dict) -> dict[str, np.ndarray]:
    """Call `entry(params...)`; arrays are copied first and the copies, updated, are returned."""
    lib = ctypes.CDLL(str(lib_path))
    fn = getattr(lib, entry, None)
    if fn is None:
        raise NativeError(f"{lib_path}: no C-linkage symbol {entry!r}")
    buffers: dict[str, np.ndarray] = {}
    args = []
    for name in params:
        value = inputs[name]
        if isinstance(value, np.ndarray):
            buf = np.ascontiguousarray(value).copy()
            buffers[name] = buf
            args.append(ctypes.c_void_p(buf.ctypes.data))
        else:
            scalar = np.asarray(value)
            args.append(_SCALAR_CTYPES[scalar.dtype](scalar.item()))
    fn.restype = None
    fn(*args)
    return buffers


def run_native(source: str | Path, platform: str, entry: str, params: list[str], inputs: dict):
    """Compile (cached) and call; returns the final contents of every array argument."""
    return call(compile_shared(source, platform), entry, params, inputs)
