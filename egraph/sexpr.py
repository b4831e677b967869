"""A small reader for egglog's s-expression text that keeps line numbers and annotations.

egglog itself parses and runs rule files; this reader serves the tools around them: finding each
rule's file:line and name, the `;; @mark` annotations written above a rule, and the patterns
`xpiler rules check` verifies.
"""
from __future__ import annotations

from dataclasses import dataclass, field


class Sym(str):
    """A symbol (variable, constructor or keyword)."""


class Lit(str):
    """A string literal (already unescaped)."""


class SList(list):
    """A parenthesised form; `line` is 1-based, `start`/`end` are character offsets."""
    line: int = 0
    start: int = 0
    end: int = 0
    notes: tuple = ()


@dataclass
class SexprError(Exception):
    filename: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.filename}:{self.line}: {self.message}"


@dataclass
class _Reader:
    text: str
    filename: str
    pos: int = 0
    line: int = 1
    pending: list = field(default_factory=list)      # annotation comments before the next form

    def skip(self) -> None:
        t = self.text
        while self.pos < len(t):
            c = t[self.pos]
            if c == "\n":
                self.line += 1
                self.pos += 1
            elif c.isspace():
                self.pos += 1
            elif c == ";":
                end = t.find("\n", self.pos)
                end = len(t) if end < 0 else end
                comment = t[self.pos:end].lstrip(";").strip()
                if comment.startswith("@"):
                    self.pending.append(comment[1:].strip())
                self.pos = end
            else:
                break

    def form(self):
        self.skip()
        if self.pos >= len(self.text):
            raise SexprError(self.filename, self.line, "unexpected end of file")
        c = self.text[self.pos]
        if c == "(":
            out = SList()
            out.line, out.start = self.line, self.pos
            out.notes = tuple(self.pending)
            self.pending = []
            self.pos += 1
            while True:
                self.skip()
                if self.pos >= len(self.text):
                    raise SexprError(self.filename, out.line, "unclosed parenthesis")
                if self.text[self.pos] == ")":
                    self.pos += 1
                    out.end = self.pos
                    return out
                out.append(self.form())
        if c == ")":
            raise SexprError(self.filename, self.line, "unexpected ')'")
        if c == '"':
            return self.string()
        start = self.pos
        while self.pos < len(self.text) and not self.text[self.pos].isspace() and self.text[self.pos] not in '();"':
            self.pos += 1
        return _atom(self.text[start:self.pos])

    def string(self) -> Lit:
        out = []
        self.pos += 1
        escapes = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
        while self.pos < len(self.text):
            c = self.text[self.pos]
            if c == '"':
                self.pos += 1
                return Lit("".join(out))
            if c == "\\" and self.pos + 1 < len(self.text):
                out.append(escapes.get(self.text[self.pos + 1], self.text[self.pos + 1]))
                self.pos += 2
                continue
            if c == "\n":
                self.line += 1
            out.append(c)
            self.pos += 1
        raise SexprError(self.filename, self.line, "unterminated string")


def _atom(text: str):
    try:
        return int(text)
    except ValueError:
        pass
    if any(ch.isdigit() for ch in text) and (text[0].isdigit() or text[0] in "+-."):
        try:
            return float(text)
        except ValueError:
            pass
    if text in ("inf", "-inf", "NaN"):
        return float(text.replace("NaN", "nan"))
    return Sym(text)


def read_all(text: str, filename: str = "<input>") -> list:
    """Every top-level form of `text`."""
    r = _Reader(text, filename)
    forms = []
    while True:
        r.skip()
        if r.pos >= len(text):
            return forms
        forms.append(r.form())


def keywords(form: SList, start: int) -> dict:
    """`:key value` pairs from position `start` of a form."""
    out = {}
    i = start
    while i < len(form):
        item = form[i]
        if isinstance(item, Sym) and item.startswith(":") and i + 1 < len(form):
            out[str(item)] = form[i + 1]
            i += 2
        else:
            i += 1
    return out


def show(x) -> str:
    """egglog text of a read form."""
    if isinstance(x, SList):
        return "(" + " ".join(show(i) for i in x) + ")"
    if isinstance(x, Lit):
        from .terms import literal
        return literal(str(x))
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, float):
        from .terms import literal
        return literal(x)
    return str(x)
