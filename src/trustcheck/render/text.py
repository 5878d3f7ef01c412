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
    from trustcheck.compare import Comparison, Gap
    from trustcheck.focus import ObstacleFlag, Progress
    from trustcheck.records import CommitmentRecord, Relationship
    from trustcheck.scoring import StrategyScore
    from trustcheck.usecases.checkin import InFull, Scored

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


def bar(score: float | None, style: str = "", width: int = BAR_WIDTH) -> Text:
    if score is None:
        return Text("-" * width, style="dim")
    filled = round(score / 100 * width)
    return Text("█" * filled + "░" * (width - filled), style=style)


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


# --- one check-in: the summary that leads, and the detail on request ----------------------------
#
# The summary (`assess`, the top of `history show`) fits 24 lines at 80 columns: the overall index
# with its ±, one compact row per strategy, only the changes beyond measurement noise, and the top
# focus areas with one action each. The detail (`assess --details`, the `d` key at the end of the
# questionnaire, `history show`) adds every action, obstacles, a strength, the partner view and
# commitments. No ids in either: they belong to JSON and `checklists show`.

SUMMARY_LINES = 24  # the most the summary takes at 80 columns (issue 12)
NARROW_BELOW = 100  # columns: below this, the narrow layout (no group, no bars)
SHORT_BAR = 10


def score_words(score: float | None, sem: float | None, band: str) -> str:
    """A score in words and numbers for plain output: "62.5 out of 100, plus or minus 11,
    solid"."""
    from trustcheck.reliability import sem_or_default

    if score is None:
        return band
    return f"{score_text(score)} out of 100, plus or minus {sem_or_default(sem):.0f}, {band}"


def change_words(points: float | None, direction: str | None) -> str:
    """A real change in words ("up 12.5", "down 8"), or "" for none or one within the noise."""
    if points is None or direction not in ("higher", "lower"):
        return ""
    return f"{'up' if points > 0 else 'down'} {score_text(abs(points))}"


def _real_change(points: float | None, direction: str | None) -> Text:
    """The Change cell: only a change beyond the noise; noise is not called a change."""
    if points is None or direction not in ("higher", "lower"):
        return Text("")
    shown = f"+{score_text(points)}" if points > 0 else f"-{score_text(abs(points))}"
    return Text(shown, style="green" if points > 0 else "red")


def hanging(prefix: str | Text, body: Text | str, indent: int = 0) -> Table:
    """`prefix` then `body`, whose wrapped lines line up under its first word (a hanging
    indent); words are never broken."""
    grid = Table.grid(padding=0)
    row: list[Text | str] = []
    if indent:
        grid.add_column(width=indent, no_wrap=True)
        row.append("")
    if prefix:
        grid.add_column(width=len(prefix), no_wrap=True)
        row.append(prefix)
    # A word longer than the whole line is cut with "…" rather than folded mid-word.
    grid.add_column(overflow="ellipsis")
    row.append(body if isinstance(body, Text) else Text(body))
    grid.add_row(*row)
    return grid


def progress(number: int, total: int) -> str:
    """Where the questionnaire is: "5/44", or in plain output "Statement 5 of 44:" (a screen
    reader reads "5/44" as a fraction)."""
    from trustcheck.render import modes

    return f"Statement {number} of {total}:" if modes.plain() else f"{number}/{total}"


def show(console: Console, renderable: Table | Text | str) -> None:
    """Print without the blanks Rich pads tables and grids with to their right edge: a line
    ends where its text does (screen readers and copied text stay clean)."""
    from rich.segment import Segment, Segments

    if isinstance(renderable, str):
        console.print(renderable)
        return
    for line in console.render_lines(renderable, console.options, pad=False):
        while line and not line[-1].control and not line[-1].text.strip():
            line.pop()
        if line and not line[-1].control:
            last = line[-1]
            line[-1] = Segment(last.text.rstrip(), last.style)
        console.print(Segments([*line, Segment.line()]), end="")


def _who(result: Assessment) -> Text:
    when = local_time(result.created_at)
    return Text.assemble(
        ("Your check-in", "bold"), f" as a {result.role}",
        *((" with ", user(result.partner, "bold")) if result.partner else ()),
        *((" (cohort ", user(result.cohort), ")") if result.cohort else ()),
        f", {when}")


