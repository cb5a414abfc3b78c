"""Help texts name config sections as ``[section]``: they must reach the reader as written."""

from __future__ import annotations

from typer.testing import CliRunner

from pipeline.cli import app


def test_config_sections_in_help_are_shown_with_their_brackets() -> None:
    """rich markup would swallow ``[inputs.beats]`` as an unknown style tag."""
    result = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})
    assert 0 == result.exit_code
    assert ["[inputs.beats]", "[inputs.kafka]", "[elasticsearch]"] == [
        section for section in ("[inputs.beats]", "[inputs.kafka]", "[elasticsearch]")
        if section in result.output
    ]
