"""`xpiler translate`: parse -> lift -> emit -> verify -> write (with a verification header).

The checks of an output (oracle/verify.py) are recorded in its header; `--strict` refuses to
write unless every check that could run passed and the differential test ran at least once.
"""
from __future__ import annotations

import dataclasses
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path


from xpiler import __version__, ir
from xpiler.diagnostics import XpilerError
from xpiler.irutil import walk

from xpiler.oracle.verify import EXTENSIONS, NATIVE, Check, verify_translation  # noqa: F401 (API)


@dataclass
class Translation:
    source: str
    source_platform: ir.Platform
    target: ir.Platform
    text: str
    checks: list[Check] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)     # how the output was shaped (header lines)

    @property
    def verified(self) -> bool:
        ran_diff = any(c.name.startswith("interpreter") and c.status == "pass" for c in self.checks)
        return ran_diff and not any(c.status == "fail" for c in self.checks)

    def header(self) -> str:
        lines = [f"Translated by xpiler {__version__} from {self.source_platform.value} "
                 f"({Path(self.source).name}) to {self.target.value}.",
                 "Verification:" if self.verified else "NOT VERIFIED. Checks:"]
        lines += ["  " + c.line() for c in self.checks]
        lines += ["  note: " + n for n in self.notes]
        return "\n".join(("// " + line).rstrip() for line in lines) + "\n"

    def output(self) -> str:
        return self.header() + self.text


def translate(src: str | Path, to: str, source_platform: str | None = None, examples: int = 5,
              sizes: dict | None = None, seed: int = 0, verify: bool = True,
              extents: dict[str, str] | None = None, entry: str | None = None,
              launch: str | None = None) -> Translation:
    """`extents`: parameter name -> C expression of the integer parameters giving how many
    elements the caller passes (`--extent`); others are derived by probing where needed.
    `entry`, `launch`: the kernel of a device-only file and how its caller launches it
    (xpiler/launch.py; default: the platform's convention or the kernel's own bounds)."""
    from xpiler.emit import emit
    from xpiler.grammar import parse_file
    from xpiler.launch import runnable
    from xpiler.lift import lift
    start = time.perf_counter()
    target = ir.PLATFORM_ALIASES.get(to.lower())
    if target is None:
        raise XpilerError(None, f"unknown target '{to}' (use cuda, hip, bang or vnni)")
    module, entry, notes = runnable(parse_file(src, source_platform), entry, launch)
    if entry is not None:
        module = _only_entry(module, entry)
    canonical = lift(module)
    if module.platform is ir.Platform.VNNI:            # loops bound parallel by analysis, and why
        from xpiler.lift.vnni import parallel_notes
        notes = notes + parallel_notes(module)
    used_extents: dict[str, ir.Expr] = {}
    from xpiler.oracle.differential import Program
    source = Program(module, entry_of_module(module), str(src))     # (its runs serve both uses)
    if target is not ir.Platform.VNNI:
        given = parse_extents(extents or {}, entry_of_module(module), str(src))
        canonical = stage_for_device(module, canonical, target, seed, used_extents, given, source)
    text = emit(canonical, target)
    if module.platform is ir.Platform.VNNI and target is not ir.Platform.VNNI:
        from xpiler.emit import entry_alias
        source_entry = entry_of_module(module)
        if module.function(f"{source_entry.name}_kernel") is None:
            text += entry_alias(source_entry)
    result = Translation(str(src), module.platform, target, text, notes=notes)
    if verify:
        result.checks = verify_translation(module, text, target, str(src), examples, sizes, seed, used_extents,
                                           source=source)
    result.seconds = time.perf_counter() - start
    return result


def _only_entry(module: ir.Module, entry: str) -> ir.Module:
    """`module` with `entry` the only host function that launches (the one translated)."""
    from xpiler.oracle.differential import entry_of
    entry_of(module, entry)                      # exists?
    keep = [f for f in module.functions if f.kind is not ir.FuncKind.HOST or f.name == entry
            or not any(isinstance(n, ir.Launch) for n in walk(f.body))]
    return dataclasses.replace(module, functions=tuple(keep))


