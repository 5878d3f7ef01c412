"""Cohort reports for people: text for a terminal or projector, Markdown, and the JSON document.

Every renderer works from the report document alone (`trustcheck/report/v2`, built by
`trustcheck.cohort`), which never holds answers, names, ids or free text. Checklist titles and
the cohort label are still user text: control characters are removed everywhere and Markdown
special characters are escaped.

Each section starts with what a room needs on its first screen: who answered, the overall
index with its uncertainty, the workshop focus fitted to the room, and mentors beside mentees
on the shared strategies. The details follow: what to try, obstacles, every strategy with its
spread, what went together with felt trust, and the quality of the data in plain words. The
sentences are made here once (plain strings) and shared by the text, Markdown and HTML pages.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, Any

from trustcheck.render.table import signed
from trustcheck.text import one_line

if TYPE_CHECKING:
    from rich.text import Text

SUPPRESSED = "suppressed"
BAR_WIDTH = 10
PLURAL = {"mentor": "mentors", "mentee": "mentees"}


def number(value: float | None, suffix: str = "") -> str:
    return "—" if value is None else f"{value:.1f}{suffix}"


def spread(entry: dict[str, Any] | None) -> str:
    if not entry or entry.get("q1") is None:
        return "—"
    return f"{entry['q1']:.1f}–{entry['q3']:.1f}"


def sem_text(strategy: dict[str, Any]) -> str:
    """The SEM of one person's score on a strategy, "± 7.6" (see `_reliability_line`)."""
    return "—" if strategy.get("sem") is None else f"± {strategy['sem']:.1f}"


def gap_verdict(row: dict[str, Any]) -> str:
    """Whether mentors and mentees differ by more than chance on a row of the comparison."""
    return {"about the same": "about the same", "mentors higher": "differs",
            "mentees higher": "differs"}.get(row.get("direction") or "", "")


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def title_of(document: dict[str, Any]) -> str:
    scope = document["scope"]
    parts = ["Cohort report"]
    if scope.get("cohort"):
        parts.append(f"cohort {scope['cohort']}")
    if scope.get("role"):
        parts.append(f"{scope['role']}s only")
    return " · ".join(parts)


def lede(document: dict[str, Any]) -> str:
    return (f"{document['responses']} responses in the figures. Groups smaller than "
            f"{document['min_group']} are never shown.")


# --- the first screen, as sentences -------------------------------------------------------------

def who_line(section: dict[str, Any]) -> str:
    """Who answered, per role: "Who answered: 6 mentors and 12 mentees"."""
    parts = []
    for role in section["roles"]:
        name = PLURAL.get(role["role"], role["role"] + "s")
        parts.append(f"{name} {role['note']}" if role["suppressed"]
                     else f"{role['responses']} {name}")
    return "Who answered: " + _join(parts)


def overall_line(overall: dict[str, Any] | None, *, short: bool = False) -> str:
    """The overall index with its uncertainty (the 95 % interval of the group's mean); `short`
    leaves out "for a group like this", so it fits one line of a narrow screen."""
    if not overall or overall["suppressed"]:
        return "Overall trust index: " + (overall["note"] if overall else SUPPRESSED)
    line = f"Overall trust index: {overall['mean']:.1f} of 100 ({overall['band']})"
    if overall.get("low") is not None:
        line += f", likely between {overall['low']:.1f} and {overall['high']:.1f}"
        if not short:
            line += " for a group like this"
    return line


def overall_details(overall: dict[str, Any] | None) -> str | None:
    if not overall or overall["suppressed"]:
        return None
    return (f"The overall index is the mean of {overall['n']} people's indexes; half of them "
            f"are between {overall['q1']:.1f} and {overall['q3']:.1f} (median "
            f"{overall['median']:.1f}). \"Likely "
            "between\" is the 95 % interval of the mean: the mean ± 1.96 × its standard error "
            "(the spread ÷ √n).")


def audience(group: dict[str, Any], room: str) -> str:
    """Whom a focus group is for, as a heading."""
    if group["for"] == "everyone":
        return "Everyone (shared strategies)"
    name = capital(PLURAL.get(group["for"], group["for"]))
    return f"{name} (their own strategies)" if room == "mixed" else f"{name} (every strategy)"


