"""Rich tables for the terminal."""

from collections.abc import Sequence

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.markup import escape
from rich.measure import Measurement
from rich.panel import Panel
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from llmpick.describe import (
    Fact,
    ModelRow,
    human_tokens,
    offer_label,
    ranking_counts,
    sizes_once,
)
from llmpick.records import (
    CAPABILITY_SHORT,
    Capability,
    CheckReport,
    CloudCost,
    Comparison,
    CostReport,
    Deployment,
    Explanation,
    HardwareReport,
    Plan,
    Ranking,
)


def short_license(license_ids: str) -> str:
    """'LicenseRef-Llama-3.3' -> 'Llama-3.3' (the table is narrow; JSON keeps full ids)."""
    return "+".join(part.removeprefix("LicenseRef-") for part in license_ids.split("+"))


COMMERCIAL_ABBREV = {"conditional": "cond."}


def model_list(rows: list[ModelRow], caption: str) -> Table:
    """`list`: one row per model. It fits 80 columns: long ids fold onto a second line, and
    only the licence and capability columns wrap."""
    table = Table(
        title="Models",
        caption=escape(caption + "\nComm. = commercial use: yes, no, or cond. (with conditions)"),
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        padding=0,  # the box's blank rule already parts the columns
    )
    # Widths cap the wrapping columns, so the model id gets what is left (rich shrinks the
    # widest columns first, and a column's min_width can push a table past the terminal).
    table.add_column("Model", overflow="fold")
    table.add_column("Params", justify="right", no_wrap=True)
    table.add_column("Ctx", justify="right", no_wrap=True)
    table.add_column("Licence (conditions)", overflow="fold", max_width=16)
    table.add_column("Comm.", no_wrap=True)
    table.add_column("Langs", justify="right", no_wrap=True)
    table.add_column("Capabilities", max_width=12)
    for row in rows:
        licence = short_license(row.license)
        if row.license_flags:
            licence += f" ({', '.join(row.license_flags)})"
        caps = [CAPABILITY_SHORT.get(Capability(c), c) for c in row.capabilities]
        caps += [m for m in row.modalities if m != "text"]
        table.add_row(
            Text(row.id),
            row.params.replace("B / ", "/"),  # '17B / 108.6B' -> '17/108.6B', as recommend
            human_tokens(row.context_tokens),
            Text(licence),
            COMMERCIAL_ABBREV.get(row.commercial_use, row.commercial_use),
            str(len(row.languages)) if row.languages else "-",
            Text(" ".join(caps)),
        )
    return table


def facts(items: list[Fact], title: str) -> Table:
    """`show` / `license`: fact, value, source key; the sources listed in the caption."""
    urls: list[str] = []
    for item in items:
        if item.source and item.source not in urls:
            urls.append(item.source)
    table = Table(title=escape(title), show_lines=False, caption_justify="left")
    table.add_column("Section", style="dim", no_wrap=True)
    table.add_column("Fact", ratio=2, overflow="fold")
    table.add_column("Value", ratio=3, overflow="fold")
    table.add_column("Src", justify="right", no_wrap=True)
    previous = None
    for item in items:
        section = item.section if item.section != previous else ""
        previous = item.section
        ref = f"[{urls.index(item.source) + 1}]" if item.source else ""
        table.add_row(section, Text(item.label), Text(item.value), ref)
    table.caption = escape("\n".join(f"[{i}] {url}" for i, url in enumerate(urls, 1))) or None
    return table


BAR_WIDTH = 40
# The second part is the KV cache when serving, the optimizer's share when fine-tuning.
BAR_GLYPHS = {
    "weights": "█", "kv_cache": "▓", "gradients_optimizer": "▓", "adapters_optimizer": "▓",
    "activation": "▒", "overhead": "░",
}  # fmt: skip


def memory_bar(parts: list[tuple[str, float]], available: float, width: int = BAR_WIDTH) -> Text:
    """`[███▓▓▒░·····|]`: each part's share, free budget as dots, `|` where the budget ends."""
    scale = max(sum(gb for _, gb in parts), available) or 1.0
    cells: list[str] = []
    for name, gb in parts:
        cells += [BAR_GLYPHS.get(name, "█")] * round(gb / scale * width)
    budget = min(round(available / scale * width), width)
    cells += ["·"] * max(0, budget - len(cells))
    cells.insert(budget, "|")
    return Text("[" + "".join(cells) + "]")


