"""Bugs found by running the wild set (tests/wild), each reduced to a small kernel of its class
(not the wild kernel itself): the fix is the rule for the class, shown here on new code."""
import numpy as np
import pytest

from xpiler.grammar import parse
from xpiler.interp import Interpreter
from xpiler.pipeline import translate

# hipify'd launchers pass `dim3(block)` where `block` is already a dim3: a copy, all three
# components (it was read as dim3(block.x), so threadIdx.y was always 0)
DIM3_COPY = """
#include <hip/hip_runtime.h>
__global__ void fill(int* o) { o[blockIdx.y * 15 + threadIdx.y * 5 + threadIdx.x] = threadIdx.y * 10 + threadIdx.x + blockIdx.y * 100; }
extern "C" void fill_kernel(int* o) {
  dim3 block(5, 3);
  dim3 grid(1, 2);
  hipLaunchKernelGGL(fill, dim3(grid), dim3(block), 0, 0, o);
}
"""


def _expected():
    b, rest = np.divmod(np.arange(30), 15)
    ty, tx = np.divmod(rest, 5)
    return ty * 10 + tx + b * 100


def test_dim3_copy_constructor_keeps_every_component():
    m = parse(DIM3_COPY, "fill.hip", "hip")
    out = Interpreter(m).run("fill_kernel", {"o": np.zeros(30, np.int32)})["o"]
    assert np.array_equal(out, _expected())


def test_dim3_copy_translates(tmp_path):
    src = tmp_path / "fill.hip"
    src.write_text(DIM3_COPY)
    result = translate(src, "vnni", examples=1)
    assert result.verified, result.header()
    m = parse(result.text, "fill.cpp", "vnni")
    out = Interpreter(m).run("fill_kernel", {"o": np.zeros(30, np.int32)})["o"]
    assert np.array_equal(out, _expected())


# a launcher whose size parameter is a byte count: random draws give allocations that are not a
# whole number of floats; the interpreter must fault on an access beyond them, not crash
BYTES = """
__global__ void twice(const float* x, float* y) { int i = threadIdx.x; if (i < 10) y[i] = 2.0f * x[i]; }
extern "C" void twice_kernel(const float* x, float* y, int nbytes) {
  float *dx, *dy;
  cudaMalloc((void**)&dx, nbytes); cudaMalloc((void**)&dy, nbytes);
  cudaMemcpy(dx, x, nbytes, cudaMemcpyHostToDevice);
  twice<<<1, 16>>>(dx, dy);
  cudaMemcpy(y, dy, nbytes, cudaMemcpyDeviceToHost);
}
"""


def test_partial_element_allocation_is_a_clean_fault(tmp_path):
    import pytest
    from xpiler.diagnostics import XpilerError
    m = parse(BYTES, "twice.cu", "cuda")
    x = np.arange(16, dtype=np.float32)
    with pytest.raises(XpilerError, match="out-of-bounds"):
        Interpreter(m).run("twice_kernel", {"x": x, "y": np.zeros(16, np.float32), "nbytes": np.int32(7)})
    out = Interpreter(m).run("twice_kernel", {"x": x, "y": np.zeros(16, np.float32), "nbytes": np.int32(40)})
    assert np.array_equal(out["y"][:10], 2 * x[:10])


# a helper whose local is named `result` (a block reduction returning a __shared__ result):
# inlining named both the local and the returned value `__in1_result`
BLOCK_SUM = """
__device__ float block_sum(float v) {
  __shared__ float partial[64];
  __shared__ float result;
  partial[threadIdx.x] = v;
  __syncthreads();
  if (threadIdx.x == 0) { float t = 0.f; for (int i = 0; i < 64; ++i) t += partial[i]; result = t; }
  __syncthreads();
  return result;
}
__global__ void norm(const float* x, float* y) {
  float s = block_sum(x[blockIdx.x * 64 + threadIdx.x]);
  y[blockIdx.x * 64 + threadIdx.x] = x[blockIdx.x * 64 + threadIdx.x] / (s + 100.0f);
}
extern "C" void norm_kernel(const float* x, float* y) { norm<<<3, 64>>>(x, y); }
"""


