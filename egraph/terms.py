"""Term encoding: a faithful two-way mapping between the Kernel IR and egglog terms.

A term is a Python tuple `(constructor, *children)`; leaves are `str` (egglog String), `int`
(i64), `float` (f64) and `bool`. The constructors are derived from the IR dataclasses (one per
class; `Binary`/`Unary` split per operator and `Const` per value kind, so that rules can say
`(Add a b t)`), plus the canonical statement forms rules work on:

  (Loop kind var type lo hi step body)  for (type var = lo; var < hi; var += step) body,
                                        kind from the pragmas (serial, unroll, omp simd,
                                        omp parallel for, bound to a parallel axis)
  (Let var type value body)             { const type var = value; body }  (split/fuse bind the
                                        old index variable here, so they need no substitution)
  (Store base index type value)         base[index] = value
  (Alloc name type space storage)       an array declaration (no initialiser) in a memory space
  (Barrier name)                        __syncthreads(), __sync_all(), ... as a statement
  (Intr callee args type targs)         a call to an entry of the intrinsic catalog

Each special form is used only where decoding it gives back exactly the IR node it came from
(checked while encoding), so `decode(encode(x)) == x` for every IR node. Optional fields use
sentinels: `NoExpr`, `NoStmt`, `NoType`, `ENone` (an absent argument list), "" for an absent
string and -1 for an absent array size.
"""
from __future__ import annotations

import dataclasses
import math
import typing
from dataclasses import dataclass
from enum import Enum

from xpiler import intrinsics, ir, types
from xpiler.types import DType, Space, Type

Term = tuple

# ---- operators, loop kinds, parallel axes ----------------------------------------------------

BINARY_OPS = {"+": "Add", "-": "Sub", "*": "Mul", "/": "Div", "%": "Mod", "<<": "Shl",
              ">>": "Shr", "<": "Lt", ">": "Gt", "<=": "Le", ">=": "Ge", "==": "Eq", "!=": "Ne",
              "&": "BitAnd", "|": "BitOr", "^": "BitXor", "&&": "And", "||": "Or"}
UNARY_OPS = {"-": "Neg", "+": "Plus", "!": "Not", "~": "BitNot"}
BINARY_NAMES = {v: k for k, v in BINARY_OPS.items()}
UNARY_NAMES = {v: k for k, v in UNARY_OPS.items()}


class Axis(Enum):
    """A parallel axis a loop can be bound to; the value is the IR builtin that indexes it."""
    BLOCK_X = "blockIdx.x"
    BLOCK_Y = "blockIdx.y"
    BLOCK_Z = "blockIdx.z"
    THREAD_X = "threadIdx.x"
    THREAD_Y = "threadIdx.y"
    THREAD_Z = "threadIdx.z"
    TASK = "taskId"
    CLUSTER = "clusterId"
    CORE = "coreId"


BIND_PRAGMA = "xpiler bind "
PARALLEL_PRAGMA = "omp parallel for"
BARRIERS = frozenset({"__syncthreads", "__sync_all", "__sync_cluster", "__sync_compute", "__sync_io"})

ENUMS: dict[str, type[Enum]] = {"DType": DType, "Space": Space, "VecKind": types.VecKind,
                                "FuncKind": ir.FuncKind, "Platform": ir.Platform, "Axis": Axis}


def enum_ctor(member: Enum) -> str:
    return f"{type(member).__name__}.{member.name}"


# ---- the schema: constructors and their field sorts ------------------------------------------

@dataclass(frozen=True)
class Ctor:
    name: str
    sort: str
    fields: tuple[tuple[str, str], ...]      # (field name, sort)
    doc: str = ""
    optional: frozenset[str] = frozenset()   # fields whose None is a sentinel ("" or -1)


LISTS = {  # list sort: (nil, cons, element sort)
    "ExprList": ("ENil", "ECons", "Expr"), "StmtList": ("SNil", "SCons", "Stmt"),
    "StrList": ("StrNil", "StrCons", "String"), "CaseList": ("CaseNil", "CaseCons", "SwitchCase"),
    "ParamList": ("PNil", "PCons", "Parameter"), "TParamList": ("TPNil", "TPCons", "TemplateParameter"),
    "FuncList": ("FNil", "FCons", "Func"), "TypedefList": ("TDNil", "TDCons", "TypeAlias"),
}
SENTINELS = {"Expr": "NoExpr", "Stmt": "NoStmt", "Type": "NoType"}
PRIMS = {"String", "i64", "f64", "bool"}
# record classes get a sort named apart from their one constructor (egglog needs distinct names)
SORT_NAMES = {ir.TemplateParam: "TemplateParameter", ir.Case: "SwitchCase", ir.Param: "Parameter",
              ir.Function: "Func", ir.Module: "Program"}


