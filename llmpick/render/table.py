"""Rich tables for the terminal."""

from rich.table import Table
from rich.text import Text

from llmpick.describe import Fact, ModelRow, human_tokens


def short_license(license_ids: str) -> str:
    """'LicenseRef-Llama-3.3' -> 'Llama-3.3' (the table is narrow; JSON keeps full ids)."""
    return "+".join(part.removeprefix("LicenseRef-") for part in license_ids.split("+"))


CAPABILITY_ABBREV = {
    "tool-calling": "tools",
    "reasoning": "think",
    "thinking-toggle": "toggle",
    "fim": "fim",
    "code": "code",
}


def model_list(rows: list[ModelRow], caption: str) -> Table:
    """`list`: one row per model."""
    table = Table(title="Models", caption=caption, caption_justify="left")
    table.add_column("Model", no_wrap=True)
    table.add_column("Params", justify="right", no_wrap=True)
    table.add_column("Context", justify="right", no_wrap=True)
    table.add_column("Licence (conditions)")
    table.add_column("Commercial", no_wrap=True)
    table.add_column("Langs", justify="right", no_wrap=True)
    table.add_column("Capabilities")
    for row in rows:
        licence = short_license(row.license)
        if row.license_flags:
            licence += f" ({', '.join(row.license_flags)})"
        caps = [CAPABILITY_ABBREV.get(c, c) for c in row.capabilities]
        caps += [m for m in row.modalities if m != "text"]
        table.add_row(
            Text(row.id),
            row.params,
            human_tokens(row.context_tokens),
            Text(licence),
            row.commercial_use,
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
    table = Table(title=title, show_lines=False, caption_justify="left")
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
    table.caption = "\n".join(f"[{i}] {url}" for i, url in enumerate(urls, 1)) or None
    return table
