"""History benchmark: `history -n 20` and `history trends` over 10,000 stored assessments.

Run with the python of the environment trustcheck is installed in:

    .venv/bin/python benchmarks/history.py [--runs 20] [--warmup 3] [--json]

It fills a private, temporary history with 10,000 assessments made by trustcheck's own code
(about 100 relationships of uneven sizes; partner "X" checks in about fortnightly for years),
then times the commands against `python -c pass` in the same run. A second history, where "X"
has 2,000 assessments, shows how trends scale (for information, no budget).

Exit code: 0 when both commands are within their budget, 1 when one is over (for CI), 2 when
a command could not be run or measured at all. See benchmarks/README.md for why.
"""

from __future__ import annotations

import json
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from _common import (
    EXIT_CANNOT_MEASURE,
    EXIT_OK,
    EXIT_OVER_BUDGET,
    CannotMeasure,
    describe,
    environment,
    python,
    run_checked,
    timing_options,
    trustcheck_command,
)

DEFAULT_RUNS = 20
DEFAULT_WARMUP = 3
BUDGET = 10.0  # both commands: at most 10x `python -c pass`
SEED = 20240603

ASSESSMENTS = 10_000
RELATIONSHIPS = 100       # (role, partner) pairs, "X" among them
PARTNER = "X"
PARTNER_ASSESSMENTS = 150   # about fortnightly for almost six years
X_YEARS = PARTNER_ASSESSMENTS * 14 / 365.25
WORST_CASE_ASSESSMENTS = 2_000
SPAN_DAYS = 730           # everyone else's history: about two years up to today
PAGE = 20                 # `history -n 20`


# --- the stored history ----------------------------------------------------------------------

@dataclass
class Plan:
    """Who checks in how often: one entry per relationship."""

    role: str
    partner: str | None
    cohort: str | None
    dates: list[datetime]


@dataclass
class History:
    """What was stored in one temporary TRUSTCHECK_HOME."""

    home: Path
    assessments: int
    relationships: int
    partner_assessments: int
    largest_relationship: int
    seconds: float


def sizes(total: int, count: int, rng: random.Random) -> list[int]:
    """`count` uneven relationship sizes adding up to `total`: a few large, many small."""
    weights = [rng.lognormvariate(0.0, 1.1) for _ in range(count)]
    scale = total / sum(weights)
    result = [max(1, round(w * scale)) for w in weights]
    result[result.index(max(result))] += total - sum(result)  # make the sum exact
    return result


def spread(count: int, start: datetime, end: datetime, rng: random.Random) -> list[datetime]:
    """`count` check-in times between start and end, evenly paced with some jitter, in order."""
    step = (end - start) / count
    moments = []
    for i in range(count):
        jitter = rng.uniform(-0.35, 0.35) * step
        moment = start + step * (i + 0.5) + jitter
        moments.append(moment.replace(hour=rng.randint(7, 21), minute=rng.randint(0, 59),
                                      second=rng.randint(0, 59)))
    return sorted(moments)


def regular(count: int, every: float, end: datetime, rng: random.Random) -> list[datetime]:
    """`count` check-ins `every` days on average (give or take 30%), the last one near `end`."""
    moments, moment = [], end - timedelta(days=rng.uniform(0, 3))
    for _ in range(count):
        moments.append(moment.replace(hour=rng.randint(8, 19), minute=rng.randint(0, 59)))
        moment -= timedelta(days=rng.uniform(0.7, 1.3) * every)
    return sorted(moments)


def plans(total: int, partner_count: int, now: datetime, rng: random.Random) -> list[Plan]:
    """About 100 relationships: "X" (a mentor's long history) and uneven others.

    "X" always spans the same years (about fortnightly with PARTNER_ASSESSMENTS check-ins):
    a longer history for "X" means more frequent check-ins, not decades of them.
    """
    every = X_YEARS * 365.25 / partner_count
    result = [Plan("mentor", PARTNER, "2019-autumn", regular(partner_count, every, now, rng))]
    others = RELATIONSHIPS - 1
    cohorts = [None, "2023-spring", "2023-autumn", "2024-spring", "2024-autumn", "2025-spring"]
    for number, size in enumerate(sizes(total - partner_count, others, rng), start=1):
        role = "mentor" if rng.random() < 0.7 else "mentee"
        partner = None if number == others else f"partner-{number:03d}"  # one without a name
        start = now - timedelta(days=rng.uniform(90, SPAN_DAYS))
        end = now - timedelta(days=rng.uniform(0, 60))
        result.append(Plan(role, partner, rng.choice(cohorts), spread(size, start, end, rng)))
    return result


