"""Retention: which daily indices prune deletes, and the ILM policy body setup installs."""

from __future__ import annotations

import inspect
import re
from datetime import date

import pytest
from elasticsearch import Elasticsearch

from pipeline.errors import ConfigError
from pipeline.retention import delete_policy, plan_prune, policy_name
from pipeline.setup import TemplateOptions, render_templates

TODAY = date(2026, 12, 5)
PREFIX = "universal-ai-tools-"


def test_days_before_the_cutoff_go() -> None:
    """keep 7 days on 12-05: 11-28 and later stay, 11-27 and before go."""
    names = [f"{PREFIX}2026.11.27", f"{PREFIX}2026.11.28", f"{PREFIX}2026.12.05",
             f"{PREFIX}2026.12.06", f"{PREFIX}2025.01.01"]
    plan = plan_prune(names, PREFIX, 7, TODAY)
    assert (date(2026, 11, 28), [f"{PREFIX}2025.01.01", f"{PREFIX}2026.11.27"]) == (
        plan.cutoff, [i.name for i in plan.delete]
    )
    assert [f"{PREFIX}2026.11.28", f"{PREFIX}2026.12.05", f"{PREFIX}2026.12.06"] == [
        i.name for i in plan.keep
    ]


def test_names_without_a_day_are_left_alone() -> None:
    """Another index sharing the prefix, an impossible date, a suffix: never deleted."""
    names = [f"{PREFIX}archive-2020.01.01", f"{PREFIX}2020.02.30", f"{PREFIX}2020.01.01-old",
             f"{PREFIX}2020.01.01"]
    plan = plan_prune(names, PREFIX, 0, TODAY)
    assert ([f"{PREFIX}2020.01.01"], sorted(names[:3])) == (
        [i.name for i in plan.delete], plan.undated
    )


def test_keep_zero_keeps_only_today() -> None:
    """--keep-days 0 deletes every day before today."""
    plan = plan_prune([f"{PREFIX}2026.12.04", f"{PREFIX}2026.12.05"], PREFIX, 0, TODAY)
    assert ([f"{PREFIX}2026.12.04"], [f"{PREFIX}2026.12.05"]) == (
        [i.name for i in plan.delete], [i.name for i in plan.keep]
    )


def test_negative_keep_days_is_refused() -> None:
    with pytest.raises(ConfigError, match="--keep-days"):
        plan_prune([], PREFIX, -1, TODAY)


# What ILM's "Create or update lifecycle policy" API accepts (PUT _ilm/policy/<id>, body
# {"policy": {...}}; https://www.elastic.co/guide/en/elasticsearch/reference/8.19/
# ilm-put-lifecycle.html and "Index lifecycle actions" / "Delete"): a policy has `phases` and
# an optional `_meta`; phases are hot, warm, cold, frozen, delete; a phase has `min_age` (time
# units) and `actions`; the delete phase allows `wait_for_snapshot` and `delete`, whose only
# option is `delete_searchable_snapshot`.
POLICY_KEYS = {"phases", "_meta"}
PHASES = {"hot", "warm", "cold", "frozen", "delete"}
PHASE_KEYS = {"min_age", "actions"}
DELETE_PHASE_ACTIONS = {"wait_for_snapshot", "delete"}
DELETE_ACTION_OPTIONS = {"delete_searchable_snapshot"}
TIME_UNITS = re.compile(r"^\d+(d|h|m|s|ms|micros|nanos)$")


def test_policy_body_follows_the_ilm_api() -> None:
    """Only documented keys; a delete phase at `<days>d` with the delete action."""
    body = delete_policy(30)
    assert set(body) <= POLICY_KEYS
    assert set(body["phases"]) <= PHASES
    for phase in body["phases"].values():
        assert set(phase) <= PHASE_KEYS
        assert TIME_UNITS.match(phase["min_age"]) is not None
    delete = body["phases"]["delete"]
    assert ("30d", {"delete": {}}) == (delete["min_age"], delete["actions"])
    assert set(delete["actions"]) <= DELETE_PHASE_ACTIONS
    assert set(delete["actions"]["delete"]) <= DELETE_ACTION_OPTIONS


def test_client_sends_the_body_as_policy() -> None:
    """The official client's put_lifecycle takes the body as `policy` (what install uses)."""
    parameters = inspect.signature(Elasticsearch(["http://127.0.0.1:1"]).ilm.put_lifecycle)
    assert {"name", "policy"} <= set(parameters.parameters)


def test_policy_days_and_name() -> None:
    """Zero days is refused (ILM would delete at once); the name follows the prefix."""
    with pytest.raises(ConfigError):
        delete_policy(0)
    assert "universal-ai-tools-retention" == policy_name(PREFIX)


def test_template_names_the_policy_only_when_given() -> None:
    """index.lifecycle.name is in the settings component only with a policy (no ILM: absent)."""
    def settings(options: TemplateOptions) -> dict[str, object]:
        body = render_templates(options)[0].body
        return dict(body["template"]["settings"]["index"])

    assert "lifecycle" not in settings(TemplateOptions())
    named = settings(TemplateOptions(lifecycle_policy="universal-ai-tools-retention"))
    assert {"name": "universal-ai-tools-retention"} == named["lifecycle"]
