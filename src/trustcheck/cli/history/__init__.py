"""`trustcheck history` and its subcommands, registered in one place.

Each subcommand lives in a module named after it; the group itself lists past check-ins
(`listing.history`, the group's callback).
"""

from __future__ import annotations

import typer

from trustcheck.cli.history import backup, delete, export, imports, listing, trends

app = typer.Typer(help="Your past assessments, kept only on this computer.",
                  invoke_without_command=True)
app.callback()(listing.history)
app.command("show")(listing.show)
app.command("trends")(trends.trends)
app.command("export")(export.export)
app.command("import")(imports.import_)
app.command("delete")(delete.delete)
app.command("backup")(backup.backup)
