"""Frozen pydantic records: the catalog's schema and the results computed from it."""

import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal, Protocol, Self, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    field_validator,
    model_validator,
)

URL_RE = re.compile(r"^https://\S+$")
ISO_639_1 = re.compile(r"^[a-z]{2}$")


class Record(BaseModel):
    """Base of every record: unknown keys are errors and values never change."""

    # defer_build: the validation schema is built on first use, not at import (cold start).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


Url = Annotated[str, Field(pattern=r"^https://\S+$", description="An https URL.")]
SourceRef = Annotated[
    str,
    Field(min_length=1, description="An https URL, or a key of the model's `sources` mapping."),
]


class CommercialUse(StrEnum):
    YES = "yes"
    CONDITIONAL = "conditional"
    NO = "no"


class Modality(StrEnum):
    TEXT = "text"
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"


class Capability(StrEnum):
    TOOL_CALLING = "tool-calling"
    REASONING = "reasoning"  # emits a chain of thought before answering
    THINKING_TOGGLE = "thinking-toggle"  # reasoning can be switched on and off
    FIM = "fim"  # fill-in-the-middle code completion
    CODE = "code"  # a code-specialised model


# How the `list` table abbreviates capabilities; `--capability` takes these too.
CAPABILITY_SHORT = {
    Capability.TOOL_CALLING: "tools",
    Capability.REASONING: "think",
    Capability.THINKING_TOGGLE: "toggle",
}


class Dtype(StrEnum):
    """Data type of a checkpoint as released."""

    BF16 = "bf16"
    FP16 = "fp16"
    FP8 = "fp8"
    MXFP4 = "mxfp4"
    INT4 = "int4"


class Mla(Record):
    """Multi-head latent attention (DeepSeek-V2/V3, Kimi K2): the KV cache holds a latent."""

    kv_lora_rank: int = Field(gt=0, description="Latent width cached per token and layer.")
    qk_rope_head_dim: int = Field(gt=0, description="Decoupled RoPE key width, cached too.")
    qk_nope_head_dim: int = Field(gt=0)
    v_head_dim: int = Field(gt=0)
    q_lora_rank: int | None = Field(None, gt=0, description="None: queries are not compressed.")


class LinearAttention(Record):
    """Layers whose state does not grow with context (DeltaNet, Mamba2, lightning attention)."""

    kind: Literal["gated-deltanet", "mamba2", "lightning", "kda"]
    layers: int = Field(gt=0, description="How many of the model's layers are of this kind.")
    heads: int = Field(gt=0, description="Value heads (Mamba2: heads).")
    key_heads: int = Field(gt=0, description="Key heads (Mamba2: groups).")
    key_head_dim: int = Field(gt=0, description="Key width per head (Mamba2: d_state).")
    value_head_dim: int = Field(gt=0, description="Value width per head (Mamba2: head_dim).")
    conv_kernel: int = Field(0, ge=0, description="Short causal convolution width, 0 if none.")


class Moe(Record):
    """Mixture of experts: every expert is resident in memory, a few run per token."""

    experts: int = Field(gt=1, description="Routed experts per MoE layer.")
    experts_per_token: int = Field(gt=0)
    expert_intermediate_size: int = Field(gt=0)
    shared_experts: int = Field(0, ge=0)
    shared_expert_intermediate_size: int | None = Field(
        None, gt=0, description="Width of the shared expert block; default experts x expert size."
    )
    dense_layers: int = Field(0, ge=0, description="Layers with a dense MLP instead of experts.")

    @model_validator(mode="after")
    def _per_token_le_experts(self) -> Self:
        if self.experts_per_token > self.experts:
            raise ValueError("experts_per_token must not exceed experts")
        return self


