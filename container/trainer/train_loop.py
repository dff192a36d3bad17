"""The training run of one process: data, model, then one loop of epochs with validation, metric lines,
checkpoints and a clean stop on SIGTERM. Global rank 0 alone writes checkpoints and the model."""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import asdict

import torch
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler

from . import distributed
from .checkpoint import load_checkpoint, save_atomically, save_checkpoint
from .data import ShardSampler, load_datasets, normalize_batch
from .environment import Cluster
from .failure import UserInputError
from .hyperparameters import Hyperparameters
from .metrics import EpochMetrics, metric_line, step_line, write_metrics
from .model import build_model, export_torchscript, load_pretrained
from .paths import Paths
from .schedule import LearningRate
from .stop import StopSignal

# With several processes, agreeing on a stop costs an all-reduce (and a device sync): do it every few
# steps only. A step takes well under a second, far inside SageMaker's 120-second grace period.
STOP_CHECK_EVERY = 10


def run(layout: distributed.Layout, cluster: Cluster, hp: Hyperparameters, paths: Paths, stop: StopSignal) -> int:
    device = distributed.init(layout, cluster)
    try:
        return _train(layout, device, hp, paths, stop)
    except RuntimeError as error:
        if "out of memory" in str(error):
            raise UserInputError(
                f"{device} ran out of memory with batch_size={hp.batch_size}, image_size={hp.image_size}, "
                f"arch={hp.arch}: lower batch_size or image_size, or use a larger GPU"
            ) from error
        raise
    finally:
        distributed.shutdown()


def _log(layout: distributed.Layout, message: str) -> None:
    if layout.is_main:
        print(message, flush=True)


def _amp_dtype(hp: Hyperparameters, device: torch.device) -> torch.dtype | None:
    """bf16 where the GPU has it (Ampere and later: no loss scaling needed), else fp16 with a GradScaler.
    On the CPU mixed precision rarely pays off, so it stays float32 there."""
    if not hp.amp or device.type != "cuda":
        return None
    return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16


def grad_scaler():
    # torch.amp.GradScaler replaces the deprecated torch.cuda.amp one in newer releases.
    if hasattr(torch.amp, "GradScaler"):
        return torch.amp.GradScaler("cuda")
    return torch.cuda.amp.GradScaler()


