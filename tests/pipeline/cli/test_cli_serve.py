"""``serve``'s options over the config file: what is given wins, what is not leaves the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.cli._serve import _overridden
from pipeline.config import parse_config

FILE = """
[inputs.beats]
host = "10.0.0.5"
port = 5055
[elasticsearch]
url = "http://es.internal:9200"
[enrich]
index_prefix = "from-file-"
"""

NOTHING: dict[str, Any] = {
    "url": None, "api_key": None, "user": None, "password": None, "password_file": None,
    "ca": None, "host": None, "port": None, "no_beats": False, "workers": 1,
    "index_prefix": None,
}


def _view(options: dict[str, Any]) -> tuple[object, ...]:
    config = _overridden(parse_config(FILE), {**NOTHING, **options})
    beats = config.inputs.beats
    es = config.elasticsearch
    return (beats.enabled, beats.host, beats.port, beats.reuse_port, es.url, es.password,
            config.enrich.index_prefix)


def test_no_option_leaves_the_file() -> None:
    """Options not given (``None``) keep the file's values; one worker needs no reuse_port."""
    assert (True, "10.0.0.5", 5055, False, "http://es.internal:9200", None, "from-file-") == (
        _view({}))


def test_given_options_win(tmp_path: Path) -> None:
    """Given options override; ``--workers 2`` sets SO_REUSEPORT; a password file is read."""
    secret = tmp_path / "pw"
    secret.write_text("s3cret\n", encoding="utf-8")
    options = {"host": "127.0.0.1", "port": 6000, "workers": 2, "url": "http://127.0.0.1:9201",
               "password_file": secret, "index_prefix": "cli-"}
    assert (True, "127.0.0.1", 6000, True, "http://127.0.0.1:9201", "s3cret", "cli-") == (
        _view(options))


def test_no_beats_turns_the_input_off() -> None:
    """``--no-beats`` is ``[inputs.beats] enabled = false``."""
    assert (False,) == _view({"no_beats": True})[:1]
