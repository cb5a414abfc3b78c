"""The sink's only I/O: HTTP requests to Elasticsearch, carrying the encoder's bytes as they are.

aiohttp is used directly (rather than the official client's bulk helper) so the NDJSON body
built by the encoder is sent without a second serialisation; connection counts follow
``max_in_flight``. Foreign exceptions become :class:`NotConnected` (refused, reset, DNS) or
:class:`RetriableDeliveryError` (timeouts, truncated bodies) here, at the boundary.

Several hosts (``hosts``, or the one ``cloud_id`` names) fail over: a request that cannot
connect goes to the next host at once (it never reached a server, so sending it again is
safe); a host that drops a connection or times out is left for the next one too, and the
error goes up to be retried with backoff (a resend of ``create`` items with their
deterministic ``_id`` cannot duplicate). With ``ssl_fingerprint`` the server certificate's
SHA-256 is pinned (aiohttp's ``Fingerprint``) instead of checked against a CA.
"""

from __future__ import annotations

import asyncio
import base64
import ssl
import time
import warnings
import zlib
from collections.abc import Callable
from typing import Any

import aiohttp
import orjson

from pipeline.connections import EsConnection
from pipeline.errors import NotConnected, RetriableDeliveryError
from pipeline.outputs.elasticsearch._classifier import FILTER_PATH
from pipeline.outputs.elasticsearch._config import ElasticsearchOutputConfig
from pipeline.redact import redact

LARGE_BODY_WARNING = "Sending a large body directly with raw bytes"
"""aiohttp warns for every request body over 1 MiB given as bytes. A bulk body is already in
memory and the transport buffers what the socket does not take at once, so one write never
blocks the loop: the warning would only repeat for every default-sized (up to 10 MiB) bulk."""
warnings.filterwarnings("ignore", message=LARGE_BODY_WARNING, category=ResourceWarning)


class _Refused(Exception):
    """The host did not accept the connection: the request never reached it."""


def gzip_body(body: bytes, level: int) -> bytes:
    """gzip framing (not raw zlib) as Elasticsearch expects for ``Content-Encoding: gzip``."""
    packer = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return packer.compress(body) + packer.flush()


class BulkService:
    """Sends bulk bodies and small JSON requests over one pooled aiohttp session."""

    def __init__(self, connection: EsConnection, config: ElasticsearchOutputConfig) -> None:
        self.connection = connection
        self.config = config
        self.urls = connection.urls()
        self._current = 0
        self._session: aiohttp.ClientSession | None = None
        self._headers = _auth_headers(connection)
        self.in_flight = 0
        """``_bulk`` requests sent and not yet answered (read by /metrics)."""
        self.on_bulk: Callable[[float], None] | None = None
        """Called with each ``_bulk`` request's duration in seconds (the metrics histogram)."""

    @property
    def base_url(self) -> str:
        """The host requests go to now (the next one after a failure), credentials masked:
        it is for messages."""
        return redact(self.urls[self._current])

    def _next_host(self, failed: int) -> None:
        """Move on from host number ``failed`` (unless another request already did)."""
        if self._current == failed:
            self._current = (failed + 1) % len(self.urls)

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self.config.max_in_flight + 2, ssl=_ssl_context(self.connection)
            )
            timeout = aiohttp.ClientTimeout(total=self.connection.request_timeout_secs)
            self._session = aiohttp.ClientSession(
                connector=connector, timeout=timeout, headers=self._headers,
                skip_auto_headers=("User-Agent",),
            )
        return self._session

    async def bulk(self, body: bytes) -> tuple[int, bytes]:
        """POST ``_bulk``; returns (HTTP status, response body). Raises only retriable errors."""
        headers = {"Content-Type": "application/x-ndjson"}
        if self.config.gzip:
            body = gzip_body(body, self.config.gzip_level)
            headers["Content-Encoding"] = "gzip"
        self.in_flight += 1
        started = time.perf_counter()
        try:
            return await self.request("POST", f"/_bulk?filter_path={FILTER_PATH}", body, headers)
        finally:
            self.in_flight -= 1
            if self.on_bulk is not None:
                self.on_bulk(time.perf_counter() - started)

    async def get_json(self, path: str) -> tuple[int, Any]:
        """GET a small JSON document (health checks); the body is ``None`` if not JSON."""
        status, raw = await self.request("GET", path, None, {})
        try:
            return status, orjson.loads(raw)
        except orjson.JSONDecodeError:
            return status, None

    async def request(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, bytes]:
        """One HTTP exchange on ``path``. A host that does not accept the connection hands the
        request to the next one (each host tried once); after any other failure the next
        request goes to the next host, and the error is raised."""
        for tried in range(1, len(self.urls) + 1):
            host = self._current
            try:
                return await self._exchange(method, self.urls[host], path, body, headers)
            except _Refused as refused:
                self._next_host(host)
                if tried == len(self.urls):
                    raise NotConnected(str(refused)) from refused.__cause__
            except (NotConnected, RetriableDeliveryError):
                self._next_host(host)
                raise
        raise AssertionError("unreachable: the last host's failure was raised")

    async def _exchange(
        self, method: str, base: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, bytes]:
        """One HTTP exchange with one host, foreign errors translated (the only place aiohttp
        is touched)."""
        try:
            async with self._open().request(
                method, base + path, data=body, headers=headers
            ) as resp:
                return resp.status, await resp.read()
        except aiohttp.ClientConnectorError as exc:
            raise _Refused(f"cannot connect to Elasticsearch at {redact(base)}: {exc}") from exc
        except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError) as exc:
            raise NotConnected(
                f"Elasticsearch at {redact(base)} dropped the connection: {exc}") from exc
        except TimeoutError as exc:
            raise RetriableDeliveryError(
                f"Elasticsearch at {redact(base)} did not answer within "
                f"{self.connection.request_timeout_secs} s"
            ) from exc
        except aiohttp.ClientError as exc:
            raise RetriableDeliveryError(
                f"HTTP exchange with {redact(base)} failed: {type(exc).__name__}: {exc}"
            ) from exc

    async def close(self) -> None:
        """Close pooled connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None
            await asyncio.sleep(0)  # let aiohttp finish closing its transports


def _auth_headers(connection: EsConnection) -> dict[str, str]:
    if api_key := connection.secret_api_key():
        return {"Authorization": f"ApiKey {api_key}"}
    if connection.user is not None:
        token = f"{connection.user}:{connection.secret_password() or ''}".encode()
        return {"Authorization": f"Basic {base64.b64encode(token).decode('ascii')}"}
    return {}


def _ssl_context(connection: EsConnection) -> ssl.SSLContext | aiohttp.Fingerprint | bool:
    if connection.ssl_fingerprint is not None:
        return aiohttp.Fingerprint(bytes.fromhex(connection.ssl_fingerprint))
    if connection.ca is None:
        return True
    return ssl.create_default_context(cafile=str(connection.ca))