def test_inlined_helper_with_a_local_named_result(tmp_path):
    src = tmp_path / "norm.cu"
    src.write_text(BLOCK_SUM)
    for target in ("vnni", "hip"):
        result = translate(src, target, examples=1)
        assert result.verified, result.header()


# warp votes (TVM's reductions take `__activemask()` as their shuffle mask): lifted as collectives
VOTES_CU = """
__global__ void votes(const float* x, unsigned* bal, int* any, int* all, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  float v = i < n ? x[i] : 0.0f;
  unsigned b = __ballot_sync(0xffffffffu, v > 0.0f);
  int a = __any_sync(__activemask(), v > 1.0f);
  int l = __all_sync(0xffffffffu, v > -1.5f);
  unsigned m = __activemask();
  if (i < n) { bal[i] = b; any[i] = a; all[i] = l + 2 * (m != 0xffffffffu); }
}
extern "C" void votes_kernel(const float* x, unsigned* bal, int* any, int* all, int n) {
  float* dx; unsigned* db; int* da; int* dl;
  cudaMalloc(&dx, n * 4); cudaMalloc(&db, n * 4); cudaMalloc(&da, n * 4); cudaMalloc(&dl, n * 4);
  cudaMemcpy(dx, x, n * 4, cudaMemcpyHostToDevice);
  votes<<<(n + 47) / 48, 48>>>(dx, db, da, dl, n);
  cudaMemcpy(bal, db, n * 4, cudaMemcpyDeviceToHost); cudaMemcpy(any, da, n * 4, cudaMemcpyDeviceToHost);
  cudaMemcpy(all, dl, n * 4, cudaMemcpyDeviceToHost);
}
"""


