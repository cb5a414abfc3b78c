"""Configuration of the parsers: time zone, line cap, user grammars, multiline joining.

Structure only; the grammars and patterns are compiled (and rejected with their name and
position) by :class:`parsers.Parsers` at startup.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["DEFAULT_CONTINUATION", "GrammarSpec", "MultilineConfig", "ParsersConfig"]

DEFAULT_CONTINUATION = (
    r"^(?:[ \t]|at |Caused by:|\.\.\. \d+ (?:more|common frames omitted)"
    r"|Traceback \(most recent call last\):|During handling of the above exception"
    r"|The above exception was the direct cause"
    r"|[\w.]*(?:Error|Exception|Warning|Exit|Interrupt)\b(?::|$)"
    r"|panic: |goroutine \d+ \[|created by |[\w./-]+\.(?:\(\*?\w+\)\.)?\w+\(.*\)$)"
)
"""Lines that continue the event before them: indented lines (every language's frames),
Java ``at``/``Caused by:``/``... N more`` and ``pkg.FooException: ...``, the header,
chained-exception and final ``FooError: ...`` lines of Python tracebacks, Node's
``TypeError: ...``, and Go's ``panic:``, ``goroutine N [...]``, ``created by`` and
``pkg.func(...)`` frame lines. A line that starts with ``[``, ``{`` or a digit (a bracketed
or leading timestamp, a JSON object) never matches: it always begins an event."""


class MultilineConfig(BaseModel):
    """Filebeat-style joining of continuation lines (``multiline.pattern/negate/match``)."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(
        default=True,
        description="Join continuation lines at all (on by default: stack traces stay one "
        "event); false sends every line as an event of its own (e.g. when Filebeat already "
        "joined them).",
    )
    pattern: str = Field(
        default=DEFAULT_CONTINUATION,
        description="Regex searched in each line. With negate=false a matching line is a "
        "continuation; with negate=true a NON-matching line is (e.g. pattern '^\\[' joins every "
        "line not starting with '[' to the event before it).",
    )
    negate: bool = Field(default=False, description="Invert the pattern (see pattern).")
    match: Literal["after", "before"] = Field(
        default="after",
        description="'after': continuation lines join the event BEFORE them; 'before': they "
        "join the next line that is not a continuation.",
    )
    json_lines_whole: bool = Field(
        default=True,
        description="A line starting with '{' is always a whole event: never joined to the "
        "event before it and nothing is joined to it (multiline is off for JSON lines).",
    )
    max_lines: int = Field(
        default=500, ge=1,
        description="Lines per event; more starts a new event (nothing is dropped)."
    )
    max_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1,
        description="UTF-8 bytes per event; more starts a new event (nothing is dropped).",
    )


class GrammarSpec(BaseModel):
    """A user grammar in grok syntax, tried before the built-in ones."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        ..., min_length=1, pattern=r"^[A-Za-z_][\w.-]*$",
        description="Name reported as the event's grammar (per-grammar counts).",
    )
    pattern: str = Field(
        ..., min_length=1,
        description="Grok pattern: regex text with %{NAME}, %{NAME:field} or "
        "%{NAME:field:int|float}; must match the whole line.",
    )
    when_prefix: str | None = Field(
        default=None,
        description="Only try this grammar on lines starting with this text (cheap)."
    )
    when_regex: str | None = Field(
        default=None,
        description="Only try this grammar on lines where this regex is found."
    )
    when: str | None = Field(
        default=None,
        description="Only try this grammar on events where this Logstash condition holds, "
        "over the fields the event arrived with (e.g. '[fields][log_type] == \"nginx\"').",
    )
    timestamp_field: str = Field(
        default="timestamp",
        description="Captured field holding the event time (ISO 8601 unless timestamp_formats)."
    )
    timestamp_formats: list[str] = Field(
        default_factory=lambda: ["ISO8601"],
        description="Formats of that field, tried in order as Logstash's date filter does: "
        "ISO8601, UNIX, UNIX_MS or a Joda pattern such as 'dd/MMM/yyyy:HH:mm:ss Z'.",
    )
    tag_on_failure: list[str] = Field(
        default_factory=list,
        description="Tags a line gets when this grammar applied to it (its when_* held) but no "
        "user grammar matched (Logstash grok's tag_on_failure, e.g. _grokparsefailure).",
    )

    @field_validator("when")
    @classmethod
    def _condition(cls, value: str | None) -> str | None:
        """A condition that does not parse fails the config load, with its column."""
        if value is not None:
            from pipeline.errors import ConfigError  # noqa: PLC0415 - only with `when`
            from pipeline.steps._rules import compile_when  # noqa: PLC0415

            try:
                compile_when(value, "condition")
            except ConfigError as exc:
                raise ValueError(str(exc)) from exc
        return value


class ParsersConfig(BaseModel):
    """How lines become events: see each field."""

    model_config = ConfigDict(extra="forbid")

    timezone: str = Field(
        default="UTC",
        description="IANA time zone for stamps without an offset (e.g. Europe/Berlin)."
    )
    max_line_bytes: int = Field(
        default=1024 * 1024, ge=16,
        description="Longer lines are cut to this many bytes and tagged _truncated.",
    )
    pattern_timeout_secs: float = Field(
        default=1.0, gt=0,
        description="Time budget per line of each user-supplied pattern (grammars, "
        "when_regex, multiline.pattern). A line on which a pattern runs longer is tagged "
        "_groktimeout and goes on without that pattern's fields (Logstash grok's "
        "timeout_millis, there 30 s).",
    )
    grammars: list[GrammarSpec] = Field(
        default_factory=list,
        description="User grok grammars, tried in order before the built-in JSON / bracketed "
        "/ plain ones.",
    )
    pattern_definitions: dict[str, str] = Field(
        default_factory=dict,
        description="Extra named grok patterns (NAME -> grok text) usable in grammars; they "
        "may refer to each other and to the built-in building blocks.",
    )
    patterns_dir: list[Path] = Field(
        default_factory=list,
        description="Logstash pattern files (NAME regex per line) or directories of them, read "
        "at startup; pattern_definitions win over them.",
    )
    ecs_compatibility: Literal["disabled", "v1"] = Field(
        default="disabled",
        description="Capture names of the built-in grok library: 'disabled' = Logstash's legacy "
        "names (clientip, verb), 'v1' = nested ECS fields ([source][address]).",
    )
    multiline: MultilineConfig | None = Field(
        default_factory=MultilineConfig,
        description="Join continuation lines (stack traces) into one event, for the lines "
        "lumberyard splits itself (files, stdin, raw Kafka lines per partition); on by default "
        "with the built-in pattern, off with enabled = false.",
    )

    @field_validator("multiline")
    @classmethod
    def _switched_off(cls, value: MultilineConfig | None) -> MultilineConfig | None:
        """``enabled = false`` is the same as no joining at all (``None`` to the code)."""
        return value if value is not None and value.enabled else None