def answer_sheet(checklist, levels: dict[str, float], rng: random.Random) -> dict:
    """Answers as a person gives them: around their level per strategy, some skipped."""
    low, high = checklist.scale.low, checklist.scale.high
    answers = {}
    for strategy in checklist.strategies:
        for item in strategy.items:
            if rng.random() < 0.04:
                answers[item.id] = None  # skipped / not applicable
                continue
            value = min(high, max(low, round(rng.gauss(levels[strategy.id], 0.7))))
            answers[item.id] = low + high - value if item.reverse else value
    return answers


def build_history(home: Path, total: int, partner_count: int, seed: int) -> History:
    """Fill a fresh history in `home` with trustcheck's own code, as `assess` would save it.

    Each relationship's answers drift slowly around a level per strategy; about half of the
    check-ins make one or two commitments from the suggested actions, and the next check-in
    reviews most of them (done, partly, not done), so the commitments tables are filled too.
    """
    from trustcheck import assessment
    from trustcheck import checklist as checklists
    from trustcheck import commitments as promises
    from trustcheck.paths import resolve
    from trustcheck.store import Store

    started = time.perf_counter()
    rng = random.Random(seed)
    places = resolve(None, {"TRUSTCHECK_HOME": str(home)})
    used = {role: checklists.find(role, places.checklist_folders())
            for role in ("mentor", "mentee")}
    now = datetime.now(timezone.utc).replace(microsecond=0)
    made = []
    schedule = plans(total, partner_count, now, rng)
    for plan in schedule:
        checklist = used[plan.role]
        levels = {s.id: rng.uniform(2.2, 4.5) for s in checklist.strategies}
        open_ones: list[promises.OpenCommitment] = []
        for moment in plan.dates:
            for strategy_id, level in levels.items():
                levels[strategy_id] = min(4.8, max(1.3, level + rng.gauss(0.01, 0.12)))
            statuses = {o.commitment.action: rng.choices(promises.STATUSES, (5, 3, 2))[0]
                        for o in open_ones if rng.random() < 0.85}
            reviewed = promises.review(open_ones, statuses)
            result = assessment.build(
                checklist, answer_sheet(checklist, levels, rng), role=plan.role,
                partner=plan.partner, cohort=plan.cohort, now=moment,
                id=uuid.UUID(int=rng.getrandbits(128), version=4).hex,
                follow_through=reviewed)
            actions = [a.id for area in result.focus for a in area.actions]
            if actions and rng.random() < 0.5:
                chosen = rng.sample(actions, min(len(actions), rng.choice((1, 2))))
                result = result._replace(commitments=promises.choose(checklist, chosen))
            open_ones = [o for o in open_ones if o.commitment.action not in statuses]
            open_ones += [promises.OpenCommitment(result.id, result.created_at, c)
                          for c in result.commitments]
            made.append(result)
    made.sort(key=lambda result: result.created_at)  # saved in the order they were taken
    with Store.open(places.database) as store:
        added, present = store.add_missing(made)
        stored = store.count()
        relationships = len(store.relationships())
    if added != total or present or stored != total:
        raise CannotMeasure(f"building the history stored {stored} assessments "
                            f"(added {added}, {present} already present), expected {total}.")
    return History(home, stored, relationships, partner_count,
                   max(len(plan.dates) for plan in schedule), time.perf_counter() - started)


# --- timing ----------------------------------------------------------------------------------

@dataclass
class Case:
    name: str                 # short key, used in --json
    label: str                # what the table shows
    argv: list[str]
    env: dict[str, str]
    history: str              # which history it reads: "typical" or "worst-case"
    budget: float | None      # allowed ratio to the baseline median; None = informational
    available: bool = True    # False: the command does not exist in this trustcheck
    seconds: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    run_checked(argv, env)
    return time.perf_counter() - start


def measure(cases: list[Case], runs: int, warmup: int, progress: bool) -> None:
    """Warm-up rounds, then `runs` rounds; each round runs every command once, in turn, so
    that a slow patch on the machine touches every command alike rather than one of them."""
    measured = [case for case in cases if case.available]
    for _ in range(warmup):
        for case in measured:
            run_checked(case.argv, case.env)
    for done in range(runs):
        for case in measured:
            case.seconds.append(timed(case.argv, case.env))
        if progress:
            sys.stderr.write(f"\rmeasuring: round {done + 1} of {runs}")
            sys.stderr.flush()
    if progress:
        sys.stderr.write("\r" + " " * 40 + "\r")


