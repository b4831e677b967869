"""Launchers that check errors the way people write them (CUDA_CHECK / HIP_CHECK / CNRT_CHECK
macros with fprintf, std::cerr, printf, exit, abort; a gpuAssert helper; a C function with
assert) translate in every direction: the checks of runtime calls are dead once the calls are
lifted (they always succeed) and nothing of them reaches the output, while output and exits on
live paths stay host code in every target. Each output is verified by xpiler, parses with its
front end, and run in the interpreter meets numpy and writes what the source writes."""
import re

import numpy as np
import pytest

from xpiler.diagnostics import XpilerError
from xpiler.grammar import parse
from xpiler.interp import Interpreter
from xpiler.pipeline import translate

CUDA = r'''
#include <cstdio>
#include <cstdlib>
#define CUDA_CHECK(call) do { cudaError_t e = (call); if (e != cudaSuccess) { \
    fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, cudaGetErrorString(e)); exit(1); } } while (0)

__global__ void axpy(const float* x, const float* y, float* out, float a, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = a * x[i] + y[i];
}

extern "C" void axpy_launch(const float* x, const float* y, float* out, float a, int n) {
  if (n > 1 << 20) { fprintf(stderr, "n = %d is too large\n", n); exit(EXIT_FAILURE); }
  float *dx, *dy, *dout;
  CUDA_CHECK(cudaMalloc(&dx, n * sizeof(float)));
  CUDA_CHECK(cudaMalloc(&dy, n * sizeof(float)));
  CUDA_CHECK(cudaMalloc(&dout, n * sizeof(float)));
  CUDA_CHECK(cudaMemcpy(dx, x, n * sizeof(float), cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(dy, y, n * sizeof(float), cudaMemcpyHostToDevice));
  axpy<<<(n + 127) / 128, 128>>>(dx, dy, dout, a, n);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaDeviceSynchronize());
  CUDA_CHECK(cudaMemcpy(out, dout, n * sizeof(float), cudaMemcpyDeviceToHost));
  printf("axpy: %d elements\n", n);
  CUDA_CHECK(cudaFree(dx)); CUDA_CHECK(cudaFree(dy)); CUDA_CHECK(cudaFree(dout));
}
'''

HIP = r'''
#include <hip/hip_runtime.h>
#include <iostream>
#define HIP_CHECK(x) { hipError_t err = x; if (err != hipSuccess) { std::cerr << "HIP error " \
    << hipGetErrorString(err) << " at " << __LINE__ << std::endl; std::exit(EXIT_FAILURE); } }

__global__ void relu(const float* x, float* y, int n) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x)
    y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

extern "C" void relu_launch(const float* x, float* y, int n) {
  float *dx, *dy;
  HIP_CHECK(hipMalloc(&dx, n * sizeof(float)));
  HIP_CHECK(hipMalloc(&dy, n * sizeof(float)));
  HIP_CHECK(hipMemcpy(dx, x, n * sizeof(float), hipMemcpyHostToDevice));
  hipLaunchKernelGGL(relu, dim3(4), dim3(64), 0, 0, dx, dy, n);
  HIP_CHECK(hipGetLastError());
  HIP_CHECK(hipMemcpy(y, dy, n * sizeof(float), hipMemcpyDeviceToHost));
  std::cout << "relu over " << n << " values" << std::endl;
  HIP_CHECK(hipFree(dx));
  HIP_CHECK(hipFree(dy));
}
'''

BANG = r'''
#include <bang.h>
#include <cnrt.h>
#include <stdio.h>
#include <stdlib.h>
#define CNRT_CHECK(expr) do { cnrtRet_t r_ = (expr); if (r_ != cnrtSuccess) { \
    printf("[%s:%d] %s failed: %s\n", __FILE__, __LINE__, #expr, cnrtGetErrorStr(r_)); abort(); } } while (0)

__mlu_global__ void scale(const float* x, float* y, float a, int n) {
  for (int i = taskId; i < n; i += taskDim) y[i] = a * x[i];
}

extern "C" void scale_launch(const float* x, float* y, float a, int n) {
  cnrtQueue_t queue;
  CNRT_CHECK(cnrtQueueCreate(&queue));
  float *dx, *dy;
  CNRT_CHECK(cnrtMalloc((void**)&dx, n * sizeof(float)));
  CNRT_CHECK(cnrtMalloc((void**)&dy, n * sizeof(float)));
  CNRT_CHECK(cnrtMemcpy(dx, (void*)x, n * sizeof(float), cnrtMemcpyHostToDev));
  cnrtDim3_t dim = {4, 1, 1};
  scale<<<dim, cnrtFuncTypeUnion1, queue>>>(dx, dy, a, n);
  CNRT_CHECK(cnrtQueueSync(queue));
  CNRT_CHECK(cnrtMemcpy(y, dy, n * sizeof(float), cnrtMemcpyDevToHost));
  puts("scale done");
  CNRT_CHECK(cnrtFree(dx));
  CNRT_CHECK(cnrtFree(dy));
  CNRT_CHECK(cnrtQueueDestroy(queue));
}
'''

GPU_ASSERT = r'''
#include <cstdio>
#define cudaCheck(ans) { gpuAssert((ans), __FILE__, __LINE__); }
inline void gpuAssert(cudaError_t code, const char* file, int line) {
  if (code != cudaSuccess) {
    fprintf(stderr, "GPUassert: %s %s %d\n", cudaGetErrorString(code), file, line);
    exit(code);
  }
}

__global__ void square(const float* x, float* y, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = x[i] * x[i];
}

extern "C" void square_launch(const float* x, float* y, int n) {
  float *dx, *dy;
  cudaCheck(cudaMalloc(&dx, n * sizeof(float)));
  cudaCheck(cudaMalloc(&dy, n * sizeof(float)));
  cudaCheck(cudaMemcpy(dx, x, n * sizeof(float), cudaMemcpyHostToDevice));
  square<<<(n + 63) / 64, 64>>>(dx, dy, n);
  cudaCheck(cudaGetLastError());
  cudaCheck(cudaMemcpy(y, dy, n * sizeof(float), cudaMemcpyDeviceToHost));
  cudaCheck(cudaFree(dx));
  cudaCheck(cudaFree(dy));
}
'''

