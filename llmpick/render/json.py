"""JSON documents: a top-level object, stable key order, always written even when empty."""

import json
from typing import Any


def dumps(document: dict[str, Any]) -> str:
    """Indented JSON text."""
    return json.dumps(document, indent=2, ensure_ascii=False)
