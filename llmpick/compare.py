"""`compare`: models side by side; benchmarks one row per name and variant, never mixed."""

from collections import defaultdict

from llmpick.catalog import Catalog
from llmpick.describe import human_params, human_tokens
from llmpick.engines import Engine, runs_on
from llmpick.hardware import Hardware
from llmpick.licenses import LicenseSpec
from llmpick.quality import fit_quality
from llmpick.quant import format_label
from llmpick.records import CompareRow, Comparison, ModelCard
from llmpick.scoring import Failure, Request, best_fit, request_context
from llmpick.terms import license_flags
from llmpick.weights import weights_for

# More languages than this are a count: 119 codes side by side compare nothing (`show` has them).
LISTED_LANGUAGES = 16


def _fmt(value: float, unit: str) -> str:
    return f"{value:g}" if unit == "%" else f"{value:g} {unit}"


def compare(catalog: Catalog, models: list[ModelCard], hw: Hardware | None) -> Comparison:
    """Rows of facts for each model; benchmark rows only compare identical variants."""
    rows: list[CompareRow] = []

    def add(section: str, label: str, values: list[str | None], note: str | None = None) -> None:
        rows.append(CompareRow(section=section, label=label, values=tuple(values), note=note))

    add("size", "parameters", [human_params(m.params_total_b) for m in models])
    add(
        "size",
        "active per token",
        [human_params(m.params_active_b) if m.params_active_b else "all" for m in models],
    )
    add("size", "checkpoint", [f"{m.native_dtype} ({m.native_dtype_scope})" for m in models])
    add(
        "architecture",
        "layers / hidden",
        [f"{m.architecture.layers} / {m.architecture.hidden_size:,}" for m in models],
    )
    add(
        "architecture",
        "attention",
        [
            m.architecture.attention
            + (
                f", window {m.architecture.sliding_window:,}"
                if m.architecture.sliding_window
                else ""
            )
            + (
                f", {m.architecture.linear_attention.kind}"
                if m.architecture.linear_attention
                else ""
            )
            for m in models
        ],
    )
    add(
        "architecture",
        "experts",
        [
            f"{m.architecture.moe.experts} ({m.architecture.moe.experts_per_token} active)"
            if m.architecture.moe
            else "dense"
            for m in models
        ],
    )
    add("use", "context", [human_tokens(m.context_tokens) for m in models])
    add("use", "languages", [_languages(m) for m in models])
    add("use", "input", [", ".join(m.modalities) for m in models])
    add("use", "capabilities", [", ".join(m.capabilities) or "-" for m in models])
    add(
        "licence",
        "licence",
        [" + ".join(lic.id for lic in catalog.licenses_of(m)) for m in models],
    )
    add(
        "licence",
        "commercial use",
        [", ".join(str(lic.commercial_use) for lic in catalog.licenses_of(m)) for m in models],
    )
    add(
        "licence",
        "conditions",
        [
            ", ".join(
                dict.fromkeys(f for lic in catalog.licenses_of(m) for f in license_flags(lic, m))
            )
            or "-"
            for m in models
        ],
    )
    rows += _benchmark_rows(models)
    if hw is not None:
        rows += _hardware_rows(catalog, models, hw)
    return Comparison(
        models=tuple(m.id for m in models),
        names=tuple(m.name for m in models),
        gpus=hw.label if hw else None,
        rows=tuple(rows),
    )


def _benchmark_rows(models: list[ModelCard]) -> list[CompareRow]:
    """One row per (name, variant); the best is marked only among identical variants."""
    cells: dict[tuple[str, str], dict[int, tuple[float, str]]] = defaultdict(dict)
    for i, m in enumerate(models):
        for b in m.benchmarks:
            cells[(b.name, b.variant)][i] = (b.value, b.unit)
    variants_of: dict[str, set[str]] = defaultdict(set)
    for name, variant in cells:
        variants_of[name].add(variant)
    rows = []
    for (name, variant), by_model in sorted(
        cells.items(), key=lambda kv: (kv[0][0].lower(), kv[0][1])
    ):
        values: list[str | None] = [None] * len(models)
        for i, (value, unit) in by_model.items():
            values[i] = _fmt(value, unit)
        best: tuple[int, ...] = ()
        note = None
        if len(by_model) >= 2:
            top = max(v for v, _ in by_model.values())
            best = tuple(i for i, (v, _) in by_model.items() if v == top)
        elif len(variants_of[name]) > 1:
            note = "other variants: not comparable"
        else:
            note = "reported by one model only"
        rows.append(
            CompareRow(
                section="benchmarks",
                label=f"{name} [{variant}]",
                values=tuple(values),
                best=best,
                note=note,
            )
        )
    return rows


def _hardware_rows(catalog: Catalog, models: list[ModelCard], hw: Hardware) -> list[CompareRow]:
    # vLLM where it runs; llama.cpp on Apple GPUs, where vLLM does not.
    engine = Engine.VLLM if runs_on(Engine.VLLM, hw.gpu) else Engine.LLAMA_CPP
    req = Request(license=LicenseSpec(mode="any"), engine=engine)
    qm = fit_quality(catalog.models, req.use_case)
    fmt_row: list[str | None] = []
    weights_row: list[str | None] = []
    mem_row: list[str | None] = []
    tps_row: list[str | None] = []
    for m in models:
        cand = best_fit(m, hw, req, qm)
        if isinstance(cand, Failure):
            fmt_row.append("does not fit")
            weights_row.append(None)
            mem_row.append(cand.reason)
            tps_row.append(None)
            continue
        context = request_context(m, req)
        fmt_row.append(format_label(cand.planner.format.name, cand.planner.fmt is None))
        weights_row.append(_weights(m, cand.planner.format.name, engine))
        mem_row.append(
            f"{cand.per_gpu_gb:.1f} of {cand.available_gb:.1f} GB per GPU at {context:,}"
        )
        tps_row.append(f"{cand.tps:,.1f}")
    label = f"{hw.label}, {engine}"
    return [
        CompareRow(section=label, label="best format that fits", values=tuple(fmt_row)),
        CompareRow(section=label, label="weights from", values=tuple(weights_row)),
        CompareRow(section=label, label="memory", values=tuple(mem_row)),
        CompareRow(section=label, label="est. decode tokens/s", values=tuple(tps_row)),
    ]


def _weights(model: ModelCard, fmt_name: str, engine: Engine) -> str:
    """Where the planned format's weights come from (recommend's `weights`, in words)."""
    origin, repo = weights_for(model, fmt_name, engine)
    if origin == "none":
        return "no official release (deploy --repo)"
    if origin == "engine-quantized":
        return f"{repo}, quantized by {engine} at load time"
    return str(repo)


def _languages(model: ModelCard) -> str:
    if not model.languages:
        return model.languages_note or "none listed"
    if len(model.languages) > LISTED_LANGUAGES:
        return f"{len(model.languages)} languages (`llmpick show` lists them)"
    return ", ".join(model.languages)
