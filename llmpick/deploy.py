"""`deploy`: the command or manifest that serves a model the way the planner sized it.

Every flag below exists in the engine release named in ENGINES; the tests check the generated
commands against the option lists recorded from the engines' own argument parsers
(tests/data/engines/*.json, written by bench/engine_flags.py). docs/deploy.md cites each flag.
"""

import re
from dataclasses import dataclass, field
from enum import StrEnum

from llmpick.engines import Engine, emulates, rocm_fp8, why_not_runs
from llmpick.errors import DeployError, UsageError
from llmpick.hardware import GPUS_PER_NODE, Hardware
from llmpick.memory import Estimate, Planner, default_context, smallest_replica
from llmpick.plan import check_kv_dtype, check_loads, resolve_format
from llmpick.quant import (
    AS_RELEASED,
    GGUF_DEFAULTS,
    Format,
    gguf_tag_for,
    gguf_tag_format,
    native_format,
)
from llmpick.records import DeployLayout, Deployment, DeployStep, FlagNote, ModelCard
from llmpick.weights import (
    OLLAMA_CONVERT_SOURCE,
    OLLAMA_CONVERTS,
    OLLAMA_QUANTIZE,
    ONLINE_QUANT,
    SIXTEEN_BIT,
    hf_origin,
    missing_gguf,
    online_quant,
    weights_for,
)


class Target(StrEnum):
    VLLM = "vllm"
    SGLANG = "sglang"
    LMDEPLOY = "lmdeploy"
    TGI = "tgi"
    OLLAMA = "ollama"
    LLAMA_CPP = "llama.cpp"
    KSERVE = "kserve"


@dataclass(frozen=True)
class EngineRelease:
    name: str
    release: str  # the release whose flags the generated commands use
    checked: str  # how the flags were checked
    docs: tuple[str, ...]
    planner: Engine  # whose memory rules size the deployment
    port: int
    replicas: str  # "flag": one command serves D replicas; "processes": one process each; "none"
    multi_node: bool


ENGINES: dict[Target, EngineRelease] = {
    Target.VLLM: EngineRelease(
        "vLLM",
        "0.33.0",
        "argument parser of vllm 0.33.0 (tests/data/engines/vllm-0.33.0.json)",
        (
            "https://docs.vllm.ai/en/v0.33.0/configuration/engine_args.html",
            "https://github.com/vllm-project/vllm/blob/f948f41e376e63c171fa7cbc4b88134501d5e5d8/docs/serving/parallelism_scaling.md",
        ),
        Engine.VLLM,
        8000,
        "flag",
        True,
    ),
    Target.SGLANG: EngineRelease(
        "SGLang",
        "0.5.23",
        "argument parser of sglang 0.5.23 (tests/data/engines/sglang-0.5.23.json)",
        (
            "https://github.com/sgl-project/sglang/blob/b36e8e198b71553316b55bce53de6ecf9b3a9a47/docs/advanced_features/server_arguments.md",
        ),
        Engine.SGLANG,
        30000,
        "flag",
        True,
    ),
    Target.LMDEPLOY: EngineRelease(
        "LMDeploy",
        "0.18.0",
        "argument parser of lmdeploy 0.18.0 (tests/data/engines/lmdeploy-0.18.0.json)",
        ("https://github.com/InternLM/lmdeploy/blob/v0.16.0/lmdeploy/cli/utils.py",),
        Engine.LMDEPLOY,
        23333,
        "processes",
        False,
    ),
    Target.TGI: EngineRelease(
        "Text Generation Inference",
        "3.3.7",
        "the launcher reference of TGI v3.3.7 (a Rust binary, not installable here)",
        (
            "https://github.com/huggingface/text-generation-inference/blob/v3.3.7/docs/source/reference/launcher.md",
        ),
        Engine.TGI,
        3000,
        "processes",
        False,
    ),
    Target.OLLAMA: EngineRelease(
        "Ollama",
        "0.33.0-rc2",
        "envconfig/config.go and docs/import.mdx of ollama v0.33.0-rc2",
        (
            "https://github.com/ollama/ollama/blob/fb30760996871fa9460115c753afd2c60d4ab0f7/envconfig/config.go",
            "https://github.com/ollama/ollama/blob/fb30760996871fa9460115c753afd2c60d4ab0f7/docs/import.mdx",
            "https://github.com/ollama/ollama/blob/v0.32.15/docs/faq.mdx",
        ),
        Engine.OLLAMA,
        11434,
        "none",
        False,
    ),
    Target.LLAMA_CPP: EngineRelease(
        "llama.cpp (llama-server)",
        "master, 2025-26 builds",
        "the server README and common/arg.cpp (C++, not built here)",
        (
            "https://github.com/ggml-org/llama.cpp/blob/25d5b0c53f9a146f3d7a99a18610d9d623b5041e/tools/server/README.md",
            "https://github.com/ggml-org/llama.cpp/blob/145b6280d6aa1890e22457143dad0badb3fd6820/common/arg.cpp",
        ),
        Engine.LLAMA_CPP,
        8080,
        "processes",
        False,
    ),
    Target.KSERVE: EngineRelease(
        "KServe (Hugging Face runtime, vLLM backend)",
        "0.20.0",
        "KServe v0.20.0 types and samples; its runtime passes vLLM 0.24 flags through",
        (
            "https://github.com/kserve/kserve/blob/v0.20.0/python/huggingfaceserver/README.md",
            "https://github.com/kserve/kserve/blob/v0.20.0/pkg/apis/serving/v1beta1/predictor.go",
            "https://github.com/kserve/website/blob/05b83a6c/docs/model-serving/generative-inference/multi-node/multi-node.md",
        ),
        Engine.VLLM,
        8080,
        "flag",
        True,
    ),
}

