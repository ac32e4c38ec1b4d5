"""Regions for licences' regional terms: ISO 3166-1 codes, names, and the EU's members."""

import pytest

from llmpick.regions import COUNTRIES, EU_MEMBERS, place, region_code, restricted_in


class TestRegionCode:
    @pytest.mark.parametrize(
        ("given", "code"),
        [
            ("de", "de"), ("DE", "de"), (" Germany ", "de"), ("united  kingdom", "gb"),
            ("uk", "gb"), ("GB", "gb"), ("south korea", "kr"), ("EU", "eu"),
            ("European Union", "eu"), ("czechia", "cz"), ("us", "us"),
        ],
    )  # fmt: skip
    def test_codes_names_and_aliases(self, given: str, code: str) -> None:
        assert region_code(given) == code

    @pytest.mark.parametrize("given", ["xx", "europe", "korea", "", "d"])
    def test_unknown(self, given: str) -> None:
        assert region_code(given) is None

    def test_the_tables(self) -> None:
        assert len(COUNTRIES) == 249  # ISO 3166-1 officially assigned codes
        assert len(EU_MEMBERS) == 27 and EU_MEMBERS.issubset(COUNTRIES)
        assert "gb" not in EU_MEMBERS and "ch" not in EU_MEMBERS and "hr" in EU_MEMBERS


class TestRestrictedIn:
    def test_member_states_and_the_eu(self) -> None:
        assert restricted_in("de", ("eu",)) == "the EU, of which Germany (de) is a member"
        assert restricted_in("eu", ("eu", "gb")) == "the EU"
        assert restricted_in("eu", ("de",)) == "Germany (de), a member of the EU"
        assert restricted_in("gb", ("eu", "gb", "kr")) == "United Kingdom (gb)"
        assert restricted_in("gb", ("eu",)) is None
        assert restricted_in("us", ("eu", "gb", "kr")) is None

    def test_place(self) -> None:
        assert (place("eu"), place("kr")) == ("the EU", "South Korea (kr)")
