"""Turn Resemblyzer's voice encoder weights into the file Earmark ships.

Resemblyzer (Apache-2.0, https://github.com/resemble-ai/Resemblyzer) carries
its trained GE2E speaker encoder in its wheel as ``resemblyzer/pretrained.pt``,
a PyTorch file in the legacy (pre-zip) format. Earmark runs that network in
NumPy (``workers/engines/voices.py``) and does not depend on torch, so this
script reads the file without torch and writes the model's tensors, as
float16, to ``workers/engines/voice/ge2e.npz``.

    pip download --no-deps Resemblyzer==0.1.4 -d /tmp/rz
    python scripts/voice_encoder_weights.py /tmp/rz/Resemblyzer-0.1.4-py3-none-any.whl
"""

import collections
import io
import pickle
import struct
import sys
import zipfile
from pathlib import Path

import numpy as np

TARGET = Path(__file__).resolve().parents[1] / "workers/engines/voice/ge2e.npz"
TENSORS = [f"lstm.{kind}_l{layer}" for layer in range(3)
           for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")] + [
    "linear.weight", "linear.bias"]


class _Unpickler(pickle.Unpickler):
    """Keeps tensors as (storage key, offset, shape) instead of building them."""

    def persistent_load(self, pid):
        return pid[2]  # the storage's key

    def find_class(self, module, name):
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return lambda key, offset, shape, *rest: (key, offset, shape)
        if module == "torch" and name.endswith("Storage"):
            return name
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        raise pickle.UnpicklingError(f"unexpected {module}.{name}")


def read_legacy(data: bytes) -> dict[str, np.ndarray]:
    stream = io.BytesIO(data)
    for _ in range(3):  # magic number, protocol version, system info
        pickle.load(stream)
    state = _Unpickler(stream).load()["model_state"]
    keys = pickle.load(stream)
    storages = {}
    for key in keys:
        (count,) = struct.unpack("<q", stream.read(8))
        storages[key] = np.frombuffer(stream.read(count * 4), dtype="<f4")
    out = {}
    for name in TENSORS:
        key, offset, shape = state[name]
        size = int(np.prod(shape))
        out[name] = storages[key][offset:offset + size].reshape(shape)
    return out


def main(source: str) -> None:
    if source.endswith(".whl"):
        with zipfile.ZipFile(source) as wheel:
            data = wheel.read("resemblyzer/pretrained.pt")
    else:
        data = Path(source).read_bytes()
    tensors = read_legacy(data)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(TARGET, **{k: v.astype(np.float16) for k, v in tensors.items()})
    print(f"{TARGET}: {TARGET.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main(sys.argv[1])
