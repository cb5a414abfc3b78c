"""Settings of the Kafka input (``[inputs.kafka]``): where, which topics, which group, limits.

Every field has a description and a default. Durations are seconds (``*_secs``), sizes bytes.
Security options are the ones aiokafka offers: ``security_protocol`` PLAINTEXT / SSL /
SASL_PLAINTEXT / SASL_SSL, SASL PLAIN or SCRAM with a user and a password (inline, from
``KAFKA_SASL_PASSWORD`` or from a file), and TLS with a CA file and an optional client cert.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pipeline._defaults import DEFAULT_KAFKA_BOOTSTRAP

MIB = 1024 * 1024


class KafkaInputConfig(BaseModel):
    """A consumer group reading log records from Kafka topics."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(
        default=False, description="Consume Kafka in `lumberyard serve` (also `--kafka`)."
    )
    name: str = Field(default="kafka", description="Name of this input in counters and logs.")
    bootstrap_servers: str | None = Field(
        default=None,
        description="Comma-separated host:port list (`--kafka-bootstrap`); unset: the "
        "`[kafka]` section's (env KAFKA_BOOTSTRAP, default "
        f"{DEFAULT_KAFKA_BOOTSTRAP}).",
    )
    topics: list[str] = Field(
        default_factory=lambda: ["logs-raw"], description="Topics to consume (`--kafka-topic`)."
    )
    topic_pattern: str | None = Field(
        default=None,
        description="A regular expression of topic names to consume instead of `topics`; "
        "new matching topics join the subscription.",
    )
    group: str = Field(
        default="lumberyard",
        description="Consumer group id (`--kafka-group`); a new group starts from the earliest "
        "offset.",
    )
    client_id: str = Field(default="lumberyard", description="Client id shown to the brokers.")
    max_batch_records: int = Field(
        default=2000, gt=0, description="Most records one fetch hands on (one batch per partition)."
    )
    max_buffered_bytes: int = Field(
        default=16 * MIB,
        gt=0,
        description="Fetched record bytes waiting for the pipeline; past this the consumer "
        "pauses its partitions (and keeps polling, so it stays in the group).",
    )
    max_value_bytes: int = Field(
        default=1 * MIB,
        gt=0,
        description="A record value larger than this is dead-lettered, not indexed.",
    )
    max_partition_fetch_bytes: int = Field(
        default=1 * MIB, gt=0, description="Most bytes one fetch asks per partition."
    )
    fetch_max_wait_secs: float = Field(
        default=0.5, gt=0, description="How long the broker may hold a fetch for new records."
    )
    commit_interval_secs: float = Field(
        default=1.0,
        gt=0,
        description="Acknowledged offsets are committed at most this often (and on revoke/stop).",
    )
    session_timeout_secs: float = Field(
        default=10.0, gt=0, description="The group drops a member silent this long (heartbeats)."
    )
    heartbeat_interval_secs: float = Field(
        default=3.0, gt=0, description="How often the member heartbeats to the group coordinator."
    )
    max_poll_interval_secs: float = Field(
        default=300.0,
        gt=0,
        description="Longest gap between polls before the member leaves the group; the input "
        "polls while paused, so an output outage does not count.",
    )
    revoke_wait_secs: float = Field(
        default=10.0,
        ge=0,
        description="On a rebalance, how long to wait for in-flight batches of revoked "
        "partitions to be delivered (then committed); the rest stay uncommitted.",
    )
    multiline_flush_secs: float = Field(
        default=5.0,
        gt=0,
        description="Raw lines are joined into multiline events (`[parsers.multiline]`) per "
        "partition; an event still open is handed on once its partition brought no record "
        "for this long (Filebeat's multiline.timeout), and at stop. Its records are "
        "committed only once it is delivered.",
    )
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        default="PLAINTEXT", description="How to talk to the brokers."
    )
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = Field(
        default="PLAIN", description="SASL mechanism for the SASL_* protocols."
    )
    sasl_username: str | None = Field(default=None, description="SASL user name.")
    sasl_password: str | None = Field(
        default=None, repr=False,
        description="SASL password (else env KAFKA_SASL_PASSWORD or the file).",
    )
    sasl_password_file: Path | None = Field(
        default=None, description="File whose first line is the SASL password."
    )
    ssl_cafile: Path | None = Field(
        default=None, description="CA certificate(s) to verify the brokers (SSL, SASL_SSL)."
    )
    ssl_certfile: Path | None = Field(
        default=None, description="Client certificate for mutual TLS (PEM)."
    )
    ssl_keyfile: Path | None = Field(default=None, description="Key of the client certificate.")
    ssl_check_hostname: bool = Field(
        default=True, description="Check that a broker's certificate names its host."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if not self.topics and self.topic_pattern is None:
            raise ValueError("give at least one topic or a topic_pattern")
        if self.heartbeat_interval_secs >= self.session_timeout_secs:
            raise ValueError("heartbeat_interval_secs must be below session_timeout_secs")
        if self.security_protocol.startswith("SASL") and not self.sasl_username:
            raise ValueError(f"security_protocol {self.security_protocol} needs sasl_username")
        if self.ssl_keyfile is not None and self.ssl_certfile is None:
            raise ValueError("ssl_keyfile needs ssl_certfile")
        return self

    def bootstrap(self) -> str:
        """``bootstrap_servers``, else ``KAFKA_BOOTSTRAP``, else the default address."""
        env = os.environ.get("KAFKA_BOOTSTRAP")
        return self.bootstrap_servers or env or DEFAULT_KAFKA_BOOTSTRAP

    def password(self) -> str | None:
        """The SASL password: inline, else ``KAFKA_SASL_PASSWORD``, else the file's first line."""
        if self.sasl_password is not None:
            return self.sasl_password
        if env := os.environ.get("KAFKA_SASL_PASSWORD"):
            return env
        if self.sasl_password_file is not None:
            return self.sasl_password_file.read_text(encoding="utf-8").splitlines()[0]
        return None
