"""Lark parse tree -> typed Kernel IR (one builder for all four interfaces).

Walks the tree top-down with a scope stack, so every expression gets its type as it is built.
Methods are named after grammar rules (`x_<rule>` for expressions, `s_<rule>` for statements).
"""
from __future__ import annotations

import math
import re

from lark import Token, Tree

from xpiler import ir
from xpiler.builtins import (ENUM_CONSTANTS, FUNCTION_NAMES, HIP_LEGACY_INDEX, INDEX_STRUCTS,
                             MANIPULATOR, MANIPULATORS, NAMED_CONSTANTS, NAMED_TYPES, SCALAR_BUILTINS,
                             STREAMS, numeric_limit, type_modifiers)
from xpiler.diagnostics import SourceFile, Span, XpilerError, not_supported
from xpiler.constfold import fold
from xpiler.irutil import transform, walk
from xpiler.intrinsics import lookup
from xpiler.types import sizeof
from xpiler.types import (BOOL, DIM3, F32, F64, I32, I64, U32, U64, Array, DType, Fragment, Opaque,
                          Pointer, Reference, Scalar, Space, SPACE_QUALIFIERS, StdVector, Stream,
                          Struct, Type, Unknown, VecKind, Vector, Void, common, convert_constant,
                          narrowing, promote, scalar, select_overload)

from .cxx import CxxBuilder
from .overloads import OverloadError, half_class, resolve
from .parser import ParseResult

KERNEL_QUALS = {"__global__", "__mlu_global__", "__mlu_entry__"}
DEVICE_QUALS = {"__device__", "__mlu_func__", "__mlu_device__"}
FUNCTION_VALUE = Opaque("function")
HOST_LAUNCH_CALLS = {"hipLaunchKernelGGL"}


class _Specs:
    __slots__ = ("quals", "mods", "base", "typedef", "extern_c", "extern", "launch_bounds",
                 "vector_size", "ext_lanes", "span")

    def __init__(self):
        self.quals: set[str] = set()
        self.mods: list[str] = []
        self.base: Type | None = None
        self.typedef = False
        self.extern_c = False
        self.extern = False
        self.launch_bounds: tuple = ()
        self.vector_size: int | None = None
        self.ext_lanes: int | None = None
        self.span: Span | None = None


