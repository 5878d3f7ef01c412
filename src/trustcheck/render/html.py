"""The cohort report as one self-contained HTML page, for a projector, a browser or paper.

Drawn from the report document alone (`trustcheck/report/v2`, built by `trustcheck.cohort`),
which never holds answers, names, ids or free text. The page loads nothing from anywhere: the
CSS and the SVG charts are inline, there are no scripts, fonts or images, and a Content
Security Policy forbids them anyway. Checklist titles, action texts and the cohort label are
still user text, so every piece of text (SVG text and attributes included) goes through
`html.escape(..., quote=True)` after control characters are removed.

Each part of the report is its own `<section class="part">`, in the order a room needs them:
first who answered, the overall index with its uncertainty, the workshop focus and mentors
beside mentees (the first screen at 1280x720), then what to try, obstacles, every strategy,
what went together with felt trust, the quality of the data and what was suppressed. With
`slides=True` (`report --format html --slides`) each part is one screen of 1280x720 and one
printed page, for a projector or a printed handout.

Suppressed groups read "suppressed (fewer than N responses)": they never get a number or a bar.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from trustcheck.render.report import (
    actions_of,
    audience,
    capital,
    comparison_note,
    comparison_rows,
    felt_trust_lines,
    focus_rule,
    gap_line,
    gap_verdict,
    group_title,
    intake_line,
    lede,
    number,
    obstacle_lines,
    overall_details,
    quality_lines,
    sem_text,
    spread,
    title_of,
    who_line,
)
from trustcheck.render.table import signed
from trustcheck.text import one_line

# Chart geometry, in SVG user units (the charts scale to the page width).
WIDTH = 1000
LABEL_RIGHT = 330  # labels end here (right-aligned)
PLOT_LEFT = 345
PLOT_RIGHT = 880
AXIS_HEIGHT = 44
TICKS = (0, 20, 40, 60, 80, 100)
BANDS = ((0, 40, "needs attention"), (40, 60, "developing"), (60, 80, "solid"),
         (80, 100, "strong"))
ACCENT = "#1f3a5f"  # headings and the focus panel's edge
FOCUS_GROUND = "#fdf1d6"  # the focus panel: the one warm area of the first screen

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
html { background: #fff; }
body {
  margin: 0 auto; max-width: 1240px; padding: 18px 32px 40px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 20px; line-height: 1.4; color: #111; background: #fff;
  overflow-wrap: anywhere;
}
h1 { font-size: 1.6em; line-height: 1.15; margin: 0 0 0.15em; }
h2 { font-size: 1.35em; line-height: 1.2; margin: 1.2em 0 0.4em; padding-top: 0.3em;
     border-top: 4px solid ACCENT; color: ACCENT; }
section.overview > h2 { margin-top: 0.2em; border-top: none; padding-top: 0; color: #111;
                        font-size: 1.1em; }
h3 { font-size: 1.15em; margin: 0.8em 0 0.3em; }
p { margin: 0.35em 0; }
.meta { color: #444; font-size: 0.85em; }
.warning { border-left: 6px solid #b7791f; background: #fff8e6; padding: 0.4em 0.8em; }
.checklists { color: #333; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 0.4em 0 0.6em; padding: 0;
         list-style: none; }
.card { border: 2px solid #c9d3df; border-radius: 10px; padding: 0.3em 0.8em; min-width: 9em; }
.card .what { display: block; font-size: 0.8em; color: #333; }
.card .figure { display: block; font-size: 1.5em; font-weight: 700; line-height: 1.2; }
.card .figure.small { font-size: 1em; font-weight: 600; }
.card .detail { display: block; font-size: 0.8em; color: #333; }
.first { display: grid; grid-template-columns: 1fr 1.1fr; gap: 22px; align-items: start; }
.focus-panel { background: FOCUS; border-left: 10px solid ACCENT; border-radius: 8px;
               padding: 0.4em 0.9em 0.6em; }
.focus-panel h3, .pairs-panel h3 { margin-top: 0.1em; }
ul.groups { list-style: none; margin: 0; padding: 0; }
ul.groups > li { margin: 0 0 0.5em; }
.who { display: block; font-weight: 700; }
.areas { display: block; }
.close { display: block; font-size: 0.8em; color: #333; }
.pairs-panel table { font-size: 0.8em; margin: 0; }
.pairs-panel td:last-child { white-space: nowrap; }
.suppressed { font-style: italic; color: #333; }
figure { margin: 0.6em 0 1em; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-size: 0.85em; color: #333; margin-top: 0.3em; }
svg.chart { display: block; width: 100%; height: auto; }
.chart text { fill: #111; font-size: 20px; }
.chart .tick { font-size: 16px; fill: #333; }
.chart .bandname { font-size: 15px; fill: #444; }
.chart .group { font-weight: 700; font-size: 19px; }
.chart .total { font-weight: 700; }
.chart .value { font-variant-numeric: tabular-nums; }
.chart .note { font-style: italic; fill: #333; }
.chart .note-bg { fill: #fff; }
.chart .grid { stroke: #d5d9de; stroke-width: 1; }
.chart .band-edge { stroke: #9aa3ad; stroke-width: 1.5; stroke-dasharray: 5 4; }
.chart .axis { stroke: #555; stroke-width: 1.5; }
.chart .rule { stroke: #888; stroke-width: 1.5; }
.chart .bar { fill: #7ea6d8; }
.chart .whisker { stroke: #111; stroke-width: 3; }
.chart .bar-mentor, .chart .swatch-mentor { fill: #1f4e8c; }
.chart .bar-mentee, .chart .swatch-mentee { fill: #f2b134; stroke: #6b4a00; stroke-width: 1; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 0.8em;
        font-variant-numeric: tabular-nums; }
th, td { padding: 0.2em 0.5em; border-bottom: 1px solid #d5d9de; vertical-align: top; }
th { text-align: left; border-bottom: 2px solid #555; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr.group th { border-bottom: 1px solid #9aa3ad; padding-top: 0.6em; font-style: italic; }
tr.total td { font-weight: 700; border-top: 2px solid #555; }
.differs { font-weight: 700; }
ol.focus > li { margin-bottom: 0.5em; }
ol.focus ul { margin: 0.2em 0 0; }
ul.obstacles > li { margin-bottom: 0.5em; }
.remedy { display: block; }
.rule-text, .rules { color: #333; font-size: 0.9em; }
footer { margin-top: 2em; font-size: 0.85em; color: #444; }
@media (max-width: 900px) {
  .first { grid-template-columns: 1fr; }
}
@media (max-width: 700px) {
  body { font-size: 17px; padding: 16px; }
}
@media print {
  @page { margin: 14mm; }
  html, body { background: #fff !important; color: #000 !important; }
  body { max-width: none; padding: 0; font-size: 11pt; }
  section.part { break-before: page; page-break-before: always; }
  section.part:first-of-type { break-before: auto; page-break-before: auto; }
  h2 { break-after: avoid; page-break-after: avoid; border-top-color: #000; color: #000; }
  h3 { break-after: avoid; page-break-after: avoid; }
  .meta, .checklists, .card .what, .card .detail, .suppressed, figcaption, .rules, footer,
  .rule-text, .chart .note, .chart .tick, .chart .bandname { color: #000 !important; }
  .chart text { fill: #000 !important; }
  .warning { background: #fff; border-left-color: #000; }
  .focus-panel { background: #fff; border-left-color: #000; border: 2px solid #000; }
  .card { border-color: #000; }
  th, td { border-bottom-color: #777; }
  tr, .card, figure, li { break-inside: avoid; page-break-inside: avoid; }
  .chart .grid { stroke: #bbb; }
  .chart .bar { fill: #9a9a9a; }
  .chart .bar-mentor, .chart .swatch-mentor { fill: #333; }
  .chart .bar-mentee, .chart .swatch-mentee { fill: #fff; stroke: #000; stroke-width: 2; }
  .chart .whisker { stroke: #000; }
}
""".replace("ACCENT", ACCENT).replace("FOCUS", FOCUS_GROUND)

