"""The recommender: filters, scoring, explanations, and the checks a demanding user would make."""

import json
from collections import Counter

import pytest
from typer.testing import CliRunner

from llmpick.catalog import Catalog, load_catalog
from llmpick.cli import app
from llmpick.engines import Engine
from llmpick.hardware import parse_gpu_spec
from llmpick.licenses import LicenseSpec, license_failure
from llmpick.quality import GGUF_KLD, fit_quality, points_lost
from llmpick.records import Modality, Ranking
from llmpick.scoring import (
    CAPACITY_POINTS,
    SPEED_POINTS,
    Failure,
    Request,
    best_fit,
    hard_filter,
    recommend,
)


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return load_catalog()


def rank(cat: Catalog, gpu: str, **kw: object) -> Ranking:
    return recommend(cat, parse_gpu_spec(cat, gpu), Request(**kw))  # type: ignore[arg-type]


class TestQualityModel:
    def test_only_like_variants_are_compared(self, cat: Catalog) -> None:
        qm = fit_quality(cat.models, "chat")
        for model in cat.models:
            obs = qm.observations(model)
            assert len(obs) == qm.counts.get(model.id, 0)
            for o in obs:
                peers = [
                    m.id
                    for m in cat.models
                    if any(b.name == o.name and b.variant == o.variant for b in m.benchmarks)
                ]
                assert len(peers) == o.column_size >= 2

    def test_a_lone_variant_is_reported_not_used(self, cat: Catalog) -> None:
        qm = fit_quality(cat.models, "chat")
        lone = {k for keys in qm.lone.values() for k in keys}
        used = {(o.name, o.variant) for m in cat.models for o in qm.observations(m)}
        assert lone and not lone & used

    def test_missing_quality_is_unknown_not_zero(self, cat: Catalog) -> None:
        qm = fit_quality(cat.models, "multimodal")
        text_only = cat.find_model("meta-llama/Llama-3.1-8B-Instruct")
        assert qm.percentile(text_only.id) is None

    def test_bigger_model_in_the_same_family_scores_higher(self, cat: Catalog) -> None:
        qm = fit_quality(cat.models, "chat")
        sizes = ["0.5B", "1.5B", "7B", "14B", "32B", "72B"]
        pct = [qm.percentile(f"Qwen/Qwen2.5-{s}-Instruct") for s in sizes]
        assert pct == sorted(pct)  # type: ignore[type-var]


class TestQuantPenalty:
    def test_loss_shrinks_with_size_and_grows_with_compression(self) -> None:
        assert points_lost("bf16", 8)[0] == 0
        assert points_lost("fp8", 8)[0] < points_lost("gptq-int8", 8)[0] < points_lost("awq", 8)[0]
        assert points_lost("awq", 70)[0] < points_lost("awq", 8)[0]
        order = sorted(GGUF_KLD, key=GGUF_KLD.get)  # type: ignore[arg-type]
        losses = [points_lost(fmt, 8)[0] for fmt in order]
        assert losses == sorted(losses)
        assert points_lost("Q4_K_M", 8)[0] == pytest.approx(points_lost("awq", 8)[0])

    def test_the_basis_cites_its_measurements(self) -> None:
        assert "Neural Magic" in points_lost("awq", 30)[1]
        assert "KL divergence" in points_lost("Q3_K_M", 30)[1]

    def test_unknown_quality_still_pays_for_quantization(self, cat: Catalog) -> None:
        # Phi-4 has no chat result comparable with another model. Its quantization is valued at
        # the median rank; without that, int4's speed made it the pick on 2x H100.
        qm = fit_quality(cat.models, "chat")
        assert "microsoft/phi-4" not in qm.theta
        assert qm.loss_at_median(0.0) == 0.0
        assert qm.loss_at_median(2.0) == pytest.approx(-10.95, abs=0.01)
        hw = parse_gpu_spec(cat, "2xH100")
        cand = best_fit(cat.find_model("phi-4"), hw, Request(license=LicenseSpec("any")), qm)
        assert not isinstance(cand, Failure)
        assert cand.planner.format.name == "bf16"
        assert [(n, v) for n, v, _ in cand.parts] == [
            ("quality", 0.0), ("quantization", 0.0), ("speed", 3.07), ("capacity", 2.0)
        ]  # fmt: skip


