"""Time llmpick's cold starts against the import floor; print medians and ratios.

Each command runs as a new process, several times; the median counts. The floor is the cost of
importing the four libraries llmpick is built on:
    python -c "import typer, pydantic, rich.table, yaml"
Targets (docs/performance.md): cold-start commands <= 1.5x the floor.

Usage: python bench/run.py [--runs N]
"""

import argparse
import statistics
import subprocess
import sys
import time

FLOOR = [sys.executable, "-c", "import typer, pydantic, rich.table, yaml"]
LLMPICK = [sys.executable, "-m", "llmpick"]

COMMANDS: dict[str, list[str]] = {
    "list": ["list", "-f", "json"],
    "show": ["show", "llama3.3:70b", "-f", "json"],
}


def median_seconds(argv: list[str], runs: int) -> float:
    """Median wall time of `runs` fresh processes (one warm-up run first, for the disk cache)."""
    subprocess.run(argv, capture_output=True, check=False)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(argv, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
        if result.returncode != 0:
            sys.exit(f"failed: {' '.join(argv)}\n{result.stderr.decode()}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    floor = median_seconds(FLOOR, args.runs)
    print(f"{'command':<12} {'median s':>9} {'x floor':>8}")
    print(f"{'floor':<12} {floor:>9.3f} {1.0:>8.2f}")
    for name, argv in COMMANDS.items():
        seconds = median_seconds(LLMPICK + argv, args.runs)
        print(f"{name:<12} {seconds:>9.3f} {seconds / floor:>8.2f}")


if __name__ == "__main__":
    main()
