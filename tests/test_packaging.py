"""`pip install .` ships everything: a wheel built from a copy of the tree holds every package of
the source tree (each folder with an __init__.py, under its installed name) with all its modules,
and every data file the packages read at run time (grammar, catalog, headers, rules, targets)."""
import importlib.util
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PACKAGE_DIR = PYPROJECT["tool"]["setuptools"]["package-dir"]       # installed name -> folder


def expected_files() -> dict[str, Path]:
    """Installed path -> source file, for every file under the mapped folders (bytecode aside)."""
    out = {}
    for name, folder in PACKAGE_DIR.items():
        base = ROOT / folder
        for path in base.rglob("*"):
            rel = path.relative_to(base)
            if not path.is_file() or "__pycache__" in rel.parts or path.suffix in (".pyc", ".gch"):
                continue
            # a subfolder that is its own mapped package is checked under that name
            if any((base / part).resolve() == (ROOT / f).resolve() for part in rel.parts[:1]
                   for n, f in PACKAGE_DIR.items() if n != name and n.startswith(name + ".")):
                continue
            out["/".join(name.split(".") + list(rel.parts))] = path
    return out


def _can_build_wheels() -> bool:
    if importlib.util.find_spec("setuptools") is None:
        return False
    import setuptools
    version = tuple(int(x) for x in setuptools.__version__.split(".")[:2] if x.isdigit())
    return version >= (70, 1) or importlib.util.find_spec("wheel") is not None


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    if not _can_build_wheels():
        pytest.skip("building a wheel offline needs setuptools >= 70.1 (or setuptools and wheel)")
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", "dist")
    for f in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / f, src / f)
    for folder in set(PACKAGE_DIR.values()):
        shutil.copytree(ROOT / folder, src / folder, ignore=ignore)
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "--no-index", "-q", str(src), "-w", str(tmp / "dist")],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    (path,) = (tmp / "dist").glob("xpiler-*.whl")
    return zipfile.ZipFile(path)


def test_every_package_ships(wheel):
    names = set(wheel.namelist())
    packages = {"/".join(name.split(".")) for name in PACKAGE_DIR}
    for name, folder in PACKAGE_DIR.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder)
            packages.add("/".join(name.split(".") + list(rel.parts)))
    missing = sorted(p for p in packages if f"{p}/__init__.py" not in names)
    assert not missing, f"packages missing from the wheel: {missing} (add them to pyproject.toml)"


def test_every_module_and_data_file_ships(wheel):
    names = set(wheel.namelist())
    files = expected_files()
    missing = sorted(f for f in files if f not in names)
    assert not missing, f"files missing from the wheel: {missing[:20]} (packages or package-data " \
                        f"in pyproject.toml)"
    for kind in ("xpiler/grammar/c_core.lark", "xpiler/catalog/math.toml", "xpiler/oracle/include/bang.h",
                 "xpiler/rules/common/index.egg", "xpiler/egraph/prelude.egg",
                 "xpiler/interp/intrinsics/math.py"):
        assert kind in names, kind
