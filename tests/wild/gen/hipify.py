#!/usr/bin/env python3
"""CUDA -> HIP by the usual renaming, as hipify-perl does it: tests/wild/cuda/tvm_*.cu -> tests/wild/hip/tvm_*.hip.

    python3 tests/wild/gen/hipify.py                    # every tests/wild/cuda/tvm_*.cu (+ its .py)
    python3 tests/wild/gen/hipify.py FILE.cu [-o OUT.hip] [--ggl | --chevrons]

What it does, and nothing more (no hand-fixing of the output):
  1. hipify-perl's regex renames: CUDA headers -> <hip/hip_runtime.h>, the runtime API names this
     code uses (cudaMalloc -> hipMalloc, cudaMemcpyHostToDevice -> hipMemcpyHostToDevice,
     cudaError_t -> hipError_t, ...); user names (CUDA_CHECK), `__CUDA_ARCH__`, `__CUDACC_*__`,
     `cuda::std` and the device code are left alone, as hipify-perl leaves them.
  2. kernel launches: `k<<<g, b[, shm]>>>(args)` -> `hipLaunchKernelGGL(k, dim3(g), dim3(b), shm,
     0, args)` as hipify-perl writes them (--ggl), or `<<<>>>` kept as hipify-clang keeps them
     (--chevrons); in the batch mode every other launcher file gets each.
  3. the one fix a user of HIP before 6.2 must add for the port to compile at all: TVM's reductions
     call `__activemask()` and `__shfl_*_sync(mask, ...)` (CUDA 9 warp-sync builtins), which that HIP
     lacks; like TVM's own pre-sm_70 fallback in the same preamble, a macro shim maps them to
     `__ballot(1)` and the mask-less `__shfl*` (width 32 carried over from CUDA). Added only where
     the file uses them, and only when HIP_ENABLE_WARP_SYNC_BUILTINS (HIP >= 6.2's own) is unset.
     And the other compile error hipcc (clang) gives on every TVM kernel with shared memory:
     `__shared__ alignas(64) float buf[N];` is "an attribute list cannot appear here" (HIP's
     `__shared__` is a GNU attribute, alignas may not follow it), so the two are swapped:
     `alignas(64) __shared__ float buf[N];`.

The reference file is copied with ORIGIN "... + tests/wild/gen/hipify.py".
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CUDA_DIR = ROOT / "tests" / "wild" / "cuda"
HIP_DIR = ROOT / "tests" / "wild" / "hip"

HEADERS = {
    "cuda.h": "hip/hip_runtime.h",
    "cuda_runtime.h": "hip/hip_runtime.h",
    "cuda_runtime_api.h": "hip/hip_runtime_api.h",
    "cuda_fp16.h": "hip/hip_fp16.h",
}

# hipify-perl's runtime API table, the part that kernels like these use
API = {
    "cudaMalloc": "hipMalloc",
    "cudaFree": "hipFree",
    "cudaMemcpy": "hipMemcpy",
    "cudaMemcpyAsync": "hipMemcpyAsync",
    "cudaMemset": "hipMemset",
    "cudaMemcpyHostToDevice": "hipMemcpyHostToDevice",
    "cudaMemcpyDeviceToHost": "hipMemcpyDeviceToHost",
    "cudaMemcpyDeviceToDevice": "hipMemcpyDeviceToDevice",
    "cudaDeviceSynchronize": "hipDeviceSynchronize",
    "cudaGetLastError": "hipGetLastError",
    "cudaPeekAtLastError": "hipPeekAtLastError",
    "cudaGetErrorString": "hipGetErrorString",
    "cudaError_t": "hipError_t",
    "cudaSuccess": "hipSuccess",
    "cudaStream_t": "hipStream_t",
    "cudaStreamCreate": "hipStreamCreate",
    "cudaStreamDestroy": "hipStreamDestroy",
    "cudaStreamSynchronize": "hipStreamSynchronize",
    "cudaEvent_t": "hipEvent_t",
    "cudaSetDevice": "hipSetDevice",
}

WARP_SYNC_SHIM = """\
// HIP before 6.2 has no CUDA 9 warp-sync builtins: map them as TVM itself does for pre-sm_70 GPUs
#if !defined(HIP_ENABLE_WARP_SYNC_BUILTINS)
#define __activemask() __ballot(1)
#define __shfl_sync(mask, var, lane, width) __shfl((var), (lane), (width))
#define __shfl_down_sync(mask, var, offset, width) __shfl_down((var), (offset), (width))
#define __shfl_up_sync(mask, var, offset, width) __shfl_up((var), (offset), (width))
#define __shfl_xor_sync(mask, var, lane_mask, width) __shfl_xor((var), (lane_mask), (width))
#endif
"""


def _split_args(text: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
            continue
        depth += {"(": 1, ")": -1, "[": 1, "]": -1}.get(ch, 0)
        cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def _launches_to_ggl(text: str) -> str:
    """kernel<<<g, b[, shm[, stream]]>>>(args); -> hipLaunchKernelGGL(kernel, dim3(g), dim3(b), shm, stream, args);"""
    pat = re.compile(r"(\w+)\s*<<<(.*?)>>>\s*\(")
    out, pos = [], 0
    for m in pat.finditer(text):
        if m.start() < pos:
            continue
        depth, i = 1, m.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        cfg = _split_args(m.group(2)) + ["0", "0"]
        args = text[m.end():i - 1].strip()
        call = f"hipLaunchKernelGGL({m.group(1)}, dim3({cfg[0]}), dim3({cfg[1]}), {cfg[2]}, {cfg[3]}"
        call += f", {args})" if args else ")"
        out.append(text[pos:m.start()] + call)
        pos = i
    out.append(text[pos:])
    return "".join(out)


def hipify(text: str, ggl: bool) -> str:
    for cu, hip in HEADERS.items():
        text = re.sub(rf"#(\s*)include\s*<{re.escape(cu)}>", rf"#\1include <{hip}>", text)
        text = re.sub(rf'#(\s*)include\s*"{re.escape(cu)}"', rf'#\1include "{hip}"', text)
    text = re.sub(r"\b(" + "|".join(sorted(API, key=len, reverse=True)) + r")\b", lambda m: API[m.group(1)], text)
    if ggl:
        text = _launches_to_ggl(text)
    text = re.sub(r"\b__shared__(\s+)(alignas\(\s*\d+\s*\))", r"\2\1__shared__", text)
    if re.search(r"\b__activemask\s*\(|\b__shfl(_up|_down|_xor)?_sync\s*\(", text):
        # after TVM's own `__CUDA_ARCH__ < 700` fallback block if there is one, else before the code
        m = re.search(r"#if defined\(__CUDA_ARCH__\) && \(__CUDA_ARCH__ < 700\).*?#endif\n", text, re.S)
        at = m.end() if m else re.search(r'^extern "C"', text, re.M).start()
        text = text[:at] + "\n" + WARP_SYNC_SHIM + text[at:]
    return text


def reference(text: str) -> str:
    text = re.sub(r'^(ORIGIN = ".*?)"$', r'\1 + tests/wild/gen/hipify.py"', text, count=1, flags=re.M)
    return text.replace("TVM-generated", "TVM-generated CUDA, hipified", 1)


def port(src: Path, dst: Path, ggl: bool) -> None:
    text = src.read_text()
    head = (f"// HIP port of tests/wild/cuda/{src.name} by tests/wild/gen/hipify.py "
            f"({'hipLaunchKernelGGL' if ggl else 'launches kept'}); do not edit.\n")
    dst.write_text(head + hipify(text, ggl))
    ref = src.with_suffix(".py")
    if ref.exists():
        dst.with_suffix(".py").write_text(reference(ref.read_text()))


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*")
    ap.add_argument("-o", "--output")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--ggl", action="store_true", help="launches as hipLaunchKernelGGL (hipify-perl)")
    g.add_argument("--chevrons", action="store_true", help="keep <<<>>> (hipify-clang)")
    args = ap.parse_args(argv)
    if args.files:
        for f in map(Path, args.files):
            out = Path(args.output) if args.output else f.with_suffix(".hip")
            port(f, out, not args.chevrons)
        return 0
    HIP_DIR.mkdir(parents=True, exist_ok=True)
    hosted = 0
    for src in sorted(CUDA_DIR.glob("tvm_*.cu")):
        has_launch = "<<<" in src.read_text()
        ggl = (hosted % 2 == 0) if has_launch else False
        hosted += has_launch
        if args.ggl or args.chevrons:
            ggl = args.ggl
        port(src, HIP_DIR / (src.stem + ".hip"), ggl)
        print(f"{src.relative_to(ROOT)} -> tests/wild/hip/{src.stem}.hip"
              f"{' (hipLaunchKernelGGL)' if ggl else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
