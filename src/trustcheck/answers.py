"""Answers from a file (YAML or JSON) or from the questionnaire, checked against a checklist."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from trustcheck import yamlfile
from trustcheck.checklist import Checklist, Item, is_id
from trustcheck.errors import InputError, Problem
from trustcheck.scoring import NOT_CAME_UP, Answer, needed
from trustcheck.text import is_utf8

SKIP_WORDS = {"skip", "s", "n/a", "na", "not applicable"}
# How people write "didn't come up" (after folding case, spaces and a curly apostrophe).
NOT_CAME_UP_WORDS = {NOT_CAME_UP, "didnt come up", "did not come up"}
MAX_LABEL = 200
PARTNER_VIEW = "partner_view"  # the section of the statements about one's partner
_TOP_KEYS = {"answers", "role", "partner", "cohort", "checklist", "version", "commitments",
             PARTNER_VIEW}
# How an earlier commitment went, as written in an answers file's `commitments:` mapping.
STATUS_WORDS = {"done": "done", "partly": "partly", "partly done": "partly",
                "not_done": "not_done", "not done": "not_done", "not-done": "not_done"}




def _close_matches(word: str, possibilities: list[str], n: int) -> list[str]:
    """difflib's close matches, imported only when a message needs a "Did you mean"."""
    from difflib import get_close_matches

    return get_close_matches(word, possibilities, n=n)

class Answers(NamedTuple):
    """One person's answers to one checklist: every item id maps to a value or None (skipped)."""

    values: Mapping[str, Answer]
    role: str | None = None
    partner: str | None = None
    cohort: str | None = None
    missing: tuple[str, ...] = ()
    # How earlier commitments went, by action id: done, partly or not_done (others stay open).
    follow_through: Mapping[str, str] = MappingProxyType({})
    # Whether the answers include the partner view (its statements are then in `values`).
    partner_view: bool = False


def check_enough(checklist: Checklist, values: Mapping[str, Answer]) -> Problem | None:
    """A questionnaire with most statements skipped says too little to score honestly.

    Only statements that came up count: "didn't come up" is neither an answer nor a skip.
    """
    came_up = [item for item in checklist.items if values.get(item.id) != NOT_CAME_UP]
    total = len(came_up)
    answered = sum(1 for item in came_up if values.get(item.id) is not None)
    if answered < needed(total) or not answered:
        return Problem(
            f"only {answered} of {total} statements {_that_came_up(checklist, total)}have an "
            f"answer; please answer at least {max(1, needed(total))} so the scores mean "
            "something."
        )
    return None


def _that_came_up(checklist: Checklist, total: int) -> str:
    return "that came up " if total < len(checklist.items) else ""


def is_not_came_up(text: str) -> bool:
    """Whether a person wrote "didn't come up" (any case, `didnt`, `did not`, a curly ’)."""
    return " ".join(text.replace("\u2019", "'").lower().split()) in NOT_CAME_UP_WORDS


def clean_label(value: Any, what: str, problems: list[Problem], source: str,
                line: int | None = None) -> str | None:
    """A partner name or cohort label: text, one line, not too long; None when empty."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        problems.append(Problem(f"'{what}' should be text.", source, line))
        return None
    text = fold_label(value)
    if text is not None and not is_utf8(text):
        problems.append(Problem(f"'{what}' holds a character that is not valid UTF-8 text; "
                                "please type it again.", source, line))
        return None
    if text is not None and len(text) > MAX_LABEL:
        problems.append(Problem(f"'{what}' is longer than {MAX_LABEL} characters.", source, line))
        return None
    return text


def option_labels(**options: str | None) -> tuple[str | None, ...]:
    """Partner and cohort labels given as options, cleaned as labels in files are (in the
    order given); InputError naming every one that is not text or too long."""
    problems: list[Problem] = []
    cleaned = tuple(clean_label(value, f"--{name}", problems, "the command line")
                    for name, value in options.items())
    if problems:
        raise InputError("Please shorten the option and try again.", problems)
    return cleaned


def fold_label(value: Any) -> str | None:
    """A cohort or partner label the way answers files keep it: one line, runs of spaces folded."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


