"""What each inference engine does with GPU memory, from its own code and docs (sources inline)."""

from dataclasses import dataclass
from enum import StrEnum

from llmpick.errors import UsageError
from llmpick.records import Gpu


class Engine(StrEnum):
    VLLM = "vllm"
    SGLANG = "sglang"
    TRANSFORMERS = "transformers"
    LLAMA_CPP = "llama.cpp"
    OLLAMA = "ollama"
    LMDEPLOY = "lmdeploy"
    TGI = "tgi"


class KvDtype(StrEnum):
    AUTO = "auto"  # the model's dtype (16-bit)
    BF16 = "bf16"
    FP16 = "fp16"
    FP8 = "fp8"
    Q8_0 = "q8_0"
    Q4_0 = "q4_0"


# Bytes per cached element: 16-bit, FP8, and llama.cpp's block types (34 B / 32, 18 B / 32).
KV_BYTES = {"auto": 2.0, "bf16": 2.0, "fp16": 2.0, "fp8": 1.0, "q8_0": 34 / 32, "q4_0": 18 / 32}

HF_FORMATS = ("bf16", "fp16", "fp8", "gptq-int8", "gptq-int4", "awq", "mxfp4", "nf4")
GGUF_FORMATS = (
    "F16", "Q8_0", "Q6_K", "Q5_K_M", "Q5_K_S", "Q4_K_M", "Q4_K_S", "Q4_0", "IQ4_XS",
    "Q3_K_L", "Q3_K_M", "Q2_K",
)  # fmt: skip

# Memory the driver reports as usable, as a share of the vendor's capacity: vLLM's log on an
# H100 80GB reads "79.22GiB total" (tests/data/measurements.yaml, vllm PR #10511).
DRIVER_VISIBLE = 79.22 / 80
# macOS caps what the GPU may wire (Metal's recommendedMaxWorkingSetSize); llama.cpp's Metal
# logs on 128 GB machines report about three quarters. Raise it with `sysctl iogpu.wired_limit_mb`.
APPLE_GPU_SHARE = 0.75
# Memory outside PyTorch's tensors (CUDA context, cuBLAS workspaces; NCCL buffers under tensor
# parallelism), as vLLM's profiler logs it for Llama-3-8B on an H100: "non_torch_memory 1.79GiB"
# at TP=1 and 3.58GiB per GPU at TP=2 (vllm PR #10511; tests/data/measurements.yaml).
NON_TORCH_GB = 1.79 * 2**30 / 1e9
NON_TORCH_TP_GB = 3.58 * 2**30 / 1e9
# ggml's CUDA context and buffers outside the model, KV and compute buffers (assumed).
GGML_CONTEXT_GB = 0.3


# Metal: of these engines only llama.cpp and Ollama (which runs llama.cpp) run on Apple GPUs.
APPLE_ENGINES = (Engine.LLAMA_CPP, Engine.OLLAMA)


# SGLang's ROCm kernels build for gfx942 and gfx950 only, and the build exits on any other AMD GPU
# it detects: https://github.com/sgl-project/sglang/blob/01b582cb0e3bc89eef018e9a7c305fd3c694c04a/
# sgl-kernel/setup_rocm.py ("Expected 'gfx942' or 'gfx950'").
SGLANG_ROCM_TARGETS = ("gfx942", "gfx950")


def why_not_runs(engine: Engine, gpu: Gpu) -> tuple[str, str] | None:
    """('does not run on ...', hint) when the engine does not run on this kind of GPU at all;
    None when it does. The caller names the engine."""
    if gpu.kind == "apple" and engine not in APPLE_ENGINES:
        return (
            f"does not run on {gpu.name}",
            "on Apple GPUs use --engine llama.cpp or --engine ollama",
        )
    if engine == Engine.SGLANG and gpu.llvm_target not in (None, *SGLANG_ROCM_TARGETS):
        return (
            f"does not run on {gpu.name} ({gpu.llvm_target}): its ROCm kernels are built for "
            f"{' and '.join(SGLANG_ROCM_TARGETS)} only",
            "use --engine vllm, which runs on it",
        )
    return None


def runs_on(engine: Engine, gpu: Gpu) -> bool:
    """Whether the engine runs on this kind of GPU at all."""
    return why_not_runs(engine, gpu) is None


def check_runs_on(engine: Engine, gpu: Gpu) -> None:
    """Refuse an engine that does not run on the GPUs (vLLM on a Mac) before any sizing."""
    refused = why_not_runs(engine, gpu)
    if refused:
        raise UsageError(f"--engine {engine} {refused[0]}", hint=refused[1])