def _overall(result: Assessment, plain: bool) -> Text:
    from trustcheck.focus import overall_sem

    band_style = BAND_STYLES.get(result.band, "")
    sem = overall_sem(result.strategies)
    if plain:
        line = Text.assemble(("Overall trust index: ", "bold"),
                             score_words(result.overall, sem, result.band), ".")
    else:
        line = Text.assemble(
            ("Overall trust index: ", "bold"), (score_text(result.overall), f"bold {band_style}"),
            " of 100", _sem_note(result.overall, sem), ", ", (result.band, band_style))
    return line


def _strategy_rows(console: Console, result: Assessment, compared: Progress | None,
                   plain: bool) -> list[Table | Text]:
    """The strategies: a table, or in plain output one sentence each."""
    changes = {} if compared is None else {
        s.id: (compared.strategies.get(s.id), compared.directions.get(s.id))
        for s in result.strategies}
    any_real = any(change_words(*c) for c in changes.values())
    if plain:
        lines: list[Table | Text] = []
        for strategy in result.strategies:
            moved = change_words(*changes.get(strategy.id, (None, None)))
            lines.append(hanging("", Text.assemble(
                user(strategy.title), ": ", score_words(strategy.score, strategy.sem,
                                                        strategy.band),
                f", {moved}" if moved else "", ".")))
        return lines
    wide = console.width >= NARROW_BELOW
    table = Table(box=None, pad_edge=False, padding=(0, 1), header_style="bold",
                  show_edge=False)
    table.add_column("Strategy", no_wrap=True)
    if wide:
        table.add_column("Group", no_wrap=True)
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    table.add_column("Band", no_wrap=True)
    if any_real:
        table.add_column("Change", justify="right", no_wrap=True)
    for strategy in result.strategies:
        style = BAND_STYLES.get(strategy.band, "")
        row: list[str | Text] = [user(strategy.title)]
        if wide:
            row.append(user(strategy.group))
        row += [with_sem(strategy.score, strategy.sem),
                bar(strategy.score, style, BAR_WIDTH if wide else SHORT_BAR),
                Text(strategy.band, style=style)]
        if any_real:
            row.append(_real_change(*changes.get(strategy.id, (None, None))))
        table.add_row(*row)
    return [table]


def _change_note(compared: Progress | None, result: Assessment, plain: bool) -> Text | None:
    """Since when, how the overall index moved, and that only real changes are shown."""
    if compared is None:
        return None
    since = local_date(compared.created_at)
    overall = change_words(compared.overall_change, compared.overall_direction) or (
        "about the same" if compared.overall_change is not None else "")
    text = f"Since {since}:" + (f" overall {overall}." if overall else "")
    if any(change_words(compared.strategies.get(s.id), compared.directions.get(s.id))
           for s in result.strategies):
        text += " Only real changes are named." if plain else " Change shows only real changes."
    else:
        text += " No strategy changed beyond noise."
    return Text(text, style="dim")


def _focus_lines(result: Assessment, count: int) -> list[Table | Text]:
    """The top focus areas by title, each with its first action."""
    lines: list[Table | Text] = []
    if not result.focus:
        if result.overall is not None:
            every = ("Every strategy with a score" if any(
                s.score is None for s in result.strategies) else "Every strategy")
            lines.append(Text(f"{every} is strong. Keep doing what you are doing."))
        return lines
    heading = Text("What to work on next", style="bold")
    if count < len(result.focus):
        heading.append(f" (the first {count} of {len(result.focus)}; all of them in full)",
                       style="dim")
    lines.append(heading)
    for number, area in enumerate(result.focus[:count], start=1):
        body = Text.assemble(user(area.title, "bold"))
        if area.actions:
            body.append(": ")
            body.append_text(user(area.actions[0].text))
        lines.append(hanging(f"{number}. ", body))
    return lines


