"""Translate a set of kernels (the corpus or the wild set) in every direction and measure what
holds: shared by bench/accuracy.py (tests/corpus) and bench/wild.py (tests/wild).

Per translation: translated (no error), traceback (an exception that is not a positioned xpiler
diagnostic: a bug), compiles (the target's real toolchain, as the pipeline ran it), equivalent
(the output, run in xpiler's interpreter through the kernel's host entry, meets the numpy
reference on every case), native (the compiled output meets it on every case: vnni on this CPU,
bang through the emulation header, cuda/hip through the SIMT CPU emulation), self-verified (the
output's header says verified), seconds of `xpiler translate` (parse, lift, emit, verification).
References that state `EXTENTS` get them as `--extent`, device-only kernels (`LAUNCH`) get their
launch as `--launch` — what a user who knows the kernel passes.
"""
from __future__ import annotations

import datetime
import json
import os
import platform
import statistics
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.corpus_support import CorpusKernel, _load_module, assert_outputs_match  # noqa: E402
from xpiler import ir  # noqa: E402
from xpiler.diagnostics import XpilerError  # noqa: E402

PLATFORMS = ["cuda", "hip", "bang", "vnni"]


def evaluate(kernel: CorpusKernel, target: str, examples: int) -> dict:
    from xpiler.grammar import parse
    from xpiler.interp import Interpreter
    from xpiler.oracle import native
    from xpiler.pipeline import NATIVE, translate
    row = {"kernel": kernel.id, "target": target}
    ref = kernel.reference
    start = time.perf_counter()
    try:
        result = translate(kernel.source, target, examples=examples, extents=getattr(ref, "EXTENTS", None),
                           entry=ref.ENTRY if kernel.launch else None, launch=kernel.launch_option)
    except XpilerError as e:
        row.update(translated=False, reason=e.message.splitlines()[0][:160], seconds=time.perf_counter() - start)
        return row
    except Exception as e:                                   # a bug: counted, never hidden
        row.update(translated=False, traceback=True, seconds=time.perf_counter() - start,
                   reason=f"TRACEBACK {type(e).__name__}: {str(e)[:120]}",
                   trace=traceback.format_exc()[-2000:])
        return row
    row.update(translated=True, seconds=time.perf_counter() - start, verified=result.verified,
               compiles=any(c.name.startswith("compiles") and c.status == "pass" for c in result.checks),
               header=result.header())
    tgt = ir.PLATFORM_ALIASES[target]
    entry = kernel.host_entry
    try:
        out_module = parse(result.text, kernel.name + ".out", tgt)
        for case in kernel.cases():
            inputs = kernel.inputs(case)
            out = Interpreter(out_module).run(entry, inputs)
            assert_outputs_match(kernel, {n: out[n] for n in ref.OUTPUTS}, ref.reference(kernel.inputs(case)))
        row["equivalent"] = True
    except (XpilerError, AssertionError, KeyError) as e:
        row["equivalent"] = False
        row["reason"] = str(e).splitlines()[0][:160]
    except Exception as e:
        row.update(equivalent=False, traceback=True, reason=f"TRACEBACK (interpreter) {type(e).__name__}: {str(e)[:100]}")
    tool = NATIVE[tgt]
    if native.available(tool) or (tgt is ir.Platform.VNNI and not native.cpu_runs_vnni()):
        row["native"] = None
        return row
    try:
        for case in kernel.cases():
            inputs = kernel.inputs(case)
            out = native.run_native(result.text, tool, entry, ref.PARAMS, inputs)
            assert_outputs_match(kernel, {n: out[n] for n in ref.OUTPUTS}, ref.reference(kernel.inputs(case)))
        row["native"] = True
    except (native.NativeError, AssertionError, KeyError) as e:
        row["native"] = False
        row.setdefault("reason", str(e).strip().splitlines()[-1][:160] if str(e).strip() else type(e).__name__)
    return row


def pct(rows, key) -> str:
    if not rows:
        return "-"
    vals = [r.get(key) for r in rows]
    if all(v is None for v in vals):
        return "n/a"
    return f"{100 * sum(bool(v) for v in vals) / len(rows):.0f}%"


