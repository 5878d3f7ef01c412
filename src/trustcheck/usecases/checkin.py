"""The check-in use case: choose the checklist, review open commitments, score, compare, save.

The questions themselves are asked by the command line (they are terminal I/O), so the check-in
is split in steps around them:

    history = History(database)                    # opened at most once, created only to save
    plan = prepare(history, ...)  or  prepare_from_file(history, text, source, ...)
    given = plan.given  or  answered(plan, values, statuses)        # after the questions
    scored = score(history, plan, given, now=..., id=...)
    scored = recommit(plan, scored, chosen)        # when the person picks commitments at the end
    saved = save(history, scored.result)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from trustcheck import answers, assessment, commitments, focus
from trustcheck.answers import Answers, AnswersFile
from trustcheck.assessment import Assessment
from trustcheck.checklist import (
    Checklist,
    NotFound,
    as_version,
    choose_checklist,
    find_by_id,
    role_of,
)
from trustcheck.errors import InputError
from trustcheck.focus import Progress
from trustcheck.records import Commitment, OpenCommitment, Relationship
from trustcheck.scoring import Answer

if TYPE_CHECKING:
    from trustcheck.store import Store

Folders = Sequence[tuple[Path, bool]]  # checklist folders, the user's own first


class Plan(NamedTuple):
    """Everything decided before the answers are known (or, from a file, once they are read)."""

    checklist: Checklist
    role: str
    partner: str | None  # as the history spells it ("sam" given, "Sam" kept), else as given
    cohort: str | None
    commitments: tuple[Commitment, ...]  # chosen with --commit
    open_commitments: tuple[OpenCommitment, ...]  # earlier commitments to review now
    given: Answers | None = None  # the answers, when they came from a file
    notes: tuple[str, ...] = ()  # to tell the person before the result


class Scored(NamedTuple):
    """The check-in's result, the change since the previous one, and notes for the person."""

    result: Assessment
    change: Progress | None
    notes: tuple[str, ...] = ()
    # what the result was built from, so commitments picked at the end rebuild it the same way
    given: Answers | None = None


class InFull(NamedTuple):
    """A check-in to be shown with every detail (`assess --details`, or the `d` key at the end
    of the questionnaire); `summary` False when the summary is on the screen already."""

    scored: Scored
    summary: bool = True


class Saved(NamedTuple):
    """Where a check-in was kept."""

    id: str
    database: Path

    @property
    def short_id(self) -> str:
        return self.id[:8]


class History:
    """The history, opened at most once per check-in, and created only when something is saved.

    (A plain class, not a dataclass: making a dataclass costs milliseconds on every check-in.)
    """

    def __init__(self, database: Path) -> None:
        self.database = database
        self._store: Store | None = None
        self._looked = False

    def existing(self) -> Store | None:
        if not self._looked:
            self._looked = True
            if self.database.exists():
                # Here, not at the top: a check-in without a history (the first one, or any with
                # --no-save) never pays for sqlite3 and the store (about 12 ms to import).
                from trustcheck.store import Store

                # Only to read (open commitments, the previous check-in): a check-in with
                # --no-save must not migrate or stamp the history, and works on a full disk.
                self._store = Store.open_for_reading(self.database)
        return self._store

    def for_saving(self) -> Store:
        store = self.existing()
        if store is None or not store.writable:
            from trustcheck.store import Store

            if store is not None:
                store.close()
            # The writing open checks the file whole before anything is written into it.
            store = self._store = Store.open(self.database)
        return store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


# --- before the questions ---------------------------------------------------------------------


def prepare(history: History, *, role: str | None, partner: str | None, cohort: str | None,
            checklist: str | None, commit: Iterable[str], no_save: bool,
            folders: Folders) -> Plan:
    """The plan of a check-in whose questions are asked: checklist, commitments, reviews."""
    partner, cohort = _labels(partner, cohort)
    partner, notes = _known_spelling(history, partner)
    used = choose_checklist(checklist, role, folders)
    chosen_role = role or role_of(used)
    promised = commitments.choose(used, commit)
    # Reviews are only worth asking when they will be kept.
    still_open = () if no_save else _open_commitments(history, chosen_role, partner)
    return Plan(used, chosen_role, partner, cohort, promised, still_open, notes=notes)


