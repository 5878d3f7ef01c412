"""The one output path: a command's record, printed in the format the person asked for.

It lives in the CLI, not in render/, because choosing where output goes (the terminal, a file)
is the CLI's job; render/ only turns a record into text. Every renderer is named here as a
string and imported only when used: Rich alone costs ~50 ms, which `assess --format json` and
`history -n 20` must not pay.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from enum import Enum
from importlib import import_module
from typing import IO, Any, NamedTuple


class Way(NamedTuple):
    """How one record type is shown in one format.

    how: "data" - `where` gives the record's JSON form (defined next to the record), which
             render.json serialises; "rich" - `where(console, value)` prints with Rich;
             "stream" - `where(value, stream)` writes; "text" - `where(value)` returns the text;
             "lines" - `where(value)` yields it piece by piece.
    part: the field of the record the renderer takes, when it takes one part of it.
    for_files: a "text" renderer for a file, where the terminal's width and colour do not apply.
    """

    how: str
    where: str
    part: str | None = None
    for_files: str | None = None


_JSON_RESULT = Way("data", "trustcheck.assessment:to_dict")

# For each record type (module.Name), per format: the one renderer. Each command offers the
# formats its record has here (its --format choices).
RENDERERS: dict[str, dict[str, Way]] = {
    "trustcheck.assessment.Assessment": {  # `history show`
        "text": Way("rich", "trustcheck.render.text:check_in"),
        "json": _JSON_RESULT,
        "html": Way("text", "trustcheck.render.pages:check_in_page"),  # `--format html`
    },
    "trustcheck.usecases.checkin.Scored": {  # `assess`: result and change since last time
        "text": Way("rich", "trustcheck.render.text:scored"),
        "json": Way("data", "trustcheck.usecases.checkin:to_dict"),
    },
    "trustcheck.usecases.checkin.InFull": {  # `assess --details`: the same JSON as `assess`
        "text": Way("rich", "trustcheck.render.text:scored_in_full"),
        "json": Way("data", "trustcheck.usecases.checkin:to_dict", part="scored"),
    },
    "trustcheck.listings.CheckIns": {  # `history`, and `history export --id`
        "text": Way("stream", "trustcheck.render.listing:history", part="check_ins"),
        "json": Way("data", "trustcheck.listings:check_ins_to_dict"),
        "jsonl": Way("lines", "trustcheck.render.json:result_lines", part="check_ins"),
        "csv": Way("text", "trustcheck.render.csv:results", part="check_ins"),
    },
    "trustcheck.listings.CheckInLines": {  # `history` for people
        "text": Way("stream", "trustcheck.render.listing:history", part="lines"),
    },
    "trustcheck.compare.Comparison": {
        "text": Way("rich", "trustcheck.render.text:comparison"),
        "json": Way("data", "trustcheck.compare:to_dict"),
    },
    "trustcheck.compare.TwoWay": {  # `compare THEIR_FILE --partner NAME`
        "text": Way("rich", "trustcheck.render.two_way:text"),
        "json": Way("data", "trustcheck.compare:two_way_to_dict"),
    },
    "trustcheck.compare.Guide": {  # `compare THEIR_FILE --partner NAME --format markdown|html`
        "markdown": Way("text", "trustcheck.render.two_way:markdown"),
        "html": Way("text", "trustcheck.render.two_way:html_page"),
    },
    "trustcheck.listings.Trends": {
        "text": Way("stream", "trustcheck.render.listing:trends", part="trends"),
        "json": Way("data", "trustcheck.listings:trends_to_dict"),
    },
    "trustcheck.usecases.history_trends.Page": {  # `history trends --format html`
        "html": Way("text", "trustcheck.render.page:page"),
    },
    "trustcheck.plan.Plan": {  # `focus`
        "text": Way("stream", "trustcheck.render.focus:focus_plan"),
        "json": Way("data", "trustcheck.plan:plan_to_dict"),
        "html": Way("text", "trustcheck.render.pages:focus_page"),  # `focus --format html`
    },
    "builtins.NoneType": {  # `focus` with no check-in yet: JSON says null, the command says why
        "text": Way("text", "trustcheck.cli.output:nothing"),
        "json": Way("data", "trustcheck.cli.output:as_is"),
    },
    "trustcheck.listings.Commitments": {
        "text": Way("rich", "trustcheck.render.text:commitment_list", part="groups"),
        "json": Way("data", "trustcheck.listings:commitments_to_dict"),
    },
    "trustcheck.listings.Checklists": {  # `checklists list`
        "text": Way("rich", "trustcheck.render.text:checklist_listing", part="usable"),
        "json": Way("data", "trustcheck.listings:checklists_to_dict"),
    },
    "trustcheck.checklist.Checklist": {  # `checklists show`
        "text": Way("rich", "trustcheck.render.text:checklist"),
        "json": Way("data", "trustcheck.checklist:to_dict"),
    },
    "trustcheck.listings.LintReports": {
        "text": Way("text", "trustcheck.render.lint:text", part="reports"),
        "json": Way("data", "trustcheck.listings:lint_to_dict"),
    },
    "trustcheck.listings.AnswersTemplate": {
        "yaml": Way("text", "trustcheck.render.yaml:answers_template"),
        "json": Way("data", "trustcheck.listings:template_to_dict"),
        "csv": Way("text", "trustcheck.render.csv:answers_template"),
    },
    "trustcheck.forms.FormTemplate": {  # `template --format form`
        "form": Way("text", "trustcheck.render.form:form_template"),
    },
    "trustcheck.listings.Paths": {
        "text": Way("stream", "trustcheck.render.listing:paths", part="described"),
        "json": Way("data", "trustcheck.listings:paths_to_dict"),
    },
    "trustcheck.reminders.Due": {  # `due`
        "text": Way("stream", "trustcheck.render.due:text"),
        "json": Way("data", "trustcheck.reminders:to_dict"),
    },
    "trustcheck.reminders.Calendar": {  # `due --ics`
        "ics": Way("text", "trustcheck.render.ics:calendar"),
    },
    "trustcheck.usecases.cohort_report.CohortReport": {  # `report`
        "text": Way("stream", "trustcheck.render.report:text", part="document",
                    for_files="trustcheck.render.report:text_string"),
        "markdown": Way("text", "trustcheck.render.report:markdown", part="document"),
        "html": Way("text", "trustcheck.render.html:render_html", part="document"),
        "slides": Way("text", "trustcheck.render.html:render_slides", part="document"),
        "json": Way("data", "trustcheck.usecases.cohort_report:to_dict"),
    },
}


def emit(record: object, format: str, *, stream: IO[str] | None = None) -> None:
    """Print the record in the format (a --format choice) on the stream (standard output)."""
    stream = sys.stdout if stream is None else stream
    way = way_for(record, format)
    value = _value(record, way)
    if way.how == "rich":
        from trustcheck.render.text import make_console

        _function(way.where)(make_console(stream), value)
    elif way.how == "stream":
        _function(way.where)(value, stream)
    else:
        for chunk in _chunks(value, way, way.where):
            stream.write(chunk)


def chunks(record: object, format: str) -> Iterator[str]:
    """The record's text for a file, piece by piece (no terminal: no colour, a fixed width)."""
    way = way_for(record, format)
    if way.how in ("rich", "stream") and way.for_files is None:
        raise ValueError(f"{format} output of {_type_name(record)} is for a terminal only")
    yield from _chunks(_value(record, way), way, way.for_files or way.where)


def way_for(record: object, format: str) -> Way:
    """The renderer for this record and format; a missing one is a programming error."""
    name = format.value if isinstance(format, Enum) else format
    return RENDERERS[_type_name(record)][name]


def nothing(record: None) -> str:
    return ""


def as_is(record: Any) -> Any:
    return record


def _chunks(value: Any, way: Way, where: str) -> Iterator[str]:
    if way.how == "data":
        from trustcheck.render.json import dumps

        yield dumps(_function(where)(value))
    elif way.how == "lines":
        yield from _function(where)(value)
    else:
        yield _function(where)(value)


def _value(record: object, way: Way) -> Any:
    return record if way.part is None else getattr(record, way.part)


def _type_name(record: object) -> str:
    kind = type(record)
    return f"{kind.__module__}.{kind.__qualname__}"


def _function(where: str) -> Any:
    module, name = where.split(":")
    return getattr(import_module(module), name)
