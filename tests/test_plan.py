"""The planner's answers to the cases blogs get wrong, and the `plan` command's contract."""

import json

import pytest
from typer.testing import CliRunner

from llmpick.catalog import Catalog, load_catalog
from llmpick.cli import app
from llmpick.engines import Engine
from llmpick.errors import UsageError
from llmpick.hardware import parse_gpu_spec
from llmpick.memory import Mode, Planner, kv_shape
from llmpick.plan import PlanOptions, make_plan, resolve_format
from llmpick.quant import FORMATS, default_gguf, get_format, gguf_tag_for, gguf_tag_format


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return load_catalog()


def plan(cat: Catalog, model: str, gpu: str, **opts: object):  # type: ignore[no-untyped-def]
    return make_plan(cat.find_model(model), parse_gpu_spec(cat, gpu), PlanOptions(**opts))  # type: ignore[arg-type]


class TestHardCases:
    def test_671b_does_not_fit_on_4x_a100_80_in_any_format(self, cat: Catalog) -> None:
        p = plan(cat, "deepseek-ai/DeepSeek-V3", "4xA100-80")
        assert p.quant == "fp8 (as released)"
        assert not p.fits
        assert not any(f.fits for f in p.formats)

    def test_671b_fits_on_8x_h200_with_room_for_many_sequences(self, cat: Catalog) -> None:
        p = plan(cat, "deepseek-ai/DeepSeek-V3", "8xH200")
        assert p.fits
        assert (p.tensor_parallel_size, p.pipeline_parallel_size) == (8, 1)
        assert p.max_context_tokens == 131072
        assert p.max_concurrent_sequences >= 50

    def test_mla_cache_is_the_latent_not_full_heads(self, cat: Catalog) -> None:
        v3 = cat.find_model("deepseek-ai/DeepSeek-V3")
        latent = kv_shape(v3, "auto", Engine.VLLM, tp=1)
        expanded = kv_shape(v3, "auto", Engine.TRANSFORMERS, tp=1)
        assert latent.full_per_token == 61 * (512 + 64) * 2  # 70,272 B per token
        assert expanded.full_per_token == 61 * 128 * (128 + 64 + 128) * 2
        assert expanded.full_per_token / latent.full_per_token > 25

    def test_qlora_of_a_70b_does_not_fit_one_rtx4090(self, cat: Catalog) -> None:
        p = plan(cat, "llama3.3:70b", "1xRTX4090", mode=Mode.QLORA, context=2048)
        weights = next(x for x in p.parts if x.name == "weights")
        assert weights.gb > 24
        assert not p.fits

    def test_qlora_of_an_8b_fits_one_rtx4090(self, cat: Catalog) -> None:
        p = plan(cat, "llama3.1:8b", "1xRTX4090", mode=Mode.QLORA, context=2048)
        assert p.fits
        assert p.quant == "nf4"

    @pytest.mark.parametrize(
        ("model", "gpu", "mode", "context", "step"),
        [
            ("qwen3:8b", "1xH100", Mode.FULL, None,
             "fits as --mode lora at 8,192 tokens; full fine-tuning fits on 2 GPUs (ZeRO-3 "
             "shards it): pass --gpu 2xh100-sxm"),
            ("llama3.3:70b", "1xH100", Mode.LORA, None, "fits as --mode qlora at 8,192 tokens"),
            ("qwen3:8b", "1xRTX4090", Mode.LORA, 131072,
             "fits with sequences up to 4,769 tokens: pass --context 4769"),
            ("deepseek-v3", "8xH100", Mode.FULL, None,
             "full fine-tuning fits on 256 GPUs (ZeRO-3 shards it): pass --gpu 256xh100-sxm"),
            ("llama3.3:70b", "1xRTX4090", Mode.QLORA, None,
             "no mode fits at 8,192 tokens on NVIDIA GeForce RTX 4090: LoRA and QLoRA keep the "
             "whole base model on every GPU, so a GPU with more memory is needed"),
            ("llama3.1:8b", "1xRTX4090", Mode.QLORA, 2048, None),
        ],
    )  # fmt: skip
    def test_finetuning_next_step(
        self, cat: Catalog, model: str, gpu: str, mode: Mode, context: int | None, step: str | None
    ) -> None:
        p = plan(cat, model, gpu, mode=mode, context=context)
        assert p.next_step == step
        assert p.fits == (step is None)

    def test_moe_sized_by_total_not_active_params(self, cat: Catalog) -> None:
        p = plan(cat, "Qwen/Qwen3-30B-A3B", "1xH100", quant="bf16")
        weights = next(x for x in p.parts if x.name == "weights")
        assert 60 < weights.gb < 62  # 30.5B x 2 B, not 3.3B active x 2 B

    def test_sliding_window_layers_are_capped(self, cat: Catalog) -> None:
        gemma = cat.find_model("google/gemma-3-27b-it")
        kv = kv_shape(gemma, "auto", Engine.VLLM, tp=1)
        per_layer = 2 * 16 * 128 * 2
        assert kv.total(131072, 1) == per_layer * (10 * 131072 + 52 * 1024)

    def test_native_mxfp4_is_the_default_for_gpt_oss(self, cat: Catalog) -> None:
        p = plan(cat, "openai/gpt-oss-120b", "1xH100")
        assert p.quant == "mxfp4 (as released)"
        assert p.fits
        assert 100_000 < p.max_context_tokens < 131072

    def test_default_context_is_realistic_not_the_maximum(self, cat: Catalog) -> None:
        p = plan(cat, "meta-llama/Llama-4-Scout-17B-16E-Instruct", "8xH100")
        assert p.context_tokens == 8192
        assert "the model supports 10,485,760" in p.context_note

    def test_linear_attention_state_does_not_grow(self, cat: Catalog) -> None:
        nxt = cat.find_model("Qwen/Qwen3-Next-80B-A3B-Instruct")
        kv = kv_shape(nxt, "auto", Engine.VLLM, tp=1)
        assert kv.state_per_seq > 0
        grow = kv.total(200_000, 1) - kv.total(100_000, 1)
        assert grow == kv.full_per_token * 100_000  # only the 12 full-attention layers grow

    def test_tp_must_divide_the_heads(self, cat: Catalog) -> None:
        p = plan(cat, "Qwen/Qwen2.5-7B-Instruct", "8xH100")  # 28 heads: TP 8 is impossible
        assert (p.tensor_parallel_size, p.pipeline_parallel_size) == (4, 2)

    def test_kv_heads_replicate_when_tp_exceeds_them(self, cat: Catalog) -> None:
        model = cat.find_model("Qwen/Qwen2.5-72B-Instruct")  # 8 KV heads
        kv = kv_shape(model, "auto", Engine.VLLM, tp=8)
        assert kv.tp_shard == 1 / 8
        small = cat.find_model("Qwen/Qwen2.5-1.5B-Instruct")  # 2 KV heads
        assert kv_shape(small, "auto", Engine.VLLM, tp=4).tp_shard == 1 / 2

    def test_quantized_kv_halves_the_cache(self, cat: Catalog) -> None:
        model = cat.find_model("llama3.1:8b")
        hw = parse_gpu_spec(cat, "1xL40S")
        bf16 = Planner.build(model, hw, None, Engine.VLLM).estimate(32768, 4)
        fp8 = Planner.build(model, hw, None, Engine.VLLM, "fp8").estimate(32768, 4)
        assert fp8.kv_gb == pytest.approx(bf16.kv_gb / 2)

    def test_llama_cpp_keeps_input_embeddings_on_the_host(self, cat: Catalog) -> None:
        model = cat.find_model("llama3.1:8b")
        hw = parse_gpu_spec(cat, "1xRTX4090")
        planner = Planner.build(model, hw, get_format("Q4_K_M"), Engine.LLAMA_CPP)
        assert planner.weights.host_embed
        assert planner.estimate(8192, 1).weights_gb < planner.weights.total / 1e9


