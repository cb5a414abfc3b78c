"""Joining a partition's raw-line records into multiline events (pure: no servers).

The joiner is the one files use (``parsers.MultilineJoiner`` with the default rule); these
tests check what the Kafka input adds: which records join, the identity of a joined event,
where a batch may end (so a commit never passes an event still open) and the record counts
that make the input's counters reconcile.
"""

from __future__ import annotations

import orjson

from parsers import MultilineConfig, MultilineJoiner
from pipeline.ids import file_source_id, joined_source_id, kafka_source_id
from pipeline.inputs.kafka import CommitBook, PartitionLines, Record, joinable, record_event
from pipeline.inputs.kafka._joining import EventJoiner
from pipeline.runtime import METADATA, Event
from tests.parsers.test_parsers_multiline import JAVA, PYTHON

AT = "2025-09-12T10:00:00.000Z"
TOPIC = "logs-raw"
P0 = (TOPIC, 0)
BEAT = {
    "@timestamp": "2025-09-12T10:00:01.000Z",
    "@metadata": {"beat": "filebeat", "type": "_doc", "version": "7.17.29"},
    "message": "    at a Filebeat event that looks like a continuation",
    "log": {"file": {"path": "/var/log/app/auth.log"}, "offset": 1234},
    "host": {"name": "web-1"},
    "agent": {"type": "filebeat"},
}


def event_at(offset: int, value: bytes, key: bytes | None = None) -> tuple[Record, Event]:
    record = Record(TOPIC, 0, offset, key, value)
    made = record_event(record, AT, 1 << 20)
    assert isinstance(made, dict)
    return record, made


def partition(config: MultilineConfig | None = None, start: int = 0) -> PartitionLines:
    joiner: EventJoiner = MultilineJoiner(config or MultilineConfig())
    return PartitionLines(joiner, start)


def feed(lines: PartitionLines, texts: list[str], first: int = 0) -> list[Event]:
    """Each text as one record from offset ``first`` on, as the input feeds them."""
    out: list[Event] = []
    for offset, text in enumerate(texts, start=first):
        record, event = event_at(offset, text.encode() + b"\n")
        out += lines.line(event, 0.0) if joinable(record, event) else lines.whole(event)
        lines.read_end = offset + 1
    return out


def summary(events: list[Event]) -> list[tuple[str, bytes]]:
    return [(event["message"], event[METADATA]["source_id"]) for event in events]


class TestJoining:
    def test_java_trace_one_record_per_line_is_one_event(self) -> None:
        """The ERROR line and its frames, one record each, are one event identified by its
        first record's topic/partition/offset and its text; the next bracketed line stays
        open."""
        lines = partition()
        events = feed(lines, JAVA)
        trace = "\n".join(JAVA[:6])
        assert ([(trace, joined_source_id(kafka_source_id(TOPIC, 0, 0), trace))], 1,
                JAVA[6]) == (
            summary(events), lines.pending_records, lines.flush()[0]["message"])

    def test_python_traceback_after_a_java_trace(self) -> None:
        """Consecutive traces of one partition: one event each, nothing lost."""
        lines = partition()
        texts = [*JAVA[:-1], *PYTHON]
        events = feed(lines, texts) + lines.flush()
        java, python = "\n".join(JAVA[:6]), "\n".join(PYTHON[:5])
        assert [
            (java, joined_source_id(kafka_source_id(TOPIC, 0, 0), java)),
            (python, joined_source_id(kafka_source_id(TOPIC, 0, 6), python)),
            (PYTHON[5], kafka_source_id(TOPIC, 0, 11)),  # alone: its record's identity
        ] == summary(events)

    def test_a_replay_joins_the_same_records_into_the_same_events(self) -> None:
        """Re-reading from the same offset (after a crash or a rebalance) gives the same
        messages and the same identities: the second copy is a 409."""
        texts = [*PYTHON, *JAVA]
        first, second = partition(), partition()
        assert summary(feed(first, texts) + first.flush()) == summary(
            feed(second, texts) + second.flush())

    def test_a_replay_that_joins_more_lines_is_a_new_document(self) -> None:
        """The first line of a trace handed on alone (its flush timeout), then a crash before
        its commit: the replay joins it with its frames. That event must not be answered 409
        by the lone line's document, which would drop the frames: its identity differs."""
        alone = partition()
        early = feed(alone, JAVA[:1]) + alone.flush()
        replay = partition()
        joined = feed(replay, JAVA[:6]) + replay.flush()
        assert (1, 1, True) == (
            len(early), len(joined), summary(early)[0][1] != summary(joined)[0][1])

    def test_a_filebeat_event_is_whole_and_ends_the_open_event(self) -> None:
        """A Filebeat output.kafka event is never joined, even when its message looks like a
        continuation, and it hands on the event open before it."""
        lines = partition()
        events = feed(lines, JAVA[:3])
        record, beat = event_at(3, orjson.dumps(BEAT))
        events += lines.whole(beat)
        assert (False, [3, 1], 0) == (
            joinable(record, beat), [len(e["message"].splitlines()) for e in events],
            lines.pending_records)

    def test_a_record_keyed_by_lumberyard_is_whole(self) -> None:
        """A line published by reprocess --to-kafka (keyed by its file identity) is a
        complete event: its file input already joined it."""
        key = file_source_id(b"head", 0, JAVA[1])
        record, event = event_at(0, JAVA[1].encode(), key=key)
        assert (False, True) == (joinable(record, event), joinable(*event_at(1, b"x")))

    def test_json_lines_stay_whole(self) -> None:
        """A raw JSON line ends the open event and is an event of its own."""
        lines = partition()
        events = feed(lines, [JAVA[0], JAVA[1], '{"level": "info"}', "    at after json"])
        assert [2, 1] == [len(e["message"].splitlines()) for e in events]

    def test_caps_split_without_losing_a_record(self) -> None:
        """max_lines cuts the event; the rest starts the next one (the file rule)."""
        lines = partition(MultilineConfig(max_lines=2))
        events = feed(lines, ["[ts] head", "  a", "  b", "  c"]) + lines.flush()
        assert ["[ts] head\n  a", "  b\n  c"] == [e["message"] for e in events]

    def test_multiline_off_rule_negate(self) -> None:
        """A user's rule (negate = true on '^\\['): every line not starting with '[' joins."""
        lines = partition(MultilineConfig(pattern=r"^\[", negate=True))
        events = feed(lines, ["[a] one", "free text", "[b] two"]) + lines.flush()
        assert ["[a] one\nfree text", "[b] two"] == [e["message"] for e in events]


