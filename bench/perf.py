"""Speed of xpiler's vnni output against PyTorch on this CPU — the measurement every speed change is judged by
(issue 11, "Fast output").

One run prints one table (machine, CPU, date, thread counts, torch version), every row measured in the same run on
the same inputs:

- every corpus kernel (tests/corpus/<platform>/) and every wild kernel (tests/wild/<platform>/) of cuda, hip and bang,
  translated to vnni exactly as bench/translations.py translates it (`xpiler.pipeline.translate(src, "vnni",
  examples=1, extents=..., entry=..., launch=...)`), and the vnni kernels themselves as sources ("C" rows: what a
  hand-written C kernel reaches); compiled with the project's native flags (`xpiler.oracle.native.compile_shared`)
  and called through ctypes on the reference's inputs;
- its PyTorch CPU equivalent (bench/torch_equivalents.py), checked once against the kernel's numpy reference (same
  tolerance) and refused when wrong;
- median of N repetitions after warm-up, inside one process, with 1 OpenMP thread and with all threads (the kernels
  and torch share torch's libgomp: `omp_set_num_threads` / `torch.set_num_threads` set both). One-thread times are
  the calling thread's CPU time (the kernel, torch and the copy all run on it: other processes on a shared machine
  do not count), all-thread times are wall time (they do: read them with the load average in the header);
- kernels whose sizes are parameters run at PERF_SIZES (per family; the matching entry with the most keys whose keys
  are all size parameters of the kernel, the other parameters taken from its largest reference case); when the
  output crashes, hangs or disagrees with torch there (a size past a limit the kernel was written for), at its
  largest reference case instead (said in the row's note). Fixed-shape kernels (CASES = [{}] or one case) run at
  their own shape;
- memory-bound families (MEMORY_BOUND): a same-run memcpy of the same traffic (bytes of the input arrays read + the
  output arrays written; a gather reads only the rows it gathers; a scatter reads its output too) and the fraction
  of that copy's bandwidth the output reaches (copy time / kernel time);
- ratio = torch time / xpiler time (> 1: xpiler faster). Geomeans count only kernels where PyTorch takes >= 20 us on
  one thread (the issue's rule) and whose output is correct; the others are listed.

Each kernel is measured in a worker process (a crash at a large size costs a restart, not the run). Translations are
cached by source hash and xpiler's own code under the temp dir (--cache), so a rerun only compiles and times.

Run:  python bench/perf.py [--quick] [--only SUBSTRING ...] [--family F] [--set corpus|wild] [--json FILE]
      python bench/perf.py --cuda   # translations to cuda vs PyTorch CUDA: needs a lent GPU, not implemented here
"""
from __future__ import annotations

import argparse
import ctypes
import datetime
import hashlib
import json
import math
import os
import platform
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
for p in (str(ROOT), str(BENCH)):
    if p not in sys.path:
        sys.path.insert(0, p)

from tests.corpus_support import CorpusKernel, _load_module, assert_outputs_match, corpus, wild  # noqa: E402


SOURCES = ("cuda", "hip", "bang")        # translated to vnni; vnni kernels run as written ("C" rows)
TORCH_MIN_US = 20.0                      # the rule: geomeans over kernels where torch takes >= 20 us
SLOW_RATIO = 0.3                         # the floor: no kernel below 0.3x

