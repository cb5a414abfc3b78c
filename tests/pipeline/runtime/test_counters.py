"""Counting failure tags, shared by ``lumberyard parse`` and the reprocess workers."""

from __future__ import annotations

from collections import Counter

from pipeline.runtime import count_failure_tags


def test_only_underscore_string_tags_are_counted() -> None:
    """Failure tags start with '_'; user tags and non-strings are not failures."""
    seen: Counter[str] = Counter()
    count_failure_tags(["_grokparsefailure", "beats", 7, "_grokparsefailure"], seen)
    count_failure_tags(["_dateparsefailure"], seen)
    assert Counter({"_grokparsefailure": 2, "_dateparsefailure": 1}) == seen


def test_tags_that_are_not_a_list_count_nothing() -> None:
    """A shipper's odd `tags` value (a string, None) is not split into characters."""
    seen: Counter[str] = Counter()
    for odd in ("_x", None, {"_a": 1}):
        count_failure_tags(odd, seen)
    assert Counter() == seen
