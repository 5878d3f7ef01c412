"""Export and trends benchmark: `history export` at 100,000 assessments, `history trends` at 10,000.

Run with the python of the environment trustcheck is installed in:

    .venv/bin/python benchmarks/export.py [--runs 3] [--warmup 1] [--json] [--assessments N]

It builds the 10,000-assessment history of benchmarks/history.py (about 100 relationships),
times `history trends` over all of them, then copies every assessment (with new ids, in every
table) until the history holds --assessments (100,000 by default) and times
`history export --format csv` and `--format jsonl` into a file with -o. Each export is timed
at 10,000 too, so you can see its memory stay flat as the history grows.

Budgets on the machine the figures were taken on: CSV within 5 s and JSON Lines within 10 s at
100,000, each under 100 MiB of peak memory (resident set of the process), and `history trends`
over 10,000 assessments within 0.5 s. Seconds are wall-clock medians; the ratio to
`python -c pass` is shown for comparison with the other benchmarks.

Exit code: 0 when every budget is met, 1 when one is over, 2 when something could not be run.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import (
    EXIT_CANNOT_MEASURE,
    EXIT_OK,
    EXIT_OVER_BUDGET,
    CannotMeasure,
    environment,
    positive_int,
    python,
    timing_options,
    trustcheck_command,
)
from history import ASSESSMENTS, PARTNER_ASSESSMENTS, SEED, build_history

DEFAULT_RUNS = 3
DEFAULT_WARMUP = 1
EXPORT_ASSESSMENTS = 100_000
# (seconds, MiB) allowed; None: no budget for that figure.
BUDGETS = {"csv": (5.0, 100.0), "jsonl": (10.0, 100.0), "trends": (0.5, None)}
TABLES = ("answers", "strategy_scores", "commitments")


def grow(path: Path, total: int) -> int:
    """Copy the stored assessments (every table) with new ids until there are `total`."""
    db = sqlite3.connect(path)
    try:
        with db:
            original = db.execute("SELECT count(*) FROM assessments").fetchone()[0]
            copy = 0
            while db.execute("SELECT count(*) FROM assessments").fetchone()[0] < total:
                copy += 1
                prefix = f"{copy:04x}"
                missing = total - db.execute("SELECT count(*) FROM assessments").fetchone()[0]
                db.execute(
                    "CREATE TEMP TABLE IF NOT EXISTS chosen (id TEXT PRIMARY KEY)")
                db.execute("DELETE FROM chosen")
                # The first `original` rows are the history as built; copies come after them.
                db.execute("INSERT INTO chosen SELECT id FROM assessments WHERE rowid <= ? "
                           "ORDER BY rowid LIMIT ?", (original, min(missing, original)))
                new = f"'{prefix}' || substr({{}}, 5)"  # still 32 hex digits, as ids are
                db.execute(
                    "INSERT INTO assessments SELECT " + new.format("a.id") + ", created_at, "
                    "role, partner, cohort, checklist_id, checklist_version, checklist_sha256, "
                    "overall, replace(result, a.id, " + new.format("a.id") + ") FROM "
                    "assessments a JOIN chosen c ON c.id = a.id ORDER BY a.rowid")
                for table in TABLES:
                    columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
                    picked = ", ".join(new.format("t.assessment_id") if c == "assessment_id"
                                       else f"t.{c}" for c in columns)
                    db.execute(f"INSERT INTO {table} SELECT {picked} FROM {table} t "
                               "JOIN chosen c ON c.id = t.assessment_id")
                columns = [row[1] for row in db.execute("PRAGMA table_info(reviews)")]
                picked = ", ".join(new.format(f"t.{c}") if c in ("assessment_id", "made_in")
                                   else f"t.{c}" for c in columns)
                db.execute(f"INSERT INTO reviews SELECT {picked} FROM reviews t "
                           "JOIN chosen c ON c.id = t.assessment_id "
                           "WHERE t.made_in IN (SELECT id FROM chosen)")
        return db.execute("SELECT count(*) FROM assessments").fetchone()[0]
    finally:
        db.close()


# Runs the command and reports its own figures. A child's peak memory (ru_maxrss) starts at
# the size of the process that forked it, so the command is started by this small process
# rather than by the benchmark, which holds a whole history in memory while building it.
TIMER = """
import os, subprocess, sys, time
started = time.perf_counter()
process = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
stderr = process.stderr.read()
_, status, usage = os.wait4(process.pid, 0)
seconds = time.perf_counter() - started
sys.stderr.write(stderr.decode("utf-8", "replace"))
print(os.waitstatus_to_exitcode(status), seconds, usage.ru_maxrss / 1024)
"""


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak resident MiB) of one run, which must succeed."""
    completed = subprocess.run([python(), "-c", TIMER, *argv], env=env, capture_output=True,
                               stdin=subprocess.DEVNULL, text=True)
    try:
        code, seconds, mib = completed.stdout.split()
    except ValueError:
        raise CannotMeasure(f"timing `{' '.join(argv)}` failed: {completed.stderr}") from None
    if int(code) != 0:
        raise CannotMeasure(f"`{' '.join(argv)}` exited with {code}: {completed.stderr.strip()}")
    return float(seconds), float(mib)  # ru_maxrss is in KiB on Linux


