"""Report benchmark: `trustcheck report` on synthetic cohorts of 10,000 and 100,000 responses.

Run with the python of the environment trustcheck is installed in:

    .venv/bin/python benchmarks/report.py [--runs 5] [--warmup 1] [--json]

It writes CSV files of responses, as a web form would export them (the header of `trustcheck
template --format csv`, one row per person, mentors and mentees of a few cohorts, answers drawn
from a fixed seed), then times `trustcheck report FILES --format json` on each size, every run
with a fresh TRUSTCHECK_HOME (the private log of earlier reports would refuse a second report
on almost the same people), and reads each run's peak memory from the operating system.

Budgets: 10,000 responses in under 2 seconds; 100,000 within 12x the 10,000 figure; peak
memory under 250 MiB at 100,000. Exit code: 0 within budget, 1 over (for CI), 2 when the
command could not be run or measured. See benchmarks/README.md for why.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import random
import statistics
import subprocess
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
    CommandFailed,
    describe,
    environment,
    python,
    run_checked,
    timing_options,
    trustcheck_command,
)

DEFAULT_RUNS = 5
DEFAULT_WARMUP = 1
SEED = 20260501
SIZES = (10_000, 100_000)
SMALL, LARGE = SIZES
BUDGET_SMALL_SECONDS = 2.0     # 10,000 responses
BUDGET_SCALING = 12.0          # 100,000 within 12x the 10,000 figure
BUDGET_MEMORY_MIB = 250.0      # peak memory at 100,000
MENTEE_SHARE = 0.55
COHORTS = ("2025-spring", "2025-autumn", "2026-spring", "2026-autumn")
SKIPPED_SHARE = 0.04           # cells left empty (skip / not applicable)
STRAIGHT_SHARE = 0.02          # people who give the same answer to every statement


# --- the synthetic cohorts -------------------------------------------------------------------

@dataclass
class Cohorts:
    """The CSV files for one size, and what is in them."""

    responses: int
    files: list[Path]
    per_role: dict[str, int]
    megabytes: float
    seconds: float


def template_header(trustcheck: list[str], env: dict[str, str], role: str) -> list[str]:
    """The CSV header `trustcheck template --role R --format csv` writes."""
    argv = [*trustcheck, "template", "--role", role, "--format", "csv"]
    text = run_checked(argv, env).stdout.decode("utf-8")
    header = next(csv.reader(text.splitlines()), [])
    if header[:3] != ["role", "partner", "cohort"] or len(header) < 4:
        raise CannotMeasure(f"`{describe(argv)}` did not print the CSV header this benchmark "
                            f"knows (role, partner, cohort, then item ids): {header[:5]}")
    return header


def write_cohorts(folder: Path, size: int, headers: dict[str, list[str]], home: Path,
                  seed: int) -> Cohorts:
    """`size` responses in one CSV per role, answered the way people answer.

    Each cohort has its own mood, each person a general warmth and a level per strategy;
    answers scatter around that level (reverse-keyed statements answered the other way round),
    about 4% of cells are left empty and about 2% of people straight-line (the same answer
    to every statement). Partner names are made up; the report never shows them.
    """
    from trustcheck import checklist as checklists
    from trustcheck.paths import resolve

    started = time.perf_counter()
    rng = random.Random(seed * 1_000_003 + size)
    places = resolve(None, {"TRUSTCHECK_HOME": str(home)})
    mood = {cohort: rng.uniform(-0.35, 0.35) for cohort in COHORTS}
    mentees = round(size * MENTEE_SHARE)
    per_role = {"mentor": size - mentees, "mentee": mentees}
    files = []
    person = 0
    for role, count in per_role.items():
        used = checklists.find(role, places.checklist_folders())
        header = headers[role]
        if header[3:] != [item.id for item in used.items]:
            raise CannotMeasure(f"the {role} template's columns do not match the {role} "
                                "checklist's statements.")
        low, high = used.scale.low, used.scale.high
        strategy_of = {item.id: s.id for s in used.strategies for item in s.items}
        plan = [(strategy_of[item.id], item.reverse) for item in used.items]
        strategies = [s.id for s in used.strategies]
        leaning = {s: rng.uniform(-0.4, 0.4) for s in strategies}  # this role's weak spots
        path = folder / f"{size}-{role}s.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for _ in range(count):
                person += 1
                cohort = rng.choice(COHORTS)
                partner = "" if rng.random() < 0.05 else f"partner-{person:06d}"
                if rng.random() < STRAIGHT_SHARE:
                    # Identical rows are counted once, as copies: a straight-liner without a
                    # partner name would be one, so every straight-liner names a partner.
                    partner = f"partner-{person:06d}"
                    same = str(rng.choice((3, 4, 5)))
                    writer.writerow([role, partner, cohort, *([same] * len(plan))])
                    continue
                warmth = 3.5 + mood[cohort] + rng.gauss(0.0, 0.45)
                levels = {s: warmth + leaning[s] + rng.gauss(0.0, 0.5) for s in strategies}
                cells = []
                for strategy, reverse in plan:
                    if rng.random() < SKIPPED_SHARE:
                        cells.append("")
                        continue
                    value = min(high, max(low, round(rng.gauss(levels[strategy], 0.75))))
                    cells.append(str(low + high - value if reverse else value))
                writer.writerow([role, partner, cohort, *cells])
        files.append(path)
    megabytes = sum(p.stat().st_size for p in files) / 1e6
    return Cohorts(size, files, per_role, megabytes, time.perf_counter() - started)


# --- timing and memory -----------------------------------------------------------------------

@dataclass
class Case:
    size: int
    argv: list[str]
    seconds: list[float] = field(default_factory=list)
    peak_mib: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak(self) -> float:
        return max(self.peak_mib)


def max_rss_mib(ru_maxrss: int) -> float:
    """ru_maxrss in MiB: kilobytes on Linux and the BSDs, bytes on macOS."""
    return ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else ru_maxrss / 1024


def run_once(argv: list[str], env: dict[str, str], folder: Path) -> tuple[float, float, bytes]:
    """Run the command once: its wall time, its own peak memory (MiB), and what it printed.

    The child is waited for with os.wait4, which gives the resources of that one child, so
    each run's peak is its own (RUSAGE_CHILDREN would keep the largest of every child so far).
    Output goes to files, not pipes, so nothing has to be read while it runs.
    """
    out, err = folder / "stdout", folder / "stderr"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        start = time.perf_counter()
        child = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=stdout,
                                 stderr=stderr)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise CommandFailed(argv, subprocess.CompletedProcess(
            argv, child.returncode, out.read_bytes(), err.read_bytes()))
    return seconds, max_rss_mib(usage.ru_maxrss), out.read_bytes()


def check_report(output: bytes, cohorts: Cohorts, argv: list[str]) -> None:
    """The report must cover every response, or we would be timing something else."""
    try:
        document = json.loads(output)
        schema, responses = document["schema"], document["responses"]
        roles = {r["role"]: r["responses"] for s in document["sections"] for r in s["roles"]}
        strategies = sum(1 for s in document["sections"] for x in s["strategies"]
                         if not x["suppressed"])
    except (ValueError, KeyError, TypeError) as exc:
        raise CannotMeasure(f"`{describe(argv)}` did not print the report JSON this benchmark "
                            f"knows (trustcheck/report/v1; {type(exc).__name__}: {exc}).") from None
    if schema != "trustcheck/report/v1" or responses != cohorts.responses \
            or roles != cohorts.per_role or not strategies:
        raise CannotMeasure(f"`{describe(argv)}` reported {responses} responses ({roles}); "
                            f"expected all {cohorts.responses:,} ({cohorts.per_role}).")


def measure(cases: list[Case], cohorts: dict[int, Cohorts], base_env: dict[str, str],
            homes: Path, runs: int, warmup: int, progress: bool) -> None:
    """Warm-up rounds, then `runs` rounds; each round runs every size once, in turn, each run
    with a data folder of its own."""
    counter = 0

    def one(case: Case) -> tuple[float, float]:
        nonlocal counter
        counter += 1
        home = homes / f"home-{counter}"
        scratch = homes / f"out-{counter}"
        scratch.mkdir(parents=True)
        env = dict(base_env, TRUSTCHECK_HOME=str(home))
        seconds, peak, output = run_once(case.argv, env, scratch)
        check_report(output, cohorts[case.size], case.argv)
        return seconds, peak

    total = warmup + runs
    for round_number in range(total):
        for case in cases:
            seconds, peak = one(case)
            if round_number >= warmup:
                case.seconds.append(seconds)
                case.peak_mib.append(peak)
        if progress:
            sys.stderr.write(f"\rmeasuring: round {round_number + 1} of {total}")
            sys.stderr.flush()
    if progress:
        sys.stderr.write("\r" + " " * 40 + "\r")


# --- reporting -------------------------------------------------------------------------------

def figures(cases: list[Case], cohorts: dict[int, Cohorts], runs: int, warmup: int,
            trustcheck: list[str]) -> dict:
    small, large = (next(c for c in cases if c.size == size) for size in SIZES)
    small_s, large_s = round(small.median, 3), round(large.median, 3)
    ratio = round(large_s / small_s, 2)
    checks = [
        {"name": "time_10000", "what": f"{SMALL:,} responses: median time",
         "value": small_s, "unit": "s", "budget": BUDGET_SMALL_SECONDS,
         "within_budget": small_s < BUDGET_SMALL_SECONDS},
        {"name": "scaling", "what": f"{LARGE:,} responses: median time / {SMALL:,}'s",
         "value": ratio, "unit": "x", "budget": BUDGET_SCALING,
         "within_budget": ratio <= BUDGET_SCALING},
        {"name": "memory_100000", "what": f"{LARGE:,} responses: peak memory",
         "value": round(large.peak, 1), "unit": "MiB", "budget": BUDGET_MEMORY_MIB,
         "within_budget": large.peak < BUDGET_MEMORY_MIB},
    ]
    return {
        "python": python(),
        "python_version": platform.python_version(),
        "trustcheck": trustcheck,
        "runs": runs,
        "warmup": warmup,
        "seed": SEED,
        "cohorts": [{"responses": c.responses, "mentors": c.per_role["mentor"],
                     "mentees": c.per_role["mentee"], "cohorts": len(COHORTS),
                     "csv_megabytes": round(c.megabytes, 1),
                     "build_seconds": round(c.seconds, 2)} for c in cohorts.values()],
        "results": [{"responses": case.size, "command": describe(case.argv),
                     "median_s": round(case.median, 3), "min_s": round(min(case.seconds), 3),
                     "max_s": round(max(case.seconds), 3),
                     "peak_mib": round(case.peak, 1),
                     "peak_mib_runs": [round(p, 1) for p in case.peak_mib]}
                    for case in cases],
        "checks": checks,
        "ok": all(check["within_budget"] for check in checks),
    }


def print_table(result: dict) -> None:
    print(f"trustcheck report: median of {result['runs']} runs each, after "
          f"{result['warmup']} warm-up run{'s' if result['warmup'] != 1 else ''}, each run "
          "with a fresh data folder")
    print(f"python:     {result['python']} ({result['python_version']})")
    print(f"trustcheck: {' '.join(result['trustcheck'])}")
    for c in result["cohorts"]:
        print(f"cohorts:    {c['responses']:>7,} responses ({c['mentors']:,} mentors, "
              f"{c['mentees']:,} mentees, {c['cohorts']} cohorts), {c['csv_megabytes']:.1f} MB "
              f"of CSV, written in {c['build_seconds']:.1f} s")
    print()
    header = f"{'responses':>9}  {'median':>8}  {'min':>8}  {'max':>8}  {'peak memory':>11}"
    print(header)
    print("-" * len(header))
    for row in result["results"]:
        print(f"{row['responses']:>9,}  {row['median_s']:>6.2f} s  {row['min_s']:>6.2f} s  "
              f"{row['max_s']:>6.2f} s  {row['peak_mib']:>7.1f} MiB")
    print()
    for check in result["checks"]:
        verdict = "ok" if check["within_budget"] else "OVER BUDGET"
        if check["unit"] == "x":
            value, limit = f"{check['value']:.2f}x", f"at most {check['budget']:g}x"
        else:
            value = f"{check['value']:g} {check['unit']}"
            limit = f"under {check['budget']:g} {check['unit']}"
        print(f"{check['what']:<44}  {value:>10}  budget {limit:<15}  {verdict}")
    print()
    if result["ok"]:
        print("All report budgets are met.")
    else:
        print("Over budget; see benchmarks/README.md (report.py) for how to find the cause.")


# --- main ------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = timing_options(
        "benchmarks/report.py",
        f"Time `trustcheck report FILES --format json` on {SMALL:,} and {LARGE:,} "
                    "synthetic responses and measure its peak memory (exit 1 when over "
                    "budget).",
        runs=DEFAULT_RUNS, warmup=DEFAULT_WARMUP, unit='size')
    options = parser.parse_args(argv)
    progress = not options.json and sys.stderr.isatty()
    if not hasattr(os, "wait4"):
        sys.stderr.write("benchmarks: could not measure: this system has no os.wait4, which "
                         "the benchmark needs to read each run's peak memory.\n")
        return EXIT_CANNOT_MEASURE

    trustcheck = trustcheck_command()
    with tempfile.TemporaryDirectory(prefix="trustcheck-bench-") as tmp:
        folder = Path(tmp)
        setup_home = folder / "setup-home"
        env = environment(setup_home, folder / "pycache")
        try:
            headers = {role: template_header(trustcheck, env, role)
                       for role in ("mentor", "mentee")}
            cohorts = {}
            for size in SIZES:
                if progress:
                    sys.stderr.write(f"\rwriting {size:,} responses ...")
                    sys.stderr.flush()
                cohorts[size] = write_cohorts(folder, size, headers, setup_home, SEED)
            if progress:
                sys.stderr.write("\r" + " " * 40 + "\r")
            cases = [Case(size, [*trustcheck, "report", *map(str, cohorts[size].files),
                                 "--format", "json"]) for size in SIZES]
            measure(cases, cohorts, env, folder / "runs", options.runs, options.warmup,
                    progress)
        except CannotMeasure as exc:
            sys.stderr.write(f"benchmarks: could not measure: {exc}\n")
            return EXIT_CANNOT_MEASURE

    result = figures(cases, cohorts, options.runs, options.warmup, trustcheck)
    if options.json:
        print(json.dumps(result, indent=2))
    else:
        print_table(result)
    return EXIT_OK if result["ok"] else EXIT_OVER_BUDGET


if __name__ == "__main__":
    sys.exit(main())
