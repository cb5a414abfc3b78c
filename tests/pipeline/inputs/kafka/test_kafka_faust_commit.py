"""Why the Kafka input is not built on faust-streaming: faust commits past in-flight records.

faust's consumer commits ``_new_offset(tp)`` (faust/transport/consumer.py, ``_new_offset``):
it sorts the acknowledged offsets and commits the end of their first consecutive run. Whether
records *before* that run are still in flight is checked only by
``if committed_offset: if min(acked) - committed_offset > 1: return None`` -- which is skipped
when nothing was committed yet (a new group: ``None``; also offset 0), and is off by one
otherwise (the committed offset is the *next* offset to read, so a gap of exactly the committed
record passes). With more than one batch in flight (``concurrency > 1``, or ``noack_take``
batches acked as the output finishes them, out of order), a later batch's ack commits over an
earlier batch that Elasticsearch does not have yet; a crash then loses it (faust #606).

These tests drive faust's own consumer bookkeeping (no broker needed: no record is fetched) and
show the offset faust would commit, next to what :class:`CommitBook` commits in the same case.
If a faust release fixes this, the first assertion of each test fails and the decision in
ARCHITECTURE.md ("Why not faust") should be revisited.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pipeline.inputs.kafka import CommitBook

TOPIC = "faust-proof"
PROBE = Path(__file__).with_name("faust_probe.py")


def _faust_new_offset(committed: int | None, acked: list[int]) -> int | None:
    """The offset faust's consumer would commit for partition 0 after these acks.

    Runs in a child process: faust leaves event loops and sockets open at exit, which would
    break this test session's warnings-as-errors.
    """
    args = [sys.executable, str(PROBE), str(committed), *map(str, acked)]
    out = subprocess.run(args, capture_output=True, text=True, check=True, timeout=120).stdout
    answer = out.strip().splitlines()[-1]
    return None if answer == "None" else int(answer)


def _book_offset(start: int, acked_batches: list[tuple[int, int]]) -> int | None:
    """What CommitBook commits when batch [start, acked_batches[0][0]) is still in flight."""
    book = CommitBook()
    book.issue((TOPIC, 0), start, acked_batches[0][0])  # in flight, never acked
    for first, end in acked_batches:
        book.issue((TOPIC, 0), first, end)()
    return book.take_ready().get((TOPIC, 0))


def test_faust_commits_past_the_in_flight_record_after_a_commit() -> None:
    """Committed 10 (0..9 delivered); 10 in flight, 11 and 12 acked: faust commits 13."""
    faust_offset = _faust_new_offset(10, [11, 12])
    assert (13, None) == (faust_offset, _book_offset(10, [(11, 12), (12, 13)]))


def test_faust_commits_past_in_flight_records_of_a_new_group() -> None:
    """New group (nothing committed); 0..4 in flight, 5 and 6 acked: faust commits 7."""
    faust_offset = _faust_new_offset(None, [5, 6])
    assert (7, None) == (faust_offset, _book_offset(0, [(5, 6), (6, 7)]))
