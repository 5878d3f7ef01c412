"""Result files: one streaming reader for every shape trustcheck accepts, and one validator."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator, Sequence
from operator import itemgetter
from pathlib import Path
from typing import IO, Any, NamedTuple

from trustcheck import assessment, scoring
from trustcheck.assessment import ID_PATTERN, READABLE_SCHEMAS
from trustcheck.checklist import (
    PARTNER_PREFIX,
    ROLES,
    Checklist,
    find_by_id,
    is_id,
    scan,
    with_earlier,
)
from trustcheck.errors import InputError
from trustcheck.scoring import NOT_CAME_UP, enough, item_points, mostly_not_came_up, needed
from trustcheck.text import quoted_name

STDIN = "standard input"
CHUNK = 1 << 20
MAX_VALUE = 16 << 20  # a single JSON value this large is not a result: stop looking for its end
SKIPPED = -1  # an answer left out (the same marker cohort.Bucket uses)
# A statement that "didn't come up", in a list of answers; cohort.Bucket never sees it (rows
# are handed to it with SKIPPED in its place), since it is no answer to count or correlate.
DIDNT_COME_UP = -2
SCORES_ONLY = "scores-only"
UNKNOWN_CHECKLIST = "checklist not here"
# What a report says of a file that is none of the kinds it reads.
NOT_A_SOURCE = ("this is none of the kinds of file a report reads: check-in files (JSON from "
                "`assess --format json` or `history export`), answers files (YAML or JSON, as "
                "`trustcheck template` writes them), CSV files with the header of `trustcheck "
                "template --format csv`, or Google Forms and Microsoft Forms exports (CSV or "
                ".xlsx).")
_SPACE = re.compile(r"[ \t\r\n]*")
_SCHEMA_NAME = re.compile(r"^trustcheck/[a-z0-9._-]{1,20}/v[0-9]{1,4}$")  # safe to repeat
_UNKNOWN: Any = object()


# --- checklists on this computer ----------------------------------------------------------

class Library:
    """The checklists on this computer, read only when needed, found by id and fingerprint."""

    def __init__(self, folders: list[tuple[Path, bool]],
                 extra: Sequence[Checklist] = ()) -> None:
        self._folders = folders
        self._extra = list(extra)
        self._all: list[Checklist] | None = None
        self._by_print: dict[tuple[str, str], Checklist | None] = {}
        self._scorers: dict[str, Scorer] = {}

    def checklists(self) -> list[Checklist]:
        """Every checklist with a role, the user's own first, then the earlier versions kept
        (broken files are passed over)."""
        if self._all is None:
            found = list(self._extra)
            found += [listing.checklist for listing in scan(with_earlier(self._folders))
                      if listing.checklist is not None and listing.checklist.role is not None]
            self._all = found
        return self._all

    def by_fingerprint(self, checklist_id: str, sha256: str) -> Checklist | None:
        key = (checklist_id, sha256)
        if key not in self._by_print:
            found = next((c for c in self._extra if c.sha256 == sha256), None)
            if found is None and self._all is None:
                try:  # usually the file is named after the id: try it before reading them all
                    candidate = find_by_id(checklist_id, self._folders)
                except InputError:
                    candidate = None
                if candidate is not None and candidate.sha256 == sha256:
                    found = candidate
            if found is None:
                found = next((c for c in self.checklists() if c.sha256 == sha256), None)
            self._by_print[key] = found
        return self._by_print[key]

    def scorer(self, used: Checklist) -> Scorer:
        """The fast scorer of a checklist, made once (its cache serves every response)."""
        scorer = self._scorers.get(used.sha256)
        if scorer is None:
            scorer = self._scorers[used.sha256] = Scorer(used)
        return scorer


# --- scores from answers, fast ----------------------------------------------------------------

class Scorer:
    """The scores `scoring.score` gives (same order of sums, same rounding), only faster:
    a strategy's score depends only on its few answers, so each pattern is worked out once."""

    def __init__(self, used: Checklist) -> None:
        scale = used.scale
        self.low, self.high = scale.low, scale.high
        self.item_ids = [item.id for item in used.items]
        self.conditional = [item.conditional for item in used.items]
        self.points = []
        for item in used.items:
            table = [0.0] * (scale.high + 1)
            for v in scale.points:
                table[v] = item_points(v, scale, item.reverse)
            self.points.append(table)
        index = {item.id: i for i, item in enumerate(used.items)}
        self.strategies = []
        for strategy in used.strategies:
            positions = [index[item.id] for item in strategy.items]
            self.strategies.append((picker(positions), positions, len(positions)))
        self.cache: list[dict[tuple[int, ...], float | None]] = [{} for _ in self.strategies]

    def enough(self, values: list[int]) -> tuple[int, int]:
        """How many statements are answered, and how many need to be: half of those that came
        up (the rule of `answers.check_enough`)."""
        not_came_up = values.count(DIDNT_COME_UP)
        answered = len(values) - values.count(SKIPPED) - not_came_up
        return answered, needed(len(values) - not_came_up)

    def score(self, values: list[int]) -> tuple[list[float | None], float | None]:
        """Per strategy score and the overall index, for answers in checklist order."""
        scores: list[float | None] = []
        points = self.points
        for (pick, positions, total), cache in zip(self.strategies, self.cache, strict=True):
            pattern = pick(values)
            score = cache.get(pattern, _UNKNOWN)
            if score is _UNKNOWN:
                found = [points[j][v] for j, v in zip(positions, pattern, strict=True)
                         if v >= 0]
                not_came_up = pattern.count(DIDNT_COME_UP)
                score = cache[pattern] = (
                    round(sum(found) / len(found), 1)
                    if not mostly_not_came_up(not_came_up, total)
                    and enough(len(found), not_came_up, total) else None)
            scores.append(score)
        scored = [s for s in scores if s is not None]
        overall = round(sum(scored) / len(scored), 1) if scored else None
        return scores, overall