HOST = "0.0.0.0"
# A name for the head node in multi-node commands: the user substitutes its address.
HEAD = "NODE0_IP"
# LMDeploy's --model-format for pre-quantized checkpoints ("awq and gptq refer to 4-bit").
LMDEPLOY_FORMAT = {"awq": "awq", "gptq-int4": "gptq", "fp8": "fp8", "mxfp4": "mxfp4"}
# KV cache dtypes as each engine spells them.
KV_FLAG = {
    Target.VLLM: {"fp8": "fp8", "bf16": "bfloat16", "fp16": "float16"},
    Target.KSERVE: {"fp8": "fp8", "bf16": "bfloat16", "fp16": "float16"},
    Target.SGLANG: {"fp8": "fp8_e4m3", "bf16": "bf16"},
    Target.TGI: {"fp8": "fp8_e4m3fn"},
    Target.LMDEPLOY: {"q8_0": "8", "q4_0": "4"},
    Target.LLAMA_CPP: {"q8_0": "q8_0", "q4_0": "q4_0", "fp16": "f16"},
    Target.OLLAMA: {"q8_0": "q8_0", "q4_0": "q4_0", "fp16": "f16"},
}


@dataclass(frozen=True)
class DeployOptions:
    target: Target
    context: int | None = None
    quant: str | None = None
    kv_dtype: str = "auto"
    repo: str | None = None  # a quantized repository the catalog does not list
    name: str | None = None  # served name, Kubernetes object name


@dataclass
class Builder:
    """Collects the steps, flag explanations and notes of one deployment."""

    steps: list[DeployStep] = field(default_factory=list)
    flags: list[FlagNote] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dtype: str | None = None  # the engine's --dtype value when it casts the 16-bit checkpoint

    def flag(self, argv: list[str], flag: str, value: object | None, why: str) -> None:
        argv.append(flag)
        if value is not None:
            argv.append(str(value))
        self.flags.append(FlagNote(flag=flag, value=None if value is None else str(value), why=why))


def deploy(model: ModelCard, hw: Hardware, opts: DeployOptions) -> Deployment:
    """Size the deployment with the planner, then write the engine's command or manifest."""
    spec = ENGINES[opts.target]
    engine = spec.planner
    refused = why_not_runs(engine, hw.product)
    if refused:
        raise UsageError(f"{spec.name} {refused[0]}", hint=refused[1])
    check_kv_dtype(opts.kv_dtype, engine)
    fmt = resolve_format(model, opts.quant, engine)
    context = opts.context or default_context(model)
    if context > model.context_tokens:
        raise UsageError(
            f"--context {context:,} exceeds {model.id}'s maximum of {model.context_tokens:,}",
            hint=f"use --context {model.context_tokens} or less",
        )
    replica, planner, est = smallest_replica(model, hw, fmt, engine, opts.kv_dtype, context)
    effective = planner.format
    gpu = hw.gpu
    # --repo's FP8 scaling is not known: where it decides whether vLLM loads, say so instead.
    repo_fp8 = rocm_fp8(engine, effective.name, gpu.llvm_target, None) != "native"
    if not (opts.repo and repo_fp8):
        check_loads(model, engine, effective, hw)
    if not est.fits:
        return _not_fitting(model, hw, opts, planner, est, context)
    layout = _layout(hw, replica, spec, est)
    build = Builder()
    if opts.repo and repo_fp8:
        build.notes.append(
            f"{engine} loads FP8 on {gpu.name} ({gpu.llvm_target}) only from block-scaled "
            f"checkpoints, through a Triton kernel that emulates FP8; llmpick has not read how "
            f"{opts.repo} is scaled"
        )
    elif emulated := emulates(engine, effective.name, gpu, model.fp8_kind):
        build.notes.append(emulated)
    repo, quant_flag = _weights(model, effective, fmt, opts, build)
    name = opts.name or _slug(model)
    match opts.target:
        case Target.VLLM:
            _vllm(build, repo, quant_flag, layout, context, opts.kv_dtype)
        case Target.SGLANG:
            _sglang(build, repo, quant_flag, layout, context, opts.kv_dtype)
        case Target.LMDEPLOY:
            _lmdeploy(build, repo, effective, layout, context, opts.kv_dtype, hw.gpu.vendor)
        case Target.TGI:
            awq_on_rocm = effective.name == "awq" and hw.gpu.vendor == "amd"
            _tgi(build, repo, quant_flag, layout, context, opts.kv_dtype, awq_on_rocm)
        case Target.LLAMA_CPP:
            if repo == model.id:
                # -hf fetches GGUF files only; the model's own repository holds safetensors.
                raise DeployError(
                    f"{model.id} has no official GGUF release, and llama-server -hf downloads "
                    "GGUF files only",
                    hint="pass --repo with a GGUF repository you trust, or convert the checkpoint "
                    "with llama.cpp's convert_hf_to_gguf.py and serve the file with -m",
                )
            tag = _gguf_tag(model, repo, effective, build)
            _llama_cpp(build, repo, tag, layout, context, opts.kv_dtype)
        case Target.OLLAMA:
            library = opts.quant is None and opts.repo is None
            tag = _gguf_type(effective)
            if not (library and model.ollama_tag) and repo == model.quantized.get("gguf"):
                if missing_gguf(model, effective) and effective.name.lower() in OLLAMA_QUANTIZE:
                    repo = model.id  # ollama create quantizes the safetensors to this type itself
                else:
                    tag = _gguf_tag(model, repo, effective, build)
            _ollama(
                build, model, repo, tag, effective, library, layout, context, opts.kv_dtype, name
            )
        case Target.KSERVE:
            _kserve(build, model, hw, repo, quant_flag, layout, context, opts.kv_dtype, name)
    sequences = planner.max_batch(context)
    if sequences < 4:
        build.notes.append(
            f"only {sequences} sequence(s) of {context:,} tokens fit per copy: enough to try, "
            "little for traffic; `llmpick cost` compares copy sizes by throughput"
        )
    main = next((s for s in build.steps if s.main), None)
    return Deployment(
        model=model.id,
        engine=str(opts.target),
        engine_name=spec.name,
        engine_release=spec.release,
        checked_against=spec.checked,
        gpus=hw.label,
        quant=effective.name,
        repo=repo,
        context_tokens=context,
        kv_dtype=opts.kv_dtype,
        fits=True,
        layout=layout,
        per_gpu_gb=round(est.per_gpu_gb, 2),
        per_gpu_available_gb=round(est.per_gpu_available_gb, 2),
        headroom_gb=round(est.headroom_gb, 2),
        max_concurrent_sequences=sequences,
        decode_tokens_per_s=round(planner.decode_tokens_per_s(context, 1), 1),
        command=main.shell_line() if main else None,
        manifest=next(
            (s.content for s in build.steps if s.file and s.file.endswith(".yaml")), None
        ),
        steps=tuple(build.steps),
        flags=tuple(build.flags),
        notes=tuple(build.notes),
        sources=spec.docs,
    )


