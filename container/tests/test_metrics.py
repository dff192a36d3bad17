import json
import re

from conftest import CONTAINER
from trainer.metrics import EpochMetrics, metric_line

DEFINITIONS = json.loads((CONTAINER / "metric-definitions.json").read_text())


def test_definitions_have_one_capture_group_each():
    assert [d["Name"] for d in DEFINITIONS] == [
        "epoch", "train:loss", "validation:loss", "validation:accuracy", "train:throughput"]
    assert all(re.compile(d["Regex"]).groups == 1 for d in DEFINITIONS)


def test_line_format_is_fixed_point_and_matched():
    line = metric_line(EpochMetrics(epoch=12, train_loss=0.00001, val_loss=12.5, val_accuracy=1.0,
                                    images_per_sec=123456.78))
    assert line == ("METRIC epoch=12 train_loss=0.0000 val_loss=12.5000 val_accuracy=1.0000 "
                    "images_per_sec=123456.8")
    values = [float(re.search(d["Regex"], line).group(1)) for d in DEFINITIONS]
    assert values == [12, 0.0, 12.5, 1.0, 123456.8]
