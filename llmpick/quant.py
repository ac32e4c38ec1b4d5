"""Weight formats and what they cost: bits per weight by tensor, as each format really stores them.

Hugging Face formats (bf16, fp8, GPTQ, AWQ, MXFP4, bitsandbytes NF4) quantize the linear layers
of the decoder and keep embeddings, the output head, norms, routers and vision encoders in 16-bit.
GGUF files follow llama.cpp's quantizer: each "mix" (Q4_K_M...) picks a block type per tensor role
and layer, and falls back to another type when a tensor's width is not a multiple of the block
size.
Sources are in docs/memory.md.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from llmpick.errors import UsageError
from llmpick.params import (
    ATTN_K,
    ATTN_KV_B,
    ATTN_OUT,
    ATTN_V,
    EMBED,
    ENCODER,
    FFN_DOWN,
    NORM,
    OUTPUT,
    ROUTER,
    TensorGroup,
)
from llmpick.records import Architecture, Dtype, ModelCard, ModelFacts


class Kind(StrEnum):
    HF = "hf"  # safetensors checkpoints loaded by vLLM, SGLang, transformers, TGI, LMDeploy
    GGUF = "gguf"  # llama.cpp / Ollama files


# ggml block types: (block size in elements, bytes per block), from ggml-common.h.
GGML_TYPES: dict[str, tuple[int, int]] = {
    "F32": (1, 4),
    "F16": (1, 2),
    "Q8_0": (32, 34),
    "Q6_K": (256, 210),
    "Q5_K": (256, 176),
    "Q5_1": (32, 24),
    "Q5_0": (32, 22),
    "Q4_K": (256, 144),
    "Q4_1": (32, 20),
    "Q4_0": (32, 18),
    "IQ4_XS": (256, 136),
    "IQ4_NL": (32, 18),
    "Q3_K": (256, 110),
    "Q2_K": (256, 84),
    "MXFP4": (32, 17),
}

# llama.cpp's fallback when a tensor's width is not a multiple of the type's block size.
GGML_FALLBACK = {
    "Q2_K": "Q4_0",
    "Q3_K": "Q4_0",
    "Q4_K": "Q5_0",
    "Q5_K": "Q5_1",
    "Q6_K": "Q8_0",
    "IQ4_XS": "IQ4_NL",
}


def ggml_bpw(ggml_type: str) -> float:
    """Bits per weight of a ggml type, scales included."""
    block, size = GGML_TYPES[ggml_type]
    return size * 8 / block


@dataclass(frozen=True)
class Format:
    """A weight format users can ask for with --quant."""

    name: str
    kind: Kind
    bits: float  # HF: bits per quantized weight with scales; GGUF: the mix's base type bpw
    base: str  # GGUF: base ggml type; HF: "" (n/a)
    description: str

    @property
    def is_gguf(self) -> bool:
        return self.kind == Kind.GGUF


def _hf(name: str, bits: float, description: str) -> Format:
    return Format(name, Kind.HF, bits, "", description)


def _gguf(name: str, base: str, description: str) -> Format:
    return Format(name, Kind.GGUF, ggml_bpw(base), base, description)


FORMATS: dict[str, Format] = {
    f.name.lower(): f
    for f in (
        _hf("bf16", 16, "16-bit brain float, the usual checkpoint format"),
        _hf("fp16", 16, "16-bit float"),
        _hf("fp8", 8, "8-bit float weights (E4M3) with per-tensor/channel scales"),
        _hf("gptq-int8", 8 + (16 + 8) / 128, "GPTQ 8-bit, group 128, fp16 scale + 8-bit zero"),
        _hf("gptq-int4", 4 + (16 + 4) / 128, "GPTQ 4-bit, group 128, fp16 scale + 4-bit zero"),
        _hf("awq", 4 + (16 + 4) / 128, "AWQ 4-bit, group 128, fp16 scale + 4-bit zero"),
        _hf("mxfp4", 4 + 8 / 32, "OCP MXFP4: 4-bit E2M1, one 8-bit scale per 32 weights"),
        _hf("nf4", 4 + 8 / 64 + 32 / (64 * 256), "bitsandbytes NF4, block 64, double-quantized"),
        _gguf("F16", "F16", "GGUF 16-bit"),
        _gguf("Q8_0", "Q8_0", "GGUF 8-bit, blocks of 32"),
        _gguf("Q6_K", "Q6_K", "GGUF 6-bit k-quant"),
        _gguf("Q5_K_M", "Q5_K", "GGUF 5-bit k-quant, medium mix"),
        _gguf("Q5_K_S", "Q5_K", "GGUF 5-bit k-quant, small mix"),
        _gguf("Q4_K_M", "Q4_K", "GGUF 4-bit k-quant, medium mix (Ollama's default)"),
        _gguf("Q4_K_S", "Q4_K", "GGUF 4-bit k-quant, small mix"),
        _gguf("Q4_0", "Q4_0", "GGUF legacy 4-bit, blocks of 32"),
        _gguf("IQ4_XS", "IQ4_XS", "GGUF 4.25-bit i-quant"),
        _gguf("Q3_K_L", "Q3_K", "GGUF 3-bit k-quant, large mix"),
        _gguf("Q3_K_M", "Q3_K", "GGUF 3-bit k-quant, medium mix"),
        _gguf("Q2_K", "Q2_K", "GGUF 2-bit k-quant"),
    )
}

# The planner's "native" format: the checkpoint as released.
NATIVE = "native"
AS_RELEASED = " (as released)"


def format_label(name: str, released: bool) -> str:
    """'fp8 (as released)' for the checkpoint's own format, else the format's name."""
    return name + (AS_RELEASED if released else "")


def get_format(name: str) -> Format:
    """A format by name, case-insensitive; a usage error lists the choices."""
    found = FORMATS.get(name.strip().lower())
    if found is None:
        choices = ", ".join(f.name for f in FORMATS.values())
        raise UsageError(f"--quant: unknown format {name!r}", hint=f"choose from {choices}")
    return found


# GGUF file tags another spelling of a planned format stands for (Qwen names its F16 files fp16).
GGUF_TAG_ALIASES = {"FP16": "F16"}
# The GGUF pick when none is asked for: llama.cpp's own default (Q4_K_M), then the other 4-bit
# mixes, then more bits; 3- and 2-bit files are never picked unasked.
GGUF_DEFAULTS = ("Q4_K_M", "Q4_K_S", "Q4_0", "IQ4_XS", "Q5_K_M", "Q5_K_S", "Q6_K", "Q8_0")


def gguf_tag_format(tag: str) -> Format | None:
    """The planned GGUF format a file tag holds (None: a tag llmpick cannot size, e.g. BF16)."""
    found = FORMATS.get(GGUF_TAG_ALIASES.get(tag, tag).lower())
    return found if found is not None and found.is_gguf else None


def gguf_tag_for(fmt: Format, tags: Sequence[str]) -> str | None:
    """The file tag among `tags` that holds `fmt` (None: no such file is listed)."""
    return next((t for t in tags if gguf_tag_format(t) == fmt), None)


def default_gguf(tags: Sequence[str]) -> Format:
    """The GGUF format to plan when none is asked for, from a repository's listed files: the
    first of GGUF_DEFAULTS it holds, else Q4_K_M (which `deploy` then checks against the list)."""
    listed = {gguf_tag_format(t) for t in tags}
    for name in GGUF_DEFAULTS:
        if FORMATS[name.lower()] in listed:
            return FORMATS[name.lower()]
    return FORMATS["q4_k_m"]


def native_format(model: ModelFacts) -> Format:
    """The format the checkpoint ships in (its bulk weights)."""
    return dtype_format(model.native_dtype)


def dtype_format(native_dtype: str) -> Format:
    """The format of a checkpoint released in this dtype: int4 releases load as AWQ-style 4-bit."""
    return FORMATS["awq"] if native_dtype == Dtype.INT4 else FORMATS[str(native_dtype)]


@dataclass(frozen=True)
class GgufModelInfo:
    """What llama.cpp's mix rules look at."""

    n_gqa: int
    n_expert: int
    n_layers: int
    is_70b: bool
    tied: bool