def plan(p: Plan, explain: bool) -> Group:
    """`plan`: header, the per-GPU memory breakdown with a bar, the formats, speed, basis."""
    verdict = (
        f"FITS with {p.headroom_gb:.2f} GB headroom per GPU"
        if p.fits
        else f"DOES NOT FIT: short by {-p.headroom_gb:.2f} GB per GPU"
    )
    head = Text()
    head.append(f"{p.model_name} ", style="bold")
    head.append(f"on {p.gpus} · {p.engine} · {p.mode} · {p.quant}\n")
    head.append(f"context: {p.context_note}; batch {p.batch}; KV cache {p.kv_dtype}\n")
    if p.gpu_count > 1:
        head.append(
            f"layout: tensor parallel {p.tensor_parallel_size} x pipeline "
            f"{p.pipeline_parallel_size} on {p.nodes} node(s)\n"
        )
    where = "per GPU" if p.gpu_count == 1 else f"on the busiest of {p.gpu_count} GPUs"
    mem = Table(title=f"Memory {where}", title_justify="left", box=None, min_width=40)
    mem.add_column("part")
    mem.add_column("GB", justify="right")
    if explain:
        mem.add_column("how", overflow="fold")
    for part in p.parts:
        row = [part.name.replace("_", " "), f"{part.gb:,.2f}"]
        mem.add_row(*row, *([Text(part.detail)] if explain else []))
    mem.add_row("total", f"{p.per_gpu_gb:,.2f}", *([""] if explain else []))
    mem.add_row("budget", f"{p.per_gpu_available_gb:,.2f}", *([""] if explain else []))
    bar = memory_bar([(x.name, x.gb) for x in p.parts], p.per_gpu_available_gb)
    legend = Text(
        "  ".join(f"{BAR_GLYPHS.get(x.name, '█')} {x.name.replace('_', ' ')}" for x in p.parts)
    )
    summary = Text()
    summary.append(verdict + "\n", style="bold green" if p.fits else "bold red")
    if not p.max_context_tokens:
        summary.append("it does not fit at any context in this format\n")
    if p.next_step:
        summary.append(f"next: {p.next_step}\n")
    elif p.mode == "inference":
        summary.append(
            f"largest context that fits: {p.max_context_tokens:,} tokens; "
            f"concurrent sequences at {p.context_tokens:,} tokens: {p.max_concurrent_sequences:,}\n"
        )
    else:
        summary.append(f"longest training sequence that fits: {p.max_context_tokens:,} tokens\n")
    if p.decode_tokens_per_s is not None:
        summary.append(
            f"decode ≈ {p.decode_tokens_per_s:,.1f} tokens/s per sequence"
            f" ({p.decode_tokens_per_s_total:,.1f} in all)"
            + (
                f", prefill ≈ {p.prefill_tokens_per_s:,.0f} tokens/s"
                if p.prefill_tokens_per_s
                else ""
            )
            + " (estimates)\n"
        )
    if p.train_tokens_per_s is not None:
        summary.append(f"training ≈ {p.train_tokens_per_s:,.0f} tokens/s (estimate)\n")
    items: list[RenderableType] = [head, mem, bar, legend, summary]
    if p.formats:
        fmt = Table(title=f"Formats at {p.context_tokens:,} tokens", title_justify="left")
        fmt.add_column("format")
        fmt.add_column("weights/GPU", justify="right")
        fmt.add_column("total/GPU", justify="right")
        fmt.add_column("fits")
        fmt.add_column("max context", justify="right")
        fmt.add_column("est. tok/s", justify="right")
        for f in p.formats:
            fmt.add_row(
                f.quant,
                f"{f.weights_gb:,.2f}",
                f"{f.per_gpu_gb:,.2f}",
                "yes" if f.fits else "no",
                f"{f.max_context_tokens:,}",
                f"{f.decode_tokens_per_s:,.1f}" if f.decode_tokens_per_s is not None else "-",
            )
        items.append(fmt)
    for warning in p.warnings:
        items.append(Text(f"warning: {warning}", style="yellow"))
    if explain:
        items += [Text("basis:"), _Bullets(p.basis)]
    else:
        items.append(Text("(--explain shows how each figure was computed)", style="dim"))
    return Group(*items)


