"""`plan`: assemble a Plan record (memory parts, fit, formats, speed, basis) for one model."""

from dataclasses import dataclass, replace

from llmpick.engines import (
    BANDWIDTH_EFFICIENCY,
    DRIVER_VISIBLE,
    MOE_S_PER_LAYER,
    NON_TORCH_GB,
    NON_TORCH_TP_GB,
    PREFILL_MFU,
    PROFILES,
    TP_SYNC_S_PER_LAYER,
    Engine,
    emulates,
    float16_hint,
    refuses,
    usable,
    why_not_runs,
)
from llmpick.errors import UsageError
from llmpick.hardware import Hardware
from llmpick.memory import (
    GB,
    LORA_RANK,
    Estimate,
    Mode,
    Planner,
    activation_bytes,
    active_params,
    default_context,
    formats_for,
    gpu_capacity_gb,
    largest,
)
from llmpick.params import count_params, tensor_groups
from llmpick.quant import (
    AS_RELEASED,
    FORMATS,
    Format,
    default_gguf,
    format_label,
    get_format,
    native_format,
)
from llmpick.records import FormatFit, MemoryPart, ModelCard, Plan


@dataclass(frozen=True)
class PlanOptions:
    context: int | None = None
    batch: int = 1
    quant: str | None = None
    kv_dtype: str = "auto"
    engine: Engine = Engine.VLLM
    mode: Mode = Mode.INFERENCE
    gradient_checkpointing: bool = True
    lora_rank: int = LORA_RANK


def resolve_format(model: ModelCard, quant: str | None, engine: Engine) -> Format | None:
    """The requested format (None = as released); checks the engine can load it."""
    profile = PROFILES[engine]
    if quant is None or quant.lower() == "native":
        if native_format(model).name in profile.formats:
            return None
        if engine in (Engine.LLAMA_CPP, Engine.OLLAMA):
            return default_gguf_format(model, engine)
        raise UsageError(
            f"{engine} cannot load {model.id}'s {native_format(model).name} checkpoint",
            hint="choose --quant from: " + ", ".join(profile.formats),
        )
    fmt = get_format(quant)
    if fmt.name not in profile.formats:
        raise UsageError(
            f"--quant {fmt.name}: {engine} does not load this format",
            hint="formats it loads: " + ", ".join(profile.formats),
        )
    if fmt.name == "mxfp4" and model.native_dtype != "mxfp4":
        raise UsageError(
            f"--quant mxfp4: {model.id} has no MXFP4 checkpoint",
            hint="MXFP4 is a release format (gpt-oss); pick fp8, awq or a GGUF type instead",
        )
    return fmt


def default_gguf_format(model: ModelCard, engine: Engine) -> Format:
    """The GGUF type to plan when none is asked for. Ollama's library tags ship Q4_K_M; a vendor's
    GGUF repository is read from its recorded files (Gemma 3's QAT repositories hold Q4_0 only)."""
    files = model.gguf_files
    if files is None or (engine == Engine.OLLAMA and model.ollama_tag):
        return default_gguf(())
    return default_gguf(files.tags)


def check_loads(model: ModelCard, engine: Engine, fmt: Format, hw: Hardware) -> None:
    """Refuse a format the engine will not load on these GPUs (below its compute capability,
    or FP8 scaled in a way its kernels for these GPUs do not take)."""
    refused = refuses(engine, fmt.name, hw.gpu, model.fp8_kind, model.model_type)
    if refused:
        raise UsageError(
            refused,
            hint=float16_hint(engine, fmt.name, hw.gpu.sm, model.model_type)
            or f"pick --quant from what {engine} loads there (`llmpick plan {model.id} --gpu "
            f"{hw.spec()} --engine {engine}` lists them), or use newer GPUs",
        )


def check_kv_dtype(kv_dtype: str, engine: Engine) -> None:
    if kv_dtype not in PROFILES[engine].kv_dtypes:
        raise UsageError(
            f"--kv-dtype {kv_dtype}: not an option of {engine}",
            hint="choose from " + ", ".join(PROFILES[engine].kv_dtypes),
        )


