"""Progress and metric output. Metric lines have ONE format, matched by the regexes in
container/metric-definitions.json (which SageMaker MetricDefinitions and the tests both use):

    METRIC epoch=3 train_loss=0.4213 val_loss=0.5123 val_accuracy=0.8125 images_per_sec=1234.5

Numbers are always fixed-point, never exponent notation, so the simple regexes stay correct."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class EpochMetrics:
    epoch: int
    train_loss: float
    val_loss: float
    val_accuracy: float
    images_per_sec: float


def metric_line(m: EpochMetrics) -> str:
    return (f"METRIC epoch={m.epoch} train_loss={m.train_loss:.4f} val_loss={m.val_loss:.4f} "
            f"val_accuracy={m.val_accuracy:.4f} images_per_sec={m.images_per_sec:.1f}")


def step_line(epoch: int, epochs: int, step: int, steps: int, loss: float, lr: float) -> str:
    return f"epoch {epoch}/{epochs} step {step}/{steps} loss={loss:.4f} lr={lr:.6f}"


def write_metrics(path: Path, final: EpochMetrics | None, extra: dict) -> None:
    body = {**(asdict(final) if final else {}), **extra}
    path.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