def known_partner(history: History, partner: str | None) -> str | None:
    """The partner's name as the history spells it ("sam" finds "Sam"), else as given."""
    return _known_spelling(history, _labels(partner, None)[0])[0]


def usual_role(history: History, partner: str | None) -> str | None:
    """The role of the latest check-in with this partner (or without a partner name), to offer
    as the default when a check-in is asked without --role; None when there is none."""
    from trustcheck.records import Filters

    store = history.existing()
    if store is None:
        return None
    latest = store.check_in_lines(Filters(partner=known_partner(history, partner) or ""),
                                  limit=1)
    return latest[0].role if latest else None


def prepare_from_file(history: History, text: str, source: str, *, role: str | None,
                      partner: str | None, cohort: str | None, checklist: str | None,
                      commit: Iterable[str], folders: Folders,
                      partner_view: bool | None = None) -> Plan:
    """The plan of a check-in answered in a file: the file's role, checklist and answers must
    agree with the command's; its follow-through answers review the open commitments.
    `partner_view` False leaves the file's partner view out, True requires one, None takes it
    when the file has one."""
    partner, cohort = _labels(partner, cohort)
    answers_file = answers.read(text, source=source)
    partner, spelling = _known_spelling(history, partner or answers_file.partner)
    file_role = answers_file.role
    if role and file_role and file_role != role:
        raise InputError(f"{source} says role '{file_role}' but the command says --role {role}; "
                         "please make them match.")
    chosen_role = role or file_role
    if chosen_role is None and checklist is None and isinstance(answers_file.data, dict) \
            and answers_file.data.get("role") is not None:
        raise InputError(f"{source} says role '{answers_file.data['role']}'; please write "
                         "mentor or mentee there, or add --role.")
    used = as_version(_checklist_for(answers_file, checklist, chosen_role, folders),
                      answers_file.version, folders, reference=checklist)
    chosen_role = chosen_role or role_of(used)
    promised = commitments.choose(used, commit)
    still_open = _open_commitments(history, chosen_role, partner)
    given = _partner_view_as_asked(answers.check(
        answers_file, used, open_actions={o.commitment.action for o in still_open}),
        used, partner_view, source)
    notes = list(spelling)
    if answers_file.version not in (None, used.version):
        notes.append(
            f"{source} was made for version {answers_file.version} of the checklist "
            f"'{used.id}', and this is version {used.version}: the answers were checked "
            "statement by statement, but a statement's wording may have changed since.")
    return Plan(used, chosen_role, partner, cohort, promised, still_open, given, tuple(notes))


# --- after the questions ----------------------------------------------------------------------


def answered(plan: Plan, values: Mapping[str, Answer],
             statuses: Mapping[str, str]) -> Answers:
    """The questionnaire's answers, if there are enough of them to score."""
    not_enough = answers.check_enough(plan.checklist, values)
    if not_enough is not None:
        raise InputError(f"Nothing was saved: {not_enough.message}")
    return answers.Answers(values, follow_through=statuses)


def score(history: History, plan: Plan, given: Answers, *, now: datetime, id: str) -> Scored:
    """The result, with its commitments and reviews, and how it changed since the last one."""
    result = _build(plan, given, plan.commitments, now=now, id=id)
    notes = []
    if given.missing:
        notes.append(f"{len(given.missing)} statement{'s' if len(given.missing) != 1 else ''} "
                     "had no answer in the file and count as skipped.")
    previous = None
    store = history.existing()
    if store is not None:
        previous = store.previous(Relationship(result.role, result.partner), before=result)
    return Scored(result, focus.progress(result, previous), tuple(notes), given)