# Sizes for kernels whose shapes are parameters, per family. A kernel takes the entry with the most keys among those
# whose keys are all size parameters of its CASES; the other parameters come from its largest case.
PERF_SIZES: dict[str, list[dict]] = {
    "elementwise": [dict(n=4 << 20), dict(rows=2048, cols=2048)],
    "reduction": [dict(n=4 << 20), dict(rows=4096, cols=1024), dict(rows=4096), dict(outer=4096, inner=1024),
                  dict(B=16, R=256, C=1024)],
    "softmax": [dict(rows=1024, cols=1024), dict(rows=4096)],
    "layernorm": [dict(rows=4096), dict(rows=4096, dim=1024), dict(tokens=4096), dict(M=4096, N=1024),
                  dict(tokens=4096, hidden=1024)],
    "rmsnorm": [dict(rows=4096, cols=1024), dict(rows=4096, hidden=1024), dict(rows=4096, dim=1024),
                dict(n_tokens=4096, dim=1024)],
    "batchnorm": [dict(N=8, C=64, H=56, W=56), dict(N=8, H=56, W=56), dict(n=8, h=56, w=56, channels=64)],
    "instancenorm": [dict(N=8, C=64, H=56, W=56), dict(n=8, c=64, h=56, w=56)],
    "gemm": [dict(M=512, N=512, K=512)],
    "bmm": [dict(batch=8, M=256, N=256, K=256), dict(batch=512)],
    "dense": [dict(M=512, N=512, K=512), dict(batch=512, in_features=512, out_features=512), dict(batch=512)],
    "gemv": [dict(M=2048, K=2048), dict(M=2048, N=2048), dict(rows=2048, cols=2048),
             dict(out_features=2048, in_features=2048)],
    "gated_mlp": [dict(M=256, N=512, K=512), dict(tokens=256, hidden=512, inter=1024),
                  dict(tokens=256, d_model=512, ffn=1024), dict(T=256, F=512, K=512), dict(M=256)],
    "conv1d": [dict(N=8, Cin=64, L=4096, Cout=64), dict(batch=8, cout=64, L=4096), dict(N=256, L=128),
               dict(N=8, L=4096, C=64, CO=64, KW=3)],
    "conv2d_nchw": [dict(N=8, C=64, H=56, W=56, K=64), dict(N=64, H=16, W=16),
                    dict(N=8, C=64, H=56, W=56, K=64, R=3, S=3)],
    "conv2d_nhwc": [dict(N=8, H=56, W=56, C=64, K=64), dict(N=8, H=56, W=56),
                    dict(N=8, H=56, W=56, C=64, K=64, R=3, S=3, stride=1, pad=1), dict(N=8, H=56, W=56, C=64),
                    dict(H=56, W=56, OC=64)],
    "depthwise_conv": [dict(N=8, C=64, H=56, W=56), dict(N=8, H=56, W=56)],
    "pooling": [dict(N=16, C=64, H=56, W=56), dict(N=16, H=56, W=56), dict(H=56, W=56, C=64)],
    "transpose": [dict(rows=2048, cols=2048), dict(B=8, R=1024, C=1024), dict(N=8, C=64, H=56, W=56)],
    "concat": [dict(N=8, C1=64, C2=64, HW=3136), dict(batch=8, c1=64, c2=64, S=3136), dict(rows=4096, CA=256, CB=256),
               dict(rows=4096, ca=256, cb=256), dict(N=8, Ca=32, Cb=64, Cc=32, H=56, W=56),
               dict(N=8, Ca=32, Cb=64, Cc=32, HW=3136)],
    "gather": [dict(V=50000, num=16384, D=256), dict(num_tokens=16384, vocab=50000), dict(n=16384, V=50000, D=256),
               dict(n_tokens=16384, vocab=50000), dict(rows=2048, src_cols=2048, cols=1024),
               dict(n_tokens=16384, vocab=50000, dim=256)],
    "scatter": [dict(V=4096, num=16384, D=256), dict(num=16384, num_out=4096, D=256), dict(n=4096, V=8192, D=256),
                dict(n_src=16384, n_out=4096, dim=256), dict(n_src=16384, n_dst=4096, dim=256)],
    "attention": [dict(B=2, NH=16, NKV=4, Sq=128, Skv=256), dict(B=4, H=8, S=128), dict(batch=16, S=64),
                  dict(B=16, S=128), dict(heads=64, S=64), dict(HQ=64, HKV=16, S=64), dict(heads=16, seq=256),
                  dict(hq=16, hkv=4, seq=256), dict(batch=2, heads=8, seq=256),
                  dict(batch=2, q_heads=16, kv_heads=4, seq=256), dict(heads=16, seq=256, head_dim=64)],
    "deformable_attention": [dict(B=2, Q=1000, NH=8, D=32, P=4, Hs=64, Ws=64), dict(B=2, H=64, W=64, LQ=1000),
                             dict(Q=1000, NH=8, HS=64, WS=64), dict(n_query=1000, heads=8, points=4, h_in=64, w_in=64)],
}

# Families whose speed is bounded by memory traffic: their rows get a same-run memcpy of the same traffic.
MEMORY_BOUND = {"elementwise", "transpose", "concat", "gather", "scatter", "pooling", "layernorm", "rmsnorm",
                "batchnorm", "instancenorm", "reduction", "softmax"}

# Samples per measurement, seconds per measurement, seconds of warm-up calls (at least 2, at most 8: a fresh
# torch result is page-faulted in until the allocator settles, about 5 calls for a 16 MB result).
REPS = {"full": dict(reps=11, budget=0.5, warmup=0.2), "quick": dict(reps=5, budget=0.15, warmup=0.1)}
TASK_TIMEOUT_S = 300


# ---------------------------------------------------------------------------------------------- kernels ----

def kernel_id(k: CorpusKernel) -> str:
    return ("wild:" if k.source.parent.parent.name == "wild" else "") + k.id


def all_kernels(which: str = "all") -> list[CorpusKernel]:
    ks = []
    if which in ("all", "corpus"):
        ks += corpus()
    if which in ("all", "wild"):
        ks += wild()
    return ks


def load_kernel(platform_: str, source: str) -> CorpusKernel:
    src = Path(source)
    return CorpusKernel(platform_, src.stem, src, _load_module(src.with_suffix(".py")))


def _nbytes(inputs: dict) -> int:
    return sum(v.nbytes for v in inputs.values() if isinstance(v, np.ndarray))


def perf_case(k: CorpusKernel) -> tuple[dict, dict, str]:
    """(case to time at, largest reference case, label): PERF_SIZES where the family has an entry whose keys are all
    size parameters of the kernel, else the largest reference case; a fixed-shape kernel's own shape."""
    cases = k.cases()
    largest = max(cases, key=lambda c: _nbytes(k.inputs(c)))
    if len(cases) <= 1:
        return largest, largest, "fixed"
    keys = set().union(*(c.keys() for c in cases))
    fits = [d for d in PERF_SIZES.get(k.reference.FAMILY, []) if set(d) <= keys]
    if not fits:
        return largest, largest, "largest case"
    best = max(fits, key=len)
    return {**largest, **best}, largest, "perf"


