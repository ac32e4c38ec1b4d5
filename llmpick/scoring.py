"""`recommend`: hard filters, then a score from like-for-like quality, quantization loss, speed.

Pure: catalog records in, a Ranking record out. The weights and formulas are in docs/scoring.md.
"""

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import NamedTuple

from llmpick import languages as lang_names
from llmpick.catalog import Catalog
from llmpick.describe import human_params
from llmpick.engines import Engine, check_runs_on, float16_refusal, usable
from llmpick.hardware import Hardware
from llmpick.index import HF_ENGINES, Row, contenders, lightest
from llmpick.index import sizing as index_sizing
from llmpick.licenses import LicenseSpec, license_failure
from llmpick.memory import (
    Layout,
    Planner,
    default_context,
    formats_for_dtype,
    hf_bits_and_scope,
    layout_for,
)
from llmpick.quality import USE_CASES, QualityModel, fit_quality, points_lost
from llmpick.quant import Format, dtype_format, native_format
from llmpick.records import (
    Constraint,
    Constraints,
    Dtype,
    Evidence,
    Exclusion,
    Explanation,
    Gpu,
    Modality,
    ModelCard,
    ModelFacts,
    Ranking,
    Recommendation,
    ScoreTerm,
)
from llmpick.terms import applicable_restrictions, license_flags
from llmpick.terms import caveats as license_caveats
from llmpick.weights import Weights, hf_origin, weights_for

USE_CASE_CONTEXT = {"long-context": 131072, "rag": 32768}
USE_CASE_MODALITY = {"multimodal": Modality.IMAGE}
SPEED_POINTS = 4.0  # at most, for decode speed (log scale from 5 to 200 tokens/s)
CAPACITY_POINTS = 2.0  # at most, for concurrent sequences (log scale from 1 to 64)


class Failure(NamedTuple):
    """The first hard filter a model fails, and why, in a sentence."""

    constraint: Constraint
    reason: str


@dataclass(frozen=True)
class Request:
    languages: frozenset[str] = frozenset()
    use_case: str = "chat"
    license: LicenseSpec = LicenseSpec(mode="commercial")
    region: str | None = None
    context: int | None = None
    modalities: frozenset[Modality] = frozenset()
    engine: Engine = Engine.VLLM
    min_tps: float | None = None
    top: int = 10
    kv_dtype: str = "auto"
    # Only formats with official weights: as released, the vendor's quantized releases, or
    # the engine's load-time quantization (llmpick/weights.py), never a community repository.
    official_weights: bool = False


@dataclass
class Candidate:
    """A model that passed every hard filter, with its chosen format and score terms
    (name, points, why): records are made only for the models shown."""

    model: ModelCard
    planner: Planner
    context: int
    per_gpu_gb: float
    available_gb: float
    max_sequences: int
    tps: float
    quality: float | None
    parts: list[tuple[str, float, str]] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(value for _, value, _ in self.parts)

    @property
    def terms(self) -> tuple[ScoreTerm, ...]:
        return tuple(ScoreTerm(name=n, value=v, detail=d) for n, v, d in self.parts)

    @cached_property
    def max_context(self) -> int:
        """The longest context that fits with one sequence (asked only of shown models)."""
        return self.planner.max_context(1)


def request_context(model: ModelFacts, req: Request) -> int:
    """The context a model must serve: asked for, or the use case's default, or 8192."""
    if req.context is not None:
        return req.context
    if req.use_case in USE_CASE_CONTEXT:
        return USE_CASE_CONTEXT[req.use_case]
    return default_context(model)