def make_plan(model: ModelCard, hw: Hardware, opts: PlanOptions) -> Plan:
    """Plan inference or fine-tuning of `model` on `hw`."""
    if opts.mode != Mode.INFERENCE:
        return _finetune_plan(model, hw, opts)
    check_kv_dtype(opts.kv_dtype, opts.engine)
    fmt = resolve_format(model, opts.quant, opts.engine)
    context, note = _context(model, opts.context)
    planner = Planner.build(model, hw, fmt, opts.engine, opts.kv_dtype)
    est = planner.estimate(context, opts.batch)
    warnings = []
    not_run = why_not_runs(opts.engine, hw.product)
    if not_run:
        warnings.append(f"--engine {opts.engine} {not_run[0]}; {not_run[1]}")
    refused = refuses(opts.engine, planner.format.name, hw.gpu, model.fp8_kind, model.model_type)
    if refused:
        instead = float16_hint(opts.engine, planner.format.name, hw.gpu.sm, model.model_type)
        warnings.append(f"{refused}: {instead or 'pick --quant from the formats listed'}")
    emulated = emulates(opts.engine, planner.format.name, hw.gpu, model.fp8_kind)
    if emulated:
        warnings.append(emulated)
    if opts.kv_dtype == "fp8" and not hw.gpu.fp8:
        warnings.append(f"{hw.product.name} has no FP8 units: an FP8 cache is stored, not computed")
    decode = planner.decode_tokens_per_s(context, opts.batch)
    prefill = planner.prefill_tokens_per_s(context)
    formats = format_rows(model, hw, opts.engine, opts.kv_dtype, context, opts.batch)
    return Plan(
        model=model.id,
        model_name=model.name,
        quant=format_label(planner.format.name, fmt is None),
        engine=str(opts.engine),
        mode=str(opts.mode),
        context_tokens=context,
        context_note=note,
        batch=opts.batch,
        kv_dtype=opts.kv_dtype,
        gpus=hw.label,
        gpu=hw.gpu.id,
        gpu_count=hw.count,
        nodes=hw.nodes,
        tensor_parallel_size=est.layout.tp,
        pipeline_parallel_size=est.layout.pp,
        **_totals(planner, est, context, opts.batch),
        max_context_tokens=planner.max_context(opts.batch),
        max_concurrent_sequences=planner.max_batch(context),
        decode_tokens_per_s=round(decode, 1),
        decode_tokens_per_s_total=round(decode * opts.batch, 1),
        prefill_tokens_per_s=round(prefill, 0) if prefill else None,
        parts=tuple(_parts(planner, est, context, opts.batch)),
        formats=tuple(formats),
        basis=tuple(_basis(planner, est, context, opts.batch)),
        warnings=tuple(warnings),
        next_step=None if est.fits else next_step(model, formats, context),
    )


def next_step(model: ModelCard, formats: list[FormatFit], context: int) -> str:
    """What to try when the plan does not fit: the most precise format that does (most weight
    bytes), else the command that lists GPUs holding the model at this context."""
    fitting = sorted((f for f in formats if f.fits), key=lambda f: -f.weights_gb)
    if fitting:
        names = [f.quant.removesuffix(AS_RELEASED) for f in fitting]
        return f"fits as {', '.join(names)}: pass --quant {names[0]}"
    return (
        f"no format fits at {context:,} tokens on these GPUs; "
        f"`llmpick hardware {model.id} --context {context}` lists GPUs that hold it"
    )


def _context(model: ModelCard, context: int | None) -> tuple[int, str]:
    if context is None:
        chosen = default_context(model)
        return chosen, (
            f"default {chosen:,} tokens (the model supports {model.context_tokens:,}; "
            "pass --context to plan for more)"
        )
    if context > model.context_tokens:
        raise UsageError(
            f"--context {context:,} exceeds {model.id}'s maximum of {model.context_tokens:,}",
            hint=f"use --context {model.context_tokens} or less",
        )
    return context, f"{context:,} tokens as requested"


def _r(x: float) -> float:
    return round(x, 2)


def _totals(planner: Planner, est: Estimate, context: int, batch: int) -> dict[str, object]:
    """The contract's GB figures: all-GPU sums (with replication), and the busiest GPU."""
    gpus = est.layout.gpus
    kv_all = planner.kv.total(context, batch) * planner.kv.tp_shard * est.layout.tp / GB
    weights_all = est.weights_gb * gpus if est.layout.pp == 1 else planner.weights.total / GB
    total = weights_all + kv_all + (est.activation_gb + est.overhead_gb) * gpus
    return {
        "weights_gb": _r(weights_all),
        "kv_cache_gb": _r(kv_all),
        "activation_gb": _r(est.activation_gb * gpus),
        "overhead_gb": _r(est.overhead_gb * gpus),
        "total_gb": _r(total),
        "available_gb": _r(est.per_gpu_available_gb * gpus),
        "per_gpu_gb": _r(est.per_gpu_gb),
        "per_gpu_available_gb": _r(est.per_gpu_available_gb),
        "headroom_gb": _r(est.headroom_gb),
        "fits": est.fits,
    }


