"""Reading a cohort's responses for a report: result files, answers files, folders, JSON,
JSONL, CSV, form exports (Google Forms CSV, Microsoft Forms .xlsx), the history.

A file's kind is decided by what it holds, not by its name (`sniff`): a JSON value is a result
when it has a schema and an answers file when it has answers; text starting like YAML is an
answers file; a CSV header is trustcheck's own (role, partner, cohort, statement ids) or a form
export's (question texts, a timestamp...).

Every row is checked before it is used; a bad row is noted with its file and line and left
out, never guessed at. A response's felt trust (from its partner view, when it has one) goes
with it, scored by the rule of a check-in. Rows are read one at a time and go straight into
compact columns (`cohort.Bucket`), so even 100,000 responses need little memory. Messages about
bad rows name the file, the line and what is wrong, never what a row contains: they may be read
out on a projector.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
import re
from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple

from trustcheck import forms, scoring
from trustcheck.answers import (
    MAX_LABEL,
    NOT_CAME_UP_WORDS,
    SKIP_WORDS,
    AnswersFile,
    fold_label,
    is_not_came_up,
)
from trustcheck.checklist import ROLES, Action, Checklist
from trustcheck.cohort import SKIPPED, Bucket, Layout, Scope, StrategyLayout, join_and
from trustcheck.errors import InputError, Problem
from trustcheck.resultfiles import (
    DIDNT_COME_UP,
    NOT_A_SOURCE,
    SCORES_ONLY,
    STDIN,
    UNKNOWN_CHECKLIST,
    Library,
    Rest,
    Scorer,
    Text,
    kind_of,
    mark,
    picker,
    text_stream,
    validate,
    values,
)
from trustcheck.scoring import NOT_CAME_UP, Answer
from trustcheck.text import quoted_name

SUFFIXES = (".json", ".jsonl", ".ndjson", ".csv", ".yaml", ".yml", ".xlsx")
XLSX_MAGIC = b"PK\x03\x04"  # an .xlsx workbook is a zip file
MAX_ANSWERS_FILE = 4 << 20  # an answers file this large is not one: stop reading it
CHUNK_TEXT = 1 << 16
# The first line of a YAML answers file: a comment, a document start, or "key: value".
_YAML_START = re.compile(r"^(?:#|---|[A-Za-z_][A-Za-z0-9_.-]*[ \t]*:(?:[ \t]|$))")
HISTORY = "your history"
FIXED_COLUMNS = ("role", "partner", "cohort")
MAX_PROBLEMS = 1000  # kept to list; every bad row is still counted
_UNKNOWN: Any = object()


# --- what came in ---------------------------------------------------------------------------

class Collected(NamedTuple):
    """The responses read, in buckets per checklist version, and what had to be left out."""

    buckets: list[Bucket]
    problems: list[Problem]
    left_out: int = 0
    duplicates: int = 0
    out_of_scope: int = 0
    used: int = 0
    files: int = 0
    problem_count: int = 0
    stated_scores_only: int = 0  # results without answers: taken on their stated scores
    stated_unknown_checklist: int = 0  # results whose checklist is not here: the same
    notes: tuple[str, ...] = ()  # what was read but not used (a form's other columns), once


@dataclass
class _CsvPlan:
    """How to read and score one role's rows of a CSV file."""

    bucket: Bucket
    cells: Any  # picks the item cells of a row, in checklist order
    foreign: list[int]  # item columns of another checklist: must be empty for this role
    values: dict[str, int]  # cell text to raw value (SKIPPED for a skip, or DIDNT_COME_UP)
    scorer: Scorer