def hard_filter(catalog: Catalog, model: ModelFacts, req: Request) -> Failure | None:
    """The first constraint before the fit that the model fails; None if it passes them all."""
    reason = license_failure(catalog, model, req.license)
    if reason:
        return Failure("licence", reason)
    if req.region:
        from llmpick.regions import restricted_in

        for lic in catalog.licenses_of(model):
            for rr in applicable_restrictions(lic, model):
                where = restricted_in(req.region, rr.regions)
                if where is not None:
                    scope = "multimodal models" if rr.applies_to == "multimodal" else "its models"
                    return Failure(
                        "region", f"licence {lic.id} withholds rights for {scope} in {where}"
                    )
    missing = sorted(req.languages - set(model.languages))
    if missing:
        names = ", ".join(lang_names.name(c) for c in missing)
        if not model.languages:
            note = f" ({model.languages_note})" if model.languages_note else ""
            return Failure(
                "language", f"its card lists no supported languages{note}, so not {names}"
            )
        return Failure(
            "language",
            f"its card does not list {names} among its {len(model.languages)} languages",
        )
    for modality in sorted(req.modalities | _use_case_modalities(req.use_case)):
        if modality not in model.modalities:
            return Failure("modality", f"no {modality} input")
    wanted = req.context or USE_CASE_CONTEXT.get(req.use_case)
    if wanted and model.context_tokens < wanted:
        return Failure(
            "context", f"supports {model.context_tokens:,} tokens, less than the {wanted:,} needed"
        )
    return None


def _use_case_modalities(use_case: str) -> frozenset[Modality]:
    needed = USE_CASE_MODALITY.get(use_case)
    return frozenset({needed}) if needed else frozenset()


def _speed_points(tps: float, use_case: str) -> float:
    scale = SPEED_POINTS * (2 if use_case == "edge" else 1)
    return scale * min(1.0, max(0.0, math.log10(max(tps, 1e-9) / 5) / math.log10(40)))


def _capacity_points(seqs: int) -> float:
    return CAPACITY_POINTS * min(1.0, max(0.0, math.log2(max(seqs, 1)) / 6))


def score_format(
    model: ModelCard, planner: Planner, qm: QualityModel, context: int, use_case: str
) -> Candidate | None:
    """Score the model in one format, or None when it does not fit at `context`."""
    per_gpu, available, *_ = planner.need(context, 1)
    if per_gpu > available:
        return None
    tps = planner.decode_tokens_per_s(context, 1)
    seqs = planner.max_batch(context)
    fmt = planner.format
    released = planner.fmt is None or planner.fmt == native_format(model)
    points, basis = (
        (0.0, "as released: no loss") if released else points_lost(fmt.name, model.params_total_b)
    )
    quality = None
    parts: list[tuple[str, float, str]] = []
    if model.id in qm.theta:
        shift = -points / qm.typical_sd(model.id) / qm.theta_sd
        quality = qm.percentile(model.id, shift)
        base = qm.percentile(model.id) or 0.0
        parts.append(
            (
                "quality",
                round(base, 2),
                f"{base:.1f}th percentile for {use_case} from {qm.counts[model.id]} like-for-like "
                "result(s)",
            )
        )
        parts.append(
            (
                "quantization",
                round((quality or 0.0) - base, 2),
                f"{fmt.name} costs ~{points:.2f} benchmark points ({basis})",
            )
        )
    else:
        parts.append(
            (
                "quality",
                0.0,
                f"unknown: no {use_case} benchmark result comparable with another model",
            )
        )
        at_median = "; valued at the median rank, as this model's own is unknown"
        parts.append(
            (
                "quantization",
                round(qm.loss_at_median(points), 2) + 0.0,  # + 0.0: never print -0.00
                f"{fmt.name} costs ~{points:.2f} benchmark points ({basis})"
                + (at_median if points else ""),
            )
        )
    parts.append(
        (
            "speed",
            round(_speed_points(tps, use_case), 2),
            f"decode ≈ {tps:,.1f} tokens/s per sequence (estimate)",
        )
    )
    parts.append(
        (
            "capacity",
            round(_capacity_points(seqs), 2),
            f"{seqs:,} concurrent sequence(s) of {context:,} tokens",
        )
    )
    return Candidate(
        model=model,
        planner=planner,
        context=context,
        per_gpu_gb=per_gpu,
        available_gb=available,
        max_sequences=seqs,
        tps=tps,
        quality=quality,
        parts=parts,
    )


