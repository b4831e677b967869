"""Translation accuracy over the corpus: every kernel to the three other interfaces.

Per direction (12 rows): translated % (no error), compiles % (real toolchain: g++, nvcc, hipcc,
g++ with the BANG emulation header), equivalent % (the output, run in xpiler's interpreter,
meets the kernel's numpy reference on every case), natively verified % (the compiled output run
on this CPU meets the reference on every case: vnni natively, bang through the emulation header,
cuda/hip through the SIMT CPU emulation), median and 95th-percentile seconds of
`xpiler translate` (parse, lift, emit and the built-in verification).

Run: python bench/accuracy.py [--directions cuda:vnni,hip:bang] [--examples 3] [--json FILE]
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.corpus_support import assert_outputs_match, corpus  # noqa: E402
from xpiler import ir  # noqa: E402
from xpiler.diagnostics import XpilerError  # noqa: E402
from xpiler.grammar import parse  # noqa: E402
from xpiler.interp import Interpreter  # noqa: E402
from xpiler.oracle import native  # noqa: E402
from xpiler.pipeline import NATIVE, translate  # noqa: E402

PLATFORMS = ["cuda", "hip", "bang", "vnni"]


def evaluate(kernel, target: str, examples: int) -> dict:
    row = {"kernel": kernel.id, "target": target}
    start = time.perf_counter()
    try:
        result = translate(kernel.source, target, examples=examples,
                           extents=getattr(kernel.reference, "EXTENTS", None))
    except XpilerError as e:
        row.update(translated=False, reason=e.message.splitlines()[0][:160],
                   seconds=time.perf_counter() - start)
        return row
    row.update(translated=True, seconds=time.perf_counter() - start, verified_by_pipeline=result.verified,
               compiles=any(c.name.startswith("compiles") and c.status == "pass" for c in result.checks))
    tgt = ir.PLATFORM_ALIASES[target]
    ref = kernel.reference
    try:
        out_module = parse(result.text, kernel.name + ".out", tgt)
        for case in kernel.cases():
            inputs = kernel.inputs(case)
            out = Interpreter(out_module).run(ref.ENTRY, inputs)
            assert_outputs_match(kernel, out, ref.reference(inputs))
        row["equivalent"] = True
    except (XpilerError, AssertionError) as e:
        row["equivalent"] = False
        row["reason"] = str(e).splitlines()[0][:160]
    tool = NATIVE[tgt]
    if native.available(tool) or (tgt is ir.Platform.VNNI and not native.cpu_runs_vnni()):
        row["native"] = None
        return row
    try:
        for case in kernel.cases():
            inputs = kernel.inputs(case)
            out = native.run_native(result.text, tool, ref.ENTRY, ref.PARAMS, inputs)
            assert_outputs_match(kernel, out, ref.reference(inputs))
        row["native"] = True
    except (native.NativeError, AssertionError) as e:
        row["native"] = False
        row.setdefault("reason", str(e).splitlines()[0][:160])
    return row


def pct(rows, key) -> str:
    if not rows:
        return "-"
    vals = [r.get(key) for r in rows]
    known = [v for v in vals if v is not None]
    if not known:
        return "n/a"
    return f"{100 * sum(bool(v) for v in vals) / len(rows):.0f}%"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--directions", help="comma-separated source:target pairs (default: all 12)")
    ap.add_argument("--examples", type=int, default=3)
    ap.add_argument("--json", help="write every row to this file")
    args = ap.parse_args()
    pairs = [tuple(p.split(":")) for p in args.directions.split(",")] if args.directions else \
        [(s, t) for s in PLATFORMS for t in PLATFORMS if s != t]
    rows = []
    for src, tgt in pairs:
        for k in corpus(src):
            rows.append(evaluate(k, tgt, args.examples))
            r = rows[-1]
            print(f"  {r['kernel']:32s} -> {tgt:5s} translated={r['translated']} "
                  f"equivalent={r.get('equivalent')} native={r.get('native')} {r['seconds']:.2f}s "
                  f"{r.get('reason', '')[:90]}", file=sys.stderr)
    print(f"# bench/accuracy.py — {datetime.date.today()} — {platform.node()} ({os.cpu_count()} cpus)")
    print(f"# corpus: {len(corpus())} kernels; differential examples per translation: {args.examples}\n")
    print("| direction | kernels | translated | compiles | equivalent (interpreter) | natively verified | median s | p95 s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for src, tgt in pairs:
        sel = [r for r in rows if r["kernel"].startswith(src + "/") and r["target"] == tgt]
        secs = sorted(r["seconds"] for r in sel)
        p95 = secs[min(len(secs) - 1, int(0.95 * len(secs)))] if secs else 0
        print(f"| {src} -> {tgt} | {len(sel)} | {pct(sel, 'translated')} | {pct(sel, 'compiles')} | "
              f"{pct(sel, 'equivalent')} | {pct(sel, 'native')} | "
              f"{statistics.median(secs) if secs else 0:.2f} | {p95:.2f} |")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