def _parts(planner: Planner, est: Estimate, context: int, batch: int) -> list[MemoryPart]:
    w = planner.weights
    fmt = planner.format
    tp, pp = est.layout.tp, est.layout.pp
    shard = f" on 1 of {est.layout.gpus} GPUs (TP {tp} x PP {pp})" if est.layout.gpus > 1 else ""
    weights_detail = (
        f"{fmt.name} ({fmt.description}); decoder layers {w.layers / GB:.2f} GB, "
        f"K/V projections {w.kv_proj / GB:.2f} GB, embeddings {w.embed / GB:.2f} GB"
        + (" (kept in host memory by llama.cpp)" if w.host_embed else "")
        + f", output head {w.head / GB:.2f} GB"
        + (f", vision/audio encoder {w.encoder / GB:.2f} GB" if w.encoder else "")
        + f"; total {w.total / GB:.2f} GB{shard}"
    )
    kv = planner.kv
    kv_detail = (
        f"{batch} x {context:,} tokens; "
        + "; ".join(kv.lines)
        + (f"; x{kv.tp_shard:.3g} per TP rank" if tp > 1 else "")
        + (f"; layers split over {pp} stages" if pp > 1 else "")
    )
    profile = PROFILES[planner.engine]
    _, act_detail = activation_bytes(planner.model, profile, planner.hw.gpu, tp, context, batch)
    return [
        MemoryPart(name="weights", gb=_r(est.weights_gb), detail=weights_detail),
        MemoryPart(name="kv_cache", gb=_r(est.kv_gb), detail=kv_detail),
        MemoryPart(name="activation", gb=_r(est.activation_gb), detail=act_detail),
        MemoryPart(name="overhead", gb=_r(est.overhead_gb), detail=_overhead_detail(planner, tp)),
    ]


def _overhead_detail(planner: Planner, tp: int) -> str:
    profile = PROFILES[planner.engine]
    base = profile.runtime_overhead_gb(tp)
    text = f"runtime outside tensors {base:.2f} GB"
    if base in (NON_TORCH_GB, NON_TORCH_TP_GB):
        text += " (vLLM's measured non-torch memory: CUDA context, workspaces, NCCL under TP)"
    reserved = profile.reserved_gb(planner.hw.gpu)
    if reserved:
        text += f"; engine reserve {reserved:.2f} GB"
    return text


def _basis(planner: Planner, est: Estimate, context: int, batch: int) -> list[str]:
    gpu = planner.hw.gpu
    profile = PROFILES[planner.engine]
    capacity = gpu_capacity_gb(gpu)
    lines = [
        f"GB = 10^9 bytes; {gpu.name}: {gpu.memory_gib:g} GiB = {gpu.memory_gb:.2f} GB, of which "
        + (
            f"{capacity:.2f} GB usable by the GPU (macOS caps wired GPU memory at ~75%)"
            if gpu.kind == "apple"
            else f"{capacity:.2f} GB driver-visible ({DRIVER_VISIBLE:.1%}, as vLLM logs on an H100)"
        ),
    ]
    package = planner.hw.package
    if package is not None:
        lines.append(
            f"each {package.name} is {package.devices} {package.device_word}s, each its own device "
            f"to the engine: its {package.memory_gib:g} GiB, {package.bandwidth_gb_s:g} GB/s and "
            f"compute are split evenly, so {planner.hw.label} is {planner.hw.count} devices"
        )
    if profile.budget == "free":
        lines.append(
            f"{planner.engine} gives the KV cache {profile.budget_fraction:.0%} of the memory "
            "left after weights"
        )
    elif profile.budget_fraction < 1:
        lines.append(
            f"{planner.engine} budget: {profile.budget_fraction:.0%} of device memory "
            f"({est.per_gpu_available_gb:.2f} GB per GPU); the rest is headroom (CUDA graphs)"
        )
    else:
        lines.append(f"{planner.engine} may use all device memory ({capacity:.2f} GB per GPU)")
    lines.append(f"engine facts: {profile.source}")
    layout = est.layout
    if layout.gpus > 1:
        heads = planner.model.architecture.attention_heads
        lines.append(
            f"layout: tensor parallel {layout.tp} (divides {heads} attention heads) x "
            f"{layout.pp} pipeline stage(s) over {planner.hw.nodes} node(s)"
        )
    lines.append(decode_basis(planner, context, batch))
    tflops = gpu.bf16_tflops or gpu.fp16_tflops
    if tflops:
        lines.append(
            f"prefill (estimate): 2 x {active_params(planner.model) / 1e9:.1f}B active params "
            f"+ attention per token at {PREFILL_MFU:.0%} of {tflops:g} dense TFLOPS per GPU"
        )
    else:
        lines.append(f"prefill: no estimate ({gpu.name} has no published TFLOPS)")
    return lines


