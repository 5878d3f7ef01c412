"""Start-up benchmark: how long everyday trustcheck commands take, as a ratio to `python -c pass`.

Run with the python of the environment trustcheck is installed in:

    .venv/bin/python benchmarks/startup.py [--runs 20] [--warmup 3] [--json] [--wheel]

Every row of issue 14's table in one interleaved run: `--version`, `assess` with a JSON and a
YAML answers file (saving), `history -n 20`, `focus --partner X` and `history trends --partner
X` over 10,000 stored check-ins, and `--help`. With --wheel it first builds trustcheck's wheel
and installs it in a fresh, temporary virtual environment (as a user would, without the test
tools), and times that.

Exit code: 0 when every budgeted command is within its budget, 1 when one is over (for CI),
2 when a command could not be run at all. See benchmarks/README.md for the budgets and why.
"""

from __future__ import annotations

import json
import platform
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from _common import (
    EXIT_CANNOT_MEASURE,
    EXIT_OK,
    EXIT_OVER_BUDGET,
    CannotMeasure,
    environment,
    python,
    run_checked,
    timing_options,
    trustcheck_command,
)
from history import ASSESSMENTS, PARTNER, PARTNER_ASSESSMENTS, SEED, build_history, \
    check_history_page, check_trends

DEFAULT_RUNS = 20
DEFAULT_WARMUP = 3
# The small history `assess` saves into is filled to this first.
HISTORY_ROWS = 20
ANSWER = 4


@dataclass
class Case:
    name: str          # short key, used in --json
    label: str         # what the table shows
    argv: list[str]
    budget: float | None  # allowed ratio to the baseline median; None = informational
    env: dict[str, str] = field(default_factory=dict)  # filled in by `cases`
    # False: the budget is shown but does not decide the exit code yet (work still to come).
    gated: bool = True


@dataclass
class Figures:
    case: Case
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def fill_answers(template: str, value: int = ANSWER) -> tuple[str, int]:
    """The template with every empty answer under `answers:` set to `value`; and how many."""
    out, filled, in_answers = [], 0, False
    empty_answer = re.compile(r"^(\s+)([^\s#:][^:#]*):[ \t]*(#.*)?$")
    for line in template.splitlines():
        if re.match(r"^answers:\s*(#.*)?$", line):
            in_answers = True
        elif in_answers and line and not line[0].isspace():
            in_answers = False  # a new top-level key ends the answers block
        elif in_answers:
            match = empty_answer.match(line)
            if match:
                indent, key, comment = match.groups()
                line = f"{indent}{key}: {value}" + (f"    {comment}" if comment else "")
                filled += 1
        out.append(line)
    return "\n".join(out) + "\n", filled


def prepare(folder: Path, trustcheck: list[str], env: dict[str, str]) -> Path:
    """Write a mentor answers file with every answer set to 4; check assess reads it all."""
    template = run_checked([*trustcheck, "template", "--role", "mentor"], env).stdout
    text, filled = fill_answers(template.decode("utf-8"))
    if filled == 0:
        raise CannotMeasure("found no answers to fill in the output of "
                         "`trustcheck template --role mentor`; has the template format changed?")
    answers = folder / "answers-mentor.yaml"
    answers.write_text(text, encoding="utf-8")
    # One checked run: the file must be read in full, or we would time an error path.
    check = [*trustcheck, "assess", "--role", "mentor", "--answers", str(answers),
             "--format", "json", "--no-save"]
    result = json.loads(run_checked(check, env).stdout)
    values = list(result["answers"].values())
    if len(values) != filled or any(v != ANSWER for v in values):
        raise CannotMeasure(f"assess did not read every answer as {ANSWER} from "
                         f"{answers} ({filled} filled, got {values}).")
    return answers


def as_json(answers: Path, trustcheck: list[str], env: dict[str, str]) -> Path:
    """The same answers as a JSON answers file (what `assess` reads without YAML)."""
    check = [*trustcheck, "assess", "--role", "mentor", "--answers", str(answers),
             "--format", "json", "--no-save"]
    result = json.loads(run_checked(check, env).stdout)
    path = answers.with_suffix(".json")
    path.write_text(json.dumps({"checklist": result["checklist"]["id"], "role": "mentor",
                                "answers": result["answers"]}), encoding="utf-8")
    again = json.loads(run_checked([*check[:5], str(path), *check[6:]], env).stdout)
    if again["answers"] != result["answers"]:
        raise CannotMeasure(f"assess read {path} differently from {answers}.")
    return path


def check_focus(argv: list[str], env: dict[str, str]) -> None:
    """`focus --partner X` must find X's check-ins, or we would time "nothing to show"."""
    plan = json.loads(run_checked([*argv, "--format", "json"], env).stdout)
    if not plan:
        raise CannotMeasure(f"`focus --partner {PARTNER}` found no check-ins to plan from.")


