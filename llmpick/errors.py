"""Exit codes and the error hierarchy: every error a user can cause is an LlmpickError."""

from collections.abc import Iterable, Mapping
from enum import IntEnum


def did_you_mean(
    word: str,
    choices: Iterable[str],
    otherwise: str,
    *,
    n: int = 5,
    cutoff: float = 0.5,
    shown: Mapping[str, str] | None = None,
) -> str:
    """A hint: the names closest to `word` (difflib), or `otherwise` when none is close.
    `shown` maps a compared form of a name to the name to print."""
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=n, cutoff=cutoff)
    if shown is not None:
        close = [shown[c] for c in close]
    return "did you mean: " + ", ".join(close) if close else otherwise


class ExitCode(IntEnum):
    OK = 0  # success; `check`: every reference passes the policy
    POLICY_FAILED = 1  # `check` found a violation; `plan --check` / `deploy` does not fit
    USAGE = 2  # bad option or value (Typer's own code for usage errors)
    INPUT_ERROR = 3  # catalog/policy missing, unreadable, invalid YAML/schema; unknown id
    INTERNAL = 4  # a bug: the traceback is printed, never mistaken for a verdict


class LlmpickError(Exception):
    """An error the user can fix; `hint` says how."""

    exit_code = ExitCode.INPUT_ERROR

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class CatalogError(LlmpickError):
    """A catalog file is missing, unreadable, not YAML, or breaks the schema."""


class UnknownModelError(LlmpickError):
    """No catalog model matches the name given."""


class UnknownLicenseError(LlmpickError):
    """No licence in the catalog has this id."""


class UsageError(LlmpickError):
    """A bad option value that only the core can detect (e.g. an unknown GPU name)."""

    exit_code = ExitCode.USAGE


class DeployError(LlmpickError):
    """The engine cannot serve the model this way (a verdict, like a plan that does not fit)."""

    exit_code = ExitCode.POLICY_FAILED


class PolicyError(LlmpickError):
    """A licence policy file is missing, unreadable or invalid."""
