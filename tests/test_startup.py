"""Start-up: what every command pays before it does anything (issue 14)."""

from __future__ import annotations

import inspect
import io
import os
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import START, answer_of, builtin, make, run, save

from trustcheck import assessment
from trustcheck.cli import options
from trustcheck.cli.app import build
from trustcheck.records import Filters
from trustcheck.render import listing
from trustcheck.store import Store


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


# --- `trustcheck history`: a listing read from the columns the store keeps -------------------


def _varied_history(home: Path) -> Path:
    """Check-ins that differ where a listing could go wrong: equally low strategies (the first
    in the result is shown), skipped ones, none scored at all, both roles, missing labels."""
    mentor, mentee = builtin("mentor"), builtin("mentee")
    results = [make("tie-all-threes", days=0, value=3),
               make("no-partner", days=1, partner=None, cohort=None)]
    for person in range(6):
        used = mentor if person % 2 else mentee
        answers = {item.id: answer_of(person, item.id) for item in used.items}
        if person == 3:  # a whole strategy skipped: it has no score and cannot be the lowest
            first = used.strategies[0]
            answers.update({item.id: None for item in first.items})
        results.append(assessment.build(
            used, answers, role=used.role, partner=f"P{person}", cohort="autumn",
            now=START + timedelta(days=2 + person, minutes=person), id=f"varied-{person}"))
    results.append(assessment.build(mentor, {item.id: None for item in mentor.items},
                                    role="mentor", partner="Nobody", cohort=None,
                                    now=START + timedelta(days=20), id="nothing-answered"))
    return save(home, *results)


def _listed_from_whole_results(home: Path, limit: int | None = 20, **scope: str) -> str:
    """The listing as it was made before: from every whole result, decoded and checked."""
    stream = io.StringIO()
    with Store.open_for_reading(home / "history.db") as store:
        listing.history(store.check_ins(Filters(**scope), limit=limit), stream)
    return stream.getvalue()


def test_the_history_listing_is_the_same_as_from_whole_results(trustcheck_home):
    _varied_history(trustcheck_home)

    for args, limit, scope in ((["history"], 20, {}), (["history", "-n", "3"], 3, {}),
                               (["history", "-n", "0"], None, {}),
                               (["history", "--role", "mentee"], 20, {"role": "mentee"}),
                               (["history", "--partner", "P3"], 20, {"partner": "P3"})):
        shown = run(*args)

        assert shown.exit_code == 0, shown.stderr
        assert shown.stdout == _listed_from_whole_results(trustcheck_home, limit, **scope), args
    everything = run("history", "-n", "0").stdout
    assert everything.count("\n") == 2 + 9  # the header, its rule and every check-in
    assert "not enough answers" in everything  # the one with nothing answered: no lowest


def test_the_first_of_equally_low_strategies_is_the_lowest_shown(trustcheck_home):
    # Every answer 3 (the middle, also for reverse statements): all eleven strategies score
    # the same. The first in the result is `transparency`, the last by id, so an order by id
    # would show another one.
    result = make("tie-all-threes", value=3)
    assert len({s.score for s in result.strategies}) == 1
    first = result.strategies[0]
    assert first.id == max(s.id for s in result.strategies)
    save(trustcheck_home, result)

    with Store.open_for_reading(trustcheck_home / "history.db") as store:
        [line] = store.check_in_lines()

    assert line.lowest == (first.title, first.score)
    assert f"{first.title} ({first.score:g})" in run("history").stdout


def test_history_imports_no_result_checklist_or_yaml_code(trustcheck_home):
    save(trustcheck_home, *(make(f"a{n}", days=n) for n in range(25)))
    program = ("import sys\n"
               "sys.argv = ['trustcheck', 'history', '-n', '20']\n"
               "from trustcheck.cli import main\n"
               "try:\n    main()\nexcept SystemExit:\n    pass\n"
               "sys.stderr.write(' '.join(sorted(sys.modules)))\n")

    ran = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                         env=dict(os.environ), timeout=120)

    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.count("\n") == 22  # the header, its rule and 20 check-ins
    loaded = set(ran.stderr.split())
    for heavy in ("trustcheck.assessment", "trustcheck.focus", "trustcheck.checklist",
                  "trustcheck.scoring", "yaml", "rich"):
        assert heavy not in loaded, heavy


def test_a_damaged_result_in_the_listing_is_still_reported(trustcheck_home):
    path = save(trustcheck_home, make("a1"), make("a2", days=1))
    db = sqlite3.connect(path)
    db.execute("UPDATE assessments SET result = substr(result, 1, 100) WHERE id = 'a1'")
    db.commit()
    db.close()

    shown = run("history")

    assert shown.exit_code == 1
    assert shown.stdout == ""
    assert "a1" in shown.stderr and "damaged" in shown.stderr


# --- `trustcheck --help` ----------------------------------------------------------------------


