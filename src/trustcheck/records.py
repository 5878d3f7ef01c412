"""The domain records every layer shares: the store makes them, the core and renderers read them."""

from datetime import datetime
from typing import NamedTuple

from trustcheck.bands import band

# The two roles, here rather than in `checklist` so that `history trends` can name them without
# importing the checklist reader (about 5 ms); `checklist.ROLES` is the same tuple.
ROLES = ("mentor", "mentee")


class Filters(NamedTuple):
    """Which assessments a command is about; every bound is inclusive, times are UTC.

    None means any; an empty partner or cohort means assessments without one.
    """

    role: str | None = None
    partner: str | None = None
    cohort: str | None = None
    since: datetime | None = None
    until: datetime | None = None


class Relationship(NamedTuple):
    """One mentoring relationship as seen by one person: the same role and partner."""

    role: str
    partner: str | None


# The status of a strategy most of whose statements didn't come up: no score, and never a focus
# area, an obstacle signal or a drop (the band of such a strategy in a stored result).
DIDNT_COME_UP = "didn't come up this time"


class ScoreRow(NamedTuple):
    """One assessment's scores, as trends need them."""

    id: str
    created_at: datetime
    role: str
    partner: str | None
    checklist_id: str
    checklist_version: str
    overall: float | None
    scores: dict[str, float | None]
    cohort: str | None = None  # filled in for exports; trends do not need it
    stamp: str = ""  # created_at as the history stores it (UTC, ISO 8601), for exports


class Lowest(NamedTuple):
    """A check-in's lowest strategy, as its listing shows it."""

    title: str
    score: float


class CheckInLine(NamedTuple):
    """One line of `trustcheck history`: the columns the store keeps beside each result."""

    id: str
    created_at: datetime
    role: str
    partner: str | None
    cohort: str | None
    checklist_id: str
    overall: float | None
    lowest: Lowest | None

    @property
    def band(self) -> str:
        return band(self.overall)


class ResultOutline(NamedTuple):
    """What trends need of one stored result besides its scores: each strategy's title (in
    the result's order) and standard error of measurement, the overall index's, and which
    strategies didn't come up. A result saved before scores carried their error has no SEMs
    (empty, None)."""

    titles: dict[str, str]
    sems: dict[str, float]
    overall_sem: float | None = None
    not_came_up: frozenset[str] = frozenset()  # strategies that didn't come up this time


class Commitment(NamedTuple):
    """An action someone chose to try before their next check-in."""

    action: str
    text: str
    strategy: str


class OpenCommitment(NamedTuple):
    """A commitment made at an earlier check-in that has not been reviewed yet."""

    made_in: str
    made_at: datetime
    commitment: Commitment


class Review(NamedTuple):
    """How a commitment went, as told at a later check-in."""

    action: str
    text: str
    made_in: str
    made_at: datetime
    status: str


class CommitmentRecord(NamedTuple):
    """A commitment with where it was made and, once reviewed, how it went."""

    made_in: str
    made_at: datetime
    relationship: Relationship
    commitment: Commitment
    status: str | None
    reviewed_in: str | None
    reviewed_at: datetime | None