def _caption(r: Ranking) -> str:
    c = r.constraints
    parts = [c.gpus, f"use case {c.use_case}", f"context {c.context_tokens:,}", c.engine]
    if c.languages:
        parts.append("languages " + ", ".join(c.languages))
    parts.append(c.license + (" (the default)" if c.license_note else ""))
    if c.region:
        parts.append(f"region {c.region}")
    if c.modalities:
        parts.append("input " + ", ".join(c.modalities))
    if c.min_tokens_per_s:
        parts.append(f">= {c.min_tokens_per_s:g} tokens/s")
    if c.weights == "official":
        parts.append("official weights only")
    why = " (--format json lists each model and why)" if r.excluded else ""
    return "; ".join(parts) + f"\n{ranking_counts(r)}{why}"


def compact_params(label: str) -> str:
    """'108.6B (17B active)' -> '17/108.6B'."""
    if " (" not in label:
        return label
    total, active = label.removesuffix(" active)").split(" (")
    return f"{active.removesuffix('B')}/{total}"


FLAG_ABBREV = {"attribution": "attr", "naming": "name", "share-alike": "SA", "region:eu": "EU"}


LICENCE_WIDTH = 12  # the `recommend` table's licence column, within 80 columns


def ranking(r: Ranking) -> Group:
    """`recommend`: the ranked table, then a panel for the top pick."""
    table = Table(
        title="Recommendations",
        caption=escape(_caption(r)),
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        padding=0,  # the box's blank rule already parts the columns
    )
    # Within 80 columns: when every row has the same usable memory per GPU (an engine that
    # reserves a fixed share of each GPU), it goes in the header once; otherwise in each cell.
    budgets = {rec.available_gb for rec in r.recommendations}
    budget = budgets.pop() if len(budgets) == 1 else None
    table.add_column("#", justify="right")
    table.add_column("Model", overflow="fold")
    table.add_column("Params", justify="right", no_wrap=True)
    table.add_column("Format", no_wrap=True)
    gb_header = f"GB/GPU\nof {budget:.1f}" if budget is not None else "GB/GPU"
    table.add_column(gb_header, justify="right", no_wrap=True)
    table.add_column("tok/s*", justify="right")
    table.add_column("Qual.", justify="right")
    table.add_column("Licence", overflow="fold", max_width=LICENCE_WIDTH)
    table.add_column("Lang/ctx", justify="right", no_wrap=True)
    for rec in r.recommendations:
        licence = short_license(rec.license)
        if len(licence) > LICENCE_WIDTH:  # 'MIT+' over 'Apache-2.0', not 'MIT+Apache-2' over '.0'
            licence = licence.replace("+", "+\n")
        if rec.license_flags:
            licence += ": " + " ".join(FLAG_ABBREV.get(f, f) for f in rec.license_flags)
        langs = str(len(rec.languages)) if rec.languages else "-"
        table.add_row(
            str(rec.rank),
            Text(rec.model.split("/", 1)[1]),
            compact_params(rec.params),
            rec.quant.replace(" (as released)", "*") + ("†" if rec.weights == "none" else ""),
            f"{rec.total_gb:.1f}" + (f"/{rec.available_gb:.1f}" if budget is None else ""),
            f"{rec.decode_tokens_per_s:,.0f}",
            f"{rec.quality:.0f}" if rec.quality is not None else "?",
            Text(licence),
            f"{langs}/{human_tokens(rec.context_tokens)}",
        )
    if not r.recommendations:  # no empty table: its width would squeeze the caption
        return Group(
            Text("Recommendations: none", style="bold"),
            Text(_caption(r)),
            Text("no model passes every constraint; the count per filter is above"),
        )
    items: list[RenderableType] = [table, top_pick(r)]
    unofficial = next((rec.quant for rec in r.recommendations if rec.weights == "none"), None)
    items.append(
        Text(
            "tok/s* = estimated decode tokens/s per sequence; bf16* = the format as released; "
            + (
                f"{unofficial}† = no official weights in this format (deploy --repo); "
                if unofficial
                else ""
            )
            + "Qual. = quality percentile for the use case (? = unknown)",
            style="dim",
        )  # fmt: skip
    )
    return Group(*items)


