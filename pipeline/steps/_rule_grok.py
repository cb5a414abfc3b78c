"""A field rule's ``grok``: Logstash's grok filter on any field, at its place in the pipeline.

``grok = { match = { request = ['%{URIPATH:path}(?:%{URIPARAM:query})?'] } }`` runs the
patterns over the field's text after parsing (and after the rules before it), so a grok can
read what an earlier one or a mutate produced, as each grok filter of a Logstash pipeline does
on the event in turn. Semantics kept from logstash-filter-grok: patterns are tried in order and,
with ``break_on_match`` (the default), the first that matches ends the filter; without it every
pattern is tried and all captures are kept; a capture that is empty is left out; a capture whose
field already holds text makes it a list (``overwrite`` names the fields replaced instead); when
no pattern matched, ``tag_on_failure`` (``_grokparsefailure``) is added to the tags the event
already has. A pattern that runs past ``[parsers] pattern_timeout_secs`` tags ``_groktimeout``
and ends the filter. Patterns are compiled at startup with the grammars' library, pattern files
and ``ecs_compatibility``; a bad one names its rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from pydantic import ConfigDict, Field

from parsers._budget import GROK_TIMEOUT_TAG, PatternTimeout, TimedMatcher
from parsers._compile import Matcher
from parsers._grok import compile_grok
from parsers._library import Flavour, read_pattern_files
from pipeline.steps._rule_success import OnSuccess

if TYPE_CHECKING:
    from parsers import ParsersConfig

__all__ = ["GrokMatch", "compile_grok_rule"]

Lookup = Callable[[tuple[str, ...]], Any]
Store = Callable[[tuple[str, ...], Any], None]


class GrokMatch(OnSuccess):
    """Logstash's grok filter as a field rule (see the module doc); add_field, add_tag,
    remove_field, remove_tag apply on a match only."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    match: dict[str, list[str]] = Field(
        min_length=1,
        description="Field ([a][b] for a nested one) -> grok patterns, tried in order; a "
        "pattern must match the whole text (write (?s:.*?) ... (?s:.*) to search in it).",
    )
    break_on_match: bool = Field(
        default=True, description="Stop at the first pattern that matches (false: try all).")
    overwrite: list[str] = Field(
        default_factory=list,
        description="Fields a capture replaces; any other field that already holds text "
        "becomes a list of the old and the captured value.",
    )
    tag_on_failure: list[str] = Field(
        default_factory=lambda: ["_grokparsefailure"],
        description="Tags an event gets when no pattern matched.",
    )


def _leaves(found: dict[str, Any], path: tuple[str, ...] = ()) -> Iterator[
        tuple[tuple[str, ...], Any]]:
    """The captured values with their paths (``[a][b]`` targets come back nested)."""
    for key, value in found.items():
        if isinstance(value, dict):
            yield from _leaves(value, (*path, key))
        else:
            yield (*path, key), value


class GrokRule:
    """One compiled ``grok``: :meth:`apply` runs it over an event's fields."""

    def __init__(self, spec: GrokMatch, matchers: list[tuple[tuple[str, ...], list[Matcher]]]
                 ) -> None:
        self._matchers = matchers
        self._break = spec.break_on_match
        self._overwrite = frozenset(_path(name) for name in spec.overwrite)
        self.tags = spec.tag_on_failure

    def apply(self, get: Lookup, put: Store) -> tuple[bool, list[str]]:
        """Match and store the captures: whether a pattern matched, and the failure tags the
        event gets (none on a match)."""
        matched = False
        try:
            for source, patterns in self._matchers:
                for text in _texts(get(source)):
                    for matcher in patterns:
                        found = matcher.match(text)
                        if found is None:
                            continue
                        matched = True
                        self._store(found, get, put)
                        if self._break:
                            return True, []
        except PatternTimeout:
            return False, [GROK_TIMEOUT_TAG]
        return matched, [] if matched else list(self.tags)

    def _store(self, found: dict[str, Any], get: Lookup, put: Store) -> None:
        for path, value in _leaves(found):
            old = None if path in self._overwrite else get(path)
            if old is None:
                put(path, value)
            elif isinstance(old, list):
                put(path, [*old, value])
            elif isinstance(old, str):
                put(path, [old, value])
            # another kind of value (a number, an object) is kept, as grok keeps it


def _texts(value: Any) -> list[str]:
    """The texts grok reads from a field: its text (a number as written, a missing field
    as empty text, as grok's ``to_s``), or each item's of a list; an object has none."""
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    if value is None:
        return [""]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    return [str(value)] if isinstance(value, str | int | float) else []


def _path(name: str) -> tuple[str, ...]:
    return tuple(name[1:-1].split("][")) if name.startswith("[") and name.endswith("]") else (
        name,)


def compile_grok_rule(spec: GrokMatch, where: str, parsers: ParsersConfig | None) -> GrokRule:
    """``spec``'s patterns compiled with the grammars' library, definitions and flavour;
    a pattern that does not compile raises :class:`pipeline.errors.GrammarError` naming
    ``where``."""
    from parsers import ParsersConfig  # noqa: PLC0415 - the model, only to default it

    config = parsers or ParsersConfig()
    definitions = {**read_pattern_files(config.patterns_dir), **config.pattern_definitions}
    flavour: Flavour = "v1" if config.ecs_compatibility == "v1" else "legacy"
    matchers = []
    for field, patterns in spec.match.items():
        compiled: list[Matcher] = []
        for index, pattern in enumerate(patterns):
            inner = compile_grok(f"{where}.grok.match[{field!r}][{index}]", pattern,
                                 definitions, flavour)
            compiled.append(TimedMatcher(inner, config.pattern_timeout_secs))
        matchers.append((_path(field), compiled))
    return GrokRule(spec, matchers)