# Slides: each part is one screen (1280x720 on a projector) and one landscape page on paper.
SLIDES_CSS = """
body.slides { max-width: none; padding: 0; font-size: 21px; }
.slides section.overview { font-size: 0.95em; }
body.slides > header { display: none; }
.slides section.part { min-height: 100vh; padding: 20px 44px 24px; overflow: hidden;
                       break-after: page; page-break-after: always;
                       border-bottom: 3px solid #c9d3df; }
.slides section.part > h2 { margin-top: 0; }
.slides section.overview h2 { font-size: 1em; }
.slides .overview .kicker { display: block; font-size: 1.3em; font-weight: 700; }
.slides svg.chart { max-height: calc(100vh - 190px); width: auto; max-width: 100%;
                    margin: 0 auto; }
.slides .dense { font-size: 0.8em; }
.slides .try { font-size: 0.9em; }
.slides footer { display: none; }
@media print {
  @page { size: 1280px 720px; margin: 0; }
  /* One part per page: a part that does not fit would run onto a second page, not be cut. */
  .slides section.part { min-height: 0; overflow: visible; border-bottom: none;
                         break-before: auto; page-break-before: auto; }
  /* Chromium matches print media queries against its default paper, not @page: keep the
     first screen's two columns, and leave room under a chart for its caption. */
  .slides .first { grid-template-columns: 1fr 1.1fr; }
  .slides svg.chart { max-height: 460px; }
}
"""

