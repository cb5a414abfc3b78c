"""Commands' Elasticsearch options over the config file's [elasticsearch] connection."""

from __future__ import annotations

from pathlib import Path

from pipeline.cli.common import es_connection
from pipeline.connections import DEFAULT_ES_URL, EsConnection

FILE = EsConnection(hosts=["https://es1:9200", "https://es2:9200"], user="ops",
                    ca=Path("/etc/ca.pem"))


def test_the_file_is_kept_when_no_option_is_given() -> None:
    """Default URL, no credentials given: the file's hosts, user and CA."""
    assert FILE == es_connection(base=FILE)


def test_options_win() -> None:
    """A URL of its own replaces the hosts; a user given replaces the file's."""
    conn = es_connection(url="http://other:9200", user="admin", password="pw", base=FILE)
    assert (["http://other:9200"], "admin", Path("/etc/ca.pem")) == (
        conn.urls(), conn.user, conn.ca
    )


def test_without_a_file_the_defaults() -> None:
    assert [DEFAULT_ES_URL] == es_connection().urls()
