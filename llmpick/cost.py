"""`cost` and `hardware`: what serving a model costs on cloud instances, on your own GPUs and from
hosted APIs; and which GPUs and instances can serve it at all.

Throughput comes from the planner (docs/memory.md): a decode step reads the weights and every
sequence's cache (memory-bound) or does 2 x active parameters FLOPs per sequence (compute-bound),
whichever takes longer; prompts are processed at the FLOP rate. Prices come from the catalog's
dated price lists (catalog/clouds.yaml, catalog/apis.yaml). Every figure keeps its basis.
"""

import math
from dataclasses import dataclass

from llmpick.catalog import Catalog
from llmpick.engines import (
    BANDWIDTH_EFFICIENCY,
    PREFILL_MFU,
    PROFILES,
    Engine,
    check_runs_on,
    emulates,
    runs_on,
    usable,
)
from llmpick.errors import UsageError
from llmpick.hardware import GPUS_PER_NODE, Hardware
from llmpick.memory import Planner, replica_sizes, smallest_replica
from llmpick.plan import check_kv_dtype, check_loads, resolve_format
from llmpick.quant import Format, native_format
from llmpick.records import (
    ApiCost,
    ApiSection,
    Cloud,
    CloudCost,
    CloudSection,
    CostReport,
    Gpu,
    GpuOption,
    HardwareReport,
    Instance,
    ModelCard,
    OnPremCost,
    Throughput,
)

HOURS_PER_MONTH = 365 * 24 / 12  # 730
DAYS_PER_MONTH = 365 / 12
# vLLM's default --max-num-seqs for `vllm serve` on GPUs under 70 GiB or A100s (arg_utils.py);
# a server never runs more sequences at once than this unless told to.
MAX_SEQS = 256
COUNTS = (1, 2, 4, 8, 16, 32, 64)


@dataclass(frozen=True)
class Workload:
    """The traffic the cost is computed for (each request: prompt + completion)."""

    input_tokens: int = 1000
    output_tokens: int = 250
    concurrency: int | None = None  # sequences served at once; default: as many as fit
    tokens_per_day: int | None = None  # input + output tokens a day, for monthly figures
    utilization: float = 1.0  # share of time the servers are busy

    @property
    def context(self) -> int:
        return self.input_tokens + self.output_tokens


@dataclass(frozen=True)
class OnPremAssumptions:
    hardware_usd: float | None = None  # price of the GPUs and their server
    years: float = 3.0  # straight-line amortisation
    power_watts: float | None = None  # default: the GPUs' TDP (datasheet)
    kwh_usd: float = 0.15  # electricity price


# --- throughput ------------------------------------------------------------------------------


def throughput(planner: Planner, work: Workload) -> Throughput | None:
    """Steady-state serving rate of one model copy under this workload (None: no FLOP figure
    for this GPU, so no prefill or compute-bound estimate)."""
    fit = planner.max_batch(work.context)
    if fit == 0:
        return None
    batch = min(work.concurrency or MAX_SEQS, fit)
    prefill = planner.prefill_tokens_per_s(work.input_tokens)
    mean_context = work.input_tokens + work.output_tokens // 2
    compute_rate = planner.prefill_tokens_per_s(mean_context)
    if prefill is None or compute_rate is None:
        return None
    memory_s = planner.decode_step(mean_context, batch).total_s
    compute_s = batch / compute_rate
    step = max(memory_s, compute_s)
    per_request_s = work.output_tokens * step / batch + work.input_tokens / prefill
    rate = 1 / per_request_s
    return Throughput(
        concurrency=batch,
        concurrency_limit="memory"
        if batch == fit and fit < (work.concurrency or MAX_SEQS)
        else ("requested" if work.concurrency else f"the server default of {MAX_SEQS}"),
        decode_step_ms=round(step * 1000, 2),
        decode_bound="memory bandwidth" if memory_s >= compute_s else "compute",
        prefill_tokens_per_s=round(prefill),
        requests_per_s=round(rate, 3),
        tokens_per_s=round(rate * work.context, 1),
        output_tokens_per_s=round(rate * work.output_tokens, 1),
    )


