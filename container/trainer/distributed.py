"""Data-parallel layout: one process per local GPU, on every host of the job.

SageMaker starts the same container on each host and tells it the host list; there is no launcher.
The rendezvous is static: the first host (sorted) is the master at a fixed port, and ranks follow from
the host index and the local GPU index, so every process computes the same answer independently."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta

import torch
import torch.distributed as dist

from .environment import Cluster

MASTER_PORT = 29500


@dataclass(frozen=True)
class Layout:
    local_rank: int
    procs_per_host: int
    host_index: int
    num_hosts: int

    @property
    def rank(self) -> int:
        return self.host_index * self.procs_per_host + self.local_rank

    @property
    def world_size(self) -> int:
        return self.num_hosts * self.procs_per_host

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def procs_per_host() -> int:
    # TRAINER_PROCS_PER_HOST lets tests exercise the multi-process path on CPU (gloo).
    override = os.environ.get("TRAINER_PROCS_PER_HOST")
    if override:
        return max(1, int(override))
    return max(1, torch.cuda.device_count())


def init(layout: Layout, cluster: Cluster) -> torch.device:
    if torch.cuda.is_available():
        torch.cuda.set_device(layout.local_rank)
        device = torch.device("cuda", layout.local_rank)
    else:
        device = torch.device("cpu")
    if layout.world_size == 1:
        return device
    if cluster.network_interface:
        # NCCL/Gloo otherwise may pick an interface the other hosts cannot reach.
        os.environ.setdefault("NCCL_SOCKET_IFNAME", cluster.network_interface)
        os.environ.setdefault("GLOO_SOCKET_IFNAME", cluster.network_interface)
    master = cluster.master if layout.num_hosts > 1 else "127.0.0.1"
    dist.init_process_group(
        backend="nccl" if device.type == "cuda" else "gloo",
        init_method=f"tcp://{master}:{os.environ.get('MASTER_PORT', MASTER_PORT)}",
        rank=layout.rank,
        world_size=layout.world_size,
        timeout=timedelta(minutes=30),
    )
    return device


def active() -> bool:
    return dist.is_available() and dist.is_initialized()


def all_reduce_sum(tensor: torch.Tensor) -> torch.Tensor:
    if active():
        dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
    return tensor


def any_rank(flag: bool, device: torch.device) -> bool:
    """True when any process saw the flag: every rank must stop at the same step, or the others would
    wait forever in the next gradient all-reduce."""
    if not active():
        return flag
    value = torch.tensor([1.0 if flag else 0.0], device=device)
    dist.all_reduce(value, op=dist.ReduceOp.MAX)
    return bool(value.item())


def barrier() -> None:
    if active():
        dist.barrier()


def shutdown() -> None:
    if active():
        dist.destroy_process_group()
