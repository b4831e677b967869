"""Source positions and the one exception type for user errors.

Every user-facing error is an `XpilerError` carrying a `Span`; the CLI catches it once and prints
`file:line:col: error: message`, the source line and a caret, then exits non-zero.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file's name and text; spans point into it."""
    name: str
    text: str

    def line_text(self, line: int) -> str:
        lines = self.text.splitlines()
        return lines[line - 1] if 0 < line <= len(lines) else ""


@dataclass(frozen=True, slots=True)
class Span:
    """A position (1-based line and column) and a length in one source file."""
    file: SourceFile | None
    line: int
    col: int
    length: int = 1

    @property
    def filename(self) -> str:
        return self.file.name if self.file else "<input>"

    def __repr__(self) -> str:
        return f"{self.filename}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class Note:
    span: Span | None
    message: str


def render(span: Span | None, severity: str, message: str) -> str:
    """`file:line:col: severity: message`, the source line and a caret under the span."""
    if span is None:
        return f"xpiler: {severity}: {message}"
    head = f"{span.filename}:{span.line}:{span.col}: {severity}: {message}"
    source = span.file.line_text(span.line) if span.file else ""
    if not source:
        return head
    source = source.expandtabs(1)
    width = max(1, min(span.length, len(source) - span.col + 1))
    caret = " " * (span.col - 1) + "^" + "~" * (width - 1)
    return f"{head}\n{source}\n{caret}"


class XpilerError(Exception):
    """A user error: bad input, an unsupported construct, an impossible request."""

    def __init__(self, span: Span | None, message: str, notes: list[Note] | None = None):
        super().__init__(message)
        self.span = span
        self.message = message
        self.notes = list(notes or [])

    def render(self) -> str:
        parts = [render(self.span, "error", self.message)]
        parts += [render(n.span, "note", n.message) for n in self.notes]
        return "\n".join(parts)

    def __str__(self) -> str:
        return self.render()


def not_supported(span: Span | None, construct: str) -> XpilerError:
    return XpilerError(span, f"not supported: {construct}")


@dataclass
class Diagnostics:
    """Warnings collected during a run (errors are raised, not collected)."""
    warnings: list[tuple[Span | None, str]] = field(default_factory=list)

    def warn(self, span: Span | None, message: str) -> None:
        self.warnings.append((span, message))

    def render(self) -> str:
        return "\n".join(render(s, "warning", m) for s, m in self.warnings)
