"""Time llmpick against its targets; print seconds and ratios.

    python bench/run.py [--runs 15] [--quick] [--instructions]

Every figure is a whole new process, run several times after one warm-up run (which also fills
the catalog cache); the cold starts and the floors take turns, so they share the machine's slow
and fast spells. The report gives the median and the fastest run, and each ratio against the
import floor, the cost of merely importing what llmpick is built on:
    python -c "import typer, pydantic, rich, yaml"
With --instructions, valgrind also counts the instructions of each cold start, a ratio that
noise cannot move.

Measured: cold starts of list, show, plan, recommend, compare and check on the built-in catalog;
recommend on synthetic catalogs of 1,000, 4,000 and 16,000 models (bench/synthetic_catalog.py;
the first, uncached run is reported apart); check on a generated tree of 10,000 files. Targets
(docs/performance.md): recommend on the built-in catalog <= 1.5x the floor; recommend on 16,000
models <= 1.5 s, growing linearly; check on 10,000 files <= 2 s. Tests never time anything: this
script reports, and docs/performance.md records what it printed.

The machine matters: run it on an otherwise idle machine. Byte code is compiled first (as an
installed package would be), since a checkout run with PYTHONDONTWRITEBYTECODE would otherwise
recompile llmpick in every process.
"""

import argparse
import compileall
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
FLOOR = [PY, "-c", "import typer, pydantic, rich, yaml"]
# The foundation issue's floor adds rich.table (which every table command imports).
FLOOR_TABLE = [PY, "-c", "import typer, pydantic, rich.table, yaml"]
# What any typer + pydantic + rich table program pays on first use, beyond importing: one
# BaseModel, one TypeAdapter (typer 0.29 coerces every option through one), one printed Table;
# it leaves with os._exit as llmpick does, so interpreter teardown is in neither figure.
FLOOR_USE = [
    PY,
    "-c",
    "import io, typer, pydantic, rich, yaml; from pydantic import BaseModel, TypeAdapter; "
    "M = type('M', (BaseModel,), {'__annotations__': {'x': int}}); M(x=1); TypeAdapter(int); "
    "from rich.console import Console; from rich.table import Table; "
    "Console(file=io.StringIO()).print(Table('a')); import os; os._exit(0)",
]
# The smallest typer 0.29 program: two commands, two options, one plain line printed.
FLOOR_TYPER = [
    PY,
    "-c",
    "import os, sys, typer, pydantic, rich, yaml\n"
    "app = typer.Typer()\n"
    "@app.command()\n"
    "def hello(name: str = 'x', count: int = 1) -> None: print(name * count)\n"
    "@app.command()\n"
    "def other() -> None: pass\n"
    "try: app(['hello', '--name', 'y'])\n"
    "except SystemExit: pass\n"
    "sys.stdout.flush(); os._exit(0)",
]
# The stack with no command-line layer at all: one frozen record with its validator deferred
# (as llmpick's are), built from cached values, and one rich Table of one row printed; no yaml,
# which recommend never imports (its catalog comes from the cache). Whatever parses the
# arguments, a recommend that draws a table pays at least this.
FLOOR_NO_CLI = [
    PY,
    "-c",
    "import io, pydantic, rich; from pydantic import BaseModel, ConfigDict\n"
    "class M(BaseModel):\n"
    "    model_config = ConfigDict(frozen=True, defer_build=True)\n"
    "    x: int\n"
    "m = M.model_construct(x=1)\n"
    "from rich.console import Console; from rich.table import Table\n"
    "t = Table('a'); t.add_row(str(m.x)); Console(file=io.StringIO()).print(t)\n"
    "import os; os._exit(0)",
]
LLMPICK = [PY, "-m", "llmpick"]

COLD: dict[str, list[str]] = {
    "list": ["list"],
    "show": ["show", "llama3.3:70b"],
    "plan": ["plan", "llama3.3:70b", "--gpu", "2xH100"],
    "recommend": ["recommend", "--gpu", "1xA100-80", "--lang", "fr"],
    "recommend -f json": ["recommend", "--gpu", "1xA100-80", "--lang", "fr", "-f", "json"],
    "compare": ["compare", "llama3.3:70b", "qwen2.5:72b", "--gpu", "2xH100"],
    "check (this repo)": ["check", str(ROOT)],
}
SCALES = (1000, 4000, 16000)
TREE_FILES = 10_000


