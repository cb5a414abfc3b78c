"""The Beats input: a Lumberjack v2 server that Filebeat's ``output.logstash`` ships to.

``_codec`` is the protocol as a pure state machine (bytes in, frames and events out, ACK bytes
to send), ``_server`` the asyncio server around it (:class:`BeatsInput`), ``_config`` its
settings, ``_tls`` the TLS context. Names load on first use, so reading the config model does
not import the server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline._lazy import lazy_exports

if TYPE_CHECKING:
    from pipeline.inputs.beats._codec import (
        Decoder,
        Window,
        encode_ack,
        encode_compressed,
        encode_data,
        encode_json,
        encode_window,
    )
    from pipeline.inputs.beats._config import BeatsInputConfig, BeatsTlsConfig
    from pipeline.inputs.beats._events import v1_fields, window_events
    from pipeline.inputs.beats._server import BeatsCounters, BeatsInput
    from pipeline.inputs.beats._tls import server_context

_WHERE = {
    "BeatsCounters": "_server",
    "BeatsInput": "_server",
    "BeatsInputConfig": "_config",
    "BeatsTlsConfig": "_config",
    "Decoder": "_codec",
    "Window": "_codec",
    "encode_ack": "_codec",
    "encode_compressed": "_codec",
    "encode_data": "_codec",
    "encode_json": "_codec",
    "encode_window": "_codec",
    "server_context": "_tls",
    "v1_fields": "_events",
    "window_events": "_events",
}

__all__ = [
    "BeatsCounters",
    "BeatsInput",
    "BeatsInputConfig",
    "BeatsTlsConfig",
    "Decoder",
    "Window",
    "encode_ack",
    "encode_compressed",
    "encode_data",
    "encode_json",
    "encode_window",
    "server_context",
    "v1_fields",
    "window_events",
]

__getattr__ = lazy_exports(__name__, _WHERE)
