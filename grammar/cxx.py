"""The C++ of hand-written kernels, for the IR builder: structs, references, std::vector and
template instantiation. Mixed into `grammar.build.Builder`, whose rule handlers call these.

- `struct Name { fields };` (also anonymous in a typedef, and nested) is a `types.Struct` with
  its fields in order; its layout is C's (`types.layout`). Members are data only.
- `T& x` is `types.Reference(T)` on a parameter or a local; expressions naming `x` have type T.
- `std::vector<T>` is `types.StdVector(T)`: declared with `(n)` or `(n, value)`, indexed like an
  array, `.data()`, `.size()`, `.empty()`, `.resize(n[, v])`, `.assign(n, v)`, `.clear()` as
  `ir.MethodCall`s.
- A function template is not built until it is used. At each call or launch its arguments are
  taken as written or deduced from the arguments' types, as a C++ compiler does, and the body is
  built again with them bound: a type parameter names the type, a value parameter is a constant
  (so `__shared__ float s[BLOCK]` has a size). The instance is an ordinary function named
  `<template>__<arguments>` (`reduce__256`, `load__float`), placed before its first user.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lark import Tree

from xpiler import ir
from xpiler.diagnostics import not_supported
from xpiler.types import (BOOL, U64, Array, DType, Opaque, Pointer, Reference, Scalar, StdVector,
                          Struct, Type, VecKind, Vector, Void, scalar)

AGGREGATES = (Array, Struct)
VECTOR_METHODS = {"data", "size", "empty", "resize", "assign", "clear", "at"}


@dataclass
class Template:
    name: str
    params: list[Tree]              # template_param nodes
    node: Tree                      # the function_def / function_decl
    extern_c: bool


class CxxBuilder:
    """Builder methods for structs, references, std::vector and templates (see module doc)."""

    def init_cxx(self) -> None:
        self.templates: dict[str, Template] = {}
        self.instances: dict[tuple, str] = {}        # (template, arguments) -> instance name
        self.pending: list[ir.Function] = []          # instances made since take_instances()
        self.anonymous = 0

    # ---- structs ------------------------------------------------------------------------------
    def struct_def(self, node: Tree) -> Struct:
        tag, *members = node.children
        name = str(tag.children[0]) if tag is not None else None
        fields: list[tuple[str, Type]] = []
        for m in members:
            specs = self.specs(m.children[0])
            base = self.base_type(specs, m)
            for d in m.children[1:]:
                t, field = self.declarator(d, base, specs)
                if isinstance(t, Reference):
                    raise not_supported(self.span(d), f"the reference member '{field}'")
                if isinstance(t, StdVector):
                    raise not_supported(self.span(d), f"the std::vector member '{field}'")
                if isinstance(t, Array) and t.size is None:
                    raise not_supported(self.span(d), f"the flexible array member '{field}'")
                if isinstance(t, (Void, Opaque)):
                    raise self.error(d, f"field '{field}' has incomplete type {t.c()}")
                if any(f == field for f, _ in fields):
                    raise self.error(d, f"duplicate member '{field}'")
                fields.append((field, t))
        if name is None:
            self.anonymous += 1
            name = f"__anon{self.anonymous}"      # named by the typedef around it, if any
        s = Struct(name, tuple(fields))
        old = self.typedefs.get(name)
        if isinstance(old, Struct) and old != s:
            raise self.error(node, f"redefinition of 'struct {name}'")
        self.typedefs[name] = s
        return s

    def struct_ref(self, node: Tree) -> Type:
        name = str(node.children[0].children[0])
        t = self.typedefs.get(name)
        if not isinstance(t, Struct):
            raise not_supported(self.span(node), f"'struct {name}' without its definition "
                                                 f"(define the struct before it is used)")
        return t

    def name_anonymous(self, t: Type, name: str) -> Type:
        """`typedef struct { ... } Name;`: the struct is called Name."""
        if isinstance(t, Struct) and t.name.startswith("__anon"):
            del self.typedefs[t.name]
            t = Struct(name, t.fields)
            self.typedefs[name] = t
        return t

    def struct_member(self, base: ir.Expr, field_tok, node) -> ir.Member:
        t = base.type
        field = str(field_tok)
        ft = t.field(field)
        if ft is None:
            raise self.error(field_tok, f"no member '{field}' in struct {t.name}")
        return ir.Member(base, field, ft, self.span(node))

    def x_arrow(self, node: Tree) -> ir.Expr:
        p = self.expr(node.children[0])
        to = p.type.to if isinstance(p.type, Pointer) else p.type.of if isinstance(p.type, Array) else None
        if not isinstance(to, Struct):
            raise self.error(node, f"member reference through '->' needs a pointer to a struct, "
                                   f"not {p.type.c()}")
        return self.struct_member(ir.Deref(p, to, p.span), node.children[1], node)

    # ---- aggregate initialisation (C11 6.7.9, C++ [dcl.init.aggr]) -----------------------------
    def aggregate(self, items: list, t: Type, node) -> ir.InitList:
        """A braced list for an array, struct or vector, fully bracketed: braces the source
        elided (`Vec16 acc = {0}`, `Level ls[] = {1, 2, 3, 4, 5, 6}`) are put back."""
        queue = [[item, None] for item in items]      # [node, its expression once built]
        out = self.fill(t, queue, node)
        if queue:
            raise self.error(queue[0][0], f"excess elements in initializer of {t.c()}")
        return out

    def fill(self, t: Type, queue: list, node) -> ir.InitList:
        """The subobjects of `t` from the front of `queue` ([item node, expression or None])."""
        out: list[ir.Expr] = []
        for sub in _subobjects(t, len(queue)):
            if not queue:
                break
            item = queue[0][0]
            nested = isinstance(sub, AGGREGATES) or _vector(sub)
            if _braced(item):
                queue.pop(0)
                out.append(self.aggregate(list(item.children), sub, item) if nested else self.brace_item(item, sub))
                continue
            if nested:
                if queue[0][1] is None:
                    queue[0][1] = self.initializer(item, None)
                if not (isinstance(sub, Struct) and queue[0][1].type == sub):
                    out.append(self.fill(sub, queue, item))      # brace elision
                    continue
            out.append(self.element(*queue.pop(0), sub))
        if isinstance(t, Array) and t.size is None:
            t = Array(t.of, len(out), t.space)
        return ir.InitList(tuple(out), t, self.span(node))

    def element(self, item, built: ir.Expr | None, sub: Type) -> ir.Expr:
        if built is None and isinstance(sub, Scalar) and self.dialect != "c":
            return self.brace_item(item, sub)          # C++: no narrowing inside braces
        e = built if built is not None else self.initializer(item, sub)
        if isinstance(sub, Struct) and e.type != sub:
            raise self.error(item, f"cannot initialize a member of type {sub.c()} with a value of "
                                   f"type {e.type.c()}")
        return e

    # ---- references ---------------------------------------------------------------------------
    def bind_reference(self, ref: Reference, arg: ir.Expr, node, what: str) -> None:
        """A non-const reference binds only to an lvalue of its own type."""
        if ref.const:
            return
        if not _lvalue(arg):
            raise self.error(node, f"cannot bind the reference {what} ({ref.c()}) to a temporary")
        if not _same_object_type(ref.to, arg.type):
            raise self.error(node, f"cannot bind the reference {what} ({ref.c()}) to a value of "
                                   f"type {arg.type.c()}")

    # ---- std::vector ---------------------------------------------------------------------------
    def vector_type(self, node: Tree) -> StdVector:
        args = node.children[1].children
        if len(args) != 1 or not (isinstance(args[0], Tree) and args[0].data == "type_name"):
            raise self.error(node, "std::vector takes one type (the element type)")
        t = self.type_name(args[0])
        if not isinstance(t, (Scalar, Struct, Pointer)) or t == BOOL:
            raise not_supported(self.span(node), f"std::vector<{t.c()}>")
        return StdVector(t)

    def vector_decl(self, name: str, t: StdVector, ctor, value, node) -> tuple:
        """Checks a std::vector declaration: `(n)`, `(n, value)` or nothing."""
        if value is not None:
            raise not_supported(self.span(node), "initializing a std::vector from a value or a list "
                                                 "(construct it with (count) or (count, value))")
        if ctor and (len(ctor) > 2 or not (isinstance(ctor[0].type, Scalar) and ctor[0].type.dtype.is_int)):
            raise not_supported(self.span(node), "this std::vector constructor (use (count) or (count, value))")
        return ctor or None                # `std::vector<T> v;` (not `v()`, a function declaration)

    def method_call(self, callee: Tree, args: tuple, node) -> ir.Expr:
        base_node, method_tok = callee.children
        obj = self.expr(base_node)
        method = str(method_tok)
        span = self.span(node)
        t = obj.type
        if not isinstance(t, StdVector):
            raise not_supported(span, f"calling the member function '{method}' of a value of type {t.c()}")
        if method not in VECTOR_METHODS:
            raise not_supported(span, f"std::vector::{method}")
        counts = {"data": (0,), "size": (0,), "empty": (0,), "clear": (0,), "at": (1,), "resize": (1, 2),
                  "assign": (2,)}
        if len(args) not in counts[method]:
            raise self.error(node, f"std::vector::{method} takes {' or '.join(map(str, counts[method]))} "
                                   f"argument(s), {len(args)} given")
        if method in ("resize", "assign", "at") and not (isinstance(args[0].type, Scalar) and args[0].type.dtype.is_int):
            raise self.error(node, f"std::vector::{method}: the count must be an integer")
        if method == "at":
            return ir.Index(obj, args[0], t.of, span)
        ret = {"data": Pointer(t.of), "size": U64, "empty": BOOL}.get(method, Void())
        return ir.MethodCall(obj, method, tuple(args), ret, span)

    # ---- templates ----------------------------------------------------------------------------
    def define_template(self, node: Tree, extern_c: bool) -> None:
        fnode = node.children[-1]
        name = _declared_name(fnode.children[1])
        old = self.templates.get(name)
        has_body = any(isinstance(c, Tree) and c.data == "compound" for c in fnode.children)
        if old is not None and has_body and any(isinstance(c, Tree) and c.data == "compound" for c in old.node.children):
            raise not_supported(self.span(fnode), f"overloaded function templates ('{name}')")
        if old is None or has_body:
            self.templates[name] = Template(name, list(node.children[:-1]), fnode, extern_c)

    def take_instances(self) -> list[ir.Function]:
        out, self.pending = self.pending, []
        return out

    def instantiate(self, name: str, explicit: tuple, args: tuple | None, node) -> str:
        """The instance of template `name` for explicit arguments `explicit` (ir.TypeArg or value
        expressions) and, for the rest, those deduced from call arguments `args`."""
        tpl = self.templates[name]
        kinds = [(_tparam_name(p), p.data == "type_template_param") for p in tpl.params]
        if len(explicit) > len(kinds):
            raise self.error(node, f"too many template arguments for '{name}'")
        bound: dict[str, object] = {}
        for (pname, is_type), arg in zip(kinds, explicit):
            if is_type:
                if not isinstance(arg, ir.TypeArg):
                    raise self.error(node, f"template argument for '{pname}' of '{name}' must be a type")
                bound[pname] = arg.of
            else:
                value = self.fold(arg) if not isinstance(arg, ir.TypeArg) else None
                if value is None:
                    raise self.error(node, f"template argument for '{pname}' of '{name}' is not a constant")
                bound[pname] = value
        if args is not None and any(is_type and p not in bound for p, is_type in kinds):
            self.deduce(tpl, kinds, bound, args, node)
        for p, (pname, is_type) in zip(tpl.params, kinds):
            if pname in bound:
                continue
            if not is_type and len(p.children) > 2 and p.children[2] is not None:
                value = self.with_bindings(tpl, bound, lambda: self.fold(self.expr(p.children[2])))
                if value is not None:
                    bound[pname] = value
                    continue
            raise self.error(node, f"cannot deduce the template argument '{pname}' of '{name}'")
        values = []
        for p, (pname, is_type) in zip(tpl.params, kinds):
            if is_type:
                values.append(bound[pname])
            else:
                t = self.with_bindings(tpl, bound, lambda: self.base_type(self.specs(p.children[0]), p))
                bound[pname] = (int(bound[pname]), t)
                values.append(bound[pname][0])
        key = (name, tuple(values))
        if key in self.instances:
            return self.instances[key]
        instance = _mangle(name, values)
        while instance in self.functions or instance in self.templates:
            instance += "_"
        self.instances[key] = instance
        fn = self.with_bindings(tpl, bound, lambda: self.function(tpl.node, tpl.extern_c, (), name=instance),
                                fresh=True)
        self.pending.append(fn)
        return instance

    def deduce(self, tpl: Template, kinds, bound: dict, args: tuple, node) -> None:
        """Type arguments from the call's argument types ([temp.deduct.call], for the forms
        kernels use: T, T*, const T*, T&, const T&)."""
        markers = {p: Opaque(f"<template parameter {p}>") for p, is_type in kinds if is_type and p not in bound}
        params_node = next((c for c in tpl.node.children[2:] if isinstance(c, Tree) and c.data == "params"), None)
        params = [] if params_node is None else [p for p in params_node.children if p.data != "ellipsis_param"]

        def param_types():
            out = []
            for p in params:
                specs = self.specs(p.children[0])
                t = self.base_type(specs, p)
                if len(p.children) > 1 and p.children[1] is not None:
                    t, _ = self.declarator(p.children[1], t, specs)
                out.append(t)
            return out
        types = self.with_bindings(tpl, {**bound, **markers}, param_types)
        names = {m: p for p, m in markers.items()}
        for pt, a in zip(types, args):
            _unify(pt, a.type, names, bound, lambda p, x, y: self.error(
                node, f"conflicting template arguments for '{p}' of '{tpl.name}': {x.c()} and {y.c()}"))

    def with_bindings(self, tpl: Template, bound: dict, build, fresh: bool = False):
        """Run `build()` with the template's parameters bound (types in the typedef table, values
        as constants); `fresh`: in file scope, as the template's own definition is."""
        saved_typedefs = {p: self.typedefs.get(p) for p in bound}
        saved = (self.scopes, self.template_values, getattr(self, "current_function", None))
        values = dict(self.template_values)
        for p, v in bound.items():
            if isinstance(v, Type):
                self.typedefs[p] = v
            elif isinstance(v, tuple):
                values[p] = v
            else:
                values[p] = (int(v), scalar(DType.I32))
        self.template_values = values
        if fresh:
            self.scopes = [self.scopes[0]]
        try:
            return build()
        finally:
            self.scopes, self.template_values, self.current_function = saved
            for p, old in saved_typedefs.items():
                if old is None:
                    self.typedefs.pop(p, None)
                else:
                    self.typedefs[p] = old


