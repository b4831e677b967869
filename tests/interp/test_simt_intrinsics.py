"""CUDA/HIP intrinsic families in the interpreter against hand-computed cases (cuda.md §5, §6,
§9; hip.md §4, §7): shuffles with widths and clamping, 32- vs 64-lane warps, atomics returning
old values in lane order, wmma tiles with both layouts, MFMA lane maps."""
import numpy as np
import pytest

from xpiler.grammar import parse
from xpiler.interp import Interpreter

LAUNCH = """
extern "C" void run(const float* x, float* y, int n) {
  float *dx, *dy;
  cudaMalloc((void**)&dx, n * sizeof(float)); cudaMalloc((void**)&dy, n * sizeof(float));
  cudaMemcpy(dx, x, n * sizeof(float), cudaMemcpyHostToDevice);
  k<<<1, BLOCK>>>(dx, dy, n);
  cudaMemcpy(y, dy, n * sizeof(float), cudaMemcpyDeviceToHost);
}
"""


def simt(body: str, n: int, block: int, platform="cuda", x=None):
    src = f"#define BLOCK {block}\n__global__ void k(const float* x, float* y, int n) {{ int t = threadIdx.x; {body} }}\n" + LAUNCH
    if platform == "hip":
        src = src.replace("cuda", "hip")
    x = np.arange(n, dtype=np.float32) if x is None else x
    out = Interpreter(parse(src, f"k.{'cu' if platform == 'cuda' else 'hip'}")).run(
        "run", {"x": x, "y": np.zeros(n, np.float32), "n": np.int32(n)})
    return out["y"]


def test_shfl_down_clamps_at_segment_end():
    y = simt("y[t] = __shfl_down_sync(0xffffffff, x[t], 3, 8);", 32, 32)
    lane = np.arange(32)
    want = np.where(lane % 8 + 3 < 8, lane + 3, lane)
    np.testing.assert_array_equal(y, want)


