"""Where the weights of a planned format come from, for one engine: the checkpoint as released,
the vendor's own quantized release, the engine (or Ollama's import) quantizing the released
16-bit checkpoint, or no official source at all (`deploy` then needs --repo). `recommend` shows
it for every pick and `deploy` accepts exactly the formats that have one."""

from collections.abc import Collection
from typing import TYPE_CHECKING, NamedTuple

from llmpick.records import WeightsOrigin

if TYPE_CHECKING:
    from llmpick.quant import Format
    from llmpick.records import ModelCard

# The engines' load-time quantization of a 16-bit checkpoint (format -> their flag value):
# vLLM's and SGLang's --quantization, TGI's --quantize. KServe runs vLLM.
ONLINE_QUANT: dict[str, dict[str, str]] = {
    "vllm": {"fp8": "fp8"},
    "sglang": {"fp8": "fp8", "nf4": "bitsandbytes"},
    "tgi": {"fp8": "fp8", "nf4": "bitsandbytes-nf4"},
    "kserve": {"fp8": "fp8"},
}
# The types `ollama create --quantize` makes from safetensors (Ollama's docs/import.mdx).
OLLAMA_QUANTIZE = ("q8_0", "q4_k_s", "q4_k_m")
# The config.json `architectures` `ollama create` converts from safetensors: the switch in
# LoadModelMetadata, convert/convert.go of ollama v0.33.0-rc2 (commit fb30760); anything else
# stops with 'unsupported architecture'. Qwen3ForCausalLM, Qwen3MoeForCausalLM and
# MistralForCausalLM are not among them. The catalog does not record each checkpoint's class, so
# deploy names the list instead of deciding.
OLLAMA_CONVERTS = (
    "BertModel", "CohereForCausalLM", "DeepseekOCRForCausalLM", "DeepseekV3ForCausalLM",
    "Gemma2ForCausalLM", "Gemma3ForCausalLM", "Gemma3ForConditionalGeneration", "Gemma3TextModel",
    "Gemma3nForConditionalGeneration", "Gemma4ForCausalLM", "Gemma4ForConditionalGeneration",
    "GemmaForCausalLM", "Glm4MoeLiteForCausalLM", "GlmOcrForConditionalGeneration",
    "GptOssForCausalLM", "LagunaForCausalLM", "Lfm2ForCausalLM", "Lfm2MoeForCausalLM",
    "Lfm2VlForConditionalGeneration", "Llama4ForConditionalGeneration", "LlamaForCausalLM",
    "Ministral3ForCausalLM", "Mistral3ForConditionalGeneration", "MixtralForCausalLM",
    "MllamaForConditionalGeneration", "NemotronHForCausalLM", "NemotronH_Nano_Omni_Reasoning_V3",
    "NemotronH_Nano_VL_V2", "NomicBertMoEModel", "NomicBertModel", "Olmo3ForCausalLM",
    "Phi3ForCausalLM", "Qwen2ForCausalLM", "Qwen2_5_VLForConditionalGeneration",
    "Qwen3NextForCausalLM", "Qwen3VLForConditionalGeneration",
    "Qwen3VLMoeForConditionalGeneration", "Qwen3_5ForConditionalGeneration",
    "Qwen3_5MoeForConditionalGeneration",
)  # fmt: skip
OLLAMA_CONVERT_SOURCE = (
    "https://github.com/ollama/ollama/blob/fb30760996871fa9460115c753afd2c60d4ab0f7/"
    "convert/convert.go"
)
GGUF_ENGINES = ("llama.cpp", "ollama")
SIXTEEN_BIT = ("bf16", "fp16")


class Weights(NamedTuple):
    origin: WeightsOrigin
    repo: str | None  # the repository to load (for engine-quantized: the 16-bit one)


def missing_gguf(model: "ModelCard", fmt: "Format") -> bool:
    """Whether the vendor's GGUF repository is known to hold no file of this type: its recorded
    file list is complete and lacks it (no GGUF repository at all also counts as missing)."""
    from llmpick.quant import gguf_tag_for

    if "gguf" not in model.quantized:
        return True
    files = model.gguf_files
    return files is not None and files.complete and gguf_tag_for(fmt, files.tags) is None


def online_quant(model: "ModelCard", engine: str, fmt_name: str) -> str | None:
    """The engine's flag value that quantizes this model's checkpoint to `fmt_name` at load
    time; None when it cannot (no such method, or the checkpoint is not 16-bit)."""
    from llmpick.quant import native_format

    if native_format(model).name not in SIXTEEN_BIT:
        return None
    return ONLINE_QUANT.get(engine, {}).get(fmt_name)


def weights_for(model: "ModelCard", fmt_name: str, engine: str) -> Weights:
    """Where `engine` gets `model`'s weights in format `fmt_name` without a user-chosen repo."""
    from llmpick.quant import FORMATS, native_format

    if engine in GGUF_ENGINES:
        fmt = FORMATS.get(fmt_name.lower())
        if fmt is None or not fmt.is_gguf:
            return Weights("none", None)  # these engines serve GGUF files only
        if not missing_gguf(model, fmt):
            return Weights("official", model.quantized["gguf"])
        if engine == "ollama" and fmt.name.lower() in OLLAMA_QUANTIZE:
            return Weights("engine-quantized", model.id)  # ollama create --quantize
        return Weights("none", None)
    origin = hf_origin(native_format(model).name, fmt_name, model.quantized, engine)
    repo = {"official": model.quantized.get(fmt_name), "none": None}.get(origin, model.id)
    return Weights(origin, repo)


def hf_origin(native: str, fmt_name: str, released: Collection[str], engine: str) -> WeightsOrigin:
    """`weights_for` on a Hugging Face engine, from plain values (the recommender's screen has
    index rows, not cards): the checkpoint's format, the format planned, the formats of the
    vendor's quantized releases."""
    if fmt_name == native or (native == "bf16" and fmt_name == "fp16"):
        return "as-released"
    if fmt_name in released:
        return "official"
    if native in SIXTEEN_BIT and fmt_name in ONLINE_QUANT.get(engine, {}):
        return "engine-quantized"
    return "none"