def _basis(engine: Engine) -> list[str]:
    return [
        f"decode: max(bytes read per step / (bandwidth x {BANDWIDTH_EFFICIENCY[engine]:.2f} x "
        "TP) + fixed per-step, all-reduce and MoE routing costs (plan --explain shows them), "
        f"2 x active params x sequences / (dense TFLOPS x {PREFILL_MFU} x GPUs))",
        f"prefill: prompt tokens / (dense TFLOPS x {PREFILL_MFU} x GPUs / FLOPs per token)",
        "per request: output tokens x step time / sequences + input tokens / prefill rate "
        "(prefill and decode not overlapped: a floor on throughput)",
    ]


# --- cost ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sizing:
    engine: Engine
    fmt: Format | None
    kv_dtype: str


def _sizing(model: ModelCard, engine: Engine, quant: str | None, kv_dtype: str) -> Sizing:
    check_kv_dtype(kv_dtype, engine)
    return Sizing(engine, resolve_format(model, quant, engine), kv_dtype)


def _serve(
    model: ModelCard, hw: Hardware, size: Sizing, work: Workload
) -> tuple[int, int, Planner, Throughput | None]:
    """(GPUs per copy, copies, planner, one copy's throughput) on hw, for the copy size that
    serves the most tokens a second in all; copies 0 if no size fits.

    The smallest copy that fits is not always the best: a 70B model in FP8 fits one H100 with
    room for two sequences, while two H100s per copy hold dozens."""
    replica, planner, est = smallest_replica(
        model, hw, size.fmt, size.engine, size.kv_dtype, work.context
    )
    if not est.fits:
        return replica.count, 0, planner, None
    best = (replica.count, hw.count // replica.count, planner, throughput(planner, work))
    for count in replica_sizes(hw.count):
        if count <= replica.count:
            continue
        bigger = Planner.build(model, hw.resized(count), size.fmt, size.engine, size.kv_dtype)
        tp = throughput(bigger, work)
        copies = hw.count // count
        if tp and (best[3] is None or tp.tokens_per_s * copies > best[3].tokens_per_s * best[1]):
            best = (count, copies, bigger, tp)
    return best


def _per_million(usd_per_hour: float, tokens_per_s: float, utilization: float) -> float:
    return usd_per_hour / (tokens_per_s * 3600 * utilization) * 1e6


def _cloud_order(r: CloudCost) -> tuple[float, float, float, str, str]:
    """With a daily volume, the cheapest month first: at 50M tokens a day one 1-GPU instance
    ($5,022) carries what the lowest $/M server (8 GPUs, $40,179) would mostly idle through."""
    return (r.monthly_usd or 0.0, r.per_million_tokens, r.usd_per_hour, r.cloud, r.instance)


def _joinable(cloud: Cloud, inst: Instance, gpu: Gpu) -> bool:
    """Whether several of this instance make one cluster, one per node: full-node instances of
    a cloud; managed endpoints are separate servers."""
    return cloud.kind == "cloud" and inst.gpu_count == GPUS_PER_NODE // gpu.devices


def cloud_rows(
    cat: Catalog, model: ModelCard, size: Sizing, work: Workload, gpu_id: str | None
) -> list[CloudCost]:
    """Every priced instance (of one GPU type, or any) that serves the model, cheapest first."""
    rows = []
    fmt = size.fmt or native_format(model)
    for cloud in cat.clouds:
        for inst in cloud.instances:
            if gpu_id is not None and inst.gpu != gpu_id:
                continue
            gpu = cat.gpu(inst.gpu)
            if gpu.kind == "apple" or not usable(
                size.engine, fmt.name, gpu.sm, gpu.llvm_target, model.fp8_kind, model.model_type
            ):
                continue
            # A model too big for one full-node cloud instance runs on several (2x p5.48xlarge).
            for n in (1, 2, 4, 8) if _joinable(cloud, inst, gpu) else (1,):
                served = _serve(model, Hardware.of(gpu, inst.gpu_count * n), size, work)
                if served[1]:
                    break
            per, copies, _, tp = served
            if copies == 0 or tp is None:
                continue
            # 2 x 88.49 is 176.97999... in floats; one instance keeps its listed price exactly.
            hourly = inst.usd_per_hour if n == 1 else round(inst.usd_per_hour * n, 4)
            tokens = tp.tokens_per_s * copies
            monthly = None
            needed = None
            if work.tokens_per_day:
                needed = math.ceil(work.tokens_per_day / (tokens * 86400))
                monthly = round(needed * hourly * HOURS_PER_MONTH, 2)
            rows.append(
                CloudCost(
                    cloud=cloud.id,
                    cloud_name=cloud.name,
                    region=cloud.region,
                    instance=inst.id if n == 1 else f"{n}x {inst.id}",
                    gpu=inst.gpu,
                    gpu_count=inst.gpu_count * n,
                    usd_per_hour=hourly,
                    priced_on=cloud.priced_on,
                    price_source=cloud.price_source,
                    copies=copies,
                    gpus_per_copy=per,
                    tokens_per_s=round(tokens, 1),
                    per_million_tokens=round(_per_million(hourly, tokens, work.utilization), 4),
                    instances_needed=needed,
                    monthly_usd=monthly,
                )
            )
    rows.sort(key=_cloud_order)
    return rows


def api_rows(cat: Catalog, model: ModelCard, work: Workload) -> list[ApiCost]:
    rows = []
    for offer in cat.api_offers:
        if offer.model != model.id:
            continue
        blended = (
            work.input_tokens * offer.input_usd_per_mtok
            + work.output_tokens * offer.output_usd_per_mtok
        ) / work.context
        monthly = None
        if work.tokens_per_day:
            monthly = round(work.tokens_per_day * DAYS_PER_MONTH * blended / 1e6, 2)
        rows.append(
            ApiCost(
                provider=offer.provider,
                provider_name=offer.provider_name,
                provider_model=offer.provider_model,
                input_usd_per_mtok=offer.input_usd_per_mtok,
                output_usd_per_mtok=offer.output_usd_per_mtok,
                per_million_tokens=round(blended, 4),
                monthly_usd=monthly,
                priced_on=offer.priced_on,
                price_source=offer.price_source,
                notes=offer.notes,
            )
        )
    rows.sort(key=lambda r: (r.per_million_tokens, r.provider, r.provider_model))
    return rows


def on_prem(
    hw: Hardware,
    served: tuple[int, int, Planner, Throughput | None],
    work: Workload,
    assume: OnPremAssumptions,
) -> OnPremCost:
    """Your GPUs `hw`, serving as `_serve` laid them out (GPUs per copy, copies, ...)."""
    per, copies, _, tp = served
    watts = assume.power_watts
    power_basis = "--power-watts"
    if watts is None and hw.gpu.tdp_w:
        watts = hw.gpu.tdp_w * hw.count
        power_basis = f"{hw.count} x {hw.gpu.tdp_w:.0f} W TDP (datasheet): GPU boards only"
    missing = []
    if assume.hardware_usd is None:
        missing.append("--hardware-usd (no list price is published for most datacenter GPUs)")
    if watts is None:
        missing.append(f"--power-watts (no TDP in the catalog for {hw.product.name})")
    tokens = tp.tokens_per_s * copies if tp else None
    capex = assume.hardware_usd / (assume.years * 12) if assume.hardware_usd else None
    energy = watts / 1000 * HOURS_PER_MONTH * assume.kwh_usd if watts else None
    monthly = capex + energy if capex is not None and energy is not None else None
    per_million = None
    if monthly is not None and tokens:
        per_million = monthly / (tokens * 3600 * HOURS_PER_MONTH * work.utilization) * 1e6
    return OnPremCost(
        gpus=hw.label,
        copies=copies,
        gpus_per_copy=per,
        tokens_per_s=round(tokens, 1) if tokens else None,
        hardware_usd=assume.hardware_usd,
        amortization_years=assume.years,
        power_watts=watts,
        power_basis=power_basis,
        kwh_usd=assume.kwh_usd,
        capex_monthly_usd=round(capex, 2) if capex is not None else None,
        energy_monthly_usd=round(energy, 2) if energy is not None else None,
        monthly_usd=round(monthly, 2) if monthly is not None else None,
        per_million_tokens=round(per_million, 4) if per_million is not None else None,
        missing=tuple(missing),
    )


def break_even(monthly_fixed: float | None, per_million: float | None, api: float | None) -> str:
    """Tokens a day above which a fixed-cost server beats the API price, in words."""
    if monthly_fixed is None or per_million is None or api is None:
        return "not computed (a price is missing)"
    if per_million >= api:
        return (
            f"never: at full load self-hosting costs ${per_million:.3f} per million tokens, "
            f"the API ${api:.3f}"
        )
    tokens = monthly_fixed / (DAYS_PER_MONTH * api / 1e6)
    return f"above {tokens:,.0f} tokens a day (one server, always on)"


def make_cost(
    cat: Catalog,
    model: ModelCard,
    hw: Hardware,
    engine: Engine,
    quant: str | None,
    kv_dtype: str,
    work: Workload,
    assume: OnPremAssumptions,
) -> CostReport:
    size = _sizing(model, engine, quant, kv_dtype)
    if work.context > model.context_tokens:
        raise UsageError(
            f"--input-tokens + --output-tokens = {work.context:,} exceeds {model.id}'s maximum "
            f"of {model.context_tokens:,}"
        )
    check_runs_on(engine, hw.product)
    check_loads(model, engine, size.fmt or native_format(model), hw)
    clouds = cloud_rows(cat, model, size, work, hw.product.id)
    apis = api_rows(cat, model, work)
    served = _serve(model, hw, size, work)
    _, _, planner, tp = served
    local = on_prem(hw, served, work, assume)
    best_cloud = clouds[0] if clouds else None
    best_api = apis[0].per_million_tokens if apis else None
    notes = []
    emulated = emulates(engine, planner.format.name, hw.gpu, model.fp8_kind)
    if emulated:
        notes.append(emulated)
    if tp is None:
        per_gpu, room, *_ = planner.need(work.context, 1)
        notes.append(
            f"{planner.format.name} does not fit on {hw.label} at {work.context:,} tokens "
            f"({per_gpu:.1f} GB per GPU, {room:.1f} usable), so it has no on-premises figure; "
            f"`llmpick plan {model.id} --gpu {hw.spec()} --context {work.context}` "
            "says which format fits"
        )
    if not clouds:
        notes.append(
            f"no priced cloud instance with {hw.product.name} GPUs serves this model at "
            f"{work.context:,} tokens; `llmpick hardware {model.id}` lists instances that do"
        )
    if not apis:
        notes.append("no hosted-API price for this model in the catalog")
    return CostReport(
        model=model.id,
        quant=planner.format.name,
        engine=str(engine),
        gpus=hw.label,
        workload={
            "input_tokens": work.input_tokens,
            "output_tokens": work.output_tokens,
            "concurrency": work.concurrency,
            "tokens_per_day": work.tokens_per_day,
            "utilization": work.utilization,
        },
        throughput=tp,
        cloud=CloudSection(
            per_million_tokens=best_cloud.per_million_tokens if best_cloud else None,
            break_even=break_even(
                best_cloud.usd_per_hour * HOURS_PER_MONTH if best_cloud else None,
                best_cloud.per_million_tokens if best_cloud else None,
                best_api,
            ),
            instances=tuple(clouds),
        ),
        on_prem=local,
        on_prem_break_even=break_even(local.monthly_usd, local.per_million_tokens, best_api),
        api=ApiSection(per_million_tokens=best_api, offers=tuple(apis)),
        basis=tuple(
            _basis(engine)
            + [
                f"per million tokens: hourly price / (tokens per second x 3600 x utilization "
                f"{work.utilization:g}); tokens count input and output "
                f"({work.input_tokens:,} in + {work.output_tokens:,} out per request)",
                "API per million: (input tokens x input price + output tokens x output price) / "
                "(input + output tokens), the same mix",
                f"a month is {HOURS_PER_MONTH:.0f} hours; cloud servers are billed always on",
                "an instance named 2x NAME is two full-node cloud instances joined into one "
                "cluster (pipeline stages across nodes, the layout `deploy` writes), for a model "
                "no single instance holds; priced as the sum",
            ]
        ),
        notes=tuple(notes),
    )


# --- hardware ---------------------------------------------------------------------------------


def _cheapest_offer(cat: Catalog, gpu: Gpu, count: int) -> tuple[float, str, int] | None:
    """The cheapest way to rent `count` of the GPU in one cluster, at the price you pay: one
    instance with at least that many (its whole price: a 4-GPU need on an 8-GPU instance pays
    for 8), or, beyond one node, one full-node cloud instance per node (2x p5.48xlarge for 16
    H100s; not managed endpoints, which do not join into one cluster). Returns the hourly
    price, the offer and the GPUs it rents; at equal price the fewest GPUs win."""
    offers = []
    for cloud in cat.clouds:
        for inst in cloud.instances:
            if inst.gpu != gpu.id:
                continue
            if inst.gpu_count >= count:
                offers.append((inst.usd_per_hour, inst.gpu_count, f"{cloud.id} {inst.id}"))
            elif _joinable(cloud, inst, gpu) and count % inst.gpu_count == 0:
                n = count // inst.gpu_count
                price = round(inst.usd_per_hour * n, 4)
                offers.append((price, inst.gpu_count * n, f"{n}x {cloud.id} {inst.id}"))
    if not offers:
        return None
    price, gpus, label = min(offers)
    return price, label, gpus


def make_hardware(
    cat: Catalog,
    model: ModelCard,
    engine: Engine,
    quant: str | None,
    kv_dtype: str,
    context: int,
    work: Workload,
) -> HardwareReport:
    """The GPU configurations that hold the model at `context`, and the priced instances that
    serve the workload."""
    if max(context, work.context) > model.context_tokens:
        raise UsageError(
            f"{max(context, work.context):,} tokens exceed {model.id}'s maximum of "
            f"{model.context_tokens:,}",
            hint=f"use --context {model.context_tokens} or less",
        )
    size = _sizing(model, engine, quant, kv_dtype)
    options = []
    fmt_name = ""
    fmt = size.fmt or native_format(model)
    for gpu in cat.gpus:
        if not runs_on(engine, gpu) or not usable(
            engine, fmt.name, gpu.sm, gpu.llvm_target, model.fp8_kind, model.model_type
        ):
            continue
        for count in COUNTS:
            hw = Hardware.of(gpu, count)
            planner = Planner.build(model, hw, size.fmt, engine, kv_dtype)
            est = planner.estimate(context, 1)
            fmt_name = planner.format.name
            if not est.fits:
                continue
            cheapest = _cheapest_offer(cat, gpu, count)
            options.append(
                GpuOption(
                    gpu=gpu.id,
                    gpu_name=gpu.name,
                    count=count,
                    devices=hw.count,
                    memory_gb=round(gpu.memory_gb * count, 1),
                    per_gpu_gb=round(est.per_gpu_gb, 2),
                    per_gpu_available_gb=round(est.per_gpu_available_gb, 2),
                    headroom_gb=round(est.headroom_gb, 2),
                    tensor_parallel_size=est.layout.tp,
                    pipeline_parallel_size=est.layout.pp,
                    decode_tokens_per_s=round(planner.decode_tokens_per_s(context, 1), 1),
                    max_concurrent_sequences=planner.max_batch(context),
                    cheapest_usd_per_hour=round(cheapest[0], 3) if cheapest else None,
                    cheapest_offer=cheapest[1] if cheapest else None,
                    cheapest_gpu_count=cheapest[2] if cheapest else None,
                )
            )
            break
    options.sort(
        key=lambda o: (
            o.cheapest_usd_per_hour is None,
            o.cheapest_usd_per_hour or 0.0,
            o.memory_gb,
            o.gpu,
        )
    )
    instances = cloud_rows(cat, model, size, work, None)
    return HardwareReport(
        model=model.id,
        quant=fmt_name,
        engine=str(engine),
        context_tokens=context,
        configurations=tuple(options),
        instances=tuple(instances),
        basis=(
            "each GPU's smallest count (1, 2, 4, 8, 16, 32, 64) that holds one copy at the "
            f"context with {PROFILES[engine].engine}'s headroom (docs/memory.md)",
            "cheapest_usd_per_hour: the whole hourly price of the cheapest catalog instance with "
            "at least that many of the GPU (cheapest_gpu_count: the GPUs it rents, more than the "
            "count when no smaller instance is listed); beyond one node, whole 8-GPU cloud "
            "instances, one per node (managed endpoints do not join into one cluster)",
            "instances: every priced instance that serves the model, by cost per million tokens "
            "at the workload of `llmpick cost` (docs/cost.md)",
        ),
    )