def picker(positions: list[int]) -> Any:
    """A function giving the entries at these positions as a tuple (itemgetter, always a tuple)."""
    if len(positions) == 1:
        only = positions[0]
        return lambda row: (row[only],)
    return itemgetter(*positions)


# --- the one validator ------------------------------------------------------------------------

class Verdict(NamedTuple):
    """What the validator decided about one result object.

    `problem` is why it is invalid (one plain phrase), or None. A valid result is either scored
    again from its answers (`stated` None) or taken on its stated scores, and `stated` says why:
    SCORES_ONLY (it has no answers) or UNKNOWN_CHECKLIST (its checklist is not here).
    """

    problem: str | None = None
    stated: str | None = None
    checklist: Checklist | None = None
    # its answers in checklist order (SKIPPED: none, DIDNT_COME_UP: didn't come up)
    values: list[int] | None = None


def validate(data: Any, library: Library) -> Verdict:
    """Decide whether a result object is valid: the one rule `history import`, `compare` and
    `report` all apply (schema, fields, ids, dates, the checklist it names, its answers, and its
    stated scores against the scores its answers give)."""
    problem = _shape(data)
    if problem:
        return Verdict(problem)
    named = data["checklist"]
    used = library.by_fingerprint(named["id"], named["sha256"])
    role = data["role"]
    if used is not None and used.role != role:
        if used.role in ROLES:
            return Verdict(f"it says role {role}, but the checklist it names is for "
                           f"{used.role}s.")
        used = None
    given = {entry["id"]: entry.get("score") for entry in data["strategies"]}
    if used is not None and (len(given) != len(used.strategies)
                             or any(s.id not in given for s in used.strategies)):
        return Verdict("its strategies do not match the checklist it names; it may have been "
                       "edited by hand.")
    raw = data.get("answers") or {}
    values, problem = _answers(raw, used)
    if problem:
        return Verdict(problem)
    problem = _deep(data)
    if problem:
        return Verdict(problem)
    if not raw:
        return Verdict(stated=SCORES_ONLY, checklist=used)
    if used is None:
        return Verdict(stated=UNKNOWN_CHECKLIST, values=values)
    assert values is not None
    scores, overall = library.scorer(used).score(values)
    for strategy, score in zip(used.strategies, scores, strict=True):
        if not _same(given[strategy.id], score):
            return Verdict(f"the score it states for the strategy '{quoted_name(strategy.id)}' "
                           "is not what its answers give; it may have been edited by hand.")
    if not _same(data.get("overall"), overall):
        return Verdict("the overall index it states is not what its answers give; it may "
                       "have been edited by hand.")
    if not _same_partner_view(data.get("partner_view"), scoring.score_partner(used, raw)):
        return Verdict("the view of the partner it states is not what its answers give; it "
                       "may have been edited by hand.")
    return Verdict(checklist=used, values=values)