def serving_formats(model: ModelFacts, engine: Engine, gpu: Gpu) -> list[Format | None]:
    """The formats the recommender weighs: what the engine loads on this GPU (some need a
    minimum compute capability, and FP8 on some AMD GPUs a block-scaled checkpoint), not
    through emulation, except bitsandbytes NF4 where a 4-bit AWQ or GPTQ is available (NF4 is a
    QLoRA format; servers run 4-bit as AWQ/GPTQ)."""
    return list(
        _serving_formats(
            model.native_dtype, engine, gpu.sm, gpu.llvm_target, model.fp8_kind, model.model_type
        )
    )


@cache
def _serving_formats(
    native_dtype: Dtype,
    engine: Engine,
    sm: int | None,
    target: str | None,
    fp8: str | None,
    model_type: str | None,
) -> tuple[Format | None, ...]:
    formats = formats_for_dtype(native_dtype, engine)
    names = {f.name for f in formats if f is not None}
    native = dtype_format(native_dtype).name
    return tuple(
        f
        for f in formats
        if (f is None or f.name != "nf4" or not names & {"awq", "gptq-int4"})
        and usable(engine, f.name if f else native, sm, target, fp8, model_type)
    )


def official_formats(
    formats: Sequence[Format | None], model: ModelFacts, released: Collection[str], engine: Engine
) -> list[Format | None]:
    """The formats with official weights (for Hugging Face engines; see weights_for)."""
    native = native_format(model).name
    return [
        f for f in formats if f is None or hf_origin(native, f.name, released, engine) != "none"
    ]


OFFICIAL = " with official weights"


def no_format(hw: Hardware, req: Request, model_type: str | None = None) -> Failure:
    """The engine loads none of the model's formats (on these GPUs)."""
    where = f" on {hw.gpu.name} (compute capability {hw.gpu.compute_capability})"
    dtype = float16_refusal(req.engine, "bf16", hw.gpu.sm, model_type)
    if dtype:
        return Failure("fit", f"{dtype}; {hw.gpu.name} is {hw.gpu.compute_capability}")
    official = OFFICIAL if req.official_weights else ""
    return Failure(
        "fit", f"{req.engine} loads none of its formats{official}" + (where if hw.gpu.sm else "")
    )


def not_fitting(
    hw: Hardware, context: int, req: Request, smallest: tuple[float, float, str]
) -> Failure:
    need, budget, name = smallest
    official = OFFICIAL if req.official_weights else ""
    return Failure(
        "fit",
        f"does not fit on {hw.label} at {context:,} tokens in any format {req.engine} loads"
        f"{official} (smallest: {name} needs {need:.1f} GB per GPU, the budget is "
        f"{budget:.1f} GB)",
    )


def best_fit(model: ModelCard, hw: Hardware, req: Request, qm: QualityModel) -> Candidate | Failure:
    """The best-scoring format that fits (and meets --min-tps), or why none does."""
    context = request_context(model, req)
    smallest: tuple[float, float, str] | None = None
    best: Candidate | None = None
    too_slow: Candidate | None = None
    formats = serving_formats(model, req.engine, hw.gpu)
    if req.official_weights:
        formats = [
            f
            for f in formats
            if weights_for(model, (f or native_format(model)).name, req.engine).origin != "none"
        ]
    for fmt in formats:
        planner = Planner.build(model, hw, fmt, req.engine, req.kv_dtype)
        cand = score_format(model, planner, qm, context, req.use_case)
        if cand is None:
            per_gpu, available, *_ = planner.need(context, 1)
            if smallest is None or per_gpu < smallest[0]:
                smallest = (per_gpu, available, planner.format.name)
            continue
        if req.min_tps is not None and cand.tps < req.min_tps:
            if too_slow is None or cand.tps > too_slow.tps:
                too_slow = cand
            continue
        if best is None or cand.score > best.score:
            best = cand
    if best is not None:
        return best
    if too_slow is not None:
        return Failure(
            "speed",
            f"decode ≈ {too_slow.tps:,.1f} tokens/s at best ({too_slow.planner.format.name}), "
            f"below --min-tps {req.min_tps:g}",
        )
    if smallest is None:
        return no_format(hw, req, model.model_type)
    return not_fitting(hw, context, req, smallest)


_Contender = tuple[Format | None, float, str]  # a format, its bits per weight and scope


