"""Human-readable output with Rich. User text always goes in as Text, never as markup."""

from __future__ import annotations

import errno
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import IO, TYPE_CHECKING

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from trustcheck.render.listing import BAND_STYLES, local_time, score_text
from trustcheck.render.table import signed
from trustcheck.text import one_line

if TYPE_CHECKING:
    from trustcheck.assessment import Assessment
    from trustcheck.checklist import Checklist, Listing
    from trustcheck.compare import Comparison
    from trustcheck.focus import ObstacleFlag, Progress
    from trustcheck.records import CommitmentRecord, Relationship
    from trustcheck.usecases.checkin import Scored

BAR_WIDTH = 20


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # Rich exits 1 itself; let the CLI's one error handler treat a closed pipe as it does
        # everywhere else (`trustcheck history show last | head` is not an error).
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")


def make_console(stream: IO[str], width: int | None = None) -> Console:
    # Rich honours NO_COLOR and turns colour off when the stream is not a terminal.
    return _Console(file=stream, highlight=False, emoji=False, width=width, soft_wrap=False)


def user(text: object, style: str = "") -> Text:
    """User or checklist text, shown exactly as typed but without control characters."""
    return Text(one_line(text), style=style)


def bar(score: float | None, style: str = "") -> Text:
    if score is None:
        return Text("-" * BAR_WIDTH, style="dim")
    filled = round(score / 100 * BAR_WIDTH)
    return Text("█" * filled + "░" * (BAR_WIDTH - filled), style=style)


def with_sem(score: float | None, sem: float | None) -> str:
    """A score with its uncertainty, "62 ± 11": ± is one standard error of measurement (the
    README's "How scores and focus areas are worked out"), to whole points."""
    from trustcheck.reliability import sem_or_default

    if score is None:
        return score_text(score)
    return f"{score:g} ± {sem_or_default(sem):.0f}"


def _sem_note(score: float | None, sem: float | None) -> str:
    """" (± 3)" after a score that has one, to whole points."""
    return "" if score is None or sem is None else f" (± {sem:.0f})"


def assessment(console: Console, result: Assessment, *, answers: bool = False,
               compared: Progress | None = None) -> None:
    """A whole result: strategy table, overall index, focus areas, obstacles, a strength.

    With `compared`, each score shows its change since the previous check-in.
    """
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
    if compared is not None:
        table.add_column(f"Since {local_date(compared.created_at)}", justify="right")
    for strategy in result.strategies:
        style = BAND_STYLES.get(strategy.band, "")
        row: list[str | Text] = [user(strategy.title), user(strategy.group),
                                 with_sem(strategy.score, strategy.sem),
                                 bar(strategy.score, style), Text(strategy.band, style=style)]
        if compared is not None:
            row.append(change_text(compared.strategies.get(strategy.id),
                                   compared.directions.get(strategy.id)))
        table.add_row(*row)
    console.print(table)
    band_style = BAND_STYLES.get(result.band, "")
    from trustcheck.focus import overall_sem

    overall = Text.assemble(
        ("Overall trust index: ", "bold"), (score_text(result.overall), f"bold {band_style}"),
        " of 100", _sem_note(result.overall, overall_sem(result.strategies)), ", ",
        (result.band, band_style))
    if compared is not None and compared.overall_change is not None:
        overall.append(" (")
        overall.append_text(change_text(compared.overall_change, compared.overall_direction))
        overall.append(f" since {local_date(compared.created_at)})")
    console.print(overall)
    not_came_up = result.not_came_up
    if not_came_up:
        console.print(Text(
            f"{not_came_up} statement{'s' if not_came_up != 1 else ''} didn't come up this "
            "time; they count neither for nor against a score.", style="dim"))
    if result.overall is not None:
        console.print(Text("± is one standard error of measurement: how far a score can wobble "
                           "with nothing changed.", style="dim"))
    partner_view(console, result)
    follow_through_told(console, result)
    focus(console, result)
    commitments_made(console, result)
    if answers:
        console.print()
        console.print(Text("Answers", style="bold"))
        for item_id, value in result.answers.items():
            console.print(Text.assemble("  ", user(item_id), ": ",
                                        "skipped" if value is None else str(value)))