def test_shfl_up_and_xor_and_idx():
    up = simt("y[t] = __shfl_up_sync(0xffffffff, x[t], 2);", 32, 32)
    np.testing.assert_array_equal(up, np.where(np.arange(32) >= 2, np.arange(32) - 2, np.arange(32)))
    xor = simt("y[t] = __shfl_xor_sync(0xffffffff, x[t], 5, 16);", 32, 32)
    np.testing.assert_array_equal(xor, np.arange(32) ^ 5)
    idx = simt("y[t] = __shfl_sync(0xffffffff, x[t], 19, 16);", 32, 32)   # 19 % 16 = 3 of my segment
    np.testing.assert_array_equal(idx, (np.arange(32) // 16) * 16 + 3)


def test_warp_reduction_depends_on_warp_size():
    body = "float v = x[t]; for (int o = 16; o > 0; o >>= 1) v += __shfl_down(v, o); y[t] = v;"
    cuda = simt(body.replace("__shfl_down(v, o)", "__shfl_down_sync(0xffffffff, v, o)"), 64, 64)
    hip = simt(body, 64, 64, "hip")
    assert cuda[0] == np.arange(32).sum() and cuda[32] == np.arange(32, 64).sum()
    # on a 64-lane wavefront the same loop leaves two partial sums (hip.md §2)
    assert hip[0] == np.arange(32).sum() and hip[32] == np.arange(32, 64).sum()
    full = simt(body.replace("o = 16", "o = 32"), 64, 64, "hip")
    assert full[0] == np.arange(64).sum()


def test_atomic_add_returns_old_values_in_lane_order():
    y = simt("__shared__ int c; if (t == 0) c = 10; __syncthreads(); int old = atomicAdd(&c, t + 1); y[t] = old;", 8, 8)
    np.testing.assert_array_equal(y, 10 + np.concatenate([[0], np.cumsum(np.arange(1, 8))]))


WMMA = """
#include <mma.h>
using namespace nvcuda;
__global__ void k(const half* a, const half* b, float* c) {
  wmma::fragment<wmma::matrix_a, 16, 16, 16, half, wmma::row_major> fa;
  wmma::fragment<wmma::matrix_b, 16, 16, 16, half, wmma::LAYOUT> fb;
  wmma::fragment<wmma::accumulator, 16, 16, 16, float> fc;
  wmma::fill_fragment(fc, 1.0f);
  wmma::load_matrix_sync(fa, a, 16);
  wmma::load_matrix_sync(fb, b, 16);
  wmma::mma_sync(fc, fa, fb, fc);
  wmma::store_matrix_sync(c, fc, 16, wmma::mem_col_major);
}
extern "C" void run(const half* a, const half* b, float* c) {
  half *da, *db; float* dc;
  cudaMalloc((void**)&da, 512); cudaMalloc((void**)&db, 512); cudaMalloc((void**)&dc, 1024);
  cudaMemcpy(da, a, 512, cudaMemcpyHostToDevice); cudaMemcpy(db, b, 512, cudaMemcpyHostToDevice);
  k<<<1, 32>>>(da, db, dc);
  cudaMemcpy(c, dc, 1024, cudaMemcpyDeviceToHost);
}
"""


@pytest.mark.parametrize("layout", ["row_major", "col_major"])
def test_wmma_layouts(layout):
    rng = np.random.default_rng(0)
    a = rng.integers(-3, 4, (16, 16)).astype(np.float16)
    b = rng.integers(-3, 4, (16, 16)).astype(np.float16)
    out = Interpreter(parse(WMMA.replace("LAYOUT", layout), "w.cu")).run(
        "run", {"a": a, "b": b, "c": np.zeros((16, 16), np.float32)})["c"]
    B = b if layout == "row_major" else b.T                   # col_major: column j is contiguous
    want = a.astype(np.float32) @ B.astype(np.float32) + 1
    np.testing.assert_array_equal(out.T, want)                # stored column-major


MFMA = """
typedef float floatx4 __attribute__((ext_vector_type(4)));
__global__ void k(const float* a, const float* b, float* d) {
  int l = threadIdx.x;
  floatx4 acc = {0.0f, 0.0f, 0.0f, 0.0f};
  acc = __builtin_amdgcn_mfma_f32_16x16x4f32(a[l], b[l], acc, 0, 0, 0);
  for (int r = 0; r < 4; ++r) d[l * 4 + r] = acc[r];
}
extern "C" void run(const float* a, const float* b, float* d) {
  float *da, *db, *dd;
  hipMalloc((void**)&da, 256); hipMalloc((void**)&db, 256); hipMalloc((void**)&dd, 1024);
  hipMemcpy(da, a, 256, hipMemcpyHostToDevice); hipMemcpy(db, b, 256, hipMemcpyHostToDevice);
  hipLaunchKernelGGL(k, dim3(1), dim3(64), 0, 0, da, db, dd);
  hipMemcpy(d, dd, 1024, hipMemcpyDeviceToHost);
}
"""


def test_mfma_16x16x4_lane_map():
    rng = np.random.default_rng(1)
    A = rng.integers(-4, 5, (16, 4)).astype(np.float32)
    B = rng.integers(-4, 5, (4, 16)).astype(np.float32)
    lanes = np.arange(64)
    a = A[lanes % 16, lanes // 16]                 # lane l supplies A[l % 16][l // 16]
    b = B[lanes // 16, lanes % 16]                 # and B[l // 16][l % 16]
    d = Interpreter(parse(MFMA, "m.hip")).run("run", {"a": a, "b": b, "d": np.zeros(256, np.float32)})["d"]
    D = A @ B
    got = np.zeros((16, 16), np.float32)
    for l in range(64):
        for r in range(4):
            got[4 * (l // 16) + r, l % 16] = d[4 * l + r]    # D[4*(l//16)+r][l%16] in lane l, reg r
    np.testing.assert_array_equal(got, D)