def trends_available(trustcheck: list[str], env: dict[str, str]) -> bool:
    """Whether this trustcheck has `history trends` (it came later than `history`)."""
    import subprocess

    completed = subprocess.run([*trustcheck, "history", "trends", "--help"], env=env,
                               capture_output=True, stdin=subprocess.DEVNULL)
    return completed.returncode == 0 and b"trends" in completed.stdout


def check_history_page(argv: list[str], env: dict[str, str]) -> None:
    """`history -n 20` must show a full page, or we would time something else."""
    lines = run_checked(argv, env).stdout.decode("utf-8").splitlines()
    rows = [line for line in lines if line.strip() and not set(line.strip()) <= set("-─ ")]
    if len(rows) < PAGE + 1:  # a header and 20 assessments
        raise CannotMeasure(f"`{describe(argv)}` showed {len(rows)} lines, expected a header "
                            f"and {PAGE} assessments:\n" + "\n".join(lines))


def check_trends(argv: list[str], env: dict[str, str], expected: int) -> None:
    """`history trends --partner X` must cover X's whole history, or we would time too little.

    Its JSON form (docs/json.md, trustcheck/trends/v1) must hold one block, for X, counting
    every one of X's assessments, with a series of that length for the overall index: a
    series that stops short (a limit, a wrong filter) is caught here rather than timed as if
    it were fast. The text form is what is timed; it must print something.
    """
    command = f"`{describe(argv)} --format json`"
    completed = run_checked([*argv, "--format", "json"], env)
    try:
        blocks = json.loads(completed.stdout)
        found = [(block["assessments"], len(row["series"]))
                 for block in blocks if block["partner"] == PARTNER
                 for row in block["rows"] if row["strategy"] == "overall"]
    except (ValueError, KeyError, TypeError) as exc:
        raise CannotMeasure(f"{command} did not print the trends JSON this benchmark knows "
                            f"(trustcheck/trends/v1; {type(exc).__name__}: {exc}).") from None
    if found != [(expected, expected)]:
        raise CannotMeasure(f"{command} should show one relationship with partner {PARTNER} "
                            f"and all its {expected} assessments in the overall series; it "
                            f"showed (assessments, points) {found}.")
    if not run_checked(argv, env).stdout.strip():
        raise CannotMeasure(f"`{describe(argv)}` printed nothing.")


# --- reporting -------------------------------------------------------------------------------

def report(cases: list[Case], histories: dict[str, History], runs: int, warmup: int,
           trustcheck: list[str]) -> dict:
    baseline = cases[0].median
    rows = []
    for case in cases:
        row = {"name": case.name, "command": case.label, "argv": case.argv,
               "history": case.history, "available": case.available,
               "budget": case.budget}
        if case.available:
            ratio = round(case.median / baseline, 2)  # the verdict uses the figure people see
            row.update({
                "median_ms": round(case.median * 1000, 2),
                "min_ms": round(min(case.seconds) * 1000, 2),
                "max_ms": round(max(case.seconds) * 1000, 2),
                "ratio": ratio,
                "within_budget": None if case.budget is None else ratio <= case.budget,
            })
        else:
            row.update({"median_ms": None, "min_ms": None, "max_ms": None, "ratio": None,
                        "within_budget": None})
        rows.append(row)
    return {
        "python": python(),
        "python_version": platform.python_version(),
        "trustcheck": trustcheck,
        "runs": runs,
        "warmup": warmup,
        "baseline_median_ms": round(baseline * 1000, 2),
        "histories": {name: {"assessments": h.assessments, "relationships": h.relationships,
                             "partner": PARTNER, "partner_assessments": h.partner_assessments,
                             "largest_relationship": h.largest_relationship,
                             "build_seconds": round(h.seconds, 2)}
                      for name, h in histories.items()},
        "results": rows,
        "ok": all(row["within_budget"] is not False for row in rows)
        and all(row["available"] for row in rows if row["budget"] is not None),
    }


