"""`catalog validate`: every rule the built-in catalog is held to, reported all at once."""

from dataclasses import dataclass
from pathlib import Path

from llmpick.catalog import builtin_files, iter_duplicate_keys, merge_files, parse_file
from llmpick.errors import CatalogError
from llmpick.params import PARAMS_TOLERANCE, count_params, params_gap
from llmpick.records import CatalogFile


@dataclass(frozen=True)
class Report:
    problems: list[str]
    summary: str


def validate(paths: list[Path], builtin: bool = True) -> Report:
    """Check the given files (and the built-in catalog): schema, duplicates, references, sums."""
    files = [(p, False) for p in builtin_files()] if builtin else []
    files += [(p, True) for p in paths]
    problems: list[str] = []
    parsed: list[tuple[Path, CatalogFile, bool]] = []
    for path, is_user in files:
        try:
            parsed.append((path, parse_file(path), is_user))
        except CatalogError as err:
            problems.append(err.message)
            continue
        problems += list(iter_duplicate_keys(path))
    if problems:
        return Report(problems, f"{len(problems)} problem(s) in {len(files)} file(s)")
    try:
        catalog = merge_files(parsed)
    except CatalogError as err:
        return Report([err.message], "1 problem: cross-file rules")
    for model in catalog.models:
        where = f"{catalog.origin[model.id]}: {model.id}"
        gap = params_gap(model)
        if abs(gap) > PARAMS_TOLERANCE:
            computed = count_params(model.architecture).total / 1e9
            problems.append(
                f"{where}: the architecture adds up to {computed:.2f}B parameters but "
                f"params_total_b is {model.params_total_b:g}B ({gap:+.1%}); "
                "check layers, widths, heads, head_dim, experts"
            )
        if model.params_active_b is not None:
            # Vendors count active parameters with all embeddings, without the input embedding
            # (a lookup, not compute), or without both: accept any of the three.
            counts = count_params(model.architecture)
            active = counts.active(model.architecture) / 1e9
            no_input = active - counts.embedding / 1e9
            bare = no_input - counts.lm_head / 1e9
            gap_active = min(
                abs(x - model.params_active_b) / model.params_active_b
                for x in (active, no_input, bare)
            )
            if gap_active > 2 * PARAMS_TOLERANCE:
                problems.append(
                    f"{where}: the experts per token add up to {active:.2f}B active parameters "
                    f"(or {bare:.2f}B without embeddings) but params_active_b is "
                    f"{model.params_active_b:g}B"
                )
    benchmarks = sum(len(m.benchmarks) for m in catalog.models)
    summary = (
        f"{len(catalog.models)} models, {len(catalog.licenses)} licences, "
        f"{len(catalog.gpus)} GPUs, {benchmarks} benchmark figures, "
        f"{sum(len(c.instances) for c in catalog.clouds)} cloud prices in "
        f"{len(catalog.clouds)} price lists, {len(catalog.api_offers)} API prices, "
        "all with a source (prices with their date)"
    )
    prefix = f"{len(problems)} problem(s); " if problems else "catalog OK: "
    return Report(problems, prefix + summary)