@dataclass
class Collector:
    """Checks each row and files it in the bucket of the checklist version it answered."""

    library: Library
    scope: Scope
    buckets: dict[tuple[str, str, str, str], Bucket] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    left_out: int = 0
    duplicates: int = 0
    out_of_scope: int = 0
    used: int = 0
    files: int = 0
    problem_count: int = 0
    stated_scores_only: int = 0
    stated_unknown_checklist: int = 0
    notes: list[str] = field(default_factory=list)
    _seen: set[str] = field(default_factory=set)
    _rows: set[str] = field(default_factory=set)
    _checklist_buckets: dict[int, tuple[Checklist, Bucket]] = field(default_factory=dict)

    def bad(self, source: str, line: int | None, message: str, rows: int = 1) -> None:
        self.left_out += rows
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(message, source, line))

    def collected(self) -> Collected:
        return Collected(list(self.buckets.values()), self.problems, self.left_out,
                         self.duplicates, self.out_of_scope, self.used, self.files,
                         self.problem_count, self.stated_scores_only,
                         self.stated_unknown_checklist, tuple(self.notes))

    # results -----------------------------------------------------------------------------

    def result(self, data: Any, source: str, line: int | None, where: str = "") -> None:
        """One result object (from `assess --format json`, `history export` or the history),
        or an answers file's object (JSON, as `trustcheck template` describes it)."""
        if isinstance(data, dict) and "schema" not in data:
            if "answers" in data:
                self.answers(AnswersFile(data, source, ()), source, line)
            else:
                self.bad(source, line, where + NOT_A_SOURCE)
            return
        message = self._result(data)
        if message:
            self.bad(source, line, where + message)

    def _result(self, data: Any) -> str | None:
        verdict = validate(data, self.library)
        if verdict.problem:
            return verdict.problem
        role, result_id, cohort = data["role"], data["id"], data.get("cohort")
        named = data["checklist"]
        checklist_id, version, sha = named["id"], named["version"], named["sha256"]
        given = {entry["id"]: entry.get("score") for entry in data["strategies"]}
        overall = data.get("overall")
        bucket = self._bucket_for_result(role, checklist_id, str(version), sha, named, data)
        layout = bucket.layout
        values = verdict.values
        if self.scope.role is not None and role != self.scope.role:
            self.out_of_scope += 1
            return None
        if self.scope.cohort is not None and fold_label(cohort) != self.scope.cohort:
            self.out_of_scope += 1
            return None
        if result_id in self._seen:
            self.duplicates += 1
            return None
        self._seen.add(result_id)
        bucket.add("r:" + result_id, [given[s.id] for s in layout.strategies], overall,
                   _as_answers(values), _felt_trust(data))
        if verdict.stated == SCORES_ONLY:
            self.stated_scores_only += 1
        elif verdict.stated == UNKNOWN_CHECKLIST:
            self.stated_unknown_checklist += 1
        if not layout.available:
            for area in data.get("focus") or ():
                _remember(bucket, area)
        self.used += 1
        return None

    def _bucket_for_result(self, role: str, checklist_id: str, version: str, sha: str,
                           named: dict, data: dict) -> Bucket:
        key = (role, checklist_id, version, sha)
        bucket = self.buckets.get(key)
        if bucket is None:
            found = self.library.by_fingerprint(checklist_id, sha)
            if found is not None and found.role == role:
                layout = Layout.from_checklist(found, role)
            else:
                title = named.get("title")
                layout = Layout(
                    role=role, checklist_id=checklist_id, version=version, sha256=sha,
                    title=title if isinstance(title, str) else "",
                    strategies=tuple(
                        StrategyLayout(s["id"], _text(s.get("title"), s["id"]),
                                       _text(s.get("group"), role), ())
                        for s in data["strategies"]),
                )
            bucket = self.buckets[key] = Bucket(layout)
        return bucket

    def bucket_for(self, used: Checklist) -> Bucket:
        # Per checklist object, remembered: its fingerprint (a hash of all of it) is worth
        # working out once, not for every row of a form or every answers file.
        known = self._checklist_buckets.get(id(used))
        if known is not None and known[0] is used:
            return known[1]
        layout = Layout.from_checklist(used, used.role or "mentor")
        bucket = self.buckets.get(layout.key)
        if bucket is None:
            bucket = self.buckets[layout.key] = Bucket(layout)
        self._checklist_buckets[id(used)] = (used, bucket)
        return bucket

    # CSV rows ----------------------------------------------------------------------------

    def csv_rows(self, handle: IO[str] | Rest, source: str, first_line: int = 1) -> None:
        """Rows of a CSV file whose header is at `first_line` (blank lines before it skipped)."""
        header_line = handle.readline()
        if not header_line.strip():
            self.bad(source, first_line, "the file is empty; it needs a header row "
                                "(run `trustcheck template --role mentor --format csv`).", 0)
            return
        delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
        try:
            header = [cell.strip().lower() for cell in next(csv.reader([header_line],
                                                                        delimiter=delimiter))]
        except (csv.Error, StopIteration):
            self.bad(source, first_line, "the header row cannot be read as CSV, so the file "
                                         "was left out; get a header with `trustcheck "
                                         "template --role mentor --format csv`.", 0)
            return
        reader = csv.reader(handle, delimiter=delimiter)
        plans, header_problems, width = self._csv_header(header, source)
        if header_problems:
            rows = _count_rows(reader)
            for message in header_problems:
                self.bad(source, first_line, message, 0)
            if rows:
                self.bad(source, first_line, f"because of the header, all {rows} "
                                    f"row{'s' if rows != 1 else ''} of this file were left out.",
                         rows)
            return
        position = {name: i for i, name in enumerate(header)}
        role_at = position["role"]
        partner_at = position.get("partner")
        cohort_at = position.get("cohort")
        previous = 0
        while True:
            line = first_line + previous + 1  # the reader counts lines after the header
            try:
                record = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                previous = reader.line_num
                self.bad(source, line, _csv_problem(exc))
                continue
            spanned = reader.line_num - previous
            previous = reader.line_num
            if not record or not any(cell.strip() for cell in record):
                continue
            if len(record) != width and any("\n" in cell or "\r" in cell for cell in record):
                swallowed = (f", with the {spanned - 1} line{'s' if spanned != 2 else ''} "
                             "after it that were read as part of it") if spanned > 1 else ""
                self.bad(source, line, f"a quote opened in this row is not closed where it "
                                       f"should be, so the row was left out{swallowed}; check "
                                       "the quotes in this row.")
                continue
            if len(record) != width:
                self.bad(source, line, f"this row has {len(record)} cells but the header has "
                                       f"{width}; check for a missing or extra separator.")
                continue
            role = record[role_at].strip().lower()
            plan = plans.get(role)
            if plan is None:
                if role in ROLES:
                    self.bad(source, line, f"this row is for a {role}, but the file has no "
                                           f"columns for the {role} checklist.")
                else:
                    self.bad(source, line, "the role should be mentor or mentee.")
                continue
            cohort = None
            if cohort_at is not None:
                cohort = fold_label(record[cohort_at])
                if cohort is not None and len(cohort) > MAX_LABEL:
                    self.bad(source, line, f"the cohort is longer than {MAX_LABEL} characters.")
                    continue
            partner = None if partner_at is None else fold_label(record[partner_at])
            if partner is not None and len(partner) > MAX_LABEL:
                self.bad(source, line, f"the partner is longer than {MAX_LABEL} characters.")
                continue
            values, message = _csv_values(record, plan)
            if message:
                self.bad(source, line, message)
                continue
            if any(record[column].strip() for column in plan.foreign):
                self.bad(source, line, f"this row answers statements that are not in the "
                                       f"{role} checklist; leave those cells empty for {role}s.")
                continue
            self._take(plan.bucket, plan.scorer, role, cohort, [partner or "", cohort or ""],
                       values, source, line)

    def _take(self, bucket: Bucket, scorer: Scorer, role: str, cohort: str | None,
              told_apart: list[str], values: list[int], source: str, line: int | None,
              felt_trust: float | None = None) -> None:
        """One response read from a row or an answers file: checked for enough answers and
        scope, counted once, scored into its bucket (with its felt trust, if it gives one).

        Its key stays what it says about itself (not its partner view): the same row keeps
        the same key in every report, which the differencing guard depends on."""
        answered, need = scorer.enough(values)
        if answered < need or not answered:
            came_up = len(values) - values.count(DIDNT_COME_UP)
            that_came_up = " that came up" if came_up < len(values) else ""
            self.bad(source, line, f"only {answered} of {came_up} statements{that_came_up} "
                                   f"have an answer; at least {max(1, need)} are needed.")
            return
        if self.scope.role is not None and role != self.scope.role:
            self.out_of_scope += 1
            return
        if self.scope.cohort is not None and cohort != self.scope.cohort:
            self.out_of_scope += 1
            return
        key = _row_key(bucket, role, told_apart, values)
        if key in self._rows:
            self.duplicates += 1  # a copy of a row already counted: padding moves nothing
            return
        self._rows.add(key)
        scores, overall = scorer.score(values)
        bucket.add(key, scores, overall, _as_answers(values), felt_trust)
        self.used += 1

    # answers files -------------------------------------------------------------------------

    def answers(self, found: AnswersFile, source: str, line: int | None) -> None:
        """One answers file (YAML or JSON, as `trustcheck template` writes them)."""
        from trustcheck import answers

        used = self._checklist_for_answers(found, source, line)
        if used is None:
            return
        try:
            checked = answers.check(found, used)
        except InputError as exc:
            for number, problem in enumerate(exc.problems or (Problem(exc.message),)):
                self.bad(problem.source or source, problem.line if problem.line else line,
                         problem.message, 1 if number == 0 else 0)
            return
        role = used.role or "mentor"
        values = [mark(checked.values.get(item.id)) for item in used.items]
        self._take(self.bucket_for(used), self.library.scorer(used), role, checked.cohort,
                   [checked.partner or "", checked.cohort or ""], values, source, line,
                   felt_trust_of(used, checked.values))

    def _checklist_for_answers(self, found: AnswersFile, source: str,
                               line: int | None) -> Checklist | None:
        """The checklist an answers file answers: the one it names (and its version), else the
        standard one for its role (or --role)."""
        role = found.role or self.scope.role
        named, version = found.checklist, found.version
        if named is None and role is None:
            self.bad(source, line, "this answers file does not say whose answers they are; "
                                   "add 'role: mentor' or 'role: mentee' to it, or give --role.")
            return None
        fitting = [c for c in self.library.checklists()
                   if (c.id == named if named is not None else c.id == role)
                   and (role is None or c.role == role)]
        if version is not None and any(c.version == version for c in fitting):
            fitting = [c for c in fitting if c.version == version]
        if not fitting:
            what = f"the checklist '{quoted_name(named)}'" if named else f"the {role} checklist"
            self.bad(source, line, f"this answers file is for {what}, which is not on this "
                                   "computer; add that checklist, or answer a template made "
                                   "here.")
            return None
        return fitting[0]

    # form exports --------------------------------------------------------------------------

    def form(self, rows: Iterator[tuple[int, list[str] | None, str | None]], source: str, *,
             rows_are_lines: bool, offset: int = 0) -> None:
        """A Google Forms or Microsoft Forms export: a header of questions, a row per person."""
        def where(number: int) -> tuple[str, int | None]:
            if rows_are_lines:
                return source, number + offset
            return (f"{source}, row {number}", None) if number else (source, None)

        first = next(rows, None)
        if first is None:
            self.bad(source, None, "the file is empty.", 0)
            return
        number, headers, problem = first
        if headers is None:
            self.bad(*where(number), problem or forms.NOT_READABLE, 0)
            return
        plan, problems = forms.plan_form([h.strip() for h in headers],
                                         self.library.checklists(), self.scope.role, source)
        if plan is None:
            rows_left = sum(1 for _, cells, _ in rows
                            if cells is None or any(c.strip() for c in cells))
            for message in problems:
                self.bad(*where(number), message, 0)
            if rows_left:
                self.bad(*where(number), f"because of the header, all {rows_left} row"
                                         f"{'s' if rows_left != 1 else ''} of this file were "
                                         "left out.", rows_left)
            return
        if plan.note:
            self.notes.append(plan.note)
        targets = {who: (self.bucket_for(used), self.library.scorer(used), FeltTrust(used))
                   for who, used in plan.checklists.items()}
        for number, cells, problem in rows:
            if cells is None:
                self.bad(*where(number), problem or forms.NOT_READABLE)
                continue
            if not any(cell.strip() for cell in cells):
                continue
            got = forms.row(plan, cells, self.scope.role)
            if got.problem is not None or got.values is None or got.role is None:
                self.bad(*where(number), got.problem or forms.NOT_READABLE)
                continue
            bucket, scorer, felt_trust = targets[got.role]
            # A form has no cohort column: its rows are the cohort the report is asked about.
            # The label stays out of their key, so the same rows are the same people in every
            # report, whatever it is called (the differencing guard depends on it).
            self._take(bucket, scorer, got.role, self.scope.cohort, ["", "", got.submission],
                       got.values, *where(number), felt_trust.score(got.partner_values))

    def _csv_header(self, header: list[str],
                    source: str) -> tuple[dict[str, _CsvPlan], list[str], int]:
        if {"id", "created_at", "checklist_id"} <= set(header):
            return {}, ["this is a `trustcheck history export --format csv` file, which holds "
                        "scores for spreadsheets only; export with --format json or jsonl for a "
                        "report."], len(header)
        problems = []
        seen: set[str] = set()
        for name in header:
            if name in seen:
                problems.append(f"the column '{quoted_name(name)}' appears twice in the header.")
            seen.add(name)
        if "role" not in header:
            problems.append("the header has no 'role' column; start it with role,partner,cohort "
                            "as `trustcheck template --format csv` does.")
        items = [name for name in header if name not in FIXED_COLUMNS]
        if not items:
            problems.append("the header names no statements; get the header with "
                            "`trustcheck template --role mentor --format csv`.")
        chosen = self._checklists_for(set(items))
        # Partner-view columns (`trustcheck template --format csv` adds them) are accepted and
        # left out of the report: it sums up how people see themselves, not their partners.
        known = {item.id for c in chosen.values() for item in c.items + c.partner_items}
        for name in items:
            if name not in known:
                hint = _closest(name, known)
                problems.append(
                    f"the column '{quoted_name(name)}' is not a statement of the "
                    f"{_and(sorted({c.id for c in chosen.values()})) or 'known'} checklist"
                    f"{'s' if len(chosen) > 1 else ''}.{hint} Rename or remove the column.")
        for used in chosen.values():
            missing = [item.id for item in used.items if item.id not in seen]
            if missing:
                more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
                problems.append(
                    f"the header has no column for {_and(missing[:3])}{more} of the checklist "
                    f"'{used.id}'; add the missing columns (run `trustcheck template --role "
                    f"{used.role} --format csv` to see them all).")
        if problems:
            return {}, problems, len(header)
        position = {name: i for i, name in enumerate(header)}
        plans = {}
        for role, used in chosen.items():
            own = {item.id for item in used.items + used.partner_items}
            plans[role] = _plan(self.bucket_for(used), used, self.library.scorer(used),
                                [position[item.id] for item in used.items],
                                [position[name] for name in items if name not in own])
        return plans, [], len(header)

    def _checklists_for(self, columns: set[str]) -> dict[str, Checklist]:
        """The checklists a CSV header was made from: the best match first, then what is left.

        A header written by `trustcheck template --format csv` matches one checklist exactly;
        a form for both roles may hold both checklists' columns (shared statements once).
        """
        candidates = [(index, c.role, c) for index, c in enumerate(self.library.checklists())
                      if c.role is not None]
        chosen: dict[str, Checklist] = {}
        unexplained = set(columns)
        while unexplained:
            best = None
            for index, role, candidate in candidates:
                if role in chosen:
                    continue
                ids = {item.id for item in candidate.items}
                overlap = len(ids & unexplained)
                if not overlap:
                    continue
                rank = (len(ids & columns), -len(ids - columns), candidate.id == candidate.role,
                        -index)
                if best is None or rank > best[0]:
                    best = (rank, role, candidate)
            if best is None:
                break
            _, role, candidate = best
            chosen[role] = candidate
            unexplained -= {item.id for item in candidate.items}
        return chosen