class TestOptions:
    def test_gguf_default_follows_the_vendor_repository(self, cat: Catalog) -> None:
        # The GGUF type planned when none is asked for: Q4_K_M, unless the vendor's GGUF
        # repository lacks it (Gemma 3 QAT: Q4_0 only); Ollama's library tag ships Q4_K_M.
        gemma = cat.find_model("gemma-3-27b")
        llama = cat.find_model("llama3.1:8b")
        picks = [
            resolve_format(gemma, None, Engine.LLAMA_CPP),
            resolve_format(gemma, None, Engine.OLLAMA),
            resolve_format(llama, None, Engine.LLAMA_CPP),
        ]
        assert [f.name if f else None for f in picks] == ["Q4_0", "Q4_K_M", "Q4_K_M"]

    def test_gguf_tags(self) -> None:
        assert gguf_tag_format("FP16") == gguf_tag_format("F16") == FORMATS["f16"]
        assert [gguf_tag_format(t) for t in ("BF16", "Q4", "Q5_0", "AWQ")] == [None] * 4
        assert gguf_tag_for(FORMATS["f16"], ("Q8_0", "FP16")) == "FP16"
        assert gguf_tag_for(FORMATS["q6_k"], ("Q8_0", "FP16")) is None
        tags = ("Q3_K_M", "Q4_0", "Q4_K_S", "Q5_0", "Q5_K_S", "Q8_0")
        assert default_gguf(tags).name == "Q4_K_S"
        assert default_gguf(("Q8_0", "Q6_K", "Q2_K")).name == "Q6_K"
        assert default_gguf(("FP16", "Q4")).name == "Q4_K_M"  # nothing sizable: deploy decides
        assert default_gguf(("Q2_K", "Q3_K_M")).name == "Q4_K_M"  # never below 4 bits unasked

    def test_engine_cannot_load_format(self, cat: Catalog) -> None:
        with pytest.raises(UsageError, match="--quant awq: llama.cpp does not load this format"):
            plan(cat, "llama3.1:8b", "1xRTX4090", engine=Engine.LLAMA_CPP, quant="awq")

    def test_context_beyond_the_model_is_a_usage_error(self, cat: Catalog) -> None:
        with pytest.raises(UsageError, match="exceeds .* maximum of 131,072"):
            plan(cat, "llama3.1:8b", "1xH100", context=200_000)

    def test_mxfp4_only_where_released(self, cat: Catalog) -> None:
        with pytest.raises(UsageError, match="has no MXFP4 checkpoint"):
            plan(cat, "llama3.1:8b", "1xH100", quant="mxfp4")


