"""Licence conditions, worded once: the fact, flags, duty and caveat of each kind of condition."""

import json
from typing import Any

import pytest

from llmpick.catalog import load_catalog
from llmpick.cli import app
from llmpick.describe import license_facts
from llmpick.records import License
from llmpick.terms import Term, caveats, human_count, license_flags, license_terms, obligations

EVERYTHING: dict[str, Any] = {
    "id": "LicenseRef-Test",
    "name": "Test licence",
    "url": "https://example.com/licence",
    "commercial_use": "conditional",
    "osi_approved": False,
    "conditions": {
        "mau_cap": 100_000_000,
        "revenue_cap_usd": 20_000_000,
        "attribution": "keep the notice",
        "naming": "start the name with Test",
        "acceptable_use_policy": "https://example.com/aup",
        "regional_restrictions": [
            {"regions": ["us", "eu"], "applies_to": "multimodal", "text": "no rights there"}
        ],
        "share_alike": True,
        "other": ["no use against the licensor"],
    },
    "summary": "Everything a licence can ask.",
    "source": "https://example.com/licence",
}


def licence(**changes: Any) -> License:
    data = {**EVERYTHING, **changes}
    return License.model_validate(data)


@pytest.fixture(scope="module")
def cat() -> Any:
    return load_catalog()


def test_every_condition_in_one_order() -> None:
    assert license_terms(licence()) == [
        Term(
            "monthly active users cap",
            "100,000,000",
            flags=("MAU<100M",),
            duty="LicenseRef-Test MAU cap: a separate licence above 100,000,000 monthly active "
            "users",
            caveat="LicenseRef-Test: a separate licence is needed above 100,000,000 monthly users",
        ),
        Term(
            "monthly revenue cap (USD)",
            "20,000,000",
            flags=("revenue<$20M/mo",),
            duty="LicenseRef-Test revenue cap: no rights if your company's monthly revenue "
            "exceeds $20,000,000",
            caveat="LicenseRef-Test: no rights if your company's monthly revenue exceeds "
            "$20,000,000",
        ),
        Term(
            "attribution",
            "keep the notice",
            flags=("attribution",),
            duty="LicenseRef-Test attribution: keep the notice",
            caveat="LicenseRef-Test attribution: keep the notice",
        ),
        Term(
            "naming",
            "start the name with Test",
            flags=("naming",),
            duty="LicenseRef-Test naming: start the name with Test",
            caveat="LicenseRef-Test naming: start the name with Test",
        ),
        Term(
            "acceptable use policy",
            "https://example.com/aup",
            flags=("AUP",),
            duty="LicenseRef-Test AUP: follow the acceptable use policy https://example.com/aup",
            caveat="LicenseRef-Test: acceptable use policy https://example.com/aup",
        ),
        Term(
            "regional restriction (us, eu; multimodal models)",
            "no rights there",
            flags=("region:eu", "region:us"),
            caveat="LicenseRef-Test regional restriction (us, eu): no rights there",
        ),
        Term(
            "share-alike",
            "yes",
            flags=("share-alike",),
            duty="LicenseRef-Test share-alike: derivatives must use the same licence",
            caveat="LicenseRef-Test share-alike: derivatives must use the same licence",
        ),
        Term("other", "no use against the licensor"),
    ]


def test_each_place_takes_its_wording() -> None:
    lic = licence()
    assert license_flags(lic) == [
        "MAU<100M",
        "revenue<$20M/mo",
        "attribution",
        "naming",
        "AUP",
        "region:eu",
        "region:us",
        "share-alike",
    ]
    assert [d.split(":")[0] for d in obligations(lic)] == [
        "LicenseRef-Test MAU cap",
        "LicenseRef-Test revenue cap",
        "LicenseRef-Test attribution",
        "LicenseRef-Test naming",
        "LicenseRef-Test AUP",
        "LicenseRef-Test share-alike",
    ]  # a region is judged as a violation by `check`, never listed as a duty
    assert len(caveats(lic)) == 7
    conditions = [(f.label, f.value) for f in license_facts(lic) if f.section == "conditions"]
    assert conditions == [(t.label, t.value) for t in license_terms(lic)]


def test_a_permissive_licence_keeps_notices_without_a_flag() -> None:
    apache = licence(
        id="Apache-2.0", osi_approved=True, commercial_use="yes", conditions={"attribution": "x"}
    )
    assert license_flags(apache) == []
    assert caveats(apache) == []
    assert obligations(apache) == ["Apache-2.0 attribution: x"]
    assert license_terms(apache)[-1] == Term("share-alike", "no")


def test_non_commercial_is_a_duty_and_a_caveat_not_a_second_fact() -> None:
    nc = licence(commercial_use="no", conditions={"attribution": "credit"})
    assert obligations(nc) == [
        "LicenseRef-Test non-commercial: no use for commercial advantage or payment",
        "LicenseRef-Test attribution: credit",
    ]
    assert caveats(nc)[0] == "LicenseRef-Test: no commercial use"
    assert license_flags(nc) == ["attribution"]
    facts = [(f.label, f.value) for f in license_facts(nc)]
    assert facts.count(("commercial use", "no")) == 1  # the licence's own fact, not repeated


def test_a_non_commercial_model_passing_a_lenient_policy_carries_the_duty(
    runner: Any, tmp_path: Any
) -> None:
    # No policy asks for commercial use, so CC-BY-NC weights pass; the duty must say so.
    (tmp_path / "serve.sh").write_text("vllm serve CohereLabs/c4ai-command-a-03-2025\n")
    result = runner.invoke(app, ["check", str(tmp_path), "-f", "json"])
    assert result.exit_code == 0
    (verdict,) = json.loads(result.stdout)["verdicts"]
    assert verdict["status"] == "pass"
    assert verdict["obligations"][0] == (
        "LicenseRef-Cohere-CC-BY-NC-4.0 non-commercial: no use for commercial advantage or payment"
    )


def test_regional_restriction_binds_only_the_models_it_names(cat: Any) -> None:
    lic = cat.license("LicenseRef-Llama-3.2")
    text_only = cat.find_model("meta-llama/Llama-3.2-3B-Instruct")
    assert text_only.modalities == ("text",)
    assert "region:eu" not in license_flags(lic, text_only)
    assert license_flags(lic) == ["MAU<700M", "attribution", "naming", "AUP", "region:eu"]
    multimodal = cat.find_model("meta-llama/Llama-4-Scout-17B-16E-Instruct")
    assert "region:eu" in license_flags(cat.license("LicenseRef-Llama-4"), multimodal)


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (700_000_000, "700M"),
        (20_000_000, "20M"),
        (1_500, "1.5K"),
        (2_000_000_000, "2B"),
        (999, "999"),
    ],
)
def test_human_count(n: int, text: str) -> None:
    assert human_count(n) == text
