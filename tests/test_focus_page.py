"""`trustcheck focus --format html -o FILE` and `trustcheck history show ID --format html -o FILE`:
pages of your own, safe, self-contained and readable on a laptop and a phone."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pexpect
import pytest
from browser import needs_browser, render, share_of_pixels
from conftest import START, builtin, mode, run, save
from test_page import HOSTILE, check_in, own, parse, story
from test_partner_view import partner_answers

from trustcheck import assessment
from trustcheck.records import Commitment
from trustcheck.render.html import CSP

BAR = (0x1F, 0x4E, 0x8C)  # the filled part of a score bar
IDS = re.compile(r"\[[a-z_]+[.-][a-z0-9_.-]+\]")  # an id like [accountability.review-last]


def write(tmp_path: Path, *args: str, name: str = "page.html"):
    target = tmp_path / name
    made = run(*args, "--format", "html", "-o", str(target))
    assert made.exit_code == 0, made.stderr
    assert made.stdout == ""
    assert f"Written to {target}; open it in a web browser." in made.stderr
    text = target.read_text(encoding="utf-8")
    return target, parse(text), text


def low_story(home: Path, partner: str = "Sam", text: str = "Ask one open question") -> None:
    """Two check-ins as a mentor: most strategies low (focus areas with actions), a commitment
    made at the latest and still open."""
    save(home, check_in("c1", 0, partner=partner, value=2),
         check_in("c2", 30, partner=partner, value=2, strategies={"transparency": 4},
                  commit=(own(text),)))


def assert_safe(page, text: str) -> None:
    assert text.startswith("<!DOCTYPE html>\n")
    assert "script" not in page.tags and "img" not in page.tags and "iframe" not in page.tags
    assert not any(name.startswith("on") for _, name, _ in page.attributes)
    assert not any(name in ("src", "href") for _, name, _ in page.attributes)
    assert not re.search(r"https?:", text) and "url(" not in text and "@import" not in text
    assert ("meta", "content", CSP) in page.attributes
    assert "@media print" in text
    assert not IDS.search(page.words), IDS.search(page.words)


# --- focus ---------------------------------------------------------------------------------------


def test_the_focus_page_shows_every_area_with_every_action(trustcheck_home, tmp_path):
    low_story(trustcheck_home)

    target, page, text = write(tmp_path, "focus", "--partner", "Sam")

    assert mode(target) == 0o600
    plan = json.loads(run("focus", "--partner", "Sam", "--format", "json").stdout)
    assert "What to work on next: mentor with Sam" in page.words
    assert plan["lowest"], plan
    for item in plan["lowest"] + plan["slipped"]:
        assert item["title"] in page.words
        for action in item["actions"]:
            assert action["text"] in page.words  # every action, not only the first
        assert item["strategy"] not in page.words  # no ids
        assert not any(action["id"] in page.words for action in item["actions"])
    # The uncertainty as in the text view: "± 11" in whole points, and what it means.
    assert re.search(r"overall \d+(\.\d)? ± \d+ of 100, [a-z ]+\.", page.words)
    assert "± is one standard error of measurement" in page.words
    assert "Your open commitments" in page.words and "Ask one open question (chosen " \
        in page.words
    assert "Follow-through: no commitments reviewed yet." in page.words
    assert_safe(page, text)


def test_the_focus_page_says_about_the_same_for_noise(trustcheck_home, tmp_path):
    # Transparency one step up in one statement: within the noise, so no number is shown.
    save(trustcheck_home, check_in("c1", 0, value=2),
         check_in("c2", 30, value=2, raised="transparency"))

    _, page, _ = write(tmp_path, "focus")

    assert "about the same since" in page.words
    assert "+6.2" not in page.words and ".0 " not in page.words


def test_hostile_partner_names_and_commitments_are_shown_as_text(trustcheck_home, tmp_path):
    low_story(trustcheck_home, partner=HOSTILE, text=f"Listen {HOSTILE}")

    _, page, text = write(tmp_path, "focus")

    assert f"mentor with {HOSTILE}" in page.words
    assert f"Listen {HOSTILE}" in page.words
    assert "<script>" not in text and "<img" not in text
    assert_safe(page, text)


def test_focus_with_several_relationships_names_the_one_to_pick(trustcheck_home, tmp_path):
    low_story(trustcheck_home)
    save(trustcheck_home, check_in("m1", 5, role="mentee", partner="Alex"))
    target = tmp_path / "focus.html"

    several = run("focus", "--format", "html", "-o", str(target))
    one = run("focus", "--role", "mentee", "--format", "html", "-o", str(target))

    assert several.exit_code == 2 and "--partner" in several.stderr
    assert "Traceback" not in several.stderr
    assert one.exit_code == 0 and "mentee with Alex" in target.read_text(encoding="utf-8")


def test_focus_with_nothing_to_show_writes_no_page(tmp_path):
    target = tmp_path / "focus.html"

    nothing = run("focus", "--format", "html", "-o", str(target))

    assert nothing.exit_code == 0
    assert "No page was written" in nothing.stderr and "trustcheck assess" in nothing.stderr
    assert not target.exists()


def test_focus_json_and_text_are_unchanged(trustcheck_home, tmp_path):
    low_story(trustcheck_home)

    printed = run("focus", "--format", "json")
    written = run("focus", "--format", "json", "-o", str(tmp_path / "f.json"))
    text = run("focus")

    assert written.exit_code == 0 and printed.exit_code == 0
    assert json.loads((tmp_path / "f.json").read_text(encoding="utf-8")) == \
        json.loads(printed.stdout)
    assert text.stdout.startswith("What to work on next: mentor with Sam")


# --- history show --------------------------------------------------------------------------------


def test_the_check_in_page_shows_it_in_full(trustcheck_home, tmp_path):
    story(trustcheck_home)

    target, page, text = write(tmp_path, "history", "show", "c3")

    assert mode(target) == 0o600
    shown = json.loads(run("history", "show", "c3", "--format", "json").stdout)
    assert "Your check-in as mentor with Sam" in page.words
    assert re.search(r"Overall trust index: \d+(\.\d)? ± \d+ of 100, [a-z ]+\.", page.words)
    # The strategies table: every strategy with its score, ± in whole points, and a bar.
    strategies = shown["strategies"]
    for strategy in strategies:
        row = page.row(strategy["title"])
        assert re.fullmatch(r"\d+(\.\d)? ± \d+", row[1]), row
        assert row[3] == strategy["band"]
    assert page.row("Listen actively")[1].startswith("25 ± ")
    assert text.count('<svg class="bar"') == len(strategies)
    for area in shown["focus"]:
        assert area["title"] in page.words
        for action in area["actions"]:
            assert action["text"] in page.words
    assert "How your commitments from last time went" in page.words
    assert re.search(r"\bdone ?: Ask one open question", page.words)
    assert "Your commitments until the next check-in" in page.words
    assert "Share one mistake" in page.words
    assert shown["id"] not in page.words  # no ids
    assert_safe(page, text)


def test_the_check_in_page_shows_the_partner_view(trustcheck_home, tmp_path):
    used = builtin("mentor")
    answers = {item.id: 6 - 2 if item.reverse else 2 for item in used.items}
    answers.update(partner_answers("mentor", felt_trust=4, behaviour=3))
    save(trustcheck_home, assessment.build(used, answers, role="mentor", partner="Sam",
                                           cohort=None, now=START, id="p1"))

    _, page, text = write(tmp_path, "history", "show", "p1")

    shown = json.loads(run("history", "show", "p1", "--format", "json").stdout)
    assert "How you see your mentee" in page.words
    felt = page.row("Felt trust")
    assert felt[1].startswith("75 ± ") and felt[3] == "solid"
    assert len(shown["partner_view"]["strategies"]) >= 1
    for strategy in shown["partner_view"]["strategies"]:
        assert page.row(strategy["title"])  # both tables name it; the partner's comes last
    assert_safe(page, text)


def test_the_check_in_page_escapes_hostile_text(trustcheck_home, tmp_path):
    made = Commitment("own-1", f"Try {HOSTILE}", "transparency")
    save(trustcheck_home, check_in("h1", 0, partner=HOSTILE, value=2, commit=(made,)))

    _, page, text = write(tmp_path, "history", "show", "h1")

    assert f"mentor with {HOSTILE}" in page.words
    assert f"Try {HOSTILE}" in page.words
    assert "<script>" not in text and "<img" not in text
    assert_safe(page, text)


# --- where a page goes ---------------------------------------------------------------------------


@pytest.mark.parametrize("command", [("focus",), ("history", "show", "last")])
def test_a_page_is_not_written_to_a_terminal(trustcheck_home, command):
    low_story(trustcheck_home)
    child = pexpect.spawn(sys.executable, ["-m", "trustcheck", *command, "--format", "html"],
                          encoding="utf-8", timeout=60, dimensions=(24, 120))
    child.expect(pexpect.EOF)
    child.close()

    said = " ".join(child.before.split())
    assert child.exitstatus == 2
    assert "A page is for a web browser, not this window; please add -o FILE" in said
    assert "<html" not in said and "Traceback" not in said


@pytest.mark.parametrize("command", [("focus",), ("history", "show", "last")])
def test_an_existing_file_is_kept_unless_forced(trustcheck_home, tmp_path, command):
    low_story(trustcheck_home)
    target = tmp_path / "page.html"
    target.write_text("mine", encoding="utf-8")

    refused = run(*command, "--format", "html", "-o", str(target))
    kept = target.read_text(encoding="utf-8")
    piped = run(*command, "--format", "html")
    forced = run(*command, "--format", "html", "-o", str(target), "--force")

    assert refused.exit_code == 2 and kept == "mine"
    assert "already exists; add --force to replace it" in refused.stderr
    assert piped.exit_code == 0 and piped.stdout.startswith("<!DOCTYPE html>")
    assert forced.exit_code == 0 and target.read_text(encoding="utf-8").startswith("<!DOCTYPE")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# --- in a real browser ---------------------------------------------------------------------------


@needs_browser
@pytest.mark.parametrize("command, name", [(("focus",), "focus.html"),
                                           (("history", "show", "c2"), "check-in.html")])
@pytest.mark.parametrize("width, height", [(1280, 1800), (390, 3600)])
def test_a_browser_shows_the_pages_without_complaint(trustcheck_home, tmp_path, command, name,
                                                     width, height):
    low_story(trustcheck_home, partner=HOSTILE, text=f"Listen {HOSTILE}")
    target, _, _ = write(tmp_path, *command, name=name)

    shown = render(target, width=width, height=height)

    assert shown.console == []
    image = shown.image()
    # The page is drawn (dark text on white), nothing runs off to the right at a phone's width.
    assert share_of_pixels(image, (255, 255, 255), tolerance=4) > 0.5
    assert share_of_pixels(image, (0x11, 0x11, 0x11), tolerance=40) > 0.005
    if command[0] == "history":
        assert share_of_pixels(image, BAR, tolerance=20) > 0.0005  # the score bars
