"""The firewall and Bacula grok names where lumberyard's definitions fix a slip of Logstash's.

Each case is a line in the documented format of its device and the captures the pattern's names
promise; logstash-patterns-core's own form misses them (a ``%{DATA}`` that takes nothing at the
end of a pattern, one fragment flag of several, a blank the kernel does not write, ...). The
spec cases of those patterns are in ``data/grok_spec`` and still hold.
"""

from __future__ import annotations

from typing import Any

import pytest

from parsers import compile_grok
from tests.parsers.helpers import subset

_CASES: list[tuple[str, str, str, dict[str, Any]]] = [
    # (flavour, pattern name or grok text, line, expected captures (a subset) or "no match")
    ("legacy", "CISCOFW106006_106007_106010",
     "Deny inbound UDP from 10.1.1.1/5353 to 10.2.2.2/53 on interface outside",
     {"interface": "outside"}),
    ("legacy", "CISCOFW305011",
     "Built static UDP translation from dmz:10.0.0.5/53 to outside:198.51.100.5/53",
     {"src_xlated_interface": "outside", "src_xlated_ip": "198.51.100.5",
      "src_xlated_port": "53"}),
    ("legacy", "CISCOFW313001_313004_313008",
     "Denied ICMP type=8, code=0 from 192.0.2.7 on interface dmz",
     {"interface": "dmz", "src_ip": "192.0.2.7"}),
    ("legacy", "CISCOFW106100",
     "access-list web permitted tcp inside/10.0.0.1(1025)(alice) -> outside/192.0.2.1(80)(bob) "
     "hit-cnt 1 first hit [0x1a2b, 0x0]",
     {"src_fwuser": "alice", "dst_fwuser": "bob", "hashcode1": "0x1a2b"}),
    ("v1", "CISCOFW106100",
     "access-list web permitted tcp inside/10.0.0.1(1025)(alice) -> outside/192.0.2.1(80)(bob) "
     "hit-cnt 1 first hit [0x1a2b, 0x0]",
     {"source": {"user": {"name": "alice"}}, "destination": {"user": {"name": "bob"}}}),
    ("v1", "CISCOFW302013_302014_302015_302016",
     "Built inbound TCP connection 42 for outside:192.0.2.9/5000 (192.0.2.9/5000)(carol) to "
     "inside:10.0.0.9/80 (198.51.100.9/80)",
     {"source": {"user": {"name": "carol"}}}),
    ("legacy", "CISCOFW106014",
     "Deny inbound icmp src outside:192.0.2.1 dst inside:10.0.0.1(type 8, code 0)",
     {"icmp_type": "8", "dst_ip": "10.0.0.1"}),
    ("legacy", "CISCOFW321001", "Resource 'mac-addresses' limit of 65535 reached for system",
     {"resource_name": "mac-addresses", "resource_limit": "65535"}),
    ("v1", "IPTABLES",
     "IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=192.0.2.1 DST=10.0.0.1 "
     "LEN=1500 TOS=0x00 PREC=0x00 TTL=63 ID=4321 DF MF FRAG:185 PROTO=UDP SPT=53 DPT=5353 LEN=8",
     {"iptables": {"fragment_flags": "DF MF", "fragment_offset": 185},
      "source": {"mac": "66:77:88:99:aa:bb", "port": 53}}),
    ("v1", "IPTABLES",
     "IN=eth0 OUT=eth1 MAC= SRC=2001:db8::1 DST=2001:db8::2 LEN=80 TC=16 HOPLIMIT=64 "
     "FLOWLBL=0 PROTO=TCP SPT=443 DPT=51000 WINDOW=512 RES=0x00 ACK FIN URGP=0",
     {"iptables": {"ttl": 64, "tcp": {"flags": "ACK FIN ", "window": 512}},
      "destination": {"port": 51000}}),
    # digit groups of three after the first (Logstash's form repeats whole signed numbers)
    ("legacy", "^%{BACULA_CAPACITY:c}$", "108,372,182,400", {"c": "108,372,182,400"}),
    ("legacy", "^%{BACULA_CAPACITY:c}$", "1234,567", "no match"),
    ("legacy", "^%{BACULA_CAPACITY:c}$", "-12", "no match"),
    ("v1", "BACULA_LOG_NOOPEN", '     Cannot open "/etc/shadow": ERR=Permission denied',
     {"file": {"path": "/etc/shadow"}, "error": {"message": "Permission denied"}}),
]


@pytest.mark.parametrize(("flavour", "pattern", "line", "expected"), _CASES,
                         ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(_CASES)])
def test_fixed_slip(flavour: str, pattern: str, line: str, expected: Any) -> None:
    """The pattern finds what its capture names promise in a line of the device's format."""
    grok = pattern if "%{" in pattern else f"(?s:.*?)%{{{pattern}}}(?s:.*)"
    matcher = compile_grok("fw", grok, flavour=flavour)  # type: ignore[arg-type]
    actual = matcher.match(line)
    if expected == "no match":
        assert actual is None
        return
    assert actual is not None
    assert expected == subset(expected, actual)