# The lowest NVIDIA compute capability (x10, as the engines compare it) at which an engine loads a
# format; below it the engine refuses to start (vllm/config/vllm.py and
# sglang/srt/model_loader/loader.py compare the device with the format's get_min_capability()).
# vLLM 0.33.0, vllm/model_executor/layers/quantization/: fp8.py 75, auto_awq.py 75,
# auto_gptq.py 60, mxfp4.py 80. SGLang 0.5.23, sglang/srt/layers/quantization/: fp8.py 80,
# awq/awq.py 75, gptq/gptq.py 60, mxfp4.py 80, bitsandbytes.py 70. 16-bit formats have no
# minimum (vLLM runs bf16 checkpoints as fp16 below 8.0, the same bytes, except the model types of
# VLLM_NO_FLOAT16). LMDeploy 0.16 needs no
# entry: TurboMind builds its GEMM kernels for sm70 and up (CMakeLists.txt, CUDA < 13) with
# int4, FP8 (E4M3) and MXFP4 weights already on sm70 (src/turbomind/kernels/gemm/kernel/
# sm70_884_4.cu, sm70_884_8.cu at 1263d5c), and no catalog GPU is older. TGI 3.3.7 runs FP8 on
# 8.x through Marlin-FP8 (server/text_generation_server/layers/fp8.py; Marlin needs 8.0,
# layers/marlin/util.py) and elsewhere through torch._scaled_mm, which PyTorch allows only from
# 8.9 (aten/src/ATen/native/cuda/Blas.cpp): so 8.0. TGI's other formats, transformers and the GGUF
# engines are not gated: their minimums were not read.
MIN_COMPUTE_CAPABILITY: dict[Engine, dict[str, int]] = {
    Engine.VLLM: {"fp8": 75, "awq": 75, "gptq-int4": 60, "gptq-int8": 60, "mxfp4": 80},
    Engine.SGLANG: {
        "fp8": 80, "awq": 75, "gptq-int4": 60, "gptq-int8": 60, "mxfp4": 80, "nf4": 70,
    },
    Engine.TGI: {"fp8": 80},
}  # fmt: skip


# vLLM on AMD GPUs: FP8 matrix kernels by how the weights are scaled (vLLM 0.33.0,
# vllm/model_executor/kernels/linear/). Per-tensor and per-channel FP8 (and `--quantization fp8`,
# which quantizes per tensor at load time) run only on ROCm kernels that need CDNA3 or newer:
# scaled_mm/rocm.py refuses "get_cdna_version() <= 2" ("requires CDNA3+ (gfx942/gfx950) or RDNA4
# (gfx12x)"), scaled_mm/pytorch.py allows torch._scaled_mm on gfx942, gfx950 and gfx12x only, and
# the AITER kernels need CDNA3 (_aiter_ops.py). On gfx90a (MI250, MI250X) the model stops while its
# layers are built: "Failed to find a kernel that can implement the ScaledMM linear layer"
# (kernels/linear/__init__.py). Block-scaled FP8 has a Triton kernel with no architecture check
# (scaled_mm/triton.py, TritonFp8BlockScaledMMKernel), so it loads there, but gfx90a has no FP8
# units (AMD: "MI200 Series GPUs don't support ... FP8", catalog/gpus.yaml): the FP8 arithmetic is
# emulated, far slower than the bandwidth estimate.
VLLM_ROCM_FP8_TARGETS = ("gfx942", "gfx950")
FP8_ENGINES = (Engine.VLLM,)


# Model types vLLM will not run in float16, "Numerical instability. Please use bfloat16 or
# float32 instead." (_FLOAT16_NOT_SUPPORTED_MODELS in vllm/config/model.py): `--dtype float16`
# stops with "does not support float16". With the default dtype (auto), a GPU without bfloat16
# (compute capability below 8.0: platforms/cuda.py lists float16 and float32 only) makes vLLM
# fall back to float32 for them (_resolve_auto_dtype), 4 bytes per weight, which llmpick does
# not plan. Catalog models name their type in architecture.model_type. Read at
# https://github.com/vllm-project/vllm/blob/0052a5b818980ce8a0477706aaf9f75bd5af72cd/vllm/config/model.py
VLLM_NO_FLOAT16 = ("gemma2", "gemma3", "gemma3_text", "glm4", "plamo2")
BF16_MIN_SM = 80  # vLLM's CUDA platform: bfloat16 from compute capability 8.0


