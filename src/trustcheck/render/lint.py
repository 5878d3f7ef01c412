"""`trustcheck checklists lint` as text: one line per problem, `FILE:LINE: statement ID: reason`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from trustcheck.text import one_line

if TYPE_CHECKING:
    from trustcheck.lint import Report


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def text(reports: Sequence[Report]) -> str:
    """One line per problem, `FILE:LINE: statement ID: reason`, grouped per checklist file."""
    lines = []
    for report in reports:
        if report.checklist is None:
            lines += [f"{report.path}: not a valid checklist (see below).", ""]
            continue
        lines.append(f"{report.path}: {_count(len(report.findings), 'problem')}"
                     f" (checklist {report.checklist.id}, version {report.checklist.version}).")
        for finding in report.findings:
            where = finding.place.file or report.path
            if finding.place.line is not None:
                where += f":{finding.place.line}"
            lines.append(f"{where}: {finding.kind} {finding.id}: {finding.reason}")
        lines.append("")
    found = sum(len(r.findings) for r in reports)
    linted = [r for r in reports if r.checklist is not None]
    with_problems = sum(1 for r in linted if r.findings)
    if not linted:
        lines.append("No checklist could be linted.")
    elif found:
        lines.append(f"{_count(found, 'problem')} in {with_problems} of "
                     f"{_count(len(linted), 'checklist')}.")
    else:
        lines.append(f"No problems in {_count(len(linted), 'checklist')}.")
    return "".join(one_line(line) + "\n" for line in lines)