def decode_basis(planner: Planner, context: int, batch: int) -> str:
    """The decode step's parts, each with its figure, and what they were fitted to."""
    step = planner.decode_step(context, batch)
    dims = planner.dims
    eff = BANDWIDTH_EFFICIENCY[planner.engine]
    read = planner.bytes_read_per_step(context, batch) / GB
    parts = [
        f"{read:.2f} GB read / ({planner.hw.gpu.bandwidth_gb_s:g} GB/s x {eff:.0%} efficiency x "
        f"TP {planner.layout.tp}) = {step.bandwidth_s * 1e3:.2f} ms"
    ]
    if step.fixed_s:
        parts.append(f"{step.fixed_s * 1e3:.2f} ms fixed per step")
    if step.tp_sync_s:
        parts.append(
            f"{dims.layers} layers x {TP_SYNC_S_PER_LAYER * 1e6:.0f} us of all-reduce = "
            f"{step.tp_sync_s * 1e3:.2f} ms"
        )
    if step.moe_s:
        parts.append(
            f"{dims.moe_layers} MoE layers x {MOE_S_PER_LAYER * 1e6:.0f} us of routing = "
            f"{step.moe_s * 1e3:.2f} ms"
        )
    line = "decode (estimate): " + " + ".join(parts)
    if step.floor_s:
        line += (
            f"; eager launches take at least {dims.layers} layers x "
            f"{step.floor_s / dims.layers * 1e3:.2f} ms = {step.floor_s * 1e3:.2f} ms"
        )
    line += f"; {step.total_s * 1e3:.2f} ms a step"
    if step.fixed_s or step.floor_s:
        return line + " (fixed costs fitted to Qwen's published batch-1 speeds, docs/memory.md)"
    return line + (
        f" (no per-step cost measured for {planner.engine}: an upper limit for small models)"
    )


def format_rows(
    model: ModelCard, hw: Hardware, engine: Engine, kv_dtype: str, context: int, batch: int
) -> list[FormatFit]:
    """Every format the engine loads on these GPUs (not through emulation), at the same
    context and batch."""
    rows = []
    gpu = hw.gpu
    for fmt in formats_for(model, engine):
        name = (fmt or native_format(model)).name
        if not usable(engine, name, gpu.sm, gpu.llvm_target, model.fp8_kind, model.model_type):
            continue
        planner = Planner.build(model, hw, fmt, engine, kv_dtype)
        est = planner.estimate(context, batch)
        rows.append(
            FormatFit(
                quant=format_label(planner.format.name, fmt is None),
                weights_gb=_r(est.weights_gb),
                per_gpu_gb=_r(est.per_gpu_gb),
                fits=est.fits,
                max_context_tokens=planner.max_context(batch),
                decode_tokens_per_s=round(planner.decode_tokens_per_s(context, batch), 1),
            )
        )
    return rows


# --- fine-tuning ------------------------------------------------------------------------------

NF4 = FORMATS["nf4"]
ADAM_BYTES = 16  # mixed-precision AdamW: 2 weights + 2 grads + 12 (fp32 master, m, v); ZeRO paper


def lora_params(model: ModelCard, rank: int) -> int:
    """Adapter parameters: rank x (in + out) for every attention and dense/shared MLP matrix
    (routed experts are not adapted)."""
    total = 0
    for g in tensor_groups(model.architecture):
        if g.expert or g.role in ("token_embd", "output", "norm", "router", "encoder"):
            continue
        out = g.elements // g.ncols if g.ncols else 0
        total += rank * (g.ncols + out) * max(1, len(g.layers))
    return total