def float16_refusal(engine: Engine, fmt: str, sm: int | None, model_type: str | None) -> str | None:
    """Why vLLM will not run this model type in this format on a GPU of this compute capability
    (x10), or None: its float16 rule (VLLM_NO_FLOAT16). The caller names the GPU."""
    if engine != Engine.VLLM or model_type not in VLLM_NO_FLOAT16:
        return None
    if fmt == "fp16":
        return f"vllm does not run {model_type} models in float16 (numerical instability)"
    if sm is not None and sm < BF16_MIN_SM:
        return (
            f"vllm runs {model_type} models in float32 on GPUs without bfloat16 (compute "
            "capability below 8.0), which llmpick does not plan"
        )
    return None


def float16_hint(engine: Engine, fmt: str, sm: int | None, model_type: str | None) -> str | None:
    """What to do instead when float16_refusal refuses, or None when it does not."""
    if float16_refusal(engine, fmt, sm, model_type) is None:
        return None
    if sm is not None and sm < BF16_MIN_SM:
        return (
            "serve a GGUF with --engine llama.cpp or --engine ollama, or use GPUs with bfloat16 "
            "(compute capability 8.0 or newer)"
        )
    return "serve the checkpoint in bf16 (--quant bf16), as released"


def loads(engine: Engine, fmt: str, sm: int | None, model_type: str | None = None) -> bool:
    """Whether the engine loads this format on a GPU of this compute capability (x10; None =
    not known, so not refused), for a model of this config.json model_type."""
    need = MIN_COMPUTE_CAPABILITY.get(engine, {}).get(fmt)
    if need is not None and sm is not None and sm < need:
        return False
    return float16_refusal(engine, fmt, sm, model_type) is None


def rocm_fp8(engine: Engine, fmt: str, llvm_target: str | None, fp8_kind: str | None) -> str:
    """How vLLM runs FP8 weights on an AMD GPU: 'native', 'emulated' (block-scaled FP8 through
    Triton on a GPU without FP8 kernels) or 'refused'. fp8_kind is ModelCard.fp8_kind."""
    if (
        fmt != "fp8"
        or engine not in FP8_ENGINES
        or llvm_target is None
        or llvm_target in VLLM_ROCM_FP8_TARGETS
    ):
        return "native"
    return "emulated" if fp8_kind == "block" else "refused"


def usable(
    engine: Engine,
    fmt: str,
    sm: int | None,
    llvm_target: str | None,
    fp8_kind: str | None,
    model_type: str | None = None,
) -> bool:
    """Whether a search (recommend, cost, hardware) should offer this format on this GPU: the
    engine loads it, and not through emulation."""
    return (
        loads(engine, fmt, sm, model_type)
        and rocm_fp8(engine, fmt, llvm_target, fp8_kind) == "native"
    )


def refuses(
    engine: Engine, fmt: str, gpu: Gpu, fp8_kind: str | None, model_type: str | None = None
) -> str | None:
    """Why the engine will not load this format on this GPU, or None if it will. fp8_kind is the
    model's (ModelCard.fp8_kind): it decides FP8 on AMD GPUs without FP8 kernels; model_type
    (ModelCard.model_type) decides vLLM's float16 rule."""
    if not loads(engine, fmt, gpu.sm):
        need = MIN_COMPUTE_CAPABILITY[engine][fmt]
        return (
            f"{engine} loads {fmt} only on compute capability {need // 10}.{need % 10} or newer; "
            f"{gpu.name} is {gpu.compute_capability}"
        )
    dtype = float16_refusal(engine, fmt, gpu.sm, model_type)
    if dtype:
        return dtype + (f"; {gpu.name} is {gpu.compute_capability}" if fmt != "fp16" else "")
    if rocm_fp8(engine, fmt, gpu.llvm_target, fp8_kind) != "refused":
        return None
    where = f"{gpu.name} ({gpu.llvm_target})"
    tail = (
        "only block-scaled FP8 checkpoints load there, through Triton (its per-tensor and "
        f"per-channel FP8 kernels need {' or '.join(VLLM_ROCM_FP8_TARGETS)})"
    )
    match fp8_kind:
        case "online":
            return (
                f"{engine} quantizes to fp8 per tensor at load time, which it cannot run on "
                f"{where}: {tail}"
            )
        case "tensor" | "channel":
            what = f"this checkpoint's per-{fp8_kind} FP8 scales"
            return f"{engine} cannot run {what} on {where}: {tail}"
    return (
        f"{engine} may not load this FP8 checkpoint on {where}, since its scaling is not "
        f"recorded: {tail}"
    )


