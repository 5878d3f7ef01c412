"""A page of your own: `history trends --format html`, one self-contained HTML page for a person.

Per relationship: your latest check-in against the previous (a change is called one only
beyond measurement noise, by the rule in trustcheck.reliability), a line chart over time per
strategy, felt trust and the overall index with a shaded band of ± one standard error around
each score, and your commitments with how they went. Like the cohort report's page it loads
nothing: CSS and SVG are inline, there are no scripts, fonts or images, and a Content Security
Policy forbids them anyway. Partner names, titles and commitments are user text, so every piece
of text goes through `e` (control characters removed, then HTML-escaped).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from trustcheck.commitments import STATUS_LABELS
from trustcheck.records import CommitmentRecord
from trustcheck.render.html import e, head
from trustcheck.render.report import number
from trustcheck.render.svg import Mark, line_chart
from trustcheck.render.table import signed
from trustcheck.trends import (
    ABOUT_THE_SAME,
    IMPROVING,
    MIN_ASSESSMENTS,
    MIN_SPAN_DAYS,
    OVERALL,
    SLIPPING,
    TOO_EARLY,
    Row,
    Trend,
)
from trustcheck.usecases.history_trends import Page, PageSection, RowNoise

# No scripts, no connections, no frames; images only from inside the page itself.
TITLE = "How trust is moving"
DESCRIBED = 24  # a chart's description reads out at most this many (the latest) scores

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
html { background: #fff; }
body {
  margin: 0 auto; max-width: 1180px; padding: 24px 32px 48px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 18px; line-height: 1.45; color: #111; background: #fff; overflow-wrap: break-word;
}
h1 { font-size: 1.9em; line-height: 1.15; margin: 0 0 0.3em; }
h2 { font-size: 1.45em; line-height: 1.2; margin: 1.6em 0 0.3em; padding-top: 0.4em;
     border-top: 4px solid #1f3a5f; }
h3 { font-size: 1.15em; margin: 1.3em 0 0.4em; }
p { margin: 0.4em 0; }
.lede { font-size: 1.05em; }
.meta, .note { color: #444; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1em;
        font-variant-numeric: tabular-nums; }
th, td { padding: 0.3em 0.5em; border-bottom: 1px solid #d5d9de; vertical-align: top;
         text-align: left; }
thead th { border-bottom: 2px solid #555; }
tbody th { font-weight: 400; }
td.num, th.num { text-align: right; white-space: nowrap; }
.when { white-space: nowrap; }
tr.overall td, tr.overall th { font-weight: 700; }
.higher, .improving { color: #1d6b35; font-weight: 700; }
.lower, .slipping { color: #8a1c1c; font-weight: 700; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr));
          gap: 18px 24px; margin: 0.6em 0 1em; padding: 0; list-style: none; }
figure { margin: 0; break-inside: avoid; page-break-inside: avoid; }
figure h4 { font-size: 1em; margin: 0; }
figure .latest { font-size: 0.9em; color: #333; margin: 0 0 0.2em; }
svg.chart { display: block; width: 100%; height: auto; }
.chart text { fill: #333; font-size: 14px; }
.chart .grid { stroke: #dde1e6; stroke-width: 1; }
.chart .band { fill: #c6d8ef; }
.chart .line { fill: none; stroke: #1f4e8c; stroke-width: 3; stroke-linejoin: round;
               stroke-linecap: round; }
.chart .dot { fill: #1f4e8c; stroke: #fff; stroke-width: 1.5; }
.chart .date { font-size: 13px; }
ul.plain { padding-left: 1.2em; }
footer { margin-top: 2em; font-size: 0.85em; color: #444; }
@media (max-width: 700px) {
  body { font-size: 16px; padding: 14px; }
  h1 { font-size: 1.6em; }
  .charts { grid-template-columns: 1fr; }
  /* A phone: each row of a table becomes a small card, each figure named by its label. */
  table.cards thead { position: absolute; width: 1px; height: 1px; overflow: hidden;
                      clip: rect(0 0 0 0); }
  table.cards tr { display: block; padding: 0.4em 0; border-bottom: 1px solid #d5d9de; }
  table.cards th, table.cards td { display: block; border: 0; padding: 0.05em 0;
                                    text-align: left; }
  table.cards td.num { display: inline-block; margin-right: 1em; }
  table.cards td[data-label]::before { content: attr(data-label) " "; color: #444; }
}
@media print {
  @page { margin: 14mm; }
  html, body { background: #fff !important; color: #000 !important; }
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2 { break-after: avoid; page-break-after: avoid; border-top-color: #000; }
  h3 { break-after: avoid; page-break-after: avoid; }
  .meta, .note, figure .latest, footer { color: #000 !important; }
  .higher, .lower, .improving, .slipping { color: #000; }
  .charts { grid-template-columns: repeat(2, 1fr); }
  .chart text { fill: #000 !important; }
  .chart .band { fill: #ddd; }
  .chart .line { stroke: #000; }
  .chart .dot { fill: #000; }
  tr, figure, li { break-inside: avoid; page-break-inside: avoid; }
}
"""


