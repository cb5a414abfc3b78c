"""Inputs and outputs of a Logstash pipeline -> ``[inputs.beats]``, ``[kafka]``, a
``reprocess`` hint for files, ``[elasticsearch]`` and the index prefix."""

from __future__ import annotations

import re
from typing import Any

from ._ast import Branch, Plugin
from ._model import IGNORED as _IGNORED
from ._model import Translation, expand_env, text_of
from ._model import texts as _texts

__all__ = ["translate_input", "translate_output"]


def translate_input(out: Translation, item: Plugin | Branch) -> None:
    if isinstance(item, Branch):
        out.note(item.line, "unsupported", "a conditional in the input section")
        return
    handler = {"beats": _beats, "kafka": _kafka, "file": _file}.get(item.name)
    if handler is None:
        out.note(item.line, "unsupported", f"input plugin {item.name!r} (lumberyard reads "
                 "Beats, Kafka and files)")
        return
    handler(out, item)


_BEATS_TLS = {"ssl_certificate": "certificate", "ssl_key": "key",
              "ssl_key_passphrase": "key_passphrase"}
_VERIFY = {"force_peer": "required", "peer": "optional", "none": "none",
           "required": "required", "optional": "optional"}


def _beats(out: Translation, plugin: Plugin) -> None:
    beats = out.section("inputs", "beats")
    tls: dict[str, Any] = {}
    for attr in plugin.attributes:
        text = text_of(attr.value)
        if attr.name in ("port", "host") and text is not None:
            _beats_address(out, beats, attr.name, attr.line, text)
        elif attr.name in ("ssl", "ssl_enabled"):
            out.note(attr.line, "info", "beats TLS is on when [inputs.beats.tls] has a "
                     "certificate and key")
        elif attr.name in _BEATS_TLS and text:
            tls[_BEATS_TLS[attr.name]] = text
        elif attr.name == "ssl_certificate_authorities":
            tls["certificate_authorities"] = _texts(attr.value)
        elif attr.name in ("ssl_verify_mode", "ssl_client_authentication") and text:
            tls["client_authentication"] = _VERIFY.get(text, text)
        elif attr.name not in _IGNORED:
            out.note(attr.line, "unsupported", f"beats option {attr.name!r}")
    if tls:
        beats["tls"] = tls


def _beats_address(out: Translation, beats: dict[str, Any], name: str, line: int,
                   text: str) -> None:
    value = expand_env(out, line, text)
    if name == "host":
        beats["host"] = value
    elif value.isdigit():
        beats["port"] = int(value)
    else:
        out.note(line, "unsupported", f"beats port {text!r}")


_KAFKA_INPUT = {"group_id": "group", "client_id": "client_id", "topics_pattern": "topic_pattern"}
"""Logstash's kafka input options -> ``[inputs.kafka]`` keys (besides ``topics``)."""


def _kafka(out: Translation, plugin: Plugin) -> None:
    """``[inputs.kafka]`` (enabled) with Logstash's topics and group, its defaults (topic and
    group ``logstash``) where the config leaves them out, so the group's committed offsets
    carry over; the brokers go to ``[kafka]``."""
    kafka: dict[str, Any] = {"enabled": True, "topics": ["logstash"], "group": "logstash"}
    for attr in plugin.attributes:
        text = text_of(attr.value)
        if attr.name == "bootstrap_servers" and text:
            out.section("kafka")["bootstrap_servers"] = text
        elif attr.name == "topics" and _texts(attr.value):
            kafka["topics"] = _texts(attr.value)
        elif attr.name in _KAFKA_INPUT and text:
            kafka[_KAFKA_INPUT[attr.name]] = text
        elif attr.name not in _IGNORED:
            out.note(attr.line, "unsupported", f"kafka input option {attr.name!r} (only "
                     "bootstrap_servers, topics, topics_pattern, group_id, client_id carry "
                     "over)")
    if "topic_pattern" in kafka:
        del kafka["topics"]
    out.section("inputs", "kafka").update(kafka)


def _file(out: Translation, plugin: Plugin) -> None:
    paths = _texts(plugin.get("path"))
    out.files += paths
    out.note(plugin.line, "info", "file input: run `lumberyard reprocess "
             + " ".join(repr(p) for p in paths) + "` (it checkpoints what it read itself)")
    for attr in plugin.attributes:
        if attr.name not in ("path", "start_position", "sincedb_path", *_IGNORED):
            out.note(attr.line, "unsupported", f"file input option {attr.name!r}")


def translate_output(out: Translation, item: Plugin | Branch) -> None:
    if isinstance(item, Branch):
        out.note(item.line, "unsupported", "a conditional in the output section (lumberyard "
                 "has one Elasticsearch output)")
        return
    if item.name == "stdout":
        out.note(item.line, "info", "stdout: `lumberyard parse --pretty FILE` prints the "
                 "documents")
        return
    if item.name != "elasticsearch":
        out.note(item.line, "unsupported", f"output plugin {item.name!r}")
        return
    _elasticsearch(out, item)


