"""lumberyard: Python stream workers that replace Logstash in an Elastic logging stack."""

from __future__ import annotations

__version__ = "0.1.0"
