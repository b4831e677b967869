"""CUDA and HIP kernels on a CPU: the simt_cpu emulation (oracle/include/simt_cpu/, platforms
"cuda-cpu" and "hip-cpu" of oracle/native.py).

* every cuda and hip corpus kernel, every case, under the forward and the reverse schedule,
  against its numpy reference;
* planted bugs it must catch: a missing __syncthreads (read-after-write and write-after-read),
  a wrong shuffle offset (and a warp-32 reduction on a 64-lane wavefront), an out-of-bounds write;
* its mechanisms against the platform notes: shuffle segments (cuda.md §5 for 32 lanes,
  hip.md §4 for 64), MFMA lane maps and BLGP (hip.md §7.1, 7.2, 7.4 numpy model), WMMA fragments
  opaque (cuda.md §9), and the undefined behaviour it reports (divergent barriers, exited lanes
  in a mask, launch bounds, host pointers, shared-memory overflow, memcpy overflow).
"""
from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from tests.corpus_support import assert_outputs_match, corpus
from xpiler.oracle import native

PLATFORM = {"cuda": "cuda-cpu", "hip": "hip-cpu"}
KERNELS = corpus("cuda") + corpus("hip")
BY_ID = {k.id: k for k in KERNELS}

pytestmark = pytest.mark.skipif(
    native.available("cuda-cpu") is not None,
    reason=f"cannot compile the CUDA/HIP CPU emulation: {native.available('cuda-cpu')}")


def _mutate(kernel_id: str, old: str, new: str, nth: int = 0) -> str:
    """The kernel's source with the nth occurrence of `old` replaced by `new`."""
    text = BY_ID[kernel_id].source.read_text()
    at = -1
    for _ in range(nth + 1):
        at = text.index(old, at + 1)
    return text[:at] + new + text[at + len(old):]


# Planted bugs: (test id, kernel, old text, new text, occurrence)
MISSING_SYNC = [
    ("cuda-transpose-raw", "cuda/transpose", "__syncthreads();", "", 0),    # tile read before written
    ("hip-gemm_lds-war", "hip/gemm_lds", "__syncthreads();", "", 1),       # tile overwritten while read
]
WRONG_SHUFFLE = [
    ("cuda-reduce-offset", "cuda/reduce_sum_max", "__shfl_down_sync(FULL_MASK, s, o)",
     "__shfl_down_sync(FULL_MASK, s, o + 1)", 0),
    ("hip-rmsnorm-warp32", "hip/rmsnorm", "WAVE / 2", "16", 0),           # CUDA-style reduction on 64 lanes
]
OUT_OF_BOUNDS = [
    ("cuda-gelu-guard", "cuda/gelu_f16", "i < n;", "i <= n;", 0),
    ("hip-concat-guard", "hip/concat", "if (idx >= batch", "if (idx > batch", 0),
]
PLANTED = {p[0]: p for p in MISSING_SYNC + WRONG_SHUFFLE + OUT_OF_BOUNDS}


def _planted_source(pid: str) -> tuple[str, str]:
    _, kid, old, new, nth = PLANTED[pid]
    return _mutate(kid, old, new, nth), PLATFORM[BY_ID[kid].platform]


@pytest.fixture(scope="module", autouse=True)
def _compile_everything_in_parallel():
    """Compile all sources of this module up front on every core (cached by native.compile_shared);
    failures are left for the tests themselves to report."""
    jobs = [(k.source, PLATFORM[k.platform]) for k in KERNELS]
    jobs += [_planted_source(pid) for pid in PLANTED]
    jobs += [(CUDA_CHECKS, "cuda-cpu"), (HIP_CHECKS, "hip-cpu")]

    def build(job):
        try:
            native.compile_shared(*job)
        except native.NativeError:
            pass

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        list(pool.map(build, jobs))


def _run_case(kernel, source, case: dict, schedule: str = "forward") -> None:
    """Run one case on the emulator and compare with the reference (raises on any difference)."""
    ref = kernel.reference
    inputs = kernel.inputs(case)
    got = native.run_native(source, PLATFORM[kernel.platform], ref.ENTRY, ref.PARAMS, inputs,
                            schedule=schedule)
    want = ref.reference({n: (v.copy() if isinstance(v, np.ndarray) else v) for n, v in inputs.items()})
    assert set(want) == set(ref.OUTPUTS), f"{kernel.id}: reference returns {sorted(want)}"
    assert_outputs_match(kernel, got, want)


