"""A small line chart over time as inline SVG: scores from 0 to 100 on their real dates, each
with a shaded band of its measurement noise (± one standard error).

Pure: it takes numbers and already-written words and returns SVG text; the caller escapes
every word it passes (`title` and `description` are inserted as they are).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import NamedTuple

# Geometry in SVG user units; the chart scales to the width of its box.
WIDTH = 400
HEIGHT = 210
LEFT = 40  # the score labels end here
RIGHT = WIDTH - 14
TOP = 12
BOTTOM = HEIGHT - 34  # the dates go below
TICKS = (0, 20, 40, 60, 80, 100)
DOT = 4.5
# Above this many check-ins the dots would merge into a smear (and make the page heavy): only
# the line and its band are drawn.
MAX_DOTS = 60


class Mark(NamedTuple):
    """One check-in on the chart: when, its score (None: no score that time), its noise, and
    the words a pointer shows over its dot (already escaped)."""

    at: datetime
    score: float | None
    sem: float
    tip: str


def y_of(score: float) -> float:
    score = min(100.0, max(0.0, score))
    return round(BOTTOM - (BOTTOM - TOP) * score / 100, 1)


def x_positions(moments: Sequence[datetime]) -> list[float]:
    """Each moment's x: the first at the left edge and the last at the right, the ones between
    at their real dates; a single moment (or all at once) in the middle."""
    if not moments:
        return []
    first, last = moments[0].timestamp(), moments[-1].timestamp()
    if last <= first:
        return [round((LEFT + RIGHT) / 2, 1)] * len(moments)
    inner_left, inner_right = LEFT + 12, RIGHT - 6
    return [round(inner_left + (inner_right - inner_left) * (m.timestamp() - first)
                  / (last - first), 1) for m in moments]


def runs(marks: Sequence[Mark]) -> Iterator[list[int]]:
    """The positions of each run of consecutive scored marks (a check-in without a score breaks
    the line: nothing is drawn across it)."""
    current: list[int] = []
    for index, mark in enumerate(marks):
        if mark.score is None:
            if current:
                yield current
            current = []
        else:
            current.append(index)
    if current:
        yield current


def line_chart(chart_id: str, marks: Sequence[Mark], *, title: str, description: str,
               first_label: str, last_label: str) -> str:
    """The chart as one <svg> element with an accessible name (`title`) and description.

    `first_label` and `last_label` are the dates written under the two ends (escaped).
    """
    xs = x_positions([mark.at for mark in marks])
    out = [
        f'<svg class="chart" id="{chart_id}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc">',
        f'<title id="{chart_id}-title">{title}</title>',
        f'<desc id="{chart_id}-desc">{description}</desc>',
    ]
    for tick in TICKS:
        y = y_of(tick)
        out.append(f'<line class="grid" x1="{LEFT + 6}" y1="{y}" x2="{RIGHT}" y2="{y}"/>')
        out.append(f'<text class="tick" x="{LEFT}" y="{y + 5}" text-anchor="end">{tick}</text>')
    for run in runs(marks):
        out.append(_band([(xs[i], marks[i]) for i in run]))
    for run in runs(marks):
        points = " ".join(f"{xs[i]},{y_of(marks[i].score or 0.0)}" for i in run)
        if len(run) > 1:
            out.append(f'<polyline class="line" points="{points}"/>')
    # A check-in without a score gets no dot (nothing drawn is read as no score, where a mark on
    # the axis would read as 0), and breaks the line.
    if len(marks) <= MAX_DOTS:
        out += [f'<circle class="dot" cx="{x}" cy="{y_of(mark.score)}" r="{DOT}">'
                f"<title>{mark.tip}</title></circle>"
                for x, mark in zip(xs, marks, strict=True) if mark.score is not None]
    date_y = BOTTOM + 24
    if first_label == last_label or len(marks) < 2:
        out.append(f'<text class="date" x="{(LEFT + RIGHT) / 2}" y="{date_y}" '
                   f'text-anchor="middle">{last_label}</text>')
    else:
        out.append(f'<text class="date" x="{LEFT + 6}" y="{date_y}">{first_label}</text>')
        out.append(f'<text class="date" x="{RIGHT}" y="{date_y}" '
                   f'text-anchor="end">{last_label}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _band(run: Sequence[tuple[float, Mark]]) -> str:
    """The shaded band from score - SEM to score + SEM along one run (kept within 0..100); a
    single score gets a short bar of the same height."""
    if len(run) == 1:
        x, mark = run[0]
        score = mark.score or 0.0
        top, bottom = y_of(score + mark.sem), y_of(score - mark.sem)
        return (f'<rect class="band" x="{x - 7}" y="{top}" width="14" '
                f'height="{round(bottom - top, 1)}"/>')
    upper = [f"{x},{y_of((mark.score or 0.0) + mark.sem)}" for x, mark in run]
    lower = [f"{x},{y_of((mark.score or 0.0) - mark.sem)}" for x, mark in reversed(run)]
    return f'<polygon class="band" points="{" ".join(upper + lower)}"/>'
