"""assistant.serve: which models are served without TensorFlow, and what the placeholders do."""
import io
import json
import subprocess
import sys
import tarfile

import pytest

from assistant import redaction, serve

OUR_COMPONENTS = sorted(serve.COMPONENTS_WITHOUT_TENSORFLOW)


def model_archive(path, uses):
    metadata = {"predict_schema": {"nodes": {f"node{i}": {"uses": u} for i, u in enumerate(uses)}}}
    data = json.dumps(metadata).encode()
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("metadata.json")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return path


@pytest.mark.parametrize("arguments, expected", [
    (["run", "--model", "models/a.tar.gz", "--port", "5005"], "models/a.tar.gz"),
    (["run", "-m", "b.tar.gz"], "b.tar.gz"),
    (["run", "--model=c.tar.gz"], "c.tar.gz"),
    (["run", "--port", "5005"], None),
    (["run", "--model"], None),
])
def test_the_model_comes_from_rasa_arguments(arguments, expected):
    found = serve.model_path(arguments)
    assert (str(found) if found else None) == expected


def test_a_model_of_checked_components_is_served_without_tensorflow(tmp_path):
    assert serve.components_without_tensorflow(model_archive(tmp_path / "m.tar.gz", OUR_COMPONENTS))


def test_one_unchecked_component_brings_tensorflow_back(tmp_path):
    uses = OUR_COMPONENTS + ["rasa.nlu.classifiers.diet_classifier.DIETClassifier"]
    assert not serve.components_without_tensorflow(model_archive(tmp_path / "m.tar.gz", uses))


@pytest.mark.parametrize("content", [b"not a tar file", b""])
def test_an_unreadable_model_gets_tensorflow_and_rasa_reports_it(tmp_path, content):
    model = tmp_path / "broken.tar.gz"
    model.write_bytes(content)
    assert not serve.components_without_tensorflow(model)
    assert not serve.components_without_tensorflow(tmp_path / "missing.tar.gz")
    assert not serve.components_without_tensorflow(None)


def test_a_model_without_metadata_gets_tensorflow(tmp_path):
    model = tmp_path / "m.tar.gz"
    with tarfile.open(model, "w:gz") as archive:
        archive.addfile(tarfile.TarInfo("other.json"), io.BytesIO(b""))
    assert not serve.components_without_tensorflow(model)


def test_leaving_out_tensorflow_after_it_was_imported_is_refused(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorflow", object())
    meta_path = list(sys.meta_path)
    with pytest.raises(serve.TensorFlowLeftOut):
        serve.leave_out_tensorflow()
    assert sys.meta_path == meta_path


# Run in a fresh interpreter: what a server started by assistant.serve imports, without TensorFlow.
TEXTS = ["Sarah Jones rang about her dog, call 07700 900123",
         "my partner Daniel leaves the staffie with our baby Lily"]
WITHOUT_TENSORFLOW = f"""
import json, sys
TEXTS = {TEXTS!r}
from assistant import serve
serve.leave_out_tensorflow()
import rasa.core.agent, rasa.server, rasa.core.run, spacy, thinc.compat
from assistant import redaction
from rasa.utils.tensorflow.callback import RasaTrainingLogger
result = {{
    "placeholder": type(sys.modules["tensorflow"]).__name__,
    "library_mapped": "libtensorflow" in open("/proc/self/maps").read(),
    "thinc_has_tensorflow": thinc.compat.has_tensorflow,
    "redacted": [redaction.redact(text) for text in TEXTS],
}}
try:
    RasaTrainingLogger(epochs=1, silent=True)
    result["keras_object"] = "made"
except serve.TensorFlowLeftOut as error:
    result["keras_object"] = str(error)
print(json.dumps(result))
"""


def test_rasa_spacy_and_redaction_import_with_placeholders_and_using_tensorflow_fails_loudly():
    done = subprocess.run([sys.executable, "-c", WITHOUT_TENSORFLOW], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["placeholder"] == "_PlaceholderModule"
    assert result["library_mapped"] is False
    assert result["thinc_has_tensorflow"] is False
    assert result["redacted"] == [redaction.redact(text) for text in TEXTS]
    assert "Sarah" not in result["redacted"][0] and "Daniel" not in result["redacted"][1]
    assert "needs TensorFlow" in result["keras_object"]
