"""Extraction: the cheapest term of the root e-class under a target's cost model.

The e-graph is read once through egglog's `freeze()` into a `Graph` (e-classes, e-nodes with
their children); costs are computed to a fixpoint (a node's cost is its own plus its
children's best, so every e-class gets the cost of its cheapest finite term), then the best
node of each class is followed down from the root to build the term, which `terms.decode`
turns back into IR.
"""
from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from . import terms
from .cost import TargetModel

_PRIM = {"String": "value_to_string", "i64": "value_to_i64", "f64": "value_to_f64",
         "bool": "value_to_bool"}


@dataclass
class Node:
    op: str
    cls: int
    args: tuple                 # class ids where is_class, else primitive values
    is_class: tuple

    @property
    def child_classes(self) -> list[int]:
        return [a for a, c in zip(self.args, self.is_class) if c]

    @property
    def child_classes_all(self) -> tuple:
        return self.args

    @property
    def values(self) -> list:
        return [a for a, c in zip(self.args, self.is_class) if not c]


class Graph:
    """A read-only copy of an e-graph's term constructors."""

    def __init__(self):
        self.nodes: list[Node] = []
        self.classes: dict[int, list[int]] = {}
        self.sort_of: dict[int, str] = {}
        self.root: int | None = None
        self.lets: dict[str, int] = {}

    @classmethod
    def from_egraph(cls, egraph, root: str = "$root") -> "Graph":
        g = cls()
        ids: dict = {}

        def class_id(sort: str, value) -> int:
            key = (sort, value)
            if key not in ids:
                ids[key] = len(ids)
                g.sort_of[ids[key]] = sort
                g.classes[ids[key]] = []
            return ids[key]

        frozen = egraph.freeze()
        for name, fn in frozen.functions.items():
            if fn.is_let_binding:
                for row in fn.rows:
                    g.lets[name] = class_id(fn.output_sort, row.output)
                continue
            ctor = terms.SCHEMA.get(name)
            if ctor is None:
                continue
            for row in fn.rows:
                if getattr(row, "subsumed", False):
                    continue
                args, flags = [], []
                for sort, value in zip(fn.input_sorts, row.inputs):
                    if sort in _PRIM:
                        args.append(getattr(egraph, _PRIM[sort])(value))
                        flags.append(False)
                    else:
                        args.append(class_id(sort, value))
                        flags.append(True)
                c = class_id(ctor.sort, row.output)
                g.classes[c].append(len(g.nodes))
                g.nodes.append(Node(name, c, tuple(args), tuple(flags)))
        g.root = g.lets.get(root)
        return g

    # ---- queries the cost model uses ----------------------------------------------------------
    def first(self, c: int) -> Node:
        return self.nodes[self.classes[c][0]]

    def const(self, c: int) -> int | None:
        for i in self.classes.get(c, ()):
            n = self.nodes[i]
            if n.op == "Const":
                return n.args[0]
        return None

    def enum_of(self, c: int) -> str | None:
        nodes = self.classes.get(c)
        if not nodes:
            return None
        op = self.nodes[nodes[0]].op
        return op.split(".", 1)[1].lower() if "." in op else None

    def space_of(self, c: int) -> str | None:
        """The memory space of a pointer or array expression's class."""
        for i in self.classes.get(c, ()):
            n = self.nodes[i]
            t = terms.type_of((n.op,) + n.args)
            if t is None:
                continue
            tn = self.first(t)
            if tn.op == "Pointer":
                return self.enum_of(tn.args[1])
            if tn.op == "Array":
                return self.enum_of(tn.args[2])
        return None

    @property
    def num_nodes(self) -> int:
        return len(self.nodes)


class TermSize:
    """The plain cost model: the number of nodes of a term (as a tree)."""

    def node_cost(self, graph, node, kids, inner=frozenset()) -> float:
        return 1.0 + sum(kids)

    def node_flags(self, graph, node) -> frozenset:
        return frozenset()


