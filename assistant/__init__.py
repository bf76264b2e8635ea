"""Rasa-side code of the dog-safety assistant: settings, contacts, safety check, channels, NLG."""
from assistant import blas_kernel

# First, before any module of ours or Rasa's loads numpy (why: assistant/blas_kernel.py).
blas_kernel.choose()