def _field_sort(hint) -> str:
    """The egglog sort of a dataclass field from its annotation."""
    args = [a for a in typing.get_args(hint) if a is not type(None) and a is not Ellipsis]
    origin = typing.get_origin(hint)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType")) and len(args) == 1:
        return _field_sort(args[0])
    if len(args) > 1:
        return "Value"                               # Const.value: split into Const/ConstF/ConstB
    if hint is tuple:
        return "ExprList"                            # template arguments
    if origin in (tuple, frozenset):
        inner = args[0]
        if typing.get_origin(inner) is tuple:
            return "TypedefList"
        if inner is str:
            return "StrList"
        for base, sort in ((ir.Expr, "ExprList"), (ir.Stmt, "StmtList"), (ir.Case, "CaseList"),
                           (ir.Param, "ParamList"), (ir.TemplateParam, "TParamList"),
                           (ir.Function, "FuncList")):
            if isinstance(inner, type) and issubclass(inner, base):
                return sort
    if isinstance(hint, type):
        if issubclass(hint, Enum):
            return hint.__name__
        for base, sort in ((ir.Expr, "Expr"), (ir.Stmt, "Stmt"), (Type, "Type")):
            if issubclass(hint, base):
                return sort
        if hint in SORT_NAMES:
            return SORT_NAMES[hint]
        return {str: "String", int: "i64", bool: "bool", float: "f64"}[hint]
    raise TypeError(f"no sort for {hint!r}")


def _ir_fields(cls) -> list[tuple[str, str]]:
    hints = typing.get_type_hints(cls)
    return [(f.name, _field_sort(hints[f.name])) for f in dataclasses.fields(cls) if f.compare]


def _optional_prims(cls) -> frozenset[str]:
    hints = typing.get_type_hints(cls)
    return frozenset(f.name for f in dataclasses.fields(cls)
                     if f.compare and type(None) in typing.get_args(hints[f.name])
                     and _field_sort(hints[f.name]) in ("String", "i64"))


def _sort_of_class(cls) -> str:
    for base, sort in ((ir.Expr, "Expr"), (ir.Stmt, "Stmt"), (Type, "Type")):
        if issubclass(cls, base):
            return sort
    return SORT_NAMES.get(cls, cls.__name__)


IR_CLASSES = ([c for c in vars(ir).values() if isinstance(c, type) and dataclasses.is_dataclass(c)
               and c.__module__ == ir.__name__]
              + [c for c in vars(types).values() if isinstance(c, type) and dataclasses.is_dataclass(c)
                 and issubclass(c, Type)])


def _build_schema() -> dict[str, Ctor]:
    out: dict[str, Ctor] = {}

    def add(name, sort, fields, doc="", optional=frozenset()):
        out[name] = Ctor(name, sort, tuple(fields), doc, optional)

    for cls in IR_CLASSES:
        fields = _ir_fields(cls)
        sort = _sort_of_class(cls)
        opt = _optional_prims(cls)
        if cls is ir.Const:
            rest = [f for f in fields if f[0] != "value"]
            add("Const", sort, [("value", "i64")] + rest, "an integer literal", opt)
            add("ConstF", sort, [("value", "f64")] + rest, "a floating-point literal", opt)
            add("ConstB", sort, [("value", "bool")] + rest, "a boolean literal", opt)
        elif cls in (ir.Binary, ir.Unary):
            table = BINARY_OPS if cls is ir.Binary else UNARY_OPS
            for op, name in table.items():
                add(name, sort, [f for f in fields if f[0] != "op"], f"operator {op}", opt)
        else:
            add(cls.__name__, sort, fields, "", opt)
    for sort, (nil, cons, elem) in LISTS.items():
        add(nil, sort, [])
        add(cons, sort, [("head", elem), ("tail", sort)])
    add("ENone", "ExprList", [], "an absent argument list (Decl.ctor_args None)")
    add("Typedef", "TypeAlias", [("name", "String"), ("type", "Type")])
    for sort, name in SENTINELS.items():
        add(name, sort, [], f"an absent {sort}")
    for kind in ("Serial", "Unrolled", "Vectorized", "Par"):
        add(kind, "LoopKind", [])
    add("UnrollBy", "LoopKind", [("factor", "i64")])
    add("OpenMP", "LoopKind", [("clauses", "String")])
    add("Bound", "LoopKind", [("axis", "Axis")])
    add("Pragmas", "LoopKind", [("pragmas", "StrList")])
    add("Loop", "Stmt", [("kind", "LoopKind"), ("var", "String"), ("type", "Type"), ("lo", "Expr"),
                         ("hi", "Expr"), ("step", "Expr"), ("body", "Stmt")],
        "for (type var = lo; var < hi; var += step) body")
    add("Let", "Stmt", [("var", "String"), ("type", "Type"), ("value", "Expr"), ("body", "Stmt")],
        "{ const type var = value; body }")
    add("Store", "Stmt", [("base", "Expr"), ("index", "Expr"), ("type", "Type"), ("value", "Expr")],
        "base[index] = value")
    add("Alloc", "Stmt", [("name", "String"), ("type", "Type"), ("space", "Space"),
                          ("storage", "StrList")], "an array in a memory space")
    add("Barrier", "Stmt", [("name", "String")], "a barrier call as a statement")
    add("Intr", "Expr", [("callee", "String"), ("args", "ExprList"), ("type", "Type"),
                         ("template_args", "ExprList")], "a call to an intrinsic of the catalog")
    for enum_name, enum in ENUMS.items():
        for member in enum:
            add(enum_ctor(member), enum_name, [])
    return out