def traffic_bytes(k: CorpusKernel, inputs: dict) -> int:
    """Bytes a memory-bound kernel must move: input arrays read once, output arrays written once (a gather reads
    only the rows it writes, not its whole table; a scatter also reads the rows it updates)."""
    outs = set(k.reference.OUTPUTS)
    arrays = {n: v for n, v in inputs.items() if isinstance(v, np.ndarray)}
    reads = [v.nbytes for n, v in arrays.items() if n not in outs]
    writes = sum(arrays[n].nbytes for n in outs if n in arrays)
    family = k.reference.FAMILY
    if family == "gather" and reads:
        reads.remove(max(reads))            # the table: only the gathered rows are read
        return sum(reads) + 2 * writes
    if family == "scatter":
        return sum(reads) + 2 * writes
    return sum(reads) + writes


def sizes_text(case: dict) -> str:
    return ",".join(f"{k}={v}" for k, v in case.items()) if case else "-"


# --------------------------------------------------------------------------------------------- translate ----

def code_digest() -> str:
    """Digest of xpiler's own code and data: a change to any of it invalidates cached translations."""
    h = hashlib.sha256()
    for folder in ("xpiler", "grammar", "lift", "emit", "oracle", "egraph", "rules", "tuning"):
        base = ROOT / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".lark", ".toml", ".egg", ".h") \
                    and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def translate_cached(k: CorpusKernel, cache: Path, digest: str) -> dict:
    """The vnni translation of `k` as bench/translations.py makes it: {"ok", "text", "verified", "seconds",
    "reason"}; cached by source, options and xpiler's code."""
    ref = k.reference
    extents = getattr(ref, "EXTENTS", None)
    entry = ref.ENTRY if k.launch else None
    launch = k.launch_option
    key = hashlib.sha256(json.dumps([k.source.read_text(), "vnni", 1, extents, entry, launch, digest],
                                    sort_keys=True, default=str).encode()).hexdigest()[:24]
    path = cache / f"{key}.json"
    if path.exists():
        try:
            return {**json.loads(path.read_text()), "cached": True}
        except (OSError, ValueError):
            pass
    from xpiler.diagnostics import XpilerError
    from xpiler.pipeline import translate
    start = time.perf_counter()
    try:
        result = translate(k.source, "vnni", examples=1, extents=extents, entry=entry, launch=launch)
        out = {"ok": True, "text": result.text, "verified": bool(result.verified)}
    except XpilerError as e:
        out = {"ok": False, "reason": e.message.splitlines()[0][:200]}
    except Exception as e:                                              # a bug in xpiler: reported, never hidden
        out = {"ok": False, "reason": f"TRACEBACK {type(e).__name__}: {str(e)[:160]}"}
    out["seconds"] = time.perf_counter() - start
    if out.get("reason", "").startswith("TRACEBACK"):
        return {**out, "cached": False}                                 # not cached: may be a tree mid-edit
    cache.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(out))
    tmp.replace(path)
    return {**out, "cached": False}


# ------------------------------------------------------------------------------------------------ worker ----
# Runs in its own process (`perf.py --worker`): loads torch once, then measures one kernel per request (a JSON line on
# stdin, the answer a JSON line on the protocol pipe). Anything the kernels print goes to stderr.

_STATE: dict = {}


def _torch():
    if "torch" not in _STATE:
        import torch
        _STATE["torch"] = torch
        _STATE["all_threads"] = torch.get_num_threads()
        _STATE["gomp"] = ctypes.CDLL("libgomp.so.1")       # after torch: the kernels share torch's libgomp
    return _STATE["torch"]


def set_threads(n: int) -> None:
    torch = _torch()
    torch.set_num_threads(n)
    _STATE["gomp"].omp_set_num_threads(ctypes.c_int(n))


def _equivalents(extra: str | None):
    import torch_equivalents as te
    if extra and not _STATE.get("extra_loaded"):
        src = Path(extra).read_text()
        exec(compile(src, extra, "exec"), {"__name__": "perf_extra_equivalents", "te": te,
                                           "register": te.register, "torch": _torch(), "np": np})
        _STATE["extra_loaded"] = True
    return te


def timeit(fn, reps: int, budget: float, warmup: float = 0.0, min_sample: float = 1e-3) -> dict:
    """Seconds per call of fn() after warm-up calls (2, then more while `warmup` seconds last, 8 at most): the
    median over samples of the wall time ("wall") and of the calling thread's CPU time ("cpu",
    CLOCK_THREAD_CPUTIME_ID: what a single-threaded run costs, without the time other processes on this shared
    machine hold the core). Calls are batched so that one sample lasts at least `min_sample`; the samples stop at
    `reps` or when `budget` seconds are spent (at least 3 samples, 1 when one call takes over 2 s)."""
    wall = time.perf_counter
    cpu = time.thread_time
    est, est_cpu = math.inf, math.inf
    start = wall()
    for i in range(8):
        if i >= 2 and wall() - start > warmup:
            break
        t0, c0 = wall(), cpu()
        fn()
        est, est_cpu = min(est, wall() - t0), min(est_cpu, cpu() - c0)
        if est > 2.0:
            return {"wall": est, "cpu": est_cpu, "samples": 1, "inner": 1}
    inner = max(1, int(min_sample / max(est, 1e-9)))
    n = max(3, min(reps, int(budget / max(est * inner, 1e-9))))
    walls, cpus = [], []
    for _ in range(n):
        t0, c0 = wall(), cpu()
        for _ in range(inner):
            fn()
        walls.append((wall() - t0) / inner)
        cpus.append((cpu() - c0) / inner)
    return {"wall": statistics.median(walls), "cpu": statistics.median(cpus), "samples": n, "inner": inner}


