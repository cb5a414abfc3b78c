"""The sans-IO Lumberjack decoder: bytes in, windows out, a ProtocolError for broken input."""

from __future__ import annotations

import contextlib
import zlib

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.errors import LimitExceeded, ProtocolError
from pipeline.inputs.beats._codec import (
    Decoder,
    Window,
    encode_ack,
    encode_compressed,
    encode_data,
    encode_json,
    encode_window,
)


def json_frames(docs: list[dict[str, object]], first_seq: int = 1) -> bytes:
    return b"".join(encode_json(first_seq + i, orjson.dumps(d)) for i, d in enumerate(docs))


def drain(decoder: Decoder, data: bytes, piece: int = 0) -> list[Window]:
    """Feed ``data`` (all at once, or ``piece`` bytes at a time) and collect every window."""
    windows: list[Window] = []
    pieces = [data[i : i + piece] for i in range(0, len(data), piece)] if piece else [data]
    for chunk in pieces:
        decoder.receive_data(chunk)
        while True:
            window = decoder.next_window()
            if window is not None:
                windows.append(window)
            elif decoder.needs_data:
                break
    return windows


DOCS = [{"message": f"line {i}", "log": {"offset": i * 10}} for i in range(5)]


def test_ack_frames() -> None:
    """An ACK is version, 'A', then the sequence as a big-endian u32."""
    assert (b"2A\x00\x00\x01\x00", b"1A\x00\x00\x00\x07") == (encode_ack(2, 256), encode_ack(1, 7))


@pytest.mark.parametrize("piece", [0, 1, 7, 64])
def test_uncompressed_and_compressed_windows(piece: int) -> None:
    """The same events come out of plain and compressed windows, whatever the read sizes."""
    data = encode_window(5) + json_frames(DOCS) + encode_window(5) + encode_compressed(
        json_frames(DOCS)
    )
    windows = drain(Decoder(), data, piece)
    assert [DOCS, DOCS] == [w.events for w in windows]
    assert [5, 5] == [w.highest_seq for w in windows]


def test_a_window_may_span_several_frames_of_either_kind() -> None:
    """Two compressed frames and a plain one make one window of five events."""
    frames = [encode_json(i + 1, orjson.dumps(d)) for i, d in enumerate(DOCS)]
    data = (
        encode_window(5) + encode_compressed(b"".join(frames[:2]))
        + frames[2] + encode_compressed(b"".join(frames[3:]))
    )
    (window,) = drain(Decoder(), data, 5)
    assert (DOCS, 5) == (window.events, window.highest_seq)


def test_highest_sequence_is_acknowledged_when_clients_never_reset() -> None:
    """pylogbeat keeps counting across windows: the second window's ACK is its highest seq."""
    data = encode_window(2) + json_frames(DOCS[:2], 1) + encode_window(2) + json_frames(DOCS[:2], 3)
    assert [2, 4] == [w.highest_seq for w in drain(Decoder(), data)]


def test_v1_key_value_frames() -> None:
    """Version 1 windows of 'D' frames give dicts of strings, ACKed in version 1."""
    data = encode_window(2, 1) + encode_compressed(
        encode_data(1, {"line": "a", "host": "h"}) + encode_data(2, {"line": "b"}), version=1
    )
    (window,) = drain(Decoder(), data, 3)
    assert (1, [{"line": "a", "host": "h"}, {"line": "b"}], 2) == (
        window.version, window.events, window.highest_seq,
    )


def test_empty_window_is_a_window() -> None:
    """A window of 0 events completes at once (it is ACKed with 0)."""
    (window,) = drain(Decoder(), encode_window(0))
    assert ([], 0) == (window.events, window.highest_seq)


def test_wanted_never_reaches_into_the_next_window() -> None:
    """`wanted` is what the current frame still needs, so a reader never over-reads."""
    decoder = Decoder()
    frame = json_frames(DOCS[:1])
    assert 6 == decoder.wanted
    decoder.receive_data(encode_window(1) + frame[:4])
    assert decoder.next_window() is None
    assert 6 - 4 == decoder.wanted  # a C frame header is 6 bytes, a J header 10
    decoder.receive_data(frame[4:12])
    assert decoder.next_window() is None
    assert len(frame) - 12 == decoder.wanted