def _workers(hp: Hyperparameters, procs_per_host: int) -> int:
    if hp.workers is not None:
        return hp.workers
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    # JPEG decoding and augmentation are the usual bottleneck of ResNet training: give each GPU all of
    # its share of the CPUs but one (which drives the GPU).
    return max(1, min(16, cpus // procs_per_host - 1))


def _optimizer(model: nn.Module, hp: Hyperparameters, lr: float) -> torch.optim.Optimizer:
    # No weight decay on BatchNorm and bias parameters: decaying them only hurts accuracy.
    decay = [p for n, p in model.named_parameters() if p.ndim > 1]
    no_decay = [p for n, p in model.named_parameters() if p.ndim <= 1]
    groups = [{"params": decay, "weight_decay": hp.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    if hp.optimizer == "adamw":
        return torch.optim.AdamW(groups, lr=lr)
    return torch.optim.SGD(groups, lr=lr, momentum=hp.momentum)


def _train(layout: distributed.Layout, device: torch.device, hp: Hyperparameters, paths: Paths, stop: StopSignal) -> int:
    on_gpu = device.type == "cuda"
    if on_gpu:
        torch.backends.cudnn.benchmark = True  # fixed input sizes: let cuDNN pick the fastest kernels
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    elif os.environ.get("SM_NUM_THREADS"):
        torch.set_num_threads(int(os.environ["SM_NUM_THREADS"]))
    torch.manual_seed(hp.seed)  # same initial weights on every rank

    data = load_datasets(paths.channel("train"), paths.channel("validation"), hp.image_size)
    _log(layout, f"data: {len(data.train)} training and {len(data.validation)} validation images, "
                 f"{len(data.class_names)} classes")
    per_rank = len(data.train) // layout.world_size
    if per_rank < 2:
        raise UserInputError(f"channel 'train' has {len(data.train)} images: too few for {layout.world_size} processes")

    model = build_model(hp.arch, len(data.class_names))
    pretrained = load_pretrained(model, paths.channel("pretrained"))
    if pretrained:
        _log(layout, f"started from pretrained weights {pretrained}")
    memory_format = torch.channels_last if hp.channels_last else torch.contiguous_format
    model = model.to(device, memory_format=memory_format)

    workers = _workers(hp, layout.procs_per_host)
    loader_options = {"num_workers": workers, "pin_memory": on_gpu}
    if workers > 0:
        loader_options.update(persistent_workers=True, prefetch_factor=4)
    train_sampler = DistributedSampler(data.train, num_replicas=layout.world_size, rank=layout.rank,
                                       shuffle=True, seed=hp.seed, drop_last=True)
    # Dropping the ragged last batch keeps BatchNorm away from batches of one image.
    train_loader = DataLoader(data.train, batch_size=min(hp.batch_size, per_rank), sampler=train_sampler,
                              drop_last=True, **loader_options)
    val_loader = DataLoader(data.validation, batch_size=hp.batch_size,
                            sampler=ShardSampler(len(data.validation), layout.rank, layout.world_size),
                            **loader_options)

    steps_per_epoch = len(train_loader)
    base_lr = hp.effective_lr(layout.world_size)
    optimizer = _optimizer(model, hp, base_lr)
    schedule = LearningRate(base_lr, steps_per_epoch=steps_per_epoch, epochs=hp.epochs,
                            warmup_epochs=hp.warmup_epochs, schedule=hp.lr_schedule)
    amp_dtype = _amp_dtype(hp, device)
    scaler = grad_scaler() if amp_dtype == torch.float16 else None
    criterion = nn.CrossEntropyLoss(label_smoothing=hp.label_smoothing)

    start_epoch, final = 0, None
    state = load_checkpoint(paths.checkpoint_dir, arch=hp.arch, class_names=data.class_names)
    if state is not None:
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        if scaler is not None and state.get("scaler"):
            scaler.load_state_dict(state["scaler"])
        start_epoch = state["epochs_done"]
        final = EpochMetrics(**state["metrics"]) if state.get("metrics") else None
        _log(layout, f"resuming from checkpoint after epoch {start_epoch} of {hp.epochs}")

    train_model: nn.Module = model
    if layout.world_size > 1:
        train_model = DistributedDataParallel(model, device_ids=[layout.local_rank] if on_gpu else None)
    if hp.compile:
        if hasattr(torch, "compile"):
            train_model = torch.compile(train_model)
        else:
            _log(layout, f"compile=true ignored: torch {torch.__version__} has no torch.compile")

    _log(layout, f"training {hp.arch} on {layout.world_size} process(es) ({device.type}), "
                 f"batch {train_loader.batch_size}/process, lr {base_lr:.4f}, amp {amp_dtype}, "
                 f"channels_last {hp.channels_last}, {workers} loader workers/process, "
                 f"{steps_per_epoch} steps/epoch")

    def autocast():
        if amp_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(device_type=device.type, dtype=amp_dtype)

    def should_stop(step: int) -> bool:
        if layout.world_size == 1:
            return stop.requested
        return step % STOP_CHECK_EVERY == 0 and distributed.any_rank(stop.requested, device)

    def save(epochs_done: int, metrics: EpochMetrics | None) -> None:
        if layout.is_main:
            path = save_checkpoint(paths.checkpoint_dir, epochs_done=epochs_done, model=model,
                                   optimizer=optimizer, scaler=scaler, arch=hp.arch,
                                   class_names=data.class_names,
                                   metrics=asdict(metrics) if metrics else None)
            _log(layout, f"checkpoint saved: {path} (epochs done: {epochs_done})")

    for epoch in range(start_epoch, hp.epochs):
        # ---- train ----
        train_model.train()
        train_sampler.set_epoch(epoch)
        loss_sum = torch.zeros((), device=device)  # accumulated on the device: no sync per step
        seen = 0
        started = time.perf_counter()
        stopped = False
        for step, (images, targets) in enumerate(train_loader, start=1):
            lr = schedule.apply(optimizer, epoch * steps_per_epoch + step - 1)
            images = normalize_batch(images.to(device, non_blocking=True), hp.channels_last)
            targets = targets.to(device, non_blocking=True)
            with autocast():
                loss = criterion(train_model(images), targets)
            optimizer.zero_grad(set_to_none=True)
            if scaler is not None:
                scaler.scale(loss).backward()
                scaler.step(optimizer)
                scaler.update()
            else:
                loss.backward()
                optimizer.step()
            loss_sum += loss.detach() * targets.size(0)
            seen += targets.size(0)
            if step % hp.log_interval == 0 or step == steps_per_epoch:
                _log(layout, step_line(epoch + 1, hp.epochs, step, steps_per_epoch, loss.item(), lr))
            if should_stop(step):
                stopped = True
                break
        if stopped or (layout.world_size == 1 and stop.requested):
            # The interrupted epoch is redone on resume; its partial progress stays in the weights.
            _log(layout, f"SIGTERM received during epoch {epoch + 1}: saving a checkpoint and stopping")
            save(epoch, final)
            return 0
        totals = distributed.all_reduce_sum(torch.stack([loss_sum.float(), torch.tensor(float(seen), device=device)]))
        train_seconds = time.perf_counter() - started

        # ---- validate ----
        val = _evaluate(model, val_loader, criterion, device, hp.channels_last, autocast)
        final = EpochMetrics(
            epoch=epoch + 1,
            train_loss=(totals[0] / totals[1]).item(),
            val_loss=val["loss"],
            val_accuracy=val["accuracy"],
            images_per_sec=totals[1].item() / train_seconds,
        )
        _log(layout, metric_line(final))
        save(epoch + 1, final)
        if distributed.any_rank(stop.requested, device):
            _log(layout, f"SIGTERM received after epoch {epoch + 1}: stopping with the checkpoint saved")
            return 0

    if layout.is_main:
        _write_model(paths, model, hp, data.class_names, final)
    distributed.barrier()
    return 0


@torch.no_grad()
def _evaluate(model, loader, criterion, device, channels_last, autocast) -> dict[str, float]:
    model.eval()
    totals = torch.zeros(3, device=device)  # loss sum, correct, count
    for images, targets in loader:
        images = normalize_batch(images.to(device, non_blocking=True), channels_last)
        targets = targets.to(device, non_blocking=True)
        with autocast():
            logits = model(images)
        totals[0] += criterion(logits.float(), targets) * targets.size(0)
        totals[1] += (logits.argmax(dim=1) == targets).sum()
        totals[2] += targets.size(0)
    loss_sum, correct, count = distributed.all_reduce_sum(totals).tolist()
    return {"loss": loss_sum / count, "accuracy": correct / count}


def _write_model(paths: Paths, model: nn.Module, hp: Hyperparameters, class_names: list[str],
                 final: EpochMetrics | None) -> None:
    out = paths.model_dir
    out.mkdir(parents=True, exist_ok=True)
    save_atomically({k: v.cpu() for k, v in model.state_dict().items()}, out / "model.pt")
    export_torchscript(model, hp.image_size, out / "model.torchscript.pt")
    (out / "class_index.json").write_text(
        json.dumps({str(i): name for i, name in enumerate(class_names)}, indent=2) + "\n", encoding="utf-8")
    write_metrics(out / "metrics.json", final, {"arch": hp.arch, "image_size": hp.image_size,
                                                "hyperparameters": asdict(hp)})
    print(f"model written to {out}: model.pt, model.torchscript.pt, class_index.json, metrics.json", flush=True)
