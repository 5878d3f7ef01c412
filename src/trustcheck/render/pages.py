"""Pages of your own for `focus --format html` and `history show ID --format html`.

Each is one self-contained HTML page for a person, built like the trends page (render/page.py)
and sharing its style sheet and Content Security Policy: CSS and the score bars (small inline
SVG) are inside the page, there are no scripts, fonts, images or links, and the policy forbids
them anyway. Partner names, titles, reasons, actions and commitments are user text, so every
piece of text goes through `e` (control characters removed, then HTML-escaped). No ids are
shown: they stay in JSON and `checklists show`.

Numbers follow the house format (render/focus.py): one decimal without a trailing ".0", the
uncertainty as "± 11" (whole points), and a change within measurement noise is "about the same",
never a number.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from trustcheck.render.focus import followed_through
from trustcheck.render.html import e, head
from trustcheck.render.page import CSS
from trustcheck.render.table import number

if TYPE_CHECKING:
    from trustcheck.assessment import Assessment
    from trustcheck.plan import Plan, PlanItem
    from trustcheck.scoring import StrategyScore

ABOUT_THE_SAME = "about the same"

EXTRA_CSS = """
.score { white-space: nowrap; }
svg.bar { display: inline-block; width: 9em; max-width: 100%; height: 0.9em;
          vertical-align: middle; }
