"""Package re-exports that load on first use (PEP 562 module ``__getattr__``).

A package's ``__init__`` names what it exports and the private module defining each; the
module is imported when a name is first read, so importing the package (for one cheap name,
or for a subpackage) does not import the heavy dependencies of the others.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, where: Mapping[str, str]) -> Callable[[str], Any]:
    """The ``__getattr__`` of ``package``: ``name`` is read from its submodule ``where[name]``
    (e.g. ``"_chain"``) on first access and kept in the package for the next one."""

    def load(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{where[name]}"), name)
        setattr(sys.modules[package], name, value)
        return value

    return load
