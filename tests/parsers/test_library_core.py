"""The general grok names where lumberyard reads the format more precisely than patterns-core.

Each case is a line the spec files do not hold: the text the format defines (RFC 3986
userinfo, RFC 5424 structured data, cron's command, Apache's escaped quotes, Java 9 stack
frames, java.util.logging levels) and what the library captures from it. The spec cases are
in ``test_parsers_library.py``.
"""

from __future__ import annotations

from typing import Any

import pytest

from parsers import compile_grok
from parsers._library import Flavour
from tests.parsers.helpers import subset

CASES: list[tuple[str, Flavour, str, dict[str, Any] | None]] = [
    # TIME is not the tail of a longer number (patterns-core's "(?!<[0-9])" meant a lookbehind).
    ("%{TIME:t}", "legacy", "112:30:00", None),
    ("%{TIME:t}", "legacy", "at 12:30:00.5", {"t": "12:30:00.5"}),
    # RFC 3986: the user info ends at the authority; an '@' in the query is not a password's.
    ("%{URI:uri}", "legacy", "http://h:8080/p?u=a@b",
     {"uri": "http://h:8080/p?u=a@b", "port": "8080"}),
    ("%{URI:uri}", "legacy", "ftp://ana:s3cret@files.example:21/pub",
     {"uri": "ftp://ana:s3cret@files.example:21/pub", "port": "21"}),
    # patterns-core's URIPROTO, [A-Za-z]([A-Za-z0-9+\-.]+)+, tries every split of a long word
    # not followed by "://" (10 s for 28 letters): RFC 3986's scheme has no nested repeat.
    ("%{URI:uri}", "legacy", "x " + "a" * 60 + " y", None),
    ("%{URI:uri}", "v1", "us-west-1-production-media-" * 4 + " 408", None),
    # "<facility.priority>": a dot between the numbers, not any character.
    ("%{SYSLOGFACILITY}", "legacy", "<13.5>", {"facility": "13", "priority": "5"}),
    ("%{SYSLOGFACILITY}", "legacy", "<13 5>", None),
    # cron's command runs to the last ')' of the line.
    ("%{CRONLOG}", "legacy",
     "Jul 17 12:17:01 precision CRON[8]: (root) CMD (test -x /a && (cd / && run) || true)",
     {"user": "root", "action": "CMD", "message": "test -x /a && (cd / && run) || true"}),
    # RFC 5424 structured data: a quoted value may hold ']' and escaped quotes.
    ("%{SYSLOG5424LINE}", "legacy",
     '<34>1 2012-12-19T01:45:54Z rufus app - - [x@1 a="v]w" b="q\\"r"][y@1] done',
     {"syslog5424_sd": '[x@1 a="v]w" b="q\\"r"][y@1]', "syslog5424_msg": "done"}),
    # Apache writes '"' inside quoted fields as \" (mod_log_config): they stay in the field.
    ("%{COMBINEDAPACHELOG}", "legacy",
     '10.0.0.1 - - [24/Feb/2015:23:13:42 +0000] "\\"junk\\" request" 400 0 "-" "-"',
     {"rawrequest": '\\"junk\\" request', "response": "400"}),
    ("%{COMBINEDAPACHELOG}", "v1",
     '10.0.0.1 - - [24/Feb/2015:23:13:42 +0000] "GET / HTTP/1.1" 200 5 "-" "say \\"hi\\""',
     {"user_agent": {"original": 'say \\"hi\\"'}, "http": {"response": {"status_code": 200}}}),
    # Java 9+ frames name the class loader and module before the class.
    ("%{JAVASTACKTRACEPART}", "legacy", "\tat java.base/java.lang.Thread.run(Thread.java:834)",
     {"class": "java.lang.Thread", "method": "run", "file": "Thread.java", "line": "834"}),
    ("%{JAVASTACKTRACEPART}", "v1", "\tat app//com.example.Main.main(Main.java:7)",
     {"java": {"log": {"origin": {"class": {"name": "com.example.Main"}}}},
      "log": {"origin": {"function": "main", "file": {"name": "Main.java", "line": 7}}}}),
    # java.util.logging's finer levels in Tomcat's formats.
    ("%{CATALINALOG}", "v1", "31-Jul-2020 16:40:38.451 FINE [main] org.a.B.c hello",
     {"log": {"level": "FINE", "origin": {"function": "c"}}, "message": "hello"}),
    ("%{CATALINALOG}", "v1", "Jul 31, 2020 4:40:20 PM org.a.B c\nFINEST: hello",
     {"log": {"level": "FINEST", "origin": {"function": "c"}}, "message": "hello"}),
    # ecs-v1's e-mail local part is at most 64 characters (RFC 5321).
    ("^%{EMAILLOCALPART:l}$", "v1", "a" * 64, {"l": "a" * 64}),
    ("^%{EMAILLOCALPART:l}$", "v1", "a" * 65, None),
]


@pytest.mark.parametrize(("pattern", "flavour", "line", "expected"), CASES)
def test_precise_format(pattern: str, flavour: Flavour, line: str,
                        expected: dict[str, Any] | None) -> None:
    """The pattern, searched in the line, captures what the format defines (or nothing)."""
    matcher = compile_grok("core", f"(?s:.*?){pattern}(?s:.*)", flavour=flavour)
    actual = matcher.match(line)
    if expected is None:
        assert actual is None
        return
    assert actual is not None
    assert expected == subset(expected, actual)
