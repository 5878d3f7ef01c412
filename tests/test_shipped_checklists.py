"""Content rules for the shipped checklists, a guard for anyone editing checklists/*.yaml
(version 2, the newest) and checklists/v1/ (version 1, kept unchanged for past results)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from trustcheck import checklist

SHIPPED = Path(__file__).resolve().parents[1] / "checklists"
VERSION_1 = SHIPPED / "v1"
# What results made with version 1 name; they find their checklist by these fingerprints.
V1_FINGERPRINTS = {
    "mentor": "fcfc3ea0f1247e4950eb702d2bea0a87b91a0e68da0565fd4c940d4597c70557",
    "mentee": "0be561c55f6290c71466464794d2b8a693283ff173052be4ef1668e0931ac944",
}
ROLES = ("mentor", "mentee")
OBSTACLES = {"impatience", "mismatched_expectations", "ineffective_communication",
             "lack_of_feedback"}


@pytest.fixture(scope="module", params=ROLES)
def shipped(request) -> checklist.Checklist:
    return checklist.load(SHIPPED / f"{request.param}.yaml")


def test_every_shipped_file_is_valid():
    paths = [str(p) for p in sorted(SHIPPED.glob("*.yaml")) + sorted(VERSION_1.glob("*.yaml"))]
    assert len(paths) == 6

    done = subprocess.run([sys.executable, "-m", "trustcheck", "checklists", "validate", *paths],
                          capture_output=True, text=True, timeout=60)

    assert done.returncode == 0, done.stderr
    for path in paths:
        assert f"{path}: valid." in done.stderr


def test_each_role_has_five_own_strategies_and_the_six_shared(shipped):
    own = [s for s in shipped.strategies if s.group == shipped.role]
    shared = [s for s in shipped.strategies if s.group == "shared"]

    assert len(own) == 5
    assert len(shared) == 6
    assert len(shipped.strategies) == 11


def test_each_strategy_has_three_or_four_statements(shipped):
    for strategy in shipped.strategies:
        assert 3 <= len(strategy.items) <= 4, strategy.id


def test_version_2_has_four_statements_per_strategy_and_states_each_reliability(shipped):
    assert shipped.version == "2"
    for strategy in shipped.strategies:
        assert len(strategy.items) == 4, strategy.id
        assert strategy.reliability is not None and 0 < strategy.reliability < 1, strategy.id


def test_every_stated_reliability_has_its_reasoning_beside_it():
    for path in sorted(SHIPPED.glob("*.yaml")):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines()
                 if line.strip().startswith("reliability:")]
        assert lines, path
        for line in lines:
            value, _, reason = line.partition("#")
            assert 0 < float(value.split(":")[1]) < 1, line
            assert "alpha" in reason and "statement" in reason, line


def test_version_2_marks_the_statements_that_depend_on_an_event(shipped):
    # A statement that starts "When ..." happened only if something else did first.
    for item in shipped.items:
        if item.text.startswith("When ") or item.text.startswith("After "):
            assert item.conditional, item.id
    assert any(item.conditional for item in shipped.items)


def test_version_1_is_kept_unchanged_for_the_results_made_with_it():
    for role, fingerprint in V1_FINGERPRINTS.items():
        kept = checklist.load(VERSION_1 / f"{role}.yaml")
        assert (kept.version, kept.sha256) == ("1", fingerprint)
        assert all(not item.conditional for item in kept.items)


def test_an_id_never_names_two_different_statements_across_versions():
    for role in ROLES:
        texts = {}
        for version in (VERSION_1, SHIPPED):
            for item in checklist.load(version / f"{role}.yaml").items:
                assert texts.setdefault(item.id, item.text) == item.text, item.id
        # The strategies stay the same, so trends compare them across the change of version.
        strategies = [[s.id for s in checklist.load(v / f"{role}.yaml").strategies]
                      for v in (VERSION_1, SHIPPED)]
        assert strategies[0] == strategies[1]


def test_shared_statements_worded_by_role_differ_only_where_the_role_changes_the_meaning():
    mentor = {i.id: i.text for i in checklist.load(SHIPPED / "mentor.yaml").items}
    mentee = {i.id: i.text for i in checklist.load(SHIPPED / "mentee.yaml").items}
    worded = {i for i in set(mentor) & set(mentee)
              if re.sub(r"\bmentee\b", "X", mentor[i]) != re.sub(r"\bmentor\b", "X", mentee[i])}
    assert worded == {"shared_goals.5", "recognition.5"}


def test_each_strategy_has_at_least_one_reverse_keyed_statement(shipped):
    for strategy in shipped.strategies:
        assert any(item.reverse for item in strategy.items), strategy.id


def test_each_strategy_has_two_to_four_actions_named_after_it(shipped):
    for strategy in shipped.strategies:
        assert 2 <= len(strategy.actions) <= 4, strategy.id
        for action in strategy.actions:
            assert re.fullmatch(rf"{re.escape(strategy.id)}\.[a-z0-9]+(-[a-z0-9]+)*", action.id), \
                action.id
            assert action.text.strip(), action.id


def test_statement_ids_are_the_strategy_and_a_number(shipped):
    for strategy in shipped.strategies:
        for item in strategy.items:
            assert re.fullmatch(rf"{re.escape(strategy.id)}\.[1-9][0-9]*", item.id), item.id
            assert item.strategy == strategy.id


def test_every_strategy_says_why_it_matters(shipped):
    for strategy in shipped.strategies:
        assert strategy.why.strip(), strategy.id
        assert strategy.title.strip(), strategy.id


def test_each_role_names_the_four_common_obstacles(shipped):
    assert len(shipped.obstacles) == 4
    assert {o.id for o in shipped.obstacles} == OBSTACLES
    known = {s.id for s in shipped.strategies}
    for obstacle in shipped.obstacles:
        assert obstacle.title.strip(), obstacle.id
        assert obstacle.remedy.strip(), obstacle.id
        assert obstacle.signals, obstacle.id
        assert set(obstacle.signals) <= known, obstacle.id


def test_every_statement_is_in_the_first_person(shipped):
    for item in shipped.items:
        assert item.text.startswith("I ") or " I " in item.text, item.id


def test_no_placeholder_is_left_in_any_text(shipped):
    texts = [shipped.title, shipped.description]
    for strategy in shipped.strategies:
        texts += [strategy.title, strategy.why]
        texts += [item.text for item in strategy.items]
        texts += [action.text for action in strategy.actions]
    for obstacle in shipped.obstacles:
        texts += [obstacle.title, obstacle.description, obstacle.remedy]
    assert not [t for t in texts if "{" in t or "}" in t]

