"""The preprocessor: #define (object- and function-like), #include, #pragma, #if and friends.

Written here rather than taken from pcpp because it works on tokens that keep their source
positions: a token produced by a macro keeps a link to the use site, so a diagnostic points at
the line the user wrote. `#include` is recognised and recorded, never expanded (platform headers
are modelled by xpiler itself); `#pragma` lines become `Pragma` items for the parser.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from xpiler.diagnostics import Span, XpilerError

from .lexer import Directive, Tok


@dataclass(frozen=True, slots=True)
class Macro:
    name: str
    params: tuple[str, ...] | None      # None: object-like
    body: tuple[Tok, ...]
    variadic: bool = False


@dataclass(slots=True)
class Pragma:
    text: str
    span: Span


@dataclass
class Preprocessed:
    tokens: list            # Tok and Pragma, in order
    includes: list[tuple[str, Span]] = field(default_factory=list)
    macros: dict[str, Macro] = field(default_factory=dict)


def preprocess(items: list, predefined: dict[str, str] | None = None) -> Preprocessed:
    """Run directives and expand macros; returns the token stream the parser reads."""
    result = Preprocessed([])
    macros = result.macros
    for name, value in (predefined or {}).items():
        macros[name] = Macro(name, None, (Tok("num", value, 0, 0),))
    # stack of (taking, seen_true, in_else) for #if nesting
    cond: list[list[bool]] = []
    active = True
    pending: list[Tok] = []

    def flush():
        if pending:
            result.tokens.extend(_expand(pending, macros))
            pending.clear()

    for item in items:
        if isinstance(item, Tok):
            if active:
                pending.append(item)
            continue
        d: Directive = item
        name = d.name
        if name in ("if", "ifdef", "ifndef"):
            if not active:
                cond.append([False, True, False, d.span])
            else:
                flush()
                value = _condition(d, macros)
                cond.append([value, value, False, d.span])
        elif name in ("elif", "else"):
            if not cond:
                raise XpilerError(d.span, f"#{name} without #if")
            top = cond[-1]
            parent_active = all(c[0] for c in cond[:-1])
            if top[2]:
                raise XpilerError(d.span, f"#{name} after #else")
            if name == "else":
                top[2] = True
                top[0] = parent_active and not top[1]
            else:
                take = parent_active and not top[1] and _condition(d, macros)
                top[0] = take
            top[1] = top[1] or top[0]
        elif name == "endif":
            if not cond:
                raise XpilerError(d.span, "#endif without #if")
            cond.pop()
        elif not active:
            pass
        elif name == "define":
            flush()
            macro = _define(d)
            macros[macro.name] = macro
        elif name == "undef":
            flush()
            if d.tokens:
                macros.pop(d.tokens[0].text, None)
        elif name == "include":
            result.includes.append((d.text, d.span))
        elif name == "pragma":
            flush()
            result.tokens.append(Pragma(d.text, d.span))
        elif name == "error":
            raise XpilerError(d.span, f"#error {d.text}")
        elif name in ("", "line", "warning", "ident"):
            pass
        else:
            raise XpilerError(d.span, f"unknown preprocessor directive #{name}")
        active = all(c[0] for c in cond)
    if cond:
        raise XpilerError(cond[-1][3], "unterminated #if")
    flush()
    return result


def _define(d: Directive) -> Macro:
    toks = d.tokens
    if not toks or toks[0].kind != "id":
        raise XpilerError(d.span, "#define needs a macro name")
    name = toks[0]
    # function-like only when '(' follows the name with no space
    if len(toks) > 1 and toks[1].text == "(" and toks[1].line == name.line \
            and toks[1].col == name.col + len(name.text):
        params: list[str] = []
        variadic = False
        i = 2
        while i < len(toks) and toks[i].text != ")":
            t = toks[i]
            if t.text == "...":
                variadic = True
                params.append("__VA_ARGS__")
            elif t.kind == "id":
                params.append(t.text)
            elif t.text != ",":
                raise XpilerError(t.span, f"unexpected {t.text!r} in macro parameter list")
            i += 1
        if i >= len(toks):
            raise XpilerError(name.span, "unterminated macro parameter list")
        return Macro(name.text, tuple(params), tuple(toks[i + 1:]), variadic)
    return Macro(name.text, None, tuple(toks[1:]))


def _expand(tokens: list[Tok], macros: dict[str, Macro]) -> list[Tok]:
    """Expand macros in `tokens` (a simplified hide-set algorithm, as in C's rescanning)."""
    out: list[Tok] = []
    work = list(reversed(tokens))
    while work:
        t = work.pop()
        m = macros.get(t.text) if t.kind == "id" else None
        if m is None and t.kind == "id" and t.text in POSITION_MACROS:
            out.append(_position(t))
            continue
        if m is None and t.text == "assert" and "NDEBUG" in macros and work and work[-1].text == "(":
            work.pop()                  # <assert.h> with NDEBUG: assert(e) is ((void)0), e unevaluated
            _collect_args(work, t)
            out.extend(Tok(k, x, t.line, t.col, t.file, t.hide, t.origin) for k, x in
                       (("punct", "("), ("punct", "("), ("id", "void"), ("punct", ")"), ("num", "0"),
                        ("punct", ")")))
            continue
        if m is None or m.name in t.hide:
            out.append(t)
            continue
        use = t.origin or t
        if m.params is None:
            body = [_copy(b, use, t.hide | {m.name}) for b in m.body]
            work.extend(reversed(body))
            continue
        # function-like: needs '(' next
        if not work or work[-1].text != "(":
            out.append(t)
            continue
        work.pop()
        args, closing = _collect_args(work, t)
        if len(m.params) == 0 and args == [[]]:
            args = []
        if not m.variadic and len(args) != len(m.params):
            raise XpilerError(t.span, f"macro {m.name} takes {len(m.params)} argument(s), "
                                      f"{len(args)} given")
        if m.variadic:
            fixed = len(m.params) - 1
            rest = args[fixed:]
            joined: list[Tok] = []
            for k, a in enumerate(rest):
                if k:
                    joined.append(Tok("punct", ",", t.line, t.col, t.file))
                joined.extend(a)
            args = args[:fixed] + [joined]
        hide = (t.hide & closing.hide) | {m.name}
        body = _substitute(m, args, macros, use, hide)
        work.extend(reversed(body))
    return out


# Macros the preprocessor defines itself (C11 6.10.8.1): the file name as the user gave it and the
# line of the expansion site (a macro's body sees the line where the macro is used).
POSITION_MACROS = frozenset({"__FILE__", "__LINE__"})


def _position(t: Tok) -> Tok:
    if t.text == "__LINE__":
        return Tok("num", str(t.line), t.line, t.col, t.file, t.hide, t.origin)
    name = t.file.name if t.file is not None else "<input>"
    text = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return Tok("str", text, t.line, t.col, t.file, t.hide, t.origin)


def _collect_args(work: list[Tok], name: Tok) -> tuple[list[list[Tok]], Tok]:
    args: list[list[Tok]] = [[]]
    depth = 0
    while work:
        t = work.pop()
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            if depth == 0:
                return args, t
            depth -= 1
        elif t.text == "," and depth == 0:
            args.append([])
            continue
        args[-1].append(t)
    raise XpilerError(name.span, f"unterminated call of macro {name.text}")


def _substitute(m: Macro, args: list[list[Tok]], macros, use: Tok, hide: frozenset) -> list[Tok]:
    index = {p: i for i, p in enumerate(m.params or ())}
    body = list(m.body)
    out: list[Tok] = []
    i = 0
    while i < len(body):
        b = body[i]
        if b.text == "#" and i + 1 < len(body) and body[i + 1].text in index:
            arg = args[index[body[i + 1].text]]
            text = " ".join(a.text for a in arg).replace("\\", "\\\\").replace('"', '\\"')
            out.append(Tok("str", f'"{text}"', use.line, use.col, use.file, hide, use))
            i += 2
            continue
        if i + 1 < len(body) and body[i + 1].text == "##" and i + 2 < len(body):
            left = args[index[b.text]] if b.text in index else [b]
            right_tok = body[i + 2]
            right = args[index[right_tok.text]] if right_tok.text in index else [right_tok]
            pasted = (left[-1].text if left else "") + (right[0].text if right else "")
            merged = [*left[:-1], Tok("id" if pasted[:1].isalpha() or pasted[:1] == "_" else "num",
                                      pasted, use.line, use.col, use.file), *right[1:]]
            out.extend(_copy(x, use, hide) for x in merged)
            i += 3
            continue
        if b.text in index:
            out.extend(_copy(x, use, hide | x.hide) for x in _expand(args[index[b.text]], macros))
        else:
            out.append(_copy(b, use, hide))
        i += 1
    return out


def _copy(t: Tok, use: Tok, hide: frozenset) -> Tok:
    """A token placed at the macro's use site (so diagnostics point where the user wrote it)."""
    origin = t.origin or use
    return Tok(t.kind, t.text, origin.line, origin.col, origin.file, hide, origin)


def _condition(d: Directive, macros: dict[str, Macro]) -> bool:
    if d.name in ("ifdef", "ifndef"):
        found = bool(d.tokens) and (d.tokens[0].text in macros or d.tokens[0].text in POSITION_MACROS)
        return found if d.name == "ifdef" else not found
    # replace defined(X) / defined X before expansion
    toks: list[Tok] = []
    i = 0
    src = d.tokens
    while i < len(src):
        t = src[i]
        if t.text == "defined":
            if i + 1 < len(src) and src[i + 1].text == "(":
                name = src[i + 2].text if i + 2 < len(src) else ""
                i += 4
            else:
                name = src[i + 1].text if i + 1 < len(src) else ""
                i += 2
            defined = name in macros or name in POSITION_MACROS
            toks.append(Tok("num", "1" if defined else "0", t.line, t.col, t.file))
            continue
        toks.append(t)
        i += 1
    expr = []
    for t in _expand(toks, macros):
        if t.kind == "id":
            expr.append("0")                      # unknown identifiers are 0, as in C
        elif t.kind == "num":
            expr.append(t.text.rstrip("uUlL"))
        else:
            expr.append({"&&": " and ", "||": " or ", "!": " not ", "/": "//"}.get(t.text, t.text))
    text = " ".join(expr)
    try:
        return bool(eval(text, {"__builtins__": {}}, {}))  # noqa: S307 - integers and operators only
    except Exception:
        raise XpilerError(d.span, f"cannot evaluate #{d.name} condition: {d.text}") from None
