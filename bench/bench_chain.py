"""Cost of the parse -> enrich chain: per step and whole chain, one core; and an output check.

``python -m bench.bench_chain [--lines N] [--seed S] [--repeat R]`` prints, for ``N`` corpus
lines shaped like file-input events, the CPU microseconds per event of every step of
``build_steps(LumberyardConfig())`` (each step timed over the whole batch, step after step) and
the whole chain's events/s (best of R runs), over all events held at once (``Chain.run``) and in
batches of ``BATCH`` that are let go once done (``Chain.apply``, as a worker runs), and the
cost of each of ``Chain.apply``'s passes over those batches (a step's ``run_batch`` where it
has one: the code a worker runs, which the per-step rows above do not time), then the sink's
encoding of the result (``BulkEncoder.encode``).

``--record GOLDEN`` writes the chain's output over a fixed check set (corpus lines as file and
Beats events plus randomised edge cases built from every key spelling the steps know) as
sorted-key NDJSON, documents and ``@metadata`` alike; ``--check GOLDEN`` runs the set again and
names the first differing event, so an optimisation can be shown to change nothing.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import orjson

from bench.corpus import generate
from pipeline.config import LumberyardConfig
from pipeline.errors import DropEvent
from pipeline.ids import ContentIdentity
from pipeline.outputs.elasticsearch._encoder import BulkEncoder
from pipeline.runtime import METADATA, Batch, Chain, Event, Step
from pipeline.steps import build_steps

RECEIVED_AT = "2025-09-12T10:00:05.123+00:00"
BATCH = 1024
"""Events per batch in the batched whole-chain figure (a files-input batch is of this order)."""
Factory = Callable[[], list[Event]]


def file_events(lines: list[str], path: str = "/var/log/app/app.log") -> list[Event]:
    """Events as the files input makes them (``plain_event``), offsets advancing per line."""
    events: list[Event] = []
    offset = 0
    identity = ContentIdentity("\n".join(lines[:64]).encode())
    for line in lines:
        events.append(
            {
                "message": line,
                "log": {"file": {"path": path}, "offset": offset},
                METADATA: {
                    "source_id": identity.source_id(offset, line),
                    "input": "files",
                    "received_at": RECEIVED_AT,
                },
            }
        )
        offset += len(line) + 1
    return events


def beats_events(lines: list[str], rnd: random.Random) -> list[Event]:
    """Events as the Beats input hands them on: shipper ``fields``, ``host``, ``@timestamp``."""
    events = file_events(lines, "/var/log/beats/app.log")
    for n, event in enumerate(events):
        event["@timestamp"] = "2025-09-13T01:02:03.456Z"
        event["host"] = {"name": "web-1"}
        if n % 3 == 0:
            event["fields"] = {"service": rnd.choice(["billing", 7, {"name": "x"}]), "team": "a"}
        if n % 5 == 0:
            event["fields"] = {"environment": "staging"}
            event["environment"] = "qa"
        if n % 7 == 0:
            event["level"] = rnd.choice(["WARN", 40, "odd", None])
            event["tags"] = "beats"
        if n % 11 == 0:
            event[METADATA]["source_id"] = b""
    return events


# --- randomised edge cases ------------------------------------------------------------------

_KEY_WORDS = (
    "service service_name serviceName environment env version service_version serviceVersion "
    "level log.level severity loglevel log_level lvl levelname "
    "trace_id traceId traceID trace.id span_id spanId spanID span.id transaction_id "
    "transactionId request_id requestId req_id reqId user_id userId "
    "method http_method httpMethod req statusCode status_code status http_status res "
    "duration_ns durationNs duration_us durationUs duration_ms durationMs responseTime "
    "response_time latency_ms duration_s duration_secs duration "
    "url path originalUrl route endpoint model ai_model aiModel llm_model provider ai_provider "
    "aiProvider input_tokens prompt_tokens promptTokens inputTokens output_tokens "
    "completion_tokens completionTokens outputTokens event action logger logger_name "
    "loggerName pid hostname host error err exception stack stack_trace stackTrace stacktrace "
    "type data meta context timestamp @timestamp message msg log_message app tags "
    "gen_ai http log_message timestamp extra"
)
_KEYS = _KEY_WORDS.split()
_STRINGS = (
    "", "  ", "x", "info", "INFO", "Warning", "eror", "CRIT", "odd", "42", "-3", " 7 ", "1.5",
    "nan", "1e400", "GET", "post", "TOOLONGMETHOD", "/api/v1/x?q=1&b=2", "/health",
    "https://h/p?x", "business_event", "security_event", "performance_event", "ERROR",
    "2025-09-12T10:00:00.000Z", "2025-09-12 10:00:00", "Traceback (most recent call last):",
)
_SCALARS: tuple[Any, ...] = (
    0, 1, 7, 30, 40, 60, 200, 404, 99, 600, -1, 2**64 - 1, 1.5, 2.0, -0.5, 1e19, True, False, None,
)


def _value(rnd: random.Random, depth: int = 0) -> Any:
    """A random JSON value leaning to the shapes the steps care about."""
    pick = rnd.random()
    if pick < 0.45:
        return rnd.choice(_STRINGS)
    if pick < 0.75 or depth > 1:
        return rnd.choice(_SCALARS)
    if pick < 0.85:
        return [rnd.choice(_STRINGS) for _ in range(rnd.randint(0, 3))]
    keys = rnd.sample([*_KEYS, "name", "code", "errno", "class", "errorType", "reason"], 3)
    return {k: _value(rnd, depth + 1) for k in keys[: rnd.randint(0, 3)]}


def _edge_line(rnd: random.Random) -> str:
    """One JSON log line of random keys, a bracketed line or a multiline record."""
    pick = rnd.random()
    if pick < 0.1:
        frames = "\n    at a.b(C.java:1)\n    at d.e(F.java:2)"
        return f"[2025-09-12T10:00:00.123Z] ERROR boom{frames if rnd.random() < 0.5 else ''}"
    if pick < 0.15:
        return "Exception in x\nTraceback (most recent call last):\n  File \"a.py\", line 1"
    if pick < 0.18:
        return rnd.choice(["", "   ", "not json {", "{\"a\":"])
    doc = {k: _value(rnd) for k in rnd.sample(_KEYS, rnd.randint(1, 12))}
    return orjson.dumps(doc, option=orjson.OPT_NON_STR_KEYS).decode()


def edge_events(n: int, seed: int) -> list[Event]:
    """``n`` randomised events covering the steps' branches (top-level fields included)."""
    rnd = random.Random(seed)
    events = beats_events([_edge_line(rnd) for _ in range(n)], rnd)
    for n_, event in enumerate(events):
        if n_ % 13 == 0:
            event["message"] = event["message"].encode()
        if n_ % 17 == 0:
            del event["message"]
        if n_ % 19 == 0:
            event["service"] = rnd.choice(["root-svc", {"name": "obj"}, 3])
        if n_ % 23 == 0:
            event["http"] = {"version": "1.1"}
    return events


