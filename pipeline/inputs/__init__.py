"""Inputs: where events come from. ``files`` reads archived logs (plain or compressed)."""

from __future__ import annotations

from pipeline.inputs._acks import OffsetTracker
from pipeline.inputs._bounds import StartsEvent
from pipeline.inputs._compression import decompressed_chunks, sniff, sniff_file
from pipeline.inputs._discovery import STDIN, Discovered, Problem, discover, rotation_key
from pipeline.inputs._events import FILEBEAT_DECODE_TAG, TRUNCATED_TAG, split_lines
from pipeline.inputs._units import STREAM, FileUnit, inspect, split_ranges, stream_unit
from pipeline.inputs.files import FileInput, Joiner, UnitListener, stdin_unit

__all__ = [
    "FILEBEAT_DECODE_TAG",
    "STDIN",
    "STREAM",
    "TRUNCATED_TAG",
    "Discovered",
    "FileInput",
    "FileUnit",
    "Joiner",
    "OffsetTracker",
    "Problem",
    "StartsEvent",
    "UnitListener",
    "decompressed_chunks",
    "discover",
    "inspect",
    "rotation_key",
    "sniff",
    "sniff_file",
    "split_lines",
    "split_ranges",
    "stdin_unit",
    "stream_unit",
]