def _row_key(bucket: Bucket, role: str, told_apart: list[str], values: list[int]) -> str:
    """A stable key for a row or answers file (they have no id): its checklist version and what
    it says (its partner and cohort labels, a form's submission time), so an identical one met
    again, in any of the sources, is known as a copy."""
    text = "\x1f".join([bucket.layout.sha256, role, *told_apart])
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass")
                             + array("b", values).tobytes(), digest_size=16).hexdigest()
    return f"c:{digest}"


def _plan(bucket: Bucket, used: Checklist, scorer: Scorer, columns: list[int],
          foreign: list[int]) -> _CsvPlan:
    values = {str(v): v for v in used.scale.points}
    values.update(dict.fromkeys(SKIP_WORDS | {""}, SKIPPED))
    values.update(dict.fromkeys(NOT_CAME_UP_WORDS, DIDNT_COME_UP))
    return _CsvPlan(bucket, picker(columns), foreign, values, scorer)


def _csv_values(record: list[str], plan: _CsvPlan) -> tuple[list[int], str]:
    lookup = plan.values
    cells = plan.cells(record)
    values = [lookup.get(cell, _UNKNOWN) for cell in cells]
    if _UNKNOWN not in values:
        return values, _not_came_up_problem(values, plan)
    for position, cell in enumerate(cells):
        if values[position] is not _UNKNOWN:
            continue
        word = cell.strip().lower()
        value = lookup.get(word, _UNKNOWN)
        if value is _UNKNOWN and is_not_came_up(word):
            value = DIDNT_COME_UP
        if value is _UNKNOWN:
            try:
                number = float(word)
            except ValueError:
                number = None
            low, high = plan.scorer.low, plan.scorer.high
            if number is None or not number.is_integer() or not low <= number <= high:
                return values, (f"the answer to '{plan.scorer.item_ids[position]}' is not a whole "
                                f"number from {low} to {high}; leave the cell empty to skip it.")
            value = int(number)
        values[position] = value
    return values, _not_came_up_problem(values, plan)


