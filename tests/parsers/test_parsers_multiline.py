"""Continuation lines join the event before them, Filebeat style; caps never drop a line."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers import MultilineConfig, MultilineJoiner, Parsers
from pipeline.errors import GrammarError

JAVA = [
    "[2025-09-12T10:00:00Z] ERROR request failed",
    "java.lang.IllegalStateException: boom",
    "    at com.example.Foo.bar(Foo.java:10)",
    "\tat com.example.Main.main(Main.java:3)",
    "Caused by: java.io.IOException: gone",
    "    ... 12 more",
    "[2025-09-12T10:00:01Z] INFO next",
]
PYTHON = [
    "[2025-09-12T10:00:00Z] ERROR crashed",
    "Traceback (most recent call last):",
    '  File "app.py", line 3, in <module>',
    "    main()",
    "ValueError: bad value",
    "[2025-09-12T10:00:01Z] INFO next",
]


def run(joiner: MultilineJoiner[int], lines: list[str]) -> list[tuple[str, int]]:
    """Feed ``lines`` with their index as token, then flush."""
    out: list[tuple[str, int]] = []
    for index, line in enumerate(lines):
        out.extend(joiner.feed(line, index))
    return out + joiner.flush()


def test_default_pattern_joins_java_stack_traces() -> None:
    """Indented frames, 'at', 'Caused by:' and '... N more' join the ERROR line."""
    events = run(MultilineJoiner(MultilineConfig()), JAVA)
    assert [("\n".join(JAVA[:6]), 0), (JAVA[6], 6)] == events


def test_default_pattern_joins_python_tracebacks() -> None:
    """The traceback header, indented frames and the final 'FooError: ...' line join."""
    events = run(MultilineJoiner(MultilineConfig()), PYTHON)
    assert [("\n".join(PYTHON[:5]), 0), (PYTHON[5], 5)] == events


def test_negate_joins_every_line_that_does_not_start_an_event() -> None:
    """negate=true with '^\\[' joins all lines not starting with '[' to the one before."""
    config = MultilineConfig(pattern=r"^\[", negate=True, match="after")
    events = run(MultilineJoiner(config), [*PYTHON[:2], "anything else", *PYTHON[5:]])
    assert [("\n".join([*PYTHON[:2], "anything else"]), 0), (PYTHON[5], 3)] == events


def test_match_before_prepends_to_the_next_line() -> None:
    """match=before: marked lines are held and the next unmarked line ends the event."""
    config = MultilineConfig(pattern=r"\\$", match="before")
    events = run(MultilineJoiner(config), ["a \\", "b \\", "c", "d"])
    assert [("a \\\nb \\\nc", 0), ("d", 3)] == events


def test_continuation_without_an_event_before_it_stands_alone() -> None:
    """A stream starting with a continuation line still emits it (nothing dropped)."""
    events = run(MultilineJoiner(MultilineConfig()), ["    at orphan", "[ts] x"])
    assert [("    at orphan", 0), ("[ts] x", 1)] == events


def test_max_lines_splits_the_event_without_dropping_lines() -> None:
    """Reaching max_lines emits the event; the next continuation starts a new one."""
    joiner: MultilineJoiner[int] = MultilineJoiner(MultilineConfig(max_lines=2))
    events = run(joiner, ["head", "  a", "  b", "  c"])
    assert ([("head\n  a", 0), ("  b\n  c", 2)], 1) == (events, joiner.splits)


def test_max_bytes_splits_the_event_without_dropping_lines() -> None:
    """An event that would pass max_bytes is emitted before the line that would pass it."""
    joiner: MultilineJoiner[int] = MultilineJoiner(MultilineConfig(max_bytes=11))
    events = run(joiner, ["head", "  abcd", "  efgh"])
    assert ([("head\n  abcd", 0), ("  efgh", 2)], 1) == (events, joiner.splits)


def test_pending_reports_buffered_lines() -> None:
    """pending is true while an event is being assembled, false after flush."""
    joiner: MultilineJoiner[int] = MultilineJoiner(MultilineConfig())
    joiner.feed("head", 0)
    before = joiner.pending
    joiner.flush()
    assert (True, False) == (before, joiner.pending)


def test_bad_pattern_names_the_key_and_position() -> None:
    """An invalid multiline.pattern fails at startup with its position."""
    with pytest.raises(GrammarError, match=r"multiline.pattern: .* at position 0 of '\(x'"):
        MultilineJoiner(MultilineConfig(pattern="(x"))


def test_json_lines_are_never_joined_by_default() -> None:
    """With an 'everything not starting with [ continues' rule, JSON lines stay whole."""
    config = MultilineConfig(pattern=r"^\[", negate=True)
    events = run(MultilineJoiner(config), ["[ts] a", "  more", '{"a":1}', "  x", "[ts] b"])
    assert [("[ts] a\n  more", 0), ('{"a":1}', 2), ("  x", 3), ("[ts] b", 4)] == events


def test_json_lines_join_when_asked() -> None:
    """json_lines_whole=false treats '{' lines like any other line."""
    config = MultilineConfig(pattern=r"^\[", negate=True, json_lines_whole=False)
    events = run(MultilineJoiner(config), ["[ts] a", '{"a":1}'])
    assert [('[ts] a\n{"a":1}', 0)] == events


_LINE = st.sampled_from(
    ["[ts] ERROR boom", "    at a.b(c.java:1)", "\tat x", "Caused by: y", '{"a":1}', "plain",
     "tail \\", "é at ü", ""]
)


@settings(max_examples=300, deadline=None)
@given(
    blocks=st.lists(st.lists(_LINE, max_size=12), max_size=5),
    pattern=st.sampled_from([r"^[ \t]", r"^\[", r"\\$", r"^(\s|Caused by)"]),
    negate=st.booleans(),
    match=st.sampled_from(["after", "before"]),
    whole=st.booleans(),
    max_lines=st.integers(1, 4),
    max_bytes=st.integers(4, 60),
)
def test_feed_many_gives_what_feeding_line_by_line_gives(
    *, blocks: list[list[str]], pattern: str, negate: bool, match: str, whole: bool,
    max_lines: int, max_bytes: int,
) -> None:
    """Any blocks of lines, any settings: one feed_many per block yields the same events (and
    split count) as one feed per line."""
    config = MultilineConfig(pattern=pattern, negate=negate, match=match,
                             json_lines_whole=whole, max_lines=max_lines, max_bytes=max_bytes)
    one: MultilineJoiner[int] = MultilineJoiner(config)
    many: MultilineJoiner[int] = MultilineJoiner(config)
    expected: list[tuple[str, int]] = []
    actual: list[tuple[str, int]] = []
    token = 0
    for block in blocks:
        tokens = list(range(token, token + len(block)))
        token += len(block)
        for line, t in zip(block, tokens, strict=True):
            expected.extend(one.feed(line, t))
        actual.extend(many.feed_many(block, tokens))
    expected.extend(one.flush())
    actual.extend(many.flush())
    assert (expected, one.splits) == (actual, many.splits)


GO = [
    "[2025-09-12T10:00:00Z] ERROR worker crashed",
    "panic: runtime error: index out of range [3] with length 3",
    "goroutine 7 [running]:",
    "main.(*worker).run(0xc000012345)",
    "\t/app/worker.go:42 +0x1d",
    "created by main.main in goroutine 1",
    "\t/app/main.go:12 +0x65",
    "2025-09-12 10:00:01,000 INFO next",
]
NODE = [
    "[2025-09-12T10:00:00Z] ERROR handler threw",
    "TypeError: Cannot read properties of undefined (reading 'id')",
    "    at handler (/app/routes.js:12:19)",
    "    at Layer.handle (/app/node_modules/express/lib/router/layer.js:95:5)",
    '{"level":"info","message":"next"}',
]


@pytest.mark.parametrize("lines", [JAVA, PYTHON, GO, NODE], ids=["java", "python", "go", "node"])
def test_the_default_keeps_each_stack_trace_with_its_line(lines: list[str]) -> None:
    """With no multiline settings at all (the default config), a stack trace as Java,
    Python, Go and Node print it stays one event with the bracketed line before it; the
    next bracketed, timestamped or JSON line starts an event of its own."""
    joiner = Parsers().new_joiner()
    assert joiner is not None
    events = joiner.feed_many(lines, list(range(len(lines)))) + joiner.flush()
    assert [("\n".join(lines[:-1]), 0), (lines[-1], len(lines) - 1)] == events


def test_lines_that_start_an_event_are_never_joined() -> None:
    """Bracketed, leading-timestamp, syslog-priority and JSON lines each start an event, even
    right after a stack trace."""
    lines = ["[2025-09-12T10:00:00Z] ERROR a", "    at x.y(Z.java:1)",
             "2025-09-12 10:00:01 WARN b", '{"message":"c"}', "[2025-09-12T10:00:02Z] INFO d",
             "2025-09-12T10:00:03Z e"]
    joiner = Parsers().new_joiner()
    assert joiner is not None
    events = joiner.feed_many(lines, list(range(len(lines)))) + joiner.flush()
    assert [0, 2, 3, 4, 5] == [token for _, token in events]