def _same_partner_view(stated: Any, computed: scoring.PartnerScores | None) -> bool:
    """Whether a result's stated partner view is what its answers give (scored again)."""
    if computed is None or stated is None:
        return computed is None and stated is None
    felt = stated.get("felt_trust")
    if (computed.felt_trust is None) != (felt is None) or (
            felt is not None and computed.felt_trust is not None
            and not _same(felt.get("score"), computed.felt_trust.score)):
        return False
    given = {entry["id"]: entry.get("score") for entry in stated["strategies"]}
    return (len(given) == len(computed.strategies)
            and all(s.id in given and _same(given[s.id], s.score)
                    for s in computed.strategies))


def _shape(data: Any) -> str | None:
    if not isinstance(data, dict):
        return "this is not a trustcheck check-in."
    schema = data.get("schema")
    if schema not in READABLE_SCHEMAS:
        if schema is None:
            return ("this is not a trustcheck check-in (it has no 'schema'); answers files go "
                    "through `trustcheck assess --answers` first.")
        if isinstance(schema, str) and _SCHEMA_NAME.match(schema):
            return (f"this has the schema '{schema}', which is not a check-in this "
                    "trustcheck can read; update trustcheck or leave the file out.")
        return ("this has a schema that is not a trustcheck check-in; update trustcheck or "
                "leave the file out.")
    role = data.get("role")
    if role not in ROLES:
        return "its role should be mentor or mentee."
    result_id = data.get("id")
    if not isinstance(result_id, str) or not result_id:
        return "it has no 'id'."
    if not ID_PATTERN.match(result_id):
        return ("its id is not a trustcheck id (letters, digits, - and _, at most 64); it may "
                "have been edited by hand.")
    named = data.get("checklist")
    if not isinstance(named, dict):
        return "it does not say which checklist was answered."
    checklist_id, version, sha = named.get("id"), named.get("version"), named.get("sha256")
    if (not isinstance(checklist_id, str) or not isinstance(sha, str)
            or not isinstance(version, (str, int)) or isinstance(version, bool)):
        return "it does not say which checklist was answered (id, version and sha256)."
    if not is_id(checklist_id):
        return ("the checklist it names has an id that is not a checklist id; it may have "
                "been edited by hand.")
    strategies = data.get("strategies")
    if not isinstance(strategies, list) or not strategies:
        return "it has no strategy scores."
    seen = set()
    for entry in strategies:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            return "one of its strategies has no id."
        if not _is_points(entry.get("score"), allow_none=True):
            return "a strategy score is not a number from 0 to 100."
        if entry["id"] in seen:
            return "it has the same strategy twice."
        seen.add(entry["id"])
    if not _is_points(data.get("overall"), allow_none=True):
        return "its overall index is not a number from 0 to 100."
    problem = _partner_view_shape(data.get("partner_view"))
    if problem:
        return problem
    cohort = data.get("cohort")
    if cohort is not None and not isinstance(cohort, str):
        return "its cohort should be text."
    raw = data.get("answers")
    if raw is not None and not isinstance(raw, dict):
        return "its answers should be a set of 'item id: value' pairs."
    return None


def _partner_view_shape(part: Any) -> str | None:
    if part is None:
        return None
    felt = part.get("felt_trust") if isinstance(part, dict) else None
    listed = part.get("strategies") if isinstance(part, dict) else None
    if not isinstance(listed, list) or (felt is not None and not isinstance(felt, dict)) \
            or not all(isinstance(entry, dict) and isinstance(entry.get("id"), str)
                       for entry in listed):
        return ("its view of the partner is not a felt trust and a list of strategies; it may "
                "have been edited by hand.")
    if not all(_is_points(entry.get("score"), allow_none=True)
               for entry in [*listed, *([felt] if felt else [])]):
        return "a partner view score is not a number from 0 to 100."
    if len({entry["id"] for entry in listed}) != len(listed):
        return "its view of the partner has the same strategy twice."
    return None


