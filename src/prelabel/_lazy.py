"""Import heavy dependencies on first use, so ``import prelabel`` stays fast.

numpy costs more to import than the rest of prelabel together, and reading a config or
validating a file of dicts never needs it. Modules write::

    if TYPE_CHECKING:
        import numpy as np
    else:
        np = lazy_module("numpy")

so mypy sees the real module and the import happens at the first ``np.<name>``.
"""

from __future__ import annotations

import importlib
import types
from typing import Any

__all__ = ["lazy_module"]


class _LazyModule(types.ModuleType):
    """A stand-in that imports the real module on first attribute access, then mirrors it."""

    def __getattr__(self, attribute: str) -> Any:
        module = importlib.import_module(self.__name__)
        # Copy the real namespace so later lookups hit the instance dict, never this method.
        self.__dict__.update(module.__dict__)
        return getattr(module, attribute)


def lazy_module(name: str) -> Any:
    """A module object for ``name`` that is imported when first used.

    >>> math = lazy_module("math")
    >>> math.sqrt(4.0)
    2.0
    """
    return _LazyModule(name)
