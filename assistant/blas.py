"""One BLAS thread while a served message is understood.

A served message's matrices are small: a second BLAS thread saves little of its latency, and
OpenBLAS's idle worker spins on the other core after every product, so Rasa instances on the same
cores slow each other down. `make bench` measured it twice: two threads in the sentence encoder
gave 2 instances 0.91x the throughput of 1 (1.86x with one thread), and a single 1 x 384 product
left outside the limit in the classifier kept one instance at 99% of both cores (1.16x).
Training keeps every core. The sentence encoder runs on ONNX Runtime, not BLAS, and follows the
same rule with its own setting: one intra-op thread for a served message, every core in training
(assistant/sentence_encoder.py).
"""
import numpy  # noqa: F401  loads the OpenBLAS the controller must find
from threadpoolctl import ThreadpoolController

_CONTROLLER = ThreadpoolController()


def one_thread():
    """A context in which BLAS uses one thread."""
    return _CONTROLLER.limit(limits=1, user_api="blas")