def _answers(raw: dict, used: Checklist | None) -> tuple[list[int] | None, str]:
    if used is not None:
        low, high = used.scale.low, used.scale.high
        conditional = {item.id: item.conditional
                       for item in used.items + used.partner_items}
        for key, value in raw.items():
            if key not in conditional:
                return None, ("it answers a statement that the checklist it names does not "
                              "have; it may have been edited by hand.")
            if value == NOT_CAME_UP:
                # trustcheck offers it only where the event may not have happened.
                if not conditional[key]:
                    return None, ("it says a statement didn't come up that is not about an "
                                  "event that may not happen; it may have been edited by hand.")
                continue
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                      or not low <= value <= high):
                return None, f"an answer is not a whole number from {low} to {high}."
        found = [raw.get(item.id) for item in used.items]
    else:
        # The partner view's answers (ids starting `partner.`) are not part of the self scores.
        found = [value for key, value in raw.items()
                 if not str(key).startswith(PARTNER_PREFIX)]
        for value in found:
            if value is not None and value != NOT_CAME_UP and (
                    not isinstance(value, int) or isinstance(value, bool)
                    or not 0 <= value <= 9):
                return None, "an answer is not a whole number on the checklist's scale."
    return [mark(value) for value in found], ""


def mark(value: Any) -> int:
    """One stored answer as a number in a list of answers."""
    if value is None:
        return SKIPPED
    if value == NOT_CAME_UP:
        return DIDNT_COME_UP
    return int(value)


def _deep(data: dict) -> str | None:
    """Every other field, as the history needs it: dates, labels, focus, commitments."""
    if _has_lone_surrogate(data):
        return ("some of its text is not valid Unicode (a lone surrogate); it may have been "
                "edited by hand.")
    try:
        wrong = assessment.checked(data)[1]
    except InputError as exc:
        details = "; ".join(p.message for p in exc.problems)
        return exc.message.replace("The input", "it").rstrip(".") + (
            f" ({details})." if details else ".")
    if wrong:
        return "it has " + "; ".join(wrong) + "."
    return None


def _has_lone_surrogate(data: Any) -> bool:
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def _same(stated: Any, computed: float | None) -> bool:
    if stated is None or computed is None:
        return stated is None and computed is None
    difference: float = abs(stated - computed)
    return difference <= 0.05 + 1e-9  # stated scores are rounded to one decimal


def _is_points(value: Any, *, allow_none: bool = False) -> bool:
    if value is None:
        return allow_none
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and 0 <= value <= 100)  # NaN fails both comparisons


# --- the streaming reader ---------------------------------------------------------------------

class Found(NamedTuple):
    """One value read from a result file, where it was, or what kept it from being read."""

    source: str
    line: int | None
    value: Any = None
    problem: str | None = None  # the value could not be read (a plain phrase)
    record: int | None = None  # its place in a JSON list, counting from 1


class Text:
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
            self.advance(_SPACE.match(self.buffer, self.pos).end())  # type: ignore[union-attr]
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


class Rest:
    """The rest of a Text as a file-like object for the csv module (readline and iteration)."""

    def __init__(self, text: Text) -> None:
        self._lines = text.lines()

    def readline(self) -> str:
        return next(self._lines, "")

    def __iter__(self) -> Iterator[str]:
        return self._lines


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number trustcheck accepts")


_DECODER = json.JSONDecoder(parse_constant=_no_constant)


def _loads(text: str) -> Any:
    return _DECODER.decode(text)


def _value(reader: Text) -> tuple[int, Any, str | None]:
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
        except ValueError as exc:  # NaN or Infinity, or an integer of thousands of digits
            return reader.line, None, _number_problem(exc)
        line = reader.line
        reader.advance(end)
        return line, value, None


def _number_problem(exc: ValueError) -> str:
    if "is not a number" in str(exc):
        return str(exc)
    return "a number in it has too many digits"


def values(reader: Text, source: str, kind: str) -> Iterator[Found]:
    """The values of a JSON ("json") or JSON Lines ("jsonl") file, one at a time."""
    try:
        if kind == "jsonl":
            yield from _jsonl(reader, source)
        else:
            yield from _json(reader, source)
    except UnicodeDecodeError:
        yield Found(source, reader.line, problem="the file is not UTF-8 text from about this "
                    "line on; save it as UTF-8 and try again. The rest of it was left out.")


