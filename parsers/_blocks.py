"""Named grammar building blocks with the meaning logstash-patterns-core gives them.

Each block is a pyparsing element named after its grok pattern (``TIMESTAMP_ISO8601``,
``WORD``, ...), so grammars are written in pyparsing and grok patterns (``%{WORD:level}``)
refer to the very same objects. Atoms are ``pp.Regex`` written for Python ``re`` from what
they match (RFC 3986 for URI parts, RFC 1123 for host names, RFC 5322 for e-mail addresses,
ISO 8601 for the clock); composites (the ISO 8601 stamp) are built from atoms with
pyparsing operators. :mod:`parsers._compile` turns any of them into one regular expression.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pyparsing as pp

__all__ = [
    "BLOCKS", "CONVERTERS", "KeyValues", "TrailingPairs", "block", "converter_of", "to_float",
    "to_int", "typed",
]


def to_int(text: str) -> int | str:
    """Grok's ``:int``: ``"12"`` -> 12, ``"1.9"`` -> 1 (truncated); unconvertible text is kept."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return int(float(text))
    except (ValueError, OverflowError):
        return text


def to_float(text: str) -> float | str:
    """Grok's ``:float``; text that is not a number (or overflows) is kept as it was."""
    try:
        return float(text)
    except ValueError:
        return text


CONVERTERS: dict[str, Callable[[str], Any]] = {"int": to_int, "float": to_float}
"""Grok type suffixes (``%{NUMBER:n:int}``) and the conversions applied after a match."""


def typed(element: pp.ParserElement, kind: str) -> pp.ParserElement:
    """A copy of ``element`` converting its text with grok type ``kind`` (``"int"``/``"float"``).

    The conversion is a parse action for pyparsing and, for the regex compiler, a marker it
    applies to the captured text after the match.
    """
    convert = CONVERTERS[kind]
    out = element.copy().set_parse_action(lambda tokens: convert(str(tokens[0])))
    out.ly_convert = convert  # type: ignore[attr-defined]
    return out


def _from_closure(action: object) -> Callable[[str], Any] | None:
    """The converter behind pyparsing's wrapped parse action, if it is one we know."""
    for cell in getattr(action, "__closure__", None) or ():
        try:
            known = _PP_CONVERTERS.get(cell.cell_contents)
        except TypeError:  # unhashable closure content
            continue
        if known is not None:
            return known
    return None


_PP_CONVERTERS: dict[object, Callable[[str], Any]] = {
    pp.common.convert_to_integer: to_int,
    pp.common.convert_to_float: to_float,
}


def converter_of(element: pp.ParserElement) -> tuple[bool, Callable[[str], Any] | None]:
    """``(understood, converter)`` for an element's parse actions, as the compiler sees them.

    No action -> ``(True, None)``; one :func:`typed` marker or pyparsing's
    ``convert_to_integer``/``convert_to_float`` -> ``(True, f)``; anything else -> ``(False, None)``
    (the grammar then runs on pyparsing's own parser).
    """
    actions = element.parseAction
    if not actions:
        return True, None
    if len(actions) != 1:
        return False, None
    marked = getattr(element, "ly_convert", None)
    if marked is not None:
        return True, marked
    found = _from_closure(actions[0])
    return found is not None, found


_KEY = r"[A-Za-z_@][\w.@\[\]-]*"
_VALUE = r"(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s\"'][^\s]*|)"
_PAIR = rf"{_KEY}={_VALUE}"
MAX_KV_PAIRS = 64
"""Pairs a trailing ``key=value`` run may hold: bounds the regex work per line (no blow-up)."""