def gguf_info(arch: Architecture) -> GgufModelInfo:
    return GgufModelInfo(
        n_gqa=arch.attention_heads // arch.kv_heads if arch.attention == "full" else 1,
        n_expert=arch.moe.experts if arch.moe else 0,
        n_layers=arch.layers,
        # llama.cpp treats 80-layer GQA Llama/Qwen2 models as "70B" and gives attn_v more bits.
        is_70b=arch.layers == 80
        and arch.attention == "full"
        and arch.kv_heads < arch.attention_heads,
        tied=arch.tied_embeddings,
    )


def _more_bits(i: int, n: int) -> bool:
    """llama.cpp's use_more_bits: the first and last eighth of layers and every third between."""
    return i < n // 8 or i >= 7 * n // 8 or (i - n // 8) % 3 == 2


def gguf_type(mix: str, group: TensorGroup, layer: int, rank: int, info: GgufModelInfo) -> str:
    """The ggml type llama.cpp's quantizer gives one tensor of a mix (before width fallback).

    `layer` is the tensor's block index; `rank` counts the attn_v-like tensors seen so far.
    """
    if mix == "F16":
        return "F16"
    if mix == "MXFP4_MOE":
        if group.role == OUTPUT or (info.tied and group.role == EMBED):
            return "Q8_0"
        return "MXFP4" if group.expert else "Q8_0"
    base = FORMATS[mix.lower()].base
    if group.role == OUTPUT or (info.tied and group.role == EMBED):
        return base if base == "Q8_0" else "Q6_K"
    if group.role == EMBED:
        return base
    n = info.n_layers
    if group.role in (ATTN_V, ATTN_KV_B):
        t = base
        if mix == "Q2_K":
            t = "Q4_K" if info.n_gqa >= 4 else "Q3_K"
        elif mix == "IQ4_XS" and info.n_gqa >= 4:
            t = "Q5_K"
        elif mix == "Q3_K_M":
            t = "Q5_K" if rank < 2 else "Q4_K"
        elif mix == "Q3_K_L":
            t = "Q5_K"
        elif mix in ("Q4_K_M", "Q5_K_M") and _more_bits(rank, n):
            t = "Q6_K"
        elif mix == "Q4_K_S" and rank < 4:
            t = "Q5_K"
        if info.is_70b and t in ("Q3_K", "Q4_K"):
            t = "Q5_K"
        if info.n_expert == 8:
            t = "Q8_0"
        return t
    if group.role == ATTN_K and info.n_expert == 8:
        return "Q8_0"
    if group.role == FFN_DOWN:
        if mix == "Q2_K":
            return "Q3_K"
        if mix == "Q3_K_M":
            return "Q5_K" if layer < n // 16 else "Q4_K"
        if mix == "Q3_K_L":
            return "Q5_K"
        if mix in ("Q4_K_M", "Q5_K_M") and _more_bits(layer, n):
            return "Q6_K"
        if mix == "Q4_K_S" and layer < n // 8:
            return "Q5_K"
        return base
    if group.role == ATTN_OUT:
        if info.n_expert == 8 and mix in ("Q2_K", "Q3_K_M", "Q4_K_S", "Q4_K_M", "IQ4_XS"):
            return "Q5_K"
        return {"Q2_K": "Q3_K", "Q3_K_M": "Q4_K", "Q3_K_L": "Q5_K"}.get(mix, base)
    return base


