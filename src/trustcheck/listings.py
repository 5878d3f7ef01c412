"""The small records listing commands print, so the one output path can tell one list from
another, with their JSON forms (each item's form lives next to the item's record)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from trustcheck.assessment import Assessment
    from trustcheck.checklist import Checklist, Listing
    from trustcheck.lint import Report
    from trustcheck.records import CheckInLine, CommitmentRecord, Relationship
    from trustcheck.trends import Trend


class CheckIns(NamedTuple):
    """Saved check-ins: `trustcheck history`, and an export of one."""

    check_ins: Sequence[Assessment]


class CheckInLines(NamedTuple):
    """`trustcheck history` for people: one line per check-in, read without whole results."""

    lines: Sequence[CheckInLine]


class Trends(NamedTuple):
    """`trustcheck history trends`: one trend per relationship."""

    trends: Sequence[Trend]


class Checklists(NamedTuple):
    """`trustcheck checklists list`: the checklists that load (broken ones are told apart)."""

    usable: Sequence[Listing]


class AnswersTemplate(NamedTuple):
    """`trustcheck template`: a file to fill in with answers to this checklist."""

    checklist: Checklist
    # With the statements about the partner (the checklist's partner view), when it has one.
    partner_view: bool = False


class LintReports(NamedTuple):
    """`trustcheck checklists lint`: one report per checklist file."""

    reports: Sequence[Report]


class Commitments(NamedTuple):
    """`trustcheck commitments`: (relationship, its commitments, follow-through rate, reviewed)
    per relationship, as `commitments.by_relationship` groups them."""

    groups: Sequence[tuple[Relationship, Sequence[CommitmentRecord], float | None, int]]


class Paths(NamedTuple):
    """`trustcheck paths`: each place trustcheck uses, as `Places.described()` lists them."""

    described: list[dict[str, Any]]


def check_ins_to_dict(listing: CheckIns) -> list[dict[str, Any]]:
    from trustcheck import assessment

    return [assessment.to_dict(check_in) for check_in in listing.check_ins]


def trends_to_dict(listing: Trends) -> list[dict[str, Any]]:
    from trustcheck import trends

    return [trends.to_dict(trend) for trend in listing.trends]


def checklists_to_dict(listing: Checklists) -> list[dict[str, Any]]:
    from trustcheck import checklist

    return [checklist.listing_to_dict(found) for found in listing.usable]


def template_to_dict(template: AnswersTemplate) -> dict[str, Any]:
    from trustcheck import checklist

    return checklist.template_to_dict(template.checklist, partner_view=template.partner_view)


def lint_to_dict(listing: LintReports) -> dict[str, Any]:
    from trustcheck import lint

    return lint.to_dict(listing.reports)


def commitments_to_dict(listing: Commitments) -> dict[str, Any]:
    from trustcheck import commitments

    return commitments.to_dict(listing.groups)


def paths_to_dict(listing: Paths) -> dict[str, Any]:
    from trustcheck import paths

    return paths.to_dict(listing.described)