def _not_came_up_problem(values: list[int], plan: _CsvPlan) -> str:
    """Why a row cannot say "didn't come up" where it does, or "" when it can."""
    if DIDNT_COME_UP not in values:
        return ""
    for position, value in enumerate(values):
        if value == DIDNT_COME_UP and not plan.scorer.conditional[position]:
            return (f"the answer to '{plan.scorer.item_ids[position]}' is \"didn't come up\", "
                    "but that statement is not about something that may not have happened; "
                    "give a number or leave the cell empty to skip it.")
    return ""


def _as_answers(values: list[int] | None) -> list[int] | None:
    """Answers as a cohort bucket keeps them: "didn't come up" is no answer to count there."""
    if values is None or DIDNT_COME_UP not in values:
        return values
    return [SKIPPED if value == DIDNT_COME_UP else value for value in values]


def _count_rows(reader: Any) -> int:
    """The rows left in a CSV reader that hold anything, passing over rows it cannot read."""
    rows = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return rows
        except csv.Error:
            rows += 1
            continue
        if any(cell.strip() for cell in record):
            rows += 1


def _csv_problem(exc: csv.Error) -> str:
    reason = str(exc)
    if "field limit" in reason:
        return (f"a cell in this row is longer than {csv.field_size_limit() // 1024} KiB, which "
                "no answer needs, so the row was left out.")
    if "new-line" in reason:
        return ("a cell in this row holds a line break outside quotes, so the row was left "
                "out; save the file again as CSV from the spreadsheet or form.")
    return "this row cannot be read as CSV, so it was left out; check its quotes and separators."


