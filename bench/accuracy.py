"""Print the planner's accuracy against published measurements as a Markdown table.

Usage (from the repository root): python bench/accuracy.py
The same comparison is enforced by tests/test_accuracy.py; docs/memory.md shows this output.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.accuracy import evaluate, summary  # noqa: E402

MEMORY = ("peak", "held", "weights_per_gpu", "kv_pool", "kv")


def main() -> None:
    rows = evaluate()
    print("| measurement | compares | measured GB | llmpick GB | error | source |")
    print("| --- | --- | ---: | ---: | ---: | --- |")
    for r in sorted(rows, key=lambda r: (r.compare, r.id)):
        flag = "" if r.gated else " (not gated: " + (r.why_not_gated or "") + ")"
        print(
            f"| {r.id}{flag} | {r.compare} | {r.measured_gb:,.2f} | {r.predicted_gb:,.2f} "
            f"| {r.error:+.1%} | [link]({r.source}) |"
        )
    print()
    for label, kinds in (("file sizes", ("file",)), ("memory", MEMORY)):
        count, median, worst = summary(rows, kinds)
        print(f"- {label}: {count} measurements, median error {median:.1%}, worst {worst:.1%}")


if __name__ == "__main__":
    main()
