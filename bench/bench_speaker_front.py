"""Issue 30 round 7: where the speaker stage's CPU time goes, and what was tried on cost and on missed
far-field speech (measured; none kept in the engine).

    python bench/bench_speaker_front.py --work DIR [--held] [--encoder INT8.onnx] [--segmentation INT8.onnx]

DIR is a ``bench_speakers.py --work DIR`` folder (its synthetic meetings are reused). Scored like
bench_speaker_merges (auto count, mean DER and right counts) on the tuning part (AMI trn01-05,
tune_three, tune_four); ``--held`` scores the held-out part instead (for a variant chosen on the tuning part).

  parts          the stage's CPU time by part: CAM++, the segmentation model, filterbanks, decoding
  agc W G F      before the segmentation model only: each W s stretch raised toward the chunk's loud
                 speech (95th percentile of the stretches' RMS), at most G dB, never from below F dBFS
  high-pass H    before the segmentation model only: nothing below H/2 Hz, a ramp up to H Hz
  denoise A      before the segmentation model only: spectral subtraction of A times each band's
                 10th-percentile magnitude in the chunk (the room's noise)
  count +B       the reconstruction's count of voices at a frame rounded up from .5 - B
  --encoder / --segmentation   a model file in place of the engine's CAM++ / segmentation: CPU time and
                 whether every recording's turns are the same as the engine's
                 (the int8 models are made by scripts/speaker_int8.py; round 8 ships them)
"""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

