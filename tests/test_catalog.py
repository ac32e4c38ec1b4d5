"""Loading, validating and merging catalog files; lookups by id, alias and fragment."""

from pathlib import Path

import pytest

from llmpick.catalog import Catalog, load_catalog, parse_file, read_yaml, user_paths
from llmpick.errors import CatalogError, ExitCode, UnknownLicenseError, UnknownModelError


@pytest.fixture(scope="module")
def builtin() -> Catalog:
    return load_catalog()


class TestFindModel:
    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            ("meta-llama/Llama-3.3-70B-Instruct", "meta-llama/Llama-3.3-70B-Instruct"),
            ("META-LLAMA/llama-3.3-70b-instruct", "meta-llama/Llama-3.3-70B-Instruct"),
            ("llama3.3:70b", "meta-llama/Llama-3.3-70B-Instruct"),  # Ollama tag
            ("llama3.3-70b", "meta-llama/Llama-3.3-70B-Instruct"),  # alias
            ("gpt-oss-120b", "openai/gpt-oss-120b"),
            ("Mistral-Large-Instruct-2411", "mistralai/Mistral-Large-Instruct-2411"),
            ("R1-Distill-Llama-70B", "deepseek-ai/DeepSeek-R1-Distill-Llama-70B"),  # fragment
        ],
    )
    def test_resolves(self, builtin: Catalog, name: str, expected: str) -> None:
        assert builtin.find_model(name).id == expected

    def test_unknown_lists_close_matches(self, builtin: Catalog) -> None:
        with pytest.raises(UnknownModelError) as err:
            builtin.find_model("llama3.3-7b")
        assert err.value.message == "unknown model: llama3.3-7b"
        assert err.value.hint is not None
        assert err.value.hint.startswith("did you mean: ")
        assert "llama3.3-70b" in err.value.hint
        assert err.value.exit_code == ExitCode.INPUT_ERROR

    def test_ambiguous_fragment_names_the_matches(self, builtin: Catalog) -> None:
        with pytest.raises(UnknownModelError) as err:
            builtin.find_model("gpt-oss")
        assert err.value.message == (
            "'gpt-oss' is ambiguous: it matches 2 models: openai/gpt-oss-120b, openai/gpt-oss-20b"
        )

    def test_license_lookup_is_case_insensitive(self, builtin: Catalog) -> None:
        assert builtin.license("apache-2.0").id == "Apache-2.0"
        with pytest.raises(UnknownLicenseError, match="unknown licence: GPL-9"):
            builtin.license("GPL-9")

    def test_license_lookup_without_the_spdx_prefix(self, builtin: Catalog) -> None:
        assert builtin.license("llama-4").id == "LicenseRef-Llama-4"
        assert builtin.license("GEMMA").id == "LicenseRef-Gemma"
        assert builtin.license("licenseref-qwen").id == "LicenseRef-Qwen"
        with pytest.raises(UnknownLicenseError) as err:
            builtin.license("llama")
        assert err.value.hint == (
            "did you mean: LicenseRef-Llama-4, LicenseRef-Llama-3.3, LicenseRef-Llama-3.2, "
            "LicenseRef-Llama-3.1, LicenseRef-Gemma"
        )


class TestUserCatalogs:
    def test_adds_and_overrides_by_id(self, data: Path) -> None:
        cat = load_catalog([data / "user_models.yaml"])
        assert cat.find_model("tiny1b").id == "acme/Tiny-1B-Chat"
        llama = cat.find_model("meta-llama/Llama-3.1-8B-Instruct")
        assert llama.context_tokens == 32768
        assert llama.name == "Llama 3.1 8B Instruct (house override)"
        assert cat.origin[llama.id] == data / "user_models.yaml"
        assert len(cat.models) == len(load_catalog().models) + 1

    def test_env_var_and_option_merge_in_order(self, data: Path) -> None:
        env = {"LLMPICK_CATALOG": str(data / "user_models.yaml")}
        assert user_paths([data / "dup_alias.yaml"], env) == [
            data / "user_models.yaml",
            data / "dup_alias.yaml",
        ]

    def test_folder_reads_every_yaml_file(self, tmp_path: Path, data: Path) -> None:
        (tmp_path / "a.yaml").write_text((data / "user_models.yaml").read_text())
        assert user_paths([tmp_path], {}) == [tmp_path / "a.yaml"]