@dataclass
class _ScreenMemo:
    """Per-run memos of the screen: layouts by attention heads; by (native dtype, scope, FP8
    scaling, model type, and with --weights official the vendor's quantized formats), the
    formats that can be the lightest, with their bits and scope."""

    layouts: dict[int, Layout] = field(default_factory=dict)
    formats: dict[tuple[Dtype, str, str | None, str | None, tuple[str, ...]], list[_Contender]] = (
        field(default_factory=dict)
    )


def screen(row: Row, hw: Hardware, req: Request, memo: _ScreenMemo) -> Failure | None:
    """Why no format of this row fits (best_fit's words), or None if one does: only the format
    with the fewest weight bytes per GPU needs checking, since nothing else in the plan depends
    on the format."""
    context = request_context(row, req)
    released = row.quantized if req.official_weights else ()
    key = (row.native_dtype, row.native_dtype_scope, row.fp8_kind, row.model_type, released)
    formats = memo.formats.get(key)
    if formats is None:
        serving = serving_formats(row, req.engine, hw.gpu)
        if req.official_weights:
            serving = official_formats(serving, row, released, req.engine)
        formats = memo.formats[key] = contenders(
            [
                (
                    f,
                    *hf_bits_and_scope(
                        row.native_dtype.value, row.native_dtype_scope, f, hw.gpu.fp4
                    ),
                )
                for f in serving
            ]
        )
    if not formats:
        return no_format(hw, req, row.model_type)
    layout = memo.layouts.get(row.dims.heads)
    if layout is None:
        layout = memo.layouts[row.dims.heads] = layout_for(row.dims.heads, hw, req.engine)
    fmt = lightest(row, formats, layout) if len(formats) > 1 else formats[0][0]
    sized = index_sizing(row, fmt, hw, req.engine, req.kv_dtype, layout)
    per_gpu, available, *_ = sized.need(context, 1)
    if per_gpu <= available:
        return None
    name = (fmt or native_format(row)).name
    return not_fitting(hw, context, req, (per_gpu, available, name))


def recommend(catalog: Catalog, hw: Hardware, req: Request, exhaustive: bool = False) -> Ranking:
    """Filter, size and score every catalog model; rank the survivors.

    Every model passes the hard filters and a fit screen on the catalog index; the exact
    planner then scores models in order of the best score they could reach (their quality
    with no quantization loss, plus full speed and capacity points) and stops once no
    remaining model can enter the top places. With --min-tps or a GGUF engine (or
    `exhaustive`, which the tests use to check the shortcut) every model is scored exactly."""
    check_runs_on(req.engine, hw.product)
    index = catalog.index
    qm = index.quality(req.use_case)
    exact_all = exhaustive or req.min_tps is not None or req.engine not in HF_ENGINES
    bonus = SPEED_POINTS * (2 if req.use_case == "edge" else 1) + CAPACITY_POINTS + 0.05
    candidates: list[Candidate] = []
    excluded: list[Exclusion] = []
    queue: list[tuple[bool, float, str, int]] = []  # (unknown quality, -bound, id, position)
    memo = _ScreenMemo()
    for i, row in enumerate(index.rows):
        failure = hard_filter(catalog, row, req)
        if failure is None and not exact_all:
            failure = screen(row, hw, req, memo)
        if failure is not None:
            excluded.append(Exclusion(model=row.id, **failure._asdict()))
            continue
        base = qm.percentile(row.id)
        queue.append((base is None, -((base or 0.0) + bonus), row.id, i))
    queue.sort()
    for unknown, neg_bound, model_id, i in queue:
        if not exact_all and _cannot_rank(candidates, unknown, -neg_bound, req.top):
            break
        fit = best_fit(catalog.model_at(i), hw, req, qm)
        if isinstance(fit, Failure):
            excluded.append(Exclusion(model=model_id, **fit._asdict()))
        else:
            candidates.append(fit)
    # Known quality first, then score; the model id breaks ties deterministically.
    candidates.sort(key=_rank_key)
    recs = tuple(
        _recommendation(catalog, rank, cand, qm, req)
        for rank, cand in enumerate(candidates[: req.top], start=1)
    )
    return Ranking(
        hardware=_hardware(hw),
        constraints=_constraints(hw, req),
        recommendations=recs,
        passed=len(index.rows) - len(excluded),
        excluded=tuple(sorted(excluded, key=lambda e: e.model)),
        basis=_basis(req),
    )


