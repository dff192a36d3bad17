import pytest

from trainer.failure import UserInputError
from trainer.hyperparameters import Hyperparameters, parse_hyperparameters
from trainer.schedule import LearningRate


def test_defaults_when_nothing_is_given():
    assert parse_hyperparameters({}) == Hyperparameters()


def test_string_values_are_parsed_into_types():
    hp = parse_hyperparameters({"arch": "ResNet18", "epochs": "3", "learning_rate": "0.05", "amp": "False",
                                "workers": "auto", "optimizer": '"adamw"'})
    assert (hp.arch, hp.epochs, hp.learning_rate, hp.amp, hp.workers, hp.optimizer) == (
        "resnet18", 3, 0.05, False, None, "adamw")


def test_platform_keys_are_ignored():
    assert parse_hyperparameters({"sagemaker_program": "x", "_tuning_objective_metric": "y"}) == Hyperparameters()


@pytest.mark.parametrize("key, value, expected", [
    ("epochs", "0", "'epochs' must be an integer from 1 to 10000, got '0'"),
    ("batch_size", "many", "'batch_size' must be an integer from 1 to 4096"),
    ("arch", "vgg16", "'arch' must be one of resnet18, resnet34, resnet50, resnet101"),
    ("momentum", "1", "'momentum' must be a number from 0.0 to 1.0 (exclusive)"),
    ("amp", "maybe", "'amp' must be true or false"),
    ("epoch", "3", "unknown hyperparameter 'epoch'"),
])
def test_bad_values_name_the_key_and_the_allowed_range(key, value, expected):
    with pytest.raises(UserInputError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        parse_hyperparameters({key: value})


def test_learning_rate_scales_with_the_global_batch():
    hp = Hyperparameters(learning_rate=0.1, batch_size=64)
    assert hp.effective_lr(world_size=1) == pytest.approx(0.025)
    assert hp.effective_lr(world_size=16) == pytest.approx(0.4)


def test_cosine_schedule_warms_up_then_decays_to_zero():
    lr = LearningRate(1.0, steps_per_epoch=10, epochs=10, warmup_epochs=1, schedule="cosine")
    assert lr.at(0) == pytest.approx(0.1)
    assert lr.at(9) == pytest.approx(1.0)
    assert lr.at(10) == pytest.approx(1.0)
    assert lr.at(99) < 0.01