class TestErrors:
    def test_missing_file(self, tmp_path: Path) -> None:
        with pytest.raises(CatalogError) as err:
            read_yaml(tmp_path / "nope.yaml")
        assert err.value.message == f"{tmp_path / 'nope.yaml'}: no such file"
        assert err.value.hint is not None and "--catalog" in err.value.hint

    def test_yaml_syntax_error_names_line_and_column(self, data: Path) -> None:
        with pytest.raises(CatalogError) as err:
            parse_file(data / "bad_syntax.yaml")
        assert err.value.message.startswith(f"{data / 'bad_syntax.yaml'}:5:1: invalid YAML: ")

    def test_schema_errors_name_file_line_and_field(self, data: Path) -> None:
        path = data / "bad_fields.yaml"
        with pytest.raises(CatalogError) as err:
            parse_file(path)
        assert err.value.message.splitlines() == [
            f"invalid catalog {path}: 3 errors",
            f"  {path}:10: models.0 (acme/Bad-7B).context_tokens: "
            "Input should be greater than 0 (got 0)",
            f"  {path}:22: models.0 (acme/Bad-7B).languages.1: "
            "Input should be a valid string (got False)",
            f"  {path}:23: models.0 (acme/Bad-7B).contxt_tokens: unknown field (a typo?)",
        ]
        assert err.value.hint == "see docs/catalog.md for the schema"

    def test_unknown_licence_reference(self, data: Path) -> None:
        with pytest.raises(CatalogError) as err:
            load_catalog([data / "bad_license_ref.yaml"])
        assert err.value.message == (
            f"{data / 'bad_license_ref.yaml'}: acme/NoLicence-1B: license "
            "'LicenseRef-Llama-3.9' is not in the licence table"
        )
        assert err.value.hint is not None and "LicenseRef-Llama-3.1" in err.value.hint

    def test_unknown_region_in_a_licence(self, tmp_path: Path) -> None:
        path = tmp_path / "regional.yaml"
        path.write_text(
            "version: 1\nlicenses:\n- id: LicenseRef-Acme\n  name: Acme\n"
            "  url: https://example.com/licence\n  commercial_use: 'yes'\n"
            "  osi_approved: false\n  conditions:\n    regional_restrictions:\n"
            "    - regions: [eu, europe]\n      text: not in Europe\n"
            "  summary: test\n  source: https://example.com/licence\n"
        )
        with pytest.raises(CatalogError) as err:
            load_catalog([path])
        assert err.value.message == (
            f"{path}: LicenseRef-Acme: regional_restrictions: unknown region 'europe'"
        )
        assert err.value.hint == "give an ISO 3166-1 alpha-2 country code (de, gb, kr, us...) or eu"
        path.write_text(path.read_text().replace("[eu, europe]", "[EU]"))
        with pytest.raises(CatalogError) as err:
            load_catalog([path])
        assert err.value.hint == "write it in lower case: eu"

    def test_alias_collision(self, data: Path) -> None:
        with pytest.raises(CatalogError) as err:
            load_catalog([data / "dup_alias.yaml"])
        assert err.value.message == (
            f"{data / 'dup_alias.yaml'}: acme/Clash-1B: alias 'llama3.3-70b' "
            "is already used by meta-llama/Llama-3.3-70B-Instruct"
        )

    def test_duplicate_id_inside_a_file(self, tmp_path: Path, data: Path) -> None:
        text = (data / "dup_alias.yaml").read_text()
        entry = text.split("models:\n", 1)[1].replace("aliases: [llama3.3-70b]", "aliases: []")
        path = tmp_path / "twice.yaml"
        path.write_text("version: 1\nmodels:\n" + entry + entry)
        with pytest.raises(CatalogError, match="duplicate id 'acme/Clash-1B'"):
            load_catalog([path])

    def test_safe_loader_refuses_python_tags(
        self, data: Path, capfd: pytest.CaptureFixture[str]
    ) -> None:
        with pytest.raises(CatalogError, match="invalid YAML"):
            parse_file(data / "unsafe_tag.yaml")
        assert "SHOULD-NOT-RUN" not in capfd.readouterr().out

    def test_top_level_must_be_a_mapping(self, data: Path) -> None:
        with pytest.raises(CatalogError, match="expected a mapping with `version: 1`"):
            parse_file(data / "not_mapping.yaml")


class TestCache:
    def test_hit_returns_the_same_catalog_and_a_change_misses(
        self, tmp_path: Path, data: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        cache = tmp_path / "cache"
        monkeypatch.setenv("LLMPICK_CACHE_DIR", str(cache))
        user = tmp_path / "user.yaml"
        user.write_text((data / "user_models.yaml").read_text())
        first = load_catalog([user])
        (entry,) = cache.glob("catalog-*.pickle")
        again = load_catalog([user])
        assert again == first
        assert again.find_model("tiny1b").context_tokens == 8192
        user.write_text(user.read_text().replace("context_tokens: 8192", "context_tokens: 4096"))
        changed = load_catalog([user])
        assert changed.find_model("tiny1b").context_tokens == 4096
        assert list(cache.glob("catalog-*.pickle")) != [entry]

    def test_empty_setting_turns_the_cache_off(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("LLMPICK_CACHE_DIR", "")
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
        load_catalog()
        assert list(tmp_path.rglob("*.pickle")) == []

    def test_unwritable_cache_is_skipped(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        blocker = tmp_path / "file"
        blocker.write_text("not a folder")
        monkeypatch.setenv("LLMPICK_CACHE_DIR", str(blocker / "cache"))
        assert len(load_catalog().models) == 110