C_ASSERT = r'''
#include <assert.h>
#include <stdio.h>
extern "C" void row_sum(const float* x, float* out, int rows, int cols) {
  assert(rows > 0 && cols > 0);
  for (int r = 0; r < rows; r++) {
    float s = 0.0f;
    for (int c = 0; c < cols; c++) s += x[r * cols + c];
    out[r] = s;
  }
  printf("row_sum %dx%d\n", rows, cols);
}
'''

# name -> (source, file name, entry, inputs, reference, what the dead error path would print,
#          what the live path writes)
rng = np.random.default_rng(7)
X, Y = rng.standard_normal(300).astype(np.float32), rng.standard_normal(300).astype(np.float32)
M = rng.standard_normal((5, 7)).astype(np.float32)
SOURCES = {
    "cuda": (CUDA, "axpy.cu", "axpy_launch",
             dict(x=X, y=Y, out=np.zeros(300, np.float32), a=np.float32(1.5), n=np.int32(300)),
             lambda i: {"out": 1.5 * i["x"] + i["y"]}, "cudaGetErrorString", ("stdout", "axpy: 300 elements\n")),
    "hip": (HIP, "relu.hip", "relu_launch", dict(x=X, y=np.zeros(300, np.float32), n=np.int32(300)),
            lambda i: {"y": np.maximum(i["x"], 0)}, "HIP error", ("stdout", "relu over 300 values\n")),
    "bang": (BANG, "scale.mlu", "scale_launch",
             dict(x=X, y=np.zeros(300, np.float32), a=np.float32(-2.0), n=np.int32(300)),
             lambda i: {"y": -2.0 * i["x"]}, "failed", ("stdout", "scale done\n")),
    "gpu_assert": (GPU_ASSERT, "square.cu", "square_launch", dict(x=X, y=np.zeros(300, np.float32), n=np.int32(300)),
                   lambda i: {"y": i["x"] * i["x"]}, "GPUassert", None),
    "c_assert": (C_ASSERT, "row_sum.cpp", "row_sum", dict(x=M.ravel(), out=np.zeros(5, np.float32),
                                                       rows=np.int32(5), cols=np.int32(7)),
                 lambda i: {"out": i["x"].reshape(5, 7).sum(axis=1)}, None, ("stdout", "row_sum 5x7\n")),
}
EXT = {"cuda": ".cu", "hip": ".hip", "bang": ".mlu", "vnni": ".cpp"}
PLATFORM = {".cu": "cuda", ".hip": "hip", ".mlu": "bang", ".cpp": "vnni"}
CASES = [(name, t) for name, (_, file, *_) in SOURCES.items() for t in EXT if t != PLATFORM[file[file.rfind("."):]]]


def run(module, entry: str, inputs: dict):
    interp = Interpreter(module)
    out = interp.run(entry, {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in inputs.items()})
    return out, interp.report


def written(report) -> dict:
    return {"stdout": "".join(report.stdout), "stderr": "".join(report.stderr)}


@pytest.mark.parametrize("name,target", CASES, ids=[f"{n}->{t}" for n, t in CASES])
def test_translated_launcher_meets_numpy_and_writes_what_the_source_writes(tmp_path, name, target):
    src, file, entry, inputs, reference, dead, live = SOURCES[name]
    path = tmp_path / file
    path.write_text(src)
    source_out, source_report = run(parse(src, str(path)), entry, inputs)
    result = translate(path, target, examples=2)
    assert result.verified, result.header()
    assert not any(c.status == "fail" for c in result.checks), result.header()
    out_module = parse(result.text, "out" + EXT[target], target)          # xpiler's own front end
    got, report = run(out_module, entry, inputs)
    for key, want in reference(inputs).items():
        np.testing.assert_allclose(got[key], want, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(source_out[key], want, rtol=1e-5, atol=1e-6)
    # the checks of lifted runtime calls are dead: none of their error path is left
    assert "GetError" not in result.text and "abort" not in result.text
    if dead is not None:
        assert dead not in result.text
    assert "__in1_" not in result.text and not re.search(r"^\s*0;$", result.text, re.M)   # no leftovers
    # what the program writes on its live path is host code in every target
    assert written(report) == written(source_report)
    if live is not None:
        assert written(report)[live[0]] == live[1]


def test_a_live_error_path_is_kept_and_exits_in_the_translation(tmp_path):
    """The size check of the CUDA launcher is not about a runtime call: it stays in the output,
    and the output, like the source, ends the run at its exit with a positioned error."""
    path = tmp_path / "axpy.cu"
    path.write_text(CUDA)
    big = dict(SOURCES["cuda"][3], n=np.int32(2 << 20))
    for target in ("vnni", "hip", "bang"):
        result = translate(path, target, examples=2, verify=False)
        assert 'fprintf(stderr, "n = %d is too large\\n", n);' in result.text
        out_module = parse(result.text, "out" + EXT[target], target)
        with pytest.raises(XpilerError) as info:
            run(out_module, "axpy_launch", big)
        line = result.text.splitlines()[info.value.span.line - 1]
        assert info.value.message == "the program exited with status 1" and "exit(EXIT_FAILURE)" in line
        assert "n = 2097152 is too large" in info.value.notes[0].message