def test_wanted_reads_a_v1_frame_a_key_or_value_at_a_time() -> None:
    """A v1 key/value frame is read up to its next length prefix each time, never a byte at
    a time (which made a 16 MiB event millions of reads): the W frame, the D header, the pair
    count, the first prefix, then each key or value with the prefix after it."""
    decoder = Decoder()
    data = encode_window(1, 1) + encode_data(1, {"line": "x" * 5000, "host": "h"})
    sizes: list[int] = []
    window = None
    while window is None:
        sizes.append(decoder.wanted)
        decoder.receive_data(data[: sizes[-1]])
        data = data[sizes[-1] :]
        window = decoder.next_window()
    assert ([6, 6, 4, 4, 4 + 4, 5000 + 4, 4 + 4, 1], b"") == (sizes, data)
    assert [{"line": "x" * 5000, "host": "h"}] == window.events


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x16\x03\x01\x02\x00", "TLS handshake: the client speaks TLS to a plain-text port"),
        (b"GET / HTTP/1.1\r\n", "bad version byte 0x47 ('G')"),
        (b"2X\x00\x00", "unknown frame type 'X'"),
        (b"2J\x00\x00\x00\x01\x00\x00\x00\x02{}", "'J' frame before any window frame"),
        (encode_window(1) + encode_json(1, b"{not json"), "invalid JSON in event seq 1"),
        (encode_window(1) + encode_json(1, b"[1]"), "event seq 1 is JSON but not an object"),
        (encode_window(1) + b"2C\x00\x00\x00\x05hello", "bad zlib data"),
        (encode_window(2) + encode_json(1, b"{}") + encode_window(1), "window frame after 1 of 2"),
        (encode_window(1) + encode_compressed(json_frames(DOCS[:2])), "more events than the 1"),
        (
            encode_window(1) + encode_compressed(json_frames(DOCS[:1])[:-3]),
            "compressed frame ends inside a frame",
        ),
        (
            encode_window(2) + encode_compressed(encode_compressed(json_frames(DOCS[:2]))),
            "'C' frame inside a compressed frame",
        ),
        (encode_window(1, 1) + encode_json(1, b"{}"), "frame of version 2 inside a version 1"),
        (encode_window(1, 1) + b"1D\x00\x00\x00\x01\x00\x00\x00\x00", "frame with no pairs"),
    ],
)
def test_broken_input_is_a_protocol_error_with_the_reason(data: bytes, reason: str) -> None:
    """Each way of breaking the protocol raises ProtocolError saying what was wrong."""
    with pytest.raises(ProtocolError) as error:
        drain(Decoder(), data)
    assert reason in str(error.value)


def test_truncated_zlib_stream() -> None:
    """A compressed frame whose zlib stream is cut short is refused."""
    body = zlib.compress(json_frames(DOCS))[:-6]
    data = encode_window(5) + b"2C" + len(body).to_bytes(4, "big") + body
    with pytest.raises(ProtocolError) as error:
        drain(Decoder(), data)
    assert "ends before its zlib stream does" in str(error.value)


@pytest.mark.parametrize(
    ("decoder", "data", "limit"),
    [
        (Decoder(max_events_per_window=4), encode_window(5), "max_events_per_window"),
        (Decoder(max_event_bytes=10), encode_window(1) + b"2J\0\0\0\1\0\0\0\x0b",
         "max_event_bytes"),
        (
            Decoder(max_event_bytes=10, max_window_bytes=100),
            encode_window(1) + b"2C\0\0\0\x65",
            "max_window_bytes",
        ),
    ],
)
def test_limits_trip_before_the_bytes_are_awaited(
    decoder: Decoder, data: bytes, limit: str
) -> None:
    """Limits are checked on the headers: an announced size over a limit is refused at once."""
    with pytest.raises(LimitExceeded) as error:
        drain(decoder, data)
    assert limit == error.value.limit