def _numpy_out(t, want: np.ndarray) -> np.ndarray:
    a = t.detach().contiguous().numpy()
    if a.shape != want.shape and a.size == want.size:
        a = a.reshape(want.shape)
    return a


def check_equivalent(k: CorpusKernel, equiv) -> str | None:
    """None when the torch equivalent meets the numpy reference on every reference case, else why not."""
    import torch_equivalents as te
    torch = _torch()
    try:
        for case in k.cases():
            want = k.reference.reference(k.inputs(case))
            t = te.prepared(equiv, _copy(k.inputs(case)))
            with torch.inference_mode():
                got = equiv.fn(t)
            assert_outputs_match(k, {n: _numpy_out(got[n], w) for n, w in want.items()}, want)
    except Exception as e:                                              # AssertionError, KeyError, torch errors
        return f"{type(e).__name__}: {str(e).splitlines()[0][:160] if str(e) else ''}"
    return None


def check_native(k: CorpusKernel, lib: Path) -> str | None:
    """None when the compiled output meets the numpy reference on every reference case, else why not."""
    from xpiler.oracle import native
    ref = k.reference
    try:
        for case in k.cases():
            out = native.call(lib, k.host_entry, ref.PARAMS, k.inputs(case))
            assert_outputs_match(k, {n: out[n] for n in ref.OUTPUTS}, ref.reference(k.inputs(case)))
    except Exception as e:
        return f"{type(e).__name__}: {str(e).strip().splitlines()[-1][:160] if str(e).strip() else ''}"
    return None


def _copy(inputs: dict) -> dict:
    return {n: (v.copy() if isinstance(v, np.ndarray) else v) for n, v in inputs.items()}


def compare_perf(k: CorpusKernel, got: dict, expected_t: dict) -> tuple[str | None, str | None]:
    """At the timing size there is no numpy reference (too slow); the output is compared with the (checked) torch
    result. Returns (wrong, numerics): `wrong` when they disagree grossly (beyond 1e-3 relative to the largest
    value: a crash-free overrun or a size limit), `numerics` when they differ beyond the reference tolerance only
    (summation order over large sizes)."""
    tol = getattr(k.reference, "TOLERANCE", {"rtol": 1e-5, "atol": 1e-6})
    numerics = None
    for name, t in expected_t.items():
        have = got[name]
        want = _numpy_out(t, have)
        if want.shape != have.shape:
            return f"{name}: shape {have.shape} != torch {want.shape}", None
        if np.issubdtype(have.dtype, np.integer):
            bad = int(np.count_nonzero(have.astype(np.int64) != want.astype(np.int64)))
            if bad:
                return f"{name}: {bad} of {have.size} integers differ from torch", None
            continue
        h, w = have.astype(np.float64), want.astype(np.float64)
        if not np.array_equal(np.isnan(h), np.isnan(w)):
            return f"{name}: NaN where torch has none (or the reverse)", None
        finite = np.isfinite(w)
        scale = float(np.max(np.abs(w[finite]))) if finite.any() else 0.0
        err = np.abs(h - w)
        err[~finite] = 0.0
        if float(np.max(err, initial=0.0)) > 1e-3 * scale + 10 * tol["atol"]:
            i = int(np.argmax(err))
            return f"{name}: differs from torch (at {i}: {h.ravel()[i]:.6g} vs {w.ravel()[i]:.6g})", None
        if not np.allclose(h, w, rtol=tol["rtol"], atol=tol["atol"], equal_nan=True):
            rel = float(np.max(err / (np.abs(w) + tol["atol"] + 1e-30)))
            numerics = f"{name} within 1e-3 of torch but beyond the reference tolerance (max rel {rel:.1e})"
    return None, numerics


_COPY_SRC = r"""
#include <string.h>
#include <omp.h>
extern "C" void perf_copy(char* dst, const char* src, long n) {
  #pragma omp parallel
  {
    long t = omp_get_thread_num(), T = omp_get_num_threads();
    long chunk = ((n + T - 1) / T + 63) / 64 * 64;
    long a = t * chunk, b = a + chunk < n ? a + chunk : n;
    if (a < b) memcpy(dst + a, src + a, (size_t)(b - a));
  }
}
"""


def _copy_fn(nbytes: int):
    from xpiler.oracle import native
    if "copy_lib" not in _STATE:
        lib = ctypes.CDLL(str(native.compile_shared(_COPY_SRC, "vnni")))
        lib.perf_copy.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_long]
        lib.perf_copy.restype = None
        _STATE["copy_lib"] = lib
    src = np.ones(max(nbytes, 64), np.uint8)
    dst = np.zeros_like(src)
    f = _STATE["copy_lib"].perf_copy
    p_dst, p_src, n = dst.ctypes.data, src.ctypes.data, src.size
    return (lambda: f(p_dst, p_src, n)), (src, dst)


