"""Form exports (Google Forms CSV, Microsoft Forms Excel): their questions matched to statements.

One reader per kind turns an export into rows of cell text (`csv_rows`, `xlsx_rows`); one
validator serves both (`plan_form` matches the header to the checklists' statements, `row`
reads one row's answers), because both kinds hold the same thing: a question per column, the
chosen answer's label per cell. Columns that are not questions (a timestamp, an email address,
a name) are never read beyond their header, and a header that looks like personal details is
only ever named generically, so nothing a respondent typed about themselves reaches a message.
The questions `trustcheck template --format form` prints (`questions`) are the ones matched
here, so an export of a form built from them matches by construction.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any, NamedTuple

from trustcheck.answers import NOT_CAME_UP_WORDS, SKIP_WORDS
from trustcheck.checklist import ROLES, Checklist, Item
from trustcheck.errors import TrustcheckError
from trustcheck.text import quoted_name

SKIPPED = -1  # the same markers resultfiles and cohort.Bucket use
DIDNT_COME_UP = -2
ROLE_QUESTION = "I am the..."
DIDNT_COME_UP_LABEL = "Didn't come up"
NOT_READABLE = "this row cannot be read, so it was left out."
EXTRA = "forms"  # pip install 'trustcheck[forms]' brings openpyxl, for .xlsx
# Columns that form tools add to every export; known, so they are named in the note as they are.
FORM_COLUMNS = {"timestamp", "id", "start time", "completion time", "last modified time",
                "email", "email address", "name", "total points", "score", "quiz feedback"}
# Words that make a header look like personal details: such a column is named generically.
_PERSONAL = {"email", "mail", "e", "name", "names", "surname", "firstname", "lastname",
             "fullname", "phone", "telephone", "mobile", "address", "username", "user",
             "respondent", "responder", "contact", "birthday", "birth", "dob", "student",
             "employee", "staff", "linkedin", "signature", "initials"}
_APOSTROPHES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "`": "'",
                              "\u00b4": "'", "\u201c": '"', "\u201d": '"'})
# The partner's role as a statement or a form may word it: "my mentee", "my mentor or mentee",
# "my mentor/mentee", "my partner", or the checklists' own "{other}".
_OTHER = re.compile(r"\b(?:mentor|mentee|partner)s?(?:\s*(?:/|\bor\b|\band\b)\s*"
                    r"(?:mentor|mentee|partner)s?)?\b")
_NUMBERING = re.compile(r"^\s*(?:q(?:uestion)?\s*)?\d{1,3}\s*[.):-]\s+")
_PUNCTUATION = re.compile(r"[^\w\s]+")
_GRID = re.compile(r"\[([^\[\]]+)\]\s*$")  # a Google Forms grid row: "Title [Statement]"


# --- what a form asks -------------------------------------------------------------------------

class FormTemplate(NamedTuple):
    """`trustcheck template --format form`: the questions for one checklist per role."""

    checklists: tuple[Checklist, ...]
    partner_view: bool = False


class Question(NamedTuple):
    """One question of a form: its title and the answers it offers, in order."""

    title: str
    options: tuple[str, ...]
    item: Item | None = None  # None for the role question


def role_question(roles: Sequence[str]) -> Question:
    return Question(ROLE_QUESTION, tuple(role.capitalize() for role in roles))


def questions(checklist: Checklist, *, partner_view: bool = False) -> list[Question]:
    """The statements of a checklist as form questions, each with the scale's labels (and
    "Didn't come up" where the statement is about something that may not have happened)."""
    labels = tuple(checklist.scale.label(v) for v in checklist.scale.points)
    items = checklist.items + (checklist.partner_items if partner_view else ())
    return [Question(item.text, labels + ((DIDNT_COME_UP_LABEL,) if item.conditional else ()),
                     item) for item in items]


# --- matching headers -------------------------------------------------------------------------

def fold_question(text: str) -> str:
    """A question's text as it is compared: case, spacing, punctuation, curly quotes, numbering
    and the wording of the partner's role ("my mentee", "my {other}") do not matter."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()
    text = _NUMBERING.sub("", text.replace("{other}", "partner"))
    text = text.replace("'", "")
    text = _OTHER.sub(" partner ", text)
    return " ".join(_PUNCTUATION.sub(" ", text).split())


