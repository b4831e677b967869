"""`xpiler translate`: verified outputs with a header; failures name the construct, exit non-zero
and leave no output file; --strict refuses unverified output."""
import subprocess
import sys
from pathlib import Path

import pytest

from xpiler.pipeline import translate
from tests.corpus_support import CORPUS

SOURCES = ["cuda/gemm_tiled.cu", "cuda/softmax_rows.cu", "hip/gemv.hip", "hip/transpose.hip"]


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "xpiler.cli", *map(str, args)], capture_output=True, text=True)


@pytest.mark.parametrize("name", SOURCES)
def test_translation_to_vnni_is_verified(name):
    result = translate(CORPUS / name, "vnni", examples=2)
    assert result.verified, result.header()
    header = result.header()
    assert "[pass] interpreter differential test" in header
    assert "[pass] compiles with g++" in header or "[skip] compiles" in header


def test_cli_writes_verified_file(tmp_path):
    out = tmp_path / "gemm.cpp"
    proc = _cli("translate", CORPUS / "cuda/gemm_tiled.cu", "--to", "cpu", "-o", out, "--examples", "2")
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    assert text.startswith("// Translated by xpiler")
    assert 'extern "C" void gemm_tiled_kernel(' in text
    assert "#pragma omp parallel for" in text


VOTE = """
__global__ void any_positive(const float* x, int* out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  unsigned m = 0u;
  if (i < n && x[i] > 0.5f) m = __ballot_sync(0xffffffffu, x[i] > 1.0f);   // a vote in divergent code
  if (threadIdx.x == 0) out[blockIdx.x] = m != 0u;
}
extern "C" void any_positive_kernel(const float* x, int* out, int n) {
  float* dx; int* dout;
  cudaMalloc((void**)&dx, n * sizeof(float)); cudaMalloc((void**)&dout, 4 * sizeof(int));
  cudaMemcpy(dx, x, n * sizeof(float), cudaMemcpyHostToDevice);
  any_positive<<<4, 32>>>(dx, dout, n);
  cudaMemcpy(out, dout, 4 * sizeof(int), cudaMemcpyDeviceToHost);
}
"""


def test_untranslatable_construct_fails_cleanly(tmp_path):
    src = tmp_path / "vote.cu"
    src.write_text(VOTE)
    out = tmp_path / "vote.cpp"
    proc = _cli("translate", src, "--to", "vnni", "-o", out)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "vote.cu:5:" in proc.stderr and "error: cannot translate __ballot_sync" in proc.stderr
    assert not out.exists()


def test_strict_refuses_unverified(tmp_path):
    src = tmp_path / "k.cu"
    # with no differential examples the output cannot be verified
    src.write_text((CORPUS / "cuda/gemm_tiled.cu").read_text())
    out = tmp_path / "k.cpp"
    proc = _cli("translate", src, "--to", "vnni", "-o", out, "--strict", "--examples", "0")
    assert proc.returncode == 1 and "--strict" in proc.stderr and not out.exists()
    proc = _cli("translate", src, "--to", "vnni", "-o", out, "--examples", "0")
    assert proc.returncode == 3 and out.exists() and "NOT VERIFIED" in out.read_text()


def test_an_internal_error_is_one_line_not_a_traceback(tmp_path, monkeypatch, capsys):
    """A bug in xpiler (any exception that is not an XpilerError) is reported as an internal
    error with exit 70 and no traceback; XPILER_TRACEBACK=1 lets it propagate."""
    import xpiler.lift
    from xpiler.cli import main
    src = tmp_path / "k.cu"
    src.write_text('extern "C" __global__ void k(float* a) { a[threadIdx.x] = 1.0f; }\n')

    def broken(*args, **kwargs):
        raise KeyError("deliberate")
    monkeypatch.setattr(xpiler.lift, "lift", broken)
    monkeypatch.delenv("XPILER_TRACEBACK", raising=False)
    code = main(["translate", str(src), "--to", "hip", "--entry", "k", "--launch", "grid=1,block=32"])
    err = capsys.readouterr().err
    assert code == 70
    assert "internal error" in err and "KeyError" in err and "Traceback" not in err
    monkeypatch.setenv("XPILER_TRACEBACK", "1")
    with pytest.raises(KeyError):
        main(["translate", str(src), "--to", "hip", "--entry", "k", "--launch", "grid=1,block=32"])
