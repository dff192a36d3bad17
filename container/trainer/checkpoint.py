"""Checkpoints in /opt/ml/checkpoints, which SageMaker syncs to S3 and restores into a restarted (spot)
job. A checkpoint is written to a temporary file and renamed into place, so an interruption while
writing leaves the previous checkpoint intact rather than a truncated one."""

from __future__ import annotations

import inspect
import os
from pathlib import Path
from typing import Any

import torch

from .failure import UserInputError

CHECKPOINT_NAME = "checkpoint.pt"


def safe_load(path: Path):
    """Loads tensors and plain containers only: a file from a channel or an S3 checkpoint prefix must not
    be able to run code when unpickled (weights_only, where this torch has it)."""
    if "weights_only" in inspect.signature(torch.load).parameters:
        return torch.load(path, map_location="cpu", weights_only=True)
    return torch.load(path, map_location="cpu")


def load_own(path: Path):
    """Our own checkpoints also hold plain Python numbers, which older weights-only unpicklers reject;
    they are written by this program into the job's own checkpoint location."""
    if "weights_only" in inspect.signature(torch.load).parameters:
        return torch.load(path, map_location="cpu", weights_only=False)
    return torch.load(path, map_location="cpu")


def save_atomically(obj: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as handle:
        torch.save(obj, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def save_checkpoint(directory: Path, *, epochs_done: int, model, optimizer, scaler, arch: str,
                    class_names: list[str], metrics: dict | None) -> Path:
    path = directory / CHECKPOINT_NAME
    save_atomically({
        # The learning rate is a function of the step, so no scheduler state is needed.
        "epochs_done": epochs_done,
        "arch": arch,
        "class_names": class_names,
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "metrics": metrics,
        "scaler": scaler.state_dict() if scaler is not None else None,
    }, path)
    return path


def load_checkpoint(directory: Path, *, arch: str, class_names: list[str]) -> dict[str, Any] | None:
    path = directory / CHECKPOINT_NAME
    if not path.exists():
        return None
    try:
        state = load_own(path)
    except Exception as error:
        raise UserInputError(f"checkpoint {path} cannot be read ({error}); delete it to start over") from error
    if state.get("arch") != arch or state.get("class_names") != class_names:
        raise UserInputError(
            f"checkpoint {path} is from a different run (arch {state.get('arch')}, "
            f"{len(state.get('class_names') or [])} classes); use a new checkpoint location or delete it"
        )
    return state
