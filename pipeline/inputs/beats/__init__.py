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
    from pipeline.inputs.beats._config import BeatsInputConfig, BeatsTlsConfig

_WHERE = {
    "BeatsInputConfig": "_config",
    "BeatsTlsConfig": "_config",
}

__all__ = ["BeatsInputConfig", "BeatsTlsConfig"]

__getattr__ = lazy_exports(__name__, _WHERE)
