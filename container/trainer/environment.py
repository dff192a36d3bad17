"""The job's surroundings: the cluster from resourceconfig.json, the input mode from
inputdataconfig.json, and whether the GPU the job paid for is really usable."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import torch

from .failure import GpuUnavailableError, UserInputError
from .paths import Paths


@dataclass(frozen=True)
class Cluster:
    current_host: str
    hosts: tuple[str, ...]  # sorted, so every host picks the same master and ranks
    network_interface: str | None
    instance_type: str | None

    @property
    def host_index(self) -> int:
        return self.hosts.index(self.current_host)

    @property
    def master(self) -> str:
        return self.hosts[0]

    @property
    def is_gpu_instance(self) -> bool:
        # ml.p3/p4d/p5 and ml.g4dn/g5/g6 ... are the NVIDIA instance families.
        return bool(self.instance_type and re.match(r"^ml\.[pg]\d", self.instance_type))


def load_cluster(paths: Paths) -> Cluster:
    """Without resourceconfig.json (a run outside SageMaker) this is a single local host."""
    if not paths.resource_config.exists():
        return Cluster("algo-1", ("algo-1",), None, None)
    try:
        raw = json.loads(paths.resource_config.read_text(encoding="utf-8"))
        hosts = tuple(sorted(raw["hosts"]))
        current = raw["current_host"]
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise UserInputError(f"{paths.resource_config} is malformed: {error!r}") from error
    if current not in hosts:
        raise UserInputError(f"current_host '{current}' is not in hosts {list(hosts)}")
    return Cluster(current, hosts, raw.get("network_interface_name"), raw.get("current_instance_type"))


def check_input_mode(paths: Paths) -> None:
    """The data is read as folders of files; Pipe mode streams would look like empty channels."""
    if not paths.input_data_config.exists():
        return
    try:
        channels = json.loads(paths.input_data_config.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise UserInputError(f"{paths.input_data_config} is not valid JSON: {error}") from error
    for name, channel in channels.items():
        if isinstance(channel, dict) and channel.get("TrainingInputMode") == "Pipe":
            raise UserInputError(
                f"channel '{name}' uses Pipe input mode; this trainer reads image folders: use File or FastFile"
            )


def driver_version() -> str | None:
    """The host driver as the container sees it; None when no NVIDIA driver is mounted at all."""
    if shutil.which("nvidia-smi"):
        try:
            out = subprocess.run(
                ["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                capture_output=True, text=True, timeout=20, check=False,
            ).stdout.strip()
            if out:
                return out.splitlines()[0].strip()
        except (OSError, subprocess.TimeoutExpired):
            pass
    proc = Path("/proc/driver/nvidia/version")
    if proc.exists():
        match = re.search(r"Kernel Module\s+([0-9.]+)", proc.read_text(errors="replace"))
        if match:
            return match.group(1)
    return None


def gpu_required(cluster: Cluster, require_gpu: bool) -> bool:
    return require_gpu or cluster.is_gpu_instance


def check_gpu(cluster: Cluster, require_gpu: bool) -> None:
    """On a GPU instance, training on the CPU would quietly take hours and cost the GPU price: fail now,
    saying which of the usual causes it is."""
    if not gpu_required(cluster, require_gpu) or torch.cuda.is_available():
        return
    why = f"instance type {cluster.instance_type}" if cluster.is_gpu_instance else "require_gpu=true"
    if torch.version.cuda is None:
        reason = (f"PyTorch {torch.__version__} was built without CUDA; build the image from "
                  "container/Dockerfile (CUDA wheels)")
    else:
        driver = driver_version()
        visible = os.environ.get("NVIDIA_VISIBLE_DEVICES", "<unset>")
        if driver is None:
            reason = ("no NVIDIA driver is visible in the container: it was not started with the NVIDIA "
                      "runtime (not nvidia-docker compatible) or the host has no GPU "
                      f"(NVIDIA_VISIBLE_DEVICES={visible})")
        else:
            reason = (f"driver {driver} is present but CUDA {torch.version.cuda} cannot use it: the driver "
                      "is too old for this CUDA and forward compatibility is unavailable, or no GPU is "
                      f"visible (NVIDIA_VISIBLE_DEVICES={visible})")
    raise GpuUnavailableError(f"a GPU is required ({why}) but CUDA is not available: {reason}")


def describe_environment() -> str:
    lines = [f"torch {torch.__version__}, CUDA runtime {torch.version.cuda or 'none'}"]
    if torch.cuda.is_available():
        lines.append(f"driver {driver_version() or 'unknown'}, cuDNN {torch.backends.cudnn.version()}")
        for index in range(torch.cuda.device_count()):
            props = torch.cuda.get_device_properties(index)
            lines.append(f"GPU {index}: {props.name}, {props.total_memory / 2**30:.0f} GiB, "
                         f"compute capability {props.major}.{props.minor}")
    else:
        lines.append(f"no CUDA device; training on CPU with {torch.get_num_threads()} threads")
    return "\n".join(lines)
