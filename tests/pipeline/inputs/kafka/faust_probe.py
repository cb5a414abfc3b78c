"""Print the offset faust-streaming's consumer would commit (helper of test_kafka_faust_commit).

``python faust_probe.py COMMITTED ACKED...``: COMMITTED is the partition's committed offset
(``None`` for a new group), ACKED the offsets acknowledged since. No broker is contacted.
"""

from __future__ import annotations

import asyncio
import sys

import faust
from faust.types import TP, Message

TOPIC = "faust-proof"


async def new_offset(committed: int | None, acked: list[int]) -> int | None:
    """faust's ``Consumer._new_offset`` for partition 0 after ``acked`` were acknowledged."""
    app = faust.App(
        "lumberyard-faust-proof", broker="kafka://127.0.0.1:1", web_enabled=False,
        loop=asyncio.get_running_loop(),
    )
    app.topics.add(app.topic(TOPIC, value_serializer="raw"))
    await app.topics._update_indices()  # what subscribing does: acks enabled for the topic
    consumer = app.consumer
    tp = TP(TOPIC, 0)
    if committed is not None:
        consumer._committed_offset[tp] = committed
    for offset in acked:
        consumer.ack(Message(TOPIC, 0, offset, 0.0, 0, {}, None, b"x", None, tp=tp))
    result: int | None = consumer._new_offset(tp)
    return result


if __name__ == "__main__":
    committed = None if sys.argv[1] == "None" else int(sys.argv[1])
    print(asyncio.run(new_offset(committed, [int(a) for a in sys.argv[2:]])))
