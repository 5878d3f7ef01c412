"""Checklist linting: checks that every statement is easy and fair to answer, in plain words.

The rules are pure functions over a loaded Checklist and the lines its statements sit on; they
never print. Every rule is documented for checklist writers in docs/checklists.md ("Linting"),
so a change here changes that section too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from trustcheck import yamlfile
from trustcheck.checklist import Checklist, Item, Strategy, load
from trustcheck.errors import InputError, Problem

SCHEMA = "trustcheck/lint/v1"

# Rule ids, as shown in `--format json` (docs/json.md) and named in docs/checklists.md.
JOINED = "joined-behaviours"
DOUBLE_NEGATIVE = "double-negative"
NO_TIME_FRAME = "no-time-frame"
VAGUE_TIME_FRAME = "vague-time-frame"
OTHER_TIME_FRAME = "other-time-frame"
READING_GRADE = "reading-grade"
TOO_FEW_STATEMENTS = "too-few-statements"
NO_REVERSE = "no-reverse-statement"
NEAR_DUPLICATE = "near-duplicate"
RULES = (JOINED, DOUBLE_NEGATIVE, NO_TIME_FRAME, VAGUE_TIME_FRAME, OTHER_TIME_FRAME,
         READING_GRADE, TOO_FEW_STATEMENTS, NO_REVERSE, NEAR_DUPLICATE)

MAX_GRADE = 8.0
MIN_STATEMENTS = 3
# Chosen by looking at every pair of the built-in statements: the pairs people named as asking
# the same thing share two or more meanings and score 0.6 or more; unrelated pairs stay below.
SIMILAR_AT = 0.6
SIMILAR_MIN_SHARED = 2


class Place(NamedTuple):
    """Where something is written: the file and its line (None when not known)."""

    file: str
    line: int | None


class Lines(NamedTuple):
    """The place of each statement's text and each strategy's id, across included files."""

    statements: dict[str, Place]
    strategies: dict[str, Place]


class Finding(NamedTuple):
    """One problem the linter found, with a reason a checklist writer understands."""

    rule: str
    kind: str  # "statement" or "strategy"
    id: str
    place: Place
    reason: str
    text: str = ""  # the statement's text, when the finding is about a statement


class Report(NamedTuple):
    """The lint of one checklist file, or the problems that stop it loading."""

    path: str
    checklist: Checklist | None
    findings: tuple[Finding, ...] = ()
    problems: tuple[Problem, ...] = ()  # why it could not be linted (as `validate` lists them)


def lint_file(path: Path) -> Report:
    """Load a checklist file and lint it; a file that does not load reports why instead."""
    try:
        checklist = load(path)
    except InputError as exc:
        return Report(str(path), None, (), exc.problems or (Problem(exc.message, str(path)),))
    return Report(str(path), checklist, lint(checklist, statement_lines(path)))


def to_dict(reports: Iterable[Report]) -> dict:
    """The `trustcheck/lint/v1` shape (docs/json.md)."""
    reports = list(reports)
    files = []
    for report in reports:
        checklist = report.checklist
        files.append({
            "path": report.path,
            "checklist": None if checklist is None else {
                "id": checklist.id, "version": checklist.version},
            "valid": checklist is not None,
            "errors": [{"file": p.source or report.path, "line": p.line, "message": p.message}
                       for p in report.problems],
            "problems": [{
                "rule": f.rule, "kind": f.kind, "id": f.id, "file": f.place.file,
                "line": f.place.line, "text": f.text if f.kind == "statement" else None,
                "reason": f.reason} for f in report.findings],
        })
    return {
        "schema": SCHEMA,
        "files": files,
        "summary": {
            "files": len(reports),
            "problems": sum(len(r.findings) for r in reports),
            "invalid": sum(r.checklist is None for r in reports),
        },
    }


# --- where things are written -----------------------------------------------------------------

def statement_lines(path: Path) -> Lines:
    """Read the lines of every statement and strategy of a checklist that loads without problems.

    Call it only after `checklist.load(path)` succeeded: that already refused includes that
    leave the folder, so they can be read here as written.
    """
    statements: dict[str, Place] = {}
    strategies: dict[str, Place] = {}

    def read(file: Path) -> list:
        data, _ = yamlfile.parse(yamlfile.read_text(file, what="checklist"), source=str(file))
        for raw in data.get("strategies") or []:
            strategies[str(raw.get("id"))] = Place(str(file), yamlfile.line_of(raw, "id"))
            for item in raw.get("items") or []:
                statements[str(item.get("id"))] = Place(str(file), yamlfile.line_of(item, "text"))
        partner_view = data.get("partner_view")
        if isinstance(partner_view, dict):
            parts = [partner_view.get("felt_trust"), *(partner_view.get("strategies") or [])]
            for raw in parts:
                for item in (raw.get("items") or []) if isinstance(raw, dict) else []:
                    statements[str(item.get("id"))] = Place(str(file),
                                                            yamlfile.line_of(item, "text"))
        return list(data.get("include") or [])

    for name in read(path):
        read(path.parent / name)
    return Lines(statements, strategies)


# --- the rules --------------------------------------------------------------------------------

def lint(checklist: Checklist, lines: Lines) -> tuple[Finding, ...]:
    """Every problem in a checklist, in the order its statements are asked."""
    findings: list[Finding] = []
    intro_period = time_frame(checklist.description)
    for strategy in checklist.strategies:
        findings.extend(_strategy_findings(strategy, lines))
        for item in strategy.items:
            findings.extend(_statement_findings(item, lines, intro_period))
    findings.extend(near_duplicates(checklist.items, lines))
    part = checklist.partner_view
    if part is not None:
        # The partner view: every statement rule, and the strategy rules for felt trust only
        # (each partner strategy has two statements by design, to keep that part short).
        findings.extend(_strategy_findings(part.felt_trust, lines))
        for item in checklist.partner_items:
            findings.extend(_statement_findings(item, lines, intro_period))
        findings.extend(near_duplicates(checklist.partner_items, lines))
    return tuple(sorted(findings, key=_reading_order(checklist)))


def _reading_order(checklist: Checklist) -> Callable[[Finding], tuple[int, int, int]]:
    order = {item.id: index
             for index, item in enumerate(checklist.items + checklist.partner_items)}
    strategy_order = {s.id: order[s.items[0].id] if s.items else 0 for s in checklist.strategies}

    def key(finding: Finding) -> tuple[int, int, int]:
        if finding.kind == "strategy":
            return (strategy_order.get(finding.id, 0), 0, RULES.index(finding.rule))
        return (order.get(finding.id, 0), 1, RULES.index(finding.rule))

    return key


def _statement_findings(item: Item, lines: Lines, intro_period: str) -> Iterator[Finding]:
    place = lines.statements.get(item.id, Place("", None))

    def finding(rule: str, reason: str) -> Finding:
        return Finding(rule, "statement", item.id, place, reason, item.text)

    joined = joined_behaviours(item.text)
    if joined:
        yield finding(JOINED, f"it joins two things to do (\"{joined}\"), so someone who did "
                              "one but not the other cannot answer; split it into two statements.")
    if item.reverse:
        negation = negation_in(item.text)
        if negation:
            yield finding(DOUBLE_NEGATIVE, f"this statement describes a problem and also says "
                          f"\"{negation}\", so the good answer is a double negative (disagreeing "
                          "that you did not); describe the problem without a negation.")
    vague = vague_time_word(item.text)
    if vague and not has_time_frame(item.text):
        yield finding(VAGUE_TIME_FRAME, f"\"{vague}\" does not say how far back to think; name "
                      "the period, e.g. \"Over the past month, ...\" or \"In our recent "
                      "meetings, ...\".")
    elif not has_time_frame(item.text) and not intro_period:
        yield finding(NO_TIME_FRAME, "it has no time frame, so people think of different "
                      "periods; start with e.g. \"Over the past month, ...\" or state the period "
                      "once in the checklist's description.")
    own_period = time_frame(item.text)
    if intro_period and own_period and own_period != intro_period:
        yield finding(OTHER_TIME_FRAME, f"it asks about \"{own_period}\" while the checklist's "
                      f"description asks about \"{intro_period}\", so answers would cover "
                      "different stretches of time; use the description's period.")
    grade = reading_grade(item.text)
    if grade > MAX_GRADE:
        yield finding(READING_GRADE, f"it reads at school grade {grade:.1f}, above "
                      f"{MAX_GRADE:.0f}; use shorter words or a shorter sentence.")


def _strategy_findings(strategy: Strategy, lines: Lines) -> Iterator[Finding]:
    place = lines.strategies.get(strategy.id, Place("", None))
    count = len(strategy.items)
    if count < MIN_STATEMENTS:
        yield Finding(TOO_FEW_STATEMENTS, "strategy", strategy.id, place,
                      f"it has {count} statement{'' if count == 1 else 's'}; a score needs at "
                      f"least {MIN_STATEMENTS} to be dependable, so please add "
                      f"{MIN_STATEMENTS - count} more.")
    if count and not any(item.reverse for item in strategy.items):
        yield Finding(NO_REVERSE, "strategy", strategy.id, place,
                      "none of its statements describes a problem (reverse: true), so someone "
                      "who agrees with everything scores high; add one such statement.")


# --- joined behaviours ------------------------------------------------------------------------

def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Common past-tense verbs that do not end in -ed; statements with a time frame are written in the
# past tense, so a verb right after "and"/"or" is how two behaviours show up.
_IRREGULAR_PAST = _words("""
    ate began bought brought came chose did drew drove fell felt forgot found gave got grew had
    heard held hid kept knew led left let lost made meant met paid put ran read rang said sat saw
    sent set showed shut sold spent spoke stood stuck swore taught thought threw told took tore
    understood went woke won wore wrote
