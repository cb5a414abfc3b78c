"""The Kibana data view ``universal-ai-tools-*`` through Kibana's data views HTTP API.

Requests are built by pure functions (tested without a Kibana, none being available to the
tests) and sent with the standard library. The same data view ships as a Saved Objects
export in ``pipeline/setup/mappings/kibana/*.ndjson`` for a manual import.
"""

from __future__ import annotations

import base64
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import quote

import orjson

from pipeline.errors import AuthError, ConfigError, NotConnected, UnsupportedServer


@dataclass(frozen=True)
class KibanaAuth:
    """How to authenticate to Kibana: an API key, or a user and password, or nothing."""

    api_key: str | None = None
    user: str | None = None
    password: str | None = None
    ca: Path | None = None

    def headers(self) -> dict[str, str]:
        if self.api_key:
            return {"Authorization": f"ApiKey {self.api_key}"}
        if self.user is not None:
            token = base64.b64encode(f"{self.user}:{self.password or ''}".encode()).decode()
            return {"Authorization": f"Basic {token}"}
        return {}


@dataclass(frozen=True)
class DataView:
    """The data view to ensure: a stable id so re-running setup finds it again."""

    title: str = "universal-ai-tools-*"
    name: str = "universal-ai-tools"
    id: str = "universal-ai-tools"
    time_field: str = "@timestamp"


@dataclass(frozen=True)
class KibanaRequest:
    """One HTTP request to Kibana, fully built."""

    method: Literal["GET", "POST"]
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None


def _api_base(kibana_url: str, space: str | None) -> str:
    base = kibana_url.rstrip("/")
    return f"{base}/s/{quote(space, safe='')}" if space else base


def get_data_view_request(
    kibana_url: str, view: DataView, auth: KibanaAuth, space: str | None = None
) -> KibanaRequest:
    """``GET /api/data_views/data_view/<id>``: 200 if it exists, 404 if not."""
    url = f"{_api_base(kibana_url, space)}/api/data_views/data_view/{quote(view.id, safe='')}"
    return KibanaRequest("GET", url, {"Accept": "application/json", **auth.headers()})


def create_data_view_request(
    kibana_url: str, view: DataView, auth: KibanaAuth, space: str | None = None
) -> KibanaRequest:
    """``POST /api/data_views/data_view`` with the ``kbn-xsrf`` header Kibana requires."""
    body = {
        "data_view": {
            "id": view.id,
            "title": view.title,
            "name": view.name,
            "timeFieldName": view.time_field,
            "allowNoIndex": True,
        },
        "override": False,
    }
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "kbn-xsrf": "lumberyard",
        **auth.headers(),
    }
    url = f"{_api_base(kibana_url, space)}/api/data_views/data_view"
    return KibanaRequest("POST", url, headers, orjson.dumps(body))


def send(request: KibanaRequest, auth: KibanaAuth, timeout_secs: float = 30.0) -> int:
    """Send ``request``; return the HTTP status (2xx or 404). Other failures raise."""
    http = urllib.request.Request(  # noqa: S310 - the URL is the operator's --kibana-url
        request.url, data=request.body, headers=request.headers, method=request.method
    )
    context = ssl.create_default_context(cafile=str(auth.ca)) if auth.ca else None
    try:
        with urllib.request.urlopen(http, timeout=timeout_secs, context=context) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return _http_error(request, exc)
    except (urllib.error.URLError, OSError) as exc:
        raise NotConnected(f"{request.url}: cannot reach Kibana: {exc}") from exc


def _http_error(request: KibanaRequest, exc: urllib.error.HTTPError) -> int:
    if exc.code == 404 and request.method == "GET":
        return 404
    detail = exc.read(500).decode("utf-8", "replace")
    if exc.code in (401, 403):
        raise AuthError(f"{request.url}: Kibana refused the credentials ({exc.code})") from exc
    if exc.code == 404:
        raise UnsupportedServer(f"{request.url}: no data views API here (Kibana 8.x?)") from exc
    raise ConfigError(f"{request.url}: Kibana answered {exc.code}: {detail}") from exc


def ensure_data_view(
    kibana_url: str, view: DataView, auth: KibanaAuth, space: str | None = None
) -> Literal["created", "unchanged"]:
    """Create the data view unless one with its id exists already."""
    if send(get_data_view_request(kibana_url, view, auth, space), auth) != 404:
        return "unchanged"
    send(create_data_view_request(kibana_url, view, auth, space), auth)
    return "created"


def load_ndjson_data_view(path: Path) -> DataView:
    """The data view a Saved Objects ``.ndjson`` export defines (validates the file)."""
    objects = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    views = [o for o in objects if isinstance(o, dict) and o.get("type") == "index-pattern"]
    if len(views) != 1:
        raise ConfigError(f"{path}: expected exactly one index-pattern object, got {len(views)}")
    attributes = views[0]["attributes"]
    return DataView(
        title=attributes["title"],
        name=attributes.get("name", attributes["title"]),
        id=views[0]["id"],
        time_field=attributes["timeFieldName"],
    )