def partner_view(console: Console, result: Assessment) -> None:
    """"How you see your mentor": felt trust and the partner's strategies, when answered."""
    from trustcheck.scoring import NOT_ENOUGH

    part = result.partner_view
    if part is None:
        return
    partner = "mentee" if result.role == "mentor" else "mentor"
    console.print()
    console.print(Text(f"How you see your {partner}", style="bold"))
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    table.add_column(f"Your {partner}")
    table.add_column("Score", justify="right")
    table.add_column("", no_wrap=True)
    table.add_column("Band")
    felt = part.felt_trust
    rows = [(Text("Felt trust", style="bold"), felt)] + [(user(s.title), s)
                                                         for s in part.strategies]
    for title, strategy in rows:
        if strategy is None:  # felt trust without enough answers for a score
            table.add_row(title, score_text(None), bar(None), Text(NOT_ENOUGH, style="dim"))
            continue
        style = BAND_STYLES.get(strategy.band, "")
        table.add_row(title, with_sem(strategy.score, strategy.sem), bar(strategy.score, style),
                      Text(strategy.band, style=style))
    console.print(table)
    from trustcheck.focus import felt_trust_note

    note = felt_trust_note(result)
    if note:
        console.print(indented(Text(note), 0))


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
        every = ("Every strategy with a score" if any(s.score is None for s in result.strategies)
                 else "Every strategy")
        console.print(f"{every} is strong. Keep doing what you are doing.")
    if result.obstacles:
        _obstacles(console, result.obstacles)
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
        reliability = "" if strategy.reliability is None else \
            f", reliability {strategy.reliability:.2f}"
        console.print(Text.assemble(user(strategy.title, "bold"), " ",
                                    (f"[{one_line(strategy.id)}, {one_line(strategy.group)}"
                                     f"{reliability}]", "dim")))
        if strategy.why:
            console.print(Text.assemble("  ", user(strategy.why, "italic")))
        for item in strategy.items:
            mark = " (reverse)" if item.reverse else ""
            if item.conditional:
                mark += " (may not come up)"
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


def _points_text(points: float) -> str:
    return f"{points:g} point" + ("" if points == 1 else "s")


def _partner_noun(role: str) -> str:
    return f"your {role}"


def _side_line(label: str, result: Assessment) -> Text:
    parts: list = [(label, "bold")]
    if label == "You":
        parts.append(f" ({result.role})")
    if result.partner:
        parts += [", about ", user(result.partner)]
    parts.append(f", {local_time(result.created_at)} (checklist ")
    parts += [user(result.checklist.id), ", version ", user(result.checklist.version), ")"]
    if not result.answers:
        parts.append(("; scores only", "dim"))
    return Text.assemble("  ", *parts)


def gap_sentence(title: str, gap: float, other: str) -> Text:
    """One kind sentence saying who sees a strategy higher, and by how much."""
    points = _points_text(abs(gap))
    if gap > 0:
        return Text.assemble("You see \"", user(title, "bold"),
                             f"\" {points} higher than {other} does: worth talking about together.")
    return Text.assemble(other[0].upper() + other[1:], " sees \"", user(title, "bold"),
                         f"\" {points} higher than you do: worth talking about together.")


def comparison(console: Console, result: Comparison) -> None:
    """Two views of one relationship: shared strategies by gap, what to talk about, the rest."""
    other = _partner_noun(result.b.role)
    other_title = other[0].upper() + other[1:]
    console.print(Text("Comparing two views of the same mentoring relationship", style="bold"))
    console.print(_side_line("You", result.a))
    console.print(_side_line(other_title, result.b))

    console.print()
    console.print(Text("Shared strategies, largest gap first", style="bold"))
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("Strategy")
    table.add_column("You", justify="right")
    table.add_column(other_title, justify="right")
    table.add_column("Gap", justify="right")
    table.add_column("")
    for gap in result.shared:
        if gap.gap is None:
            note = Text("not enough answers to compare", style="dim")
        elif gap.flagged:
            note = Text("worth talking about", style="bold yellow")
        else:
            note = Text("about the same", style="dim")
        table.add_row(user(gap.title), with_sem(gap.a, gap.sem_a), with_sem(gap.b, gap.sem_b),
                      score_text(None if gap.gap is None else abs(gap.gap)), note)
    console.print(table)

    overall = Text.assemble(("Overall trust index: ", "bold"), "you ",
                            score_text(result.a.overall), f", {other} ",
                            score_text(result.b.overall))
    if result.overall_gap is not None:
        overall.append(f", {_points_text(abs(result.overall_gap))} apart")
        if result.overall_difference is not None \
                and result.overall_difference.direction == "about the same":
            overall.append(" (about the same)")
    overall.append(". Each index also counts the strategies only one of you answers, so the "
                   "shared strategies above are the fairer comparison.")
    console.print(overall)

    console.print()
    flagged = result.flagged
    if flagged:
        console.print(Text("Worth talking about together", style="bold"))
        for number, gap in enumerate(flagged, start=1):
            assert gap.gap is not None  # compare flags only gaps it could measure
            console.print(Text.assemble(f"{number}. ", gap_sentence(gap.title, gap.gap, other)))
            if gap.actions:
                console.print(indented(Text("Things you could try together:"), 3))
                for action in gap.actions:
                    console.print(indented(Text.assemble(
                        "- ", user(action.text), " ", (f"[{one_line(action.id)}]", "dim")), 5))
            elif gap.note:
                console.print(indented(user(gap.note), 3))
    else:
        where = ("Where you both have a score, your views" if any(
            g.gap is None for g in result.shared) else "Your views of every shared strategy")
        console.print(Text(
            f"{where} are about the same: each gap is within what two check-ins can differ by "
            "with nothing changed, so you see this relationship in much the same way."))

    for label, own in ((f"Only you answer these ({result.a.role} strategies)", result.own_a),
                       (f"Only {other} answers these ({result.b.role} strategies)",
                        result.own_b)):
        if not own:
            continue
        console.print()
        console.print(Text(label, style="bold"))
        own_table = Table(show_edge=False, pad_edge=False, header_style="bold")
        own_table.add_column("Strategy")
        own_table.add_column("Score", justify="right")
        own_table.add_column("Band")
        for strategy in own:
            style = BAND_STYLES.get(strategy.band, "")
            own_table.add_row(user(strategy.title), with_sem(strategy.score, strategy.sem),
                              Text(strategy.band, style=style))
        console.print(own_table)