def _help(*arguments: str, typer_loaded_first: bool) -> tuple[str, set[str]]:
    program = ("import sys\n"
               + ("import typer.rich_utils\n" if typer_loaded_first else "")
               + f"sys.argv = ['trustcheck', *{list(arguments)!r}]\n"
               "from trustcheck.cli import main\n"
               "try:\n    main()\nexcept SystemExit:\n    pass\n"
               "sys.stderr.write(' '.join(sorted(sys.modules)))\n")
    ran = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                         env=dict(os.environ, COLUMNS="100"), timeout=120)
    assert ran.returncode == 0, ran.stderr
    return ran.stdout, set(ran.stderr.split())


@pytest.mark.parametrize("arguments", [(), ("--help",), ("history", "--help"),
                                       ("assess", "-h"), ("checklists", "show", "--help")])
def test_help_is_the_same_without_loading_markdown_or_pygments(arguments):
    shown, loaded = _help(*arguments, typer_loaded_first=False)
    # Typer's own help formatting, loaded whole before trustcheck starts, as reference.
    expected, _ = _help(*arguments, typer_loaded_first=True)

    assert shown == expected
    assert "Usage" in shown
    assert not {"markdown_it", "pygments", "rich.markdown", "rich.traceback"} & loaded
    assert not {"pickle", "fractions", "subprocess"} & loaded  # Rich's and Typer's extras


def test_the_stand_ins_make_the_real_rich_classes_when_used():
    import rich.markdown
    import rich.traceback

    from trustcheck.cli import helptext

    assert isinstance(helptext.Markdown("*hello*"), rich.markdown.Markdown)
    try:
        raise ValueError("shown")
    except ValueError as exc:
        made = helptext.Traceback.from_exception(type(exc), exc, exc.__traceback__)
    assert isinstance(made, rich.traceback.Traceback)


# --- `trustcheck assess --answers FILE.json`: fingerprints without OpenSSL --------------------


@pytest.mark.parametrize("data", [b"", b"abc", "Vertrauen \u00e9\u3000".encode(),
                                  bytes(range(256)) * 300])
def test_a_fingerprint_is_the_sha256_hashlib_gives(data):
    import hashlib

    from trustcheck.digests import sha256_hex

    assert sha256_hex(data) == hashlib.sha256(data).hexdigest()


def test_a_checklist_keeps_the_fingerprint_its_stored_results_name():
    import hashlib
    import json

    for role in ("mentor", "mentee"):
        used = builtin(role)
        canonical = json.dumps(used.content(), sort_keys=True, ensure_ascii=False)
        assert used.sha256 == hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _loaded_by_assess(answers: Path) -> tuple[subprocess.CompletedProcess, set[str]]:
    program = ("import sys\n"
               f"sys.argv = ['trustcheck', 'assess', '--answers', {str(answers)!r}, "
               "'--format', 'json']\n"
               "from trustcheck.cli import main\n"
               "try:\n    main()\nexcept SystemExit:\n    pass\n"
               "sys.stderr.write('\\n' + ' '.join(sorted(sys.modules)))\n")
    ran = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                         env=dict(os.environ), timeout=120)
    return ran, set(ran.stderr.splitlines()[-1].split())


def test_assess_with_json_answers_saves_without_hashlib_or_yaml(trustcheck_home, tmp_path):
    import json

    used = builtin("mentor")
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"role": "mentor", "answers": {
        item.id: 4 for item in used.items}}), encoding="utf-8")

    first, _ = _loaded_by_assess(answers)  # reads the YAML and keeps a compiled copy
    again, loaded = _loaded_by_assess(answers)  # from the compiled copy, checked by its hash

    for ran in (first, again):
        assert ran.returncode == 0, ran.stderr
        assert json.loads(ran.stdout)["checklist"]["sha256"] == used.sha256
    assert list((tmp_path / "cache-home" / "trustcheck").glob("checklist-*.json"))
    # nor uuid (it imports platform), shutil or difflib (only a "did you mean" needs it)
    for heavy in ("hashlib", "_hashlib", "yaml", "rich", "uuid", "platform", "shutil", "difflib"):
        assert heavy not in loaded, heavy
    with Store.open_for_reading(trustcheck_home / "history.db") as store:
        assert len(store.check_in_lines()) == 2


# --- Typer without the extras trustcheck never uses (cli/standins.py) -------------------------


