"""Schema rules of catalog records: each row breaks one rule and must say which."""

from typing import Any

import pytest
from pydantic import ValidationError

from llmpick.records import License, ModelCard

BASE: dict[str, Any] = {
    "id": "acme/Test-8B",
    "name": "Test 8B",
    "family": "acme",
    "vendor": "Acme",
    "params_total_b": 8.03,
    "params_source": "card",
    "context_tokens": 131072,
    "context_source": "card",
    "architecture": {
        "layers": 32,
        "hidden_size": 4096,
        "attention_heads": 32,
        "kv_heads": 8,
        "head_dim": 128,
        "intermediate_size": 14336,
        "vocab_size": 128256,
        "tied_embeddings": False,
        "source": "card",
    },
    "languages": ["en"],
    "license": "MIT",
    "license_source": "card",
    "sources": {"card": "https://example.com/card"},
}
MOE = {"experts": 8, "experts_per_token": 2, "expert_intermediate_size": 14336}
MMLU = {"name": "MMLU", "variant": "instruct, 5-shot", "value": 68.0, "source": "card"}
GGUF = {"tags": ["Q4_K_M", "Q8_0"], "complete": True, "source": "card"}
WITH_GGUF = {"quantized": {"gguf": "acme/Test-8B-GGUF"}}
BLOCK = {"kind": "block", "block": [128, 128], "source": "card"}
WITH_FP8 = {"quantized": {"fp8": "acme/Test-8B-FP8"}}


def make_model(**overrides: Any) -> dict[str, Any]:
    data = {**BASE, "architecture": dict(BASE["architecture"])}
    for key, value in overrides.items():
        if key.startswith("arch_"):
            data["architecture"][key.removeprefix("arch_")] = value
        else:
            data[key] = value
    return data


