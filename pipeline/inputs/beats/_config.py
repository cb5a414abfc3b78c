"""Settings of the Beats (Lumberjack v2) input: where it listens, its limits and TLS.

Every field has a description and a safe default so the README's configuration reference is
generated from this model. Sizes are bytes, durations seconds (``*_secs``). The limits bound
what one client can make the server hold (events per window, bytes per event, inflated bytes
per window); ``max_memory_bytes`` bounds what every connection together holds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

MIB = 1024 * 1024


class BeatsTlsConfig(BaseModel):
    """TLS for the Beats port; off unless a certificate and its key are given."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    certificate: Path | None = Field(
        default=None, description="Server certificate chain (PEM); with `key`, turns TLS on."
    )
    key: Path | None = Field(default=None, description="Private key of the certificate (PEM).")
    key_passphrase: str | None = Field(
        default=None, repr=False,
        description="Passphrase of an encrypted `key`; none = not encrypted.",
    )
    certificate_authorities: list[Path] = Field(
        default_factory=list,
        description="CA bundles (PEM) that client certificates are verified against.",
    )
    client_authentication: Literal["none", "optional", "required"] = Field(
        default="none",
        description="Client certificates: not asked for, verified when sent, or required "
        "(mutual TLS).",
    )
    min_version: Literal["1.2", "1.3"] = Field(
        default="1.2", description="Oldest TLS version accepted (never below 1.2)."
    )

    @property
    def enabled(self) -> bool:
        """TLS is on when a certificate is configured."""
        return self.certificate is not None

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if (self.certificate is None) != (self.key is None):
            raise ValueError("tls needs both certificate and key, or neither")
        if self.client_authentication != "none" and not self.certificate_authorities:
            raise ValueError(
                f"client_authentication = {self.client_authentication!r} needs "
                "certificate_authorities to verify client certificates against"
            )
        if self.client_authentication != "none" and self.certificate is None:
            raise ValueError("client_authentication needs TLS (certificate and key)")
        return self


class BeatsInputConfig(BaseModel):
    """The Lumberjack v2 server Filebeat's `output.logstash` ships to."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(default=True, description="Run the Beats input in `serve`.")
    host: str = Field(default="0.0.0.0", description="Address to listen on.")  # noqa: S104
    port: int = Field(default=5044, ge=0, le=65535, description="TCP port (0 = any free port).")
    reuse_port: bool = Field(
        default=False,
        description="Set SO_REUSEPORT so several worker processes share the port "
        "(`serve --workers`).",
    )
    max_connections: int = Field(
        default=1000, gt=0, description="Open client connections at most; more are refused."
    )
    max_events_per_window: int = Field(
        default=16384,
        gt=0,
        description="Events one window may announce (Filebeat's bulk_max_size is 2048).",
    )
    max_event_bytes: int = Field(
        default=16 * MIB,
        gt=0,
        description="Bytes of one event's JSON (or v1 key/value frame) at most.",
    )
    max_window_bytes: int = Field(
        default=64 * MIB,
        gt=0,
        description="Bytes one window may carry once inflated (a zlib bomb stops here).",
    )
    max_memory_bytes: int = Field(
        default=256 * MIB,
        gt=0,
        description="Bytes of received events (as sent, inflated JSON) held across every "
        "connection of a worker process until they are acknowledged (`serve --workers N`: N "
        "times this); when full, sockets are not read (backpressure). Decoded events take a "
        "few times their JSON size in memory. At least max_window_bytes + 1 MiB.",
    )
    max_windows_in_flight: int = Field(
        default=2,
        gt=0,
        description="Windows of one connection read ahead of their ACK (Filebeat pipelines 2).",
    )
    keepalive_interval_secs: float = Field(
        default=5.0,
        gt=0,
        description="While a window waits for delivery, an ACK of sequence 0 (a keepalive, as "
        "Logstash sends) is written this often so the client's timeout (Filebeat: 30 s) never "
        "fires.",
    )
    idle_timeout_secs: float = Field(
        default=60.0,
        gt=0,
        description="A connection that sends nothing and has nothing waiting is closed after "
        "this long.",
    )
    tls: BeatsTlsConfig = Field(default_factory=BeatsTlsConfig, description="TLS settings.")

    @model_validator(mode="after")
    def _window_fits(self) -> Self:
        if self.max_memory_bytes < self.max_window_bytes + MIB:
            raise ValueError(
                f"max_memory_bytes ({self.max_memory_bytes}) must be at least max_window_bytes "
                f"({self.max_window_bytes}) + 1 MiB, or a window could never be read whole"
            )
        if self.max_event_bytes > self.max_window_bytes:
            raise ValueError(
                f"max_event_bytes ({self.max_event_bytes}) must not exceed max_window_bytes "
                f"({self.max_window_bytes})"
            )
        return self
