"""Shared fixtures: a temporary /opt/ml with a tiny synthetic ImageFolder, and a runner for `train`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CONTAINER = Path(__file__).resolve().parents[1]
TRAIN = CONTAINER / "train"
sys.path.insert(0, str(CONTAINER))

CLASSES = ("cat", "dog", "fox")
# Small enough that the whole suite trains in seconds on two CPU cores.
TINY = {"arch": "resnet18", "epochs": "1", "batch_size": "4", "image_size": "32", "workers": "0",
        "log_interval": "2", "warmup_epochs": "0"}


def write_images(folder: Path, classes=CLASSES, per_class: int = 6, size: int = 32) -> None:
    from PIL import Image

    for index, name in enumerate(classes):
        (folder / name).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            # Each class has its own colour so the model has something learnable.
            colour = tuple((60 * index + 40 * c + 7 * i) % 256 for c in range(3))
            Image.new("RGB", (size, size), colour).save(folder / name / f"{i}.jpg")


class Job:
    def __init__(self, base: Path) -> None:
        self.base = base
        self.config = base / "input" / "config"
        self.config.mkdir(parents=True)

    def channel(self, name: str) -> Path:
        return self.base / "input" / "data" / name

    def hyperparameters(self, **values: str) -> None:
        (self.config / "hyperparameters.json").write_text(json.dumps({**TINY, **values}))

    def resources(self, **values) -> None:
        body = {"current_host": "algo-1", "hosts": ["algo-1"], "network_interface_name": "eth0", **values}
        (self.config / "resourceconfig.json").write_text(json.dumps(body))

    @property
    def failure(self) -> str | None:
        path = self.base / "output" / "failure"
        return path.read_text() if path.exists() else None

    def env(self, **extra: str) -> dict[str, str]:
        env = {**os.environ, "SAGEMAKER_BASE_DIR": str(self.base), "OMP_NUM_THREADS": "2", **extra}
        env.pop("TRAINER_PROCS_PER_HOST", None)
        env.update(extra)
        return env

    def run(self, timeout: float = 120, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(TRAIN)], env=self.env(**extra), capture_output=True,
                              text=True, timeout=timeout)

    def start(self, **extra: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, str(TRAIN)], env=self.env(**extra), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)


@pytest.fixture
def job(tmp_path: Path) -> Job:
    """A job with valid train and validation channels and tiny hyperparameters."""
    job = Job(tmp_path / "ml")
    write_images(job.channel("train"))
    write_images(job.channel("validation"), per_class=2)
    job.hyperparameters()
    return job