class _Bullets:
    """'  - item' lines whose wrapped lines stay under the item's text, not under the dash. (A
    two-column grid does the same for ~10 M more instructions per `recommend`.)"""

    def __init__(self, items: Sequence[str], marker: str = "  - ") -> None:
        self.items = items
        self.marker = marker

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = max((cell_len(item) for item in self.items), default=0)
        return Measurement(len(self.marker) + 1, min(options.max_width, len(self.marker) + widest))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        indent = " " * len(self.marker)
        width = max(options.max_width - len(self.marker), 1)
        for item in self.items:
            for i, line in enumerate(Text(item).wrap(console, width, overflow="fold")):
                line.rstrip()
                yield Segment(self.marker if i == 0 else indent)
                yield from line.render(console)
                yield Segment.line()


def top_pick(r: Ranking) -> Panel:
    top = r.recommendations[0]
    reasons = list(top.reasons)
    if len(r.recommendations) > 1:
        runner = r.recommendations[1]
        reasons.append(f"scores {top.score:.1f} against {runner.score:.1f} for #2 {runner.model}")
    quant = top.quant.replace(" (as released)", "")
    c = r.constraints
    spec = f"{r.hardware['count']}x{r.hardware['gpu']}"
    commands = [
        f"llmpick plan {top.model} --gpu {spec} --quant {quant} "
        f"--context {c.context_tokens} --engine {c.engine} --explain",
        f"llmpick recommend --gpu {spec} ... --explain {top.model}   (every score term)",
    ]
    body = Group(
        Text("Why it won", style="bold"),
        _Bullets(reasons),
        Text("Caveats", style="bold"),
        _Bullets(top.caveats),
        Text("Next", style="bold"),
        _Bullets(commands, marker="  "),
    )
    return Panel(body, title=Text(f"Top pick: {top.name} ({quant})"), title_align="left")


def explanation(e: Explanation) -> Group:
    """`recommend --explain MODEL`: the score terms or the exclusion, and the quality evidence."""
    items: list[RenderableType] = []
    if e.excluded:
        items.append(Text(f"{e.model} is excluded by the {e.constraint} filter: {e.reason}"))
    else:
        source = {"none": "no official weights: deploy --repo", None: None}.get(
            e.weights, f"weights: {e.weights_repo}"
        )
        title = f"Score of {e.model} as {e.quant}" + (f" ({source})" if source else "")
        terms = Table(title=escape(title), title_justify="left")
        terms.add_column("term")
        terms.add_column("points", justify="right")
        terms.add_column("how", overflow="fold")
        for t in e.terms:
            terms.add_row(t.name, f"{t.value:+.2f}", Text(t.detail))
        terms.add_row("total", f"{e.score:.2f}", "")
        items.append(terms)
    if e.evidence:
        obs = Table(title="Quality evidence (like-for-like columns only)", title_justify="left")
        for col in (
            "benchmark [variant]",
            "value",
            "peer mean",
            "SD",
            "n",
            "z",
            "offset",
            "weight",
        ):
            obs.add_column(col, justify="left" if col.startswith("bench") else "right")
        for ev in e.evidence:
            obs.add_row(
                Text(f"{ev.name} [{ev.variant}]"), f"{ev.value:g}", f"{ev.peer_mean:.1f}",
                f"{ev.sd:.1f}", str(ev.n), f"{ev.z:+.2f}", f"{ev.offset:+.2f}", f"{ev.weight:.2f}",
            )  # fmt: skip
        items.append(obs)
    if e.not_comparable:
        items.append(
            Text(
                "not used (no other model reports the same variant): " + "; ".join(e.not_comparable)
            )
        )
    return Group(*items)


NOTE_MARKS = "†‡§¶"


def comparison(c: Comparison) -> Table:
    """`compare`: a column per model; a bold row opens each section; the best of identical
    variants marked with *; row notes as marks in the label, explained in the caption (a note
    column and a section column cost two columns of a terminal that five models already fill)."""
    marks: dict[str, str] = {}
    for row in c.rows:
        if row.note and row.note not in marks:
            marks[row.note] = NOTE_MARKS[len(marks) % len(NOTE_MARKS)]
    caption = "* best among models reporting the same variant" + "".join(
        f"\n{mark} {note}" for note, mark in marks.items()
    )
    title = "Comparison" + (f" on {c.gpus}" if c.gpus else "")
    table = Table(title=title, caption=caption, caption_justify="left")
    table.add_column("")
    for name in c.names:
        table.add_column(Text(name, overflow="fold"), overflow="fold")
    previous = None
    for row in c.rows:
        if row.section != previous:
            if previous is not None:
                table.add_section()
            table.add_row(Text(row.section, style="bold"), *([""] * len(c.names)))
            previous = row.section
        label = Text(row.label)
        if row.note:
            label.append(f" {marks[row.note]}", style="dim")
        values = row.values
        if (row.section, row.label) == ("licence", "licence"):  # the ids, as in other tables
            values = tuple(v and " + ".join(map(short_license, v.split(" + "))) for v in values)
        cells = [
            Text("-" if v is None else v + (" *" if i in row.best else ""))
            for i, v in enumerate(values)
        ]
        table.add_row(label, *cells)
    return table