def _rank_key(c: Candidate) -> tuple[bool, float, str]:
    return (c.quality is None, -c.score, c.model.id)


def _cannot_rank(candidates: list[Candidate], unknown: bool, bound: float, top: int) -> bool:
    """Whether a model whose score is at most `bound` can no longer enter the top places.
    Known-quality models rank above every unknown one; within each group, by score."""
    known = [c for c in candidates if c.quality is not None]
    if not unknown:
        pool, slots = known, top
    elif len(known) >= top:
        return True
    else:
        pool, slots = [c for c in candidates if c.quality is None], top - len(known)
    if len(pool) < slots:
        return False
    return bound < sorted(pool, key=_rank_key)[slots - 1].score


def _hardware(hw: Hardware) -> dict[str, object]:
    return {
        "gpus": hw.label,
        "gpu": hw.gpu.id,
        "count": hw.count,
        "nodes": hw.nodes,
        "memory_gb_per_gpu": round(hw.gpu.memory_gb, 2),
        "bandwidth_gb_s": hw.gpu.bandwidth_gb_s,
    }


def _constraints(hw: Hardware, req: Request) -> Constraints:
    context = req.context or USE_CASE_CONTEXT.get(req.use_case) or 8192
    note = "default: commercial use allowed, possibly with conditions"
    return Constraints(
        gpus=hw.label,
        languages=tuple(sorted(req.languages)),
        use_case=req.use_case,
        license=req.license.describe(),
        license_note=note if req.license.mode == "commercial" else "",
        region=req.region,
        context_tokens=context,
        modalities=tuple(sorted(req.modalities)),
        engine=str(req.engine),
        min_tokens_per_s=req.min_tps,
        top=req.top,
        weights="official" if req.official_weights else "any",
    )


def _basis(req: Request) -> tuple[str, ...]:
    weights = ", ".join(f"{k} {v:g}" for k, v in USE_CASES[req.use_case].items())
    return (
        f"quality for {req.use_case}: benchmarks and weights {weights}",
        "scores are compared only within the same benchmark and variant; quality is a "
        "percentile among catalog models (docs/scoring.md)",
        "quantization loss from published measurements (Neural Magic, Qwen, llama.cpp KL "
        "divergence); speed and capacity add at most "
        f"{SPEED_POINTS * (2 if req.use_case == 'edge' else 1):g} and {CAPACITY_POINTS:g} points",
        f"memory, fit and speed from the planner with {req.engine}'s budget (docs/memory.md)",
    )


def _recommendation(
    catalog: Catalog, rank: int, c: Candidate, qm: QualityModel, req: Request
) -> Recommendation:
    model = c.model
    lics = catalog.licenses_of(model)
    flags = tuple(dict.fromkeys(f for lic in lics for f in license_flags(lic, model)))
    fmt = c.planner.format
    released = " (as released)" if c.planner.fmt is None else ""
    weights = weights_for(model, fmt.name, str(req.engine))
    reasons = [
        _quality_reason(c, qm, req.use_case),
        f"fits as {fmt.name}{released}: {c.per_gpu_gb:.1f} of {c.available_gb:.1f} GB per GPU "
        f"at {c.context:,} tokens; up to {c.max_context:,} tokens, {c.max_sequences:,} "
        "sequence(s) at once",
        f"decode ≈ {c.tps:,.1f} tokens/s per sequence (estimate)",
        "licence "
        + " + ".join(lic.id for lic in lics)
        + ": commercial use "
        + ", ".join(str(lic.commercial_use) for lic in lics),
    ]
    if req.languages:
        names = ", ".join(lang_names.name(code) for code in sorted(req.languages))
        reasons.append(f"officially supports {names} ({len(model.languages)} languages listed)")
    return Recommendation(
        rank=rank,
        model=model.id,
        name=model.name,
        quant=fmt.name + released,
        weights=weights.origin,
        weights_repo=weights.repo,
        total_gb=round(c.per_gpu_gb, 2),
        available_gb=round(c.available_gb, 2),
        fits=True,
        score=round(c.score, 2),
        quality=round(c.quality, 1) if c.quality is not None else None,
        decode_tokens_per_s=round(c.tps, 1),
        max_context_tokens=c.max_context,
        max_concurrent_sequences=c.max_sequences,
        license="+".join(lic.id for lic in lics),
        license_flags=flags,
        languages=model.languages,
        context_tokens=model.context_tokens,
        params=human_params(model.params_total_b)
        + (f" ({human_params(model.params_active_b)} active)" if model.params_active_b else ""),
        reasons=tuple(reasons),
        caveats=tuple(_caveats(catalog, c, qm, weights, req.engine)),
        terms=c.terms,
    )


