"""The `[inputs.beats]` section: defaults, TLS consistency and limits that contradict."""

from __future__ import annotations

import pytest

from pipeline.config import parse_config
from pipeline.errors import ConfigError
from pipeline.inputs.beats import BeatsInputConfig


def test_defaults_listen_where_logstash_did() -> None:
    """Without a section the Beats input listens on 0.0.0.0:5044, plain text, enabled."""
    beats = parse_config("").inputs.beats
    assert ("0.0.0.0", 5044, True, False) == (
        beats.host, beats.port, beats.enabled, beats.tls.enabled,
    )


def test_section_is_read() -> None:
    """Values of `[inputs.beats]` and `[inputs.beats.tls]` land in the model."""
    text = """
[inputs.beats]
port = 5055
max_memory_bytes = 3145728
max_window_bytes = 2097152
max_event_bytes = 1048576
[inputs.beats.tls]
certificate = "/etc/ly/cert.pem"
key = "/etc/ly/key.pem"
certificate_authorities = ["/etc/ly/ca.pem"]
client_authentication = "required"
"""
    beats = parse_config(text).inputs.beats
    assert (5055, 3145728, "required", True) == (
        beats.port, beats.max_memory_bytes, beats.tls.client_authentication, beats.tls.enabled,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[inputs.beats.tls]\ncertificate = "c.pem"\n', "both certificate and key"),
        (
            '[inputs.beats.tls]\ncertificate = "c.pem"\nkey = "k.pem"\n'
            'client_authentication = "required"\n',
            "needs certificate_authorities",
        ),
        ("[inputs.beats]\nmax_event_bytes = 10\nmax_window_bytes = 5\n", "must not exceed"),
        ("[inputs.beats]\nmax_memory_bytes = 1048576\n", "could never be read whole"),
        ('[inputs.beats.tls]\nmin_version = "1.1"\n', "inputs.beats.tls.min_version"),
    ],
)
def test_inconsistent_settings_are_refused(text: str, expected: str) -> None:
    """A setting that cannot work is a ConfigError naming the problem."""
    with pytest.raises(ConfigError) as error:
        parse_config(text)
    assert expected in str(error.value)


def test_every_option_is_described() -> None:
    """Each option carries a description for the generated reference."""
    assert [] == [n for n, f in BeatsInputConfig.model_fields.items() if not f.description]
