"""How Elasticsearch is reached: hosts, cloud_id, API key / basic auth from values or files,
a pinned certificate; secrets never in a repr or a description."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from pydantic import ValidationError

from pipeline.connections import EsConnection, cloud_id_url
from pipeline.outputs.elasticsearch._service import _auth_headers

FINGERPRINT = "AB:" * 31 + "CD"


def _cloud_id(host: str) -> str:
    raw = f"{host}$es0uuid$kibana0uuid".encode()
    return "my-deployment:" + base64.b64encode(raw).decode().rstrip("=")


def test_cloud_id_names_the_es_url() -> None:
    """name:base64(host$es$kibana) -> https://es.host:443, or the port the host carries."""
    assert "https://es0uuid.eu-west-1.aws.found.io:443" == cloud_id_url(
        _cloud_id("eu-west-1.aws.found.io")
    )
    assert "https://es0uuid.example.com:9243" == cloud_id_url(_cloud_id("example.com:9243"))
    with pytest.raises(ValidationError, match="cloud_id"):
        EsConnection(cloud_id="name:not-base64!")


def test_urls_in_order_of_precedence() -> None:
    """cloud_id over hosts over url; trailing slashes dropped."""
    assert ["http://a:9200"] == EsConnection(url="http://a:9200/").urls()
    both = EsConnection(url="http://x", hosts=["http://a:1/", "http://b:2"])
    assert ["http://a:1", "http://b:2"] == both.urls()
    cloud = EsConnection(hosts=["http://a:1"], cloud_id=_cloud_id("c.io"))
    assert ["https://es0uuid.c.io:443"] == cloud.urls()
    assert {"cloud_id", "request_timeout"} <= set(cloud.client_kwargs())


def test_secret_files_win_and_stay_hidden(tmp_path: Path) -> None:
    """api_key_file / password_file are read (one trailing newline dropped); neither value
    shows in repr or describe()."""
    key_file = tmp_path / "key"
    key_file.write_text("S3CRET-KEY\n", encoding="utf-8")
    conn = EsConnection(api_key="ignored", api_key_file=key_file)
    assert ("S3CRET-KEY", {"Authorization": "ApiKey S3CRET-KEY"}) == (
        conn.client_kwargs()["api_key"], _auth_headers(conn)
    )
    pw_file = tmp_path / "pw"
    pw_file.write_text("S3CRET-PW\n", encoding="utf-8")
    basic = EsConnection(user="elastic", password_file=pw_file)
    token = base64.b64encode(b"elastic:S3CRET-PW").decode()
    assert ({"Authorization": f"Basic {token}"}, ("elastic", "S3CRET-PW")) == (
        _auth_headers(basic), basic.client_kwargs()["basic_auth"]
    )
    shown = repr(conn) + repr(basic) + conn.describe() + basic.describe()
    assert (False, False) == ("S3CRET-KEY" in shown, "S3CRET-PW" in shown)


def test_fingerprint_is_normalised_and_checked() -> None:
    """Colons and case do not matter; a wrong length is refused."""
    conn = EsConnection(url="https://es:9200", ssl_fingerprint=FINGERPRINT)
    assert "ab" * 31 + "cd" == conn.client_kwargs()["ssl_assert_fingerprint"]
    with pytest.raises(ValidationError, match="64 hex digits"):
        EsConnection(ssl_fingerprint="AB:CD")
