"""A worker's snapshot and the endpoint's sum: values read when the snapshot is taken, labels
bounded, histogram buckets cumulative, workers added up. Pure: no sockets."""

from __future__ import annotations

from pipeline.observe import Histogram, MemorySink, Telemetry, WorkerBoard, render_metrics
from pipeline.observe._telemetry import MAX_LABEL_VALUES
from pipeline.runtime import Counters


def scrape(*telemetries: Telemetry) -> dict[str, float]:
    """Snapshot each (one worker each), sum them as the endpoint does, parse the text."""
    sinks = []
    for telemetry in telemetries:
        sink = MemorySink()
        sink.put(telemetry.snapshot())
        sinks.append(sink)
    text = render_metrics(WorkerBoard.in_memory(*sinks).views(), {}).decode()
    samples: dict[str, float] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return samples


def test_counters_are_exported_with_component_and_input() -> None:
    """received / sent / dead_lettered / retries / dropped under the component and input."""
    counters = Counters("beats", received=10, sent=7, dead_lettered=2, retries=4)
    counters.dropped["debug_level"] = 1
    samples = scrape(Telemetry(inputs=lambda: [("beats", counters)]))
    key = '{component="input",input="beats"}'
    assert (10.0, 7.0, 2.0, 4.0, 1.0) == (
        samples[f"lumberyard_events_received_total{key}"],
        samples[f"lumberyard_events_sent_total{key}"],
        samples[f"lumberyard_events_dead_lettered_total{key}"],
        samples[f"lumberyard_events_retries_total{key}"],
        samples['lumberyard_events_dropped_total{component="input",input="beats",'
                'reason="debug_level"}'],
    )


class CountingInput:
    """A live input that counts what it read itself (the Kafka input's records: poison ones
    dead-lettered, empty ones dropped, before any batch reaches the runtime)."""

    def __init__(self, counters: Counters) -> None:
        self.name = counters.component
        self.counters = counters


def test_an_inputs_own_counts_join_its_row() -> None:
    """The runtime's counts of what an input handed on (sent: taken by the output; the
    chain's drops) and the input's own (records read, poison dead-lettered, empty dropped,
    commit errors) make one row that reconciles: 10 = 6 + 1 + (2 + 1)."""
    handed = Counters("kafka", received=9, sent=6)
    handed.dropped["blank_line"] = 2
    own = Counters("kafka", received=10, sent=9, dead_lettered=1)
    own.dropped["empty"] = 1
    own.errors["kafka_commit"] = 1
    samples = scrape(Telemetry(inputs=lambda: [("kafka", handed)],
                               live_inputs=[CountingInput(own)]))
    key = '{component="input",input="kafka"}'
    dropped = '{component="input",input="kafka",reason="%s"}'
    assert (10.0, 6.0, 1.0, 2.0, 1.0, 1.0) == (
        samples[f"lumberyard_events_received_total{key}"],
        samples[f"lumberyard_events_sent_total{key}"],
        samples[f"lumberyard_events_dead_lettered_total{key}"],
        samples["lumberyard_events_dropped_total" + dropped % "blank_line"],
        samples["lumberyard_events_dropped_total" + dropped % "empty"],
        samples['lumberyard_errors_total{component="input",error_type="kafka_commit",'
                'input="kafka"}'],
    )


def test_records_joined_into_a_multiline_event_are_one_event_received() -> None:
    """10 Kafka records, 4 of them continuation lines joined into an earlier record's event:
    the input row received 6 events and sent 6, as a file's joined lines count one event."""
    handed = Counters("kafka", received=6, sent=6)
    own = Counters("kafka", received=10, sent=6, joined=4)
    samples = scrape(Telemetry(inputs=lambda: [("kafka", handed)],
                               live_inputs=[CountingInput(own)]))
    key = '{component="input",input="kafka"}'
    assert (6.0, 6.0) == (samples[f"lumberyard_events_received_total{key}"],
                          samples[f"lumberyard_events_sent_total{key}"])


def test_values_are_read_at_snapshot_time() -> None:
    """Counting after the telemetry was built shows in the next snapshot (no copy kept)."""
    counters = Counters("kafka")
    telemetry = Telemetry(inputs=lambda: [("kafka", counters)])
    counters.received += 5
    assert 5.0 == scrape(telemetry)[
        'lumberyard_events_received_total{component="input",input="kafka"}']


def test_error_type_labels_are_bounded() -> None:
    """Beyond MAX_LABEL_VALUES distinct error types the rest fold into 'other', summed."""
    counters = Counters("beats")
    for n in range(MAX_LABEL_VALUES + 3):
        counters.errors[f"type_{n:03}"] += 1
    samples = scrape(Telemetry(inputs=lambda: [("beats", counters)]))
    errors = {k: v for k, v in samples.items() if k.startswith("lumberyard_errors_total")}
    other = 'lumberyard_errors_total{component="input",error_type="other",input="beats"}'
    assert (MAX_LABEL_VALUES + 1, 3.0) == (len(errors), errors[other])


def test_workers_are_summed() -> None:
    """Two workers' counters for one input add up; each keeps its own in its snapshot."""
    one, two = Counters("kafka", received=3), Counters("kafka", received=4)
    samples = scrape(Telemetry(inputs=lambda: [("kafka", one)]),
                     Telemetry(inputs=lambda: [("kafka", two)]))
    assert 7.0 == samples['lumberyard_events_received_total{component="input",input="kafka"}']


def test_histogram_buckets_are_cumulative() -> None:
    """le buckets count every observation at or below them; +Inf, count and sum close it."""
    histogram = Histogram((0.1, 1.0))
    for value in (0.05, 0.1, 0.5, 3.0):
        histogram.observe(value)
    assert [
        ("d_bucket", {"le": "0.1"}, 2.0),
        ("d_bucket", {"le": "1.0"}, 3.0),
        ("d_bucket", {"le": "+Inf"}, 4.0),
        ("d_sum", {}, 3.65),
        ("d_count", {}, 4.0),
    ] == histogram.samples("d")
