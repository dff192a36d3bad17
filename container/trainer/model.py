"""The network: a torchvision ResNet, randomly initialised or started from weights the user supplies in
the `pretrained` channel (the job never downloads anything: training instances may have no internet)."""

from __future__ import annotations

import copy
from pathlib import Path

import torch
from torch import nn
from torchvision import models

from .checkpoint import safe_load
from .data import IMAGENET_MEAN, IMAGENET_STD
from .failure import UserInputError

WEIGHT_SUFFIXES = (".pt", ".pth", ".bin")


def build_model(arch: str, num_classes: int) -> nn.Module:
    return getattr(models, arch)(weights=None, num_classes=num_classes)


def load_pretrained(model: nn.Module, channel: Path) -> str | None:
    """Loads the one weights file in the channel. The classifier layer is kept from the file only when
    its shape matches (same number of classes); otherwise it stays freshly initialised (fine-tuning)."""
    if not channel.is_dir():
        return None
    files = sorted(p for p in channel.rglob("*") if p.is_file() and p.suffix in WEIGHT_SUFFIXES)
    if not files:
        raise UserInputError(f"channel 'pretrained' has no weights file ({', '.join(WEIGHT_SUFFIXES)}) in {channel}")
    if len(files) > 1:
        raise UserInputError(f"channel 'pretrained' must hold one weights file, found {len(files)}: {files[0]}, {files[1]}, ...")
    try:
        state = safe_load(files[0])
    except Exception as error:  # any unpickling problem is a bad file, not a bug here
        raise UserInputError(f"cannot read pretrained weights {files[0]}: {error}") from error
    if isinstance(state, dict) and isinstance(state.get("model"), dict):
        state = state["model"]  # one of our own checkpoints
    if not isinstance(state, dict):
        raise UserInputError(f"pretrained weights {files[0]} are not a state_dict")
    state = {key.removeprefix("module."): value for key, value in state.items()}
    own = model.state_dict()
    kept = {k: v for k, v in state.items() if not (k.startswith("fc.") and k in own and v.shape != own[k].shape)}
    missing, unexpected = model.load_state_dict(kept, strict=False)
    backbone_missing = [k for k in missing if not k.startswith("fc.")]
    if backbone_missing or unexpected:
        raise UserInputError(
            f"pretrained weights {files[0]} do not fit this architecture: missing "
            f"{backbone_missing[:3]}, unexpected {unexpected[:3]} (check the 'arch' hyperparameter)"
        )
    return str(files[0])


class ExportedClassifier(nn.Module):
    """What goes into model.torchscript.pt: takes float RGB images in [0, 1] (N, 3, H, W) and returns
    logits, so a user needs no knowledge of the training normalisation."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.model((images - self.mean) / self.std)


def export_torchscript(model: nn.Module, image_size: int, path: Path) -> None:
    # Exported from a float32 CPU copy in the default memory format so it loads anywhere.
    cpu_model = copy.deepcopy(model).float().cpu().to(memory_format=torch.contiguous_format).eval()
    wrapper = ExportedClassifier(cpu_model).eval()
    with torch.no_grad():
        traced = torch.jit.trace(wrapper, torch.rand(1, 3, image_size, image_size))
    traced.save(str(path))