def emulates(engine: Engine, fmt: str, gpu: Gpu, fp8_kind: str | None) -> str | None:
    """A warning when the engine runs this format only through emulation on this GPU."""
    if rocm_fp8(engine, fmt, gpu.llvm_target, fp8_kind) != "emulated":
        return None
    return (
        f"{gpu.name} ({gpu.llvm_target}) has no FP8 units: {engine} runs this block-scaled FP8 "
        "checkpoint through its Triton kernel, which emulates FP8, so it runs far slower than "
        "the speed estimated here; 16-bit, awq and gptq-int4 weights run natively"
    )


@dataclass(frozen=True)
class EngineProfile:
    engine: Engine
    formats: tuple[str, ...]
    kv_dtypes: tuple[str, ...]
    budget: str  # "total": a fraction of device memory; "free": a fraction of what weights leave
    budget_fraction: float
    prefill: str  # "chunked" (tokens per step), "full" (whole prompt), "ubatch" (llama.cpp)
    base_overhead_gb: float  # per GPU, outside the KV pool (CUDA context, workspaces)
    mla_latent_cache: bool  # caches the MLA latent (vs the expanded per-head K/V)
    layer_split: bool  # splits layers across GPUs (llama.cpp, transformers device_map) vs TP
    source: str

    def prefill_tokens(self, gpu: Gpu) -> int:
        """Tokens processed per prefill step: the activation peak scales with it."""
        gib = gpu.memory_gib
        match self.engine:
            case Engine.VLLM | Engine.TGI:
                # vllm/engine/arg_utils.py: 8192 for `vllm serve` on >= 70 GiB non-A100 GPUs.
                return 8192 if gib >= 70 and "a100" not in gpu.id else 2048
            case Engine.SGLANG:
                # sglang server_args.py: chunked_prefill_size by GPU memory.
                return 2048 if gib < 35 else 4096 if gib < 60 else 8192 if gib < 160 else 16384
            case Engine.LMDEPLOY:
                return 8192
            case Engine.LLAMA_CPP | Engine.OLLAMA:
                return 512  # n_ubatch
            case Engine.TRANSFORMERS:
                return 0  # the whole prompt at once
        return 0  # pragma: no cover - every engine is matched above

    def max_num_seqs(self, gpu: Gpu) -> int:
        """Sequences vLLM's profile run samples logits for (vllm/engine/arg_utils.py)."""
        if self.engine in (Engine.VLLM, Engine.TGI):
            return 1024 if gpu.memory_gib >= 70 and "a100" not in gpu.id else 256
        return 1

    def runtime_overhead_gb(self, tp: int) -> float:
        """Memory per GPU outside tensors; NCCL buffers add to it under tensor parallelism."""
        if self.base_overhead_gb == NON_TORCH_GB and tp > 1:
            return NON_TORCH_TP_GB
        return self.base_overhead_gb

    def reserved_gb(self, gpu: Gpu) -> float:
        """Memory per GPU the engine keeps out of its weights + KV budget."""
        capacity = gpu.memory_gb
        match self.engine:
            case Engine.SGLANG:
                # server_args.py: reserved = 512 MB + 1.5 x chunk + 2 x cuda_graph_max_bs (MB),
                # at least 10 GB on GPUs over 60 GB.
                graph_bs = (
                    8 if capacity < 20 else 80 if capacity < 35 else 160 if capacity < 60 else 512
                )
                reserved = (512 + 1.5 * self.prefill_tokens(gpu) + 2 * graph_bs) / 1000
                return max(reserved, 10.0) if capacity > 60 else reserved
            case Engine.OLLAMA:
                return 457 * 2**20 / 1e9  # ollama ml/device.go: 457 MiB per GPU
        return 0.0


_TORCH = (
    "bf16", "fp16", "fp8", "gptq-int8", "gptq-int4", "awq", "mxfp4", "nf4",
)  # fmt: skip

