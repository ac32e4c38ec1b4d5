"""The planner's arithmetic: weights, KV cache, activations and overhead per GPU, and speed.

Pure functions over catalog records; every figure keeps its parts so `plan --explain` and the JSON
can show how it was reached. GB means 10^9 bytes. Formulas and sources: docs/memory.md.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cache, cached_property, lru_cache
from typing import NamedTuple

from llmpick.engines import (
    APPLE_GPU_SHARE,
    BANDWIDTH_EFFICIENCY,
    DRIVER_VISIBLE,
    KV_BYTES,
    LAYER_FLOOR_S,
    MOE_S_PER_LAYER,
    PREFILL_MFU,
    PROFILES,
    STEP_FIXED_S,
    TP_SYNC_S_PER_LAYER,
    Engine,
    EngineProfile,
)
from llmpick.hardware import GPUS_PER_NODE, Hardware
from llmpick.params import ATTN_K, ATTN_V, EMBED, ENCODER, OUTPUT, TensorGroup, tensor_groups
from llmpick.quant import (
    FORMATS,
    Format,
    dtype_format,
    is_quantized_in_hf,
    native_format,
    weight_bytes,
)
from llmpick.records import Architecture, Dtype, Gpu, ModelCard, ModelFacts

GB = 1e9
DEFAULT_CONTEXT = 8192
LORA_RANK = 16


class Mode(StrEnum):
    INFERENCE = "inference"
    LORA = "lora"
    QLORA = "qlora"
    FULL = "full"


@dataclass(frozen=True)
class Layout:
    """How the model is split: tensor-parallel ranks x pipeline stages (layer groups)."""

    tp: int
    pp: int

    @property
    def gpus(self) -> int:
        return self.tp * self.pp


def choose_layout(model: ModelCard, hw: Hardware, engine: Engine, mode: Mode) -> Layout:
    """All GPUs in one instance: tensor parallel inside a node (the TP size must divide the
    attention heads, as vLLM checks), pipeline stages across nodes or for leftover GPUs.
    llama.cpp and transformers split layers across GPUs instead (no tensor parallelism)."""
    if mode != Mode.INFERENCE:
        return Layout(tp=1, pp=1)  # data parallel / ZeRO: every GPU runs the whole model
    return layout_for(model.architecture.attention_heads, hw, engine)


def layout_for(heads: int, hw: Hardware, engine: Engine) -> Layout:
    """Inference layout for a model with this many attention heads."""
    if PROFILES[engine].layer_split or hw.count == 1:
        return Layout(tp=1, pp=hw.count)
    per_node = hw.gpus_per_node
    tp = max(t for t in (1, 2, 4, 8, 16) if t <= per_node and per_node % t == 0 and heads % t == 0)
    return Layout(tp=tp, pp=hw.count // tp)


# --- weights --------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeightSplit:
    """Weight bytes of the whole model by where they live."""

    layers: float  # per-layer tensors (attention, MLP, experts, norms...)
    kv_proj: float  # k/v projections (replicated when TP exceeds the KV heads)
    embed: float
    head: float
    encoder: float
    experts: float  # routed experts only (subset of `layers`), for speed maths
    host_embed: bool  # llama.cpp keeps input embeddings in host memory

    @property
    def total(self) -> float:
        return self.layers + self.kv_proj + self.embed + self.head + self.encoder


def _is_gguf_mxfp4(fmt: Format, engine: Engine) -> bool:
    return fmt.name == "mxfp4" and engine in (Engine.LLAMA_CPP, Engine.OLLAMA)


# vLLM loads MXFP4 on GPUs without FP4 units through its Marlin weight-only path, which keeps one
# 16-bit scale per 32 weights: gpt-oss-120b "Model loading took 64.38 GiB" on an H100 (vllm
# issue #33155) against a 60.7 GiB checkpoint. 4 + 16/32 bits per weight.
MARLIN_MXFP4 = Format("mxfp4", FORMATS["mxfp4"].kind, 4 + 16 / 32, "", "MXFP4 via Marlin")


def split_weights(
    model: ModelCard, fmt: Format | None, engine: Engine, gpu: Gpu | None = None
) -> WeightSplit:
    """Weight bytes for a model in a format (None: as released), grouped for sharding."""
    arch = model.architecture
    effective = fmt or native_format(model)
    gguf_mxfp4 = _is_gguf_mxfp4(effective, engine)
    host = engine in (Engine.LLAMA_CPP, Engine.OLLAMA) and not arch.tied_embeddings
    if effective.is_gguf or gguf_mxfp4:
        groups = tensor_groups(arch)
        sizes = weight_bytes(model, FORMATS["mxfp4"] if gguf_mxfp4 else fmt, gguf_mxfp4)
        acc = dict.fromkeys(("layers", "kv_proj", "embed", "head", "encoder", "experts"), 0.0)
        for group, size in zip(groups, sizes, strict=True):
            acc[_slot(group)] += size
            if group.expert:
                acc["experts"] += size
        return WeightSplit(host_embed=host, **acc)
    fp4 = None if gpu is None else gpu.fp4
    bits, scope = hf_bits_and_scope(model.native_dtype.value, model.native_dtype_scope, fmt, fp4)
    return hf_split(slot_counts(arch), bits, scope, host)


@lru_cache(maxsize=1024)
def hf_bits_and_scope(
    native_dtype: str, native_scope: str, fmt: Format | None, fp4: bool | None
) -> tuple[float, str]:
    """Bits per quantized weight, and which weights are quantized ("linear" or "experts"), for a
    Hugging Face format (None: the checkpoint as released)."""
    if fmt is None:
        native = dtype_format(native_dtype)
        if native.name != "mxfp4":
            return native.bits, "linear" if native.name == "bf16" else native_scope
        fmt = native
    if fmt.name == "mxfp4" and fp4 is False:  # a known GPU without FP4 units
        fmt = MARLIN_MXFP4
    scope = "experts" if fmt.name == "mxfp4" and native_scope == "experts" else "linear"
    return fmt.bits, scope


class SlotCounts(NamedTuple):
    """Parameters by weight slot, and how many a Hugging Face format quantizes."""

    layers: int
    layers_linear: int  # quantized when every linear layer is (scope "linear")
    layers_experts: int  # quantized when only the experts are (scope "experts")
    kv_proj: int
    embed: int
    head: int
    encoder: int
    experts: int  # routed experts (inside `layers`)


@lru_cache(maxsize=65536)
def slot_counts(arch: Architecture) -> SlotCounts:
    counts = dict.fromkeys(("layers", "layers_linear", "layers_experts", "kv_proj"), 0)
    counts |= dict.fromkeys(("embed", "head", "encoder", "experts"), 0)
    for g in tensor_groups(arch):
        slot = _slot(g)
        counts[slot] += g.count
        if slot == "layers":
            counts["layers_linear"] += g.count if is_quantized_in_hf(g, "linear") else 0
            counts["layers_experts"] += g.count if is_quantized_in_hf(g, "experts") else 0
        if g.expert:
            counts["experts"] += g.count
    return SlotCounts(**counts)


def hf_split(c: SlotCounts, bits: float, scope: str, host_embed: bool = False) -> WeightSplit:
    """Bytes per slot: quantized parameters at `bits`, the rest (embeddings, head, norms,
    routers, encoder; everything but the experts under scope "experts") at 16 bits."""
    q = c.layers_experts if scope == "experts" else c.layers_linear
    kv_bits = 16.0 if scope == "experts" else bits
    return WeightSplit(
        layers=q * bits / 8 + (c.layers - q) * 2,
        kv_proj=c.kv_proj * kv_bits / 8,
        embed=c.embed * 2.0,
        head=c.head * 2.0,
        encoder=c.encoder * 2.0,
        experts=c.experts * bits / 8,
        host_embed=host_embed,
    )


def _slot(group: TensorGroup) -> str:
    if group.role == EMBED:
        return "embed"
    if group.role == OUTPUT:
        return "head"
    if group.role == ENCODER:
        return "encoder"
    if group.role in (ATTN_K, ATTN_V):
        return "kv_proj"
    return "layers"


def weights_per_gpu(w: WeightSplit, dims: "Dims", layout: Layout) -> float:
    """The busiest GPU's share: layers split across stages and ranks; K/V projections replicated
    when TP exceeds the KV heads; embeddings on the first stage, the head on the last."""
    embed = 0.0 if w.host_embed else w.embed
    return per_gpu_bytes(w.layers, w.kv_proj, embed, w.head, w.encoder, dims, layout)


def per_gpu_bytes(
    layers: float,
    kv_proj: float,
    embed: float,
    head: float,
    encoder: float,
    dims: "Dims",
    layout: Layout,
) -> float:
    tp, pp = layout.tp, layout.pp
    kv_share = -(-dims.kv_heads // tp) / dims.kv_heads if dims.attention == "full" else 1 / tp
    ends = max(embed + encoder, head) if pp > 1 else embed + encoder + head
    return (layers / tp + kv_proj * kv_share) / pp + ends / tp


# --- KV cache -------------------------------------------------------------------------------


@dataclass(frozen=True)
class KvShape:
    """Bytes of cache per token (full and windowed layers) and per sequence (fixed state)."""

    full_per_token: float  # layers that keep every token
    window_per_token: float  # sliding-window layers: keep at most `window` tokens
    window: int
    state_per_seq: float  # linear-attention layers: constant state per sequence
    kind: str  # "gqa" | "mla-latent" | "mla-expanded"
    tp_shard: float  # share of the cache one TP rank holds
    lines: tuple[str, ...] = field(default=(), compare=False)

    def total(self, context: int, batch: int) -> float:
        """Whole-model cache bytes for `batch` sequences of `context` tokens."""
        windowed = min(context, self.window) if self.window else 0
        return batch * (
            self.full_per_token * context + self.window_per_token * windowed + self.state_per_seq
        )


class DecodeStep(NamedTuple):
    """One decode step's time in parts (seconds)."""

    bandwidth_s: float  # weights and caches read at the engine's share of the bandwidth
    fixed_s: float  # per step, whatever the model (scheduling, sampling, launches)
    tp_sync_s: float  # all-reduces, per layer, under tensor parallelism
    moe_s: float  # routing and expert dispatch, per MoE layer
    floor_s: float  # eager engines: the per-layer launch time the step cannot beat

    @property
    def total_s(self) -> float:
        return max(self.bandwidth_s + self.fixed_s + self.tp_sync_s + self.moe_s, self.floor_s)


