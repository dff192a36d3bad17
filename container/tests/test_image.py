"""The image definition and the scripts around it, checked without a Docker engine."""

import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import CONTAINER

DOCKERFILE = CONTAINER / "Dockerfile"
DRIVER_PACKAGES = re.compile(r"\b(nvidia-driver[\w.-]*|libnvidia-[\w.-]+|cuda-drivers[\w.-]*|nvidia-container-toolkit|libcuda1)\b")


def instructions() -> list[tuple[str, str]]:
    """Dockerfile instructions as (KEYWORD, arguments), with continuation lines joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    result = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            result.append((keyword.upper(), rest.strip()))
    return result


def test_base_image_is_a_pinned_cuda_runtime_with_cudnn():
    base = [args for keyword, args in instructions() if keyword == "FROM"]
    assert base == ["nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04"]


def test_no_driver_is_installed():
    runs = " ".join(args for keyword, args in instructions() if keyword == "RUN")
    assert not DRIVER_PACKAGES.search(runs), DRIVER_PACKAGES.search(runs)
    assert "cuda-compat-12-4" in runs


def test_torch_wheels_are_pinned_for_the_image_cuda():
    args = dict(a.split("=", 1) for k, a in instructions() if k == "ARG")
    assert re.fullmatch(r"\d+\.\d+\.\d+", args["TORCH_VERSION"])
    assert re.fullmatch(r"\d+\.\d+\.\d+", args["TORCHVISION_VERSION"])
    assert args["TORCH_INDEX_URL"].endswith("/cu124")


def test_nvidia_environment():
    env = " ".join(args for keyword, args in instructions() if keyword == "ENV")
    for setting in ("NVIDIA_VISIBLE_DEVICES=all", "NVIDIA_DRIVER_CAPABILITIES=compute,utility",
                    "PYTHONUNBUFFERED=1", 'PATH="/opt/program:'):
        assert setting in env


def test_exec_form_entry_and_train_on_the_path():
    entry = {keyword: json.loads(args) for keyword, args in instructions() if keyword in ("ENTRYPOINT", "CMD")}
    assert entry == {"ENTRYPOINT": ["/opt/program/entrypoint.sh"], "CMD": ["train"]}
    copies = " ".join(args for keyword, args in instructions() if keyword == "COPY")
    assert "train" in copies and "/opt/program/" in copies
    assert os.access(CONTAINER / "train", os.X_OK) and os.access(CONTAINER / "entrypoint.sh", os.X_OK)


def test_dockerignore_keeps_what_the_image_copies():
    lines = (CONTAINER / ".dockerignore").read_text().splitlines()
    for needed in ("!Dockerfile", "!entrypoint.sh", "!train", "!trainer/"):
        assert needed in lines


@pytest.mark.skipif(not (CONTAINER.parent / "node_modules/.bin/dockerfilelint").exists(), reason="dockerfilelint not installed")
def test_dockerfilelint_passes():
    result = subprocess.run([str(CONTAINER.parent / "node_modules/.bin/dockerfilelint"), str(DOCKERFILE)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout


def run_entrypoint(tmp_path, driver: str | None) -> str:
    """Runs entrypoint.sh with a fake nvidia-smi and prints the LD_LIBRARY_PATH the command gets."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    if driver:
        fake = bin_dir / "nvidia-smi"
        fake.write_text(f"#!/bin/sh\necho {driver}\n")
        fake.chmod(0o755)
    compat = tmp_path / "compat"
    compat.mkdir()
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "CUDA_COMPAT_DIR": str(compat), "LD_LIBRARY_PATH": "/usr/lib"}
    result = subprocess.run([str(CONTAINER / "entrypoint.sh"), "sh", "-c", 'echo "LD=$LD_LIBRARY_PATH"'],
                            env=env, capture_output=True, text=True, timeout=30, check=True)
    return result.stdout.strip().splitlines()[-1].replace(str(compat), "COMPAT")


@pytest.mark.parametrize("driver, expected", [
    ("535.104.05", "LD=COMPAT:/usr/lib"),  # older than CUDA 12.4 needs: forward compatibility
    ("550.54.14", "LD=/usr/lib"),
    ("560.35.03", "LD=/usr/lib"),  # newer driver: the compat libcuda must not shadow it
    (None, "LD=/usr/lib"),
])
def test_entrypoint_uses_forward_compatibility_only_for_old_drivers(tmp_path, driver, expected):
    if driver is None and os.path.exists("/proc/driver/nvidia/version"):
        pytest.skip("this machine has an NVIDIA driver")
    assert run_entrypoint(tmp_path, driver) == expected


def test_build_and_push_dry_run_prints_the_commands():
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result = subprocess.run([str(CONTAINER / "build-and-push.sh"), "--dry-run", "--region", "eu-west-1"],
                            env={**env, "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    uri = re.search(r"^TRAINING_IMAGE_URI=(\S+)$", out, re.M).group(1)
    assert re.fullmatch(
        r"123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com/gpu-training-orchestrator/resnet-trainer:[0-9a-z]+(-dirty)?", uri)
    tag = uri.rsplit(":", 1)[1]
    expected = [
        f"+ docker build --platform linux/amd64 --tag gpu-training-orchestrator/resnet-trainer:{tag} {CONTAINER}",
        "aws ecr create-repository --repository-name gpu-training-orchestrator/resnet-trainer --region eu-west-1",
        "+ aws ecr get-login-password --region eu-west-1 | docker login --username AWS --password-stdin "
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
        f"+ docker tag gpu-training-orchestrator/resnet-trainer:{tag} {uri}",
        f"+ docker push {uri}",
    ]
    positions = [out.index(line) for line in expected]
    assert positions == sorted(positions)


def test_metric_regexes_work_in_javascript_too():
    node = shutil.which("node")
    if not node:
        pytest.skip("node not installed")
    line = "METRIC epoch=3 train_loss=0.4213 val_loss=0.5123 val_accuracy=0.8125 images_per_sec=1234.5"
    script = ("const defs = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'));"
              "console.log(JSON.stringify(defs.map(d => Number(new RegExp(d.Regex).exec(process.argv[2])[1]))));")
    result = subprocess.run([node, "-e", script, str(CONTAINER / "metric-definitions.json"), line],
                            capture_output=True, text=True, timeout=30, check=True)
    assert json.loads(result.stdout) == [3, 0.4213, 0.5123, 0.8125, 1234.5]