def fold_answer(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower().split())


def _words(header: str) -> list[str]:
    return _PUNCTUATION.sub(" ", unicodedata.normalize("NFKC", header).lower()).split()


def is_personal(header: str) -> bool:
    """Whether a column header looks like it holds personal details (an email, a name)."""
    words = _words(header)
    return "@" in header or any(word in _PERSONAL for word in words) or "e-mail" in header.lower()


def _personal_kind(header: str) -> str:
    words = set(_words(header))
    if "@" in header or words & {"email", "mail"} or "e-mail" in header.lower():
        return "email addresses"
    if words & {"name", "names", "surname", "firstname", "lastname", "fullname", "username",
                "initials", "signature"}:
        return "names"
    return "personal details"


def is_role_header(header: str) -> bool:
    """"Role", "Your role", "I am the...", "Are you a mentor or a mentee?"."""
    words = _words(header)
    return (("role" in words or (words[:2] == ["i", "am"] and len(words) <= 6)
             or ("mentor" in words and "mentee" in words and len(words) <= 8))
            and not is_personal(header))


def role_of(cell: str) -> str | None:
    """mentor or mentee from a role answer ("Mentor", "I am the mentee", "a Mentee "), or None."""
    words = set(_words(cell))
    found = [role for role in ROLES if role in words or role + "s" in words]
    return found[0] if len(found) == 1 else None


class FormPlan(NamedTuple):
    """How to read one form export: the role column, each role's checklist and columns."""

    checklists: dict[str, Checklist]
    # per role, per statement of its checklist (in order): the columns that ask it
    columns: dict[str, list[list[int]]]
    # per role, the columns that ask only another role's statements (empty for this role)
    foreign: dict[str, list[int]]
    headers: list[str]
    role_at: int | None
    submission_at: list[int]  # Timestamp or ID: tells two submissions that answered alike apart
    note: str  # what was not used, by header ("" when every column was used)
    values: dict[str, dict[str, int]]  # per role: folded answer text to a raw value
    # per role, per statement of its partner view (in order): the columns that ask it; a form
    # without the partner view has none, and its rows then give no felt trust
    partner_columns: dict[str, list[list[int]]]


def _index(checklist: Checklist) -> dict[str, list[str]]:
    """Folded text and id of each statement (the partner view's too) to its item ids."""
    found: dict[str, list[str]] = {}
    for item in checklist.items + checklist.partner_items:
        for key in {fold_question(item.text), item.id.lower()}:
            found.setdefault(key, []).append(item.id)
    return found


def _match(header: str, index: dict[str, list[str]]) -> str | None:
    """The item id a header asks in one checklist, or None (also when it could be two)."""
    keys = [header]
    grid = _GRID.search(header)
    if grid:
        keys.append(grid.group(1))
    for key in keys:
        ids = index.get(fold_question(key)) or index.get(key.strip().lower())
        if ids and len(set(ids)) == 1:
            return ids[0]
    return None