class KeyValues(pp.Token):
    """A run of ``key=value`` pairs separated by spaces (values may be quoted).

    A regex cannot capture a repeated group, so the compiler captures the run's span and
    :meth:`extract` splits it afterwards; the pyparsing parser (fallback) uses the same code.
    The run starts right after a space (or at the start) so a lazy message before it stays
    linear-time.
    """

    def __init__(self) -> None:
        super().__init__()
        self.regex = rf"(?:(?<=[ ])|^)(?:{_PAIR})(?:[ ]++{_PAIR}){{0,{MAX_KV_PAIRS - 1}}}"
        self._re = re.compile(self.regex)
        self._pairs = re.compile(rf"({_KEY})=({_VALUE})")
        self.mayReturnEmpty = False
        self.set_name("KV")

    def extract(self, text: str) -> dict[str, str]:
        """``'a=1 b="x y"'`` -> ``{'a': '1', 'b': 'x y'}``; the first of a repeated key wins."""
        return self.pairs(self._pairs, text)

    @staticmethod
    def pairs(pattern: re.Pattern[str], text: str) -> dict[str, str]:
        """The (key, value) groups ``pattern`` finds in ``text``, quotes removed."""
        out: dict[str, str] = {}
        for key, raw in pattern.findall(text):
            quoted = len(raw) >= 2 and raw[0] in "\"'"
            out.setdefault(key, raw[1:-1] if quoted else raw)
        return out

    def parseImpl(  # noqa: N802 - pyparsing's hook name
        self, instring: str, loc: int, do_actions: bool = True
    ) -> tuple[int, Any]:
        """pyparsing entry point: match the run at ``loc`` and return its pairs as a dict."""
        match = self._re.match(instring, loc)
        if match is None:
            raise pp.ParseException(instring, loc, "expected key=value pairs", self)
        return match.end(), [self.extract(match.group())]


_RKEY = r"[\w.@\[\]-]*[A-Za-z_@]"
_RVALUE = r"(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s]*?[^\s\"']|)"
_RPAIR = rf"{_RVALUE}={_RKEY}(?=[ ]|\Z)"
"""A pair spelled backwards: the tail of a line is the head of the reversed line."""


class TrailingPairs(pp.Regex):
    """The rest of the line; ``key=value`` pairs at its end are split off after the match.

    Where a trailing run of pairs starts is a backwards question: a forward regex answers it
    only by trying every start (quadratic on long lines). Matching the reversed text against
    the reversed pair pattern answers it reading the tail once. Without pairs the text is the
    message as-is.
    """

    def __init__(self) -> None:
        super().__init__(r".*", flags=re.DOTALL)
        self._tail = re.compile(rf"[ ]*{_RPAIR}(?:[ ]+{_RPAIR})*").match
        self._pairs = re.compile(rf"({_KEY})=({_VALUE})")
        token = rf"{_KEY}=(?:[^\s\"'][^\s]*)?"
        self._token = re.compile(token).fullmatch
        self.set_name("GREEDYDATA")

    def split_pairs(self, text: str) -> tuple[str | None, dict[str, str]]:
        """``'done a=1 b=2'`` -> ``('done', {'a': '1', 'b': '2'})``; no message -> ``None``."""
        if "=" not in text:
            return text, {}
        last = text[text.rfind(" ", 0, len(text) - 1) + 1:]
        if "=" not in last and last[-1:] not in ("'", '"', " "):
            return text, {}  # the last word is no pair (most lines): nothing to split
        if '"' in text or "'" in text:
            return self._split_quoted(text)
        return self._split_plain(text)

    def _split_plain(self, text: str) -> tuple[str | None, dict[str, str]]:
        """Quote-free text: the trailing run of words holding ``=`` (or empty) are the pairs.

        In printable ASCII (no tab, no newline) a word ``key=value`` is a pair exactly when its
        key is an identifier, which str methods answer far faster than a regex; anything else
        is checked word by word with the exact token regex.
        """
        tokens = text.split(" ")
        index = len(tokens)
        while index and (not tokens[index - 1] or "=" in tokens[index - 1]):
            index -= 1
        if not (text.isascii() and text.isprintable()):
            return self._split_checked(text, tokens)
        pairs: dict[str, str] = {}
        for token in tokens[index:]:
            if token:
                key, _, value = token.partition("=")
                if not key.isidentifier():
                    return self._split_checked(text, tokens)
                pairs.setdefault(key, value)
        if not pairs:
            return text, {}
        return " ".join(tokens[:index]).rstrip(" ") or None, pairs

    def _split_checked(self, text: str, tokens: list[str]) -> tuple[str | None, dict[str, str]]:
        """The exact walk: words from the end while each is empty or a whole pair token."""
        index = len(tokens)
        while index and (not tokens[index - 1] or self._token(tokens[index - 1])):
            index -= 1
        pairs: dict[str, str] = {}
        for token in tokens[index:]:
            if token:  # a pair token's key has no "=": the first "=" splits it
                key, _, value = token.partition("=")
                pairs.setdefault(key, value)
        if not pairs:
            return text, {}
        return " ".join(tokens[:index]).rstrip(" ") or None, pairs

    def _split_quoted(self, text: str) -> tuple[str | None, dict[str, str]]:
        """Quoted values may hold spaces: find the run by matching the reversed text."""
        found = self._tail(text[::-1])
        if found is None:
            return text, {}
        start = len(text) - found.end()
        return text[:start].rstrip(" ") or None, KeyValues.pairs(self._pairs, text[start:])