def summary(console: Console, result: Assessment, compared: Progress | None = None) -> None:
    """What matters first, in at most 24 lines at 80 columns (fewer focus areas if need be)."""
    from trustcheck.render import modes

    plain = modes.plain()
    head: list[Table | Text | str] = [_who(result), _overall(result, plain), ""]
    head += _strategy_rows(console, result, compared, plain)
    notes: list[Table | Text | str] = []
    change = _change_note(compared, result, plain)
    if change is not None:
        notes.append(hanging("", change))
    if result.not_came_up:
        count = result.not_came_up
        notes.append(hanging("", Text(
            f"{count} statement{'s' if count != 1 else ''} didn't come up this time; they "
            "count neither for nor against a score.", style="dim")))
    from trustcheck.focus import felt_trust_note

    felt = felt_trust_note(result)  # low felt trust is said in the summary, never left to detail
    if felt:
        notes.append(hanging("", Text(felt)))
    promised: list[Table | Text | str] = []
    if result.commitments:  # what the person chose to try: part of what matters
        promised = ["", Text("Your commitments until the next check-in", style="bold")]
        promised += [hanging("- ", user(c.text)) for c in result.commitments]
    shown = len(result.focus)
    while True:
        focus_part = _focus_lines(result, shown)
        parts = head + notes + ([""] + focus_part if focus_part else []) + promised
        if shown <= 1 or _height(console, parts) <= SUMMARY_LINES:
            break
        shown -= 1
    for part in parts:
        show(console, part)


def _height(console: Console, parts: Sequence[Table | Text | str]) -> int:
    options = console.options
    return sum(len(console.render_lines(part, options, pad=False)) if part != "" else 1
               for part in parts)


def details(console: Console, result: Assessment) -> None:
    """Everything else: every focus area with its reason and actions, obstacles, a strength,
    how you see your partner, commitments, and what ± means."""
    console.print()
    console.print(Text("In full", style="bold underline"))
    focus(console, result)
    partner_view(console, result)
    follow_through_told(console, result)  # (the commitments made are in the summary)
    if result.overall is not None:
        from trustcheck.render import modes

        sign = "\"Plus or minus\"" if modes.plain() else "±"
        console.print()
        show(console, hanging("", Text(
            f"{sign} is one standard error of measurement: how far a score can wobble with "
            "nothing changed.", style="dim")))


def assessment(console: Console, result: Assessment, *, answers: bool = False,
               compared: Progress | None = None) -> None:
    """A whole check-in: the summary, then everything in full (and the answers, if asked)."""
    summary(console, result, compared)
    details(console, result)
    if answers:
        console.print()
        console.print(Text("Answers, by statement id (`trustcheck checklists show` has the "
                           "statements)", style="bold"))
        for item_id, value in result.answers.items():
            console.print(Text.assemble("  ", user(item_id), ": ",
                                        "skipped" if value is None else str(value)))


def partner_view(console: Console, result: Assessment) -> None:
    """"How you see your mentor": felt trust and the partner's strategies, when answered."""
    from trustcheck.render import modes
    from trustcheck.scoring import NOT_ENOUGH

    part = result.partner_view
    if part is None:
        return
    partner = "mentee" if result.role == "mentor" else "mentor"
    console.print()
    console.print(Text(f"How you see your {partner}", style="bold"))
    felt = part.felt_trust
    rows = [(Text("Felt trust", style="bold"), felt)] + [(user(s.title), s)
                                                         for s in part.strategies]
    if modes.plain():
        for title, strategy in rows:
            words = NOT_ENOUGH if strategy is None else score_words(
                strategy.score, strategy.sem, strategy.band)
            show(console, hanging("", Text.assemble(title, ": ", words, ".")))
    else:
        wide = console.width >= NARROW_BELOW
        table = Table(box=None, pad_edge=False, padding=(0, 1), header_style="bold",
                      show_edge=False)
        table.add_column(f"Your {partner}", no_wrap=True)
        table.add_column("Score", justify="right", no_wrap=True)
        table.add_column("", no_wrap=True)
        table.add_column("Band", no_wrap=True)
        width = BAR_WIDTH if wide else SHORT_BAR
        for title, strategy in rows:
            if strategy is None:  # felt trust without enough answers for a score
                table.add_row(title, score_text(None), bar(None, "", width),
                              Text(NOT_ENOUGH, style="dim"))
                continue
            style = BAND_STYLES.get(strategy.band, "")
            table.add_row(title, with_sem(strategy.score, strategy.sem),
                          bar(strategy.score, style, width), Text(strategy.band, style=style))
        show(console, table)


def indented(renderable: Text, by: int) -> Padding:
    """Wrapped lines keep the indent of the first, so lists stay readable."""
    return Padding(renderable, (0, 0, 0, by), expand=False)


