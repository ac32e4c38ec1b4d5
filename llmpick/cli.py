"""The command line: options in, core calls, renderers out, exit codes. The only typer importer."""

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, assert_never

import typer

from llmpick.errors import ExitCode, LlmpickError, UsageError
from llmpick.formats import CheckFormat, DeployFormat, OutputFormat, WeightsPolicy

if TYPE_CHECKING:
    from llmpick.engines import Engine

if TYPE_CHECKING:
    from rich.console import RenderableType

    from llmpick.catalog import Catalog
    from llmpick.hardware import Hardware
    from llmpick.records import ModelCard
    from llmpick.scoring import Request

app = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Pick, size and license-check open-weight LLMs for self-hosting.",
)
catalog_app = typer.Typer(no_args_is_help=True, help="Check catalog files.")
app.add_typer(catalog_app, name="catalog")

FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
GpuOption = Annotated[
    str,
    typer.Option(
        "--gpu",
        "-g",
        help="[N x]GPU[-MEM]: 1xA100-80, 2xH100, 4xRTX4090, M3-Max-128, or auto (local GPUs).",
    ),
]
ContextOption = Annotated[
    int | None,
    typer.Option(
        help="Tokens per sequence to plan for (default: 8192, or less for short models).", min=1
    ),
]
EngineOption = Annotated[
    str, typer.Option(help="vllm, sglang, transformers, llama.cpp, ollama, lmdeploy or tgi.")
]
QuantOption = Annotated[
    str | None,
    typer.Option(help="Weight format: fp8, awq, gptq-int4, Q4_K_M... (default: as released)."),
]
KvOption = Annotated[str, typer.Option(help="KV cache type: auto, fp8, q8_0, q4_0.")]
InputTokensOption = Annotated[
    int, typer.Option(help="Prompt tokens per request (the workload).", min=1)
]
OutputTokensOption = Annotated[
    int, typer.Option(help="Generated tokens per request (the workload).", min=1)
]
ConcurrencyOption = Annotated[
    int | None,
    typer.Option(help="Sequences served at once (default: as many as fit, up to 256).", min=1),
]

ExplainFlag = Annotated[bool, typer.Option("--explain", help="Show how each figure was computed.")]
CatalogOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--catalog",
        "-c",
        help="Extra catalog file or folder (repeatable); also LLMPICK_CATALOG. "
        "Adds models or overrides built-in ones by id.",
        show_default=False,
    ),
]


class _Renderer:
    """A renderer module imported on first use, so `-f json` never loads rich and a table
    never loads the CSV writer."""

    def __init__(self, name: str) -> None:
        self._name = f"llmpick.render.{name}"

    def __getattr__(self, attr: str) -> object:
        from importlib import import_module

        return getattr(import_module(self._name), attr)


if TYPE_CHECKING:
    from llmpick.render import ci, csv, json, markdown, table
else:
    ci, csv, json, markdown, table = map(_Renderer, ("ci", "csv", "json", "markdown", "table"))


def emit(output: "RenderableType | str") -> None:
    """Tables through rich to stdout; text (JSON, Markdown, CSV) verbatim."""
    if isinstance(output, str):
        typer.echo(output, nl=not output.endswith("\n"))
    else:
        from rich.console import Console

        # emoji=False: ":" in tags such as `qwen3:32b` is never an emoji code.
        Console(emoji=False).print(output)


def emit_as(
    fmt: OutputFormat,
    table: "Callable[[], RenderableType]",
    json_doc: "Callable[[], object]",
    markdown: "Callable[[], str]",
    csv: "Callable[[], str]",
) -> None:
    """Render one result in the chosen format; each renderer runs (and loads) only if chosen."""
    match fmt:
        case OutputFormat.TABLE:
            emit(table())
        case OutputFormat.JSON:
            emit(json.dumps(json_doc()))  # type: ignore[arg-type]
        case OutputFormat.MARKDOWN:
            emit(markdown())
        case OutputFormat.CSV:
            emit(csv())
        case _:  # pragma: no cover - every format is matched above
            assert_never(fmt)