class AnswersFile(NamedTuple):
    """An answers file read but not yet checked against a checklist (it may name the role)."""

    data: Any
    source: str
    problems: tuple[Problem, ...]

    @property
    def role(self) -> str | None:
        role = self.data.get("role") if isinstance(self.data, dict) else None
        return role if role in ("mentor", "mentee") else None

    @property
    def checklist(self) -> str | None:
        """The checklist id the file names (`trustcheck template` writes it), if well formed."""
        named = self.data.get("checklist") if isinstance(self.data, dict) else None
        return named if is_id(named) else None

    @property
    def version(self) -> str | None:
        """The checklist version the file was made for, if it says (templates write it).

        A decimal number is not taken: YAML reads 1.10 as 1.1, so it cannot be compared.
        """
        version = self.data.get("version") if isinstance(self.data, dict) else None
        if not isinstance(version, (str, int)) or isinstance(version, bool):
            return None
        return clean_label(version, "version", [], self.source)

    @property
    def partner(self) -> str | None:
        """The partner the file names, cleaned; None when none (or a bad one, reported later)."""
        if not isinstance(self.data, dict):
            return None
        return clean_label(self.data.get("partner"), "partner", [], self.source)


def read(text: str, *, source: str) -> AnswersFile:
    """Parse an answers file's text once; raise InputError only if it is not YAML or JSON."""
    data, problems = _load(text, source)
    return AnswersFile(data, source, tuple(problems))


def parse(text: str, *, source: str, checklist: Checklist) -> Answers:
    """Read an answers file's text and check it; raise InputError listing every problem."""
    return check(read(text, source=source), checklist)


def check(answers_file: AnswersFile, checklist: Checklist, *,
          open_actions: Collection[str] | None = None) -> Answers:
    """Check a read answers file against a checklist; raise InputError listing every problem.

    `open_actions` are the action ids of the open commitments of this role and partner; the
    file's `commitments:` mapping may only name those (None: any id is accepted).
    """
    data, source = answers_file.data, answers_file.source
    problems = list(answers_file.problems)
    if not isinstance(data, dict):
        raise InputError(
            f"{source} should hold 'answers:' followed by one 'item id: value' line per statement; "
            f"run `trustcheck template --role {checklist.role or 'mentor'}` to get one.",
        )
    for key in data:
        if key not in _TOP_KEYS:
            hint = _close_matches(str(key), sorted(_TOP_KEYS), n=1)
            suggestion = f" Did you mean '{hint[0]}'?" if hint else ""
            problems.append(Problem(
                f"'{key}' is not something an answers file can hold.{suggestion}",
                source, yamlfile.line_of(data, key)))

    named = data.get("checklist")
    if named is not None and not isinstance(named, (str, int)):
        # e.g. `trustcheck template --format json`, which describes a checklist for tools
        problems.append(Problem(
            "'checklist' should be a checklist id such as 'mentor'; this looks like a "
            "description of a checklist, not an answers file (`trustcheck template` writes "
            "one to fill in).", source, yamlfile.line_of(data, "checklist")))
    elif named is not None and str(named) != checklist.id:
        problems.append(Problem(
            f"this file is for the checklist '{named}', not '{checklist.id}'; "
            f"run the command with `--checklist {named}` and that checklist's role.",
            source, yamlfile.line_of(data, "checklist")))

    role = data.get("role")
    if role is not None and role not in ("mentor", "mentee"):
        problems.append(Problem(f"'role' should be mentor or mentee, not '{role}'.", source,
                                yamlfile.line_of(data, "role")))
        role = None
    partner = clean_label(data.get("partner"), "partner", problems, source,
                          yamlfile.line_of(data, "partner"))
    cohort = clean_label(data.get("cohort"), "cohort", problems, source,
                         yamlfile.line_of(data, "cohort"))

    raw = data.get("answers")
    values: dict[str, Answer] = {}
    if not isinstance(raw, dict):
        problems.append(Problem(
            "there is no 'answers:' section with one 'item id: value' line per statement.",
            source, yamlfile.line_of(data, "answers")))
        raw = {}
    _read_values(raw, checklist.items, checklist, values, problems, source)

    partner_raw = data.get(PARTNER_VIEW)
    partner_view = partner_raw is not None
    if partner_view and not checklist.partner_items:
        problems.append(Problem(
            f"the checklist '{checklist.id}' (version {checklist.version}) has no statements "
            f"about your partner; please remove the '{PARTNER_VIEW}:' section.",
            source, yamlfile.line_of(data, PARTNER_VIEW)))
    elif partner_view and not isinstance(partner_raw, dict):
        problems.append(Problem(
            f"'{PARTNER_VIEW}:' should hold one 'item id: value' line per statement about your "
            "partner.", source, yamlfile.line_of(data, PARTNER_VIEW)))
    elif isinstance(partner_raw, dict):
        _read_values(partner_raw, checklist.partner_items, checklist, values, problems, source)

    follow_through = _statuses(data, open_actions, problems, source)

    given = {str(key) for key in raw}
    missing = tuple(item.id for item in checklist.items if item.id not in given)
    full = {item.id: values.get(item.id) for item in checklist.items}
    if partner_view:
        # Statements of the part left out of the file count as skipped, as in the self part.
        full.update({item.id: values.get(item.id) for item in checklist.partner_items})
    if not problems:
        not_enough = check_enough(checklist, full)
        if not_enough is not None:
            problems.append(Problem(not_enough.message, source))
    if problems:
        raise InputError(
            f"The answers in {source} have {len(problems)} "
            f"problem{'s' if len(problems) != 1 else ''}; nothing was saved. "
            "Please fix them and run the command again.",
            problems,
        )
    return Answers(full, role, partner, cohort, missing, follow_through, partner_view)


