"""Feed the commands `llmpick deploy` generates to the engines' own argument parsers.

    VLLM_TARGET_DEVICE=cpu python bench/verify_deploy.py [--kserve-crd PATH]

For every scenario in SCENARIOS and every engine whose package imports here (vllm, sglang,
lmdeploy; none needs a GPU to parse arguments), it builds the deployment, takes each step's argv
and parses it with the engine's parser, then checks the values the parser read back (tensor
parallel size, context, quantization, KV cache type). With --kserve-crd (the InferenceService
CRD of a KServe release, config/crd/full/serving.kserve.io_inferenceservices.yaml) it also
validates each KServe manifest against the CRD's OpenAPI schema (needs jsonschema).
It prints one line per check and exits 1 if any check fails.
"""

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from llmpick.catalog import load_catalog  # noqa: E402
from llmpick.deploy import DeployOptions, Target, deploy  # noqa: E402
from llmpick.errors import LlmpickError  # noqa: E402
from llmpick.hardware import parse_gpu_spec as parse_spec  # noqa: E402

# (model, gpus, DeployOptions fields): dense and MoE, one GPU to multi-node, native and quantized.
ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = json.loads((ROOT / "tests" / "data" / "deploy_scenarios.json").read_text())["scenarios"]
TARGETS = (Target.VLLM, Target.SGLANG, Target.LMDEPLOY)


def vllm() -> Callable[[list[str]], Any]:
    from vllm.entrypoints.common.cli_args import make_arg_parser
    from vllm.utils.argparse_utils import FlexibleArgumentParser

    parser = make_arg_parser(FlexibleArgumentParser())
    return lambda argv: parser.parse_args(argv[2:])  # after "vllm serve"


def sglang() -> Callable[[list[str]], Any]:
    from sglang.srt.server_args import ServerArgs

    parser = argparse.ArgumentParser()
    ServerArgs.add_cli_args(parser)

    def parse(argv: list[str]) -> Any:
        args = parser.parse_args(argv[3:])  # after "python -m sglang.launch_server"
        return ServerArgs.from_cli_args(args)

    return parse


def lmdeploy() -> Callable[[list[str]], Any]:
    from lmdeploy.cli.serve import SubCliServe

    parser = argparse.ArgumentParser()
    SubCliServe.subparsers = parser.add_subparsers()
    SubCliServe.add_parser_api_server()
    return lambda argv: parser.parse_args(argv[2:])  # "api_server MODEL ..."


PARSERS = {Target.VLLM: vllm, Target.SGLANG: sglang, Target.LMDEPLOY: lmdeploy}
READ_BACK = {
    Target.VLLM: {
        "tensor_parallel_size": "--tensor-parallel-size",
        "max_model_len": "--max-model-len",
    },
    Target.SGLANG: {"tp_size": "--tp-size", "context_length": "--context-length"},
    Target.LMDEPLOY: {"tp": "--tp", "session_len": "--session-len"},
}


def check_kserve(crd_path: Path, failures: list[str]) -> None:
    import jsonschema
    import yaml

    crd = yaml.safe_load(crd_path.read_text())
    version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1beta1")
    schema = version["schema"]["openAPIV3Schema"]
    cat = load_catalog()
    for model, gpus, extra in SCENARIOS:
        try:
            d = deploy(cat.find_model(model), parse_spec(cat, gpus), _opts(Target.KSERVE, extra))
        except LlmpickError as err:
            print(f"skip  kserve {model} on {gpus}: {err.message}")
            continue
        if not d.fits or d.manifest is None:
            print(f"skip  kserve {model} on {gpus}: does not fit")
            continue
        doc = yaml.safe_load(d.manifest)
        try:
            jsonschema.validate(doc, schema)
        except jsonschema.ValidationError as err:
            failures.append(f"kserve {model} on {gpus}: {err.message}")
            print(f"FAIL  kserve {model} on {gpus}: {err.message}")
            continue
        unknown = list(unknown_fields(doc, schema))
        if unknown:
            failures.append(f"kserve {model} on {gpus}: unknown fields {unknown}")
            print(f"FAIL  kserve {model} on {gpus}: unknown fields {unknown}")
            continue
        print(f"ok    kserve {model} on {gpus}: valid against the v1beta1 CRD, no unknown field")


def unknown_fields(doc: Any, schema: dict[str, Any], path: str = "") -> Any:
    """Keys the schema does not declare: Kubernetes would silently prune them, so a typo in a
    field name passes validation; this catches it."""
    if isinstance(doc, dict):
        props = schema.get("properties")
        if props is None or schema.get("x-kubernetes-preserve-unknown-fields"):
            return
        for key, value in doc.items():
            if key not in props:
                yield f"{path}.{key}"
            else:
                yield from unknown_fields(value, props[key], f"{path}.{key}")
    elif isinstance(doc, list) and "items" in schema:
        for i, item in enumerate(doc):
            yield from unknown_fields(item, schema["items"], f"{path}[{i}]")


def _opts(target: Target, extra: dict[str, Any]) -> DeployOptions:
    return DeployOptions(target, **extra)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kserve-crd", type=Path)
    args = ap.parse_args()
    cat = load_catalog()
    failures: list[str] = []
    for target in TARGETS:
        try:
            parse = PARSERS[target]()
        except ImportError as err:
            print(f"skip  {target}: not importable here ({err})")
            continue
        for model, gpus, extra in SCENARIOS:
            label = f"{target} {model} on {gpus} {extra or ''}".rstrip()
            try:
                d = deploy(cat.find_model(model), parse_spec(cat, gpus), _opts(target, extra))
            except LlmpickError as err:
                print(f"skip  {label}: {err.message}")
                continue
            if not d.fits:
                print(f"skip  {label}: does not fit")
                continue
            for step in d.steps:
                argv = list(step.argv or ())
                if not argv or argv[0] in ("ray", "kubectl"):
                    continue
                try:
                    parsed = parse(argv)
                except (SystemExit, Exception) as err:  # argparse exits on a bad flag
                    failures.append(f"{label}: {err!r}")
                    print(f"FAIL  {label}: {' '.join(argv)} -> {err!r}")
                    continue
                values = dict(zip(argv, argv[1:], strict=False))
                for attr, flag in READ_BACK[target].items():
                    got = getattr(parsed, attr, None)
                    if str(got) != values.get(flag):
                        failures.append(f"{label}: {attr}={got} but {flag} {values.get(flag)}")
                        print(f"FAIL  {label}: {attr} read back as {got}")
                        break
                else:
                    print(f"ok    {label}: {' '.join(argv)}")
    if args.kserve_crd:
        check_kserve(args.kserve_crd, failures)
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
