"""The Makefile retrains the model when, and only when, the training data or config changed."""
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["requirements.lock", ".venv/.installed", "config.yml", "domain.yml",
           "assistant/sentence_encoder.py", "assistant/topic_classifier.py",
           "data/nlu/family.yml", "data/nlu/professional.yml", "data/rules/answers.yml"]


@pytest.fixture
def project(tmp_path):
    """A tree with the Makefile, its training inputs and a model trained after all of them."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    past = time.time() - 100
    for name in SOURCES:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    for path in tmp_path.rglob("*"):
        os.utime(path, (past, past))
    model = tmp_path / "models" / "assistant.tar.gz"
    model.parent.mkdir()
    model.write_text("model")
    os.utime(model, (past + 10, past + 10))
    return tmp_path


def model_is_up_to_date(project):
    # make -q: exit 0 when the target is up to date, 1 when it would be rebuilt.
    return subprocess.run(["make", "-q", "models/assistant.tar.gz"], cwd=project,
                          capture_output=True).returncode == 0


def test_a_model_newer_than_its_data_is_kept(project):
    assert model_is_up_to_date(project)


def test_an_edited_training_file_retrains(project):
    (project / "data/nlu/family.yml").write_text("y")
    assert not model_is_up_to_date(project)


def test_a_removed_training_file_retrains(project):
    (project / "data/nlu/professional.yml").unlink()
    assert not model_is_up_to_date(project)


def test_an_added_training_file_retrains(project):
    (project / "data/nlu/carers.yml").write_text("z")
    assert not model_is_up_to_date(project)