def _job(args):
    platform, source, target, examples = args             # (picklable: the worker reloads the kernel)
    source = Path(source)
    kernel = CorpusKernel(platform, source.stem, source, _load_module(source.with_suffix(".py")))
    return evaluate(kernel, target, examples)


def run(kernels: list[CorpusKernel], pairs: list[tuple[str, str]], examples: int, jobs: int = 1) -> list[dict]:
    todo = [(k.platform, str(k.source), t, examples) for s, t in pairs for k in kernels if k.platform == s]
    rows = []
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            for r in pool.map(_job, todo):
                rows.append(r)
                _progress(r)
    else:
        for item in todo:
            rows.append(_job(item))
            _progress(rows[-1])
    return rows


def _progress(r: dict) -> None:
    print(f"  {r['kernel']:40s} -> {r['target']:5s} translated={r['translated']} verified={r.get('verified')} "
          f"equivalent={r.get('equivalent')} native={r.get('native')} {r['seconds']:.2f}s "
          f"{r.get('reason', '')[:90]}", file=sys.stderr, flush=True)


def correct(r: dict) -> bool:
    return bool(r.get("equivalent")) and r.get("native") is not False


def table(title: str, kernels: list[CorpusKernel], pairs, rows: list[dict], examples: int, jobs: int) -> str:
    lines = [f"# {title} — {datetime.date.today()} — {platform.node()} ({os.cpu_count()} cpus, {jobs} job(s))",
             f"# {len(kernels)} kernels; differential examples per translation: {examples}", "",
             "| direction | kernels | translated | compiles | correct | equivalent (interpreter) | natively correct "
             "| self-verified | tracebacks | median s | p95 s |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for src, tgt in pairs + [("all", "all")]:
        sel = [r for r in rows if (src == "all" or r["kernel"].startswith(src + "/")) and (tgt == "all" or r["target"] == tgt)]
        if not sel:
            continue
        secs = sorted(r["seconds"] for r in sel)
        p95 = secs[min(len(secs) - 1, int(0.95 * len(secs)))]
        name = "all directions" if src == "all" else f"{src} -> {tgt}"
        lines.append(f"| {name} | {len(sel)} | {pct(sel, 'translated')} | {pct(sel, 'compiles')} | "
                     f"{100 * sum(map(correct, sel)) / len(sel):.0f}% | {pct(sel, 'equivalent')} | {pct(sel, 'native')} | "
                     f"{pct(sel, 'verified')} | {sum(bool(r.get('traceback')) for r in sel)} | "
                     f"{statistics.median(secs):.2f} | {p95:.2f} |")
    return "\n".join(lines)


def main(title: str, kernels_of, argv=None) -> None:
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--directions", help="comma-separated source:target pairs (default: all 12)")
    ap.add_argument("--examples", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=1, help="translations in parallel (processes)")
    ap.add_argument("--only", help="substring a kernel id must contain")
    ap.add_argument("--json", help="write every row to this file")
    ap.add_argument("--every", type=int, default=1,
                    help="a deterministic sample: every Nth kernel of each platform (ids sorted)")
    args = ap.parse_args(argv)
    pairs = [tuple(p.split(":")) for p in args.directions.split(",")] if args.directions else \
        [(s, t) for s in PLATFORMS for t in PLATFORMS if s != t]
    kernels = [k for k in kernels_of() if not args.only or args.only in k.id]
    if args.every > 1:
        kernels = [k for p in PLATFORMS for i, k in enumerate(sorted((k for k in kernels if k.platform == p),
                                                                    key=lambda k: k.id)) if i % args.every == 0]
    rows = run(kernels, pairs, args.examples, args.jobs)
    sample = f" (sample: one kernel in {args.every} of each platform, ids sorted)" if args.every > 1 else ""
    print(table(title + sample, kernels, pairs, rows, args.examples, args.jobs))
    failures = [r for r in rows if not correct(r) or not r.get("verified")]
    if failures:
        print("\nNot correct or not self-verified:")
        for r in failures:
            print(f"- {r['kernel']} -> {r['target']}: correct={correct(r)} verified={r.get('verified')} "
                  f"{r.get('reason', '')[:150]}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
