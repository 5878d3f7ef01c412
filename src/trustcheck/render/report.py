"""Cohort reports for people: text for a terminal or projector, Markdown, and the JSON document.

Every renderer works from the report document alone (`trustcheck/report/v1`, built by
`trustcheck.cohort`), which never holds answers, names, ids or free text. Checklist titles and
the cohort label are still user text: control characters are removed everywhere and Markdown
special characters are escaped.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, Any

from trustcheck.render.table import signed
from trustcheck.text import one_line

if TYPE_CHECKING:
    from rich.text import Text

SUPPRESSED = "suppressed"
BAR_WIDTH = 10


def number(value: float | None, suffix: str = "") -> str:
    return "—" if value is None else f"{value:.1f}{suffix}"


def spread(entry: dict[str, Any] | None) -> str:
    if not entry or entry.get("q1") is None:
        return "—"
    return f"{entry['q1']:.1f}–{entry['q3']:.1f}"


def alpha_text(strategy: dict[str, Any]) -> str:
    if strategy.get("alpha") is None:
        return "—"
    return f"{strategy['alpha']:.2f}" + (" low" if strategy["alpha_flag"] else "")


def sem_text(strategy: dict[str, Any]) -> str:
    """The SEM of one person's score on a strategy, "± 7.6" (see `_reliability_line`)."""
    return "—" if strategy.get("sem") is None else f"± {strategy['sem']:.1f}"


def gap_verdict(row: dict[str, Any]) -> str:
    """Whether mentors and mentees differ by more than chance on a row of the comparison."""
    return {"about the same": "about the same", "mentors higher": "differs",
            "mentees higher": "differs"}.get(row.get("direction") or "", "")


def title_of(document: dict[str, Any]) -> str:
    scope = document["scope"]
    parts = ["Cohort report"]
    if scope.get("cohort"):
        parts.append(f"cohort {scope['cohort']}")
    if scope.get("role"):
        parts.append(f"{scope['role']}s only")
    return " · ".join(parts)


def _roles_line(section: dict[str, Any]) -> str:
    parts = []
    for role in section["roles"]:
        name = role["role"] + "s"
        parts.append(f"{name} {role['note']}" if role["suppressed"]
                     else f"{name} {role['responses']}")
    return "Responses: " + ", ".join(parts)


def _overall_line(overall: dict[str, Any] | None) -> str:
    if not overall or overall["suppressed"]:
        return "Overall trust index: " + (overall["note"] if overall else SUPPRESSED)
    return (f"Overall trust index: {overall['mean']:.1f} of 100 ({overall['band']}); median "
            f"{overall['median']:.1f}, middle half {spread(overall)}, from {overall['n']} "
            "responses")


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
    return ("± is one standard error of measurement: how far one person's score on a strategy "
            "can wobble with nothing changed. It comes from " + "; ".join(parts)
            + f" (a cohort's own alpha is used once it has {minimum} complete responses).")


def _gap_line(comparison: dict[str, Any]) -> str:
    return ("Gap: the mentors' mean minus the mentees'. \"differs\" when it is larger than "
            "1.96 × √(SE of one mean² + SE of the other²), each SE the spread ÷ √n; "
            "otherwise about the same.")


def _alpha_lines(section: dict[str, Any]) -> list[str]:
    quality = section["quality"]
    lines = []
    reliability_line = _reliability_line(section)
    if reliability_line:
        lines.append(reliability_line)
    shown = [s for s in section["strategies"] if s.get("alpha") is not None]
    minimum = quality["alpha_min_responses"]
    if shown:
        low = [s for s in shown if s["alpha_flag"]]
        lines.append(
            f"Internal consistency (Cronbach's alpha) is shown for strategies with at least "
            f"{minimum} complete responses; below {quality['alpha_flag_below']} is marked low"
            + (": " + ", ".join(f"{one_line(s['title'])} {s['alpha']:.2f}" for s in low)
               if low else "; none is low") + ".")
    else:
        lines.append(f"Internal consistency (Cronbach's alpha): not available (it needs at least "
                     f"{minimum} complete responses per strategy and the checklist itself).")
    if quality["straight_lined"] is None:
        lines.append("Straight-lined responses: not available (the results hold no answers).")
    else:
        lines.append(f"Straight-lined responses (the same answer to every statement): "
                     f"{quality['straight_lined']} of {quality['with_answers']}.")
    if quality.get("item_level_note"):
        lines.append(one_line(quality["item_level_note"][0].upper()
                              + quality["item_level_note"][1:]) + ".")
    return lines


# --- text (Rich) -------------------------------------------------------------------------------

