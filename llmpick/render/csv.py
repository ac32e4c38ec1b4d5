"""CSV for spreadsheets and scripts."""

import csv
import io

from llmpick.describe import Fact, ModelRow
from llmpick.records import Comparison, Plan, Ranking


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
         "decode_tokens_per_s", "license", "license_flags", "languages", "context_tokens"],
        [
            [rec.rank, rec.model, rec.quant, rec.total_gb, rec.available_gb, rec.score,
             "" if rec.quality is None else rec.quality, rec.decode_tokens_per_s, rec.license,
             ";".join(rec.license_flags), ";".join(rec.languages), rec.context_tokens]
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