def page(found: Page) -> str:
    """The page as one self-contained HTML document."""
    title = TITLE
    if len(found.sections) == 1:
        title = f"{TITLE}: {_who(found.sections[0].trend)}"
    checkins = sum(section.trend.assessments for section in found.sections)
    out = [
        *head(title, CSS),
        "<header>",
        f"<h1>{e(title)}</h1>",
        f'<p class="lede">A page of your own from {e(_count(checkins, "check-in"))}, made on '
        f"{e(_day(found.made_at))}. It was written on this computer and holds your partner's "
        "name and your scores: share it only if you want to.</p>",
        "</header>",
        "<main>",
    ]
    if not found.sections:
        out.append("<p>No check-ins match, so there is nothing to show yet.</p>")
    for position, section in enumerate(found.sections, 1):
        out += _section(section, f"r{position}")
    out += _how_to_read()
    out += ["</main>",
            f"<footer><p>Made by trustcheck on {e(_moment(found.made_at))} from your history. "
            "Nothing on this page loads anything from the internet.</p></footer>",
            "</body>", "</html>", ""]
    return "\n".join(out)


# --- one relationship ----------------------------------------------------------------------------


def _section(section: PageSection, key: str) -> list[str]:
    trend = section.trend
    heading = f"You as {trend.role}" + (f" with {trend.partner}" if trend.partner
                                        else " (no partner named)")
    span = _day(trend.start) if _day(trend.start) == _day(trend.end) \
        else f"{_day(trend.start)} to {_day(trend.end)}"
    out = [f'<section aria-labelledby="{key}">',
           f'<h2 id="{key}">{e(heading)}</h2>',
           f'<p class="meta">{e(_count(trend.assessments, "check-in"))}, {e(span)}.</p>']
    for change in trend.changes:
        before = f"{change.from_checklist} v{change.from_version}"
        after = f"v{change.to_version}" if change.checklist == change.from_checklist \
            else f"{change.checklist} v{change.to_version}"
        out.append(f'<p class="note">The checklist changed from {e(before)} to {e(after)} on '
                   f"{e(_day(change.at))}; strategy scores stay comparable.</p>")
    ordered = _overall_first(list(zip(trend.rows, section.noise, strict=True)))
    out += _latest(ordered, trend, key)
    out += _charts(ordered, key)
    out += _commitments(section.commitments, trend)
    out.append("</section>")
    return out


def _overall_first(rows: list[tuple[Row, RowNoise]]) -> list[tuple[Row, RowNoise]]:
    return [pair for pair in rows if pair[0].strategy == OVERALL] + \
        [pair for pair in rows if pair[0].strategy != OVERALL]


