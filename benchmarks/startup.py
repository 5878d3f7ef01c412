"""Start-up benchmark: how long common trustcheck commands take, as a ratio to `python -c pass`.

Run with the python of the environment trustcheck is installed in:

    .venv/bin/python benchmarks/startup.py [--runs 20] [--warmup 3] [--json]

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
from dataclasses import dataclass
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

DEFAULT_RUNS = 20
DEFAULT_WARMUP = 3
# `history -n 20` should have a full page to show, so the history is filled to this first.
HISTORY_ROWS = 20
ANSWER = 4


@dataclass
class Case:
    name: str          # short key, used in --json
    label: str         # what the table shows
    argv: list[str]
    budget: float | None  # allowed ratio to the baseline median; None = informational


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


def cases(trustcheck: list[str], answers: Path) -> list[Case]:
    return [
        Case("baseline", "python -c pass", [python(), "-c", "pass"], None),
        Case("version", "trustcheck --version", [*trustcheck, "--version"], 6.0),
        Case("assess", "trustcheck assess --role mentor --answers FILE --format json",
             [*trustcheck, "assess", "--role", "mentor", "--answers", str(answers),
              "--format", "json"], 10.0),
        Case("help", "trustcheck --help", [*trustcheck, "--help"], None),
        Case("history", f"trustcheck history -n {HISTORY_ROWS}",
             [*trustcheck, "history", "-n", str(HISTORY_ROWS)], None),
    ]


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    run_checked(argv, env)
    return time.perf_counter() - start


def measure(all_cases: list[Case], env: dict[str, str], runs: int, warmup: int,
            progress: bool) -> list[Figures]:
    """Warm-up rounds, then `runs` rounds; each round runs every command once, in turn, so
    that a slow patch on the machine touches every command alike rather than one of them."""
    figures = [Figures(case, []) for case in all_cases]
    for _ in range(warmup):
        for case in all_cases:
            run_checked(case.argv, env)
    for done in range(runs):
        for entry in figures:
            entry.seconds.append(timed(entry.case.argv, env))
        if progress:
            sys.stderr.write(f"\rmeasuring: round {done + 1} of {runs}")
            sys.stderr.flush()
    if progress:
        sys.stderr.write("\r" + " " * 40 + "\r")
    return figures


def report(figures: list[Figures], runs: int, warmup: int, trustcheck: list[str]) -> dict:
    baseline = figures[0].median
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
            "budget": budget,
            "within_budget": None if budget is None else ratio <= budget,
        })
    return {
        "python": python(),
        "python_version": platform.python_version(),
        "trustcheck": trustcheck,
        "runs": runs,
        "warmup": warmup,
        "baseline_median_ms": round(baseline * 1000, 2),
        "results": rows,
        "ok": all(row["within_budget"] is not False for row in rows),
    }


def print_table(figures: dict) -> None:
    rows = figures["results"]
    width = max(len(row["command"]) for row in rows)
    print(f"trustcheck start-up: median of {figures['runs']} runs each, "
          f"after {figures['warmup']} warm-up runs")
    print(f"python:     {figures['python']} ({figures['python_version']})")
    print(f"trustcheck: {' '.join(figures['trustcheck'])}")
    print()
    header = f"{'command':<{width}}  {'median':>9}  {'min':>9}  {'ratio':>6}  {'budget':>6}  result"
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
        print(f"{row['command']:<{width}}  {row['median_ms']:>6.1f} ms  {row['min_ms']:>6.1f} ms"
              f"  {row['ratio']:>5.2f}x  {budget:>6}  {result}")
    print()
    over = [row for row in rows if row["within_budget"] is False]
    if not over:
        print("All start-up budgets are met.")
    for row in over:
        print(f"Over budget: `{row['command']}` takes {row['ratio']:.2f}x as long as "
              f"`python -c pass` (budget {row['budget']:g}x).")
    if over:
        print("Run `python benchmarks/imports.py` to see which imports cost the most.")


def main(argv: list[str] | None = None) -> int:
    parser = timing_options(
        "benchmarks/startup.py",
        "Time common trustcheck commands as a ratio to `python -c pass` and check "
                    "them against their start-up budgets (exit 1 when one is over).",
        runs=DEFAULT_RUNS, warmup=DEFAULT_WARMUP)
    options = parser.parse_args(argv)

    trustcheck = trustcheck_command()
    with tempfile.TemporaryDirectory(prefix="trustcheck-bench-") as tmp:
        folder = Path(tmp)
        home = folder / "home"
        home.mkdir()
        env = environment(home, folder / "pycache")
        try:
            answers = prepare(folder, trustcheck, env)
            all_cases = cases(trustcheck, answers)
            assess = next(case for case in all_cases if case.name == "assess")
            for _ in range(HISTORY_ROWS):  # fill the history; these also warm up assess
                run_checked(assess.argv, env)
            figures = measure(all_cases, env, options.runs, options.warmup,
                              progress=not options.json and sys.stderr.isatty())
        except CannotMeasure as exc:
            sys.stderr.write(f"benchmarks: could not measure: {exc}\n")
            return EXIT_CANNOT_MEASURE

    result = report(figures, options.runs, options.warmup, trustcheck)
    if options.json:
        print(json.dumps(result, indent=2))
    else:
        print_table(result)
    return EXIT_OK if result["ok"] else EXIT_OVER_BUDGET


if __name__ == "__main__":
    sys.exit(main())