class TestFilters:
    def test_first_failed_constraint_is_kept(self, cat: Catalog) -> None:
        req = Request(languages=frozenset({"fr"}))
        assert hard_filter(cat, cat.find_model("mistral-large-2411"), req) == Failure(
            "licence", "licence LicenseRef-Mistral-Research does not allow commercial use"
        )
        gemma = hard_filter(cat, cat.find_model("gemma-3-27b"), req)
        assert gemma is not None and gemma.constraint == "language"
        assert gemma.reason.startswith("its card lists no supported languages")

    def test_each_filter_names_its_constraint(self, cat: Catalog) -> None:
        llama = cat.find_model("llama3.3:70b")
        assert hard_filter(cat, llama, Request(languages=frozenset({"ja"}))) == Failure(
            "language", "its card does not list Japanese among its 8 languages"
        )
        assert hard_filter(cat, llama, Request(modalities=frozenset({Modality.IMAGE}))) == (
            Failure("modality", "no image input")
        )
        assert hard_filter(cat, llama, Request(context=200_000)) == Failure(
            "context", "supports 131,072 tokens, less than the 200,000 needed"
        )
        qm = cat.index.quality("chat")
        t4 = parse_gpu_spec(cat, "1xT4")
        assert best_fit(llama, t4, Request(), qm) == Failure(
            "fit",
            "does not fit on 1x NVIDIA T4 at 8,192 tokens in any format vllm loads "
            "(smallest: gptq-int4 needs 45.0 GB per GPU, the budget is 15.3 GB)",
        )
        small = cat.find_model("qwen2.5-7b")
        slow = best_fit(small, t4, Request(min_tps=500), qm)
        assert isinstance(slow, Failure) and slow.constraint == "speed"
        assert slow.reason.endswith("below --min-tps 500")

    def test_region_eu_excludes_multimodal_llama4_only(self, cat: Catalog) -> None:
        req = Request(region="eu")
        assert hard_filter(cat, cat.find_model("llama-4-scout"), req) == Failure(
            "region", "licence LicenseRef-Llama-4 withholds rights for multimodal models in the EU"
        )
        assert hard_filter(cat, cat.find_model("llama3.3:70b"), req) is None

    def test_a_member_state_is_bound_by_an_eu_restriction(self, cat: Catalog) -> None:
        """Llama 4 and Hunyuan restrict 'eu': a user in Germany is bound; Hunyuan also names
        gb and kr, which are not in the EU."""
        scout, hunyuan = cat.find_model("llama-4-scout"), cat.find_model("hunyuan-a13b")
        assert hard_filter(cat, scout, Request(region="de")) == Failure(
            "region",
            "licence LicenseRef-Llama-4 withholds rights for multimodal models in the EU, of "
            "which Germany (de) is a member",
        )
        assert hard_filter(cat, hunyuan, Request(region="gb")) == Failure(
            "region",
            "licence LicenseRef-Tencent-Hunyuan-Community withholds rights for its models in "
            "United Kingdom (gb)",
        )
        assert hard_filter(cat, scout, Request(region="gb")) is None  # left the EU in 2020
        assert hard_filter(cat, scout, Request(region="ch")) is None  # never in it
        assert hard_filter(cat, hunyuan, Request(region="us")) is None

    def test_permissive_excludes_community_licences(self, cat: Catalog) -> None:
        spec = LicenseSpec(mode="permissive")
        assert license_failure(cat, cat.find_model("llama3.3:70b"), spec) is not None
        assert license_failure(cat, cat.find_model("qwen2.5-7b"), spec) is None
        # a distill of Llama inherits Llama's terms
        distill = cat.find_model("DeepSeek-R1-Distill-Llama-8B")
        assert license_failure(cat, distill, spec) == (
            "licence LicenseRef-Llama-3.1 is not an OSI-approved permissive licence"
        )