def timed_together(
    argvs: list[list[str]], runs: int, env: dict[str, str]
) -> list[tuple[float, float]]:
    """(median, fastest) wall seconds of `runs` fresh processes of each command, after one
    warm-up run each. The commands take turns (round robin), so a slow spell of this shared VM
    slows every command alike and the ratios between them hold."""
    for argv in argvs:
        subprocess.run(argv, capture_output=True, env=env, check=False)
    times: list[list[float]] = [[] for _ in argvs]
    for _ in range(runs):
        for argv, samples in zip(argvs, times, strict=True):
            start = time.perf_counter()
            result = subprocess.run(argv, capture_output=True, env=env, check=False)
            samples.append(time.perf_counter() - start)
            if result.returncode not in (0, 1):
                sys.exit(
                    f"failed ({result.returncode}): {' '.join(argv)}\n{result.stderr.decode()}"
                )
    return [(statistics.median(samples), min(samples)) for samples in times]


def timed(argv: list[str], runs: int, env: dict[str, str]) -> tuple[float, float]:
    """(median, fastest) wall seconds of `runs` fresh processes, after one warm-up run."""
    return timed_together([argv], runs, env)[0]


def instructions(argv: list[str], env: dict[str, str]) -> int | None:
    """Instructions one run executes, counted by valgrind's callgrind: the same count every run,
    whatever else the machine does (None without valgrind)."""
    if not shutil.which("valgrind"):
        return None
    probe = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv]
    result = subprocess.run(probe, capture_output=True, env=env, check=False)
    found = re.search(rb"Collected : (\d+)", result.stderr)
    return int(found.group(1)) if found else None


def first_run(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, capture_output=True, env=env, check=False)
    return time.perf_counter() - start


def write_tree(root: Path, files: int, seed: int = 0) -> int:
    """A repository-like tree: Python, YAML, JSON, Markdown, shell and Go files of 1-20 KB,
    nested folders, a .gitignore, a few model references among much unrelated code.
    Returns how many references it planted."""
    rng = random.Random(seed)
    refs = [
        'model = AutoModelForCausalLM.from_pretrained("meta-llama/Llama-3.1-8B-Instruct")\n',
        "vllm serve Qwen/Qwen2.5-7B-Instruct --max-model-len 8192\n",
        "  model: mistralai/Mistral-Small-3.2-24B-Instruct-2506\n",
        "ollama pull llama3.3:70b\n",
        '    "model_id": "openai/gpt-oss-20b",\n',
    ]
    code = [
        "def handler(event, context):\n    return {'status': 200, 'body': event.get('x')}\n",
        "for i in range(10):\n    total += weights[i] * inputs[i]  # model/training note\n",
        "path = os.path.join('data/raw', name)  # ratio = '3/4'\n",
        "import numpy as np\nfrom pathlib import Path\n\nclass Loader:\n    pass\n",
        'func main() {\n\tfmt.Println("serving model", cfg.Model)\n}\n',
        "- name: build\n  run: make test\n  env:\n    MODEL_DIR: ./models\n",
    ]
    suffixes = [".py", ".py", ".py", ".yaml", ".json", ".md", ".sh", ".go", ".ts"]
    planted = 0
    root.mkdir(parents=True, exist_ok=True)
    (root / ".gitignore").write_text("build/\n*.log\n")
    for i in range(files):
        folder = root / f"pkg{i % 50}" / f"mod{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        parts = [rng.choice(code) for _ in range(rng.randint(8, 160))]
        if rng.random() < 0.02:
            parts.insert(rng.randrange(len(parts)), rng.choice(refs))
            planted += 1
        (folder / f"file{i}{rng.choice(suffixes)}").write_text("".join(parts))
    return planted


