"""`trustcheck history export`: your check-ins to keep, move or share, streamed."""

import sys
from collections.abc import Iterable, Iterator, Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from trustcheck.cli.app import say, session
from trustcheck.cli.common import filters, narrowed, open_history, plural
from trustcheck.cli.options import (
    CohortOption,
    ForceOption,
    OutputOption,
    PartnerOption,
    RoleOption,
    SinceOption,
    UntilOption,
)
from trustcheck.cli.output import chunks
from trustcheck.errors import NO_ASSESSMENTS_YET, InputError, StorageError
from trustcheck.listings import CheckIns

if TYPE_CHECKING:

    from trustcheck.assessment import Assessment
    from trustcheck.records import Filters, ScoreRow
    from trustcheck.store import Rescued, Store


class ExportFormat(str, Enum):
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


def export(
    ctx: typer.Context,
    role: RoleOption = None,
    partner: PartnerOption = None,
    cohort: CohortOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    format: Annotated[ExportFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="json: a list of full check-ins; jsonl: one full check-in per line; csv: one row per "
             "check-in with a column per strategy score, safe to open in a spreadsheet.")
    ] = ExportFormat.json,
    output: OutputOption = None,
    force: ForceOption = False,
    assessment_id: Annotated[Optional[str], typer.Option(
        "--id", metavar="ID",
        help="Export just this check-in: its id (the first few characters are enough) or "
             "'last'.")] = None,
    scores_only: Annotated[bool, typer.Option(
        "--scores-only",
        help="Leave out item answers, partner and cohort names and commitments: scores to "
             "share with your mentoring partner for `trustcheck compare`.")] = False,
) -> None:
    """Export your check-ins, oldest first, to keep or to move to another computer.

    JSON and JSON Lines exports can be read back with `trustcheck history import`.
    """
    from trustcheck import files

    target = None if output in (None, "-") else Path(output).expanduser()
    exists = None
    if target is not None:
        exists = f"{target} already exists; add --force to replace it, or choose another name."
        files.check_target(target, force=force, exists=exists)
    if assessment_id is not None and narrowed(role, partner, cohort, since, until):
        raise InputError("--id picks one check-in; leave out --role, --partner, --cohort, "
                         "--since and --until, or leave out --id.")
    scope = filters(role.value if role else None, partner, cohort, since, until)
    from trustcheck.store import Store, damaged

    places = session(ctx).places
    rescued: Rescued | None = None
    try:
        store = open_history(places)
    except StorageError as exc:
        if assessment_id is not None or not damaged(exc):
            raise
        # Too damaged to open: read what can still be read from a mended copy in memory.
        with Store.open_copy_to_rescue(places.database) as mended:
            rescued = mended.rescue(scope)
        store = None
    if store is None and rescued is None and assessment_id is not None:
        raise InputError(NO_ASSESSMENTS_YET)
    counted = [0]  # assessments written, counted as they stream past
    started = [False]  # whether anything reached standard output

    def deliver(pieces: Iterable[str]) -> None:
        if target is None:
            for chunk in pieces:
                started[0] = True
                sys.stdout.write(chunk)
            sys.stdout.flush()
        else:
            files.write_private(target, pieces, force=force, what="the export", exists=exists)

    if rescued is not None:
        deliver(_rescued_chunks(rescued, format, scores_only, counted))
    elif store is None:
        deliver(_export_chunks(None, scope, format, assessment_id, scores_only, counted))
    else:
        with store:
            from trustcheck.usecases import partners

            scope = partners.within(store, scope)
            try:
                # One snapshot from the first row to the last, streamed straight to the output:
                # a history can be far larger than memory should hold.
                with store.snapshot():
                    deliver(_export_chunks(store, scope, format, assessment_id, scores_only,
                                           counted))
            except StorageError as exc:
                # Damage met on the way: a file is written all at once, so nothing of it is
                # out yet and the readable rows can be exported instead; on standard output,
                # only if nothing was printed yet.
                if assessment_id is not None or not damaged(exc) or started[0]:
                    raise
                counted[0] = 0
                rescued = store.rescue(scope)
                deliver(_rescued_chunks(rescued, format, scores_only, counted))
    if target is not None:
        say(f"Exported {plural(counted[0], 'check-in')} to {target}.")
    if rescued is not None and (rescued.left_out or not rescued.exact):
        left_out = rescued.left_out
        how_many = (plural(left_out, "check-in") if rescued.exact else
                    f"at least {plural(left_out, 'check-in')}" if left_out else
                    "an unknown number of check-ins")
        verb = "is" if rescued.exact and left_out == 1 else "are"
        say(f"Your history is damaged: {how_many} could not be read and {verb} not in the "
            "export; keep this export safe, then restore a backup or start a new history (see "
            "`trustcheck paths`).")
    elif not counted[0]:
        filtered = narrowed(role, partner, cohort, since, until)
        say("No check-ins match those filters, so the export is empty." if filtered else
            "There are no saved check-ins yet, so the export is empty.")