def check_set() -> list[Event]:
    """The fixed events whose output ``--record``/``--check`` compare."""
    rnd = random.Random(3)
    return [
        *file_events(list(generate(20_000, seed=7))),
        *beats_events(list(generate(5_000, seed=11)), rnd),
        *edge_events(8_000, seed=5),
    ]


# --- golden output --------------------------------------------------------------------------


def _default(value: object) -> object:
    if isinstance(value, bytes | bytearray):
        return {"bytes": bytes(value).hex()}
    return repr(value)


def outputs(chain: Chain, events: list[Event]) -> Iterator[bytes]:
    """Each event's processed form (or its drop reason) as one sorted-key JSON line."""
    option = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS
    for event in events:
        doc = event
        try:
            for step in chain.steps:
                doc = step(doc)
        except DropEvent as drop:
            yield orjson.dumps({"dropped": drop.reason}, option=option)
            continue
        yield orjson.dumps(doc, option=option, default=_default)


def record(path: str) -> None:
    chain = Chain(build_steps(LumberyardConfig()))
    with open(path, "wb") as out:
        for line in outputs(chain, check_set()):
            out.write(line + b"\n")


def check(path: str) -> int:
    """0 when the chain's output equals the golden file byte for byte, else 1 (first diff)."""
    chain = Chain(build_steps(LumberyardConfig()))
    with open(path, "rb") as golden:
        expected = golden.read().splitlines()
    actual = list(outputs(chain, check_set()))
    for n, (want, got) in enumerate(zip(expected, actual, strict=False)):
        if want != got:
            print(f"event {n} differs:\n  golden: {want.decode()}\n  now:    {got.decode()}")
            return 1
    if len(expected) != len(actual):
        print(f"{len(expected)} golden lines, {len(actual)} now")
        return 1
    print(f"identical: {len(actual)} events")
    return 0


# --- timing ---------------------------------------------------------------------------------


def _time_steps(steps: list[Step], events: list[Event]) -> list[float]:
    """CPU seconds of each step over the whole batch, dropped events leaving the batch."""
    costs: list[float] = []
    for step in steps:
        kept: list[Event] = []
        start = time.process_time()
        for event in events:
            try:  # noqa: SIM105 - contextlib.suppress would add its cost to every timed call
                kept.append(step(event))
            except DropEvent:
                pass
        costs.append(time.process_time() - start)
        events = kept
    return costs