# No scripts, no connections, no frames: only the inline styles may do anything.
CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def e(value: object) -> str:
    """User or document text ready for HTML or SVG text and attribute values."""
    return html.escape(one_line(value), quote=True)


def render_html(report: dict[str, Any]) -> str:
    """The report document as one self-contained HTML page."""
    return page(report, slides=False)


def render_slides(report: dict[str, Any]) -> str:
    """The report as slides: each part one screen of 1280x720, and one page when printed."""
    return page(report, slides=True)


def head(title: str, css: str, *, body: str = "") -> list[str]:
    """The start of every page trustcheck writes, up to `<body>`: the content policy that
    allows no scripts and no requests (CSP), no referrer, a phone's width, the title (escaped)
    and the page's own style. `body` gives the body tag its attributes."""
    return [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{e(CSP)}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title>",
        f"<style>{css}</style>",
        "</head>",
        f"<body {body}>" if body else "<body>",
    ]


def page(report: dict[str, Any], *, slides: bool) -> str:
    title = title_of(report)
    out: list[str] = [
        *head(title, CSS + (SLIDES_CSS if slides else ""), body='class="slides"' if slides else ""),
        "<header>",
        f"<h1>{e(title)}</h1>",
        f'<p class="meta">Made {e(_when(report["created_at"]))}. {e(lede(report))}</p>',
    ]
    if report["left_out"] or report["duplicates"]:
        out.append(f'<p class="warning">{e(intake_line(report))}</p>')
    out.append("</header>")
    out.append("<main>")
    for index, section in enumerate(report["sections"]):
        out += _section(section, index, title if slides else None)
    out += _privacy(report)
    out.append("</main>")
    out.append(f'<footer><p>Cohort report made by trustcheck ({e(report["schema"])}) on '
               f'{e(_when(report["created_at"]))}. It holds no individual answers, names, ids or '
               "free text.</p></footer>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def _when(created_at: object) -> str:
    text = one_line(created_at)
    return text.replace("T", " ").removesuffix("Z")[:16] + " UTC"


# --- one section -------------------------------------------------------------------------------

def _section(section: dict[str, Any], index: int, kicker: str | None) -> list[str]:
    """A checklist section's parts: its first screen, then one part per kind of detail."""
    out = [f'<section class="part overview" id="overview-{index}">']
    if kicker is not None:  # slides have no page header: the first screen names the report
        out.append(f'<span class="kicker">{e(kicker)}</span>')
    out.append(f"<h2>{e(section['label'])}</h2>")
    out.append('<ul class="cards">')
    for role in section["roles"]:
        name = role["role"][:1].upper() + role["role"][1:] + "s"
        if role["suppressed"]:
            out.append(f'<li class="card"><span class="what">{e(name)}</span>'
                       f'<span class="figure small suppressed">{e(role["note"])}</span></li>')
        else:
            out.append(f'<li class="card"><span class="what">{e(name)}</span>'
                       f'<span class="figure">{e(role["responses"])}</span>'
                       '<span class="detail">responses</span></li>')
    if not section["suppressed"]:
        out.append(_overall_card(section["overall"]))
    out.append("</ul>")
    if section["suppressed"]:
        out.append(f'<p class="suppressed">{e(who_line(section))}. Nothing from this part is '
                   f'shown: {e(section["note"])}.</p>')
        out.append(f'<p class="checklists">{_checklists(section["checklists"])}</p>')
        out.append("</section>")
        return out
    out.append('<div class="first">')
    out += _focus_panel(section["focus"])
    out += _pairs_panel(section["comparison"])
    out.append("</div>")
    out.append("</section>")

    out += _what_to_try(section["focus"])
    out += _obstacles(section)
    groups: list[str] = []
    for strategy in section["strategies"]:
        if strategy["group"] not in groups:
            groups.append(strategy["group"])
    for position, group in enumerate(groups):
        # The id is made of numbers only: a group name is document text.
        out += _strategies(section, group, f"means-{index}-{position}")
    for group in groups:
        out += _strategy_table(section, group, last=group == groups[-1])
    if section["comparison"]["available"]:
        out += _pairs_part(section["comparison"], f"pairs-{index}")
    out += _felt_trust(section.get("felt_trust"))
    out.append('<section class="part dense">')
    out.append("<h2>Quality of the data</h2>")
    out.append("<ul>")
    out += [f"<li>{e(line)}</li>" for line in quality_lines(section)]
    out.append("</ul>")
    out.append(f'<p class="checklists">{_checklists(section["checklists"])}</p>')
    out.append("</section>")
    return out


def _checklists(checklists: list[dict[str, Any]]) -> str:
    parts = []
    for checklist in checklists:
        where = "" if checklist["available"] else ", not on this computer"
        parts.append(f"{e(checklist['title'])} (for {e(checklist['role'])}s: id "
                     f"{e(checklist['id'])}, version {e(checklist['version'])}{where})")
    return "Checklists: " + "; ".join(parts) + "."


def _overall_card(overall: dict[str, Any] | None) -> str:
    if not overall or overall["suppressed"]:
        note = overall["note"] if overall else "suppressed"
        return ('<li class="card"><span class="what">Overall trust index</span>'
                f'<span class="figure small suppressed">{e(note)}</span></li>')
    likely = ""
    if overall.get("low") is not None:
        likely = f"likely {number(overall['low'])} to {number(overall['high'])}"
    return ('<li class="card"><span class="what">Overall trust index</span>'
            f'<span class="figure">{e(number(overall["mean"]))}</span>'
            f'<span class="detail">of 100 · {e(overall["band"])}'
            f'{" · " + e(likely) if likely else ""}</span></li>')


def _focus_panel(focus: dict[str, Any]) -> list[str]:
    out = ['<section class="focus-panel" id="focus">', "<h3>Workshop focus</h3>",
           '<ul class="groups">']
    for group in focus["groups"]:
        out.append(f'<li><span class="who">{e(audience(group, focus["room"]))}</span>'
                   f"{_ranked_html(group)}</li>")
    out += ["</ul>", "</section>"]
    return out


def _ranked_html(group: dict[str, Any]) -> str:
    """A group's focus areas, lowest first, with what is too close to rank in smaller type."""
    areas = group["areas"]
    if not areas:
        return e(capital(group["note"]) + ".")
    names = " · ".join(f"{e(a['title'])} {e(number(a['mean']))}" for a in areas)
    tiers = [a["tier"] for a in areas]
    tied = len(set(tiers)) < len(tiers) or group["also_as_low"]
    if not tied:
        return f'<span class="areas">{names}</span>'
    close = "all too close to rank" if len(set(tiers)) == 1 else "some too close to rank"
    also = group["also_as_low"]
    if also:
        close += "; as low: " + ", ".join(one_line(t) for t in also)
    return f'<span class="areas">{names}</span><span class="close">{e(close)}</span>'



def _pairs_panel(comparison: dict[str, Any] | None) -> list[str]:
    out = ['<section class="pairs-panel">',
           "<h3>Mentors beside mentees on the shared strategies</h3>"]
    if comparison is None or not comparison["available"]:
        return out + [f"<p>{e(comparison_note(comparison))}</p>", "</section>"]
    out += ["<table>", "<thead><tr><th>Strategy</th>"
            + "".join(f'<th class="num">{name}</th>' for name in ("Mentors", "Mentees", "Gap"))
            + "<th></th></tr></thead>", "<tbody>"]
    rows = comparison_rows(comparison)
    for position, row in enumerate(rows):
        total = ' class="total"' if position == len(rows) - 1 else ""
        if row["suppressed"]:
            out.append(f"<tr{total}><td>{e(row['title'])}</td>"
                       f'<td class="suppressed" colspan="4">{e(row["note"])}</td></tr>')
            continue
        cells = [number(row["mentor"]["mean"]), number(row["mentee"]["mean"]),
                 signed(row["gap"])]
        verdict = gap_verdict(row)
        css = ' class="differs"' if verdict == "differs" else ""
        out.append(f"<tr{total}><td>{e(row['title'])}</td>"
                   + "".join(f'<td class="num">{e(cell)}</td>' for cell in cells)
                   + f"<td{css}>{e(verdict)}</td></tr>")
    out += ["</tbody>", "</table>", "</section>"]
    return out


def _what_to_try(focus: dict[str, Any]) -> list[str]:
    out = []
    for group in focus["groups"]:
        out += ['<section class="part try">',
                f"<h2>What to try: {e(audience(group, focus['room']))}</h2>"]
        if group["areas"]:
            out.append('<ol class="focus">')
            for area in group["areas"]:
                out.append(f"<li><strong>{e(area['title'])}</strong> — mean "
                           f"{e(number(area['mean']))} ({e(area['band'])})")
                actions = actions_of(area)
                if actions:
                    out.append("<ul>" + "".join(f"<li>{e(a)}</li>" for a in actions) + "</ul>")
                out.append("</li>")
            out.append("</ol>")
        out.append(f"<p>{e(capital(group['note']))}.</p>")
        out.append(f'<p class="rule-text">{e(focus_rule())}</p>')
        out.append("</section>")
    return out


def _obstacles(section: dict[str, Any]) -> list[str]:
    out = ['<section class="part dense">', "<h2>Obstacles the room signals</h2>"]
    if section["obstacles_note"]:
        out.append(f"<p>{e('Not available for part of it: ' + section['obstacles_note'] + '.')}"
                   "</p>")
    if not section["obstacles"]:
        return out + ["<p>None: the warning signs of every obstacle average 60 or more.</p>",
                      "</section>"]
    out.append('<ul class="obstacles">')
    for obstacle in section["obstacles"]:
        title, signalled, helps = obstacle_lines(obstacle)
        out.append(f"<li><strong>{e(title)}</strong>: {e(signalled)}."
                   + "".join(f'<span class="remedy">{e(line)}</span>' for line in helps)
                   + "</li>")
    out += ["</ul>", "</section>"]
    return out


def _strategies(section: dict[str, Any], group: str, chart_id: str) -> list[str]:
    strategies = [s for s in section["strategies"] if s["group"] == group]
    return ['<section class="part">', f"<h2>{e(group_title(group))}</h2>",
            _means_chart(strategies, chart_id), "</section>"]


def _strategy_table(section: dict[str, Any], group: str, *, last: bool) -> list[str]:
    """One group's strategies in numbers (one table per group, so each fits a slide)."""
    out = ['<section class="part">', f"<h2>{e(group_title(group))} in numbers</h2>", "<table>",
           "<thead><tr><th>Strategy</th>"
           + "".join(f'<th class="num">{name}</th>' for name in (
               "n", "Mean", "Median", "Middle half", "Favourable", "SEM"))
           + "</tr></thead>", "<tbody>"]
    for s in section["strategies"]:
        if s["group"] != group:
            continue
        if s["suppressed"]:
            out.append(f'<tr><td>{e(s["title"])}</td><td class="suppressed" colspan="6">'
                       f'{e(s["note"])}</td></tr>')
            continue
        cells = [str(s["n"]), number(s["mean"]), number(s["median"]), spread(s),
                 number(s["favourable"], " %"), sem_text(s)]
        out.append(f"<tr><td>{e(s['title'])}</td>"
                   + "".join(f'<td class="num">{e(cell)}</td>' for cell in cells) + "</tr>")
    out += ["</tbody>", "</table>",
            '<p class="rule-text">Middle half: half of the people scored between these two '
            "numbers. Favourable: the share of answers that were favourable (agree or strongly "
            "agree, the other way round for statements about problems). SEM: how far one "
            "person's score can wobble, see Quality of the data.</p>"]
    details = overall_details(section["overall"]) if last else None
    if details:
        out.append(f'<p class="rule-text">{e(details)}</p>')
    out.append("</section>")
    return out


def _pairs_part(comparison: dict[str, Any], chart_id: str) -> list[str]:
    return ['<section class="part">', "<h2>Mentors beside mentees, in a chart</h2>",
            _pairs_chart(comparison_rows(comparison), chart_id),
            f'<p class="rule-text">{e(gap_line())}</p>', "</section>"]


def _felt_trust(felt: dict[str, Any] | None) -> list[str]:
    lines = felt_trust_lines(felt)
    if not lines:
        return []
    return ['<section class="part">', "<h2>What went together with felt trust</h2>",
            "<ul>", *[f"<li>{e(line)}</li>" for line in lines], "</ul>", "</section>"]


# --- what was suppressed -------------------------------------------------------------------------

def _privacy(report: dict[str, Any]) -> list[str]:
    privacy = report["privacy"]
    out = ['<section class="part privacy dense">', "<h2>What was suppressed and why</h2>",
           f"<p>{e(lede(report))}</p>", "<ul>"]
    out += [f"<li>{e(line)}</li>" for line in privacy["suppressed"] or ["Nothing was suppressed."]]
    out += ["</ul>", "<h3>The rules this report follows</h3>", '<ul class="rules">']
    out += [f"<li>{e(line)}</li>" for line in privacy["rules"]]
    out += ["</ul>", "</section>"]
    return out


# --- charts --------------------------------------------------------------------------------------

def _x(score: float) -> float:
    score = min(100.0, max(0.0, score))
    return round(PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * score / 100, 1)


def _width(text: str) -> float:
    """About how wide text is at the label size (20 units), erring on the wide side."""
    total = 0.0
    for ch in text:
        if ch in " il.,:;'!|()[]":
            total += 6.5
        elif ch.isupper() or ch in "mwMW@%&—…":
            total += 16.0
        elif ord(ch) > 0x2E7F:  # CJK and other wide scripts
            total += 20.0
        else:
            total += 12.0
    return total


def _fit(word: str, room: float) -> str:
    """A word cut with … so that it fits in `room`."""
    while word and _width(word + "…") > room:
        word = word[:-1]
    return word + "…"


def _label_lines(text: object) -> list[str]:
    """A label in at most two lines that fit left of the plot, cut with … if longer."""
    room = LABEL_RIGHT - 8
    lines: list[str] = []
    current = ""
    for word in one_line(text).split(" "):
        if _width(word) > room:
            word = _fit(word, room)
        candidate = f"{current} {word}".strip()
        if _width(candidate) <= room or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    lines.append(current)
    if len(lines) > 2:
        lines = [lines[0], _fit(lines[1], room)]
    return lines


def _label(text: object, top: float, height: float, css: str = "label") -> str:
    """Right-aligned label text, vertically centred in its row, with the whole text as a tip."""
    lines = _label_lines(text)
    first = top + height / 2 - (len(lines) - 1) * 12 + 7
    spans = "".join(f'<tspan x="{LABEL_RIGHT}" y="{first + 24 * n:.1f}">{e(line)}</tspan>'
                    for n, line in enumerate(lines))
    return f'<text class="{css}" text-anchor="end">{spans}<title>{e(text)}</title></text>'


def _axis(top: float, bottom: float) -> list[str]:
    """Tick labels above the plot, grid lines through it, band names below it."""
    out = []
    for tick in TICKS:
        x = _x(tick)
        out.append(f'<line class="grid" x1="{x}" y1="{top - 6}" x2="{x}" y2="{bottom}"/>')
        out.append(f'<text class="tick" x="{x}" y="{top - 12}" text-anchor="middle">{tick}</text>')
    for low, _, _ in BANDS[1:]:
        x = _x(low)
        out.append(f'<line class="band-edge" x1="{x}" y1="{top}" x2="{x}" y2="{bottom}"/>')
    out.append(f'<line class="axis" x1="{_x(0)}" y1="{top}" x2="{_x(0)}" y2="{bottom}"/>')
    for low, high, name in BANDS:
        out.append(f'<text class="bandname" x="{_x((low + high) / 2)}" y="{bottom + 22}" '
                   f'text-anchor="middle">{e(name)}</text>')
    return out


def _svg(chart_id: str, height: float, title: str, body: Iterable[str]) -> str:
    return "\n".join([
        f'<svg class="chart" id="{chart_id}" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-labelledby="{chart_id}-title">',
        f'<title id="{chart_id}-title">{e(title)}</title>',
        *body,
        "</svg>",
    ])


def _row_height(title: object, single: float, double: float) -> float:
    return double if len(_label_lines(title)) > 1 else single


def _means_chart(strategies: list[dict[str, Any]], chart_id: str) -> str:
    """One horizontal bar per strategy (its mean), a line from Q1 to Q3 across it."""
    body: list[str] = []
    y = float(AXIS_HEIGHT)
    group = None
    for s in strategies:
        if s["group"] != group:
            group = s["group"]
            body.append(f'<text class="group" x="0" y="{y + 26:.1f}">'
                        f"{e(group_title(group))}</text>")
            y += 38
        height = _row_height(s["title"], 46, 62)
        body.append(_label(s["title"], y, height))
        middle = y + height / 2
        if s["suppressed"] or s["mean"] is None:
            body += _note(s["note"], middle)
        else:
            body.append(f'<rect class="bar" x="{_x(0)}" y="{middle - 14:.1f}" '
                        f'width="{_x(s["mean"]) - _x(0):.1f}" height="28">'
                        f'<title>{e(s["title"])}: mean {e(number(s["mean"]))}, middle half '
                        f'{e(spread(s))}</title></rect>')
            if s.get("q1") is not None and s.get("q3") is not None:
                body += _whisker(_x(s["q1"]), _x(s["q3"]), middle)
            body.append(f'<text class="value" x="{WIDTH - 4}" y="{middle + 7:.1f}" '
                        f'text-anchor="end">{e(number(s["mean"]))}</text>')
        y += height
    bottom = y + 6
    return _figure(
        _svg(chart_id, bottom + 34,
             "Mean score of each strategy, with the middle half of the responses",
             [*_axis(AXIS_HEIGHT - 4, bottom), *body,
              f'<text class="tick" x="{WIDTH - 4}" y="{AXIS_HEIGHT - 16}" '
              'text-anchor="end">mean</text>']),
        "Bars: each strategy's mean score (0–100). Black lines: the middle half of the "
        "responses, from the first to the third quartile. Suppressed strategies have no bar.")


def _note(note: str | None, middle: float) -> list[str]:
    """Why a row has no bar, on a white ground so the grid lines do not cross the words."""
    text = one_line(note or "suppressed")
    return [f'<rect class="note-bg" x="{PLOT_LEFT + 4}" y="{middle - 17:.1f}" '
            f'width="{_width(text) + 16:.0f}" height="32"/>',
            f'<text class="note" x="{PLOT_LEFT + 12}" y="{middle + 7:.1f}">{e(text)}</text>']


def _whisker(x1: float, x2: float, middle: float) -> list[str]:
    return [f'<line class="whisker" x1="{x1}" y1="{middle:.1f}" x2="{x2}" y2="{middle:.1f}"/>',
            f'<line class="whisker" x1="{x1}" y1="{middle - 9:.1f}" x2="{x1}" '
            f'y2="{middle + 9:.1f}"/>',
            f'<line class="whisker" x1="{x2}" y1="{middle - 9:.1f}" x2="{x2}" '
            f'y2="{middle + 9:.1f}"/>']


def _pairs_chart(rows: list[dict[str, Any]], chart_id: str) -> str:
    """Two bars per shared strategy: the mentors' mean above the mentees'; the gap at the right."""
    top = AXIS_HEIGHT + 40
    body: list[str] = [
        f'<rect class="swatch-mentor" x="{PLOT_LEFT}" y="6" width="26" height="20"/>',
        f'<text x="{PLOT_LEFT + 36}" y="23">Mentors</text>',
        f'<rect class="swatch-mentee" x="{PLOT_LEFT + 160}" y="6" width="26" height="20"/>',
        f'<text x="{PLOT_LEFT + 196}" y="23">Mentees</text>',
        f'<text class="tick" x="{WIDTH - 4}" y="{top - 16}" text-anchor="end">gap</text>',
    ]
    y = float(top)
    for position, row in enumerate(rows):
        last = position == len(rows) - 1
        if last:
            body.append(f'<line class="rule" x1="0" y1="{y + 4:.1f}" x2="{WIDTH}" '
                        f'y2="{y + 4:.1f}"/>')
            y += 8
        height = 72.0
        body.append(_label(row["title"], y, height, "label total" if last else "label"))
        middle = y + height / 2
        if row["suppressed"]:
            body += _note(row["note"], middle)
        else:
            for side, offset in (("mentor", -25.0), ("mentee", 3.0)):
                mean = row[side]["mean"]
                who = "Mentors" if side == "mentor" else "Mentees"
                end = _x(mean)
                body.append(f'<rect class="bar-{side}" x="{_x(0)}" y="{middle + offset:.1f}" '
                            f'width="{end - _x(0):.1f}" height="22">'
                            f'<title>{e(row["title"])}: {who} {e(number(mean))}</title></rect>')
                body.append(f'<text class="value" x="{end + 8:.1f}" '
                            f'y="{middle + offset + 18:.1f}">{e(number(mean))}</text>')
            body.append(f'<text class="value" x="{WIDTH - 4}" y="{middle + 7:.1f}" '
                        f'text-anchor="end">{e(signed(row["gap"]))}</text>')
        y += height
    bottom = y + 6
    return _figure(
        _svg(chart_id, bottom + 34, "Mentors' and mentees' mean scores on the shared strategies",
             [*_axis(top - 4, bottom), *body]),
        "Dark bars: the mentors' mean; light bars: the mentees' mean, on each strategy both "
        "answered (0–100). Gap: the mentors' mean minus the mentees'. Suppressed rows have no "
        "bars.")


def _figure(svg: str, caption: str) -> str:
    return f"<figure>\n{svg}\n<figcaption>{e(caption)}</figcaption>\n</figure>"
