"""The vnni emitter's speed passes (issue 11): device buffers that alias the caller's arrays
(emit/cpu_buffers.py) and grid-stride loops flattened into one parallel loop (emit/cpu_loops.py).
Each pass must fire where its conditions hold, stay off where one fails, and leave an output that
still meets the numpy reference (interpreter on the emitted text, and the native build)."""
import numpy as np
import pytest

from emit.vnni import emit as emit_vnni
from oracle.native import available, call, compile_shared
from tests.corpus_support import assert_outputs_match, corpus
from xpiler.grammar import parse, parse_file
from xpiler.interp import Interpreter
from xpiler.lift import lift

KERNELS = {k.id: k for k in corpus("cuda")}


def vnni(source: str, name: str = "k.cu") -> str:
    return emit_vnni(lift(parse(source, name, "cuda")))


def run_both(text: str, entry: str, params: list[str], inputs: dict) -> list[dict]:
    """The final arrays of a call, in the interpreter (the text parsed back) and natively (in a
    child process: an OpenMP call in this process after an interpreter run can crash it)."""
    runs = [Interpreter(parse(text, "out.cpp", "vnni")).run(entry, {k: np.copy(v) for k, v in inputs.items()})]
    if available("vnni") is None:
        runs.append(call(compile_shared(text, "vnni"), entry, params, inputs, isolate=True))
    return runs


def test_add_f4_no_staging_flat_simd_loop_and_unaligned_float4_views():
    kernel = KERNELS["cuda/add_f4"]
    text = emit_vnni(lift(parse_file(kernel.source)))
    body = text[text.index('extern "C" void add_f4_kernel'):]
    assert "malloc(" not in body and "memcpy(" not in body and "free(" not in body
    assert "d_a = (float*)a;" in body and "d_c = (float*)c;" in body
    assert "#pragma omp parallel for simd\n" in body
    assert "for (int i = 0; i < n4; i++)" in body
    assert "i += stride" not in body                       # the grid-stride loop is gone
    assert "if (t < n)" in body                            # the tail still runs per thread
    # the float4 views of the caller's arrays are unaligned ones
    assert "reinterpret_cast<const float4_unaligned*>(a)" in body
    ref = kernel.reference
    for case in kernel.cases():
        inputs = kernel.inputs(case)
        for out in run_both(text, ref.ENTRY, ref.PARAMS, inputs):
            assert_outputs_match(kernel, out, ref.reference(inputs))


MISALIGNED_CALLER = """
#include <stdio.h>
int main() {
  static float a[1030], b[1030], c[1030];
  for (int i = 0; i < 1030; i++) { a[i] = i; b[i] = 2 * i; c[i] = -1; }
  add_f4_kernel(a + 1, b + 1, c + 1, 1027);           /* 4 bytes past a 16-byte boundary */
  for (int i = 1; i < 1028; i++) if (c[i] != 3 * i) return 1;
  return c[0] == -1 && c[1028] == -1 ? 0 : 2;
}
"""


def test_add_f4_output_takes_arrays_that_are_not_16_byte_aligned(tmp_path):
    import subprocess
    from oracle.native import COMPILERS
    if available("vnni") is not None:
        pytest.skip(available("vnni"))
    text = emit_vnni(lift(parse_file(KERNELS["cuda/add_f4"].source)))
    (tmp_path / "m.cpp").write_text(text + MISALIGNED_CALLER)
    flags = [f for f in COMPILERS["vnni"] if f not in ("-shared", "-fPIC", "-x", "c++")]
    subprocess.run(flags + [str(tmp_path / "m.cpp"), "-o", str(tmp_path / "m")], check=True)
    assert subprocess.run([str(tmp_path / "m")], env={"OMP_NUM_THREADS": "2"}).returncode == 0