def ranked(group: dict[str, Any]) -> str:
    """The focus areas of a group on one line, tiers joined with "or" when too close to rank."""
    if not group["areas"]:
        return capital(group["note"]) + "."
    tiers: list[list[dict[str, Any]]] = []
    for area in group["areas"]:
        if tiers and tiers[-1][0]["tier"] == area["tier"]:
            tiers[-1].append(area)
        else:
            tiers.append([area])
    parts = []
    for tier in tiers:
        names = " or ".join(f"{one_line(a['title'])} {a['mean']:.1f}" for a in tier)
        parts.append(names + (" (too close to rank)" if len(tier) > 1 else ""))
    line = ", then ".join(parts)
    if group["also_as_low"]:
        line += f"; as low: {_join([one_line(t) for t in group['also_as_low']])}"
    return line


def focus_rule() -> str:
    return ("A strategy is named before another only when its mean is lower by more than the "
            "noise of the two means (1.96 × √(SE₁² + SE₂²), each SE the spread ÷ √n); "
            "strategies closer than that are too close to rank. Only strategies below 80 "
            "(strong) are suggested, up to three per group.")


# --- the details, as sentences ----------------------------------------------------------------

def obstacle_lines(obstacle: dict[str, Any]) -> tuple[str, str, list[str]]:
    """An obstacle's title, what signals it for each role, and what helps (one line for the
    room when the checklists agree, else one per role)."""
    parts = []
    for part in obstacle["roles"]:
        signals = ", ".join(one_line(s["title"]) for s in part["signals"])
        flag = "" if part["flagged"] else ", not below 60"
        parts.append(f"{PLURAL.get(part['role'], part['role'])} {part['mean']:.1f}{flag} "
                     f"({signals})")
    signalled = "warning signs average: " + "; ".join(parts)
    if obstacle["remedy"] is not None:
        helps = [one_line(obstacle["remedy"])]
    else:
        helps = [f"For {PLURAL.get(p['role'], p['role'])}: {one_line(p['remedy'])}"
                 for p in obstacle["roles"]]
    return one_line(obstacle["title"]), signalled, helps


def felt_trust_lines(felt: dict[str, Any] | None) -> list[str]:
    """What went together with felt trust, in words: association, never cause."""
    if felt is None:
        return []
    if not felt["available"]:
        return [f"Not shown: {felt['note']}."]
    lines = [f"From {felt['responses']} responses that say how much people trust their partner. "
             "Spearman's rho runs from -1 to 1: above 0, people who scored higher on the "
             "strategy tended to trust their partner more. In brackets, the 95 % interval."]
    for entry in felt["strategies"]:
        verdict = {"went together": "went together with felt trust",
                   "went against": "went against felt trust",
                   "not clear": "no clear link with felt trust"}[entry["link"]]
        lines.append(f"{one_line(entry['title'])}: {verdict} (rho {entry['rho']:.2f}, "
                     f"{entry['low']:.2f} to {entry['high']:.2f}, {entry['n']} people)")
    if felt["note"]:
        lines.append(capital(one_line(felt["note"])) + ".")
    lines.append("This shows what went together in this group, not what causes trust: people "
                 "who trust their partner more may also rate themselves higher on everything. "
                 "A link counts only when its whole interval is above (or below) 0.")
    return lines


