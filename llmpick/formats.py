"""Closed vocabularies the CLI exposes as options (kept free of heavy imports)."""

from enum import StrEnum


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"
    CSV = "csv"


class WeightsPolicy(StrEnum):
    """`recommend --weights`: any format, or only formats with official weights."""

    ANY = "any"
    OFFICIAL = "official"


class CheckFormat(StrEnum):
    """`check` adds formats for CI: SARIF for code scanning, GitHub workflow annotations."""

    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"
    SARIF = "sarif"
    GITHUB = "github"


class DeployFormat(StrEnum):
    """`deploy` adds `shell`: the steps as a script to read, then run."""

    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"
    SHELL = "shell"