def say(message: str) -> None:
    """Talk for humans goes to stderr, so stdout stays data."""
    sys.stderr.write(message + "\n")


def fail(err: LlmpickError) -> NoReturn:
    say(f"error: {err.message}")
    if err.hint:
        say(f"hint: {err.hint}")
    raise typer.Exit(int(err.exit_code))


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn an LlmpickError into `error:` / `hint:` on stderr and its exit code."""
    try:
        yield
    except LlmpickError as err:
        fail(err)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"llmpick {version('llmpick')}")
        except PackageNotFoundError:
            typer.echo("llmpick (not installed)")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Pick, size and license-check open-weight LLMs for self-hosting."""


@app.command("list")
def list_(
    family: Annotated[
        list[str] | None, typer.Option(help="Model family, e.g. llama, qwen (repeatable).")
    ] = None,
    license: Annotated[
        list[str] | None,
        typer.Option(help="any, commercial, permissive, or licence ids (repeatable)."),
    ] = None,
    lang: Annotated[
        list[str] | None,
        typer.Option(help="Officially supported language: ISO 639-1 code or English name."),
    ] = None,
    min_params: Annotated[
        float | None, typer.Option(help="Minimum total parameters, billions.", min=0)
    ] = None,
    max_params: Annotated[
        float | None, typer.Option(help="Maximum total parameters, billions.", min=0)
    ] = None,
    capability: Annotated[
        list[str] | None,
        typer.Option(
            help="tool-calling (tools), reasoning (think), thinking-toggle (toggle), fim, code "
            "(repeatable)."
        ),
    ] = None,
    modality: Annotated[
        list[str] | None, typer.Option(help="Input modality: text, image, audio, video.")
    ] = None,
    catalog: CatalogOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """List catalog models, filtered."""
    from llmpick import options
    from llmpick.catalog import load_catalog
    from llmpick.describe import model_document, model_rows
    from llmpick.listing import select_models

    with reported_errors():
        cat = load_catalog(catalog)
        flt = options.model_filter(
            cat, family, license, lang, min_params, max_params, capability, modality
        )
        models = select_models(cat, flt)
        rows = model_rows(cat, models)
    caption = f"{len(rows)} of {len(cat.models)} models" + "".join(
        f"; {part}" for part in flt.describe()
    )
    emit_as(
        fmt,
        lambda: table.model_list(rows, caption),
        lambda: {"models": [model_document(m, cat) for m in models]},
        lambda: markdown.model_list(rows, caption),
        lambda: csv.model_list(rows),
    )


@app.command()
def show(
    model: Annotated[str, typer.Argument(help="Model id, alias, Ollama tag or unique fragment.")],
    catalog: CatalogOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Show every fact about a model, each with its source."""
    from llmpick.catalog import load_catalog
    from llmpick.describe import model_document, model_facts

    with reported_errors():
        cat = load_catalog(catalog)
        card = cat.find_model(model)
        facts = model_facts(card, cat)
    emit_as(
        fmt,
        lambda: table.facts(facts, card.name),
        lambda: model_document(card, cat),
        lambda: markdown.facts(facts, card.name),
        lambda: csv.facts(facts),
    )


@app.command("license")
def license_(
    license_id: Annotated[str, typer.Argument(metavar="ID", help="Licence id, e.g. Apache-2.0.")],
    catalog: CatalogOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Show a licence's terms and conditions."""
    from llmpick.catalog import load_catalog
    from llmpick.describe import license_document, license_facts

    with reported_errors():
        lic = load_catalog(catalog).license(license_id)
    facts = license_facts(lic)
    emit_as(
        fmt,
        lambda: table.facts(facts, lic.name),
        lambda: license_document(lic),
        lambda: markdown.facts(facts, lic.name),
        lambda: csv.facts(facts),
    )


def _engine(value: str) -> "Engine":
    from llmpick.engines import Engine

    try:
        return Engine(value.lower())
    except ValueError:
        raise typer.BadParameter(
            f"{value!r}; choose from " + ", ".join(e.value for e in Engine), param_hint="--engine"
        ) from None


def resolve_hardware(cat: "Catalog", spec: str) -> "Hardware":
    """--gpu SPEC, or detection for `auto`."""
    from llmpick import hardware

    if spec.strip().lower() == "auto":
        return hardware.match_detected(cat, hardware.detect_gpus())
    return hardware.parse_gpu_spec(cat, spec)


@app.command()
def plan(
    model: Annotated[str, typer.Argument(help="Model id, alias, Ollama tag or unique fragment.")],
    gpu: GpuOption,
    context: ContextOption = None,
    batch: Annotated[
        int, typer.Option(help="Concurrent sequences (fine-tuning: micro-batch).", min=1)
    ] = 1,
    quant: Annotated[
        str | None,
        typer.Option(
            help="Weight format: bf16, fp8, awq, gptq-int4, nf4, mxfp4, Q4_K_M... "
            "(default: as released)."
        ),
    ] = None,
    kv_dtype: Annotated[
        str, typer.Option(help="KV cache type: auto, bf16, fp8, q8_0, q4_0.")
    ] = "auto",
    engine: EngineOption = "vllm",
    mode: Annotated[
        str, typer.Option(help="inference, lora, qlora or full (fine-tuning).")
    ] = "inference",
    lora_rank: Annotated[int, typer.Option(help="LoRA rank (lora/qlora).", min=1)] = 16,
    gradient_checkpointing: Annotated[
        bool, typer.Option(help="Fine-tuning: recompute activations in the backward pass.")
    ] = True,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 when it does not fit (a pre-download guard).")
    ] = False,
    explain: ExplainFlag = False,
    catalog: CatalogOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Plan memory, fit and speed of a model on given GPUs: inference or fine-tuning.

    A plan that does not fit is an answer (exit 0); --check makes it exit 1.
    """
    from llmpick.catalog import load_catalog
    from llmpick.memory import Mode
    from llmpick.plan import PlanOptions, make_plan

    try:
        run_mode = Mode(mode.lower())
    except ValueError:
        raise typer.BadParameter(f"{mode!r}; choose inference, lora, qlora or full") from None
    with reported_errors():
        cat = load_catalog(catalog)
        card = cat.find_model(model)
        hw = resolve_hardware(cat, gpu)
        opts = PlanOptions(
            context=context,
            batch=batch,
            quant=quant,
            kv_dtype=kv_dtype.lower(),
            engine=_engine(engine),
            mode=run_mode,
            gradient_checkpointing=gradient_checkpointing,
            lora_rank=lora_rank,
        )
        result = make_plan(card, hw, opts)
    emit_as(
        fmt,
        lambda: table.plan(result, explain),
        lambda: result.model_dump(mode="json"),
        lambda: markdown.plan(result),
        lambda: csv.plan_formats(result),
    )
    if check and not result.fits:
        say(
            f"{card.id} does not fit on {hw.label} ({result.per_gpu_gb:.2f} GB needed per GPU, "
            f"{result.per_gpu_available_gb:.2f} GB available)"
        )
        raise typer.Exit(int(ExitCode.POLICY_FAILED))


USE_CASES_HELP = "chat, code, reasoning, agents, multimodal, long-context, rag or edge."


@app.command()
def recommend(
    gpu: GpuOption,
    lang: Annotated[
        list[str] | None,
        typer.Option(help="Language the card must list (repeatable): ISO code or English name."),
    ] = None,
    use_case: Annotated[str, typer.Option(help=USE_CASES_HELP)] = "chat",
    license: Annotated[
        list[str] | None,
        typer.Option(
            help="commercial (default: commercial use allowed, possibly with conditions), "
            "permissive (OSI), any, or licence ids (repeatable)."
        ),
    ] = None,
    region: Annotated[
        str | None, typer.Option(help="Where you operate, for regional licence terms (e.g. eu).")
    ] = None,
    context: ContextOption = None,
    modality: Annotated[
        list[str] | None, typer.Option(help="Input the model must take: image, audio, video.")
    ] = None,
    engine: EngineOption = "vllm",
    min_tps: Annotated[
        float | None, typer.Option(help="Minimum estimated decode tokens/s per sequence.", min=0)
    ] = None,
    top: Annotated[int, typer.Option(help="How many to show.", min=1)] = 10,
    weights: Annotated[
        WeightsPolicy,
        typer.Option(
            help="official: only formats with weights from the vendor or made by the engine "
            "(no community quantizations)."
        ),
    ] = WeightsPolicy.ANY,
    explain: Annotated[
        str | None,
        typer.Option(
            "--explain", help="Show one model's exact score terms, or why it was excluded."
        ),
    ] = None,
    catalog: CatalogOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Rank the catalog's models for this hardware and these needs, and say why."""
    from llmpick import options
    from llmpick.catalog import load_catalog
    from llmpick.licenses import parse_license_spec
    from llmpick.quality import USE_CASES
    from llmpick.scoring import Request
    from llmpick.scoring import recommend as rank

    if use_case not in USE_CASES:
        raise typer.BadParameter(f"{use_case!r}; choose " + USE_CASES_HELP, param_hint="--use-case")
    with reported_errors():
        cat = load_catalog(catalog)
        hw = resolve_hardware(cat, gpu)
        req = Request(
            languages=options.language_codes(lang),
            use_case=use_case,
            license=parse_license_spec(license, cat, default="commercial"),
            region=options.region(region),
            context=context,
            modalities=options.modalities(modality),
            engine=_engine(engine),
            min_tps=min_tps,
            top=top,
            official_weights=weights == WeightsPolicy.OFFICIAL,
        )
        if explain is not None:
            _explain(cat, hw, req, cat.find_model(explain), fmt)
            return
        result = rank(cat, hw, req)
    emit_as(
        fmt,
        lambda: table.ranking(result),
        lambda: result.model_dump(mode="json"),
        lambda: markdown.ranking(result),
        lambda: csv.ranking(result),
    )
    say(f"{len(result.recommendations)} recommended, {len(result.excluded)} excluded")


def _explain(
    cat: "Catalog", hw: "Hardware", req: "Request", card: "ModelCard", fmt: OutputFormat
) -> None:
    from llmpick.scoring import explain

    result = explain(cat, hw, req, card)
    if fmt == OutputFormat.JSON:
        emit(json.dumps(result.model_dump(mode="json")))
    else:
        emit(table.explanation(result))


@app.command()
def compare(
    models: Annotated[
        list[str], typer.Argument(help="Two or more models (ids, aliases, fragments).")
    ],
    gpu: Annotated[
        str | None, typer.Option("--gpu", "-g", help="Add the best fitting format, memory, speed.")
    ] = None,
    catalog: CatalogOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Compare models side by side: sizes, licences, and benchmarks row by row per variant."""
    from llmpick.catalog import load_catalog
    from llmpick.compare import compare as side_by_side

    if len(models) < 2:
        raise typer.BadParameter("give at least two models", param_hint="MODELS")
    with reported_errors():
        cat = load_catalog(catalog)
        cards = [cat.find_model(m) for m in models]
        seen: dict[str, str] = {}
        for name, card in zip(models, cards, strict=True):
            if card.id in seen:
                raise UsageError(
                    f"{seen[card.id]!r} and {name!r} are both {card.id}",
                    hint="give two or more different models",
                )
            seen[card.id] = name
        hw = resolve_hardware(cat, gpu) if gpu else None
        result = side_by_side(cat, cards, hw)
    emit_as(
        fmt,
        lambda: table.comparison(result),
        lambda: result.model_dump(mode="json"),
        lambda: markdown.comparison(result),
        lambda: csv.comparison(result),
    )


CHECK_HELP = """Find the models a repository uses and check their licences against a policy.

The policy comes from --policy, llmpick.toml, or [tool.llmpick] in pyproject.toml (see
docs/ci.md). Exit codes: 0 every reference passes; 1 a licence violation, or an unknown model
when unknown-models = "fail" (the default); 2 bad usage; 3 an invalid policy or catalog.
A crash exits 4, never 1. To report without failing, run `llmpick check || true`.
"""


@app.command(help=CHECK_HELP)
def check(
    path: Annotated[Path, typer.Argument(help="Folder to scan.")] = Path("."),
    policy: Annotated[
        Path | None, typer.Option(help="Policy file (TOML); default: llmpick.toml or pyproject.")
    ] = None,
    catalog: CatalogOption = None,
    fmt: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="Output format.")
    ] = CheckFormat.TABLE,
    jobs: Annotated[
        int | None,
        typer.Option(
            help="Processes that read and search files (default: one per CPU, up to 8, with at "
            "least 100 files each; Linux only).",
            min=1,
        ),
    ] = None,
) -> None:
    from llmpick.catalog import load_catalog
    from llmpick.licenses import check_failed, run_check
    from llmpick.policy import load_policy

    if not path.is_dir():
        raise typer.BadParameter(f"{path} is not a folder", param_hint="PATH")
    with reported_errors():
        cat = load_catalog(catalog)
        pol, source, policy_file = load_policy(path, policy, cat)
        report = run_check(cat, path, pol, source, policy_file, jobs)
    unknown_level = {"fail": "error", "warn": "warning", "ignore": "none"}[pol.unknown_models]
    match fmt:
        case CheckFormat.TABLE:
            emit(table.check_report(report))
        case CheckFormat.JSON:
            emit(json.dumps(report.model_dump(mode="json", by_alias=True)))
        case CheckFormat.MARKDOWN:
            emit(markdown.check_report(report))
        case CheckFormat.SARIF:
            emit(ci.sarif(report, unknown_level))
        case CheckFormat.GITHUB:
            emit(ci.github(report, unknown_level))
        case _:  # pragma: no cover
            assert_never(fmt)
    s = report.summary
    say(
        f"{s['references']} model reference(s) in {report.files_scanned:,} files: "
        f"{s['pass']} pass, {s['violation']} violate the policy, {s['unknown']} unknown, "
        f"{s['excepted']} excepted"
    )
    if check_failed(report):
        raise typer.Exit(int(ExitCode.POLICY_FAILED))


DEPLOY_HELP = """Print the command or manifest that serves a model as planned on these GPUs.

The layout is the smallest one that holds the model at the context with the engine's headroom:
tensor parallelism within a node (its size divides the attention heads), pipeline stages across
nodes, and data-parallel replicas on GPUs a single copy does not need. Quantized weights come
from the vendor's own quantized repository, or are quantized at load time where the engine can.

Exit codes: 0 a deployment; 1 the model does not fit or the engine cannot serve it this way
(the reason and what would fit go to stderr, and to JSON); 2 usage; 3 catalog error.
"""


@app.command(help=DEPLOY_HELP)
def deploy(
    model: Annotated[str, typer.Argument(help="Model id, alias, Ollama tag or unique fragment.")],
    gpu: GpuOption,
    engine: Annotated[
        str,
        typer.Option(help="vllm, sglang, lmdeploy, tgi, ollama, llama.cpp or kserve."),
    ] = "vllm",
    context: ContextOption = None,
    quant: QuantOption = None,
    kv_dtype: KvOption = "auto",
    repo: Annotated[
        str | None,
        typer.Option(help="Weights repository to use instead (a quantization you trust)."),
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="Served / Kubernetes name (default: from the model id).")
    ] = None,
    catalog: CatalogOption = None,
    fmt: Annotated[
        DeployFormat, typer.Option("--format", "-f", help="Output format.")
    ] = DeployFormat.TABLE,
) -> None:
    from llmpick.catalog import load_catalog
    from llmpick.deploy import DeployOptions, Target
    from llmpick.deploy import deploy as make_deployment

    try:
        target = Target(engine.lower())
    except ValueError:
        raise typer.BadParameter(
            f"{engine!r}; choose from " + ", ".join(t.value for t in Target),
            param_hint="--engine",
        ) from None
    with reported_errors():
        cat = load_catalog(catalog)
        card = cat.find_model(model)
        hw = resolve_hardware(cat, gpu)
        opts = DeployOptions(target, context, quant, kv_dtype.lower(), repo, name)
        result = make_deployment(card, hw, opts)
    match fmt:
        case DeployFormat.TABLE:
            emit(table.deployment(result))
        case DeployFormat.JSON:
            emit(json.dumps(result.model_dump(mode="json")))
        case DeployFormat.MARKDOWN:
            emit(markdown.deployment(result))
        case DeployFormat.SHELL:
            if result.fits:
                emit(markdown.deployment_script(result))
        case _:  # pragma: no cover
            assert_never(fmt)
    if not result.fits:
        say(f"error: {result.reason}")
        for alt in result.alternatives:
            say(f"hint: {alt}")
        raise typer.Exit(int(ExitCode.POLICY_FAILED))


COST_HELP = """What serving a model costs: cloud instances, your own GPUs, and hosted APIs.

Throughput comes from the planner's estimate for the workload (--input-tokens, --output-tokens);
cloud prices from the catalog's dated price lists; API prices for the same model from the
providers' price pages. Per million tokens counts input and output tokens of the workload, for
all three. With --tokens-per-day, monthly costs and instances needed; the break-even volume is
where a server that is always on becomes cheaper than the cheapest API.
"""


@app.command(help=COST_HELP)
def cost(
    model: Annotated[str, typer.Argument(help="Model id, alias, Ollama tag or unique fragment.")],
    gpu: GpuOption,
    tokens_per_day: Annotated[
        int | None, typer.Option(help="Input + output tokens a day, for monthly figures.", min=1)
    ] = None,
    input_tokens: InputTokensOption = 1000,
    output_tokens: OutputTokensOption = 250,
    concurrency: ConcurrencyOption = None,
    utilization: Annotated[
        float, typer.Option(help="Share of time the servers are busy (0-1].", min=0.01, max=1.0)
    ] = 1.0,
    hardware_usd: Annotated[
        float | None,
        typer.Option(help="On-premises: price of these GPUs and their server, USD.", min=0),
    ] = None,
    years: Annotated[float, typer.Option(help="On-premises: amortisation period.", min=0.1)] = 3.0,
    power_watts: Annotated[
        float | None,
        typer.Option(help="On-premises: power draw, watts (default: the GPUs' TDP).", min=0),
    ] = None,
    kwh_usd: Annotated[
        float, typer.Option(help="On-premises: electricity price per kWh, USD.", min=0)
    ] = 0.15,
    engine: EngineOption = "vllm",
    quant: QuantOption = None,
    kv_dtype: KvOption = "auto",
    catalog: CatalogOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from llmpick.catalog import load_catalog
    from llmpick.cost import OnPremAssumptions, Workload, make_cost

    with reported_errors():
        cat = load_catalog(catalog)
        card = cat.find_model(model)
        hw = resolve_hardware(cat, gpu)
        work = Workload(input_tokens, output_tokens, concurrency, tokens_per_day, utilization)
        assume = OnPremAssumptions(hardware_usd, years, power_watts, kwh_usd)
        result = make_cost(cat, card, hw, _engine(engine), quant, kv_dtype.lower(), work, assume)
    emit_as(
        fmt,
        lambda: table.cost(result),
        lambda: result.model_dump(mode="json"),
        lambda: markdown.cost(result),
        lambda: csv.cost(result),
    )


@app.command()
def hardware(
    model: Annotated[str, typer.Argument(help="Model id, alias, Ollama tag or unique fragment.")],
    context: ContextOption = None,
    quant: QuantOption = None,
    kv_dtype: KvOption = "auto",
    engine: EngineOption = "vllm",
    input_tokens: InputTokensOption = 1000,
    output_tokens: OutputTokensOption = 250,
    catalog: CatalogOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """The GPU configurations and cloud instances that can serve a model, cheapest first.

    Each GPU in the catalog appears with the fewest of it that hold the model at --context;
    instances are ranked by cost per million tokens for the workload (as in `llmpick cost`).
    """
    from llmpick.catalog import load_catalog
    from llmpick.cost import Workload, make_hardware
    from llmpick.memory import default_context

    with reported_errors():
        cat = load_catalog(catalog)
        card = cat.find_model(model)
        ctx = context or default_context(card)
        work = Workload(input_tokens, output_tokens)
        result = make_hardware(cat, card, _engine(engine), quant, kv_dtype.lower(), ctx, work)
    emit_as(
        fmt,
        lambda: table.hardware(result),
        lambda: result.model_dump(mode="json"),
        lambda: markdown.hardware(result),
        lambda: csv.hardware(result),
    )
    if not result.configurations:
        say(f"no GPU in the catalog holds {card.id} at {ctx:,} tokens, even 64 of them")
        raise typer.Exit(int(ExitCode.POLICY_FAILED))


@catalog_app.command("validate")
def catalog_validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Catalog files to check on top of the built-in catalog."),
    ] = None,
    builtin: Annotated[
        bool, typer.Option("--builtin/--no-builtin", help="Include the built-in catalog.")
    ] = True,
) -> None:
    """Check catalog files: schema, references, uniqueness, sources, architecture sums."""
    from llmpick.validate import validate

    with reported_errors():
        report = validate(paths or [], builtin=builtin)
    for line in report.problems:
        say(line)
    say(report.summary)
    if report.problems:
        raise typer.Exit(int(ExitCode.INPUT_ERROR))


def _without_pydantic_plugins() -> None:
    """pydantic looks for plugins (an entry-point scan of every installed package) when it first
    builds a validator; a CLI has none to load. PYDANTIC_DISABLE_PLUGINS skips the scan, but the
    module that would scan still imports importlib.metadata (20-30 ms here), so unless the user
    set the variable, that module is replaced by one answering "no plugins", as it would."""
    if "PYDANTIC_DISABLE_PLUGINS" in os.environ:
        return
    os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
    name = "pydantic.plugin._loader"
    if name not in sys.modules:
        from types import ModuleType

        loader = ModuleType(name, "llmpick: pydantic plugins are disabled (no scan)")
        loader.get_plugins = tuple  # type: ignore[attr-defined]
        sys.modules[name] = loader


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code; a crash prints its traceback and gives INTERNAL,
    never 1, so CI never reads a bug as a policy verdict."""
    _without_pydantic_plugins()
    try:
        app(args=argv, prog_name="llmpick")
    except SystemExit as done:
        if done.code is None or isinstance(done.code, int):
            return done.code or 0
        print(done.code, file=sys.stderr)
        return 1
    except Exception:
        import traceback

        traceback.print_exc()
        return int(ExitCode.INTERNAL)
    return 0


def main() -> NoReturn:
    """Console entry point. It leaves without tearing the interpreter down: freeing every
    module and object at exit costs 60-200 ms here, as long as the command itself."""
    code = run()
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):  # a closed pipe (`| head`): nothing left to say
            stream.flush()
    os._exit(code)
