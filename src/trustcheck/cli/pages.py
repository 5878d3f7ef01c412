"""Where a command's output goes with -o FILE, and the refusal of an HTML page to a terminal.

Shared by `history trends`, `history show` and `focus`: each checks the target before any work
(`target`), and writes the finished output all at once, readable only by you (`write`).
"""

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer


class PageFormat(str, Enum):
    """--format of a command that also writes a page of your own."""

    text = "text"
    json = "json"
    html = "html"


PageFormatOption = Annotated[PageFormat, typer.Option(
    "--format", "-f", case_sensitive=False,
    help="text for people, json for other tools, html for a page of your own (with -o FILE).")]


def target(output_name: Optional[str], *, force: bool, page: bool, example: str) -> Optional[Path]:
    """The file to write (None: standard output), checked before any work. A page (HTML) is
    refused on a terminal: it is for a web browser, so -o FILE is named, with `example`."""
    output = None if output_name in (None, "-") else Path(str(output_name)).expanduser()
    if output is not None:
        from trustcheck.files import check_target

        check_target(output, force=force, exists=exists(output))
    elif page and stdout_is_terminal():
        from trustcheck.errors import InputError

        raise InputError("A page is for a web browser, not this window; please add -o FILE "
                         f"to write it to a file, e.g. `-o {example}`.")
    return output


def write(record: object, format: str, output: Path, *, force: bool, what: str) -> None:
    """The record in the format, written to `output` all at once (0600); text is drawn as for a
    terminal, without colour."""
    from trustcheck.cli.app import say
    from trustcheck.cli.output import chunks, emit
    from trustcheck.files import write_private

    name = format.value if isinstance(format, Enum) else format
    if name == "text":
        from io import StringIO

        drawn = StringIO()
        emit(record, name, stream=drawn)
        content = drawn.getvalue()
    else:
        content = "".join(chunks(record, name))
    write_private(output, content, force=force, what=what, exists=exists(output))
    say(f"Written to {output}; open it in a web browser." if name == "html"
        else f"Written to {output}.")


def exists(output: Path) -> str:
    return f"{output} already exists; add --force to replace it, or choose another name."


def stdout_is_terminal() -> bool:
    import sys

    try:
        return sys.stdout is not None and sys.stdout.isatty()
    except ValueError:  # closed
        return False
