"""`trustcheck template`: a fill-in answers file for scripted runs and forms."""

from typing import Annotated

import typer

from trustcheck.cli.app import session
from trustcheck.cli.options import ChecklistOption, RoleOption, TemplateFormat
from trustcheck.cli.output import emit
from trustcheck.listings import AnswersTemplate


def template(
    ctx: typer.Context,
    role: RoleOption = None,
    checklist: ChecklistOption = None,
    format: Annotated[TemplateFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="yaml to fill in by hand, json to build tools on, csv for a form or spreadsheet."),
    ] = TemplateFormat.yaml,
    partner_view: Annotated[bool, typer.Option(
        "--partner-view/--no-partner-view",
        help="Add the statements about your mentor or mentee (a 'partner_view:' section, or "
             "their columns in CSV).")] = False,
) -> None:
    """Print an answers file to fill in, for `trustcheck assess --answers FILE`."""
    # Here, not at the top: `--help` builds every command and should not load checklists.
    from trustcheck.checklist import choose_checklist

    used = choose_checklist(checklist, role.value if role else None,
                            session(ctx).places.checklist_folders())
    emit(AnswersTemplate(used, partner_view), format)