def recommit(plan: Plan, scored: Scored, chosen: Iterable[str]) -> Scored:
    """The same result with the commitments the person picked at the end instead."""
    assert scored.given is not None
    result = _build(plan, scored.given, commitments.choose(plan.checklist, chosen),
                    now=scored.result.created_at, id=scored.result.id)
    return scored._replace(result=result)


def save(history: History, result: Assessment) -> Saved:
    """Keep the result in the history (created if need be), all or nothing."""
    history.for_saving().save(result)
    return Saved(result.id, history.database)


# --- the pieces -------------------------------------------------------------------------------


def _partner_view_as_asked(given: Answers, used: Checklist, wanted: bool | None,
                           source: str) -> Answers:
    if wanted is False and given.partner_view:
        partner_ids = {item.id for item in used.partner_items}
        kept = {key: value for key, value in given.values.items() if key not in partner_ids}
        return given._replace(values=kept, partner_view=False)
    if wanted and not given.partner_view:
        if not used.partner_items:
            raise InputError(
                f"The checklist '{used.id}' (version {used.version}) has no statements about "
                "your partner; run the command without --partner-view.")
        raise InputError(
            f"{source} has no 'partner_view:' section, so there is no view of your partner "
            f"to score; add one (`trustcheck template --role {used.role}` shows it) or run "
            "the command without --partner-view.")
    return given



def _known_spelling(history: History,
                    partner: str | None) -> tuple[str | None, tuple[str, ...]]:
    """The stored spelling of a partner typed in another case or spacing, so the check-in
    joins that relationship; with a note to say so when the spelling differed."""
    from trustcheck.names import resolve

    store = history.existing()
    if partner is None or store is None:
        return partner, ()
    known = resolve(partner, store.partners())
    if known is None or known == partner:
        return partner, ()
    return known, (f"Your history already has \"{known}\", so this check-in is kept with "
                   f"your earlier ones about {known}.",)


def _labels(partner: str | None, cohort: str | None) -> tuple[str | None, str | None]:
    partner, cohort = answers.option_labels(partner=partner, cohort=cohort)
    return partner, cohort


def _build(plan: Plan, given: Answers, chosen: tuple[Commitment, ...], *, now: datetime,
           id: str) -> Assessment:
    reviews = commitments.review(plan.open_commitments, dict(given.follow_through))
    return assessment.build(
        plan.checklist, given.values, role=plan.role,
        partner=plan.partner or given.partner, cohort=plan.cohort or given.cohort,
        now=now, id=id, commitments=chosen, follow_through=reviews)


def _open_commitments(history: History, role: str,
                      partner: str | None) -> tuple[OpenCommitment, ...]:
    """Commitments of this role and partner not reviewed yet (none without a history)."""
    store = history.existing()
    return () if store is None else tuple(store.open_commitments(Relationship(role, partner)))


def _checklist_for(answers_file: AnswersFile, reference: str | None, role: str | None,
                   folders: Folders) -> Checklist:
    """The checklist named by --checklist; else the one the answers file names; else the role's.

    A file from `trustcheck template --checklist ID` names its checklist, so a workshop's own
    checklist needs no --checklist on every run.
    """
    named = answers_file.checklist
    if reference is not None or named is None:
        return choose_checklist(reference, role, folders)
    try:
        # By id only: a name written in a file never leads to a path on the disk.
        found = find_by_id(named, list(folders))
    except NotFound:
        raise InputError(
            f"{answers_file.source} is for the checklist '{named}', which is not among your "
            "checklists; pass it with --checklist PATH, or put it in the checklists folder "
            "that `trustcheck paths` shows.") from None
    if role is not None and found.role != role:
        raise InputError(
            f"{answers_file.source} is for the checklist '{named}', which is for {found.role}s, "
            f"not {role}s; please make the role and the checklist match.")
    return found


def to_dict(scored: Scored) -> dict[str, Any]:
    """`assess --format json`: the result object, and the change since the previous check-in."""
    return {**assessment.to_dict(scored.result),
            "compared_to": focus.progress_to_dict(scored.change)}