def _rescued_chunks(rescued: "Rescued", format: ExportFormat, scores_only: bool,
                    counted: list[int]) -> Iterator[str]:
    """The export of what could be read from a damaged history (held in memory: it is small
    enough to have been read whole)."""
    found = _scores_only(rescued.assessments) if scores_only else rescued.assessments
    counted[0] = len(found)
    yield from chunks(CheckIns(found), format)


def _export_chunks(store: "Store | None", scope: "Filters", format: ExportFormat,
                   assessment_id: str | None, scores_only: bool,
                   counted: list[int]) -> Iterator[str]:
    """The export's text, chunk by chunk; counted[0] becomes the number of assessments."""
    from trustcheck import assessment, compare

    if assessment_id is not None:  # one assessment (the caller made sure there is a history)
        assert store is not None
        found = [store.check_in(assessment_id)]
        counted[0] = 1
        if scores_only:
            found = _scores_only(found)
        yield from chunks(CheckIns(found), format)
        return

    def each(items: Iterable[Any]) -> Iterator[Any]:
        for item in items:
            counted[0] += 1
            yield item

    # The whole history is streamed from the store in the form each format needs (score rows
    # for CSV, saved texts for JSON Lines), so the format decides what is read, not only how
    # it is printed: these branches stay here rather than in the output table.
    if format is ExportFormat.csv:
        from trustcheck.render.csv import score_rows

        rows: Iterable[ScoreRow] = () if store is None else store.each_score_row(scope)
        if scores_only:  # a score row holds no answers or commitments: only names to drop
            rows = (row._replace(partner=None, cohort=None) for row in rows)
        yield from score_rows([] if store is None else store.strategy_ids(scope), each(rows))
        return
    objects: Iterable[dict[str, Any]] = () if store is None else store.result_objects(scope)
    if scores_only:  # read back whole, so the shape is exactly that of any other result
        objects = (assessment.to_dict(assessment.from_dict(compare.scores_only(data)))
                   for data in objects)
    if format is ExportFormat.jsonl and not scores_only:
        from trustcheck.render.json import result_texts_as_lines

        texts = () if store is None else (text for _, text in store.current_result_texts(scope))
        yield from result_texts_as_lines(each(texts))
    elif format is ExportFormat.jsonl:
        from trustcheck.render.json import result_objects_as_lines

        yield from result_objects_as_lines(each(objects))
    else:
        from trustcheck.render.json import result_objects_as_list

        yield from result_objects_as_list(each(objects))


def _scores_only(found: "Sequence[Assessment]") -> "list[Assessment]":
    """The results without answers, names or commitments (see trustcheck.compare.scores_only)."""
    from trustcheck import assessment
    from trustcheck.compare import scores_only

    return [assessment.from_dict(scores_only(assessment.to_dict(a))) for a in found]
