"""`llmpick deploy`: layouts, the engines' real flags, manifests, non-fits, formats, exit codes."""

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from llmpick.catalog import Catalog, load_catalog
from llmpick.cli import app
from llmpick.deploy import DeployOptions, Target, deploy
from llmpick.errors import DeployError, UsageError
from llmpick.hardware import parse_gpu_spec
from llmpick.records import Deployment

ENGINE_DATA = Path(__file__).parent / "data" / "engines"
# The option lists recorded from each engine's own argument parser (bench/engine_flags.py), or
# for TGI and llama.cpp from their reference docs. KServe passes vLLM flags through.
FLAGS = {
    Target.VLLM: "vllm-0.33.0.json",
    Target.SGLANG: "sglang-0.5.23.json",
    Target.LMDEPLOY: "lmdeploy-0.18.0.json",
    Target.TGI: "tgi-3.3.7.json",
    Target.LLAMA_CPP: "llama.cpp-docs.json",
}
# Words before the first flag: the program, its subcommand and positional model argument.
PREFIX = {
    Target.VLLM: 3,  # vllm serve MODEL
    Target.SGLANG: 3,  # python -m sglang.launch_server
    Target.LMDEPLOY: 4,  # lmdeploy serve api_server MODEL
    Target.TGI: 1,
    Target.LLAMA_CPP: 1,
}


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return load_catalog()


def make(cat: Catalog, model: str, gpus: str, target: Target, **kw: object) -> Deployment:
    return deploy(
        cat.find_model(model),
        parse_gpu_spec(cat, gpus),
        DeployOptions(target, **kw),  # type: ignore[arg-type]
    )


def refusal(runner: CliRunner, args: list[str]) -> str:
    """Run a deploy that must be refused: exit 1, nothing on stdout; its stderr."""
    result = runner.invoke(app, args)
    assert (result.exit_code, result.stdout) == (1, "")
    return result.stderr


def options(target: Target) -> dict[str, dict[str, object]]:
    doc = json.loads((ENGINE_DATA / FLAGS[target]).read_text())
    return doc["options"]  # type: ignore[no-any-return]


def check_argv(target: Target, argv: tuple[str, ...]) -> list[str]:
    """Problems with argv against the engine's recorded options: unknown flags, missing values,
    values outside the flag's choices, positional words where none belongs."""
    opts = options(target)
    problems = []
    words = list(argv[PREFIX[target] :])
    i = 0
    while i < len(words):
        flag = words[i]
        spec = opts.get(flag)
        if spec is None:
            problems.append(f"unknown flag or stray word {flag!r}")
            i += 1
            continue
        if spec["takes_value"]:
            if i + 1 >= len(words):
                problems.append(f"{flag} has no value")
                break
            value = words[i + 1]
            choices = spec["choices"]
            if choices is not None and value not in choices:  # type: ignore[operator]
                problems.append(f"{flag} {value}: not one of its choices")
            i += 2
        else:
            i += 1
    return problems


SCENARIOS = [
    tuple(row)
    for row in json.loads((ENGINE_DATA.parent / "deploy_scenarios.json").read_text())["scenarios"]
]

# The same check on AMD GPUs, where LMDeploy runs its PyTorch engine and TGI loads AWQ as GPTQ.
AMD_SCENARIOS = [
    ("Qwen/Qwen2.5-72B-Instruct", "1xMI300X", {"quant": "awq"}),
    ("meta-llama/Llama-3.3-70B-Instruct", "2xMI250", {}),
]


class TestEngineFlags:
    @pytest.mark.parametrize("target", list(FLAGS))
    @pytest.mark.parametrize(("model", "gpus", "extra"), SCENARIOS + AMD_SCENARIOS)
    def test_every_flag_exists_in_the_engine_release(
        self, cat: Catalog, target: Target, model: str, gpus: str, extra: dict[str, object]
    ) -> None:
        try:
            d = make(cat, model, gpus, target, **extra)
        except (DeployError, UsageError):
            return  # this engine cannot serve this scenario: covered in TestRefusals
        if not d.fits:
            return
        commands = [s.argv for s in d.steps if s.argv and s.argv[0] not in ("ray", "kubectl")]
        assert commands
        for argv in commands:
            assert check_argv(target, argv) == [], " ".join(argv)

    def test_the_checker_catches_bad_flags(self) -> None:
        bad = ("vllm", "serve", "m", "--tensor-parallel", "2", "--kv-cache-dtype", "int3")
        assert check_argv(Target.VLLM, bad) == [
            "unknown flag or stray word '--tensor-parallel'",
            "unknown flag or stray word '2'",
            "--kv-cache-dtype int3: not one of its choices",
        ]
        assert check_argv(Target.VLLM, ("vllm", "serve", "m", "--quantization", "bitsandbytes"))

    def test_vllm_dropped_bitsandbytes_so_nf4_is_refused(self, cat: Catalog) -> None:
        with pytest.raises(UsageError, match="vllm does not load this format"):
            make(cat, "meta-llama/Llama-3.1-8B-Instruct", "1xL4", Target.VLLM, quant="nf4")