def cases(baseline: str, trustcheck: list[str], answers: Path, answers_json: Path,
          small: dict[str, str], large: dict[str, str]) -> list[Case]:
    """Every row of issue 14's table; `small` is a history of 20, `large` one of 10,000."""
    assess = [*trustcheck, "assess", "--role", "mentor", "--format", "json", "--answers"]
    stored = f"({ASSESSMENTS:,} stored)"
    found = [
        Case("baseline", "python -c pass", [baseline, "-c", "pass"], None, small),
        Case("version", "trustcheck --version", [*trustcheck, "--version"], 6.0, small),
        Case("assess", "trustcheck assess --answers FILE.json --format json (saves)",
             [*assess, str(answers_json)], 8.0, small),
        Case("assess_yaml", "trustcheck assess --answers FILE.yaml --format json (saves)",
             [*assess, str(answers)], 10.0, small),
        Case("history", f"trustcheck history -n 20 {stored}",
             [*trustcheck, "history", "-n", "20"], 8.0, large),
        Case("focus", f"trustcheck focus --partner {PARTNER} {stored}",
             [*trustcheck, "focus", "--partner", PARTNER], 10.0, large),
        Case("trends", f"trustcheck history trends --partner {PARTNER} {stored}",
             [*trustcheck, "history", "trends", "--partner", PARTNER], 8.0, large),
        Case("help", "trustcheck --help", [*trustcheck, "--help"], 10.0, small),
    ]
    return found


def timed(argv: list[str], env: dict[str, str], cpu: bool = False) -> float:
    """Wall time of one run; with `cpu`, the processor time it used instead (user + system)."""
    if cpu:
        before = _children_cpu()
        run_checked(argv, env)
        return _children_cpu() - before
    start = time.perf_counter()
    run_checked(argv, env)
    return time.perf_counter() - start


def _children_cpu() -> float:
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def measure(all_cases: list[Case], runs: int, warmup: int, progress: bool,
            cpu: bool = False) -> list[Figures]:
    """Warm-up rounds, then `runs` rounds; each round runs every command once, in turn, so
    that a slow patch on the machine touches every command alike rather than one of them."""
    figures = [Figures(case, []) for case in all_cases]
    for _ in range(warmup):
        for case in all_cases:
            run_checked(case.argv, case.env)
    for done in range(runs):
        for entry in figures:
            entry.seconds.append(timed(entry.case.argv, entry.case.env, cpu))
        if progress:
            sys.stderr.write(f"\rmeasuring: round {done + 1} of {runs}")
            sys.stderr.flush()
    if progress:
        sys.stderr.write("\r" + " " * 40 + "\r")
    return figures


def report(figures: list[Figures], runs: int, warmup: int, trustcheck: list[str]) -> dict:
    baseline = figures[0].median
    fastest_baseline = min(figures[0].seconds)
    rows = []
    for entry in figures:
        ratio = round(entry.median / baseline, 2)  # the verdict uses the figure people see
        budget = entry.case.budget
        rows.append({
            "name": entry.case.name,
            "command": entry.case.label,
            "argv": entry.case.argv,
            "median_ms": round(entry.median * 1000, 2),
            "min_ms": round(min(entry.seconds) * 1000, 2),
            "max_ms": round(max(entry.seconds) * 1000, 2),
            "ratio": ratio,
            # The fastest run against the fastest baseline: on a busy machine it wobbles least.
            "fastest_ratio": round(min(entry.seconds) / fastest_baseline, 2),
            "budget": budget,
            "within_budget": None if budget is None else ratio <= budget,
            "gated": entry.case.gated,
        })
    return {
        "python": figures[0].case.argv[0],
        "python_version": platform.python_version(),
        "trustcheck": trustcheck,
        "runs": runs,
        "warmup": warmup,
        "baseline_median_ms": round(baseline * 1000, 2),
        "results": rows,
        "ok": all(row["within_budget"] is not False for row in rows if row["gated"]),
    }