def _latest(rows: Sequence[tuple[Row, RowNoise]], trend: Trend, key: str) -> list[str]:
    """The latest check-in against the previous: a table with the verdict of each change."""
    out = [f'<h3 id="{key}-latest">Your latest check-in against the previous</h3>']
    if trend.assessments < 2:
        out.append("<p>There is one check-in here so far; the next one will show what "
                   "changed.</p>")
        return out
    changed = [row for row, noise in rows if noise.since_previous is not None
               and noise.since_previous.direction != ABOUT_THE_SAME]
    if changed:
        words = ", ".join(row.title for row in changed)
        out.append(f"<p>Changed by more than measurement noise: {e(words)}. Everything else "
                   "is about the same.</p>")
    else:
        out.append("<p>Nothing changed by more than measurement noise: every difference is "
                   "small enough to be a score's usual wobble.</p>")
    out += [f'<table class="changes cards" aria-labelledby="{key}-latest">',
            "<thead><tr><th>Strategy</th><th class=\"num\">Previous</th>"
            "<th class=\"num\">Latest</th><th class=\"num\">Change</th><th>Is it real?</th>"
            "</tr></thead>", "<tbody>"]
    for row, noise in rows:
        scores = row.series.scores
        previous = scores[-2] if len(scores) >= 2 else None
        difference = noise.since_previous
        if difference is None:
            verdict = e(row.direction if row.latest is None else "no score last time")
            change = "—"
        elif difference.direction == ABOUT_THE_SAME:
            verdict = (f'about the same <span class="noise">(a real change needs more than '
                       f"{e(number(difference.threshold))})</span>")
            change = signed(difference.points)
        else:
            verdict = (f'<span class="{difference.direction}">{difference.direction}</span> '
                       f'<span class="noise">(by more than the '
                       f"{e(number(difference.threshold))} a real change needs)</span>")
            change = signed(difference.points)
        css = ' class="overall"' if row.strategy == OVERALL else ""
        out.append(f"<tr{css}><th scope=\"row\">{e(row.title)}</th>"
                   f'<td class="num" data-label="Previous">{e(number(previous))}</td>'
                   f'<td class="num" data-label="Latest">{e(number(row.latest))}</td>'
                   f'<td class="num" data-label="Change">{e(change)}</td><td>{verdict}</td>'
                   "</tr>")
    out += ["</tbody>", "</table>"]
    return out


def _charts(rows: Sequence[tuple[Row, RowNoise]], key: str) -> list[str]:
    out = ["<h3>Over time</h3>",
           '<p class="note">The line joins your scores, one dot a check-in; the shaded band '
           "around it is each score's measurement noise (± one standard error).</p>",
           '<ul class="charts">']
    for index, (row, noise) in enumerate(rows):
        chart_id = f"{key}-chart{index}"
        marks = [Mark(point.at, point.score, sem,
                      e(f"{_day(point.at)}: {_scored(point.score, sem)}"))
                 for point, sem in zip(row.series, noise.sems, strict=True)]
        first, last = (row.series.dates[0], row.series.dates[-1]) if len(row.series) \
            else (None, None)
        out.append("<li><figure>")
        out.append(f"<h4>{e(row.title)}</h4>")
        out.append(f'<p class="latest">{_latest_words(row)}</p>')
        out.append(line_chart(chart_id, marks, title=e(_chart_name(row)),
                              description=e(_chart_description(row)),
                              first_label=e(_day(first)) if first else "",
                              last_label=e(_day(last)) if last else ""))
        out.append("</figure></li>")
    out.append("</ul>")
    return out


def _latest_words(row: Row) -> str:
    """'Latest 70.0 ± 10.9 · improving (+4.2 per 30 days)', escaped, the direction marked."""
    latest = "no score" if row.latest is None else \
        f"Latest {number(row.latest)}" + ("" if row.sem is None else f" ± {number(row.sem)}")
    direction = f'<span class="{row.direction}">{e(row.direction)}</span>' \
        if row.direction in (IMPROVING, SLIPPING) else e(row.direction)
    if row.slope_per_30_days is not None and row.direction != TOO_EARLY:
        direction += f" ({e(signed(row.slope_per_30_days))} per 30 days)"
    return f"{e(latest)} · {direction}"