class TestLayouts:
    def test_small_model_on_many_gpus_gets_replicas(self, cat: Catalog) -> None:
        d = make(cat, "meta-llama/Llama-3.1-8B-Instruct", "8xH100", Target.VLLM)
        lay = d.layout
        assert (lay.replicas, lay.gpus_per_replica, lay.tensor_parallel_size) == (8, 1, 1)
        assert d.command == (
            "vllm serve meta-llama/Llama-3.1-8B-Instruct --tensor-parallel-size 1 "
            "--data-parallel-size 8 --max-model-len 8192 --gpu-memory-utilization 0.9 "
            "--host 0.0.0.0 --port 8000"
        )

    def test_multi_node_uses_pipeline_stages_over_ray(self, cat: Catalog) -> None:
        d = make(cat, "deepseek-ai/DeepSeek-V3", "16xH100", Target.VLLM)
        lay = d.layout
        assert (lay.tensor_parallel_size, lay.pipeline_parallel_size) == (8, 2)
        assert lay.nodes_per_replica == 2 and lay.replicas == 1
        assert [s.argv[:3] for s in d.steps if s.argv] == [
            ("ray", "start", "--head"),
            ("ray", "start", "--address=NODE0_IP:6379"),
            ("vllm", "serve", "deepseek-ai/DeepSeek-V3"),
        ]
        assert "--distributed-executor-backend ray" in (d.command or "")

    def test_replicas_on_several_hosts_run_the_same_steps_on_each(self, cat: Catalog) -> None:
        # 16 H100s are two 8-GPU hosts: one vLLM command cannot use both, so each host runs its
        # own share of the replicas behind a load balancer.
        small = make(cat, "meta-llama/Llama-3.1-8B-Instruct", "16xH100", Target.VLLM)
        assert (small.layout.replicas, small.layout.hosts) == (16, 2)
        assert "--data-parallel-size 8 " in (small.command or "")
        assert [(s.title, s.host) for s in small.steps] == [("Serve", "each GPU host")]
        assert small.notes[-1] == (
            "run these steps on each of the 2 GPU hosts (8 replica(s) each) and put a load "
            "balancer in front of their endpoints"
        )
        big = make(cat, "Qwen/Qwen3-235B-A22B", "16xH100", Target.VLLM)
        assert (big.layout.gpus_per_replica, big.layout.replicas) == (8, 2)
        assert "--data-parallel-size" not in (big.command or "")
        lm = make(cat, "meta-llama/Llama-3.1-8B-Instruct", "16xH100", Target.LMDEPLOY)
        assert [s.env["CUDA_VISIBLE_DEVICES"] for s in lm.steps] == [str(g) for g in range(8)]
        assert {s.host for s in lm.steps} == {"each GPU host"}

    def test_replicas_spanning_nodes_repeat_per_group(self, cat: Catalog) -> None:
        d = make(cat, "deepseek-ai/DeepSeek-V3", "32xH100", Target.VLLM)
        assert (d.layout.nodes_per_replica, d.layout.replicas, d.layout.hosts) == (2, 2, 4)
        assert "--data-parallel-size" not in (d.command or "")
        assert [s.host for s in d.steps] == ["node 0", "node 1", "node 0"]
        assert d.notes[-1] == (
            "these steps serve one of the 2 replicas on 2 nodes; repeat them on each group of 2 "
            "nodes and put a load balancer in front of the groups"
        )

    def test_hosts_of_unequal_size_are_refused(self, cat: Catalog) -> None:
        with pytest.raises(DeployError, match="12 GPUs make 2 hosts of unequal size"):
            make(cat, "meta-llama/Llama-3.1-8B-Instruct", "12xH100", Target.VLLM)

    def test_sglang_multi_node_runs_one_command_per_node(self, cat: Catalog) -> None:
        d = make(cat, "deepseek-ai/DeepSeek-V3", "16xH100", Target.SGLANG)
        ranks = [s.argv[s.argv.index("--node-rank") + 1] for s in d.steps if s.argv]
        assert ranks == ["0", "1"]

    @pytest.mark.parametrize(
        ("model", "gpus"),
        [
            ("Qwen/Qwen2.5-7B-Instruct", "8xT4"),  # 28 heads
            ("Qwen/Qwen2.5-14B-Instruct", "4xRTX3090"),  # 40 heads
            ("meta-llama/Llama-3.3-70B-Instruct", "8xL40S"),
            ("google/gemma-3-27b-it", "4xL4"),
            ("mistralai/Mistral-Small-3.2-24B-Instruct-2506", "6xRTX4090"),
        ],
    )
    def test_tensor_parallel_divides_heads_and_replicas_fill_the_gpus(
        self, cat: Catalog, model: str, gpus: str
    ) -> None:
        d = make(cat, model, gpus, Target.VLLM)
        lay = d.layout
        heads = cat.find_model(model).architecture.attention_heads
        assert d.fits
        assert heads % lay.tensor_parallel_size == 0
        assert lay.tensor_parallel_size * lay.pipeline_parallel_size == lay.gpus_per_replica
        assert lay.replicas * lay.gpus_per_replica + lay.idle_gpus == lay.gpus
        assert d.per_gpu_gb <= d.per_gpu_available_gb

    def test_the_smallest_replica_that_fits_is_chosen(self, cat: Catalog) -> None:
        d = make(cat, "meta-llama/Llama-3.3-70B-Instruct", "8xH100", Target.VLLM)
        # bf16 70B: 141 GB of weights. On 2 GPUs it needs 77.5 of the 76.6 GB vLLM may use at
        # 8k tokens, so 4 GPUs (not 8) per copy, and 2 copies.
        assert (d.layout.gpus_per_replica, d.layout.replicas) == (4, 2)

    def test_a_copy_with_room_for_few_sequences_says_so(self, cat: Catalog) -> None:
        d = make(
            cat, "meta-llama/Llama-3.3-70B-Instruct", "1xH100", Target.VLLM, quant="fp8",
            context=1500,
        )  # fmt: skip
        assert d.fits and d.max_concurrent_sequences < 4
        assert d.notes[-1].startswith(f"only {d.max_concurrent_sequences} sequence(s) of 1,500 ")

    def test_per_process_engines_pin_gpus_and_ports(self, cat: Catalog) -> None:
        d = make(cat, "mistralai/Mistral-Large-Instruct-2411", "8xA100-80", Target.TGI)
        assert [(s.env, s.argv[-1]) for s in d.steps] == [  # type: ignore[index]
            ({"CUDA_VISIBLE_DEVICES": "0,1,2,3"}, "3000"),
            ({"CUDA_VISIBLE_DEVICES": "4,5,6,7"}, "3001"),
        ]


