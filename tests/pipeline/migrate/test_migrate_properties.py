"""Property tests: no text makes the reader or the translation raise anything but a
ConfigError, and whatever reads also translates."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.errors import ConfigError
from pipeline.migrate import read_config, translate

_SAMPLES = [p.read_text("utf-8") for p in sorted(
    (Path(__file__).parent / "configs").glob("*.conf"))]
_TOKENS = ["input", "filter", "output", "{", "}", "[", "]", "=>", "if", "else", "and", "or",
           "not", "in", "==", "=~", "!", "(", ")", '"x"', "'y'", "/re/", "[a][b]", "42", "-1.5",
           "mutate", "grok", "drop", "#c\n", "\n", " ", ",", "match", "%{WORD:w}"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS), max_size=40))
def test_token_soup_reads_or_fails_cleanly(tokens: list[str]) -> None:
    """Random sequences of the language's own tokens: a Config or a ConfigError."""
    text = " ".join(tokens)
    try:
        config = read_config(text)
    except ConfigError:
        return
    translate(config)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_SAMPLES), st.integers(min_value=0, max_value=4000),
       st.integers(min_value=1, max_value=20))
def test_cut_samples_fail_cleanly(sample: str, start: int, length: int) -> None:
    """A sample with a piece cut out: a Config or a ConfigError naming a line and column."""
    start %= max(len(sample), 1)
    text = sample[:start] + sample[start + length:]
    message = "cut.conf:"
    try:
        read_config(text, "cut.conf")
    except ConfigError as exc:
        message = str(exc)
    assert message.startswith("cut.conf:")