def _activation_per_token_layer(model: ModelCard) -> float:
    """Bytes a layer keeps per token for the backward pass (16-bit): the inputs of every
    matmul and norm, 2 x (4h + 3q + 2kv + 4i). Derived as in Korthikanti et al. 2022
    (arXiv 2205.05198) for a gated MLP and flash attention (no s^2 term)."""
    arch = model.architecture
    h = arch.hidden_size
    q = arch.attention_heads * arch.head_dim
    kv = arch.kv_heads * arch.head_dim
    moe = arch.moe
    if moe is not None:
        shared = moe.shared_expert_intermediate_size or (
            moe.shared_experts * moe.expert_intermediate_size
        )
        width = moe.experts_per_token * moe.expert_intermediate_size + shared
    else:
        width = arch.intermediate_size or 0
    return 2 * (4 * h + 3 * q + 2 * kv + 4 * width)


def finetune_parts(
    model: ModelCard, gpus: int, opts: PlanOptions, context: int
) -> list[tuple[str, float, str]]:
    """(name, bytes on each GPU, how) for a fine-tuning run."""
    arch = model.architecture
    counts = count_params(arch)
    total = counts.total
    parts: list[tuple[str, float, str]] = []
    if opts.mode == Mode.FULL:
        # ZeRO stage 3 / FSDP: weights, gradients and optimizer states sharded over the GPUs.
        parts.append(
            ("weights", total * 2 / gpus, f"{total / 1e9:.2f}B params x 2 B (bf16) / {gpus} GPU(s)")
        )
        parts.append(
            (
                "gradients_optimizer",
                total * (ADAM_BYTES - 2) / gpus,
                "2 B gradients + 12 B fp32 master, Adam m and v per param (ZeRO: 16 B per param "
                f"in all), sharded over {gpus} GPU(s)",
            )
        )
    else:
        if opts.mode == Mode.QLORA:
            kept = counts.embedding + counts.lm_head + counts.encoder + counts.norms
            weights = (total - kept) * NF4.bits / 8 + kept * 2
            desc = f"NF4 base ({NF4.bits:.3f} bits/weight) + 16-bit embeddings and head"
        else:
            weights = total * 2
            desc = "frozen 16-bit base"
        trainable = lora_params(model, opts.lora_rank)
        parts.append(("weights", weights, f"{desc}, replicated on every GPU (data parallel)"))
        parts.append(
            (
                "adapters_optimizer",
                trainable * ADAM_BYTES,
                f"LoRA rank {opts.lora_rank}: {trainable / 1e6:.1f}M params x 16 B (fp32 "
                "weights, gradients, Adam m and v)",
            )
        )
    tokens = context * opts.batch
    per_layer = _activation_per_token_layer(model)
    if opts.gradient_checkpointing:
        act = arch.layers * tokens * arch.hidden_size * 2 + per_layer * tokens
        how = (
            f"gradient checkpointing: {arch.layers} layer inputs x {tokens:,} tokens x "
            f"{arch.hidden_size} x 2 B + one layer recomputed ({per_layer:,.0f} B per token)"
        )
    else:
        act = arch.layers * per_layer * tokens
        how = f"{arch.layers} layers x {per_layer:,.0f} B per token x {tokens:,} tokens"
    act += tokens * arch.vocab_size * 6
    how += f"; logits {tokens:,} x {arch.vocab_size:,} x 6 B (bf16, then fp32 for the loss)"
    parts.append(("activation", act, how))
    overhead = (NON_TORCH_TP_GB if gpus > 1 else NON_TORCH_GB) * GB
    parts.append(("overhead", overhead, "CUDA context and workspaces (+ NCCL with several GPUs)"))
    return parts


