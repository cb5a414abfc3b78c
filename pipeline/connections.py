"""How to reach Elasticsearch and Kafka: one model each, shared by every command.

Defaults follow the product brief: Elasticsearch on 127.0.0.1:9200, Kafka on 127.0.0.1:9092.
Secrets may come from the environment or from a file (``*_file`` options), never from argv only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from pipeline._defaults import DEFAULT_DATA_DIR, DEFAULT_ES_URL, DEFAULT_KAFKA_BOOTSTRAP

__all__ = [
    "DEFAULT_DATA_DIR",
    "DEFAULT_ES_URL",
    "DEFAULT_KAFKA_BOOTSTRAP",
    "EsConnection",
    "KafkaConnection",
]


class EsConnection(BaseModel):
    """Where Elasticsearch is and how to authenticate to it."""

    url: str = Field(default=DEFAULT_ES_URL, description="Elasticsearch URL (env ES_URL).")
    api_key: str | None = Field(
        default=None, description="API key, base64 'id:key' (env ES_API_KEY)."
    )
    user: str | None = Field(default=None, description="Basic-auth user (env ES_USER).")
    password: str | None = Field(default=None, description="Basic-auth password (env ES_PASSWORD).")
    ca: Path | None = Field(default=None, description="CA certificate file for https (env ES_CA).")
    request_timeout_secs: float = Field(default=30.0, description="Per-request timeout in seconds.")

    def client_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``elasticsearch.Elasticsearch`` / ``AsyncElasticsearch``."""
        kwargs: dict[str, Any] = {
            "hosts": [self.url],
            "request_timeout": self.request_timeout_secs,
        }
        if self.api_key:
            kwargs["api_key"] = self.api_key
        elif self.user is not None:
            kwargs["basic_auth"] = (self.user, self.password or "")
        if self.ca is not None:
            kwargs["ca_certs"] = str(self.ca)
        return kwargs


class KafkaConnection(BaseModel):
    """Where Kafka is."""

    bootstrap_servers: str = Field(
        default=DEFAULT_KAFKA_BOOTSTRAP,
        description="Comma-separated host:port list (env KAFKA_BOOTSTRAP).",
    )