def _chart_name(row: Row) -> str:
    """What the chart shows, in words: 'Listen actively: from 55.0 to 70.0 over 4 check-ins,
    improving'."""
    scored = [score for score in row.series.scores if score is not None]
    count = _count(len(row.series), "check-in")
    if not scored:
        return f"{row.title}: no score yet over {count}"
    if len(row.series) == 1:
        return f"{row.title}: {number(scored[0])} at 1 check-in"
    return f"{row.title}: from {number(scored[0])} to {number(scored[-1])} over {count}, " \
        f"{row.direction}"


def _chart_description(row: Row) -> str:
    """Every score with its date, for a screen reader; the latest ones of a long history."""
    shown = row.series[-DESCRIBED:]
    scores = "; ".join(f"{_day(point.at)} {number(point.score)}" for point in shown)
    if len(shown) < len(row.series):
        return f"Scores from 0 to 100, the latest {len(shown)} of {len(row.series)}: {scores}."
    return f"Scores from 0 to 100 on each check-in's date: {scores}."


# --- commitments ---------------------------------------------------------------------------------


def _commitments(made: Sequence[CommitmentRecord], trend: Trend) -> list[str]:
    out = ["<h3>Commitments and follow-through</h3>"]
    if trend.follow_through is None:
        out.append("<p>Followed through: none reviewed yet.</p>")
    else:
        out.append(f"<p>Followed through: <strong>{e(f'{trend.follow_through:g}')}%</strong> "
                   f"of {e(_count(trend.reviewed, 'commitment'))} reviewed (partly done counts "
                   "half).</p>")
    if not made:
        out.append("<p>No commitments made in these check-ins yet.</p>")
        return out
    out += ['<table class="commitments cards">',
            "<thead><tr><th>Made</th><th>What you chose to try</th><th>How it went</th>"
            "</tr></thead>", "<tbody>"]
    for record in made:
        went = e("not reviewed yet" if record.status is None else
                 STATUS_LABELS.get(record.status, record.status))
        if record.reviewed_at is not None:  # a date is never broken across lines
            went += f' <span class="when">(told {e(_day(record.reviewed_at))})</span>'
        out.append(f'<tr><td class="num" data-label="Made">{e(_day(record.made_at))}</td>'
                   f"<td>{e(record.commitment.text)}</td>"
                   f'<td data-label="How it went:">{went}</td></tr>')
    out += ["</tbody>", "</table>"]
    return out


# --- the rules, once ----------------------------------------------------------------------------


def _how_to_read() -> list[str]:
    return [
        '<section aria-labelledby="how">',
        '<h2 id="how">How to read this page</h2>',
        '<ul class="plain">',
        "<li>Scores run from 0 to 100. No score means too few statements were answered.</li>",
        "<li>The shaded band is each score's measurement noise: the same person, with nothing "
        "changed, answers a little higher or lower from one week to the next. It reaches one "
        "standard error of measurement above and below the score.</li>",
        "<li>The latest check-in is called higher or lower than the previous only when the "
        "difference is larger than the noise of the two scores (at 95 %); otherwise it is "
        "about the same.</li>",
        "<li>The direction is improving or slipping only when the change along a straight line "
        "fitted through the scores, over their real dates, is larger than that noise (or than "
        "the scores' own scatter around the line, if larger). It needs scores from at least "
        f"{MIN_ASSESSMENTS} check-ins over at least {MIN_SPAN_DAYS} days; until then it is too "
        "early to tell.</li>",
        "<li>Follow-through counts each commitment reviewed at a later check-in: done counts "
        "fully, partly done half, not done not at all.</li>",
        "</ul>",
        "</section>",
    ]


# --- small words ---------------------------------------------------------------------------------


def _who(trend: Trend) -> str:
    return f"you as {trend.role}" + (f" with {trend.partner}" if trend.partner else "")


def _count(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _day(moment: datetime) -> str:
    """The local date: times are stored in UTC and shown where the person is."""
    return moment.astimezone().strftime("%Y-%m-%d")


def _moment(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _scored(score: float | None, sem: float) -> str:
    return "no score" if score is None else f"{number(score)} ± {number(sem)}"