# the usual launcher of a kernel `k(x, y, n)`: x copied in, y copied out, whole arrays
COPY_IN_COPY_OUT = """extern "C" void run(const float* x, float* y, int n) {
  float *dx, *dy;
  size_t bytes = n * sizeof(float);
  cudaMalloc((void**)&dx, bytes);
  cudaMalloc((void**)&dy, bytes);
  cudaMemcpy(dx, x, bytes, cudaMemcpyHostToDevice);
  k<<<(n + 127) / 128, 128>>>(dx, dy, n);
  cudaMemcpy(y, dy, bytes, cudaMemcpyDeviceToHost);
  cudaFree(dx);
  cudaFree(dy);
}
"""


# a view through a more strictly aligned type than the buffer's elements (double over float):
# the allocation is aligned for it, the caller's array need not be, so the copies stay
DOUBLE_VIEW = """
__global__ void k(const float* x, float* y, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  const double* d = reinterpret_cast<const double*>(x);
  if (i < n / 2) y[i] = (float)(d[i] == d[i]);
}
""" + COPY_IN_COPY_OUT


def test_a_strictly_aligned_view_keeps_the_copy():
    text = vnni(DOUBLE_VIEW)
    assert "dx = (float*)malloc(bytes);" in text and "memcpy(dx, x, bytes);" in text
    assert "dy = (float*)y;" in text


SAXPY = """
__global__ void saxpy(const float* x, float* y, float a, int n) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x)
    y[i] = a * x[i] + y[i];
}
extern "C" void run(const float* x, float* y, float a, int n) {
  float *dx, *dy;
  size_t bytes = n * sizeof(float);
  cudaMalloc((void**)&dx, bytes);
  cudaMalloc((void**)&dy, bytes);
  cudaMemcpy(dx, x, bytes, cudaMemcpyHostToDevice);
  cudaMemcpy(dy, y, bytes, cudaMemcpyHostToDevice);
  int blocks = (n + 255) / 256;
  if (blocks > 4) blocks = 4;
  saxpy<<<blocks, 256>>>(dx, dy, a, n);
  cudaMemcpy(y, dy, bytes, cudaMemcpyDeviceToHost);
  cudaFree(dx);
  cudaFree(dy);
}
"""


def test_saxpy_aliases_input_and_in_out_buffers_and_flattens_its_loop():
    text = vnni(SAXPY)
    body = text[text.index('extern "C" void run'):]
    assert "malloc(" not in body and "memcpy(" not in body and "free(" not in body
    assert "dx = (float*)x;" in body and "dy = (float*)y;" in body
    assert "#pragma omp parallel for simd\n" in body and "for (int i = 0; i < n; i++)" in body
    assert "i += " not in body
    for n in (1, 5, 1000, 3000):                           # fewer threads than indices, and more
        x = np.linspace(-1, 1, n, dtype=np.float32)
        y = np.arange(n, dtype=np.float32)
        for out in run_both(text, "run", ["x", "y", "a", "n"],
                            {"x": x, "y": y, "a": np.float32(2.5), "n": np.int32(n)}):
            np.testing.assert_allclose(out["y"], np.float32(2.5) * x + y, rtol=1e-6)
            np.testing.assert_array_equal(out["x"], x)


# a kernel that writes its input buffer: the copy in must stay (the caller's x is not written)
WRITES_INPUT = """
__global__ void k(float* x, float* y, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) { y[i] = x[i] * 2.0f; x[i] = -1.0f; }
}
""" + COPY_IN_COPY_OUT


def test_written_input_buffer_keeps_its_copy():
    text = vnni(WRITES_INPUT)
    assert "dx = (float*)malloc(bytes);" in text and "memcpy(dx, x, bytes);" in text and "free(dx);" in text
    assert "dy = (float*)y;" in text and "memcpy(y, dy" not in text          # the output is aliased
    x = np.arange(1, 301, dtype=np.float32)
    for out in run_both(text, "run", ["x", "y", "n"], {"x": x, "y": np.zeros(300, np.float32), "n": np.int32(300)}):
        np.testing.assert_array_equal(out["y"], 2 * x)
        np.testing.assert_array_equal(out["x"], x)                          # the caller's array