def focus(console: Console, result: Assessment) -> None:
    """Every focus area with its reason and every action, obstacles, and a strength."""
    if result.focus:
        console.print()
        console.print(Text("What to work on next", style="bold"))
        for number, area in enumerate(result.focus, start=1):
            show(console, hanging(f"{number}. ", user(area.title, "bold")))
            show(console, hanging("", user(area.reason), 3))
            for action in area.actions:
                show(console, hanging("- ", user(action.text), 3))
    elif result.overall is not None:
        console.print()
        every = ("Every strategy with a score" if any(s.score is None for s in result.strategies)
                 else "Every strategy")
        console.print(f"{every} is strong. Keep doing what you are doing.")
    if result.obstacles:
        _obstacles(console, result.obstacles)
    if result.strength is not None:
        console.print()
        show(console, hanging("", Text.assemble(("A strength to keep: ", "bold"),
                                                user(result.strength.title), " - ",
                                                user(result.strength.reason))))


def checklist_listing(console: Console, listings: Iterable[Listing]) -> None:
    """`trustcheck checklists list`: a table at 100 columns and wider when it fits; narrower,
    and in plain output, two lines per checklist (names are never cut or wrapped)."""
    from trustcheck.render import modes

    found = [(listing, listing.checklist) for listing in listings
             if listing.checklist is not None]
    table = Table(box=None, pad_edge=False, padding=(0, 2), header_style="bold",
                  show_edge=False)
    for name in ("Id", "Role", "Version", "Statements", "Title", "From"):
        table.add_column(name, no_wrap=True,
                         justify="right" if name == "Statements" else "left")
    for listing, checklist in found:
        table.add_row(user(checklist.id), checklist.role or "any", user(checklist.version),
                      str(len(checklist.items)), user(checklist.title), _source(listing))
    if not modes.plain() and console.width >= NARROW_BELOW and fits(console, table):
        show(console, table)
        return
    for listing, checklist in found:
        show(console, hanging("", Text.assemble(user(checklist.id, "bold"), ": ",
                                                user(checklist.title))))
        role = f"for {checklist.role}s" if checklist.role else "for any role"
        show(console, hanging("", Text.assemble(
            f"{role}, version ", user(checklist.version), f", {len(checklist.items)} "
            "statements", ", built in" if listing.builtin else ""), 2))
        if not listing.builtin:  # a path is never cut: longer than the line, the terminal wraps it
            console.print(Text.assemble("  from ", _source(listing)), crop=False,
                          overflow="ignore", no_wrap=True)


def _source(listing: Listing) -> Text:
    return Text("built in") if listing.builtin else user(str(listing.path))


def fits(console: Console, table: Table) -> bool:
    """Whether the table's widest row fits the console without wrapping or cutting."""
    from rich.measure import Measurement

    unbounded = console.options.update_width(10_000)  # Measurement is capped at the width
    return Measurement.get(console, unbounded, table).maximum <= console.width


def _with_id(ref: str, body: Text, beside: bool) -> list[Table]:
    """`checklists show`: an id, then its text with a hanging indent under the text; or, when
    the ids are too long to stand beside the text (`_beside`), the id on its own line."""
    if beside:
        return [hanging(Text(f"{ref}  ", style="dim"), body, 2)]
    return [hanging("", Text(ref, style="dim"), 2), hanging("", body, 4)]


def _beside(console: Console, refs: Iterable[str]) -> bool:
    """Whether ids of this kind (all of them, so the layout does not change from line to line)
    leave more than half the line for the text."""
    return 2 + max((len(ref) + 2 for ref in refs), default=0) <= console.width * 0.45


