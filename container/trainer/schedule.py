"""Learning rate as a pure function of the global optimiser step: linear warmup (large effective
batches diverge without it), then cosine decay to zero, step decay (x0.1 at 1/3 and 2/3 of training) or
constant. Being stateless, it resumes from a checkpoint by knowing the step alone."""

from __future__ import annotations

import math


def lr_factor(step: int, total_steps: int, warmup_steps: int, schedule: str) -> float:
    if step < warmup_steps:
        return (step + 1) / warmup_steps
    progress = min(1.0, (step - warmup_steps) / max(1, total_steps - warmup_steps))
    if schedule == "cosine":
        return 0.5 * (1 + math.cos(math.pi * progress))
    if schedule == "step":
        return 0.1 ** int(min(progress, 0.999) * 3)
    return 1.0


class LearningRate:
    def __init__(self, base_lr: float, *, steps_per_epoch: int, epochs: int, warmup_epochs: float, schedule: str):
        self.base_lr = base_lr
        self.total_steps = steps_per_epoch * epochs
        # Warmup never takes more than half of a (short) run.
        self.warmup_steps = min(round(warmup_epochs * steps_per_epoch), self.total_steps // 2)
        self.schedule = schedule

    def at(self, step: int) -> float:
        return self.base_lr * lr_factor(step, self.total_steps, self.warmup_steps, self.schedule)

    def apply(self, optimizer, step: int) -> float:
        lr = self.at(step)
        for group in optimizer.param_groups:
            group["lr"] = lr
        return lr
