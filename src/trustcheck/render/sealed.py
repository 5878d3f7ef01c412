"""Plain text of an opened share: both views side by side, and the two commitments."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trustcheck.exchange import SharedScores, SharedStrategy
    from trustcheck.usecases.share import Opened


def _score(strategy: SharedStrategy | None) -> str:
    if strategy is None or strategy.score is None:
        return "-"
    return f"{strategy.score:.1f}" + (f" ±{strategy.sem:.0f}" if strategy.sem else "")


def _side_by_side(title: str, own: SharedScores, seen_by: SharedScores,
                  columns: tuple[str, str]) -> list[str]:
    seen = {s.id: s for s in seen_by.partner_view}
    lines = [title, f"  {'Strategy':<34} {columns[0]:>14} {columns[1]:>14}"]
    for strategy in own.strategies:
        lines.append(f"  {strategy.title[:34]:<34} {_score(strategy):>14} "
                     f"{_score(seen.get(strategy.id)):>14}")
    return lines


def opened(record: Opened) -> str:
    mine, theirs = record.mine, record.theirs
    lines = [f"Your {theirs.role}'s check-in of {theirs.taken_at.astimezone():%Y-%m-%d} beside "
             f"yours of {mine.taken_at.astimezone():%Y-%m-%d}.", ""]
    lines += _side_by_side("How you see yourself, and how your partner sees you:", mine, theirs,
                           ("you", "your partner"))
    lines.append("")
    lines += _side_by_side("How your partner sees themselves, and how you see them:", theirs,
                           mine, ("your partner", "you"))
    lines += ["", f"Felt trust: you trust your partner {_score(mine.felt_trust)}; they trust "
              f"you {_score(theirs.felt_trust)}.", "",
              f"Their file's contents are fixed by {record.their_commitment}.",
              "Yours are fixed by " + (record.your_commitment or
                                       "nothing yet (you have not shared this check-in)") + "."]
    return "\n".join(lines) + "\n"
