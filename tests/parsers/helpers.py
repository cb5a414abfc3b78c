"""What the grok library tests share: comparing a pattern's captures with a spec's."""

from __future__ import annotations

from typing import Any


def subset(expected: Any, actual: Any) -> Any:
    """``actual`` cut down to the keys ``expected`` names (nested), so ``==`` checks a subset;
    a name ``expected`` maps to ``None`` (or to a dict of only such names) is kept as
    expected when it is absent."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        return {k: subset(v, actual[k]) if k in actual else v
                for k, v in expected.items() if k in actual or _absent(v)}
    return actual


def _absent(expected: Any) -> bool:
    """Whether ``expected`` only says fields are absent (``None`` leaves, maybe nested)."""
    if isinstance(expected, dict):
        return all(_absent(v) for v in expected.values())
    return expected is None