STATUS_STYLE = {"pass": "green", "violation": "bold red", "unknown": "yellow", "excepted": "cyan"}


def placeholder_note(report: CheckReport) -> str:
    """`; 3 placeholder names not judged (my-org/my-model at docs/x.md:4, ...)`."""
    if not report.placeholders:
        return ""
    shown = ", ".join(f"{r.text} at {r.path}:{r.line}" for r in report.placeholders[:3])
    more = ", ..." if len(report.placeholders) > 3 else ""
    return f"; {len(report.placeholders)} placeholder name(s) not judged ({shown}{more})"


def check_report(report: CheckReport) -> Table:
    """`check`: one row per reference, violations first."""
    order = {"violation": 0, "unknown": 1, "excepted": 2, "pass": 3}
    table = Table(
        title="Model licence check",
        caption=escape(
            f"policy: {report.policy_source}; {report.files_scanned:,} files scanned"
            + placeholder_note(report)
        ),
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        padding=0,  # the box's blank rule already parts the columns
    )
    table.add_column("Status", no_wrap=True)
    table.add_column("Where", overflow="fold", max_width=18)
    table.add_column("Model", overflow="fold")
    table.add_column("Licence", overflow="fold", max_width=14)
    table.add_column("Why / duties", overflow="fold")
    for v in sorted(report.verdicts, key=lambda v: (order[v.status], v.ref.path, v.ref.line)):
        where = f"{v.ref.path}:{v.ref.line}" if v.ref.line else v.ref.path
        model = v.model or v.ref.text
        if v.model and v.ref.text.lower() != v.model.lower():
            model = f"{v.ref.text} -> {v.model}"
        # The table names each duty; JSON, Markdown and SARIF carry the licence's words. The
        # Model and Licence columns already name the model and a sole licence.
        duties = "; ".join(_unnamed(o.split(":", 1)[0], "", v.licenses) for o in v.obligations)
        reasons = [
            _unnamed(r.removeprefix(f"{v.ref.text} is "), "licence ", v.licenses) for r in v.reasons
        ]
        detail = "; ".join(reasons) if reasons else duties or "-"
        table.add_row(
            Text(v.status.upper(), style=STATUS_STYLE[v.status]),
            Text(where),
            Text(model),
            Text(", ".join(short_license(x) for x in v.licenses) or "-"),
            Text(detail),
        )
    return table


def _unnamed(text: str, lead: str, licenses: Sequence[str]) -> str:
    """Text that starts with `lead` + a licence id, without the id when it is the only licence
    ('LicenseRef-Llama-3.1 naming' -> 'naming'), or with its short name ('Llama-3.1 naming')."""
    for lic in licenses:
        if text.startswith(f"{lead}{lic} "):
            rest = text.removeprefix(f"{lead}{lic} ")
            return rest if len(licenses) == 1 else f"{short_license(lic)} {rest}"
    return text