def _votes_reference(x):
    n = x.size
    blocks = -(-n // 48)
    v = np.zeros(blocks * 48, np.float32)
    v[:n] = x
    bal, any_, all_ = (np.zeros(n, np.uint32), np.zeros(n, np.int32), np.zeros(n, np.int32))
    for i in range(n):
        b, t = divmod(i, 48)
        w0 = b * 48 + (t // 32) * 32
        lanes = range(w0, min(w0 + 32, (b + 1) * 48))
        bal[i] = sum(1 << (j - w0) for j in lanes if v[j] > 0)
        any_[i] = int(any(v[j] > 1 for j in lanes))
        full = len(lanes) == 32
        all_[i] = int(all(v[j] > -1.5 for j in lanes)) + 2 * (not full)
    return bal, any_, all_


def test_warp_votes_translate(tmp_path):
    src = tmp_path / "votes.cu"
    src.write_text(VOTES_CU)
    x = np.random.default_rng(5).standard_normal(100).astype(np.float32)
    want = _votes_reference(x)
    for target in ("vnni", "hip"):
        result = translate(src, target, examples=2)
        assert result.verified, result.header()
        m = parse(result.text, f"votes.{target}", target)
        out = Interpreter(m).run("votes_kernel", {"x": x, "bal": np.zeros(100, np.uint32), "any": np.zeros(100, np.int32),
                                                  "all": np.zeros(100, np.int32), "n": np.int32(100)})
        for name, w in zip(("bal", "any", "all"), want):
            assert np.array_equal(out[name], w), (target, name)


# a register-blocked kernel keeps `float acc[2][2] = {{0.f}}` per thread across its barriers:
# a per-thread array with an initializer (every element zero, then the listed ones)
REGBLOCK_CU = """
#define TILE 8
__global__ void blocksum2(const float* x, float* y, int n) {
  __shared__ float tile[TILE * 2];
  float acc[2][2] = {{1.f}, {0.f, 2.f}};
  int t = threadIdx.x;
  for (int base = 0; base < n; base += TILE * 2) {
    tile[t] = base + t < n ? x[base + t] : 0.f;
    tile[t + TILE] = base + t + TILE < n ? x[base + t + TILE] : 0.f;
    __syncthreads();
    acc[t % 2][0] += tile[t];
    acc[1][t % 2] += tile[TILE + t];
    __syncthreads();
  }
  y[t] = acc[0][0] + 10.f * acc[0][1] + 100.f * acc[1][0] + 1000.f * acc[1][1];
}
extern "C" void blocksum2_kernel(const float* x, float* y, int n) {
  blocksum2<<<1, TILE>>>(x, y, n);
}
"""


def _regblock_reference(x):
    n = x.size
    pad = np.zeros(-(-n // 16) * 16, np.float64)
    pad[:n] = x
    tiles = pad.reshape(-1, 16)
    y = np.zeros(8)
    for t in range(8):
        acc = np.array([[1.0, 0.0], [0.0, 2.0]])
        acc[t % 2][0] += tiles[:, t].sum()
        acc[1][t % 2] += tiles[:, 8 + t].sum()
        y[t] = acc[0][0] + 10 * acc[0][1] + 100 * acc[1][0] + 1000 * acc[1][1]
    return y


def test_thread_private_array_with_initializer_across_barriers(tmp_path):
    src = tmp_path / "blocksum2.cu"
    src.write_text(REGBLOCK_CU)
    x = np.random.default_rng(3).normal(size=37).astype(np.float32)
    result = translate(src, "vnni", examples=2)
    assert result.verified, result.header()
    m = parse(result.text, "blocksum2.cpp", "vnni")
    out = Interpreter(m).run("blocksum2_kernel", {"x": x, "y": np.zeros(8, np.float32), "n": 37})["y"]
    assert np.allclose(out, _regblock_reference(x), rtol=1e-4)


# a launcher that wraps every runtime call in an error-checking macro (`do { ... } while (0)`)
# still states its device allocations: the sizes a fixed-shape kernel was written for are solved
# from them
CHECKED_FIXED_CU = """
#include <cstdio>
#include <cstdlib>
#define CHECK(x) do { cudaError_t e_ = (x); if (e_ != cudaSuccess) { fprintf(stderr, "%s\\\\n", cudaGetErrorString(e_)); exit(1); } } while (0)
__global__ void __launch_bounds__(64) colmax(const float* __restrict__ a, float* __restrict__ m) {
  if (threadIdx.x < 21) {
    float best = a[threadIdx.x];
    for (int r = 1; r < 13; ++r) best = fmaxf(best, a[r * 21 + threadIdx.x]);
    m[threadIdx.x] = best;
  }
}
extern "C" void colmax_kernel(const float* a, float* m, int rows, int cols) {
  float *da, *dm;
  CHECK(cudaMalloc(&da, (size_t)rows * cols * sizeof(float)));
  CHECK(cudaMalloc(&dm, (size_t)cols * sizeof(float)));
  CHECK(cudaMemcpy(da, a, (size_t)rows * cols * sizeof(float), cudaMemcpyHostToDevice));
  colmax<<<1, 64>>>(da, dm);
  CHECK(cudaMemcpy(m, dm, (size_t)cols * sizeof(float), cudaMemcpyDeviceToHost));
  CHECK(cudaFree(da));
  CHECK(cudaFree(dm));
}
"""


def test_fixed_shape_sizes_found_through_error_check_macros(tmp_path):
    src = tmp_path / "colmax.cu"
    src.write_text(CHECKED_FIXED_CU)
    result = translate(src, "hip", examples=2)
    assert result.verified, result.header()
    assert "rows=13, cols=21" in result.header()


# integer arrays that index the others (scatter, gather, embeddings) are valid only below a size:
# the differential test draws them again in [0, the smallest size) when its first draw faults
SCATTER_HIP = """
#include <hip/hip_runtime.h>
__global__ void scatter_max(float* table, const int* slot, const float* v, int n, int width) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n * width) {
    int row = i / width, col = i % width;
    float* dst = &table[slot[row] * width + col];
    *dst = fmaxf(*dst, v[i]) + 0.0f * (float)row;
  }
}
extern "C" void scatter_max_kernel(float* table, const int* slot, const float* v, int rows, int n, int width) {
  float *dt, *dv; int* ds;
  hipMalloc(&dt, sizeof(float) * rows * width);
  hipMalloc(&dv, sizeof(float) * n * width);
  hipMalloc(&ds, sizeof(int) * n);
  hipMemcpy(dt, table, sizeof(float) * rows * width, hipMemcpyHostToDevice);
  hipMemcpy(dv, v, sizeof(float) * n * width, hipMemcpyHostToDevice);
  hipMemcpy(ds, slot, sizeof(int) * n, hipMemcpyHostToDevice);
  for (int r = 0; r < n; ++r)      /* one row at a time: rows may repeat */
    hipLaunchKernelGGL(scatter_max, dim3((width + 63) / 64), dim3(64), 0, 0, dt, ds + r, dv + r * width, 1, width);
  hipMemcpy(table, dt, sizeof(float) * rows * width, hipMemcpyDeviceToHost);
  hipFree(dt); hipFree(dv); hipFree(ds);
}
"""


def test_index_arrays_are_drawn_below_the_sizes(tmp_path):
    src = tmp_path / "scatter_max.hip"
    src.write_text(SCATTER_HIP)
    result = translate(src, "cuda", examples=2)
    assert result.verified, result.header()
    rng = np.random.default_rng(5)
    table = rng.normal(size=(6, 5)).astype(np.float32)
    slot = rng.integers(0, 6, 9).astype(np.int32)
    v = rng.normal(size=(9, 5)).astype(np.float32)
    want = table.copy()
    for r in range(9):
        want[slot[r]] = np.maximum(want[slot[r]], v[r])
    m = parse(result.text, "scatter_max.cu", "cuda")
    out = Interpreter(m).run("scatter_max_kernel", {"table": table.copy(), "slot": slot, "v": v, "rows": 6,
                                                    "n": 9, "width": 5})["table"]
    assert np.allclose(out.reshape(6, 5), want)


# a block size known only at run time (`dim3(64, group)`, group = q_heads / kv_heads) with
# per-thread values living across barriers: one value per thread allocated per block
RUNTIME_BLOCK_HIP = """
#include <hip/hip_runtime.h>
__global__ void rowsum(const float* x, float* y, int width) {
  extern __shared__ float part[];
  int t = threadIdx.y * blockDim.x + threadIdx.x;
  float mine = x[blockIdx.x * blockDim.x * blockDim.y + t] * 2.0f;
  part[t] = mine;
  __syncthreads();
  float total = 0.0f;
  for (int k = 0; k < blockDim.x * blockDim.y; ++k) total += part[k];
  __syncthreads();
  y[blockIdx.x * blockDim.x * blockDim.y + t] = total - mine;
}
extern "C" void rowsum_kernel(const float* x, float* y, int rows, int group) {
  float *dx, *dy;
  int per = 4 * group;
  hipMalloc(&dx, sizeof(float) * rows * per);
  hipMalloc(&dy, sizeof(float) * rows * per);
  hipMemcpy(dx, x, sizeof(float) * rows * per, hipMemcpyHostToDevice);
  hipLaunchKernelGGL(rowsum, dim3(rows), dim3(4, group), sizeof(float) * per, 0, dx, dy, per);
  hipMemcpy(y, dy, sizeof(float) * rows * per, hipMemcpyDeviceToHost);
  hipFree(dx); hipFree(dy);
}
"""


@pytest.mark.parametrize("target", ["vnni", "cuda"])
def test_runtime_block_size_with_values_across_barriers(tmp_path, target):
    src = tmp_path / "rowsum.hip"
    src.write_text(RUNTIME_BLOCK_HIP)
    result = translate(src, target, examples=2)
    assert result.verified, result.header()
    rng = np.random.default_rng(11)
    x = rng.normal(size=(5, 12)).astype(np.float32)
    m = parse(result.text, "rowsum." + ("cpp" if target == "vnni" else "cu"), target)
    out = Interpreter(m).run("rowsum_kernel", {"x": x, "y": np.zeros((5, 12), np.float32), "rows": 5, "group": 3})["y"]
    want = (2 * x).sum(axis=1, keepdims=True) - 2 * x
    assert np.allclose(out.reshape(5, 12), want, rtol=1e-4, atol=1e-4)


# a row counter shared by a pair-of-rows loop and its remainder loop, each row reduced with
# AVX-512 lanes: the counter and both loops run as one block/task on the device (the counter
# was a host variable written by a device loop)
SHARED_ROW_COUNTER = """
#include <immintrin.h>
extern "C" void rowsum_scaled(float* out, const float* a, float s, int rows, int cols) {
  int i = 0;
  for (; i + 2 <= rows; i += 2) {
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
    for (int c = 0; c + 16 <= cols; c += 16) {
      acc0 = _mm512_add_ps(acc0, _mm512_loadu_ps(a + i * cols + c));
      acc1 = _mm512_add_ps(acc1, _mm512_loadu_ps(a + (i + 1) * cols + c));
    }
    out[i] = s * _mm512_reduce_add_ps(acc0);
    out[i + 1] = s * _mm512_reduce_add_ps(acc1);
  }
  for (; i < rows; ++i) {
    __m512 acc = _mm512_setzero_ps();
    for (int c = 0; c + 16 <= cols; c += 16)
      acc = _mm512_add_ps(acc, _mm512_loadu_ps(a + i * cols + c));
    out[i] = s * _mm512_reduce_add_ps(acc);
  }
}
"""


@pytest.mark.parametrize("target", ["cuda", "bang"])
def test_a_counter_shared_by_vector_loops_runs_with_them_on_the_device(tmp_path, target):
    src = tmp_path / "rowsum.cpp"
    src.write_text(SHARED_ROW_COUNTER)
    result = translate(src, target, examples=2, extents={"a": "rows * cols", "out": "rows"})
    assert result.verified, result.header()
    rows, cols = 7, 48
    a = np.random.default_rng(3).standard_normal((rows, cols)).astype(np.float32)
    m = parse(result.text, f"rowsum.{target}", target)
    out = Interpreter(m).run("rowsum_scaled", {"out": np.zeros(rows, np.float32), "a": a.ravel(), "s": np.float32(0.5),
                                               "rows": np.int32(rows), "cols": np.int32(cols)})["out"]
    assert np.allclose(out, 0.5 * a.sum(axis=1), rtol=1e-5, atol=1e-5)


# a BANG kernel accumulating rows into GDRAM with vector and scalar atomic reductions (indices
# repeat across tasks): the reduce forms of bang.md §10 lift to element loops of `omp atomic` /
# `omp critical` updates (they had no loop semantics in the catalog)
BIN_ROWS_MLU = """
#include <bang.h>
#define ROWS 40
#define D 8
#define NB 5
__nram__ float row[D];
extern "C" __mlu_global__ void bin_rows(float* x, int* bins, float* sums, float* peak, int* count) {
  for (int r = taskId; r < ROWS; r += taskDim) {
    __memcpy(row, x + r * D, D * sizeof(float), GDRAM2NRAM);
    int b = bins[r];
    __bang_atomic_reduce_add(sums + b * D, row, D);
    __bang_atomic_reduce_max(peak + b * D, row, D);
    __bang_atomic_reduce_add(count + b, 1);
    __bang_atomic_reduce_add(count + NB + b, r, 1);
  }
}
"""


def _bin_rows_inputs(rng):
    return {"x": rng.standard_normal((40, 8)).astype(np.float32), "bins": rng.integers(0, 5, 40).astype(np.int32),
            "sums": rng.uniform(-1, 1, (5, 8)).astype(np.float32), "peak": rng.uniform(-1, 1, (5, 8)).astype(np.float32),
            "count": rng.integers(0, 3, 10).astype(np.int32)}


@pytest.mark.parametrize("target", ["cuda", "vnni"])
def test_bang_atomic_reductions_translate(tmp_path, target):
    src = tmp_path / "bin_rows.mlu"
    src.write_text(BIN_ROWS_MLU)
    result = translate(src, target, examples=2, extents={"x": "40 * 8", "bins": "40", "sums": "5 * 8",
                                                         "peak": "5 * 8", "count": "10"})
    assert result.verified, result.header()
    inputs = _bin_rows_inputs(np.random.default_rng(7))
    want = {k: v.astype(np.float64) for k, v in inputs.items()}
    np.add.at(want["sums"], inputs["bins"], inputs["x"])
    np.maximum.at(want["peak"], inputs["bins"], inputs["x"])
    np.add.at(want["count"], inputs["bins"], 1)
    np.add.at(want["count"], inputs["bins"] + 5, np.arange(40))
    m = parse(result.text, "bin_rows." + ("cu" if target == "cuda" else "cpp"), target)
    out = Interpreter(m).run("bin_rows_kernel", {k: v.copy() for k, v in inputs.items()})
    assert np.allclose(out["sums"].reshape(5, 8), want["sums"], rtol=1e-5, atol=1e-5)
    assert np.array_equal(out["peak"].reshape(5, 8), want["peak"].astype(np.float32))
    assert np.array_equal(out["count"], want["count"].astype(np.int32))


# per-block arrays with an initializer (a BANG task's `int ys[4] = {h, h, h + 1, h + 1};`):
# one only block-level code reads stays a local array of every thread (its values are
# block-uniform), one the threads read is shared memory set by thread 0 before a barrier
TABLES_CPP = """
extern "C" void tables(const float* x, float* y, int n) {
  #pragma omp parallel for
  for (int b = 0; b < n; b++) {
    float s = x[b * 8];
    float w[4] = {s, 0.5f, -s};
    int pick[3] = {b % 4, (b + 1) % 4, (b + 3) % 4};
    float bias = w[pick[0]] + 2.0f * w[pick[1]] + 3.0f * w[pick[2]];
    #pragma omp parallel for
    for (int t = 0; t < 8; t++)
      y[b * 8 + t] = x[b * 8 + t] * w[t % 4] + bias;
  }
}
"""


def _tables_reference(x):
    n = x.shape[0]
    y = np.zeros((n, 8))
    for b in range(n):
        s = float(x[b, 0])
        w = [s, 0.5, -s, 0.0]
        bias = w[b % 4] + 2 * w[(b + 1) % 4] + 3 * w[(b + 3) % 4]
        y[b] = x[b] * [w[t % 4] for t in range(8)] + bias
    return y


@pytest.mark.parametrize("target", ["cuda", "hip"])
def test_initialised_per_block_arrays(tmp_path, target):
    src = tmp_path / "tables.cpp"
    src.write_text(TABLES_CPP)
    result = translate(src, target, examples=2, extents={"x": "n * 8", "y": "n * 8"})
    assert result.verified, result.header()
    assert "__shared__ float w[4];" in result.text and "int pick[3] = {" in result.text
    x = np.random.default_rng(5).standard_normal((6, 8)).astype(np.float32)
    m = parse(result.text, f"tables.{target}", target)
    out = Interpreter(m).run("tables", {"x": x.ravel(), "y": np.zeros(48, np.float32), "n": np.int32(6)})["y"]
    assert np.allclose(out.reshape(6, 8), _tables_reference(x), rtol=1e-5, atol=1e-5)


# memcpy/memset of typed rows inside a parallel loop (a concat or gather writing whole rows):
# element loops on every device target (BANG has no device memcpy); a byte count not visibly a
# multiple of the element size is refused there, positioned
PACK_CPP = """
#include <string.h>
#include <stddef.h>
extern "C" void pack_rows(float* out, const float* x, const int* keep, int rows, int cols) {
  #pragma omp parallel for
  for (int r = 0; r < rows; r++) {
    float* dst = out + (size_t)r * (cols + 2);
    dst[0] = (float)r;
    if (keep[r] > 0) {
      memcpy(dst + 1, x + (size_t)r * cols, cols * sizeof(float));
    } else {
      memset(dst + 1, 0, sizeof(float) * cols);
    }
    dst[cols + 1] = -1.0f;
  }
}
"""
PACK_EXTENTS = {"x": "rows * cols", "out": "rows * (cols + 2)", "keep": "rows"}


@pytest.mark.parametrize("target", ["bang", "cuda"])
def test_memcpy_and_memset_in_a_kernel_become_element_loops(tmp_path, target):
    src = tmp_path / "pack.cpp"
    src.write_text(PACK_CPP)
    result = translate(src, target, examples=2, extents=PACK_EXTENTS)
    assert result.verified, result.header()
    kernel = result.text[:result.text.index('extern "C"')]
    assert "memcpy(" not in kernel and "memset(" not in kernel
    rng = np.random.default_rng(9)
    rows, cols = 7, 13
    x = rng.standard_normal((rows, cols)).astype(np.float32)
    keep = rng.integers(-1, 2, rows).astype(np.int32)
    want = np.zeros((rows, cols + 2), np.float32)
    want[:, 0] = np.arange(rows)
    want[:, 1:-1] = np.where(keep[:, None] > 0, x, 0)
    want[:, -1] = -1
    m = parse(result.text, f"pack.{target}", target)
    out = Interpreter(m).run("pack_rows", {"out": rng.standard_normal(rows * (cols + 2)).astype(np.float32),
                                           "x": x.ravel(), "keep": keep, "rows": np.int32(rows),
                                           "cols": np.int32(cols)})["out"]
    assert np.array_equal(out.reshape(rows, cols + 2), want)


def test_memcpy_of_an_unknown_multiple_is_refused_for_bang(tmp_path):
    from xpiler.diagnostics import XpilerError
    src = tmp_path / "bytes.cpp"
    src.write_text(PACK_CPP.replace("cols * sizeof(float));", "(size_t)cols * 3);"))
    with pytest.raises(XpilerError, match="memcpy in a kernel to bang: the byte count is not visibly a multiple"
                                          r" of sizeof\(float\)") as e:
        translate(src, "bang", examples=1, extents=PACK_EXTENTS)
    assert e.value.span is not None and e.value.span.line == 10


# tasks of a BANG cluster communicating through cluster SRAM (`__mlu_shared__`) across
# `__sync_cluster()`: a cluster lifts as a CUDA block does (a group of cooperating instances, SRAM
# its per-block memory, the cluster barrier its block barrier); here each core parks a weighted
# sum in SRAM and reads its neighbour's after the barrier, core 1 combines the cluster's four
CLUSTER_SUM_MLU = """
#include <bang.h>
#define W 16
__nram__ float row[W];
__nram__ float mine[1];
__nram__ float all4[4];
__mlu_shared__ float slot[4];
__mlu_global__ void cluster_sum(float* x, float* sums, float* next) {
  __memcpy(row, x + taskId * W, W * sizeof(float), GDRAM2NRAM);
  float s = 0.0f;
  for (int i = 0; i < W; ++i) s += row[i];
  mine[0] = s * (coreId + 1);
  __memcpy(slot + coreId, mine, sizeof(float), NRAM2SRAM);
  __sync_cluster();
  next[taskId] = slot[(coreId + 1) % coreDim];
  if (coreId == 1) {
    __memcpy(all4, slot, 4 * sizeof(float), SRAM2NRAM);
    float t = 0.0f;
    for (int c = 0; c < coreDim; ++c) t += all4[c];
    sums[taskId / coreDim] = t;
  }
}
"""


def _cluster_sum_reference(x):
    s = x.astype(np.float64).sum(axis=1).reshape(-1, 4) * np.arange(1, 5)
    return s.sum(axis=1), np.roll(s, -1, axis=1).ravel()


@pytest.mark.parametrize("target", ["vnni", "cuda", "hip"])
def test_bang_cluster_sram_and_sync_cluster_translate(tmp_path, target):
    src = tmp_path / "cluster_sum.mlu"
    src.write_text(CLUSTER_SUM_MLU)
    result = translate(src, target, examples=2, launch="union=1,tasks=12")
    assert result.verified, result.header()
    x = np.random.default_rng(5).uniform(-2, 3, (12, 16)).astype(np.float32)
    m = parse(result.text, "cluster_sum." + {"vnni": "cpp", "cuda": "cu", "hip": "hip"}[target], target)
    out = Interpreter(m).run("cluster_sum_kernel", {"x": x.ravel(), "sums": np.zeros(3, np.float32),
                                                    "next": np.zeros(12, np.float32)})
    sums, nxt = _cluster_sum_reference(x)
    assert np.allclose(out["sums"], sums, rtol=1e-5, atol=1e-5)
    assert np.allclose(out["next"], nxt, rtol=1e-5, atol=1e-5)


# `__sync_all()` synchronises the tasks of one union block: a launch that is one union block
# (Union2, 8 tasks) lifts with the union block as the group, the SRAM one copy per cluster
UNION_ALL_MLU = """
#include <bang.h>
__mlu_global__ void union_all(float* x, float* out) {
  __mlu_shared__ float part[4];
  __mlu_shared__ float total;
  part[coreId] = x[taskId] * (clusterId + 1);
  __sync_cluster();
  if (coreId == 0) {
    total = part[0] + part[1] + part[2] + part[3];
    out[clusterId] = total;
  }
  __sync_all();
  if (taskId == 5) out[2] = out[0] - out[1];
  out[3 + taskId] = total + out[1 - clusterId];
}
"""


def test_bang_sync_all_of_one_union_block_translates(tmp_path):
    src = tmp_path / "union_all.mlu"
    src.write_text(UNION_ALL_MLU)
    result = translate(src, "vnni", examples=2, launch="union=2,tasks=8")
    assert result.verified, result.header()
    x = np.random.default_rng(9).uniform(-1, 2, 8).astype(np.float32)
    out = Interpreter(parse(result.text, "union_all.cpp", "vnni")).run(
        "union_all_kernel", {"x": x, "out": np.zeros(11, np.float32)})["out"]
    total = x.reshape(2, 4).sum(axis=1) * np.array([1, 2])
    want = np.concatenate([total, [total[0] - total[1]], np.repeat(total, 4) + np.repeat(total[::-1], 4)])
    assert np.allclose(out, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("launch, clusters", [("union=2,tasks=16", "4 clusters in 2 Union2 blocks"),
                                               ("union=1,tasks=8", "2 clusters in 2 Union1 blocks")])
def test_bang_sync_all_across_union_blocks_is_refused(tmp_path, launch, clusters):
    """Several union blocks do not meet at `__sync_all()` on hardware, while the interpreter runs
    it as a barrier of the whole launch: refused, positioned at the call."""
    from xpiler.diagnostics import XpilerError
    src = tmp_path / "union_all.mlu"
    src.write_text(UNION_ALL_MLU)
    with pytest.raises(XpilerError, match=rf"not supported: __sync_all\(\) across {clusters}") as e:
        translate(src, "cuda", examples=1, launch=launch)
    assert e.value.span is not None and (e.value.span.line, e.value.span.col) == (12, 3)
