"""Hyperparameters: SageMaker passes every value as a string. Each one is parsed and checked here, once,
and a bad value fails the job at start with a message naming the key and what is allowed, instead of
an obscure error an hour into training."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Callable

from .failure import UserInputError

ARCHITECTURES = ("resnet18", "resnet34", "resnet50", "resnet101")
OPTIMIZERS = ("sgd", "adamw")
LR_SCHEDULES = ("cosine", "step", "constant")


@dataclass(frozen=True)
class Hyperparameters:
    arch: str = "resnet50"
    epochs: int = 10
    batch_size: int = 64  # per GPU (per process)
    learning_rate: float = 0.1  # for a global batch of 256 images, scaled linearly (see effective_lr)
    lr_schedule: str = "cosine"
    warmup_epochs: float = 1.0
    optimizer: str = "sgd"
    momentum: float = 0.9
    weight_decay: float = 1e-4
    label_smoothing: float = 0.1
    image_size: int = 224
    workers: int | None = None  # None = "auto": derived from the CPUs per GPU
    seed: int = 42
    amp: bool = True
    channels_last: bool = True
    compile: bool = False
    require_gpu: bool = False
    log_interval: int = 50

    def effective_lr(self, world_size: int) -> float:
        """Linear scaling rule: the same hyperparameters stay sensible from one GPU to many instances."""
        return self.learning_rate * self.batch_size * world_size / 256


def _integer(low: int, high: int) -> Callable[[str], tuple[Any, str]]:
    def parse(raw: str) -> tuple[Any, str]:
        allowed = f"an integer from {low} to {high}"
        try:
            value = int(raw)
        except ValueError:
            return None, allowed
        return (value if low <= value <= high else None), allowed

    return parse


def _number(low: float, high: float, *, high_inclusive: bool = True) -> Callable[[str], tuple[Any, str]]:
    def parse(raw: str) -> tuple[Any, str]:
        allowed = f"a number from {low} to {high}" + ("" if high_inclusive else " (exclusive)")
        try:
            value = float(raw)
        except ValueError:
            return None, allowed
        ok = low <= value and (value <= high if high_inclusive else value < high)
        return (value if ok else None), allowed

    return parse


def _choice(options: tuple[str, ...]) -> Callable[[str], tuple[Any, str]]:
    def parse(raw: str) -> tuple[Any, str]:
        value = raw.lower()
        return (value if value in options else None), "one of " + ", ".join(options)

    return parse


def _boolean(raw: str) -> tuple[Any, str]:
    value = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}.get(raw.lower())
    return value, "true or false"


def _workers(raw: str) -> tuple[Any, str]:
    if raw.lower() == "auto":
        return "auto", "auto or an integer from 0 to 64"
    value, _ = _integer(0, 64)(raw)
    return value, "auto or an integer from 0 to 64"


PARSERS: dict[str, Callable[[str], tuple[Any, str]]] = {
    "arch": _choice(ARCHITECTURES),
    "epochs": _integer(1, 10_000),
    "batch_size": _integer(1, 4096),
    "learning_rate": _number(1e-8, 10.0),
    "lr_schedule": _choice(LR_SCHEDULES),
    "warmup_epochs": _number(0.0, 1000.0),
    "optimizer": _choice(OPTIMIZERS),
    "momentum": _number(0.0, 1.0, high_inclusive=False),
    "weight_decay": _number(0.0, 1.0),
    "label_smoothing": _number(0.0, 1.0, high_inclusive=False),
    "image_size": _integer(16, 1024),
    "workers": _workers,
    "seed": _integer(0, 2**32 - 1),
    "amp": _boolean,
    "channels_last": _boolean,
    "compile": _boolean,
    "require_gpu": _boolean,
    "log_interval": _integer(1, 1_000_000),
}
assert set(PARSERS) == {f.name for f in fields(Hyperparameters)}


def _is_platform_key(key: str) -> bool:
    # The SageMaker SDK and automatic model tuning add their own entries (sagemaker_*, _tuning_*).
    return key.startswith("sagemaker_") or key.startswith("_")


def parse_hyperparameters(raw: dict[str, Any]) -> Hyperparameters:
    values: dict[str, Any] = {}
    for key, raw_value in raw.items():
        if _is_platform_key(key):
            continue
        if key not in PARSERS:
            raise UserInputError(
                f"unknown hyperparameter '{key}'; known ones: {', '.join(sorted(PARSERS))}"
            )
        text = str(raw_value).strip()
        # The SageMaker Python SDK JSON-encodes values, so a string may arrive as "\"resnet50\"".
        if len(text) >= 2 and text[0] == text[-1] == '"':
            text = text[1:-1]
        value, allowed = PARSERS[key](text)
        if value is None:
            raise UserInputError(f"hyperparameter '{key}' must be {allowed}, got '{raw_value}'")
        values[key] = None if value == "auto" else value
    return Hyperparameters(**values)


def load_hyperparameters(path: Path) -> Hyperparameters:
    if not path.exists():
        return Hyperparameters()
    try:
        raw = json.loads(path.read_text(encoding="utf-8") or "{}")
    except json.JSONDecodeError as error:
        raise UserInputError(f"{path} is not valid JSON: {error}") from error
    if not isinstance(raw, dict):
        raise UserInputError(f"{path} must contain a JSON object of hyperparameters")
    return parse_hyperparameters(raw)