def _failure(kernel, source, case: dict, schedule: str = "forward") -> str | None:
    """None when the case matches its reference, else what went wrong."""
    try:
        _run_case(kernel, source, case, schedule)
    except (AssertionError, native.NativeError) as exc:
        return str(exc)
    return None


# ---- the corpus ---------------------------------------------------------------------------------
def test_corpus_present():
    assert len(corpus("cuda")) >= 10 and len(corpus("hip")) >= 10


@pytest.mark.parametrize("schedule", ["forward", "reverse"])
@pytest.mark.parametrize("kernel,case", [pytest.param(k, c, id=f"{k.id}[{i}]")
                                         for k in KERNELS for i, c in enumerate(k.cases())])
def test_corpus_kernel_matches_reference(kernel, case, schedule):
    _run_case(kernel, kernel.source, case, schedule)


def test_runs_are_deterministic():
    kernel = BY_ID["cuda/reduce_sum_max"]  # float atomicAdd across blocks
    ref = kernel.reference
    runs = [native.run_native(kernel.source, "cuda-cpu", ref.ENTRY, ref.PARAMS, kernel.inputs(kernel.cases()[0]))
            for _ in range(2)]
    for name in ref.OUTPUTS:
        assert runs[0][name].tobytes() == runs[1][name].tobytes()


# ---- planted bugs ---------------------------------------------------------------------------------
@pytest.mark.parametrize("schedule", ["forward", "reverse"])
@pytest.mark.parametrize("pid", [p[0] for p in MISSING_SYNC])
def test_catches_missing_syncthreads(pid, schedule):
    source, _ = _planted_source(pid)
    kernel = BY_ID[PLANTED[pid][1]]
    failure = _failure(kernel, source, kernel.cases()[0], schedule)
    assert failure is not None, f"{pid}: missing __syncthreads went unnoticed"


@pytest.mark.parametrize("pid", [p[0] for p in WRONG_SHUFFLE])
def test_catches_wrong_shuffle_offset(pid):
    source, _ = _planted_source(pid)
    kernel = BY_ID[PLANTED[pid][1]]
    for case in kernel.cases():
        assert _failure(kernel, source, case) is not None, f"{pid}: wrong shuffle unnoticed in {case}"


@pytest.mark.parametrize("pid", [p[0] for p in OUT_OF_BOUNDS])
def test_catches_out_of_bounds_write(pid):
    source, _ = _planted_source(pid)
    kernel = BY_ID[PLANTED[pid][1]]
    failure = _failure(kernel, source, kernel.cases()[0])
    assert failure is not None and "out-of-bounds write" in failure, failure