def measure(task: dict) -> dict:
    """Everything about one kernel at one size (the worker's job)."""
    from xpiler.oracle import native
    torch = _torch()
    te = _equivalents(task.get("equivalents"))
    k = load_kernel(task["platform"], task["source"])
    ref = k.reference
    kid = task["id"]
    timing = REPS[task["mode"]]
    res: dict = {"id": kid}
    lib = Path(task["lib"])
    # 1. the compiled output and the torch equivalent against the numpy reference, on every reference case
    if task.get("check", True):
        res["wrong"] = check_native(k, lib)
        equiv = te.EQUIVALENTS.get(kid)
        if equiv is None:
            res["torch"] = "n/a: " + te.NO_EQUIVALENT.get(kid, "no equivalent written")
        else:
            why = check_equivalent(k, equiv)
            res["torch"] = f"refused: {why}" if why else "ok"
            res["torch_note"] = equiv.note
    else:
        res.update(task["checked"])
    case = task["case"]
    inputs = k.inputs(case)
    res["traffic"] = traffic_bytes(k, inputs)
    # 2. one call each at the timing size: the output against torch
    xp_in = _copy(inputs)
    buffers = {n: np.ascontiguousarray(v) for n, v in xp_in.items() if isinstance(v, np.ndarray)}
    args = native._ctypes_args(ref.PARAMS, xp_in, buffers)
    cdll = ctypes.CDLL(str(lib))
    fn = getattr(cdll, k.host_entry)
    fn.restype = None
    set_threads(_STATE["all_threads"])
    fn(*args)
    t_fn = t_in = None
    if res["torch"] == "ok":
        equiv = te.EQUIVALENTS[kid]
        t_in = te.prepared(equiv, _copy(inputs))
        with torch.inference_mode():
            t_out = equiv.fn(t_in)
        wrong, numerics = compare_perf(k, {n: buffers[n] for n in ref.OUTPUTS}, t_out)
        if wrong and task.get("label") == "perf":
            return {**res, "perf_rejected": wrong}
        if wrong:
            res["perf_differs"] = wrong
        if numerics:
            res["numerics"] = numerics

        def t_fn():
            with torch.inference_mode():
                equiv.fn(t_in)
    # 3. timing: xpiler then torch, 1 thread then all threads
    out = {}
    copy = keep = None
    if task.get("memory_bound"):
        copy, keep = _copy_fn(res["traffic"] // 2)
    for label, threads in (("1t", 1), ("all", _STATE["all_threads"])):
        set_threads(threads)
        out[f"xp_{label}"] = timeit(lambda: fn(*args), **timing)
        time.sleep(0.01)                                 # let the previous team's spinning threads go to sleep
        if t_fn is not None:
            out[f"torch_{label}"] = timeit(t_fn, **timing)
            time.sleep(0.01)
        if copy is not None:
            out[f"copy_{label}"] = timeit(copy, **timing)
    del keep
    set_threads(_STATE["all_threads"])
    # 1 thread: the calling thread's CPU time (the kernel, torch and the copy all run on it); all threads: wall time
    res.update({key: v["cpu"] if key.endswith("_1t") else v["wall"] for key, v in out.items()})
    res.update({f"{key}_wall": v["wall"] for key, v in out.items() if key.endswith("_1t")})
    res["samples"] = {key: v["samples"] for key, v in out.items()}
    return res


def worker_main() -> None:
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)                                          # kernels' printf goes to stderr
    _torch()
    for line in sys.stdin:
        task = json.loads(line)
        try:
            res = measure(task)
        except Exception as e:
            res = {"id": task.get("id"), "error": f"{type(e).__name__}: {e}"[:300],
                   "trace": traceback.format_exc()[-1500:]}
        proto.write(json.dumps(res, default=float) + "\n")
        proto.flush()