def text(document: dict[str, Any], stream: IO[str], *, width: int | None = None) -> None:
    """The report for a terminal or a projector."""
    from rich.table import Table
    from rich.text import Text

    from trustcheck.render.listing import BAND_STYLES
    from trustcheck.render.text import indented, make_console, user

    console = make_console(stream, width=width)
    console.print(user(title_of(document), "bold"))
    console.print(Text(f"{document['responses']} responses in the figures. Groups smaller than "
                       f"{document['min_group']} are never shown; see what was suppressed and "
                       "why at the end."))
    if document["left_out"] or document["duplicates"]:
        console.print(Text(_intake_line(document), style="yellow"))
    for section in document["sections"]:
        console.print()
        console.print(user(section["label"], "bold underline"))
        console.print(Text(_roles_line(section)))
        if section["suppressed"]:
            console.print(Text(f"Nothing from this part is shown: {section['note']}."))
            continue
        table = Table(box=None, pad_edge=False, header_style="bold", padding=(0, 1))
        table.add_column("Strategy", min_width=16, ratio=1)
        for name in ("n", "Mean", "", "Median", "Q1–Q3", "Fav.", "Alpha", "SEM"):
            table.add_column(name, justify="left" if name == "" else "right", no_wrap=True)
        group = None
        for s in section["strategies"]:
            if s["group"] != group:
                group = s["group"]
                table.add_row(user(_group_title(group), "bold italic"), *[""] * 8)
            if s["suppressed"]:
                table.add_row(user(s["title"]), "", Text(s["note"], "dim"), "", "", "", "", "",
                              "")
                continue
            style = BAND_STYLES.get(s["band"], "")
            table.add_row(user(s["title"]), str(s["n"]), number(s["mean"]),
                          short_bar(s["mean"], style), number(s["median"]), spread(s),
                          number(s["favourable"], "%"), alpha_text(s), sem_text(s))
        console.print(table)
        console.print(Text(_overall_line(section["overall"])))

        console.print()
        console.print(Text("Suggested workshop focus", style="bold"))
        if not section["focus"]:
            console.print(Text("No strategy shown is below 80 (strong): keep doing what works."))
        for position, area in enumerate(section["focus"], start=1):
            console.print(Text.assemble(f"{position}. ", user(area["title"], "bold"),
                                        f" — mean {area['mean']:.1f} ({area['band']})"))
            for action in area["actions"]:
                who = f"for {action['for']}: " if action["for"] else ""
                console.print(indented(Text.assemble("- ", who, user(action["text"])), 3))
        console.print()
        console.print(Text("Obstacles signalled in the cohort", style="bold"))
        if section["obstacles_note"]:
            console.print(user("Not available for part of it: " + section["obstacles_note"]
                               + "."))
        if not section["obstacles"]:
            console.print(Text("None: the warning signs of every obstacle average 60 or more."))
        for obstacle in section["obstacles"]:
            console.print(Text.assemble("- ", user(obstacle["title"], "bold"),
                                        f" ({obstacle['role']} checklist): warning signs "
                                        f"average {obstacle['mean']:.1f} of 100"))
            console.print(indented(Text.assemble("(", user(_signals(obstacle)), ")"), 2))
            console.print(indented(user(obstacle["remedy"]), 2))

        comparison = section["comparison"]
        console.print()
        console.print(Text("Mentors and mentees side by side (shared strategies)", style="bold"))
        if not comparison["available"]:
            console.print(user(comparison["note"][0].upper() + comparison["note"][1:] + "."))
        else:
            side = Table(box=None, pad_edge=False, header_style="bold", padding=(0, 1))
            side.add_column("Strategy", min_width=16, ratio=1)
            for name in ("Mentors", "", "Mentees", "", "Gap", " "):
                side.add_column(name, justify="left" if name.strip() == "" else "right",
                                no_wrap=True)
            for row in [*comparison["strategies"], _overall_row(comparison)]:
                if row["suppressed"]:
                    side.add_row(user(row["title"]), "", "", Text(row["note"], "dim"), "", "",
                                 "")
                    continue
                side.add_row(user(row["title"]), number(row["mentor"]["mean"]),
                             short_bar(row["mentor"]["mean"], "cyan"),
                             number(row["mentee"]["mean"]),
                             short_bar(row["mentee"]["mean"], "magenta"), signed(row["gap"]),
                             Text(gap_verdict(row), "dim" if gap_verdict(row) !=
                                  "differs" else "bold yellow"))
            console.print(side)
            console.print(Text(_gap_line(comparison), style="dim"))

        console.print()
        console.print(Text("Quality of the data", style="bold"))
        for line in _alpha_lines(section):
            console.print(indented(Text.assemble("- ", user(line)), 0))

    console.print()
    console.print(Text("What was suppressed and why", style="bold"))
    for line in document["privacy"]["suppressed"] or ["Nothing was suppressed."]:
        console.print(Text.assemble("- ", user(line)))
    for line in document["privacy"]["rules"]:
        console.print(Text.assemble("- ", user(line)), style="dim")


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