def checklist(console: Console, checklist: Checklist) -> None:
    """`trustcheck checklists show`: the reference, with every id."""
    show(console, hanging("", Text.assemble(
        user(checklist.title, "bold"), "  ",
        (f"({one_line(checklist.id)}, version {one_line(checklist.version)}, for "
         f"{checklist.role or 'any'} role)", "dim"))))
    if checklist.description:
        show(console, hanging("", user(checklist.description)))
    scale = checklist.scale
    labels = ", ".join(f"{value} {scale.label(value)}" for value in scale.points)
    show(console, hanging("Scale: ", Text.assemble(user(labels), ", or ",
                                                   user(scale.skip_label))))
    items_beside = _beside(console, (one_line(i.id) for i in checklist.items))
    actions_beside = _beside(console, (f"action {one_line(a.id)}" for s in checklist.strategies
                                       for a in s.actions))
    for strategy in checklist.strategies:
        console.print()
        reliability = "" if strategy.reliability is None else \
            f", reliability {strategy.reliability:.2f}"
        show(console, hanging("", Text.assemble(
            user(strategy.title, "bold"), " ",
            (f"[{one_line(strategy.id)}, {one_line(strategy.group)}{reliability}]", "dim"))))
        if strategy.why:
            show(console, hanging("", user(strategy.why, "italic"), 2))
        for item in strategy.items:
            mark = " (reverse)" if item.reverse else ""
            if item.conditional:
                mark += " (may not come up)"
            for part in _with_id(one_line(item.id),
                                 Text.assemble(user(item.text), (mark, "dim")), items_beside):
                show(console, part)
        for action in strategy.actions:
            for part in _with_id(f"action {one_line(action.id)}", user(action.text),
                                 actions_beside):
                show(console, part)
    if checklist.obstacles:
        console.print()
        console.print(Text("Obstacles", style="bold"))
        for obstacle in checklist.obstacles:
            signals = ", ".join(one_line(s) for s in obstacle.signals)
            show(console, hanging("", Text.assemble(
                user(obstacle.title, "bold"),
                (f" [{one_line(obstacle.id)}; signs: {signals}]", "dim")), 2))
            show(console, hanging("", user(obstacle.remedy), 4))


def _points_text(points: float) -> str:
    return f"{points:g} point" + ("" if points == 1 else "s")


def _partner_noun(role: str) -> str:
    return f"your {role}"


def _side_line(label: str, result: Assessment) -> Table:
    parts: list = [(label, "bold")]
    if label == "You":
        parts.append(f" ({result.role})")
    if result.partner:
        parts += [", about ", user(result.partner)]
    parts.append(f", {local_time(result.created_at)} (checklist ")
    parts += [user(result.checklist.id), ", version ", user(result.checklist.version), ")"]
    if not result.answers:
        parts.append(("; scores only", "dim"))
    return hanging("", Text.assemble(*parts), 2)


def gap_sentence(title: str, gap: float, other: str) -> Text:
    """One kind sentence saying who sees a strategy higher, and by how much."""
    points = _points_text(abs(gap))
    if gap > 0:
        return Text.assemble("You see \"", user(title, "bold"),
                             f"\" {points} higher than {other} does: worth talking about together.")
    return Text.assemble(other[0].upper() + other[1:], " sees \"", user(title, "bold"),
                         f"\" {points} higher than you do: worth talking about together.")


def _with_sem_words(score: float | None, sem: float | None) -> str:
    """A score with its ± in words, for plain output: "62.5 (plus or minus 11)"."""
    from trustcheck.reliability import sem_or_default

    if score is None:
        return "no score"
    return f"{score_text(score)} (plus or minus {sem_or_default(sem):.0f})"


def _gap_verdict(gap: Gap) -> tuple[str, str]:
    """The Gap cell and the verdict: a number only beyond the noise (noise is not a gap)."""
    if gap.gap is None:
        return "", "not enough answers to compare"
    if gap.flagged:
        return score_text(abs(gap.gap)), "worth talking about"
    return "", "about the same"