def loud_gain(window: float, most_db: float, floor_db: float):
    def apply(x: np.ndarray) -> np.ndarray:
        hop, width = 160, int(window * 16000)
        energy = np.concatenate([[0.0], np.cumsum(x.astype(np.float64) ** 2)])
        centres = np.arange(0, len(x), hop)
        lo, hi = np.maximum(centres - width // 2, 0), np.minimum(centres + width // 2, len(x))
        rms = np.sqrt((energy[hi] - energy[lo]) / width + 1e-12)
        gain = np.clip(np.percentile(rms, 95) / np.maximum(rms, 10 ** (floor_db / 20)), 1.0, 10 ** (most_db / 20))
        gain = np.convolve(gain, np.ones(30) / 30, mode="same")  # 0.3 s
        return (x * np.interp(np.arange(len(x)), np.arange(len(gain)) * hop, gain)).astype(np.float32)
    return apply


def high_pass(cut: float):
    from workers.engines import segmentation as sg

    freqs = np.fft.rfftfreq(sg.CHUNK_SAMPLES, 1 / 16000)
    ramp = np.clip((freqs - cut / 2) / (cut / 2), 0, 1)
    return lambda x: np.fft.irfft(np.fft.rfft(x.astype(np.float64)) * ramp, n=len(x)).astype(np.float32)


def denoised(over: float, size: int = 512, hop: int = 128):
    """Spectral subtraction: each band less *over* times its 10th-percentile magnitude in the chunk
    (the room's noise), at least a tenth of what was there; overlap-add with a periodic Hann window."""
    window = np.hanning(size + 1)[:-1]

    def apply(x: np.ndarray) -> np.ndarray:
        padded = np.pad(x.astype(np.float64), (size, size))
        starts = np.arange(0, len(padded) - size + 1, hop)
        spectra = np.fft.rfft(padded[starts[:, None] + np.arange(size)] * window, axis=1)
        magnitude = np.abs(spectra)
        noise = np.percentile(magnitude, 10, axis=0)
        kept = np.maximum(magnitude - over * noise, 0.1 * magnitude) / np.maximum(magnitude, 1e-12)
        frames = np.fft.irfft(spectra * kept, n=size, axis=1) * window
        out, norm = np.zeros(len(padded)), np.zeros(len(padded))
        np.add.at(out, (starts[:, None] + np.arange(size)).ravel(), frames.ravel())
        np.add.at(norm, (starts[:, None] + np.arange(size)).ravel(), np.tile(window ** 2, len(starts)))
        return (out / np.maximum(norm, 1e-9))[size:size + len(x)].astype(np.float32)
    return apply


@contextmanager
def front(change=None, count_bias: float = 0.0, encoder: Path | None = None, segmentation: Path | None = None):
    """The engine with one change, put back afterwards."""
    from workers.engines import segmentation as sg
    from workers.engines import voices

    saved = voices.encoder, sg.segmenter, voices._reconstruct
    if encoder:
        voices.encoder = lru_cache(maxsize=1)(lambda: voices.CamppEncoder(encoder))
    if segmentation or change:
        model = sg.Segmenter(segmentation or sg.WEIGHTS)  # a session of its own: the engine's is left as it is
        if change:
            real = model.activity
            model.activity = lambda chunks, below=None: real(np.stack([change(c) for c in chunks]), below)
        sg.segmenter = lambda: model
    if count_bias:
        import inspect

        source = inspect.getsource(saved[2])
        changed = source.replace("np.round(counted / seen)", f"np.floor(counted / seen + 0.5 + {count_bias})")
        assert changed != source, "voices._reconstruct no longer rounds its count this way"
        space = dict(vars(voices))
        exec(changed, space)  # noqa: S102 -- the engine's own function, one rounding changed, in this bench only
        voices._reconstruct = space["_reconstruct"]
    try:
        yield
    finally:
        voices.encoder, sg.segmenter, voices._reconstruct = saved


def turns_and_cpu(items: list[dict]) -> tuple[dict, float]:
    from workers.engines import voices

    turns, cpu = {}, 0.0
    for item in items:
        started = time.process_time()
        found = voices.diarize(str(item["path"]))
        cpu += time.process_time() - started
        turns[item["name"]] = [(t.start, t.end, t.speaker) for t in found.turns]
    return turns, cpu


def parts(items: list[dict]) -> str:
    """The stage's CPU time on *items*, by part (both onnxruntime sessions, filterbanks, decoding timed)."""
    from workers.engines import segmentation as sg
    from workers.engines import voices

    spent = dict.fromkeys(("CAM++", "segmentation", "filterbanks", "decoding"), 0.0)

    def timed(call, key):
        def run(*args, **kwargs):
            started = time.process_time()
            try:
                return call(*args, **kwargs)
            finally:
                spent[key] += time.process_time() - started
        return run

    enc, seg = voices.encoder(), sg.segmenter()
    saved = enc.session.run, seg.session.run, enc.fbank, voices.blocks
    enc.session.run, seg.session.run = timed(enc.session.run, "CAM++"), timed(seg.session.run, "segmentation")
    enc.fbank = timed(enc.fbank, "filterbanks")

    def blocks(path):
        source, step = saved[3](path), timed(next, "decoding")
        while (block := step(source, None)) is not None:
            yield block
    voices.blocks = blocks
    try:
        _, total = turns_and_cpu(items)
    finally:
        enc.session.run, seg.session.run, enc.fbank, voices.blocks = saved
    return f"{total:.2f} s CPU: " + ", ".join(f"{k} {v:.2f} ({v / total:.0%})" for k, v in spent.items())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--held", action="store_true")
    ap.add_argument("--encoder", type=Path)
    ap.add_argument("--segmentation", type=Path)
    args = ap.parse_args()
    import bench_speakers as bs
    from bench_speaker_merges import score

    items = [i for i in bs.material(args.work) if i["kind"] in ("ami", "synthetic") and i["tuned"] != args.held]
    part = "held out" if args.held else "tuning part"
    if args.encoder or args.segmentation:
        before, cpu_before = turns_and_cpu(items)
        with front(encoder=args.encoder, segmentation=args.segmentation):
            after, cpu_after = turns_and_cpu(items)
            _, line = score(items)
        print(f"{part}: the engine's models {cpu_before:.1f} s CPU, {args.encoder or args.segmentation} {cpu_after:.1f} s "
              f"({cpu_after / cpu_before:.2f}x); {line}; turns changed in: "
              f"{[k for k in before if before[k] != after[k]] or 'none'}")
        return
    print(f"where the stage's CPU time goes ({part}): {parts(items)}")
    print(f"{part}: mean DER, right count")
    variants = [("engine", {})]
    variants += [(f"agc {w} s, {g} dB, floor {f}", {"change": loud_gain(w, g, f)})
                 for w, g, f in ((0.5, 6, -60), (0.5, 12, -60), (0.5, 20, -60), (1.0, 12, -50))]
    variants += [(f"high-pass {h} Hz", {"change": high_pass(h)}) for h in (100, 200, 400)]
    variants += [(f"denoise {a}", {"change": denoised(a)}) for a in (1.0, 2.0)]
    variants += [(f"count +{b}", {"count_bias": b}) for b in (0.1, 0.2, 0.3)]
    for label, kw in variants:
        with front(**kw):
            per, line = score(items)
        print(f"  {label:28} {line}   " + " ".join(f"{k} {d:.3f} {f}/{w}" for k, (d, f, w) in per.items()))


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    main()
