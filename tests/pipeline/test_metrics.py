"""Prometheus export of counters: values read at scrape time, labels bounded."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, generate_latest

from pipeline.metrics import CountersCollector
from pipeline.runtime import Counters


def scrape(collector: CountersCollector) -> dict[str, float]:
    registry = CollectorRegistry()
    registry.register(collector)
    samples: dict[str, float] = {}
    for line in generate_latest(registry).decode().splitlines():
        if line and not line.startswith("#") and "_created" not in line:
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return samples


def test_counters_are_exported_with_component_and_input() -> None:
    """received / sent / dead_lettered / retries appear under the component and input names."""
    counters = Counters("beats", received=10, sent=7, dead_lettered=2, retries=4)
    counters.dropped["debug_level"] = 1
    collector = CountersCollector()
    collector.track("elasticsearch", counters)
    samples = scrape(collector)
    key = '{component="elasticsearch",input="beats"}'
    assert (10.0, 7.0, 2.0, 4.0, 1.0) == (
        samples[f"lumberyard_events_received_total{key}"],
        samples[f"lumberyard_events_sent_total{key}"],
        samples[f"lumberyard_events_dead_lettered_total{key}"],
        samples[f"lumberyard_events_retries_total{key}"],
        samples['lumberyard_events_dropped_total{component="elasticsearch",input="beats",'
                'reason="debug_level"}'],
    )


def test_values_are_read_at_scrape_time() -> None:
    """Counting after tracking shows up in the next scrape (no copy is taken)."""
    counters = Counters("kafka")
    collector = CountersCollector()
    collector.track("chain", counters)
    counters.received += 5
    assert 5.0 == scrape(collector)[
        'lumberyard_events_received_total{component="chain",input="kafka"}']


def test_dynamic_sources_are_followed() -> None:
    """A callable source (one Counters per input, created lazily) is re-read on each scrape."""
    per_input: dict[str, Counters] = {}
    collector = CountersCollector()
    collector.track("elasticsearch", per_input.values)
    per_input["files"] = Counters("files", received=3)
    assert 3.0 == scrape(collector)[
        'lumberyard_events_received_total{component="elasticsearch",input="files"}']


def test_error_type_labels_are_bounded() -> None:
    """Beyond max_label_values distinct error types, the rest fold into 'other'."""
    counters = Counters("beats")
    for n in range(5):
        counters.errors[f"type_{n}"] += 1
    collector = CountersCollector(max_label_values=2)
    collector.track("elasticsearch", counters)
    errors = {k: v for k, v in scrape(collector).items() if k.startswith("lumberyard_errors_total")}
    labels = sorted(k.split('error_type="')[1].split('"')[0] for k in errors)
    assert (["other", "type_0", "type_1"], 3.0) == (
        labels, errors['lumberyard_errors_total{component="elasticsearch",error_type="other",'
                       'input="beats"}'])