class TestWeights:
    def test_official_quantized_repo(self, cat: Catalog) -> None:
        d = make(cat, "Qwen/Qwen2.5-72B-Instruct", "2xA100-80", Target.VLLM, quant="awq")
        assert d.repo == "Qwen/Qwen2.5-72B-Instruct-AWQ"
        assert "--quantization" not in (d.command or "")  # read from the checkpoint

    def test_online_fp8_of_a_bf16_checkpoint(self, cat: Catalog) -> None:
        d = make(cat, "meta-llama/Llama-3.3-70B-Instruct", "2xH100", Target.SGLANG, quant="fp8")
        assert d.repo == "meta-llama/Llama-3.3-70B-Instruct"
        assert "--quantization fp8" in (d.command or "")

    def test_native_fp8_needs_no_flag(self, cat: Catalog) -> None:
        d = make(cat, "deepseek-ai/DeepSeek-R1-0528", "8xH200", Target.VLLM)
        assert d.quant == "fp8" and "--quantization" not in (d.command or "")

    def test_llama_cpp_pulls_the_official_gguf(self, cat: Catalog) -> None:
        d = make(
            cat,
            "Qwen/Qwen2.5-7B-Instruct",
            "1xRTX4090",
            Target.LLAMA_CPP,
            quant="Q5_K_M",
            kv_dtype="q8_0",
        )
        assert d.command == (
            "llama-server -hf Qwen/Qwen2.5-7B-Instruct-GGUF:Q5_K_M -c 8192 -ngl 999 "
            "-ctk q8_0 -ctv q8_0 -fa on --host 0.0.0.0 --port 8080"
        )

    def test_llama_cpp_refuses_a_repo_without_gguf_files(self, runner: CliRunner) -> None:
        # Llama 3.1 has no official GGUF release: "-hf meta-llama/...:Q4_K_M" would fail to
        # download, so deploy stops (exit 1) and says what to pass instead.
        args = ["deploy", "llama3.1:8b", "--gpu", "1xRTX4090", "--engine", "llama.cpp"]
        assert refusal(runner, args) == (
            "error: meta-llama/Llama-3.1-8B-Instruct has no official GGUF release, and "
            "llama-server -hf downloads GGUF files only\n"
            "hint: pass --repo with a GGUF repository you trust, or convert the checkpoint with "
            "llama.cpp's convert_hf_to_gguf.py and serve the file with -m\n"
        )
        mine = runner.invoke(
            app, [*args, "--repo", "acme/Llama-3.1-8B-Instruct-GGUF", "-f", "json"]
        )
        assert mine.exit_code == 0, mine.stderr
        assert json.loads(mine.stdout)["command"] == (
            "llama-server -hf acme/Llama-3.1-8B-Instruct-GGUF:Q4_K_M -c 8192 -ngl 999 "
            "--host 0.0.0.0 --port 8080"
        )

    def test_ollama_library_tag(self, cat: Catalog) -> None:
        d = make(cat, "meta-llama/Llama-3.3-70B-Instruct", "2xRTX4090", Target.OLLAMA)
        assert [s.shell_line() for s in d.steps] == [
            "OLLAMA_HOST=0.0.0.0:11434 OLLAMA_CONTEXT_LENGTH=8192 ollama serve",
            "ollama pull llama3.3:70b",
        ]
        assert d.repo == "llama3.3:70b"

    def test_ollama_quantizes_safetensors_itself(self, cat: Catalog) -> None:
        d = make(cat, "meta-llama/Llama-3.1-8B-Instruct", "1xL4", Target.OLLAMA, quant="q4_k_s")
        assert d.steps[1].file == "Modelfile"
        assert d.steps[1].content == (
            "FROM /path/to/Llama-3.1-8B-Instruct\nPARAMETER num_ctx 8192\n"
        )
        assert d.steps[2].argv == (
            "ollama", "create", "llama-3-1-8b-instruct", "--quantize", "q4_K_S", "-f", "Modelfile"
        )  # fmt: skip


