"""The catalog index: its rows size models exactly as the planner does, and ranking through it
(screen, then score in order of the best reachable score) gives the exhaustive answer."""

import itertools
import sys
from pathlib import Path

import pytest

from llmpick.catalog import Catalog, load_catalog
from llmpick.engines import Engine
from llmpick.hardware import parse_gpu_spec
from llmpick.index import HF_ENGINES, contenders, lightest, sizing
from llmpick.memory import Planner, hf_bits_and_scope, layout_for, weights_per_gpu
from llmpick.quant import FORMATS
from llmpick.scoring import Request, recommend, serving_formats

ROOT = Path(__file__).resolve().parent.parent
GPUS = (
    "1xL4",
    "1xA100-80",
    "2xH100",
    "8xH100",
    "16xH100",
    "4xMI300X",
    "2xRTX4090",
    "4xV100-32",
    "1xT4",
)


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """300 synthetic models (bench/synthetic_catalog.py) on top of the built-in catalog."""
    sys.path.insert(0, str(ROOT / "bench"))
    import random

    import yaml
    from synthetic_catalog import model  # type: ignore[import-not-found]  # bench/, on sys.path

    builtin = load_catalog()
    pairs = sorted({(b.name, b.variant) for m in builtin.models for b in m.benchmarks})
    rng = random.Random(3)
    models = [model(i, rng, sorted(builtin.licenses), pairs) for i in range(300)]
    path = tmp_path_factory.mktemp("synthetic") / "synthetic.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "models": models}, sort_keys=False))
    return load_catalog([path])


class TestRowsSizeLikeThePlanner:
    @pytest.mark.parametrize("engine", sorted(HF_ENGINES))
    def test_every_model_format_and_gpu(self, cat: Catalog, engine: Engine) -> None:
        for gpus in GPUS:
            hw = parse_gpu_spec(cat, gpus)
            for model, row in zip(cat.models, cat.index.rows, strict=True):
                for fmt in serving_formats(model, engine, hw.gpu):
                    planner = Planner.build(model, hw, fmt, engine, "auto")
                    sized = sizing(row, fmt, hw, engine, "auto")
                    assert sized.weights == planner.weights
                    assert sized.kv.total(8192, 3) == planner.kv.total(8192, 3)
                    assert sized.need(8192, 2) == planner.need(8192, 2)
                    assert sized.decode_tokens_per_s(4096, 4) == planner.decode_tokens_per_s(
                        4096, 4
                    )

    def test_lightest_is_the_format_with_the_fewest_bytes_per_gpu(self, cat: Catalog) -> None:
        hw = parse_gpu_spec(cat, "2xH100")
        for model, row in zip(cat.models, cat.index.rows, strict=True):
            formats = serving_formats(model, Engine.VLLM, hw.gpu)
            triples = [
                (f, *hf_bits_and_scope(model.native_dtype.value, model.native_dtype_scope, f, True))
                for f in formats
            ]
            layout = layout_for(row.dims.heads, hw, Engine.VLLM)
            sizes = [
                weights_per_gpu(Planner.build(model, hw, f, Engine.VLLM).weights, row.dims, layout)
                for f in formats
            ]
            assert lightest(row, triples, layout) == formats[sizes.index(min(sizes))]
            assert lightest(row, contenders(triples), layout) == lightest(row, triples, layout)

    def test_contenders_keep_the_first_with_fewest_bits_per_scope(self) -> None:
        fp8, awq, gptq4 = (FORMATS[name] for name in ("fp8", "awq", "gptq-int4"))
        triples = [
            (None, 16.0, "linear"),
            (fp8, 8.0, "linear"),
            (awq, 4.25, "linear"),
            (gptq4, 4.25, "linear"),
            (None, 4.25, "experts"),
        ]
        assert contenders(triples) == [(awq, 4.25, "linear"), (None, 4.25, "experts")]
        assert contenders([]) == []


# Every hardware x use case x language, with the engine, the number of places and
# --weights official cycling.
REQUESTS = [
    (gpus, use_case, langs, engine, top, official)
    for (gpus, use_case, langs), engine, top, official in zip(
        itertools.product(
            ("1xL4", "1xA100-80", "8xH100", "2xRTX4090", "2xV100-32", "1xT4"),
            ("chat", "code", "edge", "multimodal", "long-context"),
            (frozenset(), frozenset({"fr"})),
        ),
        itertools.cycle((Engine.VLLM, Engine.SGLANG, Engine.LMDEPLOY)),
        itertools.cycle((3, 10, 5, 1)),
        itertools.cycle((False, False, True, True, True)),
        strict=False,
    )
]


class TestPrunedRankingIsExact:
    @pytest.mark.parametrize(("gpus", "use_case", "langs", "engine", "top", "official"), REQUESTS)
    def test_builtin(
        self,
        cat: Catalog,
        gpus: str,
        use_case: str,
        langs: frozenset[str],
        engine: Engine,
        top: int,
        official: bool,
    ) -> None:
        hw = parse_gpu_spec(cat, gpus)
        req = Request(
            languages=langs, use_case=use_case, engine=engine, top=top, official_weights=official
        )
        fast = recommend(cat, hw, req).model_dump(mode="json")
        assert fast == recommend(cat, hw, req, exhaustive=True).model_dump(mode="json")

    @pytest.mark.parametrize(
        ("gpus", "use_case", "official"),
        [("1xL4", "chat", False), ("8xH100", "code", False), ("1xL4", "chat", True)],
    )
    def test_synthetic(self, synthetic: Catalog, gpus: str, use_case: str, official: bool) -> None:
        hw = parse_gpu_spec(synthetic, gpus)
        req = Request(use_case=use_case, official_weights=official)
        fast = recommend(synthetic, hw, req).model_dump(mode="json")
        assert fast == recommend(synthetic, hw, req, exhaustive=True).model_dump(mode="json")
        assert len(fast["recommendations"]) == 10


class TestCachedCatalog:
    def test_cards_are_built_on_demand_and_match(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("LLMPICK_CACHE_DIR", str(tmp_path))
        fresh = load_catalog()
        cached = load_catalog()  # from the cache written by the first call
        assert cached._models is None  # nothing built yet
        model = cached.find_model("llama3.3:70b")
        assert model == fresh.find_model("llama3.3:70b")
        assert len(cached._built) == 1  # only that card was built
        assert cached.models == fresh.models
        assert [r.id for r in cached.index.rows] == [m.id for m in fresh.models]

    def test_a_damaged_card_store_rebuilds(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("LLMPICK_CACHE_DIR", str(tmp_path))
        load_catalog()
        (cards,) = tmp_path.glob("catalog-*.cards")
        cards.write_bytes(cards.read_bytes()[:100])
        again = load_catalog()
        assert again._models is not None  # rebuilt from the YAML, not read from the cache
        assert again.find_model("qwen3:8b").id == "Qwen/Qwen3-8B"
