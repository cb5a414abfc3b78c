"""The Beats -> Kafka mode's records (pure): the Beat's @metadata goes with the event."""

from __future__ import annotations

import orjson

from pipeline.inputs._events import beat_event
from pipeline.inputs.kafka._records import _beat_doc
from pipeline.outputs.kafka._output import record_value

AT = "2025-09-12T10:00:00.000Z"


def test_a_beats_event_is_published_with_the_beats_own_metadata() -> None:
    """As Filebeat's output.kafka writes it: the Beat's beat/type/version under @metadata
    (so %{[@metadata][beat]} still names the index after Kafka), none of lumberyard's own."""
    doc = {"@timestamp": AT, "message": "m", "log": {"file": {"path": "/a"}, "offset": 1},
           "@metadata": {"beat": "filebeat", "type": "_doc", "version": "7.17.29"}}
    event = beat_event(dict(doc), orjson.dumps(doc), "beats", AT)
    published = orjson.loads(record_value(event))
    assert ({"beat": "filebeat", "type": "_doc", "version": "7.17.29"}, True) == (
        published["@metadata"], _beat_doc(record_value(event).decode()) is not None)


def test_an_event_without_a_beats_metadata_keeps_the_beat_mark() -> None:
    """No Beat @metadata: the mark that makes the Kafka input take it as a Beat's event."""
    doc = {"@timestamp": AT, "message": "m", "log": {"file": {"path": "/a"}, "offset": 1}}
    event = beat_event(dict(doc), orjson.dumps(doc), "beats", AT)
    assert {"beat": "lumberyard"} == orjson.loads(record_value(event))["@metadata"]