class TestPlanCommand:
    def test_json_contract(self, runner: CliRunner) -> None:
        result = runner.invoke(
            app, ["plan", "llama3.3:70b", "--gpu", "2xH100", "-f", "json"], catch_exceptions=False
        )
        assert result.exit_code == 0, result.output
        doc = json.loads(result.stdout)
        for key in (
            "model", "quant", "engine", "mode", "context_tokens", "batch", "gpus",
            "tensor_parallel_size", "weights_gb", "kv_cache_gb", "activation_gb", "overhead_gb",
            "total_gb", "available_gb", "per_gpu_gb", "fits", "max_context_tokens",
            "decode_tokens_per_s", "basis",
        ):  # fmt: skip
            assert key in doc, key
        assert doc["model"] == "meta-llama/Llama-3.3-70B-Instruct"
        assert doc["tensor_parallel_size"] == 2
        # bf16 70B on 2 x H100 under vLLM's 0.9 budget: 70.55 GB weights per GPU leave room
        # for about 5K tokens, not the 8K default.
        assert doc["fits"] is False
        assert 4000 < doc["max_context_tokens"] < 6000
        assert doc["weights_gb"] == pytest.approx(141.11, abs=0.02)
        assert {p["name"] for p in doc["parts"]} == {
            "weights",
            "kv_cache",
            "activation",
            "overhead",
        }
        assert all(isinstance(line, str) for line in doc["basis"])

    def test_not_fitting_is_an_answer_unless_check(self, runner: CliRunner) -> None:
        args = ["plan", "deepseek-v3", "--gpu", "4xA100-80", "-f", "json"]
        result = runner.invoke(app, args)
        assert result.exit_code == 0
        assert json.loads(result.stdout)["fits"] is False
        checked = runner.invoke(app, [*args, "--check"])
        assert checked.exit_code == 1
        assert "does not fit on 4x NVIDIA A100 SXM4 80GB" in checked.stderr

    def test_next_step_when_it_does_not_fit(self, runner: CliRunner) -> None:
        # 70B in bf16 does not fit one A100-80; the 4-bit formats do, and fp8 and int8 do not.
        doc = json.loads(
            runner.invoke(app, ["plan", "llama3.3:70b", "--gpu", "1xA100-80", "-f", "json"]).stdout
        )
        assert [f["quant"] for f in doc["formats"] if f["fits"]] == ["gptq-int4", "awq"]
        assert doc["next_step"] == "fits as gptq-int4, awq: pass --quant gptq-int4"
        # 671B fits no format on 4 x A100-80: point at the command that finds GPUs.
        table = runner.invoke(app, ["plan", "deepseek-v3", "--gpu", "4xA100-80"]).stdout
        assert (
            "next: no format fits at 8,192 tokens on these GPUs; `llmpick hardware "
            "deepseek-ai/DeepSeek-V3 --context 8192` lists GPUs that hold it"
        ) in " ".join(table.split())
        md = runner.invoke(app, ["plan", "llama3.3:70b", "--gpu", "1xA100-80", "-f", "markdown"])
        assert (
            "**Does not fit: short by 69.78 GB per GPU.** "
            "Next: fits as gptq-int4, awq: pass --quant gptq-int4."
        ) in md.stdout
        fits = runner.invoke(app, ["plan", "llama3.1:8b", "--gpu", "1xL4", "-f", "json"]).stdout
        assert json.loads(fits)["next_step"] is None

    def test_check_passes_when_it_fits(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["plan", "llama3.1:8b", "--gpu", "1xL4", "--check"])
        assert result.exit_code == 0

    def test_table_and_explain(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["plan", "gpt-oss-20b", "--gpu", "1xRTX4090", "--explain"])
        assert result.exit_code == 0
        assert "FITS with" in result.stdout
        assert "basis:" in result.stdout
        assert "Formats at 8,192 tokens" in result.stdout

    def test_explain_basis_lines_wrap_under_their_text(self, runner: CliRunner) -> None:
        args = ["plan", "llama3.1:8b", "--gpu", "1xRTX4090", "--explain"]
        lines = runner.invoke(app, args, env={"COLUMNS": "80"}).stdout.splitlines()
        start = lines.index("basis:")
        assert [line.rstrip() for line in lines[start + 1 : start + 3]] == [
            "  - GB = 10^9 bytes; NVIDIA GeForce RTX 4090: 24 GiB = 25.77 GB, of which 25.52",
            "    GB driver-visible (99.0%, as vLLM logs on an H100)",
        ]
        assert all(line.startswith(("  - ", "    ")) for line in lines[start + 1 :])

    def test_the_bar_legend_names_the_parts_shown(self, runner: CliRunner) -> None:
        serve = runner.invoke(app, ["plan", "qwen3:8b", "--gpu", "2xH100"]).stdout
        train = runner.invoke(app, ["plan", "qwen3:8b", "--gpu", "2xH100", "--mode", "full"]).stdout
        assert "█ weights  ▓ kv cache  ▒ activation  ░ overhead\n" in serve
        # 57 GB of gradients and optimizer states: its own glyph, not drawn as weights.
        assert "█ weights  ▓ gradients optimizer  ▒ activation  ░ overhead\n" in train
        assert "\n[████▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▒▒▒▒▒░░··|]\n" in train

    def test_csv_has_a_row_per_format(self, runner: CliRunner) -> None:
        result = runner.invoke(
            app, ["plan", "qwen2.5-7b", "--gpu", "1xRTX4090", "--engine", "ollama", "-f", "csv"]
        )
        assert result.exit_code == 0
        rows = result.stdout.strip().splitlines()
        assert rows[0].startswith("model,gpus,engine,context_tokens,quant")
        assert len(rows) == 1 + 12

    def test_markdown(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["plan", "phi-4", "--gpu", "1xA10", "-f", "markdown"])
        assert result.exit_code == 0
        assert result.stdout.startswith("### Phi-4 on 1x NVIDIA A10")
        assert (
            "**Does not fit: short by 10.36 GB per GPU.** "
            "Next: fits as gptq-int8, fp8, gptq-int4, awq: pass --quant gptq-int8."
        ) in result.stdout

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--gpu", "1xH10O"], "error: --gpu: unknown GPU 'H10O'"),
            (["--gpu", "1.5xH100"], "error: --gpu: GPU count '1.5' is not a whole number"),
            (["--gpu", "-2 x H100"], "error: --gpu: GPU count '-2' is not a whole number"),
            (["--gpu", "0xH100"], "error: --gpu: GPU count 0 is out of range\nhint: use 1 to"),
            (["--gpu", "2x"], "error: --gpu: cannot read '2x': no GPU name after the count\n"),
            (["--gpu", "1xH100", "--engine", "vllmm"], "Invalid value"),
            (["--gpu", "1xH100", "--mode", "train"], "Invalid value"),
            (["--gpu", "1xH100", "--quant", "q5"], "error: --quant: unknown format 'q5'"),
            (["--gpu", "1xH100", "--kv-dtype", "int3"], "error: --kv-dtype int3: not an option"),
        ],
    )
    def test_usage_errors_exit_2(self, runner: CliRunner, args: list[str], message: str) -> None:
        result = runner.invoke(app, ["plan", "llama3.1:8b", *args])
        assert result.exit_code == 2
        assert message in result.stderr

    def test_unknown_model_exits_3(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["plan", "llama9", "--gpu", "1xH100"])
        assert result.exit_code == 3


