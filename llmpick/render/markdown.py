"""GitHub-flavoured Markdown pipe tables (PR comments, job summaries, design docs)."""

from collections.abc import Sequence

from llmpick.describe import Fact, ModelRow, human_tokens


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
