"""``python -m pipeline.stack up|down|status|env|fetch|gotools``."""

from __future__ import annotations

from pipeline.stack._cli import main

main()
