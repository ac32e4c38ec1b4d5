"""Shared fixtures: a clean environment, a CLI runner, paths to test catalogs."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

DATA = Path(__file__).parent / "data"
GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="session")
def cache_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One catalog cache for the whole run, never the developer's own."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, cache_root: Path) -> Iterator[None]:
    """Fixed width, no colour, no user catalog from the developer's shell, a private cache."""
    monkeypatch.setenv("LLMPICK_CACHE_DIR", str(cache_root))
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    for name in ("FORCE_COLOR", "LLMPICK_CATALOG"):
        monkeypatch.delenv(name, raising=False)
    yield


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def data() -> Path:
    return DATA
