"""CSV for spreadsheets and scripts."""

import csv
import io

from llmpick.describe import Fact, ModelRow


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