def fit_width(ggml_type: str, ncols: int) -> str:
    """llama.cpp's fallback when the tensor width does not divide into the type's blocks."""
    block = GGML_TYPES[ggml_type][0]
    if ncols % block == 0:
        return ggml_type
    fallback = GGML_FALLBACK.get(ggml_type, "F16")
    return fallback if ncols % GGML_TYPES[fallback][0] == 0 else "F16"


UNQUANTIZED_ROLES = (NORM, ROUTER)


def group_bytes_gguf(groups: tuple[TensorGroup, ...], mix: str, arch: Architecture) -> list[float]:
    """Bytes of each group in a GGUF file of this mix (vision encoders ship separately: 0)."""
    info = gguf_info(arch)
    rank = 0
    out = []
    for g in groups:
        if g.role == ENCODER:
            out.append(0.0)
            continue
        if g.role in UNQUANTIZED_ROLES:
            out.append(g.count * 4.0)  # llama.cpp keeps norms, conv1d and routers in F32
            continue
        total = 0.0
        for layer in g.layers or (0,):
            t = fit_width(gguf_type(mix, g, layer, rank, info), g.ncols)
            total += g.elements * ggml_bpw(t) / 8
            if g.role in (ATTN_V, ATTN_KV_B):
                rank += 1
        out.append(total)
    return out


def is_quantized_in_hf(group: TensorGroup, scope: str) -> bool:
    """Whether an HF quantized format converts this group (scope: all linear, or experts only)."""
    if group.role in (EMBED, OUTPUT, NORM, ROUTER, ENCODER):
        return False
    if scope == "experts":
        return group.expert
    return True


def group_bytes_hf(
    groups: tuple[TensorGroup, ...], fmt: Format, scope: str = "linear"
) -> list[float]:
    """Bytes of each group when the decoder's linear layers are stored in `fmt`."""
    out = []
    for g in groups:
        bits = fmt.bits if is_quantized_in_hf(g, scope) else 16.0
        out.append(g.count * bits / 8)
    return out


def weight_bytes(
    model: ModelCard, fmt: Format | None, engine_gguf_mxfp4: bool = False
) -> list[float]:
    """Bytes per tensor group for a model in a format (None: the checkpoint as released)."""
    from llmpick.params import tensor_groups

    arch = model.architecture
    groups = tensor_groups(arch)
    if fmt is None:
        native = native_format(model)
        if native.name == "bf16":
            return group_bytes_hf(groups, native)
        return group_bytes_hf(groups, native, scope=model.native_dtype_scope)
    if fmt.is_gguf:
        return group_bytes_gguf(groups, fmt.name, arch)
    if fmt.name == "mxfp4" and engine_gguf_mxfp4:
        return group_bytes_gguf(groups, "MXFP4_MOE", arch)
    scope = "experts" if fmt.name == "mxfp4" and model.native_dtype_scope == "experts" else "linear"
    return group_bytes_hf(groups, fmt, scope)
