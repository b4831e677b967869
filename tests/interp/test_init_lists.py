"""Array initializer lists are evaluated per thread: items that read thread-dependent values
differ between threads (a lane-0 value broadcast to all threads was a bug)."""
import numpy as np

from xpiler.grammar import parse
from xpiler.interp import Interpreter

SRC = """
__global__ void k(const float* __restrict__ x, float* __restrict__ out) {
  const int t = threadIdx.x;
  const float a[2] = {x[t], x[t + 4]};
  out[t] = a[0] + 10.0f * a[1];
}
extern "C" void k_kernel(const float* x, float* out) {
  float *dx, *dout;
  cudaMalloc((void**)&dx, 8 * sizeof(float));
  cudaMalloc((void**)&dout, 4 * sizeof(float));
  cudaMemcpy(dx, x, 8 * sizeof(float), cudaMemcpyHostToDevice);
  k<<<1, 4>>>(dx, dout);
  cudaMemcpy(out, dout, 4 * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(dx); cudaFree(dout);
}
"""


def test_initializer_items_are_per_thread():
    x = np.array([3, -1, 4, 1, -5, 9, 2, -6], np.float32)
    out = Interpreter(parse(SRC, "init.cu", "cuda")).run("k_kernel", {"x": x, "out": np.zeros(4, np.float32)})["out"]
    np.testing.assert_array_equal(out, x[:4] + 10 * x[4:])