class Dims(NamedTuple):
    """The architecture numbers the memory and speed maths use (per model, format-free)."""

    heads: int
    kv_heads: int
    head_dim: int
    hidden: int
    vocab: int
    attention: str  # "full" | "mla"
    mlp_width: float  # the MLP width a token touches
    moe: tuple[int, int] | None  # (experts, experts per token)
    gqa_unit: int  # K+V elements per token per layer: 2 x KV heads x head dim
    latent_unit: int  # MLA latent elements per token per layer (0 without MLA)
    expanded_unit: int  # MLA expanded per head, all heads (0 without MLA)
    attention_layers: int
    windowed_layers: int
    window: int
    state_per_seq: float  # linear-attention state, bytes per sequence (16-bit)
    layers: int
    moe_layers: int


@lru_cache(maxsize=65536)
def dims_of(arch: Architecture) -> Dims:
    mla = arch.mla
    lin = arch.linear_attention
    state = 0.0
    if lin is not None:
        k_width = lin.key_heads * lin.key_head_dim
        v_width = lin.heads * lin.value_head_dim
        conv = (2 * k_width + v_width) if lin.kind == "gated-deltanet" else (v_width + 2 * k_width)
        per_seq_layer = (lin.heads * lin.key_head_dim * lin.value_head_dim) * 2 + (
            conv * max(lin.conv_kernel - 1, 0) * 2
        )
        state = per_seq_layer * lin.layers
    return Dims(
        heads=arch.attention_heads,
        kv_heads=arch.kv_heads,
        head_dim=arch.head_dim,
        hidden=arch.hidden_size,
        vocab=arch.vocab_size,
        attention=arch.attention,
        mlp_width=_mlp_width(arch),
        moe=(arch.moe.experts, arch.moe.experts_per_token) if arch.moe else None,
        gqa_unit=2 * arch.kv_heads * arch.head_dim,
        latent_unit=mla.kv_lora_rank + mla.qk_rope_head_dim if mla else 0,
        expanded_unit=(
            arch.attention_heads * (mla.qk_nope_head_dim + mla.qk_rope_head_dim + mla.v_head_dim)
            if mla
            else 0
        ),
        attention_layers=arch.attention_layers,
        windowed_layers=arch.windowed_layers,
        window=arch.sliding_window or 0,
        state_per_seq=state,
        layers=arch.layers,
        moe_layers=arch.layers - arch.moe.dense_layers if arch.moe else 0,
    )


