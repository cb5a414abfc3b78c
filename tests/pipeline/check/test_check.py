"""`lumberyard check`: every mistake of a config, each with where it is, and a non-zero exit."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from pipeline.check import check_config, kafka_bootstrap
from pipeline.cli import app
from pipeline.config import parse_config

BROKEN = """\
[parsers]
timezone = "UTC"

[[parsers.grammars]]
name = "nginx"
pattern = "%{IPORHOST:client} %{NOSUCH:x}"

[[parsers.grammars]]
name = "paren"
pattern = "(abc %{WORD:w}"

[enrich]
index_prefx = "x-"

[elasticsearch]
max_events = "many"

[kafka]
bootstrap_servers = "127.0.0.1:9092"
ca = "/nonexistent/ca.pem"

[dlqq]
x = 1
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lumberyard.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_mistake_is_reported_with_its_line(tmp_path: Path) -> None:
    """Unknown keys with a suggestion, a wrong type, both bad grammars: all at once."""
    path = _write(tmp_path, BROKEN)
    found = [str(f) for f in check_config(path, {}).problems]
    assert [
        f"{path}:13: enrich.index_prefx: Extra inputs are not permitted "
        "(did you mean 'index_prefix'?)",
        f"{path}:16: elasticsearch.max_events: Input should be a valid integer, unable to "
        "parse string as an integer",
        f"{path}:20: kafka.ca: Extra inputs are not permitted",
        f"{path}:22: dlqq: Extra inputs are not permitted (did you mean 'dlq'?)",
        f"{path}:6: parsers.grammars.0.pattern: grammar 'nginx': unknown pattern %{{NOSUCH}} "
        "at position 19 of its pattern",
    ] == found[:5]
    assert found[5].startswith(
        f"{path}:10: parsers.grammars.1.pattern: grammar 'paren': missing ), unterminated "
        "subpattern at position 0"
    )
    assert 6 == len(found)


def test_missing_certificate_and_secret_files(tmp_path: Path) -> None:
    """A CA file or a password file that is not there is named with its key and line."""
    path = _write(
        tmp_path,
        '[elasticsearch]\nuser = "u"\npassword_file = "/nope/pw"\nca = "/nope/ca.pem"\n',
    )
    assert [
        f"{path}:3: elasticsearch.password_file: file /nope/pw does not exist (or is not a file)",
        f"{path}:4: elasticsearch.ca: file /nope/ca.pem does not exist (or is not a file)",
    ] == [str(f) for f in check_config(path, {}).problems]


def test_missing_beats_tls_files(tmp_path: Path) -> None:
    """The Beats input's certificate, key and CA bundle are checked too."""
    cert = tmp_path / "cert.pem"
    cert.write_text("x", encoding="utf-8")
    path = _write(
        tmp_path,
        f'[inputs.beats.tls]\ncertificate = "{cert}"\nkey = "/nope/key.pem"\n'
        'certificate_authorities = ["/nope/ca.pem"]\nclient_authentication = "required"\n',
    )
    assert [
        f"{path}:3: inputs.beats.tls.key: file /nope/key.pem does not exist (or is not a file)",
        f"{path}:4: inputs.beats.tls.certificate_authorities.0: file /nope/ca.pem does not "
        "exist (or is not a file)",
    ] == [str(f) for f in check_config(path, {}).problems]


def test_missing_kafka_tls_files(tmp_path: Path) -> None:
    """The Kafka input's CA, certificate and key files are checked."""
    path = _write(tmp_path, '[inputs.kafka]\nssl_cafile = "/nope/ca.pem"\n')
    assert [
        f"{path}:2: inputs.kafka.ssl_cafile: file /nope/ca.pem does not exist (or is not a file)"
    ] == [str(f) for f in check_config(path, {}).problems]


def test_environment_mistakes(tmp_path: Path) -> None:
    """A misspelt variable gets the closest name; a bad value names its variable."""
    environ = {
        "LUMBERYARD_ELASTICSEARCH_MAX_EVENT": "3",
        "LUMBERYARD_ELASTICSEARCH_GZIP": "perhaps",
    }
    assert [
        "env LUMBERYARD_ELASTICSEARCH_MAX_EVENT: sets no option "
        "(did you mean LUMBERYARD_ELASTICSEARCH_MAX_EVENTS?)",
        "env LUMBERYARD_ELASTICSEARCH_GZIP: elasticsearch.gzip: Input should be a valid "
        "boolean, unable to interpret input",
    ] == [str(f) for f in check_config(None, environ).problems]


def test_bad_toml_names_the_line(tmp_path: Path) -> None:
    """A syntax error is one problem at its line."""
    path = _write(tmp_path, '[enrich]\nindex_prefix = "x\n')
    found = check_config(path, {}).problems
    assert [f"{path}:2"] == [f.where for f in found]


def test_secrets_are_never_printed(tmp_path: Path) -> None:
    """Even a secret set where it is not allowed does not appear in the report."""
    path = _write(tmp_path, '[kafka]\npassword = "S3CRET"\n[elasticsearch]\napi_key = 5\n')
    result = CliRunner().invoke(app, ["check", "--config", str(path)])
    assert (1, False) == (result.exit_code, "S3CRET" in result.output)
    assert "elasticsearch.api_key: Input should be a valid string" in result.output


def test_cli_exit_codes(tmp_path: Path) -> None:
    """Problems: exit 1 and a count; a good file: exit 0 and 'ok'."""
    bad = CliRunner().invoke(app, ["check", "--config", str(_write(tmp_path, BROKEN))])
    assert (1, "6 problems found") == (bad.exit_code, bad.output.splitlines()[-1])
    good_path = Path(__file__).resolve().parents[3] / "examples" / "lumberyard.toml"
    good = CliRunner().invoke(app, ["check", "--config", str(good_path)])
    assert (0, f"{good_path}: ok") == (good.exit_code, good.output.strip())


def test_a_password_in_the_url_is_masked_in_connect_findings(tmp_path: Path) -> None:
    """`check --connect` names the server it could not reach with the URL's password masked
    (nothing listens on port 9 of 127.0.0.1, so the check fails without a server)."""
    path = _write(tmp_path, '[elasticsearch]\nurl = "http://elastic:S3CRET@127.0.0.1:9"\n')
    result = CliRunner().invoke(app, ["check", "--config", str(path), "--connect"],
                                env={"ES_URL": None, "LUMBERYARD_ELASTICSEARCH_URL": None})
    first = result.output.splitlines()[1]
    assert (1, False) == (result.exit_code, "S3CRET" in result.output)
    assert first.startswith("elasticsearch http://elastic:***@127.0.0.1:9 (no auth): "), first


def test_kafka_bootstrap_is_the_one_serve_uses() -> None:
    """The Kafka that check --connect and /health probe: each section's own servers, else
    [kafka]'s; none when nothing uses Kafka."""
    base = '[kafka]\nbootstrap_servers = "k0:9092"\n'
    cases = {
        "": None,
        base: None,
        base + '[dlq]\nkafka_topic = "dl"\n': "k0:9092",
        base + "[inputs.kafka]\nenabled = true\n": "k0:9092",
        base + '[inputs.kafka]\nenabled = true\nbootstrap_servers = "k1:9092"\n': "k1:9092",
        base + '[beats_to_kafka]\nenabled = true\nbootstrap_servers = "k2:9092"\n': "k2:9092",
    }
    assert cases == {text: kafka_bootstrap(parse_config(text, "c", {})) for text in cases}