# ---- mechanisms against the platform notes -------------------------------------------------------
CUDA_CHECKS = r"""
#include <cuda_runtime.h>
#include <mma.h>
using namespace nvcuda;

// ---- shuffle table: out[((mode * 6 + w) * NARG + a) * 64 + t] for 2 warps of 32 lanes
#define NARG 6
__device__ const int ARGS[NARG] = {0, 1, 3, 5, 16, 31};
__global__ void shfl_table(int* out) {
  const int t = threadIdx.x;
  const int v = 1000 + t;
  int w = 0;
  for (int width = 1; width <= 32; width *= 2, ++w)
    for (int a = 0; a < NARG; ++a) {
      const int arg = ARGS[a];
      out[((0 * 6 + w) * NARG + a) * 64 + t] = __shfl_sync(0xffffffffu, v, arg + 7 * t, width);
      out[((1 * 6 + w) * NARG + a) * 64 + t] = __shfl_up_sync(0xffffffffu, v, arg, width);
      out[((2 * 6 + w) * NARG + a) * 64 + t] = __shfl_down_sync(0xffffffffu, v, arg, width);
      out[((3 * 6 + w) * NARG + a) * 64 + t] = __shfl_xor_sync(0xffffffffu, v, arg, width);
    }
}
extern "C" void shfl_table_kernel(int* out) {
  int* d;
  const size_t bytes = 4 * 6 * NARG * 64 * sizeof(int);
  cudaMalloc(&d, bytes);
  shfl_table<<<1, 64>>>(d);
  cudaMemcpy(out, d, bytes, cudaMemcpyDeviceToHost);
  cudaFree(d);
}

// ---- errors the emulator must report
__global__ void divergent_barrier(int* out) {
  if (threadIdx.x < 32) __syncthreads();
  else __syncthreads();
  out[threadIdx.x] = 1;
}
__global__ void barrier_vs_warp(int* out) {
  if (threadIdx.x < 16) __syncthreads();
  else __syncwarp();
  out[threadIdx.x] = 1;
}
__global__ void lane_not_in_mask(int* out) {
  out[threadIdx.x] = __shfl_sync(0x1u, (int)threadIdx.x, 0);
}
__global__ void __launch_bounds__(64) bounded(int* out) { out[threadIdx.x] = 1; }
__global__ void shared_oob(int* out) {
  __shared__ int buf[32];
  buf[threadIdx.x + 1] = threadIdx.x;
  __syncthreads();
  out[threadIdx.x] = buf[threadIdx.x];
}
// case: 0 divergent barrier, 1 barrier vs __syncwarp, 2 calling lane not in mask, 3 launch bounds,
// 4 host pointer argument, 5 shared out-of-bounds, 6 memcpy beyond the allocation
extern "C" void error_kernel(int* out, int which) {
  int* d;
  cudaMalloc(&d, 128 * sizeof(int));
  switch (which) {
    case 0: divergent_barrier<<<1, 64>>>(d); break;
    case 1: barrier_vs_warp<<<1, 32>>>(d); break;
    case 2: lane_not_in_mask<<<1, 32>>>(d); break;
    case 3: bounded<<<1, 128>>>(d); break;
    case 4: bounded<<<1, 32>>>(out); break;
    case 5: shared_oob<<<1, 32>>>(d); break;
    case 6: cudaMemcpy(out, d, 129 * sizeof(int), cudaMemcpyDeviceToHost); break;
  }
  cudaMemcpy(out, d, 128 * sizeof(int), cudaMemcpyDeviceToHost);
  cudaFree(d);
}

// ---- exited lanes named in a mask do not take part; reading from one gives poison (-1 here)
__global__ void exited_lane(int* out) {
  if (threadIdx.x >= 16) return;
  out[threadIdx.x] = __shfl_down_sync(0xffffffffu, (int)threadIdx.x, 1);
}
extern "C" void exited_lane_kernel(int* out) {
  int* d;
  cudaMalloc(&d, 16 * sizeof(int));
  exited_lane<<<1, 32>>>(d);
  cudaMemcpy(out, d, 16 * sizeof(int), cudaMemcpyDeviceToHost);
  cudaFree(d);
}

// ---- WMMA: C = A B + bias[col]; `positional` adds the bias through x[i] (wrong on hardware)
__global__ void wmma_bias(const half* A, const half* B, const float* bias, float* C, int positional) {
  wmma::fragment<wmma::matrix_a, 16, 16, 16, half, wmma::row_major> a;
  wmma::fragment<wmma::matrix_b, 16, 16, 16, half, wmma::row_major> b;
  wmma::fragment<wmma::accumulator, 16, 16, 16, float> c;
  __shared__ __align__(32) float bias_tile[16][16];
  if (positional) {
    wmma::fill_fragment(c, 0.0f);
  } else {
    for (int i = threadIdx.x; i < 256; i += 32) bias_tile[i / 16][i % 16] = bias[i % 16];
    __syncwarp();
    wmma::load_matrix_sync(c, &bias_tile[0][0], 16, wmma::mem_row_major);
  }
  wmma::load_matrix_sync(a, A, 16);
  wmma::load_matrix_sync(b, B, 16);
  wmma::mma_sync(c, a, b, c);
  if (positional)
    for (int i = 0; i < c.num_elements; ++i) c.x[i] += bias[i % 16];
  wmma::store_matrix_sync(C, c, 16, wmma::mem_row_major);
}
extern "C" void wmma_bias_kernel(const half* A, const half* B, const float* bias, float* C, int positional) {
  half *dA, *dB;
  float *dbias, *dC;
  cudaMalloc(&dA, 256 * sizeof(half));
  cudaMalloc(&dB, 256 * sizeof(half));
  cudaMalloc(&dbias, 16 * sizeof(float));
  cudaMalloc(&dC, 256 * sizeof(float));
  cudaMemcpy(dA, A, 256 * sizeof(half), cudaMemcpyHostToDevice);
  cudaMemcpy(dB, B, 256 * sizeof(half), cudaMemcpyHostToDevice);
  cudaMemcpy(dbias, bias, 16 * sizeof(float), cudaMemcpyHostToDevice);
  wmma_bias<<<1, 32>>>(dA, dB, dbias, dC, positional);
  cudaMemcpy(C, dC, 256 * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(dA); cudaFree(dB); cudaFree(dbias); cudaFree(dC);
}
"""