def _time_chain(chain: Chain, events: list[Event]) -> float:
    start = time.process_time()
    for event in events:
        chain.run(event)
    return time.process_time() - start


def _leaves(steps: list[Step]) -> list[Step]:
    """The steps with composite ones (``MapLogKeys``, which has ``steps``) opened up."""
    return [leaf for step in steps for leaf in getattr(step, "steps", (step,))]


def _time_batches(chain: Chain, corpus: list[str], size: int) -> float:
    """CPU seconds of ``Chain.apply`` over batches of ``size``, each let go once done.

    The way a worker runs: a bounded batch lives while it is processed and sent, so the
    collector does not keep walking every event seen so far (as it does over one big list).
    """
    total = 0.0
    for start in range(0, len(corpus), size):
        batch = Batch(file_events(corpus[start : start + size]))
        begin = time.process_time()
        chain.apply(batch)
        total += time.process_time() - begin
    return total


def _time_passes(chain: Chain, corpus: list[str], size: int) -> list[float]:
    """CPU seconds of each of :meth:`Chain.apply`'s passes (a step's ``run_batch`` where it has
    one) over batches of ``size``: what each step costs the way a worker runs it; last, the
    Elasticsearch sink's encoding of what the chain made (``BulkEncoder.encode``)."""
    costs = [0.0] * (len(chain.steps) + 1)
    encode = BulkEncoder().encode
    for start in range(0, len(corpus), size):
        events = file_events(corpus[start : start + size])
        for n, run_pass in enumerate(chain.passes):
            begin = time.process_time()
            events = run_pass(events)
            costs[n] += time.process_time() - begin
        begin = time.process_time()
        for event in events:
            encode(event)
        costs[-1] += time.process_time() - begin
    return costs


def _best(steps: list[Step], corpus: list[str], repeat: int) -> list[float]:
    """Each step's best CPU seconds over ``repeat`` runs of :func:`_time_steps`."""
    runs = (_time_steps(steps, file_events(corpus)) for _ in range(repeat))
    return [min(costs) for costs in zip(*runs, strict=True)]


def _name(step: Step) -> str:
    return str(getattr(step, "name", type(step).__name__))


def bench(lines: int, seed: int, repeat: int) -> None:
    """Print per-step and whole-chain cost (best of ``repeat``) over ``lines`` corpus lines.

    A composite step is shown by its parts, each run as a step of its own (fetching the log's
    keys itself), then as the one step the chain runs, after its parts' rows.
    """
    corpus = list(generate(lines, seed=seed))
    chain = Chain(build_steps(LumberyardConfig()))
    top = list(chain.steps)
    leaves = _leaves(top)
    per_leaf = dict(zip(map(id, leaves), _best(leaves, corpus, repeat), strict=True))
    per_top = _best(top, corpus, repeat)
    whole = min(_time_chain(chain, file_events(corpus)) for _ in range(repeat))
    batched = min(_time_batches(chain, corpus, BATCH) for _ in range(repeat))
    runs = (_time_passes(chain, corpus, BATCH) for _ in range(repeat))
    passes = [min(costs) for costs in zip(*runs, strict=True)]
    us = 1e6 / lines
    print(f"{lines} events (corpus seed {seed}), best of {repeat}, CPU us/event")
    print(f"{'step':28} {'us/event':>9}")
    for step, cost in zip(top, per_top, strict=True):
        parts = getattr(step, "steps", ())
        for part in parts:
            print(f"  {_name(part):26} {per_leaf[id(part)] * us:9.2f}")
        label = f"{_name(step)} (= the above)" if parts else _name(step)
        print(f"{label:28} {cost * us:9.2f}")
    print(f"{'sum of the chain steps':28} {sum(per_top) * us:9.2f}")
    print(f"{'whole chain, one list':28} {whole * us:9.2f}   "
          f"{lines / whole:,.0f} events/s  (Chain.run over all {lines} events held at once)")
    print(f"{'whole chain, batched':28} {batched * us:9.2f}   "
          f"{lines / batched:,.0f} events/s  (Chain.apply, batches of {BATCH} let go)")
    print(f"Chain.apply's passes, batches of {BATCH}, CPU us/event")
    for step, cost in zip(top, passes[:-1], strict=True):
        print(f"  {_name(step) + ' pass':26} {cost * us:9.2f}")
    print(f"{'then BulkEncoder.encode':28} {passes[-1] * us:9.2f}   (the sink's bulk lines)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--record", metavar="GOLDEN", help="write the check set's output here")
    parser.add_argument("--check", metavar="GOLDEN", help="compare the check set's output")
    args = parser.parse_args(argv)
    if args.record:
        record(args.record)
        return 0
    if args.check:
        return check(args.check)
    bench(args.lines, args.seed, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
