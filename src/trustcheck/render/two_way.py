"""The two-way comparison for people (text) and the conversation guide (Markdown, HTML).

Drawn from `compare.TwoWay` and `compare.Guide` alone: scores with their ±, verdicts, open
commitments. They never hold item answers or share codes. Strategy titles and commitment texts
are still checklist or user text: control characters are removed everywhere, Markdown special
characters are escaped, and HTML goes through `html.escape(..., quote=True)`. The HTML page
follows the cohort report's rules: self-contained, no scripts, printable.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from trustcheck.compare import ABOUT_THE_SAME, Guide, TwoWay, View
from trustcheck.reliability import sem_or_default
from trustcheck.render.report import md
from trustcheck.text import one_line

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from trustcheck.exchange import SharedStrategy

ACTION_LINES = 3  # blank lines for the actions agreed at the meeting
MEANING = ("Scores run from 0 to 100; ± is one standard error of measurement, how far a score "
           "can wobble with nothing changed. A blind spot is where someone rates themselves "
           "clearly higher than their partner sees them, a hidden strength clearly lower; "
           "\"clearly\" means by more than the noise of both scores (95 %).")


def scored(score: float | None, sem: float | None) -> str:
    """"62 ± 11", or "no score"."""
    if score is None:
        return "no score"
    return f"{score:g} ± {sem_or_default(sem):.0f}"


def _date(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d")


def _felt(strategy: SharedStrategy | None,
          said: Callable[[float | None, float | None], str] | None = None) -> str:
    if strategy is None:
        return "not answered"
    return (said or scored)(strategy.score, strategy.sem)


# --- text --------------------------------------------------------------------------------


def text(console: Console, found: TwoWay) -> None:
    """Both views, both ways: plain, short, numbers with ±, never an item answer.

    Tables without box drawing when they fit the width, names never cut or wrapped; else (and
    in plain output, scores in words) a sentence per strategy. Wrapped lines hang under their
    text, and a command is never broken across lines."""
    from rich.text import Text

    from trustcheck.render import modes
    from trustcheck.render.text import fits, hanging, show, wrapped

    plain = modes.plain()
    said = _said_plainly if plain else scored
    other = f"your {found.partner.role}"
    show(console, hanging("", Text("How you and " + other + " see each other", style="bold")))
    show(console, hanging("", Text(f"Your check-in as a {found.you.role}: "
                                   f"{_date(found.you.taken_at)}; {other}'s: "
                                   f"{_date(found.partner.taken_at)}.")))
    console.print()
    console.print(Text("Felt trust", style="bold"))
    show(console, hanging("", Text(f"You trust {other}: {_felt(found.you.felt_trust, said)}. "
                                   f"{other.capitalize()} trusts you: "
                                   f"{_felt(found.partner.felt_trust, said)}.")))

    parts = (
        (found.you_seen, True, f"How you see yourself, and how {other} sees you", "You",
         other.capitalize(),
         f"{other.capitalize()}'s side holds no view of you to set beside yours."),
        (found.partner_seen, False, f"How {other} sees themselves, and how you see them",
         other.capitalize(), "You",
         f"Your check-in holds no view of {other} to set beside theirs; answer the part "
         "about your partner at your next check-in."))
    tables = [_table(views, own, seer) for views, _, _, own, seer, _ in parts]
    # One layout for the whole view: tables only when both fit.
    as_tables = not plain and all(fits(console, table) for table in tables)
    for (views, yours, heading, _, _, missing), table in zip(parts, tables, strict=True):
        console.print()
        show(console, hanging("", Text(heading, style="bold")))
        if not views:
            show(console, hanging("", Text(missing)))
            continue
        if as_tables:
            show(console, table)
            continue
        for view in views:
            mine, seen = said(view.self_score, view.self_sem), said(view.seen, view.seen_sem)
            figures = (f"you see yourself at {mine}, {other} sees you at {seen}" if yours else
                       f"{other} sees themselves at {mine}, you see them at {seen}")
            verdict = _verdict(view)
            if view.verdict != ABOUT_THE_SAME:
                verdict = Text.assemble("a ", verdict)
            show(console, hanging("" if plain else "- ", Text.assemble(
                (one_line(view.title), "bold"), f": {figures}; ", verdict, ".")))

    console.print()
    if not any(v.verdict != ABOUT_THE_SAME for v in found.you_seen + found.partner_seen):
        show(console, hanging("", Text("Where both views exist, they are about the same: each "
                                       "difference is within the noise of two questionnaires.")))
    meaning = MEANING.replace("± is", '"plus or minus" is') if plain else MEANING
    wrapped(console, meaning, style="dim")
    sealed = dict(found.commitments)
    if sealed:
        their_seal, my_seal = sealed.get(found.partner.role), sealed.get(found.you.role)
        wrapped(console,
                f"Your {found.partner.role}'s figures were sealed with {their_seal}; "
                + (f"yours with {my_seal}." if my_seal else "yours are not shared yet.")
                + " The same values on both screens mean neither of you changed anything after "
                "seeing the other's.", style="dim")
    wrapped(console, "For a one-page guide to your next meeting, add --format\u00a0markdown or "
            "--format\u00a0html.", style="dim")


def _table(views: Sequence[View], own: str, seer: str) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False, padding=(0, 1), header_style="bold",
                  show_edge=False)
    table.add_column("Strategy", no_wrap=True)
    table.add_column(own, justify="right", no_wrap=True)
    table.add_column(seer, justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    for view in views:
        table.add_row(Text(one_line(view.title)), scored(view.self_score, view.self_sem),
                      scored(view.seen, view.seen_sem), _verdict(view))
    return table


def _verdict(view: View) -> Text:
    from rich.text import Text

    return Text(view.verdict, style="dim" if view.verdict == ABOUT_THE_SAME else "bold yellow")


def _said_plainly(score: float | None, sem: float | None) -> str:
    """A score with its ± in words, for plain output: "62.5 (plus or minus 11)"."""
    if score is None:
        return "no score"
    return f"{score:g} (plus or minus {sem_or_default(sem):.0f})"


# --- the conversation guide --------------------------------------------------------------


class _Page(NamedTuple):
    """The guide's wording, shared by Markdown and HTML so both say the same."""

    title: str
    lede: str
    felt_trust: tuple[str, str]
    points: tuple[tuple[str, str], ...]  # (what differs, the opening question)
    no_points: str
    acknowledge: str
    commitments: tuple[str, ...]
    no_commitments: str
    afterwards: tuple[str, str, str]  # before, the command, after