SCHEMA: dict[str, Ctor] = _build_schema()
SORTS: list[str] = list(dict.fromkeys(c.sort for c in SCHEMA.values()))
_ENUM_BY_CTOR = {enum_ctor(m): m for e in ENUMS.values() for m in e}
_CLASS = {c.__name__: c for c in IR_CLASSES}


# ---- IR -> term ------------------------------------------------------------------------------

def encode(node) -> Term:
    """The term of an IR node (Module, Function, Stmt, Expr or Type)."""
    if isinstance(node, ir.Expr):
        return _expr(node)
    if isinstance(node, ir.Stmt):
        return _stmt(node)
    return _generic(node)


def _value(value, sort: str, optional: bool = False):
    if sort in LISTS:
        nil, cons, elem = LISTS[sort]
        if value is None:
            assert sort == "ExprList", sort
            return ("ENone",)
        items = sorted(value) if isinstance(value, frozenset) else list(value)
        term: Term = (nil,)
        for item in reversed(items):
            term = (cons, _value(item, elem), term)
        return term
    if optional and sort == "String":
        if value == "":
            raise ValueError("an empty string where the empty string stands for None")
        return "" if value is None else value
    if optional and sort == "i64":
        if value is not None and value < 0:
            raise ValueError("a negative number where -1 stands for None")
        return -1 if value is None else value
    if sort in ("String", "i64"):
        return value
    if sort in ("bool", "f64"):
        return value
    if sort in ENUMS:
        return (enum_ctor(value),)
    if sort == "TypeAlias":
        return ("Typedef", value[0], _value(value[1], "Type"))
    if value is None:
        return (SENTINELS[sort],)
    if sort == "Expr":
        return _expr(value)
    if sort == "Stmt":
        return _stmt(value)
    return _generic(value)


def _generic(node, name: str | None = None) -> Term:
    ctor = SCHEMA[name or type(node).__name__]
    return (ctor.name,) + tuple(_value(getattr(node, f), s, f in ctor.optional) for f, s in ctor.fields)


def _expr(e: ir.Expr) -> Term:
    if isinstance(e, ir.Const):
        name = "ConstB" if isinstance(e.value, bool) else "ConstF" if isinstance(e.value, float) else "Const"
        return _generic(e, name)
    if isinstance(e, ir.Binary):
        return _generic(e, BINARY_OPS[e.op])
    if isinstance(e, ir.Unary):
        return _generic(e, UNARY_OPS[e.op])
    if isinstance(e, ir.Call) and intrinsics.lookup(e.callee) is not None:
        return _checked(e, _generic(e, "Intr"), lambda: _generic(e))
    return _generic(e)


def _stmt(s: ir.Stmt) -> Term:
    if isinstance(s, ir.For):
        loop = _loop(s)
        if loop is None:
            return _generic(s)
        # the body round-trips by induction; check the header with an empty body
        empty = ("Block", ("SNil",))
        head = loop[:7] + (empty,)
        if _decodes_to(head, dataclasses.replace(s, body=ir.Block(()))):
            return loop
        return _generic(s)
    if isinstance(s, ir.Assign) and s.op is None and isinstance(s.target, ir.Index):
        t = s.target
        return _checked(s, ("Store", _expr(t.base), _expr(t.index), _value(t.type, "Type"),
                            _expr(s.value)), lambda: _generic(s))
    if isinstance(s, ir.Decl) and isinstance(s.type, types.Array) and s.init is None and s.ctor_args is None:
        return _checked(s, ("Alloc", s.name, _value(s.type, "Type"), _value(s.space, "Space"),
                            _value(s.storage, "StrList")), lambda: _generic(s))
    if (isinstance(s, ir.ExprStmt) and isinstance(s.expr, ir.Call) and s.expr.callee in BARRIERS
            and not s.expr.args):
        return _checked(s, ("Barrier", s.expr.callee), lambda: _generic(s))
    return _generic(s)


