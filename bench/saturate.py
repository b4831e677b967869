"""Saturation cost per corpus kernel and target: e-nodes, iterations, seconds, memory.

Target (issue 4): every corpus kernel saturates or stops at its limit within 2 s, memory
under 1 GB. Each row: the stop reason, iterations run, e-classes / e-nodes at the end, facts
asserted, saturation seconds, extraction seconds and the process's resident memory after the
run (the peak over the whole run is printed at the end).

Run: python bench/saturate.py [--targets cuda,vnni] [--iters N] [--node-limit N] [--seconds S]
                              [--json]
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import time
from pathlib import Path

from xpiler.egraph import extract as ex
from xpiler.egraph.saturate import Limits, Session
from xpiler.grammar import parse_file

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
EXTS = {"cuda": ".cu", "hip": ".hip", "bang": ".mlu", "vnni": ".cpp"}


def memory_mb(field: str = "VmRSS") -> float:
    """Resident (VmRSS) or peak resident (VmHWM) memory of this process in MiB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(path: Path, target: str, limits: Limits) -> dict:
    module = parse_file(path)
    session = Session.for_target(target)
    session.add_module(module)
    report = session.saturate(limits)
    t0 = time.perf_counter()
    graph = session.graph()
    cost, _ = ex.extract(graph, session.model)
    last = report.iterations[-1]
    return {"kernel": f"{path.parent.name}/{path.name}", "target": target, "stop": report.stop,
            "iterations": len(report.iterations) - 1, "eclasses": last.eclasses, "enodes": last.enodes,
            "facts": report.facts, "saturate_s": report.seconds,
            "extract_s": round(time.perf_counter() - t0, 4), "cost": cost, "rss_mb": round(memory_mb(), 1)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--targets", default="cuda,hip,bang,vnni")
    p.add_argument("--iters", type=int, default=12)
    p.add_argument("--node-limit", type=int, default=20_000)
    p.add_argument("--seconds", type=float, default=2.0)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    limits = Limits(args.iters, args.node_limit, args.seconds)
    targets = args.targets.split(",")
    rows = []
    for plat, ext in EXTS.items():
        for path in sorted((CORPUS / plat).glob(f"*{ext}")):
            for target in targets:
                rows.append(run_one(path, target, limits))
    peak = memory_mb("VmHWM")
    if args.json:
        print(json.dumps({"limits": vars(limits), "rows": rows, "peak_rss_mb": peak}, indent=1))
        return 0
    print(f"# bench/saturate.py — {datetime.date.today()} — {platform.node()} ({os.cpu_count()} cpus, "
          f"Python {platform.python_version()})")
    print(f"limits: {limits.iterations} iterations, {limits.nodes} e-nodes, {limits.seconds:g} s "
          f"(checked between iterations)\n")
    print("| kernel | target | stop | iters | e-classes | e-nodes | facts | saturate s | extract s | RSS MiB |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['kernel']} | {r['target']} | {r['stop']} | {r['iterations']} | {r['eclasses']} | "
              f"{r['enodes']} | {r['facts']} | {r['saturate_s']:.3f} | {r['extract_s']:.3f} | {r['rss_mb']:.0f} |")
    worst = max(rows, key=lambda r: r["saturate_s"] + r["extract_s"])
    over = [r for r in rows if r["saturate_s"] + r["extract_s"] > 2.0]
    stops = {}
    for r in rows:
        stops[r["stop"]] = stops.get(r["stop"], 0) + 1
    print(f"\n{len(rows)} runs; stops: {stops}; slowest: {worst['kernel']} -> {worst['target']} "
          f"{worst['saturate_s'] + worst['extract_s']:.3f} s; over 2 s: {len(over)}; "
          f"peak RSS {peak:.0f} MiB (target: under 1024)")
    return 1 if over or peak >= 1024 else 0


if __name__ == "__main__":
    sys.exit(main())