class TestGgufFiles:
    """The official GGUF repository's recorded files pick the type and check the -hf tag."""

    OLMO_32B = "allenai/OLMo-2-0325-32B-Instruct"

    def test_the_default_is_a_type_the_repository_holds(self, cat: Catalog) -> None:
        # Gemma 3's QAT repository holds Q4_0 only, OLMo 2 32B's no Q4_K_M: llama.cpp's usual
        # Q4_K_M would not download, so the plan takes the first 4-bit type listed.
        gemma = make(cat, "gemma-3-27b", "1xL4", Target.LLAMA_CPP)
        assert (gemma.quant, gemma.notes) == ("Q4_0", ())
        assert gemma.command == (
            "llama-server -hf google/gemma-3-27b-it-qat-q4_0-gguf:Q4_0 -c 8192 -ngl 999 "
            "--host 0.0.0.0 --port 8080"
        )
        olmo = make(cat, self.OLMO_32B, "1xL40S", Target.LLAMA_CPP)
        assert olmo.command == (
            "llama-server -hf allenai/OLMo-2-0325-32B-Instruct-GGUF:Q4_K_S -c 4096 -ngl 999 "
            "--host 0.0.0.0 --port 8080"
        )
        assert olmo.flags[0].why == (
            "download the Q4_K_S GGUF file from the Hugging Face repository (tags match file "
            "names case-insensitively)"
        )

    def test_a_type_missing_from_a_complete_list_exits_1(self, runner: CliRunner) -> None:
        args = ["deploy", self.OLMO_32B, "--gpu", "1xL40S", "--engine", "llama.cpp"]
        assert refusal(runner, [*args, "--quant", "q4_k_m"]) == (
            "error: allenai/OLMo-2-0325-32B-Instruct-GGUF holds no Q4_K_M file; its GGUF files "
            "are Q3_K_M, Q4_0, Q4_K_S, Q5_0, Q5_K_S, Q8_0\n"
            "hint: use --quant q4_k_s, q4_0, q5_k_s, q8_0, q3_k_m, or pass --repo with a GGUF "
            "repository that has Q4_K_M\n"
        )
        mine = runner.invoke(app, [*args, "--quant", "q4_k_m", "--repo", "acme/OLMo-GGUF"])
        assert mine.exit_code == 0, mine.stderr

    def test_a_file_llmpick_cannot_size_is_no_default(self, runner: CliRunner) -> None:
        # microsoft/phi-4-gguf holds phi-4-fp16.gguf and phi-4-q4.gguf, whose 4-bit type the
        # name does not give: only FP16 can be planned from it.
        args = ["deploy", "phi-4", "--gpu", "1xL4", "--engine", "llama.cpp"]
        assert refusal(runner, args) == (
            "error: microsoft/phi-4-gguf holds no Q4_K_M file; its GGUF files are FP16, Q4\n"
            "hint: use --quant f16, or pass --repo with a GGUF repository that has Q4_K_M\n"
        )

    def test_the_tag_is_the_file_names_spelling(self, cat: Catalog) -> None:
        # Qwen names its 16-bit files "fp16"; -hf repo:F16 would match none of them.
        d = make(cat, "Qwen/Qwen2.5-7B-Instruct", "1xL40S", Target.LLAMA_CPP, quant="f16")
        assert (d.quant, d.notes) == ("F16", ())
        assert (d.command or "").startswith("llama-server -hf Qwen/Qwen2.5-7B-Instruct-GGUF:FP16 ")

    def test_partial_or_unrecorded_lists_warn_instead(self, cat: Catalog) -> None:
        gemma = make(cat, "gemma-3-27b", "1xL4", Target.LLAMA_CPP, quant="q4_k_m")
        assert gemma.notes == (
            "of google/gemma-3-27b-it-qat-q4_0-gguf's GGUF files the catalog records only Q4_0, "
            "not Q4_K_M; the download stops with an error if it has no Q4_K_M file",
        )
        qwen3 = make(cat, "Qwen/Qwen3-8B", "1xL4", Target.LLAMA_CPP)
        assert qwen3.notes == (
            "the catalog does not record which GGUF files Qwen/Qwen3-8B-GGUF holds; the download "
            "stops with an error if it has no Q4_K_M file",
        )
        assert qwen3.command == (
            "llama-server -hf Qwen/Qwen3-8B-GGUF:Q4_K_M -c 8192 -ngl 999 --host 0.0.0.0 --port 8080"
        )

    def test_ollama_quantizes_what_the_repository_lacks(self, cat: Catalog) -> None:
        made = make(cat, self.OLMO_32B, "1xL40S", Target.OLLAMA, quant="q4_k_m")
        assert made.repo == self.OLMO_32B
        assert made.steps[2].shell_line() == (
            "ollama create olmo-2-0325-32b-instruct --quantize q4_K_M -f Modelfile"
        )
        held = make(cat, self.OLMO_32B, "1xL40S", Target.OLLAMA, quant="q5_k_s")
        assert held.repo == "allenai/OLMo-2-0325-32B-Instruct-GGUF"
        assert [s.title for s in held.steps[1:]] == [
            "Download the Q5_K_S GGUF file of allenai/OLMo-2-0325-32B-Instruct-GGUF as "
            "Q5_K_S.gguf and write this Modelfile",
            "Import",
        ]
        assert held.steps[1].content == "FROM ./Q5_K_S.gguf\nPARAMETER num_ctx 4096\n"
        with pytest.raises(DeployError, match="holds no Q6_K file"):
            make(cat, self.OLMO_32B, "1xL40S", Target.OLLAMA, quant="q6_k")

    def test_alternatives_offer_only_types_the_repository_holds(self, cat: Catalog) -> None:
        d = make(cat, self.OLMO_32B, "1xRTX4090", Target.LLAMA_CPP, quant="q8_0")
        assert not d.fits
        assert [a.split(":")[0] for a in d.alternatives] == [
            "--quant Q5_K_S",
            "--quant Q4_K_S",
            "--quant Q4_0",
            "--quant Q3_K_M",
            "--gpu 2xrtx4090",
            "llmpick hardware allenai/OLMo-2-0325-32B-Instruct --context 4096",
        ]

    def test_alternatives_skip_a_checkpoint_that_is_no_gguf(self, cat: Catalog) -> None:
        # gpt-oss-20b's MXFP4 safetensors fit a T4, but Ollama serves GGUF files: the
        # as-released row is no alternative (it once was offered, or stopped the command).
        d = make(cat, "gpt-oss-20b", "1xT4", Target.OLLAMA, quant="q8_0")
        assert not d.fits
        assert [a.split(":")[0] for a in d.alternatives] == [
            "--quant Q4_K_M",
            "--quant Q4_K_S",
            "--gpu 2xt4",
            "llmpick hardware openai/gpt-oss-20b --context 8192",
        ]