def costs(graph: Graph, model: TargetModel) -> dict[int, tuple[float, int, frozenset]]:
    """Best (cost, node index, flags) of every e-class that has a finite term; flags say which
    parallel mappings the best term uses (the cost model forbids invalid nestings with them)."""
    parents: dict[int, list[int]] = {}
    for i, n in enumerate(graph.nodes):
        for c in set(n.child_classes):
            parents.setdefault(c, []).append(i)
    best: dict[int, tuple[float, int]] = {}
    queue = deque(i for i, n in enumerate(graph.nodes) if not n.child_classes)
    queued = set(queue)
    budget = 200 * max(1, len(graph.nodes))
    while queue and budget > 0:
        budget -= 1
        i = queue.popleft()
        queued.discard(i)
        n = graph.nodes[i]
        kids, flags = [], []
        for c in n.child_classes:
            b = best.get(c)
            if b is None:
                break
            kids.append(b[0])
            flags.append(b[2])
        else:
            inner = frozenset().union(*flags) if flags else frozenset()
            cost = model.node_cost(graph, n, kids, inner)
            old = best.get(n.cls)
            if cost < math.inf and (old is None or cost < old[0] - 1e-9 * max(1.0, abs(old[0]))):
                best[n.cls] = (cost, i, inner | model.node_flags(graph, n))
                for p in parents.get(n.cls, ()):
                    if p not in queued:
                        queued.add(p)
                        queue.append(p)
    return best


def term_of(graph: Graph, best: dict, c: int, memo: dict | None = None, path: frozenset = frozenset()) -> terms.Term:
    """The term of class `c` following the best nodes."""
    memo = {} if memo is None else memo
    if c in memo:
        return memo[c]
    if c in path:
        raise RuntimeError("extraction found a cycle (a cost model that is not monotone)")
    if c not in best:
        raise RuntimeError(f"e-class {c} ({graph.sort_of[c]}) has no finite-cost term")
    n = graph.nodes[best[c][1]]
    inner = path | {c}
    t = (n.op,) + tuple(term_of(graph, best, a, memo, inner) if flag else a
                        for a, flag in zip(n.args, n.is_class))
    memo[c] = t
    return t


def extract(graph: Graph, model: TargetModel, root: int | None = None) -> tuple[float, terms.Term]:
    """(cost, term) of the cheapest term of `root` (default: the graph's root)."""
    root = graph.root if root is None else root
    best = costs(graph, model)
    if root not in best:
        raise RuntimeError("the root has no finite-cost term under this cost model")
    return best[root][0], term_of(graph, best, root)


def dot(graph: Graph, max_classes: int = 200) -> str:
    """Graphviz text of the e-graph: every class, or the `max_classes` nearest the root."""
    order = list(graph.classes)
    if graph.root is not None and len(order) > max_classes:
        seen, queue, order = {graph.root}, deque([graph.root]), []
        while queue and len(order) < max_classes:
            c = queue.popleft()
            order.append(c)
            for i in graph.classes[c]:
                for k in graph.nodes[i].child_classes:
                    if k not in seen:
                        seen.add(k)
                        queue.append(k)
    shown = set(order)
    lines = ["digraph egraph {", "  compound=true; rankdir=TB; node [shape=box, fontsize=10];"]
    for c in order:
        lines.append(f'  subgraph cluster_{c} {{ style=dashed; label="{graph.sort_of[c]} #{c}";')
        for i in graph.classes[c]:
            n = graph.nodes[i]
            label = n.op + "".join(f" {terms.literal(v)}" for v in n.values)
            label = label.replace("\\", "\\\\").replace('"', '\\"')
            lines.append(f'    n{i} [label="{label[:60]}"];')
        lines.append("  }")
    for c in order:
        for i in graph.classes[c]:
            for k in graph.nodes[i].child_classes:
                if k in shown and graph.classes[k]:
                    lines.append(f"  n{i} -> n{graph.classes[k][0]} [lhead=cluster_{k}];")
    if len(order) < len(graph.classes):
        lines.append(f'  more [shape=plaintext, label="... {len(graph.classes) - len(order)} more e-classes"];')
    lines.append("}")
    return "\n".join(lines) + "\n"
