"""The README's Quickstart is the contract with new users: keep it exact and in step with CI."""

from pathlib import Path

ROOT = Path(__file__).parent.parent


def quickstart_lines() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Quickstart", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


def test_quickstart_has_exactly_two_command_lines() -> None:
    lines = quickstart_lines()
    assert len(lines) == 2
    assert all(line.startswith("python3 -m venv .venv && .venv/bin/pip install") for line in lines)


def test_ci_runs_the_quickstart_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert quickstart_lines()[1] in ci