def quality_lines(section: dict[str, Any]) -> list[str]:
    """The quality of the data in plain words, with the figures beside them."""
    quality = section["quality"]
    lines = []
    words = {"well": "hang together well", "fairly well": "hang together fairly well",
             "poorly": "hang together poorly"}
    rated = [s for s in section["strategies"] if s.get("hangs_together")]
    poorly = [s for s in rated if s["hangs_together"] == "poorly"]
    for word in ("poorly", "fairly well", "well"):
        these = sorted((s for s in rated if s["hangs_together"] == word),
                       key=lambda s: s["alpha"])
        if these:
            lines.append(f"These statements {words[word]} in this group: "
                         + ", ".join(f"{one_line(s['title'])} (alpha {s['alpha']:.2f})"
                                     for s in these))
    minimum = quality["alpha_min_responses"]
    if not rated:
        lines.append(f"How well each strategy's statements hang together is not shown: it needs "
                     f"at least {minimum} complete responses per strategy and the checklist "
                     "itself.")
    elif poorly:
        lines.append("Where statements hang together poorly, people may have read them "
                     "differently: read that score with care, and talk through what its "
                     "statements mean before choosing actions.")
    else:
        lines.append("Every strategy shown hangs together well enough to read its score as it "
                     "is.")
    if rated:
        lines.append(f"(Alpha is Cronbach's alpha, from {minimum} complete responses: 0.7 and "
                     f"above well, {quality['alpha_flag_below']} to 0.7 fairly well, below "
                     f"{quality['alpha_flag_below']} poorly.)")
    if quality["straight_lined"] is None:
        lines.append("Straight-lined responses: not available (the results hold no answers).")
    else:
        lines.append(f"Straight-lined responses (the same answer to every statement): "
                     f"{quality['straight_lined']} of {quality['with_answers']}.")
    reliability_line = _reliability_line(section)
    if reliability_line:
        lines.append(reliability_line)
    if quality.get("item_level_note"):
        lines.append(capital(one_line(quality["item_level_note"])) + ".")
    return lines


def _reliability_line(section: dict[str, Any]) -> str | None:
    """Which reliability each strategy's SEM (±) was worked out from, in one sentence."""
    shown = [s for s in section["strategies"] if s.get("sem") is not None]
    if not shown:
        return None
    by_source: dict[str, list[str]] = {}
    for s in shown:
        by_source.setdefault(s["reliability_source"], []).append(one_line(s["title"]))
    labels = (("cohort", "this cohort's own alpha and spread"),
              ("checklist", "the reliability the checklist states"),
              ("default", "the default reliability of 0.70"))
    present = [(source, label) for source, label in labels if source in by_source]
    parts = []
    for position, (source, label) in enumerate(present):
        if position < len(present) - 1:
            parts.append(f"{label} for {', '.join(by_source[source])}")
        else:
            parts.append(f"{label} for {'the others' if parts else 'every strategy'}")
    minimum = section["quality"]["reliability_min_responses"]
    return ("± is one standard error of measurement (SEM in the table of strategies): how far "
            "one person's score can wobble with nothing changed. It comes from "
            + "; ".join(parts)
            + f" (a cohort's own alpha is used once it has {minimum} complete responses).")


def gap_line() -> str:
    return ("Gap: the mentors' mean minus the mentees'. \"differs\" when it is larger than "
            "1.96 × √(SE of one mean² + SE of the other²), each SE the spread ÷ √n; "
            "otherwise about the same.")


def comparison_rows(comparison: dict[str, Any]) -> list[dict[str, Any]]:
    overall: dict[str, Any] = comparison["overall"]
    return [*comparison["strategies"], {"title": "Overall trust index", **overall}]


def comparison_note(comparison: dict[str, Any] | None) -> str:
    note = one_line((comparison or {}).get("note") or "not available")
    return capital(note) + "."


def actions_of(area: dict[str, Any]) -> list[str]:
    return [(f"for {action['for']}: " if action["for"] else "") + one_line(action["text"])
            for action in area["actions"]]


def intake_line(document: dict[str, Any]) -> str:
    parts = []
    if document["left_out"]:
        count = document["left_out"]
        parts.append(f"{count} row{'s' if count != 1 else ''} could not be used and "
                     f"{'were' if count != 1 else 'was'} left out (listed on the terminal)")
    if document["duplicates"]:
        count = document["duplicates"]
        parts.append(f"{count} result{'s' if count != 1 else ''} appeared more than once and "
                     "counted once")
    return capital("; ".join(parts)) + "."


def group_title(group: str) -> str:
    names = {"mentor": "Mentor strategies", "mentee": "Mentee strategies",
             "shared": "Shared strategies"}
    return names.get(group, f"{group} strategies")