class Architecture(Record):
    """What the memory and speed maths need, read from the checkpoint's config.json."""

    layers: int = Field(gt=0)
    hidden_size: int = Field(gt=0)
    attention_heads: int = Field(gt=0)
    kv_heads: int = Field(gt=0, description="Key/value heads of the full-attention layers.")
    head_dim: int = Field(gt=0)
    intermediate_size: int | None = Field(
        None, gt=0, description="Dense MLP width; a mean over layers for NAS-pruned models."
    )
    vocab_size: int = Field(gt=0)
    tied_embeddings: bool
    attention: Literal["full", "mla"] = "full"
    sliding_window: int | None = Field(None, gt=0, description="Window of sliding-window layers.")
    sliding_window_layers: int | None = Field(
        None, ge=0, description="Layers using the window; all attention layers if omitted."
    )
    mla: Mla | None = None
    linear_attention: LinearAttention | None = None
    attention_free_layers: int = Field(
        0, ge=0, description="Layers with no attention at all (MLP-only or skipped blocks)."
    )
    mlp_layers: int | None = Field(
        None, ge=0, description="Layers that carry an MLP or MoE block; all layers if omitted."
    )
    mlp_gated: bool = Field(True, description="Gated MLP (SwiGLU: 3 matrices) or plain (2).")
    moe: Moe | None = None
    encoder_params_b: float = Field(
        0.0, ge=0, description="Vision/audio encoder parameters included in params_total_b."
    )
    model_type: str | None = Field(
        None,
        pattern=r"^[a-z0-9_]+$",
        description="config.json's model_type, where an engine decides by it (vLLM runs some "
        "types in no float16); unset means not recorded.",
    )
    source: SourceRef

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.attention == "mla") != (self.mla is not None):
            raise ValueError("attention: mla needs an `mla` block, and an `mla` block needs it")
        if self.attention == "full" and self.attention_heads % self.kv_heads:
            raise ValueError(
                f"attention_heads ({self.attention_heads}) must be a multiple of "
                f"kv_heads ({self.kv_heads})"
            )
        if self.sliding_window_layers is not None and self.sliding_window is None:
            raise ValueError("sliding_window_layers needs sliding_window")
        if self.attention_layers < 1:
            raise ValueError(
                "linear_attention.layers and attention_free_layers leave no attention layer"
            )
        if (self.sliding_window_layers or 0) > self.attention_layers:
            raise ValueError("sliding_window_layers exceeds the number of attention layers")
        if self.mlp_layers is not None and self.mlp_layers > self.layers:
            raise ValueError("mlp_layers exceeds layers")
        if self.moe and self.moe.dense_layers >= self.mlp_layer_count:
            raise ValueError("moe.dense_layers must leave at least one MoE layer")
        if self.intermediate_size is None and self.dense_mlp_layers:
            raise ValueError("intermediate_size is needed: the model has dense MLP layers")
        return self

    @property
    def mlp_layer_count(self) -> int:
        """Layers that carry an MLP or MoE block."""
        return self.layers if self.mlp_layers is None else self.mlp_layers

    @property
    def dense_mlp_layers(self) -> int:
        """Layers with a dense MLP (all MLP layers for dense models)."""
        return self.mlp_layer_count if self.moe is None else self.moe.dense_layers

    @property
    def attention_layers(self) -> int:
        """Layers with a growing KV cache (full or sliding attention)."""
        linear = self.linear_attention.layers if self.linear_attention else 0
        return self.layers - linear - self.attention_free_layers

    @property
    def windowed_layers(self) -> int:
        """Attention layers whose cache is capped at the sliding window."""
        if self.sliding_window is None:
            return 0
        if self.sliding_window_layers is None:
            return self.attention_layers
        return self.sliding_window_layers


class Benchmark(Record):
    """One published score. Scores compare only when `name` and `variant` both match."""

    name: str = Field(min_length=1, description="Canonical benchmark name, e.g. 'MMLU-Pro'.")
    variant: str = Field(
        min_length=1,
        description="Everything that changes the number's meaning: shots, CoT, base/instruct, "
        "thinking mode, version or date window, metric. E.g. '5-shot, base'.",
    )
    value: float
    unit: Literal["%", "elo", "score"] = "%"
    source: SourceRef
    note: str | None = None

    @field_validator("variant")
    @classmethod
    def _tuning_first(cls, value: str) -> str:
        tuning = value.split(",", 1)[0].strip()
        if tuning not in VARIANT_TUNINGS:
            raise ValueError(
                f"variant {value!r} must start with the tuning the score was measured on: "
                f"{', '.join(VARIANT_TUNINGS)} (e.g. 'instruct, 5-shot')"
            )
        return value


