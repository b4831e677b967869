"""Kernel IR -> C-like text (`xpiler parse --ir`); the base the target emitters extend.

Expressions are printed with the minimum parentheses C's precedence table needs.
"""
from __future__ import annotations

from . import ir
from .types import Array, Opaque, Pointer, Reference, Scalar, Space, Struct, Type, VecKind, Vector

# precedence: higher binds tighter (C operator table)
PRECEDENCE = {"||": 3, "&&": 4, "|": 5, "^": 6, "&": 7, "==": 8, "!=": 8, "<": 9, ">": 9, "<=": 9,
              ">=": 9, "<<": 10, ">>": 10, "+": 11, "-": 11, "*": 12, "/": 12, "%": 12}
UNARY_PREC = 13
POSTFIX_PREC = 14
TERNARY_PREC = 2

SPACE_SPELLING = {Space.SHARED: "__shared__", Space.NRAM: "__nram__", Space.WRAM: "__wram__",
                  Space.SRAM: "__mlu_shared__", Space.LDRAM: "__ldram__", Space.CONSTANT: "__constant__"}


class Printer:
    """Prints a module as C-like text; subclasses (emitters) override spellings."""
    indent_unit = "  "
    # struct name -> the name printed (emitters rename a struct named like a type of the
    # target's headers: a C++ `struct float4` in a CUDA output)
    struct_names: dict[str, str] = {}

    # ---- types and declarations ---------------------------------------------------------------
    def type(self, t: Type) -> str:
        if isinstance(t, Struct):
            return self.struct_names.get(t.name, t.name)
        if isinstance(t, Pointer) and self.struct_names:
            return ("const " if t.const else "") + self.type(t.to) + "*" + (" __restrict__" if t.restrict else "")
        return t.c()

    def rename_structs(self, m: ir.Module, reserved) -> None:
        """Print the structs of `m` whose names are in `reserved` under names that are not."""
        taken = {name for name, _ in m.typedefs} | set(reserved)
        self.struct_names = {}
        for name, t in m.typedefs:
            if isinstance(t, Struct) and t.name == name and name in reserved:
                new = name + "_"
                while new in taken:
                    new += "_"
                taken.add(new)
                self.struct_names[name] = new

    def declaration(self, name: str, t: Type) -> str:
        if isinstance(t, Reference):
            inner = self.declaration("&" + name, t.to)
            return ("const " + inner) if t.const and not inner.startswith("const ") else inner
        dims = ""
        while isinstance(t, Array):
            dims += f"[{'' if t.size is None else t.size}]"
            t = t.of
        if isinstance(t, Pointer):
            stars = ""
            inner = t
            quals = ""
            while isinstance(inner, Pointer):
                stars += "*"
                if inner.restrict:
                    quals = " __restrict__"
                const = inner.const
                inner = inner.to
            return f"{'const ' if const else ''}{self.type(inner)}{stars}{quals} {name}{dims}"
        return f"{self.type(t)} {name}{dims}"

    # ---- module -------------------------------------------------------------------------------
    def module(self, m: ir.Module) -> str:
        out = [f"// platform: {m.platform.value}"]
        out += [f"#include {inc}" for inc in m.includes]
        out += [f"#pragma {p}" for p in m.pragmas]
        out += [self.typedef(name, t) for name, t in m.typedefs if not isinstance(t, Opaque)]
        for d in m.globals:
            out.append(self.decl(d))
        for f in m.functions:
            out.append("")
            out.append(self.function(f))
        return "\n".join(out) + "\n"

    def typedef(self, name: str, t: Type) -> str:
        if isinstance(t, Struct) and t.name == name:
            return self.struct(t)
        if isinstance(t, Vector) and t.kind is VecKind.EXT and t.name == name:
            return f"typedef {t.of.c_name} {name} __attribute__((ext_vector_type({t.lanes})));"
        return f"typedef {self.declaration(name, t)};"

    def struct(self, t: Struct) -> str:
        """The definition of a struct: its fields in order (C's layout follows from them)."""
        fields = " ".join(self.declaration(n, ft) + ";" for n, ft in t.fields)
        return f"struct {self.type(t)} {{ {fields} }};"

    def function(self, f: ir.Function) -> str:
        head = ""
        if f.template_params:
            ps = ", ".join(f"typename {p.name}" if p.kind == "type" else f"{self.type(p.type)} {p.name}"
                           for p in f.template_params)
            head = f"template <{ps}>\n"
        order = {"static": 0, "inline": 1}
        quals = " ".join(sorted(f.qualifiers, key=lambda q: (order.get(q, 2), q)))
        prefix = ('extern "C" ' if f.extern_c else "") + (quals + " " if quals else "")
        bounds = f"__launch_bounds__({', '.join(self.expr(e) for e in f.launch_bounds)}) " if f.launch_bounds else ""
        params = ", ".join(self.declaration(p.name, p.type) for p in f.params)
        sig = f"{head}{prefix}{self.type(f.ret)} {bounds}{f.name}({params})"
        if f.body is None:
            return sig + ";"
        return f"// {f.kind.value}\n{sig} {self.block(f.body, 0)}"

    # ---- statements ---------------------------------------------------------------------------
    def block(self, b: ir.Block, level: int) -> str:
        lines = ["{"]
        for s in b.stmts:
            lines.append(self.stmt(s, level + 1))
        lines.append(self.indent_unit * level + "}")
        return "\n".join(lines)

    def stmt(self, s: ir.Stmt, level: int) -> str:
        pad = self.indent_unit * level
        method = getattr(self, "stmt_" + type(s).__name__)
        return method(s, level, pad)

    def body(self, s: ir.Stmt, level: int) -> str:
        if isinstance(s, ir.Block):
            return " " + self.block(s, level)
        return "\n" + self.stmt(s, level + 1)

    def stmt_Block(self, s: ir.Block, level, pad) -> str:
        return pad + self.block(s, level)

    def decl(self, d: ir.Decl) -> str:
        space = SPACE_SPELLING.get(d.space, "")
        base = d.type
        while isinstance(base, Array):
            base = base.of
        # a pointer's `const` is part of its type (const T*): print it there, once
        storage = " ".join(sorted(d.storage - {"const"} if isinstance(base, Pointer) else d.storage))
        prefix = " ".join(x for x in (storage, space) if x)
        text = (prefix + " " if prefix else "") + self.declaration(d.name, d.type)
        if d.ctor_args is not None:
            text += f"({', '.join(self.expr(a) for a in d.ctor_args)})"
        elif d.init is not None:
            text += " = " + self.expr(d.init)
        return text + ";"

    def stmt_Decl(self, s: ir.Decl, level, pad) -> str:
        return pad + self.decl(s)

    def simple(self, s: ir.Stmt) -> str:
        """A statement without its ';' (for loop headers)."""
        if isinstance(s, ir.Assign):
            if s.op in ("+", "-") and isinstance(s.value, ir.Const) and s.value.value == 1:
                target = self.expr(s.target)
                if not isinstance(s.target, (ir.Var, ir.Index, ir.Member)):
                    target = f"({target})"             # *p++ would increment the pointer
                return f"{target}{s.op * 2}"
            return f"{self.expr(s.target)} {(s.op or '')}= {self.expr(s.value)}"
        if isinstance(s, ir.Decl):
            return self.decl(s)[:-1]
        if isinstance(s, ir.ExprStmt):
            return self.expr(s.expr)
        raise TypeError(type(s).__name__)

    def stmt_Assign(self, s: ir.Assign, level, pad) -> str:
        return pad + self.simple(s) + ";"

    def stmt_ExprStmt(self, s: ir.ExprStmt, level, pad) -> str:
        return pad + self.expr(s.expr) + ";"

    def stmt_If(self, s: ir.If, level, pad) -> str:
        text = f"{pad}if ({self.expr(s.cond)}){self.body(s.then, level)}"
        if s.other is not None:
            sep = " " if isinstance(s.then, ir.Block) else "\n" + pad
            if isinstance(s.other, ir.If):
                text += f"{sep}else {self.stmt(s.other, level).lstrip()}"
            else:
                text += f"{sep}else{self.body(s.other, level)}"
        return text

    def stmt_For(self, s: ir.For, level, pad) -> str:
        pragmas = "".join(f"{pad}#pragma {p}\n" for p in s.pragmas)
        if len(s.init) > 1 and all(isinstance(d, ir.Decl) for d in s.init):
            first = self.decl(s.init[0])[:-1]
            init = first + "".join(f", {d.name} = {self.expr(d.init)}" for d in s.init[1:] if d.init)
        else:
            init = ", ".join(self.simple(x) for x in s.init)
        cond = self.expr(s.cond) if s.cond is not None else ""
        step = ", ".join(self.simple(x) for x in s.step)
        return f"{pragmas}{pad}for ({init}; {cond}; {step}){self.body(s.body, level)}"

    def stmt_While(self, s: ir.While, level, pad) -> str:
        if s.do_while:
            return f"{pad}do{self.body(s.body, level)} while ({self.expr(s.cond)});"
        return f"{pad}while ({self.expr(s.cond)}){self.body(s.body, level)}"

    def stmt_Switch(self, s: ir.Switch, level, pad) -> str:
        lines = [f"{pad}switch ({self.expr(s.value)}) {{"]
        for c in s.cases:
            labels = [f"case {self.expr(v)}:" for v in c.values] or ["default:"]
            lines += [pad + self.indent_unit + lab for lab in labels]
            lines += [self.stmt(x, level + 2) for x in c.body]
        lines.append(pad + "}")
        return "\n".join(lines)

    def stmt_Break(self, s, level, pad) -> str:
        return pad + "break;"

    def stmt_Continue(self, s, level, pad) -> str:
        return pad + "continue;"

    def stmt_Return(self, s: ir.Return, level, pad) -> str:
        return pad + ("return;" if s.value is None else f"return {self.expr(s.value)};")

    def stmt_PragmaStmt(self, s: ir.PragmaStmt, level, pad) -> str:
        return f"#pragma {s.text}"

    def stmt_Launch(self, s: ir.Launch, level, pad) -> str:
        targs = f"<{', '.join(self.expr(a) for a in s.template_args)}>" if s.template_args else ""
        args = ", ".join(self.expr(a) for a in s.args)
        if s.style == "hipLaunchKernelGGL":
            cfg = ", ".join(self.expr(c) for c in s.config)
            name = f"HIP_KERNEL_NAME({s.kernel}{targs})" if targs else s.kernel
            return f"{pad}hipLaunchKernelGGL({name}, {cfg}{', ' if args else ''}{args});"
        cfg = ", ".join(self.expr(c) for c in s.config)
        return f"{pad}{s.kernel}{targs}<<<{cfg}>>>({args});"

    # ---- expressions --------------------------------------------------------------------------
    def expr(self, e: ir.Expr, parent: int = 0) -> str:
        text, prec = getattr(self, "expr_" + type(e).__name__)(e)
        return f"({text})" if prec < parent else text

    def expr_Const(self, e: ir.Const):
        if e.text is not None:
            return e.text, (UNARY_PREC if e.text.startswith("-") else 99)
        return repr(e.value), 99

    def expr_EnumConst(self, e: ir.EnumConst):
        return e.name, 99

    def expr_Str(self, e: ir.Str):
        return '"' + e.value + '"', 99

    def expr_Var(self, e: ir.Var):
        return e.name, 99

    def expr_Builtin(self, e: ir.Builtin):
        return e.name, 99

    def expr_TypeArg(self, e: ir.TypeArg):
        return self.type(e.of), 99

    def expr_Unary(self, e: ir.Unary):
        return e.op + self.expr(e.operand, UNARY_PREC), UNARY_PREC

    def expr_Binary(self, e: ir.Binary):
        p = PRECEDENCE[e.op]
        return f"{self.expr(e.left, p)} {e.op} {self.expr(e.right, p + 1)}", p

    def expr_Ternary(self, e: ir.Ternary):
        return (f"{self.expr(e.cond, TERNARY_PREC + 1)} ? {self.expr(e.then)} : "
                f"{self.expr(e.other, TERNARY_PREC)}"), TERNARY_PREC

    def expr_Cast(self, e: ir.Cast):
        t = self.type(e.type)
        if e.style in ("static", "reinterpret", "const"):
            return f"{e.style}_cast<{t}>({self.expr(e.operand)})", POSTFIX_PREC
        if e.style == "functional" and isinstance(e.type, Scalar) and " " not in t:
            return f"{t}({self.expr(e.operand)})", POSTFIX_PREC
        return f"({t}){self.expr(e.operand, UNARY_PREC)}", UNARY_PREC

    def expr_Index(self, e: ir.Index):
        return f"{self.expr(e.base, POSTFIX_PREC)}[{self.expr(e.index)}]", POSTFIX_PREC

    def expr_Member(self, e: ir.Member):
        if isinstance(e.base, ir.Deref) and isinstance(e.base.type, Struct):
            return f"{self.expr(e.base.operand, POSTFIX_PREC)}->{e.field}", POSTFIX_PREC
        return f"{self.expr(e.base, POSTFIX_PREC)}.{e.field}", POSTFIX_PREC

    def expr_MethodCall(self, e: ir.MethodCall):
        args = ", ".join(self.expr(a) for a in e.args)
        return f"{self.expr(e.obj, POSTFIX_PREC)}.{e.method}({args})", POSTFIX_PREC

    def expr_Call(self, e: ir.Call):
        targs = f"<{', '.join(self.expr(a) for a in e.template_args)}>" if e.template_args else ""
        return f"{e.callee}{targs}({', '.join(self.expr(a) for a in e.args)})", POSTFIX_PREC

    def expr_AddressOf(self, e: ir.AddressOf):
        return "&" + self.expr(e.operand, UNARY_PREC), UNARY_PREC

    def expr_Deref(self, e: ir.Deref):
        return "*" + self.expr(e.operand, UNARY_PREC), UNARY_PREC

    def expr_SizeOf(self, e: ir.SizeOf):
        return f"sizeof({self.type(e.of)})", POSTFIX_PREC

    def expr_InitList(self, e: ir.InitList):
        return "{" + ", ".join(self.expr(x) for x in e.items) + "}", 99


def print_module(m: ir.Module) -> str:
    return Printer().module(m)
