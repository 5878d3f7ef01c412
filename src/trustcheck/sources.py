"""Reading a cohort's responses for a report: result files, folders, JSON, JSONL, CSV, history.

Every row is checked before it is used; a bad row is noted with its file and line and left
out, never guessed at. Rows are read one at a time and go straight into compact columns
(`cohort.Bucket`), so even 100,000 responses need little memory. Messages about bad rows name
the file, the line and what is wrong, never what a row contains: they may be read out on a
projector.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import IO, Any, NamedTuple

from trustcheck import checklist as checklists
from trustcheck.answers import MAX_LABEL, SKIP_WORDS, fold_label
from trustcheck.assessment import READABLE_SCHEMAS
from trustcheck.checklist import ROLES, Action, Checklist
from trustcheck.cohort import SKIPPED, Bucket, Layout, Scope, StrategyLayout, join_and
from trustcheck.errors import InputError, Problem
from trustcheck.scoring import item_points, needed

SUFFIXES = (".json", ".jsonl", ".ndjson", ".csv")
HISTORY = "your history"
STDIN = "standard input"
FIXED_COLUMNS = ("role", "partner", "cohort")
MAX_PROBLEMS = 1000  # kept to list; every bad row is still counted
CHUNK = 1 << 20
MAX_VALUE = 16 << 20  # a single JSON value this large is not a result: stop looking for its end
_SPACE = re.compile(r"[ \t\r\n]*")
_UNKNOWN: Any = object()
_SCHEMA_NAME = re.compile(r"^trustcheck/[a-z0-9._-]{1,20}/v[0-9]{1,4}$")  # safe to repeat


# --- checklists on this computer ----------------------------------------------------------

class Library:
    """The checklists on this computer, read only when needed, found by id and fingerprint."""

    def __init__(self, folders: list[tuple[Path, bool]],
                 extra: Sequence[Checklist] = ()) -> None:
        self._folders = folders
        self._extra = list(extra)
        self._all: list[Checklist] | None = None
        self._by_print: dict[tuple[str, str], Checklist | None] = {}

    def all(self) -> list[Checklist]:
        """Every checklist with a role, the user's own first (broken files are passed over)."""
        if self._all is None:
            found = list(self._extra)
            found += [listing.checklist for listing in checklists.scan(self._folders)
                      if listing.checklist is not None and listing.checklist.role is not None]
            self._all = found
        return self._all

    def by_fingerprint(self, checklist_id: str, sha256: str) -> Checklist | None:
        key = (checklist_id, sha256)
        if key not in self._by_print:
            found = next((c for c in self._extra if c.sha256 == sha256), None)
            if found is None and self._all is None:
                try:  # usually the file is named after the id: try it before reading them all
                    candidate = checklists.find_by_id(checklist_id, self._folders)
                except InputError:
                    candidate = None
                if candidate is not None and candidate.sha256 == sha256:
                    found = candidate
            if found is None:
                found = next((c for c in self.all() if c.sha256 == sha256), None)
            self._by_print[key] = found
        return self._by_print[key]


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