def deployment(d: Deployment) -> RenderableType:
    """`deploy`: the layout, then each step's command or file, then why each flag is set."""
    lay = d.layout
    head = Text()
    head.append(f"{d.model}", style="bold")
    head.append(f" ({d.quant}, {d.repo}) with {d.engine_name} {d.engine_release} on {d.gpus}\n")
    if not d.fits:
        head.append("Does not fit: ", style="bold red")
        head.append(d.reason or "")
        why: RenderableType = Group(head, _Bullets(d.alternatives)) if d.alternatives else head
        return Panel(why, title=Text("llmpick deploy"), expand=False)
    head.append(
        f"{lay.replicas} replica(s) x {lay.gpus_per_replica} GPU(s) "
        f"(TP {lay.tensor_parallel_size} x PP {lay.pipeline_parallel_size}"
        + (f", {lay.nodes_per_replica} nodes" if lay.nodes_per_replica > 1 else "")
        + ")"
        + (f"; {lay.idle_gpus} GPU(s) left idle" if lay.idle_gpus else "")
        + f"\n{d.per_gpu_gb:.1f} of {d.per_gpu_available_gb:.1f} GB per GPU at "
        f"{d.context_tokens:,} tokens; {d.max_concurrent_sequences:,} sequences of that length "
        f"fit per replica; ~{d.decode_tokens_per_s:,.0f} tokens/s per sequence (estimate)"
    )
    parts: list[RenderableType] = [head]
    for i, step in enumerate(d.steps, 1):
        body = step.shell_line() if step.argv else (step.content or "").rstrip("\n")
        label = f"{i}. {step.title} ({step.host})" + (f": {step.file}" if step.file else "")
        parts.append(Panel(Text(body), title=Text(label), title_align="left", box=box.SQUARE))
    flags = Table(box=box.SIMPLE, show_header=True, title="Why these values")
    flags.add_column("Flag", no_wrap=True)
    flags.add_column("Value", overflow="fold")
    flags.add_column("Why", overflow="fold")
    for f in d.flags:
        flags.add_row(Text(f.flag), Text(f.value or "(on)"), Text(f.why))
    parts.append(flags)
    notes = [*d.notes, f"flags checked against {d.checked_against}"]
    parts.append(_Bullets(notes, marker="- "))
    return Group(*parts)


