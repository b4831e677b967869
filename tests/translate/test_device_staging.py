"""Translation to device targets of kernels whose arrays come from the caller (vnni kernels):
extents synthesized by probing, stated with --extent when the kernel gathers, helpers with
parallel loops inlined, block-level results broadcast to the block."""
import subprocess
import sys

import pytest

from xpiler import ir
from xpiler.grammar import parse
from xpiler.lift import lift
from xpiler.oracle.extents import fit
from xpiler.pipeline import translate
from xpiler.printer import Printer
from xpiler.types import I32, Pointer
from emit.staging import data_indexed, host_arrays
from tests.corpus_support import CORPUS


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "xpiler.cli", *map(str, args)], capture_output=True, text=True)


@pytest.mark.parametrize("name,target", [("vnni/add_tail.cpp", "cuda"), ("vnni/gemm_u8s8_dpbusd.cpp", "bang"),
                                         ("vnni/reduce_sum_max.cpp", "hip"), ("vnni/softmax_rows.cpp", "cuda")])
def test_vnni_kernels_reach_device_targets_verified(name, target):
    result = translate(CORPUS / name, target, examples=2)
    assert result.verified, result.header()


def test_the_extent_of_a_pointer_parameter_is_synthesized_from_the_sizes():
    result = translate(CORPUS / "vnni/add_tail.cpp", "cuda", examples=1, verify=False)
    assert "cudaMalloc((void**)&a_dev, (unsigned long long)(long long)n * sizeof(float))" in result.text
    assert "cudaMemcpy((void*)c, (void*)c_dev" in result.text          # the output comes back
    assert "cudaMemcpy((void*)a, (void*)a_dev" not in result.text      # const input: not copied back


def test_fit_finds_products_and_sums_and_refuses_noise():
    rows = [[2, 3, 5], [4, 1, 7], [3, 3, 3], [5, 2, 9], [1, 6, 4], [6, 5, 2]]
    prod = [a * b * 40 for a, b, _ in rows]
    assert fit(rows, prod) == (((40, (0, 1)),), 0)
    concat = [a * (b + c) for a, b, c in rows]
    terms, const = fit(rows, concat)
    assert sorted(terms) == [(1, (0, 1)), (1, (0, 2))] and const == 0
    assert fit(rows, [17, 3, 99, 4, 58, 21]) is None


def test_a_gathered_table_needs_a_stated_extent(tmp_path):
    src, out = CORPUS / "vnni/embedding_gather.cpp", tmp_path / "g.cu"
    proc = _cli("translate", src, "--to", "cuda", "-o", out, "--examples", "1")
    assert proc.returncode == 1 and not out.exists()
    assert "embedding_gather.cpp:16:5: error: cannot translate the parallel loop using the array 'table'" in proc.stderr
    assert "--extent table=EXPR" in proc.stderr and "Traceback" not in proc.stderr
    proc = _cli("translate", src, "--to", "cuda", "-o", out, "--examples", "2", "--extent", "table=vocab*100")
    assert proc.returncode == 0, proc.stderr
    assert "cudaMalloc((void**)&table_dev, (unsigned long long)(long long)(vocab * 100) * sizeof(float))" in out.read_text()
    proc = _cli("translate", src, "--to", "cuda", "-o", out, "--extent", "table=vocab*")
    assert proc.returncode == 1 and "--extent table=vocab*: syntax error" in proc.stderr


GATHER = """
extern "C" void k(const float* t, const int* ix, float* o, int n) {
  #pragma omp parallel for
  for (int i = 0; i < n; i++) {
    int lane[4];
    for (int j = 0; j < 4; j++) lane[j] = i * 4 + j;
    int row = ix[i];
    o[lane[1]] = t[row * 4];
  }
}
"""


def test_data_indexed_arrays_are_those_indexed_through_loaded_values():
    entry = parse(GATHER, "g.cpp", "vnni").functions[0]
    loops = [s for s in entry.body.stmts if isinstance(s, ir.For)]
    assert data_indexed(loops) == {"t"}                 # lane[] holds indices, not data
    assert set(host_arrays(entry, set())) == {"t", "ix", "o"}


ROW_POINTERS = """
extern "C" void k(const float* x, const float* w, const int* ix, const float* t, float* o, int n, int m) {
  #pragma omp parallel for
  for (int i = 0; i < n; i++) {
    const float* xr = &x[i * m];
    const float* wr = w + i * m;
    const float* tr = &t[ix[i] * m];
    float acc = 0.0f;
    for (int j = 0; j < m; j++) acc += xr[j] * wr[j] + tr[j];
    o[i] = acc;
  }
}
"""


def test_a_pointer_to_a_row_reads_nothing_so_its_array_is_not_gathered():
    # `&x[i * m]` and `w + i * m` are addresses computed from sizes; `&t[ix[i] * m]` is one
    # computed from data
    entry = parse(ROW_POINTERS, "r.cpp", "vnni").functions[0]
    loops = [s for s in entry.body.stmts if isinstance(s, ir.For)]
    assert data_indexed(loops) == {"t"}


@pytest.mark.parametrize("name", ["bang/layernorm.mlu", "bang/softmax.mlu"])
def test_bang_helpers_with_tile_loops_and_block_results_reach_cuda(name):
    result = translate(CORPUS / name, "cuda", examples=2)
    assert result.verified, result.header()


def test_increment_through_a_pointer_keeps_its_parentheses():
    p = ir.Var("p", Pointer(I32))
    s = ir.Assign(ir.Deref(p, p.type.to), "+", ir.Const(1, p.type.to, "1"))
    assert Printer().simple(s) == "(*p)++"


def test_a_serial_loop_of_vector_operations_becomes_one_block():
    result = translate(CORPUS / "vnni/scatter_add_rows.cpp", "cuda", examples=2,
                       extents={"src": "n_src * dim", "out": "n_out * dim"})
    assert result.verified, result.header()
    kernel = result.text[result.text.index("scatter_add_rows_f32_loop_2("):]
    assert "for (int i = 0; i < n_src; i++)" in kernel.split("}\n\n")[0]     # rows in order, on the device