def _checked(node, special, generic) -> Term:
    """Use the special form only where it decodes back to exactly `node`."""
    if special is not None and _decodes_to(special, node):
        return special
    return generic()


def _decodes_to(term: Term, node) -> bool:
    try:
        return decode(term) == node
    except (ValueError, TypeError, KeyError, AttributeError):
        return False


def _loop(s: ir.For) -> Term | None:
    if len(s.init) != 1 or len(s.step) != 1 or not isinstance(s.init[0], ir.Decl):
        return None
    d, step = s.init[0], s.step[0]
    if d.init is None or not isinstance(s.cond, ir.Binary) or s.cond.op != "<":
        return None
    if not isinstance(step, ir.Assign) or step.op != "+":
        return None
    if _writes_var(s.body, d.name):
        return None                        # not a counted loop: the body moves the index
    return ("Loop", _kind(s.pragmas), d.name, _value(d.type, "Type"), _expr(d.init),
            _expr(s.cond.right), _expr(step.value), _stmt(s.body))


def _writes_var(stmt, name: str) -> bool:
    from xpiler.irutil import walk
    for n in walk(stmt):
        if isinstance(n, ir.Assign) and isinstance(n.target, ir.Var) and n.target.name == name:
            return True
        if isinstance(n, ir.AddressOf) and isinstance(n.operand, ir.Var) and n.operand.name == name:
            return True
    return False


def _kind(pragmas: tuple[str, ...]) -> Term:
    if not pragmas:
        return ("Serial",)
    if len(pragmas) == 1:
        p = pragmas[0]
        if p == "unroll":
            return ("Unrolled",)
        if p.startswith("unroll ") and p[7:].isdigit():
            return ("UnrollBy", int(p[7:]))
        if p == "omp simd":
            return ("Vectorized",)
        if p == PARALLEL_PRAGMA:
            return ("Par",)
        if p.startswith("omp ") and len(p) > 4:
            return ("OpenMP", p[4:])
        if p.startswith(BIND_PRAGMA) and p[len(BIND_PRAGMA):] in {a.value for a in Axis}:
            return ("Bound", (enum_ctor(Axis(p[len(BIND_PRAGMA):])),))
    return ("Pragmas", _value(pragmas, "StrList"))


# ---- term -> IR ------------------------------------------------------------------------------

def decode(term: Term):
    """The IR node of a term (inverse of `encode`; also accepts the canonical forms rules build)."""
    name = term[0]
    ctor = SCHEMA.get(name)
    if ctor is None:
        raise ValueError(f"unknown constructor {name!r}")
    if len(term) - 1 != len(ctor.fields):
        raise ValueError(f"{name} takes {len(ctor.fields)} arguments, got {len(term) - 1}")
    special = _DECODERS.get(name)
    if special is not None:
        return special(*term[1:])
    if name in BINARY_NAMES:
        return ir.Binary(BINARY_NAMES[name], *(_back(v, s) for v, (_, s) in zip(term[1:], ctor.fields)))
    if name in UNARY_NAMES:
        return ir.Unary(UNARY_NAMES[name], *(_back(v, s) for v, (_, s) in zip(term[1:], ctor.fields)))
    if name in SENTINELS.values():
        return None
    if name in ("Const", "ConstF", "ConstB"):
        cls = ir.Const
    elif name in _ENUM_BY_CTOR:
        return _ENUM_BY_CTOR[name]
    elif name in _CLASS:
        cls = _CLASS[name]
    else:
        raise ValueError(f"{name} is not an IR node")
    kwargs = {f: _back(v, s, f in ctor.optional) for v, (f, s) in zip(term[1:], ctor.fields)}
    for f in _SETS.get(cls, ()):
        kwargs[f] = frozenset(kwargs[f])
    if cls is ir.Const and name == "ConstF":
        kwargs["value"] = float(kwargs["value"])
    return cls(**kwargs)