PROFILES: dict[Engine, EngineProfile] = {
    Engine.VLLM: EngineProfile(
        Engine.VLLM,
        # vLLM 0.33 dropped bitsandbytes from its quantization methods (tests/data/engines).
        tuple(f for f in _TORCH if f != "nf4"),
        ("auto", "bf16", "fp16", "fp8"),
        "total",
        0.9,
        "chunked",
        NON_TORCH_GB,
        mla_latent_cache=True,
        layer_split=False,
        source="https://github.com/vllm-project/vllm/blob/c1d86421174a87056edc90a41dc9942391509e84/vllm/config/cache.py",
    ),
    Engine.SGLANG: EngineProfile(
        Engine.SGLANG,
        ("bf16", "fp16", "fp8", "gptq-int4", "awq", "mxfp4", "nf4"),
        ("auto", "bf16", "fp16", "fp8"),
        "total",
        1.0,
        "chunked",
        NON_TORCH_GB,
        mla_latent_cache=True,
        layer_split=False,
        source="https://github.com/sgl-project/sglang/blob/main/python/sglang/srt/server_args.py",
    ),
    Engine.TRANSFORMERS: EngineProfile(
        Engine.TRANSFORMERS,
        _TORCH,
        ("auto", "bf16", "fp16"),
        "total",
        1.0,
        "full",
        NON_TORCH_GB,
        mla_latent_cache=False,
        layer_split=True,
        source="https://github.com/huggingface/transformers/blob/1097d4b3f8dd6440add50f87a2784b03cc0b4c85/src/transformers/generation/utils.py",
    ),
    Engine.LLAMA_CPP: EngineProfile(
        Engine.LLAMA_CPP,
        GGUF_FORMATS + ("mxfp4",),
        ("auto", "fp16", "q8_0", "q4_0"),
        "total",
        1.0,
        "ubatch",
        GGML_CONTEXT_GB,
        mla_latent_cache=True,
        layer_split=True,
        source="https://github.com/ggml-org/llama.cpp/blob/de93b991682fa46acabb813641f7f6b884ad5dd0/common/common.h",
    ),
    Engine.OLLAMA: EngineProfile(
        Engine.OLLAMA,
        GGUF_FORMATS + ("mxfp4",),
        ("auto", "fp16", "q8_0", "q4_0"),
        "total",
        1.0,
        "ubatch",
        GGML_CONTEXT_GB,
        mla_latent_cache=True,
        layer_split=True,
        source="https://github.com/ollama/ollama/blob/v0.32.15/server/sched.go",
    ),
    Engine.LMDEPLOY: EngineProfile(
        Engine.LMDEPLOY,
        ("bf16", "fp16", "fp8", "gptq-int4", "awq", "mxfp4"),
        ("auto", "bf16", "fp16", "q8_0", "q4_0"),
        "free",
        0.8,
        "chunked",
        NON_TORCH_GB,
        mla_latent_cache=True,
        layer_split=False,
        source="https://github.com/InternLM/lmdeploy/blob/v0.16.0/lmdeploy/messages.py",
    ),
    Engine.TGI: EngineProfile(
        Engine.TGI,
        ("bf16", "fp16", "fp8", "gptq-int4", "awq", "nf4"),
        ("auto", "bf16", "fp16", "fp8"),
        "total",
        0.9,
        "chunked",
        NON_TORCH_GB,
        mla_latent_cache=True,
        layer_split=False,
        source="https://github.com/huggingface/text-generation-inference/blob/v3.3.7/docs/source/reference/launcher.md",
    ),
}

# Fraction of peak memory bandwidth a decode step achieves (an assumption, shown in every basis).
BANDWIDTH_EFFICIENCY = {
    Engine.VLLM: 0.75,
    Engine.SGLANG: 0.75,
    Engine.LMDEPLOY: 0.75,
    Engine.TGI: 0.7,
    Engine.LLAMA_CPP: 0.65,
    Engine.OLLAMA: 0.65,
    Engine.TRANSFORMERS: 0.6,
}
# What a batch-1 decode step costs beyond reading memory, fitted to published measurements
# (docs/memory.md, "Speed"). A fixed cost per step (scheduling, sampling, kernel launches):
STEP_FIXED_S = {
    Engine.VLLM: 3.3e-3,  # vLLM 0.6.3, A100 80GB: Qwen2.5 0.5B-32B fit
    Engine.SGLANG: 1.8e-3,  # SGLang 0.4.6, H20: Qwen3 0.6B-32B fit
    Engine.LMDEPLOY: 3.3e-3,  # not measured: vLLM's figure
    Engine.TGI: 3.3e-3,  # not measured: vLLM's figure
}
TP_SYNC_S_PER_LAYER = 64e-6  # two all-reduces per layer under tensor parallelism (72B, TP 2 and 4)
MOE_S_PER_LAYER = 23e-6  # routing and expert dispatch per MoE layer (Qwen3-30B-A3B, SGLang)
# transformers runs eagerly: Python launches every layer's kernels, so a step takes at least this
# per layer (Qwen2.5 0.5B-32B on an A100; bandwidth efficiency 0.6 from the 32B and 72B rows).
LAYER_FLOOR_S = {Engine.TRANSFORMERS: 0.85e-3}
# Fraction of peak tensor throughput a prefill achieves (model FLOPs utilisation, assumed).
PREFILL_MFU = 0.4
