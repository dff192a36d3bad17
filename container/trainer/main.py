"""Entry point of `train`: read and check the job's configuration, fail fast when the GPU is missing,
then run one training process per local GPU. Every failure ends in the failure file and a non-zero
exit code (see failure.py)."""

from __future__ import annotations

import os
import signal
import sys
import traceback
from typing import Callable

import torch.multiprocessing as mp

from . import distributed, train_loop
from .environment import check_gpu, check_input_mode, describe_environment, load_cluster
from .failure import TrainingError, describe, write_failure
from .hyperparameters import load_hyperparameters
from .paths import Paths
from .stop import StopSignal


def _guarded(paths: Paths, body: Callable[[], int]) -> int:
    try:
        return body()
    except Exception as error:  # the one boundary where every error becomes a reason and exit code
        if not isinstance(error, TrainingError):
            traceback.print_exc()
        write_failure(paths.failure_file, describe(error))
        return getattr(error, "exit_code", 1)


def main() -> int:
    paths = Paths.from_env()
    stop = StopSignal.install()
    return _guarded(paths, lambda: _start(paths, stop))


def _start(paths: Paths, stop: StopSignal) -> int:
    hp = load_hyperparameters(paths.hyperparameters)
    cluster = load_cluster(paths)
    check_input_mode(paths)
    check_gpu(cluster, hp.require_gpu)
    print(describe_environment(), flush=True)
    print(f"host {cluster.current_host} ({cluster.host_index + 1} of {len(cluster.hosts)}), "
          f"instance type {cluster.instance_type or 'unknown'}", flush=True)

    nprocs = distributed.procs_per_host()
    if nprocs == 1:
        layout = distributed.Layout(0, 1, cluster.host_index, len(cluster.hosts))
        return train_loop.run(layout, cluster, hp, paths, stop)

    context = mp.start_processes(_worker, args=(nprocs, cluster, hp, paths), nprocs=nprocs,
                                 join=False, start_method="spawn")
    # Only PID 1 receives SIGTERM from SageMaker: pass it on so every rank checkpoints and stops.
    stop.on_request(lambda: [os.kill(p.pid, signal.SIGTERM) for p in context.processes if p.is_alive()])
    try:
        while not context.join():
            pass
    except mp.ProcessExitedException as error:
        # The failing rank has written the failure file; join() has already ended the other ranks.
        return error.exit_code if error.exit_code and error.exit_code > 0 else 1
    return 0


def _worker(local_rank: int, nprocs: int, cluster, hp, paths: Paths) -> None:
    stop = StopSignal.install()
    layout = distributed.Layout(local_rank, nprocs, cluster.host_index, len(cluster.hosts))
    code = _guarded(paths, lambda: train_loop.run(layout, cluster, hp, paths, stop))
    if code:
        sys.exit(code)