# --- sizing -----------------------------------------------------------------------------


def _layout(hw: Hardware, replica: Hardware, spec: EngineRelease, est: Estimate) -> DeployLayout:
    replicas = hw.count // replica.count
    if spec.replicas == "none":
        replicas = 1
    idle = hw.count - replicas * replica.count
    if est.layout.gpus > GPUS_PER_NODE and not spec.multi_node:
        raise DeployError(
            f"{spec.name} does not serve one model across nodes, and it needs "
            f"{est.layout.gpus} GPUs ({replica.nodes} nodes)",
            hint="use --engine vllm, sglang or kserve for multi-node serving",
        )
    used = replicas * replica.count
    hosts = -(-used // GPUS_PER_NODE) if hw.gpu.kind != "apple" else 1
    if hosts > 1 and used % GPUS_PER_NODE:
        raise DeployError(
            f"{used} GPUs make {hosts} hosts of unequal size (nodes hold {GPUS_PER_NODE}), and "
            "every host runs the same commands",
            hint=f"give a multiple of {GPUS_PER_NODE} GPUs, or at most {GPUS_PER_NODE}",
        )
    return DeployLayout(
        gpus=hw.count,
        gpus_per_replica=replica.count,
        replicas=replicas,
        tensor_parallel_size=est.layout.tp,
        pipeline_parallel_size=est.layout.pp,
        nodes_per_replica=replica.nodes,
        idle_gpus=idle,
        hosts=hosts,
    )


def _local_replicas(layout: DeployLayout) -> int:
    """Replicas one host's command serves: all of them on one host; per host when each fits in
    a node; one when a replica spans nodes (its steps are repeated per group of nodes)."""
    if layout.hosts == 1:
        return layout.replicas
    if layout.nodes_per_replica == 1:
        return layout.replicas // layout.hosts
    return 1


def _across_hosts(b: Builder, layout: DeployLayout) -> None:
    """Say how the steps repeat when the replicas are spread over several hosts."""
    if layout.hosts == 1 or layout.replicas == 1:
        return
    if layout.nodes_per_replica == 1:
        b.notes.append(
            f"run these steps on each of the {layout.hosts} GPU hosts "
            f"({_local_replicas(layout)} replica(s) each) and put a load balancer in front of "
            "their endpoints"
        )
    else:
        b.notes.append(
            f"these steps serve one of the {layout.replicas} replicas on "
            f"{layout.nodes_per_replica} nodes; repeat them on each group of "
            f"{layout.nodes_per_replica} nodes and put a load balancer in front of the groups"
        )


def _not_fitting(
    model: ModelCard,
    hw: Hardware,
    opts: DeployOptions,
    planner: Planner,
    est: Estimate,
    context: int,
) -> Deployment:
    """The verdict when even all GPUs are too small, with what would fit instead."""
    from llmpick.plan import format_rows

    engine = ENGINES[opts.target].planner
    alternatives = []
    for row in format_rows(model, hw, engine, opts.kv_dtype, context, 1):
        # The checkpoint's own row is labelled "fp8 (as released)"; --quant takes the name.
        name = row.quant.removesuffix(AS_RELEASED)
        if row.fits and name != planner.format.name and _deployable(model, opts, name):
            alternatives.append(
                f"--quant {row.quant}: {row.per_gpu_gb:.1f} GB per GPU on {hw.label}"
            )
    longest = planner.max_context(1)
    if longest:
        alternatives.append(f"--context {longest}: the longest context that fits as planned")
    for count in (2, 4, 8, 16, 32, 64):
        if count <= hw.count:
            continue
        bigger = Planner.build(model, hw.resized(count), planner.fmt, engine, opts.kv_dtype)
        if bigger.estimate(context, 1).fits:
            alternatives.append(f"--gpu {hw.spec(count)}: fits as planned")
            break
    alternatives.append(f"llmpick hardware {model.id} --context {context}: every GPU that fits")
    return Deployment(
        model=model.id,
        engine=str(opts.target),
        engine_name=ENGINES[opts.target].name,
        engine_release=ENGINES[opts.target].release,
        checked_against=ENGINES[opts.target].checked,
        gpus=hw.label,
        quant=planner.format.name,
        repo=model.id,
        context_tokens=context,
        kv_dtype=opts.kv_dtype,
        fits=False,
        layout=DeployLayout(
            gpus=hw.count,
            gpus_per_replica=hw.count,
            replicas=0,
            tensor_parallel_size=est.layout.tp,
            pipeline_parallel_size=est.layout.pp,
            nodes_per_replica=hw.nodes,
            idle_gpus=hw.count,
        ),
        per_gpu_gb=round(est.per_gpu_gb, 2),
        per_gpu_available_gb=round(est.per_gpu_available_gb, 2),
        headroom_gb=round(est.headroom_gb, 2),
        max_concurrent_sequences=0,
        decode_tokens_per_s=None,
        command=None,
        manifest=None,
        steps=(),
        flags=(),
        notes=(),
        sources=ENGINES[opts.target].docs,
        reason=(
            f"{model.id} ({planner.format.name}) needs {est.per_gpu_gb:.1f} GB per GPU at "
            f"{context:,} tokens on {hw.label} (TP {est.layout.tp} x PP {est.layout.pp}); "
            f"{ENGINES[opts.target].name} may use {est.per_gpu_available_gb:.1f} GB"
        ),
        alternatives=tuple(alternatives),
    )


def _deployable(model: ModelCard, opts: DeployOptions, quant: str) -> bool:
    """Whether `deploy --quant quant` can find or make these weights."""
    return bool(opts.repo) or weights_for(model, quant, opts.target).origin != "none"


# --- weights ----------------------------------------------------------------------------


def _weights(
    model: ModelCard, effective: Format, fmt: Format | None, opts: DeployOptions, b: Builder
) -> tuple[str, str | None]:
    """The repository to load and the engine's quantization value (None: detected)."""
    target = opts.target
    if target == Target.OLLAMA and model.ollama_tag and opts.quant is None and not opts.repo:
        return model.ollama_tag, None  # the Ollama library's own build
    if target in (Target.LLAMA_CPP, Target.OLLAMA):
        repo = opts.repo or model.quantized.get("gguf") or model.id
        return repo, None
    if opts.repo:
        b.notes.append(f"weights from {opts.repo} (given with --repo; not checked by llmpick)")
        return opts.repo, None
    native = native_format(model).name
    if fmt is None or effective.name == native:
        return model.id, None
    if hf_origin(native, effective.name, (), target) == "as-released":
        b.dtype = "float16"  # the one 16-bit cast hf_origin allows: bf16 weights served as fp16
        b.notes.append(
            f"the engine casts the {native} checkpoint to {effective.name} as it loads (the same "
            "bytes); float16 overflows above 65,504, where bfloat16 does not, so compare its "
            "answers with the checkpoint's own dtype"
        )
        return model.id, None
    official = model.quantized.get(effective.name)
    if official:
        b.notes.append(
            f"{official} is {model.vendor}'s own {effective.name} release; the engine reads "
            "its quantization from the checkpoint's config"
        )
        return official, None
    online = online_quant(model, target, effective.name)
    if online:
        b.notes.append(
            f"{effective.name} is applied by the engine at load time to the 16-bit checkpoint "
            "(no official quantized release)"
        )
        return model.id, online
    # What --quant can choose instead: the checkpoint as released, the vendor's own quantized
    # releases, and what the engine quantizes at load time (only from 16-bit weights).
    others = set(model.quantized) | (
        set(ONLINE_QUANT.get(target, {})) if native in SIXTEEN_BIT else set()
    )
    choices = [native + AS_RELEASED] + sorted(others - {"gguf", native, effective.name})
    why = (
        f"{ENGINES[target].name} quantizes to {effective.name} at load time only from 16-bit "
        f"weights (this checkpoint is {native})"
        if effective.name in ONLINE_QUANT.get(target, {})
        else f"{ENGINES[target].name} does not quantize to {effective.name} at load time"
    )
    raise DeployError(
        f"{model.id} has no official {effective.name} release, and {why}",
        hint="pass --repo with a quantized repository you trust, or choose --quant "
        + ", ".join(choices),
    )


def _slug(model: ModelCard) -> str:
    """A DNS-1123 name for Kubernetes and Ollama: lower case, digits and dashes."""
    name = model.id.split("/", 1)[1].lower()
    return re.sub(r"[^a-z0-9]+", "-", name).strip("-")[:50].strip("-")


# --- engines ----------------------------------------------------------------------------


def _parallel_why(layout: DeployLayout) -> str:
    return (
        f"{layout.tensor_parallel_size} GPUs share every layer (the size divides the model's "
        "attention heads, which the engine checks at startup)"
    )


def _vllm(
    b: Builder, repo: str, quant: str | None, layout: DeployLayout, context: int, kv: str
) -> None:
    argv = ["vllm", "serve", repo]
    b.flag(argv, "--tensor-parallel-size", layout.tensor_parallel_size, _parallel_why(layout))
    if layout.pipeline_parallel_size > 1:
        b.flag(
            argv,
            "--pipeline-parallel-size",
            layout.pipeline_parallel_size,
            "layers split into stages, one per node (vLLM's multi-node layout)",
        )
    local = _local_replicas(layout)
    if local > 1:
        b.flag(
            argv,
            "--data-parallel-size",
            local,
            f"{local} copies of the model behind one endpoint: it fits on "
            f"{layout.gpus_per_replica} GPU(s), so more sharding would only add communication",
        )
    b.flag(argv, "--max-model-len", context, "the context the plan was sized for")
    b.flag(
        argv,
        "--gpu-memory-utilization",
        0.9,
        "vLLM's default share of each GPU, the budget the plan used",
    )
    _load_flags(b, argv, Target.VLLM, "--quantization", quant, kv)
    if layout.nodes_per_replica > 1:
        b.flag(
            argv,
            "--distributed-executor-backend",
            "ray",
            "vLLM runs multi-node serving on a Ray cluster",
        )
    b.flag(argv, "--host", HOST, "listen on every interface")
    b.flag(argv, "--port", ENGINES[Target.VLLM].port, "vLLM's default port")
    if layout.nodes_per_replica > 1:
        b.steps.append(
            DeployStep(
                title="Start the Ray head",
                host="node 0",
                argv=("ray", "start", "--head", "--port=6379"),
            )
        )
        b.steps.append(
            DeployStep(
                title="Join the Ray cluster",
                host="node 1"
                if layout.nodes_per_replica == 2
                else f"nodes 1-{layout.nodes_per_replica - 1}",
                argv=("ray", "start", f"--address={HEAD}:6379"),
            )
        )
        b.notes.append(
            f"every node needs the same vLLM release and the weights (or access to the Hub); "
            f"replace {HEAD} with node 0's address"
        )
    b.steps.append(DeployStep(title="Serve", host=_where(layout), argv=tuple(argv), main=True))
    _across_hosts(b, layout)


def _load_flags(
    b: Builder, argv: list[str], target: Target, quant_flag: str, quant: str | None, kv: str
) -> None:
    """The cast, load-time quantization and the KV cache type, as this engine spells them."""
    if b.dtype:
        b.flag(argv, "--dtype", b.dtype, "cast the 16-bit checkpoint to the planned format")
    if quant:
        b.flag(argv, quant_flag, quant, "quantize the 16-bit weights at load time")
    if kv in KV_FLAG[target]:
        b.flag(argv, "--kv-cache-dtype", KV_FLAG[target][kv], "the planned KV cache type")


def _where(layout: DeployLayout) -> str:
    if layout.nodes_per_replica > 1:
        return "node 0"
    return "each GPU host" if layout.hosts > 1 else "the GPU host"


def _sglang(
    b: Builder, repo: str, quant: str | None, layout: DeployLayout, context: int, kv: str
) -> None:
    argv = ["python", "-m", "sglang.launch_server"]
    b.flag(argv, "--model-path", repo, "the weights to serve")
    b.flag(argv, "--tp-size", layout.tensor_parallel_size, _parallel_why(layout))
    if layout.pipeline_parallel_size > 1:
        b.flag(argv, "--pp-size", layout.pipeline_parallel_size, "layers split into stages")
    local = _local_replicas(layout)
    if local > 1:
        b.flag(
            argv,
            "--dp-size",
            local,
            f"{local} copies of the model: it fits on {layout.gpus_per_replica} GPU(s)",
        )
    b.flag(argv, "--context-length", context, "the context the plan was sized for")
    _load_flags(b, argv, Target.SGLANG, "--quantization", quant, kv)
    b.flag(argv, "--host", HOST, "listen on every interface")
    b.flag(argv, "--port", ENGINES[Target.SGLANG].port, "SGLang's default port")
    b.notes.append(
        "SGLang sizes its static memory share (--mem-fraction-static) from the GPU at startup; "
        "the plan models that rule, so the flag is left to SGLang"
    )
    nodes = layout.nodes_per_replica
    _across_hosts(b, layout)
    if nodes == 1:
        b.steps.append(DeployStep(title="Serve", host=_where(layout), argv=tuple(argv), main=True))
        return
    b.flags.append(FlagNote(flag="--nnodes", value=str(nodes), why="the nodes one copy spans"))
    b.flags.append(FlagNote(flag="--node-rank", value="0..", why="this node's rank"))
    b.flags.append(
        FlagNote(flag="--dist-init-addr", value=f"{HEAD}:50000", why="node 0 coordinates")
    )
    for rank in range(nodes):
        extra = ["--nnodes", str(nodes), "--node-rank", str(rank), "--dist-init-addr"]
        b.steps.append(
            DeployStep(
                title="Serve (run on every node at once)",
                host=f"node {rank}",
                argv=(*argv, *extra, f"{HEAD}:50000"),
                main=rank == 0,
            )
        )
    b.notes.append(f"replace {HEAD} with node 0's address; every node runs its command")


def _lmdeploy(
    b: Builder, repo: str, fmt: Format, layout: DeployLayout, context: int, kv: str, vendor: str
) -> None:
    _tensor_parallel_only("LMDeploy", layout)
    tp = layout.tensor_parallel_size
    if tp & (tp - 1):
        raise DeployError(f"LMDeploy's --tp must be a power of two, and this plan needs {tp}")
    argv = ["lmdeploy", "serve", "api_server", repo]
    if vendor == "amd":
        # setup.py builds TurboMind only for LMDEPLOY_TARGET_DEVICE=cuda; a ROCm install has the
        # PyTorch engine alone, which takes the same flags below.
        b.flag(argv, "--backend", "pytorch", "LMDeploy's ROCm build has no TurboMind engine")
    else:
        b.flag(argv, "--backend", "turbomind", "LMDeploy's default engine")
    b.flag(argv, "--tp", tp, _parallel_why(layout))
    b.flag(argv, "--session-len", context, "the context the plan was sized for")
    b.flag(
        argv,
        "--cache-max-entry-count",
        0.8,
        "LMDeploy's default: 80% of the memory the weights leave goes to the KV cache",
    )
    if b.dtype:
        b.flag(argv, "--dtype", b.dtype, "cast the 16-bit checkpoint to the planned format")
    if fmt.name in LMDEPLOY_FORMAT and fmt.name not in ("bf16", "fp16"):
        b.flag(argv, "--model-format", LMDEPLOY_FORMAT[fmt.name], "the checkpoint's format")
    if kv in KV_FLAG[Target.LMDEPLOY]:
        b.flag(
            argv,
            "--quant-policy",
            KV_FLAG[Target.LMDEPLOY][kv],
            "integer KV cache (8 = int8, 4 = int4)",
        )
    b.flag(argv, "--server-name", HOST, "listen on every interface")
    if vendor == "amd":
        b.notes.append(
            "install LMDeploy for ROCm: LMDEPLOY_TARGET_DEVICE=rocm pip install "
            "git+https://github.com/InternLM/lmdeploy.git (LMDeploy's installation guide)"
        )
    else:
        b.notes.append(
            "TurboMind supports a fixed list of architectures; if it refuses this one, "
            "use --backend pytorch"
        )
    _per_process(b, argv, layout, "--server-port", ENGINES[Target.LMDEPLOY].port)


def _tensor_parallel_only(engine: str, layout: DeployLayout) -> None:
    if layout.pipeline_parallel_size > 1:
        raise DeployError(
            f"{engine} splits a model by tensor parallelism only, and this plan needs "
            f"{layout.pipeline_parallel_size} pipeline stages",
            hint="use --engine vllm or sglang",
        )


def _per_process(
    b: Builder, argv: list[str], layout: DeployLayout, port_flag: str, port: int
) -> None:
    """One server per replica, each on its own GPUs and port."""
    per = layout.gpus_per_replica
    local = _local_replicas(layout)
    b.flags.append(FlagNote(flag=port_flag, value=str(port), why="the engine's default port"))
    if local == 1:
        b.steps.append(
            DeployStep(
                title="Serve", host=_where(layout), argv=(*argv, port_flag, str(port)), main=True
            )
        )
        _across_hosts(b, layout)
        return
    for i in range(local):
        gpus = ",".join(str(g) for g in range(i * per, (i + 1) * per))
        b.steps.append(
            DeployStep(
                title=f"Serve replica {i + 1} of {local}",
                host=_where(layout),
                argv=(*argv, port_flag, str(port + i)),
                env={"CUDA_VISIBLE_DEVICES": gpus},
                main=i == 0,
            )
        )
    where = f" on each of the {layout.hosts} GPU hosts" if layout.hosts > 1 else ""
    b.notes.append(
        f"{local} independent servers{where} (the model fits on {per} GPU(s)); put a load "
        "balancer in front of their ports"
    )


def _tgi(
    b: Builder,
    repo: str,
    quant: str | None,
    layout: DeployLayout,
    context: int,
    kv: str,
    awq_on_rocm: bool,
) -> None:
    _tensor_parallel_only("TGI", layout)
    argv = ["text-generation-launcher"]
    b.flag(argv, "--model-id", repo, "the weights to serve")
    b.flag(argv, "--num-shard", layout.tensor_parallel_size, _parallel_why(layout))
    b.flag(argv, "--max-input-tokens", context - 1, "the prompt may use all but one token")
    b.flag(argv, "--max-total-tokens", context, "the context the plan was sized for")
    if awq_on_rocm:
        # TGI 3.3.7 has no AWQ GEMM kernel on ROCm: it raises at load and names `--quantize
        # gptq`, which converts AWQ weights to GPTQ's layout (server/text_generation_server/
        # layers/gptq/__init__.py, GPTQWeight.get_linear and GPTQWeightsLoader).
        b.flag(argv, "--quantize", "gptq", "no AWQ kernel on ROCm: load the AWQ weights as GPTQ")
    _load_flags(b, argv, Target.TGI, "--quantize", quant, kv)
    b.flag(argv, "--hostname", HOST, "listen on every interface")
    b.notes.append(
        "TGI is in maintenance mode since v3.3.7 (its README recommends vLLM, SGLang or llama.cpp)"
    )
    _per_process(b, argv, layout, "--port", ENGINES[Target.TGI].port)


def _gguf_type(fmt: Format) -> str:
    return fmt.name.upper() if fmt.name != "mxfp4" else "MXFP4"


def _gguf_tag(model: ModelCard, repo: str, fmt: Format, b: Builder) -> str:
    """The tag that selects the planned type's file (llama-server -hf repo:TAG), checked against
    the files the catalog records for the vendor's GGUF repository; --repo is not checked."""
    tag = _gguf_type(fmt)
    if repo != model.quantized.get("gguf"):
        return tag
    files = model.gguf_files
    if files is None:
        b.notes.append(
            f"the catalog does not record which GGUF files {repo} holds; the download stops "
            f"with an error if it has no {tag} file"
        )
        return tag
    found = gguf_tag_for(fmt, files.tags)
    if found:
        return found
    listed = ", ".join(files.tags)
    if files.complete:
        sized = [f for t in files.tags if (f := gguf_tag_format(t)) is not None]
        rank = {name: i for i, name in enumerate(GGUF_DEFAULTS)}
        sized.sort(key=lambda f: rank.get(f.name, len(rank)))  # the default pick's order first
        raise DeployError(
            f"{repo} holds no {tag} file; its GGUF files are {listed}",
            hint=(f"use --quant {', '.join(f.name.lower() for f in sized)}, or " if sized else "")
            + f"pass --repo with a GGUF repository that has {tag}",
        )
    b.notes.append(
        f"of {repo}'s GGUF files the catalog records only {listed}, not {tag}; the download "
        f"stops with an error if it has no {tag} file"
    )
    return tag


def _llama_cpp(
    b: Builder, repo: str, tag: str, layout: DeployLayout, context: int, kv: str
) -> None:
    argv = ["llama-server"]
    b.flag(
        argv,
        "-hf",
        f"{repo}:{tag}",
        f"download the {tag} GGUF file from the Hugging Face repository (tags match file names "
        "case-insensitively)",
    )
    b.flag(argv, "-c", context, "the context the plan was sized for (one slot)")
    b.flag(argv, "-ngl", 999, "offload every layer to the GPU(s)")
    if layout.gpus_per_replica > 1:
        b.flag(argv, "-sm", "layer", "split layers and KV cache across the GPUs")
    if kv in KV_FLAG[Target.LLAMA_CPP]:
        value = KV_FLAG[Target.LLAMA_CPP][kv]
        b.flag(argv, "-ctk", value, "the planned K cache type")
        b.flag(argv, "-ctv", value, "the planned V cache type")
        b.flag(argv, "-fa", "on", "a quantized V cache requires flash attention")
    b.flag(argv, "--host", HOST, "listen on every interface")
    _per_process(b, argv, layout, "--port", ENGINES[Target.LLAMA_CPP].port)


def _ollama(
    b: Builder,
    model: ModelCard,
    repo: str,
    tag: str,
    fmt: Format,
    library: bool,
    layout: DeployLayout,
    context: int,
    kv: str,
    name: str,
) -> None:
    env = {"OLLAMA_HOST": f"{HOST}:{ENGINES[Target.OLLAMA].port}"}
    env["OLLAMA_CONTEXT_LENGTH"] = str(context)
    b.flags.append(FlagNote(flag="OLLAMA_HOST", value=env["OLLAMA_HOST"], why="listen address"))
    b.flags.append(
        FlagNote(flag="OLLAMA_CONTEXT_LENGTH", value=str(context), why="the planned context")
    )
    if kv in KV_FLAG[Target.OLLAMA]:
        env["OLLAMA_KV_CACHE_TYPE"] = KV_FLAG[Target.OLLAMA][kv]
        env["OLLAMA_FLASH_ATTENTION"] = "1"
        b.flags.append(
            FlagNote(flag="OLLAMA_KV_CACHE_TYPE", value=env["OLLAMA_KV_CACHE_TYPE"], why="KV type")
        )
        b.flags.append(
            FlagNote(
                flag="OLLAMA_FLASH_ATTENTION",
                value="1",
                why="the K/V cache is quantized only with flash attention",
            )
        )
    b.steps.append(
        DeployStep(
            title="Start the server",
            host="the GPU host",
            argv=("ollama", "serve"),
            env=env,
            main=True,
        )
    )
    if model.ollama_tag and library:
        b.steps.append(
            DeployStep(
                title="Pull the model",
                host="the GPU host",
                argv=("ollama", "pull", model.ollama_tag),
            )
        )
        b.notes.append(
            f"the library tag {model.ollama_tag} was planned as {fmt.name.upper()}; "
            "`ollama show` prints the quantization it actually ships"
        )
        return
    if fmt.name.lower() in OLLAMA_QUANTIZE and repo in (model.id, model.ollama_tag):
        modelfile = f"FROM /path/to/{model.id.split('/', 1)[1]}\nPARAMETER num_ctx {context}\n"
        b.steps.append(
            DeployStep(
                title=f"Download the safetensors of {model.id} and write this Modelfile",
                host="the GPU host",
                file="Modelfile",
                content=modelfile,
            )
        )
        quant = {"q8_0": "q8_0", "q4_k_s": "q4_K_S", "q4_k_m": "q4_K_M"}[fmt.name.lower()]
        b.steps.append(
            DeployStep(
                title="Import and quantize",
                host="the GPU host",
                argv=("ollama", "create", name, "--quantize", quant, "-f", "Modelfile"),
            )
        )
        b.notes.append(
            f"ollama create converts only the {len(OLLAMA_CONVERTS)} config.json architectures "
            f"its converter lists ({OLLAMA_CONVERT_SOURCE}; docs/deploy.md), such as "
            "LlamaForCausalLM, Qwen2ForCausalLM and Gemma3ForConditionalGeneration, but not "
            "Qwen3ForCausalLM, Qwen3MoeForCausalLM or MistralForCausalLM: check `architectures` "
            "in the checkpoint's config.json"
        )
        return
    if repo in (model.id, model.ollama_tag):
        raise DeployError(
            f"no Ollama tag or GGUF release of {model.id} at {fmt.name.upper()} is known",
            hint="pass --repo with a GGUF repository, or --quant q4_k_m, q4_k_s or q8_0 "
            "(ollama create quantizes those itself)",
        )
    modelfile = f"FROM ./{tag}.gguf\nPARAMETER num_ctx {context}\n"
    b.steps.append(
        DeployStep(
            title=f"Download the {tag} GGUF file of {repo} as {tag}.gguf and write this Modelfile",
            host="the GPU host",
            file="Modelfile",
            content=modelfile,
        )
    )
    b.steps.append(
        DeployStep(
            title="Import", host="the GPU host", argv=("ollama", "create", name, "-f", "Modelfile")
        )
    )


def _kserve(
    b: Builder,
    model: ModelCard,
    hw: Hardware,
    repo: str,
    quant: str | None,
    layout: DeployLayout,
    context: int,
    kv: str,
    name: str,
) -> None:
    gpu_key = "amd.com/gpu" if hw.gpu.vendor == "amd" else "nvidia.com/gpu"
    multi = layout.nodes_per_replica > 1
    args = [f"--model_name={name}", f"--max_model_len={context}"]
    b.flags.append(FlagNote(flag="--model_name", value=name, why="the served model name"))
    b.flags.append(FlagNote(flag="--max_model_len", value=str(context), why="the planned context"))
    if not multi:
        args.append(f"--tensor-parallel-size={layout.tensor_parallel_size}")
        b.flags.append(
            FlagNote(
                flag="--tensor-parallel-size",
                value=str(layout.tensor_parallel_size),
                why=_parallel_why(layout) + "; a vLLM flag the runtime passes through",
            )
        )
    args.append("--gpu-memory-utilization=0.9")
    b.flags.append(
        FlagNote(flag="--gpu-memory-utilization", value="0.9", why="vLLM's default budget")
    )
    if b.dtype:
        args.append(f"--dtype={b.dtype}")
        b.flags.append(FlagNote(flag="--dtype", value=b.dtype, why="cast the 16-bit checkpoint"))
    if quant:
        args.append(f"--quantization={quant}")
        b.flags.append(FlagNote(flag="--quantization", value=quant, why="quantize at load time"))
    if kv in KV_FLAG[Target.KSERVE]:
        args.append(f"--kv-cache-dtype={KV_FLAG[Target.KSERVE][kv]}")
        b.flags.append(
            FlagNote(flag="--kv-cache-dtype", value=KV_FLAG[Target.KSERVE][kv], why="KV type")
        )
    per_pod = layout.tensor_parallel_size if multi else layout.gpus_per_replica
    lines = [
        "apiVersion: serving.kserve.io/v1beta1",
        "kind: InferenceService",
        "metadata:",
        f"  name: {name}",
        "  annotations:",
        "    serving.kserve.io/deploymentMode: Standard",
    ]
    if multi:
        lines.append("    serving.kserve.io/autoscalerClass: none")
    lines += ["spec:", "  predictor:"]
    if not multi:
        lines += [f"    minReplicas: {layout.replicas}", f"    maxReplicas: {layout.replicas}"]
    lines += ["    model:", "      modelFormat:", "        name: huggingface"]
    if multi:
        lines.append("      runtime: kserve-huggingfaceserver-multinode")
        lines.append(f"      storageUri: pvc://{name}-pvc/{repo}")
    else:
        lines.append(f"      storageUri: hf://{repo}")
    lines.append("      args:")
    lines += [f"        - {arg}" for arg in args]
    lines += [
        "      resources:",
        "        requests:",
        '          cpu: "6"',
        "          memory: 24Gi",
        f'          {gpu_key}: "{per_pod}"',
        "        limits:",
        '          cpu: "6"',
        "          memory: 24Gi",
        f'          {gpu_key}: "{per_pod}"',
    ]
    if multi:
        lines += [
            "    workerSpec:",
            f"      pipelineParallelSize: {layout.pipeline_parallel_size}",
            f"      tensorParallelSize: {layout.tensor_parallel_size}",
            "      containers:",
            "        - name: worker-container",
            "          resources:",
            "            requests:",
            f'              {gpu_key}: "{layout.tensor_parallel_size}"',
            "            limits:",
            f'              {gpu_key}: "{layout.tensor_parallel_size}"',
        ]
        b.notes.append(
            f"multi-node KServe needs the weights on a ReadWriteMany PVC ({name}-pvc here; "
            "KServe's download-model-to-pvc example fills one), Standard deployment mode and no "
            "autoscaler"
        )
    manifest = "\n".join(lines) + "\n"
    b.steps.append(
        DeployStep(
            title="Write the InferenceService",
            host="kubectl",
            file=f"{name}.yaml",
            content=manifest,
        )
    )
    b.steps.append(
        DeployStep(
            title="Apply it",
            host="kubectl",
            argv=("kubectl", "apply", "-f", f"{name}.yaml"),
            main=True,
        )
    )
    b.notes.append(
        "cpu and memory are the values of KServe's huggingfaceserver sample; gated models "
        "(Llama, Gemma) need an HF_TOKEN secret for the storage initializer"
    )