HIP_CHECKS = r"""
#include <hip/hip_runtime.h>

// ---- shuffle table: out[((mode * 7 + w) * NARG + a) * 128 + t] for 2 wavefronts of 64 lanes
#define NARG 7
__device__ const int ARGS[NARG] = {0, 1, 3, 5, 16, 32, 63};
__global__ void shfl_table(int* out) {
  const int t = threadIdx.x;
  const int v = 1000 + t;
  int w = 0;
  for (int width = 1; width <= 64; width *= 2, ++w)
    for (int a = 0; a < NARG; ++a) {
      const int arg = ARGS[a];
      out[((0 * 7 + w) * NARG + a) * 128 + t] = __shfl(v, arg + 7 * t, width);
      out[((1 * 7 + w) * NARG + a) * 128 + t] = __shfl_up(v, arg, width);
      out[((2 * 7 + w) * NARG + a) * 128 + t] = __shfl_down(v, arg, width);
      out[((3 * 7 + w) * NARG + a) * 128 + t] = __shfl_xor(v, arg, width);
    }
}
extern "C" void shfl_table_kernel(int* out) {
  int* d;
  const size_t bytes = 4 * 7 * NARG * 128 * sizeof(int);
  hipMalloc(&d, bytes);
  hipLaunchKernelGGL(shfl_table, dim3(1), dim3(128), 0, 0, d);
  hipMemcpy(out, d, bytes, hipMemcpyDeviceToHost);
  hipFree(d);
}

// ---- MFMA: per-lane operands a[64][4], b[64][4], c[64][16] -> d[64][16]
typedef float floatx4 __attribute__((ext_vector_type(4)));
typedef float floatx16 __attribute__((ext_vector_type(16)));
typedef _Float16 halfx4 __attribute__((ext_vector_type(4)));

template <int BLGP>
__global__ void mfma_one(int kind, const float* a, const float* b, const float* c, float* d) {
  const int l = threadIdx.x;
  if (kind == 0 || kind == 1) {
    floatx4 acc;
    for (int r = 0; r < 4; ++r) acc[r] = c[l * 16 + r];
    if (kind == 0) {
      acc = __builtin_amdgcn_mfma_f32_16x16x4f32(a[l * 4], b[l * 4], acc, 0, 0, BLGP);
    } else {
      halfx4 av, bv;
      for (int e = 0; e < 4; ++e) { av[e] = (_Float16)a[l * 4 + e]; bv[e] = (_Float16)b[l * 4 + e]; }
      acc = __builtin_amdgcn_mfma_f32_16x16x16f16(av, bv, acc, 0, 0, BLGP);
    }
    for (int r = 0; r < 4; ++r) d[l * 16 + r] = acc[r];
  } else {
    floatx16 acc;
    for (int r = 0; r < 16; ++r) acc[r] = c[l * 16 + r];
    if (kind == 3) {
      acc = __builtin_amdgcn_mfma_f32_32x32x2f32(a[l * 4], b[l * 4], acc, 0, 0, BLGP);
    } else {
      halfx4 av, bv;
      for (int e = 0; e < 4; ++e) { av[e] = (_Float16)a[l * 4 + e]; bv[e] = (_Float16)b[l * 4 + e]; }
      acc = __builtin_amdgcn_mfma_f32_32x32x8f16(av, bv, acc, 0, 0, BLGP);
    }
    for (int r = 0; r < 16; ++r) d[l * 16 + r] = acc[r];
  }
}
// threads = 64 (one wavefront) or 32 (a partial wavefront: must be reported)
extern "C" void mfma_kernel(const float* a, const float* b, const float* c, float* d, int kind, int blgp,
                            int threads) {
  float *da, *db, *dc, *dd;
  hipMalloc(&da, 256 * sizeof(float));
  hipMalloc(&db, 256 * sizeof(float));
  hipMalloc(&dc, 1024 * sizeof(float));
  hipMalloc(&dd, 1024 * sizeof(float));
  hipMemcpy(da, a, 256 * sizeof(float), hipMemcpyHostToDevice);
  hipMemcpy(db, b, 256 * sizeof(float), hipMemcpyHostToDevice);
  hipMemcpy(dc, c, 1024 * sizeof(float), hipMemcpyHostToDevice);
  hipMemset(dd, 0, 1024 * sizeof(float));
  switch (blgp) {
#define CASE(B) case B: mfma_one<B><<<1, threads>>>(kind, da, db, dc, dd); break;
    CASE(0) CASE(1) CASE(2) CASE(3) CASE(4) CASE(5) CASE(6) CASE(7)
#undef CASE
  }
  hipMemcpy(d, dd, 1024 * sizeof(float), hipMemcpyDeviceToHost);
  hipFree(da); hipFree(db); hipFree(dc); hipFree(dd);
}
"""


