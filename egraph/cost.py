"""Per-target cost models for extraction, read from egraph/targets/<target>.toml.

The cost of an e-node is its own cost plus its children's, in rough cycles of the target:
operators by name ([op]), element loads and stores by memory space ([memory]), intrinsics from
the target's [intrinsic] table, else the catalog entry's `cost` (a number, or a table keyed by
target), else the default of its catalog family ([intrinsic_family]). Loops multiply their body
by the trip count, which a parallel binding divides by the width of its axis ([parallel]);
a loop whose trip count is not a constant is assumed to run `unknown_extent` times.
"""
from __future__ import annotations

import copy
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from xpiler import intrinsics
from xpiler.diagnostics import XpilerError
from xpiler.types import Space

TARGETS_DIR = Path(__file__).with_name("targets")
INF = math.inf
FREE_SORTS = {"Type", "DType", "Space", "VecKind", "FuncKind", "Platform", "Axis", "LoopKind"}


@dataclass
class TargetModel:
    name: str
    params: dict = field(default_factory=dict)

    # ---- parameters -------------------------------------------------------------------------
    def get(self, section: str, key: str, default=None):
        return self.params.get(section, {}).get(key, default)

    @property
    def split_factors(self) -> list[int]:
        return list(self.get("target", "split_factors", [2, 4, 8, 16]))

    @property
    def capacities(self) -> dict:
        caps = self.params.get("capacity", {})
        return {Space(k): int(v) for k, v in caps.items()}

    def with_param(self, section: str, key: str, value) -> "TargetModel":
        """A copy with one parameter changed (what-if studies, tests)."""
        params = copy.deepcopy(self.params)
        params.setdefault(section, {})[key] = value
        return TargetModel(self.name, params)

    # ---- costs ------------------------------------------------------------------------------
    def node_flags(self, graph, node) -> frozenset:
        """The parallel mapping a Loop node introduces: vector, openmp or an axis name."""
        if node.op != "Loop":
            return frozenset()
        kind = graph.first(node.args[0])
        if kind.op == "Vectorized":
            return frozenset({"vector"})
        if kind.op == "OpenMP":
            return frozenset({"openmp"})
        if kind.op == "Bound":
            return frozenset({graph.first(kind.args[0]).op.split(".", 1)[1].lower()})
        return frozenset()

    def node_cost(self, graph, node, kids: list[float], inner: frozenset = frozenset()) -> float:
        op = node.op
        if graph.sort_of[node.cls] in FREE_SORTS:
            return 0.0
        total = sum(kids)
        if op == "Loop":
            mine = self.node_flags(graph, node)
            if mine and not self.nesting_ok(mine, inner):
                return INF
            return self.loop_cost(graph, node, kids)
        if op == "Index":
            return total + self.memory(graph.space_of(node.child_classes[0]))
        if op == "Store":
            return total + self.memory(graph.space_of(node.child_classes[0])) * self.get("memory", "store_factor", 1.0)
        if op == "Intr":
            return total + self.intrinsic(node.values[0])
        if op == "Barrier":
            return self.get("op", "Barrier", 10.0)
        if op == "Alloc":
            space = graph.enum_of(node.child_classes[1])
            allowed = self.get("target", "spaces")
            if allowed is not None and space is not None and space not in allowed:
                # no rule moves an array between spaces yet: extract it, but make it dear
                return total + self.get("memory", "foreign_space", 1e6)
            return total + self.get("op", "Alloc", 1.0)
        ops = self.params.get("op", {})
        if op in ops:
            return total + ops[op]
        if graph.sort_of[node.cls] == "Expr":
            return total + ops.get("default", 1.0)
        return total + self.get("op", "stmt", 0.1)

    def nesting_ok(self, outer: frozenset, inner: frozenset) -> bool:
        """Mapped loops nest outer-to-inner in the target's [nesting] order: a vector loop is
        innermost, OpenMP regions do not nest, an axis is used once, threads inside blocks."""
        order = self.get("nesting", "order", ["block_z", "block_y", "block_x", "task", "cluster",
                                               "core", "thread_z", "thread_y", "thread_x",
                                               "openmp", "vector"])
        rank = {name: i for i, name in enumerate(order)}
        for o in outer:
            for i in inner:
                if rank.get(i, -1) <= rank.get(o, -1):
                    return False
        return True

    def memory(self, space: str | None) -> float:
        mem = self.params.get("memory", {})
        return mem.get(space or "generic", mem.get("generic", 4.0))

    def intrinsic(self, name: str) -> float:
        table = self.params.get("intrinsic", {})
        if name in table:
            return float(table[name])
        entry = intrinsics.lookup(name)
        if entry is not None:
            cost = entry.data.get("cost")
            if isinstance(cost, dict):
                cost = cost.get(self.name)
            if cost is not None:
                return float(cost)
            family = self.params.get("intrinsic_family", {})
            if entry.family in family:
                return float(family[entry.family])
        return float(self.get("intrinsic_family", "default", 10.0))

    def loop_cost(self, graph, node, kids: list[float]) -> float:
        kind_cls, _, _, lo, hi, step, body_cls = node.child_classes_all
        body = kids[-1]
        head = sum(kids[:-1])
        lo_v, hi_v, step_v = graph.const(lo), graph.const(hi), graph.const(step)
        known = lo_v is not None and hi_v is not None and step_v is not None and step_v > 0
        n = max(0, -(-(hi_v - lo_v) // step_v)) if known else self.get("target", "unknown_extent", 64)
        n = max(n, 1)
        kind = graph.first(kind_cls)
        overhead = self.get("loop", "overhead", 1.0)
        scale = self.get("loop", "serial_scale", 1.0)
        if kind.op in ("Serial", "Par", "Pragmas"):
            cost = n * (body + overhead) * scale
        elif kind.op == "Unrolled":
            if not known:
                cost = n * (body + overhead) * scale + 1.0
            else:
                cost = n * (body + self.get("loop", "unrolled_overhead", 0.0)) * scale \
                    + n * self.get("loop", "unroll_code_penalty", 0.5)
        elif kind.op == "UnrollBy":
            f = max(1, kind.values[0])
            cost = n * (body + overhead / f) * scale + f * self.get("loop", "unroll_code_penalty", 0.5)
        elif kind.op == "Vectorized":
            lanes = self.get("target", "lanes", 1)
            cost = math.ceil(n / lanes) * (body * self.get("loop", "vector_body_factor", 1.0) + overhead) \
                + self.get("loop", "vector_setup", 2.0)
        elif kind.op == "OpenMP":
            width = self.get("parallel", "openmp", None)
            if width is None:
                return INF
            cost = math.ceil(n / width) * (body + overhead) + self.get("parallel", "openmp_fork", 100.0)
        elif kind.op == "Bound":
            axis = graph.first(kind.child_classes_all[0]).op.split(".", 1)[1].lower()
            width = self.get("parallel", axis, None)
            if width is None:
                return INF
            cost = math.ceil(n / width) * (body + overhead) + self.get("parallel", axis + "_overhead", 0.0)
        else:
            cost = n * (body + overhead) * scale
        # never cheaper than the body once (keeps extraction acyclic and monotone)
        return max(cost, body + 1e-3) + head


def load_target(name: str, path: Path | None = None) -> TargetModel:
    path = path or TARGETS_DIR / f"{name}.toml"
    try:
        with open(path, "rb") as fh:
            params = tomllib.load(fh)
    except OSError:
        raise XpilerError(None, f"no cost model for target '{name}' ({path})") from None
    except tomllib.TOMLDecodeError as e:
        raise XpilerError(None, f"{path}: {e}") from None
    return TargetModel(name, params)
