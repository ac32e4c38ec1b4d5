"""Print the top picks for a dozen varied scenarios (GPU x language x use case x licence).

Usage (from the repository root): python bench/scenarios.py
docs/scoring.md shows this output; tests/test_recommend.py checks each top pick's soundness.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from llmpick.catalog import load_catalog  # noqa: E402
from llmpick.engines import Engine  # noqa: E402
from llmpick.hardware import parse_gpu_spec  # noqa: E402
from llmpick.licenses import LicenseSpec  # noqa: E402
from llmpick.scoring import Request, recommend  # noqa: E402

SCENARIOS: list[tuple[str, str, Request]] = [
    ("1xA100-80", "French, chat", Request(languages=frozenset({"fr"}))),
    ("1xRTX4090", "code", Request(use_case="code")),
    ("8xH100", "reasoning", Request(use_case="reasoning")),
    (
        "1xL4",
        "German, permissive",
        Request(languages=frozenset({"de"}), license=LicenseSpec("permissive")),
    ),
    ("2xA100-80", "long-context (128K)", Request(use_case="long-context")),
    ("1xRTX4090", "Spanish, Ollama", Request(engine=Engine.OLLAMA, languages=frozenset({"es"}))),
    ("4xH100", "agents, EU", Request(use_case="agents", region="eu")),
    ("1xH100", "multimodal", Request(use_case="multimodal")),
    (
        "M3-Max-128",
        "Japanese, llama.cpp",
        Request(engine=Engine.LLAMA_CPP, languages=frozenset({"ja"})),
    ),
    ("1xT4", "edge", Request(use_case="edge")),
    ("8xH200", "Chinese chat", Request(languages=frozenset({"zh"}))),
    ("1xL40S", "RAG, permissive", Request(use_case="rag", license=LicenseSpec("permissive"))),
]


def main() -> None:
    cat = load_catalog()
    print("| GPUs | needs | top pick | format | GB/GPU | quality | runner-up |")
    print("| --- | --- | --- | --- | ---: | ---: | --- |")
    for spec, label, req in SCENARIOS:
        r = recommend(cat, parse_gpu_spec(cat, spec), req)
        if not r.recommendations:
            print(f"| {spec} | {label} | none fits | | | | |")
            continue
        top = r.recommendations[0]
        second = r.recommendations[1].model if len(r.recommendations) > 1 else "-"
        quality = f"{top.quality:.0f}" if top.quality is not None else "unknown"
        print(
            f"| {spec} | {label} | `{top.model}` | {top.quant} | "
            f"{top.total_gb:.1f}/{top.available_gb:.1f} | {quality} | `{second}` |"
        )


if __name__ == "__main__":
    main()