def _about(view: View, yours: bool, other: str) -> str:
    """One sentence on whose strategy differs and how, with both scores."""
    if yours:
        figures = (f"you see yourself at {scored(view.self_score, view.self_sem)}, {other} "
                   f"sees you at {scored(view.seen, view.seen_sem)}")
        whose = "Your"
    else:
        figures = (f"{other} sees themselves at {scored(view.self_score, view.self_sem)}, you "
                   f"see them at {scored(view.seen, view.seen_sem)}")
        whose = other.capitalize() + "'s"
    return f"{whose} \"{one_line(view.title)}\": {figures} (a {view.verdict})."


def _page(guide: Guide) -> _Page:
    found = guide.two_way
    other = f"your {found.partner.role}"
    if guide.acknowledge is None:
        acknowledge = ("No hidden strength stood out this time; tell each other one thing you "
                       "value in how the other works with you.")
    else:
        yours, view = guide.acknowledge
        title = one_line(view.title)
        acknowledge = (
            f"{other.capitalize()} sees your \"{title}\" at {scored(view.seen, view.seen_sem)}, "
            f"higher than you see yourself ({scored(view.self_score, view.self_sem)}): thank "
            "them, and ask what they notice." if yours else
            f"You see {other}'s \"{title}\" at {scored(view.seen, view.seen_sem)}, higher than "
            f"they see themselves ({scored(view.self_score, view.self_sem)}): tell them what "
            "you notice.")
    return _Page(
        title="Conversation guide for your next meeting",
        lede=(f"For you ({found.you.role}) and {other}, from your check-in of "
              f"{_date(found.you.taken_at)} and theirs of {_date(found.partner.taken_at)}. "
              f"{MEANING}"),
        felt_trust=(f"You trust {other}: {_felt(found.you.felt_trust)}.",
                    f"{other.capitalize()} trusts you: {_felt(found.partner.felt_trust)}."),
        points=tuple((_about(point.view, point.yours, other), point.question)
                     for point in guide.talking_points),
        no_points=("Where both of you answered, your views agree within the noise; ask each "
                   "other what is going well and what could be better."),
        acknowledge=acknowledge,
        commitments=tuple(f"{one_line(o.commitment.text)} (since {_date(o.made_at)})"
                          for o in found.open_commitments),
        no_commitments="You have no open commitments in this relationship.",
        afterwards=("Afterwards, record each action you agreed with",
                    'trustcheck commitments add ACTION_ID|"TEXT" --partner NAME',
                    "so your next check-in asks how it went."),
    )


