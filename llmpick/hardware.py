"""Parse `--gpu` specs ("2xH100", "1xA100-80", "M3-Max-128", "auto") into a GPU and a count."""

import re
import shutil
import subprocess
from dataclasses import dataclass, replace

from llmpick.catalog import Catalog
from llmpick.errors import UsageError, did_you_mean
from llmpick.records import Gpu

# One node holds up to 8 GPUs (HGX/DGX boards); beyond that, plans split across nodes.
GPUS_PER_NODE = 8
# The count is read as any number (1.5xH100, -2xH100), so one that is not whole is named as such
# rather than taken for part of a GPU name; the name may be empty, so "2x" reads as a count with
# no GPU after it.
SPEC_RE = re.compile(r"^\s*(?:([-+]?\d*[.,]?\d+)\s*[x×*]\s*)?(.*?)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Hardware:
    """N identical GPU devices, as the engines see and count them."""

    gpu: Gpu  # one device
    count: int  # devices
    # The catalog GPU when one package holds several devices (an MI250 is two GCDs): `--gpu`
    # counts packages, engines count devices.
    package: Gpu | None = None

    @classmethod
    def of(cls, gpu: Gpu, packages: int) -> "Hardware":
        """`packages` of a catalog GPU."""
        if gpu.devices == 1:
            return cls(gpu, packages)
        return cls(gpu.device(), packages * gpu.devices, gpu)

    @property
    def product(self) -> Gpu:
        """The catalog GPU: the package, or the device when they are one."""
        return self.package or self.gpu

    def resized(self, count: int) -> "Hardware":
        """The same devices, `count` of them (a replica, a larger plan)."""
        return replace(self, count=count)

    def spec(self, count: int | None = None) -> str:
        """The `--gpu` value for `count` devices (default: these), in whole packages."""
        n = self.count if count is None else count
        if self.package is None:
            return f"{n}x{self.gpu.id}"
        return f"{-(-n // self.package.devices)}x{self.package.id}"

    @property
    def nodes(self) -> int:
        if self.gpu.kind == "apple":
            return self.count
        return -(-self.count // GPUS_PER_NODE)

    @property
    def gpus_per_node(self) -> int:
        return 1 if self.gpu.kind == "apple" else min(self.count, GPUS_PER_NODE)

    @property
    def label(self) -> str:
        package = self.package
        if package is not None and self.count % package.devices == 0:
            word = package.device_word
            return f"{self.count // package.devices}x {package.name} ({self.count} {word}s)"
        return f"{self.count}x {self.gpu.name}"

    @property
    def memory_gb(self) -> float:
        """All GPUs' memory, GB (10^9 bytes)."""
        return self.count * self.gpu.memory_gb


def _key(name: str) -> str:
    """Compare names without case, spaces, dashes or a trailing 'gb'."""
    key = re.sub(r"[^a-z0-9]", "", name.lower())
    key = key.removeprefix("nvidia").removeprefix("geforce").removeprefix("amd")
    return key[:-2] if key.endswith("gb") else key


def _index(catalog: Catalog) -> dict[str, Gpu]:
    index: dict[str, Gpu] = {}
    for gpu in catalog.gpus:
        for name in (gpu.id, *gpu.aliases):
            index.setdefault(_key(name), gpu)
    return index


def find_gpu(catalog: Catalog, name: str) -> Gpu:
    """A GPU by id or alias, loosely written ("A100-80", "a100 80gb", "RTX4090")."""
    index = _index(catalog)
    key = _key(name)
    if key in index:
        return index[key]
    # "A100-60", "a100 60gb": a known GPU with a memory size it does not come in. Without a
    # separator ("RTX3060") the digits are the model number, and the nearest names help more.
    sized = re.fullmatch(r"(.+?)[-_ ]+\d+\s*(?:gb|g)?", name.strip(), re.IGNORECASE)
    base = _key(sized.group(1)) if sized else ""
    variants = sorted({g.id for k, g in index.items() if base and k.startswith(base)})
    if variants:
        raise UsageError(
            f"--gpu: no {name!r} in the GPU catalog",
            hint="memory variants: " + ", ".join(variants),
        )
    names = sorted({n for g in catalog.gpus for n in (g.id, *g.aliases)})
    # There is no command that lists the GPUs, so a name nothing is close to gets them all.
    known = "known GPUs: " + ", ".join(sorted(g.id for g in catalog.gpus))
    hint = did_you_mean(name.lower(), names, known)
    raise UsageError(f"--gpu: unknown GPU {name!r}", hint=hint)


def parse_gpu_spec(catalog: Catalog, spec: str) -> Hardware:
    """`[N x]GPU[-MEM]`, case-insensitive: 1xA100-80, 8xH100, 4xRTX4090, M3-Max-128."""
    match = SPEC_RE.match(spec)
    if not match or not match.group(2):
        missing = ": no GPU name after the count" if match and match.group(1) else ""
        raise UsageError(
            f"--gpu: cannot read {spec!r}{missing}", hint="write [N x]GPU[-MEM], e.g. 2xH100"
        )
    if match.group(1) and not match.group(1).isdigit():
        raise UsageError(
            f"--gpu: GPU count {match.group(1)!r} is not a whole number",
            hint="GPUs come whole: use 1 to 4096, e.g. 2xH100",
        )
    count = int(match.group(1) or 1)
    if not 1 <= count <= 4096:
        raise UsageError(f"--gpu: GPU count {count} is out of range", hint="use 1 to 4096")
    return Hardware.of(find_gpu(catalog, match.group(2)), count)


# --- detection ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DetectedGpu:
    name: str
    memory_mib: int


def parse_nvidia_smi(output: str) -> list[DetectedGpu]:
    """Rows of `nvidia-smi --query-gpu=name,memory.total --format=csv,noheader,nounits`."""
    found = []
    for line in output.strip().splitlines():
        name, _, memory = line.rpartition(",")
        if name.strip() and memory.strip().isdigit():
            found.append(DetectedGpu(name.strip(), int(memory.strip())))
    return found


def _detect_nvml() -> list[DetectedGpu] | None:
    try:
        import pynvml
    except ImportError:
        return None
    try:
        pynvml.nvmlInit()
    except Exception:  # noqa: BLE001 - NVML raises its own error types when no driver is present
        return None
    try:
        found = []
        for i in range(pynvml.nvmlDeviceGetCount()):
            handle = pynvml.nvmlDeviceGetHandleByIndex(i)
            name = pynvml.nvmlDeviceGetName(handle)
            name = name.decode() if isinstance(name, bytes) else str(name)
            memory = pynvml.nvmlDeviceGetMemoryInfo(handle).total // 2**20
            found.append(DetectedGpu(name, int(memory)))
        return found
    finally:
        pynvml.nvmlShutdown()


def _detect_smi() -> list[DetectedGpu] | None:
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return None
    try:
        result = subprocess.run(
            [exe, "--query-gpu=name,memory.total", "--format=csv,noheader,nounits"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return parse_nvidia_smi(result.stdout) if result.returncode == 0 else None


def detect_gpus() -> list[DetectedGpu]:
    """Local NVIDIA GPUs: NVML (the optional nvidia-ml-py extra) first, then nvidia-smi."""
    for probe in (_detect_nvml, _detect_smi):
        found = probe()
        if found:
            return found
    return []


def match_detected(catalog: Catalog, found: list[DetectedGpu]) -> Hardware:
    """The catalog GPU that matches what the driver reports (name and memory)."""
    if not found:
        raise UsageError(
            "--gpu auto: no NVIDIA GPU found (no NVML, or nvidia-smi missing or reporting none)",
            hint="name the hardware instead, e.g. --gpu 1xA100-80",
        )
    names = {d.name for d in found}
    if len(names) > 1:
        raise UsageError(
            f"--gpu auto: mixed GPUs ({', '.join(sorted(names))}); plans assume identical GPUs",
            hint="name one kind with --gpu NxNAME",
        )
    first = found[0]
    key = _key(first.name)
    memory_gib = first.memory_mib / 1024
    candidates = []
    for gpu in catalog.gpus:
        names_of = [_key(n) for n in (gpu.id, gpu.name, *gpu.aliases)]
        if any(n and (n in key or key in n) for n in names_of):
            candidates.append(gpu)
    # The driver reports a little less than the marketing capacity (reserved memory).
    candidates.sort(key=lambda g: abs(g.memory_gib - memory_gib))
    if (
        not candidates
        or abs(candidates[0].memory_gib - memory_gib) > 0.1 * candidates[0].memory_gib
    ):
        raise UsageError(
            f"--gpu auto: {first.name} ({memory_gib:.0f} GiB) is not in the GPU catalog",
            hint="name the closest catalog GPU with --gpu, or add it with --catalog",
        )
    return Hardware(candidates[0], len(found))