def felt_trust_of(used: Checklist, answers: Mapping[str, Answer]) -> float | None:
    """The score of felt trust in a response's partner view (None when it gives none): the rule
    of a check-in, `scoring.score_partner`, so a form row or an answers file counts as the
    same answers given to `assess` would."""
    partner_view = scoring.score_partner(used, answers)
    felt = None if partner_view is None else partner_view.felt_trust
    return None if felt is None else felt.score


class FeltTrust:
    """Felt trust of one checklist's form rows (`felt_trust_of`), worked out once per pattern
    of answers to its felt trust statements: a form may have many thousands of rows."""

    def __init__(self, used: Checklist) -> None:
        self.used = used
        part = used.partner_view
        felt = set() if part is None else {item.id for item in part.felt_trust.items}
        positions = [i for i, item in enumerate(used.partner_items) if item.id in felt]
        self.ids = [used.partner_items[i].id for i in positions]
        self.pick = picker(positions) if positions else None
        self.cache: dict[tuple[int, ...], float | None] = {}

    def score(self, partner_values: list[int] | None) -> float | None:
        """Felt trust from a row's answers to the partner view (raw, in its order)."""
        if self.pick is None or not partner_values:
            return None
        pattern = self.pick(partner_values)
        if pattern not in self.cache:
            self.cache[pattern] = felt_trust_of(
                self.used, {item: _answer(value)
                            for item, value in zip(self.ids, pattern, strict=True)})
        return self.cache[pattern]


