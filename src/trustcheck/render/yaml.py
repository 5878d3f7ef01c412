"""The YAML answers template: every statement as a comment beside its item id."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from trustcheck.checklist import Checklist
from trustcheck.text import one_line

if TYPE_CHECKING:
    from trustcheck.listings import AnswersTemplate

_PLAIN = re.compile(r"^[a-z][a-z0-9_.-]*$")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _scalar(value: str) -> str:
    """Plain when YAML reads it back unchanged, else JSON-quoted (a JSON string is valid YAML)."""
    if _PLAIN.match(value) and value not in _YAML_WORDS:
        return value
    return json.dumps(value, ensure_ascii=False)


def answers_template(found: AnswersTemplate) -> str:
    """`trustcheck template`: the file to fill in (with the partner view when asked for)."""
    return template(found.checklist, partner_view=found.partner_view)


def template(checklist: Checklist, *, partner_view: bool = False) -> str:
    scale = checklist.scale
    labels = ", ".join(f"{v} = {one_line(scale.label(v))}" for v in scale.points)
    role = checklist.role or "mentor"
    lines = [
        f"# trustcheck answers for: {one_line(checklist.title)}",
        f"# (checklist {one_line(checklist.id)}, version {one_line(checklist.version)})",
        "#",
        f"# Rate each statement from {scale.low} to {scale.high}: {labels}.",
        "# Write skip for a statement that does not apply to you. Your answers stay on this",
        "# computer. When you are done, run:",
        f"#   trustcheck assess --role {role} --answers THIS-FILE.yaml",
    ]
    if checklist.partner_view is not None and not partner_view:
        lines += [f"# To add statements about your {checklist.partner}, run `trustcheck template "
                  f"--role {role} --partner-view`."]
    if any(item.conditional for item in checklist.items):
        lines[4:4] = ["# A statement marked (or: didn't come up) is about something that may not",
                      "# have happened this time; if it did not, write didn't come up."]
    example = next((a.id for s in checklist.strategies for a in s.actions), None)
    if example is not None:
        lines += [
            "#",
            "# Committed to something at your last check-in? Say how it went, by action id",
            "# (`trustcheck commitments` lists yours): done, partly or not done. Any you leave",
            "# out stay open until the next check-in. For example (remove the '# '):",
            "# commitments:",
            f"#   {_scalar(one_line(example))}: done",
        ]
    lines += [
        "",
        f"checklist: {_scalar(checklist.id)}",
        f"version: {_scalar(checklist.version)}    # of the checklist this file was made from",
        f"role: {role}",
        "partner:      # optional: a name or nickname for the other person",
        "cohort:       # optional: a workshop or group label",
        "answers:",
    ]
    for strategy in checklist.strategies:
        lines.append(f"  # {one_line(strategy.title)}")
        for item in strategy.items:
            mark = "  (or: didn't come up)" if item.conditional else ""
            lines.append(f"  {_scalar(item.id)}:    # {one_line(item.text)}{mark}")
    part = checklist.partner_view
    if part is not None and partner_view:
        partner = checklist.partner or "partner"
        lines += [
            "",
            f"# Now a few statements about your {partner}: how much you trust them, and what",
            "# they did. To leave this part out, delete the 'partner_view:' section.",
            "partner_view:",
        ]
        for strategy in (part.felt_trust, *part.strategies):
            lines.append(f"  # {one_line(strategy.title)}")
            for item in strategy.items:
                mark = "  (or: didn't come up)" if item.conditional else ""
                lines.append(f"  {_scalar(item.id)}:    # {one_line(item.text)}{mark}")
    return "\n".join(lines) + "\n"