class TestScenarios:
    """Checks a demanding user would make of the answers."""

    SCENARIOS = [
        ("1xA100-80", {"languages": frozenset({"fr"})}),
        ("1xRTX4090", {"use_case": "code"}),
        ("8xH100", {"use_case": "reasoning"}),
        ("1xL4", {"languages": frozenset({"de"}), "license": LicenseSpec(mode="permissive")}),
        ("2xA100-80", {"use_case": "long-context"}),
        ("1xRTX4090", {"engine": Engine.OLLAMA, "languages": frozenset({"es"})}),
        ("4xH100", {"use_case": "agents", "region": "eu"}),
        ("1xH100", {"use_case": "multimodal"}),
        ("M3-Max-128", {"engine": Engine.LLAMA_CPP, "languages": frozenset({"ja"})}),
        ("1xT4", {"use_case": "edge"}),
        ("8xH200", {"use_case": "chat", "languages": frozenset({"zh"})}),
        ("1xL40S", {"use_case": "rag", "license": LicenseSpec(mode="permissive")}),
    ]

    @pytest.mark.parametrize(("gpu", "kw"), SCENARIOS)
    def test_top_pick_is_sound(self, cat: Catalog, gpu: str, kw: dict[str, object]) -> None:
        r = rank(cat, gpu, **kw)
        assert r.recommendations, r.excluded
        req = Request(**kw)  # type: ignore[arg-type]
        top = r.recommendations[0]
        model = cat.find_model(top.model)
        assert top.fits and top.total_gb <= top.available_gb
        assert top.max_context_tokens >= r.constraints.context_tokens
        assert req.languages <= set(model.languages)
        assert license_failure(cat, model, req.license) is None
        assert hard_filter(cat, model, req) is None

    def test_a_big_gpu_is_not_answered_with_a_small_quantized_model(self, cat: Catalog) -> None:
        r = rank(cat, "1xA100-80", languages=frozenset({"fr"}))
        top = r.recommendations[0]
        assert cat.find_model(top.model).params_total_b >= 24
        smallest_fitting_big = [x for x in r.recommendations if x.quality is not None]
        assert all(
            not (cat.find_model(x.model).params_total_b < 10 and "int4" in x.quant)
            for x in smallest_fitting_big[:3]
        )

    @pytest.mark.parametrize(
        ("small", "big"),
        [
            ("1xA100-40", "1xA100-80"),
            ("1xH100", "2xH100"),
            ("2xH100", "8xH100"),
            ("1xL4", "1xL40S"),
        ],
    )
    def test_bigger_hardware_never_gives_a_worse_top_pick(
        self, cat: Catalog, small: str, big: str
    ) -> None:
        # More memory and bandwidth can only raise each model's score (a superset of formats
        # fits, and none decodes slower), so the top score cannot fall; its quality may trade
        # against speed and capacity by at most their combined cap.
        cap = SPEED_POINTS + CAPACITY_POINTS
        for kw in ({}, {"languages": frozenset({"fr"})}, {"use_case": "code"}):
            a = rank(cat, small, **kw).recommendations[0]
            b = rank(cat, big, **kw).recommendations[0]
            assert b.score >= a.score, (kw, a.model, b.model)
            assert (b.quality or 0) >= (a.quality or 0) - cap, (kw, a.model, b.model)

    def test_every_excluded_model_has_a_reason(self, cat: Catalog) -> None:
        r = rank(cat, "1xRTX4090", languages=frozenset({"fr"}))
        assert len(r.recommendations) + len(r.excluded) >= min(len(cat.models), 10)
        assert all(e.reason for e in r.excluded)

    def test_ties_are_broken_by_id(self, cat: Catalog) -> None:
        r = rank(cat, "1xH100", top=50)
        keys = [(x.quality is None, -x.score, x.model) for x in r.recommendations]
        assert keys == sorted(keys)