def _elasticsearch(out: Translation, plugin: Plugin) -> None:
    es = out.section("elasticsearch")
    for attr in plugin.attributes:
        name, text = attr.name, text_of(attr.value)
        if name == "hosts":
            hosts = [expand_env(out, attr.line, h) for h in _texts(attr.value)]
            es["hosts"] = [h if "://" in h else f"http://{h}" for h in hosts]
        elif name == "index" and text is not None:
            _index(out, attr.line, expand_env(out, attr.line, text))
        elif name in ("user", "password", "api_key") and text is not None:
            if text.startswith("${"):
                env = text.strip("${}").split(":")[0]
                out.note(attr.line, "info", f"{name} from ${{{env}}}: set "
                         f"LUMBERYARD_ELASTICSEARCH_{name.upper()} (or a *_file option)")
            else:
                es[name] = text
        elif name in ("cacert", "ssl_certificate_authorities") and _texts(attr.value):
            es["ca"] = _texts(attr.value)[0]
        elif name == "cloud_id" and text:
            es["cloud_id"] = text
        else:
            _elasticsearch_note(out, attr.line, name, text)


def _elasticsearch_note(out: Translation, line: int, name: str, text: str | None) -> None:
    """Options with nothing to write: what lumberyard does instead, or unsupported."""
    if name == "document_id":
        out.note(line, "unsupported", "document_id: lumberyard writes a deterministic "
                 "_id from where each event came from (replays never duplicate)")
    elif name in ("manage_template", "template", "template_name", "ilm_enabled",
                  "ilm_policy", "ilm_rollover_alias"):
        out.note(line, "info", f"{name}: `lumberyard setup` installs the index "
                 "templates (and --retention-days a delete policy)")
    elif name == "action" and text in ("create", "index"):
        out.note(line, "info", f"action {text}: lumberyard writes with create under "
                 "a deterministic _id (a resend is a 409 conflict, never a duplicate)")
    elif name in ("ssl", "ssl_enabled"):
        out.note(line, "info", "TLS follows the https:// in hosts")
    elif name not in _IGNORED:
        out.note(line, "unsupported", f"elasticsearch option {name!r}")


def _index(out: Translation, line: int, index: str) -> None:
    suffix = "%{+YYYY.MM.dd}"
    prefix = index[: -len(suffix)] if index.endswith(suffix) else None
    if prefix is not None and "%{" not in prefix and "${" not in prefix:
        if prefix != "universal-ai-tools-":
            out.section("enrich")["index_prefix"] = prefix
        else:
            out.note(line, "builtin", "index universal-ai-tools-%{+YYYY.MM.dd}: lumberyard's "
                     "default daily index (UTC date of @timestamp)")
        return
    _index_pattern(out, line, index)


_REFERENCE = re.compile(r"%\{(\[[^}]*\]|[^+\[}][^}]*)\}")


_EVENT_KEYS = frozenset({"@metadata", "fields", "host", "agent", "log", "input", "ecs", "tags",
                         "message", "@timestamp"})
"""Heads of references to what a Beat sent (the event's own keys, kept as they are), not to
fields the filters made from the line (those go where lumberyard's chain puts them)."""


def _index_pattern(out: Translation, line: int, index: str) -> None:
    """An index built from fields: ``[enrich] index`` (references to fields lumberyard
    renames point at their ECS place) and the index template patterns its names need."""
    from pipeline.migrate._report import ecs_names  # noqa: PLC0415 - runs the chain
    from pipeline.steps._index import IndexPattern  # noqa: PLC0415
    from pipeline.steps._rules import field_ref  # noqa: PLC0415

    names = [m.group(1) for m in _REFERENCE.finditer(index)]
    renamed = ecs_names([n for n in names if field_ref(n)[0] not in _EVENT_KEYS])
    pattern = _REFERENCE.sub(lambda m: _ecs_reference(m.group(1), renamed), index)
    try:
        head = IndexPattern(pattern).head
    except ValueError as exc:
        out.note(line, "unsupported", f"index {index!r}: {exc}")
        return
    patterns = [f"{head}*"] if head else []
    if not head and pattern.startswith("%{[@metadata][beat]}"):
        patterns = ["filebeat-*"]
        out.note(line, "info", "index from the Beat's name: the index template covers "
                 "filebeat-*; add the others that ship here (e.g. 'metricbeat-*') to "
                 "[enrich] index_template_patterns, then run `lumberyard setup`")
    if not patterns:
        patterns = _set_by_rules(out, names[0] if names and pattern.startswith("%{") else "")
    if not patterns:
        out.note(line, "unsupported", f"index {index!r} starts with a field reference: set "
                 "[enrich] index and index_template_patterns (the indices it makes, e.g. "
                 "'logs-*') so the index template covers them")
        return
    enrich = out.section("enrich")
    enrich["index"] = pattern
    if not head:
        enrich["index_template_patterns"] = patterns
    moved = ", ".join(f"{n} -> {renamed[n]}" for n in names if n in renamed)
    out.note(line, "info", f"index {index!r}: [enrich] index"
             + (f" ({moved}: their place in the indexed document)" if moved else "")
             + "; a document whose reference has no usable value goes to index_prefix + "
             "day, tagged _index_fallback")


def _set_by_rules(out: Translation, name: str) -> list[str]:
    """The index patterns of a name the pipeline's own rules write (``mutate { add_field =>
    { "[@metadata][target]" => "logs-%{[service]}" } }`` -> ``logs-*``), when every value
    they write starts with literal text."""
    heads = [value.split("%{", 1)[0]
             for rule in out.config.get("enrich", {}).get("field_rules", [])
             for op in ("add_field", "replace") for key, value in rule.get(op, {}).items()
             if key == name]
    if not heads or not all(heads):
        return []
    return sorted({f"{head}*" for head in heads if not any(
        head.startswith(other) and head != other for other in heads)})


def _ecs_reference(name: str, renamed: dict[str, str]) -> str:
    dotted = renamed.get(name)
    if dotted is None:
        return f"%{{{name}}}"
    return "%{" + "".join(f"[{part}]" for part in dotted.split(".")) + "}"
