"""bench.ab loads a revision's packages under other names: its import lines are renamed."""

from __future__ import annotations

from bench.ab import rename_imports


def test_only_the_packages_import_lines_are_renamed() -> None:
    """``pipeline``/``parsers`` imports (indented ones too) point at the ``_ab`` copies;
    other names that start alike, text and relative imports stay as they are."""
    source = (
        "from pipeline.runtime import Event\n"
        "import parsers\n"
        "    from parsers._core import Parsers\n"
        "from pipelines import x\n"
        "from ._blocks import KeyValues\n"
        'name = "from pipeline.steps"\n'
    )
    expected = (
        "from pipeline_ab.runtime import Event\n"
        "import parsers_ab\n"
        "    from parsers_ab._core import Parsers\n"
        "from pipelines import x\n"
        "from ._blocks import KeyValues\n"
        'name = "from pipeline.steps"\n'
    )
    assert expected == rename_imports(source)