class Builder(CxxBuilder):
    def __init__(self, result: ParseResult, platform: ir.Platform):
        self.file: SourceFile = result.file
        self.platform = platform
        self.includes = tuple(text for text, _ in result.pre.includes)
        self.typedefs: dict[str, Type] = {}
        self.scopes: list[dict[str, Type]] = [{}]
        self.functions: dict[str, ir.Function] = {}
        # every function of a name, by parameter types (C++ overloads; declaration, then definition)
        self.overloads: dict[str, dict[tuple, ir.Function]] = {}
        # the value parameters of the template instance being built: name -> (value, type)
        self.template_values: dict[str, tuple[int, Type]] = {}
        self.init_cxx()
        # the language whose overloads a call sees (grammar/overloads.py)
        self.dialect = {ir.Platform.CUDA: "cuda", ir.Platform.HIP: "hip"}.get(
            platform, "c" if self.file.name.lower().endswith(".c") else "c++")
        self.using_std = False           # `using namespace std;` seen
        # (before, after) effects of the ++/-- embedded in the statement being built (increments_in)
        self.increments: tuple[list, list] | None = None

    # ---- helpers ------------------------------------------------------------------------------
    def span(self, node) -> Span:
        if isinstance(node, Token):
            return Span(self.file, node.line or 1, node.column or 1, len(str(node)))
        meta = getattr(node, "meta", None)
        if meta is not None and not meta.empty:
            length = meta.end_column - meta.column if meta.end_line == meta.line else 1
            return Span(self.file, meta.line, meta.column, max(1, length))
        return Span(self.file, 1, 1)

    def error(self, node, message: str) -> XpilerError:
        return XpilerError(self.span(node), message)

    def declare(self, name: str, t: Type) -> None:
        self.scopes[-1][name] = t

    def lookup_var(self, name: str) -> Type | None:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return None

    def declare_constant(self, name: str, value: int | float) -> None:
        """`name` (just declared) is a constant: `const int N = 64;`, `constexpr`, an enumerator.
        Kept beside its type in the scope, under a key no identifier can be."""
        self.scopes[-1][("constant", name)] = value

    def constant_of(self, name: str) -> int | float | None:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope.get(("constant", name))
        return None

    def fold(self, e: ir.Expr) -> int | float | None:
        """The value of a constant expression (C++: constants declared const/constexpr and
        enumerators count); None if it is not one."""
        def substitute(n):
            if isinstance(n, ir.Var):
                value = self.constant_of(n.name)
                if value is not None:
                    return ir.Const(value, n.type, n.name, n.span)
            return n
        try:
            return fold(transform(e, substitute))
        except (ArithmeticError, TypeError, ValueError, MemoryError):
            return None        # shifts by negative counts, float operands of & ... : not constant

    # ---- module -------------------------------------------------------------------------------
    def module(self, tree: Tree) -> ir.Module:
        functions: list[ir.Function] = []
        globals_: list[ir.Decl] = []
        pragmas: list[str] = []
        self._top_items(tree.children, functions, globals_, pragmas, extern_c=False)
        return ir.Module(self.platform, tuple(functions), tuple(globals_), self.includes,
                         tuple(pragmas), tuple(self.typedefs.items()), filename=self.file.name)

    def _top_items(self, items, functions, globals_, pragmas, extern_c: bool):
        for item in items:
            if isinstance(item, Token):
                continue
            kind = item.data
            if kind == "function_def" or kind == "function_decl":
                fn = self.function(item, extern_c, ())
                functions.extend(self.take_instances())      # template instances it uses, first
                functions.append(fn)
            elif kind == "template_def":
                self.define_template(item, extern_c)           # built where it is used
            elif kind == "type_declaration":
                self.specs(item.children[0])                    # `struct S { ... };`
            elif kind == "declaration" or kind == "using_alias":
                for d in self.s_declaration(item) if kind == "declaration" else self.s_using_alias(item):
                    globals_.append(d)
                functions.extend(self.take_instances())
            elif kind == "extern_block":
                self._top_items(item.children[1:], functions, globals_, pragmas, extern_c=True)
            elif kind == "pragma":
                pragmas.append(str(item.children[0]))
            elif kind == "static_assert":
                self.s_static_assert(item)
            elif kind == "enum_decl":
                globals_.extend(self.s_enum_decl(item))
            elif kind == "using_namespace":
                self.using_std |= str(item.children[0]) == "std"
            elif kind == "empty":
                continue
            else:
                raise self.error(item, f"not supported: top-level {kind}")

    def function(self, node: Tree, extern_c: bool, tparams, name: str | None = None) -> ir.Function:
        """A function definition or declaration; `name`: the name of a template instance."""
        specs = self.specs(node.children[0])
        declarator = node.children[1]
        params_node = next((c for c in node.children[2:] if isinstance(c, Tree) and c.data == "params"), None)
        body_node = next((c for c in node.children[2:] if isinstance(c, Tree) and c.data == "compound"), None)
        ret, declared = self.declarator(declarator, self.base_type(specs, node))
        name = name or declared
        if isinstance(ret, Reference):
            raise not_supported(self.span(declarator), f"'{name}' returning a reference")
        quals = frozenset(specs.quals)
        if quals & KERNEL_QUALS:
            kind = ir.FuncKind.KERNEL
        elif quals & DEVICE_QUALS and "__host__" not in quals:
            kind = ir.FuncKind.DEVICE
        elif self.platform is ir.Platform.VNNI and (extern_c or specs.extern_c):
            kind = ir.FuncKind.KERNEL
        else:
            kind = ir.FuncKind.HOST
        self.scopes.append({})
        for tp in tparams:
            if tp.kind == "value":
                self.declare(tp.name, tp.type)
        params = []
        for p in (params_node.children if params_node is not None else []):
            if p.data == "ellipsis_param":
                continue
            pspecs = self.specs(p.children[0])
            ptype = self.base_type(pspecs, p)
            pname = ""
            if len(p.children) > 1:
                ptype, pname = self.declarator(p.children[1], ptype, pspecs)
            if isinstance(ptype, Void) and not pname:
                continue
            if isinstance(ptype, Array):                        # array parameters decay
                ptype = Pointer(ptype.of)
            if isinstance(ptype, Reference) and kind is ir.FuncKind.KERNEL:
                if not ptype.const:
                    raise not_supported(self.span(p), f"the kernel parameter '{pname}' passed by reference")
                ptype = ptype.to                                # a const T& kernel argument is a copy
            if isinstance(ptype.to if isinstance(ptype, Reference) else ptype, StdVector):
                raise not_supported(self.span(p), f"the std::vector parameter '{pname}' (pass a pointer)")
            if isinstance(ptype, Pointer) and kind is ir.FuncKind.KERNEL \
                    and self.platform is not ir.Platform.VNNI and ptype.space is Space.GENERIC:
                ptype = Pointer(ptype.to, Space.GLOBAL, ptype.const, ptype.restrict)
            params.append(ir.Param(pname, ptype, self.span(p)))
            if pname:
                self.declare(pname, ptype.to if isinstance(ptype, Reference) else ptype)
        fn = ir.Function(name, kind, ret, tuple(params), None, quals, extern_c or specs.extern_c,
                         tparams, specs.launch_bounds, self.span(declarator))
        if name not in self.functions or body_node is not None:
            self.functions[name] = fn
        signature = tuple(p.type for p in params)
        if signature not in self.overloads.setdefault(name, {}) or body_node is not None:
            self.overloads[name][signature] = fn
        body = None
        if body_node is not None:
            self.current_function = fn
            body = self.s_compound(body_node, new_scope=False)
        self.scopes.pop()
        fn = ir.Function(name, kind, ret, tuple(params), body, quals, fn.extern_c, tparams,
                         specs.launch_bounds, fn.span)
        self.functions[name] = fn
        self.overloads[name][signature] = fn
        return fn

    # ---- types --------------------------------------------------------------------------------
    def specs(self, node: Tree) -> _Specs:
        s = _Specs()
        s.span = self.span(node)
        for c in node.children:
            kind = c.data
            if kind == "qual":
                s.quals.add(str(c.children[0]))
            elif kind == "type_mod":
                s.mods.append(str(c.children[0]))
            elif kind == "typedef_spec":
                s.typedef = True
            elif kind == "extern_spec":
                if c.children:
                    s.extern_c = True
                else:
                    s.extern = True
            elif kind == "named_type":
                s.base = self.named_type(c.children[0])
            elif kind == "template_type":
                s.base = self.template_type(c)
            elif kind == "struct_def":
                s.base = self.struct_def(c)
            elif kind == "struct_ref":
                s.base = self.struct_ref(c)
            elif kind == "launch_bounds":
                s.launch_bounds = tuple(self.expr(a) for a in c.children[0].children)
            elif kind == "attribute":
                self.attribute(c, s)
            elif kind == "alignas":
                continue
            else:
                raise self.error(c, f"not supported: declaration specifier {kind}")
        return s

    def attribute(self, node: Tree, s: _Specs) -> None:
        for item in node.children:
            name = str(item.children[0]).strip("_")
            if name in ("vector_size", "ext_vector_type"):
                value = self.fold(self.expr(item.children[1].children[0]))
                if not isinstance(value, int) or value <= 0:
                    raise self.error(item, f"{name} needs a positive integer constant")
                if name == "vector_size":
                    s.vector_size = int(value)
                else:
                    s.ext_lanes = int(value)

    def named_type(self, tok: Token) -> Type:
        name = str(tok)
        if name in self.typedefs:
            return self.typedefs[name]
        if name in NAMED_TYPES:
            return NAMED_TYPES[name]
        if name == "auto":
            return Unknown()
        raise self.error(tok, f"not supported: type {name}")

    def template_type(self, node: Tree) -> Type:
        name = str(node.children[0])
        args = node.children[1].children
        if name.rsplit("::", 1)[-1] == "vector":
            return self.vector_type(node)
        if name.rsplit("::", 1)[-1] == "fragment":
            vals = []
            for a in args:
                if isinstance(a, Tree) and a.data == "type_name":
                    vals.append(self.type_name(a))
                else:
                    e = self.expr(a)
                    vals.append(e.name.rsplit("::", 1)[-1] if isinstance(e, (ir.EnumConst, ir.Var))
                                else self.fold(e))
            if len(vals) not in (5, 6) or not all(isinstance(v, int) for v in vals[1:4]):
                raise self.error(node, "wmma::fragment needs <use, m, n, k, T[, layout]>")
            elem = vals[4].elem if isinstance(vals[4], Type) else None
            if elem is None and isinstance(vals[4], str) and vals[4] in ("tf32", "precision::tf32"):
                elem = DType.F32
            if elem is None:
                raise self.error(node, f"not supported: wmma fragment element type {vals[4]}")
            return Fragment(str(vals[0]), vals[1], vals[2], vals[3], elem,
                            str(vals[5]) if len(vals) == 6 else None)
        raise self.error(node, f"not supported: template type {name}")

    def base_type(self, s: _Specs, node) -> Type:
        base = s.base
        if s.mods:
            if base is not None and not isinstance(base, Scalar):
                raise self.error(node, "type modifiers on a non-arithmetic type")
            base = type_modifiers(s.mods, base)
        if base is None:
            raise self.error(node, "missing type in declaration")
        if s.vector_size is not None or s.ext_lanes is not None:
            if not isinstance(base, Scalar):
                raise self.error(node, "vector attribute on a non-scalar type")
            lanes = s.ext_lanes or (s.vector_size // base.dtype.size)
            base = Vector(base.dtype, lanes, VecKind.EXT)
        return base

    def declarator(self, node: Tree, base: Type, specs: _Specs | None = None) -> tuple[Type, str]:
        """Apply pointers and array dimensions of a declarator to `base`; returns (type, name)."""
        pointers = [c for c in node.children if isinstance(c, Tree) and c.data in ("pointer", "reference")]
        direct = next(c for c in node.children if isinstance(c, Tree)
                      and c.data in ("declarator_name", "array_declarator"))
        attrs = [c for c in node.children if isinstance(c, Tree) and c.data == "attribute"]
        if attrs:
            s = _Specs()
            for a in attrs:
                self.attribute(a, s)
            if (s.vector_size or s.ext_lanes) and isinstance(base, Scalar):
                base = Vector(base.dtype, s.ext_lanes or s.vector_size // base.dtype.size, VecKind.EXT)
        quals = specs.quals if specs else set()
        t = base
        reference = False
        for p in pointers:
            if p.data == "reference":
                reference = True              # `T&`, `T*&`: applied last
                continue
            pq = {str(q) for q in p.children}
            t = Pointer(t, Space.GENERIC, const="const" in quals and t is base,
                        restrict=bool(pq & {"__restrict__", "__restrict", "restrict"}))
        dims = []
        while direct.data == "array_declarator":
            size = None
            if len(direct.children) > 1:
                size = self.fold(self.expr(direct.children[1]))
                if size is None:
                    raise self.error(direct, "array size is not a constant")
                if size is not None and (isinstance(size, float) or size < 0):
                    raise self.error(direct.children[1], f"array size {size} is not a non-negative integer")
                size = int(size) if size is not None else None
            dims.append(size)
            direct = direct.children[0]
        space = next((SPACE_QUALIFIERS[q] for q in quals if q in SPACE_QUALIFIERS), Space.LOCAL)
        for size in dims:                       # the last dimension is collected first
            t = Array(t, size, space)
        if reference:
            if isinstance(t, Array):
                raise not_supported(self.span(node), "a reference to an array (pass a pointer)")
            t = Reference(t, const="const" in quals and not isinstance(t, Pointer))
        return t, str(direct.children[0])

    def type_name(self, node: Tree) -> Type:
        specs = self.specs(node.children[0])
        t = self.base_type(specs, node)
        dims = []
        for p in node.children[1:]:
            if p.data == "pointer":
                t = Pointer(t, Space.GENERIC, const="const" in specs.quals)
            elif p.data == "abstract_array":
                size = self.fold(self.expr(p.children[0]))
                if not isinstance(size, int) or size < 0:
                    raise self.error(p, "array size is not a non-negative integer constant")
                dims.append(size)
        for size in reversed(dims):             # float[2][3]: an array of 2 arrays of 3
            t = Array(t, size)
        return t

    # ---- statements ---------------------------------------------------------------------------
    def s_compound(self, node: Tree, new_scope: bool = True) -> ir.Block:
        if new_scope:
            self.scopes.append({})
        out: list[ir.Stmt] = []
        for child in node.children:
            out.extend(self.stmt(child))
        if new_scope:
            self.scopes.pop()
        return ir.Block(tuple(out), self.span(node))

    def s_pragma_prefixed(self, node: Tree) -> list[ir.Stmt]:
        """`#pragma` before a statement: loop pragmas (unroll, omp) attach to the loop."""
        text = str(node.children[0])
        stmts = self.stmt(node.children[1])
        if len(stmts) == 1 and isinstance(stmts[0], ir.For):
            f = stmts[0]
            return [ir.For(f.init, f.cond, f.step, f.body, (text,) + f.pragmas, f.span)]
        return [ir.PragmaStmt(text, self.span(node)), *stmts]

    def s_static_assert(self, node: Tree) -> list:
        value = self.fold(self.expr(node.children[0]))
        if value is None:
            raise self.error(node, "static_assert condition is not a constant")
        if not value:
            message = "".join(str(t)[1:-1] for t in node.children[1:])
            raise self.error(node, f"static assertion failed{': ' + message if message else ''}")
        return []

    def s_enum_decl(self, node: Tree) -> list[ir.Decl]:
        """`enum [Name] [: T] { A, B = 4, C };` -> `constexpr int A = 0; ...` (each enumerator a
        named integer constant; the enum's own type is not modelled: it converts to int anyway)."""
        name_tok, underlying, *items = node.children
        fixed = self.type_name(underlying) if underlying is not None else None
        if fixed is not None and not (isinstance(fixed, Scalar) and fixed.dtype.is_int):
            raise self.error(underlying, "an enumeration's underlying type must be an integer type")
        values, next_value = [], 0
        for item in items:
            tok = item.children[0]
            name = str(tok)
            if len(item.children) > 1:
                value = self.fold(self.expr(item.children[1]))
                if not isinstance(value, int):
                    raise self.error(item.children[1], f"enumerator value for '{name}' is not an integer constant")
                next_value = int(value)
            if name in self.scopes[-1]:
                raise self.error(tok, f"redefinition of '{name}'")
            self.declare(name, fixed or I32)          # later enumerators may use it
            self.declare_constant(name, next_value)
            values.append((tok, next_value))
            next_value += 1
        lo, hi = min(v for _, v in values), max(v for _, v in values)
        t = fixed or (I32 if -2**31 <= lo and hi < 2**31 else U32 if lo >= 0 and hi < 2**32 else I64)
        out = []
        for tok, value in values:
            self.declare(str(tok), t)
            suffix = {DType.U32: "u", DType.I64: "ll", DType.U64: "ull"}.get(t.dtype, "")
            out.append(ir.Decl(str(tok), t, ir.Const(value, t, f"{value}{suffix}", self.span(tok)), None,
                               frozenset({"constexpr"}), Space.LOCAL, self.span(tok)))
        return out

    def stmt(self, node) -> list[ir.Stmt]:
        if isinstance(node, Token):
            raise self.error(node, f"unexpected {node}")
        method = getattr(self, "s_" + node.data, None)
        if method is None:
            # an expression used as a statement through an inlined rule
            raise self.error(node, f"not supported: statement {node.data}")
        result = method(node)
        return result if isinstance(result, list) else [result]

    def as_block(self, node) -> ir.Stmt:
        stmts = self.stmt(node) if not (isinstance(node, Tree) and node.data == "compound") \
            else [self.s_compound(node)]
        return stmts[0] if len(stmts) == 1 else ir.Block(tuple(stmts), self.span(node))

    def s_empty(self, node) -> list:
        return []

    def s_pragma(self, node) -> ir.Stmt:
        return ir.PragmaStmt(str(node.children[0]), self.span(node))

    def s_using_alias(self, node) -> list:
        name = str(node.children[0])
        self.typedefs[name] = named(self.type_name(node.children[1]), name)
        return []

    def s_declaration(self, node: Tree) -> list[ir.Stmt]:
        return self.increments_in(node, lambda: self.declaration(node))

    def declaration(self, node: Tree) -> list[ir.Decl]:
        specs = self.specs(node.children[0])
        base = self.base_type(specs, node)
        out = []
        for init in node.children[1:]:
            t, name = self.declarator(init.children[0], base, specs)
            if specs.typedef:
                if isinstance(t, Reference):
                    raise not_supported(self.span(init), "a typedef of a reference type")
                self.typedefs[name] = named(self.name_anonymous(t, name), name)
                continue
            space = t.space if isinstance(t, Array) else SPACE_QUALIFIERS.get(
                next((q for q in specs.quals if q in SPACE_QUALIFIERS), ""), Space.LOCAL)
            value = None
            ctor = None
            if init.data == "ctor_declarator":
                ctor = tuple(self.expr(a) for a in init.children[1].children)
            elif len(init.children) > 1:
                value = self.initializer(init.children[1], t.to if isinstance(t, Reference) else t)
            if isinstance(t, Array) and t.size is None and isinstance(value, ir.InitList):
                t = Array(t.of, len(value.items), t.space)
            if isinstance(t, Reference):
                if value is None:
                    raise self.error(init, f"the reference '{name}' needs an initializer")
                self.bind_reference(t, value, init, f"'{name}'")
            if isinstance(t, StdVector):
                if len(self.scopes) == 1 or specs.quals & {"static", "extern", "thread_local"}:
                    raise not_supported(self.span(init), f"the std::vector '{name}' outside a function body "
                                                         f"or static (a scope must own it)")
                ctor = self.vector_decl(name, t, ctor, value, init)
            if isinstance(t, Struct) and isinstance(value, ir.Expr) and not isinstance(value, ir.InitList) \
                    and value.type != t:
                raise self.error(init, f"cannot initialize '{name}' ({t.c()}) with a value of type {value.type.c()}")
            if isinstance(t, Struct) and ctor is not None:
                raise not_supported(self.span(init), f"constructing the struct '{name}' with ()")
            self.declare(name, t.to if isinstance(t, Reference) else t)
            if specs.quals & {"const", "constexpr"} and isinstance(t, Scalar) and value is not None:
                known = self.fold(value)
                if known is not None:
                    self.declare_constant(name, convert_constant(known, t))
            storage = frozenset(specs.quals & {"static", "const", "constexpr", "extern", "volatile",
                                               "thread_local"}) | ({"extern"} if specs.extern else set())
            out.append(ir.Decl(name, t, value, ctor, storage, space, self.span(init)))
        return out

    def initializer(self, node, t: Type) -> ir.Expr:
        if isinstance(node, Tree) and node.data == "initializer":
            return self.expr(node.children[0])
        if isinstance(node, Tree) and node.data == "init_list" and _has_struct(t):
            return self.aggregate(list(node.children), t, node)
        if isinstance(node, Tree) and node.data == "init_list":
            inner = t.of if isinstance(t, Array) else (scalar(t.of) if isinstance(t, Vector) else t)
            return ir.InitList(tuple(self.initializer(c, inner) for c in node.children), t, self.span(node))
        return self.expr(node)

    def s_expr_stmt(self, node: Tree) -> list[ir.Stmt]:
        return self.effect(node.children[0])

    def effect(self, node) -> list[ir.Stmt]:
        """An expression evaluated for its effect: assignments, ++/--, calls, comma lists."""
        if isinstance(node, Tree) and node.data == "comma":
            return self.effect(node.children[0]) + self.effect(node.children[1])
        return self.increments_in(node, lambda: self.plain_effect(node))

    def increments_in(self, node, build) -> list[ir.Stmt]:
        """`build()`'s statements with the `++`/`--` embedded in `node` as statements of their own:
        `patch[idx++] = v;` is `patch[idx] = v; idx += 1;`, `*p++ = x;` is `*p = x; p += 1;`,
        `a[--n] = x;` is `n -= 1; a[n] = x;`. C leaves the order of effects within a full
        expression unsequenced, so this is its meaning exactly when the variable is a local
        scalar or pointer named nowhere else in the statement and the increment is evaluated
        unconditionally; anything else is refused."""
        found = list(_embedded_increments(node))
        if not found:
            return build()
        for inc, conditional in found:
            if conditional:
                raise not_supported(self.span(inc), "++/-- in a conditionally evaluated operand (of ?:, && or ||)")
        outer, self.increments = self.increments, ([], [])
        try:
            stmts = build()
            before, after = self.increments
        finally:
            self.increments = outer
        effects = before + after
        names = [a.target.name for a in effects]
        for a in effects:
            uses = sum(1 for s in stmts for n in walk(s) if isinstance(n, ir.Var) and n.name == a.target.name)
            uses += sum(1 for b in effects for n in walk(b.target) if n.name == a.target.name) - 1
            if uses > 1 or names.count(a.target.name) > 1:
                raise not_supported(a.span, f"'{a.target.name}' incremented and used again in the same statement "
                                            f"(unsequenced in C)")
        return before + stmts + after

    def embedded_increment(self, node: Tree) -> ir.Expr:
        """The value of `i++`/`++i` inside a statement: `i`, with the increment recorded as an
        effect before (prefix) or after (postfix) the statement (increments_in)."""
        target = self.lvalue(node.children[0])
        if not (isinstance(target, ir.Var) and isinstance(target.type, (Scalar, Pointer))
                and self.lookup_var(target.name) is not None and len(self.scopes) > 1):
            raise self.error(node, "not supported: ++/-- of anything but a local variable inside an expression")
        one = ir.Const(1, I32, "1")
        effect = ir.Assign(target, "+" if node.data.endswith("inc") else "-", one, self.span(node))
        self.increments[0 if node.data.startswith("pre") else 1].append(effect)
        return target

    def plain_effect(self, node) -> list[ir.Stmt]:
        span = self.span(node)
        if isinstance(node, Tree):
            kind = node.data
            if kind == "assign":
                target = self.lvalue(node.children[0])
                op = str(node.children[1].children[0])
                value = self.expr(node.children[2])
                if isinstance(target.type, (Struct, StdVector)) and (op != "=" or value.type != target.type):
                    raise self.error(node, f"invalid assignment '{op}' to a value of type {target.type.c()} "
                                           f"from {value.type.c()}")
                if isinstance(target.type, StdVector):
                    raise not_supported(span, "assigning one std::vector to another")
                return [ir.Assign(target, None if op == "=" else op[:-1], value, span)]
            if kind == "brace_assign":
                return [self.brace_assign(node)]
            if kind in ("post_inc", "pre_inc", "post_dec", "pre_dec"):
                target = self.lvalue(node.children[0])
                one = ir.Const(1, I32, "1")
                return [ir.Assign(target, "+" if kind.endswith("inc") else "-", one, span)]
            if kind == "call" and _callee_name(node) in HOST_LAUNCH_CALLS:
                return [self.hip_launch(node)]
        return [ir.ExprStmt(self.expr(node), span)]

    def brace_assign(self, node: Tree) -> ir.Assign:
        """C++11 `x = {a, b}` means `x = T{a, b}` for the type T of x ([expr.ass]/9): a scalar or
        pointer takes at most one item (`x = {}` is `x = T{}`, zero); a vector (float4, half2,
        clang's ext-vectors) takes at most one item per lane, the rest zero (dim3: one).
        Scalars become a plain assignment; vectors keep the typed list (`Assign(v, InitList)`),
        because the whole temporary is built before it is stored: `v = {v.y, v.x}` swaps."""
        target = self.lvalue(node.children[0])
        t, span = target.type, self.span(node)
        items = node.children[1:]
        if isinstance(t, Array):
            raise self.error(node, f"array type '{t.c()}' is not assignable")
        if isinstance(t, (Scalar, Pointer)):
            if len(items) > 1:
                raise self.error(items[1], f"excess elements in scalar initializer")
            if not items:
                return ir.Assign(target, None, ir.Cast(ir.Const(0, I32, "0"), t, "c"), span)
            value = self.brace_item(items[0], t)
            return ir.Assign(target, None, value, span)
        if isinstance(t, Vector) and (t.kind is VecKind.SIMD or
                                      t.kind is VecKind.EXT and self.platform is ir.Platform.VNNI):
            # g++ has no braced assignment to its vector types (clang has, for ext_vector_type)
            raise self.error(node, f"cannot assign a braced list to a value of type {t.c()} "
                                   f"(g++ refuses it; use an initialization or a set intrinsic)")
        if isinstance(t, Vector):
            if len(items) > t.lanes:
                raise self.error(items[t.lanes], f"excess elements in initializer of {t.c()}")
            values = tuple(self.brace_item(i, scalar(t.of)) for i in items)
            return ir.Assign(target, None, ir.InitList(values, t, span), span)
        if isinstance(t, Struct):                  # `acc = {0}`: acc = Vec16{0}, the rest zero
            return ir.Assign(target, None, self.aggregate(list(items), t, node), span)
        raise self.error(node, f"not supported: assigning a braced list to a value of type {t.c()}")

    def brace_item(self, node, t: Type) -> ir.Expr:
        """One item of a braced list converted to `t`, refusing narrowing as C++ does."""
        if isinstance(node, Tree) and node.data == "init_list":
            if len(node.children) > 1:
                raise self.error(node, f"too many braces around scalar initializer")
            return self.brace_item(node.children[0], t) if node.children else \
                ir.Cast(ir.Const(0, I32, "0"), t, "c")
        e = self.initializer(node, t)
        if isinstance(t, Scalar) and isinstance(e.type, Scalar) and narrowing(e.type.dtype, t.dtype, self.fold(e)):
            raise self.error(node, f"narrowing conversion from '{e.type.c()}' to '{t.c()}' "
                                   f"in a braced list")
        return e

    def lvalue(self, node) -> ir.Expr:
        e = self.expr(node)
        if not isinstance(e, (ir.Var, ir.Index, ir.Member, ir.Deref)):
            raise self.error(node, "expression is not assignable")
        return e

    def s_if_stmt(self, node: Tree) -> ir.Stmt:
        cond = self.expr(node.children[0])
        then = self.scoped(node.children[1])
        other = self.scoped(node.children[2]) if len(node.children) > 2 else None
        return ir.If(cond, then, other, self.span(node))

    def scoped(self, node) -> ir.Stmt:
        self.scopes.append({})
        try:
            return self.as_block(node)
        finally:
            self.scopes.pop()

    def s_for_stmt(self, node: Tree) -> ir.Stmt:
        self.scopes.append({})
        init_node = node.children[0]
        if init_node.data == "for_init":
            inner = init_node.children[0]
            init = tuple(self.s_declaration(inner) if inner.data == "declaration" else self.effect(inner))
        else:
            init = ()
        cond, step, body_node = node.children[1:]
        cond_e = self.expr(cond) if cond is not None else None
        step_s = tuple(self.effect(step)) if step is not None else ()
        body = self.as_block(body_node)
        self.scopes.pop()
        return ir.For(init, cond_e, step_s, body, (), self.span(node))

    def s_while_stmt(self, node: Tree) -> ir.Stmt:
        return ir.While(self.expr(node.children[0]), self.scoped(node.children[1]), False, self.span(node))

    def s_do_stmt(self, node: Tree) -> ir.Stmt:
        return ir.While(self.expr(node.children[1]), self.scoped(node.children[0]), True, self.span(node))

    def s_switch_stmt(self, node: Tree) -> ir.Stmt:
        value = self.expr(node.children[0])
        cases: list[ir.Case] = []
        labels: list[ir.Expr] = []
        body: list[ir.Stmt] = []
        is_default = False
        started = False
        self.scopes.append({})
        for item in node.children[1:]:
            inner = item.children[0] if item.data == "switch_item" else item
            if isinstance(inner, Tree) and inner.data in ("case_label", "default_label"):
                if body or (started and not labels and not is_default):
                    cases.append(ir.Case(tuple(labels), tuple(body)))
                    labels, body, is_default = [], [], False
                if inner.data == "case_label":
                    labels.append(self.expr(inner.children[0]))
                else:
                    is_default = True
                started = True
            else:
                body.extend(self.stmt(inner))
        if started:
            cases.append(ir.Case(tuple(labels), tuple(body)))
        self.scopes.pop()
        return ir.Switch(value, tuple(cases), self.span(node))

    def s_break_stmt(self, node) -> ir.Stmt:
        return ir.Break(self.span(node))

    def s_continue_stmt(self, node) -> ir.Stmt:
        return ir.Continue(self.span(node))

    def s_return_stmt(self, node) -> ir.Stmt:
        return ir.Return(self.expr(node.children[0]) if node.children else None, self.span(node))

    def s_launch_stmt(self, node: Tree) -> ir.Stmt:
        launch = node.children[0]
        target, config, *rest = launch.children
        name = str(target.children[0])
        targs = tuple(self.template_arg(a) for a in target.children[1].children) if len(target.children) > 1 else ()
        cfg = tuple(self.expr(a) for a in config.children)
        args = tuple(self.expr(a) for a in rest[0].children) if rest else ()
        if name in self.templates:                     # a kernel template: its instance
            name, targs = self.instantiate(name, targs, args, target), ()
        if name not in self.functions:
            raise self.error(target, f"launch of unknown kernel '{name}'")
        return ir.Launch(name, targs, cfg, args, "chevrons", self.span(node))

    def hip_launch(self, node: Tree) -> ir.Stmt:
        args = node.children[1].children if len(node.children) > 1 else []
        if len(args) < 5:
            raise self.error(node, "hipLaunchKernelGGL needs (kernel, grid, block, shmem, stream, args...)")
        kernel = args[0]
        if isinstance(kernel, Tree) and kernel.data == "call" and _callee_name(kernel) == "HIP_KERNEL_NAME":
            kernel = kernel.children[1].children[0]
        targs = ()
        if isinstance(kernel, Tree) and kernel.data == "template_name":
            targs = tuple(self.template_arg(a) for a in kernel.children[1].children)
            kernel = kernel.children[0]
        name = str(kernel.children[0]) if isinstance(kernel, Tree) else str(kernel)
        cfg = tuple(self.expr(a) for a in args[1:5])
        rest = tuple(self.expr(a) for a in args[5:])
        if name in self.templates:                     # a kernel template: its instance
            name, targs = self.instantiate(name, targs, rest, node), ()
        if name not in self.functions:
            raise self.error(node, f"launch of unknown kernel '{name}'")
        return ir.Launch(name, targs, cfg, rest, "hipLaunchKernelGGL", self.span(node))

    def s_declaration_stmt(self, node):
        return self.s_declaration(node)

    def s_type_declaration(self, node) -> list:
        self.specs(node.children[0])            # `struct S { ... };` in a function body
        return []

    def s_compound_stmt(self, node):
        return self.s_compound(node)

    def template_arg(self, node) -> ir.Expr:
        if isinstance(node, Tree) and node.data == "type_name":
            return ir.TypeArg(self.type_name(node), Void())
        return self.expr(node)

    # ---- expressions --------------------------------------------------------------------------
    def expr(self, node) -> ir.Expr:
        if isinstance(node, Token):
            raise self.error(node, f"unexpected {node}")
        if node.data == "compound":
            return self.expr(node)
        if node.data in INCREMENTS and self.increments is not None:
            return self.embedded_increment(node)
        method = getattr(self, "x_" + node.data, None)
        if method is None:
            if node.data in ("assign", "post_inc", "pre_inc", "post_dec", "pre_dec"):
                raise self.error(node, "not supported: assignment or increment inside an expression")
            if node.data == "comma":
                raise self.error(node, "not supported: comma operator inside an expression")
            raise self.error(node, f"not supported: expression {node.data}")
        return method(node)

    def x_name(self, node: Tree) -> ir.Expr:
        tok = node.children[0]
        name = str(tok)
        span = self.span(tok)
        t = self.lookup_var(name)
        if t is not None:
            return ir.Var(name, t, span)
        if name in SCALAR_BUILTINS:
            return ir.Builtin(name, SCALAR_BUILTINS[name], span)
        if name in HIP_LEGACY_INDEX:
            return ir.Builtin(HIP_LEGACY_INDEX[name], U32, span)
        if name in NAMED_CONSTANTS:
            value, ct = NAMED_CONSTANTS[name]
            return ir.Const(value, ct, name, span)
        if name in ENUM_CONSTANTS:
            value, et = ENUM_CONSTANTS[name]
            return ir.EnumConst(name, value, et, span)
        if name in self.template_values:                 # a value parameter of a template instance
            value, t = self.template_values[name]
            return ir.Const(value, t, str(value), span)
        if name in self.functions:
            return ir.Var(name, FUNCTION_VALUE, span)
        if name in INDEX_STRUCTS:
            return ir.Builtin(name, DIM3, span)
        return self.library_name(name, span)

    def library_name(self, name: str, span: Span) -> ir.Expr:
        """The C/C++ library's streams (stderr, std::cout; `cout` after `using namespace std;`),
        manipulators (std::endl) and `__func__`; otherwise the name is undeclared."""
        std = "std::" + name if self.using_std and "::" not in name else name
        if std in STREAMS:
            fd, t, _ = STREAMS[std]
            return ir.EnumConst(std, fd, t, span)
        if std in MANIPULATORS:
            return ir.EnumConst(std, 0, MANIPULATOR, span)
        if name in FUNCTION_NAMES and len(self.scopes) > 1:
            return ir.Str(self.current_function.name, Pointer(scalar(DType.I8), const=True), span)
        raise XpilerError(span, f"use of undeclared identifier '{name}'")

    def x_number(self, node: Tree) -> ir.Expr:
        tok = node.children[0]
        return parse_number(str(tok), self.span(tok))

    def x_string(self, node: Tree) -> ir.Expr:
        text = "".join(str(t)[1:-1] for t in node.children)
        return ir.Str(text, Pointer(scalar(DType.I8), const=True), self.span(node))

    def x_char(self, node: Tree) -> ir.Expr:
        text = str(node.children[0])[1:-1]
        value = ord(text.encode().decode("unicode_escape")) if text else 0
        return ir.Const(value, scalar(DType.I8), str(node.children[0]), self.span(node))

    def x_binop(self, node: Tree) -> ir.Expr:
        left = self.expr(node.children[0])
        op = str(node.children[1].children[0])
        right = self.expr(node.children[2])
        return ir.Binary(op, left, right, binary_type(op, left.type, right.type, self, node), self.span(node))

    def x_unop(self, node: Tree) -> ir.Expr:
        op = str(node.children[0].children[0])
        operand = self.expr(node.children[1])
        if op == "!":
            t: Type = BOOL
        elif isinstance(operand.type, Scalar):
            t = scalar(promote(operand.type.dtype))
        else:
            t = operand.type
        if op == "-" and isinstance(operand, ir.Const) and not isinstance(operand.value, bool):
            text = None if not operand.text else operand.text[1:] if operand.text.startswith("-") \
                else "-" + operand.text                       # -(-1) is 1, not --1
            return ir.Const(-operand.value, operand.type if operand.type != BOOL else I32, text, self.span(node))
        return ir.Unary(op, operand, t, self.span(node))

    def x_ternary(self, node: Tree) -> ir.Expr:
        c, a, b = (self.expr(x) for x in node.children)
        if isinstance(a.type, Scalar) and isinstance(b.type, Scalar):
            t: Type = scalar(common(a.type.dtype, b.type.dtype))
        else:
            t = a.type
        return ir.Ternary(c, a, b, t, self.span(node))

    def x_cast(self, node: Tree) -> ir.Expr:
        return ir.Cast(self.expr(node.children[1]), self.type_name(node.children[0]), "c", self.span(node))

    def x_cpp_cast(self, node: Tree) -> ir.Expr:
        style = str(node.children[0].children[0]).split("_")[0]
        return ir.Cast(self.expr(node.children[2]), self.type_name(node.children[1]), style, self.span(node))

    def x_functional_cast(self, node: Tree) -> ir.Expr:
        spec = node.children[0]
        t = self.named_type(spec.children[0]) if spec.data == "named_type" else self.template_type(spec)
        args = tuple(self.expr(a) for a in node.children[1].children) if len(node.children) > 1 else ()
        if len(args) == 1 and isinstance(t, Scalar):
            return ir.Cast(args[0], t, "functional", self.span(node))
        return ir.Call(t.c(), args, t, (), self.span(node))

    def x_sizeof_type(self, node: Tree) -> ir.Expr:
        return ir.SizeOf(self.type_name(node.children[0]), U64, self.span(node))

    def x_sizeof_expr(self, node: Tree) -> ir.Expr:
        return ir.SizeOf(self.expr(node.children[0]).type, U64, self.span(node))

    def x_deref(self, node: Tree) -> ir.Expr:
        p = self.expr(node.children[0])
        if not isinstance(p.type, (Pointer, Array)):
            raise self.error(node, f"cannot dereference a value of type {p.type.c()}")
        inner = p.type.to if isinstance(p.type, Pointer) else p.type.of
        return ir.Deref(p, inner, self.span(node))

    def x_address_of(self, node: Tree) -> ir.Expr:
        e = self.expr(node.children[0])
        space = e.type.space if isinstance(e.type, Array) else Space.GENERIC
        if isinstance(e, ir.Index) and isinstance(e.base.type, (Pointer, Array)):
            space = e.base.type.space
        return ir.AddressOf(e, Pointer(e.type, space), self.span(node))

    def x_index(self, node: Tree) -> ir.Expr:
        base = self.expr(node.children[0])
        index = self.expr(node.children[1])
        t = base.type
        if isinstance(t, Pointer):
            et = t.to
        elif isinstance(t, Array):
            et = t.of
        elif isinstance(t, Vector) and t.kind is not VecKind.SIMD:
            et = scalar(t.of)
        elif isinstance(t, StdVector):
            et = t.of
        else:
            raise self.error(node, f"subscripted value of type {t.c()} is not an array, pointer or vector")
        return ir.Index(base, index, et, self.span(node))

    def x_member(self, node: Tree) -> ir.Expr:
        base_node, field_tok = node.children
        fieldname = str(field_tok)
        if isinstance(base_node, Tree) and base_node.data == "name" and str(base_node.children[0]) in INDEX_STRUCTS \
                and self.lookup_var(str(base_node.children[0])) is None:
            if fieldname not in ("x", "y", "z"):
                raise self.error(field_tok, f"no member '{fieldname}' in {base_node.children[0]}")
            return ir.Builtin(f"{base_node.children[0]}.{fieldname}", U32, self.span(node))
        base = self.expr(base_node)
        t = base.type
        if isinstance(t, Struct):
            return self.struct_member(base, field_tok, node)
        if isinstance(t, Vector) and t.kind is VecKind.STRUCT:
            lanes = {"x": 0, "y": 1, "z": 2, "w": 3}
            if fieldname not in lanes or lanes[fieldname] >= t.lanes:
                raise self.error(field_tok, f"no member '{fieldname}' in {t.c()}")
            return ir.Member(base, fieldname, scalar(t.of), self.span(node))
        if isinstance(t, Vector) and t.kind is VecKind.EXT and fieldname in ("x", "y", "z", "w"):
            return ir.Member(base, fieldname, scalar(t.of), self.span(node))
        if isinstance(t, Fragment):
            if fieldname == "x":
                return ir.Member(base, "x", Array(scalar(t.of), None), self.span(node))
            if fieldname == "num_elements":
                return ir.Member(base, fieldname, I32, self.span(node))
        raise self.error(field_tok, f"no member '{fieldname}' in a value of type {t.c()}")

    def x_template_member(self, node: Tree, called: bool = False) -> ir.Expr:
        """`std::numeric_limits<T>::member` (a data member, or with `called` a member function)."""
        name, args, member = node.children
        if str(name).rsplit("::", 1)[-1] != "numeric_limits":
            raise self.error(node, f"not supported: member '{member}' of template {name}")
        if len(args.children) != 1 or not (isinstance(args.children[0], Tree) and args.children[0].data == "type_name"):
            raise self.error(args, "numeric_limits takes one type")
        type_node = args.children[0]
        t = self.type_name(type_node)
        mods = [str(c.children[0]) for c in type_node.children[0].children if c.data == "type_mod"]
        if "long" in mods and isinstance(t, Scalar) and t.dtype is DType.F64:
            raise self.error(type_node, "not supported: numeric_limits<long double>")
        if not isinstance(t, Scalar) or t.dtype in (DType.F16, DType.BF16):
            raise self.error(type_node, f"not supported: numeric_limits<{t.c()}>")
        try:
            value, vt, text = numeric_limit(t.dtype, str(member), called)
        except KeyError:
            what = "function" if called else "data member"
            raise self.error(member, f"no {what} '{member}' in numeric_limits<{t.c()}>") from None
        return ir.Const(value, vt, text, self.span(node))

    def x_template_name(self, node: Tree) -> ir.Expr:
        name = str(node.children[0])
        return ir.Var(name, FUNCTION_VALUE, self.span(node))

    def x_call(self, node: Tree) -> ir.Expr:
        callee_node = node.children[0]
        args = tuple(self.expr(a) for a in node.children[1].children) if len(node.children) > 1 else ()
        targs: tuple = ()
        if isinstance(callee_node, Tree) and callee_node.data == "template_member":
            if args:
                raise self.error(node, f"'{callee_node.children[2]}' takes no arguments")
            return self.x_template_member(callee_node, called=True)
        if isinstance(callee_node, Tree) and callee_node.data == "template_name":
            targs = tuple(self.template_arg(a) for a in callee_node.children[1].children)
            name = str(callee_node.children[0])
        elif isinstance(callee_node, Tree) and callee_node.data == "name":
            name = str(callee_node.children[0])
        elif isinstance(callee_node, Tree) and callee_node.data == "member":
            return self.method_call(callee_node, args, node)
        else:
            raise self.error(node, "not supported: call through an expression")
        span = self.span(node)
        if name in HOST_LAUNCH_CALLS:
            raise self.error(node, f"{name} must be used as a statement")
        if self.lookup_var(name) is not None:
            raise self.error(callee_node, f"'{name}' is a variable, not a function")
        if name in self.templates:                     # a function template: its instance
            name, targs = self.instantiate(name, targs, args, node), ()
        fn = self.functions.get(name)
        if fn is not None:
            fn = self.overload(name, args, span)
            for p, a, arg_node in zip(fn.params, args, node.children[1].children if len(node.children) > 1 else ()):
                if isinstance(p.type, Reference):
                    self.bind_reference(p.type, a, arg_node, f"parameter '{p.name}' of '{name}'")
            return ir.Call(name, args, fn.ret, targs, span)
        intrinsic = lookup(name) or (lookup(name[5:]) if name.startswith("std::") else None)
        if intrinsic is None:
            return ir.Call(name, args, Unknown(), targs, span)
        t = None
        if "overloads" in intrinsic.data:
            explicit = targs[0].of if len(targs) == 1 and isinstance(targs[0], ir.TypeArg) else None
            try:
                t = resolve(name, intrinsic.data["overloads"], [a.type for a in args], self.dialect,
                            self.includes, self.using_std, explicit)
            except OverloadError as e:
                raise XpilerError(span, str(e)) from None
        if t is None:
            t = intrinsic.return_type([a.type for a in args])
        return ir.Call(name, args, t, targs, span)

    def overload(self, name: str, args: tuple[ir.Expr, ...], span: Span) -> ir.Function:
        """The function of the file a call selects among the overloads of `name`, as C++ does
        (xpiler.types.select_overload); the interpreter runs the same one."""
        fns = list(self.overloads[name].values())
        if len(fns) == 1 or not all(isinstance(a.type, (Scalar, Pointer, Array)) for a in args):
            return self.functions[name]
        index = select_overload([tuple(p.type for p in f.params) for f in fns], [a.type for a in args],
                                half_class(self.dialect))
        if index is None:
            shown = f"{name}({', '.join(a.type.c() for a in args)})"
            raise XpilerError(span, f"no single best overload for the call '{shown}' "
                                    f"({len(fns)} functions named '{name}')")
        return fns[index]

    def x_init_list(self, node: Tree) -> ir.Expr:
        return ir.InitList(tuple(self.expr(c) for c in node.children), Unknown(), self.span(node))


def named(t: Type, name: str) -> Type:
    """A typedef'd vector type keeps the user's name (floatx4) for printing."""
    if isinstance(t, Vector) and t.kind is VecKind.EXT and t.name is None:
        return Vector(t.of, t.lanes, t.kind, name)
    return t


def _has_struct(t: Type | None) -> bool:
    while isinstance(t, Array):
        t = t.of
    return isinstance(t, Struct)


INCREMENTS = ("post_inc", "pre_inc", "post_dec", "pre_dec")


def _embedded_increments(node, conditional: bool = False, top: bool = True):
    """(++/-- node, whether it is evaluated conditionally) for each increment inside the
    expression statement or declaration `node` (the statement's own top-level ++ excluded)."""
    if not isinstance(node, Tree):
        return
    if node.data in INCREMENTS and not top:
        yield node, conditional
    if node.data in ("compound", "compound_stmt", "lambda"):
        return
    for i, child in enumerate(node.children):
        cond = conditional or (node.data == "ternary" and i > 0) or (
            node.data == "binop" and i == 2 and isinstance(node.children[1], Tree)
            and node.children[1].data in ("lor_op", "land_op"))
        yield from _embedded_increments(child, cond, False)


def _callee_name(node: Tree) -> str | None:
    c = node.children[0]
    if isinstance(c, Tree) and c.data == "name":
        return str(c.children[0])
    return None


_FLOAT_LITERAL = re.compile(r"(0x(?:[0-9a-f]*\.?[0-9a-f]*)p[+-]?\d+|(?:\d+\.\d*|\.\d+|\d+)(?:e[+-]?\d+)?)([fl]?)")
_INT_LITERAL = re.compile(r"(0x[0-9a-f]+|\d+)(u?(?:l|ll)?|(?:l|ll)u)")


def parse_number(text: str, span: Span | None) -> ir.Const:
    """A C literal -> Const of its C type (decimal, octal, hex, hex-float; suffixes f, l, u)."""
    t = text.lower()
    is_float = ("p" in t) if t.startswith("0x") else (any(c in t for c in ".e") or t.endswith("f"))
    m = (_FLOAT_LITERAL if is_float else _INT_LITERAL).fullmatch(t)
    if m is None or (not is_float and m.group(1)[0] == "0" and len(m.group(1)) > 1
                     and not t.startswith("0x") and set(m.group(1)) - set("01234567")):
        raise XpilerError(span, f"invalid number '{text}'")
    if is_float:
        try:
            value = float.fromhex(m.group(1)) if t.startswith("0x") else float(m.group(1))
        except ValueError:
            raise XpilerError(span, f"invalid number '{text}'") from None
        return ir.Const(value, F32 if m.group(2) == "f" else F64, text, span)
    digits, suffix = m.group(1), m.group(2)
    value = int(digits, 16 if t.startswith("0x") else 8 if len(digits) > 1 and digits[0] == "0" else 10)
    if value >= 2**64:
        raise XpilerError(span, f"integer literal '{text}' is too large for any integer type")
    hexa = t.startswith("0x") or digits[0] == "0"       # octal and hex literals may be unsigned
    return ir.Const(value, _int_type(value, "u" in suffix, suffix.count("l"), hexa), text, span)


def _int_type(value: int, unsigned: bool, longs: int, hexa: bool) -> Type:
    if unsigned:
        return U64 if longs or value > 0xFFFFFFFF else U32
    if longs or value > 0xFFFFFFFF:
        return I64 if value < 2**63 else U64
    if value > 0x7FFFFFFF:
        return U32 if hexa else I64
    return I32


def binary_type(op: str, a: Type, b: Type, builder: Builder, node) -> Type:
    if isinstance(a, Stream) and a.name == "std::ostream" and op == "<<":
        if isinstance(b, (Scalar, Pointer, Array, Unknown)) or b == MANIPULATOR:
            return a                              # output to a stream, not a shift
        raise builder.error(node, f"invalid operands to '<<': {a.c()} and {b.c()}")
    if op in ("<", ">", "<=", ">=", "==", "!=", "&&", "||"):
        return BOOL
    if isinstance(a, (Pointer, Array)) and op in "+-":
        if isinstance(b, (Pointer, Array)):
            return I64
        return a if isinstance(a, Pointer) else Pointer(a.of, a.space)
    if isinstance(b, (Pointer, Array)) and op == "+":
        return b if isinstance(b, Pointer) else Pointer(b.of, b.space)
    if isinstance(a, Vector) or isinstance(b, Vector):
        return a if isinstance(a, Vector) else b
    if isinstance(a, Scalar) and isinstance(b, Scalar):
        if op in ("<<", ">>"):
            return scalar(promote(a.dtype))
        return scalar(common(a.dtype, b.dtype))
    if isinstance(a, Unknown) or isinstance(b, Unknown):
        return Unknown()
    raise builder.error(node, f"invalid operands to '{op}': {a.c()} and {b.c()}")


def build_module(result: ParseResult, platform: ir.Platform) -> ir.Module:
    return Builder(result, platform).module(result.tree)