STAGED = """
__global__ void k(const float* x, float* y, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = x[i] + 1.0f;
}
extern "C" void run(const float* x, float* y, int n) {
  float *dx, *dy;
  size_t bytes = n * sizeof(float);
  cudaMalloc((void**)&dx, bytes);
  cudaMalloc((void**)&dy, bytes);
  COPY_IN
  k<<<(n + 127) / 128, 128>>>(dx, dy, n);
  COPY_OUT
  cudaFree(dx);
  cudaFree(dy);
}
"""


@pytest.mark.parametrize("copy_in,copy_out,kept", [
    # a partial copy in: the rest of dx is not x
    ("cudaMemcpy(dx, x, (n / 2) * sizeof(float), cudaMemcpyHostToDevice);",
     "cudaMemcpy(y, dy, bytes, cudaMemcpyDeviceToHost);", "memcpy(dx, x, n / 2 * sizeof(float));"),
    # a copy out at an offset, and a partial one
    ("cudaMemcpy(dx, x, bytes, cudaMemcpyHostToDevice);",
     "cudaMemcpy(y + 1, dy + 1, bytes - sizeof(float), cudaMemcpyDeviceToHost);", "memcpy(y + 1, dy + 1"),
    # copied in twice (the second copy is host traffic on a live buffer)
    ("cudaMemcpy(dx, x, bytes, cudaMemcpyHostToDevice); cudaMemcpy(dx, x, bytes, cudaMemcpyHostToDevice);",
     "cudaMemcpy(y, dy, bytes, cudaMemcpyDeviceToHost);", "memcpy(dx, x, bytes);\n  memcpy(dx, x, bytes);"),
    # the host reads y between the launch and the copy out
    ("cudaMemcpy(dx, x, bytes, cudaMemcpyHostToDevice); y[0] = 5.0f;",
     "cudaMemcpy(y, dy, bytes, cudaMemcpyDeviceToHost);", "memcpy(y, dy, bytes);"),
], ids=["partial-in", "offset-out", "copied-twice", "host-writes-y"])
def test_buffers_keep_their_copies_when_a_condition_fails(copy_in, copy_out, kept):
    text = vnni(STAGED.replace("COPY_IN", copy_in).replace("COPY_OUT", copy_out))
    assert kept in text
    n = 64
    x = np.arange(n, dtype=np.float32)
    expected = np.zeros(n, np.float32)
    if "(n / 2)" in copy_in:
        return                                  # half of dx is uninitialised: no defined result
    expected[:] = x + 1
    for out in run_both(text, "run", ["x", "y", "n"], {"x": x, "y": np.full(n, 7, np.float32), "n": np.int32(n)}):
        if "y + 1" in copy_out:
            np.testing.assert_array_equal(out["y"][1:], expected[1:])
            assert out["y"][0] == 7
        else:
            np.testing.assert_array_equal(out["y"], expected)


# grid-stride loops the flattening must leave alone: a block-stride loop (every block walks all
# indices), and a per-thread accumulation (a reduction carried across the thread's iterations)
BLOCK_STRIDE = """
__global__ void k(const float* x, float* y, int n) {
  for (int i = threadIdx.x; i < n; i += blockDim.x) y[blockIdx.x * n + i] = x[i] * 3.0f;
}
extern "C" void run(const float* x, float* y, int n) {
  float *dx, *dy;
  cudaMalloc((void**)&dx, n * sizeof(float));
  cudaMalloc((void**)&dy, 2 * n * sizeof(float));
  cudaMemcpy(dx, x, n * sizeof(float), cudaMemcpyHostToDevice);
  k<<<2, 64>>>(dx, dy, n);
  cudaMemcpy(y, dy, 2 * n * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(dx);
  cudaFree(dy);
}
"""