class TestRecommendCommand:
    @pytest.mark.parametrize(
        ("given", "code"), [("DE", "de"), ("Germany", "de"), ("uk", "gb"), ("EU", "eu")]
    )
    def test_region_is_read_as_a_code(self, runner: CliRunner, given: str, code: str) -> None:
        args = ["recommend", "--gpu", "8xH100", "--license", "any", "--region", given, "-f", "json"]
        doc = json.loads(runner.invoke(app, args).stdout)
        assert doc["constraints"]["region"] == code
        by_region = sorted(e["model"] for e in doc["excluded"] if e["constraint"] == "region")
        assert "tencent/Hunyuan-A13B-Instruct" in by_region  # restricts eu, gb and kr
        assert ("meta-llama/Llama-4-Scout-17B-16E-Instruct" in by_region) == (code != "gb")

    @pytest.mark.parametrize(
        ("given", "hint"),
        [
            ("europe", "hint: give an ISO 3166-1 alpha-2 country code (de, gb, kr, us...) or eu"),
            ("Korea", "hint: did you mean: kr (South Korea), kp (North Korea), ke (Kenya)"),
        ],
    )
    def test_an_unknown_region_is_refused(self, runner: CliRunner, given: str, hint: str) -> None:
        result = runner.invoke(app, ["recommend", "--gpu", "1xH100", "--region", given])
        assert result.exit_code == 2
        assert result.stderr == f"error: --region: unknown region {given!r}\n{hint}\n"
        assert result.stdout == ""

    def test_json_contract(self, runner: CliRunner) -> None:
        result = runner.invoke(
            app, ["recommend", "--gpu", "1xA100-80", "--lang", "fr", "-f", "json"],
            catch_exceptions=False,
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        doc = json.loads(result.stdout)
        assert set(doc) >= {"hardware", "constraints", "recommendations", "excluded"}
        assert doc["constraints"]["license"].startswith("commercial use allowed")
        assert doc["constraints"]["languages"] == ["fr"]
        first = doc["recommendations"][0]
        for key in ("rank", "model", "quant", "total_gb", "available_gb", "fits", "score",
                    "quality", "decode_tokens_per_s", "license", "reasons"):  # fmt: skip
            assert key in first, key
        assert first["rank"] == 1 and first["fits"] is True
        assert all(set(e) == {"model", "constraint", "reason"} for e in doc["excluded"])
        by = Counter(e["constraint"] for e in doc["excluded"])
        assert by == {"licence": 7, "language": 57, "fit": 7}
        assert doc["passed"] == 39 and len(doc["recommendations"]) == 10
        assert doc["passed"] + len(doc["excluded"]) == 110
        assert "10 recommended" in result.stderr

    def test_table_markdown_csv(self, runner: CliRunner) -> None:
        table = runner.invoke(app, ["recommend", "--gpu", "1xRTX4090", "--top", "3"])
        assert table.exit_code == 0
        assert "Top pick:" in table.stdout and "Why it won" in table.stdout
        md = runner.invoke(app, ["recommend", "--gpu", "1xRTX4090", "--top", "3", "-f", "markdown"])
        assert md.stdout.startswith("### Recommendations for 1x NVIDIA GeForce RTX 4090")
        csv = runner.invoke(app, ["recommend", "--gpu", "1xRTX4090", "--top", "3", "-f", "csv"])
        assert csv.stdout.splitlines()[0].startswith("rank,model,quant,total_gb")
        assert len(csv.stdout.strip().splitlines()) == 4

    def test_80_columns_wrap_at_word_boundaries(self, runner: CliRunner) -> None:
        """A two-licence id breaks after its '+', and a bullet that wraps in the top-pick panel
        continues under its text, not under the dash."""
        args = ["recommend", "--gpu", "1xRTX4090", "--use-case", "code"]
        lines = runner.invoke(app, args, env={"COLUMNS": "80"}).stdout.splitlines()
        distill = next(i for i, line in enumerate(lines) if "DeepSeek-R1-D" in line)
        assert lines[distill].rstrip().endswith(" MIT+           -/128K")
        assert lines[distill + 1].split()[-1] == "Apache-2.0"
        quality = next(i for i, line in enumerate(lines) if "quality 97th percentile" in line)
        assert lines[quality].startswith("│   - quality 97th percentile for code: LiveCodeBench")
        assert lines[quality + 1].startswith("│     peer mean 82.3 (n=10)")
        plan = next(i for i, line in enumerate(lines) if "│   llmpick plan " in line)
        assert lines[plan + 1].startswith("│   8192 --engine vllm --explain")

    def test_names_are_printed_as_written(self, cat: Catalog) -> None:
        """A name with brackets or colons (user catalogs allow any) is text, not rich markup or
        an emoji code, in the top-pick panel's title and in the table."""
        import io

        from rich.console import Console

        from llmpick.render import table

        ranking = rank(cat, "1xRTX4090", top=2)
        odd = "Odd [b]name[/b] :smile:"
        top = ranking.recommendations[0].model_copy(update={"name": odd})
        ranking = ranking.model_copy(update={"recommendations": (top,)})
        out = io.StringIO()
        Console(file=out, width=200, emoji=False).print(table.ranking(ranking))
        assert f"Top pick: {odd} (" in out.getvalue()

    def test_explain_shows_terms_or_exclusion(self, runner: CliRunner) -> None:
        result = runner.invoke(
            app, ["recommend", "--gpu", "1xA100-80", "--explain", "llama3.3:70b", "-f", "json"]
        )
        doc = json.loads(result.stdout)
        assert doc["excluded"] is False
        assert [t["name"] for t in doc["terms"]] == ["quality", "quantization", "speed", "capacity"]
        assert doc["score"] == pytest.approx(sum(t["value"] for t in doc["terms"]), abs=0.05)
        assert all(ev["n"] >= 2 for ev in doc["evidence"])
        excluded = runner.invoke(
            app,
            ["recommend", "--gpu", "1xA100-80", "--explain", "mistral-large-2411", "-f", "json"],
        )
        assert json.loads(excluded.stdout)["reason"] == (
            "licence LicenseRef-Mistral-Research does not allow commercial use"
        )
        assert json.loads(excluded.stdout)["constraint"] == "licence"
        table = runner.invoke(
            app, ["recommend", "--gpu", "1xA100-80", "--explain", "mistral-large-2411"]
        )
        assert table.stdout.startswith(
            "mistralai/Mistral-Large-Instruct-2411 is excluded by the licence filter: licence"
        )

    def test_table_fits_80_columns(self, runner: CliRunner) -> None:
        args = ["recommend", "--gpu", "1xA100-80", "--lang", "fr"]
        result = runner.invoke(app, args, env={"COLUMNS": "80"})
        lines = result.stdout.splitlines()
        assert max(len(line) for line in lines) == 80  # the panel; the table is not cropped
        assert lines[2].split() == ["#", "Model", "Params", "Format", "of", "76.6", "tok/s*",
                                    "Qual.", "Licence", "Lang/ctx"]  # fmt: skip
        assert lines[4].split() == ["1", "Qwen2.5-72B-I", "72.7B", "gptq-int4", "46.7", "33",
                                    "86", "Qwen:", "13/128K"]  # fmt: skip
        assert lines[5].split() == ["nstruct", "MAU<100M"]
        # Qwen released GPTQ-Int4 weights; Meta did not: the dagger and its legend say so.
        assert lines[7].split() == ["2", "Llama-3.3-70B", "70.5B", "gptq-int4\u2020", "45.0",
                                    "34", "80", "Llama-3.3:", "8/128K"]  # fmt: skip
        assert lines[-3:] == [
            "tok/s* = estimated decode tokens/s per sequence; bf16* = the format as released;",
            "gptq-int4\u2020 = no official weights in this format (deploy --repo); Qual. = quality",
            "percentile for the use case (? = unknown)",
        ]

    def test_the_caption_counts_each_filter(self, runner: CliRunner) -> None:
        args = ["recommend", "--gpu", "1xA100-80", "--lang", "fr"]
        table = runner.invoke(app, args)
        assert (
            "10 shown of 39 that pass, 71 excluded: licence 7, language 57, fit 7 (--format json"
            in table.stdout
        )
        md = runner.invoke(app, [*args, "-f", "markdown"])
        assert md.stdout.endswith(
            "\n10 shown of 39 that pass, 71 excluded: licence 7, language 57, fit 7; "
            "`--format json` lists each model and why.\n"
        )
        none = runner.invoke(app, ["recommend", "--gpu", "1xA100-80", "--context", "10000000"])
        assert none.exit_code == 0
        counts = "0 shown of 0 that pass, 110 excluded: licence 7, context 102, fit 1 ("
        assert counts in none.stdout
        assert "no model passes every constraint; the count per filter is above" in none.stdout

    def test_an_engine_that_cannot_run_on_the_gpus_is_refused(self, runner: CliRunner) -> None:
        for extra in ([], ["--explain", "llama3.3:70b"]):
            result = runner.invoke(app, ["recommend", "--gpu", "M3-Max-128", *extra])
            assert result.exit_code == 2
            assert result.stdout == ""
            assert result.stderr == (
                "error: --engine vllm does not run on Apple M3 Max (16-core CPU / 40-core GPU, "
                "128GB)\nhint: on Apple GPUs use --engine llama.cpp or --engine ollama\n"
            )
        ok = runner.invoke(app, ["recommend", "--gpu", "M3-Max-128", "--engine", "ollama"])
        assert ok.exit_code == 0

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--use-case", "poetry"], "Invalid value"),
            (["--lang", "xx-klingon"], "unknown language"),
            (["--license", "nope"], "unknown licence"),
            (["--modality", "smell"], "unknown value"),
        ],
    )
    def test_usage_errors_exit_2(self, runner: CliRunner, args: list[str], message: str) -> None:
        result = runner.invoke(app, ["recommend", "--gpu", "1xH100", *args])
        assert result.exit_code == 2
        assert message in result.stderr


