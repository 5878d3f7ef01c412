"""Start-up: what every command pays before it does anything (issue 14)."""

from __future__ import annotations

import inspect

from trustcheck.cli import options
from trustcheck.cli.app import build


def _callbacks(application):
    if application.registered_callback is not None:
        yield application.registered_callback.callback
    for command in application.registered_commands:
        yield command.callback
    for group in application.registered_groups:
        yield from _callbacks(group.typer_instance)


def test_typer_reads_every_command_option_as_a_real_object_not_as_text():
    # Text annotations (`from __future__ import annotations`) make Typer eval and compile
    # each one on every run, about 15 ms before any command starts.
    functions = [*_callbacks(build()), options.utf8_label]
    assert len(functions) > 10
    for function in functions:
        written_as_text = [name for name, value in inspect.get_annotations(function).items()
                           if isinstance(value, str)]
        assert written_as_text == [], f"{function.__module__}.{function.__name__}"
