"""The program-log grok names where lumberyard's definitions fix a slip of Logstash's.

Each case is a line in its program's documented format and the legacy captures the pattern's
names promise; logstash-patterns-core's own form gets them wrong (a typo'd lookbehind that reads
a year's tail as the hour, an unescaped ``.``, a ``%{DATA}`` that takes nothing at the end of a
pattern, a greedy field that swallows the next ones, one log level's mark where the program
writes four). The spec cases of those patterns are in
``data/grok_spec`` and still hold.
"""

from __future__ import annotations

from typing import Any

import pytest

from parsers import compile_grok

_NAGIOS = "[1427925600] "
_CASES: list[tuple[str, str, dict[str, Any] | str]] = [
    # (pattern name, line, expected legacy captures (a subset) or "no match")
    ("HAPROXYTIME", "[07/Apr/2016:18:42:24 +0000]",
     {"haproxy_hour": "18", "haproxy_minute": "42", "haproxy_second": "24"}),
    ("HAPROXYDATE", "[07/Apr/2016:18:42:24 +0000]", "no match"),  # no milliseconds: not HAProxy
    ("HAPROXYDATE", "[30/Jul/2018:09:03:52.726]",
     {"haproxy_time": "09:03:52", "haproxy_milliseconds": "726"}),
    ("NAGIOSLOGLINE", _NAGIOS + "SERVICE EVENT HANDLER: web1;HTTP;CRITICAL;SOFT;restart-httpd",
     {"nagios_service": "HTTP", "nagios_event_handler_name": "restart-httpd"}),
    ("NAGIOSLOGLINE", _NAGIOS + "EXTERNAL COMMAND: DISABLE_SVC_CHECK;web1;HTTP",
     {"nagios_command": "DISABLE_SVC_CHECK", "nagios_hostname": "web1",
      "nagios_service": "HTTP"}),
    ("NAGIOSLOGLINE",
     _NAGIOS + "EXTERNAL COMMAND: SCHEDULE_HOST_DOWNTIME;web1;1334665800;1334669400;1;0;3600;"
               "alice;kernel upgrade",
     {"author": "alice", "comment": "kernel upgrade", "nagios_duration": "3600"}),
    ("EXIM", "2014-08-10 11:18:35 1gsu1C-003dCu-Hb <= aaron@domain.com P=esmtpa S=4315 "
             "from <aaron@domain.com> for bob@example.com",
     {"exim_sender_email": "aaron@domain.com", "exim_recipient_email": "bob@example.com"}),
    ("POSTGRESQL", "2020-01-01 10:00:00 UTC postgres 5e9f1c8b.1a2b 1234 LOG: took 42",
     {"user_id": "postgres", "connection_id": "5e9f1c8b.1a2b", "pid": "1234"}),
    ("MONGO_SLOWQUERY", "query shop.orders query: { id: 7 } ntoreturn:0 ntoskip:0 nscanned:9 "
                        "nreturned:1 12ms",
     {"collection": "orders", "nreturned": "1", "duration": "12"}),
    ("REDISLOG", "[4018] 14 Nov 07:01:22.119 # Server started, Redis version 2.8.4",
     {"pid": "4018", "timestamp": "14 Nov 07:01:22.119"}),
]


@pytest.mark.parametrize(("pattern", "line", "expected"), _CASES,
                         ids=[f"{p}-{i}" for i, (p, _l, _e) in enumerate(_CASES)])
def test_fixed_pattern(pattern: str, line: str, expected: dict[str, Any] | str) -> None:
    """The pattern, searched in the line, captures what its names promise (or rejects it)."""
    actual = compile_grok("apps", "(?s:.*?)%{" + pattern + "}(?s:.*)").match(line)
    if expected == "no match":
        assert actual is None
        return
    assert actual is not None
    assert isinstance(expected, dict)
    assert expected == {key: actual.get(key) for key in expected}