def _rx(name: str, pattern: str) -> pp.ParserElement:
    """An atom: a named ``pp.Regex``."""
    return pp.Regex(pattern).set_name(name)


_OCT = r"(?:25[0-5]|2[0-4][0-9]|[01]?[0-9]{1,2})"
_IPV4 = rf"(?<![0-9])(?:{_OCT}\.{_OCT}\.{_OCT}\.{_OCT})(?![0-9])"
_HEX = "[0-9A-Fa-f]"
_H = rf"{_HEX}{{1,4}}"
_IPV6 = (
    # Every IPv6 form starts with at most 4 hex digits and a ':' ("::1" with none): checking
    # that first spares the alternatives below on IPv4 addresses and names (IPORHOST).
    r"(?=[0-9A-Fa-f]{0,4}+:)(?:"
    rf"(?:{_H}:){{7}}(?:{_H}|:)"
    rf"|(?:{_H}:){{6}}(?::{_H}|{_IPV4}|:)"
    + "".join(
        rf"|(?:{_H}:){{{k}}}(?:(?::{_H}){{1,{7 - k}}}|(?::{_H}){{0,{5 - k}}}:{_IPV4}|:)"
        for k in range(5, 0, -1)
    )
    + rf"|:(?:(?::{_H}){{1,7}}|(?::{_H}){{0,5}}:{_IPV4}|:)"
    r")(?:%[0-9A-Za-z.]+)?"
)
_LOGLEVEL = (
    r"(?:[Aa]lert|ALERT|[Tt]race|TRACE|[Dd]ebug|DEBUG|[Nn]otice|NOTICE|[Ii]nfo?(?:rmation)?"
    r"|INFO?(?:RMATION)?|[Ww]arn?(?:ing)?|WARN?(?:ING)?|[Ee]rr?(?:or)?|ERR?(?:OR)?"
    r"|[Cc]rit?(?:ical)?|CRIT?(?:ICAL)?|[Ff]atal|FATAL|[Ss]evere|SEVERE|EMERG(?:ENCY)?"
    r"|[Ee]merg(?:ency)?)"
)
_ATEXT = r"a-zA-Z0-9!#$%&'*+\-/=?^_`{|}~"
"""RFC 5322 ``atext``: the characters of an e-mail local part between its dots (a class body)."""
_DOT_ATOM = rf"[{_ATEXT}]+(?:\.[{_ATEXT}]+)*"
EMAIL_LOCAL_PART = rf"(?=[{_ATEXT}.]{{1,64}}(?![{_ATEXT}.])){_DOT_ATOM}"
"""An e-mail local part: an RFC 5322 dot-atom of at most 64 characters (RFC 5321 4.5.3.1.1)."""


def _quoted(quote: str) -> str:
    """Text between two ``quote`` characters: backslash escapes or runs of anything but the
    quote and the backslash, at least one of them; else just the two quotes."""
    q = re.escape(quote)
    return rf"(?>{q}(?>\\.|[^\\{q}]+)+{q})|{q}{q}"


_QUOTES = "\"'`"
_QUOTED = rf"(?>(?<!\\)(?>{'|'.join(_quoted(q) for q in _QUOTES)}))"
"""A string in double, single or back quotes whose opening quote is not escaped."""
_LABEL = "[0-9A-Za-z][0-9A-Za-z-]{0,62}"
"""A host name label (RFC 1123): a letter or digit, then up to 62 of those or '-'."""
_PCHAR = "A-Za-z0-9._~\\-" + "!$&'()*+,;=" + ":@%" + "{}#"
"""What a URI path segment holds (a class body): RFC 3986's unreserved characters,
sub-delims, ':' '@' and percent escapes, plus '{', '}' and '#' that logs write unencoded."""

