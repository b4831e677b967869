"""The e-graph core: IR <-> egglog terms, facts, saturation, extraction, rule checking.

terms.py (encoding) and prelude.py (egraph/prelude.egg from the IR classes); facts.py (analyses
that assert side conditions); rulefiles.py (rule folders); saturate.py (limits and report);
cost.py + targets/*.toml and extract.py (extraction); rulespec.py, check_z3.py, check_eval.py,
check_interp.py, rules_check.py (`xpiler rules check`); cli.py (`saturate`, `rules`).
"""