@dataclass
class _CsvPlan:
    """How to read and score one role's rows of a CSV file."""

    bucket: Bucket
    cells: Any  # picks the item cells of a row, in checklist order
    foreign: list[int]  # item columns of another checklist: must be empty for this role
    values: dict[str, int]  # cell text to raw value (SKIPPED for a skip)
    points: list[list[float]]  # per item: points by raw value
    strategies: list[tuple[Any, list[int], int]]  # picker, item positions, answers needed
    cache: list[dict[tuple[int, ...], float | None]]  # per strategy: score by answer pattern
    low: int
    high: int
    need: int
    item_ids: list[str]


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
    _seen: set[str] = field(default_factory=set)
    _rows: dict[str, int] = field(default_factory=dict)

    def bad(self, source: str, line: int | None, message: str, rows: int = 1) -> None:
        self.left_out += rows
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(message, source, line))

    def collected(self) -> Collected:
        return Collected(list(self.buckets.values()), self.problems, self.left_out,
                         self.duplicates, self.out_of_scope, self.used, self.files,
                         self.problem_count)

    # results -----------------------------------------------------------------------------

    def result(self, data: Any, source: str, line: int | None, where: str = "") -> None:
        """One result object (from `assess --format json`, `history export` or the history)."""
        message = self._result(data)
        if message:
            self.bad(source, line, where + message)

    def _result(self, data: Any) -> str | None:
        if not isinstance(data, dict):
            return "this is not a trustcheck result object."
        schema = data.get("schema")
        if schema not in READABLE_SCHEMAS:
            if schema is None:
                return ("this is not a trustcheck result (it has no 'schema'); answers files go "
                        "through `trustcheck assess --answers` first.")
            if isinstance(schema, str) and _SCHEMA_NAME.match(schema):
                return (f"this has the schema '{schema}', which is not a result this "
                        "trustcheck can read; update trustcheck or leave the file out.")
            return ("this has a schema that is not a trustcheck result; update trustcheck or "
                    "leave the file out.")
        role = data.get("role")
        if role not in ROLES:
            return "its role should be mentor or mentee."
        result_id = data.get("id")
        if not isinstance(result_id, str) or not result_id:
            return "it has no id."
        named = data.get("checklist")
        if not isinstance(named, dict):
            return "it does not say which checklist was answered."
        checklist_id, version, sha = named.get("id"), named.get("version"), named.get("sha256")
        if (not isinstance(checklist_id, str) or not isinstance(sha, str)
                or not isinstance(version, (str, int)) or isinstance(version, bool)):
            return "it does not say which checklist was answered (id, version and sha256)."
        if not checklists.is_id(checklist_id):
            return ("the checklist it names has an id that is not a checklist id; it may have "
                    "been edited by hand.")
        strategies = data.get("strategies")
        if not isinstance(strategies, list) or not strategies:
            return "it has no strategy scores."
        given: dict[str, float | None] = {}
        for entry in strategies:
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                return "one of its strategies has no id."
            score = entry.get("score")
            if score is not None and not _is_points(score):
                return "a strategy score is not a number from 0 to 100."
            given[entry["id"]] = score
        overall = data.get("overall")
        if overall is not None and not _is_points(overall):
            return "its overall index is not a number from 0 to 100."
        cohort = data.get("cohort")
        if cohort is not None and not isinstance(cohort, str):
            return "its cohort should be text."
        raw = data.get("answers")
        if raw is not None and not isinstance(raw, dict):
            return "its answers should be a set of 'item id: value' pairs."

        bucket = self._bucket_for_result(role, checklist_id, str(version), sha, named, data)
        layout = bucket.layout
        if layout.available and role != layout.role:
            return f"it says role {role}, but the checklist it names is for {layout.role}s."
        if len(given) != len(layout.strategies) or any(
                s.id not in given for s in layout.strategies):
            return ("its strategies do not match the checklist it names; it may have been "
                    "edited by hand.")
        values = None
        if raw:
            values, message = _result_answers(raw, layout)
            if message:
                return message
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
        bucket.add("r:" + result_id, [given[s.id] for s in layout.strategies], overall, values)
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
        layout = Layout.from_checklist(used, used.role or "mentor")
        bucket = self.buckets.get(layout.key)
        if bucket is None:
            bucket = self.buckets[layout.key] = Bucket(layout)
        return bucket

    # CSV rows ----------------------------------------------------------------------------

    def csv_rows(self, handle: IO[str], source: str, first_line: int = 1) -> None:
        """Rows of a CSV file whose header is at `first_line` (blank lines before it skipped)."""
        header_line = handle.readline()
        if not header_line.strip():
            self.bad(source, first_line, "the file is empty; it needs a header row "
                                "(run `trustcheck template --role mentor --format csv`).", 0)
            return
        delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
        header = [cell.strip().lower() for cell in next(csv.reader([header_line],
                                                                    delimiter=delimiter))]
        reader = csv.reader(handle, delimiter=delimiter)
        plans, header_problems, width = self._csv_header(header, source)
        if header_problems:
            rows = sum(1 for record in reader if any(cell.strip() for cell in record))
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
        for record in reader:
            line = first_line + previous + 1  # the reader counts lines after the header
            previous = reader.line_num
            if not record or not any(cell.strip() for cell in record):
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
            answered = len(values) - values.count(SKIPPED)
            if answered < plan.need:
                self.bad(source, line, f"only {answered} of {len(values)} statements have an "
                                       f"answer; at least {plan.need} are needed.")
                continue
            if self.scope.role is not None and role != self.scope.role:
                self.out_of_scope += 1
                continue
            if self.scope.cohort is not None and cohort != self.scope.cohort:
                self.out_of_scope += 1
                continue
            scores, overall = _score(plan, values)
            plan.bucket.add(self._row_key(plan, role, partner, cohort, values), scores, overall,
                            values)
            self.used += 1

    def _row_key(self, plan: _CsvPlan, role: str, partner: str | None, cohort: str | None,
                 values: list[int]) -> str:
        """A stable key for a CSV row (rows have no id): its content, and which copy it is."""
        text = "\x1f".join([plan.bucket.layout.sha256, role, partner or "", cohort or ""])
        digest = hashlib.blake2b(text.encode("utf-8") + array("b", values).tobytes(),
                                 digest_size=16).hexdigest()
        copy = self._rows.get(digest, 0)
        self._rows[digest] = copy + 1
        return f"c:{digest}:{copy}"

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
                problems.append(f"the column '{_clean(name)}' appears twice in the header.")
            seen.add(name)
        if "role" not in header:
            problems.append("the header has no 'role' column; start it with role,partner,cohort "
                            "as `trustcheck template --format csv` does.")
        items = [name for name in header if name not in FIXED_COLUMNS]
        if not items:
            problems.append("the header names no statements; get the header with "
                            "`trustcheck template --role mentor --format csv`.")
        chosen = self._checklists_for(set(items))
        known = {item.id for c in chosen.values() for item in c.items}
        for name in items:
            if name not in known:
                hint = _closest(name, known)
                problems.append(
                    f"the column '{_clean(name)}' is not a statement of the "
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
            own = {item.id for item in used.items}
            plans[role] = _plan(self.bucket_for(used), used,
                                [position[item.id] for item in used.items],
                                [position[name] for name in items if name not in own])
        return plans, [], len(header)

    def _checklists_for(self, columns: set[str]) -> dict[str, Checklist]:
        """The checklists a CSV header was made from: the best match first, then what is left.

        A header written by `trustcheck template --format csv` matches one checklist exactly;
        a form for both roles may hold both checklists' columns (shared statements once).
        """
        candidates = [(index, c) for index, c in enumerate(self.library.all())]
        chosen: dict[str, Checklist] = {}
        unexplained = set(columns)
        while unexplained:
            best = None
            for index, candidate in candidates:
                if candidate.role in chosen:
                    continue
                ids = {item.id for item in candidate.items}
                overlap = len(ids & unexplained)
                if not overlap:
                    continue
                rank = (len(ids & columns), -len(ids - columns), candidate.id == candidate.role,
                        -index)
                if best is None or rank > best[0]:
                    best = (rank, candidate)
            if best is None:
                break
            chosen[best[1].role] = best[1]
            unexplained -= {item.id for item in best[1].items}
        return chosen


def _plan(bucket: Bucket, used: Checklist, columns: list[int], foreign: list[int]) -> _CsvPlan:
    scale = used.scale
    values = {str(v): v for v in scale.points}
    values.update(dict.fromkeys(SKIP_WORDS | {""}, SKIPPED))
    points = []
    for item in used.items:
        table = [0.0] * (scale.high + 1)
        for v in scale.points:
            table[v] = item_points(v, scale, item.reverse)
        points.append(table)
    index = {item.id: i for i, item in enumerate(used.items)}
    strategies = []
    for strategy in used.strategies:
        positions = [index[item.id] for item in strategy.items]
        strategies.append((_picker(positions), positions, needed(len(positions))))
    return _CsvPlan(bucket, _picker(columns), foreign, values, points, strategies,
                    [{} for _ in strategies], scale.low, scale.high, needed(len(used.items)),
                    [item.id for item in used.items])


def _picker(positions: list[int]) -> Any:
    """A function giving the entries at these positions as a tuple (itemgetter, always a tuple)."""
    if len(positions) == 1:
        only = positions[0]
        return lambda row: (row[only],)
    return itemgetter(*positions)


def _csv_values(record: list[str], plan: _CsvPlan) -> tuple[list[int], str]:
    lookup = plan.values
    cells = plan.cells(record)
    values = [lookup.get(cell, _UNKNOWN) for cell in cells]
    if _UNKNOWN not in values:
        return values, ""
    for position, cell in enumerate(cells):
        if values[position] is not _UNKNOWN:
            continue
        word = cell.strip().lower()
        value = lookup.get(word, _UNKNOWN)
        if value is _UNKNOWN:
            try:
                number = float(word)
            except ValueError:
                number = None
            if number is None or not number.is_integer() or not plan.low <= number <= plan.high:
                return values, (f"the answer to '{plan.item_ids[position]}' is not a whole "
                                f"number from {plan.low} to {plan.high}; leave the cell "
                                "empty to skip it.")
            value = int(number)
        values[position] = value
    return values, ""


def _score(plan: _CsvPlan, values: list[int]) -> tuple[list[float | None], float | None]:
    """The same scores `scoring.score` gives (same order of sums, same rounding), only faster:
    a strategy's score depends only on its few answers, so each pattern is worked out once."""
    scores: list[float | None] = []
    for (pick, positions, need), cache in zip(plan.strategies, plan.cache, strict=True):
        pattern = pick(values)
        score = cache.get(pattern, _UNKNOWN)
        if score is _UNKNOWN:
            found = [plan.points[j][v] for j, v in zip(positions, pattern, strict=True)
                     if v != SKIPPED]
            score = cache[pattern] = (round(sum(found) / len(found), 1)
                                      if found and len(found) >= need else None)
        scores.append(score)
    scored = [s for s in scores if s is not None]
    overall = round(sum(scored) / len(scored), 1) if scored else None
    return scores, overall


def _result_answers(raw: dict, layout: Layout) -> tuple[list[int] | None, str]:
    if layout.available:
        low, high = layout.scale
        known = set(layout.items)
        for key, value in raw.items():
            if key not in known:
                return None, ("it answers a statement that the checklist it names does not "
                              "have; it may have been edited by hand.")
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                      or not low <= value <= high):
                return None, f"an answer is not a whole number from {low} to {high}."
        values = [raw.get(item) for item in layout.items]
    else:
        values = list(raw.values())
        for value in values:
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                      or not 0 <= value <= 9):
                return None, "an answer is not a whole number on the checklist's scale."
    return [SKIPPED if value is None else value for value in values], ""


