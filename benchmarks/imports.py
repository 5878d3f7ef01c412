"""Which imports make trustcheck start slowly: the most expensive ones, from `python -X importtime`.

    .venv/bin/python benchmarks/imports.py              # import trustcheck.cli.app
    .venv/bin/python benchmarks/imports.py --top 25 --sort self
    .venv/bin/python benchmarks/imports.py -- assess --role mentor --answers FILE --no-save

With arguments after `--`, the imports of that whole trustcheck command are shown instead (run
with a throw-away TRUSTCHECK_HOME). Modules that plain `python -c pass` imports anyway (site,
encodings, ...) are left out. Informational: exits 0 (2 if the import or command fails).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from _common import (
    EXIT_CANNOT_MEASURE,
    EXIT_OK,
    CannotMeasure,
    environment,
    positive_int,
    python,
    run_checked,
)

DEFAULT_MODULE = "trustcheck.cli.app"
DEFAULT_TOP = 15
DEFAULT_RUNS = 5


@dataclass
class Line:
    name: str
    depth: int
    self_us: int
    cumulative_us: int
    parent: str | None = None


@dataclass
class Module:
    name: str
    parent: str | None
    via: str | None  # the nearest trustcheck module above it: where to look in our code
    self_us: list[int] = field(default_factory=list)
    cumulative_us: list[int] = field(default_factory=list)


def parse(stderr: str) -> list[Line]:
    """The `import time:` lines of -X importtime, in order, each with the module that imported it.

    Python prints a module after everything it imported, one indent level deeper than its
    importer, so a module's importer is the next line with a smaller indent.
    """
    lines: list[Line] = []
    for text in stderr.splitlines():
        if not text.startswith("import time:"):
            continue
        parts = text[len("import time:"):].split("|")
        if len(parts) != 3 or not parts[0].strip().isdigit():
            continue  # the header line
        raw = parts[2].rstrip()
        name = raw.lstrip()
        depth = (len(raw) - len(name) - 1) // 2
        lines.append(Line(name, depth, int(parts[0]), int(parts[1])))
    for i, line in enumerate(lines):
        for later in lines[i + 1:]:
            if later.depth < line.depth:
                line.parent = later.name
                break
    return lines


def trustcheck_ancestor(name: str, parents: dict[str, str | None]) -> str | None:
    current = parents.get(name)
    while current is not None:
        if current.startswith("trustcheck"):
            return current
        current = parents.get(current)
    return None


def importtime(code: str, env: dict[str, str]) -> list[Line]:
    completed = run_checked([python(), "-X", "importtime", "-c", code], env)
    return parse(completed.stderr.decode("utf-8", "replace"))


def command_code(args: list[str]) -> str:
    """Python code that runs the console script's entry point with these arguments."""
    return ("import sys; sys.argv = ['trustcheck'] + " + repr(args) + "\n"
            "from trustcheck.cli import main\n"
            "try:\n    main()\nexcept SystemExit as exit:\n"
            "    sys.exit(exit.code)\n")


def collect(code: str, env: dict[str, str], runs: int) -> tuple[dict[str, Module], set[str]]:
    baseline = {line.name for line in importtime("pass", env)}
    importtime(code, env)  # warm-up: writes any missing .pyc files
    modules: dict[str, Module] = {}
    for _ in range(runs):
        lines = importtime(code, env)
        parents = {line.name: line.parent for line in lines}
        for line in lines:
            if line.name in baseline:
                continue
            module = modules.setdefault(line.name, Module(
                line.name, line.parent, trustcheck_ancestor(line.name, parents)))
            module.self_us.append(line.self_us)
            module.cumulative_us.append(line.cumulative_us)
    return modules, baseline


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="benchmarks/imports.py",
        description="Show the most expensive imports of trustcheck (python -X importtime).")
    parser.add_argument("--module", default=DEFAULT_MODULE,
                        help=f"module to import (default {DEFAULT_MODULE})")
    parser.add_argument("--top", type=positive_int, default=DEFAULT_TOP, metavar="N",
                        help=f"how many imports to show (default {DEFAULT_TOP})")
    parser.add_argument("--sort", choices=("cumulative", "self"), default="cumulative",
                        help="cumulative: with everything it imports (default); self: alone")
    parser.add_argument("--runs", type=positive_int, default=DEFAULT_RUNS, metavar="N",
                        help=f"take the median of N runs (default {DEFAULT_RUNS})")
    parser.add_argument("command", nargs="*", metavar="-- ARGS",
                        help="a trustcheck command to run instead of only importing --module")
    options = parser.parse_args(argv)

    if options.command:
        code, what = command_code(options.command), "trustcheck " + " ".join(options.command)
    else:
        code, what = f"import {options.module}", f"import {options.module}"

    with tempfile.TemporaryDirectory(prefix="trustcheck-imports-") as tmp:
        env = environment(Path(tmp) / "home", Path(tmp) / "pycache")
        try:
            modules, baseline = collect(code, env, options.runs)
        except CannotMeasure as exc:
            sys.stderr.write(f"benchmarks: could not measure: {exc}\n")
            return EXIT_CANNOT_MEASURE

    def median_ms(values: list[int]) -> float:
        return statistics.median(values) / 1000

    key = (lambda m: median_ms(m.self_us)) if options.sort == "self" else (
        lambda m: median_ms(m.cumulative_us))
    ranked = sorted(modules.values(), key=key, reverse=True)
    total = sum(median_ms(m.self_us) for m in modules.values())

    print(f"{what}: {len(modules)} modules beyond the {len(baseline)} that `python -c pass` "
          f"imports, {total:.1f} ms in all")
    print(f"(python -X importtime, median of {options.runs} runs, sorted by {options.sort}; "
          "a module shared by several importers counts under the first one)")
    print()
    shown = ranked[:options.top]
    width = max([len("module")] + [len(m.name) for m in shown])
    by_width = max([len("imported by")] + [len(m.parent or "-") for m in shown])
    header = (f"{'cumulative':>10}  {'self':>8}  {'module':<{width}}  {'imported by':<{by_width}}"
              "  via trustcheck module")
    print(header)
    print("-" * len(header))
    for m in shown:
        print(f"{median_ms(m.cumulative_us):>7.1f} ms  {median_ms(m.self_us):>5.1f} ms  "
              f"{m.name:<{width}}  {m.parent or '-':<{by_width}}  {m.via or '-'}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
