"""A window's events and their ids: anonymous events (no path, no offset) are counted per
window on a connection, so their table never outlives a window (issue #12's rule still holds:
every occurrence in the stream is its own document, a replay of the stream gives the same ids).
"""

from __future__ import annotations

import orjson

from pipeline.ids import Occurrences, anonymous_source_id
from pipeline.inputs.beats import window_events
from pipeline.inputs.beats._codec import Window
from pipeline.runtime import METADATA

AT = "2025-09-13T08:00:00.000Z"


def window(messages: list[str]) -> Window:
    raws = [orjson.dumps({"message": m}) for m in messages]
    return Window(2, [orjson.loads(r) for r in raws], raws, len(raws), sum(map(len, raws)))


def stream_ids(windows: list[list[str]]) -> tuple[list[bytes], list[int]]:
    """The ids one connection gives these windows, and the payloads it holds after each."""
    seen = Occurrences()
    ids: list[bytes] = []
    held: list[int] = []
    for messages in windows:
        ids += [e[METADATA]["source_id"] for e in window_events(window(messages), "b", AT, seen)]
        held.append(seen.tracked)
    return ids, held


def test_a_long_lived_connection_holds_no_anonymous_payloads_between_windows() -> None:
    """200 windows of 50 distinct anonymous events: nothing is held after each window (the
    per-connection table used to keep all 10,000 digests for the connection's lifetime)."""
    windows = [[f"tick {w}.{n}" for n in range(50)] for w in range(200)]
    ids, held = stream_ids(windows)
    assert (10_000, [0] * 200) == (len(set(ids)), held)


def test_identical_windows_are_each_kept_and_a_replay_gives_the_same_ids() -> None:
    """tst-send's case: the same window again and again on one connection, with duplicates
    inside it. Every occurrence has its own id; the same stream again (a new connection
    resending it) gives the same ids; the first window keeps the ids it always had."""
    windows = [["tick", "tick", "t"]] * 3
    ids, _ = stream_ids(windows)
    raw = orjson.dumps({"message": "tick"})
    assert (9, ids, [anonymous_source_id(raw, 1), anonymous_source_id(raw, 2)]) == (
        len(set(ids)), stream_ids(windows)[0], ids[:2])
