"""`trustcheck compare THEIR_FILE --partner NAME --format markdown|html` (issue 11 §4): a one-page
guide for the next meeting, with talking points, a strength to acknowledge, open commitments and
room for agreed actions; never item answers or codes; HTML safe and self-contained."""

from __future__ import annotations

import stat

from conftest import make, run, save
from test_report_html import HOSTILE, OUR_ATTRIBUTES, OUR_TAGS, parse
from test_two_way import pair, write_side

from trustcheck.compare import guide, two_way
from trustcheck.exchange import from_assessment

LISTEN = "active_listening.summarise-back"


def arranged(tmp_path, trustcheck_home, *, mentor_seen_as=None, commit=(LISTEN,)):
    """A mentor's history (a check-in with an open commitment) and their mentee's file."""
    mentor, mentee = pair(mentor_seen_as if mentor_seen_as is not None else
                          {"transparency": 20.0, "active_listening": 90.0,
                           "realistic_expectations": 8.0, "confidentiality": 5.0,
                           "empathy": 60.0}, {})
    committed = make("a" * 32, role="mentor", value=3, days=30, commit=commit)
    save(trustcheck_home, committed._replace(partner_view=mentor.partner_view))
    return write_side(tmp_path, "from-my-mentee.json", from_assessment(mentee)), mentor, mentee


def guide_of(theirs, fmt: str, *extra: str) -> str:
    shown = run("compare", str(theirs), "--partner", "Sam", "--format", fmt, *extra)
    assert shown.exit_code == 0, shown.stderr
    return shown.stdout


def test_the_talking_points_are_the_largest_clear_differences_at_most_three(tmp_path,
                                                                            trustcheck_home):
    theirs, mentor, mentee = arranged(tmp_path, trustcheck_home)
    made = guide(two_way(from_assessment(mentor), from_assessment(mentee)))
    # The mentor sees themselves at 50 everywhere. Four clear differences (45, 42, 40 and 30
    # points); empathy (10) is within the noise.
    assert [p.view.strategy for p in made.talking_points] == [
        "confidentiality", "realistic_expectations", "active_listening"]
    assert made.acknowledge is not None and made.acknowledge[1].strategy == "active_listening"

    text = guide_of(theirs, "markdown")
    assert text.startswith("# Conversation guide for your next meeting")
    assert text.count("*Opening question:*") == 3
    assert ('We see how my "Respect confidentiality" is going differently; how do you think '
            "it is going?") in text
    sem = next(s.sem for s in mentor.strategies if s.id == "confidentiality")
    assert f"Your \"Respect confidentiality\": you see yourself at 50 ± {sem:.0f}, your mentee " \
           "sees you at 5 ± 6 (a blind spot)." in " ".join(text.split())
    assert "Be transparent" not in text  # the fourth difference stays off the page
    assert "## A strength to acknowledge" in text and "thank them" in text
    assert "Your mentee trusts you: 80 ± 6." in text
    blanks = [line for line in text.splitlines() if line.endswith("______")]
    assert blanks[0].startswith("1. ") and len(blanks) == 3  # room for the actions you agree


def test_the_guide_lists_the_open_commitments_of_the_person_running_it(tmp_path,
                                                                      trustcheck_home):
    theirs, _, _ = arranged(tmp_path, trustcheck_home)
    text = guide_of(theirs, "markdown")
    assert "## Your open commitments" in text
    assert "At the end of each meeting, summarise what you heard in one sentence" in text
    assert "(since 2026-03-31)" in text


def test_without_clear_differences_the_guide_says_so_kindly(tmp_path, trustcheck_home):
    theirs, _, _ = arranged(tmp_path, trustcheck_home, mentor_seen_as={"empathy": 60.0},
                            commit=())
    text = guide_of(theirs, "markdown")
    assert "your views agree within the noise" in text
    assert "No hidden strength stood out this time" in text
    assert "You have no open commitments in this relationship." in text


