"""One description per intrinsic: every catalog entry has executable semantics in the
interpreter, every implementation has a catalog entry, and every signature parses."""
from xpiler.intrinsics import catalog, spelled_type
from xpiler.interp import intrinsics


def test_every_catalog_entry_has_semantics():
    missing = [name for name in catalog() if intrinsics.lookup(name) is None]
    assert missing == []


def test_every_implementation_is_in_the_catalog():
    intrinsics._load()
    extra = [n for n in intrinsics.REGISTRY if n not in catalog() and not n.startswith("std::")]
    assert extra == []


def test_signatures_name_known_types():
    unknown = []
    for name, entry in catalog().items():
        if entry.ret != "T" and spelled_type(entry.ret) is None:
            unknown.append((name, entry.ret))
    assert unknown == []
