"""`check` for CI systems: SARIF 2.1.0 (code scanning) and GitHub workflow annotations."""

import json

from llmpick.records import CheckReport, Verdict

RULES = {
    "violation": ("LLMPICK001", "licence-violation", "error", "Model licence breaks the policy"),
    "unknown": ("LLMPICK002", "unknown-model", "warning", "Model not in the llmpick catalog"),
    "pass": ("LLMPICK003", "licence-obligation", "note", "Model licence carries obligations"),
}
INFO_URI = "https://github.com/llmpick/llmpick/blob/main/docs/ci.md"


def message(v: Verdict) -> str:
    """One line per verdict: what was found and why it matters."""
    target = v.model or v.ref.text
    head = f"{v.ref.text}" + (f" -> {v.model}" if v.model and v.model != v.ref.text else "")
    if v.status == "unknown":
        return f"{head}: unknown model (not in the catalog); licence not checked"
    if v.status in ("violation", "excepted"):
        return f"{head}: " + "; ".join(v.reasons)
    duties = "; ".join(v.obligations) or "no conditions"
    return f"{target} ({', '.join(v.licenses)}) passes; duties: {duties}"


def sarif(report: CheckReport, unknown_level: str) -> str:
    """SARIF 2.1.0: one result per violation, unknown model, and licence with duties."""
    rules = [
        {
            "id": rid,
            "name": name,
            "shortDescription": {"text": text},
            "defaultConfiguration": {"level": level},
            "helpUri": INFO_URI,
        }
        for rid, name, level, text in RULES.values()
    ]
    results = []
    for v in report.verdicts:
        if v.status == "excepted":
            continue
        if v.status == "pass" and not v.obligations:
            continue
        rid, _, level, _ = RULES[v.status]
        if v.status == "unknown":
            level = unknown_level
            if level == "none":
                continue
        physical: dict[str, object] = {"artifactLocation": {"uri": v.ref.path}}
        if v.ref.line:
            physical["region"] = {"startLine": v.ref.line}
        location = {"physicalLocation": physical}
        results.append(
            {
                "ruleId": rid,
                "level": level,
                "message": {"text": message(v)},
                "locations": [location],
            }
        )
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "llmpick", "informationUri": INFO_URI, "rules": rules}},
                "results": results,
            }
        ],
    }
    return json.dumps(doc, indent=2)


def _escape(text: str, prop: bool = False) -> str:
    """GitHub's workflow-command escaping (% and newlines; also , and : in properties)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def github(report: CheckReport, unknown_level: str) -> str:
    """`::error file=...,line=...::message` lines, one per finding."""
    lines = []
    for v in report.verdicts:
        level: str | None
        if v.status == "violation":
            level = "error"
        elif v.status == "unknown":
            level = {"error": "error", "warning": "warning"}.get(unknown_level)
            if level is None:
                continue
        elif v.obligations:
            level = "notice"
        else:
            continue
        props = f"file={_escape(v.ref.path, True)}"
        if v.ref.line:
            props += f",line={v.ref.line}"
        props += ",title=llmpick"
        lines.append(f"::{level} {props}::{_escape(message(v))}")
    return "\n".join(lines) + ("\n" if lines else "")
