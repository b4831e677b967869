"""A GPU/MLU output must launch its work: one that runs a parallel source on the host is a
failure, not "verified" (issue 10, item 6)."""
from xpiler.grammar import parse
from xpiler import ir
from xpiler.oracle.verify import device_code_check

PARALLEL_C = """
extern "C" void scale(float* x, int n) {
#pragma omp parallel for
  for (int i = 0; i < n; i++) x[i] *= 2.0f;
}
"""
HOST_ONLY_CU = """
extern "C" void scale(float* x, int n) {
  for (int i = 0; i < n; i++) x[i] *= 2.0f;
}
"""
LAUNCHING_CU = """
__global__ void k(float* x, int n) { int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) x[i] *= 2.0f; }
extern "C" void scale(float* x, int n) { k<<<(n + 255) / 256, 256>>>(x, n); }
"""


def test_host_only_output_of_parallel_source_fails():
    src = parse(PARALLEL_C, "s.cpp", "vnni")
    check = device_code_check(src, parse(HOST_ONLY_CU, "s.cu", "cuda"), ir.Platform.CUDA)
    assert check is not None and check.status == "fail" and "launches no kernel" in check.detail


def test_launching_output_passes_and_vnni_needs_no_device_code():
    src = parse(PARALLEL_C, "s.cpp", "vnni")
    assert device_code_check(src, parse(LAUNCHING_CU, "s.cu", "cuda"), ir.Platform.CUDA).status == "pass"
    assert device_code_check(parse(LAUNCHING_CU, "s.cu", "cuda"), src, ir.Platform.VNNI) is None