def _answer(value: int) -> Answer:
    """A raw value (SKIPPED, DIDNT_COME_UP or a point of the scale) as `scoring` takes it."""
    if value == SKIPPED:
        return None
    return NOT_CAME_UP if value == DIDNT_COME_UP else value


def _felt_trust(data: dict) -> float | None:
    """The score of felt trust in a valid result's partner view (checked by `validate`)."""
    part = data.get("partner_view")
    felt = part.get("felt_trust") if isinstance(part, dict) else None
    score = felt.get("score") if isinstance(felt, dict) else None
    return float(score) if isinstance(score, (int, float)) and not isinstance(score, bool) \
        else None


def _remember(bucket: Bucket, area: Any) -> None:
    if not isinstance(area, dict) or not isinstance(area.get("strategy"), str):
        return
    actions = []
    for action in area.get("actions") or ():
        if isinstance(action, dict) and isinstance(action.get("id"), str) and isinstance(
                action.get("text"), str):
            actions.append(Action(action["id"], action["text"]))
    bucket.remember_actions(area["strategy"], tuple(actions))


def _text(value: Any, fallback: str) -> str:
    return value if isinstance(value, str) and value else fallback


def _closest(name: str, known: set[str]) -> str:
    hint = difflib.get_close_matches(name, sorted(known), n=1)
    return f" Did you mean '{hint[0]}'?" if hint else ""


