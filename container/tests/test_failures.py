"""Every failure ends with a named reason in /opt/ml/output/failure and a non-zero exit code."""

import shutil
import time



def assert_fails(job, code: int, *fragments: str, **env: str) -> None:
    result = job.run(**env)
    assert result.returncode == code, result.stdout + result.stderr
    failure = job.failure
    assert failure, "no failure file"
    assert len(failure) <= 1024
    for fragment in fragments:
        assert fragment in failure, failure


def test_bad_hyperparameter_names_the_key(job):
    job.hyperparameters(learning_rate="fast")
    assert_fails(job, 2, "hyperparameter 'learning_rate' must be a number from 1e-08 to 10.0, got 'fast'")


def test_missing_channel(job):
    shutil.rmtree(job.channel("train"))
    assert_fails(job, 2, "channel 'train' is missing", str(job.channel("train")))


def test_empty_channel(job):
    shutil.rmtree(job.channel("validation"))
    job.channel("validation").mkdir()
    assert_fails(job, 2, "channel 'validation' is empty")


def test_class_missing_from_validation(job):
    shutil.rmtree(job.channel("validation") / "fox")
    assert_fails(job, 2, "class 'fox' has images in channel 'train' but none in channel 'validation'")


def test_corrupt_image_is_named_by_path(job):
    bad = job.channel("train") / "dog" / "broken.jpg"
    bad.write_bytes(b"this is not a jpeg")
    job.hyperparameters(workers="1")  # the error crosses a DataLoader worker process
    assert_fails(job, 2, "corrupt or unreadable image", str(bad))


def test_require_gpu_without_cuda_fails_fast(job):
    job.hyperparameters(require_gpu="true")
    started = time.monotonic()
    assert_fails(job, 3, "a GPU is required (require_gpu=true) but CUDA is not available")
    assert time.monotonic() - started < 30


def test_gpu_instance_type_without_cuda_fails_fast(job):
    job.resources(current_instance_type="ml.g5.xlarge")
    started = time.monotonic()
    assert_fails(job, 3, "instance type ml.g5.xlarge", "CUDA is not available")
    assert time.monotonic() - started < 30


def test_cpu_instance_type_trains_on_the_cpu(job):
    job.resources(current_instance_type="ml.m5.xlarge")
    result = job.run()
    assert result.returncode == 0, result.stdout + result.stderr
