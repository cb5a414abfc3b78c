"""Special files: a FIFO inside a directory is named and left out (reading it could wait for
ever); a FIFO given by path is read once as a stream, like stdin."""

from __future__ import annotations

import gzip
import os
import threading
from pathlib import Path

import pytest

from pipeline.inputs import STREAM, FileInput, Problem, discover, inspect
from tests.pipeline.inputs.test_inputs_files import _drain, _messages


def feed(fifo: Path, data: bytes) -> threading.Thread:
    """A writer that opens the FIFO (blocking until it is read), writes, and closes it."""
    def write() -> None:
        with fifo.open("wb") as out:
            out.write(data)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    return writer


def test_a_fifo_in_a_directory_is_named_and_the_other_files_are_read(tmp_path: Path) -> None:
    """The directory's log file is found; the FIFO is a problem naming it and why."""
    (tmp_path / "app.log").write_bytes(b"line\n")
    os.mkfifo(tmp_path / "pipe")
    found = discover([str(tmp_path)])
    assert ([str(tmp_path / "app.log")], [Problem(
        str(tmp_path / "pipe"), "FIFO inside a directory, not read (give its path on its own "
        "to read it as a stream)")]) == (found.files, found.problems)


@pytest.mark.timeout(60)
def test_a_fifo_given_by_path_is_read_once_as_a_stream(tmp_path: Path) -> None:
    """inspect does not open it; FileInput reads what the writer sends, gzip sniffed too."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    unit = inspect(str(fifo))
    writer = feed(fifo, gzip.compress(b"one\ntwo\n"))
    messages = _messages(_drain(FileInput([unit])))
    writer.join(timeout=30)
    assert ((STREAM, 0), ["one", "two"]) == ((unit.codec, unit.size), messages)