class Worker:
    """The measuring process, restarted after a crash or a hang."""

    def __init__(self, log: Path):
        self.log = log
        self.proc = None

    def start(self):
        env = dict(os.environ)
        env.pop("OMP_NUM_THREADS", None)                   # the worker sets thread counts itself
        self.proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
                                     stderr=open(self.log, "a"), cwd=str(ROOT))

    def run(self, task: dict, timeout: float) -> dict:
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        try:
            self.proc.stdin.write(json.dumps(task) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            return self._died("the worker exited")
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            self.stop()
            return {"id": task["id"], "crash": f"no result after {timeout:.0f} s (killed)"}
        line = self.proc.stdout.readline()
        if not line:
            return self._died("the worker died")
        return json.loads(line)

    def _died(self, what: str) -> dict:
        code = self.proc.wait()
        self.proc = None
        sig = f" ({signal.Signals(-code).name})" if code < 0 else f" (exit {code})"
        return {"crash": what + sig}

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


# ------------------------------------------------------------------------------------------------- driver ----

def machine_info() -> dict:
    import torch
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from xpiler.oracle import native
    return {"machine": platform.node(), "cpu": cpu, "cpus": os.cpu_count(), "python": platform.python_version(),
            "numpy": np.__version__, "torch": torch.__version__, "torch_threads": torch.get_num_threads(),
            "flags": " ".join(native.COMPILERS["vnni"][1:-3]),
            "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), "load_start": os.getloadavg()}


def run(kernels: list[CorpusKernel], mode: str = "full", cache: Path | None = None, equivalents: str | None = None,
        case_sizes: bool = False, jobs: int = 1, log=print) -> dict:
    """Translate, compile, check and time every kernel; returns {"info", "rows"}."""
    from xpiler.oracle import native
    cache = cache or Path(tempfile.gettempdir()) / "xpiler-perf"
    cache.mkdir(parents=True, exist_ok=True)
    info = machine_info()
    info["mode"] = mode
    info["cpu_runs_vnni"] = native.cpu_runs_vnni()
    start = time.perf_counter()
    digest = code_digest()
    # translations first (sequential or --jobs processes), cached
    todo = [k for k in kernels if k.platform in SOURCES]
    translated: dict[str, dict] = {}
    if jobs > 1 and todo:
        from concurrent.futures import ProcessPoolExecutor
        with ProcessPoolExecutor(jobs) as pool:
            futs = {kernel_id(k): pool.submit(_translate_job, k.platform, str(k.source), str(cache), digest)
                    for k in todo}
            for kid, f in futs.items():
                translated[kid] = f.result()
                _log_translation(log, kid, translated[kid])
    else:
        for k in todo:
            translated[kernel_id(k)] = translate_cached(k, cache, digest)
            _log_translation(log, kernel_id(k), translated[kernel_id(k)])
    info["translate_s"] = time.perf_counter() - start
    worker = Worker(cache / "worker.log")
    rows = []
    try:
        for k in kernels:
            rows.append(_row(k, translated.get(kernel_id(k)), worker, mode, equivalents, case_sizes))
            log(_progress(rows[-1]))
    finally:
        worker.stop()
    info["seconds"] = time.perf_counter() - start
    info["load_end"] = os.getloadavg()
    return {"info": info, "rows": rows}


def _translate_job(platform_: str, source: str, cache: str, digest: str) -> dict:
    return translate_cached(load_kernel(platform_, source), Path(cache), digest)


def _log_translation(log, kid: str, t: dict) -> None:
    state = "cached" if t.get("cached") else f"{t['seconds']:.2f}s"
    log(f"  translate {kid:50s} {state:>7s} " + ("verified" if t.get("verified") else
                                                   "NOT verified" if t["ok"] else f"FAILED {t['reason'][:90]}"))


def _row(k: CorpusKernel, tr: dict | None, worker: Worker, mode: str, equivalents, case_sizes: bool) -> dict:
    from xpiler.oracle import native
    ref = k.reference
    kid = kernel_id(k)
    row = {"id": kid, "kind": "C" if k.platform == "vnni" else "xpiler", "platform": k.platform,
           "family": ref.FAMILY, "notes": []}
    if tr is not None:
        row["translated"] = tr["ok"]
        row["verified"] = tr.get("verified", False)
        if not tr["ok"]:
            row["notes"].append(f"translation failed: {tr['reason']}")
            return row
        text = tr["text"]
    else:
        text = k.source.read_text()
    try:
        lib = native.compile_shared(text, "vnni")
    except native.NativeError as e:
        errors = [line.split("error:", 1)[1].strip() for line in str(e).splitlines() if "error:" in line]
        row["notes"].append(f"does not compile: {(errors or [str(e).strip()[-150:]])[0][:150]}")
        return row
    case, largest, label = perf_case(k)
    if case_sizes:
        case, label = largest, ("fixed" if label == "fixed" else "largest case")
    task = {"id": kid, "platform": k.platform, "source": str(k.source), "lib": str(lib), "mode": mode,
            "case": case, "label": label, "equivalents": equivalents,
            "memory_bound": ref.FAMILY in MEMORY_BOUND}
    res = worker.run(task, TASK_TIMEOUT_S)
    if label == "perf" and ("perf_rejected" in res or "crash" in res or "error" in res):
        why = res.get("perf_rejected") or res.get("crash") or res.get("error")
        row["notes"].append(f"at {sizes_text(case)}: {why}; timed at its largest case")
        checked = {key: res[key] for key in ("wrong", "torch", "torch_note") if key in res}
        task.update(case=largest, label="largest case", check="torch" not in checked, checked=checked)
        res = worker.run(task, TASK_TIMEOUT_S)
        case, label = largest, "largest case"
    row.update(sizes=sizes_text(case), size_label=label, case=case)
    if "crash" in res or "error" in res:
        row["notes"].append(f"measurement failed: {res.get('crash') or res.get('error')}")
        row["torch"] = res.get("torch")
        return row
    row.update({key: v for key, v in res.items() if key not in ("id",)})
    if res.get("wrong"):
        row["notes"].append(f"wrong output on the reference cases: {res['wrong']}")
    if res.get("perf_differs"):
        row["notes"].append(f"at its largest case: {res['perf_differs']}")
    if res.get("numerics"):
        row["notes"].append(res["numerics"])
    for label_ in ("1t", "all"):
        xp, tt, cp = res.get(f"xp_{label_}"), res.get(f"torch_{label_}"), res.get(f"copy_{label_}")
        if xp and tt:
            row[f"ratio_{label_}"] = tt / xp
        if xp and cp:
            row[f"copyfrac_{label_}"] = cp / xp
    row["in_geomean"] = bool(row.get("ratio_1t") and not res.get("wrong") and not res.get("perf_differs")
                             and res.get("torch_1t", 0) * 1e6 >= TORCH_MIN_US)
    return row


def _progress(r: dict) -> str:
    us = lambda key: f"{r[key] * 1e6:10.1f}" if r.get(key) else f"{'-':>10s}"
    ratio = f"{r['ratio_1t']:7.3f}x" if r.get("ratio_1t") else f"{'-':>8s}"
    return (f"  {r['id']:48s} {r['kind']:6s} xp1t {us('xp_1t')} us torch1t {us('torch_1t')} us {ratio} "
            f"{(r.get('torch') or '')[:30]} {'; '.join(r['notes'])[:120]}")


# -------------------------------------------------------------------------------------------------- table ----

def geomean(values: list[float]) -> float | None:
    vals = [v for v in values if v and v > 0]
    return math.exp(sum(map(math.log, vals)) / len(vals)) if vals else None


def _fmt_us(s: float | None) -> str:
    if not s:
        return "-"
    us = s * 1e6
    return f"{us:,.0f}" if us >= 100 else f"{us:.1f}"


def _fmt_ratio(x: float | None) -> str:
    return "-" if not x else (f"{x:.2f}" if x >= 0.1 else f"{x:.3f}" if x >= 0.001 else f"{x:.1e}")


def _fmt_frac(x: float | None) -> str:
    return "-" if not x else f"{x:.2f}"


def _gm(rows, key) -> str:
    g = geomean([r.get(key) for r in rows])
    return f"{g:.3f}x" if g else "-"


def table(result: dict, argv: list[str]) -> str:
    info, rows = result["info"], result["rows"]
    lines = [f"# bench/perf.py — {info['date']} — {info['machine']}: {info['cpu']}, {info['cpus']} cpus; "
             f"threads: 1 and {info['torch_threads']} (all); torch {info['torch']}, numpy {info['numpy']}, "
             f"Python {info['python']}",
             f"# command: python bench/perf.py {' '.join(argv)}".rstrip(),
             f"# vnni flags: {info['flags']}; mode {info['mode']} (median of up to {REPS[info['mode']]['reps']} "
             f"samples after 2 to 8 warm-up calls); load average {info['load_start'][0]:.2f} at start, "
             f"{info['load_end'][0]:.2f} at end; {info['seconds'] / 60:.1f} min "
             f"({info['translate_s']:.0f} s translating)",
             "# 1T times: median CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID; the kernel, torch and the "
             "copy run on it), so that other processes on a shared machine do not count; all-thread times: median "
             "wall time (they do count: read them with the load average above)",
             "# ratio = torch time / output time (> 1: the output is faster); copy = memcpy of the same traffic / "
             "output time; kind xpiler = translated to vnni by xpiler, C = the vnni kernel as written", "",
             "| kernel | kind | family | sizes | out 1T us | torch 1T us | ratio 1T | out all us | torch all us "
             "| ratio all | copy 1T | copy all | note |",
             "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        notes = list(r["notes"])
        torch_state = r.get("torch") or ""
        if torch_state and torch_state != "ok":
            notes.insert(0, "torch " + torch_state)
        if r.get("ratio_1t") and not r.get("in_geomean") and r.get("torch_1t", 1) * 1e6 < TORCH_MIN_US:
            notes.append("torch < 20 us: not in geomean")
        if r.get("torch_note"):
            notes.append("torch: " + r["torch_note"])
        if r.get("kind") == "xpiler" and r.get("translated") and not r.get("verified"):
            notes.append("output not self-verified")
        sizes = r.get("sizes", "-")
        if r.get("size_label") in ("fixed", "largest case"):
            sizes = f"{sizes} ({r['size_label']})" if sizes != "-" else r["size_label"]
        lines.append(f"| {r['id']} | {r['kind']} | {r['family']} | {sizes} | {_fmt_us(r.get('xp_1t'))} | "
                     f"{_fmt_us(r.get('torch_1t'))} | {_fmt_ratio(r.get('ratio_1t'))} | {_fmt_us(r.get('xp_all'))} | "
                     f"{_fmt_us(r.get('torch_all'))} | {_fmt_ratio(r.get('ratio_all'))} | "
                     f"{_fmt_frac(r.get('copyfrac_1t'))} | {_fmt_frac(r.get('copyfrac_all'))} | "
                     f"{'; '.join(notes).replace('|', '/')} |")
    lines += ["", summary(rows)]
    return "\n".join(lines)


def summary(rows: list[dict]) -> str:
    xp = [r for r in rows if r["kind"] == "xpiler"]
    c = [r for r in rows if r["kind"] == "C"]
    counted = lambda rs: [r for r in rs if r.get("in_geomean")]
    lines = ["## Summary (geomean of torch/output over kernels with a correct output and torch >= 20 us on 1 thread)",
             "", "| rows | kernels | timed | in geomean | geomean 1T | geomean all | below 0.3x (1T) "
                 "| below 0.3x (all) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, rs in (("xpiler -> vnni (all sources)", xp),) + tuple(
            (f"xpiler {p} -> vnni", [r for r in xp if r["platform"] == p]) for p in SOURCES) + (
            ("C (vnni kernels as written)", c),):
        g = counted(rs)
        lines.append(f"| {name} | {len(rs)} | {sum(bool(r.get('xp_1t')) for r in rs)} | {len(g)} | "
                     f"{_gm(g, 'ratio_1t')} | {_gm(g, 'ratio_all')} | "
                     f"{sum(r['ratio_1t'] < SLOW_RATIO for r in g)} | "
                     f"{sum(r.get('ratio_all', 1) < SLOW_RATIO for r in g)} |")
    lines += ["", "Per family (kernels in the geomean):", "",
              "| family | xpiler n | xpiler 1T | xpiler all | C n | C 1T | C all | copy fraction 1T (xpiler, median) |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for fam in sorted({r["family"] for r in rows}):
        gx = counted([r for r in xp if r["family"] == fam])
        gc = counted([r for r in c if r["family"] == fam])
        fr = [r["copyfrac_1t"] for r in gx if r.get("copyfrac_1t")]
        lines.append(f"| {fam} | {len(gx)} | {_gm(gx, 'ratio_1t')} | {_gm(gx, 'ratio_all')} | {len(gc)} | "
                     f"{_gm(gc, 'ratio_1t')} | {_gm(gc, 'ratio_all')} | "
                     f"{f'{statistics.median(fr):.2f}' if fr else '-'} |")
    worst = sorted(counted(xp), key=lambda r: r["ratio_1t"])[:5]
    lines += ["", "Slowest xpiler outputs (1 thread): " + "; ".join(
        f"{r['id']} {_fmt_ratio(r['ratio_1t'])}x ({r['sizes'] if r['size_label'] == 'perf' else r['size_label']})"
        for r in worst)]
    below = [r["id"] for r in rows if r.get("ratio_1t") and not r.get("in_geomean")
             and r.get("torch_1t", 1) * 1e6 < TORCH_MIN_US]
    lists = [("Torch under 20 us (listed, not in the geomean)", below),
             ("No torch equivalent", [f"{r['id']} ({r['torch'][5:]})" for r in rows
                                      if (r.get("torch") or "").startswith("n/a")]),
             ("Torch equivalent refused", [f"{r['id']} ({r['torch'][9:]})" for r in rows
                                           if (r.get("torch") or "").startswith("refused")]),
             ("Translation failed", [r["id"] for r in xp if r.get("translated") is False]),
             ("Output wrong on the reference cases", [r["id"] for r in rows if r.get("wrong")]),
             ("Not measured", [r["id"] for r in rows if any(n.startswith(("measurement failed", "does not compile"))
                                                           for n in r["notes"])]),
             ("Timed at the largest reference case instead of PERF_SIZES",
              [r["id"] for r in rows if any("timed at its largest case" in n for n in r["notes"])])]
    for title, items in lists:
        lines.append(f"\n{title} ({len(items)}): " + (", ".join(items) if items else "none"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        worker_main()
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", action="append", help="substring a kernel id must contain (repeatable: any)")
    ap.add_argument("--family", help="only kernels of this family")
    ap.add_argument("--set", choices=["all", "corpus", "wild"], default="all")
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (5 samples, 0.15 s per measurement)")
    ap.add_argument("--case-sizes", action="store_true",
                    help="time at the largest reference case instead of PERF_SIZES (a smoke run)")
    ap.add_argument("--json", help="write the machine info and every row to this file")
    ap.add_argument("--cache", help="translation cache folder (default: <tmp>/xpiler-perf)")
    ap.add_argument("--jobs", type=int, default=1, help="translations in parallel (processes)")
    ap.add_argument("--equivalents", help="a Python file that registers extra or replacement torch equivalents "
                                          "(`register('cuda/x')(fn)`, as in bench/torch_equivalents.py)")
    ap.add_argument("--cuda", action="store_true",
                    help="translations to cuda vs PyTorch CUDA (needs a lent GPU; not implemented)")
    args = ap.parse_args(argv)
    if args.cuda:
        print("bench/perf.py --cuda: timing translations to cuda against PyTorch CUDA needs a GPU. None is part of "
              "this machine; a lent one (the `device` tool) is where it would run, with nvcc and a CUDA build of "
              "torch. This mode is not implemented yet: nothing was measured.", file=sys.stderr)
        return 2
    try:
        import torch  # noqa: F401
    except ImportError:
        print("bench/perf.py needs torch (the bench extra): pip install -e '.[bench]'", file=sys.stderr)
        return 2
    from xpiler.oracle import native
    if native.available("vnni") or not native.cpu_runs_vnni():
        print(f"bench/perf.py needs g++ and a CPU with AVX-512 VNNI: "
              f"{native.available('vnni') or 'this CPU lacks avx512_vnni'}", file=sys.stderr)
        return 2
    kernels = [k for k in all_kernels(args.set)
               if (not args.only or any(s in kernel_id(k) for s in args.only))
               and (not args.family or k.reference.FAMILY == args.family)]
    result = run(kernels, "quick" if args.quick else "full", Path(args.cache) if args.cache else None,
                 args.equivalents, args.case_sizes, args.jobs, log=lambda s: print(s, file=sys.stderr, flush=True))
    print(table(result, argv))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())
