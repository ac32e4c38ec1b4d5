"""Closed vocabularies the CLI exposes as options (kept free of heavy imports)."""

from enum import StrEnum


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"
    CSV = "csv"
