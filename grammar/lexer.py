"""Tokenizer for the C/C++ subset kernels use, with positions kept for diagnostics.

Produces `Tok`s; preprocessor directives come out as one `Directive` each (its own tokens
inside), so that the preprocessor can work on tokens and every token keeps the line and column
where the user wrote it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from xpiler.diagnostics import SourceFile, Span, XpilerError


@dataclass(slots=True)
class Tok:
    kind: str            # "id", "num", "str", "char", "punct"
    text: str
    line: int
    col: int
    file: SourceFile | None = field(default=None, repr=False)
    # the macro names this token came out of (no re-expansion inside them)
    hide: frozenset = field(default_factory=frozenset, repr=False)
    # set when the token came from a macro expansion: where the macro was used
    origin: "Tok | None" = field(default=None, repr=False)

    @property
    def span(self) -> Span:
        return Span(self.file, self.line, self.col, len(self.text))


@dataclass(slots=True)
class Directive:
    name: str            # "define", "include", "pragma", "if", ...
    tokens: list[Tok]    # the tokens after the directive name
    line: int
    col: int
    file: SourceFile | None = field(repr=False)
    text: str            # the raw text after the directive name (for #include, #pragma)

    @property
    def span(self) -> Span:
        return Span(self.file, self.line, self.col, len(self.name) + 1)


PUNCTUATORS = sorted("""
<<< >>> <<= >>= ... -> ++ -- << >> <= >= == != && || += -= *= /= %= &= |= ^= ::
{ } [ ] ( ) ; , . ? : + - * / % & | ^ ~ ! = < > #
""".split(), key=len, reverse=True)

_TOKEN = re.compile(r"""
    (?P<ws>[ \t\r\f\v]+)
  | (?P<nl>\n)
  | (?P<splice>\\\n)
  | (?P<lcomment>//[^\n]*)
  | (?P<bcomment>/\*.*?\*/)
  | (?P<num>(?:0[xX](?:[0-9a-fA-F]*\.[0-9a-fA-F]*|[0-9a-fA-F]+)[pP][+-]?\d+[fFlL]?)
           |(?:0[xX][0-9a-fA-F]+[uUlL]*)
           |(?:(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?[fFlLuU]*))
  | (?P<id>[A-Za-z_]\w*)
  | (?P<str>"(?:[^"\\\n]|\\.)*")
  | (?P<char>'(?:[^'\\\n]|\\.)+')
  | (?P<punct>""" + "|".join(re.escape(p) for p in PUNCTUATORS) + r""")
""", re.VERBOSE | re.DOTALL)


def tokenize(file: SourceFile) -> list[Tok | Directive]:
    """Split a file into tokens and directives; comments and whitespace are dropped."""
    text = file.text
    out: list[Tok | Directive] = []
    pos, line, line_start = 0, 1, 0
    at_line_start = True
    directive: list | None = None        # [name_tok_or_None, hash_line, hash_col, tokens, raw_start]
    n = len(text)
    while pos < n:
        m = _TOKEN.match(text, pos)
        if m is None:
            col = pos - line_start + 1
            raise XpilerError(Span(file, line, col, 1), f"unexpected character {text[pos]!r}")
        kind = m.lastgroup
        value = m.group()
        col = pos - line_start + 1
        if kind == "nl":
            if directive is not None:
                out.append(_finish_directive(directive, file, text, pos))
                directive = None
            line += 1
            line_start = m.end()
            at_line_start = True
            pos = m.end()
            continue
        if kind in ("splice", "bcomment", "lcomment", "ws"):
            newlines = value.count("\n")
            if newlines:
                line += newlines
                line_start = pos + value.rfind("\n") + 1
            pos = m.end()
            continue
        if kind == "punct" and value == "#" and at_line_start and directive is None:
            directive = [None, line, col, [], None]
            at_line_start = False
            pos = m.end()
            continue
        at_line_start = False
        tok = Tok(kind, value, line, col, file)
        if directive is not None:
            if directive[0] is None:
                directive[0] = tok
                directive[4] = m.end()
            else:
                directive[3].append(tok)
        else:
            out.append(tok)
        pos = m.end()
    if directive is not None:
        out.append(_finish_directive(directive, file, text, n))
    return out


def _finish_directive(d: list, file: SourceFile, text: str, end: int) -> Directive:
    name_tok, line, col, toks, raw_start = d
    if name_tok is None:                      # a lone '#' line: the null directive
        return Directive("", [], line, col, file, "")
    raw = text[raw_start:end].replace("\\\n", " ").strip()
    raw = re.sub(r"//[^\n]*$", "", raw).strip()
    return Directive(name_tok.text, toks, line, col, file, raw)
