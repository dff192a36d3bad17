"""Cluster layout and the GPU check, as plain functions (CUDA presence faked with monkeypatch)."""

import json

import pytest
import torch

from trainer import environment
from trainer.distributed import Layout
from trainer.environment import Cluster, check_gpu, load_cluster
from trainer.failure import GpuUnavailableError
from trainer.paths import Paths


def test_hosts_are_sorted_so_every_host_agrees_on_master_and_ranks(tmp_path):
    paths = Paths(tmp_path)
    paths.config_dir.mkdir(parents=True)
    paths.resource_config.write_text(json.dumps({
        "current_host": "algo-2", "hosts": ["algo-3", "algo-1", "algo-2"],
        "network_interface_name": "eth1", "current_instance_type": "ml.p4d.24xlarge"}))
    cluster = load_cluster(paths)
    assert (cluster.master, cluster.host_index, cluster.network_interface) == ("algo-1", 1, "eth1")
    assert cluster.is_gpu_instance
    layout = Layout(local_rank=3, procs_per_host=8, host_index=cluster.host_index, num_hosts=3)
    assert (layout.rank, layout.world_size, layout.is_main) == (11, 24, False)


@pytest.mark.parametrize("instance_type, gpu", [("ml.g5.xlarge", True), ("ml.p5.48xlarge", True),
                                                 ("ml.m5.large", False), ("ml.c5.xlarge", False), (None, False)])
def test_gpu_instance_families(instance_type, gpu):
    assert Cluster("algo-1", ("algo-1",), None, instance_type).is_gpu_instance is gpu


@pytest.fixture
def cuda_build_without_gpu(monkeypatch):
    monkeypatch.setattr(torch.version, "cuda", "12.4")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)


def test_no_driver_means_not_started_with_the_nvidia_runtime(cuda_build_without_gpu, monkeypatch):
    monkeypatch.setattr(environment, "driver_version", lambda: None)
    with pytest.raises(GpuUnavailableError, match="not started with the NVIDIA runtime"):
        check_gpu(Cluster("algo-1", ("algo-1",), None, "ml.g5.xlarge"), require_gpu=False)


def test_driver_without_usable_gpu_names_the_driver(cuda_build_without_gpu, monkeypatch):
    monkeypatch.setattr(environment, "driver_version", lambda: "470.57.02")
    with pytest.raises(GpuUnavailableError, match="driver 470.57.02 .* too old"):
        check_gpu(Cluster("algo-1", ("algo-1",), None, None), require_gpu=True)


def test_cpu_instance_without_require_gpu_passes(cuda_build_without_gpu):
    check_gpu(Cluster("algo-1", ("algo-1",), None, "ml.m5.xlarge"), require_gpu=False)
