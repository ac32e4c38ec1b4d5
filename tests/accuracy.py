"""Compare the planner with published measurements (tests/data/measurements.yaml).

Used by tests/test_accuracy.py (which enforces the targets) and by bench/accuracy.py (which prints
the table in docs/memory.md).
"""

import re
import statistics
from dataclasses import dataclass
from pathlib import Path

import yaml

from llmpick.catalog import Catalog, load_catalog
from llmpick.engines import Engine
from llmpick.errors import UnknownModelError
from llmpick.hardware import Hardware
from llmpick.memory import GB, Planner, split_weights, weights_per_gpu
from llmpick.quant import get_format

DATA = Path(__file__).parent / "data" / "measurements.yaml"
UNITS = {"GB": 1e9, "GiB": 2**30, "MiB": 2**20, "MB": 1e6, "bytes": 1}
# The GPU does not enter the compared figure for transformers rows (it has no memory budget);
# any catalog card with enough memory stands in.
GPU_BY_NAME = {"A100-80": "a100-sxm-80", "H20-96": "gh200-96", "H100": "h100-sxm"}


@dataclass(frozen=True)
class Row:
    id: str
    compare: str
    measured_gb: float
    predicted_gb: float
    gated: bool
    source: str
    why_not_gated: str | None

    @property
    def error(self) -> float:
        return (self.predicted_gb - self.measured_gb) / self.measured_gb


def _gpu(catalog: Catalog, text: str | None) -> tuple[str, int]:
    text = text or "1x H100"
    count = int(m.group(1)) if (m := re.match(r"\s*(\d+)", text)) else 1
    for name, gpu_id in GPU_BY_NAME.items():
        if name in text:
            return gpu_id, count
    return "h100-sxm", count


def predict(catalog: Catalog, m: dict[str, object]) -> float:
    """The planner's figure for one measurement, bytes."""
    model = catalog.find_model(str(m.get("arch_from") or m["model"]))
    fmt_name = str(m["format"])
    native = (fmt_name == "bf16" and model.native_dtype == "bf16") or fmt_name == model.native_dtype
    fmt = None if native else get_format(fmt_name)
    engine = Engine(str(m["engine"])) if m["engine"] != "none" else Engine.VLLM
    if m["compare"] == "file":
        if fmt is not None and fmt.is_gguf or m["engine"] == "llama.cpp":
            engine = Engine.LLAMA_CPP
        weights = split_weights(model, fmt, engine)  # a file: no GPU, no load-time repacking
        return weights.total - weights.encoder
    gpu_id, count = _gpu(catalog, m.get("gpus"))  # type: ignore[arg-type]
    gpu = next(g for g in catalog.gpus if g.id == gpu_id)
    kv_dtype = "q8_0" if m["id"] == "qwen2.5-coder-32b-llama.cpp-q8_0-kv-q8_0-ctx32768" else "auto"
    planner = Planner.build(model, Hardware(gpu, count), fmt, engine, kv_dtype)
    context = int(m["context_tokens"] or 1)  # type: ignore[call-overload]
    if m["compare"] == "weights_per_gpu":
        return weights_per_gpu(planner.weights, planner.dims, planner.layout)
    if m["compare"] == "kv":
        return planner.kv.total(context, 1)
    if m["compare"] == "kv_pool":
        e = planner.estimate(1, 1)
        return (e.per_gpu_available_gb - e.weights_gb - e.activation_gb - e.overhead_gb) * GB
    # Qwen's tables: batch 1, 2048 tokens generated after an input of `context` tokens.
    e = planner.estimate(context + 2048, 1, prompt_tokens=context)
    held = e.weights_gb + e.kv_gb
    per_gpu = held + (e.activation_gb if m["compare"] == "peak" else 0.0)
    return per_gpu * GB * e.layout.gpus


def evaluate(catalog: Catalog | None = None) -> list[Row]:
    """Every measurement with the planner's prediction."""
    catalog = catalog or load_catalog()
    rows = []
    for m in yaml.safe_load(DATA.read_text())["measurements"]:
        gated = bool(m.get("gated", True))
        try:
            predicted = predict(catalog, m) / GB
        except UnknownModelError:
            if gated:
                raise
            continue  # a model the catalog does not hold (documented in the file)
        measured = float(m["value"]) * UNITS[m["unit"]] / GB
        rows.append(
            Row(
                m["id"],
                m["compare"],
                measured,
                predicted,
                gated,
                m["source"],
                m.get("why_not_gated"),
            )
        )
    return rows


def summary(rows: list[Row], compares: tuple[str, ...]) -> tuple[int, float, float]:
    """(count, median |error|, worst |error|) over the gated rows of these kinds."""
    errors = [abs(r.error) for r in rows if r.gated and r.compare in compares]
    return len(errors), statistics.median(errors), max(errors)
