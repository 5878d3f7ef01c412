"""Content rules for the shipped checklists, a guard for anyone editing checklists/*.yaml."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from trustcheck import checklist

SHIPPED = Path(__file__).resolve().parents[1] / "checklists"
ROLES = ("mentor", "mentee")
OBSTACLES = {"impatience", "mismatched_expectations", "ineffective_communication",
             "lack_of_feedback"}


@pytest.fixture(scope="module", params=ROLES)
def shipped(request) -> checklist.Checklist:
    return checklist.load(SHIPPED / f"{request.param}.yaml")


def test_every_shipped_file_is_valid():
    paths = [str(p) for p in sorted(SHIPPED.glob("*.yaml"))]
    assert len(paths) == 3

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