def test_zlib_bomb_stops_at_the_window_cap_holding_little() -> None:
    """A small frame inflating to 64 MiB of valid events is refused at max_window_bytes
    (1 MiB here), holding no more than that plus one step meanwhile."""
    event = encode_json(1, b'{"m":"' + b"x" * 4086 + b'"}')
    inflater = zlib.compressobj(9)
    bomb = b"".join(inflater.compress(event) for _ in range(16384)) + inflater.flush()
    decoder = Decoder(max_event_bytes=4096, max_window_bytes=1 << 20, step_bytes=1 << 16)
    decoder.receive_data(encode_window(16384) + b"2C" + len(bomb).to_bytes(4, "big") + bomb)
    peaks: list[int] = []

    def inflate_until_refused() -> None:
        while decoder.next_window() is None:
            peaks.append(decoder.held - len(bomb))

    with pytest.raises(LimitExceeded) as error:
        inflate_until_refused()
    assert "max_window_bytes" == error.value.limit
    assert max(peaks) <= (1 << 20) + (1 << 16)


def test_held_counts_the_open_window_and_drops_when_it_is_handed_out() -> None:
    """`held` includes events of the unfinished window and is 0 once it is returned."""
    decoder = Decoder()
    data = encode_window(2) + json_frames(DOCS[:2])
    decoder.receive_data(data[:-3])
    assert decoder.next_window() is None
    assert 0 < decoder.held
    decoder.receive_data(data[-3:])
    assert decoder.next_window() is not None
    assert 0 == decoder.held


def test_step_bytes_bounds_one_call() -> None:
    """A highly compressible window is inflated step by step, `needs_data` False meanwhile."""
    docs = [{"message": "x" * 4000} for _ in range(64)]
    decoder = Decoder(step_bytes=16384)
    decoder.receive_data(encode_window(64) + encode_compressed(json_frames(docs)))
    calls = 0
    while (window := decoder.next_window()) is None:
        calls += 1
        assert not decoder.needs_data
    assert (docs, True) == (window.events, calls > 10)


def test_one_call_inflates_one_step_even_across_compressed_frames() -> None:
    """Two compressed frames already received: one call still inflates at most a step."""
    docs = [{"message": "x" * 3000} for _ in range(8)]
    halves = [json_frames(docs[:4]), json_frames(docs[4:], 5)]
    decoder = Decoder(step_bytes=16384)
    decoder.receive_data(encode_window(8) + b"".join(encode_compressed(h) for h in halves))
    growth, before = [], decoder.held
    while (window := decoder.next_window()) is None:
        growth.append(decoder.held - before)
        before = decoder.held
    assert (docs, True) == (window.events, max(growth) <= 16384)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=512))
def test_fuzz_random_bytes_raise_only_protocol_errors(data: bytes) -> None:
    """Arbitrary bytes give windows, a wait for more, or a ProtocolError: nothing else."""
    decoder = Decoder(max_event_bytes=1 << 12, max_window_bytes=1 << 14, step_bytes=1 << 12)
    with contextlib.suppress(ProtocolError):
        drain(decoder, data)
    assert decoder.held <= len(data) + (1 << 14)


@st.composite
def mutated_streams(draw: st.DrawFn) -> bytes:
    """A valid stream (plain or compressed windows) with a few bytes flipped, cut or added."""
    docs = draw(st.lists(st.dictionaries(st.text(max_size=5), st.text(max_size=20)), max_size=6))
    frames = json_frames(docs)
    body = encode_compressed(frames) if draw(st.booleans()) else frames
    data = bytearray(encode_window(len(docs)) + body)
    for _ in range(draw(st.integers(0, 3))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        data[at] = draw(st.integers(0, 255))
    cut = draw(st.integers(0, len(data)))
    return bytes(data[:cut]) + draw(st.binary(max_size=16))


@settings(max_examples=500, deadline=None)
@given(mutated_streams(), st.integers(1, 64))
def test_fuzz_mutated_streams_raise_only_protocol_errors(data: bytes, piece: int) -> None:
    """Near-valid input read in any piece size never raises anything but ProtocolError and
    never holds more than the window cap plus what was fed."""
    decoder = Decoder(max_event_bytes=1 << 12, max_window_bytes=1 << 14, step_bytes=1 << 12)
    with contextlib.suppress(ProtocolError):
        drain(decoder, data, piece)
    assert decoder.held <= len(data) + (1 << 14)
