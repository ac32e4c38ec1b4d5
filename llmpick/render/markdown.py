"""GitHub-flavoured Markdown pipe tables (PR comments, job summaries, design docs)."""

from collections.abc import Sequence

from llmpick.describe import (
    Fact,
    ModelRow,
    human_tokens,
    offer_label,
    ranking_counts,
    sizes_once,
)
from llmpick.records import (
    CheckReport,
    Comparison,
    CostReport,
    Deployment,
    HardwareReport,
    Plan,
    Ranking,
)


def cell(value: object) -> str:
    """A table cell: pipes escaped, newlines flattened."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def table(
    header: list[str], rows: Sequence[Sequence[object]], right: set[int] | None = None
) -> str:
    """A pipe table; columns in `right` are right-aligned."""
    align = ["---:" if i in (right or set()) else "---" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def model_list(rows: list[ModelRow], caption: str) -> str:
    """`list` as Markdown."""
    body = table(
        ["Model", "Params", "Context", "Licence", "Commercial", "Languages", "Capabilities"],
        [
            [
                f"`{r.id}`",
                r.params,
                human_tokens(r.context_tokens),
                r.license + (f" ({', '.join(r.license_flags)})" if r.license_flags else ""),
                r.commercial_use,
                ", ".join(r.languages),
                ", ".join(r.capabilities),
            ]
            for r in rows
        ],
        right={1, 2},
    )
    return f"{body}\n\n{caption}\n"


def facts(items: list[Fact], title: str) -> str:
    """`show` / `license` as Markdown, sources as links."""
    rows = [
        [i.section, i.label, i.value, f"[source]({i.source})" if i.source else ""] for i in items
    ]
    return f"### {title}\n\n" + table(["Section", "Fact", "Value", "Source"], rows) + "\n"


def plan(p: Plan) -> str:
    """`plan` as Markdown: the breakdown with its basis (for a design doc or PR)."""
    verdict = (
        f"Fits with {p.headroom_gb:.2f} GB headroom per GPU"
        if p.fits
        else f"Does not fit: short by {-p.headroom_gb:.2f} GB per GPU"
    )
    lines = [
        f"### {p.model_name} on {p.gpus}",
        "",
        f"{p.engine}, {p.mode}, {p.quant}; context {p.context_note}; batch {p.batch}. "
        f"**{verdict}.**" + (f" Next: {p.next_step}." if p.next_step else ""),
        "",
        table(
            ["part", "GB per GPU", "how"],
            [[x.name, f"{x.gb:,.2f}", x.detail] for x in p.parts]
            + [
                ["total", f"{p.per_gpu_gb:,.2f}", ""],
                ["budget", f"{p.per_gpu_available_gb:,.2f}", ""],
            ],
            right={1},
        ),
        "",
    ]
    if p.formats:
        lines += [
            table(
                ["format", "weights/GPU", "total/GPU", "fits", "max context", "est. tok/s"],
                [
                    [
                        f.quant, f"{f.weights_gb:,.2f}", f"{f.per_gpu_gb:,.2f}",
                        "yes" if f.fits else "no", f"{f.max_context_tokens:,}",
                        f"{f.decode_tokens_per_s:,.1f}" if f.decode_tokens_per_s else "-",
                    ]
                    for f in p.formats
                ],
                right={1, 2, 4, 5},
            ),
            "",
        ]  # fmt: skip
    lines += ["Basis:", "", *[f"- {b}" for b in p.basis], ""]
    return "\n".join(lines)


def ranking(r: Ranking) -> str:
    """`recommend` as Markdown."""
    c = r.constraints
    head = (
        f"### Recommendations for {c.gpus}\n\nUse case {c.use_case}, context "
        f"{c.context_tokens:,}, {c.engine}, {c.license}"
        + (f", languages {', '.join(c.languages)}" if c.languages else "")
        + (f", region {c.region}" if c.region else "")
        + (", official weights only" if c.weights == "official" else "")
        + ".\n"
    )
    body = table(
        ["#", "Model", "Params", "Format", "GB/GPU", "tok/s (est.)", "Quality", "Licence"],
        [
            [
                rec.rank, f"`{rec.model}`", rec.params,
                rec.quant + (" (no official weights)" if rec.weights == "none" else ""),
                f"{rec.total_gb:.1f} of {rec.available_gb:.1f}", f"{rec.decode_tokens_per_s:,.0f}",
                f"{rec.quality:.0f}" if rec.quality is not None else "unknown",
                rec.license + (f" ({', '.join(rec.license_flags)})" if rec.license_flags else ""),
            ]
            for rec in r.recommendations
        ],
        right={0, 2, 4, 5, 6},
    )  # fmt: skip
    lines = [head, body, ""]
    if r.recommendations:
        top = r.recommendations[0]
        lines += [f"**Top pick: {top.name} ({top.quant})**", ""]
        lines += [f"- {reason}" for reason in top.reasons]
        lines += ["", "Caveats:", ""] + [f"- {caveat}" for caveat in top.caveats]
    lines += [
        "",
        f"{ranking_counts(r)}; `--format json` lists each model and why.",
        "",
    ]
    return "\n".join(lines)


def comparison(c: Comparison) -> str:
    """`compare` as Markdown, ready for a design doc."""
    header = ["", *[f"`{m}`" for m in c.models], "note"]
    rows = []
    for row in c.rows:
        cells = [
            "-" if v is None else (f"**{v}**" if i in row.best else v)
            for i, v in enumerate(row.values)
        ]
        rows.append([f"{row.section}: {row.label}", *cells, row.note or ""])
    title = "### Comparison" + (f" on {c.gpus}" if c.gpus else "")
    return (
        f"{title}\n\n{table(header, rows)}\n\nBold: best among models reporting the same variant.\n"
    )


def check_report(report: CheckReport) -> str:
    """`check` as Markdown: a PR comment or job summary."""
    s = report.summary
    verdict = "fails" if s["violation"] else "passes"
    lines = [
        "### llmpick licence check",
        "",
        f"The policy ({report.policy_source}) **{verdict}**: {s['references']} references, "
        f"{s['violation']} violations, {s['unknown']} unknown models, {s['excepted']} excepted"
        + (
            f"; {len(report.placeholders)} placeholder names (such as "
            f"`{report.placeholders[0].text}`) not judged."
            if report.placeholders
            else "."
        ),
        "",
    ]
    rows = []
    for v in sorted(
        report.verdicts, key=lambda v: (v.status != "violation", v.ref.path, v.ref.line)
    ):
        where = f"`{v.ref.path}:{v.ref.line}`" if v.ref.line else f"`{v.ref.path}`"
        detail = "; ".join(v.reasons) if v.reasons else "; ".join(v.obligations) or "-"
        rows.append(
            [
                v.status,
                where,
                f"`{v.ref.text}`",
                v.model or "-",
                ", ".join(v.licenses) or "-",
                detail,
            ]
        )
    if rows:
        lines.append(
            table(["status", "where", "reference", "model", "licence", "why / duties"], rows)
        )
    else:
        lines.append("No model references found.")
    return "\n".join(lines) + "\n"


def deployment(d: Deployment) -> str:
    """`deploy` as Markdown: a runbook for a design doc or a PR."""
    lay = d.layout
    out = [f"### Deploy {d.model} with {d.engine_name} {d.engine_release} on {d.gpus}", ""]
    if not d.fits:
        out += [f"**Does not fit.** {d.reason}", "", "What would:", ""]
        out += [f"- `{alt}`" if alt.startswith("llmpick") else f"- {alt}" for alt in d.alternatives]
        return "\n".join(out) + "\n"
    out += [
        f"{d.quant} weights from `{d.repo}`, {d.context_tokens:,}-token context: "
        f"{lay.replicas} replica(s) of {lay.gpus_per_replica} GPU(s) (tensor parallel "
        f"{lay.tensor_parallel_size}, pipeline {lay.pipeline_parallel_size}), "
        f"{d.per_gpu_gb:.1f} of {d.per_gpu_available_gb:.1f} GB per GPU.",
        "",
    ]
    for i, step in enumerate(d.steps, 1):
        out.append(f"{i}. {step.title} ({step.host})" + (f": `{step.file}`" if step.file else ""))
        out.append("")
        lang = "yaml" if (step.file or "").endswith(".yaml") else "shell"
        body = step.shell_line() if step.argv else (step.content or "").rstrip("\n")
        out += [f"   ```{lang}", *[f"   {line}" for line in body.splitlines()], "   ```", ""]
    out.append(
        table(
            ["flag", "value", "why"], [[f"`{f.flag}`", f.value or "(on)", f.why] for f in d.flags]
        )
    )
    out.append("")
    out += [f"- {n}" for n in d.notes]
    out.append(f"- flags checked against {d.checked_against}")
    return "\n".join(out) + "\n"


def deployment_script(d: Deployment) -> str:
    """`deploy -f shell`: the steps as a bash script (steps for other hosts are commented)."""
    out = [
        "#!/usr/bin/env bash",
        f"# llmpick deploy: {d.model} ({d.quant}) with {d.engine_name} {d.engine_release} "
        f"on {d.gpus}",
        "set -euo pipefail",
    ]
    local = {"the GPU host", "node 0", "kubectl"}
    for step in d.steps:
        out.append("")
        out.append(f"# {step.title} ({step.host})")
        prefix = "" if step.host in local else "# "
        if step.file and step.content is not None:
            out.append(f"{prefix}cat > {step.file} <<'LLMPICK_EOF'")
            out += [f"{prefix}{line}" for line in step.content.rstrip("\n").splitlines()]
            out.append(f"{prefix}LLMPICK_EOF")
        if step.argv:
            background = " &" if step.argv[:2] == ("ollama", "serve") else ""
            out.append(prefix + step.shell_line() + background)
    return "\n".join(out) + "\n"


def _money(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"${value:,.{digits}f}"


def cost(r: CostReport) -> str:
    """`cost` as Markdown."""
    w = r.workload
    out = [
        f"### Cost of {r.model} ({r.quant}, {r.engine})",
        "",
        f"Workload: {w['input_tokens']:,} input + {w['output_tokens']:,} output tokens per "
        f"request, utilization {w['utilization']:g}"
        + (f", {w['tokens_per_day']:,} tokens a day" if w["tokens_per_day"] else "")
        + ". Per million tokens counts input and output tokens.",
        "",
        table(
            ["option", "per million tokens", "monthly", "break-even vs API"],
            [
                [
                    f"cloud (cheapest: {_best_cloud(r)})",
                    _money(r.cloud.per_million_tokens),
                    _money(r.cloud.instances[0].monthly_usd, 0) if r.cloud.instances else "-",
                    r.cloud.break_even,
                ],
                [
                    f"on-premises ({r.on_prem.gpus})",
                    _money(r.on_prem.per_million_tokens),
                    _money(r.on_prem.monthly_usd, 0),
                    r.on_prem_break_even,
                ],
                [
                    f"API (cheapest: {_best_api(r)})",
                    _money(r.api.per_million_tokens),
                    _money(r.api.offers[0].monthly_usd, 0) if r.api.offers else "-",
                    "-",
                ],
            ],
        ),  # fmt: skip
        "",
    ]
    if r.cloud.instances:
        monthly = w["tokens_per_day"] is not None
        out += [
            table(
                ["instance", "GPUs", "$/hour", "tokens/s", "$/M tokens"]
                + (["monthly"] if monthly else [])
                + ["priced on"],
                [
                    [
                        f"{c.cloud} {c.instance}{also}",
                        f"{c.gpu_count}x {c.gpu}",
                        _money(c.usd_per_hour, 2),
                        f"{c.tokens_per_s:,.0f}",
                        _money(c.per_million_tokens),
                    ]
                    + ([_money(c.monthly_usd, 0)] if monthly else [])
                    + [c.priced_on.isoformat()]
                    for c, also in sizes_once(r.cloud.instances, 10)
                ],
                right={2, 3, 4, 5} if monthly else {2, 3, 4},
            ),  # fmt: skip
            "",
        ]
    if r.api.offers:
        out += [
            table(
                ["provider", "model id", "$/M in", "$/M out", "$/M blended", "priced on"],
                [
                    [
                        a.provider_name,
                        f"`{a.provider_model}`",
                        _money(a.input_usd_per_mtok),
                        _money(a.output_usd_per_mtok),
                        _money(a.per_million_tokens),
                        a.priced_on.isoformat(),
                    ]
                    for a in r.api.offers[:10]
                ],
                right={2, 3, 4},
            ),  # fmt: skip
            "",
        ]
    out += [f"- {line}" for line in (*r.basis, *r.on_prem.missing, *r.notes)]
    return "\n".join(out) + "\n"


def _best_cloud(r: CostReport) -> str:
    if not r.cloud.instances:
        return "none"
    c = r.cloud.instances[0]
    return f"{c.cloud} {c.instance}"


def _best_api(r: CostReport) -> str:
    return f"{r.api.offers[0].provider_name}" if r.api.offers else "none"


def hardware(r: HardwareReport) -> str:
    """`hardware` as Markdown."""
    out = [
        f"### Hardware for {r.model} ({r.quant}, {r.engine}, {r.context_tokens:,} tokens)",
        "",
        table(
            ["GPUs", "GB per GPU (of)", "TP x PP", "tokens/s", "cheapest $/hour"],
            [
                [
                    f"{o.count}x {o.gpu_name}"
                    + (f" ({o.devices} devices)" if o.devices != o.count else ""),
                    f"{o.per_gpu_gb:.1f} ({o.per_gpu_available_gb:.1f})",
                    f"{o.tensor_parallel_size} x {o.pipeline_parallel_size}",
                    f"{o.decode_tokens_per_s:,.0f}",
                    offer_label(o),
                ]
                for o in r.configurations
            ],
            right={3},
        ),  # fmt: skip
        "",
    ]
    out += [f"- {line}" for line in r.basis]
    return "\n".join(out) + "\n"