def _shuffle_model(mode: int, lane: int, arg: int, width: int) -> int:
    """Source lane per cuda.md §5 (hip.md §4: same rules over 64 lanes)."""
    base = lane // width * width
    if mode == 0:
        return base + (arg & (width - 1))
    if mode == 1:
        s = lane - arg
        return s if s >= base else lane
    s = lane + arg if mode == 2 else lane ^ arg
    return s if s < base + width else lane


@pytest.mark.parametrize("platform,warp,args,threads", [
    ("cuda-cpu", 32, [0, 1, 3, 5, 16, 31], 64),
    ("hip-cpu", 64, [0, 1, 3, 5, 16, 32, 63], 128),
])
def test_shuffle_segments(platform, warp, args, threads):
    source = CUDA_CHECKS if platform == "cuda-cpu" else HIP_CHECKS
    widths = [1 << i for i in range(warp.bit_length())]
    shape = (4, len(widths), len(args), threads)
    out = native.run_native(source, platform, "shfl_table_kernel", ["out"],
                            {"out": np.zeros(shape, np.int32)})["out"]
    want = np.empty(shape, np.int32)
    for mode in range(4):
        for w, width in enumerate(widths):
            for a, arg in enumerate(args):
                for t in range(threads):
                    lane, first = t % warp, t - t % warp
                    lane_arg = arg + 7 * t if mode == 0 else arg  # __shfl: per-lane source
                    want[mode, w, a, t] = 1000 + first + _shuffle_model(mode, lane, lane_arg, width)
    bad = np.argwhere(out != want)
    assert bad.size == 0, f"first mismatch (mode, width index, arg index, thread) = {bad[0]}"


