"""SIGTERM (StopTrainingJob, spot interruption) only sets a flag; the training loop checks it between
steps and then saves a checkpoint. Saving from inside the signal handler could interrupt a half-done
optimiser step or a collective operation. In a container the program is PID 1, which the kernel
shields from signals without a handler: without this, SIGTERM would be ignored until SIGKILL."""

from __future__ import annotations

import signal
from typing import Callable


class StopSignal:
    def __init__(self) -> None:
        self.requested = False
        self._on_request: list[Callable[[], None]] = []

    @classmethod
    def install(cls) -> "StopSignal":
        stop = cls()
        signal.signal(signal.SIGTERM, stop._handle)
        return stop

    def on_request(self, callback: Callable[[], None]) -> None:
        self._on_request.append(callback)

    def _handle(self, signum, frame) -> None:
        if not self.requested:
            print("SIGTERM received: will checkpoint and stop after the current step", flush=True)
        self.requested = True
        for callback in self._on_request:
            callback()
