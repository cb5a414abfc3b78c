"""How to reach Elasticsearch and Kafka: one model each, shared by every command.

Defaults follow the product brief: Elasticsearch on 127.0.0.1:9200, Kafka on 127.0.0.1:9092.
Elasticsearch is reached the ways clusters are deployed: several hosts (tried in turn when one
is down), Elastic Cloud's ``cloud_id``, an API key or basic auth, a CA file or the server
certificate's SHA-256 fingerprint. Secrets come from the environment or from files
(``*_file``), never from argv only, and never appear in a repr, a log line or ``check``'s output.
"""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pipeline._defaults import DEFAULT_DATA_DIR, DEFAULT_ES_URL, DEFAULT_KAFKA_BOOTSTRAP
from pipeline.errors import ConfigError
from pipeline.redact import redact

__all__ = [
    "DEFAULT_DATA_DIR",
    "DEFAULT_ES_URL",
    "DEFAULT_KAFKA_BOOTSTRAP",
    "EsConnection",
    "KafkaConnection",
    "cloud_id_url",
    "read_secret",
]

_FINGERPRINT = re.compile(r"^(?:[0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$")


def cloud_id_url(cloud_id: str) -> str:
    """The Elasticsearch URL an Elastic Cloud ``cloud_id`` (``name:base64(host$es$kibana)``)
    stands for: ``https://<es uuid>.<host>:<port, 443 by default>``."""
    _, _, encoded = cloud_id.rpartition(":")
    try:
        decoded = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ValueError("cloud_id is not 'name:base64(host$es_uuid$kibana_uuid)'") from exc
    parts = decoded.split("$")
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise ValueError("cloud_id does not name a host and an Elasticsearch id")
    host, _, port = parts[0].partition(":")
    return f"https://{parts[1]}.{host}:{port or 443}"


def read_secret(value: str | None, path: Path | None, what: str) -> str | None:
    """A secret given directly or in a file (the file wins; one trailing newline is dropped)."""
    if path is None:
        return value
    try:
        return path.read_text(encoding="utf-8").rstrip("\r\n")
    except OSError as exc:
        raise ConfigError(f"{what}: cannot read {path}: {exc.strerror or exc}") from exc


class EsConnection(BaseModel):
    """Where Elasticsearch is and how to authenticate to it."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(default=DEFAULT_ES_URL, description="Elasticsearch URL (env ES_URL).")
    hosts: list[str] = Field(
        default_factory=list,
        description="Several Elasticsearch URLs of one cluster, tried in turn when one does "
        "not answer; overrides url.",
    )
    cloud_id: str | None = Field(
        default=None, description="Elastic Cloud deployment id; overrides url and hosts."
    )
    api_key: str | None = Field(
        default=None, repr=False, description="API key, base64 'id:key' (env ES_API_KEY)."
    )
    api_key_file: Path | None = Field(
        default=None, description="Read the API key from this file (wins over api_key)."
    )
    user: str | None = Field(default=None, description="Basic-auth user (env ES_USER).")
    password: str | None = Field(
        default=None, repr=False, description="Basic-auth password (env ES_PASSWORD)."
    )
    password_file: Path | None = Field(
        default=None, description="Read the basic-auth password from this file."
    )
    ca: Path | None = Field(default=None, description="CA certificate file for https (env ES_CA).")
    ssl_fingerprint: str | None = Field(
        default=None,
        description="SHA-256 fingerprint (hex, colons optional) of the server's own TLS "
        "certificate, pinned instead of checking a CA (`openssl x509 -fingerprint -sha256`); "
        "not the CA fingerprint Elasticsearch prints at first start: use `ca` with its "
        "http_ca.crt for that.",
    )
    request_timeout_secs: float = Field(default=30.0, description="Per-request timeout in seconds.")

    @field_validator("ssl_fingerprint")
    @classmethod
    def _fingerprint(cls, value: str | None) -> str | None:
        if value is not None and not _FINGERPRINT.match(value.strip()):
            raise ValueError("ssl_fingerprint must be 64 hex digits (SHA-256), colons optional")
        return None if value is None else value.strip().replace(":", "").lower()

    @field_validator("cloud_id")
    @classmethod
    def _cloud_id(cls, value: str | None) -> str | None:
        if value is not None:
            cloud_id_url(value)
        return value

    def urls(self) -> list[str]:
        """The URLs to try, in order (cloud_id, else hosts, else url), without trailing '/'."""
        if self.cloud_id:
            return [cloud_id_url(self.cloud_id)]
        return [u.rstrip("/") for u in (self.hosts or [self.url])]

    def secret_api_key(self) -> str | None:
        """The API key (from its file when one is set)."""
        return read_secret(self.api_key, self.api_key_file, "elasticsearch.api_key_file")

    def secret_password(self) -> str | None:
        """The basic-auth password (from its file when one is set)."""
        return read_secret(self.password, self.password_file, "elasticsearch.password_file")

    def client_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``elasticsearch.Elasticsearch`` / ``AsyncElasticsearch``."""
        kwargs: dict[str, Any] = {"request_timeout": self.request_timeout_secs}
        if self.cloud_id:
            kwargs["cloud_id"] = self.cloud_id
        else:
            kwargs["hosts"] = self.urls()
        if api_key := self.secret_api_key():
            kwargs["api_key"] = api_key
        elif self.user is not None:
            kwargs["basic_auth"] = (self.user, self.secret_password() or "")
        if self.ca is not None:
            kwargs["ca_certs"] = str(self.ca)
        if self.ssl_fingerprint is not None:
            kwargs["ssl_assert_fingerprint"] = self.ssl_fingerprint
        return kwargs

    def describe(self) -> str:
        """Where, and how authenticated, for messages: never a secret."""
        auth = "api key" if (self.api_key or self.api_key_file) else (
            f"user {self.user!r}" if self.user is not None else "no auth"
        )
        return redact(f"{', '.join(self.urls())} ({auth})")  # a URL may carry a password


class KafkaConnection(BaseModel):
    """Where Kafka is."""

    model_config = ConfigDict(extra="forbid")

    bootstrap_servers: str = Field(
        default=DEFAULT_KAFKA_BOOTSTRAP,
        description="Comma-separated host:port list (env KAFKA_BOOTSTRAP).",
    )
