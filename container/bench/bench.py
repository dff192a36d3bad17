#!/usr/bin/env python3
"""Training throughput of the default image's model, and of its input pipeline. Not a test.

    python3 container/bench/bench.py                       # GPU: ResNet-50, 224x224, batch fills the GPU
    python3 container/bench/bench.py --arch resnet18 --image-size 64 --batch-size 16 --steps 5   # CPU

Part 1 times forward+backward+optimizer steps on synthetic tensors already on the device (the model's
ceiling, no data loading), for AMP and channels_last off/on; the ratio is against both off.
Part 2 times JPEG decode + the training augmentation in one process on one core: divide the GPU's
images/s by it to know how many loader workers (CPU cores) a GPU needs.
Reference point: NVIDIA's ResNet-50 PyTorch example trains at about 2,470 images/s on one A100 with AMP."""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from trainer.data import ImageFolderDataset, normalize_batch, train_transform  # noqa: E402
from trainer.model import build_model  # noqa: E402
from trainer.train_loop import grad_scaler  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--arch", default="resnet50")
    parser.add_argument("--image-size", type=int, default=224)
    parser.add_argument("--batch-size", type=int, default=0, help="0: largest power of two that fits (GPU), 32 on CPU")
    parser.add_argument("--steps", type=int, default=30, help="timed steps per configuration")
    parser.add_argument("--warmup", type=int, default=5, help="untimed steps first (cuDNN autotuning)")
    parser.add_argument("--classes", type=int, default=1000)
    parser.add_argument("--pipeline-images", type=int, default=64)
    parser.add_argument("--pipeline-source-size", type=int, default=400, help="side of the source JPEGs")
    return parser.parse_args()


def amp_dtype(device: torch.device) -> torch.dtype:
    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.bfloat16


class Step:
    """One training step exactly as the trainer does it (normalisation on the device included)."""

    def __init__(self, args, device, amp: bool, channels_last: bool, batch_size: int) -> None:
        self.device, self.channels_last = device, channels_last
        self.dtype = amp_dtype(device) if amp else None
        self.model = build_model(args.arch, args.classes).to(
            device, memory_format=torch.channels_last if channels_last else torch.contiguous_format).train()
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=0.01, momentum=0.9)
        self.scaler = grad_scaler() if self.dtype == torch.float16 else None
        self.images = torch.randint(0, 256, (batch_size, 3, args.image_size, args.image_size), dtype=torch.uint8, device=device)
        self.targets = torch.randint(0, args.classes, (batch_size,), device=device)
        self.criterion = torch.nn.CrossEntropyLoss()

    def __call__(self) -> None:
        autocast = torch.autocast(self.device.type, dtype=self.dtype) if self.dtype else contextlib.nullcontext()
        with autocast:
            loss = self.criterion(self.model(normalize_batch(self.images, self.channels_last)), self.targets)
        self.optimizer.zero_grad(set_to_none=True)
        if self.scaler:
            self.scaler.scale(loss).backward()
            self.scaler.step(self.optimizer)
            self.scaler.update()
        else:
            loss.backward()
            self.optimizer.step()


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def fits(args, device, batch_size: int) -> bool:
    try:
        step = Step(args, device, amp=False, channels_last=False, batch_size=batch_size)
        step()
        step()
        sync(device)
        return True
    except RuntimeError as error:
        if "out of memory" not in str(error):
            raise
        return False
    finally:
        torch.cuda.empty_cache()


def choose_batch_size(args, device) -> int:
    if args.batch_size:
        return args.batch_size
    if device.type != "cuda":
        return 32
    # The float32 baseline needs the most memory, so a batch that fits it fits every configuration.
    # Stops at 256: beyond that throughput no longer grows for ResNet-50 and memory is better left.
    size = 32
    while size < 256 and fits(args, device, size * 2):
        size *= 2
    return size


def time_training(args, device, batch_size: int, amp: bool, channels_last: bool) -> float:
    step = Step(args, device, amp, channels_last, batch_size)
    for _ in range(args.warmup):
        step()
    sync(device)
    rates = []
    for _ in range(args.steps):
        started = time.perf_counter()
        step()
        sync(device)
        rates.append(batch_size / (time.perf_counter() - started))
    del step
    if device.type == "cuda":
        torch.cuda.empty_cache()
    return statistics.median(rates)


def time_pipeline(args) -> float:
    from PIL import Image

    torch.set_num_threads(1)
    generator = torch.Generator().manual_seed(0)
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        side = args.pipeline_source_size
        for i in range(args.pipeline_images):
            # Smooth gradients plus noise: closer to a photo's JPEG decode cost than flat colour.
            base = torch.linspace(0, 255, side).view(1, side, 1).expand(3, side, side)
            noise = torch.randint(0, 40, (3, side, side), generator=generator)
            pixels = (base + noise).clamp(0, 255).to(torch.uint8).permute(1, 2, 0).numpy()
            buffer = io.BytesIO()
            Image.fromarray(pixels).save(buffer, format="JPEG", quality=90)
            path = Path(folder) / f"{i}.jpg"
            path.write_bytes(buffer.getvalue())
            paths.append(path)
        dataset = ImageFolderDataset({"c": paths}, {"c": 0}, train_transform(args.image_size))
        dataset[0]
        started = time.perf_counter()
        for index in range(len(dataset)):
            dataset[index]
        return len(dataset) / (time.perf_counter() - started)


def main() -> None:
    args = parse_args()
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True
        name = torch.cuda.get_device_name(device)
    else:
        name = f"CPU ({torch.get_num_threads()} threads)"
    batch_size = choose_batch_size(args, device)
    print(f"device: {name}; torch {torch.__version__}, CUDA {torch.version.cuda or 'none'}")
    print(f"settings: {args.arch}, {args.image_size}x{args.image_size}, batch {batch_size}, "
          f"{args.warmup} warmup + {args.steps} timed steps, AMP dtype {amp_dtype(device)}\n")

    rows = []
    for amp, channels_last in ((False, False), (True, False), (False, True), (True, True)):
        rows.append((amp, channels_last, time_training(args, device, batch_size, amp, channels_last)))
    baseline = rows[0][2]
    print("| AMP | channels_last | images/s (median) | vs baseline |")
    print("|-----|---------------|------------------:|------------:|")
    for amp, channels_last, rate in rows:
        print(f"| {'on' if amp else 'off'} | {'on' if channels_last else 'off'} | {rate:,.1f} | {rate / baseline:.2f}x |")

    per_core = time_pipeline(args)
    best = max(rate for _, _, rate in rows)
    print(f"\n| input pipeline (JPEG {args.pipeline_source_size}px decode + RandomResizedCrop {args.image_size} + flip) | images/s per CPU core |")
    print("|---|---:|")
    print(f"| one process, one thread | {per_core:,.1f} |")
    print(f"\nloader cores needed to feed the best configuration: about {best / per_core:.1f}")
    print("reference: NVIDIA ResNet-50 PyTorch training, one A100, AMP: ~2,470 images/s")


if __name__ == "__main__":
    main()