class TestCompareCommand:
    def test_variants_are_never_compared_as_equals(self, runner: CliRunner) -> None:
        result = runner.invoke(
            app, ["compare", "llama3.3:70b", "llama3.1:70b", "qwen2.5-72b", "-f", "json"]
        )
        assert result.exit_code == 0
        doc = json.loads(result.stdout)
        for row in doc["rows"]:
            if row["section"] != "benchmarks":
                continue
            reported = [v for v in row["values"] if v is not None]
            assert (len(reported) >= 2) == bool(row["best"])
        mmlu = next(r for r in doc["rows"] if r["label"] == "MMLU-Pro [instruct, 5-shot CoT]")
        assert mmlu["values"][:2] == ["68.9", "66.4"] and mmlu["best"] == [0]

    def test_long_language_lists_are_a_count(self, runner: CliRunner) -> None:
        args = ["compare", "meta-llama/Llama-4-Scout-17B-16E-Instruct"]
        args += ["Qwen/Qwen3-235B-A22B-Instruct-2507", "gpt-oss-120b", "-f", "json"]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        row = next(r for r in json.loads(result.stdout)["rows"] if r["label"] == "languages")
        assert row["values"] == [
            "ar, en, fr, de, hi, id, it, pt, es, tl, th, vi",
            "87 languages (`llmpick show` lists them)",
            "the card lists no languages",
        ]

    def test_with_gpu_adds_fit_rows(self, runner: CliRunner) -> None:
        args = ["compare", "qwen3-32b", "llama3.3:70b", "--gpu", "1xH100", "-f", "json"]
        result = runner.invoke(app, args)
        assert result.exit_code == 0
        rows = {r["label"]: r["values"] for r in json.loads(result.stdout)["rows"]}
        assert rows["best format that fits"] == ["fp8", "gptq-int4"]  # 70B fp8 needs 77.9 > 76.6
        assert rows["weights from"] == ["Qwen/Qwen3-32B-FP8", "no official release (deploy --repo)"]
        table = runner.invoke(app, args[:-2])
        assert table.exit_code == 0 and "Comparison on 1x NVIDIA H100" in table.stdout

    def test_fit_rows_name_the_engine_and_use_llama_cpp_on_apple(self, runner: CliRunner) -> None:
        def fit_rows(gpu: str) -> dict[str, tuple[str, list[str]]]:
            args = ["compare", "llama3.3:70b", "qwen2.5-72b", "--gpu", gpu, "-f", "json"]
            doc = json.loads(runner.invoke(app, args).stdout)
            return {r["label"]: (r["section"], r["values"]) for r in doc["rows"]}

        h100 = fit_rows("1xH100")["best format that fits"]
        assert h100 == ("1x NVIDIA H100 SXM5 80GB, vllm", ["gptq-int4", "gptq-int4"])
        mac = fit_rows("M3-Max-128")["best format that fits"]
        assert mac == (
            "1x Apple M3 Max (16-core CPU / 40-core GPU, 128GB), llama.cpp",
            ["Q8_0", "Q6_K"],
        )
        # Meta published no GGUF; Qwen's GGUF repository is not recorded as lacking Q6_K.
        assert fit_rows("M3-Max-128")["weights from"][1] == [
            "no official release (deploy --repo)",
            "Qwen/Qwen2.5-72B-Instruct-GGUF",
        ]
        h100_fp8 = fit_rows("2xH100")["weights from"][1]
        assert h100_fp8[1] == "Qwen/Qwen2.5-72B-Instruct, quantized by vllm at load time"

    def test_table_fits_five_models_in_80_columns(self, runner: CliRunner) -> None:
        models = ["llama3.3:70b", "qwen2.5:72b", "gpt-oss-120b", "deepseek-r1", "phi-4"]
        result = runner.invoke(app, ["compare", *models, "--gpu", "8xH100"], env={"COLUMNS": "80"})
        assert result.exit_code == 0
        lines = result.stdout.splitlines()
        assert max(len(line) for line in lines) == 80
        assert lines[6].split() == ["│", "size", "│", "│", "│", "│", "│", "│"]  # a section row
        assert "│ architect… │" in result.stdout  # the label column is as narrow as it can be
        assert lines[-3:] == [
            "* best among models reporting the same variant" + " " * 34,
            "† other variants: not comparable" + " " * 48,
            "‡ reported by one model only" + " " * 52,
        ]
        aider = next(line for line in lines if "Aider-Pol" in line)
        assert aider.split("│")[5].strip() == "53.3"  # DeepSeek-R1's column

    def test_table_shows_licence_ids_without_their_prefix(self, runner: CliRunner) -> None:
        args = ["compare", "llama3.3:70b", "deepseek-r1-distill-llama-70b"]
        table = runner.invoke(app, args, env={"COLUMNS": "100"}).stdout
        row = next(line for line in table.splitlines() if "3.3" in line and "licence" in line)
        assert [cell.strip() for cell in row.split("│")[1:4]] == [
            "licence", "Llama-3.3", "MIT + Llama-3.3"
        ]  # fmt: skip
        assert "LicenseRef-" not in table
        doc = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)
        ids = next(r["values"] for r in doc["rows"] if r["label"] == "licence")
        assert ids == ["LicenseRef-Llama-3.3", "MIT + LicenseRef-Llama-3.3"]  # JSON keeps ids

    def test_markdown_is_a_pipe_table(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["compare", "phi-4", "qwen2.5-14b", "-f", "markdown"])
        assert result.stdout.startswith("### Comparison\n\n| ")

    def test_needs_two_models(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["compare", "phi-4"])
        assert result.exit_code == 2

    def test_refuses_one_model_named_twice(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["compare", "llama3.3:70b", "qwen2.5-72b", "llama3.3-70b"])
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == (
            "error: 'llama3.3:70b' and 'llama3.3-70b' are both meta-llama/Llama-3.3-70B-Instruct\n"
            "hint: give two or more different models\n"
        )
