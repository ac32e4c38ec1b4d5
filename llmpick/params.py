"""A model's weight tensors, grouped by role, from its architecture (pure arithmetic).

Every memory figure starts here: the weight formats price each group, the GGUF mixes pick a
type per group and layer (as llama.cpp's quantizer does), and `catalog validate` checks that the
groups add up to the vendor's stated parameter count.
"""

from dataclasses import dataclass
from functools import lru_cache

from llmpick.records import Architecture, LinearAttention, ModelCard

# Beyond this gap between the stated and computed totals, `catalog validate` reports an error:
# the architecture was probably misread (heads, head_dim, widths or layer counts).
PARAMS_TOLERANCE = 0.04

# Roles, named after llama.cpp's GGUF tensor names where one exists.
EMBED, OUTPUT = "token_embd", "output"
ATTN_Q, ATTN_K, ATTN_V, ATTN_KV_B, ATTN_OUT = (
    "attn_q",
    "attn_k",
    "attn_v",
    "attn_kv_b",
    "attn_output",
)
FFN_GATE, FFN_UP, FFN_DOWN = "ffn_gate", "ffn_up", "ffn_down"
LINEAR_ATTN, ROUTER, NORM, ENCODER = "linear_attn", "router", "norm", "encoder"


@dataclass(frozen=True)
class TensorGroup:
    """Tensors of one role: `elements` each, on the layers listed (once if `layers` is empty)."""

    role: str
    elements: int  # per layer (all experts included), or in total for non-layer tensors
    ncols: int  # input width (GGUF block formats need it divisible by their block size)
    layers: tuple[int, ...] = ()
    expert: bool = False  # routed MoE experts: resident, but only a few are read per token
    shared: bool = False  # shared experts

    @property
    def count(self) -> int:
        """Total elements in the group."""
        return self.elements * max(1, len(self.layers))


def _layer_plan(arch: Architecture) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """(attention layers, linear-attention layers, dense-MLP layers) as layer indices."""
    n = arch.layers
    n_attn = arch.attention_layers
    if n_attn == n:
        attention = tuple(range(n))
    else:
        # Hybrids interleave: one attention layer closes every block (Qwen3-Next: 3 linear, 1 full).
        step = n / n_attn
        attention = tuple(sorted({min(n - 1, round((k + 1) * step) - 1) for k in range(n_attn)}))
    others = [i for i in range(n) if i not in set(attention)]
    lin = arch.linear_attention
    linear = tuple(others[: lin.layers]) if lin else ()
    dense = tuple(range(arch.dense_mlp_layers))
    return attention, linear, dense


def _attention_groups(arch: Architecture, layers: tuple[int, ...]) -> list[TensorGroup]:
    h = arch.hidden_size
    if arch.mla is not None:
        m = arch.mla
        qk = m.qk_nope_head_dim + m.qk_rope_head_dim
        groups = []
        if m.q_lora_rank:
            groups.append(TensorGroup(ATTN_Q, h * m.q_lora_rank, h, layers))  # q_a
            groups.append(
                TensorGroup(
                    ATTN_Q, m.q_lora_rank * arch.attention_heads * qk, m.q_lora_rank, layers
                )
            )  # q_b
        else:
            groups.append(TensorGroup(ATTN_Q, h * arch.attention_heads * qk, h, layers))
        groups.append(
            TensorGroup(ATTN_K, h * (m.kv_lora_rank + m.qk_rope_head_dim), h, layers)
        )  # kv_a_mqa
        groups.append(
            TensorGroup(
                ATTN_KV_B,
                m.kv_lora_rank * arch.attention_heads * (m.qk_nope_head_dim + m.v_head_dim),
                m.kv_lora_rank,
                layers,
            )
        )
        width = arch.attention_heads * m.v_head_dim
        groups.append(TensorGroup(ATTN_OUT, width * h, width, layers))
        return groups
    q_width = arch.attention_heads * arch.head_dim
    kv_width = arch.kv_heads * arch.head_dim
    return [
        TensorGroup(ATTN_Q, h * q_width, h, layers),
        TensorGroup(ATTN_K, h * kv_width, h, layers),
        TensorGroup(ATTN_V, h * kv_width, h, layers),
        TensorGroup(ATTN_OUT, q_width * h, q_width, layers),
    ]


