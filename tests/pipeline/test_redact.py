"""Credentials in URLs never reach a message: one rule (``pipeline.redact``) used by the CLI's
error printer, the log renderer and the summaries."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.observe import configure_logging
from pipeline.redact import redact

LUMBERYARD = str(Path(sys.executable).parent / "lumberyard")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("http://u:secret@host:9200", "http://u:***@host:9200"),
        ("cannot reach https://elastic:p%40ss@es.local/x: refused",
         "cannot reach https://elastic:***@es.local/x: refused"),
        ("kafka://token@broker:9092", "kafka://***@broker:9092"),
        ("mail user@example.com, http://host:9200", "mail user@example.com, http://host:9200"),
        ("http://u:p@ss@host:9200 down", "http://u:***@host:9200 down"),
        ("http://u:pa/ss@host:9200", "http://u:***@host:9200"),
        ("http://a:x@h1, http://b:y@h2", "http://a:***@h1, http://b:***@h2"),
    ],
)
def test_redact_masks_the_password_and_keeps_the_rest(text: str, expected: str) -> None:
    """The user stays (it says which account), the password or a lone token goes."""
    assert expected == redact(text)


def test_log_lines_are_redacted_including_stdlib_records() -> None:
    """A stdlib logging record quoting a URL with a password is rendered masked."""
    stream = io.StringIO()
    configure_logging(json=True, stream=stream)
    logging.getLogger("lumberyard.test").warning("retrying %s", "http://u:secret@es:9200")
    assert ("secret" in stream.getvalue(), "http://u:***@es:9200" in stream.getvalue()) == (
        False, True)


def test_a_cli_error_never_prints_the_password(tmp_path: Path) -> None:
    """reprocess against a closed port with credentials in --es-url: the error names the URL
    with the password masked."""
    log = tmp_path / "app.log"
    log.write_bytes(b'{"message":"x"}\n')
    done = subprocess.run(
        [LUMBERYARD, "reprocess", str(log), "--es-url", "http://u:secret@127.0.0.1:9",
         "--data-dir", str(tmp_path / "data")],
        capture_output=True, text=True, timeout=120, check=False)
    output = done.stdout + done.stderr
    assert (1, False, True) == (
        done.returncode, "secret" in output, "u:***@127.0.0.1:9" in output), output
