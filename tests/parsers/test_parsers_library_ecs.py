"""ECS library forms where lumberyard reads a line as its format means, not as upstream did.

Each case is a line of the format and the captures it gives; upstream's pattern text had a
typo or a too-narrow field there (the module of the definition says which).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers import compile_grok
from tests.parsers.helpers import subset

_CASES = [
    ("NAGIOSLOGLINE", "[1334609999] EXTERNAL COMMAND: DISABLE_HOST_CHECK;sputnik",
     {"host": {"hostname": "sputnik"}}),
    ("NAGIOSLOGLINE", "[1334609999] EXTERNAL COMMAND: ENABLE_SVC_CHECK;sputnik;HTTP",
     {"host": {"hostname": "sputnik"}, "service": {"name": "HTTP"}}),
    ("NAGIOSLOGLINE", "[1334609999] EXTERNAL COMMAND: DISABLE_HOST_NOTIFICATIONS;sputnik",
     {"host": {"hostname": "sputnik"},
      "nagios": {"log": {"command": "DISABLE_HOST_NOTIFICATIONS"}}}),
    ("NAGIOSLOGLINE", "[1427925600] HOST EVENT HANDLER: web1;DOWN;HARD;restart-httpd",
     {"nagios": {"log": {"event_handler_name": "restart-httpd", "state_type": "HARD"}}}),
    ("BIND9", "17-Feb-2018 23:06:56.326 queries: info: client 172.26.0.1#12345 (example.com): "
              "query: example.com IN ANY +E(0)K (172.26.0.3)",
     {"bing": {"log": {"category": "queries"}}, "dns": {"question": {"type": "ANY"}}}),
    ("BIND9", "30-Jun-2018 15:50:00.999 queries: debug 3: client 192.168.10.48#60061 (a.b): "
              "query: a.b IN A + (192.168.2.2)",
     {"log": {"level": "debug 3"}, "client": {"port": 60061}}),
    ("BIND9_QUERYLOGBASE", "client 127.0.0.1#53 (version.bind): query: version.bind CH TXT + "
                           "(127.0.0.1)",
     {"dns": {"question": {"class": "CH", "type": "TXT", "name": "version.bind"}}}),
    ("MONGO_LOG", "Thu Nov  3 18:28:32.450 [initandlisten] waiting for connections",
     {"timestamp": "Nov  3 18:28:32.450", "mongodb": {"component": "initandlisten"},
      "message": "waiting for connections"}),
    ("MONGO_SLOWQUERY", "query media.fs.chunks query: { files_id: 1 } ntoreturn:0 "
                        "ntoskip:0 nscanned:3 nreturned:3 reslen:100 12ms",
     {"mongodb": {"database": "media", "collection": "fs.chunks",
                  "profile": {"duration": 12, "nreturned": 3}}}),
    ("RAILS3", 'Started POST "/users" for 127.0.0.1 at 2015-08-05 07:40:22 +0200\n'
               'Processing by UsersController#create as HTML\n'
               '  Parameters: {"user"=>{"name"=>"x"}, "commit"=>"Save"}\n'
               'Completed 302 Found in 12ms (ActiveRecord: 1.5ms)',
     {"rails": {"request": {"params": '"user"=>{"name"=>"x"}, "commit"=>"Save"',
                            "duration": {"total": 12.0, "active_record": 1.5}},
                "controller": {"class": "UsersController", "action": "create"}},
      "http": {"response": {"status_code": 302}}}),
    ("RT_FLOW3", "RT_FLOW_SESSION_DENY: session denied 10.0.0.1/0->192.168.1.1/0 icmp 1(13) "
                 "deny-all trust untrust UNKNOWN",
     {"network": {"iana_number": "1"}, "rule": {"name": "deny-all"}}),
    ("RT_FLOW_EVENT", "RT_FLOW_SESSION_CLOSE", {}),
    ("HAPROXYDATE", "09/Dec/2013:12:59:46.633", {}),
]


@pytest.mark.parametrize(("pattern", "line", "expected"), _CASES, ids=[c[0] for c in _CASES])
def test_ecs_form_reads_the_format(pattern: str, line: str, expected: dict[str, Any]) -> None:
    """The ECS form matches the whole line and captures the fields the format holds."""
    actual = compile_grok("t", "^%{" + pattern + "}", flavour="v1").match(line)
    assert actual is not None
    assert expected == subset(expected, actual)


def test_a_haproxy_date_needs_the_dot_before_milliseconds() -> None:
    """``.`` before the milliseconds is a literal dot (upstream left it a wildcard)."""
    matcher = compile_grok("t", "^%{HAPROXYDATE}$", flavour="v1")
    assert matcher.match("09/Dec/2013:12:59:46x633") is None


_SPEC_DIR = Path(__file__).parent / "data" / "grok_spec"
_SEEDS = [(case["pattern"], case["line"])
          for file in sorted(_SPEC_DIR.glob("*_ecs.json"))
          for case in json.loads(file.read_text("utf-8")) if "pattern" in case]
_MATCHERS: dict[str, Any] = {}


def _matcher(pattern: str) -> Any:
    if pattern not in _MATCHERS:
        _MATCHERS[pattern] = compile_grok("t", "%{" + pattern + "}", flavour="v1")
    return _MATCHERS[pattern]


_noise = st.text(st.sampled_from(' \t\n-"()[]{}<>/:;,.=|+0A\\'), max_size=30)


@pytest.mark.timeout(300)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_SEEDS), st.integers(0, 2000), st.integers(0, 60), _noise,
       st.integers(1, 20))
def test_damaged_spec_lines_match_or_not_without_raising(
        seed: tuple[str, str], at: int, cut: int, noise: str, repeat: int) -> None:
    """A spec line with a span replaced by separators and quotes, its tail repeated, gives
    captures or no match: the column and field classes leave no input that raises."""
    pattern, line = seed
    at %= len(line) + 1
    damaged = line[:at] + noise + line[at + cut:]
    damaged += damaged[at:] * repeat
    actual = _matcher(pattern).match(damaged)
    assert actual is None or isinstance(actual, dict)
