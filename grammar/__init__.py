"""The front end: preprocess, parse (Lark, LALR) and build the typed Kernel IR."""
from __future__ import annotations

from pathlib import Path

from xpiler import ir
from xpiler.diagnostics import XpilerError

from .build import build_module
from .parser import parse_tree


def platform_of(path: str | Path, override: str | None = None) -> ir.Platform:
    """The interface of a file: `--from` if given, else from the extension."""
    if override:
        try:
            return ir.PLATFORM_ALIASES[override.lower()]
        except KeyError:
            raise XpilerError(None, f"unknown platform '{override}' "
                                    f"(use one of {', '.join(sorted(ir.PLATFORM_ALIASES))})") from None
    suffix = Path(path).suffix.lower()
    if suffix not in ir.EXTENSIONS:
        raise XpilerError(None, f"{path}: cannot tell the platform from the extension '{suffix}'; "
                                f"use --from")
    return ir.EXTENSIONS[suffix]


def parse(text: str, filename: str = "<input>", platform: ir.Platform | str | None = None) -> ir.Module:
    """Source text -> Kernel IR module. Raises XpilerError (with position) on bad input."""
    if not isinstance(platform, ir.Platform):
        platform = platform_of(filename, platform)
    return build_module(parse_tree(text, filename, platform.value), platform)


def parse_file(path: str | Path, platform: str | None = None) -> ir.Module:
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as e:
        raise XpilerError(None, f"cannot read {path}: {e.strerror}") from None
    except UnicodeDecodeError:
        raise XpilerError(None, f"{path}: not a text file (UTF-8 expected)") from None
    return parse(text, str(path), platform_of(path, platform))