# --- change, commitments and the focus plan (`assess`, `focus`, `commitments`) ----------------

def local_date(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d")


def change_text(points: float | None, direction: str | None = None) -> Text:
    """A change in points: +5.0 (green), -3.3 (red), 0.0, or — when there is nothing to compare.

    With the reliable-change verdict, a change within the noise is dim and says so:
    "-8.3 about the same".
    """
    shown = signed(points)
    if direction == "about the same" and points:
        return Text(f"{shown} about the same", style="dim")
    style = {"+": "green", "-": "red"}.get(shown[0], "dim")
    return Text(shown, style=style)


STATUS_STYLES = {"open": "cyan", "done": "green", "partly": "yellow", "not_done": "red"}


def status_text(status: str | None) -> Text:
    from trustcheck.commitments import STATUS_LABELS

    name = status or "open"
    return Text(STATUS_LABELS.get(name, name), style=STATUS_STYLES.get(name, ""))


def follow_through_told(console: Console, result: Assessment) -> None:
    """How the commitments of last time went, as told at this check-in."""
    if not result.follow_through:
        return
    console.print()
    console.print(Text("How your commitments from last time went", style="bold"))
    for review in result.follow_through:
        console.print(Text.assemble("- ", status_text(review.status), ": ", user(review.text)))


def commitments_made(console: Console, result: Assessment) -> None:
    """The actions chosen at this check-in, to try before the next one."""
    if not result.commitments:
        return
    console.print()
    console.print(Text("Your commitments until the next check-in", style="bold"))
    for commitment in result.commitments:
        console.print(indented(Text.assemble("- ", user(commitment.text), " ",
                                             (f"[{one_line(commitment.action)}]", "dim")), 0))


def relationship_name(role: str, partner: str | None) -> Text:
    if partner:
        return Text.assemble(f"{role} with ", user(partner, "bold"))
    return Text(f"{role}, no partner named")


def rate_text(rate: float | None, reviewed: int) -> str:
    """The follow-through rate in words: '75% (4 reviewed)'."""
    if rate is None:
        return "no commitments reviewed yet"
    return f"{rate:g}% ({reviewed} reviewed)"


def _obstacles(console: Console, obstacles: Sequence[ObstacleFlag]) -> None:
    console.print()
    console.print(Text("Obstacles to watch for", style="bold"))
    for obstacle in obstacles:
        console.print(Text.assemble("- ", user(obstacle.title, "bold"), ": ",
                                    user(obstacle.reason)))
        console.print(indented(user(obstacle.remedy), 2))


def commitment_list(console: Console,
                    groups: Sequence[tuple[Relationship, Sequence[CommitmentRecord],
                                           float | None, int]]) -> None:
    """`trustcheck commitments`: per relationship, open and past commitments with their status."""
    for index, (relationship, records, rate, reviewed) in enumerate(groups):
        if index:
            console.print()
        console.print(Text.assemble(relationship_name(relationship.role, relationship.partner),
                                    ("  ·  follow-through: ", "bold"), rate_text(rate, reviewed)))
        table = Table(show_edge=False, pad_edge=False, header_style="bold")
        table.add_column("Chosen", no_wrap=True)
        table.add_column("Action")
        table.add_column("Status", no_wrap=True)
        table.add_column("Reviewed", no_wrap=True)
        for record in records:
            table.add_row(local_date(record.made_at),
                          Text.assemble(user(record.commitment.text), " ",
                                        (f"[{one_line(record.commitment.action)}]", "dim")),
                          status_text(record.status),
                          local_date(record.reviewed_at) if record.reviewed_at else "")
        console.print(table)


def check_in(console: Console, result: Assessment) -> None:
    """`trustcheck history show`: one saved check-in in full, with every answer."""
    assessment(console, result, answers=True)


def scored(console: Console, found: Scored) -> None:
    """`trustcheck assess`: the result, beside the previous check-in when there is one."""
    assessment(console, found.result, compared=found.change)
