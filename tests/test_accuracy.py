"""The planner against published measurements: the targets of docs/memory.md, enforced."""

import pytest

from tests.accuracy import Row, evaluate, summary

MEMORY = ("peak", "held", "weights_per_gpu", "kv_pool", "kv")


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    return evaluate()


def test_enough_measurements(rows: list[Row]) -> None:
    assert sum(r.gated for r in rows) >= 30
    assert {r.compare for r in rows if r.gated} == {"file", *MEMORY}


def test_file_sizes_median_within_3_percent(rows: list[Row]) -> None:
    count, median, worst = summary(rows, ("file",))
    assert count == 21
    assert median <= 0.03
    assert worst <= 0.02


def test_memory_median_within_5_percent(rows: list[Row]) -> None:
    count, median, worst = summary(rows, MEMORY)
    assert count == 38
    assert median <= 0.05
    assert worst <= 0.06


@pytest.mark.parametrize(
    ("row_id", "bound"),
    [
        ("qwen2.5-7b-hf-bf16-in30720", 0.01),  # prefill peak at 30K tokens
        ("qwen2.5-72b-hf-bf16-in1", 0.01),  # split over 2 GPUs
        ("qwen3-32b-hf-fp8-in30720", 0.01),  # FP8 linear layers, 16-bit embeddings
        ("llama-3-8b-vllm-bf16-kv-pool-util0.9", 0.02),  # vLLM's budget arithmetic
        ("gpt-oss-120b-vllm-mxfp4-weights-v0.14.1", 0.01),  # MXFP4 via Marlin on H100
        ("deepseek-v2-lite-vllm-bf16-weights", 0.01),  # MLA + MoE weights
        ("qwen2.5-coder-32b-llama.cpp-q8_0-kv-q8_0-ctx32768", 0.001),  # q8_0 KV blocks
        ("gpt-oss-120b-llama.cpp-mxfp4-gguf-file", 0.01),  # MXFP4_MOE GGUF mix
        ("qwen2.5-7b-gguf-q4_k_m-bartowski", 0.005),  # llama.cpp's Q4_K_M per-layer mix
    ],
)
def test_hard_cases(rows: list[Row], row_id: str, bound: float) -> None:
    row = next(r for r in rows if r.id == row_id)
    assert abs(row.error) <= bound, (row.measured_gb, row.predicted_gb)