class TestKServe:
    def test_single_node_manifest(self, cat: Catalog) -> None:
        d = make(cat, "openai/gpt-oss-120b", "2xH100", Target.KSERVE)
        doc = yaml.safe_load(d.manifest or "")
        assert doc["apiVersion"] == "serving.kserve.io/v1beta1"
        assert doc["kind"] == "InferenceService"
        pred = doc["spec"]["predictor"]
        assert pred["minReplicas"] == pred["maxReplicas"] == 2
        assert pred["model"]["storageUri"] == "hf://openai/gpt-oss-120b"
        assert pred["model"]["resources"]["limits"]["nvidia.com/gpu"] == "1"
        assert "--max_model_len=8192" in pred["model"]["args"]

    def test_multi_node_manifest(self, cat: Catalog) -> None:
        d = make(cat, "deepseek-ai/DeepSeek-V3", "16xH100", Target.KSERVE)
        doc = yaml.safe_load(d.manifest or "")
        meta = doc["metadata"]["annotations"]
        assert meta["serving.kserve.io/autoscalerClass"] == "none"
        assert meta["serving.kserve.io/deploymentMode"] == "Standard"
        pred = doc["spec"]["predictor"]
        assert pred["model"]["runtime"] == "kserve-huggingfaceserver-multinode"
        assert pred["model"]["storageUri"].startswith("pvc://")
        assert pred["workerSpec"]["pipelineParallelSize"] == 2
        assert pred["workerSpec"]["tensorParallelSize"] == 8
        assert pred["workerSpec"]["containers"][0]["resources"]["limits"]["nvidia.com/gpu"] == "8"

    def test_amd_gpus_get_their_resource_name(self, cat: Catalog) -> None:
        d = make(cat, "meta-llama/Llama-3.3-70B-Instruct", "1xMI300X", Target.KSERVE)
        limits = yaml.safe_load(d.manifest or "")["spec"]["predictor"]["model"]["resources"]
        assert limits["limits"]["amd.com/gpu"] == "1"

    def test_lmdeploy_on_amd_uses_the_pytorch_engine(self, cat: Catalog) -> None:
        # LMDeploy's setup.py builds TurboMind only for LMDEPLOY_TARGET_DEVICE=cuda.
        amd = make(cat, "meta-llama/Llama-3.3-70B-Instruct", "1xMI300X", Target.LMDEPLOY)
        nvidia = make(cat, "meta-llama/Llama-3.3-70B-Instruct", "2xH100", Target.LMDEPLOY)
        for d, backend in ((amd, "pytorch"), (nvidia, "turbomind")):
            argv = d.steps[0].argv or ()
            assert argv[argv.index("--backend") + 1] == backend
        assert amd.notes[0] == (
            "install LMDeploy for ROCm: LMDEPLOY_TARGET_DEVICE=rocm pip install "
            "git+https://github.com/InternLM/lmdeploy.git (LMDeploy's installation guide)"
        )
        assert nvidia.notes[0].startswith("TurboMind supports a fixed list of architectures")

    def test_tgi_loads_awq_as_gptq_on_amd(self, cat: Catalog) -> None:
        # TGI 3.3.7's AWQ kernel raises on ROCm and names --quantize gptq instead.
        args = ("Qwen/Qwen2.5-72B-Instruct", "1xMI300X", Target.TGI)
        amd = make(cat, *args, quant="awq")
        nvidia = make(cat, "Qwen/Qwen2.5-72B-Instruct", "1xH100", Target.TGI, quant="awq")
        assert (amd.steps[0].argv or ())[:2] == ("text-generation-launcher", "--model-id")
        assert amd.command is not None and "--quantize gptq" in amd.command
        assert nvidia.command is not None and "--quantize" not in nvidia.command
        why = next(f.why for f in amd.flags if f.flag == "--quantize")
        assert why == "no AWQ kernel on ROCm: load the AWQ weights as GPTQ"
        assert "--quantize" not in (make(cat, *args).command or "")  # bf16: nothing to convert

    def test_kserve_args_are_vllm_or_runtime_flags(self, cat: Catalog) -> None:
        d = make(cat, "meta-llama/Llama-3.3-70B-Instruct", "4xA100-80", Target.KSERVE)
        args = yaml.safe_load(d.manifest or "")["spec"]["predictor"]["model"]["args"]
        vllm = options(Target.VLLM)
        runtime = {"--model_name", "--max_model_len"}  # huggingfaceserver's own parser
        for arg in args:
            flag = arg.split("=", 1)[0]
            assert flag in runtime or flag in vllm, arg


