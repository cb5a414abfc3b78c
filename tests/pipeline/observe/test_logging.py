"""lumberyard's own logs: one JSON object per line off a terminal, secrets masked, stdlib
records (the runtime's) in the same shape, a traceback inside its line."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import orjson
import pytest

from pipeline.observe import configure_logging, get_logger


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in stream.getvalue().splitlines()]


def test_json_lines_with_fields_and_masked_secrets() -> None:
    """An incident is one JSON line with its fields; a password field is masked."""
    stream = io.StringIO()
    configure_logging(stream=stream)
    get_logger("lumberyard.test").warning("es_retrying", attempt=3, password="hunter2")
    [line] = _lines(stream)
    assert ("es_retrying", "warning", "lumberyard.test", 3, "***") == (
        line["event"], line["level"], line["logger"], line["attempt"], line["password"]
    )
    assert str(line["timestamp"]).endswith("Z")


def test_stdlib_records_and_tracebacks_stay_on_one_line() -> None:
    """A logging.getLogger record with an exception: one line, the traceback inside it."""
    stream = io.StringIO()
    configure_logging(stream=stream)
    try:
        raise ValueError("bad thing")
    except ValueError:
        logging.getLogger("lumberyard.runtime").exception("input failed: %s", "beats")
    [line] = _lines(stream)
    assert ("input failed: beats", "error", "lumberyard.runtime") == (
        line["event"], line["level"], line["logger"]
    )
    assert "ValueError: bad thing" in str(line["exception"])


def test_level_filters() -> None:
    """Below the configured level nothing is written."""
    stream = io.StringIO()
    configure_logging("warning", stream=stream)
    get_logger("lumberyard.test").info("quiet")
    assert "" == stream.getvalue()