""")
# Words ending in -ed that are not verbs in the past tense.
_NOT_PAST = _words("""
    bed breed embed feed hundred indeed need red seed shed shred sled speed steed weed wed
""")
# People who can act together with "I": "my mentor and I agreed" is one behaviour.
_PEOPLE = _words("""
    mentor mentee partner colleague colleagues manager team we they he she you them
    friend friends peer peers coach supervisor
""")
# A state after one of these ("I felt heard and respected") is one experience, not two actions.
_LINKING = _words("am is are was were be been being felt feel feels seemed seem get got")
_JOIN = re.compile(r"\b(and|or)\s+(?:(?:then|also|I|I\s+then|I\s+also)\s+)?([a-z']+)",
                   re.IGNORECASE)


def _is_past(word: str) -> bool:
    word = word.lower()
    if word in _IRREGULAR_PAST:
        return True
    return len(word) > 3 and word.endswith("ed") and word not in _NOT_PAST


def joined_behaviours(text: str) -> str:
    """The words that join two behaviours ("listened and summarised"), or "" when none do.

    "and"/"or" joins two behaviours when the word after it (after an optional "then", "also" or
    "I") is a past-tense verb, unless "and I" follows a person ("my mentor and I agreed") or
    the words before describe a state ("I felt heard and respected").
    """
    for match in _JOIN.finditer(text):
        verb = match.group(2)
        if not _is_past(verb):
            continue
        before = re.findall(r"[A-Za-z']+", text[:match.start()])
        if not before:
            continue
        between = match.group(0).split()[1:-1]
        if "I" in between and before[-1].lower().removesuffix("'s") in _PEOPLE:
            continue
        if len(before) >= 2 and before[-2].lower() in _LINKING \
                and not before[-1].lower().endswith("ing"):
            continue  # "felt heard and respected"; but "were doing and listened" is two
        return " ".join([before[-1], match.group(1), *between, verb])
    return ""


# --- double negatives -------------------------------------------------------------------------

_NEGATION = re.compile(
    r"\b(not|never|without|no|nothing|nobody|none|neither|nor|"
    r"[a-z]+n't|cannot|can't|won't)\b", re.IGNORECASE)


def negation_in(text: str) -> str:
    """The first negation word in a text ("not", "never", "without", "didn't", ...), or ""."""
    match = _NEGATION.search(text.replace("\u2019", "'"))
    return match.group(0) if match else ""


# --- time frames ------------------------------------------------------------------------------

_NUMBER = r"(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few|couple of)"
_PERIOD = (r"(?:days?|weeks?|fortnights?|months?|terms?|semesters?|quarters?|years?|meetings?"
           r"|sessions?)")
_TIME_FRAME = re.compile("|".join([
    rf"\b(?:past|last|previous)\s+(?:{_NUMBER}\s+)?{_PERIOD}\b",  # past month, last two weeks
    r"\bthis\s+(?:week|month|term|semester|quarter|year)\b",
    r"\b(?:recent|latest)\s+(?:meetings?|sessions?|conversations?|check-ins?)\b",
    r"\bin\s+our\s+(?:meetings?|sessions?|conversations?)\s+(?:over|during|in|since)\b",
    r"\bsince\s+(?:our|the|my)\s+(?:last|previous|first)\s+(?:meeting|session|check-in)\b",
    rf"\b(?:over|during|in|within)\s+the\s+(?:past|last)\s+(?:{_NUMBER}\s+)?{_PERIOD}\b",
]), re.IGNORECASE)
_VAGUE_TIME = re.compile(r"\b(recently|lately|these days|nowadays|of late)\b", re.IGNORECASE)


def has_time_frame(text: str) -> bool:
    """Whether a text names a recall period ("over the past month", "in our recent meetings")."""
    return bool(_TIME_FRAME.search(text))


# Words around a period that do not change it: "over the past month" is "past month".
_FRAME_FILLER = _words("over during in within the our my")
_SAME_PERIOD = {"last": "past", "previous": "past"}


def time_frame(text: str) -> str:
    """The recall period a text names, in one standard form ("over the last month" and "in
    the past month" are both "past month"), or "" when it names none."""
    match = _TIME_FRAME.search(text)
    if match is None:
        return ""
    words = match.group(0).lower().split()
    while words[:1] and words[0] in _FRAME_FILLER:
        words = words[1:]
    if words:
        words[0] = _SAME_PERIOD.get(words[0], words[0])
    return " ".join(words)


def vague_time_word(text: str) -> str:
    """A time word that leaves the period open ("recently", "lately"), or ""."""
    match = _VAGUE_TIME.search(text)
    return match.group(0) if match else ""


# --- reading grade ----------------------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z0-9]+(?:['\u2019-][A-Za-z0-9]+)*")
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")
_VOWEL_GROUP = re.compile(r"[aeiouy]+")


def syllables(word: str) -> int:
    """Syllables in an English word, counted the documented way (docs/checklists.md).

    Each group of vowels (a, e, i, o, u, y) is a syllable, less a silent ending: a final "e"
    ("make", but not "little", "mentee"), "-ed" after a consonant other than t or d ("asked",
    not "wanted"), "-es" after a consonant other than s, x, z, c, g, ch, sh ("makes", not
    "pieces"). Parts of a hyphenated word count separately; "n't" after a consonant adds one
    ("didn't"); a number counts as one; every word has at least one.
    """
    parts = [p for p in re.split(r"[-'\u2019]", word.lower()) if p]
    if len(parts) > 1:
        # "didn't", "mentor's": the part after the apostrophe adds no syllable of its own
        if "'" in word or "\u2019" in word:
            stem = parts[0]
            # "didn't", "wasn't" add a syllable; "don't", "can't" do not
            spoken_nt = parts[1] == "t" and len(stem) > 2 and stem.endswith("n") \
                and stem[-2] not in "aeiouy"
            return syllables(stem) + spoken_nt
        return sum(syllables(part) for part in parts)
    word = parts[0] if parts else ""
    if not word.isalpha():
        return 1
    count = len(_VOWEL_GROUP.findall(word))
    if len(word) > 2 and word.endswith("e") and not word.endswith(("le", "ee", "ye")):
        count -= 1
    elif len(word) > 3 and word.endswith("le") and word[-3] in "aeiouy":
        count -= 1  # "whole", "while": the e is silent
    elif len(word) > 3 and word.endswith("ed") and word[-3] not in "tdaeiouy":
        count -= 1  # "asked", "listened"
    elif len(word) > 3 and word.endswith("es") and word[-3] not in "aeiouy" and word[-4:-2] not in (
            "ch", "sh") and word[-3] not in "sxzgc":
        count -= 1  # "makes", "times"; but "matches", "pieces" keep it
    return max(1, count)


def reading_grade(text: str) -> float:
    """The Flesch-Kincaid grade level of a text, to one decimal.

    0.39 x (words per sentence) + 11.8 x (syllables per word) - 15.59; a text without an end
    mark is one sentence.
    """
    words = _WORD.findall(text)
    if not words:
        return 0.0
    sentences = max(1, len(_SENTENCE_END.findall(text.strip())))
    total = sum(syllables(word) for word in words)
    return round(0.39 * len(words) / sentences + 11.8 * total / len(words) - 15.59, 1)


# --- near-duplicates --------------------------------------------------------------------------

# Words that carry no behaviour of their own: function words, the roles, and the time frame.
_STOP_WORDS = _words("""
    a about after again all also am an and any are as at back be because been before being both
    but by can could did do does doing done each even every for from had has have having he her
    him his how i if in into is it its just me more most my myself no not of on once one only or
    other our ours out over own same she should so some something someone than that the their
    them then there these they this those through to too under until up very was we were what
    when where which while who whom why will with would you your yours
    mentor mentee mentors mentees mentor's mentee's mentoring other's partner
    past last month months week weeks recent recently meeting meetings time times lately
    make made get got go went way ways thing things
""")
# Phrases that checklists use for the same behaviour, counted as one meaning. Applied before
# single words, so "kept quiet" is staying silent while "kept a promise" is following through.
_SAME_PHRASE = (
    (re.compile(r"\b(?:held|hold|holding|kept|keep|keeping|stayed|stay)\s+"
                r"(?:back|quiet|silent)\b"), " silence "),
    (re.compile(r"\b(?:said|say|saying)\s+nothing\b"), " silence "),
    (re.compile(r"\b(?:follow|followed|following)\s+through\b"), " followthrough "),
    (re.compile(r"\b(?:report|reported|reporting)\s+back\b"), " followthrough "),
    (re.compile(r"\bsaid\s+i\s+would\b"), " commitment "),
)
_SAME_WORD = {
    "kept": "followthrough", "keep": "followthrough",
    "promise": "commitment", "promises": "commitment", "promised": "commitment",
    "commitment": "commitment", "commitments": "commitment", "committed": "commitment",
    "agreed": "commitment", "actions": "commitment",
    "concern": "concern", "concerns": "concern", "worry": "concern", "worries": "concern",
    "bothering": "concern", "bothered": "concern", "problem": "concern", "problems": "concern",
}


def meanings(text: str) -> frozenset[str]:
    """The content of a statement as a set of meanings, for comparing statements."""
    text = text.lower().replace("\u2019", "'").replace("{other}", " ")
    for pattern, meaning in _SAME_PHRASE:
        text = pattern.sub(meaning, text)
    words = re.findall(r"[a-z][a-z'-]*", text)
    return frozenset(_SAME_WORD.get(word, _stem(word)) for word in words
                     if word not in _STOP_WORDS)


def _stem(word: str) -> str:
    """A rough stem, so "listened" and "listening" meet: strip -ing, -ed, -es, -s."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def similarity(first: str, second: str) -> tuple[float, frozenset[str]]:
    """How much two statements ask the same: shared meanings over the smaller statement's."""
    a, b = meanings(first), meanings(second)
    if not a or not b:
        return 0.0, frozenset()
    shared = a & b
    return len(shared) / min(len(a), len(b)), shared


def near_duplicates(items: Iterable[Item], lines: Lines) -> Iterator[Finding]:
    """A finding for each later statement that asks nearly the same as an earlier one."""
    items = list(items)
    for index, later in enumerate(items):
        for earlier in items[:index]:
            score, shared = similarity(earlier.text, later.text)
            if score >= SIMILAR_AT and len(shared) >= SIMILAR_MIN_SHARED:
                where = lines.statements.get(earlier.id, Place("", None))
                at = f" on line {where.line}" if where.line else ""
                if where.file and where.file != lines.statements.get(later.id, where).file:
                    at += f" of {Path(where.file).name}"
                yield Finding(NEAR_DUPLICATE, "statement", later.id,
                              lines.statements.get(later.id, Place("", None)),
                              f"it asks nearly the same as statement {earlier.id}{at}, so the "
                              "two count twice in the scores; merge them or make each one ask "
                              "something different.", later.text)