class TestRefusals:
    def test_not_fitting_exits_1_with_alternatives(self, runner: CliRunner) -> None:
        result = runner.invoke(
            app, ["deploy", "llama3.3:70b", "--gpu", "2xH100", "-f", "json"], catch_exceptions=False
        )
        assert result.exit_code == 1
        doc = json.loads(result.stdout)
        assert doc["fits"] is False and doc["command"] is None
        assert doc["alternatives"][0].startswith("--quant fp8: ")
        assert "--gpu 4xh100-sxm: fits as planned" in doc["alternatives"]
        assert result.stderr.startswith("error: meta-llama/Llama-3.3-70B-Instruct (bf16) needs ")

    def test_the_checkpoint_as_released_is_an_alternative(self, cat: Catalog) -> None:
        # The as-released row is labelled "mxfp4 (as released)"; it was once never offered,
        # since that label matched no format name.
        d = make(cat, "openai/gpt-oss-120b", "1xH100", Target.VLLM, quant="bf16")
        assert not d.fits
        assert d.alternatives == (
            "--quant mxfp4 (as released): 72.6 GB per GPU on 1x NVIDIA H100 SXM5 80GB",
            "--gpu 4xh100-sxm: fits as planned",
            "llmpick hardware openai/gpt-oss-120b --context 8192: every GPU that fits",
        )
        as_released = make(cat, "openai/gpt-oss-120b", "1xH100", Target.VLLM, quant="mxfp4")
        assert as_released.fits and as_released.repo == "openai/gpt-oss-120b"

    def test_fp8_as_released_is_offered_when_bf16_does_not_fit(self, runner: CliRunner) -> None:
        result = runner.invoke(
            app, ["deploy", "deepseek-v3", "--gpu", "8xH200", "--quant", "bf16"],
            catch_exceptions=False,
        )  # fmt: skip
        assert result.exit_code == 1
        assert result.stderr.splitlines()[1:] == [
            "hint: --quant fp8 (as released): 89.7 GB per GPU on 8x NVIDIA H200 SXM 141GB",
            "hint: --gpu 16xh200-sxm: fits as planned",
            "hint: llmpick hardware deepseek-ai/DeepSeek-V3 --context 8192: every GPU that fits",
        ]

    def test_no_official_awq_release(self, cat: Catalog) -> None:
        with pytest.raises(DeployError) as err:
            make(cat, "meta-llama/Llama-3.3-70B-Instruct", "2xH100", Target.VLLM, quant="awq")
        assert err.value.message == (
            "meta-llama/Llama-3.3-70B-Instruct has no official awq release, and vLLM does not "
            "quantize to awq at load time"
        )
        assert err.value.hint == (
            "pass --repo with a quantized repository you trust, or choose --quant "
            "bf16 (as released), fp8"
        )

    @pytest.mark.parametrize(
        ("model", "quant", "message", "choices"),
        [
            # vLLM's --quantization fp8 needs 16-bit weights: not offered for MXFP4 or FP8.
            (
                "openai/gpt-oss-20b", "fp8",
                "openai/gpt-oss-20b has no official fp8 release, and vLLM quantizes to fp8 at "
                "load time only from 16-bit weights (this checkpoint is mxfp4)",
                "mxfp4 (as released)",
            ),
            (
                "deepseek-ai/DeepSeek-V3", "bf16",
                "deepseek-ai/DeepSeek-V3 has no official bf16 release, and vLLM does not quantize "
                "to bf16 at load time",
                "fp8 (as released)",
            ),
        ],
    )  # fmt: skip
    def test_the_hint_lists_only_formats_deploy_can_serve(
        self, runner: CliRunner, model: str, quant: str, message: str, choices: str
    ) -> None:
        stderr = refusal(runner, ["deploy", model, "--gpu", "16xH200", "--quant", quant])
        assert stderr == (
            f"error: {message}\nhint: pass --repo with a quantized repository you trust, or "
            f"choose --quant {choices}\n"
        )

    def test_repo_override_is_used_as_given(self, cat: Catalog) -> None:
        d = make(
            cat,
            "meta-llama/Llama-3.3-70B-Instruct",
            "2xH100",
            Target.VLLM,
            quant="awq",
            repo="casperhansen/llama-3.3-70b-instruct-awq",
        )
        assert d.repo == "casperhansen/llama-3.3-70b-instruct-awq"

    @pytest.mark.parametrize("target", [Target.TGI, Target.LMDEPLOY])
    def test_single_node_engines_refuse_multi_node(self, cat: Catalog, target: Target) -> None:
        with pytest.raises(DeployError, match="across nodes"):
            make(cat, "deepseek-ai/DeepSeek-V3", "16xH100", target)

    def test_ollama_refuses_multi_node(self, cat: Catalog) -> None:
        # Kimi K2 at Q8_0 is over a terabyte: more than one node of H100s.
        with pytest.raises(DeployError, match="across nodes"):
            make(cat, "moonshotai/Kimi-K2-Instruct", "16xH100", Target.OLLAMA, quant="Q8_0")

    def test_apple_gpus_only_for_llama_cpp_and_ollama(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["deploy", "qwen3:8b", "--gpu", "M3-Max-128"])
        assert result.exit_code == 2
        assert result.stderr == (
            "error: vLLM does not run on Apple M3 Max (16-core CPU / 40-core GPU, 128GB)\n"
            "hint: on Apple GPUs use --engine llama.cpp or --engine ollama\n"
        )
        ok = runner.invoke(app, ["deploy", "qwen3:8b", "--gpu", "M3-Max-128", "--engine", "ollama"])
        assert ok.exit_code == 0, ok.stderr

    def test_sglang_does_not_run_on_gfx90a(self, runner: CliRunner) -> None:
        # sgl-kernel's setup_rocm.py builds for gfx942 and gfx950 only; an MI250 is gfx90a.
        message = (
            "error: SGLang does not run on AMD Instinct MI250 (gfx90a): its ROCm kernels are built "
            "for gfx942 and gfx950 only\nhint: use --engine vllm, which runs on it\n"
        )
        args = ["llama3.3:70b", "--gpu", "2xMI250", "--engine", "sglang"]
        refused = runner.invoke(app, ["deploy", *args])
        assert (refused.exit_code, refused.stderr) == (2, message)
        recommend = runner.invoke(app, ["recommend", *args[1:]])
        assert recommend.exit_code == 2
        assert recommend.stderr.startswith("error: --engine sglang does not run on AMD Instinct")
        mi300 = runner.invoke(
            app, ["deploy", "llama3.3:70b", "--gpu", "1xMI300X", "--engine", "sglang"]
        )
        assert mi300.exit_code == 0, mi300.stderr
        hardware = runner.invoke(
            app, ["hardware", "llama3.3:70b", "--engine", "sglang", "-f", "csv"]
        )
        gpus = {line.split(",")[0] for line in hardware.stdout.splitlines()[1:]}
        # The MI355X is gfx950, the other target sgl-kernel builds for.
        assert {"mi300x", "mi355x"} <= gpus and not gpus & {"mi250", "mi250x"}
        mi355 = runner.invoke(
            app, ["deploy", "llama3.3:70b", "--gpu", "1xMI355X", "--engine", "sglang"]
        )
        assert mi355.exit_code == 0, mi355.stderr

    @pytest.mark.parametrize(
        ("args", "code", "message"),
        [
            (["--engine", "triton"], 2, "choose from vllm, sglang"),
            (["--context", "10000000"], 2, "exceeds"),
            (["--quant", "Q4_K_M"], 2, "vllm does not load this format"),
            (["--kv-dtype", "q4_0"], 2, "not an option of vllm"),
        ],
    )
    def test_usage_errors(
        self, runner: CliRunner, args: list[str], code: int, message: str
    ) -> None:
        result = runner.invoke(app, ["deploy", "qwen3:8b", "--gpu", "1xL4", *args])
        assert result.exit_code == code
        assert message in result.stderr