class TestOffsets:
    def test_batch_ends_at_the_first_record_of_the_open_event(self) -> None:
        """After the Java trace and a started event: the batch may end at the open event's
        first record (6), never past it; with nothing open, after the last record read."""
        lines = partition()
        feed(lines, JAVA)
        open_end = lines.batch_end()
        lines.flush()
        assert (6, 7) == (open_end, lines.batch_end())

    def test_commit_never_passes_an_event_still_open(self) -> None:
        """Batch 1 (the trace, acked) commits up to the open event; the open event's own
        batch, once flushed and acked, commits past it."""
        book, lines = CommitBook(), partition(start=10)
        feed(lines, [*PYTHON[:5], "[ts] open", "  still open"], first=10)
        book.issue(P0, lines.start, lines.batch_end())()
        first = book.take_ready()
        flushed = lines.flush()
        ack = book.issue(P0, lines.start, lines.batch_end())
        held = book.take_ready()
        ack()
        assert ({P0: 15}, {}, {P0: 17}, ["[ts] open\n  still open"]) == (
            first, held, book.take_ready(), [e["message"] for e in flushed])

    def test_interleaved_partitions_join_only_their_own_lines(self) -> None:
        """Lines of two partitions arriving alternately: each partition joins its own."""
        zero, one = partition(), partition()
        out: dict[int, list[Event]] = {0: [], 1: []}
        for n, (a, b) in enumerate(zip(JAVA[:6], [*PYTHON[:5], "  extra"], strict=True)):
            out[0] += zero.line(event_at(n, a.encode())[1], 0.0)
            record = Record(TOPIC, 1, n, None, b.encode())
            made = record_event(record, AT, 1 << 20)
            assert isinstance(made, dict)
            out[1] += one.line(made, 0.0)
        assert ({0: [], 1: []}, ["\n".join(JAVA[:6])], ["\n".join([*PYTHON[:5], "  extra"])]) == (
            out, [e["message"] for e in zero.flush()], [e["message"] for e in one.flush()])


class TestCounts:
    def test_records_are_events_plus_joined_plus_pending(self) -> None:
        """Each record is in an event of its own or joined to an earlier one, or pending."""
        lines = partition()
        texts = [*JAVA, *PYTHON[1:], '{"a": 1}', "[ts] last", "  frame"]
        events = feed(lines, texts)
        joined_so_far, pending = lines.take_joined(), lines.pending_records
        flushed = lines.flush()
        assert (len(texts), len(texts)) == (
            len(events) + joined_so_far + pending,
            len(events) + len(flushed) + joined_so_far + lines.take_joined())

    def test_due_after_the_flush_timeout_since_the_last_line(self) -> None:
        """An open event is due once no line came for flush_secs (times given, not slept)."""
        lines = partition()
        lines.line(event_at(0, b"[ts] head")[1], 100.0)
        before = lines.due(104.0, 5.0)
        lines.line(event_at(1, b"  frame")[1], 104.0)
        assert (False, False, True, False) == (
            before, lines.due(108.0, 5.0), lines.due(109.0, 5.0), partition().due(1e9, 5.0))

    def test_time_paused_does_not_count(self) -> None:
        """While the input is paused the next lines may be waiting in Kafka: the timeout
        counts from the end of the pause, not from the last line."""
        lines = partition()
        lines.line(event_at(0, b"[ts] head")[1], 100.0)
        lines.hold(103.0)  # paused until 103
        assert (False, True) == (lines.due(107.0, 5.0), lines.due(108.0, 5.0))
