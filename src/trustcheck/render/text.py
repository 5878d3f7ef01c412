"""Human-readable output with Rich. User text always goes in as Text, never as markup."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import IO, TYPE_CHECKING

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from trustcheck.render.listing import BAND_STYLES, local_time, score_text
from trustcheck.render.safe import one_line, plain

if TYPE_CHECKING:
    from trustcheck.assessment import Assessment
    from trustcheck.checklist import Checklist, Listing
    from trustcheck.errors import Problem

BAR_WIDTH = 20


def make_console(stream: IO[str], width: int | None = None) -> Console:
    # Rich honours NO_COLOR and turns colour off when the stream is not a terminal.
    return Console(file=stream, highlight=False, emoji=False, width=width, soft_wrap=False)


def user(text: object, style: str = "") -> Text:
    """User or checklist text, shown exactly as typed but without control characters."""
    return Text(one_line(text), style=style)


def bar(score: float | None, style: str = "") -> Text:
    if score is None:
        return Text("-" * BAR_WIDTH, style="dim")
    filled = round(score / 100 * BAR_WIDTH)
    return Text("█" * filled + "░" * (BAR_WIDTH - filled), style=style)


def assessment(console: Console, result: Assessment, *, answers: bool = False) -> None:
    """A whole result: strategy table, overall index, focus areas, obstacles, a strength."""
    heading = Text.assemble(
        ("Trust check", "bold"), " for a ", (result.role, "bold"),
        *(((" with ", ""), user(result.partner, "bold")) if result.partner else ()),
        *(((" (cohort ", ""), user(result.cohort), (")", "")) if result.cohort else ()),
        f", {local_time(result.created_at)}",
    )
    console.print(heading)
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("Strategy")
    table.add_column("Group")
    table.add_column("Score", justify="right")
    table.add_column("", no_wrap=True)
    table.add_column("Band")
    for strategy in result.strategies:
        style = BAND_STYLES.get(strategy.band, "")
        table.add_row(user(strategy.title), user(strategy.group), score_text(strategy.score),
                      bar(strategy.score, style),
                      Text(strategy.band, style=style))
    console.print(table)
    band_style = BAND_STYLES.get(result.band, "")
    console.print(Text.assemble(
        ("Overall trust index: ", "bold"), (score_text(result.overall), f"bold {band_style}"),
        " of 100, ", (result.band, band_style)))
    focus(console, result)
    if answers:
        console.print()
        console.print(Text("Answers", style="bold"))
        for item_id, value in result.answers.items():
            console.print(Text.assemble("  ", user(item_id), ": ",
                                        "skipped" if value is None else str(value)))


def indented(renderable: Text, by: int) -> Padding:
    """Wrapped lines keep the indent of the first, so lists stay readable."""
    return Padding(renderable, (0, 0, 0, by), expand=False)


def focus(console: Console, result: Assessment) -> None:
    if result.focus:
        console.print()
        console.print(Text("What to work on next", style="bold"))
        for number, area in enumerate(result.focus, start=1):
            console.print(Text.assemble(f"{number}. ", user(area.title, "bold")))
            console.print(indented(user(area.reason), 3))
            for action in area.actions:
                console.print(indented(Text.assemble("- ", user(action.text), " ",
                                                     (f"[{one_line(action.id)}]", "dim")), 3))
    elif result.overall is not None:
        console.print()
        console.print("Every strategy is strong. Keep doing what you are doing.")
    if result.obstacles:
        console.print()
        console.print(Text("Obstacles to watch for", style="bold"))
        for obstacle in result.obstacles:
            console.print(Text.assemble("- ", user(obstacle.title, "bold"), ": ",
                                        user(obstacle.reason)))
            console.print(indented(user(obstacle.remedy), 2))
    if result.strength is not None:
        console.print()
        console.print(Text.assemble(("A strength to keep: ", "bold"),
                                    user(result.strength.title), " - ",
                                    user(result.strength.reason)))


def checklist_listing(console: Console, listings: Iterable[Listing]) -> None:
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    for name in ("Id", "Role", "Version", "Statements", "Title", "From"):
        table.add_column(name)
    for listing in listings:
        checklist = listing.checklist
        if checklist is None:
            continue
        table.add_row(user(checklist.id), checklist.role or "", user(checklist.version),
                      str(len(checklist.items)), user(checklist.title),
                      "built in" if listing.builtin else user(str(listing.path)))
    console.print(table)


def checklist(console: Console, checklist: Checklist) -> None:
    console.print(Text.assemble(user(checklist.title, "bold"), "  ",
                                (f"({one_line(checklist.id)}, version "
                                 f"{one_line(checklist.version)}, for {checklist.role or 'any'} "
                                 f"role)", "dim")))
    if checklist.description:
        console.print(user(checklist.description))
    scale = checklist.scale
    labels = ", ".join(f"{value} {scale.label(value)}" for value in scale.points)
    console.print(Text.assemble("Scale: ", user(labels), ", or ", user(scale.skip_label)))
    for strategy in checklist.strategies:
        console.print()
        console.print(Text.assemble(user(strategy.title, "bold"), " ",
                                    (f"[{one_line(strategy.id)}, {one_line(strategy.group)}]",
                                     "dim")))
        if strategy.why:
            console.print(Text.assemble("  ", user(strategy.why, "italic")))
        for item in strategy.items:
            mark = " (reverse)" if item.reverse else ""
            console.print(Text.assemble("  ", (one_line(item.id), "dim"), "  ", user(item.text),
                                        (mark, "dim")))
        for action in strategy.actions:
            console.print(Text.assemble("  action ", (one_line(action.id), "dim"), "  ",
                                        user(action.text)))
    if checklist.obstacles:
        console.print()
        console.print(Text("Obstacles", style="bold"))
        for obstacle in checklist.obstacles:
            signals = ", ".join(one_line(s) for s in obstacle.signals)
            console.print(Text.assemble("  ", user(obstacle.title, "bold"),
                                        (f" [{one_line(obstacle.id)}; signs: {signals}]", "dim")))
            console.print(Text.assemble("    ", user(obstacle.remedy)))


def problems(console: Console, message: str, found: Sequence[Problem]) -> None:
    """An error: one plain sentence, then each problem on its own line."""
    console.print(Text(plain(message)))
    for problem in found:
        console.print(Text.assemble("  - ", user(str(problem))))