PER_THREAD_SUM = """
__global__ void k(const float* x, float* part, int n) {
  int gid = blockIdx.x * blockDim.x + threadIdx.x;
  float s = 0.0f;
  for (int i = gid; i < n; i += gridDim.x * blockDim.x) s += x[i];
  part[gid] = s;
}
extern "C" void run(const float* x, float* part, int n) {
  float *dx, *dp;
  cudaMalloc((void**)&dx, n * sizeof(float));
  cudaMalloc((void**)&dp, 256 * sizeof(float));
  cudaMemcpy(dx, x, n * sizeof(float), cudaMemcpyHostToDevice);
  k<<<4, 64>>>(dx, dp, n);
  cudaMemcpy(part, dp, 256 * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(dx);
  cudaFree(dp);
}
"""


def test_grid_stride_flattening_stays_off_where_it_is_not_proven():
    n = 300
    x = np.arange(n, dtype=np.float32)
    text = vnni(BLOCK_STRIDE)
    assert "simd\n" not in text.replace("#pragma omp simd\n", "") and "i += __bdim_x" in text
    for out in run_both(text, "run", ["x", "y", "n"], {"x": x, "y": np.zeros(2 * n, np.float32), "n": np.int32(n)}):
        np.testing.assert_array_equal(out["y"], np.concatenate([3 * x, 3 * x]))
    text = vnni(PER_THREAD_SUM)
    assert "omp parallel for simd" not in text and "i += __gdim_x * __bdim_x" in text
    expected = np.array([x[g::256].sum() for g in range(256)], np.float32)
    for out in run_both(text, "run", ["x", "part", "n"], {"x": x, "part": np.zeros(256, np.float32), "n": np.int32(n)}):
        np.testing.assert_allclose(out["part"], expected, rtol=1e-6)


# the threads' starts do not tile the stride: blocks repeat threadIdx.x, indices past blockDim.x
# of each stride are never visited
NOT_A_TILING = """
__global__ void k(const float* x, float* y, int n) {
  for (int i = threadIdx.x; i < n; i += gridDim.x * blockDim.x) y[i] = x[i] * 3.0f;
}
extern "C" void run(const float* x, float* y, int n) {
  float *dx, *dy;
  cudaMalloc((void**)&dx, n * sizeof(float));
  cudaMalloc((void**)&dy, n * sizeof(float));
  cudaMemcpy(dx, x, n * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemcpy(dy, y, n * sizeof(float), cudaMemcpyHostToDevice);
  k<<<2, 64>>>(dx, dy, n);
  cudaMemcpy(y, dy, n * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(dx);
  cudaFree(dy);
}
"""

# each thread carries a value along its own indices (no race: a thread reads what it wrote one
# stride before); the flat loop's iterations would not be independent
CARRIED = """
__global__ void k(float* y, int n) {
  int s = gridDim.x * blockDim.x;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n - s; i += s) y[i + s] = y[i] + 1.0f;
}
extern "C" void run(float* y, int n) {
  float *dy;
  cudaMalloc((void**)&dy, n * sizeof(float));
  cudaMemcpy(dy, y, n * sizeof(float), cudaMemcpyHostToDevice);
  k<<<1, 4>>>(dy, n);
  cudaMemcpy(y, dy, n * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(dy);
}
"""


def test_grid_stride_flattening_needs_a_tiling_and_independent_iterations():
    n = 300
    x = np.arange(n, dtype=np.float32)
    text = vnni(NOT_A_TILING)
    assert "omp parallel for simd" not in text
    expected = np.where(np.arange(n) % 128 < 64, 3 * x, -1).astype(np.float32)
    for out in run_both(text, "run", ["x", "y", "n"], {"x": x, "y": np.full(n, -1, np.float32), "n": np.int32(n)}):
        np.testing.assert_array_equal(out["y"], expected)
    text = vnni(CARRIED)
    assert "omp parallel for simd" not in text
    y = np.zeros(n, np.float32)
    expected = (np.arange(n) // 4).astype(np.float32)
    for out in run_both(text, "run", ["y", "n"], {"y": y, "n": np.int32(n)}):
        np.testing.assert_array_equal(out["y"], expected)