def plan_form(headers: list[str], candidates: Sequence[Checklist], role: str | None,
              source: str) -> tuple[FormPlan | None, list[str]]:
    """Match a form export's header to the checklists (the best matching one per role).

    `role` is --role: the role of every row when the form has no role question. Returns the
    plan, or None and what is wrong with the header (plain phrases, no cell ever quoted).
    """
    indexes = [_index(candidate) for candidate in candidates]
    # A statement that mentions a role ("I explained my role ...") is a statement, not the
    # role question.
    role_columns = [i for i, h in enumerate(headers) if is_role_header(h)
                    and not any(_match(h, index) for index in indexes)]
    found: dict[str, tuple[Checklist, dict[int, str], int]] = {}
    for who in ROLES:
        best: tuple[tuple[int, bool, int], Checklist, dict[int, str]] | None = None
        for place, candidate in enumerate(candidates):
            if candidate.role != who:
                continue
            index = indexes[place]
            hits = {i: item for i, h in enumerate(headers)
                    if i not in role_columns and (item := _match(h, index)) is not None}
            own = {item.id for item in candidate.items}
            count = sum(1 for item in hits.values() if item in own)
            if not count:
                continue
            rank = (count, candidate.id == who, -place)
            if best is None or rank > best[0]:
                best = (rank, candidate, hits)
        if best is not None:
            own_role = {item.id for s in best[1].strategies if s.group == who
                        for item in s.items}
            found[who] = (best[1], best[2], sum(1 for i in best[2].values() if i in own_role))
    # A role is in the form when it asks that role's own statements (shared ones match both
    # roles), or, in a form of shared statements only, every role they match; with --role and
    # no role question, only that role.
    if role_columns or role is None:
        roles = [who for who in found if found[who][2]] or list(found)
    else:
        roles = [who for who in found if who == role]
    chosen: dict[str, Checklist] = {}
    matched: dict[int, dict[str, str]] = {}
    for who in roles:
        chosen[who] = found[who][0]
        for i, item in found[who][1].items():
            matched.setdefault(i, {})[who] = item
    if not found:
        return None, ["none of its columns is a statement of a checklist on this computer; "
                      "build the form from `trustcheck template --format form` (questions are "
                      "matched by their text or statement id)."]
    if len(role_columns) > 1:
        return None, ["it has more than one column that looks like the role question ("
                      + ", ".join(f"'{_shown(headers[i])}'" for i in role_columns)
                      + "); keep one."]
    role_at = role_columns[0] if role_columns else None
    if role_at is None and role is None:
        asked = " and ".join(f"{who}s" for who in chosen)
        hint = (f"add --role {next(iter(chosen))}" if len(chosen) == 1
                else "add --role mentor or --role mentee")
        return None, [f"it has no role question (like 'I am the...' with Mentor and Mentee) "
                      f"and its questions are for {asked}; {hint} if everyone who answered "
                      "this form has that role."]
    if role_at is None and role not in found:
        return None, [f"--role says everyone is a {role}, but none of its columns is a "
                      f"statement of the {role} checklist."]
    columns: dict[str, list[list[int]]] = {}
    partner_columns: dict[str, list[list[int]]] = {}
    foreign: dict[str, list[int]] = {}
    values: dict[str, dict[str, int]] = {}
    for who, used in chosen.items():
        # The partner view's statements are matched like the self statements: they give the
        # row's felt trust (the partner view is optional, so a form may leave them out).
        by_item: dict[str, list[int]] = {item.id: [] for item in used.items + used.partner_items}
        for i, items in matched.items():
            if who in items and items[who] in by_item:
                by_item[items[who]].append(i)
        columns[who] = [by_item[item.id] for item in used.items]
        partner_columns[who] = [by_item[item.id] for item in used.partner_items]
        foreign[who] = sorted(i for i, items in matched.items() if who not in items)
        values[who] = answer_values(used)
    used_columns = set(matched) | set(role_columns)
    submission_at = [i for i, h in enumerate(headers)
                     if fold_answer(h) in ("timestamp", "id") and i not in used_columns]
    note = _note([h for i, h in enumerate(headers) if i not in used_columns], source)
    missing = {who: sum(1 for found in columns[who] if not found) for who in chosen}
    for who, count in missing.items():
        if count:
            note += (f"{' ' if note else ''}The form asks {len(columns[who]) - count} of the "
                     f"{len(columns[who])} statements of the {who} checklist in {source}; the "
                     f"others count as skipped.")
    for who, used in chosen.items():
        felt = _felt_trust_asked(used, partner_columns[who])
        if 0 < felt[0] < felt[1]:
            note += (f"{' ' if note else ''}The form asks {felt[0]} of the {felt[1]} statements "
                     f"about how much {who}s trust their partner (felt trust) in {source}; the "
                     f"others count as skipped.")
    return FormPlan(chosen, columns, foreign, headers, role_at, submission_at, note,
                    values, partner_columns), []


def _felt_trust_asked(used: Checklist, partner_columns: list[list[int]]) -> tuple[int, int]:
    """How many of the felt trust statements a form asks, and how many there are."""
    if used.partner_view is None:
        return 0, 0
    felt = {item.id for item in used.partner_view.felt_trust.items}
    asked = [bool(places) for item, places in zip(used.partner_items, partner_columns,
                                                 strict=True) if item.id in felt]
    return sum(asked), len(asked)


def _shown(header: str) -> str:
    """A header fit to name in a message: personal-looking ones only by what they hold."""
    if is_personal(header):
        return f"a column of {_personal_kind(header)}"
    return quoted_name(header) or "(no header)"


