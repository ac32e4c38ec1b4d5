"""CSV for spreadsheets and scripts."""

import csv
import io

from llmpick.describe import Fact, ModelRow
from llmpick.records import Comparison, CostReport, HardwareReport, Plan, Ranking


def write(header: list[str], rows: list[list[object]]) -> str:
    """CSV text with a header row (RFC 4180 quoting, \\n line ends)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def model_list(rows: list[ModelRow]) -> str:
    """`list` as CSV; lists are ';'-separated inside a cell."""
    return write(
        [
            "id", "family", "params_total_b", "params_active_b", "context_tokens", "license",
            "commercial_use", "license_flags", "languages", "modalities", "capabilities",
        ],
        [
            [
                r.id, r.family, r.params_total_b, r.params_active_b or "", r.context_tokens,
                r.license, r.commercial_use, ";".join(r.license_flags), ";".join(r.languages),
                ";".join(r.modalities), ";".join(r.capabilities),
            ]
            for r in rows
        ],
    )  # fmt: skip


def facts(items: list[Fact]) -> str:
    """`show` / `license` as CSV."""
    return write(
        ["section", "fact", "value", "source"],
        [[i.section, i.label, i.value, i.source or ""] for i in items],
    )


def plan_formats(p: Plan) -> str:
    """`plan` as CSV: one row per format (the parts are in the JSON)."""
    return write(
        ["model", "gpus", "engine", "context_tokens", "quant", "weights_gb", "per_gpu_gb",
         "per_gpu_available_gb", "fits", "max_context_tokens", "decode_tokens_per_s"],
        [
            [p.model, p.gpus, p.engine, p.context_tokens, f.quant, f.weights_gb, f.per_gpu_gb,
             p.per_gpu_available_gb, f.fits, f.max_context_tokens, f.decode_tokens_per_s or ""]
            for f in p.formats
        ] or [
            [p.model, p.gpus, p.engine, p.context_tokens, p.quant, p.weights_gb, p.per_gpu_gb,
             p.per_gpu_available_gb, p.fits, p.max_context_tokens, ""]
        ],
    )  # fmt: skip


def ranking(r: Ranking) -> str:
    """`recommend` as CSV: one row per recommendation."""
    return write(
        ["rank", "model", "quant", "total_gb", "available_gb", "score", "quality",
         "decode_tokens_per_s", "license", "license_flags", "languages", "context_tokens",
         "weights", "weights_repo"],
        [
            [rec.rank, rec.model, rec.quant, rec.total_gb, rec.available_gb, rec.score,
             "" if rec.quality is None else rec.quality, rec.decode_tokens_per_s, rec.license,
             ";".join(rec.license_flags), ";".join(rec.languages), rec.context_tokens,
             rec.weights, rec.weights_repo or ""]
            for rec in r.recommendations
        ],
    )  # fmt: skip


def comparison(c: Comparison) -> str:
    """`compare` as CSV: a column per model."""
    return write(
        ["section", "label", *c.models, "best", "note"],
        [
            [row.section, row.label, *[v or "" for v in row.values],
             ";".join(c.models[i] for i in row.best), row.note or ""]
            for row in c.rows
        ],
    )  # fmt: skip


def cost(r: CostReport) -> str:
    """`cost` as CSV: one row per option (cloud instance, on-premises, API offer)."""
    rows: list[list[object]] = []
    for c in r.cloud.instances:
        rows.append(
            [
                "cloud",
                f"{c.cloud} {c.instance}",
                c.gpu,
                c.gpu_count,
                c.usd_per_hour,
                c.tokens_per_s,
                c.per_million_tokens,
                c.monthly_usd or "",
                c.priced_on.isoformat(),
                c.price_source,
            ]
        )
    p = r.on_prem
    rows.append(
        [
            "on_prem",
            p.gpus,
            "",
            "",
            "",
            p.tokens_per_s or "",
            p.per_million_tokens or "",
            p.monthly_usd or "",
            "",
            "",
        ]
    )
    for a in r.api.offers:
        rows.append(
            [
                "api",
                f"{a.provider} {a.provider_model}",
                "",
                "",
                "",
                "",
                a.per_million_tokens,
                a.monthly_usd or "",
                a.priced_on.isoformat(),
                a.price_source,
            ]
        )
    return write(
        [
            "kind", "option", "gpu", "gpu_count", "usd_per_hour", "tokens_per_s",
            "per_million_tokens", "monthly_usd", "priced_on", "price_source",
        ],
        rows,
    )  # fmt: skip


def hardware(r: HardwareReport) -> str:
    """`hardware` as CSV: the GPU configurations."""
    return write(
        [
            "gpu", "count", "per_gpu_gb", "per_gpu_available_gb", "headroom_gb",
            "tensor_parallel_size", "pipeline_parallel_size", "decode_tokens_per_s",
            "max_concurrent_sequences", "cheapest_usd_per_hour", "cheapest_offer", "devices",
            "cheapest_gpu_count",
        ],
        [
            [
                o.gpu, o.count, o.per_gpu_gb, o.per_gpu_available_gb, o.headroom_gb,
                o.tensor_parallel_size, o.pipeline_parallel_size, o.decode_tokens_per_s,
                o.max_concurrent_sequences, o.cheapest_usd_per_hour or "", o.cheapest_offer or "",
                o.devices, o.cheapest_gpu_count or "",
            ]
            for o in r.configurations
        ],
    )  # fmt: skip
