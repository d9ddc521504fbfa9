"""`python -m bench [name ...]`: set up the bench database, then run the listed benchmarks."""

from __future__ import annotations

import argparse
import importlib
import sys
import time

# The registry: every module here has a `run()` that prints its own labelled figures. Add a
# benchmark by writing bench/<name>.py with a run() and listing it below.
BENCHMARKS: dict[str, str] = {
    "mission_list": "bench.mission_list",
    "enrolment": "bench.enrolment",
    "payroll": "bench.payroll",
    "report": "bench.report",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "names", nargs="*", help=f"benchmarks to run (default: all of {list(BENCHMARKS)})"
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(BENCHMARKS))
        return 0
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")

    from bench.database import setup

    print(f"[bench] database: {setup()}")
    for name in args.names or list(BENCHMARKS):
        started = time.perf_counter()
        print(f"\n=== {name} ===")
        importlib.import_module(BENCHMARKS[name]).run()
        print(f"[bench] {name} done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
