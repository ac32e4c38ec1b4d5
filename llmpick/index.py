"""The catalog index: the facts ranking reads of every model, without building every card.

Ranking thousands of models cannot afford a full model record for each (building one costs
~100 us; a user catalog of 16,000 models would spend seconds before any arithmetic). The index
holds, per model, the hard-filter fields, the architecture numbers (`Dims`), the parameter
counts by weight slot (`SlotCounts`), and the quality fit of every use case. It is built from
the validated cards, stored in the catalog cache, and read back as plain tuples. The sizing
arithmetic is the planner's own (`Sizing`), so a row and its card always agree; the recommender
screens every row, then builds cards only for the models that can reach its top places.
"""

import math
import pickle
from collections.abc import Sequence
from typing import Any, NamedTuple

from llmpick.engines import Engine
from llmpick.hardware import Hardware
from llmpick.memory import (
    Dims,
    Layout,
    Sizing,
    SlotCounts,
    WeightSplit,
    dims_of,
    hf_bits_and_scope,
    hf_split,
    kv_shape_of,
    layout_for,
    per_gpu_bytes,
    slot_counts,
)
from llmpick.quality import USE_CASES, QualityModel, fit_quality
from llmpick.quant import Format
from llmpick.records import Dtype, Gpu, Modality, ModelCard


class Row(NamedTuple):
    """One model's ranking facts (the ModelFacts protocol, plus sizing numbers)."""

    id: str
    name: str
    aliases: tuple[str, ...]
    ollama_tag: str | None
    license: str
    upstream_licenses: tuple[str, ...]
    languages: tuple[str, ...]
    languages_note: str | None
    modalities: tuple[Modality, ...]
    context_tokens: int
    params_total_b: float
    native_dtype: Dtype
    native_dtype_scope: str
    fp8_kind: str | None
    model_type: str | None
    quantized: tuple[str, ...]  # the formats of the vendor's quantized releases
    dims: Dims
    counts: SlotCounts


def row_of(model: ModelCard, shared: dict[object, object] | None = None) -> Row:
    """A model's row; `shared` makes equal values one object, which the cache pickles once
    (16,000 models list the same few dozen language codes)."""
    pool: dict[object, object] = {} if shared is None else shared

    def one(value: object) -> Any:
        return pool.setdefault(value, value)

    return Row(
        id=model.id,
        name=model.name,
        aliases=model.aliases,
        ollama_tag=model.ollama_tag,
        license=one(model.license),
        upstream_licenses=one(model.upstream_licenses),
        languages=one(tuple(one(code) for code in model.languages)),
        languages_note=model.languages_note,
        modalities=one(model.modalities),
        context_tokens=model.context_tokens,
        params_total_b=model.params_total_b,
        native_dtype=model.native_dtype,
        native_dtype_scope=model.native_dtype_scope,
        fp8_kind=model.fp8_kind,
        model_type=model.model_type,
        quantized=one(tuple(model.quantized)),
        dims=dims_of(model.architecture),
        counts=slot_counts(model.architecture),
    )


# Engines whose formats are Hugging Face checkpoints: their weights follow from slot counts.
# llama.cpp and Ollama quantize per layer (GGUF mixes), which needs the full card.
HF_ENGINES = frozenset(
    {Engine.VLLM, Engine.SGLANG, Engine.LMDEPLOY, Engine.TGI, Engine.TRANSFORMERS}
)


def split(row: Row, fmt: Format | None, gpu: Gpu) -> WeightSplit:
    """Weight bytes by slot for one row in one Hugging Face format (as split_weights)."""
    bits, scope = hf_bits_and_scope(row.native_dtype.value, row.native_dtype_scope, fmt, gpu.fp4)
    return hf_split(row.counts, bits, scope)


def contenders(
    formats: Sequence[tuple[Format | None, float, str]],
) -> list[tuple[Format | None, float, str]]:
    """The (format, bits, scope) triples that can be the lightest, in their order: per scope,
    the first with the fewest bits. Bytes per GPU grow with bits for a fixed scope (per_gpu_bytes
    is linear in the quantized bytes, with positive weights), so no other triple can be lighter,
    and the first of equals is kept, as `lightest` keeps it."""
    fewest: dict[str, tuple[float, int]] = {}
    for i, (_, bits, scope) in enumerate(formats):
        if scope not in fewest or bits < fewest[scope][0]:
            fewest[scope] = (bits, i)
    return [formats[i] for i in sorted(i for _, i in fewest.values())]


def lightest(
    row: Row, formats: Sequence[tuple[Format | None, float, str]], layout: Layout
) -> Format | None:
    """The format with the fewest weight bytes on the busiest GPU (the first of equals), from
    (format, bits, scope) triples: weights_per_gpu(split(...)) without building splits."""
    c = row.counts
    best_fmt: Format | None = None
    best = math.inf
    for fmt, bits, scope in formats:
        q = c.layers_experts if scope == "experts" else c.layers_linear
        kv_bits = 16.0 if scope == "experts" else bits
        size = per_gpu_bytes(
            q * bits / 8 + (c.layers - q) * 2,
            c.kv_proj * kv_bits / 8,
            c.embed * 2.0,
            c.head * 2.0,
            c.encoder * 2.0,
            row.dims,
            layout,
        )
        if size < best:
            best, best_fmt = size, fmt
    return best_fmt


def sizing(
    row: Row,
    fmt: Format | None,
    hw: Hardware,
    engine: Engine,
    kv_dtype: str,
    layout: Layout | None = None,
) -> Sizing:
    """The planner's numbers for one row in one format (Hugging Face engines only); `layout`
    if the caller already has it (it depends only on the heads, the GPUs and the engine)."""
    layout = layout or layout_for(row.dims.heads, hw, engine)
    return Sizing(
        hw=hw,
        engine=engine,
        layout=layout,
        weights=split(row, fmt, hw.gpu),
        kv=kv_shape_of(row.dims, kv_dtype, engine, layout.tp),
        dims=row.dims,
        context_tokens=row.context_tokens,
    )


class Index:
    """Rows in catalog order, and each use case's quality fit (built on first use)."""

    def __init__(self, models: tuple[ModelCard, ...]) -> None:
        shared: dict[object, object] = {}
        self.rows = tuple(row_of(m, shared) for m in models)
        self._models = models
        self._quality: dict[str, QualityModel] = {}
        self._quality_blobs: dict[str, bytes] = {}

    def quality(self, use_case: str) -> QualityModel:
        if use_case not in self._quality:
            blob = self._quality_blobs.get(use_case)
            if blob is not None:
                self._quality[use_case] = pickle.loads(blob)  # noqa: S301 - our own cache
            else:
                self._quality[use_case] = fit_quality(self._models, use_case)
        return self._quality[use_case]

    def __getstate__(self) -> dict[str, object]:
        """For the cache: every use case fitted now, each kept as bytes and unpickled only
        when a run asks for that use case."""
        blobs = {
            uc: self._quality_blobs.get(uc)
            or pickle.dumps(self.quality(uc), protocol=pickle.HIGHEST_PROTOCOL)
            for uc in USE_CASES
        }
        return {"rows": self.rows, "quality_blobs": blobs}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.rows = state["rows"]  # type: ignore[assignment]
        self._quality_blobs = state["quality_blobs"]  # type: ignore[assignment]
        self._quality = {}
        self._models = ()