def _note(unused: list[str], source: str) -> str:
    """The one note about the columns left out, by header; personal ones named generically."""
    if not unused:
        return ""
    named = [f"'{quoted_name(h)}'" for h in unused if h.strip() and not is_personal(h)]
    personal: dict[str, int] = {}
    for header in unused:
        if is_personal(header):
            kind = _personal_kind(header)
            personal[kind] = personal.get(kind, 0) + 1
    parts = named[:12]
    if len(named) > 12:
        parts.append(f"{len(named) - 12} more")
    parts += [f"{'a column' if n == 1 else f'{n} columns'} of {kind}"
              for kind, n in personal.items()]
    if not parts:
        return ""  # only columns without a header (a sheet's empty edge): nothing to name
    listed = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
    return (f"Not used from {source}: {listed} (they are not statements of a checklist); "
            "nothing in them goes into the report.")


def answer_values(used: Checklist) -> dict[str, int]:
    """Every way a form may give an answer, folded, to its raw value: the scale's numbers and
    labels, "didn't come up", and skips (blank, "skip", the scale's skip label)."""
    scale = used.scale
    found = {str(v): v for v in scale.points}
    found.update({scale.label(v): v for v in scale.points})  # as forms write them: no folding
    found.update({fold_answer(scale.label(v)): v for v in scale.points})
    found.update({f"{v} {fold_answer(scale.label(v))}": v for v in scale.points})
    found.update({f"{v} - {fold_answer(scale.label(v))}": v for v in scale.points})
    found.update(dict.fromkeys(SKIP_WORDS | {"", fold_answer(scale.skip_label),
                                             "does not apply", "doesnt apply"}, SKIPPED))
    found.update(dict.fromkeys(NOT_CAME_UP_WORDS | {"didn't come up", DIDNT_COME_UP_LABEL},
                               DIDNT_COME_UP))
    return found


def value_of(cell: str, lookup: dict[str, int]) -> int | None:
    """One cell's answer as a raw value (SKIPPED, DIDNT_COME_UP), or None when it is none."""
    found = lookup.get(cell)
    if found is not None:
        return found
    word = fold_answer(cell)
    found = lookup.get(word)
    if found is None:
        found = lookup.get(word.replace("'", "").replace("\u2019", ""))
    if found is None:
        try:
            number = float(word)
        except ValueError:
            return None
        if number.is_integer():
            found = lookup.get(str(int(number)))
    return found


class Row(NamedTuple):
    """One row of a form read against its plan: the role and answers, or what is wrong."""

    role: str | None = None
    values: list[int] | None = None
    submission: str = ""
    problem: str | None = None
    # the answers to the partner view's statements, in order (all SKIPPED when not asked)
    partner_values: list[int] | None = None


def row(plan: FormPlan, cells: list[str], default_role: str | None) -> Row:
    """Read one row: its role (role question, or --role) and its answers in checklist order.

    A problem names the question (its header), never what the cell holds.
    """
    if plan.role_at is not None:
        answer = cells[plan.role_at] if plan.role_at < len(cells) else ""
        if not answer.strip():
            return Row(problem="the role question is not answered in this row.")
        role = role_of(answer)
        if role is None:
            return Row(problem="the answer to the role question is not mentor or mentee.")
    else:
        role = default_role
    if role not in plan.checklists:
        return Row(role, problem=f"this row is for a {role}, but the form has no questions of "
                                 f"the {role} checklist.")
    lookup = plan.values[role]
    used = plan.checklists[role]
    values, problem = _answers(plan, used, lookup, used.items, plan.columns[role], cells)
    if problem is not None:
        return Row(role, problem=problem)
    partner_values, problem = _answers(plan, used, lookup, used.partner_items,
                                       plan.partner_columns[role], cells)
    if problem is not None:
        return Row(role, problem=problem)
    for place in plan.foreign[role]:
        cell = cells[place] if place < len(cells) else ""
        if cell.strip() and value_of(cell, lookup) != SKIPPED:
            return Row(role, problem=f"this row says {role} but answers a question meant for "
                       f"another role ('{_shown(plan.headers[place])}'); check its role answer.")
    submission = "\x1f".join(cells[i] if i < len(cells) else "" for i in plan.submission_at)
    return Row(role, values, submission, partner_values=partner_values)