def measure(name: str, argv: list[str], env: dict[str, str], runs: int, warmup: int,
            cleanup: Path | None = None) -> dict:
    for _ in range(warmup):
        timed(argv, env)
        if cleanup:
            cleanup.unlink(missing_ok=True)
    figures = []
    for _ in range(runs):
        figures.append(timed(argv, env))
        if cleanup:
            cleanup.unlink(missing_ok=True)
    return {"name": name, "seconds": round(statistics.median(s for s, _ in figures), 3),
            "peak_mib": round(max(m for _, m in figures), 1)}


def main(argv: list[str] | None = None) -> int:
    parser = timing_options(
        "benchmarks/export.py",
        "Time `history export` (CSV, JSON Lines) at 100,000 stored assessments and "
        "`history trends` at 10,000 (exit 1 when one is over its budget).",
        runs=DEFAULT_RUNS, warmup=DEFAULT_WARMUP)
    parser.add_argument("--assessments", type=positive_int, default=EXPORT_ASSESSMENTS,
                        metavar="N", help=f"assessments to export (default {EXPORT_ASSESSMENTS:,})")
    options = parser.parse_args(argv)
    trustcheck = trustcheck_command()
    results: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="trustcheck-bench-") as tmp:
        folder = Path(tmp)
        try:
            home = folder / "home"
            build_history(home, ASSESSMENTS, PARTNER_ASSESSMENTS, SEED)
            env = environment(home, folder / "pycache")
            baseline = measure("baseline", [python(), "-c", "pass"], env, options.runs * 3,
                               options.warmup)
            results.append(baseline)
            results.append({**measure("trends", [*trustcheck, "history", "trends"], env,
                                      options.runs * 3, options.warmup),
                            "assessments": ASSESSMENTS})
            out = folder / "export.out"
            for size in (ASSESSMENTS, options.assessments):
                stored = grow(home / "history.db", size)
                for format in ("csv", "jsonl"):
                    command = [*trustcheck, "history", "export", "--format", format,
                               "-o", str(out)]
                    results.append({**measure(format, command, env, options.runs,
                                              options.warmup, cleanup=out),
                                    "assessments": stored})
        except CannotMeasure as exc:
            sys.stderr.write(f"benchmarks: could not measure: {exc}\n")
            return EXIT_CANNOT_MEASURE
    base = results[0]["seconds"]
    over = []
    for row in results[1:]:
        row["ratio"] = round(row["seconds"] / base, 1)
        seconds, mib = BUDGETS[row["name"]]
        judged = row["name"] == "trends" or row["assessments"] == options.assessments
        row["within_budget"] = None if not judged else (
            row["seconds"] <= seconds and (mib is None or row["peak_mib"] <= mib))
        if row["within_budget"] is False:
            over.append(row)
    if options.json:
        print(json.dumps({"python": python(), "trustcheck": trustcheck, "runs": options.runs,
                          "results": results}, indent=2))
    else:
        print(f"python -c pass: {base:.3f} s (median)")
        for row in results[1:]:
            seconds, mib = BUDGETS[row["name"]]
            budget = f"{seconds:g} s" + (f", {mib:g} MiB" if mib else "")
            verdict = {None: "for information", True: "ok", False: "OVER BUDGET"}[
                row["within_budget"]]
            print(f"{row['name']:<6} {row['assessments']:>8,} assessments: "
                  f"{row['seconds']:6.2f} s ({row['ratio']:g}x python -c pass), "
                  f"peak {row['peak_mib']:6.1f} MiB  budget {budget}: {verdict}")
    return EXIT_OVER_BUDGET if over else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