def _and(names: Sequence[str]) -> str:
    return join_and([f"'{quoted_name(n)}'" for n in names])


# --- files -----------------------------------------------------------------------------------

def collect(sources: Sequence[str], scope: Scope, library: Library, *,
            stdin: IO[bytes] | None = None) -> Collected:
    """Read every source (files, folders, '-' for standard input) into buckets."""
    collector = Collector(library, scope)
    files: list[Path | None] = []
    for source in sources:
        if source == "-":
            files.append(None)
            continue
        path = Path(source).expanduser()
        if path.is_dir():
            found = sorted(p for p in path.iterdir()
                           if p.is_file() and not p.name.startswith(".")
                           and p.suffix.lower() in SUFFIXES)
            if not found:
                raise InputError(f"The folder {path} holds no .json, .jsonl, .csv, .yaml or "
                                 ".xlsx files; please name the folder that holds the results, "
                                 "answers files or form exports.")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise InputError(f"There is no file or folder at {path}; please check the path.")
    read: set[Path] = set()
    for file in files:
        if file is not None:
            real = file.resolve()
            if real in read:
                continue  # named twice (or a file and its folder): read it once
            read.add(real)
        collector.files += 1
        if file is None:
            if stdin is None:
                raise InputError("Standard input is not available here; please name a file.")
            _read_binary(stdin, STDIN, collector, kind=None)
            continue
        try:
            handle = file.open("rb")
        except PermissionError:
            raise InputError(f"trustcheck may not read {file}; please check its "
                             "permissions.") from None
        except OSError as exc:
            raise InputError(f"trustcheck could not read {file} ({exc.strerror}); please check "
                             "the file.") from None
        with handle:
            _read_binary(handle, str(file), collector, kind=kind_of(file), path=file)
    return collector.collected()


def collect_history(texts: Iterator[str], scope: Scope, library: Library) -> Collected:
    """Results from the history (already filtered by cohort and role), oldest first."""
    collector = Collector(library, scope)
    for number, text in enumerate(texts, start=1):
        where = f"saved check-in number {number} (oldest first): "
        try:
            data = json.loads(text)
        except ValueError:
            collector.bad(HISTORY, None, where + "it is damaged and cannot be read.")
            continue
        collector.result(data, HISTORY, None, where)
    return collector.collected()