def _json(reader: Text, source: str) -> Iterator[Found]:
    """A JSON file: one result object, a list of them, `{"results": [...]}`, or objects one
    after another."""
    reader.skip_space()
    if reader.peek() == "[":
        reader.advance(reader.pos + 1)
        reader.skip_space()
        if reader.peek() == "]":
            return
        record = 0
        while True:
            line, value, error = _value(reader)
            record += 1
            if error:
                yield Found(source, line, problem=f"this is not valid JSON ({error}); the rest "
                            "of the file was left out.", record=record)
                return
            yield Found(source, line, value, record=record)
            reader.skip_space()
            following = reader.peek()
            if following == ",":
                reader.advance(reader.pos + 1)
                reader.skip_space()
                continue
            if following != "]":
                yield Found(source, reader.line, problem="this is not valid JSON (a ',' or ']' "
                            "is missing); the rest of the file was left out.")
            return
    while True:
        reader.skip_space()
        if not reader.peek():
            return
        line, value, error = _value(reader)
        if error:
            yield Found(source, line, problem=f"this is not valid JSON ({error}); it was left "
                        "out.")
            reader.next_line()
            continue
        if (isinstance(value, dict) and "schema" not in value
                and isinstance(value.get("results"), list)):
            for record, inner in enumerate(value["results"], start=1):
                yield Found(source, line, inner, record=record)
            continue
        yield Found(source, line, value)


def _jsonl(reader: Text, source: str) -> Iterator[Found]:
    """JSON Lines: one result object per line; a broken line is left out, the rest is read."""
    number = 0
    for text in reader.lines():
        number += 1
        if not text.strip():
            continue
        try:
            value = _loads(text)
        except json.JSONDecodeError as exc:
            yield Found(source, number, problem=f"this line is not valid JSON ({exc.msg}); it "
                        "was left out.")
            continue
        except RecursionError:
            yield Found(source, number, problem="this line is not valid JSON (it is nested too "
                        "deeply); it was left out.")
            continue
        except ValueError as exc:
            yield Found(source, number, problem=f"this line is not valid JSON "
                        f"({_number_problem(exc)}); it was left out.")
            continue
        yield Found(source, number, value)


def kind_of(path: Path) -> str | None:
    """What a file's name says it holds: "csv", "jsonl", "json", "yaml", "xlsx", or None.

    Only a hint: a report decides by what a file holds (`sources.sniff`), and uses the name only
    to read JSON Lines line by line and to explain an .xlsx file that is not a workbook."""
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix == ".xlsx":
        return "xlsx"
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".json":
        return "json"
    return None


def text_stream(stream: IO[bytes]) -> IO[str]:
    return io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")


def read_results(source: str, *, stdin: IO[bytes] | None = None) -> Iterator[Found]:
    """Every value in one result file ('-': standard input), streamed, each with its place.

    A file that cannot be opened, or is not JSON at all, gives one Found with its problem.
    """
    if source == "-":
        if stdin is None:
            yield Found(STDIN, None, problem="standard input is not available here; please "
                        "name a file.")
            return
        yield from _results(text_stream(stdin), STDIN, None)
        return
    path = Path(source).expanduser()
    name = str(path)
    try:
        handle = path.open("r", encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        yield Found(name, None, problem="there is no such file; please check the path.")
        return
    except IsADirectoryError:
        yield Found(name, None, problem="this is a folder; please name the check-in file.")
        return
    except PermissionError:
        yield Found(name, None, problem="trustcheck may not read this file; please check its "
                    "permissions.")
        return
    except OSError as exc:
        yield Found(name, None, problem=f"trustcheck could not read this file ({exc.strerror}); "
                    "please check it.")
        return
    with handle:
        yield from _results(handle, name, kind_of(path))


def _results(handle: IO[str], source: str, kind: str | None) -> Iterator[Found]:
    reader = Text(handle)
    if kind != "jsonl":
        try:
            reader.skip_space()
            first = reader.peek()
        except UnicodeDecodeError:
            yield Found(source, reader.line, problem="the file is not UTF-8 text; save it as "
                        "UTF-8 and try again.")
            return
        if first and first not in "{[":
            yield Found(source, reader.line, problem="this is not valid JSON: a check-in file "
                        "starts with '{' or '['; is it a trustcheck export?")
            return
        kind = "json"
    yield from values(reader, source, kind)