MFMA_LAYOUT = {  # hip.md §7.4: kind -> (M, N, K, a_elems, acc_elems, A_map, B_map, C_map)
    0: (16, 16, 4, 1, 4, lambda l, e: (l % 16, l // 16), lambda l, e: (l // 16, l % 16),
        lambda l, r: (4 * (l // 16) + r, l % 16)),
    1: (16, 16, 16, 4, 4, lambda l, e: (l % 16, 4 * (l // 16) + e), lambda l, e: (4 * (l // 16) + e, l % 16),
        lambda l, r: (4 * (l // 16) + r, l % 16)),
    2: (32, 32, 8, 4, 16, lambda l, e: (l % 32, 4 * (l // 32) + e), lambda l, e: (4 * (l // 32) + e, l % 32),
        lambda l, r: (8 * (r // 4) + 4 * (l // 32) + r % 4, l % 32)),
    3: (32, 32, 2, 1, 16, lambda l, e: (l % 32, l // 32), lambda l, e: (l // 32, l % 32),
        lambda l, r: (8 * (r // 4) + 4 * (l // 32) + r % 4, l % 32)),
}
BLGP_SRC = [lambda l: l, lambda l: l % 32, lambda l: 32 + l % 32, lambda l: (l + 16) % 64,
            lambda l: l % 16, lambda l: 16 + l % 16, lambda l: 32 + l % 16, lambda l: 48 + l % 16]


def _mfma_model(kind, a, b, c, blgp):
    M, N, K, E, R, fa, fb, fc = MFMA_LAYOUT[kind]
    A = np.zeros((M, K)); B = np.zeros((K, N)); C = np.zeros((M, N))
    for l in range(64):
        for e in range(E):
            A[fa(l, e)] = a[l, e]
            B[fb(l, e)] = b[BLGP_SRC[blgp](l), e]
        for r in range(R):
            C[fc(l, r)] = c[l, r]
    D = (C + A @ B).astype(np.float32)
    d = np.zeros((64, 16), np.float32)
    for l in range(64):
        for r in range(R):
            d[l, r] = D[fc(l, r)]
    return d


@pytest.mark.parametrize("kind", range(4))
def test_mfma_lane_maps_and_blgp(kind):
    rng = np.random.default_rng(kind)
    a = rng.standard_normal((64, 4)).astype(np.float16).astype(np.float32)  # exact in f16 and f32
    b = rng.standard_normal((64, 4)).astype(np.float16).astype(np.float32)
    c = rng.standard_normal((64, 16)).astype(np.float32)
    for blgp in range(8):
        got = native.run_native(HIP_CHECKS, "hip-cpu", "mfma_kernel",
                                ["a", "b", "c", "d", "kind", "blgp", "threads"],
                                dict(a=a, b=b, c=c, d=np.zeros((64, 16), np.float32), kind=np.int32(kind),
                                     blgp=np.int32(blgp), threads=np.int32(64)))["d"]
        np.testing.assert_allclose(got, _mfma_model(kind, a, b, c, blgp), rtol=1e-6, atol=1e-6,
                                   err_msg=f"kind {kind} blgp {blgp}")


def test_mfma_in_partial_wavefront_is_reported():
    z = np.zeros((64, 16), np.float32)
    with pytest.raises(native.NativeError, match="partial warp"):
        native.run_native(HIP_CHECKS, "hip-cpu", "mfma_kernel", ["a", "b", "c", "d", "kind", "blgp", "threads"],
                          dict(a=z[:, :4].copy(), b=z[:, :4].copy(), c=z, d=z.copy(), kind=np.int32(0),
                               blgp=np.int32(0), threads=np.int32(32)))


def test_wmma_fragments_are_opaque():
    """Bias through shared memory is right; bias by fragment index x[i] (wrong on hardware) fails."""
    rng = np.random.default_rng(3)
    A = rng.standard_normal((16, 16)).astype(np.float16)
    B = rng.standard_normal((16, 16)).astype(np.float16)
    bias = rng.standard_normal(16).astype(np.float32)
    want = A.astype(np.float64) @ B.astype(np.float64) + bias
    for positional in (0, 1):
        C = native.run_native(CUDA_CHECKS, "cuda-cpu", "wmma_bias_kernel", ["A", "B", "bias", "C", "positional"],
                              dict(A=A, B=B, bias=bias, C=np.zeros((16, 16), np.float32),
                                   positional=np.int32(positional)))["C"]
        assert np.allclose(C, want, rtol=1e-5, atol=1e-5) == (not positional)


@pytest.mark.parametrize("which,message", [
    (0, "divergent block barrier"),
    (1, "deadlock.*threads 0-15 at __syncthreads; threads 16-31 at __syncwarp"),
    (2, "calling lane 1 is not in its mask 0x1"),
    (3, r"exceeds __launch_bounds__\(64\)"),
    (4, "does not point into device memory"),
    (5, "after the end of a static __shared__ array"),
    (6, "not inside one device allocation"),
])
def test_undefined_behaviour_is_reported(which, message):
    with pytest.raises(native.NativeError, match=message):
        native.run_native(CUDA_CHECKS, "cuda-cpu", "error_kernel", ["out", "which"],
                          {"out": np.zeros(128, np.int32), "which": np.int32(which)})


def test_exited_lanes_in_a_mask_read_as_poison():
    out = native.run_native(CUDA_CHECKS, "cuda-cpu", "exited_lane_kernel", ["out"],
                            {"out": np.zeros(16, np.int32)})["out"]
    assert out.tolist() == list(range(1, 16)) + [-1]


def test_hip_sync_shuffles_need_64_bit_masks():
    source = ("__global__ void k(int* p) { p[threadIdx.x] = __shfl_down_sync(0xffffffffu, 1, 1); }\n"
              'extern "C" void k_kernel() {}\n')
    with pytest.raises(native.NativeError, match="64-bit"):
        native.compile_shared(source, "hip-cpu")


def test_prepare_source_keeps_line_numbers():
    for k in KERNELS:
        text = k.source.read_text()
        out = native.prepare_source(text, PLATFORM[k.platform])
        assert out.count("\n") == text.count("\n"), k.id
        assert "<<<" not in re.sub(r"//.*|/\*.*?\*/", "", out, flags=re.S), k.id