# ---- helpers ---------------------------------------------------------------------------------

def _declared_name(declarator: Tree) -> str:
    d = next(c for c in declarator.children if isinstance(c, Tree) and c.data in ("declarator_name", "array_declarator"))
    while d.data == "array_declarator":
        d = d.children[0]
    return str(d.children[0])


def _tparam_name(p: Tree) -> str:
    if p.data == "type_template_param":
        return str(p.children[-1])
    return str(p.children[1].children[0])


def _mangle(name: str, values: list) -> str:
    parts = []
    for v in values:
        if isinstance(v, Type):
            parts.append(re.sub(r"\W+", "_", v.c().replace("*", "_p")).strip("_"))
        else:
            parts.append(str(v).replace("-", "m"))
    return f"{name}__{'_'.join(parts)}"


def _unify(p: Type, a: Type, names: dict, bound: dict, conflict) -> None:
    if isinstance(p, Reference):
        p = p.to
    if isinstance(p, Opaque) and p in names:
        name = names[p]
        if isinstance(a, Array):
            a = Pointer(a.of, a.space)
        old = bound.get(name)
        if old is not None and old != a:
            raise conflict(name, old, a)
        bound[name] = a
        return
    if isinstance(p, Pointer) and isinstance(a, (Pointer, Array)):
        _unify(p.to, a.to if isinstance(a, Pointer) else a.of, names, bound, conflict)
    elif isinstance(p, Array) and isinstance(a, Array):
        _unify(p.of, a.of, names, bound, conflict)


def _subobjects(t: Type, available: int) -> list[Type]:
    if isinstance(t, Struct):
        return [ft for _, ft in t.fields]
    if isinstance(t, Array):
        return [t.of] * (t.size if t.size is not None else available)
    if isinstance(t, Vector):
        return [scalar(t.of)] * t.lanes
    return [t]


def _braced(node) -> bool:
    return isinstance(node, Tree) and node.data == "init_list"


def _vector(t: Type) -> bool:
    return isinstance(t, Vector) and t.kind is VecKind.STRUCT


def _lvalue(e: ir.Expr) -> bool:
    if isinstance(e, ir.Var):
        return not (isinstance(e.type, Opaque) and e.type.name == "function")
    return isinstance(e, (ir.Index, ir.Member, ir.Deref))


def _same_object_type(a: Type, b: Type) -> bool:
    if isinstance(a, Pointer) and isinstance(b, Pointer):
        return _same_object_type(a.to, b.to) and (a.const or not b.const)
    return a == b