def print_table(figures: dict) -> None:
    rows = figures["results"]
    width = max(len(row["command"]) for row in rows)
    print(f"trustcheck start-up ({figures.get('measured', 'wall time')}): median of "
          f"{figures['runs']} runs each, "
          f"after {figures['warmup']} warm-up runs")
    print(f"python:     {figures['python']} ({figures['python_version']})")
    print(f"trustcheck: {' '.join(figures['trustcheck'])}")
    print()
    header = (f"{'command':<{width}}  {'median':>9}  {'min':>9}  {'ratio':>6}  {'(min)':>6}  "
              f"{'budget':>6}  result")
    print(header)
    print("-" * len(header))
    for row in rows:
        if row["name"] == "baseline":
            budget, result = "", "baseline"
        elif row["budget"] is None:
            budget, result = "", "informational"
        else:
            budget = f"{row['budget']:g}x"
            result = "ok" if row["within_budget"] else "OVER BUDGET"
            if not row["gated"]:
                result += " (not gated yet)"
        print(f"{row['command']:<{width}}  {row['median_ms']:>6.1f} ms  {row['min_ms']:>6.1f} ms"
              f"  {row['ratio']:>5.2f}x  {row['fastest_ratio']:>5.2f}x  {budget:>6}  {result}")
    print()
    over = [row for row in rows if row["within_budget"] is False and row["gated"]]
    if not over:
        print("All start-up budgets are met.")
    for row in over:
        print(f"Over budget: `{row['command']}` takes {row['ratio']:.2f}x as long as "
              f"`python -c pass` (budget {row['budget']:g}x).")
    if over:
        print("Run `python benchmarks/imports.py` to see which imports cost the most.")


def install_wheel(folder: Path) -> tuple[str, list[str]]:
    """Build trustcheck's wheel and install it in a fresh virtual environment in `folder`, as a
    user would (pip compiles its bytecode); its python and its `trustcheck` script."""
    import os

    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ)
    run_checked([python(), "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir",
                 str(folder / "wheel"), str(root)], env)
    wheels = sorted((folder / "wheel").glob("trustcheck-*.whl"))
    if not wheels:
        raise CannotMeasure(f"building the wheel in {root} made no trustcheck wheel.")
    venv = folder / "venv"
    run_checked([python(), "-m", "venv", str(venv)], env)
    bin_folder = venv / ("Scripts" if os.name == "nt" else "bin")
    venv_python = str(bin_folder / ("python.exe" if os.name == "nt" else "python"))
    run_checked([venv_python, "-m", "pip", "install", "--quiet", str(wheels[-1])], env)
    return venv_python, [str(bin_folder / ("trustcheck.exe" if os.name == "nt" else "trustcheck"))]


def main(argv: list[str] | None = None) -> int:
    parser = timing_options(
        "benchmarks/startup.py",
        "Time everyday trustcheck commands as a ratio to `python -c pass` and check "
                    "them against their start-up budgets (exit 1 when one is over).",
        runs=DEFAULT_RUNS, warmup=DEFAULT_WARMUP)
    parser.add_argument("--wheel", action="store_true",
                        help="build the wheel, install it in a temporary virtual environment "
                             "and time that (as a user would have it), not this environment")
    parser.add_argument("--cpu", action="store_true",
                        help="time the processor time each run uses (user + system), not the "
                             "wall time: steadier on a busy machine, for comparing two versions "
                             "(the budgets are set for wall time)")
    options = parser.parse_args(argv)
    progress = not options.json and sys.stderr.isatty()

    with tempfile.TemporaryDirectory(prefix="trustcheck-bench-") as tmp:
        folder = Path(tmp)
        try:
            baseline, trustcheck = python(), trustcheck_command()
            if options.wheel:
                if progress:
                    sys.stderr.write("building and installing the wheel ...")
                    sys.stderr.flush()
                baseline, trustcheck = install_wheel(folder)
            if progress:
                sys.stderr.write(f"\rbuilding a history of {ASSESSMENTS:,} ...           ")
                sys.stderr.flush()
            large_home = build_history(folder / "large", ASSESSMENTS, PARTNER_ASSESSMENTS,
                                       SEED).home
            if progress:
                sys.stderr.write("\r" + " " * 50 + "\r")
            home = folder / "home"
            home.mkdir()
            small = environment(home, folder / "pycache")
            large = environment(large_home, folder / "pycache")
            answers = prepare(folder, trustcheck, small)
            answers_json = as_json(answers, trustcheck, small)
            all_cases = cases(baseline, trustcheck, answers, answers_json, small, large)
            assess = next(case for case in all_cases if case.name == "assess")
            for _ in range(HISTORY_ROWS):  # fill the small history; these also warm up assess
                run_checked(assess.argv, small)
            by_name = {case.name: case for case in all_cases}
            check_history_page(by_name["history"].argv, large)
            check_trends(by_name["trends"].argv, large, PARTNER_ASSESSMENTS)
            check_focus(by_name["focus"].argv, large)
            figures = measure(all_cases, options.runs, options.warmup, progress, options.cpu)
        except CannotMeasure as exc:
            sys.stderr.write(f"benchmarks: could not measure: {exc}\n")
            return EXIT_CANNOT_MEASURE

    result = report(figures, options.runs, options.warmup, trustcheck)
    result["measured"] = "processor time" if options.cpu else "wall time"
    if options.json:
        print(json.dumps(result, indent=2))
    else:
        print_table(result)
    return EXIT_OK if result["ok"] else EXIT_OVER_BUDGET


if __name__ == "__main__":
    sys.exit(main())
