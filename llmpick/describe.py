"""Turn catalog records into sourced facts and JSON documents (pure; no I/O)."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from llmpick import languages
from llmpick.catalog import Catalog
from llmpick.records import (
    CONSTRAINTS,
    CloudCost,
    GpuOption,
    License,
    ModelCard,
    Ranking,
)
from llmpick.terms import license_flags, license_terms


@dataclass(frozen=True)
class Fact:
    """One line of `show`: a value and the URL of the document that states it."""

    section: str
    label: str
    value: str
    source: str | None


def human_params(billions: float) -> str:
    """70.55 -> '70.6B', 0.494 -> '494M', 671 -> '671B'."""
    if billions < 1:
        return f"{billions * 1000:.0f}M"
    if billions < 10:
        return f"{billions:.2f}".rstrip("0").rstrip(".") + "B"
    return f"{billions:.1f}".rstrip("0").rstrip(".") + "B"


def ranking_counts(r: Ranking) -> str:
    """How many models are shown, pass, and were excluded by each hard filter (in the filters'
    order): '10 shown of 37 that pass, 59 excluded: licence 7, language 46, fit 6'."""
    counts = Counter(e.constraint for e in r.excluded)
    parts = [f"{name} {counts[name]}" for name in CONSTRAINTS if counts[name]]
    return f"{len(r.recommendations)} shown of {r.passed} that pass, {len(r.excluded)} excluded" + (
        ": " + ", ".join(parts) if parts else ""
    )


def sizes_once(rows: Sequence[CloudCost], limit: int) -> list[tuple[CloudCost, str]]:
    """The first `limit` instances, each listed once with its larger sizes: a row that differs
    from an earlier one only in size (same cloud, GPU, copy size, per-GPU price and so the same
    $/M: more copies side by side) becomes ' (also 2, 4, 8 GPUs)' on that row. With a daily
    volume sizes differ in what a month costs, so pass rows that carry a monthly figure as
    they are."""
    if any(c.monthly_usd is not None for c in rows):
        return [(c, "") for c in rows[:limit]]
    groups: dict[tuple[str, str, int, float, float], list[CloudCost]] = {}
    for c in rows:
        key = (
            c.cloud, c.gpu, c.gpus_per_copy, round(c.per_million_tokens, 9),
            round(c.usd_per_hour / c.gpu_count, 6),
        )  # fmt: skip
        groups.setdefault(key, []).append(c)
    out = []
    for first, *larger in list(groups.values())[:limit]:
        also = ", ".join(str(c.gpu_count) for c in larger)
        out.append((first, f" (also {also} GPUs)" if larger else ""))
    return out


def offer_label(o: GpuOption) -> str:
    """'$21.96 aws p4d.24xlarge (8 GPUs)': the cheapest offer for a configuration, with the GPUs
    it rents when that is more than the configuration needs; '-' when none is listed."""
    if o.cheapest_offer is None or o.cheapest_usd_per_hour is None:
        return "-"
    rented = o.cheapest_gpu_count
    more = f" ({rented} GPUs)" if rented is not None and rented > o.count else ""
    return f"${o.cheapest_usd_per_hour:,.2f} {o.cheapest_offer}{more}"


def human_tokens(tokens: int) -> str:
    """131072 -> '128K', 10485760 -> '10M', 8000 -> '8000'."""
    if tokens >= 2**20 and tokens % 2**20 == 0:
        return f"{tokens // 2**20}M"
    if tokens >= 1024 and tokens % 1024 == 0:
        return f"{tokens // 1024}K"
    if tokens >= 1000 and tokens % 1000 == 0:
        return f"{tokens // 1000}k"
    return str(tokens)


def params_label(model: ModelCard) -> str:
    """'70.6B' for dense models, '37B / 671B' (active / total) for MoE."""
    total = human_params(model.params_total_b)
    if model.params_active_b is None:
        return total
    return f"{human_params(model.params_active_b)} / {total}"


def _arch_facts(model: ModelCard) -> list[Fact]:
    arch = model.architecture
    src = model.resolve(arch.source)
    rows = [
        ("layers", str(arch.layers)),
        ("hidden size", f"{arch.hidden_size:,}"),
        ("attention heads / KV heads", f"{arch.attention_heads} / {arch.kv_heads}"),
        ("head dim", str(arch.head_dim)),
        (
            "intermediate size",
            f"{arch.intermediate_size:,}" if arch.intermediate_size else "none (all layers MoE)",
        ),
        ("vocabulary", f"{arch.vocab_size:,}"),
        ("tied embeddings", "yes" if arch.tied_embeddings else "no"),
        ("attention", arch.attention),
    ]
    if arch.sliding_window:
        rows.append(
            (
                "sliding window",
                f"{arch.sliding_window:,} tokens on {arch.windowed_layers} of "
                f"{arch.attention_layers} attention layers",
            )
        )
    if arch.mla:
        m = arch.mla
        rows.append(
            (
                "MLA",
                f"kv_lora_rank {m.kv_lora_rank}, qk_rope {m.qk_rope_head_dim}, "
                f"qk_nope {m.qk_nope_head_dim}, v {m.v_head_dim}, q_lora_rank {m.q_lora_rank}",
            )
        )
    if arch.linear_attention:
        lin = arch.linear_attention
        rows.append(
            (
                "linear attention",
                f"{lin.kind} on {lin.layers} of {arch.layers} layers "
                f"({lin.heads} heads, key {lin.key_heads}x{lin.key_head_dim}, "
                f"value {lin.value_head_dim}, conv {lin.conv_kernel})",
            )
        )
    if arch.moe:
        moe = arch.moe
        shared = f", {moe.shared_experts} shared" if moe.shared_experts else ""
        dense = f", {moe.dense_layers} dense layers" if moe.dense_layers else ""
        rows.append(
            (
                "experts",
                f"{moe.experts} routed, {moe.experts_per_token} per token{shared}, "
                f"width {moe.expert_intermediate_size:,}{dense}",
            )
        )
    if arch.attention_free_layers:
        rows.append(("attention-free layers", str(arch.attention_free_layers)))
    if arch.mlp_layers is not None:
        rows.append(("layers with an MLP", str(arch.mlp_layers)))
    if not arch.mlp_gated:
        rows.append(("MLP", "plain (2 matrices, not gated)"))
    if arch.encoder_params_b:
        rows.append(("encoder params", human_params(arch.encoder_params_b)))
    if arch.model_type:
        rows.append(("config model_type", arch.model_type))
    return [Fact("architecture", label, value, src) for label, value in rows]


def model_facts(model: ModelCard, catalog: Catalog) -> list[Fact]:
    """Every fact `show` prints, each with its source URL."""
    card = model.sources["card"]
    facts = [
        Fact("model", "id", model.id, card),
        Fact("model", "name", model.name, card),
        Fact("model", "vendor / family", f"{model.vendor} / {model.family}", card),
        Fact(
            "model",
            "released",
            model.released.isoformat() if model.released else "not stated",
            card,
        ),
        Fact("model", "tuning", model.tuning, card),
    ]
    if model.base_model:
        facts.append(Fact("model", "derived from", model.base_model, card))
    if model.aliases or model.ollama_tag:
        names = [*model.aliases, *([model.ollama_tag] if model.ollama_tag else [])]
        facts.append(Fact("model", "aliases", ", ".join(names), None))
    for fmt, repo in sorted(model.quantized.items()):
        facts.append(Fact("model", f"official {fmt}", repo, card))
    if model.gguf_files is not None:
        files = model.gguf_files
        listed = ", ".join(files.tags) + ("" if files.complete else " (a partial list)")
        facts.append(Fact("model", "GGUF files", listed, model.resolve(files.source)))
    if model.fp8_scaling is not None:
        scaling = model.fp8_scaling
        scales = f"per {scaling.kind}"
        if scaling.block is not None:
            scales = f"per {scaling.block[0]}x{scaling.block[1]} block"
        facts.append(Fact("model", "FP8 scales", scales, model.resolve(scaling.source)))
    params_src = model.resolve(model.params_source)
    facts.append(Fact("size", "parameters", f"{model.params_total_b:g}B total", params_src))
    if model.params_active_b is not None:
        facts.append(Fact("size", "active per token", f"{model.params_active_b:g}B", params_src))
    scope = {"all": "", "linear": " (linear layers)", "experts": " (MoE experts)"}
    facts.append(
        Fact(
            "size",
            "checkpoint dtype",
            f"{model.native_dtype}{scope[model.native_dtype_scope]}",
            model.resolve(model.architecture.source),
        )
    )
    ctx_src = model.resolve(model.context_source)
    facts.append(Fact("context", "context", f"{model.context_tokens:,} tokens", ctx_src))
    if model.context_native_tokens:
        facts.append(
            Fact("context", "native context", f"{model.context_native_tokens:,} tokens", ctx_src)
        )
    if model.rope_scaling:
        facts.append(Fact("context", "RoPE scaling", model.rope_scaling, ctx_src))
    facts += _arch_facts(model)
    langs = ", ".join(f"{languages.name(c)} ({c})" for c in model.languages)
    if model.languages_note:
        langs = f"{langs}; {model.languages_note}" if langs else model.languages_note
    facts.append(Fact("use", "languages", langs, model.resolve(model.languages_source)))
    facts.append(Fact("use", "input modalities", ", ".join(model.modalities), card))
    caps = ", ".join(model.capabilities) or "none stated"
    facts.append(Fact("use", "capabilities", caps, model.resolve(model.capabilities_source)))
    lic_src = model.resolve(model.license_source)
    for i, lic in enumerate(catalog.licenses_of(model)):
        label = "licence" if i == 0 else "inherited licence"
        flags = ", ".join(license_flags(lic, model))
        value = f"{lic.id}: commercial use {lic.commercial_use}" + (f" ({flags})" if flags else "")
        facts.append(Fact("licence", label, value, lic_src if i == 0 else lic.source))
    for bench in sorted(model.benchmarks, key=lambda b: (b.name.lower(), b.variant)):
        facts.append(
            Fact(
                "benchmarks",
                f"{bench.name} [{bench.variant}]",
                _score(bench.value, bench.unit) + (f" ({bench.note})" if bench.note else ""),
                model.resolve(bench.source),
            )
        )
    if model.notes:
        facts.append(Fact("notes", "notes", model.notes, None))
    return facts


def _score(value: float, unit: str) -> str:
    if unit == "%":
        return f"{value:g}"
    return f"{value:g} {unit}"


def license_document(lic: License) -> dict[str, Any]:
    """The licence record as JSON, plus the derived `permissive` flag."""
    return lic.model_dump(mode="json") | {"permissive": lic.permissive}


def model_document(model: ModelCard, catalog: Catalog) -> dict[str, Any]:
    """The model record as JSON: source keys resolved to URLs, licences expanded."""
    doc = model.model_dump(mode="json")
    for key in ("params_source", "context_source", "languages_source", "capabilities_source"):
        doc[key] = model.resolve(doc[key])
    doc["license_source"] = model.resolve(doc["license_source"])
    doc["architecture"]["source"] = model.resolve(doc["architecture"]["source"])
    for key in ("gguf_files", "fp8_scaling"):
        if doc[key] is not None:
            doc[key]["source"] = model.resolve(doc[key]["source"])
    for bench in doc["benchmarks"]:
        bench["source"] = model.resolve(bench["source"])
    doc["license"] = license_document(catalog.licenses[model.license])
    doc["upstream_licenses"] = [
        license_document(catalog.licenses[key]) for key in model.upstream_licenses
    ]
    return doc


def license_facts(lic: License) -> list[Fact]:
    """Every term `license` prints, with the licence text as source."""
    src = lic.source
    facts = [
        Fact("licence", "id", lic.id, src),
        Fact("licence", "name", lic.name, src),
        Fact("licence", "text", lic.url, src),
        Fact("licence", "commercial use", str(lic.commercial_use), src),
        Fact("licence", "OSI approved", "yes" if lic.osi_approved else "no", src),
        Fact("licence", "permissive", "yes" if lic.permissive else "no", src),
        Fact("licence", "summary", lic.summary, src),
    ]
    facts += [Fact("conditions", t.label, t.value, src) for t in license_terms(lic) if t.fact]
    return facts


@dataclass(frozen=True)
class ModelRow:
    """One line of `list`."""

    id: str
    family: str
    params: str
    params_total_b: float
    params_active_b: float | None
    context_tokens: int
    license: str
    commercial_use: str
    license_flags: tuple[str, ...]
    languages: tuple[str, ...]
    modalities: tuple[str, ...]
    capabilities: tuple[str, ...]


def model_rows(catalog: Catalog, models: list[ModelCard]) -> list[ModelRow]:
    """Summary rows for `list`; licence flags cover inherited licences too."""
    rows = []
    for model in models:
        lics = catalog.licenses_of(model)
        worst = min((lic.commercial_use for lic in lics), key=_COMMERCIAL_ORDER.index)
        flags = tuple(dict.fromkeys(f for lic in lics for f in license_flags(lic, model)))
        rows.append(
            ModelRow(
                id=model.id,
                family=model.family,
                params=params_label(model),
                params_total_b=model.params_total_b,
                params_active_b=model.params_active_b,
                context_tokens=model.context_tokens,
                license="+".join(lic.id for lic in lics),
                commercial_use=str(worst),
                license_flags=flags,
                languages=model.languages,
                modalities=tuple(model.modalities),
                capabilities=tuple(model.capabilities),
            )
        )
    return rows


_COMMERCIAL_ORDER = ["no", "conditional", "yes"]