def _quality_reason(c: Candidate, qm: QualityModel, use_case: str) -> str:
    if c.quality is None:
        return f"quality unknown for {use_case}: no result comparable with another model"
    obs = qm.observations(c.model)
    best = sorted(obs, key=lambda o: -o.z * o.weight)[:2]
    shown = "; ".join(
        f"{o.name} [{o.variant}] {o.value:g} vs peer mean {o.column_mean:.1f} (n={o.column_size})"
        for o in best
    )
    return f"quality {c.quality:.0f}th percentile for {use_case}: {shown}"


def _caveats(
    catalog: Catalog, c: Candidate, qm: QualityModel, weights: Weights, engine: Engine
) -> list[str]:
    out = []
    fmt = c.planner.format.name
    if weights.origin == "none":
        out.append(
            f"{c.model.vendor} published no {fmt} weights of {c.model.name}: "
            "serve a quantization you trust (llmpick deploy --repo)"
        )
    elif weights.origin == "engine-quantized" and engine == Engine.OLLAMA:
        out.append(
            f"no official {fmt} GGUF file: `ollama create --quantize` makes it from the "
            "safetensors, if Ollama's converter lists the checkpoint's architecture "
            "(docs/deploy.md)"
        )
    for lic in catalog.licenses_of(c.model):
        out += license_caveats(lic, c.model)
    lone = qm.lone.get(c.model.id, [])
    if lone:
        out.append(
            f"{len(lone)} benchmark result(s) have no peer with the same variant and were not "
            "used: " + ", ".join(f"{n} [{v}]" for n, v in lone[:4])
        )
    out.append(
        "speeds are estimates (memory bandwidth plus per-step costs fitted to published "
        "measurements); quality uses vendor-reported scores"
    )
    return out


def explain(catalog: Catalog, hw: Hardware, req: Request, model: ModelCard) -> Explanation:
    """Everything behind one model's place: its score terms, or why it was excluded."""
    check_runs_on(req.engine, hw.product)
    qm = fit_quality(catalog.models, req.use_case)
    cand: Candidate | None = None
    failure = hard_filter(catalog, model, req)
    if failure is None:
        fit = best_fit(model, hw, req, qm)
        if isinstance(fit, Failure):
            failure = fit
        else:
            cand = fit
    evidence = tuple(
        Evidence(
            name=o.name,
            variant=o.variant,
            value=o.value,
            peer_mean=round(o.column_mean, 2),
            sd=round(o.column_sd, 2),
            n=o.column_size,
            z=round(o.z, 3),
            offset=round(qm.alpha.get((o.name, o.variant), 0.0), 3),
            weight=round(o.weight, 3),
        )
        for o in qm.observations(model)
    )
    theta = qm.theta.get(model.id)
    weights = weights_for(model, cand.planner.format.name, req.engine) if cand else None
    return Explanation(
        model=model.id,
        excluded=failure is not None,
        constraint=failure.constraint if failure else None,
        reason=failure.reason if failure else None,
        score=round(cand.score, 2) if cand else None,
        quant=cand.planner.format.name if cand else None,
        weights=weights.origin if weights else None,
        weights_repo=weights.repo if weights else None,
        terms=cand.terms if cand else (),
        theta=round(theta, 3) if theta is not None else None,
        evidence=evidence,
        not_comparable=tuple(f"{n} [{v}]" for n, v in qm.lone.get(model.id, [])),
    )