def _answers(plan: FormPlan, used: Checklist, lookup: dict[str, int], items: Sequence[Item],
             columns: list[list[int]], cells: list[str]) -> tuple[list[int], str | None]:
    """The answers of one row to these statements (in order), or what is wrong with them: a
    statement's columns are read alike whether it is about oneself or about the partner."""
    values: list[int] = []
    for item, places in zip(items, columns, strict=True):
        found = SKIPPED
        for place in places:
            cell = cells[place] if place < len(cells) else ""
            value = value_of(cell, lookup)
            if value is None:
                return values, (f"the answer to '{_shown(plan.headers[place])}' is not one of "
                                f"the scale's answers ({_scale_words(used)}); leave it empty to "
                                "skip it.")
            if value == DIDNT_COME_UP and not item.conditional:
                return values, (f"the answer to '{_shown(plan.headers[place])}' is \"didn't "
                                "come up\", but that statement is not about something that may "
                                "not have happened; give an answer or leave it empty.")
            if value != SKIPPED:
                if found != SKIPPED and found != value:
                    return values, (f"the statement '{item.id}' is answered twice in this row, "
                                    "differently; keep one answer.")
                found = value
        values.append(found)
    return values, None


def _scale_words(used: Checklist) -> str:
    scale = used.scale
    return (f"{scale.label(scale.low)} to {scale.label(scale.high)}, or a number from "
            f"{scale.low} to {scale.high}")


# --- the readers: a form export as rows of text ----------------------------------------------

def csv_rows(handle: IO[str] | Any) -> Iterator[tuple[int, list[str] | None, str | None]]:
    """A Google Forms CSV export (or any form saved as CSV): (line, cells, problem) per row,
    the header first. A row the csv module cannot read gives its problem and no cells."""
    first = handle.readline()
    delimiter = ";" if first.count(";") > first.count(",") else ","
    if first.count("\t") > max(first.count(","), first.count(";")):
        delimiter = "\t"

    def lines() -> Iterator[str]:
        yield first
        yield from handle

    reader = csv.reader(lines(), delimiter=delimiter)
    previous = 0
    while True:
        line = previous + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            previous = reader.line_num
            yield line, None, ("this row cannot be read as CSV, so it was left out; check its "
                               "quotes and separators, or download the responses again.")
            continue
        previous = reader.line_num
        yield line, cells, None


def xlsx_rows(path: Path | IO[bytes]) -> Iterator[tuple[int, list[str] | None, str | None]]:
    """A Microsoft Forms Excel export: the first sheet's rows as text, (row, cells, None).

    Needs openpyxl (`pip install 'trustcheck[forms]'`). A workbook that cannot be opened gives
    one problem (row 0)."""
    try:
        import openpyxl  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError:
        raise TrustcheckError(
            f"Reading Excel files (.xlsx) needs an extra part of trustcheck; install it with "
            f"`pip install 'trustcheck[{EXTRA}]'`, or save the responses as CSV and report on "
            "that file.") from None
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any failure of a parser on someone's file means "unreadable"
        yield 0, None, ("this file cannot be opened as an Excel workbook; download the "
                        "responses again (Open in Excel) or save them as CSV.")
        return
    try:
        sheets = workbook.worksheets
        if not sheets:
            return
        for number, cells in enumerate(sheets[0].iter_rows(values_only=True), start=1):
            yield number, [_cell_text(cell) for cell in cells], None
    except Exception:  # noqa: BLE001 - a damaged sheet part, read lazily in read-only mode
        yield 0, None, ("part of this workbook is damaged, so the rest of it was left out; "
                        "download the responses again.")
    finally:
        workbook.close()


def _cell_text(cell: Any) -> str:
    """An Excel cell as the text a person sees: 4.0 is "4", an empty cell "", a date ISO."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, (datetime, date, time)):
        return cell.isoformat()
    return str(cell)


def looks_like_form(headers: list[str]) -> bool:
    """Whether a CSV header is a form export's rather than trustcheck's own (role, partner,
    cohort and statement ids): any column a form tool adds, or any that is not an id."""
    folded = [h.strip().lower() for h in headers]
    if {"id", "created_at", "checklist_id"} <= set(folded):
        return False  # `history export --format csv`: its own reader explains it
    if any(h in FORM_COLUMNS for h in folded):
        return True
    return not all(_ID.match(h) for h in folded if h)


_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