class GgufFiles(Record):
    """The GGUF files of a model's official GGUF repository (`quantized: {gguf: repo}`)."""

    tags: tuple[str, ...] = Field(
        min_length=1,
        description="Quantization tags as the .gguf file names spell them, upper-cased "
        "(Q4_K_M, Q4_0, FP16, BF16...); llama-server -hf repo:TAG matches them case-insensitively. "
        "Projector (mmproj) files are not listed.",
    )
    complete: bool = Field(
        description="True when the source shows every .gguf file of the repository; False when "
        "it shows only some (a truncated file list, or a README naming a few)."
    )
    source: SourceRef
    note: str | None = Field(None, description="What the source shows and what it leaves out.")

    @field_validator("tags")
    @classmethod
    def _tag_shape(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [t for t in value if not GGUF_TAG.match(t)]
        if bad:
            raise ValueError(
                f"GGUF tags are upper-case letters, digits and underscores as in the file names "
                f"(e.g. Q4_K_M, FP16): {', '.join(map(repr, bad))}"
            )
        if len(set(value)) != len(value):
            raise ValueError("a GGUF tag is listed twice")
        return value


GGUF_TAG = re.compile(r"^[A-Z0-9]+(?:_[A-Z0-9]+)*$")


class Fp8Scaling(Record):
    """How the model's FP8 checkpoint (its own FP8 release, or `quantized: {fp8: repo}`) scales
    its weights. Engines pick FP8 kernels by it: vLLM runs block-scaled FP8 on GPUs whose
    per-tensor and per-channel FP8 kernels it lacks (docs/memory.md)."""

    kind: Literal["block", "channel", "tensor"] = Field(
        description="block: a scale per weight block (config.json `weight_block_size`, or "
        "compressed-tensors strategy block); channel: a scale per output channel (fbgemm_fp8, "
        "strategy channel); tensor: one scale per weight matrix."
    )
    block: tuple[int, int] | None = Field(
        None,
        description="The block shape, rows x columns (e.g. 128, 128), where the source states "
        "it; for kind block only.",
    )
    source: SourceRef
    note: str | None = Field(None, description="What the source says, in its words.")

    @model_validator(mode="after")
    def _block_shape(self) -> Self:
        if self.kind != "block" and self.block is not None:
            raise ValueError(f"block is for kind block only, not {self.kind}")
        if self.block is not None and min(self.block) < 1:
            raise ValueError("block sizes are positive")
        return self


# The first term of every benchmark variant: which weights, in which mode, produced the number.
VARIANT_TUNINGS = ("base", "instruct", "thinking", "non-thinking")


class ModelFacts(Protocol):
    """What filtering and sizing read of a model: a ModelCard, or a row of the catalog index
    (llmpick/index.py), which holds the same facts without the rest of the card."""

    @property
    def id(self) -> str: ...
    @property
    def license(self) -> str: ...
    @property
    def upstream_licenses(self) -> tuple[str, ...]: ...
    @property
    def languages(self) -> tuple[str, ...]: ...
    @property
    def languages_note(self) -> str | None: ...
    @property
    def modalities(self) -> tuple["Modality", ...]: ...
    @property
    def context_tokens(self) -> int: ...
    @property
    def params_total_b(self) -> float: ...
    @property
    def native_dtype(self) -> "Dtype": ...
    @property
    def native_dtype_scope(self) -> str: ...
    @property
    def fp8_kind(self) -> str | None: ...
    @property
    def model_type(self) -> str | None: ...


class ModelCard(Record):
    """One official open-weight model release."""

    id: str = Field(pattern=r"^[\w.-]+/[\w.-]+$", description="Hugging Face repo id.")
    name: str = Field(min_length=1)
    family: str = Field(pattern=r"^[a-z0-9-]+$", description="Lineage, e.g. 'llama', 'qwen'.")
    vendor: str = Field(min_length=1)
    released: date | None = Field(None, description="Release date the vendor states.")
    tuning: Literal["base", "instruct"] = "instruct"
    base_model: str | None = Field(None, description="Repo id this model was derived from.")
    aliases: tuple[str, ...] = Field((), description="Short names and Ollama tags.")
    ollama_tag: str | None = Field(None, description="Official Ollama library tag, if any.")
    quantized: dict[str, str] = Field(
        {}, description="Official quantized checkpoints: format -> Hugging Face repo id."
    )
    gguf_files: GgufFiles | None = Field(
        None, description="What the official GGUF repository holds; None when not recorded."
    )
    fp8_scaling: Fp8Scaling | None = Field(
        None, description="How the FP8 checkpoint scales its weights; None when not recorded."
    )
    params_total_b: float = Field(gt=0, description="All parameters, billions (MoE: all experts).")
    params_active_b: float | None = Field(None, gt=0, description="MoE: parameters per token.")
    params_source: SourceRef
    native_dtype: Dtype = Dtype.BF16
    native_dtype_scope: Literal["all", "linear", "experts"] = Field(
        "all",
        description="Which weights are stored in native_dtype; the rest are bf16. "
        "'linear': all linear layers but embeddings/head; 'experts': MoE experts only.",
    )
    context_tokens: int = Field(gt=0, description="Most the vendor supports, tokens.")
    context_native_tokens: int | None = Field(
        None, gt=0, description="Context without RoPE scaling, where it differs."
    )
    rope_scaling: str | None = Field(None, description="Vendor-recommended RoPE scaling, if any.")
    context_source: SourceRef
    architecture: Architecture
    languages: tuple[str, ...] = Field(description="ISO 639-1 codes the card lists.")
    languages_note: str | None = Field(
        None, description="What the card says when it gives no list, e.g. '140+ languages'."
    )
    languages_source: SourceRef = "card"
    modalities: tuple[Modality, ...] = (Modality.TEXT,)
    capabilities: tuple[Capability, ...] = ()
    capabilities_source: SourceRef = "card"
    license: str = Field(min_length=1, description="Key into the licence table.")
    upstream_licenses: tuple[str, ...] = Field(
        (), description="Licences inherited from the model this one derives from."
    )
    license_source: SourceRef
    benchmarks: tuple[Benchmark, ...] = ()
    sources: dict[str, Url] = Field(description="Primary documents by key: card, config, ...")
    notes: str | None = None

    @field_validator("languages")
    @classmethod
    def _iso_codes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [code for code in value if not ISO_639_1.match(code)]
        if bad:
            raise ValueError(
                f"not ISO 639-1 codes: {', '.join(map(repr, bad))} "
                "(two lower-case letters; quote 'no' for Norwegian, YAML reads it as false)"
            )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if "card" not in self.sources:
            raise ValueError("sources must include `card`, the model card")
        for field, ref in self.source_refs():
            if not URL_RE.match(ref) and ref not in self.sources:
                raise ValueError(f"{field}: {ref!r} is neither an https URL nor a key of sources")
        moe = self.architecture.moe is not None
        if moe and self.params_active_b is None:
            raise ValueError("an MoE model needs params_active_b")
        if not moe and self.params_active_b is not None:
            raise ValueError("params_active_b is for MoE models only (architecture.moe)")
        if self.params_active_b is not None and self.params_active_b > self.params_total_b:
            raise ValueError(
                f"params_active_b ({self.params_active_b}) exceeds "
                f"params_total_b ({self.params_total_b})"
            )
        if self.gguf_files is not None and "gguf" not in self.quantized:
            raise ValueError("gguf_files describes quantized.gguf, which is not set")
        if self.fp8_scaling is not None and not self.has_fp8_checkpoint:
            raise ValueError(
                "fp8_scaling describes an FP8 checkpoint, and this model has none "
                "(native_dtype fp8, or quantized.fp8)"
            )
        if not self.languages and not self.languages_note:
            raise ValueError("languages is empty: list the codes, or say why in languages_note")
        native = self.context_native_tokens
        if native is not None and native > self.context_tokens:
            raise ValueError("context_native_tokens exceeds context_tokens")
        if self.native_dtype_scope == "experts" and not moe:
            raise ValueError("native_dtype_scope: experts needs an MoE architecture")
        seen: set[tuple[str, str]] = set()
        for b in self.benchmarks:
            if (b.name, b.variant) in seen:
                raise ValueError(
                    f"benchmarks: {b.name} [{b.variant}] is listed twice; keep one, or tell the "
                    "two apart in their variants"
                )
            seen.add((b.name, b.variant))
        return self

    def source_refs(self) -> list[tuple[str, str]]:
        """Every (field, source reference) pair of this record."""
        refs = [
            ("params_source", self.params_source),
            ("context_source", self.context_source),
            ("languages_source", self.languages_source),
            ("capabilities_source", self.capabilities_source),
            ("license_source", self.license_source),
            ("architecture.source", self.architecture.source),
        ]
        if self.gguf_files is not None:
            refs.append(("gguf_files.source", self.gguf_files.source))
        if self.fp8_scaling is not None:
            refs.append(("fp8_scaling.source", self.fp8_scaling.source))
        refs += [(f"benchmarks.{i}.source", b.source) for i, b in enumerate(self.benchmarks)]
        return refs

    @property
    def has_fp8_checkpoint(self) -> bool:
        """Whether an FP8 checkpoint exists: the release itself, or an official FP8 repo."""
        return self.native_dtype == Dtype.FP8 or "fp8" in self.quantized

    @property
    def fp8_kind(self) -> str | None:
        """How the FP8 weights an engine loads are scaled: the checkpoint's recorded kind,
        'online' when there is no FP8 checkpoint (the engine quantizes the 16-bit one, per
        tensor), None when a checkpoint exists and its scaling is not recorded."""
        if self.fp8_scaling is not None:
            return self.fp8_scaling.kind
        return None if self.has_fp8_checkpoint else "online"

    @property
    def model_type(self) -> str | None:
        return self.architecture.model_type

    def resolve(self, ref: str) -> str:
        """The URL a source reference stands for."""
        return self.sources.get(ref, ref)

    @property
    def is_moe(self) -> bool:
        return self.architecture.moe is not None

    @property
    def active_params_b(self) -> float:
        """Parameters used per token: the active count for MoE, the total otherwise."""
        return self.params_active_b if self.params_active_b is not None else self.params_total_b


class RegionalRestriction(Record):
    regions: tuple[str, ...] = Field(
        min_length=1, description="'eu' or ISO 3166-1 alpha-2 codes, lower case."
    )
    applies_to: Literal["all", "multimodal"] = Field(
        "all", description="'multimodal': only models that take images/audio/video."
    )
    text: str = Field(min_length=1, description="What the licence says, quoted or summarised.")
    source: Url | None = Field(None, description="Where it is written, if not the licence text.")


class LicenseConditions(Record):
    mau_cap: int | None = Field(
        None, gt=0, description="Monthly active users above which a separate licence is needed."
    )
    revenue_cap_usd: int | None = Field(
        None,
        gt=0,
        description="Monthly revenue (USD) of the user's company above which the licence grants "
        "no rights (Mistral's modified MIT: $20M).",
    )
    attribution: str | None = Field(None, description="Attribution or notice duty.")
    naming: str | None = Field(None, description="Naming duty for derivatives.")
    acceptable_use_policy: Url | None = None
    regional_restrictions: tuple[RegionalRestriction, ...] = ()
    share_alike: bool = Field(False, description="Derivatives must use the same licence.")
    other: tuple[str, ...] = Field((), description="Other material restrictions, one per line.")


class License(Record):
    id: str = Field(
        pattern=r"^(LicenseRef-[A-Za-z0-9.-]+|[A-Za-z0-9.+-]+)$",
        description="SPDX id where one exists, else LicenseRef-<Name>.",
    )
    name: str = Field(min_length=1)
    url: Url
    commercial_use: CommercialUse
    osi_approved: bool
    conditions: LicenseConditions = Field(default_factory=LicenseConditions)
    summary: str = Field(min_length=1, max_length=200)
    source: Url

    @property
    def permissive(self) -> bool:
        """OSI-approved with no share-alike duty (Apache-2.0, MIT...)."""
        return self.osi_approved and not self.conditions.share_alike


class Gpu(Record):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str = Field(min_length=1)
    vendor: Literal["nvidia", "amd", "apple", "intel"]
    kind: Literal["datacenter", "workstation", "consumer", "apple"]
    aliases: tuple[str, ...] = ()
    memory_gib: float = Field(gt=0, description="Capacity as the vendor states it (GiB).")
    memory_type: str | None = None
    bandwidth_gb_s: float = Field(gt=0)
    bf16_tflops: float | None = Field(None, gt=0, description="Dense BF16 tensor TFLOPS.")
    fp16_tflops: float | None = Field(None, gt=0)
    fp8_tflops: float | None = Field(None, gt=0)
    int8_tops: float | None = Field(None, gt=0)
    fp8: bool = Field(description="Has FP8 tensor cores.")
    fp4: bool = Field(False, description="Has FP4 tensor cores (Blackwell).")
    compute_capability: str | None = Field(
        None,
        pattern=r"^\d+\.\d$",
        description="NVIDIA CUDA compute capability, e.g. '7.5'; engines refuse some formats below "
        "a minimum (docs/memory.md). Null where no read source states it: nothing is refused.",
    )
    compute_capability_source: Url | None = None
    llvm_target: str | None = Field(
        None,
        pattern=r"^gfx[0-9a-f]+$",
        description="AMD's LLVM target, e.g. 'gfx942'; an engine whose ROCm kernels are built for "
        "other targets does not run there. Null where no read source states it.",
    )
    llvm_target_source: Url | None = None
    devices: int = Field(
        1,
        ge=1,
        le=8,
        description="GPU devices the system sees in one package: an MI250 or MI250X holds two "
        "GCDs, each its own device to ROCm and to the engines. Memory, bandwidth, compute and "
        "power above are the package's; plans split them per device.",
    )
    devices_source: Url | None = None
    interconnect: str | None = None
    interconnect_gb_s: float | None = Field(None, gt=0)
    tdp_w: float | None = Field(None, gt=0)
    released: int | str | None = None
    msrp_usd: float | None = Field(None, gt=0)
    source: Url
    notes: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.fp8_tflops is not None and not self.fp8:
            raise ValueError("fp8_tflops is set but fp8 is false")
        # A vendor's own numbering, each with the source that states it.
        for name, value, source, vendor in (
            (
                "compute_capability",
                self.compute_capability,
                self.compute_capability_source,
                "nvidia",
            ),
            ("llvm_target", self.llvm_target, self.llvm_target_source, "amd"),
        ):
            if (value is None) != (source is None):
                raise ValueError(f"{name} and {name}_source go together")
            if value is not None and self.vendor != vendor:
                raise ValueError(
                    f"{name} is {vendor.upper()}'s numbering; leave it out for {self.vendor}"
                )
        if (self.devices > 1) != (self.devices_source is not None):
            raise ValueError("devices above 1 needs devices_source, and only then")
        return self

    @property
    def sm(self) -> int | None:
        """The compute capability as engines compare it: '7.5' -> 75."""
        if self.compute_capability is None:
            return None
        major, minor = self.compute_capability.split(".")
        return int(major) * 10 + int(minor)

    @property
    def memory_gb(self) -> float:
        """Capacity in GB (10^9 bytes)."""
        return self.memory_gib * 2**30 / 1e9

    @property
    def device_word(self) -> str:
        """What one device of a package is called: AMD's dies are GCDs."""
        return "GCD" if self.vendor == "amd" else "device"

    def device(self) -> "Gpu":
        """One of the package's devices, as an engine sees it: the package's memory, bandwidth,
        compute, power and price split evenly (each MI250 GCD: 64 GiB, 1.6 TB/s)."""
        if self.devices == 1:
            return self
        n = self.devices

        def part(value: float | None) -> float | None:
            return None if value is None else value / n

        return self.model_copy(
            update={
                "name": f"{self.name} {self.device_word}",
                "memory_gib": self.memory_gib / n,
                "bandwidth_gb_s": self.bandwidth_gb_s / n,
                "bf16_tflops": part(self.bf16_tflops),
                "fp16_tflops": part(self.fp16_tflops),
                "fp8_tflops": part(self.fp8_tflops),
                "int8_tops": part(self.int8_tops),
                "tdp_w": part(self.tdp_w),
                "msrp_usd": part(self.msrp_usd),
                "devices": 1,
                "devices_source": None,
            }
        )


class Instance(Record):
    """A cloud instance type (or managed offering) with its GPUs and on-demand price."""

    id: str = Field(description="The provider's name for it, e.g. 'p5.48xlarge'.")
    gpu: str = Field(description="GPU catalog id.")
    gpu_count: int = Field(gt=0)
    usd_per_hour: float = Field(gt=0, description="On-demand price, USD per hour.")
    spec_source: str = Field(description="Where the GPU model and count were read.")
    notes: str = ""


class Cloud(Record):
    """One provider's price list, read on one date from one source."""

    id: str
    name: str
    kind: Literal["cloud", "managed"]
    region: str | None
    priced_on: date = Field(description="When the prices were read from the vendor.")
    price_source: str = Field(description="The vendor's own price page or API.")
    read_from: str = Field(description="The file actually read (URL at a commit).")
    notes: str = ""
    instances: tuple[Instance, ...]


class ApiOffer(Record):
    """A hosted API's price for one open-weight model."""

    provider: str
    provider_name: str
    model: str = Field(description="Catalog model id.")
    provider_model: str = Field(description="The model's id at the provider.")
    input_usd_per_mtok: float = Field(ge=0)
    output_usd_per_mtok: float = Field(ge=0)
    priced_on: date
    price_source: str = Field(description="The provider's own price page.")
    read_from: str
    notes: str = ""

    @property
    def id(self) -> str:
        return f"{self.provider}:{self.provider_model}:{self.model}"


class CatalogFile(Record):
    """The top level of one catalog YAML file."""

    version: Literal[1]
    models: tuple[ModelCard, ...] = ()
    licenses: tuple[License, ...] = ()
    gpus: tuple[Gpu, ...] = ()
    clouds: tuple[Cloud, ...] = ()
    api_offers: tuple[ApiOffer, ...] = ()


# --- results ------------------------------------------------------------------------------------


class MemoryPart(Record):
    """One component of the busiest GPU's memory, with how it was computed."""

    name: str
    gb: float = Field(description="On the busiest GPU, GB (10^9 bytes).")
    detail: str


class FormatFit(Record):
    """One weight format tried for the same model, hardware and context."""

    quant: str
    weights_gb: float = Field(description="Weights on the busiest GPU, GB.")
    per_gpu_gb: float
    fits: bool
    max_context_tokens: int
    decode_tokens_per_s: float | None


class Plan(Record):
    """`llmpick plan`: memory on the given hardware, whether it fits, how fast, and why."""

    model: str
    model_name: str
    quant: str
    engine: str
    mode: str
    context_tokens: int
    context_note: str
    batch: int
    kv_dtype: str
    gpus: str
    gpu: str
    gpu_count: int
    nodes: int
    tensor_parallel_size: int
    pipeline_parallel_size: int
    weights_gb: float = Field(description="All GPUs, GB.")
    kv_cache_gb: float
    activation_gb: float
    overhead_gb: float
    total_gb: float
    available_gb: float
    per_gpu_gb: float = Field(description="The busiest GPU, GB.")
    per_gpu_available_gb: float
    headroom_gb: float = Field(description="Per GPU: budget minus need (negative: short by).")
    fits: bool
    max_context_tokens: int
    max_concurrent_sequences: int
    decode_tokens_per_s: float | None = Field(description="Per sequence, estimated.")
    decode_tokens_per_s_total: float | None = Field(description="All sequences, estimated.")
    prefill_tokens_per_s: float | None
    train_tokens_per_s: float | None = None
    parts: tuple[MemoryPart, ...]
    formats: tuple[FormatFit, ...]
    basis: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    next_step: str | None = Field(
        default=None,
        description="When it does not fit: the format that does, or the command that finds GPUs.",
    )


class Constraints(Record):
    """What `recommend` was asked for, as it understood it."""

    gpus: str
    languages: tuple[str, ...] = ()
    use_case: str = "chat"
    license: str = "commercial"
    license_note: str = ""
    region: str | None = None
    context_tokens: int = 8192
    modalities: tuple[str, ...] = ()
    engine: str = "vllm"
    min_tokens_per_s: float | None = None
    top: int = 10
    weights: Literal["any", "official"] = "any"


class ScoreTerm(Record):
    """One component of a model's score, with its explanation."""

    name: str
    value: float
    detail: str


# Where a planned format's weights come from (llmpick/weights.py): the checkpoint as released,
# the vendor's own quantized release, the engine quantizing the 16-bit checkpoint (vLLM's
# --quantization fp8, `ollama create --quantize`), or no official source (deploy needs --repo).
WeightsOrigin = Literal["as-released", "official", "engine-quantized", "none"]


class Recommendation(Record):
    rank: int
    model: str
    name: str
    quant: str
    weights: WeightsOrigin = Field(description="Where weights in this format come from.")
    weights_repo: str | None = Field(
        description="The repository to load (engine-quantized: the 16-bit one); None when no "
        "official one exists."
    )
    total_gb: float = Field(description="Per GPU, GB.")
    available_gb: float = Field(description="Per GPU, GB.")
    fits: bool
    score: float
    quality: float | None = Field(description="Use-case quality percentile, None if unknown.")
    decode_tokens_per_s: float
    max_context_tokens: int
    max_concurrent_sequences: int
    license: str
    license_flags: tuple[str, ...]
    languages: tuple[str, ...]
    context_tokens: int
    params: str
    reasons: tuple[str, ...]
    caveats: tuple[str, ...] = ()
    terms: tuple[ScoreTerm, ...] = ()


# The hard filters of `recommend`, in the order they are applied (docs/scoring.md section 1).
Constraint = Literal["licence", "region", "language", "modality", "context", "fit", "speed"]
CONSTRAINTS: tuple[Constraint, ...] = get_args(Constraint)


class Exclusion(Record):
    model: str
    constraint: Constraint
    reason: str


class Ranking(Record):
    """`recommend`'s answer: ranked picks and every excluded model with its reason."""

    hardware: dict[str, object]
    constraints: Constraints
    recommendations: tuple[Recommendation, ...]
    passed: int = Field(ge=0, description="Models that pass every hard filter; `top` are shown.")
    excluded: tuple[Exclusion, ...]
    basis: tuple[str, ...] = ()


class CompareRow(Record):
    section: str
    label: str
    values: tuple[str | None, ...] = Field(description="One per model, None when not reported.")
    best: tuple[int, ...] = Field((), description="Indexes of the best value(s), if comparable.")
    note: str | None = None


class Comparison(Record):
    """`compare`: facts side by side; benchmark rows never mix variants."""

    models: tuple[str, ...]
    names: tuple[str, ...]
    gpus: str | None = None
    rows: tuple[CompareRow, ...]


class Evidence(Record):
    """One like-for-like benchmark result behind a quality score."""

    name: str
    variant: str
    value: float
    peer_mean: float
    sd: float
    n: int
    z: float
    offset: float
    weight: float


class Explanation(Record):
    """`recommend --explain MODEL`: the score terms, or why the model was excluded."""

    model: str
    excluded: bool
    constraint: Constraint | None
    reason: str | None
    score: float | None
    quant: str | None
    weights: WeightsOrigin | None = Field(None, description="As in a recommendation.")
    weights_repo: str | None = None
    terms: tuple[ScoreTerm, ...]
    theta: float | None
    evidence: tuple[Evidence, ...]
    not_comparable: tuple[str, ...]


class ModelException(Record):
    model: str = Field(min_length=1, description="Model id or reference the exception covers.")
    reason: str = Field(min_length=1, description="Why it is allowed (mandatory).")


class Policy(Record):
    """A licence policy, from [tool.llmpick] in pyproject.toml, llmpick.toml or --policy."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, defer_build=True, alias_generator=lambda n: n.replace("_", "-")
    )

    allow_licenses: tuple[str, ...] | None = Field(
        None, description="Only these licence ids pass; unset: any licence not denied."
    )
    deny_licenses: tuple[str, ...] = ()
    require_commercial_use: StrictBool = False
    monthly_active_users: StrictInt | None = Field(None, ge=0)
    monthly_revenue_usd: StrictInt | None = Field(
        None, ge=0, description="Your company's global monthly revenue, for revenue caps."
    )
    region: str | None = None
    unknown_models: Literal["fail", "warn", "ignore"] = "fail"
    models: tuple[str, ...] = Field((), description="Models the project uses beyond the scan.")
    exclude: tuple[str, ...] = Field((), description="Globs of paths not to scan.")
    allow_models: tuple[ModelException, ...] = ()


class ModelRef(Record):
    path: str
    line: int
    text: str
    kind: str


class Verdict(Record):
    """What the policy says about one reference."""

    ref: ModelRef
    status: Literal["pass", "violation", "unknown", "excepted"]
    model: str | None
    via: str | None = Field(None, description="How the reference resolved (derivative, tag...).")
    licenses: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    obligations: tuple[str, ...] = ()


class CheckReport(Record):
    root: str
    policy_source: str
    policy: Policy
    files_scanned: int
    verdicts: tuple[Verdict, ...]
    summary: dict[str, int]
    # Names in a model position that stand for any model (`my-org/my-model`): not judged.
    placeholders: tuple[ModelRef, ...] = ()


class DeployLayout(Record):
    """How `deploy` spreads the model over the GPUs."""

    gpus: int
    gpus_per_replica: int = Field(description="GPUs holding one copy of the model.")
    replicas: int = Field(description="Copies of the model (data parallel); 0 if none fits.")
    tensor_parallel_size: int
    pipeline_parallel_size: int
    nodes_per_replica: int
    idle_gpus: int = Field(description="GPUs the layout leaves unused.")
    hosts: int = Field(1, description="GPU hosts (nodes of 8 GPUs) the replicas are spread over.")


class DeployStep(Record):
    """One thing to run or write, in order."""

    title: str
    host: str = Field(description="Where: 'the GPU host', 'node 0', 'kubectl'...")
    argv: tuple[str, ...] | None = None
    env: dict[str, str] = {}
    file: str | None = None
    content: str | None = None
    main: bool = Field(False, description="The step that starts serving (JSON `command`).")

    def shell_line(self) -> str:
        """The command as one shell line, environment first ('' for a file to write)."""
        import shlex

        env = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.env.items())
        cmd = shlex.join(self.argv or ())
        return f"{env} {cmd}" if env else cmd


class FlagNote(Record):
    """Why a flag has its value."""

    flag: str
    value: str | None
    why: str


class Deployment(Record):
    """`llmpick deploy`: the command or manifest for a plan, or why there is none."""

    model: str
    engine: str
    engine_name: str
    engine_release: str
    checked_against: str
    gpus: str
    quant: str
    repo: str
    context_tokens: int
    kv_dtype: str
    fits: bool
    layout: DeployLayout
    per_gpu_gb: float
    per_gpu_available_gb: float
    headroom_gb: float
    max_concurrent_sequences: int
    decode_tokens_per_s: float | None
    command: str | None = Field(description="The main command as one shell line.")
    manifest: str | None = Field(description="KServe: the InferenceService YAML.")
    steps: tuple[DeployStep, ...]
    flags: tuple[FlagNote, ...]
    notes: tuple[str, ...]
    sources: tuple[str, ...]
    reason: str | None = None
    alternatives: tuple[str, ...] = ()


class Throughput(Record):
    """One model copy serving a steady stream of requests (estimated)."""

    concurrency: int = Field(description="Sequences decoded together.")
    concurrency_limit: str = Field(description="What set it: memory, the request, a default.")
    decode_step_ms: float
    decode_bound: str = Field(description="'memory bandwidth' or 'compute'.")
    prefill_tokens_per_s: float
    requests_per_s: float
    tokens_per_s: float = Field(description="Input + output tokens per second.")
    output_tokens_per_s: float


class CloudCost(Record):
    """One priced instance serving the model."""

    cloud: str
    cloud_name: str
    region: str | None
    instance: str
    gpu: str
    gpu_count: int
    usd_per_hour: float
    priced_on: date
    price_source: str
    copies: int = Field(description="Model copies the instance holds.")
    gpus_per_copy: int
    tokens_per_s: float = Field(description="All copies, input + output tokens.")
    per_million_tokens: float = Field(description="USD per million tokens at the utilization.")
    instances_needed: int | None = Field(description="For --tokens-per-day.")
    monthly_usd: float | None = Field(description="Instances needed, always on.")


class CloudSection(Record):
    per_million_tokens: float | None = Field(description="The cheapest instance's.")
    break_even: str = Field(description="Against the cheapest API offer.")
    instances: tuple[CloudCost, ...]


class ApiCost(Record):
    """A hosted API's price for the model, blended over the workload's token mix."""

    provider: str
    provider_name: str
    provider_model: str
    input_usd_per_mtok: float
    output_usd_per_mtok: float
    per_million_tokens: float = Field(description="Blended over the workload's input/output.")
    monthly_usd: float | None
    priced_on: date
    price_source: str
    notes: str


class ApiSection(Record):
    per_million_tokens: float | None = Field(description="The cheapest offer's.")
    offers: tuple[ApiCost, ...]


class OnPremCost(Record):
    """Your own GPUs: amortised hardware plus electricity."""

    gpus: str
    copies: int
    gpus_per_copy: int
    tokens_per_s: float | None
    hardware_usd: float | None
    amortization_years: float
    power_watts: float | None
    power_basis: str
    kwh_usd: float
    capex_monthly_usd: float | None
    energy_monthly_usd: float | None
    monthly_usd: float | None
    per_million_tokens: float | None
    missing: tuple[str, ...] = Field(description="Inputs needed for a figure (flags).")


class CostReport(Record):
    """`llmpick cost`: cloud, on-premises and hosted-API cost of serving one model."""

    model: str
    quant: str
    engine: str
    gpus: str
    workload: dict[str, float | int | None]
    throughput: Throughput | None
    cloud: CloudSection
    on_prem: OnPremCost
    on_prem_break_even: str
    api: ApiSection
    basis: tuple[str, ...]
    notes: tuple[str, ...] = ()


class GpuOption(Record):
    """The fewest GPUs of one type that hold the model."""

    gpu: str
    gpu_name: str
    count: int
    devices: int = Field(
        description="GPU devices the engines see: the count, or twice it for packages of two "
        "GCDs (MI250, MI250X). The per-GPU figures are per device."
    )
    memory_gb: float
    per_gpu_gb: float
    per_gpu_available_gb: float
    headroom_gb: float
    tensor_parallel_size: int
    pipeline_parallel_size: int
    decode_tokens_per_s: float
    max_concurrent_sequences: int
    cheapest_usd_per_hour: float | None = Field(
        description="Hourly price of the cheapest offer: the whole instance (or instances), "
        "which may hold more GPUs than the count"
    )
    cheapest_offer: str | None
    cheapest_gpu_count: int | None = Field(
        description="GPUs the cheapest offer rents: the count, or more when no instance of "
        "exactly that many is listed"
    )


class HardwareReport(Record):
    """`llmpick hardware`: GPU configurations and priced instances that serve a model."""

    model: str
    quant: str
    engine: str
    context_tokens: int
    configurations: tuple[GpuOption, ...]
    instances: tuple[CloudCost, ...]
    basis: tuple[str, ...]
