"""Make the int8 speaker models the speaker stage runs from the float ones (issue 30 round 8):
``voice/campplus_int8.onnx`` (CAM++) and ``voice/segmentation_int8.onnx`` (segmentation-3.0).

    python scripts/speaker_int8.py calibrate /tmp/int8/calib.npz   # Earmark's venv (and espeak-ng)
    python scripts/speaker_int8.py quantize /tmp/int8/calib.npz    # a throwaway venv: pip install onnx onnxruntime

Both keep 7-bit weights (``reduce_range``): an x86 CPU without VNNI multiplies uint8 activations by
int8 weights in pairs summed in int16, which saturates with full 8-bit weights (255·127·2 > 32767)
and not with 7 bits (255·64·2): the int8 products are exact with or without VNNI (the float parts
round as the float models' do on any CPU). Not tried on a CPU without VNNI.

CAM++: onnxruntime's static QDQ, per-channel int8 weights, uint8 activations from min/max over the
very inputs (Kaldi filterbanks) the float engine gives CAM++ on the part the engine's settings were
chosen on (AMI trn01-05 and the synthetic tune_three / tune_four); Conv layers only, the 2D
convolutions of the front (the first 8) and the last 4 convolutions left float (quantised, they
moved the prints most, round 7). The segmentation: onnxruntime's dynamic quantisation of its LSTMs
and MatMuls (no calibration; SincNet's convolutions stay float).

Made with onnx 1.23.2 and onnxruntime 1.32.0; the same calibration gives the same files byte for
byte. Measured (docs/benchmarks.md, round 8): the stage's CPU time 0.66x the float models'.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VOICE = REPO / "workers" / "engines" / "voice"
HEAD, TAIL = 8, 4  # convolutions of CAM++ left float at the start and the end


def calibrate(out: str) -> None:
    """The float engine's CAM++ inputs on the tuning part, saved to *out*."""
    import numpy as np

    sys.path.insert(0, str(REPO))
    from tests import voices_audio as va
    from workers.engines import segmentation as sg
    from workers.engines import voices

    float_encoder = voices.CamppEncoder(VOICE / "campplus.onnx")
    float_segmenter = sg.Segmenter(VOICE / "segmentation.onnx")
    voices.encoder, sg.segmenter = (lambda: float_encoder), (lambda: float_segmenter)
    feats = []
    run = float_encoder.session.run

    def keep(names, feed):
        feats.append(feed["feats"])
        return run(names, feed)

    float_encoder.session.run = keep
    work = Path(out).parent
    work.mkdir(parents=True, exist_ok=True)
    paths = [str(va.CORPUS / "diarization" / f"ami_trn0{i}.wav") for i in range(1, 6)]
    for cast in ("tune_three", "tune_four"):
        va.cast_meeting(work / f"{cast}.wav", cast)
        paths.append(str(work / f"{cast}.wav"))
    for path in paths:
        voices.diarize(path)
    np.savez(out, **{f"f{i}": f for i, f in enumerate(feats)})
    print(f"{len(feats)} CAM++ inputs from {len(paths)} recordings -> {out}")


def quantize(calibration: str) -> None:
    """Both int8 models, into workers/engines/voice/."""
    import numpy as np
    import onnx
    from onnxruntime.quantization import (
        CalibrationDataReader,
        QuantFormat,
        QuantType,
        quantize_dynamic,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    with np.load(calibration) as data:
        feats = [data[k] for k in sorted(data.files, key=lambda k: int(k[1:]))]

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.items = iter([{"feats": f} for f in feats])

        def get_next(self):
            return next(self.items, None)

    work = Path(calibration).parent
    prepared = work / "campplus.pre.onnx"
    quant_pre_process(str(VOICE / "campplus.onnx"), str(prepared), skip_symbolic_shape=True)
    convs = [n.name for n in onnx.load(str(prepared)).graph.node if n.op_type == "Conv"]
    quantize_static(str(prepared), str(VOICE / "campplus_int8.onnx"), Reader(), quant_format=QuantFormat.QDQ,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, per_channel=True,
                    reduce_range=True, op_types_to_quantize=["Conv"], nodes_to_exclude=convs[:HEAD] + convs[-TAIL:])
    print(f"{VOICE / 'campplus_int8.onnx'}: {len(convs) - HEAD - TAIL} of {len(convs)} convolutions int8")
    prepared = work / "segmentation.pre.onnx"
    quant_pre_process(str(VOICE / "segmentation.onnx"), str(prepared), skip_symbolic_shape=True)
    quantize_dynamic(str(prepared), str(VOICE / "segmentation_int8.onnx"), weight_type=QuantType.QInt8,
                     op_types_to_quantize=["LSTM", "MatMul"], reduce_range=True)
    print(f"{VOICE / 'segmentation_int8.onnx'}: its LSTMs and MatMuls int8")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("calibrate", "quantize"):
        sys.exit(__doc__)
    {"calibrate": calibrate, "quantize": quantize}[sys.argv[1]](sys.argv[2])
