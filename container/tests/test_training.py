"""End-to-end runs of `train` on tiny synthetic data against a temporary SAGEMAKER_BASE_DIR."""

import json
import re
import signal
import time
from pathlib import Path

import torch

from conftest import CLASSES, CONTAINER

DEFINITIONS = json.loads((CONTAINER / "metric-definitions.json").read_text())


def metric_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("METRIC ")]


def test_training_writes_a_model_that_loads(job):
    result = job.run()
    assert result.returncode == 0, result.stdout + result.stderr
    model_dir = job.base / "model"

    state = torch.load(model_dir / "model.pt")
    from trainer.model import build_model
    build_model("resnet18", len(CLASSES)).load_state_dict(state)

    scripted = torch.jit.load(str(model_dir / "model.torchscript.pt"))
    assert scripted(torch.rand(2, 3, 32, 32)).shape == (2, len(CLASSES))

    assert json.loads((model_dir / "class_index.json").read_text()) == {"0": "cat", "1": "dog", "2": "fox"}
    metrics = json.loads((model_dir / "metrics.json").read_text())
    assert metrics["epoch"] == 1 and 0 <= metrics["val_accuracy"] <= 1
    assert job.failure is None
    assert re.search(r"step 4/4 loss=[0-9.]+", result.stdout)


def test_every_metric_definition_matches_the_epoch_line(job):
    result = job.run()
    lines = metric_lines(result.stdout)
    assert len(lines) == 1
    for definition in DEFINITIONS:
        match = re.search(definition["Regex"], lines[0])
        assert match, definition
        float(match.group(1))
    values = {d["Name"]: float(re.search(d["Regex"], lines[0]).group(1)) for d in DEFINITIONS}
    metrics = json.loads((job.base / "model" / "metrics.json").read_text())
    assert values["validation:accuracy"] == round(metrics["val_accuracy"], 4)
    assert values["epoch"] == 1


def test_a_restarted_job_resumes_after_the_checkpointed_epoch(job):
    assert job.run().returncode == 0
    checkpoint = job.base / "checkpoints" / "checkpoint.pt"
    assert torch.load(checkpoint)["epochs_done"] == 1

    job.hyperparameters(epochs="2")
    result = job.run()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "resuming from checkpoint after epoch 1 of 2" in result.stdout
    assert [line.split()[1] for line in metric_lines(result.stdout)] == ["epoch=2"]
    assert torch.load(checkpoint)["epochs_done"] == 2


def test_sigterm_saves_a_checkpoint_and_exits_cleanly(job):
    job.hyperparameters(epochs="500")
    process = job.start()
    output = []
    for line in process.stdout:  # wait until training is under way
        output.append(line)
        if line.startswith("METRIC "):
            break
    sent = time.monotonic()
    process.send_signal(signal.SIGTERM)
    rest, _ = process.communicate(timeout=60)
    assert time.monotonic() - sent < 30
    assert process.returncode == 0, "".join(output) + rest
    assert "SIGTERM received" in rest
    assert torch.load(job.base / "checkpoints" / "checkpoint.pt")["epochs_done"] >= 1
    assert not (job.base / "model").exists() or not any((job.base / "model").iterdir())


def test_two_processes_train_data_parallel(job):
    """The multi-GPU path (one process per GPU, static rendezvous) exercised with Gloo on the CPU."""
    job.resources()
    job.hyperparameters(workers="1")
    result = job.run(TRAINER_PROCS_PER_HOST="2", OMP_NUM_THREADS="1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "on 2 process(es)" in result.stdout
    assert len(metric_lines(result.stdout)) == 1  # rank 0 alone reports
    assert (job.base / "model" / "model.torchscript.pt").exists()


def test_pretrained_channel_weights_are_used_and_the_classifier_replaced(job):
    from trainer.model import build_model

    pretrained = job.channel("pretrained")
    pretrained.mkdir(parents=True)
    torch.save(build_model("resnet18", 10).state_dict(), pretrained / "resnet18.pth")  # 10 classes, not 3
    result = job.run()
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"started from pretrained weights {pretrained / 'resnet18.pth'}" in result.stdout
