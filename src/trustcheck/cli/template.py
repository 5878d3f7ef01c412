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
        help="yaml to fill in by hand, json to build tools on, csv for a spreadsheet, form for "
             "the questions to paste into Google Forms or Microsoft Forms (both roles unless "
             "--role says one)."),
    ] = TemplateFormat.yaml,
    partner_view: Annotated[bool, typer.Option(
        "--partner-view/--no-partner-view",
        help="Add the statements about your mentor or mentee (a 'partner_view:' section, or "
             "their columns in CSV).")] = False,
) -> None:
    """Print an answers file to fill in, for `trustcheck assess --answers FILE`."""
    # Here, not at the top: `--help` builds every command and should not load checklists.
    from trustcheck.checklist import ROLES, choose_checklist

    folders = session(ctx).places.checklist_folders()
    if format == TemplateFormat.form:
        from trustcheck.forms import FormTemplate

        roles = ROLES if role is None and checklist is None else (role.value if role else None,)
        emit(FormTemplate(tuple(choose_checklist(checklist, who, folders) for who in roles),
                          partner_view), format)
        return
    used = choose_checklist(checklist, role.value if role else None, folders)
    emit(AnswersTemplate(used, partner_view), format)