# The clock and calendar: a two- or four-digit year (four when there are); a month or day
# with or without its leading zero (the zero-padded forms tried first); a 24-hour clock; a
# second up to the leap second 60 with a fraction after '.', ',' or ':'.
YEAR = _rx("YEAR", "(?:[0-9]{4}|[0-9]{2})")
MONTHNUM = _rx("MONTHNUM", "(?:0?[1-9]|1[0-2])")
MONTHDAY = _rx("MONTHDAY", "(?:0[1-9]|[12][0-9]|3[01]|[1-9])")
HOUR = _rx("HOUR", "(?:2[0-3]|[01]?[0-9])")
MINUTE = _rx("MINUTE", "[0-5][0-9]")
SECOND = _rx("SECOND", "(?:[0-5]?[0-9]|60)(?:[.,:][0-9]+)?")
ISO8601_TIMEZONE = pp.Combine(
    pp.Literal("Z") | (pp.Regex("[+-]") + HOUR + pp.Opt(":") + MINUTE)
).set_name("ISO8601_TIMEZONE")
TIMESTAMP_ISO8601 = pp.Combine(
    YEAR + "-" + MONTHNUM + "-" + MONTHDAY + pp.Regex("[T ]") + HOUR + pp.Opt(":") + MINUTE
    + pp.Opt(pp.Opt(":") + SECOND) + pp.Opt(ISO8601_TIMEZONE)
).set_name("TIMESTAMP_ISO8601")

_ATOMS: dict[str, str] = {
    "WORD": r"(?a:\b\w+\b)",
    "NOTSPACE": r"\S+",
    "SPACE": r"\s*",
    "DATA": r".*?",
    "GREEDYDATA": r".*",
    "INT": "[+-]?[0-9]+",
    "POSINT": r"\b[1-9][0-9]*\b",
    "NONNEGINT": r"\b[0-9]+\b",
    "NUMBER": r"(?<![0-9.+-])(?>[+-]?(?:(?:[0-9]+(?:\.[0-9]+)?)|(?:\.[0-9]+)))",
    "BASE16NUM": rf"(?<!{_HEX})[+-]?(?:0x)?{_HEX}+",
    "QUOTEDSTRING": _QUOTED,
    "UUID": rf"{_HEX}{{8}}(?:-{_HEX}{{4}}){{3}}-{_HEX}{{12}}",  # RFC 4122's 8-4-4-4-12
    "IPV4": _IPV4,
    "IPV6": _IPV6,
    "IP": rf"(?:{_IPV6}|{_IPV4})",
    # Dot-separated labels, perhaps with the root's trailing dot.
    "HOSTNAME": rf"\b{_LABEL}(?:\.{_LABEL})*(?:\.?|\b)",
    "USERNAME": r"(?a:[\w.-]+)",
    "LOGLEVEL": _LOGLEVEL,
    "URIPATH": rf"(?:/[{_PCHAR}]*)+",
    # The query: what a path holds, '/' and '?' (RFC 3986), and '|', '[', ']', '<', '>'.
    "URIPARAM": rf"\?[{_PCHAR}/?|\[\]<>]*",
    "HTTPMETHOD": r"\b(?:GET|HEAD|POST|PUT|DELETE|CONNECT|OPTIONS|TRACE|PATCH)\b",
    # The local part as EMAIL_LOCAL_PART, its length checked up to the '@' (which also
    # turns a field without one, such as Apache's "-" user, away at once).
    "EMAILADDRESS": rf"(?=[{_ATEXT}.]{{1,64}}@){_DOT_ATOM}@\b{_LABEL}(?:\.{_LABEL})*\b",
}
_ALIASES = {"QS": "QUOTEDSTRING", "BASE10NUM": "NUMBER", "USER": "USERNAME"}

BLOCKS: dict[str, pp.ParserElement] = {name: _rx(name, rx) for name, rx in _ATOMS.items()}
BLOCKS.update({
    "YEAR": YEAR, "MONTHNUM": MONTHNUM, "MONTHDAY": MONTHDAY, "HOUR": HOUR, "MINUTE": MINUTE,
    "SECOND": SECOND, "ISO8601_TIMEZONE": ISO8601_TIMEZONE, "TIMESTAMP_ISO8601": TIMESTAMP_ISO8601,
    "IPORHOST": pp.MatchFirst([BLOCKS["IP"], BLOCKS["HOSTNAME"]]).set_name("IPORHOST"),
    "KV": KeyValues(),
})
BLOCKS.update({alias: BLOCKS[target] for alias, target in _ALIASES.items()})


def block(name: str) -> pp.ParserElement:
    """A fresh copy of the building block ``name`` (copies may be renamed / given actions)."""
    return BLOCKS[name].copy()
