"""Translation of the wild set (tests/wild: kernels nobody on the team wrote for xpiler) in every
direction: translated, compiles, correct (numpy reference, in the interpreter and natively),
self-verified, tracebacks, median and p95 seconds. See bench/translations.py for each column.

Run: python bench/wild.py [--directions cuda:hip,...] [--examples 3] [--jobs 2] [--json FILE]
"""
from translations import main

from tests.corpus_support import wild

if __name__ == "__main__":
    main("bench/wild.py (tests/wild)", wild)
