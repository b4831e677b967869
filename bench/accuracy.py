"""Translation accuracy over the corpus (tests/corpus): every kernel to the three other
interfaces. See bench/translations.py for each column (the same table as bench/wild.py).

Run: python bench/accuracy.py [--directions cuda:vnni,hip:bang] [--examples 3] [--jobs 2] [--json FILE]
"""
from translations import main

from tests.corpus_support import corpus

if __name__ == "__main__":
    main("bench/accuracy.py (tests/corpus)", corpus)
