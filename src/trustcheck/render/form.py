"""`trustcheck template --format form`: the questions to paste into a form builder, in order.

Plain text only (no boxes, no colour), so it reads the same with --plain, on paper and pasted.
Each question's title is the statement exactly as the checklist words it for the role, and its
options are the scale's labels: the export of a form built from it is matched by construction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trustcheck.text import one_line

if TYPE_CHECKING:
    from trustcheck.forms import FormTemplate, Question


def form_template(found: FormTemplate) -> str:
    from trustcheck.forms import questions, role_question

    checklists = found.checklists
    roles = [c.role or "mentor" for c in checklists]
    both = len(checklists) > 1
    names = " and ".join(f"{one_line(c.title)} (checklist {one_line(c.id)}, version "
                         f"{one_line(c.version)})" for c in checklists)
    lines = [
        f"Questions for a Google Form or a Microsoft Form: {names}.",
        "",
        "How to build the form:",
        "- Add each question below in this order as a multiple-choice question (Google Forms:",
        "  Multiple choice; Microsoft Forms: Choice), with the answers listed under it as its",
        "  options. Copy each question's text as it is: trustcheck finds answers by it.",
        "- Make only the first question required: a question left blank counts as skipped.",
        "- Do not collect email addresses or names (Google Forms: Settings, Responses, Collect",
        "  email addresses: Do not collect). trustcheck never reads them, but the export keeps",
        "  them.",
    ]
    if both:
        lines += [
            "- Put each role's questions in a section of their own and let the first question",
            "  choose the section (Google Forms: Go to section based on answer; Microsoft",
            "  Forms: Add branching).",
        ]
    else:
        lines += [
            f"- Everyone answering this form is a {roles[0]}; you may leave out the first",
            f"  question and report with `--role {roles[0]}` instead.",
        ]
    lines += [
        "- Export the responses (Google Forms: Responses, Download responses (.csv); Microsoft",
        "  Forms: Responses, Open in Excel) and run:",
        "    trustcheck report RESPONSES-FILE --cohort NAME",
        "",
    ]
    number = 1
    lines += _question(number, role_question(roles), required=True)
    for checklist in checklists:
        if both:
            role = checklist.role or "mentor"
            lines += [f"== Section: for {role}s (when the first answer is {role.capitalize()})",
                      "", one_line(checklist.description), ""]
        elif checklist.description:
            lines += [one_line(checklist.description), ""]
        for question in questions(checklist, partner_view=found.partner_view):
            number += 1
            lines += _question(number, question)
    return "\n".join(lines).rstrip("\n") + "\n"


def _question(number: int, question: Question, *, required: bool = False) -> list[str]:
    return [f"Question {number}{' (required)' if required else ''}",
            one_line(question.title),
            *(f"    {one_line(option)}" for option in question.options),
            ""]