def markdown(guide: Guide) -> str:
    """The guide as Markdown, for a wiki, an email or printing."""
    page = _page(guide)
    out = [f"# {md(page.title)}", "", md(page.lede), "", "## How much you trust each other", ""]
    out += [f"- {md(line)}" for line in page.felt_trust]
    out += ["", "## Talking points", ""]
    if page.points:
        for number, (about, question) in enumerate(page.points, start=1):
            out += [f"{number}. {md(about)}", f"   *Opening question:* {md(question)}"]
    else:
        out.append(md(page.no_points))
    out += ["", "## A strength to acknowledge", "", md(page.acknowledge), "",
            "## Your open commitments", ""]
    out += [f"- {md(line)}" for line in page.commitments] or [md(page.no_commitments)]
    out += ["", "## Actions we agree", ""]
    out += [f"{number}. ______________________________________________"
            for number in range(1, ACTION_LINES + 1)]
    before, command, after = page.afterwards
    out += ["", f"{md(before)} `{command}`, {md(after)}", ""]
    return "\n".join(out)


def e(value: object) -> str:
    """Text ready for HTML text and attribute values."""
    return html.escape(one_line(value), quote=True)


CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
html { background: #fff; }
body {
  margin: 0 auto; max-width: 900px; padding: 28px 36px 48px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 18px; line-height: 1.45; color: #111; background: #fff; overflow-wrap: anywhere;
}
h1 { font-size: 1.8em; line-height: 1.15; margin: 0 0 0.3em; }
h2 { font-size: 1.25em; margin: 1.2em 0 0.4em; padding-top: 0.3em;
     border-top: 3px solid #1f3a5f; }
p, li { margin: 0.3em 0; }
.lede { color: #333; }
.question { display: block; font-style: italic; margin-top: 0.15em; }
ol.points > li { margin-bottom: 0.7em; }
ol.actions { padding-left: 1.4em; }
ol.actions li { border-bottom: 1px solid #555; height: 2.2em; }
footer { margin-top: 1.6em; font-size: 0.85em; color: #444; }
.command { font-family: ui-monospace, Menlo, Consolas, monospace; }
@media print {
  @page { margin: 14mm; }
  html, body { background: #fff !important; color: #000 !important; }
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2 { break-after: avoid; page-break-after: avoid; border-top-color: #000; }
  .lede, footer { color: #000 !important; }
  li { break-inside: avoid; page-break-inside: avoid; }
}
"""


def html_page(guide: Guide) -> str:
    """The guide as one self-contained, printable HTML page."""
    from trustcheck.render.html import head

    page = _page(guide)
    out = [
        *head(page.title, CSS),
        f"<header><h1>{e(page.title)}</h1>",
        f'<p class="lede">{e(page.lede)}</p></header>',
        "<main>",
        "<h2>How much you trust each other</h2>",
        "<ul>" + "".join(f"<li>{e(line)}</li>" for line in page.felt_trust) + "</ul>",
        "<h2>Talking points</h2>",
    ]
    if page.points:
        out.append('<ol class="points">' + "".join(
            f'<li>{e(about)}<span class="question">Opening question: {e(question)}</span></li>'
            for about, question in page.points) + "</ol>")
    else:
        out.append(f"<p>{e(page.no_points)}</p>")
    out += ["<h2>A strength to acknowledge</h2>", f"<p>{e(page.acknowledge)}</p>",
            "<h2>Your open commitments</h2>"]
    if page.commitments:
        out.append("<ul>" + "".join(f"<li>{e(line)}</li>" for line in page.commitments)
                   + "</ul>")
    else:
        out.append(f"<p>{e(page.no_commitments)}</p>")
    out += ["<h2>Actions we agree</h2>",
            '<ol class="actions">' + "<li></li>" * ACTION_LINES + "</ol>",
            "</main>",
            f"<footer><p>{e(page.afterwards[0])} "
            f'<span class="command">{e(page.afterwards[1])}</span>, '
            f"{e(page.afterwards[2])}</p><p>Made by trustcheck from scores only: no "
            "answers to single statements, no codes.</p></footer>",
            "</body>", "</html>", ""]
    return "\n".join(out)