.bar .track { fill: #e4e8ee; }
.bar .fill { fill: #1f4e8c; }
ol.areas > li, ul.plain > li { margin-bottom: 0.6em; }
ol.areas ul { margin: 0.2em 0 0; padding-left: 1.2em; }
.area-title { font-weight: 700; }
.reason { display: block; }
.remedy { display: block; }
@media print {
  .bar .fill { fill: #000; }
  .bar .track { fill: #ddd; }
}
"""

SEM_NOTE = ("± is one standard error of measurement: how far a score can wobble with nothing "
            "changed; a change within the noise is called about the same.")


# --- the page around -----------------------------------------------------------------------------


def _document(title: str, lede: str, body: Sequence[str], made_at: datetime) -> str:
    """A whole page: head with the policy and style, the header, `body` (already HTML)."""
    return "\n".join([
        *head(title, CSS + EXTRA_CSS),
        "<header>",
        f"<h1>{e(title)}</h1>",
        f'<p class="lede">{lede}</p>',
        "</header>",
        "<main>",
        *body,
        "</main>",
        f"<footer><p>Made by trustcheck on {e(_moment(made_at))} from your history. "
        "Nothing on this page loads anything from the internet.</p></footer>",
        "</body>",
        "</html>",
        "",
    ])


def _private(what: str) -> str:
    return (f"{what} It was written on this computer and holds your partner's name and your "
            "scores: share it only if you want to.")


# --- `focus --format html` -----------------------------------------------------------------------


def focus_page(plan: Plan, now: datetime | None = None) -> str:
    """`trustcheck focus --format html`: what to work on next in one relationship."""
    from trustcheck.focus import overall_sem

    latest, previous = plan.latest, plan.previous
    title = f"What to work on next: {_who(latest.role, latest.partner)}"
    overall = _score_words(latest.overall, overall_sem(latest.strategies), latest.band)
    intro = f"From your check-in of {_day(latest.created_at)}: overall {overall}"
    if previous is not None:
        before = "no score" if previous.overall is None else number(previous.overall)
        intro += f". Compared with {_day(previous.created_at)} ({before})"
        if plan.overall_change is not None:
            intro += f": {_change(plan.overall_change, plan.overall_direction)}"
        intro += "."
    else:
        intro += "; this is the first check-in, so there is no trend yet."
    body = [f"<p>{e(intro)}</p>"]
    told = followed_through(plan.follow_through)
    body.append(f"<p><strong>Follow-through:</strong> {e(told)}</p>")

    since = None if previous is None else _day(previous.created_at)
    position = 0
    for key, heading, items in (
            ("lowest", "Lowest strategies", plan.lowest),
            ("slipped", "Slipped since your previous check-in (more than the noise)",
             plan.slipped)):
        if not items:
            continue
        body += [f'<section aria-labelledby="{key}">', f'<h2 id="{key}">{e(heading)}</h2>',
                 f'<ol class="areas" start="{position + 1}">']
        for item in items:
            position += 1
            body += _plan_item(item, since)
        body += ["</ol>", "</section>"]
    if not plan.lowest and not plan.slipped and latest.overall is not None:
        body.append("<p>Every strategy is strong and none slipped. Keep doing what you are "
                    "doing.</p>")
    if plan.felt_trust:
        body += ['<section aria-labelledby="felt">',
                 '<h2 id="felt">How you feel with your partner</h2>',
                 f"<p>{e(plan.felt_trust)}</p>", "</section>"]
    if plan.obstacles:
        body += _obstacles(plan.obstacles)
    if plan.strengths:
        body += ['<section aria-labelledby="strengths">',
                 '<h2 id="strengths">Strengths to keep</h2>', '<ul class="plain">']
        body += [f'<li><span class="area-title">{e(item.title)}</span>: {e(item.reason)}</li>'
                 for item in plan.strengths]
        body += ["</ul>", "</section>"]
    if plan.open_commitments:
        body += ['<section aria-labelledby="open">',
                 '<h2 id="open">Your open commitments</h2>', '<ul class="plain">']
        body += [f"<li>{e(open_one.commitment.text)} "
                 f'<span class="when note">(chosen {e(_day(open_one.made_at))})</span></li>'
                 for open_one in plan.open_commitments]
        body += ["</ul>", "</section>"]
    body.append(f'<p class="note">{e(SEM_NOTE)}</p>')
    lede = _private(f"A page of your own from your check-in of {e(_day(latest.created_at))}.")
    return _document(title, lede, body, _now(now))


def _plan_item(item: PlanItem, since: str | None) -> list[str]:
    from trustcheck.bands import band

    heading = f"{item.title}: {_score_words(item.score, item.sem, band(item.score))}"
    if item.change is not None and since is not None:
        heading += f" ({_change(item.change, item.direction)} since {since})"
    out = ["<li>", f'<span class="area-title">{e(heading)}</span>',
           f'<span class="reason">{e(item.reason)}</span>']
    if item.actions:
        out += ["<ul>", *[f"<li>{e(action.text)}</li>" for action in item.actions], "</ul>"]
    if item.note:
        out.append(f'<p class="note">{e(item.note)}</p>')
    out.append("</li>")
    return out


# --- `history show ID --format html` -------------------------------------------------------------


def check_in_page(result: Assessment, now: datetime | None = None) -> str:
    """`trustcheck history show ID --format html`: one check-in in full."""
    from trustcheck.focus import overall_sem
    from trustcheck.scoring import NOT_ENOUGH

    title = f"Your check-in as {_who(result.role, result.partner)}, {_day(result.created_at)}"
    sem = result.overall_sem if result.overall_sem is not None \
        else overall_sem(result.strategies)
    body = []
    facts = [f"Taken on {_moment(result.created_at)}"]
    if result.cohort:
        facts.append(f"cohort {result.cohort}")
    checklist = result.checklist.title or "checklist"
    facts.append(f"{checklist}, version {result.checklist.version}")
    body.append(f'<p class="meta">{e(", ".join(facts))}.</p>')
    body.append(f"<p><strong>Overall trust index:</strong> "
                f"{e(_score_words(result.overall, sem, result.band))}.</p>")
    body += _strategies_table("strategies", "Strategies", "Strategy",
                              [(s.title, s) for s in result.strategies])
    body += _focus_areas(result)
    if result.obstacles:
        body += _obstacles(result.obstacles)
    if result.strength is not None:
        body += ['<section aria-labelledby="strength">',
                 '<h2 id="strength">A strength to keep</h2>',
                 f'<p><span class="area-title">{e(result.strength.title)}</span>: '
                 f"{e(result.strength.reason)}</p>", "</section>"]
    if result.follow_through:
        from trustcheck.commitments import STATUS_LABELS

        body += ['<section aria-labelledby="reviewed">',
                 '<h2 id="reviewed">How your commitments from last time went</h2>',
                 '<ul class="plain">']
        body += [f"<li><strong>{e(STATUS_LABELS.get(review.status, review.status))}</strong>: "
                 f"{e(review.text)}</li>" for review in result.follow_through]
        body += ["</ul>", "</section>"]
    if result.commitments:
        body += ['<section aria-labelledby="commitments">',
                 '<h2 id="commitments">Your commitments until the next check-in</h2>',
                 '<ul class="plain">']
        body += [f"<li>{e(commitment.text)}</li>" for commitment in result.commitments]
        body += ["</ul>", "</section>"]
    view = result.partner_view
    if view is not None:
        partner = "mentee" if result.role == "mentor" else "mentor"
        rows: list[tuple[str, StrategyScore | None]] = [("Felt trust", view.felt_trust)]
        rows += [(s.title, s) for s in view.strategies]
        body += _strategies_table("partner", f"How you see your {partner}",
                                  f"Your {partner}", rows, missing=NOT_ENOUGH)
    body.append(f'<p class="note">{e(SEM_NOTE)}</p>')
    lede = _private("One check-in in full, as a page of your own.")
    return _document(title, lede, body, _now(now))


def _strategies_table(key: str, heading: str, column: str,
                      rows: Sequence[tuple[str, StrategyScore | None]],
                      missing: str = "no score") -> list[str]:
    out = [f'<section aria-labelledby="{key}">', f'<h2 id="{key}">{e(heading)}</h2>',
           f'<table class="cards" aria-labelledby="{key}">',
           f'<thead><tr><th>{e(column)}</th><th class="num">Score</th>'
           "<th>Bar</th><th>Band</th></tr></thead>", "<tbody>"]
    for title, strategy in rows:
        if strategy is None or strategy.score is None:
            score, drawn, band_name = "no score", _bar(None), missing if strategy is None \
                else strategy.band
        else:
            score = _with_sem(strategy.score, strategy.sem)
            drawn, band_name = _bar(strategy.score), strategy.band
        out.append(f'<tr><th scope="row">{e(title)}</th>'
                   f'<td class="num score" data-label="Score">{e(score)}</td>'
                   f"<td>{drawn}</td>"
                   f'<td data-label="Band">{e(band_name)}</td></tr>')
    out += ["</tbody>", "</table>", "</section>"]
    return out


def _focus_areas(result: Assessment) -> list[str]:
    if not result.focus:
        if result.overall is None:
            return []
        every = ("Every strategy with a score" if any(s.score is None for s in result.strategies)
                 else "Every strategy")
        return [f"<p>{e(every)} is strong. Keep doing what you are doing.</p>"]
    out = ['<section aria-labelledby="focus">', '<h2 id="focus">What to work on next</h2>',
           '<ol class="areas">']
    for area in result.focus:
        out += ["<li>", f'<span class="area-title">{e(area.title)}</span>',
                f'<span class="reason">{e(area.reason)}</span>']
        if area.actions:
            out += ["<ul>", *[f"<li>{e(action.text)}</li>" for action in area.actions], "</ul>"]
        out.append("</li>")
    out += ["</ol>", "</section>"]
    return out


# --- shared pieces -------------------------------------------------------------------------------


def _obstacles(obstacles: Sequence[object]) -> list[str]:
    out = ['<section aria-labelledby="obstacles">',
           '<h2 id="obstacles">Obstacles to watch for</h2>', '<ul class="plain">']
    for obstacle in obstacles:
        title, reason, remedy = (getattr(obstacle, name) for name in ("title", "reason",
                                                                      "remedy"))
        out.append(f'<li><span class="area-title">{e(title)}</span>: {e(reason)}'
                   f'<span class="remedy">{e(remedy)}</span></li>')
    out += ["</ul>", "</section>"]
    return out


def _bar(score: float | None) -> str:
    """A score from 0 to 100 as a small bar; decoration only (the number is beside it)."""
    filled = 0.0 if score is None else min(100.0, max(0.0, score))
    return ('<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" '
            'aria-hidden="true" focusable="false">'
            '<rect class="track" x="0" y="0" width="100" height="10"/>'
            f'<rect class="fill" x="0" y="0" width="{filled:g}" height="10"/></svg>')


def _with_sem(score: float, sem: float | None) -> str:
    from trustcheck.reliability import sem_or_default

    return f"{number(score)} ± {sem_or_default(sem):.0f}"


def _score_words(score: float | None, sem: float | None, band: str) -> str:
    """'62.5 ± 11 of 100, solid'; without a score, the band's words."""
    if score is None:
        return band
    return f"{_with_sem(score, sem)} of 100, {band}"


def _change(points: float, direction: str | None) -> str:
    """'+5', '-3.3', or 'about the same' within the noise: noise is not a change."""
    if direction == ABOUT_THE_SAME or round(points, 1) == 0:
        return ABOUT_THE_SAME
    return f"+{number(points)}" if points > 0 else f"-{number(-points)}"


def _who(role: str, partner: str | None) -> str:
    return f"{role} with {partner}" if partner else f"{role}, no partner named"


def _now(now: datetime | None) -> datetime:
    if now is not None:
        return now
    from datetime import timezone

    return datetime.now(timezone.utc)


def _day(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d")


def _moment(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