def _read_values(raw: Mapping[Any, Any], items: tuple[Item, ...], checklist: Checklist,
                 values: dict[str, Answer], problems: list[Problem], source: str) -> None:
    """Each 'item id: value' line of one section (the answers, or the partner view) into
    `values`, and what is wrong with any of them into `problems`."""
    by_id = {item.id: item for item in items}
    known = by_id.keys()
    scale = checklist.scale
    for key, value in raw.items():
        line = yamlfile.line_of(raw, key)
        item_id = str(key)
        if item_id not in known:
            hint = _close_matches(item_id, sorted(known), n=1)
            suggestion = f" Did you mean '{hint[0]}'?" if hint else ""
            message = f"'{item_id}' is not a statement in the checklist '{checklist.id}'."
            if item_id in {i.id for i in checklist.partner_items}:
                message = (f"'{item_id}' is about your partner, so it belongs under "
                           f"'{PARTNER_VIEW}:', not 'answers:'.")
            elif item_id in {i.id for i in checklist.items}:
                message = (f"'{item_id}' is about you, so it belongs under 'answers:', not "
                           f"'{PARTNER_VIEW}:'.")
            else:
                message += suggestion
            problems.append(Problem(message, source, line))
            continue
        answer, message = _value(value, scale.low, scale.high, by_id[item_id])
        if message:
            problems.append(Problem(f"the answer to '{item_id}' {message}", source, line))
            continue
        values[item_id] = answer


def status_of(value: Any) -> str | None:
    """done, partly or not_done from how a person wrote it (`not done` too); None if unknown."""
    if not isinstance(value, str):
        return None
    return STATUS_WORDS.get(" ".join(value.strip().lower().split()))


def _statuses(data: Mapping[str, Any], open_actions: Collection[str] | None,
              problems: list[Problem], source: str) -> dict[str, str]:
    """The `commitments:` mapping (action id: done | partly | not done), every problem noted."""
    raw = data.get("commitments")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append(Problem(
            "'commitments' should list one 'action id: done, partly or not done' line per "
            "commitment.", source, yamlfile.line_of(data, "commitments")))
        return {}
    statuses = {}
    for key, value in raw.items():
        action_id, line = str(key), yamlfile.line_of(raw, key)
        if open_actions is not None and action_id not in open_actions:
            if open_actions:
                hint = _close_matches(action_id, sorted(open_actions), n=1)
                suggestion = (f" Did you mean '{hint[0]}'?" if hint else
                              f" The open ones are: {', '.join(sorted(open_actions))}.")
            else:
                suggestion = " There are none for this role and partner, so please remove it."
            problems.append(Problem(
                f"'{action_id}' under 'commitments' is not an open commitment.{suggestion}",
                source, line))
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue  # left empty: the commitment stays open
        status = status_of(value)
        if status is None:
            problems.append(Problem(
                f"the commitment '{action_id}' is marked '{value}'; use done, partly or not "
                "done (or leave it out to keep it open).", source, line))
            continue
        statuses[action_id] = status
    return statuses


