"""What the built-in catalog promises users: coverage, sources, the licence traps."""

import pytest

from llmpick.benchmarks import BENCHMARKS
from llmpick.catalog import load_catalog
from llmpick.records import CommercialUse

REQUIRED = [
    "meta-llama/Llama-3.3-70B-Instruct",
    "meta-llama/Llama-3.1-8B-Instruct",
    "meta-llama/Llama-3.1-70B-Instruct",
    "meta-llama/Llama-3.1-405B-Instruct",
    "meta-llama/Llama-4-Scout-17B-16E-Instruct",
    "meta-llama/Llama-4-Maverick-17B-128E-Instruct",
    "mistralai/Mistral-Large-Instruct-2407",
    "mistralai/Mistral-Large-Instruct-2411",
    "mistralai/Mistral-7B-Instruct-v0.3",
    "mistralai/Mixtral-8x22B-Instruct-v0.1",
    "mistralai/Mistral-Small-24B-Instruct-2501",
    "mistralai/Mistral-Small-3.1-24B-Instruct-2503",
    *[f"Qwen/Qwen2.5-{s}-Instruct" for s in ("0.5B", "1.5B", "3B", "7B", "14B", "32B", "72B")],
    "Qwen/Qwen2.5-Coder-7B-Instruct",
    "Qwen/Qwen2.5-Coder-32B-Instruct",
    *[f"Qwen/Qwen3-{s}" for s in ("0.6B", "1.7B", "4B", "8B", "14B", "32B", "30B-A3B")],
    "Qwen/Qwen3-235B-A22B",
    "deepseek-ai/DeepSeek-V3",
    "deepseek-ai/DeepSeek-R1",
    *[
        f"deepseek-ai/DeepSeek-R1-Distill-{s}"
        for s in ("Qwen-1.5B", "Qwen-7B", "Qwen-14B", "Qwen-32B", "Llama-8B", "Llama-70B")
    ],
    "microsoft/phi-4",
    "openai/gpt-oss-120b",
    "openai/gpt-oss-20b",
]


def test_at_least_60_models_and_every_required_one() -> None:
    ids = {m.id for m in load_catalog().models}
    assert len(ids) >= 60
    assert [r for r in REQUIRED if r not in ids] == []


def test_every_benchmark_has_a_source_a_variant_and_a_known_name() -> None:
    cat = load_catalog()
    for model in cat.models:
        for bench in model.benchmarks:
            assert bench.name in BENCHMARKS, (model.id, bench.name)
            assert model.resolve(bench.source).startswith("https://"), (model.id, bench.name)
            assert bench.variant.split(",")[0] in ("base", "instruct", "thinking", "non-thinking")


@pytest.mark.parametrize(
    ("model_id", "licence", "commercial"),
    [
        ("mistralai/Mistral-Large-Instruct-2407", "LicenseRef-Mistral-Research", "no"),
        ("mistralai/Mistral-Large-Instruct-2411", "LicenseRef-Mistral-Research", "no"),
        ("Qwen/Qwen2.5-3B-Instruct", "LicenseRef-Qwen-Research", "no"),
        ("Qwen/Qwen2.5-72B-Instruct", "LicenseRef-Qwen", "conditional"),
        ("Qwen/Qwen2.5-7B-Instruct", "Apache-2.0", "yes"),
        ("deepseek-ai/DeepSeek-V3", "LicenseRef-DeepSeek", "yes"),
        ("deepseek-ai/DeepSeek-R1", "MIT", "yes"),
        ("openai/gpt-oss-120b", "Apache-2.0", "yes"),
        ("meta-llama/Llama-3.3-70B-Instruct", "LicenseRef-Llama-3.3", "conditional"),
        ("CohereLabs/c4ai-command-a-03-2025", "LicenseRef-Cohere-CC-BY-NC-4.0", "no"),
    ],
)
def test_licence_traps(model_id: str, licence: str, commercial: str) -> None:
    cat = load_catalog()
    model = cat.find_model(model_id)
    assert model.license == licence
    assert cat.licenses[licence].commercial_use == CommercialUse(commercial)


@pytest.mark.parametrize(
    ("model_id", "upstream"),
    [
        ("deepseek-ai/DeepSeek-R1-Distill-Llama-8B", ("LicenseRef-Llama-3.1",)),
        ("deepseek-ai/DeepSeek-R1-Distill-Llama-70B", ("LicenseRef-Llama-3.3",)),
        ("deepseek-ai/DeepSeek-R1-Distill-Qwen-32B", ("Apache-2.0",)),
        ("nvidia/Llama-3_3-Nemotron-Super-49B-v1", ("LicenseRef-Llama-3.3",)),
    ],
)
def test_derivatives_inherit_licences(model_id: str, upstream: tuple[str, ...]) -> None:
    assert load_catalog().find_model(model_id).upstream_licenses == upstream


def test_llama4_eu_restriction_covers_multimodal_models_only() -> None:
    lic = load_catalog().licenses["LicenseRef-Llama-4"]
    (restriction,) = lic.conditions.regional_restrictions
    assert restriction.regions == ("eu",)
    assert restriction.applies_to == "multimodal"


def test_memory_critical_architecture_facts() -> None:
    cat = load_catalog()
    v3 = cat.find_model("deepseek-ai/DeepSeek-V3")
    assert (v3.native_dtype, v3.native_dtype_scope) == ("fp8", "linear")
    assert v3.architecture.mla is not None
    assert (v3.architecture.mla.kv_lora_rank, v3.architecture.mla.qk_rope_head_dim) == (512, 64)
    oss = cat.find_model("openai/gpt-oss-120b")
    assert (oss.native_dtype, oss.native_dtype_scope) == ("mxfp4", "experts")
    assert (oss.architecture.sliding_window, oss.architecture.windowed_layers) == (128, 18)
    gemma = cat.find_model("google/gemma-3-27b-it")
    assert (gemma.architecture.sliding_window, gemma.architecture.windowed_layers) == (1024, 52)
    nxt = cat.find_model("Qwen/Qwen3-Next-80B-A3B-Instruct")
    assert nxt.architecture.linear_attention is not None
    assert (nxt.architecture.attention_layers, nxt.architecture.linear_attention.layers) == (12, 36)