def _linear_groups(
    arch: Architecture, lin: LinearAttention, layers: tuple[int, ...]
) -> list[TensorGroup]:
    h = arch.hidden_size
    k_width = lin.key_heads * lin.key_head_dim
    v_width = lin.heads * lin.value_head_dim
    if lin.kind == "mamba2":
        in_proj = h * (2 * v_width + 2 * k_width + lin.heads)
        conv = (v_width + 2 * k_width) * lin.conv_kernel
    elif lin.kind == "gated-deltanet":
        in_proj = h * (2 * k_width + 2 * v_width + 2 * lin.heads)
        conv = (2 * k_width + v_width) * lin.conv_kernel
    else:  # lightning / kda: q, k, v and an output gate
        in_proj = h * (2 * k_width + 2 * v_width)
        conv = 0
    groups = [
        TensorGroup(LINEAR_ATTN, in_proj, h, layers),
        TensorGroup(LINEAR_ATTN, v_width * h, v_width, layers),
    ]
    if conv:
        groups.append(TensorGroup(NORM, conv, lin.conv_kernel, layers))  # conv1d stays unquantized
    return groups


def _mlp_groups(
    h: int,
    width: int,
    layers: tuple[int, ...],
    expert: bool = False,
    shared: bool = False,
    gated: bool = True,
) -> list[TensorGroup]:
    if not layers or width == 0:
        return []
    gate = [TensorGroup(FFN_GATE, h * width, h, layers, expert, shared)] if gated else []
    return gate + [
        TensorGroup(FFN_UP, h * width, h, layers, expert, shared),
        TensorGroup(FFN_DOWN, width * h, width, layers, expert, shared),
    ]


@lru_cache(maxsize=4096)
def tensor_groups(arch: Architecture) -> tuple[TensorGroup, ...]:
    """Every weight of the model, grouped by role and layer."""
    h = arch.hidden_size
    attention, linear, dense = _layer_plan(arch)
    groups = [TensorGroup(EMBED, arch.vocab_size * h, h)]
    if not arch.tied_embeddings:
        groups.append(TensorGroup(OUTPUT, arch.vocab_size * h, h))
    groups += _attention_groups(arch, attention)
    if arch.linear_attention is not None:
        groups += _linear_groups(arch, arch.linear_attention, linear)
    groups += _mlp_groups(h, arch.intermediate_size or 0, dense, gated=arch.mlp_gated)
    moe = arch.moe
    if moe is not None:
        moe_layers = tuple(range(moe.dense_layers, arch.mlp_layer_count))
        groups += _mlp_groups(
            h, moe.experts * moe.expert_intermediate_size, moe_layers, expert=True
        )
        shared = moe.shared_expert_intermediate_size or (
            moe.shared_experts * moe.expert_intermediate_size
        )
        groups += _mlp_groups(h, shared, moe_layers, shared=True)
        groups.append(TensorGroup(ROUTER, h * moe.experts, h, moe_layers))
    groups.append(TensorGroup(NORM, (2 * arch.layers + 1) * h, h))
    if arch.encoder_params_b:
        groups.append(TensorGroup(ENCODER, round(arch.encoder_params_b * 1e9), 0))
    return tuple(groups)


@dataclass(frozen=True)
class ParamCount:
    """Raw parameter counts by component."""

    embedding: int
    lm_head: int
    attention: int  # attention and linear-attention projections
    dense_mlp: int
    experts: int  # routed experts, all layers
    shared: int  # shared experts and routers
    norms: int
    encoder: int

    @property
    def total(self) -> int:
        return (
            self.embedding + self.lm_head + self.attention + self.dense_mlp + self.experts
            + self.shared + self.norms + self.encoder
        )  # fmt: skip

    def active(self, arch: Architecture) -> int:
        """Parameters used per token: routed experts scaled to the ones that run."""
        if arch.moe is None:
            return self.total
        used = self.experts * arch.moe.experts_per_token // arch.moe.experts
        return self.total - self.experts + used


def count_params(arch: Architecture) -> ParamCount:
    """Parameters by component, from the config values alone."""
    sums = {"embedding": 0, "lm_head": 0, "attention": 0, "dense_mlp": 0, "experts": 0}
    sums |= {"shared": 0, "norms": 0, "encoder": 0}
    for g in tensor_groups(arch):
        if g.role == EMBED:
            key = "embedding"
        elif g.role == OUTPUT:
            key = "lm_head"
        elif g.role in (ATTN_Q, ATTN_K, ATTN_V, ATTN_KV_B, ATTN_OUT, LINEAR_ATTN):
            key = "attention"
        elif g.expert:
            key = "experts"
        elif g.shared or g.role == ROUTER:
            key = "shared"
        elif g.role in (FFN_GATE, FFN_UP, FFN_DOWN):
            key = "dense_mlp"
        elif g.role == ENCODER:
            key = "encoder"
        else:
            key = "norms"
        sums[key] += g.count
    return ParamCount(**sums)


def params_gap(model: ModelCard) -> float:
    """Relative gap between the computed and the stated total (0.02 = 2%)."""
    computed = count_params(model.architecture).total
    stated = model.params_total_b * 1e9
    return (computed - stated) / stated
