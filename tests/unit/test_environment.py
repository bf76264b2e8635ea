"""The installed packages: what requirements.lock leaves out stays out of every Rasa process."""
import subprocess
import sys
from pathlib import Path

# TensorFlow 2.12 lists these but imports them only if present, for features Rasa never uses;
# importing them cost each Rasa process 75 MB (requirements.lock's header).
UNUSED_BY_RASA = ["jax", "jaxlib", "ml_dtypes", "h5py"]


def test_rasa_and_tensorflow_start_without_the_packages_the_lock_leaves_out():
    script = ("import sys, rasa.core.agent, tensorflow; "
              f"print(sorted(m for m in {UNUSED_BY_RASA!r} if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_the_lock_does_not_pin_them():
    pinned = {line.split("==")[0].strip().lower().replace("-", "_")
              for line in (Path(__file__).parents[2] / "requirements.lock").read_text().splitlines()
              if line.strip() and not line.startswith("#")}
    assert pinned.isdisjoint(UNUSED_BY_RASA)