def kv_shape_of(dims: Dims, kv_dtype: str, engine: Engine, tp: int) -> KvShape:
    """Cache per token by layer kind; MLA caches its latent, sliding layers cap at the window,
    linear-attention layers hold a constant state."""
    b = KV_BYTES[kv_dtype]
    if dims.attention == "mla" and PROFILES[engine].mla_latent_cache:
        per_layer = dims.latent_unit * b
        kind, shard = "mla-latent", 1.0  # the latent is shared by all heads: every rank keeps it
    elif dims.attention == "mla":
        per_layer = dims.expanded_unit * b
        kind, shard = "mla-expanded", 1.0 / tp
    else:
        per_layer = dims.gqa_unit * b
        kind, shard = "gqa", -(-dims.kv_heads // tp) / dims.kv_heads
    window = dims.window
    if window and engine in (Engine.LLAMA_CPP, Engine.OLLAMA):
        window += 512  # llama.cpp's SWA cache keeps window + ubatch tokens
    n_attn, n_win = dims.attention_layers, dims.windowed_layers
    return KvShape(
        full_per_token=per_layer * (n_attn - n_win),
        window_per_token=per_layer * n_win,
        window=window,
        state_per_seq=dims.state_per_seq,
        kind=kind,
        tp_shard=shard,
    )


def kv_shape(model: ModelCard, kv_dtype: str, engine: Engine, tp: int) -> KvShape:
    """kv_shape_of, with the sentences that explain it."""
    arch = model.architecture
    shape = kv_shape_of(dims_of(arch), kv_dtype, engine, tp)
    b = KV_BYTES[kv_dtype]
    lines = []
    if shape.kind == "mla-latent" and arch.mla is not None:
        lines.append(
            f"MLA latent: ({arch.mla.kv_lora_rank} + {arch.mla.qk_rope_head_dim}) x {b:g} B "
            f"= {arch.mla.kv_lora_rank * b + arch.mla.qk_rope_head_dim * b:g} B per token per "
            "layer, kept whole on every TP rank"
        )
    elif shape.kind == "mla-expanded" and arch.mla is not None:
        m = arch.mla
        lines.append(
            f"{engine} caches MLA expanded per head: {arch.attention_heads} x "
            f"({m.qk_nope_head_dim} + {m.qk_rope_head_dim} + {m.v_head_dim}) x {b:g} B "
            f"= {dims_of(arch).expanded_unit * b:,.0f} B per token per layer"
        )
    else:
        lines.append(
            f"K+V: 2 x {arch.kv_heads} KV heads x {arch.head_dim} x {b:g} B "
            f"= {2 * arch.kv_heads * arch.head_dim * b:,.0f} B per token per layer"
        )
    if arch.windowed_layers:
        lines.append(
            f"{arch.windowed_layers} of {arch.attention_layers} attention layers keep at most "
            f"{shape.window:,} tokens"
        )
    lin = arch.linear_attention
    if lin is not None:
        per_seq_layer = shape.state_per_seq / lin.layers
        lines.append(
            f"{lin.layers} {lin.kind} layers: constant state {per_seq_layer / 1e6:.2f} MB "
            "per sequence per layer (16-bit), whatever the context"
        )
    return replace(shape, lines=tuple(lines))


# --- activations ----------------------------------------------------------------------------


def _mlp_width(arch: Architecture, tokens_per_expert_share: float = 1.0) -> float:
    """The MLP intermediate width a token touches (dense width, or top-k experts + shared)."""
    moe = arch.moe
    if moe is None:
        return float(arch.intermediate_size or 0)
    shared = (
        moe.shared_expert_intermediate_size or moe.shared_experts * moe.expert_intermediate_size
    )
    routed = moe.experts_per_token * moe.expert_intermediate_size * tokens_per_expert_share
    return max(routed + shared, float(arch.intermediate_size or 0) if moe.dense_layers else 0.0)


def activation_bytes(
    model: ModelCard, profile: EngineProfile, gpu: Gpu, tp: int, prompt_tokens: int, batch: int
) -> tuple[float, str]:
    """Peak transient memory of one forward pass on one GPU, and how it was reached.

    Layers run one after another, so the peak is the widest layer's intermediates plus the
    residual stream, not a sum over layers. Chunked-prefill engines bound the tokens per step;
    transformers runs the whole prompt at once.
    """
    arch = model.architecture
    h = arch.hidden_size
    q_width = arch.attention_heads * arch.head_dim
    kv_width = arch.kv_heads * arch.head_dim
    vocab = arch.vocab_size
    mlp: float
    attn: float
    if profile.prefill == "full":
        tokens = prompt_tokens * batch
        # gate, up and their product coexist (3 x T x i x 2 B); transformers computes logits for
        # the last token only during generate (logits_to_keep=1).
        mlp = 3 * tokens * _mlp_width(arch) * 2
        attn = tokens * (2 * q_width + 2 * kv_width) * 2
        hidden = 4 * tokens * h * 2
        logits = batch * vocab * 4
        what = f"whole prompt at once: {tokens:,} tokens"
    elif profile.prefill == "ubatch":
        tokens = min(profile.prefill_tokens(gpu), prompt_tokens * batch)
        # ggml keeps f32 intermediates; the graph is reserved for a full ubatch of outputs.
        mlp = tokens * 3 * _mlp_width(arch) * 4
        attn = tokens * (2 * q_width + 2 * kv_width) * 4
        hidden = 4 * tokens * h * 4
        logits = tokens * vocab * 4
        what = f"compute buffer for a ubatch of {tokens:,} tokens (f32)"
    else:
        tokens = min(profile.prefill_tokens(gpu), prompt_tokens * batch)
        # fused gate_up output (2i), its activation (i); per rank under TP.
        mlp = tokens * 3 * _mlp_width(arch) * 2 / tp
        attn = tokens * (2 * q_width + 2 * kv_width) * 2 / tp
        hidden = 4 * tokens * h * 2
        logits = profile.max_num_seqs(gpu) * vocab * 4
        what = f"chunked prefill of {tokens:,} tokens per step"
    total = max(mlp, attn) + hidden + logits
    return total, f"{what}: intermediates {max(mlp, attn) / GB:.2f} GB + residual stream " + (
        f"{hidden / GB:.2f} GB + logits {logits / GB:.2f} GB"
    )


# --- the estimate ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Estimate:
    """Per-GPU figures for the busiest GPU (GB), and whole-deployment sums."""

    weights_gb: float
    kv_gb: float
    activation_gb: float
    overhead_gb: float
    per_gpu_gb: float
    per_gpu_available_gb: float
    layout: Layout
    gpus: int
    weights_total_gb: float
    kv_total_gb: float

    @property
    def fits(self) -> bool:
        return self.per_gpu_gb <= self.per_gpu_available_gb

    @property
    def headroom_gb(self) -> float:
        return self.per_gpu_available_gb - self.per_gpu_gb


def gpu_capacity_gb(gpu: Gpu) -> float:
    """Memory a process can use on this GPU, GB."""
    share = APPLE_GPU_SHARE if gpu.kind == "apple" else DRIVER_VISIBLE
    return gpu.memory_gb * share


@dataclass(frozen=True)
class _Fixed:
    """A planner's constants: GB, and activation bytes per token, per sequence and fixed."""

    weights: float
    kv_scale: float
    act_per_token: float
    act_per_seq: float
    act_const: float
    chunk: int  # prompt tokens per prefill step (0: the whole prompt at once)
    full_prefill: bool
    capacity: float
    reserved: float
    overhead: float
    sglang: bool
    free_budget: bool
    fraction: float


@dataclass(frozen=True)
class Sizing:
    """The numbers behind a plan: fits, capacity, speed. Built from a model card (Planner) or
    from the catalog index's precomputed figures, so both paths share one arithmetic."""

    hw: Hardware
    engine: Engine
    layout: Layout
    weights: WeightSplit
    kv: KvShape
    dims: Dims
    context_tokens: int  # the model's maximum

    @cached_property
    def _fixed(self) -> _Fixed:
        """What does not change with context and batch, computed once."""
        profile = PROFILES[self.engine]
        gpu = self.hw.gpu
        d = self.dims
        tp = self.layout.tp
        widths = (2 * d.heads + 2 * d.kv_heads) * d.head_dim
        mlp = d.mlp_width
        per_token: float
        per_seq: float
        const: float
        if profile.prefill == "full":
            per_token = max(6 * mlp, 2 * widths) + 8 * d.hidden
            per_seq = 4.0 * d.vocab
            const = 0.0
        elif profile.prefill == "ubatch":  # ggml's f32 buffers, reserved for a full ubatch
            per_token = max(12 * mlp, 4 * widths) + 16 * d.hidden + 4 * d.vocab
            per_seq = const = 0.0
        else:  # chunked: per rank under TP; logits sampled for the profile run's sequences
            per_token = max(6 * mlp, 2 * widths) / tp + 8 * d.hidden
            per_seq = 0.0
            const = profile.max_num_seqs(gpu) * d.vocab * 4.0
        return _Fixed(
            weights=weights_per_gpu(self.weights, d, self.layout) / GB,
            kv_scale=self.kv.tp_shard / self.layout.pp / GB,
            act_per_token=per_token,
            act_per_seq=per_seq,
            act_const=const,
            chunk=profile.prefill_tokens(gpu) if profile.prefill != "full" else 0,
            full_prefill=profile.prefill == "full",
            capacity=gpu_capacity_gb(gpu),
            reserved=profile.reserved_gb(gpu),
            overhead=profile.runtime_overhead_gb(tp),
            sglang=self.engine == Engine.SGLANG,
            free_budget=profile.budget == "free",
            fraction=profile.budget_fraction,
        )

    def need(
        self, context: int, batch: int, prompt_tokens: int | None = None
    ) -> tuple[float, float, float, float, float]:
        """(per-GPU GB, usable GB, KV GB, activation GB, overhead GB) for `batch` sequences of
        `context` tokens (the prompt defaults to all of it)."""
        f = self._fixed
        kv = self.kv.total(context, batch) * f.kv_scale
        prompt = prompt_tokens or context
        tokens = prompt * batch if f.chunk == 0 else min(f.chunk, prompt * batch)
        activation = (tokens * f.act_per_token + batch * f.act_per_seq + f.act_const) / GB
        overhead = f.overhead
        reserved = f.reserved
        if f.full_prefill:
            # The prefill peak holds the prompt's cache plus the intermediates; the end of
            # generation holds the whole cache. Count what the prefill adds beyond the latter.
            kv_prompt = self.kv.total(prompt, batch) * f.kv_scale
            activation = max(0.0, kv_prompt + activation - kv)
        if f.sglang:
            # Activations, CUDA graphs and the runtime live in SGLang's reserved share.
            activation = max(activation, reserved - overhead)
            reserved = 0.0
        overhead += reserved
        per_gpu = f.weights + kv + activation + overhead
        if f.free_budget:
            free = f.capacity - f.weights - activation - overhead
            available = f.weights + activation + overhead + f.fraction * max(free, 0.0)
        else:
            available = f.capacity * f.fraction
        return per_gpu, available, kv, activation, overhead

    def fits(self, context: int, batch: int, prompt_tokens: int | None = None) -> bool:
        per_gpu, available, *_ = self.need(context, batch, prompt_tokens)
        return per_gpu <= available

    def max_context(self, batch: int) -> int:
        """The longest context (up to the model's maximum) that fits with `batch` sequences."""
        return largest(lambda c: self.fits(c, batch), 1, self.context_tokens)

    def max_batch(self, context: int, limit: int = 4096) -> int:
        """How many sequences of `context` tokens fit at once.

        Memory grows linearly with the sequences (a kink where chunked prefill saturates), so
        a straight line through 1 and 2 sequences lands at or near the answer: start there."""
        need1, avail1, *_ = self.need(context, 1, context)
        if need1 > avail1:
            return 0
        need2, avail2, *_ = self.need(context, 2, context)
        slope = (need2 - avail2) - (need1 - avail1)
        guess = limit if slope <= 0 else 1 + int((avail1 - need1) / slope)
        return largest(lambda b: self.fits(context, b, context), 1, limit, guess)

    def decode_tokens_per_s(self, context: int, batch: int) -> float:
        """Per-sequence decode speed: one token per sequence each step."""
        return 1 / self.decode_step(context, batch).total_s

    def decode_step(self, context: int, batch: int) -> "DecodeStep":
        """The time of one decode step, in parts: reading memory at the engine's share of the
        bandwidth, plus the costs fitted to measurements (engines.STEP_FIXED_S and after)."""
        read = self.bytes_read_per_step(context, batch)
        bw = self.hw.gpu.bandwidth_gb_s * GB * BANDWIDTH_EFFICIENCY[self.engine] * self.layout.tp
        fixed = STEP_FIXED_S.get(self.engine)
        dims = self.dims
        return DecodeStep(
            bandwidth_s=read / bw,
            fixed_s=fixed or 0.0,
            tp_sync_s=TP_SYNC_S_PER_LAYER * dims.layers if fixed and self.layout.tp > 1 else 0.0,
            moe_s=MOE_S_PER_LAYER * dims.moe_layers if fixed else 0.0,
            floor_s=LAYER_FLOOR_S.get(self.engine, 0.0) * dims.layers,
        )

    def bytes_read_per_step(self, context: int, batch: int) -> float:
        """Weights a decode step reads (all but the input embedding; MoE: the experts the batch
        touches) plus every sequence's cache."""
        w = self.weights
        weights = w.total - w.embed - w.encoder
        moe = self.dims.moe
        if moe is not None and w.experts:
            experts, per_token = moe
            touched = 1 - (1 - per_token / experts) ** batch
            weights -= w.experts * (1 - touched)
        return weights + self.kv.total(context, batch)


@dataclass(frozen=True)
class Planner(Sizing):
    """Everything fixed for one model, format, engine and hardware; vary context and batch."""

    model: ModelCard
    fmt: Format | None
    kv_dtype: str

    @classmethod
    def build(
        cls,
        model: ModelCard,
        hw: Hardware,
        fmt: Format | None,
        engine: Engine,
        kv_dtype: str = "auto",
    ) -> "Planner":
        layout = choose_layout(model, hw, engine, Mode.INFERENCE)
        return cls(
            hw=hw,
            engine=engine,
            layout=layout,
            weights=split_weights(model, fmt, engine, hw.gpu),
            kv=kv_shape(model, kv_dtype, engine, layout.tp),
            dims=dims_of(model.architecture),
            context_tokens=model.context_tokens,
            model=model,
            fmt=fmt,
            kv_dtype=kv_dtype,
        )

    @property
    def format(self) -> Format:
        return self.fmt or native_format(self.model)

    def estimate(self, context: int, batch: int, prompt_tokens: int | None = None) -> Estimate:
        """Memory for `batch` sequences of `context` tokens (the prompt defaults to all of it)."""
        per_gpu, available, kv, activation, overhead = self.need(context, batch, prompt_tokens)
        return Estimate(
            weights_gb=self._fixed.weights,
            kv_gb=kv,
            activation_gb=activation,
            overhead_gb=overhead,
            per_gpu_gb=per_gpu,
            per_gpu_available_gb=available,
            layout=self.layout,
            gpus=self.hw.count,
            weights_total_gb=self.weights.total / GB,
            kv_total_gb=self.kv.total(context, batch) / GB,
        )

    def prefill_tokens_per_s(self, prompt_tokens: int) -> float | None:
        """Prompt processing speed from FLOPs: 2 x active params + attention, at an assumed MFU."""
        gpu = self.hw.gpu
        fp8 = self.format.name in ("fp8",) and gpu.fp8 and gpu.fp8_tflops
        tflops = gpu.fp8_tflops if fp8 else (gpu.bf16_tflops or gpu.fp16_tflops)
        if not tflops:
            return None
        arch = self.model.architecture
        q_width = arch.attention_heads * arch.head_dim
        flops_per_token = 2 * active_params(self.model) + 2 * prompt_tokens * q_width * (
            arch.attention_layers
        )
        rate = tflops * 1e12 * PREFILL_MFU * self.layout.gpus
        return rate / flops_per_token


def active_params(model: ModelCard) -> float:
    """Parameters a token runs through (computed from the architecture)."""
    return _active(model.architecture)


@lru_cache(maxsize=8192)
def _active(arch: Architecture) -> float:
    from llmpick.params import count_params

    return float(count_params(arch).active(arch))


def largest(ok: Callable[[int], bool], lo: int, hi: int, guess: int | None = None) -> int:
    """The largest n in [lo, hi] with ok(n) (ok is monotone: true then false); 0 if none.

    With a guess, the search brackets the answer around it first (exponential steps), so a
    good guess costs two or three calls instead of a dozen."""
    if hi < lo or not ok(lo):
        return 0
    if guess is not None and lo < guess < hi:
        step = 1
        if ok(guess):  # gallop up: ok(lo) holds throughout
            lo = guess
            while True:
                nxt = lo + step
                if nxt >= hi:
                    if ok(hi):
                        return hi
                    break
                if not ok(nxt):
                    hi = nxt
                    break
                lo, step = nxt, step * 2
        else:  # gallop down: ok(hi) fails throughout
            hi = guess
            while (nxt := hi - step) > lo:
                if ok(nxt):
                    lo = nxt
                    break
                hi, step = nxt, step * 2
    elif ok(hi):
        return hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            lo = mid
        else:
            hi = mid
    return lo


def default_context(model: ModelFacts) -> int:
    """A realistic serving context when none is given: 8192, or less for a shorter model."""
    return min(DEFAULT_CONTEXT, model.context_tokens)


def formats_for(model: ModelFacts, engine: Engine) -> list[Format | None]:
    """Formats the engine can load, the checkpoint's own first (None)."""
    return list(formats_for_dtype(model.native_dtype, engine))


@cache
def formats_for_dtype(native_dtype: Dtype, engine: Engine) -> tuple[Format | None, ...]:
    profile = PROFILES[engine]
    native = dtype_format(native_dtype)
    out: list[Format | None] = []
    if native.name in profile.formats:
        out.append(None)
    for name in profile.formats:
        fmt = FORMATS[name.lower()]
        if fmt.name == "mxfp4" and native_dtype != "mxfp4":
            continue  # MXFP4 checkpoints exist only where the vendor ships them
        if fmt == native and None in out:
            continue
        out.append(fmt)
    return tuple(out)


# --- replicas ------------------------------------------------------------------------------


def replica_sizes(count: int) -> list[int]:
    """GPUs per replica to try, smallest first: divisors of the count within a node, then
    whole nodes (a replica never straddles a node unless it needs several)."""
    within = [g for g in range(1, min(count, GPUS_PER_NODE) + 1) if count % g == 0]
    nodes = [g for g in range(2 * GPUS_PER_NODE, count + 1, GPUS_PER_NODE) if count % g == 0]
    return within + nodes


def smallest_replica(
    model: ModelCard, hw: Hardware, fmt: Format | None, engine: Engine, kv: str, context: int
) -> tuple[Hardware, Planner, Estimate]:
    """The fewest GPUs of hw that hold one copy of the model at this context (with the engine's
    headroom); the whole of hw when nothing smaller does."""
    last: tuple[Hardware, Planner, Estimate] | None = None
    for size in replica_sizes(hw.count):
        replica = hw.resized(size)
        planner = Planner.build(model, replica, fmt, engine, kv)
        est = planner.estimate(context, 1)
        last = (replica, planner, est)
        if est.fits:
            return last
    assert last is not None
    return last
