"""One rule for keeping credentials out of what lumberyard prints: ``redact``.

A URL may carry a user and password (``http://elastic:changeme@es:9200``); every message,
log line and summary that could hold one goes through :func:`redact`, which keeps the user
and masks the password (``http://elastic:***@es:9200``), or masks a lone token
(``http://***@es:9200``). Used by the CLI's error printer, the log renderer, the summaries and
the sink's own messages.
"""

from __future__ import annotations

import re

__all__ = ["MASK", "redact"]

MASK = "***"
_USERINFO = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>\S+)@")
"""Up to the LAST ``@`` of the URL's token: a password typed with a raw ``@`` or ``/`` in it
(``http://u:p@ss@host``) is masked whole; a stray ``@`` later in a URL masks too much, never
too little."""


def _masked(found: re.Match[str]) -> str:
    user, colon, _ = found["userinfo"].partition(":")
    return f"{found['scheme']}{user}:{MASK}@" if colon else f"{found['scheme']}{MASK}@"


def redact(text: str) -> str:
    """``text`` with the credentials of every URL in it masked (the rest unchanged)."""
    return _USERINFO.sub(_masked, text) if "@" in text else text