def _read_binary(handle: IO[bytes], source: str, collector: Collector, *, kind: str | None,
                 path: Path | None = None) -> None:
    """A file or standard input: an Excel workbook (by its first bytes), else text."""
    peek = getattr(handle, "peek", None)
    start = peek(4)[:4] if peek is not None else b""
    if start == XLSX_MAGIC:
        if path is not None:
            collector.form(forms.xlsx_rows(path), source, rows_are_lines=False)
        else:  # a workbook is read from its end first: standard input is read whole
            collector.form(forms.xlsx_rows(io.BytesIO(handle.read())), source,
                           rows_are_lines=False)
        return
    # Anything else is text, whatever its name says (a CSV saved as .xlsx is still read).
    _read_stream(text_stream(handle), source, collector, kind=kind)


def sniff(reader: Text) -> str:
    """What a text holds, from its start: "json", "yaml", "csv" (trustcheck's own header),
    "form" (a form export's header), or "" (none of these). The reader stays where it was."""
    first = reader.peek()
    if first in ("{", "["):
        return "json"
    end = reader.buffer.find("\n", reader.pos)
    line = reader.buffer[reader.pos:end if end >= 0 else len(reader.buffer)].rstrip("\r")
    separated = any(separator in line for separator in (",", ";", "\t"))
    if line.startswith(("#", "---")) or (_YAML_START.match(line) and not separated):
        return "yaml"
    if not separated:
        return ""
    delimiter = ";" if line.count(";") > line.count(",") else ","
    if line.count("\t") > max(line.count(","), line.count(";")):
        delimiter = "\t"
    try:
        header = next(csv.reader([line], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return "csv"  # its own reader explains what is wrong with it
    return "form" if forms.looks_like_form(header) else "csv"


def _read_stream(handle: IO[str], source: str, collector: Collector, *, kind: str | None) -> None:
    reader = Text(handle)
    try:
        if kind != "jsonl":  # JSON Lines are read line by line, blank lines counted
            reader.skip_space()  # blank lines before the start
            if not reader.peek():
                collector.bad(source, None, "the file is empty.", 0)
                return
            kind = sniff(reader)
        if kind == "csv":
            collector.csv_rows(Rest(reader), source, reader.line)
            return
        if kind == "form":
            collector.form(forms.csv_rows(Rest(reader)), source, rows_are_lines=True,
                           offset=reader.line - 1)
            return
        if kind == "yaml":
            _answers_text(reader, source, collector)
            return
        if not kind:
            collector.bad(source, None, NOT_A_SOURCE)
            return
    except UnicodeDecodeError:
        collector.bad(source, reader.line, "the file is not UTF-8 text from about this line on; "
                                           "save it as UTF-8 and try again. The rest of it was "
                                           "left out.")
        return
    for found in values(reader, source, kind):
        if found.problem:
            collector.bad(source, found.line, found.problem)
        else:
            collector.result(found.value, source, found.line)


def _answers_text(reader: Text, source: str, collector: Collector) -> None:
    """A YAML answers file, read whole (they are small); lines counted from the file's start."""
    from trustcheck import answers

    skipped = reader.line - 1
    text = reader.buffer[reader.pos:]
    while len(text) <= MAX_ANSWERS_FILE and (more := reader.handle.read(CHUNK_TEXT)):
        text += more
    if len(text) > MAX_ANSWERS_FILE:
        collector.bad(source, None, "this file is too large to be an answers file, so it was "
                                    "left out.")
        return
    try:
        found = answers.read("\n" * skipped + text, source=source)
    except InputError as exc:
        problem = exc.problems[0] if exc.problems else None
        collector.bad(source, problem.line if problem else None,
                      "this looks like a YAML answers file but cannot be read as YAML "
                      f"({problem.message.rstrip('.') if problem else 'it is broken'}); fix it, "
                      "or make a new one with `trustcheck template`.")
        return
    if not isinstance(found.data, dict) or "answers" not in found.data:
        collector.bad(source, None, NOT_A_SOURCE)
        return
    collector.answers(found, source, None)