def test_base_is_valid() -> None:
    model = ModelCard.model_validate(make_model())
    assert model.active_params_b == 8.03
    assert not model.is_moe


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"params_active_b": 2.0}, "params_active_b is for MoE models only"),
        ({"arch_moe": MOE}, "an MoE model needs params_active_b"),
        ({"arch_moe": MOE, "params_active_b": 9.0}, "params_active_b (9.0) exceeds params_total_b"),
        ({"arch_kv_heads": 5}, "attention_heads (32) must be a multiple of kv_heads (5)"),
        ({"arch_attention": "mla"}, "attention: mla needs an `mla` block"),
        ({"arch_sliding_window_layers": 4}, "sliding_window_layers needs sliding_window"),
        ({"languages": ["en", "fra"]}, "not ISO 639-1 codes: 'fra'"),
        ({"languages": []}, "languages is empty: list the codes, or say why in languages_note"),
        ({"params_source": "report"}, "params_source: 'report' is neither an https URL nor a key"),
        ({"sources": {"config": "https://example.com/c"}}, "sources must include `card`"),
        ({"context_native_tokens": 262144}, "context_native_tokens exceeds context_tokens"),
        ({"native_dtype_scope": "experts"}, "native_dtype_scope: experts needs an MoE"),
        ({"arch_intermediate_size": None}, "intermediate_size is needed"),
        ({"arch_attention_free_layers": 32}, "leave no attention layer"),
        ({"unknown_key": 1}, "Extra inputs are not permitted"),
        ({"sources": {"card": "http://insecure.example.com"}}, "String should match pattern"),
        ({"benchmarks": [MMLU | {"variant": "5-shot"}]}, "variant '5-shot' must start with the"),
        ({"benchmarks": [MMLU | {"variant": "chat, 5-shot"}]}, "base, instruct, thinking, non-"),
        ({"benchmarks": [MMLU, MMLU | {"value": 70.0}]}, "MMLU [instruct, 5-shot] is listed twice"),
        ({"gguf_files": GGUF}, "gguf_files describes quantized.gguf, which is not set"),
        ({**WITH_GGUF, "gguf_files": GGUF | {"tags": ["q4_k_m"]}}, "(e.g. Q4_K_M, FP16): 'q4_k_m'"),
        ({**WITH_GGUF, "gguf_files": GGUF | {"tags": ["Q8_0", "Q8_0"]}}, "tag is listed twice"),
        ({**WITH_GGUF, "gguf_files": GGUF | {"tags": []}}, "at least 1 item"),
        ({**WITH_GGUF, "gguf_files": GGUF | {"source": "tree"}}, "gguf_files.source: 'tree' is"),
        ({**WITH_GGUF, "gguf_files": {"tags": ["Q8_0"], "source": "c"}}, "complete\n  Field req"),
        ({"fp8_scaling": BLOCK}, "fp8_scaling describes an FP8 checkpoint, and this model has"),
        ({**WITH_FP8, "fp8_scaling": BLOCK | {"kind": "channel"}}, "block is for kind block only"),
        ({**WITH_FP8, "fp8_scaling": BLOCK | {"block": [128, 0]}}, "block sizes are positive"),
        ({**WITH_FP8, "fp8_scaling": BLOCK | {"kind": "group"}}, "'block', 'channel' or 'tensor'"),
        ({**WITH_FP8, "fp8_scaling": BLOCK | {"source": "config"}}, "fp8_scaling.source: 'config'"),
    ],
)
def test_rules(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as err:
        ModelCard.model_validate(make_model(**overrides))
    assert message in str(err.value)


def test_variants_of_one_benchmark_may_differ_in_tuning_or_settings() -> None:
    rows = [
        MMLU,
        MMLU | {"variant": "base, 5-shot"},
        MMLU | {"variant": "non-thinking , 0-shot CoT"},
        MMLU | {"variant": "thinking"},
    ]
    model = ModelCard.model_validate(make_model(benchmarks=rows))
    assert [b.variant for b in model.benchmarks] == [r["variant"] for r in rows]


def test_languages_note_allows_an_empty_list() -> None:
    model = ModelCard.model_validate(make_model(languages=[], languages_note="140+ languages"))
    assert model.languages == ()


def test_records_are_frozen() -> None:
    model = ModelCard.model_validate(make_model())
    with pytest.raises(ValidationError, match="frozen"):
        model.context_tokens = 1  # type: ignore[misc]


def test_license_permissive_needs_osi_and_no_share_alike() -> None:
    base = {
        "id": "X-1.0",
        "name": "X",
        "url": "https://example.com/x",
        "commercial_use": "yes",
        "osi_approved": True,
        "summary": "x",
        "source": "https://example.com/x",
    }
    assert License.model_validate(base).permissive
    share = {**base, "conditions": {"share_alike": True}}
    assert not License.model_validate(share).permissive
    assert not License.model_validate({**base, "osi_approved": False}).permissive


def test_gguf_files_resolve_their_source() -> None:
    files = GGUF | {"source": "https://huggingface.co/acme/Test-8B-GGUF/tree/main"}
    model = ModelCard.model_validate(make_model(**WITH_GGUF, gguf_files=files))
    assert model.gguf_files is not None
    assert model.gguf_files.tags == ("Q4_K_M", "Q8_0")
    assert ("gguf_files.source", files["source"]) in model.source_refs()


@pytest.mark.parametrize(
    ("overrides", "kind"),
    [
        ({}, "online"),  # no FP8 checkpoint: an engine quantizes the 16-bit one, per tensor
        (WITH_FP8, None),  # a checkpoint whose scaling is not recorded
        ({**WITH_FP8, "fp8_scaling": BLOCK}, "block"),
        (
            {"native_dtype": "fp8", "fp8_scaling": BLOCK | {"kind": "tensor", "block": None}},
            "tensor",
        ),
    ],
)
def test_fp8_kind(overrides: dict[str, Any], kind: str | None) -> None:
    model = ModelCard.model_validate(make_model(**overrides))
    assert model.fp8_kind == kind
    assert model.has_fp8_checkpoint == (overrides != {})


def test_fp8_scaling_resolves_its_source() -> None:
    model = ModelCard.model_validate(make_model(**WITH_FP8, fp8_scaling=BLOCK))
    assert model.fp8_scaling is not None and model.fp8_scaling.block == (128, 128)
    assert ("fp8_scaling.source", "card") in model.source_refs()