def _finetune_plan(model: ModelCard, hw: Hardware, opts: PlanOptions) -> Plan:
    context, note = _context(model, opts.context)
    n = hw.count
    parts = finetune_parts(model, n, opts, context)
    per_gpu = sum(size for _, size, _ in parts) / GB
    available = gpu_capacity_gb(hw.gpu)

    def fits_at(seq: int) -> bool:
        return _finetune_gb(model, n, opts, seq) <= available

    passes = 4 if opts.gradient_checkpointing else 3  # forward + backward (2x) (+ recompute)
    tflops = hw.gpu.bf16_tflops or hw.gpu.fp16_tflops
    train_tps = (
        tflops * 1e12 * PREFILL_MFU * n / (2 * active_params(model) * passes) if tflops else None
    )
    size = {name: value / GB for name, value, _ in parts}
    max_context = largest(fits_at, 1, model.context_tokens)
    basis = (
        f"mode {opts.mode}: sequence {context:,} tokens x micro-batch {opts.batch} per GPU",
        "full fine-tuning shards weights, gradients and optimizer states (ZeRO-3/FSDP); "
        "LoRA and QLoRA replicate the base model on each GPU (data parallel)",
        "memory per parameter: ZeRO, Rajbhandari et al. 2020 (arXiv 1910.02054); NF4 with "
        "double quantization: QLoRA, Dettmers et al. 2023 (arXiv 2305.14314)",
        f"training speed (estimate): 2 x active params x {passes} passes per token at "
        f"{PREFILL_MFU:.0%} of {tflops} dense TFLOPS per GPU",
    )
    return Plan(
        model=model.id,
        model_name=model.name,
        quant="nf4" if opts.mode == Mode.QLORA else "bf16",
        engine="transformers + peft" if opts.mode != Mode.FULL else "transformers + ZeRO-3/FSDP",
        mode=str(opts.mode),
        context_tokens=context,
        context_note=note,
        batch=opts.batch,
        kv_dtype="n/a",
        gpus=hw.label,
        gpu=hw.gpu.id,
        gpu_count=n,
        nodes=hw.nodes,
        tensor_parallel_size=1,
        pipeline_parallel_size=1,
        weights_gb=_r(size["weights"] * n),
        kv_cache_gb=0.0,
        activation_gb=_r(size["activation"] * n),
        overhead_gb=_r(size["overhead"] * n),
        total_gb=_r(per_gpu * n),
        available_gb=_r(available * n),
        per_gpu_gb=_r(per_gpu),
        per_gpu_available_gb=_r(available),
        headroom_gb=_r(available - per_gpu),
        fits=per_gpu <= available,
        max_context_tokens=max_context,
        max_concurrent_sequences=0,
        decode_tokens_per_s=None,
        decode_tokens_per_s_total=None,
        prefill_tokens_per_s=None,
        train_tokens_per_s=round(train_tps, 0) if train_tps else None,
        parts=tuple(MemoryPart(name=k, gb=_r(v / GB), detail=d) for k, v, d in parts),
        formats=(),
        basis=basis,
        next_step=None
        if per_gpu <= available
        else finetune_next_step(model, hw, opts, context, max_context),
    )


def _finetune_gb(model: ModelCard, gpus: int, opts: PlanOptions, context: int) -> float:
    """GB per GPU that fine-tuning in `opts.mode` needs on `gpus` GPUs at `context` tokens."""
    return sum(size for _, size, _ in finetune_parts(model, gpus, opts, context)) / GB


CHEAPER_MODES = {Mode.FULL: (Mode.LORA, Mode.QLORA), Mode.LORA: (Mode.QLORA,), Mode.QLORA: ()}


def finetune_next_step(
    model: ModelCard, hw: Hardware, opts: PlanOptions, context: int, max_context: int
) -> str:
    """What to try when fine-tuning does not fit: a shorter sequence, a cheaper mode, more GPUs
    (full fine-tuning shards across them; LoRA and QLoRA copy the model to each), in that order."""
    if max_context:
        return f"fits with sequences up to {max_context:,} tokens: pass --context {max_context}"
    available = gpu_capacity_gb(hw.gpu)

    def fits(mode: Mode, count: int) -> bool:
        return _finetune_gb(model, count, replace(opts, mode=mode), context) <= available

    tries = [
        f"fits as --mode {mode} at {context:,} tokens"
        for mode in CHEAPER_MODES[opts.mode]
        if fits(mode, hw.count)
    ][:1]
    if opts.mode == Mode.FULL:
        count = hw.count * 2
        while count <= 4096 and not fits(Mode.FULL, count):
            count *= 2
        if count <= 4096:
            tries.append(
                f"full fine-tuning fits on {count} GPUs (ZeRO-3 shards it): "
                f"pass --gpu {hw.spec(count)}"
            )
    return "; ".join(tries) or (
        f"no mode fits at {context:,} tokens on {hw.gpu.name}: LoRA and QLoRA keep the whole "
        "base model on every GPU, so a GPU with more memory is needed"
    )