def print_table(figures: dict) -> None:
    rows = figures["results"]
    width = max(len(row["command"]) for row in rows)
    print(f"trustcheck history: median of {figures['runs']} runs each, "
          f"after {figures['warmup']} warm-up runs")
    print(f"python:     {figures['python']} ({figures['python_version']})")
    print(f"trustcheck: {' '.join(figures['trustcheck'])}")
    for name, h in figures["histories"].items():
        print(f"{name + ' history:':<21}{h['assessments']:,} assessments, "
              f"{h['relationships']} relationships, partner {h['partner']}: "
              f"{h['partner_assessments']:,}, largest: {h['largest_relationship']:,} "
              f"(built in {h['build_seconds']:.1f} s)")
    print()
    header = f"{'command':<{width}}  {'median':>9}  {'min':>9}  {'ratio':>6}  {'budget':>6}  result"
    print(header)
    print("-" * len(header))
    for row in rows:
        budget = "" if row["budget"] is None else f"{row['budget']:g}x"
        if not row["available"]:
            print(f"{row['command']:<{width}}  {'—':>9}  {'—':>9}  {'—':>6}  {budget:>6}  "
                  "NOT AVAILABLE")
            continue
        if row["name"] == "baseline":
            result = "baseline"
        elif row["budget"] is None:
            result = "informational"
        else:
            result = "ok" if row["within_budget"] else "OVER BUDGET"
        print(f"{row['command']:<{width}}  {row['median_ms']:>6.1f} ms  {row['min_ms']:>6.1f} ms"
              f"  {row['ratio']:>5.2f}x  {budget:>6}  {result}")
    print()
    over = [row for row in rows if row["within_budget"] is False]
    missing = [row for row in rows if not row["available"] and row["budget"] is not None]
    if not over and not missing:
        print("Both history budgets are met.")
    for row in over:
        print(f"Over budget: `{row['command']}` takes {row['ratio']:.2f}x as long as "
              f"`python -c pass` (budget {row['budget']:g}x).")
    if over:
        print("See benchmarks/README.md (history.py) for how to find the cause.")


def not_available_message() -> str:
    return ("`trustcheck history trends` is not available in this trustcheck (`trustcheck "
            "history trends --help` failed), so its budget was not checked; the other "
            "figures are shown.")


# --- main ------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = timing_options(
        "benchmarks/history.py",
        "Time `trustcheck history -n 20` and `trustcheck history trends --partner X` "
                    f"over {ASSESSMENTS:,} stored assessments as a ratio to `python -c pass` "
                    "(exit 1 when one is over its budget).",
        runs=DEFAULT_RUNS, warmup=DEFAULT_WARMUP)
    options = parser.parse_args(argv)
    progress = not options.json and sys.stderr.isatty()

    trustcheck = trustcheck_command()
    with tempfile.TemporaryDirectory(prefix="trustcheck-bench-") as tmp:
        folder = Path(tmp)
        pycache = folder / "pycache"
        try:
            histories = {}
            for name, partner_count in (("typical", PARTNER_ASSESSMENTS),
                                        ("worst-case", WORST_CASE_ASSESSMENTS)):
                if progress:
                    sys.stderr.write(f"\rbuilding the {name} history ...")
                    sys.stderr.flush()
                histories[name] = build_history(folder / name, ASSESSMENTS, partner_count, SEED)
            if progress:
                sys.stderr.write("\r" + " " * 40 + "\r")
            typical = environment(histories["typical"].home, pycache)
            worst = environment(histories["worst-case"].home, pycache)
            has_trends = trends_available(trustcheck, typical)
            trends = [*trustcheck, "history", "trends", "--partner", PARTNER]
            cases = [
                Case("baseline", "python -c pass", [python(), "-c", "pass"], typical,
                     "typical", None),
                Case("history", f"trustcheck history -n {PAGE}",
                     [*trustcheck, "history", "-n", str(PAGE)], typical, "typical", BUDGET),
                Case("trends", f"trustcheck history trends --partner {PARTNER}", trends,
                     typical, "typical", BUDGET, has_trends),
                Case("trends_worst_case",
                     f"trustcheck history trends --partner {PARTNER} "
                     f"({WORST_CASE_ASSESSMENTS:,} for {PARTNER})",
                     trends, worst, "worst-case", None, has_trends),
            ]
            check_history_page(cases[1].argv, typical)
            if has_trends:
                check_trends(trends, typical, PARTNER_ASSESSMENTS)
                check_trends(trends, worst, WORST_CASE_ASSESSMENTS)
            measure(cases, options.runs, options.warmup, progress)
        except CannotMeasure as exc:
            sys.stderr.write(f"benchmarks: could not measure: {exc}\n")
            return EXIT_CANNOT_MEASURE

    result = report(cases, histories, options.runs, options.warmup, trustcheck)
    if options.json:
        print(json.dumps(result, indent=2))
    else:
        print_table(result)
    if not has_trends:
        sys.stderr.write(f"benchmarks: {not_available_message()}\n")
    if any(row["within_budget"] is False for row in result["results"]):
        return EXIT_OVER_BUDGET
    return EXIT_OK if result["ok"] else EXIT_CANNOT_MEASURE


if __name__ == "__main__":
    sys.exit(main())
