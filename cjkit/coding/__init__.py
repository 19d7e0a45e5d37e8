"""coding step of the cjkit flow.

The composition and industry helpers are reachable from here without importing the coder
at package import time (PEP 562): ``from cjkit.coding import propose_industry``.
"""
_LAZY = {"propose_industry": "cjkit.coding.industry", "compose_codebooks": "cjkit.coding.codebook",
         "list_codebooks": "cjkit.coding.codebook", "industries": "cjkit.coding.codebook"}


def __getattr__(name):
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'cjkit.coding' has no attribute {name!r}")