def _remember(bucket: Bucket, area: Any) -> None:
    if not isinstance(area, dict) or not isinstance(area.get("strategy"), str):
        return
    actions = []
    for action in area.get("actions") or ():
        if isinstance(action, dict) and isinstance(action.get("id"), str) and isinstance(
                action.get("text"), str):
            actions.append(Action(action["id"], action["text"]))
    bucket.remember_actions(area["strategy"], tuple(actions))


def _is_points(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 100


def _text(value: Any, fallback: str) -> str:
    return value if isinstance(value, str) and value else fallback


def _clean(text: str) -> str:
    from trustcheck.text import one_line

    return one_line(text)[:60]


def _closest(name: str, known: set[str]) -> str:
    import difflib

    hint = difflib.get_close_matches(name, sorted(known), n=1)
    return f" Did you mean '{hint[0]}'?" if hint else ""


def _and(names: Sequence[str]) -> str:
    return join_and([f"'{_clean(n)}'" for n in names])


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
                raise InputError(f"The folder {path} holds no .json, .jsonl or .csv files; "
                                 "please name the folder that holds the results or responses.")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise InputError(f"There is no file or folder at {path}; please check the path.")
    read: set[Path] = set()
    for path in files:
        if path is not None:
            real = path.resolve()
            if real in read:
                continue  # named twice (or a file and its folder): read it once
            read.add(real)
        collector.files += 1
        if path is None:
            if stdin is None:
                raise InputError("Standard input is not available here; please name a file.")
            _read_stream(_text_stream(stdin), STDIN, collector, kind=None)
            continue
        try:
            handle = path.open("r", encoding="utf-8-sig", newline="")
        except PermissionError:
            raise InputError(f"trustcheck may not read {path}; please check its "
                             "permissions.") from None
        except OSError as exc:
            raise InputError(f"trustcheck could not read {path} ({exc.strerror}); please check "
                             "the file.") from None
        with handle:
            _read_stream(handle, str(path), collector, kind=_kind(path))
    return collector.collected()


def collect_history(texts: Iterator[str], scope: Scope, library: Library) -> Collected:
    """Results from the history (already filtered by cohort and role), oldest first."""
    collector = Collector(library, scope)
    for number, text in enumerate(texts, start=1):
        where = f"saved assessment number {number} (oldest first): "
        try:
            data = json.loads(text)
        except ValueError:
            collector.bad(HISTORY, None, where + "it is damaged and cannot be read.")
            continue
        collector.result(data, HISTORY, None, where)
    return collector.collected()


def _kind(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".json":
        return "json"
    return None  # look at the first character


def _text_stream(stream: IO[bytes]) -> IO[str]:
    import io

    return io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")


def _read_stream(handle: IO[str], source: str, collector: Collector, *, kind: str | None) -> None:
    reader = _Text(handle)
    try:
        if kind is None:
            reader.skip_space()
            first = reader.peek()
            if first in ("{", "["):
                kind = "json"
            elif not first:
                collector.bad(source, None, "the file is empty.", 0)
                return
            else:
                kind = "csv"
        if kind == "csv":
            reader.skip_space()  # blank lines before the header
            collector.csv_rows(_Rest(reader), source, reader.line)
        elif kind == "jsonl":
            _jsonl(reader, source, collector)
        else:
            _json(reader, source, collector)
    except UnicodeDecodeError:
        collector.bad(source, reader.line, "the file is not UTF-8 text from about this line on; "
                                           "save it as UTF-8 and try again. The rest of it was "
                                           "left out.")


class _Text:
    """Text read in large chunks, with the line number of the reading position."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle
        self.buffer = ""
        self.pos = 0
        self.line = 1
        self.eof = False

    def more(self) -> bool:
        if self.eof:
            return False
        chunk = self.handle.read(CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.buffer = self.buffer[self.pos:] + chunk
        self.pos = 0
        return True

    def advance(self, to: int) -> None:
        self.line += self.buffer.count("\n", self.pos, to)
        self.pos = to

    def skip_space(self) -> None:
        while True:
            self.advance(_SPACE.match(self.buffer, self.pos).end())
            if self.pos < len(self.buffer) or not self.more():
                return

    def peek(self) -> str:
        if self.pos >= len(self.buffer) and not self.more():
            return ""
        return self.buffer[self.pos]

    def next_line(self) -> None:
        """Skip past the end of the current line."""
        while True:
            end = self.buffer.find("\n", self.pos)
            if end >= 0:
                self.advance(end + 1)
                return
            self.pos = len(self.buffer)
            if not self.more():
                return

    def lines(self) -> Iterator[str]:
        """The rest of the text, line by line (newlines kept)."""
        while True:
            end = self.buffer.find("\n", self.pos)
            if end < 0:
                if self.more():
                    continue
                rest = self.buffer[self.pos:]
                self.pos = len(self.buffer)
                if rest:
                    yield rest
                return
            text = self.buffer[self.pos:end + 1]
            self.pos = end + 1
            self.line += 1
            yield text


class _Rest:
    """The rest of a _Text as a file-like object for the csv module (readline and iteration)."""

    def __init__(self, text: _Text) -> None:
        self._lines = text.lines()

    def readline(self) -> str:
        return next(self._lines, "")

    def __iter__(self) -> Iterator[str]:
        return self._lines


_DECODER = json.JSONDecoder()


def _value(reader: _Text) -> tuple[int, Any, str | None]:
    """The next JSON value: (its line, the value, None) or (line, None, what is wrong)."""
    while True:
        try:
            value, end = _DECODER.raw_decode(reader.buffer, reader.pos)
        except json.JSONDecodeError as exc:
            if len(reader.buffer) - reader.pos > MAX_VALUE or not reader.more():
                return reader.line, None, exc.msg
            continue
        except RecursionError:
            return reader.line, None, "it is nested too deeply"
        line = reader.line
        reader.advance(end)
        return line, value, None


def _json(reader: _Text, source: str, collector: Collector) -> None:
    """A JSON file: one result object, a list of them, or objects one after another."""
    reader.skip_space()
    if reader.peek() == "[":
        reader.advance(reader.pos + 1)
        reader.skip_space()
        if reader.peek() == "]":
            return
        while True:
            line, value, error = _value(reader)
            if error:
                collector.bad(source, line, f"this is not valid JSON ({error}); the rest of the "
                                            "file was left out.")
                return
            collector.result(value, source, line)
            reader.skip_space()
            following = reader.peek()
            if following == ",":
                reader.advance(reader.pos + 1)
                reader.skip_space()
                continue
            if following != "]":
                collector.bad(source, reader.line, "this is not valid JSON (a ',' or ']' is "
                                                   "missing); the rest of the file was left out.")
            return
    while True:
        reader.skip_space()
        if not reader.peek():
            return
        line, value, error = _value(reader)
        if error:
            collector.bad(source, line, f"this is not valid JSON ({error}); it was left out.")
            reader.next_line()
            continue
        collector.result(value, source, line)


def _jsonl(reader: _Text, source: str, collector: Collector) -> None:
    """JSON Lines: one result object per line; a broken line is left out, the rest is read."""
    number = 0
    for text in reader.lines():
        number += 1
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            collector.bad(source, number, f"this line is not valid JSON ({exc.msg}); it was "
                                          "left out.")
            continue
        except (ValueError, RecursionError):
            collector.bad(source, number, "this line is not valid JSON; it was left out.")
            continue
        collector.result(value, source, number)
