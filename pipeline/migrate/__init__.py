"""``lumberyard migrate``: read a Logstash pipeline config and write the lumberyard config.

:func:`read_config` parses the Logstash config language into :mod:`._ast` nodes (syntax
errors name line and column).
"""

from __future__ import annotations

from ._ast import Config
from ._reader import read_config, read_config_file, unescape

__all__ = ["Config", "read_config", "read_config_file", "unescape"]