def _usd(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"${value:,.{digits}f}"


def cost(r: CostReport) -> RenderableType:
    """`cost`: the three options side by side, then the instances and API offers behind them."""
    w = r.workload
    summary = Table(
        title=f"Cost of {r.model} ({r.quant}, {r.engine})",
        caption=escape(
            f"workload: {w['input_tokens']:,} in + {w['output_tokens']:,} out tokens per request, "
            f"utilization {w['utilization']:g}"
            + (f", {w['tokens_per_day']:,} tokens/day" if w["tokens_per_day"] else "")
            + "; per million tokens counts input and output; --format json for every figure"
        ),
        caption_justify="left",
    )
    summary.add_column("Option")
    summary.add_column("$ per M tokens", justify="right", no_wrap=True)
    summary.add_column("Monthly", justify="right", no_wrap=True)
    summary.add_column("Break-even vs API", overflow="fold")
    best = r.cloud.instances[0] if r.cloud.instances else None
    summary.add_row(
        Text(f"cloud: {best.cloud} {best.instance}" if best else "cloud: none fits"),
        _usd(r.cloud.per_million_tokens),
        _usd(best.monthly_usd, 0) if best else "-",
        Text(r.cloud.break_even),
    )
    summary.add_row(
        Text(f"on-premises: {r.on_prem.gpus}"),
        _usd(r.on_prem.per_million_tokens),
        _usd(r.on_prem.monthly_usd, 0),
        Text(r.on_prem_break_even),
    )
    api = r.api.offers[0] if r.api.offers else None
    summary.add_row(
        Text(f"API: {api.provider_name} ({api.provider_model})" if api else "API: no price"),
        _usd(r.api.per_million_tokens),
        _usd(api.monthly_usd, 0) if api else "-",
        "",
    )
    parts: list[RenderableType] = [summary]
    if r.throughput:
        t = r.throughput
        parts.append(
            Text(
                f"one copy on {r.gpus}: {t.concurrency} sequences at once (limit: "
                f"{t.concurrency_limit}), {t.decode_step_ms} ms per decode step "
                f"({t.decode_bound}-bound), {t.tokens_per_s:,.0f} tokens/s "
                f"({t.output_tokens_per_s:,.0f} generated), estimated"
            )
        )
    if r.cloud.instances:
        dates = sorted({f"{c.cloud} {c.priced_on.isoformat()}" for c in r.cloud.instances})
        monthly = r.workload.get("tokens_per_day") is not None
        title = "Cloud instances (on-demand), " + ("by monthly cost" if monthly else "by $/M")
        parts.append(_instances(r.cloud.instances, 10, title, dates))
    if r.api.offers:
        offers = Table(
            title="Hosted APIs for the same model",
            box=box.SIMPLE,
            caption="$ per million tokens; blended over the workload's input and output",
            caption_justify="left",
        )
        offers.add_column("Provider")
        offers.add_column("Model id", overflow="fold")
        for col in ("In", "Out", "Blended"):
            offers.add_column(col, justify="right", no_wrap=True)
        offers.add_column("Priced on", no_wrap=True)
        for a in r.api.offers[:10]:
            offers.add_row(
                Text(a.provider_name),
                Text(a.provider_model),
                _usd(a.input_usd_per_mtok),
                _usd(a.output_usd_per_mtok),
                _usd(a.per_million_tokens),
                a.priced_on.isoformat(),
            )
        parts.append(offers)
    notes = [*r.on_prem.missing, *r.notes]
    if notes:
        parts.append(_Bullets(notes, marker="- "))
    return Group(*parts)


def hardware(r: HardwareReport) -> RenderableType:
    """`hardware`: the fewest of each GPU that hold the model, cheapest first; then instances."""
    configs = Table(
        title=f"GPUs that hold {r.model} ({r.quant}, {r.engine}) at {r.context_tokens:,} tokens",
        caption="GB/GPU: needed/usable; Tok/s: one sequence; Seqs: sequences of that length that "
        "fit; cheapest $/hour: the whole price of the cheapest catalog instance with at least that "
        "many ('(8 GPUs)': it rents more), or beyond one node whole 8-GPU cloud instances (2x ...)",
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        padding=0,  # the box's blank rule already parts the columns
    )
    configs.add_column("GPUs", overflow="fold", max_width=25)
    configs.add_column("GB/GPU", justify="right", no_wrap=True)
    configs.add_column("TPxPP", justify="right", no_wrap=True)
    configs.add_column("Tok/s", justify="right", no_wrap=True)
    configs.add_column("Seqs", justify="right", no_wrap=True)
    configs.add_column("Cheapest $/hour", overflow="fold", min_width=20)
    for o in r.configurations:
        devices = f" ({o.devices} devices)" if o.devices != o.count else ""
        configs.add_row(
            Text(f"{o.count}x {o.gpu}{devices}"),
            f"{o.per_gpu_gb:.1f}/{o.per_gpu_available_gb:.1f}",
            f"{o.tensor_parallel_size}x{o.pipeline_parallel_size}",
            f"{o.decode_tokens_per_s:,.0f}",
            f"{o.max_concurrent_sequences:,}",
            Text(offer_label(o)),
        )
    parts: list[RenderableType] = [configs]
    if r.instances:
        dates = sorted({f"{c.cloud} {c.priced_on.isoformat()}" for c in r.instances})
        parts.append(_instances(r.instances, 15, "Cloud instances, by cost per million", dates))
    return Group(*parts)


def _instances(rows: Sequence[CloudCost], limit: int, title: str, dates: list[str]) -> Table:
    """Priced instances: copies of the model each holds, throughput, cost per million tokens,
    and with a daily volume the instances it needs and their month. Larger sizes at the same
    $/M share their smallest size's row (`sizes_once`)."""
    monthly = any(c.monthly_usd is not None for c in rows)
    shown = sizes_once(rows, limit)
    caption = "copies x GPUs each; "
    if any(also for _, also in shown):
        caption += "(also n GPUs): larger sizes at the same $/M; "
    if monthly:
        caption += "monthly: as many instances as the daily tokens need, billed always on; "
    table = Table(
        title=title,
        box=box.SIMPLE,
        caption=escape(caption + "priced on: " + ", ".join(dates)),
        caption_justify="left",
        pad_edge=not monthly,
    )
    table.add_column("Instance", overflow="fold", min_width=16 if monthly else None)
    table.add_column("GPUs", no_wrap=True)
    # A month column leaves 80 columns only with short headers.
    heads = (
        ("$/h", "Copies", "Tok/s", "$/M", "Monthly")
        if monthly
        else ("$/hour", "Copies", "Tokens/s", "$/M tokens")
    )
    for col in heads:
        table.add_column(col, justify="right", no_wrap=True)
    for c, also in shown:
        cells: list[RenderableType] = [
            Text(f"{c.cloud} {c.instance}{also}"),
            f"{c.gpu_count}x {c.gpu}",
            _usd(c.usd_per_hour, 2),
            f"{c.copies} x {c.gpus_per_copy}",
            f"{c.tokens_per_s:,.0f}",
            _usd(c.per_million_tokens),
        ]
        if monthly:
            cells.append(_usd(c.monthly_usd, 0))
        table.add_row(*cells)
    return table