_SETS = {cls: tuple(f.name for f in dataclasses.fields(cls)
                    if typing.get_origin(typing.get_type_hints(cls)[f.name]) is frozenset)
         for cls in IR_CLASSES}


def _back(value, sort: str, optional: bool = False):
    if sort in LISTS:
        if value[0] == "ENone":
            return None
        nil, cons, elem = LISTS[sort]
        items = []
        while value[0] == cons:
            items.append(_back(value[1], elem))
            value = value[2]
        if value[0] != nil:
            raise ValueError(f"malformed {sort}: {value[0]}")
        return tuple(items)
    if optional and sort == "String":
        return None if value == "" else value
    if optional and sort == "i64":
        return None if value == -1 else value
    if sort in PRIMS:
        return value
    if sort == "TypeAlias":
        return (value[1], _back(value[2], "Type"))
    if value[0] in SENTINELS.values():
        return None
    return decode(value)


def _dec_loop(kind, var, t, lo, hi, step, body):
    t = decode(t)
    v = ir.Var(var, t)
    return ir.For((ir.Decl(var, t, decode(lo)),), ir.Binary("<", v, decode(hi), types.BOOL),
                  (ir.Assign(v, "+", decode(step)),), _stmt_back(body), _pragmas(kind))


def _pragmas(kind: Term) -> tuple[str, ...]:
    name = kind[0]
    if name == "Serial":
        return ()
    if name == "Unrolled":
        return ("unroll",)
    if name == "UnrollBy":
        return (f"unroll {kind[1]}",)
    if name == "Vectorized":
        return ("omp simd",)
    if name == "Par":
        return (PARALLEL_PRAGMA,)
    if name == "OpenMP":
        return ("omp " + kind[1],)
    if name == "Bound":
        return (BIND_PRAGMA + _ENUM_BY_CTOR[kind[1][0]].value,)
    if name == "Pragmas":
        return _back(kind[1], "StrList")
    raise ValueError(f"unknown loop kind {name}")


def _stmt_back(term):
    node = decode(term)
    if node is None:
        raise ValueError("a statement is required here")
    return node


def _dec_let(var, t, value, body):
    t = decode(t)
    body_ir = _stmt_back(body)
    inner = body_ir.stmts if isinstance(body_ir, ir.Block) else (body_ir,)
    return ir.Block((ir.Decl(var, t, decode(value), storage=frozenset({"const"})),) + tuple(inner))


def _dec_store(base, index, t, value):
    return ir.Assign(ir.Index(decode(base), decode(index), decode(t)), None, decode(value))


def _dec_alloc(name, t, space, storage):
    return ir.Decl(name, decode(t), space=decode(space), storage=frozenset(_back(storage, "StrList")))


def _dec_barrier(name):
    return ir.ExprStmt(ir.Call(name, (), types.Void()))


def _dec_intr(callee, args, t, targs):
    return ir.Call(callee, _back(args, "ExprList"), decode(t), _back(targs, "ExprList"))


_DECODERS = {"Loop": _dec_loop, "Let": _dec_let, "Store": _dec_store, "Alloc": _dec_alloc,
             "Barrier": _dec_barrier, "Intr": _dec_intr, "NoExpr": lambda: None,
             "NoStmt": lambda: None, "NoType": lambda: None}


# ---- term <-> egglog text --------------------------------------------------------------------

def to_sexpr(term) -> str:
    """egglog text of a term (or leaf)."""
    out: list[str] = []
    _write(term, out)
    return "".join(out)


def _write(term, out: list[str]) -> None:
    if isinstance(term, tuple):
        if len(term) == 1:
            out.append(f"({term[0]})")
            return
        out.append("(" + term[0])
        for child in term[1:]:
            out.append(" ")
            _write(child, out)
        out.append(")")
    else:
        out.append(literal(term))


def literal(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        text = repr(value)
        return text if any(c in text for c in ".en") else text + ".0"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") \
            .replace("\t", "\\t").replace("\r", "\\r") + '"'
    raise TypeError(f"not a term leaf: {value!r}")


_TYPE_FIELD = {name: [f for f, _ in c.fields].index("type") + 1
               for name, c in SCHEMA.items() if c.sort == "Expr" and "type" in [f for f, _ in c.fields]}


def type_of(term: Term) -> Term | None:
    """The type term of an expression term (None for sentinels)."""
    i = _TYPE_FIELD.get(term[0])
    return None if i is None else term[i]


def size(term) -> int:
    """Number of constructor applications in a term (as a tree)."""
    if not isinstance(term, tuple):
        return 0
    return 1 + sum(size(c) for c in term[1:])