def entry_of_module(module: ir.Module) -> ir.Function:
    from xpiler.oracle.differential import entry_of
    return entry_of(module)


def parse_extents(given: dict[str, str], entry: ir.Function, src: str) -> dict[str, ir.Expr]:
    """`--extent NAME=EXPR` texts -> expressions over the entry's integer parameters."""
    from xpiler.grammar import parse
    from xpiler.types import Pointer, Scalar
    pointers = [p.name for p in entry.params if isinstance(p.type, Pointer)]
    ints = [p for p in entry.params if isinstance(p.type, Scalar) and p.type.dtype.is_int]
    out = {}
    for name, text in given.items():
        if name not in pointers:
            raise XpilerError(None, f"--extent {name}={text}: '{entry.name}' has no pointer parameter '{name}' "
                                    f"(pointer parameters: {', '.join(pointers) or 'none'})")
        params = ", ".join(f"{p.type.c()} {p.name}" for p in ints)
        snippet = f"long long __extent({params}) {{ return (long long)({text}); }}\n"
        try:
            fn = parse(snippet, f"--extent {name}", "vnni").functions[0]
        except XpilerError as e:
            raise XpilerError(None, f"--extent {name}={text}: {e.message} (use the integer parameters: "
                                    f"{', '.join(p.name for p in ints) or 'none'})") from None
        ret = fn.body.stmts[-1]
        if not isinstance(ret, ir.Return) or any(isinstance(n, (ir.Call, ir.Index, ir.Deref)) for n in walk(ret)):
            raise XpilerError(None, f"--extent {name}={text}: not an arithmetic expression of the integer parameters")
        out[name] = ret.value
    return out


def stage_for_device(module: ir.Module, canonical: ir.Module, target: ir.Platform, seed: int,
                     extents: dict[str, ir.Expr], given: dict[str, ir.Expr] | None = None,
                     source=None) -> ir.Module:
    """Give the host arrays the canonical kernels use scratch copies (emit/staging.py), with the
    extents of pointer parameters synthesized from interpreter runs of the source (oracle/extents.py);
    the extents used are added to `extents`, keyed by the source's parameter names."""
    from xpiler.emit.staging import stage_host_arrays
    from xpiler.oracle.differential import Program, entry_of
    from xpiler.oracle.extents import infer_extents
    from xpiler.types import Pointer
    cache: dict[str, ir.Expr] | None = None
    module_params = [p.name for p in entry_of(module).params]

    entry = next((f for f in canonical.functions if f.extern_c and f.body is not None), None)

    def extent_of(name: str):
        nonlocal cache
        if given and name in given:
            extents[name] = given[name]
            return given[name]
        if cache is None:
            program = source or Program(module, entry_of(module), module.filename or "source")
            pointers = [p.name for p in entry.params if isinstance(p.type, Pointer)]
            cache = infer_extents(program, entry, pointers, seed)
        if name in cache:
            position = [p.name for p in entry.params].index(name)
            extents[module_params[position]] = cache[name]
        return cache.get(name)
    return stage_host_arrays(canonical, extent_of, target.value, set(given or ()),
                             serial_to_device=module.platform is ir.Platform.VNNI)


def write_atomically(path: str | Path, text: str) -> None:
    """Write `text` to `path` so that no reader sees half a file: to a temporary file beside it,
    then renamed over it (keeping the old file's permissions). Only a regular file is replaced:
    a device, FIFO or socket (`-o /dev/null`, `-o >(...)`) is written to directly, and a
    symbolic link is followed, so the link stays a link."""
    import stat
    path = Path(path)
    try:
        try:
            mode = os.stat(path).st_mode                    # follows symbolic links
        except FileNotFoundError:
            mode = None
        if mode is not None and not stat.S_ISREG(mode):
            with open(path, "w") as fh:
                fh.write(text)
            return
        if path.is_symlink():
            path = Path(os.path.realpath(path))
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent or ".")
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(text)
            os.chmod(tmp, stat.S_IMODE(mode))
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
    except OSError as e:
        raise XpilerError(None, f"cannot write {path}: {e.strerror or e}") from None
