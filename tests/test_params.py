"""Parameter counts from architecture, checked against the vendors' exact counts."""

import pytest

from llmpick.catalog import load_catalog
from llmpick.params import count_params, params_gap


@pytest.mark.parametrize(
    ("model_id", "expected"),
    [
        # Exact weight counts published with the checkpoints (safetensors metadata).
        ("meta-llama/Llama-3.3-70B-Instruct", 70_553_706_496),
        ("meta-llama/Llama-3.1-8B-Instruct", 8_030_261_248),
        ("deepseek-ai/DeepSeek-R1-Distill-Llama-70B", 70_553_706_496),
    ],
)
def test_dense_counts_are_exact(model_id: str, expected: int) -> None:
    model = load_catalog().find_model(model_id)
    assert count_params(model.architecture).total == expected


@pytest.mark.parametrize(
    ("model_id", "expected"),
    [
        # Qwen2 has q/k/v biases, which the count leaves out (28 x 2,048 = 57,344 here).
        ("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", 1_777_088_000),
        ("deepseek-ai/DeepSeek-R1-Distill-Qwen-32B", 32_763_876_352),
    ],
)
def test_bias_vectors_are_the_only_gap(model_id: str, expected: int) -> None:
    model = load_catalog().find_model(model_id)
    computed = count_params(model.architecture).total
    assert computed < expected
    assert (expected - computed) / expected < 0.0005


@pytest.mark.parametrize(
    ("model_id", "total_b", "active_b"),
    [
        ("deepseek-ai/DeepSeek-V3", 671.03, 37.55),
        ("openai/gpt-oss-120b", 116.79, 5.71),  # card: 116.8B incl. biases; 5.1B w/o embeddings
        ("Qwen/Qwen3-235B-A22B", 235.09, 22.19),
        ("mistralai/Mixtral-8x22B-Instruct-v0.1", 140.63, 39.16),
    ],
)
def test_moe_total_and_active(model_id: str, total_b: float, active_b: float) -> None:
    model = load_catalog().find_model(model_id)
    counts = count_params(model.architecture)
    assert round(counts.total / 1e9, 2) == total_b
    assert round(counts.active(model.architecture) / 1e9, 2) == active_b


def test_every_builtin_model_adds_up_within_tolerance() -> None:
    gaps = {m.id: params_gap(m) for m in load_catalog().models}
    assert {k: round(v, 3) for k, v in gaps.items() if abs(v) > 0.04} == {}
