"""The README's configuration reference is generated from the config models."""

from __future__ import annotations

from pathlib import Path

from pipeline._reference import BEGIN, END, reference, section, splice

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_reference_matches_the_models() -> None:
    """Regenerate with `python -m pipeline._reference --write README.md` when this fails."""
    text = README.read_text(encoding="utf-8")
    assert section() == text[text.index(BEGIN) : text.index(END) + len(END)]


def test_every_section_and_a_nested_list_table_are_documented() -> None:
    """Each top-level section, nested tables and array-of-tables entries get a table."""
    generated = reference()
    for header in ("[parsers]", "[parsers.multiline]", "[[parsers.grammars]]", "[enrich]",
                   "[[enrich.event_type_rules]]", "[elasticsearch]", "[dlq]"):
        assert f"#### `{header}`" in generated


def test_splice_replaces_only_the_generated_part() -> None:
    """Text around the markers is kept byte for byte."""
    stale = f"before\n{BEGIN}\nold\n{END}\nafter\n"
    assert f"before\n{section()}\nafter\n" == splice(stale)