def _value(value: Any, low: int, high: int, item: Item) -> tuple[Answer, str]:
    if value is None:
        return None, ""
    # A statement about an event may also have "didn't come up"; say so where it may.
    others = "skip, or didn't come up" if item.conditional else "or skip"
    if isinstance(value, str):
        word = value.strip().lower()
        if word in SKIP_WORDS or word == "":
            return None, ""
        if is_not_came_up(word):
            if item.conditional:
                return NOT_CAME_UP, ""
            # Only an event can fail to happen; a habit is always there to rate, so a person
            # who wrote it here most likely meant to skip.
            return None, (f"is '{value}', but this statement is not about something that may "
                          f"not have happened; use a whole number from {low} to {high}, or "
                          "skip.")
        try:
            value = int(word)  # not str.isdigit(): it accepts '²', which int() refuses
        except ValueError:
            return None, f"is '{value}'; use a whole number from {low} to {high}, {others}."
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None, f"is '{value}'; use a whole number from {low} to {high}, {others}."
    if isinstance(value, float):
        if not value.is_integer():
            return None, f"is {value:g}; use a whole number from {low} to {high}, {others}."
        value = int(value)
    if not low <= value <= high:
        return None, f"is {value}, outside the scale; use {low} to {high}, {others}."
    return value, ""


def _load(text: str, source: str) -> tuple[Any, list[Problem]]:
    if text.lstrip().startswith(("{", "[")):
        problems: list[Problem] = []
        try:
            return json.loads(text, object_pairs_hook=_JsonObjects(text, source, problems)), \
                problems
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{source} could not be read as JSON; please fix the spot shown.",
                [Problem(f"this is not valid JSON ({exc.msg}).", source, exc.lineno)],
            ) from None
        except ValueError:  # e.g. a number with thousands of digits
            raise InputError(
                f"{source} holds a number too long to read; please use a short whole number "
                "or skip.",
            ) from None
    return yamlfile.parse(text, source=source)


class _JsonObjects:
    """Builds JSON objects the way YAML ones are built: a key given twice is a problem (json
    keeps the last silently, so a corrected answer could lose to a stale one), and each key
    knows its line, so messages about a JSON file point at the spot as they do for YAML."""

    def __init__(self, text: str, source: str, problems: list[Problem]) -> None:
        self.text = text
        self.source = source
        self.problems = problems

    def __call__(self, pairs: list[tuple[str, Any]]) -> yamlfile.Mapping:
        mapping = yamlfile.Mapping()
        mapping.key_lines = {}
        for key, value in pairs:
            if key in mapping:
                self.problems.append(Problem(f"'{key}' appears twice in the same place.",
                                             self.source, self.line(key, 2)))
                continue
            mapping[key] = value
            mapping.key_lines[key] = self.line(key, 1)
        return mapping

    def line(self, key: str, occurrence: int) -> int | None:
        """The line where `key` is written for the n-th time (a key spelled with escapes, or
        one nested elsewhere under the same name, may point at another line: close enough)."""
        # Found with str.find, not a regular expression per key: compiling one for each of an
        # answers file's keys took longer than the rest of reading it.
        text = self.text
        spelled = json.dumps(key, ensure_ascii=False)
        count, position = 0, 0
        while (found := text.find(spelled, position)) >= 0:
            after = found + len(spelled)
            while after < len(text) and text[after].isspace():
                after += 1
            if text.startswith(":", after):
                count += 1
                if count == occurrence:
                    return text.count("\n", 0, found) + 1
                position = after + 1
            else:
                position = found + 1
        return None