class TestFormats:
    def test_table(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["deploy", "qwen3:8b", "--gpu", "1xL4"])
        assert result.exit_code == 0
        assert "vllm serve Qwen/Qwen3-8B" in result.stdout
        assert "Why these values" in result.stdout

    def test_table_when_it_does_not_fit(self, runner: CliRunner) -> None:
        args = ["deploy", "deepseek-r1", "--gpu", "4xA100-80"]
        result = runner.invoke(app, args, env={"COLUMNS": "80"})
        assert result.exit_code == 1
        lines = [line.rstrip() for line in result.stdout.splitlines()]
        assert lines[4:8] == [
            "│ tokens on 4x NVIDIA A100 SXM4 80GB (TP 4 x PP 1); vLLM may use 76.6 GB       │",
            "│   - --gpu 16xa100-sxm-80: fits as planned                                    │",
            "│   - llmpick hardware deepseek-ai/DeepSeek-R1 --context 8192: every GPU that  │",
            "│     fits                                                                     │",
        ]
        assert "hint: --gpu 16xa100-sxm-80: fits as planned" in result.stderr
        wide = runner.invoke(app, args, env={"COLUMNS": "300"}).stdout.splitlines()
        assert len(wide[0]) == 4 + len(wide[2].strip("│ "))  # as wide as its longest line

    def test_markdown(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["deploy", "qwen3:8b", "--gpu", "1xL4", "-f", "markdown"])
        assert result.stdout.startswith("### Deploy Qwen/Qwen3-8B with vLLM 0.33.0 on 1x NVIDIA L4")
        assert "   ```shell\n   vllm serve Qwen/Qwen3-8B" in result.stdout

    def test_shell_script_comments_other_hosts(self, runner: CliRunner) -> None:
        result = runner.invoke(
            app, ["deploy", "deepseek-ai/DeepSeek-V3", "--gpu", "16xH100", "-f", "shell"]
        )
        lines = result.stdout.splitlines()
        assert lines[0] == "#!/usr/bin/env bash" and "set -euo pipefail" in lines
        assert "ray start --head --port=6379" in lines
        assert "# ray start --address=NODE0_IP:6379" in lines

    def test_json_layout(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["deploy", "qwen3:8b", "--gpu", "2xL4", "-f", "json"])
        doc = json.loads(result.stdout)
        assert doc["layout"] == {
            "gpus": 2,
            "gpus_per_replica": 1,
            "replicas": 2,
            "tensor_parallel_size": 1,
            "pipeline_parallel_size": 1,
            "nodes_per_replica": 1,
            "idle_gpus": 0,
            "hosts": 1,
        }
        assert doc["command"].startswith("vllm serve Qwen/Qwen3-8B --tensor-parallel-size 1 ")
        assert {f["flag"] for f in doc["flags"]} >= {"--max-model-len", "--data-parallel-size"}