def test_the_guide_holds_no_item_answers_and_no_ids(tmp_path, trustcheck_home):
    theirs, mentor, _ = arranged(tmp_path, trustcheck_home)
    for fmt in ("markdown", "html"):
        text = guide_of(theirs, fmt)
        for item_id in mentor.answers:
            assert item_id not in text
        assert "a" * 32 not in text and "a" * 8 not in text  # no check-in id either


def test_the_html_guide_loads_nothing_runs_nothing_and_prints(tmp_path, trustcheck_home):
    theirs, _, _ = arranged(tmp_path, trustcheck_home)
    text = guide_of(theirs, "html")
    page = parse(text)
    assert set(page.tags) <= OUR_TAGS
    assert {name for _, name, _ in page.attributes} <= OUR_ATTRIBUTES
    assert "<script" not in text and "src=" not in text and "href=" not in text
    assert 'http-equiv="Content-Security-Policy" content="default-src &#x27;none&#x27;' in text
    assert "@media print" in text
    visible = " ".join("".join(page.text).split())
    assert "Talking points" in visible and "Actions we agree" in visible
    assert 'Opening question: We see how my "Respect confidentiality" is going' in visible


def test_hostile_strategy_titles_and_commitment_texts_are_escaped(tmp_path, trustcheck_home):
    from trustcheck.render.two_way import html_page, markdown

    # Titles come from the partner's file, so they are escaped like any text from outside.
    mentor, mentee = pair({"transparency": 20.0}, {"open_communication": 99.0})
    theirs = from_assessment(mentee)
    theirs = theirs._replace(strategies=tuple(s._replace(title=HOSTILE)
                                              for s in theirs.strategies))
    made = guide(two_way(from_assessment(mentor), theirs))
    assert any(not point.yours for point in made.talking_points)
    for text in (html_page(made), markdown(made)):
        assert "<script>" not in text and "<img" not in text
    page = parse(html_page(made))
    assert set(page.tags) <= OUR_TAGS
    assert {name for _, name, _ in page.attributes} <= OUR_ATTRIBUTES
    assert HOSTILE in " ".join(page.text)  # shown as text, exactly as typed

    # And a commitment in the person's own words, through the CLI.
    save(trustcheck_home, mentor)
    added = run("commitments", "add", HOSTILE, "--partner", "Sam")
    assert added.exit_code == 0, added.stderr
    partner_file = write_side(tmp_path, "theirs.json", from_assessment(mentee))
    text = guide_of(partner_file, "html")
    assert "<script>" not in text and HOSTILE in " ".join(parse(text).text)


def test_the_guide_goes_to_a_private_file_never_overwritten_without_force(tmp_path,
                                                                         trustcheck_home):
    theirs, _, _ = arranged(tmp_path, trustcheck_home)
    target = tmp_path / "guide.html"
    shown = run("compare", str(theirs), "--partner", "Sam", "-f", "html", "-o", str(target))
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout == "" and shown.stderr.strip() == f"Written to {target}."
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    again = run("compare", str(theirs), "--partner", "Sam", "-f", "html", "-o", str(target))
    assert again.exit_code == 2
    assert again.stderr.strip() == (f"{target} already exists; add --force to replace it, or "
                                    "choose another name.")
    forced = run("compare", str(theirs), "--partner", "Sam", "-f", "markdown", "-o",
                 str(target), "--force")
    assert forced.exit_code == 0 and target.read_text(encoding="utf-8").startswith("# ")


def test_the_text_comparison_can_go_to_a_file_too(tmp_path, trustcheck_home):
    theirs, _, _ = arranged(tmp_path, trustcheck_home)
    target = tmp_path / "comparison.txt"
    shown = run("compare", str(theirs), "--partner", "Sam", "-o", str(target))
    assert shown.exit_code == 0, shown.stderr
    written = target.read_text(encoding="utf-8")
    assert "How you see yourself, and how your mentee sees you" in written
    assert "\x1b[" not in written  # no terminal colours in a file