def _main(*arguments: str, typer_loaded_first: bool = False,
          env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run `trustcheck ARGUMENTS` through the console script's `main` in a fresh Python: what it
    printed and its exit code, and every module loaded by the end (`standins` left in none)."""
    program = ("import sys\n"
               + ("import typer\n" if typer_loaded_first else "")
               + f"sys.argv = ['trustcheck', *{list(arguments)!r}]\n"
               "from trustcheck.cli import main\n"
               "code = 0\n"
               "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
               "from trustcheck.cli.standins import StandIn\n"
               "left = [n for n, m in sys.modules.items() if isinstance(m, StandIn)]\n"
               "names = sorted(sys.modules) + ['LEFT:' + name for name in left]\n"
               "sys.stderr.write('\\n' + ' '.join(names))\n"
               "sys.exit(code)\n")
    ran = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                         env={**os.environ, "COLUMNS": "100", **(env or {})}, timeout=120)
    message, _, loaded = ran.stderr.rpartition("\n")
    assert not [name for name in loaded.split() if name.startswith("LEFT:")]
    return subprocess.CompletedProcess(ran.args, ran.returncode, ran.stdout, message), \
        set(loaded.split())


TYPER_EXTRAS = {"platform", "subprocess", "difflib", "uuid", "shellingham", "typer.completion",
                "typer._completion_classes", "typer._completion_shared"}


def test_trends_load_none_of_typers_extras(trustcheck_home):
    save(trustcheck_home, *(make(f"a{n}", days=n * 10, partner="Sam") for n in range(4)))

    ran, loaded = _main("history", "trends", "--partner", "Sam")

    assert ran.returncode == 0, ran.stderr
    assert "You as mentor with Sam: 4 check-ins" in ran.stdout
    assert not TYPER_EXTRAS & loaded


@pytest.mark.parametrize("arguments", [("histroy",), ("history", "trend"), ("assess", "--rol"),
                                       ("history", "-n", "many")])
def test_mistakes_are_answered_as_before_with_did_you_mean(arguments):
    shown, loaded = _main(*arguments)
    expected, _ = _main(*arguments, typer_loaded_first=True)

    assert shown.returncode == expected.returncode == 2
    assert (shown.stdout, shown.stderr) == (expected.stdout, expected.stderr)
    assert "Usage" in shown.stderr
    if arguments != ("history", "-n", "many"):
        assert "Did you mean" in shown.stderr or "Possible options" in shown.stderr
        assert "difflib" in loaded  # loaded when a suggestion is needed, not before


def test_a_shell_asking_for_completions_gets_the_same_answer():
    # trustcheck turns completion off, yet Click still answers a shell that asks.
    completion = {"_TRUSTCHECK_COMPLETE": "complete_bash", "COMP_WORDS": "trustcheck hist",
                  "COMP_CWORD": "1"}

    shown, _ = _main(env=completion)
    expected, _ = _main(typer_loaded_first=True, env=completion)

    assert (shown.returncode, shown.stdout, shown.stderr) == \
        (expected.returncode, expected.stdout, expected.stderr)


def test_typer_still_reads_an_option_of_any_type_after_the_stand_ins():
    # uuid.UUID is one Typer picks by comparing the option's type with the class it imported.
    program = ("import sys, uuid\n"
               "from typing import Optional\n"
               "from trustcheck.cli.standins import load_typer\n"
               "load_typer()\n"
               "import typer\n"
               "from typer.testing import CliRunner\n"
               "app = typer.Typer()\n"
               "@app.command()\n"
               "def show(key: uuid.UUID, when: Optional[str] = None):\n"
               "    print(type(key).__name__, key)\n"
               "print(CliRunner().invoke(app, ['12345678-1234-5678-1234-567812345678']).stdout)\n"
               "print(CliRunner().invoke(app, ['not-a-uuid']).exit_code)\n"
               "print(typer.main.subprocess.DEVNULL == -3, 'subprocess' in sys.modules)\n")
    ran = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                         env=dict(os.environ), timeout=120)

    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split("\n") == ["UUID 12345678-1234-5678-1234-567812345678", "", "2",
                                      "True True", ""]


def _whole_app_help(*arguments: str, columns: str) -> subprocess.CompletedProcess:
    """The help page as the app with every command, options and all, shows it."""
    program = ("import sys\n"
               "from trustcheck.cli.app import build\n"
               f"build()(prog_name='trustcheck', args={list(arguments)!r})\n")
    return subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          env=dict(os.environ, COLUMNS=columns), timeout=120)


@pytest.mark.parametrize("arguments", [(), ("--help",), ("-h",), ("--plain", "--help"),
                                       ("-h", "--plain")])
@pytest.mark.parametrize("columns", ["60", "100", "160"])
def test_the_first_help_page_is_the_whole_apps_without_reading_every_option(arguments, columns):
    shown, _ = _main(*arguments, env={"COLUMNS": columns})
    expected = _whole_app_help(*arguments, columns=columns)

    assert (shown.returncode, shown.stdout, shown.stderr) == \
        (expected.returncode, expected.stdout, expected.stderr)
    page = shown.stdout + shown.stderr
    for command in ("assess", "history", "checklists", "commitments", "report", "paths"):
        assert command in page


def test_only_the_first_help_page_leaves_options_out():
    from trustcheck.cli.helptext import wants_first_page

    assert wants_first_page([]) and wants_first_page(["--help"])
    assert wants_first_page(["--plain", "-h"])
    assert not wants_first_page(["--help", "history"])
    assert not wants_first_page(["--data-dir", "x", "--help"])
    assert not wants_first_page(["--version", "--help"])
    assert not wants_first_page(["--plain"])  # no command and no help: Click says so