def row(
    name: str,
    median: float,
    fastest: float,
    floor: tuple[float, float] | None,
    target: str = "",
) -> None:
    """One line: seconds, then (with a floor) median / median floor and best / best floor."""
    ratio = f"{median / floor[0]:>6.2f}x {fastest / floor[1]:>6.2f}x" if floor else " " * 15
    print(f"{name:<28} {median:>8.3f} {fastest:>8.3f} {ratio}  {target}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--quick", action="store_true", help="skip the 16,000-model catalog")
    ap.add_argument(
        "--instructions",
        action="store_true",
        help="also count the instructions of each cold start (valgrind; noise-free, ~20 s each)",
    )
    args = ap.parse_args()
    compileall.compile_dir(ROOT / "llmpick", quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = dict(os.environ, LLMPICK_CACHE_DIR=str(work / "cache"), NO_COLOR="1")
        env["PYTHONPATH"] = str(ROOT)
        print(f"{'':<28} {'median s':>8} {'best s':>8}  x floor: median, best")
        cold = timed_together(
            [FLOOR, FLOOR_TABLE, FLOOR_TYPER, FLOOR_USE, FLOOR_NO_CLI]
            + [LLMPICK + argv for argv in COLD.values()],
            args.runs,
            env,
        )
        floor, table_floor, typer_floor, use_floor, no_cli_floor = cold[:5]
        row("import floor", *floor, floor)
        row("import floor + rich.table", *table_floor, floor)
        row("a typer hello-world", *typer_floor, floor, "2 commands, 2 options, 1 line printed")
        row("floor + first use", *use_floor, floor, "a BaseModel, a TypeAdapter, a rich Table")
        row("pydantic + rich, no CLI", *no_cli_floor, floor, "a record and a 1-row Table, no typer")
        for name, (median, fastest) in zip(COLD, cold[5:], strict=True):
            target = ""
            if name == "recommend":
                target = (
                    f"target <= 1.5x; {median / use_floor[0]:.2f}x, "
                    f"{fastest / use_floor[1]:.2f}x floor + first use"
                )
            if name in ("list", "show"):
                target = (
                    f"{median / table_floor[0]:.2f}x, {fastest / table_floor[1]:.2f}x the "
                    "rich.table floor (target <= 1.5x)"
                )
            row(name, median, fastest, floor, target)
        if args.instructions:
            counted = [
                ("import floor", FLOOR),
                ("a typer hello-world", FLOOR_TYPER),
                ("floor + first use", FLOOR_USE),
                ("pydantic + rich, no CLI", FLOOR_NO_CLI),
            ] + [(name, LLMPICK + argv) for name, argv in COLD.items()]
            counted.append(("recommend without typer", [PY, str(ROOT / "bench" / "no_cli.py")]))
            base = None
            print(f"\n{'instructions (callgrind)':<28} {'millions':>8}  x floor")
            for name, argv in counted:
                count = instructions(argv, env)
                if count is None:
                    print("valgrind is not installed: no instruction counts")
                    break
                base = base or count
                print(f"{name:<28} {count / 1e6:>8.0f}  {count / base:>6.2f}x")
            print()
        previous = None
        for n in SCALES if not args.quick else SCALES[:2]:
            catalog = work / f"synthetic-{n}.yaml"
            subprocess.run(
                [PY, str(ROOT / "bench" / "synthetic_catalog.py"), "--models", str(n),
                 "--out", str(catalog)],
                check=True, capture_output=True,
            )  # fmt: skip
            argv = LLMPICK + ["recommend", "--gpu", "8xH100", "--catalog", str(catalog)]
            uncached = first_run(argv, env)
            median, fastest = timed(argv, max(3, args.runs // 3), env)
            growth = f"x{median / previous:.2f} for x4 models" if previous else ""
            note = ("target <= 1.5 s; " if n == 16000 else "") + growth
            row(f"recommend, {n:,} models", median, fastest, None, note)
            print(f"{'':<28} (first run, building the cache: {uncached:.1f} s)")
            previous = median
        tree = work / "tree"
        planted = write_tree(tree, TREE_FILES)
        median, fastest = timed(
            LLMPICK + ["check", str(tree), "-f", "json"], max(3, args.runs // 3), env
        )
        row(
            f"check, {TREE_FILES:,} files", median, fastest, None, f"target <= 2 s ({planted} refs)"
        )


if __name__ == "__main__":
    main()
