"""Image folders from the `train` and `validation` channels: <channel>/<class name>/<image>.

The folders are checked before training starts so that an empty or missing channel, or a class that
only one channel has, fails in seconds with the channel and class named. Corrupt files are only found
when read, so the loader reports them by path."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import torch
from PIL import Image, UnidentifiedImageError
from torch.utils.data import Dataset
from torchvision import transforms

from .failure import UserInputError

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp"}

# Normalisation happens on the device (see normalize_batch): workers ship uint8 tensors, which is a
# quarter of the bytes of float32 through pinned memory and PCIe, and leaves the CPU less to do.
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def scan_channel(root: Path, name: str) -> dict[str, list[Path]]:
    if not root.is_dir():
        raise UserInputError(f"channel '{name}' is missing: expected a folder of class folders at {root}")
    classes: dict[str, list[Path]] = {}
    for class_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        files = sorted(
            p for p in class_dir.rglob("*")
            if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS and not p.name.startswith(".")
        )
        if files:
            classes[class_dir.name] = files
    if not classes:
        raise UserInputError(
            f"channel '{name}' is empty: no images in class folders under {root} "
            f"(expected {root}/<class>/<image>.jpg)"
        )
    return classes


def check_classes(train: dict[str, list[Path]], validation: dict[str, list[Path]]) -> None:
    if len(train) < 2:
        raise UserInputError(f"channel 'train' has only one class ({next(iter(train))}); need at least two")
    missing = sorted(set(train) - set(validation))
    if missing:
        raise UserInputError(
            f"class '{missing[0]}' has images in channel 'train' but none in channel 'validation'"
            + (f" (also missing: {', '.join(missing[1:6])})" if len(missing) > 1 else "")
        )
    extra = sorted(set(validation) - set(train))
    if extra:
        raise UserInputError(f"class '{extra[0]}' is in channel 'validation' but not in channel 'train'")


class ImageFolderDataset(Dataset):
    def __init__(self, classes: dict[str, list[Path]], class_to_idx: dict[str, int], transform) -> None:
        self.samples = [(path, class_to_idx[name]) for name, paths in classes.items() for path in paths]
        self.transform = transform

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        path, target = self.samples[index]
        try:
            with Image.open(path) as image:
                image = image.convert("RGB")
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise UserInputError(f"corrupt or unreadable image {path}: {error}") from None
        return self.transform(image), target


def train_transform(image_size: int):
    return transforms.Compose([
        transforms.RandomResizedCrop(image_size),
        transforms.RandomHorizontalFlip(),
        transforms.PILToTensor(),
    ])


def eval_transform(image_size: int):
    # The usual 0.875 centre crop ratio (resize to 256, crop 224).
    return transforms.Compose([
        transforms.Resize(round(image_size * 256 / 224)),
        transforms.CenterCrop(image_size),
        transforms.PILToTensor(),
    ])


@dataclass(frozen=True)
class Datasets:
    train: ImageFolderDataset
    validation: ImageFolderDataset
    class_names: list[str]


def load_datasets(train_root: Path, validation_root: Path, image_size: int) -> Datasets:
    train = scan_channel(train_root, "train")
    validation = scan_channel(validation_root, "validation")
    check_classes(train, validation)
    names = sorted(train)
    class_to_idx = {name: index for index, name in enumerate(names)}
    return Datasets(
        ImageFolderDataset(train, class_to_idx, train_transform(image_size)),
        ImageFolderDataset(validation, class_to_idx, eval_transform(image_size)),
        names,
    )


@functools.lru_cache(maxsize=None)
def _mean_std(device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    # Made once per device: creating them every step would mean two small blocking host-to-GPU copies.
    mean = torch.tensor(IMAGENET_MEAN, device=device).view(1, 3, 1, 1) * 255
    std = torch.tensor(IMAGENET_STD, device=device).view(1, 3, 1, 1) * 255
    return mean, std


def normalize_batch(images: torch.Tensor, channels_last: bool) -> torch.Tensor:
    """uint8 (N, 3, H, W) from the loader -> normalised float32 on the same device."""
    mean, std = _mean_std(images.device)
    images = (images.float() - mean) / std
    return images.contiguous(memory_format=torch.channels_last) if channels_last else images


class ShardSampler(torch.utils.data.Sampler):
    """Evaluation split across ranks without DistributedSampler's padding, whose repeated samples
    would skew the validation accuracy."""

    def __init__(self, length: int, rank: int, world_size: int) -> None:
        self.indices = list(range(rank, length, world_size))

    def __iter__(self):
        return iter(self.indices)

    def __len__(self) -> int:
        return len(self.indices)