def _join(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


# --- text (Rich) -------------------------------------------------------------------------------

NARROW_BELOW = 100  # columns: below this, no bars and the overall line without its tail
GAP = 2  # spaces between table columns
# The columns of the table of every strategy a narrow screen gives up first, in this order.
DROP_FIRST = ("Median", "Favourable", "SEM", "Middle half", "n")
_UNIT = re.compile(r"`[^`]*`\S*|\S+")  # a word, or a command in backticks with what follows


def wrap(line: Text, width: int, *, indent: int = 0, hang: int = 2,
         keep: Sequence[str] = ()) -> Text:
    """`line` wrapped at spaces to `width`: the first line indented by `indent`, the others by
    `indent + hang` (a hanging indent). A word, a command in backticks and each phrase in
    `keep` (strategy names) are never split, unless a name is longer than a whole line: then it
    breaks between its words. Only a single word longer than a line is folded (by Rich)."""
    from rich.cells import cell_len
    from rich.text import Text

    plain_text = line.plain
    whole = [(m.start(), m.end()) for m in _UNIT.finditer(plain_text)]
    for phrase in keep:
        if " " not in phrase or cell_len(phrase) > width - indent - hang:
            continue
        start = plain_text.find(phrase)
        while start != -1:
            end = start + len(phrase)
            inside = [u for u in whole if u[1] > start and u[0] < end]
            if len(inside) > 1:
                joined = (inside[0][0], inside[-1][1])
                whole = sorted([u for u in whole if u not in inside] + [joined])
            start = plain_text.find(phrase, end)
    lines: list[tuple[int, int]] = []
    for start, end in whole:
        if lines:
            room = width - indent - (hang if len(lines) > 1 else 0)
            if cell_len(plain_text[lines[-1][0]:end]) <= room:
                lines[-1] = (lines[-1][0], end)
                continue
        lines.append((start, end))
    if not lines:
        return Text(" " * indent)
    out = Text()
    for position, (start, end) in enumerate(lines):
        if position:
            out.append("\n")
        out.append(" " * (indent + (hang if position else 0)))
        out.append_text(line[start:end])
    return out


def _row_text(cells: Sequence[Text], widths: Sequence[int], right: Sequence[bool]) -> Text:
    """One table row as a line: each cell padded to its column, columns GAP apart."""
    from rich.text import Text

    out = Text()
    for position, (cell, width, justify_right) in enumerate(zip(cells, widths, right, strict=True)):
        if position:
            out.append(" " * GAP)
        pad = " " * max(0, width - cell.cell_len)
        if justify_right:
            out.append(pad)
            out.append_text(cell)
        else:
            out.append_text(cell)
            out.append(pad)
    out.rstrip()
    return out


class _Grid:
    """A table without box drawing, laid out here so that it fits the width: columns are
    dropped (the caller's choice) before anything wraps, and nothing is cut."""

    def __init__(self, headers: Sequence[str], right: Sequence[bool]) -> None:
        self.headers = list(headers)
        self.right = list(right)
        self.rows: list[tuple[str, list[Text]]] = []  # ("row" | "span" | "note", cells)

    def row(self, *cells: Text) -> None:
        self.rows.append(("row", list(cells)))

    def span(self, name: Text, note: Text | None = None) -> None:
        """A row whose name is followed by one note across the other columns (or nothing)."""
        self.rows.append(("span", [name] if note is None else [name, note]))

    def widths(self, keep: Sequence[int]) -> list[int]:
        widths = [len(self.headers[c]) for c in keep]
        for kind, cells in self.rows:
            if kind == "row":
                widths = [max(w, cells[c].cell_len) for w, c in zip(widths, keep, strict=True)]
            else:
                widths[0] = max(widths[0], cells[0].cell_len)
        return widths

    def width(self, keep: Sequence[int]) -> int:
        return sum(self.widths(keep)) + GAP * (len(keep) - 1)

    def lines(self, keep: Sequence[int], width: int, words: Sequence[str]) -> list[Text]:
        from rich.text import Text

        widths = self.widths(keep)
        right = [self.right[c] for c in keep]
        out = [_row_text([Text(self.headers[c], "bold") for c in keep], widths, right)]
        for kind, cells in self.rows:
            if kind == "row":
                out.append(_row_text([cells[c] for c in keep], widths, right))
                continue
            name = cells[0]
            if len(cells) == 1:
                out.append(name)
            elif widths[0] + GAP + cells[1].cell_len <= width:
                out.append(_row_text(cells, [widths[0], cells[1].cell_len], [False, False]))
            else:
                out.append(name)
                out.append(wrap(cells[1], width, indent=2, keep=words))
        return out

    def stacked(self, keep: Sequence[int], width: int, words: Sequence[str]) -> list[Text]:
        """Each row as its name on a line and "Header value, ..." under it: for a screen too
        narrow for even two columns."""
        from rich.text import Text

        out = []
        for kind, cells in self.rows:
            out.append(wrap(cells[0], width, keep=words))
            if kind == "span":
                if len(cells) > 1:
                    out.append(wrap(cells[1], width, indent=2, keep=words))
                continue
            parts = [Text.assemble(f"{self.headers[c]} " if self.headers[c] else "", cells[c])
                     for c in keep[1:] if cells[c].plain.strip()]
            out.append(wrap(Text(", ").join(parts), width, indent=2,
                            keep=[*words, *(part.plain for part in parts)]))
        return out


def text(document: dict[str, Any], stream: IO[str], *, width: int | None = None) -> None:
    """The report for a terminal or a projector: each section's first screen, then details.

    Below NARROW_BELOW columns it is laid out for a narrow screen: no bars, strategy names on
    one line (other columns are dropped first), every wrapped line with a hanging indent."""
    from rich.text import Text

    from trustcheck.render.listing import BAND_STYLES
    from trustcheck.render.modes import plain
    from trustcheck.render.text import make_console, user

    console = make_console(stream, width=width)
    columns = console.width
    narrow = columns < NARROW_BELOW
    bars = not plain() and not narrow
    names = sorted({one_line(s["title"]) for section in document["sections"]
                    for s in section.get("strategies", [])} | {"Overall trust index"},
                   key=len, reverse=True)

    def say(line: Text, indent: int = 0, hang: int = 2) -> None:
        console.print(wrap(line, columns, indent=indent, hang=hang, keep=names))

    def item(marker: str, body: Text, indent: int = 0) -> None:
        say(Text.assemble(marker, body), indent, len(marker))

    def grid(table: _Grid, keep: list[int], optional: Sequence[int] = ()) -> list[int]:
        """Print the table with the columns in `keep`, giving up those in `optional` (in
        order) until it fits; stacked rows when even the name and one figure do not fit.
        Returns the columns given up."""
        dropped = []
        for column in optional:
            if table.width(keep) <= columns:
                break
            keep.remove(column)
            dropped.append(column)
        if table.width(keep) > columns:
            lines = table.stacked(keep, columns, names)
        else:
            lines = table.lines(keep, columns, names)
        for line in lines:
            console.print(line)
        return dropped

    say(user(title_of(document), "bold"))
    if document["left_out"] or document["duplicates"]:
        say(Text(intake_line(document), style="yellow"))
    for section in document["sections"]:
        say(user(section["label"], "bold underline"))
        say(Text(who_line(section)))
        if section["suppressed"]:
            say(Text(f"Nothing from this part is shown: {one_line(section['note'])}."))
            console.print()
            continue
        say(Text(overall_line(section["overall"], short=narrow)))

        console.print()
        console.print(Text("Workshop focus", style="bold"))
        focus = section["focus"]
        for group in focus["groups"]:
            say(Text.assemble((audience(group, focus["room"]) + ": ", "bold"),
                              user(ranked(group))))

        comparison = section["comparison"]
        console.print()
        say(Text("Mentors beside mentees on the shared strategies", style="bold"))
        if not comparison["available"]:
            say(user(comparison_note(comparison)))
        else:
            headers = ["Strategy", "Mentors", "", "Mentees", "", "Gap", ""]
            side = _Grid(headers, [False, True, False, True, False, True, False])
            for row in comparison_rows(comparison):
                if row["suppressed"]:
                    side.span(user(row["title"]), Text(one_line(row["note"]), "dim"))
                    continue
                verdict = gap_verdict(row)
                side.row(user(row["title"]), Text(number(row["mentor"]["mean"])),
                         short_bar(row["mentor"]["mean"], "cyan"),
                         Text(number(row["mentee"]["mean"])),
                         short_bar(row["mentee"]["mean"], "magenta"), Text(signed(row["gap"])),
                         Text(verdict, "dim" if verdict != "differs" else "bold yellow"))
            keep = [0, 1, 2, 3, 4, 5, 6] if bars else [0, 1, 3, 5, 6]
            grid(side, keep, optional=(2, 4) if bars else ())

        # --- the details ---
        console.print()
        console.print(Text("What to try", style="bold"))
        for group in focus["groups"]:
            say(Text(audience(group, focus["room"]), style="bold"))
            if not group["areas"]:
                say(user(capital(group["note"]) + "."), 2)
                continue
            for position, area in enumerate(group["areas"], start=1):
                item(f"{position}. ", Text.assemble(
                    user(area["title"], "bold"), f" — mean {area['mean']:.1f} ({area['band']})"),
                    2)
                for action in actions_of(area):
                    item("- ", user(action), 5)
            say(user(capital(group["note"]) + "."), 2)
        say(Text(focus_rule(), style="dim"))

        console.print()
        console.print(Text("Obstacles the room signals", style="bold"))
        if section["obstacles_note"]:
            say(user("Not available for part of it: " + section["obstacles_note"] + "."))
        if not section["obstacles"]:
            say(Text("None: the warning signs of every obstacle average 60 or more."))
        for obstacle in section["obstacles"]:
            title, signalled, helps = obstacle_lines(obstacle)
            item("- ", Text.assemble(user(title, "bold"), ": ", user(signalled)))
            for line in helps:
                say(user(line), 2)

        console.print()
        console.print(Text("Every strategy", style="bold"))
        headers = ["Strategy", "n", "Mean", "", "Median", "Middle half", "Favourable", "SEM"]
        every = _Grid(headers, [False, True, True, False, True, True, True, True])
        group_name = None
        for s in section["strategies"]:
            if s["group"] != group_name:
                group_name = s["group"]
                every.span(user(group_title(group_name), "bold italic"))
            if s["suppressed"]:
                every.span(user(s["title"]), Text(one_line(s["note"]), "dim"))
                continue
            every.row(user(s["title"]), Text(str(s["n"])), Text(number(s["mean"])),
                      short_bar(s["mean"], BAND_STYLES.get(s["band"], "")),
                      Text(number(s["median"])), Text(spread(s)),
                      Text(number(s["favourable"], "%")), Text(sem_text(s)))
        keep = [0, 1, 2, 3, 4, 5, 6, 7] if bars else [0, 1, 2, 4, 5, 6, 7]
        optional = [3] if bars else []
        optional += [headers.index(name) for name in DROP_FIRST]
        dropped = grid(every, keep, optional=optional)
        left_out = [headers[c] for c in dropped if headers[c]]
        if left_out:
            say(Text(f"{_join(left_out)} {'is' if len(left_out) == 1 else 'are'} left out to "
                     "fit this width; a wider window or `--format markdown` shows "
                     f"{'it' if len(left_out) == 1 else 'them'}.", style="dim"))
        details = overall_details(section["overall"])
        if details:
            say(Text(details, style="dim"))
        if comparison["available"]:
            say(Text(gap_line(), style="dim"))

        felt = felt_trust_lines(section.get("felt_trust"))
        if felt:
            console.print()
            console.print(Text("What went together with felt trust", style="bold"))
            for line in felt:
                item("- ", user(line))

        console.print()
        console.print(Text("Quality of the data", style="bold"))
        for line in quality_lines(section):
            item("- ", user(line))
        console.print()

    say(Text(lede(document)))
    console.print(Text("What was suppressed and why", style="bold"))
    for line in document["privacy"]["suppressed"] or ["Nothing was suppressed."]:
        item("- ", user(line))
    for line in document["privacy"]["rules"]:
        item("- ", user(line, "dim"))


def text_string(document: dict[str, Any], width: int = 100) -> str:
    """The text view as a string without colour (for `-o FILE`)."""
    buffer = io.StringIO()
    text(document, buffer, width=width)
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def short_bar(score: float | None, style: str = "") -> Text:
    from rich.text import Text

    if score is None:
        return Text("-" * BAR_WIDTH, style="dim")
    filled = round(score / 100 * BAR_WIDTH)
    return Text("█" * filled + "░" * (BAR_WIDTH - filled), style=style)


# --- Markdown ----------------------------------------------------------------------------------

_MD_SPECIAL = set("\\`*_{}[]#|~")


def md(value: object) -> str:
    """User text safe inside Markdown: one line, no HTML, no formatting characters."""
    out = []
    for ch in one_line(value):
        if ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ch == "&":
            out.append("&amp;")
        elif ch in _MD_SPECIAL:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> list[str]:
    marks = {"l": "---", "r": "---:"}
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join(marks[a] for a in align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def markdown(document: dict[str, Any]) -> str:
    """The report as Markdown, for a wiki page or an email."""
    out = [f"# {md(title_of(document))}"]
    if document["left_out"] or document["duplicates"]:
        out += ["", md(intake_line(document))]
    for section in document["sections"]:
        out += ["", f"## {md(section['label'])}", "", md(who_line(section))]
        if section["suppressed"]:
            out += ["", f"Nothing from this part is shown: {md(section['note'])}."]
            continue
        out += ["", md(overall_line(section["overall"]))]
        focus = section["focus"]
        out += ["", "### Workshop focus", ""]
        out += [f"- **{md(audience(group, focus['room']))}**: {md(ranked(group))}"
                for group in focus["groups"]]

        comparison = section["comparison"]
        out += ["", "### Mentors beside mentees on the shared strategies", ""]
        if not comparison["available"]:
            out.append(md(comparison_note(comparison)))
        else:
            rows = []
            for row in comparison_rows(comparison):
                if row["suppressed"]:
                    rows.append([md(row["title"]), md(row["note"]), "", "", ""])
                else:
                    rows.append([md(row["title"]), number(row["mentor"]["mean"]),
                                 number(row["mentee"]["mean"]), signed(row["gap"]),
                                 gap_verdict(row)])
            out += _md_table(["Strategy", "Mentors", "Mentees", "Gap", "More than chance?"],
                             rows, "lrrrl")

        out += ["", "### What to try"]
        for group in focus["groups"]:
            out += ["", f"**{md(audience(group, focus['room']))}**", ""]
            for position, area in enumerate(group["areas"], start=1):
                out.append(f"{position}. **{md(area['title'])}**: mean {area['mean']:.1f} "
                           f"({md(area['band'])})")
                out += [f"    - {md(action)}" for action in actions_of(area)]
            out += ["", md(capital(group["note"]) + ".")]
        out += ["", md(focus_rule())]

        out += ["", "### Obstacles the room signals", ""]
        if section["obstacles_note"]:
            out += [md("Not available for part of it: " + section["obstacles_note"] + "."), ""]
        if not section["obstacles"]:
            out.append("None: the warning signs of every obstacle average 60 or more.")
        for obstacle in section["obstacles"]:
            title, signalled, helps = obstacle_lines(obstacle)
            out.append(f"- **{md(title)}**: {md(signalled)}. {md(' '.join(helps))}")

        rows = []
        for s in section["strategies"]:
            if s["suppressed"]:
                rows.append([md(s["title"]), md(s["group"]), "", md(s["note"]), "", "", "", ""])
                continue
            rows.append([md(s["title"]), md(s["group"]), str(s["n"]), number(s["mean"]),
                         number(s["median"]), spread(s), number(s["favourable"], " %"),
                         sem_text(s)])
        out += ["", "### Every strategy", ""]
        out += _md_table(["Strategy", "Group", "n", "Mean", "Median", "Middle half",
                          "Favourable", "SEM"], rows, "llrrrrrr")
        details = overall_details(section["overall"])
        if details:
            out += ["", md(details)]
        if comparison["available"]:
            out += ["", md(gap_line())]

        felt = felt_trust_lines(section.get("felt_trust"))
        if felt:
            out += ["", "### What went together with felt trust", ""]
            out += [f"- {md(line)}" for line in felt]

        out += ["", "### Quality of the data", ""]
        out += [f"- {md(line)}" for line in quality_lines(section)]

    out += ["", md(lede(document))]
    out += ["", "## What was suppressed and why", ""]
    out += [f"- {md(line)}" for line in document["privacy"]["suppressed"]
            or ["Nothing was suppressed."]]
    out += [f"- {md(line)}" for line in document["privacy"]["rules"]]
    return "\n".join(out) + "\n"


# --- JSON --------------------------------------------------------------------------------------

def json_text(document: dict[str, Any]) -> str:
    from trustcheck.render.json import dumps

    return dumps(document)
