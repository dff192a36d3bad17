"""Errors the program reports and the failure file SageMaker turns into the job's FailureReason.

The exit code tells the caller what kind of problem it was without parsing text:
1 = unexpected error in training, 2 = bad input (hyperparameters, data, configuration),
3 = a GPU was required but none is usable."""

from __future__ import annotations

import sys
from pathlib import Path

# SageMaker keeps only the first 1024 characters of the failure file as FailureReason.
MAX_FAILURE_CHARS = 1024


class TrainingError(Exception):
    exit_code = 1


class UserInputError(TrainingError):
    """Something the user can fix: hyperparameters, data layout, corrupt files, configuration."""

    exit_code = 2


class GpuUnavailableError(TrainingError):
    exit_code = 3


def describe(error: BaseException) -> str:
    """One short sentence for a human. Our own errors already read as sentences; for anything else the
    exception type is the most useful hint."""
    text = str(error).strip()
    if "Original Traceback" in text:
        # Raised in a DataLoader worker: PyTorch re-raises it with the worker's traceback as the
        # message, and the original "module.Type: message" is its last line.
        last = text.splitlines()[-1]
        type_name, _, message = last.partition(": ")
        return message if type_name.startswith("trainer.") else last
    if isinstance(error, TrainingError):
        return text
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def write_failure(path: Path, message: str) -> None:
    """Writes the reason once: with several processes the first one to fail has the real cause, the
    others usually only see a broken connection to it."""
    message = message.strip()[:MAX_FAILURE_CHARS]
    print(f"FAILURE {message}", file=sys.stderr, flush=True)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as handle:
            handle.write(message)
    except FileExistsError:
        pass
    except OSError as error:  # reporting must never hide the original failure
        print(f"could not write failure file {path}: {error}", file=sys.stderr, flush=True)
