"""Default endpoints and paths, in a module of their own so the command line can show them
without importing pydantic (``pipeline.connections`` holds the models that use them)."""

from __future__ import annotations

DEFAULT_ES_URL = "http://127.0.0.1:9200"
DEFAULT_KAFKA_BOOTSTRAP = "127.0.0.1:9092"
DEFAULT_DATA_DIR = ".lumberyard"
"""Where checkpoints and dead letters live unless ``--data-dir`` says otherwise."""