def _shared_table(result: Comparison, other_title: str) -> Table:
    """The shared strategies side by side; the Gap column only when a gap is beyond the noise
    (a column of blanks says nothing)."""
    table = Table(box=None, pad_edge=False, padding=(0, 1), header_style="bold",
                  show_edge=False)
    table.add_column("Strategy", no_wrap=True)
    table.add_column("You", justify="right", no_wrap=True)
    table.add_column(other_title, justify="right", no_wrap=True)
    any_gap = bool(result.flagged)
    if any_gap:
        table.add_column("Gap", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    for gap in result.shared:
        cell, verdict = _gap_verdict(gap)
        style = "bold yellow" if gap.flagged else "dim"
        table.add_row(user(gap.title), with_sem(gap.a, gap.sem_a), with_sem(gap.b, gap.sem_b),
                      *([cell] if any_gap else []), Text(verdict, style=style))
    return table


def _shared_sentences(result: Comparison, other_title: str, plain: bool) -> list[Table]:
    """The shared strategies a sentence each, when the table does not fit (and in plain
    output); a name is never cut or wrapped."""
    rows = []
    for gap in result.shared:
        cell, verdict = _gap_verdict(gap)
        apart = f"{_points_text(float(cell))} apart, " if cell else ""
        scores = (f"you {_with_sem_words(gap.a, gap.sem_a)}, {other_title[0].lower()}"
                  f"{other_title[1:]} {_with_sem_words(gap.b, gap.sem_b)}") if plain else (
            f"you {with_sem(gap.a, gap.sem_a)}, {other_title[0].lower()}{other_title[1:]} "
            f"{with_sem(gap.b, gap.sem_b)}")
        rows.append(hanging("" if plain else "- ", Text.assemble(
            user(gap.title, "bold"), f": {scores}; {apart}{verdict}.")))
    return rows


def _own_table(own: Sequence[StrategyScore]) -> Table:
    table = Table(box=None, pad_edge=False, padding=(0, 1), header_style="bold",
                  show_edge=False)
    table.add_column("Strategy", no_wrap=True)
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("Band", no_wrap=True)
    for strategy in own:
        style = BAND_STYLES.get(strategy.band, "")
        table.add_row(user(strategy.title), with_sem(strategy.score, strategy.sem),
                      Text(strategy.band, style=style))
    return table


def _own_sentences(own: Sequence[StrategyScore], plain: bool) -> list[Table]:
    """Strategies only one side answers, a sentence each."""
    return [hanging("" if plain else "- ", Text.assemble(
        user(strategy.title, "bold"), ": ",
        score_words(strategy.score, strategy.sem, strategy.band) if plain else
        f"{with_sem(strategy.score, strategy.sem)}, {strategy.band}", "."))
        for strategy in own]


def comparison(console: Console, result: Comparison) -> None:
    """Two views of one relationship: shared strategies by gap, what to talk about, the rest.

    Gaps within the noise of two questionnaires are "about the same", never a number; action
    ids stay in `--format json`. Tables when they fit the width, else (and in plain output) a
    sentence per strategy; names are never cut or wrapped."""
    from trustcheck.render import modes

    plain = modes.plain()
    other = _partner_noun(result.b.role)
    other_title = other[0].upper() + other[1:]
    show(console, hanging("", Text("Comparing two views of the same mentoring relationship",
                                   style="bold")))
    show(console, _side_line("You", result.a))
    show(console, _side_line(other_title, result.b))

    shared = _shared_table(result, other_title)
    # One layout for the whole view: tables only when every one of them fits.
    as_tables = not plain and all(fits(console, table) for table in (
        shared, *(_own_table(own) for own in (result.own_a, result.own_b) if own)))
    console.print()
    console.print(Text("Shared strategies, largest gap first", style="bold"))
    for row in [shared] if as_tables else _shared_sentences(result, other_title, plain):
        show(console, row)

    console.print()
    overall = Text.assemble(("Overall trust index: ", "bold"), "you ",
                            score_text(result.a.overall), f", {other} ",
                            score_text(result.b.overall))
    if result.overall_gap is not None:
        within = (result.overall_difference is not None
                  and result.overall_difference.direction == "about the same")
        overall.append(": about the same" if within
                       else f", {_points_text(abs(result.overall_gap))} apart")
    overall.append(". Each index also counts the strategies only one of you answers, so the "
                   "shared strategies above are the fairer comparison.")
    show(console, hanging("", overall))

    console.print()
    flagged = result.flagged
    if flagged:
        console.print(Text("Worth talking about together", style="bold"))
        for number, gap in enumerate(flagged, start=1):
            assert gap.gap is not None  # compare flags only gaps it could measure
            show(console, hanging(f"{number}. ", gap_sentence(gap.title, gap.gap, other)))
            if gap.actions:
                show(console, hanging("", Text("Things you could try together:"), 3))
                for action in gap.actions:
                    show(console, hanging("- ", user(action.text), 3))
            elif gap.note:
                show(console, hanging("", user(gap.note), 3))
        if any(gap.actions for gap in flagged):
            console.print()
            wrapped(console, "Agreed on one? `trustcheck\u00a0commitments\u00a0add\u00a0"
                    "\"WHAT\u00a0YOU\u00a0AGREED\"\u00a0--partner\u00a0NAME` keeps it, and "
                    "your next check-in asks how it went.", style="dim")
    else:
        where = ("Where you both have a score, your views" if any(
            g.gap is None for g in result.shared) else "Your views of every shared strategy")
        show(console, hanging("", Text(
            f"{where} are about the same: each gap is within what two check-ins can differ by "
            "with nothing changed, so you see this relationship in much the same way.")))

    for label, own in ((f"Only you answer these ({result.a.role} strategies)", result.own_a),
                       (f"Only {other} answers these ({result.b.role} strategies)",
                        result.own_b)):
        if not own:
            continue
        console.print()
        show(console, hanging("", Text(label, style="bold")))
        for row in [_own_table(own)] if as_tables else _own_sentences(own, plain):
            show(console, row)


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
        show(console, hanging("- ", Text.assemble(status_text(review.status), ": ",
                                                  user(review.text))))


def commitments_made(console: Console, result: Assessment) -> None:
    """The actions chosen at this check-in, to try before the next one."""
    if not result.commitments:
        return
    console.print()
    console.print(Text("Your commitments until the next check-in", style="bold"))
    for commitment in result.commitments:
        show(console, hanging("- ", user(commitment.text)))


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
        show(console, hanging("- ", Text.assemble(user(obstacle.title, "bold"), ": ",
                                                  user(obstacle.reason))))
        show(console, hanging("", user(obstacle.remedy), 2))


def commitment_list(console: Console,
                    groups: Sequence[tuple[Relationship, Sequence[CommitmentRecord],
                                           float | None, int]]) -> None:
    """`trustcheck commitments`: per relationship, open and past commitments with their status.

    A commitment goes by its words, never its id (the id is in `--format json`, for answers
    files). At 100 columns and wider a table; narrower, and in plain output, a list."""
    from trustcheck.render import modes

    as_list = modes.plain() or console.width < NARROW_BELOW
    for index, (relationship, records, rate, reviewed) in enumerate(groups):
        if index:
            console.print()
        show(console, hanging("", Text.assemble(
            relationship_name(relationship.role, relationship.partner),
            ("; " if modes.plain() else "  ·  "), ("follow-through: ", "bold"),
            rate_text(rate, reviewed))))
        if as_list:
            for record in records:
                show(console, hanging("- ", user(record.commitment.text)))
                show(console, hanging("", _commitment_status(record), 2))
            continue
        table = Table(box=None, pad_edge=False, padding=(0, 1), header_style="bold",
                      show_edge=False)
        table.add_column("Chosen", no_wrap=True)
        table.add_column("Status", no_wrap=True)
        table.add_column("Reviewed", no_wrap=True)
        table.add_column("Commitment")
        for record in records:
            table.add_row(local_date(record.made_at), status_text(record.status),
                          local_date(record.reviewed_at) if record.reviewed_at else "",
                          user(record.commitment.text))
        show(console, table)
    if any(record.status is None for _, records, _, _ in groups for record in records):
        console.print()
        wrapped(console, "Your next check-in asks how the open ones went. To say it in an "
                "answers file instead, name each by its id, which `trustcheck\u00a0commitments"
                "\u00a0--format\u00a0json` shows as \"action\".", style="dim")


def _commitment_status(record: CommitmentRecord) -> Text:
    """"open, chosen 2026-03-21" or "done (reviewed 2026-04-02), chosen 2026-03-02"."""
    status = status_text(record.status)
    if record.reviewed_at:
        status.append(f" (reviewed {local_date(record.reviewed_at)})")
    status.append(f", chosen {local_date(record.made_at)}")
    return status


def wrapped(console: Console, words: str, *, prefix: str = "", indent: int = 0,
            style: str = "") -> None:
    """Our own sentences, wrapped at the console's width with a hanging indent, never inside a
    word or a command: a command's words are joined by no-break spaces (U+00A0) here and
    printed with plain spaces, so it copies and runs as shown."""
    import textwrap

    lead = " " * indent
    lines = textwrap.wrap(words, width=max(console.width, 20), initial_indent=lead + prefix,
                          subsequent_indent=lead + " " * len(prefix), break_long_words=False,
                          break_on_hyphens=False)
    for line in lines:
        console.print(Text(line.replace("\u00a0", " ").rstrip(), style=style))


def check_in(console: Console, result: Assessment) -> None:
    """`trustcheck history show`: the summary first, then everything in full, with every
    answer."""
    assessment(console, result, answers=True)


def scored(console: Console, found: Scored) -> None:
    """`trustcheck assess`: the summary, beside the previous check-in when there is one."""
    summary(console, found.result, found.change)


def scored_in_full(console: Console, found: InFull) -> None:
    """`trustcheck assess --details` (and the `d` key at the end of the questionnaire): the
    summary, unless it is on the screen already, then everything in full."""
    if found.summary:
        summary(console, found.scored.result, found.scored.change)
    details(console, found.scored.result)
