"""Starts a Rasa server: `python -m assistant.serve run --model MODEL ...` takes `rasa`'s arguments.

Rasa 3.6 imports TensorFlow at start-up whatever the model: its modules define Keras classes at
import time (for example rasa.core.agent imports rasa.utils.tensorflow.callback through the
featurizers). That costs every server about 270 MB and 1.7 s of start-up, and our model
has no TensorFlow component. So when every component of the model's prediction graph is one
that we checked runs without TensorFlow, this puts placeholders where Rasa's modules import
TensorFlow, and Rasa serves the model without loading it. Any other model (the stock one with
DIET and TED, say) gets the real TensorFlow.

A placeholder stands in for the names that Rasa's modules use when they are defined (base
classes, decorators, type annotations). Anything that uses TensorFlow while serving (making a
Keras object, calling a TensorFlow function) raises TensorFlowLeftOut, so a wrong entry in the
list below fails loudly instead of computing nonsense.
"""
import importlib.abc
import importlib.machinery
import json
import sys
import tarfile
import types
from pathlib import Path
from typing import List, Optional, Sequence

# The components of a prediction graph that run without TensorFlow: Rasa's own graph nodes for
# any model, the components in our config.yml, and nothing else. Checked by serving every test
# story and the dev questions with TensorFlow left out (tests/model/test_serve_without_tensorflow.py).
COMPONENTS_WITHOUT_TENSORFLOW = frozenset({
    "rasa.graph_components.converters.nlu_message_converter.NLUMessageConverter",
    "rasa.graph_components.providers.domain_provider.DomainProvider",
    "rasa.graph_components.providers.rule_only_provider.RuleOnlyDataProvider",
    "rasa.nlu.classifiers.regex_message_handler.RegexMessageHandler",
    "rasa.core.policies.ensemble.DefaultPolicyPredictionEnsemble",
    "rasa.nlu.tokenizers.whitespace_tokenizer.WhitespaceTokenizer",
    "rasa.core.policies.rule_policy.RulePolicy",
    "assistant.tfidf_features.WordTfidfFeaturizer",
    "assistant.sentence_features.SentenceEmbeddingFeaturizer",
    "assistant.topic_classifier.TopicClassifier",
    "assistant.subject_fallback.SubjectFallbackClassifier",
    "assistant.safety_check.SafetyCheck",
})

# The packages replaced by placeholders: TensorFlow and the Keras it loads.
LEFT_OUT_PACKAGES = frozenset({"tensorflow", "keras"})

# thinc (under spaCy) uses TensorFlow when this imports, and does without it when it fails.
PROBE_THAT_MUST_FAIL = "tensorflow.experimental.dlpack"


class TensorFlowLeftOut(RuntimeError):
    pass


class _PlaceholderType(type):
    """The type of every placeholder: `tf.keras.layers.Layer` and the like are classes, so Rasa's
    modules can subclass them, and each attribute is another placeholder."""

    def __getattr__(cls, name: str) -> "_PlaceholderType":
        if name.startswith("__"):
            raise AttributeError(name)
        child = _PlaceholderType(name, (Placeholder,), {"__module__": cls.__module__})
        setattr(cls, name, child)
        return child

    def __call__(cls, *args, **kwargs):
        # `@tf.function` and `@tf.autograph.experimental.do_not_convert` decorate at import.
        if len(args) == 1 and not kwargs and callable(args[0]):
            return args[0]
        raise TensorFlowLeftOut(
            f"{cls.__qualname__} needs TensorFlow, which assistant.serve left out because no "
            "component of the model needs it (see assistant/serve.py); start `rasa run` itself "
            "to serve with TensorFlow")

    def __getitem__(cls, item) -> "_PlaceholderType":  # annotations such as tf.Tensor[...]
        return cls


class Placeholder(metaclass=_PlaceholderType):
    pass


class _PlaceholderModule(types.ModuleType):
    def __getattr__(self, name: str) -> _PlaceholderType:
        if name.startswith("__"):
            raise AttributeError(name)
        child = _PlaceholderType(name, (Placeholder,), {"__module__": self.__name__})
        setattr(self, name, child)
        return child


class _PlaceholderFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name: str, path, target=None) -> Optional[importlib.machinery.ModuleSpec]:
        if name == PROBE_THAT_MUST_FAIL:
            raise ModuleNotFoundError(f"No module named {name!r} (TensorFlow left out)", name=name)
        if name.split(".")[0] in LEFT_OUT_PACKAGES:
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = _PlaceholderModule(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        pass


def model_path(rasa_arguments: Sequence[str]) -> Optional[Path]:
    """The model that `rasa run` was given with --model (or -m), if any."""
    for index, argument in enumerate(rasa_arguments):
        if argument in ("--model", "-m") and index + 1 < len(rasa_arguments):
            return Path(rasa_arguments[index + 1])
        if argument.startswith("--model="):
            return Path(argument.split("=", 1)[1])
    return None


def components_without_tensorflow(model: Optional[Path]) -> bool:
    """True when every node of the model's prediction graph is known to run without TensorFlow.
    A model that cannot be read says False: Rasa then loads it as usual and reports the error."""
    if model is None or not model.is_file():
        return False
    try:
        with tarfile.open(model, "r:gz") as archive:
            member = archive.extractfile("metadata.json")
            metadata = json.load(member) if member else {}
        nodes = metadata["predict_schema"]["nodes"].values()
        return all(node["uses"] in COMPONENTS_WITHOUT_TENSORFLOW for node in nodes)
    except (OSError, tarfile.TarError, KeyError, TypeError, AttributeError, ValueError):
        return False


def leave_out_tensorflow() -> None:
    """Puts placeholders in place of TensorFlow for every import from now on."""
    if any(name.split(".")[0] in LEFT_OUT_PACKAGES for name in sys.modules):
        raise TensorFlowLeftOut("TensorFlow is already imported: leave it out before importing Rasa")
    sys.meta_path.insert(0, _PlaceholderFinder())


def main(rasa_arguments: List[str]) -> None:
    if rasa_arguments[:1] == ["run"] and components_without_tensorflow(model_path(rasa_arguments)):
        leave_out_tensorflow()
    from rasa.__main__ import main as run_rasa

    sys.argv = ["rasa", *rasa_arguments]
    run_rasa()


if __name__ == "__main__":
    main(sys.argv[1:])