def _group_title(group: str) -> str:
    names = {"mentor": "Mentor strategies", "mentee": "Mentee strategies",
             "shared": "Shared strategies"}
    return names.get(group, f"{group} strategies")


def _intake_line(document: dict[str, Any]) -> str:
    parts = []
    if document["left_out"]:
        count = document["left_out"]
        parts.append(f"{count} row{'s' if count != 1 else ''} could not be used and "
                     f"{'were' if count != 1 else 'was'} left out (listed on the terminal)")
    if document["duplicates"]:
        count = document["duplicates"]
        parts.append(f"{count} result{'s' if count != 1 else ''} appeared more than once and "
                     "counted once")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def _signals(obstacle: dict[str, Any]) -> str:
    return ", ".join(f"{s['title']} {s['mean']:.1f}" for s in obstacle["signals"])


def _overall_row(comparison: dict[str, Any]) -> dict[str, Any]:
    overall: dict[str, Any] = comparison["overall"]
    return {"title": "Overall trust index", **overall}


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
    out = [f"# {md(title_of(document))}", ""]
    out.append(f"{document['responses']} responses in the figures. Groups smaller than "
               f"{document['min_group']} are never shown; see *What was suppressed and why* at "
               "the end.")
    if document["left_out"] or document["duplicates"]:
        out += ["", md(_intake_line(document))]
    for section in document["sections"]:
        out += ["", f"## {md(section['label'])}", "", md(_roles_line(section))]
        if section["suppressed"]:
            out += ["", f"Nothing from this part is shown: {md(section['note'])}."]
            continue
        rows = []
        for s in section["strategies"]:
            if s["suppressed"]:
                rows.append([md(s["title"]), md(s["group"]), "", md(s["note"]), "", "", "", "",
                             ""])
                continue
            rows.append([md(s["title"]), md(s["group"]), str(s["n"]), number(s["mean"]),
                         number(s["median"]), spread(s), number(s["favourable"], " %"),
                         alpha_text(s), sem_text(s)])
        out += [""] + _md_table(["Strategy", "Group", "n", "Mean", "Median", "Middle half",
                                 "Favourable", "Alpha", "SEM"], rows, "llrrrrrrr")
        out += ["", md(_overall_line(section["overall"]))]

        out += ["", "### Suggested workshop focus", ""]
        if not section["focus"]:
            out.append("No strategy shown is below 80 (strong): keep doing what works.")
        for position, area in enumerate(section["focus"], start=1):
            out.append(f"{position}. **{md(area['title'])}**: mean {area['mean']:.1f} "
                       f"({md(area['band'])})")
            for action in area["actions"]:
                who = f"for {md(action['for'])}: " if action["for"] else ""
                out.append(f"    - {who}{md(action['text'])}")

        out += ["", "### Obstacles signalled in the cohort", ""]
        if section["obstacles_note"]:
            out += [md("Not available for part of it: " + section["obstacles_note"] + "."), ""]
        if not section["obstacles"]:
            out.append("None: the warning signs of every obstacle average 60 or more.")
        for obstacle in section["obstacles"]:
            out.append(f"- **{md(obstacle['title'])}** ({md(obstacle['role'])} checklist): "
                       f"warning signs average {obstacle['mean']:.1f} of 100 "
                       f"({md(_signals(obstacle))}). {md(obstacle['remedy'])}")

        comparison = section["comparison"]
        out += ["", "### Mentors and mentees side by side (shared strategies)", ""]
        if not comparison["available"]:
            out.append(md(comparison["note"][0].upper() + comparison["note"][1:] + "."))
        else:
            rows = []
            for row in [*comparison["strategies"], _overall_row(comparison)]:
                if row["suppressed"]:
                    rows.append([md(row["title"]), md(row["note"]), "", "", ""])
                else:
                    rows.append([md(row["title"]), number(row["mentor"]["mean"]),
                                 number(row["mentee"]["mean"]), signed(row["gap"]),
                                 gap_verdict(row)])
            out += _md_table(["Strategy", "Mentors", "Mentees", "Gap", "More than chance?"],
                             rows, "lrrrl")
            out += ["", md(_gap_line(comparison))]

        out += ["", "### Quality of the data", ""]
        out += [f"- {md(line)}" for line in _alpha_lines(section)]

    out += ["", "## What was suppressed and why", ""]
    out += [f"- {md(line)}" for line in document["privacy"]["suppressed"]
            or ["Nothing was suppressed."]]
    out += [f"- {md(line)}" for line in document["privacy"]["rules"]]
    return "\n".join(out) + "\n"


# --- JSON --------------------------------------------------------------------------------------

def json_text(document: dict[str, Any]) -> str:
    from trustcheck.render.json import dumps

    return dumps(document)