def test_every_model_on_every_gpu(cat: Catalog) -> None:
    """No crash, positive parts, and a context answer, for all catalog models x GPUs."""
    from llmpick.hardware import Hardware

    for model in cat.models:
        for gpu in cat.gpus:
            engine = Engine.LLAMA_CPP if gpu.kind == "apple" else Engine.VLLM
            p = make_plan(model, Hardware.of(gpu, 1), PlanOptions(engine=engine))
            assert p.per_gpu_gb > 0 and p.per_gpu_available_gb > 0, (model.id, gpu.id)
            assert all(part.gb >= 0 for part in p.parts), (model.id, gpu.id)
            assert p.fits == (p.max_context_tokens >= p.context_tokens), (model.id, gpu.id)
            assert 0 <= p.max_context_tokens <= model.context_tokens


class TestLargest:
    def test_guesses_never_change_the_answer(self) -> None:
        import random

        from llmpick.memory import largest

        rng = random.Random(7)
        for _ in range(5000):
            lo = rng.randint(0, 5)
            hi = rng.randint(lo, 300)
            answer = rng.randint(lo - 1, hi + 3)
            guess = rng.choice([None, rng.randint(lo - 2, hi + 2)])
            expected = 0 if answer < lo else min(answer, hi)

            def ok(n: int, a: int = answer) -> bool:
                return n <= a

            assert largest(ok, lo, hi, guess) == expected

    def test_a_good_guess_costs_few_calls(self) -> None:
        from llmpick.memory import largest

        calls: list[int] = []

        def ok(n: int) -> bool:
            calls.append(n)
            return n <= 700

        assert largest(ok, 1, 4096, 700) == 700
        assert len(calls) <= 4  # lo, the guess, guess + 1 (and nothing else)
